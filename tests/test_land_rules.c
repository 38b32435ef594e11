/* 城镇低效用地 (lg_low_efficiency) and 闲置土地 (lg_idle_land): every rule
 * and edge on hand-made rectangles, each expected value computed by hand
 * in the comments (none copied from libgeo's output); then `geoplan
 * measure low-efficiency|idle-land` on the demo city, checked for internal
 * consistency and against the demo's attributes read independently with
 * GDAL. */
#include "lg_fixture.h"

#define LG_CLI_TEST_NAME "test_land_rules"
#define LG_CLI_DIR_PREFIX "rules_"
#include "lg_cli_run.h"

#include <ogr_api.h>

/* All coordinates are offsets from (X0, Y0) in EPSG:4549 metres; every
 * rectangle is 100 m tall (y from 0 to 100), so its area is 100 × width. */
static void add_rect(char *buf, size_t n, const char *props, double x0, double x1)
{
    size_t len = strlen(buf);
    snprintf(buf + len, n - len,
             "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":\"Polygon\","
             "\"coordinates\":[[[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]]]}}",
             buf[len - 1] == '[' ? "" : ",", props, X0 + x0, Y0 + 0.0, X0 + x1, Y0 + 0.0,
             X0 + x1, Y0 + 100.0, X0 + x0, Y0 + 100.0, X0 + x0, Y0 + 0.0);
}

static const char *dir(void) { return lg_test_tmpdir("land_rules"); }

static lg_layer *layer_of(const char *name, const char *const *features, size_t n)
{
    static char buf[16384];
    snprintf(buf, sizeof buf, "%s", HEAD);
    for (size_t i = 0; i < n; i += 3)
        add_rect(buf, sizeof buf, features[i], atof(features[i + 1]), atof(features[i + 2]));
    strcat(buf, "]}");
    return lg_test_layer_from(dir(), name, buf, NULL);
}

/* A case: the zones Z1 = x [0,1000], Z2 = x [1000,2000] (1000 m tall),
 * the layer measured and, for FAR, buildings. */
typedef struct land_case {
    lg_layer *Z, *L, *B;
    lg_zones *z;
} land_case;

static land_case case_open(lg_layer *L)
{
    static const char *const f[] = {"\"code\":\"Z1\"", "0", "1000", "\"code\":\"Z2\"", "1000",
                                    "2000"};
    char buf[2048] = HEAD;
    for (size_t i = 0; i < 6; i += 3) {
        size_t len = strlen(buf);
        double x0 = atof(f[i + 1]), x1 = atof(f[i + 2]);
        snprintf(buf + len, sizeof buf - len,
                 "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":"
                 "\"Polygon\",\"coordinates\":[[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],"
                 "[%.1f,%.1f]]]}}",
                 i ? "," : "", f[i], X0 + x0, Y0 + 0.0, X0 + x1, Y0 + 0.0, X0 + x1, Y0 + 1000.0,
                 X0 + x0, Y0 + 1000.0, X0 + x0, Y0 + 0.0);
    }
    strcat(buf, "]}");
    land_case c = {lg_test_layer_from(dir(), "zones.geojson", buf, NULL), L, NULL, NULL};
    c.z = lg_zones_new(ctx, c.Z, NULL, NULL);
    assert_non_null(c.z);
    return c;
}

static void case_close(land_case *c)
{
    lg_zones_free(ctx, c->z);
    lg_layer_close(ctx, c->B);
    lg_layer_close(ctx, c->L);
    lg_layer_close(ctx, c->Z);
}

/* The result of a run that must succeed (else the context's message). */
static lg_result *must(lg_result *r)
{
    if (!r)
        fail_msg("%s", lg_ctx_errmsg(ctx));
    return r;
}

#define cell lg_test_cell
#define detail lg_test_detail

static int has_warning(const lg_result *r, const char *text)
{
    for (size_t i = 0; i < lg_result_warning_count(r); i++)
        if (strstr(lg_result_warning(r, i), text))
            return 1;
    return 0;
}

/* Expected cells of a table: |got - want| <= tol, or both NaN. */
typedef struct expect {
    size_t row;
    const char *col;
    double want, tol;
} expect;

static void check_cells(const lg_table *t, const expect *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double got = cell(t, e[i].row, e[i].col);
        if (!(fabs(got - e[i].want) <= e[i].tol || (isnan(got) && isnan(e[i].want))))
            fail_msg("%s row %zu %s = %.12g, expected %.12g", lg_table_name(t), e[i].row,
                     e[i].col, got, e[i].want);
    }
}

/* Expected 1/0/NaN columns `cols` of rows 0..nrows-1, row-major. */
static void check_flags(const lg_table *t, const double *want, const char *const *cols,
                        size_t nrows, size_t ncols)
{
    for (size_t i = 0; i < nrows; i++)
        for (size_t c = 0; c < ncols; c++) {
            expect e = {i, cols[c], want[i * ncols + c], 0};
            check_cells(t, &e, 1);
        }
}

#define EPS 1e-9
#define MU(m2) ((m2) * 15.0 / 10000.0)
#define assert_nan(x) assert_true(isnan(x))

/* ------------------------------------------------------------------ */
/* 城镇低效用地                                                          */

