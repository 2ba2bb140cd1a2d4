/* Event calendar: a pending-event set ordered by (time, priority, insertion sequence).
 *
 * Design
 * - Ordering: earlier time first; at equal time, lower priority value first; at equal
 *   priority, the event scheduled first fires first (deterministic FIFO ties).
 * - Each pending event is an entry {time, key, handler, object, argument}: time is mapped
 *   to an unsigned integer of the same order, key packs priority (8 bits) | sequence
 *   (32 bits) | slot (24 bits), so (time, key) is one 128-bit number and ordering is
 *   integer comparison.
 * - Storage: a radix heap over those numbers, read in 8-bit digits. A discrete-event
 *   calendar is monotone (nothing is scheduled before the last event taken), so an entry
 *   sits in bucket (level, digit): the highest digit in which it differs from `last` and
 *   its value there; buckets in index order hold ever larger entries. When the sorted
 *   `front` runs dry, it is refilled from the lowest buckets, one after another, to 32
 *   entries while there are more (so that the look-ahead below has something to read):
 *   a small bucket is sorted into it whole, a large one redistributed into lower buckets
 *   around its minimum. Entries move a
 *   few times over their life, by sequential scans, so the cost per event stays nearly
 *   flat as the calendar grows where a heap's cache misses grow with log N. Chosen over
 *   binary and 4-ary heaps by measurement (README, "Benchmarks").
 *   Invariant: front entries <= last < bucket entries, buckets filed relative to last.
 * - Event records live in a slot pool as well (on huge pages once it spans one:
 *   sim_slab.h); a handle is (generation << 32 | slot). A bucket of 2 MB or more, and
 *   the scratch of a rebuild, ask for huge pages too: at x140 the buckets hold 10^6
 *   entries, and on 4 KB pages a year took 21.0 CPU s against 14.4
 *   (docs/performance.md).
 *   Cancel and reschedule are O(1): they change the slot's sequence so the old entry
 *   becomes stale; stale entries are discarded when they come up, or all at once when
 *   they outnumber live ones, so memory follows live events. An entry is the order
 *   alone (16 bytes); the event itself stays in its slot, which popping prefetches
 *   SIM_CAL_SLOT_AHEAD events ahead, reads, and frees SIM_CAL_RETIRE events later. (Entries
 *   once carried a copy of the event, 40 bytes, to spare that read: moved a few times
 *   each between buckets, the copies cost more than the read saved.) Popping an event
 *   also prefetches the object (its first 1,024 bytes: a person) of an event a little
 *   further on, and shows the next event to an optional look-ahead hook, which can
 *   prefetch through the object's pointers (a second level the engine cannot know).
 * - Sequence numbers are renumbered in order when they would overflow 32 bits, so FIFO
 *   order holds for any number of events.
 * Limits: at most SIM_CAL_MAX_PENDING (2^24 - 1) pending events; priorities in
 * [SIM_PRIO_MIN, SIM_PRIO_MAX]; times finite (the engine's unit is days).
 */
#ifndef SIM_CALENDAR_H
#define SIM_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define SIM_PRIO_MIN (-128)
#define SIM_PRIO_MAX 127
#define SIM_CAL_MAX_PENDING ((1u << 24) - 1u)

struct sim;
typedef void (*sim_handler)(struct sim *s, void *obj, uint64_t arg);

/* An event handle; 0 is never a valid handle. */
typedef uint64_t sim_event_id;

/* 16 bytes: the order alone. The event (handler, object, argument) stays in its slot,
 * which popping reads anyway (it retires it) and prefetches SIM_CAL_SLOT_AHEAD events
 * ahead; entries move a few times each between buckets, so their size is the calendar's
 * memory traffic (docs/performance.md, "Calendar entries of 16 bytes"). */
typedef struct sim_cal_entry {
    uint64_t tkey; /* time mapped to an order-preserving integer */
    uint64_t key;  /* priority | sequence | slot */
} sim_cal_entry;

typedef struct sim_cal_bucket {
    sim_cal_entry *v;
    size_t n, cap;
} sim_cal_bucket;

#define SIM_CAL_RETIRE 16
/* 8-bit digits: 16 levels of 256 buckets. Each move takes an entry to a lower level, so it
 * moves at most 15 times where 4-bit digits (32 levels of 16) allowed 31: 1.6% fewer
 * instructions at x1 and 4-8% less CPU at x140, outputs identical (docs/performance.md). */
#ifndef SIM_CAL_DIGIT_BITS
#define SIM_CAL_DIGIT_BITS 8
#endif
#define SIM_CAL_BUCKETS ((128 / SIM_CAL_DIGIT_BITS) << SIM_CAL_DIGIT_BITS)
#define SIM_CAL_MASK_WORDS ((SIM_CAL_BUCKETS + 63) / 64)
_Static_assert(128 % SIM_CAL_DIGIT_BITS == 0 && SIM_CAL_MASK_WORDS <= 64,
               "digits divide 128 bits; one word's bits mark the mask's words");

/* 32 bytes, so a slot never straddles a cache line. */
typedef struct sim_cal_slot {
    sim_handler fn;
    union {
        void *obj;
        uint32_t next_free; /* while free */
    } u;
    uint64_t arg;
    uint32_t seq;   /* sequence of the live entry; entries with another seq are stale */
    uint32_t gen;   /* handle generation: odd while pending, even while free */
} sim_cal_slot;

