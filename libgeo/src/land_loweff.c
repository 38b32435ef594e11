/* 城镇低效用地: parcels meeting configurable rules (class, FAR, tax per 亩,
 * idle status) combined with OR, each rule 1/0 or NaN (cannot decide) per
 * parcel, counted and measured per zone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "land_internal.h"

enum { RULE_CLASS, RULE_FAR, RULE_TAX, RULE_IDLE, RULE_N };
static const char *const RULE_NAME[RULE_N] = {"rule:class", "rule:far", "rule:tax",
                                              "rule:idle"};

/* flags per parcel: all parcels, low-efficiency, undetermined, then the
 * enabled rules */
enum { F_PARCELS, F_LOW, F_UNDET, F_RULES };

typedef struct loweff {
    const lg_layer *P;
    int on[RULE_N];
    size_t rule[RULE_N];   /* index among the enabled rules */
    size_t nr;             /* enabled rules */
    /* class */
    int class_f;
    const char *classes;
    /* far */
    int far_f, ind_f;
    land_minfar minfar;
    land_far bfar;
    int by_buildings;
    /* tax */
    int tax_f;
    double share;
    double *ztax, *zland; /* per zone (and total at nz): Σ tax·share, Σ land·share */
    /* idle */
    int status_f;
    const char *idle_values;
    /* tables: flag names, detail columns and where they are */
    const char *flags[3 + RULE_N];
    const char *dcols[5 + RULE_N + 3], *dunits[5 + RULE_N + 3];
    size_t nd, col[5 + 1];
    const lg_layer *B;
    const char *const *options;
} loweff;

/* A field named by an option, any type; -1 with LG_ERR_ARG when absent. */
static int any_field(lg_ctx *ctx, const char *kernel, const char *opt, const lg_layer *L,
                     const char *name)
{
    int f = lg_layer_field_index(L, name);
    if (f < 0)
        lg_error(ctx, LG_ERR_ARG, "%s: %s=%s: %s has no such field", kernel, opt, name,
                 lg_layer_source(L));
    return f;
}

/* Read the options, enable the rules; LG_ERR_ARG naming what is wrong. */
static lg_status loweff_setup(lg_ctx *ctx, const char *kernel, loweff *e, const lg_layer *B,
                              const char *const *o)
{
    const lg_layer *P = e->P;
    const char *cf = lg_opt(o, "CLASS_FIELD"), *cl = lg_opt(o, "CLASSES");
    const char *mf = lg_opt(o, "MIN_FAR"), *ind = lg_opt(o, "INDUSTRY_FIELD"),
               *ff = lg_opt(o, "FAR_FIELD");
    const char *tf = lg_opt(o, "TAX_FIELD"), *ts = lg_opt(o, "TAX_SHARE");
    const char *sf = lg_opt(o, "STATUS_FIELD"), *iv = lg_opt(o, "IDLE_VALUES");
    e->class_f = e->far_f = e->ind_f = e->tax_f = e->status_f = -1;
    if (!cf != !cl)
        return lg_error(ctx, LG_ERR_ARG, "%s: the class rule needs both CLASS_FIELD= and "
                        "CLASSES= (comma-separated)", kernel);
    if (cf) {
        e->on[RULE_CLASS] = 1, e->classes = cl;
        if ((e->class_f = any_field(ctx, kernel, "CLASS_FIELD", P, cf)) < 0)
            return LG_ERR_ARG;
    }
    if (mf || ind) {
        e->on[RULE_FAR] = 1;
        if (ind && (e->ind_f = any_field(ctx, kernel, "INDUSTRY_FIELD", P, ind)) < 0)
            return LG_ERR_ARG;
        if (!ff && !B)
            return lg_error(ctx, LG_ERR_ARG, "%s: the FAR rule needs the parcels' FAR "
                            "(FAR_FIELD=) or a buildings layer", kernel);
        if (ff && B)
            return lg_error(ctx, LG_ERR_ARG, "%s: FAR_FIELD=%s and a buildings layer: give "
                            "one source of FAR", kernel, ff);
        if (ff && (e->far_f = lg_numeric_field(ctx, kernel, "FAR_FIELD", P, ff)) < 0)
            return LG_ERR_ARG;
        if (land_minfar_load(ctx, kernel, mf, ind != NULL, &e->minfar) != LG_OK)
            return lg_ctx_errno(ctx);
        e->by_buildings = B != NULL;
    } else if (ff || B) {
        return lg_error(ctx, LG_ERR_ARG, "%s: %s without MIN_FAR= (or INDUSTRY_FIELD=): the "
                        "FAR rule needs a minimum", kernel,
                        ff ? "FAR_FIELD" : "a buildings layer");
    }
    if (tf) {
        e->on[RULE_TAX] = 1;
        if ((e->tax_f = lg_numeric_field(ctx, kernel, "TAX_FIELD", P, tf)) < 0)
            return LG_ERR_ARG;
        e->share = 0.5;
        if (ts && (!land_number_opt(ctx, kernel, "TAX_SHARE", ts, &e->share) ||
                   !(e->share >= 0)))
            return lg_error(ctx, LG_ERR_ARG, "%s: TAX_SHARE=%s: expected a share >= 0 (0.5: "
                            "half the zone's mean)", kernel, ts);
    } else if (ts) {
        return lg_error(ctx, LG_ERR_ARG, "%s: TAX_SHARE without TAX_FIELD=", kernel);
    }
    if (sf) {
        e->on[RULE_IDLE] = 1, e->idle_values = iv ? iv : "闲置";
        if ((e->status_f = any_field(ctx, kernel, "STATUS_FIELD", P, sf)) < 0)
            return LG_ERR_ARG;
    } else if (iv) {
        return lg_error(ctx, LG_ERR_ARG, "%s: IDLE_VALUES without STATUS_FIELD=", kernel);
    }
    for (size_t r = 0; r < RULE_N; r++)
        if (e->on[r])
            e->rule[r] = e->nr++;
    if (!e->nr)
        return lg_error(ctx, LG_ERR_ARG, "%s: no rule: give CLASS_FIELD= and CLASSES=, MIN_FAR= "
                        "(with FAR_FIELD= or buildings), TAX_FIELD= or STATUS_FIELD=", kernel);
    return LG_OK;
}

