/* length-density and length-share: line length clipped to zones.
 * Road-network density 道路网密度 (km/km²), greenway, sewer and shoreline
 * lengths, natural shoreline retention 自然岸线保有率. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure_internal.h"

/* ---- UNDIRECTED: a line and its exact reverse count once ---- */

typedef struct {
    uint64_t hash;
    size_t i;
} line_key;

static int cmp_key(const void *a, const void *b)
{
    const line_key *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* FNV-1a over the coordinates of a normalised geometry. */
static uint64_t geom_hash(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    uint64_t x = 1469598103934665603ULL;
    int n = GEOSGetNumGeometries_r(h, g);
    for (int k = 0; k < n; k++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(h, g, k);
        const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, p);
        unsigned m = 0;
        if (!s || !GEOSCoordSeq_getSize_r(h, s, &m))
            continue;
        for (unsigned j = 0; j < m; j++) {
            double xy[2];
            GEOSCoordSeq_getXY_r(h, s, j, &xy[0], &xy[1]);
            const unsigned char *b = (const unsigned char *)xy;
            for (size_t q = 0; q < sizeof xy; q++)
                x = (x ^ b[q]) * 1099511628211ULL;
        }
    }
    return x;
}

/* skip[i] = 1 for a line equal (after normalising direction) to an earlier
 * one.  Returns the number skipped, or (size_t)-1 on failure. */
static size_t mark_reverse_duplicates(lg_ctx *ctx, const lg_layer *lines, unsigned char *skip)
{
    GEOSContextHandle_t h = lg_ctx_geos(ctx);
    size_t n = lg_layer_size(lines), dup = 0;
    GEOSGeometry **norm = lg_calloc(ctx, n ? n : 1, sizeof *norm);
    line_key *keys = lg_malloc(ctx, (n ? n : 1) * sizeof *keys);
    if (!norm || !keys) {
        free(norm);
        free(keys);
        return (size_t)-1;
    }
    for (size_t i = 0; i < n; i++) {
        norm[i] = GEOSGeom_clone_r(h, lg_layer_geom(lines, i));
        if (!norm[i] || GEOSNormalize_r(h, norm[i]) != 0) {
            dup = (size_t)-1;
            lg_error(ctx, LG_ERR_GEOMETRY, "cannot normalise line FID %lld",
                     lg_layer_fid(lines, i));
            goto done;
        }
        keys[i].hash = geom_hash(h, norm[i]);
        keys[i].i = i;
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && keys[b].hash == keys[a].hash)
            b++;
        /* within a run of equal hashes, compare exactly; keep the first */
        for (size_t i = a; i < b; i++) {
            if (skip[keys[i].i])
                continue;
            for (size_t j = i + 1; j < b; j++)
                if (!skip[keys[j].i] &&
                    GEOSEqualsExact_r(h, norm[keys[i].i], norm[keys[j].i], 0.0) == 1) {
                    skip[keys[j].i] = 1;
                    dup++;
                }
        }
        a = b;
    }
done:
    for (size_t i = 0; i < n; i++)
        if (norm[i])
            GEOSGeom_destroy_r(h, norm[i]);
    free(norm);
    free(keys);
    return dup;
}

/* ---- the per-zone job ---- */

typedef struct length_job {
    const lg_zones *zones;
    const lg_layer *lines, *den;
    const lg_index *lidx, *didx;
    const unsigned char *skip;
    const lg_class_map *cls; /* NULL: no classes */
    const unsigned char *in_numerator; /* length-share: class flags */
    double *len_m;      /* per zone */
    double *area_m2;    /* per zone */
    double *class_m;    /* per zone x class */
    double *num_m;      /* length-share numerator per zone */
} length_job;

typedef struct length_acc {
    length_job *job;
    size_t zone;
} length_acc;

