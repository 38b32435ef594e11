/* Writing an evaluation: indicators.csv, indicators.json, results.gpkg and
 * report.md, all into a private temporary directory inside the output
 * directory first, then renamed into place, so a failed run replaces no
 * file and leaves none half-written. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "eval_internal.h"
#include "gpkg_write.h"
#include "measure_internal.h"
#include "out_dir.h"

static const char *const OUT_FILES[] = {"indicators.csv", "indicators.json", "results.gpkg",
                                        "report.md"};

static const char *num(char *buf, size_t n, double v) { return lg_number_text(buf, n, v); }

static const char *status_zh(lg_target_status s)
{
    static const char *const N[] = {"达标", "未达标", "无数据", "不适用", "无目标"};
    return (unsigned)s <= LG_STATUS_NO_TARGET ? N[s] : "";
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */

static int write_csv(const lg_evaluation *ev, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    static const char *const H[] = {
        "level", "zone_id", "zone_name", "indicator", "title_zh", "title_en", "value", "unit",
        "target_id", "compare", "target", "target_min", "target_max", "status", "gap",
        "gap_rel_pct", "binding", "year", "baseline_year", "baseline", "reason", "variant",
        "source_document", "source_section", "source_text", "note"};
    fputs(LG_CSV_BOM, f);
    for (size_t i = 0; i < sizeof H / sizeof H[0]; i++)
        fprintf(f, "%s%s", i ? "," : "", H[i]);
    fputs("\r\n", f);
    char b[9][40];
    for (size_t i = 0; i < ev->nrows; i++) {
        const lg_eval_row *r = &ev->rows[i];
        const char *cells[] = {
            r->level, r->zone_id, r->zone_name, r->indicator, r->title_zh, r->title_en,
            num(b[0], 40, r->value), r->unit, r->target_id ? r->target_id : "",
            r->compare ? r->compare : "", num(b[1], 40, r->target), num(b[2], 40, r->target_min),
            num(b[3], 40, r->target_max), lg_target_status_name(r->status), num(b[4], 40, r->gap),
            num(b[5], 40, r->gap_rel * 100), r->target_id ? (r->binding ? "约束性" : "预期性") : "",
            r->year ? num(b[6], 40, r->year) : "",
            r->baseline_year ? num(b[7], 40, r->baseline_year) : "", num(b[8], 40, r->baseline),
            r->reason, r->variant, r->source_document, r->source_section, r->source_text,
            r->note};
        for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
            if (c)
                fputc(',', f);
            lg_csv_field(f, cells[c]);
        }
        fputs("\r\n", f);
    }
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

#define jnum lg_json_number
#define jstr lg_json_string

static json_object *row_json(const lg_eval_row *r)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "level", jstr(r->level));
    json_object_object_add(o, "zone_id", jstr(r->zone_id));
    json_object_object_add(o, "zone_name", jstr(r->zone_name));
    json_object_object_add(o, "indicator", jstr(r->indicator));
    json_object *title = json_object_new_object();
    json_object_object_add(title, "zh", jstr(r->title_zh));
    json_object_object_add(title, "en", jstr(r->title_en));
    json_object_object_add(o, "title", title);
    json_object_object_add(o, "value", jnum(r->value));
    json_object_object_add(o, "unit", jstr(r->unit));
    json_object_object_add(o, "status", jstr(lg_target_status_name(r->status)));
    json_object_object_add(o, "gap", jnum(r->gap));
    json_object_object_add(o, "gap_rel", jnum(r->gap_rel));
    json_object_object_add(o, "reason", jstr(r->reason));
    json_object_object_add(o, "variant", jstr(r->variant));
    json_object *t = NULL;
    if (r->target_id) {
        t = json_object_new_object();
        json_object_object_add(t, "id", jstr(r->target_id));
        json_object_object_add(t, "compare", jstr(r->compare));
        json_object_object_add(t, "value", jnum(r->target));
        json_object_object_add(t, "min", jnum(r->target_min));
        json_object_object_add(t, "max", jnum(r->target_max));
        json_object_object_add(t, "binding", json_object_new_boolean(r->binding));
        json_object_object_add(t, "year", r->year ? json_object_new_int(r->year) : NULL);
        json_object *bl = NULL;
        if (!isnan(r->baseline)) {
            bl = json_object_new_object();
            json_object_object_add(bl, "year", r->baseline_year ? json_object_new_int(r->baseline_year) : NULL);
            json_object_object_add(bl, "value", jnum(r->baseline));
        }
        json_object_object_add(t, "baseline", bl);
        json_object *src = json_object_new_object();
        json_object_object_add(src, "document", jstr(r->source_document));
        json_object_object_add(src, "section", jstr(r->source_section));
        json_object_object_add(src, "text", jstr(r->source_text));
        json_object_object_add(t, "source", src);
        json_object_object_add(t, "note", jstr(r->note));
    }
    json_object_object_add(o, "target", t);
    return o;
}

