/* The therapist effect the baseline produces, measured as a multilevel study of a service's
 * records measures it (Delgadillo, Saxon and Barkham 2018, docs/calibration.md §5 [10]):
 * the share of the variance of courses' last PHQ-9 score, adjusted for the first, that
 * lies between clinicians (a one-way random-effects intraclass correlation), and the part
 * of that between-clinician variance their burnout explains (the fall in it when each
 * clinician's mean burnout, as patients.csv's clinician_burnout gives it, is a covariate).
 * Courses: each cohort step-2 or step-3 course of 2+ attended sessions, finished within
 * the run, with its treating clinician (records from pw_run's monitor); the last score
 * regressed on the first within the step and replication, and the residuals' ICC over
 * clinicians with at least 5 such courses, the mean over replications. Checks that the
 * shipped values give the source's figures (about 5%, about a third of it burnout's:
 * baseline.cfg calibrates therapist_effect_sd, burnout_effect and
 * burnout_susceptibility_sd to them), and that the mechanism is the one documented:
 * clinicians alike in proneness to burnout leave burnout explaining little, and no effect
 * between clinicians leaves the measure finding next to nothing. Fixed seed: the
 * scenario's. The sanitizer pass runs one replication of each and leaves the bands to the
 * optimised pass.
 *
 * Given settings after the root (`test_therapist . workforce.burnout_effect=0.5 ...`,
 * replications from THERAPIST_REPS, default 32), it measures the baseline with them as
 * --set and prints, judging nothing: the study behind the calibration. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "harness.h"
#include "prog_util.h"
#include "models/pw_pool.h"
#include "models/pw_therapist.h"
#include "models/pw_world.h"

#define REPS 32      /* as shipped: the bands need a half-width under half theirs */
#define REPS_MECH 8  /* the mechanism: bounds far from their limits */
#define MIN_COURSES 5 /* courses a clinician needs to count in the ICC */

typedef struct course {
    int clin, first, last;
    double burnout; /* the clinician's as the course ended */
} course;

typedef struct courses {
    course *c[2]; /* step 2, step 3 */
    size_t n[2], cap[2];
    int oom;
} courses;

static void on_stage(void *ctx, const pw_stage_record *r)
{
    courses *t = ctx;
    int s = strcmp(r->stage, "step2") == 0 ? 0 : strcmp(r->stage, "step3") == 0 ? 1 : -1;
    if (s < 0 || !r->cohort || r->unfinished || r->sessions < 2 || r->clinician < 0 ||
        r->phq9_first < 0 || r->phq9_last < 0)
        return;
    if (t->n[s] == t->cap[s]) {
        size_t cap = t->cap[s] ? 2 * t->cap[s] : 4096;
        course *c = realloc(t->c[s], cap * sizeof *c);
        if (!c) {
            t->oom = 1;
            return;
        }
        t->c[s] = c;
        t->cap[s] = cap;
    }
    t->c[s][t->n[s]++] = (course){r->clinician, r->phq9_first, r->phq9_last, r->clinician_burnout};
}

/* The between-clinician variance component of e (one value a course) over clinicians
 * with MIN_COURSES or more courses, by the ANOVA estimator: (MSB - MSW) / n0, floored at
 * 0; *within gets MSW. `fitted`: coefficients of clinician-level covariates already
 * taken out of e, each a degree of freedom of the clinicians' means (MSB = SSB / (k - 1 -
 * fitted), as a multilevel model's REML estimate counts it; with k - 1 a covariate of no
 * effect at all would seem to explain about 1 / (k - 1) of the variance). NaN if fewer
 * than 10 such clinicians. */
