/* calibrate: fit a scenario's free keys to target figures by simulation.
 *
 * Design
 * - The targets file (sim/scn_targets.c) names the figures (metric, value, tolerance) and
 *   the free keys (bounds, start). The distance of a point is
 *       sum over targets of ((simulated mean - value) / tolerance)^2,
 *   the simulated mean taken over -r replications (default 5); an undefined mean (nobody
 *   in its denominator) adds UNDEFINED_TERM (as a miss by 1,000 tolerances); tolerances are
 *   at least a billionth of their target (scn_targets.h), so no term overflows.
 * - Every point runs on the same master seed and replications 0 .. R-1 (common random
 *   numbers), so the distance is a deterministic function of the free values and the
 *   differences between points are not noise.
 * - GSL's Nelder-Mead (nmsimplex2) minimises the distance over an unbounded u: each free
 *   key is x = lower + (upper - lower) (1 + sin(pi u)) / 2, so every u is in bounds (as
 *   Minuit does). The first simplex steps each key by INITIAL_STEP of its range (at least
 *   one unit for an integer key), towards the middle.
 * - Values are set as text: an integer key rounded, any other on a grid of 1/10^4 to
 *   1/10^5 of its range (five significant figures of the range), so what is printed is
 *   exactly what ran. A point already run (the same texts) is not run again.
 * - It stops when the simplex size (GSL's, in u) falls below --simplex-size (default
 *   DEFAULT_SIMPLEX_SIZE) or after --max-evals evaluations (default DEFAULT_MAX_EVALS);
 *   a converged simplex is then polished on the integer keys (one step either way from the
 *   best point, while a step lowers the distance), since on rounded keys it may settle
 *   between two whole numbers; the answer is the evaluated point with the least distance
 *   (the first, on a tie).
 * - Nothing depends on the thread count: the same seed gives the same bytes on any -j.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_multimin.h>

#include "cmd.h"
#include "cmd_explore.h"
#include "out_file.h"
#include "out_metrics.h"
#include "scn_targets.h"

#include "calibrate.h"


/* ==== the free values ================================================================== */

/* u -> the key's value, in [lower, upper]. */
static double from_u(const scn_free_param *fp, double u)
{
    return fp->lower + (fp->upper - fp->lower) * (1 + sin(M_PI * u)) / 2;
}

/* The key's value -> u in [-1/2, 1/2]. */
static double to_u(const scn_free_param *fp, double x)
{
    double s = 2 * (x - fp->lower) / (fp->upper - fp->lower) - 1;
    return asin(s < -1 ? -1 : s > 1 ? 1 : s) / M_PI;
}

/* Decimals of the grid a continuous key is set on: five significant figures of its
 * range, at least one. */
static int grid_decimals(const scn_free_param *fp)
{
    int d = 4 - (int)floor(log10(fp->upper - fp->lower));
    return d < 1 ? 1 : d;
}

/* The text a value is set as into buf[VALUE_MAX]: in bounds, an integer key rounded, any
 * other on its grid without trailing zeros ("18.0", "0.135"; a bound off the grid is
 * written as it is). Returns the value the text reads as. */
static double value_text(const scn_free_param *fp, double x, char *buf)
{
    x = x < fp->lower ? fp->lower : x > fp->upper ? fp->upper : x;
    if (fp->integer) {
        snprintf(buf, VALUE_MAX, "%.0f", round(x));
        return strtod(buf, NULL);
    }
    char b[OUT_NUM_MAX];
    double v = strtod(out_fmt_fixed(b, x, grid_decimals(fp)), NULL);
    if (!*b || v < fp->lower || v > fp->upper)
        out_fmt_num(b, !*b ? x : v < fp->lower ? fp->lower : fp->upper);
    size_t len = strlen(b);
    while (strchr(b, '.') && len > 2 && b[len - 1] == '0' && b[len - 2] != '.')
        b[--len] = '\0';
    snprintf(buf, VALUE_MAX, "%s", b);
    return strtod(buf, NULL);
}

/* ==== points =========================================================================== */

/* "key=value" for each free key at the values x (malloc'd, as its strings; free with
 * assignments_free), or NULL if out of memory. */
