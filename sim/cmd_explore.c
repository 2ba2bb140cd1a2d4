/* sweep, and what sweep, solve and sensitivity share (see cmd_explore.h). */
#include "cmd_explore.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "cmd.h"
#include "out_file.h"
#include "out_html.h"
#include "out_manifest.h"
#include "out_metrics.h"
#include "out_write.h"
#include "par.h"
#include "run_checks.h"

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
    int rc = app_load(c, c->scenario, NULL, 0, x->base);
    if (rc != EXIT_OK)
        return rc;
    app_label_overrides(x->base, c);
    char *q = out_csv_quote(x->base->name);
    if (!q) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    snprintf(x->csv_label, sizeof x->csv_label, "%s", q);
    free(q);
    x->seed = c->have_seed ? c->seed : x->base->seed;
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
            ret = app_load(x->c, x->c->scenario, one, 1, p);
            if (ret == EXIT_USAGE)
                fprintf(stderr, "stepsim: --vary '%s': the scenario refuses %s (above)\n",
                        x->c->varies[v], assign);
        }
    }
    free(p);
    return ret;
}

int xp_load_point(xp *x, const char *const *assign, pw_params **out)
{
    *out = malloc(sizeof **out);
    if (!*out) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    int rc = app_load(x->c, x->c->scenario, assign, x->nvars, *out);
    x->load_refused = rc == EXIT_USAGE;
    if (rc != EXIT_OK) {
        if (rc == EXIT_USAGE) { /* the loader's message names a --set the user never gave */
            fprintf(stderr, "stepsim: the scenario refuses the point");
            for (size_t v = 0; v < x->nvars; v++)
                fprintf(stderr, " %s", assign[v]);
            fprintf(stderr, " (above)\n");
        }
        free(*out);
        *out = NULL;
        return rc;
    }
    (*out)->seed = x->seed;
    (*out)->replications = (int)x->reps;
    memcpy((*out)->name, x->base->name, sizeof (*out)->name);
    /* A point runs its replications with their full results held (with the rest of its
     * batch's), then keeps metrics. */
    budget_run br = {x->c->scenario, *out, x->reps * (x->batch ? x->batch : 1),
                     x->run.threads, 0};
    rc = app_check_memory(x->c, x->c->scenario, &br, 1, x->kept_bytes, x->kept_what);
    if (rc != EXIT_OK) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

double xp_point_bytes(const xp *x)
{
    return (double)sizeof(pw_params) + (double)x->reps * (double)ex_metric_count() * sizeof(double);
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
                       x->seed, x->reps, argc, argv};
    if (out_write_set_manifest(x->set.stage, &in, files, nfiles, err, sizeof err) != OUT_OK) {
        fprintf(stderr, "stepsim: %s\n", err);
        return EXIT_RUNTIME;
    }
    return app_publish_set(&x->set);
}