static double between(const course *c, const double *e, size_t n, int nc, int fitted,
                      double *within)
{
    double *sum = calloc((size_t)nc, sizeof *sum), *sq = calloc((size_t)nc, sizeof *sq);
    size_t *cnt = calloc((size_t)nc, sizeof *cnt);
    if (!sum || !sq || !cnt) {
        free(sum);
        free(sq);
        free(cnt);
        return NAN;
    }
    for (size_t i = 0; i < n; i++) {
        sum[c[i].clin] += e[i];
        sq[c[i].clin] += e[i] * e[i];
        cnt[c[i].clin]++;
    }
    double N = 0, k = 0, tot = 0, sumsq_n = 0, ssw = 0;
    for (int j = 0; j < nc; j++)
        if (cnt[j] >= MIN_COURSES) {
            N += (double)cnt[j];
            k += 1;
            tot += sum[j];
            sumsq_n += (double)cnt[j] * (double)cnt[j];
            ssw += sq[j] - sum[j] * sum[j] / (double)cnt[j];
        }
    double gm = tot / N, ssb = 0;
    for (int j = 0; j < nc; j++)
        if (cnt[j] >= MIN_COURSES) {
            double m = sum[j] / (double)cnt[j];
            ssb += (double)cnt[j] * (m - gm) * (m - gm);
        }
    free(sum);
    free(sq);
    free(cnt);
    if (k < 10)
        return NAN;
    double msb = ssb / (k - 1 - fitted), msw = ssw / (N - k), n0 = (N - sumsq_n / N) / (k - 1);
    *within = msw;
    return fmax(0.0, (msb - msw) / n0);
}

/* e - b x (x - mean x), b the least-squares slope of e on x, over the n courses. Returns
 * 0 where x does not vary, to rounding (its spread under a millionth of its mean: no slope,
 * e left as it was), else 1. */
static int adjust(double *e, const double *x, size_t n)
{
    double mx = 0, me = 0, sxe = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        me += e[i];
    }
    mx /= (double)n;
    me /= (double)n;
    for (size_t i = 0; i < n; i++) {
        sxe += (x[i] - mx) * (e[i] - me);
        sxx += (x[i] - mx) * (x[i] - mx);
    }
    int varies = sxx > 1e-12 * (double)n * mx * mx;
    double b = varies ? sxe / sxx : 0;
    for (size_t i = 0; i < n; i++)
        e[i] -= b * (x[i] - mx);
    return varies;
}

/* Of the courses c[0..n): the ICC of the last score adjusted for the first (the share of
 * the residual variance between clinicians), and the share of that between-clinician
 * variance that the clinicians' burnout explains, as a multilevel study with a therapist-
 * level covariate measures it: 1 - (between-clinician variance with each clinician's mean
 * burnout over their courses as a covariate) / (without). NaN if too few courses. */
static void icc(const course *c, size_t n, double *share, double *explained)
{
    *share = *explained = NAN;
    if (n < 100)
        return;
    int nc = 0;
    for (size_t i = 0; i < n; i++)
        if (c[i].clin + 1 > nc)
            nc = c[i].clin + 1;
    double *e = calloc(n, sizeof *e), *x = calloc(n, sizeof *x);
    double *bsum = calloc((size_t)nc, sizeof *bsum), *bcnt = calloc((size_t)nc, sizeof *bcnt);
    if (e && x && bsum && bcnt) {
        for (size_t i = 0; i < n; i++) {
            e[i] = c[i].last;
            x[i] = c[i].first;
            bsum[c[i].clin] += c[i].burnout;
            bcnt[c[i].clin] += 1;
        }
        (void)adjust(e, x, n); /* the last score adjusted for the first */
        double msw, tau = between(c, e, n, nc, 0, &msw);
        *share = tau / (tau + msw);
        for (size_t i = 0; i < n; i++)
            x[i] = bsum[c[i].clin] / bcnt[c[i].clin];
        if (adjust(e, x, n)) { /* and for the clinician's mean burnout, where it varies */
            double msw2, tau2 = between(c, e, n, nc, 1, &msw2);
            *explained = tau > 0 ? 1 - tau2 / tau : NAN;
        }
    }
    free(e);
    free(x);
    free(bsum);
    free(bcnt);
}

/* a and b agree to rounding (sums taken in another order), or are both NaN. */
static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || fabs(a - b) <= 1e-9 * fmax(1.0, fabs(b));
}

/* The model's estimator (pw_therapist_effect, from each clinician's sums) on the courses
 * c[0..n) of clinicians 0..k-1: *share and *part. */
static void from_sums(const course *c, size_t n, int k, double *share, double *part)
{
    pw_clin_courses *m = calloc((size_t)k, sizeof *m);
    *share = *part = NAN;
    if (!m)
        return;
    for (size_t i = 0; i < n; i++)
        pw_clin_courses_add(&m[c[i].clin], c[i].first, c[i].last, c[i].burnout);
    pw_therapist_effect(m, (size_t)k, share, part);
    free(m);
}