/* A popped event, copied out of its slot (the slot is already free). */
typedef struct sim_cal_event {
    double time;
    sim_handler fn;
    void *obj;
    uint64_t arg;
    int priority;
} sim_cal_event;

/* A look-ahead hook (sim_cal_set_ahead): shown an event shortly before it fires, it may
 * prefetch what that event's handler will touch. It must change nothing; the event may
 * since have been cancelled, so it may only read memory that stays allocated while an
 * entry for the object can be on the calendar. */
typedef void (*sim_cal_ahead)(void *user, sim_handler fn, void *obj, uint64_t arg);

typedef struct sim_calendar {
    sim_cal_bucket b[SIM_CAL_BUCKETS];
    uint64_t nonempty[SIM_CAL_MASK_WORDS]; /* bit i set iff bucket i has entries */
    uint64_t nonempty_words;                /* bit w set iff nonempty[w] != 0 */
    sim_cal_entry last;      /* front entries <= last < bucket entries */
    sim_cal_bucket front;    /* the smallest entries, sorted descending (pop from the end) */
    size_t n;                /* entries held, live or stale */
    size_t stale;            /* stale entries still held */
    sim_cal_slot *slots;     /* 64-byte aligned */
    int8_t *prio;            /* priority per slot (read only by reschedule) */
    uint32_t nslots, cap_slots, free_head;
    uint32_t live;           /* pending (live) events */
    /* Slots of recently fired events, freed a few events later: firing prefetches the
     * slot and the free happens once the line has arrived (see sim_cal_pop_until). */
    uint32_t retire[SIM_CAL_RETIRE];
    uint32_t nretire;
    uint64_t next_seq;
    sim_cal_ahead ahead;     /* look-ahead hook, or NULL */
    void *ahead_user;
    uint32_t debug_grow_ok;  /* test hook: while > 0, growths left before one fails */
} sim_calendar;

/* Initialise an empty calendar with room for about `hint` events.
 * Returns 0, or SIM_ENOMEM. */
__attribute__((warn_unused_result)) int sim_cal_init(sim_calendar *c, size_t hint);
/* Release memory; safe on a zeroed or half-initialised calendar. */
void sim_cal_free(sim_calendar *c);

/* Schedule fn(obj, arg) at finite time t, not before the last event taken, with
 * priority prio. Returns a handle, or 0 if memory or the pending-event limit ran out (the
 * caller records the error). */
sim_event_id sim_cal_schedule(sim_calendar *c, double t, int prio, sim_handler fn, void *obj,
                              uint64_t arg);
/* Cancel a pending event. Returns 1 if it was pending, 0 if it already fired or was
 * cancelled (a stale handle is harmless). */
int sim_cal_cancel(sim_calendar *c, sim_event_id id);
/* Move a pending event to time t (same priority, new place in FIFO order, as if cancelled
 * and scheduled again). Returns the new handle, or 0 if id was not pending or memory ran
 * out. The old handle is no longer valid. */
sim_event_id sim_cal_reschedule(sim_calendar *c, sim_event_id id, double t);
/* Is the handle a pending event? If so and t_out is not NULL, its time goes there. */
int sim_cal_pending(const sim_calendar *c, sim_event_id id, double *t_out);
/* Remove the next event into *ev. Returns 1, or 0 if the calendar is empty. */
int sim_cal_pop(sim_calendar *c, sim_cal_event *ev);
/* Remove the next event into *ev if its time is <= t_end. Returns 1, or 0 if there is
 * none (the calendar is then unchanged but for discarded stale entries). */
int sim_cal_pop_until(sim_calendar *c, double t_end, sim_cal_event *ev);
/* Time of the next event, or +INFINITY if none. */
double sim_cal_peek_time(sim_calendar *c);
/* Where the look-ahead hook looks: during a pop, at the event that fires
 * 1 + SIM_CAL_HOOK_AHEAD pops later. */
#define SIM_CAL_HOOK_AHEAD 1
/* Show events 1 + SIM_CAL_HOOK_AHEAD pops before they fire (those already in the sorted
 * front) to fn(user, ...) (NULL: none). Popping an event already prefetches the first lines of the object of one a
 * little further ahead, so the hook can read that object and prefetch what it points to. */
static inline void sim_cal_set_ahead(sim_calendar *c, sim_cal_ahead fn, void *user)
{
    c->ahead = fn;
    c->ahead_user = user;
}
/* Number of pending (live) events. */
static inline size_t sim_cal_size(const sim_calendar *c) { return c->live; }

/* Test hook: pretend `n` sequence numbers have been used (exercises renumbering). */
void sim_cal_debug_set_next_seq(sim_calendar *c, uint64_t n);
/* Test hook: let `n` growths of the calendar's vectors succeed, then fail every one as if
 * memory had run out, until called again with 0 (off). */
void sim_cal_debug_fail_grow(sim_calendar *c, uint32_t n);
/* Test hook: check every invariant (O(n)); NULL if all hold, else what is broken. */
const char *sim_cal_debug_check(const sim_calendar *c);

#endif
