/* geoplan demo (layers/demo): the synthetic workspace at scale S, checked
 * with logic independent of the generator: every layer loads with libgeo
 * under INVALID=stop; parcels tile the district and streets nest in it
 * (GEOS union and areas); the GBK layer is GBK on disk; the same seed gives
 * identical files and another seed other parcels; some streets are drawn as
 * two opposite directed edges; some sites conflict with the red line,
 * farmland or lie outside the development boundary (GEOS overlay). */
#include "lg_test.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gdal.h>

#include "demo.h"
#include "libgeo/libgeo.h"

static lg_ctx *ctx;
static lg_crs *crs4549;
static char dir_s[1024]; /* scale S, seed 1, generated once */

static const char *const LAYERS[] = {"districts", "streets", "landuse",   "enterprises",
                                     "roads",     "parks",   "forest",    "control",
                                     "sites",     "buildings", "approvals", "supply",
                                     "facilities"};
#define NLAYERS (sizeof LAYERS / sizeof LAYERS[0])

static const char *const LICANG_STREETS[] = {"振华路街道", "永清路街道", "永安路街道", "兴华路街道",
                                             "浮山路街道", "李村街道",   "虎山路街道", "楼山街道",
                                             "湘潭路街道", "九水街道",   "沧口街道"};

static void generate(const char *dir, uint64_t seed, int threads, gd_format format)
{
    gd_options o;
    gd_options_init(&o);
    o.seed = seed;
    o.threads = threads;
    o.format = format;
    gd_summary sum;
    char err[1024];
    lg_status st = gd_generate(dir, &o, &sum, err, sizeof err);
    if (st != LG_OK)
        fail_msg("gd_generate %s: %s", dir, err);
    assert_int_equal(sum.nlayers, NLAYERS);
    assert_int_equal(sum.streets, 11);
}

