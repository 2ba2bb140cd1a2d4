/* What one replication of the stepped-care model produces: metric values, the funnel,
 * wait and outcome distributions, and a weekly time series. Filled by the model,
 * formatted by the writers in sim/out_*.c. */
#ifndef PW_RESULTS_H
#define PW_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "pw_params.h"
#include "pw_therapist.h"
#include "sim/core/sim_stats.h"

/* Headline metrics, one value per replication. Names (pw_metric_name) are the contract
 * of summary.json: never rename, only add at the end. Shares are fractions in [0, 1],
 * times in days. A metric with no observations is NaN. */
#define PW_METRICS(X)                                                                     \
    X(REFERRALS, "referrals")                                                             \
    X(ENTERED_TREATMENT_SHARE, "entered_treatment_share")                                 \
    X(FINISHED_COURSE_SHARE, "finished_course_share")                                     \
    X(RECOVERY_RATE_REPORTED, "recovery_rate_reported")                                   \
    X(RECOVERY_RATE_TRUE, "recovery_rate_true")                                           \
    X(RELIABLE_IMPROVEMENT_REPORTED, "reliable_improvement_reported")                     \
    X(RELIABLE_IMPROVEMENT_TRUE, "reliable_improvement_true")                             \
    X(RELIABLE_RECOVERY_REPORTED, "reliable_recovery_reported")                           \
    X(RELIABLE_RECOVERY_TRUE, "reliable_recovery_true")                                   \
    X(RECOVERY_RATE_TRUE_AT_EXIT, "recovery_rate_true_at_exit")                           \
    X(RELIABLE_IMPROVEMENT_TRUE_AT_EXIT, "reliable_improvement_true_at_exit")             \
    X(RELIABLE_RECOVERY_TRUE_AT_EXIT, "reliable_recovery_true_at_exit")                   \
    X(WITHIN_6_WEEKS_REPORTED, "within_6_weeks_reported")                                 \
    X(WITHIN_6_WEEKS_TRUE, "within_6_weeks_true")                                         \
    X(WITHIN_18_WEEKS_REPORTED, "within_18_weeks_reported")                               \
    X(WITHIN_18_WEEKS_TRUE, "within_18_weeks_true")                                       \
    X(WAIT_TO_ASSESSMENT_DAYS_MEAN, "wait_to_assessment_days_mean")                       \
    X(WAIT_TO_TREATMENT_DAYS_MEAN, "wait_to_treatment_days_mean")                         \
    X(WAIT_TO_TREATMENT_DAYS_P50, "wait_to_treatment_days_p50")                           \
    X(WAIT_TO_TREATMENT_DAYS_P90, "wait_to_treatment_days_p90")                           \
    X(WAIT_REPORTED_DAYS_MEAN, "wait_reported_days_mean")                                 \
    X(STEP_UP_WAIT_DAYS_MEAN, "step_up_wait_days_mean")                                   \
    X(SESSIONS_MEAN_FINISHERS, "sessions_mean_finishers")                                 \
    X(SESSIONS_MEAN_RECOVERED, "sessions_mean_recovered")                                 \
    X(DROPOUT_BEFORE_ASSESSMENT_SHARE, "dropout_before_assessment_share")                 \
    X(DROPOUT_AFTER_ASSESSMENT_SHARE, "dropout_after_assessment_share")                   \
    X(DROPOUT_IN_TREATMENT_SHARE, "dropout_in_treatment_share")                           \
    X(SIGNPOSTED_SHARE, "signposted_share")                                               \
    X(STEPPED_UP_SHARE, "stepped_up_share")                                               \
    X(STILL_IN_SYSTEM_SHARE, "still_in_system_share")                                     \
    X(RE_REFERRAL_SHARE, "re_referral_share")                                             \
    X(UTILISATION_STEP2, "utilisation_step2")                                             \
    X(UTILISATION_STEP3, "utilisation_step3")                                             \
    X(UTILISATION_ASSESSMENT, "utilisation_assessment")                                   \
    X(WAITING_ASSESSMENT_MEAN, "waiting_assessment_mean")                                 \
    X(WAITING_STEP2_MEAN, "waiting_step2_mean")                                           \
    X(WAITING_STEP3_MEAN, "waiting_step3_mean")                                           \
    X(FAILED_EPISODES_MEAN, "failed_episodes_mean")                                       \
    X(FAILED_AT_LEAST_ONCE_SHARE, "failed_at_least_once_share")                           \
    X(COST_PER_REFERRAL_GBP, "cost_per_referral_gbp")                                     \
    X(COST_PER_FINISHED_COURSE_GBP, "cost_per_finished_course_gbp")                       \
    X(COST_PER_RECOVERY_GBP, "cost_per_recovery_gbp")                                     \
    X(COST_PER_TRUE_RECOVERY_GBP, "cost_per_true_recovery_gbp")                           \
    X(STAFF_TURNOVER_RATE, "staff_turnover_rate")                                         \
    X(BURNOUT_MEAN, "burnout_mean")                                                       \
    X(WAIT_ASSESSMENT_TO_TREATMENT_OVER_90_DAYS_SHARE,                                    \
      "wait_assessment_to_treatment_over_90_days_share")                                  \
    X(FINISHERS_STEP2_ONLY_SHARE, "finishers_step2_only_share")                           \
    X(FINISHERS_STEP2_THEN_3_SHARE, "finishers_step2_then_3_share")                       \
    X(FINISHERS_STEP3_ONLY_SHARE, "finishers_step3_only_share")                           \
    X(SESSIONS_MEAN_FINISHERS_STEP2_ONLY, "sessions_mean_finishers_step2_only")           \
    X(SESSIONS_MEAN_FINISHERS_STEP2_THEN_3, "sessions_mean_finishers_step2_then_3")       \
    X(SESSIONS_MEAN_FINISHERS_STEP3_ONLY, "sessions_mean_finishers_step3_only")           \
    X(CASELOAD_PER_STEP2_CLINICIAN, "caseload_per_step2_clinician")                       \
    X(STAFF_TURNOVER_RATE_STEP2, "staff_turnover_rate_step2")                             \
    X(STAFF_TURNOVER_RATE_STEP3, "staff_turnover_rate_step3")                             \
    X(HANDED_ON, "handed_on")                                                             \
    X(SPREAD_SESSIONS, "spread_sessions")                                                 \
    X(MOVED_SESSIONS, "moved_sessions")                                                   \
    X(ASSESSMENT_EXTRA_SHARE, "assessment_extra_share")                                   \
    X(RECOVERY_RATE_TRUE_UNTREATED, "recovery_rate_true_untreated")                       \
    X(COST_PER_RECOVERY_CAUSED_GBP, "cost_per_recovery_caused_gbp")                       \
    X(RECOVERY_RATE_TRUE_LATE, "recovery_rate_true_late")                                 \
    X(RECOVERY_RATE_TRUE_UNTREATED_LATE, "recovery_rate_true_untreated_late")             \
    X(STEPPED_DOWN_SHARE, "stepped_down_share")                                           \
    X(BACK_ON_LIST_SHARE, "back_on_list_share")                                           \
    X(THERAPIST_EFFECT_STEP2, "therapist_effect_step2")                                   \
    X(THERAPIST_EFFECT_STEP3, "therapist_effect_step3")                                   \
    X(THERAPIST_EFFECT_BURNOUT_PART_STEP2, "therapist_effect_burnout_part_step2")         \
    X(THERAPIST_EFFECT_BURNOUT_PART_STEP3, "therapist_effect_burnout_part_step3")         \
    X(WAIT_FOR_STEP3_DAYS_MEAN, "wait_for_step3_days_mean")

