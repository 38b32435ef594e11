/* QGIS QML and OGC SLD 1.1 (Symbology Encoding) text for the default
 * style of a classed result layer, written into a GeoPackage's
 * layer_styles table so that QGIS opens it already classed and coloured. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lg_internal.h"
#include "map_style.h"

typedef struct sbuf {
    char *s;
    size_t len, cap;
    int failed;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) LG_PRINTF(2, 3);
static void put(sbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
}

/* XML text with & < > " ' escaped. */
static void put_xml(sbuf *b, const char *t)
{
    for (; t && *t; t++) {
        switch (*t) {
        case '&': put(b, "&amp;"); break;
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '"': put(b, "&quot;"); break;
        case '\'': put(b, "&apos;"); break;
        default: put(b, "%c", *t);
        }
    }
}

static char *finish(lg_ctx *ctx, sbuf *b)
{
    if (b->failed || !b->s) {
        free(b->s);
        lg_error(ctx, LG_ERR_NOMEM, "out of memory");
        return NULL;
    }
    return b->s;
}

static int c255(double v) { return (int)lround(v * 255); }

static void qml_symbol(sbuf *b, const lg_style *s, int j)
{
    const double *c = s->rgb[j];
    static const char *const type[] = {"fill", "line", "marker"};
    put(b, "      <symbol type=\"%s\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n",
        type[s->geom], j);
    if (s->geom == LG_STYLE_FILL) {
        int hatch = s->nclasses == 0;
        put(b, "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
               "          <Option type=\"Map\">\n"
               "            <Option name=\"color\" value=\"%d,%d,%d,255\" type=\"QString\"/>\n"
               "            <Option name=\"style\" value=\"%s\" type=\"QString\"/>\n"
               "            <Option name=\"outline_color\" value=\"%s\" type=\"QString\"/>\n"
               "            <Option name=\"outline_style\" value=\"solid\" type=\"QString\"/>\n"
               "            <Option name=\"outline_width\" value=\"%s\" type=\"QString\"/>\n"
               "            <Option name=\"outline_width_unit\" value=\"MM\" type=\"QString\"/>\n"
               "          </Option>\n"
               "        </layer>\n",
            c255(c[0]), c255(c[1]), c255(c[2]), hatch ? "b_diagonal" : "solid",
            hatch ? "153,0,13,255" : "89,89,89,255", hatch ? "0.2" : "0.1");
    } else if (s->geom == LG_STYLE_LINE) {
        put(b, "        <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
               "          <Option type=\"Map\">\n"
               "            <Option name=\"line_color\" value=\"%d,%d,%d,255\" type=\"QString\"/>\n"
               "            <Option name=\"line_width\" value=\"0.6\" type=\"QString\"/>\n"
               "            <Option name=\"line_width_unit\" value=\"MM\" type=\"QString\"/>\n"
               "          </Option>\n"
               "        </layer>\n",
            c255(c[0]), c255(c[1]), c255(c[2]));
    } else {
        put(b, "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
               "          <Option type=\"Map\">\n"
               "            <Option name=\"name\" value=\"circle\" type=\"QString\"/>\n"
               "            <Option name=\"color\" value=\"%d,%d,%d,255\" type=\"QString\"/>\n"
               "            <Option name=\"outline_color\" value=\"64,64,64,255\" type=\"QString\"/>\n"
               "            <Option name=\"size\" value=\"2\" type=\"QString\"/>\n"
               "            <Option name=\"size_unit\" value=\"MM\" type=\"QString\"/>\n"
               "          </Option>\n"
               "        </layer>\n",
            c255(c[0]), c255(c[1]), c255(c[2]));
    }
    put(b, "      </symbol>\n");
}

char *lg_style_qml(lg_ctx *ctx, const lg_style *s)
{
    sbuf b = {0};
    put(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            "<qgis version=\"3.28.0\" styleCategories=\"Symbology\">\n");
    if (s->nclasses == 0) {
        put(&b, "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" "
                "forceraster=\"0\">\n    <symbols>\n");
        qml_symbol(&b, s, 0);
        put(&b, "    </symbols>\n  </renderer-v2>\n</qgis>\n");
        return finish(ctx, &b);
    }
    int cat = s->values != NULL;
    put(&b, "  <renderer-v2 type=\"%s\" attr=\"", cat ? "categorizedSymbol" : "graduatedSymbol");
    put_xml(&b, s->field);
    put(&b, "\"%s symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n",
        cat ? "" : " graduatedMethod=\"GraduatedColor\"");
    put(&b, cat ? "    <categories>\n" : "    <ranges>\n");
    for (int j = 0; j < s->nclasses; j++) {
        if (cat) {
            put(&b, "      <category value=\"");
            put_xml(&b, s->values[j]);
            put(&b, "\" symbol=\"%d\" label=\"", j);
        } else {
            put(&b, "      <range lower=\"%.15g\" upper=\"%.15g\" symbol=\"%d\" label=\"",
                s->bounds[j], s->bounds[j + 1], j);
        }
        put_xml(&b, s->labels[j]);
        put(&b, "\" render=\"true\"/>\n");
    }
    put(&b, cat ? "    </categories>\n    <symbols>\n" : "    </ranges>\n    <symbols>\n");
    for (int j = 0; j < s->nclasses; j++)
        qml_symbol(&b, s, j);
    put(&b, "    </symbols>\n  </renderer-v2>\n</qgis>\n");
    return finish(ctx, &b);
}

