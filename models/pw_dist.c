/* Distributions as scenarios write them, sampled with GSL. */
#include "pw_dist.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>

static const char *const names[] = {"fixed", "exponential", "gamma", "lognormal",
                                     "normal", "uniform", "triangular", "empirical"};

const char *pw_dist_name(pw_dist_kind k)
{
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}

int pw_dist_kind_of(const char *name)
{
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return (int)i;
    return -1;
}

pw_dist pw_dist_fixed(double v)
{
    pw_dist d;
    memset(&d, 0, sizeof d);
    d.kind = PW_DIST_FIXED;
    d.mean = v;
    return d;
}

const char *pw_dist_prepare(pw_dist *d)
{
    switch (d->kind) {
    case PW_DIST_FIXED:
        return isfinite(d->mean) ? NULL : "value must be finite";
    case PW_DIST_EXPONENTIAL:
        return d->mean > 0 && isfinite(d->mean) ? NULL : "mean must be > 0";
    case PW_DIST_GAMMA:
    case PW_DIST_LOGNORMAL:
        if (!(d->mean > 0) || !isfinite(d->mean))
            return "mean must be > 0";
        if (!(d->sd > 0) || !isfinite(d->sd))
            return "sd must be > 0";
        if (d->kind == PW_DIST_GAMMA) {
            /* GSL takes shape and SCALE: shape = (m/s)^2, scale = s^2/m. */
            d->a = (d->mean / d->sd) * (d->mean / d->sd);
            d->b = d->sd * d->sd / d->mean;
        } else {
            /* Moments of the variable itself -> mu, sigma of its log. */
            double s2 = log1p((d->sd / d->mean) * (d->sd / d->mean));
            d->a = log(d->mean) - s2 / 2;
            d->b = sqrt(s2);
        }
        return NULL;
    case PW_DIST_NORMAL:
        if (!isfinite(d->mean))
            return "mean must be finite";
        return d->sd >= 0 && isfinite(d->sd) ? NULL : "sd must be >= 0";
    case PW_DIST_UNIFORM:
        if (!isfinite(d->min) || !isfinite(d->max))
            return "min and max must be finite";
        return d->min < d->max ? NULL : "min must be < max";
    case PW_DIST_TRIANGULAR:
        if (!isfinite(d->min) || !isfinite(d->max) || !isfinite(d->mode))
            return "min, mode and max must be finite";
        if (!(d->min < d->max))
            return "min must be < max";
        return d->min <= d->mode && d->mode <= d->max ? NULL : "mode must lie in [min, max]";
    case PW_DIST_EMPIRICAL: {
        if (d->n == 0 || d->n > PW_DIST_MAX_POINTS)
            return "values must hold 1 to 64 numbers";
        /* cum[] holds the weights on entry (all 1 if none were given). */
        double total = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (!isfinite(d->values[i]))
                return "values must be finite";
            if (!(d->cum[i] >= 0) || !isfinite(d->cum[i]))
                return "weights must be >= 0";
            total += d->cum[i];
        }
        if (!(total > 0))
            return "weights must not all be 0";
        if (!isfinite(total))
            return "weights must sum to a finite number";
        double c = 0;
        for (size_t i = 0; i < d->n; i++) {
            c += d->cum[i];
            d->cum[i] = c / total;
        }
        d->cum[d->n - 1] = 1.0;
        return NULL;
    }
    }
    return "unknown distribution";
}

double pw_dist_draw(const pw_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case PW_DIST_FIXED:
        return d->mean;
    case PW_DIST_EXPONENTIAL:
        return gsl_ran_exponential(r, d->mean); /* GSL takes the mean */
    case PW_DIST_GAMMA:
        return gsl_ran_gamma(r, d->a, d->b);
    case PW_DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, d->a, d->b);
    case PW_DIST_NORMAL:
        return d->mean + gsl_ran_gaussian_ziggurat(r, d->sd);
    case PW_DIST_UNIFORM:
        return gsl_ran_flat(r, d->min, d->max);
    case PW_DIST_TRIANGULAR: {
        /* GSL has no triangular: inverse CDF of one uniform. */
        double u = gsl_rng_uniform(r), w = d->max - d->min, f = (d->mode - d->min) / w;
        return u < f ? d->min + sqrt(u * w * (d->mode - d->min))
                     : d->max - sqrt((1 - u) * w * (d->max - d->mode));
    }
    case PW_DIST_EMPIRICAL: {
        double u = gsl_rng_uniform(r);
        size_t lo = 0, hi = d->n - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (d->cum[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        return d->values[lo];
    }
    }
    return NAN;
}

double pw_dist_mean(const pw_dist *d)
{
    switch (d->kind) {
    case PW_DIST_FIXED:
    case PW_DIST_EXPONENTIAL:
    case PW_DIST_GAMMA:
    case PW_DIST_LOGNORMAL:
    case PW_DIST_NORMAL:
        return d->mean;
    case PW_DIST_UNIFORM:
        return (d->min + d->max) / 2;
    case PW_DIST_TRIANGULAR:
        return (d->min + d->mode + d->max) / 3;
    case PW_DIST_EMPIRICAL: {
        double m = 0, prev = 0;
        for (size_t i = 0; i < d->n; i++) {
            m += d->values[i] * (d->cum[i] - prev);
            prev = d->cum[i];
        }
        return m;
    }
    }
    return NAN;
}
