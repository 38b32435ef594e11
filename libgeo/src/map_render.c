/* Thematic maps with cairo and pango: the theme (classed fills or
 * graduated outlines), overlays, labels placed greedily, the legend, a
 * scale bar, a north arrow, title, source and date.  Layout is in
 * millimetres: cairo's user space is scaled to mm and pango's resolution
 * set to 25.4 so that font sizes stay in points. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "libgeo/lg_map.h"
#include "lg_internal.h"
#include "map_style.h"

#define MAP_FONT "Noto Sans CJK SC"
#define MAX_CLASSES 64

typedef struct feat {
    const GEOSGeometry *g;
    double v;
    char *text;  /* categorical value */
    char *label; /* label text, or NULL */
    int cls;     /* -1: no data */
} feat;

typedef struct overlay {
    const lg_layer *L;
    lg_overlay_style style;
    int label_field;
    char *legend;
} overlay;

struct lg_map {
    double w_mm, h_mm, dpi;
    char *title, *subtitle, *source, *date;
    int has_theme;
    lg_class_method method;
    lg_map_palette palette;
    lg_theme_style style;
    char *legend_title, *unit;
    feat *f;
    size_t n;
    int ncls;
    double lo[MAX_CLASSES], hi[MAX_CLASSES];
    double rgb[MAX_CLASSES][3];
    char *cls_label[MAX_CLASSES];
    char *cls_value[MAX_CLASSES]; /* categorical: the value */
    size_t cls_count[MAX_CLASSES];
    size_t nodata;
    overlay *ov;
    size_t nov;
    size_t placed, skipped;
};

/* ------------------------------------------------------------------ */
/* Colours                                                             */

static const char *const RAMPS[][9] = {
    {"ffffd9", "edf8b1", "c7e9b4", "7fcdbb", "41b6c4", "1d91c0", "225ea8", "253494", "081d58"},
    {"ffffcc", "ffeda0", "fed976", "feb24c", "fd8d3c", "fc4e2a", "e31a1c", "bd0026", "800026"},
    {"f7fcf5", "e5f5e0", "c7e9c0", "a1d99b", "74c476", "41ab5d", "238b45", "006d2c", "00441b"},
    {"f7fbff", "deebf7", "c6dbef", "9ecae1", "6baed6", "4292c6", "2171b5", "08519c", "08306b"},
    {"fff5f0", "fee0d2", "fcbba1", "fc9272", "fb6a4a", "ef3b2c", "cb181d", "a50f15", "67000d"},
};
static const char *const PALETTE_NAMES[] = {"YlGnBu", "YlOrRd", "Greens", "Blues", "Reds"};

/* Colours for the categories people know: efficiency classes and
 * screening verdicts; others get a qualitative set (ColorBrewer Set2). */
static const struct {
    const char *value, *hex;
} KNOWN[] = {
    {"A", "1a9641"}, {"B", "a6d96a"}, {"C", "fdae61"}, {"D", "d7191c"}, {"T", "bababa"},
    {"N", "eeeeee"}, {"通过", "a6d96a"}, {"冲突", "d7191c"}, {"met", "1a9641"},
    {"not met", "d7191c"}, {"no data", "eeeeee"},
};
static const char *const QUAL[] = {"66c2a5", "fc8d62", "8da0cb", "e78ac3",
                                   "a6d854", "ffd92f", "e5c494", "b3b3b3"};

static void hex_rgb(const char *hex, double rgb[3])
{
    unsigned v = (unsigned)strtoul(hex, NULL, 16);
    rgb[0] = ((v >> 16) & 255) / 255.0;
    rgb[1] = ((v >> 8) & 255) / 255.0;
    rgb[2] = (v & 255) / 255.0;
}

int lg_map_palette_parse(const char *text, lg_map_palette *out)
{
    for (int i = 0; text && i < 5; i++)
        if (!lg_strcasecmp(text, PALETTE_NAMES[i])) {
            *out = (lg_map_palette)i;
            return 1;
        }
    return 0;
}

static const char *const OVERLAY_NAMES[] = {"boundary", "roads", "control", "hatch", "points"};

int lg_overlay_style_parse(const char *text, lg_overlay_style *out)
{
    for (int i = 0; text && i < 5; i++)
        if (!lg_strcasecmp(text, OVERLAY_NAMES[i])) {
            *out = (lg_overlay_style)i;
            return 1;
        }
    return 0;
}

int lg_map_format_from_path(const char *path, lg_map_format *out)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot)
        return 0;
    if (!lg_strcasecmp(dot, ".png"))
        *out = LG_MAP_PNG;
    else if (!lg_strcasecmp(dot, ".svg"))
        *out = LG_MAP_SVG;
    else if (!lg_strcasecmp(dot, ".pdf"))
        *out = LG_MAP_PDF;
    else
        return 0;
    return 1;
}

/* ------------------------------------------------------------------ */
/* The map object                                                      */

lg_map *lg_map_new(lg_ctx *ctx, double width_mm, double height_mm, double dpi)
{
    if (!(width_mm >= 40 && width_mm <= 2000 && height_mm >= 40 && height_mm <= 2000)) {
        lg_error(ctx, LG_ERR_ARG, "map: width and height must be 40–2000 mm, not %g × %g",
                 width_mm, height_mm);
        return NULL;
    }
    if (!(dpi >= 72 && dpi <= 1200)) {
        lg_error(ctx, LG_ERR_ARG, "map: dpi must be 72–1200, not %g", dpi);
        return NULL;
    }
    lg_map *m = lg_calloc(ctx, 1, sizeof *m);
    if (!m)
        return NULL;
    m->w_mm = width_mm;
    m->h_mm = height_mm;
    m->dpi = dpi;
    return m;
}

static void clear_theme(lg_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->f[i].text);
        free(m->f[i].label);
    }
    free(m->f);
    m->f = NULL;
    m->n = 0;
    for (int j = 0; j < m->ncls; j++) {
        free(m->cls_label[j]);
        free(m->cls_value[j]);
        m->cls_label[j] = m->cls_value[j] = NULL;
    }
    m->ncls = 0;
    m->nodata = 0;
    free(m->legend_title);
    free(m->unit);
    m->legend_title = m->unit = NULL;
    m->has_theme = 0;
}

lg_map *lg_map_free(lg_map *m)
{
    if (!m)
        return NULL;
    clear_theme(m);
    for (size_t i = 0; i < m->nov; i++)
        free(m->ov[i].legend);
    free(m->ov);
    free(m->title);
    free(m->subtitle);
    free(m->source);
    free(m->date);
    free(m);
    return NULL;
}

static lg_status set_str(lg_ctx *ctx, char **dst, const char *s)
{
    char *c = NULL;
    if (s && !(c = lg_strdup(ctx, s)))
        return LG_ERR_NOMEM;
    free(*dst);
    *dst = c;
    return LG_OK;
}

lg_status lg_map_set_title(lg_ctx *ctx, lg_map *m, const char *title, const char *subtitle)
{
    lg_status st = set_str(ctx, &m->title, title);
    return st ? st : set_str(ctx, &m->subtitle, subtitle);
}