/* The zones' mean tax per land over the parcels with a tax value:
 * Σ tax·share and Σ land·share per zone, the total at nz. */
static lg_status zone_tax(lg_ctx *ctx, loweff *e, const land_shares *s)
{
    e->ztax = lg_calloc(ctx, s->nz + 1, sizeof *e->ztax);
    e->zland = lg_calloc(ctx, s->nz + 1, sizeof *e->zland);
    if (!e->ztax || !e->zland)
        return LG_ERR_NOMEM;
    for (size_t z = 0; z < s->nz; z++)
        for (size_t k = 0; k < s->n[z]; k++) {
            const land_piece *p = &s->p[z][k];
            double tax;
            if (!lg_layer_number(e->P, p->f, (size_t)e->tax_f, &tax))
                continue;
            e->ztax[z] += tax * p->share, e->zland[z] += p->m2;
            e->ztax[s->nz] += tax * p->share, e->zland[s->nz] += p->m2;
        }
    return LG_OK;
}

/* Detail columns: land_m2, then far, min_far (FAR rule), tax_per_mu,
 * tax_mean_per_mu (tax rule), the rules, low_efficiency, undetermined,
 * zone_row. */
enum { D_LAND, D_FAR, D_MIN, D_TAX, D_TAXMEAN, D_FIXED };

static void detail_columns(loweff *e)
{
    const char **cols = e->dcols, **units = e->dunits;
    size_t *col = e->col;
    static const char *const fixed[D_FIXED] = {"land_m2", "far", "min_far", "tax_per_mu",
                                               "tax_mean_per_mu"};
    static const char *const fixed_u[D_FIXED] = {"m2", "", "", "/mu", "/mu"};
    size_t n = 0;
    for (size_t c = 0; c < D_FIXED; c++) {
        int on = c == D_LAND || ((c == D_FAR || c == D_MIN) && e->on[RULE_FAR]) ||
                 ((c == D_TAX || c == D_TAXMEAN) && e->on[RULE_TAX]);
        col[c] = on ? n : (size_t)-1;
        if (on)
            cols[n] = fixed[c], units[n++] = fixed_u[c];
    }
    for (size_t r = 0; r < RULE_N; r++)
        if (e->on[r])
            cols[n] = RULE_NAME[r], units[n++] = "1/0";
    cols[n] = "low_efficiency", units[n++] = "1/0";
    cols[n] = "undetermined", units[n++] = "1/0";
    cols[n] = "zone_row", units[n++] = "";
    e->nd = n;
    col[D_FIXED] = n - e->nr - 3;
}

static void set_if(lg_table *t, size_t row, size_t col, double v)
{
    if (col != (size_t)-1)
        lg_table_set(t, row, col, v);
}

