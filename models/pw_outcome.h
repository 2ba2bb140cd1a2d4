/* Outcome definitions of NHS Talking Therapies: caseness, recovery, reliable improvement and
 * deterioration, a finished course, and the six- and 18-week waiting standards.
 *
 * Design
 * - Every threshold is a named constant here and nowhere else: the model (true and reported
 *   outcomes, ending rules) uses these functions, so a definition changes in one place.
 *   tests/test_model_outcomes.c pins each at its boundary with values written out as
 *   numbers, so a changed threshold fails the suite.
 * - Pure functions of scores, session counts and waits: no state, no random numbers, no
 *   scheduling. Scores are questionnaire points (PHQ-9 0..27, GAD-7 0..21); the model passes
 *   latent scores as doubles and questionnaire scores as whole numbers.
 * - "Down" means start minus end: a fall in score is an improvement.
 */
#ifndef PW_OUTCOME_H
#define PW_OUTCOME_H

/* Scale maxima. */
#define PW_PHQ_MAX 27
#define PW_GAD_MAX 21

/* Caseness: PHQ-9 >= 10 or GAD-7 >= 8. */
#define PW_OUTCOME_PHQ_CASE 10
#define PW_OUTCOME_GAD_CASE 8
/* Reliable change: PHQ-9 by >= 6 points, GAD-7 by >= 4. */
#define PW_OUTCOME_PHQ_RELIABLE 6
#define PW_OUTCOME_GAD_RELIABLE 4
/* A finished course: at least two treatment sessions. */
#define PW_OUTCOME_FINISHED_SESSIONS 2
/* The waiting standards, inclusive: six weeks and 18 weeks, in days. */
#define PW_OUTCOME_SIX_WEEKS_DAYS 42.0
#define PW_OUTCOME_18_WEEKS_DAYS 126.0

/* 1 if the scores are at caseness (PHQ-9 >= 10 or GAD-7 >= 8), else 0. */
int pw_outcome_caseness(double phq, double gad);
/* Recovery: at caseness at the start (phq0, gad0) and not at the end (phq1, gad1). */
int pw_outcome_recovered(double phq0, double gad0, double phq1, double gad1);
/* Reliable deterioration: PHQ-9 up >= 6 or GAD-7 up >= 4. */
int pw_outcome_reliable_deterioration(double phq0, double gad0, double phq1, double gad1);
/* Reliable improvement: PHQ-9 down >= 6 or GAD-7 down >= 4, and no reliable deterioration
 * on the other scale. */
int pw_outcome_reliable_improvement(double phq0, double gad0, double phq1, double gad1);
/* Reliable recovery: recovered and reliably improved. */
int pw_outcome_reliable_recovery(double phq0, double gad0, double phq1, double gad1);
/* A finished course: at least two treatment sessions. */
int pw_outcome_finished_course(int sessions);
/* Waited within six weeks (<= 42 days) / within 18 weeks (<= 126 days). */
int pw_outcome_within_six_weeks(double wait_days);
int pw_outcome_within_18_weeks(double wait_days);

#endif
