/* Shared machinery of the land functions: strict dates, features split
 * across zones by area share, detail tables, the minimum-FAR table,
 * floor area from buildings, option parsing. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "land_internal.h"

/* ------------------------------------------------------------------ */
/* dates                                                               */

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = 10 * v + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int land_date_parse(const char *s, int *ymd)
{
    int y, m, d;
    if (!s || strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) ||
        s[7] != '-' || !digits(s + 8, 2, &d))
        return 0;
    if (s[10] && s[10] != 'T' && s[10] != ' ')
        return 0;
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return 0;
    *ymd = y * 10000 + m * 100 + d;
    return 1;
}

long land_days(int ymd)
{
    /* days from civil (H. Hinnant's algorithm) */
    long y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int land_date_field(lg_ctx *ctx, const char *kernel, const char *option, const lg_layer *L,
                    const char *name)
{
    return lg_typed_field(ctx, kernel, option, L, name, LG_FIELD_DATE, LG_FIELD_STRING, "a date");
}

lg_status land_date(lg_ctx *ctx, const char *kernel, const lg_layer *L, size_t i, int f,
                    int *ymd)
{
    *ymd = 0;
    const char *t = f >= 0 ? lg_layer_text(L, i, (size_t)f) : NULL;
    if (!t || !*t)
        return LG_OK;
    if (land_date_parse(t, ymd))
        return LG_OK;
    return lg_error(ctx, LG_ERR_ARG, "%s: %s FID %lld field %s: '%s' is not a date (YYYY-MM-DD)",
                    kernel, lg_layer_source(L), lg_layer_fid(L, i),
                    lg_layer_field_name(L, (size_t)f), t);
}

/* Dates of every feature of L in field `name` (option `opt`). */
int *land_read_dates(lg_ctx *ctx, const char *kernel, const lg_layer *L, const char *opt,
                     const char *name, size_t *nulls)
{
    int f = land_date_field(ctx, kernel, opt, L, name);
    size_t n = lg_layer_size(L);
    int *d = f >= 0 ? lg_calloc(ctx, n ? n : 1, sizeof *d) : NULL;
    *nulls = 0;
    for (size_t i = 0; d && i < n; i++) {
        if (land_date(ctx, kernel, L, i, f, &d[i]) != LG_OK) {
            free(d);
            return NULL;
        }
        *nulls += !d[i];
    }
    return d;
}

/* ------------------------------------------------------------------ */
/* features split across zones                                         */

typedef struct share_job {
    const lg_zones *zones;
    const lg_layer *L;
    const lg_index *idx;
    land_shares *s;
} share_job;

typedef struct share_acc {
    share_job *j;
    size_t z;
} share_acc;

static lg_status add_piece(lg_worker *w, size_t f, const GEOSGeometry *piece, int whole,
                           void *user)
{
    share_acc *a = user;
    land_shares *s = a->j->s;
    double af = s->area[f], m2 = af;
    if (!(af > 0))
        return LG_OK;
    if (!whole && !GEOSArea_r(w->geos, piece, &m2))
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "area of FID %lld failed",
                              lg_layer_fid(a->j->L, f));
    if (!(m2 > 0))
        return LG_OK; /* touches the zone only */
    size_t z = a->z;
    if (s->n[z] == s->cap[z]) {
        size_t cap = s->cap[z] ? 2 * s->cap[z] : 16;
        land_piece *p = realloc(s->p[z], cap * sizeof *p);
        if (!p)
            return lg_worker_fail(w, LG_ERR_NOMEM, "out of memory");
        s->p[z] = p;
        s->cap[z] = cap;
    }
    s->p[z][s->n[z]++] = (land_piece){f, m2, whole ? 1.0 : m2 / af};
    return LG_OK;
}

static lg_status share_zone(lg_worker *w, size_t zi, void *user)
{
    share_job *j = user;
    share_acc a = {j, zi};
    return lg_clip_layer_to_zone(w, j->zones, zi, j->L, j->idx, add_piece, &a);
}

