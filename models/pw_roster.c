/* The roster: who is in post, and an index of who has room, so that choosing a clinician
 * costs the same whatever the size of the service.
 *
 * Holds: the world's list of clinicians in post (id order), one binary max-heap per role
 * of the clinicians who could take someone now (in post, not off sick, a caseload place
 * free) keyed on free hours a week, and the pick from those heaps.
 * Streams: none. Schedules: nothing.
 *
 * Design
 * - The selection rule is the one a scan of every clinician applies (roster_scan, kept for
 *   the tests): among those in post, not sick, doing every activity needed, with a free
 *   caseload place and enough free hours, the one with the most free hours, ties to the
 *   lowest id. A heap slot caches its clinician's key (free hours, id); the heap's top is
 *   its role's best. A role's clinicians share its activities, so a pick compares the tops
 *   of the roles that do what is needed (at most PW_MAX_ROLES) and checks the hours of the
 *   best: if the most free hours are too few, nobody has enough. A pick is O(roles), a
 *   change O(log n): a search that found no one costs nothing to repeat.
 * - Whoever changes what the rule reads (hours, committed hours, caseload, cap, sickness,
 *   being in post, role) calls roster_touch at once, before anything can pick. Leavers are
 *   out of the heaps and off the in-post list: nothing scans the records of people gone.
 * - Built with -DPW_CHECK_INDEX (tests/test_roster.c's build), every pick is compared with
 *   the scan and every heap with its clinicians' current state; a difference asserts.
 */
#include <assert.h>
#include <stdlib.h>

#include "pw_state.h"

/* ==== the heaps ======================================================================== */

/* Does slot a come before slot b: more free hours, ties to the lower id? */
static int slot_before(const roster_slot *a, const roster_slot *b)
{
    return a->free_h > b->free_h || (a->free_h == b->free_h && a->id < b->id);
}

/* Put slot s at position i of heap h and tell its clinician where it is. */
static void slot_put(roster_heap *h, size_t i, roster_slot s)
{
    h->a[i] = s;
    s.c->heap_at = (int)i;
}

/* Move the slot at i up or down until the heap order holds again. */
static void heap_fix(roster_heap *h, size_t i)
{
    roster_slot s = h->a[i];
    while (i > 0 && slot_before(&s, &h->a[(i - 1) / 2])) {
        slot_put(h, i, h->a[(i - 1) / 2]);
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
        slot_put(h, i, h->a[best]);
        i = best;
    }
    slot_put(h, i, s);
}

/* Take c out of the heap it is in. */
static void heap_remove(world *w, clinician *c)
{
    roster_heap *h = &w->heaps[c->heap_role];
    size_t i = (size_t)c->heap_at;
    assert(i < h->n && h->a[i].c == c);
    c->heap_at = -1;
    c->heap_role = -1;
    if (i == --h->n)
        return;
    slot_put(h, i, h->a[h->n]);
    heap_fix(h, i);
}

/* Could c take someone now (hours aside)? */
static int has_room(const clinician *c)
{
    return c->active && !c->sick && c->caseload < c->cap;
}

/* ==== changes ========================================================================== */

void roster_touch(world *w, clinician *c)
{
    if (c->heap_role >= 0 && (!has_room(c) || c->heap_role != c->role))
        heap_remove(w, c);
    if (!has_room(c))
        return;
    roster_slot s = {c->hours_week - c->load_hours, c->id, c};
    roster_heap *h = &w->heaps[c->role];
    if (c->heap_role < 0) {
        if (h->n == h->cap) {
            size_t cap = h->cap ? 2 * h->cap : 16;
            roster_slot *a = realloc(h->a, cap * sizeof *a);
            if (!a) { /* the run fails (sticky); c stays out of the index */
                sim_fail(&w->s, SIM_ENOMEM);
                return;
            }
            h->a = a;
            h->cap = cap;
        }
        c->heap_role = c->role;
        slot_put(h, h->n++, s);
    } else {
        h->a[c->heap_at].free_h = s.free_h;
    }
    heap_fix(h, (size_t)c->heap_at);
}

void roster_join(world *w, clinician *c)
{
    assert(!w->in_post.tail || PW_LIST_ENTRY(w->in_post.tail, clinician, post)->id < c->id);
    c->heap_at = c->heap_role = -1;
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
    for (int r = 0; r < PW_MAX_ROLES; r++)
        free(w->heaps[r].a);
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

#ifdef PW_CHECK_INDEX
/* Every heap in order, every slot's key its clinician's current one, and every clinician
 * in post with room in its role's heap; the in-post list in id order. */
static void roster_check(const world *w)
{
    size_t in_heaps = 0;
    for (size_t r = 0; r < w->p->n_roles; r++) {
        const roster_heap *h = &w->heaps[r];
        for (size_t i = 0; i < h->n; i++) {
            const clinician *c = h->a[i].c;
            assert(c->heap_role == (int)r && c->heap_at == (int)i && c->role == (int)r);
            assert(has_room(c) && h->a[i].id == c->id);
            assert(h->a[i].free_h == c->hours_week - c->load_hours);
            assert(i == 0 || !slot_before(&h->a[i], &h->a[(i - 1) / 2]));
        }
        in_heaps += h->n;
    }
    size_t with_room = 0;
    int last = -1;
    for (size_t i = 0; i < w->n_staff; i++) {
        const clinician *c = w->staff[i];
        assert(c->does == w->p->roles[c->role].does);
        assert(!c->active || pw_list_has(&w->in_post, &c->post)); /* trainees: both */
        assert(has_room(c) == (c->heap_role >= 0));
        with_room += has_room(c);
    }
    for (const pw_link *k = w->in_post.head; k; k = k->next) {
        const clinician *c = PW_LIST_ENTRY((pw_link *)k, clinician, post);
        assert(c->id > last);
        last = c->id;
    }
    assert(in_heaps == with_room);
}
#endif

clinician *roster_pick(world *w, unsigned need, double hours)
{
    const roster_slot *best = NULL;
    for (size_t r = 0; r < w->p->n_roles; r++) {
        const roster_heap *h = &w->heaps[r];
        if (h->n && (w->p->roles[r].does & need) == need &&
            (!best || slot_before(&h->a[0], best)))
            best = &h->a[0];
    }
    clinician *c = best && best->free_h + 1e-9 >= hours ? best->c : NULL;
#ifdef PW_CHECK_INDEX
    roster_check(w);
    assert(c == roster_scan(w, need, hours) && "roster_pick: the index disagrees with a scan");
#endif
    return c;
}
