/* Efficiency configs (`geoplan: efficiency/1`): parsing, includes, the
 * project file they may take their layers from, and the checks.  The
 * format is layers/efficiency/README.md.
 *
 * As with project files, every problem is collected as "FILE:LINE:COL:
 * message" and parsing goes on; unknown keys are errors.  A config read
 * through `include:` is applied first; each top-level key of the
 * including file then replaces the included one's (layers and levels
 * add up: a name may be declared once). */
#define _XOPEN_SOURCE 700 /* realpath, strdup */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "efficiency_internal.h"
#include "measure_internal.h"

#ifndef LG_EFFICIENCY_BUILD_DIR
#define LG_EFFICIENCY_BUILD_DIR ""
#endif
#ifndef LG_EFFICIENCY_INSTALL_DIR
#define LG_EFFICIENCY_INSTALL_DIR ""
#endif

/* The config read when a file names neither groups nor include. */
#define EF_DEFAULT_CONFIG "huangyan_2023"

/* ------------------------------------------------------------------ */
/* Inputs and measures                                                 */

static const struct {
    const char *name, *unit;
} INPUTS[LG_EFF_INPUTS] = {
    {"tax", "万元"},       {"output", "万元"}, {"revenue", "万元"},   {"value_added", "万元"},
    {"energy", "tce"},     {"electricity", "万kWh"}, {"emissions", "t"}, {"rd", "万元"},
    {"employees", "persons"}, {"land", "mu"},
};

static const struct {
    const char *name, *unit, *title;
    lg_eff_input num, den;
} MEASURES[LG_EFF_MEASURES] = {
    {"tax_per_mu", "万元/mu", "亩均税收", LG_EFF_TAX, LG_EFF_LAND},
    {"output_per_mu", "万元/mu", "亩均产值", LG_EFF_OUTPUT, LG_EFF_LAND},
    {"revenue_per_mu", "万元/mu", "亩均营业收入", LG_EFF_REVENUE, LG_EFF_LAND},
    {"va_per_mu", "万元/mu", "亩均增加值", LG_EFF_VALUE_ADDED, LG_EFF_LAND},
    {"va_per_energy", "万元/tce", "单位能耗增加值", LG_EFF_VALUE_ADDED, LG_EFF_ENERGY},
    {"revenue_per_energy", "万元/tce", "单位能耗销售收入", LG_EFF_REVENUE, LG_EFF_ENERGY},
    {"tax_per_energy", "万元/tce", "单位能耗税收", LG_EFF_TAX, LG_EFF_ENERGY},
    {"tax_per_electricity", "万元/万kWh", "单位用电税收", LG_EFF_TAX, LG_EFF_ELECTRICITY},
    {"va_per_emission", "万元/t", "单位排放增加值", LG_EFF_VALUE_ADDED, LG_EFF_EMISSIONS},
    {"revenue_per_emission", "万元/t", "单位排放销售收入", LG_EFF_REVENUE, LG_EFF_EMISSIONS},
    {"rd_intensity", "ratio", "研发经费投入强度", LG_EFF_RD, LG_EFF_REVENUE},
    {"labour_productivity", "万元/person", "全员劳动生产率", LG_EFF_VALUE_ADDED,
     LG_EFF_EMPLOYEES},
};

const char *lg_eff_input_name(lg_eff_input i)
{
    return (unsigned)i < LG_EFF_INPUTS ? INPUTS[i].name : NULL;
}
const char *lg_eff_input_unit(lg_eff_input i)
{
    return (unsigned)i < LG_EFF_INPUTS ? INPUTS[i].unit : NULL;
}
const char *lg_eff_measure_name(lg_eff_measure m)
{
    return (unsigned)m < LG_EFF_MEASURES ? MEASURES[m].name : NULL;
}
const char *lg_eff_measure_unit(lg_eff_measure m)
{
    return (unsigned)m < LG_EFF_MEASURES ? MEASURES[m].unit : NULL;
}
const char *lg_eff_measure_title(lg_eff_measure m)
{
    return (unsigned)m < LG_EFF_MEASURES ? MEASURES[m].title : NULL;
}
lg_eff_input lg_eff_measure_numerator(lg_eff_measure m)
{
    return (unsigned)m < LG_EFF_MEASURES ? MEASURES[m].num : LG_EFF_INPUTS;
}
lg_eff_input lg_eff_measure_denominator(lg_eff_measure m)
{
    return (unsigned)m < LG_EFF_MEASURES ? MEASURES[m].den : LG_EFF_INPUTS;
}

