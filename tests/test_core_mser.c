/* MSER-5 (sim_mser5): a series with a clear initial transient is cut where it ends; a
 * stationary one is not cut; too short or non-finite series are refused. Exact cases, so
 * the tolerances are zero or one batch. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "harness.h"
#include "sim/core/sim_stats.h"

static void test_mser5(void)
{
    enum { N = 400 };
    double x[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 99);
    /* A transient: 100 observations falling linearly from 50 to 0, then noise about 0. */
    for (size_t i = 0; i < N; i++)
        x[i] = (i < 100 ? 50.0 * (100 - (double)i) / 100 : 0) + gsl_ran_gaussian(r, 1.0);
    size_t d = sim_mser5(x, N);
    CHECK(d % 5 == 0, "a multiple of the batch size (got %zu)", d);
    CHECK(d >= 80 && d <= 110, "the transient of 100 is cut near its end (got %zu)", d);
    /* Stationary noise: nothing worth cutting. */
    for (size_t i = 0; i < N; i++)
        x[i] = gsl_ran_gaussian(r, 1.0);
    d = sim_mser5(x, N);
    CHECK(d <= 50, "stationary noise: a small cut at most (got %zu)", d);
    /* Constant: every cut ties at 0; the earliest (none) wins. */
    for (size_t i = 0; i < N; i++)
        x[i] = 3.0;
    CHECK(sim_mser5(x, N) == 0, "a constant series is not cut");
    /* Never more than half. */
    for (size_t i = 0; i < N; i++)
        x[i] = i < 300 ? 100.0 - (double)i / 3 : 0;
    d = sim_mser5(x, N);
    CHECK(d <= N / 2, "the cut stays in the first half (got %zu)", d);
    CHECK(sim_mser5(x, 9) == SIZE_MAX, "fewer than two batches refused");
    x[7] = NAN;
    CHECK(sim_mser5(x, N) == SIZE_MAX, "a NaN refused");
    gsl_rng_free(r);
}

int main(void)
{
    RUN_TEST(test_mser5);
    return harness_done();
}
