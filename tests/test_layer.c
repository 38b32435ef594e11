/* Layers in: reading, CRS and axis order, datum, encodings, NULL/empty/
 * invalid geometry policies, bad input.  Every input is written by the test;
 * expected values are hand-computed on small geometry. */
#include "lg_fixture.h"

#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#define CRS_4549 "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}}"

static lg_layer *open_ok(const char *path, const char *const *opts)
{
    lg_layer *L = lg_layer_open(ctx, path, opts);
    if (!L)
        fail_msg("open %s: %s", path, lg_ctx_errmsg(ctx));
    return L;
}

static double area_of(const lg_layer *L, size_t i)
{
    double a = -1;
    assert_int_equal(GEOSArea_r(lg_ctx_geos(ctx), lg_layer_geom(L, i), &a), 1);
    return a;
}

/* --- reading, attributes, counts ------------------------------------- */

static void test_projected_polygon_with_hole_and_attributes(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("layer_projected");
    /* 1000 m x 2000 m rectangle with a 100 m x 100 m hole: 2,000,000 -
     * 10,000 = 1,990,000 m2. Second feature: a 300 m x 400 m rectangle. */
    const char *path = lg_test_write_file(dir, "parcels.geojson",
        "{\"type\":\"FeatureCollection\"," CRS_4549 ",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"name\":\"振华路街道\",\"tax\":12.5,\"n\":3},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[501000,4000000],"
        "[501000,4002000],[500000,4002000],[500000,4000000]],[[500100,4000100],[500100,4000200],"
        "[500200,4000200],[500200,4000100],[500100,4000100]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"name\":null,\"tax\":null,\"n\":0},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[502000,4000000],[502300,4000000],"
        "[502300,4000400],[502000,4000400],[502000,4000000]]]}}]}");
    lg_layer *L = open_ok(path, NULL);
    assert_string_equal(lg_layer_driver(L), "GeoJSON");
    assert_int_equal(lg_layer_geom_kind(L), LG_GEOM_POLYGON);
    assert_string_equal(lg_crs_id(lg_layer_source_crs(L)), "EPSG:4549");
    assert_int_equal(lg_layer_encoding_source(L), LG_ENC_FORMAT);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    assert_int_equal(lg_layer_size(L), 2);
    assert_double_near(area_of(L, 0), 1990000.0, 1e-6);
    assert_double_near(area_of(L, 1), 120000.0, 1e-6);

    int name = lg_layer_field_index(L, "name"), tax = lg_layer_field_index(L, "TAX"),
        n = lg_layer_field_index(L, "n");
    assert_true(name >= 0 && tax >= 0 && n >= 0);
    assert_int_equal(lg_layer_field_type(L, (size_t)tax), LG_FIELD_REAL);
    assert_string_equal(lg_layer_text(L, 0, (size_t)name), "振华路街道");
    assert_null(lg_layer_text(L, 1, (size_t)name));
    double v = 0;
    assert_true(lg_layer_number(L, 0, (size_t)tax, &v));
    assert_double_near(v, 12.5, 0);
    assert_false(lg_layer_number(L, 1, (size_t)tax, &v)); /* NULL is not zero */
    assert_true(lg_layer_number(L, 1, (size_t)n, &v));     /* zero is zero */
    assert_double_near(v, 0, 0);

    double e[4];
    assert_true(lg_layer_extent(L, e));
    assert_double_near(e[0], 500000, 1e-6);
    assert_double_near(e[3], 4002000, 1e-6);
    double planar, ell;
    assert_int_equal(lg_layer_area(ctx, L, &planar, &ell), LG_OK);
    assert_double_near(planar, 2110000.0, 1e-6);
    /* 4549's scale factor is 1 on CM 120E; these parcels lie ~0-2 km east
     * of it, where the Gauss-Kruger area scale is 1 + (x/R)^2 ~ 1 + 1e-7 */
    assert_double_near(ell / planar, 1.0, 1e-5);
    lg_layer_close(ctx, L);
}

