/* Indicator results out: text table, CSV, JSON and GeoPackage. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "output.h"

/* ------------------------------------------------------------------ */
/* Numbers                                                             */

const char *output_number_exact(char *buf, size_t n, double v)
{
    return lg_number_text(buf, n, v);
}

/* About six significant digits, no exponent for everyday magnitudes,
 * trailing zeros dropped; "-" for no value. */
const char *output_number_short(char *buf, size_t n, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "-" : (v > 0 ? "inf" : "-inf"));
        return buf;
    }
    double a = fabs(v);
    if (a == 0) {
        snprintf(buf, n, "0");
        return buf;
    }
    if (a >= 1e15 || a < 1e-4) {
        snprintf(buf, n, "%.6g", v);
        return buf;
    }
    int digits = (int)floor(log10(a)) + 1;
    int dec = 6 - digits;
    if (dec < 0)
        dec = 0;
    snprintf(buf, n, "%.*f", dec, v);
    if (strchr(buf, '.')) {
        size_t len = strlen(buf);
        while (len && buf[len - 1] == '0')
            buf[--len] = '\0';
        if (len && buf[len - 1] == '.')
            buf[--len] = '\0';
    }
    if (!strcmp(buf, "-0"))
        snprintf(buf, n, "0");
    return buf;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

static json_object *json_number(double v)
{
    char buf[40];
    if (!isfinite(v))
        return NULL; /* null: RFC 8259 has no NaN */
    return json_object_new_double_s(v, output_number_exact(buf, sizeof buf, v));
}

static json_object *json_row(const lg_table *t, size_t row)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(lg_table_row_id(t, row)));
    json_object_object_add(o, "name", json_object_new_string(lg_table_row_name(t, row)));
    for (size_t c = 0; c < lg_table_columns(t); c++)
        json_object_object_add(o, lg_table_column_name(t, c), json_number(lg_table_value(t, row, c)));
    return o;
}

static json_object *json_rows(const lg_table *t)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; t && i < lg_table_rows(t); i++)
        json_object_array_add(a, json_row(t, i));
    return a;
}

static json_object *json_columns(const lg_table *t)
{
    json_object *a = json_object_new_array();
    for (size_t c = 0; t && c < lg_table_columns(t); c++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(lg_table_column_name(t, c)));
        json_object_object_add(o, "unit", json_object_new_string(lg_table_column_unit(t, c)));
        json_object_array_add(a, o);
    }
    return a;
}

json_object *output_result_json(const lg_result *r)
{
    const lg_table *zt = lg_result_zones(r), *tt = lg_result_total(r);
    json_object *root = json_object_new_object();
    json_object_object_add(root, "kernel", json_object_new_string(lg_result_kernel(r)));
    json_object_object_add(root, "unit", json_object_new_string(lg_result_unit(r)));
    json_object_object_add(root, "crs", json_object_new_string(lg_result_crs(r)));
    json_object_object_add(root, "columns", json_columns(zt));
    json_object_object_add(root, "zones", json_rows(zt));
    json_object_object_add(root, "total",
                           tt && lg_table_rows(tt) ? json_row(tt, 0) : json_object_new_object());
    json_object *params = json_object_new_object();
    for (size_t i = 0; i < lg_result_param_count(r); i++)
        json_object_object_add(params, lg_result_param_key(r, i),
                               json_object_new_string(lg_result_param_value(r, i)));
    json_object_object_add(root, "params", params);
    json_object *warnings = json_object_new_array();
    for (size_t i = 0; i < lg_result_warning_count(r); i++)
        json_object_array_add(warnings, json_object_new_string(lg_result_warning(r, i)));
    json_object_object_add(root, "warnings", warnings);
    if (lg_result_detail_count(r)) {
        json_object *details = json_object_new_object();
        for (size_t i = 0; i < lg_result_detail_count(r); i++) {
            const lg_table *d = lg_result_detail(r, i);
            json_object_object_add(details, lg_table_name(d), json_rows(d));
        }
        json_object_object_add(root, "details", details);
    }
    return root;
}

/* ------------------------------------------------------------------ */
/* CSV (RFC 4180, UTF-8 with a byte-order mark for Excel)              */

static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void csv_row(FILE *out, const lg_table *t, size_t row)
{
    char buf[40];
    csv_field(out, lg_table_row_id(t, row));
    fputc(',', out);
    csv_field(out, lg_table_row_name(t, row));
    for (size_t c = 0; c < lg_table_columns(t); c++) {
        fputc(',', out);
        fputs(output_number_exact(buf, sizeof buf, lg_table_value(t, row, c)), out);
    }
    fputs("\r\n", out);
}

