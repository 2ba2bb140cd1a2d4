/* Routing policies on the shipped scenarios: common random numbers make paired
 * differences much tighter than independent runs; an expert door that sees need perfectly,
 * with room at the door, does no worse than stepped care on the same people; a starved
 * door makes people wait; a stratification rule of perfect accuracy routes by latent need;
 * every run accounts for every referral. Scenarios are loaded with scn_load (with --set
 * style overrides for a short run) and replicated with runner_run on 2 threads. The
 * sanitizer pass runs each scenario at one replication with its accounting and exact
 * checks, and leaves the statistical ones to the optimised pass (reps below).
 * Run from the repository root, or give the root as argv[1]. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "harness.h"
#include "prog_util.h"
#include "models/pw_params.h"
#include "models/pw_results.h"
#include "models/pol.h"
#include "models/pw_world.h"
#include "sim/runner.h"
#include "sim/scn_load.h"

#define PATHMAX 1024
#define MAXSETS 16
/* Replications per scenario: enough for a t interval, few enough to stay fast; more for
 * the comparison of interval widths, whose ratio is itself an estimate. */
#define NREP 10
#define PAIRED_REPS 30
#define MAXREP 30
/* The least ratio of unpaired to paired CI half-widths asserted (see test_paired_narrower). */
#define PAIRED_MIN_RATIO 1.5
#define THREADS 2
/* Master seeds: SEED for every paired run, SEED_OTHER for the independent one. */
#define SEED "seed=20240611"
#define SEED_OTHER "seed=777001"

/* A short run: one year of cohort after a quarter of warm-up, a quarter of follow-up.
 * Diaries off and 30 clinical hours for PWPs and HITs, so that no list saturates: these
 * tests measure the pairing machinery against its theory, which holds for lists away
 * from saturation. The baseline runs its step-2 and step-3 diaries full, where the lists'
 * levels wander from replication to replication and differ between paired scenarios:
 * measured on the short run with diaries on, the paired CI of true recovery is 1.55x
 * narrower than unpaired for more_pwps and 1.49x for the expert door (README, "How much
 * pairing buys", 200 replications on a836646; 1.40x and 1.48x before it); with diaries off
 * at the baseline's hours the expert door's paired sd is 1.5-1.8x the person-level floor
 * (README, "What pairing can and cannot do here"). Sessions here are a week apart, so
 * later dropout is the baseline's per-session chance at its diaries' gaps (0.04 and 0.025;
 * the baseline's weekly 0.012 and 0.015 would keep more people in treatment and fill the
 * lists). */
static const char *const short_run[] = {"horizon_weeks=52", "warmup_weeks=13",
                                        "followup_weeks=13", "step2.diary=false",
                                        "step3.diary=false",
                                        "staff.pwp.clinical_hours_per_week=30.0",
                                        "staff.hit.clinical_hours_per_week=30.0",
                                        "step2.dropout_per_session=0.04",
                                        "step3.dropout_per_session=0.025"};
#define NSHORT (sizeof short_run / sizeof *short_run)

/* The repository root all scenario paths are relative to (argv[1], else "."). */
typedef struct paths {
    char root[PATHMAX];
} paths;

/* ======================================================================================
 * Loading and running
 * ====================================================================================== */

/* Load scenarios/<file> with the short-run overrides, then extra[0..nextra) (applied after,
 * so they win). Returns 0, or -1 after a failed check that prints the loader's messages. */
static int load(const paths *ps, const char *file, const char *const *extra, size_t nextra,
                pw_params *p)
{
    char path[2 * PATHMAX];
    const char *sets[MAXSETS];
    size_t n = 0;
    if (!CHECK(NSHORT + nextra <= MAXSETS, "at most %d overrides (got %zu)", MAXSETS,
               NSHORT + nextra))
        return -1;
    for (size_t i = 0; i < NSHORT; i++)
        sets[n++] = short_run[i];
    for (size_t i = 0; i < nextra; i++)
        sets[n++] = extra[i];
    snprintf(path, sizeof path, "%s/scenarios/%s", ps->root, file);
    return test_load(path, sets, n, p);
}

/* ======================================================================================
 * Statistics
 * ====================================================================================== */

/* Metric m of each replication: x[i] = r[i].metric[m]. */
static void metric_of(const pw_results *r, size_t n, pw_metric m, double *x)
{
    for (size_t i = 0; i < n; i++)
        x[i] = r[i].metric[m];
}

/* Paired difference b - a of metric m, replication by replication (same replication
 * numbers, hence the same referrals). */
