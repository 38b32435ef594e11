/*
 * test_cli_measure: `geoplan measure`, run as a separate process.
 *
 * Each test writes its own small input as GeoJSON in EPSG:4549 (CGCS2000
 * 3-degree GK CM 120E, named by the old-style "crs" member), runs the built
 * geoplan (GEOPLAN_BIN) with stdout and stderr captured, and checks the
 * exit status, the messages and the text, CSV, JSON and GeoPackage output.
 *
 * Expected numbers never come from libgeo: they are hand computed on the
 * small geometry (each says how), or taken from other software's output
 * (QGIS Processing's own expected results; a PostGIS run stored in
 * tests/data/liechtenstein_postgis.json).  The real-data tests skip
 * without ../shared/data.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define LG_CLI_TEST_NAME "test_cli_measure"
#define LG_CLI_DIR_PREFIX "measure_"
#include "lg_cli_run.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <json-c/json.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

/* ------------------------------------------------------------------ */
/* Inputs                                                              */
/* ------------------------------------------------------------------ */

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Entries of `dir` whose name contains `part` (0 when none). */
static int dir_has(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, part)) {
            print_error("left in %s: %s\n", dir, e->d_name);
            found = 1;
        }
    closedir(d);
    return found;
}

#define CRS_4549                                                                             \
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\n"

/* Two 1 km x 1 km zones side by side: Z1 [500000, 501000] x [4000000,
 * 4001000] and Z2 [501000, 502000] x the same; 1 km2 each.  Z2's name
 * holds a comma (CSV must quote it). */
static const char ZONES2[] =
    "{\"type\":\"FeatureCollection\",\n" CRS_4549 "\"features\":[\n"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"Z1\",\"name\":\"Zone A\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[501000,4000000],"
    "[501000,4001000],[500000,4001000],[500000,4000000]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"Z2\",\"name\":\"Zone B, east\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[501000,4000000],[502000,4000000],"
    "[502000,4001000],[501000,4001000],[501000,4000000]]]}}\n"
    "]}\n";

/* Roads, with the length each zone gets (hand computed):
 *  R1 main  (499500,4000500)-(502500,4000500): 3000 m, 1000 m in Z1, 1000 m
 *           in Z2, 1000 m outside;
 *  R2 local (500250,4000000)-(500250,4001000): 1000 m, all in Z1;
 *  R3 local (501000,4000000)-(502000,4001000): the diagonal of Z2,
 *           1000 sqrt 2 m, all in Z2 (it touches Z1 at one point only);
 *  R4 main  (510000,4000000)-(511000,4000000): outside both.
 * Z1: 2000 m -> 2 km / 1 km2 = 2 km/km2.
 * Z2: 1000 + 1000 sqrt 2 m = 2.414213562373095 km/km2.
 * Total: (3000 + 1000 sqrt 2) m / 2 km2 = 2.2071067811865475 km/km2. */
static const char ROADS[] =
    "{\"type\":\"FeatureCollection\",\n" CRS_4549 "\"features\":[\n"
    "{\"type\":\"Feature\",\"properties\":{\"kind\":\"main\"},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[499500,4000500],[502500,4000500]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"kind\":\"local\"},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[500250,4000000],[500250,4001000]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"kind\":\"local\"},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[501000,4000000],[502000,4001000]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"kind\":\"main\"},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[510000,4000000],[511000,4000000]]}}\n"
    "]}\n";

#define SQRT2 1.4142135623730951
#define Z1_KM 2.0
#define Z2_KM (1.0 + SQRT2)
#define TOTAL_KM (3.0 + SQRT2)

/* Cover polygons (hand computed):
 *  C1 [500000,500500] x [4000000,4000500]: 250,000 m2 in Z1;
 *  C2 [500250,500750] x [4000250,4000750]: 250,000 m2 in Z1, of which
 *     250 x 250 = 62,500 m2 overlap C1;
 *  C3 [501500,502500] x [4000000,4000200]: half in Z2, 500 x 200 = 100,000 m2.
 * Z1: union 437,500 m2 = 43.75 %; Z2: 100,000 m2 = 10 %;
 * total 537,500 m2 of 2,000,000 m2 = 26.875 %. */
static const char COVER[] =
    "{\"type\":\"FeatureCollection\",\n" CRS_4549 "\"features\":[\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":1},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[500000,4000000],[500500,4000000],[500500,4000500],[500000,4000500],"
    "[500000,4000000]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":2},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[500250,4000250],[500750,4000250],[500750,4000750],[500250,4000750],"
    "[500250,4000250]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":3},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[501500,4000000],[502500,4000000],[502500,4000200],[501500,4000200],"
    "[501500,4000000]]]}}\n"
    "]}\n";

/* The west half of Z1: [500000,500500] x [4000000,4001000], 0.5 km2. */
static const char HALF_Z1[] =
    "{\"type\":\"FeatureCollection\",\n" CRS_4549 "\"features\":[\n"
    "{\"type\":\"Feature\",\"properties\":{\"id\":1},\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[500000,4000000],[500500,4000000],[500500,4001000],[500000,4001000],"
    "[500000,4000000]]]}}\n"
    "]}\n";

/* Z1 and a bow-tie zone (FID 1) whose ring crosses itself at
 * (502500,4000500). */
