/* Layers in: open any GDAL vector source, detect the text encoding, read
 * every feature into the working CRS as valid GEOS geometry with decoded
 * UTF-8 attributes. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "gdal_util.h"
#include "libgeo/lg_layer.h"
#include "lg_internal.h"
#include "measure_internal.h"
#include "ogr_geos.h"

typedef struct column {
    lg_field_type type;
    double *num;          /* numeric fields */
    unsigned char *set;   /* numeric fields: 1 when not NULL */
    char **text;          /* other fields: decoded UTF-8 or NULL */
} column;

typedef struct field_info {
    char *name;           /* UTF-8 */
    lg_field_type type;
    const char *gdal_type;
    int width;
} field_info;

struct lg_layer {
    char *source;
    char *name;
    char *driver;
    char *where;
    GDALDatasetH ds;
    OGRLayerH ogr;
    long long declared_count;
    char *geom_type_name;
    lg_geom_kind kind;
    lg_crs *src_crs;
    int src_crs_stated;
    int src_authority_order; /* data stored lat/lon (y first) */
    lg_datum datum;
    lg_invalid_policy invalid;
    int lossy_text;
    const char *encoding; /* static canonical name */
    lg_encoding_source encoding_source;
    lg_decoder *decoder;
    int have_src_extent;
    double src_extent[4];
    size_t nfields;
    field_info *fields;

    /* after load */
    int loaded_flag;
    lg_crs *crs;
    size_t n, cap;
    GEOSGeometry **geoms;
    long long *fids;
    column *cols;
    lg_load_stats stats;
    long long *invalid_fids;
    int kept_invalid; /* an invalid geometry kept as it is (policy keep) */
    size_t invalid_cap;
    double extent[4];
    /* built on first use by the kernels (measure_internal.h) */
    double *boxes;
    lg_index *index;
    /* a view (lg_layer_view): geometries and text borrowed from its base */
    int view;
    /* SRS= as given at open (to open the same layer again for a chunk) */
    char *srs_opt;
    /* load only features [range_start, range_end) in read order (a chunk
     * of a big layer read on another thread); range_end 0: all */
    long long range_start, range_end;
};

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

int lg_invalid_policy_parse(const char *text, lg_invalid_policy *out)
{
    static const char *names[] = {"stop", "skip", "fix", "keep"};
    for (int i = 0; i < 4; i++) {
        if (text && !lg_strcasecmp(text, names[i])) {
            *out = (lg_invalid_policy)i;
            return 1;
        }
    }
    return 0;
}

const char *lg_invalid_policy_name(lg_invalid_policy policy)
{
    switch (policy) {
    case LG_INVALID_STOP: return "stop";
    case LG_INVALID_SKIP: return "skip";
    case LG_INVALID_FIX: return "fix";
    case LG_INVALID_KEEP: return "keep";
    }
    return "?";
}

const char *lg_geom_kind_name(lg_geom_kind kind)
{
    switch (kind) {
    case LG_GEOM_NONE: return "none";
    case LG_GEOM_POINT: return "point";
    case LG_GEOM_LINE: return "line";
    case LG_GEOM_POLYGON: return "polygon";
    case LG_GEOM_MIXED: return "mixed";
    }
    return "?";
}

static lg_geom_kind kind_of_ogr(OGRwkbGeometryType t)
{
    switch (wkbFlatten(t)) {
    case wkbNone: return LG_GEOM_NONE;
    case wkbPoint:
    case wkbMultiPoint: return LG_GEOM_POINT;
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve: return LG_GEOM_LINE;
    case wkbPolygon:
    case wkbMultiPolygon:
    case wkbCurvePolygon:
    case wkbMultiSurface:
    case wkbTriangle:
    case wkbTIN:
    case wkbPolyhedralSurface: return LG_GEOM_POLYGON;
    default: return LG_GEOM_MIXED;
    }
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void lg_strings_free(char **strings)
{
    if (!strings)
        return;
    for (char **s = strings; *s; s++)
        free(*s);
    free(strings);
}

/* ------------------------------------------------------------------ */
/* opening                                                             */

static int is_shapefile_driver(GDALDriverH drv)
{
    return drv && !strcmp(GDALGetDriverShortName(drv), "ESRI Shapefile");
}

/* Open `source` read-only as vector data.  Shapefiles are opened without
 * GDAL's recoding (ENCODING=""): libgeo decodes DBF text itself, strictly. */
static GDALDatasetH open_dataset(lg_ctx *ctx, const char *source)
{
    lg_gdal_capture cap;
    lg_gdal_capture_begin(&cap, ctx, NULL);
    GDALDriverH drv = GDALIdentifyDriverEx(source, GDAL_OF_VECTOR, NULL, NULL);
    const char *shp_opts[] = {"ENCODING=", NULL};
    /* GDAL's GML reader would write a .gfs schema file beside the input:
     * inputs are never modified. */
    const char *gml_opts[] = {"WRITE_GFS=NO", NULL};
    const char *const *opts = NULL;
    if (is_shapefile_driver(drv))
        opts = shp_opts;
    else if (drv && !strcmp(GDALGetDriverShortName(drv), "GML"))
        opts = gml_opts;
    GDALDatasetH ds = GDALOpenEx(source, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                 NULL, opts, NULL);
    lg_gdal_capture_end(&cap);
    if (!ds) {
        struct stat st;
        if (strncmp(source, "PG:", 3) && stat(source, &st) != 0)
            lg_error(ctx, LG_ERR_IO, "%s: no such file or directory", source);
        else
            lg_error(ctx, LG_ERR_IO, "%s: cannot open as vector data (%s)", source,
                     lg_gdal_capture_message(&cap));
    }
    return ds;
}

lg_status lg_source_layers(lg_ctx *ctx, const char *source, char ***names, size_t *count)
{
    *names = NULL;
    *count = 0;
    GDALDatasetH ds = open_dataset(ctx, source);
    if (!ds)
        return lg_ctx_errno(ctx);
    int n = GDALDatasetGetLayerCount(ds);
    char **out = lg_calloc(ctx, (size_t)n + 1, sizeof *out);
    for (int i = 0; out && i < n; i++) {
        if (!(out[i] = lg_strdup(ctx, OGR_L_GetName(GDALDatasetGetLayer(ds, i))))) {
            lg_strings_free(out);
            out = NULL;
        }
    }
    GDALClose(ds);
    if (!out)
        return lg_ctx_errno(ctx);
    *names = out;
    *count = (size_t)n;
    return LG_OK;
}

/* Parse "KEY=VALUE" options into the layer; returns LG_OK or an error. */
typedef struct open_opts {
    const char *layer, *where, *encoding, *text, *srs, *datum, *invalid;
} open_opts;

static lg_status parse_options(lg_ctx *ctx, const char *const *options, open_opts *o)
{
    memset(o, 0, sizeof *o);
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {
        {"LAYER", offsetof(open_opts, layer)},   {"WHERE", offsetof(open_opts, where)},
        {"ENCODING", offsetof(open_opts, encoding)}, {"TEXT", offsetof(open_opts, text)},
        {"SRS", offsetof(open_opts, srs)},       {"DATUM", offsetof(open_opts, datum)},
        {"INVALID", offsetof(open_opts, invalid)},
    };
    for (size_t i = 0; options && options[i]; i++) {
        const char *eq = strchr(options[i], '=');
        size_t k = 0, nk = sizeof keys / sizeof keys[0];
        for (; eq && k < nk; k++) {
            size_t len = strlen(keys[k].key);
            if ((size_t)(eq - options[i]) == len && !strncmp(options[i], keys[k].key, len))
                break;
        }
        if (!eq || k == nk)
            return lg_error(ctx, LG_ERR_ARG,
                            "unknown layer option '%s' (known: LAYER, WHERE, ENCODING, TEXT, SRS, "
                            "DATUM, INVALID)",
                            options[i]);
        *(const char **)((char *)o + keys[k].off) = eq + 1;
    }
    return LG_OK;
}

/* Read a DBF's raw text samples (field names and string values of the first
 * features) for encoding guessing. */
static const char *guess_encoding(lg_layer *L, int *non_ascii)
{
    enum { MAX_SAMPLES = 4096 };
    const char **samples = calloc(MAX_SAMPLES, sizeof *samples);
    size_t *lengths = calloc(MAX_SAMPLES, sizeof *lengths);
    char **owned = calloc(MAX_SAMPLES, sizeof *owned);
    size_t n = 0;
    *non_ascii = 0;
    const char *result = "UTF-8";
    if (!samples || !lengths || !owned)
        goto done;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(L->ogr);
    int nf = OGR_FD_GetFieldCount(defn);
    for (int i = 0; i < nf && n < MAX_SAMPLES; i++) {
        const char *s = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        if ((owned[n] = dup_str(s)))
            samples[n] = owned[n], lengths[n] = strlen(s), n++;
    }
    OGR_L_ResetReading(L->ogr);
    OGRFeatureH f;
    while (n < MAX_SAMPLES && (f = OGR_L_GetNextFeature(L->ogr))) {
        for (int i = 0; i < nf && n < MAX_SAMPLES; i++) {
            if (OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)) != OFTString ||
                !OGR_F_IsFieldSetAndNotNull(f, i))
                continue;
            const char *s = OGR_F_GetFieldAsString(f, i);
            if ((owned[n] = dup_str(s)))
                samples[n] = owned[n], lengths[n] = strlen(s), n++;
        }
        OGR_F_Destroy(f);
    }
    OGR_L_ResetReading(L->ogr);
    for (size_t i = 0; i < n && !*non_ascii; i++)
        for (const unsigned char *p = (const unsigned char *)samples[i]; *p; p++)
            if (*p >= 0x80) {
                *non_ascii = 1;
                break;
            }
    result = lg_encoding_guess(samples, lengths, n);
