/*
 * encoding.c: text encodings of attribute data (DBF code pages).
 *
 * Four parts:
 *  1. names: lg_encoding_canonical() and lg_encoding_from_ldid(), both
 *     table-driven and returning static names that glibc's iconv accepts;
 *  2. detection: lg_dbf_encoding() reads a shapefile's .cpg side file and
 *     the DBF header's language driver id (LDID);
 *  3. validation and guessing: lg_utf8_valid(), lg_encoding_guess();
 *  4. decoding: lg_decoder, a thin strict-or-lossy wrapper around iconv(3).
 *
 * The library never prints: every failure goes to lg_error().
 */
#define _POSIX_C_SOURCE 200809L /* opendir/readdir under -std=c11 */

#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libgeo/lg_encoding.h"
#include "lg_internal.h"

/* ------------------------------------------------------------------------ */
/* Canonical names                                                          */
/* ------------------------------------------------------------------------ */

/* The canonical names handed out.  Every one is accepted by glibc's
 * iconv_open() (checked against `iconv -l` on Debian 12; the unit tests
 * open a decoder for each name the tables can return). */
static const char ENC_UTF8[] = "UTF-8";
static const char ENC_GBK[] = "GBK";
static const char ENC_GB18030[] = "GB18030";
static const char ENC_BIG5[] = "BIG5";
static const char ENC_BIG5HKSCS[] = "BIG5-HKSCS";
static const char ENC_ASCII[] = "ASCII";
static const char ENC_MACROMAN[] = "MACINTOSH";
static const char ENC_MACCYR[] = "MAC-CYRILLIC";
static const char ENC_MACCE[] = "MAC-CENTRALEUROPE";

/* Windows/DOS code-page numbers (and the ESRI / Windows numbers of other
 * encodings) → canonical name.  Used for .cpg texts such as "936", "CP936",
 * "WINDOWS-1252", "ANSI 1251", "IBM437", "88591" and for the LDID table. */
typedef struct {
    unsigned long code;
    const char *name;
} codepage_entry;

static const codepage_entry CODEPAGES[] = {
    /* DOS (OEM) code pages */
    {437, "CP437"}, {737, "CP737"}, {775, "CP775"}, {850, "CP850"},
    {852, "CP852"}, {855, "CP855"}, {857, "CP857"}, {858, "CP858"},
    {860, "CP860"}, {861, "CP861"}, {862, "CP862"}, {863, "CP863"},
    {864, "CP864"}, {865, "CP865"}, {866, "CP866"}, {869, "CP869"},
    /* East Asian and Thai */
    {874, "CP874"}, {932, "CP932"}, {936, ENC_GBK}, {949, "CP949"},
    {950, ENC_BIG5}, {20936, ENC_GBK}, /* Windows' GB2312 */
    {54936, ENC_GB18030},
    /* Windows ANSI code pages */
    {1250, "CP1250"}, {1251, "CP1251"}, {1252, "CP1252"}, {1253, "CP1253"},
    {1254, "CP1254"}, {1255, "CP1255"}, {1256, "CP1256"}, {1257, "CP1257"},
    {1258, "CP1258"},
    /* Macintosh */
    {10000, ENC_MACROMAN}, {10007, ENC_MACCYR}, {10029, ENC_MACCE},
    /* ASCII and Unicode */
    {20127, ENC_ASCII}, {65001, ENC_UTF8},
    /* ISO-8859-n as Windows numbers them (285nn) ... */
    {28591, "ISO-8859-1"}, {28592, "ISO-8859-2"}, {28593, "ISO-8859-3"},
    {28594, "ISO-8859-4"}, {28595, "ISO-8859-5"}, {28596, "ISO-8859-6"},
    {28597, "ISO-8859-7"}, {28598, "ISO-8859-8"}, {28599, "ISO-8859-9"},
    {28603, "ISO-8859-13"}, {28605, "ISO-8859-15"},
    /* ... and as ESRI's .cpg files write them ("88591", "8859-1"). */
    {88591, "ISO-8859-1"}, {88592, "ISO-8859-2"}, {88593, "ISO-8859-3"},
    {88594, "ISO-8859-4"}, {88595, "ISO-8859-5"}, {88596, "ISO-8859-6"},
    {88597, "ISO-8859-7"}, {88598, "ISO-8859-8"}, {88599, "ISO-8859-9"},
    {885910, "ISO-8859-10"}, {885911, "ISO-8859-11"}, {885913, "ISO-8859-13"},
    {885914, "ISO-8859-14"}, {885915, "ISO-8859-15"}, {885916, "ISO-8859-16"},
};

