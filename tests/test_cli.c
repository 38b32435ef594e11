/*
 * test_cli: the geoplan command line, run as a separate process.
 *
 * Every test makes its own small input in a scratch directory (GeoJSON
 * written by hand; shapefiles and GeoPackages made from it with GDAL's
 * ogr2ogr library call GDALVectorTranslate, in this process), runs the
 * built geoplan (GEOPLAN_BIN) with stdout and stderr captured separately,
 * and checks the exit status, the messages and the `--format json` output.
 *
 * Expected numbers never come from libgeo: they are hand computed on the
 * small geometry, taken from an official definition (EPSG zone tables, the
 * GCJ-02 formula, published areas), or computed here with a closed formula
 * that shares no code with libgeo.  Each says where it comes from.
 *
 * The real-data tests skip without ../shared/data; the PostGIS test skips
 * unless LIBGEO_TEST_PG holds a libpq connection string (see
 * tests/pg/start.sh).
 */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define LG_CLI_TEST_NAME "test_cli"
#define LG_CLI_DIR_PREFIX "cli_"
#include "lg_cli_run.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <json-c/json.h>
#include <ogr_srs_api.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------------ */
/* Making inputs                                                       */
/* ------------------------------------------------------------------ */

/* GDALVectorTranslate (the library side of ogr2ogr): dst from src, with
 * ogr2ogr's command-line options (NULL-terminated list). */
static void translate(const char *dst, const char *src, const char *const *opts)
{
    char **argv = NULL;
    for (size_t i = 0; opts && opts[i]; i++)
        argv = CSLAddString(argv, opts[i]);
    GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(argv, NULL);
    assert_non_null(o);
    GDALDatasetH in = GDALOpenEx(src, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(in);
    int usage_error = 0;
    GDALDatasetH out = GDALVectorTranslate(dst, NULL, 1, &in, o, &usage_error);
    if (!out)
        print_error("GDALVectorTranslate %s -> %s: %s\n", src, dst, CPLGetLastErrorMsg());
    assert_non_null(out);
    assert_int_equal(usage_error, 0);
    GDALClose(out);
    GDALClose(in);
    GDALVectorTranslateOptionsFree(o);
    CSLDestroy(argv);
}

/* Set the DBF header's language driver id (byte 29). */
static void set_dbf_ldid(const char *dbf, unsigned char ldid)
{
    FILE *f = fopen(dbf, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 29, SEEK_SET), 0);
    assert_int_equal(fputc(ldid, f), ldid);
    assert_int_equal(fclose(f), 0);
}

/* memmem is a GNU extension. */
static int has_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (!memcmp(hay + i, needle, m))
            return 1;
    return 0;
}

/* Two rectangles in EPSG:4549 (CGCS2000 / 3-degree GK CM 120E, x = east):
 * A1 1000 m x 2000 m = 2,000,000 m2 and A2 500 m x 400 m = 200,000 m2, so
 * 2,200,000 m2 in all (hand computed).  The old-style GeoJSON "crs" member
 * names the CRS (GDAL reads it; its axis order is ignored for GeoJSON). */
static const char RECT2_4549[] =
    "{\"type\":\"FeatureCollection\",\n"
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\n"
    "\"features\":[\n"
    "{\"type\":\"Feature\",\"id\":0,\"properties\":{\"code\":\"A1\",\"far\":1.5},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[501000,4000000],"
    "[501000,4002000],[500000,4002000],[500000,4000000]]]}},\n"
    "{\"type\":\"Feature\",\"id\":1,\"properties\":{\"code\":\"A2\",\"far\":2.0},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[502000,4000000],[502500,4000000],"
    "[502500,4000400],[502000,4000400],[502000,4000000]]]}}\n"
    "]}\n";

#define RECT2_AREA 2200000.0 /* 1000*2000 + 500*400 */

/* The same two rectangles named in Chinese (UTF-8 here), for GBK tests. */
static const char RECT2_CN_4549[] =
    "{\"type\":\"FeatureCollection\",\n"
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\n"
    "\"features\":[\n"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"李沧区\",\"code\":1},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[501000,4000000],"
    "[501000,4002000],[500000,4002000],[500000,4000000]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"name\":\"崂山区\",\"code\":2},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[502000,4000000],[502500,4000000],"
    "[502500,4000400],[502000,4000400],[502000,4000000]]]}}\n"
    "]}\n";

/* 李沧区 in GBK: `printf 李沧区 | iconv -f UTF-8 -t GBK | xxd` gives
 * c0ee b2d7 c7f8; in UTF-8 it is e6 9d 8e e6 b2 a7 e5 8c ba. */
static const char LICANG_GBK[] = "\xC0\xEE\xB2\xD7\xC7\xF8";
static const char LICANG_UTF8[] = "\xE6\x9D\x8E\xE6\xB2\xA7\xE5\x8C\xBA";

/* A GeoJSON FeatureCollection of one lon/lat box (no "crs": GeoJSON is
 * WGS84 lon/lat by definition, RFC 7946). */
static void write_lonlat_box(const char *path, double lon0, double lat0, double dlon, double dlat)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
             "\"properties\":{\"name\":\"box\"},\"geometry\":{\"type\":\"Polygon\","
             "\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}}]}\n",
             lon0, lat0, lon0 + dlon, lat0, lon0 + dlon, lat0 + dlat, lon0, lat0 + dlat, lon0,
             lat0);
    write_text(path, text);
}

/* A shapefile `shp` in EPSG:4490 (CGCS2000 lon/lat) from a GeoJSON. */
static void make_4490_shp(const char *shp, const char *geojson)
{
    const char *opts[] = {"-f", "ESRI Shapefile", "-a_srs", "EPSG:4490", NULL};
    translate(shp, geojson, opts);
}

/* The GBK shapefile dir/gbk.shp (with gbk.cpg saying CP936), made by
 * GDAL's shapefile driver recoding the UTF-8 names to CP936. */
static void make_gbk_shp(const char *dir)
{
    char src[1200], shp[1200];
    write_text(path_in(src, sizeof src, dir, "src.geojson"), RECT2_CN_4549);
    const char *opts[] = {"-f", "ESRI Shapefile", "-lco", "ENCODING=CP936", NULL};
    translate(path_in(shp, sizeof shp, dir, "gbk.shp"), src, opts);
}

/* ------------------------------------------------------------------ */
/* Independent reference formulas                                     */
/* ------------------------------------------------------------------ */

