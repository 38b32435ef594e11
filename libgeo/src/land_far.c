/* 容积率 (FAR) and 建筑系数 per parcel from building footprints and floors,
 * per zone area-weighted and as a plain mean, against a minimum FAR. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "land_internal.h"

/* ------------------------------------------------------------------ */
/* joining buildings to parcels                                        */

/* The parcel of each building by id: *of[b] = parcel or (size_t)-1. */
static lg_status join_by_id(lg_ctx *ctx, const lg_layer *P, int pf, const lg_layer *B, int bf,
                            size_t *of)
{
    size_t np = lg_layer_size(P), nb = lg_layer_size(B), k = 0;
    lg_key_ix *keys = lg_calloc(ctx, np ? np : 1, sizeof *keys);
    char (*bufs)[64] = lg_calloc(ctx, np ? np : 1, sizeof *bufs);
    if (!keys || !bufs) {
        free(keys);
        free(bufs);
        return LG_ERR_NOMEM;
    }
    for (size_t i = 0; i < np; i++) {
        const char *c = land_code(P, i, pf, bufs[i], sizeof bufs[i]);
        if (c)
            keys[k].key = c, keys[k++].i = i;
    }
    lg_key_ix_sort(keys, k);
    char buf[64];
    for (size_t b = 0; b < nb; b++) {
        const char *q = land_code(B, b, bf, buf, sizeof buf);
        /* the first parcel (in layer order) with the key */
        of[b] = q ? lg_key_ix_find(keys, k, q) : (size_t)-1;
    }
    free(keys);
    free(bufs);
    return LG_OK;
}

/* The parcel of each building by centroid: the first parcel (in layer
 * order) covering it. */
static lg_status join_by_centroid(lg_ctx *ctx, const lg_layer *P, const lg_layer *B, size_t *of)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    size_t nb = lg_layer_size(B);
    const lg_index *idx = lg_layer_size(P) ? lg_layer_index(ctx, P) : NULL;
    if (lg_layer_size(P) && !idx)
        return LG_ERR_NOMEM;
    lg_ivec cand = {0};
    lg_status st = LG_OK;
    for (size_t b = 0; b < nb && st == LG_OK; b++) {
        of[b] = (size_t)-1;
        GEOSGeometry *c = GEOSGetCentroid_r(h, lg_layer_geom(B, b));
        double q[4];
        if (!c || !GEOSGeom_getExtent_r(h, c, &q[0], &q[1], &q[2], &q[3])) {
            st = lg_error(ctx, LG_ERR_GEOMETRY, "no centroid for building FID %lld of %s",
                          lg_layer_fid(B, b), lg_layer_source(B));
        } else if (idx && !lg_index_query(idx, q, &cand)) {
            st = lg_error(ctx, LG_ERR_NOMEM, "out of memory");
        } else {
            for (size_t k = 0; idx && k < cand.n && of[b] == (size_t)-1; k++)
                if (GEOSCovers_r(h, lg_layer_geom(P, cand.v[k]), c) == 1)
                    of[b] = cand.v[k];
        }
        if (c)
            GEOSGeom_destroy_r(h, c);
    }
    lg_ivec_free(&cand);
    return st;
}

/* The join: by BUILDING_PARCEL_FIELD (default parcel_id when present) and
 * PARCEL_ID_FIELD (default id), else by centroid. */
