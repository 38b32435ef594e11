"""The base classes of the libgeo algorithms and their parameter table.

An algorithm is declared, not coded: a list of parameter specs (Input,
Field, Number, Text, Enum, Flag, File).  Each spec makes its QGIS parameter
and, when it carries a libgeo option KEY, turns the user's value into
"KEY=VALUE" (nothing when left empty: the library's default applies, as
when the CLI flag is not given).
"""
import os
import tempfile

from qgis.core import (QgsProcessing, QgsProcessingAlgorithm, QgsProcessingContext,
                       QgsProcessingException, QgsProcessingOutputNumber,
                       QgsProcessingParameterCrs, QgsProcessingParameterDefinition,
                       QgsProcessingParameterEnum, QgsProcessingParameterField,
                       QgsProcessingParameterFile, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterString,
                       QgsProcessingParameterBoolean, QgsProcessingParameterVectorLayer,
                       QgsProcessingUtils, QgsProviderRegistry, QgsVectorFileWriter,
                       QgsVectorLayer)
from qgis.PyQt.QtGui import QIcon

from .. import binding

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "icon.svg")

POINT, LINE, POLYGON, ANY = (QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorLine,
                             QgsProcessing.TypeVectorPolygon,
                             QgsProcessing.TypeVectorAnyGeometry)


def _empty(value):
    return value is None or value == "" or (hasattr(value, "isNull") and value.isNull())


# --------------------------------------------------------------------------
# Parameter specs

