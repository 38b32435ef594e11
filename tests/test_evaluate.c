/*
 * test_evaluate: lg_project_evaluate, every comparison on hand-made
 * geometry, then whole projects against PostGIS.
 *
 *  - Hand geometry (EPSG:4549): two zones and a few roads whose lengths per
 *    zone are computed here by hand; a project with a length-density
 *    indicator (density and length) and targets for every comparison, unit
 *    conversion, zone total / each / by name and id, a zone and a level the
 *    data lacks, an indicator with no layer, and binding counting.  Status,
 *    value, gap and gap_rel are checked to 1e-9 relative.
 *  - The demo city (`geoplan demo --scale S --seed 1`) with
 *    tests/data/projects/demo_postgis.yaml, whose indicators are the
 *    definitions of tests/data/demo_S_seed1_postgis.json: every value per
 *    district and street agrees with PostGIS to 1e-6 relative.
 *  - Liechtenstein (../shared/data/osm/liechtenstein-2015, skipped when
 *    absent) with tests/data/projects/liechtenstein.yaml against
 *    tests/data/liechtenstein_postgis.json, and targets whose status is
 *    derived from the PostGIS values.
 */
#include "lg_fixture.h"

#include <errno.h>
#include <unistd.h>

#include <json-c/json.h>

/* ------------------------------------------------------------------ */
/* helpers                                                             */

#define TEST_DIR(var)                                                                        \
    char var[1024];                                                                          \
    do {                                                                                     \
        char name_[200];                                                                     \
        snprintf(name_, sizeof name_, "evaluate_%s", __func__);                              \
        const char *t_ = lg_test_tmpdir(name_);                                              \
        assert_non_null(t_);                                                                 \
        snprintf(var, sizeof var, "%s", t_);                                                 \
    } while (0)

/* |got - want| <= 1e-9 |want| (and 1e-12 absolute, for want = 0). */
#define assert_rel(got, want)                                                                \
    do {                                                                                     \
        double w_ = (want);                                                                  \
        assert_double_near((got), w_, 1e-9 * fabs(w_) + 1e-12);                              \
    } while (0)

static void print_messages(const lg_project *p)
{
    for (size_t i = 0; i < lg_project_error_count(p); i++)
        print_error("  error: %s\n", lg_project_error(p, i));
}

/* What the running test has made, freed by done() at its end or, when an
 * assertion leaves it, by its teardown (nothing leaks under ASan).  One of
 * each at a time; the evaluation is freed before its project. */
static lg_project *g_p;
static lg_evaluation *g_ev;
static json_object *g_doc;

static int done(void **state)
{
    (void)state;
    g_ev = lg_evaluation_free(ctx, g_ev);
    g_p = lg_project_free(ctx, g_p);
    if (g_doc)
        json_object_put(g_doc);
    g_doc = NULL;
    return 0;
}

/* Load and check `path`: no errors. */
static lg_project *load_ok(const char *path)
{
    g_ev = lg_evaluation_free(ctx, g_ev);
    g_p = lg_project_free(ctx, g_p);
    lg_project *p = g_p = lg_project_load(ctx, path, NULL);
    assert_non_null(p);
    if (lg_project_error_count(p) == 0)
        lg_project_check(ctx, p);
    if (lg_project_error_count(p)) {
        print_messages(p);
        fail_msg("%s has errors", path);
    }
    return p;
}

static lg_evaluation *evaluate(lg_project *p)
{
    lg_evaluation *ev = g_ev = lg_project_evaluate(ctx, p, NULL);
    if (!ev)
        fail_msg("evaluate: %s", lg_ctx_errmsg(ctx));
    return ev;
}

/* The row of target `target` at zone id `zone` ("total" for the total). */
static const lg_eval_row *target_row(const lg_evaluation *ev, const char *target,
                                     const char *zone)
{
    const lg_eval_row *found = NULL;
    for (size_t i = 0; i < lg_evaluation_rows(ev); i++) {
        const lg_eval_row *r = lg_evaluation_row(ev, i);
        if (r->target_id && !strcmp(r->target_id, target) && !strcmp(r->zone_id, zone)) {
            if (found)
                fail_msg("two rows for target %s, zone %s", target, zone);
            found = r;
        }
    }
    if (!found)
        fail_msg("no row for target %s, zone %s", target, zone);
    return found;
}

/* Any row of indicator `ind` at level/zone (the value is the same in all). */
static const lg_eval_row *value_row(const lg_evaluation *ev, const char *ind, const char *level,
                                    const char *zone)
{
    for (size_t i = 0; i < lg_evaluation_rows(ev); i++) {
        const lg_eval_row *r = lg_evaluation_row(ev, i);
        if (!strcmp(r->indicator, ind) && !strcmp(r->level, level) && !strcmp(r->zone_id, zone))
            return r;
    }
    fail_msg("no row for %s at %s %s", ind, level, zone);
    return NULL;
}

