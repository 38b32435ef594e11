/* Land stock and intensity (lg_land.h): FAR from buildings, 批而未供 stock
 * and disposal, screening, strict dates.  Every expected value is hand
 * computed on the small rectangles below (the arithmetic is in the
 * comments); none is copied from libgeo's output. */
#include "lg_fixture.h"

#include "land_internal.h"

/* All coordinates below are offsets from (X0, Y0) in EPSG:4549 metres. */

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

static const char *dir(void) { return lg_test_tmpdir("land"); }

/* Z1 = [0,1000]x[0,1000], Z2 = [1000,2000]x[0,1000]. */
static lg_layer *zones_layer(void)
{
    char buf[2048] = HEAD;
    add_rect(buf, sizeof buf, "\"code\":\"Z1\"", 0, 0, 1000, 1000);
    add_rect(buf, sizeof buf, "\"code\":\"Z2\"", 1000, 0, 2000, 1000);
    strcat(buf, "]}");
    return lg_test_layer_from(dir(), "zones.geojson", buf, NULL);
}

static double cell(const lg_table *t, size_t row, const char *col)
{
    int c = lg_table_column_index(t, col);
    if (c < 0)
        fail_msg("no column %s in %s", col, lg_table_name(t));
    return lg_table_value(t, row, (size_t)c);
}

static const lg_table *detail(const lg_result *r, const char *name)
{
    for (size_t i = 0; i < lg_result_detail_count(r); i++)
        if (!strcmp(lg_table_name(lg_result_detail(r, i)), name))
            return lg_result_detail(r, i);
    fail_msg("no detail table %s", name);
    return NULL;
}

#define EPS 1e-9

/* ------------------------------------------------------------------ */
/* dates                                                               */

