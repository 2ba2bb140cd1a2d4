/* What the commands share (see app.h). */
#include "app.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "models/pw_pool.h"
#include "models/pw_world.h"
#include "out_file.h"
#include "out_stream.h"
#include "out_sha256.h"
#include "scn_load.h"

/* A signal handler can only reach a global; the runner reads it through runner_opts.stop.
 * Atomic, since threads read what the handler writes: a handler may touch a lock-free
 * atomic object (C11 7.14.1.1), as it may a volatile sig_atomic_t. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the stop signal's flag is written by a handler");
atomic_int app_stop_signal;
atomic_int app_idle;

/* First signal: stop at the next safe point (no new replication starts, the ones under way
 * end at their next weekly round; nothing is published). Second: exit at once; the staging folder is left for the next run into the
 * same folder to remove. Only async-signal-safe calls here. */
static void on_app_stop_signal(int sig)
{
    int saved = errno; /* write() may set it, under whatever the thread was doing */
    if (app_stop_signal) {
        static const char m[] = "\nstepsim: stopped at once\n";
        ssize_t w = write(STDERR_FILENO, m, sizeof m - 1);
        (void)w;
        _exit(128 + sig);
    }
    app_stop_signal = sig;
    static const char m[] = "\nstepsim: stopping (a replication under way ends at its next "
                            "simulated week; again to stop at once)\n";
    static const char idle[] = "\nstepsim: stopping\n";
    ssize_t w = app_idle ? write(STDERR_FILENO, idle, sizeof idle - 1)
                         : write(STDERR_FILENO, m, sizeof m - 1);
    (void)w;
    errno = saved;
}

void app_catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_app_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    out_stop_on(&app_stop_signal); /* the streams' merge and digests read it too */
    /* A file-size limit (ulimit -f) makes a write fail with EFBIG, which names the file and
     * the cause, rather than end the process with its staging folder left behind. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGXFSZ, &sa, NULL);
}

/* After an interrupted run: say what was lost; returns the exit status (128 + signal). */
int app_interrupted(const char *outdir)
{
    int sig = app_stop_signal;
    fprintf(stderr, "stepsim: interrupted by %s: this run's results are discarded; %s is as "
                    "it was before the run\n", sig == SIGTERM ? "SIGTERM" : "SIGINT", outdir);
    return 128 + sig;
}