static int setup(void **state)
{
    (void)state;
    GDALAllRegister();
    ctx = lg_ctx_new();
    crs4549 = ctx ? lg_crs_new(ctx, "EPSG:4549") : NULL;
    const char *d = lg_test_tmpdir("demo_s");
    if (!ctx || !crs4549 || !d)
        return -1;
    snprintf(dir_s, sizeof dir_s, "%s", d);
    gd_options o;
    gd_options_init(&o);
    char err[1024];
    if (gd_generate(dir_s, &o, NULL, err, sizeof err) != LG_OK) {
        fprintf(stderr, "gd_generate: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    crs4549 = lg_crs_free(crs4549);
    ctx = lg_ctx_free(ctx);
    return 0;
}

/* Load DIR/NAME.shp in EPSG:4549 with INVALID=stop. */
static lg_layer *load(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s.shp", dir, name);
    const char *opts[] = {"INVALID=stop", NULL};
    lg_layer *L = lg_layer_open(ctx, path, opts);
    if (!L)
        fail_msg("open %s: %s", path, lg_ctx_errmsg(ctx));
    if (lg_layer_load(ctx, L, crs4549) != LG_OK)
        fail_msg("load %s: %s", path, lg_ctx_errmsg(ctx));
    return L;
}

static double area(const GEOSGeometry *g)
{
    double a = -1;
    assert_int_equal(GEOSArea_r(lg_ctx_geos(ctx), g, &a), 1);
    return a;
}

static int field(const lg_layer *L, const char *name)
{
    int f = lg_layer_field_index(L, name);
    if (f < 0)
        fail_msg("layer %s has no field %s", lg_layer_name(L), name);
    return f;
}

/* Union of features i (all, or those with field `f` == `value`). Caller frees. */
static GEOSGeometry *union_of(const lg_layer *L, int f, const char *value)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    size_t n = lg_layer_size(L), m = 0;
    GEOSGeometry **parts = calloc(n ? n : 1, sizeof *parts);
    assert_non_null(parts);
    for (size_t i = 0; i < n; i++) {
        if (f >= 0) {
            const char *t = lg_layer_text(L, i, (size_t)f);
            if (!t || strcmp(t, value))
                continue;
        }
        parts[m++] = GEOSGeom_clone_r(h, lg_layer_geom(L, i));
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts,
                                                     (unsigned)m);
    free(parts);
    assert_non_null(coll);
    GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
    GEOSGeom_destroy_r(h, coll);
    assert_non_null(u);
    return u;
}

static int run(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* ------------------------------------------------------------------ tests */

static void test_every_layer_loads_valid(void **state)
{
    (void)state;
    for (size_t k = 0; k < NLAYERS; k++) {
        lg_layer *L = load(dir_s, LAYERS[k]);
        const lg_load_stats *s = lg_layer_stats(L);
        if (s->loaded == 0)
            fail_msg("layer %s is empty", LAYERS[k]);
        assert_int_equal(s->invalid, 0);
        assert_int_equal(s->null_geom, 0);
        assert_int_equal(s->empty_geom, 0);
        assert_string_equal(lg_crs_id(lg_layer_source_crs(L)), "EPSG:4549");
        lg_layer_close(ctx, L);
    }
    /* the README's main job, geoplan info, on the workspace */
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' info '%s' --invalid stop > /dev/null", GEOPLAN_BIN, dir_s);
    assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof cmd, "'%s' info '%s' --format json > /dev/null", GEOPLAN_BIN, dir_s);
    assert_int_equal(run(cmd), 0);
}

static void test_district_area_and_streets(void **state)
{
    (void)state;
    lg_layer *D = load(dir_s, "districts");
    lg_layer *S = load(dir_s, "streets");
    assert_int_equal(lg_layer_size(D), 1);
    assert_string_equal(lg_layer_text(D, 0, (size_t)field(D, "name")), "李沧区");
    assert_string_equal(lg_layer_text(D, 0, (size_t)field(D, "code")), "370213");
    double ad = area(lg_layer_geom(D, 0));
    assert_double_near(ad / 1e6, 98.7, 98.7 * 0.02);

    /* the 11 real streets, each once */
    assert_int_equal(lg_layer_size(S), 11);
    int fname = field(S, "name"), fpop = field(S, "pop");
    int seen[11] = {0};
    double pop = 0, sum = 0;
    for (size_t i = 0; i < 11; i++) {
        const char *n = lg_layer_text(S, i, (size_t)fname);
        assert_non_null(n);
        int found = 0;
        for (int k = 0; k < 11; k++)
            if (!strcmp(n, LICANG_STREETS[k])) {
                seen[k]++;
                found = 1;
            }
        if (!found)
            fail_msg("unexpected street name %s", n);
        double p = 0;
        assert_true(lg_layer_number(S, i, (size_t)fpop, &p));
        assert_true(p > 0);
        pop += p;
        sum += area(lg_layer_geom(S, i));
    }
    for (int k = 0; k < 11; k++)
        assert_int_equal(seen[k], 1);
    assert_double_near(pop, 800000, 1000); /* 李沧区: 80万 residents */

    /* streets nest: each covered by exactly one district; they tile it */
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t i = 0; i < lg_layer_size(S); i++) {
        int covers = 0;
        for (size_t d = 0; d < lg_layer_size(D); d++)
            covers += GEOSCovers_r(h, lg_layer_geom(D, d), lg_layer_geom(S, i)) == 1;
        assert_int_equal(covers, 1);
    }
    assert_double_near(sum, ad, 1.0);
    GEOSGeometry *u = union_of(S, -1, NULL);
    GEOSGeometry *x = GEOSSymDifference_r(h, u, lg_layer_geom(D, 0));
    assert_non_null(x);
    assert_true(area(x) <= 1.0);
    GEOSGeom_destroy_r(h, x);
    GEOSGeom_destroy_r(h, u);
    lg_layer_close(ctx, S);
    lg_layer_close(ctx, D);
}