lg_status lg_map_set_source(lg_ctx *ctx, lg_map *m, const char *source, const char *date)
{
    lg_status st = set_str(ctx, &m->source, source);
    return st ? st : set_str(ctx, &m->date, date);
}

/* Decimals that tell the bounds apart: from the smallest gap. */
static int bound_decimals(const double *b, int n)
{
    double step = INFINITY;
    for (int j = 0; j + 1 < n; j++)
        if (isfinite(b[j]) && isfinite(b[j + 1]) && b[j + 1] > b[j] && b[j + 1] - b[j] < step)
            step = b[j + 1] - b[j];
    int whole = 1;
    for (int j = 0; j < n; j++)
        whole &= !isfinite(b[j]) || b[j] == floor(b[j]);
    if (!isfinite(step) || step >= 10 || whole)
        return 0;
    int d = (int)ceil(-log10(step)) + 1;
    return d < 1 ? 1 : d > 4 ? 4 : d;
}

static char *fmt_bound(lg_ctx *ctx, double v, int dec)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", dec, v);
    if (!strcmp(buf, "-0") || !strncmp(buf, "-0.", 3)) {
        int zero = 1;
        for (const char *p = buf + 1; *p; p++)
            zero &= *p == '0' || *p == '.';
        if (zero)
            memmove(buf, buf + 1, strlen(buf));
    }
    return lg_strdup(ctx, buf);
}

void lg_map_ramp_rgb(lg_map_palette palette, int k, int j, double rgb[3])
{
    /* few classes stop short of the darkest shade, as ColorBrewer's own
     * 3–5 class schemes do */
    int idx = k == 1   ? 4
              : k <= 5 ? 1 + (int)lround(j * 6.0 / (k - 1))
              : k <= 8 ? 1 + (int)lround(j * 7.0 / (k - 1))
                       : (int)lround(j * 8.0 / (k - 1));
    hex_rgb(RAMPS[(unsigned)palette < 5 ? palette : 0][idx < 0 ? 0 : idx > 8 ? 8 : idx], rgb);
}

void lg_map_category_rgb(const char *value, const char *label, int q, double rgb[3])
{
    const char *hex = NULL;
    for (size_t k = 0; k < sizeof KNOWN / sizeof KNOWN[0] && !hex; k++)
        if ((label && !strcmp(KNOWN[k].value, label)) || (value && !strcmp(KNOWN[k].value, value)))
            hex = KNOWN[k].hex;
    hex_rgb(hex ? hex : QUAL[q % 8], rgb);
}

static void ramp_colours(lg_map *m)
{
    for (int j = 0; j < m->ncls; j++)
        lg_map_ramp_rgb(m->palette, m->ncls, j, m->rgb[j]);
}

