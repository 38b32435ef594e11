/* Shared pieces of the geoplan commands. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_common.h"

const char LAYER_OPTS_HELP[] =
    "Reading layers:\n"
    "  --layer NAME          layer of a multi-layer source (or write FILE:LAYER)\n"
    "  --where SQL           OGR SQL attribute filter, e.g. \"class = 'M'\"\n"
    "  --encoding ENC        text encoding of the attributes (GBK, GB18030, UTF-8 ...);\n"
    "                        default: from the .cpg file or the DBF header, else guessed\n"
    "  --text strict|lossy   undecodable text is an error (strict, default) or replaced\n"
    "  --src-crs CRS         CRS of the coordinates when the file states none (EPSG:4490)\n"
    "  --datum none|gcj02|bd09  remove web-map offsets (AMap/DataV/Tencent = gcj02, Baidu = bd09)\n"
    "  --invalid stop|skip|fix|keep  invalid geometries: stop with an error, leave out,\n"
    "                        repair with GEOS make-valid, or keep and only count\n"
    "  --crs CRS             working CRS for measures (default: the data's projected CRS,\n"
    "                        else the CGCS2000 3-degree zone, e.g. EPSG:4549 for Qingdao)\n";

int layer_opts_take(layer_opts *o, int argc, char **argv, int *i)
{
    static const struct {
        const char *flag;
        size_t off;
    } flags[] = {
        {"--encoding", offsetof(layer_opts, encoding)}, {"--text", offsetof(layer_opts, text)},
        {"--src-crs", offsetof(layer_opts, src_crs)},   {"--datum", offsetof(layer_opts, datum)},
        {"--invalid", offsetof(layer_opts, invalid)},   {"--where", offsetof(layer_opts, where)},
        {"--layer", offsetof(layer_opts, layer)},       {"--crs", offsetof(layer_opts, crs)},
    };
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
        size_t len = strlen(flags[k].flag);
        const char *a = argv[*i];
        const char *val = NULL;
        if (!strncmp(a, flags[k].flag, len) && a[len] == '=') {
            val = a + len + 1;
        } else if (!strcmp(a, flags[k].flag)) {
            if (*i + 1 >= argc) {
                fprintf(stderr, PROG ": %s needs a value\n", flags[k].flag);
                return -1;
            }
            val = argv[++*i];
        } else {
            continue;
        }
        *(const char **)((char *)o + flags[k].off) = val;
        return 1;
    }
    return 0;
}

char *split_source(const char *arg, const char **layer)
{
    struct stat st;
    *layer = NULL;
    const char *colon = strrchr(arg, ':');
    if (strncmp(arg, "PG:", 3) && colon && colon != arg && stat(arg, &st) != 0) {
        size_t n = (size_t)(colon - arg);
        char *file = malloc(n + 1);
        if (!file)
            return NULL;
        memcpy(file, arg, n);
        file[n] = '\0';
        if (stat(file, &st) == 0) {
            *layer = colon + 1;
            return file;
        }
        free(file);
    }
    return strdup(arg);
}

lg_layer *open_layer(lg_ctx *ctx, const char *arg, const char *layer_name, const layer_opts *o)
{
    const char *layer_part = NULL;
    char *file = split_source(arg, &layer_part);
    if (!file) {
        fprintf(stderr, PROG ": out of memory\n");
        return NULL;
    }
    if (layer_name)
        layer_part = layer_name;
    else if (!layer_part)
        layer_part = o->layer;
    char *opts[8];
    size_t n = 0;
    const char *keys[] = {"LAYER", "WHERE", "ENCODING", "TEXT", "SRS", "DATUM", "INVALID"};
    const char *vals[] = {layer_part, o->where, o->encoding, o->text, o->src_crs, o->datum,
                          o->invalid};
    for (size_t k = 0; k < 7; k++) {
        if (!vals[k])
            continue;
        size_t len = strlen(keys[k]) + strlen(vals[k]) + 2;
        if (!(opts[n] = malloc(len)))
            break;
        snprintf(opts[n++], len, "%s=%s", keys[k], vals[k]);
    }
    opts[n] = NULL;
    lg_layer *L = lg_layer_open(ctx, file, (const char *const *)opts);
    if (!L)
        print_error(ctx);
    for (size_t k = 0; k < n; k++)
        free(opts[k]);
    free(file);
    return L;
}

void print_error(lg_ctx *ctx)
{
    fprintf(stderr, PROG ": error: %s\n", lg_ctx_errmsg(ctx));
}

static void on_warning(const char *msg, void *user)
{
    (void)user;
    fprintf(stderr, PROG ": warning: %s\n", msg);
}

static int on_progress(double fraction, const char *what, void *user)
{
    (void)user;
    fprintf(stderr, "\r%s: %3.0f%%%s", what, fraction * 100, fraction >= 1.0 ? "\n" : "");
    fflush(stderr);
    return 1;
}

lg_ctx *cli_context(void)
{
    lg_ctx *ctx = lg_ctx_new();
    if (!ctx) {
        fprintf(stderr, PROG ": out of memory\n");
        return NULL;
    }
    lg_ctx_set_warning_handler(ctx, on_warning, NULL);
    if (isatty(STDERR_FILENO))
        lg_ctx_set_progress(ctx, on_progress, NULL);
    return ctx;
}

int parse_format(const char *s, out_format *f)
{
    if (!strcmp(s, "text"))
        *f = FORMAT_TEXT;
    else if (!strcmp(s, "json"))
        *f = FORMAT_JSON;
    else if (!strcmp(s, "csv"))
        *f = FORMAT_CSV;
    else
        return 0;
    return 1;
}

int cli_take_value(const char *cmd, const char *flag, int argc, char **argv, int *i,
                   const char **val)
{
    size_t len = strlen(flag);
    const char *a = argv[*i];
    if (!strncmp(a, flag, len) && a[len] == '=') {
        *val = a + len + 1;
        return 1;
    }
    if (strcmp(a, flag))
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, PROG " %s: %s needs a value\n", cmd, flag);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}
