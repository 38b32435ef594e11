/* geodemo: gd_generate — options, the output directory, threads, progress,
 * README.txt and workspace.json. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <json-c/json.h>

#include "demo_internal.h"

#define CURRENT_DATE "2024-06-30T00:00:00Z" /* GeoPackage timestamps */

int gd_scale_parse(const char *text, gd_scale *out)
{
    if (!text || !text[0] || text[1])
        return 0;
    switch (text[0]) {
    case 'S': case 's': *out = GD_SCALE_S; return 1;
    case 'M': case 'm': *out = GD_SCALE_M; return 1;
    case 'L': case 'l': *out = GD_SCALE_L; return 1;
    default: return 0;
    }
}

const char *gd_scale_name(gd_scale scale)
{
    return scale == GD_SCALE_S ? "S" : scale == GD_SCALE_M ? "M" : "L";
}

int gd_format_parse(const char *text, gd_format *out)
{
    if (!text)
        return 0;
    if (!strcmp(text, "shp") || !strcmp(text, "shapefile") || !strcmp(text, "ESRI Shapefile")) {
        *out = GD_FORMAT_SHP;
        return 1;
    }
    if (!strcmp(text, "gpkg") || !strcmp(text, "geopackage") || !strcmp(text, "GPKG")) {
        *out = GD_FORMAT_GPKG;
        return 1;
    }
    return 0;
}

void gd_options_init(gd_options *o)
{
    memset(o, 0, sizeof *o);
    o->scale = GD_SCALE_S;
    o->seed = 1;
    o->format = GD_FORMAT_SHP;
    o->threads = 2;
}

/* ----------------------------------------------------------- files */

static int dir_state(const char *path) /* -1 absent, 0 empty dir, 1 non-empty dir, 2 not a dir */
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return 2;
    DIR *d = opendir(path);
    if (!d)
        return 1;
    struct dirent *e;
    int any = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            any = 1;
            break;
        }
    closedir(d);
    return any;
}

#define GENERATOR "geoplan demo (geodemo)"

/* 1 when dir holds a workspace this generator wrote (its workspace.json
 * says so): the only kind of non-empty directory `force` replaces. */
static int is_demo_workspace(const char *dir)
{
    char path[1200], buf[512];
    snprintf(path, sizeof path, "%s/workspace.json", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, "\"generator\":\"" GENERATOR "\"") != NULL;
}

static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) {
            rc = -1;
            break;
        }
        snprintf(p, n, "%s/%s", path, e->d_name);
        if (remove_tree(p))
            rc = -1;
        free(p);
    }
    closedir(d);
    if (rmdir(path))
        rc = -1;
    return rc;
}

/* ---------------------------------------------------------- running */

typedef struct runner {
    const gd_world *w;
    gd_job *jobs;
    int njobs, next, active, cancel, failed;
    const char *dir;
    GDALDatasetH gpkg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char err[600];
} runner;

static int job_tick(gd_job *job, double fraction)
{
    runner *R = job->shared;
    pthread_mutex_lock(&R->mu);
    job->done = fraction;
    int go = !R->cancel && !R->failed;
    pthread_mutex_unlock(&R->mu);
    return go;
}

static void *worker(void *arg)
{
    runner *R = arg;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", CURRENT_DATE);
    for (;;) {
        pthread_mutex_lock(&R->mu);
        if (R->cancel || R->failed || R->next >= R->njobs) {
            pthread_mutex_unlock(&R->mu);
            break;
        }
        gd_job *job = &R->jobs[R->next++];
        pthread_mutex_unlock(&R->mu);

        char err[512] = "";
        gd_writer *wr = gd_writer_open(R->dir, R->gpkg, job->def, err, sizeof err);
        int rc = -1;
        if (wr) {
            rc = job->run(R->w, wr, job);
            job->features = gd_writer_count(wr);
            char cerr[512] = "";
            if (gd_writer_close(wr, cerr, sizeof cerr) && !rc) {
                rc = -1;
                snprintf(err, sizeof err, "%s", cerr);
            } else if (rc && cerr[0]) {
                snprintf(err, sizeof err, "%s", cerr);
            }
            if (rc && !err[0])
                snprintf(err, sizeof err, "%s", job->err[0] ? job->err : "failed");
        }
        pthread_mutex_lock(&R->mu);
        job->done = 1.0;
        if (rc && !R->failed && !R->cancel) {
            R->failed = 1;
            snprintf(R->err, sizeof R->err, "layer %s: %s", job->def->name, err);
        }
        pthread_cond_broadcast(&R->cv);
        pthread_mutex_unlock(&R->mu);
    }
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    CPLPopErrorHandler();
    pthread_mutex_lock(&R->mu);
    R->active--;
    pthread_cond_broadcast(&R->cv);
    pthread_mutex_unlock(&R->mu);
    return NULL;
}

