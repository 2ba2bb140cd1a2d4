/* Cohort accounting: where each referral's journey ends, its outcomes true and reported
 * (by the definitions of pw_outcome.h), and the people still in the service at the end of
 * the run, so every cohort referral is counted exactly once.
 *
 * Holds: cohort_exit (count, maybe relapse, release), outcome counts by path and
 * subgroup, cohort_close_out (the pending events and lists walked at the end).
 * Streams: the person's PR_DRIFT (brought up to date at exit and at each follow-up
 * reading), and PR_AFTER, projecting the readings (outcome_weeks, then outcome_weeks_late
 * if set, the second on from the first) from an earlier exit, unless a relapse comes
 * first: then a reading after it reads the relapse's scores; PR_FATE through
 * referral_relapse after a discharge.
 * Reported outcomes are the record as pw_report.c gives it (the reporting practices).
 * Schedules: the later reading after the first (followup_read); a re-referral after a
 * discharge (through referral_relapse). At the end of the run, takes every pending event
 * off the calendar.
 */
#include <assert.h>
#include <math.h>

#include "pw_state.h"

/* The steps pt has entered: the path outcomes are counted by. */
static pw_path path_of(const patient *pt)
{
    int s2 = pt->paths & 1u, s3 = (pt->paths >> 1) & 1u;
    return s2 && s3 ? PW_P_STEP2_THEN_3 : s2 ? PW_P_STEP2_ONLY : s3 ? PW_P_STEP3_ONLY : PW_P_NONE;
}

/* One person's outcome flags: reported; true at the journey's end; true at follow-up
 * (the ones by path and subgroup). */
typedef struct outcome_flags {
    int finished, rep_finished, rep_case, rep_rec, rep_ri, rep_rr, tru_case, tru_rec, tru_ri;
    int rep_w6, rep_w18;    /* the reported wait within 6 / 18 weeks (reported finishers) */
    pw_exit why;
} outcome_flags;

/* The true outcome at follow-up from latent scores phq, gad (against those at referral),
 * and recovery without treatment from phq_u, gad_u. */
static void followup_record(patient *pt, double phq, double gad, double phq_u, double gad_u)
{
    pt->fu_done = 1;
    pt->fu_case = (unsigned char)pw_outcome_caseness(pt->phq0, pt->gad0);
    pt->fu_rec = (unsigned char)pw_outcome_recovered(pt->phq0, pt->gad0, phq, gad);
    pt->fu_ri = (unsigned char)pw_outcome_reliable_improvement(pt->phq0, pt->gad0, phq, gad);
    pt->fu_rec_u = (unsigned char)pw_outcome_recovered(pt->phq0, pt->gad0, phq_u, gad_u);
}

/* The later reading (outcome_weeks_late): recovery from phq, gad, and without treatment
 * from phq_u, gad_u. */
static void late_record(patient *pt, double phq, double gad, double phq_u, double gad_u)
{
    int rec = pw_outcome_recovered(pt->phq0, pt->gad0, phq, gad);
    int rec_u = pw_outcome_recovered(pt->phq0, pt->gad0, phq_u, gad_u);
    pt->fu_late = (unsigned char)(FU_LATE_DONE | (rec ? FU_LATE_REC : 0) |
                                  (rec_u ? FU_LATE_REC_U : 0));
}

/* The reading due now (arg 0: outcome_weeks; 1: outcome_weeks_late) from the latent scores
 * brought up to now (PR_DRIFT), wherever the person is in the service; after the first, the
 * timer is set again for the later one if the scenario has one and `go_on`. */
static void followup_read(world *w, patient *pt, uint64_t arg, int go_on)
{
    pt->fu_timer = 0;
    patient_drift(w, pt);
    if (arg) {
        late_record(pt, pt->phq, pt->gad, pt->phq_u, pt->gad_u);
        return;
    }
    followup_record(pt, pt->phq, pt->gad, pt->phq_u, pt->gad_u);
    const pw_params *p = w->p;
    if (go_on && p->outcome_weeks_late > 0)
        pt->fu_timer = sim_schedule(&w->s, (p->outcome_weeks_late - p->outcome_weeks) * 7.0,
                                    PRIO_PERSON, cohort_on_followup, pt, 1);
}

/* outcome_weeks (arg 0) or outcome_weeks_late (arg 1) after a cohort referral: the true
 * outcome's reading. */
void cohort_on_followup(sim *s, void *obj, uint64_t arg)
{
    followup_read(s->user, obj, arg, 1);
}

