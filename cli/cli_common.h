/* Shared pieces of the geoplan commands: exit codes, option parsing for
 * layers, messages and progress on the terminal. */
#ifndef GEOPLAN_CLI_COMMON_H
#define GEOPLAN_CLI_COMMON_H

#include <stdio.h>

#include "libgeo/libgeo.h"

/* Exit status of every command. */
enum {
    EXIT_RAN = 0,       /* the command ran */
    EXIT_MISS = 1,      /* ran, and --fail-on-miss found a binding target missed */
    EXIT_USAGE = 2,     /* bad command line */
    EXIT_BAD_INPUT = 3  /* an input could not be used (the message says why) */
};

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV } out_format;

/* Options that say how to read layers; the same flags on every command. */
typedef struct layer_opts {
    const char *encoding;  /* --encoding */
    const char *text;      /* --text strict|lossy */
    const char *src_crs;   /* --src-crs */
    const char *datum;     /* --datum */
    const char *invalid;   /* --invalid */
    const char *where;     /* --where */
    const char *layer;     /* --layer */
    const char *crs;       /* --crs (working CRS) */
} layer_opts;

/* If argv[*i] is one of the layer flags, consume it (and its value) and
 * return 1; return -1 on a missing value (message printed); else 0. */
int layer_opts_take(layer_opts *o, int argc, char **argv, int *i);

/* "--flag VALUE" or "--flag=VALUE" at argv[*i]: 1 and *val (advancing *i
 * past a separate value), 0 when argv[*i] is not `flag`, -1 on a missing
 * value (message "geoplan CMD: FLAG needs a value" printed). */
int cli_take_value(const char *cmd, const char *flag, int argc, char **argv, int *i,
                   const char **val);

/* Help text lines for the layer flags. */
extern const char LAYER_OPTS_HELP[];

/* Open `arg` (FILE, FILE:LAYER, or PG:…) with the options; `layer_name`
 * overrides. NULL on failure (message printed). */
lg_layer *open_layer(lg_ctx *ctx, const char *arg, const char *layer_name, const layer_opts *o);

/* Split "FILE:LAYER" when FILE exists; returns a malloc'd file part and
 * sets *layer (pointer into arg) or NULL. */
char *split_source(const char *arg, const char **layer);

/* Print "geoplan: <msg>" for the context's last error. */
void print_error(lg_ctx *ctx);

/* Make a context with warnings to stderr and progress on a terminal. */
lg_ctx *cli_context(void);

/* Parse --format values. */
int parse_format(const char *s, out_format *f);

/* The program name for messages. */
#define PROG "geoplan"

#endif
