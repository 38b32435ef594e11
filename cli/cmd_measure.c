/* geoplan measure: one indicator kernel per zone, with a total row. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli_common.h"
#include "commands.h"
#include "output.h"

static const char MEASURE_HELP[] =
    "usage: " PROG " measure KIND --zones FILE[:LAYER] INPUTS... [OPTIONS]\n"
    "\n"
    "Measure an indicator per zone (district, street, any polygon layer) and\n"
    "for the whole area.  Every input is read into one working CRS in metres\n"
    "(the zones' own projected CRS, else the CGCS2000 3-degree zone; --crs).\n"
    "\n"
    "Kinds and their inputs:\n"
    "  length-density  --lines [--denominator]   km of lines per km2 (road density)\n"
    "  length-share    --lines --class-field F --classes a,b\n"
    "                                            % of line length in the classes\n"
    "  area-share      --cover [--denominator]   % of the zone covered (union)\n"
    "  count           --points                  points per zone\n"
    "  per-area        --parcels --value F       value per mu (亩均税收)\n"
    "  coverage        --facilities --target     % of target within service radius\n"
    "  overlap         --sites --control [--boundary]\n"
    "                                            sites in control zones / outside boundary\n"
    "  far             --parcels --buildings     容积率 and 建筑系数 per parcel and zone\n"
    "  land-stock      --approvals --supply --years Y,Y\n"
    "                                            批而未供 stock at 1 January, disposal %\n"
    "  low-efficiency  --parcels [--buildings] RULES\n"
    "                                            城镇低效用地: % of parcel area, counts per rule\n"
    "  idle-land       --supply --as-of YYYY-MM-DD\n"
    "                                            闲置土地 (53号令): % of supplied area idle\n"
    "                                            (site screening without zones: " PROG " screen)\n"
    "\n"
    "Zones:\n"
    "  --zones FILE[:LAYER]  the zone polygons (required)\n"
    "  --zone-field F        attribute for the zone id (default: code, id, adcode, zid,\n"
    "                        else the FID)\n"
    "  --zone-name-field F   attribute for the zone name (default: name, 名称, NAME, zname)\n"
    "  --zones-where SQL     filter the zones\n"
    "Inputs (FILE, FILE:LAYER or \"PG:dbname=... tables=TABLE\"):\n"
    "  --lines --cover --points --parcels --facilities --target --sites --control\n"
    "  --boundary --denominator (area within which length-density and area-share are\n"
    "                        measured, e.g. the built-up area)\n"
    "  --buildings --approvals --supply\n"
    "  --where SQL           filter the primary input (lines, cover, points, parcels,\n"
    "                        target, sites, approvals; supply for idle-land)\n"
    "  --facilities-where SQL, --control-where SQL   filter those inputs\n"
    "Kernel options:\n"
    "  --class-field F       length-density (km per class), length-share, overlap,\n"
    "                        low-efficiency (the class rule)\n"
    "  --classes a,b         length-share: the classes counted in the numerator;\n"
    "                        low-efficiency: the classes that are low-efficiency\n"
    "  --undirected          length-density, length-share: a line and its exact\n"
    "                        reverse count once (directed road graphs)\n"
    "  --weight-field F      count, coverage (point targets): sum of a field\n"
    "  --population-field F  count, area-share: population attribute of the zones\n"
    "  --per N               count: per how many people (default 1000)\n"
    "  --min-count N         count: flag zones with fewer (default 1)\n"
    "  --value F             per-area: the value attribute (tax, output)\n"
    "  --area-field F        per-area: land area from an attribute\n"
    "  --area-unit m2|mu|ha  per-area: unit of --area-field (default m2)\n"
    "  --floor-field F       per-area: floor area in m2 (adds FAR)\n"
    "  --rules FILE          coverage: lines \"min_area_m2 max_area_m2 radius_m [kinds]\"\n"
    "                        (default: the 2021 城市体检 park rule)\n"
    "  --radius M            coverage: one service radius for all facilities\n"
    "  --kind-field F        coverage: facility kind attribute (for --rules kinds)\n"
    "  --size-field F        coverage: facility area in m2 from an attribute\n"
    "  --segments N          coverage: buffer segments per quarter circle (default 8)\n"
    "  --tolerance M2        overlap: conflict above this area (default 1 m2)\n"
    "  --conflict-classes a,b  overlap: the control classes that make a conflict\n"
    "                        (default: every class but the boundary's)\n"
    "  --boundary-class C    overlap: without --boundary, the control class that is the\n"
    "                        development boundary (default 城镇开发边界)\n"
    "  far: buildings join parcels by --building-parcel-field (default parcel_id when\n"
    "  present) = --parcel-id-field (default id), else by centroid (the first parcel\n"
    "  covering it; --building-parcel-field none forces it).  Floor area =\n"
    "  --floor-area-field when not NULL, else footprint (geometry area) x --floors-field\n"
    "  (default floors).  FAR = floor area / parcel area; 建筑系数 = footprint / parcel\n"
    "  area.  Zones: value = area-weighted FAR, far_mean = plain mean over parcels.\n"
    "  --min-far X|FILE      minimum FAR: one number for all (1.5: new industrial land),\n"
    "                        or lines \"industry_code min_far\" (code * = any other)\n"
    "  --industry-field F    parcel industry code for the table; alone it uses the\n"
    "                        国土资发〔2008〕24号 values: 电子 1.0, 通用设备 0.7, 石油加工 0.5\n"
    "  land-stock (批而未供): for each year Y of --years 2022,2023,2024, stock:Y = land\n"
    "  approved before Y-01-01 and not supplied before Y-01-01; disposed:Y = the part\n"
    "  of it supplied during Y; share:Y = disposed / stock (target 002: 50 %);\n"
    "  added:Y = approved in Y, unsupplied at its end, so stock:Y+1 = stock:Y -\n"
    "  disposed:Y + added:Y.  value = share of the last year.  A NULL supply date\n"
    "  is not supplied; a NULL approval date leaves the approval out (warning).\n"
    "  --link geometry|id    supplied by geometry (default: the approval covered by the\n"
    "                        supplies) or by --supply-link-field (default appr_id) =\n"
    "                        --approval-id-field (default id), areas capped\n"
    "  --approval-date-field F (default appr_date), --supply-date-field F (default\n"
    "                        supply_dt): dates as YYYY-MM-DD; a malformed one is an error\n"
    "  low-efficiency (城镇低效用地, 国土资发〔2016〕147号 with local tests): a parcel is\n"
    "  low-efficiency when any rule given says so (OR).  Each rule is a column\n"
    "  rule:NAME per parcel: 1, 0, or empty when it cannot decide (a NULL field);\n"
    "  a parcel no rule calls low-efficiency but one cannot decide is 'undetermined'.\n"
    "  Give at least one rule:\n"
    "    class: --class-field F --classes D,E   the value is listed (亩均 class D ...)\n"
    "    far:   --min-far X|FILE [--industry-field F] with --far-field F (a FAR\n"
    "           attribute) or --buildings (FAR from footprints x floors, as in far):\n"
    "           FAR below the minimum (equal is not); no minimum for the industry: 0\n"
    "    tax:   --tax-field F [--tax-share S] (default 0.5): tax per mu below S x the\n"
    "           mean of the parcel's zone = sum of tax / sum of mu over the zone's\n"
    "           parcels with a tax value (0 counts; NULL: left out of the mean and\n"
    "           undetermined), parcels split by area share; filter the parcels to the\n"
    "           land evaluated, e.g. --where \"code = 'M'\"\n"
    "    idle:  --status-field F [--idle-values 闲置,...] (default 闲置)\n"
    "  Zones: value = low-efficiency % of the parcels' area; count, m2 and mu of the\n"
    "  parcels, low, undetermined and each rule:NAME.  Detail parcels: the rules and\n"
    "  low_efficiency.\n"
    "  idle-land (闲置土地, 国土资源部令第53号 2012) as of --as-of YYYY-MM-DD (required),\n"
    "  over the supply records supplied on or before that day:\n"
    "    rule a: not started (start date NULL or later) and as-of >= the agreed start\n"
    "            date + 1 year (exactly one year: idle; 29 Feb + 1 year = 1 Mar)\n"
    "    rule b: started, developed area < 1/3 of the record's area or investment\n"
    "            < 25 % (exactly 1/3 or 25 %: not idle), and halted >= 1 year\n"
    "  Idle when a or b holds; 'undetermined' when neither holds and one cannot be\n"
    "  decided: no agreed start date, or a started record without the fields rule b\n"
    "  needs (a NULL halt date means not halted).\n"
    "  --due-field F          agreed start date (约定开工, default start_due)\n"
    "  --start-field F        actual start date (default start_dt; NULL: not started)\n"
    "  --halted-field F       date construction stopped (rule b)\n"
    "  --developed-field F    developed area in m2 (rule b)\n"
    "  --invested-field F     investment made, percent 0-100 of the total (rule b)\n"
    "  --no-due undetermined|supply  without an agreed date: undetermined (default) or\n"
    "                        count one year from the supply date\n"
    "  Zones: value = idle % of the counted records' area; count, m2 and mu of\n"
    "  records, idle, not_idle, undetermined, rule_a, rule_b.  Detail supply: dates\n"
    "  (YYYYMMDD), counted, rule_a, rule_b, idle, undetermined.\n"
    "Output:\n"
    "  --format text|csv|json  (default text; csv is UTF-8 with BOM for Excel)\n"
    "  --out-layer FILE.gpkg   also write a GeoPackage: layer zones (values as\n"
    "                        attributes), detail layers, total and params tables\n"
    "  --threads N           worker threads (default: all cores)\n"
    "  --help                this help\n"
    "(--invalid defaults to stop: an invalid geometry is an error naming the feature.)\n"
    "The layer-reading options below apply to every input.\n"
    "\n";

/* ------------------------------------------------------------------ */
/* Kinds, roles and options                                            */

