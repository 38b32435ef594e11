/* coverage: the share of a target (residential land, or points weighted by
 * population) within the service radius of facilities.  Park service-radius
 * coverage 公园绿地服务半径覆盖率 (住建部 2021 城市体检: ≥ 5000 m² parks at
 * 500 m, 2000–5000 m² at 300 m), bus-stop 500 m coverage, greenway 1 km.
 *
 * Facilities get a radius (a rule table on their size and kind, or one
 * RADIUS), are buffered once before the zone loop (in parallel) and
 * indexed.  Per zone: T = the target inside the zone, dissolved; U = the
 * union of the buffers meeting T; covered = area(T ∩ U), with the
 * whole-inclusion shortcut applied per component of T, and the uncovered
 * polygons T − U (盲区) kept in the detail table "uncovered".
 *
 * Where the time goes, and what keeps it down: the target pieces come from
 * lg_clip_layer_grid (most parcels are decided by an interior grid, those
 * along the zone line by lg_covered_be, without overlays); tiling targets
 * dissolve by cancelling shared edges (coverage_dissolve) instead of an
 * overlay union, which was half of all the time; the overlays left are the
 * union of the buffers and one or two overlays of T's border components. */
#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure_internal.h"

/* ------------------------------------------------------------------ */
/* rules                                                               */

typedef struct cov_rule {
    double min_m2, max_m2, radius_m; /* size in [min_m2, max_m2) gets radius_m */
    char **kinds;                    /* NULL: every kind */
    size_t nkinds;
} cov_rule;

typedef struct cov_rules {
    cov_rule *r;
    size_t n, cap;
} cov_rules;

static void rules_free(cov_rules *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        for (size_t k = 0; k < rs->r[i].nkinds; k++)
            free(rs->r[i].kinds[k]);
        free(rs->r[i].kinds);
    }
    free(rs->r);
    memset(rs, 0, sizeof *rs);
}

static lg_status rules_push(lg_ctx *ctx, cov_rules *rs, const cov_rule *r)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 8;
        cov_rule *p = lg_realloc(ctx, rs->r, cap * sizeof *p);
        if (!p)
            return LG_ERR_NOMEM;
        rs->r = p;
        rs->cap = cap;
    }
    rs->r[rs->n++] = *r;
    return LG_OK;
}

#define RULE_FORMAT "\"min_area_m2 max_area_m2 radius_m [kind,kind...]\""

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

/* The next whitespace-separated token of *s (NUL-terminated in place). */
static char *next_token(char **s)
{
    char *p = *s;
    while (*p && is_space(*p))
        p++;
    if (!*p)
        return NULL;
    char *t = p;
    while (*p && !is_space(*p))
        p++;
    if (*p)
        *p++ = '\0';
    *s = p;
    return t;
}

static int parse_number(const char *t, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(t, &end);
    if (end == t || *end || errno == ERANGE || isnan(v))
        return 0;
    *out = v;
    return 1;
}

static char *trim(char *s)
{
    while (*s && is_space(*s))
        s++;
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* One line of a RULES file (comment already cut).  0 for a blank line,
 * 1 for a rule in *r, -1 on error with the reason in why. */
static int parse_rule_line(lg_ctx *ctx, char *line, cov_rule *r, char *why, size_t whylen)
{
    memset(r, 0, sizeof *r);
    char *s = line;
    char *t0 = next_token(&s);
    if (!t0)
        return 0;
    char *t1 = next_token(&s), *t2 = t1 ? next_token(&s) : NULL;
    if (!t1 || !t2) {
        snprintf(why, whylen, "too few values");
        return -1;
    }
    if (!parse_number(t0, &r->min_m2) || !isfinite(r->min_m2) || r->min_m2 < 0) {
        snprintf(why, whylen, "min_area_m2 '%.64s' is not a number >= 0", t0);
        return -1;
    }
    if (!parse_number(t1, &r->max_m2) || r->max_m2 <= r->min_m2) {
        snprintf(why, whylen, "max_area_m2 '%.64s' is not a number greater than min_area_m2 "
                 "(use inf for no upper limit)", t1);
        return -1;
    }
    if (!parse_number(t2, &r->radius_m) || !isfinite(r->radius_m) || r->radius_m <= 0) {
        snprintf(why, whylen, "radius_m '%.64s' is not a number > 0", t2);
        return -1;
    }
    char *rest = trim(s);
    if (!*rest)
        return 1;
    /* the rest of the line: kinds, comma-separated (spaces around commas
     * are dropped; a kind may contain inner spaces) */
    size_t n = 1;
    for (const char *p = rest; *p; p++)
        n += *p == ',';
    r->kinds = lg_calloc(ctx, n, sizeof *r->kinds);
    if (!r->kinds) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    char *save = NULL;
    for (char *k = rest;; k = NULL) {
        char *tok = k ? k : save;
        if (!tok)
            break;
        char *comma = strchr(tok, ',');
        if (comma) {
            *comma = '\0';
            save = comma + 1;
        } else {
            save = NULL;
        }
        char *kind = trim(tok);
        if (!*kind) {
            snprintf(why, whylen, "empty kind in the kind list");
            goto bad;
        }
        if (!(r->kinds[r->nkinds] = lg_strdup(ctx, kind))) {
            snprintf(why, whylen, "out of memory");
            goto bad;
        }
        r->nkinds++;
        if (!save)
            break;
    }
    return 1;
bad:
    for (size_t k = 0; k < r->nkinds; k++)
        free(r->kinds[k]);
    free(r->kinds);
    r->kinds = NULL;
    r->nkinds = 0;
    return -1;
}

static lg_status rules_read(lg_ctx *ctx, const char *kernel, const char *path, cov_rules *rs)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return lg_error(ctx, LG_ERR_IO, "%s: cannot open RULES file %s: %s", kernel, path,
                        strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    lg_status st = LG_OK;
    while (st == LG_OK && getline(&line, &cap, f) >= 0) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        cov_rule r;
        char why[256];
        int k = parse_rule_line(ctx, line, &r, why, sizeof why);
        if (k < 0)
            st = lg_error(ctx, LG_ERR_ARG, "%s: RULES file %s line %u: %s; expected " RULE_FORMAT,
                          kernel, path, lineno, why);
        else if (k > 0 && rules_push(ctx, rs, &r) != LG_OK) {
            for (size_t i = 0; i < r.nkinds; i++)
                free(r.kinds[i]);
            free(r.kinds);
            st = LG_ERR_NOMEM;
        }
    }
    if (st == LG_OK && ferror(f))
        st = lg_error(ctx, LG_ERR_IO, "%s: cannot read RULES file %s", kernel, path);
    if (st == LG_OK && rs->n == 0)
        st = lg_error(ctx, LG_ERR_ARG, "%s: RULES file %s holds no rule; expected lines " RULE_FORMAT,
                      kernel, path);
    free(line);
    fclose(f);
    return st;
}

/* The 2021 城市体检 rule: ≥ 5000 m² → 500 m, [2000, 5000) m² → 300 m. */
static lg_status rules_default(lg_ctx *ctx, cov_rules *rs)
{
    cov_rule a = {5000, INFINITY, 500, NULL, 0}, b = {2000, 5000, 300, NULL, 0};
    if (rules_push(ctx, rs, &a) != LG_OK || rules_push(ctx, rs, &b) != LG_OK)
        return LG_ERR_NOMEM;
    return LG_OK;
}

