/* Referrals: arrivals as a thinned non-homogeneous Poisson process, opting in, and relapse
 * bringing a discharged person back as a re-referral.
 *
 * Holds: the referral rate (base, seasonality, growth, step changes) and its bound, the
 * arrival of a referral, opt-in, relapse and re-referral.
 * Streams: RS_ARRIVALS (candidate times and thinning: never anything else, so who arrives
 * when does not depend on capacity or policy), RS_CASEMIX (through patient_draw_casemix);
 * the person's PR_OPTIN (opting in, its delay) and PR_FATE (relapse, its delay, the
 * re-referral's scores).
 * Schedules: the next candidate arrival; a referral's opt-in; a re-referral.
 */
#include <math.h>
#include <gsl/gsl_randist.h>

#include "pw_state.h"

/* Referrals a day at time t. */
static double referral_rate(const world *w, double t)
{
    const pw_referrals *r = &w->p->referrals;
    int month = (int)(fmod(t, YEAR_DAYS) / (YEAR_DAYS / 12.0));
    if (month < 0)
        month = 0;
    if (month > 11)
        month = 11;
    double rate = r->per_week / 7.0 * r->seasonality[month] *
                  pow(1 + r->growth_per_year, t / YEAR_DAYS);
    for (size_t i = 0; i < r->n_step_changes; i++)
        if (t >= r->step_changes[i].week * 7.0)
            rate *= r->step_changes[i].factor;
    return rate;
}

double pw_run_days(const pw_params *p)
{
    /* On until the cohort can finish and every member's outcome reading falls due. */
    return (p->warmup_weeks * 7.0 + p->horizon_weeks * 7.0) +
           fmax(p->followup_weeks, p->outcome_weeks) * 7.0;
}

double pw_referral_bound(const pw_params *p)
{
    const pw_referrals *r = &p->referrals;
    double season = 0;
    for (int m = 0; m < 12; m++)
        season = fmax(season, r->seasonality[m]);
    double years = pw_run_days(p) / YEAR_DAYS;
    double growth = fmax(1.0, pow(1 + r->growth_per_year, years));
    double steps = 1.0, prod = 1.0;
    for (size_t i = 0; i < r->n_step_changes; i++) {
        prod *= r->step_changes[i].factor;
        steps = fmax(steps, prod);
    }
    return r->per_week / 7.0 * season * growth * steps;
}

/* An upper bound of referral_rate over the run: the thinning bound. */
double referral_max_rate(const world *w)
{
    return pw_referral_bound(w->p);
}

/* pt is referred now: fortunes drawn (PR_FATE, PR_ROUTE), counted if in the cohort, then
 * opts in (PR_OPTIN) now or after a delay (schedules EV_OPT_IN), or never. */
static void refer(world *w, patient *pt)
{
    const pw_params *p = w->p;
    pt->referral_day = w->s.now;
    pt->state_day = w->s.now;
    patient_draw_fortunes(w, pt, w->s.now);
    pt->cohort = w->s.now >= w->t_window0 && w->s.now < w->t_window1;
    if (pt->cohort) {
        pt->fu_timer = sim_schedule(&w->s, p->outcome_weeks * 7.0, PRIO_PERSON,
                                    cohort_on_followup, pt, 0);
        w->n_ref++;
        w->out->stages[PW_S_REFERRED]++;
        if (pt->rereferral) {
            w->out->stages[PW_S_RE_REFERRED]++;
            w->n_rereferrals++;
        }
    }
    w->week.referrals++;
    emit_event(w, pt, "referral", "complete", NULL);
    if (gsl_rng_uniform(pt->r[PR_OPTIN]) >=
        odds_scaled(p->assessment.opt_in_probability, pt->sg_opt_in)) {
        pt->queue_day = w->s.now;
        emit_stage(w, pt, NAN, w->s.now, 0, "no_opt_in", 0);
        cohort_exit(w, pt, PW_X_NO_OPT_IN);
        return;
    }
    pt->at = W_OPT_IN;
    pt->queue_day = w->s.now; /* waiting to opt in counts as waiting for assessment */
    double d = p->assessment.opt_in_days_mean > 0
                   ? gsl_ran_exponential(pt->r[PR_OPTIN], p->assessment.opt_in_days_mean)
                   : 0;
    if (d > 0)
        pt->timer = sim_schedule(&w->s, d, PRIO_PERSON, referral_on_opt_in, pt, 0);
    else
        assess_join(w, pt);
}

