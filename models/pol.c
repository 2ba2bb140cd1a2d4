/* Routing rules shared by the policies, and the table of policies. */
#include "pol.h"

int pol_signpost(const pw_params *p, const pw_case_view *v, pw_route *out)
{
    if (v->risk && v->risk_die < p->assessment.risk_signpost_probability) {
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

double pol_default_minutes(const pw_params *p) { return p->assessment.minutes; }

extern const pw_policy pol_stepped, pol_expert_door, pol_stratified;

const pw_policy *pw_policy_of(pw_policy_kind k)
{
    switch (k) {
    case PW_POLICY_EXPERT_DOOR:
        return &pol_expert_door;
    case PW_POLICY_STRATIFIED:
        return &pol_stratified;
    case PW_POLICY_STEPPED:
    default:
        return &pol_stepped;
    }
}
