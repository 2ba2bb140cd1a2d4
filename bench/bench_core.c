/* Engine benchmarks: the event calendar (hold model), a whole M/M/c run, and GSL generators,
 * each against a plain hand-written reference. Usage at the bottom (usage()).
 *
 * Method
 * - Every trial runs in a forked child that sends back its rate and its peak RSS, so the
 *   memory figure of a row belongs to that benchmark alone (ru_maxrss only ever grows).
 * - Engine and reference trials alternate, three of each (seven for M/M/c, whose trials
 *   are short), and the best (highest rate) of each counts: on a shared machine noise
 *   only ever slows a trial down.
 * - Engine and reference draw the same numbers from the same generator type and seed, so
 *   they simulate the same thing; each trial returns a checksum (final clock, mean wait)
 *   and the parent checks that engine and reference agree exactly.
 * - The M/M/c reference is the textbook next-event loop of that one model (no calendar);
 *   the target is an engine at no less than half its rate. A heap-based event loop and a
 *   FIFO recursion with no events at all are printed beside it as yardsticks.
 */
#include "bench_util.h"
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/core/sim.h"
#include "sim/core/sim_rng.h"
#include "sim/core/sim_stats.h"

#define TRIALS 3
#define MMC_TRIALS 7 /* an M/M/c trial takes ~0.2 s: more of them, less noise in the ratio */
#define MAX_TRIALS MMC_TRIALS
#define TRIAL_TIMEOUT_S 120 /* a trial that takes longer is killed: a hung engine */
#define MASTER_SEED 20240601u

/* Stores to a volatile keep the compiler from dropping the work whose result they take. */
static volatile double sink_d;
static volatile uint64_t sink_u;

/* ======================================================================================
 * Running a trial in a child process
 * ==================================================================================== */

/* What a trial reports. err != 0 means it failed; msg then says why. */
typedef struct trial {
    double rate;       /* work units per second */
    double check;      /* checksum that engine and reference must agree on */
    double extra[3];   /* benchmark-specific figures */
    long rss_kb;
    int err;
    char msg[120];
} trial;

typedef void (*trial_fn)(long n, trial *out);

/* Run fn(n) in a forked child and return its report in *out. Returns 0, or -1 if the
 * child could not be run or died (out->msg says why). */
static int run_child(trial_fn fn, long n, trial *out)
{
    int fd;
    memset(out, 0, sizeof *out);
    pid_t pid = bench_spawn(&fd, out->msg, sizeof out->msg);
    if (pid < 0)
        return -1;
    if (pid == 0) {
        trial t;
        memset(&t, 0, sizeof t);
        alarm(TRIAL_TIMEOUT_S); /* SIGALRM's default action ends the child */
        fn(n, &t);
        t.rss_kb = peak_rss_kb();
        bench_child_exit(fd, &t, sizeof t);
    }
    if (bench_collect(fd, pid, out, sizeof *out, out->msg, sizeof out->msg,
                      TRIAL_TIMEOUT_S) != 0)
        return -1;
    return out->err ? -1 : 0;
}

/* Best of `trials` (<= MAX_TRIALS) for an engine and a reference trial, run alternately.
 * Fills the best trial of each (highest rate), the largest RSS each side reached and
 * every rate in rates. Returns 0 or -1 (message printed). */
static int alternate(const char *what, trial_fn eng, trial_fn ref, long n, int trials,
                     trial *best_eng, trial *best_ref, double rates[2][MAX_TRIALS])
{
    long rss_e = 0, rss_r = 0;
    for (int k = 0; k < trials; k++) {
        trial e, r;
        if (run_child(eng, n, &e) != 0) {
            fprintf(stderr, "bench_core: %s engine: %s\n", what, e.msg);
            return -1;
        }
        if (run_child(ref, n, &r) != 0) {
            fprintf(stderr, "bench_core: %s reference: %s\n", what, r.msg);
            return -1;
        }
        rates[0][k] = e.rate;
        rates[1][k] = r.rate;
        if (k == 0 || e.rate > best_eng->rate)
            *best_eng = e;
        if (k == 0 || r.rate > best_ref->rate)
            *best_ref = r;
        rss_e = e.rss_kb > rss_e ? e.rss_kb : rss_e;
        rss_r = r.rss_kb > rss_r ? r.rss_kb : rss_r;
    }
    best_eng->rss_kb = rss_e;
    best_ref->rss_kb = rss_r;
    return 0;
}

