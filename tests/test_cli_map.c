/*
 * test_cli_map: `geoplan map` on the demo workspace, every recipe on the
 * layers evaluate, efficiency and screen write (so a renamed field breaks
 * this test, not a user's map), explicit breaks on the command line, and
 * usage errors.
 */
#define LG_CLI_TEST_NAME "test_cli_map"
#define LG_CLI_DIR_PREFIX "map_"
#include "lg_cli_run.h"

#include <cpl_minixml.h>
#include <ogr_api.h>

#include "libgeo/libgeo.h"

static const char *demo_dir(void)
{
    static char dir[1200];
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "%s/map_demo", LIBGEO_TEST_TMP);
    gp_result r;
    gp_run(&r, "demo", "--out", dir, "--scale", "S", "--seed", "1", "--force", NULL);
    assert_exit(&r, 0);
    char in[1300], out[1300], eff[1300];
    snprintf(in, sizeof in, "%s/project.yaml", dir);
    snprintf(out, sizeof out, "%s/evaluation", dir);
    gp_run(&r, "evaluate", in, "--out", out, NULL);
    assert_exit(&r, 0);
    snprintf(eff, sizeof eff, "%s/layers/efficiency/demo.yaml", LIBGEO_SOURCE_DIR);
    snprintf(out, sizeof out, "%s/efficiency", dir);
    gp_run(&r, "efficiency", eff, "--data", dir, "--out", out, NULL);
    assert_exit(&r, 0);
    char sites[1300], control[1300];
    snprintf(sites, sizeof sites, "%s/sites.shp", dir);
    snprintf(control, sizeof control, "%s/control.shp", dir);
    snprintf(out, sizeof out, "%s/screen.gpkg", dir);
    gp_run(&r, "screen", sites, "--control", control, "--out-layer", out, NULL);
    assert_exit(&r, 0);
    return dir;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_recipes(void **state)
{
    (void)state;
    const char *d = demo_dir();
    static const struct {
        const char *recipe, *file, *out;
    } cases[] = {
        {"tax-per-mu-parcel", "efficiency/efficiency.gpkg", "tax_parcel.png"},
        {"tax-per-mu-street", "efficiency/efficiency.gpkg", "tax_street.svg"},
        {"efficiency-class", "efficiency/efficiency.gpkg", "classes.pdf"},
        {"park-coverage", "evaluation/results.gpkg", "parks.png"},
        {"road-density", "evaluation/results.gpkg", "roads.png"},
        {"control-conflicts", "screen.gpkg", "conflicts.png"},
    };
    char streets[1300], control[1300], ov_streets[1400], ov_control[1400];
    snprintf(streets, sizeof streets, "%s/streets.shp", d);
    snprintf(control, sizeof control, "%s/control.shp", d);
    snprintf(ov_streets, sizeof ov_streets, "boundary=%s@name", streets);
    snprintf(ov_control, sizeof ov_control, "control=%s", control);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char src[1400], out[1400];
        snprintf(src, sizeof src, "%s/%s", d, cases[k].file);
        snprintf(out, sizeof out, "%s/%s", d, cases[k].out);
        unlink(out);
        gp_result r;
        gp_run(&r, "map", src, "--recipe", cases[k].recipe, "--out", out, "--overlay",
               ov_streets, "--overlay", ov_control, "--date", "2025-06-30", NULL);
        assert_exit(&r, 0);
        assert_true(file_size(out) > 10000);
        assert_contains(r.err, "classes");
    }
    /* the class map found the efficiency classes; conflicts found both verdicts */
    gp_result r;
    char src[1400], out[1400];
    snprintf(src, sizeof src, "%s/screen.gpkg", d);
    snprintf(out, sizeof out, "%s/conflicts2.svg", d);
    gp_run(&r, "map", src, "--recipe", "control-conflicts", "--out", out, NULL);
    assert_exit(&r, 0);
    assert_contains(r.err, "通过 (");
    assert_contains(r.err, "冲突 (");
}

