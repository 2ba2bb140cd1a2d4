/* The checks printed after a run's dashboard: whether the warm-up was long enough
 * (MSER-5, and each list's level against its range and growth), and the diaries' and
 * assessors' warnings. */
#include "run_checks.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/pol.h"
#include "models/pw_world.h"
#include "sim/core/sim_stats.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* The stretches list_outgrows compares in a window of `span` weeks, each `*block` weeks:
 * from two years on, the first and the last whole year; in a shorter window of three
 * quarters or more, its middle and last thirds (its first third may still hold a list
 * filling after a short warm-up, which is the warm-up check's to name). The first
 * stretch's start, or SIZE_MAX where the window has no two to compare. */
static size_t growth_from(size_t span, size_t *block)
{
    *block = span >= 104 ? 52 : span / 3;
    return span >= 104 ? 0 : span >= 39 ? span / 3 : SIZE_MAX;
}

/* The mean over the n replications of x (each `span` weeks) over weeks [from, from + len). */
static double stretch_mean(const double *x, size_t n, size_t span, size_t from, size_t len)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = from; k < from + len; k++)
            sum += x[i * span + k];
    return sum / ((double)n * (double)len);
}

/* Demand above capacity: does a list (x: n replications of `span` window weeks each)
 * grow through the window? Its mean over the window's last year (growth_from: its last
 * third, in a window under two years) exceeds its first year's (middle third's) by a fifth
 * and by half a week of referrals (per_week; by Little's law its wait grows by half a
 * week or more), alike across replications (a one-sided t test of the replications' rises
 * at 1%), which a list wandering at capacity does not. And, in a window of two years or
 * more, it still grows by as much in the window's later part: its last year's mean (last
 * third's, under three years) above its second year's (middle third's) by a fifth and by
 * half a week of referrals, so that a list still filling after a short warm-up and level
 * once filled is left to the warm-up check, which names it (compared from the first year
 * alone, a list filling from 1,100 people to 1,800 in the window's first 39 weeks and
 * level after read as demand above capacity). The first two stretches' means over
 * replications into *first and *last. */
static int list_outgrows(const double *x, size_t n, size_t span, double per_week,
                         double *first, double *last)
{
    size_t block, from = growth_from(span, &block);
    size_t end = span >= 104 ? 52 * (span / 52 - 1) : span - block; /* the last's start */
    *first = *last = 0;
    double *rise = from != SIZE_MAX && n >= 2 ? malloc(n * sizeof *rise) : NULL;
    if (!rise)
        return 0;
    for (size_t i = 0; i < n; i++) {
        double a = 0, z = 0;
        for (size_t k = 0; k < block; k++) {
            a += x[i * span + from + k];
            z += x[i * span + end + k];
        }
        rise[i] = (z - a) / (double)block;
        *first += a / ((double)block * (double)n);
        *last += z / ((double)block * (double)n);
    }
    double mean = gsl_stats_mean(rise, 1, n), sd = gsl_stats_sd(rise, 1, n);
    free(rise);
    double t = sd > 0 ? mean / (sd / sqrt((double)n)) : mean > 0 ? INFINITY : 0;
    if (!(mean > 0.2 * *first + 1 && mean > 0.5 * per_week &&
          t > gsl_cdf_tdist_Pinv(0.99, (double)(n - 1))))
        return 0;
    if (span < 104)
        return 1;
    size_t third = span / 3;
    double mid = span >= 156 ? stretch_mean(x, n, span, 52, 52)
                             : stretch_mean(x, n, span, third, third);
    double end_mean = span >= 156 ? *last : stretch_mean(x, n, span, span - third, third);
    return end_mean - mid > 0.2 * mid + 1 && end_mean - mid > 0.5 * per_week;
}

/* The first week at or after `from` at which the scenario changes by plan (hiring, cuts,
 * shocks, a training closure, top-up training, a step in referrals), or INFINITY; a change
 * begun before `from` and still going on then (a shock spread over weeks, a closure, a
 * course) counts at `from`. */
/* When a change planned to start at week `start` and last `weeks` (0: a step, for good)
 * first acts at or after week `from`: its start, `from` itself when it is still going on
 * then, or INFINITY when it was over before. */
static double acting_from(double start, double weeks, double from)
{
    return start >= from ? start : weeks > 0 && start + weeks > from ? from : INFINITY;
}