enum { K_LD, K_LS, K_AS, K_COUNT, K_PA, K_COV, K_OV, K_FAR, K_STOCK, K_LOWEFF, K_IDLE, K_N };
#define KB(k) (1u << (k))
#define K_ALL ((1u << K_N) - 1)

static const char *const KIND_NAME[K_N] = {"length-density", "length-share", "area-share",
                                           "count",          "per-area",     "coverage",
                                           "overlap",        "far",          "land-stock",
                                           "low-efficiency", "idle-land"};

enum {
    R_ZONES,
    R_LINES,
    R_COVER,
    R_POINTS,
    R_PARCELS,
    R_FACILITIES,
    R_TARGET,
    R_SITES,
    R_CONTROL,
    R_BOUNDARY,
    R_DENOM,
    R_BUILDINGS,
    R_APPROVALS,
    R_SUPPLY,
    R_N
};

static const struct {
    const char *flag;
    const char *what;
    unsigned kinds;    /* kinds that take it */
    unsigned required; /* kinds that need it */
} ROLE[R_N] = {
    [R_ZONES] = {"--zones", "the zone polygons", K_ALL, K_ALL},
    [R_LINES] = {"--lines", "the lines to measure", KB(K_LD) | KB(K_LS), KB(K_LD) | KB(K_LS)},
    [R_COVER] = {"--cover", "the cover polygons", KB(K_AS), KB(K_AS)},
    [R_POINTS] = {"--points", "the points to count", KB(K_COUNT), KB(K_COUNT)},
    [R_PARCELS] = {"--parcels", "the parcels", KB(K_PA) | KB(K_FAR) | KB(K_LOWEFF),
                   KB(K_PA) | KB(K_FAR) | KB(K_LOWEFF)},
    [R_FACILITIES] = {"--facilities", "the facilities (parks ...)", KB(K_COV), KB(K_COV)},
    [R_TARGET] = {"--target", "what should be served (residential ...)", KB(K_COV), KB(K_COV)},
    [R_SITES] = {"--sites", "the project sites", KB(K_OV), KB(K_OV)},
    [R_CONTROL] = {"--control", "the control zones", KB(K_OV), KB(K_OV)},
    [R_BOUNDARY] = {"--boundary", "the development boundary", KB(K_OV), 0},
    [R_DENOM] = {"--denominator", "the denominator area", KB(K_LD) | KB(K_AS), 0},
    [R_BUILDINGS] = {"--buildings", "the building footprints", KB(K_FAR) | KB(K_LOWEFF),
                     KB(K_FAR)},
    [R_APPROVALS] = {"--approvals", "the land approvals (农转用 batches)", KB(K_STOCK), KB(K_STOCK)},
    [R_SUPPLY] = {"--supply", "the land supply records (供地)", KB(K_STOCK) | KB(K_IDLE),
                  KB(K_STOCK) | KB(K_IDLE)},
};