done:
    for (size_t i = 0; owned && i < n; i++)
        free(owned[i]);
    free(owned);
    free(samples);
    free(lengths);
    return result;
}

/* Work out the layer's text encoding and make its decoder. */
static lg_status setup_encoding(lg_ctx *ctx, lg_layer *L, const char *override, int shapefile)
{
    if (override) {
        L->encoding = lg_encoding_canonical(override);
        if (!L->encoding)
            return lg_error(ctx, LG_ERR_ARG,
                            "unknown encoding '%s': use GBK, GB18030, UTF-8, BIG5, CP1252 …",
                            override);
        L->encoding_source = LG_ENC_OVERRIDE;
    } else if (shapefile) {
        char *shp = is_dir(L->source) ? lg_sprintf(ctx, "%s/%s.shp", L->source, L->name)
                                      : lg_strdup(ctx, L->source);
        if (!shp)
            return lg_ctx_errno(ctx);
        unsigned ldid = 0;
        lg_status st = lg_dbf_encoding(ctx, shp, &L->encoding, &L->encoding_source, &ldid);
        free(shp);
        if (st != LG_OK)
            return st;
        if (!L->encoding) {
            int non_ascii = 0;
            L->encoding = guess_encoding(L, &non_ascii);
            if (!L->encoding)
                return lg_error(ctx, LG_ERR_ENCODING,
                                "%s: the DBF declares no encoding (no .cpg file, LDID byte 0x%02X) "
                                "and its text is neither UTF-8 nor GBK: state it (ENCODING=, "
                                "geoplan --encoding)",
                                L->source, ldid);
            L->encoding_source = LG_ENC_GUESSED;
            if (non_ascii)
                lg_warn(ctx,
                        "%s: the DBF declares no encoding (no .cpg file, LDID byte 0x%02X); its "
                        "text was guessed to be %s. Check the names it shows, or state the "
                        "encoding (geoplan --encoding), or add a .cpg file",
                        L->source, ldid, L->encoding);
        }
    } else {
        L->encoding = "UTF-8";
        L->encoding_source = LG_ENC_FORMAT;
    }
    L->decoder = lg_decoder_new(ctx, L->encoding);
    return L->decoder ? LG_OK : lg_ctx_errno(ctx);
}

/* Decode raw text to a new UTF-8 string; on failure the error names the
 * feature and field.  Pure ASCII is copied as is. */
static char *decode_text(lg_ctx *ctx, lg_layer *L, const char *raw, long long fid,
                         const char *field)
{
    const unsigned char *p = (const unsigned char *)raw;
    while (*p && *p < 0x80)
        p++;
    if (!*p)
        return lg_strdup(ctx, raw);
    size_t replaced = 0;
    char *s = lg_decoder_decode(ctx, L->decoder, raw, strlen(raw), L->lossy_text, &replaced);
    if (!s) {
        if (lg_ctx_errno(ctx) == LG_ERR_ENCODING) {
            char why[512];
            snprintf(why, sizeof why, "%s", lg_ctx_errmsg(ctx));
            lg_error(ctx, LG_ERR_ENCODING,
                     "%s (layer %s): feature FID %lld, field '%s': %s. The layer is read as %s "
                     "(%s); if that is wrong, state the encoding (geoplan --encoding), or read it "
                     "lossy (--text lossy) to replace bad bytes",
                     L->source, L->name, fid, field, why, L->encoding,
                     lg_encoding_source_name(L->encoding_source));
        }
        return NULL;
    }
    if (replaced) {
        if (!L->stats.text_replaced)
            lg_warn(ctx,
                    "%s: feature FID %lld, field '%s': %zu byte(s) are not valid %s and were "
                    "replaced by U+FFFD",
                    L->source, fid, field, replaced, L->encoding);
        L->stats.text_replaced += replaced;
    }
    return s;
}

static lg_status read_fields(lg_ctx *ctx, lg_layer *L)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(L->ogr);
    int nf = OGR_FD_GetFieldCount(defn);
    L->fields = lg_calloc(ctx, (size_t)(nf > 0 ? nf : 1), sizeof *L->fields);
    if (!L->fields)
        return lg_ctx_errno(ctx);
    L->nfields = (size_t)nf;
    for (int i = 0; i < nf; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
        OGRFieldType t = OGR_Fld_GetType(fd);
        field_info *fi = &L->fields[i];
        fi->gdal_type = OGR_GetFieldTypeName(t);
        fi->width = OGR_Fld_GetWidth(fd);
        switch (t) {
        case OFTInteger:
        case OFTInteger64: fi->type = LG_FIELD_INTEGER; break;
        case OFTReal: fi->type = LG_FIELD_REAL; break;
        case OFTString: fi->type = LG_FIELD_STRING; break;
        case OFTDate:
        case OFTDateTime:
        case OFTTime: fi->type = LG_FIELD_DATE; break;
        default: fi->type = LG_FIELD_OTHER; break;
        }
        if (!(fi->name = decode_text(ctx, L, OGR_Fld_GetNameRef(fd), -1, "(field name)")))
            return lg_ctx_errno(ctx);
    }
    return LG_OK;
}

/* The layer's CRS from the file, or the SRS option. */
static lg_status setup_crs(lg_ctx *ctx, lg_layer *L, const char *srs)
{
    if (srs) {
        if (!(L->src_crs = lg_crs_new(ctx, srs)))
            return lg_ctx_errno(ctx);
        L->src_crs_stated = 1;
        return LG_OK;
    }
    OGRSpatialReferenceH sr = OGR_L_GetSpatialRef(L->ogr);
    if (!sr)
        return LG_OK; /* no CRS: an error only when a measure needs one */
    char *wkt = NULL;
    const char *opts[] = {"FORMAT=WKT2_2019", NULL};
    lg_gdal_capture cap;
    lg_gdal_capture_begin(&cap, ctx, NULL);
    OGRErr e = OSRExportToWktEx(sr, &wkt, opts);
    lg_gdal_capture_end(&cap);
    PJ *pj = (e == OGRERR_NONE && wkt) ? proj_create(lg_ctx_proj(ctx), wkt) : NULL;
    CPLFree(wkt);
    if (!pj)
        return lg_error(ctx, LG_ERR_CRS,
                        "%s: the layer's CRS cannot be read (%s); state it (SRS=, geoplan "
                        "--src-crs EPSG:…)",
                        L->source, OSRGetName(sr) ? OSRGetName(sr) : "unnamed");
    if (!(L->src_crs = lg_crs_from_pj(ctx, pj)))
        return lg_ctx_errno(ctx);
    /* GDAL tells how data axes map to the CRS's axes. Data is normally
     * stored x = east (mapping 2,1 for a lat-first CRS); a mapping of 1,2
     * on a lat-first CRS means the data itself is stored lat, lon. */
    int count = 0;
    const int *map = OSRGetDataAxisToSRSAxisMapping(sr, &count);
    if (count >= 2 && map[0] == 1 && map[1] == 2 &&
        (OSREPSGTreatsAsLatLong(sr) || OSREPSGTreatsAsNorthingEasting(sr)))
        L->src_authority_order = 1;
    return LG_OK;
}

/* Set the attribute filter.  A shapefile is read without recoding, so OGR
 * compares the DBF's raw bytes: the filter's literals and field names are
 * re-encoded into the layer's encoding first (a Chinese literal in a GBK
 * file would otherwise match nothing, silently). */
