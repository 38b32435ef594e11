/* geoplan info: what a layer is, as libgeo will use it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli_common.h"
#include "commands.h"

static const char INFO_HELP[] =
    "usage: " PROG " info [OPTIONS] LAYER...\n"
    "\n"
    "Describe each layer: driver, feature count, geometry type, CRS, text\n"
    "encoding and where it came from, NULL/empty/invalid geometry counts (with\n"
    "the FIDs of invalid ones), extent, fields, and for polygon layers the total\n"
    "area both planar in the working CRS and on the ellipsoid (a cross-check).\n"
    "\n"
    "LAYER is a file (shapefile, GeoPackage, GeoJSON, GML, FlatGeobuf ...),\n"
    "FILE:LAYER, a directory of shapefiles, or a PostGIS connection\n"
    "\"PG:dbname=... host=...\" (with --layer TABLE).  A source with several\n"
    "layers and no layer named is described layer by layer.\n"
    "\n"
    "Options:\n"
    "  --format text|json    output format (default text)\n"
    "  --help                this help\n"
    "(--invalid defaults to keep here: invalid geometries are counted, not fixed.)\n"
    "\n";

typedef struct info_item {
    lg_layer *layer;
    int loaded;       /* 1 when loaded (in working CRS or source coordinates) */
    int in_working;   /* loaded in the working CRS */
    int have_area;
    double planar, ellipsoidal;
} info_item;

static const char *field_type_label(const lg_layer *L, size_t i)
{
    return lg_layer_field_type_name(L, i);
}

static void print_extent(const char *label, const double e[4], const char *unit)
{
    printf("  %-12s %.6f, %.6f - %.6f, %.6f (%s)\n", label, e[0], e[1], e[2], e[3], unit);
}

static void print_text(const info_item *it, const lg_crs *working)
{
    const lg_layer *L = it->layer;
    const lg_load_stats *s = lg_layer_stats(L);
    printf("%s", lg_layer_source(L));
    printf("%s%s\n", strcmp(lg_layer_name(L), lg_layer_source(L)) ? " : " : "",
           strcmp(lg_layer_name(L), lg_layer_source(L)) ? lg_layer_name(L) : "");
    printf("  %-12s %s\n", "driver", lg_layer_driver(L));
    printf("  %-12s %s (%s)\n", "geometry", lg_layer_geom_type_name(L),
           lg_geom_kind_name(lg_layer_geom_kind(L)));
    if (it->loaded) {
        printf("  %-12s %zu read, %zu loaded; NULL geometry %zu, empty %zu, invalid %zu "
               "(fixed %zu, left out %zu)",
               "features", s->read, s->loaded, s->null_geom, s->empty_geom, s->invalid, s->fixed,
               s->skipped_invalid);
        if (s->dropped_zm)
            printf("; Z/M dropped on %zu", s->dropped_zm);
        printf("\n");
        if (s->invalid) {
            const long long *f = lg_layer_invalid_fids(L);
            printf("  %-12s", "invalid FIDs");
            for (size_t i = 0; i < s->invalid && i < 30; i++)
                printf("%s%lld", i ? ", " : " ", f[i]);
            printf("%s\n", s->invalid > 30 ? ", ... (all in --format json)" : "");
        }
    } else {
        printf("  %-12s %lld (as the driver counts them)\n", "features",
               lg_layer_declared_count(L));
    }
    const lg_crs *src = lg_layer_source_crs(L);
    if (src)
        printf("  %-12s %s%s%s%s\n", "CRS", lg_crs_id(src), lg_crs_id(src)[0] ? " " : "",
               lg_crs_name(src), lg_layer_source_crs_stated(L) ? " (stated with --src-crs)" : "");
    else
        printf("  %-12s none: state it with --src-crs EPSG:... before measuring\n", "CRS");
    if (lg_layer_datum(L) != LG_DATUM_NONE)
        printf("  %-12s %s offsets removed (to WGS84) before projecting\n", "datum",
               lg_datum_name(lg_layer_datum(L)));
    printf("  %-12s %s (%s)\n", "encoding", lg_layer_encoding(L),
           lg_encoding_source_name(lg_layer_encoding_source(L)));
    if (s->text_replaced)
        printf("  %-12s %zu undecodable byte(s) replaced\n", "", s->text_replaced);
    double e[4];
    if (lg_layer_source_extent(L, e))
        print_extent("extent", e,
                     src && lg_crs_is_geographic(src) ? "degrees, source" : "source units");
    if (it->in_working && lg_layer_extent(L, e)) {
        printf("  %-12s %s %s\n", "working CRS", lg_crs_id(working), lg_crs_name(working));
        print_extent("", e, "metres");
    }
    if (it->have_area) {
        double rel = it->ellipsoidal > 0 ? (it->planar - it->ellipsoidal) / it->ellipsoidal : 0;
        printf("  %-12s %.6f km2 planar in %s; %.6f km2 on the ellipsoid (difference %+.4f%%)\n",
               "area", it->planar / 1e6, lg_crs_id(working), it->ellipsoidal / 1e6, rel * 100);
    }
    if (it->have_area && s->invalid > s->fixed + s->skipped_invalid)
        printf("  %-12s the area includes %zu invalid geometr%s as they are: use --invalid fix\n",
               "", s->invalid - s->fixed - s->skipped_invalid,
               s->invalid - s->fixed - s->skipped_invalid == 1 ? "y" : "ies");
    size_t nf = lg_layer_field_count(L);
    printf("  %-12s %zu\n", "fields", nf);
    for (size_t i = 0; i < nf; i++)
        printf("    %-20s %s(%d)\n", lg_layer_field_name(L, i), field_type_label(L, i),
               lg_layer_field_width(L, i));
}

