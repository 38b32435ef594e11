/* 亩均效益 evaluation: reading the register and the parcels, each firm's
 * land and measures, zone membership, and the per-zone tables.  Scoring
 * is efficiency_score.c; writing, efficiency_write.c.
 *
 * Land of a firm (亩):
 *  - its certificate area (the `land` field, in land.unit) when present
 *    and > 0, unless land.source is geometry;
 *  - else its geometry: its own polygon when the register holds polygons;
 *    else its parcel's area less the certificate areas of the other firms
 *    on that parcel, shared equally among the parcel's firms without one;
 *  - else (nothing left, no parcel) none: the firm is not rated (N).
 * The GIS area reported with a certified firm is its share of the parcel
 * in proportion to the certificates, when every firm on the parcel has
 * one (a lone firm: the whole parcel).  Certificates are checked against
 * the geometry per parcel: Σ certificates vs the parcel's area when every
 * firm has one, else only Σ certificates > area; a difference beyond
 * land.tolerance flags each certified firm of the parcel (the certificate
 * is still used). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efficiency_internal.h"
#include "measure_internal.h"

#define NO_ZONE ((size_t)-1)

/* ------------------------------------------------------------------ */
/* Strings and flags                                                   */

const char *ef_str(lg_efficiency *e, const char *s)
{
    if (!s)
        return "";
    char **v = realloc(e->strs, (e->nstrs + 1) * sizeof *v);
    if (!v)
        return "";
    e->strs = v;
    char *d = strdup(s);
    if (!d)
        return "";
    v[e->nstrs++] = d;
    return d;
}

void ef_flag(lg_efficiency *e, ef_firm *f, const char *fmt, ...)
{
    char note[512], all[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note, sizeof note, fmt, ap);
    va_end(ap);
    snprintf(all, sizeof all, "%s%s%s", f->pub.flags, *f->pub.flags ? "; " : "", note);
    f->pub.flags = ef_str(e, all);
}

/* ------------------------------------------------------------------ */
/* Fields                                                              */

/* A field's number: numeric fields, or text that is a whole number.  0
 * when NULL, empty or not a number. */
static int field_number(const lg_layer *L, size_t i, int fi, double *out)
{
    if (fi < 0)
        return 0;
    if (lg_layer_number(L, i, (size_t)fi, out))
        return isfinite(*out);
    const char *t = lg_layer_text(L, i, (size_t)fi);
    char *end;
    if (!t || !*t)
        return 0;
    *out = strtod(t, &end);
    while (*end == ' ')
        end++;
    return !*end && isfinite(*out);
}

/* A field as text: the text, or a number as lg_number_text writes it;
 * NULL when NULL or no such field. */
static const char *field_text(const lg_layer *L, size_t i, int fi, char *buf, size_t n)
{
    if (fi < 0)
        return NULL;
    const char *t = lg_layer_text(L, i, (size_t)fi);
    double x;
    if (t)
        return t;
    return lg_layer_number(L, i, (size_t)fi, &x) ? lg_number_text(buf, n, x) : NULL;
}