static lg_status apply_where(lg_ctx *ctx, lg_layer *L, const char *where)
{
    int raw = L->decoder && lg_strcasecmp(L->encoding, "UTF-8") && !strcmp(L->driver,
                                                                           "ESRI Shapefile");
    char *sql = raw ? lg_encode_utf8(ctx, L->encoding, where) : lg_strdup(ctx, where);
    if (!sql) {
        if (lg_ctx_errno(ctx) == LG_ERR_ENCODING)
            return lg_error(ctx, LG_ERR_ARG, "%s: attribute filter: %s", L->source,
                            lg_ctx_errmsg(ctx));
        return lg_ctx_errno(ctx);
    }
    lg_gdal_capture cap;
    lg_gdal_capture_begin(&cap, ctx, NULL);
    OGRErr e = OGR_L_SetAttributeFilter(L->ogr, sql);
    lg_gdal_capture_end(&cap);
    free(sql);
    if (e != OGRERR_NONE)
        return lg_error(ctx, LG_ERR_ARG, "%s: bad attribute filter \"%s\": %s", L->source, where,
                        lg_gdal_capture_message(&cap));
    L->where = lg_strdup(ctx, where);
    return L->where ? LG_OK : lg_ctx_errno(ctx);
}

lg_layer *lg_layer_open(lg_ctx *ctx, const char *source, const char *const *options)
{
    open_opts o;
    if (!source || !*source) {
        lg_error(ctx, LG_ERR_ARG, "no source given");
        return NULL;
    }
    if (parse_options(ctx, options, &o) != LG_OK)
        return NULL;
    lg_layer *L = lg_calloc(ctx, 1, sizeof *L);
    if (!L)
        return NULL;
    L->declared_count = -1;
    if (!(L->source = lg_strdup(ctx, source)))
        goto fail;
    if (o.invalid && !lg_invalid_policy_parse(o.invalid, &L->invalid)) {
        lg_error(ctx, LG_ERR_ARG, "INVALID=%s: use stop, skip, fix or keep", o.invalid);
        goto fail;
    }
    if (o.datum && !lg_datum_parse(o.datum, &L->datum)) {
        lg_error(ctx, LG_ERR_ARG, "DATUM=%s: use none, gcj02 or bd09", o.datum);
        goto fail;
    }
    if (o.text) {
        if (!lg_strcasecmp(o.text, "lossy"))
            L->lossy_text = 1;
        else if (lg_strcasecmp(o.text, "strict")) {
            lg_error(ctx, LG_ERR_ARG, "TEXT=%s: use strict or lossy", o.text);
            goto fail;
        }
    }
    if (!(L->ds = open_dataset(ctx, source)))
        goto fail;
    GDALDriverH drv = GDALGetDatasetDriver(L->ds);
    L->driver = lg_strdup(ctx, drv ? GDALGetDriverShortName(drv) : "?");
    if (!L->driver)
        goto fail;
    int nlayers = GDALDatasetGetLayerCount(L->ds);
    if (o.layer) {
        L->ogr = GDALDatasetGetLayerByName(L->ds, o.layer);
        if (!L->ogr) {
            char list[512] = "";
            for (int i = 0; i < nlayers && strlen(list) < 400; i++) {
                strcat(list, i ? ", " : "");
                strncat(list, OGR_L_GetName(GDALDatasetGetLayer(L->ds, i)), 100);
            }
            lg_error(ctx, LG_ERR_ARG, "%s has no layer '%s' (it has: %s)", source, o.layer,
                     nlayers ? list : "none");
            goto fail;
        }
    } else {
        if (nlayers == 0) {
            lg_error(ctx, LG_ERR_IO, "%s holds no vector layer", source);
            goto fail;
        }
        L->ogr = GDALDatasetGetLayer(L->ds, 0);
        if (nlayers > 1)
            lg_warn(ctx, "%s has %d layers; using the first, '%s' (choose one with LAYER=, "
                    "or FILE:LAYER on the command line)",
                    source, nlayers, OGR_L_GetName(L->ogr));
    }
    if (!(L->name = lg_strdup(ctx, OGR_L_GetName(L->ogr))))
        goto fail;
    OGRwkbGeometryType gt = OGR_L_GetGeomType(L->ogr);
    L->kind = kind_of_ogr(gt);
    if (!(L->geom_type_name = lg_strdup(ctx, OGRGeometryTypeToName(gt))))
        goto fail;
    if (setup_crs(ctx, L, o.srs) != LG_OK)
        goto fail;
    if (o.srs && !(L->srs_opt = lg_strdup(ctx, o.srs)))
        goto fail;
    if (L->datum != LG_DATUM_NONE && L->src_crs && !lg_crs_is_geographic(L->src_crs)) {
        lg_error(ctx, LG_ERR_ARG,
                 "%s: DATUM=%s applies to longitude/latitude data, but the layer is in %s",
                 source, lg_datum_name(L->datum), lg_crs_name(L->src_crs));
        goto fail;
    }
    if (setup_encoding(ctx, L, o.encoding, is_shapefile_driver(drv)) != LG_OK)
        goto fail;
    if (read_fields(ctx, L) != LG_OK)
        goto fail;
    if (o.where && apply_where(ctx, L, o.where) != LG_OK)
        goto fail;
    {
        lg_gdal_capture cap;
        lg_gdal_capture_begin(&cap, ctx, NULL);
        L->declared_count = OGR_L_GetFeatureCount(L->ogr, 1);
        OGREnvelope env;
        if (L->kind != LG_GEOM_NONE && OGR_L_GetExtent(L->ogr, &env, 1) == OGRERR_NONE) {
            L->have_src_extent = 1;
            L->src_extent[0] = env.MinX, L->src_extent[1] = env.MinY;
            L->src_extent[2] = env.MaxX, L->src_extent[3] = env.MaxY;
            if (L->src_authority_order) {
                L->src_extent[0] = env.MinY, L->src_extent[1] = env.MinX;
                L->src_extent[2] = env.MaxY, L->src_extent[3] = env.MaxX;
            }
        }
        lg_gdal_capture_end(&cap);
    }
    return L;
fail:
    lg_layer_close(ctx, L);
    return NULL;
}

static void free_loaded(lg_ctx *ctx, lg_layer *L)
{
    GEOSContextHandle_t g = lg_ctx_geos(ctx);
    for (size_t i = 0; i < L->n && !L->view; i++)
        if (L->geoms[i]) /* NULL in a table */
            GEOSGeom_destroy_r(g, L->geoms[i]);
    free(L->geoms);
    free(L->fids);
    for (size_t f = 0; L->cols && f < L->nfields; f++) {
        column *c = &L->cols[f];
        if (c->text && !L->view)
            for (size_t i = 0; i < L->n; i++)
                free(c->text[i]);
        free(c->text);
        free(c->num);
        free(c->set);
    }
    free(L->cols);
    free(L->invalid_fids);
    free(L->boxes);
    L->boxes = NULL;
    L->index = lg_index_free(L->index);
    L->geoms = NULL, L->fids = NULL, L->cols = NULL, L->invalid_fids = NULL;
    L->n = L->cap = 0;
}

