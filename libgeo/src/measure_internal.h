/* Internals shared by the kernels: index, tables, results, zones, threads,
 * and the per-zone clipping loop.  Not installed. */
#ifndef LIBGEO_MEASURE_INTERNAL_H
#define LIBGEO_MEASURE_INTERNAL_H

#include <stdint.h>

#include "libgeo/lg_measure.h"
#include "lg_internal.h"

/* ---- growable vector of indices ---- */
typedef struct lg_ivec {
    size_t *v;
    size_t n, cap;
} lg_ivec;
int lg_ivec_push(lg_ivec *v, size_t x); /* 0 when out of memory */
void lg_ivec_free(lg_ivec *v);

/* ---- packed R-tree over boxes (minx, miny, maxx, maxy) ---- */
typedef struct lg_index lg_index;
lg_index *lg_index_build(lg_ctx *ctx, const double *boxes, size_t n);
lg_index *lg_index_free(lg_index *idx);
/* Items whose box meets q, into out (cleared first), in increasing item
 * order.  Thread-safe.  0 when out of memory (out then freed). */
int lg_index_query(const lg_index *idx, const double q[4], lg_ivec *out);

/* ---- per-layer cached boxes and index (layer.c) ---- */
/* Boxes of the loaded geometries (4 doubles each) and their index, built
 * on first use; call from one thread before starting workers. */
const double *lg_layer_boxes(lg_ctx *ctx, const lg_layer *layer);
const lg_index *lg_layer_index(lg_ctx *ctx, const lg_layer *layer);
/* 1 when every geometry of the layer passed GEOS's validity test at load
 * (or was repaired or left out), 0 when an invalid one was kept (policy
 * keep; a view of such a layer included).  The exact evaluations below
 * assume valid input: kernels use them only then, else the overlays. */
int lg_layer_all_valid(const lg_layer *layer);

/* ---- joining by an id: rows sorted by key, then binary search ---- */
typedef struct lg_key_ix {
    const char *key; /* borrowed */
    size_t i;        /* the row */
} lg_key_ix;
/* Sort by key, then row (so a lookup finds the first row with a key). */
void lg_key_ix_sort(lg_key_ix *keys, size_t n);
/* The row of the first key equal to `key`, or (size_t)-1. */
size_t lg_key_ix_find(const lg_key_ix *keys, size_t n, const char *key);

/* A feature's label from field f (numbers without a trailing .0), or its
 * FID when f < 0 or the value is NULL.  malloc'd. */
char *lg_feature_label(lg_ctx *ctx, const lg_layer *L, size_t i, int f);

/* A number for people (reports): a few decimals by magnitude; "—" for
 * none.  CSV and JSON keep every digit (lg_number_text). */
const char *lg_number_display(char *buf, size_t n, double v);

/* ---- tables ---- */
lg_table *lg_table_new(lg_ctx *ctx, const char *name);
lg_table *lg_table_free(lg_ctx *ctx, lg_table *t);
/* Add a column before the rows are allocated; returns its index or -1. */
int lg_table_add_column(lg_ctx *ctx, lg_table *t, const char *name, const char *unit);
/* Allocate `rows` rows (all cells NaN, ids/names ""). */
lg_status lg_table_set_rows(lg_ctx *ctx, lg_table *t, size_t rows);
/* Append a row (after set_rows, growing); returns its index or (size_t)-1. */
size_t lg_table_append_row(lg_ctx *ctx, lg_table *t);
lg_status lg_table_set_label(lg_ctx *ctx, lg_table *t, size_t row, const char *id,
                             const char *name);
void lg_table_set(lg_table *t, size_t row, size_t col, double v);
/* Row geometry: owned (freed with the table) or borrowed. */
void lg_table_set_geom(lg_table *t, size_t row, GEOSGeometry *g, int owned);

