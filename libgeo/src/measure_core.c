/* The machinery under every kernel: result tables, zones, options, the
 * worker pool and the per-zone clipping loop. */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure_internal.h"

/* ------------------------------------------------------------------ */
/* tables                                                              */

struct lg_table {
    char *name;
    size_t ncols, colcap;
    char **colname, **colunit;
    size_t nrows, rowcap;
    double *cells;       /* nrows x ncols */
    char **ids, **names; /* per row */
    GEOSGeometry **geoms;
    unsigned char *owned;
};

static char *dup_or_empty(lg_ctx *ctx, const char *s) { return lg_strdup(ctx, s ? s : ""); }

lg_table *lg_table_new(lg_ctx *ctx, const char *name)
{
    lg_table *t = lg_calloc(ctx, 1, sizeof *t);
    if (t && !(t->name = lg_strdup(ctx, name))) {
        free(t);
        return NULL;
    }
    return t;
}

lg_table *lg_table_free(lg_ctx *ctx, lg_table *t)
{
    if (!t)
        return NULL;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t c = 0; c < t->ncols; c++) {
        free(t->colname[c]);
        free(t->colunit[c]);
    }
    for (size_t r = 0; r < t->nrows; r++) {
        free(t->ids[r]);
        free(t->names[r]);
        if (t->owned[r] && t->geoms[r])
            GEOSGeom_destroy_r(h, t->geoms[r]);
    }
    free(t->colname);
    free(t->colunit);
    free(t->cells);
    free(t->ids);
    free(t->names);
    free(t->geoms);
    free(t->owned);
    free(t->name);
    free(t);
    return NULL;
}

int lg_table_add_column(lg_ctx *ctx, lg_table *t, const char *name, const char *unit)
{
    if (t->rowcap) {
        lg_error(ctx, LG_ERR_INTERNAL, "column %s added after rows", name);
        return -1;
    }
    if (t->ncols == t->colcap) {
        size_t cap = t->colcap ? 2 * t->colcap : 8;
        char **a = lg_realloc(ctx, t->colname, cap * sizeof *a);
        if (!a)
            return -1;
        t->colname = a;
        char **b = lg_realloc(ctx, t->colunit, cap * sizeof *b);
        if (!b)
            return -1;
        t->colunit = b;
        t->colcap = cap;
    }
    t->colname[t->ncols] = dup_or_empty(ctx, name);
    t->colunit[t->ncols] = dup_or_empty(ctx, unit);
    if (!t->colname[t->ncols] || !t->colunit[t->ncols]) {
        free(t->colname[t->ncols]);
        free(t->colunit[t->ncols]);
        return -1;
    }
    return (int)t->ncols++;
}

static lg_status table_reserve(lg_ctx *ctx, lg_table *t, size_t rows)
{
    if (rows <= t->rowcap)
        return LG_OK;
    size_t cap = t->rowcap ? t->rowcap : 16;
    while (cap < rows)
        cap *= 2;
    size_t nc = t->ncols ? t->ncols : 1;
    double *cells = lg_realloc(ctx, t->cells, cap * nc * sizeof *cells);
    if (!cells)
        return LG_ERR_NOMEM;
    t->cells = cells;
    char **ids = lg_realloc(ctx, t->ids, cap * sizeof *ids);
    if (!ids)
        return LG_ERR_NOMEM;
    t->ids = ids;
    char **names = lg_realloc(ctx, t->names, cap * sizeof *names);
    if (!names)
        return LG_ERR_NOMEM;
    t->names = names;
    GEOSGeometry **g = lg_realloc(ctx, t->geoms, cap * sizeof *g);
    if (!g)
        return LG_ERR_NOMEM;
    t->geoms = g;
    unsigned char *o = lg_realloc(ctx, t->owned, cap);
    if (!o)
        return LG_ERR_NOMEM;
    t->owned = o;
    t->rowcap = cap;
    return LG_OK;
}

size_t lg_table_append_row(lg_ctx *ctx, lg_table *t)
{
    if (table_reserve(ctx, t, t->nrows + 1) != LG_OK)
        return (size_t)-1;
    size_t r = t->nrows;
    for (size_t c = 0; c < t->ncols; c++)
        t->cells[r * t->ncols + c] = NAN;
    t->ids[r] = NULL;
    t->names[r] = NULL;
    t->geoms[r] = NULL;
    t->owned[r] = 0;
    if (!(t->ids[r] = lg_strdup(ctx, "")) || !(t->names[r] = lg_strdup(ctx, ""))) {
        free(t->ids[r]);
        return (size_t)-1;
    }
    t->nrows++;
    return r;
}

lg_status lg_table_set_rows(lg_ctx *ctx, lg_table *t, size_t rows)
{
    if (table_reserve(ctx, t, rows) != LG_OK)
        return LG_ERR_NOMEM;
    while (t->nrows < rows)
        if (lg_table_append_row(ctx, t) == (size_t)-1)
            return lg_ctx_errno(ctx);
    return LG_OK;
}

lg_status lg_table_set_label(lg_ctx *ctx, lg_table *t, size_t row, const char *id,
                             const char *name)
{
    char *a = dup_or_empty(ctx, id), *b = dup_or_empty(ctx, name);
    if (!a || !b) {
        free(a);
        free(b);
        return LG_ERR_NOMEM;
    }
    free(t->ids[row]);
    free(t->names[row]);
    t->ids[row] = a;
    t->names[row] = b;
    return LG_OK;
}

void lg_table_set(lg_table *t, size_t row, size_t col, double v) { t->cells[row * t->ncols + col] = v; }

void lg_table_set_geom(lg_table *t, size_t row, GEOSGeometry *g, int owned)
{
    t->geoms[row] = g;
    t->owned[row] = (unsigned char)(owned != 0);
}

const char *lg_table_name(const lg_table *t) { return t->name; }
size_t lg_table_rows(const lg_table *t) { return t->nrows; }
size_t lg_table_columns(const lg_table *t) { return t->ncols; }
const char *lg_table_column_name(const lg_table *t, size_t c) { return t->colname[c]; }
const char *lg_table_column_unit(const lg_table *t, size_t c) { return t->colunit[c]; }
double lg_table_value(const lg_table *t, size_t r, size_t c) { return t->cells[r * t->ncols + c]; }
const char *lg_table_row_id(const lg_table *t, size_t r) { return t->ids[r]; }
const char *lg_table_row_name(const lg_table *t, size_t r) { return t->names[r]; }
const GEOSGeometry *lg_table_row_geom(const lg_table *t, size_t r) { return t->geoms[r]; }

int lg_table_column_index(const lg_table *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (!strcmp(t->colname[c], name))
            return (int)c;
    return -1;
}

/* ------------------------------------------------------------------ */
/* results                                                             */

struct lg_result {
    char *kernel, *unit, *crs;
    lg_table *zones, *total;
    lg_table **details;
    size_t ndetails;
    char **pkeys, **pvals;
    size_t nparams;
    char **warnings;
    size_t nwarnings;
};

lg_result *lg_result_new(lg_ctx *ctx, const char *kernel, const char *unit, const char *crs)
{
    lg_result *r = lg_calloc(ctx, 1, sizeof *r);
    if (!r)
        return NULL;
    r->kernel = lg_strdup(ctx, kernel);
    r->unit = lg_strdup(ctx, unit);
    r->crs = lg_strdup(ctx, crs ? crs : "");
    if (!r->kernel || !r->unit || !r->crs)
        return lg_result_free(ctx, r);
    return r;
}

lg_result *lg_result_free(lg_ctx *ctx, lg_result *r)
{
    if (!r)
        return NULL;
    lg_table_free(ctx, r->zones);
    lg_table_free(ctx, r->total);
    for (size_t i = 0; i < r->ndetails; i++)
        lg_table_free(ctx, r->details[i]);
    free(r->details);
    for (size_t i = 0; i < r->nparams; i++) {
        free(r->pkeys[i]);
        free(r->pvals[i]);
    }
    free(r->pkeys);
    free(r->pvals);
    for (size_t i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    free(r->kernel);
    free(r->unit);
    free(r->crs);
    free(r);
    return NULL;
}

void lg_result_set_tables(lg_result *r, lg_table *zones, lg_table *total)
{
    r->zones = zones;
    r->total = total;
}

lg_status lg_result_add_detail(lg_ctx *ctx, lg_result *r, lg_table *t)
{
    lg_table **d = lg_realloc(ctx, r->details, (r->ndetails + 1) * sizeof *d);
    if (!d) {
        lg_table_free(ctx, t);
        return LG_ERR_NOMEM;
    }
    r->details = d;
    r->details[r->ndetails++] = t;
    return LG_OK;
}

lg_status lg_result_add_param(lg_ctx *ctx, lg_result *r, const char *key, const char *value)
{
    char **k = lg_realloc(ctx, r->pkeys, (r->nparams + 1) * sizeof *k);
    if (!k)
        return LG_ERR_NOMEM;
    r->pkeys = k;
    char **v = lg_realloc(ctx, r->pvals, (r->nparams + 1) * sizeof *v);
    if (!v)
        return LG_ERR_NOMEM;
    r->pvals = v;
    r->pkeys[r->nparams] = dup_or_empty(ctx, key);
    r->pvals[r->nparams] = dup_or_empty(ctx, value);
    if (!r->pkeys[r->nparams] || !r->pvals[r->nparams]) {
        free(r->pkeys[r->nparams]);
        free(r->pvals[r->nparams]);
        return LG_ERR_NOMEM;
    }
    r->nparams++;
    return LG_OK;
}

lg_status lg_result_add_paramf(lg_ctx *ctx, lg_result *r, const char *key, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return lg_result_add_param(ctx, r, key, buf);
}

void lg_result_warn(lg_ctx *ctx, lg_result *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lg_warn(ctx, "%s: %s", r->kernel, buf);
    char **w = realloc(r->warnings, (r->nwarnings + 1) * sizeof *w);
    if (!w)
        return;
    r->warnings = w;
    if ((r->warnings[r->nwarnings] = lg_strdup(ctx, buf)))
        r->nwarnings++;
}

void lg_result_keep_warning(lg_ctx *ctx, lg_result *r, const char *message)
{
    char **w = realloc(r->warnings, (r->nwarnings + 1) * sizeof *w);
    if (!w)
        return;
    r->warnings = w;
    if ((r->warnings[r->nwarnings] = lg_strdup(ctx, message)))
        r->nwarnings++;
}

const char *lg_result_kernel(const lg_result *r) { return r->kernel; }
const char *lg_result_unit(const lg_result *r) { return r->unit; }
const char *lg_result_crs(const lg_result *r) { return r->crs; }
const lg_table *lg_result_zones(const lg_result *r) { return r->zones; }
const lg_table *lg_result_total(const lg_result *r) { return r->total; }
size_t lg_result_detail_count(const lg_result *r) { return r->ndetails; }
const lg_table *lg_result_detail(const lg_result *r, size_t i) { return r->details[i]; }
size_t lg_result_param_count(const lg_result *r) { return r->nparams; }
const char *lg_result_param_key(const lg_result *r, size_t i) { return r->pkeys[i]; }
const char *lg_result_param_value(const lg_result *r, size_t i) { return r->pvals[i]; }
size_t lg_result_warning_count(const lg_result *r) { return r->nwarnings; }
const char *lg_result_warning(const lg_result *r, size_t i) { return r->warnings[i]; }

lg_status lg_make_zone_tables(lg_ctx *ctx, const lg_zones *zones, const char *const *cols,
                              const char *const *units, size_t ncols, lg_table **zt,
                              lg_table **tt)
{
    *zt = lg_table_new(ctx, "zones");
    *tt = lg_table_new(ctx, "total");
    if (!*zt || !*tt)
        goto fail;
    for (size_t c = 0; c < ncols; c++)
        if (lg_table_add_column(ctx, *zt, cols[c], units[c]) < 0 ||
            lg_table_add_column(ctx, *tt, cols[c], units[c]) < 0)
            goto fail;
    size_t n = zones ? lg_zones_count(zones) : 0;
    if (lg_table_set_rows(ctx, *zt, n) != LG_OK || lg_table_set_rows(ctx, *tt, 1) != LG_OK)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (lg_table_set_label(ctx, *zt, i, lg_zones_id(zones, i), lg_zones_name(zones, i)))
            goto fail;
        lg_table_set_geom(*zt, i, (GEOSGeometry *)lg_zones_geom(zones, i), 0);
    }
    if (lg_table_set_label(ctx, *tt, 0, "total", "total") != LG_OK)
        goto fail;
    return LG_OK;
fail:
    *zt = lg_table_free(ctx, *zt);
    *tt = lg_table_free(ctx, *tt);
    return lg_ctx_errno(ctx) ? lg_ctx_errno(ctx) : LG_ERR_NOMEM;
}

