/* Big shapefiles are read in chunks, one per thread (layer.c): the result
 * must be the layer read in one pass by one thread — the same features in
 * the same order, the same geometries, attributes and counts — and a
 * failure must name the first bad feature in file order. */
#include "lg_fixture.h"

#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

#define N 45000 /* above the chunking threshold (40,000 features) */

/* A shapefile of N unit squares in a row (FID i at x = X0 + 2i), with
 * fields id (integer), name (text, NULL for every 7th) and val (real);
 * the features whose FID is in `bowties` get a self-crossing ring. */
static void write_squares(const char *path, const long *bowties, size_t nb)
{
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4549);
    char *lco[] = {"ENCODING=UTF-8", NULL}; /* GDAL writes the .cpg */
    OGRLayerH L = GDALDatasetCreateLayer(ds, "squares", srs, wkbPolygon, lco);
    assert_non_null(L);
    OGRFieldDefnH f1 = OGR_Fld_Create("id", OFTInteger), f2 = OGR_Fld_Create("name", OFTString),
                  f3 = OGR_Fld_Create("val", OFTReal);
    assert_int_equal(OGR_L_CreateField(L, f1, TRUE), OGRERR_NONE);
    assert_int_equal(OGR_L_CreateField(L, f2, TRUE), OGRERR_NONE);
    assert_int_equal(OGR_L_CreateField(L, f3, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(f1), OGR_Fld_Destroy(f2), OGR_Fld_Destroy(f3);
    GDALDatasetStartTransaction(ds, TRUE);
    for (long i = 0; i < N; i++) {
        int bow = 0;
        for (size_t k = 0; k < nb; k++)
            bow |= bowties[k] == i;
        double x = X0 + 2.0 * (double)i, y = Y0;
        char wkt[256];
        if (bow)
            snprintf(wkt, sizeof wkt, "POLYGON((%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f))",
                     x, y, x + 1, y + 1, x + 1, y, x, y + 1, x, y);
        else
            snprintf(wkt, sizeof wkt, "POLYGON((%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f))",
                     x, y, x + 1, y, x + 1, y + 1, x, y + 1, x, y);
        OGRFeatureH F = OGR_F_Create(OGR_L_GetLayerDefn(L));
        OGR_F_SetFieldInteger(F, 0, (int)i);
        if (i % 7) {
            char name[32];
            snprintf(name, sizeof name, "地块%ld", i);
            OGR_F_SetFieldString(F, 1, name);
        }
        OGR_F_SetFieldDouble(F, 2, (double)i * 0.5);
        char *w = wkt;
        OGRGeometryH g = NULL;
        assert_int_equal(OGR_G_CreateFromWkt(&w, srs, &g), OGRERR_NONE);
        OGR_F_SetGeometryDirectly(F, g);
        assert_int_equal(OGR_L_CreateFeature(L, F), OGRERR_NONE);
        OGR_F_Destroy(F);
    }
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);
    OSRDestroySpatialReference(srs);
}

static lg_layer *load(const char *path, int threads, const char *invalid, lg_status *st)
{
    char opt[64];
    snprintf(opt, sizeof opt, "INVALID=%s", invalid);
    const char *opts[] = {opt, NULL};
    lg_layer *L = lg_layer_open(ctx, path, opts);
    assert_non_null(L);
    lg_ctx_set_threads(ctx, threads);
    lg_layer *one[] = {L};
    *st = lg_layers_load(ctx, one, 1, w4549);
    return L;
}

