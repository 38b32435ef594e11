/* Writing a 亩均效益 evaluation: enterprises.csv/.json, zones_<level>.csv/
 * .json and efficiency.gpkg, into a private temporary directory first and
 * renamed into place together (out_dir.h).
 *
 * Every output is a "sheet": an lg_table (numbers with units, row id, name
 * and geometry) plus text columns, written the same way to CSV, JSON and
 * GeoPackage. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efficiency_internal.h"
#include "gpkg_write.h"
#include "measure_internal.h"
#include "out_dir.h"

#define MAX_TEXT 16

typedef struct sheet {
    lg_table *t;
    const lg_table *view; /* t, or a table owned elsewhere */
    const lg_table *total; /* a one-row total written after the rows, or NULL */
    const char *text_names[MAX_TEXT];
    size_t ntext;
    const char **cells; /* rows × ntext */
    char **own;         /* cells made for the sheet, freed with it */
    size_t nown;
} sheet;

static void sheet_free(lg_ctx *ctx, sheet *s)
{
    lg_table_free(ctx, s->t);
    free(s->cells);
    for (size_t i = 0; i < s->nown; i++)
        free(s->own[i]);
    free(s->own);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------ */
/* CSV and JSON of a sheet                                             */

static void csv_row(FILE *f, const sheet *s, const lg_table *t, size_t row, int with_text)
{
    char b[40];
    lg_csv_field(f, lg_table_row_id(t, row));
    fputc(',', f);
    lg_csv_field(f, lg_table_row_name(t, row));
    for (size_t k = 0; k < s->ntext; k++) {
        fputc(',', f);
        lg_csv_field(f, with_text ? s->cells[row * s->ntext + k] : "");
    }
    for (size_t c = 0; c < lg_table_columns(t); c++) {
        fputc(',', f);
        fputs(lg_number_text(b, sizeof b, lg_table_value(t, row, c)), f);
    }
    fputs("\r\n", f);
}

static int write_csv(const sheet *s, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    const lg_table *t = s->view;
    fputs(LG_CSV_BOM "id,name", f);
    for (size_t k = 0; k < s->ntext; k++) {
        fputc(',', f);
        lg_csv_field(f, s->text_names[k]);
    }
    for (size_t c = 0; c < lg_table_columns(t); c++) {
        char h[200];
        const char *u = lg_table_column_unit(t, c);
        snprintf(h, sizeof h, *u ? "%s [%s]" : "%s", lg_table_column_name(t, c), u);
        fputc(',', f);
        lg_csv_field(f, h);
    }
    fputs("\r\n", f);
    for (size_t r = 0; r < lg_table_rows(t); r++)
        csv_row(f, s, t, r, 1);
    if (s->total)
        csv_row(f, s, s->total, 0, 0);
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

static json_object *row_json(const sheet *s, const lg_table *t, size_t row, int with_text)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", lg_json_string(lg_table_row_id(t, row)));
    json_object_object_add(o, "name", lg_json_string(lg_table_row_name(t, row)));
    for (size_t k = 0; with_text && k < s->ntext; k++)
        json_object_object_add(o, s->text_names[k],
                               lg_json_string(s->cells[row * s->ntext + k]));
    for (size_t c = 0; c < lg_table_columns(t); c++)
        json_object_object_add(o, lg_table_column_name(t, c),
                               lg_json_number(lg_table_value(t, row, c)));
    return o;
}

/* {"<head keys>", "columns": [{name, unit}], rows_key: [...], "total"} */
static int write_json(const sheet *s, const char *path, const char *rows_key,
                      json_object *root)
{
    const lg_table *t = s->view;
    json_object *cols = json_object_new_array();
    for (size_t c = 0; c < lg_table_columns(t); c++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", lg_json_string(lg_table_column_name(t, c)));
        json_object_object_add(o, "unit", lg_json_string(lg_table_column_unit(t, c)));
        json_object_array_add(cols, o);
    }
    json_object_object_add(root, "columns", cols);
    json_object *rows = json_object_new_array();
    for (size_t r = 0; r < lg_table_rows(t); r++)
        json_object_array_add(rows, row_json(s, t, r, 1));
    json_object_object_add(root, rows_key, rows);
    if (s->total)
        json_object_object_add(root, "total", row_json(s, s->total, 0, 0));
    int rc = json_object_to_file_ext(path, root,
                                     JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    json_object_put(root);
    return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* The sheets                                                          */

static int add_cols(lg_ctx *ctx, lg_table *t, const char *const *names, const char *const *units,
                    size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lg_table_add_column(ctx, t, names[i], units[i]) < 0)
            return -1;
    return 0;
}

/* Measures scored by some group: their points columns. */
static int scored(const lg_eff_config *c, lg_eff_measure m)
{
    for (size_t g = 0; g < c->ngroups; g++)
        for (size_t k = 0; k < c->groups[g].nitems; k++)
            if (c->groups[g].items[k].m == m)
                return 1;
    return 0;
}

static int firm_columns(lg_ctx *ctx, const lg_efficiency *e, lg_table *t)
{
    static const char *const N[] = {"score", "rank", "land_mu", "cert_mu", "gis_mu",
                                    "area_mismatch", "start_year"};
    static const char *const U[] = {"points", "", "mu", "mu", "mu", "", ""};
    if (add_cols(ctx, t, N, U, 7) != 0)
        return -1;
    for (int k = 0; k < LG_EFF_LAND; k++)
        if (lg_table_add_column(ctx, t, lg_eff_input_name(k), lg_eff_input_unit(k)) < 0)
            return -1;
    for (int m = 0; m < LG_EFF_MEASURES; m++)
        if (lg_table_add_column(ctx, t, lg_eff_measure_name(m), lg_eff_measure_unit(m)) < 0)
            return -1;
    for (int m = 0; m < LG_EFF_MEASURES; m++) {
        char n[64];
        snprintf(n, sizeof n, "points:%s", lg_eff_measure_name(m));
        if (scored(e->c, m) && lg_table_add_column(ctx, t, n, "points") < 0)
            return -1;
    }
    return 0;
}

static void firm_row(const lg_efficiency *e, lg_table *t, size_t i)
{
    const ef_firm *F = &e->firms[i];
    const lg_eff_firm *f = &F->pub;
    double v[] = {f->score, f->rank ? f->rank : NAN, f->input[LG_EFF_LAND], f->cert_mu,
                  f->gis_mu, f->area_mismatch, f->start_year ? f->start_year : NAN};
    size_t c = 0;
    for (; c < 7; c++)
        lg_table_set(t, i, c, v[c]);
    for (int k = 0; k < LG_EFF_LAND; k++)
        lg_table_set(t, i, c++, f->input[k]);
    for (int m = 0; m < LG_EFF_MEASURES; m++)
        lg_table_set(t, i, c++, f->measure[m]);
    for (int m = 0; m < LG_EFF_MEASURES; m++)
        if (scored(e->c, m))
            lg_table_set(t, i, c++, F->points[m]);
}

static lg_status firm_sheet(lg_ctx *ctx, const lg_efficiency *e, sheet *s)
{
    static const char *const TN[] = {"industry", "group", "class", "reason", "flags",
                                     "parcel_id", "land_source"};
    s->ntext = 7;
    memcpy(s->text_names, TN, sizeof TN);
    for (size_t li = 0; li < e->nlevels && s->ntext < MAX_TEXT; li++)
        s->text_names[s->ntext++] = lg_efficiency_level_name(e, li);
    s->view = s->t = lg_table_new(ctx, "enterprises");
    s->cells = lg_calloc(ctx, (e->n ? e->n : 1) * s->ntext, sizeof *s->cells);
    if (!s->t || !s->cells || firm_columns(ctx, e, s->t) != 0 ||
        lg_table_set_rows(ctx, s->t, e->n) != LG_OK)
        return lg_ctx_errno(ctx) ? lg_ctx_errno(ctx) : LG_ERR_NOMEM;
    for (size_t i = 0; i < e->n; i++) {
        const lg_eff_firm *f = &e->firms[i].pub;
        const char *land = !isfinite(f->input[LG_EFF_LAND]) ? ""
                           : f->land_from_cert              ? "certificate"
                                                            : "geometry";
        const char *cells[] = {f->industry, f->group, f->cls, f->reason, f->flags, f->parcel,
                               land};
        const char **row = s->cells + i * s->ntext;
        memcpy(row, cells, sizeof cells);
        for (size_t li = 0; li < e->nlevels && 7 + li < s->ntext; li++)
            row[7 + li] = lg_efficiency_firm_zone(e, i, li);
        if (lg_table_set_label(ctx, s->t, i, f->id, f->name) != LG_OK)
            return lg_ctx_errno(ctx);
        lg_table_set_geom(s->t, i, (GEOSGeometry *)lg_layer_geom(e->ent, e->firms[i].feature), 0);
        firm_row(e, s->t, i);
    }
    return LG_OK;
}

/* One parcel row: the firm holding the most land gives the class; score
 * is the land-weighted mean of the rated firms'. */
typedef struct pagg {
    double firms, land, tax, tax_land, wscore, wland, best_land;
    long best;     /* firm index */
    char list[32]; /* the firms' classes, "A,T" (cut when very many) */
} pagg;

static void parcel_add(pagg *a, const lg_eff_firm *f, size_t i)
{
    size_t len = strlen(a->list);
    if (len + strlen(f->cls) + 2 < sizeof a->list)
        snprintf(a->list + len, sizeof a->list - len, "%s%s", len ? "," : "", f->cls);
    double land = isfinite(f->input[LG_EFF_LAND]) ? f->input[LG_EFF_LAND] : 0;
    a->firms++;
    a->land += land;
    if (isfinite(f->input[LG_EFF_TAX]) && land > 0)
        a->tax += f->input[LG_EFF_TAX], a->tax_land += land;
    if (isfinite(f->score))
        a->wscore += f->score * land, a->wland += land;
    if (a->best < 0 || land > a->best_land)
        a->best = (long)i, a->best_land = land;
}

static lg_status parcel_sheet(lg_ctx *ctx, const lg_efficiency *e, sheet *s)
{
    static const char *const N[] = {"firms", "land_mu", "score", "tax", "tax_per_mu"};
    static const char *const U[] = {"count", "mu", "points", "万元", "万元/mu"};
    size_t np = lg_layer_size(e->par);
    pagg *a = lg_calloc(ctx, np ? np : 1, sizeof *a);
    s->view = s->t = lg_table_new(ctx, "parcels");
    s->ntext = 2;
    s->text_names[0] = "class";
    s->text_names[1] = "classes";
    if (!a || !s->t || add_cols(ctx, s->t, N, U, 5) != 0) {
        free(a);
        return LG_ERR_NOMEM;
    }
    for (size_t p = 0; p < np; p++)
        a[p].best = -1;
    size_t rows = 0;
    for (size_t i = 0; i < e->n; i++) {
        pagg *pa = e->firms[i].parcel >= 0 ? &a[e->firms[i].parcel] : NULL;
        rows += pa && pa->firms == 0;
        if (pa)
            parcel_add(pa, &e->firms[i].pub, i);
    }
    s->cells = lg_calloc(ctx, (rows ? rows : 1) * 2, sizeof *s->cells);
    s->own = lg_calloc(ctx, rows ? rows : 1, sizeof *s->own);
    lg_status st = s->cells && s->own ? lg_table_set_rows(ctx, s->t, rows) : LG_ERR_NOMEM;
    const pj_layer *pp = ef_layer(e->c, "parcels");
    int pk = lg_layer_field_index(e->par, pj_field(pp, "id"));
    size_t r = 0;
    for (size_t p = 0; st == LG_OK && p < np; p++) {
        if (!a[p].firms)
            continue;
        char buf[40];
        const char *id = pk >= 0 ? lg_layer_text(e->par, p, (size_t)pk) : NULL;
        double x;
        if (!id && pk >= 0 && lg_layer_number(e->par, p, (size_t)pk, &x))
            id = lg_number_text(buf, sizeof buf, x);
        st = lg_table_set_label(ctx, s->t, r, id ? id : "", id ? id : "");
        lg_table_set_geom(s->t, r, (GEOSGeometry *)lg_layer_geom(e->par, p), 0);
        double v[] = {a[p].firms, a[p].land, lg_ratio(a[p].wscore, a[p].wland), a[p].tax,
                      lg_ratio(a[p].tax, a[p].tax_land)};
        for (size_t c = 0; c < 5; c++)
            lg_table_set(s->t, r, c, v[c]);
        s->cells[2 * r] = e->firms[a[p].best].pub.cls;
        s->cells[2 * r + 1] = s->own[s->nown++] = strdup(a[p].list);
        r++;
    }
    free(a);
    return st;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static json_object *head_json(const lg_efficiency *e)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "config", lg_json_string(e->c->name));
    json_object_object_add(o, "year", e->c->year ? json_object_new_int(e->c->year) : NULL);
    json_object_object_add(o, "crs", lg_json_string(lg_efficiency_crs(e)));
    return o;
}

static json_object *summary_json(const lg_efficiency *e)
{
    const char *cls[EF_MAX_CLASSES + 2];
    size_t n = ef_class_names(e->c, cls, EF_MAX_CLASSES + 2);
    json_object *o = json_object_new_object();
    for (size_t k = 0; k < n; k++)
        json_object_object_add(o, cls[k],
                               json_object_new_int64((int64_t)lg_efficiency_class_count(e, cls[k])));
    return o;
}

typedef struct outset {
    char **names;
    size_t n;
} outset;

/* prefix + a + suffix, remembered as an output file. */
static const char *out_name(outset *o, const char *prefix, const char *a, const char *suffix)
{
    char **v = realloc(o->names, (o->n + 1) * sizeof *v);
    if (!v)
        return NULL;
    o->names = v;
    return (v[o->n] = lg_sprintf(NULL, "%s%s%s", prefix, a, suffix)) ? v[o->n++] : NULL;
}

static lg_status write_sheet(lg_ctx *ctx, const sheet *s, const char *tmp, const char *csv,
                             const char *json, const char *rows_key, json_object *head)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", tmp, csv);
    if (write_csv(s, path) != 0) {
        json_object_put(head);
        return lg_error(ctx, LG_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    }
    snprintf(path, sizeof path, "%s/%s", tmp, json);
    if (write_json(s, path, rows_key, head) != 0)
        return lg_error(ctx, LG_ERR_IO, "%s: cannot write", path);
    return LG_OK;
}

static lg_status write_gpkg(lg_ctx *ctx, const lg_efficiency *e, const sheet *firms,
                            const sheet *parcels, const char *path)
{
    gpkg_writer *gw = lg_gpkg_begin(ctx, path, lg_crs_wkt(e->crs));
    if (!gw)
        return lg_ctx_errno(ctx);
    int rc = 0;
    if (parcels->t)
        rc = lg_gpkg_write_table_text(gw, "parcels", parcels->t, 1, parcels->text_names,
                                      parcels->ntext, parcels->cells);
    if (!rc)
        rc = lg_gpkg_write_table_text(gw, "enterprises", firms->t, 1, firms->text_names,
                                      firms->ntext, firms->cells);
    for (size_t li = 0; !rc && li < e->nlevels; li++)
        rc = lg_gpkg_write_table(gw, lg_efficiency_level_name(e, li), e->ztab[li], 1);
    if (!rc) {
        char year[16];
        snprintf(year, sizeof year, "%d", e->c->year);
        const char *k[] = {"config", "year", "crs", "rank_by"};
        const char *v[] = {e->c->name, e->c->year ? year : "", lg_efficiency_crs(e),
                           lg_eff_measure_name(e->c->rank_by)};
        rc = lg_gpkg_write_kv(gw, "params", k, v, 4);
    }
    return lg_gpkg_end(gw, !rc, 1);
}

static lg_status write_all(lg_ctx *ctx, const lg_efficiency *e, const char *tmp, outset *o)
{
    sheet firms = {0}, parcels = {0};
    lg_status st = firm_sheet(ctx, e, &firms);
    if (st == LG_OK && e->par)
        st = parcel_sheet(ctx, e, &parcels);
    const char *csv = out_name(o, "", "enterprises", ".csv"), *js = out_name(o, "", "enterprises", ".json");
    if (st == LG_OK) {
        json_object *head = head_json(e);
        json_object_object_add(head, "summary", summary_json(e));
        st = csv && js ? write_sheet(ctx, &firms, tmp, csv, js, "enterprises", head) : LG_ERR_NOMEM;
    }
    for (size_t li = 0; st == LG_OK && li < e->nlevels; li++) {
        const char *lv = lg_efficiency_level_name(e, li);
        sheet z = {.view = e->ztab[li], .total = e->ttab[li]};
        csv = out_name(o, "zones_", lv, ".csv"), js = out_name(o, "zones_", lv, ".json");
        json_object *head = head_json(e);
        json_object_object_add(head, "level", lg_json_string(lv));
        json_object_object_add(head, "rank_by",
                               lg_json_string(lg_eff_measure_name(e->c->rank_by)));
        st = csv && js ? write_sheet(ctx, &z, tmp, csv, js, "zones", head) : LG_ERR_NOMEM;
    }
    const char *gp = out_name(o, "", "efficiency", ".gpkg");
    if (st == LG_OK) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", tmp, gp ? gp : "");
        st = gp ? write_gpkg(ctx, e, &firms, &parcels, path) : LG_ERR_NOMEM;
    }
    sheet_free(ctx, &firms);
    sheet_free(ctx, &parcels);
    return st;
}

lg_status lg_efficiency_write(lg_ctx *ctx, const lg_efficiency *e, const char *dir,
                              const char *const *options)
{
    (void)options;
    if (!e || !dir)
        return lg_error(ctx, LG_ERR_ARG, "no evaluation or output directory");
    char tmp[4096];
    lg_status s = lg_outdir_begin(ctx, dir, tmp, sizeof tmp);
    if (s != LG_OK)
        return s;
    outset o = {0};
    s = write_all(ctx, e, tmp, &o);
    if (s == LG_ERR_NOMEM && lg_ctx_errno(ctx) == LG_OK)
        lg_error(ctx, s, "out of memory");
    if (s == LG_OK)
        s = lg_outdir_commit(ctx, tmp, dir, (const char *const *)o.names, o.n);
    lg_outdir_cleanup(tmp, (const char *const *)o.names, o.n);
    for (size_t i = 0; i < o.n; i++)
        free(o.names[i]);
    free(o.names);
    return s;
}
