/* Units of indicators and targets, the kernels as project files see them,
 * and comparisons.  See layers/targets/README.md ("Units", "Kernels"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project_internal.h"

enum { D_NONE, D_PCT, D_LEN, D_AREA, D_COUNT, D_CDENS, D_LDENS, D_APP, D_PER1000, D_MONEY,
       D_MONEY_MU };

static const struct unit_def {
    const char *name;
    int dim;
    double factor;
} UNITS[] = {
    {"", D_NONE, 1},
    {"ratio", D_NONE, 1},
    {"%", D_PCT, 1},
    {"m", D_LEN, 1},
    {"km", D_LEN, 1000},
    {"m2", D_AREA, 1},
    {"km2", D_AREA, 1e6},
    {"ha", D_AREA, 1e4},
    {"mu", D_AREA, 10000.0 / 15.0},
    {"亩", D_AREA, 10000.0 / 15.0},
    {"万亩", D_AREA, 1e8 / 15.0},
    {"count", D_COUNT, 1},
    {"count/km2", D_CDENS, 1},
    {"km/km2", D_LDENS, 1},
    {"m2/person", D_APP, 1},
    {"per 1000 people", D_PER1000, 1},
    {"per 10000 people", D_PER1000, 10},
    {"count/1000 people", D_PER1000, 1},
    {"count/10000 people", D_PER1000, 10},
    {"万元", D_MONEY, 1e4},
    {"亿元", D_MONEY, 1e8},
    {"万元/mu", D_MONEY_MU, 1e4},
    {"万元/亩", D_MONEY_MU, 1e4},
    {"亿元/mu", D_MONEY_MU, 1e8},
};

int pj_unit(const char *unit, int *dim, double *factor)
{
    if (!unit)
        return 0;
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++) {
        if (strcmp(UNITS[i].name, unit) == 0) {
            *dim = UNITS[i].dim;
            *factor = UNITS[i].factor;
            return 1;
        }
    }
    return 0;
}

int pj_unit_convert(double v, const char *from, const char *to, double *out)
{
    int da, db;
    double fa, fb;
    if (!pj_unit(from, &da, &fa) || !pj_unit(to, &db, &fb) || da != db)
        return 0;
    /* per-people units: "per 10000" is 10 × "per 1000" of the same count */
    *out = fa == fb ? v : v * fa / fb;
    return 1;
}

/* ---- kernels ---- */

static const char *const LD_COLS[] = {"value", "numerator", "denominator", "length_m", "area_m2",
                                      NULL};
static const char *const LD_UNITS[] = {"km/km2", "km", "km2", "m", "m2"};
static const char *const LD_PARAMS[] = {"class_field", "undirected", NULL};
static const char *const LS_COLS[] = {"value", "numerator", "denominator", NULL};
static const char *const LS_UNITS[] = {"%", "km", "km"};
static const char *const LS_PARAMS[] = {"class_field", "classes", "undirected", NULL};
static const char *const AS_COLS[] = {"value",      "numerator",  "denominator",   "covered_km2",
                                      "covered_ha", "covered_mu", "per_person_m2", NULL};
static const char *const AS_UNITS[] = {"%", "m2", "m2", "km2", "ha", "mu", "m2/person"};
static const char *const AS_PARAMS[] = {"population_field", NULL};
static const char *const CO_COLS[] = {"value",     "numerator",  "denominator",
                                      "per_km2",   "weighted",   "per_people",
                                      "weighted_per_people",     "meets_min", NULL};
static const char *const CO_UNITS[] = {"count", "count", "km2", "count/km2", NULL, NULL, NULL, ""};
static const char *const CO_PARAMS[] = {"weight_field", "population_field", "per", "min_count",
                                        NULL};
static const char *const PA_COLS[] = {"value", "numerator", "denominator", "land_m2",
                                      "far",   "far_mean",  NULL};
static const char *const PA_UNITS[] = {NULL, NULL, "mu", "m2", "ratio", "ratio"};
static const char *const PA_PARAMS[] = {"value_field", "area_field", "area_unit", "floor_field",
                                        NULL};
static const char *const CV_COLS[] = {"value", "numerator", "denominator", "uncovered", NULL};
static const char *const CV_UNITS[] = {"%", NULL, NULL, NULL};
static const char *const CV_PARAMS[] = {"rules",        "radius",   "kind_field", "size_field",
                                        "weight_field", "segments", NULL};
static const char *const OV_COLS[] = {"value", "numerator", "denominator", "area_m2",
                                      "outside_boundary_m2", NULL};
static const char *const OV_UNITS[] = {"count", "count", "count", "m2", "m2"};
static const char *const OV_PARAMS[] = {"class_field", "boundary_class", "conflict_classes",
                                        "tolerance_m2", NULL};
static const char *const FAR_COLS[] = {"value",        "numerator", "denominator", "far_mean",
                                       "coverage_pct", "parcels",   "below_min",   "below_min_m2",
                                       NULL};
static const char *const FAR_UNITS[] = {"ratio", "m2", "m2", "ratio", "%", "count", "count", "m2"};
static const char *const FAR_PARAMS[] = {"building_parcel_field", "parcel_id_field",
                                         "floor_area_field", "floors_field", "min_far",
                                         "industry_field", NULL};