static void test_breaks_and_errors(void **state)
{
    (void)state;
    const char *d = demo_dir();
    char src[1400], out[1400];
    snprintf(src, sizeof src, "%s/evaluation/results.gpkg:street", d);
    snprintf(out, sizeof out, "%s/density.png", d);
    gp_result r;
    /* explicit breaks: ≤ 6, 6 – 8, > 8 */
    gp_run(&r, "map", src, "--field", "road_density", "--classes", "breaks:6,8", "--out", out,
           "--width-mm", "150", "--height-mm", "100", "--dpi", "96", "--title", "路网密度",
           "--unit", "km/km²", "--labels", "name", NULL);
    assert_exit(&r, 0);
    assert_contains(r.err, "3 classes: ≤ 6 (");
    assert_contains(r.err, "6 – 8 (");
    assert_contains(r.err, "> 8 (");
    /* usage */
    gp_run(&r, "map", src, "--field", "road_density", "--out", "x.gif", NULL);
    assert_exit(&r, 2);
    gp_run(&r, "map", src, "--recipe", "nope", "--out", out, NULL);
    assert_exit(&r, 2);
    gp_run(&r, "map", src, "--field", "road_density", "--classes", "breaks:a", "--out", out,
           NULL);
    assert_exit(&r, 2);
    gp_run(&r, "map", src, "--field", "no_such_field", "--out", out, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "no_such_field");
    gp_run(&r, "map", "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "tax-per-mu-parcel");
}

/* The layer_styles rows of a GeoPackage for `table`: QML and SLD parse
 * as XML; returns the QML (owned) and checks the SLD names the field. */
static char *style_of(const char *gpkg, const char *table, const char *field)
{
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT styleQML, styleSLD, useAsDefault, f_geometry_column FROM layer_styles "
             "WHERE f_table_name = '%s'",
             table);
    OGRLayerH L = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    assert_non_null(L);
    OGRFeatureH F = OGR_L_GetNextFeature(L);
    assert_non_null(F);
    char *qml = own(strdup(OGR_F_GetFieldAsString(F, 0)));
    const char *sld = OGR_F_GetFieldAsString(F, 1);
    int def = OGR_F_GetFieldAsInteger(F, 2);
    char geom[32];
    snprintf(geom, sizeof geom, "%s", OGR_F_GetFieldAsString(F, 3));
    CPLXMLNode *q = CPLParseXMLString(qml), *s = CPLParseXMLString(sld);
    int sld_names_field = strstr(sld, field) != NULL;
    OGR_F_Destroy(F);
    GDALDatasetReleaseResultSet(ds, L);
    GDALClose(ds);
    assert_int_equal(def, 1);
    assert_string_equal(geom, "geom");
    assert_non_null(q);
    assert_non_null(s);
    assert_non_null(CPLSearchXMLNode(q, "=renderer-v2"));
    assert_non_null(CPLSearchXMLNode(s, "=StyledLayerDescriptor"));
    assert_string_equal(CPLGetXMLValue(CPLSearchXMLNode(q, "=renderer-v2"), "attr", ""), field);
    CPLDestroyXMLNode(q);
    CPLDestroyXMLNode(s);
    assert_true(sld_names_field);
    return qml;
}

static void test_layer_styles(void **state)
{
    (void)state;
    const char *d = demo_dir();
    char gpkg[1300];
    /* efficiency: parcels categorized by class, A first */
    snprintf(gpkg, sizeof gpkg, "%s/efficiency/efficiency.gpkg", d);
    char *qml = style_of(gpkg, "parcels", "class");
    assert_contains(qml, "categorizedSymbol");
    assert_contains(qml, "<category value=\"A\" symbol=\"0\" label=\"A 类（优先发展）\"");
    /* the street layer: the ranges are the Jenks bounds of its tax_per_mu */
    qml = style_of(gpkg, "street", "tax_per_mu");
    assert_contains(qml, "graduatedSymbol");
    lg_ctx *ctx = lg_ctx_new();
    const char *opts[] = {"LAYER=street", NULL};
    lg_layer *L = lg_layer_open(ctx, gpkg, opts);
    assert_non_null(L);
    assert_int_equal(lg_layer_load(ctx, L, NULL), LG_OK);
    int fi = lg_layer_field_index(L, "tax_per_mu");
    double v[64], b[6];
    size_t n = lg_layer_size(L);
    for (size_t i = 0; i < n && i < 64; i++)
        if (!lg_layer_number(L, i, (size_t)fi, &v[i]))
            v[i] = NAN;
    int nc = 0;
    assert_int_equal(lg_class_bounds(ctx, LG_CLASS_JENKS, v, n, 5, b, &nc), LG_OK);
    lg_layer_close(ctx, L);
    lg_ctx_free(ctx);
    for (int j = 0; j < nc; j++) {
        char want[128];
        snprintf(want, sizeof want, "<range lower=\"%.15g\" upper=\"%.15g\" symbol=\"%d\"",
                 b[j], b[j + 1], j);
        assert_contains(qml, want);
    }
    /* screen: the verdict; evaluate: uncovered areas hatched */
    snprintf(gpkg, sizeof gpkg, "%s/screen.gpkg", d);
    qml = style_of(gpkg, "sites", "conflict");
    assert_contains(qml, "label=\"冲突\"");
    snprintf(gpkg, sizeof gpkg, "%s/evaluation/results.gpkg", d);
    GDALDatasetH ds = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH S = GDALDatasetExecuteSQL(
        ds, "SELECT styleQML FROM layer_styles WHERE f_table_name LIKE '%_uncovered'", NULL, NULL);
    assert_non_null(S);
    OGRFeatureH F = OGR_L_GetNextFeature(S);
    int hatched = F && strstr(OGR_F_GetFieldAsString(F, 0), "b_diagonal");
    OGR_F_Destroy(F);
    GDALDatasetReleaseResultSet(ds, S);
    GDALClose(ds);
    assert_true(hatched);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_recipes, free_owned),
        cmocka_unit_test_teardown(test_breaks_and_errors, free_owned),
        cmocka_unit_test_teardown(test_layer_styles, free_owned),
    };
    return cmocka_run_group_tests(tests, lg_cli_group_setup, lg_cli_group_teardown);
}
