/* The commands, one function each: they read the parsed command line, print to the user
 * and return the exit status. argc/argv go to manifest.json as the command line. */
#ifndef CMD_H
#define CMD_H

#include "cli.h"
#include "models/pw_params.h"
#include "scn_load.h"

/* run and check take a federation's services too (fed->n == 0: one service). */
int cmd_run(const cli *c, pw_params *p, const scn_federation *fed, int argc, char **argv);
int cmd_compare(const cli *c, int argc, char **argv);
int cmd_check(const cli *c, pw_params *p, const scn_federation *fed);
int cmd_sweep(const cli *c, int argc, char **argv);
int cmd_solve(const cli *c, int argc, char **argv);
int cmd_sensitivity(const cli *c, int argc, char **argv);
int cmd_calibrate(const cli *c, int argc, char **argv);
int cmd_serve(const cli *c);

#endif
