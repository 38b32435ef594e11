/* count and per-area kernels.  Expected values are hand-computed on small
 * geometry (the arithmetic is in the comments) or QGIS's own expected
 * output (Count points in polygon). */
#include "lg_fixture.h"

#include <gdal.h>
#include <ogr_api.h>

/* All coordinates below are offsets from (X0, Y0) in EPSG:4549 metres. */

static lg_layer *layer_from(const char *dir, const char *name, const char *json)
{
    return lg_test_load(lg_test_write_file(dir, name, json), NULL, w4549);
}

/* Append a feature to buf: properties (JSON members, may be "") and a
 * rectangle [x0,x1]x[y0,y1] (offsets). */
static void add_rect(char *buf, size_t n, const char *props, double x0, double y0, double x1,
                     double y1)
{
    size_t len = strlen(buf);
    snprintf(buf + len, n - len,
             "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Polygon\","
             "\"coordinates\":[[[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]]]}}",
             buf[len - 1] == '[' ? "" : ",", props, X0 + x0, Y0 + y0, X0 + x1, Y0 + y0, X0 + x1,
             Y0 + y1, X0 + x0, Y0 + y1, X0 + x0, Y0 + y0);
}

static void add_point(char *buf, size_t n, const char *props, double x, double y)
{
    size_t len = strlen(buf);
    snprintf(buf + len, n - len,
             "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Point\","
             "\"coordinates\":[%.3f,%.3f]}}",
             buf[len - 1] == '[' ? "" : ",", props, X0 + x, Y0 + y);
}

/* Two zones side by side, each 1000 m x 1000 m (1 km²):
 * A = [0,1000]x[0,1000] (pop 2000), B = [1000,2000]x[0,1000] (pop 250).
 * `b_first` writes B before A. */
static lg_layer *two_zones(const char *dir, int b_first)
{
    char buf[4096] = HEAD;
    const char *a = "\"code\":\"A\",\"name\":\"甲街道\",\"pop\":2000",
               *b = "\"code\":\"B\",\"name\":\"乙街道\",\"pop\":250";
    if (b_first)
        add_rect(buf, sizeof buf, b, 1000, 0, 2000, 1000);
    add_rect(buf, sizeof buf, a, 0, 0, 1000, 1000);
    if (!b_first)
        add_rect(buf, sizeof buf, b, 1000, 0, 2000, 1000);
    strcat(buf, "]}");
    return layer_from(dir, b_first ? "zones_ba.geojson" : "zones.geojson", buf);
}

static double cell(const lg_table *t, size_t row, const char *col)
{
    int c = lg_table_column_index(t, col);
    if (c < 0)
        fail_msg("no column %s", col);
    return lg_table_value(t, row, (size_t)c);
}

static const char *unit_of(const lg_table *t, const char *col)
{
    int c = lg_table_column_index(t, col);
    if (c < 0)
        fail_msg("no column %s", col);
    return lg_table_column_unit(t, (size_t)c);
}

static int has_warning(const lg_result *r, const char *text)
{
    for (size_t i = 0; i < lg_result_warning_count(r); i++)
        if (strstr(lg_result_warning(r, i), text))
            return 1;
    return 0;
}

