/* Project files and target sets: parsing, includes, merging, and the
 * checks that need no data.  The format is layers/targets/README.md.
 *
 * Every problem is collected as "FILE:LINE:COL: message" and parsing goes
 * on, so `geoplan validate` shows all of them at once.  Included target sets
 * are read first, whatever the key order, so a project's indicators and
 * targets merge over theirs field by field. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "measure_internal.h"
#include "project_internal.h"
#include "yaml_doc.h"

#ifndef LG_TARGETS_BUILD_DIR
#define LG_TARGETS_BUILD_DIR ""
#endif
#ifndef LG_TARGETS_INSTALL_DIR
#define LG_TARGETS_INSTALL_DIR ""
#endif

/* ------------------------------------------------------------------ */
/* Strings, messages, lookups                                          */

const char *pj_str(lg_project *p, const char *s)
{
    if (!s)
        return NULL;
    if (p->nstrs == p->capstrs) {
        size_t cap = p->capstrs ? 2 * p->capstrs : 64;
        char **v = realloc(p->strs, cap * sizeof *v);
        if (!v)
            return NULL;
        p->strs = v;
        p->capstrs = cap;
    }
    char *d = strdup(s);
    if (d)
        p->strs[p->nstrs++] = d;
    return d;
}

static void add_msg(char ***list, size_t *n, const pj_pos *pos, const char *fmt, va_list ap)
{
    char body[1024], line[1400];
    vsnprintf(body, sizeof body, fmt, ap);
    if (pos && pos->file && pos->line > 0)
        snprintf(line, sizeof line, "%s:%d:%d: %s", pos->file, pos->line, pos->col, body);
    else if (pos && pos->file)
        snprintf(line, sizeof line, "%s: %s", pos->file, body);
    else
        snprintf(line, sizeof line, "%s", body);
    char **v = realloc(*list, (*n + 1) * sizeof *v);
    if (!v)
        return;
    *list = v;
    if ((v[*n] = strdup(line)))
        (*n)++;
}

void pj_error(lg_project *p, const pj_pos *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_msg(&p->errors, &p->nerrors, pos, fmt, ap);
    va_end(ap);
}

void pj_warning(lg_project *p, const pj_pos *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_msg(&p->warnings, &p->nwarnings, pos, fmt, ap);
    va_end(ap);
}

pj_layer *pj_find_layer(const lg_project *p, const char *name)
{
    for (size_t i = 0; name && i < p->nlayers; i++)
        if (strcmp(p->layers[i].name, name) == 0)
            return &p->layers[i];
    return NULL;
}

pj_indicator *pj_find_indicator(const lg_project *p, const char *id)
{
    for (size_t i = 0; id && i < p->ninds; i++)
        if (strcmp(p->inds[i].id, id) == 0)
            return &p->inds[i];
    return NULL;
}

pj_level *pj_find_level(const lg_project *p, const char *name)
{
    for (size_t i = 0; name && i < p->nlevels; i++)
        if (strcmp(p->levels[i].name, name) == 0)
            return &p->levels[i];
    return NULL;
}

static pj_target *find_target(const lg_project *p, const char *id)
{
    for (size_t i = 0; id && i < p->ntargets; i++)
        if (strcmp(p->targets[i].id, id) == 0)
            return &p->targets[i];
    return NULL;
}

pj_layer *pj_layer_for_role(const lg_project *p, const char *role, int *ambiguous)
{
    *ambiguous = 0;
    pj_layer *named = pj_find_layer(p, role);
    if (named)
        return named;
    pj_layer *found = NULL;
    for (size_t i = 0; i < p->nlayers; i++) {
        if (strcmp(p->layers[i].role, role) != 0)
            continue;
        if (found)
            *ambiguous = 1;
        else
            found = &p->layers[i];
    }
    return found;
}

const char *pj_field(const pj_layer *l, const char *logical)
{
    for (size_t i = 0; i < l->nfields; i++)
        if (strcmp(l->fields[i].key, logical) == 0)
            return l->fields[i].value;
    return logical;
}

/* Grow an array of structs by one zeroed element; NULL when out of memory. */
void *pj_grow(void **arr, size_t *n, size_t size)
{
    void *v = realloc(*arr, (*n + 1) * size);
    if (!v)
        return NULL;
    *arr = v;
    void *e = (char *)v + *n * size;
    memset(e, 0, size);
    (*n)++;
    return e;
}

/* ------------------------------------------------------------------ */
/* Reading nodes                                                       */

typedef pj_reader rd;

pj_pos pj_pos_of(const rd *r, const yd_node *n)
{
    pj_pos pos = {r->file, yd_line(n), yd_col(n)};
    return pos;
}

/* Report keys that appear twice in mapping n. */
void pj_check_dups(rd *r, yd_node *n, const char *what)
{
    size_t m = yd_map_size(n);
    for (size_t i = 0; i < m; i++) {
        yd_node *kn;
        const char *k = yd_map_key(r->d, n, i, &kn);
        for (size_t j = 0; k && j < i; j++) {
            const char *prev = yd_map_key(r->d, n, j, NULL);
            if (prev && strcmp(prev, k) == 0) {
                pj_pos pos = pj_pos_of(r, kn);
                pj_error(r->p, &pos, "duplicate key '%s' in %s", k, what);
                break;
            }
        }
    }
}

/* Check that every key of mapping n is in `known`; report the others. */
void pj_check_keys(rd *r, yd_node *n, const char *what, const char *const *known)
{
    pj_check_dups(r, n, what);
    size_t m = yd_map_size(n);
    for (size_t i = 0; i < m; i++) {
        yd_node *kn;
        const char *k = yd_map_key(r->d, n, i, &kn);
        int ok = 0;
        for (size_t j = 0; k && known[j]; j++)
            ok |= strcmp(known[j], k) == 0;
        if (!ok) {
            char list[512] = "";
            for (size_t j = 0; known[j]; j++) {
                size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "", known[j]);
            }
            pj_pos pos = pj_pos_of(r, kn);
            pj_error(r->p, &pos, "unknown key '%s' in %s; expected one of: %s", k ? k : "?",
                     what, list);
        }
    }
}

