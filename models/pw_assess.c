/* Assessment and routing: the assessment list, the daily clinics that book from it, the
 * appointment itself, and the policy's route.
 *
 * Holds: joining the assessment list, dropping out of it, the day's clinic (slots from
 * the assessors present, round-robin booking through the day), the appointment (DNA,
 * first contact, what the assessor sees), routing by the policy, and the week's review of
 * the list that adds clinics from the assessors' treatment time (assess_review).
 * Streams: the person's PR_WAIT (dropout while on the list: wait_dropout_delay), PR_OPTIN
 * (attending the appointment), PR_TREAT (the assessment questionnaire); the dice
 * DIE_SEEN_NEED, DIE_NEIGHBOUR, DIE_RISK and DIE_RULE thrown at referral.
 * Schedules: a dropout timer on joining the list (and a holding-list letter: report_hold);
 * the next day's clinic; each booked appointment. A missed appointment is offered again
 * (assessment.dna_rebook) by joining the list's tail anew.
 */
#include <math.h>
#include <stdlib.h>

#include "pw_state.h"

double pw_assess_mean_minutes(const pw_params *p)
{
    const pw_assessment_p *a = &p->assessment;
    double m = pw_policy_of(p->policy)->assessment_minutes(p);
    if (!(a->telephone_share > 0))
        return m;
    return (1 - a->telephone_share) * m + a->telephone_share * a->telephone_minutes;
}

/* The same for the world's scenario. */
double assess_mean_minutes(const world *w) { return pw_assess_mean_minutes(w->p); }

/* pt joins the tail of the assessment list, with a dropout timer from PR_WAIT
 * (EV_ASSESS_DROPOUT) if it falls within the run. */
static void list_join(world *w, patient *pt)
{
    const pw_params *p = w->p;
    patient_drift(w, pt);
    pt->at = W_WAIT_ASSESS;
    if (pt->assess_dnas == 0) /* a rebooking keeps the day they opted in (patients.csv) */
        pt->queue_day = w->s.now;
    double mult = pow_count(p->failure.dropout_multiplier, pt->failures) * pt->sg_dropout;
    double d = wait_dropout_delay(&p->assessment.wait_dropout, mult, 0, pt->r[PR_WAIT]);
    pt->timer = isfinite(d) && w->s.now + d < w->t_end
                    ? sim_schedule(&w->s, d, PRIO_PERSON, assess_on_dropout, pt, 0)
                    : 0;
    pw_list_push_tail(&w->assess_list, &pt->wait);
    metrics_track_lists(w);
    emit_event(w, pt, "assessment_wait", "start", NULL);
    report_hold(w, pt);
}

/* pt opts in (counted if in the cohort): onto the assessment list; straight to the step-2
 * list if the service skips assessment. */
void assess_join(world *w, patient *pt)
{
    if (pt->cohort)
        w->out->stages[PW_S_OPTED_IN]++;
    if (w->p->assessment.skip) {
        wait_join_step(w, pt, PW_STEP2);
        return;
    }
    list_join(w, pt);
}

/* pt gives up waiting for assessment. */
void assess_on_dropout(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    patient *pt = obj;
    world *w = s->user;
    pt->timer = 0;
    pw_list_remove(&w->assess_list, &pt->wait);
    metrics_track_lists(w);
    emit_stage(w, pt, NAN, s->now, 0, "dropped_waiting", 0);
    emit_event(w, pt, "assessment_wait", "complete", NULL);
    cohort_exit(w, pt, PW_X_DROPPED_WAITING_ASSESSMENT);
}

/* The route's name in patients.csv. */
static const char *route_reason(pw_route route)
{
    return route == PW_ROUTE_STEP2        ? "routed_step2"
           : route == PW_ROUTE_STEP3      ? "routed_step3"
           : route == PW_ROUTE_RISK       ? "signposted_risk"
           : route == PW_ROUTE_SPECIALIST ? "signposted_specialist"
           : route == PW_ROUTE_LTC        ? "signposted_ltc"
                                          : "rejected";
}

/* The need as an assessor of role accuracy `accuracy` sees it: right if the DIE_SEEN_NEED
 * die falls below the accuracy, else a neighbour (for a high need, DIE_NEIGHBOUR picks
 * which). */
static pw_need seen_need(const patient *pt, double accuracy)
{
    if (pt->dice[DIE_SEEN_NEED] < accuracy)
        return pt->need;
    return pt->need == PW_NEED_LOW    ? PW_NEED_HIGH
           : pt->need == PW_NEED_HIGH ? (pt->dice[DIE_NEIGHBOUR] < 0.5 ? PW_NEED_LOW
                                                                        : PW_NEED_SPECIALIST)
                                      : PW_NEED_HIGH;
}