/* Status, value, gap, gap_rel of a compared row. */
static void expect_row(const lg_eval_row *r, lg_target_status status, double value, double gap,
                       double gap_rel)
{
    if (r->status != status)
        fail_msg("target %s, zone %s: status %s, expected %s (value %.12g, reason '%s')",
                 r->target_id, r->zone_id, lg_target_status_name(r->status),
                 lg_target_status_name(status), r->value, r->reason);
    assert_rel(r->value, value);
    assert_rel(r->gap, gap);
    assert_rel(r->gap_rel, gap_rel);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Copy tests/data/projects/NAME into dir. */
static void copy_project(const char *name, const char *dir, char *out, size_t n)
{
    char src[1200];
    snprintf(src, sizeof src, "%s/tests/data/projects/%s", LIBGEO_SOURCE_DIR, name);
    FILE *in = fopen(src, "rb");
    if (!in)
        fail_msg("cannot read %s", src);
    snprintf(out, n, "%s/%s", dir, name);
    FILE *o = fopen(out, "wb");
    assert_non_null(o);
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, got, o), got);
    fclose(in);
    assert_int_equal(fclose(o), 0);
}

/* ------------------------------------------------------------------ */
/* hand geometry                                                       */

#define CRS_4549                                                                             \
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},"

/* Zone A (甲区) [500000,501000] x [4000000,4001000]: 1 km2;
 * zone B (乙区) [501000,503000] x [4000000,4001000]: 2 km2. */
static const char ZONES[] =
    "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"A\",\"name\":\"甲区\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,4000000],[501000,4000000],"
    "[501000,4001000],[500000,4001000],[500000,4000000]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"B\",\"name\":\"乙区\"},"
    "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[501000,4000000],[503000,4000000],"
    "[503000,4001000],[501000,4001000],[501000,4000000]]]}}]}\n";

/* Roads (hand computed):
 *  L1 main  (500100,4000200)-(500900,4000200)  800 m in A
 *  L2 main  (500100,4000800)-(500900,4000800)  800 m in A
 *  L3 local (500200,4000100)-(500200,4000900)  800 m in A
 *  L4 local (500800,4000300)-(500800,4000900)  600 m in A
 *  L5 local (500600,4000700)-(501200,4001500)  1000 m long (600 x 800); it leaves A
 *           through its top edge y = 4001000 at t = 300/800 = 0.375, x = 500825:
 *           375 m in A, and the rest is above both zones
 *  L6 main  (500900,4000400)-(501100,4000400)  100 m in A, 100 m in B
 *  L7 main  (501500,4000500)-(502500,4000500)  1000 m in B
 *  L8 main  (510000,4000000)-(511000,4000000)  outside
 * A: 3475 m = 3.475 km, 3.475 km/km2; B: 1100 m = 1.1 km, 0.55 km/km2;
 * total: 4575 m = 4.575 km over 3 km2 = 1.525 km/km2. */
static const char ROADS[] =
    "{\"type\":\"FeatureCollection\"," CRS_4549 "\"features\":["
#define LINE(cls, x0, y0, x1, y1)                                                            \
    "{\"type\":\"Feature\",\"properties\":{\"class\":\"" cls "\"},\"geometry\":{\"type\":"   \
    "\"LineString\",\"coordinates\":[[" #x0 "," #y0 "],[" #x1 "," #y1 "]]}}"
    LINE("main", 500100, 4000200, 500900, 4000200) ","
    LINE("main", 500100, 4000800, 500900, 4000800) ","
    LINE("local", 500200, 4000100, 500200, 4000900) ","
    LINE("local", 500800, 4000300, 500800, 4000900) ","
    LINE("local", 500600, 4000700, 501200, 4001500) ","
    LINE("main", 500900, 4000400, 501100, 4000400) ","
    LINE("main", 501500, 4000500, 502500, 4000500) ","
    LINE("main", 510000, 4000000, 511000, 4000000)
#undef LINE
    "]}\n";

#define A_KM 3.475
#define B_KM 1.1
#define T_KM 4.575
#define A_DENS 3.475
#define B_DENS 0.55
#define T_DENS 1.525

/* A target set whose one target is on level street, which the project
 * does not have. */
static const char LEVEL_SET[] =
    "geoplan: target-set/1\n"
    "id: e01_levels\n"
    "defaults: {level: street, zone: total, year: 2030}\n"
    "targets:\n"
    "  - id: street_km\n"
    "    indicator: road_km\n"
    "    compare: \">=\"\n"
    "    value: 1\n"
    "    unit: km\n"
    "    source: {document: e01_levels, section: \"§3\", text: 每个街道道路长度不少于1公里}\n";

