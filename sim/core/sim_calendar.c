/* Event calendar: a radix heap of 128-bit (time, key) entries with a sorted front, over a
 * pool of event slots (design notes in the header). */
#include "sim_calendar.h"
#include "sim_slab.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define SLOT_BITS 24u
#define SEQ_BITS 32u
#define SLOT_MASK ((1u << SLOT_BITS) - 1u)
#define NO_SLOT UINT32_MAX
#define BASE (1u << SIM_CAL_DIGIT_BITS)
/* A refilled front holds at least this many entries while there are more (refill_front). */
#ifndef SIM_CAL_FRONT_MIN
#define SIM_CAL_FRONT_MIN 32u
#endif
/* Buckets up to this size are sorted into the front rather than redistributed. */
#ifndef SMALL_SPLIT
#define SMALL_SPLIT 32u
#endif

/* ---- keys ---- */

/* Map a double to an unsigned integer of the same order (-0.0 is folded onto +0.0). */
static inline uint64_t time_key(double t)
{
    uint64_t u;
    t += 0.0;
    memcpy(&u, &t, sizeof u);
    return (u >> 63) ? ~u : u | (1ull << 63);
}

/* The time a time key holds (time_key's inverse, bit for bit). */
static inline double key_time(uint64_t u)
{
    u = (u >> 63) ? u & ~(1ull << 63) : ~u;
    double t;
    memcpy(&t, &u, sizeof t);
    return t;
}

/* The key after the time: priority (offset to be unsigned), then insertion sequence,
 * then the slot, so that equal times pop by priority, then first in, first out. */
static inline uint64_t make_key(int prio, uint32_t seq, uint32_t slot)
{
    return ((uint64_t)(uint32_t)(prio - SIM_PRIO_MIN) << (SEQ_BITS + SLOT_BITS)) |
           ((uint64_t)seq << SLOT_BITS) | slot;
}
/* The fields of a key (make_key). */
static inline uint32_t key_slot(uint64_t k) { return (uint32_t)(k & SLOT_MASK); }
static inline uint32_t key_seq(uint64_t k) { return (uint32_t)(k >> SLOT_BITS); }
static inline int key_prio(uint64_t k) { return (int)(k >> (SEQ_BITS + SLOT_BITS)) + SIM_PRIO_MIN; }

/* Does a pop before b? (time key, then priority, sequence and slot) */
static inline int before(const sim_cal_entry *a, const sim_cal_entry *b)
{
    return a->tkey < b->tkey || (a->tkey == b->tkey && a->key < b->key);
}

/* Does the slot hold a pending event? (odd generation) */
static inline int slot_live(const sim_cal_slot *s) { return s->gen & 1u; }

/* Is e a cancelled or rescheduled event's entry (its slot free, or holding a newer
 * schedule: the reschedule's, or another event's)? Such entries stay filed, skipped as
 * they come up. */
static inline int is_stale(const sim_calendar *c, const sim_cal_entry *e)
{
    const sim_cal_slot *s = &c->slots[key_slot(e->key)];
    return !slot_live(s) || s->seq != key_seq(e->key);
}

/* ---- buckets ---- */

/* Bucket of e (> last): level = the highest digit in which e differs from last, counted
 * over the 128-bit number (tkey:key); index = level * BASE + e's digit there. */
static inline unsigned bucket_of(const sim_calendar *c, const sim_cal_entry *e)
{
    uint64_t x = e->tkey ^ c->last.tkey, w = e->tkey;
    unsigned off = 64;
    if (!x) {
        x = e->key ^ c->last.key;
        w = e->key;
        off = 0;
    }
    unsigned shift = (63u - (unsigned)__builtin_clzll(x)) / SIM_CAL_DIGIT_BITS *
                     SIM_CAL_DIGIT_BITS;
    return (off + shift) / SIM_CAL_DIGIT_BITS * BASE + (unsigned)((w >> shift) & (BASE - 1));
}

/* Grow bucket q to hold at least `need` entries (doubling). Returns SIM_OK or SIM_ENOMEM
 * (q unchanged; also when the test hook debug_grow_ok says so). */
