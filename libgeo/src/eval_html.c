/* report.html: one self-contained page of an evaluation (inline CSS,
 * inline SVG; no script, no external reference, so it opens offline):
 * the summary, the targets table with met/not-met marks and the source of
 * every target, per indicator a bar chart of its zones against the target
 * line, and a map of it (lg_map's SVG, its ids prefixed so that several
 * maps live in one document). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval_internal.h"
#include "libgeo/lg_map.h"
#include "measure_internal.h"

#define MAX_MAPS 12

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static const char *mark(lg_target_status s)
{
    switch (s) {
    case LG_STATUS_MET: return "<span class=\"ok\">✔ 达标</span>";
    case LG_STATUS_NOT_MET: return "<span class=\"ko\">✘ 未达标</span>";
    case LG_STATUS_NO_DATA: return "<span class=\"na\">— 无数据</span>";
    case LG_STATUS_NOT_APPLICABLE: return "<span class=\"na\">— 不适用</span>";
    default: return "<span class=\"na\">无目标</span>";
    }
}

static const char CSS[] =
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;"
    "margin:24px auto;max-width:1180px;color:#1a1a1a;line-height:1.45}"
    "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;"
    "border-bottom:2px solid #ddd;padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}"
    ".meta{color:#666;font-size:13px}.summary span{display:inline-block;margin-right:18px}"
    "table{border-collapse:collapse;width:100%;font-size:13px}"
    "th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top}"
    "th{background:#f3f3f3;text-align:left}td.num{text-align:right;white-space:nowrap}"
    ".ok{color:#1a7f37;font-weight:bold}.ko{color:#c62828;font-weight:bold}.na{color:#777}"
    "tr.binding td:first-child{border-left:4px solid #c62828}"
    ".src{color:#555;font-size:12px}.fig{display:flex;flex-wrap:wrap;gap:16px}"
    ".fig>div{flex:1 1 520px}svg{max-width:100%;height:auto}"
    "@media print{body{margin:0}}";

/* Bars of the zones of one level against the target line. */
static void bar_chart(FILE *f, const char *title, const char *unit, const char *const *names,
                      const double *v, size_t n, double target, const char *cmp)
{
    double hi = 0, lo = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            hi = fmax(hi, v[i]), lo = fmin(lo, v[i]);
    if (isfinite(target))
        hi = fmax(hi, target), lo = fmin(lo, target);
    if (hi <= lo)
        hi = lo + 1;
    hi += (hi - lo) * 0.08;
    const double W = 600, H = 260, L = 56, R = 76, T = 24, B = 70;
    double bw = (W - L - R) / (double)(n ? n : 1);
    char b1[64], b2[64];
#define Y(x) (T + (H - T - B) * (1 - ((x) - lo) / (hi - lo)))
    fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
               "width=\"%.0f\" height=\"%.0f\" role=\"img\"><title>",
            W, H, W, H);
    esc(f, title);
    fprintf(f, "</title>\n<text x=\"%.0f\" y=\"14\" font-size=\"12\" fill=\"#555\">", L);
    esc(f, unit);
    fprintf(f, "</text>\n");
    /* round ticks: 1, 2 or 5 × 10^k apart */
    double raw = (hi - lo) / 5, p10 = pow(10, floor(log10(raw)));
    double step = raw <= p10         ? p10
                  : raw <= 2 * p10   ? 2 * p10
                  : raw <= 2.5 * p10 ? 2.5 * p10
                  : raw <= 5 * p10   ? 5 * p10
                                     : 10 * p10;
    int tdec = step >= 1 ? 0 : (int)ceil(-log10(step) + 0.3);
    int nt = (int)ceil((hi - lo) / step - 1e-9);
    hi = lo + step * nt;
    for (int k = 0; k <= nt; k++) {
        double x = lo + step * k;
        snprintf(b1, sizeof b1, "%.*f", tdec, x);
        fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                   "<text x=\"%.0f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" fill=\"#666\">%s</text>\n",
                L, W - R, Y(x), Y(x), L - 4, Y(x) + 3, b1);
    }
    for (size_t i = 0; i < n; i++) {
        double x = L + bw * (double)i + bw * 0.15, w = bw * 0.7;
        if (isfinite(v[i])) {
            int ok = !isfinite(target) || !cmp ? -1
                     : (!strcmp(cmp, ">=") || !strcmp(cmp, ">")) ? v[i] >= target
                     : (!strcmp(cmp, "<=") || !strcmp(cmp, "<")) ? v[i] <= target
                                                                  : -1;
            double y0 = Y(fmax(0, lo)), y1 = Y(v[i]);
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                       "<title>",
                    x, fmin(y0, y1), w, fabs(y0 - y1) < 0.5 ? 0.5 : fabs(y0 - y1),
                    ok == 1 ? "#5aae61" : ok == 0 ? "#e08214" : "#4393c3");
            esc(f, names[i]);
            fprintf(f, ": %s</title></rect>\n", lg_number_display(b1, sizeof b1, v[i]));
        }
        fprintf(f, "<text font-size=\"10\" fill=\"#333\" text-anchor=\"end\" "
                   "transform=\"translate(%.1f,%.0f) rotate(-40)\">",
                x + w / 2 + 3, H - B + 12);
        esc(f, names[i]);
        fprintf(f, "</text>\n");
    }
    if (isfinite(target)) {
        fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c62828\" "
                   "stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>"
                   "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" fill=\"#c62828\">"
                   "目标 %s %s</text>\n",
                L, W - R, Y(target), Y(target), W - R + 4, Y(target) + 4, cmp ? cmp : "",
                lg_number_display(b2, sizeof b2, target));
    }
    fprintf(f, "</svg>\n");
