/*
 * lg_layer.h: vector layers in, as clean projected GEOS geometry and
 * decoded UTF-8 attributes.
 *
 * A layer is used in two steps:
 *  1. lg_layer_open() reads what the source declares (driver, CRS, text
 *     encoding, fields, extent) without reading the features;
 *  2. lg_layer_load() reads every feature once into the working CRS (see
 *     lg_crs_choose / lg_layers_working_crs), removing web-map offsets,
 *     decoding text strictly, dropping Z/M, skipping NULL and empty
 *     geometries and applying the invalid-geometry policy; it keeps counts
 *     of everything it skipped or repaired.
 * Geometries handed out belong to the layer and live until lg_layer_close;
 * use them with the context's GEOS handle (lg_ctx_geos).
 */
#ifndef LIBGEO_LG_LAYER_H
#define LIBGEO_LG_LAYER_H

#include <stddef.h>

#include "libgeo/lg_context.h"
#include "libgeo/lg_crs.h"
#include "libgeo/lg_datum.h"
#include "libgeo/lg_encoding.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lg_layer lg_layer;

/** What to do with an invalid geometry (self-intersecting ring, unclosed
 *  ring, ring of fewer than four points …). */
typedef enum lg_invalid_policy {
    LG_INVALID_STOP = 0, /**< fail, naming the feature and the reason (default) */
    LG_INVALID_SKIP = 1, /**< leave the feature out and count it */
    LG_INVALID_FIX = 2,  /**< GEOS make-valid (structure method), count it */
    LG_INVALID_KEEP = 3  /**< keep as is and count it (for reporting only) */
} lg_invalid_policy;

/** Parse "stop", "skip", "fix", "keep". 1 on success. */
LG_API int lg_invalid_policy_parse(const char *text, lg_invalid_policy *out);
LG_API const char *lg_invalid_policy_name(lg_invalid_policy policy);

/** The kind of geometry a layer holds. */
typedef enum lg_geom_kind {
    LG_GEOM_NONE = 0,    /**< no geometry column (a table) */
    LG_GEOM_POINT = 1,
    LG_GEOM_LINE = 2,
    LG_GEOM_POLYGON = 3,
    LG_GEOM_MIXED = 4    /**< a collection or an untyped layer */
} lg_geom_kind;

LG_API const char *lg_geom_kind_name(lg_geom_kind kind);

/** Attribute types as libgeo keeps them. */
typedef enum lg_field_type {
    LG_FIELD_INTEGER = 0, /**< integers (kept as double: exact to 2^53) */
    LG_FIELD_REAL = 1,
    LG_FIELD_STRING = 2,  /**< decoded UTF-8 */
    LG_FIELD_DATE = 3,    /**< "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" text */
    LG_FIELD_OTHER = 4    /**< lists, binary: kept as text */
} lg_field_type;

/**
 * Open a layer.  `source` is anything GDAL opens as vector data: a file
 * (shapefile, GeoPackage, GeoJSON, GML, FlatGeobuf …), a directory of
 * shapefiles, or a "PG:dbname=… host=…" connection string.  `options` is
 * NULL or a NULL-terminated list of "KEY=VALUE" strings:
 *   LAYER=name        the layer within a multi-layer source (else the first)
 *   WHERE=sql         OGR SQL attribute filter applied while loading
 *   ENCODING=name     the text encoding, overriding what the file declares
 *                     (GBK, GB18030, UTF-8, CP1252 …: lg_encoding_canonical)
 *   TEXT=strict|lossy strict (default): undecodable text fails naming the
 *                     feature and field; lossy: replaced by U+FFFD, warned
 *   SRS=definition    the CRS of the coordinates when the source states none
 *                     (or states a wrong one): EPSG:4490, WKT …
 *   DATUM=none|gcj02|bd09  web-map offset of longitude/latitude data
 *   INVALID=stop|skip|fix|keep  invalid-geometry policy (default stop)
 * Returns NULL on failure: LG_ERR_IO (cannot open; GDAL's reason in the
 * message), LG_ERR_ARG (bad option), LG_ERR_CRS, LG_ERR_ENCODING.
 * A source with no CRS opens; loading it into a working CRS fails unless
 * SRS was given.
 */
