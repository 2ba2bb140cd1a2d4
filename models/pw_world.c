/* The run loop: one replication of the stepped-care world (pw_run), its set-up and the
 * service calendar.
 *
 * Holds: world set-up and release, the working-day calendar (weekends, closures), the
 * people already in the service at time zero, the table of event kinds, the run's length
 * (pw_run_days), pw_run.
 * Streams: RS_PREFILL (the pre-filled people's case mix, referral days and sessions
 * behind them), RS_ARRIVALS (the first candidate arrival); the pre-filled people's own
 * streams through patient_draw_fortunes and the pathway functions they enter.
 * Schedules: the first arrival, the first clinic, the weekly round, the window's start and
 * end, the workforce plan's hires and shocks; then runs the engine to the end of the run.
 */
#include "pw_world.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "pw_state.h"

/* ==== the service calendar ============================================================= */

/* The longest run of closed days world_next_working steps over. With at most
 * PW_MAX_CLOSURES closure days plus weekends, no valid calendar comes near it: reaching it
 * is a bug, and asserted. */
#define WORLD_MAX_CLOSED_RUN_DAYS 400
_Static_assert(WORLD_MAX_CLOSED_RUN_DAYS > (PW_MAX_CLOSURES / 5 + 2) * 7,
               "a run of closures and weekends must fit within the limit");

/* The first time >= t on a working day, keeping the time of day. Days after the run's
 * last are never closure days, so the loop ends; the limit only catches a broken
 * calendar. */
double world_next_working(const world *w, double t)
{
    for (int k = 0; !world_is_working_day(w, t); k++) {
        assert(k < WORLD_MAX_CLOSED_RUN_DAYS && "no working day within the limit");
        t += 1.0;
    }
    return t;
}

/* ==== set-up =========================================================================== */

void world_days_off(const pw_params *p, unsigned char *off, long n_days)
{
    for (size_t i = 0; i < p->n_closures; i++)
        if (p->closures[i] >= 0 && p->closures[i] < (double)n_days)
            off[(long)p->closures[i]] = 1;
    if (p->bank_holidays == PW_BANK_HOLIDAYS_ENGLAND_WALES)
        holidays_mark(off, n_days);
    for (long d = 0; d < n_days; d++)
        off[d] |= weekend_off(p, d);
}

/* A person already in the service at time zero: numbered 0, 1, ... as PW_ORIGIN_PREFILL
 * (their streams stay keyed apart from referrals by BASE_PREFILL), case mix drawn from
 * RS_PREFILL (r). NULL when out of memory. */
static patient *prefill_person(world *w, gsl_rng *r)
{
    patient *pt = patient_new(w, BASE_PREFILL, w->next_prefill);
    if (!pt)
        return NULL;
    pt->id = w->next_prefill++;
    pt->person_id = pt->id;
    pt->origin = pt->person_origin = PW_ORIGIN_PREFILL;
    patient_draw_casemix(w->p, pt, r, 0.0);
    subgroup_draw(w, pt);
    return pt;
}

/* People already in the service at time zero (never in the measurement cohort): caseloads
 * filled to a share of each cap, then the lists. Draws case mix, referral days and
 * sessions behind them from RS_PREFILL; each person's fortunes from their own streams.
 * Returns SIM_OK, SIM_ENOMEM or PW_ENUMBERS. */
