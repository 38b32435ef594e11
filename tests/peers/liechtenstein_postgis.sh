#!/usr/bin/env bash
# Regenerate tests/data/liechtenstein_postgis.json: the per-municipality
# W1-W3 values the shared PostGIS peer computes on the Liechtenstein OSM
# extract (../shared/data/osm/liechtenstein-2015), for test_kernel_coverage
# (W3 park coverage) and the other kernel tests (W1 road_km, W2 forest_m2).
#
#   bash tests/peers/liechtenstein_postgis.sh [OUT.json]
#
# Runs ../shared/peers/postgis_metrics.sh --osm (its throwaway cluster in
# /tmp/pgpeer, started if needed and left running: stop it with
# `postgis_metrics.sh --stop`), in a database of its own (PGPEER_DB, default
# libgeo_liechtenstein, dropped afterwards) so that it does not clobber a
# concurrent run of the peer.  Needs postgresql-15-postgis-3,
# shp2pgsql, python3 and bc.  Override the locations with
# LIBGEO_SHARED_DATA (the data folder) and LIBGEO_PEERS (the peers folder).
#
# What the peer computes (postgis_metrics.sql, mode osm), per municipality
# (osm_municipalities, made valid):
#   road_km    = sum of length(road ∩ zone) / 1000, all of roads.shp
#   forest_m2  = area(union(landuse = 'forest') ∩ zone)
#   res_m2     = sum of area(residential ∩ zone), residential = landuse.shp
#                WHERE landuse = 'residential' (made valid)
#   res_cov_m2 = area(residential ∩ zone ∩ union(buffer(park, r, quad_segs=8)))
#                over leisure_parks.shp (made valid), r = 500 m when
#                area(park) >= 5000 m², 300 m when 2000 <= area < 5000,
#                parks under 2000 m² not counted.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${LIBGEO_SHARED_DATA:-$root/../shared/data}
peers=${LIBGEO_PEERS:-$root/../shared/peers}
out=${1:-$root/tests/data/liechtenstein_postgis.json}
osm="$data/osm/liechtenstein-2015"

[ -d "$osm" ] || { echo "liechtenstein_postgis.sh: $osm not found (set LIBGEO_SHARED_DATA)" >&2; exit 1; }
[ -x "$peers/postgis_metrics.sh" ] || [ -f "$peers/postgis_metrics.sh" ] ||
    { echo "liechtenstein_postgis.sh: $peers/postgis_metrics.sh not found (set LIBGEO_PEERS)" >&2; exit 1; }

tmp=$(mktemp -d)
export PGPEER_DB=${PGPEER_DB:-libgeo_liechtenstein}
drop_db() {
    psql -X -q -h "${PGPEER_SOCK:-/tmp/pgpeer_sock}" -p "${PGPEER_PORT:-55432}" -U postgres \
        -d postgres -c "DROP DATABASE IF EXISTS $PGPEER_DB" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap drop_db EXIT
chmod 0755 "$tmp"
bash "$peers/postgis_metrics.sh" --osm "$osm" "$tmp/peer.json" >&2

mkdir -p "$(dirname "$out")"
python3 - "$tmp/peer.json" "$out" <<'PY'
import json, sys
src, out = sys.argv[1:3]
doc = json.load(open(src))
zones = {}
for z in doc['zones']:
    name = z['name']
    if name in zones:
        sys.exit('liechtenstein_postgis.sh: two municipalities named %r' % name)
    # 12 significant digits: PostGIS's parallel sums differ between runs in
    # the last digits (~1e-15 relative), which would churn the file
    zones[name] = {k: (z[k] if k == 'zid' or z[k] is None else float('%.12g' % z[k]))
                   for k in ('zid', 'area_m2', 'road_km', 'forest_m2', 'res_m2', 'res_cov_m2',
                             'park_cov_pct')}
res = {
    'source': 'shared/peers/postgis_metrics.sh --osm shared/data/osm/liechtenstein-2015',
    'regenerate': 'bash tests/peers/liechtenstein_postgis.sh',
    'peer': doc.get('version', ''),
    'crs': 'EPSG:32632',
    'precision': 'values rounded to 12 significant digits (the peer\'s parallel sums vary '
                 'by ~1e-15 relative between runs)',
    'definitions': {
        'zones': 'municipalities.shp (osm_id, name), made valid',
        'road_km': 'sum of length(road ∩ zone) / 1000 over roads.shp',
        'forest_m2': "area(union(landuse.shp WHERE landuse = 'forest') ∩ zone)",
        'res_m2': "area(landuse.shp WHERE landuse = 'residential' ∩ zone)",
        'res_cov_m2': 'area(residential ∩ zone ∩ union(buffer(park, 500 m if area >= 5000 m2, '
                      '300 m if 2000 <= area < 5000; quad_segs=8))), parks = leisure_parks.shp',
        'park_cov_pct': '100 * res_cov_m2 / res_m2 (null without residential land)',
    },
    'municipalities': dict(sorted(zones.items())),
}
with open(out, 'w', encoding='utf-8') as f:
    json.dump(res, f, ensure_ascii=False, indent=1)
    f.write('\n')
print('wrote %s (%d municipalities)' % (out, len(zones)), file=sys.stderr)
PY
