/* GDAL plumbing: one-time driver registration and capturing GDAL's error
 * and warning messages so that the library never prints. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>

#include "gdal_util.h"

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void gdal_init(void)
{
    GDALAllRegister();
}

void lg_gdal_init(void)
{
    pthread_once(&gdal_once, gdal_init);
}

static void CPL_STDCALL capture_handler(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)num;
    lg_gdal_capture *cap = CPLGetErrorHandlerUserData();
    if (!cap)
        return;
    if (cls >= CE_Failure) {
        snprintf(cap->error, sizeof cap->error, "%s", msg ? msg : "");
        cap->failures++;
    } else if (cls == CE_Warning) {
        cap->warnings++;
        if (cap->ctx && cap->warn_prefix)
            lg_warn(cap->ctx, "%s: %s", cap->warn_prefix, msg ? msg : "");
    }
}

void lg_gdal_capture_begin(lg_gdal_capture *cap, lg_ctx *ctx, const char *warn_prefix)
{
    memset(cap, 0, sizeof *cap);
    cap->ctx = ctx;
    cap->warn_prefix = warn_prefix;
    lg_gdal_init();
    CPLErrorReset();
    CPLPushErrorHandlerEx(capture_handler, cap);
}

void lg_gdal_capture_end(lg_gdal_capture *cap)
{
    (void)cap;
    CPLPopErrorHandler();
}

const char *lg_gdal_capture_message(const lg_gdal_capture *cap)
{
    return cap->error[0] ? cap->error : "GDAL gave no reason";
}
