/* Rows for the monitor: a patient's stages (patients.csv) and the process-mining event log
 * (events.csv). The model reports; the writers in sim/ format.
 *
 * Holds: emit_event (activity instances, waits and episodes opened and closed),
 * emit_episode_open, emit_close, emit_arrival (arrivals.csv), emit_stage and the names they use.
 * Streams: none. Schedules: nothing.
 */
#include <math.h>
#include <string.h>

#include "pw_state.h"

/* Hand one event row to the monitor. */
static void put_event(world *w, const patient *pt, const char *activity, const char *life,
                      uint32_t instance, const clinician *c, int unfinished)
{
    pw_event_record e = {
        .case_id = pt->id,
        .origin = (pw_origin)pt->origin,
        .instance = instance,
        .activity = activity,
        .lifecycle = life,
        .day = w->s.now,
        .resource = c ? w->p->roles[c->role].name : "",
        .resource_id = c ? c->id : -1,
        .unfinished = unfinished,
    };
    w->mon->event(w->mon->ctx, &e);
}

/* Does the name end in suffix? */
static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Complete pt's open wait now (unfinished: only because the run ended) and forget it.
 * Draws nothing, schedules nothing. */
static void close_wait(world *w, patient *pt, int unfinished)
{
    put_event(w, pt, pt->wait_act, "complete", pt->wait_inst, NULL, unfinished);
    pt->wait_act = NULL;
}

/* Complete pt's open treatment episode now, with its clinician pt->clin (unfinished: only
 * because the run ended), and forget it. Draws nothing, schedules nothing. */
static void close_episode(world *w, patient *pt, int unfinished)
{
    put_event(w, pt, pt->ep_act, "complete", pt->ep_inst, pt->clin, unfinished);
    pt->ep_act = NULL;
}

/* Report one event of pt's journey (c: the clinician involved, or NULL). Activities
 * named *_wait and *_treatment are instances with a start and a complete: a wait is
 * completed by the patient's next event of any other activity (nothing else happens to
 * someone waiting), an episode by its own complete or by a new wait or episode (a lost
 * clinician: back to the list, or on to another clinician at once).
 * Every other activity is one complete of its own instance. Touches only pt's log
 * bookkeeping: no draws, nothing scheduled. */
void emit_event_(world *w, patient *pt, const char *activity, const char *life,
                 const clinician *c)
{
    int start = strcmp(life, "start") == 0;
    int is_wait = ends_with(activity, "_wait"), is_ep = ends_with(activity, "_treatment");
    if (pt->wait_act && !(is_wait && !start && strcmp(activity, pt->wait_act) == 0))
        close_wait(w, pt, 0);
    if ((is_wait || is_ep) && start && pt->ep_act)
        close_episode(w, pt, 0); /* a lost clinician: back to the list, or straight to
                                    another clinician */
    if ((is_wait || is_ep) && start) {
        uint32_t inst = ++pt->n_inst;
        put_event(w, pt, activity, life, inst, c, 0);
        *(is_wait ? &pt->wait_act : &pt->ep_act) = activity;
        *(is_wait ? &pt->wait_inst : &pt->ep_inst) = inst;
    } else if (is_wait && pt->wait_act) {
        close_wait(w, pt, 0);
    } else if (is_ep && pt->ep_act && strcmp(activity, pt->ep_act) == 0) {
        put_event(w, pt, activity, life, pt->ep_inst, c, 0);
        pt->ep_act = NULL;
    } else {
        put_event(w, pt, activity, life, ++pt->n_inst, c, strncmp(activity, "still_", 6) == 0);
    }
}

/* Open pt's treatment episode in the log, unless one is open: at the episode's first
 * appointment, attended or missed, so that an episode of missed appointments, or one
 * resumed with a new clinician part-way through the course, has its start too; and at
 * time zero for people already in treatment then. */
void emit_episode_open(world *w, patient *pt)
{
    if (!w->mon || !w->mon->event || pt->ep_act)
        return;
    emit_event_(w, pt, pt->step == PW_STEP2 ? "step2_treatment" : "step3_treatment", "start",
                pt->clin);
}

