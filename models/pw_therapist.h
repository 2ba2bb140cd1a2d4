/* The therapist effect as a study of a service's records measures it (Delgadillo, Saxon
 * and Barkham 2018, docs/calibration.md §5 [10]): the share of the variance of courses'
 * last PHQ-9, adjusted for the first, that lies between clinicians (a one-way
 * random-effects intraclass correlation by the ANOVA estimator), and the part of that
 * between-clinician variance the clinicians' burnout explains (its fall with each
 * clinician's mean burnout over their courses as a covariate).
 *
 * Design
 * - A course counts if it is a cohort referral's step-2 or step-3 stage of 2+ attended
 *   sessions, ended within the run, with its treating clinician and a first and a last
 *   questionnaire (as patients.csv gives them: the journey's first, the latest as the
 *   stage ended); its clinician's burnout is read as the stage ends.
 * - Each clinician keeps, per step, the course count and the sums the estimator needs
 *   (pw_clin_courses), so a federation's national figure is exact: the study of every
 *   service's courses together, their clinicians side by side (pw_pool.c appends them).
 * - The last score is regressed on the first over every course of the step; the ICC is
 *   taken over clinicians with PW_THERAPIST_MIN_COURSES or more; NaN with fewer than
 *   PW_THERAPIST_MIN_CLINICIANS such clinicians or PW_THERAPIST_MIN_TOTAL courses.
 *   tests/test_therapist.c holds it to a course-by-course computation. */
#ifndef PW_THERAPIST_H
#define PW_THERAPIST_H

#include <stddef.h>

enum {
    PW_THERAPIST_MIN_COURSES = 5,     /* a clinician's courses to count in the ICC */
    PW_THERAPIST_MIN_CLINICIANS = 10, /* clinicians with that many, for a figure */
    PW_THERAPIST_MIN_TOTAL = 100      /* courses in all, for a figure */
};

/* One clinician's counted courses at one step: their number, and the sums of the first
 * score x, the last y, x^2, xy, y^2 and the clinician's burnout b as each ended. All
 * doubles, so that arrays of them travel and add as doubles. */
typedef struct pw_clin_courses {
    double n, sx, sy, sxx, sxy, syy, sb;
} pw_clin_courses;

/* Count one course (first and last PHQ-9, the clinician's burnout as it ended) into c. */
void pw_clin_courses_add(pw_clin_courses *c, double first, double last, double burnout);

/* Of the k clinicians c[0..k) of one step (any with n 0 are ignored): *share the
 * between-clinician share of the variance of the last score adjusted for the first (NaN
 * when the adjusted scores do not vary at all), and *burnout_part the share of that
 * between-clinician variance the clinicians' mean burnout explains (NaN when the
 * between-clinician variance is 0, or their mean burnout is alike: burnout off). A
 * variance component under a billionth of the scores' mean square is rounding in sums of
 * squares taken from raw sums, and counts as 0. Both NaN when too few courses or
 * clinicians (above). */
void pw_therapist_effect(const pw_clin_courses *c, size_t k, double *share,
                         double *burnout_part);

#endif