static __attribute__((noinline)) int bucket_grow(sim_calendar *c, sim_cal_bucket *q,
                                                 size_t need)
{
    if (c->debug_grow_ok && --c->debug_grow_ok == 0) {
        c->debug_grow_ok = 1; /* stays failing until the hook is turned off */
        return SIM_ENOMEM;
    }
    size_t cap = q->cap ? q->cap : 8;
    while (cap < need)
        cap *= 2;
    sim_cal_entry *v = realloc(q->v, cap * sizeof *v);
    if (!v)
        return SIM_ENOMEM;
    /* A large bucket on huge pages: filing into it and scanning it walk no 4 KB pages (at
     * x140 the calendar's buckets hold 10^6 entries). */
    if (cap * sizeof *v >= SIM_SLAB_BLOCK)
        sim_slab_want_huge(v, cap * sizeof *v);
    q->v = v;
    q->cap = cap;
    return SIM_OK;
}

/* Bucket i holds entries: set its bit and its word's bit in the summary. */
static inline void mark(sim_calendar *c, unsigned i)
{
    c->nonempty[i >> 6] |= 1ull << (i & 63);
    c->nonempty_words |= 1ull << (i >> 6);
}

/* Bucket i is empty: clear its bit, and its word's bit once the word is all clear. */
static inline void unmark(sim_calendar *c, unsigned i)
{
    if (!(c->nonempty[i >> 6] &= ~(1ull << (i & 63))))
        c->nonempty_words &= ~(1ull << (i >> 6));
}

/* File an entry (> last) in its bucket. */
static inline int file_entry(sim_calendar *c, const sim_cal_entry *e)
{
    unsigned i = bucket_of(c, e);
    sim_cal_bucket *q = &c->b[i];
    if (__builtin_expect(q->n == q->cap, 0) && bucket_grow(c, q, q->n + 1) != SIM_OK)
        return SIM_ENOMEM;
    q->v[q->n++] = *e;
    mark(c, i);
    return SIM_OK;
}

/* Insert an entry below last into the front, which is sorted descending. */
static int front_insert(sim_calendar *c, const sim_cal_entry *e)
{
    sim_cal_bucket *f = &c->front;
    if (f->n == f->cap && bucket_grow(c, f, f->n + 1) != SIM_OK)
        return SIM_ENOMEM;
    size_t i = f->n;
    while (i > 0 && before(&f->v[i - 1], e)) {
        f->v[i] = f->v[i - 1];
        i--;
    }
    f->v[i] = *e;
    f->n++;
    return SIM_OK;
}

static int refill_front(sim_calendar *c);

/* Insert an entry scheduled at or after the current time. */
static inline int insert(sim_calendar *c, const sim_cal_entry *e)
{
    int r = before(e, &c->last) ? front_insert(c, e) : file_entry(c, e);
    c->n += r == SIM_OK;
    return r;
}

/* The minimum entry, or NULL if the calendar is empty (or memory ran out refilling). */
static inline sim_cal_entry *top_entry(sim_calendar *c)
{
    if (c->front.n == 0 && !refill_front(c))
        return NULL;
    return &c->front.v[c->front.n - 1];
}

/* Remove the entry top_entry() returned. */
static inline void remove_top(sim_calendar *c)
{
    c->n--;
    c->front.n--;
}

/* Move the lowest bucket's entries, all larger than the front's, into the front: a small
 * bucket's sorted in whole, a large one's minimum (the rest refiled around it, each into
 * a strictly lower bucket, so bucket i is not refilled while we read it). Returns 1, or 0
 * if memory ran out (then nothing has moved). */