static void fmt_num(char *buf, size_t len, double v)
{
    if (isinf(v))
        snprintf(buf, len, "inf");
    else
        snprintf(buf, len, "%.15g", v);
}

/* "[5000, inf) m2 -> 500 m; [2000, 5000) m2 -> 300 m; otherwise not counted" */
static char *rules_text(lg_ctx *ctx, const cov_rules *rs)
{
    size_t cap = 256, len = 0;
    char *s = lg_malloc(ctx, cap);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i <= rs->n; i++) {
        char part[1024], a[64], b[64], c[64];
        if (i < rs->n) {
            const cov_rule *r = &rs->r[i];
            fmt_num(a, sizeof a, r->min_m2);
            fmt_num(b, sizeof b, r->max_m2);
            fmt_num(c, sizeof c, r->radius_m);
            int n = snprintf(part, sizeof part, "%s[%s, %s) m2", i ? "; " : "", a, b);
            for (size_t k = 0; k < r->nkinds && n > 0 && (size_t)n < sizeof part; k++)
                n += snprintf(part + n, sizeof part - (size_t)n, "%s%.200s%s",
                              k ? ", " : " kind in {", r->kinds[k], k + 1 == r->nkinds ? "}" : "");
            if (n > 0 && (size_t)n < sizeof part)
                snprintf(part + n, sizeof part - (size_t)n, " -> %s m", c);
        } else {
            snprintf(part, sizeof part, "; otherwise not counted (first matching rule applies)");
        }
        size_t pl = strlen(part);
        if (len + pl + 1 > cap) {
            while (len + pl + 1 > cap)
                cap *= 2;
            char *t = lg_realloc(ctx, s, cap);
            if (!t) {
                free(s);
                return NULL;
            }
            s = t;
        }
        memcpy(s + len, part, pl + 1);
        len += pl;
    }
    return s;
}

/* The radius of the first rule matching (size, kind); 0 when none. */
static double rules_radius(const cov_rules *rs, double size, const char *kind)
{
    for (size_t i = 0; i < rs->n; i++) {
        const cov_rule *r = &rs->r[i];
        if (!(size >= r->min_m2 && size < r->max_m2))
            continue;
        if (r->kinds) {
            int hit = 0;
            for (size_t k = 0; kind && k < r->nkinds && !hit; k++)
                hit = !strcmp(r->kinds[k], kind);
            if (!hit)
                continue;
        }
        return r->radius_m;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* geometry helpers                                                    */

/* Push a copy of every polygon of g (polygonal) into v. */
static lg_status push_polygons(lg_worker *w, lg_gvec *v, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = w->geos;
    int t = GEOSGeomTypeId_r(h, g), n = t == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = t == GEOS_POLYGON ? g : GEOSGetGeometryN_r(h, g, i);
        if (GEOSGeomTypeId_r(h, p) != GEOS_POLYGON || GEOSisEmpty_r(h, p))
            continue;
        GEOSGeometry *c = GEOSGeom_clone_r(h, p);
        if (!c)
            return lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot copy a geometry");
        lg_status st = lg_gvec_push(w, v, c);
        if (st != LG_OK)
            return st;
    }
    return LG_OK;
}

/* ------------------------------------------------------------------ */
/* the job                                                             */

typedef struct cov_job {
    const lg_zones *zones;
    const lg_layer *fac, *target;
    const lg_index *tidx;      /* target index */
    const double *tboxes;      /* target feature boxes */
    int exact;                 /* zones and target valid: grid, dissolve */
    int points;                /* target: 1 points, 0 polygons */
    /* facility radii and buffers (pre-pass) */
    const double *radius;      /* per facility, 0 = not counted */
    int segments;
    GEOSGeometry **buf;        /* per facility, NULL = not counted */
    double *bbox;              /* per facility, 4 doubles */
    /* the buffers in facility order, and their index */
    size_t nb;
    GEOSGeometry **bgeom;
    lg_index *bidx;
    /* point targets */
    const double *weight;      /* per target point, NaN = left out */
    GEOSGeometry *const *centroid; /* per target feature: NULL = use the geometry */
    /* per zone */
    double *num, *den, *unc;
    lg_gvec *uncovered;        /* polygons: the uncovered pieces */
    lg_ivec *pts;              /* points: (point, covered) pairs, flattened */
} cov_job;

static lg_status buffer_one(lg_worker *w, size_t i, void *user)
{
    cov_job *j = user;
    if (!(j->radius[i] > 0))
        return LG_OK;
    GEOSContextHandle_t h = w->geos;
    GEOSGeometry *b = GEOSBuffer_r(h, lg_layer_geom(j->fac, i), j->radius[i], j->segments);
    if (!b)
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot buffer facility FID %lld of %s: %s",
                              lg_layer_fid(j->fac, i), lg_layer_source(j->fac),
                              w->err[0] ? w->err : "GEOS failed");
    double *e = j->bbox + 4 * i;
    if (GEOSisEmpty_r(h, b) || !GEOSGeom_getExtent_r(h, b, &e[0], &e[1], &e[2], &e[3])) {
        GEOSGeom_destroy_r(h, b);
        return LG_OK;
    }
    lg_warm_envelopes(h, b);
    j->buf[i] = b;
    return LG_OK;
}


/* ------------------------------------------------------------------ */
/* dissolving a coverage                                               */

/* Target polygons that tile (land-use parcels: shared edges with the same
 * vertices, no overlaps) dissolve without an overlay.  Orient every ring
 * edge with its polygon's interior on the left: an edge shared by two
 * pieces appears twice, in opposite directions, and cancels; the edges
 * left bound the union, interior on the left.  Chaining them (at a vertex,
 * the outgoing edge first clockwise from the way back, and a walk that
 * comes back to a vertex split there) gives simple rings: counter-clockwise
 * ones are shells, clockwise ones holes, each in the smallest shell holding
 * it.  Pieces that overlap leave an edge held twice on the same side
 * (rejected at once), or rings that cross or nest where they should not:
 * the result is used only when GEOS finds it valid (and its area is the sum
 * of the pieces' areas, which holds by construction when the chaining went
 * right), so it is the union.  Anything else goes to the overlay union. */

typedef struct seg_slot {
    double k[4];    /* normalized: (k[0],k[1]) < (k[2],k[3]) lexicographically */
    unsigned count; /* rings holding it: 0 free slot, 1 boundary, 2 cancelled */
    unsigned fwd;   /* the interior is left of k0 -> k1 (first holder) */
} seg_slot;

typedef struct pt_slot {
    double x, y;
    size_t id; /* (size_t)-1: free */
} pt_slot;

static size_t table_size(size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    return cap;
}

/* Normalize segment (x0,y0)-(x1,y1) into k; 1 when reversed. */
static int seg_norm(double x0, double y0, double x1, double y1, double k[4])
{
    int rev = x1 < x0 || (x1 == x0 && y1 < y0);
    k[0] = rev ? x1 : x0;
    k[1] = rev ? y1 : y0;
    k[2] = rev ? x0 : x1;
    k[3] = rev ? y0 : y1;
    return rev;
}

static seg_slot *seg_find(seg_slot *s, size_t mask, const double k[4])
{
    for (size_t i = (size_t)lg_hash_doubles(k, 4) & mask;; i = (i + 1) & mask) {
        seg_slot *e = &s[i];
        if (!e->count || (e->k[0] == k[0] && e->k[1] == k[1] && e->k[2] == k[2] && e->k[3] == k[3]))
            return e;
    }
}

