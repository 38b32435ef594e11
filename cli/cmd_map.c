/* geoplan map: a thematic map of a result layer (PNG, SVG or PDF), with
 * ready-made recipes for the common products. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli_common.h"
#include "commands.h"

static const char MAP_HELP[] =
    "usage: " PROG " map SOURCE[:LAYER] --field F --out FILE.(png|svg|pdf) [OPTIONS]\n"
    "       " PROG " map SOURCE --recipe NAME --out FILE [OPTIONS]\n"
    "\n"
    "Draw a thematic map of a layer (any layer GDAL reads; typically one written by\n"
    "evaluate, efficiency, screen or measure --out-layer): classed fills or outlines,\n"
    "overlays, labels, legend with the unit and the count per class, scale bar, north\n"
    "arrow, source and date.  Text is set in Noto Sans CJK SC (fonts-noto-cjk).\n"
    "\n"
    "Options:\n"
    "  --field F             the field to map\n"
    "  --out FILE            .png, .svg or .pdf (written under a temporary name, renamed)\n"
    "  --classes M           quantile | equal | jenks (natural breaks) | breaks:B1,B2,..\n"
    "                        (explicit interior bounds) | categorical (default quantile;\n"
    "                        categorical for a text field)\n"
    "  --n K                 classes for quantile/equal/jenks (default 5)\n"
    "  --categories V=L,..   categorical: the order of the values, and legend labels\n"
    "  --palette P           YlGnBu (default) | YlOrRd | Greens | Blues | Reds\n"
    "  --outline             graduated outlines instead of filled polygons\n"
    "  --title T, --subtitle S, --legend-title L, --unit U\n"
    "  --labels FIELD        label the features with FIELD (placed biggest first,\n"
    "                        overlapping labels left out)\n"
    "  --overlay [STYLE=]FILE[:LAYER][@LABELFIELD]   drawn over the theme, in order;\n"
    "                        STYLE boundary | roads | control | hatch | points (default\n"
    "                        by geometry: boundary, roads, points); repeatable\n"
    "  --width-mm W --height-mm H   page size (default 200 x 150)\n"
    "  --dpi N               PNG resolution (default 200)\n"
    "  --source TEXT         data source line (default: the file and layer)\n"
    "  --date YYYY-MM-DD     map date (default today)\n"
    "  --recipe NAME         a ready-made product (sets layer, field, classes, title …;\n"
    "                        the other options override it):\n"
    "%s"
    "  --help                this help\n"
    "Exit status: 0 drawn, 2 usage error, 3 bad input.\n"
    "The layer-reading options below apply to every input (--where to SOURCE only).\n"
    "\n";

typedef struct recipe {
    const char *name, *about;
    const char *layer, *field, *classes;
    int n;
    const char *title, *legend, *unit, *palette, *labels, *categories;
    const char *same_overlay, *same_style, *same_legend; /* a layer of the same file */
} recipe;

/* Tied to the names the writers use: efficiency.gpkg (efficiency_write.c:
 * parcels.tax_per_mu, parcels.class, street.tax_per_mu), results.gpkg
 * (eval_write.c: street.<indicator>, <indicator>_street_uncovered) and
 * screen --out-layer (sites.conflict). */
