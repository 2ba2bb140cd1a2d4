/* compare.csv, compare.json and the comparison table (see out_compare.h). */
#include "out_compare.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/pw_world.h"
#include "out_file.h"
#include "out_html.h"
#include "out_metrics.h"
#include "out_services.h"
#include "sim/core/sim_stats.h"

void out_compare_csv_cells(FILE *f, const sim_summary *own, const sim_summary *diff)
{
    const double v[] = {own->mean, own->ci_low, own->ci_high, diff ? diff->mean : NAN,
                        diff ? diff->ci_low : NAN, diff ? diff->ci_high : NAN};
    for (size_t j = 0; j < sizeof v / sizeof *v; j++) {
        out_csv_num(f, v[j]);
        fputc(',', f);
    }
}

/* One metric of one scenario: its summary and the paired difference to the reference. */
typedef struct cell {
    sim_summary own, diff;
} cell;

/* Summaries of every metric for every scenario: cells[s * nm + i]. NULL on no memory. */
static cell *compute(size_t nscn, const pw_results *const *reps, size_t nreps, size_t nm)
{
    cell *cells = calloc(nscn * nm, sizeof *cells);
    double *v = malloc((nreps ? nreps : 1) * sizeof *v);
    size_t **order = calloc(nscn, sizeof *order);
    int ok = cells && v && order;
    for (size_t s = 0; ok && s < nscn; s++)
        ok = (order[s] = out_rep_order(reps[s], nreps)) != NULL;
    for (size_t s = 0; ok && s < nscn; s++)
        for (size_t i = 0; ok && i < nm; i++) {
            for (size_t r = 0; r < nreps; r++)
                v[r] = out_metric_value(&reps[s][order[s][r]], i);
            ok = sim_summarise(v, nreps, &cells[s * nm + i].own) == 0;
            /* Paired by replication number: the same people in both scenarios. */
            for (size_t r = 0; ok && r < nreps; r++)
                v[r] = out_metric_value(&reps[s][order[s][r]], i) -
                       out_metric_value(&reps[0][order[0][r]], i);
            ok = ok && sim_summarise(v, nreps, &cells[s * nm + i].diff) == 0;
        }
    if (order)
        for (size_t s = 0; s < nscn; s++)
            free(order[s]);
    free(order);
    free(v);
    if (!ok) {
        free(cells);
        return NULL;
    }
    return cells;
}

/* compare_subgroups.csv: every subgroup's metrics per scenario, and the paired difference
 * to the reference, replication by replication. v: nreps scratch values; order[s]: the
 * replication order of scenario s. Returns 0, or OUT_ENOMEM (a summary's memory). */
static int write_subgroups(FILE *f, size_t nscn, const char *const *names,
                           const pw_results *const *reps, size_t nreps, size_t *const *order,
                           double *v)
{
    fputs("scenario,reference,attribute,subgroup,metric,mean,ci_low,ci_high,diff_mean,"
          "diff_ci_low,diff_ci_high,n,diff_n\n",
          f);
    for (int k = 0; k < PW_G_N; k++) {
        pw_subgroup g = pw_subgroup_order[k];
        for (int m = 0; m < PW_GM_N; m++)
            for (size_t s = 0; s < nscn; s++) {
                sim_summary own, diff;
                for (size_t r = 0; r < nreps; r++)
                    v[r] = out_subgroup_value(&reps[s][order[s][r]], g, (pw_gmetric)m);
                if (sim_summarise(v, nreps, &own) != 0)
                    return OUT_ENOMEM;
                for (size_t r = 0; r < nreps; r++)
                    v[r] -= out_subgroup_value(&reps[0][order[0][r]], g, (pw_gmetric)m);
                if (sim_summarise(v, nreps, &diff) != 0)
                    return OUT_ENOMEM;
                out_csv_str(f, names[s]);
                fputc(',', f);
                out_csv_str(f, names[0]);
                fprintf(f, ",%s,%s,%s,", pw_subgroup_attribute(g), pw_subgroup_name(g),
                        pw_gmetric_name((pw_gmetric)m));
                out_compare_csv_cells(f, &own, s ? &diff : NULL);
                fprintf(f, "%zu,", own.n);
                if (s) /* the pairs with both figures: fewer than n where one lacks it */
                    fprintf(f, "%zu", diff.n);
                fputc('\n', f);
            }
    }
    return 0;
}

/* The subgroups file of a comparison (write_subgroups) into outdir. Returns 0, or an OUT_
 * code with err set (no file left). */