int xp_page(xp *x, out_page *pg, const char *kind)
{
    if (out_page_begin(pg, kind, x->base->name) != OUT_OK) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    fputs(",\n\"scenario\": ", pg->data);
    out_json_str(pg->data, x->base->name);
    fprintf(pg->data, ", \"seed\": %" PRIu64 ", \"replications\": %zu, \"vars\": [", x->seed,
            x->reps);
    for (size_t v = 0; v < x->nvars; v++) {
        const ex_var *xv = &x->vars[v];
        fputs(v ? ", {\"key\": " : "{\"key\": ", pg->data);
        out_json_str(pg->data, xv->key);
        /* A whole-number range: its every value, for a grid that shows the points not run. */
        if (xv->is_range && xv->integer)
            fprintf(pg->data, ", \"lo\": %.0f, \"hi\": %.0f", xv->lo, xv->hi);
        fputc('}', pg->data);
    }
    fputc(']', pg->data);
    return EXIT_OK;
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
static const char *xp_fmt_diff(size_t metric, const ex_point *pt, const ex_point *ref,
                               size_t nreps, char *buf, size_t n)
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

/* ======================================================================================
 * sweep
 * ====================================================================================== */

/* The sweep's points: nvars assignments each ("key=value"), point-major. */
typedef struct grid {
    size_t npoints, nvars;
    char **assign;
} grid;

static void grid_free(grid *g)
{
    for (size_t i = 0; g->assign && i < g->npoints * g->nvars; i++)
        free(g->assign[i]);
    free(g->assign);
    memset(g, 0, sizeof *g);
}

/* The most points a sweep may have. */
#define MAX_POINTS 100000

/* Every combination of the vars' values, the last var varying fastest. */
static int make_grid(const xp *x, grid *g)
{
    double all = 1;
    for (size_t v = 0; v < x->nvars; v++) {
        if (x->vars[v].n == 0) {
            fprintf(stderr, "stepsim: sweep: --vary '%s': a range of numbers that are not "
                    "whole needs a STEP (KEY=FROM:TO:STEP), or sample it with --samples\n",
                    x->c->varies[v]);
            return EXIT_USAGE;
        }
        all *= (double)x->vars[v].n;
    }
    if (all > MAX_POINTS) {
        fprintf(stderr, "stepsim: sweep: the grid would have %.0f points (", all);
        for (size_t v = 0; v < x->nvars; v++)
            fprintf(stderr, "%s%zu", v ? " x " : "", x->vars[v].n);
        fprintf(stderr, "); at most %d: narrow a range, take a larger STEP, or sample it "
                "with --samples\n", MAX_POINTS);
        return EXIT_USAGE;
    }
    size_t n = (size_t)all;
    g->npoints = n;
    g->nvars = x->nvars;
    g->assign = calloc(n * x->nvars, sizeof *g->assign);
    if (!g->assign)
        return EXIT_RUNTIME;
    for (size_t i = 0; i < n; i++) {
        size_t rest = i;
        for (size_t v = x->nvars; v-- > 0;) {
            const ex_var *var = &x->vars[v];
            size_t k = rest % var->n;
            rest /= var->n;
            size_t len = strlen(var->key) + strlen(var->texts[k]) + 2;
            if (!(g->assign[i * x->nvars + v] = malloc(len)))
                return EXIT_RUNTIME;
            snprintf(g->assign[i * x->nvars + v], len, "%s=%s", var->key, var->texts[k]);
        }
    }
    return EXIT_OK;
}

/* A Latin hypercube of n points over the vars' ranges: each range cut into n strata,
 * one point in each, strata matched at random across vars; drawn from the seed. */
static int make_lhs(const xp *x, size_t n, grid *g)
{
    g->npoints = n;
    g->nvars = x->nvars;
    g->assign = calloc(n * x->nvars, sizeof *g->assign);
    size_t *perm = malloc(n * sizeof *perm);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    int ret = g->assign && perm && r ? EXIT_OK : EXIT_RUNTIME;
    if (r)
        gsl_rng_set(r, (unsigned long)(x->seed ^ 0x4c4853u)); /* "LHS" */
    for (size_t v = 0; v < x->nvars && ret == EXIT_OK; v++) {
        const ex_var *var = &x->vars[v];
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        gsl_ran_shuffle(r, perm, n, sizeof *perm);
        for (size_t i = 0; i < n && ret == EXIT_OK; i++) {
            double u = ((double)perm[i] + gsl_rng_uniform(r)) / (double)n;
            double at = var->lo + u * (var->hi - var->lo);
            char buf[EX_KEY_MAX + 64];
            if (var->integer) {
                ex_var_assign(var, at, buf, sizeof buf);
            } else {
                /* To a hundred-thousandth of the range, not 17 digits: what prints runs. */
                double big = fmax(fabs(var->lo), fabs(var->hi)), w = var->hi - var->lo;
                int digits = 6 + (big > w ? (int)ceil(log10(big / w)) : 0);
                snprintf(buf, sizeof buf, "%s=%.*g", var->key, digits, at);
            }
            if (!(g->assign[i * x->nvars + v] = strdup(buf)))
                ret = EXIT_RUNTIME;
        }
    }
    free(perm);
    if (r)
        gsl_rng_free(r);
    return ret;
}

/* What a sweep keeps of each point's full results: run's warnings (for the table) and,
 * with --per-point, its output set in points/NNNN/. */
typedef struct per_point {
    xp *x;
    const ex_point *first; /* the sweep's points: a point's number is its offset */
    char **warn;           /* each point's warnings as run prints them, or NULL: none */
    int write_sets;        /* --per-point */
} per_point;

/* The warning blocks of run's checks (a line "... warning...:" and the indented lines
 * after it), malloc'd; NULL when there are none. */
static char *warnings_of(const char *checks)
{
    size_t n = strlen(checks);
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    int in = 0;
    for (const char *l = checks; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l) + 1 : strlen(l);
        const char *colon = memchr(l, ':', len);
        if (l[0] != ' ') { /* a block's first line: "Capacity warning: ..." */
            char head[128];
            size_t hl = colon ? (size_t)(colon - l) : 0;
            hl = hl < sizeof head - 1 ? hl : sizeof head - 1;
            memcpy(head, l, hl);
            head[hl] = '\0';
            in = strstr(head, " warning") != NULL;
        }
        if (in) {
            memcpy(o, l, len);
            o += len;
        }
        l += len;
    }
    *o = '\0';
    if (o == out) {
        free(out);
        return NULL;
    }
    return out;
}

