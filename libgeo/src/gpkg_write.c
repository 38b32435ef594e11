/* Writing GeoPackages: result tables as layers, atomically.
 *
 * A file is written as DIR/.NAME.PID.tmp.gpkg (same file system) inside one
 * transaction and renamed over DIR/NAME only when complete, so a failure or
 * an interrupted run never leaves a half-written file under the final name
 * (lg_output_tmp_path gives the temporary name, for a caller that wants to
 * remove it on a signal).  The library installs no signal handler. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "gpkg_write.h"
#include "map_style.h"
#include "measure_internal.h"

int lg_output_tmp_path(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    int k = snprintf(buf, n, "%.*s.%s.%ld.tmp.gpkg", (int)dirlen, path, path + dirlen,
                     (long)getpid());
    return k >= 0 && (size_t)k < n ? 0 : -1;
}

static void remove_tmp_files(const char *tmp)
{
    static const char *const suffix[] = {"", "-journal", "-wal", "-shm"};
    char p[4200];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", tmp, suffix[i]);
        unlink(p);
    }
}

/* A field name GeoPackage and QGIS take: letters, digits, '_' and any
 * non-ASCII UTF-8 kept, other characters '_'; unique case-insensitively
 * among `used` (and never fid/geom/id/name). */
static char *safe_field_name(const char *name, char **used, size_t nused)
{
    size_t len = strlen(name);
    char *base = malloc(len + 2);
    if (!base)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        base[k++] = (ch >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
                     (ch >= 'A' && ch <= 'Z') || ch == '_')
                        ? (char)ch
                        : '_';
    }
    base[k] = '\0';
    if (!k || (base[0] >= '0' && base[0] <= '9')) {
        memmove(base + 1, base, k + 1);
        base[0] = 'f';
    }
    char *out = malloc(k + 24);
    if (!out) {
        free(base);
        return NULL;
    }
    snprintf(out, k + 24, "%s", base);
    for (int n = 2;; n++) {
        int clash = !strcasecmp(out, "fid") || !strcasecmp(out, "geom") ||
                    !strcasecmp(out, "id") || !strcasecmp(out, "name");
        for (size_t i = 0; !clash && i < nused; i++)
            clash = !strcasecmp(out, used[i]);
        if (!clash)
            break;
        snprintf(out, k + 24, "%s_%d", base, n);
    }
    free(base);
    return out;
}

struct gpkg_writer {
    GDALDatasetH ds;
    OGRSpatialReferenceH srs;
    GEOSContextHandle_t geos;
    GEOSWKBWriter *wkb;
    OGRLayerH styles; /* layer_styles, made with the first style */
    lg_ctx *ctx;
    char tmp[4096], path[4096];
};

static int gw_fail(gpkg_writer *gw, const char *what)
{
    const char *msg = CPLGetLastErrorMsg();
    lg_error(gw->ctx, LG_ERR_IO, "%s: %s%s%s", gw->path, what, msg && *msg ? ": " : "",
             msg ? msg : "");
    return -1;
}

/* The geometry type for a layer holding the rows' geometries: the multi
 * type of their common dimension, unknown when they mix, none when they
 * have none. */
static OGRwkbGeometryType layer_geom_type(gpkg_writer *gw, const lg_table *t, int *has)
{
    int dim = -2;
    *has = 0;
    for (size_t i = 0; i < lg_table_rows(t); i++) {
        const GEOSGeometry *g = lg_table_row_geom(t, i);
        if (!g)
            continue;
        *has = 1;
        int d = GEOSGeom_getDimensions_r(gw->geos, g);
        if (dim == -2)
            dim = d;
        else if (dim != d)
            dim = -1;
    }
    switch (dim) {
    case 0:
        return wkbMultiPoint;
    case 1:
        return wkbMultiLineString;
    case 2:
        return wkbMultiPolygon;
    case -2:
        return wkbNone;
    default:
        return wkbUnknown;
    }
}

static OGRGeometryH to_ogr(gpkg_writer *gw, const GEOSGeometry *g, OGRwkbGeometryType type)
{
    size_t size = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(gw->geos, gw->wkb, g, &size);
    if (!wkb)
        return NULL;
    OGRGeometryH og = NULL;
    OGRErr e = OGR_G_CreateFromWkb(wkb, NULL, &og, (int)size);
    GEOSFree_r(gw->geos, wkb);
    if (e != OGRERR_NONE)
        return NULL;
    if (type == wkbMultiPolygon)
        og = OGR_G_ForceToMultiPolygon(og);
    else if (type == wkbMultiLineString)
        og = OGR_G_ForceToMultiLineString(og);
    else if (type == wkbMultiPoint)
        og = OGR_G_ForceToMultiPoint(og);
    return og;
}