static void sld_symbolizer(sbuf *b, const lg_style *s, int j)
{
    const double *c = s->rgb[j];
    char hex[8];
    snprintf(hex, sizeof hex, "#%02x%02x%02x", c255(c[0]) & 255, c255(c[1]) & 255,
             c255(c[2]) & 255);
    if (s->geom == LG_STYLE_FILL && s->nclasses == 0) {
        put(b, "          <se:PolygonSymbolizer>\n"
               "            <se:Fill><se:GraphicFill><se:Graphic><se:Mark>\n"
               "              <se:WellKnownName>horline</se:WellKnownName>\n"
               "              <se:Stroke><se:SvgParameter name=\"stroke\">#99000d</se:SvgParameter></se:Stroke>\n"
               "            </se:Mark><se:Size>6</se:Size><se:Rotation>45</se:Rotation></se:Graphic></se:GraphicFill></se:Fill>\n"
               "            <se:Stroke><se:SvgParameter name=\"stroke\">#99000d</se:SvgParameter></se:Stroke>\n"
               "          </se:PolygonSymbolizer>\n");
    } else if (s->geom == LG_STYLE_FILL) {
        put(b, "          <se:PolygonSymbolizer>\n"
               "            <se:Fill><se:SvgParameter name=\"fill\">%s</se:SvgParameter></se:Fill>\n"
               "            <se:Stroke><se:SvgParameter name=\"stroke\">#595959</se:SvgParameter>"
               "<se:SvgParameter name=\"stroke-width\">0.3</se:SvgParameter></se:Stroke>\n"
               "          </se:PolygonSymbolizer>\n",
            hex);
    } else if (s->geom == LG_STYLE_LINE) {
        put(b, "          <se:LineSymbolizer>\n"
               "            <se:Stroke><se:SvgParameter name=\"stroke\">%s</se:SvgParameter>"
               "<se:SvgParameter name=\"stroke-width\">2</se:SvgParameter></se:Stroke>\n"
               "          </se:LineSymbolizer>\n",
            hex);
    } else {
        put(b, "          <se:PointSymbolizer><se:Graphic><se:Mark>\n"
               "            <se:WellKnownName>circle</se:WellKnownName>\n"
               "            <se:Fill><se:SvgParameter name=\"fill\">%s</se:SvgParameter></se:Fill>\n"
               "            <se:Stroke><se:SvgParameter name=\"stroke\">#404040</se:SvgParameter></se:Stroke>\n"
               "          </se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>\n",
            hex);
    }
}

static void sld_compare(sbuf *b, const char *op, const char *field, const char *lit, int numeric)
{
    (void)numeric;
    put(b, "<ogc:%s><ogc:PropertyName>", op);
    put_xml(b, field);
    put(b, "</ogc:PropertyName><ogc:Literal>");
    put_xml(b, lit);
    put(b, "</ogc:Literal></ogc:%s>", op);
}

char *lg_style_sld(lg_ctx *ctx, const lg_style *s)
{
    sbuf b = {0};
    put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<StyledLayerDescriptor version=\"1.1.0\" xmlns=\"http://www.opengis.net/sld\" "
            "xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:se=\"http://www.opengis.net/se\" "
            "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            "xsi:schemaLocation=\"http://www.opengis.net/sld "
            "http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n"
            "  <NamedLayer>\n    <se:Name>");
    put_xml(&b, s->layer);
    put(&b, "</se:Name>\n    <UserStyle>\n      <se:Name>");
    put_xml(&b, s->layer);
    put(&b, "</se:Name>\n      <se:FeatureTypeStyle>\n");
    int n = s->nclasses ? s->nclasses : 1;
    for (int j = 0; j < n; j++) {
        put(&b, "        <se:Rule>\n          <se:Name>");
        put_xml(&b, s->nclasses ? s->labels[j] : s->layer);
        put(&b, "</se:Name>\n");
        if (s->nclasses && s->values) {
            put(&b, "          <ogc:Filter>");
            sld_compare(&b, "PropertyIsEqualTo", s->field, s->values[j], s->values_numeric);
            put(&b, "</ogc:Filter>\n");
        } else if (s->nclasses) {
            char lo[64], hi[64];
            snprintf(lo, sizeof lo, "%.15g", s->bounds[j]);
            snprintf(hi, sizeof hi, "%.15g", s->bounds[j + 1]);
            put(&b, "          <ogc:Filter><ogc:And>");
            sld_compare(&b, j ? "PropertyIsGreaterThan" : "PropertyIsGreaterThanOrEqualTo",
                        s->field, lo, 1);
            sld_compare(&b, "PropertyIsLessThanOrEqualTo", s->field, hi, 1);
            put(&b, "</ogc:And></ogc:Filter>\n");
        }
        sld_symbolizer(&b, s, j);
        put(&b, "        </se:Rule>\n");
    }
    put(&b, "      </se:FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n"
            "</StyledLayerDescriptor>\n");
    return finish(ctx, &b);
}