static lg_status join(lg_ctx *ctx, const char *kernel, const lg_layer *P, const lg_layer *B,
                      const char *const *options, size_t *of, land_far *out)
{
    const char *bname = lg_opt(options, "BUILDING_PARCEL_FIELD");
    const char *pname = lg_opt(options, "PARCEL_ID_FIELD");
    if (!pname)
        pname = "id";
    int by_id = bname ? lg_strcasecmp(bname, "none") != 0
                      : lg_layer_field_index(B, "parcel_id") >= 0;
    if (!by_id) {
        snprintf(out->join, sizeof out->join,
                 "by centroid: the first parcel covering the building's centroid");
        return join_by_centroid(ctx, P, B, of);
    }
    if (!bname)
        bname = "parcel_id";
    int bf = lg_layer_field_index(B, bname), pf = lg_layer_field_index(P, pname);
    if (bf < 0)
        return lg_error(ctx, LG_ERR_ARG, "%s: BUILDING_PARCEL_FIELD=%s: %s has no such field",
                        kernel, bname, lg_layer_source(B));
    if (pf < 0)
        return lg_error(ctx, LG_ERR_ARG, "%s: PARCEL_ID_FIELD=%s: %s has no such field (the "
                        "parcel id the buildings' %s refers to)", kernel, pname,
                        lg_layer_source(P), bname);
    snprintf(out->join, sizeof out->join, "by id: buildings.%s = parcels.%s", bname, pname);
    return join_by_id(ctx, P, pf, B, bf, of);
}

lg_status land_far_compute(lg_ctx *ctx, const char *kernel, const lg_layer *P,
                           const lg_layer *B, const char *const *options, land_far *out)
{
    memset(out, 0, sizeof *out);
    size_t np = lg_layer_size(P), nb = lg_layer_size(B);
    const char *fa = lg_opt(options, "FLOOR_AREA_FIELD"), *fl = lg_opt(options, "FLOORS_FIELD");
    if (!fl && !fa)
        fl = "floors";
    int faf = fa ? lg_numeric_field(ctx, kernel, "FLOOR_AREA_FIELD", B, fa) : -1;
    int flf = fl ? lg_numeric_field(ctx, kernel, "FLOORS_FIELD", B, fl) : -1;
    if ((fa && faf < 0) || (fl && flf < 0))
        return LG_ERR_ARG;
    snprintf(out->floor_def, sizeof out->floor_def, "%s%s%s%s", fa ? "field " : "",
             fa ? fa : "", fa && fl ? ", else " : "",
             fl ? "footprint (geometry area) x " : "");
    if (fl)
        strncat(out->floor_def, fl, sizeof out->floor_def - strlen(out->floor_def) - 1);
    out->floor = lg_calloc(ctx, np ? np : 1, sizeof *out->floor);
    out->foot = lg_calloc(ctx, np ? np : 1, sizeof *out->foot);
    out->nb = lg_calloc(ctx, np ? np : 1, sizeof *out->nb);
    size_t *of = lg_calloc(ctx, nb ? nb : 1, sizeof *of);
    lg_status st = out->floor && out->foot && out->nb && of ? LG_OK : LG_ERR_NOMEM;
    if (st == LG_OK)
        st = join(ctx, kernel, P, B, options, of, out);
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t b = 0; b < nb && st == LG_OK; b++) {
        double foot, v, floor_m2;
        if (of[b] == (size_t)-1) {
            out->unjoined++;
            continue;
        }
        if (!GEOSArea_r(h, lg_layer_geom(B, b), &foot)) {
            st = lg_error(ctx, LG_ERR_GEOMETRY, "%s: area of building FID %lld failed", kernel,
                          lg_layer_fid(B, b));
            break;
        }
        if (faf >= 0 && lg_layer_number(B, b, (size_t)faf, &v))
            floor_m2 = v;
        else if (flf >= 0 && lg_layer_number(B, b, (size_t)flf, &v))
            floor_m2 = foot * v;
        else {
            out->no_floors++;
            continue;
        }
        out->floor[of[b]] += floor_m2;
        out->foot[of[b]] += foot;
        out->nb[of[b]] += 1;
    }
    free(of);
    if (st != LG_OK)
        land_far_free(out);
    return st;
}

void land_far_free(land_far *f)
{
    free(f->floor);
    free(f->foot);
    free(f->nb);
    f->floor = f->foot = f->nb = NULL;
}

