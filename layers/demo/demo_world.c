/* geodemo: the world model.  One jittered lattice of 200 m cells; districts
 * and streets are sets of cells grown from seeds with area quotas and then
 * regularised so that each is one simple ring along lattice edges (so
 * streets nest in districts and parcels tile both, exactly); land classes
 * come from smooth fields (hills, urban cores, industrial clusters,
 * villages); road classes come from a hierarchy of lattice lines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_internal.h"

#define GD_PI 3.14159265358979323846
#define X0 535000.0   /* 李沧区, EPSG:4549 */
#define Y0 4003000.0
#define KM 1000.0

/* --------------------------------------------------------------- random */

double gd_rng_normal(gd_rng *r)
{
    double u1 = gd_rng_unif(r), u2 = gd_rng_unif(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * GD_PI * u2);
}

double gd_rng_lognormal(gd_rng *r, double mu, double sigma)
{
    return exp(mu + sigma * gd_rng_normal(r));
}

static double lattice_value(uint64_t seed, uint64_t stream, int64_t ix, int64_t iy)
{
    return gd_unit(gd_hash(seed, ST_NOISE, stream, (uint64_t)ix, (uint64_t)iy)) * 2.0 - 1.0;
}

static double fade(double t) { return t * t * t * (t * (t * 6 - 15) + 10); }

double gd_noise(uint64_t seed, uint64_t stream, double x, double y)
{
    double fx = floor(x), fy = floor(y);
    int64_t ix = (int64_t)fx, iy = (int64_t)fy;
    double tx = fade(x - fx), ty = fade(y - fy);
    double v00 = lattice_value(seed, stream, ix, iy), v10 = lattice_value(seed, stream, ix + 1, iy);
    double v01 = lattice_value(seed, stream, ix, iy + 1);
    double v11 = lattice_value(seed, stream, ix + 1, iy + 1);
    double a = v00 + (v10 - v00) * tx, b = v01 + (v11 - v01) * tx;
    return a + (b - a) * ty;
}

double gd_fbm(uint64_t seed, uint64_t stream, double x, double y, int octaves)
{
    double sum = 0, amp = 1, norm = 0, f = 1;
    for (int o = 0; o < octaves; o++) {
        sum += amp * gd_noise(seed, stream * 16 + (uint64_t)o, x * f + o * 17.31, y * f - o * 9.7);
        norm += amp;
        amp *= 0.5;
        f *= 2.03;
    }
    return sum / norm;
}

/* ------------------------------------------------------------ districts */

typedef struct dist_cfg {
    const char *name, *code;
    double x, y;         /* seed, km from the 李沧区 centre */
    double km2_m, km2_l; /* target area at scales M and L */
    double pop_wan;      /* residents, 万 */
    int urban;
    double core_dx, core_dy, core_rf; /* main urban core: offset (km), radius / R */
    const char *const *streets;
    double aspect, angle; /* elongation of the outline and its direction (degrees) */
} dist_cfg;

static const char *const ST_SHINAN[] = {"八大峡街道", "云南路街道", "中山路街道", "江苏路街道",
    "八大关街道", "湛山街道", "香港中路街道", "八大湖街道", "金门路街道", "珠海路街道", NULL};
static const char *const ST_SHIBEI[] = {"辽宁路街道", "延安路街道", "登州路街道", "宁夏路街道",
    "敦化路街道", "辽源路街道", "合肥路街道", "大港街道", "即墨路街道", "台东街道", "镇江路街道",
    "浮山新区街道", "阜新路街道", "海伦路街道", "四方街道", "兴隆路街道", "水清沟街道",
    "洛阳路街道", "河西街道", "湖岛街道", "开平路街道", "双山街道", NULL};
static const char *const ST_LICANG[] = {"振华路街道", "永清路街道", "永安路街道", "兴华路街道",
    "浮山路街道", "李村街道", "虎山路街道", "楼山街道", "湘潭路街道", "九水街道", "沧口街道",
    NULL};
/* seed offsets (km) and area shares of 李沧区's streets, roughly as on the map */
static const double LICANG_SEEDS[11][3] = {
    {-3.3, -3.6, .08}, {-4.0, -1.8, .05}, {-2.6, -2.2, .05}, {-1.6, -0.9, .07},
    {0.2, -3.6, .10},  {0.2, -0.2, .09},  {-1.3, 1.4, .08},  {-3.0, 3.2, .10},
    {1.6, 2.2, .08},   {4.0, 0.8, .22},   {-3.8, 0.9, .08}};
static const char *const ST_LAOSHAN[] = {"中韩街道", "沙子口街道", "王哥庄街道", "北宅街道",
    "金家岭街道", NULL};
static const char *const ST_CHENGYANG[] = {"城阳街道", "夏庄街道", "流亭街道", "惜福镇街道",
    "棘洪滩街道", "上马街道", "河套街道", "红岛街道", NULL};
static const char *const ST_HUANGDAO[] = {"黄岛街道", "辛安街道", "薛家岛街道", "灵珠山街道",
    "长江路街道", "红石崖街道", "灵山卫街道", "隐珠街道", "珠海街道", "滨海街道", "王台街道",
    "张家楼街道", "铁山街道", "琅琊镇", "泊里镇", "大场镇", "大村镇", "六汪镇", "宝山镇",
    "海青镇", "藏南镇", NULL};
static const char *const ST_JIMO[] = {"环秀街道", "潮海街道", "通济街道", "北安街道", "龙山街道",
    "龙泉街道", "鳌山卫街道", "温泉街道", "大信街道", "蓝村街道", "灵山街道", "段泊岚镇",
    "移风店镇", "田横镇", "金口镇", NULL};
static const char *const ST_JIAOZHOU[] = {"阜安街道", "中云街道", "三里河街道", "九龙街道",
    "胶东街道", "胶北街道", "胶西街道", "胶莱街道", "李哥庄镇", "铺集镇", "里岔镇", "洋河镇",
    NULL};
static const char *const ST_PINGDU[] = {"东阁街道", "李园街道", "同和街道", "凤台街道",
    "白沙河街道", "南村镇", "蓼兰镇", "崔家集镇", "明村镇", "田庄镇", "新河镇", "店子镇",
    "大泽山镇", "旧店镇", "云山镇", "古岘镇", "仁兆镇", NULL};
static const char *const ST_LAIXI[] = {"水集街道", "望城街道", "沽河街道", "姜山镇", "夏格庄镇",
    "院上镇", "日庄镇", "南墅镇", "河头店镇", "店埠镇", "马连庄镇", NULL};

static const dist_cfg DISTRICTS[] = {
    {"李沧区", "370213", 0, 0, 98.7, 98.7, 80, 1, -2.0, -0.5, 1.1, ST_LICANG, 1.45, 75},
    {"市南区", "370202", -4.5, -10.5, 30.0, 30.0, 57, 1, 0, 0, 1.5, ST_SHINAN, 1.8, 10},
    {"市北区", "370203", -5.5, -5.0, 63.2, 63.2, 105, 1, 0, 0, 1.5, ST_SHIBEI, 1.3, 60},
    {"崂山区", "370212", 15, -5, 400, 395.8, 50, 0, -6, -2, 0.45, ST_LAOSHAN, 1.2, 20},
    {"城阳区", "370214", -3, 16, 410, 583.7, 110, 0, -1, -3, 0.55, ST_CHENGYANG, 1.3, 100},
    {"黄岛区", "370211", -36, -28, 0, 1851, 190, 0, 6, 6, 0.3, ST_HUANGDAO, 1.5, 40},
    {"即墨区", "370215", 20, 35, 0, 1671, 135, 0, -3, -4, 0.3, ST_JIMO, 1.2, 70},
    {"胶州市", "370281", -42, 12, 0, 1152, 100, 0, 3, 0, 0.3, ST_JIAOZHOU, 1.1, 0},
    {"平度市", "370283", -48, 62, 0, 2763, 118, 0, 0, -4, 0.25, ST_PINGDU, 1.3, 110},
    {"莱西市", "370285", 8, 76, 0, 1324, 72, 0, 0, -3, 0.3, ST_LAIXI, 1.2, 80},
};

/* Hills of 李沧区 (km offsets, radius km, height), the first ones get red lines. */
static const double LICANG_HILLS[][4] = {
    {4.2, 0.6, 2.1, 1.0}, {2.3, -2.4, 0.75, 0.9}, {3.1, 3.9, 1.1, 0.95},
    {0.4, -1.0, 0.45, 0.85}, {-1.4, 2.6, 0.5, 0.85}};
static const double LICANG_INDUSTRY[][3] = {{-3.0, 3.0, 1.0}, {-3.6, 0.8, 0.7}, {1.6, 3.2, 0.6}};

/* Sea (km from the 李沧区 centre): 胶州湾, the Yellow Sea south and east;
 * the coast made irregular by a noise warp. */
static int is_sea(uint64_t seed, double xk, double yk)
{
    double wx = 2.5 * gd_fbm(seed, 20, xk / 5.0, yk / 5.0, 3);
    double wy = 2.5 * gd_fbm(seed, 21, xk / 5.0, yk / 5.0, 3);
    xk += wx;
    yk += wy;
    double bx = (xk + 16.9) / 12.0, by = (yk - 1.0) / 12.0;
    if (bx * bx + by * by < 1.0)
        return 1;
    if (yk < -15.0 && xk > -26.0 && xk < 45.0)
        return 1;
    if (xk > 32.0 && yk < 30.0)
        return 1;
    return yk < -50.0;
}

