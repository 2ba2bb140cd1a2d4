/* Treatment episodes: a clinician's place and hours, allocation from the head of a step's
 * list, the start and end of an episode, and fail-first step-up.
 *
 * Holds: a person's session minutes and session cap (adapted for a learning disability or
 * autism, and on the long-term-condition pathway), clinician hours committed per person or
 * group, offering free places to a step's list (the clinician picked from the roster's
 * index, pw_roster.c), starting an episode (the first session booked), ending one
 * (failure, step-up or discharge), interrupting one when the clinician leaves, moving
 * booked sessions out of weeks a new group or fewer hours left too short.
 * Streams: the person's PR_ROUTE (the first session's booking lag), PR_TREAT (a fixed
 * course's length), PR_WAIT (lost with a change of therapist); the DIE_STEP_UP die.
 * Schedules: the first session (EV_SESSION), a moved one, and a fixed course's end
 * (EV_EPISODE_END);
 * cancels the person's timers when an episode ends or is interrupted.
 */
#include <assert.h>
#include <math.h>

#include "pw_state.h"

/* Clinician hours of one individual session at the step with its admin: what a diary
 * step asks of a week to take someone on, to keep them (pw_session.c) and to keep beside
 * a group (pw_group.c). */
double episode_slot_hours(const pw_step_p *sp)
{
    return (sp->session_minutes + sp->admin_minutes) / 60.0;
}

/* Clinician hours a week for one person in individual treatment. */
double episode_session_hours(const pw_step_p *sp)
{
    return episode_slot_hours(sp) * 7.0 / sp->interval_days;
}

/* Minutes of pt's next individual session at their step with its admin (the first is
 * longer); people with a learning disability or autism may have longer sessions
 * (ld_minutes_factor), and so may people on the long-term-condition pathway
 * (ltc_pathway.minutes_factor): a person with both has both. */
double episode_minutes(const pw_params *p, const patient *pt, int first)
{
    const pw_step_p *sp = &p->step[pt->step];
    double m = first ? sp->first_session_minutes : sp->session_minutes;
    if (pt->ld && sp->ld_minutes_factor != 1.0)
        m *= sp->ld_minutes_factor;
    if (ltc_on(p, pt))
        m *= p->ltc_pathway.minutes_factor;
    return m + sp->admin_minutes;
}

/* Clinician hours a week pt's individual course holds (first session to come or not). */
double episode_person_hours(const pw_params *p, const patient *pt, int first)
{
    return episode_minutes(p, pt, first) / 60.0 * 7.0 / p->step[pt->step].interval_days;
}

/* pt's session cap at their step: the step's max_sessions, or on the long-term-condition
 * pathway its own cap for the step when it sets one (not in a group: a group course keeps
 * the group's length); plus ld_extra_sessions for a person with a learning disability or
 * autism. */
/* Within pw_session_cap_most(p, pt->step), the run checks' bound: change both together. */
int episode_session_cap(const pw_params *p, const patient *pt)
{
    const pw_step_p *sp = &p->step[pt->step];
    int cap = sp->max_sessions;
    if (ltc_on(p, pt) && !pt->grp && p->ltc_pathway.sessions[pt->step] > 0)
        cap = p->ltc_pathway.sessions[pt->step];
    return cap + (pt->ld ? sp->ld_extra_sessions : 0);
}

/* Facilitator hours a week for one group. */
double episode_group_hours(const pw_step_p *sp)
{
    return sp->group_minutes / 60.0 * 7.0 / sp->interval_days;
}

/* Change a clinician's committed hours a week by delta (phone: telephone hours), with any
 * change of caseload the caller has just made: the index follows (roster_touch). Records
 * the step's load and offers any room that frees up to the step's list. */
void episode_commit_hours(world *w, clinician *c, int step, double delta, int phone)
{
    c->load_hours += delta;
    /* Hours added and taken back in another order leave rounding dust, never more: a load
     * below zero by more than that is a release without its commitment. */
    assert(c->load_hours > -1e-6 && "committed hours released twice");
    if (c->load_hours < 1e-9)
        c->load_hours = 0;
    roster_touch(w, c);
    if (phone)
        c->phone_hours += delta;
    metrics_track_load(w, step, delta);
    if (delta < 0)
        episode_allocate(w, step);
}

