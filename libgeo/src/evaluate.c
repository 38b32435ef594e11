/* Checking a project against its data, and evaluating it: every layer read
 * once into one working CRS, every indicator run at every zone level, each
 * value compared with its targets. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "libgeo/lg_land.h"
#include "measure_internal.h"

/* ------------------------------------------------------------------ */
/* Opening layers                                                      */

static char *layer_source(const lg_project *p, const pj_layer *l)
{
    if (l->path[0] == '/' || strncmp(l->path, "PG:", 3) == 0 || strstr(l->path, "://"))
        return strdup(l->path);
    return lg_sprintf(NULL, "%s/%s", p->dir, l->path);
}

/* Open a project layer's header, with an extra WHERE clause (NULL: none). */
lg_layer *pj_open_layer(lg_ctx *ctx, const lg_project *p, const pj_layer *l,
                        const char *extra_where)
{
    char *src = layer_source(p, l);
    char *where = NULL;
    if (l->where && extra_where)
        where = lg_sprintf(NULL, "(%s) AND (%s)", l->where, extra_where);
    else if (l->where || extra_where)
        where = strdup(l->where ? l->where : extra_where);
    char *opt[8][1];
    const char *options[8];
    size_t n = 0;
    const char *keys[] = {"LAYER", "ENCODING", "DATUM", "SRS", "INVALID", "WHERE"};
    const char *vals[] = {l->layer, l->encoding, l->datum, l->src_crs, l->invalid, where};
    for (size_t i = 0; i < 6; i++)
        if (vals[i] && (opt[n][0] = lg_sprintf(NULL, "%s=%s", keys[i], vals[i])))
            options[n] = opt[n][0], n++;
    options[n] = NULL;
    lg_layer *layer = src ? lg_layer_open(ctx, src, options) : NULL;
    for (size_t i = 0; i < n; i++)
        free(opt[i][0]);
    free(where);
    free(src);
    return layer;
}

static int has_field(const lg_layer *layer, const char *name)
{
    return name && lg_layer_field_index(layer, name) >= 0;
}

static void field_list(const lg_layer *layer, char *buf, size_t n)
{
    buf[0] = 0;
    for (size_t i = 0; i < lg_layer_field_count(layer); i++) {
        size_t len = strlen(buf);
        if (len + 4 >= n)
            break;
        snprintf(buf + len, n - len, "%s%s", i ? ", " : "", lg_layer_field_name(layer, i));
    }
}

/* The real field of a layer for a logical name, or NULL (reason in buf). */
static const char *resolve_field(const pj_layer *l, const char *logical, char *why, size_t n)
{
    const char *f = pj_field(l, logical);
    if (l->header && has_field(l->header, f))
        return f;
    snprintf(why, n, "layer '%s' has no field '%s'%s", l->name, logical,
             f == logical ? " (map it: fields: {NAME: REAL_FIELD})" : "");
    return NULL;
}

/* Which params are fields, and of which input slot (NULL: the zones). */
static const char *param_slot(const char *kernel, const char *param)
{
    static const struct { const char *k, *p, *slot; } M[] = {
        {"length-density", "class_field", "lines"}, {"length-share", "class_field", "lines"},
        {"overlap", "class_field", "control"},      {"count", "weight_field", "points"},
        {"coverage", "weight_field", "target"},     {"per-area", "value_field", "parcels"},
        {"per-area", "area_field", "parcels"},      {"per-area", "floor_field", "parcels"},
        {"coverage", "kind_field", "facilities"},   {"coverage", "size_field", "facilities"},
        {"count", "population_field", ""},          {"area-share", "population_field", ""},
        {"far", "building_parcel_field", "buildings"}, {"far", "parcel_id_field", "parcels"},
        {"far", "floor_area_field", "buildings"},   {"far", "floors_field", "buildings"},
        {"far", "industry_field", "parcels"},
        {"land-stock", "approval_date_field", "approvals"},
        {"land-stock", "supply_date_field", "supply"},
        {"land-stock", "approval_id_field", "approvals"},
        {"land-stock", "supply_link_field", "supply"},
        {"low-efficiency", "class_field", "parcels"}, {"low-efficiency", "industry_field", "parcels"},
        {"low-efficiency", "far_field", "parcels"},   {"low-efficiency", "tax_field", "parcels"},
        {"low-efficiency", "status_field", "parcels"},
        {"low-efficiency", "building_parcel_field", "buildings"},
        {"low-efficiency", "parcel_id_field", "parcels"},
        {"low-efficiency", "floor_area_field", "buildings"},
        {"low-efficiency", "floors_field", "buildings"},
        {"idle-land", "due_field", "supply"},         {"idle-land", "start_field", "supply"},
        {"idle-land", "supply_date_field", "supply"}, {"idle-land", "halted_field", "supply"},
        {"idle-land", "developed_field", "supply"},   {"idle-land", "invested_field", "supply"},
    };
    for (size_t i = 0; i < sizeof M / sizeof M[0]; i++)
        if (strcmp(M[i].k, kernel) == 0 && strcmp(M[i].p, param) == 0)
            return M[i].slot;
    return NULL;
}

