/* Workforce dynamics (models/pw_staff.c): with every hazard off the staff
 * are fixed and a weekly round that can change nothing changes nothing; observed leaving,
 * training and sickness rates match the configured hazards; burnout raises leaving;
 * overload feeds back into turnover and waits; the baseline reproduces the turnover of
 * docs/calibration.md §5; a leaver's patients go back to the list and some are lost; the
 * shipped workforce scenarios move the way their comments say; recruitment keeps to the
 * establishment, the intake month and the labour pool; the weekly burnout series covers
 * everyone in post. Prints the measured numbers (the README quotes them). Scenarios are
 * loaded with scn_load (--set style overrides) and replicated with runner_run on two
 * threads (pw_run directly where a monitor is needed). Fixed seeds: the scenarios' own.
 * The sanitizer pass runs each scenario at one replication with its accounting and exact
 * checks, and leaves the statistical ones to the optimised pass (reps below). */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>

#include "harness.h"
#include "prog_util.h"
#include "models/pw_params.h"
#include "models/pw_results.h"
#include "models/pw_world.h"
#include "sim/runner.h"
#include "sim/scn_load.h"

#define THREADS 2
#define MAXSETS 32
#define MAXREP 64
#define YEAR_DAYS 365.25
/* Weeks as the model counts exposure: a person in post at a week's end counts 7 days. */
#define WEEK_YEARS (7.0 / YEAR_DAYS)

static const char *argv0 = "";


/* ======================================================================================
 * Loading and running
 * ====================================================================================== */

/* Load scenarios/<file> with a[0..na) then b[0..nb) as --set overrides (later ones win).
 * Returns 0, or -1 after a failed check that prints the loader's messages. */
static int load2(const char *file, const char *const *a, size_t na, const char *const *b, size_t nb,
                 pw_params *p)
{
    const char *sets[MAXSETS];
    size_t n = 0;
    if (!CHECK(na + nb <= MAXSETS, "at most %d overrides (got %zu)", MAXSETS, na + nb))
        return -1;
    for (size_t i = 0; i < na; i++)
        sets[n++] = a[i];
    for (size_t i = 0; i < nb; i++)
        sets[n++] = b[i];
    char path[4096];
    return test_load(test_scenario_path(argv0, file, path, sizeof path), sets, n, p);
}

/* Index of the role called name in p (asserted present). */
static int role_of(const pw_params *p, const char *name)
{
    for (size_t r = 0; r < p->n_roles; r++)
        if (strcmp(p->roles[r].name, name) == 0)
            return (int)r;
    CHECK(0, "role \"%s\" in the scenario", name);
    return 0;
}

/* ======================================================================================
 * Statistics
 * ====================================================================================== */

/* Role r's events per headcount-year in replication i: what = leavers, to_training,
 * both (turnover), or sick days. */
typedef enum rate_kind { RATE_LEAVE, RATE_TRAIN, RATE_TURNOVER, RATE_SICK } rate_kind;

static double events_of(const pw_role_stats *st, rate_kind k)
{
    switch (k) {
    case RATE_LEAVE:
        return (double)st->leavers;
    case RATE_TRAIN:
        return (double)st->to_training;
    case RATE_TURNOVER:
        return (double)(st->leavers + st->to_training);
    case RATE_SICK:
        return st->sick_days;
    }
    return NAN;
}

/* What a rate is per: headcount-years, but FTE-years for sick days, which are FTE-days
 * (days x the absent's FTE), so that the ratio is days a person-year whatever the FTE. */
static double exposure_of(const pw_role_stats *st, rate_kind k)
{
    return k == RATE_SICK ? st->fte_years : st->headcount_years;
}

/* Pooled over replications: events, years of exposure, and their ratio. */
typedef struct pooled {
    double events, years, rate;
} pooled;

static pooled pool(const pw_results *res, size_t n, int r, rate_kind k)
{
    pooled q = {0, 0, NAN};
    for (size_t i = 0; i < n; i++) {
        q.events += events_of(&res[i].roles[r], k);
        q.years += exposure_of(&res[i].roles[r], k);
    }
    q.rate = q.years > 0 ? q.events / q.years : NAN;
    return q;
}

/* Per-replication rates x[i] of role r. */
static void rates_of(const pw_results *res, size_t n, int r, rate_kind k, double *x)
{
    for (size_t i = 0; i < n; i++)
        x[i] = events_of(&res[i].roles[r], k) / exposure_of(&res[i].roles[r], k);
}

/* Paired difference b - a of per-replication values, replication by replication. */
static test_est paired_diff(const double *a, const double *b, size_t n, double level)
{
    double d[MAXREP];
    for (size_t i = 0; i < n; i++)
        d[i] = b[i] - a[i];
    return test_t_interval(d, n, level);
}

static void metric_of(const pw_results *res, size_t n, pw_metric m, double *x)
{
    for (size_t i = 0; i < n; i++)
        x[i] = res[i].metric[m];
}

/* The chance per week the model uses for a hazard of `per_year`, as a rate per year of
 * exposure: (1 - e^{-h dt}) / dt with dt one week. Slightly below the hazard: a person
 * can leave at most once a week. */
static double weekly_rate(double per_year)
{
    return (1 - exp(-per_year * WEEK_YEARS)) / WEEK_YEARS;
}

/* ======================================================================================
 * 1. Fixed staff: every hazard zero
 * ====================================================================================== */

/* Every hazard off, no burnout, no plans: the baseline's roles are pwp and hit. */
static const char *const no_hazards[] = {
    "staff.pwp.leave_per_year=0",         "staff.pwp.sick_episodes_per_year=0",
    "staff.pwp.training_per_year=0",      "staff.hit.leave_per_year=0",
    "staff.hit.sick_episodes_per_year=0", "staff.hit.training_per_year=0",
    "workforce.burnout_rise_per_week=0",
};
#define N_NO_HAZARDS (sizeof no_hazards / sizeof *no_hazards)

/* Burnout builds every week (so the weekly staff round runs) but acts on nothing. */
static const char *const inert_burnout[] = {
    "workforce.burnout_rise_per_week=0.16",
    "workforce.burnout_leave_factor=0",
    "workforce.burnout_sick_factor=0",
    "workforce.burnout_effect=0",
};
#define N_INERT (sizeof inert_burnout / sizeof *inert_burnout)

#define FIXED_REPS 1

/* Same double, or both NaN, or within 1e-12 relative: with staff dynamics on, utilisation
 * divides by the time average of the hours available, which for constant hours equals them
 * only to rounding. Any change of behaviour moves a metric by far more. */
static int same_double(double a, double b)
{
    return a == b || (isnan(a) && isnan(b)) || fabs(a - b) <= 1e-12 * fabs(a);
}

/* Everything in a and b is equal except the burnout figures: metrics, exits, stages,
 * waits, outcome tallies, score histograms, failures, role stats, the weekly series.
 * Reports the first difference of each kind. */
static void check_same_results(const pw_results *a, const pw_results *b, size_t n_roles)
{
    int rep = a->replication;
    for (int m = 0; m < PW_M_N; m++) {
        if (m == PW_M_BURNOUT_MEAN || m == PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2 ||
            m == PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3)
            continue;
        if (!CHECK(same_double(a->metric[m], b->metric[m]),
                   "rep %d: metric %s equal with an inert staff round (fixed %.17g, round %.17g)",
                   rep, pw_metric_name((pw_metric)m), a->metric[m], b->metric[m])) {
            static const pw_metric show[] = {PW_M_REFERRALS, PW_M_WAIT_TO_TREATMENT_DAYS_MEAN,
                                             PW_M_WAITING_STEP2_MEAN, PW_M_RECOVERY_RATE_REPORTED,
                                             PW_M_FINISHED_COURSE_SHARE};
            for (size_t k = 0; k < sizeof show / sizeof *show; k++)
                printf("      %s: fixed %.6g, inert round %.6g\n", pw_metric_name(show[k]),
                       a->metric[show[k]], b->metric[show[k]]);
            break;
        }
    }
    for (int x = 0; x < PW_X_N; x++)
        if (!CHECK(a->exits[x] == b->exits[x], "rep %d: exits %s equal (fixed %llu, round %llu)",
                   rep, pw_exit_name((pw_exit)x), (unsigned long long)a->exits[x],
                   (unsigned long long)b->exits[x]))
            break;
    for (int s = 0; s < PW_S_N; s++)
        if (!CHECK(a->stages[s] == b->stages[s], "rep %d: stages %s equal (fixed %llu, round %llu)",
                   rep, pw_stage_name((pw_stage)s), (unsigned long long)a->stages[s],
                   (unsigned long long)b->stages[s]))
            break;
    CHECK(memcmp(a->waits, b->waits, sizeof a->waits) == 0, "rep %d: wait histograms equal", rep);
    CHECK(memcmp(a->by_path, b->by_path, sizeof a->by_path) == 0 &&
              memcmp(a->by_group, b->by_group, sizeof a->by_group) == 0,
          "rep %d: outcome tallies by path and subgroup equal", rep);
    CHECK(memcmp(&a->scores, &b->scores, sizeof a->scores) == 0 &&
              memcmp(a->failures, b->failures, sizeof a->failures) == 0,
          "rep %d: score histograms and failure counts equal", rep);
    for (size_t r = 0; r < n_roles; r++) {
        pw_role_stats sa = a->roles[r], sb = b->roles[r];
        sa.burnout_years = sb.burnout_years = 0;
        CHECK(memcmp(&sa, &sb, sizeof sa) == 0,
              "rep %d: role %zu stats equal apart from burnout (headcount-years %.17g vs %.17g, "
              "salary %.17g vs %.17g)",
              rep, r, sa.headcount_years, sb.headcount_years, sa.salary_gbp, sb.salary_gbp);
    }
    CHECK(a->n_weeks == b->n_weeks, "rep %d: same number of weeks (%zu, %zu)", rep, a->n_weeks,
          b->n_weeks);
    for (size_t k = 0; k < a->n_weeks && k < b->n_weeks; k++) {
        pw_week wa = a->weeks[k], wb = b->weeks[k];
        wa.burnout_mean = wb.burnout_mean = wa.burnout_p90 = wb.burnout_p90 = 0;
        if (!CHECK(memcmp(&wa, &wb, sizeof wa) == 0,
                   "rep %d week %zu: time series equal apart from burnout (step-2 list %g vs %g, "
                   "sessions %g vs %g)",
                   rep, k, wa.waiting_step[0], wb.waiting_step[0], wa.sessions, wb.sessions))
            break;
    }
}

