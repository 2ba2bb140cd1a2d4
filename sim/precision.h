/* Replications by precision (--precision X[:METRIC]): add replications until the 95% CI
 * half-width of every chosen metric is within X — absolute for shares and rates in
 * [0, 1], relative to the mean otherwise — with the look-ahead check of Hoad, Robinson
 * and Davies (2010): once met at n, run kLimit more (5, or 5% of n past 100) and stop
 * only if it still holds there.
 *
 * Decisions look at prefixes 3, 4, 5, ... of replications 0, 1, 2, ..., whatever the
 * number run at a time, so the number chosen (and so every output) is the same on any
 * number of threads. Replications run past the number chosen are discarded.
 */
#ifndef PRECISION_H
#define PRECISION_H

#include <stddef.h>

#include "models/pw_params.h"
#include "models/pw_results.h"
#include "runner.h"

typedef struct prec_spec {
    double x;          /* the half-width wanted */
    size_t *metrics;   /* explore.h metric indexes */
    size_t nmetrics;
    int named;         /* the metrics were named (X:METRIC), not the defaults */
} prec_spec;

/* Parse "X[:METRIC]" (X > 0; no METRIC: the headline metrics of summary.json's contract).
 * Returns 0, or -1 with a message. */
int prec_parse(const char *arg, prec_spec *s, char *err, size_t errlen);
void prec_free(prec_spec *s);

/* A metric named for its precision that is undefined in every one of res[0..n) (no one
 * it counts): its name into buf, 1; else 0. No number of replications would meet it. */
int prec_undefined(const prec_spec *s, const pw_params *p, const pw_results *res, size_t n,
                   char *buf, size_t len);

/* Does the prefix of n replications res[0..n) meet the precision? */
int prec_met(const prec_spec *s, const pw_params *p, const pw_results *res, size_t n);

/* Run replications 0.. of p into res[] (room for rmax) until the precision is met and
 * confirmed, or rmax. *n gets the number kept, *met_at the prefix at which the precision
 * was first met and confirmed (0 if it never was). Returns 0, RUNNER_FAILED (err set) or
 * RUNNER_INTERRUPTED; on failure every res[] is released. */
int prec_run(const prec_spec *s, const pw_params *p, const runner_opts *o, size_t rmax,
             pw_results *res, size_t *n, size_t *met_at, char *err, size_t errlen);

#endif
