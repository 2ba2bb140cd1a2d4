/* Names of the stepped-care model's metrics, exits, stages and groups. */
#include "pw_results.h"

#include <stdlib.h>

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
static const char *const exit_groups[] = {
#define GROUP(id, name, group) group,
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
static const char *const subgroup_names[] = {"all", "gp_referral", "self_referral",
                                             "long_term_condition", "learning_disability",
                                             "ethnic_minority", "age_65_plus"};

const char *pw_metric_name(pw_metric m) { return (unsigned)m < PW_M_N ? metric_names[m] : "?"; }
const char *pw_exit_name(pw_exit x) { return (unsigned)x < PW_X_N ? exit_names[x] : "?"; }
const char *pw_exit_group(pw_exit x) { return (unsigned)x < PW_X_N ? exit_groups[x] : "?"; }
const char *pw_stage_name(pw_stage s) { return (unsigned)s < PW_S_N ? stage_names[s] : "?"; }
const char *pw_wait_name(pw_wait w) { return (unsigned)w < PW_W_N ? wait_names[w] : "?"; }
const char *pw_path_name(pw_path p) { return (unsigned)p < PW_P_N ? path_names[p] : "?"; }
const char *pw_subgroup_name(pw_subgroup g)
{
    return (unsigned)g < PW_G_N ? subgroup_names[g] : "?";
}

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
    free(r->pool.wait_bins);
    r->pool.wait_bins = NULL;
    r->pool.wait_nbins = 0;
}
