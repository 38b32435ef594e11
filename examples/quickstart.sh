#!/usr/bin/env bash
# Quick start: install the Debian packages, build libgeo and geoplan into
# ./build, write the demo workspace (a synthetic 李沧区) and run the main job
# on it.  Usage (from the repository root, as root or with sudo):
#   bash examples/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then bash .ci/deps.sh; else sudo bash .ci/deps.sh; fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"

G=./build/cli/geoplan
W=build/licang
# The demo workspace: districts, 11 streets, parcels, enterprises (GBK),
# roads, parks, forest, control lines, sites … as shapefiles in EPSG:4549.
$G demo --out "$W" --scale S --seed 1 --force
# The main job, until `geoplan evaluate` exists: what the layers are, then
# the indicators per street (街道) that 李沧区's plan sets targets for.
$G info "$W/streets.shp" "$W/enterprises.shp"
echo; echo "== 道路网密度 road-network density per street (target 2025: 4.8 km/km²)"
$G measure length-density --zones "$W/streets.shp" --lines "$W/roads.shp" --class-field class
echo; echo "== 森林覆盖率 forest cover per street (binding target 2025: 16.5 %)"
$G measure area-share --zones "$W/streets.shp" --cover "$W/forest.shp"
echo; echo "== 公园绿地服务半径覆盖率 park service-radius coverage of residential land (≥ 80 %)"
$G measure coverage --zones "$W/streets.shp" --facilities "$W/parks.shp" \
    --target "$W/landuse.shp" --where "code = 'R'"
echo; echo "== 亩均税收 tax per mu of industrial land"
$G measure per-area --zones "$W/streets.shp" --parcels "$W/landuse.shp" \
    --where "code = 'M'" --value tax_wan
echo; echo "== 三线 control-line conflicts of project sites"
$G measure overlap --zones "$W/streets.shp" --sites "$W/sites.shp" --control "$W/control.shp" \
    --class-field kind