static const char PROJECT[] =
    "geoplan: project/1\n"
    "name: 手算 hand-made\n"
    "crs: EPSG:4549\n"
    "include: [e01_levels]\n"
    "layers:\n"
    "  districts: {path: zones.geojson, role: district, fields: {id: code, name: name}}\n"
    "  roads: roads.geojson\n"
    "levels:\n"
    "  district: {layer: districts}\n"
    "indicators:\n"
    "  road_density:\n"
    "    title: {zh: 路网密度, en: road density}\n"
    "    kernel: length-density\n"
    "    inputs: {lines: roads}\n"
    "    unit: km/km2\n"
    "  road_km: {kernel: length-density, inputs: {lines: roads}, column: numerator, unit: km}\n"
    "  greenway_km: {kernel: length-density, inputs: {lines: greenways}, column: numerator,"
    " unit: km}\n"
    "targets:\n"
    "  - {id: ge_met, indicator: road_density, level: district, zone: 甲区, compare: \">=\","
    " value: 3, unit: km/km2}\n"
    "  - {id: ge_miss, indicator: road_density, level: district, zone: A, compare: \">=\","
    " value: 4, unit: km/km2, binding: true}\n"
    "  - {id: gt_miss, indicator: road_density, level: district, zone: A, compare: \">\","
    " value: 3.5, unit: km/km2}\n"
    "  - {id: gt_met, indicator: road_km, level: district, zone: B, compare: \">\","
    " value: 1, unit: km}\n"
    "  - {id: le_met, indicator: road_km, level: district, zone: A, compare: \"<=\","
    " value: 3.5, unit: km}\n"
    "  - {id: lt_miss, indicator: road_km, level: district, zone: 乙区, compare: \"<\","
    " value: 1, unit: km}\n"
    "  - {id: eq_met, indicator: road_km, level: district, zone: A, compare: \"=\","
    " value: 3.475, unit: km}\n"
    "  - {id: eq_miss, indicator: road_km, level: district, zone: B, compare: \"=\","
    " value: 1, unit: km}\n"
    "  - {id: approx_met, indicator: road_density, level: district, zone: total,"
    " compare: approx, value: 1.6, tolerance: 0.05, unit: km/km2}\n"
    "  - {id: approx_miss, indicator: road_density, level: district, zone: total,"
    " compare: approx, value: 1.6, tolerance: 0.04, unit: km/km2}\n"
    "  - {id: approx_default, indicator: road_density, level: district, zone: total,"
    " compare: approx, value: 1.45, unit: km/km2}\n"
    "  - {id: range_in, indicator: road_density, level: district, zone: A, compare: range,"
    " min: 3, max: 4, unit: km/km2, binding: true}\n"
    "  - {id: range_below, indicator: road_density, level: district, zone: B, compare: range,"
    " min: 1, max: 2, unit: km/km2}\n"
    "  - {id: range_above, indicator: road_density, level: district, zone: A, compare: range,"
    " min: 1, max: 3, unit: km/km2}\n"
    "  - {id: range_min, indicator: road_density, level: district, zone: B, compare: range,"
    " min: 0.5, unit: km/km2}\n"
    "  - {id: range_max, indicator: road_density, level: district, zone: B, compare: range,"
    " max: 0.5, unit: km/km2}\n"
    "  - {id: report_km, indicator: road_km, level: district, zone: total, compare: report}\n"
    "  - {id: unit_m, indicator: road_km, level: district, zone: A, compare: \">=\","
    " value: 3000, unit: m}\n"
    "  - {id: total_ge, indicator: road_density, level: district, zone: total, compare: \">=\","
    " value: 1.5, unit: km/km2}\n"
    "  - {id: each_ge, indicator: road_density, level: district, zone: each, compare: \">=\","
    " value: 1, unit: km/km2, binding: true}\n"
    "  - {id: zone_missing, indicator: road_density, level: district, zone: 丙区,"
    " compare: \">=\", value: 1, unit: km/km2}\n"
    "  - {id: nodata, indicator: greenway_km, level: district, zone: A, compare: \">=\","
    " value: 1, unit: km, binding: true}\n";

static void write_hand(const char *d, char *project, size_t n)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/zones.geojson", d);
    write_file(p, ZONES);
    snprintf(p, sizeof p, "%s/roads.geojson", d);
    write_file(p, ROADS);
    snprintf(p, sizeof p, "%s/e01_levels.yaml", d);
    write_file(p, LEVEL_SET);
    snprintf(project, n, "%s/project.yaml", d);
    write_file(project, PROJECT);
}

