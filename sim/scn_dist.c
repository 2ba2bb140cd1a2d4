/* Scenario loader: distribution blocks, written one way everywhere:
 *     { dist = "gamma"; mean = 6.0; sd = 3.0; }
 * Every member must be a parameter of the kind; missing parameters, impossible values and
 * (with PW_NONNEG) durations that could be negative are reported with the value, before
 * pw_dist_prepare, which stays the authority on what GSL accepts. A block is printed back
 * on one line, an empirical distribution with its weights un-normalised from cum[].
 */
#include "scn_internal.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <string.h>

/* ==== reading ========================================================================== */

/* Parameters of each kind, as the scenario writes them. */
static const char *const dist_params[][4] = {
    [PW_DIST_FIXED] = {"value"},
    [PW_DIST_EXPONENTIAL] = {"mean"},
    [PW_DIST_GAMMA] = {"mean", "sd"},
    [PW_DIST_LOGNORMAL] = {"mean", "sd"},
    [PW_DIST_NORMAL] = {"mean", "sd"},
    [PW_DIST_UNIFORM] = {"min", "max"},
    [PW_DIST_TRIANGULAR] = {"min", "mode", "max"},
    [PW_DIST_EMPIRICAL] = {"values", "weights"},
};
#define N_DIST_KINDS ((int)PW_NELEM(dist_params))

/* "mean, sd" for a kind. */
static void dist_param_list(int k, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < 4 && dist_params[k][i] && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", dist_params[k][i]);
}

/* "fixed, exponential, ..." */
static void dist_kind_list(char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < N_DIST_KINDS && len < n; k++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", k ? ", " : "",
                                pw_dist_name((pw_dist_kind)k));
}

/* "a" or "an" before a distribution name. */
static const char *article(const char *word)
{
    return strchr("aeiou", word[0]) && word[0] ? "an" : "a";
}

/* Where a parameter of a distribution is stored: its offset in a pw_dist. */
static size_t dist_slot(const char *name)
{
    if (!strcmp(name, "sd"))
        return offsetof(pw_dist, sd);
    if (!strcmp(name, "min"))
        return offsetof(pw_dist, min);
    if (!strcmp(name, "mode"))
        return offsetof(pw_dist, mode);
    if (!strcmp(name, "max"))
        return offsetof(pw_dist, max);
    assert((!strcmp(name, "value") || !strcmp(name, "mean")) && "a parameter of dist_params");
    return offsetof(pw_dist, mean);
}

/* Read an array of 1..PW_DIST_MAX_POINTS finite numbers into out. Returns the count, or 0
 * after an error. */
static size_t load_points(scn_ctx *c, const config_setting_t *s, const char *key, double *out)
{
    int n = scn_array_length(c, s, key, "an array of numbers");
    if (n < 0)
        return 0;
    if (n < 1 || n > PW_DIST_MAX_POINTS) {
        scn_err_at(c, s, key, "must hold 1 to %d numbers (got %d)", PW_DIST_MAX_POINTS, n);
        return 0;
    }
    int ok = 1;
    for (int i = 0; i < n; i++) {
        char ek[KEYMAX];
        scn_elemkey(ek, key, i);
        ok &= scn_get_num(c, config_setting_get_elem(s, (unsigned)i), ek, "a number", &out[i]);
    }
    return ok ? (size_t)n : 0;
}

/* A distribution block { dist = "kind"; params... } into *d. Every key must belong to
 * the kind; missing parameters, bad values and GSL-side constraints (pw_dist_prepare) are
 * reported. Returns 1 if valid. */
