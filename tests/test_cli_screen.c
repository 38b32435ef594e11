/*
 * test_cli_screen: `geoplan screen` and the land kinds of `geoplan measure`
 * run as a separate process, on hand-made GeoJSON (expected values hand
 * computed in the comments) and on the demo city (internal consistency:
 * site rows sum to the totals, zone rows sum to the total, the stock
 * identity stock(Y+1) = stock(Y) − disposed(Y) + added(Y)).
 */
#include <math.h>

#define LG_CLI_TEST_NAME "test_cli_screen"
#define LG_CLI_DIR_PREFIX "screen_"
#include "lg_cli_run.h"

#include <ogr_api.h>

#define CRS_4549                                                                             \
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},"
#define X0 500000.0
#define Y0 4000000.0

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

#define HEAD_FC "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["

/* Control: 生态保护红线 [0,100]x[0,100]; 永久基本农田 [100,200]x[0,100] and
 * [150,250]x[0,100] (overlapping: the class is [100,250]); 历史文化保护线
 * [500,600]x[0,100].  Boundary (UGB): [0,300]x[0,1000] and [500,600]x[0,100].
 * Sites (offsets; area):
 *  1 [10,90]x[200,300]   8000  nothing: 通过
 *  2 [50,150]x[0,100]   10000  red 5000 (50 %), farmland 5000 (50 %)
 *  3 [249,299]x[0,2]      100  farmland [249,250]x[0,2] = 2 m² (a sliver)
 *  4 [280,330]x[500,600] 5000  outside the UGB [300,330]: 3000 m² (60 %)
 *  5 [200,301]x[500,501]  101  outside [300,301]x[500,501] = 1 m² (a sliver)
 *  6 [500,550]x[0,100]   5000  历史文化保护线 5000 (100 %), inside the UGB */
static void make_inputs(const char *d, char *sites, char *control, char *ugb, size_t n)
{
    char buf[8192] = HEAD_FC;
    add_rect(buf, sizeof buf, "\"id\":1,\"name\":\"甲\"", 10, 200, 90, 300);
    add_rect(buf, sizeof buf, "\"id\":2,\"name\":\"乙\"", 50, 0, 150, 100);
    add_rect(buf, sizeof buf, "\"id\":3,\"name\":\"丙\"", 249, 0, 299, 2);
    add_rect(buf, sizeof buf, "\"id\":4,\"name\":\"丁\"", 280, 500, 330, 600);
    add_rect(buf, sizeof buf, "\"id\":5,\"name\":\"戊\"", 200, 500, 301, 501);
    add_rect(buf, sizeof buf, "\"id\":6,\"name\":\"己\"", 500, 0, 550, 100);
    strcat(buf, "]}");
    write_text(path_in(sites, n, d, "sites.geojson"), buf);
    strcpy(buf, HEAD_FC);
    add_rect(buf, sizeof buf, "\"kind\":\"生态保护红线\"", 0, 0, 100, 100);
    add_rect(buf, sizeof buf, "\"kind\":\"永久基本农田\"", 100, 0, 200, 100);
    add_rect(buf, sizeof buf, "\"kind\":\"永久基本农田\"", 150, 0, 250, 100);
    add_rect(buf, sizeof buf, "\"kind\":\"历史文化保护线\"", 500, 0, 600, 100);
    strcat(buf, "]}");
    write_text(path_in(control, n, d, "control.geojson"), buf);
    strcpy(buf, HEAD_FC);
    add_rect(buf, sizeof buf, "\"id\":1", 0, 0, 300, 1000);
    add_rect(buf, sizeof buf, "\"id\":2", 500, 0, 600, 100);
    strcat(buf, "]}");
    write_text(path_in(ugb, n, d, "ugb.geojson"), buf);
}

#define RED "in:生态保护红线_m2"
#define FARM "in:永久基本农田_m2"