typedef enum pw_metric {
#define PW_METRIC_ENUM(id, name) PW_M_##id,
    PW_METRICS(PW_METRIC_ENUM)
#undef PW_METRIC_ENUM
    PW_M_N
} pw_metric;

const char *pw_metric_name(pw_metric m);
/* 1 if metric m can have a value in scenario p: the later reading's metrics only where p
 * sets outcome_weeks_late; every other metric always. */
int pw_metric_taken(const pw_params *p, pw_metric m);

/* The groups exits fall in (flow.csv's `group`, the dashboard's headings). */
#define PW_EXIT_GROUPS(X)                                                                 \
    X(BEFORE_ASSESSMENT, "dropped_before_assessment")                                     \
    X(SIGNPOSTED, "signposted")                                                           \
    X(AFTER_ASSESSMENT, "dropped_after_assessment")                                       \
    X(IN_TREATMENT, "dropped_in_treatment")                                               \
    X(DISCHARGED, "discharged")                                                           \
    X(STILL_IN_SYSTEM, "still_in_system")                                                 \
    X(FROM_WAITING_LIST, "discharged_from_waiting_list")

typedef enum pw_exit_group_id {
#define PW_EXIT_GROUP_ENUM(id, name) PW_XG_##id,
    PW_EXIT_GROUPS(PW_EXIT_GROUP_ENUM)
#undef PW_EXIT_GROUP_ENUM
    PW_XG_N
} pw_exit_group_id;

