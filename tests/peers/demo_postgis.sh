#!/usr/bin/env bash
# Regenerate tests/data/demo_S_seed1_postgis.json: the W1-W5 values the
# shared PostGIS peer computes, per district and per street and per project
# site, on the demo city (`geoplan demo --scale S --seed 1`), for
# test_reference (which generates the same workspace and runs libgeo's
# kernels on it as bench/workload.c does).
#
#   GEOPLAN=path/to/geoplan bash tests/peers/demo_postgis.sh [OUT.json]
#
# The generator is deterministic (the same scale and seed give the same
# files byte for byte), so the reference is stable; the JSON also records
# what the peer loaded (features and vertices per layer, the sum of the
# zone areas per zone layer) so that the test can tell "the workspace
# changed: rerun this script" from "the kernels disagree".
#
# GEOPLAN: the built CLI (default: geoplan on PATH, else build/cli/geoplan).
# Runs ../shared/peers/postgis_metrics.sh on a temporary directory, with its
# throwaway cluster (/tmp/pgpeer unless PGPEER_DATA/PGPEER_SOCK/PGPEER_PORT
# say otherwise; started if needed and left running: stop it with
# `postgis_metrics.sh --stop`), in a database of its own (PGPEER_DB,
# default libgeo_demo, dropped afterwards).  Needs postgresql-15-postgis-3,
# shp2pgsql, python3 and bc.  LIBGEO_PEERS overrides the peers folder.
#
# What the peer computes (postgis_metrics.sql, mode synthetic), per zone
# (districts and streets, made valid; id = code):
#   road_km    = sum of length(road ∩ zone) / 1000 over roads.shp
#   forest_m2  = area(union(forest.shp) ∩ zone)
#   res_m2     = area(landuse WHERE code = 'R' ∩ zone)
#   res_cov_m2 = area(residential ∩ zone ∩ union(buffer(park, 500 m if
#                area >= 5000 m², 300 m if 2000 <= area < 5000; quad_segs=8)))
#   tax_wan    = Σ tax_wan · area(p ∩ zone) / area(p) over landuse WHERE
#                code = 'M' AND tax_wan IS NOT NULL
#   ind_m2     = Σ area(p ∩ zone) over the same parcels
#   conflict_sites = sites whose red_m2, farm_m2 or outside_m2 is > 1 m²,
#                counted in the zone whose (subdivided) pieces hold the
#                site's centroid
# and per site (sites.shp, by id):
#   red_m2     = area(site ∩ union(control WHERE kind = '生态保护红线'))
#   farm_m2    = area(site ∩ union(control WHERE kind = '永久基本农田'))
#   outside_m2 = max(0, area(site) − area(site ∩ union(control WHERE kind =
#                '城镇开发边界')))
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
peers=${LIBGEO_PEERS:-$root/../shared/peers}
out=${1:-$root/tests/data/demo_S_seed1_postgis.json}
scale=S
seed=1

geoplan=${GEOPLAN:-}
if [ -z "$geoplan" ]; then
    geoplan=$(command -v geoplan || true)
    [ -n "$geoplan" ] || geoplan=$root/build/cli/geoplan
fi
[ -x "$geoplan" ] || { echo "demo_postgis.sh: no geoplan at '$geoplan' (build it and set GEOPLAN)" >&2; exit 1; }
[ -f "$peers/postgis_metrics.sh" ] ||
    { echo "demo_postgis.sh: $peers/postgis_metrics.sh not found (set LIBGEO_PEERS)" >&2; exit 1; }

