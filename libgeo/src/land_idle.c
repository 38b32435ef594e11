/* 闲置土地 by 《闲置土地处置办法》(国土资源部令第53号, 2012), 第二条, as of a
 * day: (a) not started one full year after the agreed start date; (b)
 * started, but developed on less than 1/3 of the land or with less than
 * 25 % of the investment, and halted for one full year.  Each rule is 1/0
 * or NaN (cannot decide) per supply record; records are counted and
 * measured per zone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "land_internal.h"

/* flags per record */
enum { F_RECORDS, F_IDLE, F_NOT_IDLE, F_UNDET, F_RULE_A, F_RULE_B, F_N };
static const char *const FLAG_NAME[F_N] = {"records", "idle", "not_idle", "undetermined",
                                           "rule_a", "rule_b"};

/* detail columns */
enum {
    D_AREA, D_SUPPLY, D_DUE, D_START, D_HALT, D_DEV, D_INV, D_COUNTED, D_RULE_A, D_RULE_B,
    D_IDLE, D_UNDET, D_DUE_FROM_SUPPLY, D_ZONE, D_N
};
static const char *const DCOL[D_N] = {"area_m2", "supply_dt", "start_due", "start_dt",
                                      "halted_dt", "developed_m2", "invested_pct", "counted",
                                      "rule_a", "rule_b", "idle", "undetermined",
                                      "due_from_supply", "zone_row"};
static const char *const DUNIT[D_N] = {"m2", "YYYYMMDD", "YYYYMMDD", "YYYYMMDD", "YYYYMMDD",
                                       "m2", "%", "1/0", "1/0", "1/0", "1/0", "1/0", "1/0", ""};

typedef struct idle_in {
    const lg_layer *L;
    const char *const *options;
    int as_of;
    int no_due_supply;            /* NO_DUE=supply */
    int *supply, *due, *start, *halt; /* per record, 0: NULL (halt: NULL when no field) */
    int dev_f, inv_f;             /* -1: not given */
    size_t not_supplied, no_due, inv_looks_share, b_unknown;
} idle_in;

/* Kleene AND of two rule values (1, 0, NaN). */
static double and3(double a, double b)
{
    if (a == 0 || b == 0)
        return 0;
    return a == 1 && b == 1 ? 1 : NAN;
}

/* Rule b for a started record of area `area`. */
static double rule_b(const idle_in *in, const lg_layer *L, size_t i, double area, double *dev,
                     double *inv)
{
    /* small: developed < 1/3 of the area (3·dev < area: exactly 1/3 is
     * not small) or invested < 25 % (exactly 25 % is not) */
    int has_dev = in->dev_f >= 0 && lg_layer_number(L, i, (size_t)in->dev_f, dev);
    int has_inv = in->inv_f >= 0 && lg_layer_number(L, i, (size_t)in->inv_f, inv);
    if (!has_dev)
        *dev = NAN;
    if (!has_inv)
        *inv = NAN;
    double small;
    if ((has_dev && 3 * *dev < area) || (has_inv && *inv < 25))
        small = 1;
    else
        small = has_dev && has_inv ? 0 : NAN;
    /* halted for one full year: a NULL halt date is "not halted"; no
     * HALTED_FIELD: unknown */
    double halted;
    if (!in->halt)
        halted = NAN;
    else
        halted = in->halt[i] && in->halt[i] <= in->as_of &&
                 in->as_of >= land_plus_year(in->halt[i]);
    return and3(small, halted);
}

/* Every record's rules into the detail table and the flags. */
static void judge(idle_in *in, const lg_layer *L, const land_shares *s, lg_table *dt,
                  double *flags)
{
    for (size_t i = 0; i < s->nf; i++) {
        double v[D_N], *f = flags + i * F_N;
        for (size_t c = 0; c < D_N; c++)
            v[c] = NAN;
        v[D_AREA] = s->area[i];
        v[D_SUPPLY] = in->supply[i] ? (double)in->supply[i] : NAN;
        v[D_DUE] = in->due[i] ? (double)in->due[i] : NAN;
        v[D_START] = in->start[i] ? (double)in->start[i] : NAN;
        v[D_HALT] = in->halt && in->halt[i] ? (double)in->halt[i] : NAN;
        v[D_ZONE] = land_zone_row(s, i);
        int counted = in->supply[i] && in->supply[i] <= in->as_of;
        v[D_COUNTED] = counted;
        for (size_t k = 0; k < F_N; k++)
            f[k] = 0;
        if (!counted) {
            in->not_supplied++;
            for (size_t c = 0; c < D_N; c++)
                lg_table_set(dt, i, c, v[c]);
            continue;
        }
        int due = in->due[i];
        v[D_DUE_FROM_SUPPLY] = 0;
        if (!due) {
            in->no_due++;
            if (in->no_due_supply)
                due = in->supply[i], v[D_DUE_FROM_SUPPLY] = 1;
        }
        /* started as of AS_OF: a start date after it has not happened yet */
        int started = in->start[i] && in->start[i] <= in->as_of;
        double dev = NAN, inv = NAN;
        if (!started) {
            v[D_RULE_A] = due ? in->as_of >= land_plus_year(due) : NAN;
            v[D_RULE_B] = 0;
        } else {
            v[D_RULE_A] = 0;
            v[D_RULE_B] = rule_b(in, L, i, s->area[i], &dev, &inv);
            in->b_unknown += isnan(v[D_RULE_B]);
        }
        v[D_DEV] = dev, v[D_INV] = inv;
        v[D_IDLE] = land_any(&v[D_RULE_A], 2);
        v[D_UNDET] = isnan(v[D_IDLE]);
        for (size_t c = 0; c < D_N; c++)
            lg_table_set(dt, i, c, v[c]);
        f[F_RECORDS] = 1;
        f[F_IDLE] = v[D_IDLE];
        f[F_NOT_IDLE] = v[D_IDLE] == 0;
        f[F_UNDET] = v[D_UNDET];
        f[F_RULE_A] = v[D_RULE_A];
        f[F_RULE_B] = v[D_RULE_B];
    }
}

