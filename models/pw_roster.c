/* The roster: who is in post, and an index of who has room, so that choosing a clinician
 * costs the same whatever the size of the service.
 *
 * Holds: the world's list of clinicians in post (id order); for each role, binary
 * max-heaps of the clinicians who could take someone now (in post, not off sick, a caseload
 * place free): one keyed on free hours a week (roster_pick: courses that hold hours, and
 * groups), and up to ROSTER_PLACE_SETS keyed on free caseload places, each of those with
 * a given number of free hours (roster_pick_places: the diary steps, coordination); the
 * picks.
 * Streams: none. Schedules: nothing.
 *
 * Design
 * - The selection rules are the ones a scan of every clinician applies (roster_scan and
 *   roster_scan_places, kept for the tests): among those in post, not sick, doing every
 *   activity needed, with a free caseload place and enough free hours, the one with the
 *   most free hours (or, for a diary step, the most free places), ties to the lowest id. A
 *   heap slot caches its clinician's key (free hours or places, id); the heap's top is its
 *   role's best. A role's clinicians share its activities, so a pick compares the tops of
 *   the roles that do what is needed (at most PW_MAX_ROLES). By hours, the best's hours
 *   decide: if the most free hours are too few, nobody has enough. By places, the hours
 *   asked for are a filter, not the order: each role keeps one places heap for each number
 *   of hours it is asked for (a diary step's session, coordination's hours held), of
 *   those who have them, made at the first pick that asks it. The one with the most
 *   places often lacks the hours (a new starter's empty caseload on a ramping week): at
 *   x140 a single places heap sent 31% of picks over the role's 600 with room. A role
 *   asked for more than ROSTER_PLACE_SETS numbers is gone over for the rest. A pick is
 *   O(roles), a change O(log n) a heap the clinician is in: a search that found no one
 *   costs nothing to repeat.
 * - Whoever changes what the rules read (hours, committed hours, caseload, cap, sickness,
 *   being in post, role) calls roster_touch at once, before anything can pick. Leavers are
 *   out of the heaps and off the in-post list: nothing scans the records of people gone.
 * - Built with -DPW_CHECK_INDEX (tests/test_roster.c's build), every pick is compared with
 *   the scan and every heap with its clinicians' current state; a difference asserts.
 */
#include <assert.h>
#include <stdlib.h>

#include "pw_state.h"

/* ==== the heaps ======================================================================== */

/* Does slot a come before slot b: a larger key, ties to the lower id? */
static int slot_before(const roster_slot *a, const roster_slot *b)
{
    return a->key > b->key || (a->key == b->key && a->id < b->id);
}

/* Put slot s at position i of heap h (of order k) and tell its clinician where it is. */
static void slot_put(roster_heap *h, int k, size_t i, roster_slot s)
{
    h->a[i] = s;
    s.c->heap_at[k] = (int)i;
}

