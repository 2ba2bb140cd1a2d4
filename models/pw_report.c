/* Reporting practices: the seven ways staff told a survey they were asked to manipulate
 * the published figures, and what each does to a person's record (and, for two of them, to
 * their care).
 *
 * Holds: which practices touch a person's record (drawn once, at their first record);
 * end-of-session scoring and discharge on the first good score (asked by pw_session.c);
 * holding-list letters (a person on a waiting list who leaves a letter unanswered is
 * discharged from it); the record as reported at the journey's end: coaching, repeated
 * questionnaires, the assessment counted as a treatment session, completed records of
 * self-discharges.
 * Streams: none. Every draw here is a keyed die of the person's (key_die, KD_*), so a
 * practice turned on draws from no stream and moves nobody else's luck.
 * Schedules: a holding-list letter (EV_LETTER) when a person joins a list, if it falls
 * within the run.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>

#include "pw_state.h"

/* A practice's share of referrals: the die that applies it is below the share. */
static double practice_share(const pw_reporting_p *rp, pw_key_die k)
{
    switch (k) {
    case KD_COACH:
        return rp->coaching_points > 0 ? rp->coaching_share : 0;
    case KD_END_OF_SESSION:
        return rp->end_of_session_questionnaire ? rp->end_of_session_share : 0;
    case KD_EARLY_DISCHARGE:
        return rp->discharge_on_first_good_score ? rp->early_discharge_share : 0;
    case KD_REPEAT:
        return rp->repeat_questionnaire_tries > 1 ? rp->repeat_questionnaire_share : 0;
    case KD_ASSESS_AS_TREAT:
        return rp->assessment_as_treatment_share;
    case KD_COMPLETE:
        return rp->complete_self_discharged_share;
    default:
        return 0;
    }
}

/* Which practices touch pt's record: one keyed die each (pt->key must be set). A share of
 * 1 applies a practice to everyone without looking at the die. */
void report_draw(const world *w, patient *pt)
{
    const pw_reporting_p *rp = &w->p->reporting;
    pt->game = 0;
    for (int k = KD_COACH; k <= KD_COMPLETE; k++) {
        double share = practice_share(rp, (pw_key_die)k);
        if (share >= 1 || (share > 0 && key_die(w, pt->key, (pw_key_die)k, 0) < share))
            pt->game |= 1u << k;
    }
}

/* 1 if pt's questionnaires are scored at the end of the session (after its effect). */
int report_end_of_session(const world *w, const patient *pt)
{
    (void)w;
    return (pt->game >> KD_END_OF_SESSION) & 1u;
}

/* 1 if pt's course ends on the first score below caseness once it counts as finished. */
int report_early_discharge(const world *w, const patient *pt)
{
    (void)w;
    return (pt->game >> KD_EARLY_DISCHARGE) & 1u;
}

/* ==== holding lists ==================================================================== */

/* pt has just joined a waiting list (assessment or a step's). On a holding list a letter
 * comes every holding_list_letter_days and each goes unanswered with
 * holding_list_miss_probability: the first unanswered letter, drawn at once as a geometric
 * number of letters from one keyed die (KD_HOLDING, numbered by the lists pt has joined),
 * discharges pt from the list. Schedules EV_LETTER then, if within the run; it is void if
 * pt has left the list by then (report_on_letter) or has had a session since (session_first:
 * a course that lost its clinician waits to resume, not for treatment). */
void report_hold(world *w, patient *pt)
{
    const pw_reporting_p *rp = &w->p->reporting;
    uint32_t n = pt->lists_joined++;
    pt->hold_serial = 0;
    if (!(rp->holding_miss_probability > 0))
        return;
    double u = key_die(w, pt->key, KD_HOLDING, n);
    double letters = rp->holding_miss_probability >= 1
                         ? 1.0
                         : 1.0 + floor(log1p(-u) / log1p(-rp->holding_miss_probability));
    double t = w->s.now + letters * rp->holding_letter_days;
    if (!(t < w->t_end))
        return;
    pt->hold_serial = ++w->hold_serial;
    sim_schedule_at(&w->s, t, PRIO_PERSON, report_on_letter, pt, pt->hold_serial);
}

/* A letter pt did not answer: if pt is still on the list it was meant for (serial arg
 * still theirs; the record may have been reused by another referral since, whose serial
 * differs), pt is discharged from the list. Cancels pt's dropout timer. No draws. */