static lg_status numeric_classes(lg_ctx *ctx, lg_map *m, const double *values,
                                 const lg_theme_spec *spec)
{
    double b[MAX_CLASSES + 1];
    int k = 0;
    if (spec->method == LG_CLASS_BREAKS) {
        if (!spec->breaks || spec->nbreaks < 1 || spec->nbreaks + 1 > MAX_CLASSES)
            return lg_error(ctx, LG_ERR_ARG, "map: breaks: 1 to %d interior bounds",
                            MAX_CLASSES - 1);
        b[0] = -INFINITY;
        for (size_t j = 0; j < spec->nbreaks; j++) {
            if (!isfinite(spec->breaks[j]) || (j && spec->breaks[j] <= spec->breaks[j - 1]))
                return lg_error(ctx, LG_ERR_ARG,
                                "map: breaks must be finite and increasing (bound %zu)", j + 1);
            b[j + 1] = spec->breaks[j];
        }
        k = (int)spec->nbreaks + 1;
        b[k] = INFINITY;
    } else {
        lg_status st = lg_class_bounds(ctx, spec->method, values, m->n, spec->k, b, &k);
        if (st != LG_OK)
            return st;
    }
    m->ncls = k;
    int dec = bound_decimals(b, k + 1);
    for (int j = 0; j < k; j++) {
        m->lo[j] = b[j];
        m->hi[j] = b[j + 1];
        char *lo = fmt_bound(ctx, b[j], dec), *hi = fmt_bound(ctx, b[j + 1], dec);
        if (!lo || !hi) {
            free(lo), free(hi);
            return LG_ERR_NOMEM;
        }
        if (!isfinite(b[j]))
            m->cls_label[j] = lg_sprintf(ctx, "≤ %s", hi);
        else if (!isfinite(b[j + 1]))
            m->cls_label[j] = lg_sprintf(ctx, "> %s", lo);
        else if (!strcmp(lo, hi))
            m->cls_label[j] = lg_sprintf(ctx, "%s", lo);
        else
            m->cls_label[j] = lg_sprintf(ctx, "%s – %s", lo, hi);
        free(lo), free(hi);
        if (!m->cls_label[j])
            return LG_ERR_NOMEM;
    }
    for (size_t i = 0; i < m->n; i++) {
        feat *f = &m->f[i];
        f->cls = lg_class_of(b, k, f->v);
        if (f->cls < 0)
            m->nodata++;
        else
            m->cls_count[f->cls]++;
    }
    ramp_colours(m);
    return LG_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static lg_status categorical_classes(lg_ctx *ctx, lg_map *m, const lg_theme_spec *spec)
{
    /* the listed categories first, in order */
    for (size_t c = 0; spec->categories && c < spec->ncategories; c++) {
        if (m->ncls == MAX_CLASSES)
            return lg_error(ctx, LG_ERR_ARG, "map: more than %d categories", MAX_CLASSES);
        const char *s = spec->categories[c], *eq = strchr(s, '=');
        int j = m->ncls++;
        m->cls_value[j] = eq ? lg_sprintf(ctx, "%.*s", (int)(eq - s), s) : lg_strdup(ctx, s);
        m->cls_label[j] = lg_strdup(ctx, eq ? eq + 1 : s);
        if (!m->cls_value[j] || !m->cls_label[j])
            return LG_ERR_NOMEM;
    }
    /* then the other values found, sorted */
    char **extra = lg_calloc(ctx, m->n ? m->n : 1, sizeof *extra);
    if (!extra)
        return LG_ERR_NOMEM;
    size_t ne = 0;
    for (size_t i = 0; i < m->n; i++) {
        const char *t = m->f[i].text;
        if (!t)
            continue;
        int known = 0;
        for (int j = 0; j < m->ncls && !known; j++)
            known = !strcmp(m->cls_value[j], t);
        if (!known)
            extra[ne++] = m->f[i].text;
    }
    qsort(extra, ne, sizeof *extra, cmp_str);
    for (size_t e = 0; e < ne; e++) {
        if (e && !strcmp(extra[e], extra[e - 1]))
            continue;
        if (m->ncls == MAX_CLASSES) {
            free(extra);
            return lg_error(ctx, LG_ERR_ARG, "map: more than %d categories", MAX_CLASSES);
        }
        int j = m->ncls++;
        m->cls_value[j] = lg_strdup(ctx, extra[e]);
        m->cls_label[j] = lg_strdup(ctx, extra[e]);
        if (!m->cls_value[j] || !m->cls_label[j]) {
            free(extra);
            return LG_ERR_NOMEM;
        }
    }
    free(extra);
    if (!m->ncls)
        return lg_error(ctx, LG_ERR_ARG, "map: no value to class (all are missing)");
    int q = 0;
    for (int j = 0; j < m->ncls; j++) {
        m->lo[j] = m->hi[j] = NAN;
        int known = 0;
        for (size_t k = 0; k < sizeof KNOWN / sizeof KNOWN[0] && !known; k++)
            known = !strcmp(KNOWN[k].value, m->cls_label[j]) ||
                    !strcmp(KNOWN[k].value, m->cls_value[j]);
        lg_map_category_rgb(m->cls_value[j], m->cls_label[j], known ? 0 : q++, m->rgb[j]);
    }
    for (size_t i = 0; i < m->n; i++) {
        feat *f = &m->f[i];
        f->cls = -1;
        for (int j = 0; f->text && j < m->ncls && f->cls < 0; j++)
            if (!strcmp(m->cls_value[j], f->text))
                f->cls = j;
        if (f->cls < 0)
            m->nodata++;
        else
            m->cls_count[f->cls]++;
    }
    return LG_OK;
}

lg_status lg_map_set_theme(lg_ctx *ctx, lg_map *m, const GEOSGeometry *const *geoms,
                           const double *values, const char *const *texts, size_t n,
                           const lg_theme_spec *spec)
{
    clear_theme(m);
    memset(m->cls_count, 0, sizeof m->cls_count);
    if (!spec || (unsigned)spec->method > LG_CLASS_CATEGORICAL ||
        (unsigned)spec->palette > LG_PALETTE_REDS)
        return lg_error(ctx, LG_ERR_ARG, "map: bad theme specification");
    int cat = spec->method == LG_CLASS_CATEGORICAL;
    if ((cat && !texts) || (!cat && !values))
        return lg_error(ctx, LG_ERR_ARG, "map: %s classes need %s", lg_class_method_name(spec->method),
                        cat ? "text values" : "numeric values");
    m->f = lg_calloc(ctx, n ? n : 1, sizeof *m->f);
    if (!m->f)
        return LG_ERR_NOMEM;
    m->n = n;
    for (size_t i = 0; i < n; i++) {
        m->f[i].g = geoms[i];
        m->f[i].v = values ? values[i] : NAN;
        if (cat && texts[i] && !(m->f[i].text = lg_strdup(ctx, texts[i]))) {
            clear_theme(m);
            return LG_ERR_NOMEM;
        }
    }
    m->method = spec->method;
    m->palette = spec->palette;
    m->style = spec->style;
    lg_status st = set_str(ctx, &m->legend_title, spec->title);
    if (!st)
        st = set_str(ctx, &m->unit, spec->unit && *spec->unit ? spec->unit : NULL);
    if (!st)
        st = cat ? categorical_classes(ctx, m, spec) : numeric_classes(ctx, m, values, spec);
    if (st) {
        clear_theme(m);
        return st;
    }
    m->has_theme = 1;
    return LG_OK;
}

lg_status lg_map_set_theme_layer(lg_ctx *ctx, lg_map *m, const lg_layer *L, const char *field,
                                 const char *label_field, const lg_theme_spec *spec)
{
    int fi = field ? lg_layer_field_index(L, field) : -1;
    if (fi < 0)
        return lg_error(ctx, LG_ERR_ARG, "map: %s has no field %s", lg_layer_name(L),
                        field ? field : "(none)");
    int li = label_field ? lg_layer_field_index(L, label_field) : -1;
    if (label_field && li < 0)
        return lg_error(ctx, LG_ERR_ARG, "map: %s has no field %s (labels)", lg_layer_name(L),
                        label_field);
    size_t n = lg_layer_size(L);
    int cat = spec && spec->method == LG_CLASS_CATEGORICAL;
    lg_field_type ft = lg_layer_field_type(L, (size_t)fi);
    int numeric = ft == LG_FIELD_INTEGER || ft == LG_FIELD_REAL;
    if (!cat && !numeric)
        return lg_error(ctx, LG_ERR_ARG,
                        "map: field %s is text: use categorical classes, or a numeric field",
                        field);
    const GEOSGeometry **g = lg_calloc(ctx, n ? n : 1, sizeof *g);
    double *v = lg_calloc(ctx, n ? n : 1, sizeof *v);
    char **t = lg_calloc(ctx, n ? n : 1, sizeof *t);
    lg_status st = g && v && t ? LG_OK : LG_ERR_NOMEM;
    for (size_t i = 0; i < n && !st; i++) {
        g[i] = lg_layer_geom(L, i);
        double x;
        v[i] = numeric && lg_layer_number(L, i, (size_t)fi, &x) ? x : NAN;
        if (cat) {
            if (numeric && isfinite(v[i]))
                t[i] = lg_sprintf(ctx, "%.15g", v[i]);
            else if (!numeric && lg_layer_text(L, i, (size_t)fi))
                t[i] = lg_strdup(ctx, lg_layer_text(L, i, (size_t)fi));
        }
    }
    if (!st)
        st = lg_map_set_theme(ctx, m, g, v, (const char *const *)t, n, spec);
    for (size_t i = 0; i < n && t; i++)
        free(t[i]);
    free(t);
    free(v);
    free(g);
    for (size_t i = 0; !st && li >= 0 && i < n; i++) {
        const char *s = lg_layer_text(L, i, (size_t)li);
        double x;
        char buf[64];
        if (!s && lg_layer_number(L, i, (size_t)li, &x)) {
            snprintf(buf, sizeof buf, "%.15g", x);
            s = buf;
        }
        if (s && *s && !(m->f[i].label = lg_strdup(ctx, s)))
            st = LG_ERR_NOMEM;
    }
    return st;
}

lg_status lg_map_set_labels(lg_ctx *ctx, lg_map *m, const char *const *labels, size_t n)
{
    if (!m->has_theme || n != m->n || !labels)
        return lg_error(ctx, LG_ERR_ARG, "map: labels need the theme's %zu features, got %zu",
                        m->n, n);
    for (size_t i = 0; i < n; i++) {
        free(m->f[i].label);
        m->f[i].label = NULL;
        if (labels[i] && *labels[i] && !(m->f[i].label = lg_strdup(ctx, labels[i])))
            return LG_ERR_NOMEM;
    }
    return LG_OK;
}

size_t lg_map_class_count(const lg_map *m) { return m && m->has_theme ? (size_t)m->ncls : 0; }
double lg_map_class_lower(const lg_map *m, size_t i)
{
    return i < lg_map_class_count(m) ? m->lo[i] : NAN;
}
double lg_map_class_upper(const lg_map *m, size_t i)
{
    return i < lg_map_class_count(m) ? m->hi[i] : NAN;
}
const char *lg_map_class_label(const lg_map *m, size_t i)
{
    return i < lg_map_class_count(m) ? m->cls_label[i] : NULL;
}
size_t lg_map_class_features(const lg_map *m, size_t i)
{
    return i < lg_map_class_count(m) ? m->cls_count[i] : 0;
}
size_t lg_map_nodata_features(const lg_map *m) { return m ? m->nodata : 0; }
size_t lg_map_labels_placed(const lg_map *m) { return m ? m->placed : 0; }
size_t lg_map_labels_skipped(const lg_map *m) { return m ? m->skipped : 0; }

lg_status lg_map_add_overlay(lg_ctx *ctx, lg_map *m, const lg_layer *L, lg_overlay_style style,
                             const char *label_field, const char *legend)
{
    if ((unsigned)style > LG_OVERLAY_POINTS)
        return lg_error(ctx, LG_ERR_ARG, "map: bad overlay style");
    int li = label_field ? lg_layer_field_index(L, label_field) : -1;
    if (label_field && li < 0)
        return lg_error(ctx, LG_ERR_ARG, "map: overlay %s has no field %s", lg_layer_name(L),
                        label_field);
    overlay *o = lg_realloc(ctx, m->ov, (m->nov + 1) * sizeof *o);
    if (!o)
        return LG_ERR_NOMEM;
    m->ov = o;
    o = &m->ov[m->nov];
    o->L = L;
    o->style = style;
    o->label_field = li;
    o->legend = NULL;
    if (legend && !(o->legend = lg_strdup(ctx, legend)))
        return LG_ERR_NOMEM;
    m->nov++;
    return LG_OK;
}

/* ------------------------------------------------------------------ */
/* Drawing                                                             */

typedef struct xform {
    double x0, y1, s;  /* data xmin, ymax; mm per metre */
    double ox, oy;     /* frame origin (mm) */
    double min_step;   /* vertices closer than this (mm) are dropped */
} xform;

typedef struct draw {
    cairo_t *cr;
    PangoContext *pc;
    GEOSContextHandle_t h;
    xform xf;
    double fx, fy, fw, fh; /* map frame (mm) */
} draw;

static void path_coords(draw *d, const GEOSCoordSequence *cs, int close)
{
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(d->h, cs, &n);
    double px = 0, py = 0;
    for (unsigned int i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(d->h, cs, i, &x, &y);
        double X = d->xf.ox + (x - d->xf.x0) * d->xf.s, Y = d->xf.oy + (d->xf.y1 - y) * d->xf.s;
        if (i == 0) {
            cairo_move_to(d->cr, X, Y);
        } else if (i + 1 == n || fabs(X - px) + fabs(Y - py) >= d->xf.min_step) {
            cairo_line_to(d->cr, X, Y);
        } else {
            continue;
        }
        px = X, py = Y;
    }
    if (close)
        cairo_close_path(d->cr);
}

/* Add the geometry to the current path (points as small circles of
 * radius r mm). */
static void path_geom(draw *d, const GEOSGeometry *g, double r)
{
    int type = GEOSGeomTypeId_r(d->h, g);
    switch (type) {
    case GEOS_POINT: {
        double x, y;
        if (GEOSGeomGetX_r(d->h, g, &x) && GEOSGeomGetY_r(d->h, g, &y)) {
            double X = d->xf.ox + (x - d->xf.x0) * d->xf.s;
            double Y = d->xf.oy + (d->xf.y1 - y) * d->xf.s;
            cairo_new_sub_path(d->cr);
            cairo_arc(d->cr, X, Y, r, 0, 2 * G_PI);
            cairo_close_path(d->cr);
        }
        break;
    }
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        path_coords(d, GEOSGeom_getCoordSeq_r(d->h, g), type == GEOS_LINEARRING);
        break;
    case GEOS_POLYGON: {
        path_coords(d, GEOSGeom_getCoordSeq_r(d->h, GEOSGetExteriorRing_r(d->h, g)), 1);
        int nh = GEOSGetNumInteriorRings_r(d->h, g);
        for (int i = 0; i < nh; i++)
            path_coords(d, GEOSGeom_getCoordSeq_r(d->h, GEOSGetInteriorRingN_r(d->h, g, i)), 1);
        break;
    }
    default: {
        int n = GEOSGetNumGeometries_r(d->h, g);
        for (int i = 0; i < n; i++)
            path_geom(d, GEOSGetGeometryN_r(d->h, g, i), r);
    }
    }
}

static PangoLayout *text_layout(draw *d, const char *text, double pt, int bold)
{
    PangoLayout *lay = pango_layout_new(d->pc);
    PangoFontDescription *fd = pango_font_description_from_string(MAP_FONT);
    pango_font_description_set_size(fd, (int)lround(pt * PANGO_SCALE));
    if (bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(lay, text, -1);
    return lay;
}

/* Size of the layout's ink-independent logical box in mm. */
static void layout_size(PangoLayout *lay, double *w, double *h)
{
    int iw, ih;
    pango_layout_get_size(lay, &iw, &ih);
    *w = (double)iw / PANGO_SCALE;
    *h = (double)ih / PANGO_SCALE;
}

static void set_rgb(cairo_t *cr, unsigned hex)
{
    cairo_set_source_rgb(cr, ((hex >> 16) & 255) / 255.0, ((hex >> 8) & 255) / 255.0,
                         (hex & 255) / 255.0);
}

/* Draw text with its top-left at (x, y); halo: white outline of that
 * width (mm) first.  Returns the width. */
static double draw_text(draw *d, const char *text, double x, double y, double pt, int bold,
                        unsigned colour, double halo)
{
    PangoLayout *lay = text_layout(d, text, pt, bold);
    double w, h;
    layout_size(lay, &w, &h);
    cairo_save(d->cr);
    cairo_move_to(d->cr, x, y);
    if (halo > 0) {
        pango_cairo_layout_path(d->cr, lay);
        cairo_set_source_rgba(d->cr, 1, 1, 1, 0.9);
        cairo_set_line_width(d->cr, halo);
        cairo_set_line_join(d->cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(d->cr);
        cairo_move_to(d->cr, x, y);
    }
    set_rgb(d->cr, colour);
    pango_cairo_show_layout(d->cr, lay);
    cairo_restore(d->cr);
    g_object_unref(lay);
    return w;
}

static void text_size(draw *d, const char *text, double pt, int bold, double *w, double *h)
{
    PangoLayout *lay = text_layout(d, text, pt, bold);
    layout_size(lay, w, h);
    g_object_unref(lay);
}

/* A hatch pattern: diagonal lines `gap` mm apart, in the given colour. */
static cairo_pattern_t *hatch_pattern(double gap, double r, double g, double b)
{
    int px = 64;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, px, px);
    cairo_t *c = cairo_create(s);
    cairo_set_source_rgba(c, r, g, b, 0.85);
    cairo_set_line_width(c, 6);
    for (int k = -1; k <= 1; k++) {
        cairo_move_to(c, k * px, px);
        cairo_line_to(c, k * px + px, 0);
    }
    cairo_stroke(c);
    cairo_destroy(c);
    cairo_pattern_t *p = cairo_pattern_create_for_surface(s);
    cairo_surface_destroy(s);
    cairo_pattern_set_extend(p, CAIRO_EXTEND_REPEAT);
    cairo_matrix_t mtx;
    cairo_matrix_init_scale(&mtx, px / gap, px / gap);
    cairo_pattern_set_matrix(p, &mtx);
    return p;
}

static void style_overlay_line(cairo_t *cr, lg_overlay_style st, int casing)
{
    static const double dash[] = {1.6, 0.8};
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    switch (st) {
    case LG_OVERLAY_BOUNDARY:
        if (casing) {
            cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
            cairo_set_line_width(cr, 0.9);
        } else {
            set_rgb(cr, 0x4d4d4d);
            cairo_set_line_width(cr, 0.35);
        }
        break;
    case LG_OVERLAY_ROADS:
        /* thin and uncased: a road grid over a choropleth must not read
         * as a pattern of its own */
        cairo_set_source_rgba(cr, 0.35, 0.35, 0.35, casing ? 0 : 0.55);
        cairo_set_line_width(cr, 0.15);
        break;
    case LG_OVERLAY_CONTROL:
        /* purple, as 开发边界 lines are drawn in planning maps: red is
         * kept for conflicts and "worse" classes */
        set_rgb(cr, 0x7b3294);
        cairo_set_line_width(cr, 0.3);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_set_dash(cr, dash, 2, 0);
        break;
    case LG_OVERLAY_HATCH:
        set_rgb(cr, 0x99000d);
        cairo_set_line_width(cr, 0.2);
        break;
    case LG_OVERLAY_POINTS:
        set_rgb(cr, 0x252525);
        cairo_set_line_width(cr, 0.2);
        break;
    }
}

static void draw_overlay(draw *d, const overlay *o)
{
    cairo_t *cr = d->cr;
    size_t n = lg_layer_size(o->L);
    if (o->style == LG_OVERLAY_HATCH) {
        cairo_pattern_t *p = hatch_pattern(1.2, 0.6, 0, 0.05);
        cairo_new_path(cr);
        for (size_t i = 0; i < n; i++)
            path_geom(d, lg_layer_geom(o->L, i), 0.6);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_set_source(cr, p);
        cairo_fill_preserve(cr);
        cairo_pattern_destroy(p);
        style_overlay_line(cr, o->style, 0);
        cairo_stroke(cr);
        return;
    }
    if (o->style == LG_OVERLAY_POINTS) {
        cairo_new_path(cr);
        for (size_t i = 0; i < n; i++)
            path_geom(d, lg_layer_geom(o->L, i), 0.6);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        style_overlay_line(cr, o->style, 0);
        cairo_stroke(cr);
        return;
    }
    for (int pass = o->style == LG_OVERLAY_CONTROL || o->style == LG_OVERLAY_ROADS; pass < 2;
         pass++) {
        cairo_new_path(cr);
        for (size_t i = 0; i < n; i++)
            path_geom(d, lg_layer_geom(o->L, i), 0.6);
        style_overlay_line(cr, o->style, pass == 0);
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0);
}

/* Feature outlines: few features (zones) are dissolved first so that the
 * parts they are made of do not show; many (parcels) get hairlines. */
static void draw_theme_outlines(draw *d, const lg_map *m)
{
    cairo_t *cr = d->cr;
    cairo_new_path(cr);
    for (size_t i = 0; i < m->n; i++) {
        GEOSGeometry *u = m->n <= 300 ? GEOSUnaryUnion_r(d->h, m->f[i].g) : NULL;
        if (u) {
            GEOSGeometry *b = GEOSBoundary_r(d->h, u);
            path_geom(d, b ? b : u, 0.9);
            if (b)
                GEOSGeom_destroy_r(d->h, b);
            GEOSGeom_destroy_r(d->h, u);
        } else {
            path_geom(d, m->f[i].g, 0.9);
        }
    }
    cairo_set_source_rgba(cr, 0.3, 0.3, 0.3, m->n > 300 ? 0.5 : 0.9);
    cairo_set_line_width(cr, m->n > 300 ? 0.06 : 0.2);
    cairo_stroke(cr);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void draw_theme(draw *d, const lg_map *m)
{
    cairo_t *cr = d->cr;
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    /* the median feature's width on the page */
    double *wd = m->n ? malloc(m->n * sizeof *wd) : NULL;
    int small = 0;
    if (wd) {
        for (size_t i = 0; i < m->n; i++) {
            double a = 0, b = 0;
            GEOSGeom_getXMin_r(d->h, m->f[i].g, &a);
            GEOSGeom_getXMax_r(d->h, m->f[i].g, &b);
            wd[i] = (b - a) * d->xf.s;
        }
        qsort(wd, m->n, sizeof *wd, cmp_double);
        small = wd[m->n / 2] < 2;
        free(wd);
    }
    if (m->style == LG_THEME_FILL) {
        /* one path per class: fewer, bigger drawing operations */
        for (int j = -1; j < m->ncls; j++) {
            cairo_new_path(cr);
            int any = 0;
            for (size_t i = 0; i < m->n; i++)
                if (m->f[i].cls == j) {
                    path_geom(d, m->f[i].g, 0.9);
                    any = 1;
                }
            if (!any)
                continue;
            if (j < 0)
                cairo_set_source_rgb(cr, 1, 1, 1);
            else
                cairo_set_source_rgb(cr, m->rgb[j][0], m->rgb[j][1], m->rgb[j][2]);
            cairo_fill_preserve(cr);
            /* a hairline in the fill colour hides the seams between
             * adjacent parts of one feature; features under 2 mm on the
             * page (sites on a district map) get a wider edge in their
             * colour so that they can be seen at all */
            cairo_set_line_width(cr, small && j >= 0 ? 0.4 : 0.08);
            cairo_stroke(cr);
        }
        draw_theme_outlines(d, m);
        /* no-data features: a light grey hatch over white */
        if (m->nodata) {
            cairo_pattern_t *p = hatch_pattern(1.0, 0.6, 0.6, 0.6);
            cairo_new_path(cr);
            for (size_t i = 0; i < m->n; i++)
                if (m->f[i].cls < 0)
                    path_geom(d, m->f[i].g, 0.9);
            cairo_set_source(cr, p);
            cairo_fill(cr);
            cairo_pattern_destroy(p);
        }
    } else {
        for (int j = -1; j < m->ncls; j++) {
            cairo_new_path(cr);
            for (size_t i = 0; i < m->n; i++)
                if (m->f[i].cls == j)
                    path_geom(d, m->f[i].g, 0.9);
            if (j < 0) {
                cairo_set_source_rgb(cr, 0.7, 0.7, 0.7);
                cairo_set_line_width(cr, 0.15);
            } else {
                cairo_set_source_rgb(cr, m->rgb[j][0], m->rgb[j][1], m->rgb[j][2]);
                cairo_set_line_width(cr, 0.25 + 0.35 * j);
            }
            cairo_stroke(cr);
        }
    }
}

/* Labels: candidates from the theme and the labelled overlays, biggest
 * first; a label is drawn centred on a point inside its feature unless its
 * box overlaps one placed, leaves the frame, or is much wider than the
 * feature on the page. */
typedef struct cand {
    const GEOSGeometry *g;
    const char *text;
    double size; /* area (polygons) or length, m² or m */
    double pt;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    double x = ((const cand *)a)->size, y = ((const cand *)b)->size;
    return (x < y) - (x > y);
}

static lg_status place_labels(lg_ctx *ctx, draw *d, lg_map *m)
{
    size_t nc = 0, cap = 0;
    for (size_t i = 0; i < m->n; i++)
        cap += m->f[i].label != NULL;
    for (size_t k = 0; k < m->nov; k++)
        if (m->ov[k].label_field >= 0)
            cap += lg_layer_size(m->ov[k].L);
    m->placed = m->skipped = 0;
    if (!cap)
        return LG_OK;
    cand *c = lg_calloc(ctx, cap, sizeof *c);
    double(*box)[4] = lg_calloc(ctx, cap, sizeof *box);
    if (!c || !box) {
        free(c), free(box);
        return LG_ERR_NOMEM;
    }
    for (size_t i = 0; i < m->n; i++)
        if (m->f[i].label) {
            double a = 0;
            GEOSArea_r(d->h, m->f[i].g, &a);
            c[nc++] = (cand){m->f[i].g, m->f[i].label, a, 7.5};
        }
    for (size_t k = 0; k < m->nov; k++) {
        const overlay *o = &m->ov[k];
        for (size_t i = 0; o->label_field >= 0 && i < lg_layer_size(o->L); i++) {
            const char *t = lg_layer_text(o->L, i, (size_t)o->label_field);
            if (!t || !*t)
                continue;
            double a = 0;
            GEOSArea_r(d->h, lg_layer_geom(o->L, i), &a);
            if (a <= 0)
                GEOSLength_r(d->h, lg_layer_geom(o->L, i), &a);
            c[nc++] = (cand){lg_layer_geom(o->L, i), t,
                             a, o->style == LG_OVERLAY_BOUNDARY ? 8 : 6.5};
        }
    }
    qsort(c, nc, sizeof *c, cmp_cand);
    size_t nb = 0;
    const double pad = 0.8;
    for (size_t i = 0; i < nc; i++) {
        GEOSGeometry *pt = GEOSPointOnSurface_r(d->h, c[i].g);
        double x, y, xmin = 0, xmax = 0;
        int ok = pt && GEOSGeomGetX_r(d->h, pt, &x) && GEOSGeomGetY_r(d->h, pt, &y);
        if (ok) {
            GEOSGeom_getXMin_r(d->h, c[i].g, &xmin);
            GEOSGeom_getXMax_r(d->h, c[i].g, &xmax);
        }
        if (pt)
            GEOSGeom_destroy_r(d->h, pt);
        if (!ok) {
            m->skipped++;
            continue;
        }
        double w, h;
        text_size(d, c[i].text, c[i].pt, 0, &w, &h);
        double X = d->xf.ox + (x - d->xf.x0) * d->xf.s, Y = d->xf.oy + (d->xf.y1 - y) * d->xf.s;
        double b[4] = {X - w / 2 - pad, Y - h / 2 - pad, X + w / 2 + pad, Y + h / 2 + pad};
        int clash = b[0] < d->fx || b[1] < d->fy || b[2] > d->fx + d->fw ||
                    b[3] > d->fy + d->fh || (xmax - xmin) * d->xf.s < 0.5 * w;
        for (size_t k = 0; k < nb && !clash; k++)
            clash = !(b[2] <= box[k][0] || b[0] >= box[k][2] || b[3] <= box[k][1] ||
                      b[1] >= box[k][3]);
        if (clash) {
            m->skipped++;
            continue;
        }
        memcpy(box[nb++], b, sizeof b);
        draw_text(d, c[i].text, X - w / 2, Y - h / 2, c[i].pt, 0, 0x1a1a1a, 0.7);
        m->placed++;
    }
    free(c);
    free(box);
    return LG_OK;
}

/* A round length for the scale bar: 1, 2 or 5 × 10^k metres, at most max_m. */
static double nice_length(double max_m)
{
    double p = pow(10, floor(log10(max_m)));
    return max_m >= 5 * p ? 5 * p : max_m >= 2 * p ? 2 * p : p;
}

static void fmt_metres(char *buf, size_t n, double m)
{
    if (m >= 1000)
        snprintf(buf, n, "%g km", m / 1000);
    else
        snprintf(buf, n, "%g m", m);
}

static void draw_scale_bar(draw *d)
{
    cairo_t *cr = d->cr;
    double len_m = nice_length(0.25 * d->fw / d->xf.s);
    double len = len_m * d->xf.s, x = d->fx + 5, y = d->fy + d->fh - 7, bh = 1.2;
    char end[32], half[32], ratio[64];
    fmt_metres(end, sizeof end, len_m);
    fmt_metres(half, sizeof half, len_m / 2);
    double denom = 1000.0 / d->xf.s; /* 1 mm on paper is 1/s metres */
    double p = pow(10, floor(log10(denom)) - 1);
    snprintf(ratio, sizeof ratio, "1:%.0f", round(denom / p) * p);
    /* white box behind it */
    double tw, th;
    text_size(d, end, 6.5, 0, &tw, &th);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_rectangle(cr, x - 2, y - th - 2.5, len + tw / 2 + 5, th + bh + 6.5);
    cairo_fill(cr);
    for (int k = 0; k < 2; k++) {
        cairo_rectangle(cr, x + k * len / 2, y, len / 2, bh);
        if (k == 0)
            set_rgb(cr, 0x222222);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        set_rgb(cr, 0x222222);
        cairo_set_line_width(cr, 0.2);
        cairo_stroke(cr);
    }
    const char *ticks[] = {"0", half, end};
    for (int k = 0; k < 3; k++) {
        text_size(d, ticks[k], 6.5, 0, &tw, &th);
        draw_text(d, ticks[k], x + k * len / 2 - tw / 2, y - th - 0.3, 6.5, 0, 0x222222, 0);
    }
    draw_text(d, ratio, x, y + bh + 0.5, 6, 0, 0x555555, 0);
}

static void draw_north_arrow(draw *d)
{
    cairo_t *cr = d->cr;
    double cx = d->fx + d->fw - 8, top = d->fy + 4, h = 9, w = 3.2;
    cairo_set_line_width(cr, 0.25);
    /* left half dark, right half white: the classic arrow */
    cairo_move_to(cr, cx, top + 3.5);
    cairo_line_to(cr, cx - w, top + 3.5 + h);
    cairo_line_to(cr, cx, top + 3.5 + h * 0.72);
    cairo_close_path(cr);
    set_rgb(cr, 0x222222);
    cairo_fill_preserve(cr);
    cairo_stroke(cr);
    cairo_move_to(cr, cx, top + 3.5);
    cairo_line_to(cr, cx + w, top + 3.5 + h);
    cairo_line_to(cr, cx, top + 3.5 + h * 0.72);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    set_rgb(cr, 0x222222);
    cairo_stroke(cr);
    double tw, th;
    text_size(d, "N", 8, 1, &tw, &th);
    draw_text(d, "N", cx - tw / 2, top - th / 2 + 0.5, 8, 1, 0x222222, 0.6);
}

static void legend_swatch(draw *d, const lg_map *m, int j, double x, double y, double w,
                          double h)
{
    cairo_t *cr = d->cr;
    cairo_rectangle(cr, x, y, w, h);
    if (m->style == LG_THEME_OUTLINE && j >= 0) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, m->rgb[j][0], m->rgb[j][1], m->rgb[j][2]);
        cairo_set_line_width(cr, 0.25 + 0.35 * j);
        cairo_stroke(cr);
        return;
    }
    if (j >= 0) {
        cairo_set_source_rgb(cr, m->rgb[j][0], m->rgb[j][1], m->rgb[j][2]);
        cairo_fill_preserve(cr);
    } else {
        cairo_pattern_t *p = hatch_pattern(1.0, 0.6, 0.6, 0.6);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source(cr, p);
        cairo_fill_preserve(cr);
        cairo_pattern_destroy(p);
    }
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 0.15);
    cairo_stroke(cr);
}