/* ---- results ---- */
lg_result *lg_result_new(lg_ctx *ctx, const char *kernel, const char *unit, const char *crs);
/* Take ownership of the zones / total / detail tables. */
void lg_result_set_tables(lg_result *r, lg_table *zones, lg_table *total);
lg_status lg_result_add_detail(lg_ctx *ctx, lg_result *r, lg_table *t);
lg_status lg_result_add_param(lg_ctx *ctx, lg_result *r, const char *key, const char *value);
/* lg_result_add_param with the value printf-formatted (at most 255 bytes). */
lg_status lg_result_add_paramf(lg_ctx *ctx, lg_result *r, const char *key, const char *fmt, ...)
    LG_PRINTF(4, 5);
/* A warning stored in the result and raised on the context. */
void lg_result_warn(lg_ctx *ctx, lg_result *r, const char *fmt, ...) LG_PRINTF(3, 4);
/* A warning stored in the result only (already raised, e.g. by a kernel
 * whose result this one is built from). */
void lg_result_keep_warning(lg_ctx *ctx, lg_result *r, const char *message);

/* A zones table with one row per zone (id, name, zone geometry borrowed)
 * and the given columns; plus a matching one-row total table.  zones may
 * be NULL: a zones table without rows. */
lg_status lg_make_zone_tables(lg_ctx *ctx, const lg_zones *zones, const char *const *cols,
                              const char *const *units, size_t ncols, lg_table **zt,
                              lg_table **tt);

/* ---- zones ---- */
const GEOSGeometry *lg_zones_geom(const lg_zones *zones, size_t i);
const double *lg_zones_box(const lg_zones *zones, size_t i);

/* ---- option lists ---- */
/* The value of KEY in a KEY=VALUE list, or NULL. */
const char *lg_opt(const char *const *options, const char *key);
/* LG_OK, or LG_ERR_ARG naming the first key not in `known`. */
lg_status lg_opt_check(lg_ctx *ctx, const char *kernel, const char *const *options,
                       const char *const *known);
/* yes/true/1/on -> 1, no/false/0/off/NULL -> 0, else -1 */
int lg_opt_bool(const char *value);

/* ---- threads ---- */
/* Per-worker state handed to the job: its own GEOS handle. */
typedef struct lg_worker {
    GEOSContextHandle_t geos;
    int id;          /* 0 .. threads-1 */
    void *scratch;   /* the job's per-worker data */
    char err[1024];  /* set by the job on failure */
    lg_status status;
} lg_worker;

/* Run job(worker, i, user) for i in [0, n) on the context's threads. Each
 * i runs on exactly one worker.  The first failure (lowest i) is recorded
 * in the context and returned.  Geometries shared between workers must be
 * read-only (their envelopes computed before). */
typedef lg_status (*lg_job_fn)(lg_worker *w, size_t i, void *user);
lg_status lg_parallel_for(lg_ctx *ctx, size_t n, lg_job_fn job, void *user, const char *what);
/* lg_parallel_for over the zones (job index = zone index), biggest zone
 * first so that a long job does not start last. */
lg_status lg_parallel_for_zones(lg_ctx *ctx, const lg_zones *zones, lg_job_fn job, void *user,
                                const char *what);

/* Record a failure in a worker (returns status). */
lg_status lg_worker_fail(lg_worker *w, lg_status status, const char *fmt, ...) LG_PRINTF(3, 4);

/* ---- clipping features of a layer to a zone ---- */
/* For each feature of `layer` meeting zone `zi`, in increasing feature
 * order: call fn(w, feature, piece, user) with piece = the feature itself
 * when the zone covers it (whole inclusion, nothing computed) or its
 * intersection with the zone (freed after the call).  A feature that only
 * touches the zone is passed as its lower-dimension intersection (a point or
 * line: zero length or area).  The zone is prepared once per call. */
typedef lg_status (*lg_piece_fn)(lg_worker *w, size_t feature, const GEOSGeometry *piece,
                                 int whole, void *user);
