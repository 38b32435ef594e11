/* geodemo: a block (lattice cell) cut into parcels, and what stands on a
 * parcel (enterprises, buildings, land status, approvals).
 *
 * A cell is cut by straight lines between the points its four edges carry
 * (gd_edge_points: a function of the edge alone, so the two cells sharing an
 * edge agree on them), then each strip optionally once across.  Every parcel
 * ring carries every point lying on its sides, so neighbouring parcels
 * share vertices exactly (no T-junctions) and the parcels of a cell tile
 * it with no gap or overlap. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "demo_internal.h"

typedef struct pt {
    double x, y;
} pt;

typedef struct cline {
    pt a, b;       /* bottom and top endpoints */
    int bi, ti;    /* indices into the bottom and top sequences */
    int edge;      /* a side of the cell (its points are fixed) */
    int n;
    double t[4];
    pt p[4];
} cline;

static double param(pt a, pt b, pt p)
{
    double dx = b.x - a.x, dy = b.y - a.y;
    return ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy);
}

static void push(gd_parcel *p, pt q)
{
    if (p->n < GD_MAXPV - 1) {
        p->x[p->n] = q.x;
        p->y[p->n] = q.y;
        p->n++;
    }
}

/* points of line L strictly between t0 and t1, ascending or descending */
static void push_between(gd_parcel *p, const cline *L, double t0, double t1, int ascending)
{
    int idx[4], n = 0;
    for (int k = 0; k < L->n; k++)
        if (L->t[k] > t0 && L->t[k] < t1)
            idx[n++] = k;
    for (int a = 1; a < n; a++) /* insertion sort by t */
        for (int b = a; b > 0 && L->t[idx[b]] < L->t[idx[b - 1]]; b--) {
            int t = idx[b];
            idx[b] = idx[b - 1];
            idx[b - 1] = t;
        }
    for (int k = 0; k < n; k++)
        push(p, L->p[idx[ascending ? k : n - 1 - k]]);
}

static void finish(gd_parcel *p, pt k0, pt k1, pt k2, pt k3)
{
    p->x[p->n] = p->x[0];
    p->y[p->n] = p->y[0];
    p->n++;
    p->cx4[0] = k0.x, p->cy4[0] = k0.y;
    p->cx4[1] = k1.x, p->cy4[1] = k1.y;
    p->cx4[2] = k2.x, p->cy4[2] = k2.y;
    p->cx4[3] = k3.x, p->cy4[3] = k3.y;
    double a = 0, cx = 0, cy = 0;
    for (int k = 0; k + 1 < p->n; k++) {
        double c = p->x[k] * p->y[k + 1] - p->x[k + 1] * p->y[k];
        a += c;
        cx += (p->x[k] + p->x[k + 1]) * c;
        cy += (p->y[k] + p->y[k + 1]) * c;
    }
    p->area = 0.5 * a;
    p->cx = cx / (3.0 * a);
    p->cy = cy / (3.0 * a);
}

/* point on a cut line at t (lerp; stored so that both strips reuse it) */
static int line_point(cline *L, double t, gd_rng *r, int reuse_any)
{
    if (L->edge) {
        if (!L->n)
            return -1;
        return gd_rng_int(r, L->n);
    }
    for (int k = 0; k < L->n; k++)
        if (reuse_any || fabs(L->t[k] - t) < 0.12)
            return k;
    if (L->n >= 4)
        return -1;
    L->t[L->n] = t;
    L->p[L->n] = (pt){L->a.x + t * (L->b.x - L->a.x), L->a.y + t * (L->b.y - L->a.y)};
    return L->n++;
}

