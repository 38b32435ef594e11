/*
 * Running the built geoplan from a cmocka test (test_cli, test_cli_measure):
 * run it with stdout and stderr captured separately, check its exit status
 * and messages, parse its `--format json` output and read values from it,
 * and make small inputs in a scratch directory.
 *
 * Before including, define
 *   LG_CLI_TEST_NAME  the test program's name ("test_cli"), used in
 *                     messages and in the names of the capture files;
 *   LG_CLI_DIR_PREFIX the prefix of each test's scratch directory
 *                     ("cli_": the directory is cli_<test function>).
 * Give every test free_owned as its teardown, and run the group with
 * lg_cli_group_setup and lg_cli_group_teardown.
 */
#ifndef LIBGEO_LG_CLI_RUN_H
#define LIBGEO_LG_CLI_RUN_H

#if !defined(LG_CLI_TEST_NAME) || !defined(LG_CLI_DIR_PREFIX)
#error "define LG_CLI_TEST_NAME and LG_CLI_DIR_PREFIX before including lg_cli_run.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lg_test.h"

#include <cpl_conv.h>
#include <gdal.h>
#include <json-c/json.h>

/* ------------------------------------------------------------------ */
/* Owned allocations                                                   */
/* ------------------------------------------------------------------ */

/* Everything a test allocates is registered here and freed by the
 * teardown of every test (free_owned), so that a failing assertion, which
 * leaves the test by longjmp, leaks nothing under LeakSanitizer either. */
#define MAX_OWNED 256
static struct {
    void *p;
    int is_json;
} g_owned[MAX_OWNED];
static size_t g_nowned;

static inline void *own_ptr(void *p, int is_json)
{
    if (!p)
        return NULL;
    if (g_nowned == MAX_OWNED) {
        if (is_json)
            json_object_put(p);
        else
            free(p);
        print_error(LG_CLI_TEST_NAME ": more than %d allocations in one test\n", MAX_OWNED);
        fail();
    }
    g_owned[g_nowned].p = p;
    g_owned[g_nowned++].is_json = is_json;
    return p;
}

#define own(p) own_ptr((p), 0)
#define own_json(j) ((json_object *)own_ptr((j), 1))