lg_layer *lg_layer_close(lg_ctx *ctx, lg_layer *L)
{
    if (!L)
        return NULL;
    free_loaded(ctx, L);
    if (L->ds) {
        lg_gdal_capture cap;
        lg_gdal_capture_begin(&cap, ctx, NULL);
        GDALClose(L->ds);
        lg_gdal_capture_end(&cap);
    }
    for (size_t i = 0; L->fields && i < L->nfields; i++)
        free(L->fields[i].name);
    free(L->fields);
    lg_decoder_free(L->decoder);
    lg_crs_free(L->src_crs);
    lg_crs_free(L->crs);
    free(L->source);
    free(L->name);
    free(L->driver);
    free(L->where);
    free(L->geom_type_name);
    free(L->srs_opt);
    free(L);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* accessors                                                           */

const char *lg_layer_source(const lg_layer *L) { return L->source; }
const char *lg_layer_name(const lg_layer *L) { return L->name; }
const char *lg_layer_driver(const lg_layer *L) { return L->driver; }
long long lg_layer_declared_count(const lg_layer *L) { return L->declared_count; }
const char *lg_layer_geom_type_name(const lg_layer *L) { return L->geom_type_name; }
lg_geom_kind lg_layer_geom_kind(const lg_layer *L) { return L->kind; }
const lg_crs *lg_layer_source_crs(const lg_layer *L) { return L->src_crs; }
int lg_layer_source_crs_stated(const lg_layer *L) { return L->src_crs_stated; }
lg_datum lg_layer_datum(const lg_layer *L) { return L->datum; }
const char *lg_layer_encoding(const lg_layer *L) { return L->encoding; }
lg_encoding_source lg_layer_encoding_source(const lg_layer *L) { return L->encoding_source; }
size_t lg_layer_field_count(const lg_layer *L) { return L->nfields; }
const char *lg_layer_field_name(const lg_layer *L, size_t i) { return L->fields[i].name; }
lg_field_type lg_layer_field_type(const lg_layer *L, size_t i) { return L->fields[i].type; }
const char *lg_layer_field_type_name(const lg_layer *L, size_t i) { return L->fields[i].gdal_type; }
int lg_layer_field_width(const lg_layer *L, size_t i) { return L->fields[i].width; }
const lg_load_stats *lg_layer_stats(const lg_layer *L) { return &L->stats; }
const long long *lg_layer_invalid_fids(const lg_layer *L) { return L->invalid_fids; }
const lg_crs *lg_layer_crs(const lg_layer *L) { return L->crs; }
size_t lg_layer_size(const lg_layer *L) { return L->n; }
const GEOSGeometry *lg_layer_geom(const lg_layer *L, size_t i) { return L->geoms[i]; }
long long lg_layer_fid(const lg_layer *L, size_t i) { return L->fids[i]; }

int lg_layer_source_extent(const lg_layer *L, double extent[4])
{
    if (!L->have_src_extent)
        return 0;
    memcpy(extent, L->src_extent, sizeof L->src_extent);
    return 1;
}

int lg_layer_extent(const lg_layer *L, double extent[4])
{
    if (!L->n || L->kind == LG_GEOM_NONE)
        return 0;
    memcpy(extent, L->extent, sizeof L->extent);
    return 1;
}

int lg_layer_field_index(const lg_layer *L, const char *name)
{
    for (size_t i = 0; i < L->nfields; i++)
        if (!strcmp(L->fields[i].name, name))
            return (int)i;
    for (size_t i = 0; i < L->nfields; i++)
        if (!lg_strcasecmp(L->fields[i].name, name))
            return (int)i;
    return -1;
}

const char *lg_layer_text(const lg_layer *L, size_t i, size_t field)
{
    const column *c = &L->cols[field];
    return c->text ? c->text[i] : NULL;
}

int lg_layer_number(const lg_layer *L, size_t i, size_t field, double *out)
{
    const column *c = &L->cols[field];
    if (!c->num || !c->set[i])
        return 0;
    *out = c->num[i];
    return 1;
}

/* ------------------------------------------------------------------ */
/* working CRS                                                         */

lg_crs *lg_layers_working_crs(lg_ctx *ctx, lg_layer *const *layers, size_t n,
                              const char *definition)
{
    if (definition)
        return lg_crs_choose(ctx, definition, NULL);
    double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    int any_crs = 0;
    for (size_t i = 0; i < n; i++) {
        const lg_crs *c = layers[i]->src_crs;
        if (!c)
            continue;
        any_crs = 1;
        if (lg_crs_is_metric_projected(c)) {
            lg_crs *w = lg_crs_clone(ctx, c);
            if (!w)
                return NULL;
            const char *src = layers[i]->source;
            char *why = strncmp(src, "PG:", 3)
                            ? lg_sprintf(ctx, "the CRS of layer %s (%s)", layers[i]->name, src)
                            : lg_sprintf(ctx, "the CRS of PostGIS layer %s", layers[i]->name);
            if (!why)
                return lg_crs_free(w);
            lg_crs_set_reason(w, why);
            return w;
        }
        double e[4];
        if (!lg_crs_is_geographic(c) || !lg_layer_source_extent(layers[i], e))
            continue;
        box[0] = fmin(box[0], e[0]), box[1] = fmin(box[1], e[1]);
        box[2] = fmax(box[2], e[2]), box[3] = fmax(box[3], e[3]);
    }
    if (!any_crs) {
        lg_error(ctx, LG_ERR_CRS,
                 "no layer states its CRS: state the CRS of the data (SRS=, geoplan --src-crs) "
                 "or the working CRS (geoplan --crs EPSG:…)");
        return NULL;
    }
    if (!(box[0] <= box[2])) {
        lg_error(ctx, LG_ERR_CRS,
                 "the layers are neither in a projected CRS in metres nor in longitude/latitude "
                 "with an extent: state the working CRS (geoplan --crs EPSG:…)");
        return NULL;
    }
    return lg_crs_choose(ctx, NULL, box);
}

/* ------------------------------------------------------------------ */
/* loading                                                             */

/* Room for at least `need` features (capacity doubles). */
static int reserve(lg_ctx *ctx, lg_layer *L, size_t need)
{
    if (need <= L->cap)
        return 1;
    size_t cap = L->cap ? L->cap : 1024;
    while (cap < need)
        cap *= 2;
    GEOSGeometry **g = lg_realloc(ctx, L->geoms, cap * sizeof *g);
    if (!g)
        return 0;
    L->geoms = g;
    long long *f = lg_realloc(ctx, L->fids, cap * sizeof *f);
    if (!f)
        return 0;
    L->fids = f;
    for (size_t k = 0; k < L->nfields; k++) {
        column *c = &L->cols[k];
        if (c->type == LG_FIELD_INTEGER || c->type == LG_FIELD_REAL) {
            double *num = lg_realloc(ctx, c->num, cap * sizeof *num);
            if (!num)
                return 0;
            c->num = num;
            unsigned char *set = lg_realloc(ctx, c->set, cap);
            if (!set)
                return 0;
            c->set = set;
        } else {
            char **t = lg_realloc(ctx, c->text, cap * sizeof *t);
            if (!t)
                return 0;
            c->text = t;
        }
    }
    L->cap = cap;
    return 1;
}

static int grow(lg_ctx *ctx, lg_layer *L) { return reserve(ctx, L, L->n + 1); }

static int record_invalid(lg_ctx *ctx, lg_layer *L, long long fid)
{
    if (L->stats.invalid == L->invalid_cap) {
        size_t cap = L->invalid_cap ? 2 * L->invalid_cap : 64;
        long long *p = lg_realloc(ctx, L->invalid_fids, cap * sizeof *p);
        if (!p)
            return 0;
        L->invalid_fids = p;
        L->invalid_cap = cap;
    }
    L->invalid_fids[L->stats.invalid++] = fid;
    return 1;
}

/* Keep only the parts of `g` of dimension `dim` (0 point, 1 line, 2 area)
 * after make-valid; returns a new geometry (possibly empty). */
static GEOSGeometry *extract_dim(GEOSContextHandle_t h, const GEOSGeometry *g, int dim)
{
    int n = GEOSGetNumGeometries_r(h, g);
    int type = GEOSGeomTypeId_r(h, g);
    if (type != GEOS_GEOMETRYCOLLECTION && GEOSGeom_getDimensions_r(h, g) == dim)
        return GEOSGeom_clone_r(h, g);
    GEOSGeometry **parts = malloc((size_t)(n > 0 ? n : 1) * sizeof *parts);
    unsigned np = 0;
    if (!parts)
        return NULL;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, i);
        if (p == g) /* a single, non-collection geometry of another dimension */
            break;
        GEOSGeometry *q = extract_dim(h, p, dim);
        if (!q)
            continue;
        int nq = GEOSGetNumGeometries_r(h, q);
        if (GEOSisEmpty_r(h, q) == 1) {
            GEOSGeom_destroy_r(h, q);
        } else if (nq > 1 && GEOSGeomTypeId_r(h, q) != GEOS_POINT &&
                   GEOSGeomTypeId_r(h, q) != GEOS_LINESTRING &&
                   GEOSGeomTypeId_r(h, q) != GEOS_POLYGON) {
            /* flatten a multi-part result */
            GEOSGeometry **more = realloc(parts, ((size_t)n + (size_t)nq) * sizeof *parts);
            if (!more) {
                GEOSGeom_destroy_r(h, q);
                break;
            }
            parts = more;
            for (int k = 0; k < nq; k++)
                parts[np++] = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, q, k));
            GEOSGeom_destroy_r(h, q);
        } else {
            parts[np++] = q;
        }
    }
    int mtype = dim == 2 ? GEOS_MULTIPOLYGON : dim == 1 ? GEOS_MULTILINESTRING : GEOS_MULTIPOINT;
    GEOSGeometry *r;
    if (np == 1) {
        r = parts[0];
    } else {
        r = GEOSGeom_createCollection_r(h, mtype, parts, np);
    }
    free(parts);
    return r;
}

static double geom_dimension_of_kind(lg_geom_kind k)
{
    return k == LG_GEOM_POLYGON ? 2 : k == LG_GEOM_LINE ? 1 : k == LG_GEOM_POINT ? 0 : -1;
}

/* Apply the invalid-geometry policy to a converted geometry.  Returns the
 * geometry to keep (maybe `g` itself, maybe a repaired one), NULL to skip
 * it (policy skip, or nothing left), or NULL with *failed set when the
 * load must stop. */