static void test_hand_comparisons(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    write_hand(d, f, sizeof f);
    lg_project *p = load_ok(f);
    /* the set's target on a level the project lacks: a warning */
    int warned = 0;
    for (size_t i = 0; i < lg_project_warning_count(p); i++)
        warned |= strstr(lg_project_warning(p, i), "street_km") != NULL;
    assert_true(warned);
    lg_evaluation *ev = evaluate(p);
    assert_string_equal(lg_evaluation_crs(ev), "EPSG:4549");

    /* >= */
    const lg_eval_row *r = target_row(ev, "ge_met", "A");
    expect_row(r, LG_STATUS_MET, A_DENS, A_DENS - 3, (A_DENS - 3) / 3);
    assert_string_equal(r->zone_name, "甲区");
    assert_string_equal(r->unit, "km/km2");
    assert_string_equal(r->compare, ">=");
    assert_string_equal(r->title_zh, "路网密度");
    assert_string_equal(r->title_en, "road density");
    assert_string_equal(r->level, "district");
    assert_rel(r->target, 3);
    assert_true(isnan(r->target_min) && isnan(r->target_max));
    assert_int_equal(r->binding, 0);
    assert_string_equal(r->reason, "");
    expect_row(target_row(ev, "ge_miss", "A"), LG_STATUS_NOT_MET, A_DENS, A_DENS - 4,
               (A_DENS - 4) / 4);
    /* > */
    expect_row(target_row(ev, "gt_miss", "A"), LG_STATUS_NOT_MET, A_DENS, A_DENS - 3.5,
               (A_DENS - 3.5) / 3.5);
    expect_row(target_row(ev, "gt_met", "B"), LG_STATUS_MET, B_KM, B_KM - 1, (B_KM - 1) / 1);
    /* <=, < */
    expect_row(target_row(ev, "le_met", "A"), LG_STATUS_MET, A_KM, A_KM - 3.5,
               (A_KM - 3.5) / 3.5);
    expect_row(target_row(ev, "lt_miss", "B"), LG_STATUS_NOT_MET, B_KM, B_KM - 1, B_KM - 1);
    /* = (to rounding) */
    r = target_row(ev, "eq_met", "A");
    assert_int_equal(r->status, LG_STATUS_MET);
    assert_rel(r->value, A_KM);
    assert_double_near(r->gap, 0, 1e-12);
    expect_row(target_row(ev, "eq_miss", "B"), LG_STATUS_NOT_MET, B_KM, B_KM - 1, B_KM - 1);
    /* approx: |1.525 - 1.6| = 0.075 <= 0.05 x 1.6 = 0.08, > 0.04 x 1.6 = 0.064;
     * the default tolerance 5 %: 0.075 > 0.05 x 1.45 = 0.0725 */
    expect_row(target_row(ev, "approx_met", "total"), LG_STATUS_MET, T_DENS, T_DENS - 1.6,
               (T_DENS - 1.6) / 1.6);
    expect_row(target_row(ev, "approx_miss", "total"), LG_STATUS_NOT_MET, T_DENS,
               T_DENS - 1.6, (T_DENS - 1.6) / 1.6);
    expect_row(target_row(ev, "approx_default", "total"), LG_STATUS_NOT_MET, T_DENS,
               T_DENS - 1.45, (T_DENS - 1.45) / 1.45);
    /* range: gap to the nearest bound, 0 inside */
    r = target_row(ev, "range_in", "A");
    expect_row(r, LG_STATUS_MET, A_DENS, 0, 0);
    assert_string_equal(r->compare, "range");
    assert_rel(r->target_min, 3);
    assert_rel(r->target_max, 4);
    assert_true(isnan(r->target));
    expect_row(target_row(ev, "range_below", "B"), LG_STATUS_NOT_MET, B_DENS, B_DENS - 1,
               (B_DENS - 1) / 1);
    expect_row(target_row(ev, "range_above", "A"), LG_STATUS_NOT_MET, A_DENS, A_DENS - 3,
               (A_DENS - 3) / 3);
    r = target_row(ev, "range_min", "B");
    expect_row(r, LG_STATUS_MET, B_DENS, 0, 0);
    assert_true(isnan(r->target_max));
    expect_row(target_row(ev, "range_max", "B"), LG_STATUS_NOT_MET, B_DENS, B_DENS - 0.5,
               (B_DENS - 0.5) / 0.5);
    /* report: the value, nothing compared */
    r = target_row(ev, "report_km", "total");
    assert_int_equal(r->status, LG_STATUS_NOT_APPLICABLE);
    assert_rel(r->value, T_KM);
    assert_true(isnan(r->gap));
    assert_true(*r->reason != '\0');
    /* a target in m on an indicator in km: value and gap in m */
    r = target_row(ev, "unit_m", "A");
    expect_row(r, LG_STATUS_MET, A_KM * 1000, A_KM * 1000 - 3000, (A_KM * 1000 - 3000) / 3000);
    assert_string_equal(r->unit, "m");
    /* total */
    r = target_row(ev, "total_ge", "total");
    expect_row(r, LG_STATUS_MET, T_DENS, T_DENS - 1.5, (T_DENS - 1.5) / 1.5);
    assert_string_equal(r->zone_name, "total");
    /* each: a row per zone */
    expect_row(target_row(ev, "each_ge", "A"), LG_STATUS_MET, A_DENS, A_DENS - 1, A_DENS - 1);
    expect_row(target_row(ev, "each_ge", "B"), LG_STATUS_NOT_MET, B_DENS, B_DENS - 1,
               B_DENS - 1);
    /* a zone the level does not have */
    r = target_row(ev, "zone_missing", "丙区");
    assert_int_equal(r->status, LG_STATUS_NOT_APPLICABLE);
    assert_true(isnan(r->value));
    assert_non_null(strstr(r->reason, "丙区"));
    assert_non_null(strstr(r->reason, "district"));
    /* a level the project does not have (from the set) */
    r = target_row(ev, "street_km", "total");
    assert_int_equal(r->status, LG_STATUS_NOT_APPLICABLE);
    assert_true(isnan(r->value));
    assert_non_null(strstr(r->reason, "street"));
    assert_int_equal(r->year, 2030);
    assert_string_equal(r->source_document, "e01_levels");
    assert_string_equal(r->source_section, "§3");
    assert_string_equal(r->source_text, "每个街道道路长度不少于1公里");
    /* an indicator whose role no layer has: no data, with the reason */
    r = target_row(ev, "nodata", "A");
    assert_int_equal(r->status, LG_STATUS_NO_DATA);
    assert_true(isnan(r->value));
    assert_true(isnan(r->gap));
    assert_non_null(strstr(r->reason, "greenways"));

    /* values no target names: greenway_km at B and in total */
    size_t no_target = 0;
    for (size_t i = 0; i < lg_evaluation_rows(ev); i++) {
        const lg_eval_row *x = lg_evaluation_row(ev, i);
        if (x->status != LG_STATUS_NO_TARGET)
            continue;
        no_target++;
        assert_string_equal(x->indicator, "greenway_km");
        assert_null(x->target_id);
        assert_true(!strcmp(x->zone_id, "B") || !strcmp(x->zone_id, "total"));
    }
    assert_int_equal(no_target, 2);
    /* 23 targets (22 here, 1 in the set), `each` twice, and the two values
     * without one */
    assert_int_equal(lg_evaluation_rows(ev), 24 + 2);

    /* binding first, then the other targets, then values without one */
    int group = 0;
    size_t binding = 0;
    for (size_t i = 0; i < lg_evaluation_rows(ev); i++) {
        const lg_eval_row *x = lg_evaluation_row(ev, i);
        int g = x->status == LG_STATUS_NO_TARGET ? 2 : x->binding ? 0 : 1;
        assert_true(g >= group);
        group = g;
        binding += x->binding;
    }
    assert_int_equal(binding, 5); /* ge_miss, range_in, each_ge x 2, nodata */
    /* not met and binding: ge_miss and each_ge at B (nodata is no data) */
    assert_int_equal(lg_evaluation_binding_missed(ev), 2);

    /* the kernel results stay available */
    const lg_result *res = lg_evaluation_result(ev, "road_km", "district");
    assert_non_null(res);
    assert_int_equal(lg_table_rows(lg_result_zones(res)), 2);
    assert_null(lg_evaluation_result(ev, "greenway_km", "district"));
    assert_null(lg_evaluation_result(ev, "road_km", "street"));
    done(NULL);
}