static char **assignments(const calib *cb, const double *x)
{
    char **a = calloc(cb->k, sizeof *a);
    for (size_t i = 0; a && i < cb->k; i++) {
        const scn_free_param *fp = &cb->t.params[i];
        char v[VALUE_MAX];
        size_t n = strlen(fp->key) + sizeof v + 2;
        value_text(fp, x[i], v);
        if (!(a[i] = malloc(n))) {
            while (i-- > 0)
                free(a[i]);
            free(a);
            return NULL;
        }
        snprintf(a[i], n, "%s=%s", fp->key, v);
    }
    return a;
}

/* Free a point's k "key=value" assignments and their array (safe on NULL). */
static void assignments_free(char **a, size_t k)
{
    for (size_t i = 0; a && i < k; i++)
        free(a[i]);
    free(a);
}

/* Free what point p owns (its k assignments, its coordinates and its run), not p. */
static void cpoint_free(cpoint *p, size_t k)
{
    assignments_free(p->assign, k);
    free(p->x);
    ex_point_free(&p->pt);
}

/* The distance of a run point. */
static double distance_of(const calib *cb, const ex_point *pt)
{
    double d = 0;
    for (size_t j = 0; j < cb->t.ntargets; j++) {
        const scn_target *tg = &cb->t.targets[j];
        double m = ex_point_summary(pt, tg->index, pt->nreps).mean, z = (m - tg->value) /
                                                                       tg->tolerance;
        d += isfinite(m) ? z * z : UNDEFINED_TERM;
    }
    return d < DISTANCE_MAX ? d : DISTANCE_MAX; /* finite, or the simplex stops */
}

/* The point with the free values x (texts already rounded): found, or loaded and run.
 * Returns its index, or SIZE_MAX with cb->status set. */
static size_t point_at(calib *cb, const double *x)
{
    for (size_t i = 0; i < cb->npts; i++)
        if (!memcmp(cb->pts[i].x, x, cb->k * sizeof *x))
            return i;
    assert(cb->npts < cb->max_evals);
    cpoint *p = &cb->pts[cb->npts];
    memset(p, 0, sizeof *p);
    p->assign = assignments(cb, x);
    p->x = malloc(cb->k * sizeof *p->x);
    if (!p->assign || !p->x) {
        cpoint_free(p, cb->k);
        fprintf(stderr, "stepsim: out of memory\n");
        cb->status = EXIT_RUNTIME;
        return SIZE_MAX;
    }
    memcpy(p->x, x, cb->k * sizeof *x);
    int rc = xp_load_point(&cb->x, (const char *const *)p->assign, &p->pt);
    if (rc == EXIT_OK) {
        rc = xp_run(&cb->x, &p->pt, cb->x.reps);
        ex_point_drop_params(&p->pt); /* only the metrics are kept */
    }
    if (rc != EXIT_OK) {
        cpoint_free(p, cb->k);
        cb->status = rc;
        return SIZE_MAX;
    }
    p->distance = distance_of(cb, &p->pt);
    return cb->npts++;
}

/* A progress line: on a terminal at every evaluation, else every few seconds (as
 * app_progress), and a last one when `last` and anything was printed. */
static void progress(calib *cb, int last)
{
    app_progress_ctx *pc = &cb->pc;
    double now = app_wall_now();
    if (!pc->tty && (last ? !pc->printed : now - pc->last < pc->every))
        return;
    pc->last = now;
    pc->printed = 1;
    const cpoint *p = &cb->pts[cb->evals[cb->nevals - 1]];
    fprintf(stderr, "%sstepsim: %s: evaluation %zu of at most %zu, distance %.4g, best %.4g, "
            "%.1f s elapsed%s", pc->tty ? "\r" : "", pc->name, cb->nevals, cb->max_evals,
            p->distance, cb->pts[cb->best].distance, now - pc->t0,
            pc->tty && !last ? "\033[K" : "\n");
    fflush(stderr);
}

/* Evaluate the point x (texts already rounded) as the search's next evaluation: run it if
 * new, count it, keep it if best. Returns its index, or SIZE_MAX when the search must stop
 * (a failure, an interrupt, or --max-evals reached: cb says which). */
