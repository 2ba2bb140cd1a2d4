/* Scenario loader: the schema, a table for every group of keys (models/pw_schema.h), and
 * the defaults for parameters built in code.
 *
 * Each table describes one struct of models/pw_params.h: a key's name, kind, storage,
 * default and range. The walk (scn_walk.c) reads and defaults them, scn_print.c prints
 * them; a key with its own code is a PW_F_SPECIAL whose hooks live in scn_special.c, and
 * checks across the keys of a group in scn_check.c. Policies describe their own
 * policy_params.<name> in models/pol_<name>.c. Defaults documented as "plausible" are
 * not published figures; see scenarios/baseline.cfg for every key's meaning.
 */
#include "scn_internal.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "sim/core/sim_rng.h"

#define INF HUGE_VAL

/* ==== upper bounds =====================================================================
 * Every count, rate, duration and multiplier has a finite upper bound (README, "Limits"),
 * so that no value the loader accepts can overflow a count, a random-stream number or the
 * clock, or spin for ever. Each is generous for a service the size of England (about
 * 35,000 referrals a week, 1.8 million a year, and about 10,000 clinicians in all) and far
 * from any overflow; what a scenario may ask of memory is the memory estimate's to judge
 * (sim/budget.c), and what it may ask of the streams the check of scn_check.c. */
/* Open cases per full-time clinician (a PWP holds about 45, a high-intensity therapist 25). */
#define MAX_CASELOAD 500
/* Sessions, DNAs and group places: far beyond any course (NICE: 6-20 sessions). */
#define MAX_SESSIONS 1000
/* Durations in days, weeks and years: a century. Events stay within what a double orders
 * to the minute, and a draw of an exponential at this mean (at most ~745 means) is
 * finite. */
#define MAX_DAYS SCN_MAX_DAYS
#define MAX_WEEKS 5200.0
#define MAX_YEARS 100.0
/* A week in a plan (step changes, hiring, shocks): the longest run, 3 x 5200 weeks. */
#define MAX_PLAN_WEEK 15600.0
/* Hazards a year per person: 52 is an average stay of a week. */
#define MAX_PER_YEAR 52.0
/* Multipliers (of effect, dropout, DNA, load, rates): tenfold. */
#define MAX_FACTOR 10.0
/* Pounds: a salary or a training fee. */
#define MAX_GBP 1e7
/* Points on a questionnaire scale: spreads in points are at most the longest (PHQ-9). */
#define MAX_POINTS 27.0

static const pw_field hazard_fields[] = {
    PW_PROB("p_start", pw_hazard, p_start, PW_REQ, 0),
    PW_PROB("p_end", pw_hazard, p_end, PW_REQ, 0),
    PW_NUM("half_days", pw_hazard, half_days, PW_REQ | PW_LO_OPEN, 0, 0, MAX_DAYS),
    PW_NUM("shape", pw_hazard, shape, PW_LO_OPEN, 2.0, 0, 100),
};

/* A row of referrals.step_changes (weeks increasing: scn_step_changes_checks). */
static const pw_field step_change_fields[] = {
    PW_NUM("week", pw_step_change, week, PW_REQ, 0, 0, MAX_PLAN_WEEK),
    PW_NUM("factor", pw_step_change, factor, PW_REQ, 0, 0, MAX_FACTOR),
};

/* One of per_week (with self_referral_share), gp_per_week + self_per_week, or
 * weekly_counts: scn_referrals.c checks which, and reads the file. NAN: not given (and not
 * printed). */
static const pw_field referrals_fields[] = {
    PW_NUM("per_week", pw_referrals, per_week, PW_LO_OPEN | PW_OMIT_DEFAULT, NAN, 0,
           MAX_PER_WEEK),
    PW_PROB("self_referral_share", pw_referrals, self_referral_share, PW_OMIT_DEFAULT, NAN),
    PW_NUM("gp_per_week", pw_referrals, gp_per_week, PW_OMIT_DEFAULT, NAN, 0, MAX_PER_WEEK),
    PW_NUM("self_per_week", pw_referrals, self_per_week, PW_OMIT_DEFAULT, NAN, 0, MAX_PER_WEEK),
    PW_NUM("gp_growth_per_year", pw_referrals, gp_growth_per_year,
           PW_LO_OPEN | PW_OMIT_DEFAULT, NAN, -1.0, 1.0),
    PW_NUM("self_growth_per_year", pw_referrals, self_growth_per_year,
           PW_LO_OPEN | PW_OMIT_DEFAULT, NAN, -1.0, 1.0),
    PW_SPECIAL("weekly_counts", PW_PATH, &scn_weekly_counts_hooks,
               "a string: a CSV file of weekly referral counts"),
    PW_BOOL("weekly_counts_repeat", pw_referrals, weekly_counts_repeat, PW_OMIT_DEFAULT, 0),
    /* A month at 12 takes a year's referrals. */
    PW_ARR("seasonality", pw_referrals, seasonality, 0, 12, 1.0, 0, 12),
    /* At most doubling every year (1e308 spun for ever: the thinning bound overflowed). */
    PW_NUM("growth_per_year", pw_referrals, growth_per_year, PW_LO_OPEN, 0.0, -1.0, 1.0),
    PW_LIST("step_changes", pw_referrals, step_changes, n_step_changes, 0, step_change_fields,
            "{ week = W; factor = F; }", "step changes", &scn_step_changes_checks),
};

