/* The checks printed after a run's dashboard (run_checks.c). */
#ifndef STEPSIM_RUN_CHECKS_H
#define STEPSIM_RUN_CHECKS_H

#include <stddef.h>
#include <stdio.h>

#include "models/pw_params.h"
#include "models/pw_results.h"

/* The warm-up (MSER-5 and the lists' levels), then the diary and assessment warnings, on
 * f; `who` (or NULL) names the scenario in a compare. */
void print_run_checks(FILE *f, const pw_params *p, const pw_results *res, size_t n,
                      const char *who);
/* The same as text (malloc'd), for a page or a table, or only the warnings (each a line
 * "... warning: ..." and its indented lines); NULL when memory runs out. */
char *run_checks_text(const pw_params *p, const pw_results *res, size_t n, int warnings_only);
/* The warnings that need no run: a planned change after the run or the window, a review
 * no course reaches. `check` prints them. */
void print_plan_checks(FILE *f, const pw_params *p);
/* A federation's services' own plan and lever warnings, those the base (whose are
 * print_plan_checks's) does not have, and a step none of a service's posts treats, each
 * tagged with its service (and `who`, a compare's scenario, or NULL). */
void print_service_checks(FILE *f, const pw_params *base, const pw_params *svc, size_t n,
                          const char *who);

#endif
