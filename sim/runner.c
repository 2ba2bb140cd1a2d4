/* Replications in parallel threads; results by replication number. */
#include "runner.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/pw_world.h"
#include "out_stream.h"
#include "par.h"
#include "sim/core/sim.h"

typedef struct job {
    const pw_params *p;
    const int *reps;
    size_t n;
    const runner_opts *o;
    pw_results *out;
    pthread_mutex_t lock;
    size_t next, done;
    int failed, interrupted;
    char err[512];
} job;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Run one replication with its own streams; returns 0 or -1 with msg set. */
static int run_one(job *j, size_t i, char *msg, size_t len)
{
    int rep = j->reps[i];
    out_stream st;
    memset(&st, 0, sizeof st);
    const pw_monitor *mon = NULL;
    if (j->o->streams) {
        const char *id = j->o->scenario_id ? j->o->scenario_id : j->p->name;
        if (out_stream_open(&st, j->o->outdir, id, j->o->start_days, rep, j->o->streams, msg,
                            len) != 0)
            return -1;
        mon = &st.monitor;
    }
    double t0 = wall_now();
    int rc = pw_run(j->p, rep, mon, &j->out[i]);
    j->out[i].wall_seconds = wall_now() - t0;
    if (rc != 0) {
        snprintf(msg, len, "replication %d failed: %s", rep, pw_strerror(rc));
        out_stream_free(&st);
        return -1;
    }
    if (j->o->streams && out_stream_close(&st, msg, len) != 0)
        return -1;
    return 0;
}

static void *worker(void *arg)
{
    job *j = arg;
    char msg[512];
    for (;;) {
        pthread_mutex_lock(&j->lock);
        if (j->o->stop && *j->o->stop)
            j->interrupted = 1;
        size_t i = j->failed || j->interrupted ? j->n : j->next++;
        pthread_mutex_unlock(&j->lock);
        if (i >= j->n)
            break;
        int rc = run_one(j, i, msg, sizeof msg);
        pthread_mutex_lock(&j->lock);
        if (rc != 0 && !j->failed) {
            j->failed = 1;
            snprintf(j->err, sizeof j->err, "%s", msg);
        }
        j->done++;
        if (j->o->progress)
            j->o->progress(j->o->progress_ctx, j->done, j->n);
        pthread_mutex_unlock(&j->lock);
    }
    return NULL;
}

int runner_run(const pw_params *p, const int *reps, size_t n, const runner_opts *o,
               pw_results *out, char *err, size_t errlen)
{
    if (par_size() > 1 && !o->streams)
        return par_run(p, reps, n, o, out, err, errlen);
    return runner_run_local(p, reps, n, o, out, err, errlen);
}

int runner_run_local(const pw_params *p, const int *reps, size_t n, const runner_opts *o,
                     pw_results *out, char *err, size_t errlen)
{
    job j;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.reps = reps;
    j.n = n;
    j.o = o;
    j.out = out;
    memset(out, 0, n * sizeof *out);
    pthread_mutex_init(&j.lock, NULL);
    int threads = o->threads < 1 ? 1 : o->threads;
    if ((size_t)threads > n)
        threads = n ? (int)n : 1;
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    int started = 0;
    if (tid)
        for (; started < threads - 1; started++)
            if (pthread_create(&tid[started], NULL, worker, &j) != 0)
                break;
    worker(&j); /* the calling thread works too */
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    free(tid);
    pthread_mutex_destroy(&j.lock);
    int ret = 0;
    if (j.failed) {
        snprintf(err, errlen, "%s", j.err);
        ret = RUNNER_FAILED;
    } else if (j.interrupted || (o->stop && *o->stop)) {
        snprintf(err, errlen, "interrupted after %zu of %zu replications", j.done, n);
        ret = RUNNER_INTERRUPTED;
    } else if (o->streams &&
               out_stream_merge(o->outdir, reps, n, o->streams, err, errlen) != 0) {
        ret = RUNNER_FAILED;
    }
    if (ret != 0) {
        if (o->streams)
            out_stream_discard(o->outdir, reps, n, o->streams);
        for (size_t i = 0; i < n; i++)
            pw_results_free(&out[i]);
    }
    return ret;
}