static void test_parcels_tile_each_district(void **state)
{
    (void)state;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    lg_layer *D = load(dir_s, "districts");
    lg_layer *P = load(dir_s, "landuse");
    size_t np = lg_layer_size(P);
    assert_true(np > 3000);
    int *owner = malloc(np * sizeof *owner);
    assert_non_null(owner);
    for (size_t i = 0; i < np; i++)
        owner[i] = -1;
    for (size_t d = 0; d < lg_layer_size(D); d++) {
        const GEOSPreparedGeometry *pd = GEOSPrepare_r(h, lg_layer_geom(D, d));
        for (size_t i = 0; i < np; i++) {
            GEOSGeometry *pt = GEOSPointOnSurface_r(h, lg_layer_geom(P, i));
            if (GEOSPreparedCovers_r(h, pd, pt) == 1) {
                assert_int_equal(owner[i], -1); /* in one district only */
                owner[i] = (int)d;
            }
            GEOSGeom_destroy_r(h, pt);
        }
        GEOSPreparedGeom_destroy_r(h, pd);
    }
    for (size_t d = 0; d < lg_layer_size(D); d++) {
        const GEOSGeometry *dg = lg_layer_geom(D, d);
        double ad = area(dg), sum = 0;
        size_t m = 0;
        GEOSGeometry **parts = calloc(np, sizeof *parts);
        assert_non_null(parts);
        for (size_t i = 0; i < np; i++)
            if (owner[i] == (int)d) {
                sum += area(lg_layer_geom(P, i));
                parts[m++] = GEOSGeom_clone_r(h, lg_layer_geom(P, i));
            }
        GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts,
                                                         (unsigned)m);
        free(parts);
        GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
        GEOSGeom_destroy_r(h, coll);
        assert_non_null(u);
        double au = area(u);
        GEOSGeometry *in = GEOSIntersection_r(h, u, dg);
        assert_non_null(in);
        double ai = area(in);
        /* no gap: the union covers the district; no spill outside it; no
         * overlap: the areas add up to the union's */
        assert_true(ad - ai <= 1.0);
        assert_true(au - ai <= 1.0);
        assert_true(sum - au <= 1.0);
        assert_double_near(sum, ad, 1.0);
        GEOSGeom_destroy_r(h, in);
        GEOSGeom_destroy_r(h, u);
    }
    for (size_t i = 0; i < np; i++)
        assert_true(owner[i] >= 0);
    free(owner);

    /* codes and the industrial figures the peers read */
    int fcode = field(P, "code"), ftax = field(P, "tax_wan");
    size_t nm = 0, mnull = 0, mzero = 0, other_with_tax = 0;
    int codes[128] = {0};
    for (size_t i = 0; i < np; i++) {
        const char *c = lg_layer_text(P, i, (size_t)fcode);
        assert_non_null(c);
        assert_non_null(strchr("RMBGFAU", c[0]));
        codes[(unsigned char)c[0]]++;
        double t;
        int has = lg_layer_number(P, i, (size_t)ftax, &t);
        if (c[0] == 'M') {
            nm++;
            mnull += !has;
            mzero += has && t == 0.0;
        } else {
            other_with_tax += has;
        }
    }
    for (const char *c = "RMBGFAU"; *c; c++)
        if (!codes[(unsigned char)*c])
            fail_msg("no parcel with code %c", *c);
    assert_true(nm > 50);
    assert_true(mnull > 0 && mzero > 0 && mnull + mzero < nm / 2);
    assert_int_equal(other_with_tax, 0);
    lg_layer_close(ctx, P);
    lg_layer_close(ctx, D);
}

static int file_has(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    int found = 0;
    for (long i = 0; i + (long)n <= len && !found; i++)
        found = !memcmp(buf + i, bytes, n);
    free(buf);
    return found;
}