/* A scalar's text, owned by the project; NULL (with an error) otherwise. */
const char *pj_text_of(rd *r, yd_node *n, const char *what)
{
    const char *t = yd_text(n);
    if (!t) {
        pj_pos pos = pj_pos_of(r, n);
        pj_error(r->p, &pos, "%s: expected text, found %s", what, yd_kind(n));
        return NULL;
    }
    return pj_str(r->p, t);
}

int pj_number_of(rd *r, yd_node *n, const char *what, double *out)
{
    if (yd_number(n, out))
        return 1;
    pj_pos pos = pj_pos_of(r, n);
    pj_error(r->p, &pos, "%s: expected a number, found %s%s%s%s", what, yd_kind(n),
             yd_text(n) ? " '" : "", yd_text(n) ? yd_text(n) : "", yd_text(n) ? "'" : "");
    return 0;
}

int pj_int_of(rd *r, yd_node *n, const char *what, int *out)
{
    long v;
    if (yd_int(n, &v) && v >= INT_MIN && v <= INT_MAX) {
        *out = (int)v;
        return 1;
    }
    pj_pos pos = pj_pos_of(r, n);
    pj_error(r->p, &pos, "%s: expected a whole number, found %s", what,
             yd_text(n) ? yd_text(n) : yd_kind(n));
    return 0;
}

int pj_bool_of(rd *r, yd_node *n, const char *what, int *out)
{
    if (yd_bool(n, out))
        return 1;
    pj_pos pos = pj_pos_of(r, n);
    pj_error(r->p, &pos, "%s: expected true or false, found %s", what,
             yd_text(n) ? yd_text(n) : yd_kind(n));
    return 0;
}

int pj_need_map(rd *r, yd_node *n, const char *what)
{
    if (yd_is_map(n))
        return 1;
    pj_pos pos = pj_pos_of(r, n);
    pj_error(r->p, &pos, "%s: expected a mapping (key: value lines), found %s", what,
             yd_kind(n));
    return 0;
}

/* A scalar, or a list of scalars joined by commas (params like classes). */
static const char *joined_of(rd *r, yd_node *n, const char *what)
{
    if (yd_is_scalar(n)) {
        int b;
        if (yd_bool(n, &b))
            return pj_str(r->p, b ? "yes" : "no");
        return pj_str(r->p, yd_text(n));
    }
    if (!yd_is_seq(n)) {
        pj_pos pos = pj_pos_of(r, n);
        pj_error(r->p, &pos, "%s: expected a value or a list of values, found %s", what,
                 yd_kind(n));
        return NULL;
    }
    size_t len = 1, m = yd_seq_size(n);
    for (size_t i = 0; i < m; i++) {
        const char *t = yd_text(yd_seq_item(r->d, n, i));
        if (!t) {
            pj_pos pos = pj_pos_of(r, yd_seq_item(r->d, n, i));
            pj_error(r->p, &pos, "%s: list items must be plain values", what);
            return NULL;
        }
        len += strlen(t) + 1;
    }
    char *buf = calloc(1, len);
    if (!buf)
        return NULL;
    for (size_t i = 0; i < m; i++) {
        if (i)
            strcat(buf, ",");
        strcat(buf, yd_text(yd_seq_item(r->d, n, i)));
    }
    const char *s = pj_str(r->p, buf);
    free(buf);
    return s;
}

/* Canonical text of a node (mappings with sorted keys), to compare the
 * definitions of one indicator in two target sets. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Deeper than any real definition: a recursive alias (&a … *a) loops. */
#define CANON_MAX_DEPTH 32

static char *canon(yd_doc *d, yd_node *n, int depth)
{
    if (depth > CANON_MAX_DEPTH)
        return NULL;
    if (yd_is_scalar(n))
        return lg_sprintf(NULL, "\"%s\"", yd_text(n));
    size_t m = yd_is_map(n) ? yd_map_size(n) : yd_seq_size(n);
    char **parts = calloc(m ? m : 1, sizeof *parts);
    if (!parts)
        return NULL;
    size_t len = 3;
    for (size_t i = 0; i < m; i++) {
        char *v = canon(d, yd_is_map(n) ? yd_map_value(d, n, i) : yd_seq_item(d, n, i),
                        depth + 1);
        if (!v) {
            for (size_t k = 0; k < i; k++)
                free(parts[k]);
            free(parts);
            return NULL;
        }
        parts[i] = yd_is_map(n) ? lg_sprintf(NULL, "%s:%s", yd_map_key(d, n, i, NULL), v ? v : "")
                                : (v ? strdup(v) : NULL);
        free(v);
        len += (parts[i] ? strlen(parts[i]) : 0) + 1;
    }
    if (yd_is_map(n))
        qsort(parts, m, sizeof *parts, cmp_str);
    char *out = calloc(1, len);
    if (out) {
        strcat(out, yd_is_map(n) ? "{" : "[");
        for (size_t i = 0; i < m; i++) {
            if (i)
                strcat(out, ",");
            if (parts[i])
                strcat(out, parts[i]);
        }
        strcat(out, yd_is_map(n) ? "}" : "]");
    }
    for (size_t i = 0; i < m; i++)
        free(parts[i]);
    free(parts);
    return out;
}

/* ------------------------------------------------------------------ */
/* Indicators                                                          */

static void read_title(rd *r, yd_node *n, const char **zh, const char **en)
{
    if (yd_is_scalar(n)) {
        *zh = pj_text_of(r, n, "title");
        return;
    }
    if (!pj_need_map(r, n, "title"))
        return;
    static const char *const known[] = {"zh", "en", NULL};
    pj_check_keys(r, n, "title", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, n, "zh")))
        *zh = pj_text_of(r, v, "title.zh");
    if ((v = yd_map_get(r->d, n, "en")))
        *en = pj_text_of(r, v, "title.en");
}

