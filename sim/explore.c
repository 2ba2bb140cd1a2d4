/* Points of an exploration and the metrics they yield (see explore.h). */
#include "explore.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "models/pw_results.h"
#include "out_file.h"
#include "out_metrics.h"
#include "runner.h"
#include "scn_load.h"

/* ---- --vary ---- */

/* A whole number written as such ("12", not "12.0" or "1e1"). */
static int is_int_text(const char *s)
{
    if (*s == '-')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* A finite number filling the whole text; NaN otherwise. */
static double number(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* Underflow (1e-320) reads as its tiny value, as everywhere on the command line. */
    return (errno && errno != ERANGE) || end == s || *end || !isfinite(v) ? NAN : v;
}

/* Append value x, written as text (copied: v owns the copy), to v's values. Returns 0, or
 * -1 out of memory (v keeps its n values; an array may have grown). */
static int add_value(ex_var *v, double x, const char *text)
{
    double *vals = realloc(v->values, (v->n + 1) * sizeof *vals);
    if (!vals)
        return -1;
    v->values = vals;
    char **texts = realloc(v->texts, (v->n + 1) * sizeof *texts);
    if (!texts)
        return -1;
    v->texts = texts;
    if (!(v->texts[v->n] = strdup(text)))
        return -1;
    v->values[v->n++] = x;
    return 0;
}

/* The decimals a number is written with ("0.25": 2, "12": 0, "2.5e-3": 4), 0 to 40. */
static int text_decimals(const char *s)
{
    const char *dot = strchr(s, '.'), *e = strpbrk(s, "eE");
    long d = 0;
    for (const char *c = dot ? dot + 1 : ""; *c >= '0' && *c <= '9'; c++)
        d++;
    if (e)
        d -= strtol(e + 1, NULL, 10);
    return d < 0 ? 0 : d > 40 ? 40 : (int)d;
}

double ex_var_assign(const ex_var *v, double x, char *buf, size_t n)
{
    double w = v->hi - v->lo, big = fmax(fabs(v->lo), fabs(v->hi));
    if (v->integer) {
        snprintf(buf, n, "%s=%.0f", v->key, round(x));
    } else if (w > 0) {
        /* Six significant figures of the range's width, and as many more as its values
         * need beside it: to a hundred-thousandth of the range, not 17 digits. */
        int digits = 6 + (big > w ? (int)ceil(log10(big / w)) : 0);
        snprintf(buf, n, "%s=%.*g", v->key, digits < 17 ? digits : 17, x);
    } else { /* FROM = TO: the value given */
        char b[OUT_NUM_MAX];
        snprintf(buf, n, "%s=%s", v->key, out_fmt_num(b, x));
    }
    const char *eq = strchr(buf, '=');
    return eq ? strtod(eq + 1, NULL) : NAN;
}

/* The most grid values one --vary may give. */
#define EX_MAX_VALUES 100000

int ex_var_parse(const char *spec, int need_range, ex_var *v, char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    const char *eq = strchr(spec, '=');
    size_t klen = eq ? (size_t)(eq - spec) : 0;
    if (!eq || klen == 0 || klen >= sizeof v->key) {
        snprintf(err, errlen, "--vary '%s': expected KEY=FROM:TO[:STEP] or KEY=A,B,C", spec);
        return -1;
    }
    memcpy(v->key, spec, klen);
    if (strpbrk(v->key, " \t\n\v\f\r")) { /* as --set refuses it: one spelling a key */
        snprintf(err, errlen, "--vary '%s': a blank in the key '%s' (expected KEY=... with "
                 "no blank before the '=')", spec, v->key);
        return -1;
    }
    v->integer = scn_key_is_whole(v->key);
    if (!strcmp(v->key, "seed") || !strcmp(v->key, "replications")) {
        snprintf(err, errlen, "--vary '%s': every point runs on the same seed and "
                 "replications, so they cannot vary (use -s and -r)", spec);
        return -1;
    }
    const char *val = eq + 1;
    char *copy = strdup(val);
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int ret = -1;
    size_t vl = strlen(val);
    /* Values are read as written, as every option's are: `k=8 ,9` had put "8 " into
     * sweep.csv as a value, and `k= 8: 9` was refused as not whole. */
    if (strpbrk(val, " \t\n\v\f\r")) {
        snprintf(err, errlen, "--vary '%s': a blank among the values (expected "
                 "KEY=FROM:TO[:STEP] or KEY=A,B,C written without blanks)", spec);
        goto out;
    }
    if (strchr(val, ':') && (val[0] == ':' || val[vl - 1] == ':' || strstr(val, "::"))) {
        snprintf(err, errlen, "--vary '%s': an empty part in the range (expected "
                 "KEY=FROM:TO[:STEP])", spec);
        goto out;
    }
    if (strchr(val, ':')) {
        char *parts[4] = {0};
        size_t np = 0;
        for (char *tok = strtok(copy, ":"); tok && np < 4; tok = strtok(NULL, ":"))
            parts[np++] = tok;
        double lo = np >= 2 ? number(parts[0]) : NAN, hi = np >= 2 ? number(parts[1]) : NAN;
        double step = np == 3 ? number(parts[2]) : 0;
        /* solve and sensitivity choose their own points in the range: no STEP to offer. */
        if (need_range && (np != 2 || isnan(lo) || isnan(hi) || !(hi > lo))) {
            snprintf(err, errlen, "--vary '%s': expected a range KEY=LO:HI with numbers "
                     "LO < HI and no STEP (this command chooses its own points in it)", spec);
            goto out;
        }
        if (np < 2 || np > 3 || isnan(lo) || isnan(hi) || isnan(step) || !(hi >= lo) ||
            step < 0 || (np == 3 && step == 0)) {
            snprintf(err, errlen, "--vary '%s': expected KEY=FROM:TO[:STEP] with numbers "
                     "FROM <= TO and STEP > 0", spec);
            goto out;
        }
        v->is_range = 1;
        v->lo = lo;
        v->hi = hi;
        v->step = step;
        v->whole = is_int_text(parts[0]) && is_int_text(parts[1]) &&
                   (np < 3 || is_int_text(parts[2]));
        for (size_t i = 0; i < np; i++) {
            int d = text_decimals(parts[i]);
            v->decimals = d > v->decimals ? d : v->decimals;
        }
        /* Sampled values of a whole-number key are rounded: between whole ends a step of
         * Morris's grid (2/3 of the range) always moves it. */
        if (need_range && v->integer && (lo != floor(lo) || hi != floor(hi))) {
            snprintf(err, errlen, "--vary '%s': %s takes whole numbers: give its range "
                     "whole-number ends", spec, v->key);
            goto out;
        }
        if (step == 0 && v->whole)
            step = 1; /* a whole-number range steps by 1 unless told */
        if (step > 0) {
            double count = floor((hi - lo) / step + 1e-9) + 1;
            if (count > EX_MAX_VALUES) {
                snprintf(err, errlen, "--vary '%s': %.4g values; at most %d", spec, count,
                         EX_MAX_VALUES);
                goto out;
            }
            /* Each point the decimal the range's numbers write it with, so that it is the
             * value --set reads from that decimal: lo + k step in binary can be an ulp off
             * (0.1 + 2 x 0.1 = 0.30000000000000004). Its text reads back as it. */
            char fixed[512], text[OUT_NUM_MAX];
            for (size_t i = 0; i < (size_t)count; i++) {
                snprintf(fixed, sizeof fixed, "%.*f", v->decimals, lo + (double)i * step);
                double x = strtod(fixed, NULL);
                if (add_value(v, x, out_fmt_num(text, x)) != 0)
                    goto oom;
            }
        }
    } else if (need_range) {
        snprintf(err, errlen, "--vary '%s': expected a range KEY=LO:HI", spec);
        goto out;
    } else {
        if (!vl || val[0] == ',' || val[vl - 1] == ',' || strstr(val, ",,")) {
            snprintf(err, errlen, "--vary '%s': an empty value in the list (expected "
                     "KEY=A,B,C)", spec);
            goto out;
        }
        v->whole = 1;
        for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
            double x = number(tok);
            v->whole = v->whole && is_int_text(tok);
            if (add_value(v, x, tok) != 0)
                goto oom;
        }
        if (v->n == 0) {
            snprintf(err, errlen, "--vary '%s': no values", spec);
            goto out;
        }
        /* A value twice would run one point twice and draw it twice on the page. */
        for (size_t i = 1; i < v->n; i++)
            for (size_t j = 0; j < i; j++)
                if (!strcmp(v->texts[i], v->texts[j]) ||
                    (!isnan(v->values[i]) && v->values[i] == v->values[j])) {
                    snprintf(err, errlen, "--vary '%s': %s is listed twice (give each value "
                             "once)", spec, v->texts[i]);
                    goto out;
                }
    }
    ret = 0;
    goto out;
oom:
    snprintf(err, errlen, "out of memory");
out:
    free(copy);
    if (ret != 0)
        ex_var_free(v);
    return ret;
}

