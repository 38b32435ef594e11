/*
 * test_map: class bounds (checked against bounds computed by hand in the
 * comments), and maps rendered to PNG, SVG and PDF: files that parse, of
 * the requested size, whose legend classes are the requested ones, with
 * Chinese set in the Noto CJK face rather than a fallback.
 */
#include "lg_test.h"

#include <cairo.h>
#include <cpl_minixml.h>
#include <unistd.h>

#include "libgeo/libgeo.h"

static lg_ctx *g_ctx;

static int setup(void **state)
{
    (void)state;
    g_ctx = lg_ctx_new();
    return g_ctx ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    g_ctx = lg_ctx_free(g_ctx);
    return 0;
}

static void expect_bounds(lg_class_method m, const double *v, size_t n, int k, const double *want,
                          int nwant)
{
    double b[65];
    int nc = -1;
    assert_int_equal(lg_class_bounds(g_ctx, m, v, n, k, b, &nc), LG_OK);
    assert_int_equal(nc, nwant);
    for (int j = 0; j <= nwant; j++)
        assert_double_near(b[j], want[j], 1e-9);
}

/* ------------------------------------------------------------------ */
/* Classification                                                      */

static void test_equal(void **state)
{
    (void)state;
    /* 0..10 in 5: width 2 */
    double v[11];
    for (int i = 0; i <= 10; i++)
        v[i] = 10 - i; /* order does not matter */
    expect_bounds(LG_CLASS_EQUAL, v, 11, 5, (double[]){0, 2, 4, 6, 8, 10}, 5);
    /* NaN is no data: {1, 3} in 2 → 1, 2, 3 */
    expect_bounds(LG_CLASS_EQUAL, (double[]){NAN, 3, 1}, 3, 2, (double[]){1, 2, 3}, 2);
}

static void test_quantile(void **state)
{
    (void)state;
    /* 1..9, quartiles (type 7: h = (n-1)p): h = 2, 4, 6 → 3, 5, 7 */
    expect_bounds(LG_CLASS_QUANTILE, (double[]){9, 1, 8, 2, 7, 3, 6, 4, 5}, 9, 4,
                  (double[]){1, 3, 5, 7, 9}, 4);
    /* {0, 10, 20, 30, 40} in 4: h = 1, 2, 3 → 10, 20, 30; in 3: h = 4/3 →
     * 13⅓, h = 8/3 → 26⅔ */
    expect_bounds(LG_CLASS_QUANTILE, (double[]){0, 10, 20, 30, 40}, 5, 4,
                  (double[]){0, 10, 20, 30, 40}, 4);
    expect_bounds(LG_CLASS_QUANTILE, (double[]){0, 10, 20, 30, 40}, 5, 3,
                  (double[]){0, 40.0 / 3, 80.0 / 3, 40}, 3);
    /* distinct values 2 → at most 2 classes; p = 1/2: h = 0.5 → 5 */
    expect_bounds(LG_CLASS_QUANTILE, (double[]){0, 10}, 2, 4, (double[]){0, 5, 10}, 2);
    /* ties at the minimum: {0,0,0,0,5,10} in 3: p = 1/3: h = 5/3 → 0;
     * p = 2/3: h = 10/3 → 0 + (1/3)·5 = 5/3.  Bounds 0, 0, 5/3, 10: the
     * first class holds the zeros only. */
    expect_bounds(LG_CLASS_QUANTILE, (double[]){0, 0, 0, 0, 5, 10}, 6, 3,
                  (double[]){0, 0, 5.0 / 3, 10}, 3);
    /* ties inside: {1,2,2,2,2,3} in 3: h = 5/3 → 2, h = 10/3 → 2: merged */
    expect_bounds(LG_CLASS_QUANTILE, (double[]){1, 2, 2, 2, 2, 3}, 6, 3, (double[]){1, 2, 3}, 2);
}

