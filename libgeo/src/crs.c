/* Coordinate reference systems: parsing, identification, zone choice,
 * transformations in traditional GIS axis order, geodesic area. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <geodesic.h>

#include "libgeo/lg_crs.h"
#include "lg_internal.h"

struct lg_crs {
    PJ *pj;          /* the CRS itself, in the context's PROJ context */
    char *name;
    char id[64];     /* "EPSG:4549" or "" */
    char *wkt;
    char *reason;    /* why libgeo chose it, or "" */
    int geographic;
    int metric_projected;
    double ell_a, ell_f; /* ellipsoid of its geodetic datum */
};

static int pj_type_is_crs(PJ *pj)
{
    switch (proj_get_type(pj)) {
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
    case PJ_TYPE_GEODETIC_CRS:
    case PJ_TYPE_GEOCENTRIC_CRS:
    case PJ_TYPE_PROJECTED_CRS:
    case PJ_TYPE_COMPOUND_CRS:
    case PJ_TYPE_BOUND_CRS:
    case PJ_TYPE_OTHER_CRS:
    case PJ_TYPE_ENGINEERING_CRS:
        return 1;
    default:
        return 0;
    }
}

/* The horizontal part of a compound or bound CRS. */
static PJ *horizontal_crs(PJ_CONTEXT *pc, PJ *pj)
{
    PJ_TYPE t = proj_get_type(pj);
    if (t == PJ_TYPE_BOUND_CRS) {
        PJ *base = proj_get_source_crs(pc, pj);
        if (base) {
            proj_destroy(pj);
            return horizontal_crs(pc, base);
        }
    } else if (t == PJ_TYPE_COMPOUND_CRS) {
        PJ *h = proj_crs_get_sub_crs(pc, pj, 0);
        if (h) {
            proj_destroy(pj);
            return horizontal_crs(pc, h);
        }
    }
    return pj;
}

/* Fill the derived members of a CRS whose pj is set.  Takes ownership of
 * `pj` in all cases. */
static lg_crs *crs_wrap(lg_ctx *ctx, PJ *pj)
{
    PJ_CONTEXT *pc = lg_ctx_proj(ctx);
    pj = horizontal_crs(pc, pj);
    lg_crs *crs = lg_calloc(ctx, 1, sizeof *crs);
    if (!crs) {
        proj_destroy(pj);
        return NULL;
    }
    crs->pj = pj;
    const char *name = proj_get_name(pj);
    crs->name = lg_strdup(ctx, name ? name : "unnamed CRS");
    crs->reason = lg_strdup(ctx, "");
    const char *opts[] = {"MULTILINE=NO", NULL};
    const char *wkt = proj_as_wkt(pc, pj, PJ_WKT2_2019, opts);
    crs->wkt = lg_strdup(ctx, wkt ? wkt : "");
    if (!crs->name || !crs->reason || !crs->wkt)
        return lg_crs_free(crs);

    PJ_TYPE t = proj_get_type(pj);
    crs->geographic = (t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS);

    /* Authority id: stated, or identified with certainty (shapefile .prj
     * files carry ESRI WKT without codes). */
    const char *auth = proj_get_id_auth_name(pj, 0), *code = proj_get_id_code(pj, 0);
    if (auth && code) {
        snprintf(crs->id, sizeof crs->id, "%s:%s", auth, code);
    } else {
        int *conf = NULL;
        PJ_OBJ_LIST *cands = proj_identify(pc, pj, "EPSG", NULL, &conf);
        if (cands && proj_list_get_count(cands) > 0 && conf && conf[0] >= 90) {
            PJ *c = proj_list_get(pc, cands, 0);
            if (c && proj_get_id_code(c, 0))
                snprintf(crs->id, sizeof crs->id, "EPSG:%s", proj_get_id_code(c, 0));
            proj_destroy(c);
        }
        proj_int_list_destroy(conf);
        proj_list_destroy(cands);
    }

    /* Metric projected?  Every axis of the coordinate system in metres. */
    if (t == PJ_TYPE_PROJECTED_CRS) {
        PJ *cs = proj_crs_get_coordinate_system(pc, pj);
        int n = cs ? proj_cs_get_axis_count(pc, cs) : 0, metric = n >= 2;
        for (int i = 0; i < n; i++) {
            double conv = 0;
            proj_cs_get_axis_info(pc, cs, i, NULL, NULL, NULL, &conv, NULL, NULL, NULL);
            if (fabs(conv - 1.0) > 1e-12)
                metric = 0;
        }
        proj_destroy(cs);
        crs->metric_projected = metric;
    }

    crs->ell_a = 6378137.0;
    crs->ell_f = 1 / 298.257223563;
    PJ *ell = proj_get_ellipsoid(pc, pj);
    if (ell) {
        double a, b, inv_f;
        int computed;
        if (proj_ellipsoid_get_parameters(pc, ell, &a, &b, &computed, &inv_f)) {
            crs->ell_a = a;
            crs->ell_f = inv_f > 0 ? 1 / inv_f : 0;
        }
        proj_destroy(ell);
    }
    return crs;
}