static int write_point_set(void *ctx, const ex_point *pt, const pw_results *res, size_t n,
                           char *err, size_t errlen);

static int point_results(void *ctx, const ex_point *pt, const pw_results *res, size_t n,
                         char *err, size_t errlen)
{
    per_point *pp = ctx;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m) {
        print_run_checks(m, pt->p, res, n, NULL);
        if (fclose(m) == 0) {
            size_t i = (size_t)(pt - pp->first);
            free(pp->warn[i]);
            pp->warn[i] = warnings_of(buf);
        }
    }
    free(buf);
    return pp->write_sets ? write_point_set(ctx, pt, res, n, err, errlen) : 0;
}

static int write_point_set(void *ctx, const ex_point *pt, const pw_results *res, size_t n,
                           char *err, size_t errlen)
{
    per_point *pp = ctx;
    char sub[64];
    snprintf(sub, sizeof sub, "points/%04zu", (size_t)(pt - pp->first));
    char *dir = out_path_join(pp->x->set.stage, sub);
    if (!dir)
        return -1;
    /* Its page too, as run writes one: every set of outputs has its report.html. */
    const char *extra[] = {"report.html"};
    if (out_mkdir_p(dir, err, errlen) != 0 ||
        out_write_report(dir, pt->p, res, n, NULL, err, errlen) != 0) {
        free(dir);
        return -1;
    }
    out_run_info info;
    out_run_info_init(&info);
    info.extra = extra;
    info.nextra = 1;
    info.version = STEPSIM_VERSION;
    info.git_hash = cli_git_hash();
    info.threads = pp->x->run.threads;
    info.ranks = par_size();
    int rc = out_write_all(dir, pt->p, pp->x->c->scenario, res, n, &info, err, errlen);
    free(dir);
    return rc;
}

/* The value of var v at point i, for the CSV: the text after "key=". */
static const char *point_value(const grid *g, size_t i, size_t v)
{
    return strchr(g->assign[i * g->nvars + v], '=') + 1;
}

