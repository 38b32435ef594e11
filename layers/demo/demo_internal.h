/* geodemo internals: the world model shared by the layer writers.  Not
 * installed, not API.
 *
 * Everything is a pure function of (scale, seed) and the cell or feature it
 * is asked about: the world is built once (lattice, districts, streets,
 * land classes, road classes), then every layer is written by iterating
 * cells in row-major order and calling the same functions, so layers can be
 * written in any order, on any thread, with identical results. */
#ifndef GEODEMO_DEMO_INTERNAL_H
#define GEODEMO_DEMO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "demo.h"

/* ------------------------------------------------------------------ random */

static inline uint64_t gd_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* A hash of the seed, a stream tag and up to three integers. */
static inline uint64_t gd_hash(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t h = gd_mix64(seed + 0x9E3779B97F4A7C15ULL * (stream + 1));
    h = gd_mix64(h ^ (a + 0x632BE59BD9B4E019ULL));
    h = gd_mix64(h ^ (b + 0x85157AF5B2D5C1E3ULL));
    h = gd_mix64(h ^ (c + 0xA0761D6478BD642FULL));
    return h;
}

/* Uniform double in [0,1) from a hash. */
static inline double gd_unit(uint64_t h) { return (double)(h >> 11) * 0x1.0p-53; }

/* xoshiro256** seeded by splitmix64 from one 64-bit value. */
typedef struct gd_rng {
    uint64_t s[4];
} gd_rng;

static inline void gd_rng_seed(gd_rng *r, uint64_t x)
{
    for (int i = 0; i < 4; i++) {
        x += 0x9E3779B97F4A7C15ULL;
        r->s[i] = gd_mix64(x);
    }
}

static inline uint64_t gd_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t gd_rng_next(gd_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = gd_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = gd_rotl(s[3], 45);
    return result;
}

static inline double gd_rng_unif(gd_rng *r) { return gd_unit(gd_rng_next(r)); }
static inline double gd_rng_range(gd_rng *r, double a, double b) { return a + (b - a) * gd_rng_unif(r); }
static inline int gd_rng_int(gd_rng *r, int n) { return (int)(gd_rng_unif(r) * n); }
double gd_rng_normal(gd_rng *r);
/* exp(N(mu, sigma)) */
double gd_rng_lognormal(gd_rng *r, double mu, double sigma);

/* Stream tags: one per use, so that adding a use never shifts another. */
enum {
    ST_NODE = 1, ST_EDGE, ST_CELL, ST_PARCEL, ST_LANDUSE, ST_ENTERPRISE, ST_BUILDING, ST_NOISE,
    ST_GROW, ST_STREETSEED, ST_PARK, ST_ROADNAME, ST_ROAD, ST_EXPRESS, ST_FOREST, ST_REDLINE,
    ST_FARM, ST_UGB, ST_SITE, ST_APPROVAL, ST_SUPPLY, ST_FACILITY, ST_HILL, ST_CORE, ST_VILLAGE,
    ST_INDUSTRY, ST_NAMES, ST_POP
};

/* Smooth value noise in [-1,1] with unit wavelength; fbm: octaves summed. */
double gd_noise(uint64_t seed, uint64_t stream, double x, double y);
double gd_fbm(uint64_t seed, uint64_t stream, double x, double y, int octaves);

/* ------------------------------------------------------------------ world */

/* Land class of a lattice cell (a block). */
enum {
    CL_NONE = 0,   /* outside every district */
    CL_RES,        /* urban, mostly residential */
    CL_COM,        /* urban centre, commercial */
    CL_IND,        /* industrial cluster */
    CL_PARK,       /* part of a large park */
    CL_FOREST,     /* hills */
    CL_FARM,       /* farmland */
    CL_VILLAGE     /* rural settlement */
};

/* Road classes on lattice edges (bits 0-2), flags above. */
enum { RC_NONE = 0, RC_BRANCH = 1, RC_SECONDARY = 2, RC_ARTERIAL = 3, RC_EXPRESS = 4 };
#define RF_PAIRED 0x08  /* drawn as two directed edges */
#define RF_ONEWAY 0x10  /* a one-way street */