static GEOSGeometry *apply_policy(lg_ctx *ctx, lg_layer *L, lg_conv *c, GEOSGeometry *g,
                                  long long fid, int *failed)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    *failed = 0;
    int valid = 1;
    char reason[300] = "";
    if (c->defect) {
        valid = 0;
        snprintf(reason, sizeof reason, "%s", c->defect_msg);
    }
    if (GEOSGeomTypeId_r(h, g) != GEOS_POINT) {
        char *why = NULL;
        char v = GEOSisValidDetail_r(h, g, 0, &why, NULL);
        if (v == 2) {
            lg_error(ctx, LG_ERR_GEOMETRY, "%s: feature FID %lld: GEOS cannot test it: %s",
                     L->source, fid, lg_geos_last_message(ctx));
            *failed = 1;
            GEOSGeom_destroy_r(h, g);
            return NULL;
        }
        if (!v) {
            if (valid)
                snprintf(reason, sizeof reason, "%s", why ? why : "invalid");
            valid = 0;
        }
        GEOSFree_r(h, why);
    }
    if (valid)
        return g;
    if (!record_invalid(ctx, L, fid)) {
        *failed = 1;
        GEOSGeom_destroy_r(h, g);
        return NULL;
    }
    switch (L->invalid) {
    case LG_INVALID_STOP:
        lg_error(ctx, LG_ERR_GEOMETRY,
                 "%s (layer %s): feature FID %lld has an invalid geometry: %s. Repair the data, "
                 "or choose the invalid-geometry policy fix (GEOS make-valid) or skip "
                 "(geoplan --invalid fix|skip)",
                 L->source, L->name, fid, reason);
        *failed = 1;
        GEOSGeom_destroy_r(h, g);
        return NULL;
    case LG_INVALID_SKIP:
        L->stats.skipped_invalid++;
        GEOSGeom_destroy_r(h, g);
        return NULL;
    case LG_INVALID_KEEP:
        L->kept_invalid = 1;
        return g;
    case LG_INVALID_FIX:
        break;
    }
    GEOSMakeValidParams *p = GEOSMakeValidParams_create_r(h);
    GEOSMakeValidParams_setMethod_r(h, p, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(h, p, 0);
    GEOSGeometry *fixed = GEOSMakeValidWithParams_r(h, g, p);
    GEOSMakeValidParams_destroy_r(h, p);
    int dim = (int)geom_dimension_of_kind(L->kind);
    if (dim < 0)
        dim = GEOSGeom_getDimensions_r(h, g);
    GEOSGeom_destroy_r(h, g);
    if (!fixed) {
        lg_error(ctx, LG_ERR_GEOMETRY, "%s: feature FID %lld: make-valid failed: %s", L->source,
                 fid, lg_geos_last_message(ctx));
        *failed = 1;
        return NULL;
    }
    GEOSGeometry *kept = extract_dim(h, fixed, dim);
    GEOSGeom_destroy_r(h, fixed);
    if (!kept || GEOSisEmpty_r(h, kept) == 1) {
        if (kept)
            GEOSGeom_destroy_r(h, kept);
        L->stats.skipped_invalid++;
        lg_warn(ctx, "%s: feature FID %lld collapsed to nothing when made valid; left out",
                L->source, fid);
        return NULL;
    }
    L->stats.fixed++;
    return kept;
}

static lg_status store_attributes(lg_ctx *ctx, lg_layer *L, OGRFeatureH f, size_t i,
                                  long long fid)
{
    for (size_t k = 0; k < L->nfields; k++) {
        column *c = &L->cols[k];
        int fi = (int)k;
        int set = OGR_F_IsFieldSetAndNotNull(f, fi);
        if (c->num) {
            c->set[i] = (unsigned char)set;
            c->num[i] = set ? OGR_F_GetFieldAsDouble(f, fi) : 0.0;
            continue;
        }
        c->text[i] = NULL;
        if (!set)
            continue;
        if (c->type == LG_FIELD_DATE) {
            int y, m, d, hh, mm, tz;
            float ss;
            OGR_F_GetFieldAsDateTimeEx(f, fi, &y, &m, &d, &hh, &mm, &ss, &tz);
            OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, fi));
            c->text[i] = t == OFTDate
                             ? lg_sprintf(ctx, "%04d-%02d-%02d", y, m, d)
                             : t == OFTTime ? lg_sprintf(ctx, "%02d:%02d:%02d", hh, mm, (int)ss)
                                            : lg_sprintf(ctx, "%04d-%02d-%02dT%02d:%02d:%02d", y, m,
                                                         d, hh, mm, (int)ss);
        } else {
            c->text[i] = decode_text(ctx, L, OGR_F_GetFieldAsString(f, fi), fid,
                                     L->fields[k].name);
        }
        if (!c->text[i])
            return lg_ctx_errno(ctx);
    }
    return LG_OK;
}

static void extend_extent(lg_ctx *ctx, lg_layer *L, const GEOSGeometry *g)
{
    double x0, y0, x1, y1;
    if (!GEOSGeom_getExtent_r(lg_ctx_geos(ctx), g, &x0, &y0, &x1, &y1))
        return;
    if (L->n == 0) {
        L->extent[0] = x0, L->extent[1] = y0, L->extent[2] = x1, L->extent[3] = y1;
    } else {
        L->extent[0] = fmin(L->extent[0], x0), L->extent[1] = fmin(L->extent[1], y0);
        L->extent[2] = fmax(L->extent[2], x1), L->extent[3] = fmax(L->extent[3], y1);
    }
}

/* An untyped layer (GeoJSON, a GPKG "GEOMETRY" column) whose features
 * all have one dimension takes that kind. */
static lg_geom_kind infer_kind(GEOSContextHandle_t h, const lg_layer *L)
{
    int dim = -1;
    for (size_t i = 0; i < L->n; i++) {
        int d = GEOSGeom_getDimensions_r(h, L->geoms[i]);
        if (GEOSGeomTypeId_r(h, L->geoms[i]) == GEOS_GEOMETRYCOLLECTION || (dim >= 0 && d != dim))
            return LG_GEOM_MIXED;
        dim = d;
    }
    return dim == 2 ? LG_GEOM_POLYGON : dim == 1 ? LG_GEOM_LINE : dim == 0 ? LG_GEOM_POINT
                                                                            : LG_GEOM_MIXED;
}

/* Append feature f's attributes and geometry g (NULL for a table) as row
 * L->n; on failure g is destroyed and the partial row freed. */
static lg_status append_row(lg_ctx *ctx, lg_layer *L, OGRFeatureH f, long long fid,
                            GEOSGeometry *g)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    if (!grow(ctx, L)) {
        if (g)
            GEOSGeom_destroy_r(h, g);
        return LG_ERR_NOMEM;
    }
    lg_status st = store_attributes(ctx, L, f, L->n, fid);
    if (st != LG_OK) {
        if (g)
            GEOSGeom_destroy_r(h, g);
        /* the partial row is not counted in L->n: free its text here */
        for (size_t k = 0; k < L->nfields; k++)
            if (L->cols[k].text) {
                free(L->cols[k].text[L->n]);
                L->cols[k].text[L->n] = NULL;
            }
        return st;
    }
    if (g)
        extend_extent(ctx, L, g);
    L->geoms[L->n] = g;
    L->fids[L->n] = fid;
    L->n++;
    return LG_OK;
}