/* The first day from `from` on at which a planned change to the workforce acts (a hire,
 * a shock, a cut, a training pause or the LTC top-up; acting_from), INFINITY if none. */
static double first_planned_change(const pw_params *p, double from)
{
    const pw_workforce_p *wf = &p->workforce;
    double first = INFINITY;
    for (size_t i = 0; i < wf->n_hires; i++)
        first = fmin(first, acting_from(wf->hires[i].week, 0, from));
    for (size_t i = 0; i < wf->n_shocks; i++)
        first = fmin(first, acting_from(wf->shocks[i].week, wf->shocks[i].weeks, from));
    for (size_t i = 0; i < wf->n_cuts; i++)
        first = fmin(first, acting_from(wf->cuts[i].week, 0, from));
    for (size_t r = 0; r < p->n_roles; r++)
        if (p->roles[r].train_closed_weeks > 0)
            first = fmin(first, acting_from(p->roles[r].train_closed_from_week,
                                            p->roles[r].train_closed_weeks, from));
    if (wf->ltc_top_up_share > 0)
        first = fmin(first, acting_from(wf->ltc_top_up_week, wf->ltc_top_up_weeks, from));
    for (size_t i = 0; i < p->referrals.n_step_changes; i++)
        first = fmin(first, acting_from(p->referrals.step_changes[i].week, 0, from));
    return first;
}

/* Each waiting list's level at the end of the warm-up (the mean over replications)
 * against the levels it takes week by week in the measurement window (all replications'
 * weeks pooled): outside their central 90% (p5 to p95), the warm-up ended before the list
 * settled (a pre-filled backlog still draining, or a list still filling), so part of what
 * the window measures is the start. A list that outgrows the window (list_outgrows) gets a
 * capacity warning instead. `tag` follows "Warm-up warning" ("" or " NAME"). Weeks are
 * 0-based: week k ends on day 7 (k + 1). */
static void print_warmup_levels(FILE *info, FILE *f, const pw_params *p, const pw_results *res, size_t n,
                                size_t weeks, const char *tag)
{
    size_t w0 = (size_t)p->warmup_weeks, w1 = (size_t)(p->warmup_weeks + p->horizon_weeks);
    if (w0 == 0 || w1 > weeks || w1 <= w0)
        return;
    /* The levels are those of the window's weeks before a planned change (which moves
     * the lists by design, so its weeks say nothing of the start); none if fewer than a
     * quarter's weeks (SETTLED_WEEKS) come before it. */
    enum { SETTLED_WEEKS = 13 };
    double change = first_planned_change(p, p->warmup_weeks);
    size_t settled = change < (double)w1 ? (size_t)floor(change) : w1; /* week k is read at
                                                                           day 7 (k + 1) */
    static const char *const names[] = {"assessment", "step 2", "step 3"};
    size_t m = n * (w1 - w0);
    double *x = malloc(m * sizeof *x);
    if (!x)
        return;
    /* Said once, before any list's capacity warning (which does not need settled weeks). */
    if (settled < w0 + SETTLED_WEEKS && settled == w1) /* no change: the window is too short */
        fprintf(info, "Warm-up%s: the lists' levels are not checked: the window's %zu "
                   "week%s fewer\n  than the %d settled weeks the check reads\n", tag,
                   w1 - w0, w1 - w0 == 1 ? " is" : "s are", (int)SETTLED_WEEKS);
    else if (settled < w0 + SETTLED_WEEKS)
        fprintf(info, "Warm-up%s: the lists' levels are not checked: a planned change comes "
                   "within\n  %d weeks of the window's start (week %g), so no settled "
                   "weeks show them\n", tag, (int)SETTLED_WEEKS, change);
    for (int l = 0; l < 1 + PW_STEP_N; l++) {
        double at = 0;
        size_t j = 0;
        for (size_t i = 0; i < n; i++) {
            const pw_week *wk = res[i].weeks;
            for (size_t k = w0; k < w1; k++)
                x[j++] = l == 0 ? wk[k].waiting_assessment : wk[k].waiting_step[l - 1];
            at += (l == 0 ? wk[w0 - 1].waiting_assessment : wk[w0 - 1].waiting_step[l - 1]) /
                  (double)n;
        }
        double first, last;
        if (list_outgrows(x, n, w1 - w0, pw_referral_base_per_week(&p->referrals), &first,
                          &last)) {
            size_t block, from = growth_from(w1 - w0, &block);
            char a[48], z[32];
            snprintf(a, sizeof a, from ? "middle %zu weeks" : "first year", block);
            snprintf(z, sizeof z, from ? "last %zu" : "last", block);
            fprintf(f, "Capacity warning%s: the %s list grows through the window (a mean of\n"
                       "  %.0f people in its %s, %.0f in its %s, across replications):\n"
                       "  referrals outrun the hours that serve it, and no warm-up settles it\n",
                       tag, names[l], first, a, last, z);
            /* Step 2's hours are where the front door's extra clinics come from: say so,
             * else the overload seems to be step 2's alone. */
            double moved = 0;
            for (size_t i = 0; l == 1 && i < n; i++) {
                double share = res[i].metric[PW_M_ASSESSMENT_EXTRA_SHARE];
                moved += isnan(share) ? 0 : share / (double)n;
            }
            if (moved >= 0.005)
                fprintf(f,
                        "  (the front door's extra clinics ran %.0f%% of assessment slots in "
                        "the\n  assessors' treatment time: assessment.flex_*)\n",
                        100 * moved);
            continue;
        }
        if (settled < w0 + SETTLED_WEEKS)
            continue;
        size_t ms = 0; /* the weeks before the change, every replication's */
        for (size_t i = 0; i < n; i++)
            for (size_t k = w0; k < settled; k++)
                x[ms++] = x[i * (w1 - w0) + (k - w0)];
        gsl_sort(x, 1, ms);
        double lo = gsl_stats_quantile_from_sorted_data(x, 1, ms, 0.05);
        double hi = gsl_stats_quantile_from_sorted_data(x, 1, ms, 0.95);
        /* Outside by a person at least: a fraction of one (a mean over replications of 0
         * and 1) is no sign of an unsettled start. */
        if (at >= lo - 1 && at <= hi + 1)
            continue;
        fprintf(f, "Warm-up warning%s: the %s list ends the warm-up at %.0f people, outside\n"
                   "  the %.0f-%.0f it holds in 90%% of the window's weeks%s: lengthen\n"
                   "  warmup_weeks or size prefill to it\n", tag, names[l], at, lo, hi,
                   settled < w1 ? " before the planned change" : "");
    }
    free(x);
}