/* Parcels (area = 100 × width):
 *  P1 x [0,100]      10000 m² in Z1   cls D  far 0.5  tax 4   在用  ind 电子
 *  P2 x [100,300]    20000 m² in Z1   cls A  far 1.0  tax 30  在用  ind 食品
 *  P3 x [300,400]    10000 m² in Z1   cls -  far -    tax -   闲置  ind -
 *  P4 x [400,500]    10000 m² in Z1   cls B  far 2.0  tax -   在用  ind 电子
 *  P5 x [900,1150]   25000 m²: 10000 in Z1 (share 0.4), 15000 in Z2
 *                    (0.6; its zone_row is Z2)   cls C  far 1.2  tax 12  -  ind 电子
 *  P6 x [1200,1300]  10000 m² in Z2   cls D  far 0.8  tax 2   在建  ind 电子 */
static lg_layer *parcels(void)
{
    static const char *const f[] = {
        "\"id\":1,\"cls\":\"D\",\"far\":0.5,\"tax\":4,\"status\":\"在用\",\"ind\":\"电子\"", "0", "100",
        "\"id\":2,\"cls\":\"A\",\"far\":1.0,\"tax\":30,\"status\":\"在用\",\"ind\":\"食品\"", "100", "300",
        "\"id\":3,\"cls\":null,\"far\":null,\"tax\":null,\"status\":\"闲置\",\"ind\":null", "300", "400",
        "\"id\":4,\"cls\":\"B\",\"far\":2.0,\"tax\":null,\"status\":\"在用\",\"ind\":\"电子\"", "400", "500",
        "\"id\":5,\"cls\":\"C\",\"far\":1.2,\"tax\":12,\"status\":null,\"ind\":\"电子\"", "900", "1150",
        "\"id\":6,\"cls\":\"D\",\"far\":0.8,\"tax\":2,\"status\":\"在建\",\"ind\":\"电子\"", "1200", "1300",
    };
    return layer_of("parcels.geojson", f, sizeof f / sizeof f[0]);
}

/* All four rules: class D or E, FAR below 1.0, tax per 亩 below half the
 * zone's mean, status 闲置.
 * Tax means (parcels with a tax; P5 split 0.4 / 0.6):
 *   Z1: Σtax = 4 + 30 + 12 × 0.4 = 38.8 over 10000 + 20000 + 10000 m² = 60 亩
 *       -> 0.646667 万元/亩, half 0.323333
 *   Z2: Σtax = 12 × 0.6 + 2 = 9.2 over 15000 + 10000 m² = 37.5 亩
 *       -> 0.245333, half 0.122667
 * Per parcel (class, far, tax, idle -> verdict):
 *   P1  1, 1 (0.5 < 1), 1 (4/15 = 0.2667 < 0.3233), 0           -> low
 *   P2  0, 0 (1.0 is not below 1.0), 0 (30/30 = 1), 0           -> not
 *   P3  NaN, NaN, NaN, 1                                        -> low (idle decides)
 *   P4  0, 0, NaN (no tax), 0                                   -> undetermined
 *   P5  0, 0, 0 (12/37.5 = 0.32 against Z2's 0.1227), NaN       -> undetermined
 *   P6  1, 1, 0 (2/15 = 0.1333 >= 0.1227), 0                    -> low */