/* Names (already normalised: upper case, without blanks, '-' or '_') →
 * canonical name. */
typedef struct {
    const char *alias;
    const char *name;
} alias_entry;

static const alias_entry ALIASES[] = {
    {"UTF8", ENC_UTF8},
    {"GBK", ENC_GBK},
    {"GB2312", ENC_GBK}, /* GB2312-labelled data is usually GBK in fact */
    {"EUCCN", ENC_GBK},
    {"CHINESE", ENC_GBK},
    {"GB18030", ENC_GB18030},
    {"BIG5", ENC_BIG5},
    {"BIG5HKSCS", ENC_BIG5HKSCS},
    {"SHIFTJIS", "SHIFT_JIS"},
    {"SJIS", "SHIFT_JIS"},
    {"EUCJP", "EUC-JP"},
    {"EUCKR", "EUC-KR"},
    {"UHC", "CP949"},
    {"KOI8R", "KOI8-R"},
    {"KOI8U", "KOI8-U"},
    {"TIS620", "TIS-620"},
    {"LATIN1", "ISO-8859-1"},
    {"LATIN2", "ISO-8859-2"},
    {"LATIN9", "ISO-8859-15"},
    {"ASCII", ENC_ASCII},
    {"USASCII", ENC_ASCII},
    {"MACINTOSH", ENC_MACROMAN},
    {"MACROMAN", ENC_MACROMAN},
    {"XMACROMAN", ENC_MACROMAN},
    {"MACCYRILLIC", ENC_MACCYR},
    {"MACCENTRALEUROPE", ENC_MACCE},
};

/* Prefixes that may stand before a code-page number: "CP936",
 * "WINDOWS-1252", "ANSI 1251", "IBM437", "MS936", "ISO-8859-1" ("ISO" is
 * only accepted before an 8859 number, see lookup_number). */
static const char *const NUMBER_PREFIXES[] = {"", "CP", "WINDOWS", "WIN", "ANSI",
                                              "IBM", "MS", "DOS", "ISO"};

/* Look up a code-page number written as decimal digits (no sign, no blanks).
 * Returns NULL when it is not a number or not in the table. */
static const char *lookup_number(const char *digits, int iso_prefix)
{
    if (!*digits || strlen(digits) > 9)
        return NULL;
    unsigned long code = 0;
    for (const char *p = digits; *p; p++) {
        if (*p < '0' || *p > '9')
            return NULL;
        code = code * 10 + (unsigned long)(*p - '0');
    }
    /* "ISO" only makes sense before 8859-n ("ISO8859-1" → "88591"). */
    if (iso_prefix && strncmp(digits, "8859", 4) != 0)
        return NULL;
    for (size_t i = 0; i < sizeof CODEPAGES / sizeof CODEPAGES[0]; i++)
        if (CODEPAGES[i].code == code)
            return CODEPAGES[i].name;
    return NULL;
}

const char *lg_encoding_canonical(const char *text)
{
    if (!text)
        return NULL;

    /* Normalise: drop a UTF-8 byte-order mark, blanks (anywhere, so trailing
     * newlines of .cpg files go too), '-' and '_'; fold ASCII to upper case.
     * Names longer than any we know are rejected outright. */
    char norm[32];
    size_t n = 0;
    const unsigned char *s = (const unsigned char *)text;
    if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        s += 3;
    for (; *s; s++) {
        unsigned c = *s;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' ||
            c == '-' || c == '_')
            continue;
        if (c >= 'a' && c <= 'z')
            c -= 'a' - 'A';
        if (n + 1 >= sizeof norm)
            return NULL;
        norm[n++] = (char)c;
    }
    norm[n] = '\0';
    if (n == 0)
        return NULL;

    for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
        if (strcmp(norm, ALIASES[i].alias) == 0)
            return ALIASES[i].name;

    for (size_t i = 0; i < sizeof NUMBER_PREFIXES / sizeof NUMBER_PREFIXES[0]; i++) {
        const char *prefix = NUMBER_PREFIXES[i];
        size_t plen = strlen(prefix);
        if (strncmp(norm, prefix, plen) != 0)
            continue;
        const char *name = lookup_number(norm + plen, strcmp(prefix, "ISO") == 0);
        if (name)
            return name;
    }
    return NULL;
}

