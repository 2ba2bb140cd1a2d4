/* Replications in parallel threads; results by replication number. */
#include "runner.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/pw_pool.h"
#include "models/pw_world.h"
#include "out_stream.h"
#include "par.h"
#include "sim/core/sim.h"

/* A batch: n replications, each of nsvc tasks (one per service; 1 without services). */
typedef struct job {
    const pw_params *p;
    const pw_params *const *ps; /* a batch of points: slot i's parameters (else p's) */
    const int *reps;
    size_t n, nsvc;
    const runner_opts *o;
    pw_results *out;
    pw_results **svc;     /* a federation: each replication's services' results, until pooled */
    size_t *svc_done;     /* services finished, by replication */
    size_t svc_all;       /* services finished over the batch */
    pthread_mutex_t lock;
    size_t next, done;    /* tasks handed out; replications done */
    int failed, interrupted;
    char err[512];
} job;

/* Seconds on the monotonic clock (for wall times; no effect on results). */
static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A task's status besides 0: a replication (or a service of one) ended early by the stop
 * flag (PW_ESTOPPED), its rows discarded; not a failure. */
enum { TASK_STOPPED = -2 };

/* Run service k of replication i into its slot. Returns 1 when it was the replication's
 * last service (the caller then pools it), 0, TASK_STOPPED, or -1 with msg set. */
static int run_service(job *j, size_t i, size_t k, char *msg, size_t len)
{
    int rep = j->reps[i];
    pthread_mutex_lock(&j->lock);
    if (!j->svc[i] && !(j->svc[i] = calloc(j->nsvc, sizeof *j->svc[i]))) {
        pthread_mutex_unlock(&j->lock);
        snprintf(msg, len, "out of memory");
        return -1;
    }
    pw_results *r = &j->svc[i][k];
    pthread_mutex_unlock(&j->lock);
    const pw_params *p = j->ps ? j->ps[i] : j->p;
    pw_params sp = j->o->slot_services ? j->o->slot_services[i][k] : j->o->services[k];
    sp.seed = pw_pool_service_seed(p->seed, k);
    /* Its rows into parts of its own (.NAME.r<R>.s<K>.part), joined by replication, then
     * service, as one service's are by replication (runner_run_local). */
    out_stream st;
    memset(&st, 0, sizeof st);
    const pw_monitor *mon = NULL;
    if (j->o->streams) {
        const char *id = j->o->scenario_id ? j->o->scenario_id : p->name;
        if (out_stream_open_service(&st, j->o->outdir, id, sp.name, (int)k, j->o->start_days,
                                    rep, j->o->streams, msg, len) != 0)
            return -1;
        mon = &st.monitor;
    }
    double t0 = wall_now();
    int rc = pw_run_stoppable(&sp, rep, mon, j->o->stop, r);
    r->wall_seconds = wall_now() - t0;
    if (rc == PW_ESTOPPED) {
        out_stream_free(&st);
        return TASK_STOPPED;
    }
    if (rc != 0) {
        snprintf(msg, len, "replication %d, service %zu (%s) failed: %s", rep, k + 1, sp.name,
                 pw_strerror(rc));
        out_stream_free(&st);
        return -1;
    }
    if (j->o->streams && out_stream_close(&st, msg, len) != 0)
        return -1;
    pthread_mutex_lock(&j->lock);
    int last = ++j->svc_done[i] == j->nsvc;
    j->out[i].wall_seconds += r->wall_seconds;
    j->svc_all++;
    if (j->o->part)
        j->o->part(j->o->progress_ctx, j->done, j->n, j->svc_all, j->n * j->nsvc);
    pthread_mutex_unlock(&j->lock);
    return last;
}

/* Pool replication i's services, in service order, into out[i] and release them. Returns 0,
 * or -1 with msg set (out of memory). */
static int pool_services(job *j, size_t i, char *msg, size_t len)
{
    double wall = j->out[i].wall_seconds;
    int rc = pw_pool_begin(&j->out[i], j->reps[i], j->nsvc);
    for (size_t k = 0; k < j->nsvc && rc == 0; k++)
        rc = pw_pool_add(&j->out[i], k, &j->svc[i][k]);
    for (size_t k = 0; k < j->nsvc; k++)
        pw_results_free(&j->svc[i][k]);
    free(j->svc[i]);
    j->svc[i] = NULL;
    if (rc != 0) {
        snprintf(msg, len, "replication %d: cannot pool its services (out of memory)",
                 j->reps[i]);
        return -1;
    }
    pw_pool_finish(j->ps ? j->ps[i] : j->p, &j->out[i]);
    pw_pool_release(&j->out[i]);
    j->out[i].wall_seconds = wall;
    return 0;
}