/* ======================================================================================
 * Output: table rows on stdout, CSV rows appended to --csv
 * ==================================================================================== */

static const char *csv_path;

static void print_header(void)
{
    printf("%-16s %9s %12s %12s %7s %12s\n", "benchmark", "n", "engine/s", "reference/s",
           "ratio", "peak_rss_kB");
}

/* One table row and, with --csv, one CSV row. ref <= 0 leaves the reference columns empty.
 * Returns 0, or -1 if the CSV could not be written. */
static int emit_row(const char *name, long n, double eng, double ref, long rss_kb)
{
    char a[32], b[32], ratio[32] = "-";
    if (ref > 0)
        snprintf(ratio, sizeof ratio, "%.3f", eng / ref);
    printf("%-16s %9ld %12s %12s %7s %12ld\n", name, n, fmt_rate(a, sizeof a, eng),
           fmt_rate(b, sizeof b, ref), ratio, rss_kb);
    if (!csv_path)
        return 0;
    if (ref > 0)
        return bench_csv_row(csv_path, "bench_core", "%s,%ld,%.0f,%.0f,%.4f,%ld\n", name, n, eng,
                             ref, eng / ref, rss_kb);
    return bench_csv_row(csv_path, "bench_core", "%s,%ld,%.0f,,,%ld\n", name, n, eng, rss_kb);
}

/* The rate of every trial, in the order run, so a reader sees the noise. */
static void print_trials(const char *label, const double *r, int trials)
{
    char buf[32];
    printf("    %-10s trials", label);
    for (int k = 0; k < trials; k++)
        printf(" %s", fmt_rate(buf, sizeof buf, r[k]));
    printf("\n");
}

/* ======================================================================================
 * Hold model: N pending events; each event schedules one at now + Exp(mean 1)
 * ==================================================================================== */

/* Events fired before timing starts (so the calendar reaches its steady shape) and
 * events timed (enough for ~0.3-1 s at every N). */
static long hold_warmup(long n) { return n > 100000 ? n : 100000; }
static long hold_events(long n) { return 5 * n > 2000000 ? 5 * n : 2000000; }

/* Two replication streams of SIM_RNG_TYPE seeded as the engine seeds them; engine and
 * reference trials get identical numbers. Returns stream 0, or NULL with out->err set. */
static gsl_rng *bench_rng(sim_streams *st, trial *out)
{
    if (sim_streams_init(st, 2, MASTER_SEED, 0) != SIM_OK) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "sim_streams_init failed");
        return NULL;
    }
    return st->r[0];
}

typedef struct hold_state {
    gsl_rng *r;
    uint64_t left; /* events still to fire before the run stops */
} hold_state;

/* The handler: one event fires, one is scheduled; stops the run after h->left events. */
static void hold_fire(sim *s, void *obj, uint64_t arg)
{
    hold_state *h = obj;
    sim_schedule(s, gsl_ran_exponential(h->r, 1.0), 0, hold_fire, obj, arg);
    if (--h->left == 0)
        sim_stop(s);
}

/* Engine trial: rate = events/s; check = clock after the timed events. */
static void hold_engine(long n, trial *out)
{
    sim_streams st;
    sim s;
    gsl_rng *r = bench_rng(&st, out);
    if (!r)
        return;
    if (sim_init(&s, (size_t)n) != SIM_OK) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "sim_init: %s", sim_strerror(SIM_ENOMEM));
        goto out;
    }
    hold_state h = {r, 0};
    for (long i = 0; i < n; i++)
        sim_schedule_at(&s, gsl_ran_exponential(r, 1.0), 0, hold_fire, &h, (uint64_t)i);
    h.left = (uint64_t)hold_warmup(n);
    int rc = sim_run(&s);
    double t0 = now_s();
    if (rc == SIM_STOPPED) {
        h.left = (uint64_t)hold_events(n);
        rc = sim_run(&s);
    }
    double t1 = now_s();
    if (rc != SIM_STOPPED || sim_pending(&s) != (size_t)n) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "engine run returned %d (%s), %zu pending", rc,
                 rc < 0 ? sim_strerror(rc) : "expected SIM_STOPPED", sim_pending(&s));
        goto out;
    }
    out->rate = (double)hold_events(n) / (t1 - t0);
    out->check = s.now;
    sink_d = s.now;
out:
    sim_free(&s);
    sim_streams_free(&st);
}

