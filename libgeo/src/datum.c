/* GCJ-02 and BD-09: the Chinese web-map coordinate offsets.
 *
 * Provenance of the formulas:
 *  - WGS84 -> GCJ-02 is the closed form leaked/reverse-engineered around
 *    2009 and published in many places, e.g. googollee/eviltransform
 *    (c/transform.c) and wandergis/coordtransform (index.js): a sine series
 *    in (lon - 105, lat - 35) giving an offset in metres-like units, scaled to
 *    degrees on the Krasovsky 1940 ellipsoid (a = 6378245 m,
 *    e^2 = 0.00669342162296594323).
 *  - GCJ-02 -> BD-09 is Baidu's closed form as published in the same
 *    libraries (x_pi = pi * 3000 / 180).
 *  - Neither has a published exact inverse (the usual "bd09togcj02" and
 *    "gcj02towgs84" are one-step approximations, off by up to a couple of
 *    metres), so the inverses here iterate the forward formula: the fixed
 *    point w <- w - (f(w) - g), started at w = g, until f(w) reproduces g to
 *    1e-10 degree.  Both offsets change slowly (their Jacobian differs from
 *    the identity by ~1e-2 at most), so this contracts fast: 3-6 steps.
 *
 * Everything is longitude first, in decimal degrees.  Points outside the
 * rough China box are returned unchanged, as in the published code.
 */
#include <math.h>
#include <stddef.h>

#include "libgeo/lg_datum.h"

/* M_PI is POSIX, not C11. */
#define LG_DATUM_PI 3.14159265358979323846

/* Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula. */
#define GCJ_A 6378245.0
#define GCJ_EE 0.00669342162296594323

/* Baidu's constant: pi * 3000 / 180. */
#define BD_X_PI (LG_DATUM_PI * 3000.0 / 180.0)

/* Inverse iteration: stop when the round trip agrees to this (degrees). */
#define INV_TOL 1e-10
#define INV_MAX_ITER 30

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

/* ASCII case-insensitive equality (strcasecmp is POSIX, not C11). */
static int ascii_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca = (unsigned char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z')
            cb = (unsigned char)(cb - 'A' + 'a');
        if (ca != cb)
            return 0;
        if (ca == '\0')
            return 1;
    }
}

int lg_datum_parse(const char *text, lg_datum *out)
{
    static const struct {
        const char *name;
        lg_datum datum;
    } names[] = {
        {"none", LG_DATUM_NONE},   {"wgs84", LG_DATUM_NONE},  {"gcj02", LG_DATUM_GCJ02},
        {"gcj-02", LG_DATUM_GCJ02}, {"amap", LG_DATUM_GCJ02}, {"bd09", LG_DATUM_BD09},
        {"bd-09", LG_DATUM_BD09},  {"baidu", LG_DATUM_BD09},
    };
    if (!text)
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (ascii_ieq(text, names[i].name)) {
            if (out)
                *out = names[i].datum;
            return 1;
        }
    }
    return 0;
}

const char *lg_datum_name(lg_datum datum)
{
    switch (datum) {
    case LG_DATUM_NONE: return "none";
    case LG_DATUM_GCJ02: return "gcj02";
    case LG_DATUM_BD09: return "bd09";
    }
    return "unknown"; /* not a valid enum value */
}

int lg_datum_in_china(double lon, double lat)
{
    /* The published box (eviltransform's outOfChina); NaN is outside. */
    return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
}

/* ------------------------------------------------------------------ */
/* GCJ-02                                                              */
/* ------------------------------------------------------------------ */

/* The published transformLat/transformLon series, x = lon - 105,
 * y = lat - 35.  Term for term as in eviltransform/coordtransform. */
static double gcj_transform_lat(double x, double y)
{
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * LG_DATUM_PI) + 20.0 * sin(2.0 * x * LG_DATUM_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * LG_DATUM_PI) + 40.0 * sin(y / 3.0 * LG_DATUM_PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * LG_DATUM_PI) + 320.0 * sin(y * LG_DATUM_PI / 30.0)) * 2.0 / 3.0;
    return r;
}

static double gcj_transform_lon(double x, double y)
{
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * LG_DATUM_PI) + 20.0 * sin(2.0 * x * LG_DATUM_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * LG_DATUM_PI) + 40.0 * sin(x / 3.0 * LG_DATUM_PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * LG_DATUM_PI) + 300.0 * sin(x / 30.0 * LG_DATUM_PI)) * 2.0 / 3.0;
    return r;
}

