/* The stepped-care world: referrals, assessment, waiting lists, treatment episodes,
 * symptoms, fail-first step-up, relapse; one replication per call of pw_run. */
#include "pw_world.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "pol.h"
#include "sim/core/sim.h"
#include "sim/core/sim_rng.h"
#include "sim/core/sim_stats.h"

/* Replication streams: fixed ids, so adding one never shifts another. */
enum { RS_ARRIVALS, RS_CASEMIX, RS_PREFILL, RS_N }; /* staff have streams of their own */
/* Every referral has its own streams, one per purpose, so that two scenarios that send
 * a person down different routes still give them the same draws for the same kind of
 * event (the n-th session's attendance, the n-th session's effect). Stream index within
 * the replication: (base + number) * PR_N + purpose: injective below 2^32 for referral numbers
 * < 2^27, re-referrals < 2^26, pre-filled people < 2^26 (per replication). */
enum {
    PR_OPTIN,   /* opting in, attending the assessment */
    PR_WAIT,    /* dropping out while waiting (a variable number of draws: kept apart) */
    PR_SESSION, /* attending each session, dropping out after it */
    PR_TREAT,   /* session effects and questionnaire noise */
    PR_FATE,    /* spontaneous remission time, responsiveness, relapse */
    PR_DRIFT,   /* symptom drift while waiting (a variable number of draws: kept apart) */
    PR_ROUTE,   /* what the assessor sees, routing, delivery mode, step-up, booking lags */
    PR_N
};
#define BASE_REFERRAL 0u
#define BASE_REREFERRAL (1u << 27)
#define BASE_PREFILL (3u << 26)
_Static_assert(PR_N <= 8, "person streams: (base + number) * PR_N must stay below 2^32");

/* Event priorities at equal times: bookkeeping first, then the day's clinics, then people. */
enum { PRIO_WEEK = -10, PRIO_WINDOW = -9, PRIO_CLINIC = -5, PRIO_PERSON = 0 };

#define PHQ_MAX 27.0
#define GAD_MAX 21.0
#define PHQ_CASE 10
#define GAD_CASE 8
#define DAY_START (9.0 / 24.0) /* appointments from 09:00 */

typedef enum where {
    W_NONE,
    W_OPT_IN,       /* referred, not yet opted in */
    W_WAIT_ASSESS,  /* on the assessment list */
    W_ASSESSING,    /* booked into an assessment clinic */
    W_WAIT_STEP,    /* on a step's waiting list */
    W_TREATMENT,    /* in a treatment episode */
} where;

typedef struct clinician clinician;
typedef struct patient patient;
typedef struct group group;

struct clinician {
    int id, role;
    int member;             /* number within the role (streams are keyed by it) */
    unsigned does;
    double hours_week;      /* treatment hours a week now (base x cap_factor) */
    double load_hours;      /* committed hours a week */
    double phone_hours;     /* of which telephone (weighs more for burnout) */
    int caseload, cap;
    double effect_mult;     /* therapist effect on session outcomes */
    int active;             /* in post (or in training); 0 once gone */
    int training;           /* in training for `role` */
    int sick;               /* on sick leave */
    double cap_factor;      /* share of full capacity: ramp-up, training */
    double ramp_per_week;   /* rise of cap_factor a week while ramping up */
    double start_day;       /* in the service since */
    double qualified_day;   /* in this role (qualified) since: the training bar */
    double sick_since;
    double burnout;         /* 0 (none) .. 1 */
    double salary_gbp;      /* a year per FTE */
    double fte;
    gsl_rng *rng;           /* this clinician's own stream (hazards, draws at leaving) */
    patient *patients;      /* individual caseload (linked through patient.cnext) */
    sim_event_id sick_end;
};

struct patient {
    uint64_t id, person_id;
    gsl_rng *r[PR_N];       /* the referral's own streams, by purpose */
    patient *next, *prev;   /* waiting-list links */
    patient *pool_next;
    double referral_day;
    int cohort;
    unsigned char self_ref, age_band, female, minority, ltc, ld, risk, rereferral;
    pw_need need;
    double phq, gad;        /* latent */
    double phq0, gad0;      /* latent at referral */
    double remission_day;   /* spontaneous remission if still waiting then (drawn once) */
    double dice[6];         /* uniforms thrown once at referral (PR_ROUTE): what the
                               assessor sees, its neighbour, risk, policy rule, mode,
                               step-up */
    double response_z;      /* how well this person responds to treatment: a standard
                               normal drawn once, so their response is the same in
                               every scenario (effect = mean + sd * z) */
    double state_day;       /* latent last brought up to date (waiting drift) */
    where at;
    int step;               /* current step, -1 none */
    pw_mode mode;
    double queue_day;       /* joined the current list */
    double assessed_day, first_contact_day, first_treatment_day, step2_end_day;
    double step_start_day;
    int obs_phq0, obs_gad0, has_obs0; /* first questionnaire (reported baseline) */
    int obs_phq, obs_gad, has_obs;    /* latest questionnaire */
    int sessions, sessions_step, dnas, good_run, failures, stepped_up;
    unsigned paths;         /* bit s: entered step s */
    clinician *clin;
    double load;            /* hours a week committed with clin */
    group *grp;             /* the group, for group-mode treatment */
    patient *cnext, *cprev; /* the clinician's caseload links */
    int resume;             /* back on a list after losing their clinician: the course
                               goes on where it stopped */
    patient *gnext, *gprev; /* group membership links */
    sim_event_id timer;     /* dropout timer or next session */
    sim_event_id end_timer; /* episode_days end */
};

typedef struct wlist {
    patient *head, *tail;
    size_t n;
} wlist;

/* A therapy group: a facilitator, members who joined together, sessions for all. */
struct group {
    int step;
    clinician *fac;
    patient *members;
    int n, sessions_held;
    double load;            /* facilitator hours a week */
    sim_event_id timer;
    group *pool_next;
    group *live_next, *live_prev;
};

typedef struct world {
    const pw_params *p;
    const pw_policy *pol;
    const pw_monitor *mon;
    int rep;
    sim s;
    sim_streams st;
    pw_results *out;
    double t_window0, t_window1, t_end; /* measurement window, end of run */
    double lambda_max;                  /* referral thinning bound, per day */
    uint64_t next_referral, next_rereferral, next_prefill;
    clinician **staff;                  /* everyone ever in post, by id */
    size_t n_staff, cap_staff;
    int dynamic;                        /* any staff dynamics in the scenario */
    int next_member[PW_MAX_ROLES];      /* member numbers given out, by role */
    int vacancies[PW_MAX_ROLES];        /* posts advertised, not yet filled */
    int establishment[PW_MAX_ROLES];    /* posts: the starting headcount plus planned hires */
    double pool_year_start;             /* labour pool: the current year's start ... */
    int pool_used;                      /* ... and starters in it */
    group *running;                     /* running groups (for a facilitator leaving) */
    double *burn;                       /* scratch: burnout of each clinician in post */
    size_t burn_cap;
    wlist assess_list, step_list[PW_STEP_N];
    wlist group_list[PW_STEP_N];        /* waiting to join a group */
    group *group_pool;                  /* free groups */
    int in_treatment[PW_STEP_N];        /* open episodes by step */
    patient *pool;                      /* free patients, generators kept */
    size_t live_patients;
    int assessor_role;
    double assess_carry;                /* fractional slot carried to the next day */
    /* accumulators over the measurement window */
    sim_timeavg ta_wait_assess, ta_wait_step[PW_STEP_N];
    sim_timeavg ta_load[PW_STEP_N];
    double cap_hours[PW_STEP_N];
    double load_step[PW_STEP_N];        /* committed hours a week by step */
    sim_timeavg ta_cap[PW_STEP_N];      /* treatment hours available (with dynamics) */
    int cap_varied;                     /* the hours available have changed */
    unsigned char *closed;              /* closed[d]: day d is a closure day */
    long n_days;
    double assess_slots_offered, assess_slots_used;
    int in_window;
    pw_week week;                       /* the week being counted */
    /* per-cohort sums for metrics */
    sim_tally t_wait_assess, t_wait_treat, t_wait_reported, t_step_up_wait;
    sim_tally t_sessions_fin, t_sessions_rec;
    sim_hist h_wait_treat;
    uint64_t n_ref, n_entered, n_finished, n_stepped_up, n_step2_starters;
    uint64_t rep_casers, rep_recovered, rep_ri, rep_rr;
    uint64_t tru_casers, tru_recovered, tru_ri, tru_rr;
    uint64_t w6_rep, w18_rep, w6_true, w18_true;
    uint64_t n_rereferrals;
    int error;
} world;

/* ==== small helpers ==================================================================== */

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

static int is_working_day(const world *w, double day)
{
    long d = (long)floor(day);
    if (w->p->weekend_closed && ((d % 7) + 7) % 7 >= 5)
        return 0;
    return !(d >= 0 && d < w->n_days && w->closed[d]);
}

/* The first time >= t on a working day, keeping the time of day. */
static double next_working(const world *w, double t)
{
    for (int k = 0; k < 400 && !is_working_day(w, t); k++)
        t += 1.0;
    return t;
}

static double hazard_at(const pw_hazard *h, double wait_days)
{
    if (h->half_days <= 0)
        return h->p_end;
    double r = wait_days / h->half_days;
    double x = h->shape == 2.0 ? r * r : pow(r, h->shape);
    return h->p_start + (h->p_end - h->p_start) * x / (1 + x);
}

/* Time until dropout under a wait-dependent hazard scaled by mult, by thinning against
 * the hazard's maximum; INFINITY if the hazard is zero. Draws from r. */
static double dropout_delay(const pw_hazard *h, double mult, gsl_rng *r)
{
    double hmax = fmax(h->p_start, h->p_end) * mult;
    if (!(hmax > 0))
        return INFINITY;
    double t = 0;
    for (int k = 0; k < 10000; k++) {
        t += gsl_ran_exponential(r, 1.0 / hmax);
        if (gsl_rng_uniform(r) * hmax <= hazard_at(h, t) * mult)
            return t;
    }
    return INFINITY;
}

static int observe(double latent, double sd, double max, gsl_rng *r)
{
    double x = latent + (sd > 0 ? gsl_ran_gaussian_ziggurat(r, sd) : 0.0);
    return (int)clampd(nearbyint(x), 0, max);
}

static int caseness(double phq, double gad) { return phq >= PHQ_CASE || gad >= GAD_CASE; }

/* Reliable improvement: PHQ-9 down >= 6 or GAD-7 down >= 4, and neither reliably worse. */
static int reliable_improvement(double phq0, double gad0, double phq1, double gad1)
{
    int better = phq0 - phq1 >= 6 || gad0 - gad1 >= 4;
    int worse = phq1 - phq0 >= 6 || gad1 - gad0 >= 4;
    return better && !worse;
}

static void emit_event(world *w, const patient *pt, const char *activity, const char *life,
                       const clinician *c)
{
    if (!w->mon || !w->mon->event)
        return;
    pw_event_record e = {pt->id, activity, life, w->s.now,
                         c ? w->p->roles[c->role].name : "", c ? c->id : -1};
    w->mon->event(w->mon->ctx, &e);
}

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

