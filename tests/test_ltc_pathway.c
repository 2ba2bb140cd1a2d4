/* The long-term-condition pathway's rules for one person (models/pw_episode.c), by hand:
 * who is on it, their session cap and their session minutes, alone and with a learning
 * disability or autism as well (both adaptations: the minutes factors multiply, the step's
 * ld_extra_sessions adds to the pathway's cap). tests/test_ltc.sh runs the model.
 */
#include <string.h>

#include "harness.h"
#include "models/pw_state.h"

static pw_params p;

/* Step 2: 30-minute sessions (45 the first), 10 of admin, a cap of 6; the learning-
 * disability levers at 1.5 x and +2; the pathway's cap 10 at step 2, the step's own at
 * step 3 (cap 12), its sessions 1.2 x as long. */
static void setup(int enabled)
{
    memset(&p, 0, sizeof p);
    for (int s = 0; s < PW_STEP_N; s++) {
        pw_step_p *sp = &p.step[s];
        sp->session_minutes = 30.0;
        sp->first_session_minutes = 45.0;
        sp->admin_minutes = 10.0;
        sp->interval_days = 7.0;
        sp->max_sessions = s == PW_STEP2 ? 6 : 12;
        sp->ld_minutes_factor = 1.5;
        sp->ld_extra_sessions = 2;
    }
    p.ltc_pathway.enabled = enabled;
    p.ltc_pathway.sessions[PW_STEP2] = 10;
    p.ltc_pathway.sessions[PW_STEP3] = 0;
    p.ltc_pathway.minutes_factor = 1.2;
}

static void test_caps_and_minutes(void)
{
    patient pt;
    memset(&pt, 0, sizeof pt);
    static const struct {
        int enabled, ltc, ld, step;
        int cap;
        double minutes, first;
    } rows[] = {
        /* off: the step's own, whoever */
        {0, 0, 0, PW_STEP2, 6, 40.0, 55.0},
        {0, 1, 0, PW_STEP2, 6, 40.0, 55.0},
        {0, 1, 1, PW_STEP2, 8, 55.0, 77.5},
        /* on: people without a long-term condition are not on it */
        {1, 0, 0, PW_STEP2, 6, 40.0, 55.0},
        {1, 0, 1, PW_STEP2, 8, 55.0, 77.5},
        /* on, a long-term condition: the pathway's cap and minutes */
        {1, 1, 0, PW_STEP2, 10, 30.0 * 1.2 + 10, 45.0 * 1.2 + 10},
        {1, 1, 0, PW_STEP3, 12, 30.0 * 1.2 + 10, 45.0 * 1.2 + 10},
        /* on, both: minutes factors multiply, extra sessions add to the pathway's cap */
        {1, 1, 1, PW_STEP2, 12, 30.0 * 1.5 * 1.2 + 10, 45.0 * 1.5 * 1.2 + 10},
        {1, 1, 1, PW_STEP3, 14, 30.0 * 1.5 * 1.2 + 10, 45.0 * 1.5 * 1.2 + 10},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        setup(rows[i].enabled);
        pt.ltc = (unsigned char)rows[i].ltc;
        pt.ld = (unsigned char)rows[i].ld;
        pt.step = rows[i].step;
        CHECK(ltc_on(&p, &pt) == (rows[i].enabled && rows[i].ltc), "row %zu: on the pathway", i);
        int cap = episode_session_cap(&p, &pt);
        CHECK(cap == rows[i].cap, "row %zu: cap %d expected, got %d", i, rows[i].cap, cap);
        double m = episode_minutes(&p, &pt, 0), f = episode_minutes(&p, &pt, 1);
        char what[64];
        snprintf(what, sizeof what, "row %zu: follow-up minutes", i);
        CHECK_NEAR(m, rows[i].minutes, 1e-9, what);
        snprintf(what, sizeof what, "row %zu: first-session minutes", i);
        CHECK_NEAR(f, rows[i].first, 1e-9, what);
        snprintf(what, sizeof what, "row %zu: hours a week at weekly sessions", i);
        CHECK_NEAR(episode_person_hours(&p, &pt, 0), m / 60.0, 1e-12, what);
    }
}

/* A group course keeps the group's length: the pathway's own cap is not a group member's. */
static void test_group_keeps_its_length(void)
{
    patient pt;
    memset(&pt, 0, sizeof pt);
    setup(1);
    pt.ltc = 1;
    pt.step = PW_STEP2;
    CHECK(episode_session_cap(&p, &pt) == 10, "alone: the pathway's cap");
    pt.grp = (struct group *)&pt; /* any non-NULL group: only its presence is read */
    int cap = episode_session_cap(&p, &pt);
    CHECK(cap == p.step[PW_STEP2].max_sessions, "in a group: the step's cap %d, got %d",
          p.step[PW_STEP2].max_sessions, cap);
}

int main(void)
{
    RUN_TEST(test_caps_and_minutes);
    RUN_TEST(test_group_keeps_its_length);
    return harness_done();
}