static const pw_field casemix_fields[] = {
    PW_ARR("age_bands", pw_casemix, age_band_shares, PW_REQ | PW_SUM1, 4, 0, 0, 1),
    PW_PROB("female_share", pw_casemix, female_share, PW_REQ, 0),
    PW_PROB("ethnic_minority_share", pw_casemix, ethnic_minority_share, PW_REQ, 0),
    PW_PROB("long_term_condition_share", pw_casemix, ltc_share, PW_REQ, 0),
    PW_PROB("learning_disability_share", pw_casemix, ld_share, PW_REQ, 0),
    PW_PROB("active_risk_share", pw_casemix, risk_share, PW_REQ, 0),
    PW_ARR("need_shares", pw_casemix, need_shares, PW_REQ | PW_SUM1, PW_NEED_N, 0, 0, 1),
    PW_ARR("phq_mean", pw_casemix, phq_mean, PW_REQ, PW_NEED_N, 0, 0, 27),
    PW_ARR("phq_sd", pw_casemix, phq_sd, PW_REQ, PW_NEED_N, 0, 0, MAX_POINTS),
    PW_ARR("gad_mean", pw_casemix, gad_mean, PW_REQ, PW_NEED_N, 0, 0, 21),
    PW_ARR("gad_sd", pw_casemix, gad_sd, PW_REQ, PW_NEED_N, 0, 0, 21),
    PW_NUM("phq_gad_correlation", pw_casemix, phq_gad_correlation, PW_REQ, 0, -1, 1),
    PW_NUM("self_referral_phq_shift", pw_casemix, self_referral_phq_shift, 0, 0.0, -27, 27),
    /* NAN: the published defaults (scn_settle_casemix, from scn_check_all) */
    PW_ARR("deprivation_shares", pw_casemix, deprivation_shares, PW_SUM1, PW_DEPRIVATION_N, NAN,
           0, 1),
    PW_ARR("ethnic_group_shares", pw_casemix, ethnic_group_shares, PW_SUM1, PW_ETHNIC_N - 1, NAN,
           0, 1),
};

/* subgroups.<attribute>: multipliers by level, the population's gaps (relative; NAN: the
 * defaults of docs/subgroups.md, scn_settle_subgroups) and, in its change group, a
 * scenario's (absolute; default 1). One table per number of levels. The four arrays of
 * members M of T (M `rel.` or nothing), n levels, default d: */
#define EFFECT_ARRAYS(T, M, n, d, fl)                                                         \
    PW_ARR("opt_in", T, M opt_in, fl, n, d, 0, MAX_FACTOR),                                   \
        PW_ARR("dna", T, M dna, fl, n, d, 0, MAX_FACTOR),                                     \
        PW_ARR("dropout", T, M dropout, fl, n, d, 0, MAX_FACTOR),                             \
        PW_ARR("response", T, M response, fl, n, d, 0, MAX_FACTOR)
