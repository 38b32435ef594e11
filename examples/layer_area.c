/*
 * layer_area: the libgeo walk-through.  Open a polygon layer, choose the CRS
 * to measure in, load it, and print its areas in km² and 亩.
 *
 *   layer_area LAYER [DATUM] [--crs CRS]
 *
 *   LAYER   anything GDAL reads: parcels.shp, plan.gpkg, sites.geojson …
 *   DATUM   gcj02 or bd09 when the lon/lat coordinates were digitised on
 *           AMap/Tencent or Baidu maps (their offsets are removed first)
 *   --crs   the projected CRS in metres to measure in, e.g. EPSG:4549;
 *           by default the layer's own CRS if projected, else the CGCS2000
 *           3-degree Gauss–Krüger zone (or UTM zone) of the data
 *
 * Build against an installed libgeo:
 *   cc layer_area.c $(pkg-config --cflags --libs libgeo) -o layer_area
 */
#include <stdio.h>
#include <string.h>

#include <libgeo/libgeo.h>

/* 1 亩 (mu, the Chinese land unit) is exactly 10000/15 m². */
#define M2_PER_MU (10000.0 / 15.0)

/* libgeo never prints: warnings (a guessed encoding, a layer spanning
 * several zones …) come here. */
static void print_warning(const char *message, void *user)
{
    (void)user;
    fprintf(stderr, "warning: %s\n", message);
}

/* Every failure leaves its status and a message (naming the source, the
 * feature, the option …) in the context. */
static int print_error(const lg_ctx *ctx)
{
    fprintf(stderr, "layer_area: %s: %s\n", lg_status_name(lg_ctx_errno(ctx)),
            lg_ctx_errmsg(ctx));
    return 1;
}

/* The areas of a loaded polygon layer: the total, then each feature.
 * Returns 0, or 1 after printing the error. */
static int print_areas(lg_ctx *ctx, const lg_layer *layer)
{
    /* Total area, planar in the working CRS and on the ellipsoid: the two
     * agree to a fraction of a percent in a well-chosen CRS. */
    double planar, ellipsoidal;
    if (lg_layer_area(ctx, layer, &planar, &ellipsoidal) != LG_OK)
        return print_error(ctx);
    printf("area      %.6f km² planar, %.6f km² ellipsoidal\n", planar / 1e6,
           ellipsoidal / 1e6);

    /* Label each feature with its first text field (decoded to UTF-8,
     * whatever the file's encoding), or its FID when there is none. */
    int label = -1;
    for (size_t f = 0; f < lg_layer_field_count(layer) && label < 0; f++)
        if (lg_layer_field_type(layer, f) == LG_FIELD_STRING)
            label = (int)f;
    printf("\nper feature (%s):\n", label >= 0 ? lg_layer_field_name(layer, (size_t)label) : "FID");

    /* The geometries belong to the layer; measure them with the context's
     * GEOS handle.  Coordinates are in metres, so GEOSArea_r gives m². */
    GEOSContextHandle_t geos = lg_ctx_geos(ctx);
    for (size_t i = 0; i < lg_layer_size(layer); i++) {
        double m2;
        if (!GEOSArea_r(geos, lg_layer_geom(layer, i), &m2)) {
            fprintf(stderr, "GEOS could not measure feature %lld\n", lg_layer_fid(layer, i));
            return 1;
        }
        printf("  %14.6f km² %14.2f 亩  ", m2 / 1e6, m2 / M2_PER_MU);
        const char *value = label >= 0 ? lg_layer_text(layer, i, (size_t)label) : NULL;
        if (value)
            printf("%s\n", value);
        else /* no text field, or a NULL value */
            printf("FID %lld\n", lg_layer_fid(layer, i));
    }
    return 0;
}

static int usage(const char *prog)
{
    fprintf(stderr, "usage: %s LAYER [gcj02|bd09] [--crs EPSG:…]\n", prog);
    return 2;
}

int main(int argc, char **argv)
{
    const char *source = NULL, *datum = NULL, *crs_text = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--crs") && i + 1 < argc)
            crs_text = argv[++i];
        else if (!source)
            source = argv[i];
        else if (!datum)
            datum = argv[i];
        else
            return usage(argv[0]);
    }
    if (!source)
        return usage(argv[0]);

    /* One context per thread: it holds the last error, the warnings and
     * the GEOS and PROJ handles. */
    lg_ctx *ctx = lg_ctx_new();
    if (!ctx) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    lg_ctx_set_warning_handler(ctx, print_warning, NULL);

    lg_layer *layer = NULL;
    lg_crs *working = NULL;
    int status = 1;

    /* 1. Open: reads what the source declares, not the features.  Options
     *    are "KEY=VALUE" strings, NULL-terminated (see lg_layer.h). */
    char datum_option[64];
    const char *options[2] = {NULL, NULL};
    if (datum) {
        snprintf(datum_option, sizeof datum_option, "DATUM=%s", datum);
        options[0] = datum_option;
    }
    layer = lg_layer_open(ctx, source, options);
    if (!layer)
        goto fail;

    /* 2. Choose the working CRS: every measure is taken in one projected
     *    CRS in metres, never in degrees.  The CRS records why it was
     *    chosen. */
    working = lg_layers_working_crs(ctx, &layer, 1, crs_text);
    if (!working)
        goto fail;

    /* 3. Load every feature into it, as GEOS geometries. */
    if (lg_layer_load(ctx, layer, working) != LG_OK)
        goto fail;

    printf("layer     %s (%s)\n", lg_layer_name(layer), lg_layer_driver(layer));
    printf("features  %zu\n", lg_layer_size(layer));
    printf("CRS       %s %s\n", lg_crs_id(working), lg_crs_name(working));
    printf("          chosen: %s\n", lg_crs_reason(working));
    printf("encoding  %s (%s)\n", lg_layer_encoding(layer),
           lg_encoding_source_name(lg_layer_encoding_source(layer)));

    if (lg_layer_geom_kind(layer) == LG_GEOM_POLYGON)
        status = print_areas(ctx, layer);
    else {
        printf("no areas: not a polygon layer (%s)\n", lg_layer_geom_type_name(layer));
        status = 0;
    }
    goto done;

fail:
    status = print_error(ctx);
done:
    /* Destructors accept NULL; close layers before their context. */
    lg_crs_free(working);
    lg_layer_close(ctx, layer);
    lg_ctx_free(ctx);
    return status;
}
