/*
 * The floor for reading: every feature of every layer the workload uses,
 * read through GDAL (geometry fetched, every field converted), nothing
 * else.  The target is a whole workload within 3x of this.
 *
 *   readall CITY_DIR
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gdal.h>
#include <ogr_api.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: readall CITY_DIR\n");
        return 2;
    }
    const char *layers[] = {"districts", "streets", "roads", "forest", "parks",
                            "landuse",   "control", "sites"};
    GDALAllRegister();
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    long long features = 0, points = 0;
    for (size_t k = 0; k < sizeof layers / sizeof layers[0]; k++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s.shp", argv[1], layers[k]);
        GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
        if (!ds) {
            fprintf(stderr, "readall: cannot open %s\n", path);
            return 3;
        }
        OGRLayerH l = GDALDatasetGetLayer(ds, 0);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(l))) {
            int nf = OGR_F_GetFieldCount(f);
            for (int i = 0; i < nf; i++)
                (void)OGR_F_GetFieldAsString(f, i);
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            if (g)
                points += OGR_G_GetPointCount(g) + OGR_G_GetGeometryCount(g);
            features++;
            OGR_F_Destroy(f);
        }
        GDALClose(ds);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("{\"read_all_s\": %.3f, \"features\": %lld}\n",
           (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec), features);
    return points < 0; /* keep the reads from being optimised away */
}
