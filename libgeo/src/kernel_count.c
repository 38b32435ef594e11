/* count: points (or polygon centroids) per zone.  Facilities per km²,
 * facilities per 1,000 people (千人指标), capacity sums (beds, seats),
 * zones without any facility. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure_internal.h"

/* features located per job of the location pass */
#define COUNT_CHUNK 1024

typedef struct count_job {
    const lg_zones *zones;
    const lg_layer *points;
    double *xy;         /* per feature: the location (point, or centroid) */
    double *boxes;      /* per feature: the location as a box */
    lg_index *idx;      /* over boxes */
    lg_ivec *covered;   /* per zone: features whose location the zone covers */
} count_job;

/* ---- pass 1: each feature's location (its point, else its centroid) ---- */

static lg_status locate_chunk(lg_worker *w, size_t c, void *user)
{
    count_job *j = user;
    GEOSContextHandle_t h = w->geos;
    size_t n = lg_layer_size(j->points), end = (c + 1) * COUNT_CHUNK;
    if (end > n)
        end = n;
    for (size_t f = c * COUNT_CHUNK; f < end; f++) {
        const GEOSGeometry *g = lg_layer_geom(j->points, f);
        double x = NAN, y = NAN;
        int ok;
        if (GEOSGeomTypeId_r(h, g) == GEOS_POINT) {
            ok = GEOSGeomGetX_r(h, g, &x) && GEOSGeomGetY_r(h, g, &y);
        } else {
            GEOSGeometry *cen = GEOSGetCentroid_r(h, g);
            ok = cen && GEOSisEmpty_r(h, cen) == 0 && GEOSGeomGetX_r(h, cen, &x) &&
                 GEOSGeomGetY_r(h, cen, &y);
            if (cen)
                GEOSGeom_destroy_r(h, cen);
        }
        if (!ok || !isfinite(x) || !isfinite(y))
            return lg_worker_fail(w, LG_ERR_GEOMETRY, "feature FID %lld of %s: no location: %s",
                                  lg_layer_fid(j->points, f), lg_layer_source(j->points),
                                  w->err[0] ? w->err : "GEOS failed");
        j->xy[2 * f] = x;
        j->xy[2 * f + 1] = y;
        double *b = j->boxes + 4 * f;
        b[0] = b[2] = x;
        b[1] = b[3] = y;
    }
    return LG_OK;
}

/* ---- pass 2, per zone: the features whose location the zone covers ---- */

static lg_status count_zone(lg_worker *w, size_t zi, void *user)
{
    count_job *j = user;
    GEOSContextHandle_t h = w->geos;
    lg_ivec cand = {0};
    /* reserve first: lg_index_query hands qsort a NULL array when nothing
     * was ever pushed (undefined behaviour UBSan stops on) */
    if (!lg_ivec_push(&cand, 0) || !lg_index_query(j->idx, lg_zones_box(j->zones, zi), &cand)) {
        lg_ivec_free(&cand);
        return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    }
    lg_status st = LG_OK;
    const GEOSGeometry *zone = lg_zones_geom(j->zones, zi);
    const GEOSPreparedGeometry *prep = cand.n ? GEOSPrepare_r(h, zone) : NULL;
    if (cand.n && !prep)
        st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: cannot prepare it: %s",
                            lg_zones_id(j->zones, zi), w->err);
    for (size_t k = 0; k < cand.n && st == LG_OK; k++) {
        size_t f = cand.v[k];
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, j->xy[2 * f], j->xy[2 * f + 1]);
        char covers = pt ? GEOSPreparedCovers_r(h, prep, pt) : 2;
        if (pt)
            GEOSGeom_destroy_r(h, pt);
        if (covers == 2)
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: feature FID %lld of %s: %s",
                                lg_zones_id(j->zones, zi), lg_layer_fid(j->points, f),
                                lg_layer_source(j->points), w->err[0] ? w->err : "GEOS failed");
        else if (covers == 1 && !lg_ivec_push(&j->covered[zi], f))
            st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    }
    if (prep)
        GEOSPreparedGeom_destroy_r(h, prep);
    lg_ivec_free(&cand);
    return st;
}