LG_API lg_layer *lg_layer_open(lg_ctx *ctx, const char *source, const char *const *options);

/** The names of the layers in `source` (a file, directory or PG:
 *  connection).  On success *names is a NULL-terminated array the caller
 *  frees with lg_strings_free, and *count its length. */
LG_API lg_status lg_source_layers(lg_ctx *ctx, const char *source, char ***names, size_t *count);

/** Free a NULL-terminated string array from libgeo (NULL accepted). */
LG_API void lg_strings_free(char **strings);

/** Close a layer and free its geometries (NULL accepted). Returns NULL.
 *  Close layers before the context that loaded them. */
LG_API lg_layer *lg_layer_close(lg_ctx *ctx, lg_layer *layer);

/* --- What the source declares (valid after open) --- */
LG_API const char *lg_layer_source(const lg_layer *layer);   /**< as given to open */
LG_API const char *lg_layer_name(const lg_layer *layer);     /**< the layer's name */
LG_API const char *lg_layer_driver(const lg_layer *layer);   /**< GDAL driver short name */
/** Features in the source after the WHERE filter, as the driver counts
 *  them (-1 if unknown). */
LG_API long long lg_layer_declared_count(const lg_layer *layer);
/** GDAL's name of the declared geometry type ("Multi Polygon" …). */
LG_API const char *lg_layer_geom_type_name(const lg_layer *layer);
/** The declared kind; after load, an untyped layer whose features all have
 *  one dimension reports that kind. */
LG_API lg_geom_kind lg_layer_geom_kind(const lg_layer *layer);
/** The source CRS (as stated by SRS= or the file), or NULL if it has none. */
LG_API const lg_crs *lg_layer_source_crs(const lg_layer *layer);
/** 1 when the source CRS came from the SRS= option. */
LG_API int lg_layer_source_crs_stated(const lg_layer *layer);
LG_API lg_datum lg_layer_datum(const lg_layer *layer);
/** The text encoding used for decoding, and where it came from. */
LG_API const char *lg_layer_encoding(const lg_layer *layer);
LG_API lg_encoding_source lg_layer_encoding_source(const lg_layer *layer);
/** Extent [xmin, ymin, xmax, ymax] in source coordinates, x = east. 0 if
 *  unknown (empty layer). */
LG_API int lg_layer_source_extent(const lg_layer *layer, double extent[4]);

LG_API size_t lg_layer_field_count(const lg_layer *layer);
LG_API const char *lg_layer_field_name(const lg_layer *layer, size_t i); /**< UTF-8 */
LG_API lg_field_type lg_layer_field_type(const lg_layer *layer, size_t i);
LG_API const char *lg_layer_field_type_name(const lg_layer *layer, size_t i); /**< GDAL's name */
LG_API int lg_layer_field_width(const lg_layer *layer, size_t i);
/** Index of the field named `name` (exact, then case-insensitive), or -1. */
LG_API int lg_layer_field_index(const lg_layer *layer, const char *name);

/**
 * The lon/lat box of the layers (after removing web-map offsets: roughly),
 * for choosing a working CRS; then the working CRS: `definition` if given,
 * else the CRS of the first layer whose CRS is projected in metres, else
 * lg_crs_choose() on the box of all.  Layers without a CRS are left out of
 * the box.  NULL on failure (LG_ERR_CRS when no layer has a CRS and none
 * is stated).
 */
LG_API lg_crs *lg_layers_working_crs(lg_ctx *ctx, lg_layer *const *layers, size_t n,
                              const char *definition);

/**
 * Read every feature into `working` (a metric projected CRS), or keep
 * source coordinates when `working` is NULL (only for reporting: no
 * measure may use them).  May be called once per layer.
 * Fails with LG_ERR_CRS (no CRS, or a transformation failing on a
 * feature), LG_ERR_ENCODING (text, under TEXT=strict), LG_ERR_GEOMETRY
 * (invalid geometry under INVALID=stop, or one GEOS cannot read),
 * LG_ERR_IO (read error), LG_ERR_CANCELLED.  Messages name the source, the
 * feature (FID) and, for text, the field.
 */
