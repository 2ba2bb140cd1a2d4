/* Engine benchmarks: the event calendar (hold model) against a plain binary heap, and GSL
 * generators. The whole M/M/c run is bench_mmc.c. Usage at the bottom (usage()).
 *
 * Method
 * - Every trial runs in a forked child that sends back its rate and its peak RSS, so the
 *   memory figure of a row belongs to that benchmark alone (ru_maxrss only ever grows).
 * - Engine and reference trials alternate, three of each, and the best (highest rate) of
 *   each counts: on a shared machine noise only ever slows a trial down.
 * - Engine and reference draw the same numbers from the same generator type and seed, so
 *   they simulate the same thing; each trial returns a checksum (the final clock) and the
 *   parent checks that engine and reference agree exactly.
 */
#define BENCH_PROG "bench_core"
#include "bench_util.h"
#include "bench_trial.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/core/sim.h"
#include "sim/core/sim_rng.h"

#define TRIALS 3 /* trials a side */

/* As bench_trial.h's sink_d: keeps the seeding loop's work. */
static volatile uint64_t sink_u;

/* ======================================================================================
 * Hold model: N pending events; each event schedules one at now + Exp(mean 1)
 * ==================================================================================== */

/* Events fired before timing starts (so the calendar reaches its steady shape) and
 * events timed (enough for ~0.3-1 s at every N). */
static long hold_warmup(long n) { return n > 100000 ? n : 100000; }
static long hold_events(long n) { return 5 * n > 2000000 ? 5 * n : 2000000; }

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
            "  rng      GSL generators: ns per draw, per alloc+seed+free, state size\n"
            "  all      hold 100 .. 10^6, rng (the default)\n"
            "  trial T N  one trial in this process, for profilers (perf record):\n"
            "           T = hold-engine or hold-ref, N pending events\n"
            "Rows go to stdout and, with --csv, are appended to FILE (no header line).\n"
            "The whole M/M/c run is bench_mmc.\n");
}

/* N for hold and its trials (what: "hold", "trial hold-engine"): 0 and a message if
 * argv[i] is not one. */
static long pending_arg(const char *what, int argc, char **argv, int i)
{
    char *end;
    errno = 0;
    long n = i < argc ? strtol(argv[i], &end, 10) : 0;
    if (n < 1 || n > (long)SIM_CAL_MAX_PENDING || errno || *end) {
        fprintf(stderr, "bench_core: %s needs N in [1, %u]\n", what, SIM_CAL_MAX_PENDING);
        return 0;
    }
    return n;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int header = 1;
    int i = bench_options(argc, argv, usage, &header);
    if (i < 0)
        return i == -1 ? 0 : 2;
    const char *cmd = i < argc ? argv[i++] : "all";
    int words = 0; /* words the command takes after it */
    trial_fn one = NULL;
    if (strcmp(cmd, "trial") == 0) {
        const char *t = i < argc ? argv[i] : "";
        one = strcmp(t, "hold-engine") == 0 ? hold_engine
              : strcmp(t, "hold-ref") == 0  ? hold_reference
                                            : NULL;
        if (!one) {
            fprintf(stderr, "bench_core: trial needs hold-engine or hold-ref (the M/M/c "
                            "trials are bench_mmc's)\n");
            return 2;
        }
        words = 2;
    } else if (strcmp(cmd, "hold") == 0) {
        words = 1;
    } else if (strcmp(cmd, "rng") != 0 && strcmp(cmd, "all") != 0) {
        fprintf(stderr, "bench_core: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }
    long n = 0;
    char what[64];
    snprintf(what, sizeof what, "%s%s", one ? "trial " : "", one ? argv[i] : cmd);
    if (words > 0 && (n = pending_arg(what, argc, argv, i + words - 1)) == 0)
        return 2;
    i += words;
    if (i < argc) {
        fprintf(stderr, "bench_core: unexpected argument '%s'\n", argv[i]);
        usage(stderr);
        return 2;
    }

    if (one)
        return bench_one(argv[i - 2], one, n);
    int ret = 0;
    if (header)
        print_header();
    if (strcmp(cmd, "hold") == 0) {
        ret = bench_hold(n);
    } else if (strcmp(cmd, "rng") == 0) {
        ret = bench_rng_all();
    } else {
        for (long k = 100; k <= 1000000; k *= 10)
            ret |= bench_hold(k);
        ret |= bench_rng_all();
    }
    return ret ? 1 : 0;
}
