/*
 * Fixtures of the libgeo tests that work through a context: the group's
 * context `ctx` (and, for tests that load layers, the working CRS `w4549`),
 * small GeoJSON inputs written to a scratch directory and loaded, and
 * reading a result's parameters.
 *
 * Run the group with lg_test_setup_ctx (a context only) or
 * lg_test_setup_4549 (GDAL's drivers, a context and w4549), and
 * lg_test_teardown_ctx.
 */
#ifndef LIBGEO_LG_FIXTURE_H
#define LIBGEO_LG_FIXTURE_H

#include "lg_test.h"

#include <gdal.h>

#include "libgeo/libgeo.h"

static lg_ctx *ctx;
static lg_crs *w4549; /* CGCS2000 / 3-degree Gauss-Kruger CM 120E */

/* Group setup: a context. */
static inline int lg_test_setup_ctx(void **state)
{
    (void)state;
    ctx = lg_ctx_new();
    return ctx ? 0 : -1;
}

/* Group setup: GDAL's drivers, a context and w4549. */
static inline int lg_test_setup_4549(void **state)
{
    (void)state;
    GDALAllRegister();
    ctx = lg_ctx_new();
    w4549 = lg_crs_new(ctx, "EPSG:4549");
    return ctx && w4549 ? 0 : -1;
}

/* Group teardown after either setup. */
static inline int lg_test_teardown_ctx(void **state)
{
    (void)state;
    w4549 = lg_crs_free(w4549);
    ctx = lg_ctx_free(ctx);
    return 0;
}

/* The start of a GeoJSON FeatureCollection in EPSG:4549 (named by the
 * old-style "crs" member), up to the opening bracket of its features. */
#define HEAD "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":" \
             "{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\"features\":["
/* The origin that small test geometry is offset from, in EPSG:4549 metres. */
#define X0 500000
#define Y0 4000000

/* Write `text` to dir/name; returns the path (a static buffer, overwritten
 * by the next call). */
static inline const char *lg_test_write_file(const char *dir, const char *name, const char *text)
{
    static char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Open `path` with `opts` (may be NULL) and load it in `crs`; on failure
 * fail the test with `label` and the context's message. */
static inline lg_layer *lg_test_load_as(const char *path, const char *label,
                                        const char *const *opts, const lg_crs *crs)
{
    lg_layer *L = lg_layer_open(ctx, path, opts);
    if (!L || lg_layer_load(ctx, L, crs) != LG_OK)
        fail_msg("%s: %s", label, lg_ctx_errmsg(ctx));
    return L;
}

/* lg_test_load_as, the failure labelled with the path. */
static inline lg_layer *lg_test_load(const char *path, const char *const *opts, const lg_crs *crs)
{
    return lg_test_load_as(path, path, opts, crs);
}

/* `json` written to dir/name and loaded in w4549; the failure is labelled
 * with the name. */
static inline lg_layer *lg_test_layer_from(const char *dir, const char *name, const char *json,
                                           const char *const *opts)
{
    return lg_test_load_as(lg_test_write_file(dir, name, json), name, opts, w4549);
}

/* The value of parameter `key` of a result; fails the test when absent. */
static inline const char *lg_test_param(const lg_result *r, const char *key)
{
    for (size_t i = 0; i < lg_result_param_count(r); i++)
        if (!strcmp(lg_result_param_key(r, i), key))
            return lg_result_param_value(r, i);
    fail_msg("no parameter %s", key);
    return NULL;
}

/* Cell (row, column named `col`) of a result table; fails the test when
 * the column is absent. */
static inline double lg_test_cell(const lg_table *t, size_t row, const char *col)
{
    int c = lg_table_column_index(t, col);
    if (c < 0)
        fail_msg("no column %s in %s", col, lg_table_name(t));
    return lg_table_value(t, row, (size_t)c);
}

/* The detail table `name` of a result; fails the test when absent. */
static inline const lg_table *lg_test_detail(const lg_result *r, const char *name)
{
    for (size_t i = 0; i < lg_result_detail_count(r); i++)
        if (!strcmp(lg_table_name(lg_result_detail(r, i)), name))
            return lg_result_detail(r, i);
    fail_msg("no detail table %s", name);
    return NULL;
}

#endif
