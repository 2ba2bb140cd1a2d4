/* services.csv: a federation's services side by side — each one's size, posts and headline
 * metrics (mean over replications, with its 95% CI) — so an analyst sees the spread behind
 * national figures, and tells a service's difference from noise. */
#ifndef OUT_SERVICES_H
#define OUT_SERVICES_H

#include <stddef.h>
#include <stdio.h>

#include "models/pw_params.h"
#include "models/pw_results.h"
#include "scn_load.h"

/* Write outdir/services.csv for national replications reps[0..nreps) of nat, each holding
 * its services' metrics (pw_results.service_metric); svc[0..nsvc) are the services'
 * parameters, scale and staffing their factors. One row per service, in the scenario's
 * order: scenario, service, scale, staffing, referrals_per_week, <role>_headcount for
 * each role, then every metric of summary.csv by name (the mean over replications, in
 * their order, as summary.csv's; empty when no replication has a value), each followed by
 * <metric>_ci_low and <metric>_ci_high, its Student-t 95% CI as summary.csv's ci_low and
 * ci_high (empty under two values). Returns 0 or an OUT_ code with a message in err. */
__attribute__((warn_unused_result)) int out_write_services(
    const char *outdir, const pw_params *nat, const pw_params *svc, const double *scale,
    const double *staffing, size_t nsvc, const pw_results *reps, size_t nreps, char *err,
    size_t errlen);

/* report.html's "service_figures" member (a JSON member, starting with ","): for each
 * service of fed, its name, scale, staffing, referrals_per_week and a few headline metrics,
 * each {"mean", "ci_low", "ci_high", "n"} over reps[order[0..nreps)], the mean the one
 * services.csv holds. Returns 0 or OUT_ENOMEM. */
__attribute__((warn_unused_result)) int out_services_json(FILE *f, const scn_federation *fed,
                                                          const pw_results *reps,
                                                          const size_t *order, size_t nreps);

#endif