/* ------------------------------------------------------------------ */
/* zones                                                               */

struct lg_zones {
    const lg_layer *layer;
    size_t n;
    char **ids, **names;
    double *areas;
    const double *boxes;
    size_t *order; /* biggest zone first: the order zone jobs are handed out */
};

typedef struct zone_key {
    double area;
    size_t i;
} zone_key;

static int cmp_zone_key(const void *a, const void *b)
{
    const zone_key *x = a, *y = b;
    if (x->area != y->area)
        return x->area > y->area ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

static int pick_field(const lg_layer *L, const char *given, const char *const *candidates)
{
    if (given)
        return lg_layer_field_index(L, given);
    for (size_t k = 0; candidates[k]; k++) {
        int f = lg_layer_field_index(L, candidates[k]);
        if (f >= 0)
            return f;
    }
    return -1;
}

/* Text of a field (text or number) for labelling. */
static char *field_label(lg_ctx *ctx, const lg_layer *L, size_t i, int f)
{
    if (f < 0)
        return lg_sprintf(ctx, "%lld", lg_layer_fid(L, i));
    double v;
    if (lg_layer_number(L, i, (size_t)f, &v))
        return v == floor(v) && fabs(v) < 1e15 ? lg_sprintf(ctx, "%.0f", v)
                                               : lg_sprintf(ctx, "%.15g", v);
    const char *t = lg_layer_text(L, i, (size_t)f);
    return lg_strdup(ctx, t ? t : "");
}

lg_zones *lg_zones_new(lg_ctx *ctx, const lg_layer *L, const char *id_field,
                       const char *name_field)
{
    static const char *const id_cands[] = {"code", "id", "adcode", "zid", NULL};
    static const char *const name_cands[] = {"name", "名称", "NAME", "zname", NULL};
    if (!lg_layer_crs(L)) {
        lg_error(ctx, LG_ERR_ARG, "zones %s: load the layer in a working CRS first",
                 lg_layer_source(L));
        return NULL;
    }
    if (lg_layer_geom_kind(L) != LG_GEOM_POLYGON) {
        lg_error(ctx, LG_ERR_ARG, "zones %s: need polygons, the layer holds %s",
                 lg_layer_source(L), lg_geom_kind_name(lg_layer_geom_kind(L)));
        return NULL;
    }
    int fid = pick_field(L, id_field, id_cands), fname = pick_field(L, name_field, name_cands);
    if (id_field && fid < 0) {
        lg_error(ctx, LG_ERR_ARG, "zones %s: no field '%s' for the zone id", lg_layer_source(L),
                 id_field);
        return NULL;
    }
    if (name_field && fname < 0) {
        lg_error(ctx, LG_ERR_ARG, "zones %s: no field '%s' for the zone name",
                 lg_layer_source(L), name_field);
        return NULL;
    }
    lg_zones *z = lg_calloc(ctx, 1, sizeof *z);
    if (!z)
        return NULL;
    z->layer = L;
    z->n = lg_layer_size(L);
    z->ids = lg_calloc(ctx, z->n, sizeof *z->ids);
    z->names = lg_calloc(ctx, z->n, sizeof *z->names);
    z->areas = lg_calloc(ctx, z->n, sizeof *z->areas);
    z->boxes = lg_layer_boxes(ctx, L);
    if (!z->ids || !z->names || !z->areas || (!z->boxes && z->n))
        return lg_zones_free(ctx, z);
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t i = 0; i < z->n; i++) {
        z->ids[i] = field_label(ctx, L, i, fid);
        z->names[i] = fname >= 0 ? field_label(ctx, L, i, fname) : lg_strdup(ctx, z->ids[i] ? z->ids[i] : "");
        if (!z->ids[i] || !z->names[i])
            return lg_zones_free(ctx, z);
        GEOSArea_r(h, lg_layer_geom(L, i), &z->areas[i]);
    }
    /* Longest job first (the zone's area standing in for its work): a big
     * district started last would leave the other threads idle. */
    zone_key *k = lg_malloc(ctx, (z->n ? z->n : 1) * sizeof *k);
    z->order = lg_malloc(ctx, (z->n ? z->n : 1) * sizeof *z->order);
    if (!k || !z->order) {
        free(k);
        return lg_zones_free(ctx, z);
    }
    for (size_t i = 0; i < z->n; i++)
        k[i].area = z->areas[i], k[i].i = i;
    qsort(k, z->n, sizeof *k, cmp_zone_key);
    for (size_t i = 0; i < z->n; i++)
        z->order[i] = k[i].i;
    free(k);
    return z;
}

lg_zones *lg_zones_free(lg_ctx *ctx, lg_zones *z)
{
    (void)ctx;
    if (!z)
        return NULL;
    for (size_t i = 0; i < z->n; i++) {
        if (z->ids)
            free(z->ids[i]);
        if (z->names)
            free(z->names[i]);
    }
    free(z->ids);
    free(z->names);
    free(z->areas);
    free(z->order);
    free(z);
    return NULL;
}

size_t lg_zones_count(const lg_zones *z) { return z->n; }
const char *lg_zones_id(const lg_zones *z, size_t i) { return z->ids[i]; }
const char *lg_zones_name(const lg_zones *z, size_t i) { return z->names[i]; }
double lg_zones_area(const lg_zones *z, size_t i) { return z->areas[i]; }
const lg_layer *lg_zones_layer(const lg_zones *z) { return z->layer; }
const GEOSGeometry *lg_zones_geom(const lg_zones *z, size_t i) { return lg_layer_geom(z->layer, i); }
const double *lg_zones_box(const lg_zones *z, size_t i) { return z->boxes + 4 * i; }

/* ------------------------------------------------------------------ */
/* options                                                             */

const char *lg_opt(const char *const *options, const char *key)
{
    size_t len = strlen(key);
    for (size_t i = 0; options && options[i]; i++)
        if (!strncmp(options[i], key, len) && options[i][len] == '=')
            return options[i] + len + 1;
    return NULL;
}

lg_status lg_opt_check(lg_ctx *ctx, const char *kernel, const char *const *options,
                       const char *const *known)
{
    for (size_t i = 0; options && options[i]; i++) {
        const char *eq = strchr(options[i], '=');
        int ok = 0;
        for (size_t k = 0; eq && known[k] && !ok; k++)
            ok = (size_t)(eq - options[i]) == strlen(known[k]) &&
                 !strncmp(options[i], known[k], strlen(known[k]));
        if (!ok) {
            char list[512] = "";
            for (size_t k = 0; known[k]; k++) {
                strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, known[k], sizeof list - strlen(list) - 1);
            }
            return lg_error(ctx, LG_ERR_ARG, "%s: unknown option '%s' (known: %s)", kernel,
                            options[i], list);
        }
    }
    return LG_OK;
}

int lg_opt_bool(const char *v)
{
    if (!v || !lg_strcasecmp(v, "no") || !lg_strcasecmp(v, "false") || !strcmp(v, "0") ||
        !lg_strcasecmp(v, "off"))
        return 0;
    if (!lg_strcasecmp(v, "yes") || !lg_strcasecmp(v, "true") || !strcmp(v, "1") ||
        !lg_strcasecmp(v, "on"))
        return 1;
    return -1;
}

/* ------------------------------------------------------------------ */
/* threads                                                             */

typedef struct pool {
    size_t n;
    const size_t *order;     /* job at each position, or NULL: position = job */
    size_t next;             /* next position to take */
    pthread_mutex_t mu;
    lg_job_fn job;
    void *user;
    size_t fail_at;          /* lowest failing position, or n */
    lg_status fail_status;
    char fail_msg[1024];
    lg_ctx *ctx;
    const char *what;
    size_t done;
} pool;

static void worker_geos_error(const char *msg, void *user)
{
    lg_worker *w = user;
    if (!w->err[0])
        snprintf(w->err, sizeof w->err, "GEOS: %s", msg ? msg : "");
}

static void worker_geos_notice(const char *msg, void *user)
{
    (void)msg;
    (void)user;
}

lg_status lg_worker_fail(lg_worker *w, lg_status status, const char *fmt, ...)
{
    /* callers often pass w->err itself as an argument: format aside first */
    char buf[sizeof w->err];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    memcpy(w->err, buf, sizeof buf);
    w->status = status;
    return status;
}

static void run_worker(pool *p, lg_worker *w)
{
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t k = p->next < p->fail_at ? p->next++ : p->n;
        pthread_mutex_unlock(&p->mu);
        if (k >= p->n)
            break;
        w->err[0] = '\0';
        w->status = LG_OK;
        lg_status st = p->job(w, p->order ? p->order[k] : k, p->user);
        pthread_mutex_lock(&p->mu);
        if (st != LG_OK && k < p->fail_at) {
            p->fail_at = k;
            p->fail_status = st;
            snprintf(p->fail_msg, sizeof p->fail_msg, "%s",
                     w->err[0] ? w->err : lg_status_name(st));
        }
        p->done++;
        pthread_mutex_unlock(&p->mu);
    }
}

static void *thread_main(void *arg)
{
    void **a = arg;
    run_worker(a[0], a[1]);
    return NULL;
}

static lg_status parallel_for(lg_ctx *ctx, size_t n, const size_t *order, lg_job_fn job,
                              void *user, const char *what);

lg_status lg_parallel_for(lg_ctx *ctx, size_t n, lg_job_fn job, void *user, const char *what)
{
    return parallel_for(ctx, n, NULL, job, user, what);
}

lg_status lg_parallel_for_zones(lg_ctx *ctx, const lg_zones *zones, lg_job_fn job, void *user,
                                const char *what)
{
    /* no zones (lg_overlap's whole-area screening): no jobs */
    return parallel_for(ctx, zones ? zones->n : 0, zones ? zones->order : NULL, job, user, what);
}

static lg_status parallel_for(lg_ctx *ctx, size_t n, const size_t *order, lg_job_fn job,
                              void *user, const char *what)
{
    int nt = lg_ctx_threads(ctx);
    if ((size_t)nt > n)
        nt = n ? (int)n : 1;
    pool p = {.n = n, .order = order, .job = job, .user = user, .fail_at = n, .ctx = ctx,
              .what = what};
    pthread_mutex_init(&p.mu, NULL);
    lg_worker *ws = lg_calloc(ctx, (size_t)nt, sizeof *ws);
    pthread_t *th = lg_calloc(ctx, (size_t)nt, sizeof *th);
    void **args = lg_calloc(ctx, 2 * (size_t)nt, sizeof *args);
    lg_status st = LG_OK;
    if (!ws || !th || !args) {
        st = LG_ERR_NOMEM;
        goto done;
    }
    for (int t = 0; t < nt; t++) {
        ws[t].id = t;
        ws[t].geos = GEOS_init_r();
        if (!ws[t].geos) {
            st = lg_error(ctx, LG_ERR_NOMEM, "cannot start GEOS for worker %d", t);
            goto done;
        }
        GEOSContext_setErrorMessageHandler_r(ws[t].geos, worker_geos_error, &ws[t]);
        GEOSContext_setNoticeMessageHandler_r(ws[t].geos, worker_geos_notice, &ws[t]);
    }
    int started = 0;
    for (int t = 1; t < nt; t++) {
        args[2 * t] = &p;
        args[2 * t + 1] = &ws[t];
        if (pthread_create(&th[t], NULL, thread_main, &args[2 * t]) != 0)
            break;
        started = t;
    }
    run_worker(&p, &ws[0]); /* the calling thread works too */
    for (int t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    if (p.fail_at < n)
        st = lg_error(ctx, p.fail_status, "%s: %s", what, p.fail_msg);
    else
        lg_progress(ctx, 1.0, what);
done:
    for (int t = 0; ws && t < nt; t++)
        if (ws[t].geos)
            GEOS_finish_r(ws[t].geos);
    free(ws);
    free(th);
    free(args);
    pthread_mutex_destroy(&p.mu);
    return st;
}

/* ------------------------------------------------------------------ */
/* clipping a layer to one zone                                        */

/* Feature f (geometry g) meets the boundary of `area` (meets == 1; 2 is
 * GEOS failing on the predicate): hand its part inside to fn, nothing when
 * that part is empty. */
static lg_status clip_piece(lg_worker *w, const GEOSGeometry *area, int big,
                            const lg_layer *layer, size_t f, const GEOSGeometry *g, char meets,
                            lg_piece_fn fn, void *user)
{
    GEOSContextHandle_t h = w->geos;
    GEOSGeometry *piece = meets == 1 ? lg_intersection_local(h, area, big, g) : NULL;
    if (!piece)
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "feature FID %lld of %s: %s",
                              lg_layer_fid(layer, f), lg_layer_source(layer),
                              w->err[0] ? w->err : "GEOS failed");
    lg_status st = GEOSisEmpty_r(h, piece) ? LG_OK : fn(w, f, piece, 0, user);
    GEOSGeom_destroy_r(h, piece);
    return st;
}

