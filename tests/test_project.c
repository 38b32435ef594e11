/*
 * test_project: project files and target sets (lg_project_load,
 * lg_project_check), as layers/targets/README.md describes them.
 *
 * Every file is written from this source into a scratch directory, one YAML
 * line per C line with its line number beside it, so the FILE:LINE:COL each
 * error must carry can be read off the source: a block key is at its
 * indentation + 1, a flow mapping at its '{', a value at its first
 * character (or its opening quote).  Each bad file has one kind of mistake;
 * the test asserts the exact "FILE:LINE:COL: " prefix, the key words of the
 * message and how many errors there are (nothing else may be reported).
 * Parse errors stop the checks that need the whole project (kernels, units,
 * levels, roles), so those cases are files that parse cleanly.
 *
 * The merge of a project over an included target set is checked by its
 * effect on an evaluation of small hand-made geometry.
 */
#include "lg_fixture.h"

#include <dirent.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* helpers                                                             */

/* A fresh scratch directory for the calling test. */
#define TEST_DIR(var)                                                                        \
    char var[1024];                                                                          \
    do {                                                                                     \
        char name_[200];                                                                     \
        snprintf(name_, sizeof name_, "project_%s", __func__);                               \
        const char *t_ = lg_test_tmpdir(name_);                                              \
        assert_non_null(t_);                                                                 \
        snprintf(var, sizeof var, "%s", t_);                                                 \
    } while (0)

/* Write the NULL-terminated `lines` (each without its newline) to
 * dir/name; the path goes to `path`. */
static const char *yaml(char *path, size_t n, const char *dir, const char *name,
                        const char *const *lines)
{
    int len = snprintf(path, n, "%s/%s", dir, name);
    assert_true(len > 0 && (size_t)len < n);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; lines[i]; i++)
        fprintf(f, "%s\n", lines[i]);
    assert_int_equal(fclose(f), 0);
    return path;
}

#define YAML(path, dir, name, ...)                                                           \
    yaml(path, sizeof path, dir, name, (const char *const[]){__VA_ARGS__, NULL})

static void print_messages(const lg_project *p)
{
    for (size_t i = 0; i < lg_project_error_count(p); i++)
        print_error("  error: %s\n", lg_project_error(p, i));
    for (size_t i = 0; i < lg_project_warning_count(p); i++)
        print_error("  warning: %s\n", lg_project_warning(p, i));
}

/* One message of `list` (errors or warnings) starts with "FILE:LINE:COL: "
 * and contains every word. */
static int has_message(const lg_project *p, int warnings, const char *file, int line, int col,
                       const char *const *words)
{
    char prefix[1400];
    snprintf(prefix, sizeof prefix, "%s:%d:%d: ", file, line, col);
    size_t n = warnings ? lg_project_warning_count(p) : lg_project_error_count(p);
    for (size_t i = 0; i < n; i++) {
        const char *m = warnings ? lg_project_warning(p, i) : lg_project_error(p, i);
        if (strncmp(m, prefix, strlen(prefix)) != 0)
            continue;
        int all = 1;
        for (size_t k = 0; words[k]; k++)
            all &= strstr(m + strlen(prefix), words[k]) != NULL;
        if (all)
            return 1;
    }
    return 0;
}

static void expect_message(const lg_project *p, int warnings, const char *file, int line,
                           int col, const char *const *words, const char *src, int srcline)
{
    if (has_message(p, warnings, file, line, col, words))
        return;
    print_error("no %s \"%s:%d:%d: ...\" with", warnings ? "warning" : "error", file, line,
                col);
    for (size_t k = 0; words[k]; k++)
        print_error(" [%s]", words[k]);
    print_error("; the project has:\n");
    print_messages(p);
    _fail(src, srcline);
}

#define EXPECT_ERROR(p, file, line, col, ...)                                                \
    expect_message(p, 0, file, line, col, (const char *const[]){__VA_ARGS__, NULL},         \
                   __FILE__, __LINE__)
#define EXPECT_WARNING(p, file, line, col, ...)                                              \
    expect_message(p, 1, file, line, col, (const char *const[]){__VA_ARGS__, NULL},         \
                   __FILE__, __LINE__)

/* Exactly n errors (all of them printed otherwise). */
#define EXPECT_ERRORS(p, n)                                                                  \
    do {                                                                                     \
        if (lg_project_error_count(p) != (size_t)(n)) {                                      \
            print_error("%zu errors, expected %d:\n", lg_project_error_count(p), (int)(n));  \
            print_messages(p);                                                               \
            _fail(__FILE__, __LINE__);                                                       \
        }                                                                                    \
    } while (0)

/* Projects loaded by the running test, freed by unload() or, when an
 * assertion leaves the test, by its teardown (nothing leaks under ASan). */
static lg_project *g_loaded[8];

static lg_project *load_with(const char *path, const char *const *options)
{
    lg_project *p = lg_project_load(ctx, path, options);
    assert_non_null(p);
    for (size_t i = 0; i < 8; i++)
        if (!g_loaded[i])
            return g_loaded[i] = p;
    fail_msg("more than 8 projects loaded at once");
    return NULL;
}

static lg_project *load(const char *path) { return load_with(path, NULL); }

static void unload(lg_project *p)
{
    for (size_t i = 0; i < 8; i++)
        if (g_loaded[i] == p)
            g_loaded[i] = NULL;
    lg_project_free(ctx, p);
}

static lg_evaluation *g_ev;

static int teardown(void **state)
{
    (void)state;
    g_ev = lg_evaluation_free(ctx, g_ev);
    for (size_t i = 0; i < 8; i++)
        g_loaded[i] = lg_project_free(ctx, g_loaded[i]);
    return 0;
}

#define CRS_4549                                                                             \
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},"

/* One zone A [500000,501000] x [4000000,4001000]: 1 km2. */
static const char ZONES[] =
    "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"A\",\"name\":\"甲区\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[501000,4000000],"
    "[501000,4001000],[500000,4001000],[500000,4000000]]]}}]}\n";

/* Roads in A (hand computed):
 *   R1 main  (500100,4000500)-(500900,4000500): 800 m;
 *   R2 main  the exact reverse of R1: 800 m (once with undirected: yes);
 *   R3 local (500500,4000100)-(500500,4000600): 500 m.
 * main, directed: 1600 m; main, undirected: 800 m; all, directed: 2100 m. */
static const char ROADS[] =
    "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"class\":\"main\"},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[500100,4000500],[500900,4000500]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"class\":\"main\"},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[500900,4000500],[500100,4000500]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"class\":\"local\"},\"geometry\":{\"type\":"
    "\"LineString\",\"coordinates\":[[500500,4000100],[500500,4000600]]}}]}\n";

static void write_data(const char *dir)
{
    lg_test_write_file(dir, "zones.geojson", ZONES);
    lg_test_write_file(dir, "roads.geojson", ROADS);
}

