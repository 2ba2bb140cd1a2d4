/* Global sensitivity analysis on the unit cube: Morris elementary effects and Sobol
 * indices, with bootstrap confidence intervals. Pure numerics: the caller maps each
 * design row to the inputs' ranges, evaluates it, and hands the outputs back; the
 * estimators never see a model (tests run them on the Ishigami function).
 *
 * - Morris (1991): r trajectories of k + 1 points on a 4-level grid, each moving one
 *   input by delta = 2/3 at a time in a random order and direction. An elementary effect
 *   is (y_after - y_before) / (x_after - x_before), the step the input took in the design
 *   analysed: +-delta on the planned grid, or what the caller ran (a whole-number input
 *   rounded). Per input: mu (mean effect), mu* (mean absolute
 *   effect, Campolongo et al. 2007) and sigma (sd of the effects); mu*'s CI by
 *   bootstrapping trajectories.
 * - Sobol: Saltelli's scheme on gsl_qrng_sobol points of dimension 2k (A from the first k
 *   coordinates, B from the last k, AB_i = A with column i from B): N (k + 2) runs.
 *   First-order S_i = mean((f(B) - m) (f(AB_i) - f(A))) / V (Saltelli et al. 2010, with
 *   f(B) centred on m, the mean of f over A and B, as SALib centres its outputs), total
 *   ST_i = mean((f(A) - f(AB_i))^2) / (2 V) (Jansen 1999), V the variance of f over A and
 *   B; CIs by bootstrapping the N base rows (percentile).
 * Randomness comes only from the rng passed in.
 */
#ifndef SENS_H
#define SENS_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#define SENS_SOBOL_MAX_INPUTS 20 /* gsl_qrng_sobol has 40 dimensions: 2k <= 40 */

/* ---- Morris ---- */

/* Rows of a Morris design: r (k + 1). */
size_t sens_morris_rows(size_t k, size_t r);
/* Fill design[rows x k] (row-major, values in {0, 1/3, 2/3, 1}) and moved[r x k] (the
 * input moved at each step of each trajectory). */
void sens_morris_design(size_t k, size_t r, gsl_rng *rng, double *design, size_t *moved);

typedef struct sens_morris {
    double mu, mu_star, sigma;
    double mu_star_lo, mu_star_hi; /* 95% bootstrap CI of mu* */
} sens_morris;

/* Effects per input into out[k] from the outputs y[rows] of design, the points as run:
 * sens_morris_design's, or those moved to where the caller could set them (rounded), each
 * step still moving its input (an effect is divided by the step taken). nboot bootstrap
 * resamples of the trajectories. Returns 0, or -1 out of memory. */
int sens_morris_analyse(size_t k, size_t r, const double *design, const size_t *moved,
                        const double *y, size_t nboot, gsl_rng *rng, sens_morris *out);

/* ---- Sobol ---- */

/* Rows of a Saltelli design: n (k + 2): for each base row j, A_j, B_j, AB_j^1..AB_j^k. */
size_t sens_sobol_rows(size_t k, size_t n);
/* Fill design[rows x k] from the Sobol sequence (its first point, the origin, skipped).
 * Returns 0, or -1 when k > SENS_SOBOL_MAX_INPUTS or out of memory. */
int sens_sobol_design(size_t k, size_t n, double *design);

typedef struct sens_sobol {
    double s1, s1_lo, s1_hi; /* first order and its 95% bootstrap CI */
    double st, st_lo, st_hi; /* total */
} sens_sobol;

/* Indices per input into out[k] from the outputs y[rows]. Returns 0, or -1 out of
 * memory. */
int sens_sobol_analyse(size_t k, size_t n, const double *y, size_t nboot, gsl_rng *rng,
                       sens_sobol *out);

#endif
