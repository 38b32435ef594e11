/* length-density, length-share and area-share, plus the shared machinery
 * (zones, tables, threads).  Expected values are hand-computed on small
 * geometry, QGIS's own expected outputs, or brute force. */
#include "lg_fixture.h"

#include <gdal.h>
#include <ogr_api.h>

/* Two zones side by side, each 1000 m x 1000 m: A = [0,1000]x[0,1000],
 * B = [1000,2000]x[0,1000] (offsets from X0, Y0). */
static lg_layer *two_zones(const char *dir)
{
    char buf[2048];
    snprintf(buf, sizeof buf,
             HEAD "{\"type\":\"Feature\",\"properties\":{\"code\":\"A\",\"name\":\"甲街道\"},"
                  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%d,%d],[%d,%d],[%d,%d],"
                  "[%d,%d],[%d,%d]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"code\":\"B\",\"name\":\"乙街道\"},"
                  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%d,%d],[%d,%d],[%d,%d],"
                  "[%d,%d],[%d,%d]]]}}]}",
             X0, Y0, X0 + 1000, Y0, X0 + 1000, Y0 + 1000, X0, Y0 + 1000, X0, Y0, X0 + 1000, Y0,
             X0 + 2000, Y0, X0 + 2000, Y0 + 1000, X0 + 1000, Y0 + 1000, X0 + 1000, Y0);
    return lg_test_layer_from(dir, "zones.geojson", buf, NULL);
}

static const char *line_feature(char *buf, size_t n, const char *cls, double x1, double y1,
                                double x2, double y2)
{
    snprintf(buf, n,
             "{\"type\":\"Feature\",\"properties\":{\"class\":\"%s\"},\"geometry\":{\"type\":"
             "\"LineString\",\"coordinates\":[[%.3f,%.3f],[%.3f,%.3f]]}}",
             cls, X0 + x1, Y0 + y1, X0 + x2, Y0 + y2);
    return buf;
}

static double cell(const lg_table *t, size_t row, const char *col)
{
    int c = lg_table_column_index(t, col);
    if (c < 0)
        fail_msg("no column %s", col);
    return lg_table_value(t, row, (size_t)c);
}

/* Roads: a 1500 m east-west line from x=250 to x=1750 at y=500 (750 m in
 * each zone), a 400 m arterial inside A, and a 300 m branch in B drawn twice
 * as opposite directed edges. */
static lg_layer *roads(const char *dir)
{
    char a[400], b[400], c[400], d[400], json[2048];
    snprintf(json, sizeof json, HEAD "%s,%s,%s,%s]}",
             line_feature(a, sizeof a, "secondary", 250, 500, 1750, 500),
             line_feature(b, sizeof b, "arterial", 100, 100, 100, 500),
             line_feature(c, sizeof c, "branch", 1200, 200, 1500, 200),
             line_feature(d, sizeof d, "branch", 1500, 200, 1200, 200));
    return lg_test_layer_from(dir, "roads.geojson", json, NULL);
}

static void test_length_density_by_hand(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("measure_length");
    lg_layer *z = two_zones(dir), *r = roads(dir);
    lg_zones *zs = lg_zones_new(ctx, z, NULL, NULL);
    assert_non_null(zs);
    assert_string_equal(lg_zones_id(zs, 0), "A");
    assert_string_equal(lg_zones_name(zs, 1), "乙街道");

    const char *opts[] = {"CLASS_FIELD=class", NULL};
    lg_result *res = lg_length_density(ctx, zs, r, NULL, opts);
    assert_non_null(res);
    assert_string_equal(lg_result_kernel(res), "length-density");
    assert_string_equal(lg_result_unit(res), "km/km2");
    assert_string_equal(lg_result_crs(res), "EPSG:4549");
    const lg_table *t = lg_result_zones(res), *tot = lg_result_total(res);
    /* A: 750 + 400 = 1150 m in 1 km2 -> 1.15 km/km2.
     * B: 750 + 300 + 300 = 1350 m (directed: counted twice) -> 1.35. */
    assert_double_near(cell(t, 0, "length_m"), 1150, 1e-9);
    assert_double_near(cell(t, 1, "length_m"), 1350, 1e-9);
    assert_double_near(cell(t, 0, "value"), 1.15, 1e-12);
    assert_double_near(cell(t, 1, "denominator"), 1.0, 1e-12);
    assert_double_near(cell(t, 0, "km:arterial"), 0.4, 1e-12);
    assert_double_near(cell(t, 1, "km:branch"), 0.6, 1e-12);
    assert_double_near(cell(t, 0, "km:branch"), 0.0, 0);
    /* total: 2500 m over 2 km2 */
    assert_double_near(cell(tot, 0, "value"), 1.25, 1e-12);
    assert_double_near(cell(tot, 0, "km:secondary"), 1.5, 1e-12);
    assert_string_equal(lg_table_column_unit(t, 0), "km/km2");
    lg_result_free(ctx, res);

    /* UNDIRECTED: the branch and its reverse count once: B = 1050 m */
    const char *und[] = {"UNDIRECTED=yes", NULL};
    res = lg_length_density(ctx, zs, r, NULL, und);
    assert_non_null(res);
    assert_double_near(cell(lg_result_zones(res), 1, "length_m"), 1050, 1e-9);
    assert_double_near(cell(lg_result_zones(res), 0, "length_m"), 1150, 1e-9);
    lg_result_free(ctx, res);

    lg_zones_free(ctx, zs);
    lg_layer_close(ctx, r);
    lg_layer_close(ctx, z);
}

