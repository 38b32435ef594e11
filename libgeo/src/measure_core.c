/* The machinery under every kernel: result tables, zones, options, the
 * worker pool and the per-zone clipping loop. */
#include <math.h>
#include <pthread.h>
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
};

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
    size_t next;             /* next index to take */
    pthread_mutex_t mu;
    lg_job_fn job;
    void *user;
    size_t fail_at;          /* lowest failing index, or n */
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
        size_t i = p->next < p->fail_at ? p->next++ : p->n;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n)
            break;
        w->err[0] = '\0';
        w->status = LG_OK;
        lg_status st = p->job(w, i, p->user);
        pthread_mutex_lock(&p->mu);
        if (st != LG_OK && i < p->fail_at) {
            p->fail_at = i;
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

lg_status lg_parallel_for(lg_ctx *ctx, size_t n, lg_job_fn job, void *user, const char *what)
{
    int nt = lg_ctx_threads(ctx);
    if ((size_t)nt > n)
        nt = n ? (int)n : 1;
    pool p = {.n = n, .job = job, .user = user, .fail_at = n, .ctx = ctx, .what = what};
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
        GEOSGeometry *piece = meets == 1 ? lg_intersection_local(h, area, big, g) : NULL;
        if (!piece) {
            st = lg_worker_fail(w, LG_ERR_GEOMETRY, "feature FID %lld of %s: %s",
                                lg_layer_fid(layer, f), lg_layer_source(layer),
                                w->err[0] ? w->err : "GEOS failed");
            break;
        }
        if (!GEOSisEmpty_r(h, piece))
            st = fn(w, f, piece, 0, user);
        GEOSGeom_destroy_r(h, piece);
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

int lg_numeric_field(lg_ctx *ctx, const char *kernel, const char *option, const lg_layer *L,
                     const char *name)
{
    int f = lg_layer_field_index(L, name);
    if (f < 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: %s=%s: %s has no such field", kernel, option, name,
                 lg_layer_source(L));
        return -1;
    }
    lg_field_type t = lg_layer_field_type(L, (size_t)f);
    if (t != LG_FIELD_INTEGER && t != LG_FIELD_REAL) {
        lg_error(ctx, LG_ERR_ARG, "%s: %s=%s: the field of %s is %s, not a number", kernel,
                 option, name, lg_layer_source(L), lg_layer_field_type_name(L, (size_t)f));
        return -1;
    }
    return f;
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