static void overlay_swatch(draw *d, const overlay *o, double x, double y, double w, double h)
{
    cairo_t *cr = d->cr;
    if (o->style == LG_OVERLAY_HATCH) {
        cairo_pattern_t *p = hatch_pattern(1.2, 0.6, 0, 0.05);
        cairo_rectangle(cr, x, y, w, h);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source(cr, p);
        cairo_fill_preserve(cr);
        cairo_pattern_destroy(p);
        style_overlay_line(cr, o->style, 0);
        cairo_stroke(cr);
    } else if (o->style == LG_OVERLAY_POINTS) {
        cairo_new_path(cr);
        cairo_arc(cr, x + w / 2, y + h / 2, 0.9, 0, 2 * G_PI);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        style_overlay_line(cr, o->style, 0);
        cairo_stroke(cr);
    } else {
        cairo_move_to(cr, x, y + h / 2);
        cairo_line_to(cr, x + w, y + h / 2);
        style_overlay_line(cr, o->style, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
}

/* Legend rows: heading, classes, no data, overlays.  Returns the width
 * needed; draws only when `paint`. */
static double legend(draw *d, const lg_map *m, double x, double y, int paint)
{
    const double sw = 7, sh = 4.2, row = 6;
    double wmax = 0, w, h;
    char head[512];
    if (m->unit)
        snprintf(head, sizeof head, "%s（%s）", m->legend_title ? m->legend_title : "",
                 m->unit);
    else
        snprintf(head, sizeof head, "%s", m->legend_title ? m->legend_title : "图例");
    text_size(d, head, 8.5, 1, &w, &h);
    wmax = w;
    if (paint)
        draw_text(d, head, x, y, 8.5, 1, 0x1a1a1a, 0);
    y += h + 2;
    for (int r = 0; r <= m->ncls; r++) {
        int j = r < m->ncls ? r : -1;
        if (j < 0 && !m->nodata)
            break;
        if (j >= 0 && m->method == LG_CLASS_CATEGORICAL && !m->cls_count[j])
            continue; /* a listed category the data does not have */
        char text[256];
        snprintf(text, sizeof text, "%s", j >= 0 ? m->cls_label[j] : "无数据");
        char count[32];
        snprintf(count, sizeof count, "  (%zu)", j >= 0 ? m->cls_count[j] : m->nodata);
        double tw, cw;
        text_size(d, text, 7.5, 0, &tw, &h);
        text_size(d, count, 6.5, 0, &cw, &h);
        if (sw + 2.5 + tw + cw > wmax)
            wmax = sw + 2.5 + tw + cw;
        if (paint) {
            legend_swatch(d, m, j, x, y, sw, sh);
            double t = draw_text(d, text, x + sw + 2.5, y + sh / 2 - 2.2, 7.5, 0, 0x1a1a1a, 0);
            draw_text(d, count, x + sw + 2.5 + t, y + sh / 2 - 1.9, 6.5, 0, 0x777777, 0);
        }
        y += row;
    }
    y += 1.5;
    for (size_t k = 0; k < m->nov; k++) {
        const overlay *o = &m->ov[k];
        if (!o->legend)
            continue;
        text_size(d, o->legend, 7.5, 0, &w, &h);
        if (sw + 2.5 + w > wmax)
            wmax = sw + 2.5 + w;
        if (paint) {
            overlay_swatch(d, o, x, y, sw, sh);
            draw_text(d, o->legend, x + sw + 2.5, y + sh / 2 - 2.2, 7.5, 0, 0x1a1a1a, 0);
        }
        y += row;
    }
    return wmax;
}

static int extent_of(draw *d, const GEOSGeometry *g, double e[4])
{
    double a, b, c, f;
    if (!GEOSGeom_getXMin_r(d->h, g, &a) || !GEOSGeom_getYMin_r(d->h, g, &b) ||
        !GEOSGeom_getXMax_r(d->h, g, &c) || !GEOSGeom_getYMax_r(d->h, g, &f))
        return 0;
    if (a < e[0]) e[0] = a;
    if (b < e[1]) e[1] = b;
    if (c > e[2]) e[2] = c;
    if (f > e[3]) e[3] = f;
    return 1;
}

static lg_status paint(lg_ctx *ctx, lg_map *m, cairo_t *cr)
{
    draw d = {.cr = cr, .h = lg_ctx_geos(ctx)};
    PangoFontMap *fm = pango_cairo_font_map_new();
    d.pc = pango_font_map_create_context(fm);
    pango_cairo_update_context(cr, d.pc);
    /* user units are mm: rounding glyph positions to whole units would
     * space the letters out */
    pango_context_set_round_glyph_positions(d.pc, FALSE);
    pango_cairo_context_set_resolution(d.pc, 25.4); /* points → mm */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(d.pc, fo);
    cairo_font_options_destroy(fo);

    /* page */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    const double margin = 6;
    double top = margin, tw, th;
    if (m->title) {
        text_size(&d, m->title, 15, 1, &tw, &th);
        draw_text(&d, m->title, margin, top, 15, 1, 0x1a1a1a, 0);
        top += th;
    }
    if (m->subtitle) {
        text_size(&d, m->subtitle, 9, 0, &tw, &th);
        draw_text(&d, m->subtitle, margin, top, 9, 0, 0x555555, 0);
        top += th;
    }
    top += 2.5;
    double lw = legend(&d, m, 0, 0, 0);
    if (lw < 28)
        lw = 28;
    double foot_h = 7;
    d.fx = margin;
    d.fy = top;
    d.fw = m->w_mm - 2 * margin - lw - 5;
    d.fh = m->h_mm - top - margin - foot_h;
    if (d.fw < 20 || d.fh < 20) {
        g_object_unref(d.pc);
        g_object_unref(fm);
        return lg_error(ctx, LG_ERR_ARG,
                        "map: the page (%g × %g mm) is too small for the legend and title",
                        m->w_mm, m->h_mm);
    }
    /* extent: the theme and the boundary overlays, 4 % padding */
    double e[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < m->n; i++)
        extent_of(&d, m->f[i].g, e);
    for (size_t k = 0; k < m->nov; k++)
        if (m->ov[k].style == LG_OVERLAY_BOUNDARY)
            for (size_t i = 0; i < lg_layer_size(m->ov[k].L); i++)
                extent_of(&d, lg_layer_geom(m->ov[k].L, i), e);
    if (!(e[2] >= e[0] && e[3] >= e[1])) {
        g_object_unref(d.pc);
        g_object_unref(fm);
        return lg_error(ctx, LG_ERR_ARG, "map: nothing to draw (no geometry)");
    }
    double ew = e[2] - e[0], eh = e[3] - e[1];
    if (ew <= 0)
        ew = 100;
    if (eh <= 0)
        eh = 100;
    ew *= 1.08, eh *= 1.08;
    double s = fmin(d.fw / ew, d.fh / eh);
    double cx = (e[0] + e[2]) / 2, cy = (e[1] + e[3]) / 2;
    d.xf.s = s;
    d.xf.x0 = cx - d.fw / 2 / s;
    d.xf.y1 = cy + d.fh / 2 / s;
    d.xf.ox = d.fx;
    d.xf.oy = d.fy;
    d.xf.min_step = 0.08;

    cairo_save(cr);
    cairo_rectangle(cr, d.fx, d.fy, d.fw, d.fh);
    cairo_clip(cr);
    draw_theme(&d, m);
    for (size_t k = 0; k < m->nov; k++)
        draw_overlay(&d, &m->ov[k]);
    lg_status st = place_labels(ctx, &d, m);
    draw_scale_bar(&d);
    draw_north_arrow(&d);
    cairo_restore(cr);
    /* frame */
    cairo_rectangle(cr, d.fx, d.fy, d.fw, d.fh);
    set_rgb(cr, 0x666666);
    cairo_set_line_width(cr, 0.3);
    cairo_stroke(cr);
    /* legend right of the frame */
    legend(&d, m, d.fx + d.fw + 5, d.fy, 1);
    /* footer: source and date */
    char foot[1024];
    snprintf(foot, sizeof foot, "%s%s%s%s", m->source ? "数据来源：" : "",
             m->source ? m->source : "", m->source && m->date ? "　　" : "",
             m->date ? m->date : "");
    if (*foot) {
        text_size(&d, foot, 6.5, 0, &tw, &th);
        draw_text(&d, foot, d.fx, d.fy + d.fh + 1.5, 6.5, 0, 0x555555, 0);
    }
    text_size(&d, "geoplan / libgeo", 6, 0, &tw, &th);
    draw_text(&d, "geoplan / libgeo", m->w_mm - margin - tw, d.fy + d.fh + 1.5, 6, 0, 0x999999,
              0);
    g_object_unref(d.pc);
    g_object_unref(fm);
    return st;
}

static int tmp_name(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    int k = snprintf(buf, n, "%.*s.%s.%ld.tmp", (int)dirlen, path, path + dirlen, (long)getpid());
    return k >= 0 && (size_t)k < n ? 0 : -1;
}

lg_status lg_map_render(lg_ctx *ctx, lg_map *m, const char *path, lg_map_format format)
{
    if (!m || !m->has_theme)
        return lg_error(ctx, LG_ERR_ARG, "map: no theme to draw (lg_map_set_theme first)");
    char tmp[4200];
    if (!path || tmp_name(path, tmp, sizeof tmp) != 0)
        return lg_error(ctx, LG_ERR_ARG, "map: bad output path");
    const double pt_per_mm = 72 / 25.4;
    cairo_surface_t *surf;
    double scale;
    if (format == LG_MAP_PNG) {
        scale = m->dpi / 25.4;
        surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)lround(m->w_mm * scale),
                                          (int)lround(m->h_mm * scale));
    } else if (format == LG_MAP_SVG) {
        /* user units are mm: width="…mm", viewBox in mm */
        scale = 1;
        surf = cairo_svg_surface_create(tmp, m->w_mm, m->h_mm);
        if (cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS)
            cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_MM);
    } else if (format == LG_MAP_PDF) {
        scale = pt_per_mm;
        surf = cairo_pdf_surface_create(tmp, m->w_mm * pt_per_mm, m->h_mm * pt_per_mm);
        if (cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS) {
            if (m->title)
                cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, m->title);
            cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "geoplan (libgeo)");
        }
    } else {
        return lg_error(ctx, LG_ERR_ARG, "map: unknown format");
    }
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        lg_status st = lg_error(ctx, LG_ERR_IO, "%s: cannot create the map: %s", path,
                                cairo_status_to_string(cairo_surface_status(surf)));
        cairo_surface_destroy(surf);
        unlink(tmp);
        return st;
    }
    cairo_t *cr = cairo_create(surf);
    cairo_scale(cr, scale, scale);
    lg_status st = paint(ctx, m, cr);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (st == LG_OK && cs != CAIRO_STATUS_SUCCESS)
        st = lg_error(ctx, LG_ERR_IO, "%s: drawing failed: %s", path, cairo_status_to_string(cs));
    if (st == LG_OK && format == LG_MAP_PNG) {
        cs = cairo_surface_write_to_png(surf, tmp);
        if (cs != CAIRO_STATUS_SUCCESS)
            st = lg_error(ctx, LG_ERR_IO, "%s: cannot write: %s", path,
                          cairo_status_to_string(cs));
    }
    cairo_surface_finish(surf);
    cs = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (st == LG_OK && cs != CAIRO_STATUS_SUCCESS)
        st = lg_error(ctx, LG_ERR_IO, "%s: cannot write: %s", path, cairo_status_to_string(cs));
    if (st == LG_OK && rename(tmp, path) != 0)
        st = lg_error(ctx, LG_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (st != LG_OK)
        unlink(tmp);
    return st;
}