/* --------------------------------------------------------------- lattice */

void gd_cell_centre(const gd_world *w, int i, int j, double *x, double *y)
{
    size_t a = gd_node(w, i, j), b = gd_node(w, i + 1, j), c = gd_node(w, i + 1, j + 1),
           d = gd_node(w, i, j + 1);
    *x = 0.25 * (w->xn[a] + w->xn[b] + w->xn[c] + w->xn[d]);
    *y = 0.25 * (w->yn[a] + w->yn[b] + w->yn[c] + w->yn[d]);
}

static double cross(double ax, double ay, double bx, double by, double px, double py)
{
    return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

int gd_cell_at(const gd_world *w, double x, double y, int *ci, int *cj)
{
    int i0 = (int)floor((x - w->ox) / w->a), j0 = (int)floor((y - w->oy) / w->a);
    for (int dj = -1; dj <= 1; dj++)
        for (int di = -1; di <= 1; di++) {
            int i = i0 + di, j = j0 + dj;
            if (i < 0 || j < 0 || i >= w->nx || j >= w->ny)
                continue;
            size_t n[4] = {gd_node(w, i, j), gd_node(w, i + 1, j), gd_node(w, i + 1, j + 1),
                           gd_node(w, i, j + 1)};
            int in = 1;
            for (int k = 0; k < 4 && in; k++) {
                size_t p = n[k], q = n[(k + 1) % 4];
                if (cross(w->xn[p], w->yn[p], w->xn[q], w->yn[q], x, y) < 0)
                    in = 0;
            }
            if (in) {
                *ci = i;
                *cj = j;
                return 1;
            }
        }
    return 0;
}

static double cell_area(const gd_world *w, int i, int j)
{
    size_t n[4] = {gd_node(w, i, j), gd_node(w, i + 1, j), gd_node(w, i + 1, j + 1),
                   gd_node(w, i, j + 1)};
    double s = 0;
    for (int k = 0; k < 4; k++) {
        size_t p = n[k], q = n[(k + 1) % 4];
        s += w->xn[p] * w->yn[q] - w->xn[q] * w->yn[p];
    }
    return 0.5 * s;
}

int gd_edge_points(const gd_world *w, int horizontal, int i, int j, double *x, double *y)
{
    int n = horizontal ? w->hpts[(size_t)j * w->nx + i] : w->vpts[(size_t)j * (w->nx + 1) + i];
    if (!n)
        return 0;
    size_t a = gd_node(w, i, j), b = horizontal ? gd_node(w, i + 1, j) : gd_node(w, i, j + 1);
    uint64_t h = gd_hash(w->seed, ST_EDGE, (uint64_t)horizontal, (uint64_t)(int64_t)(i + w->gi0),
                         (uint64_t)(int64_t)(j + w->gj0));
    /* nodes lie on a 1/32 m grid, so (b - a) / 32 is exact and the points
     * a + j (b - a) / 32 lie exactly on the edge: a road along the edge is
     * exactly on the parcel and zone boundaries that carry these points */
    int f[2];
    if (n == 1) {
        f[0] = 10 + (int)(gd_unit(h) * 13);               /* 10..22 of 32 */
    } else {
        f[0] = 8 + (int)(gd_unit(h) * 6);                 /* 8..13 */
        f[1] = 19 + (int)(gd_unit(gd_mix64(h)) * 6);      /* 19..24 */
    }
    double dx = (w->xn[b] - w->xn[a]) / 32.0, dy = (w->yn[b] - w->yn[a]) / 32.0;
    for (int k = 0; k < n; k++) {
        x[k] = w->xn[a] + f[k] * dx;
        y[k] = w->yn[a] + f[k] * dy;
    }
    return n;
}

/* ---------------------------------------------------------------- tracing */

static int label_at(const gd_world *w, const int16_t *lab, int i, int j)
{
    if (i < 0 || j < 0 || i >= w->nx || j >= w->ny)
        return -32768;
    return lab[gd_cell(w, i, j)];
}

/* direction d: 0 E, 1 N, 2 W, 3 S; left/right cells of the edge leaving
 * node (i,j) in direction d */
static const int DI[4] = {1, 0, -1, 0}, DJ[4] = {0, 1, 0, -1};
static const int LEFT_I[4] = {0, -1, -1, 0}, LEFT_J[4] = {0, 0, -1, -1};
static const int RIGHT_I[4] = {0, 0, -1, -1}, RIGHT_J[4] = {-1, 0, 0, -1};

int gd_ring_edge(const gd_world *w, int i, int j, int d, double *x, double *y)
{
    size_t nd = gd_node(w, i, j);
    x[0] = w->xn[nd];
    y[0] = w->yn[nd];
    double px[2], py[2];
    int np;
    switch (d) {
    case 0: np = gd_edge_points(w, 1, i, j, px, py); break;
    case 1: np = gd_edge_points(w, 0, i, j, px, py); break;
    case 2: np = gd_edge_points(w, 1, i - 1, j, px, py); break;
    default: np = gd_edge_points(w, 0, i, j - 1, px, py); break;
    }
    for (int k = 0; k < np; k++) {
        int kk = d >= 2 ? np - 1 - k : k;
        x[1 + k] = px[kk];
        y[1 + k] = py[kk];
    }
    return 1 + np;
}

int gd_rect_ring(const gd_world *w, int i0, int j0, int wd, int ht, double *x, double *y)
{
    int n = 0;
    for (int i = i0; i < i0 + wd; i++)
        n += gd_ring_edge(w, i, j0, 0, x + n, y + n);
    for (int j = j0; j < j0 + ht; j++)
        n += gd_ring_edge(w, i0 + wd, j, 1, x + n, y + n);
    for (int i = i0 + wd; i > i0; i--)
        n += gd_ring_edge(w, i, j0 + ht, 2, x + n, y + n);
    for (int j = j0 + ht; j > j0; j--)
        n += gd_ring_edge(w, i0, j, 3, x + n, y + n);
    x[n] = x[0];
    y[n] = y[0];
    return n + 1;
}

static int is_boundary(const gd_world *w, const int16_t *lab, int label, int i, int j, int d)
{
    return label_at(w, lab, i + LEFT_I[d], j + LEFT_J[d]) == label &&
           label_at(w, lab, i + RIGHT_I[d], j + RIGHT_J[d]) != label;
}

long gd_trace_region(const gd_world *w, const int16_t *lab, int label, double **xs, double **ys)
{
    *xs = *ys = NULL;
    long nb = 0;
    int si = -1, sj = -1;
    for (int j = 0; j < w->ny; j++)
        for (int i = 0; i < w->nx; i++) {
            if (lab[gd_cell(w, i, j)] != label)
                continue;
            if (si < 0) {
                si = i;
                sj = j;
            }
            nb += (label_at(w, lab, i + 1, j) != label) + (label_at(w, lab, i - 1, j) != label) +
                  (label_at(w, lab, i, j + 1) != label) + (label_at(w, lab, i, j - 1) != label);
        }
    if (si < 0)
        return 0;
    size_t cap = (size_t)nb * 3 + 2;
    double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return -1;
    }
    long n = 0, edges = 0;
    int i = si, j = sj, d = 0; /* bottom edge of the first cell, eastwards */
    do {
        n += gd_ring_edge(w, i, j, d, x + n, y + n);
        i += DI[d];
        j += DJ[d];
        edges++;
        if (edges > nb)
            break;
        /* next: left turn, straight, right turn */
        int nd2 = -1;
        for (int t = 0; t < 3; t++) {
            int c = (d + 1 + 4 - t) % 4; /* left, straight, right */
            if (is_boundary(w, lab, label, i, j, c)) {
                nd2 = c;
                break;
            }
        }
        if (nd2 < 0)
            break;
        d = nd2;
    } while (!(i == si && j == sj && d == 0));
    if (edges != nb || !(i == si && j == sj)) {
        free(x);
        free(y);
        return -1;
    }
    x[n] = x[0];
    y[n] = y[0];
    n++;
    *xs = x;
    *ys = y;
    return n;
}

/* ------------------------------------------------------------ growth */

typedef struct hitem {
    double p;
    int32_t c;
    int16_t r;
} hitem;

typedef struct heap {
    hitem *v;
    size_t n, cap;
} heap;

static int hless(const hitem *a, const hitem *b)
{
    if (a->p != b->p)
        return a->p < b->p;
    if (a->c != b->c)
        return a->c < b->c;
    return a->r < b->r;
}

static int hpush(heap *h, hitem it)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 4096;
        hitem *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return 0;
        h->v = v;
        h->cap = cap;
    }
    size_t k = h->n++;
    while (k > 0) {
        size_t p = (k - 1) / 2;
        if (!hless(&it, &h->v[p]))
            break;
        h->v[k] = h->v[p];
        k = p;
    }
    h->v[k] = it;
    return 1;
}

static int hpop(heap *h, hitem *out)
{
    if (!h->n)
        return 0;
    *out = h->v[0];
    hitem last = h->v[--h->n];
    size_t k = 0;
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && hless(&h->v[c + 1], &h->v[c]))
            c++;
        if (!hless(&h->v[c], &last))
            break;
        h->v[k] = h->v[c];
        k = c;
    }
    if (h->n)
        h->v[k] = last;
    return 1;
}