/* Move the slot at i of heap h (of order k) up or down until the heap order holds again. */
static void heap_fix(roster_heap *h, int k, size_t i)
{
    roster_slot s = h->a[i];
    while (i > 0 && slot_before(&s, &h->a[(i - 1) / 2])) {
        slot_put(h, k, i, h->a[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        const roster_slot *b = &s;
        if (l < h->n && slot_before(&h->a[l], b))
            b = &h->a[best = l];
        if (l + 1 < h->n && slot_before(&h->a[l + 1], b))
            best = l + 1;
        if (best == i)
            break;
        slot_put(h, k, i, h->a[best]);
        i = best;
    }
    slot_put(h, k, i, s);
}

/* Take c out of heap k of its heaps' role. */
static void heap_take(world *w, clinician *c, int k)
{
    roster_heap *h = &w->heaps[k][c->heap_role];
    size_t i = (size_t)c->heap_at[k];
    assert(i < h->n && h->a[i].c == c);
    c->heap_at[k] = -1;
    if (i == --h->n)
        return;
    slot_put(h, k, i, h->a[h->n]);
    heap_fix(h, k, i);
}

/* Take c out of every heap it is in. */
static void heap_remove(world *w, clinician *c)
{
    for (int k = 0; k < ROSTER_KEYS; k++)
        if (c->heap_at[k] >= 0)
            heap_take(w, c, k);
    c->heap_role = -1;
}

/* Could c take someone now (hours aside)? */
static int has_room(const clinician *c)
{
    return c->active && !c->sick && c->caseload < c->cap;
}

/* Has c `hours` free a week (to within 1e-9)? */
static int has_hours(const clinician *c, double hours)
{
    return c->hours_week - c->load_hours + 1e-9 >= hours;
}

/* has_hours, for a hand-back that must answer as an allocation does (pw_session.c). */
int roster_has_hours(const clinician *c, double hours)
{
    return has_hours(c, hours);
}

/* Does c belong in heap k of its role: room, and for a place heap the heap's hours? */
static int belongs(const world *w, const clinician *c, int k)
{
    if (!has_room(c))
        return 0;
    if (k == ROSTER_BY_HOURS)
        return 1;
    int j = k - ROSTER_BY_PLACES;
    return j < w->n_place_sets[c->role] && has_hours(c, w->place_hours[j][c->role]);
}

/* c's key in the heaps of order k. */
static double key_of(const clinician *c, int k)
{
    return k == ROSTER_BY_HOURS ? c->hours_week - c->load_hours : (double)(c->cap - c->caseload);
}

/* ==== changes ========================================================================== */

/* The hours a week c makes available to step st: in post, not sick, doing it. */
static double step_hours_of(const clinician *c, int st)
{
    return c->active && !c->sick && (c->does & pw_does_step(st)) ? c->hours_week : 0.0;
}

/* c's entries in the tables by id follow c; the sums (or the assessors' list) are stale
 * if one moved. */
static void tables_touch(world *w, clinician *c)
{
    for (int st = 0; st < PW_STEP_N; st++) {
        double h = step_hours_of(c, st);
        if (w->step_hours[st][c->id] != h) {
            w->step_hours[st][c->id] = h;
            w->step_hours_stale = 1;
        }
    }
    double a = assess_slots_a_day(w, c);
    int counted = c->active && !c->training ? c->role : -1;
    if (c->counted_role != counted) {
        if (c->counted_role >= 0)
            w->n_in_post[c->counted_role]--;
        if (counted >= 0)
            w->n_in_post[counted]++;
        c->counted_role = counted;
    }
    if (w->assess_day[c->id] != a) {
        w->assess_day[c->id] = a;
        w->assessors_stale = 1;
    }
}

/* Grow *a (of length n) to length cap, the new entries `fill`; 0 out of memory. */
static int table_grow(double **a, size_t n, size_t cap, double fill)
{
    double *b = realloc(*a, cap * sizeof *b);
    if (!b)
        return 0;
    for (size_t i = n; i < cap; i++)
        b[i] = fill;
    *a = b;
    return 1;
}

/* c into heap k of its role, at its key; 0 out of memory (the run fails, sticky). */
static int heap_add(world *w, clinician *c, int k)
{
    roster_heap *h = &w->heaps[k][c->role];
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 16;
        roster_slot *a = realloc(h->a, cap * sizeof *a);
        if (!a) {
            sim_fail(&w->s, SIM_ENOMEM);
            return 0;
        }
        h->a = a;
        h->cap = cap;
    }
    c->heap_role = c->role;
    slot_put(h, k, h->n++, (roster_slot){key_of(c, k), c->id, c});
    heap_fix(h, k, h->n - 1);
    return 1;
}

/* c in exactly the heaps of its role it belongs in, at its current keys. */
static void heaps_sync(world *w, clinician *c)
{
    if (c->heap_role >= 0 && c->heap_role != c->role)
        heap_remove(w, c);
    int in_any = 0;
    for (int k = 0; k < ROSTER_BY_PLACES + w->n_place_sets[c->role]; k++) {
        int want = belongs(w, c, k);
        if (c->heap_at[k] >= 0 && !want) {
            heap_take(w, c, k);
        } else if (c->heap_at[k] >= 0) {
            roster_heap *h = &w->heaps[k][c->role];
            h->a[c->heap_at[k]].key = key_of(c, k);
            heap_fix(h, k, (size_t)c->heap_at[k]);
        } else if (want && !heap_add(w, c, k)) {
            break; /* c stays out of this heap; the run has failed */
        }
        in_any |= c->heap_at[k] >= 0;
    }
    if (!in_any)
        c->heap_role = -1;
}

void roster_touch(world *w, clinician *c)
{
    if ((size_t)c->id < w->step_hours_cap) /* else out of memory at join (recorded) */
        tables_touch(w, c);
    heaps_sync(w, c);
}

void roster_join(world *w, clinician *c)
{
    assert(!w->in_post.tail || PW_LIST_ENTRY(w->in_post.tail, clinician, post)->id < c->id);
    c->heap_role = -1;
    for (int k = 0; k < ROSTER_KEYS; k++)
        c->heap_at[k] = -1;
    c->counted_role = -1;
    if ((size_t)c->id >= w->step_hours_cap) {
        size_t cap = w->step_hours_cap ? 2 * w->step_hours_cap : 64;
        while (cap <= (size_t)c->id)
            cap *= 2;
        size_t n = w->step_hours_cap;
        if (!table_grow(&w->step_hours[PW_STEP2], n, cap, 0.0) ||
            !table_grow(&w->step_hours[PW_STEP3], n, cap, 0.0) ||
            !table_grow(&w->assess_day, n, cap, -1.0)) {
            sim_fail(&w->s, SIM_ENOMEM); /* the run fails (sticky) */
            return;
        }
        w->step_hours_cap = cap;
    }
    pw_list_push_tail(&w->in_post, &c->post);
    roster_touch(w, c);
}

void roster_leave(world *w, clinician *c)
{
    assert(!c->active);
    pw_list_remove(&w->in_post, &c->post);
    roster_touch(w, c);
}

void roster_free(world *w)
{
    for (int st = 0; st < PW_STEP_N; st++)
        free(w->step_hours[st]);
    free(w->assess_day);
    for (int k = 0; k < ROSTER_KEYS; k++)
        for (int r = 0; r < PW_MAX_ROLES; r++)
            free(w->heaps[k][r].a);
}

/* Are c's entries in the tables by id its current ones? */
#ifdef PW_CHECK_INDEX
static int step_hours_current(const world *w, const clinician *c)
{
    for (int st = 0; st < PW_STEP_N; st++)
        if (w->step_hours[st][c->id] != step_hours_of(c, st))
            return 0;
    return w->assess_day[c->id] == assess_slots_a_day(w, c);
}
#endif

void roster_step_hours(world *w, double cap[PW_STEP_N])
{
    if (w->step_hours_stale) {
        size_t n = w->n_staff < w->step_hours_cap ? w->n_staff : w->step_hours_cap;
        for (int st = 0; st < PW_STEP_N; st++) {
            double sum = 0; /* adding 0 for those not counted changes no sum's bits */
            for (size_t i = 0; i < n; i++)
                sum += w->step_hours[st][i];
            w->step_hours_sum[st] = sum;
        }
        w->step_hours_stale = 0;
    }
#ifdef PW_CHECK_INDEX
    double walk[PW_STEP_N] = {0, 0};
    for (const clinician *c = roster_entry(w->in_post.head); c; c = roster_entry(c->post.next)) {
        assert(step_hours_current(w, c));
        for (int st = 0; st < PW_STEP_N; st++)
            walk[st] += step_hours_of(c, st) > 0 ? c->hours_week : 0.0;
    }
    for (int st = 0; st < PW_STEP_N; st++)
        assert(walk[st] == w->step_hours_sum[st] && "roster_step_hours: the table disagrees");
#endif
    for (int st = 0; st < PW_STEP_N; st++)
        cap[st] = w->step_hours_sum[st];
}

int roster_in_post(const world *w, int r)
{
#ifdef PW_CHECK_INDEX
    int n = 0;
    for (const clinician *c = roster_entry(w->in_post.head); c; c = roster_entry(c->post.next))
        n += c->active && !c->training && c->role == r;
    assert(n == w->n_in_post[r] && "roster_in_post: the count disagrees with a walk");
#endif
    return w->n_in_post[r];
}

/* ==== picking ========================================================================== */

clinician *roster_scan(const world *w, unsigned need, double hours)
{
    clinician *best = NULL;
    double best_free = -1;
    for (size_t i = 0; i < w->n_staff; i++) {
        clinician *c = w->staff[i];
        if (!c->active || c->sick || (c->does & need) != need || c->caseload >= c->cap)
            continue;
        double free_h = c->hours_week - c->load_hours;
        if (free_h + 1e-9 >= hours && free_h > best_free) {
            best = c;
            best_free = free_h;
        }
    }
    return best;
}

clinician *roster_scan_places(const world *w, unsigned need, double hours)
{
    clinician *best = NULL;
    int best_free = 0;
    for (size_t i = 0; i < w->n_staff; i++) {
        clinician *c = w->staff[i];
        if (!c->active || c->sick || (c->does & need) != need)
            continue;
        int free_places = c->cap - c->caseload;
        if (free_places > best_free && has_hours(c, hours)) {
            best = c;
            best_free = free_places;
        }
    }
    return best;
}

#ifdef PW_CHECK_INDEX
/* Every heap in order, every slot's key its clinician's current one, and every clinician
 * in post with room in its role's heaps; the in-post list in id order. */
static void roster_check(const world *w)
{
    for (int k = 0; k < ROSTER_KEYS; k++) {
        size_t in_heaps = 0;
        for (size_t r = 0; r < w->p->n_roles; r++) {
            const roster_heap *h = &w->heaps[k][r];
            assert(k < ROSTER_BY_PLACES + w->n_place_sets[r] || h->n == 0);
            for (size_t i = 0; i < h->n; i++) {
                const clinician *c = h->a[i].c;
                assert(c->heap_role == (int)r && c->heap_at[k] == (int)i && c->role == (int)r);
                assert(belongs(w, c, k) && h->a[i].id == c->id);
                assert(h->a[i].key == key_of(c, k));
                assert(i == 0 || !slot_before(&h->a[i], &h->a[(i - 1) / 2]));
            }
            in_heaps += h->n;
        }
        size_t belonging = 0;
        for (size_t i = 0; i < w->n_staff; i++) {
            int b = belongs(w, w->staff[i], k);
            assert(b == (w->staff[i]->heap_at[k] >= 0));
            belonging += (size_t)b;
        }
        assert(in_heaps == belonging);
    }
    int last = -1;
    for (size_t i = 0; i < w->n_staff; i++) {
        const clinician *c = w->staff[i];
        assert(c->does == w->p->roles[c->role].does);
        assert(!c->active || pw_list_has(&w->in_post, &c->post)); /* trainees: both */
        assert(has_room(c) == (c->heap_role >= 0));
        assert(step_hours_current(w, c));
    }
    for (const pw_link *k = w->in_post.head; k; k = k->next) {
        const clinician *c = PW_LIST_ENTRY((pw_link *)k, clinician, post);
        assert(c->id > last);
        last = c->id;
    }
}
#endif

clinician *roster_pick(world *w, unsigned need, double hours)
{
    const roster_slot *best = NULL;
    for (size_t r = 0; r < w->p->n_roles; r++) {
        const roster_heap *h = &w->heaps[ROSTER_BY_HOURS][r];
        if (h->n && (w->p->roles[r].does & need) == need &&
            (!best || slot_before(&h->a[0], best)))
            best = &h->a[0];
    }
    clinician *c = best && best->key + 1e-9 >= hours ? best->c : NULL;
#ifdef PW_CHECK_INDEX
    roster_check(w);
    assert(c == roster_scan(w, need, hours) && "roster_pick: the index disagrees with a scan");
#endif
    return c;
}

/* The place heap of role r for `hours`: found, or made (filled from those in post), or -1
 * when the role has been asked for ROSTER_PLACE_SETS other numbers of hours already. */
static int place_heap(world *w, size_t r, double hours)
{
    int n = w->n_place_sets[r];
    for (int j = 0; j < n; j++)
        if (w->place_hours[j][r] == hours)
            return ROSTER_BY_PLACES + j;
    if (n == ROSTER_PLACE_SETS)
        return -1;
    w->place_hours[n][r] = hours;
    w->n_place_sets[r] = n + 1;
    for (clinician *c = roster_entry(w->in_post.head); c; c = roster_entry(c->post.next))
        if (c->role == (int)r)
            heaps_sync(w, c);
    return ROSTER_BY_PLACES + n;
}

clinician *roster_pick_places(world *w, unsigned need, double hours)
{
    const roster_slot *best = NULL;
    roster_slot other; /* a candidate found without a heap */
    for (size_t r = 0; r < w->p->n_roles; r++) {
        if ((w->p->roles[r].does & need) != need)
            continue;
        int k = place_heap(w, r, hours);
        if (k >= 0) { /* the heap's top: the most places of those with the hours */
            const roster_heap *h = &w->heaps[k][r];
            if (h->n && (!best || slot_before(&h->a[0], best)))
                best = &h->a[0];
            continue;
        }
        /* A fourth number of hours (no shipped scenario asks one): over those with room. */
        const roster_heap *h = &w->heaps[ROSTER_BY_HOURS][r];
        for (size_t i = 0; i < h->n; i++) {
            roster_slot s = {key_of(h->a[i].c, ROSTER_BY_PLACES), h->a[i].id, h->a[i].c};
            if ((!best || slot_before(&s, best)) && has_hours(s.c, hours)) {
                other = s;
                best = &other;
            }
        }
    }
    clinician *c = best ? best->c : NULL;
#ifdef PW_CHECK_INDEX
    roster_check(w);
    assert(c == roster_scan_places(w, need, hours) &&
           "roster_pick_places: the index disagrees with a scan");
#endif
    return c;
}
