/* GeoPackage writing shared by lg_result_write_gpkg and the evaluation
 * (gpkg_write.c).  Not installed. */
#ifndef LIBGEO_GPKG_WRITE_H
#define LIBGEO_GPKG_WRITE_H

#include "libgeo/lg_measure.h"

typedef struct gpkg_writer gpkg_writer;

/* Start writing `path` (as its temporary name, in one transaction) in the
 * CRS given as WKT.  NULL with the context's error set on failure. */
gpkg_writer *lg_gpkg_begin(lg_ctx *ctx, const char *path, const char *crs_wkt);
/* A layer from a table: id, name, one Real column per table column (the
 * unit in the alternative name), the rows' geometries when with_geom,
 * and with geometries its default style in layer_styles (classes, a
 * verdict, or quantiles of the first column with values).
 * 0, or -1 with the context's error set. */
int lg_gpkg_write_table(gpkg_writer *gw, const char *name, const lg_table *t, int with_geom);
/* The same with text columns after id and name: `ntext` columns named
 * text_names (safe GeoPackage names, not clashing with the table's), and
 * cells[row * ntext + k] their values (NULL: no value). */
int lg_gpkg_write_table_text(gpkg_writer *gw, const char *name, const lg_table *t,
                             int with_geom, const char *const *text_names, size_t ntext,
                             const char *const *cells);
/* A row of the layer_styles table (made on first use; QGIS opens the
 * layer with it): the style named style_name of `layer` (geometry column
 * geom) as QML and SLD text, the default. */
int lg_gpkg_write_style(gpkg_writer *gw, const char *layer, const char *style_name,
                        const char *qml, const char *sld, const char *description);
/* An attribute table of key/value text rows. */
int lg_gpkg_write_kv(gpkg_writer *gw, const char *name, const char *const *keys,
                     const char *const *values, size_t n);
/* Finish: commit (when `commit`), close, and rename to the final path
 * when `rename_now` (else the caller renames lg_output_tmp_path later);
 * on failure the temporary file is removed.  Frees the writer. */
lg_status lg_gpkg_end(gpkg_writer *gw, int commit, int rename_now);

#endif
