/*
 * Unit tests of lg_encoding.h: canonical names, LDIDs, .cpg/.dbf detection,
 * UTF-8 validation, guessing and the iconv-based decoder.
 *
 * Expected values do not come from the code under test: every GBK, BIG5 or
 * CP1252 byte string below was produced and checked with iconv(1), e.g.
 *   printf '李沧区街道' | iconv -f UTF-8 -t GBK | xxd -p  →  c0eeb2d7c7f8bdd6b5c0
 * and every UTF-8 literal with xxd(1) on the shell's UTF-8 text.
 */
#include "lg_fixture.h"

#include <iconv.h>

#include "libgeo/lg_encoding.h"

/* "李沧区街道": GBK bytes (verified with iconv(1), see above) and UTF-8. */
#define GBK_LICANGQU_JIEDAO "\xC0\xEE\xB2\xD7\xC7\xF8\xBD\xD6\xB5\xC0"
#define UTF8_LICANGQU_JIEDAO "\xE6\x9D\x8E\xE6\xB2\xA7\xE5\x8C\xBA\xE8\xA1\x97\xE9\x81\x93"
/* "李沧区" in GBK (iconv(1): c0eeb2d7c7f8) and UTF-8 (e69d8ee6b2a7e58cba). */
#define GBK_LICANGQU "\xC0\xEE\xB2\xD7\xC7\xF8"
#define UTF8_LICANGQU "\xE6\x9D\x8E\xE6\xB2\xA7\xE5\x8C\xBA"
/* "李" GBK c0ee, "沧" GBK b2d7 (iconv(1)); UTF-8 e69d8e and e6b2a7. */
#define UTF8_LI "\xE6\x9D\x8E"
#define UTF8_CANG "\xE6\xB2\xA7"
/* "道路" in UTF-8 (e98193e8b7af): iconv(1) -f GBK also accepts these bytes. */
#define UTF8_DAOLU "\xE9\x81\x93\xE8\xB7\xAF"
/* "青岛" in GBK (iconv(1): c7e0b5ba). */
#define GBK_QINGDAO "\xC7\xE0\xB5\xBA"
/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
#define FFFD "\xEF\xBF\xBD"

/* Fail with the context's message when `cond` is false. */
#define assert_ctx(cond)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            print_error("%s failed: %s\n", #cond, lg_ctx_errmsg(ctx));                     \
            _fail(__FILE__, __LINE__);                                                       \
        }                                                                                    \
    } while (0)

#define assert_contains(haystack, needle)                                                    \
    do {                                                                                     \
        const char *lg_h_ = (haystack), *lg_n_ = (needle);                                   \
        if (!lg_h_ || !strstr(lg_h_, lg_n_)) {                                               \
            print_error("\"%s\" does not contain \"%s\"\n", lg_h_ ? lg_h_ : "(null)", lg_n_); \
            _fail(__FILE__, __LINE__);                                                       \
        }                                                                                    \
    } while (0)

/* ---------------------------------------------------------------------- */
/* Names                                                                  */
/* ---------------------------------------------------------------------- */