lg_status lg_project_check(lg_ctx *ctx, lg_project *p)
{
    if (!p)
        return lg_error(ctx, LG_ERR_ARG, "no project");
    if (p->nerrors)
        return lg_error(ctx, LG_ERR_ARG, "%s", p->errors[0]);
    for (size_t i = 0; i < p->nlayers; i++) {
        pj_layer *l = &p->layers[i];
        if (!l->path || l->header)
            continue;
        lg_ctx_clear_error(ctx);
        l->header = pj_open_layer(ctx, p, l, NULL);
        if (!l->header) {
            pj_error(p, &l->pos, "layer '%s': %s", l->name, lg_ctx_errmsg(ctx));
            continue;
        }
        for (size_t k = 0; k < l->nfields; k++) {
            if (has_field(l->header, l->fields[k].value))
                continue;
            char list[600];
            field_list(l->header, list, sizeof list);
            pj_error(p, &l->fields[k].pos, "layer '%s': field '%s' (for %s) is not in %s; its "
                     "fields are: %s", l->name, l->fields[k].value, l->fields[k].key,
                     lg_layer_source(l->header), list);
        }
    }
    for (size_t i = 0; i < p->nlevels; i++) {
        pj_level *lv = &p->levels[i];
        pj_layer *l = pj_find_layer(p, lv->layer);
        if (!l || !l->header)
            continue;
        if (lg_layer_geom_kind(l->header) != LG_GEOM_POLYGON)
            pj_error(p, &lv->pos, "zone level '%s': layer '%s' is %s, not polygons", lv->name,
                     l->name, lg_layer_geom_type_name(l->header));
        const char *fs[2] = {lv->id_field, lv->name_field};
        for (size_t k = 0; k < 2; k++)
            if (fs[k] && !has_field(l->header, pj_field(l, fs[k])))
                pj_error(p, &lv->pos, "zone level '%s': layer '%s' has no field '%s'", lv->name,
                         l->name, fs[k]);
    }
    for (size_t i = 0; i < p->ninds; i++) {
        pj_indicator *ind = &p->inds[i];
        char why[512];
        if (ev_bind(p, ind, NULL, why, sizeof why) != 0)
            pj_warning(p, &ind->pos, "indicator '%s' will have no data: %s", ind->id, why);
    }
    p->checked = 1;
    if (p->nerrors)
        return lg_error(ctx, LG_ERR_ARG, "%s", p->errors[0]);
    return LG_OK;
}

/* ------------------------------------------------------------------ */
/* Binding an indicator to layers                                      */

static char *sql_quote_list(const lg_layer *layer, const char *field, const pj_select *s)
{
    int fi = lg_layer_field_index(layer, field);
    lg_field_type t = fi >= 0 ? lg_layer_field_type(layer, (size_t)fi) : LG_FIELD_STRING;
    int numeric = t == LG_FIELD_INTEGER || t == LG_FIELD_REAL;
    size_t len = strlen(field) + 16;
    for (size_t i = 0; i < s->n; i++)
        len += 2 * strlen(s->values[i]) + 4;
    char *out = malloc(len), *w = out;
    if (!out)
        return NULL;
    w += sprintf(w, "\"%s\" IN (", field);
    for (size_t i = 0; i < s->n; i++) {
        char *end;
        double v = strtod(s->values[i], &end);
        (void)v;
        int num = numeric && *s->values[i] && !*end;
        if (i)
            *w++ = ',';
        if (!num)
            *w++ = '\'';
        for (const char *c = s->values[i]; *c; c++) {
            if (*c == '\'' && !num)
                *w++ = '\'';
            *w++ = *c;
        }
        if (!num)
            *w++ = '\'';
    }
    strcpy(w, ")");
    return out;
}

static int bind_inputs(const lg_project *p, const pj_indicator *ind, ev_binding *b, char *why,
                       size_t n);

int ev_bind(const lg_project *p, const pj_indicator *ind, ev_binding *b, char *why, size_t n)
{
    int rc = bind_inputs(p, ind, b, why, n);
    if (rc != 0 && b)
        ev_binding_free(b); /* what the earlier slots had bound */
    return rc;
}