static void read_input(rd *r, const char *slot, yd_node *n, pj_input *in)
{
    memset(in, 0, sizeof *in);
    in->slot = pj_str(r->p, slot);
    in->pos = pj_pos_of(r, n);
    if (yd_is_scalar(n)) {
        in->role = pj_text_of(r, n, "input role");
        return;
    }
    if (!pj_need_map(r, n, "input"))
        return;
    static const char *const known[] = {"role", "select", "optional", NULL};
    pj_check_keys(r, n, "an input", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, n, "role")))
        in->role = pj_text_of(r, v, "role");
    else
        pj_error(r->p, &in->pos, "input '%s' has no role (expected role: NAME)", slot);
    if ((v = yd_map_get(r->d, n, "optional")))
        pj_bool_of(r, v, "optional", &in->optional);
    if ((v = yd_map_get(r->d, n, "select")) && pj_need_map(r, v, "select")) {
        pj_check_dups(r, v, "select");
        size_t m = yd_map_size(v);
        in->sel = calloc(m ? m : 1, sizeof *in->sel);
        for (size_t i = 0; in->sel && i < m; i++) {
            yd_node *vals = yd_map_value(r->d, v, i);
            pj_select *s = &in->sel[in->nsel++];
            s->field = pj_str(r->p, yd_map_key(r->d, v, i, NULL));
            size_t k = yd_is_seq(vals) ? yd_seq_size(vals) : 1;
            s->values = calloc(k, sizeof *s->values);
            for (size_t j = 0; s->values && j < k; j++) {
                yd_node *e = yd_is_seq(vals) ? yd_seq_item(r->d, vals, j) : vals;
                const char *t = pj_text_of(r, e, "select value");
                if (t)
                    s->values[s->n++] = t;
            }
        }
    }
}

static void free_inputs(pj_input *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < in[i].nsel; j++)
            free(in[i].sel[j].values);
        free(in[i].sel);
    }
}

/* Apply mapping n onto an indicator (new, or one to change). */
static void apply_indicator(rd *r, yd_node *n, pj_indicator *ind)
{
    static const char *const known[] = {"title", "kernel", "inputs", "params", "column",
                                        "unit",  "note",   "reason", NULL};
    pj_check_keys(r, n, "an indicator", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, n, "title")))
        read_title(r, v, &ind->title_zh, &ind->title_en);
    if ((v = yd_map_get(r->d, n, "kernel")))
        ind->kernel = pj_text_of(r, v, "kernel"), ind->kernel_pos = pj_pos_of(r, v);
    if ((v = yd_map_get(r->d, n, "column")))
        ind->column = pj_text_of(r, v, "column"), ind->column_pos = pj_pos_of(r, v);
    if ((v = yd_map_get(r->d, n, "unit")))
        ind->unit = pj_text_of(r, v, "unit"), ind->unit_pos = pj_pos_of(r, v);
    if ((v = yd_map_get(r->d, n, "note")))
        ind->note = pj_text_of(r, v, "note");
    if ((v = yd_map_get(r->d, n, "reason")))
        ind->reason = pj_text_of(r, v, "reason");
    if ((v = yd_map_get(r->d, n, "inputs")) && pj_need_map(r, v, "inputs")) {
        pj_check_dups(r, v, "inputs");
        for (size_t i = 0; i < yd_map_size(v); i++) {
            const char *slot = yd_map_key(r->d, v, i, NULL);
            pj_input in;
            read_input(r, slot ? slot : "", yd_map_value(r->d, v, i), &in);
            size_t j = 0;
            while (j < ind->ninputs && strcmp(ind->inputs[j].slot, in.slot) != 0)
                j++;
            if (j < ind->ninputs) {
                free_inputs(&ind->inputs[j], 1);
                ind->inputs[j] = in;
            } else {
                pj_input *e = pj_grow((void **)&ind->inputs, &ind->ninputs, sizeof *e);
                if (e)
                    *e = in;
                else
                    free_inputs(&in, 1);
            }
        }
    }
    if ((v = yd_map_get(r->d, n, "params")) && pj_need_map(r, v, "params")) {
        pj_check_dups(r, v, "params");
        for (size_t i = 0; i < yd_map_size(v); i++) {
            const char *key = pj_str(r->p, yd_map_key(r->d, v, i, NULL));
            yd_node *val = yd_map_value(r->d, v, i);
            const char *value = joined_of(r, val, key ? key : "param");
            if (!key || !value)
                continue;
            size_t j = 0;
            while (j < ind->nparams && strcmp(ind->params[j].key, key) != 0)
                j++;
            pj_kv *e = j < ind->nparams ? &ind->params[j]
                                        : pj_grow((void **)&ind->params, &ind->nparams, sizeof *e);
            if (e) {
                e->key = key;
                e->value = value;
                e->pos = pj_pos_of(r, val);
            }
        }
    }
}