/* Area in m2 of the box [lon1, lon2] x [lat1, lat2] (degrees) on the
 * CGCS2000 ellipsoid (a = 6378137, 1/f = 298.257222101), by the closed
 * authalic-latitude formula (Snyder, Map Projections: A Working Manual,
 * eq. 3-12):  A = (lon2 - lon1) b^2 / 2 [q(lat2) - q(lat1)],
 *   q(p) = sin p / (1 - e^2 sin^2 p) + 1/(2e) ln((1 + e sin p) / (1 - e sin p)).
 * Its east-west edges follow parallels where a geodesic polygon's edges bow
 * slightly poleward: for a 1 km box the two edges' differences cancel to
 * well under 1e-5 of the area. */
static double ellipsoid_box_area(double lon1, double lat1, double lon2, double lat2)
{
    const double a = 6378137.0, f = 1 / 298.257222101;
    const double e2 = f * (2 - f), e = sqrt(e2), b = a * (1 - f);
    double q[2];
    const double lat[2] = {lat1 * M_PI / 180, lat2 * M_PI / 180};
    for (int i = 0; i < 2; i++) {
        double s = sin(lat[i]);
        q[i] = s / (1 - e2 * s * s) + 1 / (2 * e) * log((1 + e * s) / (1 - e * s));
    }
    return (lon2 - lon1) * M_PI / 180 * b * b / 2 * (q[1] - q[0]);
}

/* The GCJ-02 offset (degrees) at a WGS84 lon/lat, by the published
 * formula (the widely used open-source form, e.g. eviltransform / coordtransform:
 * Krasovsky a = 6378245, e^2 = 0.00669342162296594323).  GCJ = WGS + d. */
static double gcj_tlat(double x, double y)
{
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
    return r;
}

static double gcj_tlon(double x, double y)
{
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
    return r;
}

static void gcj_offset(double lon, double lat, double *dlon, double *dlat)
{
    const double A = 6378245.0, EE = 0.00669342162296594323;
    double y = gcj_tlat(lon - 105.0, lat - 35.0);
    double x = gcj_tlon(lon - 105.0, lat - 35.0);
    double rad = lat / 180.0 * M_PI;
    double m = sin(rad);
    m = 1 - EE * m * m;
    double sm = sqrt(m);
    *dlat = (y * 180.0) / ((A * (1 - EE)) / (m * sm) * M_PI);
    *dlon = (x * 180.0) / (A / sm * cos(rad) * M_PI);
}

/* Metres per degree of longitude and latitude at `lat` on the GRS80 /
 * CGCS2000 ellipsoid (radius of the parallel, meridian radius). */
static void metres_per_degree(double lat, double *mx, double *my)
{
    const double a = 6378137.0, f = 1 / 298.257222101, e2 = f * (2 - f);
    double p = lat * M_PI / 180, w = 1 - e2 * sin(p) * sin(p);
    *mx = M_PI / 180 * a * cos(p) / sqrt(w);
    *my = M_PI / 180 * a * (1 - e2) / (w * sqrt(w));
}

/* ------------------------------------------------------------------ */
/* The command line                                                    */
/* ------------------------------------------------------------------ */

/* The version in the top CMakeLists.txt: project(libgeo VERSION x.y.z ...). */
static void project_version(char *buf, size_t n)
{
    char *cm = own(slurp(LIBGEO_SOURCE_DIR "/CMakeLists.txt", NULL));
    assert_non_null(cm);
    const char *p = strstr(cm, "project(libgeo VERSION ");
    assert_non_null(p);
    p += strlen("project(libgeo VERSION ");
    size_t k = strcspn(p, " \t\n)");
    assert_true(k > 0 && k < n);
    memcpy(buf, p, k);
    buf[k] = '\0';
}

static void test_version(void **state)
{
    (void)state;
    char version[64], want[128];
    project_version(version, sizeof version);
    snprintf(want, sizeof want, "geoplan %s", version);
    gp_result r;
    gp_run(&r, "--version", NULL);
    assert_exit(&r, 0);
    assert_true(!strncmp(r.out, want, strlen(want)));
    assert_int_equal(r.err_len, 0);
}

static void test_no_args_is_usage_error(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "usage");
    assert_contains(r.err, "info"); /* lists the commands */
    assert_int_equal(r.out_len, 0);
}

static void test_help_lists_commands(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "usage");
    assert_contains(r.out, "info");
}

static void test_unknown_command(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "frobnicate", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "frobnicate");
    assert_int_equal(r.out_len, 0);
}

static void test_info_without_layer(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "info", NULL);
    assert_exit(&r, 2);
    assert_true(r.err_len > 0);
    assert_int_equal(r.out_len, 0);
}

static void test_info_unknown_option(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "info", "--no-such-option", "x.geojson", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--no-such-option");
}

static void test_info_option_without_value(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "info", "x.geojson", "--where", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--where");
}

static void test_info_bad_format(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "info", "x.geojson", "--format", "xml", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--format");
}

static void test_info_help(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "info", "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "--encoding");
    assert_contains(r.out, "--format");
    assert_contains(r.out, "--invalid");
}

static void test_info_missing_file_is_bad_input(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    path_in(p, sizeof p, dir, "no_such_file.shp");
    gp_result r;
    gp_run(&r, "info", p, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "no_such_file.shp");
    assert_int_equal(r.out_len, 0);
}

/* ------------------------------------------------------------------ */
/* A projected polygon layer                                           */
/* ------------------------------------------------------------------ */

