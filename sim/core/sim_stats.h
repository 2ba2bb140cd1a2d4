/* Statistics: streaming tallies, time-weighted averages, histograms that count what falls
 * outside their range, streaming quantiles, and across-replication summaries with Student-t
 * 95% confidence intervals. Built on GSL (gsl_rstat, gsl_histogram, gsl_statistics, gsl_cdf).
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_rstat.h>

/* ---- Tally: count, mean, variance, min, max of observations (gsl_rstat). ---- */
typedef struct sim_tally {
    gsl_rstat_workspace *w;
} sim_tally;

/* Allocate t's workspace (t owns it): SIM_OK or SIM_ENOMEM. _free releases it and is safe on
 * a tally whose init failed (its workspace NULL); _add observes x; _reset forgets all. */
__attribute__((warn_unused_result)) int sim_tally_init(sim_tally *t);
void sim_tally_free(sim_tally *t);
void sim_tally_add(sim_tally *t, double x);
void sim_tally_reset(sim_tally *t);
size_t sim_tally_n(const sim_tally *t);
double sim_tally_mean(const sim_tally *t);     /* NaN when empty */
double sim_tally_var(const sim_tally *t);      /* sample variance (n - 1); NaN when n < 2 */
double sim_tally_sd(const sim_tally *t);      /* NaN when n < 2 */
double sim_tally_min(const sim_tally *t);     /* NaN when empty */
double sim_tally_max(const sim_tally *t);     /* NaN when empty */

/* ---- Time-weighted average of a piecewise-constant value (queue length, busy servers).
 * The value holds from the time it is set until the next set. ---- */
typedef struct sim_timeavg {
    double t_start, t_last, value, area, max;
} sim_timeavg;

/* Start at time t0 with value v0 (no allocation: nothing to free). */
void sim_timeavg_init(sim_timeavg *a, double t0, double v0);
/* The value becomes v at time t; t >= the last time set (or init's t0), asserted. */
void sim_timeavg_set(sim_timeavg *a, double t, double v);
/* Forget the history before t (end of warm-up), keeping the current value. */
void sim_timeavg_restart(sim_timeavg *a, double t);
/* Average over [t_start, t]; the current value if t == t_start. t >= the last time set,
 * asserted. */
double sim_timeavg_mean(const sim_timeavg *a, double t);

/* ---- Histogram over [lo, hi) with uniform bins; values below lo / at or above hi (and
 * NaN, counted as overflow) are counted, never silently dropped. ---- */
typedef struct sim_hist {
    gsl_histogram *h;
    uint64_t under, over, n;
} sim_hist;

/* nbins uniform bins over [lo, hi), owned by hs: SIM_OK, SIM_EINVAL (no bins, or hi <= lo)
 * or SIM_ENOMEM. _free releases them and is safe on a histogram whose init failed; _add
 * counts x (in a bin, the underflow or the overflow). */
__attribute__((warn_unused_result)) int sim_hist_init(sim_hist *hs, size_t nbins, double lo,
                                                      double hi);
void sim_hist_free(sim_hist *hs);
void sim_hist_add(sim_hist *hs, double x);
/* Add the counts of b to a (same binning). Returns 0, or SIM_EINVAL if binnings differ. */
__attribute__((warn_unused_result)) int sim_hist_merge(sim_hist *a, const sim_hist *b);
/* Share of all observations <= x (exact at bin edges, linear within a bin). */
double sim_hist_cdf(const sim_hist *hs, double x);
/* p-quantile, linear within the bin; -INFINITY / +INFINITY if it falls in the under- /
 * overflow; NaN when empty. */
double sim_hist_quantile(const sim_hist *hs, double p);

/* ---- Streaming p-quantile of a single probability (P-squared, gsl_rstat_quantile). ---- */
typedef struct sim_quantile {
    gsl_rstat_quantile_workspace *w;
} sim_quantile;

/* The p-quantile's workspace, owned by q: SIM_OK, SIM_EINVAL (p outside (0, 1)) or
 * SIM_ENOMEM. _free releases it and is safe on a quantile whose init failed; _add observes
 * x; _get is the estimate so far. */
__attribute__((warn_unused_result)) int sim_quantile_init(sim_quantile *q, double p);
void sim_quantile_free(sim_quantile *q);
void sim_quantile_add(sim_quantile *q, double x);
double sim_quantile_get(sim_quantile *q);

/* ---- Across-replication summary of one metric. ---- */
typedef struct sim_summary {
    size_t n;            /* finite values used (NaNs are skipped) */
    double mean, sd, ci_low, ci_high, p10, p50, p90;
} sim_summary;

/* Half-width of the Student-t 95% confidence interval of a mean: t(0.975, n-1) sd/sqrt(n).
 * NaN for n < 2. */
double sim_ci95_halfwidth(double sd, size_t n);
/* Summarise x[0..n) (the array is left untouched; NaN values are skipped). For fewer than
 * two values the sd is 0 and the CI bounds are NaN (with none, the mean and quantiles are
 * NaN too). Returns 0, or SIM_ENOMEM. */
__attribute__((warn_unused_result)) int sim_summarise(const double *x, size_t n,
                                                      sim_summary *out);

/* MSER-5 (White 1997; Franklin and White 2008): the truncation point of an output series
 * x[0..n) that minimises the marginal standard error of the mean of what remains,
 * searched over batches of 5 observations in the first half of the series. Returns the
 * number of observations to discard (a multiple of 5), or SIZE_MAX when the series is too
 * short (fewer than 2 batches) or holds a non-finite value. */
size_t sim_mser5(const double *x, size_t n);

#endif
