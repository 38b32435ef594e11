/* OGR geometry -> GEOS geometry, transforming coordinates on the way
 * (internal). */
#ifndef LIBGEO_OGR_GEOS_H
#define LIBGEO_OGR_GEOS_H

#include <ogr_api.h>

#include "libgeo/lg_datum.h"
#include "lg_internal.h"

typedef struct lg_conv {
    GEOSContextHandle_t geos;
    PJ *pj;           /* source -> working, x = east at both ends; NULL = none */
    lg_datum datum;   /* web-map offset to remove first */
    int swap_xy;      /* source data stored y, x (authority lat-first order) */
    double *buf;      /* scratch, interleaved x, y */
    size_t cap;       /* in points */
    /* Per call results */
    int had_zm;       /* the input had Z or M values (dropped) */
    int defect;       /* a structural defect was found (and repaired) */
    char defect_msg[160];
    int bad_coord;    /* a coordinate was not finite or failed to transform */
    char err[160];
} lg_conv;

/* Convert `h` to GEOS.  Returns NULL with c->bad_coord or a GEOS failure
 * (c->err set), or an empty geometry when every part was degenerate.
 * Unclosed rings are closed and rings of fewer than 4 points dropped, with
 * c->defect set: the caller treats such input as invalid. */
GEOSGeometry *lg_conv_geometry(lg_conv *c, OGRGeometryH h);

void lg_conv_free(lg_conv *c);

#endif