/* The id of point (x, y), a new one (*n) when unseen. */
static size_t pt_id(pt_slot *s, size_t mask, double x, double y, size_t *n)
{
    double k[2] = {x, y};
    for (size_t i = (size_t)lg_hash_doubles(k, 2) & mask;; i = (i + 1) & mask) {
        pt_slot *e = &s[i];
        if (e->id == (size_t)-1) {
            e->x = x, e->y = y, e->id = (*n)++;
            return e->id;
        }
        if (e->x == x && e->y == y)
            return e->id;
    }
}

/* A growable array of doubles. */
typedef struct dbuf {
    double *v;
    size_t n, cap;
} dbuf;

static int dbuf_reserve(dbuf *b, size_t n)
{
    if (b->n + n <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->n + n)
        cap *= 2;
    double *v = realloc(b->v, cap * sizeof *v);
    if (!v)
        return 0;
    b->v = v;
    b->cap = cap;
    return 1;
}

/* Add the edges of a ring (interior on the left); 0 when the pieces are not
 * a coverage or on failure. */
static int seg_add_ring(GEOSContextHandle_t h, seg_slot *s, size_t mask, const GEOSGeometry *ring,
                        int hole, dbuf *buf)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    char ccw = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n))
        return 0;
    if (n == 0)
        return 1;
    if (n < 4 || !GEOSCoordSeq_isCCW_r(h, cs, &ccw))
        return 0;
    buf->n = 0;
    if (!dbuf_reserve(buf, 2 * (size_t)n) || !GEOSCoordSeq_copyToBuffer_r(h, cs, buf->v, 0, 0))
        return 0;
    const double *c = buf->v;
    /* the polygon's interior lies left of a CCW shell and of a CW hole */
    int ileft = hole ? !ccw : ccw;
    for (unsigned i = 0; i + 1 < n; i++) {
        double k[4];
        if (c[2 * i] == c[2 * i + 2] && c[2 * i + 1] == c[2 * i + 3])
            continue; /* repeated point */
        int rev = seg_norm(c[2 * i], c[2 * i + 1], c[2 * i + 2], c[2 * i + 3], k);
        unsigned fwd = (unsigned)(rev ? !ileft : ileft);
        seg_slot *e = seg_find(s, mask, k);
        if (!e->count) {
            memcpy(e->k, k, sizeof k);
            e->fwd = fwd;
            e->count = 1;
        } else if (e->count == 1 && e->fwd != fwd) {
            e->count = 2; /* shared by two neighbours: inside the union */
        } else {
            return 0; /* two pieces on the same side of an edge: they overlap */
        }
    }
    return 1;
}

/* Signed area of a closed ring xy[0..n) (first point repeated last). */
static double ring_area(const double *xy, size_t n)
{
    double s = 0, x0 = xy[0];
    for (size_t i = 1; i + 1 < n; i++)
        s += (xy[2 * i] - x0) * (xy[2 * i + 3] - xy[2 * i - 1]);
    return s / 2;
}