/* With a denominator (built-up area) layer: lines and area are both taken
 * in zone ∩ built-up.  Built-up = [0,500]x[0,1000] and [1000,2000]x[0,250]:
 * A: area 0.5 km2, lines inside: east-west line x in [250,500] -> 250 m, the
 * arterial (x=100, y 100..500) -> 400 m: 650 m -> 1.3 km/km2.
 * B: area 0.25 km2, lines: both branch edges at y=200 -> 600 m -> 2.4. */
static void test_length_density_with_denominator(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("measure_length_den");
    lg_layer *z = two_zones(dir), *r = roads(dir);
    char json[2048];
    snprintf(json, sizeof json,
             HEAD "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[%d,%d],[%d,%d],[%d,%d],[%d,%d],[%d,%d]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[%d,%d],[%d,%d],[%d,%d],[%d,%d],[%d,%d]]]}}]}",
             X0, Y0, X0 + 500, Y0, X0 + 500, Y0 + 1000, X0, Y0 + 1000, X0, Y0, X0 + 1000, Y0,
             X0 + 2000, Y0, X0 + 2000, Y0 + 250, X0 + 1000, Y0 + 250, X0 + 1000, Y0);
    lg_layer *built = lg_test_layer_from(dir, "built.geojson", json, NULL);
    lg_zones *zs = lg_zones_new(ctx, z, NULL, NULL);
    lg_result *res = lg_length_density(ctx, zs, r, built, NULL);
    assert_non_null(res);
    const lg_table *t = lg_result_zones(res);
    assert_double_near(cell(t, 0, "area_m2"), 500000, 1e-6);
    assert_double_near(cell(t, 0, "length_m"), 650, 1e-9);
    assert_double_near(cell(t, 0, "value"), 1.3, 1e-12);
    assert_double_near(cell(t, 1, "area_m2"), 250000, 1e-6);
    assert_double_near(cell(t, 1, "value"), 2.4, 1e-12);
    /* total: 1250 m over 0.75 km2 */
    assert_double_near(cell(lg_result_total(res), 0, "value"), 1.25 / 0.75, 1e-12);
    lg_result_free(ctx, res);
    lg_zones_free(ctx, zs);
    lg_layer_close(ctx, built);
    lg_layer_close(ctx, r);
    lg_layer_close(ctx, z);
}

static void test_length_share_by_hand(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("measure_share");
    lg_layer *z = two_zones(dir), *r = roads(dir);
    lg_zones *zs = lg_zones_new(ctx, z, NULL, NULL);
    /* "natural" = secondary + arterial: A 1150 of 1150 m = 100 %;
     * B 750 of 1350 m = 55.5…% */
    const char *opts[] = {"CLASS_FIELD=class", "CLASSES=secondary,arterial", NULL};
    lg_result *res = lg_length_share(ctx, zs, r, opts);
    assert_non_null(res);
    assert_double_near(cell(lg_result_zones(res), 0, "value"), 100.0, 1e-10);
    assert_double_near(cell(lg_result_zones(res), 1, "value"), 100.0 * 750 / 1350, 1e-10);
    assert_double_near(cell(lg_result_total(res), 0, "value"), 100.0 * 1900 / 2500, 1e-10);
    assert_int_equal(lg_result_warning_count(res), 0);
    lg_result_free(ctx, res);
    /* a class that does not occur gives a warning (a typo would give 0 %) */
    const char *typo[] = {"CLASS_FIELD=class", "CLASSES=secundary", NULL};
    res = lg_length_share(ctx, zs, r, typo);
    assert_non_null(res);
    assert_int_equal(lg_result_warning_count(res), 1);
    assert_non_null(strstr(lg_result_warning(res, 0), "secundary"));
    lg_result_free(ctx, res);
    /* both options are required */
    const char *none[] = {"CLASS_FIELD=class", NULL};
    assert_null(lg_length_share(ctx, zs, r, none));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    lg_zones_free(ctx, zs);
    lg_layer_close(ctx, r);
    lg_layer_close(ctx, z);
}