/* With every hazard zero the staff never change: in every week of the series each role has
 * its headcount in post, no vacancies, no trainees, nobody sick, no leavers or hires; the
 * window's role stats count headcount x window years and nothing else. Then the same with
 * burnout building every week but with every burnout factor zero: the weekly staff round now
 * runs (w->dynamic) but can change nothing, so every outcome is bit-for-bit the fixed-staff
 * model's (burnout_mean itself differs and is left out; costs and turnover are compared
 * too: they do not depend on the round). */
static void test_fixed_staff(void)
{
    pw_params *p = malloc(2 * sizeof *p);
    pw_results *res = calloc(2 * FIXED_REPS, sizeof *res);
    pw_results *fixed = res, *inert = res + FIXED_REPS;
    if (!CHECK(p && res, "memory"))
        goto out;
    if (load2("baseline.cfg", no_hazards, N_NO_HAZARDS, NULL, 0, &p[0]) ||
        load2("baseline.cfg", no_hazards, N_NO_HAZARDS, inert_burnout, N_INERT, &p[1]))
        goto out;
    /* The overrides must reach every role: the test is void otherwise. */
    for (size_t r = 0; r < p[0].n_roles; r++)
        CHECK(p[0].roles[r].leave_per_year == 0 && p[0].roles[r].sick_per_year == 0 &&
                  p[0].roles[r].train_per_year == 0,
              "role %s: every hazard zero", p[0].roles[r].name);
    CHECK(p[0].workforce.n_hires == 0 && p[0].workforce.n_shocks == 0, "no plans");
    if (test_run("fixed staff", &p[0], FIXED_REPS, THREADS, fixed) ||
        test_run("inert staff round", &p[1], FIXED_REPS, THREADS, inert))
        goto out;

    double window_years = p[0].horizon_weeks * WEEK_YEARS;
    unsigned long failed_before = harness_failed;
    for (int i = 0; i < FIXED_REPS; i++) {
        const pw_results *f = &fixed[i];
        int bad = 0;
        CHECK(f->n_weeks ==
                  (size_t)floor((p[0].warmup_weeks + p[0].horizon_weeks + p[0].followup_weeks)),
              "rep %d: a row for every week of the run (%zu)", i, f->n_weeks);
        for (size_t k = 0; k < f->n_weeks && !bad; k++) {
            const pw_week *wk = &f->weeks[k];
            for (size_t r = 0; r < p[0].n_roles && !bad; r++)
                bad = !CHECK(wk->staff_in_post[r] == p[0].roles[r].headcount &&
                                 wk->vacancies[r] == 0 && wk->in_training[r] == 0,
                             "rep %d week %zu role %s: in post == headcount %d, no vacancies, "
                             "no trainees (got %g, %g, %g)",
                             i, k, p[0].roles[r].name, p[0].roles[r].headcount,
                             wk->staff_in_post[r], wk->vacancies[r], wk->in_training[r]);
            if (!bad)
                bad = !CHECK(wk->leavers == 0 && wk->hires == 0 && wk->on_sick_leave == 0 &&
                                 wk->burnout_mean == 0,
                             "rep %d week %zu: no leavers, hires, sickness, burnout (got %g, %g, "
                             "%g, %g)",
                             i, k, wk->leavers, wk->hires, wk->on_sick_leave, wk->burnout_mean);
        }
        for (size_t r = 0; r < p[0].n_roles; r++) {
            const pw_role_stats *st = &f->roles[r];
            double want = p[0].roles[r].headcount * window_years;
            CHECK(st->leavers == 0 && st->to_training == 0 && st->starters == 0 &&
                      st->sick_days == 0 && st->burnout_years == 0,
                  "rep %d role %s: no leavers, trainees, starters, sick days, burnout", i,
                  p[0].roles[r].name);
            CHECK_NEAR(st->headcount_years, want, 1e-9 * want,
                       "headcount_years == headcount x window years");
            CHECK(st->in_post_end == (uint64_t)p[0].roles[r].headcount,
                  "rep %d role %s: in post at the end == headcount (got %llu)", i,
                  p[0].roles[r].name, (unsigned long long)st->in_post_end);
        }
        CHECK(f->metric[PW_M_STAFF_TURNOVER_RATE] == 0, "rep %d: turnover 0 (got %g)", i,
              f->metric[PW_M_STAFF_TURNOVER_RATE]);
        /* The inert round did run: burnout built up. */
        CHECK(inert[i].metric[PW_M_BURNOUT_MEAN] > 0,
              "rep %d: burnout builds in the inert run (got %g): the weekly round ran", i,
              inert[i].metric[PW_M_BURNOUT_MEAN]);
        check_same_results(f, &inert[i], p[0].n_roles);
    }
    printf("   fixed staff: %d pwp, %d hit; cost per referral %.2f GBP; inert round: "
           "burnout_mean %.3f; %s\n",
           p[0].roles[0].headcount, p[0].roles[1].headcount,
           fixed[0].metric[PW_M_COST_PER_REFERRAL_GBP], inert[0].metric[PW_M_BURNOUT_MEAN],
           harness_failed == failed_before ? "all checks equal" : "DIFFERENCES (above)");
out:
    if (res)
        test_free_runs(res, 2 * FIXED_REPS);
    free(res);
    free(p);
}

/* ======================================================================================
 * 2. Observed rates match the configured hazards
 * ====================================================================================== */

/* A staff-only service: a trickle of referrals (the hazards do not depend on them with
 * burnout off), 300 PWPs, 20 years of window after a year's warm-up; every hazard off so
 * that each run turns on one. */
static const char *const staff_only[] = {
    "horizon_weeks=1040",
    "warmup_weeks=52",
    "followup_weeks=4",
    "referrals.per_week=10",
    "prefill.assessment_list=0",
    "prefill.step2_list=0",
    "prefill.step3_list=0",
    "prefill.caseload_fill=0",
    "staff.pwp.headcount=300",
    "staff.pwp.leave_per_year=0",
    "staff.pwp.sick_episodes_per_year=0",
    "staff.pwp.training_per_year=0",
    "staff.hit.leave_per_year=0",
    "staff.hit.sick_episodes_per_year=0",
    "staff.hit.training_per_year=0",
    "workforce.burnout_rise_per_week=0",
    "staff.pwp.replace_leavers=true",
};
#define N_STAFF_ONLY (sizeof staff_only / sizeof *staff_only)
#define RATE_REPS harness_reps(4)
#define SICK_REPS harness_reps(8)
#define SHORT_REPS harness_reps(40)

/* Leaving and training: a person in post faces the chance q = 1 - e^{-h dt} at every weekly
 * round (dt one week), and the stats count a person-week at every week's end. Expected
 * events: q per counted person-week, i.e. the rate (1 - e^{-h dt}) / dt per headcount-year
 * (0.19962 for h = 0.2: a person leaves at most once a week), plus q for each starter, who
 * faces the round after their start though no week's end counted them before it (+q x
 * starters / headcount-years, ~0.4% here). Events are Bernoulli person-weeks, independent
 * given the past, so their count's sd is at most sqrt(count) (Poisson bound): the pooled
 * rate must lie within 3 sqrt(events) / headcount-years of that (3 sd, a false alarm ~0.3%),
 * and within that plus the discretisation of the configured hazard. 4 replications x
 * ~5,700 person-years give ~4,600 leavers: 3 sd ~ 4.5% of 0.2; ~2,400 trainees: 3 sd ~ 6%
 * of 0.1 (the sharpness is checked too). */
