/* overlap: project sites against control zones — 三线 (生态保护红线,
 * 永久基本农田, 城镇开发边界) occupation and conflicts.
 *
 * Control polygons (and the boundary) are subdivided once, in parallel,
 * into pieces of at most OV_MAX_VERTICES vertices by recursive halving of
 * their box with clip-by-rect (as ST_Subdivide does), and the pieces are
 * indexed: a red line of thousands of vertices is then never overlaid
 * whole against a small site.  Per site (in parallel): the pieces of each
 * class meeting the site's box are dissolved and measured against the
 * site, with the whole-inclusion shortcut (a site covered by the class
 * counts its own area, nothing computed).  Sites are then assigned to the
 * first zone (in zone order) covering their centroid. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure_internal.h"

/* Control polygons with more vertices are subdivided before measuring. */
#define OV_MAX_VERTICES 256
/* Recursion limit of the subdivision (2^24 pieces: never reached). */
#define OV_MAX_DEPTH 24

#define OV_DEFAULT_BOUNDARY_CLASS "城镇开发边界"

/* ------------------------------------------------------------------ */
/* geometry helpers                                                    */

/* g ∩ rectangle, polygonal.  GEOS's clip-by-rect is fast but can give an
 * invalid ring where vertices lie on the rectangle (GEOS 3.11); such a
 * result is redone with the exact overlay. */
static GEOSGeometry *clip_rect(GEOSContextHandle_t h, const GEOSGeometry *g, double x0, double y0,
                               double x1, double y1)
{
    GEOSGeometry *c = GEOSClipByRect_r(h, g, x0, y0, x1, y1);
    if (c && GEOSisValid_r(h, c) == 1)
        return lg_polygonal(h, c);
    if (c)
        GEOSGeom_destroy_r(h, c);
    GEOSGeometry *r = GEOSGeom_createRectangle_r(h, x0, y0, x1, y1);
    if (!r)
        return NULL;
    c = GEOSIntersection_r(h, g, r);
    GEOSGeom_destroy_r(h, r);
    return lg_polygonal(h, c);
}

/* Pieces of g (owned, consumed) with at most OV_MAX_VERTICES vertices each,
 * into out: halve the box along its longer side and recurse. */
static lg_status subdivide(lg_worker *w, GEOSGeometry *g, int depth, lg_gvec *out)
{
    GEOSContextHandle_t h = w->geos;
    if (GEOSisEmpty_r(h, g)) {
        GEOSGeom_destroy_r(h, g);
        return LG_OK;
    }
    int n = GEOSGetNumCoordinates_r(h, g);
    double x0, y0, x1, y1;
    if (n <= OV_MAX_VERTICES || depth >= OV_MAX_DEPTH ||
        !GEOSGeom_getExtent_r(h, g, &x0, &y0, &x1, &y1)) {
        lg_warm_envelopes(h, g);
        return lg_gvec_push(w, out, g);
    }
    double ra[4], rb[4];
    if (x1 - x0 >= y1 - y0) {
        double xm = x0 + (x1 - x0) / 2;
        ra[0] = x0, ra[1] = y0, ra[2] = xm, ra[3] = y1;
        rb[0] = xm, rb[1] = y0, rb[2] = x1, rb[3] = y1;
    } else {
        double ym = y0 + (y1 - y0) / 2;
        ra[0] = x0, ra[1] = y0, ra[2] = x1, ra[3] = ym;
        rb[0] = x0, rb[1] = ym, rb[2] = x1, rb[3] = y1;
    }
    GEOSGeometry *a = clip_rect(h, g, ra[0], ra[1], ra[2], ra[3]);
    GEOSGeometry *b = a ? clip_rect(h, g, rb[0], rb[1], rb[2], rb[3]) : NULL;
    GEOSGeom_destroy_r(h, g);
    if (!a || !b) {
        if (a)
            GEOSGeom_destroy_r(h, a);
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot subdivide: %s",
                              w->err[0] ? w->err : "GEOS failed");
    }
    lg_status st = subdivide(w, a, depth + 1, out);
    if (st != LG_OK) {
        GEOSGeom_destroy_r(h, b);
        return st;
    }
    return subdivide(w, b, depth + 1, out);
}

/* ------------------------------------------------------------------ */
/* the job                                                             */

