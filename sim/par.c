/* Ranks of an MPI run: rank 0 hands out replications, the others run them (see par.h). */
#include "par.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "runner.h"

#ifndef STEPSIM_MPI

/* Built without MPI: always one process. Started by mpirun as several, every copy would
 * run the whole command: rank 0 says why not, the others leave quietly. */
int par_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *size = getenv("OMPI_COMM_WORLD_SIZE"), *rank = getenv("OMPI_COMM_WORLD_RANK");
    if (size && atoi(size) > 1) {
        if (!rank || atoi(rank) == 0)
            fprintf(stderr, "stepsim: built without MPI, it cannot run as %s ranks: rebuild "
                            "with Open MPI's mpicc present (scripts/install-deps.sh), or run "
                            "it without mpirun\n", size);
        return -1;
    }
    return 0;
}
const char *par_library(void) { return "none (built without mpicc)"; }
int par_rank(void) { return 0; }
int par_size(void) { return 1; }
int par_serve(void) { return EXIT_OK; }
void par_finalize(int status) { (void)status; }
int par_run(const pw_params *p, const pw_params *const *ps, const int *reps, size_t n,
            const runner_opts *o, pw_results *out, char *err, size_t errlen)
{
    return runner_run_local(p, ps, reps, n, o, out, err, errlen);
}

#else

#include <mpi.h>

enum { TAG_JOB = 1, TAG_REPS, TAG_STATUS, TAG_RESULT, TAG_ARRAY };
enum { JOB_END = 0, JOB_RUN = 1 };

/* What rank 0 sends before a batch: the kind, then (JOB_RUN) the threads each rank uses,
 * the replications of this rank's share, the scenario's services (0: one service), the
 * scenarios of a batch of points (1: one scenario; then each replication's point follows
 * its number) and whether each point has services of its own (a batch of a federation's
 * points: nparams x nservices of them, point-major). */
typedef struct par_job {
    int kind;
    int threads;
    unsigned long long nreps;
    unsigned long long nservices;
    unsigned long long nparams;
    unsigned long long svc_per_param;
} par_job;

/* What a rank answers: runner_run_local's status and message. */
typedef struct par_status {
    int rc;
    char err[512];
} par_status;

static int g_rank, g_size = 1, g_mpi;
/* Rank 0 stopped waiting for a rank's answer to a stop signal: the other ranks are still
 * at their shares, so the job is ended (par_finalize), not finished. */
static int g_abandoned;

/* The launcher's marks: Open MPI's mpirun, or a PMI/PMIx launcher (srun, hydra). Without
 * one, MPI_Init would start a singleton runtime for nothing. Returns 1 if a mark is there,
 * else 0. */
static int launched_by_mpirun(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

int par_init(int *argc, char ***argv)
{
    if (!launched_by_mpirun())
        return 0;
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "stepsim: cannot start MPI\n");
        return -1;
    }
    g_mpi = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    return g_rank;
}

#define PAR_STR_(x) #x
#define PAR_STR(x) PAR_STR_(x)
const char *par_library(void)
{
#ifdef OMPI_MAJOR_VERSION
    return "Open MPI " PAR_STR(OMPI_MAJOR_VERSION) "." PAR_STR(OMPI_MINOR_VERSION) "." PAR_STR(
        OMPI_RELEASE_VERSION);
#else
    return "MPI " PAR_STR(MPI_VERSION) "." PAR_STR(MPI_SUBVERSION);
#endif
}

int par_rank(void) { return g_rank; }
int par_size(void) { return g_size; }

/* Wait for a request without spinning: Open MPI's blocking calls poll at full speed, which
 * on a machine with more ranks and threads than cores takes the cores from the ranks still
 * simulating (rank 0 waiting for results, a rank waiting for its next batch). Replications
 * take far longer than the sleeps here (50 us, growing to 10 ms). Returns 0 when it is
 * done, or 1 as soon as *stop (when given) is raised, the request left pending. */
static int wait_politely(MPI_Request *req, const atomic_int *stop)
{
    long ns = 50000;
    for (;;) {
        int done = 0;
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done)
            return 0;
        if (stop && *stop)
            return 1;
        struct timespec ts = {0, ns};
        nanosleep(&ts, NULL);
        if (ns < 10000000)
            ns *= 2;
    }
}

/* Rank 0 waiting for rank `from`'s answer to a batch, until it comes (0) or a stop signal
 * is raised (1: the request is left, the job to be ended). The other ranks run their whole
 * share before they answer, which on a long run is minutes: a Ctrl-C is not kept waiting
 * for it. */
static int recv_status(par_status *st, int from, const atomic_int *stop)
{
    MPI_Request req;
    MPI_Irecv(st, (int)sizeof *st, MPI_BYTE, from, TAG_STATUS, MPI_COMM_WORLD, &req);
    return wait_politely(&req, stop);
}