/* Every cell, id and name of two results equal (NaN equals NaN). */
static void assert_same_result(const lg_result *a, const lg_result *b)
{
    const lg_table *ta[2] = {lg_result_zones(a), lg_result_total(a)};
    const lg_table *tb[2] = {lg_result_zones(b), lg_result_total(b)};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(lg_table_rows(ta[k]), lg_table_rows(tb[k]));
        assert_int_equal(lg_table_columns(ta[k]), lg_table_columns(tb[k]));
        for (size_t r = 0; r < lg_table_rows(ta[k]); r++) {
            assert_string_equal(lg_table_row_id(ta[k], r), lg_table_row_id(tb[k], r));
            for (size_t c = 0; c < lg_table_columns(ta[k]); c++) {
                double x = lg_table_value(ta[k], r, c), y = lg_table_value(tb[k], r, c);
                if (!(isnan(x) && isnan(y)) && memcmp(&x, &y, sizeof x) != 0)
                    fail_msg("%s row %zu column %s: %.17g vs %.17g", lg_table_name(ta[k]), r,
                             lg_table_column_name(ta[k], c), x, y);
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* count                                                               */

/* Points (offsets) and their "beds":
 *   p1 (500,500)   A   beds 10
 *   p2 (200,800)   A   beds NULL
 *   p3 (1000,500)  on the A|B boundary: covered by both, counts in A only
 *   p4 (1500,500)  B   beds 20
 *   p5 (3000,500)  in no zone, beds 100
 *   p6 (0,0)       A's outer corner: covered by A, counts in A, beds 1
 * p3 has beds 5. */
static lg_layer *six_points(const char *dir)
{
    char buf[4096] = HEAD;
    add_point(buf, sizeof buf, "\"beds\":10", 500, 500);
    add_point(buf, sizeof buf, "\"beds\":null", 200, 800);
    add_point(buf, sizeof buf, "\"beds\":5", 1000, 500);
    add_point(buf, sizeof buf, "\"beds\":20", 1500, 500);
    add_point(buf, sizeof buf, "\"beds\":100", 3000, 500);
    add_point(buf, sizeof buf, "\"beds\":1", 0, 0);
    strcat(buf, "]}");
    return layer_from(dir, "points.geojson", buf);
}

static void test_count_boundary_weights_population(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("count_basic");
    lg_layer *zl = two_zones(dir, 0), *pts = six_points(dir);
    lg_zones *z = lg_zones_new(ctx, zl, NULL, NULL);
    assert_non_null(z);
    const char *opts[] = {"WEIGHT_FIELD=beds", "POPULATION_FIELD=pop", "MIN_COUNT=2", NULL};
    lg_result *r = lg_count(ctx, z, pts, opts);
    if (!r)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    assert_string_equal(lg_result_kernel(r), "count");
    assert_string_equal(lg_result_unit(r), "count");
    const lg_table *t = lg_result_zones(r), *tot = lg_result_total(r);
    assert_int_equal(lg_table_rows(t), 2);
    assert_string_equal(lg_table_row_id(t, 0), "A");
    assert_string_equal(lg_table_row_name(t, 1), "乙街道");
    const char *cols[] = {"value", "numerator", "denominator", "per_km2", "weighted",
                          "per_people", "meets_min"};
    for (size_t c = 0; c < 7; c++)
        assert_string_equal(lg_table_column_name(t, c), cols[c]);
    assert_string_equal(unit_of(t, "denominator"), "km2");
    assert_string_equal(unit_of(t, "per_people"), "count/1000 people");
    /* A: p1, p2, p3 (boundary: first zone), p6 (corner) = 4; B: p4 = 1;
     * p5 outside.  Total 5, never 6. */
    assert_double_near(cell(t, 0, "value"), 4, 0);
    assert_double_near(cell(t, 0, "numerator"), 4, 0);
    assert_double_near(cell(t, 1, "value"), 1, 0);
    assert_double_near(cell(tot, 0, "value"), 5, 0);
    /* 1 km² each: per_km2 4 and 1; total 5 / 2 km² = 2.5 */
    assert_double_near(cell(t, 0, "denominator"), 1.0, 1e-12);
    assert_double_near(cell(t, 0, "per_km2"), 4, 1e-12);
    assert_double_near(cell(t, 1, "per_km2"), 1, 1e-12);
    assert_double_near(cell(tot, 0, "denominator"), 2.0, 1e-12);
    assert_double_near(cell(tot, 0, "per_km2"), 2.5, 1e-12);
    /* beds: A 10 + NULL(0) + 5 + 1 = 16; B 20; total 36 (p5's 100 is outside) */
    assert_double_near(cell(t, 0, "weighted"), 16, 0);
    assert_double_near(cell(t, 1, "weighted"), 20, 0);
    assert_double_near(cell(tot, 0, "weighted"), 36, 0);
    assert_true(has_warning(r, "1 counted feature(s)"));
    assert_true(has_warning(r, "NULL beds"));
    /* per 1,000 people: A 4 / 2000 x 1000 = 2; B 1 / 250 x 1000 = 4;
     * total 5 / 2250 x 1000 = 2.2222… */
    assert_double_near(cell(t, 0, "per_people"), 2.0, 1e-12);
    assert_double_near(cell(t, 1, "per_people"), 4.0, 1e-12);
    assert_double_near(cell(tot, 0, "per_people"), 5000.0 / 2250.0, 1e-12);
    /* MIN_COUNT=2: A (4) meets, B (1) does not, so the total does not */
    assert_double_near(cell(t, 0, "meets_min"), 1, 0);
    assert_double_near(cell(t, 1, "meets_min"), 0, 0);
    assert_double_near(cell(tot, 0, "meets_min"), 0, 0);
    assert_string_equal(lg_test_param(r, "points_in_no_zone"), "1");
    assert_string_equal(lg_test_param(r, "points_in_several_zones"), "1");
    assert_string_equal(lg_test_param(r, "weight_field"), "beds");
    assert_string_equal(lg_test_param(r, "min_count"), "2");
    lg_result_free(ctx, r);

    /* defaults: no weight (NaN), no population (NaN), MIN_COUNT 1 (both
     * meet, so the total does); PER=100 changes only per_people */
    r = lg_count(ctx, z, pts, NULL);
    assert_non_null(r);
    t = lg_result_zones(r), tot = lg_result_total(r);
    assert_true(isnan(cell(t, 0, "weighted")));
    assert_true(isnan(cell(tot, 0, "per_people")));
    assert_double_near(cell(t, 1, "meets_min"), 1, 0);
    assert_double_near(cell(tot, 0, "meets_min"), 1, 0);
    assert_int_equal(lg_result_warning_count(r), 0);
    lg_result_free(ctx, r);
    const char *per100[] = {"POPULATION_FIELD=pop", "PER=100", NULL};
    r = lg_count(ctx, z, pts, per100);
    assert_non_null(r);
    /* A: 4 / 2000 x 100 = 0.2 */
    assert_double_near(cell(lg_result_zones(r), 0, "per_people"), 0.2, 1e-12);
    assert_string_equal(unit_of(lg_result_zones(r), "per_people"), "count/100 people");
    lg_result_free(ctx, r);

    lg_zones_free(ctx, z);
    lg_layer_close(ctx, pts);
    lg_layer_close(ctx, zl);
}

/* The boundary point goes to the first zone in zone order: with B listed
 * first, p3 counts in B (B: p3, p4 = 2; A: p1, p2, p6 = 3). */
static void test_count_boundary_follows_zone_order(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("count_order");
    lg_layer *zl = two_zones(dir, 1), *pts = six_points(dir);
    lg_zones *z = lg_zones_new(ctx, zl, NULL, NULL);
    lg_result *r = lg_count(ctx, z, pts, NULL);
    assert_non_null(r);
    const lg_table *t = lg_result_zones(r);
    assert_string_equal(lg_table_row_id(t, 0), "B");
    assert_double_near(cell(t, 0, "value"), 2, 0);
    assert_double_near(cell(t, 1, "value"), 3, 0);
    assert_double_near(cell(lg_result_total(r), 0, "value"), 5, 0);
    lg_result_free(ctx, r);
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, pts);
    lg_layer_close(ctx, zl);
}

/* A zone with a NULL population: its per_people and the total's are NaN,
 * with a warning. */
static void test_count_missing_population(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("count_nopop");
    char buf[4096] = HEAD;
    add_rect(buf, sizeof buf, "\"code\":\"A\",\"pop\":2000", 0, 0, 1000, 1000);
    add_rect(buf, sizeof buf, "\"code\":\"B\",\"pop\":null", 1000, 0, 2000, 1000);
    strcat(buf, "]}");
    lg_layer *zl = layer_from(dir, "zones.geojson", buf), *pts = six_points(dir);
    lg_zones *z = lg_zones_new(ctx, zl, NULL, NULL);
    const char *opts[] = {"POPULATION_FIELD=pop", NULL};
    lg_result *r = lg_count(ctx, z, pts, opts);
    assert_non_null(r);
    assert_double_near(cell(lg_result_zones(r), 0, "per_people"), 2.0, 1e-12);
    assert_true(isnan(cell(lg_result_zones(r), 1, "per_people")));
    assert_true(isnan(cell(lg_result_total(r), 0, "per_people")));
    assert_true(has_warning(r, "1 zone(s) have no population"));
    lg_result_free(ctx, r);
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, pts);
    lg_layer_close(ctx, zl);
}

/* Polygons count at their centroid:
 *  - [100,300]x[100,300]: centroid (200,200) in A;
 *  - [900,1300]x[400,600], straddling A|B: centroid (1100,500) in B only;
 *  - a U in B: [1400,1800]x[100,500] minus the notch [1500,1700]x[200,500].
 *    Parts: bottom 400x100 = 40000 at (1600,150), arms 100x300 = 30000 at
 *    (1450,350) and (1750,350); centroid x = (40000*1600 + 30000*1450 +
 *    30000*1750)/100000 = 1600, y = (40000*150 + 60000*350)/100000 = 270:
 *    (1600,270) lies in the notch, outside the U but inside B: counts in B.
 * A 1, B 2. */
static void test_count_polygon_centroids(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("count_centroids");
    char buf[4096];
    snprintf(buf, sizeof buf,
             HEAD "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[%d,%d],[%d,%d],[%d,%d],[%d,%d],[%d,%d],[%d,%d],[%d,%d],"
                  "[%d,%d],[%d,%d]]]}}",
             X0 + 1400, Y0 + 100, X0 + 1800, Y0 + 100, X0 + 1800, Y0 + 500, X0 + 1700, Y0 + 500,
             X0 + 1700, Y0 + 200, X0 + 1500, Y0 + 200, X0 + 1500, Y0 + 500, X0 + 1400, Y0 + 500,
             X0 + 1400, Y0 + 100);
    add_rect(buf, sizeof buf, "", 100, 100, 300, 300);
    add_rect(buf, sizeof buf, "", 900, 400, 1300, 600);
    strcat(buf, "]}");
    lg_layer *zl = two_zones(dir, 0), *polys = layer_from(dir, "polys.geojson", buf);
    lg_zones *z = lg_zones_new(ctx, zl, NULL, NULL);
    lg_result *r = lg_count(ctx, z, polys, NULL);
    if (!r)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    assert_double_near(cell(lg_result_zones(r), 0, "value"), 1, 0);
    assert_double_near(cell(lg_result_zones(r), 1, "value"), 2, 0);
    assert_string_equal(lg_test_param(r, "location"), "centroid");
    assert_string_equal(lg_test_param(r, "points_in_several_zones"), "0");
    lg_result_free(ctx, r);
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, polys);
    lg_layer_close(ctx, zl);
}