static void same_layer(const lg_layer *a, const lg_layer *b)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    assert_int_equal(lg_layer_size(a), lg_layer_size(b));
    assert_memory_equal(lg_layer_stats(a), lg_layer_stats(b), sizeof(lg_load_stats));
    double ea[4], eb[4];
    assert_true(lg_layer_extent(a, ea) && lg_layer_extent(b, eb));
    assert_memory_equal(ea, eb, sizeof ea);
    for (size_t i = 0; i < lg_layer_size(a); i++) {
        assert_int_equal(lg_layer_fid(a, i), lg_layer_fid(b, i));
        assert_int_equal(GEOSEqualsExact_r(h, lg_layer_geom(a, i), lg_layer_geom(b, i), 0), 1);
        for (size_t f = 0; f < lg_layer_field_count(a); f++) {
            const char *ta = lg_layer_text(a, i, f), *tb = lg_layer_text(b, i, f);
            assert_true((!ta && !tb) || (ta && tb && !strcmp(ta, tb)));
            double x = 0, y = 0;
            assert_int_equal(lg_layer_number(a, i, f, &x), lg_layer_number(b, i, f, &y));
            assert_true(x == y);
        }
    }
}

static void test_chunks_equal_one_pass(void **state)
{
    (void)state;
    char path[1000];
    const char *dir = lg_test_tmpdir("load_chunks_equal");
    snprintf(path, sizeof path, "%s/squares.shp", dir);
    long bow[] = {12345, 30001}; /* repaired under fix: counted in both chunks' stats */
    write_squares(path, bow, 2);
    lg_status s1, s2;
    lg_layer *one = load(path, 1, "fix", &s1), *two = load(path, 2, "fix", &s2);
    assert_int_equal(s1, LG_OK);
    assert_int_equal(s2, LG_OK);
    assert_int_equal(lg_layer_size(one), N);
    assert_int_equal(lg_layer_stats(two)->fixed, 2);
    assert_int_equal(lg_layer_invalid_fids(two)[0], 12345);
    assert_int_equal(lg_layer_invalid_fids(two)[1], 30001);
    same_layer(one, two);
    /* spot checks against what was written */
    size_t k = 22501; /* in the second chunk */
    assert_int_equal(lg_layer_fid(two, k), (long long)k);
    double v;
    assert_true(lg_layer_number(two, k, 2, &v));
    assert_true(v == 0.5 * (double)k);
    assert_string_equal(lg_layer_text(two, k, 1), "地块22501");
    assert_null(lg_layer_text(two, 22505, 1)); /* 22505 = 7 × 3215: NULL */
    lg_layer_close(ctx, one);
    lg_layer_close(ctx, two);
}

static void test_first_failure_in_file_order(void **state)
{
    (void)state;
    char path[1000];
    const char *dir = lg_test_tmpdir("load_chunks_fail");
    snprintf(path, sizeof path, "%s/squares.shp", dir);
    /* one bad feature in each chunk: the error names the first, 10000 */
    long bow[] = {10000, 40000};
    write_squares(path, bow, 2);
    lg_status st;
    lg_layer *L = load(path, 2, "stop", &st);
    assert_int_equal(st, LG_ERR_GEOMETRY);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "FID 10000"));
    lg_layer_close(ctx, L);
    /* only the second chunk's: named all the same */
    long bow2[] = {40000};
    write_squares(path, bow2, 1);
    L = load(path, 2, "stop", &st);
    assert_int_equal(st, LG_ERR_GEOMETRY);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "FID 40000"));
    lg_layer_close(ctx, L);
}

/* A view keeps the chosen features in order, shares their geometry, and
 * closes without touching its base (ASan checks the ownership). */