typedef struct ov_job {
    const lg_zones *zones;
    const lg_layer *sites, *control, *boundary;
    const lg_class_map *cls;
    size_t nsets;      /* classes, plus one for a separate boundary layer */
    size_t bset;       /* the set used as the boundary, or (size_t)-1 */
    /* subdivision pre-pass: per source feature (control, then boundary) */
    size_t nsrc;
    lg_gvec *sub;      /* owned pieces; empty = use the feature itself */
    /* the pieces, indexed */
    size_t np;
    const GEOSGeometry **pg;
    size_t *pset;
    lg_index *pidx;
    const double *sbox; /* site boxes */
    /* per site */
    double *area;       /* site area */
    double *in;         /* site x set: area inside */
    double *out;        /* site: area outside the boundary (NaN: no boundary) */
    /* zone assignment */
    GEOSGeometry **cen; /* site centroids */
    lg_index *cidx;
    lg_ivec *zsites;    /* per zone: sites whose centroid it covers */
} ov_job;

static const GEOSGeometry *src_geom(const ov_job *j, size_t i)
{
    size_t nc = lg_layer_size(j->control);
    return i < nc ? lg_layer_geom(j->control, i) : lg_layer_geom(j->boundary, i - nc);
}

static lg_status subdivide_one(lg_worker *w, size_t i, void *user)
{
    ov_job *j = user;
    const GEOSGeometry *g = src_geom(j, i);
    if (GEOSGetNumCoordinates_r(w->geos, g) <= OV_MAX_VERTICES)
        return LG_OK; /* small enough: the feature itself */
    GEOSGeometry *c = GEOSGeom_clone_r(w->geos, g);
    if (!c)
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot copy a geometry");
    lg_status st = subdivide(w, c, 0, &j->sub[i]);
    if (st != LG_OK) {
        size_t nc = lg_layer_size(j->control);
        const lg_layer *L = i < nc ? j->control : j->boundary;
        char buf[sizeof w->err];
        snprintf(buf, sizeof buf, "%s", w->err);
        lg_worker_fail(w, st, "feature FID %lld of %.300s: %.600s",
                       lg_layer_fid(L, i < nc ? i : i - nc), lg_layer_source(L), buf);
    }
    return st;
}

/* Inside and outside areas of site s for one set of pieces (cand, already
 * filtered to that set). */
static lg_status measure_set(lg_worker *w, ov_job *j, size_t s, const GEOSGeometry *site,
                             const lg_ivec *cand, double *in, double *out)
{
    GEOSContextHandle_t h = w->geos;
    double a = j->area[s], vin = 0, vout = a;
    if (cand->n == 0) {
        if (in)
            *in = vin;
        if (out)
            *out = vout;
        return LG_OK;
    }
    GEOSGeometry *own = NULL;
    const GEOSGeometry *u = NULL;
    lg_status st = LG_OK;
    if (cand->n == 1) {
        u = j->pg[cand->v[0]];
    } else { /* dissolve: overlapping control polygons count once */
        lg_gvec v = {0};
        for (size_t k = 0; k < cand->n && st == LG_OK; k++) {
            GEOSGeometry *c = GEOSGeom_clone_r(h, j->pg[cand->v[k]]);
            st = c ? lg_gvec_push(w, &v, c) : lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot copy a geometry");
        }
        if (st == LG_OK && !(u = own = lg_gvec_union(w, &v)))
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot dissolve the control polygons: %s",
                                w->err[0] ? w->err : "GEOS failed");
        lg_gvec_free(h, &v);
        if (st != LG_OK)
            return st;
    }
    const GEOSPreparedGeometry *pu = GEOSPrepare_r(h, u);
    char c = pu ? GEOSPreparedCovers_r(h, pu, site) : 2;
    char m = c == 0 ? GEOSPreparedIntersects_r(h, pu, site) : c;
    if (c == 2 || m == 2) {
        st = lg_worker_fail(w, LG_ERR_GEOMETRY, "%s", w->err[0] ? w->err : "GEOS predicate failed");
    } else if (c == 1) { /* whole inclusion: nothing to compute */
        vin = a, vout = 0;
    } else if (m == 1) {
        GEOSGeometry *x = in ? GEOSIntersection_r(h, site, u) : NULL;
        GEOSGeometry *d = out ? GEOSDifference_r(h, site, u) : NULL;
        if ((in && !x) || (out && !d))
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot overlay: %s",
                                w->err[0] ? w->err : "GEOS failed");
        if (x)
            GEOSArea_r(h, x, &vin);
        if (d)
            GEOSArea_r(h, d, &vout);
        if (x)
            GEOSGeom_destroy_r(h, x);
        if (d)
            GEOSGeom_destroy_r(h, d);
    }
    if (in)
        *in = vin;
    if (out)
        *out = vout;
    if (pu)
        GEOSPreparedGeom_destroy_r(h, pu);
    if (own)
        GEOSGeom_destroy_r(h, own);
    return st;
}

