/* Referrals: arrivals as a thinned non-homogeneous Poisson process, opting in, and relapse
 * bringing a discharged person back as a re-referral.
 *
 * Holds: the referral rate (one rate, or a rate per source, with seasonality, growth and
 * step changes; or a week's count replayed) and its bound, the self-referral share at a
 * time, the arrival of a referral, opt-in, relapse and re-referral.
 * Streams: RS_ARRIVALS (candidate times and thinning: never anything else, so who arrives
 * when does not depend on capacity or policy), RS_CASEMIX (through patient_draw_casemix);
 * the person's PR_OPTIN (opting in, its delay) and PR_FATE (relapse, its delay, the
 * re-referral's scores).
 * Schedules: the next candidate arrival; a referral's opt-in; a re-referral.
 */
#include <assert.h>
#include <math.h>
#include <gsl/gsl_randist.h>

#include "pw_state.h"

/* Referrals a week by source at day t before seasonality and step changes: *gp and *self
 * (per_week mode: *gp is the whole rate, *self 0). When both sources grow alike the total
 * is one product, (gp + self) x growth, so that gp_per_week + self_per_week equal to
 * per_week give the very same rate, bit for bit, and so the same arrivals. */
static void source_rates(const pw_referrals *r, double t, double *gp, double *self)
{
    double years = t / YEAR_DAYS;
    if (isnan(r->gp_per_week)) {
        *gp = r->per_week * pow(1 + r->growth_per_year, years);
        *self = 0;
        return;
    }
    *gp = r->gp_per_week * pow(1 + r->gp_growth_per_year, years);
    *self = r->self_per_week * pow(1 + r->self_growth_per_year, years);
}

/* The total of source_rates (see there for why equal growth is one product). */
static double base_rate(const pw_referrals *r, double t)
{
    if (!isnan(r->gp_per_week) && r->gp_growth_per_year == r->self_growth_per_year)
        return (r->gp_per_week + r->self_per_week) * pow(1 + r->gp_growth_per_year,
                                                         t / YEAR_DAYS);
    double gp, self;
    source_rates(r, t, &gp, &self);
    return gp + self;
}

/* The row of a weekly_counts file that holds day t: week k of the run is row k, cycling
 * when weekly_counts_repeat (the loader checked that the file covers the run otherwise). */
static size_t week_row(const pw_referrals *r, double t)
{
    size_t k = (size_t)(t / 7.0);
    if (r->weekly_counts_repeat)
        return k % r->n_weeks;
    assert(k < r->n_weeks && "the loader checks that weekly_counts covers the run");
    return k;
}

/* Referrals a day at time t: the week's count / 7 when replaying weekly counts; else the
 * base rate (by source or whole) x the month's seasonality x the step changes so far. */
static double referral_rate(const world *w, double t)
{
    const pw_referrals *r = &w->p->referrals;
    if (r->n_weeks)
        return r->week_total[week_row(r, t)] / 7.0;
    /* The month of day t (the clock, never before day 0). Rounding of the division can
     * put a time just short of a year's end in month 12: it is December's. */
    assert(t >= 0 && "referrals arrive from day 0 on");
    int month = (int)(fmod(t, YEAR_DAYS) / (YEAR_DAYS / 12.0));
    if (month > 11)
        month = 11;
    double rate = base_rate(r, t) / 7.0 * r->seasonality[month];
    for (size_t i = 0; i < r->n_step_changes; i++)
        if (t >= r->step_changes[i].week * 7.0)
            rate *= r->step_changes[i].factor;
    return rate;
}

double pw_referral_self_share(const pw_params *p, double t)
{
    const pw_referrals *r = &p->referrals;
    if (r->n_weeks && r->weekly_by_source) {
        size_t k = week_row(r, t);
        return r->week_total[k] > 0 ? r->week_self[k] / r->week_total[k] : 0.0;
    }
    if (isnan(r->gp_per_week))
        return r->self_referral_share;
    double gp, self;
    source_rates(r, t, &gp, &self);
    return gp + self > 0 ? self / (gp + self) : 0.0;
}

double pw_referral_base_per_week(const pw_referrals *r)
{
    if (r->n_weeks) {
        double sum = 0;
        for (size_t k = 0; k < r->n_weeks; k++)
            sum += r->week_total[k];
        return sum / (double)r->n_weeks;
    }
    return isnan(r->gp_per_week) ? r->per_week : r->gp_per_week + r->self_per_week;
}

void pw_referral_scale(pw_referrals *r, double f)
{
    r->per_week *= f; /* NAN stays NAN: a rate not given */
    r->gp_per_week *= f;
    r->self_per_week *= f;
    for (size_t k = 0; k < r->n_weeks; k++) {
        r->week_total[k] *= f;
        r->week_self[k] *= f;
    }
}

/* The largest growth factor at rate g over [0, years] (1 when shrinking). */
static double growth_bound(double g, double years) { return fmax(1.0, pow(1 + g, years)); }

