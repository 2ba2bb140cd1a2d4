/* The data of report.html (and of the playground's answers): what a run holds, as JSON
 * members the page script draws (see out_html.h). Sums over replications follow the
 * replication order, so a page is byte-identical for identical runs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/pol.h"
#include "models/pw_world.h"
#include "out_dashboard.h"
#include "out_file.h"
#include "out_html.h"
#include "out_metrics.h"
#include "out_services.h"
#include "run_checks.h"

/* `, "key": ` */
static void key(FILE *f, const char *k)
{
    fputs(",\n\"", f);
    fputs(k, f);
    fputs("\": ", f);
}

/* A number for a chart: 6 significant digits are plenty and keep pages small. */
static void num6(FILE *f, double x)
{
    if (!isfinite(x))
        fputs("null", f);
    else
        fprintf(f, "%.6g", x);
}

/* One weekly series of every replication: week k's value of replication i is
 * val(&reps[order[i]].weeks[k], arg). Written as {"p10": [...], "p50": [...],
 * "p90": [...], "mean": [...]} over the weeks all replications have. */
typedef double (*week_val)(const pw_week *wk, int arg);

/* Returns OUT_OK, or OUT_ENOMEM with nothing written. */
static int band(FILE *f, const pw_results *reps, const size_t *order, size_t n, size_t weeks,
                week_val val, int arg)
{
    double *x = malloc((n ? n : 1) * sizeof *x);
    sim_summary *s = malloc((weeks ? weeks : 1) * sizeof *s);
    if (!x || !s) {
        free(x);
        free(s);
        return OUT_ENOMEM;
    }
    for (size_t k = 0; k < weeks; k++) {
        for (size_t i = 0; i < n; i++)
            x[i] = val(&reps[order[i]].weeks[k], arg);
        if (sim_summarise(x, n, &s[k]) != 0) {
            free(x);
            free(s);
            return OUT_ENOMEM;
        }
    }
    static const char *const names[] = {"p10", "p50", "p90", "mean"};
    fputc('{', f);
    for (int q = 0; q < 4; q++) {
        fprintf(f, "%s\"%s\": [", q ? ", " : "", names[q]);
        for (size_t k = 0; k < weeks; k++) {
            double v = q == 0 ? s[k].p10 : q == 1 ? s[k].p50 : q == 2 ? s[k].p90 : s[k].mean;
            if (k)
                fputc(',', f);
            num6(f, v);
        }
        fputc(']', f);
    }
    fputc('}', f);
    free(x);
    free(s);
    return OUT_OK;
}

/* The week_val readers of band: a week's figure, by step or role a where it has one. */
static double wk_wait_assess(const pw_week *w, int a) { (void)a; return w->waiting_assessment; }
static double wk_wait_step(const pw_week *w, int a) { return w->waiting_step[a]; }
static double wk_caseload(const pw_week *w, int a) { return w->caseload_step[a]; }
static double wk_in_post(const pw_week *w, int a) { return w->staff_in_post[a]; }
static double wk_vacancies(const pw_week *w, int a) { return w->vacancies[a]; }
static double wk_in_training(const pw_week *w, int a) { return w->in_training[a]; }
static double wk_sick(const pw_week *w, int a) { (void)a; return w->on_sick_leave; }
static double wk_burnout(const pw_week *w, int a) { (void)a; return w->burnout_mean; }
static double wk_referrals(const pw_week *w, int a) { (void)a; return w->referrals; }
/* A week's mean wait of its starters (NaN in a week with none: a gap in the line). */
static double wk_wait_treat(const pw_week *w, int a) { (void)a; return out_week_wait_to_treatment(w); }
static double wk_wait_step3(const pw_week *w, int a) { (void)a; return out_week_wait_for_step3(w); }

/* The fewest weeks any replication has. */
static size_t common_weeks(const pw_results *reps, size_t n)
{
    size_t weeks = n ? SIZE_MAX : 0;
    for (size_t i = 0; i < n; i++)
        if (reps[i].n_weeks < weeks)
            weeks = reps[i].n_weeks;
    return weeks;
}