static size_t evaluate(calib *cb, const double *x)
{
    if (cb->status != EXIT_OK)
        return SIZE_MAX;
    if (cb->nevals == cb->max_evals) {
        cb->exhausted = 1;
        return SIZE_MAX;
    }
    size_t ran = cb->npts, i = point_at(cb, x);
    if (i == SIZE_MAX)
        return SIZE_MAX;
    cb->reused_run = cb->npts == ran ? cb->reused_run + 1 : 0;
    cb->evals[cb->nevals++] = i;
    if (cb->nevals == 1 || cb->pts[i].distance < cb->pts[cb->best].distance)
        cb->best = i;
    progress(cb, 0);
    return i;
}

/* The objective GSL minimises: the distance at u. NaN stops the minimiser (a failure, an
 * interrupt, or --max-evals reached: cb says which). */
static double objective(const gsl_vector *u, void *ctx)
{
    calib *cb = ctx;
    if (cb->status != EXIT_OK)
        return NAN;
    if (cb->nevals == cb->max_evals) {
        cb->exhausted = 1;
        return NAN;
    }
    double x[SCN_TARGETS_MAX_FREE];
    char v[VALUE_MAX];
    for (size_t i = 0; i < cb->k; i++)
        x[i] = value_text(&cb->t.params[i], from_u(&cb->t.params[i], gsl_vector_get(u, i)), v);
    size_t i = evaluate(cb, x);
    return i == SIZE_MAX ? NAN : cb->pts[i].distance;
}

/* After the simplex: integer keys one step either way from the best point, the others
 * kept, moving while a step lowers the distance. Nelder-Mead on rounded keys can settle
 * between two whole numbers and never try the better one. */
static void polish(calib *cb)
{
    int moved = 1;
    while (moved && cb->status == EXIT_OK && !cb->exhausted) {
        moved = 0;
        double x[SCN_TARGETS_MAX_FREE], y[SCN_TARGETS_MAX_FREE];
        memcpy(x, cb->pts[cb->best].x, cb->k * sizeof *x);
        for (size_t i = 0; i < cb->k && !moved; i++) {
            const scn_free_param *fp = &cb->t.params[i];
            for (int d = -1; fp->integer && d <= 1 && !moved; d += 2) {
                char v[VALUE_MAX];
                memcpy(y, x, cb->k * sizeof *y);
                y[i] = value_text(fp, x[i] + d, v);
                if (y[i] == x[i])
                    continue; /* at a bound */
                size_t before = cb->best, j = evaluate(cb, y);
                if (j == SIZE_MAX)
                    return;
                moved = cb->best != before;
            }
        }
    }
}

/* ==== the search ======================================================================= */

/* Run Nelder-Mead from the starts. *converged: the simplex shrank below tol. Returns
 * EXIT_OK or a status. */
static int minimise(calib *cb, double tol, int *converged, double *size)
{
    size_t k = cb->k;
    gsl_multimin_function fn = {objective, k, cb};
    gsl_vector *u = gsl_vector_alloc(k), *step = gsl_vector_alloc(k);
    gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(
        gsl_multimin_fminimizer_nmsimplex2, k);
    *converged = 0;
    *size = NAN;
    if (!u || !step || !s) {
        cb->status = EXIT_RUNTIME;
        fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < k; i++) {
        const scn_free_param *fp = &cb->t.params[i];
        double range = fp->upper - fp->lower, dx = INITIAL_STEP * range;
        if (fp->integer && dx < 1)
            dx = 1;
        /* Towards the middle, so the first step stays inside the range. */
        double to = fp->start + (fp->start <= fp->lower + range / 2 ? dx : -dx);
        gsl_vector_set(u, i, to_u(fp, fp->start));
        gsl_vector_set(step, i, to_u(fp, to) - to_u(fp, fp->start));
    }
    if (gsl_multimin_fminimizer_set(s, &fn, u, step) != GSL_SUCCESS)
        goto out;
    while (cb->status == EXIT_OK) {
        if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
            break;
        *size = gsl_multimin_fminimizer_size(s);
        if (*size < tol) {
            *converged = 1;
            break;
        }
        if (cb->reused_run >= STALL_EVALS(k)) {
            *converged = cb->settled = 1;
            break;
        }
    }
    if (*converged)
        polish(cb);
out:
    gsl_vector_free(u);
    gsl_vector_free(step);
    gsl_multimin_fminimizer_free(s);
    if (cb->status == EXIT_OK && !*converged && !cb->exhausted) {
        fprintf(stderr, "stepsim: calibrate: the minimiser stopped unexpectedly\n");
        cb->status = EXIT_RUNTIME;
    }
    return cb->status;
}