static int copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = a ? fopen(to, "wb") : NULL;
    char buf[8192];
    size_t k;
    int ok = a && b;
    while (ok && (k = fread(buf, 1, sizeof buf, a)) > 0)
        ok = fwrite(buf, 1, k, b) == k;
    if (a)
        fclose(a);
    if (b)
        fclose(b);
    return ok;
}

/* QGIS "Count points in polygon" (qgis:countpointsinpolygon, FIELD
 * NUMPOINTS) on points_in_polys.gml x polys.gml: the expected counts are
 * read from QGIS's expected/points_in_polys.gml.  The GML files are copied
 * to the scratch directory first: GDAL writes a .gfs beside a GML it
 * reads, and the shared folder is not ours to write.  Their coordinates are
 * planar (srsName says EPSG:4326, QGIS counts in the plane): they are
 * declared EPSG:3857 and loaded into EPSG:3857, so nothing is transformed. */
static void test_count_qgis_points_in_polygon(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    const char *dir = lg_test_tmpdir("count_qgis");
    char from[1200], polys[1200], points[1200], expected[1200];
    snprintf(polys, sizeof polys, "%s/polys.gml", dir);
    snprintf(points, sizeof points, "%s/points_in_polys.gml", dir);
    snprintf(expected, sizeof expected, "%s/expected_points_in_polys.gml", dir);
    snprintf(from, sizeof from, "%s/qgis-processing-tests/polys.gml", data);
    assert_true(copy_file(from, polys));
    snprintf(from, sizeof from, "%s/qgis-processing-tests/points_in_polys.gml", data);
    assert_true(copy_file(from, points));
    snprintf(from, sizeof from, "%s/qgis-processing-tests/expected/points_in_polys.gml", data);
    assert_true(copy_file(from, expected));

    /* QGIS's expected counts, by polygon FID, in feature order */
    GDALDatasetH ds = GDALOpenEx(expected, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH el = GDALDatasetGetLayer(ds, 0);
    int fnum = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(el), "NUMPOINTS");
    assert_true(fnum >= 0);
    long long efid[16];
    int ecount[16], ne = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(el);
    while ((f = OGR_L_GetNextFeature(el)) != NULL) {
        assert_true(ne < 16);
        efid[ne] = OGR_F_GetFID(f);
        ecount[ne++] = OGR_F_GetFieldAsInteger(f, fnum);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    /* the shared README's 4/1/0/2/0/3 */
    const int readme[] = {4, 1, 0, 2, 0, 3};
    assert_int_equal(ne, 6);
    for (int k = 0; k < 6; k++)
        assert_int_equal(ecount[k], readme[k]);

    lg_crs *merc = lg_crs_new(ctx, "EPSG:3857");
    assert_non_null(merc);
    const char *opts[] = {"SRS=EPSG:3857", NULL};
    lg_layer *zl = lg_test_load(polys, opts, merc), *pl = lg_test_load(points, opts, merc);
    /* polys.4 and points 7 and 14 have no geometry: dropped, never
     * counted; 13 points remain */
    assert_int_equal(lg_layer_stats(zl)->null_geom, 1);
    assert_int_equal(lg_layer_stats(pl)->null_geom, 2);
    assert_int_equal(lg_layer_size(zl), 5);
    assert_int_equal(lg_layer_size(pl), 13);
    lg_zones *z = lg_zones_new(ctx, zl, NULL, NULL);
    assert_non_null(z);
    lg_result *r = lg_count(ctx, z, pl, NULL);
    if (!r)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    const lg_table *t = lg_result_zones(r);
    int total = 0, matched = 0;
    for (int k = 0; k < ne; k++) {
        total += ecount[k];
        for (size_t i = 0; i < lg_zones_count(z); i++)
            if (lg_layer_fid(zl, i) == efid[k]) {
                matched++;
                if (cell(t, i, "value") != ecount[k])
                    fail_msg("polygon FID %lld: %g points, QGIS %d", efid[k],
                             cell(t, i, "value"), ecount[k]);
            }
    }
    assert_int_equal(matched, 5); /* every polygon with a geometry */
    assert_double_near(cell(lg_result_total(r), 0, "value"), total, 0);
    lg_result_free(ctx, r);
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, pl);
    lg_layer_close(ctx, zl);
    lg_crs_free(merc);
}

