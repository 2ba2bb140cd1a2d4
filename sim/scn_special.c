/* Scenario loader: the keys with their own code (PW_F_SPECIAL), each with its load, default
 * and print side by side: seed (64-bit with an L suffix), policy (a name from the policy
 * registry, models/pol.c), closure_days, staff (a group of named roles), a role's does (a
 * set of activities) and policy_params (a block per registered policy, each read with the
 * table the policy's own file gives).
 */
#include "scn_internal.h"

#include <assert.h>
#include <limits.h>
#include <string.h>

#include "models/pol.h"

/* ==== seed ============================================================================= */

/* Default seed: 1. */
static void dflt_seed(void *base) { ((pw_params *)base)->seed = 1; }

/* seed: an integer >= 0, 64-bit when written with L; beyond 2^63 - 2 in hexadecimal. */
static void load_seed(scn_ctx *c, const config_setting_t *s, const char *key, void *base)
{
    long long v;
    if (!scn_get_int64(c, s, key,
                       "an integer >= 0 (write values beyond 2147483647 with an L suffix)", &v))
        return;
    /* libconfig holds signed 64 bits: a hexadecimal seed is read as its bits, so that a
     * federation's service seeds (pw_pool_service_seed, any 64-bit value) can be written.
     * Past 64 hexadecimal bits libconfig reads -1 without a word, so the one value that
     * cannot be told from an overflow, 0xFFFFFFFFFFFFFFFF, is refused. */
    if (config_setting_get_format(s) == CONFIG_FORMAT_HEX) {
        if (v == -1)
            scn_err_at(c, s, key, "must be below 0xFFFFFFFFFFFFFFFF (got it, or a larger "
                       "number libconfig cannot hold)");
        else
            ((pw_params *)base)->seed = (uint64_t)v;
        return;
    }
    if (v < 0) {
        scn_err_at(c, s, key, "must be an integer >= 0 (got %lld)", v);
        return;
    }
    /* libconfig reads every decimal integer beyond 64 bits as INT64_MAX, without a word: the
     * one value that cannot be told from an overflow is refused. */
    if (v == LLONG_MAX) {
        scn_err_at(c, s, key, "must be an integer in [0, 9223372036854775806], or in "
                   "hexadecimal up to 0xFFFFFFFFFFFFFFFEL (got 9223372036854775807, or a larger "
                   "number libconfig cannot hold)");
        return;
    }
    ((pw_params *)base)->seed = (uint64_t)v;
}

/* seed, with an L suffix beyond 32 bits so libconfig 1.5 reads it whole; in hexadecimal
 * beyond what a signed decimal can hold, with the decimal value beside it. */
static void print_seed(FILE *f, const void *base, const pw_field *fd, int indent)
{
    uint64_t s = ((const pw_params *)base)->seed;
    if (s >= (uint64_t)LLONG_MAX)
        fprintf(f, "%*s%s = 0x%016llXL; # %llu\n", indent, "", fd->name, (unsigned long long)s,
                (unsigned long long)s);
    else
        fprintf(f, "%*s%s = %llu%s;\n", indent, "", fd->name, (unsigned long long)s,
                s > INT32_MAX ? "L" : "");
}

/* ==== policy =========================================================================== */

/* The policy a scenario gets when it names none. */
#define DEFAULT_POLICY "stepped"

/* Default policy: stepped. */
static void dflt_policy(void *base)
{
    int k = pw_policy_find(DEFAULT_POLICY);
    assert(k >= 0 && "the default policy is registered");
    ((pw_params *)base)->policy = k;
}

