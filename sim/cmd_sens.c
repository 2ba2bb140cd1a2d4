/* sensitivity: which inputs move which outputs, by Morris elementary effects or Sobol
 * indices (estimators in sens.c). Each design point is the scenario with the inputs set
 * inside their --vary ranges, run for -r replications (default 5) on the same random
 * numbers; the model output at a point is a metric's mean over them. */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_explore.h"
#include "out_metrics.h"
#include "sens.h"

enum { DEFAULT_REPS = 5, DEFAULT_TRAJECTORIES = 10, DEFAULT_BASE_ROWS = 64, BOOTSTRAP = 1000 };
/* Below this many base rows Sobol's indices are said to be rough (the estimators' error
 * falls as 1/sqrt(N); at 4 rows indices of -6.5 and 24 were seen). */
enum { SOBOL_ROUGH_BELOW = 32 };

/* Metrics shown when --metrics is not given. */
static const char default_metrics[] =
    "within_6_weeks_true,recovery_rate_true,recovery_rate_reported,wait_to_treatment_days_mean,"
    "cost_per_year_gbp";

/* One input's statistic for the tornado and the CSV. */
typedef struct effect {
    size_t input;
    double value, lo, hi; /* mu* or ST with its CI */
} effect;

/* qsort's order of effects by decreasing value. Returns <0, 0 or >0 as a sorts before, with
 * or after b. */
static int by_value_desc(const void *a, const void *b)
{
    double x = ((const effect *)a)->value, y = ((const effect *)b)->value;
    return (y > x) - (y < x);
}

/* One row of the sensitivity CSV to f: the scenario's label, method, metric m, input's key
 * (quoted as CSV needs), stat and v with its CI [lo, hi]. */
static void csv_row(FILE *f, const xp *x, const char *method, size_t m, size_t input,
                    const char *stat, double v, double lo, double hi)
{
    char name[OUT_METRIC_NAME_MAX];
    fprintf(f, "%s,%s,%s,", x->csv_label, method, ex_metric_name(m, name, sizeof name));
    out_csv_str(f, x->vars[input].key);
    fprintf(f, ",%s,", stat);
    out_csv_num(f, v);
    fputc(',', f);
    out_csv_num(f, lo);
    fputc(',', f);
    out_csv_num(f, hi);
    fputc('\n', f);
}

/* The tornado of one metric: inputs by decreasing effect, bars scaled to the largest, to
 * out (none when NULL: -q). Morris's mu* is in the metric's unit, a share's in percentage
 * points (as on the page); Sobol's indices have none. `span` is what the metric moved over
 * every point run (its largest value less its smallest): a mu* above it comes from a step
 * that scaled up to the whole range reads more than the metric ever moved, and a note says
 * so, into note[nn] as the terminal prints it (the page shows the same; "" for none). */
static void tornado(FILE *out, const xp *x, size_t m, effect *e, int sobol, double span,
                    size_t rows, char *note, size_t nn)
{
    char name[OUT_METRIC_NAME_MAX], lb[OUT_METRIC_LABEL_MAX];
    qsort(e, x->nvars, sizeof *e, by_value_desc);
    double top = e[0].value > 0 ? e[0].value : 1;
    static const char *const in[OUT_U_N] = {
        [OUT_U_SHARE] = " in percentage points", [OUT_U_DAYS] = " in days",
        [OUT_U_PEOPLE] = " in people", [OUT_U_SESSIONS] = " in sessions",
        [OUT_U_GBP] = " in pounds"};
    out_unit u;
    out_metric_label(m, lb, &u);
    double k = !sobol && u == OUT_U_SHARE ? 100 : 1; /* as on the page */
    /* Every row to the decimals the largest effect needs (Sobol's indices to three), so
     * the column reads as one scale and each interval as its estimate. */
    double big = fabs(k * top);
    int d = sobol || big < 1 ? 3 : big < 10 ? 2 : big < 100 ? 1 : 0;
    note[0] = '\0';
    if (!sobol && isfinite(top) && e[0].value > span * (1 + 1e-9))
        snprintf(note, nn,
                 "    (mu* above the %.*f the metric moved over all %zu runs: it changes more\n"
                 "    steeply than in proportion within a step, so read the order of the\n"
                 "    inputs, not mu* as a change the metric can make)",
                 d, k * span, rows);
    if (!out)
        return;
    fprintf(out, "%s (%s), %s%s:\n", lb, ex_metric_name(m, name, sizeof name),
            sobol ? "ST" : "mu*", !sobol && in[u] ? in[u] : "");
    for (size_t i = 0; i < x->nvars; i++) {
        int bar = isfinite(e[i].value) && e[i].value > 0 ? (int)lround(30 * e[i].value / top) : 0;
        fprintf(out, "    %-36s %-30.*s %.*f [%.*f, %.*f]\n", x->vars[e[i].input].key, bar,
                "##############################", d, k * e[i].value, d, k * e[i].lo, d,
                k * e[i].hi);
    }
    if (note[0])
        fprintf(out, "%s\n", note);
}

