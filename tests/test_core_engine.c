/* Unit tests of the engine: event calendar, clock and run loop, RNG streams, statistics. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "harness.h"
#include "sim/core/sim.h"
#include "sim/core/sim_rng.h"
#include "sim/core/sim_stats.h"

/* ======================================================================================
 * Helpers
 * ====================================================================================== */

static void nop_a(sim *s, void *obj, uint64_t arg) { (void)s, (void)obj, (void)arg; }
static void nop_b(sim *s, void *obj, uint64_t arg) { (void)s, (void)obj, (void)arg; }

/* The test's own randomness (Mersenne Twister), independent of the engine's generator.
 * Caller frees. */
static gsl_rng *test_rng(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    gsl_rng_set(r, seed);
    return r;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* ---- Reference calendar: an unsorted array ordered on demand by (time, prio, seq), the
 * documented dispatch order. Slow and obviously right. ---- */
typedef struct ref_item {
    double time;
    int prio;
    uint64_t seq; /* the reference's own insertion counter: FIFO among equals */
    uint64_t arg; /* unique per scheduled event: identifies what the engine pops */
    sim_event_id id;
} ref_item;

typedef struct ref_model {
    ref_item *v;
    size_t n, cap;
    uint64_t next_seq;
} ref_model;

static int ref_before(const ref_item *a, const ref_item *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->prio != b->prio)
        return a->prio < b->prio;
    return a->seq < b->seq;
}

static int ref_cmp(const void *pa, const void *pb)
{
    const ref_item *a = pa, *b = pb;
    return ref_before(a, b) ? -1 : ref_before(b, a) ? 1 : 0;
}

static void ref_add(ref_model *m, double t, int prio, uint64_t arg, sim_event_id id)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 256;
        ref_item *v = realloc(m->v, m->cap * sizeof *v);
        if (!v) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        m->v = v;
    }
    m->v[m->n++] = (ref_item){t, prio, m->next_seq++, arg, id};
}

static void ref_remove(ref_model *m, size_t i) { m->v[i] = m->v[--m->n]; }

/* Index of the next event to fire, or SIZE_MAX if empty. */
static size_t ref_min(const ref_model *m)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < m->n; i++)
        if (best == SIZE_MAX || ref_before(&m->v[i], &m->v[best]))
            best = i;
    return best;
}

/* The handler and object an event of this arg was scheduled with (so a pop can be checked
 * field by field, not just by time). */
static sim_handler fn_of(uint64_t arg) { return arg & 1 ? nop_b : nop_a; }
/* Never dereferenced: only compared. */
static void *obj_of(uint64_t arg) { return (void *)(uintptr_t)(0x1000u + 16u * (arg % 4)); }

/* Schedule in both the engine and the reference. Returns the handle (0 on failure). */
static sim_event_id both_schedule(sim_calendar *c, ref_model *m, double t, int prio,
                                  uint64_t arg)
{
    sim_event_id id = sim_cal_schedule(c, t, prio, fn_of(arg), obj_of(arg), arg);
    if (id)
        ref_add(m, t, prio, arg, id);
    return id;
}

/* Does the popped event match the reference item field by field? */
static int same_event(const sim_cal_event *ev, const ref_item *want)
{
    return ev->time == want->time && ev->arg == want->arg && ev->priority == want->prio &&
           ev->fn == fn_of(want->arg) && ev->obj == obj_of(want->arg);
}

/* Pop everything and compare with the reference sorted once (cheap for large sets).
 * Empties the reference. Returns 1 if all matched; a mismatch is reported as a failure,
 * and with `count` a match is counted as one passed check. */
static int drain_and_compare(sim_calendar *c, ref_model *m, const char *what, int count)
{
    qsort(m->v, m->n, sizeof *m->v, ref_cmp);
    sim_cal_event ev;
    size_t k = 0;
    int ok = 1;
    double last = -INFINITY;
    for (; k < m->n; k++) {
        if (!sim_cal_pop(c, &ev)) {
            ok = CHECK(0, "%s: expected %zu events, calendar empty after %zu", what, m->n, k);
            break;
        }
        if (!same_event(&ev, &m->v[k]) || ev.time < last) {
            ok = CHECK(0,
                       "%s: event %zu of %zu: expected (t=%.17g, prio=%d, arg=%llu), got "
                       "(t=%.17g, prio=%d, arg=%llu)",
                       what, k, m->n, m->v[k].time, m->v[k].prio,
                       (unsigned long long)m->v[k].arg, ev.time, ev.priority,
                       (unsigned long long)ev.arg);
            break;
        }
        last = ev.time;
    }
    if (ok && (sim_cal_pop(c, &ev) || sim_cal_size(c) != 0))
        ok = CHECK(0, "%s: expected an empty calendar after the last event, got size %zu",
                   what, sim_cal_size(c));
    if (ok && count)
        CHECK(1, "%s", what);
    m->n = 0;
    return ok;
}

/* ======================================================================================
 * Calendar
 * ====================================================================================== */

/* Many random times (and ties, and every priority) come out in (time, prio, FIFO) order. */
static void test_cal_order_random(void)
{
    enum { N = 20000 };
    for (int mode = 0; mode < 3; mode++) {
        gsl_rng *r = test_rng(101 + (unsigned long)mode);
        sim_calendar c;
        ref_model m = {0};
        /* A tiny hint makes the calendar grow many times on the way. */
        if (!CHECK(sim_cal_init(&c, 1) == SIM_OK, "sim_cal_init: expected SIM_OK"))
            return;
        int ok = 1;
        for (uint64_t i = 0; i < N && ok; i++) {
            double t;
            if (mode == 0) /* continuous; negative times are fine for the calendar */
                t = gsl_rng_uniform(r) * 2000.0 - 1000.0;
            else if (mode == 1) /* 50 distinct times: many ties */
                t = (double)gsl_rng_uniform_int(r, 50);
            else /* clustered, extreme magnitudes */
                t = (gsl_rng_uniform(r) < 0.5 ? 1e-300 : 1e300) * gsl_rng_uniform_int(r, 4);
            int prio = i % 3 ? 0 : (int)gsl_rng_uniform_int(r, 256) + SIM_PRIO_MIN;
            if (!both_schedule(&c, &m, t, prio, i))
                ok = CHECK(0, "schedule %llu: expected a handle", (unsigned long long)i);
        }
        CHECK(sim_cal_size(&c) == N, "size: expected %d, got %zu", N, sim_cal_size(&c));
        drain_and_compare(&c, &m, mode == 0 ? "random times" : mode == 1 ? "tied times"
                                                                         : "extreme times", 1);
        CHECK(sim_cal_peek_time(&c) == INFINITY, "peek on empty: expected +inf");
        free(m.v);
        sim_cal_free(&c);
        gsl_rng_free(r);
    }
}

/* The look-ahead hook's record: what it was shown, and during which pop. */
typedef struct ahead_log {
    uint64_t arg[4096];
    void *obj[4096];
    size_t at[4096];
    size_t n, pops;
} ahead_log;

static void log_ahead(void *user, sim_handler fn, void *obj, uint64_t arg)
{
    ahead_log *l = user;
    if (l->n < 4096 && fn == fn_of(arg)) {
        l->arg[l->n] = arg;
        l->obj[l->n] = obj;
        l->at[l->n++] = l->pops;
    }
}

/* A look-ahead hook sees, during pop k, the event that pop k + 1 + SIM_CAL_HOOK_AHEAD
 * returns (its handler and object), and changes nothing: pops come in time order with
 * their own objects. */
