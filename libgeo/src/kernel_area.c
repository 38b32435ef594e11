/* area-share: the dissolved cover inside each zone ÷ the zone (or ÷ a
 * denominator layer inside it).  Forest cover 森林覆盖率, green coverage
 * 绿化覆盖率, sponge-city share, development intensity 开发强度.
 *
 * Per zone, the covered area is area(zone ∩ ∪ cover).  Cover polygons
 * whose boxes overlap no other's count their own area (clipped to the zone
 * when they cross its boundary).  The others fall into clusters of
 * overlapping boxes, and the area of each cluster's union inside the zone
 * is found by boundary evaluation (below), without an overlay; a cluster
 * the evaluation gives up on (near-degenerate input) is clipped and
 * dissolved by GEOS, as everything was before. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure_internal.h"

typedef struct area_job {
    const lg_zones *zones;
    const lg_layer *cover, *den;
    const lg_index *cidx, *didx;
    const double *cboxes; /* cover feature boxes */
    int exact;            /* zones and cover valid: the evaluations below */
    double *covered_m2;   /* per zone */
    double *base_m2;      /* per zone: zone area, or zone ∩ denominator */
} area_job;

/* ------------------------------------------------------------------ */
/* the job                                                             */

static size_t uf_find(size_t *par, size_t x)
{
    while (par[x] != x)
        x = par[x] = par[par[x]];
    return x;
}

typedef struct sweep_key {
    double x0;
    size_t i;
} sweep_key;

static int cmp_sweep(const void *a, const void *b)
{
    const sweep_key *p = a, *q = b;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

/* The per-zone state: the area (zone, or zone ∩ denominator), the cover
 * features meeting it, and how. */
typedef struct area_zone_st {
    const GEOSGeometry *area;
    double box[4];
    int big;                          /* lg_intersection_local */
    const GEOSPreparedGeometry *prep; /* NULL until needed */
    lg_inner_grid grid;
    lg_area_edges *clip;
    int clip_built;
    size_t *feat;        /* features meeting the area, in feature order */
    unsigned char *cut;  /* per entry: crosses or touches its boundary */
    size_t n;
} area_zone_st;

static lg_status zst_prepare(lg_worker *w, area_zone_st *z)
{
    if (!z->prep && !(z->prep = GEOSPrepare_r(w->geos, z->area)))
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot prepare a zone: %s", w->err);
    return LG_OK;
}

/* The features meeting the area, and whether each is cut by its boundary,
 * without the intersections: whole when in the inner grid's interior cells,
 * when ContainsProperly holds, or when lg_covered_be finds it covered while
 * touching the boundary from inside; cut when it meets the area otherwise
 * (lg_clip_layer's classes, with the exact coverage test added). */
static lg_status classify(lg_worker *w, area_job *j, area_zone_st *z)
{
    GEOSContextHandle_t h = w->geos;
    lg_ivec cand = {0};
    if (!lg_index_query(j->cidx, z->box, &cand))
        return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    lg_status st = LG_OK;
    z->feat = malloc((cand.n ? cand.n : 1) * sizeof *z->feat);
    z->cut = malloc(cand.n ? cand.n : 1);
    if (!z->feat || !z->cut)
        st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    int cells = (int)fmin(256, floor(sqrt((double)cand.n)));
    if (st == LG_OK && cells >= 4)
        lg_inner_grid_build(h, z->area, z->box, cells, &z->grid);
    for (size_t k = 0; k < cand.n && st == LG_OK; k++) {
        size_t f = cand.v[k];
        int where = lg_inner_grid_holds(&z->grid, j->cboxes + 4 * f);
        if (where < 0)
            continue;
        char inside = 1, meets = 1;
        if (where == 0) {
            if ((st = zst_prepare(w, z)) != LG_OK)
                break;
            const GEOSGeometry *g = lg_layer_geom(j->cover, f);
            inside = GEOSPreparedContainsProperly_r(h, z->prep, g);
            meets = inside == 0 ? GEOSPreparedIntersects_r(h, z->prep, g) : inside;
            if (inside == 2 || meets == 2) {
                st = lg_worker_fail(w, LG_ERR_GEOMETRY, "feature FID %lld of %s: %s",
                                    lg_layer_fid(j->cover, f), lg_layer_source(j->cover),
                                    w->err[0] ? w->err : "GEOS failed");
                break;
            }
        }
        if (!meets)
            continue;
        /* covered while touching the boundary from inside: whole */
        if (inside != 1 && z->grid.cell && !z->clip_built) {
            z->clip = lg_area_edges_new(h, z->area, z->box, z->prep, &z->grid);
            z->clip_built = z->clip ? 1 : -1;
        }
        if (inside != 1 && z->clip && lg_covered_be(h, z->clip, lg_layer_geom(j->cover, f)) == 1)
            inside = 1;
        z->feat[z->n] = f;
        z->cut[z->n++] = inside != 1;
    }
    lg_ivec_free(&cand);
    return st;
}

/* The piece of feature entry k inside the area, into v: the feature itself
 * (borrowed) or its intersection (owned); nothing when that has no area. */
static lg_status piece_of(lg_worker *w, area_job *j, area_zone_st *z, size_t k, lg_pvec *v)
{
    const GEOSGeometry *g = lg_layer_geom(j->cover, z->feat[k]);
    if (!z->cut[k])
        return lg_pvec_push(w, v, g, 0);
    GEOSGeometry *piece = lg_intersection_local(w->geos, z->area, z->big, g);
    if (!piece)
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "feature FID %lld of %s: %s",
                              lg_layer_fid(j->cover, z->feat[k]), lg_layer_source(j->cover),
                              w->err[0] ? w->err : "GEOS failed");
    if (GEOSisEmpty_r(w->geos, piece)) {
        GEOSGeom_destroy_r(w->geos, piece);
        return LG_OK;
    }
    return lg_pvec_push(w, v, piece, 1);
}