static void test_projected_rectangles_json(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_text(path_in(p, sizeof p, dir, "rect.geojson"), RECT2_4549);
    json_object *j = gp_json("info", p, "--format", "json", NULL);
    assert_int_equal(jlen(j, "layers"), 1);
    json_object *L = jget(j, "layers.0");
    assert_string_equal(jstr(L, "driver"), "GeoJSON");
    assert_string_equal(jstr(L, "layer"), "rect");
    assert_string_equal(jstr(L, "geometry_kind"), "polygon");
    assert_int_equal(jint(L, "features.declared"), 2);
    assert_int_equal(jint(L, "features.read"), 2);
    assert_int_equal(jint(L, "features.loaded"), 2);
    assert_int_equal(jint(L, "features.invalid"), 0);
    assert_int_equal(jlen(L, "features.invalid_fids"), 0);
    /* The file's CRS, not one the user stated. */
    assert_string_equal(jstr(L, "crs.id"), "EPSG:4549");
    assert_false(json_object_get_boolean(jget(L, "crs.stated_by_user")));
    /* A projected CRS in metres is used as the working CRS as it is. */
    assert_string_equal(jstr(j, "working_crs.id"), "EPSG:4549");
    assert_string_equal(jstr(L, "working_crs.id"), "EPSG:4549");
    /* Planar area: 1000*2000 + 500*400 = 2,200,000 m2, exactly (the
     * coordinates are integers; only rounding in the shoelace sum). */
    assert_double_near(jdbl(L, "area.planar_m2"), RECT2_AREA, 1e-3);
    /* On the ellipsoid: the rectangles lie within 2.5 km east of the
     * central meridian 120E, where the Gauss-Kruger scale is
     * k = 1 + x^2 / (2 R^2) < 1 + 1e-7, so areas agree to well within
     * 0.1 % (the brief) and indeed within 1e-5. */
    assert_double_near(jdbl(L, "area.ellipsoidal_m2"), RECT2_AREA, RECT2_AREA * 1e-3);
    assert_double_near(jdbl(L, "area.ellipsoidal_m2"), RECT2_AREA, RECT2_AREA * 1e-5);
    assert_double_near(jdbl(L, "area.relative_difference"), 0, 1e-5);
    /* Extent: the rectangles' corners (hand-made). */
    assert_double_near(jdbl(L, "extent_working_m.0"), 500000, 1e-6);
    assert_double_near(jdbl(L, "extent_working_m.1"), 4000000, 1e-6);
    assert_double_near(jdbl(L, "extent_working_m.2"), 502500, 1e-6);
    assert_double_near(jdbl(L, "extent_working_m.3"), 4002000, 1e-6);
    /* Fields, with their names and GDAL types, in file order. */
    assert_int_equal(jlen(L, "fields"), 2);
    assert_string_equal(jstr(L, "fields.0.name"), "code");
    assert_string_equal(jstr(L, "fields.0.type"), "String");
    assert_string_equal(jstr(L, "fields.1.name"), "far");
    assert_string_equal(jstr(L, "fields.1.type"), "Real");
    /* GeoJSON is UTF-8 by definition (RFC 7946). */
    assert_string_equal(jstr(L, "encoding.name"), "UTF-8");
}

static void test_projected_rectangles_text(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_text(path_in(p, sizeof p, dir, "rect.geojson"), RECT2_4549);
    gp_result r;
    gp_run(&r, "info", p, NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "EPSG:4549");
    assert_contains(r.out, "2 read, 2 loaded");
    assert_contains(r.out, "2.200000 km2 planar"); /* 2,200,000 m2, hand computed */
    assert_contains(r.out, "code");
    assert_contains(r.out, "far");
}

/* A WHERE that keeps nothing: the area is 0 and the JSON must still be
 * JSON (RFC 8259 has no NaN or Infinity). */
static void test_where_matching_nothing_gives_valid_json(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_text(path_in(p, sizeof p, dir, "rect.geojson"), RECT2_4549);
    gp_result r;
    gp_run(&r, "info", p, "--where", "code = 'none'", "--format", "json", NULL);
    assert_exit(&r, 0);
    if (strstr(r.out, "NaN") || strstr(r.out, "nan") || strstr(r.out, "Infinity"))
        print_error("JSON output holds a non-JSON number:\n%s\n", r.out);
    assert_null(strstr(r.out, "NaN"));
    assert_null(strstr(r.out, "nan"));
    assert_null(strstr(r.out, "Infinity"));
    json_object *j = own_json(json_tokener_parse(r.out));
    assert_non_null(j);
    assert_int_equal(jint(j, "layers.0.features.loaded"), 0);
    if (jhas(j, "layers.0.area"))
        assert_double_near(jdbl(j, "layers.0.area.planar_m2"), 0, 0);
}

/* ------------------------------------------------------------------ */
/* NULL, empty and invalid geometries                                  */
/* ------------------------------------------------------------------ */

static void test_null_and_empty_geometries_counted(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    /* One 1000 m x 2000 m rectangle, two NULL geometries, one empty
     * MultiPolygon (GDAL reads {"type":"Polygon","coordinates":[]} as NULL,
     * so the empty one is a MultiPolygon). */
    write_text(path_in(p, sizeof p, dir, "nulls.geojson"),
               "{\"type\":\"FeatureCollection\",\n"
               "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\n"
               "\"features\":[\n"
               "{\"type\":\"Feature\",\"id\":0,\"properties\":{\"code\":\"A1\"},"
               "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],"
               "[501000,4000000],[501000,4002000],[500000,4002000],[500000,4000000]]]}},\n"
               "{\"type\":\"Feature\",\"id\":1,\"properties\":{\"code\":\"N1\"},\"geometry\":null},\n"
               "{\"type\":\"Feature\",\"id\":2,\"properties\":{\"code\":\"N2\"},\"geometry\":null},\n"
               "{\"type\":\"Feature\",\"id\":3,\"properties\":{\"code\":\"E1\"},"
               "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[]}}\n"
               "]}\n");
    json_object *j = gp_json("info", p, "--format", "json", NULL);
    json_object *L = jget(j, "layers.0");
    assert_int_equal(jint(L, "features.read"), 4);
    assert_int_equal(jint(L, "features.null_geometry"), 2);
    assert_int_equal(jint(L, "features.empty_geometry"), 1);
    assert_int_equal(jint(L, "features.loaded"), 1);
    assert_double_near(jdbl(L, "area.planar_m2"), 2000000.0, 1e-3); /* 1000 * 2000 */
}

/* A 1000 m x 2000 m rectangle (FID 0) and a bow-tie (FID 1): the ring
 * (502000,4000000) (503000,4001000) (503000,4000000) (502000,4001000)
 * crosses itself at (502500,4000500). */
static void write_bowtie(const char *path)
{
    write_text(path,
               "{\"type\":\"FeatureCollection\",\n"
               "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\n"
               "\"features\":[\n"
               "{\"type\":\"Feature\",\"id\":0,\"properties\":{\"code\":\"A1\"},"
               "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],"
               "[501000,4000000],[501000,4002000],[500000,4002000],[500000,4000000]]]}},\n"
               "{\"type\":\"Feature\",\"id\":1,\"properties\":{\"code\":\"BT\"},"
               "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[502000,4000000],"
               "[503000,4001000],[503000,4000000],[502000,4001000],[502000,4000000]]]}}\n"
               "]}\n");
}

