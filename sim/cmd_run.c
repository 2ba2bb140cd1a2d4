/* The commands that run scenarios and write their outputs: run, compare and check. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "models/pw_results.h"
#include "out_compare.h"
#include "out_dashboard.h"
#include "out_file.h"
#include "out_stream.h"
#include "out_write.h"
#include "runner.h"
#include "scn_load.h"
#include "sim/core/sim_rng.h"

/* Run replications reps[0..n) of p into res and write the result files to dir; the run's
 * description goes to *info. Prints any failure but an interruption; returns 0,
 * RUNNER_FAILED or RUNNER_INTERRUPTED (res then released). */
static int run_and_write(const cli *c, const pw_params *p, const char *scenario, const char *dir,
                         const runner_opts *o, const int *reps, size_t n, pw_results *res,
                         int argc, char **argv, out_run_info *info)
{
    char err[1024];
    double t0 = app_wall_now();
    int rc = runner_run(p, reps, n, o, res, err, sizeof err);
    if (rc != 0) {
        if (rc != RUNNER_INTERRUPTED)
            fprintf(stderr, "stepsim: %s: %s\n", scenario, err);
        return rc;
    }
    out_run_info_init(info);
    info->version = STEPSIM_VERSION;
    info->git_hash = cli_git_hash();
    info->libconfig_version = scn_libconfig_version();
    info->threads = o->threads;
    info->streams = o->streams;
    info->wall_seconds = app_wall_now() - t0;
    info->argc = argc;
    info->argv = argv;
    info->sets = c->sets;
    info->nsets = c->nsets;
    if (out_write_all(dir, p, scenario, res, n, info, err, sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        for (size_t i = 0; i < n; i++)
            pw_results_free(&res[i]);
        return RUNNER_FAILED;
    }
    return 0;
}

int cmd_run(const cli *c, pw_params *p, int argc, char **argv)
{
    int ret = EXIT_RUNTIME;
    if (c->replications > 0)
        p->replications = (int)c->replications;
    if (c->have_seed)
        p->seed = c->seed;
    if (c->patients)
        p->output.patients = 1;
    if (c->events)
        p->output.events = 1;
    if (p->replications - 1 > (int)SIM_RNG_MAX_REPLICATION) {
        fprintf(stderr, "stepsim: at most %u replications\n", SIM_RNG_MAX_REPLICATION + 1);
        return EXIT_USAGE;
    }
    int threads = app_threads(c);
    app_label_overrides(p, c);
    char *name = app_short_name(c->scenario);
    char *outdir = c->outdir || !name ? NULL : app_default_outdir(c, name);
    const char *dir = c->outdir ? c->outdir : outdir;
    size_t n = (size_t)p->replications;
    int *reps = malloc(n * sizeof *reps);
    pw_results *res = calloc(n, sizeof *res);
    out_set set = {0};
    if (!name || !dir || !reps || !res) {
        fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        reps[i] = (int)i;
    if ((ret = app_begin_set(&set, dir)) != EXIT_OK)
        goto out;
    ret = EXIT_RUNTIME;
    app_progress_ctx pc = app_progress_start(name, "replications");
    runner_opts o = {
        .threads = threads,
        .outdir = set.stage,
        .stop = &app_stop_signal,
        .streams = (p->output.patients ? OUT_STREAM_PATIENTS : 0u) |
                   (p->output.events ? OUT_STREAM_EVENTS : 0u),
        .progress = app_progress,
        .progress_ctx = &pc,
    };
    out_run_info info;
    int rc = run_and_write(c, p, c->scenario, set.stage, &o, reps, n, res, argc, argv, &info);
    if (rc == RUNNER_INTERRUPTED) {
        ret = app_interrupted(set.outdir);
        goto out;
    }
    if (rc != 0)
        goto out;
    if ((ret = app_publish_set(&set)) != EXIT_OK)
        goto out;
    ret = EXIT_RUNTIME;
    if (!c->quiet) {
        out_print_dashboard(stdout, p, res, n, &info);
        printf("\nOutputs in %s/\n", dir);
    }
    ret = EXIT_OK;
out:
    out_set_abort(&set);
    if (res)
        for (size_t i = 0; i < n; i++)
            pw_results_free(&res[i]);
    free(res);
    free(reps);
    free(outdir);
    free(name);
    return ret;
}

int cmd_compare(const cli *c, int argc, char **argv)
{
    int ret = EXIT_USAGE;
    size_t ns = c->nscenarios;
    pw_params *ps = calloc(ns, sizeof *ps);
    char **names = calloc(ns, sizeof *names);
    pw_results **res = calloc(ns, sizeof *res);
    char **dirs = calloc(ns, sizeof *dirs);
    char *default_dir = NULL;
    int *reps = NULL;
    size_t n = 0;
    char err[1024];
    out_set set = {0};
    if (!ps || !names || !res || !dirs) {
        fprintf(stderr, "stepsim: out of memory\n");
        ret = EXIT_RUNTIME;
        goto out;
    }
    for (size_t s = 0; s < ns; s++) {
        int rc = app_load(c, c->scenarios[s], NULL, 0, &ps[s]);
        if (rc != EXIT_OK) {
            ret = rc;
            goto out;
        }
    }
    /* The same seed and replications for all: common random numbers. */
    unsigned long long seed = c->have_seed ? c->seed : ps[0].seed;
    int nrep = c->replications > 0 ? (int)c->replications : ps[0].replications;
    default_dir = c->outdir ? NULL : app_default_outdir(c, "compare");
    const char *outdir = c->outdir ? c->outdir : default_dir;
    int threads = app_threads(c);
    n = (size_t)nrep;
    ret = EXIT_RUNTIME;
    if (!outdir || !(reps = malloc(n * sizeof *reps))) {
        fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        reps[i] = (int)i;
    /* Names first: a clash is a usage error before anything runs or is written. */
    for (size_t s = 0; s < ns; s++) {
        if (!(names[s] = app_short_name(c->scenarios[s]))) {
            fprintf(stderr, "stepsim: out of memory\n");
            goto out;
        }
        for (size_t k = 0; k < s; k++)
            if (strcmp(names[k], names[s]) == 0) {
                fprintf(stderr, "stepsim: compare: two scenarios are both called '%s'; "
                                "give them different file names\n", names[s]);
                ret = EXIT_USAGE;
                goto out;
            }
    }
    if ((ret = app_begin_set(&set, outdir)) != EXIT_OK)
        goto out;
    ret = EXIT_RUNTIME;
    for (size_t s = 0; s < ns; s++) {
        pw_params *p = &ps[s];
        p->seed = seed;
        p->replications = nrep;
        if (c->patients)
            p->output.patients = 1;
        if (c->events)
            p->output.events = 1;
        size_t len = strlen(set.stage) + strlen(names[s]) + 2;
        dirs[s] = malloc(len);
        res[s] = calloc(n, sizeof *res[s]);
        if (!dirs[s] || !res[s]) {
            fprintf(stderr, "stepsim: out of memory\n");
            goto out;
        }
        snprintf(dirs[s], len, "%s/%s", set.stage, names[s]);
        app_label_overrides(p, c);
        app_progress_ctx pc = app_progress_start(names[s], "replications");
        runner_opts o = {
            .threads = threads,
            .outdir = dirs[s],
            .stop = &app_stop_signal,
            .streams = (p->output.patients ? OUT_STREAM_PATIENTS : 0u) |
                       (p->output.events ? OUT_STREAM_EVENTS : 0u),
            .progress = app_progress,
            .progress_ctx = &pc,
        };
        out_run_info info;
        int rc = run_and_write(c, p, c->scenarios[s], dirs[s], &o, reps, n, res[s], argc, argv,
                               &info);
        if (rc != 0) {
            free(res[s]);
            res[s] = NULL;
            if (rc == RUNNER_INTERRUPTED)
                ret = app_interrupted(set.outdir);
            goto out;
        }
    }
    if (out_write_compare(set.stage, ns, (const char *const *)names,
                          (const pw_results *const *)res, n, seed, err, sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        goto out;
    }
    if ((ret = app_publish_set(&set)) != EXIT_OK)
        goto out;
    ret = EXIT_RUNTIME;
    if (!c->quiet) {
        out_print_compare(stdout, ns, (const char *const *)names, (const pw_results *const *)res,
                          n);
        printf("\nOutputs in %s/ (compare.csv, compare.json, one directory per scenario)\n",
               outdir);
    }
    ret = EXIT_OK;
out:
    out_set_abort(&set);
    for (size_t s = 0; s < ns; s++) {
        if (res && res[s])
            for (size_t i = 0; i < n; i++)
                pw_results_free(&res[s][i]);
        if (res)
            free(res[s]);
        if (names)
            free(names[s]);
        if (dirs)
            free(dirs[s]);
    }
    free(res);
    free(names);
    free(dirs);
    free(ps);
    free(reps);
    free(default_dir);
    return ret;
}



int cmd_check(const cli *c, pw_params *p)
{
    scn_print(stdout, p);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "stepsim: cannot write to stdout\n");
        return EXIT_RUNTIME;
    }
    (void)c;
    return EXIT_OK;
}
