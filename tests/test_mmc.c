/* Validation of the whole pathway against queueing theory: scenarios/mmc.cfg reduces the
 * stepped-care world to an M/M/c queue (see its comments), so the mean wait to treatment
 * must be Erlang C's Wq and the wait's tail P(W > t) = C e^{-(c mu - lambda) t}. Also: the
 * runner gives a replication the same results alone, in a batch, on 1 or 2 threads. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "harness.h"
#include "prog_util.h"
#include "models/pw_params.h"
#include "models/pw_results.h"
#include "sim/runner.h"
#include "sim/scn_load.h"

/* How the checks are judged.
 * Each replication is an independent run, so the across-replication mean of the metric
 * has a Student-t 95% CI; theory must lie within WIDEN times its half-width. With
 * WIDEN = 2 a correct model fails one check with probability ~5e-5 (|z| > 3.9 at 799
 * degrees of freedom), so the four checks stay quiet if seeds or the RNG scheme change.
 * To make the test able to fail, each half-width must also be small: below MAX_REL_HW of
 * the theoretical value, so a systematic error of about 2 * MAX_REL_HW (~10% of Wq) fails.
 * mmc.cfg asks for 20 replications, whose half-width (~2.5 days, 40% of Wq) proves
 * nothing; the test raises them to REPS (state: 800 replications of the file's 520 weeks,
 * ~3 s at -O2 on two threads). The initial-state bias left after the 52-week warm-up from
 * an empty system (relaxation time ~ 1 / (c mu (1 - sqrt rho)^2) ~ 36 weeks, and the
 * queue is short: Lq = 1.6) is far below the half-width. */
#define REPS 800
/* The sanitizer pass runs 8 (the runner's batches, the checks of accounting) and leaves the
 * comparisons with theory to the optimised pass. */
#define SAN_REPS 8
#define WIDEN 2.0
#define MAX_REL_HW 0.05