static int field_of(const lg_layer *L, const pj_layer *pl, const char *logical)
{
    return lg_layer_field_index(L, pj_field(pl, logical));
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

static lg_status open_layers(lg_ctx *ctx, lg_efficiency *e)
{
    lg_eff_config *c = e->c;
    const pj_layer *pe = ef_layer(c, "enterprises"), *pp = ef_layer(c, "parcels");
    e->nlevels = c->p->nlevels;
    e->zl = lg_calloc(ctx, e->nlevels + 1, sizeof *e->zl);
    e->zones = lg_calloc(ctx, e->nlevels + 1, sizeof *e->zones);
    e->ztab = lg_calloc(ctx, e->nlevels + 1, sizeof *e->ztab);
    e->ttab = lg_calloc(ctx, e->nlevels + 1, sizeof *e->ttab);
    if (!e->zl || !e->zones || !e->ztab || !e->ttab)
        return LG_ERR_NOMEM;
    if (!(e->ent = pj_open_layer(ctx, c->p, pe, NULL)))
        return lg_ctx_errno(ctx);
    if (pp && !(e->par = pj_open_layer(ctx, c->p, pp, NULL)))
        return lg_ctx_errno(ctx);
    for (size_t li = 0; li < e->nlevels; li++) {
        const pj_layer *l = pj_find_layer(c->p, c->p->levels[li].layer);
        if (!(e->zl[li] = pj_open_layer(ctx, c->p, l, NULL)))
            return lg_ctx_errno(ctx);
    }
    return LG_OK;
}

static lg_status load_layers(lg_ctx *ctx, lg_efficiency *e)
{
    size_t n = 0;
    lg_layer **ls = lg_malloc(ctx, (e->nlevels + 2) * sizeof *ls);
    if (!ls)
        return LG_ERR_NOMEM;
    ls[n++] = e->ent;
    if (e->par)
        ls[n++] = e->par;
    for (size_t li = 0; li < e->nlevels; li++)
        ls[n++] = e->zl[li];
    e->crs = lg_layers_working_crs(ctx, ls, n, NULL);
    lg_status st = e->crs ? lg_layers_load(ctx, ls, n, e->crs) : lg_ctx_errno(ctx);
    free(ls);
    for (size_t li = 0; st == LG_OK && li < e->nlevels; li++) {
        e->zones[li] = pj_level_zones(ctx, e->c->p, &e->c->p->levels[li], e->zl[li]);
        if (!e->zones[li])
            st = lg_ctx_errno(ctx);
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* Parcels: the join                                                   */

/* Parcel of each firm: by the register's parcel field and the parcels'
 * id field when both exist (the first parcel with that id), else the
 * first parcel (in layer order) covering the firm's location. */
static lg_status join_parcels(lg_ctx *ctx, lg_efficiency *e)
{
    const pj_layer *pe = ef_layer(e->c, "enterprises"), *pp = ef_layer(e->c, "parcels");
    int fk = field_of(e->ent, pe, "parcel"), pk = field_of(e->par, pp, "id");
    size_t np = lg_layer_size(e->par);
    if (fk < 0 || pk < 0)
        return LG_OK; /* located in join_by_location */
    lg_key_ix *keys = lg_calloc(ctx, np ? np : 1, sizeof *keys);
    char (*bufs)[40] = lg_calloc(ctx, np ? np : 1, sizeof *bufs);
    if (!keys || !bufs) {
        free(keys);
        free(bufs);
        return LG_ERR_NOMEM;
    }
    size_t nk = 0;
    for (size_t i = 0; i < np; i++) {
        const char *k = field_text(e->par, i, pk, bufs[i], sizeof bufs[i]);
        if (k)
            keys[nk].key = k, keys[nk++].i = i;
    }
    lg_key_ix_sort(keys, nk);
    for (size_t f = 0; f < e->n; f++) {
        char buf[40];
        const char *q = field_text(e->ent, e->firms[f].feature, fk, buf, sizeof buf);
        e->firms[f].parcel = -1;
        if (!q)
            continue;
        size_t p = lg_key_ix_find(keys, nk, q);
        if (p != (size_t)-1)
            e->firms[f].parcel = (long)p;
        else
            ef_flag(e, &e->firms[f], "parcel %s is not in the parcels layer", q);
    }
    free(keys);
    free(bufs);
    return LG_OK;
}

static lg_status join_by_location(lg_ctx *ctx, lg_efficiency *e)
{
    const lg_index *idx = lg_layer_index(ctx, e->par);
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    lg_ivec cand = {0};
    lg_status st = idx && lg_ivec_push(&cand, 0) ? LG_OK : LG_ERR_NOMEM;
    for (size_t f = 0; st == LG_OK && f < e->n; f++) {
        ef_firm *F = &e->firms[f];
        double q[4] = {F->x, F->y, F->x, F->y};
        if (!F->has_xy || !lg_index_query(idx, q, &cand)) {
            st = F->has_xy ? LG_ERR_NOMEM : LG_OK;
            continue;
        }
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, F->x, F->y);
        for (size_t k = 0; pt && k < cand.n && F->parcel < 0; k++)
            if (GEOSCovers_r(h, lg_layer_geom(e->par, cand.v[k]), pt) == 1)
                F->parcel = (long)cand.v[k];
        if (pt)
            GEOSGeom_destroy_r(h, pt);
    }
    lg_ivec_free(&cand);
    return st == LG_ERR_NOMEM ? lg_error(ctx, st, "out of memory") : st;
}

/* ------------------------------------------------------------------ */
/* Firms                                                               */

static void locate(GEOSContextHandle_t h, const GEOSGeometry *g, ef_firm *F)
{
    GEOSGeometry *cen = GEOSGeomTypeId_r(h, g) == GEOS_POINT ? NULL : GEOSGetCentroid_r(h, g);
    const GEOSGeometry *pt = cen ? cen : g;
    F->has_xy = GEOSisEmpty_r(h, pt) == 0 && GEOSGeomGetX_r(h, pt, &F->x) == 1 &&
                GEOSGeomGetY_r(h, pt, &F->y) == 1;
    if (cen)
        GEOSGeom_destroy_r(h, cen);
}

static void read_firm(lg_ctx *ctx, lg_efficiency *e, const pj_layer *pe, size_t i, ef_firm *F)
{
    const lg_layer *L = e->ent;
    char buf[40];
    F->feature = i;
    F->parcel = -1;
    F->pub.flags = F->pub.reason = F->pub.group = F->pub.parcel = "";
    const char *id = field_text(L, i, field_of(L, pe, "id"), buf, sizeof buf);
    char fid[40];
    snprintf(fid, sizeof fid, "%lld", lg_layer_fid(L, i));
    F->pub.id = ef_str(e, id ? id : fid);
    const char *name = field_text(L, i, field_of(L, pe, "name"), buf, sizeof buf);
    F->pub.name = ef_str(e, name ? name : F->pub.id);
    F->pub.industry = ef_str(e, field_text(L, i, field_of(L, pe, "industry"), buf, sizeof buf));
    for (int k = 0; k < LG_EFF_LAND; k++) {
        double x;
        F->pub.input[k] = field_number(L, i, field_of(L, pe, lg_eff_input_name(k)), &x) ? x
                                                                                         : NAN;
    }
    double y, cert;
    F->pub.start_year = field_number(L, i, field_of(L, pe, "start_year"), &y) ? (int)y : 0;
    F->pub.cert_mu = NAN;
    if (!e->c->land_geometry && field_number(L, i, field_of(L, pe, "land"), &cert) && cert > 0)
        F->pub.cert_mu = cert * e->c->land_unit_m2 / LG_M2_PER_MU;
    F->pub.gis_mu = F->pub.input[LG_EFF_LAND] = NAN;
    for (int m = 0; m < LG_EFF_MEASURES; m++)
        F->pub.measure[m] = F->points[m] = NAN;
    F->pub.score = NAN;
    if (lg_layer_geom(L, i)) /* a register without geometry is placed by its parcel */
        locate(lg_ctx_geos(ctx), lg_layer_geom(L, i), F);
}

/* A firm and its parcel, sorted by parcel to take the parcels' firms
 * together. */
typedef struct ef_pf {
    long parcel;
    size_t firm;
} ef_pf;

static int cmp_pf(const void *a, const void *b)
{
    const ef_pf *x = a, *y = b;
    if (x->parcel != y->parcel)
        return x->parcel < y->parcel ? -1 : 1;
    return (x->firm > y->firm) - (x->firm < y->firm);
}

/* The k firms of one parcel of area_mu: certificate sums, the GIS share
 * of each, the mismatch flag. */
static void share_parcel(lg_efficiency *e, const ef_pf *pf, size_t k, double area_mu,
                         const char *pid)
{
    double sumc = 0;
    size_t ncert = 0;
    for (size_t j = 0; j < k; j++)
        if (isfinite(e->firms[pf[j].firm].pub.cert_mu))
            sumc += e->firms[pf[j].firm].pub.cert_mu, ncert++;
    double rest = ncert < k ? (area_mu - sumc) / (double)(k - ncert) : NAN;
    double tol = e->c->tolerance;
    int all = ncert == k;
    int mismatch = ncert && isfinite(tol) &&
                   (all ? fabs(sumc - area_mu) > tol * area_mu : sumc > (1 + tol) * area_mu);
    for (size_t j = 0; j < k; j++) {
        ef_firm *F = &e->firms[pf[j].firm];
        int certified = isfinite(F->pub.cert_mu);
        F->pub.gis_mu = certified ? (all ? area_mu * F->pub.cert_mu / sumc : NAN)
                                  : (rest > 0 ? rest : NAN);
        F->pub.parcel = ef_str(e, pid);
        if (certified && mismatch) {
            F->pub.area_mismatch = 1;
            ef_flag(e, F, "area mismatch: certificates %.4g mu vs GIS %.4g mu on parcel %s "
                    "(%+.1f %%)", sumc, area_mu, pid, 100 * (sumc - area_mu) / area_mu);
        }
        if (!certified && !(rest > 0))
            ef_flag(e, F, "no land: the certificates of the other firms cover parcel %s", pid);
    }
}

/* GIS areas from the parcels: the firms taken parcel by parcel. */
static lg_status parcel_shares(lg_ctx *ctx, lg_efficiency *e)
{
    ef_pf *v = lg_malloc(ctx, (e->n ? e->n : 1) * sizeof *v);
    size_t k = 0;
    if (!v)
        return LG_ERR_NOMEM;
    for (size_t f = 0; f < e->n; f++)
        if (e->firms[f].parcel >= 0)
            v[k++] = (ef_pf){e->firms[f].parcel, f};
    qsort(v, k, sizeof *v, cmp_pf);
    int pk = field_of(e->par, ef_layer(e->c, "parcels"), "id");
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t j = 0, m; j < k; j = m) {
        size_t p = (size_t)v[j].parcel;
        for (m = j; m < k && v[m].parcel == v[j].parcel;)
            m++;
        double a = 0;
        GEOSArea_r(h, lg_layer_geom(e->par, p), &a);
        char buf[40], fid[40];
        const char *pid = field_text(e->par, p, pk, buf, sizeof buf);
        snprintf(fid, sizeof fid, "FID %lld", lg_layer_fid(e->par, p));
        share_parcel(e, v + j, m - j, a / LG_M2_PER_MU, pid ? pid : fid);
    }
    free(v);
    return LG_OK;
}

/* Own polygons: the GIS area is the firm's own. */
static void own_areas(lg_ctx *ctx, lg_efficiency *e)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t f = 0; f < e->n; f++) {
        ef_pf one = {-1, f};
        double a = 0;
        GEOSArea_r(h, lg_layer_geom(e->ent, e->firms[f].feature), &a);
        share_parcel(e, &one, 1, a / LG_M2_PER_MU, e->firms[f].pub.id);
        e->firms[f].pub.parcel = "";
    }
}