/* The reference: a textbook array binary heap ordered by (time, seq). */
typedef struct ref_entry {
    double time;
    uint64_t seq;
    uint32_t id;
} ref_entry;

typedef struct ref_heap {
    ref_entry *a;
    size_t n, cap;
    uint64_t next_seq;
} ref_heap;

static inline int ref_less(const ref_entry *x, const ref_entry *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

/* Returns 0, or -1 when out of memory. */
static int ref_push(ref_heap *h, double t, uint32_t id)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 64;
        ref_entry *a = realloc(h->a, cap * sizeof *a);
        if (!a)
            return -1;
        h->a = a;
        h->cap = cap;
    }
    ref_entry e = {t, h->next_seq++, id};
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ref_less(&e, &h->a[p]))
            break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = e;
    return 0;
}

/* Remove and return the minimum; the heap must not be empty. */
static ref_entry ref_pop(ref_heap *h)
{
    ref_entry top = h->a[0];
    size_t n = --h->n;
    if (n == 0)
        return top;
    ref_entry last = h->a[n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ref_less(&h->a[c + 1], &h->a[c]))
            c++;
        if (!ref_less(&h->a[c], &last))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    h->a[i] = last;
    return top;
}

/* One step of the reference hold loop, `count` times; returns the clock. */
static double ref_hold_steps(ref_heap *h, gsl_rng *r, long count)
{
    double now = 0.0;
    for (long k = 0; k < count; k++) {
        ref_entry e = ref_pop(h);
        now = e.time;
        ref_push(h, now + gsl_ran_exponential(r, 1.0), e.id); /* cannot grow: n is fixed */
    }
    return now;
}

/* Reference trial: the same model on ref_heap; rate = events/s, check = final clock. */
static void hold_reference(long n, trial *out)
{
    sim_streams st;
    gsl_rng *r = bench_rng(&st, out);
    if (!r)
        return;
    ref_heap h = {NULL, 0, 0, 0};
    h.a = malloc((size_t)n * sizeof *h.a);
    if (!h.a) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "out of memory");
        goto out;
    }
    h.cap = (size_t)n;
    for (long i = 0; i < n; i++)
        ref_push(&h, gsl_ran_exponential(r, 1.0), (uint32_t)i);
    ref_hold_steps(&h, r, hold_warmup(n));
    double t0 = now_s();
    double now = ref_hold_steps(&h, r, hold_events(n));
    double t1 = now_s();
    out->rate = (double)hold_events(n) / (t1 - t0);
    out->check = now;
    sink_d = now;
out:
    free(h.a);
    sim_streams_free(&st);
}

/* hold N: print and record one row. Returns 0, or -1 on failure or if the engine's final
 * clock differs from the reference's (events fired out of order). */
static int bench_hold(long n)
{
    trial e, r;
    double rates[2][MAX_TRIALS];
    if (alternate("hold", hold_engine, hold_reference, n, TRIALS, &e, &r, rates) != 0)
        return -1;
    if (emit_row("hold", n, e.rate, r.rate, e.rss_kb) != 0)
        return -1;
    print_trials("engine", rates[0], TRIALS);
    print_trials("reference", rates[1], TRIALS);
    printf("    %ld warm-up + %ld timed events; reference peak RSS %ld kB; final clock "
           "engine %.17g, reference %.17g (%s)\n",
           hold_warmup(n), hold_events(n), r.rss_kb, e.check, r.check,
           e.check == r.check ? "same" : "DIFFERENT: the engine fired events out of order");
    return e.check == r.check ? 0 : -1;
}

/* ======================================================================================
 * M/M/c: c servers, Poisson arrivals, exponential service, FIFO queue
 * ==================================================================================== */

#define MMC_C 10u
#define MMC_LAMBDA 9.0 /* arrivals per hour */
#define MMC_MU 1.0     /* services per hour per server */
#define MMC_CUSTOMERS 1000000L

typedef struct mmc_state {
    gsl_rng *arrivals, *service;
    uint64_t to_arrive; /* arrivals not yet scheduled */
    unsigned busy;
    double *q;          /* ring buffer of arrival times of waiting customers */
    size_t qcap, qhead, qlen; /* qcap is a power of two */
    double wait_sum;
    uint64_t started;
    int err;
} mmc_state;