lg_status lg_layer_load(lg_ctx *ctx, lg_layer *L, const lg_crs *working)
{
    if (L->loaded_flag)
        return lg_error(ctx, LG_ERR_ARG, "%s: layer already loaded", L->source);
    lg_conv conv;
    memset(&conv, 0, sizeof conv);
    conv.geos = lg_ctx_geos(ctx);
    conv.datum = L->datum;
    conv.swap_xy = L->src_authority_order;
    lg_crs *src_assumed = NULL;
    if (working && L->kind != LG_GEOM_NONE) { /* a table has no coordinates */
        const lg_crs *src = L->src_crs;
        if (!src && L->datum != LG_DATUM_NONE) {
            /* GCJ-02 / BD-09 are offsets of WGS84 longitude/latitude. */
            if (!(src = src_assumed = lg_crs_new(ctx, "EPSG:4326")))
                return lg_ctx_errno(ctx);
        }
        if (!src)
            return lg_error(ctx, LG_ERR_CRS,
                            "%s (layer %s) has no CRS: state the CRS of its coordinates (SRS=, "
                            "geoplan --src-crs EPSG:…)",
                            L->source, L->name);
        if (!lg_crs_is_metric_projected(working)) {
            lg_crs_free(src_assumed);
            return lg_error(ctx, LG_ERR_CRS, "the working CRS %s is not projected in metres",
                            lg_crs_name(working));
        }
        if (L->datum != LG_DATUM_NONE || !proj_is_equivalent_to(lg_crs_pj(src), lg_crs_pj(working),
                                                                PJ_COMP_EQUIVALENT)) {
            conv.pj = lg_crs_transform(ctx, src, working);
            if (!conv.pj) {
                lg_crs_free(src_assumed);
                return lg_ctx_errno(ctx);
            }
        }
        lg_crs_free(src_assumed);
        if (!(L->crs = lg_crs_clone(ctx, working))) {
            proj_destroy(conv.pj);
            return lg_ctx_errno(ctx);
        }
    } else {
        conv.datum = LG_DATUM_NONE; /* source coordinates, untouched */
    }
    if (!(L->cols = lg_calloc(ctx, L->nfields ? L->nfields : 1, sizeof *L->cols))) {
        proj_destroy(conv.pj);
        return lg_ctx_errno(ctx);
    }
    for (size_t k = 0; k < L->nfields; k++)
        L->cols[k].type = L->fields[k].type;
    L->loaded_flag = 1;

    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    lg_status st = LG_OK;
    char what[300];
    snprintf(what, sizeof what, "reading %s", L->name);
    lg_gdal_capture cap;
    lg_gdal_capture_begin(&cap, ctx, L->source);
    OGR_L_ResetReading(L->ogr);
    double total = L->declared_count > 0 ? (double)L->declared_count : 0;
    long long todo = L->range_end > L->range_start ? L->range_end - L->range_start : -1;
    if (todo > 0 && L->range_start > 0 && OGR_L_SetNextByIndex(L->ogr, L->range_start) != OGRERR_NONE)
        st = lg_error(ctx, LG_ERR_IO, "%s: cannot seek to feature %lld", L->source,
                      L->range_start);
    for (; st == LG_OK;) {
        if (todo >= 0 && (long long)L->stats.read >= todo)
            break;
        OGRFeatureH f = OGR_L_GetNextFeature(L->ogr);
        if (!f) {
            if (cap.failures)
                st = lg_error(ctx, LG_ERR_IO, "%s: read error after %zu features: %s", L->source,
                              L->stats.read, lg_gdal_capture_message(&cap));
            break;
        }
        L->stats.read++;
        if ((L->stats.read & 4095) == 0 && total > 0 &&
            !lg_progress(ctx, fmin(1.0, (double)L->stats.read / total), what)) {
            OGR_F_Destroy(f);
            st = LG_ERR_CANCELLED;
            break;
        }
        long long fid = (long long)OGR_F_GetFID(f);
        OGRGeometryH og = OGR_F_GetGeometryRef(f);
        if (L->kind == LG_GEOM_NONE) { /* a table: its rows, attributes only */
            st = append_row(ctx, L, f, fid, NULL);
            OGR_F_Destroy(f);
            if (st != LG_OK)
                break;
            continue;
        }
        if (!og) {
            L->stats.null_geom++;
            OGR_F_Destroy(f);
            continue;
        }
        if (OGR_G_IsEmpty(og)) {
            L->stats.empty_geom++;
            OGR_F_Destroy(f);
            continue;
        }
        conv.had_zm = conv.defect = conv.bad_coord = 0;
        conv.err[0] = '\0';
        GEOSGeometry *g = lg_conv_geometry(&conv, og);
        if (!g) {
            st = lg_error(ctx, conv.bad_coord ? LG_ERR_CRS : LG_ERR_GEOMETRY,
                          "%s (layer %s): feature FID %lld: %s", L->source, L->name, fid,
                          conv.err[0] ? conv.err : lg_geos_last_message(ctx));
            OGR_F_Destroy(f);
            break;
        }
        if (conv.had_zm)
            L->stats.dropped_zm++;
        if (GEOSisEmpty_r(h, g) == 1 && !conv.defect) {
            GEOSGeom_destroy_r(h, g);
            L->stats.empty_geom++;
            OGR_F_Destroy(f);
            continue;
        }
        int failed = 0;
        g = apply_policy(ctx, L, &conv, g, fid, &failed);
        if (failed) {
            st = lg_ctx_errno(ctx);
            OGR_F_Destroy(f);
            break;
        }
        if (!g || GEOSisEmpty_r(h, g) == 1) {
            if (g) { /* kept by policy keep but nothing left: count as skipped */
                GEOSGeom_destroy_r(h, g);
                L->stats.skipped_invalid++;
            }
            OGR_F_Destroy(f);
            continue;
        }
        st = append_row(ctx, L, f, fid, g);
        OGR_F_Destroy(f);
        if (st != LG_OK)
            break;
    }
    lg_gdal_capture_end(&cap);
    proj_destroy(conv.pj);
    lg_conv_free(&conv);
    L->stats.loaded = L->n;
    if (st == LG_OK && L->kind == LG_GEOM_MIXED)
        L->kind = infer_kind(h, L);
    if (st == LG_OK) {
        lg_progress(ctx, 1.0, what);
        if (L->stats.fixed)
            lg_warn(ctx, "%s: %zu invalid geometr%s repaired with GEOS make-valid", L->source,
                    L->stats.fixed, L->stats.fixed == 1 ? "y" : "ies");
        if (L->stats.skipped_invalid)
            lg_warn(ctx, "%s: %zu invalid geometr%s left out", L->source,
                    L->stats.skipped_invalid, L->stats.skipped_invalid == 1 ? "y" : "ies");
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* loading several layers at once                                      */

/* Re-create the layer's CRS objects in `to`'s PROJ context (PROJ objects
 * must not be used from two threads; each worker gets its own copies). */
static lg_status rebind_crs(lg_ctx *to, lg_layer *L)
{
    lg_crs **slots[] = {&L->src_crs, &L->crs};
    for (size_t k = 0; k < 2; k++) {
        if (!*slots[k])
            continue;
        lg_crs *c = lg_crs_clone(to, *slots[k]);
        if (!c)
            return lg_ctx_errno(to);
        lg_crs_free(*slots[k]);
        *slots[k] = c;
    }
    return LG_OK;
}


/* Big layers are read in chunks, one per thread, from their own handles on
 * the file: a known count, no attribute filter, and a format that seeks to
 * a feature index cheaply (shapefiles). */
#define CHUNK_MIN_FEATURES 40000

static int splittable(const lg_layer *L, int threads)
{
    return threads > 1 && !L->loaded_flag && !L->where && L->ogr &&
           L->declared_count >= CHUNK_MIN_FEATURES && L->driver &&
           !strcmp(L->driver, "ESRI Shapefile") &&
           OGR_L_TestCapability(L->ogr, OLCFastSetNextByIndex);
}

/* The same layer opened again, to load features [a, b) of it. */
static lg_layer *open_chunk(lg_ctx *ctx, const lg_layer *L, long long a, long long b)
{
    char o[6][700];
    const char *opts[7];
    size_t n = 0;
    snprintf(o[n++], sizeof o[0], "LAYER=%s", L->name);
    snprintf(o[n++], sizeof o[0], "INVALID=%s", lg_invalid_policy_name(L->invalid));
    if (L->encoding && *L->encoding)
        snprintf(o[n++], sizeof o[0], "ENCODING=%s", L->encoding);
    if (L->lossy_text)
        snprintf(o[n++], sizeof o[0], "TEXT=lossy");
    if (L->srs_opt)
        snprintf(o[n++], sizeof o[0], "SRS=%s", L->srs_opt);
    if (L->datum != LG_DATUM_NONE)
        snprintf(o[n++], sizeof o[0], "DATUM=%s", lg_datum_name(L->datum));
    for (size_t i = 0; i < n; i++)
        opts[i] = o[i];
    opts[n] = NULL;
    lg_layer *c = lg_layer_open(ctx, L->source, opts);
    if (c) {
        c->encoding_source = L->encoding_source;
        c->range_start = a;
        c->range_end = b;
    }
    return c;
}

/* Append chunk c's features to L (taking them: c is left empty). */
static lg_status merge_chunk(lg_ctx *ctx, lg_layer *L, lg_layer *c)
{
    if (c->n && !reserve(ctx, L, L->n + c->n))
        return lg_ctx_errno(ctx);
    memcpy(L->geoms + L->n, c->geoms, c->n * sizeof *c->geoms);
    memcpy(L->fids + L->n, c->fids, c->n * sizeof *c->fids);
    for (size_t k = 0; k < L->nfields && c->n; k++) {
        column *d = &L->cols[k];
        const column *e = &c->cols[k];
        if (d->num)
            memcpy(d->num + L->n, e->num, c->n * sizeof *e->num);
        if (d->set)
            memcpy(d->set + L->n, e->set, c->n);
        if (d->text)
            memcpy(d->text + L->n, e->text, c->n * sizeof *e->text);
    }
    if (c->n && L->kind != LG_GEOM_NONE) {
        if (!L->n)
            memcpy(L->extent, c->extent, sizeof L->extent);
        L->extent[0] = fmin(L->extent[0], c->extent[0]);
        L->extent[1] = fmin(L->extent[1], c->extent[1]);
        L->extent[2] = fmax(L->extent[2], c->extent[2]);
        L->extent[3] = fmax(L->extent[3], c->extent[3]);
        if (L->kind != c->kind)
            L->kind = LG_GEOM_MIXED;
    }
    L->n += c->n;
    c->n = 0; /* the geometries and text are L's now */
    if (c->stats.invalid) {
        size_t have = L->stats.invalid;
        long long *v = lg_realloc(ctx, L->invalid_fids, (have + c->stats.invalid) * sizeof *v);
        if (!v)
            return lg_ctx_errno(ctx);
        memcpy(v + have, c->invalid_fids, c->stats.invalid * sizeof *v);
        L->invalid_fids = v;
        L->invalid_cap = have + c->stats.invalid;
    }
    size_t *a = (size_t *)&L->stats;
    const size_t *b = (const size_t *)&c->stats;
    for (size_t i = 0; i < sizeof L->stats / sizeof(size_t); i++)
        a[i] += b[i];
    return LG_OK;
}

typedef struct load_unit {
    lg_layer *layer;  /* a layer, or a chunk of one */
    size_t parent;    /* index in the caller's list */
    int owner;        /* worker */
    lg_status status;
} load_unit;

/* Split the splittable layers into chunks: units in the caller's order,
 * a layer's chunks in read order (the layer itself reads the first). */
static load_unit *make_units(lg_ctx *ctx, lg_layer *const *layers, size_t n, int nt, size_t *nu)
{
    size_t cap = 0;
    for (size_t i = 0; i < n; i++)
        cap += splittable(layers[i], nt) ? (size_t)nt : 1;
    load_unit *u = lg_calloc(ctx, cap ? cap : 1, sizeof *u);
    if (!u)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        lg_layer *L = layers[i];
        if (!splittable(L, nt)) {
            u[k].layer = L, u[k++].parent = i;
            continue;
        }
        long long total = L->declared_count;
        for (int c = 0; c < nt; c++) {
            long long a = total * c / nt, b = total * (c + 1) / nt;
            lg_layer *chunk = c == 0 ? L : open_chunk(ctx, L, a, b);
            if (!chunk) {
                for (size_t j = 0; j < k; j++)
                    if (u[j].layer != layers[u[j].parent])
                        lg_layer_close(ctx, u[j].layer);
                free(u);
                return NULL;
            }
            if (c == 0)
                L->range_start = a, L->range_end = b;
            u[k].layer = chunk, u[k++].parent = i;
        }
    }
    *nu = k;
    return u;
}

typedef struct load_worker {
    lg_ctx *ctx;
    lg_crs *working; /* a copy in ctx's PROJ context, or NULL */
    load_unit **units;
    size_t n;
    int failed;
    int started; /* running on its own thread */
} load_worker;

static void *load_main(void *arg)
{
    load_worker *w = arg;
    for (size_t i = 0; i < w->n && !w->failed; i++) {
        w->units[i]->status = lg_layer_load(w->ctx, w->units[i]->layer, w->working);
        w->failed = w->units[i]->status != LG_OK;
    }
    return NULL;
}

static long long unit_size(const load_unit *u)
{
    const lg_layer *L = u->layer;
    if (L->range_end > L->range_start)
        return L->range_end - L->range_start;
    return L->declared_count > 0 ? L->declared_count : 1;
}

/* Biggest units first, each to the least loaded worker: the slowest reads
 * start at once.  Fills owner and the workers' unit lists. */
static lg_status schedule(lg_ctx *ctx, load_unit *u, size_t nu, load_worker *ws, int nt,
                          load_unit **slots)
{
    size_t *order = lg_calloc(ctx, nu ? nu : 1, sizeof *order);
    double *load = lg_calloc(ctx, (size_t)nt, sizeof *load);
    size_t *count = lg_calloc(ctx, (size_t)nt, sizeof *count);
    if (!order || !load || !count) {
        free(order), free(load), free(count);
        return LG_ERR_NOMEM;
    }
    for (size_t i = 0; i < nu; i++)
        order[i] = i;
    for (size_t i = 1; i < nu; i++)
        for (size_t j = i; j > 0 && unit_size(&u[order[j]]) > unit_size(&u[order[j - 1]]); j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t k = 0; k < nu; k++) {
        int best = 0;
        for (int t = 1; t < nt; t++)
            if (load[t] < load[best])
                best = t;
        load[best] += (double)unit_size(&u[order[k]]);
        u[order[k]].owner = best;
        count[best]++;
    }
    size_t pos = 0;
    for (int t = 0; t < nt; t++) {
        ws[t].units = slots + pos;
        pos += count[t];
    }
    for (size_t k = 0; k < nu; k++) {
        load_worker *w = &ws[u[order[k]].owner];
        w->units[w->n++] = &u[order[k]];
    }
    free(order), free(load), free(count);
    return LG_OK;
}

lg_status lg_layers_load(lg_ctx *ctx, lg_layer *const *layers, size_t n, const lg_crs *working)
{
    int nt = lg_ctx_threads(ctx);
    if (nt <= 1) {
        for (size_t i = 0; i < n; i++)
            if (lg_layer_load(ctx, layers[i], working) != LG_OK)
                return lg_ctx_errno(ctx);
        return LG_OK;
    }
    size_t nu = 0;
    load_unit *u = make_units(ctx, layers, n, nt, &nu);
    if (!u)
        return lg_ctx_errno(ctx);
    if (nt > (int)nu)
        nt = (int)nu;
    load_worker *ws = lg_calloc(ctx, (size_t)(nt ? nt : 1), sizeof *ws);
    load_unit **slots = lg_calloc(ctx, nu ? nu : 1, sizeof *slots);
    pthread_t *th = lg_calloc(ctx, (size_t)(nt ? nt : 1), sizeof *th);
    lg_status st = (ws && slots && th) ? schedule(ctx, u, nu, ws, nt, slots) : LG_ERR_NOMEM;
    /* per-worker contexts and CRS copies, made here on the main thread */
    for (int t = 0; st == LG_OK && t < nt; t++) {
        if (!(ws[t].ctx = lg_ctx_new_worker(ctx))) {
            st = lg_error(ctx, LG_ERR_NOMEM, "cannot make a worker context");
            break;
        }
        if (working && !(ws[t].working = lg_crs_clone(ws[t].ctx, working)))
            st = lg_ctx_errno(ws[t].ctx);
    }
    for (size_t k = 0; st == LG_OK && k < nu; k++)
        st = rebind_crs(ws[u[k].owner].ctx, u[k].layer);
    if (st == LG_OK) {
        for (int t = 0; t < nt; t++)
            if ((ws[t].started = pthread_create(&th[t], NULL, load_main, &ws[t]) == 0) == 0)
                load_main(&ws[t]); /* no thread to be had: load here */
        for (int t = 0; t < nt; t++)
            if (ws[t].started)
                pthread_join(th[t], NULL);
    }
    /* back on the main thread: CRS objects into the caller's context, the
     * chunks into their layers, warnings and the first failure (in the
     * caller's layer order, a layer's chunks in read order) */
    for (size_t k = 0; k < nu; k++)
        if (rebind_crs(ctx, u[k].layer) != LG_OK && st == LG_OK)
            st = lg_ctx_errno(ctx);
    lg_status fail = LG_OK;
    for (size_t k = 0; k < nu && fail == LG_OK; k++)
        if (u[k].status != LG_OK)
            fail = u[k].status, lg_ctx_absorb(ctx, ws[u[k].owner].ctx);
    for (size_t k = 0; k < nu; k++) {
        lg_layer *L = layers[u[k].parent];
        if (u[k].layer == L)
            continue;
        if (st == LG_OK && fail == LG_OK)
            st = merge_chunk(ctx, L, u[k].layer);
        lg_layer_close(ctx, u[k].layer);
    }
    for (size_t i = 0; i < n; i++) {
        layers[i]->range_start = layers[i]->range_end = 0;
        layers[i]->stats.loaded = layers[i]->n;
        if (layers[i]->kind == LG_GEOM_MIXED && st == LG_OK && fail == LG_OK)
            layers[i]->kind = infer_kind(lg_ctx_geos(ctx), layers[i]);
    }
    for (int t = 0; ws && t < nt; t++) {
        if (ws[t].ctx && !ws[t].failed)
            lg_ctx_absorb(ctx, ws[t].ctx);
        lg_crs_free(ws[t].working);
        lg_ctx_free(ws[t].ctx);
    }
    free(ws);
    free(slots);
    free(th);
    free(u);
    if (st == LG_OK && fail != LG_OK)
        st = fail;
    return st;
}

/* ------------------------------------------------------------------ */
/* boxes and index for the kernels                                     */

const double *lg_layer_boxes(lg_ctx *ctx, const lg_layer *cL)
{
    lg_layer *L = (lg_layer *)cL; /* a cache: logically const */
    if (L->boxes || !L->n)
        return L->boxes;
    double *b = lg_malloc(ctx, L->n * 4 * sizeof *b);
    if (!b)
        return NULL;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t i = 0; i < L->n; i++) {
        /* also fixes GEOS's lazily cached envelope before threads read it */
        if (!L->geoms[i]) { /* a table's row: a box nothing meets */
            b[4 * i] = b[4 * i + 1] = INFINITY;
            b[4 * i + 2] = b[4 * i + 3] = -INFINITY;
            continue;
        }
        if (!GEOSGeom_getExtent_r(h, L->geoms[i], &b[4 * i], &b[4 * i + 1], &b[4 * i + 2],
                                  &b[4 * i + 3])) {
            free(b);
            lg_error(ctx, LG_ERR_GEOMETRY, "%s: feature FID %lld has no extent", L->source,
                     L->fids[i]);
            return NULL;
        }
    }
    L->boxes = b;
    return b;
}

