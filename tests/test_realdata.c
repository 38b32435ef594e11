/* Real data nobody on the project wrote (../shared/data): each test skips
 * with a message when it is absent.  Expected values are those stated in
 * shared/data/README.md and the planning documents. */
#include "lg_fixture.h"

static lg_layer *open_shared(const char *data, const char *rel, const char *const *opts)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", data, rel);
    lg_layer *L = lg_layer_open(ctx, path, opts);
    if (!L)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    return L;
}

static lg_crs *load_auto(lg_layer *L)
{
    lg_crs *w = lg_layers_working_crs(ctx, &L, 1, NULL);
    if (!w)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    if (lg_layer_load(ctx, L, w) != LG_OK)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    return w;
}

/* Qingdao's 10 districts (DataV, GCJ-02). */
static void test_qingdao_districts_load_as_ten(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    const char *opts[] = {"DATUM=gcj02", NULL};
    lg_layer *L = open_shared(data, "qingdao/districts_datav_gcj02.geojson", opts);
    lg_crs *w = load_auto(L);
    assert_string_equal(lg_crs_id(w), "EPSG:4549");
    assert_int_equal(lg_layer_size(L), 10);
    assert_int_equal(lg_layer_stats(L)->invalid, 0);
    lg_crs_free(w);
    lg_layer_close(ctx, L);
}

/* 李沧区 is ~98.7 km2 (planning document 000); after removing the GCJ-02
 * offset and projecting to EPSG:4549 it must measure 98.7 km2 +- 1 %. */
static void test_licang_area_after_gcj02_correction(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    const char *opts[] = {"DATUM=gcj02", "WHERE=name = '李沧区'", NULL};
    lg_layer *L = open_shared(data, "qingdao/districts_datav_gcj02.geojson", opts);
    lg_crs *w = lg_crs_new(ctx, "EPSG:4549");
    assert_int_equal(lg_layer_load(ctx, L, w), LG_OK);
    assert_int_equal(lg_layer_size(L), 1);
    int name = lg_layer_field_index(L, "name");
    assert_string_equal(lg_layer_text(L, 0, (size_t)name), "李沧区");
    double planar, ell;
    assert_int_equal(lg_layer_area(ctx, L, &planar, &ell), LG_OK);
    assert_double_near(planar / 1e6, 98.7, 0.987);
    assert_double_near(ell / planar, 1.0, 1e-3);
    lg_crs_free(w);
    lg_layer_close(ctx, L);
}

/* The 2016 division: all 10 geometries invalid; fix makes every one valid. */
static void test_invalid_2016_districts(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    const char *keep[] = {"DATUM=gcj02", "INVALID=keep", NULL};
    lg_layer *L = open_shared(data, "qingdao/districts_echarts_2016_invalid.geojson", keep);
    lg_crs *w = load_auto(L);
    assert_int_equal(lg_layer_stats(L)->invalid, 10);
    lg_layer_close(ctx, L);

    const char *stop[] = {"DATUM=gcj02", NULL};
    L = open_shared(data, "qingdao/districts_echarts_2016_invalid.geojson", stop);
    assert_int_equal(lg_layer_load(ctx, L, w), LG_ERR_GEOMETRY);
    lg_layer_close(ctx, L);

    const char *fix[] = {"DATUM=gcj02", "INVALID=fix", NULL};
    L = open_shared(data, "qingdao/districts_echarts_2016_invalid.geojson", fix);
    assert_int_equal(lg_layer_load(ctx, L, w), LG_OK);
    assert_int_equal(lg_layer_stats(L)->invalid, 10);
    assert_int_equal(lg_layer_stats(L)->fixed, 10);
    assert_int_equal(lg_layer_size(L), 10);
    for (size_t i = 0; i < lg_layer_size(L); i++)
        assert_int_equal(GEOSisValid_r(lg_ctx_geos(ctx), lg_layer_geom(L, i)), 1);
    assert_int_equal(lg_layer_geom_kind(L), LG_GEOM_POLYGON);
    lg_crs_free(w);
    lg_layer_close(ctx, L);
}

/* Liechtenstein has 11 municipalities (OSM admin_level 8, UTM 32N). */
static void test_liechtenstein_municipalities(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    lg_layer *L = open_shared(data, "osm/liechtenstein-2015/municipalities.shp", NULL);
    lg_crs *w = load_auto(L);
    assert_string_equal(lg_crs_id(w), "EPSG:32632");
    assert_int_equal(lg_layer_size(L), 11);
    /* Liechtenstein's land area is 160 km2 (official figure 160.5 km2). */
    double planar;
    assert_int_equal(lg_layer_area(ctx, L, &planar, NULL), LG_OK);
    assert_double_near(planar / 1e6, 160.5, 1.6);
    lg_crs_free(w);
    lg_layer_close(ctx, L);
}

/* Futian's directed OSM road graph is ~337 km of edges (shared README). */
static void test_futian_directed_length(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    const char *opts[] = {"LAYER=edges", NULL};
    lg_layer *L = open_shared(data, "osm/futian/futian_osm_roads.gpkg", opts);
    lg_crs *w = load_auto(L);
    assert_string_equal(lg_crs_id(w), "EPSG:4547"); /* Shenzhen: CM 114E */
    double km = 0;
    for (size_t i = 0; i < lg_layer_size(L); i++) {
        double len = 0;
        GEOSLength_r(lg_ctx_geos(ctx), lg_layer_geom(L, i), &len);
        km += len / 1000;
    }
    assert_double_near(km, 337, 3.4);
    lg_crs_free(w);
    lg_layer_close(ctx, L);
}

/* QGIS's test polygons include a NULL geometry on purpose. */
static void test_qgis_inputs_count_null_geometries(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    lg_layer *L = open_shared(data, "qgis-processing-tests/polys.gml", NULL);
    assert_int_equal(lg_layer_load(ctx, L, NULL), LG_OK); /* planar data */
    assert_int_equal(lg_layer_stats(L)->read, 6);
    assert_int_equal(lg_layer_stats(L)->null_geom, 1);
    assert_int_equal(lg_layer_size(L), 5);
    lg_layer_close(ctx, L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qingdao_districts_load_as_ten),
        cmocka_unit_test(test_licang_area_after_gcj02_correction),
        cmocka_unit_test(test_invalid_2016_districts),
        cmocka_unit_test(test_liechtenstein_municipalities),
        cmocka_unit_test(test_futian_directed_length),
        cmocka_unit_test(test_qgis_inputs_count_null_geometries),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_ctx, lg_test_teardown_ctx);
}