/* ------------------------------------------------------------------ */
/* a good file                                                         */

static void test_minimal_project(void **state)
{
    (void)state;
    TEST_DIR(d);
    write_data(d);
    char f[1200];
    YAML(f, d, "minimal.yaml",
         /*  1 */ "# a bureau's smallest useful project",
         /*  2 */ "geoplan: project/1",
         /*  3 */ "name: 最小项目 minimal",
         /*  4 */ "crs: EPSG:4549",
         /*  5 */ "layers:",
         /*  6 */ "  districts: {path: zones.geojson, role: district, fields: {id: code, name: name}}",
         /*  7 */ "  roads: roads.geojson",
         /*  8 */ "indicators:",
         /*  9 */ "  road_km:",
         /* 10 */ "    title: {zh: 道路长度, en: road length}",
         /* 11 */ "    kernel: length-density",
         /* 12 */ "    inputs: {lines: roads}",
         /* 13 */ "    column: numerator",
         /* 14 */ "    unit: km",
         /* 15 */ "targets:",
         /* 16 */ "  - {id: road_km_min, indicator: road_km, level: district, zone: total,",
         /* 17 */ "     compare: \">=\", value: 1, unit: km}");
    lg_project *p = load(f);
    EXPECT_ERRORS(p, 0);
    assert_int_equal(lg_project_warning_count(p), 0);
    assert_string_equal(lg_project_name(p), "最小项目 minimal");
    assert_int_equal(lg_project_layer_count(p), 2);
    /* no levels: one per layer with role district or street */
    assert_int_equal(lg_project_level_count(p), 1);
    assert_int_equal(lg_project_indicator_count(p), 1);
    assert_int_equal(lg_project_target_count(p), 1);
    assert_int_equal(lg_project_check(ctx, p), LG_OK);
    EXPECT_ERRORS(p, 0);
    assert_int_equal(lg_project_warning_count(p), 0);
    unload(p);
}

/* ------------------------------------------------------------------ */
/* syntax and header                                                   */

