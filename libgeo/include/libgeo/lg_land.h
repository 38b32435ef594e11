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

/**
 * 城镇低效用地 (国土资发〔2016〕147号 and the local operational tests of
 * INDICATORS.md): parcels meeting any of the configured rules (OR).  Each
 * rule gives per parcel 1 (low-efficiency), 0 (not), or NaN (cannot be
 * decided for that parcel); the verdict is 1 when a rule says 1, else
 * undetermined when a rule is NaN, else 0.  A rule is on when its options
 * are given; at least one must be:
 *   class  CLASS_FIELD=f and CLASSES=a,b (comma-separated, exact text;
 *          numbers as %.15g): 1 when the value is listed (e.g. class D of
 *          the 亩均 evaluation), NaN when NULL.
 *   far    MIN_FAR=x|FILE and/or INDUSTRY_FIELD=f, read as by
 *          lg_parcel_far (one minimum, a table per industry, or the
 *          国土资发〔2008〕24号 default table), and the parcel's FAR from
 *          FAR_FIELD=f (numeric) or, with `buildings`, computed as by
 *          lg_parcel_far (floor area ÷ the parcel's geometry area; the
 *          options BUILDING_PARCEL_FIELD, PARCEL_ID_FIELD, FLOORS_FIELD,
 *          FLOOR_AREA_FIELD as there; not both).  1 when far < minimum
 *          (equal is not low); NaN when the FAR is NULL; 0 when the parcel
 *          has no minimum (its industry is not in the table), except NaN
 *          for a NULL industry code with a table.
 *   tax    TAX_FIELD=f (numeric, e.g. 万元/yr) and TAX_SHARE=s (default
 *          0.5): 1 when the parcel's tax per 亩 (tax ÷ geometry area in 亩)
 *          is below s × the mean of the parcel's zone (zone_row, the zone
 *          of its largest share), the mean being Σ tax·share ÷ Σ 亩·share
 *          over the zone's parcels whose tax is not NULL (0 counts), split
 *          by area share as in lg_per_area; equal is not below.  NaN when
 *          the tax is NULL, the parcel lies in no zone or the zone has no
 *          parcel with a tax.  Restrict the parcels to those the
 *          evaluation covers (e.g. industrial land) when loading them: a
 *          parcel without a tax figure is undetermined, not exempt.
 *   idle   STATUS_FIELD=f and IDLE_VALUES=a,b (default 闲置): 1 when the
 *          status is listed, NaN when NULL.
 * Zone columns (areas by area share; counts: each parcel once per zone it
 * has area in, so the total is the sum of the zone rows): value = 100 ×
 * low_m2 ÷ parcels_m2 (%), numerator = low_m2, denominator = parcels_m2,
 * then count, _m2 and _mu (亩) of: parcels, low, undetermined (verdict NaN),
 * and of each rule on, rule:class, rule:far, rule:tax, rule:idle (parcels
 * that rule says 1 for, whatever the others say); with the tax rule,
 * tax_mean_per_mu (the zone's mean; the total's over all zones).
 * Detail "parcels" (layer order, geometry borrowed): land_m2, far and
 * min_far (far rule), tax_per_mu and tax_mean_per_mu (tax rule), the rule
 * columns, low_efficiency (1/0/NaN), undetermined (1/0), zone_row.
 * `buildings` may be NULL.
 */
LG_API lg_result *lg_low_efficiency(lg_ctx *ctx, const lg_zones *zones, const lg_layer *parcels,
                                    const lg_layer *buildings, const char *const *options);

/**
 * 闲置土地 by 《闲置土地处置办法》(国土资源部令第53号, 2012) 第二条, applied to
 * supply records (供地) as of the day AS_OF=YYYY-MM-DD (required).  A record
 * counts when supplied on or before AS_OF (SUPPLY_DATE_FIELD, default
 * supply_dt, not NULL); the others are left out (a warning).  It has
 * started when its start date (START_FIELD, default start_dt) is not NULL
 * and on or before AS_OF.
 *   rule a  not started and AS_OF ≥ the agreed start date (DUE_FIELD,
 *           default start_due) + 1 year: idle (on exactly the day one year
 *           later it is idle; one year after 29 February is 1 March).
 *           Without an agreed date rule a cannot decide (NaN; 53号令 counts
 *           from the date agreed in the contract or allocation decision),
 *           unless NO_DUE=supply: then it counts from the supply date
 *           (as the 1999 办法 did for contracts without a date;
 *           due_from_supply = 1).  A record started late but on or before
 *           AS_OF is not idle by rule a: the state on AS_OF counts.
 *   rule b  started, and "small" — developed area (DEVELOPED_FIELD, m²) <
 *           1/3 of the record's geometry area, or investment
 *           (INVESTED_FIELD, percent 0–100 of the total investment; a
 *           value outside 0–100 is an LG_ERR_ARG error, values all within
 *           0–1 give a warning) < 25 % — and halted for one year: AS_OF ≥
 *           the halt date (HALTED_FIELD) + 1 year.  Exactly 1/3 and
 *           exactly 25 % are not small.  Three-valued: a NULL halt date is
 *           "not halted" (rule b 0); a missing value or option makes its
 *           part unknown, and rule b is 0 when either part is 0, 1 when
 *           both are 1, else NaN — so without HALTED_FIELD a started record
 *           is 0 only when both figures are known and neither is small,
 *           else undetermined.
 *   A record is idle when rule a or b is 1, undetermined when not and one
 *   of them is NaN; rule a is 0 for started records, rule b for the others.
 * Zone columns (areas by area share; counts: each record once per zone it
 * has area in): value = 100 × idle_m2 ÷ records_m2 (%), numerator =
 * idle_m2, denominator = records_m2, then count, _m2 and _mu of: records
 * (counted), idle, not_idle, undetermined, rule_a, rule_b.  Detail
 * "supply" (layer order): area_m2, supply_dt, start_due, start_dt,
 * halted_dt (YYYYMMDD), developed_m2, invested_pct, counted (1/0), rule_a,
 * rule_b, idle (1/0/NaN), undetermined (1/0), due_from_supply (1/0),
 * zone_row; NaN in the rule columns for records not counted.
 */
LG_API lg_result *lg_idle_land(lg_ctx *ctx, const lg_zones *zones, const lg_layer *supply,
                               const char *const *options);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_LAND_H */