static int write_compare_subgroups(const char *outdir, size_t nscn, const char *const *names,
                                   const pw_results *const *reps, size_t nreps, char *err,
                                   size_t errlen)
{
    out_file sg = OUT_FILE_INIT;
    double *v = malloc((nreps ? nreps : 1) * sizeof *v);
    size_t **order = calloc(nscn, sizeof *order);
    int rc = v && order ? 0 : OUT_ENOMEM;
    for (size_t s = 0; rc == 0 && s < nscn; s++)
        rc = (order[s] = out_rep_order(reps[s], nreps)) ? 0 : OUT_ENOMEM;
    if (rc != 0)
        rc = out_error(err, errlen, OUT_ENOMEM, "out of memory comparing subgroups");
    if (rc == 0)
        rc = out_file_open(&sg, outdir, "compare_subgroups.csv", err, errlen);
    if (rc == 0 && write_subgroups(sg.f, nscn, names, reps, nreps, order, v) != 0)
        rc = out_error(err, errlen, OUT_ENOMEM, "out of memory comparing subgroups");
    if (rc == 0 && (rc = out_file_close(&sg, err, errlen)) == 0)
        rc = out_file_commit(&sg, err, errlen);
    out_file_abort(&sg);
    if (order)
        for (size_t s = 0; s < nscn; s++)
            free(order[s]);
    free(order);
    free(v);
    return rc;
}

int out_write_compare(const char *outdir, size_t nscn, const char *const *names,
                      const scn_federation *feds, const pw_results *const *reps, size_t nreps,
                      unsigned long long seed, char *err, size_t errlen)
{
    size_t nm = out_metric_count();
    cell *cells = compute(nscn, reps, nreps, nm);
    if (!cells)
        return out_error(err, errlen, OUT_ENOMEM, "out of memory comparing scenarios");
    int rc = out_mkdir_p(outdir, err, errlen);
    out_file csv = OUT_FILE_INIT, json = OUT_FILE_INIT;
    if (rc == 0)
        rc = out_file_open(&csv, outdir, "compare.csv", err, errlen);
    if (rc == 0)
        rc = out_file_open(&json, outdir, "compare.json", err, errlen);
    if (rc != 0)
        goto fail;
    char name[OUT_METRIC_NAME_MAX];
    FILE *f = csv.f;
    fputs("scenario,reference,metric,mean,ci_low,ci_high,diff_mean,diff_ci_low,diff_ci_high,"
          "n,diff_n\n",
          f);
    for (size_t i = 0; i < nm; i++)
        for (size_t s = 0; s < nscn; s++) {
            const cell *c = &cells[s * nm + i];
            out_csv_str(f, names[s]);
            fputc(',', f);
            out_csv_str(f, names[0]);
            fprintf(f, ",%s,", out_metric_name(i, name));
            out_csv_num(f, c->own.mean);
            fputc(',', f);
            out_csv_num(f, c->own.ci_low);
            fputc(',', f);
            out_csv_num(f, c->own.ci_high);
            fputc(',', f);
            out_csv_num(f, s ? c->diff.mean : NAN);
            fputc(',', f);
            out_csv_num(f, s ? c->diff.ci_low : NAN);
            fputc(',', f);
            out_csv_num(f, s ? c->diff.ci_high : NAN);
            fprintf(f, ",%zu,", c->own.n);
            if (s) /* the pairs with both figures, as compare.json's diff_n */
                fprintf(f, "%zu", c->diff.n);
            fputc('\n', f);
        }
    f = json.f;
    fputs("{\n  \"reference\": ", f);
    out_json_str(f, names[0]);
    fputs(",\n  \"scenarios\": [", f);
    for (size_t s = 0; s < nscn; s++) {
        fputs(s ? ", " : "", f);
        out_json_str(f, names[s]);
    }
    fprintf(f, "],\n  \"seed\": %llu,\n  \"replications\": %zu,\n", seed, nreps);
    /* Re-referrals follow what the service did for people, so only first referrals are
     * the same (README, "Stepped care against an expert at the door"). */
    fputs("  \"pairing\": \"common random numbers: replication r of every scenario has the same "
          "first referrals (re-referrals, which follow what the service did, differ); diff = "
          "scenario - reference, paired by replication\",\n  \"metrics\": {",
          f);
    for (size_t i = 0; i < nm; i++) {
        fprintf(f, "%s\n    \"%s\": {", i ? "," : "", out_metric_name(i, name));
        for (size_t s = 0; s < nscn; s++) {
            const cell *c = &cells[s * nm + i];
            fputs(s ? ", " : "", f);
            out_json_str(f, names[s]);
            fputs(": {\"mean\": ", f);
            out_json_num(f, c->own.mean);
            fputs(", \"ci_low\": ", f);
            out_json_num(f, c->own.ci_low);
            fputs(", \"ci_high\": ", f);
            out_json_num(f, c->own.ci_high);
            fprintf(f, ", \"n\": %zu", c->own.n);
            if (s) {
                fputs(", \"diff\": ", f);
                out_json_num(f, c->diff.mean);
                fputs(", \"diff_ci_low\": ", f);
                out_json_num(f, c->diff.ci_low);
                fputs(", \"diff_ci_high\": ", f);
                out_json_num(f, c->diff.ci_high);
                fprintf(f, ", \"diff_n\": %zu", c->diff.n);
            }
            fputc('}', f);
        }
        fputc('}', f);
    }
    fputs("\n  }", f);
    /* A federation's services, as compare.html has them (compare_services.csv has all). */
    if ((rc = out_compare_services_json(f, nscn, names, feds, reps, nreps)) != 0) {
        rc = out_error(err, errlen, rc, "out of memory comparing services");
        goto fail;
    }
    fputs("\n}\n", f);
    if ((rc = out_file_close(&csv, err, errlen)) != 0 ||
        (rc = out_file_close(&json, err, errlen)) != 0 ||
        (rc = out_file_commit(&csv, err, errlen)) != 0 ||
        (rc = out_file_commit(&json, err, errlen)) != 0 ||
        (rc = write_compare_subgroups(outdir, nscn, names, reps, nreps, err, errlen)) != 0)
        goto fail;
    free(cells);
    return 0;
fail:
    out_file_abort(&csv);
    out_file_abort(&json);
    free(cells);
    return rc;
}