static json_object *json_box(const double e[4])
{
    json_object *a = json_object_new_array();
    for (int i = 0; i < 4; i++)
        json_object_array_add(a, json_object_new_double(e[i]));
    return a;
}

static json_object *json_crs(const lg_crs *c)
{
    if (!c)
        return NULL;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(lg_crs_id(c)));
    json_object_object_add(o, "name", json_object_new_string(lg_crs_name(c)));
    if (lg_crs_reason(c)[0])
        json_object_object_add(o, "chosen_because", json_object_new_string(lg_crs_reason(c)));
    return o;
}

static json_object *json_item(const info_item *it, const lg_crs *working)
{
    const lg_layer *L = it->layer;
    const lg_load_stats *s = lg_layer_stats(L);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "source", json_object_new_string(lg_layer_source(L)));
    json_object_object_add(o, "layer", json_object_new_string(lg_layer_name(L)));
    json_object_object_add(o, "driver", json_object_new_string(lg_layer_driver(L)));
    json_object_object_add(o, "geometry_type", json_object_new_string(lg_layer_geom_type_name(L)));
    json_object_object_add(o, "geometry_kind",
                           json_object_new_string(lg_geom_kind_name(lg_layer_geom_kind(L))));
    json_object *f = json_object_new_object();
    json_object_object_add(f, "declared", json_object_new_int64(lg_layer_declared_count(L)));
    if (it->loaded) {
        json_object_object_add(f, "read", json_object_new_int64((int64_t)s->read));
        json_object_object_add(f, "loaded", json_object_new_int64((int64_t)s->loaded));
        json_object_object_add(f, "null_geometry", json_object_new_int64((int64_t)s->null_geom));
        json_object_object_add(f, "empty_geometry", json_object_new_int64((int64_t)s->empty_geom));
        json_object_object_add(f, "invalid", json_object_new_int64((int64_t)s->invalid));
        json_object_object_add(f, "fixed", json_object_new_int64((int64_t)s->fixed));
        json_object_object_add(f, "left_out_invalid",
                               json_object_new_int64((int64_t)s->skipped_invalid));
        json_object_object_add(f, "z_m_dropped", json_object_new_int64((int64_t)s->dropped_zm));
        json_object *ids = json_object_new_array();
        const long long *fids = lg_layer_invalid_fids(L);
        for (size_t i = 0; i < s->invalid; i++)
            json_object_array_add(ids, json_object_new_int64(fids[i]));
        json_object_object_add(f, "invalid_fids", ids);
    }
    json_object_object_add(o, "features", f);
    json_object *crs = json_crs(lg_layer_source_crs(L));
    if (crs)
        json_object_object_add(crs, "stated_by_user",
                               json_object_new_boolean(lg_layer_source_crs_stated(L)));
    json_object_object_add(o, "crs", crs);
    json_object_object_add(o, "datum", json_object_new_string(lg_datum_name(lg_layer_datum(L))));
    json_object *enc = json_object_new_object();
    json_object_object_add(enc, "name", json_object_new_string(lg_layer_encoding(L)));
    json_object_object_add(enc, "from", json_object_new_string(lg_encoding_source_name(
                                            lg_layer_encoding_source(L))));
    json_object_object_add(enc, "bytes_replaced",
                           json_object_new_int64((int64_t)s->text_replaced));
    json_object_object_add(o, "encoding", enc);
    double e[4];
    if (lg_layer_source_extent(L, e))
        json_object_object_add(o, "extent_source", json_box(e));
    if (it->in_working && lg_layer_extent(L, e)) {
        json_object_object_add(o, "extent_working_m", json_box(e));
        json_object_object_add(o, "working_crs", json_crs(working));
    }
    if (it->have_area) {
        json_object *a = json_object_new_object();
        json_object_object_add(a, "planar_m2", json_object_new_double(it->planar));
        json_object_object_add(a, "ellipsoidal_m2", json_object_new_double(it->ellipsoidal));
        if (it->ellipsoidal > 0)
            json_object_object_add(a, "relative_difference",
                                   json_object_new_double((it->planar - it->ellipsoidal) /
                                                          it->ellipsoidal));
        json_object_object_add(o, "area", a);
    }
    json_object *fields = json_object_new_array();
    for (size_t i = 0; i < lg_layer_field_count(L); i++) {
        json_object *fo = json_object_new_object();
        json_object_object_add(fo, "name", json_object_new_string(lg_layer_field_name(L, i)));
        json_object_object_add(fo, "type", json_object_new_string(field_type_label(L, i)));
        json_object_object_add(fo, "width", json_object_new_int(lg_layer_field_width(L, i)));
        json_object_array_add(fields, fo);
    }
    json_object_object_add(o, "fields", fields);
    return o;
}

