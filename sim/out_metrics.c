/* The written metrics (model metrics + wait-histogram metrics) and replication order. */
#include "out_metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_file.h"

size_t out_metric_count(void) { return (size_t)PW_M_N + (size_t)PW_W_N * OUT_WS_N; }

const char *out_metric_name(size_t i, char buf[OUT_METRIC_NAME_MAX])
{
    static const char *const suffix[OUT_WS_N] = {
        "_days_p50", "_days_p90", "_under_6_weeks_share", "_under_18_weeks_share"};
    if (i < PW_M_N) {
        snprintf(buf, OUT_METRIC_NAME_MAX, "%s", pw_metric_name((pw_metric)i));
        return buf;
    }
    size_t k = i - PW_M_N;
    const char *w = pw_wait_name((pw_wait)(k / OUT_WS_N));
    const char *prefix = strncmp(w, "wait_", 5) == 0 ? "" : "wait_";
    snprintf(buf, OUT_METRIC_NAME_MAX, "%s%s%s", prefix, w, suffix[k % OUT_WS_N]);
    return buf;
}

const char *out_unit_code(out_unit u)
{
    static const char *const code[OUT_U_N] = {"pct", "days", "n", "people",
                                             "sessions", "gbp", "idx", "num"};
    return u < OUT_U_N ? code[u] : "num";
}

/* What a metric can take beyond its unit's range (out_metric_range): hours in use and
 * turnover pass 1; a part explained, its covariate's degree of freedom counted, falls
 * below 0 by chance. */
enum { R_PAST_ONE = 1, R_BELOW_ZERO = 2 };
/* Each model metric's R_* flags (0: its unit's range). */
static const unsigned char metric_range[PW_M_N] = {
    [PW_M_UTILISATION_STEP2] = R_PAST_ONE,
    [PW_M_UTILISATION_STEP3] = R_PAST_ONE,
    [PW_M_UTILISATION_ASSESSMENT] = R_PAST_ONE,
    [PW_M_STAFF_TURNOVER_RATE] = R_PAST_ONE,
    [PW_M_STAFF_TURNOVER_RATE_STEP2] = R_PAST_ONE,
    [PW_M_STAFF_TURNOVER_RATE_STEP3] = R_PAST_ONE,
    [PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2] = R_BELOW_ZERO,
    [PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3] = R_BELOW_ZERO,
};

