/* The therapist effect the baseline produces, measured as a multilevel study of a service's
 * records measures it (Delgadillo, Saxon and Barkham 2018, docs/calibration.md §5 [10]):
 * the share of the variance of courses' last PHQ-9 score, adjusted for the first, that
 * lies between clinicians (a one-way random-effects intraclass correlation). Courses: each
 * cohort step-2 or step-3 course of 2+ attended sessions, finished within the run, with
 * its treating clinician (records from pw_run's monitor); the last score regressed on the
 * first within the step and replication, and the residuals' ICC over clinicians with at
 * least 5 such courses, the mean over replications. Checks that the shipped value
 * (therapist_effect_sd 0.15) gives the share the documents state, about 1% (a fifth of
 * the source's ~5%: baseline.cfg and docs/calibration.md §5 say so), and that the same
 * measure finds the source's share at therapist_effect_sd 0.35, so it can see one. Fixed
 * seed: the scenario's. The sanitizer pass runs one replication of each and leaves the
 * bands to the optimised pass. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "prog_util.h"
#include "models/pw_world.h"

#define REPS 4
#define MIN_COURSES 5 /* courses a clinician needs to count in the ICC */

typedef struct course {
    int clin, first, last;
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
    t->c[s][t->n[s]++] = (course){r->clinician, r->phq9_first, r->phq9_last};
}

/* The ICC of the last score adjusted for the first, over clinicians with MIN_COURSES or
 * more courses: (MSB - MSW) / n0 between, MSW within (ANOVA estimator). NaN if too few. */
static double icc(const course *c, size_t n)
{
    if (n < 100)
        return NAN;
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += c[i].first;
        my += c[i].last;
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0;
    int maxc = 0;
    for (size_t i = 0; i < n; i++) {
        sxy += (c[i].first - mx) * (c[i].last - my);
        sxx += (c[i].first - mx) * (c[i].first - mx);
        if (c[i].clin > maxc)
            maxc = c[i].clin;
    }
    double b = sxx > 0 ? sxy / sxx : 0;
    size_t nc = (size_t)maxc + 1;
    double *sum = calloc(nc, sizeof *sum), *sq = calloc(nc, sizeof *sq);
    size_t *cnt = calloc(nc, sizeof *cnt);
    if (!sum || !sq || !cnt) {
        free(sum);
        free(sq);
        free(cnt);
        return NAN;
    }
    for (size_t i = 0; i < n; i++) {
        double e = c[i].last - my - b * (c[i].first - mx);
        sum[c[i].clin] += e;
        sq[c[i].clin] += e * e;
        cnt[c[i].clin]++;
    }
    double N = 0, k = 0, tot = 0, sumsq_n = 0, ssw = 0;
    for (size_t j = 0; j < nc; j++)
        if (cnt[j] >= MIN_COURSES) {
            N += (double)cnt[j];
            k += 1;
            tot += sum[j];
            sumsq_n += (double)cnt[j] * (double)cnt[j];
            ssw += sq[j] - sum[j] * sum[j] / (double)cnt[j];
        }
    double gm = tot / N, ssb = 0;
    for (size_t j = 0; j < nc; j++)
        if (cnt[j] >= MIN_COURSES) {
            double m = sum[j] / (double)cnt[j];
            ssb += (double)cnt[j] * (m - gm) * (m - gm);
        }
    free(sum);
    free(sq);
    free(cnt);
    if (k < 10)
        return NAN;
    double msb = ssb / (k - 1), msw = ssw / (N - k), n0 = (N - sumsq_n / N) / (k - 1);
    double s2b = (msb - msw) / n0;
    if (s2b < 0)
        s2b = 0;
    return s2b / (s2b + msw);
}

/* The mean over `reps` replications of the ICC at each step, into out[2]. 0, or -1. */
static int measure(const char *root, const char *sd, int reps, double out[2])
{
    char path[4096], s2[64], s3[64];
    snprintf(path, sizeof path, "%s/scenarios/baseline.cfg", root);
    snprintf(s2, sizeof s2, "staff.pwp.therapist_effect_sd=%s", sd);
    snprintf(s3, sizeof s3, "staff.hit.therapist_effect_sd=%s", sd);
    const char *sets[] = {s2, s3};
    pw_params *p = malloc(sizeof *p);
    if (!CHECK(p != NULL, "memory for a scenario") || test_load(path, sets, 2, p)) {
        free(p);
        return -1;
    }
    out[0] = out[1] = 0;
    int rc = 0;
    for (int rep = 0; rep < reps && rc == 0; rep++) {
        courses t;
        memset(&t, 0, sizeof t);
        pw_monitor mon = {&t, on_stage, NULL, NULL};
        pw_results r;
        if (!CHECK(pw_run(p, rep, &mon, &r) == 0, "sd %s rep %d: pw_run succeeds", sd, rep)) {
            rc = -1;
        } else {
            test_check_accounting("baseline", &r);
            pw_results_free(&r);
            CHECK(!t.oom, "sd %s rep %d: memory for the courses", sd, rep);
            for (int s = 0; s < 2; s++) {
                double v = icc(t.c[s], t.n[s]);
                if (!CHECK(!isnan(v), "sd %s rep %d step %d: enough courses and clinicians "
                                      "for an ICC (got %zu courses)",
                           sd, rep, s + 2, t.n[s]))
                    rc = -1;
                out[s] += v / reps;
            }
        }
        free(t.c[0]);
        free(t.c[1]);
    }
    free(p);
    return rc;
}

static void test_therapist_share(const char *root)
{
    int reps = harness_reps(REPS);
    double shipped[2], source[2];
    if (measure(root, "0.15", reps, shipped) || measure(root, "0.35", reps, source))
        return;
    printf("    therapist share of the variance of the last PHQ-9 (first held), %d "
           "replications: therapist_effect_sd 0.15 (shipped): step 2 %.2f%%, step 3 %.2f%%; "
           "0.35: step 2 %.2f%%, step 3 %.2f%%\n",
           reps, 100 * shipped[0], 100 * shipped[1], 100 * source[0], 100 * source[1]);
    if (harness_sanitized())
        return;
    for (int s = 0; s < 2; s++) {
        /* docs/calibration.md §5 and baseline.cfg: about 1% at the shipped value. */
        CHECK(shipped[s] >= 0.003 && shipped[s] <= 0.02,
              "step %d: shipped therapist effect, as documented, is 0.3%%-2%% of the "
              "variance (about 1%%; got %.2f%%)",
              s + 2, 100 * shipped[s]);
        /* The source's ~5% (Delgadillo et al. 2018) is reached near sd 0.35: the measure
         * sees an effect of the source's size when there is one. */
        CHECK(source[s] >= 0.03 && source[s] <= 0.075,
              "step %d: at therapist_effect_sd 0.35 the share is near the source's 5%% "
              "(3%%-7.5%%; got %.2f%%)",
              s + 2, 100 * source[s]);
    }
}

int main(int argc, char **argv)
{
    char root[1024];
    if (test_root(argc, argv, "scenarios/baseline.cfg", root, sizeof root) != 0)
        return 2;
    RUN_TEST_WITH(test_therapist_share, root);
    harness_scope("each setting ran at one replication; the bands on the therapist share");
    return harness_done();
}
