/* Scenario loader: a federation's `services` list — local services, each the base scenario
 * scaled to its size (and staffing), with overrides of its own — loaded into one
 * pw_params per service and the national parameters (sums of sizes and posts).
 *
 *   services = (
 *     { name = "North East 01"; scale = 0.85; },
 *     { name = "London 07"; scale = 2.10; staffing = 0.92;
 *       overrides = { referrals = { self_referral_share = 0.5; }; }; }
 *   );
 *
 * A service is the base scenario (after its overrides group), then its own overrides
 * group, then --set, resolved and checked as any scenario; then `scale` multiplies its
 * referral rates (referrals.per_week, or gp_per_week and self_per_week, or the weekly
 * counts), every role's headcount and the pre-filled lists, and
 * `staffing` (default 1) multiplies the headcounts once more (posts per referral against
 * the base). Headcounts and lists are rounded to the nearest whole number; a role with
 * posts keeps at least one.
 */
#include "scn_internal.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "scn_load.h"
#include "models/pw_world.h"

static const char *const service_keys[] = {"name", "scale", "staffing", "overrides"};

/* A number > 0 from member `key` of service element e (dflt when absent, or NAN: required). */
static double positive(scn_ctx *c, const config_setting_t *e, const char *ekey, const char *key,
                       double dflt)
{
    char k[KEYMAX];
    scn_subkey(k, ekey, key);
    const config_setting_t *s = config_setting_get_member(e, key);
    if (!s) {
        if (isnan(dflt))
            scn_err_at(c, e, k, "missing (expected a number in (0, 1000]: the service's "
                       "size against the base scenario)");
        return dflt;
    }
    double v;
    if (!scn_get_num(c, s, k, "a number in (0, 1000]", &v))
        return NAN;
    if (!(v > 0) || v > 1000) {
        scn_err_at(c, s, k, "must be a number in (0, 1000] (got %g)", v);
        return NAN;
    }
    return v;
}

/* One element of the list into *sv; messages for what is wrong. */
static void read_service(scn_ctx *c, const config_setting_t *e, int i, scn_service *sv)
{
    char ek[KEYMAX];
    scn_elemkey(ek, SERVICES, i);
    memset(sv, 0, sizeof *sv);
    const char *file = config_setting_source_file(e);
    snprintf(sv->loc, sizeof sv->loc, "%s:%u", file ? file : c->path,
             config_setting_source_line(e));
    if (!config_setting_is_group(e)) {
        scn_wrong_type(c, e, ek, "a group { name = \"...\"; scale = 1.0; }");
        return;
    }
    for (int m = 0; m < config_setting_length(e); m++) {
        const config_setting_t *s = config_setting_get_elem(e, (unsigned)m);
        const char *mn = config_setting_name(s);
        int known = 0;
        for (size_t j = 0; j < sizeof service_keys / sizeof *service_keys; j++)
            known |= !strcmp(mn, service_keys[j]);
        if (!known) {
            char k[KEYMAX];
            scn_subkey(k, ek, mn);
            scn_unknown_key(c, s, k, service_keys, sizeof service_keys / sizeof *service_keys);
        }
    }
    char k[KEYMAX];
    scn_subkey(k, ek, "name");
    const config_setting_t *nm = config_setting_get_member(e, "name");
    const char *name = nm ? config_setting_get_string(nm) : NULL;
    if (!nm)
        scn_err_at(c, e, k, "missing (expected the service's name, a string)");
    else if (!name)
        scn_wrong_type(c, nm, k, "a string");
    else if (!*name || strlen(name) >= sizeof sv->name)
        scn_err_at(c, nm, k, "must be 1 to %zu bytes of UTF-8 (got %zu bytes)",
                   sizeof sv->name - 1, strlen(name));
    else
        snprintf(sv->name, sizeof sv->name, "%s", name);
    sv->scale = positive(c, e, ek, "scale", NAN);
    sv->staffing = positive(c, e, ek, "staffing", 1.0);
    const config_setting_t *ov = config_setting_get_member(e, OVERRIDES);
    scn_subkey(k, ek, OVERRIDES);
    if (ov && !config_setting_is_group(ov))
        scn_wrong_type(c, ov, k, "a group of keys to change for this service");
    else if (ov && (config_setting_get_member(ov, SERVICES) ||
                    config_setting_get_member(ov, OVERRIDES) ||
                    config_setting_get_member(ov, VARIANT)))
        scn_err_at(c, ov, k, "a service's overrides cannot hold `services`, `overrides` or "
                   "`variant`");
    else
        sv->overrides = ov;
}