/* Where each referral of the cohort ended: exactly one per referral. */
#define PW_EXITS(X)                                                                       \
    X(NO_OPT_IN, "no_opt_in", BEFORE_ASSESSMENT)                                          \
    X(DROPPED_WAITING_ASSESSMENT, "dropped_waiting_assessment", BEFORE_ASSESSMENT)        \
    X(DNA_ASSESSMENT, "dna_assessment", BEFORE_ASSESSMENT)                                \
    X(SIGNPOSTED_RISK, "signposted_risk", SIGNPOSTED)                                     \
    X(SIGNPOSTED_SPECIALIST, "signposted_specialist", SIGNPOSTED)                         \
    X(REJECTED, "rejected", SIGNPOSTED)                                                   \
    X(DROPPED_WAITING_STEP2, "dropped_waiting_step2", AFTER_ASSESSMENT)                   \
    X(DROPPED_WAITING_STEP3, "dropped_waiting_step3", AFTER_ASSESSMENT)                   \
    X(DROPPED_IN_TREATMENT, "dropped_in_treatment", IN_TREATMENT)                         \
    X(DISCHARGED_DNA, "discharged_dna", IN_TREATMENT)                                     \
    X(DISCHARGED_RECOVERED, "discharged_recovered", DISCHARGED)                           \
    X(DISCHARGED_COMPLETED, "discharged_completed", DISCHARGED)                           \
    X(DISCHARGED_NO_PROGRESS, "discharged_no_progress", DISCHARGED)                       \
    X(STILL_WAITING, "still_waiting", STILL_IN_SYSTEM)                                    \
    X(STILL_IN_TREATMENT, "still_in_treatment", STILL_IN_SYSTEM)                          \
    X(SIGNPOSTED_LTC, "signposted_ltc", SIGNPOSTED)                                       \
    X(DISCHARGED_HOLDING_LIST, "discharged_holding_list", FROM_WAITING_LIST)              \
    X(CLOSED_UNANSWERED, "closed_unanswered", BEFORE_ASSESSMENT)

typedef enum pw_exit {
#define PW_EXIT_ENUM(id, name, group) PW_X_##id,
    PW_EXITS(PW_EXIT_ENUM)
#undef PW_EXIT_ENUM
    PW_X_N
} pw_exit;

/* An exit's name (flow.csv's `exit` column), its group's name, its group. Static strings. */
const char *pw_exit_name(pw_exit x);
const char *pw_exit_group(pw_exit x);
pw_exit_group_id pw_exit_group_of(pw_exit x);
/* The exits of group g summed (exits: PW_X_N counts). */
uint64_t pw_exit_group_count(const uint64_t *exits, pw_exit_group_id g);

/* Funnel stages passed (a referral may pass several): counts for flow.csv.
 * entered_ltc_pathway (people entering treatment on the long-term-condition pathway) is
 * written only when the scenario runs it (ltc_pathway.enabled). */
#define PW_STAGES(X)                                                                      \
    X(REFERRED, "referred")                                                               \
    X(OPTED_IN, "opted_in")                                                               \
    X(ASSESSED, "assessed")                                                               \
    X(ASSESSMENT_REBOOKED, "assessment_rebooked")                                         \
    X(ROUTED_STEP2, "routed_step2")                                                       \
    X(ROUTED_STEP3, "routed_step3")                                                       \
    X(ENTERED_STEP2, "entered_step2")                                                     \
    X(ENTERED_STEP3, "entered_step3")                                                     \
    X(ENTERED_TREATMENT, "entered_treatment")                                             \
    X(STEPPED_UP, "stepped_up")                                                           \
    X(STEPPED_DOWN, "stepped_down")                                                       \
    X(BACK_ON_LIST, "back_on_list")                                                       \
    X(FINISHED_COURSE, "finished_course")                                                 \
    X(RECOVERED_REPORTED, "recovered_reported")                                           \
    X(RE_REFERRED, "re_referred")                                                         \
    X(ENTERED_LTC_PATHWAY, "entered_ltc_pathway")

