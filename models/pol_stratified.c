/* The `stratified` policy: a brief assessment plus a prediction rule of stated sensitivity
 * and specificity for high need routes at the door. */
#include "pol.h"

/* policy_params.stratified = { ... }: a brief assessment plus a prediction rule. */
typedef struct strat_params {
    char assessor[PW_MAX_NAME];     /* assessor: role doing the brief assessment */
    double assessment_minutes;      /* assessment_minutes */
    double sensitivity;             /* sensitivity: P(predicted high | latent high need) */
    double specificity;             /* specificity: P(predicted low | latent low need) */
    int step_up;                    /* step_up: failed step-2 courses may still step up */
} strat_params;
POL_PARAMS_FIT(strat_params);

static const pw_field strat_fields[] = {
    PW_ROLE_NAME("assessor", strat_params, assessor, PW_OMIT_EMPTY, PW_DOES_ASSESSMENT),
    PW_NUM("assessment_minutes", strat_params, assessment_minutes, PW_LO_OPEN, 30.0, 0, 1440),
    PW_PROB("sensitivity", strat_params, sensitivity, 0, 0.8),
    PW_PROB("specificity", strat_params, specificity, 0, 0.8),
    PW_BOOL("step_up", strat_params, step_up, 0, 1),
};

/* Clinician minutes a stratified assessment takes: policy_params.stratified's
 * assessment_minutes. Draws nothing. */
static double strat_minutes(const pw_params *p)
{
    const strat_params *sp = pol_params(p);
    return sp->assessment_minutes;
}

/* The stratified rule's route: the shared signposting first (pol_signpost: risk, specialist
 * need, the rejection rules); then step 3 if the rule calls the case high (a latent need
 * above low with chance `sensitivity`, a low one with chance 1 - `specificity`, read from
 * v->rule_die), else step 2. Draws nothing. */
static pw_route strat_route(const pw_params *p, const pw_case_view *v)
{
    pw_route out;
    if (pol_signpost(p, v, &out))
        return out;
    /* The rule is scored against the latent need: that is what its accuracy means. */
    const strat_params *sp = pol_params(p);
    double u = v->rule_die;
    int high = v->latent_need == PW_NEED_LOW ? u >= sp->specificity : u < sp->sensitivity;
    return high ? PW_ROUTE_STEP3 : PW_ROUTE_STEP2;
}

/* Step up after a failed step-2 episode that the step-up probability let through?
 * policy_params.stratified.step_up, whatever the need and failures so far. */
static int strat_step_up(const pw_params *p, pw_need need, int failures)
{
    (void)need;
    (void)failures;
    const strat_params *sp = pol_params(p);
    return sp->step_up;
}

const pw_policy pol_stratified = {.name = "stratified",
                                  .params = strat_fields,
                                  .nparams = PW_NELEM(strat_fields),
                                  .assessor_role = pol_assessor,
                                  .assessment_minutes = strat_minutes,
                                  .route = strat_route,
                                  .step_up = strat_step_up};