/* Each parcel's rules and verdict, into the detail table and flags. */
static void judge(const loweff *e, const land_shares *s, lg_table *dt, const size_t *col,
                  double *flags)
{
    size_t nk = F_RULES + e->nr;
    char buf[64];
    for (size_t i = 0; i < s->nf; i++) {
        double rule[RULE_N] = {0}, land = s->area[i]; /* set for the rules that are on */
        if (e->on[RULE_CLASS]) {
            const char *v = land_code(e->P, i, e->class_f, buf, sizeof buf);
            rule[RULE_CLASS] = v ? land_in_list(e->classes, v) : NAN;
        }
        if (e->on[RULE_FAR]) {
            double far = NAN, v;
            if (e->by_buildings)
                far = lg_ratio(e->bfar.floor[i], land);
            else if (lg_layer_number(e->P, i, (size_t)e->far_f, &v))
                far = v;
            const char *code = land_code(e->P, i, e->ind_f, buf, sizeof buf);
            double min = land_minfar_of(&e->minfar, code);
            /* no minimum for the parcel's industry: the rule does not
             * apply; a table and a NULL industry: cannot tell */
            if (isnan(min))
                rule[RULE_FAR] = e->minfar.mode == 2 && !code ? NAN : 0;
            else
                rule[RULE_FAR] = isnan(far) ? NAN : far < min;
            set_if(dt, i, col[D_FAR], far);
            set_if(dt, i, col[D_MIN], min);
        }
        if (e->on[RULE_TAX]) {
            /* tax/land < share × Σtax/Σland of the parcel's zone, cross-
             * multiplied (Σland > 0): no rounding of 亩 in the test */
            double tax;
            size_t z = s->zone_of[i];
            int has = lg_layer_number(e->P, i, (size_t)e->tax_f, &tax);
            double zt = z == (size_t)-1 ? NAN : e->ztax[z], zl = z == (size_t)-1 ? NAN : e->zland[z];
            rule[RULE_TAX] = has && land > 0 && zl > 0 ? tax * zl < e->share * zt * land : NAN;
            set_if(dt, i, col[D_TAX], has ? lg_ratio(tax, land / LG_M2_PER_MU) : NAN);
            set_if(dt, i, col[D_TAXMEAN], lg_ratio(zt, zl / LG_M2_PER_MU));
        }
        if (e->on[RULE_IDLE]) {
            const char *v = land_code(e->P, i, e->status_f, buf, sizeof buf);
            rule[RULE_IDLE] = v ? land_in_list(e->idle_values, v) : NAN;
        }
        double on[RULE_N];
        size_t n = 0;
        for (size_t r = 0; r < RULE_N; r++)
            if (e->on[r])
                on[n++] = rule[r];
        double verdict = land_any(on, n);
        size_t c = col[D_FIXED];
        lg_table_set(dt, i, col[D_LAND], land);
        for (size_t r = 0; r < n; r++)
            lg_table_set(dt, i, c + r, on[r]);
        lg_table_set(dt, i, c + n, verdict);
        lg_table_set(dt, i, c + n + 1, isnan(verdict));
        lg_table_set(dt, i, c + n + 2, land_zone_row(s, i));
        double *f = flags + i * nk;
        f[F_PARCELS] = 1, f[F_LOW] = verdict, f[F_UNDET] = isnan(verdict);
        for (size_t r = 0; r < n; r++)
            f[F_RULES + r] = on[r];
    }
}