/* The metrics of the printed table, each with what it is a share of; how it prints. */
enum { PLAIN, SHARE, POUNDS, COUNT, INDEX };
static const struct {
    pw_metric m;
    const char *label;
    int kind;
} shown[] = {
    /* The denominators first: re-referrals follow outcomes, so compared services differ
     * in referrals by hundreds a replication, and every "of referrals" with them. */
    {PW_M_REFERRALS, "Referrals (per replication)", COUNT},
    {PW_M_RE_REFERRAL_SHARE, "Re-referred (of referrals)", SHARE},
    {PW_M_RECOVERY_RATE_TRUE, "Recovery, true (referrals at caseness)", SHARE},
    {PW_M_RECOVERY_RATE_REPORTED, "Recovery, reported (finishers at caseness)", SHARE},
    {PW_M_RELIABLE_IMPROVEMENT_TRUE, "Reliable improvement, true (referrals)", SHARE},
    {PW_M_RELIABLE_RECOVERY_TRUE, "Reliable recovery, true (at caseness)", SHARE},
    {PW_M_RECOVERY_RATE_TRUE_UNTREATED, "Recovery, untreated (natural history)", SHARE},
    {PW_M_RECOVERY_RATE_TRUE_LATE, "Recovery, true, at outcome_weeks_late", SHARE},
    {PW_M_RECOVERY_RATE_TRUE_UNTREATED_LATE, "Recovery, untreated, at outcome_weeks_late", SHARE},
    {PW_M_ENTERED_TREATMENT_SHARE, "Entered treatment (of referrals)", SHARE},
    {PW_M_FINISHED_COURSE_SHARE, "Finished a course (of referrals)", SHARE},
    {PW_M_WITHIN_6_WEEKS_TRUE, "Treated within 6 weeks, true (referrals)", SHARE},
    {PW_M_WITHIN_6_WEEKS_REPORTED, "Within 6 weeks, reported (finishers)", SHARE},
    {PW_M_WITHIN_18_WEEKS_TRUE, "Treated within 18 weeks, true (referrals)", SHARE},
    {PW_M_WAIT_TO_ASSESSMENT_DAYS_MEAN, "Wait to assessment, mean days", PLAIN},
    {PW_M_WAIT_TO_TREATMENT_DAYS_MEAN, "Wait to treatment, mean days", PLAIN},
    {PW_M_WAIT_TO_TREATMENT_DAYS_P90, "Wait to treatment, 90th centile days", PLAIN},
    {PW_M_STEP_UP_WAIT_DAYS_MEAN, "Step-up wait (step 2 to 3), mean days", PLAIN},
    {PW_M_WAIT_FOR_STEP3_DAYS_MEAN, "Wait on the step-3 list, mean days", PLAIN},
    {PW_M_WAITING_ASSESSMENT_MEAN, "Waiting for assessment, mean people", PLAIN},
    {PW_M_WAITING_STEP2_MEAN, "Waiting for step 2, mean people", PLAIN},
    {PW_M_WAITING_STEP3_MEAN, "Waiting for step 3, mean people", PLAIN},
    {PW_M_STEPPED_UP_SHARE, "Stepped up (of step-2 starters)", SHARE},
    {PW_M_FAILED_AT_LEAST_ONCE_SHARE, "Failed an episode (of referrals)", SHARE},
    {PW_M_SESSIONS_MEAN_FINISHERS, "Sessions, mean per finisher (reported)", PLAIN},
    {PW_M_DROPOUT_IN_TREATMENT_SHARE, "Lost from booked treatment (of referrals)", SHARE},
    {PW_M_UTILISATION_ASSESSMENT, "Utilisation, assessment slots", SHARE},
    {PW_M_ASSESSMENT_EXTRA_SHARE, "Assessment slots moved from treatment", SHARE},
    {PW_M_UTILISATION_STEP2, "Utilisation, step 2 hours", SHARE},
    {PW_M_UTILISATION_STEP3, "Utilisation, step 3 hours", SHARE},
    /* The workforce: a staffing or training scenario's first effects. */
    {PW_M_STAFF_TURNOVER_RATE_STEP2, "Staff turnover a year, step 2's staff", SHARE},
    {PW_M_STAFF_TURNOVER_RATE_STEP3, "Staff turnover a year, step 3's staff", SHARE},
    {PW_M_BURNOUT_MEAN, "Burnout, mean index 0-1 (all staff)", INDEX},
    {PW_M_COST_PER_REFERRAL_GBP, "Staff cost per referral, £", POUNDS},
    {PW_M_COST_PER_TRUE_RECOVERY_GBP, "Staff cost per true recovery, £", POUNDS},
    {PW_M_COST_PER_RECOVERY_CAUSED_GBP, "Staff cost per recovery caused, £", POUNDS},
};

