/* 亩均效益 scoring: exemptions, scoring groups, points per indicator,
 * classes and ranks.
 *
 * Order for each firm: exempt (industry, age, parcel status) → "T";
 * else in no group → "N"; else no land → "N"; else, under missing:
 * not_rated, an item that does not exist → "N".  The others are the
 * group's rated firms: normalisation (min, max, ranks) is over them, and
 * an item that does not exist scores 0 and is flagged (missing: zero).
 *
 * Points of an item with weight w and measure x:
 *   ratio   w × min(max(x ÷ benchmark, 0), cap)   (no cap: unbounded)
 *   minmax  w × [20 + 80 × (x − min) ÷ (max − min)] ÷ 100; w when max = min
 *   rank    w × (n − r + 1) ÷ n, r = 1 + the firms with a higher x
 * over the n rated firms of the group having x.  Score = Σ points.
 *
 * Classes by cut-off: the first class (best first) whose minimum the
 * score reaches, else the last.  By rank shares: the firms sorted by
 * score, best first; position i (from 1) gets the first class whose
 * cumulative share covers it, i ≤ ⌊n × cumulative % ÷ 100 + 0.5⌋ (round
 * half up), the last class the rest; firms with equal scores all take the
 * class of the first of them (ties are never split). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efficiency_internal.h"
#include "measure_internal.h"

static const ef_classes *rule_of(const lg_eff_config *c, const ef_group *g)
{
    return g->classes.set ? &g->classes : &c->classes;
}

size_t ef_class_names(const lg_eff_config *c, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t gi = 0; gi < c->ngroups; gi++) {
        const ef_classes *r = rule_of(c, &c->groups[gi]);
        for (size_t k = 0; k < r->n; k++) {
            size_t j = 0;
            while (j < n && strcmp(names[j], r->name[k]) != 0)
                j++;
            if (j == n && n + 2 < max)
                names[n++] = r->name[k];
        }
    }
    names[n++] = "T";
    names[n++] = "N";
    return n;
}

/* ------------------------------------------------------------------ */
/* Exemptions and groups                                               */

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (!strcmp(s, list[i]))
            return 1;
    return 0;
}

static const char *parcel_status(const lg_efficiency *e, const ef_firm *F)
{
    const pj_layer *pp = ef_layer(e->c, "parcels");
    if (!e->par || F->parcel < 0)
        return NULL;
    int fi = lg_layer_field_index(e->par, pj_field(pp, "status"));
    return fi >= 0 ? lg_layer_text(e->par, (size_t)F->parcel, (size_t)fi) : NULL;
}

/* "T" with the reasons, when the firm is exempt. */
static int exempt(lg_efficiency *e, ef_firm *F)
{
    const lg_eff_config *c = e->c;
    char why[512] = "";
    size_t len = 0;
    if (in_list(F->pub.industry, c->ex_industries, c->nex_industries))
        len += (size_t)snprintf(why + len, sizeof why - len, "exempt industry %s",
                                F->pub.industry);
    int age = c->year - F->pub.start_year;
    if (len < sizeof why && c->ex_min_years > 0 && F->pub.start_year && age < c->ex_min_years)
        len += (size_t)snprintf(why + len, sizeof why - len, "%sstarted %d, %d year%s before %d "
                                "(< %d)", len ? "; " : "", F->pub.start_year, age,
                                age == 1 ? "" : "s", c->year, c->ex_min_years);
    const char *st = parcel_status(e, F);
    if (len < sizeof why && in_list(st, c->ex_status, c->nex_status))
        len += (size_t)snprintf(why + len, sizeof why - len, "%sparcel %s is %s",
                                len ? "; " : "", F->pub.parcel, st);
    if (!len)
        return 0;
    F->pub.cls = "T";
    F->pub.reason = ef_str(e, why);
    return 1;
}

static int selected(const lg_efficiency *e, const ef_group *g, const ef_firm *F)
{
    if (!g->sel_field)
        return 1;
    const pj_layer *pe = ef_layer(e->c, "enterprises");
    int fi = lg_layer_field_index(e->ent, pj_field(pe, g->sel_field));
    if (fi < 0)
        return 0;
    const char *t = lg_layer_text(e->ent, F->feature, (size_t)fi);
    double x;
    int num = !t && lg_layer_number(e->ent, F->feature, (size_t)fi, &x);
    for (size_t k = 0; k < g->nsel; k++) {
        char *end;
        double y = strtod(g->sel_values[k], &end);
        if ((t && !strcmp(t, g->sel_values[k])) || (num && !*end && x == y))
            return 1;
    }
    return 0;
}

/* Why measure m of F does not exist. */
static const char *missing_why(const ef_firm *F, lg_eff_measure m, char *buf, size_t n)
{
    lg_eff_input a = lg_eff_measure_numerator(m), b = lg_eff_measure_denominator(m);
    if (!isfinite(F->pub.input[a]))
        snprintf(buf, n, "%s missing", lg_eff_input_name(a));
    else if (!isfinite(F->pub.input[b]))
        snprintf(buf, n, "%s missing", lg_eff_input_name(b));
    else
        snprintf(buf, n, "%s is %g", lg_eff_input_name(b), F->pub.input[b]);
    return buf;
}