static void test_null_empty_and_z_are_counted(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("layer_null_empty");
    /* a 3-4-5 line with Z values: length 5 m in the plane */
    const char *path = lg_test_write_file(dir, "roads.geojson",
        "{\"type\":\"FeatureCollection\"," CRS_4549 ",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":1},\"geometry\":null},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":2},\"geometry\":{\"type\":\"LineString\","
        "\"coordinates\":[]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":3},\"geometry\":{\"type\":\"LineString\","
        "\"coordinates\":[[500000,4000000,10],[500003,4000004,99]]}}]}");
    lg_layer *L = open_ok(path, NULL);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    const lg_load_stats *s = lg_layer_stats(L);
    assert_int_equal(s->read, 3);
    assert_int_equal(s->null_geom, 1);
    assert_int_equal(s->empty_geom, 1);
    assert_int_equal(s->loaded, 1);
    assert_int_equal(s->dropped_zm, 1);
    assert_int_equal(lg_layer_size(L), 1);
    assert_int_equal(lg_layer_fid(L, 0), 3);
    assert_int_equal(GEOSHasZ_r(lg_ctx_geos(ctx), lg_layer_geom(L, 0)), 0);
    double len = 0;
    GEOSLength_r(lg_ctx_geos(ctx), lg_layer_geom(L, 0), &len);
    assert_double_near(len, 5.0, 1e-9);
    lg_layer_close(ctx, L);
}

/* --- invalid geometry policies ---------------------------------------- */

/* Feature 1: a bow-tie (two triangles of area 1 m2 meeting at (1,1));
 * feature 2: a valid 10 m square; feature 3: an unclosed ring. */
static const char *write_invalid(void)
{
    const char *dir = lg_test_tmpdir("layer_invalid");
    return lg_test_write_file(dir, "bad.geojson",
        "{\"type\":\"FeatureCollection\"," CRS_4549 ",\"features\":["
        "{\"type\":\"Feature\",\"id\":1,\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[500000,4000000],[500002,4000002],[500002,4000000],[500000,4000002],"
        "[500000,4000000]]]}},"
        "{\"type\":\"Feature\",\"id\":2,\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[500100,4000000],[500110,4000000],[500110,4000010],[500100,4000010],"
        "[500100,4000000]]]}},"
        "{\"type\":\"Feature\",\"id\":3,\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[500200,4000000],[500210,4000000],[500210,4000010],[500200,4000010]]]}}"
        "]}");
}

static void test_invalid_stop_names_feature_and_reason(void **state)
{
    (void)state;
    const char *path = write_invalid();
    lg_layer *L = open_ok(path, NULL); /* stop is the default */
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_ERR_GEOMETRY);
    const char *m = lg_ctx_errmsg(ctx);
    assert_non_null(strstr(m, "bad.geojson"));
    assert_non_null(strstr(m, "FID 1"));
    assert_non_null(strstr(m, "Self-intersection"));
    assert_non_null(strstr(m, "fix"));
    lg_layer_close(ctx, L);
}

static void test_invalid_skip_leaves_them_out(void **state)
{
    (void)state;
    const char *opts[] = {"INVALID=skip", NULL};
    lg_layer *L = open_ok(write_invalid(), opts);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    const lg_load_stats *s = lg_layer_stats(L);
    assert_int_equal(s->invalid, 2);
    assert_int_equal(s->skipped_invalid, 2);
    assert_int_equal(lg_layer_size(L), 1);
    assert_int_equal(lg_layer_fid(L, 0), 2);
    assert_int_equal(lg_layer_invalid_fids(L)[0], 1);
    assert_int_equal(lg_layer_invalid_fids(L)[1], 3);
    lg_layer_close(ctx, L);
}

static void test_invalid_fix_makes_valid_polygons(void **state)
{
    (void)state;
    const char *opts[] = {"INVALID=fix", NULL};
    lg_layer *L = open_ok(write_invalid(), opts);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    const lg_load_stats *s = lg_layer_stats(L);
    assert_int_equal(s->invalid, 2);
    assert_int_equal(s->fixed, 2);
    assert_int_equal(lg_layer_size(L), 3);
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(GEOSisValid_r(h, lg_layer_geom(L, i)), 1);
        assert_int_equal(GEOSGeom_getDimensions_r(h, lg_layer_geom(L, i)), 2);
    }
    assert_double_near(area_of(L, 0), 2.0, 1e-9);   /* the two triangles */
    assert_double_near(area_of(L, 2), 100.0, 1e-9); /* the ring, closed */
    lg_layer_close(ctx, L);
}

