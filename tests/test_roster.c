/* The roster's index of clinicians (models/pw_roster.c) against the rule it stands for: a
 * scan of every clinician ever in post (roster_scan).
 *
 * - test_random_changes: a hand-built world of three roles with overlapping activities;
 *   thousands of random changes of the kinds the model makes (committed hours, caseload,
 *   cap and hours, sickness, leaving, training into another role, hiring), each followed
 *   by roster_touch as the model does; after each, picks for every need at hours drawn
 *   around the best free hours (ties made common by half-hour steps) must equal the scan's.
 *   The same picks by free caseload places (roster_pick_places, the diary steps) must
 *   equal roster_scan_places, including when the one with the most places lacks the hours.
 * - test_model_runs: this program is linked with the model built with -DPW_CHECK_INDEX
 *   (Makefile), so inside pw_run every pick is compared with the scan and every heap with
 *   its clinicians' state (an assert); shipped scenarios with staff dynamics, shocks,
 *   groups at both steps, care coordinators (picks by places for "coordination", leavers'
 *   people passed on) and several hundred assessors run clean.
 * - test_assessors: 300 assessors (more than any fixed table would hold) all book their
 *   slots: the first week's assessments equal 5 days x their slots a day.
 */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "harness.h"
#include "prog_util.h"
#include "models/pw_state.h"

static const char *argv0 = "";

/* ==== a hand-built world ================================================================ */

#define ROLES 3
#define MAX_STAFF 400
static const unsigned role_does[ROLES] = {
    PW_DOES_ASSESSMENT | PW_DOES_STEP2 | PW_DOES_GROUPS, /* a PWP */
    PW_DOES_STEP3,                                       /* a HIT */
    PW_DOES_STEP2 | PW_DOES_STEP3 | PW_DOES_GROUPS,      /* a senior who does both */
};
static const unsigned needs[] = {PW_DOES_STEP2, PW_DOES_STEP3, PW_DOES_STEP2 | PW_DOES_GROUPS,
                                 PW_DOES_STEP3 | PW_DOES_GROUPS};
#define N_NEEDS (sizeof needs / sizeof *needs)

/* Half-hour steps, so that equal free hours (ties to the lowest id) are common. */
static double halves(gsl_rng *r, int most) { return 0.5 * (double)gsl_rng_uniform_int(r, (unsigned long)most); }

static clinician *hire(world *w, gsl_rng *r, int role)
{
    clinician *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->id = (int)w->n_staff;
    c->heap_role = -1;
    c->role = role;
    c->does = role_does[role];
    c->active = 1;
    c->hours_week = halves(r, 50);
    c->cap = 1 + (int)gsl_rng_uniform_int(r, 6);
    w->staff[w->n_staff++] = c;
    roster_join(w, c);
    return c;
}

/* One random change to c of the kinds the model makes, then roster_touch (or roster_leave). */
static void change(world *w, gsl_rng *r, clinician *c)
{
    switch (gsl_rng_uniform_int(r, 7)) {
    case 0: /* an episode or group starts or ends: caseload and committed hours */
    case 1:
        if (c->caseload < c->cap && gsl_rng_uniform(r) < 0.6) {
            c->caseload++;
            c->load_hours += halves(r, 6);
        } else if (c->caseload > 0) {
            c->caseload--;
            c->load_hours = c->load_hours > 1.0 ? c->load_hours - halves(r, 3) : 0;
        }
        break;
    case 2: /* the first session done: the diary's hours change */
        c->load_hours += gsl_rng_uniform(r) < 0.5 ? -0.5 : 0.5;
        c->load_hours = c->load_hours < 0 ? 0 : c->load_hours;
        break;
    case 3: /* ramp-up or training: hours and cap (caseload may now exceed the cap) */
        c->hours_week = halves(r, 50);
        c->cap = 1 + (int)gsl_rng_uniform_int(r, 6);
        break;
    case 4:
        c->sick = !c->sick;
        break;
    case 5: /* off to train in another role: out, then in again */
        if (!c->active)
            return;
        c->active = 0;
        roster_touch(w, c);
        c->role = (c->role + 1 + (int)gsl_rng_uniform_int(r, ROLES - 1)) % ROLES;
        c->does = role_does[c->role];
        c->active = 1;
        c->training = 1;
        break;
    default: /* leaves for good */
        if (!c->active || gsl_rng_uniform(r) < 0.7)
            return;
        c->active = 0;
        roster_leave(w, c);
        return;
    }
    if (c->active)
        roster_touch(w, c);
}

