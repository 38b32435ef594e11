/* Shared helpers for libgeo's cmocka tests. */
#ifndef LIBGEO_LG_TEST_H
#define LIBGEO_LG_TEST_H

#define _USE_MATH_DEFINES
#include <math.h>
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

/* cmocka 1.1.5 has no double assertion: |a - b| <= tol, with both values
 * in the failure message. */
#define assert_double_near(a, b, tol)                                                        \
    do {                                                                                     \
        double lg_a_ = (a), lg_b_ = (b), lg_t_ = (tol);                                      \
        if (!(fabs(lg_a_ - lg_b_) <= lg_t_)) {                                               \
            print_error("%s = %.12g, expected %.12g (tolerance %.3g)\n", #a, lg_a_, lg_b_,    \
                        lg_t_);                                                              \
            _fail(__FILE__, __LINE__);                                                       \
        }                                                                                    \
    } while (0)

/* The shared data folder (../shared/data beside the checkout), or NULL when
 * it is absent: callers skip with a message. LIBGEO_SHARED_DATA may point
 * elsewhere. */
static inline const char *lg_test_shared_data(void)
{
    const char *env = getenv("LIBGEO_SHARED_DATA");
    const char *dir = env && *env ? env : LIBGEO_DEFAULT_SHARED_DATA;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return dir;
}

/* Skip the current test with a reason when shared data is missing. */
#define LG_REQUIRE_SHARED(var)                                                               \
    const char *var = lg_test_shared_data();                                                 \
    if (!var) {                                                                              \
        fprintf(stderr, "SKIP %s: ../shared/data not found (set LIBGEO_SHARED_DATA)\n",     \
                __func__);                                                                   \
        skip();                                                                              \
    }

/* A fresh empty scratch directory for this test binary (under the build
 * tree), created on first use. Returns a static buffer. */
static inline const char *lg_test_tmpdir(const char *name)
{
    static char buf[900];
    snprintf(buf, sizeof buf, "%s/%s", LIBGEO_TEST_TMP, name);
    char cmd[2 * sizeof buf + 64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", buf, buf);
    if (system(cmd) != 0)
        return NULL;
    return buf;
}

#endif