/* Crossing-number test of (px, py) against a closed ring. */
static int ring_holds(const double *xy, size_t n, double px, double py)
{
    int in = 0;
    for (size_t i = 0, j = n - 2; i + 1 < n; j = i++) {
        double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

#define TWO_PI 6.283185307179586476925286766559

typedef struct ring_info {
    size_t off, n;   /* in the coordinate buffer (pairs) */
    double area;     /* signed: > 0 shell, < 0 hole */
    double box[4];
    size_t shell;    /* hole: its shell's ring */
} ring_info;

static GEOSGeometry *ring_geom(GEOSContextHandle_t h, const dbuf *xy, const ring_info *r)
{
    GEOSCoordSequence *cs =
        GEOSCoordSeq_copyFromBuffer_r(h, xy->v + 2 * r->off, (unsigned)r->n, 0, 0);
    return cs ? GEOSGeom_createLinearRing_r(h, cs) : NULL;
}

/* The union of the polygons polys[0..n) (borrowed) when they form a
 * coverage, else NULL (also on GEOS failure: the caller falls back to an
 * overlay union).  sum: the sum of their areas. */
static GEOSGeometry *coverage_dissolve(lg_worker *w, const GEOSGeometry *const *polys, size_t n,
                                       double sum)
{
    GEOSContextHandle_t h = w->geos;
    size_t nseg = 0;
    for (size_t i = 0; i < n; i++) {
        int nr = GEOSGetNumInteriorRings_r(h, polys[i]);
        for (int r = -1; r < nr; r++) {
            const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(h, polys[i])
                                             : GEOSGetInteriorRingN_r(h, polys[i], r);
            int m = ring ? GEOSGeomGetNumPoints_r(h, ring) : 0;
            nseg += m > 0 ? (size_t)m : 0;
        }
    }
    size_t cap = table_size(nseg), mask = cap - 1;
    seg_slot *segs = calloc(cap, sizeof *segs);
    dbuf buf = {0}, xy = {0};
    double *edges = NULL;       /* residual edges, 4 doubles, interior left */
    size_t *from = NULL, *first = NULL, *order = NULL, *next_of = NULL;
    unsigned char *used = NULL;
    pt_slot *pts = NULL;
    ring_info *rings = NULL;
    size_t nrings = 0, rcap = 0;
    GEOSGeometry *out = NULL;
    int ok = segs != NULL;
    for (size_t i = 0; i < n && ok; i++) {
        int nr = GEOSGetNumInteriorRings_r(h, polys[i]);
        for (int r = -1; r < nr && ok; r++) {
            const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(h, polys[i])
                                             : GEOSGetInteriorRingN_r(h, polys[i], r);
            ok = ring && seg_add_ring(h, segs, mask, ring, r >= 0, &buf);
        }
    }
    /* the boundary edges, as (from, to) in interior-left direction */
    size_t ne = 0;
    for (size_t i = 0; ok && i < cap; i++)
        ne += segs[i].count == 1;
    ok = ok && ne >= 3 && (edges = malloc(4 * ne * sizeof *edges));
    for (size_t i = 0, e = 0; ok && i < cap; i++) {
        const seg_slot *s = &segs[i];
        if (s->count != 1)
            continue;
        double *d = edges + 4 * e++;
        if (s->fwd)
            d[0] = s->k[0], d[1] = s->k[1], d[2] = s->k[2], d[3] = s->k[3];
        else
            d[0] = s->k[2], d[1] = s->k[3], d[2] = s->k[0], d[3] = s->k[1];
    }
    free(segs);
    segs = NULL;
    /* vertices (at most 2 ne); the edges leaving each vertex (CSR: first[v]
     * .. first[v+1]) */
    size_t pcap = table_size(ne), np = 0;
    ok = ok && (pts = malloc(pcap * sizeof *pts)) && (from = malloc(2 * ne * sizeof *from)) &&
         (first = calloc(2 * ne + 2, sizeof *first)) && (order = malloc(ne * sizeof *order)) &&
         (used = calloc(ne, 1));
    for (size_t i = 0; ok && i < pcap; i++)
        pts[i].id = (size_t)-1;
    for (size_t e = 0; ok && e < ne; e++) {
        from[2 * e] = pt_id(pts, pcap - 1, edges[4 * e], edges[4 * e + 1], &np);
        from[2 * e + 1] = pt_id(pts, pcap - 1, edges[4 * e + 2], edges[4 * e + 3], &np);
        first[from[2 * e] + 1]++;
    }
    for (size_t v = 0; ok && v < np; v++)
        first[v + 1] += first[v];
    if (ok) {
        size_t *fill = next_of = malloc((np + 1) * sizeof *fill);
        ok = fill != NULL;
        for (size_t v = 0; ok && v <= np; v++)
            fill[v] = first[v];
        for (size_t e = 0; ok && e < ne; e++)
            order[fill[from[2 * e]]++] = e;
    }
    /* chain the edges into closed walks, and split each walk into simple
     * rings where it passes a vertex twice (a hole touching its shell) */
    size_t *walk = ok ? malloc(ne * sizeof *walk) : NULL;
    size_t *stack = ok ? malloc(ne * sizeof *stack) : NULL;
    size_t *posv = ok ? malloc((np ? np : 1) * sizeof *posv) : NULL;
    ok = ok && walk && stack && posv;
    for (size_t v = 0; ok && v < np; v++)
        posv[v] = (size_t)-1;
    for (size_t e0 = 0; ok && e0 < ne; e0++) {
        if (used[e0])
            continue;
        size_t nw = 0, e = e0;
        for (;;) {
            used[e] = 1;
            walk[nw++] = e;
            /* at the end vertex: the edge leaving first clockwise from the
             * way back (the other side of the same interior sector) */
            const double *d = edges + 4 * e;
            size_t v = from[2 * e + 1], best = (size_t)-1;
            double back = atan2(d[1] - d[3], d[0] - d[2]), bestturn = 0;
            for (size_t k = first[v]; k < first[v + 1]; k++) {
                size_t c = order[k];
                const double *o = edges + 4 * c;
                double turn = back - atan2(o[3] - o[1], o[2] - o[0]);
                while (turn <= 0)
                    turn += TWO_PI;
                while (turn > TWO_PI)
                    turn -= TWO_PI;
                if (best == (size_t)-1 || turn < bestturn)
                    best = c, bestturn = turn;
            }
            if (best == e0)
                break; /* closed */
            if (best == (size_t)-1 || used[best]) {
                ok = 0; /* not a set of closed rings */
                break;
            }
            e = best;
        }
        size_t top = 0;
        for (size_t i = 0; ok && i < nw; i++) {
            size_t c = walk[i];
            posv[from[2 * c]] = top;
            stack[top++] = c;
            size_t u = from[2 * c + 1], at = posv[u];
            if (at == (size_t)-1)
                continue;
            /* a simple ring: stack[at .. top) */
            if (nrings == rcap) {
                rcap = rcap ? 2 * rcap : 64;
                ring_info *ri = realloc(rings, rcap * sizeof *ri);
                if (!ri) {
                    ok = 0;
                    break;
                }
                rings = ri;
            }
            ring_info *r = &rings[nrings];
            r->off = xy.n / 2;
            r->n = top - at + 1;
            r->shell = (size_t)-1;
            if (r->n < 4 || !dbuf_reserve(&xy, 2 * r->n)) {
                ok = 0;
                break;
            }
            xy.v[xy.n++] = edges[4 * stack[at]];
            xy.v[xy.n++] = edges[4 * stack[at] + 1];
            for (size_t k = at; k < top; k++) {
                xy.v[xy.n++] = edges[4 * stack[k] + 2];
                xy.v[xy.n++] = edges[4 * stack[k] + 3];
                posv[from[2 * stack[k]]] = (size_t)-1;
            }
            top = at;
            const double *q = xy.v + 2 * r->off;
            r->area = ring_area(q, r->n);
            r->box[0] = r->box[2] = q[0];
            r->box[1] = r->box[3] = q[1];
            for (size_t k = 1; k < r->n; k++) {
                r->box[0] = fmin(r->box[0], q[2 * k]);
                r->box[1] = fmin(r->box[1], q[2 * k + 1]);
                r->box[2] = fmax(r->box[2], q[2 * k]);
                r->box[3] = fmax(r->box[3], q[2 * k + 1]);
            }
            nrings++;
        }
        ok = ok && top == 0;
    }
    free(walk);
    free(stack);
    free(posv);
    /* each hole into the smallest shell holding it; the area check */
    double total = 0;
    size_t nshells = 0;
    for (size_t i = 0; ok && i < nrings; i++) {
        ring_info *r = &rings[i];
        total += r->area;
        if (r->area > 0) {
            nshells++;
            continue;
        }
        const double *c = xy.v + 2 * r->off;
        if (r->area == 0) { /* left out: only when flat (no area anywhere) */
            for (size_t k = 2; ok && k + 1 < r->n; k++)
                ok = !lg_orient(c[0], c[1], c[2], c[3], c[2 * k], c[2 * k + 1]);
            continue;
        }
        double px = (c[0] + c[2]) / 2, py = (c[1] + c[3]) / 2;
        double best = 0;
        for (size_t k = 0; k < nrings; k++) {
            const ring_info *s = &rings[k];
            if (s->area <= 0 || px < s->box[0] || px > s->box[2] || py < s->box[1] ||
                py > s->box[3] || (r->shell != (size_t)-1 && s->area >= best))
                continue;
            if (ring_holds(xy.v + 2 * s->off, s->n, px, py))
                r->shell = k, best = s->area;
        }
        ok = r->shell != (size_t)-1;
    }
    ok = ok && nshells > 0 && fabs(total - sum) <= 1e-12 * sum;
    /* the polygons */
    GEOSGeometry **parts = ok ? calloc(nshells, sizeof *parts) : NULL;
    size_t nparts = 0;
    ok = ok && parts;
    size_t *nh = ok ? calloc(nrings, sizeof *nh) : NULL;
    ok = ok && nh;
    for (size_t i = 0; ok && i < nrings; i++)
        if (rings[i].area < 0)
            nh[rings[i].shell]++;
    for (size_t i = 0; ok && i < nrings; i++) {
        if (rings[i].area <= 0)
            continue;
        GEOSGeometry **holes = nh[i] ? calloc(nh[i], sizeof *holes) : NULL;
        size_t k = 0;
        ok = !nh[i] || holes;
        for (size_t j = 0; ok && j < nrings && k < nh[i]; j++)
            if (rings[j].area < 0 && rings[j].shell == i &&
                !(holes[k++] = ring_geom(h, &xy, &rings[j])))
                ok = 0;
        GEOSGeometry *shell = ok ? ring_geom(h, &xy, &rings[i]) : NULL;
        if (shell && (parts[nparts] = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)k))) {
            nparts++;
        } else {
            /* GEOS takes the rings also when it fails */
            for (size_t j = 0; !shell && j < k; j++)
                if (holes[j])
                    GEOSGeom_destroy_r(h, holes[j]);
            ok = 0;
        }
        free(holes);
    }
    if (ok) {
        out = nparts == 1
                  ? parts[0]
                  : GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)nparts);
        nparts = 0;
    }
    for (size_t i = 0; parts && i < nparts; i++)
        GEOSGeom_destroy_r(h, parts[i]);
    free(parts);
    free(nh);
    if (out && GEOSisValid_r(h, out) != 1) {
        GEOSGeom_destroy_r(h, out);
        out = NULL;
    }
    free(segs);
    free(buf.v);
    free(xy.v);
    free(edges);
    free(from);
    free(first);
    free(order);
    free(next_of);
    free(used);
    free(pts);
    free(rings);
    w->err[0] = '\0'; /* a failure here is not an error: the overlay decides */
    return out;
}