static void test_low_efficiency_rules(void **state)
{
    (void)state;
    land_case k = case_open(parcels());
    lg_zones *z = k.z;
    lg_layer *P = k.L;
    const char *opts[] = {"CLASS_FIELD=cls", "CLASSES=D,E",      "MIN_FAR=1.0",
                          "FAR_FIELD=far",   "TAX_FIELD=tax",    "STATUS_FIELD=status",
                          NULL};
    lg_result *r = must(lg_low_efficiency(ctx, z, P, NULL, opts));
    const lg_table *d = detail(r, "parcels"), *zt = lg_result_zones(r), *tt = lg_result_total(r);
    static const double want[6][6] = {
        /* class far tax idle low undetermined */
        {1, 1, 1, 0, 1, 0},       {0, 0, 0, 0, 0, 0},       {NAN, NAN, NAN, 1, 1, 0},
        {0, 0, NAN, 0, NAN, 1},   {0, 0, 0, NAN, NAN, 1},   {1, 1, 0, 0, 1, 0},
    };
    static const char *const cols[6] = {"rule:class", "rule:far",       "rule:tax",
                                        "rule:idle",  "low_efficiency", "undetermined"};
    check_flags(d, &want[0][0], cols, 6, 6);
    /* the zone means and P5's zone; Z1's and Z2's by hand above; the
     * total's (38.8 + 9.2) / (60 + 37.5) 亩 */
    const expect det[] = {
        {0, "tax_per_mu", 4.0 / 15.0, EPS},    {0, "tax_mean_per_mu", 38.8 / 60.0, EPS},
        {4, "tax_per_mu", 12.0 / 37.5, EPS},   {4, "tax_mean_per_mu", 9.2 / 37.5, EPS},
        {4, "zone_row", 1, 0},                 {4, "land_m2", 25000, 1e-6},
    };
    check_cells(d, det, sizeof det / sizeof det[0]);
    /* Z1: P1..P4 and 10000 m² of P5: 5 parcels, 60000 m²; low P1, P3 =
     * 20000 m² (30 亩, 33.33 %); undetermined P4 and P5's piece: 2, 20000
     * m²; rule:class P1, rule:tax P1, rule:idle P3.
     * Z2: 15000 m² of P5 + P6 = 2 parcels, 25000 m²; low P6 10000 (40 %);
     * undetermined P5's 15000 m² (22.5 亩); rule:far P6, rule:tax none. */
    const expect zones[] = {
        {0, "tax_mean_per_mu", 38.8 / 60.0, EPS}, {1, "tax_mean_per_mu", 9.2 / 37.5, EPS},
        {0, "parcels", 5, 0},                     {0, "parcels_m2", 60000, 1e-6},
        {0, "low", 2, 0},                         {0, "low_m2", 20000, 1e-6},
        {0, "low_mu", 30, 1e-9},                  {0, "value", 100.0 / 3.0, 1e-9},
        {0, "undetermined", 2, 0},                {0, "undetermined_m2", 20000, 1e-6},
        {0, "rule:class_m2", 10000, 1e-6},        {0, "rule:tax", 1, 0},
        {0, "rule:idle_m2", 10000, 1e-6},         {1, "parcels", 2, 0},
        {1, "value", 40, 1e-9},                   {1, "undetermined_m2", 15000, 1e-6},
        {1, "undetermined_mu", 22.5, 1e-9},       {1, "rule:far", 1, 0},
        {1, "rule:tax", 0, 0},
    };
    check_cells(zt, zones, sizeof zones / sizeof zones[0]);
    /* total = Σ zones: 7 parcel-zone pairs, 85000 m²; low 3, 30000 m² (45
     * 亩, 35.29 %); undetermined 3, 35000 m²; mean 48 / 97.5 亩 */
    const expect total[] = {
        {0, "parcels", 7, 0},          {0, "denominator", 85000, 1e-6},
        {0, "numerator", 30000, 1e-6}, {0, "low_mu", 45, 1e-9},
        {0, "value", 3000.0 / 85.0, 1e-9}, {0, "undetermined", 3, 0},
        {0, "undetermined_m2", 35000, 1e-6}, {0, "tax_mean_per_mu", 48.0 / 97.5, EPS},
    };
    check_cells(tt, total, sizeof total / sizeof total[0]);
    lg_result_free(ctx, r);

    /* TAX_SHARE=0.1: thresholds 0.064667 (Z1) and 0.024533 (Z2): no parcel
     * is below (P1 0.2667): rule:tax 0 everywhere it is decided */
    const char *tax01[] = {"TAX_FIELD=tax", "TAX_SHARE=0.1", NULL};
    r = must(lg_low_efficiency(ctx, z, P, NULL, tax01));
    d = detail(r, "parcels");
    assert_double_near(cell(d, 0, "rule:tax"), 0, 0);
    assert_nan(cell(d, 2, "low_efficiency")); /* P3: no tax, the only rule */
    assert_int_equal(lg_table_column_index(d, "rule:class"), -1);
    lg_result_free(ctx, r);

    /* the industry table (国土资发〔2008〕24号 default: 电子 1.0): P2 食品 has
     * no minimum (0), P3's NULL industry cannot be matched (NaN), P1 0.5 < 1 */
    const char *ind[] = {"INDUSTRY_FIELD=ind", "FAR_FIELD=far", NULL};
    r = must(lg_low_efficiency(ctx, z, P, NULL, ind));
    d = detail(r, "parcels");
    assert_double_near(cell(d, 0, "rule:far"), 1, 0);
    assert_double_near(cell(d, 1, "rule:far"), 0, 0);
    assert_nan(cell(d, 1, "min_far"));
    assert_nan(cell(d, 2, "rule:far"));
    assert_double_near(cell(d, 3, "min_far"), 1.0, 0);
    lg_result_free(ctx, r);

    /* IDLE_VALUES: 闲置 and 在建 -> P3 and P6 */
    const char *idle2[] = {"STATUS_FIELD=status", "IDLE_VALUES=闲置,在建", NULL};
    r = must(lg_low_efficiency(ctx, z, P, NULL, idle2));
    assert_double_near(cell(lg_result_total(r), 0, "rule:idle"), 2, 0);
    assert_double_near(cell(detail(r, "parcels"), 5, "rule:idle"), 1, 0);
    lg_result_free(ctx, r);

    /* errors: no rule; CLASS_FIELD without CLASSES; FAR_FIELD without a
     * minimum; an unknown field */
    const char *none[] = {NULL};
    assert_null(lg_low_efficiency(ctx, z, P, NULL, none));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    const char *half[] = {"CLASS_FIELD=cls", NULL};
    assert_null(lg_low_efficiency(ctx, z, P, NULL, half));
    const char *nomin[] = {"FAR_FIELD=far", NULL};
    assert_null(lg_low_efficiency(ctx, z, P, NULL, nomin));
    const char *nofield[] = {"TAX_FIELD=taxes", NULL};
    assert_null(lg_low_efficiency(ctx, z, P, NULL, nofield));
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "taxes"));
    case_close(&k);
}