/* x in a column of compare's table on f, as its kind reads (a share in %, or with sign in
 * percentage points; pounds and counts whole; an index to 3 decimals; the rest to 1);
 * sign: a difference, "+" when positive; "-" when x is not finite. */
static void print_value(FILE *f, double x, int kind, int sign)
{
    if (!isfinite(x))
        fprintf(f, " %9s", "-");
    else if (kind == SHARE && sign)
        fprintf(f, " %+9.1f", 100 * x); /* percentage points */
    else if (kind == SHARE)
        fprintf(f, " %8.1f%%", 100 * x);
    else if (kind == POUNDS || kind == COUNT)
        fprintf(f, sign ? " %+9.0f" : " %9.0f", x);
    else if (kind == INDEX)
        fprintf(f, sign ? " %+9.3f" : " %9.3f", x);
    else
        fprintf(f, sign ? " %+9.1f" : " %9.1f", x);
}

void out_print_compare(FILE *f, const pw_params *p, size_t nscn, const char *const *names,
                       const pw_results *const *reps, size_t nreps)
{
    size_t nm = out_metric_count();
    cell *cells = compute(nscn, reps, nreps, nm);
    if (!cells) {
        fputs("(out of memory comparing scenarios)\n", f);
        return;
    }
    fprintf(f, "Paired comparison on the same referrals: %zu replication%s each, differences\n",
            nreps, nreps == 1 ? "" : "s");
    /* One replication gives no interval: say so, as the dashboard does, not promise one. */
    fputs(nreps < 2 ? "taken replication by replication (percentage points for shares); with\n"
                      "one replication, no confidence intervals (they need two or more, -r).\n"
                    : "taken replication by replication; [ ] is the 95% CI of the difference\n"
                      "(percentage points for shares).\n",
          f);
    for (size_t s = 1; s < nscn; s++) {
        fprintf(f, "\n%s  vs  %s\n", names[s], names[0]);
        fprintf(f, "  %-42s %9s %9s %9s%s\n", "", "reference", "scenario", "diff",
                nreps < 2 ? "" : "  95% CI");
        for (size_t k = 0; k < sizeof shown / sizeof *shown; k++) {
            const cell *a = &cells[0 * nm + shown[k].m], *b = &cells[s * nm + shown[k].m];
            int sh = shown[k].kind;
            if (!pw_metric_taken(p, shown[k].m))
                continue;
            fprintf(f, "  %-42s", shown[k].label);
            print_value(f, a->own.mean, sh, 0);
            print_value(f, b->own.mean, sh, 0);
            print_value(f, b->diff.mean, sh, 1);
            double mul = sh == SHARE ? 100 : 1;
            if (isfinite(b->diff.ci_low))
                fprintf(f, sh == POUNDS || sh == COUNT ? "  [%+.0f, %+.0f]"
                           : sh == INDEX             ? "  [%+.3f, %+.3f]"
                                                     : "  [%+.1f, %+.1f]",
                        mul * b->diff.ci_low, mul * b->diff.ci_high);
            /* Undefined in some replications (no recovery caused, say): the means are
             * over the others, the difference over the pairs with both. */
            if ((a->own.n && a->own.n < nreps) || (b->own.n && b->own.n < nreps))
                fprintf(f, "  (in %zu and %zu of %zu)", a->own.n, b->own.n, nreps);
            fputc('\n', f);
        }
    }
    free(cells);
}