/* A metric's values over the rows run: the points where it is undefined counted, and when
 * there are any, the note that says it is left out into note[nn] (printed where its
 * tornado would be, and on the page with the other notes). Returns the count. */
static size_t undefined_note(size_t m, const double *ym, size_t rows, char *note, size_t nn)
{
    char name[OUT_METRIC_NAME_MAX];
    size_t bad = 0;
    for (size_t r = 0; r < rows; r++)
        bad += !isfinite(ym[r]);
    if (bad)
        snprintf(note, nn, "%s: undefined at %zu of %zu points; left out",
                 ex_metric_name(m, name, sizeof name), bad, rows);
    return bad;
}

/* A design row's assignments: each input at lo + u (hi - lo) as ex_var_assign sets it
 * (a whole-number key rounded), into assign[]; and, when run is not NULL, where each
 * input is as set on the same scale, (value - lo) / (hi - lo), into run[]. */
static void row_assign(const xp *x, const double *u, char **assign, double *run)
{
    for (size_t v = 0; v < x->nvars; v++) {
        const ex_var *var = &x->vars[v];
        double w = var->hi - var->lo;
        double at = ex_var_assign(var, var->lo + u[v] * w, assign[v], EX_KEY_MAX + 32);
        if (run)
            run[v] = (at - var->lo) / w;
    }
}