/* WGS84 -> GCJ-02 without the China-box test. */
static void gcj_forward(double lon, double lat, double *out_lon, double *out_lat)
{
    double dlat = gcj_transform_lat(lon - 105.0, lat - 35.0);
    double dlon = gcj_transform_lon(lon - 105.0, lat - 35.0);
    double radlat = lat / 180.0 * LG_DATUM_PI;
    double magic = sin(radlat);
    magic = 1.0 - GCJ_EE * magic * magic;
    double sqrtmagic = sqrt(magic);
    /* Metres -> degrees: meridian and parallel radii of curvature. */
    dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrtmagic) * LG_DATUM_PI);
    dlon = (dlon * 180.0) / (GCJ_A / sqrtmagic * cos(radlat) * LG_DATUM_PI);
    *out_lon = lon + dlon;
    *out_lat = lat + dlat;
}

/* ------------------------------------------------------------------ */
/* BD-09                                                               */
/* ------------------------------------------------------------------ */

/* GCJ-02 -> BD-09 without the China-box test. */
static void bd_forward(double lon, double lat, double *out_lon, double *out_lat)
{
    double z = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * BD_X_PI);
    double theta = atan2(lat, lon) + 0.000003 * cos(lon * BD_X_PI);
    *out_lon = z * cos(theta) + 0.0065;
    *out_lat = z * sin(theta) + 0.006;
}

/* ------------------------------------------------------------------ */
/* Iterative inverse                                                   */
/* ------------------------------------------------------------------ */

typedef void (*forward_fn)(double lon, double lat, double *out_lon, double *out_lat);

/* Solve f(w) = g by the fixed point w <- w - (f(w) - g), starting at w = g.
 * Stops when |f(w) - g| < INV_TOL in both coordinates, or after
 * INV_MAX_ITER steps (never reached in practice: convergence is linear with
 * a rate of ~1e-2). */
static void invert(forward_fn f, double g_lon, double g_lat, double *out_lon, double *out_lat)
{
    double w_lon = g_lon, w_lat = g_lat;
    for (int i = 0; i < INV_MAX_ITER; i++) {
        double f_lon, f_lat;
        f(w_lon, w_lat, &f_lon, &f_lat);
        double e_lon = f_lon - g_lon, e_lat = f_lat - g_lat;
        if (fabs(e_lon) < INV_TOL && fabs(e_lat) < INV_TOL)
            break;
        w_lon -= e_lon;
        w_lat -= e_lat;
    }
    *out_lon = w_lon;
    *out_lat = w_lat;
}

/* ------------------------------------------------------------------ */
/* Public conversions                                                  */
/* ------------------------------------------------------------------ */

/* f(lon, lat), or its inverse when `inverse`; a point outside the China
 * box is returned unchanged. */
static void in_china(forward_fn f, int inverse, double lon, double lat, double *out_lon,
                     double *out_lat)
{
    if (!lg_datum_in_china(lon, lat)) {
        *out_lon = lon;
        *out_lat = lat;
        return;
    }
    if (inverse)
        invert(f, lon, lat, out_lon, out_lat);
    else
        f(lon, lat, out_lon, out_lat);
}

void lg_wgs84_to_gcj02(double lon, double lat, double *out_lon, double *out_lat)
{
    in_china(gcj_forward, 0, lon, lat, out_lon, out_lat);
}

void lg_gcj02_to_wgs84(double lon, double lat, double *out_lon, double *out_lat)
{
    in_china(gcj_forward, 1, lon, lat, out_lon, out_lat);
}

void lg_gcj02_to_bd09(double lon, double lat, double *out_lon, double *out_lat)
{
    in_china(bd_forward, 0, lon, lat, out_lon, out_lat);
}

void lg_bd09_to_gcj02(double lon, double lat, double *out_lon, double *out_lat)
{
    in_china(bd_forward, 1, lon, lat, out_lon, out_lat);
}

void lg_wgs84_to_bd09(double lon, double lat, double *out_lon, double *out_lat)
{
    double glon, glat;
    lg_wgs84_to_gcj02(lon, lat, &glon, &glat);
    lg_gcj02_to_bd09(glon, glat, out_lon, out_lat);
}

void lg_bd09_to_wgs84(double lon, double lat, double *out_lon, double *out_lat)
{
    double glon, glat;
    lg_bd09_to_gcj02(lon, lat, &glon, &glat);
    lg_gcj02_to_wgs84(glon, glat, out_lon, out_lat);
}

void lg_datum_to_wgs84(lg_datum datum, double *xy, size_t n)
{
    void (*fn)(double, double, double *, double *);
    switch (datum) {
    case LG_DATUM_GCJ02: fn = lg_gcj02_to_wgs84; break;
    case LG_DATUM_BD09: fn = lg_bd09_to_wgs84; break;
    default: return; /* LG_DATUM_NONE (or invalid): nothing to do */
    }
    for (size_t i = 0; i < n; i++)
        fn(xy[2 * i], xy[2 * i + 1], &xy[2 * i], &xy[2 * i + 1]);
}
