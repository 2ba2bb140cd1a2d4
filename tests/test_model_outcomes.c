/* The outcome definitions of models/pw_outcome.h, each at its boundary values: caseness
 * (PHQ-9 9/10, GAD-7 7/8), recovery, reliable improvement and deterioration (drops and
 * rises of 5/6 PHQ-9 points and 3/4 GAD-7 points), reliable recovery, a finished course
 * (1/2 sessions), and the waiting standards (42.0/42.01 and 126.0/126.01 days). Expected
 * values are written as numbers here, never through the header's constants, so a changed
 * threshold fails. Exact checks: the definitions are comparisons. */
#include "harness.h"
#include "models/pw_outcome.h"

static void test_caseness(void)
{
    CHECK(!pw_outcome_caseness(9, 7), "PHQ-9 9, GAD-7 7: expected not at caseness");
    CHECK(pw_outcome_caseness(10, 0), "PHQ-9 10: expected caseness");
    CHECK(pw_outcome_caseness(0, 8), "GAD-7 8: expected caseness");
    CHECK(!pw_outcome_caseness(9, 0) && !pw_outcome_caseness(0, 7),
          "PHQ-9 9 alone, GAD-7 7 alone: expected not at caseness");
    CHECK(pw_outcome_caseness(10, 8) && pw_outcome_caseness(27, 21),
          "both at caseness, scale maxima: expected caseness");
    /* Latent scores are not whole numbers: just below a threshold is below it. */
    CHECK(!pw_outcome_caseness(9.999, 7.999), "latent 9.999 / 7.999: expected not at caseness");
    CHECK(pw_outcome_caseness(10.0, 7.999), "latent 10.0: expected caseness");
}

static void test_recovery(void)
{
    CHECK(pw_outcome_recovered(10, 0, 9, 7), "10/0 to 9/7: expected recovered");
    CHECK(!pw_outcome_recovered(10, 0, 10, 0), "10/0 to 10/0: expected not recovered");
    CHECK(pw_outcome_recovered(0, 8, 0, 7), "0/8 to 0/7: expected recovered");
    CHECK(!pw_outcome_recovered(0, 8, 0, 8), "0/8 to 0/8: expected not recovered");
    CHECK(!pw_outcome_recovered(9, 7, 0, 0), "started below caseness: expected not recovered");
    CHECK(!pw_outcome_recovered(20, 15, 9, 8), "ended at GAD-7 caseness: expected not recovered");
}

static void test_reliable_improvement(void)
{
    CHECK(!pw_outcome_reliable_improvement(15, 10, 10, 10), "PHQ-9 down 5: expected no RI");
    CHECK(pw_outcome_reliable_improvement(15, 10, 9, 10), "PHQ-9 down 6: expected RI");
    CHECK(!pw_outcome_reliable_improvement(15, 12, 15, 9), "GAD-7 down 3: expected no RI");
    CHECK(pw_outcome_reliable_improvement(15, 12, 15, 8), "GAD-7 down 4: expected RI");
    CHECK(!pw_outcome_reliable_improvement(15, 12, 10, 9), "down 5 and 3: expected no RI");
    /* Reliable deterioration on the other scale cancels it; a smaller rise does not. */
    CHECK(!pw_outcome_reliable_improvement(15, 8, 9, 12),
          "PHQ-9 down 6, GAD-7 up 4: expected no RI");
    CHECK(pw_outcome_reliable_improvement(15, 8, 9, 11),
          "PHQ-9 down 6, GAD-7 up 3: expected RI");
    CHECK(!pw_outcome_reliable_improvement(10, 12, 16, 8),
          "GAD-7 down 4, PHQ-9 up 6: expected no RI");
    CHECK(pw_outcome_reliable_improvement(10, 12, 15, 8),
          "GAD-7 down 4, PHQ-9 up 5: expected RI");
    CHECK(pw_outcome_reliable_improvement(20, 15, 0, 0), "both down a lot: expected RI");
}

static void test_reliable_deterioration(void)
{
    CHECK(!pw_outcome_reliable_deterioration(10, 10, 15, 10), "PHQ-9 up 5: expected none");
    CHECK(pw_outcome_reliable_deterioration(10, 10, 16, 10), "PHQ-9 up 6: expected it");
    CHECK(!pw_outcome_reliable_deterioration(10, 10, 10, 13), "GAD-7 up 3: expected none");
    CHECK(pw_outcome_reliable_deterioration(10, 10, 10, 14), "GAD-7 up 4: expected it");
    CHECK(!pw_outcome_reliable_deterioration(16, 14, 10, 10), "both down: expected none");
}

static void test_reliable_recovery(void)
{
    CHECK(pw_outcome_reliable_recovery(12, 5, 6, 5), "12 to 6 (recovered, down 6): expected it");
    CHECK(!pw_outcome_reliable_recovery(12, 5, 7, 5),
          "12 to 7 (recovered, down 5): expected not");
    CHECK(!pw_outcome_reliable_recovery(20, 5, 14, 5),
          "20 to 14 (down 6, still a case): expected not");
    CHECK(pw_outcome_reliable_recovery(5, 11, 5, 7), "GAD-7 11 to 7: expected it");
    CHECK(!pw_outcome_reliable_recovery(5, 10, 5, 7), "GAD-7 10 to 7 (down 3): expected not");
}

static void test_finished_course(void)
{
    CHECK(!pw_outcome_finished_course(0), "0 sessions: expected not finished");
    CHECK(!pw_outcome_finished_course(1), "1 session: expected not finished");
    CHECK(pw_outcome_finished_course(2), "2 sessions: expected a finished course");
    CHECK(pw_outcome_finished_course(3), "3 sessions: expected a finished course");
}

static void test_waiting_standards(void)
{
    CHECK(pw_outcome_within_six_weeks(0.0), "0 days: expected within six weeks");
    CHECK(pw_outcome_within_six_weeks(42.0), "42.0 days: expected within six weeks");
    CHECK(!pw_outcome_within_six_weeks(42.01), "42.01 days: expected not within six weeks");
    CHECK(pw_outcome_within_18_weeks(42.01), "42.01 days: expected within 18 weeks");
    CHECK(pw_outcome_within_18_weeks(126.0), "126.0 days: expected within 18 weeks");
    CHECK(!pw_outcome_within_18_weeks(126.01), "126.01 days: expected not within 18 weeks");
}

int main(void)
{
    RUN_TEST(test_caseness);
    RUN_TEST(test_recovery);
    RUN_TEST(test_reliable_improvement);
    RUN_TEST(test_reliable_deterioration);
    RUN_TEST(test_reliable_recovery);
    RUN_TEST(test_finished_course);
    RUN_TEST(test_waiting_standards);
    return harness_done();
}
