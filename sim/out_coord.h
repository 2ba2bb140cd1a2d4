/* Care coordination's figures (coordination.csv, coordination_summary.csv): written only
 * when a role of the scenario does "coordination" (models/pw_coord.c), so that scenarios
 * without one write the same files as before. */
#ifndef OUT_COORD_H
#define OUT_COORD_H

#include <stddef.h>
#include <stdio.h>

#include "models/pw_results.h"

/* Does a role of p do "coordination"? */
int out_coord_on(const pw_params *p);
/* The number of coordination figures, the name of figure i, and its value in one
 * replication (NaN when undefined). */
size_t out_coord_count(void);
const char *out_coord_name(size_t i);
double out_coord_value(const pw_params *p, const pw_results *r, size_t i);
/* coordination.csv: scenario,replication,metric,value; replications in `order` (indexes
 * into reps); scn the scenario name as a CSV field. Errors stick in f. */
void out_write_coordination(FILE *f, const pw_params *p, const char *scn,
                            const pw_results *reps, const size_t *order, size_t nreps);
#endif