/* Sessions that found no room in a diary within its reach: a clinician with no week of
 * the coming 512 days with time left sees people about 17 months ahead. Said, not hidden:
 * the figures then say little. */
static void print_diary_warning(FILE *f, const pw_results *res, size_t n, const char *tag)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += res[i].diary_unbooked;
    uint64_t beyond = 0;
    for (size_t i = 0; i < n; i++)
        beyond += res[i].diary_beyond;
    if (beyond) /* not a full diary: the time asked for lies past its reach */
        fprintf(f, "Diary warning%s: %" PRIu64 " session%s over %zu replication%s %s asked for\n"
                   "  more than 512 days ahead (a first session's lag, first_session_lag_days,\n"
                   "  or an interval between sessions), past the diaries' reach: each was held\n"
                   "  at its time, outside its clinician's diary, whose fill, load and burnout\n"
                   "  do not count it.\n",
                tag, beyond, beyond == 1 ? "" : "s", n, n == 1 ? "" : "s",
                beyond == 1 ? "was" : "were");
    if (k)
        fprintf(f, "Diary warning%s: %" PRIu64 " session%s over %zu replication%s found no room in\n"
                   "  their clinician's diary within 512 days: every week ahead had its treatment\n"
                   "  time (clinical hours x fte, less groups) booked, sessions longer than a\n"
                   "  week's time left paid for by the weeks after them.\n"
                   "  They were booked 512 days ahead; raise fte or hours, shorten sessions, or\n"
                   "  lower caseload_cap (the caseload that fills 512 days).\n",
                   tag, k, k == 1 ? "" : "s", n, n == 1 ? "" : "s");
}

/* Referrals came but no one was assessed in any replication: the assessor role has no one
 * in post, or no time for one slot. Nothing else says so (the lists level off as people
 * give up waiting, so no capacity warning fires). When no one even opted in, the assessor
 * is not the cause: the opt-in is (it blamed the assessor, in post and idle). */
