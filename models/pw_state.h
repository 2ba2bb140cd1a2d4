/* The model's internal header: the state every pathway file shares (as Lua's lstate.h).
 * Not for use outside models/: the public interface is pw_world.h.
 *
 * Design
 * - One `world` per replication owns the engine, the streams, the people, the staff and
 *   the accumulators; every handler finds it as `s->user`.
 * - Random streams (docs/design.md §3): replication streams (RS_*) for arrivals, case
 *   mix and the pre-filled, drawn in arrival order and by nothing capacity or policy can
 *   change; every referral has its own streams, one per purpose (PR_*); every clinician
 *   has one stream keyed by role name and member number. The enums are fixed: adding a
 *   stream never shifts another.
 * - Events at equal times run bookkeeping first, then the day's clinics, then people
 *   (PRIO_*); each handler has an engine event kind (EV_*), by which the end of the run
 *   tells pending events apart.
 * - Lists are pw_list (pw_list.h), so membership is asserted on every change.
 * - Functions shared across files are declared here, grouped by the file (and prefix)
 *   that defines them: world_ (pw_world.c), patient_ (pw_patient.c), emit_, referral_,
 *   assess_, wait_, episode_, session_, group_, roster_, staff_, metrics_, cohort_.
 *   Handlers are <prefix>_on_<event>. Helpers static to a file go without the prefix.
 */
#ifndef PW_STATE_H
#define PW_STATE_H

#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "pol.h"
#include "pw_list.h"
#include "pw_outcome.h"
#include "pw_therapist.h"
#include "pw_world.h"
#include "sim/core/sim.h"
#include "sim/core/sim_rng.h"
#include "sim/core/sim_slab.h"
#include "sim/core/sim_stats.h"

/* ==== streams, dice, priorities, event kinds =========================================== */

/* Replication streams: fixed ids, so adding one never shifts another. */
enum { RS_ARRIVALS, RS_CASEMIX, RS_PREFILL, RS_N }; /* staff have streams of their own */

/* Every referral has its own streams, one per purpose, so that two scenarios that send
 * a person down different routes still give them the same draws for the same kind of
 * event (the n-th session's attendance, the n-th session's effect). Stream index within
 * the replication: (base + number) * PR_N + purpose: injective below 2^32 for referral
 * numbers < 2^27, re-referrals < 2^26, pre-filled people < 2^26 (per replication). */
enum {
    PR_OPTIN,   /* opting in, attending the assessment */
    PR_WAIT,    /* dropping out while waiting (a variable number of draws: kept apart) */
    PR_SESSION, /* attending each session, dropping out after it */
    PR_TREAT,   /* session effects and questionnaire noise */
    PR_FATE,    /* spontaneous remission time, responsiveness, relapse */
    PR_DRIFT,   /* natural history in the service (a variable number of draws: kept apart) */
    PR_ROUTE,   /* what the assessor sees, routing, delivery mode, step-up, booking lags */
    PR_AFTER,   /* natural history from the journey's end to the outcome reading: its own
                   stream, so the same person draws the same there whatever the path */
    PR_N
};
#define BASE_REFERRAL 0u
#define BASE_REREFERRAL (1u << 27)
#define BASE_PREFILL (3u << 26)
_Static_assert(PR_N <= 8, "person streams: (base + number) * PR_N must stay below 2^32");
_Static_assert(BASE_REFERRAL + PW_MAX_REFERRALS <= BASE_REREFERRAL &&
                   BASE_REREFERRAL + PW_MAX_REREFERRALS <= BASE_PREFILL &&
                   (uint64_t)(BASE_PREFILL + PW_MAX_PREFILLED) * 8 <= (1ull << 32),
               "each kind of person numbered within its own streams (patient_new checks)");

/* A referral's dice: uniforms in [0, 1) thrown once at referral from PR_ROUTE, in this
 * order, so the same person meets the same luck whatever the service does with them. */
typedef enum pw_die {
    DIE_SEEN_NEED,  /* does the assessor see the need right (role accuracy)? */
    DIE_NEIGHBOUR,  /* if not, which neighbour of a high need they see */
    DIE_RISK,       /* signposting for risk: pw_case_view.risk_die */
    DIE_RULE,       /* the policy's own rule: pw_case_view.rule_die */
    DIE_MODE,       /* delivery mode on joining a step's list */
    DIE_STEP_UP,    /* step-up after a failed step-2 episode */
    DIE_N
} pw_die;

/* A person's keyed dice: uniforms that need no generator, each a hash of (master seed,
 * replication, the person's stream index, purpose, k). Used by what the baseline never
 * drew for (reporting practices, the attributes added since), so that turning one on draws
 * nothing from any stream and shifts nobody's luck. Purposes are fixed: adding one never
 * shifts another. */