/* INVESTED_FIELD holds percent 0–100: anything else is an error naming
 * the record; values all within [0, 1] are probably shares (a warning). */
static lg_status check_invested(lg_ctx *ctx, const char *kernel, const lg_layer *L, idle_in *in)
{
    size_t n = 0, small = 0;
    for (size_t i = 0; i < lg_layer_size(L); i++) {
        double v;
        if (!lg_layer_number(L, i, (size_t)in->inv_f, &v))
            continue;
        if (!(v >= 0 && v <= 100))
            return lg_error(ctx, LG_ERR_ARG, "%s: %s FID %lld field %s: %.15g is not a percent "
                            "(0-100)", kernel, lg_layer_source(L), lg_layer_fid(L, i),
                            lg_layer_field_name(L, (size_t)in->inv_f), v);
        n++;
        small += v <= 1;
    }
    in->inv_looks_share = n && small == n ? n : 0;
    return LG_OK;
}

static lg_status idle_read(lg_ctx *ctx, const char *kernel, const lg_layer *L,
                           const char *const *o, idle_in *in)
{
    const char *as_of = lg_opt(o, "AS_OF"), *nd = lg_opt(o, "NO_DUE");
    if (!as_of)
        return lg_error(ctx, LG_ERR_ARG, "%s needs AS_OF=YYYY-MM-DD (the day the rules are "
                        "applied on)", kernel);
    if (!land_date_parse(as_of, &in->as_of) || strlen(as_of) != 10)
        return lg_error(ctx, LG_ERR_ARG, "%s: AS_OF=%s: expected a date YYYY-MM-DD", kernel,
                        as_of);
    if (nd && strcmp(nd, "undetermined") && strcmp(nd, "supply"))
        return lg_error(ctx, LG_ERR_ARG, "%s: NO_DUE=%s: use undetermined or supply", kernel,
                        nd);
    in->no_due_supply = nd && !strcmp(nd, "supply");
    const char *sd = lg_opt(o, "SUPPLY_DATE_FIELD"), *dd = lg_opt(o, "DUE_FIELD"),
               *st = lg_opt(o, "START_FIELD"), *hd = lg_opt(o, "HALTED_FIELD"),
               *dv = lg_opt(o, "DEVELOPED_FIELD"), *iv = lg_opt(o, "INVESTED_FIELD");
    size_t nulls;
    if (!(in->supply = land_read_dates(ctx, kernel, L, "SUPPLY_DATE_FIELD",
                                       sd ? sd : "supply_dt", &nulls)) ||
        !(in->due = land_read_dates(ctx, kernel, L, "DUE_FIELD", dd ? dd : "start_due",
                                    &nulls)) ||
        !(in->start = land_read_dates(ctx, kernel, L, "START_FIELD", st ? st : "start_dt",
                                      &nulls)) ||
        (hd && !(in->halt = land_read_dates(ctx, kernel, L, "HALTED_FIELD", hd, &nulls))))
        return lg_ctx_errno(ctx) ? lg_ctx_errno(ctx) : LG_ERR_NOMEM;
    in->dev_f = dv ? lg_numeric_field(ctx, kernel, "DEVELOPED_FIELD", L, dv) : -1;
    in->inv_f = iv ? lg_numeric_field(ctx, kernel, "INVESTED_FIELD", L, iv) : -1;
    if ((dv && in->dev_f < 0) || (iv && in->inv_f < 0))
        return LG_ERR_ARG;
    return in->inv_f >= 0 ? check_invested(ctx, kernel, L, in) : LG_OK;
}

