/* The whole M/M/c run: the engine against the textbook next-event loop of that one model
 * (no calendar), with a heap-based event loop and a FIFO recursion with no events at all
 * printed beside it as yardsticks. The target is an engine at no less than half the
 * loop's rate. Usage at the bottom (usage()).
 *
 * Method (as bench_core's): each trial in its own forked child; engine and reference
 * alternate, seven of each (a trial takes ~0.2 s: more of them, less noise in the ratio),
 * the best of each counts; all draw the same numbers, and each returns its mean wait, which
 * must be the same bit for bit.
 */
#define BENCH_PROG "bench_mmc"
#include "bench_util.h"
#include "bench_trial.h"
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/core/sim.h"
#include "sim/core/sim_rng.h"
#include "sim/core/sim_stats.h"

#define MMC_TRIALS MAX_TRIALS

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

/* A finished trial's report: n customers in secs, their waits summing to wait_sum. */
static void mmc_report(trial *out, long n, double secs, double wait_sum)
{
    out->rate = (double)n / secs;
    out->check = wait_sum / (double)n;
    sink_d = out->check;
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
    mmc_report(out, n, t1 - t0, m.wait_sum);
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
    mmc_report(out, n, t1 - t0, m.wait_sum);
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
    mmc_report(out, n, t1 - t0, wait_sum);
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
    mmc_report(out, n, t1 - t0, m.wait_sum);
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
            fprintf(stderr, "bench_mmc: mmc %s: %s\n", what, t.msg);
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
 * Command line
 * ==================================================================================== */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_mmc [--csv FILE] [--no-header] [trial T [N]]\n"
            "  (no command)  M/M/10 with 10^6 customers, engine vs a hand-written next-event\n"
            "                loop; a heap event loop and a FIFO recursion as yardsticks\n"
            "  trial T [N]   one trial in this process, for profilers (perf record):\n"
            "                T = mmc-engine, mmc-ref (the next-event loop), mmc-heap, mmc-fifo;\n"
            "                N customers (default 10^6)\n"
            "Rows go to stdout and, with --csv, are appended to FILE (no header line).\n");
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int header = 1;
    int i = bench_options(argc, argv, usage, &header);
    if (i < 0)
        return i == -1 ? 0 : 2;
    if (i < argc && strcmp(argv[i], "trial") == 0) {
        static const struct {
            const char *name;
            trial_fn fn;
        } trials[] = {{"mmc-engine", mmc_engine},
                      {"mmc-ref", mmc_reference},
                      {"mmc-heap", mmc_heap},
                      {"mmc-fifo", mmc_fifo}};
        const char *t = i + 1 < argc ? argv[i + 1] : "";
        size_t k = 0;
        while (k < sizeof trials / sizeof trials[0] && strcmp(t, trials[k].name) != 0)
            k++;
        if (k == sizeof trials / sizeof trials[0]) {
            fprintf(stderr, "bench_mmc: trial needs one of mmc-engine, mmc-ref, mmc-heap, "
                            "mmc-fifo\n");
            return 2;
        }
        long n = MMC_CUSTOMERS;
        if (i + 2 < argc) {
            char *end;
            errno = 0;
            n = strtol(argv[i + 2], &end, 10);
            if (n < 1 || n > (long)SIM_CAL_MAX_PENDING || errno || *end) {
                fprintf(stderr, "bench_mmc: trial %s: N (customers) must be in [1, %u]\n", t,
                        SIM_CAL_MAX_PENDING);
                return 2;
            }
        }
        if (i + 3 < argc) {
            fprintf(stderr, "bench_mmc: unexpected argument '%s'\n", argv[i + 3]);
            return 2;
        }
        return bench_one(trials[k].name, trials[k].fn, n);
    }
    if (i < argc) {
        fprintf(stderr, "bench_mmc: unexpected argument '%s'\n", argv[i]);
        usage(stderr);
        return 2;
    }
    if (header)
        print_header();
    return bench_mmc() ? 1 : 0;
}