typedef enum pw_key_die {
    KD_COACH,             /* reporting.coaching_share */
    KD_END_OF_SESSION,    /* reporting.end_of_session_share */
    KD_EARLY_DISCHARGE,   /* reporting.early_discharge_share */
    KD_REPEAT,            /* reporting.repeat_questionnaire_share */
    KD_ASSESS_AS_TREAT,   /* reporting.assessment_as_treatment_share */
    KD_COMPLETE,          /* reporting.complete_self_discharged_share */
    KD_REPEAT_NOISE,      /* the repeated readings' noise: k = 2 x reading + scale */
    KD_HOLDING,           /* the first unanswered letter: k = the list joined (0, 1, ...) */
    KD_DEPRIVATION,       /* deprivation quintile */
    KD_ETHNIC_GROUP,      /* ethnicity group within the minority share */
    KD_TOP_UP,            /* a clinician on the top-up course (key: staff id) */
    KD_PHONE_TRIAGE,      /* assessment.telephone_share */
    KD_START_TENURE,      /* a starting clinician's time in post (key: member; k: role) */
    KD_N
} pw_key_die;

/* Event priorities at equal times: bookkeeping first, then the day's clinics, then people.
 * The window opens and closes before the week's staff round at the same time: the round
 * at its start is the first week's (counted), the one at its end the follow-up's (not),
 * as timeseries.csv places them; the week's row reads the time, not the window's state. */
enum { PRIO_WINDOW = -11, PRIO_WEEK = -10, PRIO_CLINIC = -5, PRIO_PERSON = 0 };

/* Engine event kinds (sim_kind_register), one per handler. */
typedef enum pw_event_kind {
    EV_ARRIVAL = 1,     /* referral_on_arrival: the next candidate referral */
    EV_OPT_IN,          /* referral_on_opt_in: obj a patient */
    EV_REREFERRAL,      /* referral_on_rereferral: obj a patient not yet referred */
    EV_CLINIC,          /* assess_on_clinic: a day's assessment clinic */
    EV_ASSESSMENT,      /* assess_on_appointment: obj a patient */
    EV_ASSESS_DROPOUT,  /* assess_on_dropout: obj a patient on the assessment list */
    EV_STEP_DROPOUT,    /* wait_on_dropout: obj a patient on a step's list */
    EV_SESSION,         /* session_on_appointment: obj a patient in treatment */
    EV_EPISODE_END,     /* episode_on_end: obj a patient (who has an EV_SESSION too) */
    EV_GROUP_SESSION,   /* group_on_session: obj a group */
    EV_HIRE,            /* staff_on_hire */
    EV_TRAINING_END,    /* staff_on_training_end: obj a clinician */
    EV_SICK_END,        /* staff_on_sick_end: obj a clinician */
    EV_LEAVE,           /* staff_on_leave: obj a clinician */
    EV_PLAN,            /* staff_on_plan: a planned hire or shock */
    EV_WEEK,            /* metrics_on_week */
    EV_WINDOW_START,    /* metrics_on_window_start */
    EV_WINDOW_END,      /* metrics_on_window_end */
    EV_FOLLOWUP,        /* cohort_on_followup: obj a cohort patient, outcome_weeks on */
    EV_LETTER,          /* report_on_letter: obj a patient, arg their holding serial */
    EV_TOP_UP,          /* train_on_top_up: arg 0 the course starts, 1 it ends */
    EV_SICK_HANDOVER,   /* staff_on_sick_handover: obj a clinician */
} pw_event_kind;

#define YEAR_DAYS 365.25
#define DAY_START (9.0 / 24.0) /* appointments from 09:00 */

/* ==== people, staff, groups, the world ================================================= */

typedef enum where {
    W_NONE,
    W_OPT_IN,       /* referred, not yet opted in */
    W_WAIT_ASSESS,  /* on the assessment list */
    W_ASSESSING,    /* booked into an assessment clinic */
    W_WAIT_STEP,    /* on a step's waiting list */
    W_TREATMENT,    /* in a treatment episode */
} where;

typedef struct clinician clinician;
/* The roster's orders (pw_roster.c): each role's clinicians with room, by free hours a week
 * (roster_pick); and by free caseload places (roster_pick_places, the diary steps), one
 * heap for each number of free hours a week the role is asked for, of those who have
 * them (ROSTER_PLACE_SETS numbers a role at most: the diary steps and coordination). */
#define ROSTER_PLACE_SETS 3
enum { ROSTER_BY_HOURS, ROSTER_BY_PLACES, ROSTER_KEYS = ROSTER_BY_PLACES + ROSTER_PLACE_SETS };
enum { FU_LATE_DONE = 1, FU_LATE_REC = 2, FU_LATE_REC_U = 4 }; /* patient.fu_late */

typedef struct patient patient;
typedef struct group group;
typedef struct pw_diary_day pw_diary_day;