lg_status land_shares_compute(lg_ctx *ctx, const lg_zones *zones, const lg_layer *L,
                              land_shares *s)
{
    memset(s, 0, sizeof *s);
    s->nz = lg_zones_count(zones);
    s->nf = lg_layer_size(L);
    size_t mz = s->nz ? s->nz : 1, mf = s->nf ? s->nf : 1;
    s->p = lg_calloc(ctx, mz, sizeof *s->p);
    s->n = lg_calloc(ctx, mz, sizeof *s->n);
    s->cap = lg_calloc(ctx, mz, sizeof *s->cap);
    s->area = lg_calloc(ctx, mf, sizeof *s->area);
    s->zone_of = lg_calloc(ctx, mf, sizeof *s->zone_of);
    if (!s->p || !s->n || !s->cap || !s->area || !s->zone_of)
        return LG_ERR_NOMEM;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t i = 0; i < s->nf; i++) {
        s->zone_of[i] = (size_t)-1;
        if (!GEOSArea_r(h, lg_layer_geom(L, i), &s->area[i]))
            return lg_error(ctx, LG_ERR_GEOMETRY, "area of FID %lld of %s failed",
                            lg_layer_fid(L, i), lg_layer_source(L));
    }
    share_job j = {zones, L, s->nf ? lg_layer_index(ctx, L) : NULL, s};
    if (s->nf && !j.idx)
        return lg_ctx_errno(ctx) ? lg_ctx_errno(ctx) : LG_ERR_NOMEM;
    if (s->nf) {
        lg_status st = lg_parallel_for(ctx, s->nz, share_zone, &j, "land: zones");
        if (st != LG_OK)
            return st;
    }
    /* the zone of the largest share, the first on a tie */
    double *best = lg_calloc(ctx, mf, sizeof *best);
    if (!best)
        return LG_ERR_NOMEM;
    for (size_t z = 0; z < s->nz; z++)
        for (size_t k = 0; k < s->n[z]; k++) {
            const land_piece *p = &s->p[z][k];
            if (p->m2 > best[p->f])
                best[p->f] = p->m2, s->zone_of[p->f] = z;
        }
    free(best);
    return LG_OK;
}

void land_shares_free(land_shares *s)
{
    for (size_t z = 0; s->p && z < s->nz; z++)
        free(s->p[z]);
    free(s->p);
    free(s->n);
    free(s->cap);
    free(s->area);
    free(s->zone_of);
    memset(s, 0, sizeof *s);
}

double land_zone_row(const land_shares *s, size_t f)
{
    return s->zone_of[f] == (size_t)-1 ? NAN : (double)s->zone_of[f];
}

/* ------------------------------------------------------------------ */
/* tables                                                              */

lg_table *land_detail_table(lg_ctx *ctx, const char *name, const lg_layer *L,
                            const char *const *cols, const char *const *units, size_t ncols)
{
    lg_table *t = lg_table_new(ctx, name);
    if (!t)
        return NULL;
    for (size_t c = 0; c < ncols; c++)
        if (lg_table_add_column(ctx, t, cols[c], units[c]) < 0)
            return lg_table_free(ctx, t);
    size_t n = lg_layer_size(L);
    if (lg_table_set_rows(ctx, t, n) != LG_OK)
        return lg_table_free(ctx, t);
    int fid = lg_layer_field_index(L, "id"), fname = lg_layer_field_index(L, "name");
    for (size_t i = 0; i < n; i++) {
        char *id = lg_feature_label(ctx, L, i, fid);
        int has_name = fname >= 0 && lg_layer_text(L, i, (size_t)fname);
        char *nm = has_name ? lg_feature_label(ctx, L, i, fname) : NULL;
        lg_status st = id && (nm || !has_name) ? lg_table_set_label(ctx, t, i, id, nm ? nm : id)
                                               : LG_ERR_NOMEM;
        free(id);
        free(nm);
        if (st != LG_OK)
            return lg_table_free(ctx, t);
        lg_table_set_geom(t, i, (GEOSGeometry *)lg_layer_geom(L, i), 0);
    }
    return t;
}