static int prefill_people(world *w)
{
    const pw_params *p = w->p;
    gsl_rng *r = w->st.r[RS_PREFILL];
    /* Caseloads first, so pre-filled lists wait behind them. */
    for (int st = 0; st < PW_STEP_N; st++) {
        unsigned need = pw_does_step(st);
        for (size_t i = 0; i < w->n_staff; i++) {
            clinician *c = w->staff[i];
            if (!(c->does & need) || p->prefill.caseload_fill <= 0)
                continue;
            int target = (int)floor(c->cap * p->prefill.caseload_fill);
            while (c->caseload < target) {
                patient *pt = prefill_person(w, r);
                if (!pt)
                    return sim_error(&w->s) ? sim_error(&w->s) : SIM_ENOMEM;
                patient_draw_fortunes(w, pt, 0);
                pt->referral_day = -gsl_ran_flat(r, 30, 120);
                pt->queue_day = pt->referral_day;
                pt->step = st;
                pt->mode = PW_MODE_F2F;
                if (c->load_hours + episode_session_hours(&p->step[st]) > c->hours_week + 1e-9) {
                    patient_delete(w, pt);
                    break;
                }
                pt->at = W_WAIT_STEP;
                pw_list_push_tail(&w->step_list[st], &pt->wait);
                episode_start(w, pt, c);
                /* By default early in their course (none or one session behind them):
                 * step-2 caseloads filled with people near their course's end empty
                 * within weeks, faster than referrals refill them, and full diaries then
                 * take years to refill. A long step-3 course started by every HIT at
                 * once frees no place for months, so step 3 may spread them
                 * (step3_sessions_held). */
                int held = p->prefill.sessions_held[st], cap = p->step[st].max_sessions;
                pt->sessions = pt->sessions_step =
                    (int)gsl_rng_uniform_int(r, (unsigned long)(held < cap ? held : cap));
                pt->paths |= 1u << st;
                pt->first_treatment_day = pt->referral_day + 14;
                emit_episode_open(w, pt);
            }
        }
    }
    for (int list = -1; list < PW_STEP_N; list++) {
        int n = list < 0 ? p->prefill.assessment_list : p->prefill.step_list[list];
        for (int i = 0; i < n; i++) {
            patient *pt = prefill_person(w, r);
            if (!pt)
                return sim_error(&w->s) ? sim_error(&w->s) : SIM_ENOMEM;
            pt->referral_day = -gsl_ran_flat(r, 0, 90);
            pt->state_day = 0;
            patient_draw_fortunes(w, pt, 0);
            if (list < 0 && !p->assessment.skip) {
                assess_join(w, pt);
                pt->queue_day = pt->referral_day;
            } else {
                wait_join_step(w, pt, list < 0 ? PW_STEP2 : list);
            }
        }
    }
    return SIM_OK;
}

/* Every handler the model schedules, with its kind: the engine tells pending events apart
 * by it at the end of the run (cohort_close_out). */
static const struct {
    sim_handler fn;
    pw_event_kind kind;
} world_kinds[] = {
    {referral_on_arrival, EV_ARRIVAL},
    {referral_on_opt_in, EV_OPT_IN},
    {referral_on_rereferral, EV_REREFERRAL},
    {assess_on_clinic, EV_CLINIC},
    {assess_on_appointment, EV_ASSESSMENT},
    {assess_on_dropout, EV_ASSESS_DROPOUT},
    {wait_on_dropout, EV_STEP_DROPOUT},
    {session_on_appointment, EV_SESSION},
    {episode_on_end, EV_EPISODE_END},
    {group_on_session, EV_GROUP_SESSION},
    {staff_on_hire, EV_HIRE},
    {staff_on_training_end, EV_TRAINING_END},
    {staff_on_sick_end, EV_SICK_END},
    {staff_on_leave, EV_LEAVE},
    {staff_on_plan, EV_PLAN},
    {metrics_on_week, EV_WEEK},
    {metrics_on_window_start, EV_WINDOW_START},
    {metrics_on_window_end, EV_WINDOW_END},
    {cohort_on_followup, EV_FOLLOWUP},
    {report_on_letter, EV_LETTER},
    {train_on_top_up, EV_TOP_UP},
    {staff_on_sick_handover, EV_SICK_HANDOVER},
};

/* Release everything the world owns; safe on a half-built world, and on one stopped
 * before its close-out (pw_run_stoppable), whose running groups are still out. */
