/*
 * The peers' planning workload (../shared/peers/README.md, W1-W5) run with
 * libgeo's kernels, per district and per street, writing the peers' result
 * format so ../shared/peers/compare.py can compare the three.
 *
 *   workload CITY_DIR [--out OUT.json] [--threads N]
 *
 * Timings (seconds, wall clock) cover everything: "load" is opening and
 * reading every layer (GDAL -> GEOS, validity checked), "index" the R-trees,
 * then one step per metric.  Progress goes to stderr; the summary JSON to
 * stdout.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "libgeo/libgeo.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static lg_ctx *ctx;

static void die(const char *what)
{
    fprintf(stderr, "workload: %s: %s\n", what, lg_ctx_errmsg(ctx));
    exit(3);
}

static lg_layer *open_layer(const char *dir, const char *name, const char *where)
{
    char path[2048], w[512];
    snprintf(path, sizeof path, "%s/%s.shp", dir, name);
    const char *opts[3] = {"INVALID=fix", NULL, NULL};
    if (where) {
        snprintf(w, sizeof w, "WHERE=%s", where);
        opts[1] = w;
    }
    lg_layer *L = lg_layer_open(ctx, path, opts);
    if (!L)
        die(path);
    return L;
}

/* The parcels of one land-use code: 'R' (residential, W3) or 'M' with a tax
 * value (industrial, W4) — the peers' WHERE clauses, as views of the layer
 * read once. */
static lg_layer *landuse_view(const lg_layer *landuse, char code)
{
    int fc = lg_layer_field_index(landuse, "code"), ft = lg_layer_field_index(landuse, "tax_wan");
    size_t n = lg_layer_size(landuse);
    unsigned char *keep = calloc(n ? n : 1, 1);
    if (fc < 0 || ft < 0 || !keep)
        die("landuse fields");
    for (size_t i = 0; i < n; i++) {
        const char *c = lg_layer_text(landuse, i, (size_t)fc);
        double tax;
        keep[i] = c && c[0] == code && !c[1] &&
                  (code != 'M' || lg_layer_number(landuse, i, (size_t)ft, &tax));
    }
    lg_layer *v = lg_layer_view(ctx, landuse, keep, code == 'R' ? "code = 'R'"
                                                                  : "code = 'M' AND tax_wan IS NOT NULL");
    free(keep);
    if (!v)
        die("landuse view");
    return v;
}

/* The value of column `col` of row `row` of the zones table, NaN if absent. */
static double cell(const lg_result *r, size_t row, const char *col)
{
    const lg_table *t = lg_result_zones(r);
    int c = lg_table_column_index(t, col);
    return c < 0 ? NAN : lg_table_value(t, row, (size_t)c);
}

static json_object *num(double v) { return isfinite(v) ? json_object_new_double(v) : NULL; }

typedef struct zone_set {
    const char *layer; /* "district" | "street" */
    lg_zones *zones;
    lg_result *w1, *w2, *w3, *w4, *w5;
} zone_set;

