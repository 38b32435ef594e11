/* OGR geometry -> GEOS geometry.  Coordinates are copied once per
 * linestring or ring into a scratch buffer, corrected for web-map offsets,
 * transformed by PROJ in one batch, and handed to GEOS; Z and M are never
 * copied.  This avoids a WKB round trip and OGR's per-point transform. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ogr_geos.h"

static int reserve(lg_conv *c, size_t npoints)
{
    if (npoints <= c->cap)
        return 1;
    size_t cap = c->cap ? c->cap : 256;
    while (cap < npoints)
        cap *= 2;
    double *b = realloc(c->buf, cap * 2 * sizeof *b);
    if (!b) {
        snprintf(c->err, sizeof c->err, "out of memory for %zu points", npoints);
        return 0;
    }
    c->buf = b;
    c->cap = cap;
    return 1;
}

void lg_conv_free(lg_conv *c)
{
    free(c->buf);
    c->buf = NULL;
    c->cap = 0;
}

static void note_defect(lg_conv *c, const char *what)
{
    if (!c->defect)
        snprintf(c->defect_msg, sizeof c->defect_msg, "%s", what);
    c->defect = 1;
}

/* Points of a linestring/ring into the buffer, transformed; returns the
 * count (closing point appended for unclosed rings), or (size_t)-1. */
static size_t load_points(lg_conv *c, OGRGeometryH h, int ring)
{
    int n = OGR_G_GetPointCount(h);
    if (n <= 0)
        return 0;
    if (!reserve(c, (size_t)n + 1))
        return (size_t)-1;
    double *xy = c->buf;
    OGR_G_GetPoints(h, xy, 2 * sizeof(double), xy + 1, 2 * sizeof(double), NULL, 0);
    size_t m = (size_t)n;
    for (size_t i = 0; i < m; i++) {
        if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1])) {
            c->bad_coord = 1;
            snprintf(c->err, sizeof c->err, "coordinate %zu is not a finite number", i + 1);
            return (size_t)-1;
        }
    }
    if (ring && m >= 2 && (xy[0] != xy[2 * (m - 1)] || xy[1] != xy[2 * (m - 1) + 1])) {
        note_defect(c, "a polygon ring is not closed");
        xy[2 * m] = xy[0];
        xy[2 * m + 1] = xy[1];
        m++;
    }
    if (c->swap_xy) {
        for (size_t i = 0; i < m; i++) {
            double t = xy[2 * i];
            xy[2 * i] = xy[2 * i + 1];
            xy[2 * i + 1] = t;
        }
    }
    if (c->datum != LG_DATUM_NONE)
        lg_datum_to_wgs84(c->datum, xy, m);
    if (c->pj) {
        proj_trans_generic(c->pj, PJ_FWD, xy, 2 * sizeof(double), m, xy + 1,
                           2 * sizeof(double), m, NULL, 0, 0, NULL, 0, 0);
        for (size_t i = 0; i < m; i++) {
            if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1])) {
                c->bad_coord = 1;
                snprintf(c->err, sizeof c->err,
                         "coordinate %zu cannot be transformed to the working CRS (outside its "
                         "area of use?)",
                         i + 1);
                return (size_t)-1;
            }
        }
    }
    return m;
}

static GEOSGeometry *geos_fail(lg_conv *c, const char *what)
{
    if (!c->err[0])
        snprintf(c->err, sizeof c->err, "GEOS could not build a %s", what);
    return NULL;
}

static GEOSGeometry *conv_line(lg_conv *c, OGRGeometryH h)
{
    size_t n = load_points(c, h, 0);
    if (n == (size_t)-1)
        return NULL;
    if (n == 0)
        return GEOSGeom_createEmptyLineString_r(c->geos);
    if (n == 1) {
        note_defect(c, "a line has a single point");
        c->buf[2] = c->buf[0];
        c->buf[3] = c->buf[1];
        n = 2;
    }
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(c->geos, c->buf, (unsigned)n, 0, 0);
    GEOSGeometry *g = seq ? GEOSGeom_createLineString_r(c->geos, seq) : NULL;
    return g ? g : geos_fail(c, "line");
}

/* A ring, or NULL with *degenerate set when it has < 4 points. */
static GEOSGeometry *conv_ring(lg_conv *c, OGRGeometryH h, int *degenerate)
{
    *degenerate = 0;
    size_t n = load_points(c, h, 1);
    if (n == (size_t)-1)
        return NULL;
    if (n < 4) {
        note_defect(c, "a polygon ring has fewer than 4 points");
        *degenerate = 1;
        return NULL;
    }
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(c->geos, c->buf, (unsigned)n, 0, 0);
    GEOSGeometry *g = seq ? GEOSGeom_createLinearRing_r(c->geos, seq) : NULL;
    return g ? g : geos_fail(c, "polygon ring");
}