/* The firm's class before scoring: "T", "N" or NULL (to be rated). */
static void triage(lg_efficiency *e, ef_firm *F)
{
    const lg_eff_config *c = e->c;
    for (size_t gi = 0; gi < c->ngroups && !F->g; gi++)
        if (selected(e, &c->groups[gi], F))
            F->g = &c->groups[gi];
    F->pub.group = F->g ? F->g->name : "";
    F->pub.cls = NULL;
    if (exempt(e, F))
        return;
    char why[256];
    if (!F->g)
        snprintf(why, sizeof why, "in no scoring group");
    else if (!(F->pub.input[LG_EFF_LAND] > 0))
        snprintf(why, sizeof why, "no land area (no certificate area, no parcel or polygon)");
    else
        why[0] = 0;
    for (size_t k = 0; F->g && !why[0] && c->missing_not_rated && k < F->g->nitems; k++) {
        lg_eff_measure m = F->g->items[k].m;
        char b[128];
        if (!isfinite(F->pub.measure[m]))
            snprintf(why, sizeof why, "%s does not exist (%s)", lg_eff_measure_name(m),
                     missing_why(F, m, b, sizeof b));
    }
    if (why[0]) {
        F->pub.cls = "N";
        F->pub.reason = ef_str(e, why);
    }
}

/* ------------------------------------------------------------------ */
/* Points                                                              */

typedef struct cand {
    ef_firm **f;
    size_t n;
} cand;

static double item_points(const ef_item *it, const cand *c, double x)
{
    if (it->method == EF_RATIO) {
        double r = fmax(x / it->benchmark, 0);
        return it->weight * (isfinite(it->cap) ? fmin(r, it->cap) : r);
    }
    double lo = INFINITY, hi = -INFINITY, n = 0, higher = 0;
    for (size_t i = 0; i < c->n; i++) {
        double y = c->f[i]->pub.measure[it->m];
        if (!isfinite(y))
            continue;
        lo = fmin(lo, y), hi = fmax(hi, y), n++;
        higher += y > x;
    }
    if (it->method == EF_MINMAX)
        return hi > lo ? it->weight * (20 + 80 * (x - lo) / (hi - lo)) / 100 : it->weight;
    return it->weight * (n - higher) / n; /* rank r = higher + 1 */
}

static void score_firm(lg_efficiency *e, const cand *c, ef_firm *F)
{
    F->pub.score = 0;
    for (size_t k = 0; k < F->g->nitems; k++) {
        const ef_item *it = &F->g->items[k];
        double x = F->pub.measure[it->m];
        char b[128];
        F->points[it->m] = isfinite(x) ? item_points(it, c, x) : 0;
        if (!isfinite(x))
            ef_flag(e, F, "%s scored 0: %s", lg_eff_measure_name(it->m),
                    missing_why(F, it->m, b, sizeof b));
        F->pub.score += F->points[it->m];
    }
}

/* ------------------------------------------------------------------ */
/* Classes and ranks                                                   */

static int by_score(const void *a, const void *b)
{
    const ef_firm *x = *(ef_firm *const *)a, *y = *(ef_firm *const *)b;
    if (x->pub.score != y->pub.score)
        return x->pub.score < y->pub.score ? 1 : -1;
    return (x->feature > y->feature) - (x->feature < y->feature);
}

static const char *class_by_cutoff(const ef_classes *r, double score)
{
    for (size_t k = 0; k + 1 < r->n; k++)
        if (score >= r->value[k])
            return r->name[k];
    return r->name[r->n - 1];
}

/* The class of rank position pos (from 1) of n. */
static const char *class_by_rank(const ef_classes *r, size_t pos, size_t n)
{
    double cum = 0;
    for (size_t k = 0; k + 1 < r->n; k++) {
        cum += r->value[k];
        if ((double)pos <= floor((double)n * cum / 100 + 0.5 + 1e-9))
            return r->name[k];
    }
    return r->name[r->n - 1];
}

static void classify(const lg_eff_config *c, const ef_group *g, cand *cd)
{
    const ef_classes *r = rule_of(c, g);
    qsort(cd->f, cd->n, sizeof *cd->f, by_score);
    size_t first = 0;
    for (size_t i = 0; i < cd->n; i++) {
        ef_firm *F = cd->f[i];
        if (i == 0 || F->pub.score != cd->f[i - 1]->pub.score)
            first = i; /* a tie takes its first member's rank and class */
        F->pub.rank = (int)first + 1;
        F->pub.cls = r->by_rank ? class_by_rank(r, first + 1, cd->n)
                                : class_by_cutoff(r, F->pub.score);
    }
}

lg_status ef_score(lg_ctx *ctx, lg_efficiency *e)
{
    cand cd = {lg_malloc(ctx, (e->n ? e->n : 1) * sizeof *cd.f), 0};
    if (!cd.f)
        return LG_ERR_NOMEM;
    for (size_t f = 0; f < e->n; f++)
        triage(e, &e->firms[f]);
    for (size_t gi = 0; gi < e->c->ngroups; gi++) {
        const ef_group *g = &e->c->groups[gi];
        cd.n = 0;
        for (size_t f = 0; f < e->n; f++)
            if (e->firms[f].g == g && !e->firms[f].pub.cls)
                cd.f[cd.n++] = &e->firms[f];
        for (size_t i = 0; i < cd.n; i++)
            score_firm(e, &cd, cd.f[i]);
        classify(e->c, g, &cd);
    }
    for (size_t f = 0; f < e->n; f++)
        if (!e->firms[f].pub.cls) /* not reached: every firm is triaged or scored */
            e->firms[f].pub.cls = "N";
    free(cd.f);
    return LG_OK;
}