#undef Y
}

/* Copy an SVG file into the page without its XML prolog, every id (and
 * reference to one) prefixed with `prefix`. */
static int embed_svg(FILE *f, const char *path, const char *prefix)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return -1;
    fseek(in, 0, SEEK_END);
    long len = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *s = len > 0 ? malloc((size_t)len + 1) : NULL;
    if (!s || fread(s, 1, (size_t)len, in) != (size_t)len) {
        free(s);
        fclose(in);
        return -1;
    }
    fclose(in);
    s[len] = '\0';
    const char *p = strstr(s, "<svg");
    if (!p) {
        free(s);
        return -1;
    }
    static const char *const pat[] = {"id=\"", "href=\"#", "url(#"};
    while (*p) {
        int hit = -1;
        for (int k = 0; k < 3 && hit < 0; k++)
            if (!strncmp(p, pat[k], strlen(pat[k])))
                hit = k;
        if (hit >= 0) {
            fputs(pat[hit], f);
            fputs(prefix, f);
            p += strlen(pat[hit]);
        } else {
            fputc(*p++, f);
        }
    }
    free(s);
    return 0;
}

/* The map of indicator ii at level li as inline SVG (nothing when it
 * cannot be drawn: no values, a failure — the report goes on). */
static void indicator_map(lg_ctx *ctx, FILE *f, const lg_evaluation *ev, size_t ii, size_t li,
                          const char *tmpdir, int k)
{
    const lg_project *p = ev->p;
    const ev_run *run = &ev->runs[ii * p->nlevels + li];
    const lg_zones *z = ev->zones[li];
    if (!run->r || run->col < 0 || !z)
        return;
    size_t n = lg_zones_count(z);
    const lg_table *t = lg_result_zones(run->r);
    const GEOSGeometry **g = calloc(n ? n : 1, sizeof *g);
    double *v = calloc(n ? n : 1, sizeof *v);
    const char **names = calloc(n ? n : 1, sizeof *names);
    if (!g || !v || !names) {
        free(g), free(v), free(names);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        names[i] = lg_zones_name(z, i);
        g[i] = lg_zones_geom(z, i);
        v[i] = lg_table_value(t, i, (size_t)run->col) * run->scale;
    }
    const pj_indicator *ind = &p->inds[ii];
    lg_theme_spec spec = {.method = LG_CLASS_JENKS, .k = n > 12 ? 5 : 4,
                          .title = ind->title_zh ? ind->title_zh : ind->id, .unit = run->unit};
    char path[4400];
    snprintf(path, sizeof path, "%s/map%d.svg", tmpdir, k);
    lg_map *m = lg_map_new(ctx, 170, 120, 96);
    int ok = m && lg_map_set_title(ctx, m, spec.title, p->levels[li].name) == LG_OK &&
             lg_map_set_source(ctx, m, lg_project_name(p), NULL) == LG_OK &&
             lg_map_set_theme(ctx, m, g, v, NULL, n, &spec) == LG_OK;
    /* the zones' names as labels */
    ok = ok && lg_map_set_labels(ctx, m, names, n) == LG_OK;
    ok = ok && lg_map_render(ctx, m, path, LG_MAP_SVG) == LG_OK;
    lg_map_free(m);
    free(g);
    free(v);
    free(names);
    if (ok) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "m%d-", k);
        fprintf(f, "<div class=\"map\">");
        embed_svg(f, path, prefix);
        fprintf(f, "</div>\n");
    } else {
        lg_ctx_clear_error(ctx);
    }
    unlink(path);
}