static void read_indicators(rd *r, yd_node *n)
{
    if (!pj_need_map(r, n, "indicators"))
        return;
    pj_check_dups(r, n, "indicators");
    for (size_t i = 0; i < yd_map_size(n); i++) {
        yd_node *kn;
        const char *id = yd_map_key(r->d, n, i, &kn);
        yd_node *def = yd_map_value(r->d, n, i);
        pj_pos pos = pj_pos_of(r, kn);
        if (!id || !pj_need_map(r, def, "indicator"))
            continue;
        int okid = (*id >= 'a' && *id <= 'z');
        for (const char *c = id; *c; c++)
            okid &= (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_';
        if (!okid)
            pj_error(r->p, &pos, "indicator id '%s': use lower-case letters, digits and _, "
                                 "starting with a letter", id);
        pj_indicator *ind = pj_find_indicator(r->p, id);
        char *c = r->set ? canon(r->d, def, 0) : NULL;
        if (r->set && !c) {
            pj_error(r->p, &pos, "indicator '%s' nests deeper than %d levels (a recursive alias "
                     "&name … *name?)", id, CANON_MAX_DEPTH);
            continue;
        }
        if (ind && r->set) {
            /* defined by two target sets: they must agree */
            if (ind->canon && c && strcmp(ind->canon, c) != 0)
                pj_error(r->p, &pos,
                         "indicator '%s' is defined differently here and at %s:%d:%d; target "
                         "sets must agree on a shared indicator (rename one)",
                         id, ind->pos.file, ind->pos.line, ind->pos.col);
            free(c);
            continue;
        }
        if (!ind) {
            ind = pj_grow((void **)&r->p->inds, &r->p->ninds, sizeof *ind);
            if (!ind) {
                free(c);
                return;
            }
            ind->id = pj_str(r->p, id);
            ind->pos = pos;
            if (!yd_map_get(r->d, def, "kernel"))
                pj_error(r->p, &pos, "indicator '%s' has no kernel (expected kernel: one of "
                                     "length-density, length-share, area-share, count, "
                                     "per-area, coverage, overlap, far, land-stock, low-efficiency, "
                                     "idle-land, none)", id);
        }
        ind->canon = pj_str(r->p, c);
        free(c);
        apply_indicator(r, def, ind);
    }
}

/* ------------------------------------------------------------------ */
/* Targets                                                             */

typedef struct tdefaults {
    const char *level, *zone;
    int year, has_year;
} tdefaults;

static pj_cmp parse_cmp(const char *s)
{
    static const struct { const char *t; pj_cmp c; } M[] = {
        {">=", CMP_GE}, {"≥", CMP_GE},  {">", CMP_GT},        {"<=", CMP_LE},
        {"≤", CMP_LE},  {"<", CMP_LT},  {"=", CMP_EQ},        {"==", CMP_EQ},
        {"approx", CMP_APPROX}, {"≈", CMP_APPROX}, {"range", CMP_RANGE}, {"report", CMP_REPORT},
    };
    for (size_t i = 0; s && i < sizeof M / sizeof M[0]; i++)
        if (strcmp(M[i].t, s) == 0)
            return M[i].c;
    return CMP_NONE;
}

static void apply_target(rd *r, yd_node *n, pj_target *t)
{
    static const char *const known[] = {"id",   "indicator", "level",    "zone",   "compare",
                                        "value", "min",      "max",      "tolerance", "unit",
                                        "year", "baseline",  "binding",  "source", "note", NULL};
    pj_check_keys(r, n, "a target", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, n, "indicator")))
        t->indicator = pj_text_of(r, v, "indicator");
    if ((v = yd_map_get(r->d, n, "level")))
        t->level = pj_text_of(r, v, "level");
    if ((v = yd_map_get(r->d, n, "zone")))
        t->zone = pj_text_of(r, v, "zone");
    if ((v = yd_map_get(r->d, n, "unit")))
        t->unit = pj_text_of(r, v, "unit");
    if ((v = yd_map_get(r->d, n, "note")))
        t->note = pj_text_of(r, v, "note");
    if ((v = yd_map_get(r->d, n, "compare"))) {
        t->cmp = parse_cmp(yd_text(v));
        if (t->cmp == CMP_NONE) {
            pj_pos pos = pj_pos_of(r, v);
            pj_error(r->p, &pos, "compare: '%s' is not a comparison; expected one of >=, >, "
                                 "<=, <, =, approx, range, report",
                     yd_text(v) ? yd_text(v) : yd_kind(v));
        }
    }
    if ((v = yd_map_get(r->d, n, "value")))
        pj_number_of(r, v, "value", &t->value);
    if ((v = yd_map_get(r->d, n, "min")))
        pj_number_of(r, v, "min", &t->min);
    if ((v = yd_map_get(r->d, n, "max")))
        pj_number_of(r, v, "max", &t->max);
    if ((v = yd_map_get(r->d, n, "tolerance")) && pj_number_of(r, v, "tolerance", &t->tolerance) &&
        !(t->tolerance >= 0 && t->tolerance < 1)) {
        pj_pos pos = pj_pos_of(r, v);
        pj_error(r->p, &pos, "tolerance: %g is not a relative tolerance (expected 0 to 1, e.g. "
                             "0.05 for ±5 %%)", t->tolerance);
    }
    if ((v = yd_map_get(r->d, n, "year")))
        pj_int_of(r, v, "year", &t->year);
    if ((v = yd_map_get(r->d, n, "binding")))
        pj_bool_of(r, v, "binding", &t->binding);
    if ((v = yd_map_get(r->d, n, "baseline")) && pj_need_map(r, v, "baseline")) {
        static const char *const bk[] = {"year", "value", NULL};
        pj_check_keys(r, v, "baseline", bk);
        yd_node *w;
        if ((w = yd_map_get(r->d, v, "year")))
            pj_int_of(r, w, "baseline.year", &t->baseline_year);
        if ((w = yd_map_get(r->d, v, "value")))
            pj_number_of(r, w, "baseline.value", &t->baseline);
    }
    if ((v = yd_map_get(r->d, n, "source")) && pj_need_map(r, v, "source")) {
        static const char *const sk[] = {"document", "section", "text", NULL};
        pj_check_keys(r, v, "source", sk);
        yd_node *w;
        if ((w = yd_map_get(r->d, v, "document")))
            t->doc = pj_text_of(r, w, "source.document");
        if ((w = yd_map_get(r->d, v, "section")))
            t->section = pj_text_of(r, w, "source.section");
        if ((w = yd_map_get(r->d, v, "text")))
            t->text = pj_text_of(r, w, "source.text");
    }
}

static void read_targets(rd *r, yd_node *n, const tdefaults *def)
{
    if (!yd_is_seq(n)) {
        pj_pos pos = pj_pos_of(r, n);
        pj_error(r->p, &pos, "targets: expected a list (lines starting with '- '), found %s",
                 yd_kind(n));
        return;
    }
    for (size_t i = 0; i < yd_seq_size(n); i++) {
        yd_node *e = yd_seq_item(r->d, n, i);
        pj_pos pos = pj_pos_of(r, e);
        if (!pj_need_map(r, e, "target"))
            continue;
        yd_node *idn = yd_map_get(r->d, e, "id");
        const char *id = idn ? yd_text(idn) : NULL;
        if (!id || !*id) {
            pj_error(r->p, &pos, "target has no id (expected id: NAME, unique across the "
                                 "project and its target sets)");
            continue;
        }
        pj_target *t = find_target(r->p, id);
        if (t && r->set) {
            pj_error(r->p, &pos, "target id '%s' is already used at %s:%d:%d", id, t->pos.file,
                     t->pos.line, t->pos.col);
            continue;
        }
        if (!t) {
            t = pj_grow((void **)&r->p->targets, &r->p->ntargets, sizeof *t);
            if (!t)
                return;
            t->id = pj_str(r->p, id);
            t->pos = pos;
            t->set = r->set;
            t->cmp = CMP_NONE;
            t->value = t->min = t->max = t->baseline = NAN;
            t->tolerance = 0.05;
            if (def) {
                t->level = def->level;
                t->zone = def->zone;
                t->year = def->has_year ? def->year : 0;
            }
        }
        apply_target(r, e, t);
    }
}

