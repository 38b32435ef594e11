/* Internals of project files and evaluation (project.c, evaluate.c,
 * eval_write.c).  Not installed. */
#ifndef LIBGEO_PROJECT_INTERNAL_H
#define LIBGEO_PROJECT_INTERNAL_H

#include "libgeo/lg_project.h"
#include "lg_internal.h"
#include "yaml_doc.h"

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

/* An empty project (no file read): path and directory set.  NULL when
 * out of memory (recorded in ctx). */
lg_project *pj_new(lg_ctx *ctx, const char *path);
/* The directory part of a path ("." when none); malloc'd. */
char *pj_dir_of(const char *path);
/* Grow an array of structs by one zeroed element; NULL when out of memory. */
void *pj_grow(void **arr, size_t *n, size_t size);
/* Without levels: one per layer with role district or street. */
void pj_default_levels(lg_project *p);

/* ---- reading YAML into a project (project.c); efficiency configs use
 * the same readers, so their messages read the same ---- */
typedef struct pj_reader {
    lg_project *p;
    yd_doc *d;
    const char *file; /* owned by the project */
    const char *set;  /* target-set id while reading one; NULL for the project */
} pj_reader;
pj_pos pj_pos_of(const pj_reader *r, const yd_node *n);
/* Report duplicate keys of mapping n; pj_check_keys also every key not
 * in `known` (NULL-terminated), listing the known ones. */
void pj_check_dups(pj_reader *r, yd_node *n, const char *what);
void pj_check_keys(pj_reader *r, yd_node *n, const char *what, const char *const *known);
/* Scalars: the value (text owned by the project), or an error naming
 * `what` and what was found (NULL / 0). */
const char *pj_text_of(pj_reader *r, yd_node *n, const char *what);
int pj_number_of(pj_reader *r, yd_node *n, const char *what, double *out);
int pj_int_of(pj_reader *r, yd_node *n, const char *what, int *out);
int pj_bool_of(pj_reader *r, yd_node *n, const char *what, int *out);
int pj_need_map(pj_reader *r, yd_node *n, const char *what);
/* layers: and levels: of a project file. */
void pj_read_layers(pj_reader *r, yd_node *n);
void pj_read_levels(pj_reader *r, yd_node *n);

/* ---- layers and zones of a project (evaluate.c) ---- */
/* Open a project layer's header (not loaded), with an extra WHERE clause
 * (NULL: none).  NULL on failure (context's error set). */
lg_layer *pj_open_layer(lg_ctx *ctx, const lg_project *p, const pj_layer *l,
                        const char *extra_where);
/* The zones of a level from its loaded layer: the level's id and name
 * fields, else the layer's mapped id/name fields, else lg_zones_new's
 * defaults. */
lg_zones *pj_level_zones(lg_ctx *ctx, const lg_project *p, const pj_level *lv,
                         const lg_layer *zl);

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
