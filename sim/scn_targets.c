/* The targets file of `stepsim calibrate` (see scn_targets.h), read with the scenario
 * loader's context: the same traps guarded (byte-order mark, binary bytes, integers
 * wrapped to 32 bits, parse errors reworded), the same messages in compiler form, every
 * problem reported. A free key is looked up in the scenario as `stepsim check` prints it,
 * which gives its type (integer or not) and its value (the default start).
 */
#include "scn_targets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scn_internal.h"

static const char *const top_keys[] = {"targets", "free"};
static const char *const target_keys[] = {"metric", "value", "tolerance", "source"};
static const char *const free_keys[] = {"key", "lower", "upper", "start", "integer"};
#define NKEYS(a) (sizeof a / sizeof *a)

#define TARGETS_EXAMPLE                                                                        \
    "a list of figures, e.g. targets = ( { metric = \"recovery_rate_reported\"; "              \
    "value = 0.521; tolerance = 0.03; } );"
#define FREE_EXAMPLE                                                                           \
    "a list of parameters, e.g. free = ( { key = \"staff.pwp.headcount\"; lower = 20; "       \
    "upper = 60; } );"

void scn_targets_free(scn_targets *t)
{
    for (size_t i = 0; t->targets && i < t->ntargets; i++) {
        free(t->targets[i].metric);
        free(t->targets[i].source);
    }
    for (size_t i = 0; t->params && i < t->nparams; i++)
        free(t->params[i].key);
    free(t->targets);
    free(t->params);
    memset(t, 0, sizeof *t);
}

/* ==== members ========================================================================== */

/* Report every member of group g (at key) whose name is not in names[0..n). */
static void unknown_members(scn_ctx *c, const config_setting_t *g, const char *key,
                            const char *const *names, size_t n)
{
    for (int i = 0; i < config_setting_length(g); i++) {
        const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
        const char *name = config_setting_name(m);
        size_t k = 0;
        while (k < n && strcmp(name, names[k]) != 0)
            k++;
        if (k < n)
            continue;
        char sub[KEYMAX], hint[KEYMAX + 32];
        scn_subkey(sub, key, name);
        scn_did_you_mean(name, names, n, hint, sizeof hint);
        if (!hint[0]) { /* what the group takes, then */
            size_t w = (size_t)snprintf(hint, sizeof hint, " (expected one of");
            for (size_t j = 0; j < n && w < sizeof hint; j++)
                w += (size_t)snprintf(hint + w, sizeof hint - w, "%s %s", j ? "," : "", names[j]);
            if (w < sizeof hint)
                snprintf(hint + w, sizeof hint - w, ")");
        }
        scn_err_at(c, m, sub, "unknown key%s", hint);
    }
}

/* Member `name` of group g (at key): its full key into k[KEYMAX]; NULL if absent, after
 * a "missing" message when `expected` is given (a required member). */
static const config_setting_t *member(scn_ctx *c, const config_setting_t *g, const char *key,
                                      const char *name, const char *expected, char *k)
{
    scn_subkey(k, key, name);
    const config_setting_t *m = config_setting_get_member(g, name);
    if (!m && expected)
        scn_err_at(c, g, k, "missing (expected %s)", expected);
    return m;
}

/* A string member: a malloc'd copy into *out ("" when absent and optional). Returns 1, or
 * 0 after a message (or when out of memory). */
static int get_string(scn_ctx *c, const config_setting_t *g, const char *key,
                      const char *name, const char *expected, int required, char **out)
{
    char k[KEYMAX];
    const config_setting_t *m = member(c, g, key, name, required ? expected : NULL, k);
    const char *s = "";
    if (!m && required)
        return 0;
    if (m && config_setting_type(m) != CONFIG_TYPE_STRING) {
        scn_wrong_type(c, m, k, expected);
        return 0;
    }
    if (m)
        s = config_setting_get_string(m);
    if (!(*out = scn_strdup(s)))
        c->nomem = 1;
    return *out != NULL;
}

/* A number member; *given says whether it was there. Returns 1 (absent and optional
 * included), or 0 after a message. */
static int get_number(scn_ctx *c, const config_setting_t *g, const char *key, const char *name,
                      const char *expected, int required, double *v, int *given)
{
    char k[KEYMAX];
    const config_setting_t *m = member(c, g, key, name, required ? expected : NULL, k);
    *given = m != NULL;
    if (!m)
        return !required;
    return scn_get_num(c, m, k, expected, v);
}