/* DBF language driver id → code page, as in GDAL's shapefile driver
 * (GetEncodingFromLDIDNumber() in ogr/ogrsf_frmts/shape/ogrshapelayer.cpp).
 * GDAL's ids 0x68 (CP895, Kamenicky) and 0x69 (CP620, Mazovia) are left out
 * because glibc's iconv knows neither. */
typedef struct {
    unsigned char ldid;
    unsigned short codepage; /* looked up in CODEPAGES */
} ldid_entry;

static const ldid_entry LDIDS[] = {
    {0x01, 437},  {0x02, 850},  {0x03, 1252}, {0x04, 10000}, {0x08, 865},
    {0x0A, 850},  {0x0B, 437},  {0x0D, 437},  {0x0E, 850},   {0x0F, 437},
    {0x10, 850},  {0x11, 437},  {0x12, 850},  {0x13, 932},   {0x14, 850},
    {0x15, 437},  {0x16, 850},  {0x17, 865},  {0x18, 437},   {0x19, 437},
    {0x1A, 850},  {0x1B, 437},  {0x1C, 863},  {0x1D, 850},   {0x1F, 852},
    {0x22, 852},  {0x23, 852},  {0x24, 860},  {0x25, 850},   {0x26, 866},
    {0x37, 850},  {0x40, 852},  {0x4D, 936},  {0x4E, 949},   {0x4F, 950},
    {0x50, 874},  {0x57, 28591}, /* "ANSI": GDAL reads it as ISO-8859-1 */
    {0x58, 1252}, {0x59, 1252}, {0x64, 852},  {0x65, 866},   {0x66, 865},
    {0x67, 861},  {0x6A, 737},  {0x6B, 857},  {0x6C, 863},   {0x78, 950},
    {0x79, 949},  {0x7A, 936},  {0x7B, 932},  {0x7C, 874},   {0x86, 737},
    {0x87, 852},  {0x88, 857},  {0x96, 10007}, {0x97, 10029}, {0xC8, 1250},
    {0xC9, 1251}, {0xCA, 1254}, {0xCB, 1253}, {0xCC, 1257},
};

const char *lg_encoding_from_ldid(unsigned ldid)
{
    if (ldid == 0)
        return NULL;
    for (size_t i = 0; i < sizeof LDIDS / sizeof LDIDS[0]; i++) {
        if (LDIDS[i].ldid != ldid)
            continue;
        char digits[16];
        snprintf(digits, sizeof digits, "%u", (unsigned)LDIDS[i].codepage);
        return lookup_number(digits, 0);
    }
    return NULL;
}

const char *lg_encoding_source_name(lg_encoding_source source)
{
    switch (source) {
    case LG_ENC_UNKNOWN: return "not declared";
    case LG_ENC_OVERRIDE: return "stated by the user";
    case LG_ENC_CPG: return ".cpg file";
    case LG_ENC_LDID: return "DBF language driver id";
    case LG_ENC_GUESSED: return "guessed from the text";
    case LG_ENC_FORMAT: return "fixed by the format";
    }
    return "unknown source";
}

/* ------------------------------------------------------------------------ */
/* Detection from the shapefile's side files                                */
/* ------------------------------------------------------------------------ */

/* Length of `path` without a shapefile-family extension (.shp .dbf .shx
 * .cpg .prj, any case); a path without one is taken whole. */
