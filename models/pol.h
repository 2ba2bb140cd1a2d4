/* Routing policies: who assesses a referral, where they are sent, and whether a failed
 * step-2 episode steps up. The pathway calls a policy only through this interface, so
 * policies plug in without touching pw_world.c. */
#ifndef POL_H
#define POL_H

#include <gsl/gsl_rng.h>

#include "pw_params.h"

typedef enum pw_route {
    PW_ROUTE_STEP2,
    PW_ROUTE_STEP3,
    PW_ROUTE_RISK,       /* signposted: active risk, to crisis or secondary care */
    PW_ROUTE_SPECIALIST, /* signposted: need beyond the service */
    PW_ROUTE_REJECTED,   /* refused by a service rule (e.g. learning disability) */
    PW_ROUTE_LTC,        /* out to an integrated long-term-condition pathway */
} pw_route;

/* What the assessor knows at the door. */
typedef struct pw_case_view {
    pw_need seen_need;   /* need as the assessor sees it (role accuracy applied) */
    pw_need latent_need; /* the truth: only for rules of stated accuracy (stratified) */
    int phq, gad;        /* questionnaire scores at assessment */
    int risk, ld, ltc;   /* flags */
    int failures;        /* failed episodes so far */
    /* Two of the referral's dice: uniforms in [0, 1) thrown once at referral, so that
     * the same person meets the same luck under every policy (common random numbers). */
    double risk_die;     /* signposting for risk (pol_signpost) */
    double rule_die;     /* the policy's own rule */
} pw_case_view;

typedef struct pw_policy {
    const char *name;
    /* Index of the role that assesses (into p->roles), or -1 if none. */
    int (*assessor_role)(const pw_params *p);
    /* Clinician minutes per assessment under this policy. */
    double (*assessment_minutes)(const pw_params *p);
    /* Route after assessment; any chance comes from v->dice. */
    pw_route (*route)(const pw_params *p, const pw_case_view *v);
    /* After a failed step-2 episode that the step-up probability let through: step up?
     * NULL means yes. */
    int (*step_up)(const pw_params *p, pw_need need, int failures);
} pw_policy;

/* The policy of a kind (never NULL for a valid kind). */
const pw_policy *pw_policy_of(pw_policy_kind k);

/* Routing rules shared by policies: signposting for risk, specialist need and the
 * service's rejection rules. Returns 1 and sets *out if the case leaves the service. */
int pol_signpost(const pw_params *p, const pw_case_view *v, pw_route *out);
/* assessment.minutes: the assessment length of policies that do not set their own. */
double pol_default_minutes(const pw_params *p);

/* The policies (pol_<name>.c). */
extern const pw_policy pol_stepped, pol_expert_door, pol_stratified;

#endif