/* A target whose value exactly equals the measured value, both ways. */
static void test_hand_boundaries(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    write_hand(d, f, sizeof f);
    /* 1100 m in B: exactly 1.1 km; 1000 m of L7 and 100 m of L6 */
    write_file(f, "geoplan: project/1\n"
                  "layers:\n"
                  "  districts: {path: zones.geojson, role: district, fields: {id: code}}\n"
                  "  roads: roads.geojson\n"
                  "indicators:\n"
                  "  road_m: {kernel: length-density, inputs: {lines: roads}, column: length_m}\n"
                  "targets:\n"
                  "  - {id: ge, indicator: road_m, level: district, zone: B, compare: \">=\","
                  " value: 1100, unit: m}\n"
                  "  - {id: gt, indicator: road_m, level: district, zone: B, compare: \">\","
                  " value: 1100, unit: m}\n"
                  "  - {id: le, indicator: road_m, level: district, zone: B, compare: \"<=\","
                  " value: 1100, unit: m}\n"
                  "  - {id: lt, indicator: road_m, level: district, zone: B, compare: \"<\","
                  " value: 1.1, unit: km}\n"
                  "  - {id: rg, indicator: road_m, level: district, zone: B, compare: range,"
                  " min: 1100, max: 1100, unit: m}\n"
                  "  - {id: zero, indicator: road_m, level: district, zone: B, compare: \">=\","
                  " value: 0, unit: m}\n");
    lg_project *p = load_ok(f);
    lg_evaluation *ev = evaluate(p);
    expect_row(target_row(ev, "ge", "B"), LG_STATUS_MET, 1100, 0, 0);
    expect_row(target_row(ev, "gt", "B"), LG_STATUS_NOT_MET, 1100, 0, 0);
    expect_row(target_row(ev, "le", "B"), LG_STATUS_MET, 1100, 0, 0);
    /* in km: 1100 m -> 1.1 km, not less than 1.1 */
    const lg_eval_row *r = target_row(ev, "lt", "B");
    assert_int_equal(r->status, LG_STATUS_NOT_MET);
    assert_rel(r->value, 1.1);
    assert_string_equal(r->unit, "km");
    expect_row(target_row(ev, "rg", "B"), LG_STATUS_MET, 1100, 0, 0);
    /* a target of 0: gap_rel has nothing to divide by */
    r = target_row(ev, "zero", "B");
    assert_int_equal(r->status, LG_STATUS_MET);
    assert_rel(r->gap, 1100);
    assert_true(isnan(r->gap_rel));
    assert_int_equal(lg_evaluation_binding_missed(ev), 0);
    done(NULL);
}

/* An indicator with a select on its first input and a second input whose
 * role no layer has: no data, naming the missing role.
 * Was a bug (fixed): evaluate.c ev_bind returns -1 for the missing role of the second
 * slot without freeing the select clause it already stored in b->where[0]
 * (lg_project_evaluate and run_one then skip ev_binding_free): a leak per
 * level, which LeakSanitizer reports (build with LIBGEO_SANITIZE=ON). */
