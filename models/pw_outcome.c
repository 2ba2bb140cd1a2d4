/* Outcome definitions (see pw_outcome.h): the only place their thresholds are applied. */
#include "pw_outcome.h"

int pw_outcome_caseness(double phq, double gad)
{
    return phq >= PW_OUTCOME_PHQ_CASE || gad >= PW_OUTCOME_GAD_CASE;
}

int pw_outcome_recovered(double phq0, double gad0, double phq1, double gad1)
{
    return pw_outcome_caseness(phq0, gad0) && !pw_outcome_caseness(phq1, gad1);
}

int pw_outcome_reliable_deterioration(double phq0, double gad0, double phq1, double gad1)
{
    return phq1 - phq0 >= PW_OUTCOME_PHQ_RELIABLE || gad1 - gad0 >= PW_OUTCOME_GAD_RELIABLE;
}

/* Improvement on one scale excludes deterioration on the same one, so "neither scale
 * reliably worse" is "not reliably worse on the other". */
int pw_outcome_reliable_improvement(double phq0, double gad0, double phq1, double gad1)
{
    int better = phq0 - phq1 >= PW_OUTCOME_PHQ_RELIABLE || gad0 - gad1 >= PW_OUTCOME_GAD_RELIABLE;
    return better && !pw_outcome_reliable_deterioration(phq0, gad0, phq1, gad1);
}

int pw_outcome_reliable_recovery(double phq0, double gad0, double phq1, double gad1)
{
    return pw_outcome_recovered(phq0, gad0, phq1, gad1) &&
           pw_outcome_reliable_improvement(phq0, gad0, phq1, gad1);
}

int pw_outcome_finished_course(int sessions) { return sessions >= PW_OUTCOME_FINISHED_SESSIONS; }

int pw_outcome_within_six_weeks(double wait_days)
{
    return wait_days <= PW_OUTCOME_SIX_WEEKS_DAYS;
}

int pw_outcome_within_18_weeks(double wait_days) { return wait_days <= PW_OUTCOME_18_WEEKS_DAYS; }