typedef struct grow_reg {
    double sx, sy, R, quota, area;
    double ca, sa, aspect; /* elongation: along (ca, sa) by sqrt(aspect) */
    int seed;
} grow_reg;

#define LAB_FREE (-1)  /* not yet assigned (or background) */
#define LAB_FIXED (-2) /* outside the parent: never assigned */

/* Grow regions from their seeds over cells labelled LAB_FREE (and `ok`),
 * cheapest first: distance / R plus region-specific noise; a region stops
 * at its quota. */
static int grow(gd_world *w, int16_t *lab, const uint8_t *ok, grow_reg *reg, int k, double amp,
                double lambda, uint64_t stream, const float *carea)
{
    heap h = {0};
    int nx = w->nx;
    for (int r = 0; r < k; r++)
        if (reg[r].seed >= 0 && !hpush(&h, (hitem){0.0, reg[r].seed, (int16_t)r})) {
            free(h.v);
            return 0;
        }
    hitem it;
    while (hpop(&h, &it)) {
        int32_t c = it.c;
        int r = it.r;
        if (lab[c] != LAB_FREE || reg[r].area >= reg[r].quota)
            continue;
        lab[c] = (int16_t)r;
        reg[r].area += carea[c];
        int ci = c % nx, cj = c / nx;
        for (int d = 0; d < 4; d++) {
            int ni = ci + DI[d], nj = cj + DJ[d];
            if (ni < 0 || nj < 0 || ni >= nx || nj >= w->ny)
                continue;
            int32_t n = (int32_t)gd_cell(w, ni, nj);
            if (lab[n] != LAB_FREE || (ok && !ok[n]))
                continue;
            double x, y;
            gd_cell_centre(w, ni, nj, &x, &y);
            double dx = x - reg[r].sx, dy = y - reg[r].sy, dd;
            if (reg[r].aspect > 1.0) {
                double u = dx * reg[r].ca + dy * reg[r].sa, v = -dx * reg[r].sa + dy * reg[r].ca;
                double sq = sqrt(reg[r].aspect);
                dd = hypot(u / sq, v * sq) / reg[r].R;
            } else {
                dd = hypot(dx, dy) / reg[r].R;
            }
            double p = dd + amp * gd_fbm(w->seed, stream * 256 + (uint64_t)r, x / lambda,
                                         y / lambda, 3);
            if (!hpush(&h, (hitem){p, n, (int16_t)r})) {
                free(h.v);
                return 0;
            }
        }
    }
    free(h.v);
    return 1;
}

/* Make every region (labels 0..k-1) one simple ring: 4-connected, no
 * pinches (two cells touching only at a corner), no holes.  Only cells in
 * the box [bi0,bi1] x [bj0,bj1] are looked at; cells labelled LAB_FIXED
 * never change.  Returns 1 when regular, 0 on failure. */
static int regularize(gd_world *w, int16_t *lab, int k, int bi0, int bj0, int bi1, int bj1)
{
    int nx = w->nx;
    size_t ncell = (size_t)nx * w->ny;
    int32_t *comp = malloc(ncell * sizeof *comp);
    int32_t *queue = malloc(ncell * sizeof *queue);
    int *count = calloc((size_t)k + 2, sizeof *count);
    int32_t *best = malloc(((size_t)k + 1) * sizeof *best);
    int *rb = malloc((size_t)k * 4 * sizeof *rb);
    int32_t *csize = NULL, *cfirst = NULL;
    size_t ccap = 0;
    int ok = 0;
    if (!comp || !queue || !count || !best || !rb)
        goto done;
#define INBOX(i, j) ((i) >= bi0 && (j) >= bj0 && (i) <= bi1 && (j) <= bj1)
    for (int iter = 0; iter < 300; iter++) {
        long changed = 0;
        /* (a) connectivity: keep the largest component of each region */
        for (int j = bj0; j <= bj1; j++)
            for (int i = bi0; i <= bi1; i++)
                comp[gd_cell(w, i, j)] = -1;
        int32_t ncomp = 0;
        for (int j0 = bj0; j0 <= bj1; j0++)
            for (int i0 = bi0; i0 <= bi1; i0++) {
                size_t c0 = gd_cell(w, i0, j0);
                if (lab[c0] < 0 || comp[c0] >= 0)
                    continue;
                if ((size_t)ncomp == ccap) {
                    ccap = ccap ? ccap * 2 : 256;
                    int32_t *a = realloc(csize, ccap * sizeof *a);
                    if (!a)
                        goto done;
                    csize = a;
                    a = realloc(cfirst, ccap * sizeof *a);
                    if (!a)
                        goto done;
                    cfirst = a;
                }
                size_t qh = 0, qt = 0;
                queue[qt++] = (int32_t)c0;
                comp[c0] = ncomp;
                while (qh < qt) {
                    int32_t c = queue[qh++];
                    int ci = c % nx, cj = c / nx;
                    for (int d = 0; d < 4; d++) {
                        int ni = ci + DI[d], nj = cj + DJ[d];
                        if (!INBOX(ni, nj))
                            continue;
                        size_t n = gd_cell(w, ni, nj);
                        if (comp[n] < 0 && lab[n] == lab[c0]) {
                            comp[n] = ncomp;
                            queue[qt++] = (int32_t)n;
                        }
                    }
                }
                csize[ncomp] = (int32_t)qt;
                cfirst[ncomp] = (int32_t)c0;
                ncomp++;
            }
        for (int r = 0; r < k; r++)
            best[r] = -1;
        for (int32_t q = 0; q < ncomp; q++) {
            int r = lab[cfirst[q]];
            if (best[r] < 0 || csize[q] > csize[best[r]])
                best[r] = q;
        }
        for (int32_t q = 0; q < ncomp; q++) {
            int r = lab[cfirst[q]];
            if (best[r] == q)
                continue;
            /* gather the component, count neighbouring labels */
            memset(count, 0, ((size_t)k + 2) * sizeof *count);
            size_t qh = 0, qt = 0;
            queue[qt++] = cfirst[q];
            comp[cfirst[q]] = -2;
            while (qh < qt) {
                int32_t c = queue[qh++];
                int ci = c % nx, cj = c / nx;
                for (int d = 0; d < 4; d++) {
                    int ni = ci + DI[d], nj = cj + DJ[d];
                    if (!INBOX(ni, nj))
                        continue;
                    size_t n = gd_cell(w, ni, nj);
                    if (lab[n] == r) {
                        if (comp[n] == q) {
                            comp[n] = -2;
                            queue[qt++] = (int32_t)n;
                        }
                    } else if (lab[n] >= 0) {
                        count[lab[n]]++;
                    } else if (lab[n] == LAB_FREE) {
                        count[k]++;
                    }
                }
            }
            int to = LAB_FREE, bestc = 0;
            for (int s = 0; s <= k; s++)
                if (count[s] > bestc) {
                    bestc = count[s];
                    to = s == k ? LAB_FREE : s;
                }
            for (size_t t = 0; t < qt; t++)
                lab[queue[t]] = (int16_t)to;
            changed++;
        }
        /* (b) holes: cells not reachable from outside the region's box */
        for (int r = 0; r < k; r++)
            rb[4 * r] = rb[4 * r + 1] = 1 << 30, rb[4 * r + 2] = rb[4 * r + 3] = -1;
        for (int j = bj0; j <= bj1; j++)
            for (int i = bi0; i <= bi1; i++) {
                int r = lab[gd_cell(w, i, j)];
                if (r < 0)
                    continue;
                int *b = &rb[4 * r];
                if (i < b[0]) b[0] = i;
                if (j < b[1]) b[1] = j;
                if (i > b[2]) b[2] = i;
                if (j > b[3]) b[3] = j;
            }
        for (int r = 0; r < k; r++) {
            int i0 = rb[4 * r], j0 = rb[4 * r + 1], i1 = rb[4 * r + 2], j1 = rb[4 * r + 3];
            if (i1 < 0)
                continue;
            size_t qh = 0, qt = 0;
            for (int j = j0; j <= j1; j++)
                for (int i = i0; i <= i1; i++) {
                    size_t c = gd_cell(w, i, j);
                    comp[c] = -1;
                    if (lab[c] != r && (i == i0 || i == i1 || j == j0 || j == j1)) {
                        comp[c] = 1;
                        queue[qt++] = (int32_t)c;
                    }
                }
            while (qh < qt) {
                int32_t c = queue[qh++];
                int ci = c % nx, cj = c / nx;
                for (int d = 0; d < 4; d++) {
                    int ni = ci + DI[d], nj = cj + DJ[d];
                    if (ni < i0 || nj < j0 || ni > i1 || nj > j1)
                        continue;
                    size_t n = gd_cell(w, ni, nj);
                    if (comp[n] < 0 && lab[n] != r) {
                        comp[n] = 1;
                        queue[qt++] = (int32_t)n;
                    }
                }
            }
            for (int j = j0; j <= j1; j++)
                for (int i = i0; i <= i1; i++) {
                    size_t c = gd_cell(w, i, j);
                    if (lab[c] != r && comp[c] < 0 && lab[c] != LAB_FIXED) {
                        lab[c] = (int16_t)r;
                        changed++;
                    }
                }
        }
        /* (c) pinches */
        for (int j = bj0; j < bj1; j++)
            for (int i = bi0; i < bi1; i++) {
                size_t a = gd_cell(w, i, j), b = gd_cell(w, i + 1, j), c = gd_cell(w, i, j + 1),
                       d = gd_cell(w, i + 1, j + 1);
                if (lab[a] >= 0 && lab[a] == lab[d] && lab[b] != lab[a] && lab[c] != lab[a]) {
                    size_t t = lab[b] != LAB_FIXED ? b : c;
                    if (lab[t] == LAB_FIXED)
                        goto done;
                    lab[t] = lab[a];
                    changed++;
                } else if (lab[b] >= 0 && lab[b] == lab[c] && lab[a] != lab[b] &&
                           lab[d] != lab[b]) {
                    size_t t = lab[a] != LAB_FIXED ? a : d;
                    if (lab[t] == LAB_FIXED)
                        goto done;
                    lab[t] = lab[b];
                    changed++;
                }
            }
        if (!changed) {
            ok = 1;
            break;
        }
    }
#undef INBOX
done:
    free(csize);
    free(cfirst);
    free(comp);
    free(queue);
    free(count);
    free(best);
    free(rb);
    return ok;
}