static int measure_of(const char *name, lg_eff_measure *out)
{
    for (int m = 0; name && m < LG_EFF_MEASURES; m++)
        if (!strcmp(MEASURES[m].name, name))
            return *out = (lg_eff_measure)m, 1;
    return 0;
}

static void measure_list(char *buf, size_t n)
{
    buf[0] = 0;
    for (int m = 0; m < LG_EFF_MEASURES; m++) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s", m ? ", " : "", MEASURES[m].name);
    }
}

/* ------------------------------------------------------------------ */
/* Small readers                                                       */

static void cfg_error(pj_reader *r, yd_node *n, const char *fmt, ...) LG_PRINTF(3, 4);
static void cfg_error(pj_reader *r, yd_node *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pj_pos pos = pj_pos_of(r, n);
    pj_error(r->p, &pos, "%s", msg);
}

/* A value or a list of values, as project-owned strings. */
static const char **text_list(pj_reader *r, yd_node *n, const char *what, size_t *count)
{
    size_t m = yd_is_seq(n) ? yd_seq_size(n) : 1;
    const char **v = calloc(m ? m : 1, sizeof *v);
    *count = 0;
    for (size_t i = 0; v && i < m; i++) {
        const char *t = pj_text_of(r, yd_is_seq(n) ? yd_seq_item(r->d, n, i) : n, what);
        if (t)
            v[(*count)++] = t;
    }
    return v;
}

/* A number in [lo, hi]; 0 with an error otherwise. */
static int number_in(pj_reader *r, yd_node *n, const char *what, double lo, double hi,
                     double *out)
{
    if (!pj_number_of(r, n, what, out))
        return 0;
    if (*out >= lo && *out <= hi)
        return 1;
    char range[96];
    snprintf(range, sizeof range, "from %g to %g", lo, hi);
    cfg_error(r, n, "%s: out of range (expected a number %s)", what, range);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Indicators, classes, groups                                         */

static void read_item(pj_reader *r, yd_node *n, ef_item *it)
{
    static const char *const known[] = {"measure", "weight", "method", "benchmark", "cap", NULL};
    it->pos = pj_pos_of(r, n);
    it->cap = NAN;
    it->benchmark = NAN;
    if (!pj_need_map(r, n, "indicator"))
        return;
    pj_check_keys(r, n, "an indicator", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, n, "measure"))) {
        const char *t = pj_text_of(r, v, "measure");
        char list[600];
        measure_list(list, sizeof list);
        if (t && !measure_of(t, &it->m))
            cfg_error(r, v, "measure: unknown measure '%s'; expected one of: %s", t, list);
    } else {
        pj_error(r->p, &it->pos, "indicator has no measure (e.g. measure: tax_per_mu)");
    }
    if ((v = yd_map_get(r->d, n, "weight")))
        number_in(r, v, "weight", 0, 1e6, &it->weight);
    else
        pj_error(r->p, &it->pos, "indicator has no weight (its points at the benchmark, e.g. "
                                 "weight: 30)");
    const char *method = "ratio";
    if ((v = yd_map_get(r->d, n, "method")))
        method = pj_text_of(r, v, "method");
    if (method && !strcmp(method, "minmax"))
        it->method = EF_MINMAX;
    else if (method && !strcmp(method, "rank"))
        it->method = EF_RANK;
    else if (method && strcmp(method, "ratio") != 0)
        cfg_error(r, v, "method: unknown method '%s'; expected ratio, minmax or rank", method);
    if ((v = yd_map_get(r->d, n, "benchmark")))
        number_in(r, v, "benchmark", 1e-300, INFINITY, &it->benchmark);
    if ((v = yd_map_get(r->d, n, "cap")))
        number_in(r, v, "cap", 1e-300, INFINITY, &it->cap);
    if (it->method == EF_RATIO && isnan(it->benchmark) && !yd_map_get(r->d, n, "benchmark"))
        pj_error(r->p, &it->pos, "indicator: method ratio needs a benchmark (the value that "
                                 "scores the full weight)");
    if (it->method != EF_RATIO && (yd_map_get(r->d, n, "benchmark") || yd_map_get(r->d, n, "cap")))
        pj_error(r->p, &it->pos, "indicator: benchmark and cap apply to method ratio only");
}