static test_est paired(const pw_results *a, const pw_results *b, size_t n, pw_metric m)
{
    double d[MAXREP];
    for (size_t i = 0; i < n; i++)
        d[i] = b[i].metric[m] - a[i].metric[m];
    return test_t_interval(d, n, 0.95);
}

/* Share of the cohort with at least one failed episode, and failed episodes per referral
 * (3+ counted as 3: a lower bound), for replication r. */
static double failed_share(const pw_results *r)
{
    const uint64_t *f = r->failures;
    return (double)(f[1] + f[2] + f[3]) / (double)(f[0] + f[1] + f[2] + f[3]);
}

static double failed_episodes(const pw_results *r)
{
    const uint64_t *f = r->failures;
    return (double)(f[1] + 2 * f[2] + 3 * f[3]) / (double)(f[0] + f[1] + f[2] + f[3]);
}

/* ======================================================================================
 * The tests
 * ====================================================================================== */

/* Common random numbers pay: the paired difference of true recovery (expert_door minus
 * baseline, the same seed, differences replication by replication) has a much narrower
 * 95% CI than the unpaired difference from independent seeds, whose half-width is
 * t(0.975, Welch df) * sqrt(sA^2/R + sB^2/R). R = PAIRED_REPS for both.
 *
 * How much narrower: arrivals and case mix are shared exactly, and each person meets the
 * same luck for the same kind of event, but a person routed to another step genuinely
 * fares differently, and who gains from the change is itself random: the paired
 * differences keep that part of the variance. Measured (R = 40, seeds 1-4, this short run):
 * correlation ~0.77 between the scenarios' replications, ratio 1.95-2.25 (and 1.6-3.5 over
 * blocks of 20); a small change (one more PWP in the baseline) gives ~4.8, independent
 * seeds ~1. PAIRED_MIN_RATIO = 1.5 separates working common random numbers from none.
 * base: the baseline's PAIRED_REPS replications at SEED (harness_reps of them), which the
 * caller runs once for every file compared with it. */
static void paired_narrower(const paths *ps, const pw_results *base, const char *file,
                            double min_ratio)
{
    const char *seed[] = {SEED}, *other[] = {SEED_OTHER};
    enum { R = PAIRED_REPS };
    size_t runs = (size_t)harness_reps(R); /* 1 in the sanitizer pass */
    pw_params *p = malloc(2 * sizeof *p);
    pw_results *exp_same = calloc(2 * R, sizeof *exp_same), *exp_other = exp_same + R;
    if (!CHECK(p != NULL && exp_same != NULL, "memory for 2 scenarios"))
        goto out_p;
    if (load(ps, file, seed, 1, &p[0]) || load(ps, file, other, 1, &p[1]))
        goto out_p;
    if (test_run(file, &p[0], runs, THREADS, exp_same))
        goto out_p;
    if (test_run(file, &p[1], runs, THREADS, exp_other))
        goto out_same;
    if (harness_sanitized()) /* the runs and their accounting; the rest is statistics */
        goto out_other;

    pw_metric m = PW_M_RECOVERY_RATE_TRUE;
    test_est pd = paired(base, exp_same, R, m);
    double a[R], b[R];
    metric_of(base, R, m, a);
    metric_of(exp_other, R, m, b);
    double va = gsl_stats_variance(a, 1, R) / R, vb = gsl_stats_variance(b, 1, R) / R;
    double df = (va + vb) * (va + vb) / (va * va / (R - 1) + vb * vb / (R - 1));
    double unpaired_half = gsl_cdf_tdist_Pinv(0.975, df) * sqrt(va + vb);
    double unpaired_diff = gsl_stats_mean(b, 1, R) - gsl_stats_mean(a, 1, R);
    double ratio = unpaired_half / pd.half;
    printf("    recovery_rate_true, R = %d: baseline %.4f, %s %.4f (same seed), "
           "%.4f (other seed)\n",
           R, gsl_stats_mean(a, 1, R), file, pd.mean + gsl_stats_mean(a, 1, R),
           gsl_stats_mean(b, 1, R));
    printf("    paired diff %+.4f +- %.4f (t df %d); unpaired diff %+.4f +- %.4f "
           "(Welch df %.1f); ratio %.2f\n",
           pd.mean, pd.half, R - 1, unpaired_diff, unpaired_half, df, ratio);
    CHECK(isfinite(pd.half) && pd.half > 0, "paired half-width is finite and > 0 (got %g)",
          pd.half);
    CHECK(ratio >= min_ratio,
          "%s: paired CI at least %.1fx narrower than unpaired (got %.2f: paired +-%.4f, "
          "unpaired +-%.4f)",
          file, min_ratio, ratio, pd.half, unpaired_half);
    /* Both estimate the same difference: their intervals overlap. */
    CHECK(fabs(pd.mean - unpaired_diff) <= pd.half + unpaired_half,
          "paired and unpaired differences agree within their CIs (%+.4f vs %+.4f)", pd.mean,
          unpaired_diff);

out_other:
    test_free_runs(exp_other, runs);
out_same:
    test_free_runs(exp_same, runs);
out_p:
    free(exp_same);
    free(p);
}