/* Report the patient's current stage to the monitor (patients.csv). */
static void emit_stage(world *w, const patient *pt, double start, double end, int sessions,
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

/* ==== waiting lists ==================================================================== */

static void wl_push(wlist *l, patient *pt)
{
    pt->next = NULL;
    pt->prev = l->tail;
    if (l->tail)
        l->tail->next = pt;
    else
        l->head = pt;
    l->tail = pt;
    l->n++;
}

/* Put pt at the head of the list, ahead of everyone waiting. */
static void wl_push_front(wlist *l, patient *pt)
{
    pt->prev = NULL;
    pt->next = l->head;
    if (l->head)
        l->head->prev = pt;
    else
        l->tail = pt;
    l->head = pt;
    l->n++;
}

static void wl_remove(wlist *l, patient *pt)
{
    if (pt->prev)
        pt->prev->next = pt->next;
    else
        l->head = pt->next;
    if (pt->next)
        pt->next->prev = pt->prev;
    else
        l->tail = pt->prev;
    pt->next = pt->prev = NULL;
    l->n--;
}

static void track_lists(world *w)
{
    double t = w->s.now;
    sim_timeavg_set(&w->ta_wait_assess, t, (double)w->assess_list.n);
    for (int s = 0; s < PW_STEP_N; s++)
        sim_timeavg_set(&w->ta_wait_step[s], t,
                        (double)(w->step_list[s].n + w->group_list[s].n));
}

/* Committed clinician hours of a step changed by delta. */
static void track_load(world *w, int step, double delta)
{
    w->load_step[step] += delta;
    if (w->load_step[step] < 1e-9)
        w->load_step[step] = 0;
    sim_timeavg_set(&w->ta_load[step], w->s.now, w->load_step[step]);
}

/* ==== people =========================================================================== */

static void patient_destroy(patient *pt)
{
    for (int k = 0; k < PR_N; k++)
        if (pt->r[k])
            gsl_rng_free(pt->r[k]);
    free(pt);
}

/* A new referral (from the pool when possible) with its streams seeded for
 * number `number` of the kind starting at `base`. NULL when out of memory. */
static patient *patient_new(world *w, uint32_t base, uint64_t number)
{
    patient *pt = w->pool;
    if (pt) {
        w->pool = pt->pool_next;
        gsl_rng *r[PR_N];
        memcpy(r, pt->r, sizeof r);
        memset(pt, 0, sizeof *pt);
        memcpy(pt->r, r, sizeof r);
    } else {
        pt = calloc(1, sizeof *pt);
        if (!pt)
            return NULL;
        for (int k = 0; k < PR_N; k++)
            if (!(pt->r[k] = gsl_rng_alloc(SIM_RNG_TYPE))) {
                patient_destroy(pt);
                return NULL;
            }
    }
    uint32_t idx = (uint32_t)((base + number) * PR_N);
    for (int k = 0; k < PR_N; k++)
        sim_rng_seed_entity(pt->r[k], w->p->seed, (uint32_t)w->rep, 0, idx + (uint32_t)k);
    pt->step = -1;
    pt->assessed_day = pt->first_contact_day = pt->first_treatment_day = NAN;
    pt->step2_end_day = pt->step_start_day = NAN;
    w->live_patients++;
    return pt;
}

static void patient_release(world *w, patient *pt)
{
    pt->pool_next = w->pool;
    w->pool = pt;
    w->live_patients--;
}

/* Draw the attributes and baseline severity of a new referral from stream r (case mix). */
static void draw_casemix(const pw_params *p, patient *pt, gsl_rng *r)
{
    const pw_casemix *m = &p->casemix;
    pt->self_ref = gsl_rng_uniform(r) < p->referrals.self_referral_share;
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
    pt->phq = clampd(m->phq_mean[pt->need] + shift + m->phq_sd[pt->need] * z1, 0, PHQ_MAX);
    pt->gad = clampd(m->gad_mean[pt->need] + m->gad_sd[pt->need] * z2, 0, GAD_MAX);
    pt->phq0 = pt->phq;
    pt->gad0 = pt->gad;
}

/* Bring latent scores up to now after a spell of waiting: drift, noise, remission. */
static void drift_to_now(world *w, patient *pt)
{
    double weeks = (w->s.now - pt->state_day) / 7.0;
    pt->state_day = w->s.now;
    if (!(weeks > 0) || pt->at == W_TREATMENT)
        return;
    const pw_symptoms_p *sy = &w->p->symptoms;
    double f = pow(1 + sy->wait_drift_per_week, weeks);
    double sd = sy->wait_noise_sd_per_week * sqrt(weeks);
    gsl_rng *rf = pt->r[PR_DRIFT];
    pt->phq = pt->phq * f + (sd > 0 ? gsl_ran_gaussian_ziggurat(rf, sd) : 0);
    pt->gad = pt->gad * f + (sd > 0 ? gsl_ran_gaussian_ziggurat(rf, sd) : 0);
    /* Remission happens at a time drawn at referral, if the person is waiting then: the
     * same person remits at the same moment whatever the service does. */
    if (pt->remission_day <= w->s.now && pt->remission_day > w->s.now - weeks * 7.0) {
        pt->phq *= sy->remission_factor;
        pt->gad *= sy->remission_factor;
    }
    pt->phq = clampd(pt->phq, 0, PHQ_MAX);
    pt->gad = clampd(pt->gad, 0, GAD_MAX);
}

static void take_questionnaire(world *w, patient *pt, double coaching)
{
    double sd = w->p->symptoms.measurement_sd;
    pt->obs_phq = observe(pt->phq - coaching, sd, PHQ_MAX, pt->r[PR_TREAT]);
    pt->obs_gad = observe(pt->gad - coaching * GAD_MAX / PHQ_MAX, sd, GAD_MAX, pt->r[PR_TREAT]);
    pt->has_obs = 1;
    if (!pt->has_obs0) {
        pt->obs_phq0 = pt->obs_phq;
        pt->obs_gad0 = pt->obs_gad;
        pt->has_obs0 = 1;
    }
}

static pw_path path_of(const patient *pt)
{
    int s2 = pt->paths & 1u, s3 = (pt->paths >> 1) & 1u;
    return s2 && s3 ? PW_P_STEP2_THEN_3 : s2 ? PW_P_STEP2_ONLY : s3 ? PW_P_STEP3_ONLY : PW_P_NONE;
}

static void add_outcome(pw_outcome_counts *o, const patient *pt, int finished, int rep_case,
                        int rep_rec, int rep_ri, int rep_rr, int tru_case, int tru_rec,
                        int tru_ri)
{
    o->n++;
    o->finishers += (uint64_t)finished;
    o->reported_casers += (uint64_t)rep_case;
    o->reported_recovered += (uint64_t)rep_rec;
    o->reported_reliable_improvement += (uint64_t)rep_ri;
    o->reported_reliable_recovery += (uint64_t)rep_rr;
    o->true_casers += (uint64_t)tru_case;
    o->true_recovered += (uint64_t)tru_rec;
    o->true_reliable_improvement += (uint64_t)tru_ri;
    o->sessions_sum += pt->sessions;
    if (!isnan(pt->first_treatment_day)) {
        o->entered++;
        o->wait_to_treatment_sum_days += pt->first_treatment_day - pt->referral_day;
    }
}

static void schedule_rereferral(world *w, const patient *pt, int recovered);

/* The referral's journey is over: count it (if in the cohort), maybe book a relapse,
 * and free the patient. */
static void finish(world *w, patient *pt, pw_exit why)
{
    drift_to_now(w, pt);
    if (pt->cohort) {
        pw_results *o = w->out;
        o->exits[why]++;
        int finished = pt->sessions >= 2;
        int rep_case = 0, rep_rec = 0, rep_ri = 0, rep_rr = 0;
        if (finished && pt->has_obs0) {
            double coach = w->p->reporting.coaching_points;
            int phq1 = (int)clampd(pt->obs_phq - coach, 0, PHQ_MAX);
            int gad1 = (int)clampd(pt->obs_gad - coach * GAD_MAX / PHQ_MAX, 0, GAD_MAX);
            rep_case = caseness(pt->obs_phq0, pt->obs_gad0);
            rep_rec = rep_case && !caseness(phq1, gad1);
            rep_ri = reliable_improvement(pt->obs_phq0, pt->obs_gad0, phq1, gad1);
            rep_rr = rep_rec && rep_ri;
            w->rep_casers += (uint64_t)rep_case;
            w->rep_recovered += (uint64_t)rep_rec;
            w->rep_ri += (uint64_t)rep_ri;
            w->rep_rr += (uint64_t)rep_rr;
            double clock = w->p->reporting.clock_stops_at_first_contact &&
                                   !isnan(pt->first_contact_day)
                               ? pt->first_contact_day
                               : pt->first_treatment_day;
            double wr = clock - pt->referral_day;
            sim_tally_add(&w->t_wait_reported, wr);
            o->waits[PW_W_REPORTED][(size_t)fmin(wr / 7.0, PW_WAIT_WEEKS)]++;
            w->w6_rep += wr <= 42.0;
            w->w18_rep += wr <= 126.0;
            sim_tally_add(&w->t_sessions_fin, pt->sessions);
            if (rep_rec)
                sim_tally_add(&w->t_sessions_rec, pt->sessions);
            pw_score_hist *h = &o->scores;
            h->phq_start[pt->obs_phq0]++;
            h->gad_start[pt->obs_gad0]++;
            h->phq_end[phq1]++;
            h->gad_end[gad1]++;
            h->phq_change[phq1 - pt->obs_phq0 + 27]++;
            h->gad_change[gad1 - pt->obs_gad0 + 21]++;
            if (rep_rec)
                o->stages[PW_S_RECOVERED_REPORTED]++;
        }
        if (finished) {
            w->n_finished++;
            o->stages[PW_S_FINISHED_COURSE]++;
        }
        int tru_case = caseness(pt->phq0, pt->gad0);
        int tru_rec = tru_case && !caseness(pt->phq, pt->gad);
        int tru_ri = reliable_improvement(pt->phq0, pt->gad0, pt->phq, pt->gad);
        w->tru_casers += (uint64_t)tru_case;
        w->tru_recovered += (uint64_t)tru_rec;
        w->tru_ri += (uint64_t)tru_ri;
        w->tru_rr += (uint64_t)(tru_rec && tru_ri);
        o->failures[pt->failures < 3 ? pt->failures : 3]++;
        add_outcome(&o->by_path[path_of(pt)], pt, finished, rep_case, rep_rec, rep_ri, rep_rr,
                    tru_case, tru_rec, tru_ri);
        int groups[PW_G_N] = {1, !pt->self_ref, pt->self_ref, pt->ltc, pt->ld, pt->minority,
                              pt->age_band == 3};
        for (int g = 0; g < PW_G_N; g++)
            if (groups[g])
                add_outcome(&o->by_group[g], pt, finished, rep_case, rep_rec, rep_ri, rep_rr,
                            tru_case, tru_rec, tru_ri);
    }
    if (why == PW_X_DISCHARGED_RECOVERED || why == PW_X_DISCHARGED_COMPLETED ||
        why == PW_X_DISCHARGED_NO_PROGRESS)
        schedule_rereferral(w, pt, !caseness(pt->phq, pt->gad));
    emit_event(w, pt, pw_exit_name(why), "complete", NULL);
    patient_release(w, pt);
}

/* ==== treatment ======================================================================== */

static void on_session(sim *s, void *obj, uint64_t arg);
static void on_episode_end(sim *s, void *obj, uint64_t arg);
static void on_step_dropout(sim *s, void *obj, uint64_t arg);
static void allocate(world *w, int step);

/* Change a clinician's committed hours a week by delta (phone: telephone hours), record
 * the step's load, and offer any room that frees up to the step's list. */
static void commit_hours(world *w, clinician *c, int step, double delta, int phone)
{
    c->load_hours += delta;
    if (c->load_hours < 1e-9)
        c->load_hours = 0;
    if (phone)
        c->phone_hours += delta;
    track_load(w, step, delta);
    if (delta < 0)
        allocate(w, step);
}

/* Clinician hours a week for one person in individual treatment. */
static double session_hours(const pw_step_p *sp)
{
    return (sp->session_minutes + sp->admin_minutes) / 60.0 * 7.0 / sp->interval_days;
}

/* The same while the (longer) first session is still to come. */
static double first_session_hours(const pw_step_p *sp)
{
    return (sp->first_session_minutes + sp->admin_minutes) / 60.0 * 7.0 / sp->interval_days;
}

/* Facilitator hours a week for one group. */
static double group_hours(const pw_step_p *sp)
{
    return sp->group_minutes / 60.0 * 7.0 / sp->interval_days;
}

static void join_step(world *w, patient *pt, int step)
{
    const pw_step_p *sp = &w->p->step[step];
    drift_to_now(w, pt);
    pt->at = W_WAIT_STEP;
    pt->step = step;
    pt->queue_day = w->s.now;
    pt->clin = NULL;
    double u = pt->dice[4], c = 0;
    pt->mode = PW_MODE_F2F;
    for (int m = 0; m < PW_MODE_N; m++) {
        c += sp->mode_shares[m];
        if (u < c) {
            pt->mode = (pw_mode)m;
            break;
        }
    }
    double mult = pow(w->p->failure.dropout_multiplier, pt->failures);
    double d = dropout_delay(&sp->wait_dropout, mult, pt->r[PR_WAIT]);
    pt->timer = isfinite(d) && w->s.now + d < w->t_end
                    ? sim_schedule(&w->s, d, PRIO_PERSON, on_step_dropout, pt, 0)
                    : 0;
    wl_push(pt->mode == PW_MODE_GROUP ? &w->group_list[step] : &w->step_list[step], pt);
    track_lists(w);
    emit_event(w, pt, step == PW_STEP2 ? "step2_wait" : "step3_wait", "start", NULL);
    allocate(w, step);
}

/* The list a waiting patient is on. */
static wlist *list_of(world *w, const patient *pt)
{
    return pt->mode == PW_MODE_GROUP ? &w->group_list[pt->step] : &w->step_list[pt->step];
}

/* Free the clinician's place held by pt and offer it to the next on the list. */
static void group_leave(world *w, patient *pt);

static void release_clinician(world *w, patient *pt)
{
    if (pt->grp) {
        group_leave(w, pt);
        return;
    }
    clinician *c = pt->clin;
    if (!c)
        return;
    if (pt->cprev)
        pt->cprev->cnext = pt->cnext;
    else
        c->patients = pt->cnext;
    if (pt->cnext)
        pt->cnext->cprev = pt->cprev;
    pt->cnext = pt->cprev = NULL;
    c->caseload--;
    double load = pt->load;
    pt->load = 0;
    commit_hours(w, c, pt->step, -load, pt->mode == PW_MODE_PHONE);
}

/* End the current treatment episode with the given exit (or step-up). */
static void end_episode(world *w, patient *pt, pw_exit why)
{
    const pw_params *p = w->p;
    int step = pt->step;
    if (pt->timer)
        sim_cancel(&w->s, pt->timer);
    if (pt->end_timer)
        sim_cancel(&w->s, pt->end_timer);
    pt->timer = pt->end_timer = 0;
    /* A course that ends without one attended session was missed, not completed. */
    if (pt->sessions_step == 0 &&
        (why == PW_X_DISCHARGED_COMPLETED || why == PW_X_DISCHARGED_NO_PROGRESS))
        why = PW_X_DISCHARGED_DNA;
    int failed = why == PW_X_DISCHARGED_COMPLETED || why == PW_X_DISCHARGED_NO_PROGRESS;
    if (failed && pt->has_obs && !caseness(pt->obs_phq, pt->obs_gad))
        failed = 0; /* completed the course and scored well: not a failure */
    const char *reason = pw_exit_name(why);
    int step_up = 0;
    if (failed && step == PW_STEP2 && pt->dice[5] < p->step[PW_STEP2].step_up_probability)
        step_up = w->pol->step_up ? w->pol->step_up(p, pt->need, pt->failures) : 1;
    if (step_up)
        reason = "stepped_up";
    emit_stage(w, pt, pt->step_start_day, w->s.now, pt->sessions_step, reason, 0);
    emit_event(w, pt, step == PW_STEP2 ? "step2_treatment" : "step3_treatment", "complete",
               pt->clin);
    release_clinician(w, pt);
    w->in_treatment[step]--;
    pt->clin = NULL;
    pt->at = W_NONE;
    pt->state_day = w->s.now;
    if (failed)
        pt->failures++;
    if (step_up) {
        pt->stepped_up = 1;
        pt->step2_end_day = w->s.now;
        if (pt->cohort) {
            w->n_stepped_up++;
            w->out->stages[PW_S_STEPPED_UP]++;
        }
        join_step(w, pt, PW_STEP3);
        return;
    }
    finish(w, pt, why);
}

/* Book the clinician for pt and the first session. */
static void start_episode(world *w, patient *pt, clinician *c)
{
    const pw_step_p *sp = &w->p->step[pt->step];
    if (pt->timer)
        sim_cancel(&w->s, pt->timer);
    pt->timer = 0;
    wl_remove(list_of(w, pt), pt);
    track_lists(w);
    drift_to_now(w, pt);
    pt->at = W_TREATMENT;
    w->in_treatment[pt->step]++;
    pt->clin = c;
    pt->load = pt->resume ? session_hours(sp) : first_session_hours(sp);
    pt->cprev = NULL;
    pt->cnext = c->patients;
    if (c->patients)
        c->patients->cprev = pt;
    c->patients = pt;
    c->caseload++;
    commit_hours(w, c, pt->step, pt->load, pt->mode == PW_MODE_PHONE);
    if (!pt->resume) {
        pt->sessions_step = 0;
        pt->dnas = 0;
        pt->good_run = 0;
        pt->step_start_day = NAN;
    }
    pt->resume = 0;
    double lag = fmax(0.0, pw_dist_draw(&sp->first_session_lag_days, pt->r[PR_ROUTE]));
    double t = next_working(w, w->s.now + lag);
    pt->timer = sim_schedule_at(&w->s, t, PRIO_PERSON, on_session, pt, 0);
    if (sp->has_episode_days) {
        double d = fmax(0.0, pw_dist_draw(&sp->episode_days, pt->r[PR_TREAT]));
        pt->end_timer = sim_schedule_at(&w->s, t + d, PRIO_PERSON, on_episode_end, pt, 0);
    }
}

static void form_groups(world *w, int step);

/* The clinician who does every activity in `need`, has a free caseload place and `hours`
 * free a week, and has the most free hours (ties: lowest id); NULL if none. */
static clinician *pick_clinician(world *w, unsigned need, double hours)
{
    clinician *best = NULL;
    double best_free = -1;
    for (size_t i = 0; i < w->n_staff; i++) {
        clinician *c = w->staff[i];
        if (!c->active || c->sick || (c->does & need) != need || c->caseload >= c->cap)
            continue;
        double free_h = c->hours_week - c->load_hours;
        if (free_h + 1e-9 >= hours && free_h > best_free) {
            best = c;
            best_free = free_h;
        }
    }
    return best;
}

/* Offer free clinician places for a step to the people at the head of its list. The
 * clinician with the most free hours takes the next person (ties: lowest id). Groups are
 * formed first from the group list if a facilitator is free. */
static void allocate(world *w, int step)
{
    form_groups(w, step);
    const pw_step_p *sp = &w->p->step[step];
    unsigned need = step == PW_STEP2 ? PW_DOES_STEP2 : PW_DOES_STEP3;
    wlist *l = &w->step_list[step];
    while (l->head) {
        clinician *best = pick_clinician(w, need, session_hours(sp));
        if (!best)
            return;
        start_episode(w, l->head, best);
    }
}

static void on_episode_end(sim *s, void *obj, uint64_t arg)
{
    (void)s;
    (void)arg;
    patient *pt = obj;
    world *w = s->user;
    pt->end_timer = 0;
    end_episode(w, pt, PW_X_DISCHARGED_COMPLETED);
}

/* One appointment of pt's treatment (individual or group). Returns 1 if the episode
 * goes on, 0 if it ended here (end_episode has run). */
static int session(world *w, patient *pt)
{
    sim *s = &w->s;
    const pw_params *p = w->p;
    const pw_step_p *sp = &p->step[pt->step];
    double dna_p = sp->dna_probability * pow(p->failure.dna_multiplier, pt->failures);
    if (gsl_rng_uniform(pt->r[PR_SESSION]) < dna_p) {
        pt->dnas++;
        emit_event(w, pt, pt->step == PW_STEP2 ? "step2_dna" : "step3_dna", "complete", pt->clin);
        if (sp->discharge_after_dnas > 0 && pt->dnas >= sp->discharge_after_dnas) {
            end_episode(w, pt, PW_X_DISCHARGED_DNA);
            return 0;
        }
        return 1;
    }
    /* Attended. */
    if (pt->sessions_step == 0) {
        pt->step_start_day = s->now;
        pt->paths |= 1u << pt->step;
        if (pt->cohort)
            w->out->stages[pt->step == PW_STEP2 ? PW_S_ENTERED_STEP2 : PW_S_ENTERED_STEP3]++;
        if (pt->step == PW_STEP2 && pt->cohort)
            w->n_step2_starters++;
        emit_event(w, pt, pt->step == PW_STEP2 ? "step2_treatment" : "step3_treatment", "start",
                   pt->clin);
        if (pt->stepped_up && pt->step == PW_STEP3 && pt->cohort) {
            double sw = s->now - pt->step2_end_day;
            sim_tally_add(&w->t_step_up_wait, sw);
            w->out->waits[PW_W_STEP_UP][(size_t)fmin(sw / 7.0, PW_WAIT_WEEKS)]++;
        }
        if (pt->cohort) {
            double aw = s->now - (isnan(pt->assessed_day) ? pt->referral_day : pt->assessed_day);
            if (!pt->stepped_up)
                w->out->waits[PW_W_ASSESSMENT_TO_TREATMENT][(size_t)fmin(aw / 7.0, PW_WAIT_WEEKS)]++;
        }
    }
    if (isnan(pt->first_treatment_day)) {
        pt->first_treatment_day = s->now;
        if (isnan(pt->first_contact_day))
            pt->first_contact_day = s->now;
        if (pt->cohort) {
            double wt = s->now - pt->referral_day;
            w->n_entered++;
            w->out->stages[PW_S_ENTERED_TREATMENT]++;
            sim_tally_add(&w->t_wait_treat, wt);
            sim_hist_add(&w->h_wait_treat, wt);
            w->out->waits[PW_W_REFERRAL_TO_TREATMENT][(size_t)fmin(wt / 7.0, PW_WAIT_WEEKS)]++;
            w->w6_true += wt <= 42.0;
            w->w18_true += wt <= 126.0;
        }
    }
    pt->sessions++;
    pt->sessions_step++;
    if (pt->sessions_step == 1 && !pt->grp) { /* the diary now holds follow-ups */
        double delta = session_hours(sp) - pt->load;
        pt->load += delta;
        commit_hours(w, pt->clin, pt->step, delta, pt->mode == PW_MODE_PHONE);
    }
    w->week.sessions++;
    emit_event(w, pt, pt->step == PW_STEP2 ? "step2_session" : "step3_session", "complete",
               pt->clin);
    /* Questionnaire at the start of the session (the usual practice) or at its end. */
    int at_end = p->reporting.end_of_session_questionnaire;
    if (!at_end)
        take_questionnaire(w, pt, 0);
    int match = (pt->step == PW_STEP2 && pt->need == PW_NEED_LOW) ||
                (pt->step == PW_STEP3 && pt->need == PW_NEED_HIGH);
    gsl_rng *rt = pt->r[PR_TREAT];
    double f = sp->effect_mean + sp->effect_sd * pt->response_z;
    f *= (match ? 1.0 : sp->mismatch_factor) * pt->clin->effect_mult;
    if (p->workforce.burnout_effect > 0)
        f *= 1 - p->workforce.burnout_effect * pt->clin->burnout;
    if (pt->mode == PW_MODE_PHONE)
        f *= sp->phone_factor;
    else if (pt->mode == PW_MODE_GROUP)
        f *= sp->group_factor;
    f = clampd(f, -0.5, 0.9);
    double nsd = sp->session_noise_sd;
    pt->phq = clampd(pt->phq * (1 - f) + (nsd > 0 ? gsl_ran_gaussian_ziggurat(rt, nsd) : 0), 0, PHQ_MAX);
    pt->gad = clampd(pt->gad * (1 - f) + (nsd > 0 ? gsl_ran_gaussian_ziggurat(rt, nsd) : 0), 0, GAD_MAX);
    pt->state_day = s->now;
    if (at_end)
        take_questionnaire(w, pt, 0);
    int good = !caseness(pt->obs_phq, pt->obs_gad);
    pt->good_run = good ? pt->good_run + 1 : 0;
    if (good && p->reporting.discharge_on_first_good_score && pt->sessions_step >= 2) {
        end_episode(w, pt, PW_X_DISCHARGED_RECOVERED);
        return 0;
    }
    if (sp->recovered_sessions_to_end > 0 && pt->good_run >= sp->recovered_sessions_to_end &&
        pt->sessions_step >= sp->min_sessions) {
        end_episode(w, pt, PW_X_DISCHARGED_RECOVERED);
        return 0;
    }
    if (pt->sessions_step >= sp->max_sessions) {
        end_episode(w, pt, PW_X_DISCHARGED_COMPLETED);
        return 0;
    }
    if (sp->no_progress_after > 0 && pt->sessions_step >= sp->no_progress_after &&
        !good && !reliable_improvement(pt->obs_phq0, pt->obs_gad0, pt->obs_phq, pt->obs_gad)) {
        end_episode(w, pt, PW_X_DISCHARGED_NO_PROGRESS);
        return 0;
    }
    double drop = (pt->sessions_step == 1 ? sp->first_session_dropout : sp->dropout_per_session) *
                  pow(p->failure.dropout_multiplier, pt->failures);
    if (gsl_rng_uniform(pt->r[PR_SESSION]) < drop) {
        end_episode(w, pt, PW_X_DROPPED_IN_TREATMENT);
        return 0;
    }
    return 1;
}

static void on_session(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    patient *pt = obj;
    world *w = s->user;
    pt->timer = 0;
    /* The clinician is off sick: the session is cancelled, not moved. */
    if (pt->clin->sick || session(w, pt))
        pt->timer = sim_schedule_at(s, next_working(w, s->now + w->p->step[pt->step].interval_days),
                                    PRIO_PERSON, on_session, pt, 0);
}

/* ---- groups ---- */

static void on_group_session(sim *s, void *obj, uint64_t arg);

/* A group ends: the facilitator's time is free again. */
static void group_close(world *w, group *g)
{
    if (g->timer)
        sim_cancel(&w->s, g->timer);
    g->timer = 0;
    clinician *c = g->fac;
    c->caseload--;
    if (g->live_prev)
        g->live_prev->live_next = g->live_next;
    else
        w->running = g->live_next;
    if (g->live_next)
        g->live_next->live_prev = g->live_prev;
    g->pool_next = w->group_pool;
    w->group_pool = g;
    commit_hours(w, c, g->step, -g->load, 0);
}

/* pt leaves its group (episode over); an emptied group closes. */
static void group_leave(world *w, patient *pt)
{
    group *g = pt->grp;
    if (pt->gprev)
        pt->gprev->gnext = pt->gnext;
    else
        g->members = pt->gnext;
    if (pt->gnext)
        pt->gnext->gprev = pt->gprev;
    pt->gnext = pt->gprev = NULL;
    pt->grp = NULL;
    if (--g->n == 0)
        group_close(w, g);
}

/* Start groups while enough people wait and a facilitator has room (a caseload place and
 * the group's hours); the facilitator with the most free hours runs it. */
static void form_groups(world *w, int step)
{
    const pw_step_p *sp = &w->p->step[step];
    wlist *l = &w->group_list[step];
    unsigned need = PW_DOES_GROUPS | (step == PW_STEP2 ? PW_DOES_STEP2 : PW_DOES_STEP3);
    double hours = group_hours(sp);
    while (l->n > 0 && l->n >= (size_t)sp->group_min) {
        clinician *best = pick_clinician(w, need, hours);
        if (!best)
            return;
        group *g = w->group_pool;
        if (g) {
            w->group_pool = g->pool_next;
        } else if (!(g = malloc(sizeof *g))) {
            w->error = SIM_ENOMEM;
            sim_stop(&w->s);
            return;
        }
        memset(g, 0, sizeof *g);
        g->live_next = w->running;
        if (w->running)
            w->running->live_prev = g;
        w->running = g;
        g->step = step;
        g->fac = best;
        g->load = hours;
        best->caseload++;
        commit_hours(w, best, step, hours, 0);
        patient *first = l->head;
        patient *tail = NULL;
        for (int k = 0; k < sp->group_max && l->head; k++) {
            patient *pt = l->head;
            if (pt->timer)
                sim_cancel(&w->s, pt->timer);
            pt->timer = 0;
            wl_remove(l, pt);
            drift_to_now(w, pt);
            pt->at = W_TREATMENT;
            w->in_treatment[step]++;
            pt->clin = best;
            pt->grp = g;
            pt->load = 0;
            pt->sessions_step = pt->dnas = pt->good_run = pt->resume = 0;
            pt->step_start_day = NAN;
            /* Members in joining order. */
            pt->gprev = tail;
            pt->gnext = NULL;
            if (tail)
                tail->gnext = pt;
            else
                g->members = pt;
            tail = pt;
            g->n++;
        }
        track_lists(w);
        double lag = fmax(0.0, pw_dist_draw(&sp->first_session_lag_days, first->r[PR_ROUTE]));
        g->timer = sim_schedule_at(&w->s, next_working(w, w->s.now + lag), PRIO_PERSON,
                                   on_group_session, g, 0);
    }
}

/* A group session: each member in joining order has their appointment; after the last
 * session everyone still in the group completes. */
static void on_group_session(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    group *g = obj;
    world *w = s->user;
    const pw_step_p *sp = &w->p->step[g->step];
    g->timer = 0;
    if (g->fac->sick) { /* cancelled, the course waits a week */
        g->timer = sim_schedule_at(s, next_working(w, s->now + sp->interval_days), PRIO_PERSON,
                                   on_group_session, g, 0);
        return;
    }
    g->sessions_held++;
    int last = g->sessions_held >= sp->max_sessions;
    /* Members leave (and the group may close) inside session(): take a snapshot. */
    size_t n = (size_t)g->n, k = 0;
    patient *batch[64];
    patient **all = n <= 64 ? batch : malloc(n * sizeof *all);
    if (!all) {
        w->error = SIM_ENOMEM;
        sim_stop(s);
        return;
    }
    for (patient *m = g->members; m; m = m->gnext)
        all[k++] = m;
    /* The group closes when its last member leaves; keep it alive across the loop by
     * counting leavers ourselves. */
    size_t stay = n;
    for (size_t i = 0; i < n; i++) {
        patient *pt = all[i];
        int last_member = stay == 1;
        if (!session(w, pt)) {
            stay--;
        } else if (last) {
            stay--;
            end_episode(w, pt, PW_X_DISCHARGED_COMPLETED);
        }
        if (last_member && stay == 0)
            break;
    }
    if (all != batch)
        free(all);
    if (stay > 0)
        g->timer = sim_schedule_at(s, next_working(w, s->now + sp->interval_days), PRIO_PERSON,
                                   on_group_session, g, 0);
}


static void on_step_dropout(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    patient *pt = obj;
    world *w = s->user;
    pt->timer = 0;
    wl_remove(list_of(w, pt), pt);
    track_lists(w);
    emit_stage(w, pt, NAN, s->now, 0, "dropped_waiting", 0);
    emit_event(w, pt, pt->step == PW_STEP2 ? "step2_wait" : "step3_wait", "complete", NULL);
    finish(w, pt, pt->step == PW_STEP2 ? PW_X_DROPPED_WAITING_STEP2 : PW_X_DROPPED_WAITING_STEP3);
}

/* ==== assessment ======================================================================= */

static void on_assess_dropout(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    patient *pt = obj;
    world *w = s->user;
    pt->timer = 0;
    wl_remove(&w->assess_list, pt);
    track_lists(w);
    emit_stage(w, pt, NAN, s->now, 0, "dropped_waiting", 0);
    emit_event(w, pt, "assessment_wait", "complete", NULL);
    finish(w, pt, PW_X_DROPPED_WAITING_ASSESSMENT);
}

static void join_assessment(world *w, patient *pt)
{
    const pw_params *p = w->p;
    if (pt->cohort)
        w->out->stages[PW_S_OPTED_IN]++;
    if (p->assessment.skip) {
        join_step(w, pt, PW_STEP2);
        return;
    }
    drift_to_now(w, pt);
    pt->at = W_WAIT_ASSESS;
    pt->queue_day = w->s.now;
    double mult = pow(p->failure.dropout_multiplier, pt->failures);
    double d = dropout_delay(&p->assessment.wait_dropout, mult, pt->r[PR_WAIT]);
    pt->timer = isfinite(d) && w->s.now + d < w->t_end
                    ? sim_schedule(&w->s, d, PRIO_PERSON, on_assess_dropout, pt, 0)
                    : 0;
    wl_push(&w->assess_list, pt);
    track_lists(w);
    emit_event(w, pt, "assessment_wait", "start", NULL);
}

static void on_opt_in(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    patient *pt = obj;
    pt->timer = 0;
    join_assessment(w, pt);
}

/* The assessment appointment itself. */
static void on_assessment(sim *s, void *obj, uint64_t arg)
{
    world *w = s->user;
    const pw_params *p = w->p;
    patient *pt = obj;
    clinician *c = w->staff[arg];
    pt->timer = 0;
    drift_to_now(w, pt);
    if (gsl_rng_uniform(pt->r[PR_OPTIN]) < p->assessment.dna_probability) {
        emit_stage(w, pt, NAN, s->now, 0, "dna", 0);
        finish(w, pt, PW_X_DNA_ASSESSMENT);
        return;
    }
    pt->assessed_day = s->now;
    pt->first_contact_day = s->now;
    emit_event(w, pt, "assessment", "complete", c);
    if (pt->cohort) {
        double wa = s->now - pt->referral_day;
        w->out->stages[PW_S_ASSESSED]++;
        sim_tally_add(&w->t_wait_assess, wa);
        w->out->waits[PW_W_REFERRAL_TO_ASSESSMENT][(size_t)fmin(wa / 7.0, PW_WAIT_WEEKS)]++;
    }
    take_questionnaire(w, pt, 0);
    /* The assessor sees the need right with the role's accuracy; otherwise a neighbour. */
    pw_need seen = pt->need;
    if (pt->dice[0] >= p->roles[c->role].need_accuracy)
        seen = pt->need == PW_NEED_LOW ? PW_NEED_HIGH
               : pt->need == PW_NEED_HIGH ? (pt->dice[1] < 0.5 ? PW_NEED_LOW : PW_NEED_SPECIALIST)
                                          : PW_NEED_HIGH;
    pw_case_view v = {seen,   pt->need, pt->obs_phq,  pt->obs_gad,
                      pt->risk, pt->ld, pt->ltc,    pt->failures,
                      {pt->dice[2], pt->dice[3]}};
    pw_route route = w->pol->route(p, &v);
    const char *reason = route == PW_ROUTE_STEP2   ? "routed_step2"
                         : route == PW_ROUTE_STEP3 ? "routed_step3"
                         : route == PW_ROUTE_RISK  ? "signposted_risk"
                         : route == PW_ROUTE_SPECIALIST ? "signposted_specialist"
                         : route == PW_ROUTE_LTC        ? "signposted_ltc"
                                                        : "rejected";
    emit_stage(w, pt, s->now, s->now, 1, reason, 0);
    switch (route) {
    case PW_ROUTE_STEP2:
    case PW_ROUTE_STEP3:
        if (pt->cohort)
            w->out->stages[route == PW_ROUTE_STEP2 ? PW_S_ROUTED_STEP2 : PW_S_ROUTED_STEP3]++;
        join_step(w, pt, route == PW_ROUTE_STEP2 ? PW_STEP2 : PW_STEP3);
        break;
    case PW_ROUTE_RISK:
        finish(w, pt, PW_X_SIGNPOSTED_RISK);
        break;
    case PW_ROUTE_SPECIALIST:
        finish(w, pt, PW_X_SIGNPOSTED_SPECIALIST);
        break;
    case PW_ROUTE_LTC:
        finish(w, pt, PW_X_SIGNPOSTED_LTC);
        break;
    default:
        finish(w, pt, PW_X_REJECTED);
        break;
    }
}

/* A working day's assessment clinic: book as many from the head of the list as the
 * assessors' slots allow. */
static void on_clinic(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    (void)arg;
    world *w = s->user;
    double day = floor(s->now);
    if (s->now + 1.0 < w->t_end)
        sim_schedule_at(s, day + 1.0 + DAY_START, PRIO_CLINIC, on_clinic, NULL, 0);
    if (!is_working_day(w, s->now))
        return;
    /* Today's slots: assessors in post and not off sick, at their capacity share. */
    double today = 0;
    size_t present[256], np = 0;
    const pw_role *ar = w->assessor_role >= 0 ? &w->p->roles[w->assessor_role] : NULL;
    for (size_t i = 0; ar && i < w->n_staff; i++) {
        const clinician *c = w->staff[i];
        if (c->role != w->assessor_role || !c->active || c->sick || c->training)
            continue;
        today += ar->assessments_per_week * c->fte * c->cap_factor / 5.0;
        if (np < sizeof present / sizeof *present)
            present[np++] = i;
    }
    if (np == 0)
        return;
    double slots = today + w->assess_carry;
    int n = (int)floor(slots);
    w->assess_carry = slots - n;
    if (w->in_window)
        w->assess_slots_offered += n;
    double minutes = w->pol->assessment_minutes(w->p) / 1440.0;
    for (int k = 0; k < n && w->assess_list.head; k++) {
        patient *pt = w->assess_list.head;
        wl_remove(&w->assess_list, pt);
        if (pt->timer)
            sim_cancel(s, pt->timer);
        pt->at = W_ASSESSING;
        /* Round-robin over the assessors; appointments spread through the day. */
        size_t who = present[(size_t)k % np];
        double t = s->now + (double)((size_t)k / np) * minutes;
        pt->timer = sim_schedule_at(s, t, PRIO_PERSON, on_assessment, pt, who);
        if (w->in_window)
            w->assess_slots_used++;
        w->week.assessments++;
    }
    track_lists(w);
}

/* ==== referrals ======================================================================== */

static double referral_rate(const world *w, double t)
{
    const pw_referrals *r = &w->p->referrals;
    int month = (int)(fmod(t, 365.25) / (365.25 / 12.0));
    if (month < 0)
        month = 0;
    if (month > 11)
        month = 11;
    double rate = r->per_week / 7.0 * r->seasonality[month] * pow(1 + r->growth_per_year, t / 365.25);
    for (size_t i = 0; i < r->n_step_changes; i++)
        if (t >= r->step_changes[i].week * 7.0)
            rate *= r->step_changes[i].factor;
    return rate;
}

/* Create a referral at now and send it on its way. */
/* The time a person would remit spontaneously, counted from `from` (INFINITY if never). */
static double draw_remission_day(const world *w, patient *pt, double from)
{
    double rate = w->p->symptoms.remission_per_week / 7.0;
    return rate > 0 ? from + gsl_ran_exponential(pt->r[PR_FATE], 1.0 / rate) : INFINITY;
}

/* What is decided about a person once, at referral, so that it is the same whatever the
 * service does with them: remission time, responsiveness, the routing dice. */
static void draw_fortunes(const world *w, patient *pt, double from)
{
    pt->remission_day = draw_remission_day(w, pt, from);
    pt->response_z = gsl_ran_gaussian_ziggurat(pt->r[PR_FATE], 1.0);
    for (int k = 0; k < 6; k++)
        pt->dice[k] = gsl_rng_uniform(pt->r[PR_ROUTE]);
}

static void refer(world *w, patient *pt)
{
    const pw_params *p = w->p;
    pt->referral_day = w->s.now;
    pt->state_day = w->s.now;
    draw_fortunes(w, pt, w->s.now);
    pt->cohort = w->s.now >= w->t_window0 && w->s.now < w->t_window1;
    if (pt->cohort) {
        w->n_ref++;
        w->out->stages[PW_S_REFERRED]++;
        if (pt->rereferral) {
            w->out->stages[PW_S_RE_REFERRED]++;
            w->n_rereferrals++;
        }
    }
    w->week.referrals++;
    emit_event(w, pt, "referral", "complete", NULL);
    if (gsl_rng_uniform(pt->r[PR_OPTIN]) >= p->assessment.opt_in_probability) {
        pt->queue_day = w->s.now;
        emit_stage(w, pt, NAN, w->s.now, 0, "no_opt_in", 0);
        finish(w, pt, PW_X_NO_OPT_IN);
        return;
    }
    pt->at = W_OPT_IN;
    pt->queue_day = w->s.now; /* waiting to opt in counts as waiting for assessment */
    double d = p->assessment.opt_in_days_mean > 0
                   ? gsl_ran_exponential(pt->r[PR_OPTIN], p->assessment.opt_in_days_mean)
                   : 0;
    if (d > 0)
        pt->timer = sim_schedule(&w->s, d, PRIO_PERSON, on_opt_in, pt, 0);
    else
        join_assessment(w, pt);
}

static void on_arrival(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    (void)arg;
    world *w = s->user;
    gsl_rng *ra = w->st.r[RS_ARRIVALS];
    /* Next candidate first, so the arrival stream never depends on what follows. */
    double t = s->now + gsl_ran_exponential(ra, 1.0 / w->lambda_max);
    if (t < w->t_end)
        sim_schedule_at(s, t, PRIO_PERSON, on_arrival, NULL, 0);
    if (gsl_rng_uniform(ra) * w->lambda_max > referral_rate(w, s->now))
        return; /* thinned */
    patient *pt = patient_new(w, BASE_REFERRAL, w->next_referral);
    if (!pt) {
        w->error = SIM_ENOMEM;
        sim_stop(s);
        return;
    }
    pt->id = w->next_referral++;
    pt->person_id = pt->id;
    draw_casemix(w->p, pt, w->st.r[RS_CASEMIX]);
    refer(w, pt);
}

static void on_rereferral(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    patient *pt = obj;
    pt->timer = 0;
    refer(w, pt);
}

/* After a discharge, a relapse may bring the person back: a new referral with their
 * history (failures), fresh latent scores for their need. */
static void schedule_rereferral(world *w, const patient *old, int recovered)
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
        w->error = SIM_ENOMEM;
        sim_stop(&w->s);
        return;
    }
    pt->id = (1ull << 40) + idx; /* re-referrals numbered apart from first referrals */
    pt->person_id = old->person_id;
    pt->failures = old->failures;
    pt->rereferral = 1;
    pt->self_ref = old->self_ref;
    pt->age_band = old->age_band;
    pt->female = old->female;
    pt->minority = old->minority;
    pt->ltc = old->ltc;
    pt->ld = old->ld;
    pt->risk = old->risk;
    pt->need = old->need;
    const pw_casemix *m = &w->p->casemix;
    double z1, z2;
    gsl_ran_bivariate_gaussian(pt->r[PR_FATE], 1.0, 1.0, m->phq_gad_correlation, &z1, &z2);
    pt->phq = pt->phq0 = clampd(m->phq_mean[pt->need] + m->phq_sd[pt->need] * z1, 0, PHQ_MAX);
    pt->gad = pt->gad0 = clampd(m->gad_mean[pt->need] + m->gad_sd[pt->need] * z2, 0, GAD_MAX);
    pt->timer = sim_schedule_at(&w->s, t, PRIO_PERSON, on_rereferral, pt, 0);
    (void)pt->timer;
}

