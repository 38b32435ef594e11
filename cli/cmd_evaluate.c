/* geoplan validate / evaluate: a project file against its targets. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_common.h"
#include "commands.h"
#include "output.h"

static const char VALIDATE_HELP[] =
    "usage: " PROG " validate PROJECT.yaml [--targets DIR] [--no-data]\n"
    "\n"
    "Check a project file and the target sets it includes without running it: the YAML,\n"
    "every key, kernel, unit and comparison, that every layer can be opened and every\n"
    "mapped field exists.  Each problem is printed as FILE:LINE:COL: message.  Warnings\n"
    "say which indicators will have no data (no layer with the role they need).\n"
    "\n"
    "  --targets DIR   also look for included target sets in DIR (':'-separated list)\n"
    "  --no-data       do not open the layers (check the files only)\n"
    "\n"
    "Exit status: 0 valid, 2 usage error, 3 the project has errors.\n";

static const char EVALUATE_HELP[] =
    "usage: " PROG " evaluate PROJECT.yaml --out DIR [--html] [--fail-on-miss] [--threads N]\n"
    "\n"
    "Evaluate a plan: read every layer of the project once, measure each indicator per\n"
    "zone at every zone level and for the whole area, and compare with the targets of the\n"
    "included target sets.  Writes into DIR (created if missing; its parent must exist):\n"
    "  indicators.csv   one row per zone x indicator x target: value, unit, target,\n"
    "                   status (met / not met / no data / not applicable / no target),\n"
    "                   gap, method and the source sentence (UTF-8 with BOM for Excel)\n"
    "  indicators.json  the same rows, for scripts\n"
    "  results.gpkg     a layer per zone level with a column per indicator, and the\n"
    "                   detail layers (uncovered residential land, conflicting sites ...)\n"
    "  report.md        a summary in Chinese and English, binding targets first\n"
    "  report.html      with --html: one self-contained page (opens offline): the\n"
    "                   targets with met/not-met marks and sources, per indicator a\n"
    "                   bar chart of the zones against the target line, and a map\n"
    "Files are written under temporary names and renamed at the end: a failed run leaves\n"
    "no half-written file.  Inputs are never modified.\n"
    "\n"
    "  --out DIR        output directory (required)\n"
    "  --html           also write report.html\n"
    "  --fail-on-miss   exit 1 when a binding target (约束性) is not met\n"
    "  --targets DIR    also look for included target sets in DIR\n"
    "  --threads N      worker threads (default: all cores)\n"
    "  --quiet          print only errors\n"
    "\n"
    "Exit status: 0 ran (whatever the targets), 1 --fail-on-miss and a binding target\n"
    "missed, 2 usage error, 3 bad input (the message names the file and what to do).\n";

typedef struct eval_args {
    const char *project, *out, *targets;
    int fail_on_miss, threads, quiet, no_data, html;
} eval_args;

static int parse_args(int argc, char **argv, eval_args *a, int evaluate)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int has_next = i + 1 < argc;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            fputs(evaluate ? EVALUATE_HELP : VALIDATE_HELP, stdout);
            return -1;
        } else if (!strcmp(s, "--targets") && has_next) {
            a->targets = argv[++i];
        } else if (evaluate && !strcmp(s, "--out") && has_next) {
            a->out = argv[++i];
        } else if (evaluate && !strcmp(s, "--threads") && has_next) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 1024) {
                fprintf(stderr, PROG ": --threads: expected a number from 1 to 1024\n");
                return EXIT_USAGE;
            }
            a->threads = (int)n;
        } else if (evaluate && !strcmp(s, "--fail-on-miss")) {
            a->fail_on_miss = 1;
        } else if (evaluate && !strcmp(s, "--html")) {
            a->html = 1;
        } else if (evaluate && !strcmp(s, "--quiet")) {
            a->quiet = 1;
        } else if (!evaluate && !strcmp(s, "--no-data")) {
            a->no_data = 1;
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, PROG ": %s: unknown option%s (see --help)\n", s,
                    has_next ? "" : " or missing value");
            return EXIT_USAGE;
        } else if (!a->project) {
            a->project = s;
        } else {
            fprintf(stderr, PROG ": one project file at a time (got '%s' and '%s')\n",
                    a->project, s);
            return EXIT_USAGE;
        }
    }
    if (!a->project) {
        fprintf(stderr, PROG ": no project file given (see --help)\n");
        return EXIT_USAGE;
    }
    if (evaluate && !a->out) {
        fprintf(stderr, PROG ": --out DIR is required\n");
        return EXIT_USAGE;
    }
    return 0;
}

/* Load (and unless no_data, check) the project; print problems.  NULL
 * when it has errors. */
