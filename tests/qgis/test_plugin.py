#!/usr/bin/env python3
"""The QGIS plugin, headless: every algorithm through processing.run on the
demo city, its numbers equal to the CLI's (1e-12 relative), and a library
error surfacing as a QgsProcessingException with the library's message.

Environment (set by tests/CMakeLists.txt): LIBGEO_LIBRARY (the built
libgeo.so), GEOPLAN_BIN, LIBGEO_SOURCE_DIR, LIBGEO_TEST_TMP, LIBGEO_SANITIZE.
Exit 77 (ctest: skipped) without QGIS's Python bindings, and for a
sanitized build: an ASan-instrumented libgeo.so cannot be loaded into an
uninstrumented python (the runtime must come first in the process)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def skip(why):
    print("SKIP: " + why)
    sys.exit(SKIP)


if os.environ.get("LIBGEO_SANITIZE", "").upper() in ("1", "ON", "TRUE", "YES"):
    skip("sanitized build: libgeo.so needs the ASan runtime preloaded into python")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.append("/usr/share/qgis/python/plugins")  # Debian's processing plugin
try:
    from qgis.core import (QgsApplication, QgsFeatureRequest, QgsProcessingException,
                           QgsProject, QgsVectorLayer)
except ImportError as e:
    skip("QGIS Python bindings not installed (apt-get install python3-qgis): %s" % e)

SRC = os.environ.get("LIBGEO_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
GEOPLAN = os.environ["GEOPLAN_BIN"]
sys.path.insert(0, os.path.join(SRC, "plugins", "qgis"))

app = QgsApplication([], False)
app.initQgis()
from processing.core.Processing import Processing  # noqa: E402 (needs the application)
import processing  # noqa: E402
from libgeo_qgis.provider import LibgeoProvider  # noqa: E402

Processing.initialize()
provider = LibgeoProvider()  # keep a reference: the registry does not own Python objects
QgsApplication.processingRegistry().addProvider(provider)

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL: " + what)


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def geoplan(*args):
    p = subprocess.run([GEOPLAN] + list(args), capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("geoplan %s: %s" % (" ".join(args), p.stderr))
    return p.stdout


def null(v):
    return None if v is None or (hasattr(v, "isNull") and v.isNull()) else v


def gpkg_rows(path, layer):
    """Rows of a result layer as lists of values after id and name."""
    vl = QgsVectorLayer("%s|layername=%s" % (path, layer), layer, "ogr")
    assert vl.isValid(), "%s: no layer %s" % (path, layer)
    names = [f.name() for f in vl.fields()]
    start = names.index("name") + 1
    return [[f["id"], f["name"]] + [null(v) for v in f.attributes()[start:]]
            for f in vl.getFeatures()]


def compare_table(label, cli_rows, gpkg, layer):
    """CLI JSON rows {id, name, column...} against a GeoPackage layer, by
    column position (the GeoPackage's field names are made safe)."""
    ours = gpkg_rows(gpkg, layer)
    check(len(ours) == len(cli_rows), "%s %s: %d rows, CLI %d" % (label, layer, len(ours),
                                                                  len(cli_rows)))
    for mine, theirs in zip(ours, cli_rows):
        # the columns: every member after id and name but text (screen's verdict)
        columns = [k for k, v in list(theirs.items())[2:] if not isinstance(v, str)]
        if str(mine[0]) != str(theirs["id"]) or len(mine) != len(columns) + 2:
            return check(False, "%s %s: row %s with %d columns, CLI %s with %d" % (
                label, layer, mine[0], len(mine) - 2, theirs["id"], len(columns)))
        for a, column in zip(mine[2:], columns):
            if not same(a, theirs[column]):
                return check(False, "%s %s row %s column %s: %r, CLI %r"
                             % (label, layer, theirs["id"], column, a, theirs[column]))


def compare_result(label, results, cli):
    out = results["OUTPUT"]
    compare_table(label, cli["zones"], out, "zones") if cli.get("zones") else None
    compare_table(label, [cli["total"]], out, "total")
    for name, rows in cli.get("details", {}).items():
        compare_table(label, rows, out, name)
    value = results.get("VALUE", results.get("CONFLICTS"))
    check(same(value, cli["total"]["value"]), "%s: output VALUE %r, CLI %r"
          % (label, value, cli["total"]["value"]))
    print("ok %s: total %r" % (label, cli["total"]["value"]))


tmp = tempfile.mkdtemp(prefix="qgis_plugin.", dir=os.environ.get("LIBGEO_TEST_TMP"))
W = os.path.join(tmp, "city")
geoplan("demo", "--out", W, "--scale", "S", "--seed", "1")
shp = lambda n: os.path.join(W, n + ".shp")


def filtered(name, where):
    """A project layer with a filter (subset string): the plugin's WHERE."""
    vl = QgsVectorLayer(shp(name), name, "ogr")
    assert vl.isValid() and vl.setSubsetString(where)
    return vl


def memory(name, where):
    """A memory layer (no file behind it): the plugin writes it out first."""
    vl = filtered(name, where)
    mem = vl.materialize(QgsFeatureRequest())
    assert mem.providerType() == "memory" and mem.featureCount() == vl.featureCount()
    return mem


FOREST = "kind <> '乔木林地' OR canopy >= 0.2"
CASES = [
    ("lengthdensity", {"LINES": shp("roads"), "CLASS_FIELD": "class", "UNDIRECTED": True},
     ["length-density", "--lines", shp("roads"), "--class-field", "class", "--undirected"]),
    ("lengthshare", {"LINES": shp("roads"), "CLASS_FIELD": "class",
                     "CLASSES": "expressway,arterial"},
     ["length-share", "--lines", shp("roads"), "--class-field", "class",
      "--classes", "expressway,arterial"]),
    ("areashare", {"COVER": filtered("forest", FOREST), "POPULATION_FIELD": "pop"},
     ["area-share", "--cover", shp("forest"), "--where", FOREST, "--population-field", "pop"]),
    ("count", {"POINTS": filtered("facilities", "kind = '托育机构'"), "WEIGHT_FIELD": "capacity",
               "POPULATION_FIELD": "pop", "PER": 1000, "MIN_COUNT": 2},
     ["count", "--points", shp("facilities"), "--where", "kind = '托育机构'",
      "--weight-field", "capacity", "--population-field", "pop", "--per", "1000",
      "--min-count", "2"]),
    ("perarea", {"PARCELS": filtered("landuse", "code = 'M'"), "VALUE_FIELD": "tax_wan",
                 "AREA_FIELD": "area_m2", "AREA_UNIT": 0},
     ["per-area", "--parcels", shp("landuse"), "--where", "code = 'M'", "--value", "tax_wan",
      "--area-field", "area_m2", "--area-unit", "m2"]),
    ("coverage", {"FACILITIES": shp("parks"), "TARGET": memory("landuse", "code = 'R'")},
     ["coverage", "--facilities", shp("parks"), "--target", shp("landuse"),
      "--where", "code = 'R'"]),
    ("overlap", {"SITES": shp("sites"), "CONTROL": shp("control"), "TOLERANCE_M2": 1},
     ["overlap", "--sites", shp("sites"), "--control", shp("control"), "--tolerance", "1"]),
    ("far", {"PARCELS": shp("landuse"), "BUILDINGS": shp("buildings"), "MIN_FAR": "1.5"},
     ["far", "--parcels", shp("landuse"), "--buildings", shp("buildings"), "--min-far", "1.5"]),
    ("landstock", {"APPROVALS": shp("approvals"), "SUPPLY": shp("supply"),
                   "YEARS": "2022,2023,2024"},
     ["land-stock", "--approvals", shp("approvals"), "--supply", shp("supply"),
      "--years", "2022,2023,2024"]),
]

for alg, params, cli in CASES:
    params = dict(params, ZONES=shp("streets"), OUTPUT=os.path.join(tmp, alg + ".gpkg"))
    results = processing.run("libgeo:" + alg, params)
    reference = json.loads(geoplan("measure", cli[0], "--zones", shp("streets"), *cli[1:],
                                   "--format", "json"))
    compare_result(alg, results, reference)

# screen: the whole area, no zones
results = processing.run("libgeo:screen", {"SITES": shp("sites"), "CONTROL": shp("control"),
                                           "TOLERANCE_M2": 1,
                                           "OUTPUT": os.path.join(tmp, "screen.gpkg")})
compare_result("screen", results, json.loads(geoplan(
    "screen", shp("sites"), "--control", shp("control"), "--tolerance", "1", "--format", "json")))
check(results["SITES"] == 273, "screen: SITES %r" % results["SITES"])


# evaluate and efficiency: the same files as the CLI's; result layers loaded
def compare_json(label, mine, theirs):
    with open(mine, encoding="utf-8") as f, open(theirs, encoding="utf-8") as g:
        a, b = json.load(f), json.load(g)
    check(a == b or json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True),
          "%s: %s differs from the CLI's" % (label, os.path.basename(mine)))