static void test_yaml_syntax_error(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    YAML(f, d, "syntax.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "name: a: b");
    lg_project *p = load(f);
    /* libyaml stops at the second ':' (column 8) */
    EXPECT_ERROR(p, f, 2, 8, "YAML syntax", "mapping values are not allowed");
    EXPECT_ERRORS(p, 1);
    assert_int_not_equal(lg_project_check(ctx, p), LG_OK);
    unload(p);

    /* an unterminated quote: libyaml's problem mark is the end of the
     * stream (line 4, after the last newline); the opening quote (3:17) is
     * only its context mark, which the message does not give */
    YAML(f, d, "quote.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "layers:",
         /* 3 */ "  roads: {path: \"roads.geojson, role: roads}");
    p = load(f);
    EXPECT_ERROR(p, f, 4, 1, "YAML syntax", "quoted scalar");
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* a file that cannot be read */
    char missing[1300];
    snprintf(missing, sizeof missing, "%s/no_such_project.yaml", d);
    p = load(missing);
    EXPECT_ERRORS(p, 1);
    assert_non_null(strstr(lg_project_error(p, 0), missing));
    assert_non_null(strstr(lg_project_error(p, 0), "cannot read"));
    unload(p);
}

static void test_header(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    /* no geoplan: key at all: the file's first position */
    YAML(f, d, "noheader.yaml",
         /* 1 */ "name: no header",
         /* 2 */ "layers: {}");
    lg_project *p = load(f);
    EXPECT_ERROR(p, f, 1, 1, "geoplan: project/1");
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* a wrong version: at the value */
    YAML(f, d, "version.yaml",
         /* 1 */ "# version 2 does not exist",
         /* 2 */ "geoplan: project/2",
         /* 3 */ "name: x");
    p = load(f);
    EXPECT_ERROR(p, f, 2, 10, "geoplan: project/1", "project/2");
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* a target set given as the project */
    YAML(f, d, "s00_set.yaml",
         /* 1 */ "geoplan: target-set/1",
         /* 2 */ "id: s00_set");
    p = load(f);
    EXPECT_ERROR(p, f, 1, 10, "geoplan: project/1", "target-set/1");
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* a project included as a target set: the error is in the included file */
    char inc[1200];
    YAML(inc, d, "s01_notaset.yaml",
         /* 1 */ "geoplan: project/1");
    YAML(f, d, "includes_project.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [s01_notaset]");
    p = load(f);
    EXPECT_ERROR(p, inc, 1, 10, "geoplan: target-set/1", "project/1");
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* a list, not a mapping */
    YAML(f, d, "list.yaml",
         /* 1 */ "- geoplan: project/1");
    p = load(f);
    EXPECT_ERROR(p, f, 1, 1, "mapping", "geoplan: project/1");
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* an empty file */
    YAML(f, d, "empty.yaml", "# nothing");
    p = load(f);
    EXPECT_ERROR(p, f, 1, 1, "geoplan: project/1");
    EXPECT_ERRORS(p, 1);
    unload(p);
}

/* ------------------------------------------------------------------ */
/* keys                                                                */

static void test_unknown_keys(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    YAML(f, d, "typos.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "layers:",
         /*  3 */ "  districts: {path: zones.geojson, role: district}",
         /*  4 */ "  roads:",
         /*  5 */ "    path: roads.geojson",
         /*  6 */ "    rloe: roads",
         /*  7 */ "indicators:",
         /*  8 */ "  road_km:",
         /*  9 */ "    kernel: length-density",
         /* 10 */ "    inputs: {lines: roads}",
         /* 11 */ "    column: numerator",
         /* 12 */ "    unti: km",
         /* 13 */ "targets:",
         /* 14 */ "  - id: t1",
         /* 15 */ "    indicator: road_km",
         /* 16 */ "    level: district",
         /* 17 */ "    zone: total",
         /* 18 */ "    compare: \">=\"",
         /* 19 */ "    vlaue: 3",
         /* 20 */ "    unit: km",
         /* 21 */ "projcet: x");
    lg_project *p = load(f);
    EXPECT_ERROR(p, f, 6, 5, "unknown key 'rloe'", "layer", "role");
    EXPECT_ERROR(p, f, 12, 5, "unknown key 'unti'", "indicator", "unit");
    EXPECT_ERROR(p, f, 19, 5, "unknown key 'vlaue'", "target", "value");
    EXPECT_ERROR(p, f, 21, 1, "unknown key 'projcet'", "project");
    EXPECT_ERRORS(p, 4);
    unload(p);

    /* in an input, a title and a target's source, too */
    YAML(f, d, "typos2.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "indicators:",
         /*  3 */ "  road_km:",
         /*  4 */ "    title: {zh: 道路长度, eng: road length}",
         /*  5 */ "    kernel: length-density",
         /*  6 */ "    inputs:",
         /*  7 */ "      lines: {role: roads, optinal: true}",
         /*  8 */ "targets:",
         /*  9 */ "  - id: t1",
         /* 10 */ "    source: {document: x, txt: y}");
    p = load(f);
    EXPECT_ERROR(p, f, 4, 23, "unknown key 'eng'", "title");
    EXPECT_ERROR(p, f, 7, 28, "unknown key 'optinal'", "input");
    EXPECT_ERROR(p, f, 10, 27, "unknown key 'txt'", "source");
    EXPECT_ERRORS(p, 3);
    unload(p);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    YAML(f, d, "dup.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "name: one",
         /*  3 */ "layers:",
         /*  4 */ "  districts: {path: zones.geojson, role: district}",
         /*  5 */ "  districts: {path: other.geojson, role: district}",
         /*  6 */ "name: two",
         /*  7 */ "targets:",
         /*  8 */ "  - id: t1",
         /*  9 */ "    indicator: x",
         /* 10 */ "    value: 1",
         /* 11 */ "    compare: \">=\"",
         /* 12 */ "    value: 2");
    lg_project *p = load(f);
    EXPECT_ERROR(p, f, 6, 1, "duplicate key 'name'");
    EXPECT_ERROR(p, f, 12, 5, "duplicate key 'value'", "target");
    EXPECT_ERROR(p, f, 5, 3, "'districts'", "twice");
    EXPECT_ERRORS(p, 3);
    unload(p);
}

/* The same key twice in the indicators and levels mappings: YAML keys are
 * unique, and the second definition must not silently merge into (or
 * shadow) the first.
 * Was a bug (fixed): project.c read_levels and read_indicators (project file) accept a
 * repeated key silently: two levels named 'district' are made (the second
 * is never found by name), and the second road_km is merged field by field
 * into the first (here giving a misleading "unit 'km/km2' does not fit
 * column numerator" at 9:3).  check_keys only runs on mappings of known
 * keys; fields:, select: and params: have the same gap. */
static void test_duplicate_indicator_and_level(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    YAML(f, d, "dup_ind.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "layers:",
         /*  3 */ "  districts: {path: zones.geojson, role: district}",
         /*  4 */ "  roads: roads.geojson",
         /*  5 */ "levels:",
         /*  6 */ "  district: {layer: districts}",
         /*  7 */ "  district: {layer: roads}",
         /*  8 */ "indicators:",
         /*  9 */ "  road_km: {kernel: length-density, inputs: {lines: roads}, column: numerator}",
         /* 10 */ "  road_km: {kernel: length-density, inputs: {lines: roads}, unit: km/km2}");
    lg_project *p = load(f);
    EXPECT_ERROR(p, f, 7, 3, "'district'");
    EXPECT_ERROR(p, f, 10, 3, "'road_km'");
    EXPECT_ERRORS(p, 2);
    unload(p);
}

/* ------------------------------------------------------------------ */
/* indicators                                                          */

static void test_indicator_errors(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    YAML(f, d, "indicators.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "layers:",
         /*  3 */ "  districts: {path: zones.geojson, role: district}",
         /*  4 */ "  roads: roads.geojson",
         /*  5 */ "  parks: parks.geojson",
         /*  6 */ "indicators:",
         /*  7 */ "  a_kernel:",
         /*  8 */ "    kernel: lenght-density",
         /*  9 */ "    inputs: {lines: roads}",
         /* 10 */ "  b_slot:",
         /* 11 */ "    kernel: length-density",
         /* 12 */ "    inputs:",
         /* 13 */ "      lines: roads",
         /* 14 */ "      denominatr: districts",
         /* 15 */ "  c_missing:",
         /* 16 */ "    kernel: coverage",
         /* 17 */ "    inputs: {facilities: parks}",
         /* 18 */ "  d_param:",
         /* 19 */ "    kernel: length-density",
         /* 20 */ "    inputs: {lines: roads}",
         /* 21 */ "    params:",
         /* 22 */ "      class_feild: class",
         /* 23 */ "  e_column:",
         /* 24 */ "    kernel: length-density",
         /* 25 */ "    inputs: {lines: roads}",
         /* 26 */ "    column: lenght_m",
         /* 27 */ "  f_unit:",
         /* 28 */ "    kernel: length-density",
         /* 29 */ "    inputs: {lines: roads}",
         /* 30 */ "    column: numerator",
         /* 31 */ "    unit: kms",
         /* 32 */ "  g_fit:",
         /* 33 */ "    kernel: length-density",
         /* 34 */ "    inputs: {lines: roads}",
         /* 35 */ "    column: numerator",
         /* 36 */ "    unit: m2",
         /* 37 */ "  h_nokernel:",
         /* 38 */ "    inputs: {lines: roads}",
         /* 39 */ "  i_none:",
         /* 40 */ "    kernel: none",
         /* 41 */ "    unit: count");
    lg_project *p = load(f);
    /* h_nokernel is found while parsing, so the other checks wait for it */
    EXPECT_ERROR(p, f, 37, 3, "'h_nokernel'", "no kernel");
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* the same without h_nokernel: each indicator's mistake, at the indicator
     * (kernel, column, unit) or at the input or parameter value */
    YAML(f, d, "indicators2.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "layers:",
         /*  3 */ "  districts: {path: zones.geojson, role: district}",
         /*  4 */ "  roads: roads.geojson",
         /*  5 */ "  parks: parks.geojson",
         /*  6 */ "indicators:",
         /*  7 */ "  a_kernel:",
         /*  8 */ "    kernel: lenght-density",
         /*  9 */ "    inputs: {lines: roads}",
         /* 10 */ "  b_slot:",
         /* 11 */ "    kernel: length-density",
         /* 12 */ "    inputs:",
         /* 13 */ "      lines: roads",
         /* 14 */ "      denominatr: districts",
         /* 15 */ "  c_missing:",
         /* 16 */ "    kernel: coverage",
         /* 17 */ "    inputs: {facilities: parks}",
         /* 18 */ "  d_param:",
         /* 19 */ "    kernel: length-density",
         /* 20 */ "    inputs: {lines: roads}",
         /* 21 */ "    params:",
         /* 22 */ "      class_feild: class",
         /* 23 */ "  e_column:",
         /* 24 */ "    kernel: length-density",
         /* 25 */ "    inputs: {lines: roads}",
         /* 26 */ "    column: lenght_m",
         /* 27 */ "  f_unit:",
         /* 28 */ "    kernel: length-density",
         /* 29 */ "    inputs: {lines: roads}",
         /* 30 */ "    column: numerator",
         /* 31 */ "    unit: kms",
         /* 32 */ "  g_fit:",
         /* 33 */ "    kernel: length-density",
         /* 34 */ "    inputs: {lines: roads}",
         /* 35 */ "    column: numerator",
         /* 36 */ "    unit: m2",
         /* 37 */ "  i_none:",
         /* 38 */ "    kernel: none",
         /* 39 */ "    unit: count");
    p = load(f);
    EXPECT_ERROR(p, f, 8, 13, "'a_kernel'", "unknown kernel 'lenght-density'", "length-density",
                 "overlap");
    /* positions are the offending value: the kernel, the role, the column, the unit */
    EXPECT_ERROR(p, f, 14, 19, "'b_slot'", "no input 'denominatr'", "lines, denominator");
    EXPECT_ERROR(p, f, 15, 3, "'c_missing'", "coverage", "needs input 'target'");
    EXPECT_ERROR(p, f, 22, 20, "'d_param'", "no parameter 'class_feild'", "class_field");
    EXPECT_ERROR(p, f, 26, 13, "'e_column'", "no column 'lenght_m'");
    EXPECT_ERROR(p, f, 31, 11, "'f_unit'", "unknown unit 'kms'");
    EXPECT_ERROR(p, f, 36, 11, "'g_fit'", "'m2'", "numerator", "km");
    EXPECT_ERROR(p, f, 37, 3, "'i_none'", "none", "reason");
    EXPECT_ERRORS(p, 8);
    unload(p);

    /* bad ids */
    YAML(f, d, "ids.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "indicators:",
         /* 3 */ "  Road-KM: {kernel: none, reason: x, unit: km}");
    p = load(f);
    EXPECT_ERROR(p, f, 3, 3, "'Road-KM'", "lower-case");
    EXPECT_ERRORS(p, 1);
    unload(p);
}

/* ------------------------------------------------------------------ */
/* targets                                                             */

static void test_target_errors(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    YAML(f, d, "targets.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "layers:",
         /*  3 */ "  districts: {path: zones.geojson, role: district}",
         /*  4 */ "  roads: roads.geojson",
         /*  5 */ "indicators:",
         /*  6 */ "  road_km: {kernel: length-density, inputs: {lines: roads}, column: numerator, unit: km}",
         /*  7 */ "targets:",
         /*  8 */ "  - {id: t_unit, indicator: road_km, level: district, zone: total, compare: \">=\", value: 1, unit: km2}",
         /*  9 */ "  - {id: t_nocmp, indicator: road_km, level: district, zone: total, value: 1, unit: km}",
         /* 10 */ "  - {id: t_noval, indicator: road_km, level: district, zone: total, compare: \">=\", unit: km}",
         /* 11 */ "  - {id: t_range, indicator: road_km, level: district, zone: total, compare: range, min: 5, max: 2, unit: km}",
         /* 12 */ "  - {id: t_noind, indicator: road_lenght, level: district, zone: total, compare: \">=\", value: 1, unit: km}",
         /* 13 */ "  - {id: t_badunit, indicator: road_km, level: district, zone: total, compare: \">=\", value: 1, unit: kilometre}",
         /* 14 */ "  - {id: t_level, indicator: road_km, level: street, zone: total, compare: \">=\", value: 1, unit: km}",
         /* 15 */ "  - {id: t_nounit, indicator: road_km, level: district, zone: total, compare: \">=\", value: 1}",
         /* 16 */ "  - {id: t_norange, indicator: road_km, level: district, zone: total, compare: range, unit: km}",
         /* 17 */ "  - id: t_nozone",
         /* 18 */ "    indicator: road_km",
         /* 19 */ "    level: district",
         /* 20 */ "    compare: \"<\"",
         /* 21 */ "    value: 9",
         /* 22 */ "    unit: km",
         /* 23 */ "  - {id: t_ok, indicator: road_km, level: district, zone: total, compare: \">=\", value: 1, unit: m}",
         /* 24 */ "  - {id: t_report, indicator: road_km, level: district, zone: total, compare: report}");
    lg_project *p = load(f);
    EXPECT_ERROR(p, f, 8, 5, "'t_unit'", "unit mismatch", "km2", "road_km", "km");
    EXPECT_ERROR(p, f, 9, 5, "'t_nocmp'", "no comparison");
    EXPECT_ERROR(p, f, 10, 5, "'t_noval'", ">=", "needs a value");
    EXPECT_ERROR(p, f, 11, 5, "'t_range'", "min 5", "max 2");
    EXPECT_ERROR(p, f, 12, 5, "'t_noind'", "no indicator 'road_lenght'");
    EXPECT_ERROR(p, f, 13, 5, "'t_badunit'", "unknown unit 'kilometre'");
    EXPECT_ERROR(p, f, 14, 5, "'t_level'", "no zone level 'street'");
    EXPECT_ERROR(p, f, 15, 5, "'t_nounit'", "no unit", "km");
    EXPECT_ERROR(p, f, 16, 5, "'t_norange'", "range", "min", "max");
    EXPECT_ERROR(p, f, 17, 5, "'t_nozone'", "no zone");
    EXPECT_ERRORS(p, 10);
    unload(p);

    /* an unknown comparison is found while parsing: at its value */
    YAML(f, d, "compare.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "targets:",
         /* 3 */ "  - id: t_cmp",
         /* 4 */ "    compare: \"=>\"",
         /* 5 */ "  - id: t_num",
         /* 6 */ "    value: lots",
         /* 7 */ "    tolerance: 5",
         /* 8 */ "  - indicator: road_km");
    p = load(f);
    EXPECT_ERROR(p, f, 4, 14, "compare", "'=>'", "approx", "range");
    EXPECT_ERROR(p, f, 6, 12, "value", "number", "lots");
    EXPECT_ERROR(p, f, 7, 16, "tolerance", "5");
    EXPECT_ERROR(p, f, 8, 5, "no id");
    EXPECT_ERRORS(p, 4);
    unload(p);
}

/* ------------------------------------------------------------------ */
/* layers, levels, roles                                               */

static void test_layer_level_role_errors(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    YAML(f, d, "nopath.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "layers:",
         /* 3 */ "  districts: {path: zones.geojson, role: district}",
         /* 4 */ "  roads:",
         /* 5 */ "    role: roads");
    lg_project *p = load(f);
    EXPECT_ERROR(p, f, 4, 3, "'roads'", "no path");
    EXPECT_ERRORS(p, 1);
    unload(p);

    YAML(f, d, "levels.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "layers:",
         /* 3 */ "  districts: {path: zones.geojson, role: district}",
         /* 4 */ "  parks: {path: parks.geojson, role: parcs}",
         /* 5 */ "levels:",
         /* 6 */ "  district: {layer: distrcts}");
    p = load(f);
    EXPECT_ERROR(p, f, 6, 3, "'district'", "no layer 'distrcts'");
    EXPECT_ERROR(p, f, 4, 3, "'parks'", "unknown role 'parcs'");
    EXPECT_ERRORS(p, 2);
    unload(p);

    /* a level without a layer */
    YAML(f, d, "levels2.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "layers:",
         /* 3 */ "  districts: {path: zones.geojson, role: district}",
         /* 4 */ "levels:",
         /* 5 */ "  district: {name: name}");
    p = load(f);
    EXPECT_ERROR(p, f, 5, 3, "'district'", "no layer");
    EXPECT_ERRORS(p, 1);
    unload(p);
}

/* ------------------------------------------------------------------ */
/* includes                                                            */

/* Target sets s01..s04 in dir:
 *  s01_alpha defines road_km and target t_shared;
 *  s02_beta  defines road_km the same way (keys in another order) and t_beta;
 *  s03_gamma defines road_km differently (in m);
 *  s04_delta reuses the target id t_shared. */
static void write_sets(const char *d, char *s01, char *s03, char *s04, size_t n)
{
    char tmp[1200];
    (void)n;
    YAML(tmp, d, "s01_alpha.yaml",
         /*  1 */ "geoplan: target-set/1",
         /*  2 */ "id: s01_alpha",
         /*  3 */ "defaults: {level: district, zone: total}",
         /*  4 */ "indicators:",
         /*  5 */ "  road_km:",
         /*  6 */ "    kernel: length-density",
         /*  7 */ "    inputs: {lines: roads}",
         /*  8 */ "    column: numerator",
         /*  9 */ "    unit: km",
         /* 10 */ "targets:",
         /* 11 */ "  - id: t_shared",
         /* 12 */ "    indicator: road_km",
         /* 13 */ "    compare: \">=\"",
         /* 14 */ "    value: 1",
         /* 15 */ "    unit: km",
         /* 16 */ "    source: {document: s01_alpha, section: \"§1\", text: 道路长度不少于1公里}");
    snprintf(s01, 1200, "%s", tmp);
    YAML(tmp, d, "s02_beta.yaml",
         /*  1 */ "geoplan: target-set/1",
         /*  2 */ "id: s02_beta",
         /*  3 */ "defaults: {level: district, zone: total}",
         /*  4 */ "indicators:",
         /*  5 */ "  road_km: {unit: km, column: numerator, inputs: {lines: roads}, kernel: length-density}",
         /*  6 */ "targets:",
         /*  7 */ "  - {id: t_beta, indicator: road_km, compare: \">=\", value: 2, unit: km,",
         /*  8 */ "     source: {document: s02_beta, text: 道路长度不少于2公里}}");
    YAML(tmp, d, "s03_gamma.yaml",
         /*  1 */ "geoplan: target-set/1",
         /*  2 */ "id: s03_gamma",
         /*  3 */ "defaults: {level: district, zone: total}",
         /*  4 */ "indicators:",
         /*  5 */ "  road_km:",
         /*  6 */ "    kernel: length-density",
         /*  7 */ "    inputs: {lines: roads}",
         /*  8 */ "    column: length_m",
         /*  9 */ "    unit: m");
    snprintf(s03, 1200, "%s", tmp);
    YAML(tmp, d, "s04_delta.yaml",
         /*  1 */ "geoplan: target-set/1",
         /*  2 */ "id: s04_delta",
         /*  3 */ "defaults: {level: district, zone: total}",
         /*  4 */ "indicators:",
         /*  5 */ "  road_km_m: {kernel: length-density, inputs: {lines: roads}, column: length_m, unit: m}",
         /*  6 */ "targets:",
         /*  7 */ "  - {id: t_other, indicator: road_km_m, compare: \">=\", value: 5, unit: m,",
         /*  8 */ "     source: {document: s04_delta, text: x}}",
         /*  9 */ "  - {id: t_shared, indicator: road_km_m, compare: \">=\", value: 9, unit: m,",
         /* 10 */ "     source: {document: s04_delta, text: y}}");
    snprintf(s04, 1200, "%s", tmp);
}

static void test_includes(void **state)
{
    (void)state;
    TEST_DIR(d);
    char s01[1200], s03[1200], s04[1200], f[1200];
    write_sets(d, s01, s03, s04, sizeof s01);

    /* two sets agreeing on road_km */
    YAML(f, d, "inc_ok.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [s01_alpha, s02_beta]");
    lg_project *p = load(f);
    EXPECT_ERRORS(p, 0);
    assert_int_equal(lg_project_indicator_count(p), 1);
    assert_int_equal(lg_project_target_count(p), 2);
    /* the sets' targets are on level district, which this project lacks */
    EXPECT_WARNING(p, s01, 11, 5, "'t_shared'", "no zone level 'district'", "not applicable");
    unload(p);

    /* a set that does not exist: at the list item */
    YAML(f, d, "inc_missing.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include:",
         /* 3 */ "  - s01_alpha",
         /* 4 */ "  - s09_missing");
    p = load(f);
    EXPECT_ERROR(p, f, 4, 5, "no target set 's09_missing'", d);
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* the same set twice, once by its full id and once by its short id */
    YAML(f, d, "inc_twice.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include:",
         /* 3 */ "  - s01_alpha",
         /* 4 */ "  - s01");
    p = load(f);
    EXPECT_ERROR(p, f, 4, 5, "s01_alpha.yaml", "included twice");
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* two sets defining road_km differently: at the second definition,
     * naming the first */
    YAML(f, d, "inc_differ.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [s01_alpha, s03_gamma]");
    p = load(f);
    char first[1300];
    snprintf(first, sizeof first, "%s:5:3", s01);
    EXPECT_ERROR(p, s03, 5, 3, "'road_km'", "defined differently", first);
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* a target id used by two sets: at the second, naming the first */
    YAML(f, d, "inc_dupid.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [s01_alpha, s04_delta]");
    p = load(f);
    snprintf(first, sizeof first, "%s:11:5", s01);
    EXPECT_ERROR(p, s04, 9, 5, "'t_shared'", "already used", first);
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* a set's target must cite its source */
    char s05[1200];
    YAML(s05, d, "s05_nosource.yaml",
         /* 1 */ "geoplan: target-set/1",
         /* 2 */ "id: s05_nosource",
         /* 3 */ "indicators: {n: {kernel: none, reason: not yet, unit: count}}",
         /* 4 */ "targets:",
         /* 5 */ "  - {id: t_n, indicator: n, level: district, zone: total, compare: report}");
    YAML(f, d, "inc_nosource.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [s05_nosource]");
    p = load(f);
    EXPECT_ERROR(p, s05, 5, 5, "'t_n'", "source");
    EXPECT_ERRORS(p, 1);
    unload(p);

    /* TARGET_PATH: sets in another directory */
    char other[1300];
    snprintf(other, sizeof other, "%s/other", d);
    assert_int_equal(mkdir(other, 0777), 0);
    YAML(f, other, "inc_path.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [s02_beta]");
    p = load(f);
    EXPECT_ERROR(p, f, 2, 11, "no target set 's02_beta'");
    unload(p);
    char opt[1400];
    snprintf(opt, sizeof opt, "TARGET_PATH=/nonexistent:%s", d);
    const char *options[] = {opt, NULL};
    p = load_with(f, options);
    EXPECT_ERRORS(p, 0);
    assert_int_equal(lg_project_target_count(p), 1);
    unload(p);
}

/* A YAML syntax error in an included set: the error is given at the set's
 * own FILE:LINE:COL (where an editor should jump) and names the include. */
static void test_included_set_syntax_error(void **state)
{
    (void)state;
    TEST_DIR(d);
    char set[1200], f[1200];
    YAML(set, d, "s20_syntax.yaml",
         /* 1 */ "geoplan: target-set/1",
         /* 2 */ "id: s20_syntax",
         /* 3 */ "title: a: b");
    YAML(f, d, "inc_syntax.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include:",
         /* 3 */ "  - s20_syntax");
    lg_project *p = load(f);
    char where[1300];
    snprintf(where, sizeof where, "(included at %s:3:5)", f);
    EXPECT_ERROR(p, set, 3, 9, "YAML syntax", "mapping values are not allowed", where);
    EXPECT_ERRORS(p, 1);
    unload(p);
}

/* An alias that refers to the mapping it is in makes a cycle in the YAML
 * document: the file must be rejected, not recursed into.
 * Was a bug (fixed): project.c canon() (the canonical text of a target set's indicator,
 * to compare definitions across sets) follows the cycle until the stack
 * overflows: geoplan validate crashes (SIGSEGV; ASan: stack-overflow).
 * Repro: a set with "indicators: {x: &a {kernel: none, reason: r, unit:
 * count, self: *a}}" included by a project; geoplan validate --no-data P. */
static void test_recursive_alias_in_set(void **state)
{
    (void)state;
    TEST_DIR(d);
    char set[1200], f[1200];
    YAML(set, d, "s21_alias.yaml",
         /* 1 */ "geoplan: target-set/1",
         /* 2 */ "id: s21_alias",
         /* 3 */ "indicators:",
         /* 4 */ "  x: &a",
         /* 5 */ "    kernel: none",
         /* 6 */ "    reason: r",
         /* 7 */ "    unit: count",
         /* 8 */ "    self: *a");
    YAML(f, d, "inc_alias.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [s21_alias]");
    lg_project *p = load(f);
    assert_true(lg_project_error_count(p) >= 1);
    EXPECT_ERROR(p, set, 4, 3, "recursive alias");
    unload(p);
}

/* The same file included by id and by a path is the same set.
 * Was a bug (fixed): project.c load_file compares the path strings as built by find_set
 * ("DIR/s01_alpha.yaml" and "DIR/./s01_alpha.yaml"), not the files
 * (realpath or st_dev/st_ino), so the second inclusion is read again and
 * reported as "target id 't_shared' is already used at …" in the set
 * instead of "included twice" at the include. */
static void test_include_same_file_by_path(void **state)
{
    (void)state;
    TEST_DIR(d);
    char s01[1200], s03[1200], s04[1200], f[1200];
    write_sets(d, s01, s03, s04, sizeof s01);
    YAML(f, d, "inc_twice_path.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [s01_alpha, ./s01_alpha.yaml]");
    lg_project *p = load(f);
    EXPECT_ERROR(p, f, 2, 22, "s01_alpha.yaml", "included twice");
    EXPECT_ERRORS(p, 1);
    unload(p);
}

/* Every shipped target set in layers/targets (those that exist now) loads
 * together with the others, in a project that has no layers: no errors
 * (warnings about levels and data the project lacks are expected). */
static void test_shipped_sets_load_together(void **state)
{
    (void)state;
    TEST_DIR(d);
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/layers/targets", LIBGEO_SOURCE_DIR);
    static const char *const WANT[] = {"000_", "001_", "002_", "003_", "004_"};
    char ids[5][256];
    int have[5] = {0};
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t len = strlen(e->d_name);
        for (int i = 0; i < 5; i++) {
            if (strncmp(e->d_name, WANT[i], 4) == 0 && len > 5 && len < 250 &&
                strcmp(e->d_name + len - 5, ".yaml") == 0) {
                snprintf(ids[i], sizeof ids[i], "%.*s", (int)(len - 5), e->d_name);
                have[i] = 1;
            }
        }
    }
    closedir(dh);
    assert_true(have[0]); /* 000 is always shipped */
    char text[2000] = "geoplan: project/1\nname: all shipped target sets\ninclude:\n";
    int n = 0;
    for (int i = 0; i < 5; i++) {
        if (!have[i])
            continue;
        size_t len = strlen(text);
        snprintf(text + len, sizeof text - len, "  - %s\n", ids[i]);
        printf("[ INFO     ] including %s\n", ids[i]);
        n++;
    }
    const char *f = lg_test_write_file(d, "all_sets.yaml", text);
    char path[1200];
    snprintf(path, sizeof path, "%s", f);
    lg_project *p = load(path);
    EXPECT_ERRORS(p, 0);
    assert_true(lg_project_indicator_count(p) > 0);
    assert_true(lg_project_target_count(p) >= (size_t)n);
    assert_int_equal(lg_project_layer_count(p), 0);
    printf("[ INFO     ] %d sets: %zu indicators, %zu targets, %zu warnings\n", n,
           lg_project_indicator_count(p), lg_project_target_count(p),
           lg_project_warning_count(p));
    /* checking without data: nothing to open, every measured indicator
     * warns that it will have no data, and still no error */
    assert_int_equal(lg_project_check(ctx, p), LG_OK);
    EXPECT_ERRORS(p, 0);
    assert_true(lg_project_warning_count(p) > 0);
    unload(p);
}

