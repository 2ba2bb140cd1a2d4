/* The metrics stepsim writes and summarises: the model's headline metrics (PW_METRICS)
 * followed by metrics derived from the weekly wait histograms; and the replication order
 * every writer uses, so outputs do not depend on the order replications finished in.
 *
 * Derived metrics, for each wait measure W of pw_wait_name (prefix "wait_" unless the
 * name already has it), computed per replication from its histogram:
 *   wait_W_days_p50, wait_W_days_p90     quantiles, linear within the weekly bin; NaN
 *                                        when they fall in the open last bin (>= 104 weeks)
 *   wait_W_under_6_weeks_share           share of waits < 42 days (bins 0-5)
 *   wait_W_under_18_weeks_share          share of waits < 126 days (bins 0-17)
 * A histogram holds whole-week bins, so "under 6 weeks" is < 42 days; the model's
 * within_6_weeks_* metrics count <= 42 days from exact waits and are the headline ones.
 */
#ifndef OUT_METRICS_H
#define OUT_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/pw_results.h"
#include "sim/core/sim_stats.h"

/* Derived metrics per wait measure, in this order. */
typedef enum out_wait_stat {
    OUT_WS_P50, OUT_WS_P90, OUT_WS_UNDER_6, OUT_WS_UNDER_18, OUT_WS_N
} out_wait_stat;

#define OUT_METRIC_NAME_MAX 96

/* Number of metrics written: PW_M_N + PW_W_N * OUT_WS_N. Metric i < PW_M_N is the
 * model's metric i. */
size_t out_metric_count(void);
/* Name of metric i into buf (at least OUT_METRIC_NAME_MAX bytes). Returns buf. */
const char *out_metric_name(size_t i, char buf[OUT_METRIC_NAME_MAX]);
/* Value of metric i in one replication (NaN when undefined). */
double out_metric_value(const pw_results *r, size_t i);

/* How a metric reads: a share (shown as a percentage, differences in points), days, a
 * count, people, sessions, pounds, an index from 0 to 1, or a plain number. */
typedef enum out_unit {
    OUT_U_SHARE, OUT_U_DAYS, OUT_U_COUNT, OUT_U_PEOPLE, OUT_U_SESSIONS, OUT_U_GBP,
    OUT_U_INDEX, OUT_U_NUMBER, OUT_U_N
} out_unit;
/* The unit's code on the pages (web/pages.js): "pct", "days", "n", "people", ... */
const char *out_unit_code(out_unit u);

#define OUT_METRIC_LABEL_MAX 160
/* The explorers' metric beyond the written ones (sim/explore.c): the staff cost a year. */
#define OUT_COST_PER_YEAR "cost_per_year_gbp"
/* Metric i's label as a planner reads it (the one source of the terminal's and the
 * pages' labels) into buf; its unit in *unit unless NULL. i == out_metric_count() is
 * OUT_COST_PER_YEAR. Returns buf. */
const char *out_metric_label(size_t i, char buf[OUT_METRIC_LABEL_MAX], out_unit *unit);
/* Metric i's unit alone (i == out_metric_count() is OUT_COST_PER_YEAR). */
out_unit out_metric_unit(size_t i);
/* The values metric i can take, [*lo, *hi] (infinite where unbounded): a share's [0, 1]
 * but hours in use and turnover, which can pass 1, and burnout's part of the therapist
 * effect, which can fall below 0; an index's [0, 1]; a plain number's any; everything
 * else from 0. i == out_metric_count() is OUT_COST_PER_YEAR. */
void out_metric_range(size_t i, double *lo, double *hi);
/* Every label as a JSON object, {"name": ["label", "unit code", lo, hi], ...}, for the
 * pages (lo and hi from out_metric_range, null where unbounded). */
void out_metric_labels_json(FILE *f);

/* A week's mean waits of its starters (pw_week's sums over counts): from referral to
 * first treatment, and from joining the step-3 list to the first step-3 session; NaN in a
 * week with no starters. */
double out_week_wait_to_treatment(const pw_week *wk);
double out_week_wait_for_step3(const pw_week *wk);

/* Share of the observations of a wait histogram (PW_WAIT_WEEKS + 1 bins, the last one
 * open) in bins [0, weeks): waits under `weeks` weeks. NaN when empty. */
double out_wait_share_under(const uint64_t *bins, size_t weeks);
/* p-quantile in days of a wait histogram, linear within the weekly bin; NaN when empty
 * or when it falls in the open last bin. */
double out_wait_quantile_days(const uint64_t *bins, double p);

/* A subgroup's metric m in one replication (pw_gmetric_value of its counts), and its gap:
 * the same less everyone's (PW_G_ALL). NaN when undefined, and the gap of referrals (a
 * count: a subgroup's less everyone's is minus the others' count, no gap) always. */
double out_subgroup_value(const pw_results *r, pw_subgroup g, pw_gmetric m);
double out_subgroup_gap(const pw_results *r, pw_subgroup g, pw_gmetric m);

/* Days in a year, as the model counts years (the *_years fields of pw_role_stats). */
#define OUT_DAYS_PER_YEAR 365.25

/* Length of the measurement window, in which pw_role_stats are taken: horizon_weeks, in
 * years. */
double out_window_years(const pw_params *p);

/* What workforce.csv and the dashboard derive from a role's pw_role_stats. Rates are a
 * year per person in post: count / headcount_years (= count / headcount_mean / window
 * years). In the order of workforce.csv's columns. */
typedef enum out_role_stat {
    OUT_RS_HEADCOUNT_MEAN,         /* headcount_years / window years */
    OUT_RS_FTE_MEAN,               /* fte_years / window years */
    OUT_RS_TURNOVER_RATE,          /* (leavers + to_training) / headcount_years */
    OUT_RS_LEAVING_RATE,           /* leavers / headcount_years */
    OUT_RS_MEAN_TENURE_YEARS,      /* tenure_years_sum / in_post_end */
    OUT_RS_SICKNESS_DAYS_PER_FTE,  /* sick_days / fte_years: days a year per FTE */
    OUT_RS_BURNOUT_MEAN,           /* burnout_years / headcount_years */
    OUT_RS_N
} out_role_stat;

/* Statistic st of role stats s over a window of window_years; NaN when its denominator
 * is 0 (no one in post, no window). */
double out_role_stat_value(const pw_role_stats *s, double window_years, out_role_stat st);

/* Role k's mean over the measurement window's weeks of its week-end posts vacant
 * (trainees 0) or people training for it (trainees 1): timeseries.csv's vacancies_<role>
 * or in_training_<role> over its rows of phase "window". NaN without such weeks. */
double out_role_week_mean(const pw_params *p, const pw_results *r, size_t k, int trainees);

/* Indexes 0..nreps-1 of reps ordered by replication number (ties keep their order), in
 * a new array the caller frees; NULL when out of memory. */
size_t *out_rep_order(const pw_results *reps, size_t nreps);

/* 1 if the outputs show the entered_ltc_pathway stage (flow.csv, the dashboard): the
 * scenario runs the long-term-condition pathway, or (a federation whose services differ)
 * some replication counted people on it. Without it they are as before the pathway. */
int out_shows_ltc_pathway(const pw_params *p, const pw_results *reps, size_t nreps);

/* Summaries (sim_summarise) of every metric across replications, taken in `order`:
 * out[out_metric_count()]. Returns 0 or OUT_ENOMEM. */
__attribute__((warn_unused_result)) int out_summarise_metrics(const pw_results *reps,
                                                              const size_t *order,
                                                              size_t nreps,
                                                              sim_summary *out);

#endif