static void print_assessed_warning(FILE *f, const pw_params *p, const pw_results *res, size_t n,
                                   const char *tag)
{
    uint64_t referred = 0, opted = 0, assessed = 0;
    for (size_t i = 0; i < n; i++) {
        referred += res[i].stages[PW_S_REFERRED];
        opted += res[i].stages[PW_S_OPTED_IN];
        assessed += res[i].stages[PW_S_ASSESSED];
    }
    if (referred == 0 || assessed > 0 || p->assessment.skip) /* skip: none by design */
        return;
    if (opted == 0) {
        fprintf(f, "Assessment warning%s: no one was assessed in any replication: no one\n"
                   "  opted in (assessment.opt_in_probability, or opt-in delays,\n"
                   "  opt_in_days_mean, longer than the run)\n", tag);
        return;
    }
    int r = pol_assessor(p);
    fprintf(f, "Assessment warning%s: no one was assessed in any replication:\n"
               "  %s%s%s has no one in post, or no time for an\n"
               "  assessment slot (its headcount, fte or assessments_per_week)\n",
               tag, r >= 0 ? "the policy's assessor, staff." : "every role that assesses",
               r >= 0 ? p->roles[r].name : "", r >= 0 ? "," : "");
}

/* The keys of p's roles that treat step k ("staff.hit, staff.senior") into buf; the
 * number of them. */
static int step_roles(const pw_params *p, int k, char *buf, size_t n)
{
    unsigned need = pw_does_step(k);
    size_t len = 0;
    int count = 0;
    buf[0] = '\0';
    for (size_t r = 0; r < p->n_roles; r++)
        if ((p->roles[r].does & need) == need) {
            count++;
            if (len < n)
                len += (size_t)snprintf(buf + len, n - len, "%sstaff.%s", len ? ", " : "",
                                        p->roles[r].name);
        }
    return count;
}

/* People were routed to a treatment step but no one who treats it was in post at any
 * week's end of any replication's window (its roles' headcounts 0, say): they wait on its
 * list until they give up, and the figures say so only indirectly. */
static void print_staffed_warning(FILE *f, const pw_params *p, const pw_results *res, size_t n,
                                  const char *tag)
{
    size_t w0 = (size_t)p->warmup_weeks, w1 = (size_t)(p->warmup_weeks + p->horizon_weeks);
    static const pw_stage routed[PW_STEP_N] = {PW_S_ROUTED_STEP2, PW_S_ROUTED_STEP3};
    for (int k = 0; k < PW_STEP_N && n > 0; k++) {
        unsigned need = pw_does_step(k);
        double in_post = 0, people = 0;
        size_t weeks = 0; /* week ends looked at: none in a window under a week */
        char roles[160];
        step_roles(p, k, roles, sizeof roles); /* a step no role treats is refused at load */
        for (size_t r = 0; r < p->n_roles; r++)
            for (size_t i = 0; (p->roles[r].does & need) == need && i < n; i++)
                for (size_t wk = w0; wk < w1 && wk < res[i].n_weeks; wk++, weeks++)
                    in_post += res[i].weeks[wk].staff_in_post[r];
        for (size_t i = 0; i < n; i++)
            people += (double)res[i].stages[routed[k]];
        if (people == 0 || weeks == 0) /* until 2026-12-08 no week end read as no one */
            continue;
        if (in_post > 0) {
            /* In post, and yet no one started: said too (a session longer than a week of
             * their time takes no one on, and the figures said so only as a 0). */
            static const pw_stage entered[PW_STEP_N] = {PW_S_ENTERED_STEP2, PW_S_ENTERED_STEP3};
            uint64_t started = 0;
            double before = 0, listed = 0; /* everyone's first sessions of the step in the
                                              window; its list at the window's end */
            for (size_t i = 0; i < n; i++) {
                started += res[i].stages[entered[k]];
                for (size_t wk = w0; wk < w1 && wk < res[i].n_weeks; wk++)
                    before += k == PW_STEP3 ? res[i].weeks[wk].step3_starts
                                            : res[i].weeks[wk].treatment_starts;
                if (res[i].n_weeks > 0)
                    listed += res[i].weeks[(w1 < res[i].n_weeks ? w1 : res[i].n_weeks) - 1]
                                  .waiting_step[k];
            }
            /* Staff took people on, only not the window's: a list from before it (a pre-fill,
             * say) outlasts it. Until 2026-12-08 this too was put down to the session's size. */
            if (started == 0 && before > 0)
                fprintf(f, "Staffing warning%s: no one referred in the window entered step %d in any\n"
                           "  replication, yet %.0f a replication were routed there: the %.0f a\n"
                           "  replication who started it had waited from before the window, and its\n"
                           "  list (%.0f at the window's end) outlasts the window\n",
                        tag, k + 2, people / (double)n, before / (double)n, listed / (double)n);
            else if (started == 0)
                fprintf(f, "Staffing warning%s: no one entered step %d in any replication, yet %.0f\n"
                           "  referrals a replication were routed there and %s was in post:\n"
                           "  a clinician takes someone on only when a week of their treatment\n"
                           "  time (clinical_hours_per_week x fte, less assessments and groups)\n"
                           "  holds a session (step%d.session_minutes with admin_minutes)\n",
                        tag, k + 2, people / (double)n, roles, k + 2);
            continue;
        }
        fprintf(f, "Staffing warning%s: no one who treats step %d (%s) was in post at any\n"
                   "  week's end of the window, in any replication, yet %.0f referrals a\n"
                   "  replication were routed there: they wait on its list until they give up\n",
                tag, k + 2, roles, people / (double)n);
    }
}