static int take_lowest(sim_calendar *c)
{
    unsigned w = (unsigned)__builtin_ctzll(c->nonempty_words);
    unsigned i = w * 64 + (unsigned)__builtin_ctzll(c->nonempty[w]);
    sim_cal_bucket *q = &c->b[i];
    sim_cal_bucket *f = &c->front;
    size_t add = q->n <= SMALL_SPLIT ? q->n : 1;
    if (f->cap < f->n + add && bucket_grow(c, f, f->n + add) != SIM_OK)
        return 0;
    if (add == q->n) {
        /* The front is sorted descending: the new, larger entries go before it. */
        memmove(f->v + add, f->v, f->n * sizeof *f->v);
        for (size_t k = 0; k < q->n; k++) {
            size_t j = k;
            while (j > 0 && before(&f->v[j - 1], &q->v[k])) {
                f->v[j] = f->v[j - 1];
                j--;
            }
            f->v[j] = q->v[k];
        }
        f->n += add;
        q->n = 0;
        unmark(c, i);
        c->last = f->v[0]; /* the largest: later buckets are relative to it */
        return 1;
    }
    size_t m = 0;
    for (size_t k = 1; k < q->n; k++)
        if (before(&q->v[k], &q->v[m]))
            m = k;
    sim_cal_entry min = q->v[m], old_last = c->last;
    c->last = min;
    size_t n = q->n;
    q->n = 0;
    unmark(c, i);
    for (size_t k = 0; k < n; k++) {
        if (k == m || file_entry(c, &q->v[k]) == SIM_OK)
            continue;
        /* Out of memory midway: put everything back in bucket i as it was filed (relative
         * to the old last). The buckets below i were empty (i was the lowest), so what
         * they hold now came from here. */
        size_t r = 0;
        for (size_t j = k; j < n; j++)
            if (j != m)
                q->v[r++] = q->v[j];
        q->v[r++] = min;
        for (unsigned b = 0; b < i; b++) {
            sim_cal_bucket *to = &c->b[b];
            for (size_t j = 0; j < to->n; j++)
                q->v[r++] = to->v[j];
            if (to->n)
                unmark(c, b);
            to->n = 0;
        }
        q->n = r;
        mark(c, i);
        c->last = old_last;
        return 0;
    }
    memmove(f->v + 1, f->v, f->n * sizeof *f->v);
    f->v[0] = min;
    f->n++;
    /* A large bucket is rarely refilled soon (its level lies above where new entries
     * land): give its memory back so the calendar's size follows its contents. */
    if (q->cap > 1024) {
        free(q->v);
        q->v = NULL;
        q->cap = 0;
    }
    return 1;
}

/* Refill the empty front from the lowest buckets, to SIM_CAL_FRONT_MIN entries while
 * there are more: the look-ahead prefetches of sim_cal_pop_until read the front that
 * many places ahead, and a front of one or two entries left them idle for a third of
 * the events at x140. Returns 1 if the front has entries, 0 if the calendar is empty or
 * memory ran out (then nothing has moved). */
static int refill_front(sim_calendar *c)
{
    while (c->front.n < SIM_CAL_FRONT_MIN && c->nonempty_words)
        if (!take_lowest(c))
            break;
    return c->front.n > 0;
}

/* ---- compaction and renumbering ---- */

/* qsort's order of two entries: the calendar's own (time, priority, sequence). */
static int cmp_entry(const void *a, const void *b)
{
    const sim_cal_entry *x = a, *y = b;
    return before(x, y) ? -1 : before(y, x) ? 1 : 0;
}

/* Drop stale entries and refile everything relative to the smallest possible `last`;
 * with `renumber`, also reassign sequence numbers 0..n-1 in calendar order so FIFO
 * order survives 32-bit wrap-around. */