static void test_enterprises_are_gbk_on_disk(void **state)
{
    (void)state;
    char path[1200];
    snprintf(path, sizeof path, "%s/enterprises.cpg", dir_s);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char cpg[32] = "";
    assert_non_null(fgets(cpg, sizeof cpg, f));
    fclose(f);
    assert_non_null(strstr(cpg, "936"));
    snprintf(path, sizeof path, "%s/enterprises.dbf", dir_s);
    /* 街道 and 有限公司 in GBK (printf 街道 | iconv -t GBK | xxd), not UTF-8 */
    static const unsigned char jiedao_gbk[] = {0xBD, 0xD6, 0xB5, 0xC0};
    static const unsigned char jiedao_utf8[] = {0xE8, 0xA1, 0x97, 0xE9, 0x81, 0x93};
    static const unsigned char youxian_gbk[] = {0xD3, 0xD0, 0xCF, 0xDE, 0xB9, 0xAB, 0xCB, 0xBE};
    assert_true(file_has(path, jiedao_gbk, sizeof jiedao_gbk));
    assert_true(file_has(path, youxian_gbk, sizeof youxian_gbk));
    assert_false(file_has(path, jiedao_utf8, sizeof jiedao_utf8));
    /* the other layers are UTF-8: 李沧区 in the districts DBF */
    static const unsigned char licang_utf8[] = {0xE6, 0x9D, 0x8E, 0xE6, 0xB2, 0xA7, 0xE5, 0x8C, 0xBA};
    static const unsigned char licang_gbk[] = {0xC0, 0xEE, 0xB2, 0xD7, 0xC7, 0xF8};
    snprintf(path, sizeof path, "%s/districts.dbf", dir_s);
    assert_true(file_has(path, licang_utf8, sizeof licang_utf8));
    assert_false(file_has(path, licang_gbk, sizeof licang_gbk));

    /* libgeo reads it as GBK from the .cpg and decodes the street names */
    lg_layer *E = load(dir_s, "enterprises");
    assert_string_equal(lg_layer_encoding(E), "GBK");
    assert_int_equal(lg_layer_encoding_source(E), LG_ENC_CPG);
    int fs = field(E, "street"), fp = field(E, "parcel_id");
    assert_true(lg_layer_size(E) > 20);
    for (size_t i = 0; i < lg_layer_size(E); i++) {
        const char *s = lg_layer_text(E, i, (size_t)fs);
        assert_non_null(s);
        int ok = 0;
        for (int k = 0; k < 11; k++)
            ok |= !strcmp(s, LICANG_STREETS[k]);
        if (!ok)
            fail_msg("enterprise %zu: street '%s' is not one of 李沧区's", i, s);
        double pid;
        assert_true(lg_layer_number(E, i, (size_t)fp, &pid));
    }
    /* every enterprise stands on an industrial parcel (the one it names) */
    lg_layer *P = load(dir_s, "landuse");
    int fid = field(P, "id"), fcode = field(P, "code");
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t i = 0; i < lg_layer_size(E); i += 7) {
        double pid;
        lg_layer_number(E, i, (size_t)fp, &pid);
        int found = 0;
        for (size_t k = 0; k < lg_layer_size(P) && !found; k++) {
            double id;
            if (lg_layer_number(P, k, (size_t)fid, &id) && id == pid) {
                found = 1;
                assert_string_equal(lg_layer_text(P, k, (size_t)fcode), "M");
                assert_int_equal(GEOSContains_r(h, lg_layer_geom(P, k), lg_layer_geom(E, i)), 1);
            }
        }
        assert_true(found);
    }
    lg_layer_close(ctx, P);
    lg_layer_close(ctx, E);
}

static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    if (!fa || !fb) {
        if (fa) fclose(fa);
        if (fb) fclose(fb);
        return 0;
    }
    int same = 1;
    for (;;) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb) {
            same = 0;
            break;
        }
        if (ca == EOF)
            break;
    }
    fclose(fa);
    fclose(fb);
    return same;
}

static void test_same_seed_same_files(void **state)
{
    (void)state;
    char d2[1024], d3[1024];
    snprintf(d2, sizeof d2, "%s", lg_test_tmpdir("demo_s_again"));
    snprintf(d3, sizeof d3, "%s", lg_test_tmpdir("demo_s_seed2"));
    generate(d2, 1, 1, GD_FORMAT_SHP); /* one thread this time: same bytes */
    generate(d3, 2, 2, GD_FORMAT_SHP);
    static const char *const EXT[] = {"shp", "shx", "dbf", "prj", "cpg"};
    char a[1200], b[1200];
    for (size_t k = 0; k < NLAYERS; k++)
        for (size_t e = 0; e < 5; e++) {
            snprintf(a, sizeof a, "%s/%s.%s", dir_s, LAYERS[k], EXT[e]);
            snprintf(b, sizeof b, "%s/%s.%s", d2, LAYERS[k], EXT[e]);
            if (!same_file(a, b))
                fail_msg("%s differs between two runs with the same seed", b);
        }
    snprintf(a, sizeof a, "%s/workspace.json", dir_s);
    snprintf(b, sizeof b, "%s/workspace.json", d2);
    assert_true(same_file(a, b));
    /* another seed: other parcels (the district keeps its name and size) */
    snprintf(a, sizeof a, "%s/landuse.shp", dir_s);
    snprintf(b, sizeof b, "%s/landuse.shp", d3);
    assert_false(same_file(a, b));
    lg_layer *P1 = load(dir_s, "landuse"), *P3 = load(d3, "landuse");
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    size_t n = lg_layer_size(P1) < lg_layer_size(P3) ? lg_layer_size(P1) : lg_layer_size(P3);
    size_t equal = 0;
    for (size_t i = 0; i < n; i++)
        equal += GEOSEqualsExact_r(h, lg_layer_geom(P1, i), lg_layer_geom(P3, i), 0.0) == 1;
    assert_true(equal < n / 10);
    lg_layer_close(ctx, P3);
    lg_layer_close(ctx, P1);
}

