/* placeholder */
#include "cmd.h"
int cmd_sensitivity(const cli *c, int argc, char **argv) { (void)c; (void)argc; (void)argv; return 1; }
