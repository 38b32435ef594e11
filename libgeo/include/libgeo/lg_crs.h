/*
 * lg_crs.h: coordinate reference systems and the job's working CRS.
 *
 * Every measure in libgeo is taken in one projected CRS in metres (the
 * "working CRS"), never in degrees.  Coordinates are always handled in the
 * traditional GIS order, easting/longitude first, whatever the EPSG axis
 * order says (EPSG:4490 is latitude first and EPSG:4549 northing first in
 * the registry; libgeo reads and writes x = east, y = north for both).
 */
#ifndef LIBGEO_LG_CRS_H
#define LIBGEO_LG_CRS_H

#include "libgeo/lg_context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lg_crs lg_crs;

/** A CRS from user text: "EPSG:4549", a bare EPSG number "4549", WKT,
 *  PROJJSON or a PROJ string.  NULL and LG_ERR_CRS (naming the text) when
 *  PROJ does not understand it or it is not a CRS. */
LG_API lg_crs *lg_crs_new(lg_ctx *ctx, const char *definition);

/** A copy (NULL on failure). */
LG_API lg_crs *lg_crs_clone(lg_ctx *ctx, const lg_crs *crs);

/** Free (NULL accepted).  Returns NULL. */
LG_API lg_crs *lg_crs_free(lg_crs *crs);

/** The CRS's name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 120E". */
LG_API const char *lg_crs_name(const lg_crs *crs);

/** "AUTH:CODE" (e.g. "EPSG:4549") when known or identified with
 *  certainty, else "". */
LG_API const char *lg_crs_id(const lg_crs *crs);

/** 1 for a geographic (longitude/latitude) CRS, else 0. */
LG_API int lg_crs_is_geographic(const lg_crs *crs);

/** 1 for a projected CRS whose axes are in metres, else 0. */
LG_API int lg_crs_is_metric_projected(const lg_crs *crs);

/** WKT2:2019 text of the CRS. */
LG_API const char *lg_crs_wkt(const lg_crs *crs);

/** How this CRS was chosen, when libgeo chose it (else ""). */
LG_API const char *lg_crs_reason(const lg_crs *crs);

/** The EPSG code libgeo picks for data centred at (lon, lat): inside China
 *  (lon 73–136, lat 3–54) the CGCS2000 3-degree Gauss–Krüger zone without
 *  false-easting prefix, EPSG:4534 (CM 75°E) … 4554 (CM 135°E), with the
 *  central meridian nearest to lon (Qingdao, 120.4°E → 4549); elsewhere the
 *  WGS84 UTM zone (326zz north, 327zz south).  Returns 0 for an impossible
 *  position. */
LG_API int lg_crs_auto_epsg(double lon, double lat);

/** A metre-based CRS for a job: `definition` when not NULL (it must be a
 *  projected CRS in metres, else LG_ERR_CRS), otherwise
 *  lg_crs_auto_epsg() at the centre of the lon/lat box
 *  [lon_min, lat_min, lon_max, lat_max].  The reason is recorded
 *  (lg_crs_reason).  A box wider than one zone raises a warning. */
LG_API lg_crs *lg_crs_choose(lg_ctx *ctx, const char *definition, const double lonlat_box[4]);

/** Ellipsoidal area in m² of a polygon ring given in longitude/latitude
 *  degrees (n points, interleaved lon,lat; closing point optional) on the
 *  ellipsoid of `crs` (its geodetic datum; WGS84 when `crs` is NULL).
 *  Always >= 0.  Uses PROJ's geodesic routines (Karney). */
LG_API double lg_geodesic_ring_area(const lg_crs *crs, const double *lonlat, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_CRS_H */
