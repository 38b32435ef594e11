/* geoplan efficiency: 亩均效益 evaluation of an enterprise register. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_common.h"
#include "commands.h"

static const char HELP[] =
    "usage: " PROG " efficiency CONFIG.yaml --out DIR [--data DIR] [--year N] [--threads N]\n"
    "\n"
    "亩均效益 evaluation: each enterprise's land (certificate area, else its parcel's\n"
    "geometry), its 亩均税收, 亩均产值, 亩均增加值, 单位能耗增加值, 单位排放增加值, R&D\n"
    "intensity and labour productivity, its score by the config's weighted indicators,\n"
    "its class (A/B/C/D …, T exempt, N not rated), and per zone the area-weighted\n"
    "亩均 values, the class mix and the ranking.  The config (YAML, geoplan:\n"
    "efficiency/1) is described in layers/efficiency/README.md; without scoring groups\n"
    "it uses the shipped 黄岩 2023 formulas (huangyan_2023.yaml).  Writes into DIR\n"
    "(created if missing; its parent must exist):\n"
    "  enterprises.csv, .json   one row per enterprise (UTF-8 with BOM for Excel)\n"
    "  zones_LEVEL.csv, .json   one row per zone of each level, then the total\n"
    "  efficiency.gpkg          layers parcels (score, class), enterprises and one per\n"
    "                           zone level, ready to map\n"
    "Files are written under temporary names and renamed at the end.\n"
    "\n"
    "  --out DIR        output directory (required)\n"
    "  --data DIR       resolve the config's relative layer paths (and project:) in DIR\n"
    "                   instead of the config's directory\n"
    "  --year N         evaluation year (overrides year:; firms' ages count from it)\n"
    "  --config-path D  also look for included configs in D (':'-separated list)\n"
    "  --threads N      worker threads for reading layers (default: all cores)\n"
    "  --quiet          print only errors\n"
    "\n"
    "Exit status: 0 ran, 2 usage error, 3 bad input (the config's errors as\n"
    "FILE:LINE:COL: message, an unreadable layer …).\n";

typedef struct eff_args {
    const char *config, *out, *data, *year, *config_path;
    int threads, quiet;
} eff_args;

/* The value of an option taking one, or NULL (message printed). */
static const char *take_value(int argc, char **argv, int *i)
{
    if (*i + 1 < argc)
        return argv[++*i];
    fprintf(stderr, PROG ": %s needs a value (see --help)\n", argv[*i]);
    return NULL;
}

static int parse_number(const char *s, const char *flag, long lo, long hi, long *out)
{
    char *end;
    *out = strtol(s, &end, 10);
    if (*s && !*end && *out >= lo && *out <= hi)
        return 1;
    fprintf(stderr, PROG ": %s: expected a number from %ld to %ld\n", flag, lo, hi);
    return 0;
}

static int parse_args(int argc, char **argv, eff_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = !strcmp(s, "--out")           ? &a->out
                            : !strcmp(s, "--data")        ? &a->data
                            : !strcmp(s, "--year")        ? &a->year
                            : !strcmp(s, "--config-path") ? &a->config_path
                                                          : NULL;
        long n;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            fputs(HELP, stdout);
            return -1;
        } else if (slot) {
            if (!(*slot = take_value(argc, argv, &i)))
                return EXIT_USAGE;
            if (slot == &a->year && !parse_number(a->year, "--year", 1900, 2200, &n))
                return EXIT_USAGE;
        } else if (!strcmp(s, "--threads")) {
            const char *v = take_value(argc, argv, &i);
            if (!v || !parse_number(v, "--threads", 1, 1024, &n))
                return EXIT_USAGE;
            a->threads = (int)n;
        } else if (!strcmp(s, "--quiet")) {
            a->quiet = 1;
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, PROG ": %s: unknown option (see --help)\n", s);
            return EXIT_USAGE;
        } else if (!a->config) {
            a->config = s;
        } else {
            fprintf(stderr, PROG ": one config at a time (got '%s' and '%s')\n", a->config, s);
            return EXIT_USAGE;
        }
    }
    if (!a->config || !a->out) {
        fprintf(stderr, PROG ": %s (see --help)\n",
                !a->config ? "no config file given" : "--out DIR is required");
        return EXIT_USAGE;
    }
    struct stat st;
    if (stat(a->out, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, PROG ": --out %s: exists and is not a directory\n", a->out);
        return EXIT_USAGE;
    }
    return 0;
}

/* Load and check the config; print its problems.  NULL when it has errors. */
static lg_eff_config *load_config(lg_ctx *ctx, const eff_args *a)
{
    char opt[3][4200];
    const char *options[4] = {NULL, NULL, NULL, NULL};
    size_t n = 0;
    const char *keys[] = {"DATA_DIR", "YEAR", "CONFIG_PATH"};
    const char *vals[] = {a->data, a->year, a->config_path};
    for (size_t k = 0; k < 3; k++)
        if (vals[k]) {
            snprintf(opt[n], sizeof opt[n], "%s=%s", keys[k], vals[k]);
            options[n] = opt[n];
            n++;
        }
    lg_eff_config *c = lg_eff_config_load(ctx, a->config, options);
    if (!c) {
        print_error(ctx);
        return NULL;
    }
    if (lg_eff_config_error_count(c) == 0)
        lg_eff_config_check(ctx, c);
    for (size_t i = 0; i < lg_eff_config_error_count(c); i++)
        fprintf(stderr, "%s\n", lg_eff_config_error(c, i));
    for (size_t i = 0; !a->quiet && i < lg_eff_config_warning_count(c); i++)
        fprintf(stderr, "warning: %s\n", lg_eff_config_warning(c, i));
    if (lg_eff_config_error_count(c)) {
        fprintf(stderr, PROG ": %s: %zu error%s\n", a->config, lg_eff_config_error_count(c),
                lg_eff_config_error_count(c) == 1 ? "" : "s");
        return lg_eff_config_free(ctx, c);
    }
    return c;
}

static void print_summary(const lg_efficiency *e, const char *out)
{
    static const char *const CLS[] = {"A", "B", "C", "D", "T", "N"};
    printf("evaluated %zu enterprises in %s:", lg_efficiency_firm_count(e), lg_efficiency_crs(e));
    for (size_t k = 0; k < sizeof CLS / sizeof CLS[0]; k++)
        printf(" %s %zu", CLS[k], lg_efficiency_class_count(e, CLS[k]));
    printf("\nwrote %s/enterprises.csv, enterprises.json, zones_*.csv, zones_*.json, "
           "efficiency.gpkg\n", out);
}

int cmd_efficiency(int argc, char **argv)
{
    eff_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? EXIT_RAN : rc;
    lg_ctx *ctx = cli_context();
    if (!ctx)
        return EXIT_BAD_INPUT;
    if (a.threads)
        lg_ctx_set_threads(ctx, a.threads);
    lg_eff_config *c = load_config(ctx, &a);
    lg_efficiency *e = c ? lg_efficiency_run(ctx, c, NULL) : NULL;
    if (c && !e)
        print_error(ctx);
    rc = e ? EXIT_RAN : EXIT_BAD_INPUT;
    if (e && lg_efficiency_write(ctx, e, a.out, NULL) != LG_OK) {
        print_error(ctx);
        rc = EXIT_BAD_INPUT;
    } else if (e && !a.quiet) {
        print_summary(e, a.out);
    }
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
    lg_ctx_free(ctx);
    return rc;
}
