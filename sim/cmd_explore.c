/* What sweep, solve and sensitivity share (see cmd_explore.h); sweep is cmd_sweep.c. */
#include "cmd_explore.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "out_file.h"
#include "out_html.h"
#include "out_manifest.h"
#include "out_metrics.h"
#include "out_write.h"
#include "par.h"
#include "run_checks.h"

/* Load the scenario with the command line's --set and extra[0..nextra) into *p, a
 * federation's services into *fed (empty otherwise); printing every problem. EXIT_OK or a
 * status. */
static int load_at(const xp *x, const char *const *extra, size_t nextra, pw_params *p,
                   scn_federation *fed)
{
    memset(fed, 0, sizeof *fed);
    return app_load_federation(x->c, x->c->scenario, extra, nextra, p, fed);
}

int xp_begin(xp *x, const cli *c, const char *kind, int need_range)
{
    char err[512];
    memset(x, 0, sizeof *x);
    x->c = c;
    x->name = app_short_name(c->scenario);
    x->base = malloc(sizeof *x->base);
    x->vars = calloc(c->nvaries ? c->nvaries : 1, sizeof *x->vars);
    if (!x->name || !x->base || !x->vars) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    for (size_t i = 0; i < c->nvaries; i++, x->nvars++) {
        if (ex_var_parse(c->varies[i], need_range, &x->vars[i], err, sizeof err) != 0) {
            fprintf(stderr, "stepsim: %s\n", err);
            return EXIT_USAGE;
        }
        for (size_t k = 0; k < i; k++)
            if (cli_same_setting(x->vars[k].key, x->vars[i].key)) {
                fprintf(stderr, "stepsim: --vary names %s twice\n", x->vars[i].key);
                return EXIT_USAGE;
            }
    }
    if (ex_metric_list(c->metrics, &x->metrics, &x->nmetrics, err, sizeof err) != 0) {
        fprintf(stderr, "stepsim: --metrics: %s\n", err);
        return EXIT_USAGE;
    }
    scn_federation fed;
    int rc = load_at(x, NULL, 0, x->base, &fed);
    if (rc != EXIT_OK)
        return rc;
    x->picked.picked = fed.picked;
    x->picked.picked_from = fed.picked_from;
    if ((x->nservices = fed.n)) {
        if (!(x->base_fed = malloc(sizeof *x->base_fed))) {
            scn_federation_free(&fed);
            fprintf(stderr, "stepsim: out of memory\n");
            return EXIT_RUNTIME;
        }
        *x->base_fed = fed;
    }
    for (size_t k = 0; c->metrics && k < x->nmetrics; k++) /* those named, not the default */
        if (!ex_metric_taken(x->base, x->metrics[k], err, sizeof err)) {
            fprintf(stderr, "stepsim: %s\n", err);
            return EXIT_USAGE;
        }
    app_label_overrides(x->base, c);
    char *q = out_csv_quote(x->base->name);
    if (!q) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    snprintf(x->csv_label, sizeof x->csv_label, "%s", q);
    free(q);
    x->seed = app_seed(c, x->base);
    x->reps = c->replications > 0 ? (size_t)c->replications : (size_t)x->base->replications;
    x->run.threads = app_threads(c);
    x->run.stop = &app_stop_signal;
    if (!c->outdir) {
        size_t n = strlen(kind) + strlen(x->name) + 2;
        char *label = malloc(n);
        if (!label) {
            fprintf(stderr, "stepsim: out of memory\n");
            return EXIT_RUNTIME;
        }
        snprintf(label, n, "%s-%s", kind, x->name);
        x->outdir = app_default_outdir(c, label);
        free(label);
        if (!x->outdir) {
            fprintf(stderr, "stepsim: out of memory\n");
            return EXIT_RUNTIME;
        }
    }
    return app_begin_set(&x->set, c->outdir ? c->outdir : x->outdir);
}