/* What "series" holds: the waiting lists; with SERIES_STAFF also staff in post,
 * vacancies and trainees by role; with SERIES_ALL also caseloads, sickness, burnout,
 * referrals and the week's starters' mean waits. */
enum { SERIES_LISTS, SERIES_STAFF, SERIES_ALL };

/* "series" as `what` says, weekly bands. Returns OUT_OK or OUT_ENOMEM. */
static int series(FILE *f, const pw_params *p, const pw_results *reps, const size_t *order,
                  size_t n, int what)
{
    size_t weeks = common_weeks(reps, n);
    int ret = OUT_OK;
    key(f, "weeks");
    fprintf(f, "%zu", weeks);
    key(f, "series");
    fputs("{\n\"waiting_assessment\": ", f);
    ret |= band(f, reps, order, n, weeks, wk_wait_assess, 0);
    fputs(",\n\"waiting_step2\": ", f);
    ret |= band(f, reps, order, n, weeks, wk_wait_step, PW_STEP2);
    fputs(",\n\"waiting_step3\": ", f);
    ret |= band(f, reps, order, n, weeks, wk_wait_step, PW_STEP3);
    if (what == SERIES_ALL) {
        fputs(",\n\"caseload_step2\": ", f);
        ret |= band(f, reps, order, n, weeks, wk_caseload, PW_STEP2);
        fputs(",\n\"caseload_step3\": ", f);
        ret |= band(f, reps, order, n, weeks, wk_caseload, PW_STEP3);
    }
    for (size_t r = 0; what != SERIES_LISTS && r < p->n_roles; r++) {
        static const char *const prefix[] = {"staff_in_post", "vacancies", "in_training"};
        static const week_val val[] = {wk_in_post, wk_vacancies, wk_in_training};
        for (int q = 0; q < 3; q++) {
            char k[PW_MAX_NAME + 32];
            snprintf(k, sizeof k, "%s:%s", prefix[q], p->roles[r].name);
            fputs(",\n", f);
            out_json_str(f, k);
            fputs(": ", f);
            ret |= band(f, reps, order, n, weeks, val[q], (int)r);
        }
    }
    if (what == SERIES_ALL) {
        fputs(",\n\"on_sick_leave\": ", f);
        ret |= band(f, reps, order, n, weeks, wk_sick, 0);
        fputs(",\n\"burnout_mean\": ", f);
        ret |= band(f, reps, order, n, weeks, wk_burnout, 0);
        fputs(",\n\"referrals\": ", f);
        ret |= band(f, reps, order, n, weeks, wk_referrals, 0);
        fputs(",\n\"wait_to_treatment_days\": ", f);
        ret |= band(f, reps, order, n, weeks, wk_wait_treat, 0);
        fputs(",\n\"wait_for_step3_days\": ", f);
        ret |= band(f, reps, order, n, weeks, wk_wait_step3, 0);
    }
    fputs("}", f);
    return ret ? OUT_ENOMEM : OUT_OK;
}

/* "scenario" and the run's shape. */
static void run_info(FILE *f, const pw_params *p, const pw_results *reps, size_t n,
                     const scn_federation *fed)
{
    key(f, "scenario");
    out_json_str(f, p->name);
    /* The seed as a string: a page reads a JSON number as a double, exact only to 2^53, and
     * a federation's service (--service) has a seed over the whole 64 bits. */
    fprintf(f, ",\n\"seed\": \"%llu\", \"replications\": %zu", (unsigned long long)p->seed, n);
    /* A federation's service alone (--service): its seed is its own, drawn from the
     * federation's, the one -s takes beside --service; the header says whose, as the
     * dashboard's seed line does. */
    if (fed && fed->picked)
        fprintf(f, ", \"federation_seed\": \"%llu\"", (unsigned long long)fed->picked_from);
    /* A federation's figures are national: the page says so, as the dashboard does. */
    if (n > 0 && reps[0].n_services > 0)
        fprintf(f, ", \"services\": %zu", reps[0].n_services);
    out_json_kv_num(f, "warmup_weeks", p->warmup_weeks);
    out_json_kv_num(f, "horizon_weeks", p->horizon_weeks);
    /* The follow-up the run has: to the last outcome reading when that is later. */
    out_json_kv_num(f, "followup_weeks",
                    pw_run_days(p) / 7.0 - p->warmup_weeks - p->horizon_weeks);
    out_json_kv_str(f, "policy", pw_policies[p->policy]->name);
}

