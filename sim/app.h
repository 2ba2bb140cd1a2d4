/* What the commands share: the stop signal, output sets, scenario loading with the
 * command line's overrides, default folders and labels, and progress lines. The
 * commands (cmd_*.c) and these helpers are the program's voice: they print to stderr;
 * nothing below them does. */
#ifndef APP_H
#define APP_H

#include <stdatomic.h>
#include <stddef.h>

#include "budget.h"
#include "cli.h"
#include "models/pw_params.h"
#include "out_set.h"
#include "scn_load.h"

/* The signal that asked the run to stop (SIGINT, SIGTERM), 0 if none. */
extern atomic_int app_stop_signal;
/* Set while nothing is under way (serve waiting for a request): the stop signal says so. */
extern atomic_int app_idle;

/* Catch SIGINT and SIGTERM: the first asks for a stop at the next safe point, a second
 * exits at once (128 + signal). */
void app_catch_stop_signals(void);
/* After an interrupted run: say what was lost; returns 128 + the signal. */
int app_interrupted(const char *outdir);

/* Open an output set for outdir / publish it unless a stop was asked for. Return EXIT_OK
 * or an exit status, the message printed. */
int app_begin_set(out_set *set, const char *outdir);
int app_publish_set(out_set *set);

/* Load a scenario with c's --set overrides and any `extra` ones after them, printing
 * every problem; returns EXIT_OK or an exit status. */
int app_load(const cli *c, const char *path, const char *const *extra, size_t nextra,
             pw_params *p);
/* The same where the scenario may be a federation of services (fed->n > 0; release with
 * scn_federation_free): run, compare, check, and the points of sweep, solve and
 * sensitivity. */
int app_load_federation(const cli *c, const char *path, const char *const *extra,
                        size_t nextra, pw_params *p, scn_federation *fed);
/* What the memory budget weighs for a federation's replication: its largest service (one
 * service of each replication runs on a thread at a time), else p itself. */
const pw_params *app_budget_params(const pw_params *p, const scn_federation *fed);
/* Besides its replications, what a federation keeps: services' results waiting to be
 * pooled (at most threads + 1 replications' worth at once) and each service's metrics in
 * every one of rmax replications kept. 0 for one service. */
double app_federation_bytes(const scn_federation *fed, size_t rmax, int threads);
/* The bytes of the streamed files (OUT_STREAM_* in streams) of reps replications of p (a
 * federation's: every service's), at the most a referral or pre-filled person writes. */
double app_stream_bytes(const pw_params *p, const scn_federation *fed, size_t reps,
                        unsigned streams);
/* A warning on stderr when twice `bytes` (the parts and the files joined from them) is more
 * than the free space of the file system holding stage, naming the files of streams. */
void app_warn_disk(const char *stage, double bytes, unsigned streams);
/* --start-date relabels events.csv only: with bank holidays (bank_holidays != 0) in the run,
 * a note on stderr that they stay the calendar of day 0 (2018-01-01). */
void app_note_start_date(const cli *c, int bank_holidays);
/* --start-date and a run of run_days: refused (a message, EXIT_USAGE) when the run writes
 * no events.csv (events 0: neither --events nor the scenario's output.events) or would end
 * after 9999-12-31, past events.csv's four-digit years; else EXIT_OK. */
__attribute__((warn_unused_result)) int app_start_date_fits(const cli *c, double run_days,
                                                            int events);

/* Check the estimated peak memory of running runs[0..n) (plus extra_bytes the command
 * keeps besides, described by extra_what) against --max-memory or the default budget;
 * over it, print why, naming the keys that drive it. `what` names the scenario or
 * command in the message. Returns EXIT_OK or EXIT_USAGE. */
__attribute__((warn_unused_result)) int app_check_memory(const cli *c, const char *what,
                                                         const budget_run *runs, size_t n,
                                                         double extra_bytes,
                                                         const char *extra_what);

/* The same check without printing: 0 if it fits, else -1 with the message in err. */
__attribute__((warn_unused_result)) int app_memory_fits(const cli *c, const budget_run *runs,
                                                        size_t n, double extra_bytes,
                                                        const char *extra_what, char *err,
                                                        size_t errlen);

/* Load a scenario with the command line's --set and then extra[0..nextra) (a federation
 * too when fed is not NULL) without printing: the problems in *errs (initialised by the
 * caller). Returns an SCN_* code. */
int app_load_quiet(const cli *c, const char *path, const char *const *extra, size_t nextra,
                   pw_params *p, scn_federation *fed, scn_errors *errs);

/* A scenario file's name without directory and .cfg (malloc'd; NULL on OOM). */
char *app_short_name(const char *path);
/* The run's master seed: -s's, else the scenario's; with --service the service's own,
 * drawn from either when it was loaded (pick_service). */
unsigned long long app_seed(const cli *c, const pw_params *p);
/* "out/NAME", or "out/NAME-XXXXXXXX" with --set overrides (the first 8 hex digits of
 * their SHA-256), so a variant never replaces the scenario's own results; with --service,
 * "out/NAME-SERVICE" before them (the name's ASCII characters other than letters, digits,
 * '-' and '.' as '_'; others, beyond ASCII, as they are). malloc'd. */
char *app_default_outdir(const cli *c, const char *name);
/* With --set overrides, label the scenario "NAME [k=v; k=v]" (cut to fit). */
void app_label_overrides(pw_params *p, const cli *c);

/* Worker threads: -j, else the cores online. */
int app_threads(const cli *c);
/* Wall clock, seconds (monotonic). */
double app_wall_now(void);

/* Progress lines on stderr (see app_progress). */
typedef struct app_progress_ctx {
    const char *name; /* what is being run */
    const char *unit; /* "replications", "points", "runs" */
    double t0, last;
    double every;     /* seconds between lines off a terminal */
    int tty, printed;
    int ending;       /* open-ended progress: the last line */
    size_t shown;     /* the count of the last line printed off a terminal */
    size_t parts_done, parts_total; /* a federation's services (app_progress_part), or 0 */
} app_progress_ctx;
app_progress_ctx app_progress_start(const char *name, const char *unit);
/* On a terminal, one line rewritten at each step; else (a log, a pipe) a line every
 * `every` seconds once a run has lasted that long, and one at the end, so short runs are
 * silent. A runner_opts progress callback (ctx: app_progress_ctx). */
void app_progress(void *ctx, size_t done, size_t total);
/* A federation's services as they finish (a runner_opts part callback, ctx: an
 * app_progress_ctx): the line app_progress would print, with the services done of the
 * total beside the replications, and the time to go reckoned from the services. */
void app_progress_part(void *ctx, size_t done, size_t total, size_t parts_done,
                       size_t parts_total);
/* Open-ended progress (a count with no known total, e.g. solve's replications): call
 * app_progress(ctx, done, 0) as it goes and app_progress_end at the end. */
void app_progress_end(app_progress_ctx *pc, size_t done);

#endif