static lg_status loweff_params(lg_ctx *ctx, lg_result *r, const loweff *e, const lg_layer *B,
                               const char *const *o)
{
    char buf[512];
    if (lg_result_add_param(ctx, r, "parcels", lg_layer_source(e->P)) ||
        lg_result_add_param(ctx, r, "combine", "OR: low-efficiency when a rule says so; "
                            "undetermined when none does and a rule cannot decide") ||
        lg_result_add_param(ctx, r, "split", "by area share (whole parcel when the zone "
                            "covers it); counts: once per zone the parcel has area in"))
        return LG_ERR_NOMEM;
    if (e->on[RULE_CLASS] &&
        lg_result_add_paramf(ctx, r, "rule:class", "%s in {%s}; NULL: undetermined",
                             lg_opt(o, "CLASS_FIELD"), e->classes))
        return LG_ERR_NOMEM;
    if (e->on[RULE_FAR]) {
        snprintf(buf, sizeof buf, "FAR %s below the minimum (%s%s%s); no minimum: 0; NULL "
                 "FAR: undetermined", e->by_buildings ? "from the buildings" : "field",
                 e->minfar.desc, e->ind_f >= 0 ? ", industry field " : "",
                 e->ind_f >= 0 ? lg_opt(o, "INDUSTRY_FIELD") : "");
        if (!e->by_buildings) {
            size_t k = strlen(buf);
            snprintf(buf + k, sizeof buf - k, "; FAR_FIELD %s", lg_opt(o, "FAR_FIELD"));
        }
        if (lg_result_add_param(ctx, r, "rule:far", buf) ||
            (e->by_buildings && land_far_report(ctx, r, B, &e->bfar) != LG_OK))
            return LG_ERR_NOMEM;
    }
    if (e->on[RULE_TAX]) {
        snprintf(buf, sizeof buf, "%s per mu < %.15g x the zone's mean (sum of tax / sum of "
                 "mu over the zone's parcels with a %s value, split by area share; the "
                 "parcel's zone: zone_row); NULL tax: undetermined", lg_opt(o, "TAX_FIELD"),
                 e->share, lg_opt(o, "TAX_FIELD"));
        if (lg_result_add_param(ctx, r, "rule:tax", buf))
            return LG_ERR_NOMEM;
    }
    if (e->on[RULE_IDLE] &&
        lg_result_add_paramf(ctx, r, "rule:idle", "%s in {%s}; NULL: undetermined",
                             lg_opt(o, "STATUS_FIELD"), e->idle_values))
        return LG_ERR_NOMEM;
    return lg_result_add_param(ctx, r, "value", "low-efficiency share of the parcels' area (%)");
}

static lg_status loweff_judge(lg_ctx *ctx, const land_shares *s, land_tables *T, double *flags,
                              void *user)
{
    loweff *e = user;
    if (e->on[RULE_TAX] && zone_tax(ctx, e, s) != LG_OK)
        return LG_ERR_NOMEM;
    judge(e, s, T->detail, e->col, flags);
    size_t nk = F_RULES + e->nr;
    for (size_t z = 0; e->on[RULE_TAX] && z <= s->nz; z++)
        lg_table_set(z < s->nz ? T->zones : T->total, z < s->nz ? z : 0, 3 + 3 * nk,
                     lg_ratio(e->ztax[z], e->zland[z] / LG_M2_PER_MU));
    return LG_OK;
}

static lg_status loweff_report(lg_ctx *ctx, lg_result *r, void *user)
{
    loweff *e = user;
    return loweff_params(ctx, r, e, e->B, e->options);
}

lg_result *lg_low_efficiency(lg_ctx *ctx, const lg_zones *zones, const lg_layer *parcels,
                             const lg_layer *buildings, const char *const *options)
{
    static const char *const known[] = {"CLASS_FIELD", "CLASSES", "MIN_FAR", "INDUSTRY_FIELD",
                                        "FAR_FIELD", "BUILDING_PARCEL_FIELD", "PARCEL_ID_FIELD",
                                        "FLOORS_FIELD", "FLOOR_AREA_FIELD", "TAX_FIELD",
                                        "TAX_SHARE", "STATUS_FIELD", "IDLE_VALUES", NULL};
    static const char *const extra[] = {"tax_mean_per_mu"}, *const extra_u[] = {"/mu"};
    const char *kernel = "low-efficiency";
    if (lg_opt_check(ctx, kernel, options, known) != LG_OK ||
        !lg_same_crs(ctx, kernel, zones, parcels) ||
        (buildings && !lg_same_crs(ctx, kernel, zones, buildings)))
        return NULL;
    loweff e = {.P = parcels, .B = buildings, .options = options,
                .flags = {"parcels", "low", "undetermined"}};
    lg_result *r = NULL;
    if (loweff_setup(ctx, kernel, &e, buildings, options) == LG_OK &&
        (!e.by_buildings ||
         land_far_compute(ctx, kernel, parcels, buildings, options, &e.bfar) == LG_OK)) {
        for (size_t q = 0; q < RULE_N; q++)
            if (e.on[q])
                e.flags[F_RULES + e.rule[q]] = RULE_NAME[q];
        detail_columns(&e);
        land_rules_spec spec = {
            .kernel = kernel, .flags = e.flags, .nk = F_RULES + e.nr, .num = F_LOW,
            .den = F_PARCELS, .extra = extra, .extra_units = extra_u,
            .nextra = (size_t)e.on[RULE_TAX], .detail = "parcels", .dcols = e.dcols,
            .dunits = e.dunits, .ndcols = e.nd, .judge = loweff_judge,
            .params = loweff_report};
        r = land_rules_result(ctx, zones, parcels, &spec, &e);
    }
    free(e.ztax);
    free(e.zland);
    land_far_free(&e.bfar);
    land_minfar_free(&e.minfar);
    return r;
}
