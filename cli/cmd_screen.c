/* geoplan screen: project sites against the control lines (三线占用), per
 * site, for the whole area: lg_screen, with a verdict per site. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_common.h"
#include "commands.h"
#include "output.h"

static const char SCREEN_HELP[] =
    "usage: " PROG " screen SITES --control CONTROL [--boundary UGB] [OPTIONS]\n"
    "\n"
    "Screen project sites against the control lines (三线占用): per site its area,\n"
    "the area (m2) and share (%) in each control class (生态保护红线, 永久基本农田 and any\n"
    "other class of --class-field; overlapping polygons of a class count once), the\n"
    "area outside the development boundary (城镇开发边界), slivers dropped, and a\n"
    "verdict: 通过 pass, or 冲突 conflict naming the classes (and 开发边界外 outside the\n"
    "boundary).  The boundary is --boundary, else the control polygons of class\n"
    "--boundary-class; without either, no outside area is measured.\n"
    "\n"
    "A sliver is an area in a conflict class or outside the boundary of at most\n"
    "--tolerance m2 (default 1): it is set to 0, reported in dropped_m2, and makes no\n"
    "conflict; an area above the tolerance does.\n"
    "\n"
    "Options:\n"
    "  --control FILE[:LAYER]  the control polygons (required)\n"
    "  --boundary FILE[:LAYER] the development boundary polygons\n"
    "  --class-field F       the control attribute holding the class (default kind)\n"
    "  --boundary-class C    default 城镇开发边界\n"
    "  --conflict-classes a,b  classes whose occupation is a conflict (default every\n"
    "                        class but the boundary's)\n"
    "  --tolerance M2        sliver tolerance in m2 (default 1)\n"
    "  --where SQL           filter the sites; --control-where SQL the control polygons\n"
    "  --format text|csv|json  text: the sites table with the verdict, the totals,\n"
    "                        parameters and warnings; csv: the sites table with a\n"
    "                        verdict column; json: as geoplan measure (total, params,\n"
    "                        warnings, details.sites) with \"verdict\" in each site\n"
    "  --out-layer FILE.gpkg   layer sites (geometry, every column; the verdict as the\n"
    "                        1/0 columns conflict, conflict:<class>,\n"
    "                        conflict:outside_boundary), tables total and params\n"
    "  --threads N           worker threads (default: all cores)\n"
    "  --help                this help\n"
    "Exit status: 0 ran (whatever the verdicts), 2 usage error, 3 bad input.\n"
    "The layer-reading options below apply to every input.\n"
    "\n";

enum { S_SITES, S_CONTROL, S_BOUNDARY, S_N };

typedef struct screen_args {
    const char *in[S_N];
    const char *class_field, *boundary_class, *conflict, *tolerance, *control_where;
    const char *format, *out_layer, *threads;
    layer_opts lo;
    out_format fmt;
} screen_args;


static int check_args(screen_args *a)
{
    if (!a->in[S_SITES]) {
        fprintf(stderr, PROG " screen: name the SITES layer (see " PROG " screen --help)\n");
        return EXIT_USAGE;
    }
    if (!a->in[S_CONTROL]) {
        fprintf(stderr, PROG " screen: needs --control FILE (the control polygons)\n");
        return EXIT_USAGE;
    }
    if (a->lo.layer) {
        fprintf(stderr, PROG " screen: --layer is ambiguous with several inputs: name the "
                             "layer of each as FILE:LAYER\n");
        return EXIT_USAGE;
    }
    if (a->format && !parse_format(a->format, &a->fmt)) {
        fprintf(stderr, PROG " screen: --format takes text, csv or json\n");
        return EXIT_USAGE;
    }
    char *end;
    if (a->tolerance && (strtod(a->tolerance, &end) < 0 || end == a->tolerance || *end)) {
        fprintf(stderr, PROG " screen: --tolerance takes an area in m2 >= 0, not '%s'\n",
                a->tolerance);
        return EXIT_USAGE;
    }
    if (a->threads && (strtol(a->threads, &end, 10) < 0 || end == a->threads || *end)) {
        fprintf(stderr, PROG " screen: --threads takes a whole number >= 0\n");
        return EXIT_USAGE;
    }
    size_t n = a->out_layer ? strlen(a->out_layer) : 0;
    if (a->out_layer && (n < 6 || strcasecmp(a->out_layer + n - 5, ".gpkg"))) {
        fprintf(stderr, PROG " screen: --out-layer writes a GeoPackage: name it FILE.gpkg\n");
        return EXIT_USAGE;
    }
    return EXIT_RAN;
}

static int parse_args(int argc, char **argv, screen_args *a, int *help)
{
    memset(a, 0, sizeof *a);
    a->fmt = FORMAT_TEXT;
    *help = 0;
    struct {
        const char *flag;
        const char **val;
    } flags[] = {{"--control", &a->in[S_CONTROL]},     {"--boundary", &a->in[S_BOUNDARY]},
                 {"--class-field", &a->class_field},   {"--boundary-class", &a->boundary_class},
                 {"--conflict-classes", &a->conflict}, {"--tolerance", &a->tolerance},
                 {"--control-where", &a->control_where}, {"--format", &a->format},
                 {"--out-layer", &a->out_layer},       {"--threads", &a->threads}};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            *help = 1;
            return EXIT_RAN;
        }
        int t = layer_opts_take(&a->lo, argc, argv, &i);
        for (size_t f = 0; !t && f < sizeof flags / sizeof flags[0]; f++)
            t = cli_take_value("screen", flags[f].flag, argc, argv, &i, flags[f].val);
        if (t < 0)
            return EXIT_USAGE;
        if (t)
            continue;
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, PROG " screen: unknown option '%s' (see " PROG " screen --help)\n",
                    argv[i]);
            return EXIT_USAGE;
        }
        if (a->in[S_SITES]) {
            fprintf(stderr, PROG " screen: unexpected argument '%s': one SITES layer\n", argv[i]);
            return EXIT_USAGE;
        }
        a->in[S_SITES] = argv[i];
    }
    return check_args(a);
}

/* The verdict of site row s: 通过 pass, or 冲突 conflict: the classes. */
static char *verdict(const lg_table *t, size_t s)
{
    char buf[2048] = "";
    if (lg_table_value(t, s, (size_t)lg_table_column_index(t, "conflict")) != 1)
        return strdup("通过 pass");
    snprintf(buf, sizeof buf, "冲突 conflict:");
    int first = 1;
    for (size_t c = 0; c < lg_table_columns(t); c++) {
        const char *name = lg_table_column_name(t, c);
        if (strncmp(name, "conflict:", 9) || lg_table_value(t, s, c) != 1)
            continue;
        const char *what = !strcmp(name + 9, "outside_boundary") ? "开发边界外" : name + 9;
        strncat(buf, first ? " " : "、", sizeof buf - strlen(buf) - 1);
        strncat(buf, what, sizeof buf - strlen(buf) - 1);
        first = 0;
    }
    return strdup(buf);
}

