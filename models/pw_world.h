/* The stepped-care world: one replication of a scenario, from referrals to discharge.
 *
 * A replication owns everything it touches (engine, streams, people, staff), so
 * replications run side by side in threads. Randomness (see docs/design.md §3):
 * replication streams for arrivals and case mix, drawn in arrival order and never by
 * anything capacity or policy can change; every referral then has its own stream,
 * seeded from (master seed, replication, referral number), for all its fortunes.
 */
#ifndef PW_WORLD_H
#define PW_WORLD_H

#include <stdatomic.h>
#include <stdint.h>

#include "pw_params.h"
#include "pw_results.h"

/* Where a patient's number comes from: each kind is numbered from 0 in its own
 * sequence (referrals in arrival order, re-referrals, people already in the service at
 * time zero), so ids stay small; writers tell them apart by a prefix. */
typedef enum pw_origin { PW_ORIGIN_REFERRAL, PW_ORIGIN_REREFERRAL, PW_ORIGIN_PREFILL } pw_origin;

/* One row per patient per stage (patients.csv), written when the stage ends or, for
 * stages open at the end of the run, at the end with unfinished = 1. Times in days from
 * the start of the run (warm-up included); NaN where a time does not apply. */
typedef struct pw_stage_record {
    uint64_t patient_id;     /* number within the replication, in its origin's sequence */
    uint64_t person_id;      /* same person across re-referrals */
    pw_origin origin, person_origin;
    const char *stage;       /* "assessment", "step2", "step3" */
    double referral_day;     /* when the referral arrived */
    double queue_day;        /* joined the stage's waiting list */
    double start_day;        /* first appointment of the stage (NaN: never started) */
    double end_day;          /* left the stage (NaN if unfinished) */
    double wait_days;        /* start - queue (or end - queue if it never started) */
    int sessions;            /* attended appointments in the stage */
    const char *exit_reason; /* why the stage ended, e.g. "dropped_waiting", "routed_step2" */
    int clinician;           /* staff id, -1 if none */
    const char *clinician_role; /* the clinician's role name, NULL if none */
    double clinician_burnout; /* the clinician's burnout (0-1) as the stage ended or the run
                                 did, NaN if none: what a staff survey would have read */
    int unfinished;          /* still open at the end of the run */
    int cohort;              /* referral fell in the measurement window */
    const char *source;      /* "gp" or "self" */
    const char *need;        /* latent need: "low", "high", "specialist" */
    int phq9_first, gad7_first; /* the journey's first questionnaire, -1 if none */
    int phq9_last, gad7_last;   /* its latest questionnaire when the stage ended, -1 if none */
} pw_stage_record;

/* One event of the process-mining log (events.csv). Waits and treatment episodes have a
 * start and a complete with the same instance number; every other activity is one
 * complete with an instance of its own. A wait or episode still open at the end of the
 * run is completed then with unfinished = 1. */
typedef struct pw_event_record {
    uint64_t case_id;        /* = patient_id */
    pw_origin origin;
    uint32_t instance;       /* activity instance within the case, from 1 */
    const char *activity;    /* "referral", "assessment", "step2_session", ... */
    const char *lifecycle;   /* "start" or "complete" */
    double day;
    const char *resource;    /* role name, or "" */
    int resource_id;         /* staff id, -1 if none */
    int unfinished;          /* completed only by the end of the run */
} pw_event_record;

/* One referral's journey, as simmer's get_mon_arrivals() gives it (arrivals.csv),
 * written when the journey ends (or at the end of the run). Days from the start of the
 * run. */
typedef struct pw_arrival_record {
    uint64_t patient_id;
    pw_origin origin;
    double start_day;        /* referral */
    double end_day;          /* exit; NaN if still in the service at the end */
    double activity_days;    /* first treatment session to exit (0: never treated) */
    int finished;            /* left the service before the end of the run */
    const char *exit_reason; /* as flow.csv's exits */
} pw_arrival_record;

/* Where the model reports rows; any callback may be NULL. The writer formats. */
typedef struct pw_monitor {
    void *ctx;
    void (*stage)(void *ctx, const pw_stage_record *rec);
    void (*event)(void *ctx, const pw_event_record *rec);
    void (*arrival)(void *ctx, const pw_arrival_record *rec);
} pw_monitor;

