/* yaml_doc: a thin, read-only view of a libyaml document with positions.
 *
 * libyaml's document API (yaml_parser_load) keeps every node with its start
 * mark; this wraps it so the project parser can say "file:line:col" for any
 * value.  Aliases are resolved by libyaml; duplicate mapping keys are
 * reported by yd_map_check. */
#ifndef LG_YAML_DOC_H
#define LG_YAML_DOC_H

#include <stddef.h>

#include <yaml.h>

typedef struct yd_doc {
    yaml_document_t doc;
    int loaded;
    char *path;   /* as given */
} yd_doc;

typedef yaml_node_t yd_node;

/* Load the first document of `path`.  0 on success; -1 with a message
 * "path:line:col: what" (or "path: cannot read: …") in err. */
int yd_load(yd_doc *d, const char *path, char *err, size_t errlen);
void yd_free(yd_doc *d);

/* The root node, or NULL for an empty file. */
yd_node *yd_root(yd_doc *d);

/* 1-based line and column of a node. */
int yd_line(const yd_node *n);
int yd_col(const yd_node *n);

int yd_is_map(const yd_node *n);
int yd_is_seq(const yd_node *n);
int yd_is_scalar(const yd_node *n);
/* A scalar's text (NUL-terminated by libyaml), or NULL if not a scalar. */
const char *yd_text(const yd_node *n);
/* 1 when a scalar was written in quotes (so "yes" is the string). */
int yd_quoted(const yd_node *n);

/* Mappings: number of pairs, the i-th key (a scalar's text, or NULL) and
 * value node. */
size_t yd_map_size(const yd_node *n);
const char *yd_map_key(yd_doc *d, const yd_node *n, size_t i, yd_node **key_node);
yd_node *yd_map_value(yd_doc *d, const yd_node *n, size_t i);
/* The value for key `k`, or NULL. */
yd_node *yd_map_get(yd_doc *d, const yd_node *n, const char *k);

/* Sequences. */
size_t yd_seq_size(const yd_node *n);
yd_node *yd_seq_item(yd_doc *d, const yd_node *n, size_t i);

/* Scalar readers: 1 on success. */
int yd_number(const yd_node *n, double *out);   /* also .inf, inf */
int yd_bool(const yd_node *n, int *out);        /* true/false/yes/no/on/off */
int yd_int(const yd_node *n, long *out);

/* A short human name of the node's kind ("a mapping", "a list", "text"). */
const char *yd_kind(const yd_node *n);

#endif