static void test_jenks(void **state)
{
    (void)state;
    double v[] = {1, 2, 3, 10, 11, 12, 20, 21, 22};
    /* three obvious groups */
    expect_bounds(LG_CLASS_JENKS, v, 9, 3, (double[]){1, 3, 12, 22}, 3);
    /* two: {1..12 | 20..22} has SSD 2 + 125.5 = 127.5 (mean 6.5 of
     * 1,2,3,10,11,12: 30.25+20.25+12.25+12.25+20.25+30.25), against
     * {1..3 | 10..22}: 2 + 154 = 156 (mean 16: 36+25+16+16+25+36) */
    expect_bounds(LG_CLASS_JENKS, v, 9, 2, (double[]){1, 12, 22}, 2);
    /* one class per value when k = n */
    expect_bounds(LG_CLASS_JENKS, (double[]){5, 1, 3}, 3, 3, (double[]){1, 1, 3, 5}, 3);
    /* more than the 4,000-value sample: bounds stay data, min and max exact */
    size_t n = 10001;
    double *big = malloc(n * sizeof *big);
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        big[i] = i < 5000 ? (double)i / 5000 : 100 + (double)i / 5000; /* two clusters */
    double b[3];
    int nc = 0;
    lg_status st = lg_class_bounds(g_ctx, LG_CLASS_JENKS, big, n, 2, b, &nc);
    free(big);
    assert_int_equal(st, LG_OK);
    assert_int_equal(nc, 2);
    assert_double_near(b[0], 0, 0);
    assert_true(b[1] < 1); /* the first cluster's maximum */
    assert_double_near(b[2], 100 + 10000.0 / 5000, 1e-12);
}

static void test_class_errors(void **state)
{
    (void)state;
    double b[8];
    int nc;
    /* all values equal: one class */
    expect_bounds(LG_CLASS_JENKS, (double[]){5, 5, 5}, 3, 4, (double[]){5, 5}, 1);
    assert_int_equal(lg_class_bounds(g_ctx, LG_CLASS_EQUAL, (double[]){1}, 1, 0, b, &nc),
                     LG_ERR_ARG);
    assert_int_equal(lg_class_bounds(g_ctx, LG_CLASS_EQUAL, (double[]){NAN}, 1, 3, b, &nc),
                     LG_ERR_ARG);
    assert_int_equal(lg_class_bounds(g_ctx, LG_CLASS_BREAKS, (double[]){1}, 1, 3, b, &nc),
                     LG_ERR_ARG);
    /* class of a value: upper bounds inclusive */
    double bb[] = {0, 2, 4};
    assert_int_equal(lg_class_of(bb, 2, 0), 0);
    assert_int_equal(lg_class_of(bb, 2, 2), 0);
    assert_int_equal(lg_class_of(bb, 2, 2.0001), 1);
    assert_int_equal(lg_class_of(bb, 2, 4), 1);
    assert_int_equal(lg_class_of(bb, 2, 4.1), -1);
    assert_int_equal(lg_class_of(bb, 2, NAN), -1);
    lg_class_method m;
    assert_true(lg_class_method_parse("JENKS", &m) && m == LG_CLASS_JENKS);
    assert_false(lg_class_method_parse("natural", &m));
}

/* ------------------------------------------------------------------ */
/* Maps                                                                */

/* A 3 × 3 grid of 1 km squares in EPSG:4549 metres, values 1..9. */
typedef struct grid {
    GEOSGeometry *g[9];
    double v[9];
    const char *t[9];
} grid;

static void grid_make(grid *gr)
{
    GEOSContextHandle_t h = lg_ctx_geos(g_ctx);
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    static const char *const T[] = {"A", "B", "C", "D", "A", "B", NULL, "A", "C"};
    for (int i = 0; i < 9; i++) {
        double x = 500000 + (i % 3) * 1000, y = 4000000 + (i / 3) * 1000;
        char wkt[256];
        snprintf(wkt, sizeof wkt, "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))", x, y, x + 1000, y,
                 x + 1000, y + 1000, x, y + 1000, x, y);
        gr->g[i] = GEOSWKTReader_read_r(h, r, wkt);
        assert_non_null(gr->g[i]);
        gr->v[i] = i + 1;
        gr->t[i] = T[i];
    }
    GEOSWKTReader_destroy_r(h, r);
}

static void grid_free(grid *gr)
{
    for (int i = 0; i < 9; i++)
        GEOSGeom_destroy_r(lg_ctx_geos(g_ctx), gr->g[i]);
}

static const char *tmp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/map_%s", LIBGEO_TEST_TMP, name);
    return buf;
}

