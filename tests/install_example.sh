#!/usr/bin/env bash
# Installation test: install an already-built libgeo into a temporary prefix,
# build examples/ against it the two ways a user would (pkg-config through
# examples/Makefile, and find_package(libgeo) through examples/CMakeLists.txt,
# shared and static), run the examples on known answers, and check what the
# shared library exports.
#
#   bash tests/install_example.sh BUILD_DIR SOURCE_DIR [SANITIZE]
#
# SANITIZE is LIBGEO_SANITIZE of the build (ON/OFF; read from BUILD_DIR's
# CMakeCache.txt when not given): a library built with -fsanitize can only
# be linked into programs built with it too.
set -euo pipefail

fail() {
    echo "install_example: FAIL: $*" >&2
    exit 1
}
step() { echo "-- $*"; }

[ $# -ge 2 ] || fail "usage: $0 BUILD_DIR SOURCE_DIR [SANITIZE]"
build=$(cd "$1" && pwd) || fail "no build directory $1"
src=$(cd "$2" && pwd) || fail "no source directory $2"
[ -f "$build/CMakeCache.txt" ] || fail "$build is not a CMake build directory"
[ -f "$src/examples/layer_area.c" ] || fail "$src has no examples/layer_area.c"

cache() { sed -n "/^$1:/{s/^[^=]*=//p;q}" "$build/CMakeCache.txt"; }
cmake_bin=$(cache CMAKE_COMMAND)
cc=$(cache CMAKE_C_COMPILER)
generator=$(cache CMAKE_GENERATOR)
[ -x "$cmake_bin" ] || cmake_bin=cmake
[ -n "$cc" ] || cc=cc
sanitize=${3:-$(cache LIBGEO_SANITIZE)}
case "${sanitize^^}" in
ON | 1 | TRUE | YES | Y) san_flags="-fsanitize=address,undefined -fno-omit-frame-pointer" ;;
*) san_flags="" ;;
esac

# The consumer builds take nothing from the caller's environment: only the
# temporary prefix, the build's compiler and, for a sanitizer build, the
# sanitizer flags.
unset CFLAGS CPPFLAGS LDFLAGS CC CMAKE_PREFIX_PATH CMAKE_GENERATOR CMAKE_BUILD_TYPE \
    CMAKE_TOOLCHAIN_FILE PKG_CONFIG_PATH PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR LD_LIBRARY_PATH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/libgeo-install.XXXXXX")
trap 'st=$?; if [ $st -eq 0 ]; then rm -rf "$tmp"; else echo "install_example: files kept in $tmp" >&2; fi' EXIT
prefix=$tmp/prefix

# Run a command quietly; on failure show its output and stop.
quiet() {
    local what=$1 log=$tmp/log
    shift
    "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "$what"; }
}

step "install $build into $prefix"
quiet "cmake --install failed" "$cmake_bin" --install "$build" --prefix "$prefix"
so=$(find "$prefix" -name libgeo.so -print -quit)
pc=$(find "$prefix" -path '*/pkgconfig/libgeo.pc' -print -quit)
config=$(find "$prefix" -path '*/cmake/libgeo/libgeoConfig.cmake' -print -quit)
[ -n "$so" ] || fail "no libgeo.so installed"
[ -n "$pc" ] || fail "no pkgconfig/libgeo.pc installed"
[ -n "$config" ] || fail "no cmake/libgeo/libgeoConfig.cmake installed"
[ -f "$prefix/include/libgeo/libgeo.h" ] || fail "no include/libgeo/libgeo.h installed"
libdir=$(dirname "$so")

