/* The replication runner: replications of one scenario in parallel threads, each with
 * its own world and streams, results stored by replication number so that the output
 * does not depend on the number of threads or the order replications finish in. */
#ifndef RUNNER_H
#define RUNNER_H

#include <stdatomic.h>
#include <stddef.h>

#include "models/pw_params.h"
#include "models/pw_results.h"

typedef struct runner_opts {
    int threads;             /* worker threads (>= 1) */
    const char *outdir;      /* where patients/events part files go (if streams) */
    unsigned streams;        /* OUT_STREAM_* bits, or 0 */
    const char *scenario_id; /* the short id stream rows carry (NULL: the scenario name) */
    long start_days;         /* date of day 0 for events.csv, days from 1970-01-01 */
    /* Called (under a lock, from worker threads) after each replication finishes. */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    /* A federation's: called (under the lock, with progress_ctx) after each service of a
     * replication finishes, with the replications done of the batch's total and the
     * services done of the batch's (replications × services), so that a replication of
     * many services (England's 120) shows it is moving. NULL: none. */
    void (*part)(void *ctx, size_t done, size_t total, size_t parts_done, size_t parts_total);
    /* When non-NULL and non-zero (set by a signal handler, by the progress callback or
     * by another thread: serve's client gone), no further replication starts, the ones
     * running end at their next weekly round (pw_run_stoppable: within a simulated week)
     * and runner_run fails with RUNNER_INTERRUPTED. */
    const atomic_int *stop;
    /* A federation (models/pw_pool.h): its services' parameters (each with the base's
     * horizon and roles), n_services of them; p is then the national parameters. Each
     * replication runs every service (one task each, on any thread) and pools them in
     * service order. NULL and 0 for one service. */
    const pw_params *services;
    size_t n_services;
    /* A batch of points of a federation (runner_run_points): slot i's services, n_services
     * each (the services list is the file's, so every point has as many); services is
     * then unused. NULL otherwise. */
    const pw_params *const *slot_services;
} runner_opts;

/* runner_run's failures. */
enum { RUNNER_FAILED = -1, RUNNER_INTERRUPTED = -2 };

/* Run replications reps[0..n) of p; out[i] receives replication reps[i]. On success the
 * patient/event streams (if any) are merged into outdir. Returns 0, or RUNNER_FAILED with a
 * message in err, or RUNNER_INTERRUPTED (o->stop was raised); then every out[] is released
 * and no stream part is left in outdir. Under mpirun (sim/par.h) the replications are
 * spread over the ranks, but with streams: those are written where the run is, so a run
 * with streams stays in rank 0 (on its threads). */
__attribute__((warn_unused_result)) int runner_run(const pw_params *p, const int *reps,
                                                   size_t n, const runner_opts *o,
                                                   pw_results *out, char *err,
                                                   size_t errlen);
/* A batch of points: out[i] receives replication reps[i] of ps[i] (n >= 1; no streams;
 * points of a federation give their services in o->slot_services). One batch spreads
 * every point's replications over the threads and, under mpirun, the ranks, so points
 * with few replications each still fill them. */
__attribute__((warn_unused_result)) int runner_run_points(const pw_params *const *ps,
                                                          const int *reps, size_t n,
                                                          const runner_opts *o,
                                                          pw_results *out, char *err,
                                                          size_t errlen);
/* runner_run (ps NULL) or runner_run_points (ps[i] slot i's; p == ps[0]) in this process
 * only, on o's threads: what each rank runs of its share. */
__attribute__((warn_unused_result)) int runner_run_local(const pw_params *p,
                                                         const pw_params *const *ps,
                                                         const int *reps, size_t n,
                                                         const runner_opts *o,
                                                         pw_results *out, char *err,
                                                         size_t errlen);

#endif
