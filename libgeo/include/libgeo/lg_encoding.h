/*
 * lg_encoding.h: text encodings of attribute data (DBF code pages).
 *
 * Shapefile DBF text from Chinese bureaus is usually GBK (CP936), declared
 * by a `.cpg` side file, by the DBF header's language driver id (LDID, byte
 * 29), or not at all.  GDAL guesses silently when nothing is declared; here
 * the encoding is detected, reported with where it came from, may be
 * overridden, and text that does not decode is an error, never mojibake.
 * Inside libgeo all text is UTF-8.
 */
#ifndef LIBGEO_LG_ENCODING_H
#define LIBGEO_LG_ENCODING_H

#include <stddef.h>

#include "libgeo/lg_context.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where a layer's encoding came from. */
typedef enum lg_encoding_source {
    LG_ENC_UNKNOWN = 0,  /**< nothing declared and nothing to guess from */
    LG_ENC_OVERRIDE = 1, /**< stated by the user */
    LG_ENC_CPG = 2,      /**< the shapefile's .cpg file */
    LG_ENC_LDID = 3,     /**< the DBF header's language driver id */
    LG_ENC_GUESSED = 4,  /**< guessed from the text itself (a warning is raised) */
    LG_ENC_FORMAT = 5    /**< fixed by the format (GeoPackage, GeoJSON … are UTF-8) */
} lg_encoding_source;

/** A short English description of a source (".cpg file", ...). Static. */
LG_API const char *lg_encoding_source_name(lg_encoding_source source);

/** Canonical encoding name for a user's or a .cpg file's text, or NULL if
 *  unknown.  Accepts code-page numbers and common spellings, case- and
 *  blank-insensitive: "936", "CP936", "GBK", "GB2312" → "GBK";
 *  "GB18030" / "54936" → "GB18030"; "65001", "UTF8", "UTF-8" → "UTF-8";
 *  "950", "BIG5" → "BIG5"; "1252", "CP1252" → "CP1252"; "88591",
 *  "8859-1", "ISO-8859-1", "LATIN1" → "ISO-8859-1"; other "CPnnn" and
 *  "ISO-8859-n" likewise.  The result is a static string that iconv knows. */
LG_API const char *lg_encoding_canonical(const char *text);

/** Canonical encoding for a DBF language driver id, or NULL when the id is
 *  0 (not set) or unknown.  0x4D and 0x7A → "GBK", 0x4F and 0x78 → "BIG5",
 *  0x57 → "ISO-8859-1", 0x03 → "CP1252", … (the table GDAL's shapefile
 *  driver uses). */
LG_API const char *lg_encoding_from_ldid(unsigned ldid);

/** Detect a shapefile's declared encoding.  `path` is the .shp or .dbf
 *  path.  The .cpg file (any case of the extension) wins over the LDID, as
 *  in GDAL.  On success returns LG_OK and sets *encoding (static canonical
 *  string, or NULL when nothing usable is declared), *source (LG_ENC_CPG,
 *  LG_ENC_LDID or LG_ENC_UNKNOWN) and *ldid (the raw byte, 0 if the DBF
 *  could not be read).  A .cpg naming an unknown encoding is an error
 *  (LG_ERR_ENCODING) that names the file and its text. */
LG_API lg_status lg_dbf_encoding(lg_ctx *ctx, const char *path, const char **encoding,
                          lg_encoding_source *source, unsigned *ldid);

/** 1 if `len` bytes at `s` are well-formed UTF-8 (no overlongs, no
 *  surrogates), else 0. */
LG_API int lg_utf8_valid(const char *s, size_t len);

/** Guess the encoding of raw text samples: "UTF-8" when every sample is
 *  valid UTF-8 (pure ASCII included), else "GBK" when every sample decodes
 *  strictly as GBK, else "GB18030" when every sample decodes as GB18030,
 *  else NULL (give up: the caller must ask the user). Static string. */
LG_API const char *lg_encoding_guess(const char *const *samples, const size_t *lengths, size_t n);

typedef struct lg_decoder lg_decoder;

/** A strict decoder from `encoding` (canonical name) to UTF-8.  Fails with
 *  LG_ERR_ENCODING if the system's iconv does not know the encoding. */
LG_API lg_decoder *lg_decoder_new(lg_ctx *ctx, const char *encoding);

/** Free a decoder (NULL accepted).  Returns NULL. */
LG_API lg_decoder *lg_decoder_free(lg_decoder *dec);

/** The decoder's encoding name. */
LG_API const char *lg_decoder_encoding(const lg_decoder *dec);

/** Decode `len` bytes to a new NUL-terminated UTF-8 string the caller
 *  frees with free().  Strict: bytes that are not valid in the encoding
 *  make it fail with LG_ERR_ENCODING and a message giving the byte offset
 *  and the offending bytes in hex; nothing is replaced.  With `lossy`
 *  non-zero, invalid bytes become U+FFFD instead and *replaced (if not
 *  NULL) counts them. */
LG_API char *lg_decoder_decode(lg_ctx *ctx, lg_decoder *dec, const char *bytes, size_t len, int lossy,
                        size_t *replaced);

#ifdef __cplusplus
}
#endif

#endif /* LIBGEO_LG_ENCODING_H */