/* The model's metrics as a planner reads them. */
static const struct {
    const char *label;
    out_unit unit;
} metric_labels[PW_M_N] = {
    [PW_M_REFERRALS] = {"Referrals in the cohort (per replication)", OUT_U_COUNT},
    [PW_M_ENTERED_TREATMENT_SHARE] = {"Entered treatment, of referrals", OUT_U_SHARE},
    [PW_M_FINISHED_COURSE_SHARE] = {"Finished a course (2+ sessions), of referrals", OUT_U_SHARE},
    [PW_M_RECOVERY_RATE_REPORTED] = {"Recovery, reported: of finishers at caseness", OUT_U_SHARE},
    [PW_M_RECOVERY_RATE_TRUE] = {"Recovery, true: of all referrals at caseness", OUT_U_SHARE},
    [PW_M_RELIABLE_IMPROVEMENT_REPORTED] = {"Reliable improvement, reported: of finishers", OUT_U_SHARE},
    [PW_M_RELIABLE_IMPROVEMENT_TRUE] = {"Reliable improvement, true: of all referrals", OUT_U_SHARE},
    [PW_M_RELIABLE_RECOVERY_REPORTED] = {"Reliable recovery, reported: of finishers at caseness", OUT_U_SHARE},
    [PW_M_RELIABLE_RECOVERY_TRUE] = {"Reliable recovery, true: of referrals at caseness", OUT_U_SHARE},
    [PW_M_RECOVERY_RATE_TRUE_AT_EXIT] = {"Recovery, true, read at each journey's end (biased to the untreated)", OUT_U_SHARE},
    [PW_M_RELIABLE_IMPROVEMENT_TRUE_AT_EXIT] = {"Reliable improvement, true, read at each journey's end", OUT_U_SHARE},
    [PW_M_RELIABLE_RECOVERY_TRUE_AT_EXIT] = {"Reliable recovery, true, read at each journey's end", OUT_U_SHARE},
    [PW_M_WITHIN_6_WEEKS_REPORTED] = {"Seen within 6 weeks, reported: finishers, to the clock stop", OUT_U_SHARE},
    [PW_M_WITHIN_6_WEEKS_TRUE] = {"Treated within 6 weeks, true: of all referrals", OUT_U_SHARE},
    [PW_M_WITHIN_18_WEEKS_REPORTED] = {"Seen within 18 weeks, reported: finishers, to the clock stop", OUT_U_SHARE},
    [PW_M_WITHIN_18_WEEKS_TRUE] = {"Treated within 18 weeks, true: of all referrals", OUT_U_SHARE},
    [PW_M_WAIT_TO_ASSESSMENT_DAYS_MEAN] = {"Wait to assessment, mean (those assessed)", OUT_U_DAYS},
    [PW_M_WAIT_TO_TREATMENT_DAYS_MEAN] = {"Wait to first treatment, mean (those treated)", OUT_U_DAYS},
    [PW_M_WAIT_TO_TREATMENT_DAYS_P50] = {"Wait to first treatment, median (those treated)", OUT_U_DAYS},
    [PW_M_WAIT_TO_TREATMENT_DAYS_P90] = {"Wait to first treatment, 90th centile (those treated)", OUT_U_DAYS},
    [PW_M_WAIT_REPORTED_DAYS_MEAN] = {"Reported wait to the clock stop, mean (finishers)", OUT_U_DAYS},
    [PW_M_STEP_UP_WAIT_DAYS_MEAN] = {"Step-up wait, step 2 to step 3, mean (those stepped up)", OUT_U_DAYS},
    [PW_M_WAIT_FOR_STEP3_DAYS_MEAN] = {"Wait on the step-3 list, mean (those starting step 3)", OUT_U_DAYS},
    [PW_M_SESSIONS_MEAN_FINISHERS] = {"Treatment sessions, mean per finisher (as reported)", OUT_U_SESSIONS},
    [PW_M_SESSIONS_MEAN_RECOVERED] = {"Treatment sessions, mean per reported recovery", OUT_U_SESSIONS},
    [PW_M_DROPOUT_BEFORE_ASSESSMENT_SHARE] = {"Lost before assessment, of referrals", OUT_U_SHARE},
    [PW_M_DROPOUT_AFTER_ASSESSMENT_SHARE] = {"Lost waiting for treatment, of referrals", OUT_U_SHARE},
    [PW_M_DROPOUT_IN_TREATMENT_SHARE] = {"Lost from booked treatment, of referrals", OUT_U_SHARE},
    [PW_M_SIGNPOSTED_SHARE] = {"Signposted or rejected at assessment, of referrals", OUT_U_SHARE},
    [PW_M_STEPPED_UP_SHARE] = {"Stepped up, of step-2 starters", OUT_U_SHARE},
    [PW_M_STILL_IN_SYSTEM_SHARE] = {"Still in the service at the end, of referrals", OUT_U_SHARE},
    [PW_M_RE_REFERRAL_SHARE] = {"Re-referred, of referrals", OUT_U_SHARE},
    [PW_M_UTILISATION_STEP2] = {"Utilisation of clinical hours, step 2", OUT_U_SHARE},
    [PW_M_UTILISATION_STEP3] = {"Utilisation of clinical hours, step 3", OUT_U_SHARE},
    [PW_M_UTILISATION_ASSESSMENT] = {"Utilisation of assessment slots", OUT_U_SHARE},
    [PW_M_WAITING_ASSESSMENT_MEAN] = {"People waiting for assessment, mean", OUT_U_PEOPLE},
    [PW_M_WAITING_STEP2_MEAN] = {"People waiting for step 2, mean", OUT_U_PEOPLE},
    [PW_M_WAITING_STEP3_MEAN] = {"People waiting for step 3, mean", OUT_U_PEOPLE},
    [PW_M_FAILED_EPISODES_MEAN] = {"Failed episodes per referral, mean (3+ counted as 3)", OUT_U_NUMBER},
    [PW_M_FAILED_AT_LEAST_ONCE_SHARE] = {"Failed at least one episode, of referrals", OUT_U_SHARE},
    [PW_M_COST_PER_REFERRAL_GBP] = {"Staff cost per referral", OUT_U_GBP},
    [PW_M_COST_PER_FINISHED_COURSE_GBP] = {"Staff cost per finished course", OUT_U_GBP},
    [PW_M_COST_PER_RECOVERY_GBP] = {"Staff cost per reported recovery", OUT_U_GBP},
    [PW_M_COST_PER_TRUE_RECOVERY_GBP] = {"Staff cost per true recovery", OUT_U_GBP},
    [PW_M_STAFF_TURNOVER_RATE] = {"Staff turnover a year, per person in post", OUT_U_SHARE},
    [PW_M_BURNOUT_MEAN] = {"Mean burnout of staff (0 to 1)", OUT_U_INDEX},
    [PW_M_WAIT_ASSESSMENT_TO_TREATMENT_OVER_90_DAYS_SHARE] = {"Assessment to first treatment over 90 days, of those assessed then treated", OUT_U_SHARE},
    [PW_M_FINISHERS_STEP2_ONLY_SHARE] = {"Finishers who had step 2 only", OUT_U_SHARE},
    [PW_M_FINISHERS_STEP2_THEN_3_SHARE] = {"Finishers who had step 2 then step 3", OUT_U_SHARE},
    [PW_M_FINISHERS_STEP3_ONLY_SHARE] = {"Finishers who had step 3 only", OUT_U_SHARE},
    [PW_M_SESSIONS_MEAN_FINISHERS_STEP2_ONLY] = {"Treatment sessions per finisher, step 2 only", OUT_U_SESSIONS},
    [PW_M_SESSIONS_MEAN_FINISHERS_STEP2_THEN_3] = {"Treatment sessions per finisher, step 2 then 3", OUT_U_SESSIONS},
    [PW_M_SESSIONS_MEAN_FINISHERS_STEP3_ONLY] = {"Treatment sessions per finisher, step 3 only", OUT_U_SESSIONS},
    [PW_M_CASELOAD_PER_STEP2_CLINICIAN] = {"Open step-2 caseload per step-2 clinician in post", OUT_U_PEOPLE},
    [PW_M_STAFF_TURNOVER_RATE_STEP2] = {"Staff turnover a year, step-2 roles (PWPs)", OUT_U_SHARE},
    [PW_M_STAFF_TURNOVER_RATE_STEP3] = {"Staff turnover a year, step-3 roles (HITs)", OUT_U_SHARE},
    /* Diagnostics of the diaries, as the dashboard's lines: over the run, warm-up too. */
    [PW_M_HANDED_ON] = {"People handed on: their clinician's week held no session (per "
                        "replication, over the run)", OUT_U_PEOPLE},
    [PW_M_SPREAD_SESSIONS] = {"Sessions longer than any week's time left, spread over weeks "
                              "(per replication, over the run)", OUT_U_SESSIONS},
    [PW_M_MOVED_SESSIONS] = {"Sessions moved to a later week: a group or fewer hours left "
                             "theirs short (per replication, over the run)", OUT_U_SESSIONS},
    [PW_M_ASSESSMENT_EXTRA_SHARE] = {"Assessment slots added from assessors' treatment time "
                                     "(share of slots offered)", OUT_U_SHARE},
    [PW_M_RECOVERY_RATE_TRUE_UNTREATED] = {"Recovery, true, had no session had any effect: "
                                           "natural history alone (of referrals at caseness)",
                                           OUT_U_SHARE},
    [PW_M_COST_PER_RECOVERY_CAUSED_GBP] = {"Staff cost per recovery caused (true recoveries "
                                           "less those natural history alone brings)",
                                           OUT_U_GBP},
    [PW_M_RECOVERY_RATE_TRUE_LATE] = {"Recovery, true, read at outcome_weeks_late (of "
                                      "referrals at caseness)", OUT_U_SHARE},
    [PW_M_RECOVERY_RATE_TRUE_UNTREATED_LATE] = {"Recovery, true, read at outcome_weeks_late, "
                                                "had no session had any effect", OUT_U_SHARE},
    [PW_M_STEPPED_DOWN_SHARE] = {"Stepped down from step 3 to step 2, of step-3 starters",
                                 OUT_U_SHARE},
    [PW_M_BACK_ON_LIST_SHARE] = {"Back on a list after the session cap, of those entering "
                                 "treatment", OUT_U_SHARE},
    [PW_M_THERAPIST_EFFECT_STEP2] = {"Therapist effect, step 2: outcome variance between "
                                     "clinicians", OUT_U_SHARE},
    [PW_M_THERAPIST_EFFECT_STEP3] = {"Therapist effect, step 3: outcome variance between "
                                     "clinicians", OUT_U_SHARE},
    [PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2] = {"Therapist effect, step 2: burnout's part "
                                                  "of it", OUT_U_SHARE},
    [PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3] = {"Therapist effect, step 3: burnout's part "
                                                  "of it", OUT_U_SHARE},
};

