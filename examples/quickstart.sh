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
# The main job: evaluate the workspace's project file (its layers bound to roles)
# against the 李沧区 14th Five-Year Plan targets shipped in layers/targets/.
$G validate "$W/project.yaml"
$G evaluate "$W/project.yaml" --out "$W/evaluation" --html
echo; echo "== $W/evaluation/report.md (binding targets)"
sed -n '/## 约束性指标/,/## 预期性指标/p' "$W/evaluation/report.md"
# 亩均效益: score and class the enterprises (the 黄岩 2023 formulas), per street;
# and screen the project sites against the control lines (三线占用).
$G efficiency layers/efficiency/demo.yaml --data "$W" --out "$W/efficiency"
$G screen "$W/sites.shp" --control "$W/control.shp" --format csv > "$W/screen.csv"
echo "wrote $W/screen.csv"
# Maps for the report: 亩均税收 by street, and park-coverage blind spots.
$G map "$W/efficiency/efficiency.gpkg" --recipe tax-per-mu-street --out "$W/亩均税收.png"
$G map "$W/evaluation/results.gpkg" --recipe park-coverage --out "$W/公园服务覆盖.png"
