/* Exploring a scenario's inputs, shared by sweep, solve, sensitivity and --precision:
 * --vary specifications, the metrics an exploration can read (every metric of
 * summary.csv, plus cost_per_year_gbp), and the evaluation of one point of the input
 * space — the scenario with extra overrides — over a growing prefix of replications.
 *
 * Design
 * - Every point runs on the same master seed, replications 0, 1, 2, ...: the differences
 *   between points are paired (common random numbers), and a point's first n
 *   replications are the same whichever command or thread count ran them. A decision
 *   taken on a prefix of n replications is therefore reproducible byte for byte.
 * - A point keeps each replication's metric values (not the full results), so memory is
 *   points x replications x metrics doubles, besides its scenario (a federation's
 *   services too: each runs at every point, pooled as run pools them).
 * - Nothing here prints; errors come back as codes with a message.
 */
#ifndef EXPLORE_H
#define EXPLORE_H

#include <stdatomic.h>
#include <stddef.h>

#include "models/pw_params.h"
#include "sim/core/sim_stats.h"

#define EX_KEY_MAX 160

/* One --vary: KEY=FROM:TO[:STEP] (a range) or KEY=A,B,C (a list). */
typedef struct ex_var {
    char key[EX_KEY_MAX];
    int is_range;
    int whole;         /* every bound, step and list value is written as a whole number: a
                          range steps by 1 unless told (solve searches such ranges) */
    int integer;       /* the key holds whole numbers (the schema's, scn_key_is_whole): a
                          value set inside its range is rounded, however it is written */
    int decimals;      /* a range: the most decimals its numbers are written with */
    double lo, hi, step; /* a range (step 0 when not given) */
    size_t n;          /* grid values */
    double *values;    /* numeric grid values (NaN for a text list value) */
    char **texts;      /* each grid value as it is set ("12", "0.25", "\"stepped\"") */
} ex_var;

/* Parse spec into *v. A grid point FROM + k STEP is the decimal it reads as, rounded to
 * v->decimals (0.1:0.3:0.1 gives 0.3, the value `--set KEY=0.3` reads, not
 * 0.30000000000000004), its text the shortest that reads back as it. need_range: the
 * command needs KEY=LO:HI (sensitivity, solve), whole-number ends for a whole-number key.
 * Returns 0, or -1 with a message naming the spec and what was expected. */
int ex_var_parse(const char *spec, int need_range, ex_var *v, char *err, size_t errlen);
void ex_var_free(ex_var *v);
/* "KEY=VALUE" into buf[n] for a value x inside a range var, as it is set and shown: a
 * whole-number key's rounded, another's to a hundred-thousandth of the range (six
 * significant figures, more when the range is narrow beside its values). Returns the value
 * the text reads as: the value run. */
double ex_var_assign(const ex_var *v, double x, char *buf, size_t n);

/* ---- Metrics ---- */

/* Metrics an exploration reads: out_metric_count() of summary.csv, then
 * cost_per_year_gbp (salaries, on-costs and training over the window, a year). */
size_t ex_metric_count(void);
/* Index of a metric by name, or -1. */
int ex_metric_find(const char *name);
/* What a staffing sweep moves, shown when --metrics chooses none (the terminal's table and
 * sweep.html): EX_HEADLINE_N metric names. */
#define EX_HEADLINE_N 9
extern const char *const ex_headline[EX_HEADLINE_N];
/* " (did you mean \"NAME\"?)" for a metric name close to name, else "" (into buf[n]). */
void ex_metric_suggest(const char *name, char *buf, size_t n);
const char *ex_metric_name(size_t i, char *buf, size_t n);
struct pw_results;
/* Metric i of one replication of p. */
double ex_metric_value(const pw_params *p, const struct pw_results *r, size_t i);
/* Is the metric a share or rate in [0, 1] (precision is then absolute)? Its unit says
 * (out_metric_label). */
