/* Distributions as the scenario writes them ({ dist = "gamma"; mean = 6.0; sd = 3.0; }),
 * sampled with GSL. Parameters are stored as the user wrote them (mean, sd, ...) and
 * converted to GSL's own (scale, shape, mu, sigma) once, at validation time. */
#ifndef PW_DIST_H
#define PW_DIST_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

typedef enum pw_dist_kind {
    PW_DIST_FIXED,       /* value */
    PW_DIST_EXPONENTIAL, /* mean */
    PW_DIST_GAMMA,       /* mean, sd */
    PW_DIST_LOGNORMAL,   /* mean, sd (of the variable itself, not of its log) */
    PW_DIST_NORMAL,      /* mean, sd; only where negative values make sense */
    PW_DIST_UNIFORM,     /* min, max */
    PW_DIST_TRIANGULAR,  /* min, mode, max */
    PW_DIST_EMPIRICAL,   /* values[], optional weights[] (discrete) */
} pw_dist_kind;

#define PW_DIST_MAX_POINTS 64

typedef struct pw_dist {
    pw_dist_kind kind;
    double mean, sd;          /* as written (fixed: mean holds the value) */
    double min, mode, max;    /* uniform, triangular */
    double a, b;              /* derived: gamma shape/scale, lognormal mu/sigma */
    size_t n;                 /* empirical points */
    double values[PW_DIST_MAX_POINTS];
    double cum[PW_DIST_MAX_POINTS]; /* weights as given (1 each if none) before
                                       pw_dist_prepare, cumulative shares after */
} pw_dist;

/* Name of a kind ("gamma"), and the kind of a name (-1 if unknown). */
const char *pw_dist_name(pw_dist_kind k);
int pw_dist_kind_of(const char *name);
/* Check the parameters and derive GSL's. Returns NULL if valid, else a static message
 * naming what is wrong (e.g. "sd must be > 0"). */
const char *pw_dist_prepare(pw_dist *d);
/* One draw; r is borrowed. */
double pw_dist_draw(const pw_dist *d, gsl_rng *r);
/* Theoretical mean (for reports and tests). */
double pw_dist_mean(const pw_dist *d);
/* A fixed distribution. */
pw_dist pw_dist_fixed(double v);

#endif
