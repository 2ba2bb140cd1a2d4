/* Treatment sessions: one appointment of an episode, individual or in a group, in four
 * parts: attendance, the first-attendance accounting, the symptom effect with its
 * questionnaire, and the rules that end the episode.
 *
 * Holds: session_hold (one appointment) and the individual session's event.
 * Streams: the person's PR_SESSION (attendance, the review's judgement when uncertain,
 * then dropout after the session: two or three draws for an attended session, one for a
 * DNA; where the gap to the next session matters, the dropout draw follows the booking of
 * that session), PR_DRIFT (natural history up to the
 * session), PR_TREAT (session noise, questionnaire noise).
 * Schedules: an individual course's next session (EV_SESSION) on a working day; an ending
 * rule ends the episode (episode_end), which may step up to the step-3 list.
 */
#include <math.h>
#include <gsl/gsl_randist.h>

#include "pw_state.h"

/* Bounds of one session's effect f, the share of the latent scores a session takes away
 * (scores become score x (1 - f) + noise). f is a product of the step's mean and spread,
 * the person's responsiveness, the match to their need, the therapist effect, burnout
 * and the mode, so its tails are long: f >= 1 would zero (or flip the sign of) the scores
 * in one session, and a large negative f would multiply them many-fold. The bounds keep
 * a session between taking away 90% and adding half again. They guard extreme parameter
 * choices: in the shipped scenarios no session comes near them. */
#define SESSION_EFFECT_MIN (-0.5)
#define SESSION_EFFECT_MAX 0.9

/* Attendance (PR_SESSION): 1 if pt attends. A DNA is counted; returns 0. */
static int session_attended(world *w, patient *pt, const pw_step_p *sp)
{
    const pw_params *p = w->p;
    double odds = pt->sg_dna * (ltc_on(p, pt) ? p->ltc_pathway.dna_odds : 1.0) *
                  coord_dna_odds(w, pt);
    double dna_p =
        odds_scaled(sp->dna_probability * pow_count(p->failure.dna_multiplier, pt->failures), odds);
    if (gsl_rng_uniform(pt->r[PR_SESSION]) < dna_p) {
        pt->dnas++;
        pt->dna_all++;
        emit_event(w, pt, pt->step == PW_STEP2 ? "step2_dna" : "step3_dna", "complete",
                   pt->clin);
        return 0;
    }
    return 1;
}

/* The first attended session of a step, and of the whole journey: the start of the step
 * and of treatment, and the waits they end (for the cohort). No draws. */
static void session_first(world *w, patient *pt)
{
    sim *s = &w->s;
    if (pt->wait_timer) { /* no longer waiting: the list's dropout timer stops */
        sim_cancel(s, pt->wait_timer);
        pt->wait_timer = 0;
    }
    pt->hold_serial = 0; /* and a holding-list letter of that wait is void (report_hold) */
    if (pt->sessions_step == 0) {
        /* A step entered again counts once: stepped down after being stepped up, or back
         * on the list after a session cap. (A course resumed after losing its clinician,
         * group courses too, keeps its sessions and does not come here.) */
        int first_here = !(pt->paths & (1u << pt->step));
        if (first_here && pt->step == PW_STEP3) {
            w->week.step3_starts++;
            w->week.step3_wait_days += s->now - pt->queue_day;
            if (pt->cohort)
                sim_tally_add(&w->t_step3_wait, s->now - pt->queue_day);
        }
        pt->step_start_day = s->now;
        pt->paths |= 1u << pt->step;
        if (pt->cohort && first_here)
            w->out->stages[pt->step == PW_STEP2 ? PW_S_ENTERED_STEP2 : PW_S_ENTERED_STEP3]++;
        if (pt->step == PW_STEP2 && pt->cohort && first_here)
            w->c->n_step2_starters++;
        if (pt->stepped_up && pt->step == PW_STEP3 && pt->cohort) {
            double sw = s->now - pt->step2_end_day;
            sim_tally_add(&w->t_step_up_wait, sw);
            w->out->waits[PW_W_STEP_UP][week_bin(sw)]++;
        }
        if (pt->cohort) {
            double aw = s->now - (isnan(pt->assessed_day) ? pt->referral_day : pt->assessed_day);
            if (isnan(pt->first_treatment_day)) { /* the journey's first treatment */
                w->out->waits[PW_W_ASSESSMENT_TO_TREATMENT][week_bin(aw)]++;
                w->c->n_a2t++;
                w->c->n_a2t_over90 += aw > 90.0;
            }
        }
    }
    if (isnan(pt->first_treatment_day)) {
        pt->first_treatment_day = s->now;
        w->week.treatment_starts++;
        w->week.treatment_wait_days += s->now - pt->referral_day;
        if (isnan(pt->first_contact_day))
            pt->first_contact_day = s->now;
        if (pt->cohort) {
            double wt = s->now - pt->referral_day;
            w->c->n_entered++;
            w->out->stages[PW_S_ENTERED_TREATMENT]++;
            if (ltc_on(w->p, pt))
                w->out->stages[PW_S_ENTERED_LTC_PATHWAY]++;
            sim_hist_add(&w->h_wait_treat, wt);
            w->out->waits[PW_W_REFERRAL_TO_TREATMENT][week_bin(wt)]++;
            w->c->w6_true += pw_outcome_within_six_weeks(wt);
            w->c->w18_true += pw_outcome_within_18_weeks(wt);
        }
    }
}