static void check_rate(const char *what, pooled q, double starters, double hazard)
{
    double qw = 1 - exp(-hazard * WEEK_YEARS);
    double want = weekly_rate(hazard) + qw * starters / q.years;
    double tol = 3 * sqrt(q.events) / q.years;
    printf("   %s: %.0f events / %.0f headcount-years = %.5f a year (configured %.3f; expected "
           "%.5f = weekly %.5f + starters' first rounds %.5f; 3 sd %.5f)\n",
           what, q.events, q.years, q.rate, hazard, want, weekly_rate(hazard),
           want - weekly_rate(hazard), tol);
    CHECK_NEAR(q.rate, want, tol, what);
    char w2[128];
    snprintf(w2, sizeof w2, "%s vs the configured hazard (+ discretisation)", what);
    CHECK_NEAR(q.rate, hazard, tol + fabs(hazard - want), w2);
    CHECK(tol < 0.1 * hazard, "%s: the check is sharp (3 sd %.4g below 10%% of %.3g)", what, tol,
          hazard);
}

/* Starters of role r pooled over the replications. */
static double starters_of(const pw_results *res, size_t n, int r)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)res[i].roles[r].starters;
    return s;
}

/* Sick days a person-year when episodes start only at the weekly round and only while not
 * already sick: a renewal process. From a round at which the person is well, the wait for a
 * start is geometric with mean 1/q rounds, q = 1 - e^{-r/52.18}; an episode of exponential
 * length D (mean m days) keeps them sick through ceil(D/7) - 1 further rounds, and
 * E[ceil(D/7)] = 1 / (1 - e^{-7/m}). A cycle is 1/q + E[ceil(D/7)] - 1 weeks holding m sick
 * days on average. (Continuous starts would give 365.25 r m / (365.25 + r m).) */
static double sick_days_discrete(double r, double m)
{
    double q = 1 - exp(-r * WEEK_YEARS);
    double cycle_weeks = 1 / q + 1 / (1 - exp(-7.0 / m)) - 1;
    return m * (YEAR_DAYS / 7.0) / cycle_weeks;
}

static double sick_days_continuous(double r, double m)
{
    return YEAR_DAYS * r * m / (YEAR_DAYS + r * m);
}

/* Sick days a person-year (FTE-days per FTE-year), pooled, against the renewal value: within the 99% t
 * interval of the per-replication values (renewal-reward sums are near normal; the
 * replications are independent), and against the continuous formula within that plus the
 * weekly discretisation. */
static void check_sick(const char *what, const pw_results *res, size_t n, int r, double rate,
                       double mean_days)
{
    double x[MAXREP];
    pooled q = pool(res, n, r, RATE_SICK);
    rates_of(res, n, r, RATE_SICK, x);
    test_est e = test_t_interval(x, n, 0.99);
    double disc = sick_days_discrete(rate, mean_days), cont = sick_days_continuous(rate, mean_days);
    printf("   %s: %.0f sick FTE-days / %.1f FTE-years = %.3f a year (99%% CI +-%.3f over %zu "
           "replications); theory %.3f weekly starts, %.3f continuous\n",
           what, q.events, q.years, q.rate, e.half, n, disc, cont);
    CHECK_NEAR(q.rate, disc, e.half, what);
    char w2[160];
    snprintf(w2, sizeof w2, "%s vs the continuous formula (+ discretisation %.3f)", what,
             fabs(cont - disc));
    CHECK_NEAR(q.rate, cont, e.half + fabs(cont - disc), w2);
    CHECK(e.half < 0.15 * disc, "%s: the check is sharp (99%% half-width %.3g below 15%% of %.3g)",
          what, e.half, disc);
}

static void test_rates(void)
{
    pw_params *p = malloc(sizeof *p);
    pw_results *res = calloc(SHORT_REPS, sizeof *res);
    if (!CHECK(p && res, "memory"))
        goto out;
    int pwp;

    /* Leaving: 0.2 a year, posts replaced after gamma(90, 30) days. */
    {
        const char *x[] = {"staff.pwp.leave_per_year=0.2"};
        if (load2("baseline.cfg", staff_only, N_STAFF_ONLY, x, 1, p) ||
            test_run("leaving 0.2", p, RATE_REPS, THREADS, res))
            goto out;
        pwp = role_of(p, "pwp");
        if (!harness_sanitized()) { /* statistics: the optimised pass only */
            check_rate("pwp leaving rate", pool(res, RATE_REPS, pwp, RATE_LEAVE),
                       starters_of(res, RATE_REPS, pwp), 0.2);
            /* Replacement: each post alternates between filled and vacant (the vacancy
             * delay, mean 90 days). Filled: half a week on average from the start to the
             * first round, then a geometric number of rounds: 7/q - 3.5 days. So on average
             * 300 (7/q - 3.5) / (7/q - 3.5 + 90) are in post (without replacement it would
             * fall towards 300 e^{-0.2 t}). 99% t interval over the replications' mean
             * headcounts. */
            double hc[MAXREP], q = 1 - exp(-0.2 * WEEK_YEARS);
            for (int i = 0; i < RATE_REPS; i++)
                hc[i] = res[i].roles[pwp].headcount_years / (p->horizon_weeks * WEEK_YEARS);
            test_est e = test_t_interval(hc, RATE_REPS, 0.99);
            double filled = 7 / q - 3.5, want = 300 * filled / (filled + 90.0);
            printf("   pwp in post on average %.2f (99%% CI +-%.2f); renewal theory %.2f\n",
                   e.mean, e.half, want);
            CHECK_NEAR(e.mean, want, e.half, "mean pwp in post, leavers replaced (99% CI)");
            CHECK(e.half < 0.01 * want, "in post: the check is sharp (99%% half-width %.3g)",
                  e.half);
        }
        test_free_runs(res, RATE_REPS);
    }

    /* Leaving for training: 0.1 a year, no tenure requirement, no bar. */
    {
        const char *x[] = {"staff.pwp.training_per_year=0.1",
                           "staff.pwp.training_min_tenure_years=0",
                           "staff.pwp.training_bar_years=0"};
        if (load2("baseline.cfg", staff_only, N_STAFF_ONLY, x, 3, p) ||
            test_run("training 0.1", p, RATE_REPS, THREADS, res))
            goto out;
        if (!harness_sanitized())
            check_rate("pwp to-training rate", pool(res, RATE_REPS, pwp, RATE_TRAIN),
                       starters_of(res, RATE_REPS, pwp), 0.1);
        pooled lv = pool(res, RATE_REPS, pwp, RATE_LEAVE);
        CHECK(lv.events == 0, "training is not leaving (pwp leavers %g)", lv.events);
        test_free_runs(res, RATE_REPS);
    }

    /* Sickness: 2 episodes a year of mean 10 days. */
    {
        const char *x[] = {"staff.pwp.sick_episodes_per_year=2", "staff.pwp.sick_days_mean=10"};
        if (load2("baseline.cfg", staff_only, N_STAFF_ONLY, x, 2, p) ||
            test_run("sickness 2 x 10 days", p, SICK_REPS, THREADS, res))
            goto out;
        if (!harness_sanitized())
            check_sick("pwp sick days, 20-year window", res, SICK_REPS, pwp, 2, 10);
        test_free_runs(res, SICK_REPS);
    }

    /* The same over a 4-week window: sickness is a time-integral, so it must be counted
     * once whatever the window's length. An episode open at the window's end started at a
     * round 7k days before it (k >= 1) with chance ~q e^{-7k/m}: ~0.5 sick day per person
     * inside the window. Counted twice, they would add ~150 to 4 weeks' ~19 x 300 x 4/52.18
     * = 435 sick days (+34%), far outside the 99% interval (~6% with 40 replications). */
    {
        const char *x[] = {"staff.pwp.sick_episodes_per_year=2", "staff.pwp.sick_days_mean=10",
                           "horizon_weeks=4"};
        if (load2("baseline.cfg", staff_only, N_STAFF_ONLY, x, 3, p) ||
            test_run("sickness, 4-week window", p, SHORT_REPS, THREADS, res))
            goto out;
        if (!harness_sanitized())
            check_sick("pwp sick days, 4-week window", res, SHORT_REPS, pwp, 2, 10);
        test_free_runs(res, SHORT_REPS);
    }
out:
    free(res);
    free(p);
}

/* ======================================================================================
 * 3 and 4. Burnout: leaving responds; overload feeds back into turnover and waits
 * ====================================================================================== */

