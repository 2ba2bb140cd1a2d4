/* Names of the stepped-care model's metrics, exits, stages and groups. */
#include "pw_results.h"

#include <math.h>
#include <stdlib.h>

#include "pw_pool.h"

static const char *const metric_names[] = {
#define NAME(id, name) name,
    PW_METRICS(NAME)
#undef NAME
};
static const char *const exit_names[] = {
#define NAME(id, name, group) name,
    PW_EXITS(NAME)
#undef NAME
};
static const char *const exit_group_names[] = {
#define NAME(id, name) name,
    PW_EXIT_GROUPS(NAME)
#undef NAME
};
static const pw_exit_group_id exit_groups[] = {
#define GROUP(id, name, group) PW_XG_##group,
    PW_EXITS(GROUP)
#undef GROUP
};
static const char *const stage_names[] = {
#define NAME(id, name) name,
    PW_STAGES(NAME)
#undef NAME
};
static const char *const wait_names[] = {"referral_to_assessment", "assessment_to_treatment",
                                         "referral_to_treatment", "step_up",
                                         "referral_to_clock_stop"};
static const char *const path_names[] = {"step2_only", "step2_then_step3", "step3_only",
                                         "no_treatment"};
static const char *const subgroup_names[] = {
    "all", "gp_referral", "self_referral", "long_term_condition", "learning_disability",
    "ethnic_minority", "age_65_plus", "age_18_25", "age_26_35", "age_36_64", "male", "female",
    "white", "asian", "black", "mixed", "other_ethnic_group", "no_long_term_condition",
    "no_learning_disability", "deprivation_q1", "deprivation_q2", "deprivation_q3",
    "deprivation_q4", "deprivation_q5"};
_Static_assert(sizeof subgroup_names / sizeof *subgroup_names == PW_G_N, "a name a subgroup");
static const char *const subgroup_attributes[] = {
    "all", "referral_source", "referral_source", "long_term_condition", "learning_disability",
    "ethnic_minority", "age", "age", "age", "age", "sex", "sex", "ethnicity", "ethnicity",
    "ethnicity", "ethnicity", "ethnicity", "long_term_condition", "learning_disability",
    "deprivation", "deprivation", "deprivation", "deprivation", "deprivation"};
_Static_assert(sizeof subgroup_attributes / sizeof *subgroup_attributes == PW_G_N,
               "an attribute a subgroup");
const pw_subgroup pw_subgroup_order[PW_G_N] = {
    PW_G_ALL, PW_G_AGE_18_25, PW_G_AGE_26_35, PW_G_AGE_36_64, PW_G_AGE_65PLUS, PW_G_MALE,
    PW_G_FEMALE, PW_G_WHITE, PW_G_ASIAN, PW_G_BLACK, PW_G_MIXED, PW_G_OTHER_ETHNIC,
    PW_G_ETHNIC_MINORITY, PW_G_NO_LTC, PW_G_LTC, PW_G_NO_LD, PW_G_LD, PW_G_GP, PW_G_SELF,
    PW_G_DEPRIVATION_Q1, PW_G_DEPRIVATION_Q2, PW_G_DEPRIVATION_Q3, PW_G_DEPRIVATION_Q4,
    PW_G_DEPRIVATION_Q5};
static const char *const gmetric_names[] = {
#define NAME(id, name) name,
    PW_GMETRICS(NAME)
#undef NAME
};

/* The names of the result tables, as the output files write them; each returns a static
 * string, "?" for a value out of range. */
const char *pw_metric_name(pw_metric m) { return (unsigned)m < PW_M_N ? metric_names[m] : "?"; }
const char *pw_exit_name(pw_exit x) { return (unsigned)x < PW_X_N ? exit_names[x] : "?"; }
const char *pw_exit_group(pw_exit x)
{
    return (unsigned)x < PW_X_N ? exit_group_names[exit_groups[x]] : "?";
}

int pw_metric_taken(const pw_params *p, pw_metric m)
{
    int late = m == PW_M_RECOVERY_RATE_TRUE_LATE || m == PW_M_RECOVERY_RATE_TRUE_UNTREATED_LATE;
    return !late || p->outcome_weeks_late > 0;
}
/* The group of exit x (x must be a valid exit: the table is read unchecked). */
pw_exit_group_id pw_exit_group_of(pw_exit x) { return exit_groups[x]; }

uint64_t pw_exit_group_count(const uint64_t *exits, pw_exit_group_id g)
{
    uint64_t n = 0;
    for (int x = 0; x < PW_X_N; x++)
        n += exit_groups[x] == g ? exits[x] : 0;
    return n;
}
const char *pw_stage_name(pw_stage s) { return (unsigned)s < PW_S_N ? stage_names[s] : "?"; }
const char *pw_wait_name(pw_wait w) { return (unsigned)w < PW_W_N ? wait_names[w] : "?"; }
const char *pw_path_name(pw_path p) { return (unsigned)p < PW_P_N ? path_names[p] : "?"; }
const char *pw_subgroup_name(pw_subgroup g)
{
    return (unsigned)g < PW_G_N ? subgroup_names[g] : "?";
}

const char *pw_subgroup_attribute(pw_subgroup g)
{
    return (unsigned)g < PW_G_N ? subgroup_attributes[g] : "?";
}

const char *pw_gmetric_name(pw_gmetric m)
{
    return (unsigned)m < PW_GM_N ? gmetric_names[m] : "?";
}