/* The list at root member `name`: its setting, or NULL after a message. */
static const config_setting_t *get_list(scn_ctx *c, const config_setting_t *root,
                                        const char *name, const char *expected)
{
    char k[KEYMAX];
    const config_setting_t *l = member(c, root, "", name, expected, k);
    if (!l)
        return NULL;
    if (config_setting_type(l) != CONFIG_TYPE_LIST) {
        scn_wrong_type(c, l, name, expected);
        return NULL;
    }
    if (config_setting_length(l) == 0) {
        scn_err_at(c, l, name, "is empty (expected %s)", expected);
        return NULL;
    }
    return l;
}

/* Element i of list l (at key) as a group, its key into k[KEYMAX], its members not in
 * names[0..n) reported; NULL after a message if it is not a group. */
static const config_setting_t *entry(scn_ctx *c, const config_setting_t *l, const char *key,
                                     int i, const char *expected, const char *const *names,
                                     size_t n, char *k)
{
    const config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
    scn_elemkey(k, key, i);
    if (!config_setting_is_group(e)) {
        scn_wrong_type(c, e, k, expected);
        return NULL;
    }
    unknown_members(c, e, k, names, n);
    return e;
}

/* ==== targets ========================================================================== */

/* The targets list of a targets file into t, which owns the array and the strings copied
 * into it: each a metric of metrics[0..nmetrics) (its index kept), a value within the
 * metric's lo..hi when they are given (may be NULL), a tolerance > 0 and an optional
 * source. Errors are collected in c (out of memory: c->nomem). */
static void load_targets(scn_ctx *c, const config_setting_t *root, const char *const *metrics,
                         const double *lo, const double *hi, size_t nmetrics, scn_targets *t)
{
    const config_setting_t *l = get_list(c, root, "targets", TARGETS_EXAMPLE);
    if (!l)
        return;
    int n = config_setting_length(l);
    if (!(t->targets = calloc((size_t)n, sizeof *t->targets))) {
        c->nomem = 1;
        return;
    }
    for (int i = 0; i < n; i++) {
        char k[KEYMAX], mk[KEYMAX];
        const config_setting_t *g = entry(c, l, "targets", i, "a group { metric = ...; "
                                          "value = ...; tolerance = ...; }", target_keys,
                                          NKEYS(target_keys), k);
        if (!g)
            continue;
        scn_target *tg = &t->targets[t->ntargets++];
        tg->line = config_setting_source_line(g);
        int given, ok = get_string(c, g, k, "metric", "a metric name, e.g. "
                                   "\"recovery_rate_reported\" (the names of summary.csv, or "
                                   "cost_per_year_gbp)", 1, &tg->metric);
        if (ok) {
            const config_setting_t *m = member(c, g, k, "metric", NULL, mk);
            size_t j = 0;
            while (j < nmetrics && strcmp(metrics[j], tg->metric) != 0)
                j++;
            tg->index = j;
            if (j == nmetrics) {
                char hint[KEYMAX + 32];
                scn_did_you_mean(tg->metric, metrics, nmetrics, hint, sizeof hint);
                scn_err_at(c, m, mk, "unknown metric \"%s\"%s (expected a name of "
                           "summary.csv, or cost_per_year_gbp)", tg->metric, hint);
            }
            for (size_t p = 0; p + 1 < t->ntargets && j < nmetrics; p++)
                if (t->targets[p].metric && !strcmp(t->targets[p].metric, tg->metric))
                    scn_err_at(c, m, mk, "\"%s\" is a target already (line %u): give each "
                               "metric once", tg->metric, t->targets[p].line);
        }
        if (get_number(c, g, k, "value", "a number, the figure to fit", 1, &tg->value,
                       &given) && given && lo && tg->metric && tg->index < nmetrics &&
            (tg->value < lo[tg->index] || tg->value > hi[tg->index])) {
            /* A figure the metric cannot take: a share written as a percent, say. */
            int share = hi[tg->index] == 1;
            scn_err_at(c, member(c, g, k, "value", NULL, mk), mk, "%s takes %s (got %g%s)",
                       tg->metric, share ? "values in [0, 1]" : "no value below 0", tg->value,
                       share && tg->value > 1 && tg->value <= 100
                           ? ": a share is a fraction; write a percent divided by 100"
                           : "");
        }
        int tol_read = get_number(c, g, k, "tolerance", "a number > 0", 1, &tg->tolerance,
                                  &given);
        if (tol_read && !(tg->tolerance > 0))
            scn_err_at(c, member(c, g, k, "tolerance", NULL, mk), mk,
                       "must be a number > 0 (got %g): a miss by one tolerance adds 1 to the "
                       "distance", tg->tolerance);
        else if (tol_read && given && isfinite(tg->value) &&
                 tg->tolerance < SCN_TOLERANCE_MIN_REL * fmax(1.0, fabs(tg->value)))
            scn_err_at(c, member(c, g, k, "tolerance", NULL, mk), mk,
                       "must be at least %g (a billionth of the target, or of 1; got %g): a "
                       "tolerance below it tells apart no two runs and makes every distance "
                       "overflow", SCN_TOLERANCE_MIN_REL * fmax(1.0, fabs(tg->value)),
                       tg->tolerance);
        get_string(c, g, k, "source", "a string saying where the figure comes from", 0,
                   &tg->source);
    }
}