static size_t shapefile_stem_len(const char *path)
{
    static const char *const exts[] = {"shp", "dbf", "shx", "cpg", "prj"};
    size_t len = strlen(path);
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash) || dot == path || dot[-1] == '/')
        return len;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (lg_strcasecmp(dot + 1, exts[i]) == 0)
            return (size_t)(dot - path);
    return len;
}

/* Open stem + "." + ext (ext given in lower case) for reading, trying the
 * lower-case then the upper-case extension, then any other case found in
 * the directory.  On success returns the stream and stores the malloc'd
 * path in *found.  Returns NULL with *found == NULL when no such file
 * exists; NULL with *found set when it exists but cannot be opened (errno
 * tells why).  Allocation failures are recorded in ctx and *oom is set. */
static FILE *open_sibling(lg_ctx *ctx, const char *path, size_t stem_len, const char *ext,
                          char **found, int *oom)
{
    *found = NULL;
    size_t ext_len = strlen(ext);
    char *name = lg_malloc(ctx, stem_len + ext_len + 2);
    if (!name) {
        *oom = 1;
        return NULL;
    }
    memcpy(name, path, stem_len);
    name[stem_len] = '.';
    char *tail = name + stem_len + 1;

    for (int upper = 0; upper < 2; upper++) {
        for (size_t i = 0; i <= ext_len; i++)
            tail[i] = upper && ext[i] >= 'a' && ext[i] <= 'z' ? (char)(ext[i] - 'a' + 'A')
                                                             : ext[i];
        FILE *fp = fopen(name, "rb");
        if (fp) {
            *found = name;
            return fp;
        }
        if (errno != ENOENT && errno != ENOTDIR) { /* exists but unreadable */
            *found = name;
            return NULL;
        }
    }

    /* Mixed case ("x.Cpg"): scan the directory for the stem + any-case ext. */
    const char *slash = NULL;
    for (size_t i = 0; i < stem_len; i++)
        if (path[i] == '/')
            slash = path + i;
    const char *base = slash ? slash + 1 : path;
    size_t base_len = stem_len - (size_t)(base - path);
    char *dir = slash ? lg_malloc(ctx, (size_t)(slash - path) + 2) : NULL;
    if (slash && !dir) {
        free(name);
        *oom = 1;
        return NULL;
    }
    if (dir) {
        size_t dlen = slash == path ? 1 : (size_t)(slash - path); /* "/x.shp" → "/" */
        memcpy(dir, path, dlen);
        dir[dlen] = '\0';
    }
    DIR *dp = opendir(dir ? dir : ".");
    FILE *fp = NULL;
    int saved_errno = 0;
    if (dp) {
        struct dirent *de;
        while ((de = readdir(dp)) != NULL) {
            const char *d = de->d_name;
            if (strlen(d) == base_len + 1 + ext_len && strncmp(d, base, base_len) == 0 &&
                d[base_len] == '.' && lg_strcasecmp(d + base_len + 1, ext) == 0) {
                memcpy(tail, d + base_len + 1, ext_len + 1);
                fp = fopen(name, "rb");
                saved_errno = errno;
                *found = name;
                break;
            }
        }
        closedir(dp);
    }
    free(dir);
    if (!*found)
        free(name);
    errno = saved_errno; /* why fopen failed, for the caller's message */
    return fp;
}

/* Quote `text` for an error message: printable ASCII as is, anything else
 * as \xNN, at most about 60 bytes of input. */
static void quote_bytes(char *out, size_t out_size, const char *text, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 8 < out_size; i++) {
        unsigned char c = (unsigned char)text[i];
        if (i >= 60) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, out_size - o, "\\x%02X", c);
    }
    out[o] = '\0';
}

/* 1 if a .cpg line holds nothing but an optional UTF-8 BOM and blanks. */
static int cpg_is_blank(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        s += 3;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\f' && *s != '\v')
            return 0;
    return 1;
}