/* Send or receive one buffer of bytes (MPI counts are ints: large buffers in pieces). */
static void send_bytes(const void *buf, size_t len, int to, int tag)
{
    const char *b = buf;
    do {
        int k = len > (size_t)1 << 30 ? 1 << 30 : (int)len;
        MPI_Request req;
        MPI_Isend(b, k, MPI_BYTE, to, tag, MPI_COMM_WORLD, &req);
        (void)wait_politely(&req, NULL);
        b += k;
        len -= (size_t)k;
    } while (len > 0);
}

/* Receive len bytes from rank `from` with tag into buf, in pieces an int can count (as
 * send_bytes sent them), waiting politely for each. */
static void recv_bytes(void *buf, size_t len, int from, int tag)
{
    char *b = buf;
    do {
        int k = len > (size_t)1 << 30 ? 1 << 30 : (int)len;
        MPI_Request req;
        MPI_Irecv(b, k, MPI_BYTE, from, tag, MPI_COMM_WORLD, &req);
        (void)wait_politely(&req, NULL);
        b += k;
        len -= (size_t)k;
    } while (len > 0);
}

/* One replication's results: the struct, then the arrays it owns (pw_results_free's). */
static void send_result(const pw_results *r, int to)
{
    send_bytes(r, sizeof *r, to, TAG_RESULT);
    if (r->n_weeks)
        send_bytes(r->weeks, r->n_weeks * sizeof *r->weeks, to, TAG_ARRAY);
    if (r->n_services)
        send_bytes(r->service_metric, r->n_services * PW_M_N * sizeof *r->service_metric, to,
                   TAG_ARRAY);
    if (r->pool.wait_nbins)
        send_bytes(r->pool.wait_bins, r->pool.wait_nbins * sizeof *r->pool.wait_bins, to,
                   TAG_ARRAY);
    size_t nt = r->pool.ther_n[PW_STEP2] + r->pool.ther_n[PW_STEP3];
    if (nt)
        send_bytes(r->pool.ther, nt * sizeof *r->pool.ther, to, TAG_ARRAY);
}

/* Receive an array of n elements of size each into a new *p (NULL when n is 0). Out of
 * memory there is no way to drain the message and go on: the job ends (MPI_Abort). */
static void recv_array(void *p, size_t n, size_t size, int from)
{
    void *a = NULL;
    if (n) {
        if (!(a = malloc(n * size))) {
            fprintf(stderr, "stepsim: out of memory gathering the results of rank %d\n", from);
            MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
        }
        recv_bytes(a, n * size, from, TAG_ARRAY);
    }
    memcpy(p, &a, sizeof a);
}

/* One replication's results from rank `from` into r, as send_result sent them: r owns the
 * arrays received (pw_results_free). Out of memory ends the job (recv_array). */
static void recv_result(pw_results *r, int from)
{
    recv_bytes(r, sizeof *r, from, TAG_RESULT);
    recv_array(&r->weeks, r->n_weeks, sizeof *r->weeks, from);
    recv_array(&r->service_metric, r->n_services, PW_M_N * sizeof *r->service_metric, from);
    recv_array(&r->pool.wait_bins, r->pool.wait_nbins, sizeof *r->pool.wait_bins, from);
    recv_array(&r->pool.ther, r->pool.ther_n[PW_STEP2] + r->pool.ther_n[PW_STEP3],
               sizeof *r->pool.ther, from);
}

/* A rank's share of a batch of n: the indexes i with i % size == rank. */
static size_t share_of(size_t n, int rank, int size)
{
    return n > (size_t)rank ? (n - (size_t)rank + (size_t)size - 1) / (size_t)size : 0;
}

/* Test hook (tests/test_mpi.sh): STEPSIM_TEST_FAIL_RANK=k makes rank k (k >= 1) report
 * a share it was given failed, as a rank whose replication failed would. */
static int injected_failure(size_t share)
{
    const char *e = getenv("STEPSIM_TEST_FAIL_RANK");
    return share > 0 && e && atoi(e) == g_rank;
}