/* ==== free parameters ================================================================== */

/* The scenario as `stepsim check` prints it, parsed into cfg (initialised here). Returns 0,
 * or -1 if out of memory. */
static int scenario_config(const pw_params *p, config_t *cfg)
{
    char *text = NULL;
    size_t len = 0;
    config_init(cfg);
    config_set_auto_convert(cfg, CONFIG_TRUE);
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return -1;
    scn_print(f, p);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        free(text);
        return -1;
    }
    /* scn_print's text always reads back (tests/test_scn.c): a failure is a bug. */
    int ok = config_read_string(cfg, text) == CONFIG_TRUE;
    free(text);
    return ok ? 0 : -1;
}

/* A whole number? */
static int whole(double v) { return v == floor(v); }

/* The scenario's value and type of fp->key, checked; fills start and integer defaults. */
static void check_key(scn_ctx *c, const config_setting_t *g, const char *k, config_t *scn,
                      scn_free_param *fp, int integer_given)
{
    char kk[KEYMAX];
    const config_setting_t *km = member(c, g, k, "key", NULL, kk);
    const config_setting_t *s = config_lookup(scn, fp->key);
    int type = s ? config_setting_type(s) : CONFIG_TYPE_NONE;
    if (!strcmp(fp->key, "seed") || !strcmp(fp->key, "replications")) {
        scn_err_at(c, km, kk, "\"%s\" cannot be free: every point runs on the same seed and "
                   "replications (use -s and -r)", fp->key);
        return;
    }
    if (strchr(fp->key, '[')) { /* fitted.cfg's overrides group names keys, not entries */
        scn_err_at(c, km, kk, "\"%s\" is an entry of a list, which fitted.cfg's overrides "
                   "group cannot set: calibrate fits keys of groups (sweep, solve and "
                   "sensitivity take an entry)", fp->key);
        return;
    }
    if (!s) {
        scn_err_at(c, km, kk, "no key \"%s\" in the scenario (expected a dotted key such as "
                   "staff.pwp.headcount; `stepsim check SCENARIO` prints every key)", fp->key);
        return;
    }
    if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64 && type != CONFIG_TYPE_FLOAT) {
        char got[160];
        scn_fmt_typed(s, got, sizeof got);
        scn_err_at(c, km, kk, "\"%s\" is not a number in the scenario (got %s; calibrate fits "
                   "numbers)", fp->key, got);
        return;
    }
    int is_int = type != CONFIG_TYPE_FLOAT;
    if (is_int && integer_given && !fp->integer) {
        scn_subkey(kk, k, "integer");
        scn_err_at(c, config_setting_get_member(g, "integer"), kk, "must be true: %s holds "
                   "whole numbers", fp->key);
    }
    if (!integer_given)
        fp->integer = is_int;
    if (!fp->start_given)
        fp->start = is_int ? (double)config_setting_get_int64(s) : config_setting_get_float(s);
}

/* Bounds and start against each other, once the key is known. */
static void check_range(scn_ctx *c, const config_setting_t *g, const char *k,
                        const scn_free_param *fp)
{
    char kk[KEYMAX];
    const config_setting_t *lo = member(c, g, k, "lower", NULL, kk);
    if (!(fp->lower < fp->upper)) {
        scn_err_at(c, lo, kk, "must be below upper (got lower %g, upper %g)", fp->lower,
                   fp->upper);
        return;
    }
    const char *const names[] = {"lower", "upper", "start"};
    const double vals[] = {fp->lower, fp->upper, fp->start};
    for (size_t i = 0; fp->integer && i < 3; i++) {
        const config_setting_t *m = member(c, g, k, names[i], NULL, kk);
        if (m && !whole(vals[i]))
            scn_err_at(c, m, kk, "must be a whole number for an integer key (got %g)",
                       vals[i]);
    }
    if (fp->start < fp->lower || fp->start > fp->upper) {
        const config_setting_t *m = member(c, g, k, "start", NULL, kk);
        if (m)
            scn_err_at(c, m, kk, "must lie in [lower, upper] = [%g, %g] (got %g)", fp->lower,
                       fp->upper, fp->start);
        else
            scn_err_at(c, g, k, "the scenario's value of %s, %g, lies outside [lower, upper] = "
                       "[%g, %g]: widen the bounds or give a start", fp->key, fp->start,
                       fp->lower, fp->upper);
    }
}

