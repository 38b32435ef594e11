/* geodemo: the layers.  Each job writes one layer by walking the world in
 * a fixed order and calling the pure functions of demo_parcels.c, so jobs
 * are independent of each other and of the thread they run on.  Layer and
 * field names follow ../shared/peers/README.md where it names them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo_internal.h"

#define GD_PI 3.14159265358979323846
#define DATA_DATE_Y 2024
#define DATA_DATE_M 6
#define DATA_DATE_D 30

static const char *const PARK_KINDS[] = {"综合公园", "社区公园", "口袋公园", "专类公园", "游园"};

#define F_STR(n, w, u, d) {n, GF_STR, w, 0, u, d}
#define F_INT(n, u, d) {n, GF_INT, 10, 0, u, d}
#define F_REAL(n, w, p, u, d) {n, GF_REAL, w, p, u, d}
#define F_DATE(n, d) {n, GF_DATE, 0, 0, "", d}
#define NF(a) ((int)(sizeof a / sizeof a[0]))

/* ---------------------------------------------------------------- helpers */

static double ring_area(int n, const double *x, const double *y)
{
    double s = 0;
    for (int k = 0; k + 1 < n; k++)
        s += x[k] * y[k + 1] - x[k + 1] * y[k];
    return 0.5 * s;
}

static int tick_rows(gd_job *job, int j, int ny)
{
    if ((j & 15) == 0 && job->tick && !job->tick(job, (double)j / ny)) {
        snprintf(job->err, sizeof job->err, "cancelled");
        return 0;
    }
    return 1;
}

static void syllables(gd_rng *r, char *buf, size_t len)
{
    const char *a = GD_SYLLABLES[gd_rng_int(r, GD_NSYLLABLES)];
    const char *b = GD_SYLLABLES[gd_rng_int(r, GD_NSYLLABLES)];
    snprintf(buf, len, "%s%s", a, b);
}

/* the district name without its 区/市 suffix */
static const char *district_name_at(const gd_world *w, double x, double y)
{
    int i, j;
    if (gd_cell_at(w, x, y, &i, &j) && w->dist[gd_cell(w, i, j)] >= 0)
        return w->districts[w->dist[gd_cell(w, i, j)]].name;
    double bd = 1e300;
    const char *name = w->districts[0].name;
    for (int d = 0; d < w->ndistricts; d++) {
        double dd = hypot(w->districts[d].cx - x, w->districts[d].cy - y);
        if (dd < bd) {
            bd = dd;
            name = w->districts[d].name;
        }
    }
    return name;
}

static const char *district_code_at(const gd_world *w, double x, double y)
{
    const char *name = district_name_at(w, x, y);
    for (int d = 0; d < w->ndistricts; d++)
        if (w->districts[d].name == name)
            return w->districts[d].code;
    return w->districts[0].code;
}

/* ------------------------------------------------- zone outlines */

/* The outline of region `label` as one ring (the caller frees x and y, or
 * hands them to emit_outline), or <= 0 with job->err set. */
static long trace_outline(const gd_world *w, const int16_t *labels, int label, const char *what,
                          gd_job *job, double **x, double **y)
{
    long n = gd_trace_region(w, labels, label, x, y);
    if (n <= 0)
        snprintf(job->err, sizeof job->err, "%s %d has no simple outline", what, label);
    return n;
}

/* Planar area of an outline in km², rounded to 1e-6 km² (1 m²). */
static double outline_km2(long n, const double *x, const double *y)
{
    return round(ring_area((int)n, x, y) / 1e6 * 1e6) / 1e6;
}

/* Write an outline as the current feature's polygon and free it. */
static int emit_outline(gd_writer *wr, long n, double *x, double *y)
{
    int rc = gd_emit_ring(wr, (int)n, x, y);
    free(x);
    free(y);
    return rc;
}

/* ---------------------------------------------------------- districts */

static const gd_field DISTRICT_FIELDS[] = {
    F_STR("name", 40, "", "district name (区/市)"),
    F_STR("code", 12, "", "administrative division code (6 digits)"),
    F_INT("pop", "persons", "resident population (synthetic)"),
    F_REAL("area_km2", 14, 6, "km2", "planar area in EPSG:4549"),
};

