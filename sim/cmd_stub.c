/* placeholder */
#include "cmd.h"
int cmd_solve(const cli *c, int argc, char **argv) { (void)c; (void)argc; (void)argv; return 1; }
int cmd_sensitivity(const cli *c, int argc, char **argv) { (void)c; (void)argc; (void)argv; return 1; }