typedef enum pw_stage {
#define PW_STAGE_ENUM(id, name) PW_S_##id,
    PW_STAGES(PW_STAGE_ENUM)
#undef PW_STAGE_ENUM
    PW_S_N
} pw_stage;

const char *pw_stage_name(pw_stage s);

/* Wait distributions (weekly-bin histograms, 0..PW_WAIT_WEEKS weeks, overflow counted). */
#define PW_WAIT_WEEKS 104
typedef enum pw_wait {
    PW_W_REFERRAL_TO_ASSESSMENT,   /* true: referral to assessment attended */
    PW_W_ASSESSMENT_TO_TREATMENT,  /* true: assessment to first treatment session */
    PW_W_REFERRAL_TO_TREATMENT,    /* true: referral to first treatment session */
    PW_W_STEP_UP,                  /* true: end of step 2 to first step-3 session */
    PW_W_REPORTED,                 /* reported: referral to the clock stop, finishers */
    PW_W_N
} pw_wait;
const char *pw_wait_name(pw_wait w);

/* Paths through care, for recovery.csv. */
typedef enum pw_path {
    PW_P_STEP2_ONLY, PW_P_STEP2_THEN_3, PW_P_STEP3_ONLY, PW_P_NONE, PW_P_N
} pw_path;
const char *pw_path_name(pw_path p);

/* Outcome tallies of a group of people (a path, a subgroup). */
typedef struct pw_outcome_counts {
    uint64_t n;                         /* people in the group (cohort referrals) */
    uint64_t finishers;                 /* finished a course (>= 2 sessions) */
    uint64_t reported_casers;           /* finishers at caseness at the start (reported) */
    uint64_t reported_recovered;
    uint64_t reported_reliable_improvement;
    uint64_t reported_reliable_recovery;
    uint64_t true_casers;               /* at latent caseness at referral */
    uint64_t true_recovered;            /* of those, not at latent caseness at exit */
    uint64_t true_reliable_improvement; /* latent, all referrals in the group */
    double sessions_sum;                /* treatment sessions attended, all in group */
    double wait_to_treatment_sum_days;  /* for those who entered treatment */
    uint64_t entered;                   /* entered treatment */
    uint64_t reported_finishers;        /* finished a course as reported (the assessment
                                           counted as a session, self-discharges completed:
                                           reporting practices); else as finishers */
    uint64_t true_reliable_recovery;    /* latent recovery and reliable improvement */
    uint64_t within_6_weeks_true, within_18_weeks_true; /* first treatment session within
                                           42 / 126 days of referral (of all in group) */
    uint64_t within_6_weeks_reported, within_18_weeks_reported; /* reported wait, of
                                           reported finishers */
    uint64_t dropped_before_assessment, dropped_after_assessment, dropped_in_treatment;
    uint64_t true_recovered_untreated;  /* of true_casers, recovered at outcome_weeks had no
                                           session had any effect (the counterfactual) */
    /* The later reading (outcome_weeks_late; 0 without one): true_casers read then, and
     * of them recovered, and recovered had no session had any effect. */
    uint64_t true_late_read, true_recovered_late, true_recovered_untreated_late;
} pw_outcome_counts;

/* Subgroups reported in recovery.csv and subgroups.csv: everyone, then each attribute's
 * levels (pw_subgroup_attribute names the attribute; the levels of one attribute
 * partition the referrals, but for ethnic_minority, the pooled non-white groups). The
 * first seven are recovery.csv's original groups, in their order. */