typedef struct endpoints {
    double x0, y0, x1, y1;
    size_t i;
} endpoints;

static int cmp_ends(const void *a, const void *b)
{
    const endpoints *p = a, *q = b;
    if (p->x0 != q->x0) return p->x0 < q->x0 ? -1 : 1;
    if (p->y0 != q->y0) return p->y0 < q->y0 ? -1 : 1;
    if (p->x1 != q->x1) return p->x1 < q->x1 ? -1 : 1;
    if (p->y1 != q->y1) return p->y1 < q->y1 ? -1 : 1;
    return 0;
}

static void test_some_streets_are_two_directed_edges(void **state)
{
    (void)state;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    lg_layer *R = load(dir_s, "roads");
    size_t n = lg_layer_size(R);
    endpoints *e = calloc(n, sizeof *e);
    assert_non_null(e);
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = lg_layer_geom(R, i);
        assert_int_equal(GEOSGeomTypeId_r(h, g), GEOS_LINESTRING);
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, g);
        unsigned m = 0;
        GEOSCoordSeq_getSize_r(h, cs, &m);
        GEOSCoordSeq_getXY_r(h, cs, 0, &e[i].x0, &e[i].y0);
        GEOSCoordSeq_getXY_r(h, cs, m - 1, &e[i].x1, &e[i].y1);
        e[i].i = i;
    }
    qsort(e, n, sizeof *e, cmp_ends);
    size_t pairs = 0;
    int fclass = field(R, "class");
    int classes[5] = {0};
    for (size_t i = 0; i < n; i++) {
        endpoints key = {e[i].x1, e[i].y1, e[i].x0, e[i].y0, 0};
        endpoints *hit = bsearch(&key, e, n, sizeof *e, cmp_ends);
        if (hit) {
            GEOSGeometry *rev = GEOSReverse_r(h, lg_layer_geom(R, e[i].i));
            pairs += GEOSEqualsExact_r(h, rev, lg_layer_geom(R, hit->i), 0.0) == 1;
            GEOSGeom_destroy_r(h, rev);
        }
        const char *c = lg_layer_text(R, e[i].i, (size_t)fclass);
        static const char *const CL[] = {"expressway", "arterial", "secondary", "branch"};
        for (int k = 0; k < 4; k++)
            classes[k] += !strcmp(c, CL[k]);
    }
    /* each pair is seen from both of its edges */
    assert_true(pairs >= 20 && pairs % 2 == 0);
    assert_true(pairs < n / 2);
    for (int k = 0; k < 4; k++)
        assert_true(classes[k] > 0);
    free(e);
    lg_layer_close(ctx, R);
}