/* ==== staff dynamics ==================================================================== */

#define YEAR_DAYS 365.25

static void clinician_refresh(world *w, clinician *c);
static clinician *clinician_new(world *w, int r, int member, double cap_factor);

static double weekly_chance(double per_year) { return 1 - exp(-per_year * 7.0 / YEAR_DAYS); }

/* Available treatment hours by step changed: clinicians in post, not off sick. */
static void track_capacity(world *w)
{
    double cap[PW_STEP_N] = {0, 0};
    for (size_t k = 0; k < w->n_staff; k++) {
        const clinician *c = w->staff[k];
        if (!c->active || c->sick)
            continue;
        if (c->does & PW_DOES_STEP2)
            cap[PW_STEP2] += c->hours_week;
        if (c->does & PW_DOES_STEP3)
            cap[PW_STEP3] += c->hours_week;
    }
    for (int st = 0; st < PW_STEP_N; st++) {
        if (cap[st] != w->ta_cap[st].value)
            w->cap_varied = 1;
        sim_timeavg_set(&w->ta_cap[st], w->s.now, cap[st]);
    }
}

/* Offer any new capacity to both steps' lists (and record the capacity). */
static void allocate_all(world *w)
{
    track_capacity(w);
    allocate(w, PW_STEP2);
    allocate(w, PW_STEP3);
}

