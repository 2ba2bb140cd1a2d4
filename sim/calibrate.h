/* calibrate's shared state (cmd_calibrate.c: the fit; calibrate_out.c: calibrate.csv,
 * fitted.cfg and the terminal's report). */
#ifndef STEPSIM_CALIBRATE_H
#define STEPSIM_CALIBRATE_H

#include <stddef.h>
#include <stdio.h>

#include "app.h"
#include "cmd_explore.h"
#include "scn_targets.h"

enum { DEFAULT_REPS = 5, DEFAULT_MAX_EVALS = 200 };
#define DEFAULT_SIMPLEX_SIZE 1e-3
#define INITIAL_STEP 0.2
#define UNDEFINED_TERM 1e6
#define DISTANCE_MAX 1e300
#define VALUE_MAX 64
/* Evaluations in a row, a multiple of the simplex's k + 1 vertices, that only meet points
 * already run: the simplex has settled on the grid the values are rounded to (whole
 * numbers, say), where it can shrink no further in what runs, only in u. */
#define STALL_EVALS(k) (4 * ((k) + 1))

/* A point evaluated: the free values and their metrics. */
typedef struct cpoint {
    char **assign;   /* "key=value" per free key (owned) */
    double *x;       /* the values set */
    ex_point pt;     /* replications' metrics (its params freed once run) */
    double distance;
} cpoint;

typedef struct calib {
    xp x;
    scn_targets t;
    size_t k;           /* free keys */
    cpoint *pts;        /* room for max_evals: an evaluation runs at most one point */
    size_t npts;
    size_t *evals;      /* the point of each evaluation, in order */
    size_t nevals, max_evals;
    size_t best;        /* the point of least distance */
    int status;         /* EXIT_OK, or why the distance could not be computed */
    int exhausted;      /* stopped at max_evals */
    size_t reused_run;  /* evaluations in a row that found their point already run */
    int settled;        /* stopped on the rounded grid (STALL_EVALS reuses in a row) */
    app_progress_ctx pc;
    pw_params *fit_nat;    /* a federation at the best point (its fitted values set as --set */
    scn_federation fit_fed; /* sets them): fitted.cfg's; NULL and empty otherwise */
} calib;

/* calibrate.csv: one row per evaluation. */
void calib_write_csv(FILE *f, const calib *cb);

/* fitted.cfg: the scenario @included by its path relative to the output folder (or
 * written whole, as `stepsim check` prints it, when it cannot be included or the command
 * line had --set) and the fitted values in overrides. A federation is written whole, as
 * loaded at the best point: the fitted values were set on its base as --set is, after a
 * service's own overrides, which an overrides group comes before; printed so, a service
 * no longer lists a fitted key it overrides, and the file runs as the fit ran. With
 * --service, the service alone as loaded at the best point (the fitted values scaled as it
 * scales the base), the fitted values themselves a comment. */
void calib_write_fitted(FILE *f, const calib *cb, const cpoint *best);

/* Print the calibration's result on stdout: how the search ended (converged, the
 * simplex's size against tol, or stopped at --max-evals), the distance, each target's fit
 * at the best point, each free key's start and fitted value (flagged at the edge of its
 * range) and the overrides to paste; runs nothing. */
void calib_report(const calib *cb, int converged, double size, double tol);

#endif