/* Tax exactly at the threshold: one zone of two whole parcels Q1 (10000
 * m², tax 1) and Q2 (10000 m², tax 3): mean 4 / 30 亩 = 0.13333, half of it
 * 0.066667 = Q1's 1/15: equal is not below (0).  With TAX_SHARE=0.51 Q1
 * is below (1); Q2 (0.2) never is. */
static void test_low_efficiency_tax_edge(void **state)
{
    (void)state;
    static const char *const f[] = {"\"id\":1,\"tax\":1", "0", "100", "\"id\":2,\"tax\":3",
                                    "100", "200"};
    land_case k = case_open(layer_of("tax_edge.geojson", f, 6));
    lg_zones *z = k.z;
    lg_layer *P = k.L;
    const char *half[] = {"TAX_FIELD=tax", NULL};
    lg_result *r = must(lg_low_efficiency(ctx, z, P, NULL, half));
    assert_double_near(cell(detail(r, "parcels"), 0, "rule:tax"), 0, 0);
    assert_double_near(cell(lg_result_zones(r), 0, "tax_mean_per_mu"), 4.0 / 30.0, EPS);
    /* Z2 has no parcel: no mean */
    assert_nan(cell(lg_result_zones(r), 1, "tax_mean_per_mu"));
    lg_result_free(ctx, r);
    const char *more[] = {"TAX_FIELD=tax", "TAX_SHARE=0.51", NULL};
    r = must(lg_low_efficiency(ctx, z, P, NULL, more));
    assert_double_near(cell(detail(r, "parcels"), 0, "rule:tax"), 1, 0);
    assert_double_near(cell(detail(r, "parcels"), 1, "rule:tax"), 0, 0);
    lg_result_free(ctx, r);
    case_close(&k);
}

/* FAR from buildings (the lg_parcel_far join by parcel_id): on P2 (20000
 * m²) a building x [100,200] (10000 m²) of 1 floor: FAR 0.5 < 1; on P6
 * (10000 m²) one of 10000 m² and 2 floors: FAR 2; the others have no
 * building: FAR 0. */
static void test_low_efficiency_buildings(void **state)
{
    (void)state;
    land_case k = case_open(parcels());
    static const char *const f[] = {"\"parcel_id\":2,\"floors\":1", "100", "200",
                                    "\"parcel_id\":6,\"floors\":2", "1200", "1300"};
    lg_layer *B = k.B = layer_of("bldg.geojson", f, 6), *P = k.L;
    lg_zones *z = k.z;
    const char *opts[] = {"MIN_FAR=1.0", NULL};
    lg_result *r = must(lg_low_efficiency(ctx, z, P, B, opts));
    const lg_table *d = detail(r, "parcels");
    /* P2: 10000 floor / 20000 = 0.5 -> 1; P6: 2 × 10000 / 10000 = 2 -> 0 */
    assert_double_near(cell(d, 1, "far"), 0.5, EPS);
    assert_double_near(cell(d, 1, "rule:far"), 1, 0);
    assert_double_near(cell(d, 5, "far"), 2, EPS);
    assert_double_near(cell(d, 5, "rule:far"), 0, 0);
    assert_double_near(cell(d, 0, "far"), 0, 0);
    assert_non_null(strstr(lg_test_param(r, "join"), "parcel_id"));
    lg_result_free(ctx, r);
    /* FAR_FIELD and buildings: one source only */
    const char *both[] = {"MIN_FAR=1.0", "FAR_FIELD=far", NULL};
    assert_null(lg_low_efficiency(ctx, z, P, B, both));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    case_close(&k);
}

/* ------------------------------------------------------------------ */
/* 闲置土地                                                              */

/* Supply records, supplied 2023-06-01 unless said; 10000 m² unless said
 * (x [a,b] × 100 m).  AS_OF 2025-03-01.
 *  R1  [0,100]     due 2024-03-01, not started: exactly one year -> a = 1
 *  R2  [100,200]   due 2024-03-02, not started: a day short       -> a = 0
 *  R3  [200,300]   due 2024-02-29, not started: + 1 year = 2025-03-01 -> a = 1
 *  R4  [300,400]   no due date, not started                        -> undetermined
 *  R5  [400,500]   due 2022-01-01, start 2026-01-01 (after AS_OF: not
 *                  started as of it)                               -> a = 1
 *  R6  [500,530]   3000 m², started 2023-01-01, developed 1000 (exactly
 *                  1/3), invested 25 (exactly), halted 2023-06-01  -> b = 0
 *  R7  [530,560]   3000, started, developed 999.99 (< 1/3), invested
 *                  50, halted 2024-03-01 (exactly one year)        -> b = 1
 *  R8  [560,590]   3000, started, developed 2000, invested 24.99 (<
 *                  25 %), halted 2024-03-02 (a day short)          -> b = 0
 *  R9  [590,620]   3000, started, developed 500, halt NULL (not halted) -> b = 0
 *  R10 [620,650]   3000, started, developed NULL, invested 30, halted
 *                  2020-01-01: small unknown, halted               -> undetermined
 *  R11 [650,680]   3000, started, developed NULL, invested 10,
 *                  halted 2020-01-01                               -> b = 1
 *  R12 [680,710]   supply date NULL: not counted
 *  R13 [710,740]   supplied 2025-03-02, after AS_OF: not counted
 *  R14 [900,1150]  25000 m² (10000 in Z1, 15000 in Z2), due 2020-01-01,
 *                  not started                                     -> a = 1
 *  R15 [1200,1300] in Z2, due 2024-06-01, started 2024-05-01,
 *                  developed 10000, invested 100, halt NULL        -> b = 0 */