int cmd_sensitivity(const cli *c, int argc, char **argv)
{
    cli cc = *c;
    if (!cc.metrics)
        cc.metrics = default_metrics;
    if (cc.replications <= 0)
        cc.replications = DEFAULT_REPS;
    int sobol = c->method && !strcmp(c->method, "sobol");
    xp x;
    size_t k = c->nvaries, n = 0, rows = 0, *moved = NULL;
    double *design = NULL, *as_run = NULL, *y = NULL;
    char **assign = NULL;
    gsl_rng *rng = NULL;
    int ret = xp_begin(&x, &cc, "sensitivity", 1);
    if (ret != EXIT_OK || (ret = xp_check_vars(&x)) != EXIT_OK)
        goto out;
    if (sobol && k > SENS_SOBOL_MAX_INPUTS) {
        fprintf(stderr, "stepsim: sensitivity: Sobol takes at most %d inputs\n",
                SENS_SOBOL_MAX_INPUTS);
        ret = EXIT_USAGE;
        goto out;
    }
    n = c->samples > 0 ? (size_t)c->samples : sobol ? DEFAULT_BASE_ROWS : DEFAULT_TRAJECTORIES;
    if (n < 2) {
        /* One trajectory or base row gives one elementary effect or one pair an input:
         * no spread, so no index with a CI (Sobol's came out as nan). */
        fprintf(stderr, "stepsim: sensitivity: --samples must be at least 2 (got %zu): %s\n", n,
                sobol ? "base rows for Sobol" : "trajectories for Morris");
        ret = EXIT_USAGE;
        goto out;
    }
    rows = sobol ? sens_sobol_rows(k, n) : sens_morris_rows(k, n);
    design = malloc(rows * k * sizeof *design);
    as_run = malloc(rows * k * sizeof *as_run);
    y = malloc(rows * x.nmetrics * sizeof *y);
    moved = malloc(n * k * sizeof *moved);
    assign = calloc(k, sizeof *assign);
    rng = gsl_rng_alloc(gsl_rng_taus2);
    ret = design && as_run && y && moved && assign && rng ? EXIT_OK : EXIT_RUNTIME;
    for (size_t v = 0; v < k && ret == EXIT_OK; v++)
        if (!(assign[v] = malloc(EX_KEY_MAX + 32)))
            ret = EXIT_RUNTIME;
    if (ret != EXIT_OK) {
        fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    x.kept_bytes = (double)rows * (double)(k + x.nmetrics) * sizeof(double);
    x.kept_what = "the design and each run's metrics (--samples, the inputs of --vary)";
    gsl_rng_set(rng, (unsigned long)(x.seed ^ 0x53454e53u)); /* "SENS" */
    if (sobol)
        (void)sens_sobol_design(k, n, design);
    else
        sens_morris_design(k, n, rng, design, moved);
    /* The design as run: a whole-number key's values rounded, another's to a
     * hundred-thousandth of its range. Morris divides each change by the step its input
     * took as run (8:13 moves 3 where the plan's 2/3 of the range is 3.33), so mu* is the
     * change across the whole range; between whole-number ends a step always moves
     * (ex_var_parse). */
    for (size_t r = 0; r < rows; r++)
        row_assign(&x, design + r * k, assign, as_run + r * k);
    for (size_t t = 0; !sobol && t < n; t++)
        for (size_t j = 0; j < k; j++) {
            size_t i = moved[t * k + j], r = t * (k + 1) + j;
            assert(as_run[(r + 1) * k + i] != as_run[r * k + i]);
        }

    /* Evaluate every row: the scenario with each input at lo + u (hi - lo). */
    out_file pf;
    if ((ret = xp_open(&x, &pf, "sensitivity_points.csv")) != EXIT_OK)
        goto out;
    fputs("scenario,row", pf.f);
    for (size_t v = 0; v < k; v++) {
        fputc(',', pf.f);
        out_csv_str(pf.f, x.vars[v].key);
    }
    char name[OUT_METRIC_NAME_MAX];
    for (size_t j = 0; j < x.nmetrics; j++)
        fprintf(pf.f, ",%s", ex_metric_name(x.metrics[j], name, sizeof name));
    fputc('\n', pf.f);
    /* Rows run in batches that fill every thread of every rank (xp_batch_points). */
    size_t batch = x.batch = xp_batch_points(&x);
    ex_point *pts = calloc(batch, sizeof *pts);
    if (!pts) {
        out_file_abort(&pf);
        ret = EXIT_RUNTIME;
        goto out;
    }
    app_progress_ctx pc = app_progress_start(x.name, "points");
    for (size_t r0 = 0; r0 < rows && ret == EXIT_OK; r0 += batch) {
        size_t nb = rows - r0 < batch ? rows - r0 : batch, loaded = 0;
        for (; loaded < nb; loaded++) {
            row_assign(&x, design + (r0 + loaded) * k, assign, NULL);
            if ((ret = xp_load_point(&x, (const char *const *)assign, &pts[loaded])) !=
                EXIT_OK)
                break;
        }
        if (ret == EXIT_OK)
            ret = xp_run_points(&x, pts, nb, x.reps);
        for (size_t b = 0; b < loaded && ret == EXIT_OK; b++) {
            size_t r = r0 + b;
            row_assign(&x, design + r * k, assign, NULL);
            fprintf(pf.f, "%s,%zu", x.csv_label, r);
            for (size_t v = 0; v < k; v++)
                fprintf(pf.f, ",%s", strchr(assign[v], '=') + 1);
            for (size_t j = 0; j < x.nmetrics; j++) {
                y[j * rows + r] = ex_point_summary(&pts[b], x.metrics[j], pts[b].nreps).mean;
                fputc(',', pf.f);
                out_csv_num(pf.f, y[j * rows + r]);
            }
            fputc('\n', pf.f);
        }
        for (size_t b = 0; b < loaded; b++)
            ex_point_free(&pts[b]);
        if (ret == EXIT_OK)
            app_progress(&pc, r0 + nb, rows);
    }
    free(pts);
    if (ret != EXIT_OK) {
        out_file_abort(&pf);
        goto out;
    }
    if ((ret = xp_close(&x, &pf)) != EXIT_OK)
        goto out;

    out_file f;
    if ((ret = xp_open(&x, &f, "sensitivity.csv")) != EXIT_OK)
        goto out;
    fputs("scenario,method,metric,input,statistic,value,ci_low,ci_high\n", f.f);
    effect *eff = calloc(k, sizeof *eff);
    sens_morris *mo = calloc(k, sizeof *mo);
    sens_sobol *so = calloc(k, sizeof *so);
    out_page pg;
    if (!eff || !mo || !so || xp_page(&x, &pg, "sensitivity") != EXIT_OK) {
        free(eff), free(mo), free(so);
        out_file_abort(&f);
        ret = EXIT_RUNTIME;
        goto out;
    }
    fprintf(pg.data, ", \"method\": \"%s\", \"samples\": %zu, \"runs\": %zu",
            sobol ? "sobol" : "morris", n, rows);
    size_t shown = 0;
    char fed[64], whose[96];
    if (!c->quiet)
        printf("%s%s · sensitivity (%s, %zu %s, %zu runs of %zu replication%s) · seed %" PRIu64
               "%s\n%s\n\n", x.base->name, xp_services_note(&x, fed, sizeof fed),
               sobol ? "Sobol" : "Morris", n,
               sobol ? "base rows" : "trajectories", rows, x.reps, x.reps == 1 ? "" : "s", x.seed,
               xp_seed_note(&x, whose, sizeof whose),
               sobol ? "Total-order index ST with its 95% bootstrap CI (first-order S1 in "
                       "sensitivity.csv)."
                     : "mu*: the mean absolute elementary effect, with a 95% bootstrap CI: "
                       "the metric's change\nover one step of the input (two thirds of its "
                       "range), scaled to the whole range as if\nin proportion; the order "
                       "ranks the inputs, and a mu* can pass what the metric moves.");
    /* The terminal's notes, each on the page too ("notes": the text as printed; a
     * tornado's own in its result). */
    char note[512];
    size_t nnotes = 0;
    fputs(",\n\"notes\": [", pg.data);
    if (sobol && n < SOBOL_ROUGH_BELOW) {
        snprintf(note, sizeof note,
                 "Note: %zu base rows are few for Sobol's estimators: an index can fall outside "
                 "[0, 1]\nand outside its own interval. Use %d or more (the default) before "
                 "acting on a ranking.", n, DEFAULT_BASE_ROWS);
        if (!c->quiet)
            printf("%s\n\n", note);
        fputs(nnotes++ ? ", " : "", pg.data);
        out_json_str(pg.data, note);
    }
    for (size_t j = 0; j < x.nmetrics; j++)
        if (undefined_note(x.metrics[j], y + j * rows, rows, note, sizeof note)) {
            fputs(nnotes++ ? ", " : "", pg.data);
            out_json_str(pg.data, note);
        }
    fprintf(pg.data, "],\n\"results\": [");
    for (size_t j = 0; j < x.nmetrics; j++) {
        size_t m = x.metrics[j];
        const double *ym = y + j * rows;
        if (undefined_note(m, ym, rows, note, sizeof note)) {
            if (!c->quiet)
                printf("%s\n\n", note);
            continue;
        }
        if (sobol) {
            (void)sens_sobol_analyse(k, n, ym, BOOTSTRAP, rng, so);
            for (size_t i = 0; i < k; i++) {
                csv_row(f.f, &x, "sobol", m, i, "S1", so[i].s1, so[i].s1_lo, so[i].s1_hi);
                csv_row(f.f, &x, "sobol", m, i, "ST", so[i].st, so[i].st_lo, so[i].st_hi);
                eff[i] = (effect){i, so[i].st, so[i].st_lo, so[i].st_hi};
            }
        } else {
            (void)sens_morris_analyse(k, n, as_run, moved, ym, BOOTSTRAP, rng, mo);
            for (size_t i = 0; i < k; i++) {
                csv_row(f.f, &x, "morris", m, i, "mu_star", mo[i].mu_star, mo[i].mu_star_lo,
                        mo[i].mu_star_hi);
                csv_row(f.f, &x, "morris", m, i, "mu", mo[i].mu, NAN, NAN);
                csv_row(f.f, &x, "morris", m, i, "sigma", mo[i].sigma, NAN, NAN);
                eff[i] = (effect){i, mo[i].mu_star, mo[i].mu_star_lo, mo[i].mu_star_hi};
            }
        }
        fprintf(pg.data, "%s\n{\"metric\": \"%s\", \"inputs\": [", shown++ ? "," : "",
                ex_metric_name(m, name, sizeof name));
        for (size_t i = 0; i < k; i++) {
            fputs(i ? ", {\"input\": " : "{\"input\": ", pg.data);
            out_json_str(pg.data, x.vars[eff[i].input].key);
            out_json_kv_num(pg.data, "value", eff[i].value);
            out_json_kv_num(pg.data, "ci_low", eff[i].lo);
            out_json_kv_num(pg.data, "ci_high", eff[i].hi);
            fputc('}', pg.data);
        }
        fputc(']', pg.data);
        double lo = ym[0], hi = ym[0];
        for (size_t r = 1; r < rows; r++) {
            lo = fmin(lo, ym[r]);
            hi = fmax(hi, ym[r]);
        }
        tornado(c->quiet ? NULL : stdout, &x, m, eff, sobol, hi - lo, rows, note, sizeof note);
        if (note[0])
            out_json_kv_str(pg.data, "note", note);
        fputc('}', pg.data);
        if (!c->quiet)
            putchar('\n');
    }
    fputc(']', pg.data);
    /* The inputs and the ranges they were drawn from, for the page to state. */
    fputs(",\n\"ranges\": [", pg.data);
    for (size_t i = 0; i < k; i++) {
        fputs(i ? ", {\"input\": " : "{\"input\": ", pg.data);
        out_json_str(pg.data, x.vars[i].key);
        out_json_kv_num(pg.data, "lo", x.vars[i].lo);
        out_json_kv_num(pg.data, "hi", x.vars[i].hi);
        fputc('}', pg.data);
    }
    fputc(']', pg.data);
    free(eff);
    free(mo);
    free(so);
    if ((ret = xp_close(&x, &f)) != EXIT_OK || (ret = xp_save_page(&x, &pg, "sensitivity.html")))
        goto out;
    const char *files[] = {"sensitivity.csv", "sensitivity_points.csv", "sensitivity.html"};
    if ((ret = xp_finish(&x, files, 3, argc, argv)) != EXIT_OK)
        goto out;
    if (!c->quiet)
        printf("Outputs in %s/ (sensitivity.html: tornado diagrams; sensitivity.csv: every "
               "index; sensitivity_points.csv: every run)\n", c->outdir ? c->outdir : x.outdir);
    ret = EXIT_OK;
out:
    for (size_t v = 0; assign && v < k; v++)
        free(assign[v]);
    free(assign);
    free(design);
    free(as_run);
    free(y);
    free(moved);
    if (rng)
        gsl_rng_free(rng);
    xp_free(&x);
    return ret;
}
