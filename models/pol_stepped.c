/* The `stepped` policy: PWP triage, step 2 first unless severe, fail-first step-up. */
#include "pol.h"

/* policy_params.stepped = { ... } */
typedef struct stepped_params {
    char assessor[PW_MAX_NAME];     /* assessor: role doing triage */
    double direct_step3_phq;        /* direct_step3_phq: assessed PHQ-9 >= this -> step 3 */
    double direct_step3_gad;        /* direct_step3_gad */
    double high_need_step3_probability; /* high_need_step3_probability: assessed high need
                                           sent straight to step 3 despite low scores */
} stepped_params;
POL_PARAMS_FIT(stepped_params);

static const pw_field stepped_fields[] = {
    PW_ROLE_NAME("assessor", stepped_params, assessor, PW_OMIT_EMPTY, PW_DOES_ASSESSMENT),
    PW_NUM("direct_step3_phq", stepped_params, direct_step3_phq, 0, 20.0, 0, 28),
    PW_NUM("direct_step3_gad", stepped_params, direct_step3_gad, 0, 16.0, 0, 22),
    PW_PROB("high_need_step3_probability", stepped_params, high_need_step3_probability, 0, 0.5),
};

/* Stepped care's route: the shared signposting first (pol_signpost: risk, specialist need, the
 * rejection rules); then step 3 for scores the assessor reads at or above direct_step3_phq or
 * direct_step3_gad, or for a need seen as high when v->rule_die falls below
 * high_need_step3_probability; else step 2. Draws nothing (its chance is in v's dice). */
static pw_route stepped_route(const pw_params *p, const pw_case_view *v)
{
    pw_route out;
    if (pol_signpost(p, v, &out))
        return out;
    const stepped_params *sp = pol_params(p);
    if (v->phq >= sp->direct_step3_phq || v->gad >= sp->direct_step3_gad)
        return PW_ROUTE_STEP3;
    if (v->seen_need == PW_NEED_HIGH && v->rule_die < sp->high_need_step3_probability)
        return PW_ROUTE_STEP3;
    return PW_ROUTE_STEP2;
}

const pw_policy pol_stepped = {.name = "stepped",
                               .params = stepped_fields,
                               .nparams = PW_NELEM(stepped_fields),
                               .assessor_role = pol_assessor,
                               .assessment_minutes = pol_default_minutes,
                               .route = stepped_route,
                               .step_up = NULL};
