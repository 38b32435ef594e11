/*
 * 亩均效益 (lg_efficiency.h, geoplan efficiency).
 *
 * Every expected value below is worked out by hand from the inputs written
 * here (the working is in the comments), never copied from the code's
 * output: land in 亩 = m² ÷ (10000/15) exactly, so 1600 m² = 2.4 亩,
 * 2000 m² = 3 亩, 3200 m² = 4.8 亩, 4000 m² = 6 亩, 1200 m² = 1.8 亩.
 *
 * The small world (EPSG:4549, metres from X0, Y0):
 *
 *   y=100 +----------------------+----------------------+
 *         | P5 (0..40,60..100)   |  P4 (110..190,60..100)|  street S2
 *         |  E6 cert 600, E7     |   E4 cert 4000        |  (100..200)
 *   street|                      |                       |
 *    S1   | P1 (0..40,0..40) E1  |  P3 (110..150,0..50)  |
 *  (0..100)| P2 (50..90,0..50)   |   在建, E5            |
 *         |   E2 cert 1200, E3 cert 800                  |
 *   y=0   +----------------------+----------------------+      E8 at x=300: no zone,
 *         district D (0..200 × 0..100)                            parcel 99 unknown
 */
#define LG_CLI_TEST_NAME "test_efficiency"
#define LG_CLI_DIR_PREFIX "eff_"
#include "lg_cli_run.h"
#include "lg_fixture.h"

/* ------------------------------------------------------------------ */
/* Inputs                                                              */

static void rect(char *buf, size_t n, double x0, double y0, double x1, double y1)
{
    snprintf(buf, n,
             "{\"type\":\"Polygon\",\"coordinates\":[[[%.0f,%.0f],[%.0f,%.0f],[%.0f,%.0f],"
             "[%.0f,%.0f],[%.0f,%.0f]]]}",
             X0 + x0, Y0 + y0, X0 + x1, Y0 + y0, X0 + x1, Y0 + y1, X0 + x0, Y0 + y1, X0 + x0,
             Y0 + y0);
}

/* A polygon layer: features {props, rect}. */
static void write_polys(const char *dir, const char *name, size_t n, const char *const *props,
                        const double (*r)[4])
{
    char *json = malloc(65536), g[400];
    assert_non_null(json);
    size_t len = (size_t)snprintf(json, 65536, "%s", HEAD);
    for (size_t i = 0; i < n; i++) {
        rect(g, sizeof g, r[i][0], r[i][1], r[i][2], r[i][3]);
        len += (size_t)snprintf(json + len, 65536 - len,
                                "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":%s}",
                                i ? "," : "", props[i], g);
    }
    snprintf(json + len, 65536 - len, "]}");
    lg_test_write_file(dir, name, json);
    free(json);
}

/* A firm: NAN for a NULL figure. */
typedef struct firm_in {
    const char *id, *size, *industry;
    double pid, x, y, tax, output, revenue, va, energy, elec, emis, rd, emp, cert, start;
} firm_in;

static void num(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, "null");
    else
        snprintf(buf, n, "%.17g", v);
}

static void write_firms(const char *dir, const char *name, const firm_in *f, size_t n)
{
    size_t cap = 4096 + n * 1024, len;
    char *json = malloc(cap);
    assert_non_null(json);
    len = (size_t)snprintf(json, cap, "%s", HEAD);
    for (size_t i = 0; i < n; i++) {
        const double v[] = {f[i].pid, f[i].tax,  f[i].output, f[i].revenue, f[i].va,
                            f[i].energy, f[i].elec, f[i].emis, f[i].rd, f[i].emp,
                            f[i].cert, f[i].start};
        static const char *const k[] = {"pid", "tax", "output", "revenue", "va", "energy",
                                        "elec", "emis", "rd", "emp", "cert", "start"};
        len += (size_t)snprintf(json + len, cap - len,
                                "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\","
                                "\"name\":\"firm %s\",\"size\":\"%s\",\"industry\":\"%s\"",
                                i ? "," : "", f[i].id, f[i].id, f[i].size, f[i].industry);
        for (size_t j = 0; j < 12; j++) {
            char b[40];
            num(b, sizeof b, v[j]);
            len += (size_t)snprintf(json + len, cap - len, ",\"%s\":%s", k[j], b);
        }
        len += (size_t)snprintf(json + len, cap - len,
                                "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.3f,%.3f]}}",
                                X0 + f[i].x, Y0 + f[i].y);
    }
    snprintf(json + len, cap - len, "]}");
    lg_test_write_file(dir, name, json);
    free(json);
}

#define N NAN
static const firm_in FIRMS[] = {
    /* id   size    industry pid  x    y    tax out   rev   va   energy elec emis rd  emp cert  start */
    {"E1", "规上", "机械", 1, 20, 20, 24, 2400, 2000, 600, 100, N, 2, 40, 30, N, 2010},
    {"E2", "规上", "机械", 2, 60, 25, 36, 2000, 1800, 360, 0, N, 1.2, 0, 12, 1200, 2015},
    {"E3", "规上", "电子", 2, 80, 25, 6, 900, 1000, 96, 32, N, N, 30, 8, 800, 2016},
    {"E4", "规下", "食品", 4, 150, 80, 30, 300, 280, 60, 10, 100, 1, 0, 5, 4000, 2012},
    {"E5", "规上", "机械", 3, 130, 25, 4, 400, 400, 80, 10, N, 1, 0, 5, N, 2010},
    {"E6", "规上", "机械", 5, 10, 80, 2, 200, 200, 40, 5, N, 1, 0, 5, 600, 2023},
    {"E7", "规下", "电力", 5, 30, 80, 3, 300, 300, 50, 5, N, 1, 0, 5, N, 2000},
    {"E8", "规下", "食品", 99, 300, 50, 1, 100, 100, 20, 5, 10, 1, 0, 5, N, 2010},
};
#undef N
#define NFIRMS (sizeof FIRMS / sizeof FIRMS[0])