void xp_free(xp *x)
{
    out_set_abort(&x->set);
    for (size_t i = 0; i < x->nvars; i++)
        ex_var_free(&x->vars[i]);
    free(x->vars);
    free(x->metrics);
    free(x->base);
    scn_federation_free(x->base_fed);
    free(x->base_fed);
    free(x->name);
    free(x->outdir);
    memset(x, 0, sizeof *x);
}

int xp_check_vars(xp *x)
{
    char assign[EX_KEY_MAX + 64];
    const char *one[1] = {assign};
    pw_params *p = malloc(sizeof *p);
    if (!p) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    int ret = EXIT_OK;
    for (size_t v = 0; v < x->nvars && ret == EXIT_OK; v++) {
        const ex_var *var = &x->vars[v];
        /* Each key alone, so that a refusal names its own --vary: a grid's first and last
         * values (the loader's limits on one key are intervals), a sampled range's ends, a
         * list's every value. */
        size_t count = var->n == 0 ? 2 : var->is_range ? (var->n > 1 ? 2 : 1) : var->n;
        for (size_t i = 0; i < count && ret == EXIT_OK; i++) {
            if (var->n == 0)
                ex_var_assign(var, i ? var->hi : var->lo, assign, sizeof assign);
            else
                snprintf(assign, sizeof assign, "%s=%s", var->key,
                         var->texts[var->is_range && i ? var->n - 1 : i]);
            scn_federation fed;
            ret = load_at(x, one, 1, p, &fed);
            scn_federation_free(&fed);
            if (ret == EXIT_USAGE)
                fprintf(stderr, "stepsim: --vary '%s': the scenario refuses %s (above)\n",
                        x->c->varies[v], assign);
        }
    }
    free(p);
    return ret;
}