static void test_invalid_keep_counts_only(void **state)
{
    (void)state;
    const char *opts[] = {"INVALID=keep", NULL};
    lg_layer *L = open_ok(write_invalid(), opts);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    assert_int_equal(lg_layer_stats(L)->invalid, 2);
    assert_int_equal(lg_layer_stats(L)->fixed, 0);
    assert_int_equal(lg_layer_size(L), 3);
    assert_int_equal(GEOSisValid_r(lg_ctx_geos(ctx), lg_layer_geom(L, 0)), 0);
    lg_layer_close(ctx, L);
}

/* --- CRS and axis order ---------------------------------------------- */

/* Gauss-Kruger (transverse Mercator, k0 = 1, CM 120E, false easting
 * 500 km) position of (120.4E, 36.1N) on GRS 1980 from Snyder, Map
 * Projections: A Working Manual, eqs. 3-21, 8-9 and 8-10 (series truncated
 * after A^3, good to centimetres this close to the CM).  Independent of
 * PROJ; a swapped axis lands thousands of km away. */
static void assert_near_qingdao(double x, double y)
{
    const double a = 6378137.0, f = 1 / 298.257222101, e2 = f * (2 - f);
    const double phi = 36.1 * M_PI / 180, s = sin(phi);
    double M = a * ((1 - e2 / 4 - 3 * e2 * e2 / 64 - 5 * e2 * e2 * e2 / 256) * phi -
                    (3 * e2 / 8 + 3 * e2 * e2 / 32 + 45 * e2 * e2 * e2 / 1024) * sin(2 * phi) +
                    (15 * e2 * e2 / 256 + 45 * e2 * e2 * e2 / 1024) * sin(4 * phi) -
                    (35 * e2 * e2 * e2 / 3072) * sin(6 * phi));
    double N = a / sqrt(1 - e2 * s * s), A = 0.4 * M_PI / 180 * cos(phi), T = tan(phi) * tan(phi);
    assert_double_near(x, 500000 + N * (A + (1 - T) * A * A * A / 6), 1.0);
    assert_double_near(y, M + N * tan(phi) * A * A / 2, 1.0);
}

static void point_xy(const lg_layer *L, size_t i, double *x, double *y)
{
    GEOSGeomGetX_r(lg_ctx_geos(ctx), lg_layer_geom(L, i), x);
    GEOSGeomGetY_r(lg_ctx_geos(ctx), lg_layer_geom(L, i), y);
}

/* Write one point (120.4E, 36.1N) with the GDAL API in EPSG:4490 (latitude
 * first in the EPSG registry) to `driver`, the way a user's tools do. */
static const char *write_4490_point(const char *dir, const char *driver, const char *name,
                                    const char *const *dsco)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    GDALDriverH drv = GDALGetDriverByName(driver);
    assert_non_null(drv);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, (char **)dsco);
    assert_non_null(ds);
    OGRSpatialReferenceH sr = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(sr, 4490);
    OSRSetAxisMappingStrategy(sr, OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "pt", sr, wkbPoint, NULL);
    assert_non_null(l);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, 120.4, 36.1); /* x = longitude with traditional order */
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    OSRRelease(sr);
    GDALClose(ds);
    return path;
}

static void test_epsg_4490_lat_first_in_every_format(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("layer_4490");
    /* GML 3.2 with an OGC URN writes latitude first in the file; the
     * shapefile and GeoPackage store longitude first. All must land at the
     * same place. */
    const char *gml_opts[] = {"FORMAT=GML3", "SRSNAME_FORMAT=OGC_URN", NULL};
    const char *sources[3];
    char keep[3][1024];
    snprintf(keep[0], sizeof keep[0], "%s", write_4490_point(dir, "ESRI Shapefile", "pt.shp", NULL));
    snprintf(keep[1], sizeof keep[1], "%s", write_4490_point(dir, "GPKG", "pt.gpkg", NULL));
    snprintf(keep[2], sizeof keep[2], "%s", write_4490_point(dir, "GML", "pt.gml", gml_opts));
    double x0 = 0, y0 = 0;
    for (int k = 0; k < 3; k++) {
        sources[k] = keep[k];
        lg_layer *L = open_ok(sources[k], NULL);
        const lg_crs *src = lg_layer_source_crs(L);
        assert_non_null(src);
        assert_true(lg_crs_is_geographic(src));
        lg_crs *w = lg_layers_working_crs(ctx, &L, 1, NULL);
        assert_non_null(w);
        assert_string_equal(lg_crs_id(w), "EPSG:4549"); /* chosen from 120.4E */
        assert_int_equal(lg_layer_load(ctx, L, w), LG_OK);
        double x, y;
        point_xy(L, 0, &x, &y);
        assert_near_qingdao(x, y);
        if (k == 0) {
            x0 = x, y0 = y;
        } else { /* identical to the millimetre across formats */
            assert_double_near(x, x0, 1e-3);
            assert_double_near(y, y0, 1e-3);
        }
        lg_crs_free(w);
        lg_layer_close(ctx, L);
    }
}

