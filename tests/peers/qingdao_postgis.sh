#!/usr/bin/env bash
# Regenerate tests/data/qingdao_postgis.json: PostGIS's per-district values
# on Qingdao's ten districts (../shared/data/qingdao), for test_reference.
#
#   GEOPLAN=path/to/geoplan bash tests/peers/qingdao_postgis.sh [OUT.json]
#
# Zones:  districts_datav_gcj02.geojson (simplified, topologically clean).
# Cover:  districts_datav_hires_gcj02.geojson (full resolution, drawn per
#         district: neighbours overlap by slivers).
# Both are GCJ-02 (AMap/DataV offset).  The comparison is to test libgeo's
# kernels, not its datum code, so PostGIS is given the geometries libgeo
# produced: `geoplan measure ... --datum gcj02 --crs EPSG:4549 --out-layer`
# writes the zones it measured (GCJ-02 removed, projected to EPSG:4549) to a
# GeoPackage as WKB (exact doubles); that is done once with the simplified
# districts as zones and once with the hi-res ones, and both GeoPackages are
# loaded into PostGIS with ogr2ogr.  The JSON records each zone's area and
# the hi-res layer's total so that test_reference can tell "the inputs
# differ (datum code changed: rerun this script)" from "the kernels
# disagree".
#
# Per district (id = adcode), plain PostGIS, no subdivision (ten zones):
#   area_m2      = area(zone)
#   cover_m2     = area(zone ∩ union(hires))               (area-share, dissolved)
#   cover_sum_m2 = Σ area(zone ∩ hires_i)                  (not dissolved: counts the
#                                                           slivers twice)
#   boundary_km  = Σ length(boundary(hires_i) ∩ zone) / 1000   (length-density of the
#                  hi-res district outlines as lines; a shared border is drawn
#                  once per district)
# and over the hi-res layer: hires_area_sum_m2 = Σ area(hires_i),
# hires_union_m2 = area(union(hires)).
#
# GEOPLAN: the built CLI (default: geoplan on PATH, else build/cli/geoplan).
# PostGIS: the peers' throwaway cluster (../shared/peers/postgis_metrics.sh:
# /tmp/pgpeer, socket /tmp/pgpeer_sock, port 55432, or PGPEER_DATA,
# PGPEER_SOCK, PGPEER_PORT), started here if needed and left running (stop
# it with `postgis_metrics.sh --stop`), in a database of its own (PGPEER_DB,
# default libgeo_qingdao, dropped afterwards).  Needs postgresql-15-postgis-3,
# ogr2ogr (gdal-bin) and python3.  LIBGEO_SHARED_DATA overrides the data
# folder.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${LIBGEO_SHARED_DATA:-$root/../shared/data}
out=${1:-$root/tests/data/qingdao_postgis.json}
qd="$data/qingdao"
zones_src="$qd/districts_datav_gcj02.geojson"
hires_src="$qd/districts_datav_hires_gcj02.geojson"

[ -f "$zones_src" ] && [ -f "$hires_src" ] ||
    { echo "qingdao_postgis.sh: $qd/districts_datav*_gcj02.geojson not found (set LIBGEO_SHARED_DATA)" >&2; exit 1; }
geoplan=${GEOPLAN:-}
if [ -z "$geoplan" ]; then
    geoplan=$(command -v geoplan || true)
    [ -n "$geoplan" ] || geoplan=$root/build/cli/geoplan
fi
[ -x "$geoplan" ] || { echo "qingdao_postgis.sh: no geoplan at '$geoplan' (build it and set GEOPLAN)" >&2; exit 1; }

PGBIN=/usr/lib/postgresql/15/bin
PGDATA=${PGPEER_DATA:-/tmp/pgpeer}
SOCK=${PGPEER_SOCK:-/tmp/pgpeer_sock}
PORT=${PGPEER_PORT:-55432}
DB=${PGPEER_DB:-libgeo_qingdao}
export PGHOST=$SOCK PGPORT=$PORT PGUSER=postgres PGOPTIONS="-c client_min_messages=warning"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

