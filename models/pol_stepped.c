/* The `stepped` policy: PWP triage, step 2 first unless severe, fail-first step-up. */
#include "pol.h"

static int stepped_assessor(const pw_params *p) { return p->stepped.assessor_role; }

static pw_route stepped_route(const pw_params *p, const pw_case_view *v)
{
    pw_route out;
    if (pol_signpost(p, v, &out))
        return out;
    const pw_stepped_p *sp = &p->stepped;
    if (v->phq >= sp->direct_step3_phq || v->gad >= sp->direct_step3_gad)
        return PW_ROUTE_STEP3;
    if (v->seen_need == PW_NEED_HIGH && v->rule_die < sp->high_need_step3_probability)
        return PW_ROUTE_STEP3;
    return PW_ROUTE_STEP2;
}

const pw_policy pol_stepped = {"stepped", stepped_assessor, pol_default_minutes, stepped_route,
                               NULL};