/* Load the scenario with every key at its start, then each at its lower and its upper bound
 * (the others at their starts): a bound the scenario rejects is a usage error, told before
 * anything runs. Returns EXIT_OK, or the load's status (its messages printed; out of memory
 * said). */
static int check_bounds(calib *cb)
{
    for (size_t j = 0; j <= 2 * cb->k; j++) {
        double x[SCN_TARGETS_MAX_FREE];
        for (size_t i = 0; i < cb->k; i++) {
            const scn_free_param *fp = &cb->t.params[i];
            x[i] = j > 0 && (j - 1) / 2 == i ? (j % 2 ? fp->lower : fp->upper) : fp->start;
        }
        char **assign = assignments(cb, x);
        int ret = assign ? EXIT_OK : EXIT_RUNTIME;
        ex_point pt;
        memset(&pt, 0, sizeof pt);
        if (ret == EXIT_OK && (ret = xp_load_point(&cb->x, (const char *const *)assign, &pt)) ==
                                  EXIT_USAGE && cb->x.load_refused) {
            size_t i = j ? (j - 1) / 2 : 0;
            fprintf(stderr, "%s:%u: free[%zu]: the scenario rejects %s (above)\n",
                    cb->x.c->targets_file, cb->t.params[i].line, i, j == 0 ? "the starts" :
                    j % 2 ? "this key at its lower bound" : "this key at its upper bound");
        }
        if (!assign)
            fprintf(stderr, "stepsim: out of memory\n");
        ex_point_free(&pt);
        assignments_free(assign, cb->k);
        if (ret != EXIT_OK)
            return ret;
    }
    return EXIT_OK;
}

/* ==== the command ====================================================================== */

/* Read the targets file against the scenario; EXIT_OK or a status (messages printed). */
static int load_targets(calib *cb)
{
    size_t nm = ex_metric_count();
    char **names = calloc(nm, sizeof *names);
    double *lo = calloc(nm, sizeof *lo), *hi = calloc(nm, sizeof *hi);
    int ret = names && lo && hi ? EXIT_OK : EXIT_RUNTIME;
    for (size_t m = 0; m < nm && ret == EXIT_OK; m++)
        if (!(names[m] = malloc(OUT_METRIC_NAME_MAX)))
            ret = EXIT_RUNTIME;
        else {
            ex_metric_name(m, names[m], OUT_METRIC_NAME_MAX);
            ex_metric_range(m, &lo[m], &hi[m]); /* a share's [0, 1]; a wait's from 0 */
        }
    if (ret == EXIT_OK) {
        scn_errors errs;
        scn_errors_init(&errs);
        int rc = scn_targets_load(cb->x.c->targets_file, cb->x.base,
                                  (const char *const *)names, lo, hi, nm, &cb->t, &errs);
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "%s\n", errs.msg[i]);
        scn_errors_free(&errs);
        ret = rc == SCN_OK ? EXIT_OK : rc == SCN_EINVALID ? EXIT_USAGE : EXIT_RUNTIME;
    }
    free(lo);
    free(hi);
    /* A free key the command line sets too: calibrate would set it at every evaluation,
     * silently, while the --set stood in every label. */
    for (size_t i = 0; ret == EXIT_OK && i < cb->t.nparams; i++)
        for (size_t j = 0; ret == EXIT_OK && j < cb->x.c->nsets; j++)
            if (cli_same_setting(cb->t.params[i].key, cb->x.c->sets[j])) {
                fprintf(stderr, "%s:%u: free[%zu].key: \"%s\" is free, and --set '%s' sets it "
                        "too; drop the --set (calibrate moves the key)\n",
                        cb->x.c->targets_file, cb->t.params[i].line, i, cb->t.params[i].key,
                        cb->x.c->sets[j]);
                ret = EXIT_USAGE;
            }
    if (ret == EXIT_RUNTIME)
        fprintf(stderr, "stepsim: out of memory\n");
    for (size_t m = 0; names && m < nm; m++)
        free(names[m]);
    free(names);
    return ret;
}

