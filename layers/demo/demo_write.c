/* geodemo: writing one layer with OGR (a shapefile, or a GeoPackage layer).
 * Features are streamed: nothing of a layer is kept in memory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "demo_internal.h"

#define GPKG_TX_FEATURES 100000
/* The date written in DBF headers (otherwise today's: output must not
 * depend on the day it is made). */
#define DBF_DATE "2024-06-30"

struct gd_writer {
    GDALDatasetH ds;
    int own_ds;
    OGRLayerH lyr;
    OGRFeatureH f;
    const gd_layer_def *def;
    int *idx;            /* field index in the OGR layer for each def field */
    long long count;
    long long in_tx;
    int failed;
    char err[512];
};

int gd_days(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void gd_ymd(int days, int *y, int *m, int *d)
{
    int z = days + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int yy = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yy + (*m <= 2);
}

static void set_err(char *err, size_t len, const char *what, const char *name)
{
    const char *g = CPLGetLastErrorMsg();
    snprintf(err, len, "%s %s%s%s", what, name, g && *g ? ": " : "", g ? g : "");
}

gd_writer *gd_writer_open(const char *dir, void *gpkg, const gd_layer_def *def, char *err,
                          size_t errlen)
{
    gd_writer *wr = calloc(1, sizeof *wr);
    if (!wr) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    wr->def = def;
    wr->idx = calloc((size_t)def->nfields + 1, sizeof *wr->idx);
    if (!wr->idx) {
        free(wr);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    CPLErrorReset();
    char path[2048];
    char **lco = NULL;
    if (gpkg) {
        wr->ds = (GDALDatasetH)gpkg;
        snprintf(path, sizeof path, "%s", def->name);
        lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
        lco = CSLSetNameValue(lco, "FID", "fid");
        if (def->doc)
            lco = CSLSetNameValue(lco, "DESCRIPTION", def->doc);
    } else {
        GDALDriverH drv = GDALGetDriverByName("ESRI Shapefile");
        snprintf(path, sizeof path, "%s/%s.shp", dir, def->name);
        wr->ds = drv ? GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
        if (!wr->ds) {
            set_err(err, errlen, "cannot create", path);
            free(wr->idx);
            free(wr);
            return NULL;
        }
        wr->own_ds = 1;
        lco = CSLSetNameValue(lco, "ENCODING", def->gbk ? "CP936" : "UTF-8");
        lco = CSLSetNameValue(lco, "DBF_DATE_LAST_UPDATE", DBF_DATE);
    }
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4549);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    OGRwkbGeometryType gt = def->gtype == GG_POINT ? wkbPoint
                          : def->gtype == GG_LINE  ? wkbLineString
                          : def->gtype == GG_POLYGON ? wkbPolygon : wkbNone;
    wr->lyr = GDALDatasetCreateLayer(wr->ds, gpkg ? def->name : def->name,
                                     gt == wkbNone ? NULL : srs, gt, lco);
    OSRDestroySpatialReference(srs);
    CSLDestroy(lco);
    if (!wr->lyr) {
        set_err(err, errlen, "cannot create layer", def->name);
        goto fail;
    }
    for (int k = 0; k < def->nfields; k++) {
        const gd_field *fd = &def->fields[k];
        OGRFieldType t = fd->type == GF_INT ? OFTInteger
                       : fd->type == GF_REAL ? OFTReal
                       : fd->type == GF_DATE ? OFTDate : OFTString;
        OGRFieldDefnH fl = OGR_Fld_Create(fd->name, t);
        if (fd->width)
            OGR_Fld_SetWidth(fl, fd->width);
        if (fd->type == GF_REAL)
            OGR_Fld_SetPrecision(fl, fd->precision);
        OGRErr e = OGR_L_CreateField(wr->lyr, fl, TRUE);
        OGR_Fld_Destroy(fl);
        if (e != OGRERR_NONE) {
            set_err(err, errlen, "cannot create field in", def->name);
            goto fail;
        }
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(wr->lyr);
    for (int k = 0; k < def->nfields; k++) {
        wr->idx[k] = OGR_FD_GetFieldIndex(defn, def->fields[k].name);
        if (wr->idx[k] < 0) {
            snprintf(err, errlen, "field %s of %s was not created", def->fields[k].name,
                     def->name);
            goto fail;
        }
    }
    wr->f = OGR_F_Create(defn);
    if (!wr->f) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    return wr;
fail:
    if (wr->own_ds && wr->ds)
        GDALClose(wr->ds);
    free(wr->idx);
    free(wr);
    return NULL;
}

long long gd_writer_count(const gd_writer *wr) { return wr->count; }
int gd_writer_failed(const gd_writer *wr) { return wr->failed; }

int gd_writer_close(gd_writer *wr, char *err, size_t errlen)
{
    if (!wr)
        return 0;
    int rc = wr->failed ? -1 : 0;
    if (wr->failed)
        snprintf(err, errlen, "%s", wr->err);
    if (wr->in_tx && GDALDatasetCommitTransaction(wr->ds) != OGRERR_NONE && !rc) {
        set_err(err, errlen, "cannot commit", wr->def->name);
        rc = -1;
    }
    if (wr->f)
        OGR_F_Destroy(wr->f);
    if (wr->own_ds) {
        CPLErrorReset();
        GDALClose(wr->ds); /* flushes .shp/.shx/.dbf */
        if (CPLGetLastErrorType() >= CE_Failure && !rc) {
            set_err(err, errlen, "cannot write", wr->def->name);
            rc = -1;
        }
    } else if (!rc) {
        OGR_L_SyncToDisk(wr->lyr);
    }
    free(wr->idx);
    free(wr);
    return rc;
}

void gd_set_int(gd_writer *wr, int f, long long v)
{
    OGR_F_SetFieldInteger64(wr->f, wr->idx[f], v);
}

void gd_set_real(gd_writer *wr, int f, double v)
{
    if (isnan(v))
        OGR_F_SetFieldNull(wr->f, wr->idx[f]);
    else
        OGR_F_SetFieldDouble(wr->f, wr->idx[f], v);
}

void gd_set_str(gd_writer *wr, int f, const char *s)
{
    if (!s)
        OGR_F_SetFieldNull(wr->f, wr->idx[f]);
    else
        OGR_F_SetFieldString(wr->f, wr->idx[f], s);
}

void gd_set_date(gd_writer *wr, int f, int days)
{
    if (days <= 0) {
        OGR_F_SetFieldNull(wr->f, wr->idx[f]);
        return;
    }
    int y, m, d;
    gd_ymd(days, &y, &m, &d);
    OGR_F_SetFieldDateTimeEx(wr->f, wr->idx[f], y, m, d, 0, 0, 0.0f, 0);
}

void gd_set_null(gd_writer *wr, int f) { OGR_F_SetFieldNull(wr->f, wr->idx[f]); }

static int emit(gd_writer *wr, OGRGeometryH g)
{
    if (wr->failed) {
        OGR_G_DestroyGeometry(g);
        return -1;
    }
    if (!wr->own_ds && !wr->in_tx) {
        if (GDALDatasetStartTransaction(wr->ds, FALSE) != OGRERR_NONE) {
            set_err(wr->err, sizeof wr->err, "cannot start a transaction on", wr->def->name);
            wr->failed = 1;
            OGR_G_DestroyGeometry(g);
            return -1;
        }
        wr->in_tx = 1;
    }
    if (g)
        OGR_F_SetGeometryDirectly(wr->f, g);
    OGR_F_SetFID(wr->f, OGRNullFID);
    if (OGR_L_CreateFeature(wr->lyr, wr->f) != OGRERR_NONE) {
        set_err(wr->err, sizeof wr->err, "cannot write a feature of", wr->def->name);
        wr->failed = 1;
        return -1;
    }
    wr->count++;
    if (wr->in_tx && wr->count % GPKG_TX_FEATURES == 0) {
        if (GDALDatasetCommitTransaction(wr->ds) != OGRERR_NONE) {
            set_err(wr->err, sizeof wr->err, "cannot commit", wr->def->name);
            wr->failed = 1;
            wr->in_tx = 0;
            return -1;
        }
        wr->in_tx = 0;
    }
    return 0;
}

int gd_emit_ring(gd_writer *wr, int n, const double *x, const double *y)
{
    const double *xs[1] = {x}, *ys[1] = {y};
    return gd_emit_polygon(wr, 1, &n, xs, ys);
}

int gd_emit_polygon(gd_writer *wr, int nrings, const int *npts, const double *const *xs,
                    const double *const *ys)
{
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPolygon);
    for (int r = 0; r < nrings; r++) {
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        OGR_G_SetPoints(ring, npts[r], xs[r], sizeof(double), ys[r], sizeof(double), NULL, 0);
        OGR_G_AddGeometryDirectly(g, ring);
    }
    return emit(wr, g);
}

int gd_emit_line(gd_writer *wr, int n, const double *x, const double *y)
{
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
    OGR_G_SetPoints(g, n, x, sizeof(double), y, sizeof(double), NULL, 0);
    return emit(wr, g);
}

int gd_emit_point(gd_writer *wr, double x, double y)
{
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
    OGR_G_SetPoint_2D(g, 0, x, y);
    return emit(wr, g);
}