/* -------------------------------------------------------------- fields */

/* The highest of n Gaussian-like blobs at (x, y): each falls to half its
 * height at its radius and is ignored beyond three radii; `scaled` uses the
 * blobs' heights, else height 1. */
static double blob_peak(const gd_blob *b, int n, int scaled, double x, double y)
{
    double v = 0;
    for (int k = 0; k < n; k++) {
        double d2 = ((x - b[k].x) * (x - b[k].x) + (y - b[k].y) * (y - b[k].y)) / (b[k].r * b[k].r);
        if (d2 < 9)
            v = fmax(v, (scaled ? b[k].h : 1.0) * exp(-d2 * 0.69314718));
    }
    return v;
}

static double elevation(const gd_world *w, double x, double y)
{
    return blob_peak(w->hills, w->nhills, 1, x, y) +
           0.12 * gd_fbm(w->seed, 11, x / 900.0, y / 900.0, 3);
}

static double urbanness(const gd_world *w, double x, double y)
{
    return blob_peak(w->cores, w->ncores, 1, x, y) +
           0.12 * gd_fbm(w->seed, 12, x / 1500.0, y / 1500.0, 3);
}

static double industry(const gd_world *w, double x, double y)
{
    return blob_peak(w->clusters, w->nclusters, 0, x, y) +
           0.15 * gd_fbm(w->seed, 13, x / 700.0, y / 700.0, 2);
}

/* Villages: one candidate per 1.6 km square, radius 180-420 m. */
static int village(const gd_world *w, double x, double y)
{
    const double S = 1600.0;
    int64_t gx = (int64_t)floor((x - X0) / S), gy = (int64_t)floor((y - Y0) / S);
    for (int64_t dy = -1; dy <= 1; dy++)
        for (int64_t dx = -1; dx <= 1; dx++) {
            uint64_t h = gd_hash(w->seed, ST_VILLAGE, (uint64_t)(gx + dx), (uint64_t)(gy + dy), 0);
            if (gd_unit(h) < 0.25)
                continue;
            double vx = X0 + (gx + dx + 0.15 + 0.7 * gd_unit(gd_mix64(h))) * S;
            double vy = Y0 + (gy + dy + 0.15 + 0.7 * gd_unit(gd_mix64(h + 1))) * S;
            double r = 180 + 240 * gd_unit(gd_mix64(h + 2));
            if ((x - vx) * (x - vx) + (y - vy) * (y - vy) < r * r)
                return 1;
        }
    return 0;
}

/* -------------------------------------------------------------- stars */

static double star_radius(const gd_blob *b, int n, double amp, int i)
{
    if (b->rad)
        return b->rad[((i % n) + n) % n];
    double t = 2.0 * GD_PI * i / n, s = 0;
    for (int k = 1; k <= 6; k++) {
        uint64_t h = gd_hash(b->key, 99, (uint64_t)k, 0, 0);
        double ak = (0.5 + 0.5 * gd_unit(h)) / k, ph = 2 * GD_PI * gd_unit(gd_mix64(h));
        s += ak * cos(k * t + ph);
    }
    /* sum of ak <= 1.225; scale so |s| <= 0.6 */
    s *= 0.6 / 1.225;
    double jit = n > 60 ? 0.04 * (gd_unit(gd_hash(b->key, 98, (uint64_t)(((i % n) + n) % n), 0, 0)) - 0.5) : 0;
    /* medium-frequency wiggle for long contours */
    double wig = n > 200 ? 0.05 * sin(37 * t + 3.1 * gd_unit(b->key)) + 0.03 * sin(91 * t) : 0;
    return b->r * (1.0 + amp * s + jit + wig);
}

int gd_star_ring(const gd_blob *b, int n, double amp, double *x, double *y)
{
    for (int i = 0; i < n; i++) {
        double t = 2.0 * GD_PI * i / n, r = star_radius(b, n, amp, i);
        x[i] = b->x + r * cos(t);
        y[i] = b->y + r * sin(t);
    }
    x[n] = x[0];
    y[n] = y[0];
    return n + 1;
}

void gd_star_vertex(const gd_blob *b, int n, double amp, int i, double *x, double *y)
{
    double t = 2.0 * GD_PI * i / n, r = star_radius(b, n, amp, i);
    *x = b->x + r * cos(t);
    *y = b->y + r * sin(t);
}

int gd_star_contains(const gd_blob *b, int n, double amp, double x, double y)
{
    double dx = x - b->x, dy = y - b->y;
    if (dx * dx + dy * dy > b->rmax * b->rmax * 1.0001)
        return 0;
    double t = atan2(dy, dx);
    if (t < 0)
        t += 2 * GD_PI;
    int i = (int)floor(t / (2 * GD_PI) * n);
    if (i >= n)
        i = n - 1;
    double t0 = 2.0 * GD_PI * i / n, t1 = 2.0 * GD_PI * (i + 1) / n;
    double r0 = star_radius(b, n, amp, i), r1 = star_radius(b, n, amp, i + 1);
    double ax = b->x + r0 * cos(t0), ay = b->y + r0 * sin(t0);
    double bx = b->x + r1 * cos(t1), by = b->y + r1 * sin(t1);
    /* inside when (x,y) is on the centre's side of the chord */
    return cross(ax, ay, bx, by, x, y) > 0;
}

static void star_range(gd_blob *b)
{
    b->rmin = 1e300;
    b->rmax = 0;
    for (int i = 0; i < b->nv; i++) {
        double r = star_radius(b, b->nv, b->amp, i);
        if (r < b->rmin) b->rmin = r;
        if (r > b->rmax) b->rmax = r;
    }
}

/* ------------------------------------------------------------- classes */

static int classify(const gd_world *w, double x, double y)
{
    if (elevation(w, x, y) > 0.5)
        return CL_FOREST;
    double u = urbanness(w, x, y);
    if (u > 0.5) {
        if (industry(w, x, y) > 0.5)
            return CL_IND;
        if (u > 0.88 && gd_fbm(w->seed, 14, x / 400.0, y / 400.0, 2) > 0.15)
            return CL_COM;
        return CL_RES;
    }
    if (village(w, x, y))
        return CL_VILLAGE;
    return CL_FARM;
}

static int mod(int a, int m) { return ((a % m) + m) % m; }

/* Line hierarchy: 3 arterial (every 1.6 km), 2 secondary (800 m), 1 branch
 * (400 m), 0 minor (the odd lines). */
static int line_kind(int g)
{
    return mod(g, 8) == 0 ? 3 : mod(g, 4) == 0 ? 2 : mod(g, 2) == 0 ? 1 : 0;
}

static int is_urban(int c) { return c == CL_RES || c == CL_COM || c == CL_IND; }

static int edge_road(const gd_world *w, int ca, int cb, int same_park, int kind, uint64_t h)
{
    if (ca == CL_NONE && cb == CL_NONE)
        return RC_NONE;
    if (same_park)
        return RC_NONE;
    double u = gd_unit(h);
    int quiet = (ca == CL_FOREST || ca == CL_PARK || ca == CL_NONE) &&
                (cb == CL_FOREST || cb == CL_PARK || cb == CL_NONE);
    int urban = is_urban(ca) || is_urban(cb);
    int vill = ca == CL_VILLAGE || cb == CL_VILLAGE;
    (void)w;
    switch (kind) {
    case 3:
        return quiet ? (u < 0.3 ? RC_ARTERIAL : RC_NONE) : RC_ARTERIAL;
    case 2:
        if (quiet)
            return u < 0.08 ? RC_SECONDARY : RC_NONE;
        return (urban || vill || u < 0.85) ? RC_SECONDARY : RC_NONE;
    case 1:
        if (quiet)
            return RC_NONE;
        if (urban)
            return u < 0.85 ? RC_BRANCH : RC_NONE;
        if (vill)
            return u < 0.9 ? RC_BRANCH : RC_NONE;
        return u < 0.9 ? RC_BRANCH : RC_NONE; /* farm roads (机耕路) */
    default:
        if ((ca == CL_RES || ca == CL_COM) && (cb == CL_RES || cb == CL_COM))
            return u < 0.3 ? RC_BRANCH : RC_NONE;
        if (is_urban(ca) && is_urban(cb))
            return u < 0.2 ? RC_BRANCH : RC_NONE;
        if (vill && !quiet)
            return u < 0.45 ? RC_BRANCH : RC_NONE;
        return u < 0.65 && !quiet ? RC_BRANCH : RC_NONE;
    }
}

