/* People: a referral's record and streams, its case mix, the fortunes drawn once at
 * referral, and its symptoms (drift while waiting, questionnaires).
 *
 * Holds: the pool of free patients (their generators kept for reuse), case mix, remission
 * time, responsiveness and dice, natural history (drift and remission, in every state),
 * questionnaire readings.
 * Keyed dice: the reporting practices that touch the record (report_draw), at creation.
 * Streams: the case-mix stream the caller passes (RS_CASEMIX or RS_PREFILL); the person's
 * own PR_FATE (remission, responsiveness), PR_ROUTE (dice), PR_DRIFT or PR_AFTER
 * (natural history's noise) and PR_TREAT (questionnaire noise).
 * Schedules: nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>

#include "pw_state.h"

/* Bytes of a person's record with its generators right behind it, so that a handler's
 * touches of a person fall in one span (the world's slab: sim_slab.h). */
size_t patient_bytes(void) { return sizeof(patient) + sim_rng_block_size(PR_N); }

/* A zeroed record from the world's slab, its generators placed; NULL when out of memory. */
static patient *record_new(world *w)
{
    patient *pt = sim_slab_take(&w->people);
    if (!pt)
        return NULL;
    memset(pt, 0, sizeof *pt);
    sim_rng_place(pt + 1, PR_N, pt->r);
    return pt;
}

/* A new person's record (from the world's pool of deleted records when it has one, else
 * carved from its slab) with its streams seeded for number `number` of the kind starting
 * at `base`. The world owns it (patient_delete gives it back); NULL when out of memory, or
 * when the kind has no stream numbers left (then PW_ENUMBERS is recorded: sim_fail).
 * Draws from no stream: the practices that touch the record are its keyed dice
 * (report_draw). */
patient *patient_new(world *w, uint32_t base, uint64_t number)
{
    uint64_t most = base == BASE_REFERRAL     ? PW_MAX_REFERRALS
                    : base == BASE_REREFERRAL ? PW_MAX_REREFERRALS
                                              : PW_MAX_PREFILLED;
    if (number >= most) {
        sim_fail(&w->s, PW_ENUMBERS);
        return NULL;
    }
    patient *pt = PW_LIST_ENTRY(pw_list_pop_head(&w->pool), patient, pool);
    if (pt) {
        gsl_rng *r[PR_N];
        memcpy(r, pt->r, sizeof r);
        memset(pt, 0, sizeof *pt);
        memcpy(pt->r, r, sizeof r);
    } else if (!(pt = record_new(w))) {
        return NULL;
    }
    uint32_t idx = (uint32_t)((base + number) * PR_N);
    for (int k = 0; k < PR_N; k++) /* = sim_rng_seed_entity(r, seed, rep, 0, idx + k) */
        sim_rng_seed_keyed(pt->r[k], w->person_key, idx + (uint32_t)k);
    pt->key = idx;
    report_draw(w, pt);
    pt->sg_opt_in = pt->sg_dna = pt->sg_dropout = pt->sg_response = 1.0;
    pt->step = -1;
    pt->assessed_day = pt->first_contact_day = pt->first_treatment_day = NAN;
    pt->step2_end_day = pt->step_start_day = NAN;
    w->live_patients++;
    return pt;
}

/* The end of pt's record: it goes back to the world's pool for patient_new to reuse (its
 * memory is freed with the world's slab), so pt must be on no list but the pool's after
 * this and no one may read it; a holding-list letter still on the calendar is voided. */
void patient_delete(world *w, patient *pt)
{
    pt->hold_serial = 0; /* a holding-list letter still on the calendar is void */
    pt->at = W_NONE;
    pw_list_push_head(&w->pool, &pt->pool);
    w->live_patients--;
}

/* Draw the attributes and baseline severity of a new referral at day t from stream r (case
 * mix); its source is self with the self-referral share at t (pw_referral_self_share). */
void patient_draw_casemix(const pw_params *p, patient *pt, gsl_rng *r, double t)
{
    const pw_casemix *m = &p->casemix;
    pt->self_ref = gsl_rng_uniform(r) < pw_referral_self_share(p, t);
    double u = gsl_rng_uniform(r), c = 0;
    pt->age_band = 3;
    for (int i = 0; i < 4; i++) {
        c += m->age_band_shares[i];
        if (u < c) {
            pt->age_band = (unsigned char)i;
            break;
        }
    }
    pt->female = gsl_rng_uniform(r) < m->female_share;
    pt->minority = gsl_rng_uniform(r) < m->ethnic_minority_share;
    pt->ltc = gsl_rng_uniform(r) < m->ltc_share;
    pt->ld = gsl_rng_uniform(r) < m->ld_share;
    pt->risk = gsl_rng_uniform(r) < m->risk_share;
    u = gsl_rng_uniform(r);
    pt->need = u < m->need_shares[0]                      ? PW_NEED_LOW
               : u < m->need_shares[0] + m->need_shares[1] ? PW_NEED_HIGH
                                                           : PW_NEED_SPECIALIST;
    double z1, z2;
    gsl_ran_bivariate_gaussian(r, 1.0, 1.0, m->phq_gad_correlation, &z1, &z2);
    double shift = pt->self_ref ? m->self_referral_phq_shift : 0.0;
    pt->phq = clampd(m->phq_mean[pt->need] + shift + m->phq_sd[pt->need] * z1, 0, PW_PHQ_MAX);
    pt->gad = clampd(m->gad_mean[pt->need] + m->gad_sd[pt->need] * z2, 0, PW_GAD_MAX);
    pt->phq0 = pt->phq_u = pt->phq;
    pt->gad0 = pt->gad_u = pt->gad;
}

