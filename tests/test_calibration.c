/* Calibration: scenarios/baseline.cfg must reproduce the published national figures of
 * docs/calibration.md §1 (England, 2018-19) in its *reported* metrics, each within a
 * stated band. Prints a table (target, band, simulated mean and 95% CI, the true figure)
 * that the README quotes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "prog_util.h"
#include "models/pw_params.h"
#include "models/pw_results.h"
#include "sim/core/sim_stats.h"
#include "sim/runner.h"
#include "sim/scn_load.h"

/* How the checks are judged.
 * The bands are the tolerances agreed for the calibration (the issue): wide enough for the
 * year-to-year spread of the national figures (docs/calibration.md §1: recovery 50.2-52.1%,
 * 6 weeks 87.4-89.4%, 6.8-7.9 sessions) and for one service differing from the national
 * mean. The across-replication mean must lie in the band. Each replication of the baseline
 * measures ~65,000 referrals, so the replications agree closely (sd ~0.01 for the shares);
 * REPS = 20 replications (the scenario's 40 take ~14 s on two threads; 20 take ~7 s, ~25 s
 * under the sanitizers) give 95% half-widths ~0.005, far inside every band. So that the
 * verdict does not hang on noise, the half-width must also be below a quarter of the
 * band's half-width (checked). The run uses the scenario's own horizon, warm-up and seed. */
#define REPS 20
#define THREADS 2

typedef struct target {
    pw_metric reported;   /* the metric compared with the figure */
    pw_metric truth;      /* its true counterpart, or -1 */
    double figure, band;  /* national figure and allowed deviation */
    const char *source;
} target;

static const target targets[] = {
    {PW_M_RECOVERY_RATE_REPORTED, PW_M_RECOVERY_RATE_TRUE, 0.521, 0.03,
     "recovery rate 52.1%"},
    {PW_M_RELIABLE_IMPROVEMENT_REPORTED, PW_M_RELIABLE_IMPROVEMENT_TRUE, 0.674, 0.04,
     "reliable improvement 67.4%"},
    {PW_M_WITHIN_6_WEEKS_REPORTED, PW_M_WITHIN_6_WEEKS_TRUE, 0.894, 0.04,
     "finishers within 6 weeks 89.4%"},
    {PW_M_WITHIN_18_WEEKS_REPORTED, PW_M_WITHIN_18_WEEKS_TRUE, 0.990, 0.015,
     "finishers within 18 weeks 99.0%"},
    {PW_M_SESSIONS_MEAN_FINISHERS, (pw_metric)-1, 6.9, 0.7, "6.9 sessions per finisher"},
    {PW_M_ENTERED_TREATMENT_SHARE, (pw_metric)-1, 0.68, 0.05,
     "1.09 m of 1.60 m referrals entered treatment"},
    {PW_M_FINISHED_COURSE_SHARE, (pw_metric)-1, 0.36, 0.05,
     "582,556 of 1.60 m finished a course (53% of 68%)"},
};
#define NTARGETS (sizeof targets / sizeof *targets)

/* Summary of metric m over the replications. */
static sim_summary summary_of(const pw_results *res, size_t n, pw_metric m)
{
    sim_summary s;
    double x[REPS];
    memset(&s, 0, sizeof s);
    s.mean = s.ci_low = s.ci_high = NAN;
    for (size_t i = 0; i < n; i++)
        x[i] = res[i].metric[m];
    if (sim_summarise(x, n, &s) != 0)
        s.mean = NAN;
    return s;
}

/* Shares print as percentages, the rest as they are. */
static int is_share(pw_metric m) { return m != PW_M_SESSIONS_MEAN_FINISHERS; }

static void test_calibration(const char *argv0)
{
    static pw_params p;
    static pw_results res[REPS];
    char path[4096];
    if (test_load(test_scenario_path(argv0, "baseline.cfg", path, sizeof path), NULL, 0, &p))
        return;
    int reps[REPS];
    for (int i = 0; i < REPS; i++)
        reps[i] = i;
    runner_opts o = {.threads = THREADS};
    char err[512] = "";
    double t0 = test_wall_now();
    int rc = runner_run(&p, reps, REPS, &o, res, err, sizeof err);
    double secs = test_wall_now() - t0;
    if (!CHECK(rc == 0, "runner_run succeeds, got %d: %s", rc, err))
        return;
    sim_summary refs = summary_of(res, REPS, PW_M_REFERRALS);
    printf("   %s: %d replications of %.0f weeks (after %.0f weeks' warm-up), seed %llu, "
           "%.0f referrals each; %.1f s on %d threads\n\n",
           path, REPS, p.horizon_weeks, p.warmup_weeks, (unsigned long long)p.seed, refs.mean,
           secs, THREADS);
    printf("| metric | target (2018-19) | band | simulated, reported | 95%% CI | true | "
           "in band |\n|---|---|---|---|---|---|---|\n");
    int ok_all = 1;
    for (size_t k = 0; k < NTARGETS; k++) {
        const target *t = &targets[k];
        sim_summary s = summary_of(res, REPS, t->reported);
        double truth = (int)t->truth >= 0 ? summary_of(res, REPS, t->truth).mean : NAN;
        int in = fabs(s.mean - t->figure) <= t->band;
        ok_all &= in;
        double f = is_share(t->reported) ? 100.0 : 1.0;
        const char *u = is_share(t->reported) ? "%" : "";
        char tr[32] = "-";
        if (!isnan(truth))
            snprintf(tr, sizeof tr, "%.1f%s", f * truth, u);
        printf("| %s | %.1f%s | ±%.1f%s | %.1f%s | %.1f–%.1f | %s | %s |\n",
               pw_metric_name(t->reported), f * t->figure, u, f * t->band, u, f * s.mean, u,
               f * s.ci_low, f * s.ci_high, tr, in ? "yes" : "NO");
    }
    printf("\n");
    for (size_t k = 0; k < NTARGETS; k++) {
        const target *t = &targets[k];
        sim_summary s = summary_of(res, REPS, t->reported);
        double hw = (s.ci_high - s.ci_low) / 2;
        CHECK(s.n == REPS, "%s defined in every replication (%zu of %d)",
              pw_metric_name(t->reported), s.n, REPS);
        CHECK(hw < t->band / 4, "%s: CI half-width %.4g below a quarter of the band %.4g",
              pw_metric_name(t->reported), hw, t->band);
        char what[160];
        snprintf(what, sizeof what, "%s (%s), mean of %d replications",
                 pw_metric_name(t->reported), t->source, REPS);
        CHECK_NEAR(s.mean, t->figure, t->band, what);
    }
    if (!ok_all)
        printf("   (the baseline is not calibrated yet: see the NO rows above)\n");
    for (int i = 0; i < REPS; i++)
        pw_results_free(&res[i]);
}

int main(int argc, char **argv)
{
    (void)argc;
    printf("-- test_calibration\n");
    test_calibration(argv[0]);
    return harness_done();
}