int scn_load_dist(scn_ctx *c, const config_setting_t *s, const char *key, unsigned flags,
                  pw_dist *d)
{
    memset(d, 0, sizeof *d);
    char kinds[160];
    dist_kind_list(kinds, sizeof kinds);
    if (!config_setting_is_group(s)) {
        char got[160], v[64];
        scn_fmt_typed(s, got, sizeof got);
        if (config_setting_is_number(s))
            scn_fmt_value(s, v, sizeof v);
        else
            snprintf(v, sizeof v, "3.0");
        scn_err_at(c, s, key, "wrong type (got %s, expected a distribution block such as "
                   "{ dist = \"fixed\"; value = %s; })", got, v);
        return 0;
    }
    char k2[KEYMAX];
    scn_subkey(k2, key, "dist");
    const config_setting_t *ks = config_setting_get_member(s, "dist");
    if (!ks) {
        /* A block the file does not give, begun by a --set of one key, is not the default
         * with that key changed (check prints the default): say to give it whole. */
        const scn_origin *o = config_setting_get_hook(s);
        scn_err_at(c, s, k2, "missing (expected one of %s)%s", kinds,
                   o && o->set_arg ? "; a --set of one key of a distribution the file does not "
                                     "give begins a new one: give the block whole, as check "
                                     "prints it" : "");
        return 0;
    }
    if (config_setting_type(ks) != CONFIG_TYPE_STRING) {
        scn_wrong_type(c, ks, k2, "a distribution name string");
        return 0;
    }
    const char *kn = config_setting_get_string(ks);
    int kind = pw_dist_kind_of(kn);
    if (kind < 0) {
        const char *names[N_DIST_KINDS];
        char hint[64];
        for (int k = 0; k < N_DIST_KINDS; k++)
            names[k] = pw_dist_name((pw_dist_kind)k);
        scn_did_you_mean(kn, names, N_DIST_KINDS, hint, sizeof hint);
        scn_err_at(c, ks, k2, "unknown distribution \"%s\"%s (expected one of %s)", kn, hint,
                   kinds);
        return 0;
    }
    d->kind = (pw_dist_kind)kind;
    char plist[64];
    dist_param_list(kind, plist, sizeof plist);
    int ok = 1;
    /* Every member must be a parameter of this kind. */
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
        const char *mn = config_setting_name(m);
        if (!strcmp(mn, "dist"))
            continue;
        int known = 0;
        for (int j = 0; j < 4 && dist_params[kind][j]; j++)
            known |= !strcmp(mn, dist_params[kind][j]);
        if (!known) {
            char mk[KEYMAX];
            scn_subkey(mk, key, mn);
            scn_err_at(c, m, mk,
                       "not a parameter of %s %s distribution (it takes: %s)", article(kn),
                       kn, plist);
            ok = 0;
        }
    }
    if (kind == PW_DIST_EMPIRICAL) {
        char vk[KEYMAX], wk[KEYMAX];
        scn_subkey(vk, key, "values");
        scn_subkey(wk, key, "weights");
        const config_setting_t *vs = config_setting_get_member(s, "values");
        const config_setting_t *ws = config_setting_get_member(s, "weights");
        if (!vs) {
            scn_err_at(c, s, vk,
                       "missing (an empirical distribution takes: values, optional weights)");
            return 0;
        }
        d->n = load_points(c, vs, vk, d->values);
        if (!d->n)
            return 0;
        if (ws) {
            double w[PW_DIST_MAX_POINTS];
            size_t nw = load_points(c, ws, wk, w);
            if (!nw)
                return 0;
            if (nw != d->n) {
                scn_err_at(c, ws, wk,
                           "must have one weight per value (got %zu weights for %zu values)",
                           nw, d->n);
                return 0;
            }
            double total = 0;
            for (size_t i = 0; i < nw; i++) {
                if (w[i] < 0) {
                    char wv[40];
                    scn_fmt_num(w[i], wv, sizeof wv);
                    scn_err_at(c, ws, wk, "weights must be >= 0 (got %s at [%zu])", wv, i);
                    return 0;
                }
                total += w[i];
                d->cum[i] = w[i];
            }
            if (!(total > 0)) {
                scn_err_at(c, ws, wk, "weights must not all be 0");
                return 0;
            }
            if (!isfinite(total)) { /* each finite, their sum not: every share would be 0 */
                scn_err_at(c, ws, wk, "weights must sum to a finite number (got a sum past "
                           "%g; expected relative weights: scale them down)", DBL_MAX);
                return 0;
            }
        } else {
            for (size_t i = 0; i < d->n; i++)
                d->cum[i] = 1.0;
        }
        for (size_t i = 0; (flags & PW_NONNEG) && i < d->n; i++) {
            if (d->values[i] >= 0 && d->values[i] <= SCN_MAX_DAYS)
                continue;
            char vv[40];
            scn_fmt_num(d->values[i], vv, sizeof vv);
            scn_err_at(c, vs, vk, "values are durations and must be in [0, %.0f] days, a "
                       "century (got %s at [%zu])", SCN_MAX_DAYS, vv, i);
            return 0;
        }
    } else {
        for (int j = 0; j < 4 && dist_params[kind][j]; j++) {
            const char *pn = dist_params[kind][j];
            char pk[KEYMAX];
            scn_subkey(pk, key, pn);
            const config_setting_t *ps = config_setting_get_member(s, pn);
            if (!ps) {
                scn_err_at(c, s, pk,
                           "missing (%s %s distribution takes: %s)", article(kn), kn, plist);
                ok = 0;
                continue;
            }
            ok &= scn_get_num(c, ps, pk, "a number", (double *)((char *)d + dist_slot(pn)));
        }
        if (!ok)
            return 0;
        /* Friendlier messages than pw_dist_prepare's for the common mistakes, with the
         * value; pw_dist_prepare stays the authority below. */
        const char *bad = NULL;
        const char *pn = NULL;
        double v = 0;
        if (kind == PW_DIST_EXPONENTIAL || kind == PW_DIST_GAMMA || kind == PW_DIST_LOGNORMAL) {
            if (!(d->mean > 0))
                bad = "must be > 0", pn = "mean", v = d->mean;
        }
        if (!bad && (kind == PW_DIST_GAMMA || kind == PW_DIST_LOGNORMAL) && !(d->sd > 0))
            bad = "must be > 0", pn = "sd", v = d->sd;
        if (!bad && kind == PW_DIST_NORMAL && d->sd < 0)
            bad = "must be >= 0", pn = "sd", v = d->sd;
        if (!bad && (kind == PW_DIST_UNIFORM || kind == PW_DIST_TRIANGULAR) && !(d->min < d->max)) {
            char a[40], b[40], pk[KEYMAX];
            scn_fmt_num(d->min, a, sizeof a);
            scn_fmt_num(d->max, b, sizeof b);
            scn_subkey(pk, key, "min");
            scn_err_at(c, config_setting_get_member(s, "min"), pk,
                       "must be < max (got min %s, max %s)", a, b);
            return 0;
        }
        if (!bad && kind == PW_DIST_TRIANGULAR && !(d->min <= d->mode && d->mode <= d->max))
            bad = "must lie in [min, max]", pn = "mode", v = d->mode;
        if (!bad && (flags & PW_NONNEG)) {
            if (kind == PW_DIST_NORMAL) {
                scn_err_at(c, ks, k2,
                           "a normal distribution can draw negative durations; use gamma or "
                           "lognormal (got \"normal\")");
                return 0;
            }
            if (kind == PW_DIST_FIXED && d->mean < 0)
                bad = "is a duration and must be >= 0", pn = "value", v = d->mean;
            if ((kind == PW_DIST_UNIFORM || kind == PW_DIST_TRIANGULAR) && d->min < 0)
                bad = "is a duration and must be >= 0", pn = "min", v = d->min;
        }
        /* A duration within a century, so no draw can take the clock out of range. */
        for (int j = 0; !bad && (flags & PW_NONNEG) && j < 4 && dist_params[kind][j]; j++) {
            double x = *(const double *)((const char *)d + dist_slot(dist_params[kind][j]));
            if (x > SCN_MAX_DAYS)
                bad = "is a duration and must be at most 36525 days, a century", pn =
                    dist_params[kind][j], v = x;
        }
        if (!bad && (kind == PW_DIST_GAMMA || kind == PW_DIST_LOGNORMAL) &&
            d->sd > SCN_MAX_CV * d->mean) {
            char a[40], b[40], pk[KEYMAX], mk[KEYMAX];
            scn_fmt_num(d->sd, a, sizeof a);
            scn_fmt_num(d->mean, b, sizeof b);
            scn_subkey(pk, key, "sd");
            scn_subkey(mk, key, "mean");
            /* At the --set of the mean when only the mean was set there. */
            scn_err_pair(c, config_setting_get_member(s, "sd"), pk,
                         config_setting_get_member(s, "mean"), mk,
                         "must be at most %.0f times the mean (got sd %s, mean %s)", SCN_MAX_CV,
                         a, b);
            return 0;
        }
        if (bad) {
            char vv[40], pk[KEYMAX];
            scn_fmt_num(v, vv, sizeof vv);
            scn_subkey(pk, key, pn);
            scn_err_at(c, config_setting_get_member(s, pn), pk, "%s (got %s)", bad, vv);
            return 0;
        }
    }
    if (!ok)
        return 0;
    const char *msg = pw_dist_prepare(d);
    if (msg) {
        scn_err_at(c, s, key, "invalid %s distribution: %s", kn, msg);
        return 0;
    }
    return 1;
}

/* ==== printing ========================================================================= */

/* A distribution block on one line, each parameter read back exactly. */
void scn_print_dist(FILE *f, const pw_dist *d)
{
    fprintf(f, "{ dist = \"%s\";", pw_dist_name(d->kind));
    if (d->kind == PW_DIST_EMPIRICAL) {
        fputs(" values = [", f);
        for (size_t i = 0; i < d->n; i++) {
            fputs(i ? ", " : "", f);
            scn_print_num(f, d->values[i]);
        }
        /* cum[] holds normalised cumulative weights: print their steps. */
        fputs("]; weights = [", f);
        for (size_t i = 0; i < d->n; i++) {
            fputs(i ? ", " : "", f);
            scn_print_num(f, d->cum[i] - (i ? d->cum[i - 1] : 0.0));
        }
        fputs("];", f);
    } else {
        for (int j = 0; j < 4 && dist_params[d->kind][j]; j++) {
            const char *pn = dist_params[d->kind][j];
            fprintf(f, " %s = ", pn);
            scn_print_num(f, *(const double *)((const char *)d + dist_slot(pn)));
            fputs(";", f);
        }
    }
    fputs(" }", f);
}
