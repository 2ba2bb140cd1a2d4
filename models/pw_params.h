/* The parameters of one stepped-care scenario: what the scenario file says, resolved and
 * validated by the loader (sim/scn_*.c). The model receives them const and never
 * reads files. Each field names its scenario key; units are in the names. */
#ifndef PW_PARAMS_H
#define PW_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "pw_dist.h"

#define PW_MAX_ROLES 8
#define PW_MAX_NAME 64
#define PW_MAX_STEP_CHANGES 8
#define PW_MAX_CLOSURES 64
/* Weeks a referrals.weekly_counts file may hold: thirty years. */
#define PW_MAX_WEEKLY 1560
/* Bytes of a path kept in the parameters (referrals.weekly_counts, resolved). */
#define PW_MAX_PATH 1024
/* Most readings of a repeated questionnaire (reporting.repeat_questionnaire_tries). */
#define PW_MAX_REPEAT_TRIES 10
/* Policies the registry (models/pol.c) may hold, and the bytes of parameters each may keep
 * in pw_params (its own struct, declared in models/pol_<name>.c). */
#define PW_MAX_POLICIES 8
#define PW_POLICY_PARAM_BYTES 256

/* Subgroup attributes: the most levels one has, deprivation quintiles, ethnicity groups. */
#define PW_LEVELS_MAX 5
#define PW_DEPRIVATION_N 5
#define PW_ETHNIC_N 5

/* Activities a role may do (staff.<role>.does). */
enum {
    PW_DOES_ASSESSMENT = 1 << 0,
    PW_DOES_STEP2 = 1 << 1,
    PW_DOES_GROUPS = 1 << 2,
    PW_DOES_STEP3 = 1 << 3,
    PW_DOES_COORDINATION = 1 << 4, /* holding complex people (models/pw_coord.c): a role
                                      that does it does nothing else */
};

/* Latent need. */
typedef enum pw_need { PW_NEED_LOW, PW_NEED_HIGH, PW_NEED_SPECIALIST, PW_NEED_N } pw_need;

/* Steps of care (index into per-step arrays). */
typedef enum pw_step { PW_STEP2, PW_STEP3, PW_STEP_N } pw_step;

/* The activity (PW_DOES_*) of treating people one to one at step s. */
static inline unsigned pw_does_step(int s) { return s == PW_STEP2 ? PW_DOES_STEP2 : PW_DOES_STEP3; }

/* Delivery modes of an episode. */
typedef enum pw_mode { PW_MODE_F2F, PW_MODE_PHONE, PW_MODE_GROUP, PW_MODE_N } pw_mode;

/* A daily hazard that moves from p_start (at wait 0) to p_end (long waits) along a
 * log-logistic curve in the wait: p(w) = p_start + (p_end - p_start) * x / (1 + x),
 * x = (w / half_days)^shape. Rates per day. */
typedef struct pw_hazard {
    double p_start, p_end, half_days, shape;
} pw_hazard;

/* A row of referrals.step_changes: from week `week` on, the rate is multiplied by factor. */
typedef struct pw_step_change {
    double week;                     /* week */
    double factor;                   /* factor */
} pw_step_change;

/* referrals = { ... }: one of three ways to give the rate (models/pw_referral.c),
 *   per_week + self_referral_share: one rate, each referral's source drawn at the share;
 *   gp_per_week + self_per_week: a rate per source, each with its own growth;
 *   weekly_counts: a week's referrals replayed from a CSV file (the loader reads it into
 *                  week_total / week_self; seasonality, growth and step changes at neutral).
 * A number of another way is NAN (not given), weekly_counts "" and n_weeks 0. */