static lg_status add_piece(lg_worker *w, size_t f, const GEOSGeometry *piece, int whole,
                           void *user)
{
    (void)whole;
    length_acc *a = user;
    length_job *j = a->job;
    if (j->skip && j->skip[f])
        return LG_OK;
    double len = 0;
    if (!GEOSLength_r(w->geos, piece, &len))
        return lg_worker_fail(w, LG_ERR_GEOMETRY, "length of FID %lld failed",
                              lg_layer_fid(j->lines, f));
    j->len_m[a->zone] += len;
    if (j->cls) {
        size_t c = j->cls->of[f];
        j->class_m[a->zone * j->cls->n + c] += len;
        if (j->in_numerator && j->in_numerator[c])
            j->num_m[a->zone] += len;
    }
    return LG_OK;
}

static lg_status length_zone(lg_worker *w, size_t zi, void *user)
{
    length_job *j = user;
    GEOSGeometry *within = NULL;
    lg_status st = lg_zone_within(w, j->zones, zi, j->den, j->didx, &within);
    if (st != LG_OK)
        return st;
    length_acc acc = {j, zi};
    if (within) {
        double box[4];
        GEOSArea_r(w->geos, within, &j->area_m2[zi]);
        if (GEOSGeom_getExtent_r(w->geos, within, &box[0], &box[1], &box[2], &box[3]))
            st = lg_clip_layer(w, within, box, j->lines, j->lidx, add_piece, &acc);
        GEOSGeom_destroy_r(w->geos, within);
    } else {
        j->area_m2[zi] = lg_zones_area(j->zones, zi);
        st = lg_clip_layer_to_zone(w, j->zones, zi, j->lines, j->lidx, add_piece, &acc);
    }
    return st;
}

/* Shared set-up of both kernels. */
static lg_status length_prepare(lg_ctx *ctx, const char *kernel, const lg_zones *zones,
                                const lg_layer *lines, const lg_layer *den,
                                const char *const *options, length_job *j, lg_class_map *cls,
                                unsigned char **skip, size_t *dups)
{
    memset(j, 0, sizeof *j);
    *skip = NULL;
    *dups = 0;
    if (!lg_same_crs(ctx, kernel, zones, lines) || (den && !lg_same_crs(ctx, kernel, zones, den)))
        return LG_ERR_CRS;
    lg_geom_kind k = lg_layer_geom_kind(lines);
    if (k != LG_GEOM_LINE && lg_layer_size(lines) > 0)
        return lg_error(ctx, LG_ERR_ARG, "%s: %s holds %s, not lines", kernel,
                        lg_layer_source(lines), lg_geom_kind_name(k));
    int und = lg_opt_bool(lg_opt(options, "UNDIRECTED"));
    if (und < 0)
        return lg_error(ctx, LG_ERR_ARG, "%s: UNDIRECTED takes yes or no", kernel);
    size_t n = lg_layer_size(lines), nz = lg_zones_count(zones);
    if (und) {
        *skip = lg_calloc(ctx, n ? n : 1, 1);
        if (!*skip)
            return LG_ERR_NOMEM;
        *dups = mark_reverse_duplicates(ctx, lines, *skip);
        if (*dups == (size_t)-1)
            return lg_ctx_errno(ctx);
    }
    const char *cf = lg_opt(options, "CLASS_FIELD");
    if (cf && lg_classes(ctx, lines, cf, cls) != LG_OK)
        return lg_ctx_errno(ctx);
    j->zones = zones;
    j->lines = lines;
    j->den = den;
    j->skip = *skip;
    j->cls = cf ? cls : NULL;
    j->lidx = lg_layer_index(ctx, lines);
    j->didx = den ? lg_layer_index(ctx, den) : NULL;
    if ((!j->lidx && n) || (den && !j->didx && lg_layer_size(den)))
        return lg_ctx_errno(ctx);
    j->len_m = lg_calloc(ctx, nz ? nz : 1, sizeof(double));
    j->area_m2 = lg_calloc(ctx, nz ? nz : 1, sizeof(double));
    j->num_m = lg_calloc(ctx, nz ? nz : 1, sizeof(double));
    j->class_m = lg_calloc(ctx, (nz ? nz : 1) * (cf && cls->n ? cls->n : 1), sizeof(double));
    if (!j->len_m || !j->area_m2 || !j->num_m || !j->class_m)
        return LG_ERR_NOMEM;
    return LG_OK;
}

