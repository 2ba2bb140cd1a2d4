/* Metrics: time averages of lists, load and capacity, the weekly series, the measurement
 * window, and the headline metrics computed at the end of the run.
 *
 * Holds: the time-average trackers, the weekly round (workforce round, the week's row),
 * the window's start and end (time averages frozen), metrics_compute.
 * Streams: none here (the weekly round's staff draws are pw_staff.c's).
 * Schedules: the next week (EV_WEEK).
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "pw_state.h"

/* The lists' lengths changed: record them (step lists count their group list too). */
void metrics_track_lists(world *w)
{
    double t = w->s.now;
    sim_timeavg_set(&w->ta_wait_assess, t, (double)w->assess_list.n);
    for (int s = 0; s < PW_STEP_N; s++)
        sim_timeavg_set(&w->ta_wait_step[s], t,
                        (double)wait_count(w, s));
}

/* Committed clinician hours of a step changed by delta. The step's sum takes the same
 * additions and releases as its clinicians' loads (episode_commit_hours), in another
 * order: it may end a hair below zero from rounding, never by more than 1e-6 hours a week
 * (a few ms); further below is a release without its commitment, asserted. The shipped
 * scenarios at -r 1, 26 weeks, never take it below zero at all. */
void metrics_track_load(world *w, int step, double delta)
{
    w->load_step[step] += delta;
    assert(w->load_step[step] > -1e-6 && "a step's committed hours released twice");
    if (w->load_step[step] < 1e-9)
        w->load_step[step] = 0;
    sim_timeavg_set(&w->ta_load[step], w->s.now, w->load_step[step]);
}

/* Available treatment hours by step may have changed: clinicians in post, not off sick. */
void metrics_track_capacity(world *w)
{
    double cap[PW_STEP_N];
    roster_step_hours(w, cap);
    for (int st = 0; st < PW_STEP_N; st++) {
        if (cap[st] != w->ta_cap[st].value)
            w->cap_varied = 1;
        sim_timeavg_set(&w->ta_cap[st], w->s.now, cap[st]);
    }
}

/* Week arg begins: week arg - 1's row of the time series, then the workforce's weekly
 * round (with staff dynamics). The row, and the window's salary and headcount sums, take
 * the staff of the week just ended, before the round's leavers go: taken after, every
 * leaver counted as gone for the whole week even when replaced at once. The round's
 * leavers and starters fall in the week it begins. Schedules the next week while it
 * starts within the run. First, a stop asked (pw_run_stoppable's flag raised) stops the
 * engine here instead: read once a simulated week, a cheap place that bounds how long a
 * stop waits without a test per event. */
void metrics_on_week(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    world *w = s->user;
    if (w->stop && *w->stop) {
        sim_stop(s);
        return;
    }
    pw_results *o = w->out;
    size_t k = (size_t)arg;
    if (k > 0 && k - 1 < o->n_weeks) {
        pw_week *wk = &o->weeks[k - 1];
        *wk = w->week;
        wk->waiting_assessment = (double)w->assess_list.n;
        for (int st = 0; st < PW_STEP_N; st++) {
            wk->waiting_step[st] = (double)wait_count(w, st);
            wk->caseload_step[st] = w->in_treatment[st];
        }
        staff_week(w, wk);
        memset(&w->week, 0, sizeof w->week);
    }
    if (k > 0)
        assess_review(w);
    if (k > 0 && w->dynamic)
        staff_round(w);
    if (s->now + 7.0 <= w->t_end)
        sim_schedule_at(s, s->now + 7.0, PRIO_WEEK, metrics_on_week, NULL, arg + 1);
}

/* The measurement window opens: time averages restart. */
void metrics_on_window_start(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    (void)arg;
    world *w = s->user;
    w->in_window = 1;
    sim_timeavg_restart(&w->ta_wait_assess, s->now);
    for (int st = 0; st < PW_STEP_N; st++) {
        sim_timeavg_restart(&w->ta_wait_step[st], s->now);
        sim_timeavg_restart(&w->ta_load[st], s->now);
        sim_timeavg_restart(&w->ta_cap[st], s->now);
    }
}

/* The measurement window closes: the staff's window figures, and the time-average
 * metrics frozen at their value now. */