/* A change of policy re-routes four in ten people to other steps and clinicians: what
 * pairing cannot remove is how those people fare differently, so the ratio is ~2
 * (1.94 at R = 200 and 2.44 at R = 30 on 2026-12-06, a836646, since natural history runs
 * through a course's end; 1.96 at R = 200 and 2.67 at R = 30 once the expert door
 * started from its own pre-fill; 1.87 and 2.36 since sessions move out of groups' weeks;
 * 1.76 at R = 200 and 2.45 at R = 30 since 2026-12-05's front door, 2.02 at
 * R = 200 before it; 1.95-2.25 over seeds at R = 40 before it; test_coupling_near_floor
 * shows why);
 * PAIRED_MIN_RATIO guards that common random numbers work at all (independent seeds give
 * ~1). A change of staffing leaves most people on the same route: there the 3x
 * holds for 25% more PWPs (R = 200: 3.55 on 2026-12-06, a836646, since natural history
 * runs through a course's end; 3.67 since sessions move out of groups' weeks; 3.88 since
 * a group's last session ends the course for all; 3.53 on
 * 2026-11-24, 3.54 on 2026-12-05 with more_pwps's own pre-fill, 3.62 once group courses
 * resumed where they stopped, 4.25 since 2026-12-05's front door; here R = 30, 3.33, 4.22,
 * 4.87, 5.16, 3.72 and now 4.26 (a836646), and 2.14 for the expert door before that
 * front door; asserted >= 3). Not for every staffing change: 3 fewer HITs
 * (fewer_hits.cfg) gave 3.51 at R = 200 on 2026-11-24, 2.66 once group courses resumed
 * and 2.53 before 2026-12-05's front door (not re-measured since). */
static void test_paired_narrower(const paths *ps)
{
    /* The baseline at SEED, run once for both comparisons (it was run again for each). */
    const char *seed[] = {SEED};
    size_t runs = (size_t)harness_reps(PAIRED_REPS); /* 1 in the sanitizer pass */
    pw_params *p = malloc(sizeof *p);
    pw_results *base = calloc(PAIRED_REPS, sizeof *base);
    if (!CHECK(p != NULL && base != NULL, "memory for the baseline"))
        goto out;
    if (load(ps, "baseline.cfg", seed, 1, p) || test_run("baseline", p, runs, THREADS, base))
        goto out;
    paired_narrower(ps, base, "expert_door.cfg", PAIRED_MIN_RATIO);
    paired_narrower(ps, base, "more_pwps.cfg", 3.0);
    test_free_runs(base, runs);
out:
    free(base);
    free(p);
}

/* Casers at referral in replication r: the people true recovery is a share of. */
static double casers(const pw_results *r)
{
    uint64_t n = 0;
    for (int k = 0; k < PW_P_N; k++)
        n += r->by_path[k].true_casers;
    return (double)n;
}

/* How close common random numbers come to the best any pairing could do. Per caser the
 * change in true recovery D_i is -1, 0 or +1, and over the population (people are drawn
 * afresh in each replication) E[D_i] = delta, the mean difference, so Var(D_i) =
 * P(D_i != 0) - delta^2 >= |delta| - delta^2 whatever the coupling: which people gain is
 * itself random. With n casers a replication, the paired difference of a replication has
 * sd >= sqrt((|delta| - delta^2) / n): the person-level floor (people share queues, so this
 * is a close approximation, not a theorem). Two things can sit above the floor: imperfect
 * coupling, which this test bounds, and therapist effects, which it switches off
 * (therapist_effect_sd = 0): the four in ten people the expert door re-routes meet other
 * therapists by construction, so their therapist effects cannot pair.
 * Measured (this short run) on 2026-12-08 (4a1fd8c): R = 200, ~11,576 casers a
 * replication, delta +0.0551, paired sd 0.00420 = 1.98 x the floor 0.00212 (unpaired
 * 4.05 x); R = 30 (the first 30 of them), delta +0.0549, 1.46 x (4.01). On 2026-12-06
 * (a836646) R = 200 gave 1.57 x (unpaired 3.36 x): both sds rose by about a quarter since,
 * so the replications vary more, not the pairing works worse (unpaired / paired 2.05
 * against 2.14). Earlier figures: the git log of this comment.
 * Asserted: paired sd <= COUPLING_MAX x the floor (R = PAIRED_REPS: the sd of 30
 * replications is within a factor 0.74-1.26 of its true value at 95%: 1.98 x 1.26 = 2.49,
 * so the bound is 2.5; it was 2.0, from 1.57 x 1.26, until 2026-12-08); independent seeds,
 * at 4.05 x 0.74 = 3.00 at the least, still fail it. Also printed: the best ratio any
 * pairing could give, unpaired sd / floor (4.05 with therapist effects off) -- with them
 * on, only if the re-routed people's therapist effects paired, which they cannot. That is
 * why a policy change misses the 3x that more PWPs reach (test_paired_narrower). */