int lg_eval_write_html(lg_ctx *ctx, const lg_evaluation *ev, const char *path,
                       const char *tmpdir)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    const lg_project *p = ev->p;
    size_t n[5] = {0}, missed = 0;
    for (size_t i = 0; i < ev->nrows; i++) {
        const lg_eval_row *r = &ev->rows[i];
        if ((unsigned)r->status <= LG_STATUS_NO_TARGET)
            n[r->status]++;
        missed += r->binding && r->status == LG_STATUS_NOT_MET;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>",
          f);
    esc(f, lg_project_name(p));
    fprintf(f, " — 规划指标评估</title><style>%s</style></head><body>\n<h1>", CSS);
    esc(f, lg_project_name(p));
    fputs(" 规划指标评估 Plan evaluation</h1>\n<p class=\"meta\">坐标系 CRS ", f);
    esc(f, lg_evaluation_crs(ev));
    fprintf(f, " · geoplan (libgeo %s)</p>\n<p class=\"summary\" id=\"summary\">"
               "<span class=\"ok\">✔ 达标 %zu</span><span class=\"ko\">✘ 未达标 %zu</span>"
               "<span>约束性未达标 %zu</span><span class=\"na\">无数据 %zu</span>"
               "<span class=\"na\">不适用 %zu</span></p>\n",
            lg_version(), n[LG_STATUS_MET], n[LG_STATUS_NOT_MET], missed, n[LG_STATUS_NO_DATA],
            n[LG_STATUS_NOT_APPLICABLE]);

    /* the targets table: every row with a target */
    fputs("<h2>目标达成 Targets</h2>\n<table id=\"targets\"><thead><tr><th>指标 Indicator</th>"
          "<th>层级 Level</th><th>区域 Zone</th><th>现状 Value</th><th>目标 Target</th>"
          "<th>单位 Unit</th><th>结果 Status</th><th>差距 Gap</th><th>来源 Source</th></tr>"
          "</thead><tbody>\n",
          f);
    for (size_t i = 0; i < ev->nrows; i++) {
        const lg_eval_row *r = &ev->rows[i];
        if (!r->target_id)
            continue;
        char b1[64], b2[64], b3[64];
        fprintf(f, "<tr class=\"target-row%s\" data-target=\"", r->binding ? " binding" : "");
        esc(f, r->target_id);
        fprintf(f, "\" data-status=\"%s\"><td>", lg_target_status_name(r->status));
        esc(f, r->title_zh ? r->title_zh : r->indicator);
        fprintf(f, "%s</td><td>", r->binding ? "<br><small class=\"ko\">约束性</small>" : "");
        esc(f, r->level);
        fputs("</td><td>", f);
        esc(f, r->zone_name && *r->zone_name ? r->zone_name : r->zone_id);
        fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">", lg_number_display(b1, sizeof b1, r->value));
        if (r->compare && !strcmp(r->compare, "range"))
            fprintf(f, "%s – %s", lg_number_display(b2, sizeof b2, r->target_min),
                    lg_number_display(b3, sizeof b3, r->target_max));
        else {
            esc(f, r->compare ? r->compare : "");
            fprintf(f, " %s", lg_number_display(b2, sizeof b2, r->target));
        }
        fputs("</td><td>", f);
        esc(f, r->unit);
        fprintf(f, "</td><td>%s", mark(r->status));
        if (r->reason && *r->reason) {
            fputs("<br><small class=\"na\">", f);
            esc(f, r->reason);
            fputs("</small>", f);
        }
        fprintf(f, "</td><td class=\"num\">%s</td><td class=\"src\">", lg_number_display(b3, sizeof b3, r->gap));
        esc(f, r->source_document);
        if (r->source_section && *r->source_section) {
            fputs(" § ", f);
            esc(f, r->source_section);
        }
        if (r->source_text && *r->source_text) {
            fputs("<br>“", f);
            esc(f, r->source_text);
            fputs("”", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);

    /* per indicator: bars of the finest level's zones against the target, and its map */
    fputs("<h2>分区图表 By zone</h2>\n", f);
    int maps = 0;
    size_t nl = p->nlevels;
    for (size_t ii = 0; ii < p->ninds && nl; ii++) {
        size_t li = nl - 1;
        const ev_run *run = &ev->runs[ii * nl + li];
        const lg_zones *z = ev->zones[li];
        if (!run->r || run->col < 0 || !z || lg_zones_count(z) < 2)
            continue;
        size_t nz = lg_zones_count(z);
        const lg_table *t = lg_result_zones(run->r);
        double *v = calloc(nz, sizeof *v);
        const char **names = calloc(nz, sizeof *names);
        if (!v || !names) {
            free(v), free(names);
            continue;
        }
        for (size_t zi = 0; zi < nz; zi++) {
            v[zi] = lg_table_value(t, zi, (size_t)run->col) * run->scale;
            names[zi] = lg_zones_name(z, zi) ? lg_zones_name(z, zi) : lg_zones_id(z, zi);
        }
        /* the target of this indicator at this level (zone rows) */
        double target = NAN;
        const char *cmp = NULL;
        for (size_t i = 0; i < ev->nrows && !isfinite(target); i++) {
            const lg_eval_row *r = &ev->rows[i];
            if (r->target_id && !strcmp(r->indicator, p->inds[ii].id) &&
                !strcmp(r->level, p->levels[li].name) && r->compare &&
                strcmp(r->compare, "range") && isfinite(r->target)) {
                target = r->target;
                cmp = r->compare;
            }
        }
        const pj_indicator *ind = &p->inds[ii];
        fprintf(f, "<section class=\"indicator\" id=\"ind-");
        esc(f, ind->id);
        fputs("\"><h3>", f);
        esc(f, ind->title_zh ? ind->title_zh : ind->id);
        fputs(" <small class=\"na\">", f);
        esc(f, ind->title_en ? ind->title_en : "");
        fputs("</small></h3><div class=\"fig\"><div>", f);
        bar_chart(f, ind->title_zh ? ind->title_zh : ind->id, run->unit ? run->unit : "", names,
                  v, nz, target, cmp);
        fputs("</div><div>", f);
        if (maps < MAX_MAPS && tmpdir)
            indicator_map(ctx, f, ev, ii, li, tmpdir, maps++);
        fputs("</div></div></section>\n", f);
        free(v);
        free(names);
    }
    fputs("<p class=\"meta\">本页自包含，可离线打开 · self-contained, opens offline</p>\n"
          "</body></html>\n",
          f);
    int bad = ferror(f);
    return (fclose(f) != 0 || bad) ? -1 : 0;
}