static void test_canonical_header_spellings(void **state)
{
    (void)state;
    static const struct {
        const char *text, *expected;
    } cases[] = {
        /* every spelling listed in lg_encoding.h */
        {"936", "GBK"},
        {"CP936", "GBK"},
        {"GBK", "GBK"},
        {"GB2312", "GBK"},
        {"GB18030", "GB18030"},
        {"54936", "GB18030"},
        {"65001", "UTF-8"},
        {"UTF8", "UTF-8"},
        {"UTF-8", "UTF-8"},
        {"950", "BIG5"},
        {"BIG5", "BIG5"},
        {"1252", "CP1252"},
        {"CP1252", "CP1252"},
        {"88591", "ISO-8859-1"},
        {"8859-1", "ISO-8859-1"},
        {"ISO-8859-1", "ISO-8859-1"},
        {"LATIN1", "ISO-8859-1"},
        /* case and blanks, as .cpg files write them */
        {"gbk", "GBK"},
        {"cp936", "GBK"},
        {"  936  ", "GBK"},
        {"936\n", "GBK"},
        {"936\r\n", "GBK"},
        {"\tCP 936 \n", "GBK"},
        {"utf-8", "UTF-8"},
        {"Utf8\n", "UTF-8"},
        {"\xEF\xBB\xBFUTF-8\r\n", "UTF-8"}, /* with a byte-order mark */
        {"big5", "BIG5"},
        {"gb18030", "GB18030"},
        {"latin1", "ISO-8859-1"},
        /* other CPnnn and ISO-8859-n */
        {"437", "CP437"},
        {"CP437", "CP437"},
        {"IBM437", "CP437"},
        {"850", "CP850"},
        {"866", "CP866"},
        {"932", "CP932"},
        {"CP932", "CP932"},
        {"949", "CP949"},
        {"1251", "CP1251"},
        {"ANSI 1251", "CP1251"}, /* written by some ESRI tools; GDAL knows it */
        {"windows-1252", "CP1252"},
        {"Windows-1250", "CP1250"},
        {"CP1257", "CP1257"},
        {"ISO-8859-2", "ISO-8859-2"},
        {"iso_8859-15", "ISO-8859-15"},
        {"885915", "ISO-8859-15"},
        {"8859-5", "ISO-8859-5"},
        {"28591", "ISO-8859-1"},
        {"SHIFT_JIS", "SHIFT_JIS"},
        {"sjis", "SHIFT_JIS"},
        {"EUC-KR", "EUC-KR"},
        {"KOI8-R", "KOI8-R"},
        {"20936", "GBK"},
        {"ASCII", "ASCII"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = lg_encoding_canonical(cases[i].text);
        if (!got || strcmp(got, cases[i].expected) != 0) {
            print_error("lg_encoding_canonical(\"%s\") = %s, expected %s\n", cases[i].text,
                        got ? got : "NULL", cases[i].expected);
            fail();
        }
    }
}

static void test_canonical_unknown(void **state)
{
    (void)state;
    static const char *const unknown[] = {
        "KLINGON", "", "   ", "\n", "CP", "CP99999", "12345", "UTF-9", "ISO1252",
        "ISO-8859-12", "GB", "-1", "936x", "x936", "CP936CP936CP936CP936CP936CP936CP936",
    };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *got = lg_encoding_canonical(unknown[i]);
        if (got) {
            print_error("lg_encoding_canonical(\"%s\") = %s, expected NULL\n", unknown[i], got);
            fail();
        }
    }
    assert_null(lg_encoding_canonical(NULL));
}

/* Every name the tables can hand out must be one iconv(3) opens. */
static void check_iconv_knows(const char *name, const char *from)
{
    if (!name)
        return;
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1) {
        print_error("iconv does not know \"%s\" (from %s)\n", name, from);
        fail();
    }
    iconv_close(cd);
    lg_decoder *dec = lg_decoder_new(ctx, name);
    assert_ctx(dec != NULL);
    assert_string_equal(lg_decoder_encoding(dec), name);
    lg_decoder_free(dec);
}