static GEOSGeometry *conv_polygon(lg_conv *c, OGRGeometryH h)
{
    int nrings = OGR_G_GetGeometryCount(h), degenerate;
    if (nrings == 0)
        return GEOSGeom_createEmptyPolygon_r(c->geos);
    GEOSGeometry *shell = conv_ring(c, OGR_G_GetGeometryRef(h, 0), &degenerate);
    if (!shell)
        return degenerate ? GEOSGeom_createEmptyPolygon_r(c->geos) : NULL;
    GEOSGeometry **holes = NULL;
    unsigned nholes = 0;
    if (nrings > 1 && !(holes = malloc((size_t)(nrings - 1) * sizeof *holes))) {
        GEOSGeom_destroy_r(c->geos, shell);
        snprintf(c->err, sizeof c->err, "out of memory");
        return NULL;
    }
    for (int i = 1; i < nrings; i++) {
        GEOSGeometry *r = conv_ring(c, OGR_G_GetGeometryRef(h, i), &degenerate);
        if (r) {
            holes[nholes++] = r;
        } else if (!degenerate) {
            for (unsigned k = 0; k < nholes; k++)
                GEOSGeom_destroy_r(c->geos, holes[k]);
            free(holes);
            GEOSGeom_destroy_r(c->geos, shell);
            return NULL;
        }
    }
    GEOSGeometry *poly = GEOSGeom_createPolygon_r(c->geos, shell, holes, nholes);
    free(holes);
    return poly ? poly : geos_fail(c, "polygon");
}

static GEOSGeometry *conv_collection(lg_conv *c, OGRGeometryH h, int geos_type)
{
    int n = OGR_G_GetGeometryCount(h);
    GEOSGeometry **parts = malloc((size_t)(n > 0 ? n : 1) * sizeof *parts);
    if (!parts) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return NULL;
    }
    unsigned np = 0;
    for (int i = 0; i < n; i++) {
        GEOSGeometry *p = lg_conv_geometry(c, OGR_G_GetGeometryRef(h, i));
        if (!p) {
            for (unsigned k = 0; k < np; k++)
                GEOSGeom_destroy_r(c->geos, parts[k]);
            free(parts);
            return NULL;
        }
        if (GEOSisEmpty_r(c->geos, p) == 1) /* a degenerate part */
            GEOSGeom_destroy_r(c->geos, p);
        else
            parts[np++] = p;
    }
    GEOSGeometry *g = GEOSGeom_createCollection_r(c->geos, geos_type, parts, np);
    free(parts);
    return g ? g : geos_fail(c, "multi-part geometry");
}

GEOSGeometry *lg_conv_geometry(lg_conv *c, OGRGeometryH h)
{
    OGRwkbGeometryType t = OGR_G_GetGeometryType(h);
    if (OGR_G_Is3D(h) || OGR_G_IsMeasured(h))
        c->had_zm = 1;
    if (OGR_G_HasCurveGeometry(h, 0)) {
        /* Circular strings etc.: approximate with line segments (GDAL's
         * default step) before converting. */
        OGRGeometryH lin = OGR_G_GetLinearGeometry(h, 0, NULL);
        if (!lin) {
            snprintf(c->err, sizeof c->err, "cannot linearise a curved geometry");
            return NULL;
        }
        GEOSGeometry *g = lg_conv_geometry(c, lin);
        OGR_G_DestroyGeometry(lin);
        return g;
    }
    switch (wkbFlatten(t)) {
    case wkbPoint: {
        if (OGR_G_IsEmpty(h))
            return GEOSGeom_createEmptyPoint_r(c->geos);
        size_t n = load_points(c, h, 0);
        if (n == (size_t)-1)
            return NULL;
        GEOSGeometry *g = GEOSGeom_createPointFromXY_r(c->geos, c->buf[0], c->buf[1]);
        return g ? g : geos_fail(c, "point");
    }
    case wkbLineString:
    case wkbLinearRing:
        return conv_line(c, h);
    case wkbPolygon:
    case wkbTriangle:
        return conv_polygon(c, h);
    case wkbMultiPoint:
        return conv_collection(c, h, GEOS_MULTIPOINT);
    case wkbMultiLineString:
        return conv_collection(c, h, GEOS_MULTILINESTRING);
    case wkbMultiPolygon:
        return conv_collection(c, h, GEOS_MULTIPOLYGON);
    case wkbGeometryCollection:
        return conv_collection(c, h, GEOS_GEOMETRYCOLLECTION);
    case wkbPolyhedralSurface:
    case wkbTIN: {
        OGRGeometryH mp = OGR_G_ForceToMultiPolygon(OGR_G_Clone(h));
        GEOSGeometry *g = mp ? conv_collection(c, mp, GEOS_MULTIPOLYGON) : NULL;
        OGR_G_DestroyGeometry(mp);
        return g;
    }
    default:
        snprintf(c->err, sizeof c->err, "unsupported geometry type %s", OGRGeometryTypeToName(t));
        return NULL;
    }
}
