/* A static packed R-tree over bounding boxes (Hilbert-sorted leaves, 16
 * entries per node, as in flatbush).  Built once, then queried from any
 * number of threads: queries only read. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "measure_internal.h"

#define NODE 16

struct lg_index {
    size_t n;          /* items */
    size_t nboxes;     /* items + internal nodes */
    double *boxes;     /* 4 per box: minx, miny, maxx, maxy */
    size_t *ids;       /* leaf: item index; internal: index of first child box */
    size_t *level_end; /* box index where each level ends */
    int levels;
};

/* Hilbert index of (x, y) in a 2^16 grid (from "Hacker's Delight"-style
 * bit interleaving, as flatbush does). */
static uint32_t hilbert(uint32_t x, uint32_t y)
{
    uint32_t a = x ^ y, b = 0xFFFF ^ a, c = 0xFFFF ^ (x | y), d = x & (y ^ 0xFFFF);
    uint32_t A = a | (b >> 1), B = (a >> 1) ^ a, C = ((c >> 1) ^ (b & (d >> 1))) ^ c,
             D = ((a & (c >> 1)) ^ (d >> 1)) ^ d;
    a = A, b = B, c = C, d = D;
    A = ((a & (a >> 2)) ^ (b & (b >> 2)));
    B = ((a & (b >> 2)) ^ (b & ((a ^ b) >> 2)));
    C ^= ((a & (c >> 2)) ^ (b & (d >> 2)));
    D ^= ((b & (c >> 2)) ^ ((a ^ b) & (d >> 2)));
    a = A, b = B, c = C, d = D;
    A = ((a & (a >> 4)) ^ (b & (b >> 4)));
    B = ((a & (b >> 4)) ^ (b & ((a ^ b) >> 4)));
    C ^= ((a & (c >> 4)) ^ (b & (d >> 4)));
    D ^= ((b & (c >> 4)) ^ ((a ^ b) & (d >> 4)));
    a = A, b = B, c = C, d = D;
    C ^= ((a & (c >> 8)) ^ (b & (d >> 8)));
    D ^= ((b & (c >> 8)) ^ ((a ^ b) & (d >> 8)));
    a = C ^ (C >> 1);
    b = D ^ (D >> 1);
    uint32_t i0 = x ^ y, i1 = b | (0xFFFF ^ (i0 | a));
    i0 = (i0 | (i0 << 8)) & 0x00FF00FF;
    i0 = (i0 | (i0 << 4)) & 0x0F0F0F0F;
    i0 = (i0 | (i0 << 2)) & 0x33333333;
    i0 = (i0 | (i0 << 1)) & 0x55555555;
    i1 = (i1 | (i1 << 8)) & 0x00FF00FF;
    i1 = (i1 | (i1 << 4)) & 0x0F0F0F0F;
    i1 = (i1 | (i1 << 2)) & 0x33333333;
    i1 = (i1 | (i1 << 1)) & 0x55555555;
    return (i1 << 1) | i0;
}

typedef struct {
    uint32_t h;
    size_t i;
} hkey;

static int cmp_hkey(const void *a, const void *b)
{
    const hkey *x = a, *y = b;
    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i; /* stable: deterministic */
}

lg_index *lg_index_free(lg_index *idx)
{
    if (!idx)
        return NULL;
    free(idx->boxes);
    free(idx->ids);
    free(idx->level_end);
    free(idx);
    return NULL;
}

