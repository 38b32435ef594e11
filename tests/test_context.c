/* The context: errors, warnings, progress, NULL-safe destructors. */
#include "lg_test.h"

#include "libgeo/libgeo.h"

static void test_new_context_is_clean(void **state)
{
    (void)state;
    lg_ctx *ctx = lg_ctx_new();
    assert_non_null(ctx);
    assert_int_equal(lg_ctx_errno(ctx), LG_OK);
    assert_string_equal(lg_ctx_errmsg(ctx), "");
    assert_non_null(lg_ctx_geos(ctx));
    assert_non_null(lg_ctx_proj(ctx));
    assert_int_equal(lg_ctx_warning_count(ctx), 0);
    assert_null(lg_ctx_free(ctx));
}

static void test_destructors_accept_null(void **state)
{
    (void)state;
    assert_null(lg_ctx_free(NULL));
    assert_null(lg_crs_free(NULL));
    assert_null(lg_decoder_free(NULL));
    lg_ctx *ctx = lg_ctx_new();
    assert_null(lg_layer_close(ctx, NULL));
    lg_strings_free(NULL);
    lg_ctx_free(ctx);
}

static void test_error_is_kept_and_cleared(void **state)
{
    (void)state;
    lg_ctx *ctx = lg_ctx_new();
    assert_null(lg_crs_new(ctx, "no such crs"));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "no such crs"));
    lg_ctx_clear_error(ctx);
    assert_int_equal(lg_ctx_errno(ctx), LG_OK);
    assert_string_equal(lg_ctx_errmsg(ctx), "");
    lg_ctx_free(ctx);
}

static void test_status_names_are_distinct(void **state)
{
    (void)state;
    for (int a = LG_OK; a <= LG_ERR_INTERNAL; a++)
        for (int b = a + 1; b <= LG_ERR_INTERNAL; b++)
            assert_string_not_equal(lg_status_name((lg_status)a), lg_status_name((lg_status)b));
    assert_string_equal(lg_status_name(LG_OK), "ok");
}

typedef struct {
    int calls;
    char last[512];
} warn_sink;

static void sink(const char *msg, void *user)
{
    warn_sink *w = user;
    w->calls++;
    snprintf(w->last, sizeof w->last, "%s", msg);
}

static void test_warnings_reach_the_handler(void **state)
{
    (void)state;
    lg_ctx *ctx = lg_ctx_new();
    warn_sink w = {0};
    lg_ctx_set_warning_handler(ctx, sink, &w);
    /* A box 20 degrees wide spans several zones: a warning, not an error. */
    double box[4] = {100, 30, 120, 40};
    lg_crs *crs = lg_crs_choose(ctx, NULL, box);
    assert_non_null(crs);
    assert_int_equal(w.calls, 1);
    assert_int_equal(lg_ctx_warning_count(ctx), 1);
    assert_non_null(strstr(w.last, "20.0 degrees"));
    assert_string_equal(lg_ctx_last_warning(ctx), w.last);
    lg_crs_free(crs);
    lg_ctx_free(ctx);
}

static int stop_at_once(double fraction, const char *what, void *user)
{
    (void)fraction;
    (void)what;
    (*(int *)user)++;
    return 0;
}

static void test_progress_can_cancel_a_load(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("context_progress");
    char path[1024];
    snprintf(path, sizeof path, "%s/points.geojson", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < 10000; i++)
        fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\","
                   "\"coordinates\":[%.6f,36.1]}}",
                i ? "," : "", 120.0 + i * 1e-5);
    fprintf(f, "]}");
    fclose(f);
    lg_ctx *ctx = lg_ctx_new();
    int calls = 0;
    lg_ctx_set_progress(ctx, stop_at_once, &calls);
    lg_layer *L = lg_layer_open(ctx, path, NULL);
    assert_non_null(L);
    lg_crs *w = lg_crs_new(ctx, "EPSG:4549");
    assert_int_equal(lg_layer_load(ctx, L, w), LG_ERR_CANCELLED);
    assert_int_equal(calls, 1);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "cancelled"));
    lg_layer_close(ctx, L);
    lg_crs_free(w);
    lg_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_context_is_clean),
        cmocka_unit_test(test_destructors_accept_null),
        cmocka_unit_test(test_error_is_kept_and_cleared),
        cmocka_unit_test(test_status_names_are_distinct),
        cmocka_unit_test(test_warnings_reach_the_handler),
        cmocka_unit_test(test_progress_can_cancel_a_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