/* The land used, then each measure: NaN when its numerator is NULL or its
 * denominator NULL or not > 0 (scoring says why, for the items). */
static void land_and_measures(ef_firm *F)
{
    F->pub.land_from_cert = isfinite(F->pub.cert_mu);
    F->pub.input[LG_EFF_LAND] = F->pub.land_from_cert ? F->pub.cert_mu : F->pub.gis_mu;
    for (int m = 0; m < LG_EFF_MEASURES; m++) {
        double a = F->pub.input[lg_eff_measure_numerator(m)];
        double b = F->pub.input[lg_eff_measure_denominator(m)];
        F->pub.measure[m] = isfinite(a) && b > 0 ? a / b : NAN;
    }
}

static lg_status read_firms(lg_ctx *ctx, lg_efficiency *e)
{
    const pj_layer *pe = ef_layer(e->c, "enterprises");
    e->n = lg_layer_size(e->ent);
    e->firms = lg_calloc(ctx, e->n ? e->n : 1, sizeof *e->firms);
    if (!e->firms)
        return LG_ERR_NOMEM;
    for (size_t f = 0; f < e->n; f++) {
        e->firms[f].zone = lg_calloc(ctx, e->nlevels + 1, sizeof(size_t));
        if (!e->firms[f].zone)
            return LG_ERR_NOMEM;
        read_firm(ctx, e, pe, f, &e->firms[f]);
    }
    lg_status st = LG_OK;
    if (lg_layer_geom_kind(e->ent) == LG_GEOM_POLYGON)
        own_areas(ctx, e);
    else if (e->par && (st = join_parcels(ctx, e)) == LG_OK &&
             (field_of(e->ent, pe, "parcel") >= 0 ||
              (st = join_by_location(ctx, e)) == LG_OK))
        st = parcel_shares(ctx, e);
    /* a firm of a table (no geometry) stands where its parcel is */
    for (size_t f = 0; st == LG_OK && f < e->n; f++)
        if (!e->firms[f].has_xy && e->firms[f].parcel >= 0)
            locate(lg_ctx_geos(ctx), lg_layer_geom(e->par, (size_t)e->firms[f].parcel),
                   &e->firms[f]);
    for (size_t f = 0; st == LG_OK && f < e->n; f++)
        land_and_measures(&e->firms[f]);
    return st;
}

