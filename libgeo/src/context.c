/* The context object: GEOS handle, PROJ context, last error, warnings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lg_internal.h"

#define LG_MSG_MAX 2048

struct lg_ctx {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    lg_status status;
    char errmsg[LG_MSG_MAX];
    char geos_msg[LG_MSG_MAX]; /* last GEOS error, folded into our messages */
    lg_warning_fn warn_fn;
    void *warn_user;
    size_t warn_count;
    char last_warning[LG_MSG_MAX];
    lg_progress_fn progress_fn;
    void *progress_user;
    int threads; /* 0 = all cores */
};

const char *lg_version(void)
{
#define LG_STR2(x) #x
#define LG_STR(x) LG_STR2(x)
    return LG_STR(LIBGEO_VERSION_MAJOR) "." LG_STR(LIBGEO_VERSION_MINOR) "." LG_STR(
        LIBGEO_VERSION_PATCH);
}

const char *lg_status_name(lg_status status)
{
    switch (status) {
    case LG_OK: return "ok";
    case LG_ERR_NOMEM: return "out of memory";
    case LG_ERR_ARG: return "bad argument";
    case LG_ERR_IO: return "input/output error";
    case LG_ERR_CRS: return "coordinate system error";
    case LG_ERR_ENCODING: return "text encoding error";
    case LG_ERR_GEOMETRY: return "geometry error";
    case LG_ERR_CANCELLED: return "cancelled";
    case LG_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

static void geos_message(const char *msg, void *user)
{
    lg_ctx *ctx = user;
    snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "%s", msg ? msg : "");
}

static void geos_notice(const char *msg, void *user)
{
    (void)msg;
    (void)user; /* GEOS notices are informational; the library stays quiet */
}

lg_ctx *lg_ctx_new(void)
{
    lg_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->geos = GEOS_init_r();
    ctx->proj = proj_context_create();
    if (!ctx->geos || !ctx->proj)
        return lg_ctx_free(ctx);
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_message, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice, ctx);
    /* PROJ logs to stderr by default: the library never prints. */
    proj_log_level(ctx->proj, PJ_LOG_NONE);
    return ctx;
}

lg_ctx *lg_ctx_free(lg_ctx *ctx)
{
    if (!ctx)
        return NULL;
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    if (ctx->proj)
        proj_context_destroy(ctx->proj);
    free(ctx);
    return NULL;
}

lg_status lg_ctx_errno(const lg_ctx *ctx) { return ctx ? ctx->status : LG_ERR_ARG; }

const char *lg_ctx_errmsg(const lg_ctx *ctx) { return ctx ? ctx->errmsg : "no context"; }

void lg_ctx_clear_error(lg_ctx *ctx)
{
    ctx->status = LG_OK;
    ctx->errmsg[0] = '\0';
    ctx->geos_msg[0] = '\0';
}

GEOSContextHandle_t lg_ctx_geos(const lg_ctx *ctx) { return ctx->geos; }

PJ_CONTEXT *lg_ctx_proj(const lg_ctx *ctx) { return ctx->proj; }

void lg_ctx_set_warning_handler(lg_ctx *ctx, lg_warning_fn fn, void *user)
{
    ctx->warn_fn = fn;
    ctx->warn_user = user;
}

size_t lg_ctx_warning_count(const lg_ctx *ctx) { return ctx->warn_count; }

const char *lg_ctx_last_warning(const lg_ctx *ctx) { return ctx->last_warning; }

void lg_ctx_set_progress(lg_ctx *ctx, lg_progress_fn fn, void *user)
{
    ctx->progress_fn = fn;
    ctx->progress_user = user;
}

lg_ctx *lg_ctx_new_worker(const lg_ctx *parent)
{
    lg_ctx *w = lg_ctx_new();
    if (w) {
        w->warn_fn = parent->warn_fn;
        w->warn_user = parent->warn_user;
        w->threads = 1;
    }
    return w;
}

void lg_ctx_absorb(lg_ctx *parent, const lg_ctx *worker)
{
    if (worker->warn_count) {
        parent->warn_count += worker->warn_count;
        memcpy(parent->last_warning, worker->last_warning, sizeof parent->last_warning);
    }
    if (worker->status != LG_OK) {
        parent->status = worker->status;
        memcpy(parent->errmsg, worker->errmsg, sizeof parent->errmsg);
    }
}

void lg_ctx_set_threads(lg_ctx *ctx, int threads) { ctx->threads = threads > 0 ? threads : 0; }

int lg_ctx_threads(const lg_ctx *ctx)
{
    if (ctx->threads > 0)
        return ctx->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)(n > 256 ? 256 : n) : 1;
}

lg_status lg_error(lg_ctx *ctx, lg_status status, const char *fmt, ...)
{
    if (!ctx)
        return status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
    ctx->status = status;
    return status;
}

void lg_warn(lg_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->last_warning, sizeof ctx->last_warning, fmt, ap);
    va_end(ap);
    ctx->warn_count++;
    if (ctx->warn_fn)
        ctx->warn_fn(ctx->last_warning, ctx->warn_user);
}

int lg_progress(lg_ctx *ctx, double fraction, const char *what)
{
    if (!ctx->progress_fn)
        return 1;
    if (ctx->progress_fn(fraction, what, ctx->progress_user))
        return 1;
    lg_error(ctx, LG_ERR_CANCELLED, "%s: cancelled by the caller", what);
    return 0;
}

const char *lg_geos_last_message(const lg_ctx *ctx)
{
    return ctx->geos_msg[0] ? ctx->geos_msg : "no message from GEOS";
}

void *lg_malloc(lg_ctx *ctx, size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        lg_error(ctx, LG_ERR_NOMEM, "out of memory (%zu bytes)", size);
    return p;
}

void *lg_calloc(lg_ctx *ctx, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        lg_error(ctx, LG_ERR_NOMEM, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *lg_realloc(lg_ctx *ctx, void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        lg_error(ctx, LG_ERR_NOMEM, "out of memory (%zu bytes)", size);
    return q;
}

char *lg_strdup(lg_ctx *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = lg_malloc(ctx, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *lg_sprintf(lg_ctx *ctx, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = NULL;
    if (n >= 0 && (s = lg_malloc(ctx, (size_t)n + 1)))
        vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

int lg_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb || !ca)
            return ca - cb;
    }
}