lg_status lg_map_font_family(lg_ctx *ctx, const char *text, char *buf, size_t n)
{
    if (!text || !buf || !n)
        return lg_error(ctx, LG_ERR_ARG, "map: bad arguments to lg_map_font_family");
    buf[0] = '\0';
    PangoFontMap *fm = pango_cairo_font_map_new();
    PangoContext *pc = pango_font_map_create_context(fm);
    PangoLayout *lay = pango_layout_new(pc);
    PangoFontDescription *fd = pango_font_description_from_string(MAP_FONT " 10");
    pango_layout_set_font_description(lay, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(lay, text, -1);
    PangoLayoutLine *line = pango_layout_get_line_readonly(lay, 0);
    for (GSList *r = line ? line->runs : NULL; r; r = r->next) {
        PangoGlyphItem *gi = r->data;
        PangoFontDescription *d = pango_font_describe(gi->item->analysis.font);
        const char *fam = pango_font_description_get_family(d);
        if (fam && !strstr(buf, fam)) {
            size_t len = strlen(buf);
            snprintf(buf + len, n - len, "%s%s", len ? ", " : "", fam);
        }
        pango_font_description_free(d);
    }
    g_object_unref(lay);
    g_object_unref(pc);
    g_object_unref(fm);
    return buf[0] ? LG_OK : lg_error(ctx, LG_ERR_INTERNAL, "map: pango set no font for the text");
}