static void test_invalid_keep_is_default(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_bowtie(path_in(p, sizeof p, dir, "bowtie.geojson"));
    json_object *j = gp_json("info", p, "--format", "json", NULL);
    json_object *L = jget(j, "layers.0");
    assert_int_equal(jint(L, "features.invalid"), 1);
    assert_int_equal(jint(L, "features.fixed"), 0);
    assert_int_equal(jint(L, "features.left_out_invalid"), 0);
    assert_int_equal(jint(L, "features.loaded"), 2);
    assert_int_equal(jlen(L, "features.invalid_fids"), 1);
    assert_int_equal(jint(L, "features.invalid_fids.0"), 1);
}

static void test_invalid_fix(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_bowtie(path_in(p, sizeof p, dir, "bowtie.geojson"));
    json_object *j = gp_json("info", p, "--invalid", "fix", "--format", "json", NULL);
    json_object *L = jget(j, "layers.0");
    assert_int_equal(jint(L, "features.invalid"), 1);
    assert_int_equal(jint(L, "features.fixed"), 1);
    assert_int_equal(jint(L, "features.loaded"), 2);
    /* make-valid splits the bow-tie at (502500,4000500) into two triangles
     * of base 1000 m and height 500 m: 2 * 250,000 m2; plus the rectangle's
     * 2,000,000 m2 (hand computed). */
    assert_double_near(jdbl(L, "area.planar_m2"), 2500000.0, 1e-3);
}

static void test_invalid_skip(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_bowtie(path_in(p, sizeof p, dir, "bowtie.geojson"));
    json_object *j = gp_json("info", p, "--invalid", "skip", "--format", "json", NULL);
    json_object *L = jget(j, "layers.0");
    assert_int_equal(jint(L, "features.invalid"), 1);
    assert_int_equal(jint(L, "features.left_out_invalid"), 1);
    assert_int_equal(jint(L, "features.read"), 2);
    assert_int_equal(jint(L, "features.loaded"), 1);
    assert_double_near(jdbl(L, "area.planar_m2"), 2000000.0, 1e-3); /* the rectangle only */
}

static void test_invalid_stop_names_file_fid_reason(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_bowtie(path_in(p, sizeof p, dir, "bowtie.geojson"));
    gp_result r;
    gp_run(&r, "info", p, "--invalid", "stop", "--format", "json", NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "bowtie.geojson");
    assert_contains(r.err, "FID 1");
    assert_contains(r.err, "Self-intersection");
}

/* ------------------------------------------------------------------ */
/* Text encodings of shapefiles                                        */
/* ------------------------------------------------------------------ */

static void test_gbk_shapefile_really_holds_gbk(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char dbf[1200];
    size_t n = 0;
    char *bytes = own(slurp(path_in(dbf, sizeof dbf, dir, "gbk.dbf"), &n));
    assert_non_null(bytes);
    assert_true(has_bytes(bytes, n, LICANG_GBK, sizeof LICANG_GBK - 1));
    assert_false(has_bytes(bytes, n, LICANG_UTF8, sizeof LICANG_UTF8 - 1));
}

static void test_gbk_encoding_from_cpg(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char shp[1200];
    path_in(shp, sizeof shp, dir, "gbk.shp");
    json_object *j = gp_json("info", shp, "--format", "json", NULL);
    assert_string_equal(jstr(j, "layers.0.encoding.name"), "GBK"); /* CP936 is GBK */
    assert_contains(jstr(j, "layers.0.encoding.from"), ".cpg");
    assert_int_equal(jint(j, "layers.0.encoding.bytes_replaced"), 0);
    assert_int_equal(jint(j, "layers.0.features.loaded"), 2);
    assert_string_equal(jstr(j, "layers.0.driver"), "ESRI Shapefile");
}

static void test_gbk_encoding_from_ldid(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char shp[1200], cpg[1200], dbf[1200];
    assert_int_equal(unlink(path_in(cpg, sizeof cpg, dir, "gbk.cpg")), 0);
    /* LDID 0x4D is "936 Chinese GBK (PRC)" in the dBASE/ArcGIS table. */
    set_dbf_ldid(path_in(dbf, sizeof dbf, dir, "gbk.dbf"), 0x4D);
    const char *err = NULL;
    json_object *j = gp_json_err(&err, "info", path_in(shp, sizeof shp, dir, "gbk.shp"), "--format",
                                 "json", NULL);
    assert_string_equal(jstr(j, "layers.0.encoding.name"), "GBK");
    assert_contains(jstr(j, "layers.0.encoding.from"), "language driver");
    assert_null(strstr(jstr(j, "layers.0.encoding.from"), ".cpg"));
    assert_null(strstr(err, "guess")); /* declared, so no guessing warning */
}

static void test_gbk_encoding_guessed_with_warning(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char shp[1200], cpg[1200], dbf[1200];
    assert_int_equal(unlink(path_in(cpg, sizeof cpg, dir, "gbk.cpg")), 0);
    set_dbf_ldid(path_in(dbf, sizeof dbf, dir, "gbk.dbf"), 0x00); /* nothing declared */
    const char *err = NULL;
    json_object *j = gp_json_err(&err, "info", path_in(shp, sizeof shp, dir, "gbk.shp"), "--format",
                                 "json", NULL);
    assert_string_equal(jstr(j, "layers.0.encoding.name"), "GBK");
    assert_contains(jstr(j, "layers.0.encoding.from"), "guess");
    assert_contains(err, "warning");
    assert_contains(err, "gbk.shp");
}

static void test_gbk_read_as_utf8_fails_naming_field_and_fid(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char shp[1200];
    gp_result r;
    gp_run(&r, "info", path_in(shp, sizeof shp, dir, "gbk.shp"), "--encoding", "UTF-8", NULL);
    assert_exit(&r, 3);
    /* GBK C0 EE is not UTF-8 (C0 is never a UTF-8 lead byte); the first
     * feature of a shapefile is FID 0; its text field is "name". */
    assert_contains(r.err, "gbk.shp");
    assert_contains(r.err, "'name'");
    assert_contains(r.err, "FID 0");
}

