/*
 * lg_measure.h: indicator kernels — per-zone spatial measures.
 *
 * Every planning target reduces to one of a handful of measures evaluated
 * per zone (district, street, park, any polygon layer) and for the whole
 * area.  A kernel takes zones and input layers that are already loaded in
 * one working CRS (lg_layer_load), and returns an lg_result: a table with a
 * row per zone (id, name, value, numerator, denominator and kernel-specific
 * columns, each with its unit), a total row, optional detail tables (the
 * uncovered residential polygons of a coverage run, the per-site rows of an
 * overlap run), the parameters used and warnings.
 *
 * Exactness rules shared by every kernel:
 *  - NULL and empty geometries never count (they are dropped at load).
 *  - A feature covered by a zone counts whole; only boundary cases are
 *    intersected.  Cover layers are dissolved per zone before measuring,
 *    so overlapping polygons never count twice.
 *  - Lengths in metres and areas in square metres of the working CRS;
 *    values in the unit the result names (km/km², %, 万元/亩 …).
 *  - Results do not depend on the number of threads: each zone is computed
 *    by one thread, from its candidates in a fixed order.
 *  - The total row is computed from the sums of the zone numerators and
 *    denominators; zones should not overlap (a warning says when they do).
 *
 * Options are NULL-terminated "KEY=VALUE" lists, as in lg_layer_open.
 */
#ifndef LIBGEO_LG_MEASURE_H
#define LIBGEO_LG_MEASURE_H

#include <stddef.h>

#include "libgeo/lg_context.h"
#include "libgeo/lg_layer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Zones                                                               */

typedef struct lg_zones lg_zones;

/**
 * Zones from a loaded polygon layer.  `id_field` and `name_field` name the
 * attributes used as zone id and name; NULL picks the first of "code",
 * "id", "adcode", "zid" (else the FID) and of "name", "名称", "NAME",
 * "zname" (else the id).  The layer must stay open while the zones live.
 * Fails with LG_ERR_ARG (not polygons, unknown field, not loaded).
 */
LG_API lg_zones *lg_zones_new(lg_ctx *ctx, const lg_layer *layer, const char *id_field,
                              const char *name_field);
/** Free (NULL accepted).  Returns NULL. */
LG_API lg_zones *lg_zones_free(lg_ctx *ctx, lg_zones *zones);
LG_API size_t lg_zones_count(const lg_zones *zones);
LG_API const char *lg_zones_id(const lg_zones *zones, size_t i);
LG_API const char *lg_zones_name(const lg_zones *zones, size_t i);
/** Area of zone i in m² (working CRS). */
LG_API double lg_zones_area(const lg_zones *zones, size_t i);
/** The zone layer. */
LG_API const lg_layer *lg_zones_layer(const lg_zones *zones);

/* ------------------------------------------------------------------ */
/* Result tables                                                       */

typedef struct lg_table lg_table;

/** The table's name ("zones", "total", "uncovered", "sites" …). */
LG_API const char *lg_table_name(const lg_table *t);
LG_API size_t lg_table_rows(const lg_table *t);
LG_API size_t lg_table_columns(const lg_table *t);
LG_API const char *lg_table_column_name(const lg_table *t, size_t col);
/** The column's unit ("km/km2", "m2", "%", "count" …; "" when none). */
LG_API const char *lg_table_column_unit(const lg_table *t, size_t col);
/** Index of a column by name, or -1. */
LG_API int lg_table_column_index(const lg_table *t, const char *name);
/** A cell; NaN means "no value" (e.g. a ratio with a zero denominator). */
LG_API double lg_table_value(const lg_table *t, size_t row, size_t col);
/** The row's id and name (UTF-8; never NULL). */
LG_API const char *lg_table_row_id(const lg_table *t, size_t row);
LG_API const char *lg_table_row_name(const lg_table *t, size_t row);
/** The row's geometry in the working CRS (borrowed; may be NULL). */
LG_API const GEOSGeometry *lg_table_row_geom(const lg_table *t, size_t row);

typedef struct lg_result lg_result;

/** Free a result (NULL accepted).  Returns NULL. */
LG_API lg_result *lg_result_free(lg_ctx *ctx, lg_result *r);
/** The kernel's name ("length-density" …). */
LG_API const char *lg_result_kernel(const lg_result *r);
/** The unit of the value column. */
LG_API const char *lg_result_unit(const lg_result *r);
/** The working CRS id ("EPSG:4549") or name. */
LG_API const char *lg_result_crs(const lg_result *r);
/** One row per zone, in zone order; columns start with value, numerator,
 *  denominator. Row geometries are the zones. */
LG_API const lg_table *lg_result_zones(const lg_result *r);
/** One row "total" with the same columns, for the whole area. */
LG_API const lg_table *lg_result_total(const lg_result *r);
/** Detail tables (e.g. "uncovered", "sites"). */
LG_API size_t lg_result_detail_count(const lg_result *r);
LG_API const lg_table *lg_result_detail(const lg_result *r, size_t i);
/** Parameters used, as key/value text pairs (the variant chosen, fields,
 *  radii …), in a stable order. */
LG_API size_t lg_result_param_count(const lg_result *r);
LG_API const char *lg_result_param_key(const lg_result *r, size_t i);
LG_API const char *lg_result_param_value(const lg_result *r, size_t i);
/** Warnings raised while measuring (also sent to the context's handler). */
LG_API size_t lg_result_warning_count(const lg_result *r);
LG_API const char *lg_result_warning(const lg_result *r, size_t i);

