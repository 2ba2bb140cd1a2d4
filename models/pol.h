/* Routing policies: who assesses a referral, where they are sent, and whether a failed
 * step-2 episode steps up. The pathway calls a policy only through this interface, so
 * policies plug in without touching the pathway files.
 *
 * A policy is one file, models/pol_<name>.c, plus one row in the registry (models/pol.c).
 * The file holds its parameter struct, the table that describes policy_params.<name>
 * (models/pw_schema.h) and its pw_policy. The loader walks the registry for the names it
 * accepts, the parameter blocks it reads, checks and prints, and the roles it checks; the
 * parameters live in the policy's area of pw_params (policy_params[index]). */
#ifndef POL_H
#define POL_H

#include <gsl/gsl_rng.h>

#include "pw_params.h"
#include "pw_schema.h"

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
    const char *name;        /* policy = "<name>"; policy_params.<name> = { ... } */
    /* The keys of policy_params.<name>, offsets into the policy's own parameter struct. */
    const pw_field *params;
    size_t nparams;
    /* Index of the role that assesses (into p->roles), or -1 if none. */
    int (*assessor_role)(const pw_params *p);
    /* Clinician minutes per assessment under this policy. */
    double (*assessment_minutes)(const pw_params *p);
    /* Route after assessment; any chance comes from v->risk_die and v->rule_die. */
    pw_route (*route)(const pw_params *p, const pw_case_view *v);
    /* After a failed step-2 episode that the step-up probability let through: step up?
     * NULL means yes. */
    int (*step_up)(const pw_params *p, pw_need need, int failures);
} pw_policy;

/* The registry, pw_policies[0 .. pw_policy_count()), in the order messages list the names
 * and `stepsim check` prints the parameter blocks. */
extern const pw_policy *const pw_policies[];
size_t pw_policy_count(void);
/* The policy at index k of the registry (k = p->policy); asserts that k is one. */
const pw_policy *pw_policy_of(int k);
/* The index of the policy called name, or -1. */
int pw_policy_find(const char *name);

/* The chosen policy's parameters: the struct its file declares, in its area of p. A
 * policy's functions run only when it is the chosen one, so this is their own struct. */
const void *pol_params(const pw_params *p);
/* The index of the role called name under staff, -1 if none (or name is ""). */
int pol_role(const pw_params *p, const char *name);
/* The role the chosen policy's role key for "assessment" names (a PW_ROLE field whose
 * .does has PW_DOES_ASSESSMENT), or -1: the assessor_role of a policy with such a key. */
int pol_assessor(const pw_params *p);
/* A policy's parameter struct must fit its area of pw_params. */
#define POL_PARAMS_FIT(T)                                                                      \
    _Static_assert(sizeof(T) <= PW_POLICY_PARAM_BYTES &&                                       \
                       _Alignof(T) <= _Alignof(pw_policy_area),                                \
                   #T " must fit a policy's parameter area")

/* Routing rules shared by policies: signposting for risk, specialist need and the
 * service's rejection rules. Returns 1 and sets *out if the case leaves the service. */
int pol_signpost(const pw_params *p, const pw_case_view *v, pw_route *out);
/* assessment.minutes: the assessment length of policies that do not set their own. */
double pol_default_minutes(const pw_params *p);

#endif