int cmd_calibrate(const cli *c, int argc, char **argv)
{
    cli cc = *c;
    if (cc.replications <= 0)
        cc.replications = DEFAULT_REPS;
    calib cb;
    memset(&cb, 0, sizeof cb);
    int converged = 0;
    double size = NAN, tol = isnan(c->simplex_size) ? DEFAULT_SIMPLEX_SIZE : c->simplex_size;
    int ret = xp_begin(&cb.x, &cc, "calibrate", 1);
    if (ret != EXIT_OK || (ret = load_targets(&cb)) != EXIT_OK)
        goto out;
    cb.k = cb.t.nparams;
    cb.max_evals = c->max_evals > 0 ? (size_t)c->max_evals : DEFAULT_MAX_EVALS;
    /* The free keys stand where --vary's would: xp_load_point sets one value each. */
    free(cb.x.vars);
    cb.x.vars = calloc(cb.k, sizeof *cb.x.vars);
    cb.evals = malloc(cb.max_evals * sizeof *cb.evals);
    cb.pts = calloc(cb.max_evals, sizeof *cb.pts);
    if (!cb.x.vars || !cb.evals || !cb.pts) {
        fprintf(stderr, "stepsim: out of memory\n");
        ret = EXIT_RUNTIME;
        goto out;
    }
    cb.x.nvars = cb.k;
    for (size_t i = 0; i < cb.k; i++)
        snprintf(cb.x.vars[i].key, sizeof cb.x.vars[i].key, "%s", cb.t.params[i].key);
    if ((ret = check_bounds(&cb)) != EXIT_OK)
        goto out;
    cb.pc = app_progress_start(cb.x.name, "evaluations");
    if ((ret = minimise(&cb, tol, &converged, &size)) != EXIT_OK)
        goto out;
    if (cb.nevals)
        progress(&cb, 1);
    if (cb.nevals == 0) {
        fprintf(stderr, "stepsim: calibrate: --max-evals %zu leaves no evaluation\n",
                cb.max_evals);
        ret = EXIT_USAGE;
        goto out;
    }

    out_file f;
    if (cb.x.base_fed || c->service) { /* the federation (or --service's service) at the
                                         * fitted values, for fitted.cfg */
        const cpoint *best = &cb.pts[cb.best];
        if (!(cb.fit_nat = malloc(sizeof *cb.fit_nat))) {
            fprintf(stderr, "stepsim: out of memory\n");
            ret = EXIT_RUNTIME;
            goto out;
        }
        if ((ret = app_load_federation(cb.x.c, cb.x.c->scenario,
                                       (const char *const *)best->assign, cb.k, cb.fit_nat,
                                       &cb.fit_fed)) != EXIT_OK)
            goto out;
    }
    if ((ret = xp_open(&cb.x, &f, "calibrate.csv")) != EXIT_OK)
        goto out;
    calib_write_csv(f.f, &cb);
    if ((ret = xp_close(&cb.x, &f)) != EXIT_OK || (ret = xp_open(&cb.x, &f, "fitted.cfg")) !=
                                                      EXIT_OK)
        goto out;
    calib_write_fitted(f.f, &cb, &cb.pts[cb.best]);
    if ((ret = xp_close(&cb.x, &f)) != EXIT_OK)
        goto out;
    const char *files[] = {"calibrate.csv", "fitted.cfg"};
    if ((ret = xp_finish(&cb.x, files, 2, argc, argv)) != EXIT_OK)
        goto out;
    if (!c->quiet)
        calib_report(&cb, converged, size, tol);
    ret = EXIT_OK;
out:
    for (size_t i = 0; i < cb.npts; i++)
        cpoint_free(&cb.pts[i], cb.k);
    free(cb.pts);
    free(cb.evals);
    scn_targets_free(&cb.t);
    free(cb.fit_nat);
    scn_federation_free(&cb.fit_fed);
    xp_free(&cb.x);
    return ret;
}