static void test_no_crs_is_an_error_unless_stated(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("layer_nocrs");
    char shp[1024], prj[1024];
    snprintf(shp, sizeof shp, "%s", write_4490_point(dir, "ESRI Shapefile", "pt.shp", NULL));
    snprintf(prj, sizeof prj, "%s/pt.prj", dir);
    assert_int_equal(remove(prj), 0);

    lg_layer *L = open_ok(shp, NULL);
    assert_null(lg_layer_source_crs(L));
    assert_null(lg_layers_working_crs(ctx, &L, 1, NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_CRS);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_ERR_CRS);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "no CRS"));
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "pt.shp"));
    lg_layer_close(ctx, L);

    const char *opts[] = {"SRS=EPSG:4490", NULL};
    L = open_ok(shp, opts);
    assert_true(lg_layer_source_crs_stated(L));
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    double x, y;
    point_xy(L, 0, &x, &y);
    assert_near_qingdao(x, y);
    lg_layer_close(ctx, L);
}

/* --- web-map offsets ------------------------------------------------- */

/* A published pair (googollee/eviltransform test vectors, Beijing):
 * WGS84 (116.377817E, 39.911954N) is GCJ-02 (116.38404722455657E,
 * 39.91334545536069N).  Loading the GCJ-02 point with DATUM=gcj02 must give
 * the same projected point as loading the WGS84 point plainly. */
static void test_gcj02_layer_lands_on_wgs84(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("layer_gcj");
    char wgs[1200], gcj[1200];
    snprintf(wgs, sizeof wgs, "%s", lg_test_write_file(dir, "wgs.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.377817,39.911954]}}]}"));
    snprintf(gcj, sizeof gcj, "%s", lg_test_write_file(dir, "gcj.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
        "\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.38404722455657,"
        "39.91334545536069]}}]}"));
    lg_crs *w = lg_crs_new(ctx, "EPSG:4548");
    const char *opts[] = {"DATUM=gcj02", NULL};
    lg_layer *a = open_ok(wgs, NULL), *b = open_ok(gcj, opts), *c = open_ok(gcj, NULL);
    assert_int_equal(lg_layer_load(ctx, a, w), LG_OK);
    assert_int_equal(lg_layer_load(ctx, b, w), LG_OK);
    assert_int_equal(lg_layer_load(ctx, c, w), LG_OK);
    double xa, ya, xb, yb, xc, yc;
    point_xy(a, 0, &xa, &ya);
    point_xy(b, 0, &xb, &yb);
    point_xy(c, 0, &xc, &yc);
    assert_double_near(xb, xa, 0.01); /* well under a metre: 1 cm */
    assert_double_near(yb, ya, 0.01);
    /* without the option the GCJ-02 point is ~530 m east, ~155 m north */
    assert_true(hypot(xc - xa, yc - ya) > 400);
    lg_layer_close(ctx, a);
    lg_layer_close(ctx, b);
    lg_layer_close(ctx, c);
    lg_crs_free(w);
}

static void test_datum_on_projected_data_is_refused(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("layer_datum_proj");
    const char *path = lg_test_write_file(dir, "p.geojson",
        "{\"type\":\"FeatureCollection\"," CRS_4549 ",\"features\":[]}");
    const char *opts[] = {"DATUM=gcj02", NULL};
    assert_null(lg_layer_open(ctx, path, opts));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "longitude/latitude"));
}

/* --- text encodings -------------------------------------------------- */

/* Write a GBK shapefile with a Chinese field name and value through GDAL
 * (ENCODING=CP936), then set its .cpg and LDID byte as a case needs. */