/* policy: the name of a policy in the registry (models/pol.c). */
static void load_policy(scn_ctx *c, const config_setting_t *s, const char *key, void *base)
{
    char names[PW_MAX_POLICIES * (PW_MAX_NAME + 4)];
    size_t len = 0;
    names[0] = '\0';
    for (size_t i = 0; i < pw_policy_count() && len < sizeof names; i++)
        len += (size_t)snprintf(names + len, sizeof names - len, "%s\"%s\"", i ? ", " : "",
                                pw_policies[i]->name);
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        char want[sizeof names + 8];
        snprintf(want, sizeof want, "one of %s", names);
        scn_wrong_type(c, s, key, want);
        return;
    }
    const char *v = config_setting_get_string(s);
    int k = pw_policy_find(v);
    if (k >= 0) {
        ((pw_params *)base)->policy = k;
        return;
    }
    const char *cands[PW_MAX_POLICIES];
    char hint[PW_MAX_NAME + 24];
    for (size_t i = 0; i < pw_policy_count(); i++)
        cands[i] = pw_policies[i]->name;
    scn_did_you_mean(v, cands, pw_policy_count(), hint, sizeof hint);
    scn_err_at(c, s, key, "unknown policy \"%s\"%s (expected one of %s)", v, hint, names);
}

/* policy, by its name in the registry. */
static void print_policy(FILE *f, const void *base, const pw_field *fd, int indent)
{
    const pw_params *p = base;
    fprintf(f, "%*s%s = \"%s\";\n", indent, "", fd->name, pw_policy_of(p->policy)->name);
}

/* ==== closure_days ===================================================================== */

/* Default: no closure days. */
static void dflt_closures(void *base)
{
    pw_params *p = base;
    p->n_closures = 0;
    memset(p->closures, 0, sizeof p->closures);
}

/* closure_days: integer day numbers from the start of the run. */
static void load_closures(scn_ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_params *p = base;
    const char *want = "an array of integer day numbers >= 0";
    int n = scn_array_length(c, s, key, want);
    if (n < 0)
        return;
    if (n > PW_MAX_CLOSURES) {
        scn_err_at(c, config_setting_get_elem(s, PW_MAX_CLOSURES), key,
                   "at most %d closure days (got %d)", PW_MAX_CLOSURES, n);
        return;
    }
    int at[PW_MAX_CLOSURES]; /* the element each closure came from */
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char ek[KEYMAX];
        scn_elemkey(ek, key, i);
        long long v;
        if (!scn_get_int64(c, e, ek, want, &v))
            continue;
        if (v < 0 || v > 1000000) {
            scn_err_at(c, e, ek, "must be a day number in [0, 1000000] (got %lld)", v);
            continue;
        }
        /* A day given twice closes it once: most likely another day was meant. */
        size_t k = 0;
        while (k < p->n_closures && p->closures[k] != (double)v)
            k++;
        if (k < p->n_closures) {
            scn_err_at(c, e, ek, "day %lld is listed twice (also %s[%d]; expected each day "
                       "once)", v, key, at[k]);
            continue;
        }
        at[p->n_closures] = i;
        p->closures[p->n_closures++] = (double)v;
    }
}

/* closure_days as an array of integers. */
static void print_closures(FILE *f, const void *base, const pw_field *fd, int indent)
{
    const pw_params *p = base;
    fprintf(f, "%*s%s = [", indent, "", fd->name);
    for (size_t i = 0; i < p->n_closures; i++)
        fprintf(f, "%s%.0f", i ? ", " : "", p->closures[i]);
    fputs(p->n_closures ? "];\n" : " ];\n", f);
}

/* ==== staff.<role>.does ================================================================ */

/* Before loading: no activities (does is required, so never left so). */
static void dflt_does(void *base) { ((pw_role *)base)->does = 0; }