/* The union of the pieces, polygonal: the coverage dissolve when they tile,
 * else the overlay union.  NULL on GEOS failure. */
static GEOSGeometry *dissolve_pieces(lg_worker *w, const lg_pvec *v)
{
    GEOSContextHandle_t h = w->geos;
    /* the polygons of the pieces (lower-dimension parts have no area) */
    lg_pvec polys = {0};
    double sum = 0;
    for (size_t i = 0; i < v->n; i++)
        if (lg_pvec_polygons(w, v->g[i], &polys) != LG_OK) {
            lg_pvec_free(h, &polys);
            return NULL;
        }
    for (size_t i = 0; i < polys.n; i++) {
        double a = 0;
        GEOSArea_r(h, polys.g[i], &a);
        sum += a;
    }
    GEOSGeometry *u = NULL;
    if (polys.n == 0)
        u = GEOSGeom_createEmptyCollection_r(h, GEOS_MULTIPOLYGON);
    else if (polys.n == 1)
        u = GEOSGeom_clone_r(h, polys.g[0]);
    else if (!(u = coverage_dissolve(w, polys.g, polys.n, sum))) {
        u = lg_pvec_union(w, &polys);
    }
    lg_pvec_free(h, &polys);
    return u;
}


/* The target inside zone zi, dissolved and polygonal (*out, owned). */
static lg_status zone_target(lg_worker *w, cov_job *j, size_t zi, GEOSGeometry **out)
{
    GEOSContextHandle_t h = w->geos;
    *out = NULL;
    lg_pvec pieces = {0};
    /* input that may be invalid: clipped and dissolved by GEOS, as before
     * the grid and the coverage dissolve (which assume valid polygons) */
    lg_status st = j->exact ? lg_clip_layer_to_zone_grid(w, j->zones, zi, j->target, j->tidx,
                                                         j->tboxes, lg_collect_piece_ref, &pieces)
                            : lg_clip_layer_to_zone(w, j->zones, zi, j->target, j->tidx,
                                                    lg_collect_piece_ref, &pieces);
    GEOSGeometry *t = NULL;
    if (st == LG_OK) {
        /* dissolve: overlapping target polygons count once */
        if (j->exact)
            t = dissolve_pieces(w, &pieces);
        else if (pieces.n <= 1)
            t = pieces.n ? GEOSGeom_clone_r(h, pieces.g[0])
                         : GEOSGeom_createEmptyCollection_r(h, GEOS_MULTIPOLYGON);
        else
            t = lg_pvec_union(w, &pieces);
        t = lg_polygonal(h, t);
        if (!t)
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: cannot dissolve the target: %s",
                                lg_zones_id(j->zones, zi), w->err[0] ? w->err : "GEOS failed");
    }
    lg_pvec_free(h, &pieces);
    *out = t;
    return st;
}

static lg_status union_buffers(lg_worker *w, cov_job *j, const lg_ivec *cand, GEOSGeometry **u)
{
    GEOSContextHandle_t h = w->geos;
    lg_gvec v = {0};
    lg_status st = LG_OK;
    for (size_t k = 0; k < cand->n && st == LG_OK; k++) {
        GEOSGeometry *c = GEOSGeom_clone_r(h, j->bgeom[cand->v[k]]);
        st = c ? lg_gvec_push(w, &v, c) : lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot copy a buffer");
    }
    if (st == LG_OK && !(*u = lg_gvec_union(w, &v)))
        st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot dissolve the facility buffers: %s",
                            w->err[0] ? w->err : "GEOS failed");
    lg_gvec_free(h, &v);
    return st;
}

/* Border targets of more vertices than this get their covered area by
 * subtraction (see cov_zone_polygons). */
#define COV_SUBTRACT_VERTICES 4096

static lg_status cov_zone_polygons(lg_worker *w, cov_job *j, size_t zi)
{
    GEOSContextHandle_t h = w->geos;
    GEOSGeometry *t = NULL, *u = NULL, *bnd = NULL, *in = NULL, *out = NULL;
    const GEOSPreparedGeometry *pu = NULL;
    lg_ivec cand = {0};
    GEOSGeometry **border = NULL;
    int nborder = 0;
    lg_gvec *unc = &j->uncovered[zi];
    lg_status st = zone_target(w, j, zi, &t);
    if (st != LG_OK || GEOSisEmpty_r(h, t))
        goto done;
    GEOSArea_r(h, t, &j->den[zi]);
    double box[4];
    if (!GEOSGeom_getExtent_r(h, t, &box[0], &box[1], &box[2], &box[3])) {
        st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: the target has no extent",
                            lg_zones_id(j->zones, zi));
        goto done;
    }
    if (j->bidx && !lg_index_query(j->bidx, box, &cand)) {
        st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (cand.n > 1) {
        /* only the buffers meeting T itself, not just its box, are
         * dissolved (halves the union on real data, where zone boxes
         * overlap) */
        const GEOSPreparedGeometry *pt = GEOSPrepare_r(h, t);
        if (!pt) {
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: cannot prepare the target: %s",
                                lg_zones_id(j->zones, zi), w->err);
            goto done;
        }
        size_t keep = 0;
        for (size_t k = 0; k < cand.n && st == LG_OK; k++) {
            char m = GEOSPreparedIntersects_r(h, pt, j->bgeom[cand.v[k]]);
            if (m == 2)
                st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: %s", lg_zones_id(j->zones, zi),
                                    w->err[0] ? w->err : "GEOS predicate failed");
            else if (m == 1)
                cand.v[keep++] = cand.v[k];
        }
        cand.n = keep;
        GEOSPreparedGeom_destroy_r(h, pt);
        if (st != LG_OK)
            goto done;
    }
    if (cand.n == 0) { /* no facility near: all of it is uncovered */
        st = push_polygons(w, unc, t);
        goto done;
    }
    if ((st = union_buffers(w, j, &cand, &u)) != LG_OK)
        goto done;
    if (!(pu = GEOSPrepare_r(h, u))) {
        st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot prepare the buffers: %s", w->err);
        goto done;
    }
    /* per component of T: whole inclusion / no contact / boundary case */
    int nt = GEOSGetNumGeometries_r(h, t);
    border = calloc((size_t)(nt > 0 ? nt : 1), sizeof *border);
    if (!border) {
        st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int k = 0; k < nt && st == LG_OK; k++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, t, k);
        char c = GEOSPreparedCovers_r(h, pu, p);
        char m = c == 0 ? GEOSPreparedIntersects_r(h, pu, p) : c;
        if (c == 2 || m == 2) {
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: %s", lg_zones_id(j->zones, zi),
                                w->err[0] ? w->err : "GEOS predicate failed");
        } else if (c == 1) {
            double a = 0;
            GEOSArea_r(h, p, &a);
            j->num[zi] += a;
        } else if (m == 0) {
            st = push_polygons(w, unc, p);
        } else if (!(border[nborder] = GEOSGeom_clone_r(h, p))) {
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot copy a geometry");
        } else {
            nborder++;
        }
    }
    if (st != LG_OK || nborder == 0)
        goto done;
    /* the components of a valid (multi)polygon: a valid multipolygon */
    bnd = nborder == 1 ? border[0]
                       : GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, border, (unsigned)nborder);
    nborder = 0; /* owned by bnd now (GEOS takes them also when it fails) */
    /* the uncovered part (盲区) is needed as polygons, the covered part only
     * as an area.  For a large border (the cost is in these overlays) whose
     * covered part is the larger one, that area is area(bnd) − area(out):
     * the overlays split bnd at the same computed crossing points, up to
     * their rounding (about 1e-8 m² a crossing), under 1e-14 of such an
     * area.  Else the intersection gets its own overlay. */
    double ain = 0, abnd = 0, aout = 0;
    out = bnd ? lg_polygonal(h, GEOSDifference_r(h, bnd, u)) : NULL;
    if (out && GEOSGetNumCoordinates_r(h, bnd) > COV_SUBTRACT_VERTICES &&
        GEOSArea_r(h, bnd, &abnd) && GEOSArea_r(h, out, &aout) && aout <= 0.5 * abnd) {
        ain = abnd - aout;
    } else if (out && (in = GEOSIntersection_r(h, bnd, u))) {
        GEOSArea_r(h, in, &ain);
    } else {
        st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: cannot overlay the target and the buffers: %s",
                            lg_zones_id(j->zones, zi), w->err[0] ? w->err : "GEOS failed");
        goto done;
    }
    j->num[zi] += ain;
    st = push_polygons(w, unc, out);
