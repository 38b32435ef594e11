/* GDAL plumbing (internal). */
#ifndef LIBGEO_GDAL_UTIL_H
#define LIBGEO_GDAL_UTIL_H

#include "lg_internal.h"

/* Register GDAL's drivers once per process. */
void lg_gdal_init(void);

/* While a capture is active (begin .. end, same thread), GDAL's failures
 * are stored in `error` instead of printed, and its warnings are raised as
 * libgeo warnings prefixed with `warn_prefix` (not raised when NULL). */
typedef struct lg_gdal_capture {
    lg_ctx *ctx;
    const char *warn_prefix;
    char error[1024];
    int failures;
    int warnings;
} lg_gdal_capture;

void lg_gdal_capture_begin(lg_gdal_capture *cap, lg_ctx *ctx, const char *warn_prefix);
void lg_gdal_capture_end(lg_gdal_capture *cap);
/* The last failure message, or a placeholder. */
const char *lg_gdal_capture_message(const lg_gdal_capture *cap);

#endif