typedef struct pw_referrals {
    double per_week;                 /* per_week: base rate (referrals a week) */
    double self_referral_share;      /* self_referral_share */
    double gp_per_week;              /* gp_per_week: base rate of GP referrals */
    double self_per_week;            /* self_per_week: base rate of self-referrals */
    double gp_growth_per_year;       /* gp_growth_per_year (NAN: growth_per_year) */
    double self_growth_per_year;     /* self_growth_per_year (NAN: growth_per_year) */
    char weekly_counts[PW_MAX_PATH]; /* weekly_counts: the file, as an absolute path */
    int weekly_counts_repeat;        /* weekly_counts_repeat: cycle through the file */
    int weekly_by_source;            /* the file has gp and self columns */
    size_t n_weeks;                  /* rows of the file: week k of the run is row k */
    double week_total[PW_MAX_WEEKLY]; /* referrals in week k (gp + self when by source) */
    double week_self[PW_MAX_WEEKLY];  /* of which self-referrals (by source only) */
    double seasonality[12];          /* seasonality: 12 monthly multipliers (mean ~1) */
    double growth_per_year;          /* growth_per_year: compound annual growth */
    size_t n_step_changes;           /* step_changes = ( { week = 104; factor = 1.2; }, ... ),
                                        weeks increasing */
    pw_step_change step_changes[PW_MAX_STEP_CHANGES];
} pw_referrals;

/* casemix = { ... }: who is referred. */
typedef struct pw_casemix {
    double age_band_shares[4];      /* age_bands: shares of 18-25, 26-35, 36-64, 65+ */
    double female_share;            /* female_share */
    double ethnic_minority_share;   /* ethnic_minority_share */
    double ltc_share;               /* long_term_condition_share */
    double ld_share;                /* learning_disability_share (incl. autism) */
    double risk_share;              /* active_risk_share */
    double need_shares[PW_NEED_N];  /* need_shares: low, high, specialist */
    /* baseline latent severity by need: phq_mean[need], phq_sd[need], gad likewise */
    double phq_mean[PW_NEED_N], phq_sd[PW_NEED_N];
    double gad_mean[PW_NEED_N], gad_sd[PW_NEED_N];
    double phq_gad_correlation;     /* phq_gad_correlation */
    double self_referral_phq_shift; /* self_referral_phq_shift: self-referrers' mean shift */
    /* Drawn from each person's keyed dice (not RS_CASEMIX), so adding them moved no one's
     * case mix: */
    double deprivation_shares[PW_DEPRIVATION_N]; /* deprivation_shares: by quintile of
                                       the Index of Multiple Deprivation, most deprived
                                       first */
    double ethnic_group_shares[PW_ETHNIC_N - 1]; /* ethnic_group_shares: of the ethnic
                                       minority share: Asian, Black, Mixed, other */
} pw_casemix;

/* subgroups.<attribute> = { opt_in = [...]; dna = [...]; dropout = [...]; response = [...]; }:
 * multipliers by level of one attribute on the odds of opting in and of a DNA (assessment
 * and sessions: odds, so certainty and 0 stay so), on dropout (the waiting hazards and
 * after a session) and on the session effect. Relative: the model divides each by its mean over the attribute's
 * referral shares, so an attribute spreads people apart without moving the average. */
typedef struct pw_effects {
    double opt_in[PW_LEVELS_MAX];
    double dna[PW_LEVELS_MAX];
    double dropout[PW_LEVELS_MAX];
    double response[PW_LEVELS_MAX];
} pw_effects;

/* The attributes, each with its levels (pw_subgroup.c names them). */
typedef enum pw_attr {
    PW_A_AGE,           /* 18-25, 26-35, 36-64, 65+ */
    PW_A_SEX,           /* male, female */
    PW_A_ETHNICITY,     /* white, Asian, Black, mixed, other */
    PW_A_LTC,           /* without, with a long-term condition */
    PW_A_LD,            /* without, with a learning disability or autism */
    PW_A_SOURCE,        /* GP referral, self-referral */
    PW_A_DEPRIVATION,   /* quintiles, most deprived first */
    PW_A_N
} pw_attr;

/* The number of levels of attribute a. */
static inline int pw_attr_levels(pw_attr a)
{
    return a == PW_A_AGE ? 4 : a == PW_A_ETHNICITY || a == PW_A_DEPRIVATION ? 5 : 2;
}

/* subgroups.<attribute>: the population's gaps (rel, the members above: relative) and a
 * scenario's change = { opt_in = [...]; ... } (absolute: multiplied in as given, so
 * raising one level's moves that level's people and no one else's). */
typedef struct pw_attr_effects {
    pw_effects rel;
    pw_effects change;
} pw_attr_effects;

/* subgroups = { age = {...}; sex = {...}; ... } */
typedef struct pw_subgroups_p {
    pw_attr_effects effects[PW_A_N];
} pw_subgroups_p;