void ex_var_free(ex_var *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->texts[i]);
    free(v->texts);
    free(v->values);
    v->texts = NULL;
    v->values = NULL;
    v->n = 0;
}

/* ---- Metrics ---- */

size_t ex_metric_count(void) { return out_metric_count() + 1; }

const char *ex_metric_name(size_t i, char *buf, size_t n)
{
    char b[OUT_METRIC_NAME_MAX];
    snprintf(buf, n, "%s", i < out_metric_count() ? out_metric_name(i, b) : OUT_COST_PER_YEAR);
    return buf;
}

const char *const ex_headline[EX_HEADLINE_N] = {
    "within_6_weeks_true",        "within_6_weeks_reported", "wait_to_treatment_days_mean",
    "wait_to_treatment_days_p90", "recovery_rate_true",      "recovery_rate_reported",
    "waiting_step2_mean",         "waiting_step3_mean",      "cost_per_referral_gbp"};

int ex_metric_find(const char *name)
{
    char b[OUT_METRIC_NAME_MAX];
    for (size_t i = 0; i < ex_metric_count(); i++)
        if (!strcmp(ex_metric_name(i, b, sizeof b), name))
            return (int)i;
    return -1;
}

int ex_metric_is_share(size_t i) { return out_metric_unit(i) == OUT_U_SHARE; }

