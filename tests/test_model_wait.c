/* The waiting lists' dropout hazard (models/pw_wait.c, wait_dropout_delay): the chance of
 * giving up within 30 days, from the start of a wait and from 90 days into it, against
 * 1 - exp(-integral of the hazard over those days), the hazard written out here from its
 * definition (docs: README "Wait-dependent dropout"). Fixed seed; N = 40,000 draws a case,
 * so a share's standard error is at most 0.0025 and the tolerance is 4 of them (a chance
 * of about 6e-5 of failing by noise, none with the seed fixed). And a constant hazard has
 * no memory: from any point of the wait, the same draws give the same delay. */
#include <math.h>
#include <gsl/gsl_rng.h>

#include "harness.h"
#include "models/pw_state.h"

enum { N = 40000 };

/* The hazard a day after t days of waiting (the README's definition). */
static double hazard(const pw_hazard *h, double t)
{
    double x = pow(t / h->half_days, h->shape);
    return h->p_start + (h->p_end - h->p_start) * x / (1 + x);
}

/* 1 - exp(-integral of mult x hazard over [a, a + d]) by Simpson's rule (2,000 panels:
 * the hazard is smooth, so the error is far below the tolerance). */
static double chance_within(const pw_hazard *h, double mult, double a, double d)
{
    enum { M = 2000 };
    double s = 0, step = d / M;
    for (int i = 0; i <= M; i++)
        s += (i == 0 || i == M ? 1 : i % 2 ? 4 : 2) * hazard(h, a + i * step);
    return 1 - exp(-mult * s * step / 3);
}

/* Share of N draws, from `waited` days into the wait, that give up within d days. */
static double drawn_within(const pw_hazard *h, double mult, double waited, double d,
                           unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, seed);
    int k = 0;
    for (int i = 0; i < N; i++)
        k += wait_dropout_delay(h, mult, waited, r) <= d;
    gsl_rng_free(r);
    return (double)k / N;
}

static void test_rising_hazard(void)
{
    const pw_hazard h = {.p_start = 0.002, .p_end = 0.02, .half_days = 60, .shape = 2};
    const double waited[] = {0, 90}, mult[] = {1, 1.5};
    double got[2][2];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double want = chance_within(&h, mult[j], waited[i], 30);
            double se = sqrt(want * (1 - want) / N);
            got[i][j] = drawn_within(&h, mult[j], waited[i], 30, 20181 + 2 * i + j);
            printf("   from day %g, x %g: within 30 days %.4f, theory %.4f (se %.4f)\n",
                   waited[i], mult[j], got[i][j], want, se);
            CHECK(fabs(got[i][j] - want) <= 4 * se,
                  "from day %g, x %g: %.4f within 4 se of %.4f", waited[i], mult[j],
                  got[i][j], want);
        }
    CHECK(got[1][0] > 2 * got[0][0],
          "90 days in, the risen hazard: %.4f more than twice %.4f from the start", got[1][0],
          got[0][0]);
}

static void test_constant_hazard_has_no_memory(void)
{
    const pw_hazard h = {.p_start = 0.01, .p_end = 0.01, .half_days = 60, .shape = 2};
    gsl_rng *a = gsl_rng_alloc(gsl_rng_taus2), *b = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(a, 7);
    gsl_rng_set(b, 7);
    double worst = 0;
    for (int i = 0; i < 1000; i++) {
        double x = wait_dropout_delay(&h, 1, 0, a), y = wait_dropout_delay(&h, 1, 200, b);
        worst = fmax(worst, fabs(x - y) / fmax(x, 1));
    }
    CHECK(worst < 1e-9, "constant hazard: the same delay from day 0 and day 200 (worst "
                        "relative difference %g)", worst);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

int main(void)
{
    RUN_TEST(test_rising_hazard);
    RUN_TEST(test_constant_hazard_has_no_memory);
    return harness_done();
}