GEOSGeometry *lg_intersection_local(GEOSContextHandle_t h, const GEOSGeometry *area, int big,
                                    const GEOSGeometry *g)
{
    if (big) {
        /* area ∩ g = (area ∩ R) ∩ g for any rectangle R holding g: clip the
         * big area to g's box (grown by a margin, so the clip's new vertices
         * stay away from g) and overlay only that part.  GEOS 3.11's
         * clip-by-rect can return an invalid polygon when vertices fall on
         * the rectangle's edges: then overlay the whole area. */
        double x0, y0, x1, y1;
        if (GEOSGeom_getExtent_r(h, g, &x0, &y0, &x1, &y1)) {
            double m = 1.0 + 1e-6 * fmax(x1 - x0, y1 - y0);
            GEOSGeometry *local = GEOSClipByRect_r(h, area, x0 - m, y0 - m, x1 + m, y1 + m);
            if (local && GEOSisValid_r(h, local) == 1) {
                GEOSGeometry *piece = GEOSIntersection_r(h, local, g);
                GEOSGeom_destroy_r(h, local);
                if (piece)
                    return piece;
            } else if (local) {
                GEOSGeom_destroy_r(h, local);
            }
        }
    }
    return GEOSIntersection_r(h, area, g);
}

lg_status lg_clip_layer(lg_worker *w, const GEOSGeometry *area, const double box[4],
                        const lg_layer *layer, const lg_index *idx, lg_piece_fn fn, void *user)
{
    GEOSContextHandle_t h = w->geos;
    lg_ivec cand = {0};
    if (!lg_index_query(idx, box, &cand))
        return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    lg_status st = LG_OK;
    const GEOSPreparedGeometry *prep = cand.n ? GEOSPrepare_r(h, area) : NULL;
    if (cand.n && !prep)
        st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot prepare a zone: %s", w->err);
    int big = GEOSGetNumCoordinates_r(h, area) > LG_CLIP_LOCAL_VERTICES;
    for (size_t k = 0; k < cand.n && st == LG_OK; k++) {
        size_t f = cand.v[k];
        const GEOSGeometry *g = lg_layer_geom(layer, f);
        /* Whole inclusion: nothing to compute.  ContainsProperly, not
         * Covers: a feature touching the boundary (a road along a 街道
         * line) makes GEOS's prepared covers fall back to a full relate
         * of the whole zone; such features take the intersection path,
         * which is local (lg_intersection_local) and exact. */
        char inside = GEOSPreparedContainsProperly_r(h, prep, g);
        if (inside == 1) {
            st = fn(w, f, g, 1, user);
            continue;
        }
        char meets = inside == 0 ? GEOSPreparedIntersects_r(h, prep, g) : 2;
        if (meets == 0)
            continue;
        if ((st = clip_piece(w, area, big, layer, f, g, meets, fn, user)) != LG_OK)
            break;
    }
    if (prep)
        GEOSPreparedGeom_destroy_r(h, prep);
    lg_ivec_free(&cand);
    return st;
}

lg_status lg_clip_layer_to_zone(lg_worker *w, const lg_zones *zones, size_t zi,
                                const lg_layer *layer, const lg_index *idx, lg_piece_fn fn,
                                void *user)
{
    lg_status st = lg_clip_layer(w, lg_zones_geom(zones, zi), lg_zones_box(zones, zi), layer,
                                 idx, fn, user);
    if (st != LG_OK && strncmp(w->err, "zone ", 5)) {
        char buf[sizeof w->err];
        snprintf(buf, sizeof buf, "%s", w->err);
        snprintf(w->err, sizeof w->err, "zone %.200s: %.800s", lg_zones_id(zones, zi), buf);
    }
    return st;
}

lg_status lg_zone_candidates(lg_worker *w, const lg_zones *zones, size_t zi, const lg_index *idx,
                             lg_ivec *cand, const GEOSPreparedGeometry **pz)
{
    *pz = NULL;
    if (!lg_index_query(idx, lg_zones_box(zones, zi), cand))
        return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    if (cand->n && !(*pz = GEOSPrepare_r(w->geos, lg_zones_geom(zones, zi))))
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: cannot prepare: %s",
                              lg_zones_id(zones, zi), w->err);
    return LG_OK;
}

lg_status lg_gvec_push(lg_worker *w, lg_gvec *v, GEOSGeometry *g)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 16;
        GEOSGeometry **p = realloc(v->g, cap * sizeof *p);
        if (!p) {
            GEOSGeom_destroy_r(w->geos, g);
            return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
        }
        v->g = p;
        v->cap = cap;
    }
    v->g[v->n++] = g;
    return LG_OK;
}

/* Collect pieces into a growable array (for dissolving). */
lg_status lg_collect_piece(lg_worker *w, size_t feature, const GEOSGeometry *piece, int whole,
                           void *user)
{
    (void)feature;
    (void)whole;
    GEOSGeometry *c = GEOSGeom_clone_r(w->geos, piece);
    if (!c)
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot copy a geometry");
    return lg_gvec_push(w, user, c);
}

GEOSGeometry *lg_gvec_union(lg_worker *w, lg_gvec *v)
{
    GEOSContextHandle_t h = w->geos;
    /* A plain collection: pieces may be multi-part or mixed (a clip can
     * leave a line where a polygon touches the zone); lower-dimension
     * parts have no area, so they never change an area measure. */
    GEOSGeometry *coll =
        GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, v->g, (unsigned)v->n);
    if (!coll)
        return NULL;
    v->n = 0; /* the collection owns the pieces now */
    GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
    GEOSGeom_destroy_r(h, coll);
    return u;
}

void lg_gvec_free(GEOSContextHandle_t h, lg_gvec *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->g[i])
            GEOSGeom_destroy_r(h, v->g[i]);
    free(v->g);
    v->g = NULL;
    v->n = v->cap = 0;
}

/* ------------------------------------------------------------------ */
/* geometry helpers                                                    */

GEOSGeometry *lg_polygonal(GEOSContextHandle_t h, GEOSGeometry *g)
{
    if (!g)
        return NULL;
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON)
        return g;
    size_t cap = 0, n = 0;
    GEOSGeometry **parts = NULL;
    int ok = 1;
    if (t == GEOS_GEOMETRYCOLLECTION) {
        int m = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < m && ok; i++) {
            const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
            int pt = GEOSGeomTypeId_r(h, p);
            int k = pt == GEOS_POLYGON ? 1 : pt == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, p) : 0;
            for (int j = 0; j < k && ok; j++) {
                const GEOSGeometry *q = pt == GEOS_POLYGON ? p : GEOSGetGeometryN_r(h, p, j);
                if (n == cap) {
                    cap = cap ? 2 * cap : 8;
                    GEOSGeometry **np = realloc(parts, cap * sizeof *np);
                    if (!np) {
                        ok = 0;
                        break;
                    }
                    parts = np;
                }
                if (!(parts[n] = GEOSGeom_clone_r(h, q)))
                    ok = 0;
                else
                    n++;
            }
        }
    }
    GEOSGeom_destroy_r(h, g);
    GEOSGeometry *out = NULL;
    if (!ok) {
        for (size_t i = 0; i < n; i++)
            GEOSGeom_destroy_r(h, parts[i]);
    } else {
        /* GEOS takes the parts, also when it fails */
        out = n ? GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)n)
                : GEOSGeom_createEmptyCollection_r(h, GEOS_MULTIPOLYGON);
    }
    free(parts);
    return out;
}

void lg_warm_envelopes(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    double a, b, c, d;
    GEOSGeom_getExtent_r(h, g, &a, &b, &c, &d);
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
        if (GEOSGeomTypeId_r(h, p) != GEOS_POLYGON)
            continue;
        GEOSGeom_getExtent_r(h, p, &a, &b, &c, &d);
        const GEOSGeometry *ring = GEOSGetExteriorRing_r(h, p);
        if (ring)
            GEOSGeom_getExtent_r(h, ring, &a, &b, &c, &d);
        int nh = GEOSGetNumInteriorRings_r(h, p);
        for (int k = 0; k < nh; k++)
            if ((ring = GEOSGetInteriorRingN_r(h, p, k)))
                GEOSGeom_getExtent_r(h, ring, &a, &b, &c, &d);
    }
}

/* ------------------------------------------------------------------ */
/* shared kernel helpers                                               */

lg_status lg_zone_within(lg_worker *w, const lg_zones *zones, size_t zi,
                         const lg_layer *denominator, const lg_index *didx, GEOSGeometry **out)
{
    *out = NULL;
    if (!denominator)
        return LG_OK;
    lg_gvec v = {0};
    lg_status st = lg_clip_layer_to_zone(w, zones, zi, denominator, didx, lg_collect_piece, &v);
    if (st == LG_OK && !(*out = lg_gvec_union(w, &v)))
        st = lg_worker_fail(w, LG_ERR_GEOMETRY, "zone %s: cannot dissolve the denominator: %s",
                            lg_zones_id(zones, zi), w->err);
    lg_gvec_free(w->geos, &v);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

lg_status lg_classes(lg_ctx *ctx, const lg_layer *layer, const char *field, lg_class_map *m)
{
    memset(m, 0, sizeof *m);
    int f = lg_layer_field_index(layer, field);
    if (f < 0)
        return lg_error(ctx, LG_ERR_ARG, "%s has no field '%s'", lg_layer_source(layer), field);
    size_t n = lg_layer_size(layer);
    m->of = lg_calloc(ctx, n ? n : 1, sizeof *m->of);
    char **all = lg_calloc(ctx, n + 1, sizeof *all);
    if (!m->of || !all) {
        free(all);
        lg_class_map_free(m);
        return LG_ERR_NOMEM;
    }
    /* the distinct texts (numbers as text), sorted bytewise */
    size_t k = 0;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        const char *t = lg_layer_text(layer, i, (size_t)f);
        double v;
        if (!t && lg_layer_number(layer, i, (size_t)f, &v)) {
            snprintf(buf, sizeof buf, "%.15g", v);
            t = buf;
        }
        all[k] = lg_strdup(ctx, t ? t : "(none)");
        if (!all[k]) {
            for (size_t j = 0; j < k; j++)
                free(all[j]);
            free(all);
            lg_class_map_free(m);
            return LG_ERR_NOMEM;
        }
        k++;
    }
    char **sorted = lg_calloc(ctx, k + 1, sizeof *sorted);
    if (!sorted) {
        for (size_t j = 0; j < k; j++)
            free(all[j]);
        free(all);
        lg_class_map_free(m);
        return LG_ERR_NOMEM;
    }
    memcpy(sorted, all, k * sizeof *sorted);
    qsort(sorted, k, sizeof *sorted, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || strcmp(sorted[i], sorted[u - 1]))
            sorted[u++] = sorted[i];
    m->names = lg_calloc(ctx, u + 1, sizeof *m->names);
    for (size_t i = 0; m->names && i < u; i++)
        m->names[i] = lg_strdup(ctx, sorted[i]);
    m->n = m->names ? u : 0;
    for (size_t i = 0; i < k; i++) {
        char **hit = bsearch(&all[i], sorted, u, sizeof *sorted, cmp_str);
        m->of[i] = hit ? (size_t)(hit - sorted) : 0;
    }
    for (size_t j = 0; j < k; j++)
        free(all[j]);
    free(all);
    free(sorted);
    for (size_t i = 0; i < m->n; i++)
        if (!m->names[i]) {
            lg_class_map_free(m);
            return lg_error(ctx, LG_ERR_NOMEM, "out of memory");
        }
    if (!m->names) {
        lg_class_map_free(m);
        return LG_ERR_NOMEM;
    }
    return LG_OK;
}

void lg_class_map_free(lg_class_map *m)
{
    for (size_t i = 0; m->names && i < m->n; i++)
        free(m->names[i]);
    free(m->names);
    free(m->of);
    memset(m, 0, sizeof *m);
}

lg_result *lg_result_start(lg_ctx *ctx, const char *kernel, const char *unit,
                           const lg_zones *zones)
{
    return lg_result_start_layer(ctx, kernel, unit, lg_zones_layer(zones));
}