/* ------------------------------------------------------------------ */
/* Zones                                                               */

/* The first zone of each level (in zone order) covering each firm. */
static lg_status locate_zones(lg_ctx *ctx, lg_efficiency *e)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t li = 0; li < e->nlevels; li++) {
        const lg_zones *z = e->zones[li];
        for (size_t f = 0; f < e->n; f++)
            e->firms[f].zone[li] = NO_ZONE;
        for (size_t zi = 0; zi < lg_zones_count(z); zi++) {
            const GEOSPreparedGeometry *pz = GEOSPrepare_r(h, lg_zones_geom(z, zi));
            const double *b = lg_zones_box(z, zi);
            if (!pz)
                return lg_error(ctx, LG_ERR_GEOMETRY, "zone %s: cannot prepare it",
                                lg_zones_id(z, zi));
            for (size_t f = 0; f < e->n; f++) {
                ef_firm *F = &e->firms[f];
                if (F->zone[li] != NO_ZONE || !F->has_xy || F->x < b[0] || F->x > b[2] ||
                    F->y < b[1] || F->y > b[3])
                    continue;
                GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, F->x, F->y);
                if (pt && GEOSPreparedCovers_r(h, pz, pt) == 1)
                    F->zone[li] = zi;
                if (pt)
                    GEOSGeom_destroy_r(h, pt);
            }
            GEOSPreparedGeom_destroy_r(h, pz);
        }
    }
    return LG_OK;
}