lg_status lg_clip_layer_to_zone(lg_worker *w, const lg_zones *zones, size_t zi,
                                const lg_layer *layer, const lg_index *idx, lg_piece_fn fn,
                                void *user);

/* The items of `idx` whose box meets zone zi's box, into cand (cleared
 * first), and zone zi prepared for predicates in *pz (NULL when cand is
 * empty; the caller destroys it).  LG_OK, or the failure recorded in w. */
lg_status lg_zone_candidates(lg_worker *w, const lg_zones *zones, size_t zi, const lg_index *idx,
                             lg_ivec *cand, const GEOSPreparedGeometry **pz);

/* area ∩ g.  With `big` set (an area of more than LG_CLIP_LOCAL_VERTICES
 * vertices), the area is first clipped to g's box, so the overlay costs what
 * g's neighbourhood costs, not the whole area: exact, since g lies in the
 * box.  NULL on GEOS failure. */
#define LG_CLIP_LOCAL_VERTICES 256
GEOSGeometry *lg_intersection_local(GEOSContextHandle_t h, const GEOSGeometry *area, int big,
                                    const GEOSGeometry *g);

/* Clip against any polygonal `area` with box `box` (same contract). */
lg_status lg_clip_layer(lg_worker *w, const GEOSGeometry *area, const double box[4],
                        const lg_layer *layer, const lg_index *idx, lg_piece_fn fn, void *user);

/* A grid over a polygonal area: cells that no edge of the area comes near
 * (closed cells, away from every edge's box) lie wholly in its interior or
 * wholly outside.  A feature whose box lies in interior cells lies in the
 * interior (ContainsProperly holds), one whose box lies in exterior cells
 * does not meet the area: no predicate needed.  Built from the area's
 * coordinates in O(edges x rows + cells x crossings per row); `cells`
 * along the longer side of `box` (the area's box). */
enum { LG_GRID_OUT = 0, LG_GRID_IN = 1, LG_GRID_EDGE = 2 };
typedef struct lg_inner_grid {
    double x0, y0, cw, ch;
    int nx, ny;
    unsigned char *cell; /* nx * ny, row-major: LG_GRID_*; NULL: no grid */
} lg_inner_grid;
/* 1 when built, else 0 (then *g holds no grid and never decides). */
int lg_inner_grid_build(GEOSContextHandle_t h, const GEOSGeometry *area, const double box[4],
                        int cells, lg_inner_grid *g);
/* 1 when box (minx, miny, maxx, maxy) lies in interior cells, -1 when in
 * exterior cells, 0 when undecided. */
int lg_inner_grid_holds(const lg_inner_grid *g, const double box[4]);
void lg_inner_grid_free(lg_inner_grid *g);
/* The cells a box (minx, miny, maxx, maxy) may touch, as span = {i0, j0,
 * i1, j1} (inclusive); 0 when it leaves the grid. */
int lg_inner_grid_span(const lg_inner_grid *g, const double box[4], int span[4]);

/* lg_clip_layer, faster for an area holding many features: features in
 * the interior cells of an inner grid pass whole, those in its exterior
 * cells are skipped, without a predicate; and a polygon the area covers
 * while touching its boundary (a parcel along a zone line) passes whole too
 * (the feature itself: lg_clip_layer passes its intersection with the area,
 * the same point set), decided by lg_covered_be instead of an overlay.
 * The other pieces are the same, in the same order.  `boxes`: the layer's
 * feature boxes (lg_layer_boxes, fetched before the workers start). */
lg_status lg_clip_layer_grid(lg_worker *w, const GEOSGeometry *area, const double box[4],
                             const lg_layer *layer, const lg_index *idx, const double *boxes,
                             lg_piece_fn fn, void *user);
/* lg_clip_layer_to_zone, the same way. */
lg_status lg_clip_layer_to_zone_grid(lg_worker *w, const lg_zones *zones, size_t zi,
                                     const lg_layer *layer, const lg_index *idx,
                                     const double *boxes, lg_piece_fn fn, void *user);