typedef struct gd_district {
    const char *name, *code;
    double cx, cy;        /* seed position (m) */
    double target_m2;
    double pop;           /* residents */
    int urban;            /* 1: city district (街道), 0: county-level (镇 too) */
    const char *const *street_names; /* NULL-terminated real names, or NULL */
    int nstreets;
    /* results */
    double area;
    int first_street;
    int core;             /* index of its main urban core */
    int bi0, bj0, bi1, bj1; /* cell box, inclusive */
} gd_district;

typedef struct gd_street {
    char name[48];
    char code[12];
    int district;
    double area, res_area;
    double pop;
    int seed_cell;
} gd_street;

typedef struct gd_blob {  /* a centre with a radius: hills, cores, clusters, farm blobs */
    double x, y, r, h;
    int kind;
    int nv;               /* vertices of its star polygon (0: none) */
    int nholes;
    double rmin, rmax;    /* star polygon radius range */
    double amp;           /* star polygon relative amplitude */
    uint64_t key;         /* hash key of its shape */
    double *rad;          /* explicit radii (nv of them) instead of the key, or NULL */
    const char *name;
} gd_blob;

typedef struct gd_park_group {
    int i0, j0, w, h;     /* cells */
    int kind;             /* index into park kinds */
} gd_park_group;

typedef struct gd_world {
    gd_scale scale;
    uint64_t seed;
    double a;             /* lattice spacing, m */
    double ox, oy;        /* position of node (0,0) */
    int gi0, gj0;         /* global lattice index of node (0,0) */
    int nx, ny;           /* cells */
    double *xn, *yn;      /* node coordinates, (nx+1)*(ny+1), row-major by j */
    int16_t *dist;        /* per cell: district index or -1 */
    int16_t *street;      /* per cell: street index or -1 */
    uint8_t *cls;         /* per cell: CL_* */
    int32_t *park;        /* per cell: park group or -1 */
    uint8_t *hroad;       /* horizontal edge (i,j): node(i,j)-node(i+1,j); nx*(ny+1) */
    uint8_t *vroad;       /* vertical edge (i,j): node(i,j)-node(i,j+1); (nx+1)*ny */
    uint8_t *hpts, *vpts; /* number of interior points on each edge (0..2) */
    uint32_t *parcel_base;/* per cell: id of its first parcel (ids from 1) */
    uint32_t nparcels;
    int ndistricts, nstreets;
    gd_district *districts;
    gd_street *streets;
    int nhills, ncores, nclusters, nfarm, nred;
    gd_blob *hills, *cores, *clusters, *farm, *red;
    gd_blob *ugb;         /* one per core */
    int npark_groups;
    gd_park_group *park_groups;
    double city_area;
    /* facility planning per street: candidates counted in the setup pass */
    uint32_t *fac_cand;   /* per street: candidate parcels for facilities */
    double urban_area;    /* m2 of urban cells */
    char errmsg[512];
} gd_world;

/* Build / free the world.  0 on success, else an lg_status with errmsg set. */
int gd_world_build(gd_world *w, gd_scale scale, uint64_t seed,
                   int (*tick)(void *user, double fraction), void *user);
void gd_world_free(gd_world *w);

static inline size_t gd_node(const gd_world *w, int i, int j) { return (size_t)j * (w->nx + 1) + i; }
static inline size_t gd_cell(const gd_world *w, int i, int j) { return (size_t)j * w->nx + i; }
static inline int gd_in_city(const gd_world *w, int i, int j)
{
    return i >= 0 && j >= 0 && i < w->nx && j < w->ny && w->dist[gd_cell(w, i, j)] >= 0;
}
static inline int gd_cls(const gd_world *w, int i, int j)
{
    return (i >= 0 && j >= 0 && i < w->nx && j < w->ny) ? w->cls[gd_cell(w, i, j)] : CL_NONE;
}
/* Cell centre (mean of the corners). */
void gd_cell_centre(const gd_world *w, int i, int j, double *x, double *y);
/* The cell holding a point (by the nominal grid, then the quad test). -1 if off grid. */
int gd_cell_at(const gd_world *w, double x, double y, int *ci, int *cj);