int scn_services_read(scn_ctx *c, scn_service **svc, size_t *n)
{
    *svc = NULL;
    *n = 0;
    const config_setting_t *l = config_setting_get_member(config_root_setting(c->cfg), SERVICES);
    if (!l)
        return 0;
    if (!config_setting_is_list(l) || config_setting_length(l) == 0) {
        if (!config_setting_is_list(l))
            scn_wrong_type(c, l, SERVICES, "a list ( { name = ...; scale = ...; }, ... )");
        else
            scn_err_at(c, l, SERVICES, "empty: a federation needs at least one service");
        return 0;
    }
    size_t len = (size_t)config_setting_length(l);
    if (!(*svc = calloc(len, sizeof **svc))) {
        c->nomem = 1;
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        read_service(c, config_setting_get_elem(l, (unsigned)i), (int)i, &(*svc)[i]);
        for (size_t j = 0; j < i && (*svc)[i].name[0]; j++)
            if (!strcmp((*svc)[j].name, (*svc)[i].name)) {
                char k[KEYMAX];
                scn_elemkey(k, SERVICES, (int)i);
                scn_err_at(c, config_setting_get_elem(l, (unsigned)i), k,
                           "two services are called \"%s\"", (*svc)[i].name);
            }
    }
    *n = len;
    return 0;
}

/* x times f, at least 1 when x is; beyond `most` the caller refuses it (service_limits,
 * which names the value reached), never a silent clamp. */
static int scaled(int x, double f)
{
    if (x <= 0)
        return x;
    double v = (double)x * f;
    return v >= INT_MAX ? INT_MAX : v < 1 ? 1 : (int)lround(v); /* halves away from 0 */
}

/* Service sv's size and staffing applied to its resolved parameters p. */
static void scale_service(pw_params *p, const scn_service *sv)
{
    snprintf(p->name, sizeof p->name, "%s", sv->name);
    pw_referral_scale(&p->referrals, sv->scale);
    for (size_t r = 0; r < p->n_roles; r++)
        p->roles[r].headcount =
            scaled(p->roles[r].headcount, sv->scale * sv->staffing);
    p->prefill.assessment_list = scaled(p->prefill.assessment_list, sv->scale);
    for (int s = 0; s < PW_STEP_N; s++)
        p->prefill.step_list[s] = scaled(p->prefill.step_list[s], sv->scale);
}

/* A scaled service within the limits a scenario's own keys are held to: its referral
 * rate, each role's headcount, the pre-filled lists, and the referrals its random streams
 * can number (scn_check.c, post_top). Each excess is reported at the service. */
static void service_limits(scn_ctx *c, const pw_params *p, const int *unscaled,
                           const scn_service *sv, int k)
{
    char key[KEYMAX];
    scn_elemkey(key, SERVICES, k);
    double rate = pw_referral_base_per_week(&p->referrals);
    if (rate > MAX_PER_WEEK)
        scn_errf(c, sv->loc, key, "\"%s\" scaled by %g has %.6g referrals a week, more than "
                 "the %.0f a scenario may have: lower its scale", sv->name, sv->scale, rate,
                 MAX_PER_WEEK);
    for (size_t r = 0; r < p->n_roles; r++)
        if (p->roles[r].headcount > MAX_HEADCOUNT)
            scn_errf(c, sv->loc, key, "\"%s\" scaled by %g (staffing %g) has %d %s "
                     "(staff.%s.headcount %d x %g), more than the %d a role may have: lower "
                     "its scale or staffing, or staff.%s.headcount", sv->name, sv->scale,
                     sv->staffing, p->roles[r].headcount, p->roles[r].name, p->roles[r].name,
                     unscaled[r], sv->scale * sv->staffing, MAX_HEADCOUNT, p->roles[r].name);
    int most = p->prefill.assessment_list;
    for (int s = 0; s < PW_STEP_N; s++)
        most = p->prefill.step_list[s] > most ? p->prefill.step_list[s] : most;
    if (most > MAX_PREFILL_LIST)
        scn_errf(c, sv->loc, key, "\"%s\" scaled by %g has a pre-filled list of %d people, "
                 "more than the %d a list may start with: lower its scale", sv->name,
                 sv->scale, most, MAX_PREFILL_LIST);
    double expected = pw_referral_bound(p) * pw_run_days(p);
    if (expected > PW_MAX_REFERRALS / 2)
        scn_errf(c, sv->loc, key, "\"%s\" scaled by %g would draw up to %.3g referrals in a "
                 "replication, more than the %.0f (2^26) its random streams can number: lower "
                 "its scale or shorten the run", sv->name, sv->scale, expected,
                 (double)(PW_MAX_REFERRALS / 2));
}