/* A patient whose clinician has gone: lost with the change of therapist, or back at the
 * head of the list to resume the course with someone else. */
static void return_patient(world *w, patient *pt)
{
    if (pt->timer)
        sim_cancel(&w->s, pt->timer);
    if (pt->end_timer)
        sim_cancel(&w->s, pt->end_timer);
    pt->timer = pt->end_timer = 0;
    w->in_treatment[pt->step]--;
    pt->clin = NULL;
    pt->at = W_WAIT_STEP;
    pt->state_day = w->s.now;
    if (gsl_rng_uniform(pt->r[PR_WAIT]) < w->p->workforce.change_dropout) {
        emit_stage(w, pt, pt->step_start_day, w->s.now, pt->sessions_step,
                   "lost_with_change_of_therapist", 0);
        finish(w, pt, PW_X_DROPPED_IN_TREATMENT);
        return;
    }
    pt->resume = 1;
    pt->queue_day = w->s.now;
    /* Waiting again, they may give up again. */
    const pw_step_p *sp = &w->p->step[pt->step];
    double mult = pow(w->p->failure.dropout_multiplier, pt->failures);
    double d = dropout_delay(&sp->wait_dropout, mult, pt->r[PR_WAIT]);
    if (isfinite(d) && w->s.now + d < w->t_end)
        pt->timer = sim_schedule(&w->s, d, PRIO_PERSON, on_step_dropout, pt, 0);
    wl_push_front(list_of(w, pt), pt); /* ahead of new people */
}