/* An attended session's effect on the latent scores (noise from PR_TREAT). */
static void session_effect(world *w, patient *pt, const pw_step_p *sp)
{
    const pw_params *p = w->p;
    int match = (pt->step == PW_STEP2 && pt->need == PW_NEED_LOW) ||
                (pt->step == PW_STEP3 && pt->need == PW_NEED_HIGH);
    gsl_rng *rt = pt->r[PR_TREAT];
    patient_drift(w, pt); /* natural history goes on in treatment, the session on top */
    double f = (sp->effect_mean + sp->effect_sd * pt->response_z) * pt->sg_response;
    f *= (match ? 1.0 : sp->mismatch_factor) * pt->clin->effect_mult;
    if (p->workforce.burnout_effect > 0)
        f *= 1 - p->workforce.burnout_effect * pt->clin->burnout;
    if (pt->ltc && pt->clin->ltc_skill) /* a top-up course in long-term-condition work */
        f *= p->workforce.ltc_top_up_effect;
    if (ltc_on(p, pt)) /* integrated care that addresses the condition too */
        f *= p->ltc_pathway.effect_factor;
    if (pt->mode == PW_MODE_PHONE)
        f *= sp->phone_factor;
    else if (pt->mode == PW_MODE_GROUP)
        f *= sp->group_factor;
    f = clampd(f, SESSION_EFFECT_MIN, SESSION_EFFECT_MAX);
    double nsd = sp->session_noise_sd;
    /* Latent scores are not clipped (see patient_natural_history); readings are. */
    pt->phq = pt->phq * (1 - f) + (nsd > 0 ? gsl_ran_gaussian_ziggurat(rt, nsd) : 0);
    pt->gad = pt->gad * (1 - f) + (nsd > 0 ? gsl_ran_gaussian_ziggurat(rt, nsd) : 0);
    pt->state_day = w->s.now;
}

/* After an attended session: the exit that ends the episode here, or PW_X_N if it may go
 * on. In order: discharge on the first good score (a reporting practice, once the course
 * counts as finished), recovered for long enough, the session cap, no progress; dropout
 * after the session (session_drops) is drawn by the caller, only if none of these ended
 * it. */