static void test_gbk_read_as_utf8_lossy_replaces(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char shp[1200];
    const char *err = NULL;
    json_object *j = gp_json_err(&err, "info", path_in(shp, sizeof shp, dir, "gbk.shp"),
                                 "--encoding", "UTF-8", "--text", "lossy", "--format", "json",
                                 NULL);
    /* Bytes that are part of no valid UTF-8 sequence (by hand, RFC 3629):
     * 李沧区 = C0 EE B2 D7 C7 F8: C0 and F8 are never valid; EE B2 is cut
     * by D7; D7 by C7; C7 by F8: all 6.  崂山区 = E1 C0 C9 BD C7 F8: E1 (cut
     * by C0), C0, C7 (cut by F8), F8 = 4, while C9 BD is a valid 2-byte
     * sequence (U+027D).  6 + 4 = 10. */
    assert_int_equal(jint(j, "layers.0.encoding.bytes_replaced"), 10);
    assert_int_equal(jint(j, "layers.0.features.loaded"), 2);
    assert_contains(err, "FID 0"); /* warned, naming where */
}

static void test_gbk_encoding_override(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char shp[1200];
    json_object *j = gp_json("info", path_in(shp, sizeof shp, dir, "gbk.shp"), "--encoding", "GBK",
                             "--format", "json", NULL);
    assert_string_equal(jstr(j, "layers.0.encoding.name"), "GBK");
    /* lg_encoding_source LG_ENC_OVERRIDE: "stated by the user" */
    assert_contains(jstr(j, "layers.0.encoding.from"), "user");
}

/* --where with a Chinese literal on a GBK shapefile: the user types UTF-8
 * (as the help's examples do); the filter must match the decoded text. */
static void test_gbk_where_with_chinese_literal(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char shp[1200];
    json_object *j = gp_json("info", path_in(shp, sizeof shp, dir, "gbk.shp"), "--where",
                             "name = '李沧区'", "--format", "json", NULL);
    assert_int_equal(jint(j, "layers.0.features.loaded"), 1);
    assert_double_near(jdbl(j, "layers.0.area.planar_m2"), 2000000.0, 1e-3); /* 1000 * 2000 */
}

/* ------------------------------------------------------------------ */
/* CRS: none, stated, chosen                                           */
/* ------------------------------------------------------------------ */

static void test_no_crs_still_describes(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char shp[1200], prj[1200];
    assert_int_equal(unlink(path_in(prj, sizeof prj, dir, "gbk.prj")), 0);
    json_object *j = gp_json("info", path_in(shp, sizeof shp, dir, "gbk.shp"), "--format", "json",
                             NULL);
    json_object *crs = (json_object *)1;
    assert_true(jfind(j, "layers.0.crs", &crs)); /* present ... */
    assert_null(crs);                            /* ... and null */
    assert_false(jhas(j, "layers.0.area"));      /* no area without a CRS */
    assert_false(jhas(j, "working_crs"));
    assert_int_equal(jint(j, "layers.0.features.loaded"), 2);
    /* Source extent in the file's own units: the rectangles' corners. */
    assert_double_near(jdbl(j, "layers.0.extent_source.0"), 500000, 1e-6);
    assert_double_near(jdbl(j, "layers.0.extent_source.3"), 4002000, 1e-6);
}

static void test_no_crs_with_src_crs_measures(void **state)
{
    (void)state;
    TEST_DIR(dir);
    make_gbk_shp(dir);
    char shp[1200], prj[1200];
    assert_int_equal(unlink(path_in(prj, sizeof prj, dir, "gbk.prj")), 0);
    json_object *j = gp_json("info", path_in(shp, sizeof shp, dir, "gbk.shp"), "--src-crs",
                             "EPSG:4549", "--format", "json", NULL);
    assert_string_equal(jstr(j, "layers.0.crs.id"), "EPSG:4549");
    assert_true(json_object_get_boolean(jget(j, "layers.0.crs.stated_by_user")));
    assert_string_equal(jstr(j, "working_crs.id"), "EPSG:4549");
    assert_double_near(jdbl(j, "layers.0.area.planar_m2"), RECT2_AREA, 1e-3);
}

/* EPSG's CGCS2000 3-degree Gauss-Kruger zones without zone prefix run
 * EPSG:4534 (CM 75E) to EPSG:4554 (CM 135E): code = 4534 + (CM - 75) / 3.
 * CM 120E -> 4549, CM 114E -> 4547.  WGS84 UTM north: 32600 + zone,
 * zone = floor((lon + 180) / 6) + 1: 9.5E -> zone 32 -> EPSG:32632. */
static void test_auto_crs_qingdao_4490_square_area(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char gj[1200], shp[1200];
    /* 0.01 deg x 0.009 deg at 120.40E 36.10N: about 900 m x 1000 m. */
    const double lon0 = 120.40, lat0 = 36.10, dlon = 0.01, dlat = 0.009;
    write_lonlat_box(path_in(gj, sizeof gj, dir, "box.geojson"), lon0, lat0, dlon, dlat);
    make_4490_shp(path_in(shp, sizeof shp, dir, "box.shp"), gj);
    json_object *j = gp_json("info", shp, "--format", "json", NULL);
    assert_string_equal(jstr(j, "layers.0.crs.id"), "EPSG:4490");
    assert_string_equal(jstr(j, "working_crs.id"), "EPSG:4549");
    double want = ellipsoid_box_area(lon0, lat0, lon0 + dlon, lat0 + dlat); /* ~899,229 m2 */
    double planar = jdbl(j, "layers.0.area.planar_m2");
    double ell = jdbl(j, "layers.0.area.ellipsoidal_m2");
    assert_true(want > 8.9e5 && want < 9.1e5); /* sanity of the formula: ~899 m x 1000 m */
    /* Geodesic area vs the closed formula: the same surface, 1e-5. */
    assert_double_near(ell, want, want * 1e-5);
    /* Planar in GK at 0.4 deg from the CM: k - 1 ~ (0.4 deg in rad * cos 36.1)^2 / 2
     * = 1.6e-5, area scale ~ 3.2e-5: within 0.1 % of the ellipsoid. */
    assert_double_near(planar, ell, ell * 1e-3);
    assert_double_near(planar, want, want * 1e-3);
}

