/* Replications by precision (see precision.h). */
#include "precision.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore.h"
#include "sim/core/sim_stats.h"

/* The contract metrics of summary.json (docs/design.md §5), but for the counterfactual's
 * two: cost_per_recovery_caused_gbp is empty in a replication where treatment causes no
 * recovery, and a precision target on a ratio of a small difference would chase noise. */
static const char default_metrics[] =
    "entered_treatment_share,finished_course_share,recovery_rate_reported,recovery_rate_true,"
    "reliable_improvement_reported,reliable_improvement_true,within_6_weeks_reported,"
    "within_6_weeks_true,within_18_weeks_reported,within_18_weeks_true,"
    "wait_to_assessment_days_mean,wait_to_treatment_days_mean,sessions_mean_finishers,"
    "dropout_before_assessment_share,dropout_after_assessment_share,"
    "dropout_in_treatment_share,stepped_up_share";

enum { FIRST_CHECK = 3, LOOK_AHEAD = 5 };

int prec_parse(const char *arg, prec_spec *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    char *end;
    errno = 0;
    s->x = strtod(arg, &end);
    /* A number as written, as every other option's: no leading blank, no hexadecimal
     * (strtod takes both). */
    size_t len = (size_t)(end - arg);
    int as_written = !isspace((unsigned char)*arg) && !memchr(arg, 'x', len) &&
                     !memchr(arg, 'X', len);
    if ((errno && errno != ERANGE) || end == arg || !as_written || (*end && *end != ':') ||
        !(s->x > 0) || !isfinite(s->x)) { /* underflow reads as its tiny value (> 0) */
        snprintf(err, errlen, "--precision '%s': expected X[:METRIC] with X > 0 (e.g. 0.05, "
                 "or 0.01:recovery_rate_true)", arg);
        return -1;
    }
    char e2[256];
    s->named = *end != '\0';
    if (ex_metric_list(*end ? end + 1 : default_metrics, &s->metrics, &s->nmetrics, e2,
                       sizeof e2) != 0) {
        snprintf(err, errlen, "--precision '%s': %s", arg, e2);
        return -1;
    }
    return 0;
}

void prec_free(prec_spec *s)
{
    free(s->metrics);
    memset(s, 0, sizeof *s);
}

int prec_undefined(const prec_spec *s, const pw_params *p, const pw_results *res, size_t n,
                   char *buf, size_t len)
{
    for (size_t k = 0; s->named && k < s->nmetrics; k++) {
        size_t i = 0;
        while (i < n && isnan(ex_metric_value(p, &res[i], s->metrics[k])))
            i++;
        if (n && i == n) {
            ex_metric_name(s->metrics[k], buf, len);
            return 1;
        }
    }
    return 0;
}

int prec_met(const prec_spec *s, const pw_params *p, const pw_results *res, size_t n)
{
    double *x = malloc((n ? n : 1) * sizeof *x);
    if (!x)
        return 0;
    int met = n >= 2;
    for (size_t k = 0; k < s->nmetrics && met; k++) {
        size_t m = s->metrics[k];
        for (size_t i = 0; i < n; i++)
            x[i] = ex_metric_value(p, &res[i], m);
        sim_summary sum;
        if (sim_summarise(x, n, &sum) != 0 || sum.n == 0) {
            /* Undefined in every replication (no one recovered, say): among the defaults
             * skipped; a metric named for its precision cannot meet it. */
            if (s->named)
                met = 0;
            continue;
        }
        double hw = sim_ci95_halfwidth(sum.sd, sum.n);
        double allowed = ex_metric_is_share(m) ? s->x : s->x * fabs(sum.mean);
        met = isfinite(hw) && hw <= allowed;
    }
    free(x);
    return met;
}

/* Replications to run after a first meeting at n. */
static size_t look_ahead(size_t n) { return n <= 100 ? LOOK_AHEAD : (LOOK_AHEAD * n + 99) / 100; }

/* Progress across the batches: the replications run so far in all of them, with no
 * total (how many --precision takes is not known until it is met). */
typedef struct batch_progress {
    void (*fn)(void *ctx, size_t done, size_t total);
    void *ctx;
    size_t before; /* replications run in earlier batches */
} batch_progress;

/* A batch's progress callback (ctx a batch_progress): the caller's, told the replications
 * done in every batch so far and a total of 0 (none known). */
static void progress_across(void *ctx, size_t done, size_t total)
{
    (void)total;
    batch_progress *b = ctx;
    b->fn(b->ctx, b->before + done, 0);
}

int prec_run(const prec_spec *s, const pw_params *p, const runner_opts *opts, size_t rmax,
             pw_results *res, size_t *n, size_t *met_at, char *err, size_t errlen)
{
    batch_progress bp = {opts->progress, opts->progress_ctx, 0};
    runner_opts batch = *opts, *o = &batch;
    if (opts->progress) {
        batch.progress = progress_across;
        batch.progress_ctx = &bp;
        batch.part = NULL; /* its ctx is the caller's, not bp */
    }
    size_t done = 0, checked = FIRST_CHECK - 1, cand = 0, final = 0;
    size_t chunk = o->threads > 0 ? (size_t)o->threads : 1;
    int *reps = malloc(rmax * sizeof *reps);
    if (!reps) {
        snprintf(err, errlen, "out of memory");
        return RUNNER_FAILED;
    }
    for (size_t i = 0; i < rmax; i++)
        reps[i] = (int)i;
    *met_at = 0;
    int rc = 0;
    while (!final) {
        size_t want = cand ? cand + look_ahead(cand) : (done + 1 > FIRST_CHECK ? done + 1
                                                                                : FIRST_CHECK);
        if (want > rmax)
            want = rmax;
        if (want > done) {
            size_t upto = done + chunk > want ? done + chunk : want;
            if (upto > rmax)
                upto = rmax;
            bp.before = done;
            if ((rc = runner_run(p, reps + done, upto - done, o, res + done, err, errlen)) != 0)
                break;
            done = upto;
        }
        if (!cand)
            for (size_t k = checked + 1; k <= done && !cand; k++) {
                checked = k;
                if (prec_met(s, p, res, k))
                    cand = k;
            }
        if (cand) {
            size_t confirm = cand + look_ahead(cand) < rmax ? cand + look_ahead(cand) : rmax;
            if (done >= confirm) {
                if (prec_met(s, p, res, confirm)) {
                    final = confirm;
                    *met_at = confirm;
                } else {
                    cand = 0; /* go on from the candidate */
                }
            }
        }
        if (!final && !cand && checked >= rmax)
            final = rmax; /* never met: every replication allowed */
    }
    if (rc != 0) {
        for (size_t i = 0; i < done; i++)
            pw_results_free(&res[i]);
    } else {
        for (size_t i = final; i < done; i++)
            pw_results_free(&res[i]);
        *n = final;
    }
    free(reps);
    return rc;
}
