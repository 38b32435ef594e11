/* per-area: parcel attributes per 亩 of land, parcels split across zone
 * boundaries by area share.  亩均税收, 亩均产值 / 亩均增加值, and the
 * floor-area ratio 容积率 of the same parcels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure_internal.h"

/* AREA_FIELD and geometry area differing by more than this share are
 * reported (a wrong AREA_UNIT, a stale certificate area). */
#define LAND_MISMATCH 0.10

typedef struct per_area_job {
    const lg_zones *zones;
    const lg_layer *parcels;
    const lg_index *pidx;
    const double *value;  /* per parcel; NaN = NULL (left out) */
    const double *garea;  /* per parcel: geometry area, m² */
    const double *land;   /* per parcel: land area, m² (AREA_FIELD, else geometry) */
    const unsigned char *land_is_geom; /* per parcel: land taken from the geometry */
    const double *floor;  /* per parcel floor area m², NaN = NULL; NULL: no FLOOR_FIELD */
    double *num;          /* per zone: Σ value · share */
    double *land_m2;      /* per zone: Σ land · share (parcels with a value) */
    double *far_num;      /* per zone: Σ floor · share */
    double *far_den;      /* per zone: Σ land · share (parcels with a floor area) */
    double *far_sum;      /* per zone: Σ floor / land over parcels meeting the zone */
    double *far_n;        /* per zone: number of those parcels */
} per_area_job;

typedef struct per_area_acc {
    per_area_job *job;
    size_t zone;
} per_area_acc;

static lg_status add_parcel(lg_worker *w, size_t f, const GEOSGeometry *piece, int whole,
                            void *user)
{
    per_area_acc *a = user;
    per_area_job *j = a->job;
    size_t z = a->zone;
    double ap = j->garea[f];
    if (!(ap > 0))
        return LG_OK; /* no area: no share (reported by the caller) */
    double in_m2 = ap;
    if (!whole) {
        if (!GEOSArea_r(w->geos, piece, &in_m2))
            return lg_worker_fail(w, LG_ERR_GEOMETRY, "area of FID %lld failed",
                                  lg_layer_fid(j->parcels, f));
        if (!(in_m2 > 0))
            return LG_OK; /* touches the zone only */
    }
    /* share = in_m2 / ap; land · share, exactly the piece's area when the
     * land is the geometry's */
    double land = whole ? j->land[f] : j->land_is_geom[f] ? in_m2 : j->land[f] * in_m2 / ap;
    double v = j->value[f];
    if (!isnan(v)) {
        j->num[z] += whole ? v : v * in_m2 / ap;
        j->land_m2[z] += land;
    }
    if (j->floor && !isnan(j->floor[f])) {
        double fl = j->floor[f];
        j->far_num[z] += whole ? fl : fl * in_m2 / ap;
        j->far_den[z] += land;
        j->far_sum[z] += fl / j->land[f];
        j->far_n[z] += 1;
    }
    return LG_OK;
}

static lg_status per_area_zone(lg_worker *w, size_t zi, void *user)
{
    per_area_job *j = user;
    per_area_acc acc = {j, zi};
    return lg_clip_layer_to_zone(w, j->zones, zi, j->parcels, j->pidx, add_parcel, &acc);
}

typedef struct per_area_arrays {
    double *value, *garea, *land, *floor;
    unsigned char *land_is_geom;
} per_area_arrays;

static void per_area_release(per_area_job *j, per_area_arrays *p)
{
    free(p->value);
    free(p->garea);
    free(p->land);
    free(p->floor);
    free(p->land_is_geom);
    free(j->num);
    free(j->land_m2);
    free(j->far_num);
    free(j->far_den);
    free(j->far_sum);
    free(j->far_n);
}