/* 12 replications: at these seeds (3b61e0a) the paired differences of the feedback loop lie
 * 1.9 (the wait to treatment) to 3.5 (the PWP capacity available) half-widths beyond 0. */
#define LOOP_REPS harness_reps(12)
#define BURN_REPS harness_reps(10)

/* Burnout raises leaving as configured: the baseline with 32 PWPs (step 2 above
 * sustainable load: PWP burnout ~0.2, measured 0.204) and burnout_leave_factor 2 loses
 * more PWPs per headcount-year than with factor 0, paired replication by replication
 * (same seed, same people); the 95% t interval of the paired difference must exclude 0.
 * And the level is the configured one: leaving at each round is 1 - exp(-h (1 + f b) dt),
 * so over the window leavers ~ h (headcount-years + f burnout-years) (first order in h dt;
 * the burnout used is the week's updated value, the stats keep the previous week's: equal
 * on average); pooled, within 3 sqrt(leavers) / headcount-years. BURN_REPS = 10
 * replications give ~320 leavers at factor 2 (3 sd ~17% of the rate) against an effect of
 * the factor of ~+40% (measured 0.152 to 0.216 a year on 2026-12-06, a836646, since natural
 * history runs through a course's end; 0.151 to 0.215 once a further group went only to a
 * facilitator whose hours hold their caseload; 0.151 to 0.216, burnout 0.196, once
 * sessions moved out of groups' weeks; 0.153 to 0.227, burnout 0.21, before). */
static void test_burnout_leaving(void)
{
    pw_params *p = malloc(2 * sizeof *p);
    pw_results *res = calloc(2 * BURN_REPS, sizeof *res);
    pw_results *f0 = res, *f2 = res + BURN_REPS;
    if (!CHECK(p && res, "memory"))
        goto out;
    const char *f0s[] = {"staff.pwp.headcount=32", "workforce.burnout_leave_factor=0"};
    const char *f2s[] = {"staff.pwp.headcount=32", "workforce.burnout_leave_factor=2"};
    if (load2("baseline.cfg", f0s, 2, NULL, 0, &p[0]) ||
        load2("baseline.cfg", f2s, 2, NULL, 0, &p[1]) ||
        test_run("32 pwp, leave factor 0", &p[0], BURN_REPS, THREADS, f0) ||
        test_run("32 pwp, leave factor 2", &p[1], BURN_REPS, THREADS, f2))
        goto out;
    if (harness_sanitized()) /* the runs and their accounting; the rest is statistics */
        goto out;
    int pwp = role_of(&p[0], "pwp");
    double a[MAXREP], b[MAXREP];
    rates_of(f0, BURN_REPS, pwp, RATE_LEAVE, a);
    rates_of(f2, BURN_REPS, pwp, RATE_LEAVE, b);
    test_est d = paired_diff(a, b, BURN_REPS, 0.95);
    pooled q0 = pool(f0, BURN_REPS, pwp, RATE_LEAVE), q2 = pool(f2, BURN_REPS, pwp, RATE_LEAVE);
    double by0 = 0, by2 = 0;
    for (int i = 0; i < BURN_REPS; i++) {
        by0 += f0[i].roles[pwp].burnout_years;
        by2 += f2[i].roles[pwp].burnout_years;
    }
    double h = p[0].roles[pwp].leave_per_year;
    printf("   32 pwp: leaving %.4f a year with factor 0 (burnout %.3f), %.4f with factor 2 "
           "(burnout %.3f); paired difference %.4f +- %.4f (95%%)\n",
           q0.rate, by0 / q0.years, q2.rate, by2 / q2.years, d.mean, d.half);
    CHECK(d.mean - d.half > 0,
          "burnout_leave_factor 2 loses more pwp per headcount-year than 0 (difference %.4f, "
          "95%% CI lower end %.4f)",
          d.mean, d.mean - d.half);
    double want0 = weekly_rate(h), want2 = h * (q2.years + 2 * by2) / q2.years;
    printf("   expected: %.4f (factor 0), h (1 + 2 burnout) = %.4f (factor 2)\n", want0, want2);
    CHECK_NEAR(q0.rate, want0, 3 * sqrt(q0.events) / q0.years,
               "leaving at factor 0 == base hazard");
    CHECK_NEAR(q2.rate, want2, 3 * sqrt(q2.events) / q2.years,
               "leaving at factor 2 == base x (1 + 2 x burnout)");
out:
    if (res)
        test_free_runs(res, 2 * BURN_REPS);
    free(res);
    free(p);
}

/* The feedback loop, on the hours model (diaries off). With diaries the burnout load is
 * the diary's fill, which saturates once a list forms: measured with diaries on, 32 PWPs
 * lose 0.012 [-0.009, +0.033] more PWPs per headcount-year than 60, not a clear
 * difference; a load that also grows with the list is left to do. (a) Pushed above sustainable load (32 PWPs) the service loses more
 * PWPs per headcount-year than with 60 PWPs, where burnout stays near zero. (46 PWPs, the
 * establishment of hire_pwps.cfg, is NOT within sustainable load: a telephone hour weighs
 * 1.5, so at step-2 utilisation ~0.79 the burnout load is ~1.0 > 0.85 and PWP burnout is
 * ~0.23; 60 PWPs bring it to ~0.04.) (b) Its waits grow more than capacity alone predicts:
 * 32 PWPs with burnout feeding back (the baseline's factors) against 32 PWPs with
 * burnout_rise 0 (capacity lost only to the base hazards): the mean wait to treatment is
 * longer with feedback (26 PWPs here: the baseline now has 32). Both paired by replication,
 * 95% t intervals excluding 0. Burnout reaches the waits only through capacity (it raises
 * leaving and sickness, pw_staff.c, nothing else), so (b) checks that path too: the PWP
 * FTE-years available (in post less sick) are fewer with feedback, the paired interval
 * below 0. Measured on 3b61e0a (12 replications): waits 68.91 days without burnout, 74.90
 * with, +5.99 +- 3.08; FTE-years available 106.21 and 104.09, -2.12 +- 0.61 (-2.0%).
 * With both factors 0 in the feedback arm (burnout that feeds nothing; checked with step 3's
 * diary on there too) the capacity is the same to the last digit and the wait's interval
 * holds 0 (+1.44 +- 2.52): both fail. (b) asked the wait's lower end to be over 2% of the
 * wait without feedback, a chosen margin; a lower end above 0 asks the mean to be a
 * half-width (4.5% of the wait here) or more above 0. */