static void read_classes(pj_reader *r, yd_node *n, ef_classes *cl)
{
    memset(cl, 0, sizeof *cl);
    cl->pos = pj_pos_of(r, n);
    if (!pj_need_map(r, n, "classes"))
        return;
    pj_check_dups(r, n, "classes");
    yd_node *mv = yd_map_get(r->d, n, "method");
    const char *method = mv ? pj_text_of(r, mv, "classes.method") : NULL;
    if (!method || (strcmp(method, "cutoff") != 0 && strcmp(method, "rank") != 0)) {
        pj_error(r->p, &cl->pos, "classes: say method: cutoff (minimum score per class) or "
                                 "method: rank (per cent of the rated firms per class)");
        return;
    }
    cl->by_rank = !strcmp(method, "rank");
    cl->set = 1;
    double total = 0;
    for (size_t i = 0; i < yd_map_size(n); i++) {
        yd_node *kn;
        const char *k = yd_map_key(r->d, n, i, &kn);
        yd_node *v = yd_map_value(r->d, n, i);
        if (!k || !strcmp(k, "method"))
            continue;
        if (!strcmp(k, "T") || !strcmp(k, "N") || !*k) {
            cfg_error(r, kn, "classes: '%s' is reserved (T: exempt, N: not rated)", k);
            continue;
        }
        if (cl->n == EF_MAX_CLASSES) {
            cfg_error(r, kn, "classes: at most 8 classes");
            break;
        }
        double x;
        if (!(cl->by_rank ? number_in(r, v, k, 0, 100, &x) : pj_number_of(r, v, k, &x)))
            continue;
        if (!cl->by_rank && cl->n && x >= cl->value[cl->n - 1])
            cfg_error(r, v, "classes: the minimum score of '%s' must be below that of the class "
                            "before it (best class first)", k);
        cl->name[cl->n] = pj_str(r->p, k);
        cl->value[cl->n++] = x;
        total += x;
    }
    if (cl->n < 2)
        pj_error(r->p, &cl->pos, "classes: name at least two classes (e.g. A: 90, B: 70, C: 50, "
                                 "D: 0)");
    else if (cl->by_rank && fabs(total - 100) > 1e-9)
        pj_error(r->p, &cl->pos, "classes: rank shares add up to %g %%, not 100", total);
}

static void read_select(pj_reader *r, yd_node *n, ef_group *g)
{
    if (!pj_need_map(r, n, "select"))
        return;
    if (yd_map_size(n) != 1) {
        cfg_error(r, n, "select: one field and its values (e.g. select: {size: 规上})");
        return;
    }
    g->sel_field = pj_str(r->p, yd_map_key(r->d, n, 0, NULL));
    g->sel_values = text_list(r, yd_map_value(r->d, n, 0), "select value", &g->nsel);
}

static void free_groups(lg_eff_config *c)
{
    for (size_t i = 0; i < c->ngroups; i++) {
        free(c->groups[i].items);
        free(c->groups[i].sel_values);
    }
    free(c->groups);
    c->groups = NULL;
    c->ngroups = 0;
}

static void read_group(pj_reader *r, yd_node *n, ef_group *g)
{
    static const char *const known[] = {"name", "select", "indicators", "classes", NULL};
    g->pos = pj_pos_of(r, n);
    if (!pj_need_map(r, n, "group"))
        return;
    pj_check_keys(r, n, "a scoring group", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, n, "name")))
        g->name = pj_text_of(r, v, "name");
    else
        pj_error(r->p, &g->pos, "group has no name (e.g. name: 规上)");
    if ((v = yd_map_get(r->d, n, "select")))
        read_select(r, v, g);
    if ((v = yd_map_get(r->d, n, "classes")))
        read_classes(r, v, &g->classes);
    v = yd_map_get(r->d, n, "indicators");
    if (!v || !yd_is_seq(v) || yd_seq_size(v) == 0) {
        pj_pos pos = v ? pj_pos_of(r, v) : g->pos;
        pj_error(r->p, &pos, "group '%s': indicators: expected a list of {measure, weight, "
                             "method, benchmark}", g->name ? g->name : "?");
        return;
    }
    g->items = calloc(yd_seq_size(v), sizeof *g->items);
    for (size_t i = 0; g->items && i < yd_seq_size(v); i++) {
        ef_item *it = &g->items[g->nitems++];
        read_item(r, yd_seq_item(r->d, v, i), it);
        for (size_t j = 0; j + 1 < g->nitems; j++)
            if (g->items[j].m == it->m && it->weight > 0)
                pj_error(r->p, &it->pos, "group '%s': measure %s is scored twice",
                         g->name ? g->name : "?", MEASURES[it->m].name);
    }
}

