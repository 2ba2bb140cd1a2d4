/* The checks printed after a run's dashboard (run_checks.c). */
#ifndef STEPSIM_RUN_CHECKS_H
#define STEPSIM_RUN_CHECKS_H

#include <stddef.h>
#include <stdio.h>

#include "models/pw_params.h"
#include "models/pw_results.h"
#include "scn_load.h"

/* The warm-up (MSER-5 and the lists' levels), then the diary, assessment, staffing, plan
 * and lever warnings, on f; `who` (or NULL) names the scenario in a compare; a federation
 * (fed->n > 0; fed may be NULL) adds its services' own (print_service_checks). */
void print_run_checks(FILE *f, const pw_params *p, const pw_results *res, size_t n,
                      const char *who, const scn_federation *fed);
/* Only the warnings of print_run_checks (no warm-up or outcome notes): what `-q` still
 * tells, on stderr, since a scripted run must not lose them. */
void print_run_warnings(FILE *f, const pw_params *p, const pw_results *res, size_t n,
                        const char *who, const scn_federation *fed);
/* The same as text (malloc'd), for a page or a table, or only the warnings (each a line
 * "... warning: ..." and its indented lines), a federation's services' own with them
 * (fed may be NULL); NULL when memory runs out. */
char *run_checks_text(const pw_params *p, const pw_results *res, size_t n, int warnings_only,
                      const scn_federation *fed);
/* The warnings that need no run: a planned change after the run or the window, a review
 * no course reaches; a federation's services' own as print_run_checks. `check` prints
 * them. */
void print_plan_checks(FILE *f, const pw_params *p, const scn_federation *fed);

#endif