lg_status lg_dbf_encoding(lg_ctx *ctx, const char *path, const char **encoding,
                          lg_encoding_source *source, unsigned *ldid)
{
    if (encoding)
        *encoding = NULL;
    if (source)
        *source = LG_ENC_UNKNOWN;
    if (ldid)
        *ldid = 0;
    if (!ctx)
        return LG_ERR_ARG;
    if (!path || !*path)
        return lg_error(ctx, LG_ERR_ARG, "lg_dbf_encoding: no path given");

    size_t stem_len = shapefile_stem_len(path);
    int oom = 0;
    char *found = NULL;

    /* 1. The DBF's language driver id: byte 29 of the header.  A missing or
     *    short .dbf is not an error here (the reader will complain). */
    unsigned id = 0;
    FILE *fp = open_sibling(ctx, path, stem_len, "dbf", &found, &oom);
    if (oom)
        return LG_ERR_NOMEM;
    if (fp) {
        unsigned char header[32];
        if (fread(header, 1, sizeof header, fp) >= 30)
            id = header[29];
        fclose(fp);
    }
    free(found);
    if (ldid)
        *ldid = id;

    /* 2. The .cpg file, which wins over the LDID (as in GDAL). */
    fp = open_sibling(ctx, path, stem_len, "cpg", &found, &oom);
    if (oom)
        return LG_ERR_NOMEM;
    if (!fp && found) {
        lg_status st = lg_error(ctx, LG_ERR_IO, "%s: cannot open: %s", found, strerror(errno));
        free(found);
        return st;
    }
    if (fp) {
        char text[256];
        size_t len = fread(text, 1, sizeof text - 1, fp);
        int failed = ferror(fp);
        fclose(fp);
        if (failed) {
            lg_status st = lg_error(ctx, LG_ERR_IO, "%s: cannot read the file", found);
            free(found);
            return st;
        }
        text[len] = '\0';
        /* Only the first line counts (up to CR, LF or a NUL byte). */
        text[strcspn(text, "\r\n")] = '\0';

        /* An empty or blank .cpg declares nothing: fall back to the LDID. */
        if (!cpg_is_blank(text)) {
            const char *name = lg_encoding_canonical(text);
            if (!name) {
                char quoted[256];
                quote_bytes(quoted, sizeof quoted, text, strlen(text));
                lg_status st = lg_error(
                    ctx, LG_ERR_ENCODING,
                    "%s: unknown encoding \"%s\" declared in the .cpg file; state the "
                    "DBF's encoding with --encoding (for example --encoding GBK)",
                    found, quoted);
                free(found);
                return st;
            }
            free(found);
            if (encoding)
                *encoding = name;
            if (source)
                *source = LG_ENC_CPG;
            return LG_OK;
        }
        free(found);
    }

    /* 3. No usable .cpg: the LDID, if it names a known code page. */
    const char *name = lg_encoding_from_ldid(id);
    if (name) {
        if (encoding)
            *encoding = name;
        if (source)
            *source = LG_ENC_LDID;
    }
    return LG_OK;
}

/* ------------------------------------------------------------------------ */
/* UTF-8 validation and guessing                                            */
/* ------------------------------------------------------------------------ */

/* Length (1-4) of the well-formed UTF-8 sequence at s (n bytes available),
 * or 0 if the bytes there do not start one: bad lead byte, bad or missing
 * continuation byte, overlong form, surrogate or code point > U+10FFFF.
 * The ranges are those of table 3-7 of the Unicode standard. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates U+D800..DFFF */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* > U+10FFFF */
    } else
        return 0; /* continuation byte, C0/C1 (overlong), F5..FF */
    if (n < len)
        return 0; /* truncated */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

