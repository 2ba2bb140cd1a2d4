/* The `stratified` policy: a brief assessment plus a prediction rule of stated sensitivity
 * and specificity for high need routes at the door. */
#include "pol.h"

static int strat_assessor(const pw_params *p) { return p->stratified.assessor_role; }
static double strat_minutes(const pw_params *p) { return p->stratified.assessment_minutes; }

static pw_route strat_route(const pw_params *p, const pw_case_view *v)
{
    pw_route out;
    if (pol_signpost(p, v, &out))
        return out;
    /* The rule is scored against the latent need: that is what its accuracy means. */
    double u = v->rule_die;
    int high = v->latent_need == PW_NEED_LOW ? u >= p->stratified.specificity
                                              : u < p->stratified.sensitivity;
    return high ? PW_ROUTE_STEP3 : PW_ROUTE_STEP2;
}

static int strat_step_up(const pw_params *p, pw_need need, int failures)
{
    (void)need;
    (void)failures;
    return p->stratified.step_up;
}

const pw_policy pol_stratified = {"stratified", strat_assessor, strat_minutes, strat_route,
                                  strat_step_up};
