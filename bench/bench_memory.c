/* The machine's memory, as the model meets it at scale: the time a load takes when its line
 * is far beyond the cache, on huge (2 MB) and small (4 KB) pages. At x140 a service's people
 * fill about a gigabyte and each event reads its person at random, so these figures bound
 * what the size curve (bench_model) can show on a given machine. Usage: usage() below.
 *
 * Method
 * - A buffer of S MB is cut into 64-byte lines linked in one random cycle (gsl_ran_shuffle
 *   of the line indices); following the links makes every load depend on the one before,
 *   so "dependent" is the full latency of a miss (and its page walk).
 * - "16 in flight" follows 16 chains spread along the same cycle in one loop: the loads of
 *   one round are independent, as an event calendar's prefetches are, so it is the cost of
 *   a miss when the memory system overlaps them.
 * - Huge pages are asked for with madvise (transparent huge pages in "madvise" or
 *   "always" mode); small with MADV_NOHUGEPAGE. The kernel may refuse huge pages, so each
 *   row says how much of the buffer it got in them. Each size and page kind runs in its own
 *   forked child, so a row's peak RSS is its own; the best of TRIALS passes counts.
 */
#include "bench_util.h" /* first: it asks for _GNU_SOURCE (madvise here) */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define LINE 64u
#define HUGE_PAGE ((size_t)2 << 20)
#define CHAINS 16
#define LOADS 4000000u /* per pass: ~1 s at 300 ns a load */
#define TRIALS 2
#define TIMEOUT_S 120

static volatile uint64_t sink;

typedef struct report {
    double dep_ns, par_ns; /* ns a load: one chain, 16 chains */
    long rss_kb;
    long huge_kb;          /* of the process's memory, kB the kernel gave in huge pages */
} report;

/* kB of this process's memory in transparent huge pages (Linux; -1 where not known): the
 * kernel may refuse them (memory too fragmented), and then "huge" measures small pages. */