/* ------------------------------------------------------------------ */
/* merging a project over a target set                                 */

static const lg_eval_row *find_row(const lg_evaluation *ev, const char *target,
                                   const char *zone)
{
    for (size_t i = 0; i < lg_evaluation_rows(ev); i++) {
        const lg_eval_row *r = lg_evaluation_row(ev, i);
        if (r->target_id && !strcmp(r->target_id, target) && !strcmp(r->zone_id, zone))
            return r;
    }
    fail_msg("no row for target %s, zone %s", target, zone);
    return NULL;
}

/* A project changes an included set's target by id (only the value) and
 * its indicator by id (one parameter): everything else of both stays as
 * the set says.  On ROADS: main roads (the set's select), directed (the
 * project's undirected: false), 1600 m = 1.6 km; with the set's
 * undirected: true it would be 0.8 km, without the select 2.1 km. */
static void test_project_merges_over_set(void **state)
{
    (void)state;
    TEST_DIR(d);
    write_data(d);
    char set[1200], f[1200];
    YAML(set, d, "s10_merge.yaml",
         /*  1 */ "geoplan: target-set/1",
         /*  2 */ "id: s10_merge",
         /*  3 */ "defaults: {level: district, zone: total, year: 2025}",
         /*  4 */ "indicators:",
         /*  5 */ "  road_km:",
         /*  6 */ "    title: {zh: 主干道长度, en: main road length}",
         /*  7 */ "    kernel: length-density",
         /*  8 */ "    inputs: {lines: {role: roads, select: {class: [main]}}}",
         /*  9 */ "    params: {class_field: class, undirected: true}",
         /* 10 */ "    column: numerator",
         /* 11 */ "    unit: km",
         /* 12 */ "targets:",
         /* 13 */ "  - id: road_km_2025",
         /* 14 */ "    indicator: road_km",
         /* 15 */ "    compare: \">=\"",
         /* 16 */ "    value: 16.5",
         /* 17 */ "    unit: km",
         /* 18 */ "    binding: true",
         /* 19 */ "    source: {document: s10_merge, section: \"§2\", text: 主干道长度达到16.5公里}");
    YAML(f, d, "merge.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "include: [s10_merge]",
         /*  3 */ "layers:",
         /*  4 */ "  districts: {path: zones.geojson, role: district, fields: {id: code, name: name}}",
         /*  5 */ "  roads: roads.geojson",
         /*  6 */ "indicators:",
         /*  7 */ "  road_km: {params: {undirected: false}}",
         /*  8 */ "targets:",
         /*  9 */ "  - {id: road_km_2025, value: 17}");
    lg_project *p = load(f);
    EXPECT_ERRORS(p, 0);
    assert_int_equal(lg_project_indicator_count(p), 1);
    assert_int_equal(lg_project_target_count(p), 1);
    assert_int_equal(lg_project_check(ctx, p), LG_OK);
    lg_evaluation *ev = g_ev = lg_project_evaluate(ctx, p, NULL);
    if (!ev)
        fail_msg("evaluate: %s", lg_ctx_errmsg(ctx));
    const lg_eval_row *r = find_row(ev, "road_km_2025", "total");
    assert_double_near(r->value, 1.6, 1e-12);
    assert_double_near(r->target, 17, 0);
    assert_string_equal(r->compare, ">=");
    assert_string_equal(r->unit, "km");
    assert_int_equal(r->binding, 1);
    assert_int_equal(r->year, 2025);
    assert_string_equal(r->source_document, "s10_merge");
    assert_string_equal(r->source_section, "§2");
    assert_string_equal(r->title_zh, "主干道长度");
    assert_int_equal(r->status, LG_STATUS_NOT_MET);
    assert_double_near(r->gap, 1.6 - 17, 1e-12);
    /* the variant names the merged parameters */
    assert_non_null(strstr(r->variant, "CLASS_FIELD=class"));
    assert_non_null(strstr(r->variant, "UNDIRECTED=no"));
    assert_int_equal(lg_evaluation_binding_missed(ev), 1);
    g_ev = lg_evaluation_free(ctx, ev);
    unload(p);

    /* the set alone: undirected, 0.8 km, target 16.5 */
    YAML(f, d, "nomerge.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "include: [s10_merge]",
         /*  3 */ "layers:",
         /*  4 */ "  districts: {path: zones.geojson, role: district, fields: {id: code, name: name}}",
         /*  5 */ "  roads: roads.geojson");
    p = load(f);
    EXPECT_ERRORS(p, 0);
    ev = g_ev = lg_project_evaluate(ctx, p, NULL);
    if (!ev)
        fail_msg("evaluate: %s", lg_ctx_errmsg(ctx));
    r = find_row(ev, "road_km_2025", "total");
    assert_double_near(r->value, 0.8, 1e-12);
    assert_double_near(r->target, 16.5, 0);
    g_ev = lg_evaluation_free(ctx, ev);
    unload(p);

    /* an input replaced by slot: all roads again, 2.1 km (directed) */
    YAML(f, d, "merge_input.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "include: [s10_merge]",
         /*  3 */ "layers:",
         /*  4 */ "  districts: {path: zones.geojson, role: district, fields: {id: code, name: name}}",
         /*  5 */ "  roads: roads.geojson",
         /*  6 */ "indicators:",
         /*  7 */ "  road_km:",
         /*  8 */ "    inputs: {lines: roads}",
         /*  9 */ "    params: {undirected: no}");
    p = load(f);
    EXPECT_ERRORS(p, 0);
    ev = g_ev = lg_project_evaluate(ctx, p, NULL);
    if (!ev)
        fail_msg("evaluate: %s", lg_ctx_errmsg(ctx));
    r = find_row(ev, "road_km_2025", "total");
    assert_double_near(r->value, 2.1, 1e-12);
    g_ev = lg_evaluation_free(ctx, ev);
    unload(p);

    /* a project target id that is new needs everything a target needs */
    YAML(f, d, "merge_new.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "include: [s10_merge]",
         /*  3 */ "layers:",
         /*  4 */ "  districts: {path: zones.geojson, role: district}",
         /*  5 */ "  roads: roads.geojson",
         /*  6 */ "targets:",
         /*  7 */ "  - {id: road_km_2052, value: 17}");
    p = load(f);
    EXPECT_ERROR(p, f, 7, 5, "'road_km_2052'", "no indicator");
    unload(p);
}