static int run_districts(const gd_world *w, gd_writer *wr, gd_job *job)
{
    for (int d = 0; d < w->ndistricts; d++) {
        double *x, *y;
        long n = trace_outline(w, w->dist, d, "district", job, &x, &y);
        if (n <= 0)
            return -1;
        const gd_district *D = &w->districts[d];
        gd_set_str(wr, 0, D->name);
        gd_set_str(wr, 1, D->code);
        gd_set_int(wr, 2, (long long)D->pop);
        gd_set_real(wr, 3, outline_km2(n, x, y));
        if (emit_outline(wr, n, x, y))
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ streets */

static const gd_field STREET_FIELDS[] = {
    F_STR("name", 48, "", "street (街道) or town (镇) name"),
    F_STR("code", 12, "", "township code: district code + 3 digits"),
    F_STR("district", 40, "", "district name"),
    F_STR("dcode", 12, "", "district code"),
    F_INT("pop", "persons", "resident population (synthetic, by residential land)"),
    F_REAL("area_km2", 14, 6, "km2", "planar area in EPSG:4549"),
};

static int run_streets(const gd_world *w, gd_writer *wr, gd_job *job)
{
    for (int s = 0; s < w->nstreets; s++) {
        double *x, *y;
        long n = trace_outline(w, w->street, s, "street", job, &x, &y);
        if (n <= 0)
            return -1;
        const gd_street *S = &w->streets[s];
        const gd_district *D = &w->districts[S->district];
        gd_set_str(wr, 0, S->name);
        gd_set_str(wr, 1, S->code);
        gd_set_str(wr, 2, D->name);
        gd_set_str(wr, 3, D->code);
        gd_set_int(wr, 4, (long long)S->pop);
        gd_set_real(wr, 5, outline_km2(n, x, y));
        if (emit_outline(wr, n, x, y))
            return -1;
        if (job->tick && !job->tick(job, (double)(s + 1) / w->nstreets))
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ landuse */

static const gd_field LANDUSE_FIELDS[] = {
    F_INT("id", "", "parcel id (enterprises.parcel_id, buildings.parcel_id, supply.parcel_id)"),
    F_STR("code", 2, "", "land use: R residential, M industrial, B commercial, G green, "
                         "F forest, A farmland, U other"),
    F_STR("class_cn", 40, "", "land use in Chinese"),
    F_REAL("area_m2", 14, 2, "m2", "planar area"),
    F_STR("dcode", 8, "", "district code"),
    F_STR("scode", 12, "", "street code"),
    F_STR("status", 12, "", "在用 in use, 闲置 idle, 在建 under construction"),
    F_REAL("tax_wan", 14, 2, "万元/yr",
           "tax paid by the enterprises on the parcel; NULL when none reported (non-industrial, "
           "idle, or not reported)"),
    F_REAL("output_wan", 16, 2, "万元/yr", "industrial output of the enterprises"),
    F_REAL("energy_tce", 14, 2, "tce/yr", "energy use of the enterprises"),
    {"employees", GF_INT, 10, 0, "persons", "employees of the enterprises"},
    F_REAL("far", 8, 2, "", "floor area ratio (容积率) from the buildings layer"),
    F_REAL("bldg_m2", 14, 2, "m2", "building footprint (建筑系数 = bldg_m2 / area_m2)"),
};

static double add_nullable(double acc, double v, int *any)
{
    if (isnan(v))
        return acc;
    *any = 1;
    return acc + v;
}

static int run_landuse(const gd_world *w, gd_writer *wr, gd_job *job)
{
    static const char *const STATUS[] = {"在用", "闲置", "在建"};
    gd_parcel p[GD_MAXP];
    gd_enterprise e[GD_MAXE];
    gd_building b[GD_MAXB];
    for (int j = 0; j < w->ny; j++) {
        if (!tick_rows(job, j, w->ny))
            return -1;
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            if (w->dist[c] < 0)
                continue;
            int n = gd_cell_parcels(w, i, j, p);
            const gd_street *S = &w->streets[w->street[c]];
            for (int k = 0; k < n; k++) {
                gd_set_int(wr, 0, p[k].id);
                char code[2] = {p[k].code, 0};
                gd_set_str(wr, 1, code);
                gd_set_str(wr, 2, gd_class_cn(p[k].code));
                gd_set_real(wr, 3, round(p[k].area * 100.0) / 100.0);
                gd_set_str(wr, 4, w->districts[w->dist[c]].code);
                gd_set_str(wr, 5, S->code);
                gd_set_str(wr, 6, STATUS[gd_parcel_status(w, c, k, &p[k])]);
                if (p[k].code == 'M') {
                    int ne = gd_parcel_enterprises(w, c, k, &p[k], e);
                    int at = 0, ao = 0, ae = 0, am = 0;
                    double tax = 0, out = 0, en = 0, emp = 0;
                    for (int q = 0; q < ne; q++) {
                        tax = add_nullable(tax, e[q].tax_wan, &at);
                        out = add_nullable(out, e[q].output_wan, &ao);
                        en = add_nullable(en, e[q].energy_tce, &ae);
                        emp = add_nullable(emp, e[q].employees, &am);
                    }
                    gd_set_real(wr, 7, at ? round(tax * 100) / 100 : NAN);
                    gd_set_real(wr, 8, ao ? round(out * 100) / 100 : NAN);
                    gd_set_real(wr, 9, ae ? round(en * 100) / 100 : NAN);
                    if (am)
                        gd_set_int(wr, 10, (long long)emp);
                    else
                        gd_set_null(wr, 10);
                } else {
                    gd_set_null(wr, 7);
                    gd_set_null(wr, 8);
                    gd_set_null(wr, 9);
                    gd_set_null(wr, 10);
                }
                int nb = gd_parcel_buildings(w, c, k, &p[k], b);
                double floor = 0, foot = 0;
                for (int q = 0; q < nb; q++) {
                    floor += b[q].area * b[q].floors;
                    foot += b[q].area;
                }
                gd_set_real(wr, 11, round(floor / p[k].area * 100.0) / 100.0);
                gd_set_real(wr, 12, round(foot * 100.0) / 100.0);
                if (gd_emit_ring(wr, p[k].n, p[k].x, p[k].y))
                    return -1;
            }
        }
    }
    return 0;
}

/* -------------------------------------------------------- enterprises */

static const gd_field ENTERPRISE_FIELDS[] = {
    F_INT("id", "", "enterprise id"),
    F_STR("name", 80, "", "enterprise name (synthetic)"),
    F_STR("uscc", 20, "", "unified social credit code (synthetic)"),
    F_STR("industry", 24, "", "industry"),
    F_STR("size", 8, "", "规上 above designated size (revenue >= 2000 万元) or 规下"),
    F_INT("parcel_id", "", "landuse.id of the parcel it stands on"),
    F_STR("dcode", 8, "", "district code"),
    F_STR("scode", 12, "", "street code"),
    F_STR("street", 40, "", "street name"),
    F_REAL("tax_wan", 14, 2, "万元/yr", "tax paid (NULL: not reported; 0: none paid)"),
    F_REAL("output_wan", 16, 2, "万元/yr", "industrial output value (产值)"),
    F_REAL("revenue", 16, 2, "万元/yr", "main business revenue (营业收入)"),
    F_REAL("va_wan", 16, 2, "万元/yr", "value added (增加值)"),
    F_REAL("energy_tce", 14, 2, "tce/yr", "energy use, tonnes of coal equivalent"),
    F_REAL("emis_t", 12, 3, "t/yr", "main pollutant emissions"),
    F_REAL("rd_wan", 14, 2, "万元/yr", "R&D spending"),
    {"employees", GF_INT, 10, 0, "persons", "employees (全员)"},
    F_REAL("cert_m2", 14, 2, "m2", "land area on the land-use certificate (may differ from GIS)"),
    {"start_year", GF_INT, 4, 0, "", "year production started"},
};

static int run_enterprises(const gd_world *w, gd_writer *wr, gd_job *job)
{
    gd_parcel p[GD_MAXP];
    gd_enterprise e[GD_MAXE];
    long long id = 1;
    for (int j = 0; j < w->ny; j++) {
        if (!tick_rows(job, j, w->ny))
            return -1;
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            if (w->dist[c] < 0 || (w->cls[c] != CL_IND && w->cls[c] != CL_VILLAGE))
                continue;
            int n = gd_cell_parcels(w, i, j, p);
            const gd_street *S = &w->streets[w->street[c]];
            for (int k = 0; k < n; k++) {
                int ne = gd_parcel_enterprises(w, c, k, &p[k], e);
                for (int q = 0; q < ne; q++) {
                    gd_set_int(wr, 0, id++);
                    gd_set_str(wr, 1, e[q].name);
                    gd_set_str(wr, 2, e[q].uscc);
                    gd_set_str(wr, 3, e[q].industry);
                    gd_set_str(wr, 4, e[q].above ? "规上" : "规下");
                    gd_set_int(wr, 5, p[k].id);
                    gd_set_str(wr, 6, w->districts[w->dist[c]].code);
                    gd_set_str(wr, 7, S->code);
                    gd_set_str(wr, 8, S->name);
                    gd_set_real(wr, 9, e[q].tax_wan);
                    gd_set_real(wr, 10, e[q].output_wan);
                    gd_set_real(wr, 11, e[q].revenue_wan);
                    gd_set_real(wr, 12, e[q].va_wan);
                    gd_set_real(wr, 13, e[q].energy_tce);
                    gd_set_real(wr, 14, e[q].emis_t);
                    gd_set_real(wr, 15, e[q].rd_wan);
                    if (isnan(e[q].employees))
                        gd_set_null(wr, 16);
                    else
                        gd_set_int(wr, 16, (long long)e[q].employees);
                    gd_set_real(wr, 17, e[q].cert_m2);
                    gd_set_int(wr, 18, e[q].start_year);
                    if (gd_emit_point(wr, e[q].x, e[q].y))
                        return -1;
                }
            }
        }
    }
    return 0;
}

/* ---------------------------------------------------------- buildings */

static const gd_field BUILDING_FIELDS[] = {
    F_INT("id", "", "building id"),
    F_INT("parcel_id", "", "landuse.id"),
    F_INT("floors", "", "floors above ground"),
    F_REAL("height_m", 8, 1, "m", "height"),
    F_STR("use", 16, "", "住宅 / 商业 / 工业 / 公共设施"),
    F_REAL("area_m2", 12, 2, "m2", "footprint area (floor area = area_m2 * floors)"),
    {"year", GF_INT, 4, 0, "", "year built"},
};

static int run_buildings(const gd_world *w, gd_writer *wr, gd_job *job)
{
    gd_parcel p[GD_MAXP];
    gd_building b[GD_MAXB];
    long long id = 1;
    for (int j = 0; j < w->ny; j++) {
        if (!tick_rows(job, j, w->ny))
            return -1;
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            if (w->dist[c] < 0)
                continue;
            int cl = w->cls[c];
            if (cl == CL_PARK)
                continue;
            int n = gd_cell_parcels(w, i, j, p);
            for (int k = 0; k < n; k++) {
                int nb = gd_parcel_buildings(w, c, k, &p[k], b);
                for (int q = 0; q < nb; q++) {
                    gd_set_int(wr, 0, id++);
                    gd_set_int(wr, 1, p[k].id);
                    gd_set_int(wr, 2, b[q].floors);
                    gd_set_real(wr, 3, b[q].height);
                    gd_set_str(wr, 4, b[q].use);
                    gd_set_real(wr, 5, round(b[q].area * 100.0) / 100.0);
                    gd_set_int(wr, 6, b[q].year);
                    if (gd_emit_ring(wr, 5, b[q].x, b[q].y))
                        return -1;
                }
            }
        }
    }
    return 0;
}

/* -------------------------------------------------------------- roads */

static const gd_field ROAD_FIELDS[] = {
    F_INT("id", "", "segment id"),
    F_STR("class", 12, "", "expressway, arterial, secondary, branch"),
    F_STR("class_cn", 12, "", "快速路, 主干路, 次干路, 支路"),
    F_STR("name", 40, "", "road name (synthetic)"),
    F_INT("oneway", "", "1: traffic only in the digitised direction"),
    F_INT("pair_id", "", "id of the opposite directed edge or carriageway of the same street "
                         "(0: drawn once); such pairs double-count length"),
    F_INT("lanes", "", "lanes in this direction set"),
    F_REAL("length_m", 12, 2, "m", "planar length"),
};

static const char *const CLASS_EN[] = {"", "branch", "secondary", "arterial", "expressway"};
static const char *const CLASS_CN[] = {"", "支路", "次干路", "主干路", "快速路"};

static double line_length(int n, const double *x, const double *y)
{
    double s = 0;
    for (int k = 0; k + 1 < n; k++)
        s += hypot(x[k + 1] - x[k], y[k + 1] - y[k]);
    return s;
}

static int emit_road(gd_writer *wr, long long *id, int cls, const char *name, int oneway,
                     long long pair, int n, const double *x, const double *y)
{
    static const int LANES[] = {0, 2, 4, 6, 3};
    gd_set_int(wr, 0, *id);
    gd_set_str(wr, 1, CLASS_EN[cls]);
    gd_set_str(wr, 2, CLASS_CN[cls]);
    gd_set_str(wr, 3, name);
    gd_set_int(wr, 4, oneway);
    gd_set_int(wr, 5, pair);
    gd_set_int(wr, 6, LANES[cls] / (pair && cls != RC_EXPRESS ? 2 : 1));
    gd_set_real(wr, 7, round(line_length(n, x, y) * 100.0) / 100.0);
    (*id)++;
    return gd_emit_line(wr, n, x, y);
}

/* one lattice road run: drawn once, or as two opposite directed edges */
static int emit_run(gd_writer *wr, long long *id, int rc, const char *name, int n, double *x,
                    double *y)
{
    int cls = rc & 7;
    if (rc & RF_PAIRED) {
        long long a = *id;
        if (emit_road(wr, id, cls, name, 1, a + 1, n, x, y))
            return -1;
        for (int k = 0; k < n / 2; k++) {
            double t = x[k];
            x[k] = x[n - 1 - k];
            x[n - 1 - k] = t;
            t = y[k];
            y[k] = y[n - 1 - k];
            y[n - 1 - k] = t;
        }
        return emit_road(wr, id, cls, name, 1, a, n, x, y);
    }
    return emit_road(wr, id, cls, name, (rc & RF_ONEWAY) ? 1 : 0, 0, n, x, y);
}

static int floordiv(int a, int b) { return (a - ((a % b) + b) % b) / b; }

#define MAXRUN 3

static int run_roads(const gd_world *w, gd_writer *wr, gd_job *job)
{
    long long id = 1;
    double x[MAXRUN + 2], y[MAXRUN + 2];
    int nx = w->nx, ny = w->ny;
    /* horizontal lines */
    for (int j = 0; j <= ny; j++) {
        if (!tick_rows(job, j, 2 * ny + 2))
            return -1;
        int i = 0;
        while (i < nx) {
            int rc = w->hroad[(size_t)j * nx + i];
            if (!(rc & 7)) {
                i++;
                continue;
            }
            int i0 = i, block = floordiv(i + w->gi0, 25);
            while (i + 1 < nx && i + 1 - i0 < MAXRUN && w->hroad[(size_t)j * nx + i + 1] == rc &&
                   floordiv(i + 1 + w->gi0, 25) == block) {
                int up = j < ny ? w->vroad[(size_t)j * (nx + 1) + i + 1] & 7 : 0;
                int dn = j > 0 ? w->vroad[(size_t)(j - 1) * (nx + 1) + i + 1] & 7 : 0;
                if (up || dn)
                    break;
                i++;
            }
            int n = 0;
            for (int q = i0; q <= i + 1; q++) {
                x[n] = w->xn[gd_node(w, q, j)];
                y[n] = w->yn[gd_node(w, q, j)];
                n++;
            }
            if (emit_run(wr, &id, rc, gd_road_name(w, 0, j + w->gj0, block), n, x, y))
                return -1;
            i++;
        }
    }
    /* vertical lines */
    for (int i = 0; i <= nx; i++) {
        if (!tick_rows(job, ny + 1 + (int)((double)i / (nx + 1) * (ny + 1)), 2 * ny + 2))
            return -1;
        int j = 0;
        while (j < ny) {
            int rc = w->vroad[(size_t)j * (nx + 1) + i];
            if (!(rc & 7)) {
                j++;
                continue;
            }
            int j0 = j, block = floordiv(j + w->gj0, 25);
            while (j + 1 < ny && j + 1 - j0 < MAXRUN &&
                   w->vroad[(size_t)(j + 1) * (nx + 1) + i] == rc &&
                   floordiv(j + 1 + w->gj0, 25) == block) {
                int rt = i < nx ? w->hroad[(size_t)(j + 1) * nx + i] & 7 : 0;
                int lf = i > 0 ? w->hroad[(size_t)(j + 1) * nx + i - 1] & 7 : 0;
                if (rt || lf)
                    break;
                j++;
            }
            int n = 0;
            for (int q = j0; q <= j + 1; q++) {
                x[n] = w->xn[gd_node(w, i, q)];
                y[n] = w->yn[gd_node(w, i, q)];
                n++;
            }
            if (emit_run(wr, &id, rc, gd_road_name(w, 1, i + w->gi0, block), n, x, y))
                return -1;
            j++;
        }
    }
    /* expressways: long curves, grade-separated (no junctions with the
     * lattice), split at interchanges, drawn as two carriageways 24 m apart */
    int nexp = w->scale == GD_SCALE_S ? 2 : w->scale == GD_SCALE_M ? 4 : 10;
    double len = w->scale == GD_SCALE_S ? 30000 : w->scale == GD_SCALE_M ? 80000 : 180000;
    int npt = (int)(len / 250.0) + 1;
    double *px = malloc((size_t)npt * sizeof *px), *py = malloc((size_t)npt * sizeof *py);
    char *in = malloc((size_t)npt);
    double *lx = malloc(16 * sizeof *lx), *ly = malloc(16 * sizeof *ly);
    double *rx = malloc(16 * sizeof *rx), *ry = malloc(16 * sizeof *ry);
    int rc = 0;
    if (!px || !py || !in || !lx || !ly || !rx || !ry) {
        snprintf(job->err, sizeof job->err, "out of memory");
        rc = -1;
        goto done;
    }
    for (int e = 0; e < nexp && !rc; e++) {
        gd_rng r;
        gd_rng_seed(&r, gd_hash(w->seed, ST_EXPRESS, (uint64_t)e, 0, 0));
        /* anchor: a district centre area, heading anywhere */
        const gd_district *D = &w->districts[e % w->ndistricts];
        double ax = D->cx + gd_rng_range(&r, -0.4, 0.4) * sqrt(D->area),
               ay = D->cy + gd_rng_range(&r, -0.4, 0.4) * sqrt(D->area);
        double th0 = gd_rng_range(&r, 0, GD_PI);
        int mid = npt / 2;
        for (int dir = -1; dir <= 1; dir += 2) {
            double cx = ax, cy = ay;
            for (int k = 0; k <= mid; k++) {
                int q = mid + dir * k;
                if (q < 0 || q >= npt)
                    break;
                double s = k * 250.0 * dir;
                double th = th0 + 0.6 * gd_fbm(w->seed, 40 + (uint64_t)e, s / 9000.0, 0.5, 2);
                if (k > 0) {
                    cx += dir * 250.0 * cos(th);
                    cy += dir * 250.0 * sin(th);
                }
                px[q] = cx;
                py[q] = cy;
            }
        }
        for (int q = 0; q < npt; q++) {
            int ci, cj;
            in[q] = gd_cell_at(w, px[q], py[q], &ci, &cj) && w->dist[gd_cell(w, ci, cj)] >= 0;
        }
        const char *name = GD_EXPRESSWAYS[e % GD_NEXPRESSWAYS];
        int q = 0;
        while (q < npt && !rc) {
            if (!in[q] || q + 1 >= npt || !in[q + 1]) {
                q++;
                continue;
            }
            int segn = 6 + gd_rng_int(&r, 7);
            int q1 = q;
            while (q1 + 1 < npt && in[q1 + 1] && q1 - q < segn)
                q1++;
            int n = q1 - q + 1;
            for (int k = 0; k < n; k++) {
                int a = q + k > 0 ? q + k - 1 : q + k, b = q + k + 1 < npt ? q + k + 1 : q + k;
                double dx = px[b] - px[a], dy = py[b] - py[a], l = hypot(dx, dy);
                double nx_ = -dy / l, ny_ = dx / l; /* left normal */
                rx[k] = round((px[q + k] - 12 * nx_) * 1000) / 1000;
                ry[k] = round((py[q + k] - 12 * ny_) * 1000) / 1000;
                lx[n - 1 - k] = round((px[q + k] + 12 * nx_) * 1000) / 1000;
                ly[n - 1 - k] = round((py[q + k] + 12 * ny_) * 1000) / 1000;
            }
            long long a = id;
            if (emit_road(wr, &id, RC_EXPRESS, name, 1, a + 1, n, rx, ry) ||
                emit_road(wr, &id, RC_EXPRESS, name, 1, a, n, lx, ly))
                rc = -1;
            q = q1;
        }
    }
done:
    free(px);
    free(py);
    free(in);
    free(lx);
    free(ly);
    free(rx);
    free(ry);
    return rc;
}

/* -------------------------------------------------------------- parks */

static const gd_field PARK_FIELDS[] = {
    F_INT("id", "", "park id"),
    F_STR("name", 60, "", "park name (synthetic)"),
    F_STR("kind", 16, "", "综合公园, 社区公园, 口袋公园, 专类公园, 游园"),
    F_REAL("area_m2", 14, 2, "m2", "planar area (service radius: 500 m from 5000 m2, "
                                   "300 m from 2000 m2)"),
    F_STR("scode", 12, "", "street code"),
};

static int run_parks(const gd_world *w, gd_writer *wr, gd_job *job)
{
    gd_parcel p[GD_MAXP];
    long long id = 1;
    double gx[6 * 8 + 8], gy[6 * 8 + 8];
    double sx[GD_MAXPV], sy[GD_MAXPV];
    char name[64], syl[32];
    for (int j = 0; j < w->ny; j++) {
        if (!tick_rows(job, j, w->ny))
            return -1;
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            if (w->dist[c] < 0)
                continue;
            const gd_street *S = &w->streets[w->street[c]];
            int cl = w->cls[c];
            if (cl == CL_PARK) {
                const gd_park_group *g = &w->park_groups[w->park[c]];
                if (g->i0 != i || g->j0 != j)
                    continue;
                int n = gd_rect_ring(w, i, j, g->w, g->h, gx, gy);
                gd_rng r;
                gd_rng_seed(&r, gd_hash(w->seed, ST_PARK, (uint64_t)c, 1, 0));
                syllables(&r, syl, sizeof syl);
                snprintf(name, sizeof name, "%s%s", syl, g->kind == 0 ? "公园" : "山公园");
                gd_set_int(wr, 0, id++);
                gd_set_str(wr, 1, name);
                gd_set_str(wr, 2, PARK_KINDS[g->kind]);
                gd_set_real(wr, 3, round(ring_area(n, gx, gy) * 100) / 100);
                gd_set_str(wr, 4, S->code);
                if (gd_emit_ring(wr, n, gx, gy))
                    return -1;
                continue;
            }
            if (cl != CL_RES && cl != CL_COM && cl != CL_IND)
                continue;
            int n = gd_cell_parcels(w, i, j, p);
            for (int k = 0; k < n; k++) {
                gd_rng r;
                gd_rng_seed(&r, gd_hash(w->seed, ST_PARK, (uint64_t)c, 2, (uint64_t)k));
                double u = gd_rng_unif(&r);
                const char *kind;
                int nn = p[k].n;
                if (p[k].code == 'G' && u < 0.35) {
                    kind = p[k].area >= 10000 ? PARK_KINDS[1] : PARK_KINDS[4];
                    memcpy(sx, p[k].x, (size_t)nn * sizeof *sx);
                    memcpy(sy, p[k].y, (size_t)nn * sizeof *sy);
                } else if ((p[k].code == 'R' || p[k].code == 'B') && u < 0.015) {
                    kind = PARK_KINDS[2];
                    double top = fmin(9000.0, 0.45 * p[k].area);
                    double target = 400.0 + gd_rng_unif(&r) * gd_rng_unif(&r) * (top - 400.0);
                    if (top < 400.0)
                        continue;
                    double f = sqrt(target / p[k].area);
                    for (int q = 0; q < nn; q++) {
                        sx[q] = round((p[k].cx + f * (p[k].x[q] - p[k].cx)) * 100) / 100;
                        sy[q] = round((p[k].cy + f * (p[k].y[q] - p[k].cy)) * 100) / 100;
                    }
                    sx[nn - 1] = sx[0];
                    sy[nn - 1] = sy[0];
                } else {
                    continue;
                }
                syllables(&r, syl, sizeof syl);
                snprintf(name, sizeof name, "%s%s", syl, kind == PARK_KINDS[2] ? "口袋公园"
                                                       : kind == PARK_KINDS[1] ? "社区公园"
                                                                               : "游园");
                gd_set_int(wr, 0, id++);
                gd_set_str(wr, 1, name);
                gd_set_str(wr, 2, kind);
                gd_set_real(wr, 3, round(ring_area(nn, sx, sy) * 100) / 100);
                gd_set_str(wr, 4, S->code);
                if (gd_emit_ring(wr, nn, sx, sy))
                    return -1;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------- forest */

static const gd_field FOREST_FIELDS[] = {
    F_INT("id", "", "forest polygon id"),
    F_STR("kind", 16, "", "乔木林地, 灌木林地, 竹林地, 农田林网, 四旁林; polygons overlap: union "
                          "before measuring cover"),
    F_REAL("canopy", 6, 2, "", "canopy closure (郁闭度); 乔木林 below 0.2 is not forest"),
    F_REAL("area_m2", 14, 2, "m2", "planar area of this polygon"),
};

static int run_forest(const gd_world *w, gd_writer *wr, gd_job *job)
{
    long long id = 1;
    double x[70], y[70];
    for (int j = 0; j < w->ny; j++) {
        if (!tick_rows(job, j, w->ny))
            return -1;
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            if (w->dist[c] < 0)
                continue;
            int cl = w->cls[c];
            uint64_t h = gd_hash(w->seed, ST_FOREST, (uint64_t)(i + w->gi0), (uint64_t)(j + w->gj0), 0);
            gd_rng r;
            gd_rng_seed(&r, h);
            double u = gd_rng_unif(&r);
            double cx, cy;
            gd_cell_centre(w, i, j, &cx, &cy);
            const char *kind = NULL;
            double rad = 0;
            if (cl == CL_FOREST && u < 0.6) {
                double v = gd_rng_unif(&r);
                kind = v < 0.75 ? "乔木林地" : v < 0.88 ? "灌木林地" : v < 0.94 ? "竹林地" : "经济林地";
                rad = gd_rng_range(&r, 140, 240);
            } else if (cl == CL_PARK && u < 0.35) {
                kind = "乔木林地";
                rad = gd_rng_range(&r, 60, 130);
            } else if (cl == CL_VILLAGE && u < 0.12) {
                kind = "四旁林";
                rad = gd_rng_range(&r, 40, 80);
            } else if (cl == CL_FARM && u < 0.06 && (w->hroad[(size_t)j * w->nx + i] & 7)) {
                /* a shelterbelt 12 m wide along the road on the cell's south side */
                size_t a = gd_node(w, i, j), b = gd_node(w, i + 1, j);
                double dx = w->xn[b] - w->xn[a], dy = w->yn[b] - w->yn[a], l = hypot(dx, dy);
                double nx_ = -dy / l * 12, ny_ = dx / l * 12;
                double bx[5] = {w->xn[a], w->xn[b], w->xn[b] + nx_, w->xn[a] + nx_, w->xn[a]};
                double by[5] = {w->yn[a], w->yn[b], w->yn[b] + ny_, w->yn[a] + ny_, w->yn[a]};
                for (int q = 0; q < 5; q++) {
                    bx[q] = round(bx[q] * 100) / 100;
                    by[q] = round(by[q] * 100) / 100;
                }
                gd_set_int(wr, 0, id++);
                gd_set_str(wr, 1, "农田林网");
                gd_set_real(wr, 2, round(gd_rng_range(&r, 0.3, 0.8) * 100) / 100);
                gd_set_real(wr, 3, round(ring_area(5, bx, by) * 100) / 100);
                if (gd_emit_ring(wr, 5, bx, by))
                    return -1;
                continue;
            }
            if (!kind)
                continue;
            gd_blob b = {.x = cx + gd_rng_range(&r, -60, 60), .y = cy + gd_rng_range(&r, -60, 60),
                         .r = rad, .key = gd_mix64(h), .amp = 0.3};
            int nv = 16 + gd_rng_int(&r, 33);
            int n = gd_star_ring(&b, nv, 0.3, x, y);
            for (int q = 0; q < n; q++) {
                x[q] = round(x[q] * 100) / 100;
                y[q] = round(y[q] * 100) / 100;
            }
            double canopy = !strcmp(kind, "乔木林地") && gd_rng_unif(&r) < 0.08
                                ? gd_rng_range(&r, 0.1, 0.19)
                                : gd_rng_range(&r, 0.25, 0.9);
            gd_set_int(wr, 0, id++);
            gd_set_str(wr, 1, kind);
            gd_set_real(wr, 2, round(canopy * 100) / 100);
            gd_set_real(wr, 3, round(ring_area(n, x, y) * 100) / 100);
            if (gd_emit_ring(wr, n, x, y))
                return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ control */

static const gd_field CONTROL_FIELDS[] = {
    F_INT("id", "", "polygon id"),
    F_STR("kind", 24, "", "生态保护红线, 永久基本农田, 城镇开发边界 (三线)"),
    F_STR("name", 80, "", "name"),
    F_STR("code", 24, "", "code (synthetic)"),
    F_REAL("area_m2", 16, 2, "m2", "planar area (holes excluded); farmland blobs overlap"),
};

static int emit_star(gd_writer *wr, const gd_blob *b, int holes, double *x, double *y,
                     double *hx, double *hy)
{
    int n = gd_star_ring(b, b->nv, b->amp, x, y);
    for (int q = 0; q < n; q++) {
        x[q] = round(x[q] * 1000) / 1000;
        y[q] = round(y[q] * 1000) / 1000;
    }
    int counts[4] = {n, 0, 0, 0};
    const double *xs[4] = {x}, *ys[4] = {y};
    double area = ring_area(n, x, y);
    for (int h = 0; h < holes && h < 3; h++) {
        double phi = 2 * GD_PI * h / holes + gd_unit(b->key) * 6.0;
        gd_blob hb = {.x = b->x + 0.4 * b->rmin * cos(phi), .y = b->y + 0.4 * b->rmin * sin(phi),
                      .r = 0.13 * b->rmin, .key = gd_mix64(b->key + (uint64_t)h + 1), .amp = 0.3};
        double *rx = hx + h * 41, *ry = hy + h * 41;
        int m = gd_star_ring(&hb, 40, 0.3, rx, ry);
        /* holes run clockwise */
        for (int q = 0; q < m / 2; q++) {
            double t = rx[q];
            rx[q] = rx[m - 1 - q];
            rx[m - 1 - q] = t;
            t = ry[q];
            ry[q] = ry[m - 1 - q];
            ry[m - 1 - q] = t;
        }
        for (int q = 0; q < m; q++) {
            rx[q] = round(rx[q] * 1000) / 1000;
            ry[q] = round(ry[q] * 1000) / 1000;
        }
        counts[1 + h] = m;
        xs[1 + h] = rx;
        ys[1 + h] = ry;
        area += ring_area(m, rx, ry);
    }
    gd_set_real(wr, 4, round(area * 100) / 100);
    return gd_emit_polygon(wr, 1 + (holes < 3 ? holes : 3), counts, xs, ys);
}

static int run_control(const gd_world *w, gd_writer *wr, gd_job *job)
{
    long long id = 1;
    size_t cap = 5002;
    double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
    double hx[3 * 41], hy[3 * 41];
    char buf[96], code[32];
    int rc = 0;
    if (!x || !y) {
        snprintf(job->err, sizeof job->err, "out of memory");
        rc = -1;
        goto done;
    }
    for (int k = 0; k < w->nred && !rc; k++) {
        const gd_blob *b = &w->red[k];
        gd_set_int(wr, 0, id++);
        gd_set_str(wr, 1, "生态保护红线");
        snprintf(buf, sizeof buf, "%s%s生态保护红线", district_name_at(w, b->x, b->y), b->name);
        gd_set_str(wr, 2, buf);
        snprintf(code, sizeof code, "STHX-%s-%03d", district_code_at(w, b->x, b->y), k + 1);
        gd_set_str(wr, 3, code);
        if (emit_star(wr, b, b->nholes, x, y, hx, hy))
            rc = -1;
    }
    for (int k = 0; k < w->nfarm && !rc; k++) {
        const gd_blob *b = &w->farm[k];
        gd_set_int(wr, 0, id++);
        gd_set_str(wr, 1, "永久基本农田");
        snprintf(buf, sizeof buf, "%s永久基本农田保护片块%04d", district_name_at(w, b->x, b->y), k + 1);
        gd_set_str(wr, 2, buf);
        snprintf(code, sizeof code, "JBNT-%s-%04d", district_code_at(w, b->x, b->y), k + 1);
        gd_set_str(wr, 3, code);
        if (emit_star(wr, b, 0, x, y, hx, hy))
            rc = -1;
        if (!rc && job->tick && !job->tick(job, 0.5 * (k + 1) / w->nfarm)) {
            snprintf(job->err, sizeof job->err, "cancelled");
            rc = -1;
        }
    }
    for (int k = 0; k < w->ncores && !rc; k++) {
        const gd_blob *b = &w->ugb[k];
        gd_set_int(wr, 0, id++);
        gd_set_str(wr, 1, "城镇开发边界");
        const char *dn = w->cores[k].name;
        int main_core = 0;
        for (int d = 0; d < w->ndistricts; d++)
            main_core |= w->districts[d].core == k;
        if (main_core)
            snprintf(buf, sizeof buf, "%s城镇开发边界", dn);
        else
            snprintf(buf, sizeof buf, "%s城镇开发边界(镇区%d)", dn, k + 1);
        gd_set_str(wr, 2, buf);
        snprintf(code, sizeof code, "CZKF-%s-%03d", district_code_at(w, b->x, b->y), k + 1);
        gd_set_str(wr, 3, code);
        if (emit_star(wr, b, 0, x, y, hx, hy))
            rc = -1;
    }
done:
    free(x);
    free(y);
    return rc;
}

/* -------------------------------------------------------------- sites */

static const gd_field SITE_FIELDS[] = {
    F_INT("id", "", "site id"),
    F_STR("name", 80, "", "project name (synthetic)"),
    F_STR("status", 12, "", "拟建 proposed, 已批 approved, 在建 building, 已建 built"),
    F_STR("use_code", 2, "", "planned land use (landuse codes)"),
    F_REAL("area_m2", 14, 2, "m2", "planar area"),
    {"year", GF_INT, 4, 0, "", "planned start year"},
};

static int in_any_ugb(const gd_world *w, double x, double y)
{
    for (int k = 0; k < w->ncores; k++)
        if (gd_star_contains(&w->ugb[k], w->ugb[k].nv, 0, x, y))
            return 1;
    return 0;
}

static int in_any_red_or_farm(const gd_world *w, double x, double y)
{
    for (int k = 0; k < w->nred; k++)
        if (gd_star_contains(&w->red[k], w->red[k].nv, w->red[k].amp, x, y))
            return 1;
    for (int k = 0; k < w->nfarm; k++)
        if (gd_star_contains(&w->farm[k], w->farm[k].nv, w->farm[k].amp, x, y))
            return 1;
    return 0;
}

static int emit_site(gd_writer *wr, long long *id, gd_rng *r, char use, int n, const double *x,
                     const double *y)
{
    static const char *const STATUS[] = {"拟建", "已批", "在建", "已建"};
    static const char *const WHAT_R[] = {"安置住房", "人才公寓", "棚户区改造", "住宅小区"};
    static const char *const WHAT_M[] = {"智能制造产业园", "新材料产业园", "高端装备基地",
                                         "生物医药产业园"};
    static const char *const WHAT_B[] = {"商业综合体", "总部基地", "酒店", "科创中心"};
    static const char *const WHAT_U[] = {"学校", "社区卫生服务中心", "养老服务中心", "变电站"};
    const char *const *what = use == 'R' ? WHAT_R : use == 'M' ? WHAT_M : use == 'B' ? WHAT_B : WHAT_U;
    char syl[32], name[96], code[2] = {use, 0};
    syllables(r, syl, sizeof syl);
    snprintf(name, sizeof name, "%s%s项目", syl, what[gd_rng_int(r, 4)]);
    double u = gd_rng_unif(r);
    gd_set_int(wr, 0, (*id)++);
    gd_set_str(wr, 1, name);
    gd_set_str(wr, 2, STATUS[u < 0.4 ? 0 : u < 0.65 ? 1 : u < 0.9 ? 2 : 3]);
    gd_set_str(wr, 3, code);
    gd_set_real(wr, 4, round(ring_area(n, x, y) * 100) / 100);
    gd_set_int(wr, 5, 2020 + gd_rng_int(r, 7));
    return gd_emit_ring(wr, n, x, y);
}

static int square_site(double cx, double cy, double side, double ang, double *x, double *y)
{
    for (int q = 0; q < 4; q++) {
        double a = ang + GD_PI / 4 + q * GD_PI / 2;
        x[q] = round((cx + side / sqrt(2.0) * cos(a)) * 100) / 100;
        y[q] = round((cy + side / sqrt(2.0) * sin(a)) * 100) / 100;
    }
    x[4] = x[0];
    y[4] = y[0];
    return 5;
}

static int run_sites(const gd_world *w, gd_writer *wr, gd_job *job)
{
    gd_parcel p[GD_MAXP];
    long long id = 1;
    double x[GD_MAXPV], y[GD_MAXPV];
    /* most sites: on urban parcels inside the UGB and clear of the red line
     * and farmland (checked on the corners) */
    for (int j = 0; j < w->ny; j++) {
        if (!tick_rows(job, j, w->ny))
            return -1;
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            int cl = w->cls[c];
            if (w->dist[c] < 0 || (cl != CL_RES && cl != CL_COM && cl != CL_IND))
                continue;
            int n = gd_cell_parcels(w, i, j, p);
            for (int k = 0; k < n; k++) {
                gd_rng r;
                gd_rng_seed(&r, gd_hash(w->seed, ST_SITE, (uint64_t)c, (uint64_t)k, 1));
                if (gd_rng_unif(&r) >= 0.05 || !strchr("RBMU", p[k].code))
                    continue;
                int clean = 1;
                for (int q = 0; q < 4 && clean; q++)
                    clean = in_any_ugb(w, p[k].cx4[q], p[k].cy4[q]) &&
                            !in_any_red_or_farm(w, p[k].cx4[q], p[k].cy4[q]);
                if (!clean)
                    continue;
                int nn = p[k].n;
                for (int q = 0; q < nn; q++) {
                    x[q] = round((p[k].cx + 0.97 * (p[k].x[q] - p[k].cx)) * 100) / 100;
                    y[q] = round((p[k].cy + 0.97 * (p[k].y[q] - p[k].cy)) * 100) / 100;
                }
                x[nn - 1] = x[0];
                y[nn - 1] = y[0];
                if (emit_site(wr, &id, &r, p[k].code, nn, x, y))
                    return -1;
            }
        }
    }
    /* sites straddling a red line */
    for (int k = 0; k < w->nred; k++) {
        const gd_blob *b = &w->red[k];
        gd_rng r;
        gd_rng_seed(&r, gd_hash(w->seed, ST_SITE, (uint64_t)k, 2, 0));
        int ns = 2 + b->nv / 1500;
        for (int s = 0; s < ns; s++) {
            double vx, vy;
            gd_star_vertex(b, b->nv, b->amp, gd_rng_int(&r, b->nv), &vx, &vy);
            int n = square_site(vx, vy, gd_rng_range(&r, 80, 220), gd_rng_range(&r, 0, 1.5), x, y);
            if (emit_site(wr, &id, &r, "RMBU"[gd_rng_int(&r, 4)], n, x, y))
                return -1;
        }
    }
    /* sites on permanent farmland */
    for (int k = 0; k < w->nfarm; k++) {
        const gd_blob *b = &w->farm[k];
        gd_rng r;
        gd_rng_seed(&r, gd_hash(w->seed, ST_SITE, (uint64_t)k, 3, 0));
        if (k > 0 && gd_rng_unif(&r) >= 0.3)
            continue;
        int n = square_site(b->x, b->y, gd_rng_range(&r, 80, 200), gd_rng_range(&r, 0, 1.5), x, y);
        if (emit_site(wr, &id, &r, "RMBU"[gd_rng_int(&r, 4)], n, x, y))
            return -1;
    }
    /* sites outside every urban development boundary */
    double pout = w->scale == GD_SCALE_S ? 0.03 : 0.004;
    for (int j = 0; j < w->ny; j++)
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            int cl = w->cls[c];
            if (w->dist[c] < 0 || (cl != CL_FARM && cl != CL_VILLAGE))
                continue;
            gd_rng r;
            gd_rng_seed(&r, gd_hash(w->seed, ST_SITE, (uint64_t)c, 4, 0));
            if (gd_rng_unif(&r) >= pout)
                continue;
            double cx, cy;
            gd_cell_centre(w, i, j, &cx, &cy);
            int n = square_site(cx, cy, gd_rng_range(&r, 60, 160), gd_rng_range(&r, 0, 1.5), x, y);
            int out = 1;
            for (int q = 0; q < 4 && out; q++)
                out = !in_any_ugb(w, x[q], y[q]);
            if (!out)
                continue;
            if (emit_site(wr, &id, &r, "RMBU"[gd_rng_int(&r, 4)], n, x, y))
                return -1;
        }
    return 0;
}

/* ---------------------------------------------------------- approvals */

static const gd_field APPROVAL_FIELDS[] = {
    F_INT("id", "", "approval id"),
    F_STR("batch", 80, "", "approval batch (批次)"),
    F_STR("doc_no", 40, "", "approval document number (synthetic)"),
    F_DATE("appr_date", "date of approval (批准日期)"),
    F_REAL("area_m2", 14, 2, "m2", "approved area"),
    F_STR("use_code", 2, "", "planned use (landuse codes)"),
};

static char approval_use(int cls)
{
    return cls == CL_IND ? 'M' : cls == CL_COM ? 'B' : 'R';
}

static int run_approvals(const gd_world *w, gd_writer *wr, gd_job *job)
{
    long long id = 1;
    double x[3 * 4 + 2], y[3 * 4 + 2];
    char batch[96], doc[48];
    for (int j = 0; j < w->ny; j++) {
        if (!tick_rows(job, j, w->ny))
            return -1;
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            int date;
            if (w->dist[c] < 0 || !gd_cell_approval(w, i, j, &date))
                continue;
            int yy, mm, dd;
            gd_ymd(date, &yy, &mm, &dd);
            const gd_district *D = &w->districts[w->dist[c]];
            snprintf(batch, sizeof batch, "%s%d年度第%d批次城市建设用地", D->name, yy, 1 + (mm - 1) / 3);
            snprintf(doc, sizeof doc, "鲁政土字〔%d〕%d号", yy,
                     (int)(gd_hash(w->seed, ST_APPROVAL, c, 1, 0) % 900) + 10);
            int n = gd_rect_ring(w, i, j, 1, 1, x, y);
            char use[2] = {approval_use(w->cls[c]), 0};
            gd_set_int(wr, 0, id++);
            gd_set_str(wr, 1, batch);
            gd_set_str(wr, 2, doc);
            gd_set_date(wr, 3, date);
            gd_set_real(wr, 4, round(ring_area(n, x, y) * 100) / 100);
            gd_set_str(wr, 5, use);
            if (gd_emit_ring(wr, n, x, y))
                return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------- supply */

static const gd_field SUPPLY_FIELDS[] = {
    F_INT("id", "", "supply record id"),
    F_INT("appr_id", "", "approvals.id it was supplied from"),
    F_INT("parcel_id", "", "landuse.id"),
    F_DATE("supply_dt", "date supplied (供地日期, contract or allocation)"),
    F_STR("mode", 16, "", "招拍挂出让, 协议出让, 划拨, 标准地出让"),
    F_STR("use_code", 2, "", "land use (landuse codes)"),
    F_REAL("area_m2", 14, 2, "m2", "supplied area"),
    F_REAL("price_wan", 14, 2, "万元", "price (NULL for allocation)"),
    F_DATE("start_due", "agreed construction start (约定开工)"),
    F_DATE("start_dt", "actual construction start; NULL: not started (idle when overdue)"),
};

static int run_supply(const gd_world *w, gd_writer *wr, gd_job *job)
{
    gd_parcel p[GD_MAXP];
    long long id = 1, appr = 0;
    int today = gd_days(DATA_DATE_Y, DATA_DATE_M, DATA_DATE_D);
    for (int j = 0; j < w->ny; j++) {
        if (!tick_rows(job, j, w->ny))
            return -1;
        for (int i = 0; i < w->nx; i++) {
            size_t c = gd_cell(w, i, j);
            int date;
            if (w->dist[c] < 0 || !gd_cell_approval(w, i, j, &date))
                continue;
            appr++;
            int n = gd_cell_parcels(w, i, j, p);
            for (int k = 0; k < n; k++) {
                if (!strchr("RBMU", p[k].code))
                    continue;
                gd_rng r;
                gd_rng_seed(&r, gd_hash(w->seed, ST_SUPPLY, (uint64_t)c, (uint64_t)k, 0));
                int sd = date + 60 + (int)(gd_rng_unif(&r) * gd_rng_unif(&r) * 2400);
                if (gd_rng_unif(&r) < 0.2 || sd > today)
                    continue; /* approved, not (yet) supplied: 批而未供 */
                double u = gd_rng_unif(&r);
                int yy, mm, dd;
                gd_ymd(sd, &yy, &mm, &dd);
                const char *mode = p[k].code == 'U' ? "划拨"
                                 : p[k].code == 'M' && yy >= 2019 && u < 0.5 ? "标准地出让"
                                 : u < 0.9 ? "招拍挂出让" : "协议出让";
                double per_mu = p[k].code == 'M' ? 25 : p[k].code == 'R' ? 300 : 200;
                double price = strcmp(mode, "划拨") ? p[k].area / (10000.0 / 15) * per_mu *
                                                          gd_rng_lognormal(&r, 0, 0.3)
                                                    : NAN;
                int due = sd + 365;
                int start = due + (int)(gd_rng_normal(&r) * 150);
                if (gd_rng_unif(&r) < 0.12 || start > today)
                    start = 0;
                char use[2] = {p[k].code, 0};
                gd_set_int(wr, 0, id++);
                gd_set_int(wr, 1, appr);
                gd_set_int(wr, 2, p[k].id);
                gd_set_date(wr, 3, sd);
                gd_set_str(wr, 4, mode);
                gd_set_str(wr, 5, use);
                gd_set_real(wr, 6, round(p[k].area * 100) / 100);
                gd_set_real(wr, 7, isnan(price) ? NAN : round(price * 100) / 100);
                gd_set_date(wr, 8, due);
                gd_set_date(wr, 9, start);
                if (gd_emit_ring(wr, p[k].n, p[k].x, p[k].y))
                    return -1;
            }
        }
    }
    return 0;
}

/* --------------------------------------------------------- facilities */

static const gd_field FACILITY_FIELDS[] = {
    F_INT("id", "", "facility id"),
    F_STR("kind", 32, "", "公共厕所, 养老服务中心, 托育机构, 社区卫生服务中心"),
    F_STR("name", 60, "", "name (synthetic)"),
    F_INT("capacity", "", "capacity in `unit`"),
    F_STR("unit", 8, "", "厕位 (toilet places), 床位 (beds), 托位 (childcare places)"),
    F_STR("scode", 12, "", "street code"),
};

enum { FK_TOILET, FK_ELDERLY, FK_CHILD, FK_CLINIC, FK_N };

static int run_facilities(const gd_world *w, gd_writer *wr, gd_job *job)
{
    static const char *const KIND[FK_N] = {"公共厕所", "养老服务中心", "托育机构", "社区卫生服务中心"};
    static const char *const UNIT[FK_N] = {"厕位", "床位", "托位", "床位"};
    int ns = w->nstreets;
    long *need = calloc((size_t)ns * FK_N, sizeof *need);
    long *left = calloc((size_t)ns, sizeof *left);
    gd_parcel p[GD_MAXP];
    if (!need || !left) {
        free(need);
        free(left);
        snprintf(job->err, sizeof job->err, "out of memory");
        return -1;
    }
    for (int s = 0; s < ns; s++) {
        const gd_street *S = &w->streets[s];
        uint64_t h = gd_hash(w->seed, ST_FACILITY, (uint64_t)s, 0, 0);
        long cand = (long)w->fac_cand[s];
        left[s] = cand;
        long want[FK_N];
        want[FK_TOILET] = (long)round(cand * 0.06 * (0.7 + 0.6 * gd_unit(h)));
        want[FK_ELDERLY] = gd_unit(gd_mix64(h + 7)) < 0.1 ? 0 : 1 + (long)(S->pop / 60000.0);
        want[FK_CHILD] = (long)round(S->pop / 1000.0 * 3.0 / 90.0 * (0.6 + 0.8 * gd_unit(gd_mix64(h + 17))));
        want[FK_CLINIC] = 1 + (S->pop > 80000);
        for (int k = 0; k < FK_N; k++)
            need[s * FK_N + k] = want[k] < cand ? want[k] : cand;
    }
    long long id = 1;
    int rc = 0;
    char name[96];
    for (int j = 0; j < w->ny && !rc; j++) {
        if (!tick_rows(job, j, w->ny)) {
            rc = -1;
            break;
        }
        for (int i = 0; i < w->nx && !rc; i++) {
            size_t c = gd_cell(w, i, j);
            if (w->dist[c] < 0)
                continue;
            int n = gd_cell_parcels(w, i, j, p);
            int s = w->street[c];
            for (int k = 0; k < n && !rc; k++) {
                if (!((p[k].code == 'R' || p[k].code == 'U' || p[k].code == 'B') &&
                      w->cls[c] != CL_FARM))
                    continue;
                gd_rng r;
                gd_rng_seed(&r, gd_hash(w->seed, ST_FACILITY, (uint64_t)c, (uint64_t)k, 1));
                for (int f = 0; f < FK_N && !rc; f++) {
                    long *nd = &need[s * FK_N + f];
                    double u = gd_rng_unif(&r);
                    if (*nd <= 0 || u * (double)left[s] >= (double)*nd)
                        continue;
                    (*nd)--;
                    double x, y;
                    /* a point inside the parcel: between its centroid and a corner */
                    int q = gd_rng_int(&r, 4);
                    double t = gd_rng_range(&r, 0.1, 0.6);
                    x = round((p[k].cx + t * (p[k].cx4[q] - p[k].cx)) * 100) / 100;
                    y = round((p[k].cy + t * (p[k].cy4[q] - p[k].cy)) * 100) / 100;
                    int cap = f == FK_TOILET ? 4 + gd_rng_int(&r, 13)
                            : f == FK_ELDERLY ? 20 + gd_rng_int(&r, 131)
                            : f == FK_CHILD ? 30 + gd_rng_int(&r, 131) : 10 + gd_rng_int(&r, 51);
                    char syl[32];
                    syllables(&r, syl, sizeof syl);
                    snprintf(name, sizeof name, "%s%s%s", syl, f == FK_TOILET ? "路" : "",
                             KIND[f]);
                    gd_set_int(wr, 0, id++);
                    gd_set_str(wr, 1, KIND[f]);
                    gd_set_str(wr, 2, name);
                    gd_set_int(wr, 3, cap);
                    gd_set_str(wr, 4, UNIT[f]);
                    gd_set_str(wr, 5, w->streets[s].code);
                    if (gd_emit_point(wr, x, y))
                        rc = -1;
                }
                left[s]--;
            }
        }
    }
    free(need);
    free(left);
    return rc;
}

/* --------------------------------------------------------------- jobs */

static const gd_layer_def DEF_DISTRICTS = {"districts", GG_POLYGON, 0,
    "district boundaries (区/市); streets nest in them exactly", DISTRICT_FIELDS, NF(DISTRICT_FIELDS)};
static const gd_layer_def DEF_STREETS = {"streets", GG_POLYGON, 0,
    "street (街道) and town (镇) boundaries with population; they tile their district",
    STREET_FIELDS, NF(STREET_FIELDS)};
static const gd_layer_def DEF_LANDUSE = {"landuse", GG_POLYGON, 0,
    "land-use parcels tiling every district, with the industrial figures summed per parcel",
    LANDUSE_FIELDS, NF(LANDUSE_FIELDS)};
static const gd_layer_def DEF_ENTERPRISES = {"enterprises", GG_POINT, 1,
    "enterprise register (亩均效益) on industrial parcels; DBF in GBK (CP936), as such registers "
    "are exchanged", ENTERPRISE_FIELDS, NF(ENTERPRISE_FIELDS)};
static const gd_layer_def DEF_BUILDINGS = {"buildings", GG_POLYGON, 0,
    "building footprints with floors on built parcels", BUILDING_FIELDS, NF(BUILDING_FIELDS)};
static const gd_layer_def DEF_ROADS = {"roads", GG_LINE, 0,
    "road centrelines split at junctions; some two-way streets drawn as two directed edges, "
    "expressways as two carriageways", ROAD_FIELDS, NF(ROAD_FIELDS)};
static const gd_layer_def DEF_PARKS = {"parks", GG_POLYGON, 0,
    "parks from 400 m2 pocket parks to 50 ha", PARK_FIELDS, NF(PARK_FIELDS)};
static const gd_layer_def DEF_FOREST = {"forest", GG_POLYGON, 0,
    "forest polygons (they overlap each other)", FOREST_FIELDS, NF(FOREST_FIELDS)};
static const gd_layer_def DEF_CONTROL = {"control", GG_POLYGON, 0,
    "control lines (三线): ecological red line, permanent basic farmland, urban development "
    "boundary", CONTROL_FIELDS, NF(CONTROL_FIELDS)};
static const gd_layer_def DEF_SITES = {"sites", GG_POLYGON, 0,
    "project sites; some cross the red line or farmland, some lie outside the development "
    "boundary", SITE_FIELDS, NF(SITE_FIELDS)};
static const gd_layer_def DEF_APPROVALS = {"approvals", GG_POLYGON, 0,
    "land approved for construction (农用地转用/征收), by batch", APPROVAL_FIELDS,
    NF(APPROVAL_FIELDS)};
static const gd_layer_def DEF_SUPPLY = {"supply", GG_POLYGON, 0,
    "land supplied (供地) from the approvals; approved minus supplied = 批而未供", SUPPLY_FIELDS,
    NF(SUPPLY_FIELDS)};
static const gd_layer_def DEF_FACILITIES = {"facilities", GG_POINT, 0,
    "public facilities with capacity", FACILITY_FIELDS, NF(FACILITY_FIELDS)};

/* heaviest first: the scheduler hands them out in this order */
const gd_job GD_JOBS[] = {
    {&DEF_LANDUSE, run_landuse, 0.30, 0, 0, 0, 0, ""},
    {&DEF_BUILDINGS, run_buildings, 0.22, 0, 0, 0, 0, ""},
    {&DEF_ROADS, run_roads, 0.18, 0, 0, 0, 0, ""},
    {&DEF_FOREST, run_forest, 0.06, 0, 0, 0, 0, ""},
    {&DEF_SUPPLY, run_supply, 0.04, 0, 0, 0, 0, ""},
    {&DEF_ENTERPRISES, run_enterprises, 0.04, 0, 0, 0, 0, ""},
    {&DEF_SITES, run_sites, 0.04, 0, 0, 0, 0, ""},
    {&DEF_PARKS, run_parks, 0.04, 0, 0, 0, 0, ""},
    {&DEF_CONTROL, run_control, 0.03, 0, 0, 0, 0, ""},
    {&DEF_FACILITIES, run_facilities, 0.02, 0, 0, 0, 0, ""},
    {&DEF_APPROVALS, run_approvals, 0.01, 0, 0, 0, 0, ""},
    {&DEF_STREETS, run_streets, 0.01, 0, 0, 0, 0, ""},
    {&DEF_DISTRICTS, run_districts, 0.01, 0, 0, 0, 0, ""},
};
const int GD_NJOBS = NF(GD_JOBS);
