/* Statistics on top of GSL: tallies, time averages, histograms, quantiles, summaries. */
#include "sim_stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim.h"

/* ---- tally ---- */

int sim_tally_init(sim_tally *t)
{
    t->w = gsl_rstat_alloc();
    return t->w ? SIM_OK : SIM_ENOMEM;
}

void sim_tally_free(sim_tally *t)
{
    if (t->w)
        gsl_rstat_free(t->w);
    t->w = NULL;
}

void sim_tally_add(sim_tally *t, double x) { gsl_rstat_add(x, t->w); }
void sim_tally_reset(sim_tally *t) { gsl_rstat_reset(t->w); }
size_t sim_tally_n(const sim_tally *t) { return gsl_rstat_n(t->w); }
double sim_tally_mean(const sim_tally *t) { return gsl_rstat_n(t->w) ? gsl_rstat_mean(t->w) : NAN; }
double sim_tally_var(const sim_tally *t)
{
    return gsl_rstat_n(t->w) >= 2 ? gsl_rstat_variance(t->w) : NAN;
}
double sim_tally_sd(const sim_tally *t) { return sqrt(sim_tally_var(t)); }
double sim_tally_min(const sim_tally *t) { return gsl_rstat_n(t->w) ? gsl_rstat_min(t->w) : NAN; }
double sim_tally_max(const sim_tally *t) { return gsl_rstat_n(t->w) ? gsl_rstat_max(t->w) : NAN; }

/* ---- time average ---- */

void sim_timeavg_init(sim_timeavg *a, double t0, double v0)
{
    a->t_start = a->t_last = t0;
    a->value = a->max = v0;
    a->area = 0.0;
}

/* A time before the last set (or NaN) is a caller's bug, asserted: ignored, it would
 * leave the value's earlier stretch counted at the wrong level without a word. */
void sim_timeavg_set(sim_timeavg *a, double t, double v)
{
    assert(t >= a->t_last && "sim_timeavg_set: time before the last set");
    if (t > a->t_last) {
        a->area += a->value * (t - a->t_last);
        a->t_last = t;
    }
    a->value = v;
    if (v > a->max)
        a->max = v;
}

void sim_timeavg_restart(sim_timeavg *a, double t) { sim_timeavg_init(a, t, a->value); }

/* A time before the last set (or NaN) is a caller's bug, asserted: the area already holds
 * the stretch after t, so the mean would count time it was not asked about. */
double sim_timeavg_mean(const sim_timeavg *a, double t)
{
    assert(t >= a->t_last && "sim_timeavg_mean: time before the last set");
    double span = t - a->t_start;
    if (span <= 0)
        return a->value;
    double area = a->area + (t > a->t_last ? a->value * (t - a->t_last) : 0.0);
    return area / span;
}

/* ---- histogram ---- */

int sim_hist_init(sim_hist *hs, size_t nbins, double lo, double hi)
{
    memset(hs, 0, sizeof *hs);
    if (nbins == 0 || !(hi > lo))
        return SIM_EINVAL;
    hs->h = gsl_histogram_alloc(nbins);
    if (!hs->h)
        return SIM_ENOMEM;
    gsl_histogram_set_ranges_uniform(hs->h, lo, hi);
    return SIM_OK;
}

void sim_hist_free(sim_hist *hs)
{
    if (hs->h)
        gsl_histogram_free(hs->h);
    hs->h = NULL;
}

void sim_hist_add(sim_hist *hs, double x)
{
    hs->n++;
    if (x < gsl_histogram_min(hs->h))
        hs->under++;
    else if (!(x < gsl_histogram_max(hs->h)) || gsl_histogram_increment(hs->h, x) != 0)
        hs->over++; /* includes NaN, which no bin accepts */
}

int sim_hist_merge(sim_hist *a, const sim_hist *b)
{
    if (!gsl_histogram_equal_bins_p(a->h, b->h))
        return SIM_EINVAL;
    gsl_histogram_add(a->h, b->h);
    a->under += b->under;
    a->over += b->over;
    a->n += b->n;
    return SIM_OK;
}