static void count_status(const lg_evaluation *ev, size_t n[5], size_t *binding_missed)
{
    memset(n, 0, 5 * sizeof *n);
    *binding_missed = 0;
    for (size_t i = 0; i < ev->nrows; i++) {
        n[ev->rows[i].status]++;
        *binding_missed += ev->rows[i].binding && ev->rows[i].status == LG_STATUS_NOT_MET;
    }
}

static int write_json(const lg_evaluation *ev, const char *path)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "project", jstr(lg_project_name(ev->p)));
    json_object_object_add(root, "crs", jstr(lg_evaluation_crs(ev)));
    size_t n[5], missed;
    count_status(ev, n, &missed);
    json_object *s = json_object_new_object();
    static const char *const K[] = {"met", "not_met", "no_data", "not_applicable", "no_target"};
    for (int i = 0; i < 5; i++)
        json_object_object_add(s, K[i], json_object_new_int64((int64_t)n[i]));
    json_object_object_add(s, "binding_not_met", json_object_new_int64((int64_t)missed));
    json_object_object_add(root, "summary", s);
    json_object *rows = json_object_new_array();
    for (size_t i = 0; i < ev->nrows; i++)
        json_object_array_add(rows, row_json(&ev->rows[i]));
    json_object_object_add(root, "rows", rows);
    int rc = json_object_to_file_ext(path, root,
                                     JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    json_object_put(root);
    return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* GeoPackage                                                          */

static int write_gpkg(lg_ctx *ctx, const lg_evaluation *ev, const char *path)
{
    const lg_project *p = ev->p;
    gpkg_writer *gw = lg_gpkg_begin(ctx, path, lg_crs_wkt(ev->crs));
    if (!gw)
        return -1;
    int rc = 0;
    size_t nl = p->nlevels;
    for (size_t li = 0; li < nl && !rc; li++) {
        const lg_zones *z = ev->zones[li];
        lg_table *t = lg_table_new(ctx, p->levels[li].name);
        rc = t ? 0 : -1;
        for (size_t ii = 0; ii < p->ninds && !rc; ii++)
            if (lg_table_add_column(ctx, t, p->inds[ii].id, ev->runs[ii * nl + li].unit
                                                                 ? ev->runs[ii * nl + li].unit
                                                                 : "") < 0)
                rc = -1;
        if (!rc && lg_table_set_rows(ctx, t, lg_zones_count(z)) != LG_OK)
            rc = -1;
        for (size_t zi = 0; !rc && zi < lg_zones_count(z); zi++) {
            lg_table_set_label(ctx, t, zi, lg_zones_id(z, zi), lg_zones_name(z, zi));
            lg_table_set_geom(t, zi, (GEOSGeometry *)lg_zones_geom(z, zi), 0);
            for (size_t ii = 0; ii < p->ninds; ii++) {
                const ev_run *run = &ev->runs[ii * nl + li];
                if (run->r && run->col >= 0)
                    lg_table_set(t, zi, ii,
                                 lg_table_value(lg_result_zones(run->r), zi, (size_t)run->col) *
                                     run->scale);
            }
        }
        if (!rc)
            rc = lg_gpkg_write_table(gw, p->levels[li].name, t, 1);
        lg_table_free(ctx, t);
    }
    /* detail layers: uncovered areas, sites … */
    for (size_t ii = 0; ii < p->ninds && !rc; ii++) {
        for (size_t li = 0; li < nl && !rc; li++) {
            const ev_run *run = &ev->runs[ii * nl + li];
            const lg_result *r = run->shared ? NULL : run->r; /* shared: written once */
            for (size_t d = 0; r && d < lg_result_detail_count(r) && !rc; d++) {
                const lg_table *dt = lg_result_detail(r, d);
                char name[256];
                snprintf(name, sizeof name, "%s_%s_%s", p->inds[ii].id, p->levels[li].name,
                         lg_table_name(dt));
                rc = lg_gpkg_write_table(gw, name, dt, 1);
            }
        }
    }
    /* how each indicator was measured */
    if (!rc) {
        size_t m = p->ninds + 2;
        const char **keys = calloc(m, sizeof *keys), **vals = calloc(m, sizeof *vals);
        if (keys && vals) {
            keys[0] = "project", vals[0] = lg_project_name(p);
            keys[1] = "crs", vals[1] = lg_evaluation_crs(ev);
            for (size_t ii = 0; ii < p->ninds; ii++) {
                keys[ii + 2] = p->inds[ii].id;
                vals[ii + 2] = nl ? ev->runs[ii * nl].variant : "";
            }
            rc = lg_gpkg_write_kv(gw, "params", keys, vals, m);
        } else {
            rc = -1;
        }
        free(keys);
        free(vals);
    }
    return lg_gpkg_end(gw, !rc, 1) == LG_OK ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* report.md                                                           */

static void md_cell(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

static void md_target(FILE *f, const lg_eval_row *r)
{
    char a[40], b[40];
    if (!r->compare)
        return;
    if (!strcmp(r->compare, "range"))
        fprintf(f, "%s–%s", lg_number_display(a, 40, r->target_min), lg_number_display(b, 40, r->target_max));
    else if (!strcmp(r->compare, "report"))
        fputs("—", f);
    else
        fprintf(f, "%s %s", !strcmp(r->compare, ">=") ? "≥" : !strcmp(r->compare, "<=") ? "≤"
                            : !strcmp(r->compare, "approx") ? "≈" : r->compare,
                lg_number_display(a, 40, r->target));
}

static void md_table(FILE *f, const lg_evaluation *ev, int binding)
{
    fputs("| 指标 Indicator | 区域 Zone | 现状值 Value | 目标 Target | 状态 Status | 差距 Gap | "
          "年份 Year | 来源 Source |\n|---|---|---|---|---|---|---|---|\n", f);
    char a[40], b[40];
    for (size_t i = 0; i < ev->nrows; i++) {
        const lg_eval_row *r = &ev->rows[i];
        if (!r->target_id || r->binding != binding)
            continue;
        fputs("| ", f);
        md_cell(f, r->title_zh);
        fputs(" ", f);
        md_cell(f, r->title_en);
        fputs(" | ", f);
        md_cell(f, strcmp(r->zone_id, "total") ? r->zone_name : "全域 whole area");
        fprintf(f, " (%s) | %s %s | ", r->level, lg_number_display(a, 40, r->value),
                r->unit);
        md_target(f, r);
        fprintf(f, " %s | **%s** %s", r->unit, status_zh(r->status),
                lg_target_status_name(r->status));
        if (*r->reason && (r->status == LG_STATUS_NO_DATA || r->status == LG_STATUS_NOT_APPLICABLE)) {
            fputs(": ", f);
            md_cell(f, r->reason);
        }
        fprintf(f, " | %s | %s | %s %s |\n", isnan(r->gap) ? "" : lg_number_display(b, 40, r->gap),
                r->year ? num(a, 40, r->year) : "", r->source_document, r->source_section);
    }
    fputc('\n', f);
}

static int write_report(const lg_evaluation *ev, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n[5], missed;
    count_status(ev, n, &missed);
    fprintf(f, "# 规划指标评估报告 Plan indicator evaluation\n\n");
    if (*lg_project_name(ev->p))
        fprintf(f, "项目 Project: **%s**  \n", lg_project_name(ev->p));
    fprintf(f, "坐标系 Working CRS: %s (lengths in metres, areas in m²)  \n",
            lg_evaluation_crs(ev));
    fprintf(f, "\n## 概要 Summary\n\n");
    fprintf(f, "- 达标 met: %zu\n- 未达标 not met: %zu (约束性 binding: %zu)\n"
               "- 无数据 no data: %zu\n- 不适用 not applicable: %zu\n\n",
            n[LG_STATUS_MET], n[LG_STATUS_NOT_MET], missed, n[LG_STATUS_NO_DATA],
            n[LG_STATUS_NOT_APPLICABLE]);
    fprintf(f, "## 约束性指标 Binding targets\n\n");
    md_table(f, ev, 1);
    fprintf(f, "## 预期性指标 Indicative targets\n\n");
    md_table(f, ev, 0);
    fprintf(f, "## 目标原文 Targets as written\n\n");
    const lg_project *p = ev->p;
    for (size_t i = 0; i < p->ntargets; i++) {
        const pj_target *t = &p->targets[i];
        fprintf(f, "- `%s` (%s %s): “", t->id, t->doc ? t->doc : "project",
                t->section ? t->section : "");
        md_cell(f, t->text ? t->text : "");
        fputs("”", f);
        if (t->note) {
            fputs(" — ", f);
            md_cell(f, t->note);
        }
        fputc('\n', f);
    }
    fprintf(f, "\n## 计算方法 How each indicator was measured\n\n");
    for (size_t ii = 0; ii < p->ninds; ii++) {
        const pj_indicator *ind = &p->inds[ii];
        const char *variant = p->nlevels ? ev->runs[ii * p->nlevels].variant : NULL;
        const char *reason = p->nlevels ? ev->runs[ii * p->nlevels].reason : NULL;
        fprintf(f, "- **%s** %s (`%s`): ", ind->title_zh ? ind->title_zh : ind->id,
                ind->title_en ? ind->title_en : "", ind->id);
        md_cell(f, variant && *variant ? variant : ind->kernel);
        if (reason && *reason) {
            fputs(" — 无数据 no data: ", f);
            md_cell(f, reason);
        }
        if (ind->note) {
            fputs(" — ", f);
            md_cell(f, ind->note);
        }
        fputc('\n', f);
    }
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}

/* ------------------------------------------------------------------ */

#define NOUT (sizeof OUT_FILES / sizeof OUT_FILES[0])

lg_status lg_evaluation_write(lg_ctx *ctx, const lg_evaluation *ev, const char *dir,
                              const char *const *options)
{
    if (!ev || !dir)
        return lg_error(ctx, LG_ERR_ARG, "no evaluation or output directory");
    int html = 0;
    for (size_t i = 0; options && options[i]; i++) {
        if (!lg_strcasecmp(options[i], "HTML=YES"))
            html = 1;
        else if (lg_strcasecmp(options[i], "HTML=NO"))
            return lg_error(ctx, LG_ERR_ARG, "evaluation output: unknown option %s", options[i]);
    }
    const char *names[NOUT + 1];
    memcpy(names, OUT_FILES, sizeof OUT_FILES);
    names[NOUT] = "report.html";
    size_t nout = NOUT + (html != 0);
    char tmp[4096];
    lg_status s = lg_outdir_begin(ctx, dir, tmp, sizeof tmp);
    if (s != LG_OK)
        return s;
    char path[4400];
    snprintf(path, sizeof path, "%s/indicators.csv", tmp);
    if (write_csv(ev, path) != 0)
        s = lg_error(ctx, LG_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/indicators.json", tmp);
    if (s == LG_OK && write_json(ev, path) != 0)
        s = lg_error(ctx, LG_ERR_IO, "%s: cannot write", path);
    snprintf(path, sizeof path, "%s/results.gpkg", tmp);
    if (s == LG_OK && write_gpkg(ctx, ev, path) != 0)
        s = lg_ctx_errno(ctx) != LG_OK ? lg_ctx_errno(ctx) : LG_ERR_IO;
    snprintf(path, sizeof path, "%s/report.md", tmp);
    if (s == LG_OK && write_report(ev, path) != 0)
        s = lg_error(ctx, LG_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/report.html", tmp);
    if (s == LG_OK && html && lg_eval_write_html(ctx, ev, path, tmp) != 0)
        s = lg_error(ctx, LG_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    if (s == LG_OK)
        s = lg_outdir_commit(ctx, tmp, dir, names, nout);
    lg_outdir_cleanup(tmp, names, nout);
    return s;
}