/* Expand the command-line layer arguments into opened layers. */
static int open_all(lg_ctx *ctx, char **args, int nargs, const layer_opts *o, info_item **items,
                    size_t *nitems)
{
    size_t cap = 8, n = 0;
    info_item *v = calloc(cap, sizeof *v);
    if (!v)
        return 0;
    int ok = 1;
    for (int a = 0; a < nargs && ok; a++) {
        const char *layer_part = NULL;
        char *file = split_source(args[a], &layer_part);
        char **names = NULL;
        size_t count = 0;
        int each = 0;
        if (!layer_part && !o->layer && file) {
            if (lg_source_layers(ctx, file, &names, &count) != LG_OK) {
                print_error(ctx);
                ok = 0;
            } else {
                each = count > 1;
            }
        }
        for (size_t k = 0; ok && k < (each ? count : 1); k++) {
            if (n == cap) {
                info_item *w = realloc(v, 2 * cap * sizeof *v);
                if (!w) {
                    ok = 0;
                    break;
                }
                v = w;
                cap *= 2;
            }
            memset(&v[n], 0, sizeof v[n]);
            v[n].layer = open_layer(ctx, each ? file : args[a], each ? names[k] : NULL, o);
            if (!v[n].layer)
                ok = 0;
            else
                n++;
        }
        lg_strings_free(names);
        free(file);
    }
    *items = v;
    *nitems = n;
    return ok;
}