/* The area of the cluster of entries members[0..m): by boundary
 * evaluation, else by GEOS (the pieces clipped and dissolved). */
static lg_status cluster_area(lg_worker *w, area_job *j, area_zone_st *z, const size_t *members,
                              size_t m, double *out)
{
    GEOSContextHandle_t h = w->geos;
    lg_status st = LG_OK;
    *out = 0;
    if (m == 1) { /* one piece: its area */
        lg_pvec v = {0};
        st = piece_of(w, j, z, members[0], &v);
        if (st == LG_OK && v.n)
            GEOSArea_r(h, v.g[0], out);
        lg_pvec_free(h, &v);
        return st;
    }
    /* the polygons of the features, and whether they are cut */
    lg_pvec polys = {0};
    unsigned char *cut = NULL;
    size_t ncut = 0, cap = 0;
    int anycut = 0;
    for (size_t k = 0; k < m && st == LG_OK; k++) {
        st = lg_pvec_polygons(w, lg_layer_geom(j->cover, z->feat[members[k]]), &polys);
        if (st == LG_OK && polys.n > cap) {
            cap = polys.cap;
            unsigned char *c = realloc(cut, cap ? cap : 1);
            if (!c)
                st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
            else
                cut = c;
        }
        for (; st == LG_OK && ncut < polys.n; ncut++)
            anycut |= cut[ncut] = z->cut[members[k]];
    }
    int done = 0;
    if (st == LG_OK && anycut && !z->clip_built && (st = zst_prepare(w, z)) == LG_OK) {
        z->clip = lg_area_edges_new(h, z->area, z->box, z->prep, &z->grid);
        z->clip_built = z->clip ? 1 : -1;
    }
    if (st == LG_OK && (!anycut || z->clip_built > 0))
        done = lg_union_area_be(h, anycut ? z->clip : NULL, polys.g, cut, polys.n, out);
    lg_pvec_free(h, &polys);
    free(cut);
    if (st != LG_OK || done)
        return st;
    /* GEOS: the clipped pieces, dissolved */
    lg_pvec v = {0};
    for (size_t k = 0; k < m && st == LG_OK; k++)
        st = piece_of(w, j, z, members[k], &v);
    GEOSGeometry *u = st == LG_OK ? lg_pvec_union(w, &v) : NULL;
    if (st == LG_OK && !u)
        st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot dissolve the cover: %s",
                            w->err[0] ? w->err : "GEOS failed");
    if (u) {
        GEOSArea_r(h, u, out);
        GEOSGeom_destroy_r(h, u);
    }
    lg_pvec_free(h, &v);
    return st;
}

/* The area of the union of the cover inside the area: pieces whose boxes
 * overlap (interiors meet) fall into clusters; each counts on its own. */