/* ------------------------------------------------------------------ */
/* Layers and levels (project only)                                    */

void pj_read_layers(rd *r, yd_node *n)
{
    if (!pj_need_map(r, n, "layers"))
        return;
    static const char *const known[] = {"path",  "layer",   "role",  "encoding", "datum",
                                        "src_crs", "where", "invalid", "fields", NULL};
    for (size_t i = 0; i < yd_map_size(n); i++) {
        yd_node *kn;
        const char *name = yd_map_key(r->d, n, i, &kn);
        yd_node *def = yd_map_value(r->d, n, i);
        pj_pos pos = pj_pos_of(r, kn);
        if (!name)
            continue;
        if (pj_find_layer(r->p, name)) {
            pj_error(r->p, &pos, "layer '%s' is declared twice", name);
            continue;
        }
        pj_layer *l = pj_grow((void **)&r->p->layers, &r->p->nlayers, sizeof *l);
        if (!l)
            return;
        l->name = pj_str(r->p, name);
        l->role = l->name;
        l->pos = pos;
        if (yd_is_scalar(def)) { /* short form: name: path */
            l->path = pj_text_of(r, def, "path");
            continue;
        }
        if (!pj_need_map(r, def, "layer"))
            continue;
        pj_check_keys(r, def, "a layer", known);
        yd_node *v;
        const char **slots[] = {&l->path,  &l->layer, &l->role,  &l->encoding, &l->datum,
                                &l->src_crs, &l->where, &l->invalid};
        for (size_t k = 0; k < 8; k++)
            if ((v = yd_map_get(r->d, def, known[k])))
                *slots[k] = pj_text_of(r, v, known[k]);
        if (!l->path)
            pj_error(r->p, &pos, "layer '%s' has no path (expected path: FILE, relative to the "
                                 "project file, or PG:…)", name);
        if ((v = yd_map_get(r->d, def, "fields")) && pj_need_map(r, v, "fields")) {
            pj_check_dups(r, v, "fields");
            for (size_t k = 0; k < yd_map_size(v); k++) {
                pj_kv *f = pj_grow((void **)&l->fields, &l->nfields, sizeof *f);
                if (!f)
                    break;
                f->key = pj_str(r->p, yd_map_key(r->d, v, k, NULL));
                f->value = pj_text_of(r, yd_map_value(r->d, v, k), "field");
                f->pos = pj_pos_of(r, yd_map_value(r->d, v, k));
                if (!f->value)
                    f->value = f->key;
            }
        }
    }
}

void pj_read_levels(rd *r, yd_node *n)
{
    if (!pj_need_map(r, n, "levels"))
        return;
    pj_check_dups(r, n, "levels");
    static const char *const known[] = {"layer", "id", "name", NULL};
    for (size_t i = 0; i < yd_map_size(n); i++) {
        yd_node *kn;
        const char *name = yd_map_key(r->d, n, i, &kn);
        yd_node *def = yd_map_value(r->d, n, i);
        pj_pos pos = pj_pos_of(r, kn);
        if (!name || !pj_need_map(r, def, "level"))
            continue;
        pj_check_keys(r, def, "a zone level", known);
        pj_level *lv = pj_grow((void **)&r->p->levels, &r->p->nlevels, sizeof *lv);
        if (!lv)
            return;
        lv->name = pj_str(r->p, name);
        lv->pos = pos;
        yd_node *v;
        if ((v = yd_map_get(r->d, def, "layer")))
            lv->layer = pj_text_of(r, v, "layer");
        else
            pj_error(r->p, &pos, "zone level '%s' has no layer (expected layer: NAME of a "
                                 "layer under layers:)", name);
        if ((v = yd_map_get(r->d, def, "id")))
            lv->id_field = pj_text_of(r, v, "id");
        if ((v = yd_map_get(r->d, def, "name")))
            lv->name_field = pj_text_of(r, v, "name");
    }
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *pj_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* The file of an included set: a path (has '/' or ends in .yaml), else an
 * id looked up as ID.yaml, or as the one ID_*.yaml, in each search dir. */
static char *find_set(lg_project *p, const char *name)
{
    size_t len = strlen(name);
    if (strchr(name, '/') || (len > 5 && strcmp(name + len - 5, ".yaml") == 0)) {
        if (name[0] == '/')
            return strdup(name);
        return lg_sprintf(NULL, "%s/%s", p->dir, name);
    }
    for (size_t i = 0; i < p->nsearch; i++) {
        char *f = lg_sprintf(NULL, "%s/%s.yaml", p->search[i], name);
        if (f && file_exists(f))
            return f;
        free(f);
        /* a short id: "000" for 000_56421769e4ab5d43 */
        DIR *dh = opendir(p->search[i]);
        struct dirent *de;
        char *found = NULL;
        int n = 0;
        while (dh && (de = readdir(dh))) {
            size_t dl = strlen(de->d_name);
            if (strncmp(de->d_name, name, len) == 0 && de->d_name[len] == '_' && dl > 5 &&
                strcmp(de->d_name + dl - 5, ".yaml") == 0) {
                n++;
                free(found);
                found = lg_sprintf(NULL, "%s/%s", p->search[i], de->d_name);
            }
        }
        if (dh)
            closedir(dh);
        if (n == 1)
            return found;
        free(found);
    }
    return NULL;
}

static void load_file(lg_project *p, const char *path, const pj_pos *from, int want_set);

static void read_set(rd *r, yd_node *root)
{
    static const char *const known[] = {"geoplan", "id", "title", "document", "defaults",
                                        "choices", "indicators", "targets", NULL};
    pj_check_keys(r, root, "a target set", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, root, "id")))
        r->set = pj_text_of(r, v, "id");
    if (!r->set) {
        pj_pos pos = pj_pos_of(r, root);
        pj_error(r->p, &pos, "target set has no id (expected id: the document's file name "
                             "without .txt)");
        r->set = pj_str(r->p, r->file);
    }
    if ((v = yd_map_get(r->d, root, "document")) && pj_need_map(r, v, "document")) {
        static const char *const dk[] = {"number", "issued", "area", "title", NULL};
        pj_check_keys(r, v, "document", dk);
    }
    if ((v = yd_map_get(r->d, root, "choices")) && !yd_is_seq(v)) {
        pj_pos pos = pj_pos_of(r, v);
        pj_error(r->p, &pos, "choices: expected a list");
    }
    tdefaults def = {0};
    if ((v = yd_map_get(r->d, root, "defaults")) && pj_need_map(r, v, "defaults")) {
        static const char *const dk[] = {"level", "zone", "year", NULL};
        pj_check_keys(r, v, "defaults", dk);
        yd_node *w;
        if ((w = yd_map_get(r->d, v, "level")))
            def.level = pj_text_of(r, w, "defaults.level");
        if ((w = yd_map_get(r->d, v, "zone")))
            def.zone = pj_text_of(r, w, "defaults.zone");
        if ((w = yd_map_get(r->d, v, "year")))
            def.has_year = pj_int_of(r, w, "defaults.year", &def.year);
    }
    if ((v = yd_map_get(r->d, root, "indicators")))
        read_indicators(r, v);
    if ((v = yd_map_get(r->d, root, "targets")))
        read_targets(r, v, &def);
}