static lg_project *load_checked(lg_ctx *ctx, const eval_args *a, int check, int quiet)
{
    char opt[4200];
    const char *options[2] = {NULL, NULL};
    if (a->targets) {
        snprintf(opt, sizeof opt, "TARGET_PATH=%s", a->targets);
        options[0] = opt;
    }
    lg_project *p = lg_project_load(ctx, a->project, options);
    if (!p) {
        print_error(ctx);
        return NULL;
    }
    if (lg_project_error_count(p) == 0 && check)
        lg_project_check(ctx, p);
    for (size_t i = 0; i < lg_project_error_count(p); i++)
        fprintf(stderr, "%s\n", lg_project_error(p, i));
    for (size_t i = 0; !quiet && i < lg_project_warning_count(p); i++)
        fprintf(stderr, "warning: %s\n", lg_project_warning(p, i));
    if (lg_project_error_count(p)) {
        fprintf(stderr, PROG ": %s: %zu error%s\n", a->project, lg_project_error_count(p),
                lg_project_error_count(p) == 1 ? "" : "s");
        return lg_project_free(ctx, p);
    }
    return p;
}

int cmd_validate(int argc, char **argv)
{
    eval_args a;
    int rc = parse_args(argc, argv, &a, 0);
    if (rc)
        return rc < 0 ? EXIT_RAN : rc;
    lg_ctx *ctx = cli_context();
    if (!ctx)
        return EXIT_BAD_INPUT;
    lg_project *p = load_checked(ctx, &a, !a.no_data, 0);
    if (p)
        printf("%s: valid: %zu layers, %zu zone levels, %zu indicators, %zu targets\n",
               a.project, lg_project_layer_count(p), lg_project_level_count(p),
               lg_project_indicator_count(p), lg_project_target_count(p));
    rc = p ? EXIT_RAN : EXIT_BAD_INPUT;
    lg_project_free(ctx, p);
    lg_ctx_free(ctx);
    return rc;
}

static void print_summary(const lg_evaluation *ev, const char *out)
{
    size_t n[5] = {0};
    for (size_t i = 0; i < lg_evaluation_rows(ev); i++)
        n[lg_evaluation_row(ev, i)->status]++;
    printf("evaluated in %s: %zu met, %zu not met (%zu binding), %zu no data, "
           "%zu not applicable\n",
           lg_evaluation_crs(ev), n[LG_STATUS_MET], n[LG_STATUS_NOT_MET],
           lg_evaluation_binding_missed(ev), n[LG_STATUS_NO_DATA],
           n[LG_STATUS_NOT_APPLICABLE]);
    for (size_t i = 0; i < lg_evaluation_rows(ev); i++) {
        const lg_eval_row *r = lg_evaluation_row(ev, i);
        if (!r->binding || r->status != LG_STATUS_NOT_MET)
            continue;
        char v[40], t[40];
        printf("  binding target missed: %s %s (%s): %s %s, target %s %s %s\n", r->title_zh,
               r->title_en, strcmp(r->zone_id, "total") ? r->zone_name : "whole area",
               output_number_short(v, sizeof v, r->value), r->unit, r->compare,
               output_number_short(t, sizeof t, r->target), r->unit);
    }
    printf("wrote %s/indicators.csv, indicators.json, results.gpkg, report.md\n", out);
}

int cmd_evaluate(int argc, char **argv)
{
    eval_args a;
    int rc = parse_args(argc, argv, &a, 1);
    if (rc)
        return rc < 0 ? EXIT_RAN : rc;
    struct stat st;
    if (stat(a.out, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, PROG ": --out %s: exists and is not a directory\n", a.out);
        return EXIT_USAGE;
    }
    lg_ctx *ctx = cli_context();
    if (!ctx)
        return EXIT_BAD_INPUT;
    if (a.threads)
        lg_ctx_set_threads(ctx, a.threads);
    lg_project *p = load_checked(ctx, &a, 1, a.quiet);
    lg_evaluation *ev = p ? lg_project_evaluate(ctx, p, NULL) : NULL;
    if (p && !ev)
        print_error(ctx);
    rc = ev ? EXIT_RAN : EXIT_BAD_INPUT;
    const char *wopts[] = {a.html ? "HTML=YES" : NULL, NULL};
    if (ev && lg_evaluation_write(ctx, ev, a.out, wopts) != LG_OK) {
        print_error(ctx);
        rc = EXIT_BAD_INPUT;
    } else if (ev) {
        if (!a.quiet)
            print_summary(ev, a.out);
        if (a.fail_on_miss && lg_evaluation_binding_missed(ev))
            rc = EXIT_MISS;
    }
    lg_evaluation_free(ctx, ev);
    lg_project_free(ctx, p);
    lg_ctx_free(ctx);
    return rc;
}