/* Offer free clinician places for a step to the people at the head of its list. The
 * clinician with the most free hours takes the next person (a diary step: the most free
 * caseload places, with an hour for a session; ties: lowest id), picked from the roster's
 * index. Groups are formed first from the group list if a facilitator is free. */
void episode_allocate(world *w, int step)
{
    group_form(w, step);
    const pw_step_p *sp = &w->p->step[step];
    unsigned need = pw_does_step(step);
    pw_list *prio = &w->prio_list[step], *fifo = &w->step_list[step];
    while (prio->head || fifo->head) {
        pw_list *l = prio->head ? prio : fifo;
        clinician *best =
            sp->diary ? roster_pick_places(w, need, episode_slot_hours(sp))
                      : roster_pick(w, need, episode_session_hours(sp));
        if (!best)
            return;
        episode_start(w, wait_head(l), best);
    }
}

/* The hours available changed (staff came, went, fell sick or recovered): record them and
 * offer any room to both steps' lists. */
void episode_allocate_all(world *w)
{
    metrics_track_capacity(w);
    episode_allocate(w, PW_STEP2);
    episode_allocate(w, PW_STEP3);
}

/* Take pt off their list and onto c's caseload, and book the first session after a
 * booking lag (PR_ROUTE) on a working day; a fixed course length (PR_TREAT) books its end
 * too. A resumed course keeps its sessions so far. */
void episode_start(world *w, patient *pt, clinician *c)
{
    const pw_step_p *sp = &w->p->step[pt->step];
    /* The list's dropout timer runs on while pt waits for their first session (in a full
     * diary, weeks): a wait for treatment is one to its first session, wherever it is
     * spent. A course under way (resumed with sessions behind it) has none to carry. */
    if (pt->timer && pt->resume && pt->sessions_step > 0)
        sim_cancel(&w->s, pt->timer);
    else
        pt->wait_timer = pt->timer;
    pt->timer = 0;
    pw_list_remove(wait_list_of(w, pt), &pt->wait);
    metrics_track_lists(w);
    patient_drift(w, pt);
    pt->at = W_TREATMENT;
    w->in_treatment[pt->step]++;
    pt->clin = c;
    /* A diary step holds no hours a week: its sessions hold diary time when booked. */
    pt->load = sp->diary ? 0.0 : episode_person_hours(w->p, pt, !pt->resume);
    pw_list_push_head(&c->patients, &pt->care);
    c->caseload++;
    if (sp->diary) { /* the diary's telephone share, for burnout (pw_staff.c) */
        c->diary_cases++;
        c->phone_cases += pt->mode == PW_MODE_PHONE;
    }
    episode_commit_hours(w, c, pt->step, pt->load, pt->mode == PW_MODE_PHONE);
    if (!pt->resume) {
        pt->sessions_step = 0;
        pt->dnas = 0;
        pt->good_run = 0;
        pt->step_start_day = NAN;
    }
    pt->resume = 0;
    double lag = fmax(0.0, pw_dist_draw(&sp->first_session_lag_days, pt->r[PR_ROUTE]));
    double t = diary_book_session(w, pt, world_next_working(w, w->s.now + lag));
    if (isnan(t))
        return;
    pt->timer = sim_schedule_at(&w->s, t, PRIO_PERSON, session_on_appointment, pt, 0);
    if (sp->has_episode_days) {
        double d = fmax(0.0, pw_dist_draw(&sp->episode_days, pt->r[PR_TREAT]));
        pt->end_timer = sim_schedule_at(&w->s, t + d, PRIO_PERSON, episode_on_end, pt, 0);
    }
}

/* Cancel pt's pending session, fixed course end and carried dropout timer. */
void episode_cancel_timers(world *w, patient *pt)
{
    sim_event_id *t[] = {&pt->timer, &pt->end_timer, &pt->wait_timer};
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        if (*t[k])
            sim_cancel(&w->s, *t[k]);
        *t[k] = 0;
    }
}

