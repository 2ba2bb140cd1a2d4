/* Model benchmark: single replications of the stepped-care model on one scenario, for
 * horizons of 1, 2, 4 and 8 years (the horizon curve: events and referrals per second,
 * wall time per replication-year and peak memory), then for the service scaled x1, x10,
 * x30 and x140 over one year (the size curve: referrals per second at each size relative
 * to x1). Usage: usage() at the bottom.
 *
 * Method
 * - The scenario is loaded once (scn_load); each run gets warmup_weeks = followup_weeks =
 *   0 and horizon_weeks = 52 x years, so the whole run is the measurement window and the
 *   metric "referrals" counts every referral of the run (re-referrals included).
 * - Every run is one pw_run, with no monitor (no patients.csv or events.csv), in a forked
 *   child, so the peak RSS of the row is that run's alone (ru_maxrss only ever grows).
 *   The child also reports its RSS before pw_run: what it inherited from the parent.
 * - Each horizon is run at least TRIALS times, and more (up to MAX_TRIALS) until its runs
 *   add up to MIN_TIMED_S, since a year of a small scenario takes only tens of ms. The
 *   fastest run counts (noise only slows a run down); the peak RSS is the largest seen.
 *   All runs of a horizon must agree on events fired and referrals (the model is seeded).
 * - Rates are per wall-clock second of pw_run (loading excluded). The run's CPU time is
 *   printed beside its wall time: wall well above CPU means other processes took the
 *   core, and the rates understate the model.
 * - The size curve scales the scenario by --set overrides through the loader, as a user
 *   would: referrals.per_week, every role's staff.<role>.headcount and the pre-filled lists
 *   (prefill.*) times the factor; everything else (hours, caps, hazards, the calendar) as
 *   it is, so each size is the same service k times over. Each size runs at least TRIALS
 *   times while its runs add up to less than MIN_TIMED_S, and at least once; a size whose
 *   runs have taken SIZE_BUDGET_S stops there (one x140 year is ~1.85 million referrals).
 * - The targets: >= 200,000 referrals a second on one core, peak memory flat as
 *   the horizon grows (memory follows people in the system, not people ever referred), and
 *   a per-referral rate at x140 at least 0.8 of the rate at x1, in the same run.
 */
#include "bench_util.h"
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "models/pw_params.h"
#include "models/pw_results.h"
#include "models/pw_world.h"
#include "sim/core/sim.h"
#include "sim/scn_load.h"

#define TRIALS 3
#define MAX_TRIALS 20
#define MIN_TIMED_S 1.0
#define TRIAL_TIMEOUT_S 600 /* a run that takes longer is killed: a hung model */
#define MAX_HORIZONS 16
#define MAX_SETS 32
#define TARGET_REFERRALS_PER_S 200000.0
#define FLAT_SHARE 0.10 /* peak RSS may grow by this share of a person per extra referral */
#define MAX_SIZES 8
#define SIZE_BUDGET_S 40.0  /* a size stops adding runs once they add up to this */
#define TARGET_SIZE_RATIO 0.8 /* rate at the largest size / rate at x1 */

static const char *const default_scenario = "scenarios/baseline.cfg";

/* User + system CPU time of this process so far, in s, or -1. */
static double cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1.0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

/* Resident set of this process now in kB (Linux /proc), or -1. Right after fork the
 * peak above lags behind (it is updated lazily), so a run's starting point is read here. */
static long rss_now_kb(void)
{
    long pages = -1, resident = -1;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    int ok = fscanf(f, "%ld %ld", &pages, &resident) == 2;
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return ok && page > 0 ? resident * (page / 1024) : -1;
}

/* ======================================================================================
 * One run
 * ==================================================================================== */