tmp=$(mktemp -d)
cleanup() {
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# ---- libgeo's geometries: GCJ-02 removed, in EPSG:4549
for kind in zones hires; do
    src=$zones_src; [ $kind = hires ] && src=$hires_src
    "$geoplan" measure area-share --zones "$src" --zone-field adcode --cover "$hires_src" \
        --datum gcj02 --crs EPSG:4549 --out-layer "$tmp/$kind.gpkg" >/dev/null
done

# ---- the cluster (the same one as postgis_metrics.sh; a minimal one if absent)
if [ ! -f "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"; chown postgres "$PGDATA" 2>/dev/null || true
    as_pg $PGBIN/initdb -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    printf "listen_addresses = ''\nunix_socket_directories = '%s'\nport = %s\nfsync = off\n" \
        "$SOCK" "$PORT" >> "$PGDATA/postgresql.conf"
fi
mkdir -p "$SOCK"; chown postgres "$SOCK" 2>/dev/null || true
if ! as_pg $PGBIN/pg_ctl -D "$PGDATA" status >/dev/null 2>&1; then
    echo "qingdao_postgis.sh: starting the cluster in $PGDATA (stop it with postgis_metrics.sh --stop)" >&2
    as_pg $PGBIN/pg_ctl -D "$PGDATA" -l "$PGDATA.log" -w start >/dev/null
fi
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
psql -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
psql -X -q -d "$DB" -c "CREATE EXTENSION postgis" >/dev/null
for kind in zones hires; do
    ogr2ogr -f PostgreSQL "PG:host=$SOCK port=$PORT user=postgres dbname=$DB" "$tmp/$kind.gpkg" \
        zones -nln "qd_$kind" -select id,name -a_srs EPSG:4549 -lco GEOMETRY_NAME=geom \
        -nlt MULTIPOLYGON
done

psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$DB" > "$tmp/report.json" <<'SQL'
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM qd_zones WHERE NOT ST_IsValid(geom))
     OR EXISTS (SELECT 1 FROM qd_hires WHERE NOT ST_IsValid(geom)) THEN
    RAISE EXCEPTION 'libgeo wrote an invalid geometry';
  END IF;
END $$;
CREATE TABLE cover_u AS SELECT ST_Union(geom) AS geom FROM qd_hires;
CREATE TABLE lines AS SELECT id, ST_Boundary(geom) AS geom FROM qd_hires;
SELECT json_build_object(
  'version', version() || ' ' || postgis_full_version(),
  'hires_area_sum_m2', (SELECT sum(ST_Area(geom)) FROM qd_hires),
  'hires_union_m2', (SELECT ST_Area(geom) FROM cover_u),
  'hires_boundary_km', (SELECT sum(ST_Length(geom)) / 1000 FROM lines),
  'zones', (SELECT json_agg(json_build_object(
      'zid', z.id, 'name', z.name, 'area_m2', ST_Area(z.geom),
      'cover_m2', (SELECT ST_Area(ST_Intersection(z.geom, u.geom)) FROM cover_u u),
      'cover_sum_m2', (SELECT coalesce(sum(ST_Area(ST_Intersection(z.geom, h.geom))), 0)
                       FROM qd_hires h WHERE ST_Intersects(z.geom, h.geom)),
      'boundary_km', (SELECT coalesce(sum(ST_Length(ST_Intersection(l.geom, z.geom))), 0) / 1000
                      FROM lines l WHERE ST_Intersects(l.geom, z.geom)))
    ORDER BY z.id) FROM qd_zones z));
SQL

mkdir -p "$(dirname "$out")"
python3 - "$tmp/report.json" "$out" <<'PY'
import json, sys
src, out = sys.argv[1:3]
doc = json.load(open(src))


def r12(v):
    # 12 significant digits, as the other reference files
    return None if v is None else float('%.12g' % v)


zones = {}
for z in doc['zones']:
    if z['zid'] in zones:
        sys.exit('qingdao_postgis.sh: two districts with adcode %r' % z['zid'])
    zones[z['zid']] = {'name': z['name'],
                       **{k: r12(z[k]) for k in ('area_m2', 'cover_m2', 'cover_sum_m2',
                                                  'boundary_km')}}
res = {
    'source': 'shared/data/qingdao/districts_datav_gcj02.geojson (zones) and '
              'districts_datav_hires_gcj02.geojson (cover, lines), GCJ-02 removed and projected '
              'to EPSG:4549 by libgeo (geoplan measure --datum gcj02 --out-layer), measured by '
              'PostGIS',
    'regenerate': 'GEOPLAN=build/cli/geoplan bash tests/peers/qingdao_postgis.sh',
    'peer': doc['version'],
    'crs': 'EPSG:4549',
    'precision': 'values rounded to 12 significant digits',
    'definitions': {
        'zones': 'districts_datav_gcj02.geojson (adcode, name)',
        'area_m2': 'area(zone)',
        'cover_m2': 'area(zone ∩ union(hires))',
        'cover_sum_m2': 'sum of area(zone ∩ hires_i) (not dissolved)',
        'boundary_km': 'sum of length(boundary(hires_i) ∩ zone) / 1000',
        'hires_area_sum_m2': 'sum of area(hires_i)',
        'hires_union_m2': 'area(union(hires))',
        'hires_boundary_km': 'sum of length(boundary(hires_i)) / 1000',
    },
    'hires_area_sum_m2': r12(doc['hires_area_sum_m2']),
    'hires_union_m2': r12(doc['hires_union_m2']),
    'hires_boundary_km': r12(doc['hires_boundary_km']),
    'districts': dict(sorted(zones.items())),
}
with open(out, 'w', encoding='utf-8') as f:
    json.dump(res, f, ensure_ascii=False, indent=1)
    f.write('\n')
print('wrote %s (%d districts)' % (out, len(zones)), file=sys.stderr)
PY