static int edge_density(int c)
{
    switch (c) {
    case CL_RES: case CL_COM: return 2;
    case CL_IND: case CL_VILLAGE: case CL_FARM: return 1;
    default: return 0;
    }
}

static int npoints_for(int ca, int cb, int same_park, uint64_t h)
{
    if (same_park)
        return 0;
    int m = edge_density(ca) > edge_density(cb) ? edge_density(ca) : edge_density(cb);
    double u = gd_unit(h);
    if (m == 2)
        return u < 0.12 ? 0 : u < 0.55 ? 1 : 2;
    if (m == 1)
        return u < 0.4 ? 0 : 1;
    return 0;
}

/* --------------------------------------------------------------- build */

static int fail(gd_world *w, int status, const char *msg)
{
    snprintf(w->errmsg, sizeof w->errmsg, "%s", msg);
    return status;
}

/* A random cell of district d (h picks it). */
static int random_cell_of(const gd_world *w, int d, uint64_t h, int *out)
{
    const gd_district *D = &w->districts[d];
    long n = 0;
    for (int j = D->bj0; j <= D->bj1; j++)
        for (int i = D->bi0; i <= D->bi1; i++)
            n += w->dist[gd_cell(w, i, j)] == d;
    if (!n)
        return 0;
    long k = (long)(gd_unit(h) * n);
    for (int j = D->bj0; j <= D->bj1; j++)
        for (int i = D->bi0; i <= D->bi1; i++)
            if (w->dist[gd_cell(w, i, j)] == d && k-- == 0) {
                *out = (int)gd_cell(w, i, j);
                return 1;
            }
    return 0;
}

static int nearest_cell_of(const gd_world *w, int d, double x, double y, const uint8_t *taken)
{
    const gd_district *D = &w->districts[d];
    int best = -1;
    double bd = 1e300;
    for (int j = D->bj0; j <= D->bj1; j++)
        for (int i = D->bi0; i <= D->bi1; i++) {
            size_t c = gd_cell(w, i, j);
            if (w->dist[c] != d || (taken && taken[c]))
                continue;
            double cx, cy;
            gd_cell_centre(w, i, j, &cx, &cy);
            double dd = (cx - x) * (cx - x) + (cy - y) * (cy - y);
            if (dd < bd) {
                bd = dd;
                best = (int)c;
            }
        }
    return best;
}

/* Streets of district `d`: seeds, quota growth, fill, regularise.  Returns
 * 1 on success (every street non-empty and a simple ring), 0 to retry,
 * -1 when out of memory. */
static int build_streets(gd_world *w, int d, const dist_cfg *cfg, const float *carea,
                         int16_t *work, int attempt)
{
    gd_district *D = &w->districts[d];
    int k = D->nstreets, first = D->first_street;
    int bi0 = D->bi0, bj0 = D->bj0, bi1 = D->bi1, bj1 = D->bj1;
    for (int j = bj0; j <= bj1; j++)
        for (int i = bi0; i <= bi1; i++) {
            size_t c = gd_cell(w, i, j);
            work[c] = w->dist[c] == d ? LAB_FREE : LAB_FIXED;
        }
    grow_reg *reg = calloc((size_t)k, sizeof *reg);
    uint8_t *taken = calloc((size_t)w->nx * w->ny, 1);
    if (!reg || !taken) {
        free(reg);
        free(taken);
        return -1;
    }
    int licang = !strcmp(cfg->code, "370213");
    double wsum = 0;
    for (int s = 0; s < k; s++) {
        uint64_t h = gd_hash(w->seed, ST_STREETSEED, (uint64_t)d, (uint64_t)s, (uint64_t)attempt);
        double share = licang ? LICANG_SEEDS[s][2] : 0.6 + 0.8 * gd_unit(h);
        reg[s].quota = share;
        wsum += share;
        int c;
        if (licang && attempt == 0) {
            c = nearest_cell_of(w, d, D->cx + LICANG_SEEDS[s][0] * KM,
                                D->cy + LICANG_SEEDS[s][1] * KM, taken);
        } else if (s == 0) {
            if (!random_cell_of(w, d, h, &c))
                c = -1;
        } else {
            /* farthest point from the seeds so far, with a random tie-break */
            double bd = -1;
            c = -1;
            for (int j = bj0; j <= bj1; j++)
                for (int i = bi0; i <= bi1; i++) {
                    size_t cc = gd_cell(w, i, j);
                    if (w->dist[cc] != d || taken[cc])
                        continue;
                    double x, y, m = 1e300;
                    gd_cell_centre(w, i, j, &x, &y);
                    for (int t = 0; t < s; t++) {
                        double dd = hypot(x - reg[t].sx, y - reg[t].sy);
                        if (dd < m)
                            m = dd;
                    }
                    m *= 1.0 + 0.3 * gd_unit(gd_hash(w->seed, ST_STREETSEED, cc, (uint64_t)s,
                                                     (uint64_t)attempt + 7));
                    if (m > bd) {
                        bd = m;
                        c = (int)cc;
                    }
                }
        }
        if (c < 0) {
            free(reg);
            free(taken);
            return 0;
        }
        taken[c] = 1;
        reg[s].seed = c;
        gd_cell_centre(w, c % w->nx, c / w->nx, &reg[s].sx, &reg[s].sy);
    }
    for (int s = 0; s < k; s++) {
        reg[s].quota = reg[s].quota / wsum * D->area * 1.02;
        reg[s].R = sqrt(reg[s].quota / GD_PI);
        reg[s].area = 0;
    }
    int ok = grow(w, work, NULL, reg, k, 0.35, 1500.0, 100 + (uint64_t)d * 16 + (uint64_t)attempt,
                  carea);
    free(taken);
    free(reg);
    if (!ok)
        return -1;
    /* cells left when every neighbour hit its quota go to a neighbour */
    for (;;) {
        long left = 0, moved = 0;
        for (int j = bj0; j <= bj1; j++)
            for (int i = bi0; i <= bi1; i++) {
                size_t c = gd_cell(w, i, j);
                if (work[c] != LAB_FREE)
                    continue;
                left++;
                for (int dd = 0; dd < 4; dd++) {
                    int ni = i + DI[dd], nj = j + DJ[dd];
                    if (ni < bi0 || nj < bj0 || ni > bi1 || nj > bj1)
                        continue;
                    int16_t l = work[gd_cell(w, ni, nj)];
                    if (l >= 0) {
                        work[c] = (int16_t)(-100 - l); /* assigned after the pass */
                        moved++;
                        break;
                    }
                }
            }
        for (int j = bj0; j <= bj1; j++)
            for (int i = bi0; i <= bi1; i++) {
                size_t c = gd_cell(w, i, j);
                if (work[c] <= -100)
                    work[c] = (int16_t)(-100 - work[c]);
            }
        if (!left)
            break;
        if (!moved)
            return 0;
    }
    if (!regularize(w, work, k, bi0, bj0, bi1, bj1))
        return 0;
    for (int s = 0; s < k; s++) {
        double *x, *y;
        long n = gd_trace_region(w, work, s, &x, &y);
        free(x);
        free(y);
        if (n <= 0)
            return 0;
    }
    for (int j = bj0; j <= bj1; j++)
        for (int i = bi0; i <= bi1; i++) {
            size_t c = gd_cell(w, i, j);
            if (work[c] >= 0)
                w->street[c] = (int16_t)(first + work[c]);
        }
    return 1;
}

static void add_blob(gd_blob **v, int *n, gd_blob b)
{
    gd_blob *nv = realloc(*v, (size_t)(*n + 1) * sizeof *nv);
    if (!nv)
        return; /* checked by the caller through the count */
    nv[*n] = b;
    *v = nv;
    (*n)++;
}

/* UGBs: every urban cell belongs to the core that makes it urban; each
 * core's boundary is a star polygon through the farthest of its cells per
 * half-degree sector, widened, smoothed and given a margin. */
#define UGB_N 720
static int build_ugbs(gd_world *w)
{
    int nc = w->ncores;
    double *raw = calloc((size_t)nc * UGB_N, sizeof *raw);
    if (!raw)
        return 0;
    for (int j = 0; j < w->ny; j++)
        for (int i = 0; i < w->nx; i++) {
            int cl = w->cls[gd_cell(w, i, j)];
            if (!is_urban(cl) && cl != CL_PARK)
                continue;
            double x, y;
            gd_cell_centre(w, i, j, &x, &y);
            int best = -1;
            double bu = 0;
            for (int k = 0; k < nc; k++) {
                const gd_blob *c = &w->cores[k];
                double d2 = ((x - c->x) * (x - c->x) + (y - c->y) * (y - c->y)) / (c->r * c->r);
                double u = exp(-d2 * 0.69314718);
                if (u > bu) {
                    bu = u;
                    best = k;
                }
            }
            if (best < 0)
                continue;
            const gd_blob *c = &w->cores[best];
            double t = atan2(y - c->y, x - c->x);
            if (t < 0)
                t += 2 * GD_PI;
            int bin = (int)(t / (2 * GD_PI) * UGB_N) % UGB_N;
            double d = hypot(x - c->x, y - c->y) + 0.75 * w->a;
            double *r = &raw[(size_t)best * UGB_N];
            /* a cell covers a few sectors when it is near the centre */
            int spread = (int)ceil(atan2(0.75 * w->a, d) / (2 * GD_PI) * UGB_N);
            for (int q = -spread; q <= spread; q++) {
                int bb = ((bin + q) % UGB_N + UGB_N) % UGB_N;
                if (d > r[bb])
                    r[bb] = d;
            }
        }
    for (int k = 0; k < nc; k++) {
        gd_blob *u = &w->ugb[k];
        memset(u, 0, sizeof *u);
        u->x = w->cores[k].x;
        u->y = w->cores[k].y;
        u->r = w->cores[k].r;
        u->nv = UGB_N;
        u->rad = malloc(UGB_N * sizeof *u->rad);
        double *dil = malloc(UGB_N * sizeof *dil);
        if (!u->rad || !dil) {
            free(dil);
            free(raw);
            return 0;
        }
        const double *r = &raw[(size_t)k * UGB_N];
        for (int a = 0; a < UGB_N; a++) {
            double m = 0;
            for (int t = -5; t <= 5; t++)
                m = fmax(m, r[((a + t) % UGB_N + UGB_N) % UGB_N]);
            dil[a] = m;
        }
        for (int a = 0; a < UGB_N; a++) {
            double s = 0;
            for (int t = -5; t <= 5; t++)
                s += dil[((a + t) % UGB_N + UGB_N) % UGB_N];
            u->rad[a] = fmax(400.0, s / 11.0 + 100.0);
        }
        free(dil);
        star_range(u);
    }
    free(raw);
    return 1;
}