static void test_auto_crs_114e_points(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char gj[1200], shp[1200];
    write_text(path_in(gj, sizeof gj, dir, "pt.geojson"),
               "{\"type\":\"FeatureCollection\",\"features\":["
               "{\"type\":\"Feature\",\"properties\":{\"n\":1},"
               "\"geometry\":{\"type\":\"Point\",\"coordinates\":[114.05,22.55]}},"
               "{\"type\":\"Feature\",\"properties\":{\"n\":2},"
               "\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.95,22.53]}}]}\n");
    make_4490_shp(path_in(shp, sizeof shp, dir, "pt.shp"), gj);
    json_object *j = gp_json("info", shp, "--format", "json", NULL);
    assert_string_equal(jstr(j, "layers.0.geometry_kind"), "point");
    assert_string_equal(jstr(j, "working_crs.id"), "EPSG:4547");
    assert_int_equal(jint(j, "layers.0.features.loaded"), 2);
    assert_false(jhas(j, "layers.0.area")); /* points have no area */
    /* 114.05E is 0.05 deg east of the CM, with no false-easting prefix:
     * x = 500000 + ~5.1 km (0.05 deg * 102.8 km/deg at 22.55N). */
    double mx, my;
    metres_per_degree(22.55, &mx, &my);
    assert_double_near(jdbl(j, "layers.0.extent_working_m.2"), 500000 + 0.05 * mx, 20);
}

static void test_auto_crs_europe_utm(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char gj[1200], shp[1200];
    write_lonlat_box(path_in(gj, sizeof gj, dir, "box.geojson"), 9.5, 47.1, 0.01, 0.009);
    make_4490_shp(path_in(shp, sizeof shp, dir, "box.shp"), gj);
    json_object *j = gp_json("info", shp, "--format", "json", NULL);
    assert_string_equal(jstr(j, "working_crs.id"), "EPSG:32632");
    /* UTM scale 0.9996 at the CM (9E), ~0.99962 at 9.5E: planar area is
     * ~0.076 % below the ellipsoidal one; both near the closed formula. */
    double want = ellipsoid_box_area(9.5, 47.1, 9.51, 47.109);
    assert_double_near(jdbl(j, "layers.0.area.ellipsoidal_m2"), want, want * 1e-5);
    assert_double_near(jdbl(j, "layers.0.area.planar_m2"), want * 0.9996 * 0.9996, want * 1e-4);
}

/* --datum gcj02 removes the GCJ-02 offset: the same coordinates read as
 * GCJ-02 land where WGS84 = GCJ - d, d from the published formula.  At
 * Qingdao d is ~ +0.00514 deg lon (~462 m east) and +0.00029 deg lat
 * (~32 m north), so the extent moves ~462 m west and ~32 m south (the
 * grid convergence of ~0.24 deg at 120.4E turns ~2 m of it: tolerance 5 m). */
static void test_datum_gcj02_shifts_extent(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char gj[1200];
    const double lon0 = 120.40, lat0 = 36.10;
    write_lonlat_box(path_in(gj, sizeof gj, dir, "box.geojson"), lon0, lat0, 0.01, 0.009);
    json_object *plain = gp_json("info", gj, "--format", "json", NULL);
    json_object *gcj = gp_json("info", gj, "--datum", "gcj02", "--format", "json", NULL);
    assert_string_equal(jstr(plain, "working_crs.id"), "EPSG:4549");
    assert_string_equal(jstr(gcj, "working_crs.id"), "EPSG:4549");
    assert_string_equal(jstr(gcj, "layers.0.datum"), "gcj02");
    double dx = jdbl(gcj, "layers.0.extent_working_m.0") - jdbl(plain, "layers.0.extent_working_m.0");
    double dy = jdbl(gcj, "layers.0.extent_working_m.1") - jdbl(plain, "layers.0.extent_working_m.1");
    /* The brief's rough figures: ~460 m west, ~30 m south, +-50 m. */
    assert_double_near(dx, -460, 50);
    assert_double_near(dy, -30, 50);
    /* The formula's, at the south-west corner. */
    double dlon, dlat, mx, my;
    gcj_offset(lon0, lat0, &dlon, &dlat);
    metres_per_degree(lat0, &mx, &my);
    assert_double_near(dx, -dlon * mx, 5);
    assert_double_near(dy, -dlat * my, 5);
}

static void test_crs_unknown_is_usage_error(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_text(path_in(p, sizeof p, dir, "rect.geojson"), RECT2_4549);
    gp_result r;
    gp_run(&r, "info", p, "--crs", "EPSG:999999", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "EPSG:999999");
}

static void test_crs_geographic_rejected(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_text(path_in(p, sizeof p, dir, "rect.geojson"), RECT2_4549);
    gp_result r;
    gp_run(&r, "info", p, "--crs", "EPSG:4326", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "EPSG:4326");
    assert_contains(r.err, "projected");
    assert_contains(r.err, "metres");
}

/* ------------------------------------------------------------------ */
/* Multi-layer sources                                                 */
/* ------------------------------------------------------------------ */

/* dir/m.gpkg with layers "parcels" (the two EPSG:4549 rectangles) and
 * "sites" (one ~1 km lon/lat box in EPSG:4490). */
static void make_two_layer_gpkg(const char *dir, char *gpkg, size_t n)
{
    char rect[1200], box[1200];
    write_text(path_in(rect, sizeof rect, dir, "rect.geojson"), RECT2_4549);
    write_lonlat_box(path_in(box, sizeof box, dir, "box.geojson"), 120.40, 36.10, 0.01, 0.009);
    path_in(gpkg, n, dir, "m.gpkg");
    const char *o1[] = {"-f", "GPKG", "-nln", "parcels", NULL};
    translate(gpkg, rect, o1);
    const char *o2[] = {"-f", "GPKG", "-update", "-nln", "sites", "-a_srs", "EPSG:4490", NULL};
    translate(gpkg, box, o2);
}

/* The layer object named `name` in j's "layers", or fail. */
static json_object *layer_named(json_object *j, const char *name)
{
    json_object *arr = jget(j, "layers");
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *L = json_object_array_get_idx(arr, i);
        if (!strcmp(jstr(L, "layer"), name))
            return L;
    }
    print_error("no layer '%s' in the output\n", name);
    fail();
    return NULL;
}

static void test_gpkg_lists_each_layer(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char gpkg[1200];
    make_two_layer_gpkg(dir, gpkg, sizeof gpkg);
    json_object *j = gp_json("info", gpkg, "--format", "json", NULL);
    assert_int_equal(jlen(j, "layers"), 2);
    json_object *parcels = layer_named(j, "parcels"), *sites = layer_named(j, "sites");
    assert_string_equal(jstr(parcels, "driver"), "GPKG");
    assert_int_equal(jint(parcels, "features.loaded"), 2);
    assert_double_near(jdbl(parcels, "area.planar_m2"), RECT2_AREA, 1e-3);
    assert_int_equal(jint(sites, "features.loaded"), 1);
    assert_string_equal(jstr(sites, "crs.id"), "EPSG:4490");
    /* The first layer projected in metres gives the working CRS. */
    assert_string_equal(jstr(j, "working_crs.id"), "EPSG:4549");
}