int cmd_info(int argc, char **argv)
{
    layer_opts o = {0};
    out_format fmt = FORMAT_TEXT;
    char **args = calloc((size_t)argc + 1, sizeof *args);
    int nargs = 0;
    if (!args)
        return EXIT_BAD_INPUT;
    for (int i = 1; i < argc; i++) {
        int t = layer_opts_take(&o, argc, argv, &i);
        if (t < 0) {
            free(args);
            return EXIT_USAGE;
        }
        if (t)
            continue;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("%s%s", INFO_HELP, LAYER_OPTS_HELP);
            free(args);
            return EXIT_RAN;
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (!parse_format(argv[++i], &fmt) || fmt == FORMAT_CSV) {
                fprintf(stderr, PROG " info: --format takes text or json\n");
                free(args);
                return EXIT_USAGE;
            }
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            fprintf(stderr, PROG " info: unknown option '%s' (see " PROG " info --help)\n",
                    argv[i]);
            free(args);
            return EXIT_USAGE;
        } else {
            args[nargs++] = argv[i];
        }
    }
    if (!nargs) {
        fprintf(stderr, PROG " info: name at least one layer (see " PROG " info --help)\n");
        free(args);
        return EXIT_USAGE;
    }
    if (!o.invalid)
        o.invalid = "keep";

    lg_ctx *ctx = cli_context();
    if (!ctx) {
        free(args);
        return EXIT_BAD_INPUT;
    }
    info_item *items = NULL;
    size_t n = 0;
    int rc = EXIT_RAN;
    lg_crs *working = NULL;
    if (!open_all(ctx, args, nargs, &o, &items, &n)) {
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    lg_layer **layers = calloc(n ? n : 1, sizeof *layers);
    for (size_t i = 0; layers && i < n; i++)
        layers[i] = items[i].layer;
    working = layers ? lg_layers_working_crs(ctx, layers, n, o.crs) : NULL;
    free(layers);
    if (!working) {
        if (o.crs) { /* a bad --crs is the user's to fix */
            print_error(ctx);
            rc = EXIT_USAGE;
            goto done;
        }
        lg_ctx_clear_error(ctx); /* no CRS anywhere: describe in source coordinates */
    }
    for (size_t i = 0; i < n; i++) {
        info_item *it = &items[i];
        lg_layer *L = it->layer;
        if (lg_layer_geom_kind(L) == LG_GEOM_NONE)
            continue;
        int can_project = working && (lg_layer_source_crs(L) || lg_layer_datum(L));
        if (lg_layer_load(ctx, L, can_project ? working : NULL) != LG_OK) {
            print_error(ctx);
            rc = EXIT_BAD_INPUT;
            goto done;
        }
        it->loaded = 1;
        it->in_working = can_project;
        if (can_project && lg_layer_geom_kind(L) == LG_GEOM_POLYGON) {
            if (lg_layer_area(ctx, L, &it->planar, &it->ellipsoidal) != LG_OK) {
                print_error(ctx);
                rc = EXIT_BAD_INPUT;
                goto done;
            }
            it->have_area = 1;
        }
    }
    if (fmt == FORMAT_JSON) {
        json_object *root = json_object_new_object();
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < n; i++)
            json_object_array_add(arr, json_item(&items[i], working));
        json_object_object_add(root, "layers", arr);
        json_object_object_add(root, "working_crs", json_crs(working));
        json_object_object_add(root, "units", json_object_new_string(
                                                  "areas in square metres, extents in the "
                                                  "working CRS in metres"));
        printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(root);
    } else {
        if (working)
            printf("working CRS: %s %s (%s)\n\n", lg_crs_id(working), lg_crs_name(working),
                   lg_crs_reason(working));
        for (size_t i = 0; i < n; i++) {
            print_text(&items[i], working);
            if (i + 1 < n)
                printf("\n");
        }
    }
done:
    for (size_t i = 0; i < n; i++)
        lg_layer_close(ctx, items[i].layer);
    free(items);
    lg_crs_free(working);
    lg_ctx_free(ctx);
    free(args);
    return rc;
}
