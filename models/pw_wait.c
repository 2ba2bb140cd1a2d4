/* Waiting lists for treatment: joining a step's list (the "hidden second wait"), the
 * wait-dependent dropout hazard, and giving up while waiting.
 *
 * Holds: the dropout hazard and the time to dropout under it, joining a step's list
 * (individual or group, by delivery mode), rejoining at the head after losing a
 * clinician, dropping out of a step's list. The assessment list is pw_assess.c's.
 * Streams: the person's PR_WAIT (time to dropout: a variable number of draws, so kept
 * apart from everything else); the DIE_MODE die thrown at referral.
 * Schedules: a dropout timer (EV_STEP_DROPOUT) when it falls within the run (and a
 * holding-list letter: report_hold); joining a
 * list offers places at once (episode_allocate), which may book first sessions.
 */
#include <math.h>
#include <gsl/gsl_randist.h>

#include "pw_state.h"

/* The most candidate times wait_dropout_delay draws. A candidate is kept with chance
 * hazard / maximum, so this is reached only when the hazard has fallen to nearly zero
 * (p_end near 0 below p_start): the person then effectively never gives up, and INFINITY
 * says so. The limit fixes the number of draws, so it must not change (results depend on
 * it through PR_WAIT). */
#define WAIT_DROPOUT_MAX_DRAWS 10000

/* The dropout hazard a day after wait_days of waiting: p_start rising (or falling) to
 * p_end, log-logistic in the wait with the given shape and half-way point. */
static double hazard_at(const pw_hazard *h, double wait_days)
{
    if (h->half_days <= 0)
        return h->p_end;
    double r = wait_days / h->half_days;
    double x = h->shape == 2.0 ? r * r : pow(r, h->shape);
    /* A steep curve overflows x to infinity, where x / (1 + x) is NaN: the hazard is p_end. */
    return h->p_start + (h->p_end - h->p_start) * (isinf(x) ? 1.0 : x / (1 + x));
}

/* Days until dropout under hazard h scaled by mult, for someone who has already waited
 * `waited` days without giving up (the hazard goes on from there), by thinning against
 * the hazard's maximum (draws from r; the same draws for any `waited`); INFINITY if the
 * hazard is zero or no candidate was kept within WAIT_DROPOUT_MAX_DRAWS. */
double wait_dropout_delay(const pw_hazard *h, double mult, double waited, gsl_rng *r)
{
    double hmax = fmax(h->p_start, h->p_end) * mult;
    if (!(hmax > 0))
        return INFINITY;
    double t = waited;
    for (int k = 0; k < WAIT_DROPOUT_MAX_DRAWS; k++) {
        t += gsl_ran_exponential(r, 1.0 / hmax);
        if (gsl_rng_uniform(r) * hmax <= hazard_at(h, t) * mult)
            return t - waited;
    }
    return INFINITY;
}

/* The list a patient waiting for a step is on: by delivery mode, and the priority list
 * for those stepped up where the step sees them first. */
pw_list *wait_list_of(world *w, const patient *pt)
{
    return pt->mode == PW_MODE_GROUP ? &w->group_list[pt->step]
           : pt->prio               ? &w->prio_list[pt->step]
                                    : &w->step_list[pt->step];
}

/* People waiting for step s, on every list. */
size_t wait_count(const world *w, int s)
{
    return w->step_list[s].n + w->prio_list[s].n + w->group_list[s].n;
}

/* A dropout timer for pt waiting for their step (PR_WAIT), `waited` days into the wait,
 * set only if it falls before the end of the run; 0 otherwise. Failed episodes so far
 * make giving up likelier. */
static sim_event_id dropout_timer(world *w, patient *pt, double waited)
{
    const pw_step_p *sp = &w->p->step[pt->step];
    double mult = pow_count(w->p->failure.dropout_multiplier, pt->failures) * pt->sg_dropout *
                  (ltc_on(w->p, pt) ? w->p->ltc_pathway.dropout_factor : 1.0) *
                  coord_dropout(w, pt);
    double d = wait_dropout_delay(&sp->wait_dropout, mult, waited, pt->r[PR_WAIT]);
    return isfinite(d) && w->s.now + d < w->t_end
               ? sim_schedule(&w->s, d, PRIO_PERSON, wait_on_dropout, pt, 0)
               : 0;
}