static const char *write_gbk_shapefile(const char *dir)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/streets.shp", dir);
    GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH sr = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(sr, 4549);
    const char *lco[] = {"ENCODING=CP936", NULL};
    OGRLayerH l = GDALDatasetCreateLayer(ds, "streets", sr, wkbPolygon, (char **)lco);
    assert_non_null(l);
    OGRFieldDefnH fd = OGR_Fld_Create("名称", OFTString);
    OGR_Fld_SetWidth(fd, 40);
    assert_int_equal(OGR_L_CreateField(l, fd, 1), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 0, "李沧区");
    OGRGeometryH g = NULL;
    char *wkt = "POLYGON ((500000 4000000,500010 4000000,500010 4000010,500000 4000000))";
    OGR_G_CreateFromWkt(&wkt, sr, &g);
    OGR_F_SetGeometryDirectly(f, g);
    assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
    OGR_F_Destroy(f);
    OSRRelease(sr);
    GDALClose(ds);
    return path;
}

static void set_dbf_ldid(const char *dir, unsigned char ldid)
{
    char dbf[1100];
    snprintf(dbf, sizeof dbf, "%s/streets.dbf", dir);
    FILE *f = fopen(dbf, "r+b");
    assert_non_null(f);
    fseek(f, 29, SEEK_SET);
    fputc(ldid, f);
    fclose(f);
}

static void remove_cpg(const char *dir)
{
    char cpg[1100];
    snprintf(cpg, sizeof cpg, "%s/streets.cpg", dir);
    remove(cpg);
}

/* The GBK bytes of 李沧区, checked with `printf 李沧区 | iconv -t GBK | xxd`. */
static const unsigned char LICANG_GBK[] = {0xC0, 0xEE, 0xB2, 0xD7, 0xC7, 0xF8};

static void test_gbk_bytes_really_on_disk(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir("layer_gbk_disk"));
    write_gbk_shapefile(dir);
    char dbf[1100];
    snprintf(dbf, sizeof dbf, "%s/streets.dbf", dir);
    FILE *f = fopen(dbf, "rb");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    int found = 0;
    for (size_t i = 0; i + sizeof LICANG_GBK <= n; i++)
        found |= !memcmp(buf + i, LICANG_GBK, sizeof LICANG_GBK);
    assert_true(found);
}

static void expect_gbk_layer(const char *path, const char *const *opts, lg_encoding_source src)
{
    lg_layer *L = open_ok(path, opts);
    assert_string_equal(lg_layer_encoding(L), "GBK");
    assert_int_equal(lg_layer_encoding_source(L), src);
    assert_string_equal(lg_layer_field_name(L, 0), "名称");
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    assert_string_equal(lg_layer_text(L, 0, 0), "李沧区");
    lg_layer_close(ctx, L);
}

static void test_gbk_from_cpg_ldid_guess_and_override(void **state)
{
    (void)state;
    char dir[1024], shp[1100];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir("layer_gbk"));
    snprintf(shp, sizeof shp, "%s", write_gbk_shapefile(dir));

    expect_gbk_layer(shp, NULL, LG_ENC_CPG); /* GDAL wrote a .cpg */

    remove_cpg(dir);
    set_dbf_ldid(dir, 0x4D); /* LDID 0x4D = code page 936 */
    expect_gbk_layer(shp, NULL, LG_ENC_LDID);

    set_dbf_ldid(dir, 0x00); /* nothing declared: guessed, loudly */
    size_t warnings = lg_ctx_warning_count(ctx);
    expect_gbk_layer(shp, NULL, LG_ENC_GUESSED);
    assert_true(lg_ctx_warning_count(ctx) > warnings);
    assert_non_null(strstr(lg_ctx_last_warning(ctx), "guessed"));

    const char *gbk[] = {"ENCODING=cp936", NULL};
    expect_gbk_layer(shp, gbk, LG_ENC_OVERRIDE);
}

