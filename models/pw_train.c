/* Training levers of the workforce: annual clearing of training places, and a top-up
 * course in long-term-condition work.
 *
 * Holds: the gate on leaving a post for training (a closed period, intake month, places a
 * year), the count of places taken, the top-up course (who goes on it, the hours it takes,
 * the skill it leaves).
 * Streams: none. Who goes on the top-up course is a keyed die of the clinician's
 * (KD_TOP_UP, keyed by staff id), so the course moves no clinician's own stream.
 * Schedules: the top-up course's start and end (EV_TOP_UP).
 */
#include <math.h>

#include "pw_state.h"

/* The month of the run's calendar at day t, 1-12 (as the referral seasonality counts). */
static int month_of(double t)
{
    int m = (int)(fmod(t, YEAR_DAYS) / (YEAR_DAYS / 12.0));
    return (m < 0 ? 0 : m > 11 ? 11 : m) + 1;
}

/* The calendar year of the run at day t (0, 1, ...). */
static int year_of(double t)
{
    return (int)floor(t / YEAR_DAYS);
}

/* May a clinician of `role` leave their post for training now? 0 if not (training closed
 * for the role from training_closed_from_week for training_closed_weeks, outside its
 * training_intake_month, or its training_places_per_year taken this year); else the
 * multiplier of the role's training rate: 12 in the intake month (a year's starts in its
 * month), 1 without annual clearing. No draws. */
double train_gate(world *w, int role)
{
    const pw_role *ro = &w->p->roles[role];
    double from = ro->train_closed_from_week * 7.0;
    if (ro->train_closed_weeks > 0 && w->s.now >= from &&
        w->s.now < from + ro->train_closed_weeks * 7.0)
        return 0;
    if (ro->train_places_per_year > 0 && w->train_year[role] == year_of(w->s.now) &&
        w->train_used[role] >= ro->train_places_per_year)
        return 0;
    if (ro->train_intake_month == 0)
        return 1;
    return month_of(w->s.now) == ro->train_intake_month ? 12 : 0;
}

/* A clinician of `role` has left the post for training: a place of this year taken. */
void train_started(world *w, int role)
{
    int y = year_of(w->s.now);
    if (w->train_year[role] != y) {
        w->train_year[role] = y;
        w->train_used[role] = 0;
    }
    w->train_used[role]++;
}

/* The top-up course's start, if the scenario sends anyone (workforce.ltc_top_up_share > 0)
 * and it starts within the run. */
void train_schedule(world *w)
{
    const pw_workforce_p *wf = &w->p->workforce;
    double t = wf->ltc_top_up_week * 7.0;
    if (wf->ltc_top_up_share > 0 && t < w->t_end)
        sim_schedule_at(&w->s, t, PRIO_WEEK, train_on_top_up, NULL, 0);
}

/* The top-up course starts (arg 0): each treating clinician in post (not a trainee) goes
 * with chance ltc_top_up_share (their keyed die), working ltc_top_up_capacity of their hours
 * and caseload meanwhile, and the course's fees are counted; the end is booked. It ends
 * (arg 1): those on it work full hours again and treat people with a long-term condition
 * with ltc_top_up_effect times the session effect. Capacity changes are offered to the
 * lists. */
void train_on_top_up(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    world *w = s->user;
    const pw_workforce_p *wf = &w->p->workforce;
    for (size_t k = 0; k < w->n_staff; k++) {
        clinician *c = w->staff[k];
        if (arg == 0) {
            if (!c->active || c->training || !(c->does & (PW_DOES_STEP2 | PW_DOES_STEP3)) ||
                key_die(w, (uint32_t)c->id, KD_TOP_UP, 0) >= wf->ltc_top_up_share)
                continue;
            c->study_loss = 1 - wf->ltc_top_up_capacity;
            if (w->in_window)
                w->out->roles[c->role].training_gbp += wf->ltc_top_up_cost_gbp;
        } else {
            if (!(c->study_loss > 0))
                continue;
            c->study_loss = 0;
            c->ltc_skill = 1;
        }
        staff_refresh(w, c);
    }
    if (arg == 0 && s->now + wf->ltc_top_up_weeks * 7.0 < w->t_end)
        sim_schedule(s, wf->ltc_top_up_weeks * 7.0, PRIO_WEEK, train_on_top_up, NULL, 1);
    episode_allocate_all(w);
}