/* What a run reports. err != 0 means it failed; msg then says why. */
typedef struct run_report {
    double wall_s;        /* pw_run alone */
    double cpu_s;         /* CPU time of pw_run: wall_s well above it = a busy machine */
    double referrals;     /* metric "referrals": every referral, the window being the run */
    uint64_t events;      /* events fired */
    double still_in_system; /* referrals still waiting or in treatment at the end */
    double peak_listed;   /* most people on waiting lists or caseloads at a week's end */
    long rss_start_kb;    /* RSS before pw_run (inherited from the parent) */
    long rss_kb;          /* peak RSS after pw_run */
    int err;
    char msg[160];
} run_report;

/* p with the run made `years` long and all of it the measurement window. */
static pw_params run_params(const pw_params *p, double years)
{
    pw_params q = *p;
    q.warmup_weeks = 0.0;
    q.followup_weeks = 0.0;
    q.horizon_weeks = 52.0 * years;
    q.output.patients = 0;
    q.output.events = 0;
    return q;
}

/* Run replication 0 of p for `years` in this process and fill *out. */
static void run_once(const pw_params *p, double years, run_report *out)
{
    pw_params q = run_params(p, years);
    pw_results res;
    memset(out, 0, sizeof *out);
    out->rss_start_kb = rss_now_kb();
    double c0 = cpu_s(), t0 = now_s();
    int rc = pw_run(&q, 0, NULL, &res);
    double t1 = now_s(), c1 = cpu_s();
    out->rss_kb = peak_rss_kb();
    if (rc != 0) {
        out->err = 1;
        snprintf(out->msg, sizeof out->msg, "pw_run: %s", sim_strerror(rc));
        return;
    }
    out->wall_s = t1 - t0;
    out->cpu_s = c1 - c0;
    out->referrals = res.metric[PW_M_REFERRALS];
    out->events = res.events_fired;
    out->still_in_system = res.metric[PW_M_STILL_IN_SYSTEM_SHARE] * out->referrals;
    for (size_t k = 0; k < res.n_weeks; k++) {
        const pw_week *wk = &res.weeks[k];
        double n = wk->waiting_assessment;
        for (int st = 0; st < PW_STEP_N; st++)
            n += wk->waiting_step[st] + wk->caseload_step[st];
        out->peak_listed = n > out->peak_listed ? n : out->peak_listed;
    }
    pw_results_free(&res);
}

/* run_once as bench_in_child runs it. */
typedef struct run_call {
    const pw_params *p;
    double years;
} run_call;

static int run_in_child(void *ctx, void *report)
{
    const run_call *c = ctx;
    run_once(c->p, c->years, report);
    return 0;
}

/* Run p for `years` in a forked child and return its report in *out. Returns 0, or -1
 * if the run failed or the child died (out->msg says why). */
static int run_child(const pw_params *p, double years, run_report *out)
{
    run_call c = {p, years};
    memset(out, 0, sizeof *out);
    if (bench_in_child(run_in_child, &c, out, sizeof *out, out->msg, sizeof out->msg,
                       TRIAL_TIMEOUT_S) != 0)
        return -1;
    return out->err ? -1 : 0;
}

/* ======================================================================================
 * Output: table rows on stdout, CSV rows appended to --csv
 * ==================================================================================== */

static const char *csv_path;

/* Append one CSV row (no reference columns). Returns 0, or -1 if it could not be written. */
static int csv_row(const char *name, double n, double rate, long rss_kb)
{
    if (!csv_path)
        return 0;
    return bench_csv_row(csv_path, "bench_model", "%s,%.0f,%.0f,,,%ld\n", name, n, rate, rss_kb);
}

/* "model_<scenario file name without directory and .cfg>" into buf. */
static void bench_name(char *buf, size_t len, const char *scenario)
{
    const char *base = strrchr(scenario, '/');
    base = base ? base + 1 : scenario;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".cfg") == 0)
        n -= 4;
    snprintf(buf, len, "model_%.*s", (int)n, base);
}

/* ======================================================================================
 * The benchmark
 * ==================================================================================== */