/* Most rows of staff.<role>.fte_mix. */
#define PW_MAX_FTE_MIX 8

/* A row of staff.<role>.fte_mix: this share of the role's members work at this FTE. */
typedef struct pw_fte_level {
    double share; /* share: of the members, (0, 1]; the rows' sum to 1 */
    double fte;   /* fte: (0, 1] */
} pw_fte_level;

/* staff.<role> = { ... } */
typedef struct pw_role {
    char name[PW_MAX_NAME];         /* the key under staff */
    int headcount;                  /* headcount */
    double fte;                     /* fte: per person, (0, 1]; with fte_mix, its mean */
    pw_fte_level fte_mix[PW_MAX_FTE_MIX]; /* fte_mix: the members' FTEs, by share (none:
                                              everyone at fte); pw_staff.c, member_fte */
    size_t n_fte_mix;
    double clinical_hours_per_week; /* clinical_hours_per_week: per full-time person */
    double colocated_hours_per_week; /* colocated_hours_per_week: of them, held in GP
                                       practices (co-location), per full-time person */
    int caseload_cap;               /* caseload_cap: open cases per full-time person */
    unsigned does;                  /* does = ["assessment", "step2", "groups", "step3"] */
    double assessments_per_week;    /* assessments_per_week: per full-time person */
    int band;                       /* band: Agenda for Change band (costs, later) */
    double therapist_effect_sd;     /* therapist_effect_sd: sd of log multiplier on effect */
    double need_accuracy;           /* need_accuracy: P(assessed need = latent need) */
    /* Dynamics (all zero: fixed staff). Rates are hazards a year per person. */
    double leave_per_year;          /* leave_per_year: leaving, at zero burnout */
    double sick_per_year;           /* sick_episodes_per_year: sickness absences */
    double sick_days_mean;          /* sick_days_mean: mean length (exponential), days */
    double train_per_year;          /* training_per_year: leaving the post for
                                       high-intensity training */
    double train_min_tenure_years;  /* training_min_tenure_years */
    double train_bar_years;         /* training_bar_years: no training for this long after
                                       qualifying (starting in the role) */
    char train_to[PW_MAX_NAME];     /* training_to: the role trainees train for */
    int train_to_role;              /* resolved, -1 if none */
    double train_weeks;             /* training_weeks: length of training */
    double train_capacity;          /* training_capacity: share of the trained-for role's
                                       hours and caseload worked while training */
    double qualify_probability;     /* qualify_probability: a trainee takes a post in
                                       training_to (else leaves the service) */
    int replace_leavers;            /* replace_leavers: a leaver's post is advertised */
    pw_dist vacancy_days;           /* vacancy_days: advert to start, days */
    int intake_month;               /* intake_month: 0 = start any time; 1-12 = new
                                       starters start only in that month */
    double ramp_weeks;              /* ramp_weeks: new starters reach full capacity */
    double ramp_start;              /* ramp_start: their capacity share on day one */
    double salary_gbp;              /* salary_gbp: a year per FTE (default: by band) */
    /* Annual clearing (models/pw_train.c): */
    int train_intake_month;         /* training_intake_month: 0 = training starts any time;
                                       1-12 = only in that month (a year's starts) */
    int train_places_per_year;      /* training_places_per_year: most starts a calendar year
                                       of the run, 0 = no limit */
    double train_closed_from_week;  /* training_closed_from_week: no one starts training */
    double train_closed_weeks;      /* training_closed_weeks: for this long (0 = never) */
} pw_role;

/* Most weeks assessment.flex_lead_weeks may be (a ring of the reviews' decisions). */
#define PW_FLEX_LEAD_MAX 26