/* staff.<role>.does: an array of distinct activity names. */
static void load_does(scn_ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_role *r = base;
    const char *want =
        "an array of activities from \"assessment\", \"step2\", \"groups\", \"step3\", "
        "\"coordination\"";
    int n = scn_array_length(c, s, key, want);
    if (n < 0)
        return;
    if (n == 0) {
        scn_err_at(c, s, key, "must list at least one activity (got an empty array; expected %s)",
                   want + 12);
        return;
    }
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char ek[KEYMAX];
        scn_elemkey(ek, key, i);
        if (config_setting_type(e) != CONFIG_TYPE_STRING) {
            scn_wrong_type(c, e, ek, "an activity name string");
            continue;
        }
        const char *v = config_setting_get_string(e);
        int found = -1;
        for (int j = 0; j < SCN_NDOES; j++)
            if (!strcmp(v, scn_does_names[j]))
                found = j;
        if (found < 0) {
            char hint[64];
            scn_did_you_mean(v, scn_does_names, SCN_NDOES, hint, sizeof hint);
            scn_err_at(c, e, ek, "unknown activity \"%s\"%s (expected one of \"assessment\", "
                       "\"step2\", \"groups\", \"step3\", \"coordination\")", v, hint);
            continue;
        }
        if (r->does & (1u << found)) {
            scn_err_at(c, e, ek, "\"%s\" is listed twice", v);
            continue;
        }
        r->does |= 1u << found;
    }
}

/* staff.<role>.does as an array of activity names, in bit order. */
static void print_does(FILE *f, const void *base, const pw_field *fd, int indent)
{
    const pw_role *r = base;
    fprintf(f, "%*s%s = [", indent, "", fd->name);
    int first = 1;
    for (size_t i = 0; i < SCN_NDOES; i++)
        if (r->does & (1u << i)) {
            fprintf(f, "%s\"%s\"", first ? "" : ", ", scn_does_names[i]);
            first = 0;
        }
    fputs("];\n", f);
}

/* ==== staff ============================================================================ */

/* Before loading: no roles (staff is required). */
static void dflt_staff(void *base)
{
    pw_params *p = base;
    p->n_roles = 0;
    memset(p->roles, 0, sizeof p->roles);
}

/* staff = { role = { ... }; ... }: up to PW_MAX_ROLES named roles. */
static void load_staff(scn_ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_params *p = base;
    size_t before = scn_nerrors(c);
    if (!config_setting_is_group(s)) {
        scn_wrong_type(c, s, key, "a group of roles, each a group { headcount = ...; ... }");
        return;
    }
    int n = config_setting_length(s);
    if (n == 0) {
        scn_err_at(c, s, key, "must define at least one role (got an empty group)");
        return;
    }
    if (n > PW_MAX_ROLES) {
        scn_err_at(c, config_setting_get_elem(s, PW_MAX_ROLES), key, "at most %d roles (got %d)",
                   PW_MAX_ROLES, n);
        return;
    }
    for (int i = 0; i < n; i++) {
        const config_setting_t *rs = config_setting_get_elem(s, (unsigned)i);
        const char *rn = config_setting_name(rs);
        char rk[KEYMAX];
        scn_subkey(rk, key, rn);
        if (!config_setting_is_group(rs)) {
            char got[160];
            scn_fmt_typed(rs, got, sizeof got);
            scn_err_at(c, rs, rk,
                       "each member of staff must be a role group { headcount = ...; ... } "
                       "(got %s)", got);
            continue;
        }
        if (strlen(rn) >= PW_MAX_NAME) {
            scn_err_at(c, rs, rk, "role names must be at most %d bytes (got %zu)", PW_MAX_NAME - 1,
                       strlen(rn));
            continue;
        }
        /* A role without an fte is usually a misspelt one (staff.pwps in an overrides
         * group makes a new role): say which it may have meant before its missing keys. */
        if (!config_setting_get_member(rs, "fte")) {
            const char *others[PW_MAX_ROLES];
            size_t no = 0;
            for (int j = 0; j < n; j++)
                if (j != i)
                    others[no++] = config_setting_name(config_setting_get_elem(s, (unsigned)j));
            char hint[KEYMAX + 32];
            scn_did_you_mean(rn, others, no, hint, sizeof hint);
            if (hint[0])
                scn_err_at(c, rs, rk, "a new role, named here for the first time%s", hint);
        }
        pw_role *r = &p->roles[p->n_roles++];
        snprintf(r->name, sizeof r->name, "%s", rn);
        scn_load_group(c, rs, rk, scn_role_fields, scn_nrole_fields, 0, r, &scn_role_checks);
    }
    c->staff_ok = scn_nerrors(c) == before;
}

