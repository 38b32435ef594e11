/* Default styles of result layers for desktop GIS: QGIS QML and OGC SLD
 * 1.1 text for a classed layer (map_style.c), and the colours the maps
 * use (map_render.c).  Not installed. */
#ifndef LIBGEO_MAP_STYLE_H
#define LIBGEO_MAP_STYLE_H

#include "libgeo/lg_map.h"

/* The colour of class j of k under a palette (as lg_map draws it). */
void lg_map_ramp_rgb(lg_map_palette palette, int k, int j, double rgb[3]);
/* The colour of a category: a known value (A/B/C/D/T/N, 通过/冲突) or the
 * q-th of a qualitative set. */
void lg_map_category_rgb(const char *value, const char *label, int q, double rgb[3]);

typedef enum { LG_STYLE_FILL, LG_STYLE_LINE, LG_STYLE_MARKER } lg_style_geom;

/* A style: one rule per class.  Graduated when values is NULL (bounds
 * lo/hi, lower exclusive except the first), categorized otherwise
 * (values[j] the attribute value, labels[j] its legend text); a single
 * hatched symbol when nclasses is 0. */
typedef struct lg_style {
    const char *layer, *field;
    lg_style_geom geom;
    int nclasses;
    const double *bounds;        /* nclasses + 1 */
    const char *const *values;   /* categorized */
    const char *const *labels;
    const double (*rgb)[3];
    int values_numeric;          /* categorized on a numeric field */
} lg_style;

/* malloc'd QML / SLD text, NULL on failure (context error set). */
char *lg_style_qml(lg_ctx *ctx, const lg_style *s);
char *lg_style_sld(lg_ctx *ctx, const lg_style *s);

#endif