/* ------------------------------------------------------------------ */
/* flagged features per zone                                           */

double *land_flag_sums(lg_ctx *ctx, const land_shares *s, const double *flags, size_t nk)
{
    double *out = lg_calloc(ctx, (s->nz + 1) * (nk ? nk : 1) * 2, sizeof *out);
    if (!out)
        return NULL;
    double *tot = out + s->nz * nk * 2;
    for (size_t z = 0; z < s->nz; z++)
        for (size_t i = 0; i < s->n[z]; i++) {
            const land_piece *p = &s->p[z][i];
            for (size_t k = 0; k < nk; k++)
                if (flags[p->f * nk + k] == 1) {
                    out[(z * nk + k) * 2] += 1;
                    out[(z * nk + k) * 2 + 1] += p->m2;
                }
        }
    for (size_t z = 0; z < s->nz; z++)
        for (size_t k = 0; k < 2 * nk; k++)
            tot[k] += out[z * nk * 2 + k];
    return out;
}

lg_status land_flag_tables(lg_ctx *ctx, const lg_zones *zones, const char *const *flags,
                           size_t nk, const char *const *extra, const char *const *extra_units,
                           size_t nextra, lg_table **zt, lg_table **tt)
{
    static const char *const base[] = {"value", "numerator", "denominator"};
    static const char *const base_u[] = {"%", "m2", "m2"};
    static const char *const suffix[] = {"", "_m2", "_mu"};
    static const char *const suffix_u[] = {"count", "m2", "mu"};
    size_t nf = 3 * nk, nc = 3 + nf + nextra;
    const char **cols = lg_calloc(ctx, 2 * nc, sizeof *cols), **units = cols + nc;
    char(*names)[128] = lg_calloc(ctx, nf ? nf : 1, sizeof *names);
    lg_status st = LG_ERR_NOMEM;
    if (cols && names) {
        memcpy(cols, base, sizeof base);
        memcpy(units, base_u, sizeof base_u);
        for (size_t k = 0; k < nf; k++) {
            snprintf(names[k], sizeof names[k], "%s%s", flags[k / 3], suffix[k % 3]);
            cols[3 + k] = names[k], units[3 + k] = suffix_u[k % 3];
        }
        for (size_t c = 0; c < nextra; c++)
            cols[3 + nf + c] = extra[c], units[3 + nf + c] = extra_units[c];
        st = lg_make_zone_tables(ctx, zones, cols, units, nc, zt, tt);
    }
    free(cols);
    free(names);
    return st;
}

lg_result *land_rules_result(lg_ctx *ctx, const lg_zones *zones, const lg_layer *L,
                             const land_rules_spec *spec, void *user)
{
    land_shares s = {0};
    land_tables T = {0};
    double *flags = NULL, *sums = NULL;
    size_t nz = lg_zones_count(zones), nk = spec->nk;
    lg_result *r = NULL;
    lg_status st = land_shares_compute(ctx, zones, L, &s);
    if (st == LG_OK &&
        (!(r = lg_result_start(ctx, spec->kernel, "%", zones)) ||
         land_flag_tables(ctx, zones, spec->flags, nk, spec->extra, spec->extra_units,
                          spec->nextra, &T.zones, &T.total) != LG_OK ||
         !(T.detail = land_detail_table(ctx, spec->detail, L, spec->dcols, spec->dunits,
                                        spec->ndcols)) ||
         !(flags = lg_calloc(ctx, (s.nf ? s.nf : 1) * nk, sizeof *flags))))
        st = LG_ERR_NOMEM;
    if (st == LG_OK)
        st = spec->judge(ctx, &s, &T, flags, user);
    if (st == LG_OK && !(sums = land_flag_sums(ctx, &s, flags, nk)))
        st = LG_ERR_NOMEM;
    for (size_t z = 0; st == LG_OK && z <= nz; z++)
        land_flag_row(z < nz ? T.zones : T.total, z < nz ? z : 0, sums + z * nk * 2, nk,
                      spec->num, spec->den);
    if (st == LG_OK)
        st = land_tables_give(ctx, r, &T);
    if (st == LG_OK)
        st = spec->params(ctx, r, user);
    if (st != LG_OK)
        r = lg_result_free(ctx, r);
    land_tables_free(ctx, &T);
    free(flags);
    free(sums);
    land_shares_free(&s);
    return r;
}