/* A layer named `name` from table t (total: the one-row total table whose
 * values go in a table without geometry). */
int lg_gpkg_write_table(gpkg_writer *gw, const char *name, const lg_table *t, int with_geom)
{
    return lg_gpkg_write_table_text(gw, name, t, with_geom, NULL, 0, NULL);
}

/* id, name, then the text columns: ntext + 2 String fields. */
static int create_text_fields(gpkg_writer *gw, OGRLayerH L, const char *const *text_names,
                              size_t ntext)
{
    for (size_t k = 0; k < ntext + 2; k++) {
        OGRFieldDefnH f = OGR_Fld_Create(k == 0 ? "id" : k == 1 ? "name" : text_names[k - 2],
                                         OFTString);
        OGRErr e = OGR_L_CreateField(L, f, TRUE);
        OGR_Fld_Destroy(f);
        if (e != OGRERR_NONE)
            return gw_fail(gw, "cannot create a field");
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Default styles (the layer_styles table QGIS reads)                  */

static OGRLayerH styles_layer(gpkg_writer *gw)
{
    if (gw->styles)
        return gw->styles;
    char **lco = CSLSetNameValue(NULL, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
    lco = CSLSetNameValue(lco, "FID", "id"); /* QGIS's own schema */
    OGRLayerH L = GDALDatasetCreateLayer(gw->ds, "layer_styles", NULL, wkbNone, lco);
    CSLDestroy(lco);
    if (!L)
        return NULL;
    static const struct {
        const char *name;
        OGRFieldType type;
        OGRFieldSubType sub;
    } cols[] = {{"f_table_catalog", OFTString, OFSTNone},  {"f_table_schema", OFTString, OFSTNone},
                {"f_table_name", OFTString, OFSTNone},     {"f_geometry_column", OFTString, OFSTNone},
                {"styleName", OFTString, OFSTNone},        {"styleQML", OFTString, OFSTNone},
                {"styleSLD", OFTString, OFSTNone},         {"useAsDefault", OFTInteger, OFSTBoolean},
                {"description", OFTString, OFSTNone},      {"owner", OFTString, OFSTNone},
                {"ui", OFTString, OFSTNone},               {"update_time", OFTDateTime, OFSTNone}};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        OGRFieldDefnH f = OGR_Fld_Create(cols[k].name, cols[k].type);
        OGR_Fld_SetSubType(f, cols[k].sub);
        OGRErr e = OGR_L_CreateField(L, f, TRUE);
        OGR_Fld_Destroy(f);
        if (e != OGRERR_NONE)
            return NULL;
    }
    return gw->styles = L;
}

int lg_gpkg_write_style(gpkg_writer *gw, const char *layer, const char *style_name,
                        const char *qml, const char *sld, const char *description)
{
    OGRLayerH L = styles_layer(gw);
    if (!L)
        return gw_fail(gw, "cannot create the layer_styles table");
    OGRFeatureH F = OGR_F_Create(OGR_L_GetLayerDefn(L));
    const char *text[] = {"", "", layer, "geom", style_name, qml, sld};
    for (int k = 0; k < 7; k++)
        OGR_F_SetFieldString(F, k, text[k]);
    OGR_F_SetFieldInteger(F, 7, 1);
    OGR_F_SetFieldString(F, 8, description);
    OGR_F_SetFieldString(F, 9, "geoplan");
    OGR_F_SetFieldNull(F, 10);
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    OGR_F_SetFieldDateTimeEx(F, 11, tmv.tm_year + 1900, tmv.tm_mon + 1, tmv.tm_mday, tmv.tm_hour,
                             tmv.tm_min, (float)tmv.tm_sec, 100);
    OGRErr e = OGR_L_CreateFeature(L, F);
    OGR_F_Destroy(F);
    return e == OGRERR_NONE ? 0 : gw_fail(gw, "cannot write a style");
}

/* The legend text of an efficiency class. */
static const char *class_label(const char *v)
{
    static const char *const L[][2] = {{"A", "A 类（优先发展）"}, {"B", "B 类（提升发展）"},
                                       {"C", "C 类（调整转型）"}, {"D", "D 类（整治淘汰）"},
                                       {"T", "T 类（暂不评价）"}, {"N", "N 类（无法评价）"}};
    for (size_t k = 0; k < 6; k++)
        if (!strcmp(v, L[k][0]))
            return L[k][1];
    return v;
}

#define STYLE_MAX 16

/* The default style of a layer just written: the efficiency class
 * (categorized, A first), the screening verdict (conflict 0/1), hatched
 * uncovered areas, else 亩均税收 by natural breaks, else the first column
 * with values by quantiles.  No style when nothing can be classed. */
static int write_default_style(gpkg_writer *gw, const char *layer, const lg_table *t,
                               char *const *names, const char *const *text_names, size_t ntext,
                               const char *const *cells, OGRwkbGeometryType type)
{
    size_t rows = lg_table_rows(t), nc = lg_table_columns(t);
    lg_style st = {.layer = layer};
    st.geom = type == wkbMultiPoint        ? LG_STYLE_MARKER
              : type == wkbMultiLineString ? LG_STYLE_LINE
                                           : LG_STYLE_FILL;
    double rgb[STYLE_MAX][3], bounds[STYLE_MAX + 1];
    const char *vals[STYLE_MAX], *labels[STYLE_MAX];
    char lbuf[STYLE_MAX][80];
    char desc[300];
    int k = -1;
    for (size_t c = 0; c < ntext; c++)
        if (!strcmp(text_names[c], "class"))
            k = (int)c;
    int conflict = lg_table_column_index(t, "conflict");
    size_t len = strlen(layer);
    if (len > 10 && !strcmp(layer + len - 10, "_uncovered") && st.geom == LG_STYLE_FILL) {
        st.nclasses = 0;
        rgb[0][0] = 0.6, rgb[0][1] = 0, rgb[0][2] = 0.05;
        snprintf(desc, sizeof desc, "geoplan: %s hatched", layer);
    } else if (k >= 0) {
        /* A B C D T N in that order, then any other value as found */
        static const char *const order[] = {"A", "B", "C", "D", "T", "N"};
        int n = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t r = 0; r < rows + 6 && n < STYLE_MAX; r++) {
                const char *v = pass == 0 ? (r < 6 ? order[r] : NULL) : (r < rows ? cells[r * ntext + (size_t)k] : NULL);
                if (!v || !*v)
                    continue;
                int seen = 0, present = pass == 1;
                for (int j = 0; j < n && !seen; j++)
                    seen = !strcmp(vals[j], v);
                for (size_t q = 0; !present && q < rows; q++)
                    present = cells[q * ntext + (size_t)k] && !strcmp(cells[q * ntext + (size_t)k], v);
                if (seen || !present)
                    continue;
                vals[n] = v;
                labels[n] = class_label(v);
                lg_map_category_rgb(v, NULL, n, rgb[n]);
                n++;
            }
        if (!n)
            return 0;
        st.field = "class";
        st.nclasses = n;
        st.values = vals;
        st.labels = labels;
        snprintf(desc, sizeof desc, "geoplan: classes of %s", layer);
    } else if (conflict >= 0) {
        static const char *const v[] = {"0", "1"}, *const l[] = {"通过", "冲突"};
        for (int j = 0; j < 2; j++) {
            vals[j] = v[j];
            labels[j] = l[j];
            lg_map_category_rgb(NULL, l[j], j, rgb[j]);
        }
        st.field = names[conflict];
        st.nclasses = 2;
        st.values = vals;
        st.labels = labels;
        st.values_numeric = 1;
        snprintf(desc, sizeof desc, "geoplan: screening verdict (conflict 0/1)");
    } else {
        int col = lg_table_column_index(t, "tax_per_mu");
        lg_class_method method = col >= 0 ? LG_CLASS_JENKS : LG_CLASS_QUANTILE;
        double *v = malloc((rows ? rows : 1) * sizeof *v);
        if (!v) {
            lg_error(gw->ctx, LG_ERR_NOMEM, "out of memory");
            return -1;
        }
        int nclasses = 0;
        for (size_t c = col >= 0 ? (size_t)col : 0; c < nc && nclasses < 2; c++) {
            double lo = INFINITY, hi = -INFINITY;
            for (size_t r = 0; r < rows; r++) {
                v[r] = lg_table_value(t, r, c);
                if (isfinite(v[r]))
                    lo = fmin(lo, v[r]), hi = fmax(hi, v[r]);
            }
            /* a column with fewer than two values is not classed */
            if (!(hi > lo) ||
                lg_class_bounds(gw->ctx, method, v, rows, 5, bounds, &nclasses) != LG_OK)
                nclasses = 0;
            col = (int)c;
            if (method == LG_CLASS_JENKS && nclasses < 2)
                method = LG_CLASS_QUANTILE, c = (size_t)-1; /* fall back: every column */
        }
        free(v);
        if (nclasses < 2)
            return 0;
        const char *unit = lg_table_column_unit(t, (size_t)col);
        for (int j = 0; j < nclasses; j++) {
            snprintf(lbuf[j], sizeof lbuf[j], "%.4g – %.4g", bounds[j], bounds[j + 1]);
            labels[j] = lbuf[j];
            lg_map_ramp_rgb(LG_PALETTE_YLGNBU, nclasses, j, rgb[j]);
        }
        st.field = names[col];
        st.nclasses = nclasses;
        st.bounds = bounds;
        st.labels = labels;
        snprintf(desc, sizeof desc, "geoplan: %s of %s%s%s%s", lg_class_method_name(method),
                 lg_table_column_name(t, (size_t)col), unit[0] ? " [" : "", unit,
                 unit[0] ? "]" : "");
    }
    st.rgb = (const double(*)[3])rgb;
    char *qml = lg_style_qml(gw->ctx, &st), *sld = qml ? lg_style_sld(gw->ctx, &st) : NULL;
    int rc = -1;
    if (qml && sld) {
        char sname[300];
        snprintf(sname, sizeof sname, "%s%s%s", layer, st.field ? " " : "", st.field ? st.field : "");
        rc = lg_gpkg_write_style(gw, layer, sname, qml, sld, desc);
    }
    free(qml);
    free(sld);
    return rc;
}

int lg_gpkg_write_table_text(gpkg_writer *gw, const char *name, const lg_table *t,
                             int with_geom, const char *const *text_names, size_t ntext,
                             const char *const *cells)
{
    int has_geom = 0;
    OGRwkbGeometryType type = with_geom ? layer_geom_type(gw, t, &has_geom) : wkbNone;
    if (with_geom && !has_geom && !strcmp(name, "zones"))
        type = wkbMultiPolygon;
    char **lco = NULL;
    if (type == wkbNone)
        lco = CSLSetNameValue(lco, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
    OGRLayerH L = GDALDatasetCreateLayer(gw->ds, name, type == wkbNone ? NULL : gw->srs, type, lco);
    CSLDestroy(lco);
    if (!L) {
        char what[256];
        snprintf(what, sizeof what, "cannot create layer %s", name);
        return gw_fail(gw, what);
    }
    size_t nc = lg_table_columns(t);
    char **names = calloc(nc + 1, sizeof *names);
    if (!names) {
        lg_error(gw->ctx, LG_ERR_NOMEM, "out of memory");
        return -1;
    }
    int rc = create_text_fields(gw, L, text_names, ntext);
    for (size_t c = 0; c < nc && !rc; c++) {
        names[c] = safe_field_name(lg_table_column_name(t, c), names, c);
        if (!names[c]) {
            lg_error(gw->ctx, LG_ERR_NOMEM, "out of memory");
            rc = -1;
            break;
        }
        OGRFieldDefnH f = OGR_Fld_Create(names[c], OFTReal);
        char label[512];
        lg_table_column_label(t, c, label, sizeof label);
        OGR_Fld_SetAlternativeName(f, label);
        if (OGR_L_CreateField(L, f, TRUE) != OGRERR_NONE)
            rc = gw_fail(gw, "cannot create a field");
        OGR_Fld_Destroy(f);
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(L);
    for (size_t i = 0; i < lg_table_rows(t) && !rc; i++) {
        OGRFeatureH F = OGR_F_Create(defn);
        OGR_F_SetFieldString(F, 0, lg_table_row_id(t, i));
        OGR_F_SetFieldString(F, 1, lg_table_row_name(t, i));
        for (size_t k = 0; k < ntext; k++) {
            const char *s = cells[i * ntext + k];
            if (s)
                OGR_F_SetFieldString(F, (int)(k + 2), s);
            else
                OGR_F_SetFieldNull(F, (int)(k + 2));
        }
        for (size_t c = 0; c < nc; c++) {
            double v = lg_table_value(t, i, c);
            if (isfinite(v))
                OGR_F_SetFieldDouble(F, (int)(c + ntext + 2), v);
            else
                OGR_F_SetFieldNull(F, (int)(c + ntext + 2));
        }
        const GEOSGeometry *g = type != wkbNone ? lg_table_row_geom(t, i) : NULL;
        if (g) {
            OGRGeometryH og = to_ogr(gw, g, type);
            if (!og) {
                lg_error(gw->ctx, LG_ERR_GEOMETRY, "%s: cannot convert the geometry of %s row %zu",
                         gw->path, name, i);
                rc = -1;
            } else {
                OGR_F_SetGeometryDirectly(F, og);
            }
        }
        if (!rc && OGR_L_CreateFeature(L, F) != OGRERR_NONE)
            rc = gw_fail(gw, "cannot write a feature");
        OGR_F_Destroy(F);
    }
    if (!rc && type != wkbNone && lg_table_rows(t))
        rc = write_default_style(gw, name, t, names, text_names, ntext, cells, type);
    for (size_t c = 0; c < nc; c++)
        free(names[c]);
    free(names);
    return rc;
}

int lg_gpkg_write_kv(gpkg_writer *gw, const char *name, const char *const *keys,
                     const char *const *values, size_t n)
{
    char **lco = CSLSetNameValue(NULL, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
    OGRLayerH L = GDALDatasetCreateLayer(gw->ds, name, NULL, wkbNone, lco);
    CSLDestroy(lco);
    if (!L)
        return gw_fail(gw, "cannot create a table");
    const char *cols[] = {"key", "value"};
    for (int k = 0; k < 2; k++) {
        OGRFieldDefnH f = OGR_Fld_Create(cols[k], OFTString);
        OGRErr e = OGR_L_CreateField(L, f, TRUE);
        OGR_Fld_Destroy(f);
        if (e != OGRERR_NONE)
            return gw_fail(gw, "cannot create a field");
    }
    for (size_t i = 0; i < n; i++) {
        OGRFeatureH F = OGR_F_Create(OGR_L_GetLayerDefn(L));
        OGR_F_SetFieldString(F, 0, keys[i]);
        OGR_F_SetFieldString(F, 1, values[i] ? values[i] : "");
        OGRErr e = OGR_L_CreateFeature(L, F);
        OGR_F_Destroy(F);
        if (e != OGRERR_NONE)
            return gw_fail(gw, "cannot write a feature");
    }
    return 0;
}

static int write_params(gpkg_writer *gw, const lg_result *r)
{
    /* the kernel, unit and CRS first, then the unit of each column (GDAL
     * 3.6 keeps no field aliases in a GeoPackage), the kernel's parameters
     * and the warnings */
    const lg_table *zt = lg_result_zones(r);
    size_t nc = zt ? lg_table_columns(zt) : 0;
    size_t np = lg_result_param_count(r), nw = lg_result_warning_count(r), n = 3 + nc + np + nw;
    const char **k = calloc(n, sizeof *k), **v = calloc(n, sizeof *v);
    char **owned = calloc(nc ? nc : 1, sizeof *owned);
    int rc = k && v && owned ? 0 : -1;
    if (rc)
        lg_error(gw->ctx, LG_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        if (i == 0) {
            k[i] = "kernel", v[i] = lg_result_kernel(r);
        } else if (i == 1) {
            k[i] = "unit", v[i] = lg_result_unit(r);
        } else if (i == 2) {
            k[i] = "crs", v[i] = lg_result_crs(r);
        } else if (i < 3 + nc) {
            owned[i - 3] = lg_sprintf(gw->ctx, "unit:%s", lg_table_column_name(zt, i - 3));
            k[i] = owned[i - 3], v[i] = lg_table_column_unit(zt, i - 3);
            rc = owned[i - 3] ? 0 : -1;
        } else if (i < 3 + nc + np) {
            k[i] = lg_result_param_key(r, i - 3 - nc), v[i] = lg_result_param_value(r, i - 3 - nc);
        } else {
            k[i] = "warning", v[i] = lg_result_warning(r, i - 3 - nc - np);
        }
    }
    if (!rc)
        rc = lg_gpkg_write_kv(gw, "params", k, v, n);
    for (size_t c = 0; owned && c < nc; c++)
        free(owned[c]);
    free(owned);
    free(k);
    free(v);
    return rc;
}

gpkg_writer *lg_gpkg_begin(lg_ctx *ctx, const char *path, const char *crs_wkt)
{
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv) {
        lg_error(ctx, LG_ERR_IO, "GDAL has no GPKG driver");
        return NULL;
    }
    gpkg_writer *gw = lg_calloc(ctx, 1, sizeof *gw);
    if (!gw)
        return NULL;
    gw->ctx = ctx;
    gw->geos = lg_ctx_geos(ctx);
    if (snprintf(gw->path, sizeof gw->path, "%s", path) >= (int)sizeof gw->path ||
        lg_output_tmp_path(path, gw->tmp, sizeof gw->tmp) != 0) {
        lg_error(ctx, LG_ERR_ARG, "%s: path too long", path);
        free(gw);
        return NULL;
    }
    remove_tmp_files(gw->tmp);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    int rc = 0;
    gw->srs = OSRNewSpatialReference(NULL);
    if (!gw->srs || OSRSetFromUserInput(gw->srs, crs_wkt) != OGRERR_NONE)
        rc = gw_fail(gw, "cannot use the working CRS for the GeoPackage");
    if (!rc) {
        OSRSetAxisMappingStrategy(gw->srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (!(gw->wkb = GEOSWKBWriter_create_r(gw->geos))) {
            lg_error(ctx, LG_ERR_NOMEM, "cannot make a GEOS WKB writer");
            rc = -1;
        }
    }
    if (!rc && !(gw->ds = GDALCreate(drv, gw->tmp, 0, 0, 0, GDT_Unknown, NULL)))
        rc = gw_fail(gw, "cannot create the file");
    if (!rc && GDALDatasetStartTransaction(gw->ds, FALSE) != OGRERR_NONE)
        rc = gw_fail(gw, "cannot start a transaction");
    CPLPopErrorHandler();
    if (rc) {
        lg_gpkg_end(gw, 0, 0);
        return NULL;
    }
    return gw;
}

lg_status lg_gpkg_end(gpkg_writer *gw, int commit, int rename_now)
{
    if (!gw)
        return LG_OK;
    lg_ctx *ctx = gw->ctx;
    int rc = commit ? 0 : -1;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    if (commit && GDALDatasetCommitTransaction(gw->ds) != OGRERR_NONE)
        rc = gw_fail(gw, "cannot commit");
    if (gw->ds) {
        CPLErrorReset();
        GDALClose(gw->ds);
        if (!rc && CPLGetLastErrorType() >= CE_Failure)
            rc = gw_fail(gw, "cannot finish the GeoPackage");
    }
    CPLPopErrorHandler();
    if (gw->wkb)
        GEOSWKBWriter_destroy_r(gw->geos, gw->wkb);
    if (gw->srs)
        OSRDestroySpatialReference(gw->srs);
    if (!rc && rename_now && rename(gw->tmp, gw->path) != 0) {
        lg_error(ctx, LG_ERR_IO, "cannot rename %s to %s: %s", gw->tmp, gw->path,
                 strerror(errno));
        rc = -1;
    }
    if (rc)
        remove_tmp_files(gw->tmp);
    lg_status st = rc ? (lg_ctx_errno(ctx) != LG_OK ? lg_ctx_errno(ctx) : LG_ERR_IO) : LG_OK;
    free(gw);
    return st;
}

lg_status lg_result_write_gpkg(lg_ctx *ctx, const lg_result *r, const char *crs_wkt,
                               const char *path)
{
    gpkg_writer *gw = lg_gpkg_begin(ctx, path, crs_wkt);
    if (!gw)
        return lg_ctx_errno(ctx);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int rc = lg_gpkg_write_table(gw, "zones", lg_result_zones(r), 1);
    for (size_t i = 0; !rc && i < lg_result_detail_count(r); i++) {
        const lg_table *d = lg_result_detail(r, i);
        rc = lg_gpkg_write_table(gw, lg_table_name(d), d, 1);
    }
    if (!rc && lg_result_total(r))
        rc = lg_gpkg_write_table(gw, "total", lg_result_total(r), 0);
    if (!rc)
        rc = write_params(gw, r);
    CPLPopErrorHandler();
    return lg_gpkg_end(gw, !rc, 1);
}