/* Run p for `years` at least `trials` times, more while the runs add up to less than
 * MIN_TIMED_S (at most MAX_TRIALS), none once they add up to budget_s: the fastest run into
 * *best, the least CPU time of a run into *cpu_min, the largest peak RSS into *rss_max,
 * each run's events/s into rates[] (*k of them).
 * Returns 0, -1 if runs disagreed, -2 if a run failed (said on stderr). */
static int measure(const pw_params *p, double years, int trials, double budget_s,
                   run_report *best, double *cpu_min, long *rss_max, double *rates, int *k)
{
    double spent = 0.0;
    int ret = 0;
    *rss_max = 0;
    *cpu_min = INFINITY;
    for (*k = 0; *k < MAX_TRIALS && (*k < trials || spent < MIN_TIMED_S) &&
                 (*k == 0 || spent < budget_s);
         ++*k) {
        run_report r;
        if (run_child(p, years, &r) != 0) {
            fprintf(stderr, "bench_model: %g years: %s\n", years, r.msg);
            return -2;
        }
        rates[*k] = (double)r.events / r.wall_s;
        spent += r.wall_s;
        if (*k > 0 && (r.events != best->events || r.referrals != best->referrals)) {
            fprintf(stderr,
                    "bench_model: %g years: runs disagree (%llu vs %llu events, %.0f vs "
                    "%.0f referrals): the model is not reproducible\n",
                    years, (unsigned long long)r.events, (unsigned long long)best->events,
                    r.referrals, best->referrals);
            ret = -1;
        }
        if (*k == 0 || r.wall_s < best->wall_s)
            *best = r;
        *cpu_min = r.cpu_s < *cpu_min ? r.cpu_s : *cpu_min;
        *rss_max = r.rss_kb > *rss_max ? r.rss_kb : *rss_max;
    }
    return ret;
}

/* Run every horizon at least `trials` times (more while its runs add up to less than
 * MIN_TIMED_S), print the table and append the CSV rows. Returns 0, or -1 if a run failed,
 * runs disagreed or the CSV could not be written. */
