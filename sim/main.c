/* stepsim: the command line. Parses options, loads the scenario, runs replications,
 * writes outputs and the dashboard. The only place that prints to the user or exits. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "models/pw_params.h"
#include "models/pw_results.h"
#include "out_compare.h"
#include "out_dashboard.h"
#include "out_file.h"
#include "out_set.h"
#include "out_sha256.h"
#include "out_stream.h"
#include "out_write.h"
#include "runner.h"
#include "scn_load.h"
#include "sim/core/sim_rng.h"

#ifndef STEPSIM_VERSION
#define STEPSIM_VERSION "0.1.0"
#endif
#ifndef STEPSIM_GIT
#define STEPSIM_GIT "unknown"
#endif

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* The signal that asked the run to stop (SIGINT, SIGTERM), 0 if none. A signal handler
 * can only reach a global; the runner reads it through runner_opts.stop. */
static volatile sig_atomic_t stop_signal;

/* First signal: stop at the next safe point (no new replication starts; nothing is
 * published). Second: exit at once; the staging folder is left for the next run into the
 * same folder to remove. Only async-signal-safe calls here. */
static void on_stop_signal(int sig)
{
    if (stop_signal) {
        static const char m[] = "\nstepsim: stopped at once\n";
        ssize_t w = write(STDERR_FILENO, m, sizeof m - 1);
        (void)w;
        _exit(128 + sig);
    }
    stop_signal = sig;
    static const char m[] = "\nstepsim: stopping after the replications under way "
                            "(again to stop at once)\n";
    ssize_t w = write(STDERR_FILENO, m, sizeof m - 1);
    (void)w;
}

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* After an interrupted run: say what was lost; returns the exit status (128 + signal). */
static int interrupted(const char *outdir)
{
    int sig = stop_signal;
    fprintf(stderr, "stepsim: interrupted by %s: this run's results are discarded; %s is as "
                    "it was before the run\n", sig == SIGTERM ? "SIGTERM" : "SIGINT", outdir);
    return 128 + sig;
}

/* Open the output set for outdir; returns EXIT_OK or an exit status (message printed). */
static int begin_set(out_set *set, const char *outdir)
{
    char err[1024];
    int rc = out_set_begin(set, outdir, err, sizeof err);
    if (rc == OUT_OK)
        return EXIT_OK;
    fprintf(stderr, "stepsim: %s\n", err);
    return rc == OUT_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

/* Publish the output set unless a stop was asked for; returns EXIT_OK or an exit status. */
static int publish_set(out_set *set)
{
    char err[1024];
    if (stop_signal)
        return interrupted(set->outdir);
    if (out_set_publish(set, err, sizeof err) != OUT_OK) {
        fprintf(stderr, "stepsim: %s\n", err);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

static const char usage_text[] =
    "usage: stepsim run SCENARIO.cfg [options]   run the scenario, write outputs\n"
    "       stepsim compare A.cfg B.cfg [C.cfg ...] [options]\n"
    "                                            the same people through each scenario:\n"
    "                                            paired differences against A, 95% CIs\n"
    "       stepsim check SCENARIO.cfg [--set key=value]...\n"
    "                                            validate; print the resolved scenario\n"
    "       stepsim --help | --version\n"
    "\n"
    "run and compare options (--set applies to every scenario compared):\n"
    "  -r, --replications N   replications (default: the scenario's `replications`)\n"
    "  -s, --seed N           master seed (default: the scenario's `seed`)\n"
    "  -j, --threads N        worker threads (default: all cores)\n"
    "  -o, --outdir DIR       output directory (default: out/<scenario name>;\n"
    "                         compare: out/compare, one subdirectory per scenario)\n"
    "      --set KEY=VALUE    override a scenario key, e.g. staff.pwp.headcount=14\n"
    "      --patients         also write patients.csv (one row per patient per stage)\n"
    "      --events           also write events.csv (process-mining event log)\n"
    "  -q, --quiet            no dashboard on stdout\n"
    "\n"
    "exit status: 0 ok, 1 runtime failure, 2 bad usage or bad scenario\n";

typedef struct cli {
    const char *command, *scenario, *outdir;
    const char **scenarios; /* every positional argument after the command */
    size_t nscenarios;
    const char **sets;
    size_t nsets;
    long replications, threads;
    unsigned long long seed;
    int have_seed, quiet, patients, events;
} cli;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "stepsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'stepsim --help'.\n");
    return EXIT_USAGE;
}

/* Parse a whole decimal integer in [lo, hi]; 0 on success. Digits only: strtol would
 * take leading blanks and a sign, so ' -5' would pass where a typo is likelier. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    if (!(*s >= '0' && *s <= '9'))
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_seed(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    /* strtoull negates a '-' after blanks: ' -5' would become 2^64 - 5. */
    if (!(*s >= '0' && *s <= '9'))
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

/* Long options; the short ones are in short_opts. Long-only options use codes past 255. */
enum { OPT_SET = 256, OPT_PATIENTS, OPT_EVENTS, OPT_VERSION };
/* "-": arguments that are not options come back in order as option 1 (whatever
 * POSIXLY_CORRECT says), so options may stand before or after them; ":": a missing value
 * is reported as ':'. */
static const char short_opts[] = "-:hqr:j:s:o:";
static const struct option long_opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"quiet", no_argument, NULL, 'q'},
    {"patients", no_argument, NULL, OPT_PATIENTS},
    {"events", no_argument, NULL, OPT_EVENTS},
    {"set", required_argument, NULL, OPT_SET},
    {"replications", required_argument, NULL, 'r'},
    {"threads", required_argument, NULL, 'j'},
    {"seed", required_argument, NULL, 's'},
    {"outdir", required_argument, NULL, 'o'},
    {NULL, 0, NULL, 0},
};

