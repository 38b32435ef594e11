/*
 * lg_map.h: thematic maps of result layers (PNG, SVG, PDF) and the
 * classification of their values.
 *
 * Classification functions are pure: values in, class bounds out.  A class
 * scheme of k classes is k + 1 bounds b[0] ≤ b[1] ≤ … ≤ b[k]; a value v is
 * in class 0 when v ≤ b[1], in class j (j ≥ 1) when b[j] < v ≤ b[j+1]
 * (upper bounds inclusive, as QGIS's graduated renderer).  NaN values are
 * "no data" and are left out of every computation.
 *
 * A map is drawn in the units of its geometries, which must be a projected
 * CRS in metres (the working CRS of lg_layer_load) so that the scale bar is
 * true.  Layout is in millimetres on a page of the chosen size; a PNG has
 * round(width_mm / 25.4 × dpi) × round(height_mm / 25.4 × dpi) pixels, SVG
 * and PDF are vector pages of that size.  Text is set with pango in the
 * font family "Noto Sans CJK SC" (fonts-noto-cjk), so Chinese labels render.
 */
#ifndef LIBGEO_LG_MAP_H
#define LIBGEO_LG_MAP_H

#include <stddef.h>

#include "libgeo/lg_context.h"
#include "libgeo/lg_layer.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How values are put into classes. */
typedef enum lg_class_method {
    LG_CLASS_QUANTILE = 0,   /**< equal counts: interior bounds at the j/k quantiles
                                  (linear interpolation between order statistics,
                                  R's type 7 / numpy's default) */
    LG_CLASS_EQUAL = 1,      /**< equal intervals from min to max */
    LG_CLASS_JENKS = 2,      /**< Jenks natural breaks (Fisher's exact optimisation of
                                  the within-class sum of squares); bounds are the
                                  class maxima */
    LG_CLASS_BREAKS = 3,     /**< explicit interior bounds given by the caller; the
                                  outer bounds are -inf and +inf */
    LG_CLASS_CATEGORICAL = 4 /**< one class per distinct text value */
} lg_class_method;

/** Parse "quantile", "equal", "jenks", "breaks", "categorical". 1 on success. */
LG_API int lg_class_method_parse(const char *text, lg_class_method *out);
LG_API const char *lg_class_method_name(lg_class_method method);

/**
 * Class bounds of `n` values into at most `k` classes by `method`
 * (QUANTILE, EQUAL or JENKS).  `bounds` must hold k + 1 doubles; on
 * success *nclasses (≤ k) is the number of classes made: fewer than k when
 * the values have fewer than k distinct values or quantile bounds
 * coincide (coinciding bounds are merged).  All values equal: one class.
 * Jenks on more than 4,000 values works on 4,000 evenly spaced order
 * statistics (the bounds are still data values).  Fails with LG_ERR_ARG
 * (k < 1, no finite value, another method).
 */
LG_API lg_status lg_class_bounds(lg_ctx *ctx, lg_class_method method, const double *values,
                                 size_t n, int k, double *bounds, int *nclasses);

/** The class (0 … nclasses − 1) of `v` under `bounds`, or −1 for NaN or a
 *  value outside [bounds[0], bounds[nclasses]]. */
LG_API int lg_class_of(const double *bounds, int nclasses, double v);

/* ------------------------------------------------------------------ */
/* Maps                                                                */

typedef struct lg_map lg_map;

/** Output formats. */
typedef enum lg_map_format {
    LG_MAP_PNG = 0,
    LG_MAP_SVG = 1,
    LG_MAP_PDF = 2
} lg_map_format;

/** The format named by a file name's extension (.png, .svg, .pdf, any
 *  case). 1 on success. */
LG_API int lg_map_format_from_path(const char *path, lg_map_format *out);

/** Colour ramps for classed values (ColorBrewer sequential). */
typedef enum lg_map_palette {
    LG_PALETTE_YLGNBU = 0, /**< yellow → green → blue: more is better (亩均税收) */
    LG_PALETTE_YLORRD = 1, /**< yellow → orange → red: more is worse */
    LG_PALETTE_GREENS = 2,
    LG_PALETTE_BLUES = 3,
    LG_PALETTE_REDS = 4
} lg_map_palette;

/** Parse "YlGnBu", "YlOrRd", "Greens", "Blues", "Reds" (any case). */
LG_API int lg_map_palette_parse(const char *text, lg_map_palette *out);

/** How a thematic layer is drawn. */
typedef enum lg_theme_style {
    LG_THEME_FILL = 0,    /**< polygons filled with the class colour (choropleth) */
    LG_THEME_OUTLINE = 1  /**< graduated outlines: the class sets the line width and
                               colour, polygons are not filled */
} lg_theme_style;

/** A new map page of width × height mm at `dpi` (PNG only; 72–1200).
 *  Sizes from 40 to 2000 mm.  NULL on failure (LG_ERR_ARG). */
LG_API lg_map *lg_map_new(lg_ctx *ctx, double width_mm, double height_mm, double dpi);

/** Free a map (NULL accepted). Returns NULL. */
LG_API lg_map *lg_map_free(lg_map *map);

/** Title (and optional subtitle, NULL for none). */
LG_API lg_status lg_map_set_title(lg_ctx *ctx, lg_map *map, const char *title,
                                  const char *subtitle);