static pw_exit session_ending(world *w, patient *pt, const pw_step_p *sp)
{
    const pw_params *p = w->p;
    int good = !pw_outcome_caseness(pt->obs_phq, pt->obs_gad);
    pt->good_run = good ? pt->good_run + 1 : 0;
    if (good && report_early_discharge(w, pt) &&
        pw_outcome_finished_course(pt->sessions_step))
        return PW_X_DISCHARGED_RECOVERED;
    if (sp->recovered_sessions_to_end > 0 && pt->good_run >= sp->recovered_sessions_to_end &&
        pt->sessions_step >= sp->min_sessions)
        return PW_X_DISCHARGED_RECOVERED;
    if (pt->sessions_step >= episode_session_cap(p, pt))
        return PW_X_DISCHARGED_COMPLETED;
    /* A progress review: no reliable improvement after no_progress_after sessions ends the
     * course if the clinician judges so (PR_SESSION, drawn only when the judgement is not
     * certain either way: at 0 the review is as off, draws and all); a step-2 course that
     * ends this way is a failure and may step up. */
    if (sp->no_progress_after > 0 && pt->sessions_step >= sp->no_progress_after && !good &&
        !pw_outcome_reliable_improvement(pt->obs_phq0, pt->obs_gad0, pt->obs_phq, pt->obs_gad) &&
        (sp->no_progress_probability >= 1 ||
         (sp->no_progress_probability > 0 &&
          gsl_rng_uniform(pt->r[PR_SESSION]) < sp->no_progress_probability)))
        return PW_X_DISCHARGED_NO_PROGRESS;
    return PW_X_N;
}

/* Whether the gap to the next session sets the chance of not returning after this one:
 * with dropout_gap_days, for every attended session but the first (much of the first
 * session's dropout is people for whom one contact was enough, not the spacing). */
static int session_gap_matters(const patient *pt, const pw_step_p *sp)
{
    return sp->dropout_gap_days > 0 && pt->sessions_step > 1;
}

/* Dropout after an attended session (PR_SESSION): 1 if pt does not return. With the gap
 * mattering (session_gap_matters; `gap` is read only then), the chance over `gap` days to
 * the next session is that of a constant hazard a day under which dropout_per_session is
 * the chance over dropout_gap_days: people seen less often drop out more (session
 * frequency and dropout: docs/calibration.md §3). */
static int session_drops(world *w, patient *pt, const pw_step_p *sp, double gap)
{
    const pw_params *p = w->p;
    double drop = (pt->sessions_step == 1 ? sp->first_session_dropout : sp->dropout_per_session) *
                  pow_count(p->failure.dropout_multiplier, pt->failures) * pt->sg_dropout *
                  (ltc_on(p, pt) ? p->ltc_pathway.dropout_factor : 1.0) * coord_dropout(w, pt);
    if (session_gap_matters(pt, sp) && drop < 1)
        drop = -expm1(log1p(-drop) * fmax(gap, 0.0) / sp->dropout_gap_days);
    return gsl_rng_uniform(pt->r[PR_SESSION]) < drop;
}

/* Step down (a step-3 course going on): after step_down_after sessions, a person whose
 * latest score is below caseness may finish with step 2's lighter touch, with chance
 * step_down_probability (PR_SESSION, drawn only when the rule applies and the chance is
 * not 0: at 0 it is as off, draws and all), once. */
static int session_steps_down(patient *pt, const pw_step_p *sp)
{
    return pt->step == PW_STEP3 && sp->step_down_after > 0 && !pt->stepped_down &&
           pt->sessions_step >= sp->step_down_after &&
           !pw_outcome_caseness(pt->obs_phq, pt->obs_gad) && sp->step_down_probability > 0 &&
           gsl_rng_uniform(pt->r[PR_SESSION]) < sp->step_down_probability;
}

/* One appointment of pt's treatment (individual or group). Returns 0 if the episode ended
 * here (episode_end has run), 1 if it goes on, and SESSION_DROP_LATER if it goes on
 * unless the person drops out over the gap to the next session, which the caller draws
 * (session_drops) once that session is booked: an individual course whose gap matters. */
