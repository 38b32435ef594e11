/* Internals of evaluation (evaluate.c, eval_write.c).  Not installed. */
#ifndef LIBGEO_EVAL_INTERNAL_H
#define LIBGEO_EVAL_INTERNAL_H

#include "project_internal.h"

/* An indicator's inputs bound to project layers, per kernel slot. */
typedef struct ev_binding {
    pj_layer *layer[3];
    const pj_input *in[3];
    char *where[3]; /* the select, as SQL-like text (malloc'd), or NULL */
} ev_binding;

/* Bind an indicator's inputs (b may be NULL: check only).  0 on success;
 * -1 with the reason (no layer with the role, field missing …) in why. */
int ev_bind(const lg_project *p, const pj_indicator *ind, ev_binding *b, char *why,
                    size_t n);
void ev_binding_free(ev_binding *b);

/* A layer as loaded: a project layer, or a view of it keeping the
 * features an input's select matches (where: its description). */
typedef struct ev_unit {
    const pj_layer *pl;
    char *where;
    lg_layer *layer;
} ev_unit;

/* One indicator at one level. */
typedef struct ev_run {
    lg_result *r;
    const char *reason;  /* why no data ("" when r) */
    const char *variant; /* kernel, inputs, parameters */
    const char *unit;    /* the indicator's unit */
    int col;             /* the value column in r's tables */
    size_t level;        /* the zone level's index */
    int shared;          /* r belongs to an earlier run (same kernel, inputs, parameters) */
    double scale;        /* column unit -> indicator unit */
} ev_run;

struct lg_evaluation {
    lg_project *p;
    lg_crs *crs;
    ev_unit *units;
    size_t nunits;
    lg_zones **zones; /* per level (NULL when the level could not be made) */
    ev_run *runs;     /* runs[indicator * nlevels + level] */
    lg_eval_row *rows;
    size_t nrows;
    char **strs;
    size_t nstrs;
};

/* Compare a row's value (in the target's unit) with its target: status and gap. */
void ev_compare(lg_eval_row *row, const pj_target *t);

/* report.html (eval_html.c): self-contained, maps rendered through
 * files in tmpdir.  0, or -1 (errno set). */
int lg_eval_write_html(lg_ctx *ctx, const lg_evaluation *ev, const char *path,
                       const char *tmpdir);

/* A string owned by the evaluation. */
const char *ev_str(lg_evaluation *ev, const char *s);

#endif
