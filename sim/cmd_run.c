/* The commands that run scenarios and write their outputs: run, compare and check. */
#include "cmd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "explore.h"
#include "models/pol.h"
#include "models/pw_results.h"
#include "models/pw_world.h"
#include "out_compare.h"
#include "out_dashboard.h"
#include "out_file.h"
#include "out_html.h"
#include "out_manifest.h"
#include "out_metrics.h"
#include "out_services.h"
#include "out_stream.h"
#include "out_write.h"
#include "par.h"
#include "precision.h"
#include "run_checks.h"
#include "runner.h"
#include "scn_load.h"
#include "sim/core/sim_rng.h"

/* Run more replications of p: from..to-1 into res[from..to) (paired comparisons under
 * --precision need the same count in every scenario). */
static int run_more(const char *scenario, const pw_params *p, const runner_opts *o,
                    size_t from, size_t to, pw_results *res)
{
    char err[1024];
    if (to <= from)
        return 0;
    int *reps = malloc((to - from) * sizeof *reps);
    if (!reps)
        return RUNNER_FAILED;
    for (size_t i = from; i < to; i++)
        reps[i - from] = (int)i;
    int rc = runner_run(p, reps, to - from, o, res + from, err, sizeof err);
    free(reps);
    if (rc != 0 && rc != RUNNER_INTERRUPTED)
        fprintf(stderr, "stepsim: %s: %s\n", scenario, err);
    return rc;
}

/* Run replications 0..rmax-1 of p into res (all of them, or by --precision as few as
 * meet it: *n gets the number kept). Prints failures but an interruption; returns 0,
 * RUNNER_FAILED or RUNNER_INTERRUPTED (res then released). */
static int run_reps(const prec_spec *prec, const char *scenario, const pw_params *p,
                    const runner_opts *o, size_t rmax, pw_results *res, size_t *n,
                    size_t *met_at)
{
    char err[1024];
    *met_at = 0;
    *n = 0;
    if (!prec) {
        int rc = run_more(scenario, p, o, 0, rmax, res);
        *n = rc == 0 ? rmax : 0;
        return rc;
    }
    int rc = prec_run(prec, p, o, rmax, res, n, met_at, err, sizeof err);
    if (rc == 0 && o->progress == app_progress) /* an open count: its last line */
        app_progress_end(o->progress_ctx, *n);
    if (rc != 0 && rc != RUNNER_INTERRUPTED)
        fprintf(stderr, "stepsim: %s: %s\n", scenario, err);
    return rc;
}

/* Write the result files of res[0..n) to dir (resources.csv with the streams, and
 * report.html); the run's description to *info. */