static const recipe RECIPES[] = {
    {"tax-per-mu-parcel", "efficiency.gpkg: 亩均税收 by parcel (natural breaks)", "parcels",
     "tax_per_mu", "jenks", 5, "亩均税收（按地块）", "亩均税收", "万元/亩", "YlGnBu", NULL, NULL,
     NULL, NULL, NULL},
    {"tax-per-mu-street", "efficiency.gpkg: 亩均税收 by street, labelled", "street",
     "tax_per_mu", "jenks", 4, "亩均税收（按街道）", "亩均税收", "万元/亩", "YlGnBu", "name",
     NULL, NULL, NULL, NULL},
    {"efficiency-class", "efficiency.gpkg: A/B/C/D classes of parcels", "parcels", "class",
     "categorical", 0, "亩均效益综合评价分类", "分类", NULL, NULL, NULL,
     "A=A 类（优先发展）,B=B 类（提升发展）,C=C 类（调整转型）,D=D 类（整治淘汰）,"
     "T=T 类（暂不评价）,N=N 类（无法评价）",
     NULL, NULL, NULL},
    {"park-coverage", "results.gpkg: park service coverage by street, blind spots hatched",
     "street", "park_coverage", "breaks:70,80,90", 4, "公园服务半径覆盖率与服务盲区", "覆盖率", "%",
     "Greens", "name", NULL, "park_coverage_street_uncovered", "hatch", "服务盲区（居住用地）"},
    {"road-density", "results.gpkg: road-network density by street", "street", "road_density",
     "jenks", 4, "道路网密度（按街道）", "路网密度", "km/km²", "Blues", "name", NULL, NULL, NULL,
     NULL},
    {"control-conflicts", "screen --out-layer: sites in conflict with the control lines",
     "sites", "conflict", "categorical", 0, "项目选址三线冲突筛查", "筛查结果", NULL, NULL, NULL,
     "0=通过,1=冲突", NULL, NULL, NULL},
};
#define NRECIPES (sizeof RECIPES / sizeof RECIPES[0])

#define MAX_OVERLAYS 16

typedef struct map_args {
    const char *source, *field, *out, *classes, *n, *categories, *palette, *title, *subtitle,
        *legend, *unit, *labels, *width, *height, *dpi, *src_text, *date, *recipe;
    const char *overlay[MAX_OVERLAYS];
    int noverlay, outline;
    layer_opts lo;
} map_args;

static void help(void)
{
    char list[4096] = "";
    for (size_t r = 0; r < NRECIPES; r++) {
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "                          %-18s %s\n",
                 RECIPES[r].name, RECIPES[r].about);
    }
    printf(MAP_HELP, list);
    fputs(LAYER_OPTS_HELP, stdout);
}


static int parse_args(int argc, char **argv, map_args *a, int *want_help)
{
    memset(a, 0, sizeof *a);
    *want_help = 0;
    struct {
        const char *flag;
        const char **val;
    } flags[] = {{"--field", &a->field},       {"--out", &a->out},
                 {"--classes", &a->classes},   {"--n", &a->n},
                 {"--categories", &a->categories}, {"--palette", &a->palette},
                 {"--title", &a->title},       {"--subtitle", &a->subtitle},
                 {"--legend-title", &a->legend}, {"--unit", &a->unit},
                 {"--labels", &a->labels},     {"--width-mm", &a->width},
                 {"--height-mm", &a->height},  {"--dpi", &a->dpi},
                 {"--source", &a->src_text},   {"--date", &a->date},
                 {"--recipe", &a->recipe}};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            *want_help = 1;
            return EXIT_RAN;
        }
        if (!strcmp(argv[i], "--outline")) {
            a->outline = 1;
            continue;
        }
        const char *ov = NULL;
        int t = cli_take_value("map", "--overlay", argc, argv, &i, &ov);
        if (t > 0) {
            if (a->noverlay == MAX_OVERLAYS) {
                fprintf(stderr, PROG " map: at most %d overlays\n", MAX_OVERLAYS);
                return EXIT_USAGE;
            }
            a->overlay[a->noverlay++] = ov;
            continue;
        }
        if (!t)
            t = layer_opts_take(&a->lo, argc, argv, &i);
        for (size_t f = 0; !t && f < sizeof flags / sizeof flags[0]; f++)
            t = cli_take_value("map", flags[f].flag, argc, argv, &i, flags[f].val);
        if (t < 0)
            return EXIT_USAGE;
        if (t)
            continue;
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, PROG " map: unknown option '%s' (see " PROG " map --help)\n",
                    argv[i]);
            return EXIT_USAGE;
        }
        if (a->source) {
            fprintf(stderr, PROG " map: unexpected argument '%s': one SOURCE layer\n", argv[i]);
            return EXIT_USAGE;
        }
        a->source = argv[i];
    }
    return EXIT_RAN;
}

