/*
 * test_cli_evaluate: `geoplan validate` and `geoplan evaluate`, run as a
 * separate process on the demo workspace (`geoplan demo --scale S --seed 1`,
 * generated once for the group) and on small hand-made projects.
 *
 * Checked: exit statuses (0 ran, 1 --fail-on-miss with a binding target
 * missed, 2 usage, 3 bad input); FILE:LINE:COL on stderr; the four output
 * files (indicators.csv with its BOM, indicators.json parsed with json-c,
 * results.gpkg opened with GDAL, report.md); that a failed run replaces and
 * leaves no file in --out; that the inputs are not modified.  The demo's
 * forest cover is compared with 16.5 % through the PostGIS reference
 * (tests/data/demo_S_seed1_postgis.json), not a hard-coded expectation.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define LG_CLI_TEST_NAME "test_cli_evaluate"
#define LG_CLI_DIR_PREFIX "cli_evaluate_"
#include <math.h>

#include "lg_cli_run.h"

#include <gdal.h>
#include <json-c/json.h>
#include <ogr_api.h>

static char g_demo[1024];   /* the demo workspace */
static char g_project[1200]; /* its project.yaml */

static int group_setup(void **state)
{
    if (lg_cli_group_setup(state) != 0)
        return -1;
    const char *t = lg_test_tmpdir("cli_evaluate_demo");
    if (!t)
        return -1;
    snprintf(g_demo, sizeof g_demo, "%s/city", t);
    char cmd[2400];
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s' --scale S --seed 1 --quiet", GEOPLAN_BIN,
             g_demo);
    if (system(cmd) != 0) {
        fprintf(stderr, "test_cli_evaluate: %s failed\n", cmd);
        return -1;
    }
    snprintf(g_project, sizeof g_project, "%s/project.yaml", g_demo);
    return access(g_project, R_OK) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* helpers                                                             */

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The names in dir (not . and ..), sorted, joined by '\n' (owned). */
static char *listing(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return own(strdup("(absent)"));
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 512)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    closedir(d);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(names[i]) + 1;
    char *out = calloc(1, len);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) {
        strcat(out, names[i]);
        strcat(out, "\n");
        free(names[i]);
    }
    return own(out);
}

/* Every file of dir: name, size, mtime (ns) and an FNV-1a hash of its
 * bytes, one line each (owned). */
static char *snapshot(const char *dir)
{
    char *names = listing(dir);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    out[0] = 0;
    for (char *line = names, *nl; *line; line = nl + 1) {
        nl = strchr(line, '\n');
        char name[512], path[1600];
        snprintf(name, sizeof name, "%.*s", (int)(nl - line), line);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        size_t n = 0;
        char *bytes = slurp(path, &n);
        assert_non_null(bytes);
        uint64_t h = 1469598103934665603ULL;
        for (size_t i = 0; i < n; i++)
            h = (h ^ (unsigned char)bytes[i]) * 1099511628211ULL;
        free(bytes);
        char row[800];
        int w = snprintf(row, sizeof row, "%s %lld %lld.%09ld %016llx\n", name,
                         (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                         st.st_mtim.tv_nsec, (unsigned long long)h);
        if (len + (size_t)w + 1 > cap) {
            cap = 2 * (len + (size_t)w + 1);
            char *o = realloc(out, cap);
            assert_non_null(o);
            out = o;
        }
        memcpy(out + len, row, (size_t)w + 1);
        len += (size_t)w;
    }
    return own(out);
}

#define CRS_4549                                                                             \
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},"

/* Zone A [500000,501000] x [4000000,4001000]; a road of 800 m in it. */
static const char ZONES[] =
    "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"A\",\"name\":\"甲区\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[501000,4000000],"
    "[501000,4001000],[500000,4001000],[500000,4000000]]]}}]}\n";
static const char ROADS[] =
    "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"class\":\"main\"},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[500100,4000500],[500900,4000500]]}}]}\n";
