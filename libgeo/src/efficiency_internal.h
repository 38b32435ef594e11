/* Internals of the 亩均效益 evaluation (efficiency_config.c, efficiency.c,
 * efficiency_score.c, efficiency_write.c).  Not installed. */
#ifndef LIBGEO_EFFICIENCY_INTERNAL_H
#define LIBGEO_EFFICIENCY_INTERNAL_H

#include "libgeo/lg_efficiency.h"
#include "project_internal.h"

typedef enum { EF_RATIO = 0, EF_MINMAX, EF_RANK } ef_method;

/* One scored indicator of a group. */
typedef struct ef_item {
    lg_eff_measure m;
    double weight, benchmark, cap; /* benchmark and cap: ratio only (cap NaN: none) */
    ef_method method;
    pj_pos pos;
} ef_item;

#define EF_MAX_CLASSES 8

/* Class rules: by score cut-offs (min score per class, best first) or by
 * rank shares (per cent of the rated firms, best first). */
typedef struct ef_classes {
    int by_rank, set;
    size_t n;
    const char *name[EF_MAX_CLASSES];
    double value[EF_MAX_CLASSES];
    pj_pos pos;
} ef_classes;

typedef struct ef_group {
    const char *name;
    const char *sel_field;   /* logical field; NULL: every firm */
    const char **sel_values;
    size_t nsel;
    ef_item *items;
    size_t nitems;
    ef_classes classes;      /* classes.set == 0: the config's */
    pj_pos pos;
} ef_group;

struct lg_eff_config {
    lg_project *p;           /* strings, messages, layers, levels, base directory */
    const char *name;
    int year;                /* 0: not given */
    pj_pos year_pos;
    int land_geometry;       /* land: {source: geometry}: ignore certificates */
    double land_unit_m2;     /* m² per unit of the certificate field */
    double tolerance;        /* mismatch share; NaN: no check */
    int missing_not_rated;   /* missing: not_rated (else zero) */
    ef_group *groups;
    size_t ngroups;
    ef_classes classes;      /* default class rule */
    const char **ex_industries, **ex_status;
    size_t nex_industries, nex_status;
    int ex_min_years;        /* 0: no age exemption */
    pj_pos ex_pos;
    lg_eff_measure rank_by;
    const char **search;     /* where included configs are looked up */
    size_t nsearch;
    const char *data_dir;    /* DATA_DIR, or NULL */
    lg_ctx *ctx;             /* while loading only */
    int checked;
};

/* The layers of a config: by name or role. */
const pj_layer *ef_layer(const lg_eff_config *c, const char *role);

/* One firm's working state. */
typedef struct ef_firm {
    lg_eff_firm pub;
    size_t feature;          /* index in the enterprise layer */
    long parcel;             /* index in the parcel layer, -1 none */
    double x, y;             /* location */
    int has_xy;
    const ef_group *g;
    double points[LG_EFF_MEASURES]; /* NaN when not an item of its group */
    size_t *zone;            /* per level: zone index, (size_t)-1 none */
} ef_firm;

struct lg_efficiency {
    lg_eff_config *c;
    lg_crs *crs;
    lg_layer *ent, *par;     /* loaded layers (par may be NULL) */
    lg_layer **zl;           /* per level */
    lg_zones **zones;        /* per level */
    size_t nlevels;
    ef_firm *firms;
    size_t n;
    lg_table **ztab, **ttab; /* per level: zones, total */
    char **strs;
    size_t nstrs;
};

/* A string owned by the evaluation ("" when out of memory). */
const char *ef_str(lg_efficiency *e, const char *s);
/* Append a note to a firm's flags ("; "-separated). */
void ef_flag(lg_efficiency *e, ef_firm *f, const char *fmt, ...) LG_PRINTF(3, 4);

/* Scoring (efficiency_score.c): exemptions, groups, points, classes and
 * ranks of every firm whose land and measures are known. */
lg_status ef_score(lg_ctx *ctx, lg_efficiency *e);
/* The class names in output order: every configured class, then T, N. */
size_t ef_class_names(const lg_eff_config *c, const char **names, size_t max);

/* Per-zone tables (efficiency.c). */
lg_status ef_zone_tables(lg_ctx *ctx, lg_efficiency *e);

#endif