static int parse_number(const char *flag, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, PROG " map: %s takes a number from %g to %g, not '%s'\n", flag, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Split "a,b,c" into a NULL-terminated array of malloc'd strings. */
static char **split_list(const char *s, size_t *n)
{
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    char **v = calloc(cap + 1, sizeof *v);
    if (!v)
        return NULL;
    *n = 0;
    for (const char *tok = s;;) {
        const char *comma = strchr(tok, ',');
        size_t len = comma ? (size_t)(comma - tok) : strlen(tok);
        if (!(v[*n] = strndup(tok, len)))
            break;
        ++*n;
        if (!comma)
            break;
        tok = comma + 1;
    }
    return v;
}

static void free_list(char **v)
{
    for (size_t k = 0; v && v[k]; k++)
        free(v[k]);
    free(v);
}

static const char *overlay_legend(const lg_layer *L, lg_overlay_style st)
{
    const char *n = lg_layer_name(L);
    static const struct {
        const char *name, *legend;
    } known[] = {{"districts", "区界"}, {"district", "区界"},    {"streets", "街道界"},
                 {"street", "街道界"},  {"roads", "道路"},       {"control", "管控线（三线）"},
                 {"parks", "公园"},     {"sites", "项目选址"}, {"forest", "林地"}};
    for (size_t k = 0; n && k < sizeof known / sizeof known[0]; k++)
        if (!strcasecmp(n, known[k].name))
            return known[k].legend;
    if (st == LG_OVERLAY_HATCH && n && strstr(n, "uncovered"))
        return "服务盲区";
    return n;
}

typedef struct ov_spec {
    lg_layer *L;
    lg_overlay_style style;
    int styled;
    const char *label, *legend;
    char *label_buf;
} ov_spec;

static void today(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tmv;
    localtime_r(&t, &tmv);
    strftime(buf, n, "%Y-%m-%d", &tmv);
}

static int run(map_args *a, lg_ctx *ctx)
{
    const recipe *R = NULL;
    if (a->recipe) {
        for (size_t r = 0; r < NRECIPES && !R; r++)
            if (!strcmp(a->recipe, RECIPES[r].name))
                R = &RECIPES[r];
        if (!R) {
            fprintf(stderr, PROG " map: unknown recipe '%s' (see " PROG " map --help)\n",
                    a->recipe);
            return EXIT_USAGE;
        }
    }
#define PICK(opt, rec) ((opt) ? (opt) : R ? (rec) : NULL)
    const char *field = PICK(a->field, R->field), *classes = PICK(a->classes, R->classes);
    const char *title = PICK(a->title, R->title), *unit = PICK(a->unit, R->unit);
    const char *legend = PICK(a->legend, R->legend), *palette = PICK(a->palette, R->palette);
    const char *labels = PICK(a->labels, R->labels);
    const char *cats = PICK(a->categories, R->categories);
#undef PICK
    if (!a->source || !field || !a->out) {
        fprintf(stderr, PROG " map: needs SOURCE, --field (or --recipe) and --out (see " PROG
                             " map --help)\n");
        return EXIT_USAGE;
    }
    lg_map_format fmt;
    if (!lg_map_format_from_path(a->out, &fmt)) {
        fprintf(stderr, PROG " map: --out must end in .png, .svg or .pdf\n");
        return EXIT_USAGE;
    }
    double w = 200, h = 150, dpi = 200, nclass = R && R->n ? R->n : 5;
    if ((a->width && parse_number("--width-mm", a->width, 40, 2000, &w)) ||
        (a->height && parse_number("--height-mm", a->height, 40, 2000, &h)) ||
        (a->dpi && parse_number("--dpi", a->dpi, 72, 1200, &dpi)) ||
        (a->n && parse_number("--n", a->n, 1, 12, &nclass)))
        return EXIT_USAGE;
    lg_theme_spec spec = {.method = LG_CLASS_QUANTILE, .k = (int)nclass};
    size_t nb = 0, ncat = 0;
    char **bl = NULL, **cl = NULL;
    double *breaks = NULL;
    int rc = EXIT_RAN;
    if (classes && !strncmp(classes, "breaks:", 7)) {
        spec.method = LG_CLASS_BREAKS;
        bl = split_list(classes + 7, &nb);
        breaks = calloc(nb ? nb : 1, sizeof *breaks);
        for (size_t k = 0; bl && breaks && k < nb && !rc; k++) {
            char *end;
            breaks[k] = strtod(bl[k], &end);
            if (end == bl[k] || *end) {
                fprintf(stderr, PROG " map: --classes breaks: takes numbers, not '%s'\n", bl[k]);
                rc = EXIT_USAGE;
            }
        }
        spec.breaks = breaks;
        spec.nbreaks = nb;
    } else if (classes && !lg_class_method_parse(classes, &spec.method)) {
        fprintf(stderr, PROG " map: --classes takes quantile, equal, jenks, breaks:B1,B2,.. or "
                             "categorical\n");
        rc = EXIT_USAGE;
    }
    if (!rc && palette && !lg_map_palette_parse(palette, &spec.palette)) {
        fprintf(stderr, PROG " map: unknown --palette '%s'\n", palette);
        rc = EXIT_USAGE;
    }
    if (!rc && cats) {
        cl = split_list(cats, &ncat);
        spec.categories = (const char *const *)cl;
        spec.ncategories = ncat;
    }
    spec.style = a->outline ? LG_THEME_OUTLINE : LG_THEME_FILL;
    spec.title = legend ? legend : a->title ? a->title : field;
    spec.unit = unit;

    /* layers: the theme, then the overlays */
    ov_spec ov[MAX_OVERLAYS + 1];
    memset(ov, 0, sizeof ov);
    int nov = 0;
    lg_layer *theme = NULL;
    layer_opts olo = a->lo;
    olo.where = NULL;
    olo.layer = NULL;
    if (!rc) {
        const char *lp = NULL;
        char *file = split_source(a->source, &lp);
        theme = open_layer(ctx, a->source, !lp && !a->lo.layer && R ? R->layer : NULL, &a->lo);
        if (theme && R && R->same_overlay && file) {
            const char *ln[] = {"", NULL};
            char opt[300];
            snprintf(opt, sizeof opt, "LAYER=%s", R->same_overlay);
            ln[0] = opt;
            lg_layer *L = lg_layer_open(ctx, file, ln);
            if (L) {
                ov[nov].L = L;
                ov[nov].style = LG_OVERLAY_HATCH;
                lg_overlay_style_parse(R->same_style, &ov[nov].style);
                ov[nov].styled = 1;
                ov[nov++].legend = R->same_legend;
            } else {
                fprintf(stderr, PROG ": warning: %s has no layer %s: drawn without it\n", file,
                        R->same_overlay);
                lg_ctx_clear_error(ctx);
            }
        }
        free(file);
        if (!theme)
            rc = EXIT_BAD_INPUT;
    }
    for (int k = 0; !rc && k < a->noverlay; k++) {
        const char *s = a->overlay[k], *eq = strchr(s, '=');
        ov_spec *o = &ov[nov];
        if (eq) {
            char st[32];
            snprintf(st, sizeof st, "%.*s", (int)(eq - s < 31 ? eq - s : 31), s);
            if (lg_overlay_style_parse(st, &o->style)) {
                o->styled = 1;
                s = eq + 1;
            }
        }
        char *spec_copy = strdup(s);
        char *at = spec_copy ? strrchr(spec_copy, '@') : NULL;
        if (at) {
            *at = '\0';
            o->label_buf = strdup(at + 1);
            o->label = o->label_buf;
        }
        o->L = spec_copy ? open_layer(ctx, spec_copy, NULL, &olo) : NULL;
        free(spec_copy);
        if (!o->L) {
            free(o->label_buf);
            rc = EXIT_BAD_INPUT;
            break;
        }
        nov++;
    }
    lg_crs *crs = NULL;
    if (!rc) {
        lg_layer *all[MAX_OVERLAYS + 2];
        all[0] = theme;
        for (int k = 0; k < nov; k++)
            all[k + 1] = ov[k].L;
        crs = lg_layers_working_crs(ctx, all, (size_t)nov + 1, a->lo.crs);
        if (!crs || lg_layers_load(ctx, all, (size_t)nov + 1, crs) != LG_OK) {
            print_error(ctx);
            rc = EXIT_BAD_INPUT;
        }
    }
    lg_map *m = NULL;
    if (!rc) {
        /* a text field is categorical whatever was asked */
        int fi = lg_layer_field_index(theme, field);
        if (fi >= 0 && !classes && lg_layer_field_type(theme, (size_t)fi) == LG_FIELD_STRING)
            spec.method = LG_CLASS_CATEGORICAL;
        char src[1024], date[32];
        if (a->src_text)
            snprintf(src, sizeof src, "%s", a->src_text);
        else {
            const char *base = strrchr(lg_layer_source(theme), '/');
            snprintf(src, sizeof src, "%s（%s）", base ? base + 1 : lg_layer_source(theme),
                     lg_layer_name(theme));
        }
        if (a->date)
            snprintf(date, sizeof date, "%s", a->date);
        else
            today(date, sizeof date);
        m = lg_map_new(ctx, w, h, dpi);
        if (!m || lg_map_set_title(ctx, m, title ? title : field, a->subtitle) ||
            lg_map_set_source(ctx, m, src, date) ||
            lg_map_set_theme_layer(ctx, m, theme, field, labels, &spec)) {
            print_error(ctx);
            rc = EXIT_BAD_INPUT;
        }
        for (int k = 0; !rc && k < nov; k++) {
            ov_spec *o = &ov[k];
            if (!o->styled) {
                lg_geom_kind gk = lg_layer_geom_kind(o->L);
                o->style = gk == LG_GEOM_LINE    ? LG_OVERLAY_ROADS
                           : gk == LG_GEOM_POINT ? LG_OVERLAY_POINTS
                                                 : LG_OVERLAY_BOUNDARY;
            }
            if (lg_map_add_overlay(ctx, m, o->L, o->style, o->label,
                                   o->legend ? o->legend : overlay_legend(o->L, o->style))) {
                print_error(ctx);
                rc = EXIT_BAD_INPUT;
            }
        }
        if (!rc && lg_map_render(ctx, m, a->out, fmt) != LG_OK) {
            print_error(ctx);
            rc = EXIT_BAD_INPUT;
        }
        if (!rc) {
            fprintf(stderr, PROG " map: %s: %zu classes", a->out, lg_map_class_count(m));
            for (size_t j = 0; j < lg_map_class_count(m); j++)
                fprintf(stderr, "%s%s (%zu)", j ? ", " : ": ", lg_map_class_label(m, j),
                        lg_map_class_features(m, j));
            if (lg_map_nodata_features(m))
                fprintf(stderr, "; no data %zu", lg_map_nodata_features(m));
            if (lg_map_labels_placed(m) + lg_map_labels_skipped(m))
                fprintf(stderr, "; labels %zu placed, %zu left out", lg_map_labels_placed(m),
                        lg_map_labels_skipped(m));
            fprintf(stderr, "\n");
        }
    }
    m = lg_map_free(m);
    for (int k = 0; k < nov; k++) {
        lg_layer_close(ctx, ov[k].L);
        free(ov[k].label_buf);
    }
    lg_layer_close(ctx, theme);
    lg_crs_free(crs);
    free_list(bl);
    free_list(cl);
    free(breaks);
    return rc;
}

int cmd_map(int argc, char **argv)
{
    map_args a;
    int want_help;
    int rc = parse_args(argc, argv, &a, &want_help);
    if (want_help) {
        help();
        return EXIT_RAN;
    }
    if (rc)
        return rc;
    lg_ctx *ctx = cli_context();
    if (!ctx)
        return EXIT_BAD_INPUT;
    rc = run(&a, ctx);
    lg_ctx_free(ctx);
    return rc;
}