static void test_gpkg_file_colon_layer(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char gpkg[1200], arg[1300];
    make_two_layer_gpkg(dir, gpkg, sizeof gpkg);
    snprintf(arg, sizeof arg, "%s:sites", gpkg);
    json_object *j = gp_json("info", arg, "--format", "json", NULL);
    assert_int_equal(jlen(j, "layers"), 1);
    assert_string_equal(jstr(j, "layers.0.layer"), "sites");
    assert_int_equal(jint(j, "layers.0.features.loaded"), 1);
    double want = ellipsoid_box_area(120.40, 36.10, 120.41, 36.109);
    assert_double_near(jdbl(j, "layers.0.area.ellipsoidal_m2"), want, want * 1e-5);
}

static void test_gpkg_layer_option(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char gpkg[1200];
    make_two_layer_gpkg(dir, gpkg, sizeof gpkg);
    const char *err = NULL;
    json_object *j = gp_json_err(&err, "info", gpkg, "--layer", "sites", "--format", "json", NULL);
    assert_int_equal(jlen(j, "layers"), 1);
    assert_string_equal(jstr(j, "layers.0.layer"), "sites");
    assert_int_equal(jint(j, "layers.0.features.loaded"), 1);
    /* --layer named one: no "using the first" warning */
    assert_null(strstr(err, "using the first"));
}

static void test_gpkg_unknown_layer(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char gpkg[1200], arg[1300];
    make_two_layer_gpkg(dir, gpkg, sizeof gpkg);
    snprintf(arg, sizeof arg, "%s:nope", gpkg);
    gp_result r;
    gp_run(&r, "info", arg, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "nope");
    assert_contains(r.err, "sites"); /* lists the layers it has */
}

/* ------------------------------------------------------------------ */
/* Progress                                                            */
/* ------------------------------------------------------------------ */

static void test_no_progress_when_stderr_not_a_terminal(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200];
    write_text(path_in(p, sizeof p, dir, "rect.geojson"), RECT2_4549);
    gp_result r;
    gp_run(&r, "info", p, NULL);
    assert_exit(&r, 0);
    assert_null(memchr(r.err, '\r', r.err_len));
    assert_null(strstr(r.err, "%"));
}

/* The other side, so that the test above is not vacuous: on a terminal
 * (a pseudo-terminal here) stderr carries '\r' progress up to 100%. */
static void test_progress_on_terminal(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char p[1200], out_path[1200];
    write_text(path_in(p, sizeof p, dir, "rect.geojson"), RECT2_4549);
    path_in(out_path, sizeof out_path, dir, "stdout.txt");
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0) {
        fprintf(stderr, "SKIP %s: no pseudo-terminal (%s)\n", __func__, strerror(errno));
        skip();
    }
    assert_int_equal(grantpt(m), 0);
    assert_int_equal(unlockpt(m), 0);
    char slave[256];
    snprintf(slave, sizeof slave, "%s", ptsname(m));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setsid();
        int s = open(slave, O_RDWR);
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (s < 0 || in < 0 || out < 0)
            _exit(126);
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(s, STDERR_FILENO);
        close(s);
        close(in);
        close(out);
        close(m);
        execl(GEOPLAN_BIN, GEOPLAN_BIN, "info", p, (char *)NULL);
        _exit(127);
    }
    char buf[8192];
    size_t n = 0;
    for (;;) {
        ssize_t k = read(m, buf + n, sizeof buf - 1 - n);
        if (k > 0) {
            n += (size_t)k;
            if (n == sizeof buf - 1)
                break;
        } else if (k < 0 && errno == EINTR) {
            continue;
        } else {
            break; /* EIO once the child closed the terminal */
        }
    }
    buf[n] = '\0';
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    close(m);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_non_null(memchr(buf, '\r', n));
    assert_contains(buf, "100%");
}

/* ------------------------------------------------------------------ */
/* Real data (../shared/data)                                          */
/* ------------------------------------------------------------------ */

static void test_real_datav_districts(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(shared);
    char p[1200];
    snprintf(p, sizeof p, "%s/qingdao/districts_datav_gcj02.geojson", shared);
    json_object *j = gp_json("info", p, "--datum", "gcj02", "--format", "json", NULL);
    /* Qingdao has 10 county-level divisions (7 districts, 3 county-level
     * cities) since 2017. */
    assert_int_equal(jint(j, "layers.0.features.read"), 10);
    assert_int_equal(jint(j, "layers.0.features.loaded"), 10);
    assert_int_equal(jint(j, "layers.0.features.invalid"), 0);
    assert_string_equal(jstr(j, "working_crs.id"), "EPSG:4549"); /* 120E zone */
}

static void test_real_datav_where_licang(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(shared);
    char p[1200];
    snprintf(p, sizeof p, "%s/qingdao/districts_datav_gcj02.geojson", shared);
    json_object *j = gp_json("info", p, "--datum", "gcj02", "--where", "name = '李沧区'",
                             "--format", "json", NULL);
    assert_int_equal(jint(j, "layers.0.features.loaded"), 1);
    /* Licang District: 98.7 km2 (the published area the brief gives). */
    assert_double_near(jdbl(j, "layers.0.area.planar_m2"), 98.7e6, 98.7e6 * 0.01);
}

static void test_real_echarts_invalid(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(shared);
    char p[1200];
    snprintf(p, sizeof p, "%s/qingdao/districts_echarts_2016_invalid.geojson", shared);
    json_object *j = gp_json("info", p, "--format", "json", NULL);
    assert_int_equal(jint(j, "layers.0.features.invalid"), 10);
    assert_int_equal(jlen(j, "layers.0.features.invalid_fids"), 10);
    const char *err = NULL;
    j = gp_json_err(&err, "info", p, "--invalid", "fix", "--format", "json", NULL);
    assert_int_equal(jint(j, "layers.0.features.fixed"), 10);
    assert_int_equal(jint(j, "layers.0.features.loaded"), 10);
    assert_contains(err, "districts_echarts_2016_invalid.geojson"); /* warned */
}