static lg_layer *supply(void)
{
#define S(id, sd, due, st, dev, inv, halt)                                                   \
    "\"id\":" #id ",\"supply_dt\":" sd ",\"start_due\":" due ",\"start_dt\":" st              \
    ",\"dev_m2\":" dev ",\"inv_pct\":" inv ",\"halt_dt\":" halt
#define D6 "\"2023-06-01\""
    static const char *const f[] = {
        S(1, D6, "\"2024-03-01\"", "null", "null", "null", "null"), "0", "100",
        S(2, D6, "\"2024-03-02\"", "null", "null", "null", "null"), "100", "200",
        S(3, D6, "\"2024-02-29\"", "null", "null", "null", "null"), "200", "300",
        S(4, D6, "null", "null", "null", "null", "null"), "300", "400",
        S(5, D6, "\"2022-01-01\"", "\"2026-01-01\"", "null", "null", "null"), "400", "500",
        S(6, D6, "\"2022-06-01\"", "\"2023-01-01\"", "1000", "25", "\"2023-06-01\""), "500", "530",
        S(7, D6, "\"2022-06-01\"", "\"2023-01-01\"", "999.99", "50", "\"2024-03-01\""), "530", "560",
        S(8, D6, "\"2022-06-01\"", "\"2023-01-01\"", "2000", "24.99", "\"2024-03-02\""), "560", "590",
        S(9, D6, "\"2022-06-01\"", "\"2023-01-01\"", "500", "null", "null"), "590", "620",
        S(10, D6, "\"2022-06-01\"", "\"2023-01-01\"", "null", "30", "\"2020-01-01\""), "620", "650",
        S(11, D6, "\"2022-06-01\"", "\"2023-01-01\"", "null", "10", "\"2020-01-01\""), "650", "680",
        S(12, "null", "\"2020-01-01\"", "null", "null", "null", "null"), "680", "710",
        S(13, "\"2025-03-02\"", "\"2020-01-01\"", "null", "null", "null", "null"), "710", "740",
        S(14, D6, "\"2020-01-01\"", "null", "null", "null", "null"), "900", "1150",
        S(15, D6, "\"2024-06-01\"", "\"2024-05-01\"", "10000", "100", "null"), "1200", "1300",
    };
#undef S
#undef D6
    return layer_of("supply.geojson", f, sizeof f / sizeof f[0]);
}

#define RULE_B_FIELDS "DEVELOPED_FIELD=dev_m2", "INVESTED_FIELD=inv_pct", "HALTED_FIELD=halt_dt"

