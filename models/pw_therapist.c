/* The therapist effect, measured as a study of the service's records would (pw_therapist.h):
 * each clinician's courses summed as they end, the estimator over clinicians, and the
 * metrics therapist_effect_step2/3 and therapist_effect_burnout_part_step2/3 from a
 * world's or a federation's pooled sums.
 *
 * Holds: clinician.courses (the sums), pw_pool.ther (their copy at the run's end).
 * Streams: none. Schedules: nothing.
 */
#include "pw_therapist.h"

#include <math.h>
#include <stdlib.h>

#include "pw_state.h"

void pw_clin_courses_add(pw_clin_courses *c, double first, double last, double burnout)
{
    c->n += 1;
    c->sx += first;
    c->sy += last;
    c->sxx += first * first;
    c->sxy += first * last;
    c->syy += last * last;
    c->sb += burnout;
}

/* The residual adjustment: e = y - b1 x + a1 (the last score less its regression on the
 * first), less b2 (B - bbar) where B is the clinician's mean burnout (b2 0: none). `noise`:
 * the variance below which a component is rounding, not variation (pw_therapist_effect). */
typedef struct adjust {
    double b1, a1, b2, bbar, noise;
} adjust;

/* The sum and the sum of squares of clinician c's residuals under adjustment j. */
static void residuals(const pw_clin_courses *c, const adjust *j, double *se, double *see)
{
    double s = c->sy - j->b1 * c->sx + c->n * j->a1;
    double ss = c->syy - 2 * j->b1 * c->sxy + j->b1 * j->b1 * c->sxx +
                2 * j->a1 * (c->sy - j->b1 * c->sx) + c->n * j->a1 * j->a1;
    if (j->b2 != 0) {
        double d = c->sb / c->n - j->bbar;
        ss += -2 * j->b2 * d * s + j->b2 * j->b2 * d * d * c->n;
        s -= j->b2 * d * c->n;
    }
    *se = s;
    *see = ss;
}

/* The between-clinician variance component of the residuals under j, over clinicians with
 * PW_THERAPIST_MIN_COURSES or more courses, by the ANOVA estimator: (MSB - MSW) / n0,
 * floored at 0; *msw gets MSW. `fitted` clinician-level covariates already taken out of
 * the residuals each cost the clinicians' means a degree of freedom (MSB = SSB / (k - 1 -
 * fitted), as a multilevel model's REML estimate counts it). NaN with fewer than
 * PW_THERAPIST_MIN_CLINICIANS such clinicians. Either component under j->noise is 0:
 * sums of squares taken from raw sums leave rounding of about 1e-16 of the scores' mean
 * square where the residuals do not vary (every course's last score its first: the share
 * was found 100%, 0% or NaN at random, burnout's part -3% or -2e-16). */
static double between(const pw_clin_courses *c, size_t k, const adjust *j, int fitted,
                      double *msw)
{
    double N = 0, kk = 0, tot = 0, sumsq_n = 0, ssw = 0;
    for (size_t i = 0; i < k; i++)
        if (c[i].n >= PW_THERAPIST_MIN_COURSES) {
            double se, see;
            residuals(&c[i], j, &se, &see);
            N += c[i].n;
            kk += 1;
            tot += se;
            sumsq_n += c[i].n * c[i].n;
            ssw += see - se * se / c[i].n;
        }
    if (kk < PW_THERAPIST_MIN_CLINICIANS)
        return NAN;
    double gm = tot / N, ssb = 0;
    for (size_t i = 0; i < k; i++)
        if (c[i].n >= PW_THERAPIST_MIN_COURSES) {
            double se, see;
            residuals(&c[i], j, &se, &see);
            double m = se / c[i].n;
            ssb += c[i].n * (m - gm) * (m - gm);
        }
    double msb = ssb / (kk - 1 - fitted), n0 = (N - sumsq_n / N) / (kk - 1);
    *msw = ssw / (N - kk);
    if (*msw < j->noise)
        *msw = 0;
    double tau = (msb - *msw) / n0;
    return tau < j->noise ? 0.0 : tau;
}