/** The data source and date printed under the map (either may be NULL). */
LG_API lg_status lg_map_set_source(lg_ctx *ctx, lg_map *map, const char *source,
                                   const char *date);

/**
 * The classified theme of the map (one per map; a second call replaces
 * the first).  `geoms` are n geometries in the map's metric CRS
 * (borrowed: they must live until the map is rendered or freed).  For
 * QUANTILE, EQUAL and JENKS, `values` (NaN: no data) are classed into at
 * most k classes; for BREAKS, `breaks` are the nbreaks interior bounds in
 * increasing order (nbreaks + 1 classes); for CATEGORICAL, `texts` (NULL:
 * no data) are classed by distinct value, in the order of `categories`
 * when given (ncategories values; "VALUE=LABEL" gives a legend label; a
 * value not in the list gets a class after them) else sorted.  `title`
 * heads the legend and `unit` follows it in brackets (either may be NULL).
 * Fails with LG_ERR_ARG (no value to class, bad breaks).
 */
typedef struct lg_theme_spec {
    lg_class_method method;
    int k;                          /**< classes wanted (QUANTILE, EQUAL, JENKS) */
    const double *breaks;           /**< BREAKS: interior bounds */
    size_t nbreaks;
    const char *const *categories;  /**< CATEGORICAL: order and labels, or NULL */
    size_t ncategories;
    lg_map_palette palette;
    lg_theme_style style;
    const char *title;              /**< legend heading (the field) */
    const char *unit;               /**< the values' unit, or NULL */
} lg_theme_spec;

LG_API lg_status lg_map_set_theme(lg_ctx *ctx, lg_map *map, const GEOSGeometry *const *geoms,
                                  const double *values, const char *const *texts, size_t n,
                                  const lg_theme_spec *spec);

/** lg_map_set_theme on field `field` of a loaded layer (numeric for the
 *  classed methods, any for CATEGORICAL).  `label_field` (may be NULL)
 *  names the field labelling the features (street names …). */
LG_API lg_status lg_map_set_theme_layer(lg_ctx *ctx, lg_map *map, const lg_layer *layer,
                                        const char *field, const char *label_field,
                                        const lg_theme_spec *spec);

/** Labels of the theme's features (after lg_map_set_theme): labels[i]
 *  for feature i (NULL: none); n must be the theme's feature count. */
LG_API lg_status lg_map_set_labels(lg_ctx *ctx, lg_map *map, const char *const *labels,
                                   size_t n);

/** The classes of the theme (after lg_map_set_theme): their number, and
 *  for class i its bounds (NaN for categorical), its legend label, the
 *  number of features in it.  The "no data" swatch is not a class. */
LG_API size_t lg_map_class_count(const lg_map *map);
LG_API double lg_map_class_lower(const lg_map *map, size_t i);
LG_API double lg_map_class_upper(const lg_map *map, size_t i);
LG_API const char *lg_map_class_label(const lg_map *map, size_t i);
LG_API size_t lg_map_class_features(const lg_map *map, size_t i);
/** Features of the theme with no value. */
LG_API size_t lg_map_nodata_features(const lg_map *map);

/** Overlay styles, drawn over the theme in the order added. */
typedef enum lg_overlay_style {
    LG_OVERLAY_BOUNDARY = 0, /**< zone boundaries (districts, streets): dark grey lines */
    LG_OVERLAY_ROADS = 1,    /**< road centre lines: thin white-cased grey lines */
    LG_OVERLAY_CONTROL = 2,  /**< control lines (三线): red dashed outlines */
    LG_OVERLAY_HATCH = 3,    /**< areas hatched in dark red (uncovered, blind spots) */
    LG_OVERLAY_POINTS = 4    /**< small dark circles */
} lg_overlay_style;

/** Parse "boundary", "roads", "control", "hatch", "points". 1 on success. */
LG_API int lg_overlay_style_parse(const char *text, lg_overlay_style *out);

/** An overlay of the features of a loaded layer; `label_field` (may be
 *  NULL) labels them; `legend` (may be NULL) names it in the legend. */
LG_API lg_status lg_map_add_overlay(lg_ctx *ctx, lg_map *map, const lg_layer *layer,
                                    lg_overlay_style style, const char *label_field,
                                    const char *legend);

/**
 * Render the map to `path` in `format`: title, the theme with its
 * labels, overlays, legend (classes with their bounds and counts, the
 * unit, no data, overlays), scale bar, north arrow (grid north), source
 * and date.  Labels are placed greedily, biggest features first, and one
 * whose box would overlap a placed label (or leave the map frame) is left
 * out.  The file is written under a temporary name and renamed.  Fails
 * with LG_ERR_ARG (no theme), LG_ERR_IO.
 */
LG_API lg_status lg_map_render(lg_ctx *ctx, lg_map *map, const char *path,
                               lg_map_format format);

/** Labels drawn and left out (overlapping) by the last render. */
LG_API size_t lg_map_labels_placed(const lg_map *map);
LG_API size_t lg_map_labels_skipped(const lg_map *map);

/** The font family pango actually uses for `text` in the map font, as
 *  fontconfig names it ("Noto Sans CJK SC" …), into buf.  For checking
 *  that Chinese is not drawn with a fallback font. */
LG_API lg_status lg_map_font_family(lg_ctx *ctx, const char *text, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_MAP_H */