static void print_text(FILE *out, const lg_result *r, const char *const *v)
{
    const lg_table *sites = lg_result_detail(r, 0), *tot = lg_result_total(r);
    fprintf(out, "screen: %zu site%s, %.0f in conflict, working CRS %s\n\n",
            lg_table_rows(sites), lg_table_rows(sites) == 1 ? "" : "s",
            lg_table_value(tot, 0, 0), lg_result_crs(r));
    output_table_text(out, sites, "verdict", v);
    fprintf(out, "\ntotal:\n");
    output_table_text(out, tot, NULL, NULL);
    fprintf(out, "\nparameters:\n");
    for (size_t i = 0; i < lg_result_param_count(r); i++)
        fprintf(out, "  %s = %s\n", lg_result_param_key(r, i), lg_result_param_value(r, i));
    if (lg_result_warning_count(r))
        fprintf(out, "\nwarnings:\n");
    for (size_t i = 0; i < lg_result_warning_count(r); i++)
        fprintf(out, "  %s\n", lg_result_warning(r, i));
}

static int print_json(FILE *out, const lg_result *r, const char *const *v)
{
    json_object *j = output_result_json(r), *sites = NULL, *det = NULL;
    if (!j)
        return -1;
    if (json_object_object_get_ex(j, "details", &det) &&
        json_object_object_get_ex(det, "sites", &sites))
        for (size_t i = 0; i < json_object_array_length(sites); i++)
            json_object_object_add(json_object_array_get_idx(sites, i), "verdict",
                                   json_object_new_string(v[i]));
    fprintf(out, "%s\n",
            json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(j);
    return 0;
}

static int print_result(const lg_result *r, out_format fmt)
{
    const lg_table *sites = lg_result_detail(r, 0);
    size_t n = lg_table_rows(sites);
    char **v = calloc(n ? n : 1, sizeof *v);
    int rc = v ? 0 : -1;
    for (size_t i = 0; i < n && !rc; i++)
        rc = (v[i] = verdict(sites, i)) ? 0 : -1;
    if (!rc && fmt == FORMAT_JSON)
        rc = print_json(stdout, r, (const char *const *)v);
    else if (!rc && fmt == FORMAT_CSV)
        output_table_csv(stdout, sites, "verdict", (const char *const *)v);
    else if (!rc)
        print_text(stdout, r, (const char *const *)v);
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
    return rc || fflush(stdout) || ferror(stdout) ? -1 : 0;
}

/* The kernel options from the flags. */
static void screen_options(const screen_args *a, char opt[4][1100], const char *o[5])
{
    size_t n = 0;
    const char *keys[] = {"CLASS_FIELD", "BOUNDARY_CLASS", "CONFLICT_CLASSES", "TOLERANCE_M2"};
    const char *vals[] = {a->class_field, a->boundary_class, a->conflict, a->tolerance};
    for (size_t k = 0; k < 4; k++)
        if (vals[k]) {
            snprintf(opt[n], sizeof opt[n], "%s=%s", keys[k], vals[k]);
            o[n] = opt[n];
            n++;
        }
    o[n] = NULL;
}

/* Open and load the inputs into one working CRS (sites first). */
static int load_inputs(lg_ctx *ctx, const screen_args *a, lg_layer **L, lg_crs **working)
{
    lg_layer *order[S_N];
    size_t n = 0;
    for (int r = 0; r < S_N; r++) {
        if (!a->in[r])
            continue;
        layer_opts lo = a->lo;
        lo.where = r == S_SITES ? a->lo.where : r == S_CONTROL ? a->control_where : NULL;
        if (!(L[r] = open_layer(ctx, a->in[r], NULL, &lo)))
            return EXIT_BAD_INPUT;
        order[n++] = L[r];
    }
    if (!(*working = lg_layers_working_crs(ctx, order, n, a->lo.crs))) {
        print_error(ctx);
        return a->lo.crs ? EXIT_USAGE : EXIT_BAD_INPUT;
    }
    if (lg_layers_load(ctx, order, n, *working) != LG_OK) {
        print_error(ctx);
        return EXIT_BAD_INPUT;
    }
    return EXIT_RAN;
}

int cmd_screen(int argc, char **argv)
{
    screen_args a;
    int help;
    int rc = parse_args(argc, argv, &a, &help);
    if (help) {
        printf("%s%s", SCREEN_HELP, LAYER_OPTS_HELP);
        return EXIT_RAN;
    }
    if (rc != EXIT_RAN)
        return rc;
    lg_ctx *ctx = cli_context();
    if (!ctx)
        return EXIT_BAD_INPUT;
    lg_ctx_set_threads(ctx, a.threads ? atoi(a.threads) : 0);
    lg_layer *L[S_N] = {0};
    lg_crs *working = NULL;
    lg_result *res = NULL;
    char opt[4][1100];
    const char *o[5];
    screen_options(&a, opt, o);
    rc = load_inputs(ctx, &a, L, &working);
    if (rc != EXIT_RAN)
        goto done;
    rc = EXIT_BAD_INPUT;
    if (!(res = lg_screen(ctx, L[S_SITES], L[S_CONTROL], L[S_BOUNDARY], o))) {
        print_error(ctx);
        goto done;
    }
    char err[2048];
    if (a.out_layer &&
        output_write_gpkg(ctx, res, lg_crs_wkt(working), a.out_layer, err, sizeof err) != 0) {
        fprintf(stderr, PROG ": error: --out-layer %s: %s\n", a.out_layer, err);
        goto done;
    }
    if (print_result(res, a.fmt) != 0) {
        fprintf(stderr, PROG ": error: cannot write the output: %s\n", strerror(errno));
        goto done;
    }
    rc = EXIT_RAN;
done:
    lg_result_free(ctx, res);
    for (int r = S_N - 1; r >= 0; r--)
        lg_layer_close(ctx, L[r]);
    lg_crs_free(working);
    lg_ctx_free(ctx);
    return rc;
}