/* Columns of the zone tables. */
enum { ZC_FIRMS, ZC_RATED, ZC_INPUTS };
#define ZC_MEASURES (ZC_INPUTS + LG_EFF_INPUTS)
#define ZC_CLASSES (ZC_MEASURES + LG_EFF_MEASURES)

static lg_status zone_columns(lg_ctx *ctx, lg_table *t, const char *const *cls, size_t ncls)
{
    int bad = lg_table_add_column(ctx, t, "firms", "count") < 0;
    bad |= lg_table_add_column(ctx, t, "rated", "count") < 0;
    for (int k = 0; k < LG_EFF_INPUTS; k++)
        bad |= lg_table_add_column(ctx, t, lg_eff_input_name(k), lg_eff_input_unit(k)) < 0;
    for (int m = 0; m < LG_EFF_MEASURES; m++)
        bad |= lg_table_add_column(ctx, t, lg_eff_measure_name(m), lg_eff_measure_unit(m)) < 0;
    for (size_t k = 0; k < ncls; k++) {
        char n[64], a[64];
        snprintf(n, sizeof n, "n:%s", cls[k]);
        snprintf(a, sizeof a, "mu:%s", cls[k]);
        bad |= lg_table_add_column(ctx, t, n, "count") < 0;
        bad |= lg_table_add_column(ctx, t, a, "mu") < 0;
    }
    bad |= lg_table_add_column(ctx, t, "rank", "") < 0;
    return bad ? lg_ctx_errno(ctx) : LG_OK;
}

/* Sums of one row: numerator and denominator sums per measure over the
 * firms having both. */
typedef struct zsum {
    double n, rated, in[LG_EFF_INPUTS], num[LG_EFF_MEASURES], den[LG_EFF_MEASURES];
    double cls_n[EF_MAX_CLASSES + 2], cls_mu[EF_MAX_CLASSES + 2];
} zsum;