/* A growable array of owned geometries. */
typedef struct lg_gvec {
    GEOSGeometry **g;
    size_t n, cap;
} lg_gvec;
/* Append g (owned, consumed: destroyed when out of memory) to v;
 * LG_ERR_NOMEM recorded in w on failure. */
lg_status lg_gvec_push(lg_worker *w, lg_gvec *v, GEOSGeometry *g);
/* An lg_piece_fn that copies each piece into the lg_gvec `user`. */
lg_status lg_collect_piece(lg_worker *w, size_t feature, const GEOSGeometry *piece, int whole,
                           void *user);
/* Union of the collected geometries (consumed); NULL on GEOS failure. */
GEOSGeometry *lg_gvec_union(lg_worker *w, lg_gvec *v);
void lg_gvec_free(GEOSContextHandle_t h, lg_gvec *v);

/* Pieces that may borrow their geometry: a whole feature is borrowed from
 * its layer (no copy), a cut piece is owned. */
typedef struct lg_pvec {
    const GEOSGeometry **g;
    unsigned char *own; /* per piece: 1 owned (destroyed with the vector) */
    size_t n, cap;
} lg_pvec;
/* Append g; when `own`, g is consumed (destroyed when out of memory). */
lg_status lg_pvec_push(lg_worker *w, lg_pvec *v, const GEOSGeometry *g, int own);
/* An lg_piece_fn collecting into the lg_pvec `user`: whole features
 * borrowed, cut pieces copied. */
lg_status lg_collect_piece_ref(lg_worker *w, size_t feature, const GEOSGeometry *piece, int whole,
                               void *user);
void lg_pvec_free(GEOSContextHandle_t h, lg_pvec *v);
/* Append (borrowed) the non-empty polygons of g, recursing into
 * collections; points and lines are left out (no area). */
lg_status lg_pvec_polygons(lg_worker *w, const GEOSGeometry *g, lg_pvec *out);
/* The union of copies of the geometries (lg_gvec_union); NULL on failure. */
GEOSGeometry *lg_pvec_union(lg_worker *w, const lg_pvec *v);

/* A hash of n doubles by value (-0 and +0 alike), for exact-match tables
 * of points and segments. */
uint64_t lg_hash_doubles(const double *k, int n);

/* ---- exact predicates and boundary evaluation ---- */
/* Where c lies relative to a -> b: 1 left, -1 right, 0 on the line; exact
 * (Shewchuk's error bound, then expansion arithmetic). */
int lg_orient(double ax, double ay, double bx, double by, double cx, double cy);

/* The edges of a polygonal area (a zone), interior on the left, bucketed
 * by the cells of its inner grid, for the evaluations below.  `prep` (the
 * area prepared) and `grid` (built on the area, with cells) are borrowed
 * and must outlive it.  NULL when out of memory or the grid has no cells.
 * One per worker: queries write into it. */
typedef struct lg_area_edges lg_area_edges;
lg_area_edges *lg_area_edges_new(GEOSContextHandle_t h, const GEOSGeometry *area,
                                 const double box[4], const GEOSPreparedGeometry *prep,
                                 const lg_inner_grid *grid);
lg_area_edges *lg_area_edges_free(lg_area_edges *e);

/* The area of Z ∩ (polys[0] ∪ … ∪ polys[n-1]) by boundary evaluation, no
 * overlay: Z is the area of `clip`, or the whole plane when clip is NULL;
 * cut[i] says polygon i may cross or touch Z's boundary from outside (the
 * others must lie in Z, touching its boundary at most from inside).  Z and
 * the polygons must be valid.  Exact predicates; crossing points computed
 * once per pair of edges; the kept boundary is checked to close up.  1
 * with *area set, or 0 when it gives up (near-degenerate input, out of
 * memory): then use an overlay.  The answer matches GEOS's union,
 * intersection and area up to the rounding of crossing points. */