/* The command, then the scenario files, in the order given. */
static void add_positional(cli *c, const char *arg)
{
    if (!c->command)
        c->command = arg;
    else
        c->scenarios[c->nscenarios++] = arg;
}

/* Fill c from argv with getopt_long (so -j2, --threads=2 and -qj2 work); options may come
 * before or after the command and scenarios. Returns -1 if ok, else an exit status. */
static int parse_cli(int argc, char **argv, cli *c)
{
    memset(c, 0, sizeof *c);
    c->replications = -1;
    c->threads = -1;
    c->sets = calloc((size_t)argc, sizeof *c->sets);
    c->scenarios = calloc((size_t)argc, sizeof *c->scenarios);
    if (!c->sets || !c->scenarios) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    opterr = 0; /* our own messages, in our own words */
    optind = 1;
    for (;;) {
        int prev = optind;
        int o = getopt_long(argc, argv, short_opts, long_opts, NULL);
        if (o == -1) /* the end, or "--": what follows it is positional */
            break;
        /* The option as written, for messages: a short option by its letter (it may sit in
         * a bundle such as -qx), a long one as the word given. */
        const char *a = argv[optind > prev ? optind - 1 : prev];
        char letter[3] = {'-', (char)optopt, 0};
        if (strncmp(a, "--", 2) != 0 && optopt > 0 && optopt < 256)
            a = letter;
        switch (o) {
        case 1:
            add_positional(c, optarg);
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK;
        case OPT_VERSION:
            printf("stepsim %s (%s)\n", STEPSIM_VERSION, STEPSIM_GIT);
            return EXIT_OK;
        case 'q':
            c->quiet = 1;
            break;
        case OPT_PATIENTS:
            c->patients = 1;
            break;
        case OPT_EVENTS:
            c->events = 1;
            break;
        case OPT_SET:
            c->sets[c->nsets++] = optarg;
            break;
        case 'r':
            if (parse_long(optarg, 1, SIM_RNG_MAX_REPLICATION + 1L, &c->replications))
                return usage_error("replications must be an integer >= 1 (got '%s')", optarg);
            break;
        case 'j':
            if (parse_long(optarg, 1, 4096, &c->threads))
                return usage_error("threads must be an integer in [1, 4096] (got '%s')", optarg);
            break;
        case 's':
            if (parse_seed(optarg, &c->seed))
                return usage_error("seed must be an integer in [0, 2^64) (got '%s')", optarg);
            c->have_seed = 1;
            break;
        case 'o':
            c->outdir = optarg;
            break;
        case ':':
            return usage_error("option '%s' needs a value", a);
        default:
            return usage_error("unknown option '%s'", a);
        }
    }
    for (; optind < argc; optind++)
        add_positional(c, argv[optind]);
    if (!c->command) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    int compare = strcmp(c->command, "compare") == 0;
    if (strcmp(c->command, "run") != 0 && strcmp(c->command, "check") != 0 && !compare)
        return usage_error("unknown command '%s' (expected run, compare or check)",
                           c->command);
    if (compare && c->nscenarios < 2)
        return usage_error("%s: at least two scenario files are needed", c->command);
    if (!compare && c->nscenarios == 0)
        return usage_error("%s: a scenario file is needed", c->command);
    if (!compare && c->nscenarios > 1)
        return usage_error("unexpected argument '%s'", c->scenarios[1]);
    c->scenario = c->scenarios[0];
    return -1;
}