#define COUPLING_MAX 2.5
static void test_coupling_near_floor(const paths *ps)
{
    enum { R = PAIRED_REPS };
    const char *sets[] = {SEED, "staff.pwp.therapist_effect_sd=0.0",
                          "staff.hit.therapist_effect_sd=0.0"};
    pw_params *p = malloc(2 * sizeof *p);
    size_t runs = (size_t)harness_reps(R); /* 1 in the sanitizer pass */
    pw_results *a = calloc(2 * R, sizeof *a), *b = a + R;
    if (!CHECK(p != NULL && a != NULL, "memory for 2 scenarios"))
        goto out_p;
    if (load(ps, "baseline.cfg", sets, 3, &p[0]) || load(ps, "expert_door.cfg", sets, 3, &p[1]))
        goto out_p;
    if (test_run("baseline, no therapist effects", &p[0], runs, THREADS, a))
        goto out_p;
    if (test_run("expert_door, no therapist effects", &p[1], runs, THREADS, b))
        goto out_a;
    if (harness_sanitized()) /* the runs and their accounting; the rest is statistics */
        goto out_b;
    double d[R], xa[R], xb[R], n = 0;
    for (size_t i = 0; i < R; i++) {
        xa[i] = a[i].metric[PW_M_RECOVERY_RATE_TRUE];
        xb[i] = b[i].metric[PW_M_RECOVERY_RATE_TRUE];
        d[i] = xb[i] - xa[i];
        n += casers(&a[i]) / R;
    }
    double delta = gsl_stats_mean(d, 1, R), sd = gsl_stats_sd(d, 1, R);
    double floor_sd = sqrt((fabs(delta) - delta * delta) / n);
    double unpaired_sd = sqrt(gsl_stats_variance(xa, 1, R) + gsl_stats_variance(xb, 1, R));
    printf("    recovery_rate_true, R = %d, %.0f casers a replication: paired diff %+.4f, "
           "sd %.5f; floor %.5f (%.2f x); unpaired sd %.5f: best possible ratio %.2f\n",
           R, n, delta, sd, floor_sd, sd / floor_sd, unpaired_sd, unpaired_sd / floor_sd);
    CHECK(n > 0 && isfinite(floor_sd) && floor_sd > 0, "a floor to compare with (got %g)",
          floor_sd);
    CHECK(sd <= COUPLING_MAX * floor_sd,
          "paired sd within %.1f x the person-level floor (got %.5f = %.2f x %.5f)",
          COUPLING_MAX, sd, sd / floor_sd, floor_sd);
out_b:
    test_free_runs(b, runs);
out_a:
    test_free_runs(a, runs);
out_p:
    free(a);
    free(p);
}

/* An expert door that sees need perfectly (need_accuracy 1) with ample seniors (40, twice
 * the demand) against stepped care, the same seed: on the same people no fewer true
 * recoveries (paired mean difference >= 0, CI lower bound > -0.005, half a percentage
 * point) and no more failed episodes (share with >= 1 failure and failed episodes per
 * referral: paired mean difference <= 0, CI upper bound < +0.005). Also against stepped
 * care in the expert door's own world (the same staff, the seniors triaging), so that
 * the difference is the routing rule alone. */