typedef enum pw_subgroup {
    PW_G_ALL, PW_G_GP, PW_G_SELF, PW_G_LTC, PW_G_LD, PW_G_ETHNIC_MINORITY, PW_G_AGE_65PLUS,
    PW_G_AGE_18_25, PW_G_AGE_26_35, PW_G_AGE_36_64, PW_G_MALE, PW_G_FEMALE, PW_G_WHITE,
    PW_G_ASIAN, PW_G_BLACK, PW_G_MIXED, PW_G_OTHER_ETHNIC, PW_G_NO_LTC, PW_G_NO_LD,
    PW_G_DEPRIVATION_Q1, PW_G_DEPRIVATION_Q2, PW_G_DEPRIVATION_Q3, PW_G_DEPRIVATION_Q4,
    PW_G_DEPRIVATION_Q5,
    PW_G_N
} pw_subgroup;
/* A subgroup's name as subgroups.csv writes it ("gp_referral"). A static string. */
const char *pw_subgroup_name(pw_subgroup g);
/* The attribute a subgroup is a level of: "all", "age", "sex", "ethnicity",
 * "ethnic_minority" (pooled), "long_term_condition", "learning_disability",
 * "referral_source", "deprivation". */
const char *pw_subgroup_attribute(pw_subgroup g);
/* The subgroups in the order subgroups.csv and the pages list them (by attribute). */
extern const pw_subgroup pw_subgroup_order[PW_G_N];

/* The headline metrics of a subgroup, from its outcome counts (subgroups.csv). Shares are
 * fractions, times days; NaN when the denominator is 0. Never rename, only add. */
#define PW_GMETRICS(X)                                                                    \
    X(REFERRALS, "referrals")                                                             \
    X(ENTERED_TREATMENT_SHARE, "entered_treatment_share")                                 \
    X(FINISHED_COURSE_SHARE, "finished_course_share")                                     \
    X(RECOVERY_RATE_REPORTED, "recovery_rate_reported")                                   \
    X(RECOVERY_RATE_TRUE, "recovery_rate_true")                                           \
    X(RELIABLE_IMPROVEMENT_REPORTED, "reliable_improvement_reported")                     \
    X(RELIABLE_IMPROVEMENT_TRUE, "reliable_improvement_true")                             \
    X(RELIABLE_RECOVERY_REPORTED, "reliable_recovery_reported")                           \
    X(RELIABLE_RECOVERY_TRUE, "reliable_recovery_true")                                   \
    X(WITHIN_6_WEEKS_REPORTED, "within_6_weeks_reported")                                 \
    X(WITHIN_6_WEEKS_TRUE, "within_6_weeks_true")                                         \
    X(WITHIN_18_WEEKS_REPORTED, "within_18_weeks_reported")                               \
    X(WITHIN_18_WEEKS_TRUE, "within_18_weeks_true")                                       \
    X(WAIT_TO_TREATMENT_DAYS_MEAN, "wait_to_treatment_days_mean")                         \
    X(SESSIONS_MEAN_ENTERED, "sessions_mean_entered")                                     \
    X(DROPOUT_BEFORE_ASSESSMENT_SHARE, "dropout_before_assessment_share")                 \
    X(DROPOUT_AFTER_ASSESSMENT_SHARE, "dropout_after_assessment_share")                   \
    X(DROPOUT_IN_TREATMENT_SHARE, "dropout_in_treatment_share")                           \
    X(RECOVERY_RATE_TRUE_UNTREATED, "recovery_rate_true_untreated")                       \
    X(RECOVERY_RATE_TRUE_LATE, "recovery_rate_true_late")                                 \
    X(RECOVERY_RATE_TRUE_UNTREATED_LATE, "recovery_rate_true_untreated_late")

typedef enum pw_gmetric {
#define PW_GMETRIC_ENUM(id, name) PW_GM_##id,
    PW_GMETRICS(PW_GMETRIC_ENUM)
#undef PW_GMETRIC_ENUM
    PW_GM_N
} pw_gmetric;
/* A subgroup metric's name (a static string), and its value from one group's counts (NaN
 * when its denominator is 0). */
const char *pw_gmetric_name(pw_gmetric m);
double pw_gmetric_value(const pw_outcome_counts *o, pw_gmetric m);
/* Adds every count and sum of b to a: pooling replications (recovery.csv, subgroups.csv)
 * or a federation's services. */
void pw_results_outcome_add(pw_outcome_counts *a, const pw_outcome_counts *b);

