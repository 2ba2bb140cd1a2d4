/* What bench_core.c and bench_mmc.c share: a trial run in a forked child and its report,
 * engine and reference trials alternated, the table and CSV rows, and the generator both
 * sides of a comparison draw from. Include after bench_util.h with BENCH_PROG defined (the
 * program's name in messages). */
#ifndef BENCH_TRIAL_H
#define BENCH_TRIAL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/core/sim_rng.h"

#define MAX_TRIALS 7 /* the most trials a side (M/M/c runs 7) */
#define TRIAL_TIMEOUT_S 120 /* a trial that takes longer is killed: a hung engine */
#define MASTER_SEED 20240601u

/* A store to a volatile keeps the compiler from dropping the work whose result it takes. */
static volatile double sink_d;

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

/* fn(n) as bench_in_child runs it: the trial's report, with the child's peak RSS. */
typedef struct trial_call {
    trial_fn fn;
    long n;
} trial_call;

static int trial_in_child(void *ctx, void *report)
{
    const trial_call *c = ctx;
    trial *t = report;
    memset(t, 0, sizeof *t);
    c->fn(c->n, t);
    t->rss_kb = peak_rss_kb();
    return 0;
}

/* Run fn(n) in a forked child and return its report in *out. Returns 0, or -1 if the
 * child could not be run, died or reported a failure (out->msg says why). */
static int run_child(trial_fn fn, long n, trial *out)
{
    trial_call c = {fn, n};
    memset(out, 0, sizeof *out);
    if (bench_in_child(trial_in_child, &c, out, sizeof *out, out->msg, sizeof out->msg,
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
            fprintf(stderr, BENCH_PROG ": %s engine: %s\n", what, e.msg);
            return -1;
        }
        if (run_child(ref, n, &r) != 0) {
            fprintf(stderr, BENCH_PROG ": %s reference: %s\n", what, r.msg);
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
        return bench_csv_row(csv_path, BENCH_PROG, "%s,%ld,%.0f,%.0f,%.4f,%ld\n", name, n, eng,
                             ref, eng / ref, rss_kb);
    return bench_csv_row(csv_path, BENCH_PROG, "%s,%ld,%.0f,,,%ld\n", name, n, eng, rss_kb);
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


/* The reference event list of hold and of the M/M/c heap loop: a textbook array binary
 * heap ordered by (time, seq). */
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

/* The options every benchmark here takes: --csv FILE, --no-header, -h. Returns the index
 * of the first word after them; -1 after --help (exit 0); -2 on a bad option, said (exit 2). */
static int bench_options(int argc, char **argv, void (*usage)(FILE *), int *header)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
            csv_path = argv[++i];
        } else if (strcmp(argv[i], "--no-header") == 0) {
            *header = 0;
        } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return -1;
        } else {
            fprintf(stderr, BENCH_PROG ": unknown option '%s'\n", argv[i]);
            usage(stderr);
            return -2;
        }
    }
    return i;
}

/* One trial in this process, printed (for profilers: perf record). Returns the exit status. */
static int bench_one(const char *name, trial_fn fn, long n)
{
    trial t;
    memset(&t, 0, sizeof t);
    fn(n, &t);
    if (t.err) {
        fprintf(stderr, BENCH_PROG ": %s\n", t.msg);
        return 1;
    }
    printf("%s %ld: %.4g per s, checksum %.17g, peak RSS %ld kB\n", name, n, t.rate, t.check,
           peak_rss_kb());
    return 0;
}

#endif