lg_result *lg_result_start_layer(lg_ctx *ctx, const char *kernel, const char *unit,
                                 const lg_layer *layer)
{
    const lg_crs *crs = lg_layer_crs(layer);
    const char *id = crs ? lg_crs_id(crs) : "";
    return lg_result_new(ctx, kernel, unit, id[0] ? id : crs ? lg_crs_name(crs) : "");
}

int lg_same_crs(lg_ctx *ctx, const char *kernel, const lg_zones *zones, const lg_layer *layer)
{
    return lg_same_crs_layer(ctx, kernel, lg_zones_layer(zones), layer);
}

int lg_same_crs_layer(lg_ctx *ctx, const char *kernel, const lg_layer *ref, const lg_layer *layer)
{
    if (lg_layer_geom_kind(layer) == LG_GEOM_NONE) {
        lg_error(ctx, LG_ERR_ARG, "%s: %s is a table without geometry: it cannot be measured "
                 "(join it to parcels by id, as geoplan efficiency does)", kernel,
                 lg_layer_source(layer));
        return 0;
    }
    const lg_crs *a = lg_layer_crs(ref), *b = lg_layer_crs(layer);
    if (!a || !b || !proj_is_equivalent_to(lg_crs_pj(a), lg_crs_pj(b), PJ_COMP_EQUIVALENT)) {
        lg_error(ctx, LG_ERR_CRS,
                 "%s: %s is not loaded in the working CRS of %s (%s): load every layer of a "
                 "job with the same working CRS",
                 kernel, lg_layer_source(layer), lg_layer_source(ref), a ? lg_crs_name(a) : "none");
        return 0;
    }
    return 1;
}

lg_status lg_make_zone_tables_classes(lg_ctx *ctx, const lg_zones *zones, const char *const *cols,
                                      const char *const *units, size_t ncols,
                                      const lg_class_map *cls, const char *prefix,
                                      const char *class_unit, lg_table **zt, lg_table **tt)
{
    size_t nc = ncols + (cls ? cls->n : 0);
    const char **c2 = lg_calloc(ctx, nc, sizeof *c2), **u2 = lg_calloc(ctx, nc, sizeof *u2);
    char **names = lg_calloc(ctx, nc, sizeof *names);
    lg_status st = (c2 && u2 && names) ? LG_OK : LG_ERR_NOMEM;
    for (size_t c = 0; st == LG_OK && c < nc; c++) {
        if (c < ncols) {
            c2[c] = cols[c], u2[c] = units[c];
        } else if ((names[c] = lg_sprintf(ctx, "%s%s", prefix, cls->names[c - ncols]))) {
            c2[c] = names[c], u2[c] = class_unit;
        } else {
            st = LG_ERR_NOMEM;
        }
    }
    if (st == LG_OK)
        st = lg_make_zone_tables(ctx, zones, c2, u2, nc, zt, tt);
    for (size_t c = 0; names && c < nc; c++)
        free(names[c]);
    free(names);
    free(c2);
    free(u2);
    return st;
}

int lg_typed_field(lg_ctx *ctx, const char *kernel, const char *option, const lg_layer *L,
                   const char *name, lg_field_type a, lg_field_type b, const char *kind)
{
    int f = lg_layer_field_index(L, name);
    if (f < 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: %s=%s: %s has no such field", kernel, option, name,
                 lg_layer_source(L));
        return -1;
    }
    lg_field_type t = lg_layer_field_type(L, (size_t)f);
    if (t != a && t != b) {
        lg_error(ctx, LG_ERR_ARG, "%s: %s=%s: the field of %s is %s, not %s", kernel, option,
                 name, lg_layer_source(L), lg_layer_field_type_name(L, (size_t)f), kind);
        return -1;
    }
    return f;
}

int lg_numeric_field(lg_ctx *ctx, const char *kernel, const char *option, const lg_layer *L,
                     const char *name)
{
    return lg_typed_field(ctx, kernel, option, L, name, LG_FIELD_INTEGER, LG_FIELD_REAL,
                          "a number");
}

double lg_ratio(double a, double b) { return b > 0 ? a / b : NAN; }

/* Shortest decimal that reads back exactly (see lg_measure.h). */
const char *lg_number_text(char *buf, size_t n, double v)
{
    if (!isfinite(v)) {
        buf[0] = '\0';
        return buf;
    }
    int p = 1;
    for (; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    /* 2000 rather than 2e+03: plain decimals for everyday magnitudes */
    double a = fabs(v);
    if (strchr(buf, 'e') && a >= 1e-5 && a < 1e17) {
        int e = (int)floor(log10(a));
        int dec = p - 1 - e;
        snprintf(buf, n, "%.*f", dec > 0 ? dec : 0, v);
        if (strtod(buf, NULL) != v) /* cannot happen; keep exactness anyway */
            snprintf(buf, n, "%.17g", v);
    }
    return buf;
}

/* ------------------------------------------------------------------ */
/* points, rings and the edges of an area                              */

typedef struct be_pt {
    double x, y;
} be_pt;

static int pt_less(be_pt a, be_pt b) { return a.x < b.x || (a.x == b.x && a.y < b.y); }
static int same_pt(be_pt a, be_pt b) { return a.x == b.x && a.y == b.y; }

/* Room for k more elements of size sz in *arr (n used, *cap allocated). */
static int be_reserve(void *arr, size_t n, size_t *cap, size_t k, size_t sz)
{
    void **a = arr;
    if (n + k <= *cap)
        return 1;
    size_t c = *cap ? 2 * *cap : 64;
    while (c < n + k)
        c *= 2;
    if (c > SIZE_MAX / sz)
        return 0;
    void *p = realloc(*a, c * sz);
    if (!p)
        return 0;
    *a = p;
    *cap = c;
    return 1;
}

/* Append a ring's points, oriented with the polygon's interior on the
 * left (a CCW shell, a CW hole); *n gets the count (0: empty ring). */
static int be_copy_ring(GEOSContextHandle_t h, const GEOSGeometry *ring, int hole, be_pt **xy,
                        size_t *nxy, size_t *cxy, size_t *n)
{
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    unsigned m = 0;
    char ccw = 0;
    *n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &m))
        return 0;
    if (m == 0)
        return 1;
    if (m < 4 || !GEOSCoordSeq_isCCW_r(h, cs, &ccw) || !be_reserve(xy, *nxy, cxy, m, sizeof **xy))
        return 0;
    be_pt *p = *xy + *nxy;
    if (!GEOSCoordSeq_copyToBuffer_r(h, cs, (double *)p, 0, 0))
        return 0;
    if ((hole != 0) == (ccw != 0)) /* a CCW hole or a CW shell: reverse */
        for (unsigned i = 0, k = m - 1; i < k; i++, k--) {
            be_pt t = p[i];
            p[i] = p[k], p[k] = t;
        }
    *nxy += m;
    *n = m;
    return 1;
}

/* The edges of a polygonal area, (*e)[2k] -> (*e)[2k+1], interior on the
 * left, without zero-length ones; *e allocated, *ne edges.  0 when the area
 * is not a (multi)polygon or on failure (then *e is NULL). */
static int area_edges_collect(GEOSContextHandle_t h, const GEOSGeometry *area, be_pt **e,
                              size_t *ne)
{
    be_pt *xy = NULL;
    size_t cxy = 0, cap = 0;
    *e = NULL;
    *ne = 0;
    int t = GEOSGeomTypeId_r(h, area);
    int np = t == GEOS_POLYGON ? 1 : t == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, area) : -1;
    int ok = np >= 0;
    for (int p = 0; ok && p < np; p++) {
        const GEOSGeometry *poly = t == GEOS_POLYGON ? area : GEOSGetGeometryN_r(h, area, p);
        int nh = GEOSGetNumInteriorRings_r(h, poly);
        ok = nh >= 0;
        for (int r = -1; ok && r < nh; r++) {
            size_t m, nxy = 0;
            const GEOSGeometry *ring =
                r < 0 ? GEOSGetExteriorRing_r(h, poly) : GEOSGetInteriorRingN_r(h, poly, r);
            ok = be_copy_ring(h, ring, r >= 0, &xy, &nxy, &cxy, &m) &&
                 be_reserve(e, 2 * *ne, &cap, 2 * m, sizeof **e);
            for (size_t k = 0; ok && k + 1 < m; k++)
                if (!same_pt(xy[k], xy[k + 1])) {
                    (*e)[2 * *ne] = xy[k];
                    (*e)[2 * *ne + 1] = xy[k + 1];
                    (*ne)++;
                }
        }
    }
    free(xy);
    if (!ok) {
        free(*e);
        *e = NULL;
        *ne = 0;
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* interior grid: whole inclusion without a predicate                  */

/* Cell index range [*a, *b] of the interval [lo, hi] on a grid starting at
 * o with cells of size c and n cells, widened by a relative 1e-6 of a cell
 * against rounding: every cell the interval may touch.  0 when it leaves the
 * grid. */
static int grid_span(double o, double c, int n, double lo, double hi, int *a, int *b)
{
    double fa = floor((lo - o) / c - 1e-6), fb = floor((hi - o) / c + 1e-6);
    if (!(fa >= 0) || !(fb < n))
        return 0;
    *a = (int)fa;
    *b = (int)fb;
    return 1;
}

int lg_inner_grid_build(GEOSContextHandle_t h, const GEOSGeometry *area, const double box[4],
                        int cells, lg_inner_grid *g)
{
    memset(g, 0, sizeof *g);
    double wx = box[2] - box[0], wy = box[3] - box[1], side = fmax(wx, wy) / cells;
    /* cells far larger than the rounding of the coordinates (a cell centre,
     * tested for inside/outside below, must fall in its own cell as
     * grid_span maps it), and a bounded number of them */
    double mag = fmax(fmax(fabs(box[0]), fabs(box[2])), fmax(fabs(box[1]), fabs(box[3])));
    if (cells < 1 || cells > 4096 || !(side > 1e-9 * mag) || !isfinite(side))
        return 0;
    g->nx = (int)ceil(wx / side) + 2;
    g->ny = (int)ceil(wy / side) + 2;
    g->x0 = box[0] - side;
    g->y0 = box[1] - side;
    g->cw = g->ch = side;
    /* the area's edges */
    be_pt *e;
    size_t ne;
    int ok = area_edges_collect(h, area, &e, &ne);
    /* mark the cells an edge's box may touch */
    size_t ncell = (size_t)g->nx * (size_t)g->ny;
    g->cell = ok ? calloc(ncell, 1) : NULL;
    ok = ok && g->cell;
    for (size_t k = 0; ok && k < ne; k++) {
        int i0, i1, j0, j1;
        be_pt a = e[2 * k], b = e[2 * k + 1];
        double ex0 = fmin(a.x, b.x), ex1 = fmax(a.x, b.x), ey0 = fmin(a.y, b.y), ey1 = fmax(a.y, b.y);
        if (!grid_span(g->x0, g->cw, g->nx, ex0, ex1, &i0, &i1) ||
            !grid_span(g->y0, g->ch, g->ny, ey0, ey1, &j0, &j1)) {
            ok = 0;
            break;
        }
        for (int j = j0; j <= j1; j++)
            memset(g->cell + (size_t)j * (size_t)g->nx + (size_t)i0, LG_GRID_EDGE,
                   (size_t)(i1 - i0 + 1));
    }
    /* the other cells: inside when their centre is (even-odd along the row;
     * no edge comes near an unmarked cell, so the test is robust) */
    double *xs = ok ? malloc((ne ? ne : 1) * sizeof *xs) : NULL;
    ok = ok && xs;
    for (int j = 0; ok && j < g->ny; j++) {
        double yc = g->y0 + (j + 0.5) * g->ch;
        size_t nx = 0;
        for (size_t k = 0; k < ne; k++) {
            be_pt a = e[2 * k], b = e[2 * k + 1];
            if ((a.y > yc) != (b.y > yc))
                xs[nx++] = a.x + (yc - a.y) * (b.x - a.x) / (b.y - a.y);
        }
        unsigned char *row = g->cell + (size_t)j * (size_t)g->nx;
        for (int i = 0; i < g->nx; i++) {
            if (row[i] == LG_GRID_EDGE)
                continue;
            double xc = g->x0 + (i + 0.5) * g->cw;
            size_t left = 0;
            for (size_t k = 0; k < nx; k++)
                left += xs[k] < xc;
            row[i] = (left & 1) ? LG_GRID_IN : LG_GRID_OUT;
        }
    }
    free(xs);
    free(e);
    if (!ok)
        lg_inner_grid_free(g);
    return ok;
}

int lg_inner_grid_holds(const lg_inner_grid *g, const double box[4])
{
    int i0, i1, j0, j1;
    if (!g->cell || !grid_span(g->x0, g->cw, g->nx, box[0], box[2], &i0, &i1) ||
        !grid_span(g->y0, g->ch, g->ny, box[1], box[3], &j0, &j1))
        return 0;
    unsigned char first = g->cell[(size_t)j0 * (size_t)g->nx + (size_t)i0];
    if (first == LG_GRID_EDGE)
        return 0;
    for (int j = j0; j <= j1; j++) {
        const unsigned char *row = g->cell + (size_t)j * (size_t)g->nx;
        for (int i = i0; i <= i1; i++)
            if (row[i] != first)
                return 0;
    }
    return first == LG_GRID_IN ? 1 : -1;
}

void lg_inner_grid_free(lg_inner_grid *g)
{
    free(g->cell);
    memset(g, 0, sizeof *g);
}

lg_status lg_clip_layer_grid(lg_worker *w, const GEOSGeometry *area, const double box[4],
                             const lg_layer *layer, const lg_index *idx, const double *boxes,
                             lg_piece_fn fn, void *user)
{
    GEOSContextHandle_t h = w->geos;
    lg_ivec cand = {0};
    if (!lg_index_query(idx, box, &cand))
        return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
    lg_status st = LG_OK;
    lg_inner_grid grid = {0};
    /* worth it for many features: about one of them per cell */
    int cells = (int)fmin(256, floor(sqrt((double)cand.n)));
    if (cells >= 4)
        lg_inner_grid_build(h, area, box, cells, &grid); /* else: no fast path */
    const GEOSPreparedGeometry *prep = NULL;
    lg_area_edges *edges = NULL;
    int big = -1, edges_tried = 0;
    for (size_t k = 0; k < cand.n && st == LG_OK; k++) {
        size_t f = cand.v[k];
        const GEOSGeometry *g = lg_layer_geom(layer, f);
        /* in interior cells: inside, as ContainsProperly would say; in
         * exterior cells: apart, as Intersects would say */
        int where = lg_inner_grid_holds(&grid, boxes + 4 * f);
        if (where > 0)
            st = fn(w, f, g, 1, user);
        if (where)
            continue;
        if (!prep && !(prep = GEOSPrepare_r(h, area))) {
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot prepare a zone: %s", w->err);
            break;
        }
        if (big < 0)
            big = GEOSGetNumCoordinates_r(h, area) > LG_CLIP_LOCAL_VERTICES;
        /* the rest as lg_clip_layer does it */
        char inside = GEOSPreparedContainsProperly_r(h, prep, g);
        if (inside == 1) {
            st = fn(w, f, g, 1, user);
            continue;
        }
        char meets = inside == 0 ? GEOSPreparedIntersects_r(h, prep, g) : 2;
        if (meets == 0)
            continue;
        /* a polygon the area covers, touching its boundary from inside (a
         * parcel along a zone line): whole too, without an overlay */
        if (meets == 1 && grid.cell && !edges_tried) {
            edges_tried = 1;
            edges = lg_area_edges_new(h, area, box, prep, &grid);
        }
        if (meets == 1 && edges && lg_covered_be(h, edges, g) == 1) {
            st = fn(w, f, g, 1, user);
            continue;
        }
        if ((st = clip_piece(w, area, big, layer, f, g, meets, fn, user)) != LG_OK)
            break;
    }
    lg_area_edges_free(edges);
    if (prep)
        GEOSPreparedGeom_destroy_r(h, prep);
    lg_inner_grid_free(&grid);
    lg_ivec_free(&cand);
    return st;
}

lg_status lg_clip_layer_to_zone_grid(lg_worker *w, const lg_zones *zones, size_t zi,
                                     const lg_layer *layer, const lg_index *idx,
                                     const double *boxes, lg_piece_fn fn, void *user)
{
    lg_status st = lg_clip_layer_grid(w, lg_zones_geom(zones, zi), lg_zones_box(zones, zi), layer,
                                      idx, boxes, fn, user);
    if (st != LG_OK && strncmp(w->err, "zone ", 5)) {
        char buf[sizeof w->err];
        snprintf(buf, sizeof buf, "%s", w->err);
        snprintf(w->err, sizeof w->err, "zone %.200s: %.800s", lg_zones_id(zones, zi), buf);
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* pieces that borrow whole features                                   */

lg_status lg_pvec_push(lg_worker *w, lg_pvec *v, const GEOSGeometry *g, int own)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        const GEOSGeometry **p = realloc(v->g, cap * sizeof *p);
        unsigned char *o = p ? realloc(v->own, cap) : NULL;
        if (p)
            v->g = p;
        if (!o) {
            if (own)
                GEOSGeom_destroy_r(w->geos, (GEOSGeometry *)g);
            return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
        }
        v->own = o;
        v->cap = cap;
    }
    v->g[v->n] = g;
    v->own[v->n++] = (unsigned char)(own != 0);
    return LG_OK;
}

lg_status lg_collect_piece_ref(lg_worker *w, size_t feature, const GEOSGeometry *piece, int whole,
                               void *user)
{
    (void)feature;
    if (whole) /* the feature itself: it outlives the job */
        return lg_pvec_push(w, user, piece, 0);
    GEOSGeometry *c = GEOSGeom_clone_r(w->geos, piece);
    if (!c)
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "cannot copy a geometry");
    return lg_pvec_push(w, user, c, 1);
}