/* Everyone on c's caseload and in c's groups goes back to the lists. */
static void return_caseload(world *w, clinician *c)
{
    while (c->patients) {
        patient *pt = c->patients;
        release_clinician(w, pt); /* unlinks pt from c */
        return_patient(w, pt);
    }
    for (group *g = w->running, *next; g; g = next) {
        next = g->live_next;
        if (g->fac != c)
            continue;
        while (g->members) {
            patient *pt = g->members;
            g->members = pt->gnext;
            pt->gnext = pt->gprev = NULL;
            pt->grp = NULL;
            return_patient(w, pt);
        }
        g->n = 0;
        group_close(w, g);
    }
    track_lists(w);
}

static void on_hire(sim *s, void *obj, uint64_t arg);

/* People in post in role r (not trainees). */
static int in_post(const world *w, int r)
{
    int n = 0;
    for (size_t k = 0; k < w->n_staff; k++)
        n += w->staff[k]->active && !w->staff[k]->training && w->staff[k]->role == r;
    return n;
}

/* Advertise c's post: a starter of the same role after the vacancy delay, at the next
 * intake month if the role has one, within the labour pool's yearly limit. A post is
 * advertised only while those in post and posts advertised are below the establishment
 * (qualified trainees may have filled it). */
static void advertise(world *w, clinician *c, int r)
{
    const pw_role *ro = &w->p->roles[r];
    if (!ro->replace_leavers || in_post(w, r) + w->vacancies[r] >= w->establishment[r])
        return;
    double t = w->s.now + fmax(0.0, pw_dist_draw(&ro->vacancy_days, c->rng));
    if (ro->intake_month >= 1) { /* the first day of the next intake month */
        double year = floor(t / YEAR_DAYS) * YEAR_DAYS;
        double start = year + (ro->intake_month - 1) * YEAR_DAYS / 12.0;
        t = start >= t ? start : start + YEAR_DAYS;
    }
    if (t >= w->t_end)
        return;
    w->vacancies[r]++;
    sim_schedule_at(&w->s, t, PRIO_PERSON, on_hire, NULL, (uint64_t)r);
}