static char landuse_code(int cls, double u)
{
    switch (cls) {
    case CL_RES: return u < 0.68 ? 'R' : u < 0.75 ? 'B' : u < 0.84 ? 'G' : 'U';
    case CL_COM: return u < 0.55 ? 'B' : u < 0.77 ? 'R' : u < 0.85 ? 'G' : 'U';
    case CL_IND: return u < 0.84 ? 'M' : u < 0.91 ? 'U' : u < 0.96 ? 'G' : 'B';
    case CL_PARK: return 'G';
    case CL_FOREST: return u < 0.93 ? 'F' : u < 0.96 ? 'G' : 'U';
    case CL_FARM: return u < 0.90 ? 'A' : u < 0.94 ? 'F' : u < 0.97 ? 'U' : 'R';
    case CL_VILLAGE: return u < 0.62 ? 'R' : u < 0.84 ? 'A' : u < 0.94 ? 'U' : 'M';
    default: return 'U';
    }
}

int gd_cell_parcels(const gd_world *w, int i, int j, gd_parcel *out)
{
    size_t c = gd_cell(w, i, j);
    int cls = w->cls[c];
    int gi = i + w->gi0, gj = j + w->gj0;
    gd_rng r;
    gd_rng_seed(&r, gd_hash(w->seed, ST_CELL, (uint64_t)(int64_t)gi, (uint64_t)(int64_t)gj, 0));

    pt C[4];
    size_t nd[4] = {gd_node(w, i, j), gd_node(w, i + 1, j), gd_node(w, i + 1, j + 1),
                    gd_node(w, i, j + 1)};
    for (int k = 0; k < 4; k++)
        C[k] = (pt){w->xn[nd[k]], w->yn[nd[k]]};
    /* the sides in counter-clockwise traversal, their points in that order */
    pt S[4][2];
    int ns[4];
    double ex[2], ey[2];
    ns[0] = gd_edge_points(w, 1, i, j, ex, ey);
    for (int k = 0; k < ns[0]; k++)
        S[0][k] = (pt){ex[k], ey[k]};
    ns[1] = gd_edge_points(w, 0, i + 1, j, ex, ey);
    for (int k = 0; k < ns[1]; k++)
        S[1][k] = (pt){ex[k], ey[k]};
    ns[2] = gd_edge_points(w, 1, i, j + 1, ex, ey);
    for (int k = 0; k < ns[2]; k++)
        S[2][k] = (pt){ex[ns[2] - 1 - k], ey[ns[2] - 1 - k]};
    ns[3] = gd_edge_points(w, 0, i, j, ex, ey);
    for (int k = 0; k < ns[3]; k++)
        S[3][k] = (pt){ex[ns[3] - 1 - k], ey[ns[3] - 1 - k]};

    /* orientation: cut between the pair of opposite sides with more points */
    int m0 = ns[0] < ns[2] ? ns[0] : ns[2], m1 = ns[1] < ns[3] ? ns[1] : ns[3];
    int rot = m0 > m1 ? 0 : m1 > m0 ? 1 : (gd_rng_unif(&r) < 0.5 ? 0 : 1);
    pt K[4];
    for (int k = 0; k < 4; k++)
        K[k] = C[(k + rot) % 4];
    const pt *Qb = S[rot], *Qr = S[(1 + rot) % 4], *Qt = S[(2 + rot) % 4], *Ql = S[(3 + rot) % 4];
    int nb = ns[rot], nr = ns[(1 + rot) % 4], ntp = ns[(2 + rot) % 4], nl = ns[(3 + rot) % 4];

    /* bottom sequence K0 .. K1 and top sequence K3 .. K2 (left to right) */
    pt B[4], T[4];
    int nB = 0, nT = 0;
    B[nB++] = K[0];
    for (int k = 0; k < nb; k++)
        B[nB++] = Qb[k];
    B[nB++] = K[1];
    T[nT++] = K[3];
    for (int k = ntp - 1; k >= 0; k--)
        T[nT++] = Qt[k];
    T[nT++] = K[2];

    /* primary cuts: pairs (bottom index, top index) */
    int pb[2], pt_[2], m = 0;
    if (cls != CL_PARK && nb && ntp) {
        if (nb == ntp) {
            for (int k = 0; k < nb; k++) {
                pb[m] = 1 + k;
                pt_[m] = 1 + k;
                m++;
            }
        } else { /* 2 against 1: pair the closest by position along the side */
            double fb[2], ft[2];
            for (int k = 0; k < nb; k++)
                fb[k] = param(K[0], K[1], Qb[k]);
            for (int k = 0; k < ntp; k++)
                ft[k] = param(K[3], K[2], T[1 + k]);
            if (nb == 2) {
                pb[0] = fabs(fb[0] - ft[0]) <= fabs(fb[1] - ft[0]) ? 1 : 2;
                pt_[0] = 1;
            } else {
                pt_[0] = fabs(ft[0] - fb[0]) <= fabs(ft[1] - fb[0]) ? 1 : 2;
                pb[0] = 1;
            }
            m = 1;
        }
        int maxcuts = (cls == CL_FOREST || cls == CL_FARM) ? 1 : 2;
        if (m == 2 && (m > maxcuts || gd_rng_unif(&r) < 0.15)) {
            int drop = gd_rng_unif(&r) < 0.5 ? 0 : 1;
            pb[0] = pb[1 - drop];
            pt_[0] = pt_[1 - drop];
            m = 1;
        }
    }
    /* lines: left side, the cuts, right side */
    cline L[4];
    int nlines = m + 2;
    memset(L, 0, sizeof L);
    L[0] = (cline){.a = K[0], .b = K[3], .bi = 0, .ti = 0, .edge = 1};
    for (int k = 0; k < nl; k++) { /* Ql runs K3 -> K0: reverse it */
        L[0].p[k] = Ql[nl - 1 - k];
        L[0].t[k] = param(K[0], K[3], L[0].p[k]);
    }
    L[0].n = nl;
    for (int k = 0; k < m; k++)
        L[1 + k] = (cline){.a = B[pb[k]], .b = T[pt_[k]], .bi = pb[k], .ti = pt_[k], .edge = 0};
    L[m + 1] = (cline){.a = K[1], .b = K[2], .bi = nB - 1, .ti = nT - 1, .edge = 1};
    for (int k = 0; k < nr; k++) {
        L[m + 1].p[k] = Qr[k];
        L[m + 1].t[k] = param(K[1], K[2], Qr[k]);
    }
    L[m + 1].n = nr;

    /* secondary cuts across the strips */
    double psec;
    switch (cls) {
    case CL_RES: psec = 0.55; break;
    case CL_COM: psec = 0.5; break;
    case CL_IND: psec = 0.3; break;
    case CL_VILLAGE: psec = 0.45; break;
    case CL_FARM: psec = 0.5; break;
    case CL_FOREST: psec = 0.1; break;
    default: psec = 0; break;
    }
    int cut_l[3], cut_r[3];
    for (int s = 0; s + 1 < nlines; s++) {
        cut_l[s] = cut_r[s] = -1;
        if (gd_rng_unif(&r) >= psec)
            continue;
        double t = 0.3 + 0.4 * gd_rng_unif(&r);
        if (L[s].edge && !L[s].n)
            continue;
        if (L[s + 1].edge && !L[s + 1].n)
            continue;
        int a = line_point(&L[s], t, &r, 0);
        double tr = a >= 0 ? L[s].t[a] : t; /* roughly level cuts */
        int b = a >= 0 ? line_point(&L[s + 1], tr, &r, 0) : -1;
        if (a < 0 || b < 0)
            continue;
        cut_l[s] = a;
        cut_r[s] = b;
    }

    /* the parcels */
    int np = 0;
    for (int s = 0; s + 1 < nlines; s++) {
        const cline *Ls = &L[s], *Rs = &L[s + 1];
        pt bl = B[Ls->bi], br = B[Rs->bi], tl = T[Ls->ti], tr = T[Rs->ti];
        if (cut_l[s] < 0) {
            gd_parcel *p = &out[np++];
            p->n = 0;
            for (int q = Ls->bi; q <= Rs->bi; q++)
                push(p, B[q]);
            push_between(p, Rs, 0.0, 1.0, 1);
            for (int q = Rs->ti; q >= Ls->ti; q--)
                push(p, T[q]);
            push_between(p, Ls, 0.0, 1.0, 0);
            finish(p, bl, br, tr, tl);
        } else {
            double t_l = Ls->t[cut_l[s]], t_r = Rs->t[cut_r[s]];
            pt pl = Ls->p[cut_l[s]], pr = Rs->p[cut_r[s]];
            gd_parcel *p = &out[np++];
            p->n = 0;
            for (int q = Ls->bi; q <= Rs->bi; q++)
                push(p, B[q]);
            push_between(p, Rs, 0.0, t_r, 1);
            push(p, pr);
            push(p, pl);
            push_between(p, Ls, 0.0, t_l, 0);
            finish(p, bl, br, pr, pl);
            p = &out[np++];
            p->n = 0;
            push(p, pl);
            push(p, pr);
            push_between(p, Rs, t_r, 1.0, 1);
            for (int q = Rs->ti; q >= Ls->ti; q--)
                push(p, T[q]);
            push_between(p, Ls, t_l, 1.0, 0);
            finish(p, pl, pr, tr, tl);
        }
    }
    uint32_t base = w->parcel_base ? w->parcel_base[c] : 0;
    for (int k = 0; k < np; k++) {
        uint64_t h = gd_hash(w->seed, ST_LANDUSE, (uint64_t)(int64_t)gi, (uint64_t)(int64_t)gj,
                             (uint64_t)k);
        out[k].code = landuse_code(cls, gd_unit(h));
        out[k].id = base + (uint32_t)k;
    }
    return np;
}

