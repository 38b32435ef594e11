/* Atomic output directories, and shared CSV/JSON cells (out_dir.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libgeo/lg_measure.h"
#include "out_dir.h"

lg_status lg_outdir_begin(lg_ctx *ctx, const char *dir, char *tmp, size_t tmplen)
{
    struct stat st;
    errno = 0;
    if (stat(dir, &st) == 0 ? !S_ISDIR(st.st_mode) : mkdir(dir, 0777) != 0)
        return lg_error(ctx, LG_ERR_IO, "%s: cannot use as output directory: %s", dir,
                        errno ? strerror(errno) : "not a directory");
    if (snprintf(tmp, tmplen, "%s/.geoplan-%ld.tmp", dir, (long)getpid()) >= (int)tmplen)
        return lg_error(ctx, LG_ERR_ARG, "%s: path too long", dir);
    lg_outdir_cleanup(tmp, NULL, 0);
    if (mkdir(tmp, 0777) != 0)
        return lg_error(ctx, LG_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
    return LG_OK;
}

void lg_outdir_cleanup(const char *tmp, const char *const *names, size_t n)
{
    char p[4400];
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, names[i]);
        unlink(p);
        snprintf(p, sizeof p, "%s/old.%s", tmp, names[i]);
        unlink(p);
    }
    rmdir(tmp);
}

/* Undo a partial commit: new files out, old files back. */
static void restore(const char *tmp, const char *dir, const char *const *names, size_t n,
                    const unsigned char *aside, const unsigned char *placed)
{
    char dst[4400], old[4400];
    for (size_t i = 0; i < n; i++) {
        snprintf(dst, sizeof dst, "%s/%s", dir, names[i]);
        snprintf(old, sizeof old, "%s/old.%s", tmp, names[i]);
        if (placed[i])
            unlink(dst);
        if (aside[i])
            rename(old, dst);
    }
}

lg_status lg_outdir_commit(lg_ctx *ctx, const char *tmp, const char *dir,
                           const char *const *names, size_t n)
{
    char src[4400], dst[4400], old[4400];
    unsigned char *aside = lg_calloc(ctx, n ? 2 * n : 1, 1);
    if (!aside)
        return LG_ERR_NOMEM;
    unsigned char *placed = aside + n;
    lg_status s = LG_OK;
    for (size_t i = 0; i < n && s == LG_OK; i++) {
        snprintf(dst, sizeof dst, "%s/%s", dir, names[i]);
        snprintf(old, sizeof old, "%s/old.%s", tmp, names[i]);
        struct stat st;
        if (lstat(dst, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) || rename(dst, old) != 0)
            s = lg_error(ctx, LG_ERR_IO, "%s: cannot replace: %s", dst,
                         S_ISDIR(st.st_mode) ? "it is a directory" : strerror(errno));
        else
            aside[i] = 1;
    }
    for (size_t i = 0; i < n && s == LG_OK; i++) {
        snprintf(src, sizeof src, "%s/%s", tmp, names[i]);
        snprintf(dst, sizeof dst, "%s/%s", dir, names[i]);
        if (rename(src, dst) != 0)
            s = lg_error(ctx, LG_ERR_IO, "cannot rename %s to %s: %s", src, dst,
                         strerror(errno));
        else
            placed[i] = 1;
    }
    if (s != LG_OK)
        restore(tmp, dir, names, n, aside, placed);
    free(aside);
    return s;
}

void lg_csv_field(FILE *f, const char *s)
{
    if (!s)
        s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

json_object *lg_json_number(double v)
{
    if (!isfinite(v))
        return NULL;
    char buf[40];
    return json_object_new_double_s(v, lg_number_text(buf, sizeof buf, v));
}

json_object *lg_json_string(const char *s) { return s ? json_object_new_string(s) : NULL; }