/* Append to the ring buffer, doubling it when full. Returns 0 or -1 (out of memory). */
static int mmc_enqueue(mmc_state *m, double t)
{
    if (m->qlen == m->qcap) {
        size_t cap = 2 * m->qcap;
        double *q = malloc(cap * sizeof *q);
        if (!q)
            return -1;
        for (size_t i = 0; i < m->qlen; i++)
            q[i] = m->q[(m->qhead + i) & (m->qcap - 1)];
        free(m->q);
        m->q = q;
        m->qcap = cap;
        m->qhead = 0;
    }
    m->q[(m->qhead + m->qlen++) & (m->qcap - 1)] = t;
    return 0;
}

static void mmc_depart(sim *s, void *obj, uint64_t arg);

/* A customer who arrived at `arrived` enters service now. */
static void mmc_start(sim *s, mmc_state *m, double arrived)
{
    m->wait_sum += s->now - arrived;
    m->started++;
    sim_schedule(s, gsl_ran_exponential(m->service, 1.0 / MMC_MU), 0, mmc_depart, m, 0);
}

/* An arrival schedules the next (until all have arrived), then starts service or joins
 * the queue. */
static void mmc_arrive(sim *s, void *obj, uint64_t arg)
{
    mmc_state *m = obj;
    (void)arg;
    if (m->to_arrive > 0) {
        m->to_arrive--;
        sim_schedule(s, gsl_ran_exponential(m->arrivals, 1.0 / MMC_LAMBDA), 0, mmc_arrive, m,
                     0);
    }
    if (m->busy < MMC_C) {
        m->busy++;
        mmc_start(s, m, s->now);
    } else if (mmc_enqueue(m, s->now) != 0) {
        m->err = 1;
        sim_stop(s);
    }
}

/* A departure hands the server to the head of the queue, or leaves it idle. */
static void mmc_depart(sim *s, void *obj, uint64_t arg)
{
    mmc_state *m = obj;
    (void)arg;
    if (m->qlen > 0) {
        double arrived = m->q[m->qhead];
        m->qhead = (m->qhead + 1) & (m->qcap - 1);
        m->qlen--;
        mmc_start(s, m, arrived);
    } else {
        m->busy--;
    }
}

/* Nanoseconds per sim_tally_add over n additions, or NaN if the tally cannot be made. */
static double tally_add_ns(long n)
{
    sim_tally tally;
    if (sim_tally_init(&tally) != SIM_OK)
        return NAN;
    double x = 0.0, t0 = now_s();
    for (long i = 0; i < n; i++, x += 0.5)
        sim_tally_add(&tally, x);
    double ns = 1e9 * (now_s() - t0) / (double)n;
    sink_d = sim_tally_mean(&tally);
    sim_tally_free(&tally);
    return ns;
}

/* Engine trial: rate = customers/s; check = mean wait (hours); extra[0] = ns per
 * sim_tally_add (what a model tallying through the engine's stats would add). */
static void mmc_engine(long n, trial *out)
{
    sim_streams st;
    sim s;
    mmc_state m;
    memset(&m, 0, sizeof m);
    memset(&s, 0, sizeof s);
    if (!bench_rng(&st, out))
        return;
    m.arrivals = st.r[0];
    m.service = st.r[1];
    m.qcap = 1024;
    m.q = malloc(m.qcap * sizeof *m.q);
    if (!m.q || sim_init(&s, 64) != SIM_OK) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "out of memory");
        goto out;
    }
    double t0 = now_s();
    m.to_arrive = (uint64_t)n - 1;
    sim_schedule(&s, gsl_ran_exponential(m.arrivals, 1.0 / MMC_LAMBDA), 0, mmc_arrive, &m, 0);
    int rc = sim_run(&s);
    double t1 = now_s();
    if (rc != SIM_OK || m.err || m.started != (uint64_t)n) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "engine run returned %d (%s), %llu of %ld served",
                 rc, sim_strerror(rc), (unsigned long long)m.started, n);
        goto out;
    }
    out->rate = (double)n / (t1 - t0);
    out->check = m.wait_sum / (double)n;
    sink_d = out->check;
    out->extra[0] = tally_add_ns(n);
out:
    free(m.q);
    sim_free(&s);
    sim_streams_free(&st);
}

/* The reference: the textbook next-event loop of the same model. State is the next
 * arrival time, each server's completion time (+INF when idle) and the FIFO queue of
 * waiting customers' arrival times. Each step scans the c completion times for the
 * earliest, compares it with the next arrival, advances the clock and handles that one
 * event. No calendar, no handles, no function pointers: what a person would write for
 * this one model. The draws are the engine model's, stream by stream in the same order
 * (next arrival before the service of the customer arriving; services in order of
 * service start), so the mean wait is the engine's to the last bit. */