/* Give back pt's booked diary appointment, if one is pending. */
void episode_cancel_booking(patient *pt)
{
    if (pt->appt_minutes > 0 && pt->clin)
        diary_release(pt->clin, pt->appt_day, pt->appt_minutes, pt->appt_week_minutes);
    pt->appt_minutes = 0;
}

/* pt's booked session moved to the first day with room at or after time `from`. */
static void episode_rebook(world *w, patient *pt, double from)
{
    sim_cancel(&w->s, pt->timer);
    pt->timer = 0;
    episode_cancel_booking(pt);
    double t = diary_book_session(w, pt, world_next_working(w, from));
    if (!isnan(t))
        pt->timer = sim_schedule_at(&w->s, t, PRIO_PERSON, session_on_appointment, pt, 0);
}

/* Sessions booked with c in weeks from time t that now hold more than their time (a group
 * formed over them, or fewer hours since) move to the first day with room from the week
 * after, the caseload's newest first, until each week fits: as a clinician moves
 * appointments to make room for a new group. A session no later week has time for stays
 * (moving it would only overbook another). Without this those weeks held their sessions
 * and the group's on top: step 2 ran at about 105% of its hours. */
void episode_make_room(world *w, clinician *c, double t)
{
    for (long d = (long)floor(t), wk; (wk = diary_overfull_from(w, c, d)) >= 0; d = wk + 7) {
        for (pw_link *k = c->patients.head; k && diary_week_over(w, c, wk);) {
            patient *pt = PW_LIST_ENTRY(k, patient, care);
            k = k->next;
            if (pt->appt_minutes > 0 && pt->timer && pt->appt_day >= wk &&
                pt->appt_day < wk + 7 && diary_week_free(w, c, wk + 7, pt->appt_minutes)) {
                episode_rebook(w, pt, (double)(wk + 7));
                w->diary_moved++;
            }
        }
    }
}

/* Free the place pt holds (a caseload place, or a seat in a group) and offer the freed
 * hours to the next on the list. */
void episode_release(world *w, patient *pt)
{
    if (pt->grp) {
        group_leave(w, pt);
        return;
    }
    clinician *c = pt->clin;
    if (!c)
        return;
    pw_list_remove(&c->patients, &pt->care);
    c->caseload--;
    if (w->p->step[pt->step].diary) {
        c->diary_cases--;
        c->phone_cases -= pt->mode == PW_MODE_PHONE;
    }
    episode_cancel_booking(pt);
    double load = pt->load;
    pt->load = 0;
    episode_commit_hours(w, c, pt->step, -load, pt->mode == PW_MODE_PHONE);
    if (w->p->step[pt->step].diary && c->active)
        episode_allocate(w, pt->step); /* the freed place */
}

/* pt's clinician is lost to them (a leaver, or a week with no time for a session): their
 * place is freed and they go back to their list, or give up (episode_interrupt). The
 * caller offers places again once it has handed back all it will. */
void episode_hand_back(world *w, patient *pt)
{
    episode_release(w, pt); /* unlinks pt from its clinician */
    episode_interrupt(w, pt);
}

/* End the current treatment episode with the given exit: a course that ends without
 * recovery is a failure, and a failed step-2 episode steps up to the step-3 list if the
 * DIE_STEP_UP die and the policy let it; otherwise the journey ends (cohort_exit). */