static void test_screen_hand(void **state)
{
    (void)state;
    TEST_DIR(d);
    char sites[1200], control[1200], ugb[1200], gpkg[1200];
    make_inputs(d, sites, control, ugb, sizeof sites);
    path_in(gpkg, sizeof gpkg, d, "screen.gpkg");
    json_object *j = gp_json("screen", sites, "--control", control, "--boundary", ugb,
                             "--tolerance", "2", "--format", "json", "--out-layer", gpkg, NULL);
    assert_int_equal(jlen(j, "details.sites"), 6);
    assert_string_equal(jstr(j, "details.sites.0.verdict"), "通过 pass");
    /* site 2: half red line, half farmland */
    assert_double_near(jdbl(j, "details.sites.1.in:生态保护红线_pct"), 50, 1e-9);
    assert_double_near(jdbl(j, "details.sites.1." FARM), 5000, 1e-6);
    assert_string_equal(jstr(j, "details.sites.1.verdict"),
                        "冲突 conflict: 永久基本农田、生态保护红线");
    /* site 3: 2 m² of farmland = the tolerance: dropped, passes */
    assert_double_near(jdbl(j, "details.sites.2." FARM), 0, 0);
    assert_double_near(jdbl(j, "details.sites.2.dropped_m2"), 2, 1e-9);
    assert_string_equal(jstr(j, "details.sites.2.verdict"), "通过 pass");
    /* site 4: 3000 m² (60 %) outside the boundary */
    assert_double_near(jdbl(j, "details.sites.3.outside_boundary_m2"), 3000, 1e-6);
    assert_double_near(jdbl(j, "details.sites.3.outside_boundary_pct"), 60, 1e-9);
    assert_string_equal(jstr(j, "details.sites.3.verdict"), "冲突 conflict: 开发边界外");
    /* site 5: 1 m² outside: a sliver */
    assert_double_near(jdbl(j, "details.sites.4.dropped_m2"), 1, 1e-9);
    assert_string_equal(jstr(j, "details.sites.4.verdict"), "通过 pass");
    /* site 6: any other class conflicts too */
    assert_double_near(jdbl(j, "details.sites.5.in:历史文化保护线_pct"), 100, 1e-9);
    assert_string_equal(jstr(j, "details.sites.5.verdict"), "冲突 conflict: 历史文化保护线");
    /* totals: 6 sites, 3 in conflict (2, 4, 6); area 8000 + 10000 + 100 +
     * 5000 + 101 + 5000 = 28201; red 5000; farmland 5000 (the sliver
     * dropped); outside 3000; dropped 2 + 1 = 3 */
    assert_double_near(jdbl(j, "total.value"), 3, 0);
    assert_double_near(jdbl(j, "total.denominator"), 6, 0);
    assert_double_near(jdbl(j, "total.area_m2"), 28201, 1e-6);
    assert_double_near(jdbl(j, "total." RED), 5000, 1e-6);
    assert_double_near(jdbl(j, "total." FARM), 5000, 1e-6);
    assert_double_near(jdbl(j, "total.outside_boundary_m2"), 3000, 1e-6);
    assert_double_near(jdbl(j, "total.dropped_m2"), 3, 1e-9);
    assert_int_equal(jlen(j, "zones"), 0);
    /* the layer: 6 sites with their columns */
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH L = GDALDatasetGetLayerByName(ds, "sites");
    assert_non_null(L);
    assert_int_equal(OGR_L_GetFeatureCount(L, 1), 6);
    GDALClose(ds);

    /* just below the sliver: 2 m² > 1.5 is a conflict; 1 m² outside is
     * still dropped */
    j = gp_json("screen", sites, "--control", control, "--boundary", ugb, "--tolerance", "1.5",
                "--format", "json", NULL);
    assert_string_equal(jstr(j, "details.sites.2.verdict"), "冲突 conflict: 永久基本农田");
    assert_string_equal(jstr(j, "details.sites.4.verdict"), "通过 pass");
    assert_double_near(jdbl(j, "total.value"), 4, 0);
    assert_double_near(jdbl(j, "total.dropped_m2"), 1, 1e-9);
}