static void test_date_parse(void **state)
{
    (void)state;
    int d = 0;
    assert_true(land_date_parse("2024-02-29", &d));
    assert_int_equal(d, 20240229);
    assert_true(land_date_parse("2023-12-31T23:59:59", &d));
    assert_int_equal(d, 20231231);
    assert_true(land_date_parse("2023-01-01 08:00", &d));
    assert_int_equal(d, 20230101);
    const char *bad[] = {"2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "2023/01/01",
                         "23-01-01",   "2023-1-1",   "2023-01-01x", "",         "20230101"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (land_date_parse(bad[i], &d))
            fail_msg("'%s' parsed as a date", bad[i]);
    /* one year after: same day; 29 Feb orders as 1 March of the next year */
    assert_int_equal(land_plus_year(20230115), 20240115);
    assert_true(land_plus_year(20240229) > 20250228 && land_plus_year(20240229) < 20250301);
    /* 2024 is a leap year: 366 days from 2024-01-01 to 2025-01-01 */
    assert_int_equal(land_days(20250101) - land_days(20240101), 366);
    assert_int_equal(land_days(19700101), 0);
}

/* ------------------------------------------------------------------ */
/* FAR                                                                 */

/* Parcels: P1 [0,200]x[0,100] = 20000 m² in Z1; P2 [900,1100]x[0,100] =
 * 20000 m², half in each zone; P3 [1200,1300]x[0,100] = 10000 m² in Z2,
 * no buildings. */
static lg_layer *far_parcels(void)
{
    char buf[4096] = HEAD;
    add_rect(buf, sizeof buf, "\"id\":1,\"ind\":\"电子\"", 0, 0, 200, 100);
    add_rect(buf, sizeof buf, "\"id\":2,\"ind\":\"通用设备\"", 900, 0, 1100, 100);
    add_rect(buf, sizeof buf, "\"id\":3,\"ind\":\"食品\"", 1200, 0, 1300, 100);
    strcat(buf, "]}");
    return lg_test_layer_from(dir(), "parcels.geojson", buf, NULL);
}

/* Buildings: B1 50x40 = 2000 m², 3 floors (6000 m² floor) and B2 20x50 =
 * 1000 m², 2 floors (2000) on P1; B3 [950,1050]x[0,100] = 10000 m², 3
 * floors (30000) on P2; B4 on no parcel (id 99, far away). */
static lg_layer *far_buildings(int with_link)
{
    char buf[4096] = HEAD;
    add_rect(buf, sizeof buf, with_link ? "\"parcel_id\":1,\"floors\":3" : "\"floors\":3", 10, 10,
             60, 50);
    add_rect(buf, sizeof buf, with_link ? "\"parcel_id\":1,\"floors\":2" : "\"floors\":2", 100,
             10, 120, 60);
    add_rect(buf, sizeof buf, with_link ? "\"parcel_id\":2,\"floors\":3" : "\"floors\":3", 950, 0,
             1050, 100);
    add_rect(buf, sizeof buf, with_link ? "\"parcel_id\":99,\"floors\":1" : "\"floors\":1", 5000,
             5000, 5010, 5010);
    if (!with_link) /* B5 [120,240]x[50,70]: 2400 m², 1 floor; centroid (180,60) in P1 */
        add_rect(buf, sizeof buf, "\"floors\":1", 120, 50, 240, 70);
    strcat(buf, "]}");
    return lg_test_layer_from(dir(), with_link ? "bldg_id.geojson" : "bldg_xy.geojson", buf,
                              NULL);
}

static void test_far_by_id(void **state)
{
    (void)state;
    lg_layer *Z = zones_layer(), *P = far_parcels(), *B = far_buildings(1);
    lg_zones *z = lg_zones_new(ctx, Z, NULL, NULL);
    const char *opts[] = {"MIN_FAR=1.0", NULL};
    lg_result *r = lg_parcel_far(ctx, z, P, B, opts);
    if (!r)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    const lg_table *d = detail(r, "parcels"), *zt = lg_result_zones(r), *tt = lg_result_total(r);
    /* P1: floor 6000 + 2000 = 8000, foot 3000: far 0.4, 建筑系数 15 % */
    assert_double_near(cell(d, 0, "floor_m2"), 8000, EPS);
    assert_double_near(cell(d, 0, "far"), 0.4, EPS);
    assert_double_near(cell(d, 0, "coverage_pct"), 15, EPS);
    assert_double_near(cell(d, 0, "buildings"), 2, 0);
    assert_double_near(cell(d, 0, "below_min"), 1, 0);
    /* P2: 30000 / 20000 = 1.5, coverage 50 %; not below 1.0 */
    assert_double_near(cell(d, 1, "far"), 1.5, EPS);
    assert_double_near(cell(d, 1, "coverage_pct"), 50, EPS);
    assert_double_near(cell(d, 1, "below_min"), 0, 0);
    /* P3: no buildings, far 0 */
    assert_double_near(cell(d, 2, "far"), 0, 0);
    assert_double_near(cell(d, 2, "zone_row"), 1, 0);
    /* Z1: P1 whole + half of P2: floor 8000 + 15000 = 23000 over 30000 m²
     * = 0.766666…; plain mean (0.4 + 1.5) / 2 = 0.95; coverage (3000 +
     * 5000) / 30000 = 26.666… %; below: P1 (20000 m²) */
    assert_double_near(cell(zt, 0, "value"), 23000.0 / 30000.0, EPS);
    assert_double_near(cell(zt, 0, "far_mean"), 0.95, EPS);
    assert_double_near(cell(zt, 0, "coverage_pct"), 800.0 / 30.0, EPS);
    assert_double_near(cell(zt, 0, "below_min"), 1, 0);
    assert_double_near(cell(zt, 0, "below_min_m2"), 20000, EPS);
    /* Z2: half of P2 (15000 floor, 10000 m²) + P3 (0, 10000): 0.75; mean
     * (1.5 + 0) / 2 = 0.75; below: P3 */
    assert_double_near(cell(zt, 1, "value"), 0.75, EPS);
    assert_double_near(cell(zt, 1, "below_min_m2"), 10000, EPS);
    /* total: 38000 / 50000 = 0.76; mean over the 4 parcel-zone pairs
     * (0.4 + 1.5 + 1.5 + 0) / 4 = 0.85 */
    assert_double_near(cell(tt, 0, "value"), 0.76, EPS);
    assert_double_near(cell(tt, 0, "far_mean"), 0.85, EPS);
    assert_double_near(cell(tt, 0, "parcels"), 4, 0);
    /* B4 belongs to no parcel: a warning */
    assert_int_equal(lg_result_warning_count(r), 1);
    assert_non_null(strstr(lg_result_warning(r, 0), "1 building(s)"));
    r = lg_result_free(ctx, r);

    /* the industry table: 电子 1.0, 通用设备 0.7; 食品 not listed: no minimum */
    const char *opts2[] = {"INDUSTRY_FIELD=ind", NULL};
    r = lg_parcel_far(ctx, z, P, B, opts2);
    assert_non_null(r);
    d = detail(r, "parcels");
    assert_double_near(cell(d, 0, "min_far"), 1.0, 0);
    assert_double_near(cell(d, 1, "min_far"), 0.7, 0);
    assert_true(isnan(cell(d, 2, "min_far")) && isnan(cell(d, 2, "below_min")));
    r = lg_result_free(ctx, r);

    /* a table file: "* 1.6" for every other code; a bad line is an error */
    char path[1200];
    snprintf(path, sizeof path, "%s/minfar.txt", dir());
    lg_test_write_file(dir(), "minfar.txt", "# code min\n电子 0.3\n* 1.6\n");
    char opt[1300];
    snprintf(opt, sizeof opt, "MIN_FAR=%s", path);
    const char *opts3[] = {opt, "INDUSTRY_FIELD=ind", NULL};
    r = lg_parcel_far(ctx, z, P, B, opts3);
    assert_non_null(r);
    d = detail(r, "parcels");
    assert_double_near(cell(d, 0, "below_min"), 0, 0); /* 0.4 >= 0.3 */
    assert_double_near(cell(d, 1, "below_min"), 1, 0); /* 1.5 < 1.6 */
    r = lg_result_free(ctx, r);
    lg_test_write_file(dir(), "minfar.txt", "电子 0.3\n通用设备 high\n");
    assert_null(lg_parcel_far(ctx, z, P, B, opts3));
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "minfar.txt:2"));

    lg_zones_free(ctx, z);
    lg_layer_close(ctx, B);
    lg_layer_close(ctx, P);
    lg_layer_close(ctx, Z);
}