/* The MSER-5 truncation point of the total waiting list (mean over replications, week by
 * week), against the scenario's warm-up, then each list's level and growth; nothing when
 * the window is too short for MSER-5. `tag` names the scenario in a compare. */
static void print_mser(FILE *info, FILE *f, const pw_params *p, const pw_results *res, size_t n,
                       const char *tag)
{
    size_t weeks = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (res[i].n_weeks < weeks)
            weeks = res[i].n_weeks;
    double *x = weeks && weeks != SIZE_MAX ? calloc(weeks, sizeof *x) : NULL;
    if (!x)
        return;
    for (size_t i = 0; i < n; i++)
        for (size_t w = 0; w < weeks; w++) {
            const pw_week *wk = &res[i].weeks[w];
            double total = wk->waiting_assessment;
            for (int k = 0; k < PW_STEP_N; k++)
                total += wk->waiting_step[k];
            x[w] += total / (double)n;
        }
    size_t d = sim_mser5(x, weeks);
    free(x);
    if (d == SIZE_MAX)
        return;
    fprintf(info, "Warm-up%s: MSER-5 on the total waiting list suggests discarding %zu weeks;\n"
               "  the scenario discards %g%s\n", tag, d, p->warmup_weeks,
            (double)d > p->warmup_weeks ? " (too few: the lists are still settling, or a planned\n"
                                          "  change in the window moves them)" : "");
    print_warmup_levels(info, f, p, res, n, weeks, tag);
}

/* One planned change at `week`: after the run it never acts, after the window it acts in
 * the follow-up alone, where no window figure sees it. Plan weeks count from the run's
 * start, warm-up included, which is easy to forget. */
static void plan_week_note(FILE *f, const pw_params *p, const char *tag, const char *key,
                           size_t i, double week)
{
    double end = pw_run_days(p) / 7.0, w1 = p->warmup_weeks + p->horizon_weeks;
    char at[64];
    if (i != SIZE_MAX)
        snprintf(at, sizeof at, "%s[%zu]", key, i);
    else
        snprintf(at, sizeof at, "%s", key);
    if (week >= end)
        fprintf(f, "Plan warning%s: %s is at week %g, at or after the run's end (week %g):\n"
                   "  it never acts (plan weeks count from the run's start: %g weeks of\n"
                   "  warm-up, %g measured, then the follow-up)\n",
                tag, at, week, end, p->warmup_weeks, p->horizon_weeks);
    else if (week >= w1)
        fprintf(f, "Plan warning%s: %s is at week %g, after the measurement window (weeks\n"
                   "  %g to %g): it acts in the follow-up alone, which no window figure sees\n",
                tag, at, week, p->warmup_weeks, w1);
}

