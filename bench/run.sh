#!/usr/bin/env bash
# The benchmark: the peers' planning workload (W1-W5 per district and per
# street) on the demo city at scales S, M and L, run by libgeo (1 and 2
# threads), PostGIS 15 + PostGIS 3.3 (tuned SQL, ../shared/peers) and
# GeoPandas, in one run on the same files; the GDAL read-only floor; the
# three results compared with ../shared/peers/compare.py.  Wall time, CPU
# time and peak memory from /usr/bin/time.  Writes bench/out/SCALE/*.json
# and a Markdown table to stdout (paste it into bench/RESULTS.md).
#
#   bash bench/run.sh [S M L]            (from the repository root, as root)
#   BENCH_SKIP_GEOPANDAS=1 bash bench/run.sh L
set -euo pipefail
cd "$(dirname "$0")/.."
SCALES=("$@"); [ ${#SCALES[@]} -gt 0 ] || SCALES=(S M L)
PEERS=$(cd ../shared/peers && pwd)
BUILD=${BUILD:-build}
OUT=bench/out
mkdir -p "$OUT"

export DEBIAN_FRONTEND=noninteractive
need=(time postgresql-15-postgis-3 postgis python3-gdal)
[ -n "${BENCH_SKIP_GEOPANDAS:-}" ] || need+=(python3-geopandas)
missing=(); for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then apt-get update -qq; apt-get install -y -qq "${missing[@]}"; fi
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target geoplan bench_workload bench_readall >/dev/null

# /usr/bin/time -f: wall s, user s, sys s, max RSS kB
measure() { /usr/bin/time -f '%e %U %S %M' -o "$1" "${@:2}"; }
row() { # label timefile
  read -r wall user sys rss < "$2"
  printf '| %s | %s | %.1f | %.1f | %.0f |\n' "$1" "$wall" "$user" "$sys" "$((rss / 1024))"
}

echo "| scale | run | wall s | user s | sys s | peak MB |"
echo "|---|---|---|---|---|---|"
for s in "${SCALES[@]}"; do
  city=$OUT/city-$s
  d=$OUT/$s; mkdir -p "$d"
  if [ ! -f "$city/README.txt" ]; then
    rm -rf "$city"
    measure "$d/demo.time" "$BUILD/cli/geoplan" demo --out "$city" --scale "$s" --seed 1 >/dev/null
  fi
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  measure "$d/readall.time" "$BUILD/bench/bench_readall" "$city" > "$d/readall.json"
  measure "$d/libgeo1.time" "$BUILD/bench/bench_workload" "$city" --threads 1 --out "$d/libgeo1.json" > /dev/null
  measure "$d/libgeo2.time" "$BUILD/bench/bench_workload" "$city" --threads 2 --out "$d/libgeo2.json" > /dev/null
  # the same workload as one project file through `geoplan evaluate` (reads,
  # views, every indicator at both levels, comparisons, the four output files)
  cp tests/data/projects/demo_postgis.yaml "$city/bench_project.yaml"
  measure "$d/evaluate.time" "$BUILD/cli/geoplan" evaluate "$city/bench_project.yaml" \
    --out "$d/evaluate" --quiet 2>/dev/null
  measure "$d/postgis.time" bash "$PEERS/postgis_metrics.sh" "$city" "$d/postgis.json" > /dev/null 2>"$d/postgis.log"
  if [ -z "${BENCH_SKIP_GEOPANDAS:-}" ]; then
    measure "$d/geopandas.time" /usr/bin/python3 "$PEERS/geopandas_metrics.py" "$city" --out "$d/geopandas.json" > /dev/null
  fi
  for r in demo readall libgeo1 libgeo2 evaluate postgis geopandas; do
    [ -f "$d/$r.time" ] && row "$s | $r" "$d/$r.time"
  done
  python3 "$PEERS/compare.py" "$d/libgeo2.json" "$d/postgis.json" > "$d/compare-postgis.txt"
  python3 "$PEERS/compare.py" "$d/libgeo1.json" "$d/libgeo2.json" > "$d/compare-threads.txt"
  [ -f "$d/geopandas.json" ] && python3 "$PEERS/compare.py" "$d/libgeo2.json" "$d/geopandas.json" > "$d/compare-geopandas.txt"
done
bash "$PEERS/postgis_metrics.sh" --stop >/dev/null 2>&1 || true

# Summary from each run's own timings (the peers time load + index + queries
# themselves; cluster start-up is not counted for PostGIS).
python3 - "$OUT" "${SCALES[@]}" <<'PY'
import json, sys, os
out, scales = sys.argv[1], sys.argv[2:]
def total(p):
    try: return json.load(open(p))['timings_s']['total']
    except Exception: return None
print()
print("| scale | read floor s | libgeo 1 thr s | libgeo 2 thr s | 1/2 speed-up | PostGIS s | GeoPandas s | vs PostGIS | vs GeoPandas | vs read floor |")
print("|---|---|---|---|---|---|---|---|---|---|")
for s in scales:
    d = os.path.join(out, s)
    rd = json.load(open(os.path.join(d, 'readall.json')))['read_all_s']
    l1, l2 = total(os.path.join(d, 'libgeo1.json')), total(os.path.join(d, 'libgeo2.json'))
    pg, gp = total(os.path.join(d, 'postgis.json')), total(os.path.join(d, 'geopandas.json'))
    f = lambda x: '-' if x is None else f'{x:.2f}'
    r = lambda a, b: '-' if a is None or b is None else f'{a / b:.1f}x'
    print(f"| {s} | {rd:.2f} | {f(l1)} | {f(l2)} | {r(l1, l2)} | {f(pg)} | {f(gp)} | {r(pg, l2)} | {r(gp, l2)} | {r(l2, rd)} |")
PY