static void length_release(length_job *j, lg_class_map *cls, unsigned char *skip)
{
    free(j->len_m);
    free(j->area_m2);
    free(j->num_m);
    free(j->class_m);
    lg_class_map_free(cls);
    free(skip);
}

lg_result *lg_length_density(lg_ctx *ctx, const lg_zones *zones, const lg_layer *lines,
                             const lg_layer *denominator, const char *const *options)
{
    static const char *const known[] = {"CLASS_FIELD", "UNDIRECTED", NULL};
    const char *kernel = "length-density";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK)
        return NULL;
    length_job j;
    lg_class_map cls = {0};
    unsigned char *skip = NULL;
    size_t dups = 0;
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL;
    if (length_prepare(ctx, kernel, zones, lines, denominator, options, &j, &cls, &skip,
                       &dups) != LG_OK)
        goto fail;
    if (lg_parallel_for_zones(ctx, zones, length_zone, &j, "length-density") != LG_OK)
        goto fail;

    const char *cols[] = {"value", "numerator", "denominator", "length_m", "area_m2"};
    const char *units[] = {"km/km2", "km", "km2", "m", "m2"};
    if (!(r = lg_result_start(ctx, kernel, "km/km2", zones)) ||
        lg_make_zone_tables_classes(ctx, zones, cols, units, 5, j.cls, "km:", "km", &zt, &tt))
        goto fail;
    double tl = 0, ta = 0;
    double *tc = lg_calloc(ctx, cls.n ? cls.n : 1, sizeof *tc);
    if (!tc)
        goto fail;
    for (size_t i = 0; i < lg_zones_count(zones); i++) {
        double km = j.len_m[i] / 1000, km2 = j.area_m2[i] / 1e6;
        lg_table_set(zt, i, 0, lg_ratio(km, km2));
        lg_table_set(zt, i, 1, km);
        lg_table_set(zt, i, 2, km2);
        lg_table_set(zt, i, 3, j.len_m[i]);
        lg_table_set(zt, i, 4, j.area_m2[i]);
        for (size_t c = 0; j.cls && c < cls.n; c++) {
            lg_table_set(zt, i, 5 + c, j.class_m[i * cls.n + c] / 1000);
            tc[c] += j.class_m[i * cls.n + c];
        }
        tl += j.len_m[i];
        ta += j.area_m2[i];
    }
    lg_table_set(tt, 0, 0, lg_ratio(tl / 1000, ta / 1e6));
    lg_table_set(tt, 0, 1, tl / 1000);
    lg_table_set(tt, 0, 2, ta / 1e6);
    lg_table_set(tt, 0, 3, tl);
    lg_table_set(tt, 0, 4, ta);
    for (size_t c = 0; j.cls && c < cls.n; c++)
        lg_table_set(tt, 0, 5 + c, tc[c] / 1000);
    free(tc);
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    if (lg_result_add_param(ctx, r, "denominator",
                            denominator ? lg_layer_source(denominator) : "zone area") ||
        lg_result_add_param(ctx, r, "undirected", skip ? "yes" : "no") ||
        lg_result_add_param(ctx, r, "class_field", j.cls ? lg_opt(options, "CLASS_FIELD") : ""))
        goto fail;
    if (skip && lg_result_add_paramf(ctx, r, "reverse_duplicates_skipped", "%zu", dups))
        goto fail;
    length_release(&j, &cls, skip);
    return r;