/* A candidate arrival: the next candidate is drawn first (RS_ARRIVALS), so the arrival
 * stream never depends on what follows; thinned to the rate now; a referral's case mix
 * from RS_CASEMIX. Schedules the next EV_ARRIVAL. */
void referral_on_arrival(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    (void)arg;
    world *w = s->user;
    gsl_rng *ra = w->st.r[RS_ARRIVALS];
    double t = s->now + gsl_ran_exponential(ra, 1.0 / w->lambda_max);
    if (t < w->t_end)
        sim_schedule_at(s, t, PRIO_PERSON, referral_on_arrival, NULL, 0);
    if (gsl_rng_uniform(ra) * w->lambda_max > referral_rate(w, s->now))
        return; /* thinned */
    patient *pt = patient_new(w, BASE_REFERRAL, w->next_referral);
    if (!pt) {
        sim_fail(s, SIM_ENOMEM);
        return;
    }
    pt->id = w->next_referral++;
    pt->person_id = pt->id;
    patient_draw_casemix(w->p, pt, w->st.r[RS_CASEMIX]);
    subgroup_draw(w, pt);
    refer(w, pt);
}

/* pt opts in: onto the assessment list. */
void referral_on_opt_in(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    patient *pt = obj;
    pt->timer = 0;
    assess_join(w, pt);
}

/* A relapsed person comes back: referred again now. */
void referral_on_rereferral(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    patient *pt = obj;
    pt->timer = 0;
    refer(w, pt);
}

/* After a discharge, a relapse may bring the person back (old's PR_FATE: whether and
 * when): a new referral with their history (failures) and fresh latent scores for their
 * need (the new referral's PR_FATE). Schedules EV_REREFERRAL if it falls within the run. */
void referral_relapse(world *w, const patient *old, int recovered)
{
    const pw_relapse_p *rp = &w->p->relapse;
    double prob = recovered ? rp->probability_recovered : rp->probability_unrecovered;
    if (!(prob > 0) || gsl_rng_uniform(old->r[PR_FATE]) >= prob)
        return;
    double t = w->s.now + gsl_ran_exponential(old->r[PR_FATE], rp->mean_days);
    if (t >= w->t_end)
        return;
    uint64_t idx = w->next_rereferral++;
    patient *pt = patient_new(w, BASE_REREFERRAL, idx);
    if (!pt) {
        sim_fail(&w->s, SIM_ENOMEM);
        return;
    }
    pt->id = idx; /* re-referrals numbered in their own sequence (PW_ORIGIN_REREFERRAL) */
    pt->origin = PW_ORIGIN_REREFERRAL;
    pt->person_id = old->person_id;
    pt->person_origin = old->person_origin;
    pt->failures = old->failures;
    pt->rereferral = 1;
    pt->risk = old->risk;
    pt->need = old->need;
    subgroup_copy(pt, old);
    const pw_casemix *m = &w->p->casemix;
    double z1, z2;
    gsl_ran_bivariate_gaussian(pt->r[PR_FATE], 1.0, 1.0, m->phq_gad_correlation, &z1, &z2);
    pt->phq = pt->phq0 = clampd(m->phq_mean[pt->need] + m->phq_sd[pt->need] * z1, 0, PW_PHQ_MAX);
    pt->gad = pt->gad0 = clampd(m->gad_mean[pt->need] + m->gad_sd[pt->need] * z2, 0, PW_GAD_MAX);
    pt->timer = sim_schedule_at(&w->s, t, PRIO_PERSON, referral_on_rereferral, pt, 0);
}