enum {
    O_ZONE_FIELD,
    O_ZONE_NAME_FIELD,
    O_ZONES_WHERE,
    O_FACILITIES_WHERE,
    O_CONTROL_WHERE,
    O_CLASS_FIELD,
    O_CLASSES,
    O_WEIGHT_FIELD,
    O_POPULATION_FIELD,
    O_PER,
    O_MIN_COUNT,
    O_VALUE,
    O_AREA_FIELD,
    O_AREA_UNIT,
    O_FLOOR_FIELD,
    O_RULES,
    O_RADIUS,
    O_KIND_FIELD,
    O_SIZE_FIELD,
    O_SEGMENTS,
    O_TOLERANCE,
    O_CONFLICT_CLASSES,
    O_BOUNDARY_CLASS,
    O_FORMAT,
    O_OUT_LAYER,
    O_THREADS,
    O_BUILDING_PARCEL_FIELD,
    O_PARCEL_ID_FIELD,
    O_FLOORS_FIELD,
    O_FLOOR_AREA_FIELD,
    O_MIN_FAR,
    O_INDUSTRY_FIELD,
    O_YEARS,
    O_LINK,
    O_APPROVAL_DATE_FIELD,
    O_SUPPLY_DATE_FIELD,
    O_APPROVAL_ID_FIELD,
    O_SUPPLY_LINK_FIELD,
    O_FAR_FIELD,
    O_TAX_FIELD,
    O_TAX_SHARE,
    O_STATUS_FIELD,
    O_IDLE_VALUES,
    O_AS_OF,
    O_DUE_FIELD,
    O_START_FIELD,
    O_HALTED_FIELD,
    O_DEVELOPED_FIELD,
    O_INVESTED_FIELD,
    O_NO_DUE,
    O_N
};

