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
/** "name [unit]" (or "name" when the column has no unit) into buf. */
LG_API void lg_table_column_label(const lg_table *t, size_t col, char *buf, size_t n);
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

/**
 * Write a result as a GeoPackage at `path`: layer "zones" (zone polygons
 * with id, name and one Real field per column, the unit in the field's
 * alternative name), one layer per detail table with its geometries, and
 * attribute tables "total" and "params" (kernel, unit, CRS, the unit of
 * each column, parameters, warnings); in the CRS given as WKT
 * (lg_crs_wkt of the working CRS).  Written under lg_output_tmp_path(path)
 * and renamed over `path` only when complete: a failure leaves `path` as
 * it was.  LG_ERR_IO naming the file on failure.
 */
LG_API lg_status lg_result_write_gpkg(lg_ctx *ctx, const lg_result *r, const char *crs_wkt,
                                      const char *path);
/** The shortest decimal text that reads back as exactly `v` (plain
 *  decimals for everyday magnitudes, 2000 not 2e+03); "" for NaN and
 *  infinities.  buf must hold at least 32 bytes.  Returns buf. */
LG_API const char *lg_number_text(char *buf, size_t n, double v);
/** The temporary name a GeoPackage for `path` is written under
 *  (DIR/.NAME.PID.tmp.gpkg), e.g. to remove it from a signal handler.
 *  0 on success, -1 when buf is too small. */
LG_API int lg_output_tmp_path(const char *path, char *buf, size_t n);

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
 * covered_mu (1 亩 = 10000/15 m²), per_person_m2 (covered m² ÷ the zone's
 * population, with option POPULATION_FIELD=f, a numeric field of the
 * zones; NaN otherwise, and for a zone whose population is 0, NULL or
 * negative).  Forest cover, green coverage, sponge city share, development
 * intensity, sports ground area per person.
 */
LG_API lg_result *lg_area_share(lg_ctx *ctx, const lg_zones *zones, const lg_layer *cover,
                                const lg_layer *denominator, const char *const *options);

/**
 * count — points (or polygon centroids) per zone.  Each feature counts
 * once, at its location: the point itself, else the centroid (multi-points,
 * polygons).  The centroid of a concave polygon can lie outside it: the
 * feature then counts in the zone holding the centroid (or in none).  A
 * location on a zone boundary counts in the first zone (in zone order) that
 * covers it, so a point on a shared boundary never counts twice.  Options:
 * WEIGHT_FIELD=f (sum of a numeric field of the points, e.g. beds; a NULL
 * weight adds 0 and is counted in a warning), POPULATION_FIELD=f (a numeric
 * field of the zones), PER=1000 (per how many people, default 1000),
 * MIN_COUNT=n (flag zones with fewer; default 1).  Columns: value (count),
 * numerator (count), denominator (zone area, km2), per_km2, weighted (NaN
 * without WEIGHT_FIELD), per_people = count ÷ population × PER (NaN without
 * POPULATION_FIELD and for a zone whose population is 0, NULL or negative;
 * the total's is NaN when any zone's population is NULL or negative, with a
 * warning), meets_min (1/0; the total's is 1 only when every zone meets
 * it), weighted_per_people = weighted ÷ population × PER (e.g. childcare
 * places per 1,000 people; NaN without both fields).  Parameters also give
 * points_in_no_zone and points_in_several_zones
 * (on shared boundaries or in overlapping zones, counted in the first).
 */
LG_API lg_result *lg_count(lg_ctx *ctx, const lg_zones *zones, const lg_layer *points,
                           const char *const *options);

/**
 * per-area — sums of parcel attributes per zone ÷ land area in 亩 (亩均税收,
 * 亩均产值), parcels split across zone boundaries by area share:
 * share(p) = area(p ∩ zone) ÷ area(p), 1 when the zone covers p, and
 *   value = Σ value(p)·share(p) ÷ (Σ land(p)·share(p) ÷ (10000/15 m²/亩))
 * with land(p) the AREA_FIELD value (converted from AREA_UNIT), else the
 * geometry area (land·share is then area(p ∩ zone): the W4 definition of
 * the PostGIS/GeoPandas peers).  Options: VALUE_FIELD=f (required, numeric),
 * AREA_FIELD=f (land area from an attribute, e.g. the certificate area; a
 * NULL or non-positive one falls back to the geometry area, and values more
 * than 10 % off the geometry area are reported, both as warnings),
 * AREA_UNIT=m2|mu|ha (of AREA_FIELD, default m2), FLOOR_FIELD=f (floor area
 * in m²: adds FAR columns).  Parcels whose value is NULL are left out of
 * numerator and denominator; zero counts.  Parcels meeting a zone only
 * along its boundary (no common area) do not count there.
 * Columns: value (value/mu; NaN without land), numerator (Σ value·share),
 * denominator (亩), land_m2 (Σ land·share, m²), and with FLOOR_FIELD, over
 * the parcels whose floor area is not NULL (whatever their value):
 * far = Σ floor·share ÷ Σ land·share (area-weighted) and far_mean = the
 * plain mean of floor(p) ÷ land(p) over those parcels having area in the
 * zone, each parcel once per zone it meets (the total's: the mean over all
 * such parcel–zone pairs).
 */
LG_API lg_result *lg_per_area(lg_ctx *ctx, const lg_zones *zones, const lg_layer *parcels,
                              const char *const *options);

