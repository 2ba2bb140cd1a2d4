/* stepsim: parse the command line and hand it to its command. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "app.h"
#include "cli.h"
#include "cmd.h"
#include "out_file.h"
#include "par.h"

/* What a command prints on stdout (the dashboard, a table, solve's answer line, --help) is
 * output too: a write that failed (a full disk under `> run.log`) fails the command rather
 * than leave a script reading an empty log after exit 0. Returns ret, or EXIT_RUNTIME
 * (said) when stdout could not be written; `files`: the command published output files. */
static int stdout_written(int ret, int files)
{
    if (ret != EXIT_OK)
        return ret;
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return ret;
    char eb[128];
    int e = errno;
    struct statvfs sv;
    if (!e && fstatvfs(STDOUT_FILENO, &sv) == 0 && sv.f_bavail == 0)
        e = ENOSPC; /* an earlier write's errno is gone: a full disk is likeliest */
    fprintf(stderr, "stepsim: cannot write to standard output: %s%s\n",
            e ? out_errstr(e, eb, sizeof eb) : "a write failed",
            files ? " (the output files are published whole; what was printed is cut short)"
                  : "");
    return EXIT_RUNTIME;
}

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
    if (ret >= 0) { /* --help, --version, or a usage error */
        ret = stdout_written(ret, 0);
        goto out;
    }
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
    if (strcmp(c.command, "check") != 0) /* check says so itself */
        ret = stdout_written(ret, 1);
out:
    cli_free(&c);
    par_finalize(ret);
    return ret;
}