enum { NUM_NONE, NUM_REAL, NUM_INT };

static const struct {
    const char *flag;
    const char *key; /* kernel option KEY, or NULL */
    unsigned kinds;
    unsigned required;
    int numeric;
} OPT[O_N] = {
    [O_ZONE_FIELD] = {"--zone-field", NULL, K_ALL, 0, NUM_NONE},
    [O_ZONE_NAME_FIELD] = {"--zone-name-field", NULL, K_ALL, 0, NUM_NONE},
    [O_ZONES_WHERE] = {"--zones-where", NULL, K_ALL, 0, NUM_NONE},
    [O_FACILITIES_WHERE] = {"--facilities-where", NULL, KB(K_COV), 0, NUM_NONE},
    [O_CONTROL_WHERE] = {"--control-where", NULL, KB(K_OV), 0, NUM_NONE},
    [O_CLASS_FIELD] = {"--class-field", "CLASS_FIELD",
                       KB(K_LD) | KB(K_LS) | KB(K_OV) | KB(K_LOWEFF), KB(K_LS), NUM_NONE},
    [O_CLASSES] = {"--classes", "CLASSES", KB(K_LS) | KB(K_LOWEFF), KB(K_LS), NUM_NONE},
    [O_WEIGHT_FIELD] = {"--weight-field", "WEIGHT_FIELD", KB(K_COUNT) | KB(K_COV), 0, NUM_NONE},
    [O_POPULATION_FIELD] = {"--population-field", "POPULATION_FIELD", KB(K_COUNT) | KB(K_AS), 0, NUM_NONE},
    [O_PER] = {"--per", "PER", KB(K_COUNT), 0, NUM_REAL},
    [O_MIN_COUNT] = {"--min-count", "MIN_COUNT", KB(K_COUNT), 0, NUM_INT},
    [O_VALUE] = {"--value", "VALUE_FIELD", KB(K_PA), KB(K_PA), NUM_NONE},
    [O_AREA_FIELD] = {"--area-field", "AREA_FIELD", KB(K_PA), 0, NUM_NONE},
    [O_AREA_UNIT] = {"--area-unit", "AREA_UNIT", KB(K_PA), 0, NUM_NONE},
    [O_FLOOR_FIELD] = {"--floor-field", "FLOOR_FIELD", KB(K_PA), 0, NUM_NONE},
    [O_RULES] = {"--rules", "RULES", KB(K_COV), 0, NUM_NONE},
    [O_RADIUS] = {"--radius", "RADIUS", KB(K_COV), 0, NUM_REAL},
    [O_KIND_FIELD] = {"--kind-field", "KIND_FIELD", KB(K_COV), 0, NUM_NONE},
    [O_SIZE_FIELD] = {"--size-field", "SIZE_FIELD", KB(K_COV), 0, NUM_NONE},
    [O_SEGMENTS] = {"--segments", "SEGMENTS", KB(K_COV), 0, NUM_INT},
    [O_TOLERANCE] = {"--tolerance", "TOLERANCE_M2", KB(K_OV), 0, NUM_REAL},
    [O_CONFLICT_CLASSES] = {"--conflict-classes", "CONFLICT_CLASSES", KB(K_OV), 0, NUM_NONE},
    [O_BOUNDARY_CLASS] = {"--boundary-class", "BOUNDARY_CLASS", KB(K_OV), 0, NUM_NONE},
    [O_FORMAT] = {"--format", NULL, K_ALL, 0, NUM_NONE},
    [O_OUT_LAYER] = {"--out-layer", NULL, K_ALL, 0, NUM_NONE},
    [O_THREADS] = {"--threads", NULL, K_ALL, 0, NUM_INT},
    [O_BUILDING_PARCEL_FIELD] = {"--building-parcel-field", "BUILDING_PARCEL_FIELD", KB(K_FAR) | KB(K_LOWEFF), 0, NUM_NONE},
    [O_PARCEL_ID_FIELD] = {"--parcel-id-field", "PARCEL_ID_FIELD", KB(K_FAR) | KB(K_LOWEFF), 0, NUM_NONE},
    [O_FLOORS_FIELD] = {"--floors-field", "FLOORS_FIELD", KB(K_FAR) | KB(K_LOWEFF), 0, NUM_NONE},
    [O_FLOOR_AREA_FIELD] = {"--floor-area-field", "FLOOR_AREA_FIELD", KB(K_FAR) | KB(K_LOWEFF), 0, NUM_NONE},
    [O_MIN_FAR] = {"--min-far", "MIN_FAR", KB(K_FAR) | KB(K_LOWEFF), 0, NUM_NONE},
    [O_INDUSTRY_FIELD] = {"--industry-field", "INDUSTRY_FIELD", KB(K_FAR) | KB(K_LOWEFF), 0, NUM_NONE},
    [O_YEARS] = {"--years", "YEARS", KB(K_STOCK), KB(K_STOCK), NUM_NONE},
    [O_LINK] = {"--link", "LINK", KB(K_STOCK), 0, NUM_NONE},
    [O_APPROVAL_DATE_FIELD] = {"--approval-date-field", "APPROVAL_DATE_FIELD", KB(K_STOCK), 0, NUM_NONE},
    [O_SUPPLY_DATE_FIELD] = {"--supply-date-field", "SUPPLY_DATE_FIELD", KB(K_STOCK) | KB(K_IDLE), 0, NUM_NONE},
    [O_APPROVAL_ID_FIELD] = {"--approval-id-field", "APPROVAL_ID_FIELD", KB(K_STOCK), 0, NUM_NONE},
    [O_SUPPLY_LINK_FIELD] = {"--supply-link-field", "SUPPLY_LINK_FIELD", KB(K_STOCK), 0, NUM_NONE},
    [O_FAR_FIELD] = {"--far-field", "FAR_FIELD", KB(K_LOWEFF), 0, NUM_NONE},
    [O_TAX_FIELD] = {"--tax-field", "TAX_FIELD", KB(K_LOWEFF), 0, NUM_NONE},
    [O_TAX_SHARE] = {"--tax-share", "TAX_SHARE", KB(K_LOWEFF), 0, NUM_REAL},
    [O_STATUS_FIELD] = {"--status-field", "STATUS_FIELD", KB(K_LOWEFF), 0, NUM_NONE},
    [O_IDLE_VALUES] = {"--idle-values", "IDLE_VALUES", KB(K_LOWEFF), 0, NUM_NONE},
    [O_AS_OF] = {"--as-of", "AS_OF", KB(K_IDLE), KB(K_IDLE), NUM_NONE},
    [O_DUE_FIELD] = {"--due-field", "DUE_FIELD", KB(K_IDLE), 0, NUM_NONE},
    [O_START_FIELD] = {"--start-field", "START_FIELD", KB(K_IDLE), 0, NUM_NONE},
    [O_HALTED_FIELD] = {"--halted-field", "HALTED_FIELD", KB(K_IDLE), 0, NUM_NONE},
    [O_DEVELOPED_FIELD] = {"--developed-field", "DEVELOPED_FIELD", KB(K_IDLE), 0, NUM_NONE},
    [O_INVESTED_FIELD] = {"--invested-field", "INVESTED_FIELD", KB(K_IDLE), 0, NUM_NONE},
    [O_NO_DUE] = {"--no-due", "NO_DUE", KB(K_IDLE), 0, NUM_NONE},
};