tmp=$(mktemp -d)
export PGPEER_DB=${PGPEER_DB:-libgeo_demo}
cleanup() {
    psql -X -q -h "${PGPEER_SOCK:-/tmp/pgpeer_sock}" -p "${PGPEER_PORT:-55432}" -U postgres \
        -d postgres -c "DROP DATABASE IF EXISTS $PGPEER_DB" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
# the cluster runs as the postgres user, which must read the shapefiles
chmod 0755 "$tmp"
"$geoplan" demo --out "$tmp/city" --scale $scale --seed $seed --quiet
chmod -R a+rX "$tmp/city"
bash "$peers/postgis_metrics.sh" "$tmp/city" "$tmp/peer.json" >&2

mkdir -p "$(dirname "$out")"
python3 - "$tmp/peer.json" "$tmp/city/workspace.json" "$out" "$scale" "$seed" <<'PY'
import json, re, sys
src, ws, out, scale, seed = sys.argv[1:6]
doc = json.load(open(src))
workspace = json.load(open(ws))


def r12(v):
    # 12 significant digits: PostGIS's parallel sums differ between runs in
    # the last digits (~1e-15 relative), which would churn the file
    return None if v is None else float('%.12g' % v)


zones = {}
area_sum = {}
for z in doc['zones']:
    layer, zid = z['layer'], z['zid']
    zl = zones.setdefault(layer, {})
    if zid in zl:
        sys.exit('demo_postgis.sh: two %s zones with code %r' % (layer, zid))
    zl[zid] = {'name': z['name']}
    for k in ('area_m2', 'road_km', 'forest_m2', 'res_m2', 'res_cov_m2', 'tax_wan', 'ind_m2'):
        zl[zid][k] = r12(z[k])
    zl[zid]['conflict_sites'] = int(z['conflict_sites'])
    area_sum[layer] = area_sum.get(layer, 0.0) + z['area_m2']
sites = {}
for sid, red, farm, outside in doc['sites']:
    sites[str(sid)] = [r12(red), r12(farm), r12(outside)]
res = {
    'source': 'geoplan demo --scale %s --seed %s, then shared/peers/postgis_metrics.sh' % (scale, seed),
    'regenerate': 'GEOPLAN=build/cli/geoplan bash tests/peers/demo_postgis.sh',
    'peer': doc.get('version', ''),
    'generator': workspace.get('generator', ''),
    'scale': scale,
    'seed': int(seed),
    'crs': 'EPSG:4549',
    'precision': 'values rounded to 12 significant digits (the peer\'s parallel sums vary '
                 'by ~1e-15 relative between runs)',
    'definitions': {
        'zones': 'districts.shp and streets.shp (code, name), made valid',
        'road_km': 'sum of length(road ∩ zone) / 1000 over roads.shp',
        'forest_m2': 'area(union(forest.shp) ∩ zone)',
        'res_m2': "area(landuse.shp WHERE code = 'R' ∩ zone)",
        'res_cov_m2': 'area(residential ∩ zone ∩ union(buffer(park, 500 m if area >= 5000 m2, '
                      '300 m if 2000 <= area < 5000; quad_segs=8))), parks = parks.shp',
        'tax_wan': "sum of tax_wan * area(p ∩ zone) / area(p), p in landuse.shp WHERE code = 'M' "
                   'AND tax_wan IS NOT NULL',
        'ind_m2': 'sum of area(p ∩ zone) over the same parcels',
        'conflict_sites': 'sites with red_m2, farm_m2 or outside_m2 > 1 m2, in the zone holding '
                          'the centroid',
        'sites': 'id -> [red_m2, farm_m2, outside_m2]: area of the site in union(生态保护红线), '
                 'in union(永久基本农田), and max(0, area - area in union(城镇开发边界))',
    },
    'workspace': {
        'counts': doc['counts'],
        'zone_area_sum_m2': {k: r12(v) for k, v in sorted(area_sum.items())},
    },
    'zones': {layer: dict(sorted(zl.items())) for layer, zl in sorted(zones.items())},
    'sites': dict(sorted(sites.items(), key=lambda kv: int(kv[0]))),
}
text = json.dumps(res, ensure_ascii=False, indent=1)
# one line per list of numbers (a site's three areas)
num = r'(?:-?[0-9.eE+-]+|null)'
text = re.sub(r'\[\s+(%s(?:,\s+%s)*)\s+\]' % (num, num),
              lambda m: '[' + ', '.join(x.strip() for x in m.group(1).split(',')) + ']', text)
with open(out, 'w', encoding='utf-8') as f:
    f.write(text + '\n')
print('wrote %s (%s zones, %d sites)' % (
    out, ', '.join('%d %s' % (len(v), k) for k, v in sorted(zones.items())), len(sites)),
    file=sys.stderr)
PY