/* ------------------------------------------------------------ status */

static uint64_t parcel_key(const gd_world *w, size_t cell, int k, uint64_t stream)
{
    int i = (int)(cell % (size_t)w->nx), j = (int)(cell / (size_t)w->nx);
    return gd_hash(w->seed, stream, (uint64_t)(int64_t)(i + w->gi0), (uint64_t)(int64_t)(j + w->gj0),
                   (uint64_t)k);
}

int gd_parcel_status(const gd_world *w, size_t cell, int k, const gd_parcel *p)
{
    double u = gd_unit(parcel_key(w, cell, k, ST_BUILDING + 100));
    if (p->code == 'M')
        return u < 0.07 ? 1 : u < 0.11 ? 2 : 0;
    if (p->code == 'R' || p->code == 'B')
        return u < 0.03 ? 2 : 0;
    return 0;
}

/* random point inside the parcel's corner quad, pulled toward its centre */
static void point_in(const gd_parcel *p, gd_rng *r, double *x, double *y)
{
    double a1 = fabs((p->cx4[1] - p->cx4[0]) * (p->cy4[2] - p->cy4[0]) -
                     (p->cx4[2] - p->cx4[0]) * (p->cy4[1] - p->cy4[0]));
    double a2 = fabs((p->cx4[2] - p->cx4[0]) * (p->cy4[3] - p->cy4[0]) -
                     (p->cx4[3] - p->cx4[0]) * (p->cy4[2] - p->cy4[0]));
    int t2 = gd_rng_unif(r) * (a1 + a2) >= a1;
    int b = t2 ? 2 : 1, c = t2 ? 3 : 2;
    double u = gd_rng_unif(r), v = gd_rng_unif(r);
    if (u + v > 1) {
        u = 1 - u;
        v = 1 - v;
    }
    double px = p->cx4[0] + u * (p->cx4[b] - p->cx4[0]) + v * (p->cx4[c] - p->cx4[0]);
    double py = p->cy4[0] + u * (p->cy4[b] - p->cy4[0]) + v * (p->cy4[c] - p->cy4[0]);
    double mx = 0.25 * (p->cx4[0] + p->cx4[1] + p->cx4[2] + p->cx4[3]);
    double my = 0.25 * (p->cy4[0] + p->cy4[1] + p->cy4[2] + p->cy4[3]);
    *x = round((mx + 0.8 * (px - mx)) * 100.0) / 100.0;
    *y = round((my + 0.8 * (py - my)) * 100.0) / 100.0;
}

