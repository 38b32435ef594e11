/* Class bounds for thematic maps: quantiles, equal intervals, Jenks
 * natural breaks (Fisher's exact dynamic programme).  Pure functions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libgeo/lg_map.h"
#include "lg_internal.h"

static const char *const METHOD_NAMES[] = {"quantile", "equal", "jenks", "breaks",
                                           "categorical"};

int lg_class_method_parse(const char *text, lg_class_method *out)
{
    for (int i = 0; text && i < 5; i++)
        if (!lg_strcasecmp(text, METHOD_NAMES[i])) {
            *out = (lg_class_method)i;
            return 1;
        }
    return 0;
}

const char *lg_class_method_name(lg_class_method method)
{
    return (unsigned)method < 5 ? METHOD_NAMES[method] : "?";
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type 7 quantile of sorted v[0..n-1]. */
static double quantile(const double *v, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

/* Fisher–Jenks on sorted v[0..n-1] into k classes: the class maxima go to
 * bounds[1..k], bounds[0] = v[0].  O(k n²) time, O(k n) memory. */
static int jenks(lg_ctx *ctx, const double *v, size_t n, int k, double *bounds)
{
    size_t K = (size_t)k;
    /* lower[j * (n+1) + i]: first index of the last class in the best split
     * of v[0..i-1] into j+1 classes; var likewise its cost */
    size_t *lower = lg_calloc(ctx, K * (n + 1), sizeof *lower);
    double *cost = lg_calloc(ctx, K * (n + 1), sizeof *cost);
    double *s1 = lg_calloc(ctx, n + 1, sizeof *s1), *s2 = lg_calloc(ctx, n + 1, sizeof *s2);
    if (!lower || !cost || !s1 || !s2) {
        free(lower), free(cost), free(s1), free(s2);
        return -1;
    }
    /* prefix sums, shifted by the mean for accuracy */
    double shift = v[n / 2];
    for (size_t i = 0; i < n; i++) {
        double d = v[i] - shift;
        s1[i + 1] = s1[i] + d;
        s2[i + 1] = s2[i] + d * d;
    }
#define SSD(a, b) /* sum of squared deviations of v[a..b-1] */                                \
    (s2[b] - s2[a] - (s1[b] - s1[a]) * (s1[b] - s1[a]) / (double)((b) - (a)))
    for (size_t i = 1; i <= n; i++) {
        cost[i] = SSD(0, i);
        lower[i] = 0;
    }
    for (size_t j = 1; j < K; j++) {
        for (size_t i = j + 1; i <= n; i++) {
            double best = INFINITY;
            size_t arg = j;
            /* the last class is v[m..i-1], m ≥ j */
            for (size_t m = j; m < i; m++) {
                double c = cost[(j - 1) * (n + 1) + m] + SSD(m, i);
                if (c < best) {
                    best = c;
                    arg = m;
                }
            }
            cost[j * (n + 1) + i] = best;
            lower[j * (n + 1) + i] = arg;
        }
    }
#undef SSD
    size_t end = n;
    for (size_t j = K; j-- > 0;) {
        bounds[j + 1] = v[end - 1];
        end = j ? lower[j * (n + 1) + end] : 0;
    }
    bounds[0] = v[0];
    free(lower), free(cost), free(s1), free(s2);
    return 0;
}

lg_status lg_class_bounds(lg_ctx *ctx, lg_class_method method, const double *values,
                          size_t n, int k, double *bounds, int *nclasses)
{
    if (k < 1 || k > 64)
        return lg_error(ctx, LG_ERR_ARG, "classes: between 1 and 64 classes, not %d", k);
    if (method != LG_CLASS_QUANTILE && method != LG_CLASS_EQUAL && method != LG_CLASS_JENKS)
        return lg_error(ctx, LG_ERR_ARG, "classes: %s bounds are not computed from values",
                        lg_class_method_name(method));
    double *v = lg_malloc(ctx, (n ? n : 1) * sizeof *v);
    if (!v)
        return LG_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(values[i]))
            v[m++] = values[i];
    if (!m) {
        free(v);
        return lg_error(ctx, LG_ERR_ARG, "classes: no value to class (all are missing)");
    }
    qsort(v, m, sizeof *v, cmp_double);
    size_t distinct = 1;
    for (size_t i = 1; i < m; i++)
        distinct += v[i] != v[i - 1];
    if ((size_t)k > distinct)
        k = (int)distinct;
    lg_status st = LG_OK;
    if (k == 1) {
        bounds[0] = v[0];
        bounds[1] = v[m - 1];
    } else if (method == LG_CLASS_EQUAL) {
        double lo = v[0], hi = v[m - 1];
        for (int j = 0; j <= k; j++)
            bounds[j] = j == k ? hi : lo + (hi - lo) * j / k;
    } else if (method == LG_CLASS_QUANTILE) {
        bounds[0] = v[0];
        for (int j = 1; j < k; j++)
            bounds[j] = quantile(v, m, (double)j / k);
        bounds[k] = v[m - 1];
    } else {
        /* Jenks: on at most 4000 evenly spaced order statistics */
        const size_t cap = 4000;
        double *w = v;
        size_t nw = m;
        if (m > cap) {
            w = lg_malloc(ctx, cap * sizeof *w);
            if (!w) {
                free(v);
                return LG_ERR_NOMEM;
            }
            for (size_t i = 0; i < cap; i++)
                w[i] = v[(size_t)((double)i * (double)(m - 1) / (double)(cap - 1) + 0.5)];
            nw = cap;
        }
        if (jenks(ctx, w, nw, k, bounds) != 0)
            st = LG_ERR_NOMEM;
        bounds[0] = v[0];
        bounds[k] = v[m - 1];
        if (w != v)
            free(w);
    }
    free(v);
    if (st != LG_OK)
        return st;
    /* merge coinciding interior bounds (ties across a quantile); a first
     * class holding only the minimum (b[1] = b[0]) is a class */
    int out = 0;
    for (int j = 1; j <= k; j++)
        if (bounds[j] > bounds[out] || out == 0)
            bounds[++out] = bounds[j];
    *nclasses = out;
    return LG_OK;
}

int lg_class_of(const double *bounds, int nclasses, double v)
{
    if (isnan(v) || nclasses < 1 || v < bounds[0] || v > bounds[nclasses])
        return -1;
    for (int j = 0; j < nclasses - 1; j++)
        if (v <= bounds[j + 1])
            return j;
    return nclasses - 1;
}