typedef struct measure_args {
    int kind;
    const char *role[R_N];
    const char *opt[O_N];
    int undirected;
    layer_opts lo;
    out_format fmt;
    int threads;
} measure_args;

static void list_kinds(FILE *out)
{
    fprintf(out, "kinds:");
    for (int k = 0; k < K_N; k++)
        fprintf(out, " %s", KIND_NAME[k]);
    fprintf(out, "\n");
}

static void kinds_of(char *buf, size_t n, unsigned mask)
{
    buf[0] = '\0';
    for (int k = 0; k < K_N; k++)
        if (mask & KB(k)) {
            strncat(buf, buf[0] ? ", " : "", n - strlen(buf) - 1);
            strncat(buf, KIND_NAME[k], n - strlen(buf) - 1);
        }
}


static int check_number(const char *flag, const char *v, int kind)
{
    char *end;
    errno = 0;
    if (kind == NUM_INT) {
        long x = strtol(v, &end, 10);
        if (!*v || *end || errno || x < 0) {
            fprintf(stderr, PROG " measure: %s takes a whole number >= 0, not '%s'\n", flag, v);
            return 0;
        }
    } else if (kind == NUM_REAL) {
        double x = strtod(v, &end);
        if (!*v || *end || errno || !(x >= 0)) {
            fprintf(stderr, PROG " measure: %s takes a number >= 0, not '%s'\n", flag, v);
            return 0;
        }
    }
    return 1;
}

