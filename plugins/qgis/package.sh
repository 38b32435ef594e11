#!/usr/bin/env bash
# Build the QGIS plugin zip (QGIS: Plugins > Manage and Install Plugins >
# Install from ZIP).
#   bash plugins/qgis/package.sh [--out DIR] [--with-lib PATH/libgeo.so]
# Writes DIR/libgeo_qgis-VERSION.zip (default DIR: plugins/qgis/dist).
# --with-lib copies the shared library into the plugin folder, where the
# binding looks after LIBGEO_LIBRARY and before the system's loader path;
# it still needs the GDAL, GEOS, PROJ, json-c and libyaml of the system it
# was built on (Debian 12: the packages of .ci/deps.sh without -dev).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/dist
lib=
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --with-lib) lib=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$lib" ] && [ ! -f "$lib" ]; then
  echo "package.sh: --with-lib $lib: no such file" >&2; exit 2
fi
version=$(sed -n 's/^version=//p' "$here/libgeo_qgis/metadata.txt")
mkdir -p "$out"
zip=$(cd "$out" && pwd)/libgeo_qgis-$version.zip
python3 - "$here/libgeo_qgis" "$zip" "$lib" <<'PY'
import os, sys, zipfile
src, dest, lib = sys.argv[1:]
tmp = dest + ".tmp"
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for f in sorted(files):
            if f.endswith((".pyc", ".so")) or ".so." in f:
                continue
            path = os.path.join(root, f)
            z.write(path, os.path.join("libgeo_qgis", os.path.relpath(path, src)))
    if lib:
        z.write(os.path.realpath(lib), "libgeo_qgis/libgeo.so.0")
    names = set(z.namelist())
for need in ("__init__.py", "metadata.txt", "icon.svg", "provider.py", "binding.py"):
    if "libgeo_qgis/" + need not in names:
        sys.exit("package.sh: %s missing from the zip" % need)
os.replace(tmp, dest)
print("wrote %s (%d files%s)" % (dest, len(names), ", with libgeo.so.0" if lib else ""))
PY