int ex_metric_taken(const pw_params *p, size_t i, char *err, size_t errlen)
{
    if (i >= PW_M_N || pw_metric_taken(p, (pw_metric)i)) /* ex's first are pw_metric's */
        return 1;
    snprintf(err, errlen, "%s is read at outcome_weeks_late, which the scenario does not set "
             "(0: no second reading; e.g. --set outcome_weeks_late=52)",
             pw_metric_name((pw_metric)i));
    return 0;
}

void ex_metric_range(size_t i, double *lo, double *hi) { out_metric_range(i, lo, hi); }

const char *ex_metric_label(size_t i, char *buf, size_t n)
{
    char b[OUT_METRIC_LABEL_MAX];
    snprintf(buf, n, "%s", out_metric_label(i, b, NULL));
    return buf;
}

void ex_metric_suggest(const char *name, char *buf, size_t n)
{
    size_t count = ex_metric_count();
    char(*names)[OUT_METRIC_NAME_MAX] = malloc(count * sizeof *names);
    const char **ptrs = malloc(count * sizeof *ptrs);
    if (names && ptrs) {
        for (size_t i = 0; i < count; i++)
            ptrs[i] = ex_metric_name(i, names[i], sizeof names[i]);
        scn_did_you_mean(name, ptrs, count, buf, n);
    } else {
        snprintf(buf, n, "%s", "");
    }
    free(names);
    free(ptrs);
}