/* The same over a shipped set: the project changes the value of 000's
 * binding forest-cover target (16.5 %) by id.  One zone 李沧区 of 1 km2
 * (the set's default zone) with 乔木林地 on [500000,500500] x
 * [4000000,4000500] (250,000 m2, counted) and 经济林地 beside it (not one
 * of the set's forest kinds): forest cover 25 %. */
static void test_project_overrides_shipped_target(void **state)
{
    (void)state;
    char set[1200];
    snprintf(set, sizeof set, "%s/layers/targets/000_56421769e4ab5d43.yaml", LIBGEO_SOURCE_DIR);
    char *text = NULL;
    FILE *sf = fopen(set, "rb");
    if (sf) {
        text = calloc(1, 1 << 20);
        if (text)
            fread(text, 1, (1 << 20) - 1, sf);
        fclose(sf);
    }
    int usable = text && strstr(text, "t000_forest_cover_2025") && strstr(text, "乔木林地");
    free(text);
    if (!usable) {
        fprintf(stderr, "SKIP %s: %s has no t000_forest_cover_2025\n", __func__, set);
        skip();
    }
    TEST_DIR(d);
    lg_test_write_file(d, "zones.geojson",
        "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"code\":\"370213\",\"name\":\"李沧区\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[501000,4000000],"
        "[501000,4001000],[500000,4001000],[500000,4000000]]]}}]}\n");
    lg_test_write_file(d, "forest.geojson",
        "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"kind\":\"乔木林地\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[500500,4000000],"
        "[500500,4000500],[500000,4000500],[500000,4000000]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"kind\":\"经济林地\"},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500500,4000000],[501000,4000000],"
        "[501000,4000500],[500500,4000500],[500500,4000000]]]}}]}\n");
    char f[1200];
    YAML(f, d, "shipped.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [000_56421769e4ab5d43]",
         /* 3 */ "layers:",
         /* 4 */ "  districts: {path: zones.geojson, role: district, fields: {id: code, name: name}}",
         /* 5 */ "  forest: forest.geojson",
         /* 6 */ "targets:",
         /* 7 */ "  - id: t000_forest_cover_2025",
         /* 8 */ "    value: 30");
    lg_project *p = load(f);
    EXPECT_ERRORS(p, 0);
    assert_int_equal(lg_project_check(ctx, p), LG_OK);
    lg_evaluation *ev = g_ev = lg_project_evaluate(ctx, p, NULL);
    if (!ev)
        fail_msg("evaluate: %s", lg_ctx_errmsg(ctx));
    const lg_eval_row *r = find_row(ev, "t000_forest_cover_2025", "370213");
    assert_double_near(r->value, 25, 1e-9);
    assert_double_near(r->target, 30, 0);
    assert_int_equal(r->status, LG_STATUS_NOT_MET);
    assert_double_near(r->gap, -5, 1e-9);
    assert_int_equal(r->binding, 1);
    assert_string_equal(r->source_document, "000_56421769e4ab5d43");
    assert_string_equal(r->compare, ">=");
    assert_string_equal(r->unit, "%");
    g_ev = lg_evaluation_free(ctx, ev);
    unload(p);

    /* without the override: 25 % >= 16.5 % */
    YAML(f, d, "shipped_plain.yaml",
         /* 1 */ "geoplan: project/1",
         /* 2 */ "include: [000]",
         /* 3 */ "layers:",
         /* 4 */ "  districts: {path: zones.geojson, role: district, fields: {id: code, name: name}}",
         /* 5 */ "  forest: forest.geojson");
    p = load(f);
    EXPECT_ERRORS(p, 0);
    ev = g_ev = lg_project_evaluate(ctx, p, NULL);
    if (!ev)
        fail_msg("evaluate: %s", lg_ctx_errmsg(ctx));
    r = find_row(ev, "t000_forest_cover_2025", "370213");
    assert_double_near(r->target, 16.5, 0);
    assert_int_equal(r->status, LG_STATUS_MET);
    assert_double_near(r->gap, 25 - 16.5, 1e-9);
    g_ev = lg_evaluation_free(ctx, ev);
    unload(p);
}