/* ------------------------------------------------------------------ */
/* per-area                                                            */

/* Parcels (offsets), zones A and B as above:
 *   Q1 [800,1200]x[0,100]    40000 m², half in A, half in B; tax 60,
 *                            floor 80000 (FAR 2), land_m2 42000, land_mu 63
 *   Q2 [100,200]x[100,200]   10000 m² in A; tax 0 (counts), floor 5000
 *                            (FAR 0.5), land_m2 10000, land_mu 15
 *   Q3 [1300,1400]x[300,400] 10000 m² in B; tax NULL (left out), floor
 *                            30000 (FAR 3), land_m2 10000, land_mu 15
 *   Q4 [1600,1700]x[600,700] 10000 m² in B; tax 15, floor NULL,
 *                            land_m2 NULL, land_mu 15
 *   Q5 [-100,0]x[500,600]    outside, touching A's west edge only; tax
 *                            1000, floor 1000: never counted */
static lg_layer *parcels(const char *dir)
{
    char buf[8192] = HEAD;
    add_rect(buf, sizeof buf, "\"tax\":60.0,\"floor\":80000,\"land_m2\":42000,\"land_mu\":63",
             800, 0, 1200, 100);
    add_rect(buf, sizeof buf, "\"tax\":0.0,\"floor\":5000,\"land_m2\":10000,\"land_mu\":15", 100,
             100, 200, 200);
    add_rect(buf, sizeof buf, "\"tax\":null,\"floor\":30000,\"land_m2\":10000,\"land_mu\":15",
             1300, 300, 1400, 400);
    add_rect(buf, sizeof buf, "\"tax\":15.0,\"floor\":null,\"land_m2\":null,\"land_mu\":15", 1600,
             600, 1700, 700);
    add_rect(buf, sizeof buf, "\"tax\":1000.0,\"floor\":1000,\"land_m2\":10000,\"land_mu\":15",
             -100, 500, 0, 600);
    strcat(buf, "]}");
    return layer_from(dir, "parcels.geojson", buf);
}