void metrics_on_window_end(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    (void)arg;
    world *w = s->user;
    w->in_window = 0;
    staff_close_window(w);
    double t = s->now;
    double *m = w->out->metric;
    m[PW_M_WAITING_ASSESSMENT_MEAN] = sim_timeavg_mean(&w->ta_wait_assess, t);
    m[PW_M_WAITING_STEP2_MEAN] = sim_timeavg_mean(&w->ta_wait_step[PW_STEP2], t);
    m[PW_M_WAITING_STEP3_MEAN] = sim_timeavg_mean(&w->ta_wait_step[PW_STEP3], t);
    pool_on_window_end(w, t); /* the hours in use and available, as the pool keeps them */
    const pw_pool *pl = &w->out->pool;
    for (int st = 0; st < PW_STEP_N; st++)
        m[st == PW_STEP2 ? PW_M_UTILISATION_STEP2 : PW_M_UTILISATION_STEP3] =
            pl->cap_hours[st] > 0 ? pl->load_hours[st] / pl->cap_hours[st] : NAN;
    m[PW_M_UTILISATION_ASSESSMENT] =
        w->assess_slots_offered > 0 ? w->assess_slots_used / w->assess_slots_offered : NAN;
    m[PW_M_ASSESSMENT_EXTRA_SHARE] =
        w->assess_slots_offered > 0 ? w->assess_slots_extra / w->assess_slots_offered : NAN;
}

/* The headline metrics from the cohort's accumulators, at the end of the run: the shares
 * from its counts (metrics_counts, as a federation's are from its services' summed), the
 * means and centiles from its own tallies and histogram. */
void metrics_compute(world *w)
{
    pw_results *o = w->out;
    double *m = o->metric;
    metrics_counts(w->p, o, w->c);
    m[PW_M_WAIT_TO_ASSESSMENT_DAYS_MEAN] = sim_tally_mean(&w->t_wait_assess);
    /* The cohort's sum over its count, as subgroups.csv's "all" row takes it, so the two
     * agree to the last bit (a running mean rounds differently). */
    m[PW_M_WAIT_TO_TREATMENT_DAYS_MEAN] =
        pw_gmetric_value(&o->by_group[PW_G_ALL], PW_GM_WAIT_TO_TREATMENT_DAYS_MEAN);
    m[PW_M_WAIT_TO_TREATMENT_DAYS_P50] = sim_hist_quantile(&w->h_wait_treat, 0.5);
    m[PW_M_WAIT_TO_TREATMENT_DAYS_P90] = sim_hist_quantile(&w->h_wait_treat, 0.9);
    m[PW_M_WAIT_REPORTED_DAYS_MEAN] = sim_tally_mean(&w->t_wait_reported);
    m[PW_M_STEP_UP_WAIT_DAYS_MEAN] = sim_tally_mean(&w->t_step_up_wait);
    m[PW_M_WAIT_FOR_STEP3_DAYS_MEAN] = sim_tally_mean(&w->t_step3_wait);
    m[PW_M_SESSIONS_MEAN_FINISHERS] = sim_tally_mean(&w->t_sessions_fin);
    m[PW_M_SESSIONS_MEAN_RECOVERED] = sim_tally_mean(&w->t_sessions_rec);
    m[PW_M_HANDED_ON] = (double)w->diary_handed_back;
    m[PW_M_SPREAD_SESSIONS] = (double)w->diary_spread;
    m[PW_M_MOVED_SESSIONS] = (double)w->diary_moved;
}

/* The metrics of results o's own counts, its exits by group and its failed episodes, over
 * n_ref referrals. */
static void metrics_exits(pw_results *o, double n_ref)
{
    double *m = o->metric;
    const uint64_t *x = o->exits, *fl = o->failures;
#define SHARE(num) (n_ref > 0 ? (double)(num) / n_ref : NAN)
    m[PW_M_DROPOUT_BEFORE_ASSESSMENT_SHARE] =
        SHARE(pw_exit_group_count(x, PW_XG_BEFORE_ASSESSMENT));
    m[PW_M_DROPOUT_AFTER_ASSESSMENT_SHARE] = SHARE(pw_exit_group_count(x, PW_XG_AFTER_ASSESSMENT));
    m[PW_M_DROPOUT_IN_TREATMENT_SHARE] = SHARE(pw_exit_group_count(x, PW_XG_IN_TREATMENT));
    m[PW_M_SIGNPOSTED_SHARE] = SHARE(pw_exit_group_count(x, PW_XG_SIGNPOSTED));
    m[PW_M_STILL_IN_SYSTEM_SHARE] = SHARE(pw_exit_group_count(x, PW_XG_STILL_IN_SYSTEM));
    /* Failed episodes per referral (fail-first's cost); 3+ counted as 3. */
    m[PW_M_FAILED_EPISODES_MEAN] = SHARE(fl[1] + 2 * fl[2] + 3 * fl[3]);
    m[PW_M_FAILED_AT_LEAST_ONCE_SHARE] = SHARE(fl[1] + fl[2] + fl[3]);
#undef SHARE
}