class Spec:
    """One parameter: name, "English 中文" description, libgeo option key."""

    def __init__(self, name, en, zh, key=None, optional=True, advanced=False):
        self.name, self.key, self.optional, self.advanced = name, key, optional, advanced
        self.description = "%s %s" % (en, zh)

    def parameter(self):
        p = self.make()
        if self.advanced:
            p.setFlags(p.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
        return p

    def value(self, alg, parameters, context):
        """The option's text, or None when not given."""
        raise NotImplementedError

    def option(self, alg, parameters, context):
        v = self.value(alg, parameters, context) if self.key else None
        return None if _empty(v) else "%s=%s" % (self.key, v)


class Input(Spec):
    """A vector layer of the project (or a file) read through lg_layer_open."""

    def __init__(self, name, en, zh, types=(ANY,), optional=False):
        super().__init__(name, en, zh, optional=optional)
        self.types = list(types)

    def make(self):
        return QgsProcessingParameterVectorLayer(self.name, self.description, self.types,
                                                 optional=self.optional)

    def value(self, alg, parameters, context):
        return alg.parameterAsVectorLayer(parameters, self.name, context)


class Field(Spec):
    def __init__(self, name, en, zh, key, parent, numeric=False, optional=True):
        super().__init__(name, en, zh, key, optional)
        self.parent = parent
        self.type = QgsProcessingParameterField.Numeric if numeric else \
            QgsProcessingParameterField.Any

    def make(self):
        return QgsProcessingParameterField(self.name, self.description, None, self.parent,
                                           self.type, optional=self.optional)

    def value(self, alg, parameters, context):
        fields = alg.parameterAsFields(parameters, self.name, context)
        return fields[0] if fields else None


class Text(Spec):
    def make(self):
        return QgsProcessingParameterString(self.name, self.description, optional=self.optional)

    def value(self, alg, parameters, context):
        return alg.parameterAsString(parameters, self.name, context)


class Number(Spec):
    """A number (the unit is in the description); no default: the library's."""

    def __init__(self, name, en, zh, key, integer=False, minimum=0, advanced=False):
        super().__init__(name, en, zh, key, True, advanced)
        self.integer, self.minimum = integer, minimum

    def make(self):
        t = QgsProcessingParameterNumber.Integer if self.integer else \
            QgsProcessingParameterNumber.Double
        return QgsProcessingParameterNumber(self.name, self.description, t, None, True,
                                            self.minimum)

    def value(self, alg, parameters, context):
        if _empty(parameters.get(self.name)):
            return None
        if self.integer:
            return str(alg.parameterAsInt(parameters, self.name, context))
        return "%.17g" % alg.parameterAsDouble(parameters, self.name, context)


class Enum(Spec):
    """A choice among the library's values (labels may add a translation)."""

    def __init__(self, name, en, zh, key, values, labels=None, advanced=False):
        super().__init__(name, en, zh, key, True, advanced)
        self.values, self.labels = values, labels or values

    def make(self):
        return QgsProcessingParameterEnum(self.name, self.description, self.labels,
                                          optional=True)

    def value(self, alg, parameters, context):
        if _empty(parameters.get(self.name)):
            return None
        return self.values[alg.parameterAsEnum(parameters, self.name, context)]


class Flag(Spec):
    """A yes/no option, passed as KEY=yes when checked."""

    def make(self):
        return QgsProcessingParameterBoolean(self.name, self.description, False, True)

    def value(self, alg, parameters, context):
        return "yes" if alg.parameterAsBoolean(parameters, self.name, context) else None


class File(Spec):
    def __init__(self, name, en, zh, key=None, extension="", optional=True, folder=False):
        super().__init__(name, en, zh, key, optional)
        self.extension, self.folder = extension, folder

    def make(self):
        behavior = QgsProcessingParameterFile.Folder if self.folder else \
            QgsProcessingParameterFile.File
        return QgsProcessingParameterFile(self.name, self.description, behavior,
                                          self.extension, optional=self.optional)

    def value(self, alg, parameters, context):
        return alg.parameterAsFile(parameters, self.name, context) or None


THREADS = Number("THREADS", "Worker threads (0 = all cores)", "工作线程数（0 为全部核心）", None,
                 integer=True, advanced=True)

# How every input is read (the CLI's layer-reading flags).
READING = [
    Text("ENCODING", "Text encoding of the attributes (empty: .cpg / DBF header, else guessed)",
         "属性文字编码（空：按 .cpg 或 DBF 头判断）", "ENCODING", advanced=True),
    Enum("DATUM", "Web-map offset of lon/lat data", "经纬度数据的网络地图偏移", "DATUM",
         ["none", "gcj02", "bd09"], ["none 无", "gcj02 (AMap/DataV/Tencent 高德/腾讯)",
                                     "bd09 (Baidu 百度)"], advanced=True),
    Enum("INVALID", "Invalid geometries (default: stop with an error)",
         "无效几何（默认：报错停止）", "INVALID", ["stop", "skip", "fix", "keep"],
         ["stop 报错", "skip 跳过", "fix 修复 (make-valid)", "keep 保留"], advanced=True),
]


# --------------------------------------------------------------------------
# Layers of the project -> lg_layer_open

def layer_source(layer, feedback):
    """(source, {LAYER, WHERE}) for lg_layer_open from a QGIS vector layer.

    OGR layers (files, GeoPackage layers) are read in place, their subset
    string (the layer's filter) being the WHERE option; any other provider
    (memory, PostGIS, delimited text, a filter that is a whole SELECT) is
    first written to a temporary GeoPackage, filter applied."""
    subset = layer.subsetString()
    if layer.providerType() == "ogr" and not subset.lstrip().upper().startswith("SELECT"):
        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        if parts.get("layerName") or parts.get("layerId") in (None, 0):
            return parts["path"], {"LAYER": parts.get("layerName"), "WHERE": subset}
    path = os.path.join(tempfile.mkdtemp(dir=QgsProcessingUtils.tempFolder()), "layer.gpkg")
    feedback.pushInfo("writing %s to %s (libgeo reads files and databases through GDAL)"
                      % (layer.name(), path))
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName, opts.layerName, opts.fileEncoding = "GPKG", "layer", "UTF-8"
    err, msg = QgsVectorFileWriter.writeAsVectorFormatV3(
        layer, path, layer.transformContext(), opts)[:2]
    if err != QgsVectorFileWriter.NoError:
        raise QgsProcessingException("cannot write %s: %s" % (layer.name(), msg))
    return path, {"LAYER": "layer"}


# --------------------------------------------------------------------------
# Algorithms

class LibgeoAlgorithm(QgsProcessingAlgorithm):
    """Name, titles, help and the parameter table; work() does it in a
    libgeo context, whose errors become QgsProcessingException."""

    NAME = ""
    TITLE = ("", "")            # English, 中文
    HELP = ("", "")             # English, 中文
    GROUP = ("measure", "Indicators 指标测算")

    def params(self):
        return []

    def name(self):
        return self.NAME

    def displayName(self):
        return "%s %s" % self.TITLE

    def group(self):
        return self.GROUP[1]

    def groupId(self):
        return self.GROUP[0]

    def shortHelpString(self):
        return "%s<br><br>%s" % (self.HELP[1], self.HELP[0])

    def icon(self):
        return QIcon(ICON)

    def createInstance(self):
        return type(self)()

    def initAlgorithm(self, config=None):
        for spec in self.params():
            self.addParameter(spec.parameter())
        for name, en, zh in self.NUMBERS:
            self.addOutput(QgsProcessingOutputNumber(name, "%s %s" % (en, zh)))

    NUMBERS = ()  # numeric outputs: (name, English, 中文)

    def processAlgorithm(self, parameters, context, feedback):
        warnings = []  # the library may warn from its worker threads: report after
        threads = alg_threads(self, parameters, context)
        progress = lambda f, what: (feedback.setProgress(100 * f), not feedback.isCanceled())[1]
        try:
            with binding.Context(threads, warnings.append, progress) as ctx:
                try:
                    return self.work(ctx, parameters, context, feedback)
                finally:
                    for w in warnings:
                        feedback.pushWarning(w)
        except binding.LibgeoError as e:
            raise QgsProcessingException(str(e))

    def work(self, ctx, parameters, context, feedback):
        raise NotImplementedError

    @staticmethod
    def load_layers(ctx, path, context, prefix):
        """Load the spatial layers of a GeoPackage into the project when the
        algorithm completes; a layer_styles table in it styles them."""
        for name in ctx.source_layers(path):
            layer = QgsVectorLayer("%s|layername=%s" % (path, name), "%s %s" % (prefix, name),
                                   "ogr")
            if not layer.isValid() or not layer.isSpatial():
                continue
            context.temporaryLayerStore().addMapLayer(layer)
            context.addLayerToLoadOnCompletion(layer.id(), QgsProcessingContext.LayerDetails(
                layer.name(), context.project(), name))


def alg_threads(alg, parameters, context):
    return 0 if _empty(parameters.get("THREADS")) else \
        alg.parameterAsInt(parameters, "THREADS", context)


class LayerAlgorithm(LibgeoAlgorithm):
    """Layers in, one lg_result out (a GeoPackage loaded into the project).

    INPUTS are the layer parameters in the order the C function takes them;
    OPTIONS the specs giving its KEY=VALUE options."""

    INPUTS = ()
    OPTIONS = ()
    NUMBERS = (("VALUE", "Value of the whole area", "全域值"),)

    def params(self):
        out = QgsProcessingParameterFileDestination(
            "OUTPUT", "Result 结果 (GeoPackage)", "GeoPackage (*.gpkg)")
        return self.front() + list(self.INPUTS) + list(self.OPTIONS) + READING + [
            WorkingCrs(), THREADS, Given(out)]

    def front(self):
        return []

    def open_inputs(self, ctx, parameters, context, feedback, inputs):
        reading = {s.key: s.value(self, parameters, context) for s in READING}
        handles = []
        for spec in inputs:
            layer = spec.value(self, parameters, context)
            if layer is None:
                if not spec.optional:
                    raise QgsProcessingException("%s: no layer" % spec.description)
                handles.append(None)
                continue
            source, opts = layer_source(layer, feedback)
            handles.append(ctx.open_layer(source, **opts, **reading))
        return handles

    def work(self, ctx, parameters, context, feedback):
        inputs = self.front()[:1] + list(self.INPUTS)
        handles = self.open_inputs(ctx, parameters, context, feedback, inputs)
        crs = parameters.get("CRS")
        crs = self.parameterAsCrs(parameters, "CRS", context).authid() if not _empty(crs) \
            else None
        working = ctx.load([h for h in handles if h], crs)
        options = [o for o in (s.option(self, parameters, context) for s in self.OPTIONS) if o]
        result = self.compute(ctx, parameters, context, handles, options)
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        ctx.write_gpkg(result, working.wkt, out)
        for w in result.warnings:
            feedback.pushWarning(w)
        feedback.pushInfo("%s: %s %s in %s (total)" % (result.kernel, result.total["value"],
                                                       result.unit, result.crs))
        self.load_layers(ctx, out, context, result.kernel)
        return dict(self.numbers(result), OUTPUT=out)

    def numbers(self, result):
        return {"VALUE": result.total["value"]}

    def compute(self, ctx, parameters, context, handles, options):
        raise NotImplementedError


class WorkingCrs(Spec):
    def __init__(self):
        super().__init__("CRS", "Working CRS in metres (default: the data's projected CRS, else "
                         "the CGCS2000 3-degree zone)", "工作坐标系（默认：数据的投影坐标系，否则 CGCS2000 "
                         "3 度带）", advanced=True)

    def make(self):
        return QgsProcessingParameterCrs(self.name, self.description, optional=True)


class Given(Spec):
    """A ready-made QGIS parameter."""

    def __init__(self, parameter):
        super().__init__(parameter.name(), "", "")
        self.p = parameter

    def make(self):
        return self.p


ZONES = Input("ZONES", "Zones (districts, streets …)", "统计单元（区、街道等）", [POLYGON])
ZONE_SPECS = [
    ZONES,
    Field("ZONE_FIELD", "Zone id field (default: code, id, adcode, zid, else the FID)",
          "单元编码字段", None, "ZONES"),
    Field("ZONE_NAME_FIELD", "Zone name field (default: name, 名称, NAME, zname)",
          "单元名称字段", None, "ZONES"),
]


class KernelAlgorithm(LayerAlgorithm):
    """One kernel of lg_measure.h / lg_land.h per zone: KIND names it."""

    KIND = ""

    def front(self):
        return list(ZONE_SPECS)

    def compute(self, ctx, parameters, context, handles, options):
        field = lambda n: ZONE_SPECS[1 if n == "id" else 2].value(self, parameters, context)
        zones = ctx.zones(handles[0], field("id"), field("name"))
        return ctx.kernel(self.KIND, zones, handles[1:], options)