void lg_pvec_free(GEOSContextHandle_t h, lg_pvec *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->own[i] && v->g[i])
            GEOSGeom_destroy_r(h, (GEOSGeometry *)v->g[i]);
    free(v->g);
    free(v->own);
    memset(v, 0, sizeof *v);
}

lg_status lg_pvec_polygons(lg_worker *w, const GEOSGeometry *g, lg_pvec *out)
{
    GEOSContextHandle_t h = w->geos;
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON)
        return GEOSisEmpty_r(h, g) ? LG_OK : lg_pvec_push(w, out, g, 0);
    if (t != GEOS_MULTIPOLYGON && t != GEOS_GEOMETRYCOLLECTION)
        return LG_OK; /* points and lines: no area */
    int n = GEOSGetNumGeometries_r(h, g);
    lg_status st = LG_OK;
    for (int i = 0; i < n && st == LG_OK; i++)
        st = lg_pvec_polygons(w, GEOSGetGeometryN_r(h, g, i), out);
    return st;
}

GEOSGeometry *lg_pvec_union(lg_worker *w, const lg_pvec *v)
{
    GEOSContextHandle_t h = w->geos;
    lg_gvec c = {0};
    for (size_t i = 0; i < v->n; i++) {
        GEOSGeometry *g = GEOSGeom_clone_r(h, v->g[i]);
        if (!g || lg_gvec_push(w, &c, g) != LG_OK) {
            lg_gvec_free(h, &c);
            return NULL;
        }
    }
    GEOSGeometry *u = lg_gvec_union(w, &c);
    lg_gvec_free(h, &c);
    return u;
}

uint64_t lg_hash_doubles(const double *k, int n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < n; i++) {
        double d = k[i] + 0.0; /* -0 -> +0 */
        uint64_t u;
        memcpy(&u, &d, sizeof u);
        h ^= u;
        h *= 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    }
    return h;
}

int lg_inner_grid_span(const lg_inner_grid *g, const double box[4], int span[4])
{
    return g->cell && grid_span(g->x0, g->cw, g->nx, box[0], box[2], &span[0], &span[2]) &&
           grid_span(g->y0, g->ch, g->ny, box[1], box[3], &span[1], &span[3]);
}
/* ------------------------------------------------------------------ */
/* exact orientation                                                   */

static void two_sum(double a, double b, double *s, double *e)
{
    double x = a + b, bv = x - a, av = x - bv;
    *s = x;
    *e = (a - av) + (b - bv);
}

/* h = e + b, e a nonoverlapping expansion of elen terms (increasing
 * magnitude, no zeros); returns the length of h (Shewchuk's
 * grow_expansion_zeroelim). */
static int grow_expansion(int elen, const double *e, double b, double *h)
{
    double q = b;
    int hl = 0;
    for (int i = 0; i < elen; i++) {
        double s, t;
        two_sum(q, e[i], &s, &t);
        q = s;
        if (t != 0)
            h[hl++] = t;
    }
    if (q != 0)
        h[hl++] = q;
    return hl;
}

/* Sign of (ax - cx)(by - cy) - (ay - cy)(bx - cx), exactly: differences
 * and products split into exact (value, error) pairs, summed as an
 * expansion whose largest term has the sign. */
static int orient_exact(double ax, double ay, double bx, double by, double cx, double cy)
{
    double u[2][2], v[2][2]; /* u: ax-cx, ay-cy; v: by-cy, bx-cx */
    two_sum(ax, -cx, &u[0][0], &u[0][1]);
    two_sum(ay, -cy, &u[1][0], &u[1][1]);
    two_sum(by, -cy, &v[0][0], &v[0][1]);
    two_sum(bx, -cx, &v[1][0], &v[1][1]);
    double e[40], g[40];
    int n = 0;
    for (int s = 0; s < 2; s++) /* + u0 v0, then - u1 v1 */
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++) {
                double x = s ? -u[s][a] : u[s][a], y = v[s][b];
                double p = x * y, q = fma(x, y, -p);
                n = grow_expansion(n, e, q, g);
                memcpy(e, g, (size_t)n * sizeof *e);
                n = grow_expansion(n, e, p, g);
                memcpy(e, g, (size_t)n * sizeof *e);
            }
    return n ? (e[n - 1] > 0) - (e[n - 1] < 0) : 0;
}

/* Where c lies relative to a -> b: 1 left, -1 right, 0 on the line
 * (exact: Shewchuk's error bound, then the exact sum). */
int lg_orient(double ax, double ay, double bx, double by, double cx, double cy)
{
    double l = (ax - cx) * (by - cy), r = (ay - cy) * (bx - cx), det = l - r;
    double bound = 3.3306690738754716e-16 * (fabs(l) + fabs(r));
    if (det > bound)
        return 1;
    if (-det > bound)
        return -1;
    return orient_exact(ax, ay, bx, by, cx, cy);
}

/* ------------------------------------------------------------------ */
/* area of a union by boundary evaluation                              */

/* The area of R = Z ∩ ∪P (Z the zone, P the cover polygons of a cluster)
 * is the area enclosed by R's boundary, made of (a) the parts of the P
 * boundaries inside Z and on no other P's interior and (b) the parts of
 * Z's boundary inside some P.  Every edge is oriented with its polygon's
 * interior on the left and split where other edges cross or touch it (the
 * events); a sub-edge between two events bounds R when R holds its left
 * side and not its right side, which is decided from where its midpoint
 * lies (exact orientation tests; GEOS for Z, with the inner grid answering
 * first) and, where edges run along each other, from which side each
 * polygon lies on (the collinear stretches: exact, no midpoint needed).  An
 * edge shared by polygons on the same side counts once; on opposite sides,
 * not at all unless Z ends there.  The trapezoids under the kept sub-edges
 * add up to the area.
 *
 * A crossing point is computed once per pair of edges, from the pair in a
 * canonical order, so both sides get the same bits and the kept sub-edges
 * close up exactly: this is checked (every point as often a start as an
 * end), with the area bounds (at most the sum of the areas, at least the
 * largest without Z).  The evaluation gives up, and the caller uses GEOS,
 * on near-degenerate input: sub-edges shorter than 1e-12 of the
 * coordinates, a crossing that rounds onto an end of either edge, a
 * midpoint within 16 ulps of an edge it does not run along (the rounded
 * midpoint may then stand on the wrong side), a midpoint on an edge no
 * event explains.  The inputs must be valid polygons (lg_layer_all_valid).
 * Cost: a few microseconds an edge, no overlay. */

/* The crossing point of segments a-b and c-d (crossing properly), computed
 * from the pair in a canonical order, in extended precision. */
static be_pt cross_point(be_pt a, be_pt b, be_pt c, be_pt d)
{
    if (pt_less(b, a)) {
        be_pt t = a;
        a = b, b = t;
    }
    if (pt_less(d, c)) {
        be_pt t = c;
        c = d, d = t;
    }
    if (pt_less(c, a) || (c.x == a.x && c.y == a.y && pt_less(d, b))) {
        be_pt t = a;
        a = c, c = t;
        t = b, b = d, d = t;
    }
    long double dx = (long double)d.x - c.x, dy = (long double)d.y - c.y;
    long double oa = dx * ((long double)a.y - c.y) - dy * ((long double)a.x - c.x);
    long double ob = dx * ((long double)b.y - c.y) - dy * ((long double)b.x - c.x);
    long double t = oa / (oa - ob);
    if (!(t > 0))
        t = 0;
    if (t > 1)
        t = 1;
    be_pt p = {(double)(a.x + t * ((long double)b.x - a.x)),
               (double)(a.y + t * ((long double)b.y - a.y))};
    return p;
}