static const char ZONES_BOWTIE[] =
    "{\"type\":\"FeatureCollection\",\n" CRS_4549 "\"features\":[\n"
    "{\"type\":\"Feature\",\"id\":0,\"properties\":{\"code\":\"Z1\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[501000,4000000],"
    "[501000,4001000],[500000,4001000],[500000,4000000]]]}},\n"
    "{\"type\":\"Feature\",\"id\":1,\"properties\":{\"code\":\"BT\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[502000,4000000],"
    "[503000,4001000],[503000,4000000],[502000,4001000],[502000,4000000]]]}}\n"
    "]}\n";

typedef struct inputs {
    char zones[1200], roads[1200], cover[1200], half[1200];
} inputs;

static void make_inputs(const char *dir, inputs *in)
{
    write_text(path_in(in->zones, sizeof in->zones, dir, "zones.geojson"), ZONES2);
    write_text(path_in(in->roads, sizeof in->roads, dir, "roads.geojson"), ROADS);
    write_text(path_in(in->cover, sizeof in->cover, dir, "cover.geojson"), COVER);
    write_text(path_in(in->half, sizeof in->half, dir, "half.geojson"), HALF_Z1);
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

static void test_help(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "measure", "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "length-density");
    assert_contains(r.out, "overlap");
    assert_contains(r.out, "--zones");
    assert_contains(r.out, "--out-layer");
    assert_contains(r.out, "--invalid"); /* the layer-reading flags too */
    gp_run(&r, "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "measure");
}

static void test_unknown_kind_lists_kinds(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "measure", "road-density", "--zones", "z.geojson", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "road-density");
    const char *kinds[] = {"length-density", "length-share", "area-share", "count",
                           "per-area",       "coverage",     "overlap"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        assert_contains(r.err, kinds[i]);
    assert_int_equal(r.out_len, 0);
    gp_run(&r, "measure", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "length-density");
}

/* A kind without one of its inputs: exit 2 naming the flag needed. */
static void test_missing_role_names_flag(void **state)
{
    (void)state;
    static const struct {
        const char *kind, *given, *needed;
    } cases[] = {
        {"length-density", "--zones", "--lines"},  {"area-share", "--zones", "--cover"},
        {"count", "--zones", "--points"},          {"per-area", "--parcels", "--zones"},
        {"coverage", "--facilities", "--target"},  {"overlap", "--sites", "--control"},
        {"length-density", "--lines", "--zones"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gp_result r;
        if (!strcmp(cases[i].given, "--zones") || !strcmp(cases[i].needed, "--zones"))
            gp_run(&r, "measure", cases[i].kind, cases[i].given, "x.geojson", NULL);
        else
            gp_run(&r, "measure", cases[i].kind, cases[i].given, "x.geojson", "--zones",
                   "z.geojson", NULL);
        assert_exit(&r, 2);
        assert_contains(r.err, cases[i].needed);
        assert_int_equal(r.out_len, 0);
    }
    /* only the zones */
    gp_result r;
    gp_run(&r, "measure", "length-density", "--lines", "l.geojson", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--zones");
    /* kernel options a kind needs */
    gp_run(&r, "measure", "per-area", "--zones", "z.geojson", "--parcels", "p.geojson", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--value");
    gp_run(&r, "measure", "length-share", "--zones", "z.geojson", "--lines", "l.geojson",
           "--class-field", "kind", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--classes");
}

static void test_flag_for_another_kind(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", "z.geojson", "--lines", "l.geojson",
           "--radius", "500", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--radius");
    assert_contains(r.err, "coverage");
    gp_run(&r, "measure", "area-share", "--zones", "z.geojson", "--cover", "c.geojson",
           "--lines", "l.geojson", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--lines");
    gp_run(&r, "measure", "length-density", "--zones", "z.geojson", "--lines", "l.geojson",
           "--no-such-flag", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--no-such-flag");
    gp_run(&r, "measure", "length-density", "--zones", "z.geojson", "--lines", "l.geojson",
           "--format", "xml", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--format");
    gp_run(&r, "measure", "length-density", "--zones", "z.geojson", "--lines", "l.geojson",
           "--threads", "many", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--threads");
    gp_run(&r, "measure", "length-density", "--zones", "z.geojson", "--lines", "l.geojson",
           "--out-layer", "out.shp", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, ".gpkg");
    gp_run(&r, "measure", "length-density", "--zones", "z.geojson", "--lines", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--lines");
}

/* A missing input file and a field that does not exist: exit 3 with the
 * library's message. */
static void test_bad_input_exit_3(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    char missing[1200];
    path_in(missing, sizeof missing, dir, "no_such_roads.geojson");
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", missing, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "no_such_roads.geojson");
    assert_int_equal(r.out_len, 0);
    gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", in.roads,
           "--class-field", "no_such_field", NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "no_such_field");
    gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", in.roads,
           "--zone-field", "no_such_id", NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "no_such_id");
    /* lines given as zones: the zones must be polygons */
    gp_run(&r, "measure", "length-density", "--zones", in.roads, "--lines", in.roads, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "polygons");
    /* a bad --crs is the user's to fix */
    gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", in.roads, "--crs",
           "EPSG:999999", NULL);
    assert_exit(&r, 2);
}

/* ------------------------------------------------------------------ */
/* length-density                                                      */
/* ------------------------------------------------------------------ */

static void test_length_density_json(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    json_object *j = gp_json("measure", "length-density", "--zones", in.zones, "--lines",
                             in.roads, "--format", "json", NULL);
    /* the stable shape */
    assert_string_equal(jstr(j, "kernel"), "length-density");
    assert_string_equal(jstr(j, "unit"), "km/km2");
    assert_string_equal(jstr(j, "crs"), "EPSG:4549");
    assert_int_equal(jlen(j, "zones"), 2);
    assert_true(json_object_is_type(jget(j, "total"), json_type_object));
    assert_true(json_object_is_type(jget(j, "params"), json_type_object));
    assert_true(json_object_is_type(jget(j, "warnings"), json_type_array));
    assert_true(json_object_is_type(jget(j, "columns"), json_type_array));
    assert_false(jexists(j, "details")); /* no detail tables for this kernel */
    assert_string_equal(jstr(j, "columns.0.name"), "value");
    assert_string_equal(jstr(j, "columns.0.unit"), "km/km2");
    assert_string_equal(jstr(j, "columns.1.name"), "numerator");
    assert_string_equal(jstr(j, "columns.1.unit"), "km");
    assert_string_equal(jstr(j, "columns.2.name"), "denominator");
    assert_string_equal(jstr(j, "columns.2.unit"), "km2");
    /* zones in file order, ids from "code", names from "name" */
    assert_string_equal(jstr(j, "zones.0.id"), "Z1");
    assert_string_equal(jstr(j, "zones.0.name"), "Zone A");
    assert_string_equal(jstr(j, "zones.1.id"), "Z2");
    assert_string_equal(jstr(j, "zones.1.name"), "Zone B, east");
    /* hand computed (see ROADS) */
    assert_double_near(jdbl(j, "zones.0.value"), Z1_KM / 1.0, 1e-12);
    assert_double_near(jdbl(j, "zones.0.numerator"), Z1_KM, 1e-12);
    assert_double_near(jdbl(j, "zones.0.denominator"), 1.0, 1e-12);
    assert_double_near(jdbl(j, "zones.0.length_m"), 2000.0, 1e-9);
    assert_double_near(jdbl(j, "zones.0.area_m2"), 1e6, 1e-6);
    assert_double_near(jdbl(j, "zones.1.value"), Z2_KM, 1e-12);
    assert_double_near(jdbl(j, "zones.1.numerator"), Z2_KM, 1e-12);
    assert_double_near(jdbl(j, "zones.1.denominator"), 1.0, 1e-12);
    assert_string_equal(jstr(j, "total.id"), "total");
    assert_double_near(jdbl(j, "total.value"), TOTAL_KM / 2.0, 1e-12);
    assert_double_near(jdbl(j, "total.numerator"), TOTAL_KM, 1e-12);
    assert_double_near(jdbl(j, "total.denominator"), 2.0, 1e-12);
    assert_string_equal(jstr(j, "params.undirected"), "no");
}

/* Full precision in JSON: the value reads back as the same double a
 * direct computation gives (no rounding to 6 digits). */
static void test_json_full_precision(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    json_object *j = gp_json("measure", "length-density", "--zones", in.zones, "--lines",
                             in.roads, "--format", "json", NULL);
    /* 1000 + 1000 sqrt 2 m as GEOS sums it: within one ulp of the
     * closed form; 6-digit rounding would be off by 1e-7. */
    assert_double_near(jdbl(j, "zones.1.length_m"), 1000.0 + 1000.0 * SQRT2, 1e-9);
    assert_double_near(jdbl(j, "zones.1.value"), Z2_KM, 1e-14);
}

static void test_length_density_classes(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    json_object *j = gp_json("measure", "length-density", "--zones", in.zones, "--lines",
                             in.roads, "--class-field", "kind", "--format", "json", NULL);
    /* Z1: main 1 km (R1), local 1 km (R2); Z2: main 1 km, local sqrt 2 km */
    assert_double_near(jdbl(j, "zones.0.km:main"), 1.0, 1e-12);
    assert_double_near(jdbl(j, "zones.0.km:local"), 1.0, 1e-12);
    assert_double_near(jdbl(j, "zones.1.km:main"), 1.0, 1e-12);
    assert_double_near(jdbl(j, "zones.1.km:local"), SQRT2, 1e-12);
    assert_double_near(jdbl(j, "total.km:local"), 1.0 + SQRT2, 1e-12);
    assert_string_equal(jstr(j, "params.class_field"), "kind");
}

/* --where filters the lines, --zones-where the zones. */
static void test_where_filters(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    json_object *j = gp_json("measure", "length-density", "--zones", in.zones, "--lines",
                             in.roads, "--where", "kind = 'main'", "--zones-where",
                             "code = 'Z2'", "--format", "json", NULL);
    assert_int_equal(jlen(j, "zones"), 1);
    assert_string_equal(jstr(j, "zones.0.id"), "Z2");
    assert_double_near(jdbl(j, "zones.0.numerator"), 1.0, 1e-12); /* R1 only */
}

/* With a denominator layer, lines and area are taken in zone ∩ it:
 * Z1 ∩ west half = 0.5 km2 holding 500 m of R1 and 1000 m of R2 -> 3
 * km/km2; Z2 ∩ it is empty: no value (null in JSON, "-" in text, empty
 * in CSV); total 1.5 km / 0.5 km2 = 3. */
static void test_denominator_and_no_value(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", in.roads,
           "--denominator", in.half, "--format", "json", NULL);
    assert_exit(&r, 0);
    assert_null(strstr(r.out, "NaN"));
    assert_null(strstr(r.out, "nan"));
    json_object *j = own_json(json_tokener_parse(r.out));
    assert_non_null(j);
    assert_double_near(jdbl(j, "zones.0.value"), 3.0, 1e-12);
    assert_double_near(jdbl(j, "zones.0.denominator"), 0.5, 1e-12);
    assert_true(jexists(j, "zones.1.value"));
    assert_false(jhas(j, "zones.1.value")); /* null */
    assert_double_near(jdbl(j, "total.value"), 3.0, 1e-12);

    gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", in.roads,
           "--denominator", in.half, "--format", "csv", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "\"Zone B, east\",,0,0,"); /* value empty, numerator 0 km */
}

static void test_length_density_text(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", in.roads, NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "length-density");
    assert_contains(r.out, "EPSG:4549");
    assert_contains(r.out, "value [km/km2]");
    assert_contains(r.out, "numerator [km]");
    assert_contains(r.out, "denominator [km2]");
    assert_contains(r.out, "Zone B, east");
    assert_contains(r.out, "2.41421"); /* Z2, six significant digits */
    assert_contains(r.out, "2.20711"); /* total */
    assert_contains(r.out, "\ntotal");
    assert_contains(r.out, "parameters:");
    assert_contains(r.out, "undirected = no");
    /* the columns line up: the header's "value [km/km2]" ends where the
     * values end */
    const char *hdr = strstr(r.out, "value [km/km2]");
    const char *line = hdr;
    while (line > r.out && line[-1] != '\n')
        line--;
    size_t end_col = (size_t)(hdr - line) + strlen("value [km/km2]");
    const char *z1 = strstr(r.out, "\nZ1 ");
    assert_non_null(z1);
    z1++;
    const char *two = strstr(z1, "  2  ");
    assert_non_null(two);
    assert_int_equal((size_t)(two - z1) + 3, end_col);
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

static void test_csv(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", in.roads,
           "--format", "csv", NULL);
    assert_exit(&r, 0);
    /* UTF-8 byte-order mark, then the header with units */
    assert_true(r.out_len > 3);
    assert_memory_equal(r.out, "\xEF\xBB\xBF", 3);
    const char *header = "id,name,value [km/km2],numerator [km],denominator [km2],length_m [m],"
                         "area_m2 [m2]\r\n";
    assert_memory_equal(r.out + 3, header, strlen(header));
    /* rows: Z1, Z2 (name quoted: it holds a comma), total */
    const char *z1 = r.out + 3 + strlen(header);
    assert_true(!strncmp(z1, "Z1,Zone A,2,2,1,2000,1000000\r\n", 30));
    const char *z2 = strstr(r.out, "\r\nZ2,");
    assert_non_null(z2);
    z2 += 2;
    assert_true(!strncmp(z2, "Z2,\"Zone B, east\",", 18));
    /* the value in full precision */
    double v = strtod(z2 + 18, NULL);
    assert_double_near(v, Z2_KM, 1e-14);
    const char *tot = strstr(r.out, "\r\ntotal,total,");
    assert_non_null(tot);
    assert_double_near(strtod(tot + strlen("\r\ntotal,total,"), NULL), TOTAL_KM / 2, 1e-14);
    /* four records, each ending CRLF */
    size_t lines = 0;
    for (size_t i = 0; i + 1 < r.out_len; i++)
        lines += r.out[i] == '\r' && r.out[i + 1] == '\n';
    assert_int_equal(lines, 4);
    assert_int_equal(r.out[r.out_len - 1], '\n');
}

/* A name with a double quote is doubled inside quotes (RFC 4180), and
 * Chinese names pass through as UTF-8. */
static void test_csv_quotes_and_chinese(void **state)
{
    (void)state;
    TEST_DIR(dir);
    char zones[1200], roads[1200];
    write_text(path_in(zones, sizeof zones, dir, "zones.geojson"),
               "{\"type\":\"FeatureCollection\",\n" CRS_4549 "\"features\":[\n"
               "{\"type\":\"Feature\",\"properties\":{\"code\":\"Q\",\"name\":\"the \\\"Q\\\" "
               "zone\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],"
               "[501000,4000000],[501000,4001000],[500000,4001000],[500000,4000000]]]}},\n"
               "{\"type\":\"Feature\",\"properties\":{\"code\":\"L\",\"name\":\"李沧区\"},"
               "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[501000,4000000],"
               "[502000,4000000],[502000,4001000],[501000,4001000],[501000,4000000]]]}}\n"
               "]}\n");
    write_text(path_in(roads, sizeof roads, dir, "roads.geojson"), ROADS);
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", zones, "--lines", roads, "--format",
           "csv", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "\r\nQ,\"the \"\"Q\"\" zone\",2,");
    assert_contains(r.out, "\r\nL,李沧区,");
    /* and the text table still prints them */
    gp_run(&r, "measure", "length-density", "--zones", zones, "--lines", roads, NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "李沧区");
}

/* ------------------------------------------------------------------ */
/* area-share                                                          */
/* ------------------------------------------------------------------ */

static void test_area_share_union(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    json_object *j = gp_json("measure", "area-share", "--zones", in.zones, "--cover", in.cover,
                             "--format", "json", NULL);
    assert_string_equal(jstr(j, "kernel"), "area-share");
    assert_string_equal(jstr(j, "unit"), "%");
    /* overlapping C1 and C2 count once: 437,500 m2, not 500,000 */
    assert_double_near(jdbl(j, "zones.0.numerator"), 437500.0, 1e-6);
    assert_double_near(jdbl(j, "zones.0.denominator"), 1e6, 1e-6);
    assert_double_near(jdbl(j, "zones.0.value"), 43.75, 1e-10);
    assert_double_near(jdbl(j, "zones.1.numerator"), 100000.0, 1e-6);
    assert_double_near(jdbl(j, "zones.1.value"), 10.0, 1e-10);
    assert_double_near(jdbl(j, "total.numerator"), 537500.0, 1e-6);
    assert_double_near(jdbl(j, "total.value"), 26.875, 1e-10);
    /* 437,500 m2 = 656.25 mu (1 mu = 10000/15 m2) */
    assert_double_near(jdbl(j, "zones.0.covered_mu"), 656.25, 1e-9);
    assert_double_near(jdbl(j, "zones.0.covered_ha"), 43.75, 1e-10);

    /* the same ÷ the west half of Z1 (0.5 km2): C1 250,000 m2 plus C2's
     * [500250,500500] x [4000500,4000750] = 62,500 m2 -> 62.5 % */
    j = gp_json("measure", "area-share", "--zones", in.zones, "--cover", in.cover,
                "--denominator", in.half, "--format", "json", NULL);
    assert_double_near(jdbl(j, "zones.0.numerator"), 312500.0, 1e-6);
    assert_double_near(jdbl(j, "zones.0.denominator"), 500000.0, 1e-6);
    assert_double_near(jdbl(j, "zones.0.value"), 62.5, 1e-10);
}

/* ------------------------------------------------------------------ */
/* --out-layer                                                         */
/* ------------------------------------------------------------------ */

static OGRFeatureH feature_by_id(OGRLayerH L, const char *id)
{
    OGR_L_ResetReading(L);
    OGRFeatureH F;
    int fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(L), "id");
    assert_true(fi >= 0);
    while ((F = OGR_L_GetNextFeature(L)) != NULL) {
        if (!strcmp(OGR_F_GetFieldAsString(F, fi), id))
            return F;
        OGR_F_Destroy(F);
    }
    print_error("no feature with id %s\n", id);
    fail();
    return NULL;
}

static double field_double(OGRFeatureH F, const char *name)
{
    int i = OGR_FD_GetFieldIndex(OGR_F_GetDefnRef(F), name);
    if (i < 0) {
        print_error("no field %s\n", name);
        fail();
    }
    return OGR_F_GetFieldAsDouble(F, i);
}

static void test_out_layer_gpkg(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    char out[1200];
    path_in(out, sizeof out, dir, "result.gpkg");
    for (int pass = 0; pass < 2; pass++) { /* the second run overwrites */
        gp_result r;
        gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", in.roads,
               "--class-field", "kind", "--out-layer", out, "--format", "json", NULL);
        assert_exit(&r, 0);
        assert_true(file_exists(out));
        assert_false(dir_has(dir, ".tmp"));
        assert_false(dir_has(dir, "-journal"));
    }
    GDALDatasetH ds = GDALOpenEx(out, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    assert_string_equal(GDALGetDriverShortName(GDALGetDatasetDriver(ds)), "GPKG");
    OGRLayerH L = GDALDatasetGetLayerByName(ds, "zones");
    assert_non_null(L);
    assert_int_equal(OGR_L_GetFeatureCount(L, TRUE), 2);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(L);
    assert_non_null(srs);
    assert_string_equal(OSRGetAuthorityCode(srs, NULL), "4549");
    OGRFeatureH F = feature_by_id(L, "Z2");
    assert_string_equal(OGR_F_GetFieldAsString(F, OGR_F_GetFieldIndex(F, "name")), "Zone B, east");
    assert_double_near(field_double(F, "value"), Z2_KM, 1e-14);
    assert_double_near(field_double(F, "numerator"), Z2_KM, 1e-14);
    assert_double_near(field_double(F, "denominator"), 1.0, 1e-14);
    /* "km:local" made a safe field name */
    assert_double_near(field_double(F, "km_local"), SQRT2, 1e-14);
    OGRGeometryH g = OGR_F_GetGeometryRef(F);
    assert_non_null(g);
    assert_double_near(OGR_G_Area(g), 1e6, 1e-6); /* the zone polygon, 1 km2 */
    OGR_F_Destroy(F);
    F = feature_by_id(L, "Z1");
    assert_double_near(field_double(F, "value"), Z1_KM, 1e-14);
    OGR_F_Destroy(F);
    /* the total and the parameters as tables */
    OGRLayerH T = GDALDatasetGetLayerByName(ds, "total");
    assert_non_null(T);
    F = feature_by_id(T, "total");
    assert_double_near(field_double(F, "value"), TOTAL_KM / 2, 1e-14);
    OGR_F_Destroy(F);
    /* the parameters, with the unit of each column */
    OGRLayerH P = GDALDatasetGetLayerByName(ds, "params");
    assert_non_null(P);
    int found_unit = 0;
    OGR_L_ResetReading(P);
    while ((F = OGR_L_GetNextFeature(P)) != NULL) {
        if (!strcmp(OGR_F_GetFieldAsString(F, 0), "unit:value"))
            found_unit = !strcmp(OGR_F_GetFieldAsString(F, 1), "km/km2");
        OGR_F_Destroy(F);
    }
    assert_true(found_unit);
    GDALClose(ds);
    /* GDAL's GeoPackage conformance checker (python3-gdal), when present */
    const char *validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";
    if (access(validator, R_OK) == 0 && access("/usr/bin/python3", X_OK) == 0) {
        char cmd[2600];
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s '%s'", validator, out);
        assert_int_equal(system(cmd), 0);
    } else {
        fprintf(stderr, "%s: validate_gpkg.py not installed: GeoPackage not validated\n",
                __func__);
    }
}

/* A failing run (an invalid zone under the default policy stop) exits 3
 * naming the feature and the fix, and leaves no output: neither a new file
 * nor a change to an existing one, nor a temporary file. */
static void test_failed_run_leaves_no_output(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    char bad[1200], out[1200], old[1200];
    write_text(path_in(bad, sizeof bad, dir, "bowtie.geojson"), ZONES_BOWTIE);
    path_in(out, sizeof out, dir, "new.gpkg");
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", bad, "--lines", in.roads, "--out-layer",
           out, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "bowtie.geojson");
    assert_contains(r.err, "FID 1");
    assert_contains(r.err, "--invalid fix");
    assert_int_equal(r.out_len, 0);
    assert_false(file_exists(out));
    write_text(path_in(old, sizeof old, dir, "old.gpkg"), "previous contents");
    gp_run(&r, "measure", "length-density", "--zones", bad, "--lines", in.roads, "--out-layer",
           old, NULL);
    assert_exit(&r, 3);
    char *kept = own(slurp(old, NULL));
    assert_string_equal(kept, "previous contents");
    assert_false(dir_has(dir, ".tmp"));
    /* into a directory that does not exist: exit 3, nothing made */
    char nodir[1200];
    path_in(nodir, sizeof nodir, dir, "no/such/dir/out.gpkg");
    gp_run(&r, "measure", "length-density", "--zones", in.zones, "--lines", in.roads,
           "--out-layer", nodir, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "--out-layer");
    assert_false(dir_has(dir, ".tmp"));
    /* with --invalid fix the same run works */
    gp_run(&r, "measure", "length-density", "--zones", bad, "--lines", in.roads, "--invalid",
           "fix", "--out-layer", out, NULL);
    assert_exit(&r, 0);
    assert_true(file_exists(out));
}

/* The output may not be one of the inputs. */
static void test_out_layer_refuses_input(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    char gpkg[1200];
    path_in(gpkg, sizeof gpkg, dir, "zones.gpkg");
    {
        const char *opts[] = {"-f", "GPKG", NULL};
        char **argv = NULL;
        for (size_t i = 0; opts[i]; i++)
            argv = CSLAddString(argv, opts[i]);
        GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(argv, NULL);
        GDALDatasetH src = GDALOpenEx(in.zones, GDAL_OF_VECTOR, NULL, NULL, NULL);
        assert_non_null(src);
        int usage = 0;
        GDALDatasetH dst = GDALVectorTranslate(gpkg, NULL, 1, &src, o, &usage);
        assert_non_null(dst);
        GDALClose(dst);
        GDALClose(src);
        GDALVectorTranslateOptionsFree(o);
        CSLDestroy(argv);
    }
    size_t before = 0, after = 0;
    char *a = own(slurp(gpkg, &before));
    char layer_arg[1300];
    snprintf(layer_arg, sizeof layer_arg, "%s:zones", gpkg);
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", layer_arg, "--lines", in.roads,
           "--out-layer", gpkg, NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "input");
    char *b = own(slurp(gpkg, &after));
    assert_int_equal(before, after);
    assert_memory_equal(a, b, before);
}

/* Results do not depend on the number of threads. */
static void test_threads_same_output(void **state)
{
    (void)state;
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    gp_result r1, r2;
    gp_run(&r1, "measure", "area-share", "--zones", in.zones, "--cover", in.cover, "--threads",
           "1", "--format", "json", NULL);
    gp_run(&r2, "measure", "area-share", "--zones", in.zones, "--cover", in.cover, "--threads",
           "2", "--format", "json", NULL);
    assert_exit(&r1, 0);
    assert_exit(&r2, 0);
    assert_string_equal(r1.out, r2.out);
}

/* ------------------------------------------------------------------ */
/* Real data (../shared/data)                                          */
/* ------------------------------------------------------------------ */

/* QGIS Processing's "Sum line lengths" test (native:sumlinelengths on
 * lines.gml x polys.gml): our length_m per zone equals QGIS's line_len in
 * expected/sum_line_length.gml.  The coordinates are small planar numbers
 * (the files claim EPSG:4326): stated as EPSG:3857 and measured in it, so
 * nothing is transformed. */
static void test_qgis_sum_line_lengths(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(shared);
    char polys[1200], lines[1200], expected[1200];
    snprintf(polys, sizeof polys, "%s/qgis-processing-tests/polys.gml", shared);
    snprintf(lines, sizeof lines, "%s/qgis-processing-tests/lines.gml", shared);
    snprintf(expected, sizeof expected, "%s/qgis-processing-tests/expected/sum_line_length.gml",
             shared);
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", polys, "--lines", lines, "--src-crs",
           "EPSG:3857", "--crs", "EPSG:3857", "--format", "json", NULL);
    assert_exit(&r, 0);
    assert_contains(r.err, "1 feature(s) without geometry left out");
    json_object *j = own_json(json_tokener_parse(r.out));
    assert_non_null(j);
    const char *no_gfs[] = {"WRITE_GFS=NO", NULL}; /* never write into ../shared */
    GDALDatasetH ds = GDALOpenEx(expected, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, no_gfs, NULL);
    assert_non_null(ds);
    OGRLayerH L = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(L);
    int ff = OGR_FD_GetFieldIndex(defn, "fid"), fl = OGR_FD_GetFieldIndex(defn, "line_len");
    int fn = OGR_FD_GetFieldIndex(defn, "name");
    assert_true(ff >= 0 && fl >= 0 && fn >= 0);
    /* polys.4 has no geometry: QGIS lists it with 0, we leave it out (a
     * zone without geometry has no area) and say so */
    assert_int_equal(OGR_L_GetFeatureCount(L, TRUE), 6);
    assert_int_equal(jlen(j, "zones"), 5);
    OGRFeatureH F;
    size_t i = 0, matched = 0;
    /* the README's values, as a check that the file is the one meant */
    const double readme[] = {6, 0, 0, 5.828427, 0, 5};
    while ((F = OGR_L_GetNextFeature(L)) != NULL) {
        const char *fid = OGR_F_GetFieldAsString(F, ff); /* "polys.N" */
        assert_true(!strncmp(fid, "polys.", 6));
        double theirs = OGR_F_GetFieldAsDouble(F, fl);
        assert_double_near(theirs, readme[i], 1e-6);
        /* our zone id is the FID N (polys.gml has no id field) */
        json_object *z = NULL;
        for (size_t k = 0; k < jlen(j, "zones"); k++) {
            json_object *c = json_object_array_get_idx(jget(j, "zones"), k);
            if (!strcmp(jstr(c, "id"), fid + 6))
                z = c;
        }
        if (!z) {
            assert_string_equal(fid, "polys.4");
            assert_true(theirs == 0);
        } else {
            double ours = jdbl(z, "length_m");
            /* exact to the 15 significant digits QGIS wrote */
            char buf[64];
            snprintf(buf, sizeof buf, "%.15g", ours);
            if (strtod(buf, NULL) != theirs)
                print_error("%s: ours %.17g, QGIS %.17g\n", fid, ours, theirs);
            assert_true(strtod(buf, NULL) == theirs);
            if (OGR_F_IsFieldSetAndNotNull(F, fn))
                assert_string_equal(jstr(z, "name"), OGR_F_GetFieldAsString(F, fn));
            matched++;
        }
        OGR_F_Destroy(F);
        i++;
    }
    assert_int_equal(matched, 5);
    assert_int_equal(i, 6);
    GDALClose(ds);
}

/* Road density of Liechtenstein's 11 municipalities agrees with PostGIS
 * (tests/data/liechtenstein_postgis.json: road_km = sum of length(road ∩
 * zone) / 1000, area_m2 of each municipality), and does not depend on the
 * number of threads. */
static void test_liechtenstein_road_density(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(shared);
    char munis[1200], roads[1200];
    snprintf(munis, sizeof munis, "%s/osm/liechtenstein-2015/municipalities.shp", shared);
    snprintf(roads, sizeof roads, "%s/osm/liechtenstein-2015/roads.shp", shared);
    gp_result r1, r2;
    gp_run(&r1, "measure", "length-density", "--zones", munis, "--zone-field", "osm_id",
           "--lines", roads, "--threads", "1", "--format", "json", NULL);
    assert_exit(&r1, 0);
    gp_run(&r2, "measure", "length-density", "--zones", munis, "--zone-field", "osm_id",
           "--lines", roads, "--threads", "2", "--format", "json", NULL);
    assert_exit(&r2, 0);
    assert_string_equal(r1.out, r2.out);
    json_object *j = own_json(json_tokener_parse(r1.out));
    assert_non_null(j);
    assert_int_equal(jlen(j, "zones"), 11);
    assert_string_equal(jstr(j, "crs"), "EPSG:32632");

    json_object *peer =
        own_json(json_object_from_file(LIBGEO_SOURCE_DIR "/tests/data/liechtenstein_postgis.json"));
    if (!peer) {
        fprintf(stderr, "SKIP %s: tests/data/liechtenstein_postgis.json not found\n", __func__);
        skip();
    }
    json_object *m = jget(peer, "municipalities");
    double sum_km = 0, sum_km2 = 0;
    for (size_t i = 0; i < 11; i++) {
        json_object *z = json_object_array_get_idx(jget(j, "zones"), i);
        const char *name = jstr(z, "name");
        json_object *p = NULL;
        if (!json_object_object_get_ex(m, name, &p)) {
            print_error("municipality %s not in the PostGIS file\n", name);
            fail();
        }
        assert_string_equal(jstr(z, "id"), jstr(p, "zid"));
        double km = jdbl(p, "road_km"), km2 = jdbl(p, "area_m2") / 1e6;
        /* the same lengths and areas: the file keeps 12 significant
         * digits (at most 5e-12 relative off); before that rounding the two
         * agreed to about 1e-15 (summation order) */
        assert_double_near(jdbl(z, "numerator"), km, km * 1e-11);
        assert_double_near(jdbl(z, "denominator"), km2, km2 * 1e-11);
        assert_double_near(jdbl(z, "value"), km / km2, km / km2 * 2e-11);
        sum_km += km;
        sum_km2 += km2;
    }
    assert_double_near(jdbl(j, "total.value"), sum_km / sum_km2, 2e-11 * sum_km / sum_km2);
}

/* ------------------------------------------------------------------ */
/* PostGIS (LIBGEO_TEST_PG="host=/tmp/lgpg dbname=postgres user=postgres") */
/* ------------------------------------------------------------------ */

/* GDALVectorTranslate (the library side of ogr2ogr) from a GeoJSON to a
 * PostGIS table. */
static void to_postgis(const char *conn, const char *src, const char *table)
{
    const char *opts[] = {"-f", "PostgreSQL", "-nln", table, "-overwrite", NULL};
    char **argv = NULL;
    for (size_t i = 0; opts[i]; i++)
        argv = CSLAddString(argv, opts[i]);
    GDALVectorTranslateOptions *o = GDALVectorTranslateOptionsNew(argv, NULL);
    assert_non_null(o);
    GDALDatasetH in = GDALOpenEx(src, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(in);
    int usage = 0;
    GDALDatasetH out = GDALVectorTranslate(conn, NULL, 1, &in, o, &usage);
    if (!out)
        print_error("GDALVectorTranslate %s -> %s: %s\n", src, conn, CPLGetLastErrorMsg());
    assert_non_null(out);
    GDALClose(out);
    GDALClose(in);
    GDALVectorTranslateOptionsFree(o);
    CSLDestroy(argv);
}

static void pg_drop(const char *conn, const char *table)
{
    GDALDatasetH ds = GDALOpenEx(conn, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
    if (!ds)
        return;
    char sql[256];
    snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", table);
    OGRLayerH res = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (res)
        GDALDatasetReleaseResultSet(ds, res);
    GDALClose(ds);
}

/* Zones and roads as PostGIS tables, each named with tables=: the same
 * numbers as from the files. */
static void test_postgis_inputs(void **state)
{
    (void)state;
    const char *pg = getenv("LIBGEO_TEST_PG");
    if (!pg || !*pg) {
        fprintf(stderr, "SKIP %s: LIBGEO_TEST_PG not set (export "
                        "LIBGEO_TEST_PG=$(bash tests/pg/start.sh))\n", __func__);
        skip();
    }
    TEST_DIR(dir);
    inputs in;
    make_inputs(dir, &in);
    char conn[1100], zones[1200], roads[1200];
    snprintf(conn, sizeof conn, "PG:%s", pg);
    to_postgis(conn, in.zones, "lg_test_measure_zones");
    to_postgis(conn, in.roads, "lg_test_measure_roads");
    snprintf(zones, sizeof zones, "PG:%s tables=lg_test_measure_zones", pg);
    snprintf(roads, sizeof roads, "PG:%s tables=lg_test_measure_roads", pg);
    gp_result r;
    gp_run(&r, "measure", "length-density", "--zones", zones, "--lines", roads, "--format",
           "json", NULL);
    pg_drop(conn, "lg_test_measure_zones");
    pg_drop(conn, "lg_test_measure_roads");
    assert_exit(&r, 0);
    json_object *j = own_json(json_tokener_parse(r.out));
    assert_non_null(j);
    assert_string_equal(jstr(j, "crs"), "EPSG:4549");
    assert_int_equal(jlen(j, "zones"), 2);
    assert_string_equal(jstr(j, "zones.1.name"), "Zone B, east");
    assert_double_near(jdbl(j, "zones.0.value"), Z1_KM, 1e-12);
    assert_double_near(jdbl(j, "zones.1.value"), Z2_KM, 1e-12);
    assert_double_near(jdbl(j, "total.value"), TOTAL_KM / 2, 1e-12);
}

/* ------------------------------------------------------------------ */

#define T(f) cmocka_unit_test_teardown(f, free_owned)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_help),
        T(test_unknown_kind_lists_kinds),
        T(test_missing_role_names_flag),
        T(test_flag_for_another_kind),
        T(test_bad_input_exit_3),
        T(test_length_density_json),
        T(test_json_full_precision),
        T(test_length_density_classes),
        T(test_where_filters),
        T(test_denominator_and_no_value),
        T(test_length_density_text),
        T(test_csv),
        T(test_csv_quotes_and_chinese),
        T(test_area_share_union),
        T(test_out_layer_gpkg),
        T(test_failed_run_leaves_no_output),
        T(test_out_layer_refuses_input),
        T(test_threads_same_output),
        T(test_qgis_sum_line_lengths),
        T(test_liechtenstein_road_density),
        T(test_postgis_inputs),
    };
    return cmocka_run_group_tests_name("geoplan measure", tests, lg_cli_group_setup,
                                       lg_cli_group_teardown);
}