void episode_end(world *w, patient *pt, pw_exit why)
{
    const pw_params *p = w->p;
    int step = pt->step;
    episode_cancel_timers(w, pt);
    /* A course that ends without one attended session was missed, not completed. */
    if (pt->sessions_step == 0 &&
        (why == PW_X_DISCHARGED_COMPLETED || why == PW_X_DISCHARGED_NO_PROGRESS))
        why = PW_X_DISCHARGED_DNA;
    int failed = why == PW_X_DISCHARGED_COMPLETED || why == PW_X_DISCHARGED_NO_PROGRESS;
    if (failed && pt->has_obs && !pw_outcome_caseness(pt->obs_phq, pt->obs_gad))
        failed = 0; /* completed the course and scored well: not a failure */
    const char *reason = pw_exit_name(why);
    int step_up = 0;
    if (failed && step == PW_STEP2 && !pt->stepped_down &&
        pt->dice[DIE_STEP_UP] < p->step[PW_STEP2].step_up_probability)
        step_up = w->pol->step_up ? w->pol->step_up(p, pt->need, pt->failures) : 1;
    /* Back on the list: a course that ran to the session cap without recovery, and does
     * not step up, goes back on the step's list for a further course (PR_SESSION, drawn
     * only when the rule applies), once. */
    int back = 0;
    if (!step_up && failed && why == PW_X_DISCHARGED_COMPLETED && !pt->returned &&
        p->step[step].cap_return_probability > 0)
        back = gsl_rng_uniform(pt->r[PR_SESSION]) < p->step[step].cap_return_probability;
    if (step_up)
        reason = "stepped_up";
    if (back)
        reason = "back_on_list";
    emit_stage(w, pt, pt->step_start_day, w->s.now, pt->sessions_step, reason, 0);
    emit_episode_open(w, pt); /* a course that ended before its first appointment */
    emit_event(w, pt, step == PW_STEP2 ? "step2_treatment" : "step3_treatment", "complete",
               pt->clin);
    episode_release(w, pt);
    w->in_treatment[step]--;
    pt->clin = NULL;
    pt->at = W_NONE;
    if (failed)
        pt->failures++;
    if (back) {
        pt->returned = 1;
        if (pt->cohort)
            w->out->stages[PW_S_BACK_ON_LIST]++;
        wait_join_step(w, pt, step);
        return;
    }
    if (step_up) {
        pt->stepped_up = 1;
        pt->step2_end_day = w->s.now;
        if (pt->cohort) {
            w->c->n_stepped_up++;
            w->out->stages[PW_S_STEPPED_UP]++;
        }
        wait_join_step(w, pt, PW_STEP3);
        return;
    }
    cohort_exit(w, pt, why);
}

/* pt, doing well at step 3, steps down: the step-3 episode ends and pt joins the step-2
 * list to finish there (their course at step 2 starts afresh). */
void episode_step_down(world *w, patient *pt)
{
    episode_cancel_timers(w, pt);
    emit_stage(w, pt, pt->step_start_day, w->s.now, pt->sessions_step, "stepped_down", 0);
    emit_episode_open(w, pt);
    emit_event(w, pt, "step3_treatment", "complete", pt->clin);
    episode_release(w, pt);
    w->in_treatment[PW_STEP3]--;
    pt->clin = NULL;
    pt->at = W_NONE;
    pt->stepped_down = 1;
    if (pt->cohort)
        w->out->stages[PW_S_STEPPED_DOWN]++;
    wait_join_step(w, pt, PW_STEP2);
}

/* A fixed course's length has run out: the episode completes. */
void episode_on_end(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    patient *pt = obj;
    world *w = s->user;
    pt->end_timer = 0;
    episode_end(w, pt, PW_X_DISCHARGED_COMPLETED);
}

/* pt's clinician has gone (pt already off their caseload or group): the episode stops
 * without ending the course. pt is lost with the change of therapist (PR_WAIT), or waits
 * again at the head of their list to resume with someone else. */
void episode_interrupt(world *w, patient *pt)
{
    episode_cancel_timers(w, pt);
    w->in_treatment[pt->step]--;
    emit_episode_close(w, pt); /* while its clinician is known */
    pt->at = W_WAIT_STEP;
    if (gsl_rng_uniform(pt->r[PR_WAIT]) < w->p->workforce.change_dropout) {
        emit_stage(w, pt, pt->step_start_day, w->s.now, pt->sessions_step,
                   "lost_with_change_of_therapist", 0); /* names the clinician lost */
        pt->clin = NULL;
        cohort_exit(w, pt, PW_X_DROPPED_IN_TREATMENT);
        return;
    }
    pt->clin = NULL;
    wait_rejoin(w, pt);
}
