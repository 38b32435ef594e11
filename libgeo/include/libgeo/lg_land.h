/*
 * lg_land.h: land stock and intensity (容积率, 城镇低效用地, 批而未供, 闲置土地)
 * and site screening against the control lines (三线).
 *
 * Every function here returns an lg_result (lg_measure.h), so results print
 * and write like the kernels': a row per zone and a total row (the total
 * is the sum of the zone rows, zones should not overlap), detail tables
 * with one row per parcel / approval / supply / site and its geometry
 * (borrowed from the input layer), the parameters used and warnings.
 *
 * Shared rules:
 *  - Areas are planar m² of the working CRS; 1 亩 = 10000/15 m² exactly.
 *  - A parcel (approval, supply record) is split across zones by area
 *    share, exactly as lg_per_area does: a zone covering it takes it whole,
 *    otherwise it takes area(p ∩ zone) ÷ area(p) of it.  Its detail row
 *    names one zone, zone_row = the zone holding the largest share (the
 *    first in zone order on a tie; NaN when it lies in no zone).
 *  - Dates come from date fields (or text fields holding dates) and are
 *    parsed strictly as YYYY-MM-DD, optionally followed by a time ("T" or
 *    " " then anything), which is ignored: dates are whole days.  Anything
 *    else is an LG_ERR_ARG error naming the file, the FID, the field and
 *    the text.  A NULL date means "has not happened" where that is its
 *    meaning (supply_dt: not supplied; start_dt: not started; a halt date:
 *    not halted); where a NULL date has no such meaning (appr_date), the
 *    feature is left out with a warning.  Date columns of detail tables
 *    hold the date as the number YYYYMMDD (NaN for NULL).
 *  - "One year after D" is the same month and day a year later (29
 *    February + 1 year = 1 March, as the day after 28 February); a year
 *    Y runs from Y-01-01 (inclusive) to (Y+1)-01-01 (exclusive).
 *  - Options are NULL-terminated "KEY=VALUE" lists; an unknown key is an
 *    LG_ERR_ARG error.
 */
#ifndef LIBGEO_LG_LAND_H
#define LIBGEO_LG_LAND_H

#include "libgeo/lg_context.h"
#include "libgeo/lg_layer.h"
#include "libgeo/lg_measure.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Screening of project sites against the control lines (三线占用), for the
 * whole area (no zones): lg_overlap without zones, with slivers dropped.
 * Per site: its area; per control class (CLASS_FIELD, default "kind") the
 * area and share inside the class (the class dissolved: overlapping polygons
 * count once); the area outside the development boundary (`boundary`, else
 * the control polygons of BOUNDARY_CLASS, default 城镇开发边界; without
 * either there is no boundary and that column is NaN); and the verdict.
 * A sliver is an area in a conflict class, or outside the boundary, of at
 * most TOLERANCE_M2 (default 1 m²): it is set to 0 and added to dropped_m2,
 * so an area of exactly the tolerance is dropped and one above it counts
 * (areas in the other classes are reported as measured).
 * A site conflicts when it keeps area in a conflict class (CONFLICT_CLASSES,
 * default every class except BOUNDARY_CLASS) or outside the boundary.
 * Options: CLASS_FIELD, BOUNDARY_CLASS, CONFLICT_CLASSES, TOLERANCE_M2 as
 * in lg_overlap.
 * Result "screen": no zone rows; total: value = numerator = conflicting
 * sites, denominator = sites, area_m2, outside_boundary_m2, dropped_m2,
 * in:<class>_m2 per class (sums after dropping).  Detail "sites" (layer
 * order; id from field "id" else the FID, name from "name" else the id):
 * area_m2, in:<class>_m2 and in:<class>_pct per class, outside_boundary_m2,
 * outside_boundary_pct, dropped_m2, conflict (1/0), then the verdict's
 * parts as 1/0 columns: conflict:<class> for each conflict class and
 * conflict:outside_boundary.  Parameters as lg_overlap's, plus
 * dropped_slivers ("3 of 40 site-class areas").
 */
LG_API lg_result *lg_screen(lg_ctx *ctx, const lg_layer *sites, const lg_layer *control,
                            const lg_layer *boundary, const char *const *options);