/* ------------------------------------------------------------------ */
/* Threads                                                             */

/** Number of worker threads kernels use: 0 (default) = all cores. */
LG_API void lg_ctx_set_threads(lg_ctx *ctx, int threads);
LG_API int lg_ctx_threads(const lg_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Kernels                                                             */

/**
 * length-density — line length clipped to each zone and density.
 * value = km of lines in zone ÷ km² of zone (km/km²).  With a `denominator`
 * polygon layer (e.g. the built-up area), lines and area are both taken in
 * zone ∩ denominator.  Options:
 *   CLASS_FIELD=f   add a column "km:<class>" per value of field f
 *   UNDIRECTED=yes  count a line and its exact reverse once (directed
 *                   graphs draw a two-way street twice)
 * Columns: value (km/km2), numerator (km), denominator (km2), length_m,
 * area_m2, then per class.  Road density, greenway, sewer, rail and
 * shoreline lengths use this.
 */
LG_API lg_result *lg_length_density(lg_ctx *ctx, const lg_zones *zones, const lg_layer *lines,
                                    const lg_layer *denominator, const char *const *options);

/**
 * length-share — length of lines of chosen classes ÷ length of all lines in
 * the zone (%), e.g. 自然岸线保有率.  Options: CLASS_FIELD=f (required),
 * CLASSES=a,b,c (the numerator classes, required), UNDIRECTED=yes.
 */
LG_API lg_result *lg_length_share(lg_ctx *ctx, const lg_zones *zones, const lg_layer *lines,
                                  const char *const *options);

/**
 * area-share — area of the union of `cover` inside each zone ÷ zone area
 * (or ÷ the area of `denominator` ∩ zone when given), in %.  The cover is
 * dissolved first: overlapping polygons never count twice.  Columns: value
 * (%), numerator (m2), denominator (m2), covered_km2, covered_ha,
 * covered_mu (1 亩 = 10000/15 m²).  Forest cover, green coverage, sponge
 * city share, development intensity.
 */
LG_API lg_result *lg_area_share(lg_ctx *ctx, const lg_zones *zones, const lg_layer *cover,
                                const lg_layer *denominator, const char *const *options);

/**
 * count — points (or polygon centroids) per zone.  A point on a zone
 * boundary counts in the first zone (in zone order) that covers it.
 * Options: WEIGHT_FIELD=f (sum of a capacity field), POPULATION_FIELD=f
 * (a field of the zones), PER=1000 (per how many people, default 1000),
 * MIN_COUNT=n (flag zones with fewer; default 1).  Columns: value (count),
 * numerator (count), denominator (km2), per_km2, weighted, per_people,
 * meets_min (1/0).
 */
LG_API lg_result *lg_count(lg_ctx *ctx, const lg_zones *zones, const lg_layer *points,
                           const char *const *options);

/**
 * per-area — sums of parcel attributes per zone ÷ land area in 亩 (亩均税收,
 * 亩均产值), parcels split across zone boundaries by area share.  Options:
 * VALUE_FIELD=f (required), AREA_FIELD=f (land area in m² from an attribute,
 * else geometry), AREA_UNIT=m2|mu|ha (of AREA_FIELD, default m2),
 * FLOOR_FIELD=f (floor area in m²: adds FAR columns).  Parcels whose value
 * is NULL are left out of numerator and denominator; zero counts.
 * Columns: value (value unit/亩), numerator (sum of values), denominator
 * (亩), land_m2, and with FLOOR_FIELD: far (floor ÷ land, area-weighted),
 * far_mean (plain mean of parcel FARs).
 */
LG_API lg_result *lg_per_area(lg_ctx *ctx, const lg_zones *zones, const lg_layer *parcels,
                              const char *const *options);

/**
 * coverage — share of `target` (polygons: area; points: count, or a
 * POPULATION weight) within the service radius of `facilities`, radius by
 * a rule table on the facility's area (polygons) or a size field.  Buffers
 * are unioned before measuring.  Options: RULES=file (lines
 * "min_area_m2 max_area_m2 radius_m [kind,kind]"), default the 2021 城市体检
 * rule (≥ 5000 m² → 500 m, 2000–5000 m² → 300 m, smaller: not counted);
 * RADIUS=r (one radius for all); KIND_FIELD=f; SIZE_FIELD=f (area in m²
 * instead of geometry); WEIGHT_FIELD=f (for point targets); SEGMENTS=8
 * (per quarter circle).  Columns: value (%), numerator (covered m2 or
 * weight), denominator (target m2 or weight).  Detail table "uncovered":
 * the uncovered target polygons (盲区) per zone.
 */
LG_API lg_result *lg_coverage(lg_ctx *ctx, const lg_zones *zones, const lg_layer *facilities,
                              const lg_layer *target, const char *const *options);

/**
 * overlap — for each site: area and share inside each class of `control`
 * (dissolved per class; CLASS_FIELD, default "kind"), area outside
 * `boundary` (城镇开发边界; may be NULL), and a conflict flag (any of those
 * above TOLERANCE_M2, default 1 m²).  Sites are counted in the zone holding
 * their centroid.  Zone columns: value (conflicting sites), numerator
 * (conflicting), denominator (sites).  Detail table "sites": per site
 * area_m2, in:<class>_m2, in:<class>_pct, outside_boundary_m2, conflict.
 */
LG_API lg_result *lg_overlap(lg_ctx *ctx, const lg_zones *zones, const lg_layer *sites,
                             const lg_layer *control, const lg_layer *boundary,
                             const char *const *options);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_MEASURE_H */