int lg_union_area_be(GEOSContextHandle_t h, lg_area_edges *clip, const GEOSGeometry *const *polys,
                     const unsigned char *cut, size_t n, double *area);
/* Whether the area of `clip` covers polygonal g (valid, as the area): 1
 * yes, 0 no (both as GEOSCovers would say), -1 undecided (near-degenerate,
 * out of memory, no clip: ask GEOS). */
int lg_covered_be(GEOSContextHandle_t h, lg_area_edges *clip, const GEOSGeometry *g);

/* ---- geometry helpers ---- */
/* The polygonal part of g (consumed): g itself when a (multi)polygon, else
 * the polygons of a mixed collection as a multipolygon, dropping points and
 * lines (which have no area); an empty multipolygon when none.  NULL on
 * failure (and when g is NULL). */
GEOSGeometry *lg_polygonal(GEOSContextHandle_t h, GEOSGeometry *g);
/* Compute (and so cache) the envelopes of g and of its rings, before the
 * geometry is read by several threads. */
void lg_warm_envelopes(GEOSContextHandle_t h, const GEOSGeometry *g);

/* Zone zi intersected with the union of `denominator` (dissolved); *out is
 * NULL when denominator is NULL (use the zone itself). */
lg_status lg_zone_within(lg_worker *w, const lg_zones *zones, size_t zi,
                         const lg_layer *denominator, const lg_index *didx, GEOSGeometry **out);

/* Distinct values of a field (text; numbers as text; NULL as "(none)"),
 * sorted bytewise, and each feature's class index. */
typedef struct lg_class_map {
    char **names;
    size_t n;
    size_t *of; /* per feature */
} lg_class_map;
lg_status lg_classes(lg_ctx *ctx, const lg_layer *layer, const char *field, lg_class_map *m);
void lg_class_map_free(lg_class_map *m);

/* lg_make_zone_tables with one more column per class, named
 * prefix + class name (e.g. "km:arterial"), after the given ones. */
lg_status lg_make_zone_tables_classes(lg_ctx *ctx, const lg_zones *zones, const char *const *cols,
                                      const char *const *units, size_t ncols,
                                      const lg_class_map *cls, const char *prefix,
                                      const char *class_unit, lg_table **zt, lg_table **tt);

/* A result named for the kernel, in the zones' CRS. */
lg_result *lg_result_start(lg_ctx *ctx, const char *kernel, const char *unit,
                           const lg_zones *zones);
/* The same, in the CRS of a layer (for results without zones). */
lg_result *lg_result_start_layer(lg_ctx *ctx, const char *kernel, const char *unit,
                                 const lg_layer *layer);
/* 1 if `layer` is loaded in the zones' CRS, else 0 with LG_ERR_CRS. */
int lg_same_crs(lg_ctx *ctx, const char *kernel, const lg_zones *zones, const lg_layer *layer);
/* 1 if `layer` is loaded in the CRS of `ref`, else 0 with LG_ERR_CRS. */
int lg_same_crs_layer(lg_ctx *ctx, const char *kernel, const lg_layer *ref, const lg_layer *layer);
/* Index of the numeric (integer or real) field `name` of L, named by the
 * kernel's option `option` in messages; -1 with LG_ERR_ARG when L has no
 * such field or it is not numeric. */
/* The index of field `name` of L when its type is a or b; else -1 with
 * LG_ERR_ARG naming the kernel, option, layer and what was expected
 * (`kind`: "a number", "a date"). */
int lg_typed_field(lg_ctx *ctx, const char *kernel, const char *option, const lg_layer *L,
                   const char *name, lg_field_type a, lg_field_type b, const char *kind);
int lg_numeric_field(lg_ctx *ctx, const char *kernel, const char *option, const lg_layer *L,
                     const char *name);
/* a / b, or NaN when b is not > 0 (no denominator). */
double lg_ratio(double a, double b);

/* 1 亩 in m², exactly. */
#define LG_M2_PER_MU (10000.0 / 15.0)

#endif