/* A finite number making up the whole text. */
static int parse_number(const char *s, double *out)
{
    char *end = NULL;
    if (!s || !*s)
        return 0;
    double v = strtod(s, &end);
    if (!end || *end || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static void count_release(count_job *j, size_t nz, size_t *owner, unsigned char *several,
                          double *cnt, double *wsum, double *pop)
{
    free(several);
    for (size_t i = 0; j->covered && i < nz; i++)
        lg_ivec_free(&j->covered[i]);
    free(j->covered);
    free(j->xy);
    free(j->boxes);
    lg_index_free(j->idx);
    free(owner);
    free(cnt);
    free(wsum);
    free(pop);
}

lg_result *lg_count(lg_ctx *ctx, const lg_zones *zones, const lg_layer *points,
                    const char *const *options)
{
    static const char *const known[] = {"WEIGHT_FIELD", "POPULATION_FIELD", "PER", "MIN_COUNT",
                                        NULL};
    const char *kernel = "count";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK)
        return NULL;
    if (!lg_same_crs(ctx, kernel, zones, points))
        return NULL;
    lg_geom_kind kind = lg_layer_geom_kind(points);
    if (kind != LG_GEOM_POINT && kind != LG_GEOM_POLYGON && lg_layer_size(points) > 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: %s holds %s, not points or polygons", kernel,
                 lg_layer_source(points), lg_geom_kind_name(kind));
        return NULL;
    }
    double per = 1000, min_count = 1;
    const char *per_s = lg_opt(options, "PER"), *min_s = lg_opt(options, "MIN_COUNT");
    if (per_s && (!parse_number(per_s, &per) || per <= 0)) {
        lg_error(ctx, LG_ERR_ARG, "%s: PER=%s: need a positive number (people)", kernel, per_s);
        return NULL;
    }
    if (min_s && (!parse_number(min_s, &min_count) || min_count < 0)) {
        lg_error(ctx, LG_ERR_ARG, "%s: MIN_COUNT=%s: need a number >= 0", kernel, min_s);
        return NULL;
    }
    const char *wname = lg_opt(options, "WEIGHT_FIELD");
    const char *pname = lg_opt(options, "POPULATION_FIELD");
    const lg_layer *zl = lg_zones_layer(zones);
    int wf = wname ? lg_numeric_field(ctx, kernel, "WEIGHT_FIELD", points, wname) : -1;
    int pf = pname ? lg_numeric_field(ctx, kernel, "POPULATION_FIELD", zl, pname) : -1;
    if ((wname && wf < 0) || (pname && pf < 0))
        return NULL;

    size_t n = lg_layer_size(points), nz = lg_zones_count(zones);
    count_job j = {.zones = zones, .points = points};
    size_t *owner = NULL;
    unsigned char *several = NULL;
    double *cnt = NULL, *wsum = NULL, *pop = NULL;
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL;
    j.xy = lg_malloc(ctx, (n ? n : 1) * 2 * sizeof(double));
    j.boxes = lg_malloc(ctx, (n ? n : 1) * 4 * sizeof(double));
    j.covered = lg_calloc(ctx, nz ? nz : 1, sizeof *j.covered);
    owner = lg_malloc(ctx, (n ? n : 1) * sizeof *owner);
    several = lg_calloc(ctx, n ? n : 1, 1);
    cnt = lg_calloc(ctx, nz ? nz : 1, sizeof *cnt);
    wsum = lg_calloc(ctx, nz ? nz : 1, sizeof *wsum);
    pop = lg_calloc(ctx, nz ? nz : 1, sizeof *pop);
    if (!j.xy || !j.boxes || !j.covered || !owner || !several || !cnt || !wsum || !pop)
        goto fail;
    if (lg_parallel_for(ctx, (n + COUNT_CHUNK - 1) / COUNT_CHUNK, locate_chunk, &j,
                        "count: locating features") != LG_OK)
        goto fail;
    if (!(j.idx = lg_index_build(ctx, j.boxes, n)))
        goto fail;
    if (lg_parallel_for_zones(ctx, zones, count_zone, &j, kernel) != LG_OK)
        goto fail;

    /* each feature counts in the first zone (in zone order) covering it */
    size_t in_none = 0, in_several = 0, null_weights = 0;
    for (size_t f = 0; f < n; f++)
        owner[f] = SIZE_MAX;
    for (size_t zi = 0; zi < nz; zi++)
        for (size_t k = 0; k < j.covered[zi].n; k++) {
            size_t f = j.covered[zi].v[k];
            if (owner[f] != SIZE_MAX) {
                if (!several[f])
                    in_several++, several[f] = 1;
                continue;
            }
            owner[f] = zi;
            cnt[zi] += 1;
            double v;
            if (wf >= 0) {
                if (lg_layer_number(points, f, (size_t)wf, &v))
                    wsum[zi] += v;
                else
                    null_weights++;
            }
        }
    for (size_t f = 0; f < n; f++)
        in_none += owner[f] == SIZE_MAX;

    size_t no_pop = 0;
    for (size_t zi = 0; zi < nz && pf >= 0; zi++)
        if (!lg_layer_number(zl, zi, (size_t)pf, &pop[zi]) || !(pop[zi] >= 0)) {
            pop[zi] = NAN;
            no_pop++;
        }

    const char *cols[] = {"value",    "numerator",  "denominator", "per_km2",
                          "weighted", "per_people", "meets_min",   "weighted_per_people"};
    char per_unit[64], wper_unit[300];
    snprintf(per_unit, sizeof per_unit, "count/%.15g people", per);
    snprintf(wper_unit, sizeof wper_unit, "%s/%.15g people", wname ? wname : "weight", per);
    const char *units[] = {"count", "count", "km2", "count/km2", wname ? wname : "", per_unit,
                           "1/0", wper_unit};
    if (!(r = lg_result_start(ctx, kernel, "count", zones)) ||
        lg_make_zone_tables(ctx, zones, cols, units, 8, &zt, &tt) != LG_OK)
        goto fail;
    double tc = 0, ta = 0, tw = 0, tp = 0;
    int all_meet = 1;
    for (size_t i = 0; i <= nz; i++) {
        lg_table *t = i < nz ? zt : tt;
        size_t row = i < nz ? i : 0;
        double c = i < nz ? cnt[i] : tc, km2 = (i < nz ? lg_zones_area(zones, i) : ta) / 1e6;
        double w = i < nz ? wsum[i] : tw, p = i < nz ? pop[i] : (no_pop ? NAN : tp);
        int meets = i < nz ? c >= min_count : all_meet;
        lg_table_set(t, row, 0, c);
        lg_table_set(t, row, 1, c);
        lg_table_set(t, row, 2, km2);
        lg_table_set(t, row, 3, lg_ratio(c, km2));
        lg_table_set(t, row, 4, wf >= 0 ? w : NAN);
        lg_table_set(t, row, 5, pf >= 0 ? lg_ratio(c, p) * per : NAN);
        lg_table_set(t, row, 6, meets);
        lg_table_set(t, row, 7, wf >= 0 && pf >= 0 ? lg_ratio(w, p) * per : NAN);
        if (i < nz) {
            tc += c, ta += lg_zones_area(zones, i), tw += w;
            if (pf >= 0 && !isnan(p))
                tp += p;
            all_meet = all_meet && meets;
        }
    }
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    if (lg_result_add_param(ctx, r, "points", lg_layer_source(points)) ||
        lg_result_add_param(ctx, r, "location",
                            kind == LG_GEOM_POLYGON ? "centroid"
                                                    : "point (centroid of a multi-point)") ||
        lg_result_add_param(ctx, r, "boundary", "first zone in zone order that covers the point") ||
        lg_result_add_param(ctx, r, "weight_field", wname ? wname : "") ||
        lg_result_add_param(ctx, r, "population_field", pname ? pname : "") ||
        lg_result_add_paramf(ctx, r, "per", "%.15g", per) ||
        lg_result_add_paramf(ctx, r, "min_count", "%.15g", min_count) ||
        lg_result_add_paramf(ctx, r, "points_in_no_zone", "%zu", in_none) ||
        lg_result_add_paramf(ctx, r, "points_in_several_zones", "%zu", in_several))
        goto fail;
    if (null_weights)
        lg_result_warn(ctx, r, "%zu counted feature(s) of %s have a NULL %s: weighted as 0",
                       null_weights, lg_layer_source(points), wname);
    if (no_pop)
        lg_result_warn(ctx, r,
                       "%zu zone(s) have no population (NULL or negative %s): their per_people "
                       "and the total's are NaN",
                       no_pop, pname);
    count_release(&j, nz, owner, several, cnt, wsum, pop);
    return r;
fail:
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    count_release(&j, nz, owner, several, cnt, wsum, pop);
    return lg_result_free(ctx, r);
}