int session_hold(world *w, patient *pt)
{
    const pw_params *p = w->p;
    const pw_step_p *sp = &p->step[pt->step];
    emit_episode_open(w, pt);
    if (!session_attended(w, pt, sp)) {
        if (sp->discharge_after_dnas > 0 && pt->dnas >= sp->discharge_after_dnas) {
            episode_end(w, pt, PW_X_DISCHARGED_DNA);
            return 0;
        }
        return 1;
    }
    session_first(w, pt);
    pt->sessions++;
    pt->sessions_step++;
    if (pt->sessions_step == 1 && !pt->grp && !sp->diary) { /* now follow-ups a week */
        double delta = episode_person_hours(p, pt, 0) - pt->load;
        pt->load += delta;
        episode_commit_hours(w, pt->clin, pt->step, delta, pt->mode == PW_MODE_PHONE);
    }
    w->week.sessions++;
    emit_event(w, pt, pt->step == PW_STEP2 ? "step2_session" : "step3_session", "complete",
               pt->clin);
    /* Questionnaire at the start of the session (the usual practice) or at its end. */
    int at_end = report_end_of_session(w, pt);
    if (!at_end)
        patient_questionnaire(w, pt, 0);
    session_effect(w, pt, sp);
    if (at_end)
        patient_questionnaire(w, pt, 0);
    pw_exit why = session_ending(w, pt, sp);
    /* The group's last session ends the course for all who are still in it: there is no
     * next session not to come back to (a member who missed one is below the cap). */
    if (why == PW_X_N && pt->grp && group_last_session(w, pt->grp))
        return 1;
    int gap_matters = why == PW_X_N && session_gap_matters(pt, sp);
    int later = gap_matters && !pt->grp;
    /* A group meets again on the working day an interval on (group_on_session). */
    double gap = gap_matters && pt->grp
                     ? world_next_working(w, w->s.now + sp->interval_days) - w->s.now
                     : 0;
    if (why == PW_X_N && !later && session_drops(w, pt, sp, gap))
        why = PW_X_DROPPED_IN_TREATMENT;
    if (why == PW_X_N && session_steps_down(pt, sp)) {
        episode_step_down(w, pt);
        return 0;
    }
    if (why == PW_X_N)
        return later ? SESSION_DROP_LATER : 1;
    episode_end(w, pt, why);
    return 0;
}

/* The calendar's look-ahead hook (sim_set_ahead), shown an event just before it fires:
 * for a session's appointment, asks for the clinician's record, which the handler reads
 * first (sickness, then the diary), so that its diary prefetch does not wait for it.
 * Reads only pt's clinician pointer (pt's first lines are already asked for; a cancelled
 * appointment's person may be back in the pool, its pointer still a clinician's, as
 * clinicians are never freed during a run). Changes nothing, draws nothing. */
void session_ahead(void *user, sim_handler fn, void *obj, uint64_t arg)
{
    (void)user;
    (void)arg;
    if (fn != session_on_appointment)
        return;
    const clinician *c = ((const patient *)obj)->clin;
    if (c)
        for (size_t k = 0; k < sizeof *c; k += 64)
            __builtin_prefetch((const char *)c + k);
}

/* An individual session falls due. If the clinician is off sick it is cancelled, not
 * moved; unless the episode ended, the next is booked at least an interval later on a
 * working day: then, for a diary step, on the first day the clinician's diary has room. */
void session_on_appointment(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    patient *pt = obj;
    world *w = s->user;
    const pw_step_p *sp = &w->p->step[pt->step];
    pt->timer = 0;
    if (sp->diary) /* the next booking's first lines, while the session is held */
        diary_prefetch(w, pt->clin, s->now + sp->interval_days);
    if (pt->appt_minutes > 0 && w->in_window && !pt->clin->sick)
        w->diary_minutes[pt->step] += pt->appt_minutes; /* held (a DNA holds the slot) */
    pt->appt_minutes = 0;
    int held = 0;
    if (!pt->clin->sick && !(held = session_hold(w, pt)))
        return;
    if (sp->diary && !roster_has_hours(pt->clin, episode_slot_hours(sp))) {
        /* A first group, a course or a cut since (further groups keep a session's time:
         * group_form) leaves the clinician's week no time for a session: the person is
         * handed back, as when a clinician leaves, and offered another at once. An
         * allocation asks a week for the same slot (episode_allocate), so no place goes
         * back to this clinician. */
        int step = pt->step;
        w->diary_handed_back++;
        episode_hand_back(w, pt);
        episode_allocate(w, step);
        metrics_track_lists(w);
        return;
    }
    double t = diary_book_session(w, pt, world_next_working(w, s->now + sp->interval_days));
    if (isnan(t))
        return;
    if (held == SESSION_DROP_LATER && session_drops(w, pt, sp, t - s->now)) {
        episode_end(w, pt, PW_X_DROPPED_IN_TREATMENT); /* gives the booking back */
        return;
    }
    pt->timer = sim_schedule_at(s, t, PRIO_PERSON, session_on_appointment, pt, 0);
}