void scn_federation_free(scn_federation *f)
{
    if (!f)
        return;
    free(f->services);
    free(f->scale);
    free(f->staffing);
    free(f->base);
    for (size_t k = 0; f->own && k < f->n; k++)
        free(f->own[k]);
    free(f->own);
    memset(f, 0, sizeof *f);
}

/* Is key the setting one of the messages errs[since..] is about (a value refused)?
 * A message reads "FILE:LINE: KEY: ...": its key, not a key its text names ("must be
 * after outcome_weeks" is about outcome_weeks_late). errs NULL: no. */
static int refused(const scn_errors *errs, size_t since, const char *key)
{
    char field[KEYMAX + 4];
    snprintf(field, sizeof field, ": %s: ", key);
    for (size_t i = since; errs && i < errs->n; i++)
        if (strstr(errs->msg[i], field))
            return 1;
    return 0;
}

/* Append one change to buf (n bytes), after ", " if it holds *count already. */
__attribute__((format(printf, 4, 5))) static void add_change(char *buf, size_t n, int *count,
                                                             const char *fmt, ...)
{
    size_t len = strlen(buf);
    if (*count && len + 2 < n)
        len += (size_t)snprintf(buf + len, n - len, ", ");
    va_list ap;
    va_start(ap, fmt);
    if (len + 1 < n)
        vsnprintf(buf + len, n - len, fmt, ap);
    va_end(ap);
    ++*count;
}

/* What service p changes that the pooling needs as the base's (nat), each named with its
 * value and the base's in buf ("horizon_weeks 30 (the base has 104), seed 7 (...)"): in a
 * file of 120 services the user must find them, all in one check. With errs (its
 * overrides failed to load), a key whose value its messages errs[since..] refuse is
 * passed over (the value may stand in p as its default), and so are its roles (they may
 * not have loaded). Returns how many changes. */
static int service_differs(const pw_params *p, const pw_params *nat, const scn_errors *errs,
                           size_t since, char *buf, size_t n)
{
    static const struct {
        const char *key;
        size_t off;
    } lengths[] = {{"horizon_weeks", offsetof(pw_params, horizon_weeks)},
                   {"warmup_weeks", offsetof(pw_params, warmup_weeks)},
                   {"followup_weeks", offsetof(pw_params, followup_weeks)},
                   {"outcome_weeks", offsetof(pw_params, outcome_weeks)},
                   {"outcome_weeks_late", offsetof(pw_params, outcome_weeks_late)}};
    int count = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
        double a = *(const double *)((const char *)p + lengths[i].off);
        double b = *(const double *)((const char *)nat + lengths[i].off);
        if (a != b && !refused(errs, since, lengths[i].key))
            add_change(buf, n, &count, "%s %g (the base has %g)", lengths[i].key, a, b);
    }
    if (p->seed != nat->seed && !refused(errs, since, "seed"))
        add_change(buf, n, &count, "seed %" PRIu64 " (the base has %" PRIu64 ")", p->seed,
                   nat->seed);
    if (p->replications != nat->replications && !refused(errs, since, "replications"))
        add_change(buf, n, &count, "replications %d (the base has %d)", p->replications,
                   nat->replications);
    int roles = p->n_roles == nat->n_roles;
    for (size_t r = 0; roles && r < p->n_roles; r++)
        roles = !strcmp(p->roles[r].name, nat->roles[r].name);
    if (!roles && !errs)
        add_change(buf, n, &count, "its roles (the base's are named or ordered otherwise)");
    return count;
}

/* msg at service k's entry (sv) of the services list; the load's status after it. */
static int service_error(scn_errors *errs, const scn_service *sv, int k, const char *msg)
{
    scn_ctx c;
    char key[KEYMAX];
    memset(&c, 0, sizeof c);
    c.errs = errs;
    c.errs_start = errs->n;
    scn_elemkey(key, SERVICES, k);
    scn_errf(&c, sv->loc, key, "%s", msg);
    return c.nomem ? SCN_ENOMEM : SCN_EINVALID;
}

/* Service k's (sv's) change of what the pooling needs as the base's (nat), said at its
 * entry; the load's status after it (ret if nothing). Said too when its overrides failed
 * to load (errors errs[since..]) or the list's entries are wrong, so that one check shows
 * every problem (failed: p is what loaded, and a change is told of a key its errors do
 * not name: service_differs). */
