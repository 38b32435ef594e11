"""One algorithm per kernel (lg_measure.h, lg_land.h): the table of their
inputs and options.  Option keys and defaults are the library's; the CLI's
flag for each is `geoplan measure KIND --help`."""
from .base import (ANY, LINE, POINT, POLYGON, Enum, Field, File, Flag, Input,
                   KernelAlgorithm, Number, Text)


def undirected():
    return Flag("UNDIRECTED", "Count a line and its exact reverse once (directed road graphs)",
                "正反向重复的线只计一次（有向路网）", "UNDIRECTED")


def population():
    return Field("POPULATION_FIELD", "Population field of the zones", "单元人口字段",
                 "POPULATION_FIELD", "ZONES", numeric=True)


class LengthDensity(KernelAlgorithm):
    NAME, KIND = "lengthdensity", "length-density"
    TITLE = ("Length density (road-network density)", "线密度（路网密度）")
    HELP = ("Kilometres of lines per km² of each zone and of the whole area (km/km²). With a "
            "denominator layer (e.g. the built-up area) lines and area are both taken within "
            "zone ∩ denominator. A class field adds a km:<class> column per class.",
            "各统计单元及全域内线要素长度（千米）÷ 面积（平方千米），单位 km/km²。给出分母图层（如建成区）时，"
            "线长与面积都在单元与分母的交集内计算。按分类字段另给出各类长度 km:<类>。")
    INPUTS = (Input("LINES", "Lines (roads …)", "线图层（道路等）", [LINE]),
              Input("DENOMINATOR", "Denominator area (built-up area)", "分母范围（建成区）",
                    [POLYGON], optional=True))
    OPTIONS = (Field("CLASS_FIELD", "Class field (km per class)", "分类字段（分类长度）",
                     "CLASS_FIELD", "LINES"),
               undirected())


class LengthShare(KernelAlgorithm):
    NAME, KIND = "lengthshare", "length-share"
    TITLE = ("Length share (natural shoreline …)", "长度占比（自然岸线保有率等）")
    HELP = ("Length of the lines of the chosen classes ÷ length of all lines in each zone (%).",
            "所选类别线长 ÷ 单元内全部线长（%），如自然岸线保有率。")
    INPUTS = (Input("LINES", "Lines", "线图层", [LINE]),)
    OPTIONS = (Field("CLASS_FIELD", "Class field", "分类字段", "CLASS_FIELD", "LINES",
                     optional=False),
               Text("CLASSES", "Classes counted in the numerator (a,b,c)", "计入分子的类别（逗号分隔）",
                    "CLASSES", optional=False),
               undirected())


class AreaShare(KernelAlgorithm):
    NAME, KIND = "areashare", "area-share"
    TITLE = ("Area share (forest cover …)", "面积占比（森林覆盖率等）")
    HELP = ("Area of the union of the cover polygons in each zone ÷ zone area (or ÷ the "
            "denominator's area in the zone), in %. The cover is dissolved first: overlapping "
            "polygons never count twice. With a population field: covered m² per person.",
            "覆盖图层合并（重叠只计一次）后在单元内的面积 ÷ 单元面积（或分母范围面积），单位 %。"
            "给出人口字段时另计人均面积（m²/人）。")
    INPUTS = (Input("COVER", "Cover polygons (forest …)", "覆盖面图层（林地等）", [POLYGON]),
              Input("DENOMINATOR", "Denominator area", "分母范围", [POLYGON], optional=True))
    OPTIONS = (population(),)


class Count(KernelAlgorithm):
    NAME, KIND = "count", "count"
    TITLE = ("Count (facilities per zone)", "计数（设施数量）")
    HELP = ("Points (or polygon centroids) per zone; a point on a shared boundary counts once, "
            "in the first zone. Optional weight field (beds, places), population field of the "
            "zones and 'per' (per how many people, default 1000), minimum count (default 1).",
            "各单元内点（面要素取质心）的数量；位于公共边界上的点只计入第一个单元。可选权重字段"
            "（床位、托位）、单元人口字段与每多少人（默认 1000），最少数量（默认 1）。")
    INPUTS = (Input("POINTS", "Points (or polygons)", "点图层（或面图层）", [ANY]),)
    OPTIONS = (Field("WEIGHT_FIELD", "Weight field", "权重字段", "WEIGHT_FIELD", "POINTS",
                     numeric=True),
               population(),
               Number("PER", "Per how many people (default 1000)", "每多少人（默认 1000）", "PER"),
               Number("MIN_COUNT", "Minimum count (default 1)", "最少数量（默认 1）", "MIN_COUNT",
                      integer=True))