/**
 * 容积率 and 建筑系数 per parcel from building footprints, and per zone.
 * Buildings are joined to parcels by an id field (BUILDING_PARCEL_FIELD,
 * default "parcel_id" when the buildings have it, matched against
 * PARCEL_ID_FIELD of the parcels, default "id"), or, when the buildings have
 * no such field or BUILDING_PARCEL_FIELD=none, spatially: a building
 * belongs to the first parcel (in layer order) covering its centroid.
 * A building's floor area is FLOOR_AREA_FIELD (m², when given and not
 * NULL), else footprint × FLOORS_FIELD (default "floors"); the footprint is
 * the building's geometry area.  A building whose floor area cannot be
 * known (NULL floors) is left out with a warning; one joined to no parcel
 * is counted in a warning.
 * Per parcel: floor_m2 = Σ floor area, footprint_m2 = Σ footprint,
 * land_m2 = the parcel's geometry area, far = floor_m2 ÷ land_m2,
 * coverage_pct (建筑系数) = 100 × footprint_m2 ÷ land_m2.
 * Minimum FAR: MIN_FAR=x (one minimum for every parcel, e.g. 1.5 for new
 * industrial land) or MIN_FAR=FILE, lines "industry_code min_far" ('#'
 * starts a comment; the code "*" is every code not listed), matched on
 * INDUSTRY_FIELD of the parcels (required with a file).  With
 * INDUSTRY_FIELD and no MIN_FAR the default table is the part of
 * 国土资发〔2008〕24号 given in INDICATORS.md: 电子 1.0, 通用设备 0.7,
 * 石油加工 0.5 (codes as written; no "*").  A parcel whose code is not in
 * the table has no minimum (NaN).
 * Zone columns: value = far (area-weighted: Σ floor·share ÷ Σ land·share),
 * numerator = floor_m2, denominator = land_m2, far_mean (plain mean of the
 * parcels' far, each parcel once per zone it has area in), coverage_pct,
 * parcels, below_min (parcels with far < min_far, counted once per zone
 * they meet), below_min_m2 (their land·share).
 * Detail "parcels": land_m2, floor_m2, footprint_m2, far, coverage_pct,
 * buildings, min_far, below_min (1/0; NaN without a minimum), zone_row.
 * Every parcel counts, also one without buildings (far 0).
 */
LG_API lg_result *lg_parcel_far(lg_ctx *ctx, const lg_zones *zones, const lg_layer *parcels,
                                const lg_layer *buildings, const char *const *options);

/**
 * 批而未供: land approved for construction and not yet supplied, per year.
 * For each year Y of YEARS=2022,2023,2024 (required):
 *   stock at 1 January Y   = the part of the approvals with appr_date < Y-01-01
 *                            not covered by supplies with supply_dt < Y-01-01
 *   disposed during Y      = the part of that stock supplied with supply_dt in
 *                            [Y-01-01, (Y+1)-01-01)
 *   added during Y         = the part of the approvals with appr_date in year
 *                            Y still unsupplied at (Y+1)-01-01
 *   share                  = disposed ÷ stock (%; NaN without stock)
 * so that stock(Y+1) = stock(Y) − disposed(Y) + added(Y) exactly.
 * LINK=geometry (default): "supplied" is by geometry, the area of the
 * approval covered by the union of the supply polygons (of any approval:
 * overlapping supplies count once).  LINK=id: by the link field, each
 * approval's supplied area is Σ geometry area of the supply records whose
 * SUPPLY_LINK_FIELD (default "appr_id") equals its APPROVAL_ID_FIELD
 * (default "id"), capped at the approval's area, and split across zones in
 * proportion to the approval's area share.  Fields: APPROVAL_DATE_FIELD
 * (default "appr_date"), SUPPLY_DATE_FIELD (default "supply_dt").  A NULL
 * supply_dt is a supply that has not happened (never counts); a NULL
 * appr_date leaves the approval out (warning).  A supply dated before an
 * approval it overlaps (LINK=geometry: interiors meet; LINK=id: linked) is
 * counted as supplied from the start (that part never enters the stock) and
 * warned about, naming the first such pair.
 * Zone columns: value = share of the last year (%), numerator = disposed in
 * the last year (m2), denominator = stock at 1 January of the last year
 * (m2), then per year Y: stock:Y (m2), stock_mu:Y (亩), disposed:Y (m2),
 * added:Y (m2), share:Y (%).  Detail "approvals" (whole approvals, not
 * split): area_m2, appr_date (YYYYMMDD), stock:Y (m2) per year, supplied_m2
 * (supplied by the last 1 January after the last year, i.e. before
 * (last Y + 1)-01-01), zone_row.
 */
LG_API lg_result *lg_land_stock(lg_ctx *ctx, const lg_zones *zones, const lg_layer *approvals,
                                const lg_layer *supply, const char *const *options);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_LAND_H */