/* Every planned change's week against the run's end and the window's. */
static void print_plan_warnings(FILE *f, const pw_params *p, const char *tag)
{
    const pw_workforce_p *wf = &p->workforce;
    for (size_t i = 0; i < wf->n_hires; i++)
        plan_week_note(f, p, tag, "workforce.hiring", i, wf->hires[i].week);
    for (size_t i = 0; i < wf->n_shocks; i++)
        plan_week_note(f, p, tag, "workforce.shocks", i, wf->shocks[i].week);
    for (size_t i = 0; i < wf->n_cuts; i++)
        plan_week_note(f, p, tag, "workforce.cuts", i, wf->cuts[i].week);
    for (size_t i = 0; i < p->referrals.n_step_changes; i++)
        plan_week_note(f, p, tag, "referrals.step_changes", i, p->referrals.step_changes[i].week);
    for (size_t r = 0; r < p->n_roles; r++)
        if (p->roles[r].train_closed_weeks > 0) {
            char key[96];
            snprintf(key, sizeof key, "staff.%s.training_closed_from_week", p->roles[r].name);
            plan_week_note(f, p, tag, key, SIZE_MAX, p->roles[r].train_closed_from_week);
        }
    if (wf->ltc_top_up_share > 0)
        plan_week_note(f, p, tag, "workforce.ltc_top_up_week", SIZE_MAX, wf->ltc_top_up_week);
}

/* A review after as many sessions as a course can have never comes (the course ends at
 * its cap first): the progress review, step 3's step down. */
static void print_lever_warnings(FILE *f, const pw_params *p, const char *tag)
{
    for (int k = 0; k < PW_STEP_N; k++) {
        const pw_step_p *sp = &p->step[k];
        int cap = pw_session_cap_most(p, k);
        if (sp->no_progress_after > 0 && sp->no_progress_probability > 0 &&
            sp->no_progress_after >= cap)
            fprintf(f, "Lever warning%s: step%d.no_progress_after is %d, and a step-%d course "
                       "has at most\n  %d sessions: the progress review never comes\n",
                    tag, k + 2, sp->no_progress_after, k + 2, cap);
        if (k == PW_STEP3 && sp->step_down_after > 0 && sp->step_down_probability > 0 &&
            sp->step_down_after >= cap)
            fprintf(f, "Lever warning%s: step3.step_down_after is %d, and a step-3 course has "
                       "at most\n  %d sessions: no one is stepped down\n",
                    tag, sp->step_down_after, cap);
    }
}

/* Monthly multipliers meant to average 1 that do not: the year's referrals are then the
 * base rate times their mean, where every report that shows one rate (the manifest, the
 * memory budget, services.csv) shows the base. Said past half a percent, with the rate
 * the year runs at. Not for replayed counts, which take no seasonality. */
static void print_referral_warning(FILE *f, const pw_params *p, const char *tag)
{
    const pw_referrals *r = &p->referrals;
    if (r->weekly_counts[0])
        return;
    double mean = 0;
    for (int m = 0; m < 12; m++)
        mean += r->seasonality[m] / 12;
    if (fabs(mean - 1) <= 0.005)
        return;
    double base = pw_referral_base_per_week(r);
    fprintf(f, "Referral warning%s: referrals.seasonality averages %.3g, not 1: a year's referrals\n"
               "  come at %.3g times the base rate (%.0f a week, not %.0f); divide the twelve by\n"
               "  their mean to keep the base rate the year's\n",
            tag, mean, mean, mean * base, base);
}

/* A role other than the policy's assessor whose does has "assessment": only the assessor
 * role assesses (pol_assessor; pw_staff.c takes the slots off its hours alone), so such a
 * role assesses no one and its assessments_per_week are never used. Allowed (a scenario
 * may name both roles able to assess and let the policy choose), but said: a planner's
 * part-time PWPs written as a role of their own, does and slots as the others', left the
 * front door to the other role's slots (29% of referrals assessed against 53%). */
static void print_assessor_warnings(FILE *f, const pw_params *p, const char *tag)
{
    int a = pol_assessor(p);
    if (p->assessment.skip || a < 0 || !(p->roles[a].does & PW_DOES_ASSESSMENT))
        return;
    const char *pol = pw_policy_of(p->policy)->name;
    for (size_t i = 0; i < p->n_roles; i++)
        if ((int)i != a && (p->roles[i].does & PW_DOES_ASSESSMENT))
            fprintf(f, "Staffing warning%s: staff.%s.does has \"assessment\", but only the "
                       "policy's assessor\n  (policy_params.%s.assessor = \"%s\") assesses: "
                       "%s assesses no one and its\n  assessments_per_week are never used "
                       "(staff of one kind on different hours\n  are one role at their mean "
                       "fte)\n",
                    tag, p->roles[i].name, pol, p->roles[a].name, p->roles[i].name);
}