/* The staff metrics of results o (costs per referral, finished course, recovery and
 * recovery caused: true recoveries less those natural history alone would have brought;
 * turnover, all roles and by step; open caseload per step-2 clinician over the window's
 * weeks; burnout) from its role figures and weeks and the cohort's counts c. */
static void metrics_staff(const pw_params *p, pw_results *o, const pw_pool *c)
{
    double n_ref = (double)c->n_ref, n_finished = (double)c->n_finished;
    double rep_recovered = (double)c->rep_recovered, fu_recovered = (double)c->fu_recovered;
    double fu_recovered_u = (double)c->fu_recovered_u;
    double *m = o->metric;
    double cost = 0, heads = 0, turnover = 0, burn = 0;
    double step_heads[PW_STEP_N] = {0, 0}, step_turnover[PW_STEP_N] = {0, 0};
    for (size_t r = 0; r < p->n_roles; r++) {
        const pw_role_stats *st = &o->roles[r];
        double gone = (double)(st->leavers + st->to_training);
        cost += st->salary_gbp + st->oncost_gbp + st->training_gbp;
        heads += st->headcount_years;
        turnover += gone;
        burn += st->burnout_years;
        /* By step: the roles that deliver it (PWPs at step 2, HITs at step 3). */
        for (int s = 0; s < PW_STEP_N; s++)
            if (p->roles[r].does & pw_does_step(s)) {
                step_heads[s] += st->headcount_years;
                step_turnover[s] += gone;
            }
    }
    m[PW_M_COST_PER_REFERRAL_GBP] = n_ref > 0 ? cost / n_ref : NAN;
    m[PW_M_COST_PER_FINISHED_COURSE_GBP] = n_finished > 0 ? cost / n_finished : NAN;
    m[PW_M_COST_PER_RECOVERY_GBP] = rep_recovered > 0 ? cost / rep_recovered : NAN;
    m[PW_M_COST_PER_TRUE_RECOVERY_GBP] = fu_recovered > 0 ? cost / fu_recovered : NAN;
    m[PW_M_COST_PER_RECOVERY_CAUSED_GBP] =
        fu_recovered > fu_recovered_u ? cost / (fu_recovered - fu_recovered_u) : NAN;
    m[PW_M_STAFF_TURNOVER_RATE] = heads > 0 ? turnover / heads : NAN;
    m[PW_M_STAFF_TURNOVER_RATE_STEP2] =
        step_heads[PW_STEP2] > 0 ? step_turnover[PW_STEP2] / step_heads[PW_STEP2] : NAN;
    m[PW_M_STAFF_TURNOVER_RATE_STEP3] =
        step_heads[PW_STEP3] > 0 ? step_turnover[PW_STEP3] / step_heads[PW_STEP3] : NAN;
    m[PW_M_BURNOUT_MEAN] = heads > 0 ? burn / heads : NAN;
    double t0 = p->warmup_weeks * 7.0, t1 = t0 + p->horizon_weeks * 7.0;
    double cases = 0, clinicians = 0;
    for (size_t k = 0; k < o->n_weeks; k++) {
        if ((double)(k + 1) * 7.0 <= t0 || (double)k * 7.0 >= t1)
            continue;
        cases += o->weeks[k].caseload_step[PW_STEP2];
        for (size_t r = 0; r < p->n_roles; r++)
            if (p->roles[r].does & PW_DOES_STEP2)
                clinicians += o->weeks[k].staff_in_post[r];
    }
    m[PW_M_CASELOAD_PER_STEP2_CLINICIAN] = clinicians > 0 ? cases / clinicians : NAN;
}

/* The finishers' path mix and mean sessions by path (PW_P_STEP2_ONLY, PW_P_STEP2_THEN_3,
 * PW_P_STEP3_ONLY) into m. */
static void metrics_paths(double *m, const uint64_t *fin_n, const double *fin_sessions,
                   uint64_t n_finished)
{
    static const pw_metric fin_share[] = {PW_M_FINISHERS_STEP2_ONLY_SHARE,
                                          PW_M_FINISHERS_STEP2_THEN_3_SHARE,
                                          PW_M_FINISHERS_STEP3_ONLY_SHARE};
    static const pw_metric fin_mean[] = {PW_M_SESSIONS_MEAN_FINISHERS_STEP2_ONLY,
                                         PW_M_SESSIONS_MEAN_FINISHERS_STEP2_THEN_3,
                                         PW_M_SESSIONS_MEAN_FINISHERS_STEP3_ONLY};
    for (int k = 0; k < 3; k++) {
        m[fin_share[k]] = n_finished > 0 ? (double)fin_n[k] / (double)n_finished : NAN;
        m[fin_mean[k]] = fin_n[k] ? fin_sessions[k] / (double)fin_n[k] : NAN;
    }
}