fail:
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    length_release(&j, &cls, skip);
    return lg_result_free(ctx, r);
}

lg_result *lg_length_share(lg_ctx *ctx, const lg_zones *zones, const lg_layer *lines,
                           const char *const *options)
{
    static const char *const known[] = {"CLASS_FIELD", "CLASSES", "UNDIRECTED", NULL};
    const char *kernel = "length-share";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK)
        return NULL;
    const char *cf = lg_opt(options, "CLASS_FIELD"), *classes = lg_opt(options, "CLASSES");
    if (!cf || !classes || !*classes) {
        lg_error(ctx, LG_ERR_ARG,
                 "length-share needs CLASS_FIELD= and CLASSES= (the classes counted in the "
                 "numerator, comma-separated)");
        return NULL;
    }
    length_job j;
    lg_class_map cls = {0};
    unsigned char *skip = NULL, *flags = NULL;
    size_t dups = 0;
    lg_result *r = NULL;
    lg_table *zt = NULL, *tt = NULL;
    if (length_prepare(ctx, kernel, zones, lines, NULL, options, &j, &cls, &skip, &dups) != LG_OK)
        goto fail;
    flags = lg_calloc(ctx, cls.n ? cls.n : 1, 1);
    if (!flags)
        goto fail;
    /* mark the numerator classes; a named class absent from the data is
     * worth a warning (a typo gives 0 %) */
    char *list = lg_strdup(ctx, classes);
    if (!list)
        goto fail;
    int missing = 0;
    char missing_names[256] = "";
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int found = 0;
        for (size_t c = 0; c < cls.n; c++)
            if (!strcmp(cls.names[c], tok))
                flags[c] = 1, found = 1;
        if (!found) {
            missing = 1;
            strncat(missing_names, missing_names[0] ? ", " : "",
                    sizeof missing_names - strlen(missing_names) - 1);
            strncat(missing_names, tok, sizeof missing_names - strlen(missing_names) - 1);
        }
    }
    free(list);
    j.in_numerator = flags;
    if (lg_parallel_for_zones(ctx, zones, length_zone, &j, kernel) != LG_OK)
        goto fail;
    const char *cols[] = {"value", "numerator", "denominator"};
    const char *units[] = {"%", "km", "km"};
    if (!(r = lg_result_start(ctx, kernel, "%", zones)) ||
        lg_make_zone_tables(ctx, zones, cols, units, 3, &zt, &tt) != LG_OK)
        goto fail;
    double tn = 0, tl = 0;
    for (size_t i = 0; i < lg_zones_count(zones); i++) {
        lg_table_set(zt, i, 0, 100 * lg_ratio(j.num_m[i], j.len_m[i]));
        lg_table_set(zt, i, 1, j.num_m[i] / 1000);
        lg_table_set(zt, i, 2, j.len_m[i] / 1000);
        tn += j.num_m[i];
        tl += j.len_m[i];
    }
    lg_table_set(tt, 0, 0, 100 * lg_ratio(tn, tl));
    lg_table_set(tt, 0, 1, tn / 1000);
    lg_table_set(tt, 0, 2, tl / 1000);
    lg_result_set_tables(r, zt, tt);
    zt = tt = NULL;
    if (lg_result_add_param(ctx, r, "class_field", cf) ||
        lg_result_add_param(ctx, r, "numerator_classes", classes) ||
        lg_result_add_param(ctx, r, "undirected", skip ? "yes" : "no"))
        goto fail;
    if (missing)
        lg_result_warn(ctx, r, "class(es) %s do not occur in field %s of %s", missing_names, cf,
                       lg_layer_source(lines));
    free(flags);
    length_release(&j, &cls, skip);
    return r;
fail:
    free(flags);
    lg_table_free(ctx, zt);
    lg_table_free(ctx, tt);
    length_release(&j, &cls, skip);
    return lg_result_free(ctx, r);
}
