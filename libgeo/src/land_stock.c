/* 批而未供: the stock of approved, not yet supplied land at 1 January of
 * each year, and the part of it disposed (supplied) during the year.
 *
 * Everything follows from R_a(T), the part of approval a (or of a ∩ zone)
 * not supplied before day T: by geometry, area(a − ∪ supplies dated < T);
 * by the id link, area(a) − Σ area of the linked supplies dated < T (at
 * least 0).  With d = a's approval date and J(Y) = Y-01-01:
 *   stock(Y)    = Σ_{d < J(Y)} R_a(J(Y))
 *   disposed(Y) = Σ_{d < J(Y)} R_a(J(Y)) − R_a(J(Y+1))
 *   added(Y)    = Σ_{J(Y) ≤ d < J(Y+1)} R_a(J(Y+1))
 * hence stock(Y+1) = stock(Y) − disposed(Y) + added(Y). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "land_internal.h"

enum { ST_STOCK, ST_DISPOSED, ST_ADDED, ST_N };

typedef struct stock_job {
    const lg_zones *zones;
    const lg_layer *appr, *sup;
    const lg_index *aidx, *sidx;
    int link;           /* 1: by the id link */
    const int *adate;   /* per approval, 0: NULL (left out) */
    const int *sdate;   /* per supply, 0: not supplied */
    size_t **linked;    /* link: per approval, the linked supplies */
    size_t *nlinked;
    const int *years;
    size_t ny;
    int *T;             /* thresholds J(Y) and J(Y+1), ascending */
    size_t nT;
    double *whole;      /* per approval x nT: R_a(T) of the whole approval */
    double *zsum;       /* per zone x ny x ST_N */
    size_t *early;      /* per approval: supplies dated before it that meet it */
    size_t *early_sup;  /* per approval: the first such supply */
} stock_job;

static size_t t_index(const stock_job *j, int day)
{
    for (size_t k = 0; k < j->nT; k++)
        if (j->T[k] == day)
            return k;
    return 0; /* not reached: every J(Y), J(Y+1) is a threshold */
}

/* Supplies (dated) whose geometry meets g, in date order. */
static lg_status supplies_meeting(lg_worker *w, const stock_job *j, const GEOSGeometry *g,
                                  lg_ivec *out)
{
    GEOSContextHandle_t h = w->geos;
    double q[4];
    lg_ivec cand = {0};
    out->n = 0;
    if (!j->sidx || !GEOSGeom_getExtent_r(h, g, &q[0], &q[1], &q[2], &q[3]))
        return LG_OK;
    if (!lg_index_query(j->sidx, q, &cand))
        return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    const GEOSPreparedGeometry *pg = cand.n ? GEOSPrepare_r(h, g) : NULL;
    lg_status st = LG_OK;
    for (size_t k = 0; k < cand.n && st == LG_OK; k++) {
        size_t s = cand.v[k];
        if (!j->sdate[s])
            continue;
        char m = pg ? GEOSPreparedIntersects_r(h, pg, lg_layer_geom(j->sup, s)) : 2;
        if (m == 2)
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "GEOS predicate failed");
        else if (m == 1 && !lg_ivec_push(out, s))
            st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    }
    if (pg)
        GEOSPreparedGeom_destroy_r(h, pg);
    lg_ivec_free(&cand);
    /* date order, stable (insertion sort: few candidates) */
    for (size_t a = 1; a < out->n; a++)
        for (size_t b = a; b > 0 && j->sdate[out->v[b - 1]] > j->sdate[out->v[b]]; b--) {
            size_t t = out->v[b];
            out->v[b] = out->v[b - 1];
            out->v[b - 1] = t;
        }
    return st;
}