static void test_per_area_split_null_zero_far(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("per_area_geom");
    lg_layer *zl = two_zones(dir, 0), *pl = parcels(dir);
    lg_zones *z = lg_zones_new(ctx, zl, NULL, NULL);
    const char *opts[] = {"VALUE_FIELD=tax", "FLOOR_FIELD=floor", NULL};
    lg_result *r = lg_per_area(ctx, z, pl, opts);
    if (!r)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    assert_string_equal(lg_result_kernel(r), "per-area");
    const lg_table *t = lg_result_zones(r), *tot = lg_result_total(r);
    const char *cols[] = {"value", "numerator", "denominator", "land_m2", "far", "far_mean"};
    assert_int_equal(lg_table_columns(t), 6);
    for (size_t c = 0; c < 6; c++)
        assert_string_equal(lg_table_column_name(t, c), cols[c]);
    assert_string_equal(unit_of(t, "denominator"), "mu");
    /* The peers' W4: Σ tax·area(p∩zone)/area(p) ÷ (Σ area(p∩zone) / 666.667).
     * A: tax 60·0.5 + 0 = 30; land 20000 + 10000 = 30000 m² = 45 亩;
     *    30 / 45 = 0.6667 (without the zero-tax Q2 it would be 30 / 30 = 1)
     * B: tax 60·0.5 + 15 = 45 (Q3 left out); land 20000 + 10000 = 30000 m²
     *    = 45 亩; 45 / 45 = 1 (with Q3 in the land it would be 45 / 60)
     * total: 75 / 90 亩 = 0.8333 */
    assert_double_near(cell(t, 0, "numerator"), 30, 1e-9);
    assert_double_near(cell(t, 0, "land_m2"), 30000, 1e-6);
    assert_double_near(cell(t, 0, "denominator"), 45, 1e-9);
    assert_double_near(cell(t, 0, "value"), 30.0 / 45.0, 1e-12);
    assert_double_near(cell(t, 1, "numerator"), 45, 1e-9);
    assert_double_near(cell(t, 1, "denominator"), 45, 1e-9);
    assert_double_near(cell(t, 1, "value"), 1.0, 1e-12);
    assert_double_near(cell(tot, 0, "numerator"), 75, 1e-9);
    assert_double_near(cell(tot, 0, "denominator"), 90, 1e-9);
    assert_double_near(cell(tot, 0, "value"), 75.0 / 90.0, 1e-12);
    /* FAR over parcels with a floor area (Q4 has none; Q3's NULL tax does
     * not matter; Q5 only touches A: share 0, left out):
     * A: far = (80000·0.5 + 5000) / (20000 + 10000) = 1.5;
     *    far_mean = (2 + 0.5) / 2 = 1.25
     * B: far = (80000·0.5 + 30000) / (20000 + 10000) = 2.3333;
     *    far_mean = (2 + 3) / 2 = 2.5
     * total: far = 115000 / 60000 = 1.9167; far_mean over parcel-zone
     *    pairs (Q1 once per zone) = (2 + 0.5 + 2 + 3) / 4 = 1.875 */
    assert_double_near(cell(t, 0, "far"), 1.5, 1e-12);
    assert_double_near(cell(t, 0, "far_mean"), 1.25, 1e-12);
    assert_double_near(cell(t, 1, "far"), 70000.0 / 30000.0, 1e-12);
    assert_double_near(cell(t, 1, "far_mean"), 2.5, 1e-12);
    assert_double_near(cell(tot, 0, "far"), 115000.0 / 60000.0, 1e-12);
    assert_double_near(cell(tot, 0, "far_mean"), 1.875, 1e-12);
    assert_true(has_warning(r, "1 parcel(s)"));
    assert_true(has_warning(r, "NULL tax: left out of numerator and denominator"));
    assert_true(has_warning(r, "NULL floor"));
    assert_string_equal(lg_test_param(r, "value_field"), "tax");
    assert_string_equal(lg_test_param(r, "land_area"), "geometry");
    lg_result_free(ctx, r);

    /* without FLOOR_FIELD: four columns */
    const char *plain[] = {"VALUE_FIELD=tax", NULL};
    r = lg_per_area(ctx, z, pl, plain);
    assert_non_null(r);
    assert_int_equal(lg_table_columns(lg_result_zones(r)), 4);
    assert_double_near(cell(lg_result_zones(r), 0, "value"), 30.0 / 45.0, 1e-12);
    lg_result_free(ctx, r);
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, pl);
    lg_layer_close(ctx, zl);
}

