/* Internals of project files and evaluation (project.c, evaluate.c,
 * eval_write.c).  Not installed. */
#ifndef LIBGEO_PROJECT_INTERNAL_H
#define LIBGEO_PROJECT_INTERNAL_H

#include "libgeo/lg_project.h"
#include "lg_internal.h"

/* Where a value was written. */
typedef struct pj_pos {
    const char *file;
    int line, col;
} pj_pos;

typedef struct pj_kv {
    const char *key, *value;
    pj_pos pos;
} pj_kv;

/* select: {FIELD: [values]} on an input (logical field names). */
typedef struct pj_select {
    const char *field;
    const char **values;
    size_t n;
} pj_select;

/* One kernel input: slot (lines, cover, …) bound to a role. */
typedef struct pj_input {
    const char *slot, *role;
    pj_select *sel;
    size_t nsel;
    int optional;
    pj_pos pos;
} pj_input;

typedef struct pj_indicator {
    const char *id, *title_zh, *title_en, *kernel, *column, *unit, *note, *reason;
    pj_input *inputs;
    size_t ninputs;
    pj_kv *params;
    size_t nparams;
    const char *canon; /* canonical text of the definition in its target set */
    pj_pos pos, kernel_pos, column_pos, unit_pos;
} pj_indicator;

typedef enum {
    CMP_NONE = -1, CMP_GE, CMP_GT, CMP_LE, CMP_LT, CMP_EQ, CMP_APPROX, CMP_RANGE, CMP_REPORT
} pj_cmp;

typedef struct pj_target {
    const char *id, *indicator, *level, *zone, *unit, *note;
    const char *doc, *section, *text, *set;
    pj_cmp cmp;
    double value, min, max, tolerance, baseline;
    int year, baseline_year, binding;
    pj_pos pos;
} pj_target;

typedef struct pj_layer {
    const char *name, *path, *layer, *role, *encoding, *datum, *src_crs, *where, *invalid;
    pj_kv *fields;
    size_t nfields;
    pj_pos pos;
    lg_layer *header; /* opened by lg_project_check (not loaded) */
} pj_layer;

typedef struct pj_level {
    const char *name, *layer, *id_field, *name_field;
    pj_pos pos;
} pj_level;

struct lg_project {
    char **strs;
    size_t nstrs, capstrs;
    char **errors, **warnings;
    size_t nerrors, nwarnings;
    const char *path, *dir, *name, *crs;
    pj_layer *layers;
    size_t nlayers;
    pj_level *levels;
    size_t nlevels;
    pj_indicator *inds;
    size_t ninds;
    pj_target *targets;
    size_t ntargets;
    const char **search;
    size_t nsearch;
    const char **included; /* ids of included sets (cycle and duplicate check) */
    size_t nincluded;
    int checked;
};

/* A string owned by the project (freed with it). NULL stays NULL. */
const char *pj_str(lg_project *p, const char *s);
void pj_error(lg_project *p, const pj_pos *pos, const char *fmt, ...) LG_PRINTF(3, 4);
void pj_warning(lg_project *p, const pj_pos *pos, const char *fmt, ...) LG_PRINTF(3, 4);

/* Lookups (NULL when absent). */
pj_layer *pj_find_layer(const lg_project *p, const char *name);
pj_indicator *pj_find_indicator(const lg_project *p, const char *id);
pj_level *pj_find_level(const lg_project *p, const char *name);
/* The layer bound to a role (or named so): the layer named `role` first,
 * else the only layer with that role.  *ambiguous set when several. */
pj_layer *pj_layer_for_role(const lg_project *p, const char *role, int *ambiguous);
/* A logical field of a layer: its mapping, else the name itself. */
const char *pj_field(const pj_layer *l, const char *logical);

/* ---- kernels as the project sees them ---- */
typedef struct pj_kernel {
    const char *name;
    const char *slots[3];   /* input slots; first is the primary input */
    int required[3];
    const char *const *columns; /* NULL-terminated */
    const char *const *units;   /* column units (NULL: from the indicator's unit) */
    const char *const *params;  /* NULL-terminated option names (lower case) */
} pj_kernel;
const pj_kernel *pj_kernel_find(const char *name);
/* Unit of a column of an indicator ("" when dimensionless, NULL when the
 * kernel cannot say: the indicator's unit is then required). */
const char *pj_column_unit(const pj_indicator *ind, const pj_kernel *k);

/* ---- units ---- */
/* 1 when `unit` is known; *dim gets its dimension, *factor its size in the
 * dimension's base unit. */
int pj_unit(const char *unit, int *dim, double *factor);
/* Convert v from unit `from` to unit `to`; 0 when not convertible. */
int pj_unit_convert(double v, const char *from, const char *to, double *out);

const char *pj_cmp_name(pj_cmp c);

#endif