static const char WORLD_YAML[] =
    "geoplan: efficiency/1\n"
    "name: test world\n"
    "year: 2023\n"
    "layers:\n"
    "  enterprises:\n"
    "    path: firms.geojson\n"
    "    fields: {parcel: pid, value_added: va, electricity: elec, emissions: emis,\n"
    "             employees: emp, land: cert, start_year: start}\n"
    "  parcels: {path: parcels.geojson}\n"
    "  streets: {path: streets.geojson}\n"
    "  districts: {path: districts.geojson}\n"
    "levels:\n"
    "  district: {layer: districts}\n"
    "  street: {layer: streets}\n"
    "groups:\n"
    "  - name: 规上\n"
    "    select: {size: 规上}\n"
    "    indicators:\n"
    "      - {measure: tax_per_mu, weight: 50, benchmark: 10, cap: 1.5}\n"
    "      - {measure: va_per_energy, weight: 30, benchmark: 6}\n"
    "      - {measure: rd_intensity, weight: 20, benchmark: 0.02}\n"
    "  - name: 规下\n"
    "    select: {size: 规下}\n"
    "    indicators:\n"
    "      - {measure: tax_per_mu, weight: 50, benchmark: 5}\n"
    "      - {measure: tax_per_electricity, weight: 50, benchmark: 0.3}\n"
    "classes: {method: cutoff, A: 90, B: 72, C: 60, D: 0}\n"
    "exemptions: {industries: [电力], min_years: 2, parcel_status: [在建]}\n";

/* The world's layers and config in a fresh directory; the config's path
 * into cfg. */
static void make_world(char *dir, size_t dirlen, const char *test, char *cfg, size_t cfglen)
{
    const char *t = lg_test_tmpdir(test);
    assert_non_null(t);
    snprintf(dir, dirlen, "%s", t);
    static const char *const pp[] = {
        "\"id\":1,\"status\":\"在用\"", "\"id\":2,\"status\":\"在用\"",
        "\"id\":3,\"status\":\"在建\"", "\"id\":4,\"status\":\"在用\"",
        "\"id\":5,\"status\":\"在用\""};
    static const double pr[][4] = {
        {0, 0, 40, 40}, {50, 0, 90, 50}, {110, 0, 150, 50}, {110, 60, 190, 100}, {0, 60, 40, 100}};
    write_polys(dir, "parcels.geojson", 5, pp, pr);
    static const char *const sp[] = {"\"code\":\"S1\",\"name\":\"一街道\"",
                                     "\"code\":\"S2\",\"name\":\"二街道\""};
    static const double sr[][4] = {{0, 0, 100, 100}, {100, 0, 200, 100}};
    write_polys(dir, "streets.geojson", 2, sp, sr);
    static const char *const dp[] = {"\"code\":\"D\",\"name\":\"区\""};
    static const double dr[][4] = {{0, 0, 200, 100}};
    write_polys(dir, "districts.geojson", 1, dp, dr);
    write_firms(dir, "firms.geojson", FIRMS, NFIRMS);
    snprintf(cfg, cfglen, "%s", lg_test_write_file(dir, "world.yaml", WORLD_YAML));
}

/* Load, check and run a config; fail with its errors. */
static lg_efficiency *run_config(const char *path, lg_eff_config **c, const char *const *opts)
{
    *c = lg_eff_config_load(ctx, path, opts);
    assert_non_null(*c);
    if (lg_eff_config_error_count(*c) == 0)
        lg_eff_config_check(ctx, *c);
    for (size_t i = 0; i < lg_eff_config_error_count(*c); i++)
        print_error("%s\n", lg_eff_config_error(*c, i));
    assert_int_equal(lg_eff_config_error_count(*c), 0);
    lg_efficiency *e = lg_efficiency_run(ctx, *c, NULL);
    if (!e)
        fail_msg("run: %s", lg_ctx_errmsg(ctx));
    return e;
}

static const lg_eff_firm *firm(const lg_efficiency *e, const char *id, size_t *index)
{
    for (size_t i = 0; i < lg_efficiency_firm_count(e); i++)
        if (!strcmp(lg_efficiency_firm(e, i)->id, id)) {
            if (index)
                *index = i;
            return lg_efficiency_firm(e, i);
        }
    fail_msg("no firm %s", id);
    return NULL;
}

#define TOL 1e-9

/* ------------------------------------------------------------------ */
/* Per-enterprise land and measures                                    */