static long huge_pages_kb(void)
{
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* Link the lines of buf (n of them) into one random cycle: line k's first word holds the
 * offset of the next. Returns the offset of a line on it, or -1 out of memory. */
static long link_cycle(char *buf, size_t n, gsl_rng *r)
{
    size_t *order = malloc(n * sizeof *order);
    if (!order)
        return -1;
    for (size_t k = 0; k < n; k++)
        order[k] = k;
    gsl_ran_shuffle(r, order, n, sizeof *order);
    for (size_t k = 0; k < n; k++)
        *(uint64_t *)(buf + order[k] * LINE) = order[(k + 1) % n] * LINE;
    long start = (long)(order[0] * LINE);
    free(order);
    return start;
}

/* ns a load following one chain from `at` for `loads` loads; *at moves on. */
static double chase_one(const char *buf, uint64_t *at, size_t loads)
{
    uint64_t p = *at;
    double t0 = now_s();
    for (size_t k = 0; k < loads; k++)
        p = *(const uint64_t *)(buf + p);
    double t = now_s() - t0;
    *at = p;
    return t / (double)loads * 1e9;
}

/* ns a load following CHAINS chains at once, `loads` loads in all. */
static double chase_many(const char *buf, uint64_t at[CHAINS], size_t loads)
{
    double t0 = now_s();
    for (size_t k = 0; k < loads / CHAINS; k++)
        for (int c = 0; c < CHAINS; c++)
            at[c] = *(const uint64_t *)(buf + at[c]);
    return (now_s() - t0) / (double)loads * 1e9;
}

/* One size and page kind, in this (child) process. */
static int measure(size_t mb, int huge, report *out)
{
    size_t bytes = mb << 20;
    char *buf = aligned_alloc(HUGE_PAGE, bytes);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    if (!buf || !r) {
        free(buf);
        gsl_rng_free(r);
        return -1;
    }
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
    (void)madvise(buf, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
#else
    (void)huge;
#endif
    gsl_rng_set(r, 20261204);
    long start = link_cycle(buf, bytes / LINE, r);
    if (start < 0) {
        free(buf);
        gsl_rng_free(r);
        return -1;
    }
    /* The chains start a stretch of the cycle apart, so that they do not meet. */
    uint64_t one = (uint64_t)start, many[CHAINS];
    many[0] = one;
    for (int c = 1; c < CHAINS; c++) {
        many[c] = many[c - 1];
        for (size_t k = 0; k < bytes / LINE / CHAINS; k++)
            many[c] = *(const uint64_t *)(buf + many[c]);
    }
    out->dep_ns = out->par_ns = INFINITY;
    for (int t = 0; t < TRIALS; t++) {
        double d = chase_one(buf, &one, LOADS), p = chase_many(buf, many, LOADS);
        out->dep_ns = d < out->dep_ns ? d : out->dep_ns;
        out->par_ns = p < out->par_ns ? p : out->par_ns;
    }
    out->rss_kb = peak_rss_kb();
    out->huge_kb = huge_pages_kb();
    sink = one ^ many[0]; /* the chains' ends: the loads cannot be optimised away */
    free(buf);
    gsl_rng_free(r);
    return 0;
}

/* measure as bench_in_child runs it. */
typedef struct measure_call {
    size_t mb;
    int huge;
} measure_call;

static int measure_in_child(void *ctx, void *out)
{
    const measure_call *c = ctx;
    return measure(c->mb, c->huge, out);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_memory [--csv FILE] [--sizes MB1,MB2,...]\n"
            "  --sizes LIST  buffer sizes in MB (default 8,1024)\n"
            "For each size, on huge and on small pages: the ns a load takes when each depends\n"
            "on the one before (a cache miss's full cost), and with %d independent chains in\n"
            "flight. With --csv, two rows a size and page kind are appended to FILE (no\n"
            "header line): memory_<MB>mb_<huge|small>_dependent and ..._16_in_flight, each\n"
            "with loads per second as its rate.\n",
            CHAINS);
}

int main(int argc, char **argv)
{
    const char *csv = NULL, *sizes = "8,1024";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
            csv = argv[++i];
        } else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
            sizes = argv[++i];
        } else {
            fprintf(stderr, "bench_memory: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    size_t mbs[8];
    int n = 0;
    for (const char *s = sizes; *s && n < 8;) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v == 0 || v > 65536 || (*end && *end != ',')) {
            fprintf(stderr, "bench_memory: --sizes: expected MB such as 8,1024, got '%s'\n",
                    sizes);
            return 2;
        }
        mbs[n++] = (size_t)v;
        s = *end ? end + 1 : end;
    }
    printf("memory: ns a load beyond the cache (best of %d passes of %u loads, each size in "
           "its own process)\n",
           TRIALS, LOADS);
    printf("%8s %6s %12s %14s %14s %12s %14s\n", "size_MB", "pages", "dependent",
           "16_in_flight", "loads/s_16", "peak_rss_kB", "in_huge_pages");
    int failed = 0;
    for (int i = 0; i < n; i++)
        for (int huge = 1; huge >= 0; huge--) {
            char msg[160] = "";
            report rep;
            measure_call c = {mbs[i], huge};
            if (bench_in_child(measure_in_child, &c, &rep, sizeof rep, msg, sizeof msg,
                               TIMEOUT_S) != 0) {
                fprintf(stderr, "bench_memory: %zu MB %s pages: %s\n", mbs[i],
                        huge ? "huge" : "small", msg[0] ? msg : "out of memory");
                failed = 1;
                continue;
            }
            const char *kind = huge ? "huge" : "small";
            char rate[32];
            char got[32] = "?";
            if (rep.huge_kb >= 0)
                snprintf(got, sizeof got, "%.0f%%",
                         100.0 * (double)rep.huge_kb / (double)(mbs[i] << 10));
            printf("%8zu %6s %10.1fns %12.1fns %14s %12ld %14s\n", mbs[i], kind, rep.dep_ns,
                   rep.par_ns, fmt_rate(rate, sizeof rate, 1e9 / rep.par_ns), rep.rss_kb, got);
            if (csv && (bench_csv_row(csv, "bench_memory",
                                      "memory_%zumb_%s_dependent,%u,%.0f,,,%ld\n", mbs[i],
                                      kind, LOADS, 1e9 / rep.dep_ns, rep.rss_kb) != 0 ||
                        bench_csv_row(csv, "bench_memory",
                                      "memory_%zumb_%s_16_in_flight,%u,%.0f,,,%ld\n", mbs[i],
                                      kind, LOADS, 1e9 / rep.par_ns, rep.rss_kb) != 0))
                failed = 1;
        }
    return failed;
}
