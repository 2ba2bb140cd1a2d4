/* Morris and Sobol sensitivity estimators (see sens.h). */
#include "sens.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#define LEVELS 4
#define DELTA (2.0 / 3.0) /* LEVELS / (2 (LEVELS - 1)) */

/* The 2.5% and 97.5% points of the finite values of x[n] (moved and sorted in place): a
 * resample with no spread has no index (NaN), and a NaN in gsl_sort leaves the order,
 * and so the bounds, undefined (they came out reversed). With fewer than half the
 * resamples defined there is no interval: NaN. */
static void percentile_ci(double *x, size_t n, double *lo, double *hi)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            x[m++] = x[i];
    if (m == 0 || 2 * m < n) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(x, 1, m);
    *lo = gsl_stats_quantile_from_sorted_data(x, 1, m, 0.025);
    *hi = gsl_stats_quantile_from_sorted_data(x, 1, m, 0.975);
}

/* ---- Morris ---- */

size_t sens_morris_rows(size_t k, size_t r) { return r * (k + 1); }

void sens_morris_design(size_t k, size_t r, gsl_rng *rng, double *design, size_t *moved)
{
    for (size_t t = 0; t < r; t++) {
        double *row = design + t * (k + 1) * k;
        for (size_t i = 0; i < k; i++) {
            row[i] = (double)gsl_rng_uniform_int(rng, LEVELS) / (LEVELS - 1);
            moved[t * k + i] = i;
        }
        gsl_ran_shuffle(rng, moved + t * k, k, sizeof *moved);
        for (size_t j = 0; j < k; j++) {
            double *next = row + k;
            memcpy(next, row, k * sizeof *row);
            size_t i = moved[t * k + j];
            /* Up from the lower half of the grid, down from the upper: stays in [0, 1]. */
            next[i] = row[i] + DELTA <= 1 + 1e-12 ? row[i] + DELTA : row[i] - DELTA;
            row = next;
        }
    }
}

/* Effects of trajectory t into ee[k] (indexed by input). */
static void trajectory_effects(size_t k, size_t t, const double *design, const size_t *moved,
                               const double *y, double *ee)
{
    const double *row = design + t * (k + 1) * k;
    const double *yt = y + t * (k + 1);
    for (size_t j = 0; j < k; j++) {
        size_t i = moved[t * k + j];
        double dx = row[(j + 1) * k + i] - row[j * k + i];
        ee[i] = (yt[j + 1] - yt[j]) / dx;
    }
}

int sens_morris_analyse(size_t k, size_t r, const double *design, const size_t *moved,
                        const double *y, size_t nboot, gsl_rng *rng, sens_morris *out)
{
    double *ee = malloc(r * k * sizeof *ee);  /* ee[t * k + i] */
    double *col = malloc(r * sizeof *col);
    double *boot = malloc((nboot ? nboot : 1) * sizeof *boot);
    if (!ee || !col || !boot) {
        free(ee);
        free(col);
        free(boot);
        return -1;
    }
    for (size_t t = 0; t < r; t++)
        trajectory_effects(k, t, design, moved, y, ee + t * k);
    for (size_t i = 0; i < k; i++) {
        double sum_abs = 0;
        for (size_t t = 0; t < r; t++) {
            col[t] = ee[t * k + i];
            sum_abs += fabs(col[t]);
        }
        out[i].mu = gsl_stats_mean(col, 1, r);
        out[i].sigma = r > 1 ? gsl_stats_sd(col, 1, r) : NAN;
        out[i].mu_star = sum_abs / (double)r;
        for (size_t b = 0; b < nboot; b++) {
            double s = 0;
            for (size_t t = 0; t < r; t++)
                s += fabs(ee[gsl_rng_uniform_int(rng, r) * k + i]);
            boot[b] = s / (double)r;
        }
        if (nboot)
            percentile_ci(boot, nboot, &out[i].mu_star_lo, &out[i].mu_star_hi);
        else
            out[i].mu_star_lo = out[i].mu_star_hi = NAN;
    }
    free(ee);
    free(col);
    free(boot);
    return 0;
}

/* ---- Sobol ---- */

size_t sens_sobol_rows(size_t k, size_t n) { return n * (k + 2); }