static void test_names_known_to_iconv(void **state)
{
    (void)state;
    char buf[32];
    for (unsigned id = 0; id < 256; id++) {
        snprintf(buf, sizeof buf, "LDID 0x%02X", id);
        check_iconv_knows(lg_encoding_from_ldid(id), buf);
    }
    /* all code-page numbers up to 5 digits, bare and with the CP prefix,
     * and the 6-digit ESRI ISO-8859 numbers */
    for (unsigned cp = 0; cp < 100000; cp++) {
        snprintf(buf, sizeof buf, "%u", cp);
        check_iconv_knows(lg_encoding_canonical(buf), buf);
    }
    for (unsigned n = 1; n <= 16; n++) {
        snprintf(buf, sizeof buf, "8859%u", n);
        check_iconv_knows(lg_encoding_canonical(buf), buf);
        snprintf(buf, sizeof buf, "ISO-8859-%u", n);
        check_iconv_knows(lg_encoding_canonical(buf), buf);
    }
    static const char *const names[] = {"GBK", "GB18030", "BIG5", "BIG5-HKSCS", "SHIFT_JIS",
                                        "EUC-JP", "EUC-KR", "UHC", "KOI8-U", "TIS-620",
                                        "LATIN2", "LATIN9", "MACROMAN", "MAC-CYRILLIC",
                                        "MAC-CENTRALEUROPE", "US-ASCII", "EUC-CN"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        check_iconv_knows(lg_encoding_canonical(names[i]), names[i]);
}

static void test_ldid(void **state)
{
    (void)state;
    /* values from GDAL's GetEncodingFromLDIDNumber() (ogrshapelayer.cpp) */
    assert_string_equal(lg_encoding_from_ldid(0x4D), "GBK");
    assert_string_equal(lg_encoding_from_ldid(0x7A), "GBK");
    assert_string_equal(lg_encoding_from_ldid(0x4F), "BIG5");
    assert_string_equal(lg_encoding_from_ldid(0x78), "BIG5");
    assert_string_equal(lg_encoding_from_ldid(0x57), "ISO-8859-1");
    assert_string_equal(lg_encoding_from_ldid(0x03), "CP1252");
    assert_string_equal(lg_encoding_from_ldid(0x58), "CP1252");
    assert_string_equal(lg_encoding_from_ldid(0x01), "CP437");
    assert_string_equal(lg_encoding_from_ldid(0x02), "CP850");
    assert_string_equal(lg_encoding_from_ldid(0x13), "CP932");
    assert_string_equal(lg_encoding_from_ldid(0x7B), "CP932");
    assert_string_equal(lg_encoding_from_ldid(0x4E), "CP949");
    assert_string_equal(lg_encoding_from_ldid(0x26), "CP866");
    assert_string_equal(lg_encoding_from_ldid(0x64), "CP852");
    assert_string_equal(lg_encoding_from_ldid(0xC8), "CP1250");
    assert_string_equal(lg_encoding_from_ldid(0xC9), "CP1251");
    assert_string_equal(lg_encoding_from_ldid(0xCC), "CP1257");
    assert_null(lg_encoding_from_ldid(0));
    assert_null(lg_encoding_from_ldid(0xFF));
    assert_null(lg_encoding_from_ldid(0x09)); /* not in GDAL's table */
    assert_null(lg_encoding_from_ldid(0x68)); /* CP895: glibc's iconv lacks it */
    assert_null(lg_encoding_from_ldid(0x14D)); /* not a byte */
}

static void test_source_names(void **state)
{
    (void)state;
    for (int s = LG_ENC_UNKNOWN; s <= LG_ENC_FORMAT; s++) {
        const char *name = lg_encoding_source_name((lg_encoding_source)s);
        assert_non_null(name);
        assert_true(strlen(name) > 0);
    }
    assert_contains(lg_encoding_source_name(LG_ENC_CPG), ".cpg");
}

/* ---------------------------------------------------------------------- */
/* .cpg / .dbf detection                                                  */
/* ---------------------------------------------------------------------- */

static char g_dir[1024];

static int setup_dir(void **state)
{
    (void)state;
    const char *dir = lg_test_tmpdir("encoding");
    if (!dir)
        return -1;
    snprintf(g_dir, sizeof g_dir, "%s", dir);
    return 0;
}

/* g_dir + "/" + name, in a rotating static buffer (several live at once). */
static const char *in_dir(const char *name)
{
    static char bufs[4][1200];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", g_dir, name);
    return b;
}

static void write_file(const char *name, const void *data, size_t len)
{
    FILE *fp = fopen(in_dir(name), "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* A minimal dBASE III file: 32-byte header with the LDID at byte 29, one
 * character field "NAME" of 10 bytes, the 0x0D terminator, no records. */
static void write_dbf(const char *name, unsigned char ldid)
{
    unsigned char dbf[32 + 32 + 1 + 1];
    memset(dbf, 0, sizeof dbf);
    dbf[0] = 0x03;                    /* dBASE III, no memo */
    dbf[1] = 124, dbf[2] = 1, dbf[3] = 1; /* last update 2024-01-01 */
    dbf[8] = 65, dbf[9] = 0;          /* header length 32 + 32 + 1 */
    dbf[10] = 11, dbf[11] = 0;        /* record length: flag + 10 */
    dbf[29] = ldid;
    memcpy(dbf + 32, "NAME", 4);
    dbf[32 + 11] = 'C';
    dbf[32 + 16] = 10;
    dbf[64] = 0x0D;
    dbf[65] = 0x1A; /* end of file */
    write_file(name, dbf, sizeof dbf);
}

/* Run lg_dbf_encoding and check its three outputs. */
static void check_dbf(const char *path, const char *encoding, lg_encoding_source source,
                      unsigned ldid)
{
    const char *enc = "unset";
    lg_encoding_source src = (lg_encoding_source)99;
    unsigned id = 999;
    lg_status st = lg_dbf_encoding(ctx, path, &enc, &src, &id);
    if (st != LG_OK) {
        print_error("lg_dbf_encoding(%s) failed: %s\n", path, lg_ctx_errmsg(ctx));
        fail();
    }
    if (encoding)
        assert_string_equal(enc, encoding);
    else
        assert_null(enc);
    assert_int_equal(src, source);
    assert_int_equal(id, ldid);
}

static void test_dbf_ldid_only(void **state)
{
    (void)state;
    write_dbf("ldid.dbf", 0x4D);
    check_dbf(in_dir("ldid.shp"), "GBK", LG_ENC_LDID, 0x4D);
    check_dbf(in_dir("ldid.dbf"), "GBK", LG_ENC_LDID, 0x4D);
    check_dbf(in_dir("ldid.SHP"), "GBK", LG_ENC_LDID, 0x4D); /* any case of the extension */
    check_dbf(in_dir("ldid"), "GBK", LG_ENC_LDID, 0x4D);     /* no extension */

    write_dbf("ldid7a.dbf", 0x7A);
    check_dbf(in_dir("ldid7a.shp"), "GBK", LG_ENC_LDID, 0x7A);

    write_dbf("ldid57.dbf", 0x57);
    check_dbf(in_dir("ldid57.shp"), "ISO-8859-1", LG_ENC_LDID, 0x57);
}

static void test_dbf_nothing_declared(void **state)
{
    (void)state;
    write_dbf("plain.dbf", 0);
    check_dbf(in_dir("plain.shp"), NULL, LG_ENC_UNKNOWN, 0);

    /* an LDID outside the table is reported raw but declares nothing */
    write_dbf("oddldid.dbf", 0xFE);
    check_dbf(in_dir("oddldid.shp"), NULL, LG_ENC_UNKNOWN, 0xFE);

    /* no file at all: not an error here */
    check_dbf(in_dir("absent.shp"), NULL, LG_ENC_UNKNOWN, 0);

    /* a truncated .dbf: no LDID */
    write_file("short.dbf", "\x03\x7C\x01\x01", 4);
    check_dbf(in_dir("short.shp"), NULL, LG_ENC_UNKNOWN, 0);

    /* a blank .cpg declares nothing: the LDID is used */
    write_dbf("blankcpg.dbf", 0x4D);
    write_file("blankcpg.cpg", " \n", 2);
    check_dbf(in_dir("blankcpg.shp"), "GBK", LG_ENC_LDID, 0x4D);
}

static void test_dbf_cpg(void **state)
{
    (void)state;
    /* "936\n" with no LDID */
    write_dbf("cpg936.dbf", 0);
    write_file("cpg936.cpg", "936\n", 4);
    check_dbf(in_dir("cpg936.shp"), "GBK", LG_ENC_CPG, 0);

    /* the .cpg wins over the LDID; the LDID is still reported */
    write_dbf("cpgwins.dbf", 0x57);
    write_file("cpgwins.cpg", "UTF-8", 5);
    check_dbf(in_dir("cpgwins.shp"), "UTF-8", LG_ENC_CPG, 0x57);
    check_dbf(in_dir("cpgwins.dbf"), "UTF-8", LG_ENC_CPG, 0x57);

    /* byte-order mark, blanks and CRLF */
    write_dbf("bom.dbf", 0);
    write_file("bom.cpg", "\xEF\xBB\xBF CP936 \r\n", 11);
    check_dbf(in_dir("bom.shp"), "GBK", LG_ENC_CPG, 0);

    /* .cpg without a .dbf: not an error */
    write_file("nodbf.cpg", "GBK", 3);
    check_dbf(in_dir("nodbf.shp"), "GBK", LG_ENC_CPG, 0);

    /* the outputs may be NULL */
    assert_int_equal(lg_dbf_encoding(ctx, in_dir("cpg936.shp"), NULL, NULL, NULL), LG_OK);
}

static void test_dbf_upper_case(void **state)
{
    (void)state;
    /* all upper case, as written by old DOS/Windows tools */
    write_dbf("UPPER.DBF", 0x4D);
    write_file("UPPER.CPG", "UTF-8\n", 6);
    check_dbf(in_dir("UPPER.SHP"), "UTF-8", LG_ENC_CPG, 0x4D);
    check_dbf(in_dir("UPPER.shp"), "UTF-8", LG_ENC_CPG, 0x4D);

    /* lower-case .dbf with an upper-case .CPG */
    write_dbf("mixed.dbf", 0);
    write_file("mixed.CPG", "88591", 5);
    check_dbf(in_dir("mixed.shp"), "ISO-8859-1", LG_ENC_CPG, 0);

    /* any case: ".Cpg" and ".Dbf" */
    write_dbf("odd.Dbf", 0x7A);
    write_file("odd.Cpg", "65001", 5);
    check_dbf(in_dir("odd.shp"), "UTF-8", LG_ENC_CPG, 0x7A);
}

static void test_dbf_unknown_cpg(void **state)
{
    (void)state;
    write_dbf("klingon.dbf", 0x4D);
    write_file("klingon.cpg", "KLINGON\n", 8);
    const char *enc = "unset";
    lg_encoding_source src = LG_ENC_OVERRIDE;
    unsigned id = 999;
    lg_ctx_clear_error(ctx);
    assert_int_equal(lg_dbf_encoding(ctx, in_dir("klingon.shp"), &enc, &src, &id),
                     LG_ERR_ENCODING);
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ENCODING);
    const char *msg = lg_ctx_errmsg(ctx);
    assert_contains(msg, in_dir("klingon.cpg"));
    assert_contains(msg, "KLINGON");
    assert_contains(msg, "--encoding");
    assert_null(enc);
    assert_int_equal(src, LG_ENC_UNKNOWN);

    /* binary garbage is quoted, not copied raw into the message */
    write_file("garbage.cpg", "\x01\xFFzz", 4);
    lg_ctx_clear_error(ctx);
    assert_int_equal(lg_dbf_encoding(ctx, in_dir("garbage.shp"), &enc, &src, &id),
                     LG_ERR_ENCODING);
    assert_contains(lg_ctx_errmsg(ctx), "\\x01\\xFFzz");
    lg_ctx_clear_error(ctx);

    assert_int_equal(lg_dbf_encoding(ctx, NULL, &enc, &src, &id), LG_ERR_ARG);
    lg_ctx_clear_error(ctx);
}

/* ---------------------------------------------------------------------- */
/* UTF-8 validation                                                       */
/* ---------------------------------------------------------------------- */

#define VALID(lit) assert_int_equal(lg_utf8_valid(lit, sizeof(lit) - 1), 1)
#define INVALID(lit) assert_int_equal(lg_utf8_valid(lit, sizeof(lit) - 1), 0)

static void test_utf8_valid(void **state)
{
    (void)state;
    VALID("");
    VALID("plain ASCII, 123");
    VALID(UTF8_LICANGQU_JIEDAO);
    VALID("\xC2\x80");         /* U+0080, smallest 2-byte */
    VALID("\xDF\xBF");         /* U+07FF */
    VALID("\xE0\xA0\x80");     /* U+0800, smallest 3-byte */
    VALID("\xED\x9F\xBF");     /* U+D7FF, just below the surrogates */
    VALID("\xEE\x80\x80");     /* U+E000, just above them */
    VALID("\xEF\xBF\xBD");     /* U+FFFD */
    VALID("\xF0\x90\x80\x80"); /* U+10000 */
    VALID("\xF0\x9F\x98\x80"); /* U+1F600 */
    VALID("\xF4\x8F\xBF\xBF"); /* U+10FFFF, the last code point */
    VALID("a\0b");             /* NUL is a character like any other */

    INVALID("\xC0\x80");         /* overlong NUL */
    INVALID("\xC1\xBF");         /* overlong U+007F */
    INVALID("\xE0\x80\x80");     /* overlong 3-byte */
    INVALID("\xE0\x9F\xBF");     /* overlong U+07FF */
    INVALID("\xF0\x80\x80\x80"); /* overlong 4-byte */
    INVALID("\xF0\x8F\xBF\xBF"); /* overlong U+FFFF */
    INVALID("\xED\xA0\x80");     /* U+D800 surrogate */
    INVALID("\xED\xBF\xBF");     /* U+DFFF surrogate */
    INVALID("\xF4\x90\x80\x80"); /* U+110000 */
    INVALID("\xF5\x80\x80\x80"); /* lead byte beyond U+10FFFF */
    INVALID("\xFF");
    INVALID("\xFE");
    INVALID("\x80");             /* lone continuation byte */
    INVALID("a\xBF");
    INVALID("\xE6\x9D");         /* truncated 3-byte (李 without its last byte) */
    INVALID("\xE6");
    INVALID("\xF0\x9F\x98");     /* truncated 4-byte */
    INVALID("\xE6\x9D\x41");     /* continuation replaced by ASCII */
    INVALID(GBK_LICANGQU_JIEDAO);

    /* only `len` bytes are looked at */
    assert_int_equal(lg_utf8_valid(UTF8_LICANGQU, 3), 1);
    assert_int_equal(lg_utf8_valid(UTF8_LICANGQU, 2), 0);
    assert_int_equal(lg_utf8_valid(NULL, 0), 1);
}

/* ---------------------------------------------------------------------- */
/* Guessing                                                               */
/* ---------------------------------------------------------------------- */

static const char *guess(const char *const *samples, size_t n)
{
    size_t lengths[8];
    for (size_t i = 0; i < n; i++)
        lengths[i] = strlen(samples[i]);
    return lg_encoding_guess(samples, lengths, n);
}

static void test_guess(void **state)
{
    (void)state;
    const char *utf8[] = {UTF8_LICANGQU_JIEDAO, "Road 12", UTF8_DAOLU};
    assert_string_equal(guess(utf8, 3), "UTF-8");

    const char *ascii[] = {"Main Street", "", "12"};
    assert_string_equal(guess(ascii, 3), "UTF-8");

    const char *gbk[] = {GBK_LICANGQU_JIEDAO, "Road 12", GBK_QINGDAO};
    assert_string_equal(guess(gbk, 3), "GBK");

    /* UTF-8 "道路" is also well-formed GBK (check with iconv here, so the
     * test states the premise): UTF-8 must be tried first. */
    lg_decoder *dec = lg_decoder_new(ctx, "GBK");
    assert_ctx(dec != NULL);
    char *s = lg_decoder_decode(ctx, dec, UTF8_DAOLU, strlen(UTF8_DAOLU), 0, NULL);
    assert_non_null(s);
    free(s);
    lg_decoder_free(dec);
    const char *daolu[] = {UTF8_DAOLU};
    assert_string_equal(guess(daolu, 1), "UTF-8");

    /* A2 E3 is "€" in GB18030 only (iconv(1): -t GB18030 gives a2e3, and
     * -f GBK rejects it); 81 30 81 30 is GB18030's four-byte U+0080. */
    const char *gb18030[] = {GBK_LICANGQU, "\xA2\xE3", "\x81\x30\x81\x30"};
    assert_string_equal(guess(gb18030, 3), "GB18030");

    /* 0xFF is valid in none of them */
    const char *junk[] = {"\xFF\xFE\xFD"};
    assert_null(guess(junk, 1));
    const char *mixed_junk[] = {GBK_LICANGQU, "abc\xFF"};
    assert_null(guess(mixed_junk, 2));

    /* UTF-8 "李沧区" (9 bytes) ends in a lone GBK lead byte: mixing it with
     * GBK text leaves nothing consistent. */
    const char *mixed[] = {GBK_LICANGQU, UTF8_LICANGQU};
    assert_null(guess(mixed, 2));

    /* lengths NULL: NUL-terminated samples */
    const char *nul_terminated[] = {GBK_QINGDAO, "x"};
    assert_string_equal(lg_encoding_guess(nul_terminated, NULL, 2), "GBK");

    /* explicit lengths are honoured: only the first 3 bytes (李 in UTF-8) */
    const char *cut[] = {UTF8_LICANGQU};
    size_t three = 3;
    assert_string_equal(lg_encoding_guess(cut, &three, 1), "UTF-8");
}

/* ---------------------------------------------------------------------- */
/* Decoding                                                               */
/* ---------------------------------------------------------------------- */

static void test_decode_gbk_strict(void **state)
{
    (void)state;
    lg_decoder *dec = lg_decoder_new(ctx, "GBK");
    assert_ctx(dec != NULL);
    assert_string_equal(lg_decoder_encoding(dec), "GBK");

    size_t replaced = 99;
    char *s = lg_decoder_decode(ctx, dec, GBK_LICANGQU_JIEDAO,
                                sizeof GBK_LICANGQU_JIEDAO - 1, 0, &replaced);
    assert_ctx(s != NULL);
    assert_string_equal(s, UTF8_LICANGQU_JIEDAO);
    assert_int_equal(replaced, 0);
    free(s);

    /* ASCII mixed in, and a second call on the same decoder */
    static const char in[] = "No.7 " GBK_QINGDAO " Rd";
    s = lg_decoder_decode(ctx, dec, in, sizeof in - 1, 0, NULL);
    assert_ctx(s != NULL);
    assert_string_equal(s, "No.7 \xE9\x9D\x92\xE5\xB2\x9B Rd"); /* 青岛 in UTF-8 */
    free(s);

    /* empty input gives "" */
    s = lg_decoder_decode(ctx, dec, "", 0, 0, NULL);
    assert_ctx(s != NULL);
    assert_string_equal(s, "");
    free(s);
    s = lg_decoder_decode(ctx, dec, NULL, 0, 0, NULL);
    assert_ctx(s != NULL);
    assert_string_equal(s, "");
    free(s);
    lg_decoder_free(dec);

    /* other spellings are accepted and reported canonically */
    dec = lg_decoder_new(ctx, "cp936");
    assert_ctx(dec != NULL);
    assert_string_equal(lg_decoder_encoding(dec), "GBK");
    lg_decoder_free(dec);
}

/* Decode strictly and expect failure with `needles` in the message. */
static void expect_strict_failure(lg_decoder *dec, const char *bytes, size_t len,
                                  const char *needle1, const char *needle2)
{
    lg_ctx_clear_error(ctx);
    char *s = lg_decoder_decode(ctx, dec, bytes, len, 0, NULL);
    if (s) {
        print_error("decoding succeeded unexpectedly: \"%s\"\n", s);
        free(s);
        fail();
    }
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ENCODING);
    assert_contains(lg_ctx_errmsg(ctx), needle1);
    assert_contains(lg_ctx_errmsg(ctx), needle2);
    lg_ctx_clear_error(ctx);
}

static void test_decode_gbk_invalid(void **state)
{
    (void)state;
    lg_decoder *dec = lg_decoder_new(ctx, "GBK");
    assert_ctx(dec != NULL);

    /* a lone lead byte at the end */
    static const char trunc[] = GBK_LICANGQU "\x81";
    expect_strict_failure(dec, trunc, sizeof trunc - 1, "offset 6", "0x81");
    /* 0xFF in the middle */
    static const char ff[] = "\xC0\xEE\xFF\xC7\xF8";
    expect_strict_failure(dec, ff, sizeof ff - 1, "byte 0xFF at offset 2", "GBK");
    /* a lead byte followed by a byte that is no trail byte nor a character */
    static const char pair[] = "ab\x81\xFF" "c";
    expect_strict_failure(dec, pair, sizeof pair - 1, "bytes 0x81 0xFF at offset 2",
                          "not valid GBK");

    /* the decoder is still usable after a failure */
    char *s = lg_decoder_decode(ctx, dec, GBK_LICANGQU, sizeof GBK_LICANGQU - 1, 0, NULL);
    assert_ctx(s != NULL);
    assert_string_equal(s, UTF8_LICANGQU);
    free(s);
    lg_decoder_free(dec);
}

static void test_decode_gbk_lossy(void **state)
{
    (void)state;
    lg_decoder *dec = lg_decoder_new(ctx, "GBK");
    assert_ctx(dec != NULL);
    size_t replaced = 0;

    static const char ff[] = "\xC0\xEE\xFF\xB2\xD7"; /* 李 0xFF 沧 */
    char *s = lg_decoder_decode(ctx, dec, ff, sizeof ff - 1, 1, &replaced);
    assert_ctx(s != NULL);
    assert_string_equal(s, UTF8_LI FFFD UTF8_CANG);
    assert_int_equal(replaced, 1);
    free(s);

    static const char trunc[] = GBK_LICANGQU "\x81";
    s = lg_decoder_decode(ctx, dec, trunc, sizeof trunc - 1, 1, &replaced);
    assert_ctx(s != NULL);
    assert_string_equal(s, UTF8_LICANGQU FFFD);
    assert_int_equal(replaced, 1);
    free(s);

    /* each invalid byte counts; ASCII after a bad lead byte survives */
    static const char two[] = "\xFF" "a\x81";
    s = lg_decoder_decode(ctx, dec, two, sizeof two - 1, 1, &replaced);
    assert_ctx(s != NULL);
    assert_string_equal(s, FFFD "a" FFFD);
    assert_int_equal(replaced, 2);
    free(s);

    /* replaced may be NULL; valid text replaces nothing */
    s = lg_decoder_decode(ctx, dec, GBK_QINGDAO, 4, 1, NULL);
    assert_ctx(s != NULL);
    assert_string_equal(s, "\xE9\x9D\x92\xE5\xB2\x9B");
    free(s);
    s = lg_decoder_decode(ctx, dec, GBK_QINGDAO, 4, 1, &replaced);
    assert_int_equal(replaced, 0);
    free(s);
    lg_decoder_free(dec);
}

static void test_decode_utf8(void **state)
{
    (void)state;
    lg_decoder *dec = lg_decoder_new(ctx, "utf8");
    assert_ctx(dec != NULL);
    assert_string_equal(lg_decoder_encoding(dec), "UTF-8");

    char *s = lg_decoder_decode(ctx, dec, UTF8_LICANGQU_JIEDAO,
                                sizeof UTF8_LICANGQU_JIEDAO - 1, 0, NULL);
    assert_ctx(s != NULL);
    assert_string_equal(s, UTF8_LICANGQU_JIEDAO);
    free(s);

    static const char trunc[] = "ab\xE6\x9D";
    expect_strict_failure(dec, trunc, sizeof trunc - 1, "bytes 0xE6 0x9D at offset 2",
                          "UTF-8");
    static const char sur[] = "\xED\xA0\x80z";
    expect_strict_failure(dec, sur, sizeof sur - 1, "offset 0", "0xED");
    expect_strict_failure(dec, GBK_LICANGQU, sizeof GBK_LICANGQU - 1, "offset 0", "0xC0");

    size_t replaced = 0;
    static const char overlong[] = "a\xC0\x80" "b";
    s = lg_decoder_decode(ctx, dec, overlong, sizeof overlong - 1, 1, &replaced);
    assert_ctx(s != NULL);
    assert_string_equal(s, "a" FFFD FFFD "b");
    assert_int_equal(replaced, 2);
    free(s);

    static const char cut[] = UTF8_LI "\xE6\x9D";
    s = lg_decoder_decode(ctx, dec, cut, sizeof cut - 1, 1, &replaced);
    assert_ctx(s != NULL);
    assert_string_equal(s, UTF8_LI FFFD FFFD);
    assert_int_equal(replaced, 2);
    free(s);

    s = lg_decoder_decode(ctx, dec, "", 0, 1, &replaced);
    assert_ctx(s != NULL);
    assert_string_equal(s, "");
    free(s);
    lg_decoder_free(dec);
}

static void test_decode_other_encodings(void **state)
{
    (void)state;
    /* BIG5 "中" is A4 A4 (iconv(1)) */
    lg_decoder *dec = lg_decoder_new(ctx, "950");
    assert_ctx(dec != NULL);
    assert_string_equal(lg_decoder_encoding(dec), "BIG5");
    char *s = lg_decoder_decode(ctx, dec, "\xA4\xA4", 2, 0, NULL);
    assert_ctx(s != NULL);
    assert_string_equal(s, "\xE4\xB8\xAD");
    free(s);
    lg_decoder_free(dec);

    /* CP1252: "é" is E9 and "€" is 80 (iconv(1)); E2BIG: 3000 euro signs
     * become 9000 bytes, far more than a first guess from the input size */
    dec = lg_decoder_new(ctx, "1252");
    assert_ctx(dec != NULL);
    s = lg_decoder_decode(ctx, dec, "caf\xE9", 4, 0, NULL);
    assert_ctx(s != NULL);
    assert_string_equal(s, "caf\xC3\xA9");
    free(s);
    enum { N = 3000 };
    char *euros = malloc(N);
    assert_non_null(euros);
    memset(euros, 0x80, N);
    s = lg_decoder_decode(ctx, dec, euros, N, 0, NULL);
    assert_ctx(s != NULL);
    assert_int_equal(strlen(s), 3 * N);
    for (size_t i = 0; i < N; i++)
        assert_memory_equal(s + 3 * i, "\xE2\x82\xAC", 3);
    free(s);
    free(euros);
    lg_decoder_free(dec);

    /* a long GBK text, to run the growth path with multi-byte input too */
    dec = lg_decoder_new(ctx, "GBK");
    assert_ctx(dec != NULL);
    enum { REP = 1000 };
    size_t glen = sizeof GBK_LICANGQU_JIEDAO - 1, ulen = sizeof UTF8_LICANGQU_JIEDAO - 1;
    char *big = malloc(glen * REP + 1);
    assert_non_null(big);
    for (size_t i = 0; i < REP; i++)
        memcpy(big + i * glen, GBK_LICANGQU_JIEDAO, glen);
    s = lg_decoder_decode(ctx, dec, big, glen * REP, 0, NULL);
    assert_ctx(s != NULL);
    assert_int_equal(strlen(s), ulen * REP);
    for (size_t i = 0; i < REP; i++)
        assert_memory_equal(s + i * ulen, UTF8_LICANGQU_JIEDAO, ulen);
    free(s);
    free(big);

    /* GB18030 four-byte sequence 81 30 81 30 is U+0080 (iconv(1): c280) */
    lg_decoder_free(dec);
    dec = lg_decoder_new(ctx, "54936");
    assert_ctx(dec != NULL);
    s = lg_decoder_decode(ctx, dec, "\x81\x30\x81\x30", 4, 0, NULL);
    assert_ctx(s != NULL);
    assert_string_equal(s, "\xC2\x80");
    free(s);
    lg_decoder_free(dec);
}

static void test_decoder_errors(void **state)
{
    (void)state;
    lg_ctx_clear_error(ctx);
    assert_null(lg_decoder_new(ctx, "KLINGON"));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ENCODING);
    assert_contains(lg_ctx_errmsg(ctx), "KLINGON");
    lg_ctx_clear_error(ctx);

    assert_null(lg_decoder_new(ctx, NULL));
    assert_int_equal(lg_ctx_errno(ctx), LG_ERR_ARG);
    lg_ctx_clear_error(ctx);

    assert_null(lg_decoder_free(NULL));

    /* a name only iconv knows is passed through */
    lg_decoder *dec = lg_decoder_new(ctx, "ISO-8859-9E");
    assert_ctx(dec != NULL);
    assert_string_equal(lg_decoder_encoding(dec), "ISO-8859-9E");
    lg_decoder_free(dec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_header_spellings),
        cmocka_unit_test(test_canonical_unknown),
        cmocka_unit_test(test_names_known_to_iconv),
        cmocka_unit_test(test_ldid),
        cmocka_unit_test(test_source_names),
        cmocka_unit_test(test_dbf_ldid_only),
        cmocka_unit_test(test_dbf_nothing_declared),
        cmocka_unit_test(test_dbf_cpg),
        cmocka_unit_test(test_dbf_upper_case),
        cmocka_unit_test(test_dbf_unknown_cpg),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_guess),
        cmocka_unit_test(test_decode_gbk_strict),
        cmocka_unit_test(test_decode_gbk_invalid),
        cmocka_unit_test(test_decode_gbk_lossy),
        cmocka_unit_test(test_decode_utf8),
        cmocka_unit_test(test_decode_other_encodings),
        cmocka_unit_test(test_decoder_errors),
    };
    /* the scratch directory is made once, before any test */
    if (setup_dir(NULL) != 0) {
        fprintf(stderr, "cannot make the scratch directory under %s\n", LIBGEO_TEST_TMP);
        return 1;
    }
    return cmocka_run_group_tests(tests, lg_test_setup_ctx, lg_test_teardown_ctx);
}