/* R(T) for every threshold, by geometry: area(g − ∪ supplies dated < T). */
static lg_status remaining_geom(lg_worker *w, const stock_job *j, const GEOSGeometry *g,
                                double *R)
{
    GEOSContextHandle_t h = w->geos;
    lg_ivec sup = {0};
    lg_status st = supplies_meeting(w, j, g, &sup);
    double full = 0;
    GEOSArea_r(h, g, &full);
    size_t used = 0;
    GEOSGeometry *u = NULL;
    for (size_t k = 0; k < j->nT && st == LG_OK; k++) {
        size_t before = used;
        while (used < sup.n && j->sdate[sup.v[used]] < j->T[k])
            used++;
        if (used == 0) {
            R[k] = full;
            continue;
        }
        if (used != before) {
            lg_gvec v = {0};
            if (u)
                st = lg_gvec_push(w, &v, u);
            u = NULL;
            for (size_t s = before; s < used && st == LG_OK; s++) {
                GEOSGeometry *c = GEOSGeom_clone_r(h, lg_layer_geom(j->sup, sup.v[s]));
                st = c ? lg_gvec_push(w, &v, c) : lg_worker_fail(w, LG_ERR_GEOMETRY, "copy failed");
            }
            if (st == LG_OK && !(u = lg_gvec_union(w, &v)))
                st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot dissolve the supplies");
            lg_gvec_free(h, &v);
            if (st != LG_OK)
                break;
        }
        GEOSGeometry *d = GEOSDifference_r(h, g, u);
        if (!d) {
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot overlay: %s", w->err);
            break;
        }
        GEOSArea_r(h, d, &R[k]);
        GEOSGeom_destroy_r(h, d);
    }
    if (u)
        GEOSGeom_destroy_r(h, u);
    lg_ivec_free(&sup);
    return st;
}

/* R(T) of the whole approval a by the id link. */
static void remaining_link(const stock_job *j, size_t a, double area, GEOSContextHandle_t h,
                           double *R)
{
    for (size_t k = 0; k < j->nT; k++) {
        double supplied = 0, sa;
        for (size_t q = 0; q < j->nlinked[a]; q++) {
            size_t s = j->linked[a][q];
            if (j->sdate[s] && j->sdate[s] < j->T[k] &&
                GEOSArea_r(h, lg_layer_geom(j->sup, s), &sa))
                supplied += sa;
        }
        R[k] = supplied >= area ? 0 : area - supplied;
    }
}

/* Add approval a's piece (remaining R, thresholds) to zone z's sums. */
static void add_to_zone(stock_job *j, size_t z, size_t a, const double *R)
{
    int d = j->adate[a];
    for (size_t y = 0; y < j->ny; y++) {
        int jy = j->years[y] * 10000 + 101, jn = (j->years[y] + 1) * 10000 + 101;
        double ry = R[t_index(j, jy)], rn = R[t_index(j, jn)];
        double *s = j->zsum + (z * j->ny + y) * ST_N;
        if (d < jy) {
            s[ST_STOCK] += ry;
            s[ST_DISPOSED] += ry - rn;
        } else if (d < jn) {
            s[ST_ADDED] += rn;
        }
    }
}

/* Whole approvals: R_a(T), and supplies dated before the approval. */
static lg_status stock_approval(lg_worker *w, size_t a, void *user)
{
    stock_job *j = user;
    GEOSContextHandle_t h = w->geos;
    const GEOSGeometry *g = lg_layer_geom(j->appr, a);
    double *R = j->whole + a * j->nT, area = 0;
    j->early_sup[a] = (size_t)-1;
    if (!j->adate[a])
        return LG_OK;
    GEOSArea_r(h, g, &area);
    if (j->link) {
        remaining_link(j, a, area, h, R);
        for (size_t q = 0; q < j->nlinked[a]; q++) {
            size_t s = j->linked[a][q];
            if (j->sdate[s] && j->sdate[s] < j->adate[a] && !j->early[a]++)
                j->early_sup[a] = s;
        }
        return LG_OK;
    }
    lg_ivec sup = {0};
    lg_status st = supplies_meeting(w, j, g, &sup);
    for (size_t k = 0; k < sup.n && st == LG_OK; k++) {
        size_t s = sup.v[k];
        if (j->sdate[s] >= j->adate[a])
            break;
        char m = GEOSRelatePattern_r(h, g, lg_layer_geom(j->sup, s), "T********");
        if (m == 1 && !j->early[a]++)
            j->early_sup[a] = s;
    }
    lg_ivec_free(&sup);
    return st == LG_OK ? remaining_geom(w, j, g, R) : st;
}