static lg_status ov_site(lg_worker *w, size_t s, void *user)
{
    ov_job *j = user;
    const GEOSGeometry *site = lg_layer_geom(j->sites, s);
    lg_ivec cand = {0}, mine = {0};
    lg_status st = LG_OK;
    if (j->pidx && !lg_index_query(j->pidx, j->sbox + 4 * s, &cand))
        return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    for (size_t m = 0; m < j->nsets && st == LG_OK; m++) {
        mine.n = 0;
        for (size_t k = 0; k < cand.n; k++)
            if (j->pset[cand.v[k]] == m && !lg_ivec_push(&mine, cand.v[k]))
                st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
        if (st != LG_OK)
            break;
        int is_class = m < j->cls->n, is_boundary = m == j->bset;
        double in = 0, out = 0;
        st = measure_set(w, j, s, site, &mine, is_class ? &in : NULL, is_boundary ? &out : NULL);
        if (is_class)
            j->in[s * j->nsets + m] = in;
        if (is_boundary)
            j->out[s] = out;
    }
    if (st != LG_OK && strncmp(w->err, "site ", 5)) {
        char buf[sizeof w->err];
        snprintf(buf, sizeof buf, "%s", w->err);
        snprintf(w->err, sizeof w->err, "site FID %lld: %.900s", lg_layer_fid(j->sites, s), buf);
    }
    lg_ivec_free(&cand);
    lg_ivec_free(&mine);
    return st;
}

/* The sites whose centroid zone zi covers. */
static lg_status ov_zone(lg_worker *w, size_t zi, void *user)
{
    ov_job *j = user;
    GEOSContextHandle_t h = w->geos;
    lg_ivec cand = {0};
    if (!j->cidx)
        return LG_OK;
    const GEOSPreparedGeometry *pz;
    lg_status st = lg_zone_candidates(w, j->zones, zi, j->cidx, &cand, &pz);
    for (size_t k = 0; k < cand.n && st == LG_OK; k++) {
        char c = GEOSPreparedCovers_r(h, pz, j->cen[cand.v[k]]);
        if (c == 2)
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: %s", lg_zones_id(j->zones, zi),
                                w->err[0] ? w->err : "GEOS predicate failed");
        else if (c == 1 && !lg_ivec_push(&j->zsites[zi], cand.v[k]))
            st = lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    }
    if (pz)
        GEOSPreparedGeom_destroy_r(h, pz);
    lg_ivec_free(&cand);
    return st;
}

/* ------------------------------------------------------------------ */
/* set-up                                                              */

static void job_release(lg_ctx *ctx, ov_job *j)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t i = 0; j->sub && i < j->nsrc; i++)
        lg_gvec_free(h, &j->sub[i]);
    free(j->sub);
    free((void *)j->pg);
    free(j->pset);
    lg_index_free(j->pidx);
    free(j->area);
    free(j->in);
    free(j->out);
    size_t ns = j->sites ? lg_layer_size(j->sites) : 0;
    for (size_t i = 0; j->cen && i < ns; i++)
        if (j->cen[i])
            GEOSGeom_destroy_r(h, j->cen[i]);
    free(j->cen);
    lg_index_free(j->cidx);
    for (size_t z = 0; j->zsites && j->zones && z < lg_zones_count(j->zones); z++)
        lg_ivec_free(&j->zsites[z]);
    free(j->zsites);
}

static int polygons_or_fail(lg_ctx *ctx, const char *kernel, const char *role, const lg_layer *L)
{
    if (!L || lg_layer_size(L) == 0 || lg_layer_geom_kind(L) == LG_GEOM_POLYGON)
        return 1;
    lg_error(ctx, LG_ERR_ARG, "%s: the %s %s holds %s, not polygons", kernel, role,
             lg_layer_source(L), lg_geom_kind_name(lg_layer_geom_kind(L)));
    return 0;
}