static void read_groups(pj_reader *r, lg_eff_config *c, yd_node *n)
{
    free_groups(c);
    if (!yd_is_seq(n) || yd_seq_size(n) == 0) {
        cfg_error(r, n, "groups: expected a list of scoring groups (lines starting with '- ')");
        return;
    }
    c->groups = calloc(yd_seq_size(n), sizeof *c->groups);
    for (size_t i = 0; c->groups && i < yd_seq_size(n); i++) {
        ef_group *g = &c->groups[c->ngroups++];
        read_group(r, yd_seq_item(r->d, n, i), g);
        for (size_t j = 0; g->name && j + 1 < c->ngroups; j++)
            if (c->groups[j].name && !strcmp(c->groups[j].name, g->name))
                pj_error(r->p, &g->pos, "group '%s' is declared twice", g->name);
    }
}

/* ------------------------------------------------------------------ */
/* Land, exemptions, zones                                             */

static void read_land(pj_reader *r, lg_eff_config *c, yd_node *n)
{
    static const char *const known[] = {"source", "unit", "tolerance", NULL};
    if (!pj_need_map(r, n, "land"))
        return;
    pj_check_keys(r, n, "land", known);
    yd_node *v;
    const char *t;
    if ((v = yd_map_get(r->d, n, "source")) && (t = pj_text_of(r, v, "land.source"))) {
        if (strcmp(t, "certificate") && strcmp(t, "geometry"))
            cfg_error(r, v, "land.source: '%s'; expected certificate (the attribute when "
                            "given, else the geometry) or geometry", t);
        c->land_geometry = !strcmp(t, "geometry");
    }
    if ((v = yd_map_get(r->d, n, "unit")) && (t = pj_text_of(r, v, "land.unit"))) {
        if (!strcmp(t, "m2"))
            c->land_unit_m2 = 1;
        else if (!strcmp(t, "mu"))
            c->land_unit_m2 = LG_M2_PER_MU;
        else if (!strcmp(t, "ha"))
            c->land_unit_m2 = 10000;
        else
            cfg_error(r, v, "land.unit: '%s'; expected m2, mu or ha", t);
    }
    if ((v = yd_map_get(r->d, n, "tolerance"))) {
        const char *s = yd_text(v);
        if (s && !strcmp(s, "none"))
            c->tolerance = NAN;
        else
            number_in(r, v, "land.tolerance", 0, 10, &c->tolerance);
    }
}

static void read_exemptions(pj_reader *r, lg_eff_config *c, yd_node *n)
{
    static const char *const known[] = {"industries", "min_years", "parcel_status", NULL};
    free(c->ex_industries);
    free(c->ex_status);
    c->ex_industries = c->ex_status = NULL;
    c->nex_industries = c->nex_status = 0;
    c->ex_min_years = 0;
    c->ex_pos = pj_pos_of(r, n);
    if (!pj_need_map(r, n, "exemptions"))
        return;
    pj_check_keys(r, n, "exemptions", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, n, "industries")))
        c->ex_industries = text_list(r, v, "exemptions.industries", &c->nex_industries);
    if ((v = yd_map_get(r->d, n, "parcel_status")))
        c->ex_status = text_list(r, v, "exemptions.parcel_status", &c->nex_status);
    if ((v = yd_map_get(r->d, n, "min_years")) &&
        pj_int_of(r, v, "exemptions.min_years", &c->ex_min_years) && c->ex_min_years < 0) {
        cfg_error(r, v, "exemptions.min_years: expected 0 or more years");
        c->ex_min_years = 0;
    }
}