static void world_free(world *w)
{
    pw_link *k;
    sim_slab_free(&w->people); /* every person's record */
    sim_slab_free(&w->diaries);
    while ((k = pw_list_pop_head(&w->group_pool)))
        free(PW_LIST_ENTRY(k, group, pool));
    while ((k = pw_list_pop_head(&w->running)))
        free(PW_LIST_ENTRY(k, group, live));
    staff_free(w);
    free(w->burn);
    free(w->present);
    free(w->off);
    sim_streams_free(&w->st);
    sim_free(&w->s);
    sim_tally_free(&w->t_wait_assess);
    sim_tally_free(&w->t_wait_reported);
    sim_tally_free(&w->t_step_up_wait);
    sim_tally_free(&w->t_step3_wait);
    sim_tally_free(&w->t_sessions_fin);
    sim_tally_free(&w->t_sessions_rec);
    sim_hist_free(&w->h_wait_treat);
}

/* ==== the run ========================================================================== */

/* The length of a run of p, days (see pw_world.h): on until the cohort can finish and
 * every member's outcome readings fall due. */
double pw_run_days(const pw_params *p)
{
    return (p->warmup_weeks * 7.0 + p->horizon_weeks * 7.0) +
           fmax(p->followup_weeks, fmax(p->outcome_weeks, p->outcome_weeks_late)) * 7.0;
}

const char *pw_strerror(int err)
{
    if (err == PW_ENUMBERS)
        return "more people in one replication than their random streams can number (2^27 "
               "referrals, 2^26 re-referrals, 2^26 pre-filled): shorten the run or lower the "
               "referral rate";
    if (err == PW_ESTOPPED)
        return "stopped before its end (a stop was asked)";
    return sim_strerror(err);
}

int pw_run(const pw_params *p, int replication, const pw_monitor *mon, pw_results *out)
{
    return pw_run_stoppable(p, replication, mon, NULL, out);
}