before = len(QgsProject.instance().mapLayers())
out = os.path.join(tmp, "eval_qgis")
results = processing.runAndLoadResults("libgeo:evaluate", {
    "PROJECT": os.path.join(W, "project.yaml"), "OUTPUT": out})
geoplan("evaluate", os.path.join(W, "project.yaml"), "--out", os.path.join(tmp, "eval_cli"))
compare_json("evaluate", os.path.join(out, "indicators.json"),
             os.path.join(tmp, "eval_cli", "indicators.json"))
loaded = len(QgsProject.instance().mapLayers()) - before
check(loaded >= 2, "evaluate: %d layers of results.gpkg loaded into the project" % loaded)
print("ok evaluate: %d layers loaded, %r binding targets missed"
      % (loaded, results["BINDING_MISSED"]))

demo = os.path.join(SRC, "layers", "efficiency", "demo.yaml")
out = os.path.join(tmp, "eff_qgis")
results = processing.run("libgeo:efficiency", {"CONFIG": demo, "DATA": W, "OUTPUT": out})
geoplan("efficiency", demo, "--data", W, "--out", os.path.join(tmp, "eff_cli"))
for f in ("enterprises.json", "zones_street.json", "zones_district.json"):
    compare_json("efficiency", os.path.join(out, f), os.path.join(tmp, "eff_cli", f))