/* Interior points of an edge: `horizontal` edge (i,j) runs node(i,j) to
 * node(i+1,j), vertical edge (i,j) node(i,j) to node(i,j+1).  Writes up to
 * 2 points in the edge's own direction; returns their number. */
int gd_edge_points(const gd_world *w, int horizontal, int i, int j, double *x, double *y);

/* The directed lattice edge leaving node (i,j) in direction d (0 E, 1 N,
 * 2 W, 3 S): its start node and interior points in that direction. Returns
 * the number of points written (1..3). */
int gd_ring_edge(const gd_world *w, int i, int j, int d, double *x, double *y);
/* Counter-clockwise closed ring of the rectangle of wd x ht cells from cell
 * (i0,j0), with every edge point; x/y need 3*2*(wd+ht)+1 entries. */
int gd_rect_ring(const gd_world *w, int i0, int j0, int wd, int ht, double *x, double *y);

/* A closed ring along lattice edges of the cells with label == `label` in
 * `labels` (cells outside the array count as other): counter-clockwise,
 * with every edge point, first point repeated at the end.  Malloc'd arrays;
 * returns the number of points, 0 if the label has no cell, -1 on error
 * (no memory, or the region is not a single simple ring). */
long gd_trace_region(const gd_world *w, const int16_t *labels, int label, double **xs,
                     double **ys);

/* ------------------------------------------------------------- parcels */

#define GD_MAXPV 32   /* vertices per parcel ring (closing point included) */
#define GD_MAXP 8     /* parcels per cell */

typedef struct gd_parcel {
    int n;                        /* ring points incl. the closing one */
    double x[GD_MAXPV], y[GD_MAXPV];
    double cx4[4], cy4[4];        /* the four corners, counter-clockwise */
    double area;
    double cx, cy;                /* centroid */
    char code;                    /* R M B G F A U */
    uint32_t id;
} gd_parcel;

/* The parcels of cell (i,j) (inside a district), tiling it exactly. */
int gd_cell_parcels(const gd_world *w, int i, int j, gd_parcel *out);

/* Enterprises on an industrial parcel. */
#define GD_MAXE 4
typedef struct gd_enterprise {
    char name[96];
    char uscc[20];
    const char *industry;
    int above;                    /* 规上 */
    double x, y;
    /* NAN = NULL */
    double tax_wan, output_wan, revenue_wan, va_wan, energy_tce, emis_t, rd_wan, employees;
    double cert_m2;
    int start_year;
} gd_enterprise;
int gd_parcel_enterprises(const gd_world *w, size_t cell, int k, const gd_parcel *p,
                          gd_enterprise *out);

/* Buildings on a built parcel. */
#define GD_MAXB 6
typedef struct gd_building {
    double x[5], y[5];
    double area;
    int floors;
    double height;
    const char *use;
    int year;
} gd_building;
int gd_parcel_buildings(const gd_world *w, size_t cell, int k, const gd_parcel *p,
                        gd_building *out);

/* Land status of a parcel: 0 in use, 1 idle (闲置), 2 under construction. */
int gd_parcel_status(const gd_world *w, size_t cell, int k, const gd_parcel *p);

/* Land approval of a cell (农转用/征收 batch): 1 and *date (days since
 * 1970-01-01) when approved. */
int gd_cell_approval(const gd_world *w, int i, int j, int *date);

/* Star polygon of a blob: n points + closing, radius from the blob's key. */
int gd_star_ring(const gd_blob *b, int n, double amp, double *x, double *y);
/* Vertex i of that ring. */
void gd_star_vertex(const gd_blob *b, int n, double amp, int i, double *x, double *y);
/* 1 when (x,y) is inside the star polygon of blob b with n vertices (exact for
 * the polygon gd_star_ring makes). */