/* c leaves the service (to_training: leaves the post to train for another role). */
static void clinician_leave(world *w, clinician *c, int to_training)
{
    int r = c->role;
    pw_role_stats *st = &w->out->roles[r];
    if (w->in_window) {
        if (to_training)
            st->to_training++;
        else if (!c->training) /* trainees are not in post: not counted as leavers */
            st->leavers++;
        if (c->sick)
            st->sick_days += w->s.now - fmax(c->sick_since, w->t_window0);
    }
    if (!to_training)
        w->week.leavers++;
    if (c->sick_end)
        sim_cancel(&w->s, c->sick_end);
    c->sick_end = 0;
    c->sick = 0;
    c->active = 0; /* first, so the freed places are not offered back to c */
    return_caseload(w, c);
    if (!c->training)
        advertise(w, c, r);
    allocate_all(w); /* the returned patients to whoever has room */
}

static void on_training_end(sim *s, void *obj, uint64_t arg);

/* c leaves their post to train for role T at reduced capacity. */
static void start_training(world *w, clinician *c, int t)
{
    int from = c->role;
    clinician_leave(w, c, 1);
    const pw_role *to = &w->p->roles[t];
    c->active = 1;
    c->training = 1;
    c->role = t;
    c->does = to->does;
    c->cap_factor = to->train_capacity;
    c->ramp_per_week = 0;
    clinician_refresh(w, c);
    if (w->in_window)
        w->out->roles[t].training_gbp += w->p->workforce.training_cost_gbp;
    double weeks = w->p->roles[from].train_weeks;
    sim_schedule(&w->s, weeks * 7.0, PRIO_PERSON, on_training_end, c, 0);
    allocate_all(w);
}

static void on_training_end(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    clinician *c = obj;
    if (!c->active)
        return;
    const pw_role *ro = &w->p->roles[c->role];
    c->training = 0;
    if (gsl_rng_uniform(c->rng) >= ro->qualify_probability) {
        clinician_leave(w, c, 0);
        return;
    }
    c->cap_factor = 1.0;
    c->qualified_day = c->start_day = s->now;
    c->salary_gbp = ro->salary_gbp;
    clinician_refresh(w, c);
    if (w->in_window)
        w->out->roles[c->role].starters++;
    w->week.hires++;
    allocate_all(w);
}

/* A starter takes up a post of role arg (a filled vacancy, or a planned hire when obj is
 * not NULL). */
static void on_hire(sim *s, void *obj, uint64_t arg)
{
    world *w = s->user;
    int r = (int)arg;
    const pw_role *ro = &w->p->roles[r];
    const pw_workforce_p *wf = &w->p->workforce;
    if (!obj) {
        if (w->vacancies[r] > 0)
            w->vacancies[r]--;
        if (in_post(w, r) >= w->establishment[r])
            return; /* filled meanwhile by a qualified trainee: the advert is withdrawn */
    }
    if (wf->labour_pool_per_year > 0) {
        if (s->now >= w->pool_year_start + YEAR_DAYS) {
            w->pool_year_start = floor(s->now / YEAR_DAYS) * YEAR_DAYS;
            w->pool_used = 0;
        }
        if (w->pool_used >= wf->labour_pool_per_year) { /* nobody to hire until next year */
            double t = w->pool_year_start + YEAR_DAYS;
            if (!obj)
                w->vacancies[r]++;
            if (t < w->t_end)
                sim_schedule_at(s, t, PRIO_PERSON, on_hire, obj, arg);
            return;
        }
        w->pool_used++;
    }
    double start = ro->ramp_weeks > 0 ? ro->ramp_start : 1.0;
    clinician *c = clinician_new(w, r, w->next_member[r]++, start);
    if (!c) {
        w->error = SIM_ENOMEM;
        sim_stop(s);
        return;
    }
    c->ramp_per_week = ro->ramp_weeks > 0 ? (1.0 - start) / ro->ramp_weeks : 0;
    if (w->in_window)
        w->out->roles[r].starters++;
    w->week.hires++;
    allocate_all(w);
}

static void on_sick_end(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    clinician *c = obj;
    c->sick_end = 0;
    c->sick = 0;
    if (w->in_window || (c->sick_since < w->t_window1 && s->now > w->t_window0))
        w->out->roles[c->role].sick_days +=
            fmin(s->now, w->t_window1) - fmax(c->sick_since, w->t_window0);
    allocate_all(w);
}

static void on_leave(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    clinician *c = obj;
    if (c->active)
        clinician_leave(w, c, 0);
}

/* A planned event of the workforce group: arg < PW_MAX_PLAN is hiring row arg, else
 * shock row arg - PW_MAX_PLAN. */
static void on_plan(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    world *w = s->user;
    const pw_workforce_p *wf = &w->p->workforce;
    if (arg < PW_MAX_PLAN) {
        for (int k = 0; k < wf->hires[arg].count; k++)
            on_hire(s, (void *)wf, (uint64_t)wf->hires[arg].role);
        return;
    }
    size_t i = arg - PW_MAX_PLAN;
    /* Each in post leaves with the shock's probability, at a time spread over its weeks
     * (their own stream: the same people leave in every scenario). */
    for (size_t k = 0; k < w->n_staff; k++) {
        clinician *c = w->staff[k];
        if (!c->active || c->training || c->role != wf->shocks[i].role)
            continue;
        double u = gsl_rng_uniform(c->rng), when = gsl_rng_uniform(c->rng);
        if (u < wf->shocks[i].share)
            sim_schedule(s, when * wf->shocks[i].weeks * 7.0, PRIO_PERSON, on_leave, c, 0);
    }
}

/* The weekly round of the workforce: ramp-up, burnout, and the week's chances of
 * sickness, leaving and leaving for training (each from the clinician's own stream). */
static void staff_round(world *w)
{
    const pw_params *p = w->p;
    const pw_workforce_p *wf = &p->workforce;
    double relief = fmax(0.0, 1 - wf->supervision_relief * wf->supervision_hours_per_month / 2.0);
    size_t n = w->n_staff; /* starters this round wait for the next */
    for (size_t k = 0; k < n; k++) {
        clinician *c = w->staff[k];
        if (!c->active)
            continue;
        const pw_role *ro = &p->roles[c->role];
        if (c->ramp_per_week > 0 && !c->training) {
            c->cap_factor = fmin(1.0, c->cap_factor + c->ramp_per_week);
            if (c->cap_factor >= 1.0)
                c->ramp_per_week = 0;
            clinician_refresh(w, c);
        }
        if (wf->burnout_rise_per_week > 0) {
            double hours = c->hours_week > 0 ? c->hours_week : 1e-9;
            double load = (c->load_hours + (wf->telephone_weight - 1) * c->phone_hours) / hours;
            /* Overload builds burnout, and some of it heals every week: a sustained
             * overload settles at rise x over x relief / recovery. */
            double over = fmax(0.0, load - wf->sustainable_load);
            c->burnout += wf->burnout_rise_per_week * over * relief -
                          wf->burnout_recovery_per_week * c->burnout;
            c->burnout = clampd(c->burnout, 0, 1);
        }
        if (ro->sick_per_year > 0 && !c->sick &&
            gsl_rng_uniform(c->rng) <
                weekly_chance(ro->sick_per_year * (1 + wf->burnout_sick_factor * c->burnout))) {
            c->sick = 1;
            c->sick_since = w->s.now;
            c->sick_end = sim_schedule(&w->s, gsl_ran_exponential(c->rng, ro->sick_days_mean),
                                       PRIO_PERSON, on_sick_end, c, 0);
        }
        if (ro->leave_per_year > 0 &&
            gsl_rng_uniform(c->rng) <
                weekly_chance(ro->leave_per_year * (1 + wf->burnout_leave_factor * c->burnout))) {
            clinician_leave(w, c, 0);
            continue;
        }
        if (ro->train_per_year > 0 && ro->train_to_role >= 0 && !c->training &&
            w->s.now - c->start_day >= ro->train_min_tenure_years * YEAR_DAYS &&
            w->s.now - c->qualified_day >= ro->train_bar_years * YEAR_DAYS &&
            gsl_rng_uniform(c->rng) < weekly_chance(ro->train_per_year))
            start_training(w, c, ro->train_to_role);
    }
    allocate_all(w);
}

/* Staff figures of the week just ended, and the window's accumulators. */
static void staff_week(world *w, pw_week *wk)
{
    const pw_params *p = w->p;
    if (w->n_staff > w->burn_cap) {
        double *b = realloc(w->burn, w->n_staff * sizeof *b);
        if (!b) {
            w->error = SIM_ENOMEM;
            sim_stop(&w->s);
            return;
        }
        w->burn = b;
        w->burn_cap = w->n_staff;
    }
    double *burn = w->burn;
    size_t nb = 0;
    double bsum = 0;
    int in_window = w->s.now > w->t_window0 && w->s.now <= w->t_window1;
    double dt = 7.0 / YEAR_DAYS;
    for (size_t k = 0; k < w->n_staff; k++) {
        const clinician *c = w->staff[k];
        if (!c->active)
            continue;
        pw_role_stats *st = &w->out->roles[c->role];
        if (c->training)
            wk->in_training[c->role] += 1;
        else
            wk->staff_in_post[c->role] += 1;
        wk->on_sick_leave += c->sick;
        if (!c->training) { /* burnout of those in post, as in workforce.csv */
            bsum += c->burnout;
            burn[nb++] = c->burnout;
        }
        if (in_window) {
            double salary = c->fte * c->salary_gbp * dt;
            st->salary_gbp += salary;
            st->oncost_gbp += salary * p->workforce.oncost_share;
            if (!c->training) {
                st->headcount_years += dt;
                st->fte_years += c->fte * c->cap_factor * dt;
                st->burnout_years += c->burnout * dt;
            }
        }
    }
    for (size_t r = 0; r < p->n_roles; r++)
        wk->vacancies[r] = w->vacancies[r];
    wk->burnout_mean = nb ? bsum / (double)nb : 0;
    if (nb) { /* GSL's quantile of the sorted values */
        gsl_sort(burn, 1, nb);
        wk->burnout_p90 = gsl_stats_quantile_from_sorted_data(burn, 1, nb, 0.9);
    }
}