/* Without a parcel_id field buildings join by centroid: B5's centroid
 * (180,60) is in P1, so its whole footprint (2400 m², partly outside P1)
 * counts there: P1 floor 8000 + 2400 = 10400 -> far 0.52, coverage
 * (3000 + 2400) / 20000 = 27 %. */
static void test_far_by_centroid(void **state)
{
    (void)state;
    lg_layer *Z = zones_layer(), *P = far_parcels(), *B = far_buildings(0);
    lg_zones *z = lg_zones_new(ctx, Z, NULL, NULL);
    lg_result *r = lg_parcel_far(ctx, z, P, B, NULL);
    if (!r)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    const lg_table *d = detail(r, "parcels");
    assert_double_near(cell(d, 0, "far"), 0.52, EPS);
    assert_double_near(cell(d, 0, "coverage_pct"), 27, EPS);
    assert_double_near(cell(d, 0, "buildings"), 3, 0);
    assert_double_near(cell(d, 1, "far"), 1.5, EPS);
    assert_non_null(strstr(lg_test_param(r, "join"), "centroid"));
    lg_result_free(ctx, r);
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, B);
    lg_layer_close(ctx, P);
    lg_layer_close(ctx, Z);
}

/* ------------------------------------------------------------------ */
/* 批而未供                                                             */

/* Approvals: A1 [0,100]x[0,100] = 10000 m², approved 2021-12-31 (the last
 * day before 1 January 2022: in the 2022 stock); A2 [200,300]x[0,100],
 * approved 2022-01-01 (on 1 January: not in the 2022 stock, added during
 * 2022); A3 [900,1100]x[0,100] = 20000 m², half in each zone, 2020-06-01. */
