/*
 * geodemo: a deterministic synthetic planning workspace (`geoplan demo`).
 *
 * One call writes a directory of layers modelled on Qingdao: districts and
 * streets (街道) nested exactly, land-use parcels tiling every district,
 * enterprises on industrial parcels, road centrelines, parks, forest,
 * control lines (三线), project sites, buildings, land approval and supply
 * records, facilities.  Everything is built from one jittered lattice in
 * EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E, metres), so the
 * nesting and tiling hold by construction; no overlay is computed.
 *
 * Output depends only on the options (scale, seed, format): the same seed
 * gives byte-identical shapefiles, whatever the number of threads.
 *
 * Conventions are libgeo's: the library never prints; a call returns an
 * lg_status and leaves a message in a buffer the caller provides; progress
 * goes to a callback that may cancel.
 */
#ifndef GEODEMO_DEMO_H
#define GEODEMO_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "libgeo/lg_context.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Size of the workspace. */
typedef enum gd_scale {
    GD_SCALE_S = 0, /**< 李沧区 alone: one district, its 11 real streets, ≈ 98.7 km² */
    GD_SCALE_M = 1, /**< the five central districts, ≈ 1,000 km², ≈ 50k parcels */
    GD_SCALE_L = 2  /**< the ten districts of the city, ≈ 10,000 km², ≈ 500k parcels */
} gd_scale;

/** Container written. */
typedef enum gd_format {
    GD_FORMAT_SHP = 0, /**< one shapefile per layer (default; one layer in GBK) */
    GD_FORMAT_GPKG = 1 /**< one GeoPackage, workspace.gpkg, all layers */
} gd_format;

/** Parse "S"/"M"/"L" (either case). 1 on success. */
int gd_scale_parse(const char *text, gd_scale *out);
/** "S", "M" or "L". Static string. */
const char *gd_scale_name(gd_scale scale);
/** Parse "shp"/"shapefile"/"gpkg"/"geopackage". 1 on success. */
int gd_format_parse(const char *text, gd_format *out);

typedef struct gd_options {
    gd_scale scale;           /**< default GD_SCALE_S */
    uint64_t seed;            /**< default 1 */
    gd_format format;         /**< default GD_FORMAT_SHP */
    int force;                /**< replace a previous demo workspace in dir (default 0) */
    int threads;              /**< worker threads, 1 or 2 (default 2); output does not depend on it */
    lg_progress_fn progress;  /**< NULL, or called with the fraction done; return 0 to cancel */
    void *progress_user;
} gd_options;

/** Fill `o` with the defaults. */
void gd_options_init(gd_options *o);

#define GD_MAX_LAYERS 24

/** What was written. */
typedef struct gd_summary {
    size_t nlayers;
    struct {
        char name[24];          /**< layer name ("landuse" ...) */
        long long features;     /**< features written */
        const char *encoding;   /**< "UTF-8" or "GBK" (shapefile DBF text; static) */
    } layers[GD_MAX_LAYERS];
    int districts, streets;
    double area_km2;            /**< total district area */
    char path[1024];            /**< the directory written */
} gd_summary;

/**
 * Write the workspace into directory `dir`.
 *
 * The work happens in a temporary directory beside `dir` that is renamed
 * into place at the end, so a failed or cancelled run leaves nothing
 * half-written.  `dir` may be absent or empty; a non-empty `dir` is
 * replaced only with `force`, and only when it holds a workspace written
 * here before (its workspace.json says so): anything else is LG_ERR_ARG,
 * so that a mistyped path never deletes someone's files.  `summary` may be
 * NULL.
 *
 * Returns LG_OK, or LG_ERR_ARG (bad option, non-empty dir), LG_ERR_IO
 * (cannot create or write; GDAL's reason in the message), LG_ERR_NOMEM,
 * LG_ERR_CANCELLED (the progress callback returned 0), LG_ERR_INTERNAL.
 * On failure `errmsg` (of `errlen` bytes, may be NULL) holds a message.
 */
lg_status gd_generate(const char *dir, const gd_options *opt, gd_summary *summary, char *errmsg,
                      size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* GEODEMO_DEMO_H */
