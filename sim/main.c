/* stepsim: parse the command line and hand it to its command. */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "app.h"
#include "cli.h"
#include "cmd.h"
#include "par.h"

/* Rank 0 (or the one process) runs the command the line names and returns its exit
 * status (cli.h: 0, 1 a runtime failure, 2 bad input); other MPI ranks serve it. */
int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL must report, never abort */
    /* Under mpirun, ranks 1.. only serve rank 0's replications (sim/par.h). */
    int rank = par_init(&argc, &argv);
    if (rank < 0)
        return EXIT_RUNTIME;
    if (rank > 0)
        return par_serve();
    cli c;
    int ret = cli_parse(argc, argv, &c);
    if (ret >= 0)
        goto out;
    if (strcmp(c.command, "check") != 0)
        app_catch_stop_signals();
    if (!strcmp(c.command, "compare")) {
        ret = cmd_compare(&c, argc, argv);
    } else if (!strcmp(c.command, "sweep")) {
        ret = cmd_sweep(&c, argc, argv);
    } else if (!strcmp(c.command, "solve")) {
        ret = cmd_solve(&c, argc, argv);
    } else if (!strcmp(c.command, "sensitivity")) {
        ret = cmd_sensitivity(&c, argc, argv);
    } else if (!strcmp(c.command, "calibrate")) {
        ret = cmd_calibrate(&c, argc, argv);
    } else if (!strcmp(c.command, "serve")) {
        ret = cmd_serve(&c);
    } else {
        pw_params *p = malloc(sizeof *p);
        if (!p) {
            ret = EXIT_RUNTIME;
            goto out;
        }
        scn_federation fed = {0};
        ret = app_load_federation(&c, c.scenario, NULL, 0, p, &fed);
        if (ret == EXIT_OK)
            ret = !strcmp(c.command, "check") ? cmd_check(&c, p, &fed)
                                              : cmd_run(&c, p, &fed, argc, argv);
        scn_federation_free(&fed);
        free(p);
    }
out:
    cli_free(&c);
    par_finalize();
    return ret;
}