static void test_expert_perfect(const paths *ps)
{
    const char *base_sets[] = {SEED};
    const char *exp_sets[] = {SEED, "staff.senior.need_accuracy=1.0", "staff.senior.headcount=40"};
    /* Stepped care with the expert door's staff: seniors triage with perfect accuracy. */
    const char *same_world[] = {SEED, "staff.senior.need_accuracy=1.0",
                                "staff.senior.headcount=40", "policy=\"stepped\"",
                                "policy_params.stepped.assessor=\"senior\""};
    pw_params *p = malloc(3 * sizeof *p);
    pw_results base[NREP], exp[NREP], step_same[NREP];
    size_t runs = (size_t)harness_reps(NREP); /* 1 in the sanitizer pass */
    if (!CHECK(p != NULL, "memory for 3 scenarios"))
        return;
    if (load(ps, "baseline.cfg", base_sets, 1, &p[0]) ||
        load(ps, "expert_door.cfg", exp_sets, 3, &p[1]) ||
        load(ps, "expert_door.cfg", same_world, 5, &p[2]))
        goto out_p;
    CHECK(p[1].policy == pw_policy_find("expert_door") && p[2].policy == pw_policy_find("stepped"),
          "policies as set (expected expert_door %d and stepped %d, got %d and %d)",
          pw_policy_find("expert_door"), pw_policy_find("stepped"), p[1].policy, p[2].policy);
    if (test_run("baseline", &p[0], runs, THREADS, base))
        goto out_p;
    if (test_run("expert_door perfect", &p[1], runs, THREADS, exp))
        goto out_base;
    if (test_run("stepped in the expert world", &p[2], runs, THREADS, step_same))
        goto out_exp;
    if (harness_sanitized()) /* the runs and their accounting; the rest is statistics */
        goto out_same;

    const double eps = 0.005;
    struct {
        const char *name;
        const pw_results *ref;
    } refs[] = {{"baseline (stepped)", base}, {"stepped, expert's staff", step_same}};
    for (size_t k = 0; k < 2; k++) {
        const pw_results *ref = refs[k].ref;
        test_est rec = paired(ref, exp, NREP, PW_M_RECOVERY_RATE_TRUE);
        double fs[NREP], fe[NREP], fs_ref = 0, fs_exp = 0, fe_ref = 0, fe_exp = 0;
        for (size_t i = 0; i < NREP; i++) {
            fs[i] = failed_share(&exp[i]) - failed_share(&ref[i]);
            fe[i] = failed_episodes(&exp[i]) - failed_episodes(&ref[i]);
            fs_ref += failed_share(&ref[i]) / NREP;
            fs_exp += failed_share(&exp[i]) / NREP;
            fe_ref += failed_episodes(&ref[i]) / NREP;
            fe_exp += failed_episodes(&exp[i]) / NREP;
        }
        test_est dfs = test_t_interval(fs, NREP, 0.95), dfe = test_t_interval(fe, NREP, 0.95);
        double rec_ref = 0;
        for (size_t i = 0; i < NREP; i++)
            rec_ref += ref[i].metric[PW_M_RECOVERY_RATE_TRUE] / NREP;
        printf("    vs %s: recovery_rate_true %.4f -> %.4f, paired diff %+.4f +- %.4f\n",
               refs[k].name, rec_ref, rec_ref + rec.mean, rec.mean, rec.half);
        printf("    vs %s: share with >= 1 failure %.4f -> %.4f, paired diff %+.4f +- %.4f\n",
               refs[k].name, fs_ref, fs_exp, dfs.mean, dfs.half);
        printf("    vs %s: failed episodes per referral %.4f -> %.4f, paired diff %+.4f +- %.4f\n",
               refs[k].name, fe_ref, fe_exp, dfe.mean, dfe.half);
        CHECK(rec.mean >= 0 && rec.mean - rec.half > -eps,
              "vs %s: perfect expert door no fewer true recoveries (expected diff >= 0 and "
              "CI low > %g, got %+.4f, CI low %+.4f)",
              refs[k].name, -eps, rec.mean, rec.mean - rec.half);
        CHECK(dfs.mean <= 0 && dfs.mean + dfs.half < eps,
              "vs %s: perfect expert door no more people failing (expected diff <= 0 and CI "
              "high < %g, got %+.4f, CI high %+.4f)",
              refs[k].name, eps, dfs.mean, dfs.mean + dfs.half);
        CHECK(dfe.mean <= 0 && dfe.mean + dfe.half < eps,
              "vs %s: perfect expert door no more failed episodes (expected diff <= 0 and CI "
              "high < %g, got %+.4f, CI high %+.4f)",
              refs[k].name, eps, dfe.mean, dfe.mean + dfe.half);
    }

out_same:
    test_free_runs(step_same, runs);
out_exp:
    test_free_runs(exp, runs);
out_base:
    test_free_runs(base, runs);
out_p:
    free(p);
}

/* A starved door: 9 seniors (162 assessment slots a week for ~210 people opting in)
 * against 40 (720 slots). The expert door's mean wait to assessment at least doubles
 * (in every replication, and in the mean), and the assessment list is longer. */