/* Run one replication with its own streams; returns 0, TASK_STOPPED, or -1 with msg set. */
static int run_one(job *j, size_t i, char *msg, size_t len)
{
    int rep = j->reps[i];
    const pw_params *p = j->ps ? j->ps[i] : j->p;
    out_stream st;
    memset(&st, 0, sizeof st);
    const pw_monitor *mon = NULL;
    if (j->o->streams) {
        const char *id = j->o->scenario_id ? j->o->scenario_id : p->name;
        if (out_stream_open(&st, j->o->outdir, id, j->o->start_days, rep, j->o->streams, msg,
                            len) != 0)
            return -1;
        mon = &st.monitor;
    }
    double t0 = wall_now();
    int rc = pw_run_stoppable(p, rep, mon, j->o->stop, &j->out[i]);
    j->out[i].wall_seconds = wall_now() - t0;
    pw_pool_release(&j->out[i]); /* pooled only in a federation (run_service) */
    if (rc == PW_ESTOPPED) {
        out_stream_free(&st);
        return TASK_STOPPED;
    }
    if (rc != 0) {
        snprintf(msg, len, "replication %d failed: %s", rep, pw_strerror(rc));
        out_stream_free(&st);
        return -1;
    }
    if (j->o->streams && out_stream_close(&st, msg, len) != 0)
        return -1;
    return 0;
}

/* A thread of the batch (arg its job): takes the next task until none is left, the batch
 * failed (the first failure's message kept in the job's err) or a stop was asked; runs a
 * replication, or a service of one (pooling the replication after its last service), and
 * counts it done with the progress callback. A task the stop flag ended within (the model
 * reads it weekly) marks the batch interrupted and is not counted. Returns NULL. */
static void *worker(void *arg)
{
    job *j = arg;
    char msg[512];
    for (;;) {
        pthread_mutex_lock(&j->lock);
        if (j->o->stop && *j->o->stop)
            j->interrupted = 1;
        size_t t = j->failed || j->interrupted ? j->n * j->nsvc : j->next++;
        pthread_mutex_unlock(&j->lock);
        if (t >= j->n * j->nsvc)
            break;
        size_t i = t / j->nsvc;
        int rc;
        if (!j->o->n_services) {
            rc = run_one(j, i, msg, sizeof msg);
        } else if ((rc = run_service(j, i, t % j->nsvc, msg, sizeof msg)) == 1) {
            rc = pool_services(j, i, msg, sizeof msg);
        } else if (rc == 0) {
            continue; /* the replication is not done yet */
        }
        pthread_mutex_lock(&j->lock);
        if (rc == TASK_STOPPED) {
            j->interrupted = 1;
            pthread_mutex_unlock(&j->lock);
            continue;
        }
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
        return par_run(p, NULL, reps, n, o, out, err, errlen);
    return runner_run_local(p, NULL, reps, n, o, out, err, errlen);
}

int runner_run_points(const pw_params *const *ps, const int *reps, size_t n,
                      const runner_opts *o, pw_results *out, char *err, size_t errlen)
{
    if (n == 0 || (o->n_services && !o->slot_services) || o->streams) {
        snprintf(err, errlen, "internal: a batch of points holds no streams, and a "
                              "federation's services point by point");
        return RUNNER_FAILED;
    }
    if (par_size() > 1)
        return par_run(ps[0], ps, reps, n, o, out, err, errlen);
    return runner_run_local(ps[0], ps, reps, n, o, out, err, errlen);
}

int runner_run_local(const pw_params *p, const pw_params *const *ps, const int *reps,
                     size_t n, const runner_opts *o, pw_results *out, char *err,
                     size_t errlen)
{
    job j;
    memset(&j, 0, sizeof j);
    j.p = p;
    j.ps = ps;
    j.reps = reps;
    j.n = n;
    j.o = o;
    j.out = out;
    j.nsvc = o->n_services ? o->n_services : 1;
    memset(out, 0, n * sizeof *out);
    if (o->n_services) {
        j.svc = calloc(n ? n : 1, sizeof *j.svc);
        j.svc_done = calloc(n ? n : 1, sizeof *j.svc_done);
        if (!j.svc || !j.svc_done) {
            free(j.svc);
            free(j.svc_done);
            snprintf(err, errlen, "out of memory");
            return RUNNER_FAILED;
        }
    }
    pthread_mutex_init(&j.lock, NULL);
    int threads = o->threads < 1 ? 1 : o->threads;
    if ((size_t)threads > n * j.nsvc)
        threads = n ? (int)(n * j.nsvc) : 1;
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
    for (size_t i = 0; j.svc && i < n; i++) { /* a failed or stopped batch's leftovers */
        for (size_t k = 0; j.svc[i] && k < j.nsvc; k++)
            pw_results_free(&j.svc[i][k]);
        free(j.svc[i]);
    }
    free(j.svc);
    free(j.svc_done);
    int ret = 0;
    if (j.failed) {
        snprintf(err, errlen, "%s", j.err);
        ret = RUNNER_FAILED;
    } else if (j.interrupted || (o->stop && *o->stop)) {
        snprintf(err, errlen, "interrupted after %zu of %zu replications", j.done, n);
        ret = RUNNER_INTERRUPTED;
    } else if (o->streams && out_stream_merge_services(o->outdir, reps, n, o->n_services,
                                                       o->streams, err, errlen) != 0) {
        ret = RUNNER_FAILED;
        if (o->stop && *o->stop) { /* the merge stopped (out_stop_on), or failed after it */
            snprintf(err, errlen, "interrupted while merging the streams");
            ret = RUNNER_INTERRUPTED;
        }
    }
    if (ret != 0) {
        if (o->streams)
            out_stream_discard_services(o->outdir, reps, n, o->n_services, o->streams);
        for (size_t i = 0; i < n; i++)
            pw_results_free(&out[i]);
    }
    return ret;
}