static void mmc_reference(long n, trial *out)
{
    sim_streams st;
    mmc_state m; /* its ring buffer and tallies only */
    memset(&m, 0, sizeof m);
    if (!bench_rng(&st, out))
        return;
    gsl_rng *ra = st.r[0], *rs = st.r[1];
    m.qcap = 1024;
    m.q = malloc(m.qcap * sizeof *m.q);
    if (!m.q) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "out of memory");
        goto out;
    }
    double done_at[MMC_C];
    for (unsigned k = 0; k < MMC_C; k++)
        done_at[k] = INFINITY;
    double t0 = now_s();
    uint64_t to_arrive = (uint64_t)n - 1;
    double next_arrival = gsl_ran_exponential(ra, 1.0 / MMC_LAMBDA);
    for (;;) {
        unsigned j = 0; /* the busy server that finishes first (+INF: all idle) */
        for (unsigned k = 1; k < MMC_C; k++)
            if (done_at[k] < done_at[j])
                j = k;
        double now, arrived;
        if (next_arrival <= done_at[j]) {
            if (next_arrival == INFINITY)
                break; /* nobody left to arrive and every server idle */
            now = arrived = next_arrival;
            if (to_arrive > 0) {
                to_arrive--;
                next_arrival = now + gsl_ran_exponential(ra, 1.0 / MMC_LAMBDA);
            } else {
                next_arrival = INFINITY;
            }
            if (m.busy == MMC_C) {
                if (mmc_enqueue(&m, now) != 0) {
                    out->err = 1;
                    snprintf(out->msg, sizeof out->msg, "out of memory");
                    goto out;
                }
                continue;
            }
            for (j = 0; done_at[j] != INFINITY; j++) /* an idle server: busy < c */
                ;
            m.busy++;
        } else {
            now = done_at[j];
            if (m.qlen == 0) {
                done_at[j] = INFINITY;
                m.busy--;
                continue;
            }
            arrived = m.q[m.qhead];
            m.qhead = (m.qhead + 1) & (m.qcap - 1);
            m.qlen--;
        }
        m.wait_sum += now - arrived; /* server j starts the customer who arrived then */
        m.started++;
        done_at[j] = now + gsl_ran_exponential(rs, 1.0 / MMC_MU);
    }
    double t1 = now_s();
    if (m.started != (uint64_t)n) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "next-event loop served %llu of %ld",
                 (unsigned long long)m.started, n);
        goto out;
    }
    out->rate = (double)n / (t1 - t0);
    out->check = m.wait_sum / (double)n;
    sink_d = out->check;
out:
    free(m.q);
    sim_streams_free(&st);
}

/* Not in the CSV, a yardstick: the same customers without any events. With FIFO service
 * each customer, in arrival order, starts on the server that frees first (a linear scan
 * of c free times), so there is neither a queue nor a clock to advance. This is a lower
 * bound on the cost of the model itself (the draws and the bookkeeping), not a
 * discrete-event simulation. */
static void mmc_fifo(long n, trial *out)
{
    sim_streams st;
    if (!bench_rng(&st, out))
        return;
    gsl_rng *ra = st.r[0], *rs = st.r[1];
    double free_at[MMC_C] = {0};
    double t = 0.0, wait_sum = 0.0;
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        t += gsl_ran_exponential(ra, 1.0 / MMC_LAMBDA);
        unsigned j = 0;
        for (unsigned k = 1; k < MMC_C; k++)
            if (free_at[k] < free_at[j])
                j = k;
        double start = t > free_at[j] ? t : free_at[j];
        wait_sum += start - t;
        free_at[j] = start + gsl_ran_exponential(rs, 1.0 / MMC_MU);
    }
    double t1 = now_s();
    out->rate = (double)n / (t1 - t0);
    out->check = wait_sum / (double)n;
    sink_d = out->check;
    sim_streams_free(&st);
}

/* Not in the CSV, a yardstick: the same next-event model with its events on the textbook
 * binary heap of the hold reference (event id 0 = arrival, 1 = departure), no handles,
 * no function pointers. Next to the next-event loop it shows what a general event list
 * costs over a scan of c + 1 times; next to the engine, what the engine adds on top. */