static void read_zones(pj_reader *r, lg_eff_config *c, yd_node *n)
{
    static const char *const known[] = {"rank_by", NULL};
    if (!pj_need_map(r, n, "zones"))
        return;
    pj_check_keys(r, n, "zones", known);
    yd_node *v = yd_map_get(r->d, n, "rank_by");
    const char *t = v ? pj_text_of(r, v, "zones.rank_by") : NULL;
    char list[600];
    measure_list(list, sizeof list);
    if (t && !measure_of(t, &c->rank_by))
        cfg_error(r, v, "zones.rank_by: unknown measure '%s'; expected one of: %s", t, list);
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A relative path resolved against dir (malloc'd). */
static char *resolve(const char *dir, const char *path)
{
    if (path[0] == '/' || strncmp(path, "PG:", 3) == 0 || strstr(path, "://"))
        return strdup(path);
    return lg_sprintf(NULL, "%s/%s", dir, path);
}

/* An included config: a path (has '/' or ends in .yaml) relative to the
 * including file, else NAME.yaml in the search directories. */
static char *find_config(const lg_eff_config *c, const char *from_dir, const char *name)
{
    size_t len = strlen(name);
    if (strchr(name, '/') || (len > 5 && !strcmp(name + len - 5, ".yaml")))
        return resolve(from_dir, name);
    char *f = lg_sprintf(NULL, "%s/%s.yaml", from_dir, name);
    for (size_t i = 0; f && !file_exists(f) && i < c->nsearch; i++) {
        free(f);
        f = lg_sprintf(NULL, "%s/%s.yaml", c->search[i], name);
    }
    if (f && file_exists(f))
        return f;
    free(f);
    return NULL;
}

static void load_file(lg_eff_config *c, const char *path, const pj_pos *from, int depth);

static void read_include(pj_reader *r, lg_eff_config *c, yd_node *v, int depth)
{
    const char *name = pj_text_of(r, v, "include");
    pj_pos pos = pj_pos_of(r, v);
    if (!name)
        return;
    if (depth >= 8) {
        pj_error(r->p, &pos, "include: nested more than 8 deep (does '%s' include itself?)", name);
        return;
    }
    char *dir = pj_dir_of(r->file);
    char *f = dir ? find_config(c, dir, name) : NULL;
    free(dir);
    if (!f) {
        pj_error(r->p, &pos, "include: no config '%s' (looked for %s.yaml beside this file and "
                             "in the shipped layers/efficiency)", name, name);
        return;
    }
    load_file(c, f, &pos, depth + 1);
    free(f);
}

/* Copy a project's layer into the config (paths made relative to the
 * config's base: the project's own directory stays theirs). */
static void adopt_layer(lg_eff_config *c, const lg_project *proj, const pj_layer *l)
{
    if (pj_find_layer(c->p, l->name))
        return;
    pj_layer *d = pj_grow((void **)&c->p->layers, &c->p->nlayers, sizeof *d);
    if (!d)
        return;
    *d = *l;
    d->header = NULL;
    d->fields = NULL;
    d->nfields = 0;
    const char *keep[] = {l->name, l->path, l->layer, l->role, l->encoding, l->datum,
                          l->src_crs, l->where, l->invalid};
    const char **dst[] = {&d->name, &d->path, &d->layer, &d->role, &d->encoding, &d->datum,
                          &d->src_crs, &d->where, &d->invalid};
    for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++)
        *dst[k] = pj_str(c->p, keep[k]);
    char *path = l->path ? resolve(proj->dir, l->path) : NULL;
    d->path = pj_str(c->p, path);
    free(path);
    for (size_t k = 0; k < l->nfields; k++) {
        pj_kv *f = pj_grow((void **)&d->fields, &d->nfields, sizeof *f);
        if (f) {
            f->key = pj_str(c->p, l->fields[k].key);
            f->value = pj_str(c->p, l->fields[k].value);
            f->pos = l->fields[k].pos;
            f->pos.file = pj_str(c->p, l->fields[k].pos.file);
        }
    }
    d->pos.file = pj_str(c->p, l->pos.file);
}

/* project: FILE — the enterprises and parcels layers and the levels of a
 * project file, where the config does not declare its own. */
static void read_project(pj_reader *r, lg_eff_config *c, yd_node *v)
{
    const char *name = pj_text_of(r, v, "project");
    if (!name)
        return;
    char *path = resolve(c->data_dir ? c->data_dir : c->p->dir, name);
    lg_project *proj = path ? lg_project_load(c->ctx, path, NULL) : NULL;
    pj_pos pos = pj_pos_of(r, v);
    for (size_t i = 0; proj && i < lg_project_error_count(proj); i++)
        pj_error(r->p, &pos, "project: %s", lg_project_error(proj, i));
    if (proj && lg_project_error_count(proj) == 0) {
        int amb;
        const char *roles[] = {"enterprises", "parcels"};
        for (size_t k = 0; k < 2; k++) {
            const pj_layer *l = pj_layer_for_role(proj, roles[k], &amb);
            if (l && !ef_layer(c, roles[k]))
                adopt_layer(c, proj, l);
        }
        for (size_t i = 0; c->p->nlevels == 0 && i < proj->nlevels; i++) {
            const pj_level *lv = &proj->levels[i];
            const pj_layer *l = pj_find_layer(proj, lv->layer);
            if (l)
                adopt_layer(c, proj, l);
        }
        for (size_t i = 0; i < proj->nlevels; i++) {
            pj_level *d = pj_find_level(c->p, proj->levels[i].name)
                              ? NULL
                              : pj_grow((void **)&c->p->levels, &c->p->nlevels, sizeof *d);
            if (!d)
                continue;
            const pj_level *s = &proj->levels[i];
            d->name = pj_str(c->p, s->name);
            d->layer = pj_str(c->p, s->layer);
            d->id_field = pj_str(c->p, s->id_field);
            d->name_field = pj_str(c->p, s->name_field);
            d->pos = s->pos;
            d->pos.file = pj_str(c->p, s->pos.file);
        }
    }
    lg_project_free(c->ctx, proj);
    free(path);
}

static void read_config(pj_reader *r, lg_eff_config *c, yd_node *root, int depth)
{
    static const char *const known[] = {"geoplan", "name",   "include",    "project", "year",
                                        "layers",  "levels", "land",       "missing", "groups",
                                        "classes", "exemptions", "zones",  NULL};
    pj_check_keys(r, root, "an efficiency config", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, root, "include")))
        read_include(r, c, v, depth);
    if ((v = yd_map_get(r->d, root, "name")))
        c->name = pj_text_of(r, v, "name");
    if ((v = yd_map_get(r->d, root, "year")) && pj_int_of(r, v, "year", &c->year))
        c->year_pos = pj_pos_of(r, v);
    if ((v = yd_map_get(r->d, root, "layers")))
        pj_read_layers(r, v);
    if ((v = yd_map_get(r->d, root, "levels")))
        pj_read_levels(r, v);
    if ((v = yd_map_get(r->d, root, "project")))
        read_project(r, c, v);
    if ((v = yd_map_get(r->d, root, "land")))
        read_land(r, c, v);
    if ((v = yd_map_get(r->d, root, "missing"))) {
        const char *t = pj_text_of(r, v, "missing");
        if (t && strcmp(t, "zero") && strcmp(t, "not_rated"))
            cfg_error(r, v, "missing: '%s'; expected zero (the item scores 0, flagged) or "
                            "not_rated (the firm is rated N)", t);
        c->missing_not_rated = t && !strcmp(t, "not_rated");
    }
    if ((v = yd_map_get(r->d, root, "groups")))
        read_groups(r, c, v);
    if ((v = yd_map_get(r->d, root, "classes")))
        read_classes(r, v, &c->classes);
    if ((v = yd_map_get(r->d, root, "exemptions")))
        read_exemptions(r, c, v);
    if ((v = yd_map_get(r->d, root, "zones")))
        read_zones(r, c, v);
}