static void test_legend_classes(void **state)
{
    (void)state;
    grid gr;
    grid_make(&gr);
    lg_map *m = lg_map_new(g_ctx, 120, 90, 150);
    assert_non_null(m);
    /* explicit breaks 3, 6: classes ≤3, (3,6], >6 with 3 squares each */
    lg_theme_spec spec = {.method = LG_CLASS_BREAKS, .breaks = (double[]){3, 6}, .nbreaks = 2,
                          .title = "亩均税收", .unit = "万元/亩"};
    assert_int_equal(lg_map_set_theme(g_ctx, m, (const GEOSGeometry *const *)gr.g, gr.v, NULL, 9,
                                      &spec),
                     LG_OK);
    assert_int_equal(lg_map_class_count(m), 3);
    assert_true(isinf(lg_map_class_lower(m, 0)) && lg_map_class_lower(m, 0) < 0);
    assert_double_near(lg_map_class_upper(m, 0), 3, 0);
    assert_double_near(lg_map_class_lower(m, 1), 3, 0);
    assert_double_near(lg_map_class_upper(m, 1), 6, 0);
    assert_double_near(lg_map_class_lower(m, 2), 6, 0);
    assert_true(isinf(lg_map_class_upper(m, 2)));
    for (size_t j = 0; j < 3; j++)
        assert_int_equal(lg_map_class_features(m, j), 3);
    assert_string_equal(lg_map_class_label(m, 0), "≤ 3");
    assert_string_equal(lg_map_class_label(m, 1), "3 – 6");
    assert_string_equal(lg_map_class_label(m, 2), "> 6");
    /* quantiles of 1..9 in 3: h = 8/3 → 3⅔, h = 16/3 → 6⅓ */
    spec = (lg_theme_spec){.method = LG_CLASS_QUANTILE, .k = 3};
    assert_int_equal(lg_map_set_theme(g_ctx, m, (const GEOSGeometry *const *)gr.g, gr.v, NULL, 9,
                                      &spec),
                     LG_OK);
    assert_int_equal(lg_map_class_count(m), 3);
    assert_double_near(lg_map_class_upper(m, 0), 11.0 / 3, 1e-12);
    assert_double_near(lg_map_class_upper(m, 1), 19.0 / 3, 1e-12);
    assert_int_equal(lg_map_class_features(m, 0), 3);
    /* categorical: listed order and labels first, then the rest sorted; NULL is no data */
    spec = (lg_theme_spec){.method = LG_CLASS_CATEGORICAL,
                           .categories = (const char *[]){"B=乙", "A=甲"}, .ncategories = 2};
    assert_int_equal(
        lg_map_set_theme(g_ctx, m, (const GEOSGeometry *const *)gr.g, NULL, gr.t, 9, &spec),
        LG_OK);
    assert_int_equal(lg_map_class_count(m), 4);
    assert_string_equal(lg_map_class_label(m, 0), "乙");
    assert_string_equal(lg_map_class_label(m, 1), "甲");
    assert_string_equal(lg_map_class_label(m, 2), "C");
    assert_string_equal(lg_map_class_label(m, 3), "D");
    assert_int_equal(lg_map_class_features(m, 1), 3);
    assert_int_equal(lg_map_nodata_features(m), 1);
    /* bad breaks */
    spec = (lg_theme_spec){.method = LG_CLASS_BREAKS, .breaks = (double[]){6, 3}, .nbreaks = 2};
    assert_int_equal(lg_map_set_theme(g_ctx, m, (const GEOSGeometry *const *)gr.g, gr.v, NULL, 9,
                                      &spec),
                     LG_ERR_ARG);
    assert_int_equal(lg_map_class_count(m), 0);
    char path[1200];
    assert_int_equal(lg_map_render(g_ctx, m, tmp_path(path, sizeof path, "x.png"), LG_MAP_PNG),
                     LG_ERR_ARG); /* no theme */
    m = lg_map_free(m);
    assert_null(m);
    assert_null(lg_map_new(g_ctx, 10, 90, 150));
    assert_int_equal(lg_ctx_errno(g_ctx), LG_ERR_ARG);
    grid_free(&gr);
}

