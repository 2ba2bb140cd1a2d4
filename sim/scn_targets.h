/* The targets file of `stepsim calibrate`: the figures to fit (a metric, a value and a
 * tolerance each) and the free parameters (a scenario key, bounds, a start), read from
 * libconfig and checked with the scenario loader's messages (FILE:LINE: KEY: MESSAGE).
 *
 *     targets = ( { metric = "within_6_weeks_reported"; value = 0.894; tolerance = 0.04;
 *                   source = "NHS Digital 2018-19"; }, ... );
 *     free = ( { key = "staff.pwp.headcount"; lower = 20; upper = 60; },
 *              { key = "assessment.opt_in_days_mean"; lower = 5.0; upper = 40.0;
 *                start = 18.0; } );
 *
 * A free key must be a number of the scenario (a dotted path, as --set takes it); its
 * start defaults to the scenario's own value, and it is whole-numbered (`integer`) when
 * the scenario holds it as an integer. Nothing here prints or runs a simulation.
 */
#ifndef SCN_TARGETS_H
#define SCN_TARGETS_H

#include <stddef.h>

#include "models/pw_params.h"
#include "scn_load.h"

/* Nelder–Mead slows with many parameters; a calibration with more is not one to run. */
#define SCN_TARGETS_MAX_FREE 20
/* A target's tolerance is at least this share of max(1, |value|): with less, a miss that
 * any run makes would overflow its term of the distance. */
#define SCN_TOLERANCE_MIN_REL 1e-9

/* One figure to fit. */
typedef struct scn_target {
    char *metric;     /* a name of metrics[] given to scn_targets_load (malloc'd) */
    size_t index;     /* its index in metrics[] */
    double value;     /* the figure */
    double tolerance; /* >= SCN_TOLERANCE_MIN_REL x max(1, |value|): a miss by this much adds 1
                         to the distance */
    char *source;     /* where the figure comes from ("" when not given; malloc'd) */
    unsigned line;    /* of the target's entry in the file */
} scn_target;

/* One free parameter. */
typedef struct scn_free_param {
    char *key;           /* dotted scenario key (malloc'd) */
    double lower, upper; /* lower < upper */
    double start;        /* in [lower, upper] */
    int start_given;     /* stated in the file (else the scenario's value) */
    int integer;         /* whole numbers only (bounds and start are whole) */
    unsigned line;       /* of the parameter's entry in the file */
} scn_free_param;

typedef struct scn_targets {
    scn_target *targets;
    size_t ntargets;
    scn_free_param *params;
    size_t nparams;
} scn_targets;

/* Read the targets file at path against `scenario` (which gives each free key's type and
 * default start) and the metric names metrics[0..nmetrics), whose values lie in
 * [lo[i], hi[i]] (lo and hi NULL: any value). Every problem is a message appended to errs,
 * in compiler form. Returns SCN_OK with *out filled (free with scn_targets_free),
 * SCN_EINVALID or SCN_ENOMEM (*out is then empty). */
__attribute__((warn_unused_result)) int scn_targets_load(const char *path,
                                                         const pw_params *scenario,
                                                         const char *const *metrics,
                                                         const double *lo, const double *hi,
                                                         size_t nmetrics, scn_targets *out,
                                                         scn_errors *errs);
/* Free what scn_targets_load filled; leaves *t empty. Safe on an empty one. */
void scn_targets_free(scn_targets *t);

#endif