static int bench_model(const pw_params *p, const char *scenario, const double *years,
                       size_t n_years, int trials)
{
    char base[96];
    bench_name(base, sizeof base, scenario);
    run_report best[MAX_HORIZONS];
    long rss_max[MAX_HORIZONS];
    int ret = 0;

    printf("%s: %s, replication 0, whole run measured (warm-up and follow-up 0), fastest "
           "of >= %d runs (until %.1f s in all, <= %d), each in its own process\n",
           base, scenario, trials, MIN_TIMED_S, MAX_TRIALS);
    printf("%-6s %10s %11s %9s %8s %10s %11s %11s %12s %12s\n", "years", "referrals",
           "events", "wall_s", "cpu_s", "events/s", "referrals/s", "s/rep-year",
           "peak_rss_kB", "start_rss_kB");
    for (size_t h = 0; h < n_years; h++) {
        double rates[MAX_TRIALS];
        int k;
        double cpu_min;
        int rc = measure(p, years[h], trials, INFINITY, &best[h], &cpu_min, &rss_max[h], rates,
                         &k);
        if (rc == -2)
            return -1;
        ret |= rc;
        const run_report *b = &best[h];
        double ev_s = (double)b->events / b->wall_s, ref_s = b->referrals / b->wall_s;
        char a[32], c[32];
        printf("%-6g %10.0f %11llu %9.3f %8.3f %10s %11s %11.3f %12ld %12ld\n", years[h],
               b->referrals, (unsigned long long)b->events, b->wall_s, b->cpu_s,
               fmt_rate(a, sizeof a, ev_s), fmt_rate(c, sizeof c, ref_s),
               b->wall_s / years[h], rss_max[h], b->rss_start_kb);
        printf("    events/s of the %d runs:", k);
        for (int j = 0; j < k; j++)
            printf(" %s", fmt_rate(a, sizeof a, rates[j]));
        printf("\n    %.1f events per referral; %.0f referrals still in the system at the end; "
               "at most %.0f people listed (waiting or on a caseload) at a week's end\n",
               (double)b->events / b->referrals, b->still_in_system, b->peak_listed);
        char name[128];
        snprintf(name, sizeof name, "%s_%gy", base, years[h]);
        if (csv_row(name, b->referrals, ev_s, rss_max[h]) != 0)
            ret = -1;
        snprintf(name, sizeof name, "%s_%gy_referrals", base, years[h]);
        if (csv_row(name, b->referrals, ref_s, rss_max[h]) != 0)
            ret = -1;
    }

    double worst = 0.0;
    for (size_t h = 0; h < n_years; h++) {
        double r = best[h].referrals / best[h].wall_s;
        worst = h == 0 || r < worst ? r : worst;
    }
    printf("    target >= %.0f referrals/s on one core: %s (slowest horizon %.0f/s, %.2f x "
           "target)\n",
           TARGET_REFERRALS_PER_S, worst >= TARGET_REFERRALS_PER_S ? "met" : "NOT met", worst,
           worst / TARGET_REFERRALS_PER_S);
    if (n_years > 1) {
        size_t lo = 0, hi = 0;
        for (size_t h = 1; h < n_years; h++) {
            lo = years[h] < years[lo] ? h : lo;
            hi = years[h] > years[hi] ? h : hi;
        }
        /* Memory that followed people ever referred would grow by at least a person's
         * bytes (record, streams, pending events: the memory estimate's) for every extra
         * referral who opts in; memory that follows people in the system grows only with
         * the number of people in it, which levels off in the steady state, plus what
         * grows with time itself (the weekly series). So: bytes per extra referral against
         * FLAT_SHARE of a person's, then horizon to horizon. */
        pw_memory est;
        pw_memory_estimate(p, &est);
        double person = est.people_bytes / est.people;
        double per_ref = 1024.0 * (double)(rss_max[hi] - rss_max[lo]) /
                         (best[hi].referrals - best[lo].referrals);
        double opt_in = p->assessment.opt_in_probability;
        printf("    peak RSS %g y -> %g y: %ld -> %ld kB (%+.1f%%) for %.1f x the referrals and "
               "%.2f x the most people listed: %.1f bytes per extra referral, %s %.0f%% of the "
               "%.0f each would keep if memory followed everyone referred (a person %.0f "
               "bytes x opt-in %.3g)\n",
               years[lo], years[hi], rss_max[lo], rss_max[hi],
               100.0 * (double)(rss_max[hi] - rss_max[lo]) / (double)rss_max[lo],
               best[hi].referrals / best[lo].referrals,
               best[hi].peak_listed / best[lo].peak_listed, per_ref,
               per_ref <= FLAT_SHARE * person * opt_in ? "within" : "NOT within",
               100.0 * FLAT_SHARE, person * opt_in, person, opt_in);
        printf("    peak RSS horizon to horizon:");
        for (size_t h = 1; h < n_years; h++)
            printf(" %g->%g y %+.1f%%%s", years[h - 1], years[h],
                   100.0 * (double)(rss_max[h] - rss_max[h - 1]) / (double)rss_max[h - 1],
                   h + 1 < n_years ? "," : "\n");
    }
    return ret;
}

/* ======================================================================================
 * The size curve
 * ==================================================================================== */

/* scn_load with the loader's messages on stderr; returns its code. */
static int load(const char *scenario, const char *const *sets, size_t n, pw_params *p)
{
    scn_errors errs;
    scn_errors_init(&errs);
    int rc = scn_load(scenario, sets, n, p, &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msg[i]);
    scn_errors_free(&errs);
    return rc;
}

/* Load the scenario with the user's overrides, then the service times k: referrals, every
 * role's headcount and the pre-filled lists, as --set overrides after the user's (base:
 * the scenario as loaded without them). Returns 0, or -1 after the loader's messages. */