static void mmc_heap(long n, trial *out)
{
    sim_streams st;
    mmc_state m;
    ref_heap h = {NULL, 0, 0, 0};
    memset(&m, 0, sizeof m);
    if (!bench_rng(&st, out))
        return;
    m.qcap = 1024;
    m.q = malloc(m.qcap * sizeof *m.q);
    if (!m.q || ref_push(&h, gsl_ran_exponential(st.r[0], 1.0 / MMC_LAMBDA), 0) != 0) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "out of memory");
        goto out;
    }
    double t0 = now_s();
    uint64_t to_arrive = (uint64_t)n - 1;
    int bad = 0;
    while (h.n > 0 && !bad) {
        ref_entry e = ref_pop(&h);
        double now = e.time, arrived = now;
        if (e.id == 0) {
            if (to_arrive > 0) {
                to_arrive--;
                bad |= ref_push(&h, now + gsl_ran_exponential(st.r[0], 1.0 / MMC_LAMBDA), 0);
            }
            if (m.busy == MMC_C) {
                bad |= mmc_enqueue(&m, now);
                continue;
            }
            m.busy++;
        } else if (m.qlen > 0) {
            arrived = m.q[m.qhead];
            m.qhead = (m.qhead + 1) & (m.qcap - 1);
            m.qlen--;
        } else {
            m.busy--;
            continue;
        }
        m.wait_sum += now - arrived;
        m.started++;
        bad |= ref_push(&h, now + gsl_ran_exponential(st.r[1], 1.0 / MMC_MU), 1);
    }
    double t1 = now_s();
    if (bad || m.started != (uint64_t)n) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "heap event loop: out of memory");
        goto out;
    }
    out->rate = (double)n / (t1 - t0);
    out->check = m.wait_sum / (double)n;
    sink_d = out->check;
out:
    free(m.q);
    free(h.a);
    sim_streams_free(&st);
}

/* Erlang C mean wait in queue for c servers, arrival rate lambda, service rate mu. */
static double erlang_c_wq(unsigned c, double lambda, double mu)
{
    double a = lambda / mu, term = 1.0, sum = 0.0;
    for (unsigned k = 0; k < c; k++) {
        sum += term;          /* a^k / k! */
        term *= a / (k + 1);
    }
    double tail = term * c / (c - a); /* a^c / c! * c / (c - a) */
    double pwait = tail / (sum + tail);
    return pwait / (c * mu - lambda);
}

/* Best of MMC_TRIALS runs of fn (not alternated: a yardstick line, not a CSV row).
 * Returns 0 or -1 (message printed). */
static int best_of(const char *what, trial_fn fn, long n, trial *best)
{
    memset(best, 0, sizeof *best);
    for (int k = 0; k < MMC_TRIALS; k++) {
        trial t;
        if (run_child(fn, n, &t) != 0) {
            fprintf(stderr, "bench_core: mmc %s: %s\n", what, t.msg);
            return -1;
        }
        if (t.rate > best->rate)
            *best = t;
    }
    return 0;
}

/* mmc: print and record one row (engine vs the next-event loop), then the two yardsticks.
 * Returns 0, or -1 on failure or if any mean wait differs from the next-event loop's
 * (all serve the same customers with the same draws). */