/* ==== weeks and the window ============================================================= */

static void on_week(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    world *w = s->user;
    pw_results *o = w->out;
    size_t k = (size_t)arg;
    if (k > 0 && w->dynamic)
        staff_round(w);
    if (k > 0 && k - 1 < o->n_weeks) {
        pw_week *wk = &o->weeks[k - 1];
        *wk = w->week;
        wk->waiting_assessment = (double)w->assess_list.n;
        for (int st = 0; st < PW_STEP_N; st++) {
            wk->waiting_step[st] = (double)(w->step_list[st].n + w->group_list[st].n);
            wk->caseload_step[st] = w->in_treatment[st];
        }
        staff_week(w, wk);
        memset(&w->week, 0, sizeof w->week);
    }
    if (s->now + 7.0 <= w->t_end)
        sim_schedule_at(s, s->now + 7.0, PRIO_WEEK, on_week, NULL, arg + 1);
}

static void on_window_start(sim *s, void *obj, uint64_t arg)
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

static void on_window_end(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    (void)arg;
    world *w = s->user;
    /* Freeze the window's time averages: their value at the window's end. */
    w->in_window = 0;
    for (size_t k = 0; k < w->n_staff; k++) {
        clinician *c = w->staff[k];
        if (!c->active)
            continue;
        pw_role_stats *st = &w->out->roles[c->role];
        if (c->sick) { /* count the window's part; the rest is outside it */
            st->sick_days += s->now - fmax(c->sick_since, w->t_window0);
            c->sick_since = s->now;
        }
        if (!c->training) {
            st->tenure_years_sum += (s->now - c->start_day) / YEAR_DAYS;
            st->in_post_end++;
        }
    }
    double t = s->now;
    w->out->metric[PW_M_WAITING_ASSESSMENT_MEAN] = sim_timeavg_mean(&w->ta_wait_assess, t);
    w->out->metric[PW_M_WAITING_STEP2_MEAN] = sim_timeavg_mean(&w->ta_wait_step[PW_STEP2], t);
    w->out->metric[PW_M_WAITING_STEP3_MEAN] = sim_timeavg_mean(&w->ta_wait_step[PW_STEP3], t);
    for (int st = 0; st < PW_STEP_N; st++) {
        /* With staff dynamics the hours available vary: use their time average. */
        double cap = w->cap_varied ? sim_timeavg_mean(&w->ta_cap[st], t) : w->cap_hours[st];
        w->out->metric[st == PW_STEP2 ? PW_M_UTILISATION_STEP2 : PW_M_UTILISATION_STEP3] =
            cap > 0 ? sim_timeavg_mean(&w->ta_load[st], t) / cap : NAN;
    }
    w->out->metric[PW_M_UTILISATION_ASSESSMENT] =
        w->assess_slots_offered > 0 ? w->assess_slots_used / w->assess_slots_offered : NAN;
}

/* ==== set-up =========================================================================== */

/* A 31-bit key of a role name (FNV-1a), for staff streams. */
static uint32_t name_key(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & 0x7fffffffu;
}

/* A role's base treatment hours a week for one person (before capacity share). */
static double role_hours(const world *w, const pw_role *ro, int r, double fte)
{
    double hours = ro->clinical_hours_per_week * fte;
    if (r == w->assessor_role && !w->p->assessment.skip)
        hours -= ro->assessments_per_week * fte * w->pol->assessment_minutes(w->p) / 60.0;
    return hours > 0 ? hours : 0;
}

/* Recompute a clinician's hours and caseload cap from their role and capacity share. */
static void clinician_refresh(world *w, clinician *c)
{
    const pw_role *ro = &w->p->roles[c->role];
    c->hours_week = role_hours(w, ro, c->role, c->fte) * c->cap_factor;
    c->cap = (int)fmax(1.0, nearbyint(ro->caseload_cap * c->fte * c->cap_factor));
}

/* A new clinician of role r (member number `member`) in post from now. Their stream,
 * therapist effect and hazards are keyed by role name and member, so member i of a role
 * is the same person in every scenario that has that role (common random numbers). */
static clinician *clinician_new(world *w, int r, int member, double cap_factor)
{
    const pw_params *p = w->p;
    const pw_role *ro = &p->roles[r];
    if (w->n_staff == w->cap_staff) {
        size_t cap = w->cap_staff ? 2 * w->cap_staff : 64;
        clinician **s = realloc(w->staff, cap * sizeof *s);
        if (!s)
            return NULL;
        w->staff = s;
        w->cap_staff = cap;
    }
    clinician *c = calloc(1, sizeof *c);
    if (!c || !(c->rng = gsl_rng_alloc(SIM_RNG_TYPE))) {
        free(c);
        return NULL;
    }
    sim_rng_seed_entity(c->rng, p->seed, (uint32_t)w->rep, 1u + name_key(ro->name),
                        (uint32_t)member);
    c->id = (int)w->n_staff;
    c->role = r;
    c->member = member;
    c->does = ro->does;
    c->fte = ro->fte;
    c->active = 1;
    c->cap_factor = cap_factor;
    c->start_day = c->qualified_day = w->s.now;
    c->salary_gbp = ro->salary_gbp;
    c->effect_mult = ro->therapist_effect_sd > 0
                         ? exp(gsl_ran_gaussian_ziggurat(c->rng, ro->therapist_effect_sd))
                         : 1.0;
    clinician_refresh(w, c);
    w->staff[w->n_staff++] = c;
    return c;
}

static void clinician_free(clinician *c)
{
    if (!c)
        return;
    if (c->rng)
        gsl_rng_free(c->rng);
    free(c);
}

static int build_staff(world *w)
{
    const pw_params *p = w->p;
    w->assessor_role = w->pol->assessor_role(p);
    for (size_t r = 0; r < p->n_roles; r++) {
        const pw_role *ro = &p->roles[r];
        if (ro->leave_per_year > 0 || ro->sick_per_year > 0 || ro->train_per_year > 0)
            w->dynamic = 1;
        w->establishment[r] = ro->headcount;
        for (int i = 0; i < ro->headcount; i++) {
            clinician *c = clinician_new(w, (int)r, w->next_member[r]++, 1.0);
            if (!c)
                return SIM_ENOMEM;
            if (c->does & PW_DOES_STEP2)
                w->cap_hours[PW_STEP2] += c->hours_week;
            if (c->does & PW_DOES_STEP3)
                w->cap_hours[PW_STEP3] += c->hours_week;
        }
    }
    const pw_workforce_p *wf = &p->workforce;
    if (wf->n_hires || wf->n_shocks || wf->burnout_rise_per_week > 0)
        w->dynamic = 1;
    for (size_t i = 0; i < wf->n_hires; i++)
        w->establishment[wf->hires[i].role] += wf->hires[i].count;
    return SIM_OK;
}

/* People already in the service at time zero (never in the measurement cohort). */
static int prefill(world *w)
{
    const pw_params *p = w->p;
    gsl_rng *r = w->st.r[RS_PREFILL];
    /* Caseloads first, so pre-filled lists wait behind them. */
    for (int st = 0; st < PW_STEP_N; st++) {
        unsigned need = st == PW_STEP2 ? PW_DOES_STEP2 : PW_DOES_STEP3;
        for (size_t i = 0; i < w->n_staff; i++) {
            clinician *c = w->staff[i];
            if (!(c->does & need) || p->prefill.caseload_fill <= 0)
                continue;
            int target = (int)floor(c->cap * p->prefill.caseload_fill);
            while (c->caseload < target) {
                patient *pt = patient_new(w, BASE_PREFILL, w->next_prefill);
                if (!pt)
                    return SIM_ENOMEM;
                pt->id = (1ull << 41) + w->next_prefill++;
                pt->person_id = pt->id;
                draw_casemix(p, pt, r);
                draw_fortunes(w, pt, 0);
                pt->referral_day = -gsl_ran_flat(r, 30, 120);
                pt->queue_day = pt->referral_day;
                pt->step = st;
                pt->mode = PW_MODE_F2F;
                if (c->load_hours + session_hours(&p->step[st]) > c->hours_week + 1e-9) {
                    patient_release(w, pt);
                    break;
                }
                pt->at = W_WAIT_STEP;
                wl_push(&w->step_list[st], pt);
                start_episode(w, pt, c);
                /* Mid-course: some sessions already behind them. */
                pt->sessions = pt->sessions_step =
                    (int)gsl_rng_uniform_int(r, (unsigned long)p->step[st].max_sessions);
                pt->paths |= 1u << st;
                pt->first_treatment_day = pt->referral_day + 14;
            }
        }
    }
    for (int list = -1; list < PW_STEP_N; list++) {
        int n = list < 0 ? p->prefill.assessment_list : p->prefill.step_list[list];
        for (int i = 0; i < n; i++) {
            patient *pt = patient_new(w, BASE_PREFILL, w->next_prefill);
            if (!pt)
                return SIM_ENOMEM;
            pt->id = (1ull << 41) + w->next_prefill++;
            pt->person_id = pt->id;
            draw_casemix(p, pt, r);
            pt->referral_day = -gsl_ran_flat(r, 0, 90);
            pt->state_day = 0;
            draw_fortunes(w, pt, 0);
            if (list < 0 && !p->assessment.skip) {
                join_assessment(w, pt);
                pt->queue_day = pt->referral_day;
            } else {
                join_step(w, pt, list < 0 ? PW_STEP2 : list);
            }
        }
    }
    return SIM_OK;
}

static double max_referral_rate(const world *w)
{
    const pw_referrals *r = &w->p->referrals;
    double season = 0;
    for (int m = 0; m < 12; m++)
        season = fmax(season, r->seasonality[m]);
    double years = w->t_end / 365.25;
    double growth = fmax(1.0, pow(1 + r->growth_per_year, years));
    double steps = 1.0, prod = 1.0;
    for (size_t i = 0; i < r->n_step_changes; i++) {
        prod *= r->step_changes[i].factor;
        steps = fmax(steps, prod);
    }
    return r->per_week / 7.0 * season * growth * steps;
}