static void load_file(lg_eff_config *c, const char *path, const pj_pos *from, int depth)
{
    const char *file = pj_str(c->p, path);
    yd_doc d;
    char err[1024];
    if (!file)
        return;
    if (yd_load(&d, path, err, sizeof err) != 0) {
        if (from && from->file)
            pj_error(c->p, NULL, "%s (included at %s:%d:%d)", err, from->file, from->line,
                     from->col);
        else
            pj_error(c->p, NULL, "%s", err);
        return;
    }
    pj_reader r = {c->p, &d, file, NULL};
    yd_node *root = yd_root(&d);
    pj_pos top = {file, 1, 1};
    yd_node *g = root && yd_is_map(root) ? yd_map_get(&d, root, "geoplan") : NULL;
    const char *kind = yd_text(g);
    if (!root || !yd_is_map(root)) {
        pj_error(c->p, &top, "expected a mapping with 'geoplan: efficiency/1' at the top");
    } else if (!kind || strcmp(kind, "efficiency/1") != 0) {
        pj_pos pos = g ? pj_pos_of(&r, g) : top;
        pj_error(c->p, &pos, "expected 'geoplan: efficiency/1'%s%s%s", kind ? ", found '" : "",
                 kind ? kind : "", kind ? "'" : "");
    } else {
        if (depth == 0 && !yd_map_get(&d, root, "include") && !yd_map_get(&d, root, "groups")) {
            /* the documented default: the 黄岩 2023 scoring */
            char *f = find_config(c, c->p->dir, EF_DEFAULT_CONFIG);
            if (f)
                load_file(c, f, &top, 1);
            else
                pj_error(c->p, &top, "no groups: and the default %s.yaml is not installed",
                         EF_DEFAULT_CONFIG);
            free(f);
        }
        read_config(&r, c, root, depth);
    }
    yd_free(&d);
}