/* Land from an attribute, split by the geometry's area share:
 * land_m2: A: 42000·0.5 + 10000 = 31000 m² = 46.5 亩 -> 30 / 46.5
 *          B: 42000·0.5 + Q4 (NULL: its geometry, 10000) = 31000 m²
 *             = 46.5 亩 -> 45 / 46.5; total 75 / 93
 * land_mu with AREA_UNIT=mu: 63 亩 = 42000 m², 15 亩 = 10000 m²: the same.
 * land_mu read as m² (no AREA_UNIT): all 5 parcels differ from its geometry
 * by far more than 10 %: a warning. */
static void test_per_area_area_field(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("per_area_field");
    lg_layer *zl = two_zones(dir, 0), *pl = parcels(dir);
    lg_zones *z = lg_zones_new(ctx, zl, NULL, NULL);
    const char *m2[] = {"VALUE_FIELD=tax", "AREA_FIELD=land_m2", NULL};
    const char *mu[] = {"VALUE_FIELD=tax", "AREA_FIELD=land_mu", "AREA_UNIT=mu", NULL};
    for (int k = 0; k < 2; k++) {
        lg_result *r = lg_per_area(ctx, z, pl, k ? mu : m2);
        if (!r)
            fail_msg("%s", lg_ctx_errmsg(ctx));
        const lg_table *t = lg_result_zones(r), *tot = lg_result_total(r);
        assert_double_near(cell(t, 0, "land_m2"), 31000, 1e-6);
        assert_double_near(cell(t, 0, "denominator"), 46.5, 1e-9);
        assert_double_near(cell(t, 0, "value"), 30 / 46.5, 1e-12);
        assert_double_near(cell(t, 1, "denominator"), 46.5, 1e-9);
        assert_double_near(cell(t, 1, "value"), 45 / 46.5, 1e-12);
        assert_double_near(cell(tot, 0, "value"), 75 / 93.0, 1e-12);
        assert_false(has_warning(r, "differs from the geometry area"));
        if (!k) {
            assert_true(has_warning(r, "NULL or non-positive land_m2"));
            assert_string_equal(lg_test_param(r, "land_area"), "field land_m2 (m2)");
        } else {
            assert_string_equal(lg_test_param(r, "land_area"), "field land_mu (mu)");
        }
        lg_result_free(ctx, r);
    }
    const char *wrong[] = {"VALUE_FIELD=tax", "AREA_FIELD=land_mu", NULL};
    lg_result *r = lg_per_area(ctx, z, pl, wrong);
    assert_non_null(r);
    assert_true(has_warning(r, "5 parcel(s)"));
    assert_true(has_warning(r, "check AREA_UNIT"));
    lg_result_free(ctx, r);
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, pl);
    lg_layer_close(ctx, zl);
}