static void test_expert_starved(const paths *ps)
{
    const char *ample_sets[] = {SEED, "staff.senior.headcount=40"};
    const char *starved_sets[] = {SEED, "staff.senior.headcount=9"};
    pw_params *p = malloc(2 * sizeof *p);
    pw_results ample[NREP], starved[NREP];
    size_t runs = (size_t)harness_reps(NREP); /* 1 in the sanitizer pass */
    if (!CHECK(p != NULL, "memory for 2 scenarios"))
        return;
    if (load(ps, "expert_door.cfg", ample_sets, 2, &p[0]) ||
        load(ps, "expert_door.cfg", starved_sets, 2, &p[1]))
        goto out_p;
    if (test_run("expert_door ample", &p[0], runs, THREADS, ample))
        goto out_p;
    if (test_run("expert_door starved", &p[1], runs, THREADS, starved))
        goto out_ample;

    double wa[NREP], ws[NREP], la = 0, ls = 0;
    metric_of(ample, runs, PW_M_WAIT_TO_ASSESSMENT_DAYS_MEAN, wa);
    metric_of(starved, runs, PW_M_WAIT_TO_ASSESSMENT_DAYS_MEAN, ws);
    size_t doubled = 0;
    for (size_t i = 0; i < runs; i++) {
        doubled += ws[i] >= 2 * wa[i];
        la += ample[i].metric[PW_M_WAITING_ASSESSMENT_MEAN] / runs;
        ls += starved[i].metric[PW_M_WAITING_ASSESSMENT_MEAN] / runs;
    }
    double ma = gsl_stats_mean(wa, 1, runs), ms = gsl_stats_mean(ws, 1, runs);
    printf("    wait to assessment, days: 40 seniors %.1f, 9 seniors %.1f (x%.2f); "
           "waiting for assessment (mean list) %.0f vs %.0f\n",
           ma, ms, ms / ma, la, ls);
    CHECK(ms >= 2 * ma, "starved door: mean wait to assessment at least doubles (expected >= "
                        "%.1f days, got %.1f)",
          2 * ma, ms);
    CHECK(doubled == runs, "starved door: wait at least doubles in every replication "
                           "(expected %zu, got %zu)",
          runs, doubled);
    CHECK(ls > la, "starved door: longer assessment list (%.0f vs %.0f)", ls, la);

    test_free_runs(starved, runs);
out_ample:
    test_free_runs(ample, runs);
out_p:
    free(p);
}

/* Stratified care and the accuracy of its rule. Perfect (1/1) against a coin (0.5/0.5):
 * fewer step-2 starters step up (the ones at step 2 are the low-need ones). Perfect
 * against blind to high need (sensitivity 0, specificity 1): nobody is routed straight to
 * step 3 by a blind rule (step3_only and routed_step3 exactly 0), and more go step3_only
 * with the perfect rule. Paired by replication, the same seed. */