/* Open the output set for outdir; returns EXIT_OK or an exit status (message printed). */
int app_begin_set(out_set *set, const char *outdir)
{
    char err[1024];
    int rc = out_set_begin(set, outdir, err, sizeof err);
    if (rc == OUT_OK)
        return EXIT_OK;
    fprintf(stderr, "stepsim: %s\n", err);
    return rc == OUT_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

/* Publish the output set unless a stop was asked for; returns EXIT_OK or an exit status. */
int app_publish_set(out_set *set)
{
    char err[1024];
    if (app_stop_signal)
        return app_interrupted(set->outdir);
    if (out_set_publish(set, err, sizeof err) != OUT_OK) {
        fprintf(stderr, "stepsim: %s\n", err);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}


/* Where to cut UTF-8 text s to keep at most n bytes: n, or less so that no character is
 * split (s must hold more than n bytes). */
static size_t utf8_cut(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Are service names a and b alike but for case, spaces and a number's leading zeros
 * ("lon 5" and "LON 05")? The guess --service's refusal offers. */
static int names_alike(const char *a, const char *b)
{
    int in_number = 0; /* the last character matched was a digit */
    for (;;) {
        while (*a == ' ')
            a++;
        while (*b == ' ')
            b++;
        /* Zeros leading a number, not inside one ("S13" is not "S103"). */
        if (!in_number && isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0' && isdigit((unsigned char)a[1]))
                a++;
            while (*b == '0' && isdigit((unsigned char)b[1]))
                b++;
        }
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        in_number = isdigit((unsigned char)*a) != 0;
        a++;
        b++;
    }
}

/* --service NAME: of the federation just loaded (its national parameters in *p, its
 * services in *fed), service NAME alone into *p as the federation runs it: its parameters,
 * named "NAME (the federation's name)", seeded from the master seed (-s, else the file's)
 * as the runner seeds it (pw_pool_service_seed). *fed is left empty but for `picked` and
 * the master seed (`picked_from`). An SCN_* code. */
static int pick_service(const cli *c, const char *path, pw_params *p, scn_federation *fed,
                        scn_errors *errs)
{
    char msg[8192]; /* a path, and ten names of at most 63 bytes */
    size_t k = 0;
    while (k < fed->n && strcmp(fed->services[k].name, c->service) != 0)
        k++;
    if (fed->n == 0) {
        snprintf(msg, sizeof msg, "%s: --service '%s': the scenario is not a federation (it "
                 "has no services list)", path, c->service);
    } else if (k == fed->n) {
        const char *guess = NULL; /* offered only when one name is alike */
        for (size_t i = 0; i < fed->n; i++)
            if (names_alike(fed->services[i].name, c->service))
                guess = guess ? "" : fed->services[i].name;
        int len = snprintf(msg, sizeof msg, "%s: --service '%s': no service of that name%s%s%s "
                           "(expected one of the services list's %zu:", path, c->service,
                           guess && *guess ? ": did you mean \"" : "",
                           guess && *guess ? guess : "", guess && *guess ? "\"?" : "", fed->n);
        size_t shown = fed->n <= 12 ? fed->n : 10; /* England has 120 */
        for (size_t i = 0; i < shown && len > 0 && (size_t)len < sizeof msg; i++)
            len += snprintf(msg + len, sizeof msg - (size_t)len, "%s \"%s\"", i ? "," : "",
                            fed->services[i].name);
        if (len > 0 && (size_t)len < sizeof msg && shown < fed->n)
            snprintf(msg + len, sizeof msg - (size_t)len, " and %zu more: stepsim check "
                     "SCENARIO lists them)", fed->n - shown);
        else if (len > 0 && (size_t)len < sizeof msg)
            snprintf(msg + len, sizeof msg - (size_t)len, ")");
    } else {
        uint64_t master = c->have_seed ? (uint64_t)c->seed : p->seed;
        char name[sizeof p->name + sizeof fed->services[k].name + 4];
        size_t len = (size_t)snprintf(name, sizeof name, "%s (%s)", fed->services[k].name,
                                      p->name);
        *p = fed->services[k];
        if (len >= sizeof p->name) /* the federation's name cut to fit, whole characters */
            memcpy(name + utf8_cut(name, sizeof p->name - 5), "...)", 5);
        memcpy(p->name, name, sizeof p->name);
        p->seed = pw_pool_service_seed(master, k);
        scn_federation_free(fed);
        fed->picked = 1;
        fed->picked_from = master;
        return SCN_OK;
    }
    scn_federation_free(fed);
    return scn_errors_add(errs, msg) ? SCN_ENOMEM : SCN_EINVALID;
}

int app_load_quiet(const cli *c, const char *path, const char *const *extra, size_t nextra,
                   pw_params *p, scn_federation *fed, scn_errors *errs)
{
    scn_federation own = {0};
    if (c->service && !fed)
        fed = &own;
    const char **sets = calloc(c->nsets + nextra + 1, sizeof *sets);
    if (!sets)
        return SCN_ENOMEM;
    for (size_t i = 0; i < c->nsets; i++)
        sets[i] = c->sets[i];
    for (size_t i = 0; i < nextra; i++)
        sets[c->nsets + i] = extra[i];
    int rc = fed ? scn_load_federation(path, sets, c->nsets + nextra, p, fed, errs)
                 : scn_load(path, sets, c->nsets + nextra, p, errs);
    free(sets);
    if (rc == SCN_OK && c->service)
        rc = pick_service(c, path, p, fed, errs);
    return rc;
}

/* Load a scenario (a federation too when fed is not NULL), printing every problem;
 * returns EXIT_OK or an exit status. */
static int load(const cli *c, const char *path, const char *const *extra, size_t nextra,
                pw_params *p, scn_federation *fed)
{
    scn_errors errs;
    scn_errors_init(&errs);
    int rc = app_load_quiet(c, path, extra, nextra, p, fed, &errs);
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

int app_load(const cli *c, const char *path, const char *const *extra, size_t nextra,
             pw_params *p)
{
    return load(c, path, extra, nextra, p, NULL);
}

int app_load_federation(const cli *c, const char *path, const char *const *extra,
                        size_t nextra, pw_params *p, scn_federation *fed)
{
    return load(c, path, extra, nextra, p, fed);
}

const pw_params *app_budget_params(const pw_params *p, const scn_federation *fed)
{
    const pw_params *big = p;
    for (size_t k = 0; k < fed->n; k++)
        if (big == p || pw_referral_base_per_week(&fed->services[k].referrals) >
                                     pw_referral_base_per_week(&big->referrals))
            big = &fed->services[k];
    return big;
}

double app_federation_bytes(const scn_federation *fed, size_t rmax, int threads)
{
    double waiting = 0;
    for (size_t k = 0; k < fed->n; k++) {
        pw_memory m;
        pw_memory_estimate(&fed->services[k], &m);
        waiting += m.results_bytes;
    }
    return (double)(threads + 1) * waiting + (double)rmax * (double)fed->n * PW_M_N * 8.0;
}

/* Bytes a referral or pre-filled person adds to each streamed file, at the most the
 * shipped scenarios write (2026-12-07, one replication: the baseline 241, 975 and 70 bytes
 * in patients.csv, events.csv and arrivals.csv for its 93,000 referrals at most and 3,280
 * pre-filled; the golden scenario 188, 819 and 62). */
#define DISK_PATIENTS_PER_PERSON 250.0
#define DISK_EVENTS_PER_PERSON 1000.0
#define DISK_ARRIVALS_PER_PERSON 75.0

double app_stream_bytes(const pw_params *p, const scn_federation *fed, size_t reps,
                        unsigned streams)
{
    double per = (streams & OUT_STREAM_PATIENTS ? DISK_PATIENTS_PER_PERSON : 0) +
                 (streams & OUT_STREAM_EVENTS ? DISK_EVENTS_PER_PERSON : 0) +
                 (streams & OUT_STREAM_ARRIVALS ? DISK_ARRIVALS_PER_PERSON : 0);
    double people = 0;
    for (size_t k = 0; k < (fed && fed->n ? fed->n : 1); k++) {
        pw_memory m;
        pw_memory_estimate(fed && fed->n ? &fed->services[k] : p, &m);
        people += m.referrals + m.prefilled;
    }
    return per * people * (double)reps;
}

void app_warn_disk(const char *stage, double bytes, unsigned streams)
{
    const char *what = !(streams & OUT_STREAM_EVENTS) ? "patients.csv"
                       : streams & OUT_STREAM_PATIENTS
                           ? "patients.csv, events.csv and arrivals.csv"
                           : "events.csv and arrivals.csv";
    struct statvfs fs;
    /* Each replication's parts stay until the files are joined from them: twice the files. */
    double peak = 2 * bytes, freeb;
    if (bytes <= 0 || statvfs(stage, &fs) != 0)
        return;
    freeb = (double)fs.f_bavail * (double)fs.f_frsize;
    if (peak <= freeb)
        return;
    char b[32], pk[32], fr[32];
    fprintf(stderr,
            "stepsim: warning: %s would take about %s\n"
            "  (%s while they are joined from each replication's parts), and the output\n"
            "  folder's file system has %s free: the run will stop when it is full,\n"
            "  publishing nothing. Free space, or write them for fewer replications (-r) or a\n"
            "  shorter run (horizon_weeks), or leave them out\n",
            what, budget_fmt(bytes, b, sizeof b), budget_fmt(peak, pk, sizeof pk),
            budget_fmt(freeb, fr, sizeof fr));
}

void app_note_start_date(const cli *c, int bank_holidays)
{
    if (!c->have_start_date || !bank_holidays ||
        !strcmp(c->start_date, OUT_START_DATE_DEFAULT))
        return;
    fprintf(stderr,
            "stepsim: note: --start-date %s relabels events.csv only: the model's\n"
            "  calendar still starts on Monday %s, so its bank holidays (bank_holidays)\n"
            "  fall on that calendar's days, shifted, not on the holidays of the dates\n"
            "  shown\n",
            c->start_date, OUT_START_DATE_DEFAULT);
}

int app_start_date_fits(const cli *c, double run_days, int events)
{
    if (c->have_start_date && !events) {
        fprintf(stderr, "stepsim: --start-date dates events.csv's timestamps, which this run "
                "does not write: give --events too, or output.events = true in the "
                "scenario\n");
        return EXIT_USAGE;
    }
    long last = 0;
    if (!c->have_start_date || out_parse_date("9999-12-31", &last) != 0 ||
        (double)c->start_days + ceil(run_days) <= (double)last)
        return EXIT_OK;
    long latest = last - (long)ceil(run_days);
    long monday = latest - ((latest % 7 + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
    char buf[32];
    out_format_date(monday, buf, sizeof buf);
    fprintf(stderr,
            "stepsim: --start-date %s: the run's %.0f days would end after 9999-12-31, past "
            "the four-digit years events.csv writes (expected a Monday from 1900-01-01 to "
            "%s)\n",
            c->start_date, ceil(run_days), buf);
    return EXIT_USAGE;
}

int app_memory_fits(const cli *c, const budget_run *runs, size_t n, double extra_bytes,
                    const char *extra_what, char *err, size_t errlen)
{
    char why[160], phys[32];
    double budget = c->max_memory > 0 ? c->max_memory : budget_default();
    if (c->max_memory > 0)
        snprintf(why, sizeof why, "--max-memory %s", c->max_memory_arg);
    else
        snprintf(why, sizeof why, "%.0f%% of this machine's %s of physical memory",
                 100 * BUDGET_SHARE, budget_fmt(budget / BUDGET_SHARE, phys, sizeof phys));
    return budget_check(runs, n, extra_bytes, extra_what, budget, why, err, errlen);
}

int app_check_memory(const cli *c, const char *what, const budget_run *runs, size_t n,
                     double extra_bytes, const char *extra_what)
{
    char err[8192];
    if (app_memory_fits(c, runs, n, extra_bytes, extra_what, err, sizeof err) == 0)
        return EXIT_OK;
    fprintf(stderr, "stepsim: %s: %s\n", what, err);
    return EXIT_USAGE;
}

void app_progress(void *ctx, size_t done, size_t total)
{
    app_progress_ctx *pc = ctx;
    double now = app_wall_now(), elapsed = now - pc->t0;
    int open = total == 0, last = open ? pc->ending : done == total;
    if (!pc->tty && (last ? !pc->printed : now - pc->last < pc->every))
        return;
    /* Off a terminal, the open-ended end says nothing a line already said. */
    if (!pc->tty && open && last && pc->shown == done)
        return;
    pc->last = now;
    pc->printed = 1;
    pc->shown = done;
    if (open) /* "1 replication", not "1 replications" */
        fprintf(stderr, "%sstepsim: %s: %zu %.*s, %.1f s elapsed", pc->tty ? "\r" : "", pc->name,
                done, (int)strlen(pc->unit) - (done == 1 && pc->unit[0] &&
                                               pc->unit[strlen(pc->unit) - 1] == 's'),
                pc->unit, elapsed);
    else
        fprintf(stderr, "%sstepsim: %s: %zu/%zu %s", pc->tty ? "\r" : "", pc->name, done,
                total, pc->unit);
    /* A federation's replication moves service by service: its count and the time to go
     * from it (a replication of England's 120 services once printed nothing for a minute). */
    size_t pd = pc->parts_done, pt = pc->parts_total;
    if (!last && !open && pt > 0)
        fprintf(stderr, ", %zu/%zu services", pd, pt);
    if (!open)
        fprintf(stderr, ", %.1f s elapsed", elapsed);
    if (!last && !open && pt > 0 && pd > 0)
        fprintf(stderr, ", about %.0f s to go", elapsed * (double)(pt - pd) / (double)pd);
    else if (!last && !open && done > 0)
        fprintf(stderr, ", about %.0f s to go", elapsed * (double)(total - done) / (double)done);
    fputs(pc->tty && !last ? "\033[K" : "\n", stderr);
    fflush(stderr);
}

void app_progress_part(void *ctx, size_t done, size_t total, size_t parts_done,
                       size_t parts_total)
{
    app_progress_ctx *pc = ctx;
    pc->parts_done = parts_done;
    pc->parts_total = parts_total;
    if (parts_done < parts_total && done < total) /* the last line is the replications' */
        app_progress(pc, done, total);
}

void app_progress_end(app_progress_ctx *pc, size_t done)
{
    pc->ending = 1;
    app_progress(pc, done, 0);
}

/* The interval off a terminal comes from STEPSIM_PROGRESS_SECONDS (default 5). */
app_progress_ctx app_progress_start(const char *name, const char *unit)
{
    app_progress_ctx pc = {.name = name, .unit = unit, .t0 = app_wall_now(), .every = 5.0,
                           .tty = isatty(STDERR_FILENO)};
    const char *e = getenv("STEPSIM_PROGRESS_SECONDS");
    char *end;
    double v = e ? strtod(e, &end) : NAN;
    if (e && end != e && !*end && v >= 0)
        pc.every = v;
    pc.last = pc.t0;
    return pc;
}

char *app_short_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".cfg") == 0)
        len -= 4;
    return strndup(base, len);
}

unsigned long long app_seed(const cli *c, const pw_params *p)
{
    return c->have_seed && !c->service ? c->seed : p->seed;
}

/* Is c of a service name the folder must change (a character other than a letter, a digit,
 * '-', '.', '_' or one beyond ASCII)? */
static int folder_changes(char c)
{
    return !(isalnum((unsigned char)c) || c == '-' || c == '.' || c == '_' ||
             (unsigned char)c >= 0x80);
}

char *app_default_outdir(const cli *c, const char *name)
{
    /* A federation's service beside the federation's own: "out/england-NEY_03". A name the
     * folder changes ("A B", "A/B" and "A_B" are all A_B) is hashed with the --set
     * overrides, so that two services never share a folder. */
    const char *svc = c->service ? c->service : "";
    int changed = 0;
    for (const char *q = svc; *q; q++)
        changed |= folder_changes(*q);
    char hex[OUT_SHA256_HEX] = "";
    if (c->nsets || changed) {
        out_sha256 h;
        out_sha256_init(&h);
        for (size_t i = 0; i < c->nsets; i++) {
            out_sha256_update(&h, c->sets[i], strlen(c->sets[i]));
            out_sha256_update(&h, "\n", 1);
        }
        if (changed) {
            out_sha256_update(&h, "--service=", 10);
            out_sha256_update(&h, svc, strlen(svc));
        }
        out_sha256_hex(&h, hex);
        hex[8] = '\0';
    }
    size_t len = strlen(name) + strlen(svc) + 17;
    char *dir = malloc(len);
    if (!dir)
        return NULL;
    int at = snprintf(dir, len, "out/%s%s", name, *svc ? "-" : "");
    /* Letters beyond ASCII kept whole (their UTF-8 bytes): as '_' each, two names of as
     * many such letters ("Αθήνα", "Πάτρα") had the one folder. */
    for (const char *q = svc; *q && at > 0; q++)
        dir[at++] = folder_changes(*q) ? '_' : *q;
    snprintf(dir + at, len - (size_t)at, "%s%s", *hex ? "-" : "", hex);
    return dir;
}

/* Every CSV row, summary.json and the dashboard then say which variant they are. */
void app_label_overrides(pw_params *p, const cli *c)
{
    char buf[sizeof p->name];
    size_t cap = sizeof buf, n = (size_t)snprintf(buf, cap, "%s [", p->name), shown = 0;
    for (size_t i = 0; i < c->nsets && n < cap; i++) {
        if (!strncmp(c->sets[i], "name=", 5))
            continue; /* a new name is label enough */
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", shown++ ? "; " : "", c->sets[i]);
    }
    if (!shown)
        return;
    if (n + 2 > cap) /* cut to fit, whole characters */
        memcpy(buf + utf8_cut(buf, cap - 5), "...", 4);
    strcat(buf, "]");
    memcpy(p->name, buf, cap);
}

double app_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}



int app_threads(const cli *c)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    return c->threads > 0 ? (int)c->threads : (int)(ncpu > 0 ? ncpu : 1);
}