struct clinician {
    int id, role;
    int member;             /* number within the role (streams are keyed by it) */
    unsigned does;
    double hours_week;      /* treatment hours a week now (base x cap_factor) */
    double load_hours;      /* committed hours a week */
    double phone_hours;     /* of which telephone (weighs more for burnout) */
    int caseload, cap;      /* caseload: individual patients plus groups facilitated */
    int diary_cases;        /* of the individual patients, those of diary steps */
    int phone_cases;        /* and of those, the ones seen by telephone (burnout's load) */
    double effect_mult;     /* therapist effect on session outcomes */
    int active;             /* in post (or in training); 0 once gone */
    int training;           /* in training for `role` */
    int sick;               /* on sick leave */
    double cap_factor;      /* share of full capacity: ramp-up, training */
    double study_loss;      /* share of capacity away on a top-up course (pw_train.c) */
    unsigned char ltc_skill; /* trained in long-term-condition work (pw_train.c) */
    double ramp_per_week;   /* rise of cap_factor a week while ramping up */
    double start_day;       /* in the service since */
    double qualified_day;   /* in this role (qualified) since: the training bar */
    double sick_since;
    double burnout;         /* 0 (none) .. 1 */
    double burnout_proneness; /* multiplier of this clinician's burnout rise (mean 1) */
    double salary_gbp;      /* a year per FTE */
    double fte;
    signed char fte_level;  /* the row of its role's fte_mix it holds; -1: none */
    gsl_rng *rng;           /* this clinician's own stream (hazards, draws at leaving) */
    pw_list patients;       /* individual caseload (patient.care), newest first */
    pw_list held;           /* a coordinator's people (patient.held), in order taken on */
    pw_diary_day *diary;    /* booked minutes by day (pw_diary.c), allocated at first use */
    long full_from, full_to;   /* diary days known too full (pw_diary.c, diary_book): */
    double full_min, full_room; /* for a booking this long, at this room a day */
    double full_load;       /* and these hours held outside the diary (short weeks) */
    sim_event_id sick_end;
    sim_event_id sick_handover; /* the caseload handed to others (staff_on_sick_handover) */
    pw_link post;           /* on the world's in-post list (pw_roster.c) */
    int heap_role;          /* role of the heaps it is in (pw_roster.c); -1 if in none */
    int heap_at[ROSTER_KEYS]; /* position in each of them, -1 where not in it */
    int counted_role;       /* role counted in world.n_in_post (pw_roster.c); -1 if none */
    pw_clin_courses courses[PW_STEP_N]; /* courses ended, by step, as the therapist-effect
                                           study counts them (pw_therapist.c) */
};

struct patient {
    uint64_t id, person_id;
    gsl_rng *r[PR_N];       /* the referral's own streams, by purpose */
    pw_link wait;           /* on a waiting list */
    pw_link care;           /* on a clinician's individual caseload */
    pw_link member;         /* in a group */
    pw_link pool;           /* in the world's pool of free patients */
    double referral_day;
    int cohort;
    unsigned char self_ref, age_band, female, minority, ltc, ld, risk, rereferral;
    pw_need need;
    double phq, gad;        /* latent */
    double phq0, gad0;      /* latent at referral */
    double phq_u, gad_u;    /* latent without treatment: the same natural history, no
                               session's effect (the counterfactual of the true reading) */
    double remission_day;   /* spontaneous remission at this time (drawn once) */
    double dice[DIE_N];     /* see pw_die */
    double response_z;      /* how well this person responds to treatment: a standard
                               normal drawn once, so their response is the same in
                               every scenario (effect = mean + sd * z) */
    double state_day;       /* latent last brought up to date (natural history) */
    where at;
    int step;               /* current step, -1 none */
    pw_mode mode;
    double queue_day;       /* joined the current list */
    double assessed_day, first_contact_day, first_treatment_day, step2_end_day;
    double step_start_day;
    int obs_phq0, obs_gad0, has_obs0; /* first questionnaire (reported baseline) */
    int obs_phq, obs_gad, has_obs;    /* latest questionnaire */
    int sessions, sessions_step, dnas, good_run, failures, stepped_up;
    int prio;               /* waits on the step's priority list */
    int stepped_down;       /* stepped down from step 3 to step 2 (at most once) */
    int returned;           /* back on a list after a session cap (at most once) */
    unsigned paths;         /* bit s: entered step s */
    clinician *clin;
    double load;            /* hours a week committed with clin */
    long appt_day;          /* the next appointment's day in clin's diary, */
    double appt_minutes;    /* and its minutes (0: none booked in a diary), */
    double appt_week_minutes; /* of which its week holds (less if the weeks after pay) */
    group *grp;             /* the group, for group-mode treatment */
    int resume;             /* back on a list after losing their clinician: the course
                               goes on where it stopped */
    sim_event_id timer;     /* dropout timer or next session */
    sim_event_id end_timer; /* episode_days end */
    sim_event_id wait_timer; /* the list's dropout timer, running on from allocation to
                                the first attended session (waiting in the diary) */
    sim_event_id fu_timer;  /* the true outcome's next reading: outcome_weeks after
                               referral, then outcome_weeks_late if set (arg 1) */
    unsigned char fu_done, fu_case, fu_rec, fu_ri; /* that reading, once taken */
    unsigned char fu_rec_u; /* recovered at that reading without treatment */
    unsigned char fu_late;  /* the reading at outcome_weeks_late: taken (FU_LATE_DONE),
                               recovered (FU_LATE_REC), recovered untreated (FU_LATE_REC_U) */
    /* The event log's activity instances (pw_emit.c): how many this referral has had,
     * and the wait and the treatment episode still open (activity name and number). */
    unsigned char origin, person_origin; /* pw_origin of id and of person_id */
    uint32_t n_inst, wait_inst, ep_inst;
    const char *wait_act, *ep_act;
    uint32_t key;           /* the person's stream index: their keyed dice (key_die) */
    unsigned game;          /* reporting practices applied to this person (1u << KD_*) */
    double q_phq, q_gad;    /* latent at the latest questionnaire */
    uint64_t hold_serial;   /* their holding-list letter event (0: none) */
    uint32_t lists_joined;  /* waiting lists joined so far (holding-list letters) */
    unsigned char deprivation; /* quintile, 0 most deprived (pw_subgroup.c) */
    unsigned char ethnic;   /* ethnicity group: 0 white, 1 Asian, 2 Black, 3 mixed, 4 other */
    double sg_opt_in, sg_dna, sg_dropout, sg_response; /* subgroup multipliers */
    /* Care coordination (pw_coord.c): */
    clinician *coord;       /* the coordinator holding them now, or NULL */
    pw_link held;           /* on coord's held list */
    unsigned char complex;  /* kept in the service as complex (a coordinator role exists) */
    unsigned char coordinated; /* held at some time */
    unsigned char lost_coord;  /* their coordinator left and no other had a place */
    unsigned char assess_dnas; /* assessment appointments missed and rebooked */
    uint32_t dna_all;       /* treatment appointments missed, all episodes */
};