/* A bow-tie zone: its ring crosses itself (invalid; INVALID=stop fails). */
static const char BOWTIE[] =
    "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"BT\",\"name\":\"bow tie\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[502000,4000000],"
    "[503000,4001000],[503000,4000000],[502000,4001000],[502000,4000000]]]}}]}\n";

/* A small project in dir: zones from `zones_file`, roads from `roads_path`. */
static const char *small_project(char *buf, size_t n, const char *dir, const char *zones_file,
                                 const char *roads_path)
{
    char p[1200], text[2000];
    write_text(path_in(p, sizeof p, dir, "zones.geojson"), ZONES);
    write_text(path_in(p, sizeof p, dir, "roads.geojson"), ROADS);
    write_text(path_in(p, sizeof p, dir, "bowtie.geojson"), BOWTIE);
    snprintf(text, sizeof text,
             "geoplan: project/1\n"
             "layers:\n"
             "  districts: {path: %s, role: district, fields: {id: code, name: name}}\n"
             "  roads: {path: %s, role: roads}\n"
             "indicators:\n"
             "  road_km: {kernel: length-density, inputs: {lines: roads}, column: numerator,"
             " unit: km}\n"
             "targets:\n"
             "  - {id: t, indicator: road_km, level: district, zone: total, compare: \">=\","
             " value: 1, unit: km, binding: true}\n",
             zones_file, roads_path);
    write_text(path_in(buf, n, dir, "project.yaml"), text);
    return buf;
}

/* 100 forest_m2 / area_m2 of the district in the PostGIS reference: the
 * cover of all of forest.shp (the demo project counts only part of it, so
 * its forest cover is at most this). */
static double reference_forest_cover(void)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/tests/data/demo_S_seed1_postgis.json", LIBGEO_SOURCE_DIR);
    json_object *doc = own_json(json_object_from_file(path));
    assert_non_null(doc);
    json_object *d = jget(doc, "zones.district");
    assert_int_equal(json_object_object_length(d), 1);
    double cover = NAN;
    json_object_object_foreach(d, id, z)
    {
        (void)id;
        cover = 100 * jdbl(z, "forest_m2") / jdbl(z, "area_m2");
    }
    return cover;
}

/* ------------------------------------------------------------------ */
/* validate                                                            */