static void test_no_data_second_input(void **state)
{
    (void)state;
    TEST_DIR(d);
    char f[1200];
    write_hand(d, f, sizeof f);
    write_file(f, "geoplan: project/1\n"
                  "layers:\n"
                  "  districts: {path: zones.geojson, role: district, fields: {id: code}}\n"
                  "  roads: roads.geojson\n"
                  "indicators:\n"
                  "  built_density:\n"
                  "    kernel: length-density\n"
                  "    inputs:\n"
                  "      lines: {role: roads, select: {class: [main]}}\n"
                  "      denominator: {role: built_up}\n"
                  "  main_km:\n"
                  "    kernel: length-density\n"
                  "    inputs:\n"
                  "      lines: {role: roads, select: {class: [main]}}\n"
                  "      denominator: {role: built_up, optional: true}\n"
                  "    column: numerator\n"
                  "    unit: km\n"
                  "targets:\n"
                  "  - {id: t, indicator: built_density, level: district, zone: total,"
                  " compare: \">=\", value: 1, unit: km/km2}\n"
                  "  - {id: m, indicator: main_km, level: district, zone: A,"
                  " compare: \">=\", value: 1, unit: km}\n");
    lg_project *p = load_ok(f);
    lg_evaluation *ev = evaluate(p);
    const lg_eval_row *r = target_row(ev, "t", "total");
    assert_int_equal(r->status, LG_STATUS_NO_DATA);
    assert_non_null(strstr(r->reason, "built_up"));
    /* optional: left out.  Main roads in A: L1 + L2 + 100 m of L6 */
    expect_row(target_row(ev, "m", "A"), LG_STATUS_MET, 1.7, 0.7, 0.7);
    done(NULL);
}

/* ------------------------------------------------------------------ */
/* PostGIS references                                                  */

static json_object *read_reference(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/%s", LIBGEO_SOURCE_DIR, name);
    json_object *doc = g_doc = json_object_from_file(path);
    if (!doc)
        fail_msg("cannot read %s", path);
    return doc;
}

static json_object *jget(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!o || !json_object_object_get_ex(o, key, &v) || !v)
        fail_msg("reference: no member %s", key);
    return v;
}

static double jnum(json_object *o, const char *key)
{
    return json_object_get_double(jget(o, key));
}

/* Agreement with PostGIS: 1e-6 relative, or `floor` absolute for values
 * near zero (1e-3 m2 for areas), as test_reference.c.  NaN expected: NaN. */
typedef struct agreement {
    const char *metric;
    double floor;
    double max_rel;
    size_t n;
} agreement;

#define REL_TOL 1e-6

static void agree(agreement *a, const char *what, double got, double want)
{
    a->n++;
    if (isnan(want)) {
        if (!isnan(got))
            fail_msg("%s %s: libgeo %.15g, expected no value", a->metric, what, got);
        return;
    }
    double rel = isfinite(got) ? fabs(got - want) / fmax(fabs(want), a->floor / REL_TOL)
                               : INFINITY;
    if (rel > a->max_rel)
        a->max_rel = rel;
    if (!(rel <= REL_TOL))
        fail_msg("%s %s: libgeo %.15g, PostGIS %.15g (relative difference %.3g)", a->metric,
                 what, got, want, rel);
}

static void agreement_report(const char *test, const agreement *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("[ INFO     ] %s: %-14s max relative difference %.3g over %zu values\n", test,
               a[i].metric, a[i].max_rel, a[i].n);
}

static double ratio(double num, double den, double scale)
{
    return den != 0 ? scale * num / den : NAN;
}

/* The demo city with tests/data/projects/demo_postgis.yaml: per district
 * and per street, every indicator against the PostGIS definitions
 *   zone_km2 = area_m2 / 1e6;  road_km;  road_density = road_km / zone_km2;
 *   forest_m2;  forest_cover = 100 forest_m2 / area_m2;
 *   res_m2, res_cov_m2, park_coverage = 100 res_cov_m2 / res_m2;
 *   tax_wan, ind_m2 (parcels code 'M'; per-area leaves NULL tax out of
 *   both, as the peer's "tax_wan IS NOT NULL"), tax_per_mu = tax_wan /
 *   (ind_m2 / (10000/15));  conflict_sites (exact);
 * totals: the sums over the zones (the streets tile the district).
 * Targets: forest_cover >= 16.5 (binding) and park_coverage > 80 at each
 * street, their status derived from the PostGIS values. */