/* ------------------------------------------------------------------ */
/* threads, options, CRS                                               */

static void test_same_results_with_1_and_2_threads(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("count_threads");
    /* a grid of 40 x 20 points every 50 m (some on the zone boundary at
     * x = 1000 and on the outer edges) and 3 x 4 parcels crossing it */
    static char buf[200000];
    strcpy(buf, HEAD);
    char props[64];
    for (int i = 0; i <= 40; i++)
        for (int k = 0; k <= 20; k++) {
            snprintf(props, sizeof props, "\"w\":%d", (i * 7 + k) % 5);
            add_point(buf, sizeof buf, props, i * 50.0, k * 50.0);
        }
    strcat(buf, "]}");
    lg_layer *zl = two_zones(dir, 0), *pts = layer_from(dir, "grid.geojson", buf);
    strcpy(buf, HEAD);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 4; k++) {
            snprintf(props, sizeof props, "\"v\":%d,\"fl\":%d", i + k, 1000 * (i + 1));
            add_rect(buf, sizeof buf, props, 700 + 210 * i, 30 + 230 * k, 880 + 210 * i,
                     210 + 230 * k);
        }
    strcat(buf, "]}");
    lg_layer *pl = layer_from(dir, "parcels.geojson", buf);
    lg_zones *z = lg_zones_new(ctx, zl, NULL, NULL);
    const char *copts[] = {"WEIGHT_FIELD=w", "POPULATION_FIELD=pop", NULL};
    const char *popts[] = {"VALUE_FIELD=v", "FLOOR_FIELD=fl", NULL};
    lg_ctx_set_threads(ctx, 1);
    lg_result *c1 = lg_count(ctx, z, pts, copts), *p1 = lg_per_area(ctx, z, pl, popts);
    lg_ctx_set_threads(ctx, 2);
    lg_result *c2 = lg_count(ctx, z, pts, copts), *p2 = lg_per_area(ctx, z, pl, popts);
    lg_ctx_set_threads(ctx, 0);
    assert_non_null(c1);
    assert_non_null(c2);
    assert_non_null(p1);
    assert_non_null(p2);
    assert_same_result(c1, c2);
    assert_same_result(p1, p2);
    /* 41 x 21 = 861 points, all inside or on A ∪ B; the 21 on x = 1000
     * count once: A has x = 0..1000 (21 columns), B x = 1050..2000 (20) */
    assert_double_near(cell(lg_result_total(c1), 0, "value"), 861, 0);
    assert_double_near(cell(lg_result_zones(c1), 0, "value"), 21 * 21, 0);
    assert_double_near(cell(lg_result_zones(c1), 1, "value"), 20 * 21, 0);
    assert_string_equal(lg_test_param(c1, "points_in_several_zones"), "21");
    lg_result_free(ctx, c1);
    lg_result_free(ctx, c2);
    lg_result_free(ctx, p1);
    lg_result_free(ctx, p2);
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, pl);
    lg_layer_close(ctx, pts);
    lg_layer_close(ctx, zl);
}

