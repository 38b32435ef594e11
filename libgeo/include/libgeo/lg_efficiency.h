/*
 * lg_efficiency.h: 亩均效益 — land-efficiency evaluation of enterprises.
 *
 * An efficiency config (YAML, `geoplan: efficiency/1`; the format is
 * layers/efficiency/README.md) names the enterprise register, the parcels
 * it stands on and the zone levels, and says how firms are scored: groups
 * (规上, 规下 …) of weighted indicators, each normalised by ratio to a
 * benchmark, by min–max or by rank; classes A/B/C/D by score cut-offs or
 * by rank shares; exemptions rated "T".
 *
 *   lg_eff_config *c = lg_eff_config_load(ctx, "huangyan.yaml", NULL);
 *   if (lg_eff_config_error_count(c) == 0 && lg_eff_config_check(ctx, c) == LG_OK) {
 *       lg_efficiency *e = lg_efficiency_run(ctx, c, NULL);
 *       lg_efficiency_write(ctx, e, "out", NULL);
 *       lg_efficiency_free(ctx, e);
 *   }
 *   lg_eff_config_free(ctx, c);
 *
 * Units: money in 万元, land in 亩 (1 亩 = 10000/15 m², exactly), energy in
 * tce, emissions in t, electricity in 万kWh.  A ratio whose numerator is
 * NULL or whose denominator is NULL or not > 0 does not exist (NaN), and
 * the firm's flags say why; it is never taken as 0 silently.
 */
#ifndef LIBGEO_LG_EFFICIENCY_H
#define LIBGEO_LG_EFFICIENCY_H

#include <stddef.h>

#include "libgeo/lg_context.h"
#include "libgeo/lg_measure.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Inputs and measures                                                 */

/** A firm's figures, read from the register's fields (logical names in
 *  lg_eff_input_name; a config maps them to the real fields). */
typedef enum lg_eff_input {
    LG_EFF_TAX = 0,      /**< tax paid, 万元 */
    LG_EFF_OUTPUT,       /**< industrial output value 产值, 万元 */
    LG_EFF_REVENUE,      /**< (main business) revenue 营业收入, 万元 */
    LG_EFF_VALUE_ADDED,  /**< value added 增加值, 万元 */
    LG_EFF_ENERGY,       /**< energy use, tce */
    LG_EFF_ELECTRICITY,  /**< electricity use, 万kWh */
    LG_EFF_EMISSIONS,    /**< main pollutant emissions, t */
    LG_EFF_RD,           /**< R&D spending, 万元 */
    LG_EFF_EMPLOYEES,    /**< employees 全员, persons */
    LG_EFF_LAND,         /**< land used, 亩 (certificate, else geometry) */
    LG_EFF_INPUTS
} lg_eff_input;

/** "tax", "output", "revenue", "value_added", "energy", "electricity",
 *  "emissions", "rd", "employees", "land"; NULL when out of range. */
LG_API const char *lg_eff_input_name(lg_eff_input i);
/** "万元", "tce", "万kWh", "t", "persons", "mu". */
LG_API const char *lg_eff_input_unit(lg_eff_input i);

/** Per-firm measures: numerator ÷ denominator of two inputs. */
typedef enum lg_eff_measure {
    LG_EFF_TAX_PER_MU = 0,       /**< 亩均税收 tax ÷ land, 万元/亩 */
    LG_EFF_OUTPUT_PER_MU,        /**< 亩均产值 output ÷ land */
    LG_EFF_REVENUE_PER_MU,       /**< 亩均营业收入 revenue ÷ land */
    LG_EFF_VA_PER_MU,            /**< 亩均增加值 value added ÷ land */
    LG_EFF_VA_PER_ENERGY,        /**< 单位能耗增加值 value added ÷ energy, 万元/tce */
    LG_EFF_REVENUE_PER_ENERGY,   /**< 单位能耗销售收入 revenue ÷ energy */
    LG_EFF_TAX_PER_ENERGY,       /**< 单位能耗税收 tax ÷ energy */
    LG_EFF_TAX_PER_ELECTRICITY,  /**< 单位用电税收 tax ÷ electricity, 万元/万kWh */
    LG_EFF_VA_PER_EMISSION,      /**< 单位排放增加值 value added ÷ emissions, 万元/t */
    LG_EFF_REVENUE_PER_EMISSION, /**< 单位排放销售收入 revenue ÷ emissions */
    LG_EFF_RD_INTENSITY,         /**< 研发经费投入强度 R&D ÷ revenue (a fraction: 0.03 = 3 %) */
    LG_EFF_LABOUR_PRODUCTIVITY,  /**< 全员劳动生产率 value added ÷ employees, 万元/人 */
    LG_EFF_MEASURES
} lg_eff_measure;

/** The measure's config name ("tax_per_mu" …), unit ("万元/mu" …) and
 *  Chinese title; NULL when out of range. */
LG_API const char *lg_eff_measure_name(lg_eff_measure m);
LG_API const char *lg_eff_measure_unit(lg_eff_measure m);
LG_API const char *lg_eff_measure_title(lg_eff_measure m);
/** The inputs a measure divides. */
LG_API lg_eff_input lg_eff_measure_numerator(lg_eff_measure m);
LG_API lg_eff_input lg_eff_measure_denominator(lg_eff_measure m);

/* ------------------------------------------------------------------ */
/* Configs                                                             */

typedef struct lg_eff_config lg_eff_config;

