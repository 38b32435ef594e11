/* geoplan demo: write a synthetic planning workspace (layers/demo). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_common.h"
#include "commands.h"
#include "demo.h"

static const char DEMO_HELP[] =
    "usage: " PROG " demo --out DIR [--scale S|M|L] [--seed N] [--format shp|gpkg] [--force]\n"
    "\n"
    "Write a deterministic synthetic planning workspace modelled on Qingdao into DIR:\n"
    "districts and streets (街道) nested exactly, land-use parcels tiling every district,\n"
    "enterprises on industrial parcels, roads, parks, forest, control lines (三线), project\n"
    "sites, buildings, land approvals and supply, facilities - in EPSG:4549 (metres).\n"
    "The layer and field names are the ones ../shared/peers expects; DIR/README.txt and\n"
    "DIR/workspace.json describe every layer and field.\n"
    "\n"
    "Options:\n"
    "  --out DIR             output directory (absent or empty; see --force)\n"
    "  --scale S|M|L         S: 李沧区 (98.7 km2, 11 streets, default); M: five central\n"
    "                        districts (~1,000 km2, ~50k parcels); L: the whole city\n"
    "                        (~10,000 km2, ~500k parcels, ~350k road segments)\n"
    "  --seed N              random seed (default 1); the same seed gives identical files\n"
    "  --format shp|gpkg     one shapefile per layer (default; enterprises.dbf in GBK),\n"
    "                        or one GeoPackage DIR/workspace.gpkg\n"
    "  --force               replace DIR when it holds a previous demo workspace\n"
    "                        (never a directory with anything else in it)\n"
    "  --threads N           worker threads (default 2); the output does not depend on it\n"
    "  --quiet               print nothing on success\n"
    "  --help                this help\n"
    "\n"
    "The workspace is written beside DIR and renamed into place at the end, so a failed\n"
    "run leaves nothing half-written.  Then try: " PROG " info DIR\n"
    "Exit status: 0 written, 2 usage error (including a non-empty DIR), 3 could not write.\n";

static int on_progress(double fraction, const char *what, void *user)
{
    (void)user;
    fprintf(stderr, "\r%s: %3.0f%%%s", what, fraction * 100, fraction >= 1.0 ? "\n" : "");
    fflush(stderr);
    return 1;
}

static int parse_seed(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-')
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return 0;
    *out = (uint64_t)v;
    return 1;
}

int cmd_demo(int argc, char **argv)
{
    gd_options o;
    gd_options_init(&o);
    const char *out = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        static const char *const with_value[] = {"--out", "--scale", "--seed", "--format",
                                                 "--threads"};
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++) {
            size_t len = strlen(with_value[k]);
            if (!strncmp(a, with_value[k], len) && (a[len] == '=' || !a[len])) {
                if (a[len] == '=') {
                    val = a + len + 1;
                } else if (i + 1 < argc) {
                    val = argv[++i];
                } else {
                    fprintf(stderr, PROG " demo: %s needs a value\n", with_value[k]);
                    return EXIT_USAGE;
                }
                a = with_value[k];
                break;
            }
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf("%s", DEMO_HELP);
            return EXIT_RAN;
        } else if (!strcmp(a, "--out")) {
            out = val;
        } else if (!strcmp(a, "--scale")) {
            gd_scale s;
            if (!gd_scale_parse(val, &s)) {
                fprintf(stderr, PROG " demo: --scale takes S, M or L, not '%s'\n", val);
                return EXIT_USAGE;
            }
            o.scale = s;
        } else if (!strcmp(a, "--seed")) {
            if (!parse_seed(val, &o.seed)) {
                fprintf(stderr, PROG " demo: --seed takes a non-negative integer, not '%s'\n",
                        val);
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--format")) {
            gd_format f;
            if (!gd_format_parse(val, &f)) {
                fprintf(stderr, PROG " demo: --format takes shp or gpkg, not '%s'\n", val);
                return EXIT_USAGE;
            }
            o.format = f;
        } else if (!strcmp(a, "--threads")) {
            char *end;
            long t = strtol(val, &end, 10);
            if (*end || t < 1 || t > 8) {
                fprintf(stderr, PROG " demo: --threads takes 1 to 8, not '%s'\n", val);
                return EXIT_USAGE;
            }
            o.threads = (int)t;
        } else if (!strcmp(a, "--force")) {
            o.force = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (a[0] == '-') {
            fprintf(stderr, PROG " demo: unknown option '%s' (see " PROG " demo --help)\n", a);
            return EXIT_USAGE;
        } else if (!out) {
            out = a; /* DIR may also be given without --out */
        } else {
            fprintf(stderr, PROG " demo: unexpected argument '%s' (see " PROG " demo --help)\n",
                    a);
            return EXIT_USAGE;
        }
    }
    if (!out || !*out) {
        fprintf(stderr, PROG " demo: name the output directory with --out DIR (see " PROG
                             " demo --help)\n");
        return EXIT_USAGE;
    }
    if (!quiet && isatty(STDERR_FILENO)) {
        o.progress = on_progress;
        o.progress_user = NULL;
    }
    gd_summary sum;
    char err[1024];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lg_status st = gd_generate(out, &o, &sum, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != LG_OK) {
        if (o.progress)
            fprintf(stderr, "\n");
        fprintf(stderr, PROG " demo: error: %s\n", err);
        return st == LG_ERR_ARG ? EXIT_USAGE : EXIT_BAD_INPUT;
    }
    if (quiet)
        return EXIT_RAN;
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("wrote %s: scale %s, seed %llu, %s, EPSG:4549 (metres), %.1f s\n", sum.path,
           gd_scale_name(o.scale), (unsigned long long)o.seed,
           o.format == GD_FORMAT_GPKG ? "one GeoPackage (workspace.gpkg)" : "one shapefile per layer",
           secs);
    printf("  %d district(s), %d streets, %.1f km2\n", sum.districts, sum.streets, sum.area_km2);
    for (size_t k = 0; k < sum.nlayers; k++)
        printf("  %-12s %9lld features%s\n", sum.layers[k].name, sum.layers[k].features,
               strcmp(sum.layers[k].encoding, "UTF-8") ? "  (DBF text in GBK)" : "");
    printf("layers and fields: %s/README.txt; next: " PROG " info %s%s\n", sum.path, sum.path,
           o.format == GD_FORMAT_GPKG ? "/workspace.gpkg" : "");
    return EXIT_RAN;
}