int sens_sobol_design(size_t k, size_t n, double *design)
{
    if (k == 0 || k > SENS_SOBOL_MAX_INPUTS)
        return -1;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    double *pt = malloc(2 * k * sizeof *pt);
    if (!q || !pt) {
        if (q)
            gsl_qrng_free(q);
        free(pt);
        return -1;
    }
    gsl_qrng_get(q, pt); /* the origin: every coordinate 0 */
    for (size_t j = 0; j < n; j++) {
        gsl_qrng_get(q, pt);
        double *a = design + j * (k + 2) * k, *b = a + k;
        memcpy(a, pt, k * sizeof *pt);
        memcpy(b, pt + k, k * sizeof *pt);
        for (size_t i = 0; i < k; i++) {
            double *ab = a + (2 + i) * k;
            memcpy(ab, a, k * sizeof *ab);
            ab[i] = b[i];
        }
    }
    gsl_qrng_free(q);
    free(pt);
    return 0;
}

/* S1 and ST of every input over the base rows idx[0..n) into s1[k], st[k]. */
static void sobol_indices(size_t k, size_t n, const double *y, const size_t *idx, double *s1,
                          double *st, double *tmp)
{
    for (size_t j = 0; j < n; j++) {
        const double *yj = y + idx[j] * (k + 2);
        tmp[2 * j] = yj[0];
        tmp[2 * j + 1] = yj[1];
    }
    double v = gsl_stats_variance(tmp, 1, 2 * n), m = gsl_stats_mean(tmp, 1, 2 * n);
    for (size_t i = 0; i < k; i++) {
        double a = 0, b = 0;
        for (size_t j = 0; j < n; j++) {
            const double *yj = y + idx[j] * (k + 2);
            double fa = yj[0], fb = yj[1], fab = yj[2 + i];
            /* f(B) centred on the mean of f over A and B: the same expectation (f(AB_i)
             * and f(A) have one mean), but a spread that no longer grows with the
             * output's level. Uncentred, a share near 0.5 that moves by a point or two
             * gave S1 of 1.6 [-21, 24] and -1.3 at 64 base rows. */
            a += (fb - m) * (fab - fa);
            b += (fa - fab) * (fa - fab);
        }
        s1[i] = v > 0 ? a / (double)n / v : NAN;
        st[i] = v > 0 ? b / (2.0 * (double)n) / v : NAN;
    }
}

int sens_sobol_analyse(size_t k, size_t n, const double *y, size_t nboot, gsl_rng *rng,
                       sens_sobol *out)
{
    size_t *idx = malloc(n * sizeof *idx);
    double *tmp = malloc(2 * n * sizeof *tmp), *s1 = malloc(k * sizeof *s1),
           *st = malloc(k * sizeof *st);
    double *b1 = malloc(k * (nboot ? nboot : 1) * sizeof *b1),
           *bt = malloc(k * (nboot ? nboot : 1) * sizeof *bt);
    int ret = idx && tmp && s1 && st && b1 && bt ? 0 : -1;
    if (ret == 0) {
        for (size_t j = 0; j < n; j++)
            idx[j] = j;
        sobol_indices(k, n, y, idx, s1, st, tmp);
        for (size_t i = 0; i < k; i++) {
            out[i].s1 = s1[i];
            out[i].st = st[i];
        }
        for (size_t b = 0; b < nboot; b++) {
            for (size_t j = 0; j < n; j++)
                idx[j] = gsl_rng_uniform_int(rng, n);
            sobol_indices(k, n, y, idx, s1, st, tmp);
            for (size_t i = 0; i < k; i++) {
                b1[i * nboot + b] = s1[i];
                bt[i * nboot + b] = st[i];
            }
        }
        for (size_t i = 0; i < k; i++) {
            if (nboot) {
                percentile_ci(b1 + i * nboot, nboot, &out[i].s1_lo, &out[i].s1_hi);
                percentile_ci(bt + i * nboot, nboot, &out[i].st_lo, &out[i].st_hi);
            } else {
                out[i].s1_lo = out[i].s1_hi = out[i].st_lo = out[i].st_hi = NAN;
            }
        }
    }
    free(idx);
    free(tmp);
    free(s1);
    free(st);
    free(b1);
    free(bt);
    return ret;
}