static void test_land_and_measures(void **state)
{
    (void)state;
    char dir[900], cfg[1200];
    make_world(dir, sizeof dir, "eff_measures", cfg, sizeof cfg);
    lg_eff_config *c;
    lg_efficiency *e = run_config(cfg, &c, NULL);
    assert_int_equal(lg_efficiency_firm_count(e), NFIRMS);

    /* E1: no certificate, alone on P1 (1600 m²): land = GIS = 2.4 亩 */
    const lg_eff_firm *f = firm(e, "E1", NULL);
    assert_double_near(f->input[LG_EFF_LAND], 2.4, TOL);
    assert_int_equal(f->land_from_cert, 0);
    assert_true(isnan(f->cert_mu));
    assert_string_equal(f->parcel, "1");
    /* 24 万元 ÷ 2.4 = 10; 2400 ÷ 2.4 = 1000; 2000 ÷ 2.4 = 833.33…; 600 ÷ 2.4 = 250;
     * 600 ÷ 100 tce = 6; 2000 ÷ 100 = 20; 24 ÷ 100 = 0.24; 600 ÷ 2 t = 300;
     * 2000 ÷ 2 = 1000; 40 ÷ 2000 = 0.02; 600 ÷ 30 = 20 */
    const double want[LG_EFF_MEASURES] = {10,  1000, 2000 / 2.4, 250,  6,    20,
                                          0.24, NAN, 300,        1000, 0.02, 20};
    for (int m = 0; m < LG_EFF_MEASURES; m++) {
        if (isnan(want[m]))
            assert_true(isnan(f->measure[m])); /* electricity NULL */
        else
            assert_double_near(f->measure[m], want[m], TOL);
    }
    /* E2, E3 share P2 (2000 m² = 3 亩) with certificates 1200 + 800 = 2000 m²: land
     * 1.8 and 1.2 亩, GIS shares 3 × 1.8/3 and 3 × 1.2/3, no mismatch */
    f = firm(e, "E2", NULL);
    assert_double_near(f->input[LG_EFF_LAND], 1.8, TOL);
    assert_double_near(f->gis_mu, 1.8, TOL);
    assert_int_equal(f->land_from_cert, 1);
    assert_int_equal(f->area_mismatch, 0);
    assert_double_near(f->measure[LG_EFF_TAX_PER_MU], 20, TOL);        /* 36 ÷ 1.8 */
    assert_true(isnan(f->measure[LG_EFF_VA_PER_ENERGY]));              /* energy 0 */
    assert_double_near(f->measure[LG_EFF_VA_PER_EMISSION], 300, TOL);  /* 360 ÷ 1.2 */
    assert_double_near(f->measure[LG_EFF_RD_INTENSITY], 0, TOL);       /* 0 ÷ 1800 */
    assert_double_near(f->measure[LG_EFF_LABOUR_PRODUCTIVITY], 30, TOL); /* 360 ÷ 12 */
    f = firm(e, "E3", NULL);
    assert_double_near(f->gis_mu, 1.2, TOL);
    assert_double_near(f->measure[LG_EFF_VA_PER_MU], 80, TOL); /* 96 ÷ 1.2 */
    assert_true(isnan(f->measure[LG_EFF_VA_PER_EMISSION]));    /* emissions NULL */
    /* E4: certificate 4000 m² = 6 亩 on P4 of 3200 m² = 4.8 亩: +25 % > 10 %: flagged,
     * the certificate is used; 30 ÷ 6 = 5; 30 ÷ 100 万kWh = 0.3 */
    f = firm(e, "E4", NULL);
    assert_int_equal(f->area_mismatch, 1);
    assert_double_near(f->input[LG_EFF_LAND], 6, TOL);
    assert_double_near(f->gis_mu, 4.8, TOL);
    assert_non_null(strstr(f->flags, "area mismatch"));
    assert_double_near(f->measure[LG_EFF_TAX_PER_MU], 5, TOL);
    assert_double_near(f->measure[LG_EFF_TAX_PER_ELECTRICITY], 0.3, TOL);
    /* E6 (certificate 600 m²) and E7 (none) share P5 (1600 m²): E7 gets the rest,
     * 1000 m² = 1.5 亩; E6's GIS share is not separable (NaN) */
    assert_double_near(firm(e, "E7", NULL)->input[LG_EFF_LAND], 1.5, TOL);
    assert_double_near(firm(e, "E6", NULL)->input[LG_EFF_LAND], 0.9, TOL);
    assert_true(isnan(firm(e, "E6", NULL)->gis_mu));
    /* E5 alone on P3 (2000 m²) without a certificate: 3 亩 */
    assert_double_near(firm(e, "E5", NULL)->input[LG_EFF_LAND], 3, TOL);
    /* E8: parcel 99 does not exist, no certificate: no land, not rated */
    f = firm(e, "E8", NULL);
    assert_true(isnan(f->input[LG_EFF_LAND]));
    assert_string_equal(f->cls, "N");
    assert_non_null(strstr(f->reason, "no land"));
    assert_non_null(strstr(f->flags, "parcel 99"));
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* A tolerance of 30 % accepts E4's +25 %. */
static void test_mismatch_tolerance(void **state)
{
    (void)state;
    char dir[900], cfg[1200], inc[1400];
    make_world(dir, sizeof dir, "eff_tolerance", cfg, sizeof cfg);
    snprintf(inc, sizeof inc, "geoplan: efficiency/1\ninclude: world.yaml\n"
                              "land: {tolerance: 0.3}\n");
    const char *p = lg_test_write_file(dir, "tol.yaml", inc);
    lg_eff_config *c;
    lg_efficiency *e = run_config(p, &c, NULL);
    assert_int_equal(firm(e, "E4", NULL)->area_mismatch, 0);
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* ------------------------------------------------------------------ */
/* Scoring                                                             */

/* ratio with a cap, a missing item scored 0, cut-off classes, exemptions */
static void test_ratio_cutoff_exemptions(void **state)
{
    (void)state;
    char dir[900], cfg[1200];
    make_world(dir, sizeof dir, "eff_ratio", cfg, sizeof cfg);
    lg_eff_config *c;
    lg_efficiency *e = run_config(cfg, &c, NULL);
    size_t i;
    /* E1: 10/10 × 50 + 6/6 × 30 + 0.02/0.02 × 20 = 100 → A (≥ 90) */
    const lg_eff_firm *f = firm(e, "E1", &i);
    assert_double_near(f->score, 100, TOL);
    assert_double_near(lg_efficiency_points(e, i, LG_EFF_TAX_PER_MU), 50, TOL);
    assert_string_equal(f->cls, "A");
    assert_string_equal(f->group, "规上");
    assert_int_equal(f->rank, 1);
    /* E2: 20/10 = 2 capped at 1.5 → 75; energy 0 → 0 (flagged); rd 0 → 0: 75 → B */
    f = firm(e, "E2", &i);
    assert_double_near(lg_efficiency_points(e, i, LG_EFF_TAX_PER_MU), 75, TOL);
    assert_double_near(lg_efficiency_points(e, i, LG_EFF_VA_PER_ENERGY), 0, TOL);
    assert_non_null(strstr(f->flags, "va_per_energy scored 0: energy is 0"));
    assert_double_near(f->score, 75, TOL);
    assert_string_equal(f->cls, "B");
    assert_int_equal(f->rank, 2);
    /* E3: 5/10 × 50 = 25; 3/6 × 30 = 15; 0.03/0.02 × 20 = 30: 70 → C (60 ≤ 70 < 72) */
    f = firm(e, "E3", NULL);
    assert_double_near(f->score, 70, TOL);
    assert_string_equal(f->cls, "C");
    /* E4 (规下): 5/5 × 50 + 0.3/0.3 × 50 = 100 → A */
    f = firm(e, "E4", NULL);
    assert_double_near(f->score, 100, TOL);
    assert_string_equal(f->cls, "A");
    assert_int_equal(f->rank, 1);
    /* exemptions */
    f = firm(e, "E5", NULL);
    assert_string_equal(f->cls, "T");
    assert_non_null(strstr(f->reason, "在建"));
    assert_true(isnan(f->score));
    f = firm(e, "E6", NULL); /* started 2023, 0 years before 2023 < 2 */
    assert_string_equal(f->cls, "T");
    assert_non_null(strstr(f->reason, "started 2023"));
    f = firm(e, "E7", NULL);
    assert_string_equal(f->cls, "T");
    assert_non_null(strstr(f->reason, "电力"));
    assert_int_equal(lg_efficiency_class_count(e, "T"), 3);
    assert_int_equal(lg_efficiency_class_count(e, "N"), 1);
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* --year 2024 makes E6 (started 2023) one year old: still exempt; with min
 * age 1 it is rated.  Missing items as not_rated: E2 and E3 become N. */
static void test_year_and_not_rated(void **state)
{
    (void)state;
    char dir[900], cfg[1200];
    make_world(dir, sizeof dir, "eff_year", cfg, sizeof cfg);
    const char *p = lg_test_write_file(dir, "nr.yaml",
                                       "geoplan: efficiency/1\ninclude: world.yaml\n"
                                       "missing: not_rated\n"
                                       "exemptions: {min_years: 1}\n");
    const char *opts[] = {"YEAR=2024", NULL};
    lg_eff_config *c;
    lg_efficiency *e = run_config(p, &c, opts);
    /* exemptions replaced: only the age rule; E6 is 2024 − 2023 = 1 ≥ 1: rated */
    assert_string_not_equal(firm(e, "E6", NULL)->cls, "T");
    assert_string_not_equal(firm(e, "E5", NULL)->cls, "T");
    const lg_eff_firm *f = firm(e, "E2", NULL);
    assert_string_equal(f->cls, "N");
    assert_non_null(strstr(f->reason, "va_per_energy does not exist (energy is 0)"));
    assert_string_equal(firm(e, "E3", NULL)->cls, "C");
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* min–max and rank normalisation over the rated 规上 firms E1, E2, E3 with
 * 亩均税收 10, 20, 5. */
static void test_minmax_and_rank(void **state)
{
    (void)state;
    char dir[900], cfg[1200];
    make_world(dir, sizeof dir, "eff_minmax", cfg, sizeof cfg);
    const char *p = lg_test_write_file(
        dir, "mm.yaml",
        "geoplan: efficiency/1\ninclude: world.yaml\n"
        "groups:\n"
        "  - name: 规上\n    select: {size: [规上]}\n    indicators:\n"
        "      - {measure: tax_per_mu, weight: 60, method: minmax}\n"
        "      - {measure: va_per_mu, weight: 40, method: rank}\n");
    lg_eff_config *c;
    lg_efficiency *e = run_config(p, &c, NULL);
    /* min–max: min 5, max 20: E1 60 × (20 + 80 × 5/15)/100 = 60 × 46.666…/100 = 28;
     * E2 60; E3 60 × 20/100 = 12.  va_per_mu 250, 200, 80 → ranks 1, 2, 3 of n = 3:
     * 40 × 3/3 = 40, 40 × 2/3 = 26.666…, 40 × 1/3 = 13.333… */
    assert_double_near(firm(e, "E1", NULL)->score, 28 + 40, 1e-9);
    assert_double_near(firm(e, "E2", NULL)->score, 60 + 80.0 / 3, 1e-9);
    assert_double_near(firm(e, "E3", NULL)->score, 12 + 40.0 / 3, 1e-9);
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* n firms with their own certificate of 1 亩 and tax t[i]: score = t[i]
 * (ratio, benchmark 1, weight 1), classes by rank shares. */
static lg_efficiency *rank_world(const char *test, const double *tax, size_t n,
                                 lg_eff_config **c)
{
    firm_in f[16];
    char ids[16][24];
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++) {
        snprintf(ids[i], sizeof ids[i], "F%zu", i + 1);
        f[i] = (firm_in){ids[i], "规上", "机械", NAN, 10.0 * (double)i, 0, tax[i], NAN, NAN,
                         NAN, NAN, NAN, NAN, NAN, NAN, 1, 2000};
    }
    const char *dir = lg_test_tmpdir(test);
    assert_non_null(dir);
    write_firms(dir, "firms.geojson", f, n);
    const char *p = lg_test_write_file(
        dir, "rank.yaml",
        "geoplan: efficiency/1\n"
        "layers: {enterprises: {path: firms.geojson, fields: {land: cert}}}\n"
        "land: {unit: mu}\n"
        "groups:\n  - name: all\n    indicators: [{measure: tax_per_mu, weight: 1, "
        "benchmark: 1}]\n"
        "classes: {method: rank, A: 20, B: 50, C: 25, D: 5}\n");
    return run_config(p, c, NULL);
}

static void assert_classes(const lg_efficiency *e, const char *want)
{
    for (size_t i = 0; i < strlen(want); i++) {
        char id[24], cls[2] = {want[i], 0};
        snprintf(id, sizeof id, "F%zu", i + 1);
        if (strcmp(firm(e, id, NULL)->cls, cls) != 0)
            fail_msg("%s: class %s, expected %s (all expected: %s)", id, firm(e, id, NULL)->cls,
                     cls, want);
    }
}

/* Rounding rule: position i (1 = best) is in the first class with
 * i ≤ ⌊n × cumulative % ÷ 100 + 0.5⌋.  n = 10: A to ⌊2.5⌋ = 2, B to ⌊7.5⌋ = 7,
 * C to ⌊10⌋ = 10: no D (5 % of 10 firms is half a firm).  n = 11: A to
 * ⌊2.7⌋ = 2, B to ⌊8.2⌋ = 8, C to ⌊10.95⌋ = 10, D the 11th. */
static void test_rank_shares_small_n(void **state)
{
    (void)state;
    const double t10[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    lg_eff_config *c;
    lg_efficiency *e = rank_world("eff_rank10", t10, 10, &c);
    assert_classes(e, "AABBBBBCCC");
    assert_int_equal(lg_efficiency_class_count(e, "D"), 0);
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);

    const double t11[] = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    e = rank_world("eff_rank11", t11, 11, &c);
    assert_classes(e, "AABBBBBBCCD");
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* Ties are never split: F2 and F3 tie at position 2 (A's last place): both
 * A, both rank 2, F4 rank 4; F7, F8 tie at 7 (B's last): both B. */
static void test_rank_shares_ties(void **state)
{
    (void)state;
    const double t[] = {10, 9, 9, 8, 7, 6, 5, 5, 2, 1};
    lg_eff_config *c;
    lg_efficiency *e = rank_world("eff_ranktie", t, 10, &c);
    assert_classes(e, "AAABBBBBCC");
    assert_int_equal(firm(e, "F3", NULL)->rank, 2);
    assert_int_equal(firm(e, "F4", NULL)->rank, 4);
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* ------------------------------------------------------------------ */
/* Zones                                                               */

static double zcol(const lg_table *t, size_t row, const char *col)
{
    int k = lg_table_column_index(t, col);
    if (k < 0)
        fail_msg("no column %s", col);
    return lg_table_value(t, row, (size_t)k);
}

static void test_zones(void **state)
{
    (void)state;
    char dir[900], cfg[1200];
    make_world(dir, sizeof dir, "eff_zones", cfg, sizeof cfg);
    lg_eff_config *c;
    lg_efficiency *e = run_config(cfg, &c, NULL);
    assert_int_equal(lg_efficiency_level_count(e), 2);
    assert_string_equal(lg_efficiency_level_name(e, 1), "street");
    const lg_table *s = lg_efficiency_zones(e, 1), *tot = lg_efficiency_total(e, 1);
    assert_int_equal(lg_table_rows(s), 2);
    assert_string_equal(lg_table_row_id(s, 0), "S1");
    /* S1: E1, E2, E3 (P1, P2), E6, E7 (P5): tax 24 + 36 + 6 + 2 + 3 = 71 on
     * 2.4 + 1.8 + 1.2 + 0.9 + 1.5 = 7.8 亩 → 71/7.8 */
    assert_double_near(zcol(s, 0, "firms"), 5, 0);
    assert_double_near(zcol(s, 0, "rated"), 3, 0);
    assert_double_near(zcol(s, 0, "tax"), 71, TOL);
    assert_double_near(zcol(s, 0, "land"), 7.8, TOL);
    assert_double_near(zcol(s, 0, "tax_per_mu"), 71 / 7.8, TOL);
    /* class mix: A E1 2.4, B E2 1.8, C E3 1.2, T E6 + E7 = 2.4 亩 */
    assert_double_near(zcol(s, 0, "n:A"), 1, 0);
    assert_double_near(zcol(s, 0, "mu:A"), 2.4, TOL);
    assert_double_near(zcol(s, 0, "mu:B"), 1.8, TOL);
    assert_double_near(zcol(s, 0, "n:T"), 2, 0);
    assert_double_near(zcol(s, 0, "mu:T"), 2.4, TOL);
    /* S2: E4 (30 on 6) and E5 (4 on 3): 34/9 */
    assert_double_near(zcol(s, 1, "tax_per_mu"), 34.0 / 9, TOL);
    /* rank by tax_per_mu: S1 9.10 > S2 3.78 */
    assert_double_near(zcol(s, 0, "rank"), 1, 0);
    assert_double_near(zcol(s, 1, "rank"), 2, 0);
    /* total: every firm, E8 too (no zone, no land: tax counts in the sum, not in
     * the 亩均): tax 71 + 34 + 1 = 106; 亩均 (71 + 34) / (7.8 + 9) = 6.25 */
    assert_double_near(zcol(tot, 0, "tax"), 106, TOL);
    assert_double_near(zcol(tot, 0, "tax_per_mu"), 6.25, TOL);
    assert_double_near(zcol(tot, 0, "n:N"), 1, 0);
    assert_true(isnan(zcol(tot, 0, "rank")));
    assert_null(lg_efficiency_firm_zone(e, 7, 1)); /* E8 */
    assert_string_equal(lg_efficiency_firm_zone(e, 0, 1), "S1");
    /* district: one zone holding all but E8 */
    assert_double_near(zcol(lg_efficiency_zones(e, 0), 0, "tax"), 105, TOL);
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* ------------------------------------------------------------------ */
/* The 黄岩 2023 formulas                                                */

/* The shipped huangyan_2023.yaml on a constructed table (own certificate
 * land in 亩, no parcels).  Hand calculation (INDICATORS.md):
 *   规上得分 = 亩均税收÷24.097×30 + 亩均增加值÷136.16×20 + 单位能耗增加值÷2.694×20
 *            + 单位排放增加值÷4929.81×10 + 全员劳动生产率÷18.14×10 + R&D占比÷0.0302×10
 *   规下得分 = 亩均税收÷11.5932×50 + 单位用电税收÷0.2352×50
 * H1 (规上, 10 亩, tax 300, va 2000, energy 500, emissions 0.4, 100 people, R&D 150,
 * revenue 5000): 亩均税收 30 → 37.349048; 亩均增加值 200 → 29.377203; 单位能耗增加值 4
 * → 29.695620; 单位排放增加值 5000 → 10.142379; 劳动生产率 20 → 11.025358; R&D 0.03 →
 * 9.933775; total 127.523383.
 * H2 (规上, 2 亩, tax 30, va 400, energy 100, emissions 0.05, 20 people, R&D 60,
 * revenue 2000): 15 → 18.674524; 200 → 29.377203; 4 → 29.695620; 8000 → 16.227806;
 * 20 → 11.025358; 0.03 → 9.933775; total 114.934286.
 * H3 (规下, 4 亩, tax 40, electricity 200 万kWh): 10 → 43.128731; 0.2 → 42.517007;
 * total 85.645737.  H4 (规下, 4 亩, tax 40, electricity NULL): 43.128731, the
 * second item 0 and flagged.
 * Classes, rank shares A 20 / B 50 / C 25 / D 5 per group of n = 2: A to
 * ⌊0.4 + 0.5⌋ = 0, B to ⌊1.4 + 0.5⌋ = 1, C to ⌊1.9 + 0.5⌋ = 2: H1 B, H2 C; H3 B, H4 C. */
static void test_huangyan_2023(void **state)
{
    (void)state;
#define N NAN
    const firm_in f[] = {
        {"H1", "规上", "机械", N, 0, 0, 300, N, 5000, 2000, 500, N, 0.4, 150, 100, 10, 2000},
        {"H2", "规上", "机械", N, 10, 0, 30, N, 2000, 400, 100, N, 0.05, 60, 20, 2, 2000},
        {"H3", "规下", "机械", N, 20, 0, 40, N, N, N, N, 200, N, N, N, 4, 2000},
        {"H4", "规下", "机械", N, 30, 0, 40, N, N, N, N, N, N, N, N, 4, 2000},
    };
#undef N
    const char *dir = lg_test_tmpdir("eff_huangyan");
    assert_non_null(dir);
    write_firms(dir, "firms.geojson", f, 4);
    const char *p = lg_test_write_file(
        dir, "hy.yaml",
        "geoplan: efficiency/1\ninclude: huangyan_2023\n"
        "layers: {enterprises: {path: firms.geojson, fields: {value_added: va, "
        "electricity: elec, emissions: emis, employees: emp, land: cert, start_year: start}}}\n"
        "land: {unit: mu}\n");
    lg_eff_config *c;
    lg_efficiency *e = run_config(p, &c, NULL);
    assert_double_near(firm(e, "H1", NULL)->score, 127.523383, 1e-6);
    assert_double_near(firm(e, "H2", NULL)->score, 114.934286, 1e-6);
    assert_double_near(firm(e, "H3", NULL)->score, 85.645737, 1e-6);
    assert_double_near(firm(e, "H4", NULL)->score, 43.128731, 1e-6);
    assert_non_null(strstr(firm(e, "H4", NULL)->flags, "tax_per_electricity scored 0"));
    assert_string_equal(firm(e, "H1", NULL)->cls, "B");
    assert_string_equal(firm(e, "H2", NULL)->cls, "C");
    assert_string_equal(firm(e, "H3", NULL)->cls, "B");
    assert_string_equal(firm(e, "H4", NULL)->cls, "C");
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* ------------------------------------------------------------------ */
/* Config errors                                                       */

static int has_error(const lg_eff_config *c, const char *want)
{
    for (size_t i = 0; i < lg_eff_config_error_count(c); i++)
        if (strstr(lg_eff_config_error(c, i), want))
            return 1;
    return 0;
}

#define assert_error(c, want)                                                                \
    do {                                                                                     \
        if (!has_error((c), (want))) {                                                       \
            for (size_t i_ = 0; i_ < lg_eff_config_error_count(c); i_++)                     \
                print_error("  %s\n", lg_eff_config_error((c), i_));                         \
            fail_msg("no error containing: %s", (want));                                     \
        }                                                                                    \
    } while (0)

static void test_config_errors(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("eff_errors");
    assert_non_null(dir);
    char path[1200];
    snprintf(path, sizeof path, "%s", lg_test_write_file(dir, "bad.yaml",
        "geoplan: efficiency/1\n"                                      /* 1 */
        "layers:\n"                                                    /* 2 */
        "  enterprises: {path: firms.geojson}\n"                       /* 3 */
        "groups:\n"                                                    /* 4 */
        "  - name: g\n"                                                /* 5 */
        "    indicators:\n"                                            /* 6 */
        "      - {measure: tax_per_acre, weight: 10, benchmark: 1}\n"  /* 7 */
        "      - {measure: tax_per_mu, weight: 10, method: ratio}\n"   /* 8 */
        "    colour: red\n"                                            /* 9 */
        "classes: {method: rank, A: 50, B: 40}\n"                      /* 10 */
        "missing: skip\n"                                              /* 11 */
        "exemptions: {min_years: 2}\n"));                              /* 12 */
    lg_eff_config *c = lg_eff_config_load(ctx, path, NULL);
    assert_non_null(c);
    char want[1400];
    /* every error found, each at its value */
    snprintf(want, sizeof want, "%s:7:19: measure: unknown measure 'tax_per_acre'", path);
    assert_error(c, want);
    snprintf(want, sizeof want, "%s:8:9: indicator: method ratio needs a benchmark", path);
    assert_error(c, want);
    snprintf(want, sizeof want, "%s:9:5: unknown key 'colour' in a scoring group", path);
    assert_error(c, want);
    snprintf(want, sizeof want, "%s:10:10: classes: rank shares add up to 90 %%", path);
    assert_error(c, want);
    snprintf(want, sizeof want, "%s:11:10: missing: 'skip'", path);
    assert_error(c, want);
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    lg_eff_config_free(ctx, c);

    /* checks that need the whole file, and the data */
    snprintf(path, sizeof path, "%s", lg_test_write_file(dir, "bad2.yaml",
        "geoplan: efficiency/1\n"
        "layers:\n"
        "  enterprises: {path: firms.geojson, fields: {tax: steuer}}\n"
        "groups:\n"
        "  - {name: g, indicators: [{measure: tax_per_mu, weight: 100, benchmark: 1}]}\n"
        "classes: {method: cutoff, A: 50, B: 60}\n"
        "exemptions: {min_years: 2}\n"));
    c = lg_eff_config_load(ctx, path, NULL);
    snprintf(want, sizeof want, "%s:6:37: classes: the minimum score of 'B' must be below", path);
    assert_error(c, want);
    lg_eff_config_free(ctx, c);
    snprintf(path, sizeof path, "%s", lg_test_write_file(dir, "bad3.yaml",
        "geoplan: efficiency/1\n"
        "layers:\n"
        "  enterprises: {path: firms.geojson, fields: {tax: steuer}}\n"
        "groups:\n"
        "  - {name: g, indicators: [{measure: tax_per_mu, weight: 100, benchmark: 1}]}\n"
        "classes: {method: cutoff, A: 50, B: 0}\n"
        "exemptions: {min_years: 2}\n"));
    c = lg_eff_config_load(ctx, path, NULL);
    snprintf(want, sizeof want, "%s:7:13: exemptions.min_years needs the evaluation year", path);
    assert_error(c, want);
    lg_eff_config_free(ctx, c);
    const char *yr[] = {"YEAR=2023", NULL};
    c = lg_eff_config_load(ctx, path, yr);
    assert_int_equal(lg_eff_config_error_count(c), 0);
    write_firms(dir, "firms.geojson", FIRMS, 1);
    assert_int_equal(lg_eff_config_check(ctx, c), LG_ERR_ARG);
    snprintf(want, sizeof want, "%s:3:52: layer 'enterprises': field 'steuer' (for tax)", path);
    assert_error(c, want);
    lg_eff_config_free(ctx, c);
    /* a YAML syntax error */
    snprintf(path, sizeof path, "%s",
             lg_test_write_file(dir, "syntax.yaml", "geoplan: efficiency/1\ngroups: [\n"));
    c = lg_eff_config_load(ctx, path, NULL);
    assert_true(lg_eff_config_error_count(c) >= 1);
    snprintf(want, sizeof want, "%s:", path);
    assert_error(c, want);
    lg_eff_config_free(ctx, c);
}

/* project: — the layers and levels of a project file. */
static void test_through_project(void **state)
{
    (void)state;
    char dir[900], cfg[1200];
    make_world(dir, sizeof dir, "eff_project", cfg, sizeof cfg);
    lg_test_write_file(dir, "project.yaml",
                       "geoplan: project/1\n"
                       "layers:\n"
                       "  firms: {path: firms.geojson, role: enterprises,\n"
                       "    fields: {parcel: pid, value_added: va, electricity: elec,\n"
                       "             emissions: emis, employees: emp, land: cert,\n"
                       "             start_year: start}}\n"
                       "  parcels: {path: parcels.geojson}\n"
                       "  streets: {path: streets.geojson, role: street}\n"
                       "levels: {street: {layer: streets}}\n");
    char text[4096];
    const char *groups = strstr(WORLD_YAML, "groups:");
    snprintf(text, sizeof text, "geoplan: efficiency/1\nyear: 2023\nproject: project.yaml\n%s",
             groups);
    const char *p = lg_test_write_file(dir, "via.yaml", text);
    lg_eff_config *c;
    lg_efficiency *e = run_config(p, &c, NULL);
    assert_int_equal(lg_efficiency_level_count(e), 1);
    assert_double_near(firm(e, "E1", NULL)->score, 100, TOL);
    assert_double_near(zcol(lg_efficiency_zones(e, 0), 0, "tax"), 71, TOL);
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* ------------------------------------------------------------------ */
/* Output files                                                        */

static void test_write(void **state)
{
    (void)state;
    char dir[900], cfg[1200], out[1000], path[1200];
    make_world(dir, sizeof dir, "eff_write", cfg, sizeof cfg);
    lg_eff_config *c;
    lg_efficiency *e = run_config(cfg, &c, NULL);
    snprintf(out, sizeof out, "%s/out", dir);
    assert_int_equal(lg_efficiency_write(ctx, e, out, NULL), LG_OK);
    const char *files[] = {"enterprises.csv", "enterprises.json", "zones_street.csv",
                           "zones_street.json", "zones_district.csv", "efficiency.gpkg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct stat st;
        assert_int_equal(stat(path_in(path, sizeof path, out, files[i]), &st), 0);
    }
    char *csv = slurp(path_in(path, sizeof path, out, "enterprises.csv"), NULL);
    assert_non_null(csv);
    static const char head[] = "\xEF\xBB\xBFid,name,industry,group,class";
    assert_memory_equal(csv, head, sizeof head - 1);
    free(csv);
    /* the parcels layer: P2 holds E2 (B, 1.8 亩) and E3 (C, 1.2 亩): class B, score
     * (75 × 1.8 + 70 × 1.2) / 3 = 73 */
    GDALDatasetH ds = GDALOpenEx(path_in(path, sizeof path, out, "efficiency.gpkg"),
                                 GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH L = GDALDatasetGetLayerByName(ds, "parcels");
    assert_non_null(L);
    assert_int_equal(OGR_L_GetFeatureCount(L, 1), 5); /* P1–P5 hold firms */
    OGR_L_SetAttributeFilter(L, "id = '2'");
    OGRFeatureH F = OGR_L_GetNextFeature(L);
    assert_non_null(F);
    assert_string_equal(OGR_F_GetFieldAsString(F, OGR_F_GetFieldIndex(F, "class")), "B");
    assert_double_near(OGR_F_GetFieldAsDouble(F, OGR_F_GetFieldIndex(F, "score")), 73, 1e-9);
    OGR_F_Destroy(F);
    assert_non_null(GDALDatasetGetLayerByName(ds, "street"));
    GDALClose(ds);
    lg_efficiency_free(ctx, e);
    lg_eff_config_free(ctx, c);
}

/* ------------------------------------------------------------------ */
/* The demo city end to end, through the CLI                           */

static double sum_tax(json_object *firms)
{
    double s = 0;
    for (size_t i = 0; i < json_object_array_length(firms); i++) {
        json_object *v = NULL;
        if (jfind(json_object_array_get_idx(firms, i), "tax", &v) && v)
            s += json_object_get_double(v);
    }
    return s;
}

static void test_cli_demo(void **state)
{
    (void)state;
    TEST_DIR(d);
    char ws[1100], out[1100], cfg[1200], path[1300];
    snprintf(ws, sizeof ws, "%s/city", d);
    snprintf(out, sizeof out, "%s/eff", d);
    snprintf(cfg, sizeof cfg, "%s/layers/efficiency/demo.yaml", LIBGEO_SOURCE_DIR);
    gp_result r;
    gp_run(&r, "demo", "--out", ws, "--scale", "S", "--seed", "1", "--quiet", NULL);
    assert_exit(&r, 0);
    gp_run(&r, "efficiency", cfg, "--data", ws, "--out", out, "--threads", "2", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "evaluated 272 enterprises");
    assert_contains(r.err, "tax_per_electricity needs field 'electricity'");
    json_object *ent = own_json(json_object_from_file(path_in(path, sizeof path, out,
                                                              "enterprises.json")));
    json_object *zs = own_json(json_object_from_file(path_in(path, sizeof path, out,
                                                             "zones_street.json")));
    assert_non_null(ent);
    assert_non_null(zs);
    json_object *firms = jget(ent, "enterprises");
    /* Σ tax over the enterprises = the street table's total = Σ over its zones
     * (the demo's streets tile the district: every firm is in one) */
    double tax = sum_tax(firms), zsum = 0;
    assert_true(tax > 0);
    assert_double_near(jdbl(zs, "total.tax"), tax, 1e-6 * tax);
    for (size_t i = 0; i < jlen(zs, "zones"); i++)
        zsum += jdbl(json_object_array_get_idx(jget(zs, "zones"), i), "tax");
    assert_double_near(zsum, tax, 1e-6 * tax);
    /* the classes partition the firms: A–D are exactly the rated ones, and
     * every firm has one class */
    const char *cls[] = {"A", "B", "C", "D", "T", "N"};
    int64_t n = 0, rated = 0;
    for (size_t k = 0; k < 6; k++) {
        char key[32];
        snprintf(key, sizeof key, "summary.%s", cls[k]);
        n += jint(ent, key);
        rated += k < 4 ? jint(ent, key) : 0;
    }
    assert_int_equal(n, (int64_t)json_object_array_length(firms));
    assert_int_equal(rated, jint(zs, "total.rated"));
    int64_t scored = 0;
    for (size_t i = 0; i < json_object_array_length(firms); i++)
        scored += jhas(json_object_array_get_idx(firms, i), "score");
    assert_int_equal(scored, rated);
    /* land per class adds up to the land of the firms that have some */
    double mu = 0;
    for (size_t k = 0; k < 6; k++) {
        char key[32];
        snprintf(key, sizeof key, "total.mu:%s", cls[k]);
        mu += jdbl(zs, key);
    }
    assert_double_near(mu, jdbl(zs, "total.land"), 1e-9 * mu);
    /* young firms (start_year ≥ 2022 before 2023) are T */
    for (size_t i = 0; i < json_object_array_length(firms); i++) {
        json_object *f = json_object_array_get_idx(firms, i);
        if (jhas(f, "start_year") && jdbl(f, "start_year") >= 2022)
            assert_string_equal(jstr(f, "class"), "T");
    }

    /* usage and input errors */
    gp_run(&r, "efficiency", cfg, NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--out DIR is required");
    gp_run(&r, "efficiency", cfg, "--out", out, "--year", "soon", NULL);
    assert_exit(&r, 2);
    char bad[1300];
    path_in(bad, sizeof bad, d, "bad.yaml");
    write_text(bad, "geoplan: efficiency/1\ninclude: demo\nmissing: maybe\n");
    gp_run(&r, "efficiency", bad, "--config-path", LIBGEO_SOURCE_DIR "/layers/efficiency",
           "--data", ws, "--out", out, NULL);
    assert_exit(&r, 3);
    char want[1400];
    snprintf(want, sizeof want, "%s:3:10: missing: 'maybe'", bad);
    assert_contains(r.err, want);
    gp_run(&r, "efficiency", cfg, "--out", out, NULL); /* no --data: layers not beside demo.yaml */
    assert_exit(&r, 3);
    /* the failed runs left the earlier output in place */
    assert_non_null(own_json(json_object_from_file(path_in(path, sizeof path, out,
                                                           "enterprises.json"))));
}


/* A register kept as a table (no geometry: a DBF alone), joined to the
 * parcels by parcel id: the firms stand where their parcels are, and the
 * outputs equal those of the same register as points (the demo puts each
 * firm's point on its parcel, so zones and classes cannot differ). */
static void test_cli_table_register(void **state)
{
    (void)state;
    TEST_DIR(d);
    char ws[1100], out1[1100], out2[1100], cfg[1200], cfg2[1200], tbl[1200], cmd[8000];
    snprintf(ws, sizeof ws, "%s/city", d);
    snprintf(out1, sizeof out1, "%s/points", d);
    snprintf(out2, sizeof out2, "%s/table", d);
    snprintf(tbl, sizeof tbl, "%s/register.dbf", d);
    snprintf(cfg, sizeof cfg, "%s/layers/efficiency/demo.yaml", LIBGEO_SOURCE_DIR);
    snprintf(cfg2, sizeof cfg2, "%s/table.yaml", d);
    gp_result r;
    gp_run(&r, "demo", "--out", ws, "--scale", "S", "--seed", "1", "--quiet", NULL);
    assert_exit(&r, 0);
    snprintf(cmd, sizeof cmd,
             "ogr2ogr -f 'ESRI Shapefile' -nlt NONE -lco ENCODING=UTF-8 '%s' '%s/enterprises.shp'"
             " && sed 's|path: enterprises.shp .*|path: %s|' '%s' > '%s'",
             tbl, ws, tbl, cfg, cfg2);
    assert_int_equal(system(cmd), 0);
    gp_run(&r, "efficiency", cfg, "--data", ws, "--out", out1, "--quiet", NULL);
    assert_exit(&r, 0);
    gp_run(&r, "efficiency", cfg2, "--config-path", LIBGEO_SOURCE_DIR "/layers/efficiency",
           "--data", ws, "--out", out2, "--quiet", NULL);
    assert_exit(&r, 0);
    const char *files[] = {"enterprises.csv", "zones_street.csv", "zones_district.csv"};
    for (size_t k = 0; k < 3; k++) {
        char a[1300], b[1300];
        size_t na = 0, nb = 0;
        char *x = slurp(path_in(a, sizeof a, out1, files[k]), &na);
        char *y = slurp(path_in(b, sizeof b, out2, files[k]), &nb);
        assert_non_null(x);
        assert_non_null(y);
        assert_true(na > 100 && na == nb && memcmp(x, y, na) == 0);
        free(x);
        free(y);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_land_and_measures),
        cmocka_unit_test(test_mismatch_tolerance),
        cmocka_unit_test(test_ratio_cutoff_exemptions),
        cmocka_unit_test(test_year_and_not_rated),
        cmocka_unit_test(test_minmax_and_rank),
        cmocka_unit_test(test_rank_shares_small_n),
        cmocka_unit_test(test_rank_shares_ties),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_huangyan_2023),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_through_project),
        cmocka_unit_test(test_write),
        cmocka_unit_test_teardown(test_cli_demo, free_owned),
        cmocka_unit_test_teardown(test_cli_table_register, free_owned),
    };
    return cmocka_run_group_tests(tests, lg_test_setup_4549, lg_test_teardown_ctx);
}