/* Parse the command line; EXIT_RAN with *help set for --help, EXIT_USAGE
 * with a message. */
static int parse_args(int argc, char **argv, measure_args *a, int *help)
{
    memset(a, 0, sizeof *a);
    a->kind = -1;
    a->fmt = FORMAT_TEXT;
    *help = 0;
    const char *kind = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            *help = 1;
            return EXIT_RAN;
        }
        int t = layer_opts_take(&a->lo, argc, argv, &i);
        if (t < 0)
            return EXIT_USAGE;
        if (t)
            continue;
        if (!strcmp(arg, "--undirected")) {
            a->undirected = 1;
            continue;
        }
        int done = 0;
        for (int r = 0; r < R_N && !done; r++) {
            t = cli_take_value("measure", ROLE[r].flag, argc, argv, &i, &a->role[r]);
            if (t < 0)
                return EXIT_USAGE;
            done = t;
        }
        for (int o = 0; o < O_N && !done; o++) {
            t = cli_take_value("measure", OPT[o].flag, argc, argv, &i, &a->opt[o]);
            if (t < 0)
                return EXIT_USAGE;
            done = t;
        }
        if (done)
            continue;
        if (arg[0] == '-' && arg[1]) {
            fprintf(stderr, PROG " measure: unknown option '%s' (see " PROG " measure --help)\n",
                    arg);
            return EXIT_USAGE;
        }
        if (kind) {
            fprintf(stderr,
                    PROG " measure: unexpected argument '%s': inputs are named by role "
                         "(--lines FILE, --cover FILE ...)\n",
                    arg);
            return EXIT_USAGE;
        }
        kind = arg;
    }
    if (!kind) {
        fprintf(stderr, PROG " measure: name the KIND of measure (see " PROG " measure --help)\n");
        list_kinds(stderr);
        return EXIT_USAGE;
    }
    for (int k = 0; k < K_N; k++)
        if (!strcmp(kind, KIND_NAME[k]))
            a->kind = k;
    if (a->kind < 0) {
        fprintf(stderr, PROG " measure: unknown kind '%s'\n", kind);
        list_kinds(stderr);
        return EXIT_USAGE;
    }
    const char *kn = KIND_NAME[a->kind];
    char list[256];
    for (int r = 0; r < R_N; r++) {
        if (a->role[r] && !(ROLE[r].kinds & KB(a->kind))) {
            kinds_of(list, sizeof list, ROLE[r].kinds);
            fprintf(stderr, PROG " measure: %s does not take %s (it is for %s)\n", kn,
                    ROLE[r].flag, list);
            return EXIT_USAGE;
        }
        if (!a->role[r] && (ROLE[r].required & KB(a->kind))) {
            fprintf(stderr, PROG " measure: %s needs %s FILE (%s)\n", kn, ROLE[r].flag,
                    ROLE[r].what);
            return EXIT_USAGE;
        }
        if (a->role[r] && !a->role[r][0]) {
            fprintf(stderr, PROG " measure: %s needs a file name\n", ROLE[r].flag);
            return EXIT_USAGE;
        }
    }
    for (int o = 0; o < O_N; o++) {
        if (a->opt[o] && !(OPT[o].kinds & KB(a->kind))) {
            kinds_of(list, sizeof list, OPT[o].kinds);
            fprintf(stderr, PROG " measure: %s does not apply to %s (it is for %s)\n",
                    OPT[o].flag, kn, list);
            return EXIT_USAGE;
        }
        if (!a->opt[o] && (OPT[o].required & KB(a->kind))) {
            fprintf(stderr, PROG " measure: %s needs %s\n", kn, OPT[o].flag);
            return EXIT_USAGE;
        }
        if (a->opt[o] && !check_number(OPT[o].flag, a->opt[o], OPT[o].numeric))
            return EXIT_USAGE;
    }
    if (a->undirected && a->kind != K_LD && a->kind != K_LS) {
        fprintf(stderr,
                PROG " measure: --undirected does not apply to %s (it is for length-density, "
                     "length-share)\n",
                kn);
        return EXIT_USAGE;
    }
    if (a->lo.layer) {
        fprintf(stderr, PROG " measure: --layer is ambiguous with several inputs: name the "
                             "layer of each as FILE:LAYER\n");
        return EXIT_USAGE;
    }
    if (a->opt[O_FORMAT] && !parse_format(a->opt[O_FORMAT], &a->fmt)) {
        fprintf(stderr, PROG " measure: --format takes text, csv or json\n");
        return EXIT_USAGE;
    }
    if (a->opt[O_THREADS])
        a->threads = atoi(a->opt[O_THREADS]);
    const char *out = a->opt[O_OUT_LAYER];
    if (out) {
        size_t n = strlen(out);
        if (n < 6 || strcasecmp(out + n - 5, ".gpkg") || out[n - 6] == '/') {
            fprintf(stderr, PROG " measure: --out-layer writes a GeoPackage: name it FILE.gpkg\n");
            return EXIT_USAGE;
        }
    }
    return EXIT_RAN;
}