class PerArea(KernelAlgorithm):
    NAME, KIND = "perarea", "per-area"
    TITLE = ("Per mu (tax per mu …)", "亩均（亩均税收等）")
    HELP = ("Sum of a parcel attribute per zone ÷ land in mu (1 mu = 10000/15 m²); parcels "
            "across a zone boundary are split by area share. Land from an area field (e.g. the "
            "certificate area), else the geometry. Parcels whose value is NULL are left out.",
            "各单元地块属性合计 ÷ 用地面积（亩，1 亩 = 10000/15 m²），跨界地块按面积比例分摊。"
            "用地面积取面积字段（如证载面积），否则取图形面积。值为空的地块不参与计算。")
    INPUTS = (Input("PARCELS", "Parcels", "地块图层", [POLYGON]),)
    OPTIONS = (Field("VALUE_FIELD", "Value field (tax, output, 万元)", "数值字段（税收、产值，万元）",
                     "VALUE_FIELD", "PARCELS", numeric=True, optional=False),
               Field("AREA_FIELD", "Land area field", "用地面积字段", "AREA_FIELD", "PARCELS",
                     numeric=True),
               Enum("AREA_UNIT", "Unit of the area field (default m²)", "面积字段单位（默认 m²）",
                    "AREA_UNIT", ["m2", "mu", "ha"], ["m² 平方米", "mu 亩", "ha 公顷"]),
               Field("FLOOR_FIELD", "Floor area field (m², adds FAR)", "建筑面积字段（m²，另计容积率）",
                     "FLOOR_FIELD", "PARCELS", numeric=True))


class Coverage(KernelAlgorithm):
    NAME, KIND = "coverage", "coverage"
    TITLE = ("Service-radius coverage (parks …)", "服务半径覆盖率（公园绿地等）")
    HELP = ("Share of the target (residential land: area; points: count or weight) within the "
            "service radius of the facilities, per zone (%). Radius by a rules file (lines "
            "'min_m2 max_m2 radius_m [kinds]'), one radius, or by default the 2021 城市体检 rule "
            "(≥ 5000 m² → 500 m, 2000–5000 m² → 300 m). Detail layer 'uncovered': the blind spots.",
            "各单元目标（居住用地按面积，点按数量或权重）位于设施服务半径内的比例（%）。半径来自规则文件"
            "（每行“最小面积 最大面积 半径 [类型]”）、统一半径，或默认的 2021 年城市体检规则"
            "（≥5000 m² 为 500 m，2000–5000 m² 为 300 m）。明细图层 uncovered 为服务盲区。")
    INPUTS = (Input("FACILITIES", "Facilities (parks …)", "设施图层（公园等）", [ANY]),
              Input("TARGET", "Target (residential land, population points)",
                    "服务对象（居住用地、人口点）", [POLYGON, POINT]))
    OPTIONS = (File("RULES", "Radius rules file", "服务半径规则文件", "RULES"),
               Number("RADIUS", "One service radius for all (m)", "统一服务半径（米）", "RADIUS"),
               Field("KIND_FIELD", "Facility kind field (for the rules' kinds)", "设施类型字段",
                     "KIND_FIELD", "FACILITIES"),
               Field("SIZE_FIELD", "Facility area field (m²)", "设施面积字段（m²）", "SIZE_FIELD",
                     "FACILITIES", numeric=True),
               Field("WEIGHT_FIELD", "Weight of point targets (population)", "点目标权重字段（人口）",
                     "WEIGHT_FIELD", "TARGET", numeric=True),
               Number("SEGMENTS", "Buffer segments per quarter circle (default 8)",
                      "缓冲区每四分之一圆的分段数（默认 8）", "SEGMENTS", integer=True,
                      advanced=True))


def overlap_options():
    return (Field("CLASS_FIELD", "Control class field (default kind)", "管控分类字段（默认 kind）",
                  "CLASS_FIELD", "CONTROL"),
            Number("TOLERANCE_M2", "Tolerance (m², default 1)", "容差（平方米，默认 1）",
                   "TOLERANCE_M2"),
            Text("CONFLICT_CLASSES", "Conflict classes (a,b; default all but the boundary's)",
                 "冲突类别（逗号分隔；默认除开发边界外全部）", "CONFLICT_CLASSES"),
            Text("BOUNDARY_CLASS", "Boundary class (default 城镇开发边界)",
                 "开发边界类别（默认 城镇开发边界）", "BOUNDARY_CLASS"))