static int rebuild(sim_calendar *c, int renumber)
{
    sim_cal_entry *all = sim_slab_alloc_large((c->n ? c->n : 1) * sizeof *all);
    if (!all)
        return SIM_ENOMEM;
    size_t m = 0;
    for (unsigned i = 0; i <= SIM_CAL_BUCKETS; i++) {
        sim_cal_bucket *q = i < SIM_CAL_BUCKETS ? &c->b[i] : &c->front;
        for (size_t k = 0; k < q->n; k++)
            if (!is_stale(c, &q->v[k]))
                all[m++] = q->v[k];
        q->n = 0;
    }
    memset(c->nonempty, 0, sizeof c->nonempty);
    c->nonempty_words = 0;
    if (renumber) {
        qsort(all, m, sizeof *all, cmp_entry);
        for (size_t k = 0; k < m; k++) {
            uint32_t slot = key_slot(all[k].key);
            all[k].key = make_key(key_prio(all[k].key), (uint32_t)k, slot);
            c->slots[slot].seq = (uint32_t)k;
        }
        c->next_seq = m;
    }
    c->last.tkey = 0;
    c->last.key = 0;
    c->n = 0;
    c->stale = 0;
    int r = SIM_OK;
    /* Refiling needs no more bucket room than was there: failure is not expected, but
     * if it happens the calendar is left consistent and smaller. */
    for (size_t k = 0; k < m && r == SIM_OK; k++)
        r = insert(c, &all[k]);
    free(all);
    return r;
}

/* ---- slots ---- */

/* Grow the slot table to cap slots, threading the new ones onto the free list. SIM_OK or
 * SIM_ENOMEM (the table as it was). */
static int grow_slots(sim_calendar *c, uint32_t cap)
{
    sim_cal_slot *s = sim_slab_alloc_large((size_t)cap * sizeof *s); /* read at random */
    int8_t *p = malloc(cap);
    if (!s || !p) {
        free(s);
        free(p);
        return SIM_ENOMEM;
    }
    if (c->nslots) {
        memcpy(s, c->slots, (size_t)c->nslots * sizeof *s);
        memcpy(p, c->prio, c->nslots);
    }
    free(c->slots);
    free(c->prio);
    c->slots = s;
    c->prio = p;
    c->cap_slots = cap;
    return SIM_OK;
}

/* Slot i back on the free list; its generation turns even, so any handle to it is stale. */
static inline void slot_free(sim_calendar *c, uint32_t i)
{
    sim_cal_slot *s = &c->slots[i];
    s->gen++; /* even: free; parity survives wrap-around, and odd is never 0 */
    s->u.next_free = c->free_head;
    c->free_head = i;
}

/* Free every retired slot (slot_retire) at once. */
static void flush_retired(sim_calendar *c)
{
    for (uint32_t k = 0; k < c->nretire; k++)
        slot_free(c, c->retire[k]);
    c->nretire = 0;
}

/* Retire the slot of a fired event: prefetch it now, free it with the next batch, once
 * the line has arrived. Until then id_slot() treats it as not pending. */
static inline void slot_retire(sim_calendar *c, uint32_t i)
{
    __builtin_prefetch(&c->slots[i], 1);
    c->live--;
    if (c->nretire == SIM_CAL_RETIRE)
        flush_retired(c);
    c->retire[c->nretire++] = i;
}

/* Is slot waiting in the retired batch (fired, not yet freed)? */
static int is_retired(const sim_calendar *c, uint32_t slot)
{
    for (uint32_t k = 0; k < c->nretire; k++)
        if (c->retire[k] == slot)
            return 1;
    return 0;
}

/* The free list is empty: free the retired batch, or add a slot (growing the table).
 * Returns the free list's head, or NO_SLOT at SIM_CAL_MAX_PENDING or out of memory. */
static __attribute__((noinline)) uint32_t slot_alloc_slow(sim_calendar *c)
{
    /* Grow by one slot while fewer than a batch are retired, so that in a steady state
     * the free list is fed by whole batches of slots whose lines have arrived. */
    if (c->nretire == SIM_CAL_RETIRE || (c->nretire && c->nslots >= SIM_CAL_MAX_PENDING)) {
        flush_retired(c);
        return c->free_head;
    }
    if (c->nslots >= SIM_CAL_MAX_PENDING)
        return NO_SLOT;
    if (c->nslots == c->cap_slots) {
        uint32_t cap = c->cap_slots ? c->cap_slots * 2 : 64;
        if (cap > SIM_CAL_MAX_PENDING)
            cap = SIM_CAL_MAX_PENDING;
        if (grow_slots(c, cap) != SIM_OK)
            return NO_SLOT;
    }
    c->slots[c->nslots].gen = 0;
    c->slots[c->nslots].u.next_free = NO_SLOT;
    c->free_head = c->nslots++;
    return c->free_head;
}