int lg_layer_all_valid(const lg_layer *L) { return !L->kept_invalid; }

const lg_index *lg_layer_index(lg_ctx *ctx, const lg_layer *cL)
{
    lg_layer *L = (lg_layer *)cL;
    if (L->index)
        return L->index;
    const double *b = lg_layer_boxes(ctx, L);
    if (!b && L->n)
        return NULL;
    L->index = lg_index_build(ctx, b, L->n);
    return L->index;
}

/* ------------------------------------------------------------------ */
/* areas                                                               */

/* Sum the ellipsoidal area of a polygonal geometry given in working
 * coordinates, via an inverse projection to longitude/latitude. */
static lg_status ring_geodesic(lg_ctx *ctx, PJ *inv, const lg_crs *crs, const GEOSGeometry *ring,
                               double **buf, size_t *cap, double *area)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n))
        return lg_error(ctx, LG_ERR_GEOMETRY, "cannot read a ring");
    if (n > *cap) {
        double *b = lg_realloc(ctx, *buf, (size_t)n * 2 * sizeof *b);
        if (!b)
            return LG_ERR_NOMEM;
        *buf = b;
        *cap = n;
    }
    GEOSCoordSeq_copyToBuffer_r(h, seq, *buf, 0, 0);
    proj_trans_generic(inv, PJ_INV, *buf, 2 * sizeof(double), n, *buf + 1, 2 * sizeof(double), n,
                       NULL, 0, 0, NULL, 0, 0);
    *area = lg_geodesic_ring_area(crs, *buf, n);
    return LG_OK;
}

