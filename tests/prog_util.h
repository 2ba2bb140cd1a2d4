/* Helpers for the tests that load shipped scenarios and run their replications (test
 * programs linked with the whole program library): where the scenarios are, loading with
 * --set style overrides, running replications on threads with every run's accounting
 * checked, Student-t intervals. Header-only, like harness.h, which it needs. */
#ifndef PROG_UTIL_H
#define PROG_UTIL_H

#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "models/pw_params.h"
#include "models/pw_results.h"
#include "sim/runner.h"
#include "sim/scn_load.h"

/* Path of a shipped scenario: scenarios/NAME from the working directory (make test runs
 * from the top of the tree), else relative to this binary (BUILD/tests/test_x). */
static inline const char *test_scenario_path(const char *argv0, const char *name, char *buf,
                                             size_t len)
{
    snprintf(buf, len, "scenarios/%s", name);
    FILE *f = fopen(buf, "r");
    if (f) {
        fclose(f);
        return buf;
    }
    const char *slash = strrchr(argv0, '/');
    int dir = slash ? (int)(slash - argv0) : 1;
    snprintf(buf, len, "%.*s/../../scenarios/%s", dir, slash ? argv0 : ".", name);
    return buf;
}

/* The repository root the test program was given (argv[1], else ".") into root; 0 if
 * root/probe exists, else -1 after saying so (the caller exits 2: not run, not failed). */
static inline int test_root(int argc, char **argv, const char *probe, char *root, size_t len)
{
    snprintf(root, len, "%s", argc > 1 ? argv[1] : ".");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, probe);
    if (access(path, F_OK) == 0)
        return 0;
    printf("%s: %s not found; run from the repository root or give it as argument\n", argv[0],
           path);
    return -1;
}

/* Load the scenario at path with sets[0..n) as --set overrides (later ones win). Returns 0,
 * or -1 after a failed check that prints the loader's messages. */
static inline int test_load(const char *path, const char *const *sets, size_t n, pw_params *p)
{
    scn_errors e;
    scn_errors_init(&e);
    int rc = scn_load(path, sets, n, p, &e);
    if (!CHECK(rc == SCN_OK, "%s loads with its %zu overrides (got %d: %s)", path, n, rc,
               scn_strerror(rc)))
        for (size_t i = 0; i < e.n; i++)
            printf("    | %s\n", e.msg[i]);
    scn_errors_free(&e);
    return rc == SCN_OK ? 0 : -1;
}

static inline double test_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The cohort accounting of one replication: every referral ends in exactly one exit, and
 * the funnel, the path tallies and the failure tallies all count the same people. */
static inline void test_check_accounting(const char *what, const pw_results *r)
{
    uint64_t exits = 0, on_paths = 0, failures = 0;
    for (int x = 0; x < PW_X_N; x++)
        exits += r->exits[x];
    for (int k = 0; k < PW_P_N; k++)
        on_paths += r->by_path[k].n;
    for (int k = 0; k < 4; k++)
        failures += r->failures[k];
    double refs = r->metric[PW_M_REFERRALS];
    CHECK(refs > 0 && (double)exits == refs,
          "%s rep %d: sum of exits[] == referrals (expected %.0f, got %llu)", what,
          r->replication, refs, (unsigned long long)exits);
    CHECK((double)r->stages[PW_S_REFERRED] == refs,
          "%s rep %d: stages[referred] == referrals (expected %.0f, got %llu)", what,
          r->replication, refs, (unsigned long long)r->stages[PW_S_REFERRED]);
    CHECK((double)on_paths == refs,
          "%s rep %d: by_path n sums to referrals (expected %.0f, got %llu)", what,
          r->replication, refs, (unsigned long long)on_paths);
    CHECK((double)failures == refs,
          "%s rep %d: failures[] sums to referrals (expected %.0f, got %llu)", what,
          r->replication, refs, (unsigned long long)failures);
}

/* Run replications 0..n-1 of p on `threads` threads into out[] (release with
 * test_free_runs), print how long it took and check the accounting of each. Returns 0, or
 * -1 after a failed check. */
static inline int test_run(const char *what, const pw_params *p, size_t n, int threads,
                           pw_results *out)
{
    int *reps = malloc(n * sizeof *reps);
    char err[512] = "";
    if (!CHECK(reps != NULL, "%s: memory for %zu replication numbers", what, n))
        return -1;
    for (size_t i = 0; i < n; i++)
        reps[i] = (int)i;
    runner_opts o = {.threads = threads};
    double t0 = test_wall_now();
    int rc = runner_run(p, reps, n, &o, out, err, sizeof err);
    free(reps);
    if (!CHECK(rc == 0, "%s: runner_run succeeds (got %d: %s)", what, rc, err))
        return -1;
    printf("   [%s: %zu replications, %.1f s]\n", what, n, test_wall_now() - t0);
    for (size_t i = 0; i < n; i++)
        test_check_accounting(what, &out[i]);
    return 0;
}

static inline void test_free_runs(pw_results *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pw_results_free(&r[i]);
}

/* A mean and the half-width of its two-sided Student-t interval at `level` (df n - 1). */
typedef struct test_est {
    double mean, half;
} test_est;

static inline test_est test_t_interval(const double *x, size_t n, double level)
{
    test_est e = {n > 0 ? gsl_stats_mean(x, 1, n) : NAN, NAN};
    if (n > 1) /* no interval from one value (and GSL would abort on df 0) */
        e.half = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)n - 1) * gsl_stats_sd(x, 1, n) /
                 sqrt((double)n);
    return e;
}

#endif