print("ok efficiency: classes %s" % {k: v for k, v in results.items() if k.startswith("CLASS_")})

# a library error is a Processing error carrying the library's message
p = subprocess.run([GEOPLAN, "measure", "per-area", "--zones", shp("streets"), "--parcels",
                    shp("landuse"), "--value", "no_such_field"], capture_output=True, text=True)
cli_message = p.stderr.strip().split("error: ", 1)[-1]
try:
    processing.run("libgeo:perarea", {"ZONES": shp("streets"), "PARCELS": shp("landuse"),
                                      "VALUE_FIELD": "no_such_field",
                                      "OUTPUT": os.path.join(tmp, "bad.gpkg")})
    check(False, "a missing field did not fail")
except QgsProcessingException as e:
    check(p.returncode == 3 and str(e) == cli_message,
          "error message %r, CLI's %r" % (str(e), cli_message))
    check(not os.path.exists(os.path.join(tmp, "bad.gpkg")), "a failed run left its output")
    print("ok error: %s" % e)

# the zip of package.sh, with the library bundled: found next to the plugin
dist = os.path.join(tmp, "dist")
subprocess.run(["bash", os.path.join(SRC, "plugins", "qgis", "package.sh"), "--out", dist,
                "--with-lib", os.environ["LIBGEO_LIBRARY"]], check=True, stdout=subprocess.DEVNULL)
zips = [f for f in os.listdir(dist) if f.endswith(".zip")]
shutil.unpack_archive(os.path.join(dist, zips[0]), os.path.join(dist, "plugins"))
env = {k: v for k, v in os.environ.items() if k != "LIBGEO_LIBRARY"}
p = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                    "from libgeo_qgis import binding, classFactory; print(binding.library_path())",
                    os.path.join(dist, "plugins")], capture_output=True, text=True, env=env)
check(p.stdout.strip() == os.path.join(dist, "plugins", "libgeo_qgis", "libgeo.so.0"),
      "the zip's plugin loads %r (%s)" % (p.stdout.strip(), p.stderr.strip()))
print("ok package: %s" % zips[0])

# Layers and the provider go before the application (else python crashes on exit).
del CASES, params, results
QgsProject.instance().clear()
QgsApplication.processingRegistry().removeProvider(provider)
app.exitQgis()
if failures:
    print("%d failure(s)" % len(failures))
    sys.exit(1)
shutil.rmtree(tmp)
print("all algorithms agree with the CLI")