int ex_metric_list(const char *names, size_t **out, size_t *n, char *err, size_t errlen)
{
    size_t cap = ex_metric_count();
    *out = malloc(cap * sizeof **out);
    *n = 0;
    if (!*out) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!names) {
        for (size_t i = 0; i < cap; i++)
            (*out)[(*n)++] = i;
        return 0;
    }
    size_t len = strlen(names);
    if (!len || names[0] == ',' || names[len - 1] == ',' || strstr(names, ",,")) {
        snprintf(err, errlen, "'%s': an empty name in the list (expected A,B,C: names of "
                 "summary.csv, or " OUT_COST_PER_YEAR ")", names);
        free(*out);
        *out = NULL;
        return -1;
    }
    char *copy = strdup(names);
    int ret = copy ? 0 : -1;
    for (char *tok = copy ? strtok(copy, ",") : NULL; tok && ret == 0; tok = strtok(NULL, ",")) {
        int m = ex_metric_find(tok);
        char hint[OUT_METRIC_NAME_MAX + 32];
        if (m < 0) {
            ex_metric_suggest(tok, hint, sizeof hint);
            snprintf(err, errlen, "unknown metric '%s'%s (the names of summary.csv, or "
                     OUT_COST_PER_YEAR ")", tok, hint);
            ret = -1;
            continue;
        }
        for (size_t k = 0; k < *n; k++)
            if ((*out)[k] == (size_t)m) {
                snprintf(err, errlen, "'%s' is named twice (expected each metric once, "
                         "A,B,C: names of summary.csv, or " OUT_COST_PER_YEAR ")", tok);
                ret = -1;
            }
        if (ret == 0 && *n < cap)
            (*out)[(*n)++] = (size_t)m;
    }
    free(copy);
    if (ret != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return ret;
}

/* Every metric of one replication into row[ex_metric_count()]. */
static void metric_row(const pw_params *p, const pw_results *r, double *row)
{
    for (size_t m = 0; m < ex_metric_count(); m++)
        row[m] = ex_metric_value(p, r, m);
}

double ex_metric_value(const pw_params *p, const pw_results *r, size_t i)
{
    if (i < out_metric_count())
        return out_metric_value(r, i);
    double cost = 0;
    for (size_t k = 0; k < PW_MAX_ROLES; k++)
        cost += r->roles[k].salary_gbp + r->roles[k].oncost_gbp + r->roles[k].training_gbp;
    double years = out_window_years(p);
    return years > 0 ? cost / years : NAN;
}

/* ---- Points ---- */

void ex_point_init(ex_point *pt, pw_params *p, scn_federation *fed)
{
    memset(pt, 0, sizeof *pt);
    pt->p = p;
    pt->fed = fed;
    pt->nservices = fed ? fed->n : 0;
}

void ex_point_drop_services(ex_point *pt)
{
    scn_federation_free(pt->fed);
    free(pt->fed);
    pt->fed = NULL;
}

void ex_point_drop_params(ex_point *pt)
{
    free(pt->p);
    pt->p = NULL;
    ex_point_drop_services(pt);
}

void ex_point_free(ex_point *pt)
{
    ex_point_drop_params(pt);
    free(pt->vals);
    memset(pt, 0, sizeof *pt);
}

/* Room in pt for `upto` replications' metrics. Returns 0, or -1 out of memory (pt as it
 * was). */
static int point_reserve(ex_point *pt, size_t upto)
{
    if (upto <= pt->cap)
        return 0;
    size_t cap = pt->cap ? pt->cap : 8;
    while (cap < upto)
        cap *= 2;
    double *vals = realloc(pt->vals, cap * ex_metric_count() * sizeof *vals);
    if (!vals)
        return -1;
    pt->vals = vals;
    pt->cap = cap;
    return 0;
}