double sim_hist_cdf(const sim_hist *hs, double x)
{
    if (hs->n == 0)
        return NAN;
    const gsl_histogram *h = hs->h;
    double below = (double)hs->under;
    if (x < h->range[0])
        return hs->under ? NAN : 0.0; /* where the underflow lies is unknown */
    for (size_t i = 0; i < h->n; i++) {
        double lo = h->range[i], hi = h->range[i + 1];
        if (x >= hi) {
            below += h->bin[i];
        } else {
            below += h->bin[i] * (x - lo) / (hi - lo);
            return below / (double)hs->n;
        }
    }
    return below / (double)hs->n; /* at or above the top edge: overflow not yet below */
}

double sim_hist_quantile(const sim_hist *hs, double p)
{
    if (hs->n == 0 || !(p >= 0 && p <= 1))
        return NAN;
    const gsl_histogram *h = hs->h;
    double target = p * (double)hs->n, cum = (double)hs->under;
    if (target < cum || (hs->under > 0 && target == cum && p == 0))
        return -INFINITY;
    for (size_t i = 0; i < h->n; i++) {
        double c = h->bin[i];
        if (c > 0 && cum + c >= target)
            return h->range[i] + (h->range[i + 1] - h->range[i]) * (target - cum) / c;
        cum += c;
    }
    return hs->over > 0 ? INFINITY : h->range[h->n];
}

/* ---- streaming quantile ---- */

int sim_quantile_init(sim_quantile *q, double p)
{
    q->w = NULL;
    if (!(p > 0 && p < 1))
        return SIM_EINVAL;
    q->w = gsl_rstat_quantile_alloc(p);
    return q->w ? SIM_OK : SIM_ENOMEM;
}

void sim_quantile_free(sim_quantile *q)
{
    if (q->w)
        gsl_rstat_quantile_free(q->w);
    q->w = NULL;
}

void sim_quantile_add(sim_quantile *q, double x) { gsl_rstat_quantile_add(x, q->w); }
double sim_quantile_get(sim_quantile *q) { return gsl_rstat_quantile_get(q->w); }

/* ---- summaries across replications ---- */

double sim_ci95_halfwidth(double sd, size_t n)
{
    if (n < 2)
        return NAN;
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
}

int sim_summarise(const double *x, size_t n, sim_summary *out)
{
    memset(out, 0, sizeof *out);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return SIM_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[m++] = x[i];
    out->n = m;
    if (m == 0) {
        out->mean = out->ci_low = out->ci_high = NAN;
        out->sd = 0.0;
        out->p10 = out->p50 = out->p90 = NAN;
        free(v);
        return SIM_OK;
    }
    out->mean = gsl_stats_mean(v, 1, m);
    out->sd = m >= 2 ? gsl_stats_sd_m(v, 1, m, out->mean) : 0.0;
    double hw = sim_ci95_halfwidth(out->sd, m);
    out->ci_low = out->mean - hw;
    out->ci_high = out->mean + hw;
    gsl_sort(v, 1, m);
    out->p10 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.10);
    out->p50 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.50);
    out->p90 = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.90);
    free(v);
    return SIM_OK;
}

/* ---- MSER-5 ---- */

size_t sim_mser5(const double *x, size_t n)
{
    size_t m = n / 5;
    if (m < 2)
        return SIZE_MAX;
    double *b = malloc(m * sizeof *b);
    if (!b)
        return SIZE_MAX;
    for (size_t i = 0; i < m; i++) {
        double sum = 0;
        for (size_t j = 0; j < 5; j++)
            sum += x[5 * i + j];
        b[i] = sum / 5;
        if (!isfinite(b[i])) {
            free(b);
            return SIZE_MAX;
        }
    }
    /* Suffix sums give every candidate's mean and squared deviations in one pass. */
    double s1 = 0, s2 = 0, best = INFINITY;
    size_t best_d = 0;
    for (size_t d = m; d-- > 0;) {
        s1 += b[d];
        s2 += b[d] * b[d];
        size_t k = m - d;
        if (d > m / 2 || k < 2)
            continue;
        double ss = s2 - s1 * s1 / (double)k;
        double mser = (ss > 0 ? ss : 0) / ((double)k * (double)k);
        if (mser <= best) { /* ties: the earlier truncation, found last */
            best = mser;
            best_d = d;
        }
    }
    free(b);
    return 5 * best_d;
}