static void zsum_add(zsum *s, const lg_eff_firm *f, const char *const *cls, size_t ncls)
{
    s->n++;
    s->rated += isfinite(f->score);
    for (int k = 0; k < LG_EFF_INPUTS; k++)
        if (isfinite(f->input[k]))
            s->in[k] += f->input[k];
    for (int m = 0; m < LG_EFF_MEASURES; m++) {
        double a = f->input[lg_eff_measure_numerator(m)];
        double b = f->input[lg_eff_measure_denominator(m)];
        if (isfinite(a) && b > 0)
            s->num[m] += a, s->den[m] += b;
    }
    for (size_t k = 0; k < ncls; k++) {
        if (strcmp(cls[k], f->cls) != 0)
            continue;
        s->cls_n[k]++;
        if (isfinite(f->input[LG_EFF_LAND]))
            s->cls_mu[k] += f->input[LG_EFF_LAND];
    }
}

static void zsum_put(lg_table *t, size_t row, const zsum *s, size_t ncls)
{
    lg_table_set(t, row, ZC_FIRMS, s->n);
    lg_table_set(t, row, ZC_RATED, s->rated);
    for (int k = 0; k < LG_EFF_INPUTS; k++)
        lg_table_set(t, row, ZC_INPUTS + (size_t)k, s->in[k]);
    for (int m = 0; m < LG_EFF_MEASURES; m++)
        lg_table_set(t, row, ZC_MEASURES + (size_t)m, lg_ratio(s->num[m], s->den[m]));
    for (size_t k = 0; k < ncls; k++) {
        lg_table_set(t, row, ZC_CLASSES + 2 * k, s->cls_n[k]);
        lg_table_set(t, row, ZC_CLASSES + 2 * k + 1, s->cls_mu[k]);
    }
}

/* rank: 1 + the zones with a strictly higher value (ties share). */
static void zone_ranks(lg_table *t, size_t nz, size_t col, size_t rank_col)
{
    for (size_t i = 0; i < nz; i++) {
        double v = lg_table_value(t, i, col), r = 1;
        if (!isfinite(v))
            continue;
        for (size_t j = 0; j < nz; j++)
            r += lg_table_value(t, j, col) > v;
        lg_table_set(t, i, rank_col, r);
    }
}

static lg_status level_table(lg_ctx *ctx, lg_efficiency *e, size_t li)
{
    const char *cls[EF_MAX_CLASSES * 4 + 2];
    size_t ncls = ef_class_names(e->c, cls, EF_MAX_CLASSES + 2);
    const lg_zones *z = e->zones[li];
    size_t nz = lg_zones_count(z);
    lg_table *t = e->ztab[li] = lg_table_new(ctx, e->c->p->levels[li].name);
    lg_table *tt = e->ttab[li] = lg_table_new(ctx, "total");
    zsum *s = lg_calloc(ctx, nz + 1, sizeof *s);
    lg_status st = t && tt && s ? zone_columns(ctx, t, cls, ncls) : LG_ERR_NOMEM;
    if (st == LG_OK)
        st = zone_columns(ctx, tt, cls, ncls);
    if (st == LG_OK)
        st = lg_table_set_rows(ctx, t, nz);
    if (st == LG_OK)
        st = lg_table_set_rows(ctx, tt, 1);
    for (size_t f = 0; st == LG_OK && f < e->n; f++) {
        size_t zi = e->firms[f].zone[li];
        if (zi != NO_ZONE)
            zsum_add(&s[zi], &e->firms[f].pub, cls, ncls);
        zsum_add(&s[nz], &e->firms[f].pub, cls, ncls);
    }
    for (size_t zi = 0; st == LG_OK && zi < nz; zi++) {
        st = lg_table_set_label(ctx, t, zi, lg_zones_id(z, zi), lg_zones_name(z, zi));
        lg_table_set_geom(t, zi, (GEOSGeometry *)lg_zones_geom(z, zi), 0);
        zsum_put(t, zi, &s[zi], ncls);
    }
    if (st == LG_OK && (st = lg_table_set_label(ctx, tt, 0, "total", "total")) == LG_OK)
        zsum_put(tt, 0, &s[nz], ncls);
    if (st == LG_OK)
        zone_ranks(t, nz, ZC_MEASURES + (size_t)e->c->rank_by, lg_table_columns(t) - 1);
    free(s);
    return st;
}

lg_status ef_zone_tables(lg_ctx *ctx, lg_efficiency *e)
{
    lg_status st = locate_zones(ctx, e);
    for (size_t li = 0; st == LG_OK && li < e->nlevels; li++)
        st = level_table(ctx, e, li);
    return st;
}