int gd_star_contains(const gd_blob *b, int n, double amp, double x, double y);

/* --------------------------------------------------------------- names */
/* Write DIR/project.yaml (demo_project.c); 0, or -1 with err. */
int gd_write_project(const char *dir, int gpkg, char *err, size_t errlen);

void gd_names_init(void);
const char *gd_class_cn(char code);
const char *gd_road_name(const gd_world *w, int vertical, int line, int pos);
void gd_company_name(gd_rng *r, const char *industry, char *buf, size_t len);
const char *gd_pick_industry(gd_rng *r);
extern const char *const GD_EXPRESSWAYS[];
extern const int GD_NEXPRESSWAYS;
extern const char *const GD_SYLLABLES[];
extern const int GD_NSYLLABLES;
extern const char *const GD_HILL_NAMES[];
extern const int GD_NHILL_NAMES;

/* ------------------------------------------------------------- writing */

typedef enum { GF_INT, GF_REAL, GF_STR, GF_DATE } gd_ftype;
typedef struct gd_field {
    const char *name;
    gd_ftype type;
    int width, precision;
    const char *unit;     /* for the README */
    const char *doc;
} gd_field;

typedef enum { GG_POINT, GG_LINE, GG_POLYGON, GG_NONE } gd_gtype;

typedef struct gd_layer_def {
    const char *name;
    gd_gtype gtype;
    int gbk;              /* write the shapefile DBF in GBK (CP936) */
    const char *doc;
    const gd_field *fields;
    int nfields;
} gd_layer_def;

typedef struct gd_writer gd_writer;

/* A writer for one layer: a shapefile in `dir`, or a layer of the open
 * GeoPackage `gpkg` (void* = GDALDatasetH). NULL + errmsg on failure. */
gd_writer *gd_writer_open(const char *dir, void *gpkg, const gd_layer_def *def, char *err,
                          size_t errlen);
/* Close; 0 ok, else -1 and err set (also reports an earlier failure). */
int gd_writer_close(gd_writer *wr, char *err, size_t errlen);
long long gd_writer_count(const gd_writer *wr);
int gd_writer_failed(const gd_writer *wr);

/* Set fields of the current feature (by index in the def), then emit it
 * with one of the geometry calls.  NAN real = NULL; NULL string = NULL;
 * date <= 0 = NULL. */
void gd_set_int(gd_writer *wr, int f, long long v);
void gd_set_real(gd_writer *wr, int f, double v);
void gd_set_str(gd_writer *wr, int f, const char *s);
void gd_set_date(gd_writer *wr, int f, int days); /* days since 1970-01-01 */
void gd_set_null(gd_writer *wr, int f);
/* Emit with a geometry: rings given as point counts (each ring closed). */
int gd_emit_polygon(gd_writer *wr, int nrings, const int *npts, const double *const *xs,
                    const double *const *ys);
/* One ring as the current feature's polygon (x, y: n points, closed). */
int gd_emit_ring(gd_writer *wr, int n, const double *x, const double *y);
int gd_emit_line(gd_writer *wr, int n, const double *x, const double *y);
int gd_emit_point(gd_writer *wr, double x, double y);

/* Days since 1970-01-01 <-> y/m/d (proleptic Gregorian). */
int gd_days(int y, int m, int d);
void gd_ymd(int days, int *y, int *m, int *d);

/* ----------------------------------------------------------- layer jobs */

typedef struct gd_job gd_job;
typedef int (*gd_tick_fn)(gd_job *job, double fraction); /* 0 = stop */

struct gd_job {
    const gd_layer_def *def;
    /* write all features of the layer; 0 ok, else -1 (errmsg in err) */
    int (*run)(const gd_world *w, gd_writer *wr, gd_job *job);
    double weight;        /* share of the total work, for progress */
    /* filled while running */
    double done;
    gd_tick_fn tick;
    void *shared;
    long long features;
    char err[512];
};

extern const gd_job GD_JOBS[]; /* templates: copied per run */
extern const int GD_NJOBS;

#endif
