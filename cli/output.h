/* Printing and writing indicator results (lg_result): the text table, CSV,
 * JSON and GeoPackage forms shared by `geoplan measure` and later commands
 * (evaluate).  The JSON and CSV shapes are documented in README.md
 * ("geoplan measure") and are a stable interface for scripts. */
#ifndef GEOPLAN_OUTPUT_H
#define GEOPLAN_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cli_common.h"

/* Shortest decimal text that reads back as exactly `v` (%.1g .. %.17g);
 * "" for NaN and infinities.  buf must hold at least 32 bytes. */
const char *output_number_exact(char *buf, size_t n, double v);

/* About six significant digits, no exponent for everyday magnitudes,
 * trailing zeros dropped; "-" for no value. */
const char *output_number_short(char *buf, size_t n, double v);

/* The result as JSON:
 *   {"kernel", "unit", "crs", "columns": [{"name","unit"}],
 *    "zones": [{"id","name","value","numerator","denominator",...}],
 *    "total": {...}, "params": {...}, "warnings": [...],
 *    "details": {"<table>": [{"id","name",...}]}   (only with detail tables)}
 * NaN cells are null.  The caller owns the returned object. */
json_object *output_result_json(const lg_result *r);

/* Print the result in `fmt` to `out`: text (aligned table with units in
 * the header, total, parameters, warnings), CSV (UTF-8 BOM, header
 * "id,name,<name [unit]>...", zone rows, a "total" row; RFC 4180) or JSON.
 * 0 on success, -1 on a write error. */
int output_result(FILE *out, const lg_result *r, out_format fmt);

/* One table of a result alone: aligned text (as in the text output, without
 * a total row) or CSV (BOM, header "id,name,<name [unit]>...", RFC 4180),
 * with an optional last text column `extra_name` holding extra[row]
 * (NULL: none).  Used by commands whose main output is a detail table
 * (geoplan screen). */
void output_table_text(FILE *out, const lg_table *t, const char *extra_name,
                       const char *const *extra);
void output_table_csv(FILE *out, const lg_table *t, const char *extra_name,
                      const char *const *extra);

/* Write the result as a GeoPackage at `path`: layer "zones" (zone polygons
 * with id, name and one Real field per column), one layer per detail table
 * with its geometries, and attribute tables "total" and "params"; all in
 * the CRS given as WKT.  The file is written under a temporary name in the
 * same directory and renamed over `path` only when complete, so a failure
 * leaves `path` as it was.  0 on success; -1 with a message in err. */
int output_write_gpkg(lg_ctx *ctx, const lg_result *r, const char *crs_wkt, const char *path,
                      char *err, size_t errlen);

#endif