typedef struct be_ring {
    size_t off, n; /* points xy[off .. off+n), closed, interior on the left */
} be_ring;

typedef struct be_poly {
    size_t r0, r1;   /* its rings */
    double box[4];
    size_t nb0, nb1; /* its neighbours nb[nb0 .. nb1) */
    int cut;         /* it crosses or touches Z's boundary */
} be_poly;

typedef struct be_event {
    double t; /* along the edge */
    be_pt p;
} be_event;

#define BE_Z ((size_t)-1) /* "polygon" Z in be_col.j */

typedef struct be_col {
    double t0, t1; /* an edge lying on this one, over (t0, t1) */
    size_t j;      /* its polygon, or BE_Z */
    int same;      /* its polygon's interior on the same side */
} be_col;

typedef struct be_bal {
    double x, y;
    long long n; /* starts − ends */
    int used;
} be_bal;

/* Z: the zone (or zone ∩ denominator), its edges bucketed by grid cell. */
struct lg_area_edges {
    GEOSContextHandle_t h;
    const GEOSPreparedGeometry *prep;
    const lg_inner_grid *grid;
    double box[4];       /* Z's box */
    be_pt *e;            /* edges e[2k] -> e[2k+1], interior on the left */
    size_t ne;
    size_t *first, *idx; /* per cell: its edges idx[first[c] .. first[c+1]) */
    unsigned *stamp;     /* per edge: last query that listed it */
    unsigned query;
};

typedef struct be_state {
    be_pt *xy;
    size_t nxy, cxy;
    be_ring *ring;
    size_t nring, cring;
    be_poly *poly;
    size_t npoly;
    size_t *nb;
    be_event *ev;
    size_t nev, cev;
    be_col *col;
    size_t ncol, ccol;
    be_bal *bal;
    size_t balmask, nbal;
    size_t *zl; /* Z edges listed by a query */
    size_t nzl, czl;
    double y0, tiny, near; /* near: see be_clip_locate */
    double acc, comp; /* the area, as a Neumaier sum */
} be_state;

static void be_free(be_state *s)
{
    free(s->xy);
    free(s->ring);
    free(s->poly);
    free(s->nb);
    free(s->ev);
    free(s->col);
    free(s->bal);
    free(s->zl);
}



static void area_edges_clear(lg_area_edges *c)
{
    free(c->e);
    free(c->first);
    free(c->idx);
    free(c->stamp);
    memset(c, 0, sizeof *c);
}

lg_area_edges *lg_area_edges_free(lg_area_edges *c)
{
    if (c) {
        area_edges_clear(c);
        free(c);
    }
    return NULL;
}

/* Z's edges, bucketed by the cells of its grid. */
static int area_edges_build(GEOSContextHandle_t h, const GEOSGeometry *area, const double box[4],
                            const GEOSPreparedGeometry *prep, const lg_inner_grid *grid,
                            lg_area_edges *c)
{
    memset(c, 0, sizeof *c);
    c->h = h, c->prep = prep, c->grid = grid;
    memcpy(c->box, box, sizeof c->box);
    size_t ncell = (size_t)grid->nx * (size_t)grid->ny;
    int ok = grid->cell != NULL && area_edges_collect(h, area, &c->e, &c->ne);
    ok = ok && (c->first = calloc(ncell + 1, sizeof *c->first)) &&
         (c->stamp = calloc(c->ne ? c->ne : 1, sizeof *c->stamp));
    for (int pass = 0; ok && pass < 2; pass++) {
        if (pass == 1) {
            for (size_t k = 0; k < ncell; k++)
                c->first[k + 1] += c->first[k];
            /* an edge is listed in every cell of its box: long diagonal
             * edges fill whole blocks of cells.  Past 16 entries an edge or
             * a cell, give up (the caller overlays) rather than hold a
             * quadratic list */
            size_t total = c->first[ncell] ? c->first[ncell] : 1;
            ok = total / 16 <= c->ne + ncell &&
                 (c->idx = malloc(total * sizeof *c->idx)) != NULL;
        }
        for (size_t k = 0; ok && k < c->ne; k++) {
            be_pt a = c->e[2 * k], b = c->e[2 * k + 1];
            double eb[4] = {fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x), fmax(a.y, b.y)};
            int sp[4];
            if (!lg_inner_grid_span(grid, eb, sp)) {
                ok = 0;
                break;
            }
            for (int j = sp[1]; j <= sp[3]; j++)
                for (int i = sp[0]; i <= sp[2]; i++) {
                    size_t cell = (size_t)j * (size_t)grid->nx + (size_t)i;
                    if (pass == 0)
                        c->first[cell + 1]++;
                    else
                        c->idx[c->first[cell]++] = k;
                }
        }
        if (ok && pass == 1) /* first[] moved to the ends: shift back */
            for (size_t k = ncell; k > 0; k--)
                c->first[k] = c->first[k - 1];
        if (ok && pass == 1)
            c->first[0] = 0;
    }
    if (!ok)
        area_edges_clear(c);
    return ok;
}

lg_area_edges *lg_area_edges_new(GEOSContextHandle_t h, const GEOSGeometry *area,
                                 const double box[4], const GEOSPreparedGeometry *prep,
                                 const lg_inner_grid *grid)
{
    lg_area_edges *c = malloc(sizeof *c);
    if (c && !area_edges_build(h, area, box, prep, grid, c)) {
        free(c);
        c = NULL;
    }
    return c;
}

/* The Z edges whose cells a box meets, into s->zl (each once). */
static int be_clip_query(lg_area_edges *c, be_state *s, const double q[4])
{
    s->nzl = 0;
    double b[4] = {fmax(q[0], c->box[0]), fmax(q[1], c->box[1]), fmin(q[2], c->box[2]),
                   fmin(q[3], c->box[3])};
    if (b[0] > b[2] || b[1] > b[3])
        return 1; /* away from Z's box: no edge */
    int sp[4];
    if (!lg_inner_grid_span(c->grid, b, sp))
        return 0;
    if (++c->query == 0) { /* wrapped: start afresh */
        memset(c->stamp, 0, (c->ne ? c->ne : 1) * sizeof *c->stamp);
        c->query = 1;
    }
    for (int j = sp[1]; j <= sp[3]; j++)
        for (int i = sp[0]; i <= sp[2]; i++) {
            size_t cell = (size_t)j * (size_t)c->grid->nx + (size_t)i;
            for (size_t k = c->first[cell]; k < c->first[cell + 1]; k++) {
                size_t e = c->idx[k];
                if (c->stamp[e] == c->query)
                    continue;
                c->stamp[e] = c->query;
                if (!be_reserve(&s->zl, s->nzl, &s->czl, 1, sizeof *s->zl))
                    return 0;
                s->zl[s->nzl++] = e;
            }
        }
    return 1;
}

/* Whether m lies within eps of segment c-d (a closed box test first). */
static int be_near_seg(be_pt m, be_pt c, be_pt d, double eps)
{
    if (m.x < fmin(c.x, d.x) - eps || m.x > fmax(c.x, d.x) + eps || m.y < fmin(c.y, d.y) - eps ||
        m.y > fmax(c.y, d.y) + eps)
        return 0;
    double dx = d.x - c.x, dy = d.y - c.y, l2 = dx * dx + dy * dy;
    double t = l2 > 0 ? ((m.x - c.x) * dx + (m.y - c.y) * dy) / l2 : 0;
    t = fmax(0, fmin(1, t));
    double ex = m.x - (c.x + t * dx), ey = m.y - (c.y + t * dy);
    return ex * ex + ey * ey <= eps * eps;
}

/* Where m (a sub-edge's midpoint) lies relative to Z: 1 interior, 0
 * exterior, -1 boundary or within eps of it, -2 failure.  The grid's
 * interior and exterior cells answer at once; else GEOS locates the point
 * (exactly), unless an edge of Z passes within eps: the midpoint is rounded,
 * and so is a computed sub-edge end, so such a point may lie on the other
 * side of that edge than the sub-edge it stands for. */
static int be_clip_locate(const lg_area_edges *c, be_pt m, double eps)
{
    double b[4] = {m.x - eps, m.y - eps, m.x + eps, m.y + eps};
    int where = lg_inner_grid_holds(c->grid, b), sp[4];
    if (where)
        return where > 0;
    if (lg_inner_grid_span(c->grid, b, sp))
        for (int j = sp[1]; j <= sp[3]; j++)
            for (int i = sp[0]; i <= sp[2]; i++) {
                size_t cell = (size_t)j * (size_t)c->grid->nx + (size_t)i;
                for (size_t k = c->first[cell]; k < c->first[cell + 1]; k++)
                    if (be_near_seg(m, c->e[2 * c->idx[k]], c->e[2 * c->idx[k] + 1], eps))
                        return -1;
            }
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(c->h, m.x, m.y);
    if (!pt)
        return -2;
    char in = GEOSPreparedContainsProperly_r(c->h, c->prep, pt);
    char meets = in == 0 ? GEOSPreparedIntersects_r(c->h, c->prep, pt) : 2;
    GEOSGeom_destroy_r(c->h, pt);
    if (in == 1)
        return 1;
    return meets == 2 || in == 2 ? -2 : meets ? -1 : 0;
}

/* Where m (a sub-edge's midpoint) lies relative to polygon j: 1 interior,
 * 0 exterior, -1 on its boundary or within s->near of it (see
 * be_clip_locate).  Exact orientation; winding number over its rings. */
static int be_locate(const be_state *s, size_t j, be_pt m)
{
    long wn = 0;
    const be_poly *P = &s->poly[j];
    for (size_t r = P->r0; r < P->r1; r++) {
        const be_pt *q = s->xy + s->ring[r].off;
        for (size_t k = 0; k + 1 < s->ring[r].n; k++) {
            be_pt c = q[k], d = q[k + 1];
            if (be_near_seg(m, c, d, s->near))
                return -1;
            if ((c.y > m.y && d.y > m.y) || (c.y < m.y && d.y < m.y))
                continue; /* above or below m */
            if (c.y == d.y) /* horizontal, on m's line, not through m */
                continue;
            if (c.x < m.x && d.x < m.x)
                continue; /* left of m: neither crossed nor touched */
            int o = lg_orient(c.x, c.y, d.x, d.y, m.x, m.y);
            if (o == 0)
                return -1; /* on the edge (m's y lies within the edge's) */
            if (c.y <= m.y && d.y > m.y && o > 0)
                wn++;
            else if (d.y <= m.y && c.y > m.y && o < 0)
                wn--;
        }
    }
    return wn != 0;
}

/* The balance entry of point p (added when new); NULL when out of memory. */
static be_bal *be_bal_find(be_state *s, be_pt p)
{
    if (2 * (s->nbal + 1) > s->balmask + 1) { /* grow: rehash */
        size_t cap = 2 * (s->balmask + 1);
        be_bal *nb = calloc(cap, sizeof *nb), *old = s->bal;
        if (!nb)
            return NULL;
        for (size_t i = 0; i <= s->balmask; i++) {
            if (!old[i].used)
                continue;
            double k[2] = {old[i].x, old[i].y};
            size_t at = (size_t)lg_hash_doubles(k, 2) & (cap - 1);
            while (nb[at].used)
                at = (at + 1) & (cap - 1);
            nb[at] = old[i];
        }
        free(old);
        s->bal = nb;
        s->balmask = cap - 1;
    }
    double k[2] = {p.x, p.y};
    for (size_t i = (size_t)lg_hash_doubles(k, 2) & s->balmask;; i = (i + 1) & s->balmask) {
        be_bal *b = &s->bal[i];
        if (!b->used) {
            b->used = 1, b->x = p.x, b->y = p.y, b->n = 0;
            s->nbal++;
            return b;
        }
        if (b->x == p.x && b->y == p.y)
            return b;
    }
}

/* Keep sub-edge p0 -> p1: its trapezoid, and its ends for the balance. */
static int be_keep(be_state *s, be_pt p0, be_pt p1)
{
    double term = (p0.x - p1.x) * ((p0.y - s->y0) + (p1.y - s->y0)) / 2;
    double t = s->acc + term;
    s->comp += fabs(s->acc) >= fabs(term) ? (s->acc - t) + term : (term - t) + s->acc;
    s->acc = t;
    be_bal *b0 = be_bal_find(s, p0);
    if (!b0)
        return 0;
    b0->n++;
    be_bal *b1 = be_bal_find(s, p1);
    if (!b1)
        return 0;
    b1->n--;
    return 1;
}