static void test_idle_land_rules(void **state)
{
    (void)state;
    land_case k = case_open(supply());
    lg_zones *z = k.z;
    lg_layer *S = k.L;
    const char *opts[] = {"AS_OF=2025-03-01", RULE_B_FIELDS, NULL};
    lg_result *r = must(lg_idle_land(ctx, z, S, opts));
    const lg_table *d = detail(r, "supply"), *zt = lg_result_zones(r), *tt = lg_result_total(r);
    /* rule_a, rule_b, idle, undetermined per record (R12, R13 not counted) */
    static const double want[15][4] = {
        {1, 0, 1, 0},     {0, 0, 0, 0},     {1, 0, 1, 0}, {NAN, 0, NAN, 1}, {1, 0, 1, 0},
        {0, 0, 0, 0},     {0, 1, 1, 0},     {0, 0, 0, 0}, {0, 0, 0, 0},     {0, NAN, NAN, 1},
        {0, 1, 1, 0},     {NAN, NAN, NAN, NAN}, {NAN, NAN, NAN, NAN}, {1, 0, 1, 0}, {0, 0, 0, 0},
    };
    static const char *const cols[4] = {"rule_a", "rule_b", "idle", "undetermined"};
    check_flags(d, &want[0][0], cols, 15, 4);
    for (size_t i = 0; i < 15; i++)
        assert_double_near(cell(d, i, "counted"), i == 11 || i == 12 ? 0 : 1, 0);
    const expect det[] = {
        {2, "start_due", 20240229, 0}, {6, "halted_dt", 20240301, 0},
        {5, "developed_m2", 1000, 0},  {13, "zone_row", 1, 0},
    };
    check_cells(d, det, sizeof det / sizeof det[0]);
    /* Z1: R1–R11 and 10000 m² of R14: 12 records, 5 × 10000 + 6 × 3000 +
     * 10000 = 78000 m²; idle R1, R3, R5, R7, R11, R14: 6, 46000 m²
     * (58.97 %); not idle R2, R6, R8, R9: 4, 19000; undetermined R4, R10:
     * 2, 13000; rule a 4 (40000), rule b 2 (6000).
     * Z2: R14's 15000 m² (idle) and R15 (10000, not idle): 60 %. */
    const expect zones[] = {
        {0, "records", 12, 0},           {0, "denominator", 78000, 1e-6},
        {0, "idle", 6, 0},               {0, "numerator", 46000, 1e-6},
        {0, "value", 4600.0 / 78.0, 1e-9}, {0, "not_idle", 4, 0},
        {0, "not_idle_m2", 19000, 1e-6}, {0, "undetermined", 2, 0},
        {0, "undetermined_m2", 13000, 1e-6}, {0, "rule_a_m2", 40000, 1e-6},
        {0, "rule_b", 2, 0},             {0, "rule_b_m2", 6000, 1e-6},
        {1, "records", 2, 0},            {1, "idle_m2", 15000, 1e-6},
        {1, "value", 60, 1e-9},
    };
    check_cells(zt, zones, sizeof zones / sizeof zones[0]);
    /* total: 14 records (R14 once per zone), 103000 m²; idle 7, 61000 m²
     * = 91.5 亩; not idle 5, 29000; undetermined 2; rule a 5 */
    const expect total[] = {
        {0, "records", 14, 0},        {0, "records_m2", 103000, 1e-6},
        {0, "idle", 7, 0},            {0, "idle_mu", 91.5, 1e-9},
        {0, "not_idle_m2", 29000, 1e-6}, {0, "undetermined", 2, 0},
        {0, "rule_a", 5, 0},
    };
    check_cells(tt, total, sizeof total / sizeof total[0]);
    /* warnings: R12, R13 not counted; R4 without a due date; R10 */
    assert_true(has_warning(r, "2 record(s)"));
    assert_true(has_warning(r, "1 counted record(s)"));
    assert_true(has_warning(r, "1 started record(s)"));
    lg_result_free(ctx, r);

    /* the day before: one year after 2024-03-01 and after 2024-02-29 is
     * 2025-03-01, so R1 and R3 are not idle on 2025-02-28; R7's halt
     * (2024-03-01) is a day short of a year: not idle */
    const char *before[] = {"AS_OF=2025-02-28", RULE_B_FIELDS, NULL};
    r = must(lg_idle_land(ctx, z, S, before));
    d = detail(r, "supply");
    assert_double_near(cell(d, 0, "rule_a"), 0, 0);
    assert_double_near(cell(d, 2, "rule_a"), 0, 0);
    assert_double_near(cell(d, 6, "rule_b"), 0, 0);
    assert_double_near(cell(d, 4, "rule_a"), 1, 0);
    lg_result_free(ctx, r);

    /* NO_DUE=supply: R4 counts from its supply date 2023-06-01: idle from
     * 2024-06-01; only R10 is undetermined */
    const char *nodue[] = {"AS_OF=2025-03-01", RULE_B_FIELDS, "NO_DUE=supply", NULL};
    r = must(lg_idle_land(ctx, z, S, nodue));
    d = detail(r, "supply");
    assert_double_near(cell(d, 3, "rule_a"), 1, 0);
    assert_double_near(cell(d, 3, "due_from_supply"), 1, 0);
    assert_double_near(cell(d, 0, "due_from_supply"), 0, 0);
    assert_double_near(cell(lg_result_total(r), 0, "undetermined"), 1, 0);
    lg_result_free(ctx, r);

    /* without rule b's fields every started record (R6–R11, R15) is
     * undetermined, and R4: 8 in all */
    const char *nob[] = {"AS_OF=2025-03-01", NULL};
    r = must(lg_idle_land(ctx, z, S, nob));
    assert_double_near(cell(lg_result_total(r), 0, "undetermined"), 8, 0);
    assert_true(has_warning(r, "7 started record(s)"));
    lg_result_free(ctx, r);

    /* errors: no AS_OF; a date that does not exist; an unknown NO_DUE */
    const char *noasof[] = {RULE_B_FIELDS, NULL};
    assert_null(lg_idle_land(ctx, z, S, noasof));
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "AS_OF"));
    const char *bad[] = {"AS_OF=2025-02-29", NULL};
    assert_null(lg_idle_land(ctx, z, S, bad));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    const char *badnd[] = {"AS_OF=2025-03-01", "NO_DUE=contract", NULL};
    assert_null(lg_idle_land(ctx, z, S, badnd));
    case_close(&k);
}

/* INVESTED_FIELD is percent: 150 is an error naming the record; values
 * all within 0–1 are read as percent with a warning. */