typedef struct world_tick {
    const gd_options *o;
} world_tick;

static int on_world_tick(void *user, double f)
{
    world_tick *t = user;
    if (!t->o->progress)
        return 1;
    return t->o->progress(0.1 * f, "preparing the demo world", t->o->progress_user);
}

/* ------------------------------------------------------- description */

/* Layers in reading order (jobs run heaviest first). */
static const char *const DISPLAY_ORDER[] = {
    "districts", "streets", "landuse", "enterprises", "buildings", "roads", "parks", "forest",
    "control", "sites", "approvals", "supply", "facilities"};

static void display_order(const gd_job *jobs, int njobs, int *order)
{
    int n = 0;
    for (size_t k = 0; k < sizeof DISPLAY_ORDER / sizeof DISPLAY_ORDER[0]; k++)
        for (int j = 0; j < njobs; j++)
            if (!strcmp(jobs[j].def->name, DISPLAY_ORDER[k]))
                order[n++] = j;
    for (int j = 0; j < njobs; j++) { /* any layer not listed, at the end */
        int listed = 0;
        for (int q = 0; q < n; q++)
            listed |= order[q] == j;
        if (!listed)
            order[n++] = j;
    }
}

static const char *ftype_name(gd_ftype t)
{
    return t == GF_INT ? "integer" : t == GF_REAL ? "real" : t == GF_DATE ? "date" : "string";
}

static const char *gtype_name(gd_gtype t)
{
    return t == GG_POINT ? "Point" : t == GG_LINE ? "LineString" : t == GG_POLYGON ? "Polygon"
                                                                                   : "None";
}

