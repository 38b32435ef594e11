/* Site screening against the control lines (三线占用) for the whole area:
 * lg_overlap without zones, then slivers of at most the tolerance are
 * dropped and each site gets its verdict as 1/0 columns. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "land_internal.h"

/* What the overlap result tells, per site: columns of each class. */
typedef struct screen_in {
    const lg_table *t;   /* overlap's "sites" */
    size_t ncls;
    char **cls;          /* class names */
    int *in_col;         /* per class: in:<c>_m2 column */
    unsigned char *conflict_class;
    int out_col;
    double tol;
} screen_in;

static const char *param(const lg_result *r, const char *key)
{
    for (size_t i = 0; i < lg_result_param_count(r); i++)
        if (!strcmp(lg_result_param_key(r, i), key))
            return lg_result_param_value(r, i);
    return NULL;
}

/* 1 when `name` is one of the comma-separated `list`. */
static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, name, n))
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

static lg_status read_overlap(lg_ctx *ctx, const lg_result *ov, screen_in *in)
{
    memset(in, 0, sizeof *in);
    in->t = lg_result_detail(ov, 0);
    size_t nc = lg_table_columns(in->t);
    in->cls = lg_calloc(ctx, nc, sizeof *in->cls);
    in->in_col = lg_calloc(ctx, nc, sizeof *in->in_col);
    in->conflict_class = lg_calloc(ctx, nc, 1);
    if (!in->cls || !in->in_col || !in->conflict_class)
        return LG_ERR_NOMEM;
    const char *conf = param(ov, "conflict_classes"), *tol = param(ov, "tolerance_m2");
    in->tol = tol ? strtod(tol, NULL) : 1;
    for (size_t c = 0; c < nc; c++) {
        const char *name = lg_table_column_name(in->t, c);
        size_t len = strlen(name);
        if (strncmp(name, "in:", 3) || len < 6 || strcmp(name + len - 3, "_m2"))
            continue;
        char *cl = lg_sprintf(ctx, "%.*s", (int)(len - 6), name + 3);
        if (!cl)
            return LG_ERR_NOMEM;
        in->cls[in->ncls] = cl;
        in->in_col[in->ncls] = (int)c;
        in->conflict_class[in->ncls++] = in_list(conf, cl);
    }
    in->out_col = lg_table_column_index(in->t, "outside_boundary_m2");
    return LG_OK;
}

static void screen_in_free(screen_in *in)
{
    for (size_t c = 0; in->cls && c < in->ncls; c++)
        free(in->cls[c]);
    free(in->cls);
    free(in->in_col);
    free(in->conflict_class);
}

/* A column named prefix<class>suffix. */
static int add_col(lg_ctx *ctx, lg_table *t, const char *prefix, const char *cls,
                   const char *suffix, const char *unit)
{
    char *n = lg_sprintf(ctx, "%s%s%s", prefix, cls, suffix);
    int c = n ? lg_table_add_column(ctx, t, n, unit) : -1;
    free(n);
    return c;
}

/* The screen's sites table (columns only). */
static lg_table *sites_table(lg_ctx *ctx, const screen_in *in)
{
    lg_table *t = lg_table_new(ctx, "sites");
    int ok = t && lg_table_add_column(ctx, t, "area_m2", "m2") >= 0;
    for (size_t c = 0; ok && c < in->ncls; c++)
        ok = add_col(ctx, t, "in:", in->cls[c], "_m2", "m2") >= 0 &&
             add_col(ctx, t, "in:", in->cls[c], "_pct", "%") >= 0;
    ok = ok && lg_table_add_column(ctx, t, "outside_boundary_m2", "m2") >= 0 &&
         lg_table_add_column(ctx, t, "outside_boundary_pct", "%") >= 0 &&
         lg_table_add_column(ctx, t, "dropped_m2", "m2") >= 0 &&
         lg_table_add_column(ctx, t, "conflict", "1/0") >= 0;
    for (size_t c = 0; ok && c < in->ncls; c++)
        ok = !in->conflict_class[c] || add_col(ctx, t, "conflict:", in->cls[c], "", "1/0") >= 0;
    ok = ok && lg_table_add_column(ctx, t, "conflict:outside_boundary", "1/0") >= 0;
    if (!ok)
        return lg_table_free(ctx, t);
    return t;
}

/* v, or 0 when it is a sliver (added to *dropped, counted in *nd). */
static double keep(double v, double tol, double *dropped, size_t *nd)
{
    if (v > 0 && v <= tol) {
        *dropped += v;
        ++*nd;
        return 0;
    }
    return v;
}

static double pct(double a, double b) { return b > 0 ? 100 * a / b : NAN; }

/* Fill the sites table from the overlap's; sums into tot (conflicting,
 * sites, area, outside, dropped, per class). */