static int cmp_event(const void *a, const void *b)
{
    const be_event *p = a, *q = b;
    if (p->t != q->t)
        return p->t < q->t ? -1 : 1;
    return pt_less(p->p, q->p) ? -1 : pt_less(q->p, p->p);
}


/* Record where edge c-d meets edge a-b (events, collinear stretches), with
 * j the polygon of c-d.  0 when out of memory, or when the edges cross at
 * a point that rounds onto one of their ends: a crossing that near a
 * vertex is near-degenerate (on the exact line it would have been an
 * end-on-edge event, found by the orientation tests), and the rounded point
 * would hide a sliver from every midpoint test. */
static int be_meet(be_state *s, be_pt a, be_pt b, be_pt c, be_pt d, size_t j)
{
    int o1 = lg_orient(a.x, a.y, b.x, b.y, c.x, c.y);
    int o2 = lg_orient(a.x, a.y, b.x, b.y, d.x, d.y);
    double ex = b.x - a.x, ey = b.y - a.y, el = ex * ex + ey * ey;
    if (o1 == 0 && o2 == 0) { /* on one line */
        double tc = ((c.x - a.x) * ex + (c.y - a.y) * ey) / el;
        double td = ((d.x - a.x) * ex + (d.y - a.y) * ey) / el;
        double lo = fmax(0, fmin(tc, td)), hi = fmin(1, fmax(tc, td));
        if (!(hi > lo))
            return 1; /* they meet at a point at most */
        if (!be_reserve(&s->ev, s->nev, &s->cev, 2, sizeof *s->ev) ||
            !be_reserve(&s->col, s->ncol, &s->ccol, 1, sizeof *s->col))
            return 0;
        if (tc > 0 && tc < 1 && !same_pt(c, a) && !same_pt(c, b))
            s->ev[s->nev++] = (be_event){tc, c};
        if (td > 0 && td < 1 && !same_pt(d, a) && !same_pt(d, b))
            s->ev[s->nev++] = (be_event){td, d};
        int same = a.x != b.x ? ((b.x > a.x) == (d.x > c.x)) : ((b.y > a.y) == (d.y > c.y));
        s->col[s->ncol++] = (be_col){lo, hi, j, same};
        return 1;
    }
    if (o1 == o2)
        return 1;
    int o3 = lg_orient(c.x, c.y, d.x, d.y, a.x, a.y);
    int o4 = lg_orient(c.x, c.y, d.x, d.y, b.x, b.y);
    if (o3 == o4)
        return 1;
    be_pt x;
    if (o1 && o2 && o3 && o4) {
        x = cross_point(a, b, c, d);
        if (same_pt(x, a) || same_pt(x, b) || same_pt(x, c) || same_pt(x, d))
            return 0;
    } else if (o1 == 0 && o3 && o4) {
        x = c; /* c on a-b */
    } else if (o2 == 0 && o3 && o4) {
        x = d;
    } else {
        return 1; /* an end of a-b on c-d: no split */
    }
    if (!be_reserve(&s->ev, s->nev, &s->cev, 1, sizeof *s->ev))
        return 0;
    s->ev[s->nev++] = (be_event){((x.x - a.x) * ex + (x.y - a.y) * ey) / el, x};
    return 1;
}

/* Record where the edges of polygon j meet edge a-b (box eb). */
static int be_meet_poly(be_state *s, be_pt a, be_pt b, const double eb[4], size_t j)
{
    const be_poly *Q = &s->poly[j];
    if (Q->box[0] > eb[2] || Q->box[2] < eb[0] || Q->box[1] > eb[3] || Q->box[3] < eb[1])
        return 1;
    for (size_t r = Q->r0; r < Q->r1; r++) {
        const be_pt *q = s->xy + s->ring[r].off;
        for (size_t m = 0; m + 1 < s->ring[r].n; m++) {
            be_pt c = q[m], d = q[m + 1];
            if (fmin(c.x, d.x) > eb[2] || fmax(c.x, d.x) < eb[0] || fmin(c.y, d.y) > eb[3] ||
                fmax(c.y, d.y) < eb[1] || same_pt(c, d))
                continue;
            if (!be_meet(s, a, b, c, d, j))
                return 0;
        }
    }
    return 1;
}

/* Sort the events of edge a-b (with its ends) and return the count; the
 * sub-edges run between consecutive distinct points. */
static int be_events_close(be_state *s, be_pt a, be_pt b)
{
    if (!be_reserve(&s->ev, s->nev, &s->cev, 2, sizeof *s->ev))
        return 0;
    s->ev[s->nev++] = (be_event){0, a};
    s->ev[s->nev++] = (be_event){1, b};
    qsort(s->ev, s->nev, sizeof *s->ev, cmp_event);
    return 1;
}

/* One sub-edge of the current edge: p0 -> p1 between consecutive distinct
 * events, its midpoint and parameter. */
typedef struct be_sub {
    be_pt p0, p1, mid;
    double t;
} be_sub;

/* The sub-edge after the one ending at event *at: 1 (and *at advanced), 0
 * past the last, -1 when it is shorter than s->tiny (near-degenerate). */
static int be_sub_next(const be_state *s, size_t *at, be_sub *u)
{
    for (size_t e = *at + 1; e < s->nev; e++) {
        be_pt p0 = s->ev[*at].p, p1 = s->ev[e].p;
        if (same_pt(p0, p1))
            continue;
        u->p0 = p0, u->p1 = p1;
        u->mid = (be_pt){(p0.x + p1.x) / 2, (p0.y + p1.y) / 2};
        u->t = (s->ev[*at].t + s->ev[e].t) / 2;
        *at = e;
        return fabs(p1.x - p0.x) + fabs(p1.y - p0.y) < s->tiny ? -1 : 1;
    }
    return 0;
}

/* The collinear stretches over parameter t: Z's edges with Z's interior on
 * the same side (*zsame) or the other (*zopp), polygons' edges with their
 * interior on the same side (*psame: only polygons before `self`, so that
 * an edge shared on one side counts once) or the other (*popp). */
static void be_cols(const be_state *s, size_t self, double t, int *zsame, int *zopp, int *psame,
                    int *popp)
{
    *zsame = *zopp = *psame = *popp = 0;
    for (size_t c = 0; c < s->ncol; c++) {
        const be_col *C = &s->col[c];
        if (!(C->t0 < t && t < C->t1))
            continue;
        if (C->j == BE_Z)
            *zsame |= C->same, *zopp |= !C->same;
        else
            *psame |= C->same && C->j < self, *popp |= !C->same;
    }
}

/* Whether a collinear stretch of polygon j covers t. */
static int be_on(const be_state *s, size_t j, double t)
{
    for (size_t c = 0; c < s->ncol; c++)
        if (s->col[c].j == j && s->col[c].t0 < t && t < s->col[c].t1)
            return 1;
    return 0;
}

/* Whether the midpoint of a sub-edge lies inside another polygon of the
 * neighbour list of `self` (or, for a Z edge, of the cut ones): 1 inside,
 * 0 not, -1 give up.  `t` is its parameter.  A polygon with an edge along
 * the sub-edge is left out: its side is known from the collinear stretch
 * (be_cols), and the midpoint, rounded, need not lie on that edge, so
 * locating it would answer by the rounding. */
static int be_inside_other(const be_state *s, size_t self, be_pt mid, double t)
{
    const be_poly *P = self != BE_Z ? &s->poly[self] : NULL;
    size_t n = P ? P->nb1 - P->nb0 : s->npoly;
    for (size_t q = 0; q < n; q++) {
        size_t j = P ? s->nb[P->nb0 + q] : q;
        const be_poly *Q = &s->poly[j];
        if ((!P && !Q->cut) || mid.x < Q->box[0] || mid.x > Q->box[2] || mid.y < Q->box[1] ||
            mid.y > Q->box[3] || be_on(s, j, t))
            continue;
        int where = be_locate(s, j, mid);
        if (where == 1)
            return 1;
        if (where < 0)
            return -1; /* on its boundary, but no event says so */
    }
    return 0;
}

/* The events on edge a-b of polygon i: where its neighbours' edges (and
 * Z's, when i is cut) cross, touch or run along it; sorted, with its ends.
 * 0 when out of memory or near-degenerate. */
static int be_edge_events(be_state *s, lg_area_edges *clip, size_t i, be_pt a, be_pt b)
{
    const be_poly *P = &s->poly[i];
    double eb[4] = {fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x), fmax(a.y, b.y)};
    int ok = 1;
    s->nev = s->ncol = 0;
    for (size_t q = P->nb0; ok && q < P->nb1; q++)
        ok = be_meet_poly(s, a, b, eb, s->nb[q]);
    if (ok && P->cut) { /* Z's edges near a-b */
        ok = be_clip_query(clip, s, eb);
        for (size_t z = 0; ok && z < s->nzl; z++) {
            be_pt c = clip->e[2 * s->zl[z]], d = clip->e[2 * s->zl[z] + 1];
            if (fmin(c.x, d.x) > eb[2] || fmax(c.x, d.x) < eb[0] || fmin(c.y, d.y) > eb[3] ||
                fmax(c.y, d.y) < eb[1])
                continue;
            ok = be_meet(s, a, b, c, d, BE_Z);
        }
    }
    return ok && be_events_close(s, a, b);
}

/* The events on Z's edge a-b from the cut polygons' edges (sorted, with
 * its ends); *near = 0 when no cut polygon's box meets it. */
static int be_zedge_events(be_state *s, be_pt a, be_pt b, int *near)
{
    double eb[4] = {fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x), fmax(a.y, b.y)};
    int ok = 1;
    s->nev = s->ncol = 0;
    *near = 0;
    for (size_t j = 0; ok && j < s->npoly; j++) {
        const be_poly *Q = &s->poly[j];
        if (!Q->cut || Q->box[0] > eb[2] || Q->box[2] < eb[0] || Q->box[1] > eb[3] ||
            Q->box[3] < eb[1])
            continue;
        *near = 1;
        ok = be_meet_poly(s, a, b, eb, j);
    }
    return ok && (!*near || be_events_close(s, a, b));
}

/* The Z edges near the cut polygons (their box), copied out of s->zl
 * (which the per-edge queries reuse): *zl (free it), *nzl.  0 when out of
 * memory. */
static int be_cut_zedges(lg_area_edges *clip, be_state *s, size_t **zl, size_t *nzl)
{
    double cb[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < s->npoly; i++)
        if (s->poly[i].cut) {
            cb[0] = fmin(cb[0], s->poly[i].box[0]);
            cb[1] = fmin(cb[1], s->poly[i].box[1]);
            cb[2] = fmax(cb[2], s->poly[i].box[2]);
            cb[3] = fmax(cb[3], s->poly[i].box[3]);
        }
    *zl = NULL;
    *nzl = 0;
    if (!be_clip_query(clip, s, cb) || !(*zl = malloc((s->nzl ? s->nzl : 1) * sizeof **zl)))
        return 0;
    if (s->nzl) /* s->zl may be NULL then */
        memcpy(*zl, s->zl, s->nzl * sizeof **zl);
    *nzl = s->nzl;
    return 1;
}

typedef struct be_key {
    double x0;
    size_t i;
} be_key;