int pw_run_stoppable(const pw_params *p, int replication, const pw_monitor *mon,
                     const atomic_int *stop, pw_results *out)
{
    int ret;
    world *w = calloc(1, sizeof *w);
    memset(out, 0, sizeof *out);
    out->replication = replication;
    for (int i = 0; i < PW_M_N; i++)
        out->metric[i] = NAN;
    if (!w)
        return SIM_ENOMEM;
    w->p = p;
    w->rep = replication;
    sim_slab_init(&w->people, patient_bytes());
    sim_slab_init(&w->diaries, diary_bytes());
    subgroup_prepare(w);
    w->person_key = sim_rng_entity_key(p->seed, (uint32_t)replication, 0);
    w->mon = mon;
    w->stop = stop;
    w->out = out;
    w->c = &out->pool;
    w->pol = pw_policy_of(p->policy);
    w->t_window0 = p->warmup_weeks * 7.0;
    w->t_window1 = w->t_window0 + p->horizon_weeks * 7.0;
    w->t_end = pw_run_days(p); /* the window's end + the follow-up and outcome readings */
    w->n_days = (long)ceil(w->t_end) + 1;
    w->off = calloc((size_t)w->n_days, 1);
    if (!w->off) {
        ret = SIM_ENOMEM;
        goto out;
    }
    world_days_off(p, w->off, w->n_days);
    if ((ret = sim_init(&w->s, 1024)) != SIM_OK ||
        (ret = sim_streams_init(&w->st, RS_N, p->seed, (uint32_t)replication)) != SIM_OK)
        goto out;
    w->s.user = w;
    sim_set_ahead(&w->s, session_ahead);
    for (size_t i = 0; i < sizeof world_kinds / sizeof *world_kinds; i++)
        if ((ret = sim_kind_register(&w->s, world_kinds[i].fn, (int)world_kinds[i].kind)) !=
            SIM_OK)
            goto out;
    ret = SIM_ENOMEM;
    if (sim_tally_init(&w->t_wait_assess) ||
        sim_tally_init(&w->t_wait_reported) || sim_tally_init(&w->t_step_up_wait) ||
        sim_tally_init(&w->t_step3_wait) || sim_tally_init(&w->t_sessions_fin) ||
        sim_tally_init(&w->t_sessions_rec) ||
        sim_hist_init(&w->h_wait_treat, 8 * 4 * 365, 0.0, 4 * 365.0))
        goto out;
    out->n_weeks = (size_t)floor(w->t_end / 7.0);
    out->weeks = calloc(out->n_weeks ? out->n_weeks : 1, sizeof *out->weeks);
    coord_init(w);
    if (!out->weeks || (ret = staff_build(w)) != SIM_OK)
        goto out;
    sim_timeavg_init(&w->ta_wait_assess, 0, 0);
    for (int st = 0; st < PW_STEP_N; st++) {
        sim_timeavg_init(&w->ta_wait_step[st], 0, 0);
        sim_timeavg_init(&w->ta_load[st], 0, 0);
        sim_timeavg_init(&w->ta_cap[st], 0, w->cap_hours[st]);
    }
    if ((ret = prefill_people(w)) != SIM_OK)
        goto out;
    w->lambda_max = referral_max_rate(w);
    if (w->lambda_max > 0)
        sim_schedule(&w->s, gsl_ran_exponential(w->st.r[RS_ARRIVALS], 1.0 / w->lambda_max),
                     PRIO_PERSON, referral_on_arrival, NULL, 0);
    if (!p->assessment.skip)
        sim_schedule_at(&w->s, DAY_START, PRIO_CLINIC, assess_on_clinic, NULL, 0);
    sim_schedule_at(&w->s, 0.0, PRIO_WEEK, metrics_on_week, NULL, 0);
    sim_schedule_at(&w->s, w->t_window0, PRIO_WINDOW, metrics_on_window_start, NULL, 0);
    train_schedule(w);
    const pw_workforce_p *wf = &p->workforce;
    for (size_t i = 0; i < wf->n_hires; i++)
        if (wf->hires[i].week * 7.0 < w->t_end)
            sim_schedule_at(&w->s, wf->hires[i].week * 7.0, PRIO_PERSON, staff_on_plan, NULL, i);
    for (size_t i = 0; i < wf->n_shocks; i++)
        if (wf->shocks[i].week * 7.0 < w->t_end)
            sim_schedule_at(&w->s, wf->shocks[i].week * 7.0, PRIO_PERSON, staff_on_plan, NULL,
                            PW_MAX_PLAN + i);
    for (size_t i = 0; i < wf->n_cuts; i++)
        if (wf->cuts[i].week * 7.0 < w->t_end)
            sim_schedule_at(&w->s, wf->cuts[i].week * 7.0, PRIO_PERSON, staff_on_plan, NULL,
                            2 * PW_MAX_PLAN + i);
    sim_schedule_at(&w->s, w->t_window1, PRIO_WINDOW, metrics_on_window_end, NULL, 0);
    /* Failures while running (and in the set-up above) are sticky in the engine
     * (sim_fail): the run returns the first. The model stops a run otherwise only when
     * the weekly round finds the stop flag raised (metrics_on_week). */
    ret = sim_run_until(&w->s, w->t_end);
    assert(ret != SIM_STOPPED || (stop && *stop));
    if (ret == SIM_STOPPED)
        ret = PW_ESTOPPED;
    if (ret != SIM_OK)
        goto out;
    cohort_close_out(w);
    metrics_compute(w);
    out->events_fired = w->s.events_fired;
    out->diary_unbooked = w->diary_overbooked;
    out->diary_spread = w->diary_spread;
    out->diary_beyond = w->diary_beyond;
    out->diary_handed_back = w->diary_handed_back;
    out->diary_moved = w->diary_moved;
    ret = pool_capture(w) == 0 && therapist_capture(w) == 0 ? SIM_OK : SIM_ENOMEM;
    if (ret == SIM_OK)
        therapist_metrics(&out->pool, out->metric);
out:
    world_free(w);
    free(w);
    return ret;
}