void report_on_letter(sim *s, void *obj, uint64_t arg)
{
    world *w = s->user;
    patient *pt = obj;
    if (pt->hold_serial != arg || (pt->at != W_WAIT_ASSESS && pt->at != W_WAIT_STEP))
        return;
    pt->hold_serial = 0;
    int assess = pt->at == W_WAIT_ASSESS;
    pw_list_remove(assess ? &w->assess_list : wait_list_of(w, pt), &pt->wait);
    if (pt->timer)
        sim_cancel(s, pt->timer);
    pt->timer = 0;
    metrics_track_lists(w);
    emit_stage(w, pt, NAN, s->now, 0, "discharged_holding_list", 0);
    emit_event(w, pt,
               assess                  ? "assessment_wait"
               : pt->step == PW_STEP2 ? "step2_wait"
                                      : "step3_wait",
               "complete", NULL);
    cohort_exit(w, pt, PW_X_DISCHARGED_HOLDING_LIST);
}

/* ==== the record as reported =========================================================== */

/* The last questionnaire taken `tries` times in all (the first is the one on record), the
 * lowest total kept: new readings of the latent scores at that questionnaire with
 * measurement noise from keyed dice (KD_REPEAT_NOISE). */
static void repeat_reading(const world *w, const patient *pt, int tries, int *phq, int *gad)
{
    double sd = w->p->symptoms.measurement_sd;
    for (int k = 1; k < tries; k++) {
        double z1 = gsl_cdf_ugaussian_Pinv(
            fmax(key_die(w, pt->key, KD_REPEAT_NOISE, 2u * (uint32_t)k), 0x1.0p-53));
        double z2 = gsl_cdf_ugaussian_Pinv(
            fmax(key_die(w, pt->key, KD_REPEAT_NOISE, 2u * (uint32_t)k + 1u), 0x1.0p-53));
        int p1 = (int)clampd(nearbyint(pt->q_phq + sd * z1), 0, PW_PHQ_MAX);
        int g1 = (int)clampd(nearbyint(pt->q_gad + sd * z2), 0, PW_GAD_MAX);
        if (p1 + g1 < *phq + *gad) {
            *phq = p1;
            *gad = g1;
        }
    }
}

/* pt's record as the service reports it at the end of a journey that ended with `why`:
 * treatment sessions (one more if the assessment is counted as one), whether the course
 * counts as finished, the last scores on record (repeated, completed, coached), and the
 * day the reported wait clock stops. Without practices: the record as it happened. No
 * draws from any stream. */
void report_record_of(const world *w, const patient *pt, pw_exit why, report_record *r)
{
    const pw_reporting_p *rp = &w->p->reporting;
    unsigned g = pt->game;
    int assess_as_treat = (g >> KD_ASSESS_AS_TREAT & 1u) && !isnan(pt->assessed_day);
    r->sessions = pt->sessions + assess_as_treat;
    r->phq = pt->obs_phq;
    r->gad = pt->obs_gad;
    /* Completing the record of someone who left treatment: a course with an end score
     * below caseness, as if they had been seen to the end. */
    int left = why == PW_X_DROPPED_IN_TREATMENT || why == PW_X_DISCHARGED_DNA;
    if ((g >> KD_COMPLETE & 1u) && left && pt->sessions >= 1 && pt->has_obs) {
        if (r->sessions < PW_OUTCOME_FINISHED_SESSIONS)
            r->sessions = PW_OUTCOME_FINISHED_SESSIONS;
        r->phq = r->phq < PW_OUTCOME_PHQ_CASE ? r->phq : PW_OUTCOME_PHQ_CASE - 1;
        r->gad = r->gad < PW_OUTCOME_GAD_CASE ? r->gad : PW_OUTCOME_GAD_CASE - 1;
    }
    r->finished = pw_outcome_finished_course(r->sessions);
    if ((g >> KD_REPEAT & 1u) && pt->has_obs)
        repeat_reading(w, pt, rp->repeat_questionnaire_tries, &r->phq, &r->gad);
    if (g >> KD_COACH & 1u) {
        double coach = rp->coaching_points;
        r->phq = (int)clampd(r->phq - coach, 0, PW_PHQ_MAX);
        r->gad = (int)clampd(r->gad - coach * PW_GAD_MAX / PW_PHQ_MAX, 0, PW_GAD_MAX);
    }
    r->clock_day = assess_as_treat ? pt->assessed_day
                   : rp->clock_stops_at_first_contact && !isnan(pt->first_contact_day)
                       ? pt->first_contact_day
                       : pt->first_treatment_day;
}