int par_serve(void)
{
    pw_params *ps = NULL, *svc = NULL;
    /* No stop handler here: a signal is mpirun ending the job, and ends this rank. */
    for (;;) {
        par_job job;
        recv_bytes(&job, sizeof job, 0, TAG_JOB);
        if (job.kind == JOB_END)
            break;
        free(ps);
        recv_array(&ps, (size_t)job.nparams, sizeof *ps, 0);
        free(svc);
        size_t n = (size_t)job.nreps, np = (size_t)job.nparams, nsvc = (size_t)job.nservices;
        recv_array(&svc, nsvc * (job.svc_per_param ? np : 1), sizeof *svc, 0);
        int *reps = malloc((n ? n : 1) * sizeof *reps);
        int *at = malloc((n ? n : 1) * sizeof *at);
        const pw_params **slot = malloc((n ? n : 1) * sizeof *slot);
        const pw_params **slot_svc = malloc((n ? n : 1) * sizeof *slot_svc);
        pw_results *res = calloc(n ? n : 1, sizeof *res);
        if (!reps || !at || !slot || !slot_svc || !res) {
            MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
            return EXIT_RUNTIME;
        }
        if (n)
            recv_bytes(reps, n * sizeof *reps, 0, TAG_REPS);
        if (n && np > 1)
            recv_bytes(at, n * sizeof *at, 0, TAG_REPS);
        for (size_t i = 0; i < n; i++) {
            size_t u = np > 1 ? (size_t)at[i] : 0;
            slot[i] = &ps[u];
            slot_svc[i] = job.svc_per_param ? &svc[u * nsvc] : svc;
        }
        runner_opts o = {.threads = job.threads, .services = svc, .n_services = nsvc,
                         .slot_services = job.svc_per_param && np > 1 ? slot_svc : NULL};
        par_status st;
        memset(&st, 0, sizeof st);
        if (injected_failure(n)) {
            st.rc = RUNNER_FAILED;
            snprintf(st.err, sizeof st.err, "injected failure (STEPSIM_TEST_FAIL_RANK)");
        } else {
            st.rc = runner_run_local(ps, np > 1 ? slot : NULL, reps, n, &o, res, st.err,
                                     sizeof st.err);
        }
        send_bytes(&st, sizeof st, 0, TAG_STATUS);
        for (size_t i = 0; i < n; i++) {
            if (st.rc == 0)
                send_result(&res[i], 0);
            pw_results_free(&res[i]);
        }
        free(reps);
        free(at);
        free(slot);
        free(slot_svc);
        free(res);
    }
    free(ps);
    free(svc);
    MPI_Finalize();
    return EXIT_OK;
}

void par_finalize(int status)
{
    if (!g_mpi)
        return;
    if (g_abandoned) /* ranks still at their shares: end them (mpirun exits with status) */
        MPI_Abort(MPI_COMM_WORLD, status ? status : EXIT_RUNTIME);
    par_job end = {JOB_END, 0, 0, 0, 0, 0};
    for (int k = 1; k < g_size; k++)
        send_bytes(&end, sizeof end, k, TAG_JOB);
    MPI_Finalize();
    g_mpi = 0;
}

/* A batch's distinct scenarios: uniq[0..*nu) (ps[0] first), at[i] the index of slot i's. */
static int distinct_points(const pw_params *const *ps, size_t n, const pw_params **uniq,
                           int *at, size_t *nu)
{
    *nu = 0;
    for (size_t i = 0; i < n; i++) {
        size_t u = 0;
        while (u < *nu && uniq[u] != ps[i])
            u++;
        if (u == *nu)
            uniq[(*nu)++] = ps[i];
        at[i] = (int)u;
    }
    return 0;
}

/* Rank 0's own share of a federation's replications, counted service by service as the
 * progress line of the whole batch: the other ranks run their shares alongside, so rank
 * 0's services tell how far the batch has gone (until 2026-12-08 nothing was said until
 * rank 0's share ended: a minute for a replication of England). */
typedef struct {
    const runner_opts *o;
    size_t n; /* the batch's replications */
} share_progress;

/* runner_opts.part of rank 0's local run: its services, against the batch's replications. */
static void share_part(void *ctx, size_t done, size_t total, size_t parts_done,
                       size_t parts_total)
{
    const share_progress *sp = ctx;
    (void)total;
    sp->o->part(sp->o->progress_ctx, done, sp->n, parts_done, parts_total);
}