static void test_wrong_encoding_is_an_error_not_mojibake(void **state)
{
    (void)state;
    char dir[1024], shp[1100];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir("layer_gbk_wrong"));
    snprintf(shp, sizeof shp, "%s", write_gbk_shapefile(dir));
    /* The field name 名称 is GBK too and fails first, at open. */
    const char *utf8[] = {"ENCODING=UTF-8", NULL};
    assert_null(lg_layer_open(ctx, shp, utf8));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ENCODING);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "streets.shp"));
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "UTF-8"));

    /* Lossy reading replaces the bad bytes, counts them and warns. */
    const char *lossy[] = {"ENCODING=UTF-8", "TEXT=lossy", NULL};
    lg_layer *L = open_ok(shp, lossy);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    assert_non_null(strstr(lg_layer_text(L, 0, 0), "\xEF\xBF\xBD")); /* U+FFFD */
    assert_true(lg_layer_stats(L)->text_replaced > 0);
    lg_layer_close(ctx, L);
}

static void test_bad_value_names_feature_and_field(void **state)
{
    (void)state;
    char dir[1024], shp[1100];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir("layer_gbk_value"));
    snprintf(shp, sizeof shp, "%s", write_gbk_shapefile(dir));
    /* Corrupt the value's last byte in the file: C7 FF is not GBK. */
    char dbf[1100];
    snprintf(dbf, sizeof dbf, "%s/streets.dbf", dir);
    FILE *f = fopen(dbf, "r+b");
    assert_non_null(f);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    size_t at = 0;
    for (size_t i = 0; i + sizeof LICANG_GBK <= n; i++)
        if (!memcmp(buf + i, LICANG_GBK, sizeof LICANG_GBK))
            at = i;
    assert_true(at > 0);
    fseek(f, (long)(at + 5), SEEK_SET);
    fputc(0xFF, f); /* 0xC7 0xFF is not GBK */
    fclose(f);
    lg_layer *L = open_ok(shp, NULL);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_ERR_ENCODING);
    const char *m = lg_ctx_errmsg(ctx);
    assert_non_null(strstr(m, "FID 0"));
    assert_non_null(strstr(m, "名称"));
    assert_non_null(strstr(m, "GBK"));
    lg_layer_close(ctx, L);
}

/* A GBK shapefile is read without GDAL's recoding, so a Chinese literal and
 * a Chinese field name in WHERE must be matched in GBK, not silently miss. */
static void test_where_with_chinese_on_gbk_shapefile(void **state)
{
    (void)state;
    char dir[1024], shp[1100];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir("layer_gbk_where"));
    snprintf(shp, sizeof shp, "%s", write_gbk_shapefile(dir));
    const char *hit[] = {"WHERE=\"名称\" = '李沧区'", NULL};
    lg_layer *L = open_ok(shp, hit);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    assert_int_equal(lg_layer_size(L), 1);
    lg_layer_close(ctx, L);
    const char *miss[] = {"WHERE=\"名称\" = '城阳区'", NULL};
    L = open_ok(shp, miss);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    assert_int_equal(lg_layer_size(L), 0);
    lg_layer_close(ctx, L);
    /* a character GBK cannot hold (U+1F600) is an error, not a silent miss */
    const char *emoji[] = {"WHERE=\"名称\" = '\xF0\x9F\x98\x80'", NULL};
    assert_null(lg_layer_open(ctx, shp, emoji));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "GBK"));
}

/* --- bad input ------------------------------------------------------- */

static void test_bad_options_and_sources(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("layer_bad");
    const char *path = lg_test_write_file(dir, "p.geojson",
        "{\"type\":\"FeatureCollection\"," CRS_4549 ",\"features\":[]}");
    char p[1200];
    snprintf(p, sizeof p, "%s", path);

    const char *unknown[] = {"FOO=1", NULL};
    assert_null(lg_layer_open(ctx, p, unknown));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "FOO=1"));

    const char *policy[] = {"INVALID=maybe", NULL};
    assert_null(lg_layer_open(ctx, p, policy));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);

    const char *datum[] = {"DATUM=wgs72", NULL};
    assert_null(lg_layer_open(ctx, p, datum));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);

    const char *layer[] = {"LAYER=nope", NULL};
    assert_null(lg_layer_open(ctx, p, layer));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "nope"));

    const char *where[] = {"WHERE=no_such_field = 3", NULL};
    assert_null(lg_layer_open(ctx, p, where));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);

    const char *enc[] = {"ENCODING=klingon", NULL};
    assert_null(lg_layer_open(ctx, p, enc));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);

    char missing[1100];
    snprintf(missing, sizeof missing, "%s/missing.shp", dir);
    assert_null(lg_layer_open(ctx, missing, NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_IO);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "missing.shp"));

    char junk[1200];
    snprintf(junk, sizeof junk, "%s", lg_test_write_file(dir, "junk.geojson", "{ this is not json"));
    assert_null(lg_layer_open(ctx, junk, NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_IO);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "junk.geojson"));
}