int ex_points_run(ex_point *pts, size_t npts, size_t upto, const ex_run_opts *o, char *err,
                  size_t errlen)
{
    size_t n = 0, nm = ex_metric_count();
    for (size_t k = 0; k < npts; k++) {
        if (upto <= pts[k].nreps)
            continue;
        if (point_reserve(&pts[k], upto) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        n += upto - pts[k].nreps;
    }
    if (n == 0)
        return 0;
    /* A federation's points: each slot's services (the file's list, so as many each),
     * loaded: run without them, a point's national parameters would run as one service. */
    size_t nsvc = pts[0].nservices;
    for (size_t k = 0; k < npts; k++)
        if (pts[k].nservices != nsvc || (nsvc && pts[k].nreps < upto && !pts[k].fed)) {
            snprintf(err, errlen, "internal: a batch's points differ in services, or one is "
                                  "run without them");
            return -1;
        }
    int *reps = malloc(n * sizeof *reps);
    const pw_params **ps = malloc(n * sizeof *ps);
    const pw_params **svc = nsvc ? malloc(n * sizeof *svc) : NULL;
    pw_results *res = calloc(n, sizeof *res);
    if (!reps || !ps || !res || (nsvc && !svc)) {
        free(reps);
        free(ps);
        free(svc);
        free(res);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Point-major slots: each point's new replications in order. */
    size_t i = 0;
    for (size_t k = 0; k < npts; k++)
        for (size_t r = pts[k].nreps; r < upto; r++, i++) {
            reps[i] = (int)r;
            ps[i] = pts[k].p;
            if (nsvc)
                svc[i] = pts[k].fed->services;
        }
    runner_opts ro = {.threads = o->threads, .stop = o->stop, .n_services = nsvc,
                      .slot_services = svc};
    int rc = runner_run_points(ps, reps, n, &ro, res, err, errlen);
    i = 0;
    for (size_t k = 0; k < npts; k++) {
        if (upto <= pts[k].nreps)
            continue;
        size_t m = upto - pts[k].nreps;
        if (rc == 0 && o->results &&
            o->results(o->results_ctx, &pts[k], res + i, m, err, errlen) != 0)
            rc = RUNNER_FAILED;
        i += m;
    }
    i = 0;
    for (size_t k = 0; k < npts; k++)
        for (size_t r = pts[k].nreps; r < upto; r++, i++) {
            if (rc == 0)
                metric_row(pts[k].p, &res[i], pts[k].vals + r * nm);
            pw_results_free(&res[i]);
        }
    for (size_t k = 0; k < npts && rc == 0; k++)
        if (pts[k].nreps < upto)
            pts[k].nreps = upto;
    free(reps);
    free(ps);
    free(svc);
    free(res);
    return rc == 0 ? 0 : rc == RUNNER_INTERRUPTED ? -2 : -1;
}

int ex_point_run(ex_point *pt, size_t upto, const ex_run_opts *o, char *err, size_t errlen)
{
    return ex_points_run(pt, 1, upto, o, err, errlen);
}

double ex_point_value(const ex_point *pt, size_t r, size_t m)
{
    return pt->vals[r * ex_metric_count() + m];
}

sim_summary ex_point_summary(const ex_point *pt, size_t m, size_t n)
{
    sim_summary s = {0, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    double *x = malloc((n ? n : 1) * sizeof *x);
    if (!x)
        return s;
    for (size_t r = 0; r < n && r < pt->nreps; r++)
        x[r] = ex_point_value(pt, r, m);
    if (sim_summarise(x, n < pt->nreps ? n : pt->nreps, &s) != 0)
        s.mean = NAN;
    if (s.n < 2) /* one value or none has no spread to give: none, as summary.csv's */
        s.sd = NAN;
    free(x);
    return s;
}

void ex_point_bounds(const ex_point *pt, size_t m, size_t n, double confidence, double *lo,
                     double *hi)
{
    sim_summary s = ex_point_summary(pt, m, n);
    *lo = *hi = NAN;
    if (s.n < 2)
        return;
    double h = gsl_cdf_tdist_Pinv(confidence, (double)(s.n - 1)) * s.sd / sqrt((double)s.n);
    *lo = s.mean - h;
    *hi = s.mean + h;
}

double ex_point_bound(const ex_point *pt, size_t m, size_t n, double confidence, int sign)
{
    double lo, hi;
    ex_point_bounds(pt, m, n, confidence, &lo, &hi);
    return sign < 0 ? lo : hi;
}