typedef struct stock_acc {
    stock_job *j;
    size_t z;
    double *R;
} stock_acc;

static lg_status stock_piece(lg_worker *w, size_t a, const GEOSGeometry *piece, int whole,
                             void *user)
{
    stock_acc *acc = user;
    stock_job *j = acc->j;
    if (!j->adate[a])
        return LG_OK;
    double pa = 0, area = 0;
    GEOSArea_r(w->geos, piece, &pa);
    if (!(pa > 0))
        return LG_OK;
    if (whole || j->link) {
        /* whole: the approval's own figures; link: split by area share */
        GEOSArea_r(w->geos, lg_layer_geom(j->appr, a), &area);
        double share = whole || !(area > 0) ? 1 : pa / area;
        for (size_t k = 0; k < j->nT; k++)
            acc->R[k] = j->whole[a * j->nT + k] * share;
    } else {
        GEOSGeometry *pg = lg_polygonal(w->geos, GEOSGeom_clone_r(w->geos, piece));
        lg_status st = pg ? remaining_geom(w, j, pg, acc->R)
                          : lg_worker_fail(w, LG_ERR_GEOMETRY, "copy failed");
        if (pg)
            GEOSGeom_destroy_r(w->geos, pg);
        if (st != LG_OK)
            return st;
    }
    add_to_zone(j, acc->z, a, acc->R);
    return LG_OK;
}

static lg_status stock_zone(lg_worker *w, size_t z, void *user)
{
    stock_job *j = user;
    stock_acc acc = {j, z, malloc((j->nT ? j->nT : 1) * sizeof(double))};
    if (!acc.R)
        return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    lg_status st = j->aidx ? lg_clip_layer_to_zone(w, j->zones, z, j->appr, j->aidx,
                                                   stock_piece, &acc)
                           : LG_OK;
    free(acc.R);
    return st;
}

/* ------------------------------------------------------------------ */
/* set-up                                                              */

static void stock_release(stock_job *j)
{
    for (size_t a = 0; j->linked && a < lg_layer_size(j->appr); a++)
        free(j->linked[a]);
    free(j->linked);
    free(j->nlinked);
    free((void *)j->adate);
    free((void *)j->sdate);
    free((void *)j->years);
    free(j->T);
    free(j->whole);
    free(j->zsum);
    free(j->early);
    free(j->early_sup);
}