/* ------------------------------------------------------------------ */
/* lg_parcel_far                                                       */

enum { FZ_FAR, FZ_FLOOR, FZ_LAND, FZ_MEAN, FZ_COV, FZ_PARCELS, FZ_BELOW, FZ_BELOW_M2, FZ_N };
enum { FD_LAND, FD_FLOOR, FD_FOOT, FD_FAR, FD_COV, FD_NB, FD_MIN, FD_BELOW, FD_ZONE, FD_N };

/* Per zone sums: Σ floor·share, Σ land·share, Σ far, pieces, Σ foot·share,
 * below count, below land. */
typedef struct far_sum {
    double floor, land, far_sum, n, foot, below, below_m2;
} far_sum;

static void set_zone_row(lg_table *t, size_t row, const far_sum *s)
{
    lg_table_set(t, row, FZ_FAR, lg_ratio(s->floor, s->land));
    lg_table_set(t, row, FZ_FLOOR, s->floor);
    lg_table_set(t, row, FZ_LAND, s->land);
    lg_table_set(t, row, FZ_MEAN, lg_ratio(s->far_sum, s->n));
    lg_table_set(t, row, FZ_COV, s->land > 0 ? 100 * s->foot / s->land : NAN);
    lg_table_set(t, row, FZ_PARCELS, s->n);
    lg_table_set(t, row, FZ_BELOW, s->below);
    lg_table_set(t, row, FZ_BELOW_M2, s->below_m2);
}

lg_status land_far_report(lg_ctx *ctx, lg_result *r, const lg_layer *B, const land_far *f)
{
    if (lg_result_add_param(ctx, r, "buildings", lg_layer_source(B)) ||
        lg_result_add_param(ctx, r, "join", f->join) ||
        lg_result_add_param(ctx, r, "floor_area", f->floor_def))
        return LG_ERR_NOMEM;
    if (f->unjoined)
        lg_result_warn(ctx, r, "%zu building(s) of %s belong to no parcel (%s): left out",
                       f->unjoined, lg_layer_source(B), f->join);
    if (f->no_floors)
        lg_result_warn(ctx, r, "%zu building(s) of %s have no floor area (NULL floors): left "
                       "out", f->no_floors, lg_layer_source(B));
    return LG_OK;
}

static lg_status far_params(lg_ctx *ctx, lg_result *r, const lg_layer *P, const lg_layer *B,
                            const land_far *f, const land_minfar *m, const char *industry)
{
    if (lg_result_add_param(ctx, r, "parcels", lg_layer_source(P)) ||
        land_far_report(ctx, r, B, f) != LG_OK ||
        lg_result_add_param(ctx, r, "far", "floor area / parcel geometry area") ||
        lg_result_add_param(ctx, r, "coverage", "建筑系数 = footprint / parcel area x 100") ||
        lg_result_add_param(ctx, r, "min_far", m->mode ? m->desc : "none") ||
        lg_result_add_param(ctx, r, "industry_field", industry ? industry : "") ||
        lg_result_add_param(ctx, r, "split",
                            "by area share (whole parcel when the zone covers it)"))
        return LG_ERR_NOMEM;
    return LG_OK;
}