static int write_set(const cli *c, const pw_params *p, const scn_federation *fed,
                     const char *scenario, const char *dir, const runner_opts *o,
                     const pw_results *res, size_t n, double wall, int argc, char **argv,
                     out_run_info *info, const char **extra)
{
    char err[1024];
    out_run_info_init(info);
    info->extra = extra;
    info->nextra = 0;
    extra[info->nextra++] = "report.html";
    info->start_date = o->streams & OUT_STREAM_EVENTS ? c->start_date : NULL;
    if (out_mkdir_p(dir, err, sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        return RUNNER_FAILED;
    }
    if (o->streams & OUT_STREAM_EVENTS) {
        extra[info->nextra++] = "resources.csv";
        if (out_write_resources(dir, o->scenario_id, res, n, err, sizeof err) != 0) {
            fprintf(stderr, "stepsim: %s\n", err);
            return RUNNER_FAILED;
        }
    }
    if (fed->n) {
        extra[info->nextra++] = "services.csv";
        if (out_write_services(dir, p, fed->services, fed->scale, fed->staffing, fed->n, res,
                               n, err, sizeof err) != 0) {
            fprintf(stderr, "stepsim: %s\n", err);
            return RUNNER_FAILED;
        }
    }
    if (out_write_report(dir, p, res, n, fed, c->start_date, err, sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        return RUNNER_FAILED;
    }
    info->version = STEPSIM_VERSION;
    info->git_hash = cli_git_hash();
    info->libconfig_version = scn_libconfig_version();
    info->threads = o->threads;
    info->ranks = o->streams ? 1 : par_size(); /* streams keep a run in rank 0 (runner.h) */
    info->streams = o->streams;
    info->wall_seconds = wall;
    info->argc = argc;
    info->argv = argv;
    info->sets = c->sets;
    info->nsets = c->nsets;
    info->service = c->service;
    info->federation_seed = fed ? fed->picked_from : 0;
    int wrc = out_write_all(dir, p, scenario, res, n, info, err, sizeof err);
    if (wrc == OUT_ESTOPPED) /* a stop asked while the streams were hashed (out_stop_on) */
        return RUNNER_INTERRUPTED;
    if (wrc != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        return RUNNER_FAILED;
    }
    return 0;
}

/* --precision, parsed into *ps (NULL without it). EXIT_OK or a usage error (printed). */
static int precision_of(const cli *c, prec_spec *ps, prec_spec **out)
{
    char err[512];
    *out = NULL;
    if (!c->precision)
        return EXIT_OK;
    if (c->patients || c->events) {
        fprintf(stderr, "stepsim: --precision decides the replications as it goes; it cannot "
                        "be combined with --patients or --events\n");
        return EXIT_USAGE;
    }
    if (prec_parse(c->precision, ps, err, sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        return EXIT_USAGE;
    }
    *out = ps;
    return EXIT_OK;
}

/* --precision's metrics can have a value in scenario p (ex_metric_taken): EXIT_OK, or a
 * usage error (printed) before anything runs. */
static int precision_taken(const prec_spec *ps, const pw_params *p)
{
    char err[512];
    for (size_t k = 0; ps && k < ps->nmetrics; k++)
        if (!ex_metric_taken(p, ps->metrics[k], err, sizeof err)) {
            fprintf(stderr, "stepsim: --precision: %s\n", err);
            return EXIT_USAGE;
        }
    return EXIT_OK;
}

/* --precision with at most one replication allowed: no CI can be formed. Says so on stderr;
 * returns EXIT_USAGE. */
static int precision_needs_two(size_t rmax)
{
    fprintf(stderr, "stepsim: --precision needs at least 2 replications to form a confidence "
            "interval (got %zu: raise -r, or the scenario's replications)\n", rmax);
    return EXIT_USAGE;
}

/* What --precision decided, for the terminal; `undefined` names a metric that no number
 * of replications can make precise (prec_undefined), or is NULL. */
static void print_precision(const cli *c, size_t n, size_t met_at, size_t rmax,
                            const char *undefined)
{
    if (!c->precision)
        return;
    if (undefined)
        printf("--precision %s: NOT met: %s is undefined in every replication (it counts no "
               "one here), so no number of replications can meet it\n", c->precision,
               undefined);
    else if (met_at)
        printf("--precision %s: met and confirmed (look-ahead) with %zu replications of at "
               "most %zu\n", c->precision, n, rmax);
    else
        printf("--precision %s: NOT met within %zu replication%s (-r); more are needed\n",
               c->precision, rmax, rmax == 1 ? "" : "s");
}

/* The per-person files a run of p writes (OUT_STREAM_*): its output switches, or
 * --patients and --events (c NULL: the switches alone, once the options are applied). */
static unsigned streams_of(const pw_params *p, const cli *c)
{
    return (p->output.patients || (c && c->patients) ? OUT_STREAM_PATIENTS : 0u) |
           (p->output.events || (c && c->events) ? OUT_STREAM_EVENTS | OUT_STREAM_ARRIVALS
                                                  : 0u);
}

int cmd_run(const cli *c, pw_params *p, const scn_federation *fed, int argc, char **argv)
{
    int ret = EXIT_RUNTIME;
    prec_spec pspec, *prec = NULL;
    if (c->replications > 0)
        p->replications = (int)c->replications;
    p->seed = app_seed(c, p);
    if (c->patients)
        p->output.patients = 1;
    if (c->events)
        p->output.events = 1;
    if (p->replications - 1 > (int)SIM_RNG_MAX_REPLICATION) {
        fprintf(stderr, "stepsim: at most %u replications\n", SIM_RNG_MAX_REPLICATION + 1);
        return EXIT_USAGE;
    }
    if ((ret = precision_of(c, &pspec, &prec)) != EXIT_OK)
        return ret;
    if ((ret = precision_taken(prec, p)) != EXIT_OK) {
        prec_free(prec);
        return ret;
    }
    if ((ret = app_start_date_fits(c, pw_run_days(p), p->output.events)) != EXIT_OK) {
        if (prec)
            prec_free(prec);
        return ret;
    }
    app_note_start_date(c, p->bank_holidays); /* for a run that goes ahead */
    unsigned streams = streams_of(p, NULL);
    size_t rmax = (size_t)p->replications, n = 0, met_at = 0;
    if (prec && rmax < 2) {
        prec_free(prec);
        return precision_needs_two(rmax);
    }
    /* Before anything is allocated: the results of rmax replications are kept. */
    budget_run br = {c->scenario, app_budget_params(p, fed), rmax, app_threads(c), streams,
                     fed->n};
    if ((ret = app_check_memory(c, c->scenario, &br, 1,
                                app_federation_bytes(fed, rmax, app_threads(c)),
                                "a federation's services' results")) != EXIT_OK) {
        if (prec)
            prec_free(prec);
        return ret;
    }
    ret = EXIT_RUNTIME;
    app_label_overrides(p, c);
    char *name = app_short_name(c->scenario);
    char *outdir = c->outdir || !name ? NULL : app_default_outdir(c, name);
    /* The short id stream rows carry: the name, with a hash of any --set (as the folder). */
    char *sid = name ? app_default_outdir(c, name) : NULL;
    const char *dir = c->outdir ? c->outdir : outdir;
    pw_results *res = calloc(rmax, sizeof *res);
    out_set set = {0};
    if (!name || !dir || !res) {
        fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    if ((ret = app_begin_set(&set, dir)) != EXIT_OK)
        goto out;
    if (streams)
        app_warn_disk(set.stage, app_stream_bytes(p, fed, rmax, streams), streams);
    ret = EXIT_RUNTIME;
    app_progress_ctx pc = app_progress_start(name, "replications");
    runner_opts o = {
        .threads = app_threads(c),
        .outdir = set.stage,
        .stop = &app_stop_signal,
        .streams = streams,
        .scenario_id = sid ? sid + strlen("out/") : name,
        .start_days = c->start_days,
        .progress = app_progress,
        .progress_ctx = &pc,
        .part = prec ? NULL : app_progress_part, /* --precision counts replications only */
        .services = fed->services,
        .n_services = fed->n,
    };
    out_run_info info;
    const char *extra[4];
    double t0 = app_wall_now();
    int rc = run_reps(prec, c->scenario, p, &o, rmax, res, &n, &met_at);
    if (rc == 0)
        rc = write_set(c, p, fed, c->scenario, set.stage, &o, res, n, app_wall_now() - t0,
                       argc, argv, &info, extra);
    if (rc == RUNNER_INTERRUPTED) {
        ret = app_interrupted(set.outdir);
        goto out;
    }
    if (rc != 0 || (ret = app_publish_set(&set)) != EXIT_OK)
        goto out;
    if (!c->quiet) {
        out_print_dashboard(stdout, p, res, n, &info);
        char und[OUT_METRIC_NAME_MAX];
        print_precision(c, n, met_at, rmax,
                        prec && prec_undefined(prec, p, res, n, und, sizeof und) ? und : NULL);
        print_run_checks(stdout, p, res, n, NULL, fed);
        printf("\nOutputs in %s/\n", dir);
    } else {
        print_run_warnings(stderr, p, res, n, NULL, fed);
    }
    ret = EXIT_OK;
out:
    out_set_abort(&set);
    if (res)
        for (size_t i = 0; i < rmax; i++)
            pw_results_free(&res[i]);
    free(res);
    free(outdir);
    free(sid);
    free(name);
    if (prec)
        prec_free(prec);
    return ret;
}

/* The comparison's own files, beside one folder per scenario named as its file is; the
 * last, compare_services.csv, only when federations' services pair (out_services_paired). */
static const char *const compare_files[] = {"compare.csv", "compare.json",
                                            "compare_subgroups.csv", "compare.html",
                                            "compare_services.csv"};
enum { COMPARE_FILES_ALWAYS = 4 };

/* Can a scenario's short name be its folder in the comparison's set? Not ".", "..", a
 * hidden name (the set's staging folders are hidden), nor the name of one of the set's
 * files: each would write outside its folder or over another file. */
static int compare_name_ok(const char *name)
{
    if (!name[0] || name[0] == '.' || strcmp(name, "manifest.json") == 0)
        return 0;
    for (size_t i = 0; i < sizeof compare_files / sizeof *compare_files; i++)
        if (strcmp(name, compare_files[i]) == 0)
            return 0;
    return 1;
}

/* Paired differences need one measurement window: the same referrals fall in it only if
 * every scenario's weeks agree with the first's. EXIT_OK or EXIT_USAGE (said why). */
static int same_windows(const cli *c, const pw_params *ps, size_t ns)
{
    for (size_t s = 1; s < ns; s++) {
        const struct {
            const char *key;
            double a, b;
        } w[] = {{"warmup_weeks", ps[0].warmup_weeks, ps[s].warmup_weeks},
                 {"horizon_weeks", ps[0].horizon_weeks, ps[s].horizon_weeks},
                 {"followup_weeks", ps[0].followup_weeks, ps[s].followup_weeks},
                 {"outcome_weeks", ps[0].outcome_weeks, ps[s].outcome_weeks},
                 {"outcome_weeks_late", ps[0].outcome_weeks_late, ps[s].outcome_weeks_late}};
        for (size_t k = 0; k < sizeof w / sizeof *w; k++)
            if (w[k].a != w[k].b) {
                fprintf(stderr,
                        "stepsim: compare: %s: %s is %g where %s's is %g; compare pairs "
                        "replications over one measurement window, so warmup_weeks, "
                        "horizon_weeks, followup_weeks, outcome_weeks and outcome_weeks_late "
                        "must agree (--set "
                        "applies to every scenario; or run each with 'run')\n",
                        c->scenarios[s], w[k].key, w[k].b, c->scenarios[0], w[k].a);
                return EXIT_USAGE;
            }
    }
    return EXIT_OK;
}

int cmd_compare(const cli *c, int argc, char **argv)
{
    int ret = EXIT_USAGE;
    size_t ns = c->nscenarios;
    pw_params *ps = calloc(ns, sizeof *ps);
    scn_federation *feds = calloc(ns, sizeof *feds);
    char **names = calloc(ns, sizeof *names);
    pw_results **res = calloc(ns, sizeof *res);
    char **dirs = calloc(ns, sizeof *dirs);
    size_t *kept = calloc(ns, sizeof *kept);
    char *default_dir = NULL;
    size_t n = 0, rmax = 0, met_all = 1;
    char err[1024];
    out_set set = {0};
    prec_spec pspec, *prec = NULL;
    if (!ps || !feds || !names || !res || !dirs || !kept) {
        fprintf(stderr, "stepsim: out of memory\n");
        ret = EXIT_RUNTIME;
        goto out;
    }
    if ((ret = precision_of(c, &pspec, &prec)) != EXIT_OK)
        goto out;
    for (size_t s = 0; s < ns; s++) {
        int rc = app_load_federation(c, c->scenarios[s], NULL, 0, &ps[s], &feds[s]);
        if (rc != EXIT_OK) {
            ret = rc;
            goto out;
        }
    }
    int holidays = 0, events = c->events;
    for (size_t s = 0; s < ns; s++) {
        holidays |= ps[s].bank_holidays;
        events |= ps[s].output.events;
    }
    if ((ret = same_windows(c, ps, ns)) != EXIT_OK ||
        (ret = precision_taken(prec, &ps[0])) != EXIT_OK ||
        (ret = app_start_date_fits(c, pw_run_days(&ps[0]), events)) != EXIT_OK)
        goto out;
    app_note_start_date(c, holidays); /* for a run that goes ahead */
    /* The same seed and replications for all: common random numbers. */
    unsigned long long seed = app_seed(c, &ps[0]);
    int nrep = c->replications > 0 ? (int)c->replications : ps[0].replications;
    default_dir = c->outdir ? NULL : app_default_outdir(c, "compare");
    const char *outdir = c->outdir ? c->outdir : default_dir;
    rmax = (size_t)nrep;
    if (prec && rmax < 2) {
        ret = precision_needs_two(rmax);
        goto out;
    }
    ret = EXIT_RUNTIME;
    if (!outdir) {
        fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    /* Names first: a clash is a usage error, found before the memory budget is weighed and
     * anything runs or is written. */
    for (size_t s = 0; s < ns; s++) {
        if (!(names[s] = app_short_name(c->scenarios[s]))) {
            fprintf(stderr, "stepsim: out of memory\n");
            goto out;
        }
        if (!compare_name_ok(names[s])) {
            fprintf(stderr, "stepsim: compare: %s: the scenario's name '%s' (its file name "
                            "without .cfg) cannot be a folder of the comparison's set: it is "
                            "empty, starts with '.' or is one of the set's own files; rename "
                            "the file\n", c->scenarios[s], names[s]);
            ret = EXIT_USAGE;
            goto out;
        }
        for (size_t k = 0; k < s; k++)
            if (strcmp(names[k], names[s]) == 0) {
                fprintf(stderr, "stepsim: compare: two scenarios are both called '%s'; "
                                "give them different file names\n", names[s]);
                ret = EXIT_USAGE;
                goto out;
            }
    }
    /* Every scenario's results are kept to the end; one scenario runs at a time. */
    budget_run *br = calloc(ns, sizeof *br);
    if (!br) {
        fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    for (size_t s = 0; s < ns; s++)
        br[s] = (budget_run){c->scenarios[s], app_budget_params(&ps[s], &feds[s]), rmax,
                             app_threads(c), streams_of(&ps[s], c), feds[s].n};
    double fb = 0;
    for (size_t s = 0; s < ns; s++)
        fb += app_federation_bytes(&feds[s], rmax, app_threads(c));
    ret = app_check_memory(c, "compare", br, ns, fb, "federations' services' results");
    free(br);
    if (ret != EXIT_OK)
        goto out;
    if ((ret = app_begin_set(&set, outdir)) != EXIT_OK)
        goto out;
    double disk = 0;
    unsigned all_streams = 0;
    for (size_t s = 0; s < ns; s++) {
        unsigned st = streams_of(&ps[s], c);
        disk += app_stream_bytes(&ps[s], &feds[s], rmax, st);
        all_streams |= st;
    }
    app_warn_disk(set.stage, disk, all_streams);
    ret = EXIT_RUNTIME;
    runner_opts *opts = calloc(ns, sizeof *opts);
    app_progress_ctx *pcs = calloc(ns, sizeof *pcs);
    double t0 = app_wall_now();
    int rc = opts && pcs ? 0 : RUNNER_FAILED;
    /* Run every scenario (by --precision, as few replications as each needs) ... */
    for (size_t s = 0; s < ns && rc == 0; s++) {
        pw_params *p = &ps[s];
        p->seed = seed;
        p->replications = nrep;
        if (c->patients)
            p->output.patients = 1;
        if (c->events)
            p->output.events = 1;
        size_t len = strlen(set.stage) + strlen(names[s]) + 2;
        dirs[s] = malloc(len);
        res[s] = calloc(rmax, sizeof *res[s]);
        if (!dirs[s] || !res[s]) {
            rc = RUNNER_FAILED;
            break;
        }
        snprintf(dirs[s], len, "%s/%s", set.stage, names[s]);
        app_label_overrides(p, c);
        pcs[s] = app_progress_start(names[s], "replications");
        opts[s] = (runner_opts){
            .threads = app_threads(c),
            .outdir = dirs[s],
            .stop = &app_stop_signal,
            .streams = streams_of(p, NULL),
            .scenario_id = names[s],
            .start_days = c->start_days,
            .progress = app_progress,
            .progress_ctx = &pcs[s],
            .part = prec ? NULL : app_progress_part,
            .services = feds[s].services,
            .n_services = feds[s].n,
        };
        size_t met_at;
        rc = run_reps(prec, c->scenarios[s], p, &opts[s], rmax, res[s], &kept[s], &met_at);
        met_all = met_all && (!prec || met_at);
        if (kept[s] > n)
            n = kept[s];
    }
    /* ... then bring them all to the same count, so differences stay paired ... */
    for (size_t s = 0; s < ns && rc == 0; s++) {
        opts[s].progress = NULL;
        opts[s].part = NULL;
        rc = run_more(c->scenarios[s], &ps[s], &opts[s], kept[s], n, res[s]);
        if (rc == 0)
            kept[s] = n;
    }
    /* ... and write each scenario's set. */
    for (size_t s = 0; s < ns && rc == 0; s++) {
        out_run_info info;
        const char *extra[4];
        rc = write_set(c, &ps[s], &feds[s], c->scenarios[s], dirs[s], &opts[s], res[s], n,
                       app_wall_now() - t0, argc, argv, &info, extra);
    }
    free(opts);
    free(pcs);
    if (rc != 0) {
        if (rc == RUNNER_INTERRUPTED)
            ret = app_interrupted(set.outdir);
        else if (rc == RUNNER_FAILED && !dirs[0])
            fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    if (out_write_compare(set.stage, ns, (const char *const *)names, feds,
                          (const pw_results *const *)res, n, seed, err, sizeof err) != 0 ||
        out_write_compare_page(set.stage, ns, (const char *const *)names, ps, feds,
                               (const pw_results *const *)res, n, seed, err,
                               sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        goto out;
    }
    /* Federations with the same services: compare_services.csv; else why not. */
    char unpaired[512];
    int paired = out_services_paired(ns, (const char *const *)names, feds, unpaired,
                                     sizeof unpaired);
    if (paired && out_write_compare_services(set.stage, ns, (const char *const *)names, feds,
                                             (const pw_results *const *)res, n, err,
                                             sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        goto out;
    }
    /* The set's own manifest: the comparison's files (each scenario's folder has its own). */
    char label[512];
    size_t ll = 0;
    label[0] = '\0';
    for (size_t s = 0; s < ns && ll < sizeof label; s++)
        ll += (size_t)snprintf(label + ll, sizeof label - ll, "%s%s", s ? ", " : "", names[s]);
    out_set_info si = {"compare", STEPSIM_VERSION, cli_git_hash(), label, seed, n, argc, argv,
                       c->service, feds[0].picked_from};
    if (out_write_set_manifest(set.stage, &si, compare_files,
                               COMPARE_FILES_ALWAYS + (paired ? 1 : 0), err,
                               sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        goto out;
    }
    if ((ret = app_publish_set(&set)) != EXIT_OK)
        goto out;
    if (!c->quiet) {
        /* The names are the files': say whose figures they are. */
        if (c->service)
            printf("Service \"%s\" of each federation alone (--service), on the seed\n%llu "
                   "drawn from the federations' %llu.\n", c->service, seed,
                   (unsigned long long)feds[0].picked_from);
        out_print_compare(stdout, &ps[0], ns, (const char *const *)names,
                          (const pw_results *const *)res, n);
        char und[OUT_METRIC_NAME_MAX];
        int none = 0;
        for (size_t s = 0; prec && s < ns && !none; s++)
            none = prec_undefined(prec, &ps[s], res[s], n, und, sizeof und);
        print_precision(c, n, met_all ? n : 0, rmax, none ? und : NULL);
        putchar('\n');
        for (size_t s = 0; s < ns; s++) /* each scenario's warm-up, as run prints it */
            print_run_checks(stdout, &ps[s], res[s], n, names[s], &feds[s]);
        if (unpaired[0])
            printf("\nServices not compared: %s.\n", unpaired);
        printf("\nOutputs in %s/ (compare.html, compare.csv, compare.json, "
               "compare_subgroups.csv, %sone directory per scenario)\n",
               outdir, paired ? "compare_services.csv, " : "");
    } else {
        for (size_t s = 0; s < ns; s++)
            print_run_warnings(stderr, &ps[s], res[s], n, names[s], &feds[s]);
    }
    ret = EXIT_OK;
out:
    out_set_abort(&set);
    for (size_t s = 0; s < ns; s++) {
        if (res && res[s])
            for (size_t i = 0; i < kept[s]; i++)
                pw_results_free(&res[s][i]);
        if (res)
            free(res[s]);
        if (names)
            free(names[s]);
        if (dirs)
            free(dirs[s]);
        if (feds)
            scn_federation_free(&feds[s]);
    }
    free(feds);
    free(res);
    free(names);
    free(dirs);
    free(ps);
    free(kept);
    free(default_dir);
    if (prec)
        prec_free(prec);
    return ret;
}

int cmd_check(const cli *c, pw_params *p, const scn_federation *fed)
{
    if (fed->n)
        scn_print_federation(stdout, p, fed);
    else
        scn_print(stdout, p);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "stepsim: cannot write to stdout\n");
        return EXIT_RUNTIME;
    }
    print_plan_checks(stderr, p, fed); /* the scenario printed stays a scenario */
    (void)c;
    return EXIT_OK;
}