static int differs_error(scn_errors *errs, size_t since, int failed, const pw_params *p,
                         const pw_params *nat, const scn_service *sv, int k, int ret)
{
    char differs[600];
    if ((failed && p->n_roles == 0) || /* nothing loaded */
        !service_differs(p, nat, failed ? errs : NULL, since, differs, sizeof differs))
        return ret;
    char msg[1200];
    snprintf(msg, sizeof msg, "\"%s\" changes %s: a service must keep the base "
             "scenario's roles and its horizon, warm-up, follow-up and outcome weeks, "
             "seed and replications (its figures are pooled with the others' role by "
             "role, week by week, replication by replication)",
             sv->name, differs);
    int rk = service_error(errs, sv, k, msg);
    return rk == SCN_ENOMEM || ret == SCN_ENOMEM ? SCN_ENOMEM : rk;
}

int scn_load_federation(const char *path, const char *const *sets, size_t nsets,
                        pw_params *nat, scn_federation *fed, scn_errors *errs)
{
    scn_service *list = NULL;
    size_t n = 0;
    memset(fed, 0, sizeof *fed);
    int ret = scn_load_with(path, sets, nsets, -1, 1, nat, &list, &n, errs);
    /* With only the list's entries wrong, the services are loaded all the same, so that
     * the problems of their overrides are reported with them; a wrong base would only
     * repeat its own problems once a service. */
    int entries_wrong = ret == SCN_ESERVICES;
    if ((ret != SCN_OK && !entries_wrong) || n == 0) {
        free(list);
        return ret;
    }
    if (entries_wrong)
        ret = SCN_EINVALID;
    fed->services = calloc(n, sizeof *fed->services);
    fed->scale = calloc(n, sizeof *fed->scale);
    fed->staffing = calloc(n, sizeof *fed->staffing);
    fed->base = malloc(sizeof *fed->base);
    fed->own = calloc(n, sizeof *fed->own);
    if (!fed->services || !fed->scale || !fed->staffing || !fed->base || !fed->own) {
        free(list);
        scn_federation_free(fed);
        return SCN_ENOMEM;
    }
    fed->n = n;
    *fed->base = *nat;
    /* The national parameters: the base's, with the services' sizes and posts summed. */
    double referrals = 0; /* a week, summed over the services */
    for (size_t r = 0; r < nat->n_roles; r++)
        nat->roles[r].headcount = 0;
    memset(&nat->prefill.step_list, 0, sizeof nat->prefill.step_list);
    nat->prefill.assessment_list = 0;
    /* Every service is loaded, so that the problems of all of them are reported. */
    for (size_t k = 0; k < n && ret != SCN_ENOMEM; k++) {
        pw_params *p = &fed->services[k];
        size_t before = errs->n;
        int rk = scn_load_with(path, sets, nsets, (long)k, 1, p, NULL, NULL, errs);
        if (rk != SCN_OK) {
            /* Which service's overrides: their keys alone do not say. */
            for (size_t i = before; i < errs->n; i++) {
                size_t len = strlen(errs->msg[i]) + strlen(list[k].name) + 40;
                char *m = malloc(len);
                if (!m)
                    break;
                snprintf(m, len, "%s (services[%zu] \"%s\")", errs->msg[i], k, list[k].name);
                free(errs->msg[i]);
                errs->msg[i] = m;
            }
            ret = rk == SCN_ENOMEM ? rk
                                   : differs_error(errs, before, 1, p, nat, &list[k], (int)k, rk);
            continue;
        }
        if (entries_wrong) { /* no run follows: only the services' own problems are wanted */
            ret = differs_error(errs, before, 1, p, nat, &list[k], (int)k, ret);
            continue;
        }
        if (!(fed->own[k] = scn_print_diff(fed->base, p))) {
            ret = SCN_ENOMEM;
            continue;
        }
        /* Keys a service's overrides cannot change, though they load: its name is its
         * entry's, and a federation's per-person streams are every service's or none. Said,
         * not ignored; each, and with the other checks below. */
        const char *kept[3];
        int nkept = 0;
        if (strcmp(p->name, fed->base->name))
            kept[nkept++] = "name";
        if (p->output.patients != fed->base->output.patients)
            kept[nkept++] = "output.patients";
        if (p->output.events != fed->base->output.events)
            kept[nkept++] = "output.events";
        for (int i = 0; i < nkept; i++) {
            char msg[600];
            snprintf(msg, sizeof msg, "\"%s\" overrides %s, which a service cannot change: %s",
                     list[k].name, kept[i],
                     !strcmp(kept[i], "name") ? "a service is named by its entry's name"
                                              : "a federation writes patients.csv and "
                                                "events.csv for all its services or none "
                                                "(set it in the base, or --patients / "
                                                "--events)");
            ret = service_error(errs, &list[k], (int)k, msg);
        }
        int unscaled[PW_MAX_ROLES] = {0}; /* the headcounts its limits' message names */
        for (size_t r = 0; r < p->n_roles && r < PW_MAX_ROLES; r++)
            unscaled[r] = p->roles[r].headcount;
        scale_service(p, &list[k]);
        {
            scn_ctx c;
            memset(&c, 0, sizeof c);
            c.errs = errs;
            c.errs_start = errs->n;
            service_limits(&c, p, unscaled, &list[k], (int)k);
            if (c.nomem) {
                ret = SCN_ENOMEM;
                continue;
            }
            if (errs->n > c.errs_start) { /* its sizes may be past int's sums: none added */
                ret = SCN_EINVALID;
                continue;
            }
        }
        fed->scale[k] = list[k].scale;
        fed->staffing[k] = list[k].staffing;
        /* Pooling adds role by role, week by week, replication by replication: every
         * service keeps the base's roles, lengths, seed and count (a service's own seed
         * would be ignored: the runner derives each one's, pw_pool_service_seed). */
        ret = differs_error(errs, before, 0, p, nat, &list[k], (int)k, ret);
        p->seed = nat->seed;
        p->replications = nat->replications;
        referrals += pw_referral_base_per_week(&p->referrals);
        for (size_t r = 0; r < nat->n_roles && r < p->n_roles; r++)
            nat->roles[r].headcount += p->roles[r].headcount;
        nat->prefill.assessment_list += p->prefill.assessment_list;
        for (int s = 0; s < PW_STEP_N; s++)
            nat->prefill.step_list[s] += p->prefill.step_list[s];
    }
    free(list);
    if (ret != SCN_OK) {
        scn_federation_free(fed);
        return ret;
    }
    /* The national rate: the services' summed, given the base scenario's way. */
    if (!isnan(nat->referrals.per_week))
        nat->referrals.per_week = referrals;
    else if (pw_referral_base_per_week(&nat->referrals) > 0)
        pw_referral_scale(&nat->referrals,
                          referrals / pw_referral_base_per_week(&nat->referrals));
    return ret;
}

