/* Paired comparison of scenarios run on the same people (common random numbers): every
 * metric per scenario with its 95% CI, and the paired difference against the first
 * scenario, replication by replication, with its Student-t 95% CI. */
#ifndef OUT_COMPARE_H
#define OUT_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "models/pw_results.h"
#include "scn_load.h"

/* reps[s][0..nreps) are the replications of scenario s (same replication numbers in every
 * scenario, any order); feds[s] its services (n == 0: not a federation). Writes
 * OUTDIR/compare.csv and OUTDIR/compare.json atomically, the JSON with compare.html's
 * services block (out_compare_services_json). Returns 0, or a negative OUT_ code with a
 * message in err (no file left behind). */
__attribute__((warn_unused_result)) int out_write_compare(const char *outdir, size_t nscn,
                                                          const char *const *names,
                                                          const scn_federation *feds,
                                                          const pw_results *const *reps,
                                                          size_t nreps, unsigned long long seed,
                                                          char *err, size_t errlen);

/* compare.html: the paired differences as a forest plot, each scenario's lists over time
 * and every metric; params[s] is scenario s as it ran, feds[s] its services (n == 0: not
 * a federation), whose paired differences service by service the page draws when every
 * scenario has the same services (out_services.h, out_compare_services_json). Returns 0 or
 * an OUT_ code. */
__attribute__((warn_unused_result)) int out_write_compare_page(
    const char *outdir, size_t nscn, const char *const *names, const pw_params *params,
    const scn_federation *feds, const pw_results *const *reps, size_t nreps,
    unsigned long long seed, char *err, size_t errlen);

struct sim_summary;
/* A row's figures as compare's CSV files write them, each followed by a comma: own's
 * mean, ci_low, ci_high, then diff's (empty for the reference: diff NULL). */
void out_compare_csv_cells(FILE *f, const struct sim_summary *own,
                           const struct sim_summary *diff);

/* The comparison table a policy analyst reads: the headline metrics of each scenario
 * against the first, differences with 95% CIs (percentage points for shares); the rows of
 * metrics p (the first scenario's parameters, which the others' windows match) cannot
 * have are left out. */
void out_print_compare(FILE *f, const pw_params *p, size_t nscn, const char *const *names,
                       const pw_results *const *reps, size_t nreps);

#endif