static int load_scaled(const char *scenario, const char *const *sets, size_t nsets,
                       const pw_params *base, double k, pw_params *out)
{
    enum { MAX_SCALED = 4 + PW_MAX_ROLES };
    char buf[MAX_SCALED][128];
    const char *all[MAX_SETS + MAX_SCALED];
    size_t n = 0, m = 0;
    for (size_t i = 0; i < nsets; i++)
        all[n++] = sets[i];
    snprintf(buf[m], sizeof buf[m], "referrals.per_week=%.17g", base->referrals.per_week * k);
    all[n++] = buf[m++];
    for (size_t r = 0; r < base->n_roles; r++) {
        snprintf(buf[m], sizeof buf[m], "staff.%s.headcount=%.0f", base->roles[r].name,
                 nearbyint(base->roles[r].headcount * k));
        all[n++] = buf[m++];
    }
    snprintf(buf[m], sizeof buf[m], "prefill.assessment_list=%.0f",
             nearbyint(base->prefill.assessment_list * k));
    all[n++] = buf[m++];
    snprintf(buf[m], sizeof buf[m], "prefill.step2_list=%.0f",
             nearbyint(base->prefill.step_list[PW_STEP2] * k));
    all[n++] = buf[m++];
    snprintf(buf[m], sizeof buf[m], "prefill.step3_list=%.0f",
             nearbyint(base->prefill.step_list[PW_STEP3] * k));
    all[n++] = buf[m++];
    int rc = load(scenario, all, n, out);
    if (rc != SCN_OK)
        fprintf(stderr, "bench_model: cannot load %s scaled x%g: %s\n", scenario, k,
                scn_strerror(rc));
    return rc == SCN_OK ? 0 : -1;
}

/* The size curve: the scenario scaled by each factor, run for `years`; referrals per second
 * of CPU at each size and relative to the first (x1). CPU, not wall: on a shared machine a
 * short x1 run loses a larger share of its wall time to other processes than a long x140
 * run, which would flatter the ratio; the fastest run's wall rate is printed beside it.
 * Prints the table, appends the CSV rows model_<scenario>_x<k>_<Y>y_referrals (rate:
 * referrals per CPU second; reference: the first size's; ratio: this size's over it).
 * Returns 0, or -1 if a run failed, runs disagreed or a row could not be written. */
static int bench_sizes(const pw_params *base, const char *scenario, const char *const *sets,
                       size_t nsets, const double *sizes, size_t n_sizes, double years,
                       int trials)
{
    char name[96];
    bench_name(name, sizeof name, scenario);
    pw_params *p = malloc(sizeof *p);
    if (!p) {
        fprintf(stderr, "bench_model: out of memory\n");
        return -1;
    }
    printf("\n%s size curve: %s x k (referrals.per_week, staff.<role>.headcount, prefill.* "
           "times k), %g year%s, replication 0, >= %d runs (while under %.1f s in all; one at "
           "least, none past %.0f s): the fastest's wall rate, the least CPU's rate\n",
           name, scenario, years, years == 1 ? "" : "s", trials, MIN_TIMED_S, SIZE_BUDGET_S);
    printf("%-6s %10s %11s %8s %9s %8s %12s %12s %7s %12s %5s\n", "size", "referrals",
           "events", "staff", "wall_s", "cpu_s", "refs/wall-s", "refs/cpu-s", "vs_x1",
           "peak_rss_kB", "runs");
    double rate0 = 0, cpu0 = 0, ref0 = 0, last_ratio = 0;
    int ret = 0;
    for (size_t i = 0; i < n_sizes; i++) {
        if (load_scaled(scenario, sets, nsets, base, sizes[i], p) != 0) {
            ret = -1;
            break;
        }
        int staff = 0;
        for (size_t r = 0; r < p->n_roles; r++)
            staff += p->roles[r].headcount;
        run_report b;
        long rss;
        double rates[MAX_TRIALS], cpu;
        int k;
        int rc = measure(p, years, trials, SIZE_BUDGET_S, &b, &cpu, &rss, rates, &k);
        if (rc == -2) {
            ret = -1;
            break;
        }
        ret |= rc;
        double rate = b.referrals / cpu;
        if (i == 0) {
            rate0 = rate;
            cpu0 = cpu;
            ref0 = b.referrals;
        }
        last_ratio = rate / rate0;
        char a[32], c[32];
        printf("x%-5g %10.0f %11llu %8d %9.3f %8.3f %12s %12s %7.3f %12ld %5d\n", sizes[i],
               b.referrals, (unsigned long long)b.events, staff, b.wall_s, cpu,
               fmt_rate(a, sizeof a, b.referrals / b.wall_s), fmt_rate(c, sizeof c, rate),
               last_ratio, rss, k);
        char row[160];
        snprintf(row, sizeof row, "%s_x%g_%gy_referrals", name, sizes[i], years);
        if (csv_path && bench_csv_row(csv_path, "bench_model", "%s,%.0f,%.0f,%.0f,%.4f,%ld\n",
                                      row, b.referrals, rate, rate0, last_ratio, rss) != 0)
            ret = -1;
        if (i > 0 && i + 1 == n_sizes) {
            /* time ~ referrals^e: e = 1 is cost linear in the size of the service */
            double e = log(cpu / cpu0) / log(b.referrals / ref0);
            printf("    x%g / x%g: %.2f x the rate per CPU second (target >= %.2f: %s); CPU "
                   "time grows as referrals^%.2f\n",
                   sizes[i], sizes[0], last_ratio, TARGET_SIZE_RATIO,
                   last_ratio >= TARGET_SIZE_RATIO ? "met" : "NOT met", e);
        }
    }
    free(p);
    return ret;
}

