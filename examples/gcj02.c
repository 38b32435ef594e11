/*
 * gcj02: convert longitude/latitude pairs between WGS84 and the Chinese
 * web-map offsets GCJ-02 (AMap/高德, Tencent) and BD-09 (Baidu).
 *
 *   gcj02 [FROM [TO]] < points.txt
 *
 * FROM and TO are wgs84, gcj02 or bd09 (default: wgs84 to gcj02).  Each
 * input line holds "lon lat" or "lon,lat" in decimal degrees; each output
 * line the converted "lon lat".  Points outside China are left unchanged.
 *
 *   $ echo "116.404 39.915" | ./gcj02 wgs84 gcj02
 *   116.4102444992 39.9164042815
 *
 * Build against an installed libgeo:
 *   cc gcj02.c $(pkg-config --cflags --libs libgeo) -o gcj02
 */
#include <stdio.h>
#include <string.h>

#include <libgeo/libgeo.h>

/* Convert one point.  Forward conversions are closed-form; the inverses
 * (to WGS84, BD-09 to GCJ-02) iterate to well under a millimetre. */
static void convert(lg_datum from, lg_datum to, double *lon, double *lat)
{
    if (from == to)
        return;
    if (from == LG_DATUM_GCJ02 && to == LG_DATUM_BD09) {
        lg_gcj02_to_bd09(*lon, *lat, lon, lat);
        return;
    }
    if (from == LG_DATUM_BD09 && to == LG_DATUM_GCJ02) {
        lg_bd09_to_gcj02(*lon, *lat, lon, lat);
        return;
    }
    /* Otherwise go through WGS84 (a no-op when `from` is WGS84). */
    double xy[2] = {*lon, *lat};
    lg_datum_to_wgs84(from, xy, 1);
    *lon = xy[0], *lat = xy[1];
    if (to == LG_DATUM_GCJ02)
        lg_wgs84_to_gcj02(*lon, *lat, lon, lat);
    else if (to == LG_DATUM_BD09)
        lg_wgs84_to_bd09(*lon, *lat, lon, lat);
}

int main(int argc, char **argv)
{
    /* lg_datum_parse knows "wgs84"/"none", "gcj02"/"amap", "bd09"/"baidu". */
    lg_datum from = LG_DATUM_NONE, to = LG_DATUM_GCJ02;
    if (argc > 3 || (argc > 1 && !lg_datum_parse(argv[1], &from)) ||
        (argc > 2 && !lg_datum_parse(argv[2], &to))) {
        fprintf(stderr, "usage: %s [wgs84|gcj02|bd09 [wgs84|gcj02|bd09]] < lonlat.txt\n",
                argv[0]);
        return 2;
    }

    char line[256];
    int bad = 0;
    for (unsigned long n = 1; fgets(line, sizeof line, stdin); n++) {
        double lon, lat;
        char *comma = strchr(line, ',');
        if (comma)
            *comma = ' ';
        if (sscanf(line, "%lf %lf", &lon, &lat) != 2) {
            if (strspn(line, " \t\r\n") != strlen(line)) { /* blank lines are fine */
                fprintf(stderr, "line %lu: expected \"lon lat\"\n", n);
                bad = 1;
            }
            continue;
        }
        if (!lg_datum_in_china(lon, lat))
            fprintf(stderr, "line %lu: outside China, unchanged\n", n);
        convert(from, to, &lon, &lat);
        printf("%.10f %.10f\n", lon, lat);
    }
    return bad;
}
