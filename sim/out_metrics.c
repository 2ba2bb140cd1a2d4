/* The written metrics (model metrics + wait-histogram metrics) and replication order. */
#include "out_metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out_file.h"

size_t out_metric_count(void) { return (size_t)PW_M_N + (size_t)PW_W_N * OUT_WS_N; }

const char *out_metric_name(size_t i, char buf[OUT_METRIC_NAME_MAX])
{
    static const char *const suffix[OUT_WS_N] = {
        "_days_p50", "_days_p90", "_under_6_weeks_share", "_under_18_weeks_share"};
    if (i < PW_M_N) {
        snprintf(buf, OUT_METRIC_NAME_MAX, "%s", pw_metric_name((pw_metric)i));
        return buf;
    }
    size_t k = i - PW_M_N;
    const char *w = pw_wait_name((pw_wait)(k / OUT_WS_N));
    const char *prefix = strncmp(w, "wait_", 5) == 0 ? "" : "wait_";
    snprintf(buf, OUT_METRIC_NAME_MAX, "%s%s%s", prefix, w, suffix[k % OUT_WS_N]);
    return buf;
}

/* Total count of a wait histogram. */
static uint64_t wait_total(const uint64_t *bins)
{
    uint64_t n = 0;
    for (size_t b = 0; b <= PW_WAIT_WEEKS; b++)
        n += bins[b];
    return n;
}

double out_wait_share_under(const uint64_t *bins, size_t weeks)
{
    uint64_t n = wait_total(bins), k = 0;
    if (n == 0)
        return NAN;
    for (size_t b = 0; b < weeks && b < PW_WAIT_WEEKS; b++)
        k += bins[b];
    return (double)k / (double)n;
}

double out_wait_quantile_days(const uint64_t *bins, double p)
{
    uint64_t n = wait_total(bins);
    if (n == 0 || !(p >= 0 && p <= 1))
        return NAN;
    /* Invert the piecewise-linear CDF: the first bin whose cumulative count reaches p n. */
    double target = p * (double)n, below = 0;
    for (size_t b = 0; b <= PW_WAIT_WEEKS; b++) {
        if (bins[b] == 0)
            continue;
        double c = (double)bins[b];
        if (below + c >= target) {
            if (b == PW_WAIT_WEEKS)
                return NAN; /* open bin: only a lower bound is known */
            double frac = (target - below) / c;
            return 7.0 * ((double)b + (frac > 0 ? frac : 0));
        }
        below += c;
    }
    return NAN;
}

double out_metric_value(const pw_results *r, size_t i)
{
    if (i < PW_M_N)
        return r->metric[i];
    size_t k = i - PW_M_N;
    const uint64_t *bins = r->waits[k / OUT_WS_N];
    switch ((out_wait_stat)(k % OUT_WS_N)) {
    case OUT_WS_P50:
        return out_wait_quantile_days(bins, 0.5);
    case OUT_WS_P90:
        return out_wait_quantile_days(bins, 0.9);
    case OUT_WS_UNDER_6:
        return out_wait_share_under(bins, 6);
    case OUT_WS_UNDER_18:
        return out_wait_share_under(bins, 18);
    case OUT_WS_N:
        break;
    }
    return NAN;
}

double out_window_years(const pw_params *p)
{
    return p->horizon_weeks * 7.0 / OUT_DAYS_PER_YEAR;
}

/* a / b; NaN when b is 0. */
static double ratio(double a, double b) { return b != 0 ? a / b : NAN; }

double out_role_stat_value(const pw_role_stats *s, double window_years, out_role_stat st)
{
    double years = window_years > 0 ? window_years : 0;
    switch (st) {
    case OUT_RS_HEADCOUNT_MEAN:
        return ratio(s->headcount_years, years);
    case OUT_RS_FTE_MEAN:
        return ratio(s->fte_years, years);
    case OUT_RS_TURNOVER_RATE:
        return ratio((double)(s->leavers + s->to_training), s->headcount_years);
    case OUT_RS_LEAVING_RATE:
        return ratio((double)s->leavers, s->headcount_years);
    case OUT_RS_MEAN_TENURE_YEARS:
        return ratio(s->tenure_years_sum, (double)s->in_post_end);
    case OUT_RS_SICKNESS_DAYS_PER_FTE:
        return ratio(s->sick_days, s->fte_years);
    case OUT_RS_BURNOUT_MEAN:
        return ratio(s->burnout_years, s->headcount_years);
    case OUT_RS_N:
        break;
    }
    return NAN;
}

size_t *out_rep_order(const pw_results *reps, size_t nreps)
{
    size_t *ix = malloc((nreps ? nreps : 1) * sizeof *ix);
    if (!ix)
        return NULL;
    /* Insertion sort: stable, and replications are few and usually already in order. */
    for (size_t i = 0; i < nreps; i++) {
        size_t j = i;
        while (j > 0 && reps[ix[j - 1]].replication > reps[i].replication) {
            ix[j] = ix[j - 1];
            j--;
        }
        ix[j] = i;
    }
    return ix;
}

int out_summarise_metrics(const pw_results *reps, const size_t *order, size_t nreps,
                          sim_summary *out)
{
    double *x = malloc((nreps ? nreps : 1) * sizeof *x);
    if (!x)
        return OUT_ENOMEM;
    int ret = OUT_OK;
    for (size_t m = 0; m < out_metric_count() && ret == OUT_OK; m++) {
        for (size_t i = 0; i < nreps; i++)
            x[i] = out_metric_value(&reps[order[i]], m);
        if (sim_summarise(x, nreps, &out[m]) != 0)
            ret = OUT_ENOMEM;
    }
    free(x);
    return ret;
}

double out_subgroup_value(const pw_results *r, pw_subgroup g, pw_gmetric m)
{
    return pw_gmetric_value(&r->by_group[g], m);
}

double out_subgroup_gap(const pw_results *r, pw_subgroup g, pw_gmetric m)
{
    return out_subgroup_value(r, g, m) - out_subgroup_value(r, PW_G_ALL, m);
}

int out_shows_ltc_pathway(const pw_params *p, const pw_results *reps, size_t nreps)
{
    int any = p->ltc_pathway.enabled;
    for (size_t i = 0; i < nreps && !any; i++)
        any = reps[i].stages[PW_S_ENTERED_LTC_PATHWAY] > 0;
    return any;
}