/* The assessment appointment with clinician arg: attended or not (PR_OPTIN); if attended,
 * the first contact and a questionnaire (PR_TREAT), then the policy routes the person to a
 * step's list or out of the service. */
void assess_on_appointment(sim *s, void *obj, uint64_t arg)
{
    world *w = s->user;
    const pw_params *p = w->p;
    patient *pt = obj;
    clinician *c = w->staff[arg];
    pt->timer = 0;
    patient_drift(w, pt);
    if (gsl_rng_uniform(pt->r[PR_OPTIN]) < odds_scaled(p->assessment.dna_probability, pt->sg_dna)) {
        /* A missed appointment is offered again, as the next free one after those already
         * waiting (dna_rebook times); the clock runs on, to the first attended contact. */
        if (pt->assess_dnas < p->assessment.dna_rebook) {
            if (pt->cohort && pt->assess_dnas == 0)
                w->out->stages[PW_S_ASSESSMENT_REBOOKED]++;
            pt->assess_dnas++;
            emit_event(w, pt, "assessment_dna", "complete", c);
            list_join(w, pt);
            return;
        }
        emit_stage_by(w, pt, c, NAN, s->now, 0, "dna", 0);
        cohort_exit(w, pt, PW_X_DNA_ASSESSMENT);
        return;
    }
    pt->assessed_day = s->now;
    pt->first_contact_day = s->now;
    emit_event(w, pt, "assessment", "complete", c);
    if (pt->cohort) {
        double wa = s->now - pt->referral_day;
        w->out->stages[PW_S_ASSESSED]++;
        sim_tally_add(&w->t_wait_assess, wa);
        w->out->waits[PW_W_REFERRAL_TO_ASSESSMENT][week_bin(wa)]++;
    }
    patient_questionnaire(w, pt, 0);
    /* Telephone triage (a keyed die: no stream drawn): the need is seen less surely. */
    int phone = p->assessment.telephone_share > 0 &&
                key_die(w, pt->key, KD_PHONE_TRIAGE, 0) < p->assessment.telephone_share;
    pw_case_view v = {
        .seen_need = seen_need(pt, p->roles[c->role].need_accuracy *
                                       (phone ? p->assessment.telephone_accuracy : 1.0)),
        .latent_need = pt->need,
        .phq = pt->obs_phq,
        .gad = pt->obs_gad,
        .risk = pt->risk,
        .ld = pt->ld,
        .ltc = pt->ltc,
        .failures = pt->failures,
        .risk_die = pt->dice[DIE_RISK],
        .rule_die = pt->dice[DIE_RULE],
    };
    pw_route route = w->pol->route(p, &v);
    emit_stage_by(w, pt, c, s->now, s->now, 1, route_reason(route), 0);
    switch (route) {
    case PW_ROUTE_STEP2:
    case PW_ROUTE_STEP3:
        if (pt->cohort)
            w->out->stages[route == PW_ROUTE_STEP2 ? PW_S_ROUTED_STEP2 : PW_S_ROUTED_STEP3]++;
        wait_join_step(w, pt, route == PW_ROUTE_STEP2 ? PW_STEP2 : PW_STEP3);
        break;
    case PW_ROUTE_RISK:
        cohort_exit(w, pt, PW_X_SIGNPOSTED_RISK);
        break;
    case PW_ROUTE_SPECIALIST:
        cohort_exit(w, pt, PW_X_SIGNPOSTED_SPECIALIST);
        break;
    case PW_ROUTE_LTC:
        cohort_exit(w, pt, PW_X_SIGNPOSTED_LTC);
        break;
    default:
        cohort_exit(w, pt, PW_X_REJECTED);
        break;
    }
}

double assess_slots_a_day(const world *w, const clinician *c)
{
    if (w->assessor_role < 0 || c->role != w->assessor_role || !c->active || c->sick ||
        c->training)
        return -1;
    return w->p->roles[w->assessor_role].assessments_per_week * (1 + w->assess_flex) * c->fte *
           c->cap_factor / 5.0;
}

/* Staff indices of the assessors at work today (in post, not sick, not training) into
 * w->present in id order, and their slots today (fractional) into *slots. Returns how
 * many, or -1 out of memory (recorded). The list is rebuilt, from the roster's table of
 * slots by id (pw_roster.c), only after an assessor's slots changed. */
static long assessors_today(world *w, double *slots)
{
    if (w->assessors_stale) {
        size_t n = w->n_staff < w->step_hours_cap ? w->n_staff : w->step_hours_cap;
        if (n > w->present_cap) {
            size_t *b = realloc(w->present, n * sizeof *b);
            if (!b) {
                sim_fail(&w->s, SIM_ENOMEM);
                return -1;
            }
            w->present = b;
            w->present_cap = n;
        }
        double today = 0;
        size_t np = 0;
        for (size_t i = 0; i < n; i++)
            if (w->assess_day[i] >= 0) {
                today += w->assess_day[i];
                w->present[np++] = i;
            }
        w->assess_today = today;
        w->n_present = np;
        w->assessors_stale = 0;
    }
    *slots = w->assess_today;
    return (long)w->n_present;
}

