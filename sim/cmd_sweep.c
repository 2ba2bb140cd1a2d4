/* sweep: every point of a grid or a Latin hypercube, each run to -r replications on the
 * same random numbers; sweep.csv, sweep.html and the table (see cmd_explore.h for what
 * the explorations share). */
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
#include "out_metrics.h"
#include "out_services.h"
#include "out_write.h"
#include "par.h"
#include "run_checks.h"

/* ======================================================================================
 * sweep
 * ====================================================================================== */

/* The sweep's points: nvars assignments each ("key=value"), point-major. */
typedef struct grid {
    size_t npoints, nvars;
    char **assign;
} grid;

/* Free the grid's assignments and zero it (safe on a zeroed grid). */
static void grid_free(grid *g)
{
    for (size_t i = 0; g->assign && i < g->npoints * g->nvars; i++)
        free(g->assign[i]);
    free(g->assign);
    memset(g, 0, sizeof *g);
}

/* The most points a sweep may have. */
#define MAX_POINTS 100000

/* Every combination of the vars' values, the last var varying fastest. Into g (g owns the
 * assignments, grid_free). Returns EXIT_OK, EXIT_USAGE after a message (a range that cannot
 * be gridded, or too many points) or EXIT_RUNTIME out of memory (said by the caller). */