/* 1 when the output file already exists and is one of the inputs. */
static int out_is_input(const measure_args *a, const char *out)
{
    struct stat so, si;
    if (stat(out, &so) != 0)
        return 0;
    for (int r = 0; r < R_N; r++) {
        if (!a->role[r])
            continue;
        const char *layer = NULL;
        char *file = split_source(a->role[r], &layer);
        int same = file && stat(file, &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino;
        free(file);
        if (same)
            return 1;
    }
    return 0;
}

/* Which input's WHERE filter is --where, and which have their own flag. */
static const char *where_for(const measure_args *a, int r)
{
    switch (r) {
    case R_ZONES:
        return a->opt[O_ZONES_WHERE];
    case R_FACILITIES:
        return a->opt[O_FACILITIES_WHERE];
    case R_CONTROL:
        return a->opt[O_CONTROL_WHERE];
    case R_LINES:
    case R_COVER:
    case R_POINTS:
    case R_PARCELS:
    case R_TARGET:
    case R_SITES:
    case R_APPROVALS:
        return a->lo.where;
    case R_SUPPLY:
        return a->kind == K_IDLE ? a->lo.where : NULL;
    default:
        return NULL;
    }
}

/* The kernel's KEY=VALUE options from the flags (NULL-terminated; the
 * strings are freed with free_options). */
static char **kernel_options(const measure_args *a)
{
    char **v = calloc(O_N + 2, sizeof *v);
    size_t n = 0;
    if (!v)
        return NULL;
    for (int o = 0; o < O_N; o++) {
        if (!OPT[o].key || !a->opt[o])
            continue;
        size_t len = strlen(OPT[o].key) + strlen(a->opt[o]) + 2;
        if (!(v[n] = malloc(len)))
            goto fail;
        snprintf(v[n++], len, "%s=%s", OPT[o].key, a->opt[o]);
    }
    if (a->undirected && !(v[n++] = strdup("UNDIRECTED=yes")))
        goto fail;
    return v;
fail:
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    return NULL;
}

static void free_options(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static lg_result *run_kernel(lg_ctx *ctx, const measure_args *a, const lg_zones *z,
                             lg_layer *const *L, const char *const *opts)
{
    switch (a->kind) {
    case K_LD:
        return lg_length_density(ctx, z, L[R_LINES], L[R_DENOM], opts);
    case K_LS:
        return lg_length_share(ctx, z, L[R_LINES], opts);
    case K_AS:
        return lg_area_share(ctx, z, L[R_COVER], L[R_DENOM], opts);
    case K_COUNT:
        return lg_count(ctx, z, L[R_POINTS], opts);
    case K_PA:
        return lg_per_area(ctx, z, L[R_PARCELS], opts);
    case K_COV:
        return lg_coverage(ctx, z, L[R_FACILITIES], L[R_TARGET], opts);
    case K_OV:
        return lg_overlap(ctx, z, L[R_SITES], L[R_CONTROL], L[R_BOUNDARY], opts);
    case K_FAR:
        return lg_parcel_far(ctx, z, L[R_PARCELS], L[R_BUILDINGS], opts);
    case K_STOCK:
        return lg_land_stock(ctx, z, L[R_APPROVALS], L[R_SUPPLY], opts);
    case K_LOWEFF:
        return lg_low_efficiency(ctx, z, L[R_PARCELS], L[R_BUILDINGS], opts);
    case K_IDLE:
        return lg_idle_land(ctx, z, L[R_SUPPLY], opts);
    default:
        return NULL;
    }
}

/* Tell what loading left out (features without geometry are never
 * counted; the user should know how many). */
static void note_skipped(const lg_layer *L, const char *flag)
{
    const lg_load_stats *s = lg_layer_stats(L);
    if (s->null_geom + s->empty_geom)
        fprintf(stderr, PROG ": note: %s %s: %zu feature(s) without geometry left out\n", flag,
                lg_layer_source(L), s->null_geom + s->empty_geom);
}

int cmd_measure(int argc, char **argv)
{
    measure_args a;
    int help = 0;
    int rc = parse_args(argc, argv, &a, &help);
    if (help) {
        printf("%s", MEASURE_HELP);
        list_kinds(stdout);
        printf("\n%s", LAYER_OPTS_HELP);
        return EXIT_RAN;
    }
    if (rc != EXIT_RAN)
        return rc;
    const char *out_layer = a.opt[O_OUT_LAYER];
    if (out_layer && out_is_input(&a, out_layer)) {
        fprintf(stderr, PROG " measure: --out-layer %s is one of the inputs: refusing to "
                             "overwrite it\n",
                out_layer);
        return EXIT_USAGE;
    }

    lg_ctx *ctx = cli_context();
    if (!ctx)
        return EXIT_BAD_INPUT;
    lg_ctx_set_threads(ctx, a.threads);
    lg_layer *L[R_N] = {0};
    lg_layer *order[R_N];
    size_t n = 0;
    lg_crs *working = NULL;
    lg_zones *zones = NULL;
    lg_result *res = NULL;
    char **opts = NULL;
    rc = EXIT_BAD_INPUT;

    /* open every input (zones first), choose one working CRS, load */
    for (int r = 0; r < R_N; r++) {
        if (!a.role[r])
            continue;
        layer_opts lo = a.lo;
        lo.where = where_for(&a, r);
        lo.layer = NULL;
        if (!(L[r] = open_layer(ctx, a.role[r], NULL, &lo)))
            goto done;
        order[n++] = L[r];
    }
    working = lg_layers_working_crs(ctx, order, n, a.lo.crs);
    if (!working) {
        print_error(ctx);
        if (a.lo.crs)
            rc = EXIT_USAGE;
        goto done;
    }
    for (int r = 0; r < R_N; r++) {
        if (!L[r])
            continue;
        if (lg_layer_load(ctx, L[r], working) != LG_OK) {
            print_error(ctx);
            goto done;
        }
        note_skipped(L[r], ROLE[r].flag);
    }
    zones = lg_zones_new(ctx, L[R_ZONES], a.opt[O_ZONE_FIELD], a.opt[O_ZONE_NAME_FIELD]);
    if (!zones) {
        print_error(ctx);
        goto done;
    }
    if (!(opts = kernel_options(&a))) {
        fprintf(stderr, PROG ": out of memory\n");
        goto done;
    }
    res = run_kernel(ctx, &a, zones, L, (const char *const *)opts);
    if (!res) {
        print_error(ctx);
        goto done;
    }
    if (out_layer) {
        char err[2048];
        if (output_write_gpkg(ctx, res, lg_crs_wkt(working), out_layer, err, sizeof err) != 0) {
            fprintf(stderr, PROG ": error: --out-layer %s: %s\n", out_layer, err);
            goto done;
        }
    }
    if (output_result(stdout, res, a.fmt) != 0) {
        fprintf(stderr, PROG ": error: cannot write the output: %s\n", strerror(errno));
        goto done;
    }
    rc = EXIT_RAN;
done:
    free_options(opts);
    lg_result_free(ctx, res);
    lg_zones_free(ctx, zones);
    for (int r = R_N - 1; r >= 0; r--)
        lg_layer_close(ctx, L[r]);
    lg_crs_free(working);
    lg_ctx_free(ctx);
    return rc;
}
