/* The `expert_door` policy: a senior clinician assesses (longer, more accurate) and routes
 * by assessed need straight to step 2, step 3 or out: no one is sent to step 2 first to
 * fail there, though a step-2 course that fails still steps up (step_up, default on). */
#include "pol.h"

/* policy_params.expert_door = { ... }: a senior clinician at the door routes by need. */
typedef struct expert_params {
    char assessor[PW_MAX_NAME];     /* assessor: the senior role doing assessments */
    double assessment_minutes;      /* assessment_minutes: a longer assessment */
    int ltc_pathway;                /* ltc_pathway: long-term condition + high need goes
                                       out to an integrated LTC pathway elsewhere (unless
                                       the service runs its own: ltc_pathway.enabled) */
    int step_up;                    /* step_up: failed step-2 courses may still step up */
} expert_params;
POL_PARAMS_FIT(expert_params);

static const pw_field expert_fields[] = {
    PW_ROLE_NAME("assessor", expert_params, assessor, PW_OMIT_EMPTY, PW_DOES_ASSESSMENT),
    PW_NUM("assessment_minutes", expert_params, assessment_minutes, PW_LO_OPEN, 90.0, 0, 1440),
    PW_BOOL("ltc_pathway", expert_params, ltc_pathway, 0, 0),
    PW_BOOL("step_up", expert_params, step_up, 0, 1),
};

/* Clinician minutes an expert assessment takes: policy_params.expert_door's
 * assessment_minutes. Draws nothing. */
static double expert_minutes(const pw_params *p)
{
    const expert_params *ep = pol_params(p);
    return ep->assessment_minutes;
}

/* The expert door's route: the shared signposting first (pol_signpost: risk, specialist need,
 * the rejection rules); then a need seen as high goes to step 3, or out to the long-term-
 * condition pathway when ltc_pathway is set, the person has a long-term condition and the
 * service has no integrated pathway of its own; everyone else to step 2. Draws nothing (its
 * chance is in v's dice). */
static pw_route expert_route(const pw_params *p, const pw_case_view *v)
{
    pw_route out;
    if (pol_signpost(p, v, &out))
        return out;
    const expert_params *ep = pol_params(p);
    if (v->seen_need == PW_NEED_HIGH)
        return ep->ltc_pathway && v->ltc && !p->ltc_pathway.enabled ? PW_ROUTE_LTC
                                                                    : PW_ROUTE_STEP3;
    return PW_ROUTE_STEP2;
}

/* Step up after a failed step-2 episode that the step-up probability let through?
 * policy_params.expert_door.step_up, whatever the need and failures so far. */
static int expert_step_up(const pw_params *p, pw_need need, int failures)
{
    (void)need;
    (void)failures;
    const expert_params *ep = pol_params(p);
    return ep->step_up;
}

const pw_policy pol_expert_door = {.name = "expert_door",
                                   .params = expert_fields,
                                   .nparams = PW_NELEM(expert_fields),
                                   .assessor_role = pol_assessor,
                                   .assessment_minutes = expert_minutes,
                                   .route = expert_route,
                                   .step_up = expert_step_up};