static void test_feedback_loop(void)
{
    pw_params *p = malloc(3 * sizeof *p);
    pw_results *res = calloc(3 * LOOP_REPS, sizeof *res);
    pw_results *over = res, *within = res + LOOP_REPS, *flat = res + 2 * LOOP_REPS;
    if (!CHECK(p && res, "memory"))
        goto out;
    /* Without diaries: in a diary the load that burns out is the diary's fill, which is
     * full whenever the list is not empty, however long the list (see the note above). */
    /* Burnout's effect on leaving doubled (factor 2, as in the test above): at the
     * baseline's factor the difference (~0.015 a year) is within the noise of 20
     * replications (+-0.022). */
    /* A telephone hour weighing 1.5, as the baseline's, here on the hours model (the
     * hours held for telephone sessions, where in the baseline's diaries it weighs their
     * fill by the telephone caseload). */
    const char *o[] = {"staff.pwp.headcount=26", "step2.diary=false", "step3.diary=false",
                       "workforce.burnout_leave_factor=2", "workforce.telephone_weight=1.5"},
               *w[] = {"staff.pwp.headcount=60", "step2.diary=false", "step3.diary=false",
                       "workforce.burnout_leave_factor=2", "workforce.telephone_weight=1.5"};
    const char *fl[] = {"staff.pwp.headcount=26", "workforce.burnout_rise_per_week=0",
                        "step2.diary=false", "step3.diary=false",
                        "workforce.telephone_weight=1.5"};
    if (load2("baseline.cfg", o, 5, NULL, 0, &p[0]) ||
        load2("baseline.cfg", w, 5, NULL, 0, &p[1]) ||
        load2("baseline.cfg", fl, 5, NULL, 0, &p[2]) ||
        test_run("26 pwp, burnout feeds back", &p[0], LOOP_REPS, THREADS, over) ||
        test_run("60 pwp", &p[1], LOOP_REPS, THREADS, within) ||
        test_run("26 pwp, no burnout", &p[2], LOOP_REPS, THREADS, flat))
        goto out;
    if (harness_sanitized()) /* the runs and their accounting; the rest is statistics */
        goto out;
    int pwp = role_of(&p[0], "pwp");
    double a[MAXREP], b[MAXREP];

    /* (a) */
    rates_of(within, LOOP_REPS, pwp, RATE_LEAVE, a);
    rates_of(over, LOOP_REPS, pwp, RATE_LEAVE, b);
    test_est d = paired_diff(a, b, LOOP_REPS, 0.95);
    pooled qo = pool(over, LOOP_REPS, pwp, RATE_LEAVE),
           qw = pool(within, LOOP_REPS, pwp, RATE_LEAVE);
    pooled to = pool(over, LOOP_REPS, pwp, RATE_TURNOVER),
           tw = pool(within, LOOP_REPS, pwp, RATE_TURNOVER);
    double bo = 0, bw = 0, uo[MAXREP], uw[MAXREP];
    for (int i = 0; i < LOOP_REPS; i++) {
        bo += over[i].roles[pwp].burnout_years;
        bw += within[i].roles[pwp].burnout_years;
    }
    metric_of(over, LOOP_REPS, PW_M_UTILISATION_STEP2, uo);
    metric_of(within, LOOP_REPS, PW_M_UTILISATION_STEP2, uw);
    printf("   26 pwp: step-2 utilisation %.3f, pwp burnout %.3f, leaving %.4f, turnover %.4f\n",
           test_t_interval(uo, LOOP_REPS, 0.95).mean, bo / qo.years, qo.rate, to.rate);
    printf("   60 pwp: step-2 utilisation %.3f, pwp burnout %.3f, leaving %.4f, turnover %.4f\n",
           test_t_interval(uw, LOOP_REPS, 0.95).mean, bw / qw.years, qw.rate, tw.rate);
    printf("   leaving, 26 - 60 pwp: %.4f +- %.4f (95%%)\n", d.mean, d.half);
    CHECK(d.mean - d.half > 0,
          "overloaded (26 pwp) loses more pwp per headcount-year than 60 pwp (difference "
          "%.4f, 95%% CI lower end %.4f)",
          d.mean, d.mean - d.half);

    /* (b) */
    static const pw_metric waits[] = {PW_M_WAIT_TO_TREATMENT_DAYS_MEAN, PW_M_WAITING_STEP2_MEAN};
    for (size_t k = 0; k < 2; k++) {
        metric_of(flat, LOOP_REPS, waits[k], a);
        metric_of(over, LOOP_REPS, waits[k], b);
        test_est e = paired_diff(a, b, LOOP_REPS, 0.95), base = test_t_interval(a, LOOP_REPS, 0.95);
        printf("   26 pwp, %s: %.2f without burnout, %.2f with feedback; difference %.2f +- "
               "%.2f (95%%), %+.1f%%\n",
               pw_metric_name(waits[k]), base.mean, test_t_interval(b, LOOP_REPS, 0.95).mean, e.mean,
               e.half, 100 * e.mean / base.mean);
        if (waits[k] == PW_M_WAIT_TO_TREATMENT_DAYS_MEAN)
            CHECK(e.mean - e.half > 0,
                  "feedback lengthens the wait to treatment (difference %.3f days, 95%% CI "
                  "lower end %.3f)",
                  e.mean, e.mean - e.half);
    }
    for (int i = 0; i < LOOP_REPS; i++) {
        a[i] = flat[i].roles[pwp].fte_years - flat[i].roles[pwp].sick_days / YEAR_DAYS;
        b[i] = over[i].roles[pwp].fte_years - over[i].roles[pwp].sick_days / YEAR_DAYS;
    }
    test_est cap = paired_diff(a, b, LOOP_REPS, 0.95);
    printf("   26 pwp, FTE-years available (in post less sick): %.3f without burnout, %.3f with "
           "feedback; difference %.3f +- %.3f (95%%)\n",
           test_t_interval(a, LOOP_REPS, 0.95).mean, test_t_interval(b, LOOP_REPS, 0.95).mean,
           cap.mean, cap.half);
    CHECK(cap.mean + cap.half < 0,
          "feedback costs PWP capacity (FTE-years available, difference %.3f, 95%% CI upper "
          "end %.3f)",
          cap.mean, cap.mean + cap.half);
    pooled qf = pool(flat, LOOP_REPS, pwp, RATE_LEAVE);
    double fo[MAXREP], ff[MAXREP];
    for (int i = 0; i < LOOP_REPS; i++) {
        fo[i] = over[i].roles[pwp].fte_years;
        ff[i] = flat[i].roles[pwp].fte_years;
    }
    printf("   26 pwp: leaving %.4f with feedback, %.4f without; pwp FTE in post %.2f vs %.2f\n",
           qo.rate, qf.rate,
           test_t_interval(fo, LOOP_REPS, 0.95).mean / (p[0].horizon_weeks * WEEK_YEARS),
           test_t_interval(ff, LOOP_REPS, 0.95).mean / (p[0].horizon_weeks * WEEK_YEARS));
out:
    if (res)
        test_free_runs(res, 3 * LOOP_REPS);
    free(res);
    free(p);
}

/* ======================================================================================
 * 5 and 7. The baseline's turnover; the shipped workforce scenarios
 * ====================================================================================== */

/* 20 of the scenario's 40 replications: PWP turnover varies ~0.045 between replications,
 * so the 95% half-width is ~0.021, under the +-0.03 band (checked). The scenarios of
 * test 7 are paired with the first SCEN_REPS of them: with 16, at these seeds, the paired
 * means lie 1.8 (no_burnout's PWP turnover) to 4.8 (hire_pwps's PWPs in post) half-widths
 * from 0 (2026-12-06, a836646, since natural history runs through a course's end; 2.0 to
 * 5.3, the same two, once a further group went only to a facilitator whose hours hold
 * their caseload; 1.6 to 5.4, the same two, once sessions moved out of groups' weeks; 1.7
 * to 7.3, hit_training_bar's PWPs to training to attrition_shock's step-3 list, before;
 * 1.5 to 6.9, no_burnout's PWP turnover to hire_pwps's PWPs in post, on 2026-12-05 after
 * surplus adverts were withdrawn at once; 1.3 to 5.9, no_burnout's to HIT leavers,
 * earlier; 1.8 to 7.4, no_burnout's to hire_pwps's, before a group's last session ended
 * the course for all). */
#define BASE_REPS harness_reps(20)
#define SCEN_REPS harness_reps(16)

/* docs/calibration.md §5: turnover of qualified PWPs 25% a year, HITs 12% (2015 workforce
 * census); the band is +-3 points. Turnover = (leavers + to_training) / headcount-years,
 * pooled over the replications; its 95% interval from the per-replication rates. Note: HIT
 * leavers include PWPs who leave during HIT training or fail to qualify (trainees hold the
 * HIT role but are not in its headcount-years): measured ~1 point of the HIT figure (52 of
 * 605 HIT leavers over 40 replications). */
static void check_turnover(const pw_results *res, size_t n, int r, const char *name, double figure)
{
    double x[MAXREP];
    pooled q = pool(res, n, r, RATE_TURNOVER), l = pool(res, n, r, RATE_LEAVE);
    rates_of(res, n, r, RATE_TURNOVER, x);
    test_est e = test_t_interval(x, n, 0.95);
    printf("   %s turnover %.4f (95%% CI +-%.4f; leaving %.4f, training %.4f), target %.2f +- "
           "0.03\n",
           name, q.rate, e.half, l.rate, q.rate - l.rate, figure);
    char what[96];
    snprintf(what, sizeof what, "%s turnover (docs/calibration.md §5: %.0f%%)", name,
             100 * figure);
    CHECK_NEAR(q.rate, figure, 0.03, what);
    /* A few dozen leavers a replication: the half-width must be below the band's (with
     * the baseline's 32 PWPs, ~0.021 at these replications, measured 0.0213; half the band
     * would need ~80). */
    CHECK(e.half < 0.03, "%s turnover: 95%% half-width %.4f below the band", name, e.half);
}

/* A paired check on per-replication values: b > a (sign +1) or b < a (sign -1), the 95% t
 * interval of b - a wholly on that side of 0. */
static void check_moves(const char *what, const double *a, const double *b, size_t n, int sign)
{
    test_est d = paired_diff(a, b, n, 0.95);
    double ma = test_t_interval(a, n, 0.95).mean, mb = test_t_interval(b, n, 0.95).mean;
    printf("   %s: %.4g -> %.4g, difference %+.4g +- %.4g (95%%)\n", what, ma, mb, d.mean, d.half);
    CHECK(sign * d.mean - d.half > 0, "%s: 95%% CI of the paired difference %s 0 (%.4g +- %.4g)",
          what, sign > 0 ? "above" : "below", d.mean, d.half);
}

static void check_more(const char *what, const double *a, const double *b, size_t n)
{
    check_moves(what, a, b, n, +1);
}