/* staff: one group per role, in the order they were read. */
static void print_staff(FILE *f, const void *base, const pw_field *fd, int indent)
{
    const pw_params *p = base;
    fprintf(f, "%*s%s = {\n", indent, "", fd->name);
    for (size_t i = 0; i < p->n_roles; i++) {
        fprintf(f, "%*s%s = {\n", indent + 4, "", p->roles[i].name);
        scn_print_fields(f, scn_role_fields, scn_nrole_fields, 0, &p->roles[i], indent + 8);
        fprintf(f, "%*s};\n", indent + 4, "");
    }
    fprintf(f, "%*s};\n", indent, "");
}

/* ==== policy_params ==================================================================== */

/* Every registered policy's parameters at their defaults, each in its own area. */
static void dflt_policy_params(void *base)
{
    pw_params *p = base;
    for (size_t i = 0; i < pw_policy_count(); i++) {
        memset(&p->policy_params[i], 0, sizeof p->policy_params[i]);
        scn_default_fields(pw_policies[i]->params, pw_policies[i]->nparams, 0,
                           p->policy_params[i].bytes);
    }
}

/* policy_params = { <policy> = { ... }; ... }: a block per registered policy, all
 * optional. The roles they name are checked for the chosen policy only (scn_check_all). */
static void load_policy_params(scn_ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_params *p = base;
    if (!config_setting_is_group(s)) {
        scn_wrong_type(c, s, key, "a group { stepped = { ... }; }");
        return;
    }
    const char *cands[PW_MAX_POLICIES];
    size_t npol = pw_policy_count();
    for (size_t i = 0; i < npol; i++)
        cands[i] = pw_policies[i]->name;
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
        const char *mn = config_setting_name(m);
        char mk[KEYMAX];
        scn_subkey(mk, key, mn);
        int k = pw_policy_find(mn);
        if (k < 0) {
            scn_unknown_key(c, m, mk, cands, npol);
            continue;
        }
        if (!config_setting_is_group(m)) {
            scn_wrong_type(c, m, mk, "a group { ... }");
            continue;
        }
        scn_load_group(c, m, mk, pw_policies[k]->params, pw_policies[k]->nparams, 0,
                       p->policy_params[k].bytes, NULL);
    }
}

/* policy_params: a block for every policy (only the chosen one is used). */
static void print_policy_params(FILE *f, const void *base, const pw_field *fd, int indent)
{
    const pw_params *p = base;
    fprintf(f, "%*s%s = {\n", indent, "", fd->name);
    for (size_t i = 0; i < pw_policy_count(); i++) {
        fprintf(f, "%*s%s = {\n", indent + 4, "", pw_policies[i]->name);
        scn_print_fields(f, pw_policies[i]->params, pw_policies[i]->nparams, 0,
                         p->policy_params[i].bytes, indent + 8);
        fprintf(f, "%*s};\n", indent + 4, "");
    }
    fprintf(f, "%*s};\n", indent, "");
}

/* ==== the hooks the schema names ======================================================= */

const scn_hooks scn_seed_hooks = {.load = load_seed, .dflt = dflt_seed, .print = print_seed};
const scn_hooks scn_policy_hooks = {.load = load_policy, .dflt = dflt_policy,
                                    .print = print_policy};
const scn_hooks scn_closures_hooks = {.load = load_closures, .dflt = dflt_closures,
                                      .print = print_closures};
const scn_hooks scn_does_hooks = {.load = load_does, .dflt = dflt_does, .print = print_does};
const scn_hooks scn_staff_hooks = {.load = load_staff, .dflt = dflt_staff, .print = print_staff};
const scn_hooks scn_policy_params_hooks = {.load = load_policy_params,
                                           .dflt = dflt_policy_params,
                                           .print = print_policy_params};