static void test_screen_text_csv_usage(void **state)
{
    (void)state;
    TEST_DIR(d);
    char sites[1200], control[1200], ugb[1200];
    make_inputs(d, sites, control, ugb, sizeof sites);
    gp_result r;
    gp_run(&r, "screen", sites, "--control", control, "--boundary", ugb, NULL);
    assert_exit(&r, 0);
    /* default tolerance 1 m²: site 3's 2 m² of farmland counts, site 5's
     * 1 m² outside is dropped: sites 2, 3, 4 and 6 conflict */
    assert_contains(r.out, "6 sites, 4 in conflict");
    assert_contains(r.out, "冲突 conflict: 开发边界外");
    assert_contains(r.out, "dropped_slivers");
    gp_run(&r, "screen", sites, "--control", control, "--format", "csv", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "\xEF\xBB\xBFid,name,area_m2 [m2]");
    assert_contains(r.out, ",verdict\r\n");
    assert_contains(r.out, "\r\n1,甲,8000,");
    /* no boundary at all: no outside area, site 4 passes */
    assert_contains(r.out, "\r\n4,丁,5000,");
    gp_run(&r, "screen", sites, NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--control");
    gp_run(&r, "screen", sites, "--control", control, "--tolerance", "-1", NULL);
    assert_exit(&r, 2);
    gp_run(&r, "screen", "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "--tolerance");
    gp_run(&r, "--help", NULL);
    assert_contains(r.out, "screen");
}

/* ------------------------------------------------------------------ */
/* the demo city                                                       */

static const char *demo_dir(void)
{
    static char dir[1200];
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "%s/screen_demo", LIBGEO_TEST_TMP);
    gp_result r;
    gp_run(&r, "demo", "--out", dir, "--scale", "S", "--seed", "1", "--force", NULL);
    assert_exit(&r, 0);
    return dir;
}

static void test_demo_screen(void **state)
{
    (void)state;
    char sites[1300], control[1300];
    snprintf(sites, sizeof sites, "%s/sites.shp", demo_dir());
    snprintf(control, sizeof control, "%s/control.shp", demo_dir());
    json_object *j = gp_json("screen", sites, "--control", control, "--format", "json", NULL);
    size_t n = jlen(j, "details.sites");
    assert_true(n > 100);
    double conflicts = 0, area = 0, red = 0, farm = 0, out = 0, dropped = 0;
    char path[200];
    for (size_t i = 0; i < n; i++) {
#define SITE(col) (snprintf(path, sizeof path, "details.sites.%zu.%s", i, col), jdbl(j, path))
        conflicts += SITE("conflict");
        area += SITE("area_m2");
        red += SITE(RED);
        farm += SITE(FARM);
        out += SITE("outside_boundary_m2");
        dropped += SITE("dropped_m2");
        /* a conflicting site names a class; a passing one has none */
        snprintf(path, sizeof path, "details.sites.%zu.verdict", i);
        assert_int_equal(SITE("conflict") == 1, !strncmp(jstr(j, path), "冲突", 6));
#undef SITE
    }
    assert_true(conflicts > 0 && conflicts < n);
    assert_double_near(jdbl(j, "total.value"), conflicts, 0);
    assert_double_near(jdbl(j, "total.area_m2"), area, 1e-6 * area);
    assert_double_near(jdbl(j, "total." RED), red, 1e-6 * (red + 1));
    assert_double_near(jdbl(j, "total." FARM), farm, 1e-6 * (farm + 1));
    assert_double_near(jdbl(j, "total.outside_boundary_m2"), out, 1e-6 * (out + 1));
    assert_double_near(jdbl(j, "total.dropped_m2"), dropped, 1e-9 + 1e-6 * dropped);
}

static void test_demo_stock(void **state)
{
    (void)state;
    char zones[1300], appr[1300], sup[1300];
    snprintf(zones, sizeof zones, "%s/streets.shp", demo_dir());
    snprintf(appr, sizeof appr, "%s/approvals.shp", demo_dir());
    snprintf(sup, sizeof sup, "%s/supply.shp", demo_dir());
    json_object *j = gp_json("measure", "land-stock", "--zones", zones, "--approvals", appr,
                             "--supply", sup, "--years", "2021,2022,2023,2024", "--format",
                             "json", NULL);
    size_t nz = jlen(j, "zones");
    char p[200];
    double tstock = 0;
    for (int y = 2021; y <= 2024; y++) {
        double zsum = 0;
        for (size_t z = 0; z <= nz; z++) {
            char row[40];
            if (z < nz)
                snprintf(row, sizeof row, "zones.%zu", z);
            else
                snprintf(row, sizeof row, "total");
#define V(col, yy) (snprintf(p, sizeof p, "%s." col ":%d", row, yy), jdbl(j, p))
            double stock = V("stock", y), disposed = V("disposed", y), added = V("added", y);
            assert_true(disposed >= -1e-6 && disposed <= stock + 1e-6);
            if (y < 2024) /* the identity, within rounding of the overlays */
                assert_double_near(V("stock", y + 1), stock - disposed + added,
                                   1e-6 * (stock + added + 1));
            if (z < nz)
                zsum += stock;
            else
                assert_double_near(stock, zsum, 1e-6 * (zsum + 1));
            if (z == nz && y == 2024)
                tstock = stock;
#undef V
        }
    }
    assert_true(tstock > 0);
    assert_double_near(jdbl(j, "total.denominator"), tstock, 0);
}

static void test_demo_far(void **state)
{
    (void)state;
    char zones[1300], parcels[1300], bldg[1300];
    snprintf(zones, sizeof zones, "%s/streets.shp", demo_dir());
    snprintf(parcels, sizeof parcels, "%s/landuse.shp", demo_dir());
    snprintf(bldg, sizeof bldg, "%s/buildings.shp", demo_dir());
    json_object *j = gp_json("measure", "far", "--zones", zones, "--parcels", parcels,
                             "--buildings", bldg, "--min-far", "1.5", "--format", "json", NULL);
    size_t nz = jlen(j, "zones");
    double num = 0, den = 0, below = 0;
    char p[200];
    for (size_t z = 0; z < nz; z++) {
        snprintf(p, sizeof p, "zones.%zu.numerator", z);
        num += jdbl(j, p);
        snprintf(p, sizeof p, "zones.%zu.denominator", z);
        den += jdbl(j, p);
        snprintf(p, sizeof p, "zones.%zu.below_min", z);
        below += jdbl(j, p);
    }
    /* the parcels tile the district: the land is the streets' area */
    assert_double_near(jdbl(j, "total.numerator"), num, 1e-6 * num);
    assert_double_near(jdbl(j, "total.denominator"), den, 1e-6 * den);
    assert_double_near(jdbl(j, "total.value"), num / den, 1e-9);
    assert_double_near(jdbl(j, "total.below_min"), below, 0);
    assert_true(jlen(j, "details.parcels") > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_screen_hand, free_owned),
        cmocka_unit_test_teardown(test_screen_text_csv_usage, free_owned),
        cmocka_unit_test_teardown(test_demo_screen, free_owned),
        cmocka_unit_test_teardown(test_demo_stock, free_owned),
        cmocka_unit_test_teardown(test_demo_far, free_owned),
    };
    return cmocka_run_group_tests(tests, lg_cli_group_setup, lg_cli_group_teardown);
}