/* A therapy group: a facilitator, members who joined together, sessions for all. */
struct group {
    int step;
    clinician *fac;
    pw_list members;        /* patient.member, in joining order */
    int sessions_held;
    double load;            /* facilitator hours a week */
    sim_event_id timer;
    pw_link live;           /* on the world's running list */
    pw_link pool;           /* in the world's pool of free groups */
};

/* A clinician in a role's heap of those with room (pw_roster.c): the key cached. */
typedef struct roster_slot {
    double key;             /* free hours (hours_week - load_hours) or free caseload places */
    int id;
    clinician *c;
} roster_slot;

typedef struct roster_heap {
    roster_slot *a;         /* a binary max-heap: largest key first, ties lowest id */
    size_t n, cap;
} roster_heap;

typedef struct world {
    const pw_params *p;
    const pw_policy *pol;
    const pw_monitor *mon;
    const atomic_int *stop; /* pw_run_stoppable's flag, read weekly; or NULL */
    int rep;
    sim s;
    sim_streams st;
    pw_results *out;
    double t_window0, t_window1, t_end; /* measurement window, end of run */
    double lambda_max;                  /* referral thinning bound, per day */
    uint64_t next_referral, next_rereferral, next_prefill;
    uint32_t person_key;                /* people's streams: sim_rng_entity_key(seed, rep, 0) */
    clinician **staff;                  /* everyone ever in post, by id */
    size_t n_staff, cap_staff;
    pw_list in_post;                    /* those in post or training (clinician.post), by id */
    roster_heap heaps[ROSTER_KEYS][PW_MAX_ROLES]; /* by key, by role: those with room now */
    double place_hours[ROSTER_PLACE_SETS][PW_MAX_ROLES]; /* hours of heap ROSTER_BY_PLACES + j */
    int n_place_sets[PW_MAX_ROLES];     /* by role: place heaps in use (asked for so far) */
    double *step_hours[PW_STEP_N];      /* by step, by staff id: hours a week available (in
                                         * post, not sick, doing the step), else 0 */
    double *assess_day;                 /* by staff id: assessment slots a day of an assessor
                                         * at work (assess_slots_a_day), else -1 */
    size_t step_hours_cap;              /* length of step_hours[] and assess_day */
    double step_hours_sum[PW_STEP_N];   /* their sums in id order, while !step_hours_stale */
    int step_hours_stale;
    int assessors_stale;                /* assess_day changed since assessors_today's list */
    int n_in_post[PW_MAX_ROLES];        /* by role: in post, not training (roster_in_post) */
    double assess_today;                /* the list's slots a day (while !assessors_stale) */
    size_t n_present;                   /* the list's length (while !assessors_stale) */
    int dynamic;                        /* any staff dynamics in the scenario */
    int next_member[PW_MAX_ROLES];      /* member numbers given out, by role */
    int fte_in_post[PW_MAX_ROLES][PW_MAX_FTE_MIX]; /* members in post at each fte_mix
                                                      level (pw_staff.c, member_fte) */
    int vacancies[PW_MAX_ROLES];        /* posts advertised, not yet filled: adverts[] */
    struct pw_advert {                  /* by role: each open advert's hire (EV_HIRE) */
        sim_event_id id;
        double due;
    } *adverts[PW_MAX_ROLES];
    int adverts_cap[PW_MAX_ROLES];
    int establishment[PW_MAX_ROLES];    /* posts: the starting headcount plus planned hires */
    double pool_year_start;             /* labour pool: the current year's start ... */
    int pool_used;                      /* ... and starters in it */
    pw_list running;                    /* running groups (group.live), newest first */
    int train_year[PW_MAX_ROLES];       /* annual clearing: the calendar year of the run ... */
    int train_used[PW_MAX_ROLES];       /* ... and training starts from the role in it */
    double *burn;                       /* scratch: burnout of each clinician in post */
    size_t burn_cap;
    size_t *present;                    /* scratch: staff indices of today's assessors */
    size_t present_cap;
    pw_list assess_list, step_list[PW_STEP_N]; /* waiting lists (patient.wait) */
    pw_list group_list[PW_STEP_N];      /* waiting to join a group */
    pw_list prio_list[PW_STEP_N];       /* stepped up, seen first (stepped_up_first) */
    pw_list group_pool;                 /* free groups (group.pool) */
    int in_treatment[PW_STEP_N];        /* open episodes by step */
    pw_list pool;                       /* free patients (patient.pool), generators kept */
    size_t live_patients;
    sim_slab people;                    /* people's records with their generators */
    sim_slab diaries;                   /* clinicians' diaries (pw_diary.c) */
    int assessor_role;
    double assess_carry;                /* fractional slot carried to the next day */
    /* The front door's extra clinics (assessment.flex_*: assess_review), x the assessors'
     * base slots: the treatment time given up (flex_hours), the clinics run with it
     * (assess_flex: the least of flex_hours over the last flex_lead_weeks reviews). */
    double assess_flex, flex_hours;
    double flex_ring[PW_FLEX_LEAD_MAX + 1]; /* flex_hours at the last reviews */
    size_t flex_reviews;
    /* accumulators over the measurement window */
    sim_timeavg ta_wait_assess, ta_wait_step[PW_STEP_N];
    sim_timeavg ta_load[PW_STEP_N];
    double cap_hours[PW_STEP_N];
    double load_step[PW_STEP_N];        /* committed hours a week by step */
    sim_timeavg ta_cap[PW_STEP_N];      /* treatment hours available (with dynamics) */
    int cap_varied;                     /* the hours available have changed */
    unsigned char *off;                 /* off[d]: day d of the run is a closure day or a
                                         * closed weekend day (world_is_working) */
    long n_days;
    double assess_slots_offered, assess_slots_used;
    double assess_slots_extra;          /* of those offered, the extra ones (assess_review) */
    int in_window;
    pw_week week;                       /* the week being counted */
    /* per-cohort sums for metrics */
    sim_tally t_wait_assess, t_wait_reported, t_step_up_wait;
    sim_tally t_step3_wait; /* the cohort's days on the step-3 list, at its first step-3 session */
    sim_tally t_sessions_fin, t_sessions_rec;
    sim_hist h_wait_treat;
    pw_pool *c; /* the cohort's counts, kept where pooling reads them: &out->pool */
    uint64_t diary_overbooked;     /* bookings past the diary's reach (pw_diary.c) */
    uint64_t diary_spread;       /* bookings no week had room for, spread over the weeks */
    uint64_t diary_beyond;       /* sessions asked for beyond the ring, held outside it */
    uint64_t diary_handed_back;    /* people back to the list: their clinician had no time */
    uint64_t diary_moved;        /* sessions moved to a later week (episode_make_room) */
    double diary_minutes[PW_STEP_N]; /* diary appointments held in the window, minutes */
    pw_effects sg_rel[PW_A_N];          /* subgroup multipliers by attribute and level, but
                                         * the source's (subgroup_prepare) */
    uint64_t hold_serial;               /* holding-list letter events scheduled */
    int coord_on;                       /* some role does "coordination" (pw_coord.c) */
} world;

