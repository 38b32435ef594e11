/* Internals shared by the land functions (land_*.c): dates, parcels split
 * across zones, detail tables, the minimum-FAR table and per-parcel floor
 * area from buildings.  Not installed. */
#ifndef LIBGEO_LAND_INTERNAL_H
#define LIBGEO_LAND_INTERNAL_H

#include "libgeo/lg_land.h"
#include "measure_internal.h"

/* ---- dates: whole days as the integer YYYYMMDD, 0 for NULL ---- */

/* Strict YYYY-MM-DD (a real calendar day), optionally followed by 'T' or
 * ' ' and anything (a time, ignored).  1 and *ymd on success, else 0. */
int land_date_parse(const char *s, int *ymd);
/* Index of the date (or text) field `name` of L for option `option`; -1
 * with LG_ERR_ARG when absent or of another type. */
int land_date_field(lg_ctx *ctx, const char *kernel, const char *option, const lg_layer *L,
                    const char *name);
/* Feature i's date in field f (f < 0: NULL): LG_OK with *ymd (0 for NULL),
 * or LG_ERR_ARG naming the file, FID, field and text. */
lg_status land_date(lg_ctx *ctx, const char *kernel, const lg_layer *L, size_t i, int f,
                    int *ymd);
/* Dates of every feature of L in date field `name` (option `opt`, as
 * land_date_field), 0 for NULL; *nulls counts them.  NULL on error (a
 * missing field, a malformed date: the context says which). */
int *land_read_dates(lg_ctx *ctx, const char *kernel, const lg_layer *L, const char *opt,
                     const char *name, size_t *nulls);
/* The same day one year later (29 Feb -> "29 Feb" of a common year, which
 * orders as 1 March). */
static inline int land_plus_year(int ymd) { return ymd + 10000; }
/* Days since 1970-01-01 of a valid YYYYMMDD. */
long land_days(int ymd);

/* ---- features split across zones by area share ---- */

typedef struct land_piece {
    size_t f;     /* feature */
    double m2;    /* area of feature ∩ zone */
    double share; /* m2 ÷ area of the feature (1 when the zone covers it) */
} land_piece;

typedef struct land_shares {
    size_t nz, nf;
    land_piece **p;    /* per zone: the pieces, in feature order */
    size_t *n, *cap;   /* per zone */
    double *area;      /* per feature: geometry area */
    size_t *zone_of;   /* per feature: zone of the largest share, or (size_t)-1 */
} land_shares;

/* Split every feature of L over the zones (on the worker threads). */
lg_status land_shares_compute(lg_ctx *ctx, const lg_zones *zones, const lg_layer *L,
                              land_shares *s);
void land_shares_free(land_shares *s);

/* ---- tables ---- */

/* A detail table named `name` with a row per feature of L (id from field
 * "id" else the FID, name from "name" else the id, geometry borrowed) and
 * the given columns.  NULL on failure. */
lg_table *land_detail_table(lg_ctx *ctx, const char *name, const lg_layer *L,
                            const char *const *cols, const char *const *units, size_t ncols);
/* zone_row cell value of a feature. */
double land_zone_row(const land_shares *s, size_t f);

/* ---- per-zone counts and areas of flagged features ---- */

/* The zone, total and detail tables of a land result, handed to it by
 * land_tables_give (they are then NULL here) or freed by land_tables_free. */
typedef struct land_tables {
    lg_table *zones, *total, *detail;
} land_tables;
lg_status land_tables_give(lg_ctx *ctx, lg_result *r, land_tables *t);
void land_tables_free(lg_ctx *ctx, land_tables *t);


/* For nk flags per feature (flags[f * nk + k]: 1 set, 0 or NaN not), per
 * zone and, in row nz, the total (the sum of the zone rows): the count of
 * the features with the flag set that have area in the zone (a feature
 * split across zones counts once in each) and their area there.  Layout
 * (nz + 1) x nk x {count, m2}; NULL when out of memory. */
double *land_flag_sums(lg_ctx *ctx, const land_shares *s, const double *flags, size_t nk);
/* Zone and total tables with the columns value (%), numerator (m2),
 * denominator (m2), then for each flag NAME: NAME (count), NAME_m2,
 * NAME_mu, then the `extra` columns. */
lg_status land_flag_tables(lg_ctx *ctx, const lg_zones *zones, const char *const *flags,
                           size_t nk, const char *const *extra, const char *const *extra_units,
                           size_t nextra, lg_table **zt, lg_table **tt);