void scn_print_federation(FILE *f, const pw_params *nat, const scn_federation *fed)
{
    fprintf(f, "# A FEDERATION of %zu services: the base scenario every service is scaled\n"
               "# from (the file with its overrides and variant groups and --set), then\n"
               "# the services, each with what its own overrides change: it loads back\n"
               "# as the same federation. Nationally: referrals.per_week %g",
            fed->n, pw_referral_base_per_week(&nat->referrals));
    for (size_t r = 0; r < nat->n_roles; r++)
        fprintf(f, ", staff.%s.headcount %d", nat->roles[r].name, nat->roles[r].headcount);
    fputs(".\n", f);
    scn_print(f, fed->base);
    fputs("\nservices = (\n", f);
    for (size_t k = 0; k < fed->n; k++) {
        const char *own = fed->own[k];
        fputs("    { name = ", f);
        scn_print_string(f, fed->services[k].name);
        fputs("; scale = ", f);
        scn_print_num(f, fed->scale[k]);
        fputs("; staffing = ", f);
        scn_print_num(f, fed->staffing[k]);
        if (*own)
            fprintf(f, ";\n      overrides = { %s};", own);
        else
            fputc(';', f);
        fprintf(f, " }%s\n", k + 1 < fed->n ? "," : "");
    }
    fputs(");\n\n# Each service as run (scaled): its referrals a week and posts.\n", f);
    for (size_t k = 0; k < fed->n; k++) {
        const pw_params *sp = &fed->services[k];
        /* The name as the list writes it: a newline in it, raw, ended the comment and the
         * print no longer loaded back. */
        fprintf(f, "#   services[%zu] ", k);
        scn_print_string(f, sp->name);
        fprintf(f, ": referrals.per_week %g", pw_referral_base_per_week(&sp->referrals));
        for (size_t r = 0; r < sp->n_roles; r++)
            fprintf(f, ", staff.%s.headcount %d", sp->roles[r].name, sp->roles[r].headcount);
        fputc('\n', f);
    }
}