static void test_demo_city(void **state)
{
    (void)state;
    json_object *doc = read_reference("demo_S_seed1_postgis.json");
    assert_string_equal(json_object_get_string(jget(doc, "scale")), "S");
    assert_int_equal(json_object_get_int(jget(doc, "seed")), 1);
    TEST_DIR(d);
    char city[1200], cmd[3000];
    snprintf(city, sizeof city, "%s/city", d);
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s' --scale S --seed 1 --quiet", GEOPLAN_BIN,
             city);
    assert_int_equal(system(cmd), 0);
    char f[1300];
    copy_project("demo_postgis.yaml", city, f, sizeof f);
    lg_project *p = load_ok(f);
    lg_evaluation *ev = evaluate(p);
    assert_string_equal(lg_evaluation_crs(ev), "EPSG:4549");

    json_object *zones = jget(doc, "zones");
    agreement ag[] = {{"zone_km2", 1e-9, 0, 0},     {"road_km", 1e-6, 0, 0},
                      {"road_density", 1e-6, 0, 0}, {"forest_m2", 1e-3, 0, 0},
                      {"forest_cover", 1e-8, 0, 0}, {"res_m2", 1e-3, 0, 0},
                      {"res_cov_m2", 1e-3, 0, 0},   {"park_coverage", 1e-8, 0, 0},
                      {"tax_wan", 1e-6, 0, 0},      {"ind_m2", 1e-3, 0, 0},
                      {"tax_per_mu", 1e-6, 0, 0},   {"conflict_sites", 0, 0, 0}};
    static const char *const LEVELS[] = {"district", "street"};
    double cover_district = NAN;
    size_t park_not_met = 0, park_met = 0, park_no_data = 0;
    for (int k = 0; k < 2; k++) {
        const char *lv = LEVELS[k];
        json_object *zl = jget(zones, lv);
        double s[11] = {0}; /* sums: area, road, forest, res, res_cov, tax, ind, conflicts */
        size_t nz = 0;
        json_object_object_foreach(zl, id, z)
        {
            char what[128];
            snprintf(what, sizeof what, "%s %s", lv, id);
            double area = jnum(z, "area_m2"), road = jnum(z, "road_km");
            double forest = jnum(z, "forest_m2"), res = jnum(z, "res_m2");
            double cov = jnum(z, "res_cov_m2"), tax = jnum(z, "tax_wan");
            double ind = jnum(z, "ind_m2");
            int conflicts = json_object_get_int(jget(z, "conflict_sites"));
            const lg_eval_row *r = value_row(ev, "zone_km2", lv, id);
            assert_string_equal(r->zone_name, json_object_get_string(jget(z, "name")));
            agree(&ag[0], what, r->value, area / 1e6);
            agree(&ag[1], what, value_row(ev, "road_km", lv, id)->value, road);
            agree(&ag[2], what, value_row(ev, "road_density", lv, id)->value,
                  ratio(road, area, 1e6));
            agree(&ag[3], what, value_row(ev, "forest_m2", lv, id)->value, forest);
            agree(&ag[4], what, value_row(ev, "forest_cover", lv, id)->value,
                  ratio(forest, area, 100));
            agree(&ag[5], what, value_row(ev, "res_m2", lv, id)->value, res);
            agree(&ag[6], what, value_row(ev, "res_cov_m2", lv, id)->value, cov);
            agree(&ag[7], what, value_row(ev, "park_coverage", lv, id)->value,
                  ratio(cov, res, 100));
            agree(&ag[8], what, value_row(ev, "tax_wan", lv, id)->value, tax);
            agree(&ag[9], what, value_row(ev, "ind_m2", lv, id)->value, ind);
            agree(&ag[10], what, value_row(ev, "tax_per_mu", lv, id)->value,
                  ratio(tax, ind, 10000.0 / 15.0));
            double got_c = value_row(ev, "conflict_sites", lv, id)->value;
            ag[11].n++;
            if (got_c != conflicts)
                fail_msg("conflict_sites %s: libgeo %g, PostGIS %d", what, got_c, conflicts);
            s[0] += area, s[1] += road, s[2] += forest, s[3] += res, s[4] += cov;
            s[5] += tax, s[6] += ind, s[7] += conflicts;
            nz++;

            /* the targets, their status from the PostGIS values */
            if (k == 0) {
                double want = ratio(forest, area, 100);
                cover_district = want;
                assert_true(fabs(want - 16.5) > 1e-4);
                r = target_row(ev, "forest_cover_2025", id);
                assert_int_equal(r->status, want >= 16.5 ? LG_STATUS_MET : LG_STATUS_NOT_MET);
                agree(&ag[4], "forest_cover_2025 gap", r->gap + 16.5, want);
                assert_int_equal(r->binding, 1);
            } else {
                double want = ratio(cov, res, 100);
                r = target_row(ev, "park_coverage_each", id);
                if (isnan(want)) {
                    assert_int_equal(r->status, LG_STATUS_NO_DATA);
                    park_no_data++;
                } else {
                    assert_true(fabs(want - 80) > 1e-4);
                    assert_int_equal(r->status, want > 80 ? LG_STATUS_MET : LG_STATUS_NOT_MET);
                    park_met += want > 80;
                    park_not_met += !(want > 80);
                }
            }
        }
        assert_int_equal(nz, k == 0 ? 1 : 11);
        /* the totals */
        char what[64];
        snprintf(what, sizeof what, "%s total", lv);
        agree(&ag[0], what, value_row(ev, "zone_km2", lv, "total")->value, s[0] / 1e6);
        agree(&ag[1], what, value_row(ev, "road_km", lv, "total")->value, s[1]);
        agree(&ag[2], what, value_row(ev, "road_density", lv, "total")->value,
              ratio(s[1], s[0], 1e6));
        agree(&ag[3], what, value_row(ev, "forest_m2", lv, "total")->value, s[2]);
        agree(&ag[4], what, value_row(ev, "forest_cover", lv, "total")->value,
              ratio(s[2], s[0], 100));
        agree(&ag[5], what, value_row(ev, "res_m2", lv, "total")->value, s[3]);
        agree(&ag[6], what, value_row(ev, "res_cov_m2", lv, "total")->value, s[4]);
        agree(&ag[7], what, value_row(ev, "park_coverage", lv, "total")->value,
              ratio(s[4], s[3], 100));
        agree(&ag[8], what, value_row(ev, "tax_wan", lv, "total")->value, s[5]);
        agree(&ag[9], what, value_row(ev, "ind_m2", lv, "total")->value, s[6]);
        agree(&ag[10], what, value_row(ev, "tax_per_mu", lv, "total")->value,
              ratio(s[5], s[6], 10000.0 / 15.0));
        assert_double_near(value_row(ev, "conflict_sites", lv, "total")->value, s[7], 0);
    }
    /* the JSON's own numbers: 38 conflicts; forest cover below 16.5 % */
    assert_true(park_met > 0);
    printf("[ INFO     ] demo: forest cover %.4f %% (PostGIS); park coverage > 80 %%: %zu "
           "streets met, %zu not met, %zu no residential land\n",
           cover_district, park_met, park_not_met, park_no_data);
    assert_int_equal(lg_evaluation_binding_missed(ev), cover_district >= 16.5 ? 0 : 1);
    agreement_report(__func__, ag, sizeof ag / sizeof ag[0]);
    done(NULL);
}