static void test_bad_options_and_crs(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("count_errors");
    lg_layer *zl = two_zones(dir, 0), *pts = six_points(dir), *pl = parcels(dir);
    lg_zones *z = lg_zones_new(ctx, zl, NULL, NULL);

    const char *unknown[] = {"WEIGHT=beds", NULL};
    assert_null(lg_count(ctx, z, pts, unknown));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "WEIGHT=beds"));
    const char *unknown2[] = {"VALUE_FIELD=tax", "FLOOR=floor", NULL};
    assert_null(lg_per_area(ctx, z, pl, unknown2));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "FLOOR=floor"));

    const char *nofield[] = {"WEIGHT_FIELD=nope", NULL};
    assert_null(lg_count(ctx, z, pts, nofield));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "nope"));
    const char *textpop[] = {"POPULATION_FIELD=name", NULL};
    assert_null(lg_count(ctx, z, pts, textpop));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    const char *badper[] = {"PER=0", NULL};
    assert_null(lg_count(ctx, z, pts, badper));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    const char *badmin[] = {"MIN_COUNT=two", NULL};
    assert_null(lg_count(ctx, z, pts, badmin));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);

    assert_null(lg_per_area(ctx, z, pl, NULL)); /* VALUE_FIELD is required */
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "VALUE_FIELD"));
    const char *badunit[] = {"VALUE_FIELD=tax", "AREA_FIELD=land_mu", "AREA_UNIT=acre", NULL};
    assert_null(lg_per_area(ctx, z, pl, badunit));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "acre"));
    /* points are not parcels */
    const char *v[] = {"VALUE_FIELD=beds", NULL};
    assert_null(lg_per_area(ctx, z, pts, v));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);

    /* the same points loaded into another CRS (CM 117E) */
    lg_crs *w4548 = lg_crs_new(ctx, "EPSG:4548");
    char path[1200];
    snprintf(path, sizeof path, "%s/points.geojson", dir);
    lg_layer *other = lg_test_load(path, NULL, w4548), *other_pl;
    snprintf(path, sizeof path, "%s/parcels.geojson", dir);
    other_pl = lg_test_load(path, NULL, w4548);
    assert_null(lg_count(ctx, z, other, NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
    const char *tax[] = {"VALUE_FIELD=tax", NULL};
    assert_null(lg_per_area(ctx, z, other_pl, tax));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
    lg_layer_close(ctx, other);
    lg_layer_close(ctx, other_pl);
    lg_crs_free(w4548);

    lg_zones_free(ctx, z);
    lg_layer_close(ctx, pl);
    lg_layer_close(ctx, pts);
    lg_layer_close(ctx, zl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_boundary_weights_population),
        cmocka_unit_test(test_count_boundary_follows_zone_order),
        cmocka_unit_test(test_count_missing_population),
        cmocka_unit_test(test_count_polygon_centroids),
        cmocka_unit_test(test_count_qgis_points_in_polygon),
        cmocka_unit_test(test_per_area_split_null_zero_far),
        cmocka_unit_test(test_per_area_area_field),
        cmocka_unit_test(test_same_results_with_1_and_2_threads),
        cmocka_unit_test(test_bad_options_and_crs),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_4549, lg_test_teardown_ctx);
}