static void test_random_changes(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    pw_params *p = calloc(1, sizeof *p);
    world *w = calloc(1, sizeof *w);
    clinician **staff = calloc(MAX_STAFF, sizeof *staff);
    if (!CHECK(r && p && w && staff, "allocations"))
        goto out;
    gsl_rng_set(r, 20260415);
    p->n_roles = ROLES;
    for (int k = 0; k < ROLES; k++)
        p->roles[k].does = role_does[k];
    w->p = p;
    w->staff = staff;
    w->cap_staff = MAX_STAFF;
    for (int k = 0; k < 30; k++)
        hire(w, r, k % ROLES);
    unsigned long picks = 0, found = 0, ties = 0, bad = 0;
    unsigned long found_p = 0, passed_over = 0, passed_over_scan = 0, ties_p = 0, bad_p = 0;
    static const double place_hours[ROSTER_PLACE_SETS] = {0.5, 1.25, 2.0};
    /* The sanitizer pass takes a fifth of the changes (each kind still met hundreds of
     * times) and of the coverage counts below. */
    const int steps = harness_sanitized() ? 4000 : 20000;
    const unsigned long least = 100ul * (unsigned long)steps / 20000;
    for (int step = 0; step < steps; step++) {
        if (w->n_staff < MAX_STAFF && gsl_rng_uniform(r) < 0.01)
            hire(w, r, (int)gsl_rng_uniform_int(r, ROLES));
        change(w, r, w->staff[gsl_rng_uniform_int(r, w->n_staff)]);
        for (size_t k = 0; k < N_NEEDS; k++) {
            /* Hours around the best free hours: above, at (within 1e-9) and below it. */
            clinician *any = roster_scan(w, needs[k], 0.0);
            double top = any ? any->hours_week - any->load_hours : 1.0;
            double hours[] = {0.5, top + 1e-10, top - 1e-10, top + 2e-9, top + 0.5, halves(r, 40)};
            for (size_t h = 0; h < sizeof hours / sizeof *hours; h++) {
                /* By places: the first ROSTER_PLACE_SETS numbers of hours a role is asked
                 * for get heaps of their own (fixed here, as a scenario's steps are); the
                 * others (the rest of hours[]) go over the role's clinicians with room. */
                double hp = h < ROSTER_PLACE_SETS ? place_hours[h] : hours[h];
                clinician *want = roster_scan(w, needs[k], hours[h]);
                clinician *got = roster_pick(w, needs[k], hours[h]);
                picks++;
                found += want != NULL;
                if (want && h == 0) { /* others with the same most free hours? */
                    int same = 0;
                    for (size_t i = 0; i < w->n_staff; i++) {
                        const clinician *o = w->staff[i];
                        same += o->active && !o->sick && o->caseload < o->cap &&
                                (o->does & needs[k]) == needs[k] &&
                                o->hours_week - o->load_hours == top;
                    }
                    ties += same > 1;
                }
                if (h == 0) { /* others with the same most free places (and the hours)? */
                    clinician *first = roster_scan_places(w, needs[k], hp);
                    int same = 0;
                    for (size_t i = 0; first && i < w->n_staff; i++) {
                        const clinician *o = w->staff[i];
                        same += o->active && !o->sick && (o->does & needs[k]) == needs[k] &&
                                o->cap - o->caseload == first->cap - first->caseload &&
                                o->hours_week - o->load_hours + 1e-9 >= hp;
                    }
                    ties_p += same > 1;
                }
                if (got != want && bad++ < 5)
                    CHECK(0, "step %d need %u hours %.17g: the index picks %d, a scan %d", step,
                          needs[k], hours[h], got ? got->id : -1, want ? want->id : -1);
                clinician *want_p = roster_scan_places(w, needs[k], hp);
                clinician *got_p = roster_pick_places(w, needs[k], hp);
                clinician *most_p = roster_scan_places(w, needs[k], -1.0); /* hours aside */
                found_p += want_p != NULL;
                int over = want_p && most_p && want_p != most_p &&
                           most_p->cap - most_p->caseload > want_p->cap - want_p->caseload;
                passed_over += over && h < ROSTER_PLACE_SETS;
                passed_over_scan += over && h >= ROSTER_PLACE_SETS;
                if (got_p != want_p && bad_p++ < 5)
                    CHECK(0, "step %d need %u hours %.17g: by places the index picks %d, a "
                             "scan %d", step, needs[k], hp, got_p ? got_p->id : -1,
                          want_p ? want_p->id : -1);
            }
        }
    }
    CHECK(bad == 0, "every pick equals the scan's (%lu of %lu differ)", bad, picks);
    /* The test means something only if picks found people, found nobody, and met ties
     * (several with the most free hours: the lowest id must win). */
    CHECK(found > picks / 4 && found < picks, "picks found someone %lu of %lu times", found,
          picks);
    CHECK(ties > least, "equal free hours met more than %lu times (got %lu)", least, ties);
    CHECK(bad_p == 0, "every pick by places equals the scan's (%lu of %lu differ)", bad_p, picks);
    CHECK(found_p > picks / 4 && found_p < picks, "picks by places found someone %lu of %lu "
          "times", found_p, picks);
    CHECK(ties_p > least, "equal free places met more than %lu times (got %lu)", least, ties_p);
    /* The one with the most places lacking the hours must be met, both where a heap of
     * those with the hours answers and where the role's clinicians are gone over. */
    CHECK(passed_over > least, "the one with the most places passed over for want of hours "
          "more than %lu times by a place heap (got %lu)", least, passed_over);
    CHECK(passed_over_scan > least, "... and more than %lu times past the place heaps (got %lu)",
          least, passed_over_scan);
    CHECK(w->in_post.n > 0 && w->in_post.n < w->n_staff,
          "some left, some stayed (%zu of %zu in post)", w->in_post.n, w->n_staff);
out:
    if (w) {
        for (size_t i = 0; i < w->n_staff; i++)
            free(w->staff[i]);
        roster_free(w);
    }
    free(staff);
    free(w);
    free(p);
    gsl_rng_free(r);
}