/* Cover: two overlapping squares in A, [100,500]^2 and [300,700]^2
 * (160000 m2 each, overlap 200x200 = 40000): union 280000 m2 = 28 % of A.
 * A square [900,1300]x[0,400] straddles A/B: 100x400 = 40000 in A, 300x400
 * = 120000 in B (12 %).  Summed, A would be 360000: the dissolve matters. */
static lg_layer *cover(const char *dir)
{
    char json[3000];
    const int sq[3][4] = {{100, 100, 500, 500}, {300, 300, 700, 700}, {900, 0, 1300, 400}};
    size_t n = (size_t)snprintf(json, sizeof json, HEAD);
    for (int i = 0; i < 3; i++)
        n += (size_t)snprintf(json + n, sizeof json - n,
                              "%s{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
                              "\"Polygon\",\"coordinates\":[[[%d,%d],[%d,%d],[%d,%d],[%d,%d],"
                              "[%d,%d]]]}}",
                              i ? "," : "", X0 + sq[i][0], Y0 + sq[i][1], X0 + sq[i][2],
                              Y0 + sq[i][1], X0 + sq[i][2], Y0 + sq[i][3], X0 + sq[i][0],
                              Y0 + sq[i][3], X0 + sq[i][0], Y0 + sq[i][1]);
    snprintf(json + n, sizeof json - n, "]}");
    return lg_test_layer_from(dir, "forest.geojson", json, NULL);
}

static void test_area_share_dissolves_overlaps(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("measure_area");
    lg_layer *z = two_zones(dir), *f = cover(dir);
    lg_zones *zs = lg_zones_new(ctx, z, "code", "name");
    lg_result *res = lg_area_share(ctx, zs, f, NULL, NULL);
    assert_non_null(res);
    const lg_table *t = lg_result_zones(res);
    assert_double_near(cell(t, 0, "numerator"), 320000, 1e-6); /* 280000 + 40000 */
    assert_double_near(cell(t, 0, "value"), 32.0, 1e-9);
    assert_double_near(cell(t, 1, "numerator"), 120000, 1e-6);
    assert_double_near(cell(t, 1, "value"), 12.0, 1e-9);
    assert_double_near(cell(t, 0, "covered_mu"), 320000 / (10000.0 / 15), 1e-9);
    assert_double_near(cell(t, 0, "covered_ha"), 32, 1e-9);
    assert_double_near(cell(lg_result_total(res), 0, "value"), 22.0, 1e-9); /* 440000/2e6 */
    lg_result_free(ctx, res);
    lg_zones_free(ctx, zs);
    lg_layer_close(ctx, f);
    lg_layer_close(ctx, z);
}

static void test_results_do_not_depend_on_threads(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("measure_threads");
    lg_layer *z = two_zones(dir), *f = cover(dir), *r = roads(dir);
    lg_zones *zs = lg_zones_new(ctx, z, NULL, NULL);
    double v[2][4];
    for (int k = 0; k < 2; k++) {
        lg_ctx_set_threads(ctx, k + 1);
        lg_result *a = lg_area_share(ctx, zs, f, NULL, NULL);
        lg_result *b = lg_length_density(ctx, zs, r, NULL, NULL);
        assert_non_null(a);
        assert_non_null(b);
        for (size_t i = 0; i < 2; i++) {
            v[k][i] = cell(lg_result_zones(a), i, "numerator");
            v[k][2 + i] = cell(lg_result_zones(b), i, "length_m");
        }
        lg_result_free(ctx, a);
        lg_result_free(ctx, b);
    }
    assert_int_equal(lg_ctx_threads(ctx), 2);
    for (int i = 0; i < 4; i++)
        assert_true(v[0][i] == v[1][i]); /* bit for bit */
    lg_ctx_set_threads(ctx, 0);
    lg_zones_free(ctx, zs);
    lg_layer_close(ctx, r);
    lg_layer_close(ctx, f);
    lg_layer_close(ctx, z);
}