/**
 * Parse an efficiency config, the file it includes and the project file it
 * names.  Options:
 *   DATA_DIR=dir       relative layer paths (and project:) are resolved in
 *                      dir instead of the config's directory
 *   YEAR=n             the evaluation year (overrides year:)
 *   CONFIG_PATH=d[:d]  where included configs are looked up by name (after
 *                      the config's directory; the shipped ones in
 *                      layers/efficiency are always searched last)
 * Returns a config even when the file has errors (see
 * lg_eff_config_error_count); NULL only when out of memory.
 */
LG_API lg_eff_config *lg_eff_config_load(lg_ctx *ctx, const char *path,
                                         const char *const *options);
/** Free (NULL accepted).  Returns NULL. */
LG_API lg_eff_config *lg_eff_config_free(lg_ctx *ctx, lg_eff_config *c);
/** Problems, each "FILE:LINE:COL: message", in file order. */
LG_API size_t lg_eff_config_error_count(const lg_eff_config *c);
LG_API const char *lg_eff_config_error(const lg_eff_config *c, size_t i);
LG_API size_t lg_eff_config_warning_count(const lg_eff_config *c);
LG_API const char *lg_eff_config_warning(const lg_eff_config *c, size_t i);
/**
 * Open the layers (headers only) and check the config against them:
 * readable sources, mapped fields that exist, fields the indicators need.
 * LG_OK, or LG_ERR_ARG / LG_ERR_IO with the first error as the message.
 */
LG_API lg_status lg_eff_config_check(lg_ctx *ctx, lg_eff_config *c);

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */

typedef struct lg_efficiency lg_efficiency;

/** One enterprise, in register order (strings owned by the evaluation). */
typedef struct lg_eff_firm {
    const char *id, *name;
    const char *industry;  /**< "" when not given */
    const char *parcel;    /**< the parcel's id, "" when none */
    const char *group;     /**< scoring group, "" when in none */
    const char *cls;       /**< a configured class (A, B, C, D …), "T" exempt, "N" not rated */
    const char *reason;    /**< why T or N; "" otherwise */
    const char *flags;     /**< notes joined by "; ": area mismatch, items scored 0 … */
    double input[LG_EFF_INPUTS]; /**< the figures (land in 亩); NaN when NULL */
    double cert_mu;        /**< certificate area (亩), NaN when none */
    double gis_mu;         /**< geometry area (亩): own polygon or parcel share; NaN when none */
    int land_from_cert;    /**< 1 when input[LG_EFF_LAND] is the certificate area */
    int area_mismatch;     /**< 1 when certificate and geometry differ beyond the tolerance */
    int start_year;        /**< 0 when not given */
    double measure[LG_EFF_MEASURES]; /**< NaN when it does not exist */
    double score;          /**< total points; NaN for T and N */
    int rank;              /**< 1 = best of its group (ties share); 0 for T and N */
} lg_eff_firm;

/**
 * Evaluate a checked config: read the layers once into one working CRS,
 * compute each firm's land, measures, score and class, and aggregate per
 * zone of every level.  Options: none yet (NULL).  NULL on failure with
 * the context's error set.  The evaluation borrows from the config: free
 * it first.
 */
LG_API lg_efficiency *lg_efficiency_run(lg_ctx *ctx, lg_eff_config *c,
                                        const char *const *options);
LG_API lg_efficiency *lg_efficiency_free(lg_ctx *ctx, lg_efficiency *e);

LG_API size_t lg_efficiency_firm_count(const lg_efficiency *e);
LG_API const lg_eff_firm *lg_efficiency_firm(const lg_efficiency *e, size_t i);
/** Points of firm i on measure m (weight × normalised value) when m is
 *  an indicator of its group; NaN otherwise. */
LG_API double lg_efficiency_points(const lg_efficiency *e, size_t i, lg_eff_measure m);
/** Firms of class `cls` ("A" … "T", "N"). */
LG_API size_t lg_efficiency_class_count(const lg_efficiency *e, const char *cls);

/** Zone levels (as configured) and the zone holding firm i at a level
 *  (its id), or NULL when no zone covers the firm's location. */
LG_API size_t lg_efficiency_level_count(const lg_efficiency *e);
LG_API const char *lg_efficiency_level_name(const lg_efficiency *e, size_t level);
LG_API const char *lg_efficiency_firm_zone(const lg_efficiency *e, size_t i, size_t level);
/**
 * The zone table of a level: one row per zone (zone order, zone geometry).
 * Columns: firms, rated (A–D …), the sum of each input (land: 亩), each
 * measure as Σ numerator ÷ Σ denominator over the firms having both (the
 * area-weighted 亩均), per class n:<class> and mu:<class> (firms and their
 * land), and rank (1 = the highest value of the config's zones.rank_by
 * measure among the zones; ties share; NaN without a value).  A firm
 * counts in the first zone (zone order) covering its location (its point,
 * or its polygon's centroid).
 */
LG_API const lg_table *lg_efficiency_zones(const lg_efficiency *e, size_t level);
/** The same columns in one row "total" over every firm, in a zone or not
 *  (rank NaN). */
LG_API const lg_table *lg_efficiency_total(const lg_efficiency *e, size_t level);
/** The working CRS ("EPSG:4549"). */
LG_API const char *lg_efficiency_crs(const lg_efficiency *e);

/**
 * Write into directory `dir` (created if missing; its parent must exist):
 * enterprises.csv (UTF-8 with BOM) and enterprises.json, zones_<level>.csv
 * and .json per level, and efficiency.gpkg (layer parcels with score and
 * class, layer enterprises, a layer per zone level, table params).  Every
 * file is written under a temporary name and renamed at the end: on
 * failure no file in `dir` is replaced or left half-written.  Options:
 * none yet.
 */
LG_API lg_status lg_efficiency_write(lg_ctx *ctx, const lg_efficiency *e, const char *dir,
                                     const char *const *options);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_EFFICIENCY_H */