lg_status lg_layer_area(lg_ctx *ctx, const lg_layer *L, double *planar_m2, double *ellipsoidal_m2)
{
    if (!L->crs)
        return lg_error(ctx, LG_ERR_CRS, "%s was loaded without a working CRS: no area",
                        L->source);
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    double planar = 0, ell = 0;
    for (size_t i = 0; i < L->n; i++) {
        double a = 0;
        if (GEOSArea_r(h, L->geoms[i], &a))
            planar += a;
    }
    if (planar_m2)
        *planar_m2 = planar;
    if (!ellipsoidal_m2)
        return LG_OK;
    /* working CRS -> its own geographic CRS, longitude first */
    PJ_CONTEXT *pc = lg_ctx_proj(ctx);
    PJ *geo = proj_crs_get_geodetic_crs(pc, lg_crs_pj(L->crs));
    PJ *op = geo ? proj_create_crs_to_crs_from_pj(pc, geo, lg_crs_pj(L->crs), NULL, NULL) : NULL;
    PJ *inv = op ? proj_normalize_for_visualization(pc, op) : NULL;
    proj_destroy(op);
    proj_destroy(geo);
    if (!inv)
        return lg_error(ctx, LG_ERR_CRS, "cannot invert the working CRS %s",
                        lg_crs_name(L->crs));
    double *buf = NULL;
    size_t cap = 0;
    lg_status st = LG_OK;
    for (size_t i = 0; i < L->n && st == LG_OK; i++) {
        const GEOSGeometry *g = L->geoms[i];
        int np = GEOSGetNumGeometries_r(h, g);
        for (int k = 0; k < np && st == LG_OK; k++) {
            const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, k);
            if (GEOSGeomTypeId_r(h, p) != GEOS_POLYGON)
                continue;
            double a = 0;
            st = ring_geodesic(ctx, inv, L->crs, GEOSGetExteriorRing_r(h, p), &buf, &cap, &a);
            ell += a;
            int nh = GEOSGetNumInteriorRings_r(h, p);
            for (int r = 0; r < nh && st == LG_OK; r++) {
                st = ring_geodesic(ctx, inv, L->crs, GEOSGetInteriorRingN_r(h, p, r), &buf, &cap,
                                   &a);
                ell -= a;
            }
        }
    }
    free(buf);
    proj_destroy(inv);
    *ellipsoidal_m2 = ell;
    return st;
}

/* ------------------------------------------------------------------ */
/* views                                                               */

lg_layer *lg_layer_view(lg_ctx *ctx, const lg_layer *B, const unsigned char *keep,
                        const char *description)
{
    if (!B->loaded_flag) {
        lg_error(ctx, LG_ERR_ARG, "%s: a view needs a loaded layer", B->source);
        return NULL;
    }
    lg_layer *L = lg_calloc(ctx, 1, sizeof *L);
    if (!L)
        return NULL;
    L->view = 1;
    L->loaded_flag = 1;
    size_t n = 0;
    for (size_t i = 0; i < B->n; i++)
        n += keep[i] != 0;
    L->source = lg_strdup(ctx, B->source);
    L->name = lg_strdup(ctx, B->name);
    L->driver = lg_strdup(ctx, B->driver);
    L->geom_type_name = lg_strdup(ctx, B->geom_type_name);
    L->where = description ? lg_strdup(ctx, description) : NULL;
    L->kind = B->kind;
    L->declared_count = (long long)n;
    L->src_crs_stated = B->src_crs_stated;
    L->datum = B->datum;
    L->invalid = B->invalid;
    L->kept_invalid = B->kept_invalid; /* whichever features it keeps */
    L->encoding = B->encoding;
    L->encoding_source = B->encoding_source;
    L->src_crs = B->src_crs ? lg_crs_clone(ctx, B->src_crs) : NULL;
    L->crs = B->crs ? lg_crs_clone(ctx, B->crs) : NULL;
    L->nfields = B->nfields;
    L->fields = lg_calloc(ctx, B->nfields ? B->nfields : 1, sizeof *L->fields);
    L->cols = lg_calloc(ctx, B->nfields ? B->nfields : 1, sizeof *L->cols);
    L->geoms = lg_malloc(ctx, (n ? n : 1) * sizeof *L->geoms);
    L->fids = lg_malloc(ctx, (n ? n : 1) * sizeof *L->fids);
    int ok = L->source && L->name && L->driver && L->geom_type_name &&
             (!description || L->where) && (!B->src_crs || L->src_crs) && (!B->crs || L->crs) &&
             L->fields && L->cols && L->geoms && L->fids;
    for (size_t f = 0; ok && f < B->nfields; f++) {
        L->fields[f] = B->fields[f];
        L->fields[f].name = lg_strdup(ctx, B->fields[f].name);
        column *c = &L->cols[f];
        const column *bc = &B->cols[f];
        c->type = bc->type;
        if (!L->fields[f].name ||
            (bc->num && !(c->num = lg_malloc(ctx, (n ? n : 1) * sizeof *c->num))) ||
            (bc->set && !(c->set = lg_malloc(ctx, n ? n : 1))) ||
            (bc->text && !(c->text = lg_malloc(ctx, (n ? n : 1) * sizeof *c->text))))
            ok = 0;
    }
    if (!ok)
        return lg_layer_close(ctx, L);
    for (size_t i = 0, k = 0; i < B->n; i++) {
        if (!keep[i])
            continue;
        L->geoms[k] = B->geoms[i];
        L->fids[k] = B->fids[i];
        for (size_t f = 0; f < B->nfields; f++) {
            const column *bc = &B->cols[f];
            if (bc->num)
                L->cols[f].num[k] = bc->num[i];
            if (bc->set)
                L->cols[f].set[k] = bc->set[i];
            if (bc->text)
                L->cols[f].text[k] = bc->text[i];
        }
        k++;
    }
    L->n = L->cap = n;
    L->stats.read = L->stats.loaded = n;
    L->extent[0] = L->extent[1] = INFINITY;
    L->extent[2] = L->extent[3] = -INFINITY;
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    for (size_t i = 0; i < n; i++) {
        double x0, y0, x1, y1;
        if (L->geoms[i] && GEOSGeom_getExtent_r(h, L->geoms[i], &x0, &y0, &x1, &y1)) {
            L->extent[0] = fmin(L->extent[0], x0), L->extent[1] = fmin(L->extent[1], y0);
            L->extent[2] = fmax(L->extent[2], x1), L->extent[3] = fmax(L->extent[3], y1);
        }
    }
    return L;
}
