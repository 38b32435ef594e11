/* geoplan: planning analysis on the command line. */
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "commands.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"info", cmd_info, "describe layers: driver, features, CRS, encoding, validity, area"},
    {"demo", cmd_demo, "write a synthetic planning workspace modelled on Qingdao (李沧区)"},
    {"measure", cmd_measure, "an indicator per zone: density, share, count, coverage ..."},
    {"screen", cmd_screen, "screen project sites against the control lines (三线占用)"},
    {"validate", cmd_validate, "check a project file and its target sets without running it"},
    {"evaluate", cmd_evaluate, "evaluate a plan: indicators per zone against their targets"},
    {"efficiency", cmd_efficiency, "亩均效益: score and class enterprises, aggregate per zone"},
    {"map", cmd_map, "draw a thematic map of a result layer (PNG, SVG, PDF)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: " PROG " COMMAND [OPTIONS] ...\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun '" PROG " COMMAND --help' for a command's options.\n"
                 PROG " --version prints the version.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_RAN;
    }
    if (!strcmp(argv[1], "--version")) {
        printf(PROG " %s (libgeo)\n", lg_version());
        return EXIT_RAN;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, PROG ": unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