int gd_world_build(gd_world *w, gd_scale scale, uint64_t seed,
                   int (*tick)(void *user, double fraction), void *user)
{
    memset(w, 0, sizeof *w);
    w->scale = scale;
    w->seed = seed;
    w->a = 200.0;
    gd_names_init();

    /* districts of this scale */
    int nd = scale == GD_SCALE_S ? 1 : scale == GD_SCALE_M ? 5 : 10;
    w->ndistricts = nd;
    w->districts = calloc((size_t)nd, sizeof *w->districts);
    if (!w->districts)
        return fail(w, LG_ERR_NOMEM, "out of memory");
    double xmin = 1e300, ymin = 1e300, xmax = -1e300, ymax = -1e300;
    int nstreets = 0;
    for (int d = 0; d < nd; d++) {
        const dist_cfg *c = &DISTRICTS[d];
        gd_district *D = &w->districts[d];
        D->name = c->name;
        D->code = c->code;
        D->cx = X0 + c->x * KM;
        D->cy = Y0 + c->y * KM;
        D->target_m2 = (scale == GD_SCALE_S ? 98.7 : scale == GD_SCALE_M ? c->km2_m : c->km2_l) * 1e6;
        D->pop = c->pop_wan * 1e4;
        D->urban = c->urban;
        D->street_names = c->streets;
        int ns = 0;
        while (c->streets[ns])
            ns++;
        D->nstreets = ns;
        D->first_street = nstreets;
        nstreets += ns;
        double R = sqrt(D->target_m2 / GD_PI);
        xmin = fmin(xmin, D->cx - 1.9 * R - 3000);
        xmax = fmax(xmax, D->cx + 1.9 * R + 3000);
        ymin = fmin(ymin, D->cy - 1.9 * R - 3000);
        ymax = fmax(ymax, D->cy + 1.9 * R + 3000);
    }
    w->gi0 = (int)floor((xmin - X0) / w->a);
    w->gj0 = (int)floor((ymin - Y0) / w->a);
    w->nx = (int)ceil((xmax - X0) / w->a) - w->gi0;
    w->ny = (int)ceil((ymax - Y0) / w->a) - w->gj0;
    w->ox = X0 + w->gi0 * w->a;
    w->oy = Y0 + w->gj0 * w->a;
    size_t nn = (size_t)(w->nx + 1) * (w->ny + 1), nc = (size_t)w->nx * w->ny;
    w->xn = malloc(nn * sizeof *w->xn);
    w->yn = malloc(nn * sizeof *w->yn);
    w->dist = malloc(nc * sizeof *w->dist);
    w->street = malloc(nc * sizeof *w->street);
    w->cls = calloc(nc, 1);
    w->park = malloc(nc * sizeof *w->park);
    w->hroad = calloc((size_t)w->nx * (w->ny + 1), 1);
    w->vroad = calloc((size_t)(w->nx + 1) * w->ny, 1);
    w->hpts = calloc((size_t)w->nx * (w->ny + 1), 1);
    w->vpts = calloc((size_t)(w->nx + 1) * w->ny, 1);
    w->parcel_base = calloc(nc, sizeof *w->parcel_base);
    w->streets = calloc((size_t)nstreets, sizeof *w->streets);
    w->fac_cand = calloc((size_t)nstreets, sizeof *w->fac_cand);
    float *carea = malloc(nc * sizeof *carea);
    uint8_t *land = malloc(nc);
    int16_t *work = malloc(nc * sizeof *work);
    int rc = LG_OK;
    if (!w->xn || !w->yn || !w->dist || !w->street || !w->cls || !w->park || !w->hroad ||
        !w->vroad || !w->hpts || !w->vpts || !w->parcel_base || !w->streets || !w->fac_cand ||
        !carea || !land || !work) {
        rc = fail(w, LG_ERR_NOMEM, "out of memory");
        goto out;
    }
    w->nstreets = nstreets;

    /* nodes: a smooth warp (streets that bend gently) plus a small jitter */
    for (int j = 0; j <= w->ny; j++)
        for (int i = 0; i <= w->nx; i++) {
            int64_t gi = i + w->gi0, gj = j + w->gj0;
            double x = X0 + gi * w->a, y = Y0 + gj * w->a;
            uint64_t h = gd_hash(seed, ST_NODE, (uint64_t)gi, (uint64_t)gj, 0);
            double dx = 45.0 * gd_fbm(seed, 1, x / 3000.0, y / 3000.0, 2) +
                        0.08 * w->a * (2 * gd_unit(h) - 1);
            double dy = 45.0 * gd_fbm(seed, 2, x / 3000.0, y / 3000.0, 2) +
                        0.08 * w->a * (2 * gd_unit(gd_mix64(h)) - 1);
            size_t n = gd_node(w, i, j);
            /* on a 1/32 m grid (exact in binary): see gd_edge_points */
            w->xn[n] = round((x + dx) * 32.0) / 32.0;
            w->yn[n] = round((y + dy) * 32.0) / 32.0;
            /* no exactly vertical or horizontal lattice edge: a road lying
             * on an axis-parallel cut of a subdivided zone is counted twice
             * by tools that subdivide (the PostGIS peer's trap 3) */
            if (j > 0 && w->xn[n] == w->xn[gd_node(w, i, j - 1)])
                w->xn[n] += 1.0 / 32.0;
            if (i > 0 && w->yn[n] == w->yn[gd_node(w, i - 1, j)])
                w->yn[n] += 1.0 / 32.0;
        }
    for (int j = 0; j < w->ny; j++)
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            double x, y;
            gd_cell_centre(w, i, j, &x, &y);
            carea[c] = (float)cell_area(w, i, j);
            land[c] = !is_sea(seed, (x - X0) / KM, (y - Y0) / KM);
            w->dist[c] = LAB_FREE;
            w->street[c] = -1;
            w->park[c] = -1;
        }
    if (tick && !tick(user, 0.1)) {
        rc = fail(w, LG_ERR_CANCELLED, "cancelled");
        goto out;
    }

    /* districts: quota growth from the seeds, then regularised */
    {
        grow_reg *reg = calloc((size_t)nd, sizeof *reg);
        if (!reg) {
            rc = fail(w, LG_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (int d = 0; d < nd; d++) {
            gd_district *D = &w->districts[d];
            int ci, cj;
            if (!gd_cell_at(w, D->cx, D->cy, &ci, &cj)) {
                free(reg);
                rc = fail(w, LG_ERR_INTERNAL, "district seed off the lattice");
                goto out;
            }
            reg[d].seed = (int)gd_cell(w, ci, cj);
            reg[d].sx = D->cx;
            reg[d].sy = D->cy;
            reg[d].quota = D->target_m2;
            reg[d].R = sqrt(D->target_m2 / GD_PI);
            reg[d].aspect = DISTRICTS[d].aspect;
            reg[d].ca = cos(DISTRICTS[d].angle * GD_PI / 180.0);
            reg[d].sa = sin(DISTRICTS[d].angle * GD_PI / 180.0);
        }
        int ok = grow(w, w->dist, land, reg, nd, 0.6, 3500.0, 7, carea);
        free(reg);
        if (!ok) {
            rc = fail(w, LG_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (!regularize(w, w->dist, nd, 0, 0, w->nx - 1, w->ny - 1)) {
            rc = fail(w, LG_ERR_INTERNAL, "district outlines could not be regularised");
            goto out;
        }
        for (int d = 0; d < nd; d++) {
            gd_district *D = &w->districts[d];
            D->bi0 = w->nx;
            D->bj0 = w->ny;
            D->bi1 = D->bj1 = -1;
        }
        for (int j = 0; j < w->ny; j++)
            for (int i = 0; i < w->nx; i++) {
                size_t c = gd_cell(w, i, j);
                if (w->dist[c] < 0)
                    continue;
                gd_district *D = &w->districts[w->dist[c]];
                D->area += carea[c];
                if (i < D->bi0) D->bi0 = i;
                if (j < D->bj0) D->bj0 = j;
                if (i > D->bi1) D->bi1 = i;
                if (j > D->bj1) D->bj1 = j;
            }
        for (int d = 0; d < nd; d++) {
            double *x, *y;
            long n = gd_trace_region(w, w->dist, d, &x, &y);
            free(x);
            free(y);
            if (n <= 0) {
                rc = fail(w, LG_ERR_INTERNAL, "a district outline is not a simple ring");
                goto out;
            }
            w->city_area += w->districts[d].area;
        }
    }
    if (tick && !tick(user, 0.3)) {
        rc = fail(w, LG_ERR_CANCELLED, "cancelled");
        goto out;
    }

    /* streets */
    for (size_t c = 0; c < nc; c++)
        work[c] = LAB_FIXED;
    for (int d = 0; d < nd; d++) {
        gd_district *D = &w->districts[d];
        for (int s = 0; s < D->nstreets; s++) {
            gd_street *S = &w->streets[D->first_street + s];
            snprintf(S->name, sizeof S->name, "%s", D->street_names[s]);
            snprintf(S->code, sizeof S->code, "%s%03d", D->code, s + 1);
            S->district = d;
        }
        int done = 0;
        for (int attempt = 0; attempt < 12 && !done; attempt++) {
            int r = build_streets(w, d, &DISTRICTS[d], carea, work, attempt);
            for (int j = D->bj0; j <= D->bj1; j++)
                for (int i = D->bi0; i <= D->bi1; i++)
                    work[gd_cell(w, i, j)] = LAB_FIXED;
            if (r < 0) {
                rc = fail(w, LG_ERR_NOMEM, "out of memory");
                goto out;
            }
            done = r;
        }
        if (!done) {
            rc = fail(w, LG_ERR_INTERNAL, "street outlines could not be regularised");
            goto out;
        }
    }
    for (size_t c = 0; c < nc; c++)
        if (w->street[c] >= 0)
            w->streets[w->street[c]].area += carea[c];
    if (tick && !tick(user, 0.5)) {
        rc = fail(w, LG_ERR_CANCELLED, "cancelled");
        goto out;
    }

    /* fields: hills, urban cores, industrial clusters */
    for (int d = 0; d < nd; d++) {
        gd_district *D = &w->districts[d];
        const dist_cfg *c = &DISTRICTS[d];
        double R = sqrt(D->area / GD_PI);
        if (!strcmp(c->code, "370213")) {
            for (size_t k = 0; k < sizeof LICANG_HILLS / sizeof LICANG_HILLS[0]; k++)
                add_blob(&w->hills, &w->nhills,
                         (gd_blob){.x = D->cx + LICANG_HILLS[k][0] * KM,
                                   .y = D->cy + LICANG_HILLS[k][1] * KM,
                                   .r = LICANG_HILLS[k][2] * KM, .h = LICANG_HILLS[k][3],
                                   .kind = k < 2, .name = GD_HILL_NAMES[k]});
            for (size_t k = 0; k < sizeof LICANG_INDUSTRY / sizeof LICANG_INDUSTRY[0]; k++)
                add_blob(&w->clusters, &w->nclusters,
                         (gd_blob){.x = D->cx + LICANG_INDUSTRY[k][0] * KM,
                                   .y = D->cy + LICANG_INDUSTRY[k][1] * KM,
                                   .r = LICANG_INDUSTRY[k][2] * KM});
        } else {
            if (!strcmp(c->code, "370212")) { /* 崂山 */
                add_blob(&w->hills, &w->nhills,
                         (gd_blob){.x = X0 + 24 * KM, .y = Y0 - 3 * KM, .r = 7 * KM, .h = 1.3,
                                   .kind = 1, .name = "崂山"});
            }
            int nh = (int)(D->area / 150e6) + 1;
            for (int k = 0; k < nh; k++) {
                uint64_t h = gd_hash(seed, ST_HILL, (uint64_t)d, (uint64_t)k, 0);
                int cell;
                if (!random_cell_of(w, d, h, &cell))
                    continue;
                double x, y;
                gd_cell_centre(w, cell % w->nx, cell / w->nx, &x, &y);
                double r = fmin((0.8 + 2.4 * gd_unit(gd_mix64(h))) * KM, 0.25 * R);
                add_blob(&w->hills, &w->nhills,
                         (gd_blob){.x = x, .y = y, .r = r, .h = 0.85 + 0.35 * gd_unit(gd_mix64(h + 7)),
                                   .kind = r > 1200,
                                   .name = GD_HILL_NAMES[(5 + w->nhills) % GD_NHILL_NAMES]});
            }
            int ncl = (int)(D->area / 90e6) + 1;
            for (int k = 0; k < ncl; k++) {
                uint64_t h = gd_hash(seed, ST_INDUSTRY, (uint64_t)d, (uint64_t)k, 0);
                double ang = 2 * GD_PI * gd_unit(h),
                       dist = c->core_rf * R * 0.7 * sqrt(gd_unit(gd_mix64(h)));
                add_blob(&w->clusters, &w->nclusters,
                         (gd_blob){.x = D->cx + c->core_dx * KM + dist * cos(ang),
                                   .y = D->cy + c->core_dy * KM + dist * sin(ang),
                                   .r = (0.5 + 1.2 * gd_unit(gd_mix64(h + 9))) * KM});
            }
        }
        D->core = w->ncores;
        add_blob(&w->cores, &w->ncores,
                 (gd_blob){.x = D->cx + c->core_dx * KM, .y = D->cy + c->core_dy * KM,
                           .r = c->core_rf * R, .h = 1.0, .name = D->name});
        if (!c->urban) { /* towns */
            int nt = (int)(D->area / 160e6) + 1;
            for (int k = 0; k < nt; k++) {
                uint64_t h = gd_hash(seed, ST_CORE, (uint64_t)d, (uint64_t)k, 0);
                int cell;
                if (!random_cell_of(w, d, h, &cell))
                    continue;
                double x, y;
                gd_cell_centre(w, cell % w->nx, cell / w->nx, &x, &y);
                add_blob(&w->cores, &w->ncores,
                         (gd_blob){.x = x, .y = y, .r = (1.0 + 1.5 * gd_unit(gd_mix64(h))) * KM,
                                   .h = 1.0, .name = D->name});
                /* an industrial park next to most towns */
                if (gd_unit(gd_mix64(h + 5)) < 0.7)
                    add_blob(&w->clusters, &w->nclusters,
                             (gd_blob){.x = x + 900 * cos(7.0 * gd_unit(gd_mix64(h + 3))),
                                       .y = y + 900 * sin(7.0 * gd_unit(gd_mix64(h + 3))),
                                       .r = (0.5 + 0.6 * gd_unit(gd_mix64(h + 11))) * KM});
            }
        }
    }
    if (!w->hills || !w->cores || !w->clusters) {
        rc = fail(w, LG_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (int j = 0; j < w->ny; j++)
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            if (w->dist[c] < 0)
                continue;
            double x, y;
            gd_cell_centre(w, i, j, &x, &y);
            w->cls[c] = (uint8_t)classify(w, x, y);
        }

    /* large parks: rectangles of cells inside 4x4 superblocks of urban cells,
     * and hilltop parks on forest edges */
    for (int sj = mod(-w->gj0, 4); sj + 4 <= w->ny; sj += 4)
        for (int si = mod(-w->gi0, 4); si + 4 <= w->nx; si += 4) {
            int nurb = 0, nfor = 0, nout = 0;
            for (int j = sj; j < sj + 4; j++)
                for (int i = si; i < si + 4; i++) {
                    int cl = w->cls[gd_cell(w, i, j)];
                    nurb += cl == CL_RES || cl == CL_COM;
                    nfor += cl == CL_FOREST;
                    nout += cl == CL_NONE || cl == CL_IND;
                }
            if (nout > (nurb >= 14 ? 2 : 0))
                continue;
            uint64_t h = gd_hash(seed, ST_PARK, (uint64_t)(si + w->gi0), (uint64_t)(sj + w->gj0), 0);
            double u = gd_unit(h);
            int kind;
            if (nurb >= 14 && u < 0.12)
                kind = 0;
            else if (nfor >= 4 && nurb >= 4 && u < 0.3)
                kind = 3;
            else
                continue;
            int gw = 1 + (int)(gd_unit(gd_mix64(h + 3)) * 4), gh = 1 + (int)(gd_unit(gd_mix64(h + 13)) * 3);
            if (gw * gh > 12)
                gw = 12 / gh;
            int oi = (int)(gd_unit(gd_mix64(h + 23)) * (4 - gw + 1)), oj = (int)(gd_unit(gd_mix64(h + 33)) * (4 - gh + 1));
            int g = w->npark_groups;
            gd_park_group *pg = realloc(w->park_groups, (size_t)(g + 1) * sizeof *pg);
            if (!pg) {
                rc = fail(w, LG_ERR_NOMEM, "out of memory");
                goto out;
            }
            w->park_groups = pg;
            /* a park must stay inside one street (so it nests) */
            int st = w->street[gd_cell(w, si + oi, sj + oj)], same = 1;
            for (int j = sj + oj; j < sj + oj + gh; j++)
                for (int i = si + oi; i < si + oi + gw; i++)
                    same &= w->street[gd_cell(w, i, j)] == st;
            if (!same)
                continue;
            pg[g] = (gd_park_group){si + oi, sj + oj, gw, gh,
                                    kind == 0 ? (gw * gh >= 3 ? 0 : 3) : 3};
            for (int j = sj + oj; j < sj + oj + gh; j++)
                for (int i = si + oi; i < si + oi + gw; i++) {
                    size_t c = gd_cell(w, i, j);
                    w->cls[c] = CL_PARK;
                    w->park[c] = g;
                }
            w->npark_groups++;
        }

    /* edges: road classes and parcel cut points */
    for (int j = 0; j <= w->ny; j++)
        for (int i = 0; i < w->nx; i++) { /* horizontal edge: cells (i,j) above, (i,j-1) below */
            int ca = gd_cls(w, i, j), cb = gd_cls(w, i, j - 1);
            int pa = j < w->ny ? w->park[gd_cell(w, i, j)] : -1;
            int pb = j > 0 ? w->park[gd_cell(w, i, j - 1)] : -1;
            int same = pa >= 0 && pa == pb;
            int gi = i + w->gi0, gj = j + w->gj0;
            uint64_t h = gd_hash(seed, ST_ROAD, 1, (uint64_t)(int64_t)gi, (uint64_t)(int64_t)gj);
            int rc2 = edge_road(w, ca, cb, same, line_kind(gj), h);
            if (rc2 == RC_ARTERIAL &&
                gd_unit(gd_hash(seed, ST_ROAD, 11, (uint64_t)(int64_t)gj,
                                (uint64_t)(int64_t)((gi - mod(gi, 40)) / 40))) < 0.3)
                rc2 |= RF_PAIRED;
            if ((rc2 & 7) == RC_BRANCH && line_kind(gj) == 0 &&
                gd_unit(gd_hash(seed, ST_ROAD, 12, (uint64_t)(int64_t)gj,
                                (uint64_t)(int64_t)((gi - mod(gi, 5)) / 5))) < 0.12)
                rc2 |= RF_ONEWAY;
            w->hroad[(size_t)j * w->nx + i] = (uint8_t)rc2;
            w->hpts[(size_t)j * w->nx + i] = (uint8_t)npoints_for(
                ca, cb, same, gd_hash(seed, ST_EDGE, 7, (uint64_t)(int64_t)gi, (uint64_t)(int64_t)gj));
        }
    for (int j = 0; j < w->ny; j++)
        for (int i = 0; i <= w->nx; i++) { /* vertical edge: cells (i-1,j) left, (i,j) right */
            int ca = gd_cls(w, i - 1, j), cb = gd_cls(w, i, j);
            int pa = i > 0 ? w->park[gd_cell(w, i - 1, j)] : -1;
            int pb = i < w->nx ? w->park[gd_cell(w, i, j)] : -1;
            int same = pa >= 0 && pa == pb;
            int gi = i + w->gi0, gj = j + w->gj0;
            uint64_t h = gd_hash(seed, ST_ROAD, 2, (uint64_t)(int64_t)gi, (uint64_t)(int64_t)gj);
            int rc2 = edge_road(w, ca, cb, same, line_kind(gi), h);
            if (rc2 == RC_ARTERIAL &&
                gd_unit(gd_hash(seed, ST_ROAD, 13, (uint64_t)(int64_t)gi,
                                (uint64_t)(int64_t)((gj - mod(gj, 40)) / 40))) < 0.3)
                rc2 |= RF_PAIRED;
            if ((rc2 & 7) == RC_BRANCH && line_kind(gi) == 0 &&
                gd_unit(gd_hash(seed, ST_ROAD, 14, (uint64_t)(int64_t)gi,
                                (uint64_t)(int64_t)((gj - mod(gj, 5)) / 5))) < 0.12)
                rc2 |= RF_ONEWAY;
            w->vroad[(size_t)j * (w->nx + 1) + i] = (uint8_t)rc2;
            w->vpts[(size_t)j * (w->nx + 1) + i] = (uint8_t)npoints_for(
                ca, cb, same, gd_hash(seed, ST_EDGE, 8, (uint64_t)(int64_t)gi, (uint64_t)(int64_t)gj));
        }
    if (tick && !tick(user, 0.7)) {
        rc = fail(w, LG_ERR_CANCELLED, "cancelled");
        goto out;
    }

    /* control-line shapes: red lines on the hills, farmland blobs, UGBs */
    for (int k = 0; k < w->nhills; k++) {
        const gd_blob *h = &w->hills[k];
        if (!h->kind)
            continue;
        uint64_t key = gd_hash(seed, ST_REDLINE, (uint64_t)k, 0, 0);
        gd_blob red = {.x = h->x, .y = h->y, .r = 0.8 * h->r, .key = key, .amp = 0.35,
                       .nv = 1000 + (int)(gd_unit(key) * 4001), .name = h->name};
        /* the first red line has holes (villages, a reservoir); others may */
        red.nholes = w->nred == 0 ? 1 + (int)(gd_unit(gd_mix64(key + 9)) * 3) : (int)(gd_unit(gd_mix64(key + 9)) * 4);
        star_range(&red);
        add_blob(&w->red, &w->nred, red);
    }
    {
        /* S has little farmland: denser clusters there */
        double p = scale == GD_SCALE_S ? 0.04 : 0.007;
        for (int j = 0; j < w->ny; j++)
            for (int i = 0; i < w->nx; i++) {
                size_t c = gd_cell(w, i, j);
                if (w->cls[c] != CL_FARM)
                    continue;
                uint64_t h = gd_hash(seed, ST_FARM, (uint64_t)(i + w->gi0), (uint64_t)(j + w->gj0), 0);
                if (gd_unit(h) >= p)
                    continue;
                double x, y;
                gd_cell_centre(w, i, j, &x, &y);
                int nb = 2 + (int)(gd_unit(gd_mix64(h + 5)) * 2.0);
                double r = 250 + 450 * gd_unit(gd_mix64(h + 15));
                for (int b = 0; b < nb; b++) {
                    uint64_t hb = gd_mix64(h + (uint64_t)b * 77);
                    gd_blob blob = {.x = x + (b ? r * 0.6 * cos(6.28 * gd_unit(hb)) : 0),
                                    .y = y + (b ? r * 0.6 * sin(6.28 * gd_unit(hb)) : 0),
                                    .r = r * (0.6 + 0.5 * gd_unit(gd_mix64(hb + 8))),
                                    .key = hb, .amp = 0.4,
                                    .nv = 48 + (int)(gd_unit(gd_mix64(hb + 20)) * 112)};
                    star_range(&blob);
                    add_blob(&w->farm, &w->nfarm, blob);
                }
            }
    }
    w->ugb = calloc((size_t)w->ncores, sizeof *w->ugb);
    if (!w->ugb) {
        rc = fail(w, LG_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (!build_ugbs(w)) {
        rc = fail(w, LG_ERR_NOMEM, "out of memory");
        goto out;
    }

    /* the setup pass: parcel ids, residential area per street, candidates */
    {
        uint32_t id = 1;
        gd_parcel *p = malloc(GD_MAXP * sizeof *p);
        if (!p) {
            rc = fail(w, LG_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (int j = 0; j < w->ny; j++)
            for (int i = 0; i < w->nx; i++) {
                size_t c = gd_cell(w, i, j);
                w->parcel_base[c] = id;
                if (w->dist[c] < 0)
                    continue;
                int n = gd_cell_parcels(w, i, j, p);
                id += (uint32_t)n;
                gd_street *S = &w->streets[w->street[c]];
                int cl = w->cls[c];
                if (is_urban(cl) || cl == CL_PARK)
                    w->urban_area += carea[c];
                for (int k = 0; k < n; k++) {
                    if (p[k].code == 'R')
                        S->res_area += p[k].area;
                    if ((p[k].code == 'R' || p[k].code == 'U' || p[k].code == 'B') && cl != CL_FARM)
                        w->fac_cand[w->street[c]]++;
                }
            }
        free(p);
        w->nparcels = id - 1;
    }
    /* populations: by residential area, ±25 % */
    for (int d = 0; d < nd; d++) {
        gd_district *D = &w->districts[d];
        double tot = 0;
        for (int s = 0; s < D->nstreets; s++) {
            gd_street *S = &w->streets[D->first_street + s];
            double f = 0.75 + 0.5 * gd_unit(gd_hash(seed, ST_POP, (uint64_t)d, (uint64_t)s, 0));
            S->pop = (S->res_area + 0.02 * S->area) * f;
            tot += S->pop;
        }
        double sum = 0;
        for (int s = 0; s < D->nstreets; s++) {
            gd_street *S = &w->streets[D->first_street + s];
            S->pop = round(S->pop / (tot > 0 ? tot : 1) * D->pop);
            sum += S->pop;
        }
        D->pop = sum;
    }
    if (tick && !tick(user, 1.0)) {
        rc = fail(w, LG_ERR_CANCELLED, "cancelled");
        goto out;
    }
out:
    free(carea);
    free(land);
    free(work);
    return rc;
}

void gd_world_free(gd_world *w)
{
    free(w->xn);
    free(w->yn);
    free(w->dist);
    free(w->street);
    free(w->cls);
    free(w->park);
    free(w->hroad);
    free(w->vroad);
    free(w->hpts);
    free(w->vpts);
    free(w->parcel_base);
    free(w->districts);
    free(w->streets);
    free(w->fac_cand);
    free(w->hills);
    free(w->cores);
    free(w->clusters);
    free(w->farm);
    free(w->red);
    if (w->ugb)
        for (int k = 0; k < w->ncores; k++)
            free(w->ugb[k].rad);
    free(w->ugb);
    free(w->park_groups);
    memset(w, 0, sizeof *w);
}