/* assessment = { ... } */
typedef struct pw_assessment_p {
    double opt_in_probability;      /* opt_in_probability: referral responds / opts in */
    double opt_in_days_mean;        /* opt_in_days_mean: time to opt in (exponential) */
    double self_opt_in_days_mean;   /* self_referral_opt_in_days_mean: the same for
                                       self-referrals (NAN: opt_in_days_mean) */
    double opt_in_close_days;       /* opt_in_close_days: a referral not opted in by
                                       then is closed (0: never) */
    double minutes;                 /* minutes: clinician time per assessment */
    double dna_probability;         /* dna_probability: at the assessment appointment */
    int dna_rebook;                 /* dna_rebook: appointments missed that are rebooked
                                       (back on the list) before a missed one ends it */
    pw_hazard wait_dropout;         /* wait_dropout: while waiting for assessment */
    int reject_learning_disability; /* reject_learning_disability: service refuses LD */
    double risk_signpost_probability; /* risk_signpost_probability: active risk -> out */
    int skip;                       /* skip: referrals go straight to the step-2 list
                                       (validation scenarios) */
    double telephone_share;         /* telephone_share: assessments held by telephone */
    double telephone_minutes;       /* telephone_minutes: clinician time per one */
    double telephone_accuracy;      /* telephone_accuracy: x the assessor's need_accuracy */
    double colocated_gp_opt_in_odds; /* colocated_gp_opt_in_odds: x the odds of a GP
                                       referral opting in (co-location in primary care) */
    double colocated_gp_dna_odds;   /* colocated_gp_dna_odds: x the odds of their DNAs */
    double flex_from_weeks;         /* flex_from_weeks: the list, in weeks of the base
                                       clinics, past which assessors' treatment time moves
                                       to assessment (0 = never) */
    double flex_max;                /* flex_max: most extra assessment slots, x the base */
    int flex_lead_weeks;            /* flex_lead_weeks: weeks from giving up treatment time
                                       to running the clinics it buys */
} pw_assessment_p;

/* step2 = { ... }, step3 = { ... } */
typedef struct pw_step_p {
    double session_minutes;         /* session_minutes: follow-up session length */
    double first_session_minutes;   /* first_session_minutes */
    double admin_minutes;           /* admin_minutes: per session */
    double interval_days;           /* interval_days: between sessions (at least) */
    int diary;                      /* diary: sessions booked into clinicians' diaries, the
                                       caseload cap alone limiting who is taken on */
    int max_sessions;               /* max_sessions: session cap */
    int min_sessions;               /* min_sessions: before a recovery discharge */
    double dna_probability;         /* dna_probability */
    int discharge_after_dnas;       /* discharge_after_dnas */
    double dropout_per_session;     /* dropout_per_session: P(not returning) after one */
    double first_session_dropout;   /* first_session_dropout: the same after the first
                                       attended session (default dropout_per_session) */
    double dropout_gap_days;        /* dropout_gap_days: the gap to the next session at
                                       which dropout_per_session holds; a constant hazard
                                       a day over other gaps (0: the gap does not matter) */
    pw_hazard wait_dropout;         /* wait_dropout: while on this step's waiting list */
    pw_dist first_session_lag_days; /* first_session_lag_days: allocation to 1st session */
    double mode_shares[PW_MODE_N];  /* mode_shares: face_to_face, telephone, group */
    int group_min, group_max;       /* group_min, group_max: group size */
    double group_minutes;           /* group_minutes: clinician time per group session */
    /* Per attended session the latent scores fall by a fraction f of their value:
     * f = (effect_mean + effect_sd z) x match x mode x therapist effect, z the person's
     * responsiveness (standard normal, drawn once per referral), then session noise. */
    double effect_mean, effect_sd;  /* effect_mean, effect_sd */
    double mismatch_factor;         /* mismatch_factor: multiplier when need != step */
    double phone_factor;            /* telephone_factor: multiplier for telephone mode */
    double group_factor;            /* group_factor: multiplier for group mode */
    double session_noise_sd;        /* session_noise_sd: added to latent scores, points */
    int recovered_sessions_to_end;  /* end_after_recovered_sessions: consecutive scores
                                       below caseness that end the course (0: never) */
    int no_progress_after;          /* no_progress_after: sessions; end if not improved */
    double no_progress_probability; /* no_progress_probability: the clinician's judgement at
                                       each such review: the chance it ends the course */
    double step_up_probability;     /* step_up_probability (step 2 only): failed -> step 3 */
    int step_down_after;            /* step_down_after (step 3 only): sessions before a
                                       person doing well may step down (0: never) */
    double step_down_probability;   /* step_down_probability: the chance they do */
    double ld_minutes_factor;       /* ld_minutes_factor: session length for people with a
                                       learning disability or autism, x this */
    int ld_extra_sessions;          /* ld_extra_sessions: added to their session cap */
    double cap_return_probability;  /* cap_return_probability: a course ended at the
                                       session cap, still at caseness and not stepped up,
                                       goes back on the step's list for a further course */
    int stepped_up_first;           /* stepped_up_first (step 3 only): people stepped up
                                       wait ahead of new referrals */
    int has_episode_days;           /* episode_days given: the course lasts this long,    */
    pw_dist episode_days;           /* whatever the sessions (validation scenarios)       */
} pw_step_p;