/* a / b, NaN when nothing was counted (b = 0). */
static double share(double a, uint64_t b) { return b ? a / (double)b : NAN; }

double pw_gmetric_value(const pw_outcome_counts *o, pw_gmetric m)
{
    switch (m) {
    case PW_GM_REFERRALS: return (double)o->n;
    case PW_GM_ENTERED_TREATMENT_SHARE: return share((double)o->entered, o->n);
    case PW_GM_FINISHED_COURSE_SHARE: return share((double)o->finishers, o->n);
    case PW_GM_RECOVERY_RATE_REPORTED:
        return share((double)o->reported_recovered, o->reported_casers);
    case PW_GM_RECOVERY_RATE_TRUE: return share((double)o->true_recovered, o->true_casers);
    case PW_GM_RELIABLE_IMPROVEMENT_REPORTED:
        return share((double)o->reported_reliable_improvement, o->reported_finishers);
    case PW_GM_RELIABLE_IMPROVEMENT_TRUE:
        return share((double)o->true_reliable_improvement, o->n);
    case PW_GM_RELIABLE_RECOVERY_REPORTED:
        return share((double)o->reported_reliable_recovery, o->reported_casers);
    case PW_GM_RELIABLE_RECOVERY_TRUE:
        return share((double)o->true_reliable_recovery, o->true_casers);
    case PW_GM_WITHIN_6_WEEKS_REPORTED:
        return share((double)o->within_6_weeks_reported, o->reported_finishers);
    case PW_GM_WITHIN_6_WEEKS_TRUE: return share((double)o->within_6_weeks_true, o->n);
    case PW_GM_WITHIN_18_WEEKS_REPORTED:
        return share((double)o->within_18_weeks_reported, o->reported_finishers);
    case PW_GM_WITHIN_18_WEEKS_TRUE: return share((double)o->within_18_weeks_true, o->n);
    case PW_GM_WAIT_TO_TREATMENT_DAYS_MEAN:
        return share(o->wait_to_treatment_sum_days, o->entered);
    case PW_GM_SESSIONS_MEAN_ENTERED: return share(o->sessions_sum, o->entered);
    case PW_GM_DROPOUT_BEFORE_ASSESSMENT_SHARE:
        return share((double)o->dropped_before_assessment, o->n);
    case PW_GM_DROPOUT_AFTER_ASSESSMENT_SHARE:
        return share((double)o->dropped_after_assessment, o->n);
    case PW_GM_DROPOUT_IN_TREATMENT_SHARE:
        return share((double)o->dropped_in_treatment, o->n);
    case PW_GM_RECOVERY_RATE_TRUE_UNTREATED:
        return share((double)o->true_recovered_untreated, o->true_casers);
    case PW_GM_RECOVERY_RATE_TRUE_LATE:
        return share((double)o->true_recovered_late, o->true_late_read);
    case PW_GM_RECOVERY_RATE_TRUE_UNTREATED_LATE:
        return share((double)o->true_recovered_untreated_late, o->true_late_read);
    default: return NAN;
    }
}

/* Every field, by name: a field added to pw_outcome_counts must be added here too, which
 * the size check below asks for (twenty-three counts and two sums). */
_Static_assert(sizeof(pw_outcome_counts) == 23 * sizeof(uint64_t) + 2 * sizeof(double),
               "pw_results_outcome_add: a field of pw_outcome_counts is not added");
void pw_results_outcome_add(pw_outcome_counts *a, const pw_outcome_counts *b)
{
    a->n += b->n;
    a->finishers += b->finishers;
    a->reported_casers += b->reported_casers;
    a->reported_recovered += b->reported_recovered;
    a->reported_reliable_improvement += b->reported_reliable_improvement;
    a->reported_reliable_recovery += b->reported_reliable_recovery;
    a->true_casers += b->true_casers;
    a->true_recovered += b->true_recovered;
    a->true_reliable_improvement += b->true_reliable_improvement;
    a->sessions_sum += b->sessions_sum;
    a->wait_to_treatment_sum_days += b->wait_to_treatment_sum_days;
    a->entered += b->entered;
    a->reported_finishers += b->reported_finishers;
    a->true_reliable_recovery += b->true_reliable_recovery;
    a->within_6_weeks_true += b->within_6_weeks_true;
    a->within_18_weeks_true += b->within_18_weeks_true;
    a->within_6_weeks_reported += b->within_6_weeks_reported;
    a->within_18_weeks_reported += b->within_18_weeks_reported;
    a->dropped_before_assessment += b->dropped_before_assessment;
    a->dropped_after_assessment += b->dropped_after_assessment;
    a->dropped_in_treatment += b->dropped_in_treatment;
    a->true_recovered_untreated += b->true_recovered_untreated;
    a->true_late_read += b->true_late_read;
    a->true_recovered_late += b->true_recovered_late;
    a->true_recovered_untreated_late += b->true_recovered_untreated_late;
}

/* Free what r owns (weekly series, per-service metrics, pool bins) and leave it empty;
 * safe on NULL and on results never filled. */
void pw_results_free(pw_results *r)
{
    if (!r)
        return;
    free(r->weeks);
    r->weeks = NULL;
    r->n_weeks = 0;
    free(r->service_metric);
    r->service_metric = NULL;
    r->n_services = 0;
    pw_pool_release(r);
}
