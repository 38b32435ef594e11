/* Internal helpers shared by libgeo's sources.  Not installed. */
#ifndef LIBGEO_LG_INTERNAL_H
#define LIBGEO_LG_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "libgeo/lg_context.h"

#if defined(__GNUC__)
#define LG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LG_PRINTF(a, b)
#endif

/* Record a failure in the context; returns `status` so callers can write
 * `return lg_error(ctx, LG_ERR_IO, "...", ...);`. */
lg_status lg_error(lg_ctx *ctx, lg_status status, const char *fmt, ...) LG_PRINTF(3, 4);

/* Raise a warning (handler or stored). */
void lg_warn(lg_ctx *ctx, const char *fmt, ...) LG_PRINTF(2, 3);

/* Report progress; returns 0 when the caller asked to cancel (the error is
 * then already recorded). */
int lg_progress(lg_ctx *ctx, double fraction, const char *what);

/* The last message GEOS reported on this context's handle. */
const char *lg_geos_last_message(const lg_ctx *ctx);

/* A context for a worker thread: same warning handler (which must then be
 * safe to call from any thread), no progress callback, one thread. */
lg_ctx *lg_ctx_new_worker(const lg_ctx *parent);
/* Fold a finished worker's warning count and failure (if any) into the
 * parent. */
void lg_ctx_absorb(lg_ctx *parent, const lg_ctx *worker);

/* malloc/calloc/realloc that record LG_ERR_NOMEM in ctx on failure. */
void *lg_malloc(lg_ctx *ctx, size_t size);
void *lg_calloc(lg_ctx *ctx, size_t n, size_t size);
void *lg_realloc(lg_ctx *ctx, void *p, size_t size);
char *lg_strdup(lg_ctx *ctx, const char *s);

/* printf into a fresh malloc'd string (NULL + LG_ERR_NOMEM on failure). */
char *lg_sprintf(lg_ctx *ctx, const char *fmt, ...) LG_PRINTF(2, 3);

/* Case-insensitive ASCII string compare, 0 when equal. */
int lg_strcasecmp(const char *a, const char *b);

/* UTF-8 text re-encoded into `encoding` (e.g. a WHERE clause for a layer
 * read without recoding); malloc'd, NULL + LG_ERR_ENCODING when a
 * character has no equivalent there. */
char *lg_encode_utf8(lg_ctx *ctx, const char *encoding, const char *text);

/* --- CRS internals (crs.c) --- */
#include "libgeo/lg_crs.h"
/* Wrap a PROJ CRS object (ownership taken, also on failure). */
lg_crs *lg_crs_from_pj(lg_ctx *ctx, PJ *pj);
/* The PROJ object of a CRS (borrowed). */
PJ *lg_crs_pj(const lg_crs *crs);
/* Replace the reason text (takes ownership of a malloc'd string). */
void lg_crs_set_reason(lg_crs *crs, char *reason);
/* A transformation src -> dst taking and giving x = east/longitude first. */
PJ *lg_crs_transform(lg_ctx *ctx, const lg_crs *src, const lg_crs *dst);

#endif