static lg_status covered_area(lg_worker *w, area_job *j, area_zone_st *z, double *out)
{
    size_t n = z->n;
    *out = 0;
    size_t *par = malloc((n ? n : 1) * sizeof *par), *next = malloc((n ? n : 1) * sizeof *next);
    size_t *members = malloc((n ? n : 1) * sizeof *members);
    size_t *last = malloc((n ? n : 1) * sizeof *last);
    sweep_key *key = malloc((n ? n : 1) * sizeof *key);
    lg_status st = par && next && members && last && key
                       ? LG_OK
                       : lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == LG_OK && i < n; i++) {
        par[i] = i;
        key[i].x0 = j->cboxes[4 * z->feat[i]];
        key[i].i = i;
    }
    if (st == LG_OK)
        qsort(key, n, sizeof *key, cmp_sweep);
    for (size_t a = 0; st == LG_OK && a < n; a++) {
        const double *p = j->cboxes + 4 * z->feat[key[a].i];
        for (size_t b = a + 1; b < n && key[b].x0 < p[2]; b++) {
            const double *q = j->cboxes + 4 * z->feat[key[b].i];
            if (q[1] < p[3] && p[1] < q[3]) {
                size_t ra = uf_find(par, key[a].i), rb = uf_find(par, key[b].i);
                if (ra != rb)
                    par[ra > rb ? ra : rb] = ra < rb ? ra : rb; /* root: the lowest */
            }
        }
    }
    /* each cluster as a list from its root (its lowest entry, seen first),
     * in feature order */
    for (size_t i = 0; st == LG_OK && i < n; i++) {
        next[i] = (size_t)-1;
        size_t r = uf_find(par, i);
        if (r != i)
            next[last[r]] = i;
        last[r] = i;
    }
    double sum = 0, comp = 0;
    for (size_t i = 0; st == LG_OK && i < n; i++) {
        if (par[i] != i)
            continue;
        size_t m = 0;
        for (size_t k = i; k != (size_t)-1; k = next[k])
            members[m++] = k;
        double a = 0;
        st = cluster_area(w, j, z, members, m, &a);
        double t = sum + a;
        comp += fabs(sum) >= fabs(a) ? (sum - t) + a : (a - t) + sum;
        sum = t;
    }
    *out = sum + comp;
    free(par);
    free(next);
    free(members);
    free(last);
    free(key);
    return st;
}

/* The covered area as it was found before the evaluations above, and
 * still is for input that may be invalid (they assume valid polygons): the
 * cover clipped to the area and dissolved by GEOS. */
static lg_status covered_by_overlay(lg_worker *w, area_job *j, const area_zone_st *z, double *out)
{
    GEOSContextHandle_t h = w->geos;
    lg_gvec pieces = {0};
    lg_status st = lg_clip_layer(w, z->area, z->box, j->cover, j->cidx, lg_collect_piece, &pieces);
    if (st == LG_OK && pieces.n == 1) { /* one piece: no dissolve needed */
        GEOSArea_r(h, pieces.g[0], out);
    } else if (st == LG_OK && pieces.n > 1) { /* overlapping cover counts once */
        GEOSGeometry *u = lg_gvec_union(w, &pieces);
        if (!u)
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot dissolve the cover: %s",
                                w->err[0] ? w->err : "GEOS failed");
        else
            GEOSArea_r(h, u, out);
        if (u)
            GEOSGeom_destroy_r(h, u);
    }
    lg_gvec_free(h, &pieces);
    return st;
}

static lg_status area_zone(lg_worker *w, size_t zi, void *user)
{
    area_job *j = user;
    GEOSContextHandle_t h = w->geos;
    GEOSGeometry *within = NULL;
    lg_status st = lg_zone_within(w, j->zones, zi, j->den, j->didx, &within);
    if (st != LG_OK)
        return st;
    area_zone_st z = {0};
    if (within) {
        GEOSArea_r(h, within, &j->base_m2[zi]);
        z.area = within;
        if (GEOSisEmpty_r(h, within) ||
            !GEOSGeom_getExtent_r(h, within, &z.box[0], &z.box[1], &z.box[2], &z.box[3])) {
            GEOSGeom_destroy_r(h, within);
            return LG_OK; /* no denominator in the zone: nothing covered */
        }
    } else {
        j->base_m2[zi] = lg_zones_area(j->zones, zi);
        z.area = lg_zones_geom(j->zones, zi);
        memcpy(z.box, lg_zones_box(j->zones, zi), sizeof z.box);
    }
    z.big = GEOSGetNumCoordinates_r(h, z.area) > LG_CLIP_LOCAL_VERTICES;
    if (!j->exact) {
        st = covered_by_overlay(w, j, &z, &j->covered_m2[zi]);
    } else {
        st = classify(w, j, &z);
        if (st == LG_OK)
            st = covered_area(w, j, &z, &j->covered_m2[zi]);
    }
    if (st != LG_OK && strncmp(w->err, "zone ", 5)) {
        char buf[sizeof w->err];
        snprintf(buf, sizeof buf, "%s", w->err);
        snprintf(w->err, sizeof w->err, "zone %.200s: %.800s", lg_zones_id(j->zones, zi), buf);
    }
    if (z.prep)
        GEOSPreparedGeom_destroy_r(h, z.prep);
    lg_inner_grid_free(&z.grid);
    lg_area_edges_free(z.clip);
    free(z.feat);
    free(z.cut);
    if (within)
        GEOSGeom_destroy_r(h, within);
    return st;
}