int out_write_compare_page(const char *outdir, size_t nscn, const char *const *names,
                           const pw_params *params, const scn_federation *feds,
                           const pw_results *const *reps, size_t nreps,
                           unsigned long long seed, char *err, size_t errlen)
{
    size_t nm = out_metric_count();
    cell *cells = compute(nscn, reps, nreps, nm);
    out_page pg;
    char title[512];
    size_t tl = (size_t)snprintf(title, sizeof title, "Comparison:");
    for (size_t s = 0; s < nscn && tl < sizeof title; s++)
        tl += (size_t)snprintf(title + tl, sizeof title - tl, "%s %s", s ? "," : "", names[s]);
    if (!cells || out_page_begin(&pg, "compare", title) != OUT_OK) {
        free(cells);
        return out_error(err, errlen, OUT_ENOMEM, "out of memory comparing scenarios");
    }
    FILE *f = pg.data;
    const pw_params *p = &params[0];
    fputs(",\n\"reference\": ", f);
    out_json_str(f, names[0]);
    /* The seed as a string, as report.html's (out_report.c): past 2^53 a number loses digits. */
    fprintf(f, ", \"seed\": \"%llu\", \"replications\": %zu", seed, nreps);
    if (feds && feds[0].picked) /* --service: whose the seed is, as the terminal says */
        fprintf(f, ", \"federation_seed\": \"%llu\"", (unsigned long long)feds[0].picked_from);
    out_json_kv_num(f, "warmup_weeks", p->warmup_weeks);
    out_json_kv_num(f, "horizon_weeks", p->horizon_weeks);
    /* The follow-up the run has: to the last outcome reading when that is later. */
    out_json_kv_num(f, "followup_weeks",
                    pw_run_days(p) / 7.0 - p->warmup_weeks - p->horizon_weeks);
    size_t weeks = SIZE_MAX;
    for (size_t s = 0; s < nscn; s++)
        for (size_t r = 0; r < nreps; r++)
            weeks = reps[s][r].n_weeks < weeks ? reps[s][r].n_weeks : weeks;
    fprintf(f, ", \"weeks\": %zu,\n\"scenarios\": [", weeks == SIZE_MAX ? 0 : weeks);
    char name[OUT_METRIC_NAME_MAX];
    int rc = OUT_OK;
    for (size_t s = 0; s < nscn && rc == OUT_OK; s++) {
        fprintf(f, "%s\n{\"name\": ", s ? "," : "");
        out_json_str(f, names[s]);
        out_json_kv_str(f, "label", params[s].name);
        if (nreps > 0 && reps[s][0].n_services > 0) /* a federation: national figures */
            fprintf(f, ", \"services\": %zu", reps[s][0].n_services);
        fputs(", \"metrics\": [", f);
        for (size_t i = 0; i < nm; i++) {
            const cell *c = &cells[s * nm + i];
            fprintf(f, "%s\n{\"name\": \"%s\"", i ? "," : "", out_metric_name(i, name));
            const char *k[] = {"mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high"};
            const double v[] = {c->own.mean, c->own.ci_low, c->own.ci_high,
                                c->diff.mean, c->diff.ci_low, c->diff.ci_high};
            for (int j = 0; j < (s ? 6 : 3); j++)
                out_json_kv_num(f, k[j], v[j]);
            fprintf(f, ", \"n\": %zu", c->own.n); /* replications with a value */
            if (s)
                fprintf(f, ", \"diff_n\": %zu", c->diff.n); /* pairs with both */
            fputc('}', f);
        }
        fputs("]", f);
        rc = out_report_lists_json(f, &params[s], reps[s], nreps);
        fputs("}", f);
    }
    fputs("]", f);
    /* Federations with the same services: each service's paired differences. */
    if (rc == OUT_OK)
        rc = out_compare_services_json(f, nscn, names, feds, reps, nreps);
    free(cells);
    if (rc != OUT_OK) {
        out_page_free(&pg);
        return out_error(err, errlen, OUT_ENOMEM, "out of memory");
    }
    return out_page_save(&pg, outdir, "compare.html", err, errlen);
}
