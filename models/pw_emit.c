/* Rows for the monitor: a patient's stages (patients.csv) and the process-mining event log
 * (events.csv). The model reports; the writers in sim/ format.
 *
 * Holds: emit_event, emit_stage and the names they use.
 * Streams: none. Schedules: nothing.
 */
#include <math.h>

#include "pw_state.h"

/* Report one event of pt's journey (c: the clinician involved, or NULL). */
void emit_event(world *w, const patient *pt, const char *activity, const char *life,
                const clinician *c)
{
    if (!w->mon || !w->mon->event)
        return;
    pw_event_record e = {pt->id, activity, life, w->s.now,
                         c ? w->p->roles[c->role].name : "", c ? c->id : -1};
    w->mon->event(w->mon->ctx, &e);
}

/* Names as patients.csv writes them. */
static const char *need_name(pw_need n)
{
    return n == PW_NEED_LOW ? "low" : n == PW_NEED_HIGH ? "high" : "specialist";
}

static const char *stage_of(const patient *pt)
{
    if (pt->at == W_WAIT_STEP || pt->at == W_TREATMENT)
        return pt->step == PW_STEP2 ? "step2" : "step3";
    return "assessment";
}

/* Report the patient's current stage to the monitor (patients.csv): started at `start`
 * (NaN: never), ended at `end` for `reason`, or still open at the end of the run. */
void emit_stage(world *w, const patient *pt, double start, double end, int sessions,
                const char *reason, int unfinished)
{
    if (!w->mon || !w->mon->stage)
        return;
    pw_stage_record r = {
        .patient_id = pt->id,
        .person_id = pt->person_id,
        .stage = stage_of(pt),
        .referral_day = pt->referral_day,
        .queue_day = pt->queue_day,
        .start_day = start,
        .end_day = unfinished ? NAN : end,
        .wait_days = (isnan(start) ? (unfinished ? w->s.now : end) : start) - pt->queue_day,
        .sessions = sessions,
        .exit_reason = reason,
        .clinician = pt->clin ? pt->clin->id : -1,
        .unfinished = unfinished,
        .cohort = pt->cohort,
        .source = pt->self_ref ? "self" : "gp",
        .need = need_name(pt->need),
    };
    w->mon->stage(w->mon->ctx, &r);
}