static int write_description(const char *dir, const gd_options *o, const gd_world *w,
                             const gd_job *jobs, int njobs, char *err, size_t errlen)
{
    /* workspace.json */
    json_object *root = json_object_new_object();
    json_object_object_add(root, "generator", json_object_new_string(GENERATOR));
    json_object_object_add(root, "scale", json_object_new_string(gd_scale_name(o->scale)));
    json_object_object_add(root, "seed", json_object_new_int64((int64_t)o->seed));
    json_object_object_add(root, "format", json_object_new_string(
                               o->format == GD_FORMAT_GPKG ? "GPKG" : "ESRI Shapefile"));
    json_object_object_add(root, "crs", json_object_new_string("EPSG:4549"));
    json_object_object_add(root, "crs_name", json_object_new_string(
                               "CGCS2000 / 3-degree Gauss-Kruger CM 120E"));
    json_object_object_add(root, "units", json_object_new_string(
                               "metres; areas in m2 unless the field says km2; money in 万元 "
                               "(10^4 CNY); 1 亩 = 10000/15 m2"));
    json_object_object_add(root, "data_date", json_object_new_string("2024-06-30"));
    json_object_object_add(root, "synthetic", json_object_new_string(
                               "all features are generated; district and street names follow "
                               "Qingdao's divisions, nothing else describes a real place, firm "
                               "or record"));
    json_object *ds = json_object_new_array();
    for (int d = 0; d < w->ndistricts; d++) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "name", json_object_new_string(w->districts[d].name));
        json_object_object_add(e, "code", json_object_new_string(w->districts[d].code));
        json_object_object_add(e, "streets", json_object_new_int(w->districts[d].nstreets));
        json_object_array_add(ds, e);
    }
    json_object_object_add(root, "districts", ds);
    int order[64];
    display_order(jobs, njobs, order);
    json_object *ls = json_object_new_array();
    for (int q = 0; q < njobs; q++) {
        int k = order[q];
        const gd_layer_def *def = jobs[k].def;
        json_object *e = json_object_new_object();
        json_object_object_add(e, "name", json_object_new_string(def->name));
        char file[64];
        snprintf(file, sizeof file, o->format == GD_FORMAT_GPKG ? "workspace.gpkg" : "%s.shp",
                 def->name);
        json_object_object_add(e, "file", json_object_new_string(file));
        json_object_object_add(e, "geometry", json_object_new_string(gtype_name(def->gtype)));
        json_object_object_add(e, "features", json_object_new_int64(jobs[k].features));
        json_object_object_add(e, "encoding", json_object_new_string(
                                   def->gbk && o->format == GD_FORMAT_SHP ? "GBK (CP936)" : "UTF-8"));
        json_object_object_add(e, "description", json_object_new_string(def->doc));
        json_object *fs = json_object_new_array();
        for (int f = 0; f < def->nfields; f++) {
            json_object *fe = json_object_new_object();
            json_object_object_add(fe, "name", json_object_new_string(def->fields[f].name));
            json_object_object_add(fe, "type", json_object_new_string(ftype_name(def->fields[f].type)));
            if (def->fields[f].unit && def->fields[f].unit[0])
                json_object_object_add(fe, "unit", json_object_new_string(def->fields[f].unit));
            json_object_object_add(fe, "description", json_object_new_string(def->fields[f].doc));
            json_object_array_add(fs, fe);
        }
        json_object_object_add(e, "fields", fs);
        json_object_array_add(ls, e);
    }
    json_object_object_add(root, "layers", ls);
    char path[1200];
    snprintf(path, sizeof path, "%s/workspace.json", dir);
    FILE *f = fopen(path, "w");
    int ok = f != NULL;
    if (f) {
        ok = fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                            JSON_C_TO_STRING_NOSLASHESCAPE),
                   f) >= 0 && fputc('\n', f) != EOF;
        ok = (fclose(f) == 0) && ok;
    }
    json_object_put(root);
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }

    /* README.txt */
    snprintf(path, sizeof path, "%s/README.txt", dir);
    f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "Synthetic planning workspace written by `geoplan demo` (scale %s, seed %llu).\n\n",
            gd_scale_name(o->scale), (unsigned long long)o->seed);
    fprintf(f, "Modelled on Qingdao: %d district(s), %d streets (街道/镇), %.1f km2.\n",
            w->ndistricts, w->nstreets, w->city_area / 1e6);
    fprintf(f, "All features are generated: district and street names follow Qingdao's divisions;\n"
               "nothing else describes a real place, firm or record.\n\n");
    fprintf(f, "CRS: EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E), metres.\n"
               "Units: areas in m2 unless a field says km2; money in 万元 (10^4 CNY); "
               "1 亩 = 10000/15 m2.\n"
               "Data date: 2024-06-30.  Text: UTF-8, except %s.\n\n",
            o->format == GD_FORMAT_SHP ? "enterprises.dbf in GBK (CP936, see enterprises.cpg)"
                                       : "none (GeoPackage is UTF-8)");
    fprintf(f, "Built from one jittered lattice of 200 m blocks: streets nest in their district\n"
               "and land-use parcels tile every district exactly (shared vertices, no gaps or\n"
               "overlaps).  Traps on purpose: GBK text, NULL and zero figures in the registers,\n"
               "overlapping forest and farmland polygons, roads drawn twice as directed edges\n"
               "(pair_id), divided expressway carriageways, roads lying on zone boundaries,\n"
               "red-line polygons with thousands of vertices and holes.\n\n");
    fprintf(f, "Try:  geoplan info %s\n\n", o->format == GD_FORMAT_GPKG ? "DIR/workspace.gpkg" : "DIR");
    for (int q = 0; q < njobs; q++) {
        int k = order[q];
        const gd_layer_def *def = jobs[k].def;
        fprintf(f, "%s (%s, %lld features)%s\n  %s\n", def->name, gtype_name(def->gtype),
                jobs[k].features, def->gbk && o->format == GD_FORMAT_SHP ? " [GBK]" : "",
                def->doc);
        for (int fi = 0; fi < def->nfields; fi++) {
            const gd_field *fd = &def->fields[fi];
            fprintf(f, "    %-11s %-8s %s%s%s%s\n", fd->name, ftype_name(fd->type), fd->doc,
                    fd->unit && fd->unit[0] ? " [" : "", fd->unit ? fd->unit : "",
                    fd->unit && fd->unit[0] ? "]" : "");
        }
        fprintf(f, "\n");
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ public */

static lg_status fail(char *errmsg, size_t errlen, lg_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static lg_status fail(char *errmsg, size_t errlen, lg_status st, const char *fmt, ...)
{
    if (errmsg && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errmsg, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

lg_status gd_generate(const char *dir, const gd_options *opt, gd_summary *summary, char *errmsg,
                      size_t errlen)
{
    gd_options o;
    if (opt)
        o = *opt;
    else
        gd_options_init(&o);
    if (errmsg && errlen)
        errmsg[0] = '\0';
    if (!dir || !dir[0])
        return fail(errmsg, errlen, LG_ERR_ARG, "no output directory given");
    if (strlen(dir) > 900)
        return fail(errmsg, errlen, LG_ERR_ARG, "output path too long: %s", dir);
    if (o.scale < GD_SCALE_S || o.scale > GD_SCALE_L || o.format < GD_FORMAT_SHP ||
        o.format > GD_FORMAT_GPKG)
        return fail(errmsg, errlen, LG_ERR_ARG, "bad scale or format");
    int threads = o.threads <= 0 ? 2 : o.threads > 8 ? 8 : o.threads;
    if (o.format == GD_FORMAT_GPKG)
        threads = 1; /* one SQLite file: one writer */

    /* the target: absent, empty, or replaced with force */
    char target[1024];
    snprintf(target, sizeof target, "%s", dir);
    size_t tl = strlen(target);
    while (tl > 1 && target[tl - 1] == '/')
        target[--tl] = '\0';
    int state = dir_state(target);
    if (state == 2)
        return fail(errmsg, errlen, LG_ERR_ARG, "%s exists and is not a directory", target);
    if (state == 1 && !o.force)
        return fail(errmsg, errlen, LG_ERR_ARG,
                    "%s is not empty: choose another directory, or replace a previous demo "
                    "workspace with --force", target);
    if (state == 1 && !is_demo_workspace(target))
        return fail(errmsg, errlen, LG_ERR_ARG,
                    "%s is not empty and holds no demo workspace (workspace.json): refusing to "
                    "replace it, even with --force", target);
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", target);
    if (!mkdtemp(tmp))
        return fail(errmsg, errlen, LG_ERR_IO, "cannot create a directory beside %s: %s", target,
                    strerror(errno));
    chmod(tmp, 0755); /* mkdtemp makes it private; a workspace is shared */

    GDALAllRegister();
    lg_status status = LG_OK;
    gd_world *w = calloc(1, sizeof *w);
    gd_job *jobs = malloc(GD_NJOBS * sizeof *jobs);
    runner R;
    memset(&R, 0, sizeof R);
    pthread_mutex_init(&R.mu, NULL);
    pthread_cond_init(&R.cv, NULL);
    if (!w || !jobs) {
        status = fail(errmsg, errlen, LG_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    world_tick wt = {&o};
    int rc = gd_world_build(w, o.scale, o.seed, on_world_tick, &wt);
    if (rc != LG_OK) {
        status = fail(errmsg, errlen, (lg_status)rc, "%s", w->errmsg);
        goto cleanup;
    }

    memcpy(jobs, GD_JOBS, GD_NJOBS * sizeof *jobs);
    R.w = w;
    R.jobs = jobs;
    R.njobs = GD_NJOBS;
    R.dir = tmp;
    double wsum = 0;
    for (int k = 0; k < GD_NJOBS; k++) {
        jobs[k].shared = &R;
        jobs[k].tick = job_tick;
        wsum += jobs[k].weight;
    }
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", CURRENT_DATE);
    if (o.format == GD_FORMAT_GPKG) {
        char path[1200];
        snprintf(path, sizeof path, "%s/workspace.gpkg", tmp);
        GDALDriverH drv = GDALGetDriverByName("GPKG");
        CPLErrorReset();
        R.gpkg = drv ? GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
        if (!R.gpkg) {
            status = fail(errmsg, errlen, LG_ERR_IO, "cannot create %s: %s", path,
                          CPLGetLastErrorMsg());
            CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
            CPLPopErrorHandler();
            goto cleanup;
        }
    }
    pthread_t th[8];
    int started = 0;
    pthread_mutex_lock(&R.mu);
    for (int t = 0; t < threads; t++) {
        if (pthread_create(&th[t], NULL, worker, &R) != 0)
            break;
        started++;
        R.active++;
    }
    if (!started) {
        R.failed = 1;
        snprintf(R.err, sizeof R.err, "cannot start a thread");
    }
    double last = -1;
    while (R.active > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 150 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&R.cv, &R.mu, &ts);
        if (o.progress && !R.cancel) {
            double done = 0;
            for (int k = 0; k < GD_NJOBS; k++)
                done += jobs[k].weight * jobs[k].done;
            double frac = 0.1 + 0.88 * done / wsum;
            if (frac > last + 0.004) {
                last = frac;
                pthread_mutex_unlock(&R.mu);
                int go = o.progress(frac, "writing the demo workspace", o.progress_user);
                pthread_mutex_lock(&R.mu);
                if (!go)
                    R.cancel = 1;
            }
        }
    }
    pthread_mutex_unlock(&R.mu);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    if (R.gpkg) {
        CPLErrorReset();
        GDALClose(R.gpkg);
        if (CPLGetLastErrorType() >= CE_Failure && !R.failed) {
            R.failed = 1;
            snprintf(R.err, sizeof R.err, "cannot write workspace.gpkg: %s", CPLGetLastErrorMsg());
        }
        R.gpkg = NULL;
    }
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
    CPLPopErrorHandler();
    if (R.cancel) {
        status = fail(errmsg, errlen, LG_ERR_CANCELLED, "cancelled");
        goto cleanup;
    }
    if (R.failed) {
        status = fail(errmsg, errlen, LG_ERR_IO, "%s", R.err);
        goto cleanup;
    }
    char err[1400];
    if (write_description(tmp, &o, w, jobs, GD_NJOBS, err, sizeof err) ||
        gd_write_project(tmp, o.format == GD_FORMAT_GPKG, err, sizeof err)) {
        status = fail(errmsg, errlen, LG_ERR_IO, "%s", err);
        goto cleanup;
    }

    /* into place */
    state = dir_state(target);
    char old[1100] = "";
    if (state == 0 && rmdir(target) != 0) {
        status = fail(errmsg, errlen, LG_ERR_IO, "cannot replace %s: %s", target, strerror(errno));
        goto cleanup;
    }
    if (state == 1) {
        if (!o.force || !is_demo_workspace(target)) {
            status = fail(errmsg, errlen, LG_ERR_ARG,
                          "%s is not empty: choose another directory or replace it with --force",
                          target);
            goto cleanup;
        }
        snprintf(old, sizeof old, "%s.old-XXXXXX", target);
        if (!mkdtemp(old) || rmdir(old) != 0 || rename(target, old) != 0) {
            status = fail(errmsg, errlen, LG_ERR_IO, "cannot move %s aside: %s", target,
                          strerror(errno));
            goto cleanup;
        }
    }
    if (rename(tmp, target) != 0) {
        status = fail(errmsg, errlen, LG_ERR_IO, "cannot rename the new workspace to %s: %s",
                      target, strerror(errno));
        if (old[0])
            rename(old, target);
        goto cleanup;
    }
    tmp[0] = '\0';
    if (old[0])
        remove_tree(old);
    if (o.progress)
        o.progress(1.0, "writing the demo workspace", o.progress_user);
    if (summary) {
        int order[64];
        display_order(jobs, GD_NJOBS, order);
        memset(summary, 0, sizeof *summary);
        for (int q = 0; q < GD_NJOBS && q < GD_MAX_LAYERS; q++) {
            int k = order[q];
            snprintf(summary->layers[q].name, sizeof summary->layers[q].name, "%s",
                     jobs[k].def->name);
            summary->layers[q].features = jobs[k].features;
            summary->layers[q].encoding =
                jobs[k].def->gbk && o.format == GD_FORMAT_SHP ? "GBK" : "UTF-8";
            summary->nlayers++;
        }
        summary->districts = w->ndistricts;
        summary->streets = w->nstreets;
        summary->area_km2 = w->city_area / 1e6;
        snprintf(summary->path, sizeof summary->path, "%s", target);
    }
cleanup:
    if (tmp[0])
        remove_tree(tmp);
    if (w)
        gd_world_free(w);
    free(w);
    free(jobs);
    pthread_mutex_destroy(&R.mu);
    pthread_cond_destroy(&R.cv);
    return status;
}