int main(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    int threads = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !dir)
            dir = argv[i];
        else {
            fprintf(stderr, "usage: workload CITY_DIR [--out OUT.json] [--threads N]\n");
            return 2;
        }
    }
    if (!dir) {
        fprintf(stderr, "usage: workload CITY_DIR [--out OUT.json] [--threads N]\n");
        return 2;
    }
    ctx = lg_ctx_new();
    lg_ctx_set_threads(ctx, threads);
    json_object *timings = json_object_new_object();
    double t_all = now(), t;

    /* ---- load: every layer read once; the residential and industrial
     * parcels are views of the one land-use layer ---- */
    t = now();
    lg_layer *districts = open_layer(dir, "districts", NULL);
    lg_layer *streets = open_layer(dir, "streets", NULL);
    lg_layer *roads = open_layer(dir, "roads", NULL);
    lg_layer *forest = open_layer(dir, "forest", NULL);
    lg_layer *parks = open_layer(dir, "parks", NULL);
    lg_layer *landuse = open_layer(dir, "landuse", NULL);
    lg_layer *control = open_layer(dir, "control", NULL);
    lg_layer *sites = open_layer(dir, "sites", NULL);
    lg_layer *all[] = {districts, streets, roads, forest, parks, landuse, control, sites, NULL, NULL};
    size_t nall = 8;
    lg_crs *w = lg_layers_working_crs(ctx, all, nall, NULL);
    if (!w)
        die("working CRS");
    if (lg_layers_load(ctx, all, nall, w) != LG_OK)
        die("load");
    lg_layer *res = all[nall++] = landuse_view(landuse, 'R');
    lg_layer *ind = all[nall++] = landuse_view(landuse, 'M');
    json_object_object_add(timings, "load", json_object_new_double(now() - t));

    /* ---- index: zones and R-trees (built on first use otherwise) ---- */
    t = now();
    zone_set zs[2] = {{"district", lg_zones_new(ctx, districts, "code", "name"), 0, 0, 0, 0, 0},
                      {"street", lg_zones_new(ctx, streets, "code", "name"), 0, 0, 0, 0, 0}};
    if (!zs[0].zones || !zs[1].zones)
        die("zones");
    json_object_object_add(timings, "index", json_object_new_double(now() - t));

    /* W3 rule: park >= 5000 m2 -> 500 m, 2000-5000 m2 -> 300 m (the default) */
    const char *w4opts[] = {"VALUE_FIELD=tax_wan", NULL};
    const char *w5opts[] = {"CLASS_FIELD=kind", NULL};
    const char *steps[] = {"W1", "W2", "W3", "W4", "W5"};
    for (int s = 0; s < 5; s++) {
        t = now();
        for (int k = 0; k < 2; k++) {
            lg_result *r = NULL;
            switch (s) {
            case 0: r = zs[k].w1 = lg_length_density(ctx, zs[k].zones, roads, NULL, NULL); break;
            case 1: r = zs[k].w2 = lg_area_share(ctx, zs[k].zones, forest, NULL, NULL); break;
            case 2: r = zs[k].w3 = lg_coverage(ctx, zs[k].zones, parks, res, NULL); break;
            case 3: r = zs[k].w4 = lg_per_area(ctx, zs[k].zones, ind, w4opts); break;
            case 4: r = zs[k].w5 = lg_overlap(ctx, zs[k].zones, sites, control, NULL, w5opts); break;
            }
            if (!r)
                die(steps[s]);
        }
        json_object_object_add(timings, steps[s], json_object_new_double(now() - t));
        fprintf(stderr, "[libgeo] %s %8.2f s\n", steps[s], now() - t);
    }

    /* ---- the peers' result format ---- */
    json_object *zl = json_object_new_array();
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < lg_zones_count(zs[k].zones); i++) {
            json_object *z = json_object_new_object();
            json_object_object_add(z, "layer", json_object_new_string(zs[k].layer));
            json_object_object_add(z, "zid", json_object_new_string(lg_zones_id(zs[k].zones, i)));
            json_object_object_add(z, "name",
                                   json_object_new_string(lg_zones_name(zs[k].zones, i)));
            json_object_object_add(z, "area_m2", num(lg_zones_area(zs[k].zones, i)));
            json_object_object_add(z, "road_km", num(cell(zs[k].w1, i, "numerator")));
            json_object_object_add(z, "road_density", num(cell(zs[k].w1, i, "value")));
            json_object_object_add(z, "forest_m2", num(cell(zs[k].w2, i, "numerator")));
            json_object_object_add(z, "forest_pct", num(cell(zs[k].w2, i, "value")));
            json_object_object_add(z, "res_m2", num(cell(zs[k].w3, i, "denominator")));
            json_object_object_add(z, "res_cov_m2", num(cell(zs[k].w3, i, "numerator")));
            json_object_object_add(z, "park_cov_pct", num(cell(zs[k].w3, i, "value")));
            json_object_object_add(z, "tax_wan", num(cell(zs[k].w4, i, "numerator")));
            json_object_object_add(z, "ind_m2", num(cell(zs[k].w4, i, "land_m2")));
            json_object_object_add(z, "tax_per_mu", num(cell(zs[k].w4, i, "value")));
            json_object_object_add(z, "conflict_sites",
                                   json_object_new_int((int)cell(zs[k].w5, i, "value")));
            json_object_array_add(zl, z);
        }
    }
    /* sites: [id, red_m2, farm_m2, outside_m2] from the district run */
    json_object *sl = json_object_new_array();
    const lg_table *st = NULL;
    for (size_t d = 0; d < lg_result_detail_count(zs[0].w5); d++)
        if (!strcmp(lg_table_name(lg_result_detail(zs[0].w5, d)), "sites"))
            st = lg_result_detail(zs[0].w5, d);
    if (st) {
        int red = lg_table_column_index(st, "in:生态保护红线_m2");
        int farm = lg_table_column_index(st, "in:永久基本农田_m2");
        int outside = lg_table_column_index(st, "outside_boundary_m2");
        for (size_t i = 0; i < lg_table_rows(st); i++) {
            json_object *row = json_object_new_array();
            json_object_array_add(row, json_object_new_int64(atoll(lg_table_row_id(st, i))));
            json_object_array_add(row, num(red >= 0 ? lg_table_value(st, i, (size_t)red) : 0));
            json_object_array_add(row, num(farm >= 0 ? lg_table_value(st, i, (size_t)farm) : 0));
            json_object_array_add(row,
                                  num(outside >= 0 ? lg_table_value(st, i, (size_t)outside) : 0));
            json_object_array_add(sl, row);
        }
    }
    double total = now() - t_all;
    json_object_object_add(timings, "total", json_object_new_double(total));
    json_object *doc = json_object_new_object();
    char version[128];
    snprintf(version, sizeof version, "libgeo %s, GEOS %s, %d threads", lg_version(),
             GEOSversion(), lg_ctx_threads(ctx));
    json_object_object_add(doc, "peer", json_object_new_string("libgeo"));
    json_object_object_add(doc, "version", json_object_new_string(version));
    json_object_object_add(doc, "city", json_object_new_string(dir));
    json_object_object_add(doc, "mode", json_object_new_string("synthetic"));
    json_object_object_add(doc, "timings_s", timings);
    json_object_object_add(doc, "zones", zl);
    json_object_object_add(doc, "sites", sl);
    if (out) {
        FILE *f = fopen(out, "w");
        if (!f) {
            perror(out);
            return 3;
        }
        fputs(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN), f);
        fclose(f);
    }
    printf("{\"peer\": \"libgeo\", \"threads\": %d, \"timings_s\": %s}\n", lg_ctx_threads(ctx),
           json_object_to_json_string_ext(timings, JSON_C_TO_STRING_PLAIN));
    json_object_put(doc);
    for (int k = 0; k < 2; k++) {
        lg_result_free(ctx, zs[k].w1);
        lg_result_free(ctx, zs[k].w2);
        lg_result_free(ctx, zs[k].w3);
        lg_result_free(ctx, zs[k].w4);
        lg_result_free(ctx, zs[k].w5);
        lg_zones_free(ctx, zs[k].zones);
    }
    for (size_t i = nall; i-- > 0;) /* the views before the layer they show */
        lg_layer_close(ctx, all[i]);
    lg_crs_free(w);
    lg_ctx_free(ctx);
    return 0;
}