int cmd_sweep(const cli *c, int argc, char **argv)
{
    xp x;
    grid g = {0};
    ex_point *pts = NULL;
    char **warn = NULL; /* each point's warnings (per_point) */
    int ret = xp_begin(&x, c, "sweep", c->samples > 0);
    if (ret != EXIT_OK)
        goto out;
    ret = c->samples > 0 ? make_lhs(&x, (size_t)c->samples, &g) : make_grid(&x, &g);
    if (ret != EXIT_OK) {
        if (ret == EXIT_RUNTIME)
            fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    if (!(pts = calloc(g.npoints, sizeof *pts))) {
        ret = EXIT_RUNTIME;
        goto out;
    }
    x.kept_bytes = (double)g.npoints * xp_point_bytes(&x);
    x.kept_what = "every point's parameters and metrics (the points of --vary or --samples, "
                  "x replications)";
    x.batch = xp_batch_points(&x);
    /* Every point loads before anything runs: a bad value stops the sweep at once. */
    for (size_t i = 0; i < g.npoints; i++) {
        pw_params *p;
        if ((ret = xp_load_point(&x, (const char *const *)g.assign + i * g.nvars, &p)) !=
            EXIT_OK)
            goto out;
        ex_point_init(&pts[i], p);
    }
    /* Points run in batches that fill every thread of every rank (a point alone when its
     * replications do), so a sweep of many points with few replications each still
     * spreads over the ranks; results do not depend on the batching. */
    size_t batch = x.batch;
    warn = calloc(g.npoints, sizeof *warn);
    per_point pp = {&x, pts, warn, c->per_point};
    if (!warn) {
        ret = EXIT_RUNTIME;
        goto out;
    }
    x.run.results = point_results;
    x.run.results_ctx = &pp;
    app_progress_ctx pc = app_progress_start(x.name, "points");
    for (size_t i = 0; i < g.npoints; i += batch) {
        size_t k = g.npoints - i < batch ? g.npoints - i : batch;
        if ((ret = xp_run_points(&x, &pts[i], k, x.reps)) != EXIT_OK)
            goto out;
        app_progress(&pc, i + k, g.npoints);
    }

    /* sweep.csv: point x metric. */
    out_file f;
    if ((ret = xp_open(&x, &f, "sweep.csv")) != EXIT_OK)
        goto out;
    fputs("scenario,point", f.f);
    for (size_t v = 0; v < x.nvars; v++) {
        fputc(',', f.f);
        out_csv_str(f.f, x.vars[v].key);
    }
    fputs(",metric,mean,sd,ci_low,ci_high,p10,p50,p90,replications\n", f.f);
    char name[OUT_METRIC_NAME_MAX];
    for (size_t i = 0; i < g.npoints; i++)
        for (size_t k = 0; k < x.nmetrics; k++) {
            size_t m = x.metrics[k];
            sim_summary s = ex_point_summary(&pts[i], m, pts[i].nreps);
            fprintf(f.f, "%s,%zu", x.csv_label, i);
            for (size_t v = 0; v < x.nvars; v++) {
                fputc(',', f.f);
                out_csv_str(f.f, point_value(&g, i, v));
            }
            fprintf(f.f, ",%s", ex_metric_name(m, name, sizeof name));
            const double col[] = {s.mean, s.sd, s.ci_low, s.ci_high, s.p10, s.p50, s.p90};
            for (size_t j = 0; j < sizeof col / sizeof *col; j++) {
                fputc(',', f.f);
                out_csv_num(f.f, col[j]);
            }
            fprintf(f.f, ",%zu\n", s.n);
        }
    if ((ret = xp_close(&x, &f)) != EXIT_OK)
        goto out;
    /* sweep.html: the response curves. */
    out_page pg;
    if ((ret = xp_page(&x, &pg, "sweep")) != EXIT_OK)
        goto out;
    /* Whether --metrics chose them: without it the page shows the headline ones. */
    fprintf(pg.data, ",\n\"metrics_chosen\": %s", c->metrics ? "true" : "false");
    fputs(",\n\"headline\": [", pg.data);
    for (size_t k = 0; k < EX_HEADLINE_N; k++) {
        fputs(k ? ", " : "", pg.data);
        out_json_str(pg.data, ex_headline[k]);
    }
    fputc(']', pg.data);
    fputs(",\n\"metrics\": [", pg.data);
    for (size_t k = 0; k < x.nmetrics; k++) {
        fputs(k ? ", " : "", pg.data);
        out_json_str(pg.data, ex_metric_name(x.metrics[k], name, sizeof name));
    }
    fputs("],\n\"points\": [", pg.data);
    for (size_t i = 0; i < g.npoints; i++) {
        fputs(i ? ",\n{\"values\": [" : "\n{\"values\": [", pg.data);
        for (size_t v = 0; v < x.nvars; v++) {
            fputs(v ? ", " : "", pg.data);
            xp_json_value(pg.data, point_value(&g, i, v));
        }
        fputs("], \"metrics\": {", pg.data);
        for (size_t k = 0; k < x.nmetrics; k++) {
            sim_summary s = ex_point_summary(&pts[i], x.metrics[k], pts[i].nreps);
            fprintf(pg.data, "%s\"%s\": {\"mean\": ", k ? ", " : "",
                    ex_metric_name(x.metrics[k], name, sizeof name));
            out_json_num(pg.data, s.mean);
            out_json_kv_num(pg.data, "ci_low", s.ci_low);
            out_json_kv_num(pg.data, "ci_high", s.ci_high);
            fputc('}', pg.data);
        }
        fputs("}}", pg.data);
    }
    fputc(']', pg.data);
    if ((ret = xp_save_page(&x, &pg, "sweep.html")) != EXIT_OK)
        goto out;
    /* The set's manifest lists each point's own manifest (--per-point), which lists that
     * point's files: one sha256sum -c in the folder, then one in each point's. */
    size_t nfiles = 2 + (c->per_point ? g.npoints : 0);
    char **files = calloc(nfiles, sizeof *files);
    char (*names)[48] = c->per_point ? calloc(g.npoints, sizeof *names) : NULL;
    if (!files || (c->per_point && !names)) {
        free(files);
        free(names);
        fprintf(stderr, "stepsim: out of memory\n");
        ret = EXIT_RUNTIME;
        goto out;
    }
    files[0] = "sweep.csv";
    files[1] = "sweep.html";
    for (size_t i = 0; c->per_point && i < g.npoints; i++) {
        snprintf(names[i], sizeof names[i], "points/%04zu/manifest.json", i);
        files[2 + i] = names[i];
    }
    ret = xp_finish(&x, (const char *const *)files, nfiles, argc, argv);
    free(files);
    free(names);
    if (ret != EXIT_OK)
        goto out;

    if (!c->quiet) {
        /* The table: each point's values and the first four metrics chosen, or without
         * --metrics the headline ones (as sweep.html shows). */
        size_t shown_ix[EX_HEADLINE_N], shown = 0;
        if (c->metrics)
            for (; shown < x.nmetrics && shown < 4; shown++)
                shown_ix[shown] = x.metrics[shown];
        else
            for (size_t k = 0; k < EX_HEADLINE_N; k++) {
                int m = ex_metric_find(ex_headline[k]);
                if (m >= 0)
                    shown_ix[shown++] = (size_t)m;
            }
        int width = 0; /* the longest label's */
        for (size_t k = 0; k < shown; k++) {
            char lb[OUT_METRIC_LABEL_MAX];
            int len = (int)strlen(ex_metric_label(shown_ix[k], lb, sizeof lb));
            width = len > width ? len : width;
        }
        printf("%s · sweep of %zu point%s · %zu replication%s each · seed %" PRIu64 "\n",
               x.base->name, g.npoints, g.npoints == 1 ? "" : "s", x.reps,
               x.reps == 1 ? "" : "s", x.seed);
        if (x.reps >= 2)
            printf("Means with 95%% CIs; every point ran on the same random numbers, so each\n"
                   "point after the first also shows its difference from point 0, taken\n"
                   "replication by replication, with its 95%% CI (percentage points for "
                   "shares).\n");
        else
            printf("One replication a point: its values, with no confidence intervals or\n"
                   "paired differences (they need two or more replications, -r).\n");
        if (c->metrics && x.nmetrics > shown)
            printf("The first %zu of the %zu metrics asked for; sweep.csv has every one.\n",
                   shown, x.nmetrics);
        putchar('\n');
        for (size_t i = 0; i < g.npoints; i++) {
            printf("point %zu:", i);
            for (size_t v = 0; v < x.nvars; v++)
                printf(" %s", g.assign[i * g.nvars + v]);
            putchar('\n');
            for (size_t k = 0; k < shown; k++) {
                char b[96], dd[96], lb[OUT_METRIC_LABEL_MAX];
                sim_summary s = ex_point_summary(&pts[i], shown_ix[k], pts[i].nreps);
                printf("    %-*s %s\n", width, ex_metric_label(shown_ix[k], lb, sizeof lb),
                       xp_fmt(shown_ix[k], &s, b, sizeof b));
                if (i > 0 && x.reps >= 2)
                    printf("    %-*s %s\n", width, "  vs point 0",
                           xp_fmt_diff(shown_ix[k], &pts[i], &pts[0], x.reps, dd, sizeof dd));
            }
            /* run's warnings at this point: a list growing through the window is a
             * service whose figures hold for the window only. */
            for (const char *l = pp.warn[i]; l && *l;) {
                const char *e = strchr(l, '\n');
                int len = e ? (int)(e - l) : (int)strlen(l);
                printf("    ! %.*s\n", len, l);
                l += len + (e != NULL);
            }
        }
        printf("\nOutputs in %s/ (sweep.html: response curves; sweep.csv: %s at every "
               "point%s)\n",
               c->outdir ? c->outdir : x.outdir,
               c->metrics ? "the metrics of --metrics" : "every metric",
               c->per_point ? "; points/NNNN/: each point's full outputs" : "");
    }
    ret = EXIT_OK;
out:
    for (size_t i = 0; pts && i < g.npoints; i++)
        ex_point_free(&pts[i]);
    for (size_t i = 0; warn && i < g.npoints; i++)
        free(warn[i]);
    free(warn);
    free(pts);
    grid_free(&g);
    xp_free(&x);
    return ret;
}