/* ------------------------------------------------------------------ */
/* Checks that need no data                                            */

const pj_layer *ef_layer(const lg_eff_config *c, const char *role)
{
    int amb;
    return pj_layer_for_role(c->p, role, &amb);
}

static void check_config(lg_eff_config *c)
{
    pj_pos top = {c->p->path, 0, 0};
    if (!ef_layer(c, "enterprises"))
        pj_error(c->p, &top, "no enterprises layer (layers: {enterprises: {path: FILE, fields: "
                             "{tax: …}}}, or project: FILE with a layer of role enterprises)");
    if (c->ngroups == 0)
        pj_error(c->p, &top, "no scoring groups (groups:)");
    for (size_t i = 0; i < c->ngroups; i++) {
        const ef_group *g = &c->groups[i];
        if (!g->classes.set && !c->classes.set)
            pj_error(c->p, &g->pos, "group '%s' has no class rule (classes: here or at the top)",
                     g->name ? g->name : "?");
        double w = 0;
        for (size_t k = 0; k < g->nitems; k++)
            w += g->items[k].weight;
        if (g->nitems && fabs(w - 100) > 1e-9)
            pj_warning(c->p, &g->pos, "group '%s': weights add up to %g, not 100: scores are "
                       "not on a 100-point scale", g->name ? g->name : "?", w);
    }
    if (c->ex_min_years > 0 && c->year == 0)
        pj_error(c->p, &c->ex_pos, "exemptions.min_years needs the evaluation year (year: N, or "
                                   "geoplan efficiency --year N)");
    if (c->nex_status && !ef_layer(c, "parcels"))
        pj_warning(c->p, &c->ex_pos, "exemptions.parcel_status: no parcels layer, so no firm "
                   "is exempt by its parcel's status");
    for (size_t i = 0; i < c->p->nlevels; i++) {
        const pj_level *lv = &c->p->levels[i];
        if (lv->layer && !pj_find_layer(c->p, lv->layer))
            pj_error(c->p, &lv->pos, "zone level '%s': no layer '%s' under layers:", lv->name,
                     lv->layer);
    }
}

/* ------------------------------------------------------------------ */
/* Public                                                              */

static void add_search(lg_eff_config *c, const char *dir)
{
    if (!dir || !*dir)
        return;
    const char **v = realloc(c->search, (c->nsearch + 1) * sizeof *v);
    if (!v)
        return;
    c->search = v;
    if ((v[c->nsearch] = pj_str(c->p, dir)))
        c->nsearch++;
}

static void apply_options(lg_eff_config *c, const char *const *options)
{
    const char *cp = lg_opt(options, "CONFIG_PATH");
    if (cp) {
        char *copy = strdup(cp), *save = NULL;
        for (char *s = copy ? strtok_r(copy, ":", &save) : NULL; s;
             s = strtok_r(NULL, ":", &save))
            add_search(c, s);
        free(copy);
    }
    add_search(c, LG_EFFICIENCY_BUILD_DIR);
    add_search(c, LG_EFFICIENCY_INSTALL_DIR);
    const char *dd = lg_opt(options, "DATA_DIR");
    if (dd)
        c->data_dir = pj_str(c->p, dd);
}