static double r2(double v) { return round(v * 100.0) / 100.0; }

int gd_parcel_enterprises(const gd_world *w, size_t cell, int k, const gd_parcel *p,
                          gd_enterprise *out)
{
    if (p->code != 'M' || gd_parcel_status(w, cell, k, p) != 0)
        return 0;
    gd_rng r;
    gd_rng_seed(&r, parcel_key(w, cell, k, ST_ENTERPRISE));
    double u = gd_rng_unif(&r);
    int n = u < 0.65 ? 1 : u < 0.9 ? 2 : 3;
    double share[3], ssum = 0;
    for (int e = 0; e < n; e++)
        ssum += share[e] = 0.5 + gd_rng_unif(&r);
    const char *dcode = w->districts[w->dist[cell]].code;
    static const char ALNUM[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (int e = 0; e < n; e++) {
        gd_enterprise *E = &out[e];
        memset(E, 0, sizeof *E);
        double land = p->area * share[e] / ssum;
        double mu = land / (10000.0 / 15.0);
        E->industry = gd_pick_industry(&r);
        gd_company_name(&r, E->industry, E->name, sizeof E->name);
        snprintf(E->uscc, sizeof E->uscc, "91%s", dcode);
        for (int q = 8; q < 18; q++)
            E->uscc[q] = ALNUM[gd_rng_int(&r, 31)];
        E->uscc[18] = '\0';
        E->start_year = 1990 + (int)(pow(gd_rng_unif(&r), 0.7) * 34);
        int young = E->start_year >= 2022;
        double tpm = gd_rng_lognormal(&r, log(9.0), 0.9);
        double tax = mu * tpm * (young ? 0.2 : 1.0);
        double output = tax * gd_rng_lognormal(&r, log(22.0), 0.45);
        E->output_wan = r2(output);
        E->revenue_wan = r2(output * gd_rng_range(&r, 0.92, 1.08));
        E->above = E->revenue_wan >= 2000.0;
        E->va_wan = r2(output * gd_rng_range(&r, 0.18, 0.34));
        E->energy_tce = r2(output * gd_rng_lognormal(&r, log(0.04), 0.7));
        E->emis_t = r2(E->energy_tce * gd_rng_range(&r, 0.003, 0.02));
        E->rd_wan = r2(E->revenue_wan * gd_rng_range(&r, 0.002, 0.045));
        E->employees = fmax(3.0, round(output / gd_rng_lognormal(&r, log(90.0), 0.5)));
        E->tax_wan = r2(tax);
        /* what real registers look like: gaps and zeros */
        double q = gd_rng_unif(&r);
        if (q < 0.03)
            E->tax_wan = NAN;
        else if (q < 0.07 || (young && q < 0.5))
            E->tax_wan = 0.0;
        if (gd_rng_unif(&r) < 0.04)
            E->energy_tce = NAN;
        if (gd_rng_unif(&r) < (E->above ? 0.03 : 0.1))
            E->emis_t = NAN;
        q = gd_rng_unif(&r);
        if (q < (E->above ? 0.04 : 0.1))
            E->rd_wan = NAN;
        else if (q < (E->above ? 0.14 : 0.55))
            E->rd_wan = 0.0;
        if (gd_rng_unif(&r) < 0.02)
            E->employees = NAN;
        if (!E->above && gd_rng_unif(&r) < 0.2)
            E->va_wan = NAN;
        q = gd_rng_unif(&r);
        E->cert_m2 = q < 0.03 ? NAN : q < 0.18 ? r2(land * (1.0 + 0.06 * gd_rng_normal(&r))) : r2(land);
        point_in(p, &r, &E->x, &E->y);
    }
    return n;
}

int gd_parcel_buildings(const gd_world *w, size_t cell, int k, const gd_parcel *p,
                        gd_building *out)
{
    char code = p->code;
    if (code != 'R' && code != 'B' && code != 'M' && code != 'U')
        return 0;
    if (gd_parcel_status(w, cell, k, p) != 0)
        return 0;
    gd_rng r;
    gd_rng_seed(&r, parcel_key(w, cell, k, ST_BUILDING));
    int cls = w->cls[cell];
    int village = cls == CL_VILLAGE || cls == CL_FARM || cls == CL_FOREST;
    int n;
    double v0, v1;
    if (code == 'R' && village) {
        n = 2 + gd_rng_int(&r, 3);
        v0 = 0.15;
        v1 = 0.45;
    } else if (code == 'R') {
        n = 1 + gd_rng_int(&r, 4);
        v0 = 0.12;
        v1 = 0.12 + gd_rng_range(&r, 0.25, 0.5);
    } else if (code == 'M') {
        n = 1 + gd_rng_int(&r, 3);
        v0 = 0.1;
        v1 = gd_rng_range(&r, 0.55, 0.85);
    } else if (code == 'B') {
        n = 1 + gd_rng_int(&r, 2);
        v0 = 0.15;
        v1 = gd_rng_range(&r, 0.5, 0.8);
    } else {
        n = 1 + gd_rng_int(&r, 2);
        v0 = 0.2;
        v1 = gd_rng_range(&r, 0.45, 0.7);
    }
    for (int b = 0; b < n; b++) {
        gd_building *B = &out[b];
        double slot = (1.0 - 2 * 0.08) / n, gap = 0.15 * slot;
        double u0 = 0.08 + b * slot + 0.5 * gap, u1 = u0 + slot - gap;
        if (village && gd_rng_unif(&r) < 0.5) { /* the other side of the plot */
            v0 = 0.55;
            v1 = 0.85;
        }
        double U[4] = {u0, u1, u1, u0}, V[4] = {v0, v0, v1, v1};
        for (int q = 0; q < 4; q++) {
            double uu = U[q], vv = V[q];
            double x = (1 - uu) * (1 - vv) * p->cx4[0] + uu * (1 - vv) * p->cx4[1] +
                       uu * vv * p->cx4[2] + (1 - uu) * vv * p->cx4[3];
            double y = (1 - uu) * (1 - vv) * p->cy4[0] + uu * (1 - vv) * p->cy4[1] +
                       uu * vv * p->cy4[2] + (1 - uu) * vv * p->cy4[3];
            B->x[q] = round(x * 100.0) / 100.0;
            B->y[q] = round(y * 100.0) / 100.0;
        }
        B->x[4] = B->x[0];
        B->y[4] = B->y[0];
        double a = 0;
        for (int q = 0; q < 4; q++)
            a += B->x[q] * B->y[q + 1] - B->x[q + 1] * B->y[q];
        B->area = 0.5 * a;
        double u = gd_rng_unif(&r);
        if (code == 'R' && village) {
            B->floors = 1 + (u < 0.4);
            B->use = "住宅";
        } else if (code == 'R') {
            static const int F[] = {6, 6, 7, 11, 11, 18, 18, 26, 33};
            B->floors = F[gd_rng_int(&r, 9)];
            B->use = "住宅";
        } else if (code == 'M') {
            B->floors = 1 + (int)(u * u * 5);
            B->use = "工业";
        } else if (code == 'B') {
            B->floors = 2 + (int)(u * u * u * 40);
            B->use = "商业";
        } else {
            B->floors = 2 + gd_rng_int(&r, 5);
            B->use = "公共设施";
        }
        double fh = code == 'M' ? 5.5 : code == 'B' ? 4.0 : 3.0;
        B->height = round(B->floors * fh * 10.0) / 10.0;
        B->year = 1975 + (int)(pow(gd_rng_unif(&r), 0.6) * 49);
    }
    return n;
}

int gd_cell_approval(const gd_world *w, int i, int j, int *date)
{
    int cls = w->cls[gd_cell(w, i, j)];
    double p = cls == CL_IND ? 0.10 : (cls == CL_RES || cls == CL_COM) ? 0.05
             : cls == CL_VILLAGE ? 0.04 : 0.0;
    uint64_t h = gd_hash(w->seed, ST_APPROVAL, (uint64_t)(int64_t)(i + w->gi0),
                         (uint64_t)(int64_t)(j + w->gj0), 0);
    if (gd_unit(h) >= p)
        return 0;
    int d0 = gd_days(2009, 1, 1), d1 = gd_days(2024, 3, 31);
    *date = d0 + (int)(gd_unit(gd_mix64(h)) * (d1 - d0));
    return 1;
}