/* A working day's assessment clinic: book as many from the head of the list as the
 * assessors' slots allow (a fractional slot carries to the next day), round-robin over
 * the assessors and spread through the day. No draws. Schedules tomorrow's EV_CLINIC and
 * each booked EV_ASSESSMENT (cancelling the person's dropout timer). */
void assess_on_clinic(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    (void)arg;
    world *w = s->user;
    double day = floor(s->now);
    if (s->now + 1.0 < w->t_end)
        sim_schedule_at(s, day + 1.0 + DAY_START, PRIO_CLINIC, assess_on_clinic, NULL, 0);
    if (!world_is_working_day(w, s->now))
        return;
    double today;
    long present = assessors_today(w, &today);
    if (present <= 0)
        return;
    size_t np = (size_t)present;
    double slots = today + w->assess_carry;
    int n = (int)floor(slots);
    w->assess_carry = slots - n;
    if (w->in_window) {
        w->assess_slots_offered += n;
        w->assess_slots_extra += n * w->assess_flex / (1 + w->assess_flex);
    }
    double minutes = assess_mean_minutes(w) / 1440.0;
    for (int k = 0; k < n && w->assess_list.head; k++) {
        patient *pt = wait_head(&w->assess_list);
        pw_list_remove(&w->assess_list, &pt->wait);
        if (pt->timer)
            sim_cancel(s, pt->timer);
        pt->at = W_ASSESSING;
        size_t who = w->present[(size_t)k % np];
        double t = s->now + (double)((size_t)k / np) * minutes;
        pt->timer = sim_schedule_at(s, t, PRIO_PERSON, assess_on_appointment, pt, who);
        if (w->in_window)
            w->assess_slots_used++;
        w->week.assessments++;
    }
    metrics_track_lists(w);
}

/* The week's review of the front door (assessment.flex_from_weeks > 0), as a service
 * manager's: with the list longer than flex_from_weeks of the assessors' base slots, each
 * assessor is to run one more assessment a week (up to flex_max x their base, or what
 * their clinical hours hold beside the base slots); with it shorter than half that, one
 * fewer, back to none extra. The time comes out of their treatment hours at once
 * (staff_set_assess_flex), so no new session is booked into it, but the clinics it buys
 * start only flex_lead_weeks later, once the sessions already booked in it have been held:
 * a clinic runs at the least rate decided over those weeks, so a cut is at once. One slot
 * a week at a time, none while the last is still to start, and a dead band between the
 * two marks: hours given and taken back quickly would be booked twice. */
void assess_review(world *w)
{
    const pw_assessment_p *a = &w->p->assessment;
    if (!(a->flex_from_weeks > 0) || a->skip)
        return;
    double today; /* slots a working day of those at work now */
    if (assessors_today(w, &today) < 0)
        return;
    double base = 5 * today / (1 + w->assess_flex);
    double weeks = base > 0 ? (double)w->assess_list.n / base : HUGE_VAL;
    const pw_role *ro = &w->p->roles[w->assessor_role];
    double per_week = ro->assessments_per_week;
    if (!(per_week > 0))
        return;
    /* At most flex_max, and no more than the clinical hours beside the base slots hold. */
    double base_hours = per_week * assess_mean_minutes(w) / 60.0;
    double spare = ro->clinical_hours_per_week - ro->colocated_hours_per_week - base_hours;
    double most = fmin(a->flex_max, fmax(0.0, spare / base_hours));
    double step = 1 / per_week, hours = w->flex_hours;
    if (weeks > a->flex_from_weeks && w->assess_flex == hours) /* none still to start */
        hours = fmin(most, hours + step);
    else if (weeks < a->flex_from_weeks / 2)
        hours = fmax(0.0, fmin(most, hours) - step);
    size_t ring = PW_FLEX_LEAD_MAX + 1, lead = (size_t)a->flex_lead_weeks;
    w->flex_ring[w->flex_reviews++ % ring] = hours;
    double clinics = hours; /* weeks before the first review decided nothing extra: 0 */
    for (size_t k = 1; k <= lead; k++) {
        size_t back = w->flex_reviews - 1 - k;
        clinics = k < w->flex_reviews ? fmin(clinics, w->flex_ring[back % ring]) : 0;
    }
    if (staff_set_assess_flex(w, hours, clinics))
        episode_allocate_all(w);
}