static void test_view(void **state)
{
    (void)state;
    char path[1000];
    const char *dir = lg_test_tmpdir("load_view");
    snprintf(path, sizeof path, "%s/squares.shp", dir);
    write_squares(path, NULL, 0);
    lg_status st;
    lg_layer *base = load(path, 2, "stop", &st);
    assert_int_equal(st, LG_OK);
    unsigned char *keep = calloc(N, 1);
    assert_non_null(keep);
    for (size_t i = 1000; i < 3000; i += 2) /* 1000 features, x from X0+2002 */
        keep[i + 1] = 1;
    lg_layer *v = lg_layer_view(ctx, base, keep, "odd ids from 1001");
    free(keep);
    assert_non_null(v);
    assert_int_equal(lg_layer_size(v), 1000);
    assert_int_equal(lg_layer_fid(v, 0), 1001);
    assert_int_equal(lg_layer_fid(v, 999), 2999);
    assert_ptr_equal(lg_layer_geom(v, 0), lg_layer_geom(base, 1001));
    assert_string_equal(lg_layer_text(v, 1, 1), "地块1003");
    double e[4];
    assert_true(lg_layer_extent(v, e));
    assert_true(e[0] == X0 + 2002.0 && e[2] == X0 + 5999.0 && e[1] == Y0 && e[3] == Y0 + 1.0);
    lg_layer_close(ctx, v);
    assert_int_equal(lg_layer_size(base), N); /* untouched */
    lg_layer_close(ctx, base);
}


/* A table (a DBF alone, no geometry column) loads its rows, attributes
 * only: lg_layer_geom is NULL, there is no extent, and a kernel refuses it
 * with a message that says why. */
static void test_table(void **state)
{
    (void)state;
    char path[1000];
    const char *dir = lg_test_tmpdir("load_table");
    snprintf(path, sizeof path, "%s/register.dbf", dir);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("ESRI Shapefile"), path, 0, 0, 0,
                                 GDT_Unknown, NULL);
    assert_non_null(ds);
    char *lco[] = {"ENCODING=UTF-8", NULL};
    OGRLayerH T = GDALDatasetCreateLayer(ds, "register", NULL, wkbNone, lco);
    assert_non_null(T);
    OGRFieldDefnH fd = OGR_Fld_Create("tax", OFTReal);
    assert_int_equal(OGR_L_CreateField(T, fd, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    for (int i = 0; i < 3; i++) {
        OGRFeatureH F = OGR_F_Create(OGR_L_GetLayerDefn(T));
        OGR_F_SetFieldDouble(F, 0, 10.0 * (i + 1));
        assert_int_equal(OGR_L_CreateFeature(T, F), OGRERR_NONE);
        OGR_F_Destroy(F);
    }
    GDALClose(ds);
    lg_status st;
    lg_layer *L = load(path, 1, "stop", &st);
    assert_int_equal(st, LG_OK);
    assert_int_equal(lg_layer_geom_kind(L), LG_GEOM_NONE);
    assert_int_equal(lg_layer_size(L), 3);
    assert_null(lg_layer_geom(L, 0));
    double v, e[4];
    assert_true(lg_layer_number(L, 2, 0, &v) && v == 30.0);
    assert_false(lg_layer_extent(L, e));
    /* zones: one square; counting the table's rows is refused */
    char zp[1000];
    snprintf(zp, sizeof zp, "%s/zone.geojson", dir);
    FILE *f = fopen(zp, "w");
    assert_non_null(f);
    fprintf(f, HEAD "{\"type\":\"Feature\",\"properties\":{\"code\":\"A\"},\"geometry\":"
               "{\"type\":\"Polygon\",\"coordinates\":[[[%d,%d],[%d,%d],[%d,%d],[%d,%d],[%d,%d]]]}}]}",
            X0, Y0, X0 + 10, Y0, X0 + 10, Y0 + 10, X0, Y0 + 10, X0, Y0);
    fclose(f);
    lg_layer *Z = load(zp, 1, "stop", &st);
    assert_int_equal(st, LG_OK);
    lg_zones *zs = lg_zones_new(ctx, Z, "code", NULL);
    assert_non_null(zs);
    assert_null(lg_count(ctx, zs, L, NULL));
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "table without geometry"));
    lg_zones_free(ctx, zs);
    lg_layer_close(ctx, Z);
    lg_layer_close(ctx, L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunks_equal_one_pass),
        cmocka_unit_test(test_first_failure_in_file_order),
        cmocka_unit_test(test_view),
        cmocka_unit_test(test_table),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_4549, lg_test_teardown_ctx);
}
