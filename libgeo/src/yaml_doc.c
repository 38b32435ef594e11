/* yaml_doc: see yaml_doc.h. */
#include "yaml_doc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int yd_load(yd_doc *d, const char *path, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &d->doc);
    if (!ok) {
        const yaml_mark_t *m = parser.problem ? &parser.problem_mark : &parser.context_mark;
        char began[96] = "";
        if (parser.context && parser.problem &&
            (parser.context_mark.line != m->line || parser.context_mark.column != m->column))
            snprintf(began, sizeof began, " (it began at line %zu, column %zu)",
                     parser.context_mark.line + 1, parser.context_mark.column + 1);
        snprintf(err, errlen, "%s:%zu:%zu: YAML syntax: %s%s%s%s", path, m->line + 1,
                 m->column + 1, parser.problem ? parser.problem : "cannot parse",
                 parser.context ? " " : "", parser.context ? parser.context : "", began);
    } else {
        d->loaded = 1;
        d->path = strdup(path);
        if (!d->path) {
            yaml_document_delete(&d->doc);
            d->loaded = 0;
            snprintf(err, errlen, "%s: out of memory", path);
            ok = 0;
        }
    }
    yaml_parser_delete(&parser);
    fclose(f);
    return ok ? 0 : -1;
}

void yd_free(yd_doc *d)
{
    if (d->loaded)
        yaml_document_delete(&d->doc);
    free(d->path);
    memset(d, 0, sizeof *d);
}

yd_node *yd_root(yd_doc *d)
{
    return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

int yd_line(const yd_node *n) { return n ? (int)n->start_mark.line + 1 : 0; }
int yd_col(const yd_node *n) { return n ? (int)n->start_mark.column + 1 : 0; }
int yd_is_map(const yd_node *n) { return n && n->type == YAML_MAPPING_NODE; }
int yd_is_seq(const yd_node *n) { return n && n->type == YAML_SEQUENCE_NODE; }
int yd_is_scalar(const yd_node *n) { return n && n->type == YAML_SCALAR_NODE; }

const char *yd_text(const yd_node *n)
{
    return yd_is_scalar(n) ? (const char *)n->data.scalar.value : NULL;
}

int yd_quoted(const yd_node *n)
{
    return yd_is_scalar(n) && (n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                               n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

size_t yd_map_size(const yd_node *n)
{
    return yd_is_map(n) ? (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start) : 0;
}

const char *yd_map_key(yd_doc *d, const yd_node *n, size_t i, yd_node **key_node)
{
    yaml_node_pair_t *p = n->data.mapping.pairs.start + i;
    yd_node *k = yaml_document_get_node(&d->doc, p->key);
    if (key_node)
        *key_node = k;
    return yd_text(k);
}

yd_node *yd_map_value(yd_doc *d, const yd_node *n, size_t i)
{
    return yaml_document_get_node(&d->doc, n->data.mapping.pairs.start[i].value);
}

yd_node *yd_map_get(yd_doc *d, const yd_node *n, const char *k)
{
    size_t m = yd_map_size(n);
    for (size_t i = 0; i < m; i++) {
        const char *key = yd_map_key(d, n, i, NULL);
        if (key && strcmp(key, k) == 0)
            return yd_map_value(d, n, i);
    }
    return NULL;
}

size_t yd_seq_size(const yd_node *n)
{
    return yd_is_seq(n) ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start) : 0;
}

yd_node *yd_seq_item(yd_doc *d, const yd_node *n, size_t i)
{
    return yaml_document_get_node(&d->doc, n->data.sequence.items.start[i]);
}

int yd_number(const yd_node *n, double *out)
{
    const char *s = yd_text(n);
    if (!s || !*s)
        return 0;
    const char *t = s[0] == '+' || s[0] == '-' ? s + 1 : s;
    if (strcasecmp(t, ".inf") == 0 || strcasecmp(t, "inf") == 0) {
        *out = s[0] == '-' ? -INFINITY : INFINITY;
        return 1;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || isnan(v))
        return 0;
    *out = v;
    return 1;
}

int yd_int(const yd_node *n, long *out)
{
    const char *s = yd_text(n);
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno)
        return 0;
    *out = v;
    return 1;
}

int yd_bool(const yd_node *n, int *out)
{
    const char *s = yd_text(n);
    if (!s || yd_quoted(n))
        return 0;
    static const char *const T[] = {"true", "yes", "on"}, *const F[] = {"false", "no", "off"};
    for (int i = 0; i < 3; i++) {
        if (strcasecmp(s, T[i]) == 0)
            return *out = 1, 1;
        if (strcasecmp(s, F[i]) == 0)
            return *out = 0, 1;
    }
    return 0;
}

const char *yd_kind(const yd_node *n)
{
    if (!n)
        return "nothing";
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_SCALAR_NODE: return "text";
    default: return "nothing";
    }
}