static void read_project(rd *r, yd_node *root)
{
    static const char *const known[] = {"geoplan", "name",   "crs",        "include",
                                        "layers",  "levels", "indicators", "targets", NULL};
    pj_check_keys(r, root, "a project", known);
    yd_node *v;
    if ((v = yd_map_get(r->d, root, "name")))
        r->p->name = pj_text_of(r, v, "name");
    if ((v = yd_map_get(r->d, root, "crs")))
        r->p->crs = pj_text_of(r, v, "crs");
    if ((v = yd_map_get(r->d, root, "include"))) {
        size_t m = yd_is_seq(v) ? yd_seq_size(v) : 1;
        for (size_t i = 0; i < m; i++) {
            yd_node *e = yd_is_seq(v) ? yd_seq_item(r->d, v, i) : v;
            pj_pos pos = pj_pos_of(r, e);
            const char *name = yd_text(e);
            if (!name) {
                pj_error(r->p, &pos, "include: expected a target-set id or a YAML file");
                continue;
            }
            char *f = find_set(r->p, name);
            if (!f) {
                char where[1024] = "";
                for (size_t k = 0; k < r->p->nsearch; k++) {
                    size_t len = strlen(where);
                    snprintf(where + len, sizeof where - len, "%s%s", k ? ", " : "",
                             r->p->search[k]);
                }
                pj_error(r->p, &pos, "include: no target set '%s' (looked for %s.yaml in %s)",
                         name, name, where);
                continue;
            }
            load_file(r->p, f, &pos, 1);
            free(f);
        }
    }
    if ((v = yd_map_get(r->d, root, "layers")))
        pj_read_layers(r, v);
    if ((v = yd_map_get(r->d, root, "levels")))
        pj_read_levels(r, v);
    if ((v = yd_map_get(r->d, root, "indicators")))
        read_indicators(r, v);
    if ((v = yd_map_get(r->d, root, "targets")))
        read_targets(r, v, NULL);
}

static void load_file(lg_project *p, const char *path, const pj_pos *from, int want_set)
{
    char *real = realpath(path, NULL);
    const char *key = pj_str(p, real ? real : path);
    free(real);
    for (size_t i = 0; key && i < p->nincluded; i++) {
        if (strcmp(p->included[i], key) == 0) {
            pj_error(p, from, "'%s' is included twice", path);
            return;
        }
    }
    const char *file = pj_str(p, path);
    const char **inc = realloc(p->included, (p->nincluded + 1) * sizeof *inc);
    if (!inc)
        return;
    p->included = inc;
    if (!file || !key)
        return;
    p->included[p->nincluded++] = key;

    yd_doc d;
    char err[1024];
    if (yd_load(&d, path, err, sizeof err) != 0) {
        /* err carries its own FILE:LINE:COL; say where it was included */
        if (from && from->file)
            pj_error(p, NULL, "%s (included at %s:%d:%d)", err, from->file, from->line,
                     from->col);
        else
            pj_error(p, NULL, "%s", err);
        return;
    }
    rd r = {p, &d, file, NULL};
    yd_node *root = yd_root(&d);
    pj_pos top = {file, 1, 1};
    yd_node *g = root && yd_is_map(root) ? yd_map_get(&d, root, "geoplan") : NULL;
    const char *kind = yd_text(g);
    const char *want = want_set ? "target-set/1" : "project/1";
    if (!root || !yd_is_map(root)) {
        pj_error(p, &top, "expected a mapping with 'geoplan: %s' at the top", want);
    } else if (!kind || strcmp(kind, want) != 0) {
        pj_pos pos = g ? pj_pos_of(&r, g) : top;
        pj_error(p, &pos, "expected 'geoplan: %s'%s%s%s", want, kind ? ", found '" : "",
                 kind ? kind : "", kind ? "'" : "");
    } else if (want_set) {
        read_set(&r, root);
    } else {
        read_project(&r, root);
    }
    yd_free(&d);
}

/* ------------------------------------------------------------------ */
/* Checks that need no data                                            */

static const char *const ROLES[] = {
    "district", "street", "park_zone", "built_up", "land", "key_area", "roads", "greenways",
    "pipes", "shoreline", "rail", "forest", "green", "parks", "residential", "sponge",
    "farmland", "sea", "water_quality", "sports", "control", "boundary", "sites", "parcels",
    "renewal", "toilets", "childcare", "clinics", "hospitals", "elderly_centres",
    "stations_5g", "villages", "enterprises", "buildings", "approvals", "supply",
    "facilities", NULL};

static int role_known(const lg_project *p, const char *role)
{
    for (size_t i = 0; ROLES[i]; i++)
        if (strcmp(ROLES[i], role) == 0)
            return 1;
    for (size_t i = 0; i < p->ninds; i++)
        for (size_t j = 0; j < p->inds[i].ninputs; j++)
            if (p->inds[i].inputs[j].role && strcmp(p->inds[i].inputs[j].role, role) == 0)
                return 1;
    for (size_t i = 0; i < p->nlevels; i++)
        if (strcmp(p->levels[i].name, role) == 0)
            return 1;
    return 0;
}