/* Reading never modifies an input: every file keeps its bytes. */
static void test_inputs_are_not_modified(void **state)
{
    (void)state;
    char dir[1024], shp[1100];
    snprintf(dir, sizeof dir, "%s", lg_test_tmpdir("layer_readonly"));
    snprintf(shp, sizeof shp, "%s", write_gbk_shapefile(dir));
    remove_cpg(dir);
    set_dbf_ldid(dir, 0); /* the guess path reads the DBF twice */
    const char *ext[] = {"shp", "shx", "dbf", "prj"};
    struct stat before[4], after[4];
    char f[1200];
    for (int i = 0; i < 4; i++) {
        snprintf(f, sizeof f, "%s/streets.%s", dir, ext[i]);
        assert_int_equal(stat(f, &before[i]), 0);
    }
    const char *opts[] = {"INVALID=fix", NULL};
    lg_layer *L = open_ok(shp, opts);
    assert_int_equal(lg_layer_load(ctx, L, w4549), LG_OK);
    lg_layer_close(ctx, L);
    for (int i = 0; i < 4; i++) {
        snprintf(f, sizeof f, "%s/streets.%s", dir, ext[i]);
        assert_int_equal(stat(f, &after[i]), 0);
        assert_int_equal(after[i].st_size, before[i].st_size);
        assert_int_equal(after[i].st_mtime, before[i].st_mtime);
    }
    snprintf(f, sizeof f, "%s/streets.cpg", dir);
    assert_int_not_equal(access(f, F_OK), 0); /* no .cpg created */

    /* GDAL's GML reader writes a .gfs beside a GML it reads, unless told
     * not to: reading must leave the folder as it was. */
    const char *gml_opts[] = {"FORMAT=GML3", NULL};
    char gml[1100];
    snprintf(gml, sizeof gml, "%s", write_4490_point(dir, "GML", "pt.gml", gml_opts));
    snprintf(f, sizeof f, "%s/pt.gfs", dir);
    remove(f); /* the writer may leave one: only the reader is under test */
    L = open_ok(gml, NULL);
    lg_crs *w = lg_layers_working_crs(ctx, &L, 1, NULL);
    assert_int_equal(lg_layer_load(ctx, L, w), LG_OK);
    lg_crs_free(w);
    lg_layer_close(ctx, L);
    assert_int_not_equal(access(f, F_OK), 0);
}

static void test_multi_layer_source(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("layer_multi");
    char path[1024];
    snprintf(path, sizeof path, "%s/two.gpkg", dir);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    OGRSpatialReferenceH sr = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(sr, 4549);
    GDALDatasetCreateLayer(ds, "districts", sr, wkbPolygon, NULL);
    GDALDatasetCreateLayer(ds, "streets", sr, wkbPolygon, NULL);
    OSRRelease(sr);
    GDALClose(ds);

    char **names = NULL;
    size_t n = 0;
    assert_int_equal(lg_source_layers(ctx, path, &names, &n), LG_OK);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "districts");
    assert_string_equal(names[1], "streets");
    assert_null(names[2]);
    lg_strings_free(names);

    size_t w = lg_ctx_warning_count(ctx);
    lg_layer *L = open_ok(path, NULL);
    assert_string_equal(lg_layer_name(L), "districts");
    assert_int_equal(lg_ctx_warning_count(ctx), w + 1); /* told which one it used */
    lg_layer_close(ctx, L);
    const char *opts[] = {"LAYER=streets", NULL};
    L = open_ok(path, opts);
    assert_string_equal(lg_layer_name(L), "streets");
    lg_layer_close(ctx, L);
}

/* Loading several layers on two threads gives what loading them one by one
 * gives, and a failure reports the first failing layer in the given order. */