static inline int free_owned(void **state)
{
    (void)state;
    while (g_nowned) {
        g_nowned--;
        if (g_owned[g_nowned].is_json)
            json_object_put(g_owned[g_nowned].p);
        else
            free(g_owned[g_nowned].p);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Running geoplan                                                     */
/* ------------------------------------------------------------------ */

typedef struct gp_result {
    int status; /* exit status, or 128 + signal */
    char *out;  /* stdout, NUL-terminated (owned: freed after the test) */
    size_t out_len;
    char *err; /* stderr, NUL-terminated (owned: freed after the test) */
    size_t err_len;
} gp_result;

#define GP_MAX_ARGS 48

/* Whole file as a NUL-terminated malloc'd buffer (NULL if unreadable). */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = realloc(buf, 2 * cap + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* argv (room for GP_MAX_ARGS + 2) = GEOPLAN_BIN, then `first` and the
 * NULL-terminated arguments in `ap`, then NULL. */
static inline void collect_args(const char **argv, const char *first, va_list ap)
{
    int argc = 0;
    argv[argc++] = GEOPLAN_BIN;
    const char *a = first;
    while (a) {
        assert_true(argc < GP_MAX_ARGS);
        argv[argc++] = a;
        a = va_arg(ap, const char *);
    }
    argv[argc] = NULL;
}

/* Run geoplan with argv (argv[0] = GEOPLAN_BIN); stdout and stderr go to
 * files (no pipe can fill up) and are read back. */
static inline void gp_runa(gp_result *r, const char *const *argv)
{
    char out_path[900], err_path[900];
    snprintf(out_path, sizeof out_path, "%s/" LG_CLI_TEST_NAME ".%ld.stdout", LIBGEO_TEST_TMP,
             (long)getpid());
    snprintf(err_path, sizeof err_path, "%s/" LG_CLI_TEST_NAME ".%ld.stderr", LIBGEO_TEST_TMP,
             (long)getpid());

    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0)
            _exit(126);
        dup2(in, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        close(in);
        close(out);
        close(err);
        execv(GEOPLAN_BIN, (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        assert_int_equal(errno, EINTR);
    memset(r, 0, sizeof *r);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = own(slurp(out_path, &r->out_len));
    r->err = own(slurp(err_path, &r->err_len));
    assert_non_null(r->out);
    assert_non_null(r->err);
    unlink(out_path);
    unlink(err_path);
    assert_int_not_equal(r->status, 127); /* exec failed: GEOPLAN_BIN not built? */
}

/* gp_run(&r, "info", path, NULL): run geoplan with these arguments. */
static inline void gp_run(gp_result *r, const char *first, ...)
{
    const char *argv[GP_MAX_ARGS + 2];
    va_list ap;
    va_start(ap, first);
    collect_args(argv, first, ap);
    va_end(ap);
    gp_runa(r, argv);
}

/* Fail showing what geoplan printed when the exit status is not `want`. */
#define assert_exit(r, want)                                                                 \
    do {                                                                                     \
        if ((r)->status != (want)) {                                                         \
            print_error("geoplan exited %d, expected %d\n--- stdout ---\n%s\n"             \
                        "--- stderr ---\n%s\n",                                              \
                        (r)->status, (want), (r)->out, (r)->err);                            \
            _fail(__FILE__, __LINE__);                                                       \
        }                                                                                    \
    } while (0)

/* Fail unless `needle` occurs in `hay` (showing both). */
#define assert_contains(hay, needle)                                                         \
    do {                                                                                     \
        const char *h_ = (hay), *n_ = (needle);                                              \
        if (!h_ || !strstr(h_, n_)) {                                                        \
            print_error("expected to find \"%s\" in:\n%s\n", n_, h_ ? h_ : "(null)");        \
            _fail(__FILE__, __LINE__);                                                       \
        }                                                                                    \
    } while (0)

/* Run geoplan (arguments NULL-terminated, normally ending in --format json),
 * require exit 0 and parse stdout as JSON, and return it; *stderr_out (if
 * not NULL) receives stderr.  Both are owned: freed after the test. */
static inline json_object *gp_json_err(const char **stderr_out, const char *first, ...)
{
    const char *argv[GP_MAX_ARGS + 2];
    va_list ap;
    va_start(ap, first);
    collect_args(argv, first, ap);
    va_end(ap);
    gp_result r;
    gp_runa(&r, argv);
    if (r.status != 0) {
        print_error("geoplan exited %d\n--- stderr ---\n%s\n", r.status, r.err);
        fail();
    }
    json_object *root = own_json(json_tokener_parse(r.out));
    if (!root) {
        print_error("stdout is not JSON:\n%s\n", r.out);
        fail();
    }
    if (stderr_out)
        *stderr_out = r.err;
    return root;
}

#define gp_json(...) gp_json_err(NULL, __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* JSON access: "layers.0.features.loaded", "zones.0.value"            */
/* ------------------------------------------------------------------ */

/* The value at `path` (dot-separated keys; numbers index arrays).  Returns
 * 1 and sets *out when every step exists (a JSON null gives *out = NULL),
 * else 0. */
static inline int jfind(json_object *o, const char *path, json_object **out)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
        if (!o)
            return 0;
        if (json_object_is_type(o, json_type_array)) {
            char *end;
            long i = strtol(tok, &end, 10);
            if (*end || i < 0 || (size_t)i >= json_object_array_length(o))
                return 0;
            o = json_object_array_get_idx(o, (size_t)i);
        } else if (json_object_is_type(o, json_type_object)) {
            json_object *v = NULL;
            if (!json_object_object_get_ex(o, tok, &v))
                return 0;
            o = v;
        } else {
            return 0;
        }
    }
    *out = o;
    return 1;
}

static inline json_object *jget_at(json_object *o, const char *path, const char *file, int line)
{
    json_object *v = NULL;
    if (!jfind(o, path, &v) || !v) {
        print_error("JSON has no value at '%s':\n%s\n", path,
                    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
        _fail(file, line);
    }
    return v;
}

#define jget(o, path) jget_at((o), (path), __FILE__, __LINE__)
#define jint(o, path) json_object_get_int64(jget((o), (path)))
#define jdbl(o, path) json_object_get_double(jget((o), (path)))
#define jstr(o, path) json_object_get_string(jget((o), (path)))
#define jlen(o, path) json_object_array_length(jget((o), (path)))

/* 1 when `path` exists (its value may be null). */
static inline int jexists(json_object *o, const char *path)
{
    json_object *v = NULL;
    return jfind(o, path, &v);
}

/* 1 when `path` exists and is not null. */
static inline int jhas(json_object *o, const char *path)
{
    json_object *v = NULL;
    return jfind(o, path, &v) && v != NULL;
}

/* ------------------------------------------------------------------ */
/* Making inputs                                                       */
/* ------------------------------------------------------------------ */

/* A fresh scratch directory for the current test, copied to `var`. */
#define TEST_DIR(var)                                                                        \
    char var[1024];                                                                          \
    do {                                                                                     \
        char name_[200];                                                                     \
        snprintf(name_, sizeof name_, LG_CLI_DIR_PREFIX "%s", __func__);                     \
        const char *t_ = lg_test_tmpdir(name_);                                              \
        assert_non_null(t_);                                                                 \
        snprintf(var, sizeof var, "%s", t_);                                                 \
    } while (0)

/* dir/name into buf. */
static inline const char *path_in(char *buf, size_t n, const char *dir, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
    return buf;
}

static inline void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* The demo workspace (scale S, seed 1) in LIBGEO_TEST_TMP/`name`, made on
 * first use in this test program.  Returns a static buffer. */
static inline const char *gp_demo_dir(const char *name)
{
    static char dir[1200];
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "%s/%s", LIBGEO_TEST_TMP, name);
    gp_result r;
    gp_run(&r, "demo", "--out", dir, "--scale", "S", "--seed", "1", "--force", NULL);
    assert_exit(&r, 0);
    return dir;
}

/* ------------------------------------------------------------------ */
/* The test group                                                      */
/* ------------------------------------------------------------------ */

/* Check that geoplan is built; register GDAL's drivers (the tests make
 * inputs with GDAL) with GDAL's own chatter off stderr. */
static inline int lg_cli_group_setup(void **state)
{
    (void)state;
    if (access(GEOPLAN_BIN, X_OK) != 0) {
        fprintf(stderr, LG_CLI_TEST_NAME ": %s is not built\n", GEOPLAN_BIN);
        return -1;
    }
    GDALAllRegister();
    CPLSetConfigOption("CPL_LOG", "/dev/null");
    return 0;
}

static inline int lg_cli_group_teardown(void **state)
{
    (void)state;
    GDALDestroy();
    return 0;
}

#endif