int par_run(const pw_params *p, const pw_params *const *ps, const int *reps, size_t n,
            const runner_opts *o, pw_results *out, char *err, size_t errlen)
{
    int size = g_size;
    memset(out, 0, n * sizeof *out);
    if (g_abandoned) { /* an earlier batch's ranks are still busy: nothing more runs */
        snprintf(err, errlen, "interrupted before the batch began");
        return RUNNER_INTERRUPTED;
    }
    size_t cells = n ? n : 1, nu = 1;
    int *mine = malloc(cells * sizeof *mine), *at = calloc(cells, sizeof *at);
    int *mine_at = malloc(cells * sizeof *mine_at);
    const pw_params **uniq = malloc(cells * sizeof *uniq);
    const pw_params **slot_svc = o->slot_services ? malloc(cells * sizeof *slot_svc) : NULL;
    pw_params *flat = NULL, *flat_svc = NULL;
    size_t nsvc = o->n_services;
    pw_results *res = calloc(cells, sizeof *res);
    if (mine && at && mine_at && uniq && res) {
        uniq[0] = p;
        if (ps)
            distinct_points(ps, n, uniq, at, &nu);
        flat = nu > 1 ? malloc(nu * sizeof *flat) : NULL;
        flat_svc = o->slot_services ? malloc(nu * nsvc * sizeof *flat_svc) : NULL;
    }
    if (!mine || !at || !mine_at || !uniq || !res || (nu > 1 && !flat) ||
        (o->slot_services && (!slot_svc || !flat_svc))) {
        free(mine);
        free(at);
        free(mine_at);
        free(uniq);
        free(slot_svc);
        free(flat);
        free(flat_svc);
        free(res);
        snprintf(err, errlen, "out of memory");
        return RUNNER_FAILED;
    }
    for (size_t u = 0; nu > 1 && u < nu; u++)
        flat[u] = *uniq[u];
    /* A federation's points: each distinct point's services, in the order of uniq. */
    for (size_t i = 0, u = 0; o->slot_services && i < n && u < nu; i++)
        if ((size_t)at[i] == u)
            memcpy(&flat_svc[u++ * nsvc], o->slot_services[i], nsvc * sizeof *flat_svc);
    /* Every other rank gets its share first, then rank 0 runs its own. */
    for (int k = 1; k < size; k++) {
        size_t m = share_of(n, k, size);
        par_job job = {JOB_RUN, o->threads, (unsigned long long)m,
                       (unsigned long long)nsvc, (unsigned long long)nu,
                       o->slot_services != NULL};
        for (size_t i = 0; i < m; i++) {
            mine[i] = reps[(size_t)k + i * (size_t)size];
            mine_at[i] = at[(size_t)k + i * (size_t)size];
        }
        send_bytes(&job, sizeof job, k, TAG_JOB);
        send_bytes(nu > 1 ? flat : p, nu * sizeof *p, k, TAG_ARRAY);
        if (o->slot_services)
            send_bytes(flat_svc, nu * nsvc * sizeof *flat_svc, k, TAG_ARRAY);
        else if (nsvc)
            send_bytes(o->services, nsvc * sizeof *o->services, k, TAG_ARRAY);
        if (m)
            send_bytes(mine, m * sizeof *mine, k, TAG_REPS);
        if (m && nu > 1)
            send_bytes(mine_at, m * sizeof *mine_at, k, TAG_REPS);
    }
    free(flat);
    free(flat_svc);
    size_t m0 = share_of(n, 0, size);
    const pw_params **slot = (const pw_params **)uniq; /* no longer needed as a table */
    for (size_t i = 0; i < m0; i++) {
        mine[i] = reps[i * (size_t)size];
        if (ps)
            slot[i] = ps[i * (size_t)size];
        if (slot_svc)
            slot_svc[i] = o->slot_services[i * (size_t)size];
    }
    runner_opts local = *o;
    share_progress sp = {o, n};
    local.progress = NULL;
    local.part = o->part && o->progress ? share_part : NULL;
    local.progress_ctx = &sp;
    local.slot_services = slot_svc;
    int ret = runner_run_local(p, ps ? slot : NULL, mine, m0, &local, res, err, errlen);
    for (size_t i = 0; i < m0; i++)
        out[i * (size_t)size] = res[i];
    size_t done = ret == 0 ? m0 : 0;
    if (ret == 0 && o->progress)
        o->progress(o->progress_ctx, done, n);
    /* Then every rank's answer, in rank order, each result into its slot. */
    for (int k = 1; k < size; k++) {
        par_status st;
        if (recv_status(&st, k, o->stop) != 0) {
            g_abandoned = 1;
            snprintf(err, errlen, "interrupted: rank %d and after not waited for", k);
            ret = RUNNER_INTERRUPTED;
            break;
        }
        st.err[sizeof st.err - 1] = '\0';
        size_t m = share_of(n, k, size);
        if (st.rc != 0) {
            if (ret == 0 || (ret == RUNNER_INTERRUPTED && st.rc == RUNNER_FAILED)) {
                snprintf(err, errlen, "rank %d: %s", k, st.err);
                ret = st.rc;
            }
            continue;
        }
        for (size_t i = 0; i < m; i++)
            recv_result(&out[(size_t)k + i * (size_t)size], k);
        done += m;
        if (ret == 0 && o->progress && m > 0) /* a rank with no share moves nothing on: its
                                                  line would repeat the last (-n 3 -r 2) */
            o->progress(o->progress_ctx, done, n);
    }
    if (ret == 0 && o->stop && *o->stop) {
        snprintf(err, errlen, "interrupted after %zu of %zu replications", done, n);
        ret = RUNNER_INTERRUPTED;
    }
    if (ret != 0)
        for (size_t i = 0; i < n; i++)
            pw_results_free(&out[i]);
    free(mine);
    free(at);
    free(mine_at);
    free(uniq);
    free(slot_svc);
    free(res);
    return ret;
}

#endif