SITES = Input("SITES", "Project sites", "项目选址", [POLYGON])
CONTROL = Input("CONTROL", "Control lines (三线)", "管控线（三线）", [POLYGON])
BOUNDARY = Input("BOUNDARY", "Development boundary (default: the control class)",
                 "城镇开发边界（默认取管控线中的该类）", [POLYGON], optional=True)


class Overlap(KernelAlgorithm):
    NAME, KIND = "overlap", "overlap"
    TITLE = ("Overlap with control lines per zone", "三线占用（分单元）")
    HELP = ("For each site: its area in each control class and outside the development "
            "boundary, and a conflict flag; per zone (by the site's centroid): conflicting sites "
            "÷ sites. Detail layer 'sites'.",
            "每个项目选址在各类管控区内的面积、位于开发边界外的面积及是否冲突；按质心归属统计单元，"
            "给出冲突项目数 ÷ 项目数。明细图层 sites。")
    INPUTS = (SITES, CONTROL, BOUNDARY)
    OPTIONS = overlap_options()


class Far(KernelAlgorithm):
    NAME, KIND = "far", "far"
    TITLE = ("Floor area ratio from buildings", "容积率与建筑系数")
    HELP = ("容积率 and 建筑系数 per parcel from the building footprints (joined by an id field, "
            "else by centroid), and per zone (area-weighted). Optional minimum FAR (a number or "
            "a file of 'industry_code min_far').",
            "由建筑轮廓计算各地块及各单元（面积加权）的容积率与建筑系数。建筑按编号字段关联地块，"
            "否则按质心。可给出容积率下限（数值，或“行业代码 下限”文件）。")
    INPUTS = (Input("PARCELS", "Parcels", "地块图层", [POLYGON]),
              Input("BUILDINGS", "Buildings", "建筑图层", [POLYGON]))
    OPTIONS = (Text("BUILDING_PARCEL_FIELD", "Building's parcel id field (default parcel_id; "
                    "none: by centroid)", "建筑所属地块字段（默认 parcel_id；none 为按质心）",
                    "BUILDING_PARCEL_FIELD"),
               Field("PARCEL_ID_FIELD", "Parcel id field (default id)", "地块编号字段（默认 id）",
                     "PARCEL_ID_FIELD", "PARCELS"),
               Field("FLOORS_FIELD", "Floors field (default floors)", "层数字段（默认 floors）",
                     "FLOORS_FIELD", "BUILDINGS", numeric=True),
               Field("FLOOR_AREA_FIELD", "Floor area field (m²)", "建筑面积字段（m²）",
                     "FLOOR_AREA_FIELD", "BUILDINGS", numeric=True),
               Text("MIN_FAR", "Minimum FAR (number or file)", "容积率下限（数值或文件）", "MIN_FAR"),
               Field("INDUSTRY_FIELD", "Industry code field", "行业代码字段", "INDUSTRY_FIELD",
                     "PARCELS"))


class LandStock(KernelAlgorithm):
    NAME, KIND = "landstock", "land-stock"
    TITLE = ("Land approved but not supplied", "批而未供土地处置")
    HELP = ("For each year Y: the stock at 1 January (approved, not yet supplied), the part "
            "disposed of during Y and the share (%); value = the last year's share.",
            "逐年计算 1 月 1 日的批而未供存量、当年处置面积及处置率（%）；结果值为最后一年的处置率。")
    INPUTS = (Input("APPROVALS", "Approvals (农转用)", "批准用地", [POLYGON]),
              Input("SUPPLY", "Supply records (供地)", "供地图层", [POLYGON]))
    OPTIONS = (Text("YEARS", "Years (2022,2023,2024)", "年份（逗号分隔）", "YEARS",
                    optional=False),
               Enum("LINK", "Supplied by (default geometry)", "供地关联方式（默认 图形）", "LINK",
                    ["geometry", "id"], ["geometry 按图形", "id 按编号"]),
               Field("APPROVAL_DATE_FIELD", "Approval date field (default appr_date)",
                     "批准日期字段", "APPROVAL_DATE_FIELD", "APPROVALS"),
               Field("SUPPLY_DATE_FIELD", "Supply date field (default supply_dt)", "供地日期字段",
                     "SUPPLY_DATE_FIELD", "SUPPLY"),
               Field("APPROVAL_ID_FIELD", "Approval id field (default id)", "批准用地编号字段",
                     "APPROVAL_ID_FIELD", "APPROVALS"),
               Field("SUPPLY_LINK_FIELD", "Supply's approval id field (default appr_id)",
                     "供地关联编号字段", "SUPPLY_LINK_FIELD", "SUPPLY"))


KERNELS = [LengthDensity, LengthShare, AreaShare, Count, PerArea, Coverage, Overlap, Far,
           LandStock]