/* "metrics": every metric of summary.json, in its order, as it writes them. Returns OUT_OK
 * or OUT_ENOMEM. */
static int metrics(FILE *f, const pw_results *reps, const size_t *order, size_t n)
{
    size_t nm = out_metric_count();
    sim_summary *sum = malloc(nm * sizeof *sum);
    if (!sum || out_summarise_metrics(reps, order, n, sum) != 0) {
        free(sum);
        return OUT_ENOMEM;
    }
    key(f, "metrics");
    fputs("[\n", f);
    char name[OUT_METRIC_NAME_MAX];
    for (size_t i = 0; i < nm; i++) {
        const sim_summary *s = &sum[i];
        fputs("{\"name\": ", f);
        out_json_str(f, out_metric_name(i, name));
        out_json_kv_num(f, "mean", s->mean);
        out_json_kv_num(f, "ci_low", s->ci_low);
        out_json_kv_num(f, "ci_high", s->ci_high);
        out_json_kv_num(f, "p10", s->p10);
        out_json_kv_num(f, "p50", s->p50);
        out_json_kv_num(f, "p90", s->p90);
        fprintf(f, ", \"n\": %zu}%s\n", s->n, i + 1 < nm ? "," : "");
    }
    fputs("]", f);
    free(sum);
    return OUT_OK;
}

/* Mean over replications (in order) of a count of the funnel (stages) or the exits. */
static double mean_count(const pw_results *reps, const size_t *order, size_t n, int exit,
                         int k)
{
    double c = 0;
    for (size_t i = 0; i < n; i++)
        c += (double)(exit ? reps[order[i]].exits[k] : reps[order[i]].stages[k]);
    return n ? c / (double)n : NAN;
}

/* Mean over replications (in order) of a stage's or an exit's share of the replication's
 * referrals, as the dashboard and flow.csv's share_of_referrals give it (a replication
 * with no referrals left out); the mean count over the mean referrals can differ from it
 * in the last place shown (the funnel once read 34.0% where summary.csv had 33.9%). */
static double mean_share(const pw_results *reps, const size_t *order, size_t n, int exit,
                         int k)
{
    double c = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const pw_results *r = &reps[order[i]];
        double refs = (double)r->stages[PW_S_REFERRED];
        if (refs > 0) {
            c += (double)(exit ? r->exits[k] : r->stages[k]) / refs;
            m++;
        }
    }
    return m ? c / (double)m : NAN;
}