int lg_utf8_valid(const char *s, size_t len)
{
    if (!s)
        return len == 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t k = utf8_seq_len(p + i, len - i);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

/* 1 if iconv converts all `len` bytes from `cd`'s encoding without an
 * invalid or incomplete sequence.  The output is thrown away. */
static int iconv_decodes(iconv_t cd, const char *bytes, size_t len)
{
    char buf[1024];
    char *in = (char *)bytes; /* iconv(3) takes char ** but does not write */
    size_t inleft = len;
    iconv(cd, NULL, NULL, NULL, NULL); /* reset the shift state */
    while (inleft > 0) {
        char *out = buf;
        size_t outleft = sizeof buf;
        if (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1 && errno != E2BIG)
            return 0; /* EILSEQ or EINVAL (truncated at the end) */
    }
    char *out = buf;
    size_t outleft = sizeof buf;
    return iconv(cd, NULL, NULL, &out, &outleft) != (size_t)-1;
}

/* 1 if every sample decodes strictly in `encoding` (0 if iconv lacks it). */
static int all_decode(const char *encoding, const char *const *samples, const size_t *lengths,
                      size_t n)
{
    iconv_t cd = iconv_open("UTF-8", encoding);
    if (cd == (iconv_t)-1)
        return 0;
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        if (!samples[i])
            continue;
        size_t len = lengths ? lengths[i] : strlen(samples[i]);
        ok = iconv_decodes(cd, samples[i], len);
    }
    iconv_close(cd);
    return ok;
}

/* `lengths` may be NULL, for NUL-terminated samples; NULL samples are
 * skipped.  With no samples at all the answer is "UTF-8" (vacuously). */