/* Score distributions of finishers (0..27 PHQ-9, 0..21 GAD-7), reported scores. */
typedef struct pw_score_hist {
    uint64_t phq_start[28], phq_end[28], gad_start[22], gad_end[22];
    uint64_t phq_change[55]; /* change end - start + 27 */
    uint64_t gad_change[43]; /* change end - start + 21 */
} pw_score_hist;

/* One week of the time series. */
typedef struct pw_week {
    double waiting_assessment, waiting_step[PW_STEP_N];  /* at the week's end */
    double caseload_step[PW_STEP_N];                     /* open episodes at the week's end */
    double staff_in_post[PW_MAX_ROLES];                  /* at the week's end (trainees are
                                                            counted in in_training) */
    double vacancies[PW_MAX_ROLES];                      /* posts advertised, unfilled */
    double in_training[PW_MAX_ROLES];                    /* trainees, by trained-for role */
    double on_sick_leave, burnout_mean, burnout_p90;     /* at the week's end, all staff */
    double leavers, hires;                               /* during the week, all roles */
    double referrals, assessments, sessions;             /* during the week */
    /* First treatment sessions of the week (everyone, not only the cohort) and the sum of
     * their waits from referral; first step-3 sessions and the sum of their waits from
     * joining the step-3 list. Sums, not means, so that services add exactly. */
    double treatment_starts, treatment_wait_days;
    double step3_starts, step3_wait_days;
} pw_week;

/* A role's workforce over the measurement window. */
typedef struct pw_role_stats {
    double headcount_years;     /* people in post x years (time-integral of headcount) */
    double fte_years;           /* the same weighted by FTE and capacity share */
    uint64_t leavers;           /* left the service from a post (not trainees) */
    uint64_t to_training;       /* left the post for training (a progression) */
    uint64_t starters;          /* took up a post (new starters and qualified trainees) */
    double sick_days;           /* FTE-days of sickness absence (days x the absent's fte) */
    double tenure_years_sum;    /* tenure of those in post at the window's end */
    uint64_t in_post_end;       /* in post at the window's end */
    double burnout_years;       /* time-integral of burnout over people in post */
    double salary_gbp;          /* salary cost (FTE x salary, while in post or training) */
    double oncost_gbp;          /* employer on-costs */
    double training_gbp;        /* training fees of trainees for this role (and top-up
                                   courses of its staff) */
    double salary_support_gbp;  /* of salary_gbp: trainees' salaries paid by a national body
                                   (workforce.trainee_salary_support_share) */
} pw_role_stats;

/* Care coordination over a replication (models/pw_coord.c), zero without a coordinator
 * role: the cohort's complex people, and the coordinators over the measurement window.
 * All doubles, so that a federation adds them as an array (pw_pool_add). */
typedef struct pw_coord_stats {
    double complex_n;          /* cohort referrals kept in the service as complex */
    double coordinated;        /* of them, held by a coordinator at some time */
    double without;            /* of them, never held (no coordinator with a free place) */
    double lost;               /* held, then without: their coordinator left and no other
                                  had a place */
    double entered;            /* of them, entered treatment */
    double dropped;            /* of them, lost after assessment: dropped out waiting or in
                                  treatment, or discharged after DNAs */
    double dnas, booked;       /* their treatment appointments missed, and booked (attended
                                  or missed) */
    double casers, recovered;  /* of them, at caseness at referral, and of those recovered
                                  at outcome_weeks (latent) */
    double held_years;         /* people held x years, by coordinators in post (weekly) */
    double places_years;       /* coordinators' caseload places x years */
    double load_hours_years;   /* hours a week held x years */
    double hours_years;        /* hours a week available (in post, not sick) x years */
} pw_coord_stats;
#define PW_COORD_STATS_N (sizeof(pw_coord_stats) / sizeof(double))

/* What pooling a federation's services needs beyond the counts above: every numerator and
 * denominator of the headline metrics (models/pw_pool.c), filled at the end of a run. */
enum { PW_T_WAIT_ASSESS, PW_T_WAIT_REPORTED, PW_T_STEP_UP_WAIT,
       PW_T_SESSIONS_FIN, PW_T_SESSIONS_REC, PW_T_STEP3_WAIT, PW_T_N };