static void test_layers_load_in_parallel(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("layer_parallel");
    char a[1200], b[1200], c[1200];
    /* 3000 points, a 3-4-5 line, and a 1000 m x 1000 m square */
    size_t cap = 3000 * 120 + 256, n = 0;
    char *pts = malloc(cap);
    assert_non_null(pts);
    n += (size_t)snprintf(pts + n, cap - n, HEAD);
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(pts + n, cap - n,
                              "%s{\"type\":\"Feature\",\"properties\":{\"i\":%d},\"geometry\":"
                              "{\"type\":\"Point\",\"coordinates\":[%d,%d]}}",
                              i ? "," : "", i, X0 + i, Y0 + 2 * i);
    snprintf(pts + n, cap - n, "]}");
    snprintf(a, sizeof a, "%s", lg_test_write_file(dir, "pts.geojson", pts));
    free(pts);
    snprintf(b, sizeof b, "%s", lg_test_write_file(dir, "line.geojson",
        HEAD "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"LineString\","
        "\"coordinates\":[[500000,4000000],[500003,4000004]]}}]}"));
    snprintf(c, sizeof c, "%s", lg_test_write_file(dir, "sq.geojson",
        HEAD "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
        "\"coordinates\":[[[500000,4000000],[501000,4000000],[501000,4001000],[500000,4001000],"
        "[500000,4000000]]]}}]}"));
    lg_ctx_set_threads(ctx, 2);
    lg_layer *L[3] = {open_ok(a, NULL), open_ok(b, NULL), open_ok(c, NULL)};
    assert_int_equal(lg_layers_load(ctx, L, 3, w4549), LG_OK);
    assert_int_equal(lg_layer_size(L[0]), 3000);
    double x = 0, y = 0, len = 0, area = 0;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    GEOSGeomGetX_r(h, lg_layer_geom(L[0], 2999), &x);
    GEOSGeomGetY_r(h, lg_layer_geom(L[0], 2999), &y);
    assert_double_near(x, X0 + 2999, 0);
    assert_double_near(y, Y0 + 5998, 0);
    GEOSLength_r(h, lg_layer_geom(L[1], 0), &len);
    assert_double_near(len, 5.0, 1e-12);
    GEOSArea_r(h, lg_layer_geom(L[2], 0), &area);
    assert_double_near(area, 1e6, 1e-6);
    /* the CRS objects are usable from this thread afterwards */
    assert_string_equal(lg_crs_id(lg_layer_crs(L[2])), "EPSG:4549");
    assert_int_equal(lg_layer_area(ctx, L[2], &area, NULL), LG_OK);
    for (int i = 0; i < 3; i++)
        lg_layer_close(ctx, L[i]);

    /* the invalid layer fails (policy stop): its message, not another's */
    char bad[1200];
    snprintf(bad, sizeof bad, "%s", write_invalid());
    lg_layer *M[3] = {open_ok(a, NULL), open_ok(bad, NULL), open_ok(c, NULL)};
    assert_int_equal(lg_layers_load(ctx, M, 3, w4549), LG_ERR_GEOMETRY);
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "bad.geojson"));
    for (int i = 0; i < 3; i++)
        lg_layer_close(ctx, M[i]);
    lg_ctx_set_threads(ctx, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_projected_polygon_with_hole_and_attributes),
        cmocka_unit_test(test_null_empty_and_z_are_counted),
        cmocka_unit_test(test_invalid_stop_names_feature_and_reason),
        cmocka_unit_test(test_invalid_skip_leaves_them_out),
        cmocka_unit_test(test_invalid_fix_makes_valid_polygons),
        cmocka_unit_test(test_invalid_keep_counts_only),
        cmocka_unit_test(test_epsg_4490_lat_first_in_every_format),
        cmocka_unit_test(test_no_crs_is_an_error_unless_stated),
        cmocka_unit_test(test_gcj02_layer_lands_on_wgs84),
        cmocka_unit_test(test_datum_on_projected_data_is_refused),
        cmocka_unit_test(test_gbk_bytes_really_on_disk),
        cmocka_unit_test(test_gbk_from_cpg_ldid_guess_and_override),
        cmocka_unit_test(test_wrong_encoding_is_an_error_not_mojibake),
        cmocka_unit_test(test_bad_value_names_feature_and_field),
        cmocka_unit_test(test_where_with_chinese_on_gbk_shapefile),
        cmocka_unit_test(test_bad_options_and_sources),
        cmocka_unit_test(test_inputs_are_not_modified),
        cmocka_unit_test(test_multi_layer_source),
        cmocka_unit_test(test_layers_load_in_parallel),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_4549, lg_test_teardown_ctx);
}