int xp_load_point(xp *x, const char *const *assign, ex_point *pt)
{
    memset(pt, 0, sizeof *pt);
    pw_params *p = malloc(sizeof *p);
    scn_federation *fed = malloc(sizeof *fed);
    if (!p || !fed) {
        free(p);
        free(fed);
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    int rc = load_at(x, assign, x->nvars, p, fed);
    x->load_refused = rc == EXIT_USAGE;
    if (rc != EXIT_OK) {
        if (rc == EXIT_USAGE) { /* the loader's message names a --set the user never gave */
            fprintf(stderr, "stepsim: the scenario refuses the point");
            for (size_t v = 0; v < x->nvars; v++)
                fprintf(stderr, " %s", assign[v]);
            /* the --vary values it is made of (calibrate's free keys are its targets') */
            for (size_t v = 0; x->c->nvaries == x->nvars && v < x->nvars; v++)
                fprintf(stderr, "%s--vary '%s'", v ? ", " : " of ", x->c->varies[v]);
            fprintf(stderr, " (above)\n");
        }
        free(p);
        free(fed);
        return rc;
    }
    p->seed = x->seed;
    p->replications = (int)x->reps;
    memcpy(p->name, x->base->name, sizeof p->name);
    /* A point runs its replications with their full results held (with the rest of its
     * batch's), then keeps metrics; a federation's services one at a time on each thread,
     * their results waiting to be pooled. */
    size_t held = x->reps * (x->batch ? x->batch : 1);
    budget_run br = {x->c->scenario, app_budget_params(p, fed), held, x->run.threads, 0,
                     fed->n};
    char what[512];
    snprintf(what, sizeof what, "%s%s", x->kept_what ? x->kept_what : "other data",
             fed->n ? "; and a federation's services' results waiting to be pooled" : "");
    rc = app_check_memory(x->c, x->c->scenario, &br, 1,
                          x->kept_bytes + app_federation_bytes(fed, held, x->run.threads),
                          what);
    if (rc != EXIT_OK) {
        scn_federation_free(fed);
        free(fed);
        free(p);
        return rc;
    }
    if (!fed->n) {
        free(fed);
        fed = NULL;
    }
    ex_point_init(pt, p, fed);
    return EXIT_OK;
}

int xp_with_services(xp *x, const char *const *assign, ex_point *pt)
{
    if (!x->nservices || pt->fed)
        return EXIT_OK;
    ex_point again;
    int ret = xp_load_point(x, assign, &again);
    if (ret == EXIT_OK) {
        pt->fed = again.fed;
        again.fed = NULL;
        ex_point_free(&again);
    }
    return ret;
}

double xp_point_bytes(const xp *x, int services)
{
    /* A federation's point: its services and their base too, when it keeps them. */
    size_t n = services && x->nservices ? x->nservices + 2 : 1;
    return (double)n * (double)sizeof(pw_params) +
           (double)x->reps * (double)ex_metric_count() * sizeof(double);
}

int xp_run(xp *x, ex_point *pt, size_t n) { return xp_run_points(x, pt, 1, n); }

size_t xp_batch_points(const xp *x)
{
    size_t workers = (size_t)par_size() * (size_t)(x->run.threads > 0 ? x->run.threads : 1);
    return x->reps ? (workers + x->reps - 1) / x->reps : 1;
}

int xp_run_points(xp *x, ex_point *pts, size_t npts, size_t n)
{
    char err[1024];
    int rc = ex_points_run(pts, npts, n, &x->run, err, sizeof err);
    if (rc == -2)
        return app_interrupted(x->set.outdir);
    if (rc != 0) {
        fprintf(stderr, "stepsim: %s: %s\n", x->c->scenario, err);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* ex_run_opts.results for xp_point_checks: run's checks of the point's n replications
 * (run_checks_text: malloc'd, NULL out of memory) into *(char **)ctx, which the caller
 * frees. Returns 0: a check's text is no failure of the run. */
static int checks_into(void *ctx, const ex_point *pt, const pw_results *res, size_t n,
                       char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *(char **)ctx = run_checks_text(pt->p, res, n, 0, pt->fed);
    return 0;
}

char *xp_point_checks(xp *x, const ex_point *src)
{
    pw_params *copy = malloc(sizeof *copy);
    if (!copy) {
        fprintf(stderr, "stepsim: %s: the answer's checks: out of memory\n", x->c->command);
        return NULL;
    }
    memcpy(copy, src->p, sizeof *copy); /* flat: par.h sends it as it is */
    ex_point pt;
    ex_point_init(&pt, copy, src->fed); /* the services lent, not owned */
    char *text = NULL, err[1024];
    ex_run_opts o = x->run;
    o.results = checks_into;
    o.results_ctx = &text;
    int rc = ex_point_run(&pt, x->reps, &o, err, sizeof err);
    pt.fed = NULL;
    ex_point_free(&pt);
    if (rc != 0) {
        if (rc == -1)
            fprintf(stderr, "stepsim: %s: the answer's checks: %s\n", x->c->command, err);
        free(text);
        return NULL;
    }
    if (!text) /* run_checks_text ran out of memory: said, not taken for no warnings */
        fprintf(stderr, "stepsim: %s: the answer's checks: out of memory, so they are not "
                "shown\n", x->c->command);
    return text;
}

int xp_open(xp *x, out_file *f, const char *name)
{
    char err[1024];
    *f = (out_file)OUT_FILE_INIT;
    if (out_file_open(f, x->set.stage, name, err, sizeof err) != OUT_OK) {
        fprintf(stderr, "stepsim: %s\n", err);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

int xp_close(xp *x, out_file *f)
{
    char err[1024];
    (void)x;
    if (out_file_commit(f, err, sizeof err) != OUT_OK) {
        fprintf(stderr, "stepsim: %s\n", err);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

int xp_finish(xp *x, const char *const *files, size_t nfiles, int argc, char **argv)
{
    char err[1024];
    out_set_info in = {x->c->command, STEPSIM_VERSION, cli_git_hash(), x->base->name,
                       x->seed, x->reps, argc, argv, x->c->service,
                       x->picked.picked_from};
    if (out_write_set_manifest(x->set.stage, &in, files, nfiles, err, sizeof err) != OUT_OK) {
        fprintf(stderr, "stepsim: %s\n", err);
        return EXIT_RUNTIME;
    }
    return app_publish_set(&x->set);
}

int xp_page(xp *x, out_page *pg, const char *kind)
{
    if (out_page_begin(pg, kind, x->base->name) != OUT_OK) { /* named as a write's failure */
        fprintf(stderr, "stepsim: cannot write '%s/%s.html': out of memory\n", x->set.outdir,
                kind);
        return EXIT_RUNTIME;
    }
    fputs(",\n\"scenario\": ", pg->data);
    out_json_str(pg->data, x->base->name);
    /* The seed as a string, as report.html's (out_report.c): past 2^53 a number loses digits. */
    fprintf(pg->data, ", \"seed\": \"%" PRIu64 "\", \"replications\": %zu", x->seed, x->reps);
    if (x->nservices) /* a federation: its figures national, as report.html's */
        fprintf(pg->data, ", \"services\": %zu", x->nservices);
    if (x->picked.picked) /* --service: whose the seed is, as report.html's */
        fprintf(pg->data, ", \"federation_seed\": \"%" PRIu64 "\"", x->picked.picked_from);
    fputs(", \"vars\": [", pg->data);
    for (size_t v = 0; v < x->nvars; v++) {
        const ex_var *xv = &x->vars[v];
        fputs(v ? ", {\"key\": " : "{\"key\": ", pg->data);
        out_json_str(pg->data, xv->key);
        /* A whole-number range: its every value, for a grid that shows the points not run. */
        if (xv->is_range && xv->whole)
            fprintf(pg->data, ", \"lo\": %.0f, \"hi\": %.0f", xv->lo, xv->hi);
        /* A key that holds whole numbers: a chart's axis ticks at whole numbers only. */
        if (xv->integer)
            fputs(", \"integer\": true", pg->data);
        fputc('}', pg->data);
    }
    fputc(']', pg->data);
    return EXIT_OK;
}

const char *xp_services_note(const xp *x, char *buf, size_t n)
{
    if (!x->nservices)
        return "";
    snprintf(buf, n, " · a federation of %zu service%s", x->nservices,
             x->nservices == 1 ? "" : "s");
    return buf;
}

const char *xp_seed_note(const xp *x, char *buf, size_t n)
{
    if (!x->picked.picked)
        return "";
    snprintf(buf, n, ", the service's own from the federation's %" PRIu64,
             x->picked.picked_from);
    return buf;
}

int xp_save_page(xp *x, out_page *pg, const char *name)
{
    char err[1024];
    if (out_page_save(pg, x->set.stage, name, err, sizeof err) != OUT_OK) {
        fprintf(stderr, "stepsim: %s\n", err);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

void xp_json_value(FILE *f, const char *text)
{
    char *end;
    double v = strtod(text, &end);
    if (end != text && !*end && isfinite(v))
        out_json_num(f, v);
    else
        out_json_str(f, text);
}

/* How a mean of the metric of about `typical` prints: the scale (100 for shares, 10^-6
 * for pounds from £100,000), the unit before and after, the decimals. */
typedef struct fmt_unit {
    double k;
    const char *pre, *post;
    int d;
} fmt_unit;

/* The fmt_unit of metric for values of about `typical` (by its unit, out_metric_unit). */
static fmt_unit unit_of(size_t metric, double typical)
{
    out_unit unit = out_metric_unit(metric);
    fmt_unit f = {unit == OUT_U_SHARE ? 100 : 1, "", "", 0};
    double m = fabs(f.k * typical);
    /* "%" on shares, "£" before pounds (in millions from £100,000: a year's staff), " days"
     * after days. */
    if (unit == OUT_U_GBP && m >= 1e5)
        f.k = 1e-6, m *= 1e-6;
    f.pre = unit == OUT_U_GBP ? "£" : "";
    f.post = unit == OUT_U_SHARE ? "%" : unit == OUT_U_DAYS ? " days" : f.k == 1e-6 ? " m" : "";
    /* Shares to a tenth of a point, pounds and other large counts whole (not in %g's
     * exponent form), the rest by their size. */
    f.d = f.k == 100                        ? 1
          : f.k == 1e-6                     ? 2
          : unit == OUT_U_GBP || m >= 1e3 ? 0
          : m >= 10                       ? 1
          : m >= 1                        ? 2
                                          : 3;
    return f;
}

const char *xp_fmt(size_t metric, const sim_summary *s, char *buf, size_t n)
{
    fmt_unit f = unit_of(metric, s->mean);
    /* A t interval from few replications can pass what the metric can take (a share
     * above 100%, a list below 0): shown within it; the files keep the interval as is. */
    double lo, hi;
    ex_metric_range(metric, &lo, &hi);
    if (!isfinite(s->mean))
        snprintf(buf, n, "-");
    else if (!isfinite(s->ci_low))
        snprintf(buf, n, "%s%.*f%s", f.pre, f.d, f.k * s->mean, f.post);
    else
        snprintf(buf, n, "%s%.*f%s [%.*f, %.*f]", f.pre, f.d, f.k * s->mean, f.post, f.d,
                 f.k * fmax(s->ci_low, lo), f.d, f.k * fmin(s->ci_high, hi));
    return buf;
}

/* The paired difference of a metric between point `pt` and point `ref` (replication by
 * replication: every point runs on the same random numbers) with its Student-t 95%
 * interval: "+16.6 [+12.3, +20.9]", shares in percentage points, in the unit of the
 * reference's mean. "-" when either has no value in a replication. */
const char *xp_fmt_diff(size_t metric, const ex_point *pt, const ex_point *ref, size_t nreps,
                        char *buf, size_t n)
{
    double *d = malloc((nreps ? nreps : 1) * sizeof *d);
    sim_summary s = {0, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    size_t k = 0;
    for (size_t r = 0; d && r < nreps && r < pt->nreps && r < ref->nreps; r++)
        d[k++] = ex_point_value(pt, r, metric) - ex_point_value(ref, r, metric);
    int ok = d && k >= 2 && sim_summarise(d, k, &s) == 0 && isfinite(s.mean) &&
             isfinite(s.ci_low);
    free(d);
    if (!ok) {
        snprintf(buf, n, "-");
        return buf;
    }
    sim_summary r = ex_point_summary(ref, metric, nreps);
    fmt_unit f = unit_of(metric, isfinite(r.mean) ? r.mean : s.mean);
    const char *post = f.k == 100 ? " points" : f.post; /* a share's difference: points */
    snprintf(buf, n, "%s%s%.*f [%s%s%.*f, %s%s%.*f]%s", s.mean < 0 ? "-" : "+", f.pre, f.d,
             fabs(f.k * s.mean), s.ci_low < 0 ? "-" : "+", f.pre, f.d, fabs(f.k * s.ci_low),
             s.ci_high < 0 ? "-" : "+", f.pre, f.d, fabs(f.k * s.ci_high), post);
    return buf;
}

const char *xp_fmt_value(size_t metric, double x, char *buf, size_t n)
{
    /* Finer than a mean: a bound beside its target must show which side it falls. */
    out_unit unit = out_metric_unit(metric);
    if (!isfinite(x))
        snprintf(buf, n, "-");
    else if (unit == OUT_U_SHARE)
        snprintf(buf, n, "%.2f%%", 100 * x);
    else if (unit == OUT_U_GBP)
        snprintf(buf, n, "£%.0f", x);
    else if (unit == OUT_U_DAYS)
        snprintf(buf, n, "%.2f days", x);
    else
        snprintf(buf, n, "%.4g", x);
    return buf;
}
