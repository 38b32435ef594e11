/*
 * lg_project.h: project files, target sets, and the evaluation of a plan.
 *
 * A project file (YAML, see layers/targets/README.md) binds a bureau's
 * layers to roles, names the zone levels, and includes target sets: what a
 * planning document says, as indicators defined on roles and targets citing
 * their source.  Evaluating a project reads every layer once, runs each
 * indicator's kernel per zone level, and compares every value with its
 * targets.
 *
 *   lg_project *p = lg_project_load(ctx, "plan.yaml", NULL);
 *   if (lg_project_error_count(p) == 0 && lg_project_check(ctx, p) == LG_OK) {
 *       lg_evaluation *ev = lg_project_evaluate(ctx, p, NULL);
 *       lg_evaluation_write(ctx, ev, "out", NULL);
 *       lg_evaluation_free(ev);
 *   }
 *   lg_project_free(ctx, p);
 *
 * Problems in a project are collected, not stopped at: each is one line
 * "FILE:LINE:COL: message" saying what is wrong and what is expected.
 */
#ifndef LIBGEO_LG_PROJECT_H
#define LIBGEO_LG_PROJECT_H

#include <stddef.h>

#include "libgeo/lg_context.h"
#include "libgeo/lg_measure.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lg_project lg_project;

/**
 * Parse a project file and the target sets it includes.  Options:
 *   TARGET_PATH=dir[:dir...]  where included sets are looked up by id (after
 *                             the project's own directory; the build and
 *                             install locations of the shipped sets are
 *                             always searched last)
 * Returns a project even when the file has errors (see
 * lg_project_error_count); NULL only when out of memory.  Layers are not
 * opened: lg_project_check does that.
 */
LG_API lg_project *lg_project_load(lg_ctx *ctx, const char *path, const char *const *options);
/** Free (NULL accepted).  Returns NULL. */
LG_API lg_project *lg_project_free(lg_ctx *ctx, lg_project *p);

/** Errors found so far ("FILE:LINE:COL: message"), in file order. */
LG_API size_t lg_project_error_count(const lg_project *p);
LG_API const char *lg_project_error(const lg_project *p, size_t i);
/** Warnings (an indicator that will have no data, an unused layer …). */
LG_API size_t lg_project_warning_count(const lg_project *p);
LG_API const char *lg_project_warning(const lg_project *p, size_t i);

/**
 * Open every layer (headers only, nothing loaded) and check the project
 * against the data: readable sources, mapped fields that exist, roles
 * known, units that match.  Adds to the errors and warnings; LG_OK when
 * there are no errors, else LG_ERR_ARG (or LG_ERR_IO) with the first error
 * as the context's message.
 */
LG_API lg_status lg_project_check(lg_ctx *ctx, lg_project *p);

/** Counts of what the project defines (after includes and merges). */
LG_API size_t lg_project_layer_count(const lg_project *p);
LG_API size_t lg_project_level_count(const lg_project *p);
LG_API size_t lg_project_indicator_count(const lg_project *p);
LG_API size_t lg_project_target_count(const lg_project *p);
/** The project's name ("" when not given). */
LG_API const char *lg_project_name(const lg_project *p);

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */

typedef enum lg_target_status {
    LG_STATUS_MET = 0,
    LG_STATUS_NOT_MET = 1,
    LG_STATUS_NO_DATA = 2,        /**< the indicator could not be measured (reason given) */
    LG_STATUS_NOT_APPLICABLE = 3, /**< no numeric target, or its zone is not in the data */
    LG_STATUS_NO_TARGET = 4       /**< a measured value no target speaks of */
} lg_target_status;

/** "met", "not met", "no data", "not applicable", "no target". */
LG_API const char *lg_target_status_name(lg_target_status s);

typedef struct lg_evaluation lg_evaluation;

/**
 * Evaluate a checked project: read each layer once into one working CRS,
 * run every indicator at every zone level, compare with the targets.  The
 * evaluation borrows from the project: free it before the project.
 * NULL on failure (bad input, cancelled) with the context's error set.
 * Options: none yet (NULL).
 */
LG_API lg_evaluation *lg_project_evaluate(lg_ctx *ctx, lg_project *p,
                                          const char *const *options);
LG_API lg_evaluation *lg_evaluation_free(lg_ctx *ctx, lg_evaluation *ev);

/** The working CRS ("EPSG:4549"). */
LG_API const char *lg_evaluation_crs(const lg_evaluation *ev);

/**
 * Rows: one per zone (and total) × indicator × applicable target, and one
 * per zone × indicator that no target speaks of (LG_STATUS_NO_TARGET).
 * Order: binding targets first, then by indicator, level, zone order.
 */
LG_API size_t lg_evaluation_rows(const lg_evaluation *ev);

typedef struct lg_eval_row {
    const char *indicator;       /**< indicator id */
    const char *title_zh, *title_en;
    const char *level;           /**< zone level ("district", "street" …) */
    const char *zone_id;         /**< "total" for the whole-area row */
    const char *zone_name;
    double value;                /**< in `unit`; NaN: no data */
    const char *unit;            /**< the target's unit when there is a target */
    const char *target_id;       /**< NULL when no target */
    const char *compare;         /**< ">=", "range" …; NULL when no target */
    double target, target_min, target_max; /**< NaN when not used */
    int binding;                 /**< 1 约束性, 0 预期性 */
    int year;                    /**< 0 when not given */
    lg_target_status status;
    double gap;                  /**< value − target (range: to the nearest bound, 0 inside) */
    double gap_rel;              /**< gap ÷ |target| (NaN when the target is 0) */
    const char *reason;          /**< why no data / not applicable; "" otherwise */
    const char *variant;         /**< the kernel, inputs and parameters used */
    const char *source_document, *source_section, *source_text; /**< "" when none */
    const char *note;            /**< the target's note, "" when none */
    double baseline;             /**< NaN when none */
    int baseline_year;
} lg_eval_row;

/** Row i (borrowed strings, valid while the evaluation and its project
 *  live). */
LG_API const lg_eval_row *lg_evaluation_row(const lg_evaluation *ev, size_t i);

/** Number of binding targets not met (rows with binding and NOT_MET). */
LG_API size_t lg_evaluation_binding_missed(const lg_evaluation *ev);

/** The kernel result of an indicator at a level (NULL when not run). */
LG_API const lg_result *lg_evaluation_result(const lg_evaluation *ev, const char *indicator,
                                             const char *level);

/**
 * Write the evaluation into directory `dir` (created if missing; its
 * parent must exist): indicators.csv (UTF-8 with BOM), indicators.json,
 * results.gpkg (one layer per zone level with a column per indicator, and
 * the detail layers) and report.md (Chinese and English).  Every file is
 * written under a temporary name and renamed at the end: on failure no
 * file in `dir` is replaced or left half-written.  Options: "HTML=YES"
 * also writes report.html, one self-contained page (inline CSS and SVG,
 * no script or external reference): the targets table with met/not-met
 * marks and each target's source, per indicator a bar chart of the
 * finest level's zones against the target line and a map.
 */
LG_API lg_status lg_evaluation_write(lg_ctx *ctx, const lg_evaluation *ev, const char *dir,
                                     const char *const *options);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_PROJECT_H */