static lg_layer *approvals(const char *a1_date)
{
    char buf[4096] = HEAD, p[200];
    snprintf(p, sizeof p, "\"id\":1,\"appr_date\":\"%s\"", a1_date);
    add_rect(buf, sizeof buf, p, 0, 0, 100, 100);
    add_rect(buf, sizeof buf, "\"id\":2,\"appr_date\":\"2022-01-01\"", 200, 0, 300, 100);
    add_rect(buf, sizeof buf, "\"id\":3,\"appr_date\":\"2020-06-01\"", 900, 0, 1100, 100);
    strcat(buf, "]}");
    return lg_test_layer_from(dir(), "approvals.geojson", buf, NULL);
}

/* Supplies (appr_id links them for LINK=id):
 *  S1 [0,50]x[0,100] 5000 m² of A1, supplied 2022-01-01 (exactly on 1 Jan)
 *  S2 [50,100]x[0,40] 2000 m² of A1, 2023-03-01
 *  S3 [200,300]x[0,50] 5000 m² of A2, 2022-12-31
 *  S4 [950,1050]x[0,100] 10000 m² of A3 (5000 in each zone), 2021-05-01
 *  S5 [1050,1100]x[0,100] 5000 m² of A3 in Z2, 2023-12-31
 *  S6 [900,950]x[0,50] of A3, supply_dt NULL: not supplied
 *  S7 [200,300]x[50,70] 2000 m² of A2, 2021-01-01: before A2's approval */
static lg_layer *supplies(void)
{
    char buf[8192] = HEAD;
    add_rect(buf, sizeof buf, "\"appr_id\":1,\"supply_dt\":\"2022-01-01\"", 0, 0, 50, 100);
    add_rect(buf, sizeof buf, "\"appr_id\":1,\"supply_dt\":\"2023-03-01\"", 50, 0, 100, 40);
    add_rect(buf, sizeof buf, "\"appr_id\":2,\"supply_dt\":\"2022-12-31\"", 200, 0, 300, 50);
    add_rect(buf, sizeof buf, "\"appr_id\":3,\"supply_dt\":\"2021-05-01\"", 950, 0, 1050, 100);
    add_rect(buf, sizeof buf, "\"appr_id\":3,\"supply_dt\":\"2023-12-31\"", 1050, 0, 1100, 100);
    add_rect(buf, sizeof buf, "\"appr_id\":3,\"supply_dt\":null", 900, 0, 950, 50);
    add_rect(buf, sizeof buf, "\"appr_id\":2,\"supply_dt\":\"2021-01-01\"", 200, 50, 300, 70);
    strcat(buf, "]}");
    return lg_test_layer_from(dir(), "supply.geojson", buf, NULL);
}