/* LINK=id: per approval, the supplies whose link field names it. */
static lg_status link_supplies(lg_ctx *ctx, const char *kernel, stock_job *j,
                               const char *const *options)
{
    const char *af = lg_opt(options, "APPROVAL_ID_FIELD"), *sf = lg_opt(options, "SUPPLY_LINK_FIELD");
    af = af ? af : "id", sf = sf ? sf : "appr_id";
    int fa = lg_layer_field_index(j->appr, af), fs = lg_layer_field_index(j->sup, sf);
    if (fa < 0 || fs < 0)
        return lg_error(ctx, LG_ERR_ARG, "%s: LINK=id: %s has no field '%s'", kernel,
                        lg_layer_source(fa < 0 ? j->appr : j->sup), fa < 0 ? af : sf);
    size_t na = lg_layer_size(j->appr), ns = lg_layer_size(j->sup);
    j->linked = lg_calloc(ctx, na ? na : 1, sizeof *j->linked);
    j->nlinked = lg_calloc(ctx, na ? na : 1, sizeof *j->nlinked);
    if (!j->linked || !j->nlinked)
        return LG_ERR_NOMEM;
    char ba[64], bs[64];
    for (size_t a = 0; a < na; a++) {
        const char *ka = land_code(j->appr, a, fa, ba, sizeof ba);
        for (size_t s = 0; ka && s < ns; s++) {
            const char *ks = land_code(j->sup, s, fs, bs, sizeof bs);
            if (!ks || strcmp(ka, ks))
                continue;
            size_t *v = lg_realloc(ctx, j->linked[a], (j->nlinked[a] + 1) * sizeof *v);
            if (!v)
                return LG_ERR_NOMEM;
            j->linked[a] = v;
            v[j->nlinked[a]++] = s;
        }
    }
    return LG_OK;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Thresholds J(Y) and J(Y+1) of every year, ascending and distinct. */
static lg_status thresholds(lg_ctx *ctx, stock_job *j)
{
    j->T = lg_calloc(ctx, 2 * j->ny, sizeof *j->T);
    if (!j->T)
        return LG_ERR_NOMEM;
    for (size_t y = 0; y < j->ny; y++) {
        j->T[2 * y] = j->years[y] * 10000 + 101;
        j->T[2 * y + 1] = (j->years[y] + 1) * 10000 + 101;
    }
    qsort(j->T, 2 * j->ny, sizeof *j->T, cmp_int);
    for (size_t k = 0; k < 2 * j->ny; k++)
        if (!j->nT || j->T[k] != j->T[j->nT - 1])
            j->T[j->nT++] = j->T[k];
    return LG_OK;
}

/* Column names: fixed ones, then per year. */
static lg_status stock_tables(lg_ctx *ctx, const stock_job *j, lg_table **zt, lg_table **tt,
                              lg_table **dt)
{
    size_t nz = 3 + 5 * j->ny, nd = 4 + j->ny;
    char **names = lg_calloc(ctx, nz + nd, sizeof *names);
    const char **cols = lg_calloc(ctx, nz + nd, sizeof *cols);
    const char **units = lg_calloc(ctx, nz + nd, sizeof *units);
    lg_status st = names && cols && units ? LG_OK : LG_ERR_NOMEM;
    static const char *const per[] = {"stock:", "stock_mu:", "disposed:", "added:", "share:"};
    static const char *const per_u[] = {"m2", "mu", "m2", "m2", "%"};
    static const char *const base[] = {"value", "numerator", "denominator"};
    static const char *const base_u[] = {"%", "m2", "m2"};
    for (size_t c = 0; st == LG_OK && c < nz; c++) {
        if (c < 3) {
            cols[c] = base[c], units[c] = base_u[c];
            continue;
        }
        size_t y = (c - 3) / 5, k = (c - 3) % 5;
        if (!(names[c] = lg_sprintf(ctx, "%s%d", per[k], j->years[y])))
            st = LG_ERR_NOMEM;
        cols[c] = names[c], units[c] = per_u[k];
    }
    /* detail: area_m2, appr_date, stock:Y..., supplied_m2, zone_row */
    for (size_t c = 0; st == LG_OK && c < nd; c++) {
        size_t i = nz + c;
        if (c == 0)
            cols[i] = "area_m2", units[i] = "m2";
        else if (c == 1)
            cols[i] = "appr_date", units[i] = "YYYYMMDD";
        else if (c < 2 + j->ny) {
            if (!(names[i] = lg_sprintf(ctx, "stock:%d", j->years[c - 2])))
                st = LG_ERR_NOMEM;
            cols[i] = names[i], units[i] = "m2";
        } else if (c == 2 + j->ny)
            cols[i] = "supplied_m2", units[i] = "m2";
        else
            cols[i] = "zone_row", units[i] = "";
    }
    if (st == LG_OK)
        st = lg_make_zone_tables(ctx, j->zones, cols, units, nz, zt, tt);
    if (st == LG_OK && !(*dt = land_detail_table(ctx, "approvals", j->appr, cols + nz,
                                                  units + nz, nd)))
        st = LG_ERR_NOMEM;
    for (size_t c = 0; names && c < nz + nd; c++)
        free(names[c]);
    free(names);
    free(cols);
    free(units);
    return st;
}

/* One zone row (or the total) from sums s[ny][ST_N]. */
static void stock_row(const stock_job *j, lg_table *t, size_t row, const double *s)
{
    const double *last = s + (j->ny - 1) * ST_N;
    lg_table_set(t, row, 0, lg_ratio(100 * last[ST_DISPOSED], last[ST_STOCK]));
    lg_table_set(t, row, 1, last[ST_DISPOSED]);
    lg_table_set(t, row, 2, last[ST_STOCK]);
    for (size_t y = 0; y < j->ny; y++) {
        const double *v = s + y * ST_N;
        size_t c = 3 + 5 * y;
        lg_table_set(t, row, c, v[ST_STOCK]);
        lg_table_set(t, row, c + 1, v[ST_STOCK] / LG_M2_PER_MU);
        lg_table_set(t, row, c + 2, v[ST_DISPOSED]);
        lg_table_set(t, row, c + 3, v[ST_ADDED]);
        lg_table_set(t, row, c + 4, lg_ratio(100 * v[ST_DISPOSED], v[ST_STOCK]));
    }
}

static void stock_detail(const stock_job *j, lg_table *dt, const land_shares *sh)
{
    size_t last = t_index(j, (j->years[j->ny - 1] + 1) * 10000 + 101);
    for (size_t a = 0; a < lg_layer_size(j->appr); a++) {
        const double *R = j->whole + a * j->nT;
        double area = sh->area[a];
        lg_table_set(dt, a, 0, area);
        lg_table_set(dt, a, 1, j->adate[a] ? (double)j->adate[a] : NAN);
        for (size_t y = 0; y < j->ny; y++) {
            int jy = j->years[y] * 10000 + 101;
            lg_table_set(dt, a, 2 + y,
                         !j->adate[a] ? NAN : j->adate[a] < jy ? R[t_index(j, jy)] : 0);
        }
        lg_table_set(dt, a, 2 + j->ny, j->adate[a] ? area - R[last] : NAN);
        lg_table_set(dt, a, 3 + j->ny, land_zone_row(sh, a));
    }
}

static lg_status stock_params(lg_ctx *ctx, lg_result *r, const stock_job *j, const char *ad,
                              const char *sd, const char *years, size_t null_appr)
{
    if (lg_result_add_param(ctx, r, "approvals", lg_layer_source(j->appr)) ||
        lg_result_add_param(ctx, r, "supply", lg_layer_source(j->sup)) ||
        lg_result_add_param(ctx, r, "years", years) ||
        lg_result_add_param(ctx, r, "link",
                            j->link ? "id: supplied = sum of the linked supplies' areas, "
                                      "capped at the approval's; split by area share"
                                    : "geometry: supplied = approval covered by the union of "
                                      "the supplies") ||
        lg_result_add_param(ctx, r, "approval_date_field", ad) ||
        lg_result_add_param(ctx, r, "supply_date_field", sd) ||
        lg_result_add_param(ctx, r, "stock",
                            "approved before 1 January, not supplied before 1 January") ||
        lg_result_add_param(ctx, r, "disposed", "part of the 1 January stock supplied during "
                            "the year") ||
        lg_result_add_param(ctx, r, "added", "approved during the year, unsupplied at its end") ||
        lg_result_add_param(ctx, r, "value", "share disposed in the last year (%)") ||
        lg_result_add_param(ctx, r, "null_supply_date", "not supplied"))
        return LG_ERR_NOMEM;
    if (null_appr)
        lg_result_warn(ctx, r, "%zu approval(s) of %s have a NULL %s: left out", null_appr,
                       lg_layer_source(j->appr), ad);
    size_t early = 0, first = (size_t)-1;
    for (size_t a = 0; a < lg_layer_size(j->appr); a++) {
        early += j->early[a];
        if (j->early[a] && first == (size_t)-1)
            first = a;
    }
    if (early)
        lg_result_warn(ctx, r,
                       "%zu supply record(s) are dated before an approval they %s (first: "
                       "supply FID %lld before approval FID %lld): that land counts as "
                       "supplied from the start and never enters the stock",
                       early, j->link ? "are linked to" : "overlap",
                       lg_layer_fid(j->sup, j->early_sup[first]), lg_layer_fid(j->appr, first));
    return LG_OK;
}

lg_result *lg_land_stock(lg_ctx *ctx, const lg_zones *zones, const lg_layer *approvals,
                         const lg_layer *supply, const char *const *options)
{
    static const char *const known[] = {"YEARS", "LINK", "APPROVAL_DATE_FIELD",
                                        "SUPPLY_DATE_FIELD", "APPROVAL_ID_FIELD",
                                        "SUPPLY_LINK_FIELD", NULL};
    const char *kernel = "land-stock";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK ||
        !lg_same_crs(ctx, kernel, zones, approvals) || !lg_same_crs(ctx, kernel, zones, supply))
        return NULL;
    const char *link = lg_opt(options, "LINK"), *ad = lg_opt(options, "APPROVAL_DATE_FIELD"),
               *sd = lg_opt(options, "SUPPLY_DATE_FIELD");
    ad = ad ? ad : "appr_date", sd = sd ? sd : "supply_dt";
    if (link && strcmp(link, "geometry") && strcmp(link, "id")) {
        lg_error(ctx, LG_ERR_ARG, "%s: LINK=%s: use geometry or id", kernel, link);
        return NULL;
    }
    stock_job j = {.zones = zones, .appr = approvals, .sup = supply,
                   .link = link && !strcmp(link, "id")};
    land_shares sh = {0};
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL, *dt = NULL;
    size_t na = lg_layer_size(approvals), nz = lg_zones_count(zones), null_appr, null_sup;
    int *years = NULL;
    if (land_years(ctx, kernel, lg_opt(options, "YEARS"), &years, &j.ny) != LG_OK)
        return NULL;
    j.years = years;
    if (!(j.adate =
              land_read_dates(ctx, kernel, approvals, "APPROVAL_DATE_FIELD", ad, &null_appr)) ||
        !(j.sdate = land_read_dates(ctx, kernel, supply, "SUPPLY_DATE_FIELD", sd, &null_sup)) ||
        thresholds(ctx, &j) != LG_OK ||
        (j.link && link_supplies(ctx, kernel, &j, options) != LG_OK))
        goto fail;
    j.whole = lg_calloc(ctx, (na ? na : 1) * j.nT, sizeof *j.whole);
    j.zsum = lg_calloc(ctx, (nz + 1) * j.ny * ST_N, sizeof *j.zsum);
    j.early = lg_calloc(ctx, na ? na : 1, sizeof *j.early);
    j.early_sup = lg_calloc(ctx, na ? na : 1, sizeof *j.early_sup);
    if (!j.whole || !j.zsum || !j.early || !j.early_sup)
        goto fail;
    j.aidx = na ? lg_layer_index(ctx, approvals) : NULL;
    j.sidx = lg_layer_size(supply) ? lg_layer_index(ctx, supply) : NULL;
    if ((na && !j.aidx) || (lg_layer_size(supply) && !j.sidx) ||
        lg_parallel_for(ctx, na, stock_approval, &j, kernel) != LG_OK ||
        lg_parallel_for(ctx, nz, stock_zone, &j, "land-stock: zones") != LG_OK ||
        land_shares_compute(ctx, zones, approvals, &sh) != LG_OK)
        goto fail;
    if (!(r = lg_result_start(ctx, kernel, "%", zones)) ||
        stock_tables(ctx, &j, &zt, &tt, &dt) != LG_OK)
        goto fail;
    double *tot = j.zsum + nz * j.ny * ST_N;
    for (size_t z = 0; z < nz; z++) {
        stock_row(&j, zt, z, j.zsum + z * j.ny * ST_N);
        for (size_t k = 0; k < j.ny * ST_N; k++)
            tot[k] += j.zsum[z * j.ny * ST_N + k];
    }
    stock_row(&j, tt, 0, tot);
    stock_detail(&j, dt, &sh);
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    lg_status st = lg_result_add_detail(ctx, r, dt);
    dt = NULL;
    if (st != LG_OK ||
        stock_params(ctx, r, &j, ad, sd, lg_opt(options, "YEARS"), null_appr) != LG_OK)
        goto fail;
    goto done;
fail:
    r = lg_result_free(ctx, r);
done:
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    lg_table_free(ctx, dt);
    land_shares_free(&sh);
    stock_release(&j);
    return r;
}