/* ------------------------------------------------------------------ */
/* Public                                                              */

lg_efficiency *lg_efficiency_run(lg_ctx *ctx, lg_eff_config *c, const char *const *options)
{
    (void)options;
    if (!c || c->p->nerrors)
        return lg_error(ctx, LG_ERR_ARG, "%s", c && c->p->nerrors ? c->p->errors[0] : "no config"),
               NULL;
    if (!c->checked && lg_eff_config_check(ctx, c) != LG_OK)
        return NULL;
    lg_efficiency *e = lg_calloc(ctx, 1, sizeof *e);
    if (!e)
        return NULL;
    e->c = c;
    lg_status st = open_layers(ctx, e);
    if (st == LG_OK)
        st = load_layers(ctx, e);
    if (st == LG_OK)
        st = read_firms(ctx, e);
    if (st == LG_OK)
        st = ef_score(ctx, e);
    if (st == LG_OK)
        st = ef_zone_tables(ctx, e);
    if (st != LG_OK) {
        if (st == LG_ERR_NOMEM && lg_ctx_errno(ctx) == LG_OK)
            lg_error(ctx, LG_ERR_NOMEM, "out of memory");
        return lg_efficiency_free(ctx, e);
    }
    return e;
}

lg_efficiency *lg_efficiency_free(lg_ctx *ctx, lg_efficiency *e)
{
    if (!e)
        return NULL;
    for (size_t li = 0; li < e->nlevels; li++) {
        if (e->ztab)
            lg_table_free(ctx, e->ztab[li]);
        if (e->ttab)
            lg_table_free(ctx, e->ttab[li]);
        if (e->zones)
            lg_zones_free(ctx, e->zones[li]);
        if (e->zl)
            lg_layer_close(ctx, e->zl[li]);
    }
    for (size_t f = 0; e->firms && f < e->n; f++)
        free(e->firms[f].zone);
    for (size_t i = 0; i < e->nstrs; i++)
        free(e->strs[i]);
    free(e->strs);
    free(e->firms);
    free(e->ztab);
    free(e->ttab);
    free(e->zones);
    free(e->zl);
    lg_layer_close(ctx, e->ent);
    lg_layer_close(ctx, e->par);
    lg_crs_free(e->crs);
    free(e);
    return NULL;
}

size_t lg_efficiency_firm_count(const lg_efficiency *e) { return e ? e->n : 0; }

const lg_eff_firm *lg_efficiency_firm(const lg_efficiency *e, size_t i)
{
    return e && i < e->n ? &e->firms[i].pub : NULL;
}

double lg_efficiency_points(const lg_efficiency *e, size_t i, lg_eff_measure m)
{
    return e && i < e->n && (unsigned)m < LG_EFF_MEASURES ? e->firms[i].points[m] : NAN;
}

size_t lg_efficiency_class_count(const lg_efficiency *e, const char *cls)
{
    size_t n = 0;
    for (size_t i = 0; e && cls && i < e->n; i++)
        n += !strcmp(e->firms[i].pub.cls, cls);
    return n;
}

size_t lg_efficiency_level_count(const lg_efficiency *e) { return e ? e->nlevels : 0; }

const char *lg_efficiency_level_name(const lg_efficiency *e, size_t level)
{
    return e && level < e->nlevels ? e->c->p->levels[level].name : NULL;
}

const char *lg_efficiency_firm_zone(const lg_efficiency *e, size_t i, size_t level)
{
    if (!e || i >= e->n || level >= e->nlevels || e->firms[i].zone[level] == NO_ZONE)
        return NULL;
    return lg_zones_id(e->zones[level], e->firms[i].zone[level]);
}

const lg_table *lg_efficiency_zones(const lg_efficiency *e, size_t level)
{
    return e && level < e->nlevels ? e->ztab[level] : NULL;
}

const lg_table *lg_efficiency_total(const lg_efficiency *e, size_t level)
{
    return e && level < e->nlevels ? e->ttab[level] : NULL;
}

const char *lg_efficiency_crs(const lg_efficiency *e)
{
    return e && e->crs ? (lg_crs_id(e->crs) ? lg_crs_id(e->crs) : lg_crs_name(e->crs)) : "";
}