static void test_stock_by_geometry(void **state)
{
    (void)state;
    lg_layer *Z = zones_layer(), *A = approvals("2021-12-31"), *S = supplies();
    lg_zones *z = lg_zones_new(ctx, Z, NULL, NULL);
    const char *opts[] = {"YEARS=2023,2022", NULL};
    lg_result *r = lg_land_stock(ctx, z, A, S, opts);
    if (!r)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    const lg_table *zt = lg_result_zones(r), *tt = lg_result_total(r);
    /* Z1, 1 Jan 2022: A1 whole (S1 is dated 1 Jan, not before) 10000 + A3's
     * [900,1000] less S4's [950,1000] 5000 = 15000; during 2022 S1 takes
     * 5000 of it (33.33 %); A2 approved 2022, unsupplied at its end:
     * 10000 − S3 5000 − S7 2000 = 3000 added. */
    assert_double_near(cell(zt, 0, "stock:2022"), 15000, 1e-6);
    assert_double_near(cell(zt, 0, "stock_mu:2022"), 15000 * 15 / 10000.0, 1e-9);
    assert_double_near(cell(zt, 0, "disposed:2022"), 5000, 1e-6);
    assert_double_near(cell(zt, 0, "added:2022"), 3000, 1e-6);
    assert_double_near(cell(zt, 0, "share:2022"), 100.0 / 3.0, 1e-9);
    /* Z1, 1 Jan 2023: 15000 − 5000 + 3000 = 13000 (A1 5000, A2 3000, A3
     * 5000); S2 takes 2000 in 2023: 15.38 % */
    assert_double_near(cell(zt, 0, "stock:2023"), 13000, 1e-6);
    assert_double_near(cell(zt, 0, "disposed:2023"), 2000, 1e-6);
    /* Z2: A3's [1000,1100] less S4's [1000,1050]: 5000 in 2022 and 2023;
     * S5 (31 Dec 2023) takes all of it in 2023: 100 % */
    assert_double_near(cell(zt, 1, "stock:2022"), 5000, 1e-6);
    assert_double_near(cell(zt, 1, "disposed:2022"), 0, 1e-6);
    assert_double_near(cell(zt, 1, "share:2023"), 100, 1e-9);
    /* total 2023: stock 18000, disposed 7000: value = 38.88… % */
    assert_double_near(cell(tt, 0, "stock:2022"), 20000, 1e-6);
    assert_double_near(cell(tt, 0, "value"), 7000.0 / 180.0, 1e-9);
    assert_double_near(cell(tt, 0, "numerator"), 7000, 1e-6);
    assert_double_near(cell(tt, 0, "denominator"), 18000, 1e-6);
    /* per approval: A1 supplied before 2024-01-01: 5000 + 2000 = 7000; A3:
     * 10000 (S4) + 5000 (S5) = 15000, S6 undated not counted */
    const lg_table *d = detail(r, "approvals");
    assert_double_near(cell(d, 0, "supplied_m2"), 7000, 1e-6);
    assert_double_near(cell(d, 0, "appr_date"), 20211231, 0);
    assert_double_near(cell(d, 1, "stock:2022"), 0, 0);
    assert_double_near(cell(d, 1, "stock:2023"), 3000, 1e-6);
    assert_double_near(cell(d, 2, "supplied_m2"), 15000, 1e-6);
    /* S7 (the 7th supply, FID 6) predates A2 (FID 2: GDAL takes the GeoJSON
     * "id" property as the FID): warned */
    assert_int_equal(lg_result_warning_count(r), 1);
    if (!strstr(lg_result_warning(r, 0), "supply FID 6 before approval FID 2"))
        fail_msg("%s", lg_result_warning(r, 0));
    lg_result_free(ctx, r);

    /* LINK=id: the same supplied areas per approval, but A3 is split by
     * area share: Z2 2023 = half of A3's 10000 stock, half of its 5000
     * disposal (50 %); the totals do not change. */
    const char *lopts[] = {"YEARS=2022,2023", "LINK=id", NULL};
    r = lg_land_stock(ctx, z, A, S, lopts);
    if (!r)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    zt = lg_result_zones(r), tt = lg_result_total(r);
    assert_double_near(cell(zt, 1, "stock:2023"), 5000, 1e-6);
    assert_double_near(cell(zt, 1, "share:2023"), 50, 1e-9);
    assert_double_near(cell(tt, 0, "stock:2023"), 18000, 1e-6);
    assert_double_near(cell(tt, 0, "disposed:2023"), 7000, 1e-6);
    lg_result_free(ctx, r);

    const char *noyears[] = {"LINK=id", NULL};
    assert_null(lg_land_stock(ctx, z, A, S, noyears));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, S);
    lg_layer_close(ctx, A);
    lg_layer_close(ctx, Z);
}

/* A malformed date is an error naming the file, the FID (A1: id 1) and
 * the field. */
static void test_stock_bad_date(void **state)
{
    (void)state;
    lg_layer *Z = zones_layer(), *A = approvals("31.12.2021"), *S = supplies();
    lg_zones *z = lg_zones_new(ctx, Z, NULL, NULL);
    const char *opts[] = {"YEARS=2022", NULL};
    assert_null(lg_land_stock(ctx, z, A, S, opts));
    const char *m = lg_ctx_errmsg(ctx);
    if (!strstr(m, "approvals.geojson FID 1 field appr_date"))
        fail_msg("%s", m);
    assert_non_null(strstr(m, "31.12.2021"));
    lg_zones_free(ctx, z);
    lg_layer_close(ctx, S);
    lg_layer_close(ctx, A);
    lg_layer_close(ctx, Z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_far_by_id),
        cmocka_unit_test(test_far_by_centroid),
        cmocka_unit_test(test_stock_by_geometry),
        cmocka_unit_test(test_stock_bad_date),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_4549, lg_test_teardown_ctx);
}
