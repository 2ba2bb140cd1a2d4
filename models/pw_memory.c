/* The memory of one replication, estimated from its parameters before it runs, so that a
 * scenario too large for the machine is refused up front (sim/budget.c) rather than
 * swapping or failing after minutes.
 *
 * Memory follows the people in the service at once, not everyone ever referred: a person
 * who leaves goes back to a pool and is reused, a referral who does not opt in leaves at
 * once, and a re-referral replaces the discharged record it came from. So at any time at
 * most one record is alive per first referral who opted in or pre-filled person, and
 *     people = referrals x opt_in_probability + prefilled,
 *     referrals = pw_referral_bound x pw_run_days          (expected referrals, at most)
 *     prefilled = prefill lists + caseload_fill x caseload_cap x headcount, by treating role
 * is an upper bound whatever the service does with them: it assumes nobody ever leaves.
 * Clinicians are never released during a run, so every one ever in post counts:
 *     staff = sum over roles of establishment x (1 + years x (leaving x (1 + burnout
 *             leave factor) + 2 x training) + shock shares)
 * (the establishment is the headcount plus planned hires; a trainee starts twice, in
 * training and on qualifying). Bytes per record are the structs' sizes with glibc's
 * allocator overhead, the random streams each holds, and the calendar entries of the
 * events it may have pending, with room for the calendar's stale entries and growth.
 * Nothing here runs the model or draws a number.
 */
#include <math.h>

#include "pw_state.h"

/* glibc's malloc chunk for a request of n bytes: 8 bytes of header, 16-byte multiples,
 * 32 at least. */
static double chunk(size_t n)
{
    size_t c = (n + 8 + 15) / 16 * 16;
    return (double)(c < 32 ? 32 : c);
}

/* A record carved from a slab: whole cache lines (sim_slab.h). */
static double slab_item(size_t n) { return (double)((n + 63) / 64 * 64); }

/* One random stream allocated apart (a clinician's): the generator and its state. */
static double stream_bytes(void)
{
    return chunk(sizeof(gsl_rng)) + chunk(SIM_RNG_TYPE->size);
}

/* A pending event: its entry in the calendar's buckets (as many stale copies as live
 * entries before a purge, in vectors grown by doubling: x4) and its slot in the slot pool
 * (grown by doubling: x2). */
static double event_bytes(void)
{
    return 4.0 * (double)sizeof(sim_cal_entry) + 2.0 * ((double)sizeof(sim_cal_slot) + 1.0);
}

/* Events a person or a group has pending at once, at most: a timer (opt-in, dropout,
 * session, re-referral) and the end of an episode. A clinician's: sickness, leaving,
 * the end of training. */
#define EVENTS_PER_PERSON 2
#define EVENTS_PER_CLINICIAN 3

/* What a replication holds whatever its size: the world, the engine's bucket index and
 * first calendar, histograms and tallies (the wait histogram alone is 93 KB), rounded up. */
#define FIXED_BYTES (512.0 * 1024)

/* People pre-filled at time zero: the lists, and caseloads filled to a share of each
 * treating clinician's cap. */
static double prefilled(const pw_params *p)
{
    double n = (double)p->prefill.assessment_list;
    for (int s = 0; s < PW_STEP_N; s++)
        n += (double)p->prefill.step_list[s];
    if (p->prefill.caseload_fill > 0)
        for (size_t r = 0; r < p->n_roles; r++)
            if (p->roles[r].does & (PW_DOES_STEP2 | PW_DOES_STEP3))
                n += floor(p->roles[r].caseload_cap * p->prefill.caseload_fill) *
                     (double)p->roles[r].headcount;
    return n;
}

/* Clinicians ever in post over the run (see the top of the file). */
static double staff_ever(const pw_params *p)
{
    double years = pw_run_days(p) / YEAR_DAYS, n = 0;
    const pw_workforce_p *wf = &p->workforce;
    for (size_t r = 0; r < p->n_roles; r++) {
        const pw_role *ro = &p->roles[r];
        double est = ro->headcount, shocks = 0;
        for (size_t i = 0; i < wf->n_hires; i++)
            if (wf->hires[i].role == (int)r)
                est += wf->hires[i].count;
        for (size_t i = 0; i < wf->n_shocks; i++)
            if (wf->shocks[i].role == (int)r)
                shocks += wf->shocks[i].share;
        double turnover = ro->leave_per_year * (1 + wf->burnout_leave_factor) +
                          2 * ro->train_per_year;
        n += est * (1 + years * turnover + shocks);
    }
    return n;
}

void pw_memory_estimate(const pw_params *p, pw_memory *m)
{
    double days = pw_run_days(p);
    m->referrals = pw_referral_bound(p) * days;
    m->prefilled = prefilled(p);
    m->people = m->referrals * p->assessment.opt_in_probability + m->prefilled;
    m->staff = staff_ever(p);
    m->weeks = floor(days / 7.0);

    /* A group has at least one member: at most a group per smallest group's worth. */
    int gmin = p->step[PW_STEP2].group_min < p->step[PW_STEP3].group_min
                   ? p->step[PW_STEP2].group_min
                   : p->step[PW_STEP3].group_min;
    /* A person: the record with its streams in whole lines of a slab (patient_new). */
    double per_person = slab_item(patient_bytes()) +
                    EVENTS_PER_PERSON * event_bytes() +
                    (chunk(sizeof(group)) + event_bytes()) / (gmin > 1 ? gmin : 1);
    /* A clinician: record, stream, events, a pointer in the staff table and in two
     * scratch tables, a slot in each of the roster's two heaps, an entry in its three
     * tables by id (each grown by doubling), and a diary when a step books into one. */
    int diaries = p->step[PW_STEP2].diary || p->step[PW_STEP3].diary;
    double per_clinician = chunk(sizeof(clinician)) + stream_bytes() +
                       EVENTS_PER_CLINICIAN * event_bytes() + 3 * 2 * sizeof(void *) +
                       2 * 2 * sizeof(roster_slot) + 2 * 3 * sizeof(double) +
                       (diaries ? slab_item(diary_bytes()) : 0);
    m->people_bytes = m->people * per_person;
    m->staff_bytes = m->staff * per_clinician;
    /* The newest block of each slab (people, diaries) is partly used. */
    m->fixed_bytes = FIXED_BYTES + chunk(sizeof(world)) + (days + 1) + 2.0 * SIM_SLAB_BLOCK;
    m->results_bytes = (double)sizeof(pw_results) + m->weeks * (double)sizeof(pw_week);
    m->run_bytes = m->people_bytes + m->staff_bytes + m->fixed_bytes + m->results_bytes;
}
