/* A federation: local services, each its own world sharing nothing with the others, run
 * side by side and pooled into national figures.
 *
 * Design
 * - Every replication of a service fills pw_results.pool with the numerators and
 *   denominators of its headline metrics (counts, tallies' counts and sums, time averages,
 *   the fine histogram of waits to treatment). The national replication is the sum of its
 *   services' results, service by service in their order (so the bytes do not depend on
 *   which thread ran which service): counts summed, histograms pooled bin by bin, and the
 *   headline metrics recomputed from the pooled numerators and denominators, exactly as
 *   one service's are from its own (tests/test_federation.sh holds a one-service
 *   federation to its service's metrics).
 * - What cannot be pooled exactly, because the services keep no per-person record of it:
 *   the weekly series' burnout_mean is the staff-weighted mean of the services' (exact) and
 *   burnout_p90 the staff-weighted mean of their 90th centiles (an approximation).
 * - Each service's own metrics are kept (service_metric) for services.csv.
 */
#ifndef PW_POOL_H
#define PW_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "pw_params.h"
#include "pw_results.h"

/* The master seed of service k (0-based) of a federation whose master seed is seed: each
 * service draws from streams of its own, so services share no random numbers, and two
 * federations with the same seed and services share common random numbers. */
uint64_t pw_pool_service_seed(uint64_t seed, size_t k);

/* Start the national replication `replication` of a federation of nservices services:
 * zero counts, room for each service's metrics. Returns 0 or -1 (out of memory). */
__attribute__((warn_unused_result)) int pw_pool_begin(pw_results *nat, int replication,
                                                      size_t nservices);
/* Add service k's replication (already run) into nat; svc is left as it was. Returns 0, or
 * -1 out of memory (growing nat's weekly series or wait histogram). k below
 * pw_pool_begin's count and svc of the nation's number of weeks are preconditions,
 * asserted: the loader refuses a service that changes the base's lengths or roles. */
__attribute__((warn_unused_result)) int pw_pool_add(pw_results *nat, size_t k,
                                                    const pw_results *svc);
/* After every service: the national headline metrics from the pooled counts; nat_p is the
 * federation's national parameters (its roles name the pooled roles). */
void pw_pool_finish(const pw_params *nat_p, pw_results *nat);

/* Drop r's fine wait histogram (pw_pool.wait_bins) once no pooling needs it: the runner
 * keeps results without it, so what a kept replication costs does not grow. */
void pw_pool_release(pw_results *r);

#endif
