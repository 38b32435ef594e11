#!/usr/bin/env bash
# Install the Debian 12 packages libgeo needs to build, test and run.
# Used by the README's quick start and by .ci/run.  Run as root.
set -euo pipefail
packages=(
  build-essential cmake pkg-config   # compiler and build
  libgdal-dev gdal-bin               # GDAL 3.6: reading every vector format; ogr2ogr in tests
  libgeos-dev                        # GEOS 3.11: geometry (reentrant C API)
  libproj-dev proj-data              # PROJ 9.1: CRS and transformations, geodesic area
  libjson-c-dev                      # json-c: geoplan's JSON output and the CLI tests
  libyaml-dev                        # libyaml 0.2.5: project files and target sets
  libcmocka-dev                      # cmocka 1.1.5: unit tests
  libcairo2-dev                      # cairo 1.16: maps drawn to PNG, SVG and PDF
  libpango1.0-dev                    # pango 1.50 (+ fontconfig): text on maps, Chinese shaping
  fonts-noto-cjk                     # Noto Sans CJK SC: Chinese labels on maps, never boxes
  chromium                           # headless browser for the report.html test (skipped if absent)
  postgresql-15 postgresql-15-postgis-3  # throwaway PostGIS for the PG: source test
  python3-qgis                       # QGIS 3.22 Python bindings; pulls in the Processing framework
                                     # (python3-qgis-common) and qgis-providers: the plugin test
)
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