/* symptoms = { ... } */
typedef struct pw_symptoms_p {
    double wait_drift_per_week;     /* wait_drift_per_week: fractional change a week */
    double wait_noise_sd_per_week;  /* wait_noise_sd_per_week: points, Brownian */
    double remission_per_week;      /* remission_per_week: spontaneous remission hazard */
    double remission_factor;        /* remission_factor: latent scores x this on remission */
    double measurement_sd;          /* measurement_sd: questionnaire noise, points */
} pw_symptoms_p;

/* failure = { ... }: fail-first consequences. */
typedef struct pw_failure_p {
    double dropout_multiplier;      /* dropout_multiplier: per failure, on dropout hazards */
    double dna_multiplier;          /* dna_multiplier: per failure, on DNA probability */
} pw_failure_p;

/* relapse = { ... } */
typedef struct pw_relapse_p {
    double probability_recovered;   /* probability_recovered: re-referral within horizon */
    double probability_unrecovered; /* probability_unrecovered */
    double mean_days;               /* mean_days: time to re-referral (exponential) */
} pw_relapse_p;

/* reporting = { ... }: how the service publishes. */
typedef struct pw_reporting_p {
    int clock_stops_at_first_contact; /* clock_stop = "first_contact" | "first_treatment" */
    int end_of_session_questionnaire; /* end_of_session_questionnaire: score after effect */
    double coaching_points;         /* coaching_points: reported scores lowered at the end */
    int discharge_on_first_good_score; /* discharge_on_first_good_score */
    /* Each practice touches the records of a share of referrals (a die of the person's own,
     * models/pw_report.c); the three above apply to these shares when they are on. */
    double coaching_share;          /* coaching_share */
    double end_of_session_share;    /* end_of_session_share */
    double early_discharge_share;   /* early_discharge_share */
    double repeat_questionnaire_share; /* repeat_questionnaire_share: the last questionnaire
                                       taken again, the best total recorded */
    int repeat_questionnaire_tries; /* repeat_questionnaire_tries: readings in all */
    double assessment_as_treatment_share; /* assessment_as_treatment_share: the assessment
                                       recorded as the first treatment session */
    double complete_self_discharged_share; /* complete_self_discharged_share: an end score
                                       below caseness entered for people who left treatment */
    double holding_miss_probability; /* holding_list_miss_probability: a letter unanswered
                                       discharges the person from the list (0: no letters) */
    double holding_letter_days;     /* holding_list_letter_days: between letters */
} pw_reporting_p;

/* coordination = { ... }: care coordinators for complex needs (models/pw_coord.c). Read
 * only when a role does "coordination". A person kept in the service (routed to a step's
 * list) is complex if any chosen criterion holds. */
typedef struct pw_coordination_p {
    int risk;                       /* risk: active risk, kept in the service */
    int specialist_need;            /* specialist_need: latent specialist need, kept in */
    int learning_disability;        /* learning_disability: learning disability or autism */
    int long_term_condition;        /* long_term_condition */
    int min_failures;               /* min_failures: this many failed courses or more (a
                                       step-up, a re-referral after one); 0: not a criterion */
    double minutes_per_week;        /* minutes_per_week: a coordinator's time per person held */
    double dna_odds;                /* dna_odds: x the odds of a treatment DNA while held */
    double dropout;                 /* dropout: x the waiting dropout hazard and the chance
                                       of dropping out after a session while held */
} pw_coordination_p;

#define PW_MAX_PLAN 16

/* A row of workforce.hiring: `count` extra posts of a role advertised at week `week`. */
typedef struct pw_hire {
    double week;                    /* week: from day 0 */
    char role_name[PW_MAX_NAME];    /* role */
    int role;                       /* resolved index into roles (-1 until resolved) */
    int count;                      /* count */
} pw_hire;