static lg_map *grid_map(grid *gr, const char *label_text)
{
    lg_map *m = lg_map_new(g_ctx, 120, 90, 150);
    assert_non_null(m);
    lg_theme_spec spec = {.method = LG_CLASS_EQUAL, .k = 3, .title = "亩均税收",
                          .unit = "万元/亩"};
    assert_int_equal(lg_map_set_theme(g_ctx, m, (const GEOSGeometry *const *)gr->g, gr->v, NULL,
                                      9, &spec),
                     LG_OK);
    assert_int_equal(lg_map_set_title(g_ctx, m, "李沧区 亩均税收", "测试"), LG_OK);
    assert_int_equal(lg_map_set_source(g_ctx, m, "test_map", "2025-01-01"), LG_OK);
    (void)label_text;
    return m;
}

static void test_png(void **state)
{
    (void)state;
    grid gr;
    grid_make(&gr);
    lg_map *m = grid_map(&gr, NULL);
    char path[1200];
    tmp_path(path, sizeof path, "grid.png");
    assert_int_equal(lg_map_render(g_ctx, m, path, LG_MAP_PNG), LG_OK);
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    /* 120 mm / 25.4 × 150 dpi = 708.66 → 709; 90 mm → 531.50 → 531 */
    assert_int_equal(cairo_image_surface_get_width(s), 709);
    assert_int_equal(cairo_image_surface_get_height(s), 531);
    /* not blank: the darkest class colour (YlGnBu #253494 for 3 classes)
     * covers a good part of the page */
    cairo_surface_flush(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s), dark = 0, white = 0;
    for (int y = 0; y < 531; y++)
        for (int x = 0; x < 709; x++) {
            uint32_t p = *(const uint32_t *)(px + y * stride + 4 * x) & 0xffffff;
            dark += p == 0x253494;
            white += p == 0xffffff;
        }
    cairo_surface_destroy(s);
    assert_true(dark > 5000);
    assert_true(white > 10000);
    m = lg_map_free(m);
    grid_free(&gr);
    /* an unwritable path fails with LG_ERR_IO and leaves nothing */
    grid_make(&gr);
    m = grid_map(&gr, NULL);
    assert_int_equal(lg_map_render(g_ctx, m, "/nonexistent-dir/x.png", LG_MAP_PNG), LG_ERR_IO);
    m = lg_map_free(m);
    grid_free(&gr);
}