static void check_indicator(lg_project *p, pj_indicator *ind)
{
    const pj_kernel *k = pj_kernel_find(ind->kernel);
    if (!k) {
        if (ind->kernel)
            pj_error(p, &ind->kernel_pos, "indicator '%s': unknown kernel '%s'; expected one of "
                                   "length-density, length-share, area-share, count, per-area, "
                                   "coverage, overlap, far, land-stock, low-efficiency, idle-land, none",
                     ind->id, ind->kernel);
        return;
    }
    if (strcmp(k->name, "none") == 0) {
        if (!ind->reason)
            pj_error(p, &ind->pos, "indicator '%s': kernel none needs a reason (what is "
                                   "missing to measure it)", ind->id);
        return;
    }
    for (size_t i = 0; i < ind->ninputs; i++) {
        int ok = 0;
        for (size_t s = 0; s < 3 && k->slots[s]; s++)
            ok |= strcmp(k->slots[s], ind->inputs[i].slot) == 0;
        if (!ok)
            pj_error(p, &ind->inputs[i].pos, "indicator '%s': kernel %s has no input '%s' "
                     "(its inputs: %s%s%s%s%s)", ind->id, k->name, ind->inputs[i].slot,
                     k->slots[0], k->slots[1] ? ", " : "", k->slots[1] ? k->slots[1] : "",
                     k->slots[2] ? ", " : "", k->slots[2] ? k->slots[2] : "");
    }
    for (size_t s = 0; s < 3 && k->slots[s]; s++) {
        int have = 0;
        for (size_t i = 0; i < ind->ninputs; i++)
            have |= strcmp(k->slots[s], ind->inputs[i].slot) == 0;
        if (k->required[s] && !have)
            pj_error(p, &ind->pos, "indicator '%s': kernel %s needs input '%s' (e.g. inputs: "
                     "{%s: ROLE})", ind->id, k->name, k->slots[s], k->slots[s]);
    }
    for (size_t i = 0; i < ind->nparams; i++) {
        int ok = 0;
        for (size_t j = 0; k->params[j]; j++)
            ok |= strcmp(k->params[j], ind->params[i].key) == 0;
        if (!ok) {
            char list[256] = "";
            for (size_t j = 0; k->params[j]; j++) {
                size_t len = strlen(list);
                snprintf(list + len, sizeof list - len, "%s%s", j ? ", " : "", k->params[j]);
            }
            pj_error(p, &ind->params[i].pos, "indicator '%s': kernel %s has no parameter '%s' "
                     "(its parameters: %s)", ind->id, k->name, ind->params[i].key,
                     *list ? list : "none");
        }
    }
    const char *col = ind->column ? ind->column : "value";
    int okcol = 0;
    for (size_t j = 0; k->columns[j]; j++)
        okcol |= strcmp(k->columns[j], col) == 0;
    if (!okcol)
        pj_error(p, ind->column ? &ind->column_pos : &ind->pos,
                 "indicator '%s': kernel %s has no column '%s'", ind->id, k->name,
                 col);
    int dim;
    double f;
    const char *cu = pj_column_unit(ind, k);
    if (ind->unit && !pj_unit(ind->unit, &dim, &f))
        pj_error(p, &ind->unit_pos, "indicator '%s': unknown unit '%s' (see the unit list in "
                 "layers/targets/README.md)", ind->id, ind->unit);
    else if (!ind->unit && okcol && !cu)
        pj_error(p, &ind->pos, "indicator '%s': column %s of %s has no fixed unit: say which "
                 "(unit: …)", ind->id, col, k->name);
    else if (ind->unit && cu && !pj_unit_convert(1, cu, ind->unit, &f))
        pj_error(p, &ind->unit_pos, "indicator '%s': unit '%s' does not fit column %s, which is in "
                 "%s", ind->id, ind->unit, col, cu);
}

/* The unit an indicator's value is in. */
static const char *indicator_unit(const pj_indicator *ind)
{
    const pj_kernel *k = pj_kernel_find(ind->kernel);
    if (ind->unit)
        return ind->unit;
    return k ? pj_column_unit(ind, k) : NULL;
}

static void check_target(lg_project *p, pj_target *t)
{
    pj_indicator *ind = pj_find_indicator(p, t->indicator);
    if (!t->indicator)
        pj_error(p, &t->pos, "target '%s' has no indicator", t->id);
    else if (!ind)
        pj_error(p, &t->pos, "target '%s': no indicator '%s' is defined", t->id, t->indicator);
    if (t->cmp == CMP_NONE)
        pj_error(p, &t->pos, "target '%s' has no comparison (expected compare: >=, >, <=, <, =, "
                 "approx, range or report)", t->id);
    if (!t->level)
        pj_error(p, &t->pos, "target '%s' has no level (the zone level it applies to)", t->id);
    if (!t->zone)
        pj_error(p, &t->pos, "target '%s' has no zone (a zone name or id, total or each)", t->id);
    int needs_value = t->cmp != CMP_RANGE && t->cmp != CMP_REPORT && t->cmp != CMP_NONE;
    if (needs_value && isnan(t->value))
        pj_error(p, &t->pos, "target '%s': compare %s needs a value", t->id, pj_cmp_name(t->cmp));
    if (t->cmp == CMP_RANGE && isnan(t->min) && isnan(t->max))
        pj_error(p, &t->pos, "target '%s': compare range needs min, max or both", t->id);
    if (t->cmp == CMP_RANGE && t->min > t->max)
        pj_error(p, &t->pos, "target '%s': min %g is above max %g", t->id, t->min, t->max);
    if (t->set && (!t->doc || !t->text))
        pj_error(p, &t->pos, "target '%s': a target set's targets cite their source (source: "
                 "{document, section, text})", t->id);
    int dim;
    double f;
    if (t->unit && !pj_unit(t->unit, &dim, &f)) {
        pj_error(p, &t->pos, "target '%s': unknown unit '%s' (see the unit list in "
                 "layers/targets/README.md)", t->id, t->unit);
    } else if (ind && t->cmp != CMP_REPORT) {
        const char *iu = indicator_unit(ind);
        int idim = -1;
        double ifac;
        int dimensionless = iu && pj_unit(iu, &idim, &ifac) && idim == 0;
        if (!t->unit && !dimensionless)
            pj_error(p, &t->pos, "target '%s' has no unit (the indicator is in %s)", t->id,
                     iu ? iu : "?");
        else if (iu && t->unit && !pj_unit_convert(1, iu, t->unit, &f))
            pj_error(p, &t->pos, "target '%s': unit mismatch: the target is in %s but indicator "
                     "'%s' is in %s", t->id, t->unit, ind->id, iu);
    }
    if (t->level && !pj_find_level(p, t->level)) {
        if (t->set)
            pj_warning(p, &t->pos, "target '%s': the project has no zone level '%s': not "
                       "applicable", t->id, t->level);
        else
            pj_error(p, &t->pos, "target '%s': no zone level '%s' in the project (levels:)",
                     t->id, t->level);
    }
}

