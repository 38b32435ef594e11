/*
 * test_cli_map: `geoplan map` on the demo workspace, every recipe on the
 * layers evaluate, efficiency and screen write (so a renamed field breaks
 * this test, not a user's map), explicit breaks on the command line, and
 * usage errors.
 */
#define LG_CLI_TEST_NAME "test_cli_map"
#define LG_CLI_DIR_PREFIX "map_"
#include "lg_cli_run.h"

#include <cairo.h>
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

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* evaluate --html: a self-contained page; then a real browser (Debian's
 * chromium, headless) loads it: its DOM has the target rows and the SVG
 * maps and charts, and a screenshot is not blank. */
static void test_html_report(void **state)
{
    (void)state;
    const char *d = demo_dir();
    char project[1300], out[1300], html[1400];
    snprintf(project, sizeof project, "%s/project.yaml", d);
    snprintf(out, sizeof out, "%s/evaluation_html", d);
    gp_result r;
    gp_run(&r, "evaluate", project, "--out", out, "--html", "--quiet", NULL);
    assert_exit(&r, 0);
    snprintf(html, sizeof html, "%s/report.html", out);
    char *page = own(slurp(html, NULL));
    assert_non_null(page);
    /* offline: nothing fetched (the SVG namespaces are names, not fetches) */
    assert_null(strstr(page, "<script"));
    assert_null(strstr(page, "<link"));
    assert_null(strstr(page, "src=\"http"));
    assert_null(strstr(page, "url(http"));
    size_t rows = count_of(page, "<tr class=\"target-row");
    assert_true(rows >= 10);
    /* as many rows as the JSON has targets */
    char json[1400];
    snprintf(json, sizeof json, "%s/indicators.json", out);
    json_object *j = own_json(json_object_from_file(json));
    assert_non_null(j);
    size_t want = 0;
    for (size_t i = 0; i < jlen(j, "rows"); i++) {
        char path[64];
        snprintf(path, sizeof path, "rows.%zu.target", i);
        want += jhas(j, path);
    }
    assert_int_equal(rows, want);
    assert_true(count_of(page, "class=\"chart\"") >= 2);
    assert_non_null(strstr(page, "id=\"m0-")); /* map ids prefixed */
    assert_non_null(strstr(page, "✔"));

    const char *chromium = getenv("LIBGEO_CHROMIUM");
    if (!chromium || !*chromium)
        chromium = "/usr/bin/chromium";
    if (access(chromium, X_OK) != 0) {
        fprintf(stderr, "SKIP browser check: %s not found (apt-get install chromium)\n",
                chromium);
        return;
    }
    char cmd[6000], dom[1400], shot[1400], profile[1400];
    snprintf(dom, sizeof dom, "%s/dom.html", out);
    snprintf(shot, sizeof shot, "%s/shot.png", out);
    snprintf(profile, sizeof profile, "%s/chromium-profile", out);
    const char *flags = "--headless --no-sandbox --disable-gpu --hide-scrollbars "
                        "--no-first-run --disable-extensions";
    snprintf(cmd, sizeof cmd, "'%s' %s --user-data-dir='%s' --dump-dom 'file://%s' > '%s' 2>/dev/null",
             chromium, flags, profile, html, dom);
    assert_int_equal(system(cmd), 0);
    char *d_html = own(slurp(dom, NULL));
    assert_non_null(d_html);
    assert_int_equal(count_of(d_html, "<tr class=\"target-row"), rows);
    assert_true(count_of(d_html, "<svg") >= 3);
    snprintf(cmd, sizeof cmd,
             "'%s' %s --user-data-dir='%s' --window-size=1200,1600 --screenshot='%s' 'file://%s' "
             "> /dev/null 2>&1",
             chromium, flags, profile, shot, html);
    assert_int_equal(system(cmd), 0);
    cairo_surface_t *s = cairo_image_surface_create_from_png(shot);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    long ink = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            ink += (*(const uint32_t *)(px + y * stride + 4 * x) & 0xffffff) != 0xffffff;
    cairo_surface_destroy(s);
    assert_int_equal(w, 1200);
    assert_int_equal(h, 1600);
    assert_true(ink > (long)w * h / 50); /* text and table lines: well over 2 % */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_recipes, free_owned),
        cmocka_unit_test_teardown(test_breaks_and_errors, free_owned),
        cmocka_unit_test_teardown(test_layer_styles, free_owned),
        cmocka_unit_test_teardown(test_html_report, free_owned),
    };
    return cmocka_run_group_tests(tests, lg_cli_group_setup, lg_cli_group_teardown);
}