lg_status land_tables_give(lg_ctx *ctx, lg_result *r, land_tables *t)
{
    lg_result_set_tables(r, t->zones, t->total);
    t->zones = t->total = NULL;
    lg_status st = lg_result_add_detail(ctx, r, t->detail);
    t->detail = NULL;
    return st;
}

void land_tables_free(lg_ctx *ctx, land_tables *t)
{
    lg_table_free(ctx, t->zones);
    lg_table_free(ctx, t->total);
    lg_table_free(ctx, t->detail);
    t->zones = t->total = t->detail = NULL;
}

void land_flag_row(lg_table *t, size_t row, const double *s, size_t nk, size_t num, size_t den)
{
    double n = s[num * 2 + 1], d = s[den * 2 + 1];
    lg_table_set(t, row, 0, lg_ratio(100 * n, d));
    lg_table_set(t, row, 1, n);
    lg_table_set(t, row, 2, d);
    for (size_t k = 0; k < nk; k++) {
        lg_table_set(t, row, 3 + 3 * k, s[2 * k]);
        lg_table_set(t, row, 4 + 3 * k, s[2 * k + 1]);
        lg_table_set(t, row, 5 + 3 * k, s[2 * k + 1] / LG_M2_PER_MU);
    }
}

int land_in_list(const char *list, const char *v)
{
    if (!list || !v)
        return 0;
    size_t n = strlen(v);
    for (const char *p = list;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, v, n))
            return 1;
        if (!e)
            return 0;
        p = e + 1;
    }
}

double land_any(const double *rules, size_t n)
{
    int unknown = 0;
    for (size_t i = 0; i < n; i++) {
        if (rules[i] == 1)
            return 1;
        unknown |= isnan(rules[i]);
    }
    return unknown ? NAN : 0;
}

/* ------------------------------------------------------------------ */
/* minimum FAR                                                         */

int land_number_opt(lg_ctx *ctx, const char *kernel, const char *key, const char *text,
                    double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v)) {
        lg_error(ctx, LG_ERR_ARG, "%s: %s=%s: expected a number", kernel, key, text);
        return 0;
    }
    *out = v;
    return 1;
}

static lg_status minfar_add(lg_ctx *ctx, land_minfar *m, const char *code, double v)
{
    if (!strcmp(code, "*")) {
        m->has_star = 1, m->star = v;
        return LG_OK;
    }
    char **c = lg_realloc(ctx, m->code, (m->n + 1) * sizeof *c);
    if (!c)
        return LG_ERR_NOMEM;
    m->code = c;
    double *x = lg_realloc(ctx, m->min, (m->n + 1) * sizeof *x);
    if (!x)
        return LG_ERR_NOMEM;
    m->min = x;
    if (!(m->code[m->n] = lg_strdup(ctx, code)))
        return LG_ERR_NOMEM;
    m->min[m->n++] = v;
    return LG_OK;
}

static lg_status minfar_file(lg_ctx *ctx, const char *kernel, const char *path, land_minfar *m)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return lg_error(ctx, LG_ERR_IO, "%s: MIN_FAR=%s: cannot read: %s", kernel, path,
                        strerror(errno));
    char line[1024];
    int ln = 0;
    lg_status st = LG_OK;
    while (st == LG_OK && fgets(line, sizeof line, f)) {
        ln++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char code[512], extra[8], *end;
        char num[64];
        int k = sscanf(line, "%511s %63s %7s", code, num, extra);
        if (k <= 0)
            continue;
        errno = 0;
        double v = k == 2 ? strtod(num, &end) : NAN;
        if (k != 2 || *end || errno || !(v >= 0) || !isfinite(v))
            st = lg_error(ctx, LG_ERR_ARG,
                          "%s: %s:%d: expected \"industry_code min_far\" (a number >= 0; "
                          "code * for every other code)", kernel, path, ln);
        else
            st = minfar_add(ctx, m, code, v);
    }
    fclose(f);
    return st;
}