static void test_baseline_and_scenarios(void)
{
    pw_params *p = malloc(5 * sizeof *p);
    pw_results *res = calloc(BASE_REPS + 4 * SCEN_REPS, sizeof *res);
    pw_results *base = res, *shock = res + BASE_REPS, *hire = shock + SCEN_REPS,
               *bar = hire + SCEN_REPS, *calm = bar + SCEN_REPS;
    if (!CHECK(p && res, "memory"))
        goto out;
    if (load2("baseline.cfg", NULL, 0, NULL, 0, &p[0]) || test_run("baseline", &p[0], BASE_REPS, THREADS, base))
        goto out;
    int pwp = role_of(&p[0], "pwp"), hit = role_of(&p[0], "hit");

    printf("   7. shipped scenarios, %d replications each, paired with the baseline's:\n",
           SCEN_REPS);
    if (load2("attrition_shock.cfg", NULL, 0, NULL, 0, &p[1]) ||
        load2("hire_pwps.cfg", NULL, 0, NULL, 0, &p[2]) ||
        load2("hit_training_bar.cfg", NULL, 0, NULL, 0, &p[3]) ||
        load2("no_burnout.cfg", NULL, 0, NULL, 0, &p[4]))
        goto out;
    for (int k = 1; k < 5; k++)
        CHECK(p[k].seed == p[0].seed, "scenario %d has the baseline's seed", k);
    if (test_run("attrition_shock", &p[1], SCEN_REPS, THREADS, shock) ||
        test_run("hire_pwps", &p[2], SCEN_REPS, THREADS, hire) ||
        test_run("hit_training_bar", &p[3], SCEN_REPS, THREADS, bar) || test_run("no_burnout", &p[4], SCEN_REPS, THREADS, calm))
        goto out;
    if (harness_sanitized()) /* the runs and their accounting; the rest is statistics */
        goto out;

    printf("   5. baseline turnover over %d replications:\n", BASE_REPS);
    check_turnover(base, BASE_REPS, pwp, "pwp", 0.25);
    check_turnover(base, BASE_REPS, hit, "hit", 0.12);
    double bm[MAXREP], tr[MAXREP];
    metric_of(base, BASE_REPS, PW_M_BURNOUT_MEAN, bm);
    metric_of(base, BASE_REPS, PW_M_STAFF_TURNOVER_RATE, tr);
    printf("   baseline metrics: burnout_mean %.3f, staff_turnover_rate %.4f (all staff)\n",
           test_t_interval(bm, BASE_REPS, 0.95).mean, test_t_interval(tr, BASE_REPS, 0.95).mean);

    double a[MAXREP], b[MAXREP];
    for (int i = 0; i < SCEN_REPS; i++) {
        a[i] = (double)base[i].roles[hit].leavers;
        b[i] = (double)shock[i].roles[hit].leavers;
    }
    check_more("attrition_shock: hit leavers", a, b, SCEN_REPS);
    metric_of(base, SCEN_REPS, PW_M_STEP_UP_WAIT_DAYS_MEAN, a);
    metric_of(shock, SCEN_REPS, PW_M_STEP_UP_WAIT_DAYS_MEAN, b);
    check_more("attrition_shock: step_up_wait_days_mean (wait for step 3)", a, b, SCEN_REPS);
    metric_of(base, SCEN_REPS, PW_M_WAITING_STEP3_MEAN, a);
    metric_of(shock, SCEN_REPS, PW_M_WAITING_STEP3_MEAN, b);
    check_more("attrition_shock: waiting_step3_mean", a, b, SCEN_REPS);
    for (int i = 0; i < SCEN_REPS; i++) {
        a[i] = (double)base[i].roles[pwp].in_post_end;
        b[i] = (double)hire[i].roles[pwp].in_post_end;
    }
    check_more("hire_pwps: pwp in post at the window's end", a, b, SCEN_REPS);
    for (int i = 0; i < SCEN_REPS; i++) {
        a[i] = (double)base[i].roles[pwp].to_training;
        b[i] = (double)bar[i].roles[pwp].to_training;
    }
    check_moves("hit_training_bar: pwp to_training", a, b, SCEN_REPS, -1);
    rates_of(base, SCEN_REPS, pwp, RATE_TURNOVER, a);
    rates_of(calm, SCEN_REPS, pwp, RATE_TURNOVER, b);
    check_moves("no_burnout: pwp turnover", a, b, SCEN_REPS, -1);
out:
    if (res)
        test_free_runs(res, BASE_REPS + 4 * SCEN_REPS);
    free(res);
    free(p);
}

/* ======================================================================================
 * 6. A leaver's caseload
 * ====================================================================================== */

#define SHOCK_REPS harness_reps(8)

/* Counts the stage records of patients lost with the change of therapist. */
typedef struct lost_count {
    uint64_t all, cohort;
} lost_count;

static void count_lost(void *ctx, const pw_stage_record *rec)
{
    lost_count *c = ctx;
    if (rec->exit_reason && strcmp(rec->exit_reason, "lost_with_change_of_therapist") == 0) {
        c->all++;
        c->cohort += rec->cohort != 0;
    }
}

typedef struct mon_job {
    const pw_params *p;
    int rep, rc;
    pw_results *out;
    lost_count lost;
} mon_job;

static void *mon_run(void *arg)
{
    mon_job *j = arg;
    pw_monitor mon = {.ctx = &j->lost, .stage = count_lost, .event = NULL};
    j->rc = pw_run(j->p, j->rep, &mon, j->out);
    return NULL;
}

/* Replications 0..n-1 of p with the counting monitor, two at a time. */
static int run_monitored(const char *what, const pw_params *p, size_t n, pw_results *out,
                         lost_count *lost)
{
    mon_job jobs[MAXREP];
    double t0 = test_wall_now();
    for (size_t i = 0; i < n; i++)
        jobs[i] = (mon_job){.p = p, .rep = (int)i, .out = &out[i]};
    for (size_t i = 0; i < n; i += 2) {
        pthread_t t;
        int two = i + 1 < n && pthread_create(&t, NULL, mon_run, &jobs[i + 1]) == 0;
        mon_run(&jobs[i]);
        if (two)
            pthread_join(t, NULL);
        else if (i + 1 < n)
            mon_run(&jobs[i + 1]);
    }
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        ok &= CHECK(jobs[i].rc == 0, "%s rep %zu: pw_run succeeds (got %d)", what, i, jobs[i].rc);
        lost[i] = jobs[i].lost;
    }
    printf("   [%s: %zu replications, %.1f s]\n", what, n, test_wall_now() - t0);
    if (ok)
        for (size_t i = 0; i < n; i++)
            test_check_accounting(what, &out[i]);
    return ok ? 0 : -1;
}

/* A shock takes 90% of HITs within a week at week 156: their patients go back to the head
 * of the step-3 list, each lost with probability change_dropout (0.1 in the baseline).
 * Against the baseline (same seed and people): more HITs leave and more patients are lost
 * with the change of therapist (counted from the monitor's stage records; expected extra
 * ~21 leavers x ~13 patients each (17.6 h a week / 1.25 h a patient) x 0.1 ~ 28 a
 * replication). The cohort's dropped_in_treatment exits do NOT rise against the baseline:
 * the shock also lengthens the step-3 wait, so more drop out waiting and fewer reach
 * treatment to drop out of it (printed, not checked). So the losses are isolated by
 * pairing the shock with the same shock at change_dropout 0 (the loss is decided by a draw
 * made either way, so the runs share every other draw): there nobody is lost, and with
 * change_dropout 0.1 the cohort's dropped_in_treatment exits rise. Every referral is
 * accounted for in all three. */