const char *lg_encoding_guess(const char *const *samples, const size_t *lengths, size_t n)
{
    if (!samples)
        n = 0;
    int utf8 = 1;
    for (size_t i = 0; i < n && utf8; i++)
        if (samples[i])
            utf8 = lg_utf8_valid(samples[i], lengths ? lengths[i] : strlen(samples[i]));
    if (utf8)
        return ENC_UTF8;
    /* GBK-encoded Chinese is almost never valid UTF-8, whereas UTF-8 Chinese
     * often is valid GBK: hence UTF-8 first.  GB18030 is a superset of GBK
     * and so comes last. */
    if (all_decode(ENC_GBK, samples, lengths, n))
        return ENC_GBK;
    if (all_decode(ENC_GB18030, samples, lengths, n))
        return ENC_GB18030;
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Decoder                                                                  */
/* ------------------------------------------------------------------------ */

struct lg_decoder {
    char *encoding; /* canonical name when known, else as given */
    int is_utf8;    /* UTF-8 input: validate/repair only, no iconv */
    iconv_t cd;     /* (iconv_t)-1 when is_utf8 */
};

lg_decoder *lg_decoder_new(lg_ctx *ctx, const char *encoding)
{
    if (!ctx)
        return NULL;
    if (!encoding || !*encoding) {
        lg_error(ctx, LG_ERR_ARG, "lg_decoder_new: no encoding given");
        return NULL;
    }
    /* Accept any spelling we know; pass anything else to iconv as is. */
    const char *canon = lg_encoding_canonical(encoding);
    const char *name = canon ? canon : encoding;

    lg_decoder *dec = lg_calloc(ctx, 1, sizeof *dec);
    if (!dec)
        return NULL;
    dec->cd = (iconv_t)-1;
    dec->is_utf8 = canon == ENC_UTF8;
    if (!(dec->encoding = lg_strdup(ctx, name)))
        return lg_decoder_free(dec);
    if (!dec->is_utf8) {
        dec->cd = iconv_open("UTF-8", name);
        if (dec->cd == (iconv_t)-1) {
            lg_error(ctx, LG_ERR_ENCODING,
                     "the encoding \"%s\" is not known to this system's iconv", name);
            return lg_decoder_free(dec);
        }
    }
    return dec;
}

lg_decoder *lg_decoder_free(lg_decoder *dec)
{
    if (!dec)
        return NULL;
    if (dec->cd != (iconv_t)-1)
        iconv_close(dec->cd);
    free(dec->encoding);
    free(dec);
    return NULL;
}

const char *lg_decoder_encoding(const lg_decoder *dec) { return dec ? dec->encoding : NULL; }

/* A growable output buffer; `len` bytes used of `cap`. */
typedef struct {
    char *buf;
    size_t len, cap;
} outbuf;

/* Make room for at least `more` further bytes (plus the final NUL). */
static int outbuf_reserve(lg_ctx *ctx, outbuf *ob, size_t more)
{
    if (ob->cap - ob->len > more)
        return 1;
    size_t cap = ob->cap ? ob->cap : 64;
    while (cap - ob->len <= more) {
        if (cap > SIZE_MAX / 2) {
            lg_error(ctx, LG_ERR_NOMEM, "out of memory (decoded text too long)");
            return 0;
        }
        cap *= 2;
    }
    char *p = lg_realloc(ctx, ob->buf, cap);
    if (!p)
        return 0;
    ob->buf = p;
    ob->cap = cap;
    return 1;
}

static int outbuf_append(lg_ctx *ctx, outbuf *ob, const char *s, size_t n)
{
    if (!outbuf_reserve(ctx, ob, n))
        return 0;
    memcpy(ob->buf + ob->len, s, n);
    ob->len += n;
    return 1;
}

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD in UTF-8 */

/* Report invalid input at `offset`: `span` bytes (1-4) shown in hex. */
static void report_invalid(lg_ctx *ctx, const char *encoding, const char *bytes, size_t len,
                           size_t offset, size_t span, int truncated)
{
    char hex[4 * 5 + 1] = "";
    size_t h = 0;
    for (size_t i = 0; i < span && i < 4; i++)
        h += (size_t)snprintf(hex + h, sizeof hex - h, "%s0x%02X", i ? " " : "",
                              (unsigned char)bytes[offset + i]);
    if (truncated)
        lg_error(ctx, LG_ERR_ENCODING,
                 "%s %s at offset %zu %s an incomplete %s sequence at the end of the text "
                 "(%zu bytes)",
                 span > 1 ? "bytes" : "byte", hex, offset, span > 1 ? "are" : "is", encoding,
                 len);
    else
        lg_error(ctx, LG_ERR_ENCODING, "%s %s at offset %zu %s not valid %s",
                 span > 1 ? "bytes" : "byte", hex, offset, span > 1 ? "are" : "is", encoding);
}

/* 1 if iconv can decode a character starting at p (n bytes left). */
static int iconv_char_at(iconv_t cd, const char *p, size_t n)
{
    char buf[64];
    char *in = (char *)p, *out = buf;
    size_t inleft = n < 8 ? n : 8, outleft = sizeof buf;
    iconv(cd, NULL, NULL, NULL, NULL);
    size_t r = iconv(cd, &in, &inleft, &out, &outleft);
    return r != (size_t)-1 || in != p;
}

/* UTF-8 input: copy valid sequences, replace (lossy) or reject (strict)
 * each byte that does not start one. */
static int decode_utf8(lg_ctx *ctx, const lg_decoder *dec, const char *bytes, size_t len,
                       int lossy, size_t *replaced, outbuf *ob)
{
    const unsigned char *p = (const unsigned char *)bytes;
    size_t i = 0;
    while (i < len) {
        size_t k = utf8_seq_len(p + i, len - i);
        if (k) {
            if (!outbuf_append(ctx, ob, bytes + i, k))
                return 0;
            i += k;
            continue;
        }
        if (!lossy) {
            /* Show the bytes up to where a valid sequence starts again. */
            size_t span = 1;
            while (span < 4 && i + span < len && !utf8_seq_len(p + i + span, len - i - span))
                span++;
            int truncated = i + span == len && (p[i] & 0xC0) == 0xC0;
            report_invalid(ctx, dec->encoding, bytes, len, i, span, truncated);
            return 0;
        }
        if (!outbuf_append(ctx, ob, REPLACEMENT, 3))
            return 0;
        (*replaced)++;
        i++;
    }
    return 1;
}

/* Other encodings: iconv, growing the output on E2BIG; on an invalid or
 * incomplete sequence either fail (strict) or emit U+FFFD for the first
 * byte and resume at the next one (lossy). */
static int decode_iconv(lg_ctx *ctx, const lg_decoder *dec, const char *bytes, size_t len,
                        int lossy, size_t *replaced, outbuf *ob)
{
    iconv_t cd = dec->cd;
    char *in = (char *)bytes; /* iconv(3) takes char ** but does not write */
    size_t inleft = len;
    iconv(cd, NULL, NULL, NULL, NULL); /* reset the state left by an earlier call */

    /* A first guess of the output size: GBK's 2 bytes become 3. */
    if (!outbuf_reserve(ctx, ob, len + len / 2 + 16))
        return 0;
    int flushing = 0; /* all input converted: flush the shift state */
    for (;;) {
        char *out = ob->buf + ob->len;
        size_t outleft = ob->cap - ob->len - 1; /* keep room for the NUL */
        size_t r = flushing ? iconv(cd, NULL, NULL, &out, &outleft)
                            : iconv(cd, &in, &inleft, &out, &outleft);
        int err = errno;
        ob->len = (size_t)(out - ob->buf);
        if (r != (size_t)-1) {
            if (flushing)
                break;
            flushing = 1; /* iconv returns success only once inleft is 0 */
            continue;
        }
        if (err == E2BIG) {
            if (!outbuf_reserve(ctx, ob, (ob->cap - ob->len) + 64))
                return 0;
            continue;
        }
        if (flushing) { /* cannot happen with a stateless source encoding */
            lg_error(ctx, LG_ERR_ENCODING, "incomplete %s text at its end (%zu bytes)",
                     dec->encoding, len);
            return 0;
        }
        /* EILSEQ: invalid sequence; EINVAL: incomplete at the end. */
        size_t offset = (size_t)(in - bytes);
        if (!lossy) {
            size_t span = 1;
            while (span < 4 && offset + span < len &&
                   !iconv_char_at(cd, bytes + offset + span, len - offset - span))
                span++;
            report_invalid(ctx, dec->encoding, bytes, len, offset, span, err == EINVAL);
            return 0;
        }
        if (!outbuf_append(ctx, ob, REPLACEMENT, 3))
            return 0;
        (*replaced)++;
        in++;
        inleft--;
        iconv(cd, NULL, NULL, NULL, NULL);
    }
    return 1;
}

char *lg_decoder_decode(lg_ctx *ctx, lg_decoder *dec, const char *bytes, size_t len, int lossy,
                        size_t *replaced)
{
    size_t count = 0;
    if (replaced)
        *replaced = 0;
    if (!ctx)
        return NULL;
    if (!dec || (!bytes && len)) {
        lg_error(ctx, LG_ERR_ARG, "lg_decoder_decode: no decoder or no text");
        return NULL;
    }
    outbuf ob = {NULL, 0, 0};
    if (!outbuf_reserve(ctx, &ob, len + 1))
        return NULL;
    int ok = dec->is_utf8 ? decode_utf8(ctx, dec, bytes, len, lossy, &count, &ob)
                          : decode_iconv(ctx, dec, bytes, len, lossy, &count, &ob);
    if (!ok) {
        free(ob.buf);
        return NULL;
    }
    ob.buf[ob.len] = '\0';
    if (replaced)
        *replaced = count;
    return ob.buf;
}

/* ------------------------------------------------------------------ */
/* Encoding UTF-8 text into a layer's encoding (internal)              */

char *lg_encode_utf8(lg_ctx *ctx, const char *encoding, const char *text)
{
    size_t len = strlen(text);
    const char *name = lg_encoding_canonical(encoding);
    if (!name)
        name = encoding;
    if (!lg_strcasecmp(name, "UTF-8"))
        return lg_strdup(ctx, text);
    iconv_t cd = iconv_open(name, "UTF-8");
    if (cd == (iconv_t)-1) {
        lg_error(ctx, LG_ERR_ENCODING, "the system's iconv does not know the encoding %s", name);
        return NULL;
    }
    /* GBK and the other multi-byte code pages never need more than 4
     * bytes per UTF-8 character (each of which is at least 1 byte). */
    size_t cap = 4 * len + 1;
    char *out = lg_malloc(ctx, cap);
    if (!out) {
        iconv_close(cd);
        return NULL;
    }
    char *in = (char *)text, *o = out;
    size_t inleft = len, outleft = cap - 1;
    size_t r = iconv(cd, &in, &inleft, &o, &outleft);
    iconv_close(cd);
    if (r == (size_t)-1) {
        lg_error(ctx, LG_ERR_ENCODING, "the text \"%s\" cannot be written in %s (at byte %zu)",
                 text, name, (size_t)(in - text));
        free(out);
        return NULL;
    }
    *o = '\0';
    return out;
}