/* Run replication `replication` (0-based) of p. mon may be NULL. Fills *out (which the
 * caller releases with pw_results_free). Returns 0, or a negative error (pw_strerror) if
 * the run failed: the engine's (out of memory), or PW_ENUMBERS. Does not print.
 * pw_run_stoppable(p, replication, mon, NULL, out). */
__attribute__((warn_unused_result)) int pw_run(const pw_params *p, int replication,
                                               const pw_monitor *mon, pw_results *out);
/* pw_run with a stop flag: when stop is non-NULL, the weekly round (one event a simulated
 * week, never the events between) reads *stop and, if it is raised (a signal handler, or
 * another thread, set it), ends the replication there: PW_ESTOPPED, *out filled as far
 * as it got (the caller releases it, as on any failure), the rows the monitor was given
 * left to the caller to discard.
 * A stop flag never raised changes nothing: the same results, to the bit, as pw_run. */
__attribute__((warn_unused_result)) int pw_run_stoppable(const pw_params *p, int replication,
                                                         const pw_monitor *mon,
                                                         const atomic_int *stop,
                                                         pw_results *out);

/* The model's own failure, besides the engine's (sim/core/sim.h): more referrals,
 * re-referrals or pre-filled people in one replication than their random streams can
 * number (PW_MAX_REFERRALS, PW_MAX_REREFERRALS, PW_MAX_PREFILLED). */
enum { PW_ENUMBERS = -16 };
/* Not a failure: pw_run_stoppable's stop flag was raised and the replication ended early. */
enum { PW_ESTOPPED = -17 };
/* A static description of a pw_run failure (the engine's sim_strerror otherwise). */
const char *pw_strerror(int err);

/* What one replication's per-person random streams can number: the people of each kind a
 * replication may hold. The loader keeps a scenario's expected referrals below half the
 * first (sim/scn_check.c); a run that draws more fails with PW_ENUMBERS. */
#define PW_MAX_REFERRALS (1u << 27)
#define PW_MAX_REREFERRALS (1u << 26)
#define PW_MAX_PREFILLED (1u << 26)

/* The length of a run of p, days: warm-up, measurement window and follow-up. */
double pw_run_days(const pw_params *p);
/* Referrals a day, at most, over a run of p: the base rate x the highest month's
 * seasonality x growth by the end of the run (each source's, when given by source) x the
 * highest running product of the step changes; or the busiest replayed week / 7. The arrival process is thinned against it; times the run's days it bounds the
 * referrals a replication expects. */
double pw_referral_bound(const pw_params *p);
/* The share of referrals at day t that are self-referrals: self_referral_share, or
 * self_per_week's share of the two sources' rates at t (each grown at its own rate), or the
 * week's self / (gp + self) when replaying counts by source (0 in a week with none). */
double pw_referral_self_share(const pw_params *p, double t);
/* A scenario's referrals a week, all sources, before seasonality, growth and step changes:
 * per_week, gp_per_week + self_per_week, or the mean week of a weekly_counts file. For
 * reports and budgets; the run draws from the rate itself. */
double pw_referral_base_per_week(const pw_referrals *r);
/* Multiply every rate and weekly count of r by f (a federation's service scale). */
void pw_referral_scale(pw_referrals *r, double f);
/* Clinician minutes an assessment takes on average under p: the policy's length, and
 * telephone triage's for its share (models/pw_assess.c). */
double pw_assess_mean_minutes(const pw_params *p);

/* Memory of one replication of p, estimated from its parameters before it runs (the
 * formula is in models/pw_memory.c and the README, "Limits"). Counts are conservative
 * (upper bounds in expectation), bytes include allocator overhead. */
typedef struct pw_memory {
    double referrals;     /* referrals over the run: pw_referral_bound x pw_run_days */
    double prefilled;     /* people already in the service at time zero */
    double people;        /* people in the service at once, at most: referrals who opt
                             in, and the pre-filled */
    double staff;         /* clinicians ever in post over the run */
    double weeks;         /* weeks of the weekly series */
    double people_bytes;  /* the people: records, random streams, pending events */
    double staff_bytes;   /* the clinicians: records, streams, pending events, scratch */
    double fixed_bytes;   /* the world, calendar, histograms, the days of the calendar */
    double results_bytes; /* one replication's results (pw_results and its weeks), kept
                             after it ends */
    double run_bytes;     /* all of it while the replication runs */
} pw_memory;
/* Fill *m with the bounds of one replication of p (pw_memory.c); no allocation. */
void pw_memory_estimate(const pw_params *p, pw_memory *m);

#endif