/* The handle of the event in slot: (generation, slot), never 0 (a live generation is odd). */
static inline sim_event_id make_id(const sim_calendar *c, uint32_t slot)
{
    return ((uint64_t)c->slots[slot].gen << 32) | slot;
}

/* The slot a handle names, or NO_SLOT if the handle is not pending. */
static uint32_t id_slot(const sim_calendar *c, sim_event_id id)
{
    uint32_t slot = (uint32_t)id;
    if (id == 0 || slot >= c->nslots)
        return NO_SLOT;
    const sim_cal_slot *s = &c->slots[slot];
    if (!slot_live(s) || s->gen != (uint32_t)(id >> 32) || is_retired(c, slot))
        return NO_SLOT;
    return slot;
}

/* Renumber if sequence numbers have run out. Call before touching any slot, so the
 * rebuild judges every entry by a consistent slot table. */
static inline int ensure_seq(sim_calendar *c)
{
    if (__builtin_expect(c->next_seq > UINT32_MAX, 0))
        return rebuild(c, 1);
    return SIM_OK;
}

/* Give the slot a fresh sequence number and insert its entry at time t (ensure_seq()
 * must have run; the slot holds fn, obj, arg and its priority). */
static inline int push(sim_calendar *c, double t, uint32_t slot, int prio)
{
    uint32_t seq = (uint32_t)c->next_seq++;
    sim_cal_slot *s = &c->slots[slot];
    s->seq = seq;
    sim_cal_entry e = {time_key(t), make_key(prio, seq, slot)};
    return insert(c, &e);
}

/* After an entry goes stale, rebuild when stale entries outnumber live ones, so memory
 * follows the live events rather than everything ever scheduled. */
static void note_stale(sim_calendar *c)
{
    c->stale++;
    if (c->stale > 64 && c->stale > c->live)
        (void)rebuild(c, 0); /* on failure the stale entries simply stay a while */
}

/* ---- public ---- */

int sim_cal_init(sim_calendar *c, size_t hint)
{
    memset(c, 0, sizeof *c);
    c->free_head = NO_SLOT;
    if (hint > SIM_CAL_MAX_PENDING)
        hint = SIM_CAL_MAX_PENDING;
    return hint ? grow_slots(c, (uint32_t)hint) : SIM_OK;
}

void sim_cal_free(sim_calendar *c)
{
    for (unsigned i = 0; i < SIM_CAL_BUCKETS; i++)
        free(c->b[i].v);
    free(c->front.v);
    free(c->slots);
    free(c->prio);
    memset(c, 0, sizeof *c);
}

sim_event_id sim_cal_schedule(sim_calendar *c, double t, int prio, sim_handler fn, void *obj,
                              uint64_t arg)
{
    assert(prio >= SIM_PRIO_MIN && prio <= SIM_PRIO_MAX);
    if (ensure_seq(c) != SIM_OK)
        return 0;
    uint32_t slot = c->free_head;
    if (__builtin_expect(slot == NO_SLOT, 0) && (slot = slot_alloc_slow(c)) == NO_SLOT)
        return 0;
    sim_cal_slot *s = &c->slots[slot];
    c->free_head = s->u.next_free;
    s->gen++; /* odd: pending */
    s->fn = fn;
    s->u.obj = obj;
    s->arg = arg;
    c->prio[slot] = (int8_t)prio;
    c->live++;
    if (push(c, t, slot, prio) != SIM_OK) {
        slot_free(c, slot);
        c->live--;
        return 0;
    }
    return make_id(c, slot);
}

int sim_cal_cancel(sim_calendar *c, sim_event_id id)
{
    uint32_t slot = id_slot(c, id);
    if (slot == NO_SLOT)
        return 0;
    slot_free(c, slot);
    c->live--;
    note_stale(c);
    return 1;
}