/* Add one person's outcome to the counts of a path or subgroup. */
static void add_outcome(pw_outcome_counts *o, const patient *pt, const outcome_flags *f)
{
    o->n++;
    o->finishers += (uint64_t)f->finished;
    o->reported_finishers += (uint64_t)f->rep_finished;
    o->reported_casers += (uint64_t)f->rep_case;
    o->reported_recovered += (uint64_t)f->rep_rec;
    o->reported_reliable_improvement += (uint64_t)f->rep_ri;
    o->reported_reliable_recovery += (uint64_t)f->rep_rr;
    o->true_casers += (uint64_t)f->tru_case;
    o->true_recovered += (uint64_t)f->tru_rec;
    o->true_recovered_untreated += (uint64_t)pt->fu_rec_u;
    if (f->tru_case && (pt->fu_late & FU_LATE_DONE)) {
        o->true_late_read++;
        o->true_recovered_late += (uint64_t)((pt->fu_late & FU_LATE_REC) != 0);
        o->true_recovered_untreated_late += (uint64_t)((pt->fu_late & FU_LATE_REC_U) != 0);
    }
    o->true_reliable_improvement += (uint64_t)f->tru_ri;
    o->true_reliable_recovery += (uint64_t)(f->tru_rec && f->tru_ri);
    o->within_6_weeks_reported += (uint64_t)f->rep_w6;
    o->within_18_weeks_reported += (uint64_t)f->rep_w18;
    o->sessions_sum += pt->sessions;
    if (!isnan(pt->first_treatment_day)) {
        double wt = pt->first_treatment_day - pt->referral_day;
        o->entered++;
        o->wait_to_treatment_sum_days += wt;
        o->within_6_weeks_true += (uint64_t)pw_outcome_within_six_weeks(wt);
        o->within_18_weeks_true += (uint64_t)pw_outcome_within_18_weeks(wt);
    }
    pw_exit_group_id g = pw_exit_group_of(f->why);
    o->dropped_before_assessment += g == PW_XG_BEFORE_ASSESSMENT;
    o->dropped_after_assessment += g == PW_XG_AFTER_ASSESSMENT;
    o->dropped_in_treatment += g == PW_XG_IN_TREATMENT;
}

/* The reported outcome of a course finished as reported (r) with a baseline
 * questionnaire: its last scores on record against its first, the reported wait (to the
 * clock stop r gives), score distributions. */
static void count_reported(world *w, const patient *pt, const report_record *r,
                           outcome_flags *f)
{
    pw_results *o = w->out;
    int phq1 = r->phq, gad1 = r->gad;
    f->rep_case = pw_outcome_caseness(pt->obs_phq0, pt->obs_gad0);
    f->rep_rec = pw_outcome_recovered(pt->obs_phq0, pt->obs_gad0, phq1, gad1);
    f->rep_ri = pw_outcome_reliable_improvement(pt->obs_phq0, pt->obs_gad0, phq1, gad1);
    f->rep_rr = f->rep_rec && f->rep_ri;
    w->c->rep_casers += (uint64_t)f->rep_case;
    w->c->rep_recovered += (uint64_t)f->rep_rec;
    w->c->rep_ri += (uint64_t)f->rep_ri;
    w->c->rep_rr += (uint64_t)f->rep_rr;
    double wr = r->clock_day - pt->referral_day;
    sim_tally_add(&w->t_wait_reported, wr);
    o->waits[PW_W_REPORTED][week_bin(wr)]++;
    f->rep_w6 = pw_outcome_within_six_weeks(wr);
    f->rep_w18 = pw_outcome_within_18_weeks(wr);
    w->c->w6_rep += (uint64_t)f->rep_w6;
    w->c->w18_rep += (uint64_t)f->rep_w18;
    sim_tally_add(&w->t_sessions_fin, r->sessions);
    if (f->rep_rec)
        sim_tally_add(&w->t_sessions_rec, r->sessions);
    pw_score_hist *h = &o->scores;
    h->phq_start[pt->obs_phq0]++;
    h->gad_start[pt->obs_gad0]++;
    h->phq_end[phq1]++;
    h->gad_end[gad1]++;
    h->phq_change[phq1 - pt->obs_phq0 + PW_PHQ_MAX]++;
    h->gad_change[gad1 - pt->obs_gad0 + PW_GAD_MAX]++;
    if (f->rep_rec)
        o->stages[PW_S_RECOVERED_REPORTED]++;
}

/* A cohort member's journey ends with `why`: the exit, reported outcomes (finishers with
 * a baseline), true outcomes at the journey's end (latent scores now) and at follow-up
 * (read already, or projected by natural history), by path and subgroup. */
