/* project.yaml of the demo workspace: the bureau's layers bound to the
 * roles the shipped target sets use, evaluating the 李沧区 targets
 * (layers/targets/000_*.yaml).  `geoplan evaluate DIR/project.yaml`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "demo_internal.h"

/* name, file layer, role, extra keys (fields, where) */
static const struct {
    const char *name, *layer, *rest;
} LAYERS[] = {
    {"districts", "districts", "role: district, fields: {id: code, name: name, population: pop}"},
    {"streets", "streets", "role: street, fields: {id: code, name: name, population: pop}"},
    {"roads", "roads", "role: roads"},
    {"forest", "forest", "role: forest,\n      # 乔木林 below 郁闭度 0.2 is not forest (INDICATORS.md)\n"
                         "      where: \"kind <> '乔木林地' OR canopy >= 0.2\""},
    {"parks", "parks", "role: parks"},
    {"residential", "landuse", "role: residential, where: \"code = 'R'\""},
    {"parcels", "landuse", "role: parcels,\n"
                           "      fields: {class: code, tax: tax_wan, output: output_wan}"},
    {"control", "control", "role: control"},
    {"sites", "sites", "role: sites"},
    {"toilets", "facilities", "role: toilets, where: \"kind = '公共厕所'\""},
    {"childcare", "facilities", "role: childcare, where: \"kind = '托育机构'\""},
    {"elderly_centres", "facilities", "role: elderly_centres, where: \"kind = '养老服务中心'\""},
};

int gd_write_project(const char *dir, int gpkg, char *err, size_t errlen)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/project.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fputs("# The demo workspace as a planning bureau would declare it: its layers bound to the\n"
          "# roles the shipped target sets use (layers/targets/README.md), evaluated against\n"
          "# the 李沧区 14th Five-Year Plan targets.  Run:\n"
          "#   geoplan evaluate project.yaml --out evaluation\n"
          "# Indicators whose layers a bureau has but this demo lacks (green cover, pipes,\n"
          "# sponge city, sports grounds ...) come out as 'no data', with the reason.\n"
          "geoplan: project/1\n"
          "name: 李沧区 demo city (synthetic data)\n"
          "crs: auto\n"
          "include: [000_56421769e4ab5d43]\n"
          "layers:\n", f);
    for (size_t i = 0; i < sizeof LAYERS / sizeof LAYERS[0]; i++) {
        if (gpkg)
            fprintf(f, "  %s:\n    {path: workspace.gpkg, layer: %s, %s}\n", LAYERS[i].name,
                    LAYERS[i].layer, LAYERS[i].rest);
        else
            fprintf(f, "  %s:\n    {path: %s.shp, %s}\n", LAYERS[i].name, LAYERS[i].layer,
                    LAYERS[i].rest);
    }
    fputs("levels:\n"
          "  district: {layer: districts}\n"
          "  street: {layer: streets}\n"
          "# The bureau's own additions: measures the plan leaves to national standards.\n"
          "indicators:\n"
          "  park_coverage:\n"
          "    title: {zh: 公园绿地服务半径覆盖率, en: park service-radius coverage of residential "
          "land}\n"
          "    kernel: coverage\n"
          "    inputs: {facilities: parks, target: residential}\n"
          "    note: \"2021 城市体检 rule (the kernel's default): parks >= 5000 m2 serve 500 m, "
          "2000-5000 m2 serve 300 m\"\n"
          "  tax_per_mu:\n"
          "    title: {zh: 亩均税收, en: tax per mu of industrial land}\n"
          "    kernel: per-area\n"
          "    inputs: {parcels: {role: parcels, select: {class: [M]}}}\n"
          "    params: {value_field: tax}\n"
          "    unit: 万元/mu\n"
          "targets:\n"
          "  - id: gb55014_park_coverage\n"
          "    indicator: park_coverage\n"
          "    level: street\n"
          "    zone: each\n"
          "    compare: \">\"\n"
          "    value: 80\n"
          "    unit: \"%\"\n"
          "    binding: true\n"
          "    source:\n"
          "      document: GB 55014-2021\n"
          "      section: \"2.1.3\"\n"
          "      text: \"公园绿地服务半径覆盖率 > 80 % (mandatory; as summarised in "
          "planning/INDICATORS.md)\"\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