/* A row of workforce.shocks: from week `week`, a share of a role's staff leaves, spread
 * over `weeks` weeks. */
typedef struct pw_shock {
    double week;                    /* week */
    char role_name[PW_MAX_NAME];    /* role */
    int role;                       /* resolved index into roles (-1 until resolved) */
    double share;                   /* share: of the role's staff in post */
    double weeks;                   /* weeks */
} pw_shock;

/* workforce = { ... }: burnout, change of therapist, recruitment limits, costs, plans. */
typedef struct pw_workforce_p {
    double sustainable_load;        /* sustainable_load: share of a clinician's hours in
                                       use that can be kept up indefinitely */
    double burnout_rise_per_week;   /* burnout_rise_per_week: burnout (0-1) gained a week
                                       per unit of load above sustainable */
    double burnout_recovery_per_week; /* burnout_recovery_per_week: share of burnout lost
                                       a week at or below sustainable load */
    double burnout_susceptibility_sd; /* burnout_susceptibility_sd: sd of the log of each
                                       clinician's multiplier of burnout rise (mean 1) */
    double telephone_weight;        /* telephone_weight: a telephone hour counts as this
                                       many hours of load (telephone work burns out more) */
    double supervision_hours_per_month; /* supervision_hours_per_month */
    double supervision_relief;      /* supervision_relief: rise x (1 - relief x hours/2) */
    double burnout_leave_factor;    /* burnout_leave_factor: leaving x (1 + f x burnout) */
    double burnout_sick_factor;     /* burnout_sick_factor: sickness x (1 + f x burnout) */
    double reallocate_after_sick_days; /* reallocate_after_sick_days: a sickness this long
                                          hands the caseload to others (0: never) */
    double burnout_effect;          /* burnout_effect: session effect x (1 - e x burnout) */
    double change_dropout;          /* change_dropout: P(a leaver's patient is lost) */
    double oncost_share;            /* oncost_share: employer on-costs on salary */
    double training_cost_gbp;       /* training_cost_gbp: fees per trainee */
    double labour_pool_per_year;    /* labour_pool_per_year: most starters a year, 0 = no
                                       limit */
    int starting_tenure_spread;     /* starting_tenure_spread: the starting staff's time in
                                       post spread as turnover leaves it, not 0 for all */
    double trainee_salary_support_share; /* trainee_salary_support_share: share of trainees'
                                       salaries paid by a national body (costs.csv) */
    /* Top-up training for long-term-condition work (models/pw_train.c): */
    double ltc_top_up_share;        /* ltc_top_up_share: of treating clinicians in post */
    double ltc_top_up_week;         /* ltc_top_up_week: the course starts (from day 0) */
    double ltc_top_up_weeks;        /* ltc_top_up_weeks: its length */
    double ltc_top_up_capacity;     /* ltc_top_up_capacity: share of hours and caseload
                                       worked meanwhile */
    double ltc_top_up_effect;       /* ltc_top_up_effect: session effect multiplier for a
                                       person with a long-term condition, once trained */
    double ltc_top_up_cost_gbp;     /* ltc_top_up_cost_gbp: fees a clinician trained */
    size_t n_hires;                 /* hiring = ( { week; role; count; }, ... ) */
    pw_hire hires[PW_MAX_PLAN];
    size_t n_shocks;                /* shocks = ( { week; role; share; weeks; }, ... ) */
    pw_shock shocks[PW_MAX_PLAN];
    size_t n_cuts;                  /* cuts = ( { week; role; count; }, ... ): posts abolished */
    pw_hire cuts[PW_MAX_PLAN];
} pw_workforce_p;

/* ltc_pathway = { ... }: an integrated long-term-condition pathway inside the service (off
 * by default). It applies to people with a long-term condition (casemix) at whichever
 * step the policy sends them, courses adapted to the condition: their own session caps,
 * longer sessions, a larger effect (care that addresses the condition), and odds of a DNA
 * and dropout hazards of their own. With it on, the expert door's ltc_pathway no longer
 * signposts them out (models/pol_expert_door.c). A person with a learning disability too
 * has both adaptations: minutes factors multiply, ld_extra_sessions adds to the cap. */