/* x held to [lo, hi]: for values the model bounds by design (a share, burnout's 0 to 1). */
static inline double clampd(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Probability p with its odds multiplied by m (a subgroup's effect on opt-in or DNA): 0
 * and certainty stay as they are, and m = 1 leaves p exactly. */
static inline double odds_scaled(double p, double m)
{
    if (m == 1.0 || !(p > 0) || p >= 1)
        return p;
    return p * m / (1 - p + p * m);
}

/* 1 if pt is on the integrated long-term-condition pathway (ltc_pathway.enabled and a
 * long-term condition): their courses follow its caps and factors at either step. */
static inline int ltc_on(const pw_params *p, const patient *pt)
{
    return p->ltc_pathway.enabled && pt->ltc;
}

/* Care coordination's multipliers on pt's treatment DNA odds and dropout: the scenario's
 * while a coordinator holds them, else exactly 1 (so x 1 leaves every figure's bits). */
static inline double coord_dna_odds(const world *w, const patient *pt)
{
    return pt->coord ? w->p->coordination.dna_odds : 1.0;
}
/* (the dropout multiplier, as above) */
static inline double coord_dropout(const world *w, const patient *pt)
{
    return pt->coord ? w->p->coordination.dropout : 1.0;
}

/* m to the power n, a count (failures so far): pow's value, without its cost when n is 0
 * (as for most people; pow(m, 0) is 1 exactly). */
static inline double pow_count(double m, int n) { return n ? pow(m, n) : 1.0; }

/* The weekly-histogram bin of a wait (the last bin takes the rest). */
static inline size_t week_bin(double wait_days)
{
    return (size_t)fmin(wait_days / 7.0, PW_WAIT_WEEKS);
}

/* The keyed die `purpose`, number k, of the person with stream index `key`: a uniform in
 * [0, 1) (53 bits). No generator, no state. */
static inline double key_die(const world *w, uint32_t key, pw_key_die purpose, uint32_t k)
{
    uint64_t x = sim_rng_mix64(w->p->seed ^ sim_rng_mix64(((uint64_t)(uint32_t)w->rep << 32 |
                                                            key) + 0x632be59bd9b4e019ULL));
    x = sim_rng_mix64(x ^ sim_rng_mix64(((uint64_t)purpose << 32 | k) + 0x9e3779b97f4a7c15ULL));
    return (double)(x >> 11) * 0x1.0p-53;
}

/* ==== functions shared across files, by defining file ================================== */

/* pw_world.c: the service calendar */
/* Is day d a weekend day of a service closed at weekends (day 0 a Monday)? */
static inline int weekend_off(const pw_params *p, long d)
{
    return p->weekend_closed && ((d % 7) + 7) % 7 >= 5;
}
/* Mark in off[0 .. n_days) the closure days, the bank holidays (bank_holidays) and closed
 * weekend days (world.off); marks nothing off that is already. */
void world_days_off(const pw_params *p, unsigned char *off, long n_days);

/* Is day d a working day (not a closed weekend, not a closure day)? Inline: every booking
 * asks, for each day it looks at; the run's days are a table (world.off). */
static inline int world_is_working(const world *w, long d)
{
    if (d >= 0 && d < w->n_days)
        return !w->off[d];
    return !weekend_off(w->p, d);
}

/* Is the day holding time `day` a working day? */
static inline int world_is_working_day(const world *w, double day)
{
    return world_is_working(w, (long)floor(day));
}
double world_next_working(const world *w, double t);

/* pw_holidays.c: the bank holidays of England and Wales */
enum { PW_HOLIDAYS_PER_YEAR = 12 };
/* Year y's bank holidays as day numbers of the run (day 0 Monday 1 January 2018) into
 * out[PW_HOLIDAYS_PER_YEAR]; returns how many. */
int holidays_of_year(int y, long *out);
/* Mark off every bank holiday of off[0 .. n_days). */
void holidays_mark(unsigned char *off, long n_days);

/* pw_patient.c */
size_t patient_bytes(void);
patient *patient_new(world *w, uint32_t base, uint64_t number);
void patient_delete(world *w, patient *pt);
void patient_draw_casemix(const pw_params *p, patient *pt, gsl_rng *r, double t);
void patient_draw_fortunes(const world *w, patient *pt, double from);
void patient_drift(world *w, patient *pt);
void patient_natural_history(const world *w, patient *pt, gsl_rng *r, double from, double to,
                             double *phq, double *gad, double *phq_u, double *gad_u);
void patient_questionnaire(world *w, patient *pt, double coaching);

/* pw_emit.c */
void emit_event_(world *w, patient *pt, const char *activity, const char *life,
                 const clinician *c);
/* An event for the log (pw_emit.c); inline so that a run without one pays a test, not a
 * call, at every session. */
static inline void emit_event(world *w, patient *pt, const char *activity, const char *life,
                              const clinician *c)
{
    if (w->mon && w->mon->event)
        emit_event_(w, pt, activity, life, c);
}
void emit_episode_open(world *w, patient *pt);
void emit_close(world *w, patient *pt, int unfinished);
void emit_episode_close(world *w, patient *pt);
void emit_arrival(world *w, const patient *pt, const char *exit_name, int finished);
void emit_stage(world *w, const patient *pt, double start, double end, int sessions,
                const char *reason, int unfinished);
void emit_stage_by(world *w, const patient *pt, const clinician *c, double start, double end,
                   int sessions, const char *reason, int unfinished);

/* pw_referral.c */
double referral_max_rate(const world *w);
const patient *referral_relapse(world *w, const patient *old, int recovered, double *when);
void referral_on_arrival(sim *s, void *obj, uint64_t arg);
void referral_on_opt_in(sim *s, void *obj, uint64_t arg);
void referral_on_rereferral(sim *s, void *obj, uint64_t arg);

/* pw_assess.c */
void assess_join(world *w, patient *pt);
void assess_on_clinic(sim *s, void *obj, uint64_t arg);
double assess_mean_minutes(const world *w);
void assess_on_appointment(sim *s, void *obj, uint64_t arg);
void assess_on_dropout(sim *s, void *obj, uint64_t arg);
void assess_review(world *w);

/* pw_wait.c */
static inline patient *wait_head(pw_list *l) { return PW_LIST_ENTRY(l->head, patient, wait); }
pw_list *wait_list_of(world *w, const patient *pt);
size_t wait_count(const world *w, int s);
double wait_dropout_delay(const pw_hazard *h, double mult, double waited, gsl_rng *r);
void wait_join_step(world *w, patient *pt, int step);
void wait_rejoin(world *w, patient *pt);
void wait_on_dropout(sim *s, void *obj, uint64_t arg);

/* pw_episode.c */
double episode_slot_hours(const pw_step_p *sp);
double episode_session_hours(const pw_step_p *sp);
double episode_minutes(const pw_params *p, const patient *pt, int first);
double episode_person_hours(const pw_params *p, const patient *pt, int first);
int episode_session_cap(const pw_params *p, const patient *pt);
double episode_group_hours(const pw_step_p *sp);
void episode_commit_hours(world *w, clinician *c, int step, double delta, int phone);
void episode_allocate(world *w, int step);
void episode_allocate_all(world *w);
void episode_start(world *w, patient *pt, clinician *c);
void episode_release(world *w, patient *pt);
void episode_cancel_booking(patient *pt);
void episode_make_room(world *w, clinician *c, double t);
void episode_cancel_timers(world *w, patient *pt);
void episode_end(world *w, patient *pt, pw_exit why);
void episode_interrupt(world *w, patient *pt);
void episode_hand_back(world *w, patient *pt);
void episode_on_end(sim *s, void *obj, uint64_t arg);
void episode_step_down(world *w, patient *pt);

/* pw_diary.c */
double diary_book_session(world *w, patient *pt, double t);
void diary_prefetch(const world *w, const clinician *c, double t);
void diary_release(clinician *c, long d, double minutes, double week_min);
double diary_fill(const world *w, const clinician *c);
int diary_week_over(const world *w, clinician *c, long d);
long diary_overfull_from(const world *w, clinician *c, long d);
int diary_week_free(const world *w, clinician *c, long d, double minutes);
size_t diary_bytes(void);

/* pw_assess.c (for pw_roster.c) */
/* Assessment slots a day c offers if at work today (an assessor in post, not sick, not
 * training), else -1. */
double assess_slots_a_day(const world *w, const clinician *c);

/* pw_roster.c */
/* The clinician on the in-post list (world.in_post) at link k; NULL for NULL. Walk with
 * for (c = roster_entry(w->in_post.head); c; c = roster_entry(c->post.next)). One on the
 * list may be inactive: while leaving their post for training (clinician_leave), until
 * they start it. */
static inline clinician *roster_entry(pw_link *k) { return PW_LIST_ENTRY(k, clinician, post); }
/* c's hours, committed hours, caseload, cap, sickness, post or role changed: its place in
 * the index follows. Call at once, before anything can pick. Out of memory: sim_fail. */
void roster_touch(world *w, clinician *c);
/* c (new, with the highest id yet) comes into post: on the in-post list, indexed. */
void roster_join(world *w, clinician *c);
/* c (active already 0) leaves for good: off the in-post list and the index. */
void roster_leave(world *w, clinician *c);
void roster_free(world *w);
/* Treatment hours a week available by step (those in post, not sick, doing the step), into
 * cap[]: summed in id order as a walk over those in post would, recomputed only after a
 * change, from a dense table (no walk over the clinicians' records). */
void roster_step_hours(world *w, double cap[PW_STEP_N]);
/* People in post in role r, trainees aside. O(1). */
int roster_in_post(const world *w, int r);
/* The clinician who does every activity in `need`, has a free caseload place and `hours`
 * free a week, and has the most free hours (ties: lowest id); NULL if none. O(roles). */
clinician *roster_pick(world *w, unsigned need, double hours);
/* The same by scanning every clinician ever in post (the rule's definition, for tests). */
clinician *roster_scan(const world *w, unsigned need, double hours);
/* The clinician who does every activity in `need`, has `hours` free a week and the most
 * free caseload places (at least one; ties: lowest id); NULL if none. O(roles) when the
 * one with the most places has the hours (the diary steps hold no hours a week, so about
 * always); else a walk over that role's clinicians with room. */
clinician *roster_pick_places(world *w, unsigned need, double hours);
int roster_has_hours(const clinician *c, double hours);
/* The same by scanning every clinician ever in post (the rule's definition, for tests). */
clinician *roster_scan_places(const world *w, unsigned need, double hours);

/* pw_session.c */
#define SESSION_DROP_LATER 2 /* session_hold: goes on unless the gap to the next drops pt */
int session_hold(world *w, patient *pt);
void session_on_appointment(sim *s, void *obj, uint64_t arg);
void session_ahead(void *user, sim_handler fn, void *obj, uint64_t arg);

/* pw_group.c */
void group_form(world *w, int step);
void group_close(world *w, group *g);
void group_leave(world *w, patient *pt);
void group_on_session(sim *s, void *obj, uint64_t arg);
int group_last_session(const world *w, const group *g);

/* pw_staff.c */
__attribute__((warn_unused_result)) int staff_build(world *w);
void staff_refresh(world *w, clinician *c);
int staff_set_assess_flex(world *w, double hours, double clinics);
void staff_free(world *w);
void staff_round(world *w);
void staff_week(world *w, pw_week *wk);
void staff_close_window(world *w);
void staff_on_hire(sim *s, void *obj, uint64_t arg);
void staff_on_training_end(sim *s, void *obj, uint64_t arg);
void staff_on_sick_end(sim *s, void *obj, uint64_t arg);
void staff_on_sick_handover(sim *s, void *obj, uint64_t arg);
void staff_on_leave(sim *s, void *obj, uint64_t arg);
void staff_on_plan(sim *s, void *obj, uint64_t arg);

/* pw_report.c: the reporting practices */
typedef struct report_record {
    int finished;           /* a finished course as reported */
    int sessions;           /* treatment sessions as reported */
    int phq, gad;           /* the last scores as recorded */
    double clock_day;       /* the reported wait clock's stop */
} report_record;
void report_draw(const world *w, patient *pt);
int report_end_of_session(const world *w, const patient *pt);
int report_early_discharge(const world *w, const patient *pt);
void report_hold(world *w, patient *pt);
void report_on_letter(sim *s, void *obj, uint64_t arg);
void report_record_of(const world *w, const patient *pt, pw_exit why, report_record *r);

/* pw_train.c: annual clearing, top-up training */
double train_gate(world *w, int role);
void train_started(world *w, int role);
void train_schedule(world *w);
void train_on_top_up(sim *s, void *obj, uint64_t arg);

/* pw_coord.c: care coordination */
void coord_init(world *w);
void coord_consider(world *w, patient *pt);
void coord_release(world *w, patient *pt);
void coord_leave(world *w, clinician *c);
void coord_count(world *w, const patient *pt, pw_exit why);
void coord_week(world *w, const clinician *c, double dt);

/* pw_subgroup.c */
void subgroup_prepare(world *w);
void subgroup_draw(const world *w, patient *pt);
void subgroup_copy(patient *pt, const patient *old);
void subgroup_members(const patient *pt, int in[PW_G_N]);

/* pw_metrics.c */
void metrics_track_lists(world *w);
void metrics_track_load(world *w, int step, double delta);
void metrics_track_capacity(world *w);
void metrics_compute(world *w);
void metrics_counts(const pw_params *p, pw_results *o, const pw_pool *c);
void metrics_on_week(sim *s, void *obj, uint64_t arg);
void metrics_on_window_start(sim *s, void *obj, uint64_t arg);
void metrics_on_window_end(sim *s, void *obj, uint64_t arg);

/* pw_pool.c */
void pool_on_window_end(world *w, double t);
__attribute__((warn_unused_result)) int pool_capture(world *w);

/* pw_therapist.c */
/* pt's stage with clinician c ended after `sessions` attended (emit_stage_by): counted in
 * c's sums if it is a course the therapist-effect study reads. */
void therapist_course(world *w, const patient *pt, const clinician *c, int sessions,
                      int unfinished);
/* The end of the run: every clinician's sums with a course into the pool (pw_pool.ther),
 * step 2's then step 3's. Returns 0 or -1 (out of memory). */
__attribute__((warn_unused_result)) int therapist_capture(world *w);
/* The therapist-effect metrics of m from the pooled sums of pl. */
void therapist_metrics(const pw_pool *pl, double *m);

/* pw_cohort.c */
void cohort_exit(world *w, patient *pt, pw_exit why);
void cohort_close_out(world *w);
void cohort_on_followup(sim *s, void *obj, uint64_t arg);

#endif