void pj_default_levels(lg_project *p)
{
    if (p->nlevels == 0) {
        static const char *const lv[] = {"district", "street"};
        for (size_t k = 0; k < 2; k++) {
            int amb;
            pj_layer *l = pj_layer_for_role(p, lv[k], &amb);
            pj_level *e = l ? pj_grow((void **)&p->levels, &p->nlevels, sizeof *e) : NULL;
            if (e) {
                e->name = lv[k];
                e->layer = l->name;
                e->pos = l->pos;
            }
        }
    }
}

static void check_project(lg_project *p)
{
    pj_default_levels(p);
    for (size_t i = 0; i < p->nlevels; i++) {
        pj_level *lv = &p->levels[i];
        if (lv->layer && !pj_find_layer(p, lv->layer))
            pj_error(p, &lv->pos, "zone level '%s': no layer '%s' under layers:", lv->name,
                     lv->layer);
    }
    for (size_t i = 0; i < p->nlayers; i++)
        if (!role_known(p, p->layers[i].role))
            pj_error(p, &p->layers[i].pos, "layer '%s': unknown role '%s' (roles: see "
                     "layers/targets/README.md; no indicator uses it)", p->layers[i].name,
                     p->layers[i].role);
    for (size_t i = 0; i < p->ninds; i++)
        check_indicator(p, &p->inds[i]);
    for (size_t i = 0; i < p->ntargets; i++)
        check_target(p, &p->targets[i]);
}

/* ------------------------------------------------------------------ */
/* Public                                                              */

static void add_search(lg_project *p, const char *dir)
{
    if (!dir || !*dir)
        return;
    for (size_t i = 0; i < p->nsearch; i++)
        if (strcmp(p->search[i], dir) == 0)
            return;
    const char **v = realloc(p->search, (p->nsearch + 1) * sizeof *v);
    if (!v)
        return;
    p->search = v;
    if ((v[p->nsearch] = pj_str(p, dir)))
        p->nsearch++;
}

lg_project *pj_new(lg_ctx *ctx, const char *path)
{
    lg_project *p = lg_calloc(ctx, 1, sizeof *p);
    if (!p)
        return NULL;
    char *dir = pj_dir_of(path ? path : "");
    p->path = pj_str(p, path ? path : "");
    p->dir = pj_str(p, dir ? dir : ".");
    free(dir);
    p->name = "";
    return p;
}

lg_project *lg_project_load(lg_ctx *ctx, const char *path, const char *const *options)
{
    lg_project *p = pj_new(ctx, path);
    if (!p)
        return NULL;
    add_search(p, p->dir);
    const char *tp = lg_opt(options, "TARGET_PATH");
    if (tp) {
        char *copy = strdup(tp), *save = NULL;
        for (char *s = copy ? strtok_r(copy, ":", &save) : NULL; s;
             s = strtok_r(NULL, ":", &save))
            add_search(p, s);
        free(copy);
    }
    add_search(p, LG_TARGETS_BUILD_DIR);
    add_search(p, LG_TARGETS_INSTALL_DIR);
    if (!path) {
        pj_error(p, NULL, "no project file given");
    } else {
        load_file(p, path, NULL, 0);
        if (p->nerrors == 0)
            check_project(p);
    }
    if (p->nerrors)
        lg_error(ctx, LG_ERR_ARG, "%s", p->errors[0]);
    return p;
}

lg_project *lg_project_free(lg_ctx *ctx, lg_project *p)
{
    if (!p)
        return NULL;
    for (size_t i = 0; i < p->nlayers; i++) {
        free(p->layers[i].fields);
        lg_layer_close(ctx, p->layers[i].header);
    }
    for (size_t i = 0; i < p->ninds; i++) {
        free_inputs(p->inds[i].inputs, p->inds[i].ninputs);
        free(p->inds[i].inputs);
        free(p->inds[i].params);
    }
    free(p->layers);
    free(p->levels);
    free(p->inds);
    free(p->targets);
    free(p->search);
    free(p->included);
    for (size_t i = 0; i < p->nerrors; i++)
        free(p->errors[i]);
    for (size_t i = 0; i < p->nwarnings; i++)
        free(p->warnings[i]);
    free(p->errors);
    free(p->warnings);
    for (size_t i = 0; i < p->nstrs; i++)
        free(p->strs[i]);
    free(p->strs);
    free(p);
    return NULL;
}

size_t lg_project_error_count(const lg_project *p) { return p ? p->nerrors : 0; }
const char *lg_project_error(const lg_project *p, size_t i)
{
    return p && i < p->nerrors ? p->errors[i] : NULL;
}
size_t lg_project_warning_count(const lg_project *p) { return p ? p->nwarnings : 0; }
const char *lg_project_warning(const lg_project *p, size_t i)
{
    return p && i < p->nwarnings ? p->warnings[i] : NULL;
}
size_t lg_project_layer_count(const lg_project *p) { return p ? p->nlayers : 0; }
size_t lg_project_level_count(const lg_project *p) { return p ? p->nlevels : 0; }
size_t lg_project_indicator_count(const lg_project *p) { return p ? p->ninds : 0; }
size_t lg_project_target_count(const lg_project *p) { return p ? p->ntargets : 0; }
const char *lg_project_name(const lg_project *p) { return p && p->name ? p->name : ""; }