lg_eff_config *lg_eff_config_load(lg_ctx *ctx, const char *path, const char *const *options)
{
    lg_eff_config *c = lg_calloc(ctx, 1, sizeof *c);
    if (!c || !(c->p = pj_new(ctx, path))) {
        free(c);
        return NULL;
    }
    c->ctx = ctx;
    c->land_unit_m2 = 1;
    c->tolerance = 0.10;
    c->name = "";
    apply_options(c, options);
    if (lg_opt_check(ctx, "efficiency config", options,
                     (const char *const[]){"DATA_DIR", "YEAR", "CONFIG_PATH", NULL}) != LG_OK) {
        pj_error(c->p, NULL, "%s", lg_ctx_errmsg(ctx));
        return c;
    }
    if (!path) {
        pj_error(c->p, NULL, "no efficiency config given");
        return c;
    }
    load_file(c, path, NULL, 0);
    const char *year = lg_opt(options, "YEAR");
    if (year) {
        char *end;
        long y = strtol(year, &end, 10);
        if (*end || y < 1900 || y > 2200)
            pj_error(c->p, NULL, "YEAR=%s: expected a year such as 2023", year);
        c->year = (int)y;
    }
    if (c->data_dir)
        c->p->dir = c->data_dir;
    if (c->p->nerrors == 0) {
        pj_default_levels(c->p);
        check_config(c);
    }
    if (c->p->nerrors)
        lg_error(ctx, LG_ERR_ARG, "%s", c->p->errors[0]);
    c->ctx = NULL;
    return c;
}

lg_eff_config *lg_eff_config_free(lg_ctx *ctx, lg_eff_config *c)
{
    if (!c)
        return NULL;
    free_groups(c);
    free(c->ex_industries);
    free(c->ex_status);
    free(c->search);
    lg_project_free(ctx, c->p);
    free(c);
    return NULL;
}

size_t lg_eff_config_error_count(const lg_eff_config *c) { return c ? c->p->nerrors : 0; }
const char *lg_eff_config_error(const lg_eff_config *c, size_t i)
{
    return lg_project_error(c ? c->p : NULL, i);
}
size_t lg_eff_config_warning_count(const lg_eff_config *c) { return c ? c->p->nwarnings : 0; }
const char *lg_eff_config_warning(const lg_eff_config *c, size_t i)
{
    return lg_project_warning(c ? c->p : NULL, i);
}

/* Warn about the inputs the groups' measures need that the register
 * lacks: those items are missing for every firm. */
static void check_inputs(lg_eff_config *c)
{
    const pj_layer *l = ef_layer(c, "enterprises");
    if (!l || !l->header)
        return;
    for (size_t i = 0; i < c->ngroups; i++) {
        for (size_t k = 0; k < c->groups[i].nitems; k++) {
            const ef_item *it = &c->groups[i].items[k];
            lg_eff_input in[2] = {MEASURES[it->m].num, MEASURES[it->m].den};
            for (size_t s = 0; s < 2; s++) {
                const char *f = pj_field(l, INPUTS[in[s]].name);
                if (in[s] == LG_EFF_LAND || lg_layer_field_index(l->header, f) >= 0)
                    continue;
                pj_warning(c->p, &it->pos, "group '%s': %s needs field '%s' (map it: fields: "
                           "{%s: FIELD}); %s has none, so every firm misses this item",
                           c->groups[i].name, MEASURES[it->m].name, INPUTS[in[s]].name,
                           INPUTS[in[s]].name, lg_layer_source(l->header));
            }
        }
    }
    for (size_t i = 0; i < c->ngroups; i++) {
        const char *sf = c->groups[i].sel_field;
        if (sf && lg_layer_field_index(l->header, pj_field(l, sf)) < 0)
            pj_error(c->p, &c->groups[i].pos, "group '%s': the enterprises layer has no field "
                     "'%s' to select on (map it: fields: {%s: FIELD})", c->groups[i].name, sf,
                     sf);
    }
    const pj_layer *pl = ef_layer(c, "parcels");
    if (c->nex_status && pl && pl->header &&
        lg_layer_field_index(pl->header, pj_field(pl, "status")) < 0)
        pj_error(c->p, &c->ex_pos, "exemptions.parcel_status: the parcels layer has no field "
                 "'status' (map it: fields: {status: FIELD})");
}

lg_status lg_eff_config_check(lg_ctx *ctx, lg_eff_config *c)
{
    if (!c)
        return lg_error(ctx, LG_ERR_ARG, "no config");
    if (c->p->nerrors)
        return lg_error(ctx, LG_ERR_ARG, "%s", c->p->errors[0]);
    if (lg_project_check(ctx, c->p) != LG_OK && c->p->nerrors == 0)
        return lg_ctx_errno(ctx);
    check_inputs(c);
    c->checked = c->p->nerrors == 0;
    if (c->p->nerrors)
        return lg_error(ctx, LG_ERR_ARG, "%s", c->p->errors[0]);
    return LG_OK;
}