/* The warnings that need no run: plans and levers that never act, a seasonality that
 * moves the base rate, roles that would assess but never do. */
static void print_static_warnings(FILE *f, const pw_params *p, const char *tag)
{
    print_plan_warnings(f, p, tag);
    print_lever_warnings(f, p, tag);
    print_referral_warning(f, p, tag);
    print_assessor_warnings(f, p, tag);
}

/* True outcomes read years after referral: the natural history (a drift compounding every
 * week, one spontaneous remission) is a model of months, and years on the true figures
 * measure mostly that drift. Said past two years, with the factor it has reached. */
static void print_outcome_note(FILE *f, const pw_params *p, const char *tag)
{
    double d = p->symptoms.wait_drift_per_week;
    double weeks = p->outcome_weeks_late > 0 ? p->outcome_weeks_late : p->outcome_weeks;
    if (weeks <= 104 || d == 0)
        return;
    if (p->outcome_weeks_late > 0)
        fprintf(f, "Outcome note%s: the later true reading (outcome_weeks_late) is taken %g\n"
                   "  weeks after referral; the natural\n", tag, weeks);
    else
        fprintf(f, "Outcome note%s: true outcomes are read %g weeks after referral; the natural\n",
                tag, weeks);
    fprintf(f, "  history (symptoms.wait_drift_per_week %g, compounding, and one spontaneous\n"
               "  remission) is a model of months: over %g weeks it multiplies latent scores by\n"
               "  %.2g, so the true figures then measure mostly that drift\n",
               d, weeks, pow(1 + d, weeks));
}

/* Waits longer than the true reading: with half of those treated first seen more than
 * outcome_weeks after referral (the replications' mean median wait to treatment), the
 * true figures read most of them before any session, so they cannot show what treatment
 * (or the staff that give it) does: a compare of fewer HITs read true recovery -0.0
 * points with the step-3 wait 35 days longer. Said, with the later reading that would
 * see it (outcome_weeks_late), or that it does. */
static void print_outcome_wait_warning(FILE *f, const pw_params *p, const pw_results *res,
                                       size_t n, const char *tag)
{
    double med = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(res[i].metric[PW_M_WAIT_TO_TREATMENT_DAYS_P50])) {
            med += res[i].metric[PW_M_WAIT_TO_TREATMENT_DAYS_P50];
            k++;
        }
    if (!k || (med /= (double)k) <= 7 * p->outcome_weeks)
        return;
    double late = p->outcome_weeks_late;
    fprintf(f, "Outcome warning%s: the median wait to treatment, %.0f days, is longer than\n"
               "  the %.0f days after referral (outcome_weeks %g) at which true outcomes are\n"
               "  read: most of those treated are read before their treatment, so true\n"
               "  recovery cannot show what treatment or its staff do here:\n  %s\n",
            tag, med, 7 * p->outcome_weeks, p->outcome_weeks,
            late > 0 && 7 * late > med ? "recovery_rate_true_late (outcome_weeks_late) is "
                                         "read after it"
                                       : "outcome_weeks_late (a second, later reading) can "
                                         "read after it");
}

/* The checks printed after a run's dashboard: the warm-up (MSER-5), then the diaries'
 * and the assessors' warnings; `who` (or NULL) names the scenario in a compare. */
/* The checks to info (the warm-up's suggestion and notes) and warn (the warnings). */
static void checks_to(FILE *info, FILE *warn, const pw_params *p, const pw_results *res,
                      size_t n, const char *who)
{
    char tag[256]; /* " NAME" after "Warm-up" in a compare, else nothing */
    snprintf(tag, sizeof tag, "%s%s", who ? " " : "", who ? who : "");
    print_mser(info, warn, p, res, n, tag);
    print_diary_warning(warn, res, n, tag);
    print_assessed_warning(warn, p, res, n, tag);
    print_staffed_warning(warn, p, res, n, tag);
    print_outcome_wait_warning(warn, p, res, n, tag);
    print_static_warnings(warn, p, tag);
    print_outcome_note(info, p, tag);
}