/* Liechtenstein with tests/data/projects/liechtenstein.yaml (its layer
 * paths are data/…: a link to the shared extract is made beside a copy of
 * it): road km, road density and forest cover per municipality against
 * tests/data/liechtenstein_postgis.json, and its targets' status derived
 * from the PostGIS values. */
static void test_liechtenstein(void **state)
{
    (void)state;
    LG_REQUIRE_SHARED(data);
    char src[1200];
    snprintf(src, sizeof src, "%s/osm/liechtenstein-2015", data);
    struct stat st;
    if (stat(src, &st) != 0) {
        fprintf(stderr, "SKIP %s: %s not found\n", __func__, src);
        skip();
    }
    json_object *doc = read_reference("liechtenstein_postgis.json");
    TEST_DIR(d);
    char link[1200];
    snprintf(link, sizeof link, "%s/data", d);
    assert_int_equal(symlink(src, link), 0);
    char f[1300];
    copy_project("liechtenstein.yaml", d, f, sizeof f);
    lg_project *p = load_ok(f);
    lg_evaluation *ev = evaluate(p);
    assert_string_equal(lg_evaluation_crs(ev), "EPSG:32632");

    json_object *munis = jget(doc, "municipalities");
    assert_int_equal(json_object_object_length(munis), 11);
    agreement ag[] = {{"road_km", 1e-6, 0, 0},
                      {"road_density", 1e-6, 0, 0},
                      {"forest_m2", 1e-3, 0, 0},
                      {"forest_cover", 1e-8, 0, 0}};
    double area_sum = 0, road_sum = 0, forest_sum = 0;
    size_t forest_met = 0;
    json_object_object_foreach(munis, name, m)
    {
        const char *id = json_object_get_string(jget(m, "zid"));
        double area = jnum(m, "area_m2"), road = jnum(m, "road_km"), forest = jnum(m, "forest_m2");
        const lg_eval_row *r = value_row(ev, "road_km", "municipalities", id);
        assert_string_equal(r->zone_name, name);
        agree(&ag[0], name, r->value, road);
        agree(&ag[1], name, value_row(ev, "road_density", "municipalities", id)->value,
              ratio(road, area, 1e6));
        agree(&ag[2], name, value_row(ev, "forest_m2", "municipalities", id)->value, forest);
        double cover = ratio(forest, area, 100);
        agree(&ag[3], name, value_row(ev, "forest_cover", "municipalities", id)->value, cover);
        area_sum += area, road_sum += road, forest_sum += forest;

        /* forest cover of at least 25 % in each municipality */
        assert_true(fabs(cover - 25) > 1e-3);
        r = target_row(ev, "forest_cover_each_25", id);
        assert_int_equal(r->status, cover >= 25 ? LG_STATUS_MET : LG_STATUS_NOT_MET);
        assert_double_near(r->gap, cover - 25, 1e-6 * 25);
        forest_met += cover >= 25;
        /* Vaduz (by name) and Balzers (by id): road density of at least 7 km/km2 */
        if (!strcmp(name, "Vaduz") || !strcmp(id, "1155953")) {
            double dens = ratio(road, area, 1e6);
            assert_true(fabs(dens - 7) > 1e-3);
            r = target_row(ev, !strcmp(name, "Vaduz") ? "vaduz_density" : "balzers_density", id);
            assert_int_equal(r->status, dens >= 7 ? LG_STATUS_MET : LG_STATUS_NOT_MET);
            assert_double_near(r->value, dens, 1e-6 * dens);
        }
    }
    /* the whole country: road km */
    const lg_eval_row *r = target_row(ev, "road_km_total", "total");
    agree(&ag[0], "total", r->value, road_sum);
    assert_true(fabs(road_sum - 1000) > 1);
    assert_int_equal(r->status, road_sum >= 1000 ? LG_STATUS_MET : LG_STATUS_NOT_MET);
    agree(&ag[3], "total", value_row(ev, "forest_cover", "municipalities", "total")->value,
          ratio(forest_sum, area_sum, 100));
    printf("[ INFO     ] Liechtenstein: %zu of 11 municipalities have >= 25 %% forest; %.3f "
           "road km in all\n", forest_met, road_sum);
    /* the binding target: forest cover in each municipality */
    assert_int_equal(lg_evaluation_binding_missed(ev), 11 - forest_met);
    agreement_report(__func__, ag, sizeof ag / sizeof ag[0]);
    done(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_hand_comparisons, done),
        cmocka_unit_test_teardown(test_hand_boundaries, done),
        cmocka_unit_test_teardown(test_no_data_second_input, done),
        cmocka_unit_test_teardown(test_demo_city, done),
        cmocka_unit_test_teardown(test_liechtenstein, done),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_4549, lg_test_teardown_ctx);
}