# The public headers compile on their own, warning-free.
step "public headers"
for h in "$prefix"/include/libgeo/*.h; do
    printf '#include <libgeo/%s>\n' "$(basename "$h")" >"$tmp/h.c"
    quiet "$h does not compile on its own" "$cc" -std=c11 -Wall -Wextra -Wstrict-prototypes \
        -Werror -I"$prefix/include" $(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags geos proj) \
        -fsyntax-only "$tmp/h.c"
done

step "symbols exported by $so"
nm -D --defined-only "$so" | awk '$2 == "T" || $2 == "W" { print $3 }' | sort >"$tmp/exported"
grep -qx lg_ctx_new "$tmp/exported" || fail "libgeo.so does not export lg_ctx_new"
for s in lg_error lg_warn lg_malloc lg_conv_geometry lg_crs_from_pj; do
    if grep -qx "$s" "$tmp/exported"; then fail "libgeo.so exports the internal symbol $s"; fi
done
# Every function the installed headers declare is exported, and nothing else.
grep -ho 'LG_API[^(]*(' "$prefix"/include/libgeo/*.h | grep -o 'lg_[a-z0-9_]*($' | tr -d '(' |
    sort -u >"$tmp/declared"
missing=$(comm -23 "$tmp/declared" "$tmp/exported")
extra=$(grep -v '^lg_' "$tmp/exported" | grep -v '^_' || true)
[ -z "$missing" ] || fail "declared in the headers but not exported: $(echo $missing)"
[ -z "$extra" ] || fail "exported but not libgeo API: $(echo $extra)"

step "pkg-config build (examples/Makefile)"
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
[ "$(pkg-config --variable=prefix libgeo)" = "$prefix" ] ||
    fail "libgeo.pc names prefix '$(pkg-config --variable=prefix libgeo)', not the install prefix $prefix"
case " $(pkg-config --cflags libgeo) " in
*" -I$prefix/include "*) ;;
*) fail "pkg-config --cflags libgeo lacks -I$prefix/include: $(pkg-config --cflags libgeo)" ;;
esac
mkdir -p "$tmp/pc"
quiet "make with examples/Makefile failed" make -C "$tmp/pc" -f "$src/examples/Makefile" \
    CC="$cc" CFLAGS="-O2 -g -Wall -Wextra -Werror $san_flags"
unset PKG_CONFIG_PATH

step "CMake build (find_package(libgeo), libgeo::geo and libgeo::geo_static)"
for kind in shared static; do
    target=libgeo::geo
    [ $kind = static ] && target=libgeo::geo_static
    quiet "CMake configure of examples/ ($target) failed" "$cmake_bin" ${generator:+-G "$generator"} \
        -S "$src/examples" -B "$tmp/cmake-$kind" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
        -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_C_FLAGS="-Werror $san_flags" -DLIBGEO_TARGET=$target
    found=$(sed -n 's/^libgeo_DIR:[A-Z]*=//p' "$tmp/cmake-$kind/CMakeCache.txt")
    [ "$found" = "$(dirname "$config")" ] || fail "find_package(libgeo) found '$found', not $(dirname "$config")"
    quiet "CMake build of examples/ ($target) failed" "$cmake_bin" --build "$tmp/cmake-$kind"
done

# The examples run against the shared library of the temporary prefix.
export LD_LIBRARY_PATH=$libdir
# (ldd's output is kept first: with pipefail, `ldd | grep -q` can fail when
# grep stops reading early.)
for exe in "$tmp/pc/layer_area" "$tmp/cmake-shared/layer_area"; do
    libs=$(ldd "$exe") || fail "ldd $exe failed"
    grep -q "libgeo\.so.* => $libdir/" <<<"$libs" ||
        fail "$exe does not load libgeo.so from $libdir:"$'\n'"$libs"
done
libs=$(ldd "$tmp/cmake-static/layer_area") || fail "ldd $tmp/cmake-static/layer_area failed"
if grep -q 'libgeo\.so' <<<"$libs"; then
    fail "the libgeo::geo_static build links libgeo.so"
fi

# A 1000 m x 1000 m square in EPSG:4549 (CGCS2000 / 3-degree GK CM 120E),
# the CRS given the old GeoJSON way; x = easting on the central meridian.
# By hand: 1 000 000 m² = 1.000000 km² = 1 000 000 / (10000/15) = 1500 亩.
cat >"$tmp/square.geojson" <<'EOF'
{"type": "FeatureCollection",
 "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}},
 "features": [
  {"type": "Feature", "properties": {"id": 1, "name": "试验地块"},
   "geometry": {"type": "Polygon", "coordinates": [[[500000, 4000000], [501000, 4000000],
     [501000, 4001000], [500000, 4001000], [500000, 4000000]]]}}]}
EOF
expect() { # expect NAME OUTPUT TEXT...
    local name=$1 out=$2
    shift 2
    for want in "$@"; do
        grep -qF -- "$want" <<<"$out" || fail "$name: output lacks \"$want\":"$'\n'"$out"
    done
}
for exe in "$tmp/pc/layer_area" "$tmp/cmake-shared/layer_area" "$tmp/cmake-static/layer_area"; do
    step "run $exe"
    out=$("$exe" "$tmp/square.geojson" 2>&1) || fail "$exe exited with $?:"$'\n'"$out"
    expect "$exe" "$out" "features  1" "CRS       EPSG:4549" "encoding  UTF-8" \
        "area      1.000000 km² planar" " 1.000000 km² " " 1500.00 亩 " "试验地块"
    # A failure is reported through lg_ctx_errmsg, with a non-zero status.
    if out=$("$exe" "$tmp/no-such-file.geojson" 2>&1); then
        fail "$exe succeeded on a missing file"
    fi
    expect "$exe (missing file)" "$out" "layer_area: " "no-such-file.geojson"
done

# wandergis/coordtransform README: wgs84togcj02(116.404, 39.915) =
# [116.41024449916938, 39.91640428150164]; compared to 8 decimals.
for exe in "$tmp/pc/gcj02" "$tmp/cmake-shared/gcj02"; do
    step "run $exe"
    out=$(echo "116.404 39.915" | "$exe" wgs84 gcj02) || fail "$exe exited with $?"
    got=$(awk '{ printf "%.8f %.8f", $1, $2 }' <<<"$out")
    [ "$got" = "116.41024450 39.91640428" ] ||
        fail "$exe: WGS84 (116.404, 39.915) -> GCJ-02 gave '$out', want 116.41024450 39.91640428"
done

echo "install_example: OK"