static void test_leaver_caseload(void)
{
    pw_params *p = malloc(3 * sizeof *p);
    pw_results *res = calloc(3 * SHOCK_REPS, sizeof *res);
    pw_results *calm = res, *shock = res + SHOCK_REPS, *kept = res + 2 * SHOCK_REPS;
    lost_count lc[MAXREP], ls[MAXREP], lk[MAXREP];
    if (!CHECK(p && res, "memory"))
        goto out;
    const char *s[] = {"workforce.shocks=({ week = 156.0; role = \"hit\"; share = 0.9; "
                       "weeks = 1.0; })",
                       "workforce.change_dropout=0"};
    if (load2("baseline.cfg", NULL, 0, NULL, 0, &p[0]) ||
        load2("baseline.cfg", s, 1, NULL, 0, &p[1]) || load2("baseline.cfg", s, 2, NULL, 0, &p[2]))
        goto out;
    CHECK(p[1].workforce.change_dropout == 0.1, "the baseline's change_dropout is 0.1 (got %g)",
          p[1].workforce.change_dropout);
    if (run_monitored("baseline", &p[0], SHOCK_REPS, calm, lc) ||
        run_monitored("90% of hit leave at week 156", &p[1], SHOCK_REPS, shock, ls) ||
        run_monitored("the same shock, change_dropout 0", &p[2], SHOCK_REPS, kept, lk))
        goto out;
    uint64_t lost_kept = 0;
    for (int i = 0; i < SHOCK_REPS; i++) {
        lost_kept += lk[i].all;
        CHECK(ls[i].cohort <= shock[i].exits[PW_X_DROPPED_IN_TREATMENT],
              "rep %d: the cohort's lost (%llu) are among its dropped_in_treatment (%llu)", i,
              (unsigned long long)ls[i].cohort,
              (unsigned long long)shock[i].exits[PW_X_DROPPED_IN_TREATMENT]);
    }
    CHECK(lost_kept == 0, "change_dropout 0: nobody lost with the change of therapist (got %llu)",
          (unsigned long long)lost_kept);
    if (harness_sanitized()) /* the runs, their accounting and the checks above */
        goto out;
    int hit = role_of(&p[0], "hit");
    double a[MAXREP], b[MAXREP];
    for (int i = 0; i < SHOCK_REPS; i++) {
        a[i] = (double)calm[i].roles[hit].leavers;
        b[i] = (double)shock[i].roles[hit].leavers;
    }
    check_more("shock: hit leavers", a, b, SHOCK_REPS);
    for (int i = 0; i < SHOCK_REPS; i++) {
        a[i] = (double)lc[i].all;
        b[i] = (double)ls[i].all;
    }
    check_more("shock: patients lost with the change of therapist", a, b, SHOCK_REPS);
    /* Against the baseline: printed (see above). */
    static const pw_exit shown[] = {PW_X_DROPPED_IN_TREATMENT, PW_X_DROPPED_WAITING_STEP3};
    for (size_t k = 0; k < 2; k++) {
        for (int i = 0; i < SHOCK_REPS; i++) {
            a[i] = (double)calm[i].exits[shown[k]];
            b[i] = (double)shock[i].exits[shown[k]];
        }
        test_est d = paired_diff(a, b, SHOCK_REPS, 0.95);
        printf("   shock vs baseline, exits %s: %+.1f +- %.1f (95%%) a replication\n",
               pw_exit_name(shown[k]), d.mean, d.half);
    }
    double lost_cohort = 0;
    for (int i = 0; i < SHOCK_REPS; i++) {
        a[i] = (double)kept[i].exits[PW_X_DROPPED_IN_TREATMENT];
        b[i] = (double)shock[i].exits[PW_X_DROPPED_IN_TREATMENT];
        lost_cohort += (double)ls[i].cohort;
    }
    printf("   the shock's cohort lost with the change of therapist: %.1f a replication\n",
           lost_cohort / SHOCK_REPS);
    check_more("shock, change_dropout 0 -> 0.1: exits dropped_in_treatment", a, b, SHOCK_REPS);
out:
    if (res)
        test_free_runs(res, 3 * SHOCK_REPS);
    free(res);
    free(p);
}

/* ======================================================================================
 * Recruitment: establishment, intake month, labour pool
 * ====================================================================================== */

/* The staff-only service of test 2 with PWPs leaving at 0.2 a year, 10 years of window.
 * (a) intake_month = 9: starters start on the first day of September only (day
 * y x 365.25 + 8 x 365.25/12), so every week with hires is a week holding such a day; and
 * in post + posts advertised never exceed the establishment (300). (b) labour_pool_per_year
 * = 20 against ~55 leavers a year: the pool binds, so the window's starters are 20 for every
 * pool year (calendar years of 365.25 days from day 0) wholly inside it at least, and 20 for
 * every pool year it touches at most. */
static void test_recruitment(void)
{
    pw_params *p = malloc(sizeof *p);
    pw_results res[1];
    memset(res, 0, sizeof res);
    if (!CHECK(p != NULL, "memory"))
        goto out;
    const char *intake[] = {"horizon_weeks=520", "staff.pwp.leave_per_year=0.2",
                            "staff.pwp.intake_month=9"};
    if (load2("baseline.cfg", staff_only, N_STAFF_ONLY, intake, 3, p) ||
        test_run("intake month 9", p, 1, THREADS, res))
        goto out;
    int pwp = role_of(p, "pwp"), weeks_hiring = 0, bad = 0;
    double sept = 8 * YEAR_DAYS / 12;
    for (size_t k = 0; k < res[0].n_weeks && !bad; k++) {
        const pw_week *wk = &res[0].weeks[k];
        bad |= !CHECK(wk->staff_in_post[pwp] + wk->vacancies[pwp] <= 300,
                      "week %zu: in post %g + advertised %g within the establishment 300", k,
                      wk->staff_in_post[pwp], wk->vacancies[pwp]);
        if (wk->hires == 0)
            continue;
        weeks_hiring++;
        /* Row k counts the hires of days [7k, 7k + 7). */
        double y = floor((7.0 * (double)k + 7) / YEAR_DAYS), day = y * YEAR_DAYS + sept;
        if (day >= 7.0 * (double)k + 7)
            day -= YEAR_DAYS;
        bad |= !CHECK(day >= 7.0 * (double)k && day < 7.0 * (double)k + 7,
                      "week %zu (days %g-%g): %g hires only in a week with 1 September", k,
                      7.0 * (double)k, 7.0 * (double)k + 7, wk->hires);
    }
    printf("   intake month 9: hires in %d weeks of %zu, all holding 1 September\n", weeks_hiring,
           res[0].n_weeks);
    CHECK(weeks_hiring >= 10, "hires every September (%d weeks with hires)", weeks_hiring);
    pw_results_free(&res[0]);

    const char *pool[] = {"horizon_weeks=520", "staff.pwp.leave_per_year=0.2",
                          "workforce.labour_pool_per_year=20"};
    if (load2("baseline.cfg", staff_only, N_STAFF_ONLY, pool, 3, p) ||
        test_run("labour pool 20 a year", p, 1, THREADS, res))
        goto out;
    double t0 = p->warmup_weeks * 7, t1 = t0 + p->horizon_weeks * 7;
    double inside = floor(t1 / YEAR_DAYS) - ceil(t0 / YEAR_DAYS);       /* whole years */
    double touched = floor(t1 / YEAR_DAYS) - floor(t0 / YEAR_DAYS) + 1; /* partly */
    double starters = (double)res[0].roles[pwp].starters;
    printf("   labour pool 20: %.0f starters in the window (%.0f whole pool years, %.0f touched), "
           "%llu leavers\n",
           starters, inside, touched, (unsigned long long)res[0].roles[pwp].leavers);
    CHECK(starters >= 20 * inside && starters <= 20 * touched,
          "starters %g within 20 x [%g, %g] pool years", starters, inside, touched);
out:
    pw_results_free(&res[0]);
    free(p);
}

/* ======================================================================================
 * The establishment is held
 * ====================================================================================== */

/* A post is a post: with PWPs training as HITs at a high rate (every qualifier wanting a
 * HIT post), HIT leavers replaced and planned PWP hires, staff in post, and staff in post
 * with the posts advertised, never exceed the establishment (starting headcount plus
 * planned hires due so far) in any week; trainees are counted apart. Before the rule, qualifiers took HIT posts beyond it (26.4 HITs in
 * post against 24 posts in the baseline). */
static void test_establishment_held(void)
{
    pw_params *p = malloc(sizeof *p);
    pw_results res[2];
    memset(res, 0, sizeof res);
    if (!CHECK(p != NULL, "memory"))
        goto out;
    const char *sets[] = {"horizon_weeks=260", "staff.pwp.training_per_year=0.6",
                          "staff.pwp.training_min_tenure_years=0.0",
                          "staff.hit.leave_per_year=0.3",
                          "workforce.hiring=({week=100.0;role=\"pwp\";count=4;})"};
    if (load2("baseline.cfg", sets, sizeof sets / sizeof *sets, NULL, 0, p) ||
        test_run("training into HIT posts", p, 2, THREADS, res))
        goto out;
    int pwp = role_of(p, "pwp"), hit = role_of(p, "hit"), bad = 0;
    double max_hit = 0, trainees = 0;
    for (size_t r = 0; r < 2; r++)
        for (size_t k = 0; k < res[r].n_weeks && !bad; k++) {
            const pw_week *wk = &res[r].weeks[k];
            double est_pwp = p->roles[pwp].headcount + (7.0 * (double)k >= 100 * 7.0 ? 4 : 0);
            bad |= !CHECK(wk->staff_in_post[hit] <= p->roles[hit].headcount,
                          "rep %zu week %zu: %g HITs in post within the %d posts", r, k,
                          wk->staff_in_post[hit], p->roles[hit].headcount);
            bad |= !CHECK(wk->staff_in_post[pwp] <= est_pwp,
                          "rep %zu week %zu: %g PWPs in post within the %g posts", r, k,
                          wk->staff_in_post[pwp], est_pwp);
            /* A qualifier taking an advertised post withdraws the advert at once: before,
             * it stayed open until due, counted as a vacancy beyond the posts, and filled
             * the post of the next leaver within days instead of the vacancy delay. */
            bad |= !CHECK(wk->staff_in_post[hit] + wk->vacancies[hit] <= p->roles[hit].headcount,
                          "rep %zu week %zu: %g HITs in post and %g posts advertised within "
                          "the %d posts", r, k, wk->staff_in_post[hit], wk->vacancies[hit],
                          p->roles[hit].headcount);
            bad |= !CHECK(wk->staff_in_post[pwp] + wk->vacancies[pwp] <= est_pwp,
                          "rep %zu week %zu: %g PWPs in post and %g advertised within the %g "
                          "posts", r, k, wk->staff_in_post[pwp], wk->vacancies[pwp], est_pwp);
            if (wk->staff_in_post[hit] > max_hit)
                max_hit = wk->staff_in_post[hit];
            trainees += wk->in_training[hit];
        }
    printf("   at most %g HITs in post of %d posts; %.0f trainee-weeks counted apart\n", max_hit,
           p->roles[hit].headcount, trainees);
    CHECK(trainees > 0, "trainees there are, counted apart (%g trainee-weeks)", trainees);
    CHECK(max_hit == p->roles[hit].headcount, "HIT posts are filled (at most %g of %d)", max_hit,
          p->roles[hit].headcount);
out:
    test_free_runs(res, 2);
    free(p);
}