/* The free list of a targets file into t, which owns the array and the keys copied: each
 * a key of the scenario (as `stepsim check` prints it) that calibrate varies within
 * [lower, upper], from an optional start, whole when integer; at most
 * SCN_TARGETS_MAX_FREE. Errors are collected in c (out of memory: c->nomem). */
static void load_free(scn_ctx *c, const config_setting_t *root, const pw_params *scenario,
                      scn_targets *t)
{
    const config_setting_t *l = get_list(c, root, "free", FREE_EXAMPLE);
    if (!l)
        return;
    int n = config_setting_length(l);
    if (n > SCN_TARGETS_MAX_FREE) {
        scn_err_at(c, l, "free", "%d free parameters; at most %d (Nelder-Mead slows with many)",
                   n, SCN_TARGETS_MAX_FREE);
        return;
    }
    config_t scn;
    if (!(t->params = calloc((size_t)n, sizeof *t->params)) || scenario_config(scenario, &scn)) {
        if (t->params)
            config_destroy(&scn);
        c->nomem = 1;
        return;
    }
    for (int i = 0; i < n; i++) {
        char k[KEYMAX], kk[KEYMAX];
        size_t before = scn_nerrors(c);
        const config_setting_t *g = entry(c, l, "free", i, "a group { key = ...; lower = ...; "
                                          "upper = ...; }", free_keys, NKEYS(free_keys), k);
        if (!g)
            continue;
        scn_free_param *fp = &t->params[t->nparams++];
        fp->line = config_setting_source_line(g);
        int given, integer_given = 0;
        get_string(c, g, k, "key", "a scenario key, e.g. \"staff.pwp.headcount\"", 1, &fp->key);
        get_number(c, g, k, "lower", "a number, the least value", 1, &fp->lower, &given);
        get_number(c, g, k, "upper", "a number, the greatest value", 1, &fp->upper, &given);
        get_number(c, g, k, "start", "a number in [lower, upper]", 0, &fp->start,
                   &fp->start_given);
        const config_setting_t *im = member(c, g, k, "integer", NULL, kk);
        if (im && config_setting_type(im) != CONFIG_TYPE_BOOL)
            scn_wrong_type(c, im, kk, "true or false");
        else if (im)
            integer_given = 1, fp->integer = config_setting_get_bool(im);
        for (size_t p = 0; fp->key && p + 1 < t->nparams; p++)
            if (t->params[p].key && !strcmp(t->params[p].key, fp->key))
                scn_err_at(c, member(c, g, k, "key", NULL, kk), kk, "\"%s\" is free already "
                           "(line %u): give each key once", fp->key, t->params[p].line);
        if (scn_nerrors(c) != before)
            continue; /* the checks below would only echo the problem */
        check_key(c, g, k, &scn, fp, integer_given);
        if (scn_nerrors(c) == before)
            check_range(c, g, k, fp);
    }
    config_destroy(&scn);
}

/* ==== the file ========================================================================= */

int scn_targets_load(const char *path, const pw_params *scenario, const char *const *metrics,
                     const double *lo, const double *hi, size_t nmetrics, scn_targets *out,
                     scn_errors *errs)
{
    scn_ctx c;
    config_t cfg;
    memset(out, 0, sizeof *out);
    int ret = scn_ctx_read(&c, path, "targets", &cfg, errs);
    if (ret != SCN_OK)
        goto out;
    config_setting_t *root = config_root_setting(&cfg);
    c.wide_ints = 1;
    if (!config_setting_get_member(root, "targets") && !config_setting_get_member(root, "free") &&
        (config_setting_get_member(root, "horizon_weeks") ||
         config_setting_get_member(root, "staff"))) {
        /* The arguments swapped: one message, not one a scenario key. */
        char loc[600];
        snprintf(loc, sizeof loc, "%s:1", path);
        scn_errf(&c, loc, NULL, "a scenario, not a targets file (expected targets = ( ... ); "
                 "free = ( ... );): give the scenario first and the targets after --targets");
        ret = SCN_EINVALID;
        goto out;
    }
    scn_check_wrapped(&c, root, "");
    unknown_members(&c, root, "", top_keys, NKEYS(top_keys));
    load_targets(&c, root, metrics, lo, hi, nmetrics, out);
    load_free(&c, root, scenario, out);
    ret = c.nomem ? SCN_ENOMEM : scn_nerrors(&c) ? SCN_EINVALID : SCN_OK;
out:
    if (c.nomem)
        ret = SCN_ENOMEM;
    if (ret != SCN_OK)
        scn_targets_free(out);
    config_destroy(&cfg);
    scn_ctx_free(&c);
    return ret;
}