static void test_idle_land_invested(void **state)
{
    (void)state;
    static const char *const f[] = {
        "\"id\":1,\"supply_dt\":\"2020-01-01\",\"start_due\":\"2020-06-01\","
        "\"start_dt\":\"2020-05-01\",\"inv\":150",
        "0", "100"};
    land_case k = case_open(layer_of("inv_bad.geojson", f, 3));
    const char *opts[] = {"AS_OF=2025-03-01", "INVESTED_FIELD=inv", NULL};
    assert_null(lg_idle_land(ctx, k.z, k.L, opts));
    assert_non_null(strstr(lg_ctx_errmsg(ctx), "FID 1 field inv: 150"));
    lg_layer_close(ctx, k.L);
    static const char *const g[] = {
        "\"id\":1,\"supply_dt\":\"2020-01-01\",\"start_due\":\"2020-06-01\","
        "\"start_dt\":\"2020-05-01\",\"inv\":0.3,\"halt\":\"2021-01-01\"",
        "0", "100"};
    k.L = layer_of("inv_share.geojson", g, 3);
    /* 0.3 read as 0.3 % < 25 %, halted over a year: idle, with a warning */
    const char *opts2[] = {"AS_OF=2025-03-01", "INVESTED_FIELD=inv", "HALTED_FIELD=halt", NULL};
    lg_result *r = must(lg_idle_land(ctx, k.z, k.L, opts2));
    assert_double_near(cell(detail(r, "supply"), 0, "rule_b"), 1, 0);
    assert_true(has_warning(r, "within 0-1"));
    lg_result_free(ctx, r);
    case_close(&k);
}

/* ------------------------------------------------------------------ */
/* the demo city through the CLI                                       */

/* The demo's streets (the zones) and layer `base` as .shp and .dbf. */
typedef struct demo_paths {
    char zones[1300], shp[1300], dbf[1300];
} demo_paths;

static demo_paths demo_of(const char *base)
{
    demo_paths d;
    const char *dir = gp_demo_dir("rules_demo");
    snprintf(d.zones, sizeof d.zones, "%s/streets.shp", dir);
    snprintf(d.shp, sizeof d.shp, "%s/%s.shp", dir, base);
    snprintf(d.dbf, sizeof d.dbf, "%s/%s.dbf", dir, base);
    return d;
}

/* Every count and area column of the zone rows sums to the total's, and
 * value = 100 × numerator ÷ denominator. */
static void check_sums(json_object *j)
{
    size_t nz = jlen(j, "zones");
    json_object *tot = jget(j, "total");
    json_object_object_foreach(tot, key, val)
    {
        json_type t = json_object_get_type(val);
        if (!strcmp(key, "value") || strstr(key, "per_mu") ||
            (t != json_type_double && t != json_type_int))
            continue;
        double sum = 0;
        char p[200];
        for (size_t z = 0; z < nz; z++) {
            snprintf(p, sizeof p, "zones.%zu.%s", z, key);
            sum += jdbl(j, p);
        }
        double v = json_object_get_double(val);
        if (!(fabs(v - sum) <= 1e-9 * (fabs(sum) + 1)))
            fail_msg("total %s = %.12g, zone rows sum to %.12g", key, v, sum);
    }
    assert_double_near(jdbl(j, "total.value"),
                       100 * jdbl(j, "total.numerator") / jdbl(j, "total.denominator"), 1e-9);
}

/* The features of the shapefile at `path` for which keep() says 1, read
 * with GDAL (not with libgeo). */
typedef int (*feature_test)(OGRFeatureH ft, OGRFeatureDefnH def, const void *arg);
static size_t count_in(const char *path, feature_test keep, const void *arg)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH L = GDALDatasetGetLayer(ds, 0);
    size_t n = 0;
    for (OGRFeatureH ft; (ft = OGR_L_GetNextFeature(L)); OGR_F_Destroy(ft))
        n += keep(ft, OGR_L_GetLayerDefn(L), arg) != 0;
    GDALClose(ds);
    return n;
}

/* status is 闲置 */
static int is_idle_status(OGRFeatureH ft, OGRFeatureDefnH def, const void *arg)
{
    (void)arg;
    int f = OGR_FD_GetFieldIndex(def, "status");
    assert_true(f >= 0);
    return OGR_F_IsFieldSetAndNotNull(ft, f) && !strcmp(OGR_F_GetFieldAsString(ft, f), "闲置");
}

static void test_demo_low_efficiency(void **state)
{
    (void)state;
    demo_paths lu = demo_of("landuse");
    json_object *j = gp_json("measure", "low-efficiency", "--zones", lu.zones, "--parcels",
                             lu.shp, "--status-field", "status", "--min-far", "1.0",
                             "--far-field", "far", "--format", "json", NULL);
    check_sums(j);
    size_t n = jlen(j, "details.parcels"), idle = 0, low = 0;
    char p[200];
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "details.parcels.%zu.rule:idle", i);
        int is_idle = jdbl(j, p) == 1;
        snprintf(p, sizeof p, "details.parcels.%zu.rule:far", i);
        int below = jdbl(j, p) == 1;
        snprintf(p, sizeof p, "details.parcels.%zu.low_efficiency", i);
        /* every demo parcel has a status and a FAR: all decided, and the
         * verdict is the OR of the two */
        assert_true(jhas(j, p));
        assert_int_equal(jdbl(j, p) == 1, is_idle || below);
        idle += is_idle;
        low += jdbl(j, p) == 1;
    }
    size_t want = count_in(lu.dbf, is_idle_status, NULL);
    assert_true(want > 0);
    assert_int_equal(idle, want);
    assert_true(low >= idle && low < n);
    assert_double_near(jdbl(j, "total.undetermined"), 0, 0);

    /* industrial land with the tax rule: a parcel without a tax figure is
     * undetermined unless FAR or status already says low-efficiency */
    j = gp_json("measure", "low-efficiency", "--zones", lu.zones, "--parcels", lu.shp, "--where",
                "code = 'M'", "--tax-field", "tax_wan", "--status-field", "status",
                "--format", "json", NULL);
    check_sums(j);
    assert_true(jhas(j, "total.tax_mean_per_mu"));
    n = jlen(j, "details.parcels");
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "details.parcels.%zu.rule:tax", i);
        int tax_nan = !jhas(j, p);
        double tax = tax_nan ? NAN : jdbl(j, p);
        snprintf(p, sizeof p, "details.parcels.%zu.rule:idle", i);
        double st = jdbl(j, p);
        snprintf(p, sizeof p, "details.parcels.%zu.undetermined", i);
        assert_int_equal(jdbl(j, p) == 1, tax_nan && st == 0);
        snprintf(p, sizeof p, "details.parcels.%zu.low_efficiency", i);
        if (tax == 1 || st == 1)
            assert_double_near(jdbl(j, p), 1, 0);
    }
}

