/*
 * libgeo — planning-analysis library.
 * lg_context.h: the context object, status codes, errors, warnings, progress.
 *
 * Conventions used by every public header of libgeo:
 *  - Every function that can fail takes an lg_ctx* first.  One context per
 *    thread: a context owns a GEOS reentrant handle and a PROJ context, and
 *    neither may be used from two threads at once.
 *  - Functions returning lg_status return LG_OK (0) on success; on failure
 *    they store the status and a message in the context (lg_ctx_errmsg).
 *    Functions returning a pointer return NULL on failure, likewise.
 *  - Destructors accept NULL and return NULL, so `x = lg_x_free(x);` clears
 *    the caller's pointer.
 *  - Strings handed in are UTF-8 and copied when kept; strings handed out
 *    are owned by the object they came from and live as long as it.
 *  - The library never prints.  Warnings go to a handler the caller sets;
 *    without one they are counted and the last one is kept.
 */
#ifndef LIBGEO_LG_CONTEXT_H
#define LIBGEO_LG_CONTEXT_H

#include <stddef.h>

#include <geos_c.h>
#include <proj.h>

/* Every public function is marked LG_API: the shared library exports
 * these and nothing else. */
#if defined(__GNUC__)
#define LG_API __attribute__((visibility("default")))
#else
#define LG_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define LIBGEO_VERSION_MAJOR 0
#define LIBGEO_VERSION_MINOR 1
#define LIBGEO_VERSION_PATCH 0

/** The library's version as "MAJOR.MINOR.PATCH". Static string. */
LG_API const char *lg_version(void);

/** Status codes.  Stable numeric values: they may be stored and compared. */
typedef enum lg_status {
    LG_OK = 0,
    LG_ERR_NOMEM = 1,    /**< an allocation failed */
    LG_ERR_ARG = 2,      /**< a bad argument or option from the caller */
    LG_ERR_IO = 3,       /**< a source could not be opened, read or written */
    LG_ERR_CRS = 4,      /**< missing, unknown or unusable coordinate system */
    LG_ERR_ENCODING = 5, /**< text that does not decode in the stated encoding */
    LG_ERR_GEOMETRY = 6, /**< invalid geometry under the `stop` policy, or a GEOS failure */
    LG_ERR_CANCELLED = 7,/**< the progress callback asked to stop */
    LG_ERR_INTERNAL = 8  /**< a bug: please report it with the message */
} lg_status;

/** A short English name of a status ("out of memory", ...). Static string. */
LG_API const char *lg_status_name(lg_status status);

typedef struct lg_ctx lg_ctx;

/** Create a context.  Returns NULL only when memory is exhausted. */
LG_API lg_ctx *lg_ctx_new(void);

/** Destroy a context (NULL is accepted).  Returns NULL. */
LG_API lg_ctx *lg_ctx_free(lg_ctx *ctx);

/** The status of the last failure, LG_OK if none since the last clear. */
LG_API lg_status lg_ctx_errno(const lg_ctx *ctx);

/** The message of the last failure ("" if none).  Owned by the context,
 *  valid until the next call that fails or clears. */
LG_API const char *lg_ctx_errmsg(const lg_ctx *ctx);

/** Forget the last failure. */
LG_API void lg_ctx_clear_error(lg_ctx *ctx);

/** The GEOS handle owned by the context, for callers that run GEOS _r
 *  functions on geometries the library hands out.  Do not finish it. */
LG_API GEOSContextHandle_t lg_ctx_geos(const lg_ctx *ctx);

/** The PROJ context owned by the context.  Do not destroy it. */
LG_API PJ_CONTEXT *lg_ctx_proj(const lg_ctx *ctx);

/** Warning handler: called with a UTF-8 message for things a user should
 *  know that do not stop the work (a guessed encoding, geometries fixed).
 *  The message is only valid during the call. */
typedef void (*lg_warning_fn)(const char *message, void *user);

/** Install (or remove, with NULL) the warning handler. */
LG_API void lg_ctx_set_warning_handler(lg_ctx *ctx, lg_warning_fn fn, void *user);

/** Number of warnings raised since the context was made. */
LG_API size_t lg_ctx_warning_count(const lg_ctx *ctx);

/** The last warning raised ("" if none).  Owned by the context. */
LG_API const char *lg_ctx_last_warning(const lg_ctx *ctx);

/** Progress callback: `fraction` in [0,1] of the task named `what`.
 *  Return non-zero to go on, 0 to cancel (the call then fails with
 *  LG_ERR_CANCELLED). */
typedef int (*lg_progress_fn)(double fraction, const char *what, void *user);

/** Install (or remove, with NULL) the progress callback. */
LG_API void lg_ctx_set_progress(lg_ctx *ctx, lg_progress_fn fn, void *user);

/** Worker threads for kernels and lg_layers_load: 0 (default) = all cores. */
LG_API void lg_ctx_set_threads(lg_ctx *ctx, int threads);
/** The number of worker threads in effect (>= 1). */
LG_API int lg_ctx_threads(const lg_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_CONTEXT_H */