lg_result *lg_parcel_far(lg_ctx *ctx, const lg_zones *zones, const lg_layer *parcels,
                         const lg_layer *buildings, const char *const *options)
{
    static const char *const known[] = {"BUILDING_PARCEL_FIELD", "PARCEL_ID_FIELD",
                                        "FLOORS_FIELD", "FLOOR_AREA_FIELD", "MIN_FAR",
                                        "INDUSTRY_FIELD", NULL};
    const char *kernel = "far";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK ||
        !lg_same_crs(ctx, kernel, zones, parcels) || !lg_same_crs(ctx, kernel, zones, buildings))
        return NULL;
    const char *ind = lg_opt(options, "INDUSTRY_FIELD");
    int indf = ind ? lg_layer_field_index(parcels, ind) : -1;
    if (ind && indf < 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: INDUSTRY_FIELD=%s: %s has no such field", kernel, ind,
                 lg_layer_source(parcels));
        return NULL;
    }
    land_minfar m;
    if (land_minfar_load(ctx, kernel, lg_opt(options, "MIN_FAR"), ind != NULL, &m) != LG_OK)
        return NULL;
    land_far f = {0};
    land_shares s = {0};
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL, *dt = NULL;
    far_sum *zs = NULL;
    size_t np = lg_layer_size(parcels), nz = lg_zones_count(zones);
    if (land_far_compute(ctx, kernel, parcels, buildings, options, &f) != LG_OK ||
        land_shares_compute(ctx, zones, parcels, &s) != LG_OK)
        goto fail;
    static const char *const zc[FZ_N] = {"value", "numerator", "denominator", "far_mean",
                                         "coverage_pct", "parcels", "below_min", "below_min_m2"};
    static const char *const zu[FZ_N] = {"", "m2", "m2", "", "%", "count", "count", "m2"};
    static const char *const dc[FD_N] = {"land_m2", "floor_m2", "footprint_m2", "far",
                                         "coverage_pct", "buildings", "min_far", "below_min",
                                         "zone_row"};
    static const char *const du[FD_N] = {"m2", "m2", "m2", "", "%", "count", "", "1/0", ""};
    if (!(r = lg_result_start(ctx, kernel, "", zones)) ||
        lg_make_zone_tables(ctx, zones, zc, zu, FZ_N, &zt, &tt) != LG_OK ||
        !(dt = land_detail_table(ctx, "parcels", parcels, dc, du, FD_N)) ||
        !(zs = lg_calloc(ctx, nz + 1, sizeof *zs)))
        goto fail;
    char buf[64];
    for (size_t i = 0; i < np; i++) {
        double land = s.area[i], far = lg_ratio(f.floor[i], land);
        double min = land_minfar_of(&m, land_code(parcels, i, indf, buf, sizeof buf));
        double vals[FD_N] = {land, f.floor[i], f.foot[i], far,
                             land > 0 ? 100 * f.foot[i] / land : NAN, f.nb[i], min,
                             isnan(min) || isnan(far) ? NAN : far < min, land_zone_row(&s, i)};
        for (size_t c = 0; c < FD_N; c++)
            lg_table_set(dt, i, c, vals[c]);
    }
    for (size_t z = 0; z < nz; z++)
        for (size_t k = 0; k < s.n[z]; k++) {
            const land_piece *p = &s.p[z][k];
            far_sum *a = &zs[z];
            a->floor += f.floor[p->f] * p->share;
            a->land += p->m2;
            a->foot += f.foot[p->f] * p->share;
            a->far_sum += lg_table_value(dt, p->f, FD_FAR);
            a->n += 1;
            int below = lg_table_value(dt, p->f, FD_BELOW) == 1;
            a->below += below;
            a->below_m2 += below ? p->m2 : 0;
        }
    for (size_t z = 0; z < nz; z++) {
        set_zone_row(zt, z, &zs[z]);
        far_sum *t = &zs[nz], *a = &zs[z];
        t->floor += a->floor, t->land += a->land, t->foot += a->foot;
        t->far_sum += a->far_sum, t->n += a->n, t->below += a->below;
        t->below_m2 += a->below_m2;
    }
    set_zone_row(tt, 0, &zs[nz]);
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    lg_status st = lg_result_add_detail(ctx, r, dt);
    dt = NULL;
    if (st != LG_OK || far_params(ctx, r, parcels, buildings, &f, &m, ind) != LG_OK)
        goto fail;
    goto done;
fail:
    r = lg_result_free(ctx, r);
done:
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    lg_table_free(ctx, dt);
    free(zs);
    land_far_free(&f);
    land_shares_free(&s);
    land_minfar_free(&m);
    return r;
}
