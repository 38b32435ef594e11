"""Screening, evaluation of a project file and 亩均效益 scoring."""
import os

from qgis.core import QgsProcessingOutputFile, QgsProcessingParameterFolderDestination

from .base import THREADS, File, Given, LayerAlgorithm, LibgeoAlgorithm, Number
from .kernels import BOUNDARY, CONTROL, SITES, overlap_options

WORKFLOWS = ("workflow", "Evaluation 评估")


class Screen(LayerAlgorithm):
    NAME = "screen"
    TITLE = ("Screen sites against the control lines", "项目选址三线占用筛查")
    GROUP = WORKFLOWS
    HELP = ("Per site, for the whole area: its area in every control class (生态保护红线, "
            "永久基本农田 …; each class dissolved), its area outside the development boundary, "
            "and the verdict. Areas in a conflict class or outside the boundary of at most the "
            "tolerance (default 1 m²) are slivers: dropped, no conflict. Layer 'sites' has "
            "conflict (1/0) and conflict:<class> columns.",
            "全域逐个项目选址：位于各类管控区（生态保护红线、永久基本农田等，同类先合并）内的面积、"
            "开发边界外的面积及结论。冲突类别内或边界外面积不超过容差（默认 1 m²）的视为碎片，"
            "剔除且不算冲突。图层 sites 含 conflict（1/0）及 conflict:<类别> 字段。")
    INPUTS = (SITES, CONTROL, BOUNDARY)
    OPTIONS = overlap_options()
    NUMBERS = (("CONFLICTS", "Sites in conflict", "冲突项目数"), ("SITES", "Sites", "项目数"))

    def compute(self, ctx, parameters, context, handles, options):
        return ctx.screen(*handles, options)

    def numbers(self, result):
        return {"CONFLICTS": result.total["value"], "SITES": result.total["denominator"]}


class FolderAlgorithm(LibgeoAlgorithm):
    """A YAML file in, a folder of results out (its GeoPackage loaded)."""

    GROUP = WORKFLOWS
    GPKG = ""

    def params(self):
        return self.FILES + [THREADS, Given(QgsProcessingParameterFolderDestination(
            "OUTPUT", "Output folder 输出文件夹"))]

    def initAlgorithm(self, config=None):
        super().initAlgorithm(config)
        self.addOutput(QgsProcessingOutputFile("GPKG", "GeoPackage"))

    def work(self, ctx, parameters, context, feedback):
        out = self.parameterAsString(parameters, "OUTPUT", context)
        os.makedirs(out, exist_ok=True)
        value = lambda name: dict((s.name, s) for s in self.FILES)[name].value(
            self, parameters, context)
        numbers = self.write(ctx, value, out, feedback.pushWarning)
        gpkg = os.path.join(out, self.GPKG)
        self.load_layers(ctx, gpkg, context, self.NAME)
        return dict(numbers, OUTPUT=out, GPKG=gpkg)


class Evaluate(FolderAlgorithm):
    NAME = "evaluate"
    TITLE = ("Evaluate a plan (project file)", "规划指标评估（项目文件）")
    HELP = ("Runs a project file (geoplan evaluate): every indicator of the included target "
            "sets at every zone level, compared with its target. Writes indicators.csv, "
            "indicators.json, results.gpkg and report.md into the folder and loads the layers of "
            "results.gpkg. Layer paths in the project are relative to the project file.",
            "运行项目文件（同 geoplan evaluate）：对所含目标集的每个指标在各级单元测算并与目标比较，"
            "在输出文件夹写出 indicators.csv、indicators.json、results.gpkg 和 report.md，"
            "并加载 results.gpkg 的图层。项目文件中的图层路径相对于项目文件。")
    FILES = [File("PROJECT", "Project file", "项目文件", extension="yaml", optional=False),
             File("TARGET_PATH", "More target-set folders", "其他目标集文件夹", folder=True)]
    NUMBERS = (("BINDING_MISSED", "Binding targets not met", "未达标的约束性指标"),)
    GPKG = "results.gpkg"

    def write(self, ctx, value, out, warn):
        r = ctx.evaluate(value("PROJECT"), out, value("TARGET_PATH"), warn)
        return {"BINDING_MISSED": r["binding_missed"]}


class Efficiency(FolderAlgorithm):
    NAME = "efficiency"
    TITLE = ("Land efficiency of enterprises (亩均效益)", "亩均效益评价")
    HELP = ("Scores and classes an enterprise register by an efficiency config (geoplan "
            "efficiency; default formulas: 黄岩 2023), per firm and per zone. Writes "
            "enterprises.csv/json, zones_<level>.csv/json and efficiency.gpkg, whose layers are "
            "loaded.",
            "按亩均效益配置文件（同 geoplan efficiency；默认黄岩 2023 年办法）对企业评分分类，"
            "并按单元汇总；写出 enterprises.csv/json、zones_<级别>.csv/json 和 efficiency.gpkg，"
            "并加载其图层。")
    FILES = [File("CONFIG", "Efficiency config", "亩均效益配置文件", extension="yaml",
                  optional=False),
             File("DATA", "Data folder (layer paths are relative to it)", "数据文件夹", folder=True),
             Number("YEAR", "Evaluation year", "评价年度", None, integer=True),
             File("CONFIG_PATH", "More config folders", "其他配置文件夹", folder=True)]
    NUMBERS = tuple(("CLASS_" + c, "Firms of class " + c, c + " 类企业数")
                    for c in ("A", "B", "C", "D", "T", "N"))
    GPKG = "efficiency.gpkg"

    def write(self, ctx, value, out, warn):
        r = ctx.efficiency(value("CONFIG"), out, value("DATA"), value("YEAR"),
                           value("CONFIG_PATH"), warn)
        return {"CLASS_" + c: n for c, n in r["classes"].items()}