typedef struct pw_ltc_pathway_p {
    int enabled;                    /* enabled */
    int sessions[PW_STEP_N];        /* step2_sessions, step3_sessions: the session cap on
                                       the pathway, 0 = the step's own max_sessions */
    double minutes_factor;          /* minutes_factor: individual sessions x this long */
    double effect_factor;           /* effect_factor: session effect x this */
    double dna_odds;                /* dna_factor: x the odds of a DNA at a session */
    double dropout_factor;          /* dropout_factor: x the dropout hazards of the step's
                                       list and after a session */
} pw_ltc_pathway_p;

/* prefill = { ... }: the state at time zero. */
typedef struct pw_prefill_p {
    int assessment_list;            /* assessment_list: people waiting at time 0 */
    int step_list[PW_STEP_N];       /* step2_list, step3_list */
    double caseload_fill;           /* caseload_fill: share of caseload places taken */
    int sessions_held[PW_STEP_N];   /* step2_sessions_held, step3_sessions_held: a caseload's
                                       pre-filled courses have held 0 to this less 1
                                       sessions (at most the cap less 1), uniformly */
} pw_prefill_p;

/* output = { ... } */
typedef struct pw_output_p {
    int patients;                   /* patients: write patients.csv */
    int events;                     /* events: write events.csv */
} pw_output_p;

/* policy_params.<name>: the parameters of one policy, as its own struct (declared in
 * models/pol_<name>.c, described by its table there), in an area aligned for any type. */
typedef union pw_policy_area {
    max_align_t align;
    unsigned char bytes[PW_POLICY_PARAM_BYTES];
} pw_policy_area;

/* bank_holidays: which calendar's bank holidays are closure days (models/pw_holidays.c). */
enum { PW_BANK_HOLIDAYS_NONE, PW_BANK_HOLIDAYS_ENGLAND_WALES };

typedef struct pw_params {
    char name[256];                 /* name */
    double horizon_weeks;           /* horizon_weeks: measurement window after warm-up */
    double warmup_weeks;            /* warmup_weeks */
    double followup_weeks;          /* followup_weeks: run on so the cohort can finish */
    double outcome_weeks;           /* outcome_weeks: true outcomes read this long after
                                       referral (the run goes on long enough) */
    double outcome_weeks_late;      /* outcome_weeks_late: a second, later reading of true
                                       recovery (0: none) */
    int replications;               /* replications */
    uint64_t seed;                  /* seed */
    int policy;                     /* policy = "stepped": an index into pw_policies[]
                                       (models/pol.c) */
    int weekend_closed;             /* weekend_closed: no appointments Sat/Sun */
    int bank_holidays;              /* bank_holidays = "none" | "england_wales"
                                       (PW_BANK_HOLIDAYS_*) */
    size_t n_closures;              /* closure_days = [ ... ] (days from start) */
    double closures[PW_MAX_CLOSURES];
    pw_referrals referrals;
    pw_casemix casemix;
    pw_subgroups_p subgroups;
    size_t n_roles;
    pw_role roles[PW_MAX_ROLES];
    pw_assessment_p assessment;
    pw_step_p step[PW_STEP_N];
    pw_symptoms_p symptoms;
    pw_failure_p failure;
    pw_relapse_p relapse;
    pw_policy_area policy_params[PW_MAX_POLICIES]; /* by index into pw_policies[] */
    pw_reporting_p reporting;
    pw_ltc_pathway_p ltc_pathway;
    pw_prefill_p prefill;
    pw_workforce_p workforce;
    pw_coordination_p coordination;
    pw_output_p output;
} pw_params;

/* The most sessions a course at step s can have: the step's cap, or the long-term-condition
 * pathway's where it is on and higher, plus a learning disability's extra sessions. One
 * course's own cap is episode_session_cap's (models/pw_episode.c), within this. */
static inline int pw_session_cap_most(const pw_params *p, int s)
{
    const pw_step_p *sp = &p->step[s];
    int cap = sp->max_sessions;
    if (p->ltc_pathway.enabled && p->ltc_pathway.sessions[s] > cap)
        cap = p->ltc_pathway.sessions[s];
    return cap + (sp->ld_extra_sessions > 0 ? sp->ld_extra_sessions : 0);
}

#endif