static void test_cal_ahead(void)
{
    enum { N = 4000 };
    static char objs[N];
    static uint64_t popped[N];
    gsl_rng *r = test_rng(77);
    sim_calendar c;
    ahead_log *l = calloc(1, sizeof *l);
    if (!CHECK(l && sim_cal_init(&c, 1) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    sim_cal_set_ahead(&c, log_ahead, l);
    double t[N];
    for (uint64_t i = 0; i < N; i++) { /* ties and spread times, so fronts of every size */
        t[i] = i % 2 ? (double)gsl_rng_uniform_int(r, 40) : gsl_rng_uniform(r) * 40.0;
        sim_cal_schedule(&c, t[i], 0, fn_of(i), &objs[i], i);
    }
    sim_cal_event ev;
    size_t disorder = 0, wrong = 0;
    double prev = -1;
    while (l->pops < N && sim_cal_pop(&c, &ev)) {
        disorder += ev.time < prev || ev.time != t[ev.arg] || ev.obj != &objs[ev.arg];
        prev = ev.time;
        popped[l->pops++] = ev.arg;
    }
    CHECK(l->pops == N && disorder == 0 && !sim_cal_pop(&c, &ev),
          "ahead: expected %d pops in time order, got %zu (%zu out of order)", N, l->pops,
          disorder);
    for (size_t k = 0; k < l->n; k++) {
        size_t q = l->at[k] + 1 + SIM_CAL_HOOK_AHEAD;
        wrong += q >= l->pops || popped[q] != l->arg[k] || l->obj[k] != &objs[l->arg[k]];
    }
    /* It sees only events already sorted into the front (1,784 of these 4,000). */
    CHECK(l->n > N / 4 && wrong == 0, "ahead: expected the hook to name the event %d pops "
          "on at a quarter of pops at least: %zu calls, %zu naming another",
          1 + SIM_CAL_HOOK_AHEAD, l->n, wrong);
    sim_cal_free(&c);
    free(l);
    gsl_rng_free(r);
}

/* Pop `n` events and check their args are exactly `want[0..n)`. */
static void expect_pop_order(sim_calendar *c, const uint64_t *want, size_t n, const char *what)
{
    sim_cal_event ev;
    for (size_t k = 0; k < n; k++) {
        int got = sim_cal_pop(c, &ev);
        if (!CHECK(got && ev.arg == want[k], "%s: pop %zu: expected arg %llu, got %s%llu", what,
                   k, (unsigned long long)want[k], got ? "" : "(empty) ",
                   got ? (unsigned long long)ev.arg : 0ull))
            return;
    }
    CHECK(!sim_cal_pop(c, &ev), "%s: expected no more events", what);
}

/* Equal time: lower priority value first, then FIFO; time always before priority. */
static void test_cal_ties_and_priorities(void)
{
    sim_calendar c;
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;

    /* FIFO among 3000 equal events (many more than any small-bucket or front size). */
    enum { N = 3000 };
    for (uint64_t i = 0; i < N; i++)
        sim_cal_schedule(&c, 7.0, 0, nop_a, NULL, i);
    sim_cal_event ev;
    uint64_t k = 0;
    while (sim_cal_pop(&c, &ev) && ev.arg == k)
        k++;
    CHECK(k == N, "FIFO at equal time: expected args 0..%d in order, first mismatch at %llu",
          N - 1, (unsigned long long)k);

    /* Priorities at equal time, including both extremes of the range. (A fresh calendar
     * for each case: the calendar is monotone, nothing goes before the last event taken.) */
    sim_cal_free(&c);
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    const int prios[] = {SIM_PRIO_MAX, 0, SIM_PRIO_MIN, SIM_PRIO_MAX, SIM_PRIO_MIN, 0, -1, 1};
    for (uint64_t i = 0; i < 8; i++)
        sim_cal_schedule(&c, 1.0, prios[i], nop_a, NULL, i);
    const uint64_t want_prio[] = {2, 4, 6, 1, 5, 7, 0, 3};
    expect_pop_order(&c, want_prio, 8, "priority order at equal time");

    /* Time dominates priority. */
    sim_cal_free(&c);
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    sim_cal_schedule(&c, 2.0, SIM_PRIO_MIN, nop_a, NULL, 0);
    sim_cal_schedule(&c, 1.0, SIM_PRIO_MAX, nop_a, NULL, 1);
    sim_cal_schedule(&c, 1.5, 0, nop_a, NULL, 2);
    const uint64_t want_time[] = {1, 2, 0};
    expect_pop_order(&c, want_time, 3, "time before priority");

    /* -0.0 and 0.0 are the same time: FIFO, not sign order. */
    sim_cal_free(&c);
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    sim_cal_schedule(&c, 0.0, 0, nop_a, NULL, 0);
    sim_cal_schedule(&c, -0.0, 0, nop_a, NULL, 1);
    sim_cal_schedule(&c, 0.0, 0, nop_a, NULL, 2);
    const uint64_t want_zero[] = {0, 1, 2};
    expect_pop_order(&c, want_zero, 3, "-0.0 ties with 0.0");

    /* The popped record carries what was scheduled. */
    sim_cal_schedule(&c, 3.25, -7, nop_b, &c, 0xfeedfacecafebeefull);
    CHECK(sim_cal_pop(&c, &ev) && ev.time == 3.25 && ev.priority == -7 && ev.fn == nop_b &&
              ev.obj == &c && ev.arg == 0xfeedfacecafebeefull,
          "popped event: expected (3.25, -7, nop_b, &c, 0xfeedfacecafebeef), got (%g, %d, "
          "%s, %s, %llx)",
          ev.time, ev.priority, ev.fn == nop_b ? "nop_b" : "?", ev.obj == &c ? "&c" : "?",
          (unsigned long long)ev.arg);
    sim_cal_free(&c);
}

static void test_cal_cancel(void)
{
    sim_calendar c;
    if (!CHECK(sim_cal_init(&c, 4) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    sim_event_id ids[10];
    for (uint64_t i = 0; i < 10; i++) {
        ids[i] = sim_cal_schedule(&c, (double)i, 0, nop_a, NULL, i);
        CHECK(ids[i] != 0, "schedule: expected a non-zero handle");
    }
    CHECK(sim_cal_cancel(&c, ids[3]) == 1, "cancel pending: expected 1");
    CHECK(sim_cal_cancel(&c, ids[7]) == 1, "cancel pending: expected 1");
    CHECK(sim_cal_cancel(&c, ids[3]) == 0, "double cancel: expected 0");
    CHECK(sim_cal_cancel(&c, 0) == 0, "cancel of handle 0: expected 0");
    CHECK(sim_cal_size(&c) == 8, "size after 2 cancels: expected 8, got %zu", sim_cal_size(&c));
    CHECK(!sim_cal_pending(&c, ids[3], NULL), "cancelled event: expected not pending");
    const uint64_t want[] = {0, 1, 2, 4, 5, 6, 8, 9};
    expect_pop_order(&c, want, 8, "after cancelling 3 and 7");
    CHECK(sim_cal_cancel(&c, ids[0]) == 0, "cancel of a fired event: expected 0");
    CHECK(sim_cal_cancel(&c, ids[9]) == 0, "cancel of the last fired event: expected 0");

    /* A handle stays dead when its slot is reused by a later event. */
    sim_event_id a = sim_cal_schedule(&c, 11.0, 0, nop_a, NULL, 100);
    sim_cal_event ev;
    CHECK(sim_cal_pop(&c, &ev) && ev.arg == 100, "pop: expected arg 100");
    sim_event_id b = sim_cal_schedule(&c, 12.0, 0, nop_a, NULL, 101);
    CHECK(a != b, "a new event must not get a fired event's handle (both %llx)",
          (unsigned long long)a);
    CHECK(sim_cal_cancel(&c, a) == 0, "cancel via a stale handle whose slot was reused: "
                                      "expected 0");
    CHECK(sim_cal_pending(&c, b, NULL) && sim_cal_size(&c) == 1,
          "the slot's new event: expected still pending after the stale cancel");
    CHECK(sim_cal_reschedule(&c, a, 15.0) == 0, "reschedule via a stale handle: expected 0");
    int got = sim_cal_pop(&c, &ev);
    CHECK(got && ev.arg == 101 && ev.time == 12.0, "pop: expected arg 101 at t=12, got arg %llu at %g", (unsigned long long)ev.arg,
          ev.time);

    /* Cancel everything: empty in every sense. */
    for (uint64_t i = 0; i < 5; i++)
        ids[i] = sim_cal_schedule(&c, 20.0 + (double)i, 0, nop_a, NULL, i);
    for (int i = 4; i >= 0; i--)
        CHECK(sim_cal_cancel(&c, ids[i]) == 1, "cancel %d: expected 1", i);
    CHECK(sim_cal_size(&c) == 0, "size: expected 0, got %zu", sim_cal_size(&c));
    CHECK(sim_cal_peek_time(&c) == INFINITY, "peek after cancelling all: expected +inf, got %g",
          sim_cal_peek_time(&c));
    CHECK(!sim_cal_pop(&c, &ev), "pop after cancelling all: expected nothing");

    /* Mass cancellation (stale entries outnumber live ones: compaction), then order. */
    gsl_rng *r = test_rng(7);
    ref_model m = {0};
    for (uint64_t i = 0; i < 5000; i++)
        both_schedule(&c, &m, 100.0 + gsl_rng_uniform(r) * 100.0,
                      (int)gsl_rng_uniform_int(r, 3) - 1, i);
    while (m.n > 300) {
        size_t i = gsl_rng_uniform_int(r, m.n);
        if (sim_cal_cancel(&c, m.v[i].id) != 1) {
            CHECK(0, "mass cancel of arg %llu: expected 1", (unsigned long long)m.v[i].arg);
            break;
        }
        ref_remove(&m, i);
    }
    CHECK(sim_cal_size(&c) == 300, "size after mass cancel: expected 300, got %zu",
          sim_cal_size(&c));
    drain_and_compare(&c, &m, "after mass cancel", 1);
    free(m.v);
    gsl_rng_free(r);
    sim_cal_free(&c);
}

static void test_cal_reschedule(void)
{
    sim_calendar c;
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    sim_event_id a = sim_cal_schedule(&c, 1.0, 0, nop_a, NULL, 'A');
    sim_event_id b = sim_cal_schedule(&c, 2.0, 0, nop_a, NULL, 'B');
    sim_event_id cc = sim_cal_schedule(&c, 3.0, 0, nop_a, NULL, 'C');
    (void)b;

    sim_event_id c2 = sim_cal_reschedule(&c, cc, 0.5); /* earlier */
    CHECK(c2 != 0 && c2 != cc, "reschedule earlier: expected a new non-zero handle");
    CHECK(!sim_cal_pending(&c, cc, NULL), "old handle after reschedule: expected not pending");
    CHECK(sim_cal_cancel(&c, cc) == 0, "cancel via the old handle: expected 0");
    CHECK(sim_cal_reschedule(&c, cc, 9.0) == 0, "reschedule via the old handle: expected 0");
    double t = -1;
    CHECK(sim_cal_pending(&c, c2, &t) && t == 0.5,
          "new handle: expected pending at 0.5, got %g", t);
    sim_event_id a2 = sim_cal_reschedule(&c, a, 10.0); /* later */
    CHECK(a2 != 0 && a2 != a, "reschedule later: expected a new non-zero handle");
    CHECK(sim_cal_size(&c) == 3, "size after reschedules: expected 3, got %zu",
          sim_cal_size(&c));
    const uint64_t want1[] = {'C', 'B', 'A'};
    expect_pop_order(&c, want1, 3, "after rescheduling C earlier and A later");
    CHECK(sim_cal_reschedule(&c, a2, 20.0) == 0, "reschedule of a fired event: expected 0");

    /* Rescheduling to the same time goes to the back of the FIFO, as cancel + schedule. */
    sim_event_id d = sim_cal_schedule(&c, 15.0, 0, nop_a, NULL, 'D');
    sim_cal_schedule(&c, 15.0, 0, nop_a, NULL, 'E');
    CHECK(sim_cal_reschedule(&c, d, 15.0) != 0, "reschedule to the same time: expected a handle");
    /* The priority is kept: F (prio -3) moved to G's time still precedes G (prio 0). */
    sim_event_id f = sim_cal_schedule(&c, 18.0, -3, nop_a, NULL, 'F');
    sim_cal_schedule(&c, 16.0, 0, nop_a, NULL, 'G');
    sim_event_id f2 = sim_cal_reschedule(&c, f, 16.0);
    const uint64_t want2[] = {'E', 'D', 'F', 'G'};
    expect_pop_order(&c, want2, 4, "reschedule: FIFO position and priority");
    CHECK(sim_cal_reschedule(&c, f2, 17.0) == 0, "reschedule after firing: expected 0");

    /* A cancelled event cannot be rescheduled back to life. */
    sim_event_id h = sim_cal_schedule(&c, 21.0, 0, nop_a, NULL, 'H');
    sim_cal_cancel(&c, h);
    CHECK(sim_cal_reschedule(&c, h, 22.0) == 0, "reschedule of a cancelled event: expected 0");
    CHECK(sim_cal_size(&c) == 0, "size: expected 0, got %zu", sim_cal_size(&c));

    /* Repeated rescheduling of one event (many stale entries for one slot). */
    sim_event_id x = sim_cal_schedule(&c, 200.0, 0, nop_a, NULL, 'X');
    sim_cal_schedule(&c, 150.5, 0, nop_a, NULL, 'Y');
    for (int i = 0; i < 1000 && x; i++)
        x = sim_cal_reschedule(&c, x, 200.0 - (double)i * 0.1);
    CHECK(x != 0, "1000 reschedules of one event: expected a handle each time");
    t = 0;
    CHECK(sim_cal_pending(&c, x, &t) && fabs(t - 100.1) < 1e-9,
          "after 1000 reschedules: expected pending at ~100.1, got %g", t);
    const uint64_t want3[] = {'X', 'Y'};
    expect_pop_order(&c, want3, 2, "after 1000 reschedules");
    sim_cal_free(&c);
}

static void test_cal_pending_after_pop(void)
{
    sim_calendar c;
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    sim_event_id id[6];
    for (uint64_t i = 0; i < 6; i++)
        id[i] = sim_cal_schedule(&c, 1.0 + (double)i, 0, nop_a, NULL, i);
    double t = -1;
    CHECK(sim_cal_pending(&c, id[4], &t) && t == 5.0, "pending: expected time 5, got %g", t);
    CHECK(sim_cal_pending(&c, id[2], NULL), "pending with NULL t_out: expected 1");
    CHECK(!sim_cal_pending(&c, 0, NULL), "pending(0): expected 0");

    /* Operations right after a pop (a heap leaves a hole at the root there; a radix heap
     * has just advanced `last`): every operation must see the state as it is. */
    sim_cal_event ev;
    CHECK(sim_cal_pop(&c, &ev) && ev.arg == 0, "pop: expected arg 0");
    CHECK(!sim_cal_pending(&c, id[0], NULL), "a fired event: expected not pending");
    CHECK(sim_cal_size(&c) == 5, "size after pop: expected 5, got %zu", sim_cal_size(&c));
    t = -1;
    CHECK(sim_cal_pending(&c, id[1], &t) && t == 2.0,
          "pending right after a pop: expected time 2, got %g", t);
    CHECK(sim_cal_peek_time(&c) == 2.0, "peek right after a pop: expected 2, got %g",
          sim_cal_peek_time(&c));

    CHECK(sim_cal_pop(&c, &ev) && ev.arg == 1, "pop: expected arg 1");
    CHECK(sim_cal_cancel(&c, id[2]) == 1, "cancel right after a pop: expected 1");
    CHECK(sim_cal_pop(&c, &ev) && ev.arg == 3, "pop after cancelling arg 2: expected arg 3");
    sim_event_id n5 = sim_cal_reschedule(&c, id[5], 4.5); /* right after a pop, earlier */
    CHECK(n5 != 0, "reschedule right after a pop: expected a handle");
    sim_cal_schedule(&c, 4.25, 0, nop_a, NULL, 6); /* right after a reschedule */
    const uint64_t want[] = {6, 5, 4};
    expect_pop_order(&c, want, 3, "after reschedule and schedule");

    /* A pop followed by a schedule earlier than everything pending. */
    for (uint64_t i = 0; i < 10; i++)
        sim_cal_schedule(&c, 20.0 + (double)i, 0, nop_a, NULL, i);
    CHECK(sim_cal_pop(&c, &ev) && ev.arg == 0, "pop: expected arg 0");
    sim_cal_schedule(&c, 20.5, 0, nop_a, NULL, 100);
    sim_cal_schedule(&c, 20.0, 0, nop_a, NULL, 101); /* same time as the popped event */
    const uint64_t want2[] = {101, 100, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    expect_pop_order(&c, want2, 11, "schedule after a pop");
    sim_cal_free(&c);
}

static void test_cal_pop_until(void)
{
    sim_calendar c;
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    for (uint64_t i = 1; i <= 3; i++)
        sim_cal_schedule(&c, (double)i, 0, nop_a, NULL, i);
    sim_cal_event ev;
    CHECK(sim_cal_pop_until(&c, 2.0, &ev) && ev.arg == 1, "pop_until(2): expected arg 1");
    CHECK(sim_cal_pop_until(&c, 2.0, &ev) && ev.arg == 2,
          "pop_until(2): expected arg 2 (time == t_end fires)");
    CHECK(!sim_cal_pop_until(&c, 2.0, &ev), "pop_until(2): expected nothing (next is 3)");
    CHECK(!sim_cal_pop_until(&c, 2.999, &ev), "pop_until(2.999): expected nothing");
    CHECK(sim_cal_size(&c) == 1, "size: expected 1, got %zu", sim_cal_size(&c));
    /* A stale entry at the top is skipped, not mistaken for "nothing due". */
    sim_event_id e = sim_cal_schedule(&c, 2.5, 0, nop_a, NULL, 9);
    sim_cal_cancel(&c, e);
    CHECK(sim_cal_pop_until(&c, 3.0, &ev) && ev.arg == 3,
          "pop_until(3) over a cancelled earlier event: expected arg 3");
    CHECK(!sim_cal_pop_until(&c, INFINITY, &ev), "pop_until(inf) on empty: expected nothing");

    /* NaN: no time is <= NaN, so nothing may be removed. */
    sim_cal_schedule(&c, 5.0, 0, nop_a, NULL, 5);
    int got = sim_cal_pop_until(&c, NAN, &ev);
    CHECK(!got, "pop_until(NaN): expected nothing, got arg %llu at t=%g",
          got ? (unsigned long long)ev.arg : 0ull, got ? ev.time : 0.0);
    CHECK(sim_cal_size(&c) == (got ? 0u : 1u), "size after pop_until(NaN): expected %d, got %zu",
          got ? 0 : 1, sim_cal_size(&c));
    sim_cal_free(&c);
}

/* Sequence numbers renumbered across 2^32 keep FIFO among equal events, including events
 * scheduled before the wrap, cancelled ones, and rescheduled ones. */
static void test_cal_seq_wrap(void)
{
    sim_calendar c;
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    ref_model m = {0};
    gsl_rng *r = test_rng(4242);
    uint64_t arg = 0;
    for (int i = 0; i < 10; i++)
        both_schedule(&c, &m, 1.0, 0, arg++);
    sim_cal_debug_set_next_seq(&c, (1ull << 32) - 5);
    for (int i = 0; i < 3000; i++) {
        int prio = i % 7 == 0 ? -1 : 0;
        both_schedule(&c, &m, 1.0, prio, arg++);
        if (i % 11 == 0) { /* cancel one (stale entries present at renumbering) */
            size_t k = gsl_rng_uniform_int(r, m.n);
            sim_cal_cancel(&c, m.v[k].id);
            ref_remove(&m, k);
        }
        if (i % 13 == 0) { /* reschedule one to the same time: to the back of the FIFO */
            size_t k = gsl_rng_uniform_int(r, m.n);
            m.v[k].id = sim_cal_reschedule(&c, m.v[k].id, 1.0);
            m.v[k].seq = m.next_seq++;
        }
    }
    drain_and_compare(&c, &m, "FIFO across the 2^32 sequence wrap", 1);

    /* Repeated wraps with pops in between (renumbering right after a pop). */
    double now = 0;
    sim_cal_event ev;
    int ok = 1;
    for (int round = 0; round < 50 && ok; round++) {
        sim_cal_debug_set_next_seq(&c, (1ull << 32) - 1 - gsl_rng_uniform_int(r, 8));
        for (int i = 0; i < 20; i++)
            both_schedule(&c, &m, now + (double)gsl_rng_uniform_int(r, 3),
                          (int)gsl_rng_uniform_int(r, 2), arg++);
        for (int i = 0; i < 15 && ok; i++) {
            size_t k = ref_min(&m);
            ok = CHECK(sim_cal_pop(&c, &ev) && same_event(&ev, &m.v[k]),
                       "wrap round %d: expected arg %llu, got arg %llu", round,
                       (unsigned long long)m.v[k].arg, (unsigned long long)ev.arg);
            now = m.v[k].time;
            ref_remove(&m, k);
        }
    }
    if (ok)
        drain_and_compare(&c, &m, "FIFO across repeated wraps", 1);
    free(m.v);
    gsl_rng_free(r);
    sim_cal_free(&c);
}

/* Regression: a cancelled event's slot reused by the very schedule that triggers the
 * 2^32 renumbering. The renumbering must not take the cancelled entry for the slot's live
 * one (it did: the cancelled event fired, and the size wrapped to 2^32 - 1). */
static void test_cal_wrap_cancel_reuse(void)
{
    sim_calendar c;
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    sim_cal_debug_set_next_seq(&c, (1ull << 32) - 1); /* A takes the last sequence number */
    sim_event_id a = sim_cal_schedule(&c, 1.0, 0, nop_a, NULL, 1);
    CHECK(sim_cal_cancel(&c, a) == 1, "cancel event 1: expected 1");
    sim_cal_schedule(&c, 2.0, 0, nop_a, NULL, 2); /* reuses 1's slot; renumbering runs */
    const uint64_t want[] = {2};
    expect_pop_order(&c, want, 1, "wrap while reusing a cancelled event's slot: only 2 fires");
    CHECK(sim_cal_size(&c) == 0, "size after popping B: expected 0, got %zu", sim_cal_size(&c));
    sim_cal_free(&c);
}

/* A large calendar (many growths, bucket splits and compactions), checked in one sort. */
/* Memory running out while the front is refilled (a bucket split halfway, the front
 * growing): a pop that cannot go on returns 0 with nothing lost and the invariants whole,
 * and once memory is back every event still comes out in order. Each round lets k growths
 * succeed first, so the failure falls at a different place each time. */
static void test_cal_grow_failure(void)
{
    enum { N = 3000, ROUNDS = 60 };
    gsl_rng *r = test_rng(7);
    double times[N];
    int prios[N];
    for (size_t i = 0; i < N; i++) {
        times[i] = floor(gsl_rng_uniform(r) * 400.0) * 0.25;
        prios[i] = (int)gsl_rng_uniform_int(r, 3);
    }
    uint64_t *got = xmalloc(N * sizeof *got);
    int failed_rounds = 0, bad = 0;
    for (uint32_t k = 0; k < ROUNDS && !bad; k++) {
        sim_calendar c;
        ref_model m = {0};
        if (!CHECK(sim_cal_init(&c, N) == SIM_OK, "sim_cal_init: SIM_OK"))
            break;
        for (size_t i = 0; i < N; i++)
            both_schedule(&c, &m, times[i], prios[i], i);
        qsort(m.v, m.n, sizeof *m.v, ref_cmp);
        sim_cal_debug_fail_grow(&c, k);
        size_t n = 0;
        sim_cal_event ev;
        int stalled = 0;
        while (n < N) {
            if (!sim_cal_pop(&c, &ev)) {
                const char *why = sim_cal_debug_check(&c);
                if (!CHECK(why == NULL && sim_cal_size(&c) == N - n,
                           "round %u: a pop refused for memory after %zu events left %s, %zu "
                           "pending (expected %zu)",
                           k, n, why ? why : "the invariants whole", sim_cal_size(&c), N - n))
                    bad = 1;
                if (stalled++ || bad)
                    break;
                sim_cal_debug_fail_grow(&c, 0); /* memory is back */
                failed_rounds++;
                continue;
            }
            got[n++] = ev.arg;
        }
        for (size_t i = 0; i < n && !bad; i++)
            if (got[i] != m.v[i].arg)
                bad = !CHECK(0, "round %u: event %zu: expected arg %llu, got %llu", k, i,
                             (unsigned long long)m.v[i].arg, (unsigned long long)got[i]);
        if (!bad)
            CHECK(n == N, "round %u: expected all %d events, got %zu", k, N, n);
        free(m.v);
        sim_cal_free(&c);
    }
    CHECK(failed_rounds >= ROUNDS / 2, "expected memory to run out mid-refill in most of %d "
          "rounds, got %d", ROUNDS, failed_rounds);
    free(got);
    gsl_rng_free(r);
}

static void test_cal_large(void)
{
    enum { N = 200000 };
    sim_calendar c;
    if (!CHECK(sim_cal_init(&c, 0) == SIM_OK, "sim_cal_init: expected SIM_OK"))
        return;
    ref_model m = {0};
    gsl_rng *r = test_rng(99);
    for (uint64_t i = 0; i < N; i++)
        both_schedule(&c, &m, floor(gsl_rng_uniform(r) * 5000.0) * 0.5,
                      (int)gsl_rng_uniform_int(r, 4), i);
    for (int i = 0; i < N / 2; i++) {
        size_t k = gsl_rng_uniform_int(r, m.n);
        sim_cal_cancel(&c, m.v[k].id);
        ref_remove(&m, k);
    }
    for (int i = 0; i < N / 4; i++) {
        size_t k = gsl_rng_uniform_int(r, m.n);
        m.v[k].time = floor(gsl_rng_uniform(r) * 5000.0) * 0.5;
        m.v[k].id = sim_cal_reschedule(&c, m.v[k].id, m.v[k].time);
        m.v[k].seq = m.next_seq++;
    }
    CHECK(sim_cal_size(&c) == m.n, "size: expected %zu, got %zu", m.n, sim_cal_size(&c));
    drain_and_compare(&c, &m, "200000 events, half cancelled, a quarter rescheduled", 1);
    free(m.v);
    gsl_rng_free(r);
    sim_cal_free(&c);
}

/* ---- The key correctness test: random operations against the reference model.
 * Schedules (ties with the clock and between events, all priorities), cancels,
 * reschedules earlier and later, pops, pop_until, peeks, pending queries, probes with
 * dead handles, bursts, mass cancellations (compaction), drains to empty, and sequence
 * numbers pushed to the 2^32 wrap; every result and the size checked after every
 * operation. Times never go before the last pop: the calendar is a DES calendar. ---- */

/* A time at or after `now`, often exactly tied with now or with other events. */
static double stress_time(gsl_rng *r, double now)
{
    double u = gsl_rng_uniform(r);
    if (u < 0.25)
        return now;
    if (u < 0.6)
        return now + 0.5 * (double)gsl_rng_uniform_int(r, 10);
    return now + 5.0 * -log1p(-gsl_rng_uniform(r));
}

static int stress_prio(gsl_rng *r)
{
    static const int p[] = {SIM_PRIO_MIN, -1, 0, 0, 0, 0, 1, SIM_PRIO_MAX};
    return p[gsl_rng_uniform_int(r, 8)];
}

enum { DEAD_RING = 4096 };

typedef struct stress_state {
    sim_calendar c;
    ref_model m;
    gsl_rng *r;
    sim_event_id dead[DEAD_RING]; /* fired, cancelled and superseded handles */
    size_t ndead, dead_pos;
    double now; /* time of the last pop: new events go at or after it, as in a DES */
    uint64_t next_arg;
    unsigned long seed;
    size_t op;
} stress_state;

static void stress_bury(stress_state *st, sim_event_id id)
{
    st->dead[st->dead_pos] = id;
    st->dead_pos = (st->dead_pos + 1) % DEAD_RING;
    if (st->ndead < DEAD_RING)
        st->ndead++;
}

static int stress_pop(stress_state *st, int until)
{
    size_t k = ref_min(&st->m);
    sim_cal_event ev;
    if (until) {
        double t_end = k == SIZE_MAX ? st->now + 1.0
                       : gsl_rng_uniform(st->r) < 0.5 ? st->m.v[k].time
                                                        : st->m.v[k].time - 0.25;
        int want = k != SIZE_MAX && st->m.v[k].time <= t_end;
        int got = sim_cal_pop_until(&st->c, t_end, &ev);
        if (got != want)
            return CHECK(0, "stress seed %lu op %zu: pop_until(%g): expected %d, got %d",
                         st->seed, st->op, t_end, want, got);
        if (!got)
            return 1;
    } else {
        int got = sim_cal_pop(&st->c, &ev);
        if (got != (k != SIZE_MAX))
            return CHECK(0, "stress seed %lu op %zu: pop: expected %s, got %s", st->seed,
                         st->op, k != SIZE_MAX ? "an event" : "nothing",
                         got ? "an event" : "nothing");
        if (!got)
            return 1;
    }
    if (!same_event(&ev, &st->m.v[k]))
        return CHECK(0,
                     "stress seed %lu op %zu: pop: expected (t=%.17g, prio=%d, arg=%llu), "
                     "got (t=%.17g, prio=%d, arg=%llu)",
                     st->seed, st->op, st->m.v[k].time, st->m.v[k].prio,
                     (unsigned long long)st->m.v[k].arg, ev.time, ev.priority,
                     (unsigned long long)ev.arg);
    st->now = ev.time;
    stress_bury(st, st->m.v[k].id);
    ref_remove(&st->m, k);
    return 1;
}

/* One random operation; returns 0 on the first disagreement (already reported). */
static int stress_step(stress_state *st)
{
    gsl_rng *r = st->r;
    ref_model *m = &st->m;
    unsigned u = (unsigned)gsl_rng_uniform_int(r, 1000);
    size_t i = m->n ? gsl_rng_uniform_int(r, m->n) : 0;
    sim_event_id dead = st->ndead ? st->dead[gsl_rng_uniform_int(r, st->ndead)] : 0;

    if (u < 330 || (u >= 960 && u < 975 && m->n < 4000)) { /* schedule; sometimes a burst */
        size_t burst = u < 330 ? 1 : 100 + gsl_rng_uniform_int(r, 1500);
        for (size_t b = 0; b < burst; b++)
            if (!both_schedule(&st->c, m, stress_time(r, st->now), stress_prio(r),
                               st->next_arg++))
                return CHECK(0, "stress seed %lu op %zu: schedule: expected a handle",
                             st->seed, st->op);
    } else if (u < 470) { /* cancel a pending event */
        if (m->n) {
            if (sim_cal_cancel(&st->c, m->v[i].id) != 1)
                return CHECK(0, "stress seed %lu op %zu: cancel of pending arg %llu: expected 1",
                             st->seed, st->op, (unsigned long long)m->v[i].arg);
            stress_bury(st, m->v[i].id);
            ref_remove(m, i);
        }
    } else if (u < 500) { /* dead handles are inert */
        if (dead && (sim_cal_cancel(&st->c, dead) != 0 || sim_cal_pending(&st->c, dead, NULL) ||
                     sim_cal_reschedule(&st->c, dead, st->now + 1.0) != 0))
            return CHECK(0, "stress seed %lu op %zu: dead handle %llx: expected cancel, "
                            "pending and reschedule to all give 0",
                         st->seed, st->op, (unsigned long long)dead);
    } else if (u < 650) { /* reschedule a pending event, earlier or later */
        if (m->n) {
            double t = stress_time(r, st->now);
            sim_event_id nid = sim_cal_reschedule(&st->c, m->v[i].id, t);
            if (nid == 0 || nid == m->v[i].id)
                return CHECK(0, "stress seed %lu op %zu: reschedule: expected a new handle",
                             st->seed, st->op);
            stress_bury(st, m->v[i].id);
            m->v[i].id = nid;
            m->v[i].time = t;
            m->v[i].seq = m->next_seq++;
        }
    } else if (u < 700) { /* pending reports the right time */
        if (m->n) {
            double t = NAN;
            if (!sim_cal_pending(&st->c, m->v[i].id, &t) || t != m->v[i].time)
                return CHECK(0, "stress seed %lu op %zu: pending: expected time %.17g, got %.17g",
                             st->seed, st->op, m->v[i].time, t);
        }
    } else if (u < 900) {
        if (!stress_pop(st, 0))
            return 0;
    } else if (u < 940) {
        if (!stress_pop(st, 1))
            return 0;
    } else if (u < 960) { /* peek */
        size_t k = ref_min(m);
        double want = k == SIZE_MAX ? INFINITY : m->v[k].time;
        double got = sim_cal_peek_time(&st->c);
        if (got != want)
            return CHECK(0, "stress seed %lu op %zu: peek: expected %.17g, got %.17g", st->seed,
                         st->op, want, got);
    } else if (u < 975) {
        /* (a burst, above) */
    } else if (u < 985) { /* cancel sweep: stale entries pile up, compaction */
        size_t keep = m->n / 10;
        while (m->n > keep) {
            size_t j = gsl_rng_uniform_int(r, m->n);
            if (sim_cal_cancel(&st->c, m->v[j].id) != 1)
                return CHECK(0, "stress seed %lu op %zu: sweep cancel: expected 1", st->seed,
                             st->op);
            stress_bury(st, m->v[j].id);
            ref_remove(m, j);
        }
    } else if (u < 990) { /* drain everything in one sorted comparison */
        if (m->n) {
            double last = 0;
            for (size_t j = 0; j < m->n; j++) {
                stress_bury(st, m->v[j].id);
                if (j == 0 || m->v[j].time > last)
                    last = m->v[j].time;
            }
            if (!drain_and_compare(&st->c, m, "stress drain", 0))
                return CHECK(0, "stress seed %lu op %zu: drain failed", st->seed, st->op);
            st->now = last;
        }
    } else if (u < 996) { /* pretend 2^32 sequence numbers are nearly used up */
        uint64_t target = (1ull << 32) - 1 - gsl_rng_uniform_int(r, 64);
        if (st->c.next_seq < target)
            sim_cal_debug_set_next_seq(&st->c, target);
    } else { /* handle 0 is never valid */
        if (sim_cal_cancel(&st->c, 0) || sim_cal_pending(&st->c, 0, NULL) ||
            sim_cal_reschedule(&st->c, 0, st->now))
            return CHECK(0, "stress seed %lu op %zu: handle 0 must be inert", st->seed, st->op);
    }
    /* Every invariant of the structure (O(n)), every 50 operations so the test stays fast. */
    if (st->op % 50 == 0) {
        const char *why = sim_cal_debug_check(&st->c);
        if (why)
            return CHECK(0, "stress seed %lu op %zu: calendar invariant: %s", st->seed, st->op,
                         why);
    }
    if (sim_cal_size(&st->c) != m->n)
        return CHECK(0, "stress seed %lu op %zu: size: expected %zu, got %zu", st->seed, st->op,
                     m->n, sim_cal_size(&st->c));
    return 1;
}

static void test_cal_stress(void)
{
    enum { OPS = 60000 };
    static const unsigned long seeds[] = {1, 2, 3, 20181, 0xdecafbad, 77};
    /* The sanitizer pass takes the first two: one calendar of each start size. */
    size_t n_seeds = harness_sanitized() ? 2 : sizeof seeds / sizeof *seeds;
    for (size_t s = 0; s < n_seeds; s++) {
        stress_state *st = xmalloc(sizeof *st);
        memset(st, 0, sizeof *st);
        st->seed = seeds[s];
        st->r = test_rng(seeds[s]);
        st->next_arg = 1;
        if (!CHECK(sim_cal_init(&st->c, s % 2 ? 0 : 1000) == SIM_OK, "sim_cal_init: SIM_OK"))
            return;
        int ok = 1;
        for (st->op = 0; st->op < OPS && ok; st->op++)
            ok = stress_step(st);
        CHECK(ok, "stress seed %lu: expected %d operations to agree with the reference",
              seeds[s], OPS);
        if (ok)
            drain_and_compare(&st->c, &st->m, "stress final drain", 1);
        free(st->m.v);
        sim_cal_free(&st->c);
        gsl_rng_free(st->r);
        free(st);
    }
}

/* ======================================================================================
 * Clock and run loop
 * ====================================================================================== */

/* Handlers record what fired and when. */
typedef struct trace {
    uint64_t args[64];
    double times[64];
    size_t n;
    sim_event_id later; /* for handlers that act on another event */
    int behaviour;      /* what act_handler does */
} trace;

static void record(sim *s, void *obj, uint64_t arg)
{
    trace *tr = obj;
    if (tr->n < 64) {
        tr->args[tr->n] = arg;
        tr->times[tr->n] = s->now;
    }
    tr->n++;
}

enum { ACT_STOP, ACT_PAST, ACT_NAN, ACT_AT_NOW, ACT_RESCHED_PAST, ACT_SELF_PENDING };

static void act_handler(sim *s, void *obj, uint64_t arg)
{
    trace *tr = obj;
    record(s, obj, arg);
    switch (tr->behaviour) {
    case ACT_STOP: sim_stop(s); break;
    case ACT_PAST: sim_schedule_at(s, s->now - 1.0, 0, record, tr, 900); break;
    case ACT_NAN: sim_schedule_at(s, NAN, 0, record, tr, 901); break;
    case ACT_AT_NOW: /* same time: a lower priority value jumps the queue, equal goes last */
        sim_schedule(s, 0.0, 0, record, tr, 902);
        sim_schedule(s, 0.0, -1, record, tr, 903);
        break;
    case ACT_RESCHED_PAST: sim_reschedule(s, tr->later, s->now - 0.5); break;
    case ACT_SELF_PENDING: tr->later = sim_pending(s); break;
    }
}

/* Random events, and handlers scheduling more (delays of 0 included): the clock equals
 * each event's time as it fires and never decreases. */
typedef struct clock_check {
    gsl_rng *r;
    double last;
    size_t fired, backwards, wrong_time, spawned;
} clock_check;

static void clock_handler(sim *s, void *obj, uint64_t arg)
{
    clock_check *cc = obj;
    double want;
    memcpy(&want, &arg, sizeof want); /* the arg carries the scheduled time */
    cc->fired++;
    if (s->now < cc->last)
        cc->backwards++;
    if (s->now != want)
        cc->wrong_time++;
    cc->last = s->now;
    if (cc->spawned < 20000 && gsl_rng_uniform(cc->r) < 0.5) {
        double t = s->now + (gsl_rng_uniform(cc->r) < 0.3 ? 0.0 : gsl_rng_uniform(cc->r));
        uint64_t a;
        memcpy(&a, &t, sizeof a);
        sim_schedule_at(s, t, (int)gsl_rng_uniform_int(cc->r, 3), clock_handler, cc, a);
        cc->spawned++;
    }
}

static void test_sim_clock(void)
{
    sim s;
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    CHECK(s.now == 0.0 && sim_pending(&s) == 0 && s.error == 0,
          "fresh sim: expected clock 0, nothing pending, no error");
    clock_check cc = {test_rng(5), 0, 0, 0, 0, 0};
    double tmax = 0;
    for (int i = 0; i < 10000; i++) {
        double t = gsl_rng_uniform(cc.r) * 1000.0;
        uint64_t a;
        memcpy(&a, &t, sizeof a);
        sim_schedule_at(&s, t, 0, clock_handler, &cc, a);
        tmax = t > tmax ? t : tmax;
    }
    int rc = sim_run(&s);
    CHECK(rc == SIM_OK, "sim_run: expected SIM_OK, got %d", rc);
    CHECK(cc.fired == 10000 + cc.spawned, "fired: expected %zu, got %zu", 10000 + cc.spawned,
          cc.fired);
    CHECK(s.events_fired == cc.fired, "events_fired: expected %zu, got %llu", cc.fired,
          (unsigned long long)s.events_fired);
    CHECK(cc.backwards == 0, "clock went backwards %zu times", cc.backwards);
    CHECK(cc.wrong_time == 0, "clock differed from the event's time %zu times", cc.wrong_time);
    CHECK(s.now == cc.last && s.now >= tmax,
          "after sim_run: expected the clock at the last event (%g), got %g", cc.last, s.now);
    CHECK(sim_pending(&s) == 0, "after sim_run: expected nothing pending");
    /* Running an empty calendar changes nothing. */
    double now = s.now;
    CHECK(sim_run(&s) == SIM_OK && s.now == now, "sim_run on empty: expected SIM_OK, clock kept");
    gsl_rng_free(cc.r);
    sim_free(&s);
}

static void test_sim_past_and_nan(void)
{
    sim s;
    trace tr = {0};
    /* Before running: past, NaN, infinite and negative-delay times are refused. */
    const double bad[] = {-1.0, NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 4; i++) {
        if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
            return;
        sim_event_id id = sim_schedule_at(&s, bad[i], 0, record, &tr, 1);
        CHECK(id == 0 && s.error == SIM_EPAST,
              "schedule_at(%g): expected handle 0 and SIM_EPAST, got %llx and %d", bad[i],
              (unsigned long long)id, s.error);
        CHECK(sim_pending(&s) == 0, "schedule_at(%g): expected nothing pending", bad[i]);
        sim_schedule_at(&s, 1.0, 0, record, &tr, 2);
        int rc = sim_run(&s);
        CHECK(rc == SIM_EPAST, "sim_run after a refused schedule: expected SIM_EPAST (%d), got %d",
              SIM_EPAST, rc);
        sim_free(&s);
    }
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    CHECK(sim_schedule(&s, -0.5, 0, record, &tr, 3) == 0 && s.error == SIM_EPAST,
          "negative delay: expected handle 0 and SIM_EPAST");
    sim_free(&s);

    /* -0.0 equals the clock at 0: accepted, and it fires at 0 in FIFO order. */
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    memset(&tr, 0, sizeof tr);
    sim_schedule_at(&s, 0.0, 0, record, &tr, 1);
    CHECK(sim_schedule_at(&s, -0.0, 0, record, &tr, 2) != 0 && s.error == 0,
          "schedule_at(-0.0) at clock 0: expected a handle and no error");
    int rc0 = sim_run(&s);
    CHECK(rc0 == SIM_OK && tr.n == 2 && tr.args[0] == 1 && tr.args[1] == 2 && s.now == 0.0,
          "events at 0.0 and -0.0: expected both to fire in FIFO order at 0, got rc %d, %zu "
          "events",
          rc0, tr.n);
    sim_free(&s);

    /* From a handler: the run stops after it and returns the error; later events stay. */
    const int acts[] = {ACT_PAST, ACT_NAN, ACT_RESCHED_PAST};
    for (int i = 0; i < 3; i++) {
        if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
            return;
        memset(&tr, 0, sizeof tr);
        tr.behaviour = acts[i];
        sim_schedule_at(&s, 5.0, 0, act_handler, &tr, 1);
        tr.later = sim_schedule_at(&s, 6.0, 0, record, &tr, 2);
        sim_schedule_at(&s, 7.0, 0, record, &tr, 3);
        int rc = sim_run(&s);
        CHECK(rc == SIM_EPAST && s.error == SIM_EPAST,
              "case %d: a bad schedule in a handler: expected sim_run to return SIM_EPAST, got %d",
              i, rc);
        CHECK(tr.n == 1 && s.now == 5.0,
              "case %d: expected the run to stop after the failing handler at t=5 (1 event), "
              "got %zu events, clock %g",
              i, tr.n, s.now);
        CHECK(s.now >= 5.0, "case %d: clock went backwards to %g", i, s.now);
        rc = sim_run_until(&s, 100.0);
        CHECK(rc == SIM_EPAST && tr.n == 1,
              "case %d: the error is sticky: expected SIM_EPAST again and no event, got %d, %zu "
              "events",
              i, rc, tr.n);
        sim_free(&s);
    }
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    sim_event_id id = sim_schedule_at(&s, 2.0, 0, record, &tr, 1);
    CHECK(sim_reschedule(&s, id, NAN) == 0 && s.error == SIM_EPAST,
          "reschedule to NaN: expected 0 and SIM_EPAST");
    sim_free(&s);
}

static void test_sim_run_until(void)
{
    sim s;
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    trace tr = {0};
    tr.behaviour = ACT_AT_NOW;
    sim_schedule_at(&s, 1.0, 0, record, &tr, 1);
    sim_schedule_at(&s, 2.0, 0, record, &tr, 2);
    sim_schedule_at(&s, 3.0, 1, record, &tr, 4);
    sim_schedule_at(&s, 3.0, 0, act_handler, &tr, 3); /* schedules 902 (prio 0), 903 (-1) */
    sim_schedule_at(&s, 4.0, 0, record, &tr, 5);
    int rc = sim_run_until(&s, 3.0);
    /* At t=3: 3 fires first (prio 0); then 903 (prio -1), then 902 (prio 0, FIFO after 3),
     * then 4 (prio 1). Everything at exactly t_end fires, including events scheduled at
     * t_end by a handler. */
    const uint64_t want[] = {1, 2, 3, 903, 902, 4};
    int same = rc == SIM_OK && tr.n == 6;
    for (size_t i = 0; same && i < 6; i++)
        same = tr.args[i] == want[i];
    CHECK(same, "run_until(3): expected SIM_OK and args 1,2,3,903,902,4, got rc %d and %zu "
                "events",
          rc, tr.n);
    CHECK(tr.times[5] == 3.0, "events at t_end: expected fired at 3, got %g", tr.times[5]);
    CHECK(s.now == 3.0, "clock after run_until(3): expected 3, got %g", s.now);
    CHECK(sim_pending(&s) == 1, "after run_until(3): expected the t=4 event pending, got %zu",
          sim_pending(&s));
    rc = sim_run_until(&s, 3.5);
    CHECK(rc == SIM_OK && tr.n == 6 && s.now == 3.5,
          "run_until(3.5): expected no event and clock 3.5, got %zu events, clock %g", tr.n,
          s.now);
    rc = sim_run(&s);
    CHECK(rc == SIM_OK && s.now == 4.0 && tr.n == 7 && tr.args[6] == 5,
          "sim_run: expected the t=4 event and clock 4, got rc %d, clock %g", rc, s.now);
    rc = sim_run_until(&s, 10.0);
    CHECK(rc == SIM_OK && s.now == 10.0, "run_until(10) on empty: expected clock 10, got %g",
          s.now);
    sim_event_id id = sim_schedule(&s, 0.0, 0, record, &tr, 6);
    CHECK(id != 0, "schedule at now after run_until: expected a handle");
    rc = sim_run(&s);
    CHECK(rc == SIM_OK && tr.times[7] == 10.0, "event at the clock: expected fired at 10");
    sim_free(&s);

    /* The clock never goes back: run_until an earlier time keeps it; NaN runs nothing. */
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    memset(&tr, 0, sizeof tr);
    sim_schedule_at(&s, 4.0, 0, record, &tr, 1);
    int rc1 = sim_run_until(&s, 3.5), rc2 = sim_run_until(&s, 2.0);
    CHECK(rc1 == SIM_OK && rc2 == SIM_OK, "run_until(3.5), run_until(2): expected SIM_OK twice, "
          "got %d, %d", rc1, rc2);
    CHECK(s.now == 3.5 && tr.n == 0 && sim_pending(&s) == 1,
          "run_until(2) after run_until(3.5): expected the clock kept at 3.5 and the t=4 event "
          "pending, got clock %g, %zu fired",
          s.now, tr.n);
    int rcn = sim_run_until(&s, NAN);
    CHECK(rcn == SIM_EINVAL, "run_until(NaN): expected SIM_EINVAL, got %d", rcn);
    CHECK(s.now == 3.5 && tr.n == 0 && sim_pending(&s) == 1,
          "run_until(NaN): expected no event (no time is <= NaN) and the clock kept at 3.5, got "
          "clock %g, %zu fired",
          s.now, tr.n);
    sim_free(&s);
}

static void test_sim_stop(void)
{
    sim s;
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    trace tr = {0};
    tr.behaviour = ACT_STOP;
    sim_schedule_at(&s, 1.0, 0, record, &tr, 1);
    sim_schedule_at(&s, 2.0, 0, act_handler, &tr, 2);
    sim_schedule_at(&s, 2.0, 0, record, &tr, 3);
    sim_schedule_at(&s, 5.0, 0, record, &tr, 4);
    int rc = sim_run_until(&s, 10.0);
    CHECK(rc == SIM_STOPPED, "handler called sim_stop: expected SIM_STOPPED (%d), got %d",
          SIM_STOPPED, rc);
    CHECK(tr.n == 2 && s.now == 2.0,
          "after stop: expected 2 events and the clock at the stopping event (2), got %zu, %g",
          tr.n, s.now);
    CHECK(sim_pending(&s) == 2, "after stop: expected 2 pending, got %zu", sim_pending(&s));
    CHECK(s.error == 0, "stop is not an error: expected s->error 0, got %d", s.error);
    rc = sim_run(&s); /* resumes where it stopped */
    CHECK(rc == SIM_OK && tr.n == 4 && tr.args[2] == 3 && tr.args[3] == 4 && s.now == 5.0,
          "resume after stop: expected SIM_OK, events 3 then 4, clock 5; got rc %d, %zu events, "
          "clock %g",
          rc, tr.n, s.now);
    sim_free(&s);
}

/* A handler that fails with the error in its arg (after recording itself). */
static void failer(sim *s, void *obj, uint64_t arg)
{
    record(s, obj, arg);
    sim_fail(s, -(int)arg);
}

/* sim_fail: the run returns after the failing event with its error; the error is sticky
 * (later runs return it without firing anything), the first failure is kept, and
 * sim_error reads it. */
static void test_sim_fail(void)
{
    sim s;
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    CHECK(sim_error(&s) == SIM_OK, "fresh sim: expected sim_error SIM_OK, got %d",
          sim_error(&s));
    trace tr = {0};
    sim_schedule_at(&s, 1.0, 0, record, &tr, 100);
    sim_schedule_at(&s, 2.0, 0, failer, &tr, (uint64_t)-SIM_ENOMEM);
    sim_schedule_at(&s, 2.0, 0, record, &tr, 101);
    sim_schedule_at(&s, 3.0, 0, failer, &tr, (uint64_t)-SIM_EINVAL);
    int rc = sim_run_until(&s, 10.0);
    CHECK(rc == SIM_ENOMEM, "handler failed: expected SIM_ENOMEM (%d), got %d", SIM_ENOMEM, rc);
    CHECK(tr.n == 2 && s.now == 2.0,
          "after a failure: expected 2 events and the clock at the failing event (2), got %zu, %g",
          tr.n, s.now);
    CHECK(sim_error(&s) == SIM_ENOMEM, "sim_error: expected SIM_ENOMEM, got %d", sim_error(&s));
    rc = sim_run(&s);
    CHECK(rc == SIM_ENOMEM && tr.n == 2 && sim_pending(&s) == 2,
          "run after a failure: expected SIM_ENOMEM again, nothing fired, 2 pending; got rc %d, "
          "%zu events, %zu pending",
          rc, tr.n, sim_pending(&s));
    sim_fail(&s, SIM_EINVAL); /* a later failure does not replace the first */
    CHECK(sim_error(&s) == SIM_ENOMEM, "second failure: expected the first (SIM_ENOMEM) kept, "
          "got %d", sim_error(&s));
    sim_free(&s);

    /* A failure outside the run loop (while setting up) is returned by the first run. */
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    trace t2 = {0};
    sim_schedule_at(&s, 1.0, 0, record, &t2, 1);
    sim_fail(&s, SIM_ELIMIT);
    rc = sim_run(&s);
    CHECK(rc == SIM_ELIMIT && t2.n == 0,
          "failure before the run: expected SIM_ELIMIT and nothing fired, got %d, %zu events", rc,
          t2.n);
    sim_free(&s);
}

/* Event kinds: registered per handler, read back from popped events; unregistered
 * handlers have SIM_KIND_NONE; bad registrations and a full table are refused. */
static void test_sim_kinds(void)
{
    sim s;
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    CHECK(sim_kind_of(&s, record) == SIM_KIND_NONE, "fresh sim: expected no kind for record");
    CHECK(sim_kind_register(&s, record, 7) == SIM_OK, "register record as 7: expected SIM_OK");
    CHECK(sim_kind_register(&s, failer, 3) == SIM_OK, "register failer as 3: expected SIM_OK");
    CHECK(sim_kind_register(&s, record, 7) == SIM_OK, "same kind again: expected SIM_OK");
    CHECK(sim_kind_register(&s, record, 8) == SIM_EINVAL,
          "another kind for a registered handler: expected SIM_EINVAL");
    CHECK(sim_kind_register(&s, act_handler, 0) == SIM_EINVAL &&
              sim_kind_register(&s, act_handler, -2) == SIM_EINVAL &&
              sim_kind_register(&s, NULL, 1) == SIM_EINVAL,
          "kind < 1 or no handler: expected SIM_EINVAL");
    CHECK(sim_kind_of(&s, record) == 7 && sim_kind_of(&s, failer) == 3 &&
              sim_kind_of(&s, act_handler) == SIM_KIND_NONE,
          "kinds: expected record 7, failer 3, act_handler none; got %d, %d, %d",
          sim_kind_of(&s, record), sim_kind_of(&s, failer), sim_kind_of(&s, act_handler));
    /* Pending events told apart by kind, as a model does at the end of a run. */
    trace tr = {0};
    sim_schedule_at(&s, 2.0, 0, failer, &tr, 1);
    sim_schedule_at(&s, 1.0, 0, record, &tr, 2);
    sim_schedule_at(&s, 3.0, 0, act_handler, &tr, 3);
    int want[] = {7, 3, SIM_KIND_NONE}, ok = 1;
    sim_cal_event ev;
    for (size_t i = 0; i < 3; i++)
        ok = ok && sim_cal_pop(&s.cal, &ev) && sim_kind_of(&s, ev.fn) == want[i];
    CHECK(ok && sim_pending(&s) == 0, "popped events: expected kinds 7, 3, none in time order");
    CHECK(sim_error(&s) == SIM_OK, "kinds are not errors: expected sim_error SIM_OK");
    sim_free(&s);

    /* The table holds SIM_MAX_KINDS handlers; the next is refused. Distinct handlers are
     * stood in for by distinct addresses, never called. */
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    static char fake[SIM_MAX_KINDS + 1];
    int rc = SIM_OK;
    for (size_t i = 0; i < SIM_MAX_KINDS && rc == SIM_OK; i++)
        rc = sim_kind_register(&s, (sim_handler)(void (*)(void))(uintptr_t)&fake[i], (int)i + 1);
    CHECK(rc == SIM_OK, "registering %d handlers: expected SIM_OK, got %d", SIM_MAX_KINDS, rc);
    rc = sim_kind_register(&s, (sim_handler)(void (*)(void))(uintptr_t)&fake[SIM_MAX_KINDS], 99);
    CHECK(rc == SIM_ELIMIT, "one handler too many: expected SIM_ELIMIT, got %d", rc);
    CHECK(sim_kind_of(&s, (sim_handler)(void (*)(void))(uintptr_t)&fake[SIM_MAX_KINDS - 1]) ==
              SIM_MAX_KINDS,
          "the last handler that fitted: expected kind %d", SIM_MAX_KINDS);
    sim_free(&s);
}

/* Cancel and reschedule through the sim, including from inside handlers. */
typedef struct juggler {
    sim_event_id victim, mover;
    trace tr;
} juggler;

static void juggle(sim *s, void *obj, uint64_t arg)
{
    juggler *j = obj;
    record(s, &j->tr, arg);
    if (arg == 1) {
        CHECK(sim_cancel(s, j->victim) == 1, "cancel from a handler: expected 1");
        j->mover = sim_reschedule(s, j->mover, s->now); /* to now: after 1's peers */
        CHECK(j->mover != 0, "reschedule to now from a handler: expected a handle");
    }
}

static void test_sim_cancel_reschedule(void)
{
    sim s;
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    juggler j = {0};
    sim_schedule_at(&s, 1.0, 0, juggle, &j, 1);
    sim_schedule_at(&s, 1.0, 0, juggle, &j, 2);
    j.victim = sim_schedule_at(&s, 1.5, 0, juggle, &j, 3);
    j.mover = sim_schedule_at(&s, 9.0, 0, juggle, &j, 4);
    sim_schedule_at(&s, 2.0, 0, juggle, &j, 5);
    int rc = sim_run(&s);
    const uint64_t want[] = {1, 2, 4, 5};
    int same = rc == SIM_OK && j.tr.n == 4;
    for (size_t i = 0; same && i < 4; i++)
        same = j.tr.args[i] == want[i];
    CHECK(same, "cancel/reschedule in handlers: expected 1,2,4,5 and SIM_OK, got %zu events, "
                "rc %d",
          j.tr.n, rc);
    CHECK(j.tr.times[2] == 1.0, "rescheduled event: expected fired at 1, got %g", j.tr.times[2]);
    CHECK(sim_reschedule(&s, j.mover, 20.0) == 0 && s.error == 0,
          "reschedule of a fired event: expected 0 and no error");
    CHECK(sim_cancel(&s, j.victim) == 0, "cancel of a cancelled event: expected 0");
    sim_free(&s);
}

/* A handler that finds itself removed from the pending set while it runs. */
static void test_sim_handler_not_pending(void)
{
    sim s;
    if (!CHECK(sim_init(&s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
        return;
    trace tr = {0};
    tr.behaviour = ACT_SELF_PENDING;
    sim_schedule_at(&s, 1.0, 0, act_handler, &tr, 1);
    sim_schedule_at(&s, 2.0, 0, record, &tr, 2);
    int rc = sim_run_until(&s, 1.0);
    CHECK(rc == SIM_OK, "run_until(1): expected SIM_OK, got %d", rc);
    CHECK(tr.later == 1, "pending inside a handler: expected 1 (the other event), got %llu",
          (unsigned long long)tr.later);
    sim_free(&s);
}

static void test_sim_misc(void)
{
    sim s;
    memset(&s, 0, sizeof s);
    sim_free(&s); /* safe on a zeroed sim */
    sim_calendar c;
    memset(&c, 0, sizeof c);
    sim_cal_free(&c);
    const int codes[] = {SIM_OK, SIM_STOPPED, SIM_ENOMEM, SIM_EPAST, SIM_ELIMIT, SIM_EINVAL};
    for (int i = 0; i < 6; i++) {
        const char *m = sim_strerror(codes[i]);
        CHECK(m && *m, "sim_strerror(%d): expected a message", codes[i]);
        for (int k = 0; k < i; k++)
            CHECK(!m || strcmp(m, sim_strerror(codes[k])) != 0,
                  "sim_strerror(%d) and (%d): expected different messages", codes[i], codes[k]);
    }
    CHECK(sim_strerror(12345) != NULL, "sim_strerror(unknown): expected a message");
    /* A sim re-initialised after free works again. */
    if (CHECK(sim_init(&s, 100) == SIM_OK, "sim_init: expected SIM_OK")) {
        trace tr = {0};
        sim_schedule(&s, 1.0, 0, record, &tr, 1);
        sim_free(&s);
        CHECK(sim_init(&s, 0) == SIM_OK && sim_pending(&s) == 0 && s.now == 0,
              "sim_init after free: expected a fresh sim");
        sim_free(&s);
    }
}

/* ---- Handlers doing random work while the run loop dispatches, against the reference.
 * This drives the calendar exactly as models will: every operation happens between a
 * pop and the next. ---- */
typedef struct live_stress {
    sim s;
    ref_model m;
    gsl_rng *r;
    uint64_t next_arg;
    size_t fired, budget;
    int bad;
    unsigned long seed;
} live_stress;

static void live_handler(sim *s, void *obj, uint64_t arg);

static void live_schedule(live_stress *ls, double t, int prio)
{
    uint64_t a = ls->next_arg++;
    sim_event_id id = sim_schedule_at(&ls->s, t, prio, live_handler, ls, a);
    if (id)
        ref_add(&ls->m, t, prio, a, id);
    else
        ls->bad = 1;
}

static void live_handler(sim *s, void *obj, uint64_t arg)
{
    live_stress *ls = obj;
    ls->fired++;
    size_t k = ref_min(&ls->m);
    if (ls->bad)
        return;
    if (k == SIZE_MAX || ls->m.v[k].arg != arg || ls->m.v[k].time != s->now) {
        CHECK(0, "live stress seed %lu event %zu: expected arg %llu at %.17g, got arg %llu at "
                 "%.17g",
              ls->seed, ls->fired, k == SIZE_MAX ? 0ull : (unsigned long long)ls->m.v[k].arg,
              k == SIZE_MAX ? NAN : ls->m.v[k].time, (unsigned long long)arg, s->now);
        ls->bad = 1;
        sim_stop(s);
        return;
    }
    ref_remove(&ls->m, k);
    gsl_rng *r = ls->r;
    /* About 1.5 new events per event while small, 1 when larger: the population hovers
     * near a few hundred (the reference is a linear scan) until the budget is spent. */
    int spawn = ls->fired >= ls->budget ? 0
                : ls->m.n < 300          ? (int)gsl_rng_uniform_int(r, 4)
                                         : (int)gsl_rng_uniform_int(r, 3);
    for (int i = 0; i < spawn; i++)
        live_schedule(ls, stress_time(r, s->now), stress_prio(r));
    if (ls->m.n && gsl_rng_uniform(r) < 0.3) {
        size_t i = gsl_rng_uniform_int(r, ls->m.n);
        if (gsl_rng_uniform(r) < 0.5) {
            if (sim_cancel(s, ls->m.v[i].id) != 1)
                ls->bad = 1;
            ref_remove(&ls->m, i);
        } else {
            double t = stress_time(r, s->now);
            sim_event_id nid = sim_reschedule(s, ls->m.v[i].id, t);
            if (!nid)
                ls->bad = 1;
            ls->m.v[i].id = nid;
            ls->m.v[i].time = t;
            ls->m.v[i].seq = ls->m.next_seq++;
        }
    }
    if (sim_pending(s) != ls->m.n)
        ls->bad = 1;
    if (ls->bad) {
        CHECK(0, "live stress seed %lu event %zu: cancel/reschedule/size disagreed with the "
                 "reference (pending %zu, reference %zu)",
              ls->seed, ls->fired, sim_pending(s), ls->m.n);
        sim_stop(s);
    }
}

static void test_sim_live_stress(void)
{
    for (unsigned long seed = 11; seed < 14; seed++) {
        live_stress *ls = xmalloc(sizeof *ls);
        memset(ls, 0, sizeof *ls);
        if (!CHECK(sim_init(&ls->s, 0) == SIM_OK, "sim_init: expected SIM_OK"))
            return;
        ls->r = test_rng(seed);
        ls->seed = seed;
        ls->budget = 40000;
        for (int i = 0; i < 500; i++)
            live_schedule(ls, stress_time(ls->r, 0.0), stress_prio(ls->r));
        int rc = sim_run(&ls->s);
        CHECK(rc == SIM_OK && !ls->bad && ls->m.n == 0 && ls->fired > ls->budget,
              "live stress seed %lu: expected a clean run to an empty calendar, got rc %d, "
              "%zu left, %zu fired",
              seed, rc, ls->m.n, ls->fired);
        free(ls->m.v);
        gsl_rng_free(ls->r);
        sim_free(&ls->s);
        free(ls);
    }
}

/* ======================================================================================
 * RNG streams
 * ====================================================================================== */

/* Do two generators give identical first n outputs? */
static int same_sequence(gsl_rng *a, gsl_rng *b, int n)
{
    for (int i = 0; i < n; i++)
        if (gsl_rng_get(a) != gsl_rng_get(b))
            return 0;
    return 1;
}

/* Positions at which the first n outputs agree (0 for distinct streams, barring a 2^-32
 * coincidence). */
static int agreements(gsl_rng *a, gsl_rng *b, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += gsl_rng_get(a) == gsl_rng_get(b);
    return k;
}

static void test_rng_reproducible(void)
{
    sim_streams a = {0}, b = {0};
    CHECK(sim_streams_init(&a, 4, 12345, 7) == 0 && sim_streams_init(&b, 4, 12345, 7) == 0,
          "sim_streams_init: expected 0");
    CHECK(a.n == 4 && b.n == 4, "n: expected 4, got %u", a.n);
    for (unsigned i = 0; i < 4 && i < a.n; i++) {
        CHECK(strcmp(gsl_rng_name(a.r[i]), SIM_RNG_TYPE->name) == 0,
              "stream %u type: expected %s, got %s", i, SIM_RNG_TYPE->name,
              gsl_rng_name(a.r[i]));
        CHECK(same_sequence(a.r[i], b.r[i], 1000),
              "stream %u: expected the same sequence for the same (master, rep, stream)", i);
    }
    /* ...and the stream is the documented seed. */
    sim_streams_free(&a);
    CHECK(sim_streams_init(&a, 4, 12345, 7) == 0, "sim_streams_init: expected 0");
    gsl_rng *g = gsl_rng_alloc(SIM_RNG_TYPE);
    for (unsigned i = 0; i < 4 && i < a.n; i++) {
        gsl_rng_set(g, sim_rng_stream_seed(12345, 7, i));
        CHECK(same_sequence(a.r[i], g, 100), "stream %u: expected seeded by sim_rng_stream_seed",
              i);
    }
    gsl_rng_free(g);
    sim_streams_free(&a);
    sim_streams_free(&b);
    CHECK(a.r == NULL || a.n == 0, "after free: expected an empty set");
    sim_streams_free(&a); /* safe twice: it is now a zeroed set */
}

static void test_rng_distinct(void)
{
    sim_streams r0 = {0}, r1 = {0}, m2 = {0};
    CHECK(sim_streams_init(&r0, 8, 1, 0) == 0 && sim_streams_init(&r1, 8, 1, 1) == 0 &&
              sim_streams_init(&m2, 8, 2, 0) == 0,
          "sim_streams_init: expected 0");
    for (unsigned i = 0; i < 8; i++)
        for (unsigned k = i + 1; k < 8; k++) {
            int same = agreements(r0.r[i], r0.r[k], 100);
            CHECK(same == 0, "streams %u and %u of one replication: %d of 100 draws equal", i, k,
                  same);
        }
    for (unsigned i = 0; i < 8; i++) {
        int a = agreements(r0.r[i], r1.r[i], 100), b = agreements(r0.r[i], m2.r[i], 100);
        CHECK(a == 0, "stream %u in replications 0 and 1: %d of 100 draws equal", i, a);
        CHECK(b == 0, "stream %u under master seeds 1 and 2: %d of 100 draws equal", i, b);
    }
    sim_streams_free(&r0);
    sim_streams_free(&r1);
    sim_streams_free(&m2);
}

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

/* Sort and report the first duplicate, a zero, or a value beyond 32 bits. */
static void check_seed_set(unsigned long *v, size_t n, const char *what)
{
    qsort(v, n, sizeof *v, cmp_ulong);
    size_t dup = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] == v[i - 1]) {
            dup++;
        }
    CHECK(dup == 0, "%s: expected %zu distinct seeds, found %zu duplicates", what, n, dup);
    CHECK(v[0] != 0, "%s: expected no seed 0 (GSL replaces it by its default seed)", what);
    CHECK(v[n - 1] <= 0xffffffffUL, "%s: expected 32-bit seeds, got %lu", what, v[n - 1]);
}

static void test_rng_seed_injective(void)
{
    enum { REPS = 4096, TOP = 64 };
    const size_t n = (size_t)(REPS + TOP) * SIM_RNG_MAX_STREAMS;
    unsigned long *v = xmalloc(n * sizeof *v);
    const uint64_t masters[] = {0, 20181, 0xffffffffffffffffull};
    for (int mi = 0; mi < 3; mi++) {
        size_t k = 0;
        for (uint32_t rep = 0; rep < REPS; rep++)
            for (uint32_t st = 0; st < SIM_RNG_MAX_STREAMS; st++)
                v[k++] = sim_rng_stream_seed(masters[mi], rep, st);
        /* The top of the documented range. */
        for (uint32_t rep = SIM_RNG_MAX_REPLICATION - (TOP - 1);
             rep <= SIM_RNG_MAX_REPLICATION; rep++)
            for (uint32_t st = 0; st < SIM_RNG_MAX_STREAMS; st++)
                v[k++] = sim_rng_stream_seed(masters[mi], rep, st);
        char what[96];
        snprintf(what, sizeof what, "stream seeds, master %llu, replications <4096 and top 64",
                 (unsigned long long)masters[mi]);
        check_seed_set(v, k, what);
    }
    /* Entity seeds: injective in the entity for one (master, replication, family), over
     * the bottom and the top (up to 2^32 - 2, the documented limit) of the range. */
    const size_t ne = 1u << 20;
    for (size_t e = 0; e < ne / 2; e++) {
        v[e] = sim_rng_entity_seed(20181, 3, 2, (uint32_t)e);
        v[ne / 2 + e] = sim_rng_entity_seed(20181, 3, 2, (uint32_t)(0xfffffffeu - e));
    }
    check_seed_set(v, ne, "entity seeds, 2^19 lowest and 2^19 highest entities");
    free(v);

    /* Families and replications give different entity streams. */
    int same_fam = 0, same_rep = 0;
    for (uint32_t e = 0; e < 1000; e++) {
        same_fam += sim_rng_entity_seed(1, 0, 0, e) == sim_rng_entity_seed(1, 0, 1, e);
        same_rep += sim_rng_entity_seed(1, 0, 0, e) == sim_rng_entity_seed(1, 1, 0, e);
    }
    CHECK(same_fam == 0 && same_rep == 0,
          "entity seeds: expected families and replications to differ, %d and %d equal of 1000",
          same_fam, same_rep);

    gsl_rng *a = gsl_rng_alloc(SIM_RNG_TYPE), *b = gsl_rng_alloc(SIM_RNG_TYPE);
    sim_rng_seed_entity(a, 5, 6, 7, 8);
    gsl_rng_set(b, sim_rng_entity_seed(5, 6, 7, 8));
    CHECK(same_sequence(a, b, 100), "sim_rng_seed_entity: expected seed sim_rng_entity_seed");
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* MurmurHash3's fmix64, as the header documents, for comparison. */
static uint64_t fmix64_ref(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

static void test_rng_mix64(void)
{
    gsl_rng *r = test_rng(3);
    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = ((uint64_t)gsl_rng_get(r) << 32) ^ gsl_rng_get(r);
        bad += sim_rng_mix64(x) != fmix64_ref(x);
    }
    CHECK(bad == 0 && sim_rng_mix64(1) == fmix64_ref(1),
          "sim_rng_mix64: expected MurmurHash3 fmix64, %d of 1000 differ", bad);
    gsl_rng_free(r);
}

/* Run fn in a child process with a time limit. Returns the child's exit status, or -1 if
 * it was killed (hung or crashed). Guards calls that could loop forever. */
static int in_child(int (*fn)(void), unsigned seconds)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -2;
    if (pid == 0) {
        alarm(seconds);
        _exit(fn());
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -2;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Master 0 mixes to the key 0, the corner where a cycle-walking seed function could
 * loop for ever; hence these run in a child with a time limit. */
static int seed_top_master0(void)
{
    return sim_rng_stream_seed(0, SIM_RNG_MAX_REPLICATION, SIM_RNG_MAX_STREAMS - 1) == 0 ? 3 : 0;
}

static int streams_top(void)
{
    sim_streams st = {0};
    int ok = sim_streams_init(&st, SIM_RNG_MAX_STREAMS, 0, SIM_RNG_MAX_REPLICATION) == 0;
    sim_streams_free(&st);
    return ok ? 0 : 3;
}

static int streams_beyond_top(void)
{
    sim_streams st = {0};
    int rc = sim_streams_init(&st, SIM_RNG_MAX_STREAMS, 20181, SIM_RNG_MAX_REPLICATION + 1);
    sim_streams_free(&st);
    return rc == SIM_EINVAL ? 0 : 3;
}

/* The top of the replication range. 2^24 replications of 256 streams would be 2^32 stream
 * indices, more than the 2^32 - 1 non-zero 32-bit seeds (and taus2 treats seed 0 as 1):
 * the last replication must be refused, and everything up to it must work. (Regression:
 * replication 2^24 - 1 was accepted, and with master seed 0 its stream 255 never
 * returned.) */
static void test_rng_seed_top(void)
{
    int rc = in_child(seed_top_master0, 2);
    CHECK(rc == 0, "sim_rng_stream_seed(master 0, SIM_RNG_MAX_REPLICATION, stream 255): "
                   "expected a non-zero seed within 2 s, got %s",
          rc == -1 ? "no answer (killed: an endless loop?)" : rc == 3 ? "0" : "a failure");
    rc = in_child(streams_top, 2);
    CHECK(rc == 0, "sim_streams_init(256 streams, master 0, SIM_RNG_MAX_REPLICATION): "
                   "expected 0 within 2 s, got %s",
          rc == -1 ? "no answer (killed: an endless loop?)" : "a failure");
    rc = in_child(streams_beyond_top, 2);
    CHECK(rc == 0, "sim_streams_init(256 streams, SIM_RNG_MAX_REPLICATION + 1): expected "
                   "SIM_EINVAL, got %s",
          rc == -1 ? "no answer (killed)" : rc == 3 ? "another result" : "a failure");
}

/* Generators placed in the caller's memory and seeded from a family key give the very
 * streams sim_rng_seed_entity gives allocated ones (a model swaps one for the other
 * without moving any result), at any alignment of the block. */
static void test_rng_placed_keyed(void)
{
    enum { N = 5 };
    static const uint64_t masters[] = {0, 20181, 0xfedcba9876543210ull};
    gsl_rng *alone = gsl_rng_alloc(SIM_RNG_TYPE);
    char *block = malloc(sim_rng_block_size(N) + 8);
    if (!CHECK(alone && block, "allocations"))
        goto out;
    int bad = 0;
    for (size_t m = 0; m < sizeof masters / sizeof *masters; m++)
        for (uint32_t fam = 0; fam < 3; fam++)
            for (unsigned off = 0; off < 8; off += 3) {
                gsl_rng *r[N];
                sim_rng_place(block + off, N, r);
                uint32_t key = sim_rng_entity_key(masters[m], 7, fam);
                for (uint32_t e = 0; e < N; e++)
                    sim_rng_seed_keyed(r[e], key, 1000 * e + off);
                for (uint32_t e = 0; e < N; e++) { /* seeded all first: no overlap */
                    sim_rng_seed_entity(alone, masters[m], 7, fam, 1000 * e + off);
                    for (int k = 0; k < 50; k++)
                        bad += gsl_rng_get(r[e]) != gsl_rng_get(alone);
                }
            }
    CHECK(bad == 0, "placed, keyed generators draw as sim_rng_seed_entity's (%d draws differ)",
          bad);
out:
    free(block);
    gsl_rng_free(alone);
}

static void test_rng_streams_limits(void)
{
    sim_streams st = {0};
    CHECK(sim_streams_init(&st, SIM_RNG_MAX_STREAMS, 1, 0) == 0 && st.n == SIM_RNG_MAX_STREAMS,
          "init with SIM_RNG_MAX_STREAMS streams: expected 0");
    sim_streams_free(&st);
    int rc = sim_streams_init(&st, SIM_RNG_MAX_STREAMS + 1, 1, 0);
    CHECK(rc == SIM_EINVAL, "init with %u streams: expected SIM_EINVAL, got %d",
          SIM_RNG_MAX_STREAMS + 1, rc);
    sim_streams_free(&st);
    rc = sim_streams_init(&st, 1, 1, 1u << 24);
    CHECK(rc == SIM_EINVAL, "replication 2^24: expected SIM_EINVAL, got %d", rc);
    sim_streams_free(&st);
    rc = sim_streams_init(&st, 1, 1, UINT32_MAX);
    CHECK(rc == SIM_EINVAL, "replication 2^32 - 1: expected SIM_EINVAL, got %d", rc);
    sim_streams_free(&st);

    /* Adding streams never changes the first ones. */
    sim_streams s4 = {0}, s8 = {0};
    CHECK(sim_streams_init(&s4, 4, 99, 3) == 0 && sim_streams_init(&s8, 8, 99, 3) == 0,
          "sim_streams_init: expected 0");
    for (unsigned i = 0; i < 4; i++)
        CHECK(same_sequence(s4.r[i], s8.r[i], 1000),
              "stream %u: expected the same sequence with 4 or 8 streams", i);
    sim_streams_free(&s4);
    sim_streams_free(&s8);
}

/* |correlation| of n paired uniforms below 4/sqrt(n) (4 standard errors under independence). */
static void check_uncorrelated(gsl_rng *a, gsl_rng *b, const char *what)
{
    enum { N = 100000 };
    double *x = xmalloc(N * sizeof *x), *y = xmalloc(N * sizeof *y);
    for (int i = 0; i < N; i++) {
        x[i] = gsl_rng_uniform(a);
        y[i] = gsl_rng_uniform(b);
    }
    double rho = gsl_stats_correlation(x, 1, y, 1, N);
    CHECK(fabs(rho) < 4.0 / sqrt((double)N), "%s: expected |correlation| < %.4f, got %.5f", what,
          4.0 / sqrt((double)N), rho);
    /* Lag-1 within one stream too. */
    double lag = gsl_stats_correlation(x, 1, x + 1, 1, N - 1);
    CHECK(fabs(lag) < 4.0 / sqrt((double)N), "%s: expected |lag-1 autocorrelation| < %.4f, "
                                            "got %.5f",
          what, 4.0 / sqrt((double)N), lag);
    free(x);
    free(y);
}

/* Pearson chi-square of counts against equal expectation; fail beyond the 1 - 1e-6
 * quantile (a correct generator fails with probability 1e-6). */
static void check_chisq_uniform(const unsigned long *count, size_t bins, size_t n,
                                const char *what)
{
    double e = (double)n / (double)bins, x2 = 0;
    for (size_t i = 0; i < bins; i++)
        x2 += ((double)count[i] - e) * ((double)count[i] - e) / e;
    double crit = gsl_cdf_chisq_Qinv(1e-6, (double)(bins - 1));
    CHECK(x2 < crit, "%s: chi-square %.1f on %zu df: expected below %.1f", what, x2, bins - 1,
          crit);
}

static void test_rng_independence(void)
{
    sim_streams st = {0}, st1 = {0};
    if (!CHECK(sim_streams_init(&st, 2, 2024, 0) == 0 && sim_streams_init(&st1, 2, 2024, 1) == 0,
               "sim_streams_init: expected 0"))
        return;
    check_uncorrelated(st.r[0], st.r[1], "streams 0 and 1");
    check_uncorrelated(st.r[0], st1.r[0], "replications 0 and 1, stream 0");
    gsl_rng *e0 = gsl_rng_alloc(SIM_RNG_TYPE), *e1 = gsl_rng_alloc(SIM_RNG_TYPE);
    sim_rng_seed_entity(e0, 2024, 0, 0, 0);
    sim_rng_seed_entity(e1, 2024, 0, 0, 1);
    check_uncorrelated(e0, e1, "entities 0 and 1");

    /* Uniformity of one stream: 10^6 draws in 1000 bins. */
    enum { BINS = 1000, N = 1000000 };
    unsigned long *count = calloc(BINS, sizeof *count);
    if (!count)
        exit(1);
    sim_streams_free(&st);
    CHECK(sim_streams_init(&st, 1, 2024, 0) == 0, "sim_streams_init: expected 0");
    for (int i = 0; i < N; i++)
        count[(size_t)(gsl_rng_uniform(st.r[0]) * BINS)]++;
    check_chisq_uniform(count, BINS, N, "stream 0 uniformity");

    /* The first draw of many freshly seeded streams is uniform too: seeding from nearby
     * indices must not give nearby starts (one small stream per person relies on it). */
    enum { B2 = 100, E = 100000 };
    memset(count, 0, BINS * sizeof *count);
    for (uint32_t e = 0; e < E; e++) {
        sim_rng_seed_entity(e0, 2024, 0, 0, e);
        count[(size_t)(gsl_rng_uniform(e0) * B2)]++;
    }
    check_chisq_uniform(count, B2, E, "first draws of 10^5 entity streams");
    memset(count, 0, BINS * sizeof *count);
    for (uint32_t rep = 0; rep < E / 16; rep++)
        for (uint32_t s = 0; s < 16; s++) {
            gsl_rng_set(e1, sim_rng_stream_seed(2024, rep, s));
            count[(size_t)(gsl_rng_uniform(e1) * B2)]++;
        }
    check_chisq_uniform(count, B2, (E / 16) * 16, "first draws of replication streams");
    free(count);
    gsl_rng_free(e0);
    gsl_rng_free(e1);
    sim_streams_free(&st);
    sim_streams_free(&st1);
}

/* ======================================================================================
 * Statistics
 * ====================================================================================== */

static void test_tally(void)
{
    sim_tally t;
    if (!CHECK(sim_tally_init(&t) == 0, "sim_tally_init: expected 0"))
        return;
    CHECK(sim_tally_n(&t) == 0 && isnan(sim_tally_mean(&t)) && isnan(sim_tally_var(&t)),
          "empty tally: expected n 0, mean NaN, var NaN");
    sim_tally_add(&t, 3.0);
    CHECK(sim_tally_n(&t) == 1 && sim_tally_mean(&t) == 3.0 && isnan(sim_tally_var(&t)),
          "one value: expected mean 3, var NaN (n < 2)");
    sim_tally_reset(&t);
    /* {2,4,4,4,5,5,7,9}: mean 5, squared deviations sum to 32, sample variance 32/7. */
    const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
    for (int i = 0; i < 8; i++)
        sim_tally_add(&t, x[i]);
    CHECK(sim_tally_n(&t) == 8, "n: expected 8, got %zu", sim_tally_n(&t));
    CHECK_NEAR(sim_tally_mean(&t), 5.0, 1e-12, "tally mean");
    CHECK_NEAR(sim_tally_var(&t), 32.0 / 7.0, 1e-12, "tally sample variance");
    CHECK_NEAR(sim_tally_sd(&t), sqrt(32.0 / 7.0), 1e-12, "tally sd");
    CHECK_NEAR(sim_tally_min(&t), 2.0, 0, "tally min");
    CHECK_NEAR(sim_tally_max(&t), 9.0, 0, "tally max");
    /* Large offset: a naive sum of squares loses everything here. */
    sim_tally_reset(&t);
    for (int i = 0; i < 8; i++)
        sim_tally_add(&t, 1e9 + x[i]);
    CHECK_NEAR(sim_tally_var(&t), 32.0 / 7.0, 1e-6, "tally variance at offset 1e9");
    sim_tally_free(&t);
    sim_tally_free(&t); /* safe after free */
}

/* A set at a time before the last: a caller's bug (it was ignored, the stretch between
 * counted at the old value), asserted. */
static void timeavg_set_backwards(void)
{
    sim_timeavg a;
    sim_timeavg_init(&a, 0.0, 2.0);
    sim_timeavg_set(&a, 3.0, 5.0);
    sim_timeavg_set(&a, 2.0, 1.0);
}

static void timeavg_set_nan(void)
{
    sim_timeavg a;
    sim_timeavg_init(&a, 0.0, 2.0);
    sim_timeavg_set(&a, NAN, 1.0);
}

/* A mean asked at a time before the last set: a caller's bug (it was answered, the area
 * after that time counted over the shorter span), asserted. */
static void timeavg_mean_backwards(void)
{
    sim_timeavg a;
    sim_timeavg_init(&a, 0.0, 2.0);
    sim_timeavg_set(&a, 3.0, 5.0);
    (void)sim_timeavg_mean(&a, 2.0);
}

static void test_timeavg(void)
{
    CHECK(harness_aborts(timeavg_set_backwards), "sim_timeavg_set at t=2 after t=3: expected "
                                                 "an assertion, the call returned");
    CHECK(harness_aborts(timeavg_set_nan), "sim_timeavg_set at NaN: expected an assertion, "
                                           "the call returned");
    CHECK(harness_aborts(timeavg_mean_backwards), "sim_timeavg_mean at t=2 after a set at "
                                                  "t=3: expected an assertion, it returned");
    sim_timeavg a;
    sim_timeavg_init(&a, 0.0, 2.0);
    CHECK_NEAR(sim_timeavg_mean(&a, 0.0), 2.0, 0, "time average at t_start: current value");
    sim_timeavg_set(&a, 3.0, 5.0);
    /* 2 on [0,3), 5 on [3,4): (2*3 + 5*1)/4 = 11/4. */
    CHECK_NEAR(sim_timeavg_mean(&a, 4.0), 11.0 / 4.0, 1e-12, "time average over [0,4)");
    CHECK_NEAR(sim_timeavg_mean(&a, 3.0), 2.0, 1e-12, "time average over [0,3)");
    sim_timeavg_set(&a, 3.0, 1.0); /* a second change at the same instant: no area */
    CHECK_NEAR(sim_timeavg_mean(&a, 4.0), 7.0 / 4.0, 1e-12,
               "time average, value changed twice at t=3: (2*3 + 1*1)/4");
    sim_timeavg_set(&a, 3.0, 5.0);
    /* Restart (end of warm-up) at 10: the value (5) is kept, history before 10 forgotten. */
    sim_timeavg_restart(&a, 10.0);
    CHECK_NEAR(sim_timeavg_mean(&a, 10.0), 5.0, 0, "after restart: at t_start, current value");
    CHECK_NEAR(sim_timeavg_mean(&a, 12.0), 5.0, 1e-12, "after restart at 10: mean over [10,12)");
    sim_timeavg_set(&a, 11.0, 1.0);
    CHECK_NEAR(sim_timeavg_mean(&a, 12.0), 3.0, 1e-12,
               "after restart: 5 on [10,11), 1 on [11,12) gives 3");
    /* Restart at the time of the last change. */
    sim_timeavg_init(&a, 0.0, 0.0);
    sim_timeavg_set(&a, 1.0, 4.0);
    sim_timeavg_restart(&a, 1.0);
    sim_timeavg_set(&a, 3.0, 0.0);
    CHECK_NEAR(sim_timeavg_mean(&a, 5.0), 2.0, 1e-12, "restart at the last change: 4 on [1,3), "
                                                      "0 on [3,5)");
}

static void test_hist(void)
{
    sim_hist h, g, bad;
    if (!CHECK(sim_hist_init(&h, 10, 0.0, 10.0) == 0 && sim_hist_init(&g, 10, 0.0, 10.0) == 0,
               "sim_hist_init: expected 0"))
        return;
    CHECK(isnan(sim_hist_quantile(&h, 0.5)), "quantile of an empty histogram: expected NaN");
    /* Observations: -1 (under), 1.5, 2.5, 2.5, 3.5, 10 (at hi: over), NaN (over). n = 7. */
    const double x[] = {-1.0, 1.5, 2.5, 2.5, 3.5, 10.0, NAN};
    for (int i = 0; i < 7; i++)
        sim_hist_add(&h, x[i]);
    CHECK(h.n == 7 && h.under == 1 && h.over == 2,
          "counts: expected n 7, under 1, over 2 (10 and NaN), got %llu, %llu, %llu",
          (unsigned long long)h.n, (unsigned long long)h.under, (unsigned long long)h.over);
    CHECK(gsl_histogram_get(h.h, 2) == 2.0, "bin [2,3): expected 2, got %g",
          gsl_histogram_get(h.h, 2));
    /* cdf: share of all 7 that is <= x, exact at edges, linear within a bin. */
    CHECK_NEAR(sim_hist_cdf(&h, 0.0), 1.0 / 7.0, 1e-12, "cdf(0): the underflow only");
    CHECK_NEAR(sim_hist_cdf(&h, 2.0), 2.0 / 7.0, 1e-12, "cdf(2): under + bin [1,2)");
    CHECK_NEAR(sim_hist_cdf(&h, 2.5), 3.0 / 7.0, 1e-12, "cdf(2.5): half of bin [2,3)");
    CHECK_NEAR(sim_hist_cdf(&h, 4.0), 5.0 / 7.0, 1e-12, "cdf(4)");
    CHECK_NEAR(sim_hist_cdf(&h, 9.0), 5.0 / 7.0, 1e-12, "cdf(9): the overflow is above");
    /* quantile: target p*n counts; 0.5*7 = 3.5 falls in [2,3) (cum 2, count 2): 2.75. */
    CHECK_NEAR(sim_hist_quantile(&h, 0.5), 2.75, 1e-12, "quantile(0.5)");
    CHECK_NEAR(sim_hist_quantile(&h, 4.5 / 7.0), 3.5, 1e-12, "quantile(4.5/7): mid bin [3,4)");
    CHECK_NEAR(sim_hist_quantile(&h, 0.1), -INFINITY, 0, "quantile(0.1): in the underflow");
    CHECK_NEAR(sim_hist_quantile(&h, 0.95), INFINITY, 0, "quantile(0.95): in the overflow");
    for (double p = 0.2; p < 0.7; p += 0.05)
        CHECK_NEAR(sim_hist_cdf(&h, sim_hist_quantile(&h, p)), p, 1e-12,
                   "cdf(quantile(p)) == p inside the range");

    /* Merge: all counts add, including under/over; other binnings are refused. */
    sim_hist_add(&g, 2.2);
    sim_hist_add(&g, -5.0);
    sim_hist_add(&g, 1e300);
    CHECK(sim_hist_merge(&h, &g) == 0, "merge of equal binnings: expected 0");
    CHECK(h.n == 10 && h.under == 2 && h.over == 3 && gsl_histogram_get(h.h, 2) == 3.0,
          "after merge: expected n 10, under 2, over 3, bin [2,3) 3; got %llu, %llu, %llu, %g",
          (unsigned long long)h.n, (unsigned long long)h.under, (unsigned long long)h.over,
          gsl_histogram_get(h.h, 2));
    if (CHECK(sim_hist_init(&bad, 10, 0.0, 20.0) == 0, "sim_hist_init: expected 0")) {
        sim_hist_add(&bad, 1.0);
        CHECK(sim_hist_merge(&h, &bad) == SIM_EINVAL, "merge of other ranges: expected "
                                                      "SIM_EINVAL");
        CHECK(h.n == 10, "a refused merge changes nothing: expected n 10, got %llu",
              (unsigned long long)h.n);
        sim_hist_free(&bad);
    }
    if (CHECK(sim_hist_init(&bad, 5, 0.0, 10.0) == 0, "sim_hist_init: expected 0")) {
        CHECK(sim_hist_merge(&h, &bad) == SIM_EINVAL, "merge of other bin counts: expected "
                                                      "SIM_EINVAL");
        sim_hist_free(&bad);
    }
    sim_hist_free(&h);
    sim_hist_free(&g);
    sim_hist_free(&g);
}

static void test_quantile_p2(void)
{
    enum { N = 10000 };
    const double ps[] = {0.5, 0.9, 0.1};
    sim_quantile bad;
    CHECK(sim_quantile_init(&bad, 1.0) == SIM_EINVAL && bad.w == NULL,
          "sim_quantile_init(p = 1): expected SIM_EINVAL and no workspace");
    sim_quantile_free(&bad); /* safe after a failed init */
    for (int k = 0; k < 3; k++) {
        sim_quantile q;
        if (!CHECK(sim_quantile_init(&q, ps[k]) == 0, "sim_quantile_init: expected 0"))
            return;
        gsl_rng *r = test_rng(17 + (unsigned long)k);
        double *x = xmalloc(N * sizeof *x);
        for (int i = 0; i < N; i++) {
            x[i] = gsl_rng_uniform(r);
            sim_quantile_add(&q, x[i]);
        }
        gsl_sort(x, 1, N);
        double exact = gsl_stats_quantile_from_sorted_data(x, 1, N, ps[k]);
        /* P-squared is an approximation: within 0.01 of the sample quantile and 0.02 of the
         * true one (the sample quantile's own standard error is ~0.005). */
        char what[64];
        snprintf(what, sizeof what, "P2 %.1f-quantile vs sample quantile", ps[k]);
        CHECK_NEAR(sim_quantile_get(&q), exact, 0.01, what);
        snprintf(what, sizeof what, "P2 %.1f-quantile of U(0,1)", ps[k]);
        CHECK_NEAR(sim_quantile_get(&q), ps[k], 0.02, what);
        free(x);
        gsl_rng_free(r);
        sim_quantile_free(&q);
    }
}

static void test_summarise(void)
{
    sim_summary s;
    /* {1,2,3,4,10}: mean 4, variance 50/4 = 12.5, sd 3.5355339059327378;
     * t(0.975, 4) = 2.7764451051977987, half-width t*sd/sqrt(5) = 4.389945165425423.
     * Quantiles (GSL: linear at index p*(n-1) of the sorted data): p10 at 0.4 -> 1.4,
     * p50 at 2 -> 3, p90 at 3.6 -> 4 + 0.6*6 = 7.6. */
    const double x[] = {1, 2, 3, 4, 10};
    CHECK(sim_summarise(x, 5, &s) == 0, "sim_summarise: expected 0");
    CHECK(s.n == 5, "n: expected 5, got %zu", s.n);
    CHECK_NEAR(s.mean, 4.0, 1e-12, "summary mean");
    CHECK_NEAR(s.sd, 3.5355339059327378, 1e-12, "summary sd");
    CHECK_NEAR(s.ci_high - s.mean, 4.389945165425423, 1e-9, "summary CI half-width (upper)");
    CHECK_NEAR(s.mean - s.ci_low, 4.389945165425423, 1e-9, "summary CI half-width (lower)");
    CHECK_NEAR(s.p10, 1.4, 1e-12, "summary p10");
    CHECK_NEAR(s.p50, 3.0, 1e-12, "summary p50");
    CHECK_NEAR(s.p90, 7.6, 1e-12, "summary p90");
    CHECK_NEAR(sim_ci95_halfwidth(1.0, 5), 2.7764451051977987 / sqrt(5.0), 1e-9,
               "ci95 half-width, sd 1, n 5");
    CHECK_NEAR(sim_ci95_halfwidth(2.0, 2), 2.0 * 12.706204736174703 / sqrt(2.0), 1e-8,
               "ci95 half-width, sd 2, n 2: t(0.975,1) = 12.7062");
    CHECK(isnan(sim_ci95_halfwidth(1.0, 1)), "ci95 half-width, n 1: expected NaN");

    /* NaNs are skipped, wherever they are, and the input is left untouched. */
    double y[] = {NAN, 10, 2, NAN, 1, 4, 3, NAN};
    double y0[8];
    memcpy(y0, y, sizeof y);
    sim_summary s2;
    CHECK(sim_summarise(y, 8, &s2) == 0, "sim_summarise: expected 0");
    CHECK(s2.n == 5 && s2.mean == s.mean && s2.sd == s.sd && s2.ci_low == s.ci_low &&
              s2.p10 == s.p10 && s2.p50 == s.p50 && s2.p90 == s.p90,
          "with NaNs mixed in: expected the same summary as without (n 5), got n %zu mean %g",
          s2.n, s2.mean);
    CHECK(memcmp(y, y0, sizeof y) == 0, "sim_summarise must leave its input untouched");

    /* n < 2: the sd is 0 and the CI bounds NaN; one value is its own mean and quantiles. */
    const double one[] = {7.0};
    CHECK(sim_summarise(one, 1, &s) == 0, "sim_summarise: expected 0");
    CHECK(s.n == 1 && s.mean == 7.0 && s.sd == 0.0 && isnan(s.ci_low) && isnan(s.ci_high),
          "one value: expected n 1, mean 7, sd 0, CI NaN; got n %zu, mean %g, sd %g, CI [%g, "
          "%g]",
          s.n, s.mean, s.sd, s.ci_low, s.ci_high);
    CHECK(s.p10 == 7.0 && s.p50 == 7.0 && s.p90 == 7.0, "one value: expected quantiles 7");
    const double none[] = {NAN, NAN};
    CHECK(sim_summarise(none, 2, &s) == 0, "sim_summarise: expected 0");
    CHECK(s.n == 0 && isnan(s.mean) && isnan(s.ci_low) && isnan(s.ci_high),
          "only NaNs: expected n 0, mean NaN, CI NaN; got n %zu, mean %g", s.n, s.mean);
    CHECK(s.sd == 0.0, "no values: the header promises sd 0 for fewer than two values, got %g",
          s.sd);
    CHECK(sim_summarise(NULL, 0, &s) == 0 && s.n == 0, "empty input: expected 0 and n 0");
}

int main(void)
{
    gsl_set_error_handler_off();

    RUN_TEST(test_cal_order_random);
    RUN_TEST(test_cal_ahead);
    RUN_TEST(test_cal_ties_and_priorities);
    RUN_TEST(test_cal_cancel);
    RUN_TEST(test_cal_reschedule);
    RUN_TEST(test_cal_pending_after_pop);
    RUN_TEST(test_cal_pop_until);
    RUN_TEST(test_cal_seq_wrap);
    RUN_TEST(test_cal_wrap_cancel_reuse);
    RUN_TEST(test_cal_large);
    RUN_TEST(test_cal_grow_failure);
    harness_scope("test_cal_stress's last four seeds");
    RUN_TEST(test_cal_stress);

    RUN_TEST(test_sim_clock);
    RUN_TEST(test_sim_past_and_nan);
    RUN_TEST(test_sim_run_until);
    RUN_TEST(test_sim_stop);
    RUN_TEST(test_sim_fail);
    RUN_TEST(test_sim_kinds);
    RUN_TEST(test_sim_cancel_reschedule);
    RUN_TEST(test_sim_handler_not_pending);
    RUN_TEST(test_sim_misc);
    RUN_TEST(test_sim_live_stress);

    RUN_TEST(test_rng_reproducible);
    RUN_TEST(test_rng_distinct);
    RUN_TEST(test_rng_seed_injective);
    RUN_TEST(test_rng_mix64);
    RUN_TEST(test_rng_seed_top);
    RUN_TEST(test_rng_placed_keyed);
    RUN_TEST(test_rng_streams_limits);
    RUN_TEST(test_rng_independence);

    RUN_TEST(test_tally);
    RUN_TEST(test_timeavg);
    RUN_TEST(test_hist);
    RUN_TEST(test_quantile_p2);
    RUN_TEST(test_summarise);

    return harness_done();
}
