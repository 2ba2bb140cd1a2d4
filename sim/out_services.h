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

/* compare of federations: can the services of scenarios 0..nscn (names[s], feds[s]) be
 * paired service by service? 1 when every scenario is a federation with the same services
 * (names, in order). 0 otherwise, with why[0..whylen) saying why ("" when no scenario is a
 * federation: nothing to say). */
int out_services_paired(size_t nscn, const char *const *names, const scn_federation *feds,
                        char *why, size_t whylen);

/* outdir/compare_services.csv for scenarios whose services pair (out_services_paired):
 * scenario,reference,service,metric,mean,ci_low,ci_high,diff_mean,diff_ci_low,diff_ci_high,
 * n,diff_n; one row per service (in order), metric (services.csv's) and scenario, the
 * difference the scenario's service less the reference's same service, paired by
 * replication (empty on the reference's rows); n the replications with a value, diff_n the
 * pairs with both. Returns 0 or an OUT_ code with a message in err. */
__attribute__((warn_unused_result)) int out_write_compare_services(
    const char *outdir, size_t nscn, const char *const *names, const scn_federation *feds,
    const pw_results *const *reps, size_t nreps, char *err, size_t errlen);

/* compare.html's services (JSON members, each starting with ","): when they pair,
 * "service_diffs": [{"scenario", "services": [{"name", METRIC: {"diff", "diff_ci_low",
 * "diff_ci_high", "diff_n"}}]}] for every scenario but the reference, METRIC the true
 * six-week share and true recovery; when some scenario is a federation but they do not
 * pair, "services_unpaired": why; else nothing. Returns 0 or OUT_ENOMEM. */
__attribute__((warn_unused_result)) int out_compare_services_json(
    FILE *f, size_t nscn, const char *const *names, const scn_federation *feds,
    const pw_results *const *reps, size_t nreps);

#endif