static void test_stratified_accuracy(const paths *ps)
{
    const char *perfect[] = {SEED, "policy_params.stratified.sensitivity=1.0",
                             "policy_params.stratified.specificity=1.0"};
    const char *coin[] = {SEED, "policy_params.stratified.sensitivity=0.5",
                          "policy_params.stratified.specificity=0.5"};
    const char *blind[] = {SEED, "policy_params.stratified.sensitivity=0.0",
                           "policy_params.stratified.specificity=1.0"};
    pw_params *p = malloc(3 * sizeof *p);
    pw_results rp[NREP], rc[NREP], rb[NREP];
    size_t runs = (size_t)harness_reps(NREP); /* 1 in the sanitizer pass */
    if (!CHECK(p != NULL, "memory for 3 scenarios"))
        return;
    if (load(ps, "stratified.cfg", perfect, 3, &p[0]) ||
        load(ps, "stratified.cfg", coin, 3, &p[1]) || load(ps, "stratified.cfg", blind, 3, &p[2]))
        goto out_p;
    if (test_run("stratified 1/1", &p[0], runs, THREADS, rp))
        goto out_p;
    if (test_run("stratified 0.5/0.5", &p[1], runs, THREADS, rc))
        goto out_perfect;
    if (test_run("stratified 0/1", &p[2], runs, THREADS, rb))
        goto out_coin;

    test_est up = paired(rc, rp, runs, PW_M_STEPPED_UP_SHARE);
    double up_p = 0, up_c = 0, s3_p = 0, s3_b = 0;
    size_t fewer_up = 0, more_s3 = 0;
    uint64_t blind_s3 = 0, blind_routed3 = 0;
    for (size_t i = 0; i < runs; i++) {
        up_p += rp[i].metric[PW_M_STEPPED_UP_SHARE] / runs;
        up_c += rc[i].metric[PW_M_STEPPED_UP_SHARE] / runs;
        s3_p += (double)rp[i].by_path[PW_P_STEP3_ONLY].n / runs;
        s3_b += (double)rb[i].by_path[PW_P_STEP3_ONLY].n / runs;
        fewer_up += rp[i].metric[PW_M_STEPPED_UP_SHARE] < rc[i].metric[PW_M_STEPPED_UP_SHARE];
        more_s3 += rp[i].by_path[PW_P_STEP3_ONLY].n > rb[i].by_path[PW_P_STEP3_ONLY].n;
        blind_s3 += rb[i].by_path[PW_P_STEP3_ONLY].n;
        blind_routed3 += rb[i].stages[PW_S_ROUTED_STEP3];
    }
    printf("    stepped_up_share: 1/1 %.4f, 0.5/0.5 %.4f, paired diff %+.4f +- %.4f\n", up_p,
           up_c, up.mean, up.half);
    printf("    step3_only per replication: 1/1 %.1f, sensitivity 0 %.1f\n", s3_p, s3_b);
    if (!harness_sanitized()) /* an interval: not of one replication */
        CHECK(up.mean < 0 && up.mean + up.half < 0,
              "perfect rule: fewer step-ups than a coin (expected paired diff < 0 with CI "
              "below 0, got %+.4f +- %.4f)",
              up.mean, up.half);
    CHECK(fewer_up == runs, "perfect rule: fewer step-ups in every replication (expected %zu, "
                            "got %zu)",
          runs, fewer_up);
    CHECK(blind_s3 == 0 && blind_routed3 == 0,
          "sensitivity 0, specificity 1: nobody straight to step 3 (expected 0 and 0, got "
          "step3_only %llu, routed_step3 %llu)",
          (unsigned long long)blind_s3, (unsigned long long)blind_routed3);
    CHECK(more_s3 == runs && s3_p > 0,
          "perfect rule: more step3_only than sensitivity 0 in every replication (expected "
          "%zu, got %zu; means %.1f vs %.1f)",
          runs, more_s3, s3_p, s3_b);

    test_free_runs(rb, runs);
out_coin:
    test_free_runs(rc, runs);
out_perfect:
    test_free_runs(rp, runs);
out_p:
    free(p);
}

/* Routes seen through the monitor, by latent need: the assessment stage's exit reason of
 * every referral (cohort or not), which the metrics cannot show. */
typedef struct route_tally {
    uint64_t n[PW_NEED_N][3]; /* [latent need][0 routed_step2, 1 routed_step3, 2 other] */
    uint64_t unknown_need;
} route_tally;

static void tally_stage(void *ctx, const pw_stage_record *rec)
{
    route_tally *t = ctx;
    if (strcmp(rec->stage, "assessment") != 0 || rec->unfinished || !rec->exit_reason)
        return;
    int need = strcmp(rec->need, "low") == 0       ? PW_NEED_LOW
               : strcmp(rec->need, "high") == 0       ? PW_NEED_HIGH
               : strcmp(rec->need, "specialist") == 0 ? PW_NEED_SPECIALIST
                                                      : -1;
    if (need < 0) {
        t->unknown_need++;
        return;
    }
    int route = strcmp(rec->exit_reason, "routed_step2") == 0   ? 0
                : strcmp(rec->exit_reason, "routed_step3") == 0 ? 1
                                                                : 2;
    t->n[need][route]++;
}

/* With a rule (or an expert) that sees need perfectly, nobody of latent low need goes
 * straight to step 3 and nobody of latent high need to step 2. Stratified 1/1: step 2 is
 * exactly the low-need people routed (specialists the PWP mis-sees as high go to step 3).
 * Expert door with need_accuracy 1: routed by need, specialists all signposted. One
 * replication each, through pw_run with a monitor. */