static void test_real_liechtenstein(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(shared);
    char p[1200];
    snprintf(p, sizeof p, "%s/osm/liechtenstein-2015/municipalities.shp", shared);
    json_object *j = gp_json("info", p, "--format", "json", NULL);
    /* Liechtenstein has 11 municipalities (Gemeinden). */
    assert_int_equal(jint(j, "layers.0.features.loaded"), 11);
    assert_string_equal(jstr(j, "working_crs.id"), "EPSG:32632");
    /* Country area 160.5 km2 (Amt fuer Statistik Liechtenstein), 1 %. */
    assert_double_near(jdbl(j, "layers.0.area.ellipsoidal_m2"), 160.5e6, 160.5e6 * 0.01);
}

/* ------------------------------------------------------------------ */
/* PostGIS (LIBGEO_TEST_PG="host=/tmp/lgpg dbname=postgres user=postgres") */
/* ------------------------------------------------------------------ */

static const char *require_pg(const char *func)
{
    const char *pg = getenv("LIBGEO_TEST_PG");
    if (!pg || !*pg) {
        fprintf(stderr,
                "SKIP %s: LIBGEO_TEST_PG not set (export LIBGEO_TEST_PG=$(bash tests/pg/start.sh))\n",
                func);
        return NULL;
    }
    return pg;
}

static void pg_sql(const char *pgconn, const char *sql)
{
    GDALDatasetH ds = GDALOpenEx(pgconn, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    if (!ds)
        print_error("cannot open %s: %s\n", pgconn, CPLGetLastErrorMsg());
    assert_non_null(ds);
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    GDALClose(ds);
}

static void pg_load_parcels(const char *dir, const char *pgconn)
{
    char p[1200];
    write_text(path_in(p, sizeof p, dir, "rect.geojson"), RECT2_4549);
    const char *o[] = {"-f", "PostgreSQL", "-nln", "lg_test_parcels", "-overwrite", NULL};
    translate(pgconn, p, o);
}

static void test_postgis_layer(void **state)
{
    (void)state;
    const char *pg = require_pg(__func__);
    if (!pg)
        skip();
    TEST_DIR(dir);
    char conn[1100];
    snprintf(conn, sizeof conn, "PG:%s", pg);
    pg_sql(conn, "DROP TABLE IF EXISTS lg_test_a_decoy");
    pg_load_parcels(dir, conn);
    json_object *j = gp_json("info", conn, "--layer", "lg_test_parcels", "--format", "json", NULL);
    assert_int_equal(jlen(j, "layers"), 1);
    assert_string_equal(jstr(j, "layers.0.driver"), "PostgreSQL");
    assert_string_equal(jstr(j, "layers.0.layer"), "lg_test_parcels");
    assert_int_equal(jint(j, "layers.0.features.loaded"), 2);
    assert_string_equal(jstr(j, "layers.0.crs.id"), "EPSG:4549");
    assert_double_near(jdbl(j, "layers.0.area.planar_m2"), RECT2_AREA, 1e-3);
    pg_sql(conn, "DROP TABLE IF EXISTS lg_test_parcels");
}

/* With another table listed first, --layer must still pick the one named. */
static void test_postgis_layer_option_picks_table(void **state)
{
    (void)state;
    const char *pg = require_pg(__func__);
    if (!pg)
        skip();
    TEST_DIR(dir);
    char conn[1100], box[1200];
    snprintf(conn, sizeof conn, "PG:%s", pg);
    write_lonlat_box(path_in(box, sizeof box, dir, "box.geojson"), 120.40, 36.10, 0.01, 0.009);
    const char *o[] = {"-f", "PostgreSQL", "-nln", "lg_test_a_decoy", "-overwrite", NULL};
    translate(conn, box, o);
    pg_load_parcels(dir, conn);
    json_object *j = gp_json("info", conn, "--layer", "lg_test_parcels", "--format", "json", NULL);
    assert_int_equal(jlen(j, "layers"), 1);
    assert_string_equal(jstr(j, "layers.0.layer"), "lg_test_parcels");
    assert_int_equal(jint(j, "layers.0.features.loaded"), 2);
    pg_sql(conn, "DROP TABLE IF EXISTS lg_test_a_decoy");
    pg_sql(conn, "DROP TABLE IF EXISTS lg_test_parcels");
}

/* ------------------------------------------------------------------ */

/* Every test frees what it owns afterwards, passed or failed. */
#define T(f) cmocka_unit_test_teardown(f, free_owned)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_version),
        T(test_no_args_is_usage_error),
        T(test_help_lists_commands),
        T(test_unknown_command),
        T(test_info_without_layer),
        T(test_info_unknown_option),
        T(test_info_option_without_value),
        T(test_info_bad_format),
        T(test_info_help),
        T(test_info_missing_file_is_bad_input),
        T(test_projected_rectangles_json),
        T(test_projected_rectangles_text),
        T(test_where_matching_nothing_gives_valid_json),
        T(test_null_and_empty_geometries_counted),
        T(test_invalid_keep_is_default),
        T(test_invalid_fix),
        T(test_invalid_skip),
        T(test_invalid_stop_names_file_fid_reason),
        T(test_gbk_shapefile_really_holds_gbk),
        T(test_gbk_encoding_from_cpg),
        T(test_gbk_encoding_from_ldid),
        T(test_gbk_encoding_guessed_with_warning),
        T(test_gbk_read_as_utf8_fails_naming_field_and_fid),
        T(test_gbk_read_as_utf8_lossy_replaces),
        T(test_gbk_encoding_override),
        T(test_gbk_where_with_chinese_literal),
        T(test_no_crs_still_describes),
        T(test_no_crs_with_src_crs_measures),
        T(test_auto_crs_qingdao_4490_square_area),
        T(test_auto_crs_114e_points),
        T(test_auto_crs_europe_utm),
        T(test_datum_gcj02_shifts_extent),
        T(test_crs_unknown_is_usage_error),
        T(test_crs_geographic_rejected),
        T(test_gpkg_lists_each_layer),
        T(test_gpkg_file_colon_layer),
        T(test_gpkg_layer_option),
        T(test_gpkg_unknown_layer),
        T(test_no_progress_when_stderr_not_a_terminal),
        T(test_progress_on_terminal),
        T(test_real_datav_districts),
        T(test_real_datav_where_licang),
        T(test_real_echarts_invalid),
        T(test_real_liechtenstein),
        T(test_postgis_layer),
        T(test_postgis_layer_option_picks_table),
    };
    return cmocka_run_group_tests_name("geoplan CLI", tests, lg_cli_group_setup,
                                       lg_cli_group_teardown);
}