LG_API lg_status lg_layer_load(lg_ctx *ctx, lg_layer *layer, const lg_crs *working);

/**
 * lg_layer_load for several layers at once, on the context's threads
 * (lg_ctx_set_threads): biggest layers first, each layer read by one
 * thread.  The result is the same as loading them one by one; on failure
 * the status and message are those of the first failing layer in the
 * given order.  The warning handler may then be called from several
 * threads.
 */
LG_API lg_status lg_layers_load(lg_ctx *ctx, lg_layer *const *layers, size_t n,
                                const lg_crs *working);

/**
 * A loaded layer holding the features of the loaded layer `base` whose
 * keep[i] is nonzero (0 ≤ i < lg_layer_size(base)), in base order: one
 * read of a file serves several filters of it (residential and industrial
 * parcels of one land-use layer).  Geometries and text are shared with
 * `base`, which must outlive the view; close the view with lg_layer_close.
 * `description` (may be NULL) names the filter.  NULL on failure
 * (LG_ERR_ARG when base is not loaded).
 */
LG_API lg_layer *lg_layer_view(lg_ctx *ctx, const lg_layer *base, const unsigned char *keep,
                               const char *description);

/** Counts from lg_layer_load. */
typedef struct lg_load_stats {
    size_t read;          /**< features read from the source */
    size_t loaded;        /**< features kept (lg_layer_size) */
    size_t null_geom;     /**< skipped: no geometry */
    size_t empty_geom;    /**< skipped: empty geometry */
    size_t invalid;       /**< found invalid (whatever the policy) */
    size_t fixed;         /**< repaired by make-valid (policy fix) */
    size_t skipped_invalid; /**< left out (policy skip, or fix gave nothing) */
    size_t dropped_zm;    /**< features that had Z or M values, dropped */
    size_t text_replaced; /**< undecodable bytes replaced (TEXT=lossy) */
} lg_load_stats;

/** The counts (all zero before load). */
LG_API const lg_load_stats *lg_layer_stats(const lg_layer *layer);

/** FIDs of the invalid features (stats->invalid of them), in read order. */
LG_API const long long *lg_layer_invalid_fids(const lg_layer *layer);

/** The CRS the geometries are in after load (NULL before load or when
 *  loaded without one). */
LG_API const lg_crs *lg_layer_crs(const lg_layer *layer);

/** Number of features kept by load. */
LG_API size_t lg_layer_size(const lg_layer *layer);
/** The geometry of feature i (0 ≤ i < size), borrowed: never empty; NULL
 *  only for a table (a layer without a geometry column, LG_GEOM_NONE), whose
 *  rows load with their attributes only (e.g. an enterprise register joined
 *  to parcels by id).  Kernels refuse tables. */
LG_API const GEOSGeometry *lg_layer_geom(const lg_layer *layer, size_t i);
/** The source FID of feature i. */
LG_API long long lg_layer_fid(const lg_layer *layer, size_t i);
/** Text of field `field` of feature i: decoded UTF-8 for text and other
 *  non-numeric fields, dates as ISO text; NULL when the value is NULL or
 *  unset, and for numeric fields (use lg_layer_number). */
LG_API const char *lg_layer_text(const lg_layer *layer, size_t i, size_t field);
/** Numeric value of a numeric field of feature i: 1 and *out set, or 0
 *  when NULL or not numeric. */
LG_API int lg_layer_number(const lg_layer *layer, size_t i, size_t field, double *out);

/** Extent of the loaded geometries [xmin, ymin, xmax, ymax]; 0 if none. */
LG_API int lg_layer_extent(const lg_layer *layer, double extent[4]);

/**
 * Total area of the loaded polygons in m²: planar in the working CRS, and
 * on the ellipsoid of the working CRS's datum (PROJ geodesic), as a
 * cross-check of the projection.  Either pointer may be NULL.  Fails with
 * LG_ERR_CRS when the layer was loaded without a working CRS.
 */
LG_API lg_status lg_layer_area(lg_ctx *ctx, const lg_layer *layer, double *planar_m2,
                        double *ellipsoidal_m2);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_LAYER_H */