lg_index *lg_index_build(lg_ctx *ctx, const double *boxes, size_t n)
{
    lg_index *idx = lg_calloc(ctx, 1, sizeof *idx);
    if (!idx)
        return NULL;
    idx->n = n;
    /* count boxes over all levels */
    size_t total = n, m = n;
    int levels = 1;
    while (m > 1) {
        m = (m + NODE - 1) / NODE;
        total += m;
        levels++;
    }
    if (n == 0)
        total = 0, levels = 0;
    idx->nboxes = total;
    idx->levels = levels;
    idx->boxes = lg_malloc(ctx, (total ? total : 1) * 4 * sizeof(double));
    idx->ids = lg_malloc(ctx, (total ? total : 1) * sizeof(size_t));
    idx->level_end = lg_malloc(ctx, (size_t)(levels ? levels : 1) * sizeof(size_t));
    hkey *keys = lg_malloc(ctx, (n ? n : 1) * sizeof *keys);
    if (!idx->boxes || !idx->ids || !idx->level_end || !keys) {
        free(keys);
        return lg_index_free(idx);
    }
    if (n == 0) {
        free(keys);
        return idx;
    }
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        minx = fmin(minx, boxes[4 * i]), miny = fmin(miny, boxes[4 * i + 1]);
        maxx = fmax(maxx, boxes[4 * i + 2]), maxy = fmax(maxy, boxes[4 * i + 3]);
    }
    double w = maxx - minx, h = maxy - miny;
    for (size_t i = 0; i < n; i++) {
        double cx = 0.5 * (boxes[4 * i] + boxes[4 * i + 2]);
        double cy = 0.5 * (boxes[4 * i + 1] + boxes[4 * i + 3]);
        uint32_t hx = w > 0 ? (uint32_t)(65535.0 * (cx - minx) / w) : 0;
        uint32_t hy = h > 0 ? (uint32_t)(65535.0 * (cy - miny) / h) : 0;
        keys[i].h = hilbert(hx, hy);
        keys[i].i = i;
    }
    qsort(keys, n, sizeof *keys, cmp_hkey);
    for (size_t k = 0; k < n; k++) {
        memcpy(idx->boxes + 4 * k, boxes + 4 * keys[k].i, 4 * sizeof(double));
        idx->ids[k] = keys[k].i;
    }
    free(keys);
    /* build the upper levels */
    size_t start = 0, end = n, pos = n;
    int level = 0;
    idx->level_end[level++] = n;
    while (end - start > 1) {
        for (size_t i = start; i < end; i += NODE) {
            double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
            size_t stop = i + NODE < end ? i + NODE : end;
            for (size_t j = i; j < stop; j++) {
                b[0] = fmin(b[0], idx->boxes[4 * j]), b[1] = fmin(b[1], idx->boxes[4 * j + 1]);
                b[2] = fmax(b[2], idx->boxes[4 * j + 2]);
                b[3] = fmax(b[3], idx->boxes[4 * j + 3]);
            }
            memcpy(idx->boxes + 4 * pos, b, sizeof b);
            idx->ids[pos] = i;
            pos++;
        }
        start = end;
        end = pos;
        idx->level_end[level++] = pos;
    }
    return idx;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

int lg_index_query(const lg_index *idx, const double q[4], lg_ivec *out)
{
    out->n = 0;
    if (!idx || idx->nboxes == 0)
        return 1;
    /* explicit stack of node positions */
    size_t stack[64 * NODE];
    int levels[64 * NODE];
    size_t sp = 0;
    stack[sp] = idx->nboxes - 1;
    levels[sp] = idx->levels - 1;
    sp++;
    while (sp) {
        sp--;
        size_t node = stack[sp];
        int level = levels[sp];
        size_t first = idx->ids[node];
        size_t end = level >= 1 ? idx->level_end[level - 1] : idx->n;
        size_t stop = first + NODE < end ? first + NODE : end;
        if (level == 0) { /* root is a leaf: single item */
            first = node, stop = node + 1;
        }
        for (size_t j = first; j < stop; j++) {
            const double *b = idx->boxes + 4 * j;
            if (b[2] < q[0] || b[3] < q[1] || b[0] > q[2] || b[1] > q[3])
                continue;
            if (level <= 1) {
                if (!lg_ivec_push(out, idx->ids[j])) {
                    lg_ivec_free(out); /* callers return at once */
                    return 0;
                }
            } else {
                stack[sp] = j;
                levels[sp] = level - 1;
                sp++;
            }
        }
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_size);
    return 1;
}

int lg_ivec_push(lg_ivec *v, size_t x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        size_t *p = realloc(v->v, cap * sizeof *p);
        if (!p)
            return 0;
        v->v = p;
        v->cap = cap;
    }
    v->v[v->n++] = x;
    return 1;
}

void lg_ivec_free(lg_ivec *v)
{
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}
