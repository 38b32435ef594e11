#!/usr/bin/env bash
# Quick start: install the Debian packages, build libgeo and geoplan into
# ./build, and run the main job on the bundled sample data.
# Usage (from the repository root, as root or with sudo):  bash examples/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then bash .ci/deps.sh; else sudo bash .ci/deps.sh; fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
# The main job, until the demo workspace exists: describe the sample layer,
# a GCJ-02 (AMap/DataV) street layer, corrected and projected to EPSG:4549.
./build/cli/geoplan info examples/data/licang_streets_gcj02.geojson --datum gcj02