/* ======================================================================================
 * Command line
 * ==================================================================================== */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_model [--csv FILE] [--scenario FILE] [--set KEY=VALUE]...\n"
            "                   [--years Y1,Y2,...] [--sizes K1,K2,...|none] [--size-years Y]\n"
            "                   [--trials N] [trial YEARS]\n"
            "  --scenario FILE  the scenario to run (default %s)\n"
            "  --set KEY=VALUE  override a scenario key, as in stepsim run\n"
            "  --years LIST     horizons in years (default 1,2,4,8)\n"
            "  --sizes LIST     the size curve: the service times each factor, the first the\n"
            "                   reference (default 1,10,30,140; none: no size curve)\n"
            "  --size-years Y   the size curve's horizon in years (default 1)\n"
            "  --trials N       fewest runs per horizon, the fastest counts (default %d);\n"
            "                   more run until they add up to %.1f s (at most %d)\n"
            "  trial YEARS      one run in this process and no table, for profilers\n"
            "Every run is replication 0 with warm-up and follow-up set to 0. Rows go to stdout\n"
            "and, with --csv, two per horizon are appended to FILE (no header line):\n"
            "model_<scenario>_<Y>y (events/s) and model_<scenario>_<Y>y_referrals "
            "(referrals/s),\nand one per size: model_<scenario>_x<K>_<Y>y_referrals "
            "(referrals/s, the first size's\nrate as reference, the ratio to it).\n",
            default_scenario, TRIALS, MIN_TIMED_S, MAX_TRIALS);
}

