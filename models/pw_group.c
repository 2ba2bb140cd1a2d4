/* Group treatment: forming groups from a step's group list, group sessions for all
 * members, members leaving and a group closing.
 *
 * Holds: the world's running groups and pool of free groups; forming, sessions, leaving,
 * closing.
 * Streams: the first member's PR_ROUTE (the first session's booking lag); each member's
 * session draws (session_hold).
 * Schedules: a group's first session and each next one (EV_GROUP_SESSION), on working days;
 * cancels a closing group's next session.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pw_state.h"

/* A group ends: the facilitator's time is free again (offered to the step's list). */
void group_close(world *w, group *g)
{
    if (g->timer)
        sim_cancel(&w->s, g->timer);
    g->timer = 0;
    clinician *c = g->fac;
    c->caseload--;
    pw_list_remove(&w->running, &g->live);
    pw_list_push_head(&w->group_pool, &g->pool);
    episode_commit_hours(w, c, g->step, -g->load, 0);
}

/* pt leaves its group (episode over); an emptied group closes. */
void group_leave(world *w, patient *pt)
{
    group *g = pt->grp;
    pw_list_remove(&g->members, &pt->member);
    pt->grp = NULL;
    if (g->members.n == 0)
        group_close(w, g);
}

/* The hours a week a facilitator already holding hours (a group) keeps beside another
 * group for the people they see one to one: their one-to-one caseload at the rate their
 * cap allows (the cap's share of their treatment hours for each), and at least the
 * longest session slot of the diary steps their role treats. A group that left less would
 * stretch those people's sessions months apart or send them back to the list
 * (pw_session.c), where a service plans its groups into the hours a clinician has free.
 * A first group takes any hours it fits in, so a part-timer whose week holds a group
 * runs one. */
static double kept_hours(const pw_params *p, const clinician *c)
{
    double keep = 0;
    for (int k = 0; k < PW_STEP_N; k++)
        if (p->step[k].diary && (c->does & pw_does_step(k)))
            keep = fmax(keep, episode_slot_hours(&p->step[k]));
    if (keep > 0 && c->cap > 0)
        keep = fmax(keep, c->diary_cases * c->hours_week / c->cap);
    return keep;
}

/* Start groups while enough people wait and a facilitator has room (a caseload place and
 * the group's hours, and beside a second group the hours kept_hours keeps); the
 * facilitator with the most free hours runs it, and up to
 * group_max join from the head of the list (their dropout timers cancelled). The first
 * session is booked after the first member's booking lag. */
void group_form(world *w, int step)
{
    const pw_step_p *sp = &w->p->step[step];
    pw_list *l = &w->group_list[step];
    unsigned need = PW_DOES_GROUPS | pw_does_step(step);
    double hours = episode_group_hours(sp);
    while (l->n > 0 && l->n >= (size_t)sp->group_min) {
        clinician *best = roster_pick(w, need, hours);
        if (!best || (best->load_hours > 0 &&
                      !roster_has_hours(best, hours + kept_hours(w->p, best))))
            return;
        group *g = PW_LIST_ENTRY(pw_list_pop_head(&w->group_pool), group, pool);
        if (!g && !(g = malloc(sizeof *g))) {
            sim_fail(&w->s, SIM_ENOMEM);
            return;
        }
        memset(g, 0, sizeof *g);
        pw_list_push_head(&w->running, &g->live);
        g->step = step;
        g->fac = best;
        g->load = hours;
        best->caseload++;
        episode_commit_hours(w, best, step, hours, 0);
        patient *first = wait_head(l);
        for (int k = 0; k < sp->group_max && l->head; k++) {
            patient *pt = wait_head(l);
            if (pt->timer)
                sim_cancel(&w->s, pt->timer);
            pt->timer = 0;
            pw_list_remove(l, &pt->wait);
            patient_drift(w, pt);
            pt->at = W_TREATMENT;
            w->in_treatment[step]++;
            pt->clin = best;
            pt->grp = g;
            pt->load = 0;
            /* A course resumed after its facilitator left goes on where it stopped, as an
             * individual one does (episode_start): its sessions count to the cap. */
            if (!pt->resume) {
                pt->sessions_step = pt->dnas = pt->good_run = 0;
                pt->step_start_day = NAN;
            }
            pt->resume = 0;
            pw_list_push_tail(&g->members, &pt->member); /* in joining order */
        }
        metrics_track_lists(w);
        double lag = fmax(0.0, pw_dist_draw(&sp->first_session_lag_days, first->r[PR_ROUTE]));
        double at = world_next_working(w, w->s.now + lag);
        g->timer = sim_schedule_at(&w->s, at, PRIO_PERSON, group_on_session, g, 0);
        episode_make_room(w, best, at); /* the group's weeks keep its hours */
    }
}

/* 1 if g has held its last session: after it everyone still in the group completes. */
int group_last_session(const world *w, const group *g)
{
    return g->sessions_held >= w->p->step[g->step].max_sessions;
}

/* A group session: each member in joining order has their appointment; after the last
 * session everyone still in the group completes. If the facilitator is off sick the
 * session is cancelled and the course waits an interval. */
void group_on_session(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    group *g = obj;
    world *w = s->user;
    const pw_step_p *sp = &w->p->step[g->step];
    g->timer = 0;
    if (g->fac->sick) {
        g->timer = sim_schedule_at(s, world_next_working(w, s->now + sp->interval_days),
                                   PRIO_PERSON, group_on_session, g, 0);
        return;
    }
    g->sessions_held++;
    int last = group_last_session(w, g);
    /* Members leave (and the group may close) inside session_hold(): take a snapshot. */
    size_t n = g->members.n, k = 0;
    patient *batch[64];
    patient **all = n <= 64 ? batch : malloc(n * sizeof *all);
    if (!all) {
        sim_fail(s, SIM_ENOMEM);
        return;
    }
    for (pw_link *m = g->members.head; m; m = m->next)
        all[k++] = PW_LIST_ENTRY(m, patient, member);
    /* The group closes when its last member leaves; keep it alive across the loop by
     * counting leavers ourselves. */
    size_t stay = n;
    for (size_t i = 0; i < n; i++) {
        patient *pt = all[i];
        int last_member = stay == 1;
        if (!session_hold(w, pt)) {
            stay--;
        } else if (last) {
            stay--;
            episode_end(w, pt, PW_X_DISCHARGED_COMPLETED);
        }
        if (last_member && stay == 0)
            break;
    }
    if (all != batch)
        free(all);
    if (stay > 0)
        g->timer = sim_schedule_at(s, world_next_working(w, s->now + sp->interval_days),
                                   PRIO_PERSON, group_on_session, g, 0);
}