done:
    for (size_t k = 0; border && k < (size_t)nborder; k++)
        GEOSGeom_destroy_r(h, border[k]);
    free(border);
    for (size_t k = 0; k < unc->n; k++) {
        double a = 0;
        GEOSArea_r(h, unc->g[k], &a);
        j->unc[zi] += a;
    }
    if (pu)
        GEOSPreparedGeom_destroy_r(h, pu);
    GEOSGeometry *own[] = {t, u, bnd, in, out};
    for (size_t k = 0; k < sizeof own / sizeof *own; k++)
        if (own[k])
            GEOSGeom_destroy_r(h, own[k]);
    lg_ivec_free(&cand);
    return st;
}

/* Points: each target point the zone covers, with whether a buffer covers
 * it, as pairs (point, covered) in j->pts[zi]; weights are added up in the
 * main thread, where a point on a shared boundary goes to the first zone. */
static lg_status cov_zone_points(lg_worker *w, cov_job *j, size_t zi)
{
    GEOSContextHandle_t h = w->geos;
    lg_ivec cand = {0}, bc = {0};
    const GEOSPreparedGeometry *pz;
    lg_status st = lg_zone_candidates(w, j->zones, zi, j->tidx, &cand, &pz);
    for (size_t k = 0; k < cand.n && st == LG_OK; k++) {
        size_t p = cand.v[k];
        if (isnan(j->weight[p]))
            continue;
        const GEOSGeometry *g = j->centroid[p] ? j->centroid[p] : lg_layer_geom(j->target, p);
        char in = GEOSPreparedCovers_r(h, pz, g);
        if (in == 2) {
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: %s", lg_zones_id(j->zones, zi),
                                w->err[0] ? w->err : "GEOS predicate failed");
            break;
        }
        if (!in)
            continue;
        size_t covered = 0;
        double x0, y0, x1, y1;
        if (j->bidx && GEOSGeom_getExtent_r(h, g, &x0, &y0, &x1, &y1)) {
            double q[4] = {x0, y0, x1, y1};
            if (!lg_index_query(j->bidx, q, &bc)) {
                st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
                break;
            }
            for (size_t b = 0; b < bc.n && !covered; b++) {
                char c = GEOSCovers_r(h, j->bgeom[bc.v[b]], g);
                if (c == 2)
                    st = lg_worker_fail(w, LG_ERR_GEOMETRY, "%s",
                                        w->err[0] ? w->err : "GEOS predicate failed");
                covered = c == 1;
            }
        }
        if (st == LG_OK && (!lg_ivec_push(&j->pts[zi], p) || !lg_ivec_push(&j->pts[zi], covered)))
            st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    }
    if (pz)
        GEOSPreparedGeom_destroy_r(h, pz);
    lg_ivec_free(&cand);
    lg_ivec_free(&bc);
    return st;
}

static lg_status cov_zone(lg_worker *w, size_t zi, void *user)
{
    cov_job *j = user;
    return j->points ? cov_zone_points(w, j, zi) : cov_zone_polygons(w, j, zi);
}

/* ------------------------------------------------------------------ */
/* set-up                                                              */

/* Text of a field as a kind (numbers as %.15g, as lg_classes does);
 * NULL when NULL. */
static const char *kind_text(const lg_layer *L, size_t i, int f, char *buf, size_t len)
{
    if (f < 0)
        return NULL;
    const char *t = lg_layer_text(L, i, (size_t)f);
    double v;
    if (!t && lg_layer_number(L, i, (size_t)f, &v)) {
        snprintf(buf, len, "%.15g", v);
        t = buf;
    }
    return t;
}

static int field_or_fail(lg_ctx *ctx, const char *kernel, const lg_layer *L, const char *key,
                         const char *name)
{
    if (!name)
        return -1;
    int f = lg_layer_field_index(L, name);
    if (f < 0)
        lg_error(ctx, LG_ERR_ARG, "%s: %s=%s: %s has no such field", kernel, key, name,
                 lg_layer_source(L));
    return f;
}

static int is_numeric_field(const lg_layer *L, int f)
{
    lg_field_type t = lg_layer_field_type(L, (size_t)f);
    return t == LG_FIELD_INTEGER || t == LG_FIELD_REAL;
}

static void job_release(lg_ctx *ctx, cov_job *j, size_t nz)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    size_t nf = j->fac ? lg_layer_size(j->fac) : 0, nt = j->target ? lg_layer_size(j->target) : 0;
    for (size_t i = 0; j->buf && i < nf; i++)
        if (j->buf[i])
            GEOSGeom_destroy_r(h, j->buf[i]);
    free(j->buf);
    free(j->bbox);
    free(j->bgeom);
    lg_index_free(j->bidx);
    free((void *)j->radius);
    free((void *)j->weight);
    for (size_t i = 0; j->centroid && i < nt; i++)
        if (j->centroid[i])
            GEOSGeom_destroy_r(h, j->centroid[i]);
    free((void *)j->centroid);
    free(j->num);
    free(j->den);
    free(j->unc);
    for (size_t z = 0; j->uncovered && z < nz; z++)
        lg_gvec_free(h, &j->uncovered[z]);
    free(j->uncovered);
    for (size_t z = 0; j->pts && z < nz; z++)
        lg_ivec_free(&j->pts[z]);
    free(j->pts);
}