/* The wait measures' derived metrics: from the weekly histogram, linear within a week, so
 * close to (not equal to) the exact wait_to_treatment_days_p50/p90. */
static const char *const wait_label[PW_W_N] = {
    [PW_W_REFERRAL_TO_ASSESSMENT] = "Referral to assessment",
    [PW_W_ASSESSMENT_TO_TREATMENT] = "Assessment to first treatment (the hidden wait)",
    [PW_W_REFERRAL_TO_TREATMENT] = "Referral to first treatment",
    [PW_W_STEP_UP] = "Step-up: end of step 2 to first step-3 session",
    [PW_W_REPORTED] = "Referral to the clock stop (reported, finishers)"};
static const struct {
    const char *what;
    out_unit unit;
} wait_stat[OUT_WS_N] = {[OUT_WS_P50] = {"median (weekly bins)", OUT_U_DAYS},
                         [OUT_WS_P90] = {"90th centile (weekly bins)", OUT_U_DAYS},
                         [OUT_WS_UNDER_6] = {"under 6 weeks, of those who waited", OUT_U_SHARE},
                         [OUT_WS_UNDER_18] = {"under 18 weeks, of those who waited", OUT_U_SHARE}};

out_unit out_metric_unit(size_t i)
{
    return i < PW_M_N             ? metric_labels[i].unit
           : i < out_metric_count() ? wait_stat[(i - PW_M_N) % OUT_WS_N].unit
                                    : OUT_U_GBP;
}