static void test_sites_conflict_with_control_lines(void **state)
{
    (void)state;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    lg_layer *C = load(dir_s, "control");
    lg_layer *S = load(dir_s, "sites");
    int fk = field(C, "kind");
    /* red lines with thousands of vertices and holes; farmland blobs that overlap */
    int big = 0, holes = 0;
    for (size_t i = 0; i < lg_layer_size(C); i++) {
        if (strcmp(lg_layer_text(C, i, (size_t)fk), "生态保护红线"))
            continue;
        const GEOSGeometry *g = lg_layer_geom(C, i);
        big |= GEOSGetNumCoordinates_r(h, g) >= 1000;
        holes += GEOSGetNumInteriorRings_r(h, g) > 0;
    }
    assert_true(big);
    assert_true(holes > 0);
    GEOSGeometry *red = union_of(C, fk, "生态保护红线");
    GEOSGeometry *farm = union_of(C, fk, "永久基本农田");
    GEOSGeometry *ugb = union_of(C, fk, "城镇开发边界");
    double farm_sum = 0;
    for (size_t i = 0; i < lg_layer_size(C); i++)
        if (!strcmp(lg_layer_text(C, i, (size_t)fk), "永久基本农田"))
            farm_sum += area(lg_layer_geom(C, i));
    assert_true(farm_sum > area(farm) + 1.0); /* they overlap */

    size_t n = lg_layer_size(S), in_red = 0, in_farm = 0, outside = 0, clean = 0;
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *s = lg_layer_geom(S, i);
        GEOSGeometry *a = GEOSIntersection_r(h, s, red), *b = GEOSIntersection_r(h, s, farm),
                     *c = GEOSIntersection_r(h, s, ugb);
        assert_true(a && b && c);
        int r = area(a) > 1.0, f = area(b) > 1.0, o = area(s) - area(c) > 1.0;
        in_red += r;
        in_farm += f;
        outside += o;
        clean += !r && !f && !o;
        GEOSGeom_destroy_r(h, a);
        GEOSGeom_destroy_r(h, b);
        GEOSGeom_destroy_r(h, c);
    }
    assert_true(in_red >= 1);
    assert_true(in_farm >= 1);
    assert_true(outside >= 1);
    assert_true(clean >= n / 2);
    GEOSGeom_destroy_r(h, red);
    GEOSGeom_destroy_r(h, farm);
    GEOSGeom_destroy_r(h, ugb);
    lg_layer_close(ctx, S);
    lg_layer_close(ctx, C);
}

static void test_forest_overlaps_and_parks_sizes(void **state)
{
    (void)state;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    lg_layer *F = load(dir_s, "forest");
    double sum = 0;
    for (size_t i = 0; i < lg_layer_size(F); i++)
        sum += area(lg_layer_geom(F, i));
    GEOSGeometry *u = union_of(F, -1, NULL);
    assert_true(sum > area(u) * 1.05); /* forest polygons overlap */
    GEOSGeom_destroy_r(h, u);
    lg_layer_close(ctx, F);

    lg_layer *P = load(dir_s, "parks");
    double amin = 1e300, amax = 0;
    int fk = field(P, "kind");
    int pocket = 0;
    for (size_t i = 0; i < lg_layer_size(P); i++) {
        double a = area(lg_layer_geom(P, i));
        amin = a < amin ? a : amin;
        amax = a > amax ? a : amax;
        pocket += !strcmp(lg_layer_text(P, i, (size_t)fk), "口袋公园");
    }
    assert_true(amin >= 400.0 - 1 && amin < 2000);
    assert_true(amax <= 500000.0 && amax > 50000);
    assert_true(pocket > 0);
    lg_layer_close(ctx, P);
}

static void test_geopackage(void **state)
{
    (void)state;
    char d[1024], path[1200];
    snprintf(d, sizeof d, "%s", lg_test_tmpdir("demo_s_gpkg"));
    generate(d, 1, 2, GD_FORMAT_GPKG);
    snprintf(path, sizeof path, "%s/workspace.gpkg", d);
    char **names = NULL;
    size_t count = 0;
    assert_int_equal(lg_source_layers(ctx, path, &names, &count), LG_OK);
    assert_int_equal(count, NLAYERS);
    lg_strings_free(names);
    /* the same parcels as the shapefile of the same seed */
    const char *opts[] = {"LAYER=landuse", "INVALID=stop", NULL};
    lg_layer *G = lg_layer_open(ctx, path, opts);
    assert_non_null(G);
    assert_int_equal(lg_layer_load(ctx, G, crs4549), LG_OK);
    lg_layer *P = load(dir_s, "landuse");
    assert_int_equal(lg_layer_size(G), lg_layer_size(P));
    double ag, ap;
    assert_int_equal(lg_layer_area(ctx, G, &ag, NULL), LG_OK);
    assert_int_equal(lg_layer_area(ctx, P, &ap, NULL), LG_OK);
    assert_double_near(ag, ap, 1e-3);
    lg_layer_close(ctx, P);
    lg_layer_close(ctx, G);
}

static int calls, stop_writing;
/* cancel at the third call (preparing the world), or at the first call
 * while writing the layers (fraction past 0.1) */
static int stop_soon(double fraction, const char *what, void *user)
{
    (void)what;
    (void)user;
    calls++;
    return stop_writing ? fraction <= 0.1 : calls < 3;
}

