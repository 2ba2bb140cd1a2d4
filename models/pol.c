/* The registry of routing policies, and the routing rules they share. */
#include "pol.h"

#include <assert.h>
#include <string.h>

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

/* The registry: one row per policy, each defined in models/pol_<name>.c as pol_<name>.
 * The order is the order of messages and of `stepsim check`'s parameter blocks; the
 * default policy is chosen by name (sim/scn_special.c), not by position. */
#define PW_POLICY_ROWS(X)                                                                      \
    X(stepped)                                                                                 \
    X(expert_door)                                                                             \
    X(stratified)

#define POL_DECLARE(name) extern const pw_policy pol_##name;
#define POL_ROW(name) &pol_##name,
PW_POLICY_ROWS(POL_DECLARE)
const pw_policy *const pw_policies[] = {PW_POLICY_ROWS(POL_ROW)};

#define N_POLICIES (sizeof pw_policies / sizeof *pw_policies)
_Static_assert(N_POLICIES <= PW_MAX_POLICIES, "more policies than PW_MAX_POLICIES areas");

size_t pw_policy_count(void) { return N_POLICIES; }

const pw_policy *pw_policy_of(int k)
{
    assert(k >= 0 && (size_t)k < N_POLICIES && "not a registered policy");
    return pw_policies[k];
}

int pw_policy_find(const char *name)
{
    for (size_t i = 0; i < N_POLICIES; i++)
        if (!strcmp(pw_policies[i]->name, name))
            return (int)i;
    return -1;
}

const void *pol_params(const pw_params *p)
{
    assert(p->policy >= 0 && (size_t)p->policy < N_POLICIES && "not a registered policy");
    return p->policy_params[p->policy].bytes;
}

int pol_role(const pw_params *p, const char *name)
{
    for (size_t i = 0; name[0] && i < p->n_roles; i++)
        if (!strcmp(p->roles[i].name, name))
            return (int)i;
    return -1;
}

int pol_assessor(const pw_params *p)
{
    const pw_policy *pol = pw_policy_of(p->policy);
    const char *params = pol_params(p);
    for (size_t i = 0; i < pol->nparams; i++) {
        const pw_field *f = &pol->params[i];
        if ((f->flags & PW_ROLE) && (f->does & PW_DOES_ASSESSMENT))
            return pol_role(p, params + f->off);
    }
    return -1;
}
