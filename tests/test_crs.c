/* CRS parsing, identification, the automatic zone choice and geodesic area. */
#include "lg_fixture.h"

/* Zones from the EPSG registry: EPSG:4534 is "CGCS2000 / 3-degree
 * Gauss-Kruger CM 75E", each next code 3 degrees east, to 4554 = CM 135E. */
static void test_auto_zone_in_china(void **state)
{
    (void)state;
    assert_int_equal(lg_crs_auto_epsg(120.38, 36.07), 4549);  /* Qingdao: CM 120E */
    assert_int_equal(lg_crs_auto_epsg(114.06, 22.54), 4547);  /* Shenzhen: CM 114E */
    assert_int_equal(lg_crs_auto_epsg(116.39, 39.91), 4548);  /* Beijing: CM 117E */
    assert_int_equal(lg_crs_auto_epsg(75.99, 39.47), 4534);   /* Kashgar: CM 75E */
    assert_int_equal(lg_crs_auto_epsg(134.9, 48.3), 4554);    /* Fuyuan: CM 135E */
    assert_int_equal(lg_crs_auto_epsg(118.6, 24.9), 4549);    /* Quanzhou: 1.4 deg from 120E, 1.6 from 117E */
    assert_int_equal(lg_crs_auto_epsg(118.4, 24.9), 4548);    /* 1.4 deg from 117E */
}

static void test_auto_zone_elsewhere_is_utm(void **state)
{
    (void)state;
    assert_int_equal(lg_crs_auto_epsg(9.52, 47.14), 32632);   /* Vaduz: UTM 32N */
    assert_int_equal(lg_crs_auto_epsg(-70.65, -33.45), 32719); /* Santiago: UTM 19S */
    assert_int_equal(lg_crs_auto_epsg(-0.12, 51.5), 32630);   /* London: UTM 30N */
    assert_int_equal(lg_crs_auto_epsg(500000, 4000000), 0);   /* metres, not degrees */
    assert_int_equal(lg_crs_auto_epsg(NAN, 10), 0);
}

static void test_parse_epsg_and_bare_number(void **state)
{
    (void)state;
    lg_crs *a = lg_crs_new(ctx, "EPSG:4549");
    lg_crs *b = lg_crs_new(ctx, "4549");
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(lg_crs_id(a), "EPSG:4549");
    assert_string_equal(lg_crs_id(b), "EPSG:4549");
    assert_true(lg_crs_is_metric_projected(a));
    assert_false(lg_crs_is_geographic(a));
    assert_non_null(strstr(lg_crs_name(a), "120E"));
    assert_non_null(strstr(lg_crs_wkt(a), "PROJCRS"));
    lg_crs_free(a);
    lg_crs_free(b);

    lg_crs *g = lg_crs_new(ctx, "EPSG:4490");
    assert_non_null(g);
    assert_true(lg_crs_is_geographic(g));
    assert_false(lg_crs_is_metric_projected(g));
    lg_crs_free(g);

    /* US survey feet: projected but not metric */
    lg_crs *ft = lg_crs_new(ctx, "EPSG:2263");
    assert_non_null(ft);
    assert_false(lg_crs_is_metric_projected(ft));
    lg_crs_free(ft);
}

static void test_identify_esri_wkt_without_codes(void **state)
{
    (void)state;
    /* The .prj GDAL writes for EPSG:32632: ESRI WKT1 with no authority. */
    const char *prj =
        "PROJCS[\"WGS_1984_UTM_Zone_32N\",GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\","
        "SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],"
        "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
        "PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
        "PARAMETER[\"Central_Meridian\",9.0],PARAMETER[\"Scale_Factor\",0.9996],"
        "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";
    lg_crs *c = lg_crs_new(ctx, prj);
    assert_non_null(c);
    assert_string_equal(lg_crs_id(c), "EPSG:32632");
    assert_true(lg_crs_is_metric_projected(c));
    lg_crs_free(c);
}

static void test_bad_definitions_fail_with_the_text(void **state)
{
    (void)state;
    assert_null(lg_crs_new(ctx, "EPSG:999999"));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "EPSG:999999"));
    assert_null(lg_crs_new(ctx, ""));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
    /* PROJ would resolve a bare name ("foo" finds Amersfoort): refused */
    assert_null(lg_crs_new(ctx, "foo"));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "EPSG:4549"));
    /* an ellipsoid is not a CRS */
    assert_null(lg_crs_new(ctx, "EPSG:7019"));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
}

static void test_choose_from_box_and_reason(void **state)
{
    (void)state;
    double qingdao[4] = {119.5, 35.5, 121.1, 37.2};
    lg_crs *c = lg_crs_choose(ctx, NULL, qingdao);
    assert_non_null(c);
    assert_string_equal(lg_crs_id(c), "EPSG:4549");
    assert_non_null(strstr(lg_crs_reason(c), "120E"));
    lg_crs_free(c);

    c = lg_crs_choose(ctx, "EPSG:4547", qingdao); /* the user's word wins */
    assert_non_null(c);
    assert_string_equal(lg_crs_id(c), "EPSG:4547");
    assert_non_null(strstr(lg_crs_reason(c), "user"));
    lg_crs_free(c);

    /* a geographic working CRS is refused: measures need metres */
    assert_null(lg_crs_choose(ctx, "EPSG:4326", NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "metres"));
}

/* Area on the ellipsoid between two parallels over dlon radians, from the
 * authalic-latitude function q (Snyder, Map Projections: A Working Manual,
 * eq. 3-12): A = a^2/2 * dlon * (q(phi2) - q(phi1)).  Independent of PROJ. */
static double snyder_q(double phi, double e)
{
    double s = sin(phi);
    return (1 - e * e) * (s / (1 - e * e * s * s) - 1 / (2 * e) * log((1 - e * s) / (1 + e * s)));
}

static void test_geodesic_area_matches_authalic_band(void **state)
{
    (void)state;
    const double a = 6378137.0, f = 1 / 298.257222101; /* GRS 1980 (CGCS2000 ellipsoid) */
    const double e = sqrt(f * (2 - f)), d2r = M_PI / 180;
    lg_crs *cgcs = lg_crs_new(ctx, "EPSG:4549");
    /* a 0.1 x 0.1 degree cell near Qingdao; its top and bottom edges are
     * geodesics in PROJ and parallels in the band formula, which differ by
     * far less than 1e-6 relative at this size */
    double cell[] = {120.0, 36.0, 120.1, 36.0, 120.1, 36.1, 120.0, 36.1, 120.0, 36.0};
    double expect = a * a / 2 * (0.1 * d2r) * (snyder_q(36.1 * d2r, e) - snyder_q(36.0 * d2r, e));
    double got = lg_geodesic_ring_area(cgcs, cell, 5);
    assert_double_near(got / expect, 1.0, 1e-6);
    /* either orientation, with or without the closing point */
    double ccw[] = {120.0, 36.0, 120.0, 36.1, 120.1, 36.1, 120.1, 36.0};
    assert_double_near(lg_geodesic_ring_area(cgcs, ccw, 4), got, 1e-3);
    lg_crs_free(cgcs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_zone_in_china),
        cmocka_unit_test(test_auto_zone_elsewhere_is_utm),
        cmocka_unit_test(test_parse_epsg_and_bare_number),
        cmocka_unit_test(test_identify_esri_wkt_without_codes),
        cmocka_unit_test(test_bad_definitions_fail_with_the_text),
        cmocka_unit_test(test_choose_from_box_and_reason),
        cmocka_unit_test(test_geodesic_area_matches_authalic_band),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_ctx, lg_test_teardown_ctx);
}