/* Supplied on or before *asof (YYYYMMDD), no start date, and the agreed
 * start date at least a year before: the same day a year later, compared
 * as (year + 1, month, day) against AS_OF. */
static int overdue(OGRFeatureH ft, OGRFeatureDefnH def, const void *arg)
{
    long asof = *(const long *)arg;
    int fdue = OGR_FD_GetFieldIndex(def, "start_due"), fst = OGR_FD_GetFieldIndex(def, "start_dt");
    int fsup = OGR_FD_GetFieldIndex(def, "supply_dt");
    int dy, dm, dd, sy, sm, sd, h, mi, s, tz;
    if (OGR_F_IsFieldSetAndNotNull(ft, fst) || !OGR_F_IsFieldSetAndNotNull(ft, fdue) ||
        !OGR_F_GetFieldAsDateTime(ft, fdue, &dy, &dm, &dd, &h, &mi, &s, &tz) ||
        !OGR_F_GetFieldAsDateTime(ft, fsup, &sy, &sm, &sd, &h, &mi, &s, &tz))
        return 0;
    return sy * 10000L + sm * 100 + sd <= asof && (dy + 1) * 10000L + dm * 100 + dd <= asof;
}

/* Column `col` of zone row z, or of the total when z is the zone count. */
static double row_value(json_object *j, size_t z, const char *col)
{
    char p[200];
    if (z < jlen(j, "zones"))
        snprintf(p, sizeof p, "zones.%zu.%s", z, col);
    else
        snprintf(p, sizeof p, "total.%s", col);
    return jdbl(j, p);
}

static void test_demo_idle_land(void **state)
{
    (void)state;
    demo_paths su = demo_of("supply");
    json_object *j = gp_json("measure", "idle-land", "--zones", su.zones, "--supply", su.shp,
                             "--as-of", "2024-06-30", "--format", "json", NULL);
    check_sums(j);
    /* idle + not idle + undetermined = the records, per zone and in total */
    size_t nz = jlen(j, "zones");
    char p[200];
    for (size_t z = 0; z <= nz; z++) {
        double n = row_value(j, z, "idle") + row_value(j, z, "not_idle") +
                   row_value(j, z, "undetermined");
        assert_double_near(n, row_value(j, z, "records"), 0);
        double m2 = row_value(j, z, "idle_m2") + row_value(j, z, "not_idle_m2") +
                    row_value(j, z, "undetermined_m2");
        assert_double_near(m2, row_value(j, z, "records_m2"), 1e-6 * m2);
        /* without rule b's fields nothing is idle by rule b */
        assert_double_near(row_value(j, z, "rule_b"), 0, 0);
    }
    size_t n = jlen(j, "details.supply"), rule_a = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "details.supply.%zu.rule_a", i);
        rule_a += jhas(j, p) && jdbl(j, p) == 1;
    }
    const long asof = 20240630;
    size_t want = count_in(su.dbf, overdue, &asof);
    assert_true(want > 0);
    assert_int_equal(rule_a, want);

    gp_result r;
    gp_run(&r, "measure", "idle-land", "--zones", su.zones, "--supply", su.shp, NULL);
    assert_exit(&r, 2);
    assert_contains(r.err, "--as-of");
    gp_run(&r, "measure", "--help", NULL);
    assert_exit(&r, 0);
    assert_contains(r.out, "low-efficiency");
    assert_contains(r.out, "idle-land");
    assert_contains(r.out, "29 Feb + 1 year = 1 Mar");
}

static int setup(void **state)
{
    return lg_cli_group_setup(state) || lg_test_setup_4549(state);
}

static int teardown(void **state)
{
    lg_test_teardown_ctx(state);
    return lg_cli_group_teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_low_efficiency_rules),
        cmocka_unit_test(test_low_efficiency_tax_edge),
        cmocka_unit_test(test_low_efficiency_buildings),
        cmocka_unit_test(test_idle_land_rules),
        cmocka_unit_test(test_idle_land_invested),
        cmocka_unit_test_teardown(test_demo_low_efficiency, free_owned),
        cmocka_unit_test_teardown(test_demo_idle_land, free_owned),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