lg_crs *lg_crs_from_pj(lg_ctx *ctx, PJ *pj)
{
    if (!pj)
        return NULL;
    if (!pj_type_is_crs(pj)) {
        proj_destroy(pj);
        lg_error(ctx, LG_ERR_CRS, "not a coordinate reference system");
        return NULL;
    }
    return crs_wrap(ctx, pj);
}

lg_crs *lg_crs_new(lg_ctx *ctx, const char *definition)
{
    if (!definition || !*definition) {
        lg_error(ctx, LG_ERR_CRS, "empty CRS definition: give e.g. EPSG:4549");
        return NULL;
    }
    char buf[64];
    const char *def = definition;
    /* A bare number means an EPSG code. */
    if (strspn(definition, "0123456789") == strlen(definition) && strlen(definition) < 12) {
        snprintf(buf, sizeof buf, "EPSG:%s", definition);
        def = buf;
    }
    /* PROJ also resolves bare object names ("foo" finds Amersfoort): accept
     * only codes, URNs, WKT, PROJJSON and PROJ strings. */
    if (!strchr(def, ':') && !strchr(def, '[') && def[0] != '{' && def[0] != '+') {
        lg_error(ctx, LG_ERR_CRS,
                 "'%.200s' is not a CRS definition: give an EPSG code such as EPSG:4549, or "
                 "WKT",
                 definition);
        return NULL;
    }
    PJ *pj = proj_create(lg_ctx_proj(ctx), def);
    if (!pj) {
        lg_error(ctx, LG_ERR_CRS,
                 "unknown CRS '%.200s': give an EPSG code such as EPSG:4549, or WKT",
                 definition);
        return NULL;
    }
    if (!pj_type_is_crs(pj)) {
        proj_destroy(pj);
        lg_error(ctx, LG_ERR_CRS, "'%.200s' is not a coordinate reference system", definition);
        return NULL;
    }
    return crs_wrap(ctx, pj);
}

lg_crs *lg_crs_clone(lg_ctx *ctx, const lg_crs *crs)
{
    PJ *pj = proj_clone(lg_ctx_proj(ctx), crs->pj);
    if (!pj) {
        lg_error(ctx, LG_ERR_CRS, "cannot copy CRS %s", crs->name);
        return NULL;
    }
    lg_crs *c = crs_wrap(ctx, pj);
    if (c && crs->reason[0]) {
        free(c->reason);
        if (!(c->reason = lg_strdup(ctx, crs->reason)))
            return lg_crs_free(c);
    }
    return c;
}

lg_crs *lg_crs_free(lg_crs *crs)
{
    if (!crs)
        return NULL;
    proj_destroy(crs->pj);
    free(crs->name);
    free(crs->wkt);
    free(crs->reason);
    free(crs);
    return NULL;
}

const char *lg_crs_name(const lg_crs *crs) { return crs->name; }
const char *lg_crs_id(const lg_crs *crs) { return crs->id; }
int lg_crs_is_geographic(const lg_crs *crs) { return crs->geographic; }
int lg_crs_is_metric_projected(const lg_crs *crs) { return crs->metric_projected; }
const char *lg_crs_wkt(const lg_crs *crs) { return crs->wkt; }
const char *lg_crs_reason(const lg_crs *crs) { return crs->reason; }
PJ *lg_crs_pj(const lg_crs *crs) { return crs->pj; }

void lg_crs_set_reason(lg_crs *crs, char *reason)
{
    free(crs->reason);
    crs->reason = reason;
}