lg_result *lg_per_area(lg_ctx *ctx, const lg_zones *zones, const lg_layer *parcels,
                       const char *const *options)
{
    static const char *const known[] = {"VALUE_FIELD", "AREA_FIELD", "AREA_UNIT", "FLOOR_FIELD",
                                        NULL};
    const char *kernel = "per-area";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK)
        return NULL;
    if (!lg_same_crs(ctx, kernel, zones, parcels))
        return NULL;
    if (lg_layer_geom_kind(parcels) != LG_GEOM_POLYGON && lg_layer_size(parcels) > 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: the parcels %s hold %s, not polygons", kernel,
                 lg_layer_source(parcels), lg_geom_kind_name(lg_layer_geom_kind(parcels)));
        return NULL;
    }
    const char *vname = lg_opt(options, "VALUE_FIELD"), *aname = lg_opt(options, "AREA_FIELD"),
               *unit = lg_opt(options, "AREA_UNIT"), *fname = lg_opt(options, "FLOOR_FIELD");
    if (!vname || !*vname) {
        lg_error(ctx, LG_ERR_ARG, "%s needs VALUE_FIELD= (the parcel value summed per 亩, e.g. "
                 "tax in 万元)", kernel);
        return NULL;
    }
    double unit_m2 = 1;
    if (unit && !aname) {
        lg_error(ctx, LG_ERR_ARG, "%s: AREA_UNIT=%s without AREA_FIELD=", kernel, unit);
        return NULL;
    }
    if (unit && !lg_strcasecmp(unit, "mu"))
        unit_m2 = LG_M2_PER_MU;
    else if (unit && !lg_strcasecmp(unit, "ha"))
        unit_m2 = 10000;
    else if (unit && lg_strcasecmp(unit, "m2")) {
        lg_error(ctx, LG_ERR_ARG, "%s: AREA_UNIT=%s: use m2, mu or ha", kernel, unit);
        return NULL;
    }
    int vf = lg_numeric_field(ctx, kernel, "VALUE_FIELD", parcels, vname);
    int af = aname ? lg_numeric_field(ctx, kernel, "AREA_FIELD", parcels, aname) : -1;
    int ff = fname ? lg_numeric_field(ctx, kernel, "FLOOR_FIELD", parcels, fname) : -1;
    if (vf < 0 || (aname && af < 0) || (fname && ff < 0))
        return NULL;

    size_t n = lg_layer_size(parcels), nz = lg_zones_count(zones), m = nz ? nz : 1;
    per_area_job j = {.zones = zones, .parcels = parcels};
    per_area_arrays p = {0};
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL;
    p.value = lg_malloc(ctx, (n ? n : 1) * sizeof(double));
    p.garea = lg_malloc(ctx, (n ? n : 1) * sizeof(double));
    p.land = lg_malloc(ctx, (n ? n : 1) * sizeof(double));
    p.land_is_geom = lg_malloc(ctx, n ? n : 1);
    p.floor = ff >= 0 ? lg_malloc(ctx, (n ? n : 1) * sizeof(double)) : NULL;
    j.num = lg_calloc(ctx, m, sizeof(double));
    j.land_m2 = lg_calloc(ctx, m, sizeof(double));
    j.far_num = lg_calloc(ctx, m, sizeof(double));
    j.far_den = lg_calloc(ctx, m, sizeof(double));
    j.far_sum = lg_calloc(ctx, m, sizeof(double));
    j.far_n = lg_calloc(ctx, m, sizeof(double));
    if (!p.value || !p.garea || !p.land || !p.land_is_geom || (ff >= 0 && !p.floor) || !j.num ||
        !j.land_m2 || !j.far_num || !j.far_den || !j.far_sum || !j.far_n)
        goto fail;

    /* per parcel, in the main thread: value, geometry area, land, floor */
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    size_t null_value = 0, null_land = 0, mismatch = 0, no_area = 0, null_floor = 0;
    for (size_t i = 0; i < n; i++) {
        double v;
        if (!GEOSArea_r(h, lg_layer_geom(parcels, i), &p.garea[i])) {
            lg_error(ctx, LG_ERR_GEOMETRY, "%s: area of FID %lld of %s failed", kernel,
                     lg_layer_fid(parcels, i), lg_layer_source(parcels));
            goto fail;
        }
        no_area += !(p.garea[i] > 0);
        p.value[i] = lg_layer_number(parcels, i, (size_t)vf, &v) ? v : NAN;
        null_value += isnan(p.value[i]);
        p.land[i] = p.garea[i];
        p.land_is_geom[i] = 1;
        if (af >= 0) {
            if (lg_layer_number(parcels, i, (size_t)af, &v) && v > 0) {
                p.land[i] = v * unit_m2;
                p.land_is_geom[i] = 0;
                mismatch += fabs(p.land[i] - p.garea[i]) > LAND_MISMATCH * p.garea[i];
            } else {
                null_land++;
            }
        }
        if (ff >= 0) {
            p.floor[i] = lg_layer_number(parcels, i, (size_t)ff, &v) ? v : NAN;
            null_floor += isnan(p.floor[i]);
        }
    }
    j.value = p.value;
    j.garea = p.garea;
    j.land = p.land;
    j.land_is_geom = p.land_is_geom;
    j.floor = p.floor;
    j.pidx = lg_layer_index(ctx, parcels);
    if (!j.pidx && n)
        goto fail;
    if (lg_parallel_for_zones(ctx, zones, per_area_zone, &j, kernel) != LG_OK)
        goto fail;

    const char *cols[] = {"value", "numerator", "denominator", "land_m2", "far", "far_mean"};
    const char *units[] = {"value/mu", "value", "mu", "m2", "", ""};
    size_t ncols = ff >= 0 ? 6 : 4;
    if (!(r = lg_result_start(ctx, kernel, "value/mu", zones)) ||
        lg_make_zone_tables(ctx, zones, cols, units, ncols, &zt, &tt) != LG_OK)
        goto fail;
    double tn = 0, tl = 0, tfn = 0, tfd = 0, tfs = 0, tfc = 0;
    for (size_t i = 0; i <= nz; i++) {
        lg_table *t = i < nz ? zt : tt;
        size_t row = i < nz ? i : 0;
        double num = i < nz ? j.num[i] : tn, land = i < nz ? j.land_m2[i] : tl;
        double mu = land / LG_M2_PER_MU;
        lg_table_set(t, row, 0, lg_ratio(num, mu));
        lg_table_set(t, row, 1, num);
        lg_table_set(t, row, 2, mu);
        lg_table_set(t, row, 3, land);
        if (ff >= 0) {
            double fn = i < nz ? j.far_num[i] : tfn, fd = i < nz ? j.far_den[i] : tfd;
            double fs = i < nz ? j.far_sum[i] : tfs, fc = i < nz ? j.far_n[i] : tfc;
            lg_table_set(t, row, 4, lg_ratio(fn, fd));
            lg_table_set(t, row, 5, lg_ratio(fs, fc));
        }
        if (i < nz) {
            tn += j.num[i], tl += j.land_m2[i];
            tfn += j.far_num[i], tfd += j.far_den[i], tfs += j.far_sum[i], tfc += j.far_n[i];
        }
    }
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    char buf[256];
    if (aname)
        snprintf(buf, sizeof buf, "field %s (%s)", aname, unit ? unit : "m2");
    else
        snprintf(buf, sizeof buf, "geometry");
    if (lg_result_add_param(ctx, r, "parcels", lg_layer_source(parcels)) ||
        lg_result_add_param(ctx, r, "value_field", vname) ||
        lg_result_add_param(ctx, r, "land_area", buf) ||
        lg_result_add_param(ctx, r, "floor_field", fname ? fname : "") ||
        lg_result_add_param(ctx, r, "mu_m2", "666.666666666667 (10000/15)") ||
        lg_result_add_param(ctx, r, "split",
                            "by area share (whole parcel when the zone covers it)"))
        goto fail;
    if (null_value)
        lg_result_warn(ctx, r,
                       "%zu parcel(s) of %s have a NULL %s: left out of numerator and "
                       "denominator",
                       null_value, lg_layer_source(parcels), vname);
    if (null_land)
        lg_result_warn(ctx, r,
                       "%zu parcel(s) of %s have a NULL or non-positive %s: their geometry "
                       "area is used",
                       null_land, lg_layer_source(parcels), aname);
    if (mismatch)
        lg_result_warn(ctx, r,
                       "%zu parcel(s) of %s: %s (%s) differs from the geometry area by more "
                       "than %.0f %% (check AREA_UNIT)",
                       mismatch, lg_layer_source(parcels), aname, unit ? unit : "m2",
                       100 * LAND_MISMATCH);
    if (no_area)
        lg_result_warn(ctx, r, "%zu parcel(s) of %s have no area: left out", no_area,
                       lg_layer_source(parcels));
    if (null_floor)
        lg_result_warn(ctx, r, "%zu parcel(s) of %s have a NULL %s: left out of far and far_mean",
                       null_floor, lg_layer_source(parcels), fname);
    per_area_release(&j, &p);
    return r;
fail:
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    per_area_release(&j, &p);
    return lg_result_free(ctx, r);
}