/* Complete pt's open episode now, naming its clinician: for a lost clinician, before the
 * person goes back to the list and the clinician is forgotten. */
void emit_episode_close(world *w, patient *pt)
{
    if (w->mon && w->mon->event && pt->ep_act)
        close_episode(w, pt, 0);
}

/* Complete whatever wait or episode pt still has open (at the exit). */
void emit_close(world *w, patient *pt, int unfinished)
{
    if (!w->mon || !w->mon->event)
        return;
    if (pt->wait_act)
        close_wait(w, pt, unfinished);
    if (pt->ep_act)
        close_episode(w, pt, unfinished);
}

/* Report pt's journey as one arrival (arrivals.csv) as it ends with exit_name. */
void emit_arrival(world *w, const patient *pt, const char *exit_name, int finished)
{
    if (!w->mon || !w->mon->arrival)
        return;
    pw_arrival_record a = {
        .patient_id = pt->id,
        .origin = (pw_origin)pt->origin,
        .start_day = pt->referral_day,
        .end_day = finished ? w->s.now : NAN,
        .activity_days = isnan(pt->first_treatment_day) ? 0 : w->s.now - pt->first_treatment_day,
        .finished = finished,
        .exit_reason = exit_name,
    };
    w->mon->arrival(w->mon->ctx, &a);
}

/* Names as patients.csv writes them. */
static const char *need_name(pw_need n)
{
    return n == PW_NEED_LOW ? "low" : n == PW_NEED_HIGH ? "high" : "specialist";
}

/* The stage pt is in, as patients.csv names it: the step of a step's list or treatment
 * episode, else the assessment (its list, its clinic, or before it). A static string. */
static const char *stage_of(const patient *pt)
{
    if (pt->at == W_WAIT_STEP || pt->at == W_TREATMENT)
        return pt->step == PW_STEP2 ? "step2" : "step3";
    return "assessment";
}

/* Report the patient's current stage to the monitor (patients.csv): started at `start`
 * (NaN: never), ended at `end` for `reason`, or still open at the end of the run; its
 * clinician is c (the assessor at an assessment), else the person's own (pt->clin). */
void emit_stage_by(world *w, const patient *pt, const clinician *c, double start, double end,
                   int sessions, const char *reason, int unfinished)
{
    therapist_course(w, pt, c, sessions, unfinished); /* every stage's end passes here */
    if (!w->mon || !w->mon->stage)
        return;
    pw_stage_record r = {
        .patient_id = pt->id,
        .person_id = pt->person_id,
        .origin = (pw_origin)pt->origin,
        .person_origin = (pw_origin)pt->person_origin,
        .stage = stage_of(pt),
        .referral_day = pt->referral_day,
        .queue_day = pt->queue_day,
        .start_day = start,
        .end_day = unfinished ? NAN : end,
        .wait_days = (isnan(start) ? (unfinished ? w->s.now : end) : start) - pt->queue_day,
        .sessions = sessions,
        .exit_reason = reason,
        .clinician = c ? c->id : -1,
        .clinician_role = c ? w->p->roles[c->role].name : NULL,
        .clinician_burnout = c ? c->burnout : NAN,
        .unfinished = unfinished,
        .cohort = pt->cohort,
        .source = pt->self_ref ? "self" : "gp",
        .need = need_name(pt->need),
        .phq9_first = pt->has_obs0 ? pt->obs_phq0 : -1,
        .gad7_first = pt->has_obs0 ? pt->obs_gad0 : -1,
        .phq9_last = pt->has_obs ? pt->obs_phq : -1,
        .gad7_last = pt->has_obs ? pt->obs_gad : -1,
    };
    w->mon->stage(w->mon->ctx, &r);
}

/* emit_stage_by with pt's own clinician (pt->clin, or none). */
void emit_stage(world *w, const patient *pt, double start, double end, int sessions,
                const char *reason, int unfinished)
{
    emit_stage_by(w, pt, pt->clin, start, end, sessions, reason, unfinished);
}