/* By x0, then index (a total order: the same lists on every platform). */
static int cmp_key(const void *a, const void *b)
{
    const be_key *p = a, *q = b;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

/* Load polys[0..n) into s (rings oriented, boxes, neighbours: closed boxes
 * meeting); also the sum and largest of their areas.  With clip, polygon i
 * is marked cut (Z's edges are looked at along its edges) when cut[i] says
 * it may reach Z's boundary, and also when a neighbour may: a polygon inside
 * Z with an edge on Z's line, shared with a cut polygon across it, needs
 * that edge's side of Z to decide whether the edge bounds the union.  0 when
 * out of memory or on odd input. */
static int be_load(GEOSContextHandle_t h, be_state *s, const lg_area_edges *clip,
                   const GEOSGeometry *const *polys, const unsigned char *cut, size_t n,
                   double *sum_area, double *max_area)
{
    int ok = (s->poly = calloc(n ? n : 1, sizeof *s->poly)) != NULL;
    double maxc = 0;
    *sum_area = *max_area = 0;
    s->npoly = n;
    for (size_t i = 0; ok && i < n; i++) {
        be_poly *P = &s->poly[i];
        P->r0 = s->nring;
        P->cut = clip && cut[i];
        int nh = GEOSGetNumInteriorRings_r(h, polys[i]);
        ok = nh >= 0;
        for (int r = -1; ok && r < nh; r++) {
            size_t m, off = s->nxy;
            const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(h, polys[i])
                                             : GEOSGetInteriorRingN_r(h, polys[i], r);
            ok = be_copy_ring(h, ring, r >= 0, &s->xy, &s->nxy, &s->cxy, &m) &&
                 be_reserve(&s->ring, s->nring, &s->cring, 1, sizeof *s->ring);
            if (ok && m)
                s->ring[s->nring++] = (be_ring){off, m};
        }
        P->r1 = s->nring;
        double a = 0;
        ok = ok && P->r1 > P->r0 && GEOSArea_r(h, polys[i], &a);
        if (!ok)
            break;
        *sum_area += a;
        *max_area = fmax(*max_area, a);
        const be_pt *q = s->xy + s->ring[P->r0].off;
        P->box[0] = P->box[2] = q[0].x;
        P->box[1] = P->box[3] = q[0].y;
        for (size_t k = 1; k < s->ring[P->r0].n; k++) { /* the shell bounds it */
            P->box[0] = fmin(P->box[0], q[k].x);
            P->box[1] = fmin(P->box[1], q[k].y);
            P->box[2] = fmax(P->box[2], q[k].x);
            P->box[3] = fmax(P->box[3], q[k].y);
        }
        maxc = fmax(maxc, fmax(fmax(fabs(P->box[0]), fabs(P->box[2])),
                               fmax(fabs(P->box[1]), fabs(P->box[3]))));
        s->y0 = i ? fmin(s->y0, P->box[1]) : P->box[1];
    }
    s->tiny = 1e-12 * maxc;
    if (clip) /* Z's coordinates too, for the midpoints tested against it */
        maxc = fmax(maxc, fmax(fmax(fabs(clip->box[0]), fabs(clip->box[2])),
                               fmax(fabs(clip->box[1]), fabs(clip->box[3]))));
    s->near = 16 * DBL_EPSILON * maxc;
    /* neighbours: closed boxes meeting (a sweep over x) */
    be_key *key = ok ? malloc((n ? n : 1) * sizeof *key) : NULL;
    size_t *deg = ok ? calloc(n + 1, sizeof *deg) : NULL;
    ok = ok && key && deg;
    for (size_t i = 0; ok && i < n; i++)
        key[i].x0 = s->poly[i].box[0], key[i].i = i;
    if (ok)
        qsort(key, n, sizeof *key, cmp_key);
    for (int pass = 0; ok && pass < 2; pass++) {
        if (pass == 1) {
            size_t total = 0;
            for (size_t i = 0; i < n; i++) {
                s->poly[i].nb0 = s->poly[i].nb1 = total;
                total += deg[i];
            }
            ok = (s->nb = malloc((total ? total : 1) * sizeof *s->nb)) != NULL;
        }
        for (size_t a = 0; ok && a < n; a++) {
            const double *p = s->poly[key[a].i].box;
            for (size_t b = a + 1; b < n && key[b].x0 <= p[2]; b++) {
                const double *q = s->poly[key[b].i].box;
                if (q[1] > p[3] || p[1] > q[3])
                    continue;
                size_t u = key[a].i, v = key[b].i;
                if (pass == 0) {
                    deg[u]++, deg[v]++;
                } else {
                    s->nb[s->poly[u].nb1++] = v;
                    s->nb[s->poly[v].nb1++] = u;
                }
            }
        }
    }
    for (size_t i = 0; ok && clip && i < n; i++) /* cut neighbours: see above */
        for (size_t q = s->poly[i].nb0; !s->poly[i].cut && q < s->poly[i].nb1; q++)
            s->poly[i].cut = cut[s->nb[q]] != 0;
    free(key);
    free(deg);
    return ok;
}

int lg_union_area_be(GEOSContextHandle_t h, lg_area_edges *clip, const GEOSGeometry *const *polys,
                     const unsigned char *cut, size_t n, double *area)
{
    be_state s = {0};
    double sum_area, max_area;
    int ok = be_load(h, &s, clip, polys, cut, n, &sum_area, &max_area), anycut = 0;
    for (size_t i = 0; ok && i < n; i++)
        anycut |= s.poly[i].cut;
    size_t bcap = 16;
    while (bcap < 2 * s.nxy)
        bcap *= 2;
    ok = ok && (s.bal = calloc(bcap, sizeof *s.bal)) != NULL;
    s.balmask = bcap - 1;

    /* (a) the polygons' edges: a sub-edge bounds R when R holds its left
     * side (the polygon's interior: in R when in Z) and not its right side
     * (in R when in Z and in another polygon) */
    for (size_t i = 0; ok && i < n; i++) {
        const be_poly *P = &s.poly[i];
        for (size_t r = P->r0; ok && r < P->r1; r++) {
            for (size_t k = 0; ok && k + 1 < s.ring[r].n; k++) {
                be_pt a = s.xy[s.ring[r].off + k], b = s.xy[s.ring[r].off + k + 1];
                if (same_pt(a, b))
                    continue;
                ok = be_edge_events(&s, clip, i, a, b);
                be_sub u;
                int more;
                for (size_t at = 0; ok && (more = be_sub_next(&s, &at, &u)) != 0;) {
                    int zsame, zopp, psame, popp;
                    if (more < 0) {
                        ok = 0; /* near-degenerate: leave it to GEOS */
                        break;
                    }
                    be_cols(&s, i, u.t, &zsame, &zopp, &psame, &popp);
                    if (P->cut && !zsame) { /* the left side in Z? */
                        if (zopp)
                            continue;
                        int z = be_clip_locate(clip, u.mid, s.near);
                        if (z == 0)
                            continue;
                        if (z < 0) {
                            ok = 0;
                            break;
                        }
                    }
                    /* the right side in R too: in another polygon, and
                     * in Z (not so along Z's line, zsame).  The same edge
                     * of two polygons on one side counts once.  Along Z's
                     * line inside another polygon, Z's edge is the one kept
                     * (b), not this one. */
                    if ((popp && !zsame) || psame)
                        continue;
                    int in = be_inside_other(&s, i, u.mid, u.t);
                    if (in < 0)
                        ok = 0;
                    else if (!in)
                        ok = be_keep(&s, u.p0, u.p1);
                }
            }
        }
    }
    /* (b) Z's edges inside some polygon (only cut ones reach them) */
    if (ok && anycut) {
        size_t *zl, nzl;
        ok = be_cut_zedges(clip, &s, &zl, &nzl);
        for (size_t z = 0; ok && z < nzl; z++) {
            be_pt a = clip->e[2 * zl[z]], b = clip->e[2 * zl[z] + 1];
            int near, more;
            ok = be_zedge_events(&s, a, b, &near);
            be_sub u;
            for (size_t at = 0; ok && near && (more = be_sub_next(&s, &at, &u)) != 0;) {
                int in = more < 0 ? -1 : be_inside_other(&s, BE_Z, u.mid, u.t);
                if (in < 0)
                    ok = 0;
                else if (in)
                    ok = be_keep(&s, u.p0, u.p1);
            }
        }
        free(zl);
    }
    /* closed rings: every point as often a start as an end */
    for (size_t i = 0; ok && i <= s.balmask; i++)
        ok = !s.bal[i].used || s.bal[i].n == 0;
    double a = s.acc + s.comp;
    /* a union has at most the sum of the areas, and without Z at least the
     * largest one */
    ok = ok && a >= (anycut ? -1e-9 * sum_area : max_area * (1 - 1e-9)) &&
         a <= sum_area * (1 + 1e-9);
    be_free(&s);
    if (ok)
        *area = a < 0 ? 0 : a;
    return ok;
}

int lg_covered_be(GEOSContextHandle_t h, lg_area_edges *clip, const GEOSGeometry *g)
{
    be_state s = {0};
    int t = GEOSGeomTypeId_r(h, g);
    int n = t == GEOS_POLYGON ? 1 : t == GEOS_MULTIPOLYGON ? GEOSGetNumGeometries_r(h, g) : -1;
    if (n < 1 || !clip)
        return -1;
    const GEOSGeometry **polys = malloc((size_t)n * sizeof *polys);
    unsigned char *cut = malloc((size_t)n);
    double sum_area, max_area;
    int res = polys && cut ? 1 : -1;
    for (int i = 0; res == 1 && i < n; i++) {
        polys[i] = t == GEOS_POLYGON ? g : GEOSGetGeometryN_r(h, g, i);
        cut[i] = 1;
    }
    if (res == 1 && !be_load(h, &s, clip, polys, cut, (size_t)n, &sum_area, &max_area))
        res = -1;
    free(polys);
    free(cut);
    /* (1) its boundary in Z: inside, or on Z's line with Z on its side */
    for (size_t i = 0; res == 1 && i < s.npoly; i++) {
        const be_poly *P = &s.poly[i];
        for (size_t r = P->r0; res == 1 && r < P->r1; r++) {
            for (size_t k = 0; res == 1 && k + 1 < s.ring[r].n; k++) {
                be_pt a = s.xy[s.ring[r].off + k], b = s.xy[s.ring[r].off + k + 1];
                if (same_pt(a, b))
                    continue;
                if (!be_edge_events(&s, clip, i, a, b)) {
                    res = -1;
                    break;
                }
                be_sub u;
                int more;
                for (size_t at = 0; res == 1 && (more = be_sub_next(&s, &at, &u)) != 0;) {
                    int zsame, zopp, psame, popp;
                    be_cols(&s, i, u.t, &zsame, &zopp, &psame, &popp);
                    if (more < 0) {
                        res = -1;
                    } else if (zopp) {
                        res = 0; /* its interior on Z's outer side */
                    } else if (!zsame) {
                        int z = be_clip_locate(clip, u.mid, s.near);
                        res = z == 1 ? 1 : z == 0 ? 0 : -1;
                    }
                }
            }
        }
    }
    /* (2) no part of Z's boundary in its interior */
    size_t *zl = NULL, nzl = 0;
    if (res == 1 && !be_cut_zedges(clip, &s, &zl, &nzl))
        res = -1;
    for (size_t z = 0; res == 1 && z < nzl; z++) {
        be_pt a = clip->e[2 * zl[z]], b = clip->e[2 * zl[z] + 1];
        int near, more;
        if (!be_zedge_events(&s, a, b, &near)) {
            res = -1;
            break;
        }
        be_sub u;
        for (size_t at = 0; res == 1 && near && (more = be_sub_next(&s, &at, &u)) != 0;) {
            int in = more < 0 ? -1 : be_inside_other(&s, BE_Z, u.mid, u.t);
            res = in > 0 ? 0 : in < 0 ? -1 : 1;
        }
    }
    free(zl);
    be_free(&s);
    return res;
}

/* ---- joining by an id ---- */

static int cmp_key_ix(const void *a, const void *b)
{
    const lg_key_ix *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

void lg_key_ix_sort(lg_key_ix *keys, size_t n) { qsort(keys, n, sizeof *keys, cmp_key_ix); }

size_t lg_key_ix_find(const lg_key_ix *keys, size_t n, const char *key)
{
    size_t lo = 0, hi = n; /* the first key >= key: the first row (in order) with it */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(keys[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && !strcmp(keys[lo].key, key) ? keys[lo].i : (size_t)-1;
}

char *lg_feature_label(lg_ctx *ctx, const lg_layer *L, size_t i, int f)
{
    double v;
    if (f >= 0 && lg_layer_number(L, i, (size_t)f, &v))
        return v == floor(v) && fabs(v) < 1e15 ? lg_sprintf(ctx, "%.0f", v)
                                               : lg_sprintf(ctx, "%.15g", v);
    const char *t = f >= 0 ? lg_layer_text(L, i, (size_t)f) : NULL;
    return t ? lg_strdup(ctx, t) : lg_sprintf(ctx, "%lld", lg_layer_fid(L, i));
}

const char *lg_number_display(char *buf, size_t n, double v)
{
    if (!isfinite(v))
        return "—";
    double a = fabs(v);
    int dec = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : a >= 0.01 ? 3 : 4;
    snprintf(buf, n, "%.*f", dec, v);
    return buf;
}

void lg_table_column_label(const lg_table *t, size_t c, char *buf, size_t n)
{
    const char *unit = lg_table_column_unit(t, c);
    if (unit[0])
        snprintf(buf, n, "%s [%s]", lg_table_column_name(t, c), unit);
    else
        snprintf(buf, n, "%s", lg_table_column_name(t, c));
}