/* Pooled counts over replications (in order) of what the charts divide. */
static void pooled(FILE *f, const pw_params *p, const pw_results *reps, const size_t *order,
                   size_t n)
{
    double dn = n ? (double)n : 1;
    /* Waits: counts by week, and the denominators. */
    key(f, "waits");
    fputc('{', f);
    for (int m = 0; m < PW_W_N; m++) {
        fprintf(f, "%s\n\"%s\": [", m ? "," : "", pw_wait_name((pw_wait)m));
        for (int b = 0; b <= PW_WAIT_WEEKS; b++) {
            uint64_t c = 0;
            for (size_t i = 0; i < n; i++)
                c += reps[order[i]].waits[m][b];
            fprintf(f, "%s%llu", b ? "," : "", (unsigned long long)c);
        }
        fputc(']', f);
    }
    fputs("}", f);
    /* Funnel stages and exits: means a replication. */
    key(f, "stages");
    fputc('{', f);
    for (int s = 0; s < PW_S_N; s++) {
        fprintf(f, "%s\"%s\": ", s ? ", " : "", pw_stage_name((pw_stage)s));
        num6(f, mean_count(reps, order, n, 0, s));
    }
    fputs("}", f);
    key(f, "stage_shares");
    fputc('{', f);
    for (int s = 0; s < PW_S_N; s++) {
        fprintf(f, "%s\"%s\": ", s ? ", " : "", pw_stage_name((pw_stage)s));
        out_json_num(f, mean_share(reps, order, n, 0, s)); /* as summary.json, not cut */
    }
    fputs("}", f);
    key(f, "exits");
    fputc('[', f);
    for (int x = 0; x < PW_X_N; x++) {
        char lb[128];
        out_dashboard_label(lb, sizeof lb, pw_exit_name((pw_exit)x), "    "); /* as listed */
        fprintf(f, "%s\n{\"name\": \"%s\", \"group\": \"%s\", \"mean\": ", x ? "," : "",
                pw_exit_name((pw_exit)x), pw_exit_group((pw_exit)x));
        num6(f, mean_count(reps, order, n, 1, x));
        fputs(", \"share\": ", f);
        out_json_num(f, mean_share(reps, order, n, 1, x));
        out_json_kv_str(f, "label", lb + 4);
        fputc('}', f);
    }
    fputs("]", f);
    /* Recovery by route, pooled: rates with their denominators. */
    key(f, "routes");
    fputc('[', f);
    for (int r = 0; r < PW_P_N; r++) {
        pw_outcome_counts o = {0};
        for (size_t i = 0; i < n; i++) {
            const pw_outcome_counts *c = &reps[order[i]].by_path[r];
            o.n += c->n;
            o.true_casers += c->true_casers;
            o.true_recovered += c->true_recovered;
            o.reported_casers += c->reported_casers;
            o.reported_recovered += c->reported_recovered;
            o.finishers += c->finishers;
        }
        fprintf(f, "%s\n{\"route\": \"%s\", \"referrals\": %llu, \"true_casers\": %llu, "
                "\"true_recovered\": %llu, \"finishers\": %llu, \"reported_casers\": %llu, "
                "\"reported_recovered\": %llu}", r ? "," : "", pw_path_name((pw_path)r),
                (unsigned long long)o.n, (unsigned long long)o.true_casers,
                (unsigned long long)o.true_recovered, (unsigned long long)o.finishers,
                (unsigned long long)o.reported_casers,
                (unsigned long long)o.reported_recovered);
    }
    fputs("]", f);
    /* Costs by role: means a replication over the measurement window. */
    key(f, "costs");
    fputc('[', f);
    for (size_t r = 0; r < p->n_roles; r++) {
        double sal = 0, on = 0, tr = 0;
        for (size_t i = 0; i < n; i++) {
            const pw_role_stats *s = &reps[order[i]].roles[r];
            sal += s->salary_gbp;
            on += s->oncost_gbp;
            tr += s->training_gbp;
        }
        fprintf(f, "%s\n{\"role\": ", r ? "," : "");
        out_json_str(f, p->roles[r].name);
        fputs(", \"salary\": ", f);
        num6(f, sal / dn);
        fputs(", \"oncost\": ", f);
        num6(f, on / dn);
        fputs(", \"training\": ", f);
        num6(f, tr / dn);
        fputc('}', f);
    }
    fputs("]", f);
}

/* Subgroups: each one's headline metrics (mean and 95% CI over replications) and its gap to
 * everyone (paired by replication), as subgroups.csv has them. Returns OUT_OK or
 * OUT_ENOMEM. */