/* Load a scenario, printing every problem; returns EXIT_OK or an exit status. */
static int load(const cli *c, const char *path, pw_params *p)
{
    scn_errors errs;
    scn_errors_init(&errs);
    int rc = scn_load(path, c->sets, c->nsets, p, &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msg[i]);
    scn_errors_free(&errs);
    if (rc == SCN_OK)
        return EXIT_OK;
    if (rc == SCN_ENOMEM) {
        fprintf(stderr, "stepsim: out of memory reading %s\n", path);
        return EXIT_RUNTIME;
    }
    return EXIT_USAGE;
}

/* Progress on stderr: on a terminal, one line rewritten after every replication; else
 * (a log, a pipe) a line every `every` seconds once a run has lasted that long, and a
 * last one when it ends, so that short runs stay silent. Called under the runner's lock. */
typedef struct progress_ctx {
    const char *name; /* the scenario's short name */
    double t0, last;  /* wall clock at the start and at the last line */
    double every;
    int tty, printed;
} progress_ctx;

static double wall_now(void);

static void progress(void *ctx, size_t done, size_t total)
{
    progress_ctx *pc = ctx;
    double now = wall_now(), elapsed = now - pc->t0;
    int last = done == total;
    if (!pc->tty && (last ? !pc->printed : now - pc->last < pc->every))
        return;
    pc->last = now;
    pc->printed = 1;
    fprintf(stderr, "%sstepsim: %s: %zu/%zu replications, %.1f s elapsed", pc->tty ? "\r" : "",
            pc->name, done, total, elapsed);
    if (!last && done > 0)
        fprintf(stderr, ", about %.0f s to go", elapsed * (double)(total - done) / (double)done);
    fputs(pc->tty && !last ? "\033[K" : "\n", stderr);
    fflush(stderr);
}

/* Progress for scenario `name`; the line interval off a terminal comes from
 * STEPSIM_PROGRESS_SECONDS (default 5). */
static progress_ctx progress_start(const char *name)
{
    progress_ctx pc = {name, wall_now(), 0, 5.0, isatty(STDERR_FILENO), 0};
    const char *e = getenv("STEPSIM_PROGRESS_SECONDS");
    char *end;
    double v = e ? strtod(e, &end) : NAN;
    if (e && end != e && !*end && v >= 0)
        pc.every = v;
    pc.last = pc.t0;
    return pc;
}

/* The name a scenario file goes by: without directory and .cfg (malloc'd; NULL on OOM). */
static char *short_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
        len -= 4;
    return strndup(base, len);
}

/* The default output folder, "out/NAME"; with --set overrides "out/NAME-XXXXXXXX", the
 * first 8 hex digits of the SHA-256 of the overrides, so a variant never overwrites the
 * scenario's own results (malloc'd; NULL on OOM). */
static char *default_outdir(const cli *c, const char *name)
{
    char hex[OUT_SHA256_HEX] = "";
    if (c->nsets) {
        out_sha256 h;
        out_sha256_init(&h);
        for (size_t i = 0; i < c->nsets; i++) {
            out_sha256_update(&h, c->sets[i], strlen(c->sets[i]));
            out_sha256_update(&h, "\n", 1);
        }
        out_sha256_hex(&h, hex);
        hex[8] = '\0';
    }
    size_t len = strlen(name) + 16;
    char *dir = malloc(len);
    if (dir)
        snprintf(dir, len, "out/%s%s%s", name, *hex ? "-" : "", hex);
    return dir;
}

/* With --set overrides, label the scenario "NAME [k=v; k=v]" (cut with "..." to fit), so
 * that every CSV row, summary.json and the dashboard say which variant they are. */