static lg_status fill_sites(lg_ctx *ctx, const screen_in *in, lg_table *t, double *tot,
                            size_t *ndropped)
{
    size_t ns = lg_table_rows(in->t);
    if (lg_table_set_rows(ctx, t, ns) != LG_OK)
        return LG_ERR_NOMEM;
    for (size_t s = 0; s < ns; s++) {
        if (lg_table_set_label(ctx, t, s, lg_table_row_id(in->t, s),
                               lg_table_row_name(in->t, s)) != LG_OK)
            return LG_ERR_NOMEM;
        lg_table_set_geom(t, s, (GEOSGeometry *)lg_table_row_geom(in->t, s), 0);
        double a = lg_table_value(in->t, s, 0), dropped = 0;
        size_t col = 0;
        int conflict = 0;
        lg_table_set(t, s, col++, a);
        for (size_t c = 0; c < in->ncls; c++) {
            /* slivers matter only where they would make a conflict */
            double v = lg_table_value(in->t, s, (size_t)in->in_col[c]);
            if (in->conflict_class[c])
                v = keep(v, in->tol, &dropped, ndropped);
            lg_table_set(t, s, col++, v);
            lg_table_set(t, s, col++, pct(v, a));
            tot[5 + c] += v;
            conflict |= in->conflict_class[c] && v > 0;
        }
        double out = in->out_col >= 0 ? lg_table_value(in->t, s, (size_t)in->out_col) : NAN;
        out = isnan(out) ? NAN : keep(out, in->tol, &dropped, ndropped);
        conflict |= out > 0;
        lg_table_set(t, s, col++, out);
        lg_table_set(t, s, col++, pct(out, a));
        lg_table_set(t, s, col++, dropped);
        lg_table_set(t, s, col++, conflict);
        for (size_t c = 0; c < in->ncls; c++)
            if (in->conflict_class[c])
                lg_table_set(t, s, col++, lg_table_value(t, s, 1 + 2 * c) > 0);
        lg_table_set(t, s, col, out > 0);
        tot[0] += conflict, tot[1] += 1, tot[2] += a, tot[3] += out, tot[4] += dropped;
    }
    return LG_OK;
}

/* The total table (and the empty zones table) with the given sums. */
static lg_status totals(lg_ctx *ctx, lg_result *r, const screen_in *in, const double *tot)
{
    size_t n = 6 + in->ncls;
    const char **cols = lg_calloc(ctx, n, sizeof *cols), **units = lg_calloc(ctx, n, sizeof *units);
    char **names = lg_calloc(ctx, n, sizeof *names);
    lg_table *zt = NULL, *tt = NULL;
    lg_status st = cols && units && names ? LG_OK : LG_ERR_NOMEM;
    static const char *const base[] = {"value", "numerator", "denominator", "area_m2",
                                       "outside_boundary_m2", "dropped_m2"};
    static const char *const bu[] = {"count", "count", "count", "m2", "m2", "m2"};
    for (size_t c = 0; st == LG_OK && c < n; c++) {
        if (c < 6)
            cols[c] = base[c], units[c] = bu[c];
        else if ((names[c] = lg_sprintf(ctx, "in:%s_m2", in->cls[c - 6])))
            cols[c] = names[c], units[c] = "m2";
        else
            st = LG_ERR_NOMEM;
    }
    if (st == LG_OK)
        st = lg_make_zone_tables(ctx, NULL, cols, units, n, &zt, &tt);
    if (st == LG_OK) {
        /* value, numerator, denominator, area, outside, dropped, classes */
        double v[] = {tot[0], tot[0], tot[1], tot[2], tot[3], tot[4]};
        for (size_t c = 0; c < n; c++)
            lg_table_set(tt, 0, c, c < 6 ? v[c] : tot[5 + c - 6]);
        if (in->out_col < 0)
            lg_table_set(tt, 0, 4, NAN);
        lg_result_set_tables(r, zt, tt);
    }
    for (size_t c = 0; names && c < n; c++)
        free(names[c]);
    free(names);
    free(cols);
    free(units);
    return st;
}

lg_result *lg_screen(lg_ctx *ctx, const lg_layer *sites, const lg_layer *control,
                     const lg_layer *boundary, const char *const *options)
{
    lg_result *ov = lg_overlap(ctx, NULL, sites, control, boundary, options);
    if (!ov)
        return NULL;
    screen_in in;
    lg_result *r = NULL;
    lg_table *t = NULL;
    double *tot = NULL;
    size_t ndropped = 0;
    if (read_overlap(ctx, ov, &in) != LG_OK || !(t = sites_table(ctx, &in)) ||
        !(tot = lg_calloc(ctx, 5 + in.ncls, sizeof *tot)) ||
        fill_sites(ctx, &in, t, tot, &ndropped) != LG_OK ||
        !(r = lg_result_start_layer(ctx, "screen", "count", sites)) ||
        totals(ctx, r, &in, tot) != LG_OK)
        goto fail;
    lg_status st = lg_result_add_detail(ctx, r, t);
    t = NULL;
    if (st != LG_OK)
        goto fail;
    for (size_t i = 0; i < lg_result_param_count(ov); i++) {
        const char *k = lg_result_param_key(ov, i);
        if (strcmp(k, "zone_of_site") && strcmp(k, "conflict_rule") &&
            strcmp(k, "conflicting_sites") &&
            lg_result_add_param(ctx, r, k, lg_result_param_value(ov, i)))
            goto fail;
    }
    if (lg_result_add_param(ctx, r, "conflict_rule",
                            "area in a conflict class or outside the boundary after dropping "
                            "slivers") ||
        lg_result_add_paramf(ctx, r, "sliver_rule", "an area of at most %.15g m2 is dropped "
                             "(set to 0, added to dropped_m2)", in.tol) ||
        lg_result_add_paramf(ctx, r, "dropped_slivers", "%zu", ndropped) ||
        lg_result_add_paramf(ctx, r, "conflicting_sites", "%.0f of %.0f", tot[0], tot[1]))
        goto fail;
    for (size_t i = 0; i < lg_result_warning_count(ov); i++)
        lg_result_keep_warning(ctx, r, lg_result_warning(ov, i));
    goto done;
fail:
    r = lg_result_free(ctx, r);
done:
    lg_table_free(ctx, t);
    free(tot);
    screen_in_free(&in);
    lg_result_free(ctx, ov);
    return r;
}