/* The estimator on made-up studies whose truth is known, so that its bias is seen apart
 * from the model's: each of 50 clinicians (the baseline's studies count 50 to 70) has 10
 * courses, the last score 3 + half the first
 * (uniform on 5..25) + the clinician's effect (sd 2 points) + the course's (sd 4), rounded:
 * a share between clinicians of 4 / 20. The covariate (the courses' `burnout`) is a
 * clinician-level standard normal z, and the effect 2 x (sqrt(part) z + sqrt(1 - part) v),
 * v another: the covariate explains `part` of the between-clinician variance, in truth.
 * Returns the mean over `studies` of what icc finds it explains (NaN out of memory);
 * *mismatch counts the studies where the model's estimator from clinicians' sums
 * (pw_therapist_effect) finds other figures than icc's course by course. */
static double synthetic_explained(gsl_rng *r, double part, int studies, int *mismatch)
{
    enum { K = 50, PER = 10 };
    course *c = malloc(K * PER * sizeof *c);
    if (!c)
        return NAN;
    double sum = 0;
    int counted = 0;
    for (int st = 0; st < studies; st++) {
        for (int j = 0; j < K; j++) {
            double z = gsl_ran_gaussian_ziggurat(r, 1.0), v = gsl_ran_gaussian_ziggurat(r, 1.0);
            double u = 2 * (sqrt(part) * z + sqrt(1 - part) * v);
            for (int i = 0; i < PER; i++) {
                int first = 5 + (int)gsl_rng_uniform_int(r, 21);
                double last = 3 + 0.5 * first + u + gsl_ran_gaussian_ziggurat(r, 4.0);
                c[j * PER + i] = (course){j, first, (int)lround(last), z};
            }
        }
        double share, expl, s2, e2;
        icc(c, K * PER, &share, &expl);
        from_sums(c, K * PER, K, &s2, &e2);
        *mismatch += !same(share, s2) || !same(expl, e2);
        if (!isnan(expl)) {
            sum += expl;
            counted++;
        }
    }
    free(c);
    return counted ? sum / counted : NAN;
}

/* The part explained, as icc measures it, is unbiased where the truth is known: a
 * covariate of no effect explains nothing (within 1 point), one behind a third of the
 * variance a third (within 1.5 points: a study's part is a ratio of two noisy estimates,
 * which at 50 clinicians sits about half a point under its truth). 4,000 made-up studies
 * a truth; over 8 seeds their means spread -0.1 to 0.1 and 32.3 to 33.2 points. Dividing
 * the adjusted between-clinician sum of squares by k - 1, not k - 2, found 2.8 to 3.0
 * points for the covariate of no effect (and 34.6 to 35.5 for the third). */
static void test_therapist_estimator(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!CHECK(r != NULL, "memory for a stream"))
        return;
    gsl_rng_set(r, 20181);
    int studies = harness_sanitized() ? 50 : 4000;
    int mismatch = 0;
    double none = synthetic_explained(r, 0.0, studies, &mismatch);
    double third = synthetic_explained(r, 1.0 / 3, studies, &mismatch);
    gsl_rng_free(r);
    CHECK(mismatch == 0, "the estimator from clinicians' sums finds what the course-by-course "
          "one finds in every made-up study (%d differ)", mismatch);
    printf("    made-up studies (%d each): a covariate of no effect explains %.1f%%, one "
           "behind a third %.1f%%\n", studies, 100 * none, 100 * third);
    if (harness_sanitized())
        return;
    CHECK(fabs(none) <= 0.01,
          "a covariate of no effect explains 0 +- 1 point of the between-clinician "
          "variance (got %.1f%%)", 100 * none);
    CHECK(fabs(third - 1.0 / 3) <= 0.015,
          "a covariate behind a third of it explains 33.3%% +- 1.5 points (got %.1f%%)",
          100 * third);
}

/* A covariate alike in every clinician, to rounding (every course's burnout 0.3, the
 * clinicians 5 to 20 courses each: their means come out a few 1e-17 apart) explains
 * nothing it can be fitted to: burnout's part empty, from clinicians' sums and course by
 * course, as where it is 0 or 1 (a slope fitted to the rounding gave one in each of the
 * 20 studies at 0.3, -2.7% in the first). */