static int make_grid(const xp *x, grid *g)
{
    double all = 1;
    for (size_t v = 0; v < x->nvars; v++) {
        if (x->vars[v].n == 0) {
            /* Whole as written (ex_parse_vary): 8.0 and 1e2 are whole numbers, but a range
             * written with them is taken for a decimal one. */
            fprintf(stderr, "stepsim: sweep: --vary '%s': a range whose ends are not written "
                    "as whole numbers (as 8 or 30, not 8.0 or 1e2) needs a STEP "
                    "(KEY=FROM:TO:STEP), or sample it with --samples\n", x->c->varies[v]);
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

/* A Latin hypercube of n points over the vars' ranges: each range cut into n strata, one
 * point in each, strata matched at random across vars; drawn from the seed. Into g (g owns
 * the assignments, grid_free). Returns EXIT_OK or EXIT_RUNTIME out of memory (said by the
 * caller). */
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
            /* A whole-number key: its hi - lo + 1 values each an equal part of [0, 1),
             * cut into the strata, so the values are stratified too (each once when n is
             * their number). Rounding lo + u (hi - lo) gave the ends half the others'
             * share and let a value come twice and its neighbour never. */
            if (var->integer)
                at = fmin(var->lo + floor(u * (var->hi - var->lo + 1)), var->hi);
            char buf[EX_KEY_MAX + 64];
            /* A whole-number key rounded, another to a hundred-thousandth of the range:
             * what prints runs. */
            (void)ex_var_assign(var, at, buf, sizeof buf);
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
    char **warn; /* each point's warnings as run prints them, NULL: none (point_results) */
    int write_sets;        /* --per-point */
} per_point;

static int write_point_set(void *ctx, const ex_point *pt, const pw_results *res, size_t n,
                           char *err, size_t errlen);

/* A point's warnings when its checks ran out of memory: said in the table in place of
 * them, for silence would read as a point with none. Not malloc'd (warn_free). */
static char warn_unknown[] = "Checks warning: out of memory, so this point's checks were not "
                             "made: its warnings, if any, are not shown";

/* Each line of text (NULL: none) to f after `prefix`: a point's warnings under it. */
static void put_lines(FILE *f, const char *prefix, const char *text)
{
    for (const char *l = text; l && *l;) {
        const char *e = strchr(l, '\n');
        int len = e ? (int)(e - l) : (int)strlen(l);
        fprintf(f, "%s%.*s\n", prefix, len, l);
        l += len + (e != NULL);
    }
}

/* Release a point's warnings (NULL and warn_unknown too). */
static void warn_free(char *w)
{
    if (w != warn_unknown)
        free(w);
}

/* ex_run_opts.results of the sweep: keep pt's warnings as run prints them in ctx's
 * per_point (its warn[i]: malloc'd, NULL when none, warn_unknown when memory ran out;
 * a previous one released) and, with --per-point, write its set of outputs. Returns 0,
 * or -1 with err set (write_point_set). */
static int point_results(void *ctx, const ex_point *pt, const pw_results *res, size_t n,
                         char *err, size_t errlen)
{
    per_point *pp = ctx;
    size_t i = (size_t)(pt - pp->first);
    warn_free(pp->warn[i]);
    pp->warn[i] = run_checks_text(pt->p, res, n, 1, pt->fed);
    if (!pp->warn[i]) {
        pp->warn[i] = warn_unknown;
    } else if (!pp->warn[i][0]) { /* no warning */
        free(pp->warn[i]);
        pp->warn[i] = NULL;
    }
    return pp->write_sets ? write_point_set(ctx, pt, res, n, err, errlen) : 0;
}

/* --per-point: pt's n replications' outputs, as run writes them (report.html too), into
 * points/NNNN of the sweep's staged set (NNNN the point's number). Returns 0, or non-zero
 * with err set. */
static int write_point_set(void *ctx, const ex_point *pt, const pw_results *res, size_t n,
                           char *err, size_t errlen)
{
    per_point *pp = ctx;
    char sub[64];
    snprintf(sub, sizeof sub, "points/%04zu", (size_t)(pt - pp->first));
    char *dir = out_path_join(pp->x->set.stage, sub);
    if (!dir) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Its page too, as run writes one: every set of outputs has its report.html; a
     * federation's services.csv as well. */
    const char *extra[] = {"report.html", "services.csv"};
    const scn_federation *fed = pt->fed;
    if (!fed && pp->x->picked.picked) /* --service: whose seed it is, as run's set says */
        fed = &pp->x->picked;
    if (out_mkdir_p(dir, err, errlen) != 0 ||
        (fed && fed->n && out_write_services(dir, pt->p, fed->services, fed->scale,
                                             fed->staffing, fed->n, res, n, err,
                                             errlen) != 0) ||
        out_write_report(dir, pt->p, res, n, fed, pp->x->c->start_date, err, errlen) != 0) {
        free(dir);
        return -1;
    }
    out_run_info info;
    out_run_info_init(&info);
    info.extra = extra;
    info.nextra = fed && fed->n ? 2 : 1;
    info.service = pp->x->c->service;
    info.federation_seed = pp->x->picked.picked_from;
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
        fprintf(stderr, "stepsim: out of memory\n");
        ret = EXIT_RUNTIME;
        goto out;
    }
    x.batch = xp_batch_points(&x);
    /* A federation's services are held by the batch being run alone. */
    x.kept_bytes = (double)g.npoints * xp_point_bytes(&x, 0) +
                   (double)x.batch * (xp_point_bytes(&x, 1) - xp_point_bytes(&x, 0));
    x.kept_what = x.nservices ? "every point's parameters and metrics (the points of --vary "
                                "or --samples, x replications; a federation's services only "
                                "while a point runs)"
                              : "every point's parameters and metrics (the points of --vary "
                                "or --samples, x replications)";
    /* Every point loads before anything runs: a bad value stops the sweep at once. */
    for (size_t i = 0; i < g.npoints; i++) {
        if ((ret = xp_load_point(&x, (const char *const *)g.assign + i * g.nvars, &pts[i])) !=
            EXIT_OK)
            goto out;
        ex_point_drop_services(&pts[i]);
    }
    /* Points run in batches that fill every thread of every rank (a point alone when its
     * replications do), so a sweep of many points with few replications each still
     * spreads over the ranks; results do not depend on the batching. */
    size_t batch = x.batch;
    warn = calloc(g.npoints, sizeof *warn);
    per_point pp = {&x, pts, warn, c->per_point};
    if (!warn) {
        fprintf(stderr, "stepsim: out of memory\n");
        ret = EXIT_RUNTIME;
        goto out;
    }
    /* The warnings are the table's and sweep.html's: made with -q too, so that the page
     * is the same with -q or without (it once had none of them). */
    x.run.results = point_results;
    x.run.results_ctx = &pp;
    app_progress_ctx pc = app_progress_start(x.name, "points");
    for (size_t i = 0; i < g.npoints; i += batch) {
        size_t k = g.npoints - i < batch ? g.npoints - i : batch;
        for (size_t j = i; j < i + k && ret == EXIT_OK; j++)
            ret = xp_with_services(&x, (const char *const *)g.assign + j * g.nvars, &pts[j]);
        if (ret == EXIT_OK)
            ret = xp_run_points(&x, &pts[i], k, x.reps);
        for (size_t j = i; j < i + k; j++)
            ex_point_drop_services(&pts[j]);
        if (ret != EXIT_OK)
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
        /* run's warnings at this point, as the table prints them (null: none). */
        fputs("}, \"warnings\": ", pg.data);
        out_json_str(pg.data, pp.warn[i]);
        fputc('}', pg.data);
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
        char fed[64], whose[96];
        printf("%s%s · sweep of %zu point%s · %zu replication%s each · seed %" PRIu64 "%s\n",
               x.base->name, xp_services_note(&x, fed, sizeof fed), g.npoints,
               g.npoints == 1 ? "" : "s", x.reps,
               x.reps == 1 ? "" : "s", x.seed, xp_seed_note(&x, whose, sizeof whose));
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
            put_lines(stdout, "    ! ", pp.warn[i]);
        }
        printf("\nOutputs in %s/ (sweep.html: response curves; sweep.csv: %s at every "
               "point%s)\n",
               c->outdir ? c->outdir : x.outdir,
               c->metrics ? "the metrics of --metrics" : "every metric",
               c->per_point ? "; points/NNNN/: each point's full outputs" : "");
    } else {
        /* -q: no table, but each point's warnings on stderr, as run -q and compare -q give
         * theirs (a scripted sweep said nothing of a point whose lists outgrow it). */
        for (size_t i = 0; i < g.npoints; i++) {
            if (!pp.warn[i])
                continue;
            fprintf(stderr, "point %zu:", i);
            for (size_t v = 0; v < x.nvars; v++)
                fprintf(stderr, " %s", g.assign[i * g.nvars + v]);
            fputc('\n', stderr);
            put_lines(stderr, "    ", pp.warn[i]);
        }
    }
    ret = EXIT_OK;
out:
    for (size_t i = 0; pts && i < g.npoints; i++)
        ex_point_free(&pts[i]);
    for (size_t i = 0; warn && i < g.npoints; i++)
        warn_free(warn[i]);
    free(warn);
    free(pts);
    grid_free(&g);
    xp_free(&x);
    return ret;
}