/* Fill row `row` of such a table from one zone's sums s (nk x {count,
 * m2}): value = 100 x the m2 of flag `num` / the m2 of flag `den`,
 * numerator and denominator those m2, then the flag columns. */
void land_flag_row(lg_table *t, size_t row, const double *s, size_t nk, size_t num, size_t den);
/* The result of a land function that judges each feature of a layer by
 * rules: a zone table of flag counts and areas (land_flag_tables, rows by
 * land_flag_row, value = 100 x the m2 of flag num / that of flag den), a
 * detail table with a row per feature (land_detail_table), features split
 * across zones by area share. */
typedef struct land_rules_spec {
    const char *kernel;
    const char *const *flags; /* nk flag names */
    size_t nk, num, den;
    const char *const *extra, *const *extra_units; /* zone columns after the flags */
    size_t nextra;
    const char *detail; /* the detail table's name and columns */
    const char *const *dcols, *const *dunits;
    size_t ndcols;
    /* Fill the detail table, the flags (nf x nk: 1 set, 0 or NaN not) and
     * the extra zone columns. */
    lg_status (*judge)(lg_ctx *ctx, const land_shares *s, land_tables *T, double *flags,
                       void *user);
    /* Add the parameters and warnings. */
    lg_status (*params)(lg_ctx *ctx, lg_result *r, void *user);
} land_rules_spec;
lg_result *land_rules_result(lg_ctx *ctx, const lg_zones *zones, const lg_layer *L,
                             const land_rules_spec *spec, void *user);
/* 1 when `v` is one of the comma-separated values of `list` (exact, no
 * spaces trimmed), else 0 (also for v NULL). */
int land_in_list(const char *list, const char *v);
/* A verdict from rules combined with OR, NaN meaning "cannot decide":
 * 1 when a rule is 1, else NaN when a rule is NaN, else 0. */
double land_any(const double *rules, size_t n);

/* ---- minimum FAR ---- */

typedef struct land_minfar {
    int mode;       /* 0 none, 1 one value for all, 2 table */
    double all;     /* mode 1 */
    size_t n;       /* mode 2 */
    char **code;
    double *min;
    int has_star;
    double star;
    char desc[256]; /* for the parameters */
} land_minfar;

/* From MIN_FAR= (a number or a file) and whether INDUSTRY_FIELD is given;
 * the default table when only INDUSTRY_FIELD is.  LG_ERR_ARG/LG_ERR_IO
 * naming the file and line. */
lg_status land_minfar_load(lg_ctx *ctx, const char *kernel, const char *opt, int industry,
                           land_minfar *m);
/* The minimum for an industry code (NULL: unknown code), NaN when none. */
double land_minfar_of(const land_minfar *m, const char *code);
void land_minfar_free(land_minfar *m);
/* Industry code of feature i in field f as text (numbers as %.15g) into
 * buf; NULL when f < 0 or the value is NULL. */
const char *land_code(const lg_layer *L, size_t i, int f, char *buf, size_t n);

/* ---- floor area from buildings ---- */

typedef struct land_far {
    double *floor;   /* per parcel: Σ floor area m² */
    double *foot;    /* per parcel: Σ footprint m² */
    double *nb;      /* per parcel: buildings */
    char join[200];  /* how buildings were joined, for the parameters */
    char floor_def[200];
    size_t unjoined, no_floors;
} land_far;

/* Options read: BUILDING_PARCEL_FIELD, PARCEL_ID_FIELD, FLOORS_FIELD,
 * FLOOR_AREA_FIELD. */
lg_status land_far_compute(lg_ctx *ctx, const char *kernel, const lg_layer *parcels,
                           const lg_layer *buildings, const char *const *options, land_far *out);
void land_far_free(land_far *f);
/* Parameters buildings, join and floor_area of a result, and warnings for
 * the buildings left out. */
lg_status land_far_report(lg_ctx *ctx, lg_result *r, const lg_layer *B, const land_far *f);

/* ---- options ---- */

/* "2022,2023,2024" -> sorted distinct years (1000..9998); LG_ERR_ARG. */
lg_status land_years(lg_ctx *ctx, const char *kernel, const char *text, int **years, size_t *n);
/* A number option; 1 and *out, 0 with LG_ERR_ARG naming the key. */
int land_number_opt(lg_ctx *ctx, const char *kernel, const char *key, const char *text,
                    double *out);

#endif