typedef struct pw_pool {
    /* The cohort's counts, which a world keeps here as it runs (pw_world.c: w->c), and a
     * federation sums: */
    uint64_t n_ref, n_entered, n_finished, n_stepped_up, n_step2_starters, n_rereferrals;
    uint64_t rep_casers, rep_recovered, rep_ri, rep_rr;
    uint64_t tru_casers, tru_recovered, tru_ri, tru_rr; /* latent at the journey's end */
    uint64_t fu_casers, fu_recovered, fu_ri, fu_rr;     /* latent at outcome_weeks */
    uint64_t fu_recovered_u; /* ... recovered there by natural history alone */
    uint64_t n_a2t, n_a2t_over90; /* assessment to first treatment: waits, those > 90 days */
    uint64_t w6_rep, w18_rep, w6_true, w18_true;
    uint64_t n_rep_finished; /* finished courses as reported (the reported shares' base) */
    uint64_t fu_late_recovered, fu_late_recovered_u; /* the same at outcome_weeks_late */
    uint64_t fin_n[PW_P_N];       /* finished courses, by path */
    double fin_sessions[PW_P_N];  /* their sessions */
    double tally_n[PW_T_N], tally_sum[PW_T_N]; /* the tallies' counts and sums */
    double load_hours[PW_STEP_N], cap_hours[PW_STEP_N]; /* window time averages */
    double assess_slots_offered, assess_slots_used;
    double assess_slots_extra; /* of those offered, from assessors' treatment time */
    /* Referral to first treatment, days, in 1/8-day bins from 0 (pw_world.c's histogram):
     * wait_bins[0..wait_nbins) (owned; trailing empty bins cut), under/overflow, total. */
    double wait_lo, wait_width;
    uint64_t wait_under, wait_over, wait_n;
    size_t wait_nbins;
    double *wait_bins;
    /* The therapist-effect study's sums (pw_therapist.h): ther_n[0] clinicians' at step 2,
     * then ther_n[1] at step 3, each clinician with a course (owned). */
    size_t ther_n[PW_STEP_N];
    pw_clin_courses *ther;
} pw_pool;

typedef struct pw_results {
    int replication;
    double metric[PW_M_N];
    uint64_t exits[PW_X_N];
    uint64_t stages[PW_S_N];
    uint64_t waits[PW_W_N][PW_WAIT_WEEKS + 1];  /* last bin: >= PW_WAIT_WEEKS weeks */
    pw_outcome_counts by_path[PW_P_N];
    pw_outcome_counts by_group[PW_G_N];
    pw_score_hist scores;
    uint64_t failures[4];                       /* cohort by failed episodes: 0, 1, 2, 3+ */
    pw_role_stats roles[PW_MAX_ROLES];          /* by role, over the measurement window */
    pw_coord_stats coord;                       /* care coordination (zero without it) */
    size_t n_weeks;
    pw_week *weeks;                             /* n_weeks, owned */
    uint64_t events_fired;
    uint64_t diary_unbooked;                    /* sessions that found no room within the
                                                   diary's reach (every week in it booked
                                                   to its time): booked at its end
                                                   (pw_diary.c) */
    uint64_t diary_spread;                      /* sessions no week had room for, on a
                                                   week with time left, the weeks after
                                                   paying the rest (pw_diary.c): over the
                                                   whole run */
    uint64_t diary_beyond;                      /* sessions asked for further ahead than
                                                   the diary's 512 days (a first session's
                                                   lag of years): held at their time, not
                                                   booked (pw_diary.c) */
    uint64_t diary_handed_back;                 /* people sent back to the list because
                                                   their clinician's week no longer held a
                                                   session (pw_session.c): over the whole
                                                   run */
    uint64_t diary_moved;                       /* sessions moved to a later week when a
                                                   group or fewer hours left theirs short
                                                   (episode_make_room): over the whole run */
    double wall_seconds;
    /* A federation's replication (pw_pool.h): each service's metrics, n_services x PW_M_N
     * service-major, owned; 0 and NULL for a single service. */
    size_t n_services;
    double *service_metric;
    pw_pool pool;
} pw_results;

void pw_results_free(pw_results *r);

#endif