static int bench_mmc(void)
{
    trial e, r, hp, ff;
    double rates[2][MAX_TRIALS];
    if (alternate("mmc", mmc_engine, mmc_reference, MMC_CUSTOMERS, MMC_TRIALS, &e, &r,
                  rates) != 0)
        return -1;
    if (emit_row("mmc_customers", MMC_CUSTOMERS, e.rate, r.rate, e.rss_kb) != 0)
        return -1;
    print_trials("engine", rates[0], MMC_TRIALS);
    print_trials("reference", rates[1], MMC_TRIALS);
    if (best_of("heap event loop", mmc_heap, MMC_CUSTOMERS, &hp) != 0 ||
        best_of("FIFO recursion", mmc_fifo, MMC_CUSTOMERS, &ff) != 0)
        return -1;
    printf("    M/M/%u, lambda %.0f/h, mu %.0f/h; reference = hand-written next-event loop "
           "(scan of %u completion times + next arrival, FIFO ring buffer)\n",
           MMC_C, MMC_LAMBDA, MMC_MU, MMC_C);
    printf("    mean wait (h): engine %.6f, next-event loop %.6f, Erlang C %.6f (%s)\n",
           e.check, r.check, erlang_c_wq(MMC_C, MMC_LAMBDA, MMC_MU),
           e.check == r.check ? "engine = loop, same draws" : "engine != loop: BUG");
    printf("    engine %.0f ns/customer, next-event loop %.0f ns/customer: engine runs at "
           "%.2f x the loop's rate (target >= 0.50: %s)\n",
           1e9 / e.rate, 1e9 / r.rate, e.rate / r.rate, e.rate >= 0.5 * r.rate ? "met" : "NOT met");
    printf("    yardsticks (not in the CSV, best of %d):\n", MMC_TRIALS);
    printf("      next-event loop on a binary heap: %6.0f ns/customer, %.3f x next-event "
           "loop's rate (mean wait %s)\n",
           1e9 / hp.rate, hp.rate / r.rate, hp.check == r.check ? "same" : "DIFFERENT");
    printf("      FIFO recursion, no events:        %6.0f ns/customer, %.3f x next-event "
           "loop's rate (mean wait %s)\n",
           1e9 / ff.rate, ff.rate / r.rate, ff.check == r.check ? "same" : "DIFFERENT");
    printf("    (waits summed in a plain double everywhere; sim_tally_add would add %.1f ns "
           "per observation)\n",
           e.extra[0]);
    return e.check == r.check && hp.check == r.check && ff.check == r.check ? 0 : -1;
}

/* ======================================================================================
 * GSL generators: draw speed, seeding cost, state size
 * ==================================================================================== */

#define RNG_DRAWS 10000000L
#define RNG_SEEDS 1000000L
#define RNG_SEED_BUDGET_S 0.5 /* slow seeders stop early; the rate is over what ran */

/* The GSL generator type called `name`, or NULL. */
static const gsl_rng_type *rng_type(const char *name)
{
    const gsl_rng_type **t = gsl_rng_types_setup();
    for (; *t; t++)
        if (strcmp((*t)->name, name) == 0)
            return *t;
    return NULL;
}

static const char *const rng_names[] = {"taus2", "mt19937", "gfsr4", "ranlxs0",
                                        "ranlxd1", "ranlux", "ranmar", "r250"};
#define N_RNG (sizeof rng_names / sizeof rng_names[0])

/* Trial for generator rng_names[idx]: rate = draws/s; extra = ns per seeding, seedings
 * timed, state bytes. */
static void rng_trial(long idx, trial *out)
{
    const gsl_rng_type *type = rng_type(rng_names[idx]);
    gsl_rng *r = type ? gsl_rng_alloc(type) : NULL;
    if (!r) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "no generator %s", rng_names[idx]);
        return;
    }
    gsl_rng_set(r, sim_rng_stream_seed(MASTER_SEED, 0, 0));
    double acc = 0.0;
    for (long i = 0; i < RNG_DRAWS / 10; i++) /* warm-up */
        acc += gsl_rng_uniform(r);
    double t0 = now_s();
    for (long i = 0; i < RNG_DRAWS; i++)
        acc += gsl_rng_uniform(r);
    double t1 = now_s();
    sink_d = acc;
    out->rate = (double)RNG_DRAWS / (t1 - t0);
    out->extra[2] = (double)gsl_rng_size(r);
    gsl_rng_free(r);

    uint64_t xs = 0;
    long done = 0;
    t0 = now_s();
    for (t1 = t0; done < RNG_SEEDS && t1 - t0 < RNG_SEED_BUDGET_S; t1 = now_s()) {
        for (long k = 0; k < 64; k++, done++) {
            gsl_rng *g = gsl_rng_alloc(type);
            if (!g) {
                out->err = 1;
                snprintf(out->msg, sizeof out->msg, "out of memory");
                return;
            }
            gsl_rng_set(g, (unsigned long)done + 1);
            xs += gsl_rng_get(g);
            gsl_rng_free(g);
        }
    }
    sink_u = xs;
    out->extra[0] = 1e9 * (t1 - t0) / (double)done;
    out->extra[1] = (double)done;
}

/* rng: one row per generator, each measured in its own process. Returns 0 or -1. */
static int bench_rng_all(void)
{
    int ret = 0;
    for (size_t i = 0; i < N_RNG; i++) {
        trial t;
        char name[32];
        if (run_child(rng_trial, (long)i, &t) != 0) {
            fprintf(stderr, "bench_core: rng %s: %s\n", rng_names[i], t.msg);
            ret = -1;
            continue;
        }
        snprintf(name, sizeof name, "rng_%s", rng_names[i]);
        if (emit_row(name, RNG_DRAWS, t.rate, 0.0, t.rss_kb) != 0)
            ret = -1;
        printf("    %.2f ns/draw, %.0f ns per alloc+set+free (%.0f timed), state %.0f bytes\n",
               1e9 / t.rate, t.extra[0], t.extra[1], t.extra[2]);
    }
    return ret;
}