static void test_therapist_alike_covariate(void)
{
    enum { K = 50, PER = 20 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    course *c = malloc(K * PER * sizeof *c);
    if (!CHECK(r && c, "memory for a study")) {
        gsl_rng_free(r);
        free(c);
        return;
    }
    gsl_rng_set(r, 20181);
    static const double level[] = {0.0, 0.3, 1.0};
    int bad = 0;
    for (int l = 0; l < 3; l++)
        for (int st = 0; st < 20; st++) {
            size_t n = 0;
            for (int j = 0; j < K; j++) {
                double u = gsl_ran_gaussian_ziggurat(r, 2.0);
                int per = 5 + (int)gsl_rng_uniform_int(r, PER - 4);
                for (int i = 0; i < per; i++) {
                    int first = 5 + (int)gsl_rng_uniform_int(r, 21);
                    double last = 3 + 0.5 * first + u + gsl_ran_gaussian_ziggurat(r, 4.0);
                    c[n++] = (course){j, first, (int)lround(last), level[l]};
                }
            }
            double share, part, s2, p2;
            icc(c, n, &share, &part);
            from_sums(c, n, K, &s2, &p2);
            if ((!isnan(part) || !isnan(p2) || !same(share, s2)) && !bad++)
                printf("    burnout %.1f for every clinician, study %d: burnout's part %g "
                       "course by course, %g from sums\n", level[l], st, part, p2);
        }
    CHECK(bad == 0, "burnout alike in every clinician (0, 0.3, 1): burnout's part empty "
          "(%d of 60 studies gave one)", bad);
    gsl_rng_free(r);
    free(c);
}

/* Studies with nothing to find, or everything, where sums of squares from raw sums meet
 * rounding: every course's last score equal to its first (the residuals all alike, no
 * variance to share: NaN both, in every study shape; before pw_therapist.c's noise floor
 * 3,250 of the 4,000 shapes gave 100%, 0% or a NaN share beside a part of -2.8% or -2e-16),
 * every last score equal (NaN; 63 gave a figure), every first score equal (Sxx 0: no slope) with each clinician's
 * courses alike and clinicians apart (all the variance between them: exactly 1), clinicians
 * with no course set among the others (ignored: the same figures), and all the courses at
 * one clinician (NaN). */
static void test_therapist_degenerate(void)
{
    enum { KMAX = 49 };
    pw_clin_courses c[2 * KMAX];
    uint32_t s = 20181;
    int studies = harness_sanitized() ? 200 : 4000, unchanged = 0, same_last = 0, apart = 0,
        gaps = 0;
    for (int st = 0; st < studies; st++) {
        int k = 10 + st % 40, per = 5 + (st / 40) % 50;
        double share, part, s2, p2;
        /* last = first */
        memset(c, 0, sizeof c);
        for (int j = 0; j < k; j++)
            for (int i = 0; i < per; i++) {
                s = s * 1103515245u + 12345u;
                int x = (int)((s >> 16) % 28);
                pw_clin_courses_add(&c[j], x, x, 0.37 * j + 0.011 * i);
            }
        pw_therapist_effect(c, (size_t)k, &share, &part);
        unchanged += !isnan(share) || !isnan(part);
        /* every last score 12 */
        memset(c, 0, sizeof c);
        for (int j = 0; j < k; j++)
            for (int i = 0; i < per; i++) {
                s = s * 1103515245u + 12345u;
                pw_clin_courses_add(&c[j], (int)((s >> 16) % 28), 12, 0.37 * j + 0.011 * i);
            }
        pw_therapist_effect(c, (size_t)k, &share, &part);
        same_last += !isnan(share) || !isnan(part);
        /* every first score 15, each clinician's last score their own; then the same
         * clinicians with an empty record after each */
        memset(c, 0, sizeof c);
        for (int j = 0; j < k; j++)
            for (int i = 0; i < per; i++)
                pw_clin_courses_add(&c[j], 15, j % 28, 0.37 * (j % 5) + 0.011 * i);
        pw_therapist_effect(c, (size_t)k, &share, &part);
        apart += per * k >= PW_THERAPIST_MIN_TOTAL && share != 1.0;
        for (int j = k - 1; j >= 0; j--) {
            c[2 * j] = c[j];
            memset(&c[2 * j + 1], 0, sizeof c[0]);
        }
        pw_therapist_effect(c, (size_t)(2 * k), &s2, &p2);
        gaps += !same(share, s2) || !same(part, p2);
    }
    CHECK(unchanged == 0, "every course's last score its first: no variance to share, NaN "
          "(%d of %d study shapes gave a figure)", unchanged, studies);
    CHECK(same_last == 0, "every last score equal: NaN (%d of %d gave a figure)", same_last,
          studies);
    CHECK(apart == 0, "every first score equal, each clinician's courses alike: all of the "
          "variance between clinicians (%d of %d not 1)", apart, studies);
    CHECK(gaps == 0, "clinicians with no course among the others change nothing (%d of %d "
          "differ)", gaps, studies);
    memset(c, 0, sizeof c);
    for (int i = 0; i < 500; i++)
        pw_clin_courses_add(&c[0], 5 + i % 21, 3 + i % 17, 0.2);
    double share, part;
    pw_therapist_effect(c, KMAX, &share, &part);
    CHECK(isnan(share) && isnan(part), "all 500 courses at one clinician: NaN (got %g, %g)",
          share, part);
}

/* What `measure` finds: each step's mean over the replications, and the standard error
 * of that mean, of the ICC and of burnout's share of the between-clinician variance. */
typedef struct found {
    double share[2], share_se[2], expl[2], expl_se[2];
} found;

/* Mean and standard error of the mean of v[0..n). */
static void mean_se(const double *v, int n, double *mean, double *se)
{
    double m = 0, ss = 0;
    for (int i = 0; i < n; i++)
        m += v[i] / n;
    for (int i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    *mean = m;
    *se = n > 1 ? sqrt(ss / (n - 1) / n) : NAN;
}

/* The baseline with `sets` over `reps` replications (at most MAX_REPS), into *f. 0, or -1. */
#define MAX_REPS 64
static int measure(const char *root, const char *const *sets, size_t nsets, int reps,
                   found *f)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/baseline.cfg", root);
    pw_params *p = malloc(sizeof *p);
    if (!CHECK(p != NULL, "memory for a scenario") || test_load(path, sets, nsets, p)) {
        free(p);
        return -1;
    }
    const char *what = nsets ? sets[0] : "as shipped";
    double share[2][MAX_REPS], expl[2][MAX_REPS];
    int rc = 0;
    for (int rep = 0; rep < reps && rc == 0; rep++) {
        courses t;
        memset(&t, 0, sizeof t);
        pw_monitor mon = {&t, on_stage, NULL, NULL};
        pw_results r;
        if (!CHECK(pw_run(p, rep, &mon, &r) == 0, "%s rep %d: pw_run succeeds", what, rep)) {
            rc = -1;
        } else {
            test_check_accounting("baseline", &r);
            CHECK(!t.oom, "%s rep %d: memory for the courses", what, rep);
            for (int s = 0; s < 2; s++) {
                icc(t.c[s], t.n[s], &share[s][rep], &expl[s][rep]);
                if (!CHECK(!isnan(share[s][rep]),
                           "%s rep %d step %d: enough courses and clinicians for an ICC "
                           "(got %zu courses)",
                           what, rep, s + 2, t.n[s]))
                    rc = -1;
                double ms = r.metric[s ? PW_M_THERAPIST_EFFECT_STEP3 : PW_M_THERAPIST_EFFECT_STEP2];
                double me = r.metric[s ? PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3
                                       : PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2];
                CHECK(same(ms, share[s][rep]) && same(me, expl[s][rep]),
                      "%s rep %d step %d: the metrics from clinicians' sums are the course-"
                      "by-course figures (%.12g and %.12g against %.12g and %.12g)",
                      what, rep, s + 2, ms, me, share[s][rep], expl[s][rep]);
            }
            pw_results_free(&r);
        }
        free(t.c[0]);
        free(t.c[1]);
    }
    free(p);
    for (int s = 0; s < 2 && rc == 0; s++) {
        mean_se(share[s], reps, &f->share[s], &f->share_se[s]);
        mean_se(expl[s], reps, &f->expl[s], &f->expl_se[s]);
    }
    return rc;
}

static void print_found(const char *label, int reps, const found *f)
{
    printf("    %s, %d replications: between clinicians step 2 %.2f%% (se %.2f), step 3 "
           "%.2f%% (se %.2f); burnout explains step 2 %.0f%% (se %.0f), step 3 %.0f%% (se "
           "%.0f)\n",
           label, reps, 100 * f->share[0], 100 * f->share_se[0], 100 * f->share[1],
           100 * f->share_se[1], 100 * f->expl[0], 100 * f->expl_se[0], 100 * f->expl[1],
           100 * f->expl_se[1]);
}

/* Student's t at 97.5% for df degrees of freedom (the replications' interval). */
static double t975(int df)
{
    return gsl_cdf_tdist_Pinv(0.975, df);
}

/* The source's figures as bands, as scenarios/targets/national.cfg gives the published
 * ones. Delgadillo, Saxon and Barkham (2018; 2,223 patients of 49 therapists) found
 * "around 5%" of the variability in outcomes between therapists, and disengagement and
 * job satisfaction explaining 31-39% of it: the share between clinicians 5% +- 1.5 points
 * at each step, burnout's part a third +- 15 points (an estimate from 49 therapists is
 * itself wide, and this model's burnout stands for disengagement alone). The mean must
 * lie in the band and, so that a verdict does not hang on noise, its 95% half-width be
 * under half the band's (32 replications give about 0.5 and 4 points). */
#define SHARE_TARGET 0.05
#define SHARE_BAND 0.015
#define EXPL_TARGET (1.0 / 3)
#define EXPL_BAND 0.15

static void test_therapist_share(const char *root)
{
    int reps = harness_reps(REPS);
    found f;
    if (measure(root, NULL, 0, reps, &f))
        return;
    print_found("as shipped", reps, &f);
    if (harness_sanitized())
        return;
    double t = t975(reps - 1);
    for (int s = 0; s < 2; s++) {
        CHECK(fabs(f.share[s] - SHARE_TARGET) <= SHARE_BAND,
              "step %d: clinicians hold the source's ~5%% of the variance (band 3.5%%-6.5%%; "
              "got %.2f%%)", s + 2, 100 * f.share[s]);
        CHECK(t * f.share_se[s] < SHARE_BAND / 2,
              "step %d: the share's 95%% half-width %.2f points is under half the band's",
              s + 2, 100 * t * f.share_se[s]);
        CHECK(fabs(f.expl[s] - EXPL_TARGET) <= EXPL_BAND,
              "step %d: burnout explains about a third of it (band 18%%-48%%; got %.0f%%)",
              s + 2, 100 * f.expl[s]);
        CHECK(t * f.expl_se[s] < EXPL_BAND / 2,
              "step %d: burnout's part's 95%% half-width %.0f points is under half the band's",
              s + 2, 100 * t * f.expl_se[s]);
    }
}

/* What makes burnout explain a third is that clinicians differ in proneness: with
 * everyone alike (burnout_susceptibility_sd 0) the diaries, alike full, burn them out
 * alike and burnout explains little: its part's upper 95% bound must lie below the
 * band's lower edge. And with no therapist effect and burnout costing nothing, the
 * measure finds next to nothing between clinicians (its upper bound under 1%): what it
 * finds as shipped is the model's, not the estimator's. */
static void test_therapist_mechanism(const char *root)
{
    int reps = harness_reps(REPS_MECH);
    /* Three years of window: these bounds lie far from their limits (measured at three
     * years: burnout's part 1% and -2%, the share 0.14% and 0.06%), so the suite's time
     * goes to the bands above. */
    const char *alike[] = {"workforce.burnout_susceptibility_sd=0", "horizon_weeks=156"};
    const char *none[] = {"staff.pwp.therapist_effect_sd=0", "staff.hit.therapist_effect_sd=0",
                          "workforce.burnout_effect=0", "horizon_weeks=156"};
    found a, z;
    if (measure(root, alike, 2, reps, &a) || measure(root, none, 4, reps, &z))
        return;
    print_found("clinicians alike in proneness", reps, &a);
    print_found("no therapist effect, burnout costing nothing", reps, &z);
    if (harness_sanitized())
        return;
    double t = t975(reps - 1);
    for (int s = 0; s < 2; s++) {
        CHECK(a.expl[s] + t * a.expl_se[s] < EXPL_TARGET - EXPL_BAND,
              "step %d: alike in proneness, burnout explains under 18%% (got %.0f%%, upper "
              "bound %.0f%%)", s + 2, 100 * a.expl[s], 100 * (a.expl[s] + t * a.expl_se[s]));
        CHECK(z.share[s] + t * z.share_se[s] < 0.01,
              "step %d: with no effect between clinicians the measure finds under 1%% (got "
              "%.2f%%)", s + 2, 100 * z.share[s]);
    }
}

/* The courses of two replications' collector into one: b's clinicians numbered after a's,
 * as a federation's national study sets services' clinicians side by side. */
static int join(const courses *a, const courses *b, int s, course **out, size_t *n)
{
    int na = 0;
    for (size_t i = 0; i < a->n[s]; i++)
        if (a->c[s][i].clin + 1 > na)
            na = a->c[s][i].clin + 1;
    *n = a->n[s] + b->n[s];
    if (!(*out = malloc(*n * sizeof **out)))
        return -1;
    memcpy(*out, a->c[s], a->n[s] * sizeof **out);
    for (size_t i = 0; i < b->n[s]; i++) {
        (*out)[a->n[s] + i] = b->c[s][i];
        (*out)[a->n[s] + i].clin += na;
    }
    return 0;
}

/* A federation's national figure is the study of all its services' courses together: two
 * replications of the baseline pooled as two services (pw_pool_add, pw_pool_finish) give
 * the figures of their courses joined, clinicians side by side; one pooled alone gives
 * its own. */
static void test_therapist_pooled(const char *root)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/scenarios/baseline.cfg", root);
    const char *sets[] = {"horizon_weeks=104"};
    pw_params *p = malloc(sizeof *p);
    if (!CHECK(p != NULL, "memory for a scenario") || test_load(path, sets, 1, p)) {
        free(p);
        return;
    }
    courses t[2];
    pw_results r[2], one, two;
    memset(t, 0, sizeof t);
    memset(r, 0, sizeof r); /* pw_results_free of one not run frees nothing */
    int ok = 1;
    for (int k = 0; k < 2 && ok; k++) {
        pw_monitor mon = {&t[k], on_stage, NULL, NULL};
        ok = CHECK(pw_run(p, k, &mon, &r[k]) == 0 && !t[k].oom, "replication %d runs", k);
    }
    if (ok && CHECK(pw_pool_begin(&one, 0, 1) == 0 && pw_pool_add(&one, 0, &r[0]) == 0 &&
                        pw_pool_begin(&two, 0, 2) == 0 && pw_pool_add(&two, 0, &r[0]) == 0 &&
                        pw_pool_add(&two, 1, &r[1]) == 0,
                    "pooling succeeds")) {
        pw_pool_finish(p, &one);
        pw_pool_finish(p, &two);
        for (int s = 0; s < 2; s++) {
            pw_metric ms = s ? PW_M_THERAPIST_EFFECT_STEP3 : PW_M_THERAPIST_EFFECT_STEP2;
            pw_metric me = s ? PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3
                             : PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2;
            CHECK(!isnan(one.metric[ms]) && one.metric[ms] == r[0].metric[ms] &&
                      same(one.metric[me], r[0].metric[me]),
                  "step %d: one service pooled alone keeps its figures (%.12g, %.12g)", s + 2,
                  one.metric[ms], r[0].metric[ms]);
            course *c;
            size_t n;
            double share, expl;
            if (!CHECK(join(&t[0], &t[1], s, &c, &n) == 0, "memory for the joined courses"))
                continue;
            icc(c, n, &share, &expl);
            free(c);
            CHECK(!isnan(share) && same(two.metric[ms], share) && same(two.metric[me], expl),
                  "step %d: two services pooled are the study of their courses joined "
                  "(%.12g and %.12g against %.12g and %.12g)",
                  s + 2, two.metric[ms], two.metric[me], share, expl);
        }
        pw_results_free(&one);
        pw_results_free(&two);
    }
    for (int k = 0; k < 2; k++) {
        free(t[k].c[0]);
        free(t[k].c[1]);
        pw_results_free(&r[k]);
    }
    free(p);
}

int main(int argc, char **argv)
{
    char root[1024];
    if (test_root(argc, argv, "scenarios/baseline.cfg", root, sizeof root) != 0)
        return 2;
    if (argc > 2) { /* a study: the baseline with argv[2..] as --set, printed, not judged */
        const char *e = getenv("THERAPIST_REPS");
        int reps = e ? atoi(e) : REPS;
        found f;
        if (reps < 2 || reps > MAX_REPS || measure(root, (const char *const *)argv + 2,
                                                   (size_t)(argc - 2), reps, &f))
            return 1;
        print_found(argv[2], reps, &f);
        return 0;
    }
    RUN_TEST(test_therapist_estimator);
    RUN_TEST(test_therapist_degenerate);
    RUN_TEST(test_therapist_alike_covariate);
    RUN_TEST_WITH(test_therapist_share, root);
    RUN_TEST_WITH(test_therapist_pooled, root);
    RUN_TEST_WITH(test_therapist_mechanism, root);
    harness_scope("each setting ran at one replication; the bands on the therapist share");
    return harness_done();
}