const char *out_metric_label(size_t i, char buf[OUT_METRIC_LABEL_MAX], out_unit *unit)
{
    if (i < PW_M_N)
        snprintf(buf, OUT_METRIC_LABEL_MAX, "%s", metric_labels[i].label);
    else if (i < out_metric_count())
        snprintf(buf, OUT_METRIC_LABEL_MAX, "%s: %s", wait_label[(i - PW_M_N) / OUT_WS_N],
                 wait_stat[(i - PW_M_N) % OUT_WS_N].what);
    else
        snprintf(buf, OUT_METRIC_LABEL_MAX, "Staff cost a year");
    if (unit)
        *unit = out_metric_unit(i);
    return buf;
}

void out_metric_range(size_t i, double *lo, double *hi)
{
    out_unit u = out_metric_unit(i);
    unsigned range = i < PW_M_N ? metric_range[i] : 0;
    int past_one = (range & R_PAST_ONE) != 0, below_zero = (range & R_BELOW_ZERO) != 0;
    *lo = u == OUT_U_NUMBER || below_zero ? -INFINITY : 0;
    *hi = (u == OUT_U_SHARE && !past_one) || u == OUT_U_INDEX ? 1 : INFINITY;
}

void out_metric_labels_json(FILE *f)
{
    char name[OUT_METRIC_NAME_MAX], label[OUT_METRIC_LABEL_MAX];
    fputc('{', f);
    for (size_t i = 0; i <= out_metric_count(); i++) {
        out_unit u;
        out_metric_label(i, label, &u);
        fputs(i ? ",\n" : "\n", f);
        out_json_str(f, i < out_metric_count() ? out_metric_name(i, name) : OUT_COST_PER_YEAR);
        fputs(": [", f);
        out_json_str(f, label);
        fputs(", ", f);
        out_json_str(f, out_unit_code(u));
        double lo, hi;
        out_metric_range(i, &lo, &hi);
        fprintf(f, ", %s, %s]", isinf(lo) ? "null" : lo ? "1" : "0",
                isinf(hi) ? "null" : hi ? "1" : "0");
    }
    fputs("\n}", f);
}