static void label_overrides(pw_params *p, const cli *c)
{
    if (!c->nsets)
        return;
    char buf[sizeof p->name];
    size_t cap = sizeof buf, n = (size_t)snprintf(buf, cap, "%s [", p->name);
    for (size_t i = 0; i < c->nsets && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? "; " : "", c->sets[i]);
    if (n + 2 > cap)
        snprintf(buf + cap - 5, 5, "...");
    strcat(buf, "]");
    memcpy(p->name, buf, cap);
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Run replications reps[0..n) of p into res and write the result files to dir; the run's
 * description goes to *info. Prints any failure but an interruption; returns 0,
 * RUNNER_FAILED or RUNNER_INTERRUPTED (res then released). */
static int run_and_write(const cli *c, const pw_params *p, const char *scenario, const char *dir,
                         const runner_opts *o, const int *reps, size_t n, pw_results *res,
                         int argc, char **argv, out_run_info *info)
{
    char err[1024];
    double t0 = wall_now();
    int rc = runner_run(p, reps, n, o, res, err, sizeof err);
    if (rc != 0) {
        if (rc != RUNNER_INTERRUPTED)
            fprintf(stderr, "stepsim: %s: %s\n", scenario, err);
        return rc;
    }
    out_run_info_init(info);
    info->version = STEPSIM_VERSION;
    info->git_hash = STEPSIM_GIT;
    info->libconfig_version = scn_libconfig_version();
    info->threads = o->threads;
    info->streams = o->streams;
    info->wall_seconds = wall_now() - t0;
    info->argc = argc;
    info->argv = argv;
    info->sets = c->sets;
    info->nsets = c->nsets;
    if (out_write_all(dir, p, scenario, res, n, info, err, sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        for (size_t i = 0; i < n; i++)
            pw_results_free(&res[i]);
        return RUNNER_FAILED;
    }
    return 0;
}

static int cmd_run(const cli *c, pw_params *p, int argc, char **argv)
{
    int ret = EXIT_RUNTIME;
    if (c->replications > 0)
        p->replications = (int)c->replications;
    if (c->have_seed)
        p->seed = c->seed;
    if (c->patients)
        p->output.patients = 1;
    if (c->events)
        p->output.events = 1;
    if (p->replications - 1 > (int)SIM_RNG_MAX_REPLICATION) {
        fprintf(stderr, "stepsim: at most %u replications\n", SIM_RNG_MAX_REPLICATION + 1);
        return EXIT_USAGE;
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = c->threads > 0 ? (int)c->threads : (int)(ncpu > 0 ? ncpu : 1);
    label_overrides(p, c);
    char *name = short_name(c->scenario);
    char *outdir = c->outdir || !name ? NULL : default_outdir(c, name);
    const char *dir = c->outdir ? c->outdir : outdir;
    size_t n = (size_t)p->replications;
    int *reps = malloc(n * sizeof *reps);
    pw_results *res = calloc(n, sizeof *res);
    out_set set = {0};
    if (!name || !dir || !reps || !res) {
        fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        reps[i] = (int)i;
    if ((ret = begin_set(&set, dir)) != EXIT_OK)
        goto out;
    ret = EXIT_RUNTIME;
    progress_ctx pc = progress_start(name);
    runner_opts o = {
        .threads = threads,
        .outdir = set.stage,
        .stop = &stop_signal,
        .streams = (p->output.patients ? OUT_STREAM_PATIENTS : 0u) |
                   (p->output.events ? OUT_STREAM_EVENTS : 0u),
        .progress = progress,
        .progress_ctx = &pc,
    };
    out_run_info info;
    int rc = run_and_write(c, p, c->scenario, set.stage, &o, reps, n, res, argc, argv, &info);
    if (rc == RUNNER_INTERRUPTED) {
        ret = interrupted(set.outdir);
        goto out;
    }
    if (rc != 0)
        goto out;
    if ((ret = publish_set(&set)) != EXIT_OK)
        goto out;
    ret = EXIT_RUNTIME;
    if (!c->quiet) {
        out_print_dashboard(stdout, p, res, n, &info);
        printf("\nOutputs in %s/\n", dir);
    }
    ret = EXIT_OK;
out:
    out_set_abort(&set);
    if (res)
        for (size_t i = 0; i < n; i++)
            pw_results_free(&res[i]);
    free(res);
    free(reps);
    free(outdir);
    free(name);
    return ret;
}

static int cmd_compare(const cli *c, int argc, char **argv)
{
    int ret = EXIT_USAGE;
    size_t ns = c->nscenarios;
    pw_params *ps = calloc(ns, sizeof *ps);
    char **names = calloc(ns, sizeof *names);
    pw_results **res = calloc(ns, sizeof *res);
    char **dirs = calloc(ns, sizeof *dirs);
    char *default_dir = NULL;
    int *reps = NULL;
    size_t n = 0;
    char err[1024];
    out_set set = {0};
    if (!ps || !names || !res || !dirs) {
        fprintf(stderr, "stepsim: out of memory\n");
        ret = EXIT_RUNTIME;
        goto out;
    }
    for (size_t s = 0; s < ns; s++) {
        int rc = load(c, c->scenarios[s], &ps[s]);
        if (rc != EXIT_OK) {
            ret = rc;
            goto out;
        }
    }
    /* The same seed and replications for all: common random numbers. */
    unsigned long long seed = c->have_seed ? c->seed : ps[0].seed;
    int nrep = c->replications > 0 ? (int)c->replications : ps[0].replications;
    default_dir = c->outdir ? NULL : default_outdir(c, "compare");
    const char *outdir = c->outdir ? c->outdir : default_dir;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = c->threads > 0 ? (int)c->threads : (int)(ncpu > 0 ? ncpu : 1);
    n = (size_t)nrep;
    ret = EXIT_RUNTIME;
    if (!outdir || !(reps = malloc(n * sizeof *reps))) {
        fprintf(stderr, "stepsim: out of memory\n");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        reps[i] = (int)i;
    /* Names first: a clash is a usage error before anything runs or is written. */
    for (size_t s = 0; s < ns; s++) {
        if (!(names[s] = short_name(c->scenarios[s]))) {
            fprintf(stderr, "stepsim: out of memory\n");
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
    if ((ret = begin_set(&set, outdir)) != EXIT_OK)
        goto out;
    ret = EXIT_RUNTIME;
    for (size_t s = 0; s < ns; s++) {
        pw_params *p = &ps[s];
        p->seed = seed;
        p->replications = nrep;
        if (c->patients)
            p->output.patients = 1;
        if (c->events)
            p->output.events = 1;
        size_t len = strlen(set.stage) + strlen(names[s]) + 2;
        dirs[s] = malloc(len);
        res[s] = calloc(n, sizeof *res[s]);
        if (!dirs[s] || !res[s]) {
            fprintf(stderr, "stepsim: out of memory\n");
            goto out;
        }
        snprintf(dirs[s], len, "%s/%s", set.stage, names[s]);
        label_overrides(p, c);
        progress_ctx pc = progress_start(names[s]);
        runner_opts o = {
            .threads = threads,
            .outdir = dirs[s],
            .stop = &stop_signal,
            .streams = (p->output.patients ? OUT_STREAM_PATIENTS : 0u) |
                       (p->output.events ? OUT_STREAM_EVENTS : 0u),
            .progress = progress,
            .progress_ctx = &pc,
        };
        out_run_info info;
        int rc = run_and_write(c, p, c->scenarios[s], dirs[s], &o, reps, n, res[s], argc, argv,
                               &info);
        if (rc != 0) {
            free(res[s]);
            res[s] = NULL;
            if (rc == RUNNER_INTERRUPTED)
                ret = interrupted(set.outdir);
            goto out;
        }
    }
    if (out_write_compare(set.stage, ns, (const char *const *)names,
                          (const pw_results *const *)res, n, seed, err, sizeof err) != 0) {
        fprintf(stderr, "stepsim: %s\n", err);
        goto out;
    }
    if ((ret = publish_set(&set)) != EXIT_OK)
        goto out;
    ret = EXIT_RUNTIME;
    if (!c->quiet) {
        out_print_compare(stdout, ns, (const char *const *)names, (const pw_results *const *)res,
                          n);
        printf("\nOutputs in %s/ (compare.csv, compare.json, one directory per scenario)\n",
               outdir);
    }
    ret = EXIT_OK;
out:
    out_set_abort(&set);
    for (size_t s = 0; s < ns; s++) {
        if (res && res[s])
            for (size_t i = 0; i < n; i++)
                pw_results_free(&res[s][i]);
        if (res)
            free(res[s]);
        if (names)
            free(names[s]);
        if (dirs)
            free(dirs[s]);
    }
    free(res);
    free(names);
    free(dirs);
    free(ps);
    free(reps);
    free(default_dir);
    return ret;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL must report, never abort */
    cli c;
    int ret = parse_cli(argc, argv, &c);
    if (ret >= 0)
        goto out;
    if (strcmp(c.command, "check") != 0)
        catch_stop_signals();
    if (strcmp(c.command, "compare") == 0) {
        ret = cmd_compare(&c, argc, argv);
        goto out;
    }
    pw_params *p = malloc(sizeof *p);
    if (!p) {
        fprintf(stderr, "stepsim: out of memory\n");
        ret = EXIT_RUNTIME;
        goto out;
    }
    ret = load(&c, c.scenario, p);
    if (ret == EXIT_OK) {
        if (strcmp(c.command, "check") == 0) {
            scn_print(stdout, p);
            if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "stepsim: cannot write to stdout\n");
                ret = EXIT_RUNTIME;
            }
        } else {
            ret = cmd_run(&c, p, argc, argv);
        }
    }
    free(p);
out:
    free(c.sets);
    free(c.scenarios);
    return ret;
}