/* ======================================================================================
 * Command line
 * ==================================================================================== */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_core [--csv FILE] [--no-header] [COMMAND]\n"
            "  hold N   event calendar: N pending events, engine vs a binary heap\n"
            "  mmc      M/M/10 with 10^6 customers, engine vs a hand-written next-event\n"
            "           loop; a heap event loop and a FIFO recursion as yardsticks\n"
            "  rng      GSL generators: ns per draw, per alloc+seed+free, state size\n"
            "  all      hold 100 .. 10^6, mmc, rng (the default)\n"
            "  trial T [N]  one trial in this process, for profilers (perf record):\n"
            "           T = hold-engine, hold-ref (N pending), mmc-engine, mmc-ref (the\n"
            "           next-event loop), mmc-heap, mmc-fifo\n"
            "Rows go to stdout and, with --csv, are appended to FILE (no header line).\n");
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int header = 1, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
            csv_path = argv[++i];
        } else if (strcmp(argv[i], "--no-header") == 0) {
            header = 0;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "bench_core: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    const char *cmd = i < argc ? argv[i++] : "all";
    long n = 0;
    trial_fn one = NULL;
    const char *one_name = NULL;
    if (strcmp(cmd, "trial") == 0) {
        static const struct {
            const char *name;
            trial_fn fn;
        } trials[] = {{"hold-engine", hold_engine},
                      {"hold-ref", hold_reference},
                      {"mmc-engine", mmc_engine},
                      {"mmc-ref", mmc_reference},
                      {"mmc-heap", mmc_heap},
                      {"mmc-fifo", mmc_fifo}};
        for (size_t k = 0; i < argc && k < sizeof trials / sizeof trials[0]; k++)
            if (strcmp(argv[i], trials[k].name) == 0)
                one = trials[k].fn;
        if (one)
            one_name = argv[i];
        if (!one) {
            fprintf(stderr, "bench_core: trial needs hold-engine, hold-ref, mmc-engine, "
                            "mmc-ref, mmc-heap or mmc-fifo\n");
            return 2;
        }
        i++;
        n = MMC_CUSTOMERS;
    }
    if (strcmp(cmd, "hold") == 0 || (one && i < argc)) {
        char *end;
        errno = 0;
        n = i < argc ? strtol(argv[i++], &end, 10) : 0;
        if (n < 1 || n > (long)SIM_CAL_MAX_PENDING || errno || *end) {
            fprintf(stderr, "bench_core: %s needs N in [1, %u]\n", cmd, SIM_CAL_MAX_PENDING);
            return 2;
        }
    } else if (one) {
        if (one == hold_engine || one == hold_reference) {
            fprintf(stderr, "bench_core: trial %s needs N\n", one_name);
            return 2;
        }
    } else if (strcmp(cmd, "mmc") != 0 && strcmp(cmd, "rng") != 0 && strcmp(cmd, "all") != 0) {
        fprintf(stderr, "bench_core: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }
    if (i < argc) {
        fprintf(stderr, "bench_core: unexpected argument '%s'\n", argv[i]);
        return 2;
    }

    int ret = 0;
    if (one) {
        trial t;
        memset(&t, 0, sizeof t);
        one(n, &t);
        if (t.err) {
            fprintf(stderr, "bench_core: %s\n", t.msg);
            return 1;
        }
        printf("%s %ld: %.4g per s, checksum %.17g, peak RSS %ld kB\n", one_name, n, t.rate,
               t.check, peak_rss_kb());
        return 0;
    }
    if (header)
        print_header();
    if (strcmp(cmd, "hold") == 0) {
        ret = bench_hold(n);
    } else if (strcmp(cmd, "mmc") == 0) {
        ret = bench_mmc();
    } else if (strcmp(cmd, "rng") == 0) {
        ret = bench_rng_all();
    } else {
        for (long k = 100; k <= 1000000; k *= 10)
            ret |= bench_hold(k);
        ret |= bench_mmc();
        ret |= bench_rng_all();
    }
    return ret ? 1 : 0;
}
