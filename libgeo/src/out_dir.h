/* Writing a set of output files into a directory atomically, and the CSV
 * and JSON cells every writer shares (out_dir.c).  Not installed.
 *
 *   char tmp[4096];
 *   if (lg_outdir_begin(ctx, dir, tmp, sizeof tmp) == LG_OK) {
 *       ... write each file as tmp/NAME ...
 *       if (ok) s = lg_outdir_commit(ctx, tmp, dir, names, n);
 *       lg_outdir_cleanup(tmp, names, n);
 *   }
 */
#ifndef LIBGEO_OUT_DIR_H
#define LIBGEO_OUT_DIR_H

#include <stdio.h>

#include <json-c/json.h>

#include "lg_internal.h"

/* Make `dir` (if missing; its parent must exist) and a private temporary
 * directory inside it, whose path goes into tmp. */
lg_status lg_outdir_begin(lg_ctx *ctx, const char *dir, char *tmp, size_t tmplen);
/* Move tmp/NAME to dir/NAME for every name, all or nothing: each existing
 * file is first moved aside into tmp; if any step fails, the new files are
 * taken back out and the old ones restored. */
lg_status lg_outdir_commit(lg_ctx *ctx, const char *tmp, const char *dir,
                           const char *const *names, size_t n);
/* Remove what is left in tmp (the files, the old ones) and tmp itself. */
void lg_outdir_cleanup(const char *tmp, const char *const *names, size_t n);

/* A CSV field, RFC 4180 (quoted when it holds , " or a line break); NULL
 * is empty. */
void lg_csv_field(FILE *f, const char *s);
/* The UTF-8 byte-order mark Excel needs to read UTF-8. */
#define LG_CSV_BOM "\xEF\xBB\xBF"

/* A JSON number written as lg_number_text writes it; NULL (JSON null)
 * when not finite. */
json_object *lg_json_number(double v);
/* A JSON string; NULL (JSON null) for NULL. */
json_object *lg_json_string(const char *s);

#endif
