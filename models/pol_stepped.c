/* The `stepped` policy: PWP triage, step 2 first unless severe, fail-first step-up. */
#include "pol.h"

int pol_signpost(const pw_params *p, const pw_case_view *v, gsl_rng *r, pw_route *out)
{
    if (v->risk && gsl_rng_uniform(r) < p->assessment.risk_signpost_probability) {
        *out = PW_ROUTE_RISK;
        return 1;
    }
    if (v->seen_need == PW_NEED_SPECIALIST) {
        *out = PW_ROUTE_SPECIALIST;
        return 1;
    }
    if (v->ld && p->assessment.reject_learning_disability) {
        *out = PW_ROUTE_REJECTED;
        return 1;
    }
    return 0;
}

static int stepped_assessor(const pw_params *p) { return p->stepped.assessor_role; }

static pw_route stepped_route(const pw_params *p, const pw_case_view *v, gsl_rng *r)
{
    pw_route out;
    if (pol_signpost(p, v, r, &out))
        return out;
    const pw_stepped_p *sp = &p->stepped;
    if (v->phq >= sp->direct_step3_phq || v->gad >= sp->direct_step3_gad)
        return PW_ROUTE_STEP3;
    if (v->seen_need == PW_NEED_HIGH && gsl_rng_uniform(r) < sp->high_need_step3_probability)
        return PW_ROUTE_STEP3;
    return PW_ROUTE_STEP2;
}

static const pw_policy stepped = {"stepped", stepped_assessor, stepped_route, NULL};

const pw_policy *pw_policy_of(pw_policy_kind k)
{
    switch (k) {
    case PW_POLICY_STEPPED:
    default:
        return &stepped;
    }
}