/* Parse "1,2,4,8" into years[]; returns how many, or 0 if the list is bad. */
static size_t parse_years(const char *s, double *years, size_t max)
{
    size_t n = 0;
    while (*s) {
        char *end;
        errno = 0;
        double y = strtod(s, &end);
        if (end == s || errno || !(y > 0 && y <= 1000) || n == max)
            return 0;
        years[n++] = y;
        if (*end == ',' && end[1])
            end++;
        else if (*end)
            return 0;
        s = end;
    }
    return n;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *scenario = default_scenario;
    const char *sets[MAX_SETS];
    size_t nsets = 0;
    double years[MAX_HORIZONS] = {1, 2, 4, 8};
    size_t n_years = 4;
    double sizes[MAX_SIZES] = {1, 10, 30, 140}, size_years = 1;
    size_t n_sizes = 4;
    int trials = TRIALS, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (!v) {
            fprintf(stderr, "bench_model: unknown option or missing value: '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (strcmp(a, "--csv") == 0) {
            csv_path = v;
        } else if (strcmp(a, "--scenario") == 0) {
            scenario = v;
        } else if (strcmp(a, "--set") == 0) {
            if (nsets == MAX_SETS) {
                fprintf(stderr, "bench_model: at most %d --set\n", MAX_SETS);
                return 2;
            }
            sets[nsets++] = v;
        } else if (strcmp(a, "--years") == 0) {
            n_years = parse_years(v, years, MAX_HORIZONS);
            if (n_years == 0) {
                fprintf(stderr, "bench_model: --years needs a list like 1,2,4,8 (at most %d, "
                                "each in (0, 1000]), got '%s'\n", MAX_HORIZONS, v);
                return 2;
            }
        } else if (strcmp(a, "--sizes") == 0) {
            n_sizes = strcmp(v, "none") == 0 ? 0 : parse_years(v, sizes, MAX_SIZES);
            if (n_sizes == 0 && strcmp(v, "none") != 0) {
                fprintf(stderr, "bench_model: --sizes needs a list like 1,10,30,140 (at most "
                                "%d, each in (0, 1000]) or none, got '%s'\n", MAX_SIZES, v);
                return 2;
            }
        } else if (strcmp(a, "--size-years") == 0) {
            if (parse_years(v, &size_years, 1) != 1) {
                fprintf(stderr, "bench_model: --size-years needs a number in (0, 1000], got "
                                "'%s'\n", v);
                return 2;
            }
        } else if (strcmp(a, "--trials") == 0) {
            char *end;
            errno = 0;
            long t = strtol(v, &end, 10);
            if (errno || *end || t < 1 || t > MAX_TRIALS) {
                fprintf(stderr, "bench_model: --trials needs an integer in [1, %d], got '%s'\n",
                        MAX_TRIALS, v);
                return 2;
            }
            trials = (int)t;
        } else {
            fprintf(stderr, "bench_model: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
        i++;
    }
    double trial_years = 0;
    if (i < argc) {
        if (strcmp(argv[i], "trial") != 0 || i + 2 != argc ||
            parse_years(argv[i + 1], &trial_years, 1) != 1) {
            fprintf(stderr, "bench_model: expected 'trial YEARS', got '%s%s%s'\n", argv[i],
                    i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "");
            usage(stderr);
            return 2;
        }
    }

    pw_params *p = malloc(sizeof *p);
    if (!p) {
        fprintf(stderr, "bench_model: out of memory\n");
        return 1;
    }
    int rc = load(scenario, sets, nsets, p);
    int ret;
    if (rc != SCN_OK) {
        fprintf(stderr, "bench_model: cannot load %s: %s\n", scenario, scn_strerror(rc));
        ret = rc == SCN_ENOMEM ? 1 : 2;
        goto out;
    }
    if (trial_years > 0) {
        run_report r;
        run_once(p, trial_years, &r);
        if (r.err) {
            fprintf(stderr, "bench_model: %s\n", r.msg);
            ret = 1;
            goto out;
        }
        printf("%s, %g years: %.0f referrals, %llu events in %.3f s (%.0f referrals/s, %.0f "
               "events/s), peak RSS %ld kB\n",
               scenario, trial_years, r.referrals, (unsigned long long)r.events, r.wall_s,
               r.referrals / r.wall_s, (double)r.events / r.wall_s, r.rss_kb);
        ret = 0;
        goto out;
    }
    ret = bench_model(p, scenario, years, n_years, trials) == 0 ? 0 : 1;
    if (n_sizes > 0 && bench_sizes(p, scenario, sets, nsets, sizes, n_sizes, size_years,
                                   trials) != 0)
        ret = 1;
out:
    free(p);
    return ret;
}