static void test_routes_by_latent_need(const paths *ps)
{
    const char *strat[] = {SEED, "policy_params.stratified.sensitivity=1.0",
                           "policy_params.stratified.specificity=1.0"};
    const char *expert[] = {SEED, "staff.senior.need_accuracy=1.0"};
    struct {
        const char *file, *const *sets;
        size_t nsets;
        int expert;
    } cases[] = {{"stratified.cfg", strat, 3, 0}, {"expert_door.cfg", expert, 2, 1}};
    pw_params *p = malloc(sizeof *p);
    if (!CHECK(p != NULL, "memory for a scenario"))
        return;
    for (size_t k = 0; k < 2; k++) {
        if (load(ps, cases[k].file, cases[k].sets, cases[k].nsets, p))
            continue;
        route_tally t;
        memset(&t, 0, sizeof t);
        pw_monitor mon = {&t, tally_stage, NULL, NULL};
        pw_results r;
        int rc = pw_run(p, 0, &mon, &r);
        if (!CHECK(rc == 0, "%s: pw_run succeeds (got %d)", cases[k].file, rc))
            continue;
        test_check_accounting(cases[k].file, &r);
        printf("    %s: low -> step2 %llu, step3 %llu; high -> step2 %llu, step3 %llu; "
               "specialist -> step2 %llu, step3 %llu, out %llu\n",
               cases[k].file, (unsigned long long)t.n[PW_NEED_LOW][0],
               (unsigned long long)t.n[PW_NEED_LOW][1], (unsigned long long)t.n[PW_NEED_HIGH][0],
               (unsigned long long)t.n[PW_NEED_HIGH][1],
               (unsigned long long)t.n[PW_NEED_SPECIALIST][0],
               (unsigned long long)t.n[PW_NEED_SPECIALIST][1],
               (unsigned long long)t.n[PW_NEED_SPECIALIST][2]);
        CHECK(t.unknown_need == 0, "%s: every record names a latent need (got %llu without)",
              cases[k].file, (unsigned long long)t.unknown_need);
        CHECK(t.n[PW_NEED_LOW][0] > 1000 && t.n[PW_NEED_HIGH][1] > 1000,
              "%s: many low-need people to step 2 and high-need to step 3 (got %llu, %llu)",
              cases[k].file, (unsigned long long)t.n[PW_NEED_LOW][0],
              (unsigned long long)t.n[PW_NEED_HIGH][1]);
        CHECK(t.n[PW_NEED_LOW][1] == 0,
              "%s: no latent-low-need person straight to step 3 (got %llu)", cases[k].file,
              (unsigned long long)t.n[PW_NEED_LOW][1]);
        CHECK(t.n[PW_NEED_HIGH][0] == 0, "%s: no latent-high-need person to step 2 (got %llu)",
              cases[k].file, (unsigned long long)t.n[PW_NEED_HIGH][0]);
        CHECK(t.n[PW_NEED_SPECIALIST][0] == 0,
              "%s: no specialist-need person to step 2 (got %llu)", cases[k].file,
              (unsigned long long)t.n[PW_NEED_SPECIALIST][0]);
        if (cases[k].expert)
            CHECK(t.n[PW_NEED_SPECIALIST][1] == 0,
                  "%s: a perfect expert sends no specialist need to step 3 (got %llu)",
                  cases[k].file, (unsigned long long)t.n[PW_NEED_SPECIALIST][1]);
        pw_results_free(&r);
    }
    free(p);
}

/* Every policy, with its scenario's defaults: every referral accounted for. */
static void test_accounting_every_policy(const paths *ps)
{
    const char *seed[] = {SEED};
    const char *files[] = {"baseline.cfg", "expert_door.cfg", "stratified.cfg"};
    const char *kinds[] = {"stepped", "expert_door", "stratified"};
    pw_params *p = malloc(sizeof *p);
    pw_results r[2];
    if (!CHECK(p != NULL, "memory for a scenario"))
        return;
    for (size_t k = 0; k < 3; k++) {
        if (load(ps, files[k], seed, 1, p))
            continue;
        CHECK(p->policy == pw_policy_find(kinds[k]), "%s: policy %s (got %s)", files[k], kinds[k],
              pw_policy_of(p->policy)->name);
        if (test_run(files[k], p, 2, THREADS, r) == 0)
            test_free_runs(r, 2);
    }
    free(p);
}

/* Runs every test; argv[1] is the repository root (default "."). Exit 0 if all pass. */
int main(int argc, char **argv)
{
    paths ps;
    if (test_root(argc, argv, "scenarios/baseline.cfg", ps.root, sizeof ps.root) != 0)
        return 2;
#define RUN(fn) RUN_TEST_WITH(fn, &ps)
    RUN(test_accounting_every_policy);
    RUN(test_paired_narrower);
    RUN(test_coupling_near_floor);
    RUN(test_expert_perfect);
    RUN(test_expert_starved);
    RUN(test_stratified_accuracy);
    RUN(test_routes_by_latent_need);
    harness_scope("each scenario ran at one replication; the checks on intervals and on "
                  "pairing's sd");
    return harness_done();
}