int ex_metric_is_share(size_t i);
/* 1 if metric i can have a value in scenario p; else 0, with why in err (the later
 * reading's metrics where p takes none), for a usage error before anything runs. */
int ex_metric_taken(const pw_params *p, size_t i, char *err, size_t errlen);
/* Where a target on metric i may lie: [*lo, *hi] (a share of people in [0, 1]; utilisation
 * and turnover from 0 up, as they can pass 1; an index in [0, 1]; days, people, pounds and
 * counts from 0 up; a plain number anywhere). */
void ex_metric_range(size_t i, double *lo, double *hi);
/* Metric i's label as a planner reads it (out_metric_label), into buf[n]. */
const char *ex_metric_label(size_t i, char *buf, size_t n);
/* Parse "A,B,C" into metric indexes (malloc'd *out, count *n). NULL or "" gives every
 * metric. Returns 0, or -1 naming the unknown metric in err. */
int ex_metric_list(const char *names, size_t **out, size_t *n, char *err, size_t errlen);

/* ---- Points ---- */

typedef struct ex_point {
    pw_params *p;      /* the scenario at this point (owned); a federation's national one */
    struct scn_federation *fed; /* a federation's services at this point (owned), or NULL
                                   (none, or dropped until it runs again) */
    size_t nservices;  /* a federation's services, loaded or not (0: one service) */
    size_t nreps;      /* replications run: 0 .. nreps-1 */
    size_t cap;
    double *vals;      /* nreps x ex_metric_count(), replication-major */
} ex_point;

struct pw_results;

/* How points are run. */
typedef struct ex_run_opts {
    int threads;
    const atomic_int *stop; /* raised by a signal: stop at the next replication */
    /* When set, called with a point's full results (replications nreps.. in order) before
     * they are released; non-zero fails the run with its message in err. */
    int (*results)(void *ctx, const ex_point *pt, const struct pw_results *res, size_t n,
                   char *err, size_t errlen);
    void *results_ctx;
} ex_run_opts;

/* Take ownership of p (malloc'd) and of fed (malloc'd, with services; or NULL) as a
 * point with no replications. */
void ex_point_init(ex_point *pt, pw_params *p, struct scn_federation *fed);
void ex_point_free(ex_point *pt);
/* Release the point's scenario (and services), keeping its metrics. */
void ex_point_drop_params(ex_point *pt);
/* Release a federation's services alone (none: nothing), keeping the scenario. */
void ex_point_drop_services(ex_point *pt);
/* Run replications nreps .. upto-1 of the point. Returns 0; or -1 (failure, message in
 * err) or -2 (interrupted); the point then keeps what it had. */
int ex_point_run(ex_point *pt, size_t upto, const ex_run_opts *o, char *err, size_t errlen);
/* The same for pts[0..npts) as one batch: every point's missing replications spread over
 * the threads and ranks together (o->results is called point by point, in order). A
 * point's replication r is the same whichever batch ran it. The points of a batch are
 * all of one federation's file (as many services each) or all of one service. */
int ex_points_run(ex_point *pts, size_t npts, size_t upto, const ex_run_opts *o, char *err,
                  size_t errlen);
/* Value of metric m in replication r (< nreps). */
double ex_point_value(const ex_point *pt, size_t r, size_t m);
/* Summary of metric m over the first n replications (n <= nreps), its sd NaN for fewer
 * than two values, as summary.csv leaves it empty (sim_summarise gives 0): a point's
 * figures are `run --set`'s. */
sim_summary ex_point_summary(const ex_point *pt, size_t m, size_t n);
/* One-sided confidence bound on the mean of metric m over the first n replications:
 * lower (sign -1) or upper (+1) at `confidence` (Student t). NaN for n < 2. */
double ex_point_bound(const ex_point *pt, size_t m, size_t n, double confidence, int sign);
/* Both one-sided bounds at once into *lo, *hi (one summary). */
void ex_point_bounds(const ex_point *pt, size_t m, size_t n, double confidence, double *lo,
                     double *hi);

#endif