double pw_referral_bound(const pw_params *p)
{
    const pw_referrals *r = &p->referrals;
    if (r->n_weeks) { /* the busiest week the run reaches */
        double most = 0;
        size_t weeks = (size_t)ceil(pw_run_days(p) / 7.0);
        for (size_t k = 0; k < r->n_weeks && k < weeks; k++)
            most = fmax(most, r->week_total[k]);
        return most / 7.0;
    }
    double season = 0;
    for (int m = 0; m < 12; m++)
        season = fmax(season, r->seasonality[m]);
    double years = pw_run_days(p) / YEAR_DAYS;
    double base;
    if (isnan(r->gp_per_week))
        base = r->per_week * growth_bound(r->growth_per_year, years);
    else if (r->gp_growth_per_year == r->self_growth_per_year) /* as base_rate computes it */
        base = (r->gp_per_week + r->self_per_week) * growth_bound(r->gp_growth_per_year, years);
    else /* each source at its own most: at least their sum at any one time */
        base = r->gp_per_week * growth_bound(r->gp_growth_per_year, years) +
               r->self_per_week * growth_bound(r->self_growth_per_year, years);
    double steps = 1.0, prod = 1.0;
    for (size_t i = 0; i < r->n_step_changes; i++) {
        prod *= r->step_changes[i].factor;
        steps = fmax(steps, prod);
    }
    return base / 7.0 * season * steps;
}

/* An upper bound of referral_rate over the run: the thinning bound. */
double referral_max_rate(const world *w)
{
    return pw_referral_bound(w->p);
}

/* pt's referral ends without their opting in: never (at referral), or closed unanswered. */
static void never_opted_in(world *w, patient *pt, pw_exit why)
{
    emit_stage(w, pt, NAN, w->s.now, 0, pw_exit_name(why), 0);
    cohort_exit(w, pt, why);
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
        w->c->n_ref++;
        w->out->stages[PW_S_REFERRED]++;
        if (pt->rereferral) {
            w->out->stages[PW_S_RE_REFERRED]++;
            w->c->n_rereferrals++;
        }
    }
    w->week.referrals++;
    emit_event(w, pt, "referral", "complete", NULL);
    if (gsl_rng_uniform(pt->r[PR_OPTIN]) >=
        odds_scaled(p->assessment.opt_in_probability, pt->sg_opt_in)) {
        pt->queue_day = w->s.now;
        never_opted_in(w, pt, PW_X_NO_OPT_IN);
        return;
    }
    pt->at = W_OPT_IN;
    pt->queue_day = w->s.now; /* waiting to opt in counts as waiting for assessment */
    /* One draw whichever source's mean applies, when either is above 0, so that the
     * stream's later draws (attending the assessment) are the same whatever the means. */
    const pw_assessment_p *a = &p->assessment;
    double self = isnan(a->self_opt_in_days_mean) ? a->opt_in_days_mean : a->self_opt_in_days_mean;
    double mean = pt->self_ref ? self : a->opt_in_days_mean;
    double d = a->opt_in_days_mean > 0 || self > 0
                   ? mean * gsl_ran_exponential(pt->r[PR_OPTIN], 1.0)
                   : 0;
    /* Not answered by the closing day: closed then (arg 1). */
    int closed = a->opt_in_close_days > 0 && d > a->opt_in_close_days;
    if (d > 0)
        pt->timer = sim_schedule(&w->s, closed ? a->opt_in_close_days : d, PRIO_PERSON,
                                 referral_on_opt_in, pt, (uint64_t)closed);
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
    patient_draw_casemix(w->p, pt, w->st.r[RS_CASEMIX], s->now);
    subgroup_draw(w, pt);
    refer(w, pt);
}

/* pt opts in: onto the assessment list; or, arg 1, the service closes the referral
 * unanswered (assessment.opt_in_close_days). */
void referral_on_opt_in(sim *s, void *obj, uint64_t arg)
{
    world *w = s->user;
    patient *pt = obj;
    pt->timer = 0;
    if (arg)
        never_opted_in(w, pt, PW_X_CLOSED_UNANSWERED);
    else
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
 * need (the new referral's PR_FATE). Schedules EV_REREFERRAL if it falls within the run
 * and returns the new referral, its day in *when; else NULL. */
const patient *referral_relapse(world *w, const patient *old, int recovered, double *when)
{
    const pw_relapse_p *rp = &w->p->relapse;
    double prob = recovered ? rp->probability_recovered : rp->probability_unrecovered;
    if (!(prob > 0) || gsl_rng_uniform(old->r[PR_FATE]) >= prob)
        return NULL;
    double t = w->s.now + gsl_ran_exponential(old->r[PR_FATE], rp->mean_days);
    if (t >= w->t_end)
        return NULL;
    uint64_t idx = w->next_rereferral++;
    patient *pt = patient_new(w, BASE_REREFERRAL, idx);
    if (!pt) {
        sim_fail(&w->s, SIM_ENOMEM);
        return NULL;
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
    pt->phq = pt->phq0 = pt->phq_u =
        clampd(m->phq_mean[pt->need] + m->phq_sd[pt->need] * z1, 0, PW_PHQ_MAX);
    pt->gad = pt->gad0 = pt->gad_u =
        clampd(m->gad_mean[pt->need] + m->gad_sd[pt->need] * z2, 0, PW_GAD_MAX);
    pt->timer = sim_schedule_at(&w->s, t, PRIO_PERSON, referral_on_rereferral, pt, 0);
    *when = t;
    return pt;
}
