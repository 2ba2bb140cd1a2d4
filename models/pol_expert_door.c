/* The `expert_door` policy: a senior clinician assesses (longer, more accurate) and routes
 * by assessed need straight to step 2, step 3 or out; no fail-first. */
#include "pol.h"

static int expert_assessor(const pw_params *p) { return p->expert_door.assessor_role; }
static double expert_minutes(const pw_params *p) { return p->expert_door.assessment_minutes; }

static pw_route expert_route(const pw_params *p, const pw_case_view *v)
{
    pw_route out;
    if (pol_signpost(p, v, &out))
        return out;
    if (v->seen_need == PW_NEED_HIGH)
        return p->expert_door.ltc_pathway && v->ltc ? PW_ROUTE_LTC : PW_ROUTE_STEP3;
    return PW_ROUTE_STEP2;
}

static int expert_step_up(const pw_params *p, pw_need need, int failures)
{
    (void)need;
    (void)failures;
    return p->expert_door.step_up;
}

const pw_policy pol_expert_door = {"expert_door", expert_assessor, expert_minutes,
                                   expert_route, expert_step_up};