sim_event_id sim_cal_reschedule(sim_calendar *c, sim_event_id id, double t)
{
    assert(isfinite(t));
    uint32_t slot = id_slot(c, id);
    if (slot == NO_SLOT)
        return 0;
    if (ensure_seq(c) != SIM_OK)
        return 0;
    sim_cal_slot *s = &c->slots[slot];
    uint32_t old_seq = s->seq;
    s->gen += 2; /* a new handle; still odd, still pending */
    if (push(c, t, slot, c->prio[slot]) != SIM_OK) { /* the old entry stays live: undo */
        s->gen -= 2;
        s->seq = old_seq;
        return 0;
    }
    sim_event_id nid = make_id(c, slot);
    note_stale(c); /* the old entry's sequence no longer matches */
    return nid;
}

int sim_cal_pending(const sim_calendar *c, sim_event_id id, double *t_out)
{
    uint32_t slot = id_slot(c, id);
    if (slot == NO_SLOT)
        return 0;
    if (t_out) {
        /* A rare query: scan for the live entry rather than track positions. */
        uint32_t seq = c->slots[slot].seq;
        for (unsigned i = 0; i <= SIM_CAL_BUCKETS; i++) {
            const sim_cal_bucket *q = i < SIM_CAL_BUCKETS ? &c->b[i] : &c->front;
            for (size_t k = 0; k < q->n; k++)
                if (key_slot(q->v[k].key) == slot && key_seq(q->v[k].key) == seq) {
                    *t_out = key_time(q->v[k].tkey);
                    return 1;
                }
        }
    }
    return 1;
}

/* Popping an event prefetches the first SIM_CAL_PREFETCH_LINES lines of the object of the
 * event SIM_CAL_PREFETCH_AHEAD places behind it in the sorted front: at 10^5+ people a
 * handler's touches of its person are cache misses, now overlapped with the events before
 * it. Two lines gave 5-10% less CPU a referral at x30; eight (512 bytes: most of a
 * person's record and its streams, whose fields a handler reads are spread over them)
 * about 13% less again at x140, none lost at x1. Sixteen did no better then; since
 * people's records sit in whole lines of a slab (1,024 bytes with their streams), sixteen
 * fetch exactly one person and took 5-10% less CPU at x140 again, none lost at x1
 * (docs/performance.md; prefetching further ahead did no better). It also prefetches the
 * slot of the event SIM_CAL_SLOT_AHEAD places behind, which holds that event's handler,
 * object and argument: read for the object's prefetch, the hook and the pop itself. */
#ifndef SIM_CAL_PREFETCH_AHEAD
#define SIM_CAL_PREFETCH_AHEAD 2
#endif
#ifndef SIM_CAL_PREFETCH_LINES
#define SIM_CAL_PREFETCH_LINES 16
#endif
#ifndef SIM_CAL_SLOT_AHEAD
#define SIM_CAL_SLOT_AHEAD 6
#endif
_Static_assert(SIM_CAL_HOOK_AHEAD < SIM_CAL_PREFETCH_AHEAD,
               "the hook sees an object whose lines were asked for at an earlier pop");
_Static_assert(SIM_CAL_PREFETCH_AHEAD < SIM_CAL_SLOT_AHEAD,
               "the object's prefetch reads a slot asked for at an earlier pop");