void pw_therapist_effect(const pw_clin_courses *c, size_t k, double *share,
                         double *burnout_part)
{
    *share = *burnout_part = NAN;
    double N = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, sb = 0;
    for (size_t i = 0; i < k; i++) {
        N += c[i].n;
        sx += c[i].sx;
        sy += c[i].sy;
        sxx += c[i].sxx;
        sxy += c[i].sxy;
        syy += c[i].syy;
        sb += c[i].sb;
    }
    if (N < PW_THERAPIST_MIN_TOTAL)
        return;
    /* The last score regressed on the first over every course. */
    double mx = sx / N, my = sy / N, cxx = sxx - N * mx * mx, cxy = sxy - N * mx * my;
    adjust j = {.b1 = cxx > 0 ? cxy / cxx : 0};
    j.a1 = j.b1 * mx;
    /* Rounding's scale: a billionth of the mean square of the terms the residuals' sums of
     * squares are taken from (PHQ-9's: about 1e-7 points squared, against between-clinician
     * variances of the order of 1). */
    j.noise = 1e-9 * (syy + j.b1 * j.b1 * sxx) / N;
    double msw, tau = between(c, k, &j, 0, &msw);
    if (isnan(tau))
        return;
    *share = tau + msw > 0 ? tau / (tau + msw) : NAN;
    /* The residuals regressed on the clinicians' mean burnout, course by course. */
    double e_mean = my, sbe = 0, sbb = 0;
    j.bbar = sb / N;
    for (size_t i = 0; i < k; i++)
        if (c[i].n > 0) {
            double se, see, d = c[i].sb / c[i].n - j.bbar;
            residuals(&c[i], &j, &se, &see);
            sbe += d * (se - c[i].n * e_mean);
            sbb += c[i].n * d * d;
        }
    /* Burnout alike in every clinician: nothing to explain with. Alike to rounding too (a
     * spread under a millionth of the mean: 0.3 at every course sums to clinicians' means a
     * few 1e-17 apart where their counts differ, and a slope fitted to them found burnout's
     * part -2.7%, -1.1% or +4.0%). */
    if (!(sbb > 1e-12 * N * j.bbar * j.bbar))
        return;
    j.b2 = sbe / sbb;
    double msw2, tau2 = between(c, k, &j, 1, &msw2);
    *burnout_part = tau > 0 ? 1 - tau2 / tau : NAN;
}

void therapist_course(world *w, const patient *pt, const clinician *c, int sessions,
                      int unfinished)
{
    if (!c || unfinished || !pt->cohort || sessions < 2 || !pt->has_obs0 || !pt->has_obs ||
        (pt->at != W_WAIT_STEP && pt->at != W_TREATMENT))
        return;
    clinician *m = w->staff[c->id]; /* the record, which the caller holds read-only */
    pw_clin_courses_add(&m->courses[pt->step], pt->obs_phq0, pt->obs_phq, m->burnout);
}

int therapist_capture(world *w)
{
    pw_pool *pl = &w->out->pool;
    size_t n = 0;
    for (int st = 0; st < PW_STEP_N; st++) {
        pl->ther_n[st] = 0;
        for (size_t i = 0; i < w->n_staff; i++)
            pl->ther_n[st] += w->staff[i]->courses[st].n > 0;
        n += pl->ther_n[st];
    }
    pl->ther = NULL;
    if (n && !(pl->ther = malloc(n * sizeof *pl->ther)))
        return -1;
    size_t k = 0;
    for (int st = 0; st < PW_STEP_N; st++)
        for (size_t i = 0; i < w->n_staff; i++)
            if (w->staff[i]->courses[st].n > 0)
                pl->ther[k++] = w->staff[i]->courses[st];
    return 0;
}

void therapist_metrics(const pw_pool *pl, double *m)
{
    const pw_clin_courses *c = pl->ther;
    for (int st = 0; st < PW_STEP_N; st++) {
        double share, part;
        pw_therapist_effect(c, pl->ther_n[st], &share, &part);
        m[st == PW_STEP2 ? PW_M_THERAPIST_EFFECT_STEP2 : PW_M_THERAPIST_EFFECT_STEP3] = share;
        m[st == PW_STEP2 ? PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2
                         : PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3] = part;
        if (c)
            c += pl->ther_n[st];
    }
}