lg_result *lg_coverage(lg_ctx *ctx, const lg_zones *zones, const lg_layer *facilities,
                       const lg_layer *target, const char *const *options)
{
    static const char *const known[] = {"RULES",        "RADIUS",   "KIND_FIELD", "SIZE_FIELD",
                                        "WEIGHT_FIELD", "SEGMENTS", NULL};
    const char *kernel = "coverage";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK)
        return NULL;
    if (!lg_same_crs(ctx, kernel, zones, facilities) || !lg_same_crs(ctx, kernel, zones, target))
        return NULL;
    size_t nz = lg_zones_count(zones), nf = lg_layer_size(facilities), nt = lg_layer_size(target);
    lg_geom_kind tk = lg_layer_geom_kind(target);
    if (nt > 0 && tk != LG_GEOM_POLYGON && tk != LG_GEOM_POINT) {
        lg_error(ctx, LG_ERR_ARG, "%s: the target %s holds %s: give polygons (area) or points "
                 "(count or WEIGHT_FIELD)", kernel, lg_layer_source(target), lg_geom_kind_name(tk));
        return NULL;
    }
    const char *rules_path = lg_opt(options, "RULES"), *radius_opt = lg_opt(options, "RADIUS"),
               *kind_field = lg_opt(options, "KIND_FIELD"),
               *size_field = lg_opt(options, "SIZE_FIELD"),
               *weight_field = lg_opt(options, "WEIGHT_FIELD"),
               *seg_opt = lg_opt(options, "SEGMENTS");
    int points = tk == LG_GEOM_POINT;
    double radius_all = 0;
    long segments = 8;
    if (radius_opt && (!parse_number(radius_opt, &radius_all) || !isfinite(radius_all) ||
                       radius_all <= 0)) {
        lg_error(ctx, LG_ERR_ARG, "%s: RADIUS=%s: expected a radius in metres > 0", kernel,
                 radius_opt);
        return NULL;
    }
    if (radius_opt && rules_path) {
        lg_error(ctx, LG_ERR_ARG, "%s: give RULES or RADIUS, not both", kernel);
        return NULL;
    }
    if (seg_opt) {
        char *end;
        errno = 0;
        segments = strtol(seg_opt, &end, 10);
        if (end == seg_opt || *end || errno || segments < 1 || segments > 1000) {
            lg_error(ctx, LG_ERR_ARG, "%s: SEGMENTS=%s: expected an integer from 1 to 1000 "
                     "(segments per quarter circle)", kernel, seg_opt);
            return NULL;
        }
    }
    if (weight_field && !points && nt > 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: WEIGHT_FIELD is for point targets; %s holds polygons "
                 "(measured by area)", kernel, lg_layer_source(target));
        return NULL;
    }
    int kf = field_or_fail(ctx, kernel, facilities, "KIND_FIELD", kind_field);
    int sf = field_or_fail(ctx, kernel, facilities, "SIZE_FIELD", size_field);
    int wf = points ? field_or_fail(ctx, kernel, target, "WEIGHT_FIELD", weight_field) : -1;
    if ((kind_field && kf < 0) || (size_field && sf < 0) || (points && weight_field && wf < 0))
        return NULL;
    if (size_field && !is_numeric_field(facilities, sf)) {
        lg_error(ctx, LG_ERR_ARG, "%s: SIZE_FIELD=%s of %s is not numeric", kernel, size_field,
                 lg_layer_source(facilities));
        return NULL;
    }
    if (wf >= 0 && !is_numeric_field(target, wf)) {
        lg_error(ctx, LG_ERR_ARG, "%s: WEIGHT_FIELD=%s of %s is not numeric", kernel,
                 weight_field, lg_layer_source(target));
        return NULL;
    }

    cov_rules rules = {0};
    cov_job j = {.zones = zones, .fac = facilities, .target = target, .points = points,
                 .segments = (int)segments};
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL, *ut = NULL;
    char *rtext = NULL;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    if (!radius_opt) {
        if ((rules_path ? rules_read(ctx, kernel, rules_path, &rules) : rules_default(ctx, &rules)) !=
            LG_OK)
            goto fail;
        int kinds = 0;
        for (size_t i = 0; i < rules.n; i++)
            kinds |= rules.r[i].kinds != NULL;
        if (kinds && !kind_field) {
            lg_error(ctx, LG_ERR_ARG, "%s: RULES file %s names kinds: give KIND_FIELD (the "
                     "facility attribute holding the kind)", kernel, rules_path);
            goto fail;
        }
        if (!rules_path && !size_field && nf > 0 &&
            lg_layer_geom_kind(facilities) != LG_GEOM_POLYGON) {
            lg_error(ctx, LG_ERR_ARG, "%s: the facilities %s hold %s, which have no area for the "
                     "default size rule: give SIZE_FIELD, RADIUS, or RULES with a rule from 0 m2",
                     kernel, lg_layer_source(facilities),
                     lg_geom_kind_name(lg_layer_geom_kind(facilities)));
            goto fail;
        }
    }

    /* radii, in the main thread (attributes) */
    double *radius = lg_calloc(ctx, nf ? nf : 1, sizeof *radius);
    j.radius = radius;
    j.buf = lg_calloc(ctx, nf ? nf : 1, sizeof *j.buf);
    j.bbox = lg_calloc(ctx, 4 * (nf ? nf : 1), sizeof *j.bbox);
    if (!radius || !j.buf || !j.bbox)
        goto fail;
    size_t no_size = 0, counted = 0;
    for (size_t i = 0; i < nf; i++) {
        if (radius_opt) {
            radius[i] = radius_all;
        } else {
            double size = 0;
            if (sf >= 0) {
                if (!lg_layer_number(facilities, i, (size_t)sf, &size)) {
                    no_size++;
                    continue;
                }
            } else {
                GEOSArea_r(h, lg_layer_geom(facilities, i), &size); /* 0 for points, lines */
            }
            char buf[64];
            radius[i] = rules_radius(&rules, size, kind_text(facilities, i, kf, buf, sizeof buf));
        }
        counted += radius[i] > 0;
    }
    if (lg_parallel_for(ctx, nf, buffer_one, &j, "coverage: buffers") != LG_OK)
        goto fail;
    j.bgeom = lg_calloc(ctx, counted ? counted : 1, sizeof *j.bgeom);
    double *boxes = lg_calloc(ctx, 4 * (counted ? counted : 1), sizeof *boxes);
    if (!j.bgeom || !boxes) {
        free(boxes);
        goto fail;
    }
    for (size_t i = 0; i < nf; i++)
        if (j.buf[i]) {
            memcpy(boxes + 4 * j.nb, j.bbox + 4 * i, 4 * sizeof *boxes);
            j.bgeom[j.nb++] = j.buf[i];
        }
    j.bidx = j.nb ? lg_index_build(ctx, boxes, j.nb) : NULL;
    free(boxes);
    if (j.nb && !j.bidx)
        goto fail;

    /* the target */
    j.tidx = nt ? lg_layer_index(ctx, target) : NULL;
    j.tboxes = nt ? lg_layer_boxes(ctx, target) : NULL;
    j.exact = lg_layer_all_valid(target) && lg_layer_all_valid(lg_zones_layer(zones));
    if (nt && (!j.tidx || !j.tboxes))
        goto fail;
    size_t no_weight = 0;
    if (points) {
        double *weight = lg_calloc(ctx, nt ? nt : 1, sizeof *weight);
        GEOSGeometry **cen = lg_calloc(ctx, nt ? nt : 1, sizeof *cen);
        j.weight = weight;
        j.centroid = cen;
        if (!weight || !cen)
            goto fail;
        for (size_t i = 0; i < nt; i++) {
            const GEOSGeometry *g = lg_layer_geom(target, i);
            if (GEOSGeomTypeId_r(h, g) != GEOS_POINT) { /* a multipoint counts at its centroid */
                if (!(cen[i] = GEOSGetCentroid_r(h, g))) {
                    lg_error(ctx, LG_ERR_GEOMETRY, "%s: no centroid for target FID %lld", kernel,
                             lg_layer_fid(target, i));
                    goto fail;
                }
                lg_warm_envelopes(h, cen[i]);
            }
            weight[i] = 1;
            if (wf >= 0 && (!lg_layer_number(target, i, (size_t)wf, &weight[i]) ||
                            !isfinite(weight[i]) || weight[i] < 0)) {
                weight[i] = NAN;
                no_weight++;
            }
        }
    }
    j.num = lg_calloc(ctx, nz ? nz : 1, sizeof *j.num);
    j.den = lg_calloc(ctx, nz ? nz : 1, sizeof *j.den);
    j.unc = lg_calloc(ctx, nz ? nz : 1, sizeof *j.unc);
    j.uncovered = lg_calloc(ctx, nz ? nz : 1, sizeof *j.uncovered);
    j.pts = lg_calloc(ctx, nz ? nz : 1, sizeof *j.pts);
    if (!j.num || !j.den || !j.unc || !j.uncovered || !j.pts)
        goto fail;
    if (nt && lg_parallel_for_zones(ctx, zones, cov_zone, &j, kernel) != LG_OK)
        goto fail;

    /* the uncovered detail table */
    const char *unit = points ? (wf >= 0 ? "weight" : "count") : "m2";
    if (!(ut = lg_table_new(ctx, "uncovered")) ||
        lg_table_add_column(ctx, ut, points ? "weight" : "area_m2", unit) < 0 ||
        (points && lg_table_add_column(ctx, ut, "fid", "") < 0) ||
        lg_table_set_rows(ctx, ut, 0) != LG_OK)
        goto fail;
    if (points) {
        /* a point on a shared boundary counts in the first zone covering it */
        unsigned char *seen = lg_calloc(ctx, nt ? nt : 1, 1);
        if (!seen)
            goto fail;
        for (size_t z = 0; z < nz; z++)
            for (size_t k = 0; k + 1 < j.pts[z].n; k += 2) {
                size_t p = j.pts[z].v[k];
                if (seen[p])
                    continue;
                seen[p] = 1;
                j.den[z] += j.weight[p];
                if (j.pts[z].v[k + 1]) {
                    j.num[z] += j.weight[p];
                    continue;
                }
                j.unc[z] += j.weight[p];
                size_t row = lg_table_append_row(ctx, ut);
                if (row == (size_t)-1 ||
                    lg_table_set_label(ctx, ut, row, lg_zones_id(zones, z),
                                       lg_zones_name(zones, z)) != LG_OK) {
                    free(seen);
                    goto fail;
                }
                lg_table_set(ut, row, 0, j.weight[p]);
                lg_table_set(ut, row, 1, (double)lg_layer_fid(target, p));
                lg_table_set_geom(ut, row, (GEOSGeometry *)lg_layer_geom(target, p), 0);
            }
        free(seen);
    } else {
        for (size_t z = 0; z < nz; z++)
            for (size_t k = 0; k < j.uncovered[z].n; k++) {
                size_t row = lg_table_append_row(ctx, ut);
                if (row == (size_t)-1 ||
                    lg_table_set_label(ctx, ut, row, lg_zones_id(zones, z),
                                       lg_zones_name(zones, z)) != LG_OK)
                    goto fail;
                double a = 0;
                GEOSArea_r(h, j.uncovered[z].g[k], &a);
                lg_table_set(ut, row, 0, a);
                lg_table_set_geom(ut, row, j.uncovered[z].g[k], 1); /* the table owns it */
                j.uncovered[z].g[k] = NULL;
            }
    }

    const char *cols[] = {"value", "numerator", "denominator", "uncovered"};
    const char *units[] = {"%", unit, unit, unit};
    if (!(r = lg_result_start(ctx, kernel, "%", zones)) ||
        lg_make_zone_tables(ctx, zones, cols, units, 4, &zt, &tt) != LG_OK)
        goto fail;
    double tn = 0, td = 0, tu = 0;
    for (size_t i = 0; i < nz; i++) {
        lg_table_set(zt, i, 0, 100 * lg_ratio(j.num[i], j.den[i]));
        lg_table_set(zt, i, 1, j.num[i]);
        lg_table_set(zt, i, 2, j.den[i]);
        lg_table_set(zt, i, 3, j.unc[i]);
        tn += j.num[i], td += j.den[i], tu += j.unc[i];
    }
    lg_table_set(tt, 0, 0, 100 * lg_ratio(tn, td));
    lg_table_set(tt, 0, 1, tn);
    lg_table_set(tt, 0, 2, td);
    lg_table_set(tt, 0, 3, tu);
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    if (lg_result_add_detail(ctx, r, ut) != LG_OK) {
        ut = NULL;
        goto fail;
    }
    ut = NULL;

    if (radius_opt) {
        char rb[64];
        fmt_num(rb, sizeof rb, radius_all);
        rtext = lg_sprintf(ctx, "every facility -> %s m", rb);
    } else {
        rtext = rules_text(ctx, &rules);
    }
    if (!rtext ||
        lg_result_add_param(ctx, r, "facilities", lg_layer_source(facilities)) ||
        lg_result_add_param(ctx, r, "target", lg_layer_source(target)) ||
        lg_result_add_param(ctx, r, "target_measure",
                            points ? (wf >= 0 ? "weight of points (WEIGHT_FIELD)" : "count of points")
                                   : "area of the target, dissolved per zone") ||
        (wf >= 0 && lg_result_add_param(ctx, r, "weight_field", weight_field)) ||
        lg_result_add_param(ctx, r, "radius_source",
                            radius_opt   ? "RADIUS"
                            : rules_path ? "RULES file"
                                         : "default rule (2021 城市体检 park service radius)") ||
        (rules_path && lg_result_add_param(ctx, r, "rules_file", rules_path)) ||
        lg_result_add_param(ctx, r, "rules", rtext) ||
        lg_result_add_param(ctx, r, "size",
                            radius_opt   ? "not used"
                            : size_field ? "SIZE_FIELD (m2)"
                                         : "geometry area (m2; 0 for points and lines)") ||
        (size_field && lg_result_add_param(ctx, r, "size_field", size_field)) ||
        (kind_field && lg_result_add_param(ctx, r, "kind_field", kind_field)) ||
        lg_result_add_paramf(ctx, r, "segments", "%ld", segments) ||
        lg_result_add_paramf(ctx, r, "facilities_counted", "%zu of %zu", counted, nf) ||
        lg_result_add_param(ctx, r, "dissolve", "union of the buffers; target dissolved per zone"))
        goto fail;
    if (no_size)
        lg_result_warn(ctx, r, "%zu facilities of %s have no %s value: not counted", no_size,
                       lg_layer_source(facilities), size_field);
    if (no_weight)
        lg_result_warn(ctx, r, "%zu target points of %s have a NULL or negative %s: left out of "
                       "numerator and denominator", no_weight, lg_layer_source(target),
                       weight_field);
    if (nf > 0 && counted == 0)
        lg_result_warn(ctx, r, "no facility of %s gets a service radius (%s): coverage is 0",
                       lg_layer_source(facilities), rtext);
    free(rtext);
    rules_free(&rules);
    job_release(ctx, &j, nz);
    return r;
fail:
    free(rtext);
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    lg_table_free(ctx, ut);
    rules_free(&rules);
    job_release(ctx, &j, nz);
    return lg_result_free(ctx, r);
}