/* The headline metrics made of the cohort's counts c: shares, by the reporting conventions
 * (reported shares over finishers as reported or casers, true shares over every referral
 * or true caser), exits, staff and paths. One definition for a world (metrics_compute, its
 * own counts) and a federation (pw_pool_finish, its services' summed). */
void metrics_counts(const pw_params *p, pw_results *o, const pw_pool *c)
{
    double *m = o->metric;
#define SHARE(num, den) ((den) > 0 ? (double)(num) / (double)(den) : NAN)
    m[PW_M_REFERRALS] = (double)c->n_ref;
    m[PW_M_ENTERED_TREATMENT_SHARE] = SHARE(c->n_entered, c->n_ref);
    m[PW_M_FINISHED_COURSE_SHARE] = SHARE(c->n_finished, c->n_ref);
    m[PW_M_RECOVERY_RATE_REPORTED] = SHARE(c->rep_recovered, c->rep_casers);
    m[PW_M_RECOVERY_RATE_TRUE] = SHARE(c->fu_recovered, c->fu_casers);
    m[PW_M_RECOVERY_RATE_TRUE_UNTREATED] = SHARE(c->fu_recovered_u, c->fu_casers);
    m[PW_M_RECOVERY_RATE_TRUE_AT_EXIT] = SHARE(c->tru_recovered, c->tru_casers);
    m[PW_M_RELIABLE_IMPROVEMENT_REPORTED] = SHARE(c->rep_ri, c->n_rep_finished);
    m[PW_M_RELIABLE_IMPROVEMENT_TRUE] = SHARE(c->fu_ri, c->n_ref);
    m[PW_M_RELIABLE_IMPROVEMENT_TRUE_AT_EXIT] = SHARE(c->tru_ri, c->n_ref);
    m[PW_M_RELIABLE_RECOVERY_REPORTED] = SHARE(c->rep_rr, c->rep_casers);
    m[PW_M_RELIABLE_RECOVERY_TRUE] = SHARE(c->fu_rr, c->fu_casers);
    m[PW_M_RELIABLE_RECOVERY_TRUE_AT_EXIT] = SHARE(c->tru_rr, c->tru_casers);
    m[PW_M_WITHIN_6_WEEKS_REPORTED] = SHARE(c->w6_rep, c->n_rep_finished);
    m[PW_M_WITHIN_18_WEEKS_REPORTED] = SHARE(c->w18_rep, c->n_rep_finished);
    m[PW_M_WITHIN_6_WEEKS_TRUE] = SHARE(c->w6_true, c->n_ref);
    m[PW_M_WITHIN_18_WEEKS_TRUE] = SHARE(c->w18_true, c->n_ref);
    m[PW_M_STEPPED_UP_SHARE] = SHARE(c->n_stepped_up, c->n_step2_starters);
    /* The levers' own counts, from the cohort's stages (a federation's summed by then):
     * a person steps down, or goes back on a list after a cap, at most once. */
    m[PW_M_STEPPED_DOWN_SHARE] =
        SHARE(o->stages[PW_S_STEPPED_DOWN], o->stages[PW_S_ENTERED_STEP3]);
    m[PW_M_BACK_ON_LIST_SHARE] =
        SHARE(o->stages[PW_S_BACK_ON_LIST], o->stages[PW_S_ENTERED_TREATMENT]);
    m[PW_M_RE_REFERRAL_SHARE] = SHARE(c->n_rereferrals, c->n_ref);
    m[PW_M_WAIT_ASSESSMENT_TO_TREATMENT_OVER_90_DAYS_SHARE] = SHARE(c->n_a2t_over90, c->n_a2t);
    int late = pw_metric_taken(p, PW_M_RECOVERY_RATE_TRUE_LATE); /* else empty */
    m[PW_M_RECOVERY_RATE_TRUE_LATE] = late ? SHARE(c->fu_late_recovered, c->fu_casers) : NAN;
    m[PW_M_RECOVERY_RATE_TRUE_UNTREATED_LATE] =
        late ? SHARE(c->fu_late_recovered_u, c->fu_casers) : NAN;
#undef SHARE
    metrics_exits(o, (double)c->n_ref);
    metrics_staff(p, o, c);
    metrics_paths(m, c->fin_n, c->fin_sessions, c->n_finished);
}