static const pw_field change2_fields[] = {EFFECT_ARRAYS(pw_effects, , 2, 1.0, 0)};
static const pw_field change4_fields[] = {EFFECT_ARRAYS(pw_effects, , 4, 1.0, 0)};
static const pw_field change5_fields[] = {EFFECT_ARRAYS(pw_effects, , 5, 1.0, 0)};
#define EFFECT_FIELDS(n)                                                                      \
    {                                                                                         \
        EFFECT_ARRAYS(pw_attr_effects, rel., n, NAN, PW_RELATIVE),                            \
        PW_GROUP("change", pw_attr_effects, change, 0, change##n##_fields, NULL),             \
    }
static const pw_field effect2_fields[] = EFFECT_FIELDS(2);
static const pw_field effect4_fields[] = EFFECT_FIELDS(4);
static const pw_field effect5_fields[] = EFFECT_FIELDS(5);
#undef EFFECT_FIELDS
#undef EFFECT_ARRAYS

#define EFFECTS(nm, a, tbl)                                                                   \
    {.name = nm, .kind = PW_F_GROUP, .off = offsetof(pw_subgroups_p, effects) +               \
                                             (a) * sizeof(pw_attr_effects),                   \
     .sub = tbl, .nsub = PW_NELEM(tbl)}
static const pw_field subgroups_fields[] = {
    EFFECTS("age", PW_A_AGE, effect4_fields),
    EFFECTS("sex", PW_A_SEX, effect2_fields),
    EFFECTS("ethnicity", PW_A_ETHNICITY, effect5_fields),
    EFFECTS("long_term_condition", PW_A_LTC, effect2_fields),
    EFFECTS("learning_disability", PW_A_LD, effect2_fields),
    EFFECTS("referral_source", PW_A_SOURCE, effect2_fields),
    EFFECTS("deprivation", PW_A_DEPRIVATION, effect5_fields),
};
#undef EFFECTS

/* staff.<role>.vacancy_days when not given: about three months from advert to start
 * (plausible, not published). */
static const pw_dist vacancy_days_default = {.kind = PW_DIST_GAMMA, .mean = 90.0, .sd = 30.0};

/* Default staff.<role>.salary_gbp by Agenda for Change band (index 1-9): approximate
 * midpoints of the 2018-19 pay scales, pounds a year per FTE (band 8: 8a). */
static const double afc_salary_gbp[10] = {
    [1] = 17500, [2] = 18500, [3] = 20500, [4] = 23000, [5] = 27000,
    [6] = 33000, [7] = 40000, [8] = 50000, [9] = 95000,
};

/* A row of staff.<role>.fte_mix: a share of the role's members at an FTE (the shares'
 * sum and the mix's mean against fte: scn_check.c, post_role). */
static const pw_field fte_level_fields[] = {
    PW_FRAC("share", pw_fte_level, share, PW_REQ | PW_LO_OPEN, 0),
    PW_NUM("fte", pw_fte_level, fte, PW_REQ | PW_LO_OPEN, 0, 0, 1),
};

const pw_field scn_role_fields[] = {
    PW_INT("headcount", pw_role, headcount, PW_REQ, 0, 0, MAX_HEADCOUNT),
    PW_NUM("fte", pw_role, fte, PW_REQ | PW_LO_OPEN, 0, 0, 1),
    PW_LIST("fte_mix", pw_role, fte_mix, n_fte_mix, PW_OMIT_EMPTY, fte_level_fields,
            "{ share = S; fte = F; }", "FTE levels", NULL),
    PW_NUM("clinical_hours_per_week", pw_role, clinical_hours_per_week, PW_REQ | PW_LO_OPEN, 0,
           0, 168),
    PW_NUM("colocated_hours_per_week", pw_role, colocated_hours_per_week, 0, 0.0, 0, 168),
    PW_INT("caseload_cap", pw_role, caseload_cap, PW_REQ, 0, 1, MAX_CASELOAD),
    PW_SPECIAL("does", PW_REQ, &scn_does_hooks,
               "an array of activities from \"assessment\", \"step2\", \"groups\", \"step3\", "
               "\"coordination\""),
    PW_NUM("assessments_per_week", pw_role, assessments_per_week, 0, 0.0, 0, 168),
    PW_INT("band", pw_role, band, PW_REQ, 0, 1, 9),
    PW_NUM("therapist_effect_sd", pw_role, therapist_effect_sd, 0, 0.15, 0, 5),
    PW_PROB("need_accuracy", pw_role, need_accuracy, 0, 0.8),
    /* Dynamics: the defaults give fixed staff (every hazard 0). */
    PW_NUM("leave_per_year", pw_role, leave_per_year, 0, 0.0, 0, MAX_PER_YEAR),
    PW_NUM("sick_episodes_per_year", pw_role, sick_per_year, 0, 0.0, 0, MAX_PER_YEAR),
    PW_NUM("sick_days_mean", pw_role, sick_days_mean, PW_LO_OPEN, 10.0, 0, MAX_DAYS),
    PW_NUM("training_per_year", pw_role, train_per_year, 0, 0.0, 0, MAX_PER_YEAR),
    PW_NUM("training_min_tenure_years", pw_role, train_min_tenure_years, 0, 1.0, 0, MAX_YEARS),
    PW_NUM("training_bar_years", pw_role, train_bar_years, 0, 0.0, 0, MAX_YEARS),
    /* Not the role itself, and required while training_per_year > 0 (scn_role_checks). */
    PW_ROLE_REF("training_to", pw_role, train_to, train_to_role, 0),
    PW_NUM("training_weeks", pw_role, train_weeks, PW_LO_OPEN, 52.0, 0, MAX_WEEKS),
    PW_FRAC("training_capacity", pw_role, train_capacity, 0, 0.5),
    PW_PROB("qualify_probability", pw_role, qualify_probability, 0, 0.9),
    PW_BOOL("replace_leavers", pw_role, replace_leavers, 0, 1),
    {.name = "vacancy_days", .kind = PW_F_DIST, .flags = PW_NONNEG,
     .off = offsetof(pw_role, vacancy_days), .has_off = SIZE_MAX, .ddef = &vacancy_days_default},
    PW_INT("intake_month", pw_role, intake_month, 0, 0, 0, 12),
    PW_NUM("ramp_weeks", pw_role, ramp_weeks, 0, 12.0, 0, MAX_WEEKS),
    PW_FRAC("ramp_start", pw_role, ramp_start, 0, 0.5),
    /* NAN: defaults to the band's pay (scn_settle_role) */
    PW_NUM("salary_gbp", pw_role, salary_gbp, PW_LO_OPEN, NAN, 0, MAX_GBP),
    PW_INT("training_intake_month", pw_role, train_intake_month, 0, 0, 0, 12),
    PW_INT("training_places_per_year", pw_role, train_places_per_year, 0, 0, 0, MAX_HEADCOUNT),
    PW_NUM("training_closed_from_week", pw_role, train_closed_from_week, 0, 0.0, 0, MAX_WEEKS),
    PW_NUM("training_closed_weeks", pw_role, train_closed_weeks, 0, 0.0, 0, MAX_WEEKS),
};
const size_t scn_nrole_fields = PW_NELEM(scn_role_fields);

static const pw_field assessment_fields[] = {
    PW_PROB("opt_in_probability", pw_assessment_p, opt_in_probability, PW_REQ, 0),
    /* 1e308 failed at run time naming no key: a draw was infinite. */
    PW_NUM("opt_in_days_mean", pw_assessment_p, opt_in_days_mean, 0, 7.0, 0, MAX_DAYS),
    /* NAN: opt_in_days_mean's (pw_referral.c) */
    PW_NUM("self_referral_opt_in_days_mean", pw_assessment_p, self_opt_in_days_mean,
           PW_OMIT_DEFAULT, NAN, 0, MAX_DAYS),
    PW_NUM("opt_in_close_days", pw_assessment_p, opt_in_close_days, 0, 0.0, 0, MAX_DAYS),
    PW_NUM("minutes", pw_assessment_p, minutes, PW_REQ | PW_LO_OPEN, 0, 0, 1440),
    PW_PROB("dna_probability", pw_assessment_p, dna_probability, PW_REQ, 0),
    PW_INT("dna_rebook", pw_assessment_p, dna_rebook, 0, 0, 0, 10),
    PW_GROUP("wait_dropout", pw_assessment_p, wait_dropout, PW_REQ | PW_ONE_LINE, hazard_fields,
             NULL),
    PW_BOOL("reject_learning_disability", pw_assessment_p, reject_learning_disability, 0, 0),
    PW_PROB("risk_signpost_probability", pw_assessment_p, risk_signpost_probability, 0, 0.3),
    PW_BOOL("skip", pw_assessment_p, skip, 0, 0),
    PW_PROB("telephone_share", pw_assessment_p, telephone_share, 0, 0.0),
    PW_NUM("telephone_minutes", pw_assessment_p, telephone_minutes, PW_LO_OPEN, 30.0, 0, 1440),
    PW_PROB("telephone_accuracy", pw_assessment_p, telephone_accuracy, 0, 0.9),
    PW_NUM("colocated_gp_opt_in_odds", pw_assessment_p, colocated_gp_opt_in_odds, 0, 1.0, 0,
           MAX_FACTOR),
    PW_NUM("colocated_gp_dna_odds", pw_assessment_p, colocated_gp_dna_odds, 0, 1.0, 0, MAX_FACTOR),
    PW_NUM("flex_from_weeks", pw_assessment_p, flex_from_weeks, 0, 0.0, 0, MAX_WEEKS),
    PW_NUM("flex_max", pw_assessment_p, flex_max, 0, 0.5, 0, MAX_FACTOR),
    PW_INT("flex_lead_weeks", pw_assessment_p, flex_lead_weeks, 0, 4, 0, PW_FLEX_LEAD_MAX),
};

static const pw_field mode_fields[] = {
    {.name = "face_to_face", .kind = PW_F_NUM, .off = PW_MODE_F2F * sizeof(double), .hi = 1},
    {.name = "telephone", .kind = PW_F_NUM, .off = PW_MODE_PHONE * sizeof(double), .hi = 1},
    {.name = "group", .kind = PW_F_NUM, .off = PW_MODE_GROUP * sizeof(double), .hi = 1},
};

static const pw_field step_fields[] = {
    PW_NUM("session_minutes", pw_step_p, session_minutes, PW_REQ | PW_LO_OPEN, 0, 0, 1440),
    /* NAN: defaults to session_minutes (scn_settle_step) */
    PW_NUM("first_session_minutes", pw_step_p, first_session_minutes, PW_LO_OPEN, NAN, 0, 1440),
    PW_NUM("admin_minutes", pw_step_p, admin_minutes, 0, 0.0, 0, 1440),
    PW_NUM("interval_days", pw_step_p, interval_days, PW_LO_OPEN, 7.0, 0, 365),
    PW_BOOL("diary", pw_step_p, diary, 0, 0),
    PW_INT("max_sessions", pw_step_p, max_sessions, PW_REQ, 0, 1, MAX_SESSIONS),
    PW_INT("min_sessions", pw_step_p, min_sessions, 0, 2, 0, MAX_SESSIONS),
    PW_PROB("dna_probability", pw_step_p, dna_probability, PW_REQ, 0),
    PW_INT("discharge_after_dnas", pw_step_p, discharge_after_dnas, 0, 2, 0, MAX_SESSIONS),
    PW_PROB("dropout_per_session", pw_step_p, dropout_per_session, PW_REQ, 0),
    /* NAN: defaults to dropout_per_session (scn_settle_step) */
    PW_PROB("first_session_dropout", pw_step_p, first_session_dropout, 0, NAN),
    PW_NUM("dropout_gap_days", pw_step_p, dropout_gap_days, 0, 0.0, 0, 365),
    PW_GROUP("wait_dropout", pw_step_p, wait_dropout, PW_REQ | PW_ONE_LINE, hazard_fields, NULL),
    {.name = "first_session_lag_days", .kind = PW_F_DIST, .flags = PW_REQ | PW_NONNEG,
     .off = offsetof(pw_step_p, first_session_lag_days), .has_off = SIZE_MAX},
    PW_GROUP("mode_shares", pw_step_p, mode_shares, PW_REQ | PW_SUM1 | PW_ONE_LINE, mode_fields,
             NULL),
    PW_INT("group_min", pw_step_p, group_min, 0, 6, 1, MAX_SESSIONS),
    PW_INT("group_max", pw_step_p, group_max, 0, 12, 1, MAX_SESSIONS),
    PW_NUM("group_minutes", pw_step_p, group_minutes, PW_LO_OPEN, 240.0, 0, 1440),
    PW_NUM("effect_mean", pw_step_p, effect_mean, PW_REQ | PW_FRACTION, 0, 0, 1),
    PW_NUM("effect_sd", pw_step_p, effect_sd, PW_REQ, 0, 0, MAX_FACTOR),
    PW_NUM("mismatch_factor", pw_step_p, mismatch_factor, 0, 0.5, 0, MAX_FACTOR),
    PW_NUM("telephone_factor", pw_step_p, phone_factor, 0, 0.9, 0, MAX_FACTOR),
    PW_NUM("group_factor", pw_step_p, group_factor, 0, 0.85, 0, MAX_FACTOR),
    PW_NUM("session_noise_sd", pw_step_p, session_noise_sd, 0, 1.0, 0, MAX_POINTS),
    PW_INT("end_after_recovered_sessions", pw_step_p, recovered_sessions_to_end, 0, 2, 0,
           MAX_SESSIONS),
    PW_INT("no_progress_after", pw_step_p, no_progress_after, 0, 0, 0, MAX_SESSIONS),
    PW_PROB("no_progress_probability", pw_step_p, no_progress_probability, 0, 1.0),
    PW_PROB("step_up_probability", pw_step_p, step_up_probability, PW_REQ | PW_STEP2_ONLY, 0),
    PW_BOOL("stepped_up_first", pw_step_p, stepped_up_first, PW_STEP3_ONLY, 0),
    PW_INT("step_down_after", pw_step_p, step_down_after, PW_STEP3_ONLY, 0, 0, MAX_SESSIONS),
    PW_PROB("step_down_probability", pw_step_p, step_down_probability, PW_STEP3_ONLY, 0.0),
    PW_PROB("cap_return_probability", pw_step_p, cap_return_probability, 0, 0.0),
    PW_NUM("ld_minutes_factor", pw_step_p, ld_minutes_factor, 0, 1.0, 1.0, MAX_FACTOR),
    PW_INT("ld_extra_sessions", pw_step_p, ld_extra_sessions, 0, 0, 0, MAX_SESSIONS),
    {.name = "episode_days", .kind = PW_F_DIST, .flags = PW_NONNEG,
     .off = offsetof(pw_step_p, episode_days), .has_off = offsetof(pw_step_p, has_episode_days)},
};

static const pw_field symptoms_fields[] = {
    PW_NUM("wait_drift_per_week", pw_symptoms_p, wait_drift_per_week, 0, 0.0, -1, 1),
    PW_NUM("wait_noise_sd_per_week", pw_symptoms_p, wait_noise_sd_per_week, 0, 0.5, 0, MAX_POINTS),
    /* A hazard a week: 7 is remission within a day or so. */
    PW_NUM("remission_per_week", pw_symptoms_p, remission_per_week, 0, 0.01, 0, 7),
    PW_PROB("remission_factor", pw_symptoms_p, remission_factor, 0, 0.5),
    PW_NUM("measurement_sd", pw_symptoms_p, measurement_sd, 0, 1.5, 0, MAX_POINTS),
};

static const pw_field failure_fields[] = {
    PW_NUM("dropout_multiplier", pw_failure_p, dropout_multiplier, 0, 1.25, 0, MAX_FACTOR),
    PW_NUM("dna_multiplier", pw_failure_p, dna_multiplier, 0, 1.2, 0, MAX_FACTOR),
};

/* coordination: who is complex (any criterion chosen), the time a person held takes and
 * the effects while held. The effects and the time have no default: a scenario with a
 * coordinator role says what they are (scn_check_all requires the group then). */
static const pw_field coordination_fields[] = {
    PW_BOOL("risk", pw_coordination_p, risk, 0, 1),
    PW_BOOL("specialist_need", pw_coordination_p, specialist_need, 0, 1),
    PW_BOOL("learning_disability", pw_coordination_p, learning_disability, 0, 1),
    PW_BOOL("long_term_condition", pw_coordination_p, long_term_condition, 0, 0),
    PW_INT("min_failures", pw_coordination_p, min_failures, 0, 1, 0, MAX_SESSIONS),
    /* A week's working hours. */
    PW_NUM("minutes_per_week", pw_coordination_p, minutes_per_week, PW_REQ | PW_LO_OPEN, 0, 0,
           60.0 * 40),
    PW_NUM("dna_odds", pw_coordination_p, dna_odds, PW_REQ, 0, 0, MAX_FACTOR),
    PW_NUM("dropout", pw_coordination_p, dropout, PW_REQ, 0, 0, MAX_FACTOR),
};

static const pw_field relapse_fields[] = {
    PW_PROB("probability_recovered", pw_relapse_p, probability_recovered, 0, 0.1),
    PW_PROB("probability_unrecovered", pw_relapse_p, probability_unrecovered, 0, 0.2),
    PW_NUM("mean_days", pw_relapse_p, mean_days, PW_LO_OPEN, 180.0, 0, MAX_DAYS),
};

/* A row of workforce.hiring: `count` posts of `role` advertised at `week` (from day 0); of
 * workforce.cuts: `count` posts of `role` abolished at `week`. */
static const pw_field hire_fields[] = {
    PW_NUM("week", pw_hire, week, PW_REQ, 0, 0, MAX_PLAN_WEEK),
    PW_ROLE_REF("role", pw_hire, role_name, role, PW_REQ | PW_NONEMPTY),
    PW_INT("count", pw_hire, count, PW_REQ, 0, 1, MAX_HEADCOUNT),
};

/* A row of workforce.shocks: from `week`, a `share` of `role` leaves over `weeks`. */
static const pw_field shock_fields[] = {
    PW_NUM("week", pw_shock, week, PW_REQ, 0, 0, MAX_PLAN_WEEK),
    PW_ROLE_REF("role", pw_shock, role_name, role, PW_REQ | PW_NONEMPTY),
    PW_PROB("share", pw_shock, share, PW_REQ, 0),
    PW_NUM("weeks", pw_shock, weeks, PW_REQ | PW_LO_OPEN, 0, 0, MAX_PLAN_WEEK),
};

static const pw_field workforce_fields[] = {
    PW_NUM("sustainable_load", pw_workforce_p, sustainable_load, PW_LO_OPEN, 0.85, 0, 2),
    PW_NUM("burnout_rise_per_week", pw_workforce_p, burnout_rise_per_week, 0, 0.0, 0, MAX_FACTOR),
    PW_FRAC("burnout_recovery_per_week", pw_workforce_p, burnout_recovery_per_week, 0, 0.1),
    PW_NUM("burnout_susceptibility_sd", pw_workforce_p, burnout_susceptibility_sd, 0, 0.0, 0,
           3),
    PW_NUM("telephone_weight", pw_workforce_p, telephone_weight, 0, 1.0, 0, MAX_FACTOR),
    /* A month's working hours. */
    PW_NUM("supervision_hours_per_month", pw_workforce_p, supervision_hours_per_month, 0, 2.0,
           0, 160),
    PW_FRAC("supervision_relief", pw_workforce_p, supervision_relief, 0, 0.0),
    PW_NUM("burnout_leave_factor", pw_workforce_p, burnout_leave_factor, 0, 0.0, 0, MAX_FACTOR),
    PW_NUM("burnout_sick_factor", pw_workforce_p, burnout_sick_factor, 0, 0.0, 0, MAX_FACTOR),
    PW_NUM("reallocate_after_sick_days", pw_workforce_p, reallocate_after_sick_days, 0, 0.0, 0,
           MAX_DAYS),
    PW_FRAC("burnout_effect", pw_workforce_p, burnout_effect, 0, 0.0),
    PW_PROB("change_dropout", pw_workforce_p, change_dropout, 0, 0.1),
    /* On-costs on salary: twice the salary again, where the NHS pays about 0.3. */
    PW_NUM("oncost_share", pw_workforce_p, oncost_share, 0, 0.3, 0, 2),
    PW_NUM("training_cost_gbp", pw_workforce_p, training_cost_gbp, 0, 10000.0, 0, MAX_GBP),
    /* Starters a year: the whole of 8 roles at MAX_HEADCOUNT. */
    PW_NUM("labour_pool_per_year", pw_workforce_p, labour_pool_per_year, 0, 0.0, 0,
           PW_MAX_ROLES * MAX_HEADCOUNT),
    PW_FRAC("trainee_salary_support_share", pw_workforce_p, trainee_salary_support_share, 0,
            0.0),
    PW_BOOL("starting_tenure_spread", pw_workforce_p, starting_tenure_spread, 0, 0),
    PW_FRAC("ltc_top_up_share", pw_workforce_p, ltc_top_up_share, 0, 0.0),
    PW_NUM("ltc_top_up_week", pw_workforce_p, ltc_top_up_week, 0, 0.0, 0, MAX_PLAN_WEEK),
    PW_NUM("ltc_top_up_weeks", pw_workforce_p, ltc_top_up_weeks, PW_LO_OPEN, 26.0, 0, MAX_WEEKS),
    PW_FRAC("ltc_top_up_capacity", pw_workforce_p, ltc_top_up_capacity, 0, 0.8),
    PW_NUM("ltc_top_up_effect", pw_workforce_p, ltc_top_up_effect, 0, 1.2, 0, MAX_FACTOR),
    PW_NUM("ltc_top_up_cost_gbp", pw_workforce_p, ltc_top_up_cost_gbp, 0, 0.0, 0, MAX_GBP),
    PW_LIST("hiring", pw_workforce_p, hires, n_hires, 0, hire_fields,
            "{ week = W; role = \"R\"; count = N; }", "hiring rows", NULL),
    PW_LIST("shocks", pw_workforce_p, shocks, n_shocks, 0, shock_fields,
            "{ week = W; role = \"R\"; share = S; weeks = D; }", "shocks", NULL),
    PW_LIST("cuts", pw_workforce_p, cuts, n_cuts, 0, hire_fields,
            "{ week = W; role = \"R\"; count = N; }", "cuts", NULL),
};

/* In the order of PW_BANK_HOLIDAYS_*. */
static const char *const bank_holiday_names[] = {"none", "england_wales", NULL};

static const char *const clock_stop_names[] = {"first_treatment", "first_contact", NULL};

static const pw_field reporting_fields[] = {
    {.name = "clock_stop", .kind = PW_F_ENUM,
     .off = offsetof(pw_reporting_p, clock_stops_at_first_contact), .def = 1,
     .names = clock_stop_names},
    PW_BOOL("end_of_session_questionnaire", pw_reporting_p, end_of_session_questionnaire, 0, 0),
    PW_NUM("coaching_points", pw_reporting_p, coaching_points, 0, 0.0, 0, 27),
    PW_BOOL("discharge_on_first_good_score", pw_reporting_p, discharge_on_first_good_score, 0,
            0),
    PW_FRAC("coaching_share", pw_reporting_p, coaching_share, 0, 1.0),
    PW_FRAC("end_of_session_share", pw_reporting_p, end_of_session_share, 0, 1.0),
    PW_FRAC("early_discharge_share", pw_reporting_p, early_discharge_share, 0, 1.0),
    PW_FRAC("repeat_questionnaire_share", pw_reporting_p, repeat_questionnaire_share, 0, 0.0),
    PW_INT("repeat_questionnaire_tries", pw_reporting_p, repeat_questionnaire_tries, 0, 3, 1,
           PW_MAX_REPEAT_TRIES),
    PW_FRAC("assessment_as_treatment_share", pw_reporting_p, assessment_as_treatment_share, 0,
            0.0),
    PW_FRAC("complete_self_discharged_share", pw_reporting_p, complete_self_discharged_share, 0,
            0.0),
    PW_PROB("holding_list_miss_probability", pw_reporting_p, holding_miss_probability, 0, 0.0),
    PW_NUM("holding_list_letter_days", pw_reporting_p, holding_letter_days, PW_LO_OPEN, 28.0, 0,
           MAX_DAYS),
};

/* ltc_pathway: off by default; every factor 1 and the caps the steps' own (0). */
static const pw_field ltc_pathway_fields[] = {
    PW_BOOL("enabled", pw_ltc_pathway_p, enabled, 0, 0),
    {.name = "step2_sessions", .kind = PW_F_INT, .off = offsetof(pw_ltc_pathway_p, sessions),
     .hi = MAX_SESSIONS},
    {.name = "step3_sessions", .kind = PW_F_INT,
     .off = offsetof(pw_ltc_pathway_p, sessions) + sizeof(int), .hi = MAX_SESSIONS},
    PW_NUM("minutes_factor", pw_ltc_pathway_p, minutes_factor, PW_LO_OPEN, 1.0, 0, MAX_FACTOR),
    PW_NUM("effect_factor", pw_ltc_pathway_p, effect_factor, 0, 1.0, 0, MAX_FACTOR),
    PW_NUM("dna_factor", pw_ltc_pathway_p, dna_odds, 0, 1.0, 0, MAX_FACTOR),
    PW_NUM("dropout_factor", pw_ltc_pathway_p, dropout_factor, 0, 1.0, 0, MAX_FACTOR),
};

static const pw_field prefill_fields[] = {
    PW_INT("assessment_list", pw_prefill_p, assessment_list, 0, 0, 0, MAX_PREFILL_LIST),
    {.name = "step2_list", .kind = PW_F_INT, .off = offsetof(pw_prefill_p, step_list),
     .hi = MAX_PREFILL_LIST},
    {.name = "step3_list", .kind = PW_F_INT,
     .off = offsetof(pw_prefill_p, step_list) + sizeof(int), .hi = MAX_PREFILL_LIST},
    PW_PROB("caseload_fill", pw_prefill_p, caseload_fill, 0, 0.0),
    {.name = "step2_sessions_held", .kind = PW_F_INT,
     .off = offsetof(pw_prefill_p, sessions_held), .def = 2, .lo = 1, .hi = MAX_SESSIONS},
    {.name = "step3_sessions_held", .kind = PW_F_INT,
     .off = offsetof(pw_prefill_p, sessions_held) + sizeof(int), .def = 2, .lo = 1,
     .hi = MAX_SESSIONS},
};

static const pw_field output_fields[] = {
    PW_BOOL("patients", pw_output_p, patients, 0, 0),
    PW_BOOL("events", pw_output_p, events, 0, 0),
};

const pw_field scn_top_fields[] = {
    PW_STR("name", pw_params, name, PW_REQ | PW_NONEMPTY, NULL),
    PW_NUM("horizon_weeks", pw_params, horizon_weeks, PW_REQ | PW_LO_OPEN, 0, 0, MAX_WEEKS),
    PW_NUM("warmup_weeks", pw_params, warmup_weeks, 0, 52.0, 0, MAX_WEEKS),
    PW_NUM("followup_weeks", pw_params, followup_weeks, 0, 26.0, 0, MAX_WEEKS),
    PW_NUM("outcome_weeks", pw_params, outcome_weeks, PW_LO_OPEN, 26.0, 0, MAX_WEEKS),
    PW_NUM("outcome_weeks_late", pw_params, outcome_weeks_late, 0, 0.0, 0, MAX_WEEKS),
    /* As many as the replication streams can number; memory is the estimate's to judge. */
    PW_INT("replications", pw_params, replications, 0, 10, 1, SIM_RNG_MAX_REPLICATION + 1),
    PW_SPECIAL("seed", 0, &scn_seed_hooks,
               "an integer >= 0 (write values beyond 2147483647 with an L suffix)"),
    PW_SPECIAL("policy", 0, &scn_policy_hooks, "a policy name"),
    PW_BOOL("weekend_closed", pw_params, weekend_closed, 0, 1),
    {.name = "bank_holidays", .kind = PW_F_ENUM, .off = offsetof(pw_params, bank_holidays),
     .def = PW_BANK_HOLIDAYS_NONE, .names = bank_holiday_names},
    PW_SPECIAL("closure_days", 0, &scn_closures_hooks, "an array of integer day numbers >= 0"),
    PW_GROUP("referrals", pw_params, referrals, PW_REQ, referrals_fields,
             &scn_referrals_checks),
    PW_GROUP("casemix", pw_params, casemix, PW_REQ, casemix_fields, NULL),
    PW_GROUP("subgroups", pw_params, subgroups, 0, subgroups_fields, NULL),
    PW_SPECIAL("staff", PW_REQ, &scn_staff_hooks,
               "a group of roles, each a group { headcount = ...; ... }"),
    PW_GROUP("workforce", pw_params, workforce, 0, workforce_fields, &scn_workforce_checks),
    PW_GROUP("assessment", pw_params, assessment, PW_REQ, assessment_fields, NULL),
    {.name = "step2", .kind = PW_F_GROUP, .flags = PW_REQ | PW_IS_STEP2,
     .off = offsetof(pw_params, step), .sub = step_fields, .nsub = PW_NELEM(step_fields),
     .hooks = &scn_step_checks},
    {.name = "step3", .kind = PW_F_GROUP, .flags = PW_REQ,
     .off = offsetof(pw_params, step) + sizeof(pw_step_p), .sub = step_fields,
     .nsub = PW_NELEM(step_fields), .hooks = &scn_step_checks},
    PW_GROUP("symptoms", pw_params, symptoms, 0, symptoms_fields, NULL),
    PW_GROUP("failure", pw_params, failure, 0, failure_fields, NULL),
    PW_GROUP("relapse", pw_params, relapse, 0, relapse_fields, NULL),
    PW_SPECIAL("policy_params", 0, &scn_policy_params_hooks, "a group { stepped = { ... }; }"),
    PW_GROUP("reporting", pw_params, reporting, 0, reporting_fields, NULL),
    PW_GROUP("ltc_pathway", pw_params, ltc_pathway, 0, ltc_pathway_fields, NULL),
    PW_GROUP("prefill", pw_params, prefill, 0, prefill_fields, NULL),
    PW_GROUP("coordination", pw_params, coordination, PW_IF_COORD, coordination_fields, NULL),
    PW_GROUP("output", pw_params, output, 0, output_fields, NULL),
};
const size_t scn_ntop_fields = PW_NELEM(scn_top_fields);

const char *const scn_does_names[SCN_NDOES] = {"assessment", "step2", "groups", "step3",
                                                "coordination"};

/* ==== dependent defaults =============================================================== */

void scn_settle_step(pw_step_p *sp)
{
    if (isnan(sp->first_session_minutes))
        sp->first_session_minutes = sp->session_minutes;
    if (isnan(sp->first_session_dropout))
        sp->first_session_dropout = sp->dropout_per_session;
}

void scn_settle_role(pw_role *r)
{
    if (isnan(r->salary_gbp) && r->band >= 1 && r->band <= 9)
        r->salary_gbp = afc_salary_gbp[r->band];
}

/* ==== defaults for parameters built in code ============================================ */

void scn_defaults(pw_params *p)
{
    memset(p, 0, sizeof *p);
    scn_default_fields(scn_top_fields, scn_ntop_fields, 0, p);
}

pw_role *scn_add_role(pw_params *p, const char *name)
{
    if (p->n_roles >= PW_MAX_ROLES || strlen(name) >= PW_MAX_NAME)
        return NULL;
    pw_role *r = &p->roles[p->n_roles++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    scn_default_fields(scn_role_fields, scn_nrole_fields, 0, r);
    return r;
}

/* Default shares of referrals by deprivation quintile (most deprived first) and of the
 * ethnic minority share by group (Asian, Black, Mixed, other): docs/subgroups.md. */
static const double deprivation_shares_default[PW_DEPRIVATION_N] = {0.27, 0.23, 0.20, 0.17,
                                                                      0.13};
static const double ethnic_group_shares_default[PW_ETHNIC_N - 1] = {0.45, 0.22, 0.20, 0.13};

void scn_settle_casemix(pw_casemix *m)
{
    if (isnan(m->deprivation_shares[0]))
        memcpy(m->deprivation_shares, deprivation_shares_default, sizeof m->deprivation_shares);
    if (isnan(m->ethnic_group_shares[0]))
        memcpy(m->ethnic_group_shares, ethnic_group_shares_default,
               sizeof m->ethnic_group_shares);
}

/* Default multipliers by attribute and level (docs/subgroups.md gives each its source; 1
 * where nothing is published): opt-in, DNA, dropout, response. */
static const pw_effects effects_default[PW_A_N] = {
    [PW_A_AGE] = {.opt_in = {0.55, 0.8, 1.15, 1.25}, .dna = {1.6, 1.2, 0.85, 0.75},
                  .dropout = {1, 1, 1, 1}, .response = {0.9, 0.97, 1.03, 1.1}},
    [PW_A_SEX] = {.opt_in = {1, 1}, .dna = {1, 1}, .dropout = {1, 1}, .response = {1, 1}},
    [PW_A_ETHNICITY] = {.opt_in = {1, 1, 1, 1, 1}, .dna = {1, 1, 1, 1, 1},
                        .dropout = {1, 1.15, 1.15, 1, 1},
                        .response = {1.0, 0.85, 0.96, 0.86, 0.82}},
    [PW_A_LTC] = {.opt_in = {1, 1}, .dna = {1, 1}, .dropout = {1, 1}, .response = {1, 1}},
    [PW_A_LD] = {.opt_in = {1, 1}, .dna = {1, 1}, .dropout = {1, 1}, .response = {1, 1}},
    [PW_A_SOURCE] = {.opt_in = {1, 1}, .dna = {1, 1}, .dropout = {1, 1}, .response = {1, 1}},
    [PW_A_DEPRIVATION] = {.opt_in = {1, 1, 1, 1, 1}, .dna = {1, 1, 1, 1, 1},
                          .dropout = {1, 1, 1, 1, 1},
                          .response = {0.7, 0.85, 1.0, 1.12, 1.25}},
};

void scn_settle_subgroups(pw_subgroups_p *g)
{
    for (int a = 0; a < PW_A_N; a++) {
        pw_effects *e = &g->effects[a].rel;
        const pw_effects *d = &effects_default[a];
        for (int k = 0; k < PW_LEVELS_MAX; k++) {
            /* Levels past the attribute's own are never read: 1 keeps them harmless. */
            double *v[4] = {&e->opt_in[k], &e->dna[k], &e->dropout[k], &e->response[k]};
            const double dv[4] = {d->opt_in[k], d->dna[k], d->dropout[k], d->response[k]};
            for (int j = 0; j < 4; j++)
                if (isnan(*v[j]) || k >= pw_attr_levels((pw_attr)a))
                    *v[j] = k < pw_attr_levels((pw_attr)a) ? dv[j] : 1.0;
        }
    }
}

void scn_settle(pw_params *p)
{
    scn_settle_casemix(&p->casemix);
    scn_settle_subgroups(&p->subgroups);
    for (int s = 0; s < PW_STEP_N; s++)
        scn_settle_step(&p->step[s]);
    for (size_t i = 0; i < p->n_roles; i++)
        scn_settle_role(&p->roles[i]);
}