/**
 * coverage — share of `target` (polygons: area; points: count, or a
 * WEIGHT_FIELD sum) within the service radius of `facilities`, radius by
 * a rule table on the facility's size (its area, or SIZE_FIELD) and kind.
 * Each facility is buffered from its geometry (a polygon grows outward from
 * its boundary; a point becomes a regular polygon of 4 × SEGMENTS vertices
 * on the circle) and the buffers are unioned before measuring, so
 * overlapping service areas count once.  Per zone, polygon targets are
 * clipped to the zone and dissolved (overlaps count once): numerator =
 * area(target ∩ zone ∩ union of buffers), denominator = area(target ∩
 * zone).  A point target (a multi-point: its centroid) counts in the first
 * zone (in zone order) covering it, and is covered when a buffer covers it.
 * Options:
 *   RULES=file   lines "min_area_m2 max_area_m2 radius_m [kind,kind...]":
 *                size in [min, max) gets radius_m (max may be "inf"); the
 *                first matching line applies; '#' starts a comment, blank
 *                lines are skipped; the optional rest of the line is a
 *                comma-separated list of KIND_FIELD values (numbers as
 *                written by %.15g) the rule is limited to, and needs
 *                KIND_FIELD.  A facility matching no rule does not count.
 *                Errors: LG_ERR_ARG naming the file, the line and the
 *                expected form; LG_ERR_IO when it cannot be read.
 *                Default: the 2021 城市体检 rule (≥ 5000 m² → 500 m,
 *                [2000, 5000) m² → 300 m, smaller: not counted).
 *   RADIUS=r     one radius (m) for every facility (not with RULES).
 *   KIND_FIELD=f the facility attribute the rule kinds are matched on.
 *   SIZE_FIELD=f numeric facility area in m² instead of the geometry's; a
 *                NULL size: the facility does not count (a warning).
 *                Points and lines have no area (size 0): as facilities
 *                they need SIZE_FIELD, RADIUS, or a RULES line from 0
 *                ("0 inf 500 bus_stop"); with the default rule and neither,
 *                point or line facilities are an LG_ERR_ARG error.
 *   WEIGHT_FIELD=f  numeric weight of point targets (population); a NULL
 *                or negative weight leaves the point out (a warning).
 *                LG_ERR_ARG with polygon targets.
 *   SEGMENTS=8   buffer segments per quarter circle (1–1000).
 * Columns: value (%), numerator (covered), denominator (target), uncovered
 * (denominator − numerator as measured on the uncovered pieces), in m2
 * (polygon targets), "weight" (WEIGHT_FIELD) or "count".  Detail table
 * "uncovered" (盲区), labelled with the zone's id and name: polygon targets,
 * one row per uncovered polygon (column area_m2; geometry owned by the
 * result); point targets, one row per uncovered point (columns weight, fid;
 * geometry borrowed from `target`).  Parameters give the rules as applied,
 * the radius source, the segments and facilities_counted ("11 of 25").
 */
LG_API lg_result *lg_coverage(lg_ctx *ctx, const lg_zones *zones, const lg_layer *facilities,
                              const lg_layer *target, const char *const *options);

/**
 * overlap — for each site (a polygon): its area and share inside each class
 * of `control` (dissolved per class: overlapping polygons count once;
 * CLASS_FIELD, default "kind"), its area outside the boundary (城镇开发边界),
 * and a conflict flag.  Sites are counted in the first zone (in zone order)
 * covering their centroid (ST_Centroid: it can lie outside a concave site).
 * The boundary is the `boundary` layer when given, else the control
 * polygons of class BOUNDARY_CLASS, else there is none and
 * outside_boundary_m2 is NaN (never a conflict).  Options:
 *   CLASS_FIELD=f        the control attribute holding the class ("kind")
 *   BOUNDARY_CLASS=name  default "城镇开发边界"
 *   CONFLICT_CLASSES=a,b the classes whose occupation is a conflict;
 *                        default every class except BOUNDARY_CLASS (a named
 *                        class that does not occur gives a warning)
 *   TOLERANCE_M2=t       default 1: a site conflicts when an in:<conflict
 *                        class>_m2 or its outside_boundary_m2 is > t
 * Control and boundary polygons of more than 256 vertices are subdivided
 * once (as ST_Subdivide) before the per-site overlays.  Zone columns: value
 * = numerator = conflicting sites, denominator = sites (count), then area_m2,
 * outside_boundary_m2 and in:<class>_m2 per class, summed over the zone's
 * sites.  Detail table "sites", one row per site in layer order (id from
 * the field "id", else the FID; name from "name", else the id; geometry
 * borrowed from `sites`): area_m2, in:<class>_m2 and in:<class>_pct for
 * every class (bytewise class order), outside_boundary_m2, conflict (1/0),
 * zone_row (the row of the zones table counting the site; NaN when its
 * centroid is in no zone: such sites are left out of the zone and total
 * rows, with a warning).
 * `zones` may be NULL (whole-area screening, see lg_screen): the zones
 * table then has no rows, every site counts in the total, zone_row is NaN
 * and the working CRS is that of `sites`.
 */
LG_API lg_result *lg_overlap(lg_ctx *ctx, const lg_zones *zones, const lg_layer *sites,
                             const lg_layer *control, const lg_layer *boundary,
                             const char *const *options);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_MEASURE_H */