static void test_bad_calls(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("measure_bad");
    lg_layer *z = two_zones(dir), *r = roads(dir);
    lg_zones *zs = lg_zones_new(ctx, z, NULL, NULL);
    const char *bad[] = {"CLASSFIELD=class", NULL};
    assert_null(lg_length_density(ctx, zs, r, NULL, bad));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "CLASSFIELD"));
    const char *nofield[] = {"CLASS_FIELD=kind", NULL};
    assert_null(lg_length_density(ctx, zs, r, NULL, nofield));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    /* lines as cover, zones on lines */
    assert_null(lg_area_share(ctx, zs, r, NULL, NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_null(lg_zones_new(ctx, r, NULL, NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_null(lg_zones_new(ctx, z, "nope", NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    /* a layer loaded in another CRS */
    char path[1200];
    snprintf(path, sizeof path, "%s/roads.geojson", dir);
    lg_layer *other = lg_layer_open(ctx, path, NULL);
    lg_crs *w = lg_crs_new(ctx, "EPSG:4547");
    assert_int_equal(lg_layer_load(ctx, other, w), LG_OK);
    assert_null(lg_length_density(ctx, zs, other, NULL, NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
    lg_crs_free(w);
    lg_layer_close(ctx, other);
    lg_zones_free(ctx, zs);
    lg_layer_close(ctx, r);
    lg_layer_close(ctx, z);
}

/* QGIS "Sum line lengths" (lines.gml x polys.gml): QGIS's own expected
 * output, read from its GML (planar data; no transformation). */
static void test_qgis_sum_line_lengths(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    char p[1024];
    const char *opts[] = {"SRS=EPSG:3857", NULL};
    lg_crs *w = lg_crs_new(ctx, "EPSG:3857");
    snprintf(p, sizeof p, "%s/qgis-processing-tests/polys.gml", data);
    lg_layer *z = lg_layer_open(ctx, p, opts);
    snprintf(p, sizeof p, "%s/qgis-processing-tests/lines.gml", data);
    lg_layer *l = lg_layer_open(ctx, p, opts);
    assert_non_null(z);
    assert_non_null(l);
    assert_int_equal(lg_layer_load(ctx, z, w), LG_OK);
    assert_int_equal(lg_layer_load(ctx, l, w), LG_OK);
    lg_zones *zs = lg_zones_new(ctx, z, NULL, NULL);
    lg_result *res = lg_length_density(ctx, zs, l, NULL, NULL);
    assert_non_null(res);

    snprintf(p, sizeof p, "%s/qgis-processing-tests/expected/sum_line_length.gml", data);
    const char *no_gfs[] = {"WRITE_GFS=NO", NULL}; /* never write into ../shared */
    GDALDatasetH ds = GDALOpenEx(p, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, no_gfs, NULL);
    assert_non_null(ds);
    OGRLayerH el = GDALDatasetGetLayer(ds, 0);
    int lf = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(el), "line_len");
    assert_true(lf >= 0);
    /* expected rows with a geometry, in order, match our zones in order */
    size_t row = 0;
    OGRFeatureH f;
    const lg_table *t = lg_result_zones(res);
    while ((f = OGR_L_GetNextFeature(el))) {
        if (OGR_F_GetGeometryRef(f)) {
            assert_true(row < lg_table_rows(t));
            assert_double_near(cell(t, row, "length_m"), OGR_F_GetFieldAsDouble(f, lf), 1e-6);
            row++;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    assert_int_equal(row, lg_table_rows(t));
    /* and the shared README's figures, 6 / 0 / 0 / 5.828427 / 0 / 5: the fifth
     * polygon has a NULL geometry, so our rows are polys.0-3 and polys.5 */
    assert_int_equal(lg_table_rows(t), 5);
    assert_double_near(cell(t, 0, "length_m"), 6.0, 1e-6);
    assert_double_near(cell(t, 3, "length_m"), 5.828427, 1e-6);
    assert_double_near(cell(t, 4, "length_m"), 5.0, 1e-6);
    lg_result_free(ctx, res);
    lg_zones_free(ctx, zs);
    lg_layer_close(ctx, l);
    lg_layer_close(ctx, z);
    lg_crs_free(w);
}

/* Futian's directed graph: UNDIRECTED must equal a brute-force count that
 * keeps a line unless an earlier line has the same coordinates or the same
 * coordinates reversed (an independent O(n^2) implementation). */
static int same_or_reversed(GEOSContextHandle_t h, const GEOSGeometry *a, const GEOSGeometry *b)
{
    const GEOSCoordSequence *sa = GEOSGeom_getCoordSeq_r(h, a), *sb = GEOSGeom_getCoordSeq_r(h, b);
    unsigned na = 0, nb = 0;
    if (!sa || !sb || !GEOSCoordSeq_getSize_r(h, sa, &na) || !GEOSCoordSeq_getSize_r(h, sb, &nb) ||
        na != nb)
        return 0;
    int fwd = 1, rev = 1;
    for (unsigned i = 0; i < na && (fwd || rev); i++) {
        double ax, ay, bx, by, cx, cy;
        GEOSCoordSeq_getXY_r(h, sa, i, &ax, &ay);
        GEOSCoordSeq_getXY_r(h, sb, i, &bx, &by);
        GEOSCoordSeq_getXY_r(h, sb, na - 1 - i, &cx, &cy);
        fwd &= ax == bx && ay == by;
        rev &= ax == cx && ay == cy;
    }
    return fwd || rev;
}

static void test_futian_undirected(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    char p[1024];
    snprintf(p, sizeof p, "%s/osm/futian/futian_osm_roads.gpkg", data);
    const char *opts[] = {"LAYER=edges", NULL};
    lg_layer *l = lg_layer_open(ctx, p, opts);
    lg_crs *w = lg_crs_new(ctx, "EPSG:4547");
    assert_int_equal(lg_layer_load(ctx, l, w), LG_OK);
    /* one zone: the extent of the graph, grown by 1 km */
    double e[4];
    assert_true(lg_layer_extent(l, e));
    const char *dir = lg_test_tmpdir("measure_futian");
    char json[1024];
    snprintf(json, sizeof json,
             "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
             "\"urn:ogc:def:crs:EPSG::4547\"}},\"features\":[{\"type\":\"Feature\",\"properties\":"
             "{\"name\":\"福田\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%.3f,%.3f],"
             "[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]]]}}]}",
             e[0] - 1000, e[1] - 1000, e[2] + 1000, e[1] - 1000, e[2] + 1000, e[3] + 1000,
             e[0] - 1000, e[3] + 1000, e[0] - 1000, e[1] - 1000);
    snprintf(p, sizeof p, "%s/zone.geojson", dir);
    FILE *f = fopen(p, "w");
    fputs(json, f);
    fclose(f);
    lg_layer *z = lg_layer_open(ctx, p, NULL);
    assert_int_equal(lg_layer_load(ctx, z, w), LG_OK);
    lg_zones *zs = lg_zones_new(ctx, z, NULL, NULL);

    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    double all = 0, kept = 0;
    size_t n = lg_layer_size(l);
    for (size_t i = 0; i < n; i++) {
        double len = 0;
        GEOSLength_r(h, lg_layer_geom(l, i), &len);
        all += len;
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = same_or_reversed(h, lg_layer_geom(l, i), lg_layer_geom(l, j));
        if (!dup)
            kept += len;
    }
    const char *und[] = {"UNDIRECTED=yes", NULL};
    lg_result *d = lg_length_density(ctx, zs, l, NULL, NULL);
    lg_result *u = lg_length_density(ctx, zs, l, NULL, und);
    assert_non_null(d);
    assert_non_null(u);
    assert_double_near(cell(lg_result_zones(d), 0, "length_m"), all, 1e-6 * all);
    assert_double_near(cell(lg_result_zones(u), 0, "length_m"), kept, 1e-6 * kept);
    assert_double_near(all / 1000, 337, 3.4); /* the shared README: ~337 km directed */
    assert_true(kept < 0.7 * all && kept > 0.4 * all); /* "roughly half" */
    lg_result_free(ctx, d);
    lg_result_free(ctx, u);
    lg_zones_free(ctx, zs);
    lg_layer_close(ctx, z);
    lg_layer_close(ctx, l);
    lg_crs_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_density_by_hand),
        cmocka_unit_test(test_length_density_with_denominator),
        cmocka_unit_test(test_length_share_by_hand),
        cmocka_unit_test(test_area_share_dissolves_overlaps),
        cmocka_unit_test(test_results_do_not_depend_on_threads),
        cmocka_unit_test(test_bad_calls),
        cmocka_unit_test(test_qgis_sum_line_lengths),
        cmocka_unit_test(test_futian_undirected),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_4549, lg_test_teardown_ctx);
}
