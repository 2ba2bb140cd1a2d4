/* Care coordination for complex needs: coordinators hold the people kept in the service as
 * complex, from their assessment until they leave it, and while held those people miss
 * fewer appointments and drop out less (coord_dna_odds and coord_dropout, pw_state.h).
 *
 * Holds: who is complex, taking a person on (a coordinator with a free caseload place and
 * the minutes: the roster's pick by places), letting them go when they leave the service,
 * a leaving coordinator's people passed on or left without, the cohort's counts and the
 * coordinators' week.
 * Streams: none: coordination draws nothing, so turning it on shifts nobody's luck (a
 * held person's draws are compared with other thresholds, that is all).
 * Schedules: nothing.
 *
 * Design
 * - A person is considered whenever they join a step's list (after the assessment, a
 *   step-up, back on the list): complex by then and not held, they are taken on if some
 *   coordinator has a place and the minutes, else they go without until the next time.
 *   Only routing into the service makes anyone complex: the signposted are never held.
 * - A coordinator's caseload is the people held (a coordinator does nothing else: the
 *   loader checks) and its committed hours are caseload x minutes_per_week / 60,
 *   recomputed on each change rather than summed, so they never drift.
 * - A leaving coordinator's people go, in the order they were taken on, to whoever has a
 *   place; the rest go without (counted as lost). A coordinator off sick keeps theirs.
 *   A waiting person's dropout timer, drawn when they joined the list, keeps the hazard it
 *   was drawn with when they gain or lose a coordinator meanwhile.
 */
#include "pw_state.h"

/* Hours a week one person held takes. */
static double held_hours(const world *w)
{
    return w->p->coordination.minutes_per_week / 60.0;
}

void coord_init(world *w)
{
    w->coord_on = 0;
    for (size_t r = 0; r < w->p->n_roles; r++)
        if (w->p->roles[r].does & PW_DOES_COORDINATION)
            w->coord_on = 1;
}

/* Does pt, kept in the service, meet any of the scenario's criteria of complexity? */
static int is_complex(const pw_coordination_p *k, const patient *pt)
{
    return (k->risk && pt->risk) || (k->specialist_need && pt->need == PW_NEED_SPECIALIST) ||
           (k->learning_disability && pt->ld) || (k->long_term_condition && pt->ltc) ||
           (k->min_failures > 0 && pt->failures >= k->min_failures);
}

/* c's committed hours follow its caseload; the roster's index follows c. */
static void settle_load(world *w, clinician *c)
{
    c->load_hours = c->caseload * held_hours(w);
    roster_touch(w, c);
}

/* pt to the coordinator with the most free places (and the minutes; ties to the lowest
 * id). Returns 1, or 0 if nobody has room. */
static int take_on(world *w, patient *pt)
{
    clinician *c = roster_pick_places(w, PW_DOES_COORDINATION, held_hours(w));
    if (!c)
        return 0;
    pt->coord = c;
    pt->coordinated = 1;
    pw_list_push_tail(&c->held, &pt->held);
    c->caseload++;
    settle_load(w, c);
    return 1;
}

/* pt joins a step's list: complex and not held, they are taken on if anyone has room. */
void coord_consider(world *w, patient *pt)
{
    if (!w->coord_on || pt->coord)
        return;
    if (!pt->complex && !is_complex(&w->p->coordination, pt))
        return;
    pt->complex = 1;
    take_on(w, pt);
}

/* pt leaves the service: their coordinator's place is free again. */
void coord_release(world *w, patient *pt)
{
    clinician *c = pt->coord;
    if (!c)
        return;
    pw_list_remove(&c->held, &pt->held);
    c->caseload--;
    pt->coord = NULL;
    settle_load(w, c);
}

/* c (active already 0, out of the roster's index) leaves its post: its people go to
 * whoever has a place, in the order c took them on; the others are left without. */
void coord_leave(world *w, clinician *c)
{
    pw_link *k;
    while ((k = pw_list_pop_head(&c->held))) {
        patient *pt = PW_LIST_ENTRY(k, patient, held);
        c->caseload--;
        pt->coord = NULL;
        if (!take_on(w, pt))
            pt->lost_coord = 1;
    }
    if (c->does & PW_DOES_COORDINATION)
        settle_load(w, c);
}

/* A cohort member's journey ended with `why`: a complex person's counts. */
void coord_count(world *w, const patient *pt, pw_exit why)
{
    if (!pt->complex)
        return;
    pw_coord_stats *s = &w->out->coord;
    s->complex_n += 1;
    s->coordinated += pt->coordinated;
    s->without += !pt->coordinated;
    s->lost += pt->lost_coord;
    s->entered += pt->sessions > 0;
    s->dropped += why == PW_X_DROPPED_WAITING_STEP2 || why == PW_X_DROPPED_WAITING_STEP3 ||
                  why == PW_X_DROPPED_IN_TREATMENT || why == PW_X_DISCHARGED_DNA;
    s->dnas += pt->dna_all;
    s->booked += (double)pt->sessions + pt->dna_all;
    s->casers += pt->fu_case;
    s->recovered += pt->fu_case && pt->fu_rec;
}

/* A week (dt years) of coordinator c in post, within the measurement window. */
void coord_week(world *w, const clinician *c, double dt)
{
    pw_coord_stats *s = &w->out->coord;
    s->held_years += c->caseload * dt;
    s->places_years += c->cap * dt;
    s->load_hours_years += c->load_hours * dt;
    s->hours_years += (c->sick ? 0.0 : c->hours_week) * dt;
}