static void count_exit(world *w, const patient *pt, pw_exit why)
{
    pw_results *o = w->out;
    o->exits[why]++;
    outcome_flags f = {.finished = pw_outcome_finished_course(pt->sessions), .why = why};
    report_record r;
    report_record_of(w, pt, why, &r);
    f.rep_finished = r.finished;
    w->c->n_rep_finished += (uint64_t)r.finished;
    if (r.finished && pt->has_obs0)
        count_reported(w, pt, &r, &f);
    if (f.finished) {
        w->c->n_finished++;
        o->stages[PW_S_FINISHED_COURSE]++;
        w->c->fin_n[path_of(pt)]++;
        w->c->fin_sessions[path_of(pt)] += pt->sessions;
    }
    int case0 = pw_outcome_caseness(pt->phq0, pt->gad0);
    int rec = pw_outcome_recovered(pt->phq0, pt->gad0, pt->phq, pt->gad);
    int ri = pw_outcome_reliable_improvement(pt->phq0, pt->gad0, pt->phq, pt->gad);
    w->c->tru_casers += (uint64_t)case0;
    w->c->tru_recovered += (uint64_t)rec;
    w->c->tru_ri += (uint64_t)ri;
    w->c->tru_rr += (uint64_t)(rec && ri);
    f.tru_case = pt->fu_case;
    f.tru_rec = pt->fu_rec;
    f.tru_ri = pt->fu_ri;
    w->c->fu_casers += (uint64_t)f.tru_case;
    w->c->fu_recovered += (uint64_t)f.tru_rec;
    w->c->fu_ri += (uint64_t)f.tru_ri;
    w->c->fu_rr += (uint64_t)(f.tru_rec && f.tru_ri);
    w->c->fu_recovered_u += (uint64_t)pt->fu_rec_u;
    w->c->fu_late_recovered += (uint64_t)((pt->fu_late & FU_LATE_REC) != 0);
    w->c->fu_late_recovered_u += (uint64_t)((pt->fu_late & FU_LATE_REC_U) != 0);
    o->failures[pt->failures < 3 ? pt->failures : 3]++;
    add_outcome(&o->by_path[path_of(pt)], pt, &f);
    coord_count(w, pt, why);
    int groups[PW_G_N];
    subgroup_members(pt, groups);
    for (int g = 0; g < PW_G_N; g++)
        if (groups[g])
            add_outcome(&o->by_group[g], pt, &f);
}

/* Latent scores *phq, *gad (and untreated *phq_u, *gad_u) of pt, who left the service,
 * taken from day `from` to a reading at day t: a relapse `back` before t is back in the
 * service by then, read at the relapse's scores; else natural history alone (PR_AFTER,
 * which nothing else draws from once pt leaves). The untreated have no discharge and no
 * relapse: natural history on to the reading either way. */
static void project(world *w, patient *pt, const patient *back, double back_day, double from,
                    double t, double *phq, double *gad, double *phq_u, double *gad_u)
{
    if (back && back_day < t) {
        *phq = back->phq;
        *gad = back->gad;
        patient_natural_history(w, pt, pt->r[PR_AFTER], from, t, phq_u, gad_u, NULL, NULL);
    } else {
        patient_natural_history(w, pt, pt->r[PR_AFTER], from, t, phq, gad, phq_u, gad_u);
    }
}

/* The referral's journey is over: latent scores brought up to date, counted (if in the
 * cohort), a relapse booked after a discharge, and pt back to the pool (the caller's
 * pointer is then dead). pt must be on no list. */
void cohort_exit(world *w, patient *pt, pw_exit why)
{
    coord_release(w, pt);
    patient_drift(w, pt);
    /* The relapse first: one before the follow-up is what the follow-up reads. */
    const patient *back = NULL;
    double back_day = INFINITY;
    if (why == PW_X_DISCHARGED_RECOVERED || why == PW_X_DISCHARGED_COMPLETED ||
        why == PW_X_DISCHARGED_NO_PROGRESS)
        back = referral_relapse(w, pt, !pw_outcome_caseness(pt->phq, pt->gad), &back_day);
    int late = w->p->outcome_weeks_late > 0 && !(pt->fu_late & FU_LATE_DONE);
    if (pt->cohort && (!pt->fu_done || late)) {
        double from = w->s.now, phq = pt->phq, gad = pt->gad;
        double phq_u = pt->phq_u, gad_u = pt->gad_u;
        if (pt->fu_timer)
            sim_cancel(&w->s, pt->fu_timer);
        pt->fu_timer = 0;
        if (!pt->fu_done) {
            double t = pt->referral_day + w->p->outcome_weeks * 7.0;
            project(w, pt, back, back_day, from, t, &phq, &gad, &phq_u, &gad_u);
            followup_record(pt, phq, gad, phq_u, gad_u);
            from = t;
        }
        if (late) { /* on from the first reading (or now), the same draws after it */
            double t = pt->referral_day + w->p->outcome_weeks_late * 7.0;
            project(w, pt, back, back_day, from, t, &phq, &gad, &phq_u, &gad_u);
            late_record(pt, phq, gad, phq_u, gad_u);
        }
    }
    if (pt->cohort)
        count_exit(w, pt, why);
    int still = why == PW_X_STILL_WAITING || why == PW_X_STILL_IN_TREATMENT;
    emit_close(w, pt, still);
    emit_event(w, pt, pw_exit_name(why), "complete", NULL);
    emit_arrival(w, pt, pw_exit_name(why), !still);
    patient_delete(w, pt);
}