int lg_crs_auto_epsg(double lon, double lat)
{
    if (!isfinite(lon) || !isfinite(lat) || lat < -90 || lat > 90 || lon < -180 || lon > 180)
        return 0;
    if (lon >= 73.0 && lon <= 136.0 && lat >= 3.0 && lat <= 54.0) {
        /* CGCS2000 / 3-degree Gauss-Kruger CM 75E .. CM 135E = 4534 .. 4554 */
        int k = (int)floor((lon - 75.0) / 3.0 + 0.5);
        if (k < 0)
            k = 0;
        if (k > 20)
            k = 20;
        return 4534 + k;
    }
    int zone = (int)floor((lon + 180.0) / 6.0) + 1;
    if (zone > 60)
        zone = 60;
    return (lat >= 0 ? 32600 : 32700) + zone;
}

lg_crs *lg_crs_choose(lg_ctx *ctx, const char *definition, const double box[4])
{
    lg_crs *crs = NULL;
    char *reason = NULL;
    if (definition) {
        if (!(crs = lg_crs_new(ctx, definition)))
            return NULL;
        reason = lg_sprintf(ctx, "stated by the user (%s)", definition);
    } else {
        if (!box || !(box[0] <= box[2]) || !(box[1] <= box[3])) {
            lg_error(ctx, LG_ERR_CRS, "no extent to choose a working CRS from: state one (--crs)");
            return NULL;
        }
        double lon = 0.5 * (box[0] + box[2]), lat = 0.5 * (box[1] + box[3]);
        int epsg = lg_crs_auto_epsg(lon, lat);
        if (!epsg) {
            lg_error(ctx, LG_ERR_CRS,
                     "data centred at (%.6g, %.6g) is not longitude/latitude: state the CRS", lon,
                     lat);
            return NULL;
        }
        char def[32];
        snprintf(def, sizeof def, "EPSG:%d", epsg);
        if (!(crs = lg_crs_new(ctx, def)))
            return NULL;
        if (epsg >= 4534 && epsg <= 4554)
            reason = lg_sprintf(ctx,
                                "CGCS2000 3-degree Gauss-Kruger zone, central meridian %dE, nearest "
                                "to the data's centre longitude %.3fE",
                                75 + 3 * (epsg - 4534), lon);
        else
            reason = lg_sprintf(ctx, "WGS 84 UTM zone %d%s for the data's centre (%.3f, %.3f)",
                                epsg % 100, epsg / 100 == 326 ? "N" : "S", lon, lat);
        double span = box[2] - box[0];
        if (span > 3.0)
            lg_warn(ctx,
                    "the data spans %.1f degrees of longitude, more than one projection zone: "
                    "areas far from the central meridian are distorted; state a CRS with --crs if "
                    "that matters",
                    span);
    }
    if (!reason)
        return lg_crs_free(crs);
    free(crs->reason);
    crs->reason = reason;
    if (!crs->metric_projected) {
        lg_error(ctx, LG_ERR_CRS,
                 "working CRS %s (%s) is not a projected CRS in metres: measures need one, e.g. "
                 "EPSG:4549 for Qingdao",
                 crs->id[0] ? crs->id : "?", crs->name);
        return lg_crs_free(crs);
    }
    return crs;
}

PJ *lg_crs_transform(lg_ctx *ctx, const lg_crs *src, const lg_crs *dst)
{
    PJ_CONTEXT *pc = lg_ctx_proj(ctx);
    PJ *op = proj_create_crs_to_crs_from_pj(pc, src->pj, dst->pj, NULL, NULL);
    if (!op) {
        lg_error(ctx, LG_ERR_CRS, "no transformation from %s to %s", src->name, dst->name);
        return NULL;
    }
    /* Traditional GIS order (x = east) at both ends. */
    PJ *norm = proj_normalize_for_visualization(pc, op);
    proj_destroy(op);
    if (!norm)
        lg_error(ctx, LG_ERR_CRS, "cannot normalise the transformation from %s to %s", src->name,
                 dst->name);
    return norm;
}

double lg_geodesic_ring_area(const lg_crs *crs, const double *lonlat, size_t n)
{
    struct geod_geodesic g;
    struct geod_polygon p;
    geod_init(&g, crs ? crs->ell_a : 6378137.0, crs ? crs->ell_f : 1 / 298.257223563);
    geod_polygon_init(&p, 0);
    if (n > 1 && lonlat[0] == lonlat[2 * (n - 1)] && lonlat[1] == lonlat[2 * (n - 1) + 1])
        n--; /* closing point */
    for (size_t i = 0; i < n; i++)
        geod_polygon_addpoint(&g, &p, lonlat[2 * i + 1], lonlat[2 * i]);
    double area = 0;
    geod_polygon_compute(&g, &p, 0, 1, &area, NULL);
    return fabs(area);
}