int sim_cal_pop_until(sim_calendar *c, double t_end, sim_cal_event *ev)
{
    if (isnan(t_end))
        return 0;
    uint64_t limit = time_key(t_end);
    for (;;) {
        sim_cal_entry *top = top_entry(c);
        if (!top)
            return 0; /* empty (or out of memory, with nothing lost) */
        /* With nothing cancelled nothing can be stale: skip the slot visit. */
        if (c->stale && is_stale(c, top)) {
            remove_top(c);
            c->stale--;
            continue;
        }
        if (top->tkey > limit)
            return 0;
        const sim_cal_slot *s = &c->slots[key_slot(top->key)];
        ev->time = key_time(top->tkey);
        ev->fn = s->fn;
        ev->obj = s->u.obj;
        ev->arg = s->arg;
        ev->priority = key_prio(top->key);
        slot_retire(c, key_slot(top->key));
        remove_top(c);
        /* The slot of an event further ahead: popping it reads the slot (is_stale, with
         * anything cancelled) and retires it, a cache miss at 10^5+ pending events. */
        if (c->front.n > SIM_CAL_SLOT_AHEAD)
            __builtin_prefetch(
                &c->slots[key_slot(c->front.v[c->front.n - 1 - SIM_CAL_SLOT_AHEAD].key)], 1);
        /* The object of an event a few ahead: its lines arrive while this one runs. */
        /* Its slot was asked for SIM_CAL_SLOT_AHEAD - SIM_CAL_PREFETCH_AHEAD pops ago. A
         * stale entry's slot may be free (obj then overlaps the free list) or hold another
         * event: only a live slot of the same sequence is followed. */
        if (c->front.n > SIM_CAL_PREFETCH_AHEAD) {
            const sim_cal_entry *e = &c->front.v[c->front.n - 1 - SIM_CAL_PREFETCH_AHEAD];
            const sim_cal_slot *es = &c->slots[key_slot(e->key)];
            const char *o = slot_live(es) && es->seq == key_seq(e->key) ? es->u.obj : NULL;
            for (unsigned k = 0; o && k < SIM_CAL_PREFETCH_LINES; k++) /* none: no object */
                __builtin_prefetch(o + 64 * k);
        }
        if (c->ahead && c->front.n > SIM_CAL_HOOK_AHEAD) {
            const sim_cal_entry *e = &c->front.v[c->front.n - 1 - SIM_CAL_HOOK_AHEAD];
            const sim_cal_slot *es = &c->slots[key_slot(e->key)];
            if (slot_live(es) && es->seq == key_seq(e->key))
                c->ahead(c->ahead_user, es->fn, es->u.obj, es->arg);
        }
        return 1;
    }
}

int sim_cal_pop(sim_calendar *c, sim_cal_event *ev) { return sim_cal_pop_until(c, INFINITY, ev); }

double sim_cal_peek_time(sim_calendar *c)
{
    for (;;) {
        sim_cal_entry *top = top_entry(c);
        if (!top)
            return INFINITY;
        if (!c->stale || !is_stale(c, top))
            return key_time(top->tkey);
        remove_top(c);
        c->stale--;
    }
}

void sim_cal_debug_set_next_seq(sim_calendar *c, uint64_t n) { c->next_seq = n; }

void sim_cal_debug_fail_grow(sim_calendar *c, uint32_t n) { c->debug_grow_ok = n ? n + 1 : 0; }

const char *sim_cal_debug_check(const sim_calendar *c)
{
    size_t n = 0, stale = 0;
    const sim_cal_bucket *f = &c->front;
    for (size_t k = 0; k < f->n; k++) {
        if (k > 0 && !before(&f->v[k], &f->v[k - 1]))
            return "front not sorted descending";
        if (before(&c->last, &f->v[k]))
            return "front entry above last";
        stale += is_stale(c, &f->v[k]);
    }
    n += f->n;
    for (unsigned i = 0; i < SIM_CAL_BUCKETS; i++) {
        const sim_cal_bucket *q = &c->b[i];
        if (!!q->n != !!(c->nonempty[i >> 6] & (1ull << (i & 63))))
            return "bucket mask out of step";
        for (size_t k = 0; k < q->n; k++) {
            if (!before(&c->last, &q->v[k]))
                return "bucket entry not above last";
            if (bucket_of(c, &q->v[k]) != i)
                return "bucket entry in the wrong bucket";
            stale += is_stale(c, &q->v[k]);
        }
        n += q->n;
    }
    for (unsigned w = 0; w < SIM_CAL_MASK_WORDS; w++)
        if (!!c->nonempty[w] != !!(c->nonempty_words & (1ull << w)))
            return "word mask out of step";
    if (n != c->n)
        return "entry count wrong";
    if (stale != c->stale)
        return "stale count wrong";
    if (n - stale != c->live)
        return "live count wrong";
    return NULL;
}