static int subgroups(FILE *f, const pw_results *reps, const size_t *order, size_t n)
{
    double *x = malloc(2 * (n ? n : 1) * sizeof *x), *gap = x ? x + (n ? n : 1) : NULL;
    if (!x)
        return OUT_ENOMEM;
    key(f, "subgroups");
    fputc('[', f);
    for (int k = 0; k < PW_G_N; k++) {
        pw_subgroup g = pw_subgroup_order[k];
        char head[OUT_LABEL_MAX], label[OUT_LABEL_MAX];
        int headed = out_subgroup_labels(k, head, sizeof head, label, sizeof label);
        fprintf(f, "%s\n{\"attribute\": \"%s\", \"subgroup\": \"%s\"", k ? "," : "",
                pw_subgroup_attribute(g), pw_subgroup_name(g));
        /* The dashboard's words: its label, and its attribute's heading where it has one. */
        out_json_kv_str(f, "label", label);
        if (headed)
            out_json_kv_str(f, "heading", head);
        fputs(", \"metrics\": {", f);
        for (int m = 0; m < PW_GM_N; m++) {
            sim_summary s, d;
            for (size_t i = 0; i < n; i++) {
                x[i] = out_subgroup_value(&reps[order[i]], g, (pw_gmetric)m);
                gap[i] = out_subgroup_gap(&reps[order[i]], g, (pw_gmetric)m);
            }
            if (sim_summarise(x, n, &s) != 0 || sim_summarise(gap, n, &d) != 0) {
                free(x);
                return OUT_ENOMEM;
            }
            fprintf(f, "%s\"%s\": {\"mean\": ", m ? ", " : "", pw_gmetric_name((pw_gmetric)m));
            const double v[] = {s.mean, s.ci_low, s.ci_high, d.mean, d.ci_low, d.ci_high};
            static const char *const names[] = {"ci_low", "ci_high", "gap", "gap_ci_low",
                                                "gap_ci_high"};
            out_json_num(f, v[0]);
            for (size_t j = 0; j < 5; j++) {
                fprintf(f, ", \"%s\": ", names[j]);
                out_json_num(f, g == PW_G_ALL && j >= 2 ? NAN : v[j + 1]);
            }
            fputc('}', f);
        }
        fputs("}}", f);
    }
    fputc(']', f);
    free(x);
    return OUT_OK;
}

/* The checks run prints after its dashboard (warm-up, lists growing, diaries, assessment),
 * as text: a page shows them as the terminal does. Returns OUT_OK or OUT_ENOMEM. */
static int checks(FILE *f, const pw_params *p, const pw_results *reps, size_t n,
                  const scn_federation *fed)
{
    char *buf = run_checks_text(p, reps, n, 0, fed);
    if (!buf)
        return OUT_ENOMEM;
    key(f, "checks");
    out_json_str(f, buf);
    free(buf);
    return OUT_OK;
}

int out_report_json(FILE *f, const pw_params *p, const pw_results *reps, size_t n,
                    const scn_federation *fed)
{
    size_t *order = out_rep_order(reps, n);
    if (!order)
        return OUT_ENOMEM;
    run_info(f, p, reps, n, fed);
    int ret = checks(f, p, reps, n, fed);
    if (ret == OUT_OK)
        ret = metrics(f, reps, order, n);
    if (ret == OUT_OK)
        ret = series(f, p, reps, order, n, SERIES_ALL);
    if (ret == OUT_OK)
        pooled(f, p, reps, order, n);
    if (ret == OUT_OK)
        ret = subgroups(f, reps, order, n);
    /* A federation: its services side by side, as services.csv has them. */
    if (ret == OUT_OK && fed && fed->n > 0)
        ret = out_services_json(f, fed, reps, order, n);
    free(order);
    return ret;
}

int out_report_lists_json(FILE *f, const pw_params *p, const pw_results *reps, size_t n)
{
    size_t *order = out_rep_order(reps, n);
    if (!order)
        return OUT_ENOMEM;
    int ret = series(f, p, reps, order, n, SERIES_STAFF);
    free(order);
    return ret;
}

int out_write_report(const char *outdir, const pw_params *p, const pw_results *reps,
                     size_t n, const scn_federation *fed, const char *start_date, char *err,
                     size_t errlen)
{
    out_page pg;
    if (out_page_begin(&pg, "report", p->name) != OUT_OK ||
        out_report_json(pg.data, p, reps, n, fed) != OUT_OK) {
        out_page_free(&pg);
        return out_error(err, errlen, OUT_ENOMEM, "out of memory");
    }
    key(pg.data, "start_date");
    out_json_str(pg.data, start_date);
    return out_page_save(&pg, outdir, "report.html", err, errlen);
}