static lg_status idle_params(lg_ctx *ctx, lg_result *r, const lg_layer *L, const idle_in *in,
                             const char *const *o)
{
    const char *sd = lg_opt(o, "SUPPLY_DATE_FIELD"), *dd = lg_opt(o, "DUE_FIELD"),
               *st = lg_opt(o, "START_FIELD"), *hd = lg_opt(o, "HALTED_FIELD"),
               *dv = lg_opt(o, "DEVELOPED_FIELD"), *iv = lg_opt(o, "INVESTED_FIELD");
    if (lg_result_add_param(ctx, r, "supply", lg_layer_source(L)) ||
        lg_result_add_param(ctx, r, "as_of", lg_opt(o, "AS_OF")) ||
        lg_result_add_param(ctx, r, "rule", "国土资源部令第53号 (2012) 第二条") ||
        lg_result_add_paramf(ctx, r, "rule_a", "not started (%s NULL or after AS_OF) and AS_OF "
                             ">= %s + 1 year", st ? st : "start_dt", dd ? dd : "start_due") ||
        lg_result_add_paramf(ctx, r, "rule_b", "started, developed < 1/3 of the area (%s) or "
                             "invested < 25 %% (%s, percent), and AS_OF >= halted (%s) + 1 year",
                             dv ? dv : "not given", iv ? iv : "not given",
                             hd ? hd : "not given") ||
        lg_result_add_param(ctx, r, "one_year", "the same day a year later; from 29 February: "
                            "1 March") ||
        lg_result_add_param(ctx, r, "counted", "records supplied on or before AS_OF "
                            "(supply date field not NULL)") ||
        lg_result_add_param(ctx, r, "supply_date_field", sd ? sd : "supply_dt") ||
        lg_result_add_param(ctx, r, "no_due", in->no_due_supply
                            ? "supply: one year from the supply date (contract or allocation)"
                            : "undetermined") ||
        lg_result_add_param(ctx, r, "split", "by area share (whole record when the zone "
                            "covers it); counts: once per zone the record has area in") ||
        lg_result_add_param(ctx, r, "value", "idle share of the counted records' area (%)"))
        return LG_ERR_NOMEM;
    if (in->not_supplied)
        lg_result_warn(ctx, r, "%zu record(s) of %s not supplied on or before %s (NULL or later "
                       "supply date): not counted", in->not_supplied, lg_layer_source(L),
                       lg_opt(o, "AS_OF"));
    if (in->no_due)
        lg_result_warn(ctx, r, "%zu counted record(s) of %s have no agreed start date (%s): %s",
                       in->no_due, lg_layer_source(L), dd ? dd : "start_due",
                       in->no_due_supply ? "rule a counts from the supply date"
                                         : "rule a cannot decide for those not started");
    if (in->b_unknown)
        lg_result_warn(ctx, r, "%zu started record(s) of %s: rule b cannot decide (it needs "
                       "HALTED_FIELD, and DEVELOPED_FIELD or INVESTED_FIELD, with values): "
                       "undetermined", in->b_unknown, lg_layer_source(L));
    if (in->inv_looks_share)
        lg_result_warn(ctx, r, "every value of %s is within 0-1: it is read as percent (0-100); "
                       "multiply shares by 100", iv);
    return LG_OK;
}

static lg_status idle_judge(lg_ctx *ctx, const land_shares *s, land_tables *T, double *flags,
                            void *user)
{
    (void)ctx;
    idle_in *in = user;
    judge(in, in->L, s, T->detail, flags);
    return LG_OK;
}

static lg_status idle_report(lg_ctx *ctx, lg_result *r, void *user)
{
    idle_in *in = user;
    return idle_params(ctx, r, in->L, in, in->options);
}

lg_result *lg_idle_land(lg_ctx *ctx, const lg_zones *zones, const lg_layer *supply,
                        const char *const *options)
{
    static const char *const known[] = {"AS_OF",          "SUPPLY_DATE_FIELD", "DUE_FIELD",
                                        "START_FIELD",    "HALTED_FIELD",      "DEVELOPED_FIELD",
                                        "INVESTED_FIELD", "NO_DUE",            NULL};
    static const land_rules_spec spec = {
        .kernel = "idle-land", .flags = FLAG_NAME, .nk = F_N, .num = F_IDLE, .den = F_RECORDS,
        .detail = "supply", .dcols = DCOL, .dunits = DUNIT, .ndcols = D_N,
        .judge = idle_judge, .params = idle_report};
    if (lg_opt_check(ctx, spec.kernel, options, known) != LG_OK ||
        !lg_same_crs(ctx, spec.kernel, zones, supply))
        return NULL;
    idle_in in = {.L = supply, .options = options};
    lg_result *r = idle_read(ctx, spec.kernel, supply, options, &in) == LG_OK
                       ? land_rules_result(ctx, zones, supply, &spec, &in)
                       : NULL;
    free(in.supply);
    free(in.due);
    free(in.start);
    free(in.halt);
    return r;
}