static double pct(double a, double b) { return b > 0 ? 100 * a / b : NAN; }

lg_result *lg_overlap(lg_ctx *ctx, const lg_zones *zones, const lg_layer *sites,
                      const lg_layer *control, const lg_layer *boundary,
                      const char *const *options)
{
    static const char *const known[] = {"CLASS_FIELD", "TOLERANCE_M2", "CONFLICT_CLASSES",
                                        "BOUNDARY_CLASS", NULL};
    const char *kernel = "overlap";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK)
        return NULL;
    /* without zones, the sites' CRS is the reference: one table of sites */
    const lg_layer *ref = zones ? lg_zones_layer(zones) : sites;
    if ((zones && !lg_same_crs_layer(ctx, kernel, ref, sites)) ||
        !lg_same_crs_layer(ctx, kernel, ref, control) ||
        (boundary && !lg_same_crs_layer(ctx, kernel, ref, boundary)))
        return NULL;
    if (!polygons_or_fail(ctx, kernel, "sites", sites) ||
        !polygons_or_fail(ctx, kernel, "control", control) ||
        !polygons_or_fail(ctx, kernel, "boundary", boundary))
        return NULL;
    const char *cf = lg_opt(options, "CLASS_FIELD"), *tol_opt = lg_opt(options, "TOLERANCE_M2"),
               *conflict_opt = lg_opt(options, "CONFLICT_CLASSES"),
               *bclass = lg_opt(options, "BOUNDARY_CLASS");
    if (!cf)
        cf = "kind";
    if (!bclass)
        bclass = OV_DEFAULT_BOUNDARY_CLASS;
    double tol = 1.0;
    if (tol_opt) {
        char *end;
        errno = 0;
        tol = strtod(tol_opt, &end);
        if (end == tol_opt || *end || errno || !isfinite(tol) || tol < 0) {
            lg_error(ctx, LG_ERR_ARG, "%s: TOLERANCE_M2=%s: expected an area in m2 >= 0", kernel,
                     tol_opt);
            return NULL;
        }
    }
    if (conflict_opt && !*conflict_opt) {
        lg_error(ctx, LG_ERR_ARG, "%s: CONFLICT_CLASSES is empty: name the classes, "
                 "comma-separated", kernel);
        return NULL;
    }
    if (lg_layer_size(control) > 0 && lg_layer_field_index(control, cf) < 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: the control %s has no field '%s' (CLASS_FIELD) for the "
                 "class of each polygon", kernel, lg_layer_source(control), cf);
        return NULL;
    }

    lg_class_map cls = {0};
    ov_job j = {.zones = zones, .sites = sites, .control = control, .boundary = boundary,
                .bset = (size_t)-1};
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL, *st = NULL;
    unsigned char *conflict_set = NULL;
    char *cnames = NULL, *list = NULL;
    double *zsum = NULL;
    size_t *owner = NULL;
    char **zcols = NULL;
    const char **zunits = NULL;
    char missing[256] = "";
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    size_t ns = lg_layer_size(sites), nz = zones ? lg_zones_count(zones) : 0;
    if (lg_layer_size(control) > 0 && lg_classes(ctx, control, cf, &cls) != LG_OK)
        goto fail;
    j.cls = &cls;
    j.nsets = cls.n + (boundary ? 1 : 0);
    if (boundary) {
        j.bset = cls.n;
    } else {
        for (size_t c = 0; c < cls.n; c++)
            if (!strcmp(cls.names[c], bclass))
                j.bset = c;
    }
    /* the classes counted as conflicts */
    conflict_set = lg_calloc(ctx, cls.n ? cls.n : 1, 1);
    if (!conflict_set)
        goto fail;
    if (conflict_opt) {
        if (!(list = lg_strdup(ctx, conflict_opt)))
            goto fail;
        for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            int found = 0;
            for (size_t c = 0; c < cls.n; c++)
                if (!strcmp(cls.names[c], tok))
                    conflict_set[c] = 1, found = 1;
            if (!found) {
                strncat(missing, missing[0] ? ", " : "", sizeof missing - strlen(missing) - 1);
                strncat(missing, tok, sizeof missing - strlen(missing) - 1);
            }
        }
    } else {
        for (size_t c = 0; c < cls.n; c++)
            conflict_set[c] = strcmp(cls.names[c], bclass) != 0;
    }

    /* subdivide the control and boundary polygons, then index the pieces */
    size_t ncf = lg_layer_size(control), nbf = boundary ? lg_layer_size(boundary) : 0;
    j.nsrc = ncf + nbf;
    j.sub = lg_calloc(ctx, j.nsrc ? j.nsrc : 1, sizeof *j.sub);
    if (!j.sub)
        goto fail;
    if (lg_parallel_for(ctx, j.nsrc, subdivide_one, &j, "overlap: subdivide") != LG_OK)
        goto fail;
    for (size_t i = 0; i < j.nsrc; i++)
        j.np += j.sub[i].n ? j.sub[i].n : 1;
    j.pg = lg_calloc(ctx, j.np ? j.np : 1, sizeof *j.pg);
    j.pset = lg_calloc(ctx, j.np ? j.np : 1, sizeof *j.pset);
    double *pbox = lg_calloc(ctx, 4 * (j.np ? j.np : 1), sizeof *pbox);
    if (!j.pg || !j.pset || !pbox) {
        free(pbox);
        goto fail;
    }
    size_t np = 0;
    for (size_t i = 0; i < j.nsrc; i++) {
        size_t set = i < ncf ? cls.of[i] : cls.n;
        size_t k = j.sub[i].n ? j.sub[i].n : 1;
        for (size_t q = 0; q < k; q++, np++) {
            j.pg[np] = j.sub[i].n ? j.sub[i].g[q] : src_geom(&j, i);
            j.pset[np] = set;
            double *b = pbox + 4 * np;
            if (!GEOSGeom_getExtent_r(h, j.pg[np], &b[0], &b[1], &b[2], &b[3]))
                b[0] = b[1] = b[2] = b[3] = NAN;
        }
    }
    j.pidx = j.np ? lg_index_build(ctx, pbox, j.np) : NULL;
    free(pbox);
    if (j.np && !j.pidx)
        goto fail;

    /* measure every site */
    j.sbox = ns ? lg_layer_boxes(ctx, sites) : NULL;
    j.area = lg_calloc(ctx, ns ? ns : 1, sizeof *j.area);
    j.in = lg_calloc(ctx, (ns ? ns : 1) * (j.nsets ? j.nsets : 1), sizeof *j.in);
    j.out = lg_calloc(ctx, ns ? ns : 1, sizeof *j.out);
    j.cen = lg_calloc(ctx, ns ? ns : 1, sizeof *j.cen);
    j.zsites = lg_calloc(ctx, nz ? nz : 1, sizeof *j.zsites);
    double *cbox = lg_calloc(ctx, 4 * (ns ? ns : 1), sizeof *cbox);
    if ((ns && !j.sbox) || !j.area || !j.in || !j.out || !j.cen || !j.zsites || !cbox) {
        free(cbox);
        goto fail;
    }
    for (size_t s = 0; s < ns; s++) {
        const GEOSGeometry *g = lg_layer_geom(sites, s);
        GEOSArea_r(h, g, &j.area[s]);
        j.out[s] = NAN;
        double *b = cbox + 4 * s;
        if (!(j.cen[s] = GEOSGetCentroid_r(h, g)) ||
            !GEOSGeom_getExtent_r(h, j.cen[s], &b[0], &b[1], &b[2], &b[3])) {
            lg_error(ctx, LG_ERR_GEOMETRY, "%s: no centroid for site FID %lld of %s", kernel,
                     lg_layer_fid(sites, s), lg_layer_source(sites));
            free(cbox);
            goto fail;
        }
    }
    j.cidx = ns ? lg_index_build(ctx, cbox, ns) : NULL;
    free(cbox);
    if (ns && !j.cidx)
        goto fail;
    if (lg_parallel_for(ctx, ns, ov_site, &j, kernel) != LG_OK ||
        lg_parallel_for_zones(ctx, zones, ov_zone, &j, "overlap: zones") != LG_OK)
        goto fail;
    /* a centroid on a shared boundary goes to the first zone covering it */
    owner = lg_malloc(ctx, (ns ? ns : 1) * sizeof *owner);
    if (!owner)
        goto fail;
    for (size_t s = 0; s < ns; s++)
        owner[s] = (size_t)-1;
    for (size_t z = 0; z < nz; z++)
        for (size_t k = 0; k < j.zsites[z].n; k++)
            if (owner[j.zsites[z].v[k]] == (size_t)-1)
                owner[j.zsites[z].v[k]] = z;

    /* the sites table */
    if (!(st = lg_table_new(ctx, "sites")) || lg_table_add_column(ctx, st, "area_m2", "m2") < 0)
        goto fail;
    for (size_t c = 0; c < cls.n; c++) {
        char *a = lg_sprintf(ctx, "in:%s_m2", cls.names[c]), *b = lg_sprintf(ctx, "in:%s_pct", cls.names[c]);
        int ok = a && b && lg_table_add_column(ctx, st, a, "m2") >= 0 &&
                 lg_table_add_column(ctx, st, b, "%") >= 0;
        free(a);
        free(b);
        if (!ok)
            goto fail;
    }
    int c_out = lg_table_add_column(ctx, st, "outside_boundary_m2", "m2");
    int c_conf = lg_table_add_column(ctx, st, "conflict", "1/0");
    int c_zone = lg_table_add_column(ctx, st, "zone_row", "");
    if (c_out < 0 || c_conf < 0 || c_zone < 0 || lg_table_set_rows(ctx, st, ns) != LG_OK)
        goto fail;
    int fid_id = lg_layer_field_index(sites, "id"), fid_name = lg_layer_field_index(sites, "name");
    /* zone sums: conflicting, sites, area, per class, outside */
    size_t nzc = 4 + cls.n;
    zsum = lg_calloc(ctx, (nz + 1) * nzc, sizeof *zsum);
    if (!zsum)
        goto fail;
    size_t nconflict = 0;
    for (size_t s = 0; s < ns; s++) {
        double num;
        char *id = lg_feature_label(ctx, sites, s, fid_id);
        char *name = fid_name >= 0 && (lg_layer_text(sites, s, (size_t)fid_name) ||
                                       lg_layer_number(sites, s, (size_t)fid_name, &num))
                         ? lg_feature_label(ctx, sites, s, fid_name)
                         : NULL; /* no name: the id */
        lg_status ls = id ? lg_table_set_label(ctx, st, s, id, name ? name : id) : LG_ERR_NOMEM;
        free(id);
        free(name);
        if (ls != LG_OK)
            goto fail;
        lg_table_set_geom(st, s, (GEOSGeometry *)lg_layer_geom(sites, s), 0);
        double a = j.area[s];
        int conflict = j.bset != (size_t)-1 && j.out[s] > tol;
        lg_table_set(st, s, 0, a);
        for (size_t c = 0; c < cls.n; c++) {
            double in = j.in[s * j.nsets + c];
            lg_table_set(st, s, 1 + 2 * c, in);
            lg_table_set(st, s, 2 + 2 * c, pct(in, a));
            conflict |= conflict_set[c] && in > tol;
        }
        lg_table_set(st, s, (size_t)c_out, j.out[s]);
        lg_table_set(st, s, (size_t)c_conf, conflict);
        lg_table_set(st, s, (size_t)c_zone, owner[s] == (size_t)-1 ? NAN : (double)owner[s]);
        nconflict += (size_t)conflict;
        /* the site's zone row, then the total (without zones: the total only) */
        for (size_t z = zones ? owner[s] : nz; z != (size_t)-1;) {
            double *row = zsum + z * nzc;
            row[0] += conflict, row[1] += 1, row[2] += a, row[3] += j.out[s];
            for (size_t c = 0; c < cls.n; c++)
                row[4 + c] += j.in[s * j.nsets + c];
            z = z == nz ? (size_t)-1 : nz; /* then the total row */
        }
    }

    /* zone columns: value, numerator, denominator, area_m2,
     * outside_boundary_m2, then in:<class>_m2 per class (sums over the
     * zone's sites) */
    zcols = lg_calloc(ctx, 5 + cls.n, sizeof *zcols);
    zunits = lg_calloc(ctx, 5 + cls.n, sizeof *zunits);
    if (!zcols || !zunits)
        goto fail;
    static const char *const base_cols[] = {"value", "numerator", "denominator", "area_m2",
                                            "outside_boundary_m2"};
    static const char *const base_units[] = {"count", "count", "count", "m2", "m2"};
    for (size_t c = 0; c < 5 + cls.n; c++) {
        zunits[c] = c < 5 ? base_units[c] : "m2";
        zcols[c] = c < 5 ? lg_strdup(ctx, base_cols[c]) : lg_sprintf(ctx, "in:%s_m2", cls.names[c - 5]);
        if (!zcols[c])
            goto fail;
    }
    if (!(r = lg_result_start_layer(ctx, kernel, "count", ref)) ||
        lg_make_zone_tables(ctx, zones, (const char *const *)zcols, zunits, 5 + cls.n, &zt, &tt) !=
            LG_OK)
        goto fail;
    for (size_t z = 0; z <= nz; z++) {
        lg_table *t = z < nz ? zt : tt;
        size_t row = z < nz ? z : 0;
        const double *v = zsum + z * nzc;
        lg_table_set(t, row, 0, v[0]);
        lg_table_set(t, row, 1, v[0]);
        lg_table_set(t, row, 2, v[1]);
        lg_table_set(t, row, 3, v[2]);
        lg_table_set(t, row, 4, j.bset != (size_t)-1 ? v[3] : NAN);
        for (size_t c = 0; c < cls.n; c++)
            lg_table_set(t, row, 5 + c, v[4 + c]);
    }
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    if (lg_result_add_detail(ctx, r, st) != LG_OK) {
        st = NULL;
        goto fail;
    }
    st = NULL;

    /* parameters */
    size_t len = 1;
    for (size_t c = 0; c < cls.n; c++)
        len += conflict_set[c] ? strlen(cls.names[c]) + 1 : 0;
    if (!(cnames = lg_calloc(ctx, len, 1)))
        goto fail;
    for (size_t c = 0; c < cls.n; c++)
        if (conflict_set[c]) {
            if (cnames[0])
                strcat(cnames, ",");
            strcat(cnames, cls.names[c]);
        }
    char *bdesc = boundary ? lg_sprintf(ctx, "layer %s", lg_layer_source(boundary))
                  : j.bset != (size_t)-1
                      ? lg_sprintf(ctx, "control polygons of class %s", bclass)
                      : lg_sprintf(ctx, "none (no boundary layer and no control class %s): "
                                        "outside_boundary_m2 is NaN", bclass);
    int bad = !bdesc ||
              lg_result_add_param(ctx, r, "sites", lg_layer_source(sites)) ||
              lg_result_add_param(ctx, r, "control", lg_layer_source(control)) ||
              lg_result_add_param(ctx, r, "class_field", cf) ||
              lg_result_add_param(ctx, r, "boundary", bdesc) ||
              lg_result_add_param(ctx, r, "boundary_class", bclass) ||
              lg_result_add_param(ctx, r, "conflict_classes", cnames) ||
              lg_result_add_param(ctx, r, "conflict_rule",
                                  "any in:<conflict class>_m2 or outside_boundary_m2 > "
                                  "tolerance_m2") ||
              lg_result_add_paramf(ctx, r, "tolerance_m2", "%.15g", tol) ||
              lg_result_add_param(ctx, r, "zone_of_site",
                                  zones ? "first zone (in zone order) covering the site's "
                                          "centroid"
                                        : "no zones: every site counts in the total") ||
              lg_result_add_paramf(ctx, r, "conflicting_sites", "%zu of %zu", nconflict, ns) ||
              lg_result_add_param(ctx, r, "dissolve", "union of each class near each site");
    free(bdesc);
    if (bad)
        goto fail;
    if (missing[0])
        lg_result_warn(ctx, r, "CONFLICT_CLASSES: class(es) %s do not occur in field %s of %s",
                       missing, cf, lg_layer_source(control));
    size_t outside = 0;
    for (size_t s = 0; s < ns; s++)
        outside += owner[s] == (size_t)-1;
    if (outside && zones)
        lg_result_warn(ctx, r, "%zu of %zu sites have their centroid in no zone: in the sites "
                       "table only", outside, ns);
    goto done;
fail:
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    lg_table_free(ctx, st);
    r = lg_result_free(ctx, r);
done:
    for (size_t c = 0; zcols && c < 5 + cls.n; c++)
        free(zcols[c]);
    free(zcols);
    free(zunits);
    free(owner);
    free(zsum);
    free(cnames);
    free(list);
    free(conflict_set);
    job_release(ctx, &j);
    lg_class_map_free(&cls);
    return r;
}