/* Erlang C: P(an arrival waits) in an M/M/c queue with offered load a = lambda / mu < c. */
static double erlang_c(int c, double a)
{
    /* Erlang B by its stable recursion, then C = B / (1 - rho (1 - B)). */
    double b = 1.0;
    for (int k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    double rho = a / c;
    return b / (1 - rho * (1 - b));
}

static pw_params params;
static pw_results *res;
static int loaded;

static int n_reps; /* REPS, or SAN_REPS in the sanitizer pass */

/* Load mmc.cfg and run n_reps replications on two threads. */
static void test_load_and_run(const char *argv0)
{
    char path[4096];
    if (test_load(test_scenario_path(argv0, "mmc.cfg", path, sizeof path), NULL, 0, &params))
        return;
    n_reps = harness_sanitized() ? SAN_REPS : REPS;
    params.replications = n_reps;
    int *reps = malloc((size_t)n_reps * sizeof *reps);
    res = calloc((size_t)n_reps, sizeof *res);
    if (!CHECK(reps && res, "malloc"))
        return;
    for (int i = 0; i < n_reps; i++)
        reps[i] = i;
    runner_opts o = {.threads = 2};
    char err[512] = "";
    int rc = runner_run(&params, reps, (size_t)n_reps, &o, res, err, sizeof err);
    free(reps);
    if (CHECK(rc == 0, "runner_run succeeds, got %d: %s", rc, err))
        loaded = 1;
}

/* The scenario is the M/M/c queue its comments say; returns c, lambda, mu. */
static int queue_of(const pw_params *p, int *c, double *lambda, double *mu)
{
    const pw_step_p *s2 = &p->step[PW_STEP2];
    int ok = 1;
    ok &= CHECK(p->assessment.skip && p->assessment.opt_in_probability == 1.0 &&
                    p->assessment.opt_in_days_mean == 0.0,
                "mmc: no assessment, everyone opts in at once");
    ok &= CHECK(s2->has_episode_days && s2->episode_days.kind == PW_DIST_EXPONENTIAL,
                "mmc: exponential course length");
    ok &= CHECK(s2->wait_dropout.p_start == 0 && s2->wait_dropout.p_end == 0 &&
                    s2->dna_probability == 0 && s2->dropout_per_session == 0 &&
                    s2->first_session_dropout == 0 && s2->step_up_probability == 0 &&
                    s2->mode_shares[PW_MODE_F2F] == 1.0,
                "mmc: no loss, no step-up, one-to-one only");
    ok &= CHECK(p->referrals.growth_per_year == 0 && p->referrals.n_step_changes == 0,
                "mmc: stationary arrivals");
    for (int m = 0; m < 12; m++)
        ok &= CHECK(p->referrals.seasonality[m] == 1.0, "mmc: flat seasonality");
    ok &= CHECK(!p->weekend_closed && p->n_closures == 0, "mmc: open every day");
    *c = 0;
    for (size_t r = 0; r < p->n_roles; r++)
        if (p->roles[r].does & PW_DOES_STEP2)
            *c += p->roles[r].headcount *
                  (int)fmax(1.0, nearbyint(p->roles[r].caseload_cap * p->roles[r].fte));
    *lambda = p->referrals.per_week / 7.0;
    *mu = 1.0 / s2->episode_days.mean;
    return ok;
}

/* Mean wait to treatment (everyone enters treatment here) against Erlang C's Wq. */
static void test_mean_wait(void)
{
    if (!loaded)
        return;
    int c;
    double lambda, mu;
    if (!queue_of(&params, &c, &lambda, &mu))
        return;
    double a = lambda / mu, pw = erlang_c(c, a), wq = pw / (c * mu - lambda);
    /* The numbers in the comments of mmc.cfg (rounded there to 6 and 5 digits). */
    CHECK_NEAR(pw, 0.409180, 5e-6, "Erlang C P(wait), M/M/10, a = 8");
    CHECK_NEAR(wq, 5.7285, 5e-5, "Erlang C Wq days");
    double *x = malloc((size_t)n_reps * sizeof *x);
    if (!CHECK(x != NULL, "malloc"))
        return;
    size_t n = 0;
    int lossy = 0;
    for (int i = 0; i < n_reps; i++) {
        lossy += res[i].exits[PW_X_DISCHARGED_COMPLETED] + res[i].exits[PW_X_STILL_IN_TREATMENT] +
                     res[i].exits[PW_X_STILL_WAITING] !=
                 (uint64_t)res[i].metric[PW_M_REFERRALS];
        if (!isnan(res[i].metric[PW_M_WAIT_TO_TREATMENT_DAYS_MEAN]))
            x[n++] = res[i].metric[PW_M_WAIT_TO_TREATMENT_DAYS_MEAN];
    }
    CHECK(lossy == 0, "no losses: every referral completes or is still in the system; "
                      "%d replications lost some", lossy);
    CHECK(n == (size_t)n_reps, "a mean wait in every replication, got %zu of %d", n, n_reps);
    test_est ci = test_t_interval(x, n, 0.95);
    double mean = ci.mean, hw = ci.half;
    free(x);
    printf("   Wq theory %.4f days; simulated %.4f +- %.4f (95%% CI, %d reps)\n", wq, mean, hw,
           n_reps);
    if (harness_sanitized())
        return;
    CHECK(hw < MAX_REL_HW * wq, "CI half-width %.4f below %.0f%% of Wq %.4f", hw,
          100 * MAX_REL_HW, wq);
    CHECK_NEAR(mean, wq, WIDEN * hw, "mean wait to treatment vs Erlang C Wq (days)");
}

/* Tail of the wait from the weekly histograms: P(W >= 7k) = C exp(-(c mu - lambda) 7k).
 * Pooled over replications (ratio estimator sum x_r / sum n_r); its standard error from
 * the spread of the replications (waits within a run are correlated, so a binomial error
 * would be too small): se^2 = sum (x_r - p n_r)^2 / (R (R - 1) nbar^2). */
static void test_wait_tail(void)
{
    if (!loaded)
        return;
    int c;
    double lambda, mu;
    if (!queue_of(&params, &c, &lambda, &mu))
        return;
    double pw = erlang_c(c, lambda / mu);
    const int weeks[] = {1, 2, 4};
    for (size_t w = 0; w < sizeof weeks / sizeof *weeks; w++) {
        int k = weeks[w];
        double t = 7.0 * k, want = pw * exp(-(c * mu - lambda) * t);
        double sx = 0, sn = 0;
        for (int i = 0; i < n_reps; i++) {
            const uint64_t *b = res[i].waits[PW_W_REFERRAL_TO_TREATMENT];
            for (int j = 0; j <= PW_WAIT_WEEKS; j++) {
                sn += (double)b[j];
                sx += j >= k ? (double)b[j] : 0.0;
            }
        }
        double p = sx / sn, nbar = sn / n_reps, ss = 0;
        for (int i = 0; i < n_reps; i++) {
            const uint64_t *b = res[i].waits[PW_W_REFERRAL_TO_TREATMENT];
            double xr = 0, nr = 0;
            for (int j = 0; j <= PW_WAIT_WEEKS; j++) {
                nr += (double)b[j];
                xr += j >= k ? (double)b[j] : 0.0;
            }
            ss += (xr - p * nr) * (xr - p * nr);
        }
        double se = sqrt(ss / ((double)n_reps * (n_reps - 1))) / nbar, hw = 1.96 * se;
        printf("   P(W > %2.0f days) theory %.4f; simulated %.4f +- %.4f\n", t, want, p, hw);
        if (harness_sanitized())
            continue;
        /* The smallest tail (~0.055) is the noisiest relative to itself: allow 2.5x. */
        CHECK(hw < (k >= 4 ? 2.5 : 1.0) * MAX_REL_HW * want,
              "P(W > %.0f): CI half-width %.4f small enough to test", t, hw);
        char what[64];
        snprintf(what, sizeof what, "P(wait > %.0f days) vs C e^{-(c mu - lambda) t}", t);
        CHECK_NEAR(p, want, WIDEN * hw, what);
    }
}

/* The runner: replication r alone, in a batch, on one or two threads, gives the same. */
static void test_runner_replication_alone(void)
{
    if (!loaded)
        return;
    pw_params p = params;
    int batch[] = {0, 1, 2, 3}, alone[] = {2};
    pw_results one[4], two[4], single[1];
    char err[512] = "";
    runner_opts o1 = {.threads = 1}, o2 = {.threads = 2};
    int rc1 = runner_run(&p, batch, 4, &o1, one, err, sizeof err);
    int rc2 = runner_run(&p, batch, 4, &o2, two, err, sizeof err);
    int rc3 = runner_run(&p, alone, 1, &o2, single, err, sizeof err);
    if (CHECK(rc1 == 0 && rc2 == 0 && rc3 == 0, "runner_run succeeds: %s", err)) {
        for (int i = 0; i < 4; i++) {
            CHECK(one[i].replication == i && two[i].replication == i,
                  "out[%d] holds replication %d (got %d, %d)", i, i, one[i].replication,
                  two[i].replication);
            CHECK(memcmp(one[i].metric, two[i].metric, sizeof one[i].metric) == 0 &&
                      memcmp(one[i].waits, two[i].waits, sizeof one[i].waits) == 0 &&
                      memcmp(one[i].exits, two[i].exits, sizeof one[i].exits) == 0,
                  "replication %d: 1 and 2 threads give the same results", i);
            /* The big run above is a batch too: replication i there is the same again. */
            CHECK(memcmp(one[i].metric, res[i].metric, sizeof one[i].metric) == 0,
                  "replication %d: the same in a batch of 4 and of %d", i, n_reps);
        }
        CHECK(memcmp(single[0].metric, one[2].metric, sizeof single[0].metric) == 0 &&
                  memcmp(single[0].waits, one[2].waits, sizeof single[0].waits) == 0 &&
                  single[0].events_fired == one[2].events_fired,
              "replication 2 run alone equals replication 2 inside a batch");
        for (int i = 0; i < 4; i++) {
            pw_results_free(&one[i]);
            pw_results_free(&two[i]);
        }
        pw_results_free(&single[0]);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    harness_scope("the comparisons with theory (800 replications)");
    test_load_and_run(argv[0]);
    RUN_TEST(test_mean_wait);
    RUN_TEST(test_wait_tail);
    RUN_TEST(test_runner_replication_alone);
    if (res)
        for (int i = 0; i < n_reps; i++)
            pw_results_free(&res[i]);
    free(res);
    return harness_done();
}