/* pt joins the tail of `step`'s list in the delivery mode the DIE_MODE die picks, with a
 * dropout timer; places are then offered at once. */
void wait_join_step(world *w, patient *pt, int step)
{
    const pw_step_p *sp = &w->p->step[step];
    patient_drift(w, pt);
    pt->at = W_WAIT_STEP;
    pt->step = step;
    pt->queue_day = w->s.now;
    pt->clin = NULL;
    double u = pt->dice[DIE_MODE], c = 0;
    pt->mode = PW_MODE_F2F;
    for (int m = 0; m < PW_MODE_N; m++) {
        c += sp->mode_shares[m];
        if (u < c) {
            pt->mode = (pw_mode)m;
            break;
        }
    }
    pt->prio = pt->stepped_up && sp->stepped_up_first;
    coord_consider(w, pt); /* before the timer: a coordinator lowers the hazard */
    pt->timer = dropout_timer(w, pt, 0);
    pw_list_push_tail(wait_list_of(w, pt), &pt->wait);
    metrics_track_lists(w);
    emit_event(w, pt, step == PW_STEP2 ? "step2_wait" : "step3_wait", "start", NULL);
    report_hold(w, pt);
    episode_allocate(w, step);
}

/* pt, whose clinician has gone, waits again at the head of their list (ahead of new
 * people) to resume the course, with a new dropout timer. Someone not yet seen at this
 * step is still in the wait that began when they joined the list, so its hazard goes on
 * from the days waited; after an attended session the wait to resume is a new one. The
 * caller records the lists. The stage keeps the day it was first queued (patients.csv
 * reads queue <= start <= end for the whole stage); the event log shows the new wait. */
void wait_rejoin(world *w, patient *pt)
{
    pt->resume = 1;
    pt->timer = dropout_timer(w, pt, pt->sessions_step == 0 ? w->s.now - pt->queue_day : 0);
    pw_list_push_head(wait_list_of(w, pt), &pt->wait);
    emit_event(w, pt, pt->step == PW_STEP2 ? "step2_wait" : "step3_wait", "start", NULL);
}

/* pt gives up waiting for their step: on its list, or allocated to a clinician and
 * waiting for the first session (the timer carried by episode_start), whose booking and
 * caseload place are then given back. */
void wait_on_dropout(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    patient *pt = obj;
    world *w = s->user;
    /* The log's wait is open unless a missed first appointment opened the episode. */
    int waiting = pt->ep_act == NULL;
    if (pt->at == W_TREATMENT) {
        pt->wait_timer = 0;
        episode_cancel_timers(w, pt); /* the booked session; a fixed course's end */
        episode_release(w, pt);
        w->in_treatment[pt->step]--;
        pt->at = W_WAIT_STEP;
        emit_episode_close(w, pt); /* that episode, naming its clinician */
    } else {
        pt->timer = 0;
        pw_list_remove(wait_list_of(w, pt), &pt->wait);
        metrics_track_lists(w);
    }
    /* A course resumed after losing a clinician keeps its start and sessions in the stage
     * (a new step's list holds the last step's: not this stage's). Names a clinician
     * allocated. */
    emit_stage(w, pt, pt->resume ? pt->step_start_day : NAN, s->now,
               pt->resume ? pt->sessions_step : 0, "dropped_waiting", 0);
    pt->clin = NULL;
    if (waiting)
        emit_event(w, pt, pt->step == PW_STEP2 ? "step2_wait" : "step3_wait", "complete", NULL);
    cohort_exit(w, pt, pt->step == PW_STEP2 ? PW_X_DROPPED_WAITING_STEP2
                                            : PW_X_DROPPED_WAITING_STEP3);
}