static const char *const LSK_COLS[] = {"value", "numerator", "denominator", NULL};
static const char *const LSK_UNITS[] = {"%", "m2", "m2"};
static const char *const LSK_PARAMS[] = {"years",           "link",
                                         "approval_date_field", "supply_date_field",
                                         "approval_id_field",   "supply_link_field", NULL};
static const char *const LOW_COLS[] = {"value",  "numerator", "denominator", "low",
                                       "low_mu", "undetermined", "undetermined_mu", NULL};
static const char *const LOW_UNITS[] = {"%", "m2", "m2", "count", "mu", "count", "mu"};
static const char *const LOW_PARAMS[] = {"class_field",  "classes",       "min_far",
                                         "industry_field", "far_field",   "tax_field",
                                         "tax_share",    "status_field",  "idle_values",
                                         "building_parcel_field", "parcel_id_field",
                                         "floor_area_field", "floors_field", NULL};
static const char *const IDLE_COLS[] = {"value",  "numerator", "denominator", "idle",
                                        "idle_mu", "undetermined", "undetermined_mu", NULL};
static const char *const IDLE_UNITS[] = {"%", "m2", "m2", "count", "mu", "count", "mu"};
static const char *const IDLE_PARAMS[] = {"as_of",         "due_field",      "start_field",
                                          "supply_date_field", "halted_field", "developed_field",
                                          "invested_field", "no_due",        NULL};
static const char *const NO_COLS[] = {"value", NULL};
static const char *const NO_UNITS[] = {NULL};
static const char *const NO_PARAMS[] = {NULL};

static const pj_kernel KERNELS[] = {
    {"length-density", {"lines", "denominator", NULL}, {1, 0, 0}, LD_COLS, LD_UNITS, LD_PARAMS},
    {"length-share", {"lines", NULL, NULL}, {1, 0, 0}, LS_COLS, LS_UNITS, LS_PARAMS},
    {"area-share", {"cover", "denominator", NULL}, {1, 0, 0}, AS_COLS, AS_UNITS, AS_PARAMS},
    {"count", {"points", NULL, NULL}, {1, 0, 0}, CO_COLS, CO_UNITS, CO_PARAMS},
    {"per-area", {"parcels", NULL, NULL}, {1, 0, 0}, PA_COLS, PA_UNITS, PA_PARAMS},
    {"coverage", {"target", "facilities", NULL}, {1, 1, 0}, CV_COLS, CV_UNITS, CV_PARAMS},
    {"overlap", {"sites", "control", "boundary"}, {1, 1, 0}, OV_COLS, OV_UNITS, OV_PARAMS},
    {"far", {"parcels", "buildings", NULL}, {1, 1, 0}, FAR_COLS, FAR_UNITS, FAR_PARAMS},
    {"land-stock", {"approvals", "supply", NULL}, {1, 1, 0}, LSK_COLS, LSK_UNITS, LSK_PARAMS},
    {"low-efficiency", {"parcels", "buildings", NULL}, {1, 0, 0}, LOW_COLS, LOW_UNITS,
     LOW_PARAMS},
    {"idle-land", {"supply", NULL, NULL}, {1, 0, 0}, IDLE_COLS, IDLE_UNITS, IDLE_PARAMS},
    {"none", {NULL, NULL, NULL}, {0, 0, 0}, NO_COLS, NO_UNITS, NO_PARAMS},
};

const pj_kernel *pj_kernel_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof KERNELS / sizeof KERNELS[0]; i++)
        if (strcmp(KERNELS[i].name, name) == 0)
            return &KERNELS[i];
    return NULL;
}

static const char *param(const pj_indicator *ind, const char *key)
{
    for (size_t i = 0; i < ind->nparams; i++)
        if (strcmp(ind->params[i].key, key) == 0)
            return ind->params[i].value;
    return NULL;
}

const char *pj_column_unit(const pj_indicator *ind, const pj_kernel *k)
{
    const char *col = ind->column ? ind->column : "value";
    for (size_t i = 0; k->columns[i]; i++) {
        if (strcmp(k->columns[i], col) != 0)
            continue;
        if (strcmp(k->name, "count") == 0 && strcmp(col, "per_people") == 0) {
            const char *per = param(ind, "per");
            if (!per || strcmp(per, "1000") == 0)
                return "per 1000 people";
            if (strcmp(per, "10000") == 0)
                return "per 10000 people";
            return NULL;
        }
        if (strcmp(k->name, "coverage") == 0 && i > 0)
            return NULL; /* m2, count or the weight's: known at run time */
        return k->units[i];
    }
    return NULL;
}

const char *pj_cmp_name(pj_cmp c)
{
    static const char *const N[] = {">=", ">", "<=", "<", "=", "approx", "range", "report"};
    return c >= 0 && c <= CMP_REPORT ? N[c] : "";
}

const char *lg_target_status_name(lg_target_status s)
{
    static const char *const N[] = {"met", "not met", "no data", "not applicable", "no target"};
    return (unsigned)s <= LG_STATUS_NO_TARGET ? N[s] : "";
}