lg_status land_minfar_load(lg_ctx *ctx, const char *kernel, const char *opt, int industry,
                           land_minfar *m)
{
    memset(m, 0, sizeof *m);
    char *end;
    double v = opt ? strtod(opt, &end) : NAN;
    if (opt && end != opt && !*end) {
        if (!(v >= 0) || !isfinite(v))
            return lg_error(ctx, LG_ERR_ARG, "%s: MIN_FAR=%s: expected a FAR >= 0 or a file",
                            kernel, opt);
        m->mode = 1, m->all = v;
        snprintf(m->desc, sizeof m->desc, "%.15g for every parcel", v);
        return LG_OK;
    }
    if (!opt && !industry)
        return LG_OK;
    if (!industry)
        return lg_error(ctx, LG_ERR_ARG, "%s: MIN_FAR=%s is a table: name the parcels' "
                        "industry field with INDUSTRY_FIELD=", kernel, opt);
    m->mode = 2;
    lg_status st;
    if (opt) {
        st = minfar_file(ctx, kernel, opt, m);
        snprintf(m->desc, sizeof m->desc, "table %s", opt);
    } else {
        /* 国土资发〔2008〕24号 as INDICATORS.md gives it */
        st = minfar_add(ctx, m, "电子", 1.0);
        if (st == LG_OK)
            st = minfar_add(ctx, m, "通用设备", 0.7);
        if (st == LG_OK)
            st = minfar_add(ctx, m, "石油加工", 0.5);
        snprintf(m->desc, sizeof m->desc,
                 "default (国土资发〔2008〕24号): 电子 1.0, 通用设备 0.7, 石油加工 0.5");
    }
    if (st != LG_OK)
        land_minfar_free(m);
    return st;
}

double land_minfar_of(const land_minfar *m, const char *code)
{
    if (m->mode == 1)
        return m->all;
    if (m->mode != 2 || !code)
        return NAN;
    for (size_t i = 0; i < m->n; i++)
        if (!strcmp(m->code[i], code))
            return m->min[i];
    return m->has_star ? m->star : NAN;
}

void land_minfar_free(land_minfar *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->code[i]);
    free(m->code);
    free(m->min);
    memset(m, 0, sizeof *m);
}

const char *land_code(const lg_layer *L, size_t i, int f, char *buf, size_t n)
{
    double v;
    if (f < 0)
        return NULL;
    if (lg_layer_number(L, i, (size_t)f, &v)) {
        snprintf(buf, n, "%.15g", v);
        return buf;
    }
    return lg_layer_text(L, i, (size_t)f);
}

/* ------------------------------------------------------------------ */
/* options                                                             */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

lg_status land_years(lg_ctx *ctx, const char *kernel, const char *text, int **years, size_t *n)
{
    *years = NULL, *n = 0;
    if (!text || !*text)
        return lg_error(ctx, LG_ERR_ARG, "%s needs YEARS= (e.g. YEARS=2022,2023,2024)", kernel);
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    int *y = lg_calloc(ctx, cap, sizeof *y);
    if (!y)
        return LG_ERR_NOMEM;
    size_t k = 0;
    for (const char *p = text;;) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 1000 || v > 9998 || (*end && *end != ',')) {
            free(y);
            return lg_error(ctx, LG_ERR_ARG, "%s: YEARS=%s: expected years like 2022,2023,2024",
                            kernel, text);
        }
        y[k++] = (int)v;
        if (!*end)
            break;
        p = end + 1;
    }
    qsort(y, k, sizeof *y, cmp_int);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (!u || y[i] != y[u - 1])
            y[u++] = y[i];
    *years = y, *n = u;
    return LG_OK;
}