static int bind_inputs(const lg_project *p, const pj_indicator *ind, ev_binding *b, char *why,
                       size_t n)
{
    const pj_kernel *k = pj_kernel_find(ind->kernel);
    if (b)
        memset(b, 0, sizeof *b);
    if (!k)
        return snprintf(why, n, "unknown kernel"), -1;
    if (strcmp(k->name, "none") == 0)
        return snprintf(why, n, "%s", ind->reason ? ind->reason : "not measurable yet"), -1;
    for (size_t s = 0; s < 3 && k->slots[s]; s++) {
        const pj_input *in = NULL;
        for (size_t i = 0; i < ind->ninputs; i++)
            if (strcmp(ind->inputs[i].slot, k->slots[s]) == 0)
                in = &ind->inputs[i];
        if (!in || !in->role)
            continue;
        int amb;
        pj_layer *l = pj_layer_for_role(p, in->role, &amb);
        if (amb)
            return snprintf(why, n, "several layers have role '%s': name the layer '%s' or "
                            "give one of them another role", in->role, in->role), -1;
        if (!l) {
            if (in->optional)
                continue;
            return snprintf(why, n, "no layer has role '%s' (input %s)", in->role, in->slot), -1;
        }
        if (!l->header)
            return snprintf(why, n, "layer '%s' could not be opened", l->name), -1;
        char *where = NULL;
        for (size_t j = 0; j < in->nsel; j++) {
            const char *f = resolve_field(l, in->sel[j].field, why, n);
            if (!f) {
                free(where);
                return -1;
            }
            char *clause = sql_quote_list(l->header, f, &in->sel[j]);
            char *both = where ? lg_sprintf(NULL, "%s AND %s", where, clause) : clause;
            if (where)
                free(clause);
            free(where);
            where = both;
        }
        if (b) {
            b->layer[s] = l;
            b->in[s] = in;
            b->where[s] = where;
        } else {
            free(where);
        }
    }
    for (size_t i = 0; i < ind->nparams; i++) {
        const char *slot = param_slot(k->name, ind->params[i].key);
        if (!slot || !*slot)
            continue; /* not a field, or a zone field: resolved per level */
        const pj_layer *l = NULL;
        for (size_t s = 0; s < 3 && k->slots[s]; s++)
            if (strcmp(k->slots[s], slot) == 0 && b)
                l = b->layer[s];
        if (!b) {
            int amb;
            for (size_t j = 0; j < ind->ninputs; j++)
                if (strcmp(ind->inputs[j].slot, slot) == 0)
                    l = pj_layer_for_role(p, ind->inputs[j].role, &amb);
        }
        if (l && !resolve_field(l, ind->params[i].value, why, n))
            return -1;
    }
    return 0;
}

void ev_binding_free(ev_binding *b)
{
    for (size_t s = 0; s < 3; s++)
        free(b->where[s]);
    memset(b, 0, sizeof *b);
}