/* What is decided about a person once, at referral, so that it is the same whatever the
 * service does with them: the time they would remit spontaneously, counted from `from`
 * (INFINITY if never), and their responsiveness (PR_FATE); the dice in pw_die order
 * (PR_ROUTE). */
void patient_draw_fortunes(const world *w, patient *pt, double from)
{
    double rate = w->p->symptoms.remission_per_week / 7.0;
    pt->remission_day = rate > 0 ? from + gsl_ran_exponential(pt->r[PR_FATE], 1.0 / rate)
                                 : INFINITY;
    pt->response_z = gsl_ran_gaussian_ziggurat(pt->r[PR_FATE], 1.0);
    for (int k = 0; k < DIE_N; k++)
        pt->dice[k] = gsl_rng_uniform(pt->r[PR_ROUTE]);
}

/* Natural history of latent scores *phq, *gad from day `from` to day `to`, whatever the
 * person is doing meanwhile (waiting, in treatment, discharged): drift and noise (from
 * rf: PR_DRIFT in the service, PR_AFTER after it), and spontaneous remission if it falls
 * due in (from, to]. Sessions add their effect on top (session_effect). *phq_u, *gad_u
 * (unless NULL), the same person untreated, take the same drift, noise and remission, and
 * no draw more: the counterfactual differs from the scores only by what sessions did. */
void patient_natural_history(const world *w, patient *pt, gsl_rng *rf, double from, double to,
                             double *phq, double *gad, double *phq_u, double *gad_u)
{
    if (!(to > from))
        return;
    const pw_symptoms_p *sy = &w->p->symptoms;
    /* A span holding the remission is taken in two parts, before and after it, so that the
     * result does not depend on how the time was cut (by sessions, say): noise gathered
     * before remission is scaled by it, noise after it is not. */
    double cut = pt->remission_day > from && pt->remission_day <= to ? pt->remission_day : to;
    for (double a = from, b = cut; a < to; a = b, b = to) {
        double weeks = (b - a) / 7.0;
        double f = pow(1 + sy->wait_drift_per_week, weeks);
        double sd = sy->wait_noise_sd_per_week * sqrt(weeks);
        double e1 = sd > 0 ? gsl_ran_gaussian_ziggurat(rf, sd) : 0;
        double e2 = sd > 0 ? gsl_ran_gaussian_ziggurat(rf, sd) : 0;
        *phq = *phq * f + e1;
        *gad = *gad * f + e2;
        if (phq_u) {
            *phq_u = *phq_u * f + e1;
            *gad_u = *gad_u * f + e2;
        }
        /* Remission happens at a time drawn at referral: the same person remits at the
         * same moment whatever the service does. */
        if (b == pt->remission_day) {
            *phq *= sy->remission_factor;
            *gad *= sy->remission_factor;
            if (phq_u) {
                *phq_u *= sy->remission_factor;
                *gad_u *= sy->remission_factor;
            }
        }
    }
    /* Not clipped to the scales: a walk clipped at every step is pushed off its bounds,
     * so the same span cut into more steps (a treated person's) would end elsewhere than
     * in one (an untreated person's). Questionnaires clip what they read, and the
     * caseness thresholds lie well inside the scales. */
}

/* Bring latent scores up to now (patient_natural_history since they were last). */
void patient_drift(world *w, patient *pt)
{
    double from = pt->state_day;
    pt->state_day = w->s.now;
    patient_natural_history(w, pt, pt->r[PR_DRIFT], from, w->s.now, &pt->phq, &pt->gad,
                            &pt->phq_u, &pt->gad_u);
}

/* A questionnaire reading: latent + measurement noise (from r when sd > 0), rounded and
 * clipped to the scale. */
static int observe(double latent, double sd, double max, gsl_rng *r)
{
    double x = latent + (sd > 0 ? gsl_ran_gaussian_ziggurat(r, sd) : 0.0);
    return (int)clampd(nearbyint(x), 0, max);
}

/* pt fills in PHQ-9 and GAD-7 (noise from PR_TREAT), `coaching` points lower on PHQ-9 and
 * the same share of the scale lower on GAD-7; the first reading is the reported baseline. */
void patient_questionnaire(world *w, patient *pt, double coaching)
{
    double sd = w->p->symptoms.measurement_sd;
    pt->obs_phq = observe(pt->phq - coaching, sd, PW_PHQ_MAX, pt->r[PR_TREAT]);
    pt->obs_gad = observe(pt->gad - coaching * PW_GAD_MAX / PW_PHQ_MAX, sd, PW_GAD_MAX,
                          pt->r[PR_TREAT]);
    pt->has_obs = 1;
    pt->q_phq = pt->phq;
    pt->q_gad = pt->gad;
    if (!pt->has_obs0) {
        pt->obs_phq0 = pt->obs_phq;
        pt->obs_gad0 = pt->obs_gad;
        pt->has_obs0 = 1;
    }
}