/* The plan and lever warnings of p, tagged, as text (malloc'd; NULL: out of memory). */
static char *static_text(const pw_params *p, const char *tag)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    print_static_warnings(m, p, tag);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* A federation's services' own plan and lever warnings, those the base does not have,
 * and a step none of a service's posts treats, each tagged with its service (and `who`, a
 * compare's scenario, or NULL). */
static void print_service_checks(FILE *f, const pw_params *base, const pw_params *svc,
                                 size_t n, const char *who)
{
    for (size_t k = 0; k < n; k++) {
        /* The name as the scenario file writes it, quoted: a newline in it, raw, broke
         * the warning across lines. */
        char tag[4 * sizeof svc[k].name + 600] = "";
        FILE *t = fmemopen(tag, sizeof tag, "w");
        if (t) {
            fprintf(t, " %s%sservice ", who ? who : "", who ? ", " : "");
            scn_print_string(t, svc[k].name);
            fclose(t);
        }
        char *mine = static_text(&svc[k], tag), *theirs = static_text(base, tag);
        /* A warning (its line and the indented lines after it) the base does not have. */
        for (char *w = mine; w && theirs && *w;) {
            char *end = w;
            do
                end = strchr(end, '\n') ? strchr(end, '\n') + 1 : end + strlen(end);
            while (*end == ' ');
            char keep = *end;
            *end = '\0';
            if (!strstr(theirs, w))
                fputs(w, f);
            *end = keep;
            w = end;
        }
        free(mine);
        free(theirs);
        /* A step no post in this service treats (its own headcounts 0): the pooled run's
         * Staffing warning cannot see one service's. */
        for (int st = 0; st < PW_STEP_N; st++) {
            unsigned need = pw_does_step(st);
            int mine_posts = 0, base_posts = 0;
            char roles[160];
            step_roles(&svc[k], st, roles, sizeof roles);
            for (size_t r = 0; r < svc[k].n_roles; r++)
                if ((svc[k].roles[r].does & need) == need) { /* a service keeps the base's roles */
                    mine_posts += svc[k].roles[r].headcount;
                    base_posts += base->roles[r].headcount;
                }
            if (mine_posts == 0 && base_posts > 0)
                fprintf(f, "Staffing warning%s: no post in this service treats step %d (%s,\n"
                           "  headcount 0): its referrals routed there wait until they give up,\n"
                           "  or until a trainee qualifies into the role\n",
                        tag, st + 2, roles);
        }
    }
}

void print_run_checks(FILE *f, const pw_params *p, const pw_results *res, size_t n, const char *who,
                      const scn_federation *fed)
{
    checks_to(f, f, p, res, n, who);
    if (fed && fed->n)
        print_service_checks(f, fed->base, fed->services, fed->n, who);
}

void print_run_warnings(FILE *f, const pw_params *p, const pw_results *res, size_t n,
                        const char *who, const scn_federation *fed)
{
    char *none = NULL;
    size_t nlen = 0;
    FILE *sink = open_memstream(&none, &nlen); /* the notes, dropped */
    checks_to(sink ? sink : f, f, p, res, n, who); /* out of memory: all, not none */
    if (sink)
        fclose(sink);
    free(none);
    if (fed && fed->n)
        print_service_checks(f, fed->base, fed->services, fed->n, who);
}

void print_plan_checks(FILE *f, const pw_params *p, const scn_federation *fed)
{
    print_static_warnings(f, p, "");
    if (fed && fed->n)
        print_service_checks(f, fed->base, fed->services, fed->n, NULL);
}

char *run_checks_text(const pw_params *p, const pw_results *res, size_t n, int warnings_only,
                      const scn_federation *fed)
{
    char *buf = NULL, *none = NULL;
    size_t len = 0, nlen = 0;
    FILE *m = open_memstream(&buf, &len);
    FILE *sink = warnings_only ? open_memstream(&none, &nlen) : m; /* info, dropped */
    if (!m || !sink) { /* either may have failed alone */
        if (m)
            fclose(m);
        if (sink && sink != m) {
            fclose(sink);
            free(none);
        }
        free(buf);
        return NULL;
    }
    checks_to(sink, m, p, res, n, NULL);
    if (fed && fed->n)
        print_service_checks(m, fed->base, fed->services, fed->n, NULL);
    if (warnings_only) {
        fclose(sink);
        free(none);
    }
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
