/*
 * lg_datum.h: Chinese web-map coordinate offsets (GCJ-02 and BD-09).
 *
 * GCJ-02 (国测局坐标, "Mars coordinates": AMap/高德, DataV, Tencent) and
 * BD-09 (Baidu) are not datums PROJ knows: they are published closed-form
 * offsets of WGS84 longitude/latitude (a few hundred metres in China).  A
 * layer digitised on such a map must be converted to WGS84 before it is
 * projected, or every area and distance is shifted.
 *
 * All functions take and return longitude first, in decimal degrees.
 * Points outside mainland China (the usual rough box, lon 72.004–137.8347,
 * lat 0.8293–55.8271) are returned unchanged, as the published formula does.
 * Forward conversions are the closed form; inverses iterate the forward
 * formula until the round trip agrees to 1e-10 degree (≈ 0.01 mm), so they
 * are exact to well under a millimetre, not the 1–2 m of the one-step
 * approximation found in many libraries.
 */
#ifndef LIBGEO_LG_DATUM_H
#define LIBGEO_LG_DATUM_H

#include <stddef.h>

#include "libgeo/lg_context.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a layer's longitude/latitude coordinates are offset. */
typedef enum lg_datum {
    LG_DATUM_NONE = 0, /**< true coordinates (WGS84, CGCS2000 …) */
    LG_DATUM_GCJ02 = 1,/**< GCJ-02 offset (AMap, DataV, Tencent) */
    LG_DATUM_BD09 = 2  /**< BD-09 offset (Baidu), GCJ-02 plus a second offset */
} lg_datum;

/** Parse "none", "wgs84", "gcj02"/"gcj-02"/"amap", "bd09"/"bd-09"/"baidu"
 *  (case-insensitive).  Returns 1 and sets *out, or 0 if unknown. */
LG_API int lg_datum_parse(const char *text, lg_datum *out);

/** The canonical name: "none", "gcj02" or "bd09". Static string. */
LG_API const char *lg_datum_name(lg_datum datum);

/** 1 if (lon, lat) lies in the box where the offsets apply, else 0. */
LG_API int lg_datum_in_china(double lon, double lat);

/** WGS84 → GCJ-02 (closed form). */
LG_API void lg_wgs84_to_gcj02(double lon, double lat, double *out_lon, double *out_lat);
/** GCJ-02 → WGS84 (iterative inverse, < 1 mm). */
LG_API void lg_gcj02_to_wgs84(double lon, double lat, double *out_lon, double *out_lat);
/** GCJ-02 → BD-09 (closed form). */
LG_API void lg_gcj02_to_bd09(double lon, double lat, double *out_lon, double *out_lat);
/** BD-09 → GCJ-02 (iterative inverse of lg_gcj02_to_bd09, < 1 mm). */
LG_API void lg_bd09_to_gcj02(double lon, double lat, double *out_lon, double *out_lat);
/** WGS84 → BD-09. */
LG_API void lg_wgs84_to_bd09(double lon, double lat, double *out_lon, double *out_lat);
/** BD-09 → WGS84. */
LG_API void lg_bd09_to_wgs84(double lon, double lat, double *out_lon, double *out_lat);

/** Convert `n` points in place from `datum` to WGS84.  `xy` holds
 *  interleaved lon, lat pairs.  LG_DATUM_NONE leaves them unchanged. */
LG_API void lg_datum_to_wgs84(lg_datum datum, double *xy, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_DATUM_H */