/* pt, in an episode or booked, is still in the service at the end of the run: their
 * stage is written unfinished and they exit with `why`. */
static void exit_unfinished(world *w, patient *pt, double start, int sessions, pw_exit why)
{
    emit_stage(w, pt, start, NAN, sessions, "unfinished", 1);
    emit_close(w, pt, 1); /* an open episode names its clinician, forgotten below */
    if (pt->clin && pw_list_has(&pt->clin->patients, &pt->care))
        pw_list_remove(&pt->clin->patients, &pt->care);
    pt->clin = NULL;
    cohort_exit(w, pt, why);
}

/* At the end of the run: everyone still in the system is written, flagged, and the
 * cohort's members among them are counted as still waiting / in treatment. Pending events
 * name every patient not on a list (opt-in, assessing, in treatment, re-referral): all are
 * taken off the calendar, by kind; list members are handled afterwards, head first. */
void cohort_close_out(world *w)
{
    sim_cal_event ev;
    while (sim_cal_pop(&w->s.cal, &ev)) {
        switch ((pw_event_kind)sim_kind_of(&w->s, ev.fn)) {
        case EV_GROUP_SESSION: {
            group *g = ev.obj;
            pw_link *m;
            while ((m = pw_list_pop_head(&g->members))) {
                patient *pt = PW_LIST_ENTRY(m, patient, member);
                pt->grp = NULL;
                exit_unfinished(w, pt, pt->step_start_day, pt->sessions_step,
                                PW_X_STILL_IN_TREATMENT);
            }
            pw_list_remove(&w->running, &g->live);
            pw_list_push_head(&w->group_pool, &g->pool);
            break;
        }
        case EV_REREFERRAL: /* not yet referred: not a referral of this run */
            patient_delete(w, ev.obj);
            break;
        case EV_FOLLOWUP: /* due at the very end: read now; the person exits below */
            followup_read(w, ev.obj, ev.arg, 0);
            break;
        case EV_OPT_IN:
        case EV_ASSESSMENT:
        case EV_SESSION: {
            patient *pt = ev.obj;
            assert(pt->at != W_WAIT_ASSESS && pt->at != W_WAIT_STEP);
            int treated = pt->at == W_TREATMENT;
            exit_unfinished(w, pt, treated ? pt->step_start_day : NAN, pt->sessions_step,
                            treated ? PW_X_STILL_IN_TREATMENT : PW_X_STILL_WAITING);
            break;
        }
        case EV_LETTER:         /* a holding-list letter: void now */
        case EV_TOP_UP:
        case EV_ASSESS_DROPOUT: /* on a list: the list walk below writes them */
        case EV_STEP_DROPOUT:
        case EV_EPISODE_END:    /* the same patient has a session event too */
        case EV_ARRIVAL:
        case EV_CLINIC:
        case EV_HIRE:
        case EV_TRAINING_END:
        case EV_SICK_END:
        case EV_SICK_HANDOVER:
        case EV_LEAVE:
        case EV_PLAN:
        case EV_WEEK:
        case EV_WINDOW_START:
        case EV_WINDOW_END:
            break;
        default:
            assert(!"cohort_close_out: an event of no registered kind");
        }
    }
    pw_list *lists[] = {&w->assess_list, &w->step_list[0], &w->step_list[1], &w->prio_list[0],
                        &w->prio_list[1],    &w->group_list[0], &w->group_list[1]};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
        pw_link *k;
        while ((k = pw_list_pop_head(lists[i]))) {
            patient *pt = PW_LIST_ENTRY(k, patient, wait);
            /* A course waiting to resume keeps its start and sessions, as at dropped_waiting. */
            emit_stage(w, pt, pt->resume ? pt->step_start_day : NAN, NAN,
                       pt->resume ? pt->sessions_step : 0, "unfinished", 1);
            cohort_exit(w, pt, PW_X_STILL_WAITING);
        }
    }
}