/* Metrics from the accumulators, at the end of the run. */
static void compute_metrics(world *w)
{
    pw_results *o = w->out;
    double *m = o->metric;
    double n = (double)w->n_ref;
#define SHARE(num, den) ((den) > 0 ? (double)(num) / (double)(den) : NAN)
    m[PW_M_REFERRALS] = n;
    m[PW_M_ENTERED_TREATMENT_SHARE] = SHARE(w->n_entered, w->n_ref);
    m[PW_M_FINISHED_COURSE_SHARE] = SHARE(w->n_finished, w->n_ref);
    m[PW_M_RECOVERY_RATE_REPORTED] = SHARE(w->rep_recovered, w->rep_casers);
    m[PW_M_RECOVERY_RATE_TRUE] = SHARE(w->tru_recovered, w->tru_casers);
    m[PW_M_RELIABLE_IMPROVEMENT_REPORTED] = SHARE(w->rep_ri, w->n_finished);
    m[PW_M_RELIABLE_IMPROVEMENT_TRUE] = SHARE(w->tru_ri, w->n_ref);
    m[PW_M_RELIABLE_RECOVERY_REPORTED] = SHARE(w->rep_rr, w->rep_casers);
    m[PW_M_RELIABLE_RECOVERY_TRUE] = SHARE(w->tru_rr, w->tru_casers);
    m[PW_M_WITHIN_6_WEEKS_REPORTED] = SHARE(w->w6_rep, w->n_finished);
    m[PW_M_WITHIN_18_WEEKS_REPORTED] = SHARE(w->w18_rep, w->n_finished);
    m[PW_M_WITHIN_6_WEEKS_TRUE] = SHARE(w->w6_true, w->n_ref);
    m[PW_M_WITHIN_18_WEEKS_TRUE] = SHARE(w->w18_true, w->n_ref);
    m[PW_M_WAIT_TO_ASSESSMENT_DAYS_MEAN] = sim_tally_mean(&w->t_wait_assess);
    m[PW_M_WAIT_TO_TREATMENT_DAYS_MEAN] = sim_tally_mean(&w->t_wait_treat);
    m[PW_M_WAIT_TO_TREATMENT_DAYS_P50] = sim_hist_quantile(&w->h_wait_treat, 0.5);
    m[PW_M_WAIT_TO_TREATMENT_DAYS_P90] = sim_hist_quantile(&w->h_wait_treat, 0.9);
    m[PW_M_WAIT_REPORTED_DAYS_MEAN] = sim_tally_mean(&w->t_wait_reported);
    m[PW_M_STEP_UP_WAIT_DAYS_MEAN] = sim_tally_mean(&w->t_step_up_wait);
    m[PW_M_SESSIONS_MEAN_FINISHERS] = sim_tally_mean(&w->t_sessions_fin);
    m[PW_M_SESSIONS_MEAN_RECOVERED] = sim_tally_mean(&w->t_sessions_rec);
    const uint64_t *x = o->exits;
    m[PW_M_DROPOUT_BEFORE_ASSESSMENT_SHARE] =
        SHARE(x[PW_X_NO_OPT_IN] + x[PW_X_DROPPED_WAITING_ASSESSMENT] + x[PW_X_DNA_ASSESSMENT], w->n_ref);
    m[PW_M_DROPOUT_AFTER_ASSESSMENT_SHARE] =
        SHARE(x[PW_X_DROPPED_WAITING_STEP2] + x[PW_X_DROPPED_WAITING_STEP3], w->n_ref);
    m[PW_M_DROPOUT_IN_TREATMENT_SHARE] =
        SHARE(x[PW_X_DROPPED_IN_TREATMENT] + x[PW_X_DISCHARGED_DNA], w->n_ref);
    m[PW_M_SIGNPOSTED_SHARE] = SHARE(x[PW_X_SIGNPOSTED_RISK] + x[PW_X_SIGNPOSTED_SPECIALIST] +
                                         x[PW_X_REJECTED] + x[PW_X_SIGNPOSTED_LTC],
                                     w->n_ref);
    m[PW_M_STEPPED_UP_SHARE] = SHARE(w->n_stepped_up, w->n_step2_starters);
    m[PW_M_STILL_IN_SYSTEM_SHARE] = SHARE(x[PW_X_STILL_WAITING] + x[PW_X_STILL_IN_TREATMENT], w->n_ref);
    m[PW_M_RE_REFERRAL_SHARE] = SHARE(w->n_rereferrals, w->n_ref);
    /* Failed episodes per referral (fail-first's cost); 3+ counted as 3. */
    const uint64_t *fl = o->failures;
    m[PW_M_FAILED_EPISODES_MEAN] = SHARE(fl[1] + 2 * fl[2] + 3 * fl[3], w->n_ref);
    m[PW_M_FAILED_AT_LEAST_ONCE_SHARE] = SHARE(fl[1] + fl[2] + fl[3], w->n_ref);
    double cost = 0, heads = 0, turnover = 0, burn = 0;
    for (size_t r = 0; r < w->p->n_roles; r++) {
        const pw_role_stats *st = &o->roles[r];
        cost += st->salary_gbp + st->oncost_gbp + st->training_gbp;
        heads += st->headcount_years;
        turnover += (double)(st->leavers + st->to_training);
        burn += st->burnout_years;
    }
    m[PW_M_COST_PER_REFERRAL_GBP] = w->n_ref ? cost / (double)w->n_ref : NAN;
    m[PW_M_COST_PER_FINISHED_COURSE_GBP] = w->n_finished ? cost / (double)w->n_finished : NAN;
    m[PW_M_COST_PER_RECOVERY_GBP] = w->rep_recovered ? cost / (double)w->rep_recovered : NAN;
    m[PW_M_COST_PER_TRUE_RECOVERY_GBP] = w->tru_recovered ? cost / (double)w->tru_recovered : NAN;
    m[PW_M_STAFF_TURNOVER_RATE] = heads > 0 ? turnover / heads : NAN;
    m[PW_M_BURNOUT_MEAN] = heads > 0 ? burn / heads : NAN;
#undef SHARE
}

/* At the end of the run: everyone still in the system is written, flagged, and the
 * cohort's members among them are counted as still waiting / in treatment. */
static void close_out(world *w)
{
    /* Walk every live patient: on lists, in treatment (via staff), in flight (events). */
    sim_cal_event ev;
    /* Pending events name every patient not on a list (opt-in, assessing, treatment,
     * re-referral). Pop them all; list members are handled afterwards. */
    while (sim_cal_pop(&w->s.cal, &ev)) {
        if (!ev.obj || ev.fn == on_hire || ev.fn == on_training_end || ev.fn == on_sick_end ||
            ev.fn == on_leave || ev.fn == on_plan)
            continue; /* staff events */
        if (ev.fn == on_group_session) {
            group *g = ev.obj;
            while (g->members) {
                patient *pt = g->members;
                g->members = pt->gnext;
                pt->grp = NULL;
                emit_stage(w, pt, pt->step_start_day, NAN, pt->sessions_step, "unfinished", 1);
                pt->clin = NULL;
                finish(w, pt, PW_X_STILL_IN_TREATMENT);
            }
            g->pool_next = w->group_pool;
            w->group_pool = g;
            continue;
        }
        patient *pt = ev.obj;
        if (ev.fn == on_episode_end)
            continue; /* the same patient has a session event too */
        if (ev.fn == on_rereferral) { /* not yet referred: not a referral of this run */
            patient_release(w, pt);
            continue;
        }
        if (pt->at == W_WAIT_ASSESS || pt->at == W_WAIT_STEP)
            continue; /* dropout timer; the list walk below handles them */
        pw_exit why = pt->at == W_TREATMENT ? PW_X_STILL_IN_TREATMENT : PW_X_STILL_WAITING;
        emit_stage(w, pt, pt->at == W_TREATMENT ? pt->step_start_day : NAN, NAN,
                   pt->sessions_step, "unfinished", 1);
        pt->clin = NULL;
        finish(w, pt, why);
    }
    wlist *lists[] = {&w->assess_list, &w->step_list[0], &w->step_list[1], &w->group_list[0],
                      &w->group_list[1]};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        while (lists[i]->head) {
            patient *pt = lists[i]->head;
            wl_remove(lists[i], pt);
            emit_stage(w, pt, NAN, NAN, 0, "unfinished", 1);
            finish(w, pt, PW_X_STILL_WAITING);
        }
}

static void world_free(world *w)
{
    while (w->pool) {
        patient *pt = w->pool;
        w->pool = pt->pool_next;
        patient_destroy(pt);
    }
    while (w->group_pool) {
        group *g = w->group_pool;
        w->group_pool = g->pool_next;
        free(g);
    }
    for (size_t i = 0; i < w->n_staff; i++)
        clinician_free(w->staff[i]);
    free(w->staff);
    free(w->burn);
    free(w->closed);
    sim_streams_free(&w->st);
    sim_free(&w->s);
    sim_tally_free(&w->t_wait_assess);
    sim_tally_free(&w->t_wait_treat);
    sim_tally_free(&w->t_wait_reported);
    sim_tally_free(&w->t_step_up_wait);
    sim_tally_free(&w->t_sessions_fin);
    sim_tally_free(&w->t_sessions_rec);
    sim_hist_free(&w->h_wait_treat);
}

int pw_run(const pw_params *p, int replication, const pw_monitor *mon, pw_results *out)
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
    w->mon = mon;
    w->out = out;
    w->pol = pw_policy_of(p->policy);
    w->t_window0 = p->warmup_weeks * 7.0;
    w->t_window1 = w->t_window0 + p->horizon_weeks * 7.0;
    w->t_end = w->t_window1 + p->followup_weeks * 7.0;
    w->n_days = (long)ceil(w->t_end) + 1;
    w->closed = calloc((size_t)w->n_days, 1);
    if (!w->closed) {
        ret = SIM_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < p->n_closures; i++)
        if (p->closures[i] >= 0 && p->closures[i] < (double)w->n_days)
            w->closed[(long)p->closures[i]] = 1;
    if ((ret = sim_init(&w->s, 1024)) != SIM_OK ||
        (ret = sim_streams_init(&w->st, RS_N, p->seed, (uint32_t)replication)) != SIM_OK)
        goto out;
    w->s.user = w;
    ret = SIM_ENOMEM;
    if (sim_tally_init(&w->t_wait_assess) || sim_tally_init(&w->t_wait_treat) ||
        sim_tally_init(&w->t_wait_reported) || sim_tally_init(&w->t_step_up_wait) ||
        sim_tally_init(&w->t_sessions_fin) || sim_tally_init(&w->t_sessions_rec) ||
        sim_hist_init(&w->h_wait_treat, 8 * 4 * 365, 0.0, 4 * 365.0))
        goto out;
    out->n_weeks = (size_t)floor(w->t_end / 7.0);
    out->weeks = calloc(out->n_weeks ? out->n_weeks : 1, sizeof *out->weeks);
    if (!out->weeks || (ret = build_staff(w)) != SIM_OK)
        goto out;
    sim_timeavg_init(&w->ta_wait_assess, 0, 0);
    for (int st = 0; st < PW_STEP_N; st++) {
        sim_timeavg_init(&w->ta_wait_step[st], 0, 0);
        sim_timeavg_init(&w->ta_load[st], 0, 0);
        sim_timeavg_init(&w->ta_cap[st], 0, w->cap_hours[st]);
    }
    if ((ret = prefill(w)) != SIM_OK)
        goto out;
    w->lambda_max = max_referral_rate(w);
    if (w->lambda_max > 0)
        sim_schedule(&w->s, gsl_ran_exponential(w->st.r[RS_ARRIVALS], 1.0 / w->lambda_max),
                     PRIO_PERSON, on_arrival, NULL, 0);
    if (!p->assessment.skip)
        sim_schedule_at(&w->s, DAY_START, PRIO_CLINIC, on_clinic, NULL, 0);
    sim_schedule_at(&w->s, 0.0, PRIO_WEEK, on_week, NULL, 0);
    sim_schedule_at(&w->s, w->t_window0, PRIO_WINDOW, on_window_start, NULL, 0);
    const pw_workforce_p *wf = &p->workforce;
    for (size_t i = 0; i < wf->n_hires; i++)
        if (wf->hires[i].week * 7.0 < w->t_end)
            sim_schedule_at(&w->s, wf->hires[i].week * 7.0, PRIO_PERSON, on_plan, NULL, i);
    for (size_t i = 0; i < wf->n_shocks; i++)
        if (wf->shocks[i].week * 7.0 < w->t_end)
            sim_schedule_at(&w->s, wf->shocks[i].week * 7.0, PRIO_PERSON, on_plan, NULL,
                            PW_MAX_PLAN + i);
    sim_schedule_at(&w->s, w->t_window1, PRIO_WINDOW, on_window_end, NULL, 0);
    ret = sim_run_until(&w->s, w->t_end);
    if (ret == SIM_STOPPED)
        ret = w->error ? w->error : SIM_OK;
    if (ret != SIM_OK)
        goto out;
    if (w->error) {
        ret = w->error;
        goto out;
    }
    close_out(w);
    compute_metrics(w);
    out->events_fired = w->s.events_fired;
    ret = SIM_OK;
out:
    world_free(w);
    free(w);
    return ret;
}