/* Every post is filled or advertised: in post and advertised make the posts in every week,
 * to the run's end. With a vacancy of about 300 days, a post left in the run's last 300
 * days used to go unadvertised (its starter would come after the end), so the series' empty
 * posts fell short of the posts (measured: 52 of the replication's 676 role-weeks short, no
 * PWP post advertised in its last 4 weeks). */
static void test_posts_counted_to_the_end(void)
{
    pw_params *p = malloc(sizeof *p);
    pw_results res[1];
    memset(res, 0, sizeof res);
    if (!CHECK(p != NULL, "memory"))
        goto out;
    const char *sets[] = {"staff.pwp.vacancy_days={dist=\"gamma\";mean=300.0;sd=30.0;}"};
    if (load2("baseline.cfg", sets, sizeof sets / sizeof *sets, NULL, 0, p) ||
        test_run("vacancies of 300 days", p, 1, THREADS, res))
        goto out;
    int pwp = role_of(p, "pwp"), hit = role_of(p, "hit");
    size_t short_weeks = 0, last_vacant = 0;
    for (size_t k = 0; k < res[0].n_weeks; k++) {
        const pw_week *wk = &res[0].weeks[k];
        short_weeks += wk->staff_in_post[pwp] + wk->vacancies[pwp] != p->roles[pwp].headcount;
        short_weeks += wk->staff_in_post[hit] + wk->vacancies[hit] != p->roles[hit].headcount;
        if (wk->vacancies[pwp] > 0)
            last_vacant = k;
    }
    printf("   %zu role-weeks of %zu where in post and advertised are not the posts; last week "
           "with a PWP post advertised %zu\n", short_weeks, 2 * res[0].n_weeks, last_vacant);
    CHECK(short_weeks == 0, "in post and advertised are the posts in every week (%zu not)",
          short_weeks);
    CHECK(res[0].n_weeks > 0 && last_vacant + 1 == res[0].n_weeks,
          "PWP posts still advertised in the run's last week (week %zu of %zu)", last_vacant,
          res[0].n_weeks);
out:
    test_free_runs(res, 1);
    free(p);
}

/* workforce.csv and timeseries.csv cut the window at the same moments: the leavers and
 * starters of the window's rows of the series are those of workforce.csv, and in post at
 * the window's end is the last window row's level. Before, the window closed after the
 * staff round that opens the first follow-up week (its leavers counted, its row not) and
 * opened after the round of its first week; and the series counted trainees who left as
 * leavers, which workforce.csv does not. Training at a high rate, so trainees leave. */
static void test_window_edges(void)
{
    pw_params *p = malloc(sizeof *p);
    pw_results res[2];
    memset(res, 0, sizeof res);
    if (!CHECK(p != NULL, "memory"))
        goto out;
    const char *sets[] = {"horizon_weeks=104", "staff.pwp.training_per_year=0.4",
                          "staff.pwp.qualify_probability=0.5", "staff.hit.leave_per_year=0.3"};
    if (load2("baseline.cfg", sets, sizeof sets / sizeof *sets, NULL, 0, p) ||
        test_run("window edges", p, 2, THREADS, res))
        goto out;
    size_t w0 = (size_t)p->warmup_weeks, w1 = w0 + (size_t)p->horizon_weeks;
    for (size_t i = 0; i < 2; i++) {
        double left = 0, started = 0, wf_left = 0, wf_started = 0;
        for (size_t k = w0; k < w1; k++) {
            left += res[i].weeks[k].leavers;
            started += res[i].weeks[k].hires;
        }
        for (size_t r = 0; r < p->n_roles; r++) {
            const pw_role_stats *st = &res[i].roles[r];
            wf_left += (double)st->leavers;
            wf_started += (double)st->starters;
            CHECK((double)st->in_post_end == res[i].weeks[w1 - 1].staff_in_post[r],
                  "rep %zu role %zu: in post at the window's end %" PRIu64
                  " equals the last window row's %g",
                  i, r, st->in_post_end, res[i].weeks[w1 - 1].staff_in_post[r]);
        }
        CHECK(left == wf_left && started == wf_started && left > 0,
              "rep %zu: the window rows' leavers and starters (%g, %g) are workforce.csv's "
              "(%g, %g)",
              i, left, started, wf_left, wf_started);
    }
out:
    test_free_runs(res, 2);
    free(p);
}

/* ======================================================================================
 * The weekly series with many staff
 * ====================================================================================== */

/* The weekly burnout_mean is the mean over everyone in post: weighted by those in post,
 * its average over the window's weeks equals burnout-years / headcount-years (the same
 * weeks, the same people when nobody trains), whatever the number of staff. Checked at
 * 400 and 600 PWPs (+ 24 HITs) on a short run; sustainable_load 0.01 so that the little
 * load each of them carries builds burnout. Nobody leaves, trains or falls sick. */
static void test_series_many_staff(void)
{
    pw_params *p = malloc(sizeof *p);
    pw_results res[1];
    memset(res, 0, sizeof res);
    if (!CHECK(p != NULL, "memory"))
        goto out;
    static const char *const pwps[] = {"staff.pwp.headcount=400", "staff.pwp.headcount=600"};
    for (size_t k = 0; k < 2; k++) {
        const char *x[] = {"horizon_weeks=26",
                           "warmup_weeks=13",
                           "followup_weeks=1",
                           "workforce.sustainable_load=0.01",
                           "workforce.burnout_rise_per_week=0.16",
                           pwps[k]};
        if (load2("baseline.cfg", no_hazards, N_NO_HAZARDS, x, 6, p) || test_run(pwps[k], p, 1, THREADS, res))
            goto out;
        double series = 0, in_post = 0, by = 0, hy = 0;
        double w0 = p->warmup_weeks, w1 = p->warmup_weeks + p->horizon_weeks;
        for (size_t wk = 0; wk < res[0].n_weeks; wk++) {
            if (wk < w0 || wk >= w1) /* row wk ends at day 7 (wk + 1) */
                continue;
            double n = 0;
            for (size_t r = 0; r < p->n_roles; r++)
                n += res[0].weeks[wk].staff_in_post[r];
            series += res[0].weeks[wk].burnout_mean * n;
            in_post += n;
        }
        for (size_t r = 0; r < p->n_roles; r++) {
            by += res[0].roles[r].burnout_years;
            hy += res[0].roles[r].headcount_years;
        }
        printf("   %s: weekly burnout_mean averages %.6f, burnout-years / headcount-years "
               "%.6f\n",
               pwps[k], series / in_post, by / hy);
        CHECK(by > 0, "%s: burnout builds (burnout-years %g)", pwps[k], by);
        CHECK_NEAR(series / in_post, by / hy, 1e-9 * by / hy,
                   "weekly burnout_mean over everyone in post (average over the window)");
        pw_results_free(&res[0]);
    }
out:
    pw_results_free(&res[0]);
    free(p);
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    double t0 = test_wall_now();
    RUN_TEST(test_fixed_staff);
    RUN_TEST(test_rates);
    RUN_TEST(test_burnout_leaving);
    RUN_TEST(test_feedback_loop);
    RUN_TEST(test_baseline_and_scenarios);
    RUN_TEST(test_leaver_caseload);
    RUN_TEST(test_recruitment);
    RUN_TEST(test_establishment_held);
    RUN_TEST(test_posts_counted_to_the_end);
    RUN_TEST(test_window_edges);
    RUN_TEST(test_series_many_staff);
    harness_scope("every scenario ran at one replication; the rates, burnout, feedback, "
                  "turnover and paired scenario checks");
    printf("   total %.1f s\n", test_wall_now() - t0);
    return harness_done();
}