/* ==== the model, built with every pick checked ========================================== */

/* Run replication 0 of scenarios/file with the overrides; the checks inside the model
 * assert. Returns the results' episodes started (entered_treatment stage), or -1. */
static double run_checked(const char *file, const char *const *sets, size_t n, int weeks0)
{
    pw_params *p = malloc(sizeof *p);
    char path[4096];
    double entered = -1;
    if (!CHECK(p != NULL, "allocation") ||
        test_load(test_scenario_path(argv0, file, path, sizeof path), sets, n, p) != 0)
        goto out;
    pw_results res;
    int rc = pw_run(p, 0, NULL, &res);
    if (CHECK(rc == 0, "%s runs (got %d: %s)", file, rc, pw_strerror(rc))) {
        entered = (double)res.stages[PW_S_ENTERED_TREATMENT];
        if (weeks0 > 0)
            entered = res.n_weeks ? res.weeks[0].assessments : -1;
    }
    pw_results_free(&res);
out:
    free(p);
    return entered;
}

/* Short runs, fast staff dynamics, groups at both steps, a shock and planned hires. */
static const char *const dynamic_sets[] = {
    "horizon_weeks=52", "warmup_weeks=4", "followup_weeks=0", 
    "staff.pwp.leave_per_year=1.0", "staff.pwp.training_per_year=1.0",
    "staff.pwp.training_min_tenure_years=0", "staff.pwp.training_weeks=10",
    "staff.hit.leave_per_year=1.0", "staff.hit.sick_episodes_per_year=4",
    "staff.hit.does=[\"step3\",\"groups\"]",
    "step3.mode_shares={face_to_face=0.5;telephone=0.2;group=0.3;}",
    "workforce.hiring=({week=20.0;role=\"pwp\";count=6;})",
    "workforce.shocks=({week=30.0;role=\"hit\";share=0.4;weeks=4.0;})",
};
#define N_DYNAMIC (sizeof dynamic_sets / sizeof *dynamic_sets)

static void test_model_runs(void)
{
    static const char *const files[] = {"baseline.cfg", "expert_door.cfg", "stratified.cfg",
                                        "attrition_shock.cfg", "hit_training_bar.cfg",
                                        "care_coordinator.cfg"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        double entered = run_checked(files[i], dynamic_sets, N_DYNAMIC, 0);
        CHECK(entered > 1000, "%s: every one of > 1000 episodes started through a checked pick "
                              "(got %.0f)", files[i], entered);
    }
}

/* 300 assessors, 9 slots a week each at 0.9 FTE, nobody sick or leaving, no closure days
 * (bank holidays off: day 0 is New Year's Day),
 * the list full: the first week books 5 x 300 x 9 x 0.9 / 5 = 2430 (the fraction carried, < 1). */
static void test_assessors(void)
{
    static const char *const sets[] = {
        "horizon_weeks=4", "warmup_weeks=0", "followup_weeks=0", 
        "staff.pwp.headcount=300", "staff.pwp.leave_per_year=0",
        "staff.pwp.sick_episodes_per_year=0", "staff.pwp.training_per_year=0",
        "prefill.assessment_list=6000", "closure_days=[]", "bank_holidays=\"none\"",
    };
    double booked = run_checked("baseline.cfg", sets, sizeof sets / sizeof *sets, 1);
    CHECK_NEAR(booked, 2430.0, 1.0, "assessments booked in the first week by 300 assessors");
}

int main(int argc, char **argv)
{
    (void)argc;
    argv0 = argv[0];
    harness_scope("16,000 of test_random_changes's 20,000 changes");
    RUN_TEST(test_random_changes);
    RUN_TEST(test_model_runs);
    RUN_TEST(test_assessors);
    return harness_done();
}