static void test_svg_pdf(void **state)
{
    (void)state;
    grid gr;
    grid_make(&gr);
    lg_map *m = grid_map(&gr, NULL);
    char path[1200];
    tmp_path(path, sizeof path, "grid.svg");
    assert_int_equal(lg_map_render(g_ctx, m, path, LG_MAP_SVG), LG_OK);
    char *text = NULL;
    {
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        text = malloc((size_t)len + 1);
        assert_non_null(text);
        assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
        text[len] = '\0';
        fclose(f);
    }
    CPLXMLNode *root = CPLParseXMLString(text);
    /* cairo draws text as glyph symbols; glyph 0 of a font subset is
     * .notdef, the empty box: no text may use it */
    for (const char *p = text; (p = strstr(p, "href=\"#glyph")) != NULL; p++) {
        const char *dash = strchr(p, '-');
        assert_false(dash && dash[1] == '0' && dash[2] == '"');
    }
    free(text);
    assert_non_null(root);
    const CPLXMLNode *svg = CPLSearchXMLNode(root, "=svg");
    assert_non_null(svg);
    assert_string_equal(CPLGetXMLValue(svg, "width", ""), "120mm");
    assert_string_equal(CPLGetXMLValue(svg, "height", ""), "90mm");
    CPLDestroyXMLNode(root);

    tmp_path(path, sizeof path, "grid.pdf");
    assert_int_equal(lg_map_render(g_ctx, m, path, LG_MAP_PDF), LG_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char head[8] = {0}, tail[16] = {0};
    assert_int_equal(fread(head, 1, 5, f), 5);
    assert_string_equal(head, "%PDF-");
    fseek(f, -6, SEEK_END);
    assert_int_equal(fread(tail, 1, 6, f), 6);
    fclose(f);
    assert_non_null(strstr(tail, "%%EOF"));
    /* the page is 120 × 90 mm = 340.16 × 255.12 pt */
    char *pdf = NULL;
    long len = 0;
    {
        f = fopen(path, "rb");
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        fseek(f, 0, SEEK_SET);
        pdf = malloc((size_t)len + 1);
        assert_non_null(pdf);
        assert_int_equal(fread(pdf, 1, (size_t)len, f), (size_t)len);
        pdf[len] = '\0';
        fclose(f);
    }
    /* (binary streams hold NULs: search by hand) */
    const char *want = "/MediaBox [ 0 0 340.157";
    int found = 0;
    for (long i = 0; !found && i + (long)strlen(want) <= len; i++)
        found = !memcmp(pdf + i, want, strlen(want));
    free(pdf);
    assert_true(found);
    m = lg_map_free(m);
    grid_free(&gr);
}

/* Labels: biggest first, overlapping ones left out. */
static void test_labels(void **state)
{
    (void)state;
    grid gr;
    grid_make(&gr);
    /* a loaded layer for the labels: the same grid as GeoJSON */
    char path[1200], json[8192] = "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
                                  "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},"
                                  "\"features\":[";
    for (int i = 0; i < 9; i++) {
        double x = 500000 + (i % 3) * 1000, y = 4000000 + (i / 3) * 1000;
        size_t len = strlen(json);
        /* square 4 (the centre) is bigger: a 1 km square plus a tail */
        snprintf(json + len, sizeof json - len,
                 "%s{\"type\":\"Feature\",\"properties\":{\"v\":%d,\"name\":\"%s\"},"
                 "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%f,%f],[%f,%f],[%f,%f],"
                 "[%f,%f],[%f,%f]]]}}",
                 i ? "," : "", i + 1, i == 4 ? "李沧区中心街道" : "很长很长很长的街道名称",
                 x, y, x + 1000, y, x + 1000, y + (i == 4 ? 1001 : 1000), x, y + 1000, x, y);
    }
    strcat(json, "]}");
    tmp_path(path, sizeof path, "labels.geojson");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
    lg_layer *L = lg_layer_open(g_ctx, path, NULL);
    assert_non_null(L);
    lg_crs *crs = lg_layers_working_crs(g_ctx, &L, 1, NULL);
    assert_non_null(crs);
    assert_int_equal(lg_layer_load(g_ctx, L, crs), LG_OK);
    lg_map *m = lg_map_new(g_ctx, 120, 90, 150);
    lg_theme_spec spec = {.method = LG_CLASS_JENKS, .k = 3};
    assert_int_equal(lg_map_set_theme_layer(g_ctx, m, L, "v", "name", &spec), LG_OK);
    assert_int_equal(lg_map_add_overlay(g_ctx, m, L, LG_OVERLAY_CONTROL, NULL, "管控线"), LG_OK);
    assert_int_equal(lg_map_render(g_ctx, m, tmp_path(path, sizeof path, "labels.png"), LG_MAP_PNG),
                     LG_OK);
    /* every label is wider than a square (≈ 24 mm of text, squares
     * ≈ 22 mm): the big centre one first, then the long ones that
     * overlap it or each other are left out */
    assert_int_equal(lg_map_labels_placed(m) + lg_map_labels_skipped(m), 9);
    assert_true(lg_map_labels_placed(m) >= 1);
    assert_true(lg_map_labels_skipped(m) >= 1);
    assert_int_equal(lg_map_add_overlay(g_ctx, m, L, LG_OVERLAY_BOUNDARY, "nofield", NULL),
                     LG_ERR_ARG);
    m = lg_map_free(m);
    lg_crs_free(crs);
    lg_layer_close(g_ctx, L);
    grid_free(&gr);
}

/* Chinese is set in Noto Sans CJK, not a fallback face. */
static void test_cjk_font(void **state)
{
    (void)state;
    char fam[256];
    assert_int_equal(lg_map_font_family(g_ctx, "李沧区", fam, sizeof fam), LG_OK);
    if (!strstr(fam, "Noto Sans CJK"))
        print_error("pango set 李沧区 in '%s': is fonts-noto-cjk installed?\n", fam);
    assert_non_null(strstr(fam, "Noto Sans CJK"));
    assert_int_equal(lg_map_font_family(g_ctx, "亩均税收 A/B/C/D 10.5", fam, sizeof fam), LG_OK);
    assert_non_null(strstr(fam, "Noto Sans CJK"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal),          cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_jenks),          cmocka_unit_test(test_class_errors),
        cmocka_unit_test(test_legend_classes), cmocka_unit_test(test_png),
        cmocka_unit_test(test_svg_pdf),        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_cjk_font),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