static void test_validate_demo(void **state)
{
    (void)state;
    gp_result r;
    gp_run(&r, "validate", g_project, NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "valid");
    assert_contains(r.out, "2 zone levels");
    /* warnings name the indicators this demo cannot measure */
    assert_contains(r.err, "warning: ");
    assert_contains(r.err, "no data");
    gp_run(&r, "validate", "--no-data", g_project, NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "valid");
    gp_run(&r, "validate", "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "FILE:LINE:COL");
}

static void test_validate_bad(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    write_text(path_in(f, sizeof f, d, "bad.yaml"),
               /* 1 */ "geoplan: project/1\n"
               /* 2 */ "layers:\n"
               /* 3 */ "  roads: {path: roads.geojson, rloe: roads}\n"
               /* 4 */ "targets:\n"
               /* 5 */ "  - id: t1\n"
               /* 6 */ "    vlaue: 3\n");
    gp_result r;
    gp_run(&r, "validate", f, NULL);
    assert_exit(&r, 3);
    char want[1400];
    snprintf(want, sizeof want, "%s:3:32: unknown key 'rloe'", f);
    assert_contains(r.err, want);
    snprintf(want, sizeof want, "%s:6:5: unknown key 'vlaue'", f);
    assert_contains(r.err, want);
    assert_contains(r.err, "2 errors");
    assert_int_equal(r.out_len, 0);

    /* a YAML syntax error */
    write_text(f, "geoplan: project/1\nname: a: b\n");
    gp_run(&r, "validate", f, NULL);
    assert_exit(&r, 3);
    snprintf(want, sizeof want, "%s:2:8: YAML syntax", f);
    assert_contains(r.err, want);

    /* a layer that cannot be opened: validate opens them (not with --no-data) */
    small_project(f, sizeof f, d, "zones.geojson", "no_such_roads.geojson");
    gp_run(&r, "validate", f, NULL);
    assert_exit(&r, 3);
    snprintf(want, sizeof want, "%s:4:3: layer 'roads'", f);
    assert_contains(r.err, want);
    assert_contains(r.err, "no_such_roads.geojson");
    gp_run(&r, "validate", "--no-data", f, NULL);
    assert_exit(&r, 0);

    /* an include that is not found; then found with --targets */
    char sets[1300], set[1400];
    snprintf(sets, sizeof sets, "%s/sets", d);
    assert_int_equal(mkdir(sets, 0777), 0);
    write_text(path_in(set, sizeof set, sets, "x01_set.yaml"),
               "geoplan: target-set/1\nid: x01_set\n");
    write_text(f, "geoplan: project/1\ninclude: [x01_set]\n");
    gp_run(&r, "validate", f, NULL);
    assert_exit(&r, 3);
    snprintf(want, sizeof want, "%s:2:11: include: no target set 'x01_set'", f);
    assert_contains(r.err, want);
    gp_run(&r, "validate", "--targets", sets, f, NULL);
    assert_exit(&r, 0);
}

/* ------------------------------------------------------------------ */
/* evaluate                                                            */

static void test_evaluate_outputs(void **state)
{
    (void)state;
    TEST_DIR(d);
    char out[1300], p[1500];
    snprintf(out, sizeof out, "%s/evaluation", d);
    gp_result r;
    gp_run(&r, "evaluate", g_project, "--out", out, NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "met");
    assert_contains(r.out, "indicators.csv");
    assert_string_equal(listing(out),
                        "indicators.csv\nindicators.json\nreport.md\nresults.gpkg\n");

    /* indicators.csv: BOM, header, Chinese text */
    size_t n = 0;
    char *csv = own(slurp(path_in(p, sizeof p, out, "indicators.csv"), &n));
    assert_non_null(csv);
    assert_true(n > 3);
    assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
    char *eol = strstr(csv, "\r\n");
    assert_non_null(eol);
    char header[1024];
    snprintf(header, sizeof header, "%.*s", (int)(eol - csv - 3), csv + 3);
    static const char *const COLS[] = {"level",  "zone_id",   "zone_name", "indicator",
                                       "title_zh", "title_en", "value",    "unit",
                                       "target_id", "compare", "target",   "status",
                                       "gap",    "binding",   "year",      "reason",
                                       "variant", "source_document", "source_text"};
    for (size_t i = 0; i < sizeof COLS / sizeof COLS[0]; i++) {
        char col[64];
        snprintf(col, sizeof col, ",%s,", COLS[i]);
        char h2[1100];
        snprintf(h2, sizeof h2, ",%s,", header);
        assert_contains(h2, col);
    }
    assert_true(strncmp(header, "level,", 6) == 0);
    assert_contains(csv, "李沧区");
    assert_contains(csv, "森林覆盖率");
    assert_contains(csv, "约束性");
    assert_contains(csv, "t000_forest_cover_2025");

    /* indicators.json: every row has the keys; the summary adds up */
    json_object *j = own_json(json_object_from_file(path_in(p, sizeof p, out, "indicators.json")));
    assert_non_null(j);
    assert_contains(jstr(j, "project"), "李沧区");
    assert_string_equal(jstr(j, "crs"), "EPSG:4549");
    json_object *rows = jget(j, "rows");
    size_t nrows = json_object_array_length(rows);
    assert_true(nrows > 20);
    static const char *const KEYS[] = {"level", "zone_id", "zone_name", "indicator", "title",
                                       "value", "unit",    "status",    "gap",       "gap_rel",
                                       "reason", "variant", "target"};
    static const char *const STATUS[] = {"met", "not met", "no data", "not applicable",
                                         "no target"};
    static const char *const SKEYS[] = {"met", "not_met", "no_data", "not_applicable",
                                        "no_target"};
    size_t count[5] = {0};
    const char *indicators[64];
    size_t nind = 0;
    json_object *forest = NULL;
    for (size_t i = 0; i < nrows; i++) {
        json_object *row = json_object_array_get_idx(rows, i);
        for (size_t k = 0; k < sizeof KEYS / sizeof KEYS[0]; k++)
            if (!jexists(row, KEYS[k]))
                fail_msg("row %zu has no %s: %s", i, KEYS[k], json_object_to_json_string(row));
        assert_true(jhas(row, "title.zh") && jhas(row, "title.en"));
        const char *s = jstr(row, "status");
        int known = 0;
        for (int k = 0; k < 5; k++)
            if (!strcmp(s, STATUS[k]))
                count[k]++, known = 1;
        assert_true(known);
        if (jhas(row, "target")) {
            assert_true(jhas(row, "target.id") && jhas(row, "target.compare") &&
                        jexists(row, "target.binding") && jhas(row, "target.source"));
            if (!strcmp(jstr(row, "target.id"), "t000_forest_cover_2025"))
                forest = row;
        } else {
            assert_string_equal(s, "no target");
        }
        const char *ind = jstr(row, "indicator");
        size_t k = 0;
        while (k < nind && strcmp(indicators[k], ind))
            k++;
        if (k == nind && nind < 64)
            indicators[nind++] = ind;
    }
    size_t total = 0;
    for (int k = 0; k < 5; k++) {
        char key[64];
        snprintf(key, sizeof key, "summary.%s", SKEYS[k]);
        assert_int_equal(jint(j, key), count[k]);
        total += count[k];
    }
    assert_int_equal(total, nrows);
    /* the demo's forest cover: the forest layer is filtered, so at most the
     * cover of all of forest.shp in PostGIS, below 16.5 %: not met */
    assert_non_null(forest);
    double bound = reference_forest_cover();
    assert_true(bound < 16.5);
    assert_string_equal(jstr(forest, "status"), "not met");
    assert_true(jdbl(forest, "value") <= bound * (1 + 1e-9));
    assert_true(jdbl(forest, "value") > 0);
    assert_double_near(jdbl(forest, "gap"), jdbl(forest, "value") - 16.5, 1e-9);
    assert_true(json_object_get_boolean(jget(forest, "target.binding")));
    assert_int_equal(jint(j, "summary.binding_not_met") >= 1, 1);

    /* results.gpkg: a layer per level, a column per indicator */
    GDALDatasetH ds = GDALOpenEx(path_in(p, sizeof p, out, "results.gpkg"), GDAL_OF_VECTOR,
                                 NULL, NULL, NULL);
    assert_non_null(ds);
    static const struct {
        const char *name;
        GIntBig features;
    } LV[] = {{"district", 1}, {"street", 11}};
    for (size_t l = 0; l < 2; l++) {
        OGRLayerH L = GDALDatasetGetLayerByName(ds, LV[l].name);
        if (!L)
            fail_msg("results.gpkg has no layer %s", LV[l].name);
        assert_int_equal(OGR_L_GetFeatureCount(L, 1), LV[l].features);
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(L);
        for (size_t k = 0; k < nind; k++)
            if (OGR_FD_GetFieldIndex(defn, indicators[k]) < 0)
                fail_msg("layer %s has no column %s", LV[l].name, indicators[k]);
        assert_true(OGR_FD_GetGeomType(defn) != wkbNone);
    }
    /* the district's forest cover, as in the JSON */
    OGRLayerH L = GDALDatasetGetLayerByName(ds, "district");
    OGR_L_ResetReading(L);
    OGRFeatureH feat = OGR_L_GetNextFeature(L);
    assert_non_null(feat);
    int fi = OGR_F_GetFieldIndex(feat, "forest_cover");
    assert_true(fi >= 0);
    assert_double_near(OGR_F_GetFieldAsDouble(feat, fi), jdbl(forest, "value"),
                       1e-9 * jdbl(forest, "value"));
    OGR_F_Destroy(feat);
    GDALClose(ds);

    /* report.md */
    char *md = own(slurp(path_in(p, sizeof p, out, "report.md"), NULL));
    assert_non_null(md);
    assert_true(md[0] == '#');
    assert_contains(md, "森林覆盖率");
    assert_contains(md, "forest cover");
    assert_contains(md, "t000_forest_cover_2025");

    /* a second run into the same directory replaces the files */
    gp_run(&r, "evaluate", g_project, "--out", out, "--quiet", NULL);
    assert_exit(&r, 0);
    assert_int_equal(r.out_len, 0);
    assert_string_equal(listing(out),
                        "indicators.csv\nindicators.json\nreport.md\nresults.gpkg\n");
}

static void test_fail_on_miss(void **state)
{
    (void)state;
    TEST_DIR(d);
    char out[1300];
    snprintf(out, sizeof out, "%s/evaluation", d);
    /* the premise, from PostGIS: all of forest.shp covers less than 16.5 %
     * of the district, so the binding 16.5 % target (t000_forest_cover_2025)
     * cannot be met by the filtered forest either */
    double bound = reference_forest_cover();
    printf("[ INFO     ] forest cover of all of forest.shp (PostGIS): %.4f %%\n", bound);
    assert_true(bound < 16.5);
    gp_result r;
    gp_run(&r, "evaluate", g_project, "--out", out, "--fail-on-miss", NULL);
    assert_exit(&r, 1);
    assert_contains(r.out, "binding target missed");
    assert_contains(r.out, "森林覆盖率");
    assert_true(file_exists(out)); /* the files are written all the same */
    char p[1500];
    assert_true(file_exists(path_in(p, sizeof p, out, "indicators.json")));
    gp_run(&r, "evaluate", g_project, "--out", out, NULL);
    assert_exit(&r, 0);

    /* a binding target that is met (800 m >= 700 m): exit 0 with --fail-on-miss */
    char f[1200];
    small_project(f, sizeof f, d, "zones.geojson", "roads.geojson");
    snprintf(out, sizeof out, "%s/small", d);
    gp_run(&r, "evaluate", f, "--out", out, "--fail-on-miss", NULL);
    assert_exit(&r, 1); /* 0.8 km < 1 km */
    write_text(f, "geoplan: project/1\n"
                  "layers:\n"
                  "  districts: {path: zones.geojson, role: district}\n"
                  "  roads: {path: roads.geojson, role: roads}\n"
                  "indicators:\n"
                  "  road_km: {kernel: length-density, inputs: {lines: roads}, column: numerator,"
                  " unit: km}\n"
                  "targets:\n"
                  "  - {id: t, indicator: road_km, level: district, zone: total, compare: \">=\","
                  " value: 700, unit: m, binding: true}\n");
    gp_run(&r, "evaluate", f, "--out", out, "--fail-on-miss", NULL);
    assert_exit(&r, 0);
}

static void test_usage_errors(void **state)
{
    (void)state;
    TEST_DIR(d);
    char file[1200];
    write_text(path_in(file, sizeof file, d, "a_file"), "x\n");
    gp_result r;
    gp_run(&r, "evaluate", g_project, NULL); /* no --out */
    assert_exit(&r, 2);
    assert_contains(r.err, "--out");
    gp_run(&r, "evaluate", "--out", d, NULL); /* no project */
    assert_exit(&r, 2);
    gp_run(&r, "evaluate", g_project, "--out", d, "--fial-on-miss", NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--fial-on-miss");
    gp_run(&r, "evaluate", g_project, g_project, "--out", d, NULL);
    assert_exit(&r, 2);
    gp_run(&r, "evaluate", g_project, "--out", d, "--threads", "0", NULL);
    assert_exit(&r, 2);
    gp_run(&r, "evaluate", g_project, "--out", file, NULL); /* --out is a file */
    assert_exit(&r, 2);
    gp_run(&r, "evaluate", g_project, "--out", NULL); /* --out without its value */
    assert_exit(&r, 2);
    gp_run(&r, "validate", NULL);
    assert_exit(&r, 2);
    gp_run(&r, "validate", g_project, "--out", d, NULL); /* evaluate's option */
    assert_exit(&r, 2);
    gp_run(&r, "validate", g_project, g_project, NULL);
    assert_exit(&r, 2);
    /* nothing was written by any of them */
    assert_string_equal(listing(d), "a_file\n");
    gp_run(&r, "evaluate", "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "--fail-on-miss");
}

/* A run that fails before writing: no file in --out, an existing
 * indicators.csv untouched, a missing --out not created. */
static void test_failed_run_writes_nothing(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200], out[1300], csv[1500], fresh[1300];
    snprintf(out, sizeof out, "%s/evaluation", d);
    assert_int_equal(mkdir(out, 0777), 0);
    write_text(path_in(csv, sizeof csv, out, "indicators.csv"), "old results\n");
    snprintf(fresh, sizeof fresh, "%s/fresh", d);

    /* an unreadable layer (found by the check) */
    small_project(f, sizeof f, d, "zones.geojson", "no_such_roads.geojson");
    gp_result r;
    gp_run(&r, "evaluate", f, "--out", out, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "no_such_roads.geojson");
    assert_string_equal(listing(out), "indicators.csv\n");
    assert_string_equal(own(slurp(csv, NULL)), "old results\n");
    gp_run(&r, "evaluate", f, "--out", fresh, NULL);
    assert_exit(&r, 3);
    assert_false(file_exists(fresh));

    /* a layer that opens but cannot be loaded (an invalid zone with the
     * default invalid: stop): found while evaluating */
    small_project(f, sizeof f, d, "bowtie.geojson", "roads.geojson");
    gp_run(&r, "validate", f, NULL);
    assert_exit(&r, 0);
    gp_run(&r, "evaluate", f, "--out", out, NULL);
    assert_exit(&r, 3);
    assert_contains(r.err, "bowtie.geojson");
    assert_string_equal(listing(out), "indicators.csv\n");
    assert_string_equal(own(slurp(csv, NULL)), "old results\n");
    gp_run(&r, "evaluate", f, "--out", fresh, NULL);
    assert_exit(&r, 3);
    assert_false(file_exists(fresh));

    /* a project with errors */
    write_text(f, "geoplan: project/1\nlayrs: {}\n");
    gp_run(&r, "evaluate", f, "--out", out, NULL);
    assert_exit(&r, 3);
    assert_string_equal(listing(out), "indicators.csv\n");
    assert_string_equal(own(slurp(csv, NULL)), "old results\n");
}

/* A run that fails while putting its files in place (results.gpkg cannot
 * replace what is there: a non-empty directory) must replace no file.
 * Was a bug (fixed): eval_write.c lg_evaluation_write renames the four files one by one;
 * when the third rename fails, indicators.csv and indicators.json have
 * already replaced the old ones (and the message says nothing of it).
 * Repro: mkdir -p out/results.gpkg/x; echo old > out/indicators.csv;
 * geoplan evaluate project.yaml --out out  -> exit 3, out/indicators.csv new. */
static void test_failed_write_replaces_nothing(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200], out[1300], csv[1500], p[1500];
    snprintf(out, sizeof out, "%s/evaluation", d);
    assert_int_equal(mkdir(out, 0777), 0);
    write_text(path_in(csv, sizeof csv, out, "indicators.csv"), "old results\n");
    assert_int_equal(mkdir(path_in(p, sizeof p, out, "results.gpkg"), 0777), 0);
    write_text(path_in(p, sizeof p, out, "results.gpkg/keep"), "x\n");
    small_project(f, sizeof f, d, "zones.geojson", "roads.geojson");
    gp_result r;
    gp_run(&r, "evaluate", f, "--out", out, NULL);
    assert_exit(&r, 3);
    assert_string_equal(listing(out), "indicators.csv\nresults.gpkg\n");
    assert_string_equal(own(slurp(csv, NULL)), "old results\n");
}

/* The inputs (every file of the demo workspace) are the same after an
 * evaluation: names, sizes, times and bytes. */
static void test_inputs_untouched(void **state)
{
    (void)state;
    TEST_DIR(d);
    char out[1300];
    snprintf(out, sizeof out, "%s/evaluation", d);
    char *before = snapshot(g_demo);
    gp_result r;
    gp_run(&r, "evaluate", g_project, "--out", out, NULL);
    assert_exit(&r, 0);
    gp_run(&r, "validate", g_project, NULL);
    assert_exit(&r, 0);
    char *after = snapshot(g_demo);
    assert_string_equal(after, before);
}


/* The shipped 002 set's 批而未供 disposal targets, evaluated on the demo's
 * approvals and supply (its district is 李沧区, not 黄岛区: the project
 * moves the three targets to the whole area).  Each value must be the one
 * `geoplan measure land-stock` gives for that year alone (test_land checks
 * that kernel against hand-computed cases), and met exactly when ≥ 50 %. */
static void test_land_stock_targets(void **state)
{
    (void)state;
    TEST_DIR(d);
    char proj[1200], out[1200], text[4000], p[1600];
    snprintf(text, sizeof text,
             "geoplan: project/1\n"
             "include: [002]\n"
             "layers:\n"
             "  districts: {path: %s/districts.shp, role: district, fields: {id: code}}\n"
             "  approvals: {path: %s/approvals.shp}\n"
             "  supply: {path: %s/supply.shp}\n"
             "targets:\n"
             "  - {id: t002_unsupplied_land_disposal_2022, zone: total}\n"
             "  - {id: t002_unsupplied_land_disposal_2023, zone: total}\n"
             "  - {id: t002_unsupplied_land_disposal_2024, zone: total}\n",
             g_demo, g_demo, g_demo);
    write_text(path_in(proj, sizeof proj, d, "stock.yaml"), text);
    path_in(out, sizeof out, d, "out");
    gp_result r;
    gp_run(&r, "evaluate", proj, "--out", out, "--quiet", NULL);
    assert_exit(&r, 0);
    json_object *j = own_json(json_object_from_file(path_in(p, sizeof p, out, "indicators.json")));
    assert_non_null(j);
    json_object *rows = jget(j, "rows");
    const char *years[] = {"2022", "2023", "2024"};
    for (int y = 0; y < 3; y++) {
        char want_id[64], zones[1300], appr[1300], sup[1300];
        snprintf(want_id, sizeof want_id, "t002_unsupplied_land_disposal_%s", years[y]);
        json_object *m = gp_json("measure", "land-stock", "--zones",
                                 path_in(zones, sizeof zones, g_demo, "districts.shp"),
                                 "--approvals", path_in(appr, sizeof appr, g_demo, "approvals.shp"),
                                 "--supply", path_in(sup, sizeof sup, g_demo, "supply.shp"),
                                 "--years", years[y], "--format", "json", NULL);
        double want = jdbl(m, "total.value");
        int found = 0;
        for (size_t i = 0; i < json_object_array_length(rows); i++) {
            json_object *row = json_object_array_get_idx(rows, i), *t;
            if (!json_object_object_get_ex(row, "target", &t) || !t ||
                strcmp(jstr(row, "target.id"), want_id))
                continue;
            found++;
            assert_string_equal(jstr(row, "zone_id"), "total");
            double got = jdbl(row, "value");
            assert_true(fabs(got - want) <= 1e-12 * fmax(1.0, fabs(want)));
            assert_string_equal(jstr(row, "status"), want >= 50 ? "met" : "not met");
        }
        assert_int_equal(found, 1);
    }
}


/* The low-efficiency and idle-land measures through a project file: the
 * evaluation's values per street and for the whole area equal what
 * `geoplan measure` gives for the same options (test_land_rules checks
 * those measures against hand-computed cases). */
static void test_land_rules_in_project(void **state)
{
    (void)state;
    TEST_DIR(d);
    char proj[1200], out[1200], text[4000], p[1600];
    snprintf(text, sizeof text,
             "geoplan: project/1\n"
             "layers:\n"
             "  streets: {path: %s/streets.shp, role: street, fields: {id: code}}\n"
             "  parcels: {path: %s/landuse.shp}\n"
             "  supply: {path: %s/supply.shp}\n"
             "indicators:\n"
             "  low_mu: {kernel: low-efficiency, inputs: {parcels: parcels},\n"
             "           params: {status_field: status}, column: low_mu, unit: mu}\n"
             "  idle_pct: {kernel: idle-land, inputs: {supply: supply},\n"
             "             params: {as_of: 2024-06-30}, unit: \"%%\"}\n",
             g_demo, g_demo, g_demo);
    write_text(path_in(proj, sizeof proj, d, "land.yaml"), text);
    path_in(out, sizeof out, d, "out");
    gp_result r;
    gp_run(&r, "evaluate", proj, "--out", out, "--quiet", NULL);
    assert_exit(&r, 0);
    json_object *j = own_json(json_object_from_file(path_in(p, sizeof p, out, "indicators.json")));
    assert_non_null(j);
    char zones[1300], parcels[1300], supply[1300];
    json_object *low = gp_json("measure", "low-efficiency", "--zones",
                               path_in(zones, sizeof zones, g_demo, "streets.shp"), "--parcels",
                               path_in(parcels, sizeof parcels, g_demo, "landuse.shp"),
                               "--status-field", "status", "--format", "json", NULL);
    json_object *idle = gp_json("measure", "idle-land", "--zones", zones, "--supply",
                                path_in(supply, sizeof supply, g_demo, "supply.shp"), "--as-of",
                                "2024-06-30", "--format", "json", NULL);
    json_object *rows = jget(j, "rows");
    size_t checked = 0;
    for (size_t i = 0; i < json_object_array_length(rows); i++) {
        json_object *row = json_object_array_get_idx(rows, i);
        const char *ind = jstr(row, "indicator"), *zid = jstr(row, "zone_id");
        json_object *m = !strcmp(ind, "low_mu") ? low : idle;
        const char *col = !strcmp(ind, "low_mu") ? "low_mu" : "value";
        double want = NAN;
        if (!strcmp(zid, "total")) {
            char path[64];
            snprintf(path, sizeof path, "total.%s", col);
            want = jdbl(m, path);
        } else {
            for (size_t z = 0; z < jlen(m, "zones"); z++) {
                json_object *zr = json_object_array_get_idx(jget(m, "zones"), z);
                if (!strcmp(jstr(zr, "id"), zid))
                    want = jdbl(zr, col);
            }
        }
        assert_false(isnan(want));
        assert_true(fabs(jdbl(row, "value") - want) <= 1e-12 * fmax(1.0, fabs(want)));
        checked++;
    }
    assert_int_equal(checked, 2 * 12); /* 11 streets and the total, two indicators */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_validate_demo, free_owned),
        cmocka_unit_test_teardown(test_validate_bad, free_owned),
        cmocka_unit_test_teardown(test_evaluate_outputs, free_owned),
        cmocka_unit_test_teardown(test_fail_on_miss, free_owned),
        cmocka_unit_test_teardown(test_usage_errors, free_owned),
        cmocka_unit_test_teardown(test_failed_run_writes_nothing, free_owned),
        cmocka_unit_test_teardown(test_failed_write_replaces_nothing, free_owned),
        cmocka_unit_test_teardown(test_inputs_untouched, free_owned),
        cmocka_unit_test_teardown(test_land_stock_targets, free_owned),
        cmocka_unit_test_teardown(test_land_rules_in_project, free_owned),
    };
    return cmocka_run_group_tests(tests, group_setup, lg_cli_group_teardown);
}
