/* area-share: the dissolved cover inside each zone ÷ the zone (or ÷ a
 * denominator layer inside it).  Forest cover 森林覆盖率, green coverage
 * 绿化覆盖率, sponge-city share, development intensity 开发强度. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "measure_internal.h"

typedef struct area_job {
    const lg_zones *zones;
    const lg_layer *cover, *den;
    const lg_index *cidx, *didx;
    double *covered_m2; /* per zone */
    double *base_m2;    /* per zone: zone area, or zone ∩ denominator */
} area_job;

static lg_status area_zone(lg_worker *w, size_t zi, void *user)
{
    area_job *j = user;
    GEOSContextHandle_t h = w->geos;
    GEOSGeometry *within = NULL;
    lg_status st = lg_zone_within(w, j->zones, zi, j->den, j->didx, &within);
    if (st != LG_OK)
        return st;
    lg_gvec pieces = {0};
    if (within) {
        double box[4];
        GEOSArea_r(h, within, &j->base_m2[zi]);
        if (GEOSGeom_getExtent_r(h, within, &box[0], &box[1], &box[2], &box[3]))
            st = lg_clip_layer(w, within, box, j->cover, j->cidx, lg_collect_piece, &pieces);
        GEOSGeom_destroy_r(h, within);
    } else {
        j->base_m2[zi] = lg_zones_area(j->zones, zi);
        st = lg_clip_layer_to_zone(w, j->zones, zi, j->cover, j->cidx, lg_collect_piece, &pieces);
    }
    if (st == LG_OK && pieces.n == 1) {
        /* one piece: no dissolve needed */
        GEOSArea_r(h, pieces.g[0], &j->covered_m2[zi]);
    } else if (st == LG_OK && pieces.n > 1) {
        /* dissolve: overlapping cover polygons count once */
        GEOSGeometry *u = lg_gvec_union(w, &pieces);
        if (!u)
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: cannot dissolve the cover: %s",
                                lg_zones_id(j->zones, zi), w->err);
        else
            GEOSArea_r(h, u, &j->covered_m2[zi]);
        if (u)
            GEOSGeom_destroy_r(h, u);
    }
    lg_gvec_free(h, &pieces);
    return st;
}

lg_result *lg_area_share(lg_ctx *ctx, const lg_zones *zones, const lg_layer *cover,
                         const lg_layer *denominator, const char *const *options)
{
    static const char *const known[] = {"POPULATION_FIELD", NULL};
    const char *kernel = "area-share";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK)
        return NULL;
    if (!lg_same_crs(ctx, kernel, zones, cover) ||
        (denominator && !lg_same_crs(ctx, kernel, zones, denominator)))
        return NULL;
    if (lg_layer_geom_kind(cover) != LG_GEOM_POLYGON && lg_layer_size(cover) > 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: the cover %s holds %s, not polygons", kernel,
                 lg_layer_source(cover), lg_geom_kind_name(lg_layer_geom_kind(cover)));
        return NULL;
    }
    const char *pname = lg_opt(options, "POPULATION_FIELD");
    int pf = pname ? lg_numeric_field(ctx, kernel, "POPULATION_FIELD", lg_zones_layer(zones), pname)
                   : -1;
    if (pname && pf < 0)
        return NULL;
    size_t nz = lg_zones_count(zones);
    area_job j = {.zones = zones, .cover = cover, .den = denominator};
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL;
    j.cidx = lg_layer_index(ctx, cover);
    j.didx = denominator ? lg_layer_index(ctx, denominator) : NULL;
    j.covered_m2 = lg_calloc(ctx, nz ? nz : 1, sizeof(double));
    j.base_m2 = lg_calloc(ctx, nz ? nz : 1, sizeof(double));
    if ((!j.cidx && lg_layer_size(cover)) ||
        (denominator && !j.didx && lg_layer_size(denominator)) || !j.covered_m2 || !j.base_m2)
        goto fail;
    if (lg_parallel_for(ctx, nz, area_zone, &j, kernel) != LG_OK)
        goto fail;
    const char *cols[] = {"value",      "numerator",  "denominator",  "covered_km2",
                          "covered_ha", "covered_mu", "per_person_m2"};
    const char *units[] = {"%", "m2", "m2", "km2", "ha", "mu", "m2/person"};
    if (!(r = lg_result_start(ctx, kernel, "%", zones)) ||
        lg_make_zone_tables(ctx, zones, cols, units, 7, &zt, &tt) != LG_OK)
        goto fail;
    double tc = 0, tb = 0, tp = 0;
    size_t no_pop = 0;
    for (size_t i = 0; i <= nz; i++) {
        lg_table *t = i < nz ? zt : tt;
        size_t row = i < nz ? i : 0;
        double c = i < nz ? j.covered_m2[i] : tc, b = i < nz ? j.base_m2[i] : tb;
        double p = NAN;
        if (pf >= 0 && i < nz) {
            if (!lg_layer_number(lg_zones_layer(zones), i, (size_t)pf, &p) || !(p >= 0))
                p = NAN, no_pop++;
            else
                tp += p;
        } else if (pf >= 0) {
            p = no_pop ? NAN : tp;
        }
        lg_table_set(t, row, 6, p > 0 ? c / p : NAN);
        lg_table_set(t, row, 0, b > 0 ? 100 * c / b : NAN);
        lg_table_set(t, row, 1, c);
        lg_table_set(t, row, 2, b);
        lg_table_set(t, row, 3, c / 1e6);
        lg_table_set(t, row, 4, c / 1e4);
        lg_table_set(t, row, 5, c / LG_M2_PER_MU);
        if (i < nz)
            tc += c, tb += b;
    }
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    if (lg_result_add_param(ctx, r, "cover", lg_layer_source(cover)) ||
        lg_result_add_param(ctx, r, "denominator",
                            denominator ? lg_layer_source(denominator) : "zone area") ||
        lg_result_add_param(ctx, r, "dissolve", "union of the cover inside each zone") ||
        lg_result_add_param(ctx, r, "population_field", pname ? pname : ""))
        goto fail;
    if (no_pop)
        lg_result_warn(ctx, r, "%zu zone(s) have no population (NULL or negative %s): their "
                       "per_person_m2 and the total's are NaN", no_pop, pname);
    free(j.covered_m2);
    free(j.base_m2);
    return r;
fail:
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    free(j.covered_m2);
    free(j.base_m2);
    return lg_result_free(ctx, r);
}