static void test_cancel_leaves_nothing(void **state)
{
    (void)state;
    char d[1024], cmd[4096];
    snprintf(d, sizeof d, "%s/out", lg_test_tmpdir("demo_cancel"));
    gd_options o;
    gd_options_init(&o);
    o.progress = stop_soon;
    char err[256];
    /* while preparing the world, and while writing the layers */
    for (stop_writing = 0; stop_writing <= 1; stop_writing++) {
        calls = 0;
        assert_int_equal(gd_generate(d, &o, NULL, err, sizeof err), LG_ERR_CANCELLED);
        assert_true(stop_writing ? calls > 5 : calls == 3);
        snprintf(cmd, sizeof cmd, "! test -e '%s' && ! ls -d '%s'.tmp-* 2>/dev/null", d, d);
        assert_int_equal(run(cmd), 0);
    }
    /* bad arguments */
    assert_int_equal(gd_generate("", NULL, NULL, err, sizeof err), LG_ERR_ARG);
    gd_scale sc;
    gd_format fm;
    assert_true(gd_scale_parse("m", &sc) && sc == GD_SCALE_M);
    assert_false(gd_scale_parse("XL", &sc));
    assert_true(gd_format_parse("gpkg", &fm) && fm == GD_FORMAT_GPKG);
    assert_false(gd_format_parse("csv", &fm));
}

static void test_cli(void **state)
{
    (void)state;
    char cmd[8192], d[1024];
    snprintf(d, sizeof d, "%s", lg_test_tmpdir("demo_cli"));
    /* usage errors: exit 2 */
    snprintf(cmd, sizeof cmd, "'%s' demo 2>/dev/null", GEOPLAN_BIN);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s/x' --scale XL 2>/dev/null", GEOPLAN_BIN, d);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s/x' --seed -3 2>/dev/null", GEOPLAN_BIN, d);
    assert_int_equal(run(cmd), 2);
    /* a non-empty directory is refused, and left alone */
    snprintf(cmd, sizeof cmd, "echo keep > '%s/mine.txt'", d);
    assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s' --quiet 2>/dev/null", GEOPLAN_BIN, d);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "test -f '%s/mine.txt' && ! test -e '%s/landuse.shp'", d, d);
    assert_int_equal(run(cmd), 0);
    /* --force does not replace a directory that holds no demo workspace */
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s' --force 2>/dev/null", GEOPLAN_BIN, d);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "test -f '%s/mine.txt'", d);
    assert_int_equal(run(cmd), 0);
    /* it replaces a previous workspace; nothing is left beside it */
    snprintf(cmd, sizeof cmd, "rm '%s/mine.txt' && '%s' demo --out '%s' --seed 5 > /dev/null",
             d, GEOPLAN_BIN, d);
    assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s' --quiet 2>/dev/null", GEOPLAN_BIN, d);
    assert_int_equal(run(cmd), 2);
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s' --force > /dev/null", GEOPLAN_BIN, d);
    assert_int_equal(run(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "grep -q '\"seed\":1,' '%s/workspace.json' && test -f '%s/landuse.shp' && "
             "test -f '%s/README.txt' && ! ls -d '%s'.tmp-* '%s'.old-* 2>/dev/null",
             d, d, d, d, d);
    assert_int_equal(run(cmd), 0);
    /* a file in the way of the output: exit 2 */
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s/README.txt' 2>/dev/null", GEOPLAN_BIN, d);
    assert_int_equal(run(cmd), 2);
    /* a missing parent directory: could not write, exit 3 */
    snprintf(cmd, sizeof cmd, "'%s' demo --out '%s/no/such/dir' 2>/dev/null", GEOPLAN_BIN, d);
    assert_int_equal(run(cmd), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_layer_loads_valid),
        cmocka_unit_test(test_district_area_and_streets),
        cmocka_unit_test(test_parcels_tile_each_district),
        cmocka_unit_test(test_enterprises_are_gbk_on_disk),
        cmocka_unit_test(test_same_seed_same_files),
        cmocka_unit_test(test_some_streets_are_two_directed_edges),
        cmocka_unit_test(test_sites_conflict_with_control_lines),
        cmocka_unit_test(test_forest_overlaps_and_parks_sizes),
        cmocka_unit_test(test_geopackage),
        cmocka_unit_test(test_cancel_leaves_nothing),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