lg_result *lg_area_share(lg_ctx *ctx, const lg_zones *zones, const lg_layer *cover,
                         const lg_layer *denominator, const char *const *options)
{
    static const char *const known[] = {"POPULATION_FIELD", NULL};
    const char *kernel = "area-share";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK)
        return NULL;
    if (!lg_same_crs(ctx, kernel, zones, cover) ||
        (denominator && !lg_same_crs(ctx, kernel, zones, denominator)))
        return NULL;
    if (lg_layer_geom_kind(cover) != LG_GEOM_POLYGON && lg_layer_size(cover) > 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: the cover %s holds %s, not polygons", kernel,
                 lg_layer_source(cover), lg_geom_kind_name(lg_layer_geom_kind(cover)));
        return NULL;
    }
    const char *pname = lg_opt(options, "POPULATION_FIELD");
    int pf = pname ? lg_numeric_field(ctx, kernel, "POPULATION_FIELD", lg_zones_layer(zones), pname)
                   : -1;
    if (pname && pf < 0)
        return NULL;
    size_t nz = lg_zones_count(zones);
    area_job j = {.zones = zones, .cover = cover, .den = denominator};
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL;
    j.cidx = lg_layer_index(ctx, cover);
    j.cboxes = lg_layer_boxes(ctx, cover);
    j.exact = lg_layer_all_valid(cover) && lg_layer_all_valid(lg_zones_layer(zones));
    j.didx = denominator ? lg_layer_index(ctx, denominator) : NULL;
    j.covered_m2 = lg_calloc(ctx, nz ? nz : 1, sizeof(double));
    j.base_m2 = lg_calloc(ctx, nz ? nz : 1, sizeof(double));
    if (((!j.cidx || !j.cboxes) && lg_layer_size(cover)) ||
        (denominator && !j.didx && lg_layer_size(denominator)) || !j.covered_m2 || !j.base_m2)
        goto fail;
    if (lg_parallel_for_zones(ctx, zones, area_zone, &j, kernel) != LG_OK)
        goto fail;
    const char *cols[] = {"value",      "numerator",  "denominator",  "covered_km2",
                          "covered_ha", "covered_mu", "per_person_m2"};
    const char *units[] = {"%", "m2", "m2", "km2", "ha", "mu", "m2/person"};
    if (!(r = lg_result_start(ctx, kernel, "%", zones)) ||
        lg_make_zone_tables(ctx, zones, cols, units, 7, &zt, &tt) != LG_OK)
        goto fail;
    double tc = 0, tb = 0, tp = 0;
    size_t no_pop = 0;
    for (size_t i = 0; i <= nz; i++) {
        lg_table *t = i < nz ? zt : tt;
        size_t row = i < nz ? i : 0;
        double c = i < nz ? j.covered_m2[i] : tc, b = i < nz ? j.base_m2[i] : tb;
        double p = NAN;
        if (pf >= 0 && i < nz) {
            if (!lg_layer_number(lg_zones_layer(zones), i, (size_t)pf, &p) || !(p >= 0))
                p = NAN, no_pop++;
            else
                tp += p;
        } else if (pf >= 0) {
            p = no_pop ? NAN : tp;
        }
        lg_table_set(t, row, 6, p > 0 ? c / p : NAN);
        lg_table_set(t, row, 0, b > 0 ? 100 * c / b : NAN);
        lg_table_set(t, row, 1, c);
        lg_table_set(t, row, 2, b);
        lg_table_set(t, row, 3, c / 1e6);
        lg_table_set(t, row, 4, c / 1e4);
        lg_table_set(t, row, 5, c / LG_M2_PER_MU);
        if (i < nz)
            tc += c, tb += b;
    }
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    if (lg_result_add_param(ctx, r, "cover", lg_layer_source(cover)) ||
        lg_result_add_param(ctx, r, "denominator",
                            denominator ? lg_layer_source(denominator) : "zone area") ||
        lg_result_add_param(ctx, r, "dissolve", "union of the cover inside each zone") ||
        lg_result_add_param(ctx, r, "population_field", pname ? pname : ""))
        goto fail;
    if (no_pop)
        lg_result_warn(ctx, r, "%zu zone(s) have no population (NULL or negative %s): their "
                       "per_person_m2 and the total's are NaN", no_pop, pname);
    free(j.covered_m2);
    free(j.base_m2);
    return r;
fail:
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    free(j.covered_m2);
    free(j.base_m2);
    return lg_result_free(ctx, r);
}