static void print_csv(FILE *out, const lg_result *r)
{
    const lg_table *zt = lg_result_zones(r), *tt = lg_result_total(r);
    fputs("\xEF\xBB\xBF", out);
    fputs("id,name", out);
    char label[512];
    for (size_t c = 0; c < lg_table_columns(zt); c++) {
        lg_table_column_label(zt, c, label, sizeof label);
        fputc(',', out);
        csv_field(out, label);
    }
    fputs("\r\n", out);
    for (size_t i = 0; i < lg_table_rows(zt); i++)
        csv_row(out, zt, i);
    if (tt && lg_table_rows(tt))
        csv_row(out, tt, 0);
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

/* Columns a terminal gives a UTF-8 string: East Asian wide characters
 * (CJK, Hangul, full-width forms) take two, combining marks none. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int len;
        if (*p < 0x80)
            cp = *p, len = 1;
        else if ((*p & 0xE0) == 0xC0)
            cp = *p & 0x1F, len = 2;
        else if ((*p & 0xF0) == 0xE0)
            cp = *p & 0x0F, len = 3;
        else if ((*p & 0xF8) == 0xF0)
            cp = *p & 0x07, len = 4;
        else {
            p++, w++;
            continue;
        }
        int k = 1;
        for (; k < len && (p[k] & 0xC0) == 0x80; k++)
            cp = (cp << 6) | (p[k] & 0x3F);
        p += k;
        if (k < len) {
            w++;
            continue;
        }
        if ((cp >= 0x300 && cp <= 0x36F) || cp == 0x200B || (cp >= 0xFE00 && cp <= 0xFE0F))
            continue;
        if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
            (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
            (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
            (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
            (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
            (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD))
            w += 2;
        else
            w += 1;
    }
    return w;
}

static void pad(FILE *out, size_t n)
{
    while (n--)
        fputc(' ', out);
}

static void cell(FILE *out, const char *s, size_t width, int right)
{
    size_t w = display_width(s);
    if (right)
        pad(out, width > w ? width - w : 0);
    fputs(s, out);
    if (!right)
        pad(out, width > w ? width - w : 0);
}

/* One aligned table: header, the rows of `t`, then (if given) the row of
 * `total` after a rule; with `extra_name`, a last text column holding
 * extra[row] for the rows of t. */
static void print_table_extra(FILE *out, const lg_table *t, const lg_table *total,
                              const char *extra_name, const char *const *extra)
{
    size_t nc = lg_table_columns(t), nr = lg_table_rows(t);
    size_t ntot = total && lg_table_rows(total) ? 1 : 0;
    size_t *w = calloc(nc + 3, sizeof *w);
    if (!w)
        return;
    char buf[512];
    w[0] = display_width("id");
    w[1] = display_width("name");
    for (size_t c = 0; c < nc; c++) {
        lg_table_column_label(t, c, buf, sizeof buf);
        w[c + 2] = display_width(buf);
    }
    for (size_t i = 0; i < nr + ntot; i++) {
        const lg_table *s = i < nr ? t : total;
        size_t row = i < nr ? i : 0;
        size_t a = display_width(lg_table_row_id(s, row));
        size_t b = i < nr ? display_width(lg_table_row_name(s, row)) : 0;
        if (a > w[0])
            w[0] = a;
        if (b > w[1])
            w[1] = b;
        for (size_t c = 0; c < nc && c < lg_table_columns(s); c++) {
            size_t x = display_width(output_number_short(buf, sizeof buf, lg_table_value(s, row, c)));
            if (x > w[c + 2])
                w[c + 2] = x;
        }
        if (extra_name && i < nr && display_width(extra[i]) > w[nc + 2])
            w[nc + 2] = display_width(extra[i]);
    }
    if (extra_name && display_width(extra_name) > w[nc + 2])
        w[nc + 2] = display_width(extra_name);
    size_t rule = 0;
    cell(out, "id", w[0], 0);
    fputs("  ", out);
    cell(out, "name", w[1], 0);
    rule = w[0] + 2 + w[1];
    for (size_t c = 0; c < nc; c++) {
        lg_table_column_label(t, c, buf, sizeof buf);
        fputs("  ", out);
        cell(out, buf, w[c + 2], 1);
        rule += 2 + w[c + 2];
    }
    if (extra_name) {
        fputs("  ", out);
        cell(out, extra_name, w[nc + 2], 0);
    }
    fputc('\n', out);
    for (size_t i = 0; i < nr + ntot; i++) {
        const lg_table *s = i < nr ? t : total;
        size_t row = i < nr ? i : 0;
        if (i == nr) {
            for (size_t k = 0; k < rule; k++)
                fputc('-', out);
            fputc('\n', out);
        }
        cell(out, lg_table_row_id(s, row), w[0], 0);
        fputs("  ", out);
        cell(out, i < nr ? lg_table_row_name(s, row) : "", w[1], 0);
        for (size_t c = 0; c < nc; c++) {
            fputs("  ", out);
            cell(out,
                 c < lg_table_columns(s) ? output_number_short(buf, sizeof buf, lg_table_value(s, row, c))
                                         : "",
                 w[c + 2], 1);
        }
        if (extra_name && i < nr) {
            fputs("  ", out);
            fputs(extra[i], out);
        }
        fputc('\n', out);
    }
    free(w);
}

static void print_table(FILE *out, const lg_table *t, const lg_table *total)
{
    print_table_extra(out, t, total, NULL, NULL);
}

void output_table_text(FILE *out, const lg_table *t, const char *extra_name,
                       const char *const *extra)
{
    print_table_extra(out, t, NULL, extra_name, extra);
}

void output_table_csv(FILE *out, const lg_table *t, const char *extra_name,
                      const char *const *extra)
{
    char label[512], buf[40];
    fputs("\xEF\xBB\xBFid,name", out);
    for (size_t c = 0; c < lg_table_columns(t); c++) {
        lg_table_column_label(t, c, label, sizeof label);
        fputc(',', out);
        csv_field(out, label);
    }
    if (extra_name) {
        fputc(',', out);
        csv_field(out, extra_name);
    }
    fputs("\r\n", out);
    for (size_t i = 0; i < lg_table_rows(t); i++) {
        csv_field(out, lg_table_row_id(t, i));
        fputc(',', out);
        csv_field(out, lg_table_row_name(t, i));
        for (size_t c = 0; c < lg_table_columns(t); c++) {
            fputc(',', out);
            fputs(output_number_exact(buf, sizeof buf, lg_table_value(t, i, c)), out);
        }
        if (extra_name) {
            fputc(',', out);
            csv_field(out, extra[i]);
        }
        fputs("\r\n", out);
    }
}

static void print_text(FILE *out, const lg_result *r)
{
    const lg_table *zt = lg_result_zones(r);
    fprintf(out, "%s (%s), %zu zone%s, working CRS %s\n\n", lg_result_kernel(r),
            lg_result_unit(r), lg_table_rows(zt), lg_table_rows(zt) == 1 ? "" : "s",
            lg_result_crs(r));
    print_table(out, zt, lg_result_total(r));
    for (size_t i = 0; i < lg_result_detail_count(r); i++) {
        const lg_table *d = lg_result_detail(r, i);
        fprintf(out, "\n%s: %zu row%s\n", lg_table_name(d), lg_table_rows(d),
                lg_table_rows(d) == 1 ? "" : "s");
        if (lg_table_rows(d))
            print_table(out, d, NULL);
    }
    if (lg_result_param_count(r)) {
        fprintf(out, "\nparameters:\n");
        for (size_t i = 0; i < lg_result_param_count(r); i++)
            fprintf(out, "  %s = %s\n", lg_result_param_key(r, i), lg_result_param_value(r, i));
    }
    if (lg_result_warning_count(r)) {
        fprintf(out, "\nwarnings:\n");
        for (size_t i = 0; i < lg_result_warning_count(r); i++)
            fprintf(out, "  %s\n", lg_result_warning(r, i));
    }
}

int output_result(FILE *out, const lg_result *r, out_format fmt)
{
    if (fmt == FORMAT_JSON) {
        json_object *j = output_result_json(r);
        if (!j)
            return -1;
        fprintf(out, "%s\n",
                json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
                                                      JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(j);
    } else if (fmt == FORMAT_CSV) {
        print_csv(out, r);
    } else {
        print_text(out, r);
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* GeoPackage                                                          */

/* The temporary file being written, removed if the run is interrupted. */
static char g_tmp_path[4096];

static void on_signal(int sig)
{
    if (g_tmp_path[0])
        unlink(g_tmp_path); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

int output_write_gpkg(lg_ctx *ctx, const lg_result *r, const char *crs_wkt, const char *path,
                      char *err, size_t errlen)
{
    if (lg_output_tmp_path(path, g_tmp_path, sizeof g_tmp_path) != 0)
        g_tmp_path[0] = '\0';
    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    lg_status st = lg_result_write_gpkg(ctx, r, crs_wkt, path);
    if (st != LG_OK)
        snprintf(err, errlen, "%s", lg_ctx_errmsg(ctx));
    g_tmp_path[0] = '\0';
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    return st == LG_OK ? 0 : -1;
}