double out_week_wait_to_treatment(const pw_week *wk)
{
    return wk->treatment_starts > 0 ? wk->treatment_wait_days / wk->treatment_starts : NAN;
}

double out_week_wait_for_step3(const pw_week *wk)
{
    return wk->step3_starts > 0 ? wk->step3_wait_days / wk->step3_starts : NAN;
}

/* Total count of a wait histogram. */
static uint64_t wait_total(const uint64_t *bins)
{
    uint64_t n = 0;
    for (size_t b = 0; b <= PW_WAIT_WEEKS; b++)
        n += bins[b];
    return n;
}

double out_wait_share_under(const uint64_t *bins, size_t weeks)
{
    uint64_t n = wait_total(bins), k = 0;
    if (n == 0)
        return NAN;
    for (size_t b = 0; b < weeks && b < PW_WAIT_WEEKS; b++)
        k += bins[b];
    return (double)k / (double)n;
}

double out_wait_quantile_days(const uint64_t *bins, double p)
{
    uint64_t n = wait_total(bins);
    if (n == 0 || !(p >= 0 && p <= 1))
        return NAN;
    /* Invert the piecewise-linear CDF: the first bin whose cumulative count reaches p n. */
    double target = p * (double)n, below = 0;
    for (size_t b = 0; b <= PW_WAIT_WEEKS; b++) {
        if (bins[b] == 0)
            continue;
        double c = (double)bins[b];
        if (below + c >= target) {
            if (b == PW_WAIT_WEEKS)
                return NAN; /* open bin: only a lower bound is known */
            double frac = (target - below) / c;
            return 7.0 * ((double)b + (frac > 0 ? frac : 0));
        }
        below += c;
    }
    return NAN;
}

double out_metric_value(const pw_results *r, size_t i)
{
    if (i < PW_M_N)
        return r->metric[i];
    size_t k = i - PW_M_N;
    const uint64_t *bins = r->waits[k / OUT_WS_N];
    switch ((out_wait_stat)(k % OUT_WS_N)) {
    case OUT_WS_P50:
        return out_wait_quantile_days(bins, 0.5);
    case OUT_WS_P90:
        return out_wait_quantile_days(bins, 0.9);
    case OUT_WS_UNDER_6:
        return out_wait_share_under(bins, 6);
    case OUT_WS_UNDER_18:
        return out_wait_share_under(bins, 18);
    case OUT_WS_N:
        break;
    }
    return NAN;
}

double out_window_years(const pw_params *p)
{
    return p->horizon_weeks * 7.0 / OUT_DAYS_PER_YEAR;
}

