/* The geoplan commands: each takes argc/argv from its own name on and
 * returns the process exit status (cli_common.h). */
#ifndef GEOPLAN_COMMANDS_H
#define GEOPLAN_COMMANDS_H

int cmd_info(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_efficiency(int argc, char **argv);
int cmd_map(int argc, char **argv);

#endif