lg_zones *pj_level_zones(lg_ctx *ctx, const lg_project *p, const pj_level *lv,
                         const lg_layer *zl)
{
    const pj_layer *l = pj_find_layer(p, lv->layer);
    const char *idf = lv->id_field ? pj_field(l, lv->id_field)
                                   : (has_field(zl, pj_field(l, "id")) ? pj_field(l, "id") : NULL);
    const char *nmf = lv->name_field ? pj_field(l, lv->name_field)
                                     : (has_field(zl, pj_field(l, "name")) ? pj_field(l, "name")
                                                                          : NULL);
    return lg_zones_new(ctx, zl, idf, nmf);
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */

const char *ev_str(lg_evaluation *ev, const char *s)
{
    if (!s)
        return NULL;
    char **v = realloc(ev->strs, (ev->nstrs + 1) * sizeof *v);
    if (!v)
        return "";
    ev->strs = v;
    char *d = strdup(s);
    if (!d)
        return "";
    v[ev->nstrs++] = d;
    return d;
}

/* keep[i] = 1 for the features of the loaded layer that every select of
 * the input matches (text equal, or numbers equal when both are numbers). */
static void select_keep(const lg_layer *layer, const pj_layer *pl, const pj_input *in,
                        unsigned char *keep)
{
    size_t n = lg_layer_size(layer);
    memset(keep, 1, n);
    for (size_t j = 0; in && j < in->nsel; j++) {
        int fi = lg_layer_field_index(layer, pj_field(pl, in->sel[j].field));
        if (fi < 0) {
            memset(keep, 0, n);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            if (!keep[i])
                continue;
            const char *t = lg_layer_text(layer, i, (size_t)fi);
            double x;
            int isnum = !t && lg_layer_number(layer, i, (size_t)fi, &x);
            int match = 0;
            for (size_t k = 0; k < in->sel[j].n && !match; k++) {
                const char *v = in->sel[j].values[k];
                if (t) {
                    match = strcmp(t, v) == 0;
                } else if (isnum) {
                    char *end;
                    double y = strtod(v, &end);
                    match = *v && !*end && x == y;
                }
            }
            keep[i] = (unsigned char)match;
        }
    }
}

/* The unit for (layer, where): the project layer itself (where NULL),
 * opened now and loaded with the others, or a view of its loaded unit
 * keeping what the input's select matches (made after loading).  NULL on
 * failure. */
static ev_unit *unit_for(lg_ctx *ctx, lg_evaluation *ev, const pj_layer *pl, const char *where,
                         const pj_input *in)
{
    for (size_t i = 0; i < ev->nunits; i++) {
        ev_unit *u = &ev->units[i];
        if (u->pl == pl && ((!u->where && !where) || (u->where && where && !strcmp(u->where, where))))
            return u;
    }
    lg_layer *base = NULL;
    if (where) {
        ev_unit *b = unit_for(ctx, ev, pl, NULL, NULL);
        if (!b)
            return NULL;
        base = b->layer;
    }
    ev_unit *v = realloc(ev->units, (ev->nunits + 1) * sizeof *v);
    if (!v) {
        lg_error(ctx, LG_ERR_NOMEM, "out of memory");
        return NULL;
    }
    ev->units = v;
    ev_unit *u = &v[ev->nunits];
    memset(u, 0, sizeof *u);
    u->pl = pl;
    if (where) {
        unsigned char *keep = lg_calloc(ctx, lg_layer_size(base) ? lg_layer_size(base) : 1, 1);
        if (!keep)
            return NULL;
        select_keep(base, pl, in, keep);
        u->layer = lg_layer_view(ctx, base, keep, where);
        free(keep);
        u->where = u->layer ? strdup(where) : NULL;
    } else {
        u->layer = pj_open_layer(ctx, ev->p, pl, NULL);
    }
    if (!u->layer || (where && !u->where)) {
        lg_layer_close(ctx, u->layer);
        return NULL;
    }
    ev->nunits++;
    return u;
}

static lg_layer *unit_layer(const lg_evaluation *ev, const pj_layer *pl, const char *where)
{
    for (size_t i = 0; pl && i < ev->nunits; i++) {
        const ev_unit *u = &ev->units[i];
        if (u->pl == pl && ((!u->where && !where) || (u->where && where && !strcmp(u->where, where))))
            return u->layer;
    }
    return NULL;
}

static int is_field_param(const char *kernel, const char *key)
{
    return param_slot(kernel, key) != NULL;
}

static void upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static char *dir_of_file(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
}

/* Run one indicator at one level. */
static lg_status run_one(lg_ctx *ctx, lg_evaluation *ev, const pj_indicator *ind,
                         const pj_level *lv, const lg_zones *zones, ev_run *run)
{
    lg_project *p = ev->p;
    const pj_kernel *k = pj_kernel_find(ind->kernel);
    char why[512] = "";
    ev_binding b;
    run->unit = ind->unit ? ind->unit : pj_column_unit(ind, k);
    if (!zones) {
        run->reason = ev_str(ev, "the zone level could not be read");
        return LG_OK;
    }
    if (ev_bind(p, ind, &b, why, sizeof why) != 0) {
        run->reason = ev_str(ev, why);
        return LG_OK;
    }
    lg_layer *L[3] = {NULL, NULL, NULL};
    for (size_t s = 0; s < 3; s++)
        L[s] = b.layer[s] ? unit_layer(ev, b.layer[s], b.where[s]) : NULL;
    /* options */
    char *opts[32];
    const char *options[33];
    size_t no = 0;
    const pj_layer *zl = pj_find_layer(p, lv->layer);
    for (size_t i = 0; i < ind->nparams && no < 32; i++) {
        const char *key = ind->params[i].key, *val = ind->params[i].value;
        char *rules = NULL;
        if (strcmp(key, "population_field") == 0) {
            val = resolve_field(zl, val, why, sizeof why);
            if (!val) {
                run->reason = ev_str(ev, why);
                break;
            }
        } else if (is_field_param(k->name, key)) {
            for (size_t s = 0; s < 3; s++)
                if (k->slots[s] && b.layer[s] && strcmp(k->slots[s], param_slot(k->name, key)) == 0)
                    val = pj_field(b.layer[s], val);
        } else if (strcmp(key, "rules") == 0 && val[0] != '/') {
            char *d = dir_of_file(ind->params[i].pos.file);
            rules = lg_sprintf(NULL, "%s/%s", d ? d : ".", val);
            free(d);
            val = rules;
        }
        char *o = lg_sprintf(NULL, "%s=%s", key, val ? val : "");
        free(rules);
        if (!o)
            break;
        char *eq = strchr(o, '=');
        *eq = 0;
        upper(o);
        *eq = '=';
        opts[no++] = o;
    }
    for (size_t i = 0; i < no; i++)
        options[i] = opts[i];
    options[no] = NULL;

    /* variant text: kernel, inputs, parameters */
    char variant[1024];
    size_t vl = (size_t)snprintf(variant, sizeof variant, "%s", k->name);
    for (size_t s = 0; s < 3 && k->slots[s] && vl < sizeof variant; s++)
        if (b.layer[s])
            vl += (size_t)snprintf(variant + vl, sizeof variant - vl, "; %s=%s%s%s%s", k->slots[s],
                                   b.layer[s]->name, b.where[s] ? " [" : "",
                                   b.where[s] ? b.where[s] : "", b.where[s] ? "]" : "");
    for (size_t i = 0; i < no && vl < sizeof variant; i++)
        vl += (size_t)snprintf(variant + vl, sizeof variant - vl, "; %s", options[i]);
    run->variant = ev_str(ev, variant);

    lg_status st = LG_OK;
    /* indicators that are columns of one measure (km and km/km2 of the same
     * roads) share one kernel run */
    lg_result *same = NULL;
    for (size_t i = 0; !run->reason && i < ev->p->ninds * ev->p->nlevels; i++) {
        const ev_run *o = &ev->runs[i];
        if (o != run && o->r && o->level == run->level && o->variant &&
            !strcmp(o->variant, run->variant))
            same = o->r;
    }
    if (!run->reason) {
        lg_result *r = same;
        lg_ctx_clear_error(ctx);
        if (same)
            run->shared = 1;
        else if (!strcmp(k->name, "length-density"))
            r = lg_length_density(ctx, zones, L[0], L[1], options);
        else if (!strcmp(k->name, "length-share"))
            r = lg_length_share(ctx, zones, L[0], options);
        else if (!strcmp(k->name, "area-share"))
            r = lg_area_share(ctx, zones, L[0], L[1], options);
        else if (!strcmp(k->name, "count"))
            r = lg_count(ctx, zones, L[0], options);
        else if (!strcmp(k->name, "per-area"))
            r = lg_per_area(ctx, zones, L[0], options);
        else if (!strcmp(k->name, "coverage"))
            r = lg_coverage(ctx, zones, L[1], L[0], options);
        else if (!strcmp(k->name, "overlap"))
            r = lg_overlap(ctx, zones, L[0], L[1], L[2], options);
        else if (!strcmp(k->name, "far"))
            r = lg_parcel_far(ctx, zones, L[0], L[1], options);
        else if (!strcmp(k->name, "land-stock"))
            r = lg_land_stock(ctx, zones, L[0], L[1], options);
        else if (!strcmp(k->name, "low-efficiency"))
            r = lg_low_efficiency(ctx, zones, L[0], L[1], options);
        else if (!strcmp(k->name, "idle-land"))
            r = lg_idle_land(ctx, zones, L[0], options);
        if (!r) {
            st = lg_ctx_errno(ctx);
            if (st == LG_ERR_NOMEM || st == LG_ERR_CANCELLED) {
                ev_binding_free(&b);
                for (size_t i = 0; i < no; i++)
                    free(opts[i]);
                return st;
            }
            snprintf(why, sizeof why, "%s", lg_ctx_errmsg(ctx));
            run->reason = ev_str(ev, why);
            lg_warn(ctx, "indicator %s at level %s: no data: %s", ind->id, lv->name, why);
            st = LG_OK;
        } else {
            run->r = r;
            const lg_table *zt = lg_result_zones(r);
            const char *col = ind->column ? ind->column : "value";
            run->col = lg_table_column_index(zt, col);
            run->scale = 1;
            const char *cu = run->col >= 0 ? lg_table_column_unit(zt, (size_t)run->col) : NULL;
            double f;
            if (!run->unit)
                run->unit = ev_str(ev, cu ? cu : "");
            else if (cu && pj_unit_convert(1, cu, run->unit, &f))
                run->scale = f;
            if (run->col < 0)
                run->reason = ev_str(ev, "the kernel gave no such column");
        }
    }
    ev_binding_free(&b);
    for (size_t i = 0; i < no; i++)
        free(opts[i]);
    return st;
}

/* Add a row; the caller fills it. */
static lg_eval_row *add_row(lg_evaluation *ev, size_t *cap)
{
    if (ev->nrows == *cap) {
        size_t c = *cap ? 2 * *cap : 64;
        lg_eval_row *v = realloc(ev->rows, c * sizeof *v);
        if (!v)
            return NULL;
        ev->rows = v;
        *cap = c;
    }
    lg_eval_row *r = &ev->rows[ev->nrows++];
    memset(r, 0, sizeof *r);
    r->value = r->target = r->target_min = r->target_max = r->gap = r->gap_rel = r->baseline = NAN;
    r->reason = r->variant = r->source_document = r->source_section = r->source_text = r->note = "";
    return r;
}

static void fill_target(lg_eval_row *row, const pj_target *t)
{
    row->target_id = t->id;
    row->compare = pj_cmp_name(t->cmp);
    row->binding = t->binding;
    row->year = t->year;
    row->source_document = t->doc ? t->doc : "";
    row->source_section = t->section ? t->section : "";
    row->source_text = t->text ? t->text : "";
    row->note = t->note ? t->note : "";
    row->baseline = t->baseline;
    row->baseline_year = t->baseline_year;
    if (t->cmp == CMP_RANGE) {
        row->target_min = t->min;
        row->target_max = t->max;
    } else {
        row->target = t->value;
    }
}

/* Compare a row's value (already in the target's unit) with target t. */
void ev_compare(lg_eval_row *row, const pj_target *t)
{
    double v = row->value, ref = t->value;
    if (t->cmp == CMP_REPORT) {
        row->status = LG_STATUS_NOT_APPLICABLE;
        if (!*row->reason)
            row->reason = "the document sets no number: reported only";
        return;
    }
    if (isnan(v)) {
        row->status = LG_STATUS_NO_DATA;
        return;
    }
    int met = 0;
    switch (t->cmp) {
    case CMP_GE: met = v >= ref; break;
    case CMP_GT: met = v > ref; break;
    case CMP_LE: met = v <= ref; break;
    case CMP_LT: met = v < ref; break;
    case CMP_EQ: met = fabs(v - ref) <= 1e-9 * fmax(1.0, fabs(ref)); break;
    case CMP_APPROX: met = fabs(v - ref) <= t->tolerance * fabs(ref); break;
    case CMP_RANGE:
        met = (isnan(t->min) || v >= t->min) && (isnan(t->max) || v <= t->max);
        ref = !isnan(t->min) && v < t->min ? t->min : !isnan(t->max) && v > t->max ? t->max : v;
        break;
    default: break;
    }
    row->status = met ? LG_STATUS_MET : LG_STATUS_NOT_MET;
    row->gap = v - ref;
    row->gap_rel = ref != 0 ? row->gap / fabs(ref) : NAN;
    if (t->cmp == CMP_RANGE && met)
        row->gap = 0, row->gap_rel = 0;
}

static int zone_matches(const lg_zones *z, size_t i, const char *zone)
{
    return !strcmp(zone, "each") || !strcmp(lg_zones_id(z, i), zone) ||
           !strcmp(lg_zones_name(z, i), zone);
}

static lg_status make_rows(lg_evaluation *ev)
{
    lg_project *p = ev->p;
    size_t cap = 0, nl = p->nlevels;
    char *used = calloc(p->ntargets ? p->ntargets : 1, 1);
    if (!used)
        return LG_ERR_NOMEM;
    for (size_t ii = 0; ii < p->ninds; ii++) {
        const pj_indicator *ind = &p->inds[ii];
        for (size_t li = 0; li < nl; li++) {
            const ev_run *run = &ev->runs[ii * nl + li];
            const lg_zones *z = ev->zones[li];
            size_t nz = z ? lg_zones_count(z) : 0;
            const lg_table *zt = run->r ? lg_result_zones(run->r) : NULL;
            const lg_table *tt = run->r ? lg_result_total(run->r) : NULL;
            for (size_t zi = 0; zi <= nz; zi++) {
                int total = zi == nz;
                double v = NAN;
                if (run->r && run->col >= 0)
                    v = lg_table_value(total ? tt : zt, total ? 0 : zi, (size_t)run->col) *
                        run->scale;
                size_t matched = 0;
                for (size_t ti = 0; ti <= p->ntargets; ti++) {
                    const pj_target *t = ti < p->ntargets ? &p->targets[ti] : NULL;
                    if (t && (strcmp(t->indicator, ind->id) || strcmp(t->level, p->levels[li].name)))
                        continue;
                    if (t && (total ? strcmp(t->zone, "total") != 0
                                    : !zone_matches(z, zi, t->zone)))
                        continue;
                    if (!t && matched)
                        break;
                    lg_eval_row *row = add_row(ev, &cap);
                    if (!row) {
                        free(used);
                        return LG_ERR_NOMEM;
                    }
                    row->indicator = ind->id;
                    row->title_zh = ind->title_zh ? ind->title_zh : ind->id;
                    row->title_en = ind->title_en ? ind->title_en : ind->id;
                    row->level = p->levels[li].name;
                    row->zone_id = total ? "total" : lg_zones_id(z, zi);
                    row->zone_name = total ? "total" : lg_zones_name(z, zi);
                    row->unit = run->unit ? run->unit : "";
                    row->value = v;
                    row->variant = run->variant ? run->variant : "";
                    row->reason = run->reason ? run->reason : "";
                    if (isnan(v) && !*row->reason && run->r)
                        row->reason = "the kernel gave no value (nothing to divide by)";
                    if (!t) {
                        row->status = LG_STATUS_NO_TARGET;
                        break;
                    }
                    matched++;
                    used[ti] = 1;
                    fill_target(row, t);
                    if (t->unit && run->unit && strcmp(t->unit, run->unit) != 0) {
                        double c;
                        if (pj_unit_convert(v, run->unit, t->unit, &c))
                            row->value = c;
                        row->unit = t->unit;
                    }
                    ev_compare(row, t);
                }
            }
        }
    }
    /* targets that matched no zone: not applicable, with why */
    for (size_t ti = 0; ti < p->ntargets; ti++) {
        if (used[ti])
            continue;
        const pj_target *t = &p->targets[ti];
        const pj_indicator *ind = pj_find_indicator(p, t->indicator);
        lg_eval_row *row = add_row(ev, &cap);
        if (!row) {
            free(used);
            return LG_ERR_NOMEM;
        }
        row->indicator = t->indicator;
        row->title_zh = ind && ind->title_zh ? ind->title_zh : t->indicator;
        row->title_en = ind && ind->title_en ? ind->title_en : t->indicator;
        row->level = t->level;
        row->zone_id = row->zone_name = t->zone;
        row->unit = t->unit ? t->unit : "";
        fill_target(row, t);
        row->status = LG_STATUS_NOT_APPLICABLE;
        char why[300];
        if (!pj_find_level(p, t->level))
            snprintf(why, sizeof why, "the project has no zone level '%s'", t->level);
        else
            snprintf(why, sizeof why, "no zone '%s' at level %s", t->zone, t->level);
        row->reason = ev_str(ev, why);
    }
    free(used);
    return LG_OK;
}

/* Binding targets first, then other targets, then values no target names;
 * stable within each group. */
static int row_group(const lg_eval_row *r)
{
    return r->status == LG_STATUS_NO_TARGET ? 2 : r->binding ? 0 : 1;
}

static void sort_rows(lg_evaluation *ev)
{
    size_t n = ev->nrows, k = 0;
    lg_eval_row *out = malloc((n ? n : 1) * sizeof *out);
    if (!out)
        return;
    for (int g = 0; g < 3; g++)
        for (size_t i = 0; i < n; i++)
            if (row_group(&ev->rows[i]) == g)
                out[k++] = ev->rows[i];
    free(ev->rows);
    ev->rows = out;
}

lg_evaluation *lg_project_evaluate(lg_ctx *ctx, lg_project *p, const char *const *options)
{
    (void)options;
    if (!p || p->nerrors)
        return lg_error(ctx, LG_ERR_ARG, "%s", p && p->nerrors ? p->errors[0] : "no project"),
               NULL;
    if (!p->checked && lg_project_check(ctx, p) != LG_OK)
        return NULL;
    lg_evaluation *ev = lg_calloc(ctx, 1, sizeof *ev);
    if (!ev)
        return NULL;
    ev->p = p;
    size_t nl = p->nlevels, ni = p->ninds;
    ev->zones = lg_calloc(ctx, nl ? nl : 1, sizeof *ev->zones);
    ev->runs = lg_calloc(ctx, ni * nl > 0 ? ni * nl : 1, sizeof *ev->runs);
    if (!ev->zones || !ev->runs)
        return lg_evaluation_free(ctx, ev);

    /* every layer used, read once: the levels' and the indicators' inputs */
    for (size_t li = 0; li < nl; li++) {
        pj_layer *l = pj_find_layer(p, p->levels[li].layer);
        if (l && !unit_for(ctx, ev, l, NULL, NULL))
            return lg_evaluation_free(ctx, ev);
    }
    for (size_t ii = 0; ii < ni; ii++) {
        ev_binding b;
        char why[512];
        if (ev_bind(p, &p->inds[ii], &b, why, sizeof why) != 0)
            continue;
        for (size_t s = 0; s < 3; s++) {
            if (b.layer[s] && !unit_for(ctx, ev, b.layer[s], NULL, NULL)) {
                ev_binding_free(&b);
                return lg_evaluation_free(ctx, ev);
            }
        }
        ev_binding_free(&b);
    }
    size_t nbase = ev->nunits;
    lg_layer **ls = lg_malloc(ctx, (nbase ? nbase : 1) * sizeof *ls);
    if (!ls)
        return lg_evaluation_free(ctx, ev);
    for (size_t i = 0; i < nbase; i++)
        ls[i] = ev->units[i].layer;
    const char *crs_def = p->crs && strcmp(p->crs, "auto") != 0 ? p->crs : NULL;
    ev->crs = lg_layers_working_crs(ctx, ls, nbase, crs_def);
    lg_status st = ev->crs ? lg_layers_load(ctx, ls, nbase, ev->crs) : lg_ctx_errno(ctx);
    free(ls);
    if (st != LG_OK)
        return lg_evaluation_free(ctx, ev);
    /* the inputs' selects: views of the loaded layers */
    for (size_t ii = 0; ii < ni; ii++) {
        ev_binding b;
        char why[512];
        if (ev_bind(p, &p->inds[ii], &b, why, sizeof why) != 0)
            continue;
        for (size_t s = 0; s < 3; s++) {
            if (b.layer[s] && b.where[s] && !unit_for(ctx, ev, b.layer[s], b.where[s], b.in[s])) {
                ev_binding_free(&b);
                return lg_evaluation_free(ctx, ev);
            }
        }
        ev_binding_free(&b);
    }

    for (size_t li = 0; li < nl; li++) {
        const pj_level *lv = &p->levels[li];
        lg_layer *zl = unit_layer(ev, pj_find_layer(p, lv->layer), NULL);
        ev->zones[li] = zl ? pj_level_zones(ctx, p, lv, zl) : NULL;
        if (!ev->zones[li])
            return lg_evaluation_free(ctx, ev);
    }
    size_t done = 0;
    for (size_t ii = 0; ii < ni; ii++) {
        for (size_t li = 0; li < nl; li++, done++) {
            if (!lg_progress(ctx, (double)done / (double)(ni * nl), p->inds[ii].id))
                return lg_evaluation_free(ctx, ev);
            ev->runs[ii * nl + li].level = li;
            if (run_one(ctx, ev, &p->inds[ii], &p->levels[li], ev->zones[li],
                        &ev->runs[ii * nl + li]) != LG_OK)
                return lg_evaluation_free(ctx, ev);
        }
    }
    if (make_rows(ev) != LG_OK) {
        lg_error(ctx, LG_ERR_NOMEM, "out of memory");
        return lg_evaluation_free(ctx, ev);
    }
    sort_rows(ev);
    return ev;
}

lg_evaluation *lg_evaluation_free(lg_ctx *ctx, lg_evaluation *ev)
{
    if (!ev)
        return NULL;
    size_t nl = ev->p->nlevels;
    for (size_t i = 0; ev->runs && i < ev->p->ninds * nl; i++)
        if (!ev->runs[i].shared)
            lg_result_free(ctx, ev->runs[i].r);
    for (size_t i = 0; ev->zones && i < nl; i++)
        lg_zones_free(ctx, ev->zones[i]);
    for (size_t i = 0; i < ev->nunits; i++) {
        lg_layer_close(ctx, ev->units[i].layer);
        free(ev->units[i].where);
    }
    for (size_t i = 0; i < ev->nstrs; i++)
        free(ev->strs[i]);
    free(ev->strs);
    free(ev->units);
    free(ev->zones);
    free(ev->runs);
    free(ev->rows);
    lg_crs_free(ev->crs);
    free(ev);
    return NULL;
}

const char *lg_evaluation_crs(const lg_evaluation *ev)
{
    return ev && ev->crs ? (lg_crs_id(ev->crs) ? lg_crs_id(ev->crs) : lg_crs_name(ev->crs)) : "";
}

size_t lg_evaluation_rows(const lg_evaluation *ev) { return ev ? ev->nrows : 0; }

const lg_eval_row *lg_evaluation_row(const lg_evaluation *ev, size_t i)
{
    return ev && i < ev->nrows ? &ev->rows[i] : NULL;
}

size_t lg_evaluation_binding_missed(const lg_evaluation *ev)
{
    size_t n = 0;
    for (size_t i = 0; ev && i < ev->nrows; i++)
        n += ev->rows[i].binding && ev->rows[i].status == LG_STATUS_NOT_MET;
    return n;
}

const lg_result *lg_evaluation_result(const lg_evaluation *ev, const char *indicator,
                                      const char *level)
{
    if (!ev)
        return NULL;
    for (size_t ii = 0; ii < ev->p->ninds; ii++)
        for (size_t li = 0; li < ev->p->nlevels; li++)
            if (!strcmp(ev->p->inds[ii].id, indicator) && !strcmp(ev->p->levels[li].name, level))
                return ev->runs[ii * ev->p->nlevels + li].r;
    return NULL;
}