/* a / b; NaN when b is 0. */
static double ratio(double a, double b) { return b != 0 ? a / b : NAN; }

double out_role_stat_value(const pw_role_stats *s, double window_years, out_role_stat st)
{
    double years = window_years > 0 ? window_years : 0;
    switch (st) {
    case OUT_RS_HEADCOUNT_MEAN:
        return ratio(s->headcount_years, years);
    case OUT_RS_FTE_MEAN:
        return ratio(s->fte_years, years);
    case OUT_RS_TURNOVER_RATE:
        return ratio((double)(s->leavers + s->to_training), s->headcount_years);
    case OUT_RS_LEAVING_RATE:
        return ratio((double)s->leavers, s->headcount_years);
    case OUT_RS_MEAN_TENURE_YEARS:
        return ratio(s->tenure_years_sum, (double)s->in_post_end);
    case OUT_RS_SICKNESS_DAYS_PER_FTE:
        return ratio(s->sick_days, s->fte_years);
    case OUT_RS_BURNOUT_MEAN:
        return ratio(s->burnout_years, s->headcount_years);
    case OUT_RS_N:
        break;
    }
    return NAN;
}

double out_role_week_mean(const pw_params *p, const pw_results *r, size_t k, int trainees)
{
    double w0 = p->warmup_weeks, w1 = p->warmup_weeks + p->horizon_weeks, sum = 0, n = 0;
    for (size_t w = 0; r->weeks && w < r->n_weeks; w++)
        if ((double)w >= w0 && (double)w < w1) {
            sum += trainees ? r->weeks[w].in_training[k] : r->weeks[w].vacancies[k];
            n++;
        }
    return n > 0 ? sum / n : NAN;
}

size_t *out_rep_order(const pw_results *reps, size_t nreps)
{
    size_t *ix = malloc((nreps ? nreps : 1) * sizeof *ix);
    if (!ix)
        return NULL;
    /* Insertion sort: stable, and replications are few and usually already in order. */
    for (size_t i = 0; i < nreps; i++) {
        size_t j = i;
        while (j > 0 && reps[ix[j - 1]].replication > reps[i].replication) {
            ix[j] = ix[j - 1];
            j--;
        }
        ix[j] = i;
    }
    return ix;
}

int out_summarise_metrics(const pw_results *reps, const size_t *order, size_t nreps,
                          sim_summary *out)
{
    double *x = malloc((nreps ? nreps : 1) * sizeof *x);
    if (!x)
        return OUT_ENOMEM;
    int ret = OUT_OK;
    for (size_t m = 0; m < out_metric_count() && ret == OUT_OK; m++) {
        for (size_t i = 0; i < nreps; i++)
            x[i] = out_metric_value(&reps[order[i]], m);
        if (sim_summarise(x, nreps, &out[m]) != 0)
            ret = OUT_ENOMEM;
    }
    free(x);
    return ret;
}

double out_subgroup_value(const pw_results *r, pw_subgroup g, pw_gmetric m)
{
    return pw_gmetric_value(&r->by_group[g], m);
}

double out_subgroup_gap(const pw_results *r, pw_subgroup g, pw_gmetric m)
{
    /* referrals is a count, not a rate: a subgroup's less everyone's is only minus the
     * other subgroups' referrals (the golden run's 18-25 year olds: 58.5 of 318.5, "gap"
     * -260), no gap at all. */
    if (m == PW_GM_REFERRALS)
        return NAN;
    return out_subgroup_value(r, g, m) - out_subgroup_value(r, PW_G_ALL, m);
}

int out_shows_ltc_pathway(const pw_params *p, const pw_results *reps, size_t nreps)
{
    int any = p->ltc_pathway.enabled;
    for (size_t i = 0; i < nreps && !any; i++)
        any = reps[i].stages[PW_S_ENTERED_LTC_PATHWAY] > 0;
    return any;
}