/* ------------------------------------------------------------------ */
/* checking against the data                                           */

static void test_check_against_files(void **state)
{
    (void)state;
    TEST_DIR(d);
    write_data(d);
    char f[1200];
    YAML(f, d, "check.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "layers:",
         /*  3 */ "  districts:",
         /*  4 */ "    path: zones.geojson",
         /*  5 */ "    role: district",
         /*  6 */ "    fields: {id: code, name: nmae}",
         /*  7 */ "  roads: {path: no_such_roads.geojson, role: roads}",
         /*  8 */ "indicators:",
         /*  9 */ "  greenway_km:",
         /* 10 */ "    kernel: length-density",
         /* 11 */ "    inputs: {lines: greenways}",
         /* 12 */ "    column: numerator",
         /* 13 */ "    unit: km");
    lg_project *p = load(f);
    EXPECT_ERRORS(p, 0);
    assert_int_not_equal(lg_project_check(ctx, p), LG_OK);
    /* the field, at the mapping's value, naming the layer and its fields */
    EXPECT_ERROR(p, f, 6, 30, "'districts'", "'nmae'", "zones.geojson", "code, name");
    /* the unreadable file, naming it */
    EXPECT_ERROR(p, f, 7, 3, "'roads'", "no_such_roads.geojson");
    EXPECT_ERRORS(p, 2);
    /* an indicator whose role no layer has: a warning, not an error */
    EXPECT_WARNING(p, f, 9, 3, "'greenway_km'", "no data", "greenways");
    /* the context's message is the first error */
    assert_string_equal(lg_ctx_errmsg(ctx), lg_project_error(p, 0));
    /* evaluating a project with errors fails at once */
    assert_null(lg_project_evaluate(ctx, p, NULL));
    unload(p);

    /* a zone level on lines; a level field the layer lacks; an input
     * select and a parameter on fields the layer lacks (no data) */
    YAML(f, d, "check2.yaml",
         /*  1 */ "geoplan: project/1",
         /*  2 */ "layers:",
         /*  3 */ "  districts: {path: zones.geojson, role: district}",
         /*  4 */ "  roads: {path: roads.geojson, role: roads}",
         /*  5 */ "levels:",
         /*  6 */ "  district: {layer: districts, id: code, name: label}",
         /*  7 */ "  lines: {layer: roads}",
         /*  8 */ "indicators:",
         /*  9 */ "  road_km:",
         /* 10 */ "    kernel: length-density",
         /* 11 */ "    inputs: {lines: {role: roads, select: {kind: [main]}}}",
         /* 12 */ "    column: numerator",
         /* 13 */ "    unit: km",
         /* 14 */ "  road_km2:",
         /* 15 */ "    kernel: length-density",
         /* 16 */ "    inputs: {lines: roads}",
         /* 17 */ "    params: {class_field: kind}",
         /* 18 */ "    column: numerator",
         /* 19 */ "    unit: km");
    p = load(f);
    EXPECT_ERRORS(p, 0);
    assert_int_not_equal(lg_project_check(ctx, p), LG_OK);
    EXPECT_ERROR(p, f, 6, 3, "'district'", "no field 'label'");
    EXPECT_ERROR(p, f, 7, 3, "'lines'", "not polygons");
    EXPECT_ERRORS(p, 2);
    EXPECT_WARNING(p, f, 9, 3, "'road_km'", "no field 'kind'");
    EXPECT_WARNING(p, f, 14, 3, "'road_km2'", "no field 'kind'");
    unload(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_minimal_project, teardown),
        cmocka_unit_test_teardown(test_yaml_syntax_error, teardown),
        cmocka_unit_test_teardown(test_header, teardown),
        cmocka_unit_test_teardown(test_unknown_keys, teardown),
        cmocka_unit_test_teardown(test_duplicate_keys, teardown),
        cmocka_unit_test_teardown(test_duplicate_indicator_and_level, teardown),
        cmocka_unit_test_teardown(test_indicator_errors, teardown),
        cmocka_unit_test_teardown(test_target_errors, teardown),
        cmocka_unit_test_teardown(test_layer_level_role_errors, teardown),
        cmocka_unit_test_teardown(test_includes, teardown),
        cmocka_unit_test_teardown(test_include_same_file_by_path, teardown),
        cmocka_unit_test_teardown(test_included_set_syntax_error, teardown),
        cmocka_unit_test_teardown(test_recursive_alias_in_set, teardown),
        cmocka_unit_test_teardown(test_shipped_sets_load_together, teardown),
        cmocka_unit_test_teardown(test_project_merges_over_set, teardown),
        cmocka_unit_test_teardown(test_project_overrides_shipped_target, teardown),
        cmocka_unit_test_teardown(test_check_against_files, teardown),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_4549, lg_test_teardown_ctx);
}
