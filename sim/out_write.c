/* Writers of the result files: summaries, replications, waits, recovery, subgroups,
 * flow, time series, workforce and costs, and publishing the set with its manifest
 * (out_run_manifest.c writes that; see out_write.h and README.md, "Output reference"). */
#include "out_write.h"

#include <assert.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "models/pol.h"
#include "out_coord.h"
#include "out_file.h"
#include "out_manifest.h"
#include "out_run_manifest.h"
#include "out_metrics.h"
#include "out_sha256.h"
#include "out_stream.h"
#include "sim/core/sim_rng.h"

/* Everything a file writer reads. */
typedef struct wctx {
    const pw_params *p;
    const pw_results *reps;
    const size_t *order;       /* reps indexes by replication number */
    size_t nreps;
    const char *scn;           /* the scenario name as a CSV field */
    const sim_summary *sum;    /* out_metric_count() summaries */
    const out_run_info *info;
    const char *scenario_path;
    const char *scenario_hash; /* "sha256:..." or NULL */
    double *scratch;           /* 2 x nreps values for the writers */
} wctx;

/* The files, in the order they are written and published (manifest.json last). */
enum {
    F_SUMMARY_JSON, F_SUMMARY_CSV, F_REPLICATIONS, F_WAITS, F_RECOVERY, F_SUBGROUPS, F_FLOW,
    F_TIMESERIES, F_WORKFORCE, F_COSTS, F_COORD, F_COORD_SUMMARY, F_MANIFEST, F_N
};
static const char *const file_names[F_N] = {
    "summary.json", "summary.csv", "replications.csv", "waits.csv", "recovery.csv",
    "subgroups.csv", "flow.csv", "timeseries.csv", "workforce.csv", "costs.csv",
    "coordination.csv", "coordination_summary.csv", "manifest.json"};


/* The streamed files a run may add to the set, in the order the manifest lists them. */
static const struct {
    unsigned bit;
    const char *name;
} stream_files[] = {{OUT_STREAM_PATIENTS, "patients.csv"},
                    {OUT_STREAM_EVENTS, "events.csv"},
                    {OUT_STREAM_ARRIVALS, "arrivals.csv"}};
#define MAX_EXTRA 4
#define MAX_DIGESTS (F_MANIFEST + 3 + MAX_EXTRA)

void out_run_info_init(out_run_info *info)
{
    memset(info, 0, sizeof *info);
    info->threads = 1;
    info->ranks = 1;
    info->wall_seconds = NAN;
}

/* ======================================================================================
 * Small helpers
 * ====================================================================================== */

/* "scenario,replication," for replication r: the start of every per-replication row. */
static void row_start(FILE *f, const wctx *c, int replication)
{
    fprintf(f, "%s,%d,", c->scn, replication);
}

/* a / b as a double; NaN when b is 0. */
static double ratio(double a, double b) { return b != 0 ? a / b : NAN; }

/* A role name as a column suffix: lower case, anything but [a-z0-9] becomes '_'. */
static void column_suffix(char *out, size_t n, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < n; i++) {
        char ch = name[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        out[i] = ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) ? ch : '_';
    }
    out[i] = '\0';
}

/* The roles written: the scenario's, at most PW_MAX_ROLES. */
static size_t role_count(const pw_params *p)
{
    return p->n_roles < PW_MAX_ROLES ? p->n_roles : PW_MAX_ROLES;
}

/* ======================================================================================
 * summary.json, summary.csv, replications.csv
 * ====================================================================================== */

/* A summary's sd as written: none for fewer than two values (one value has no spread to
 * give; 0 would say there was none), as its CI. */
static double shown_sd(const sim_summary *s) { return s->n >= 2 ? s->sd : NAN; }

/* summary.json: the contract of docs/design.md §5, keys in a fixed order, metrics in
 * out_metric order. */
static void write_summary_json(FILE *f, const wctx *c)
{
    char name[OUT_METRIC_NAME_MAX];
    fputs("{\n  \"scenario\": ", f);
    out_json_str(f, c->p->name);
    fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n  \"replications\": %zu,\n  \"version\": ",
            c->p->seed, c->nreps);
    out_json_str(f, out_known(c->info->version));
    fputs(",\n  \"units\": {\"times\": \"days\", \"shares\": \"fraction\", "
          "\"ci\": \"Student-t 95% interval of the mean over replications\", "
          "\"p10_p50_p90\": \"quantiles over replications\"},\n  \"metrics\": {\n", f);
    size_t nm = out_metric_count();
    for (size_t m = 0; m < nm; m++) {
        const sim_summary *s = &c->sum[m];
        fputs("    ", f);
        out_json_str(f, out_metric_name(m, name));
        fputs(": {\"mean\": ", f);
        out_json_num(f, s->mean);
        fputs(", \"sd\": ", f);
        out_json_num(f, shown_sd(s));
        fputs(", \"ci_low\": ", f);
        out_json_num(f, s->ci_low);
        fputs(", \"ci_high\": ", f);
        out_json_num(f, s->ci_high);
        fputs(", \"p10\": ", f);
        out_json_num(f, s->p10);
        fputs(", \"p50\": ", f);
        out_json_num(f, s->p50);
        fputs(", \"p90\": ", f);
        out_json_num(f, s->p90);
        fputs(m + 1 < nm ? "},\n" : "}\n", f);
    }
    fputs("  }\n}\n", f);
}

/* A summary.csv row: the metric's summary over the replications. */
static void summary_row(FILE *f, const wctx *c, const char *metric, const sim_summary *s)
{
    fprintf(f, "%s,%s,", c->scn, metric);
    const double v[] = {s->mean, shown_sd(s), s->ci_low, s->ci_high, s->p10, s->p50,
                        s->p90};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        out_csv_num(f, v[k]);
        putc(',', f);
    }
    fprintf(f, "%zu\n", s->n);
}

#define SUMMARY_CSV_HEADER "scenario,metric,mean,sd,ci_low,ci_high,p10,p50,p90,n\n"

/* summary.csv: one row per metric. */
static void write_summary_csv(FILE *f, const wctx *c)
{
    char name[OUT_METRIC_NAME_MAX];
    fputs(SUMMARY_CSV_HEADER, f);
    for (size_t m = 0; m < out_metric_count(); m++)
        summary_row(f, c, out_metric_name(m, name), &c->sum[m]);
}

/* replications.csv: tidy, one row per replication and metric. */
static void write_replications(FILE *f, const wctx *c)
{
    char name[OUT_METRIC_NAME_MAX];
    fputs("scenario,replication,metric,value\n", f);
    for (size_t i = 0; i < c->nreps; i++) {
        const pw_results *r = &c->reps[c->order[i]];
        for (size_t m = 0; m < out_metric_count(); m++) {
            row_start(f, c, r->replication);
            fprintf(f, "%s,", out_metric_name(m, name));
            out_csv_num(f, out_metric_value(r, m));
            putc('\n', f);
        }
    }
}

/* ======================================================================================
 * waits.csv
 * ====================================================================================== */

/* waits.csv: the weekly histograms pooled over replications, every bin (zeros too). */
static void write_waits(FILE *f, const wctx *c)
{
    fputs("scenario,measure,basis,week_from,week_to,count,share,cumulative_share\n", f);
    for (int w = 0; w < PW_W_N; w++) {
        uint64_t bins[PW_WAIT_WEEKS + 1] = {0}, total = 0, cum = 0;
        for (size_t i = 0; i < c->nreps; i++)
            for (size_t b = 0; b <= PW_WAIT_WEEKS; b++)
                bins[b] += c->reps[c->order[i]].waits[w][b];
        for (size_t b = 0; b <= PW_WAIT_WEEKS; b++)
            total += bins[b];
        const char *basis = w == PW_W_REPORTED ? "reported" : "true";
        for (size_t b = 0; b <= PW_WAIT_WEEKS; b++) {
            cum += bins[b];
            fprintf(f, "%s,%s,%s,%zu,", c->scn, pw_wait_name((pw_wait)w), basis, b);
            if (b < PW_WAIT_WEEKS)
                fprintf(f, "%zu", b + 1); /* the last bin is open: no upper edge */
            fprintf(f, ",%" PRIu64 ",", bins[b]);
            out_csv_num(f, ratio((double)bins[b], (double)total));
            putc(',', f);
            out_csv_num(f, ratio((double)cum, (double)total));
            putc('\n', f);
        }
    }
}

/* ======================================================================================
 * recovery.csv
 * ====================================================================================== */

/* One recovery.csv row without a score: value (NaN: empty) over count people. */
static void rec_row(FILE *f, const wctx *c, const char *gtype, const char *group,
                    const char *basis, const char *measure, double value, uint64_t count)
{
    fprintf(f, "%s,%s,", c->scn, gtype);
    out_csv_str(f, group);
    fprintf(f, ",%s,%s,,", basis, measure);
    out_csv_num(f, value);
    fprintf(f, ",%" PRIu64 "\n", count);
}

/* The pooled outcome rows of one group (a path or a subgroup). */
static void rec_group(FILE *f, const wctx *c, const char *gtype, const char *group,
                      const pw_outcome_counts *o)
{
    double n = (double)o->n, entered = (double)o->entered, fin = (double)o->finishers;
    rec_row(f, c, gtype, group, "true", "entered_treatment_share", ratio(entered, n), o->n);
    rec_row(f, c, gtype, group, "true", "finished_course_share", ratio(fin, n), o->n);
    rec_row(f, c, gtype, group, "true", "caseness_share", ratio((double)o->true_casers, n),
            o->n);
    rec_row(f, c, gtype, group, "true", "recovery_rate",
            ratio((double)o->true_recovered, (double)o->true_casers), o->true_casers);
    rec_row(f, c, gtype, group, "true", "recovery_rate_untreated",
            ratio((double)o->true_recovered_untreated, (double)o->true_casers),
            o->true_casers);
    if (pw_metric_taken(c->p, PW_M_RECOVERY_RATE_TRUE_LATE)) { /* where the scenario has it */
        rec_row(f, c, gtype, group, "true", "recovery_rate_late",
                ratio((double)o->true_recovered_late, (double)o->true_late_read),
                o->true_late_read);
        rec_row(f, c, gtype, group, "true", "recovery_rate_untreated_late",
                ratio((double)o->true_recovered_untreated_late, (double)o->true_late_read),
                o->true_late_read);
    }
    rec_row(f, c, gtype, group, "true", "reliable_improvement",
            ratio((double)o->true_reliable_improvement, n), o->n);
    rec_row(f, c, gtype, group, "true", "sessions_mean_entered",
            ratio(o->sessions_sum, entered), o->entered);
    rec_row(f, c, gtype, group, "true", "wait_to_treatment_days_mean",
            ratio(o->wait_to_treatment_sum_days, entered), o->entered);
    double rfin = (double)o->reported_finishers;
    rec_row(f, c, gtype, group, "reported", "caseness_share",
            ratio((double)o->reported_casers, rfin), o->reported_finishers);
    rec_row(f, c, gtype, group, "reported", "recovery_rate",
            ratio((double)o->reported_recovered, (double)o->reported_casers),
            o->reported_casers);
    rec_row(f, c, gtype, group, "reported", "reliable_improvement",
            ratio((double)o->reported_reliable_improvement, rfin), o->reported_finishers);
    rec_row(f, c, gtype, group, "reported", "reliable_recovery",
            ratio((double)o->reported_reliable_recovery, (double)o->reported_casers),
            o->reported_casers);
}

/* The rows of one pooled score distribution: score = offset + bin index. */
static void rec_scores(FILE *f, const wctx *c, const char *all, const char *measure,
                       const uint64_t *bins, size_t nbins, int offset)
{
    uint64_t total = 0;
    for (size_t b = 0; b < nbins; b++)
        total += bins[b];
    for (size_t b = 0; b < nbins; b++) {
        fprintf(f, "%s,subgroup,", c->scn);
        out_csv_str(f, all);
        fprintf(f, ",reported,%s,%d,", measure, (int)b + offset);
        out_csv_num(f, ratio((double)bins[b], (double)total));
        fprintf(f, ",%" PRIu64 "\n", bins[b]);
    }
}

/* recovery.csv: pooled outcomes by path and subgroup, then the score distributions. */
static void write_recovery(FILE *f, const wctx *c)
{
    fputs("scenario,group_type,group,basis,measure,score,value,count\n", f);
    for (int g = 0; g < PW_P_N; g++) {
        pw_outcome_counts o = {0};
        for (size_t i = 0; i < c->nreps; i++)
            pw_results_outcome_add(&o, &c->reps[c->order[i]].by_path[g]);
        rec_group(f, c, "path", pw_path_name((pw_path)g), &o);
    }
    for (int g = 0; g < PW_G_N; g++) {
        pw_outcome_counts o = {0};
        for (size_t i = 0; i < c->nreps; i++)
            pw_results_outcome_add(&o, &c->reps[c->order[i]].by_group[g]);
        rec_group(f, c, "subgroup", pw_subgroup_name((pw_subgroup)g), &o);
    }
    pw_score_hist h;
    memset(&h, 0, sizeof h);
    for (size_t i = 0; i < c->nreps; i++) {
        const pw_score_hist *s = &c->reps[c->order[i]].scores;
        for (size_t b = 0; b < 28; b++) {
            h.phq_start[b] += s->phq_start[b];
            h.phq_end[b] += s->phq_end[b];
        }
        for (size_t b = 0; b < 22; b++) {
            h.gad_start[b] += s->gad_start[b];
            h.gad_end[b] += s->gad_end[b];
        }
        for (size_t b = 0; b < 55; b++)
            h.phq_change[b] += s->phq_change[b];
        for (size_t b = 0; b < 43; b++)
            h.gad_change[b] += s->gad_change[b];
    }
    const char *all = pw_subgroup_name(PW_G_ALL);
    rec_scores(f, c, all, "phq_start", h.phq_start, 28, 0);
    rec_scores(f, c, all, "phq_end", h.phq_end, 28, 0);
    rec_scores(f, c, all, "gad_start", h.gad_start, 22, 0);
    rec_scores(f, c, all, "gad_end", h.gad_end, 22, 0);
    rec_scores(f, c, all, "phq_change", h.phq_change, 55, -27);
    rec_scores(f, c, all, "gad_change", h.gad_change, 43, -21);
}

/* ======================================================================================
 * subgroups.csv
 * ====================================================================================== */

/* The summary of x[0..n), or one with no values (written empty) when out of memory. */
static sim_summary summary_of(const double *x, size_t n)
{
    sim_summary s;
    if (sim_summarise(x, n, &s) != 0)
        s = (sim_summary){0, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    return s;
}

/* subgroups.csv: every subgroup's headline metrics across replications, with the gap to
 * everyone (paired by replication). */
static void write_subgroups(FILE *f, const wctx *c)
{
    fputs("scenario,attribute,subgroup,metric,mean,sd,ci_low,ci_high,n,gap_mean,gap_ci_low,"
          "gap_ci_high\n", f);
    double *x = c->scratch, *gap = c->scratch + c->nreps;
    for (int k = 0; k < PW_G_N; k++) {
        pw_subgroup g = pw_subgroup_order[k];
        for (int m = 0; m < PW_GM_N; m++) {
            for (size_t i = 0; i < c->nreps; i++) {
                x[i] = out_subgroup_value(&c->reps[c->order[i]], g, (pw_gmetric)m);
                gap[i] = out_subgroup_gap(&c->reps[c->order[i]], g, (pw_gmetric)m);
            }
            sim_summary s = summary_of(x, c->nreps), d = summary_of(gap, c->nreps);
            fprintf(f, "%s,%s,%s,%s,", c->scn, pw_subgroup_attribute(g), pw_subgroup_name(g),
                    pw_gmetric_name((pw_gmetric)m));
            const double v[] = {s.mean, shown_sd(&s), s.ci_low, s.ci_high};
            for (size_t j = 0; j < 4; j++) {
                out_csv_num(f, v[j]);
                putc(',', f);
            }
            fprintf(f, "%zu,", s.n);
            out_csv_num(f, g == PW_G_ALL ? NAN : d.mean);
            putc(',', f);
            out_csv_num(f, g == PW_G_ALL ? NAN : d.ci_low);
            putc(',', f);
            out_csv_num(f, g == PW_G_ALL ? NAN : d.ci_high);
            putc('\n', f);
        }
    }
}

/* ======================================================================================
 * flow.csv, timeseries.csv
 * ====================================================================================== */

/* flow.csv: per replication, the funnel stages passed, then the exits (one per referral). */
static void write_flow(FILE *f, const wctx *c)
{
    int ltc = out_shows_ltc_pathway(c->p, c->reps, c->nreps);
    fputs("scenario,replication,kind,name,group,count,share_of_referrals\n", f);
    for (size_t i = 0; i < c->nreps; i++) {
        const pw_results *r = &c->reps[c->order[i]];
        double refs = (double)r->stages[PW_S_REFERRED];
        for (int s = 0; s < PW_S_N; s++) {
            if (s == PW_S_ENTERED_LTC_PATHWAY && !ltc)
                continue;
            row_start(f, c, r->replication);
            fprintf(f, "stage,%s,,%" PRIu64 ",", pw_stage_name((pw_stage)s), r->stages[s]);
            out_csv_num(f, ratio((double)r->stages[s], refs));
            putc('\n', f);
        }
        for (int x = 0; x < PW_X_N; x++) {
            row_start(f, c, r->replication);
            fprintf(f, "exit,%s,%s,%" PRIu64 ",", pw_exit_name((pw_exit)x),
                    pw_exit_group((pw_exit)x), r->exits[x]);
            out_csv_num(f, ratio((double)r->exits[x], refs));
            putc('\n', f);
        }
    }
}

/* timeseries.csv: one row per replication and week; per-role columns follow the
 * scenario's role order. */
static void write_timeseries(FILE *f, const wctx *c)
{
    char sfx[PW_MAX_NAME];
    size_t nroles = role_count(c->p);
    fputs("scenario,replication,week,waiting_assessment,waiting_step2,waiting_step3,"
          "caseload_step2,caseload_step3", f);
    for (size_t k = 0; k < nroles; k++) {
        column_suffix(sfx, sizeof sfx, c->p->roles[k].name);
        fprintf(f, ",staff_in_post_%s", sfx);
    }
    for (size_t k = 0; k < nroles; k++) {
        column_suffix(sfx, sizeof sfx, c->p->roles[k].name);
        fprintf(f, ",vacancies_%s", sfx);
    }
    for (size_t k = 0; k < nroles; k++) {
        column_suffix(sfx, sizeof sfx, c->p->roles[k].name);
        fprintf(f, ",in_training_%s", sfx);
    }
    fputs(",on_sick_leave,burnout_mean,burnout_p90,leavers,hires,referrals,assessments,"
          "sessions,phase,treatment_starts,wait_to_treatment_days_mean,step3_starts,"
          "wait_for_step3_days_mean\n", f);
    /* The phase of week w: the measurement window is weeks [warm-up, warm-up + horizon). */
    double w0 = c->p->warmup_weeks, w1 = c->p->warmup_weeks + c->p->horizon_weeks;
    for (size_t i = 0; i < c->nreps; i++) {
        const pw_results *r = &c->reps[c->order[i]];
        for (size_t w = 0; r->weeks && w < r->n_weeks; w++) {
            const pw_week *wk = &r->weeks[w];
            row_start(f, c, r->replication);
            fprintf(f, "%zu", w);
            const double lead[] = {wk->waiting_assessment, wk->waiting_step[PW_STEP2],
                                   wk->waiting_step[PW_STEP3], wk->caseload_step[PW_STEP2],
                                   wk->caseload_step[PW_STEP3]};
            for (size_t k = 0; k < sizeof lead / sizeof lead[0]; k++) {
                putc(',', f);
                out_csv_num(f, lead[k]);
            }
            for (size_t k = 0; k < nroles; k++) {
                putc(',', f);
                out_csv_num(f, wk->staff_in_post[k]);
            }
            for (size_t k = 0; k < nroles; k++) {
                putc(',', f);
                out_csv_num(f, wk->vacancies[k]);
            }
            for (size_t k = 0; k < nroles; k++) {
                putc(',', f);
                out_csv_num(f, wk->in_training[k]);
            }
            const double tail[] = {wk->on_sick_leave, wk->burnout_mean, wk->burnout_p90,
                                   wk->leavers, wk->hires, wk->referrals, wk->assessments,
                                   wk->sessions};
            for (size_t k = 0; k < sizeof tail / sizeof tail[0]; k++) {
                putc(',', f);
                out_csv_num(f, tail[k]);
            }
            double wd = (double)w;
            fputs(wd < w0 ? ",warmup," : wd < w1 ? ",window," : ",followup,", f);
            /* The week's starters and their mean waits; empty in a week with none. */
            const double starts[] = {wk->treatment_starts, out_week_wait_to_treatment(wk),
                                     wk->step3_starts, out_week_wait_for_step3(wk)};
            for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
                out_csv_num(f, starts[k]);
                putc(k + 1 < sizeof starts / sizeof starts[0] ? ',' : '\n', f);
            }
        }
    }
}

/* ======================================================================================
 * workforce.csv, costs.csv
 * ====================================================================================== */

/* workforce.csv: per replication and role, the workforce over the measurement window
 * (pw_role_stats, derived as out_role_stat_value says; posts vacant and trainees from the
 * weekly series, out_role_week_mean). Undefined values (no one in post) are empty. */
static void write_workforce(FILE *f, const wctx *c)
{
    double years = out_window_years(c->p);
    fputs("scenario,replication,role,headcount_mean,fte_mean,leavers,to_training,starters,"
          "turnover_rate,leaving_rate,mean_tenure_years,sickness_days_per_fte,burnout_mean,"
          "in_post_end,vacancies_mean,in_training_mean\n", f);
    for (size_t i = 0; i < c->nreps; i++) {
        const pw_results *r = &c->reps[c->order[i]];
        for (size_t k = 0; k < role_count(c->p); k++) {
            const pw_role_stats *s = &r->roles[k];
            row_start(f, c, r->replication);
            out_csv_str(f, c->p->roles[k].name);
            putc(',', f);
            out_csv_num(f, out_role_stat_value(s, years, OUT_RS_HEADCOUNT_MEAN));
            putc(',', f);
            out_csv_num(f, out_role_stat_value(s, years, OUT_RS_FTE_MEAN));
            fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", s->leavers, s->to_training,
                    s->starters);
            for (int st = OUT_RS_TURNOVER_RATE; st < OUT_RS_N; st++) {
                out_csv_num(f, out_role_stat_value(s, years, (out_role_stat)st));
                putc(',', f);
            }
            fprintf(f, "%" PRIu64 ",", s->in_post_end);
            out_csv_num(f, out_role_week_mean(c->p, r, k, 0));
            putc(',', f);
            out_csv_num(f, out_role_week_mean(c->p, r, k, 1));
            putc('\n', f);
        }
    }
}

/* One costs.csv row. */
static void cost_row(FILE *f, const wctx *c, int replication, const char *role,
                     const char *item, double gbp)
{
    row_start(f, c, replication);
    out_csv_str(f, role);
    fprintf(f, ",%s,", item);
    out_csv_num(f, gbp);
    putc('\n', f);
}

/* costs.csv: per replication, salary, on-costs, training and their total by role, the
 * same for all roles together ("all"), then the costs per unit of output, which are the
 * model's cost metrics (so the two files agree). */
static void write_costs(FILE *f, const wctx *c)
{
    static const struct {
        pw_metric m;
        const char *item;
    } per_unit[] = {{PW_M_COST_PER_REFERRAL_GBP, "cost_per_referral"},
                    {PW_M_COST_PER_FINISHED_COURSE_GBP, "cost_per_finished_course"},
                    {PW_M_COST_PER_RECOVERY_GBP, "cost_per_recovery"},
                    {PW_M_COST_PER_TRUE_RECOVERY_GBP, "cost_per_true_recovery"},
                    {PW_M_COST_PER_RECOVERY_CAUSED_GBP, "cost_per_recovery_caused"}};
    fputs("scenario,replication,role,item,value_gbp\n", f);
    for (size_t i = 0; i < c->nreps; i++) {
        const pw_results *r = &c->reps[c->order[i]];
        double all[5] = {0, 0, 0, 0, 0}; /* salary, oncost, training, total, support */
        for (size_t k = 0; k < role_count(c->p); k++) {
            const pw_role_stats *s = &r->roles[k];
            const char *role = c->p->roles[k].name;
            double total = s->salary_gbp + s->oncost_gbp + s->training_gbp;
            cost_row(f, c, r->replication, role, "salary", s->salary_gbp);
            cost_row(f, c, r->replication, role, "oncost", s->oncost_gbp);
            cost_row(f, c, r->replication, role, "training", s->training_gbp);
            cost_row(f, c, r->replication, role, "total", total);
            cost_row(f, c, r->replication, role, "salary_support", s->salary_support_gbp);
            cost_row(f, c, r->replication, role, "total_local", total - s->salary_support_gbp);
            all[4] += s->salary_support_gbp;
            all[0] += s->salary_gbp;
            all[1] += s->oncost_gbp;
            all[2] += s->training_gbp;
            all[3] += total; /* summed as the model sums the cost of its cost metrics */
        }
        cost_row(f, c, r->replication, "all", "salary", all[0]);
        cost_row(f, c, r->replication, "all", "oncost", all[1]);
        cost_row(f, c, r->replication, "all", "training", all[2]);
        cost_row(f, c, r->replication, "all", "total", all[3]);
        cost_row(f, c, r->replication, "all", "salary_support", all[4]);
        cost_row(f, c, r->replication, "all", "total_local", all[3] - all[4]);
        for (size_t k = 0; k < sizeof per_unit / sizeof per_unit[0]; k++)
            cost_row(f, c, r->replication, "all", per_unit[k].item, r->metric[per_unit[k].m]);
    }
}

/* ======================================================================================
 * coordination.csv, coordination_summary.csv (only with a coordinator role)
 * ====================================================================================== */

/* coordination.csv: each replication's coordination figures (out_coord.c). */
static void write_coordination(FILE *f, const wctx *c)
{
    out_write_coordination(f, c->p, c->scn, c->reps, c->order, c->nreps);
}

/* coordination_summary.csv: each coordination figure over the replications, as
 * summary.csv. */
static void write_coordination_summary(FILE *f, const wctx *c)
{
    fputs(SUMMARY_CSV_HEADER, f);
    for (size_t m = 0; m < out_coord_count(); m++) {
        for (size_t i = 0; i < c->nreps; i++)
            c->scratch[i] = out_coord_value(c->p, &c->reps[c->order[i]], m);
        sim_summary s = summary_of(c->scratch, c->nreps);
        summary_row(f, c, out_coord_name(m), &s);
    }
}

/* ======================================================================================
 * All files
 * ====================================================================================== */

/* Writes one file's content; errors stick in f. */
typedef void (*file_writer)(FILE *f, const wctx *c);

int out_write_all(const char *outdir, const pw_params *p, const char *scenario_path,
                  const pw_results *reps, size_t nreps, const out_run_info *info, char *err,
                  size_t errlen)
{
    static const file_writer writers[F_MANIFEST] = {
        write_summary_json, write_summary_csv, write_replications, write_waits,
        write_recovery, write_subgroups, write_flow, write_timeseries, write_workforce,
        write_costs, write_coordination, write_coordination_summary};
    if (!outdir || !p || !reps)
        return out_error(err, errlen, OUT_EINVAL, "out_write_all: missing argument");
    if (nreps == 0)
        return out_error(err, errlen, OUT_EINVAL, "no replications to write");

    out_run_info defaults;
    if (!info) {
        out_run_info_init(&defaults);
        info = &defaults;
    }
    out_file files[F_N];
    for (int k = 0; k < F_N; k++)
        files[k] = (out_file)OUT_FILE_INIT;
    size_t *order = NULL;
    sim_summary *sum = NULL;
    double *scratch = NULL;
    char *scn = NULL;
    out_digest dg[MAX_DIGESTS];
    size_t ndg = 0;
    uint64_t scn_bytes;
    char hashbuf[8 + OUT_SHA256_HEX] = "sha256:";
    const char *scn_hash = out_known(info->scenario_hash);
    wctx c;
    int ret = out_mkdir_p(outdir, err, errlen);
    if (ret != OUT_OK)
        goto out;

    order = out_rep_order(reps, nreps);
    sum = malloc(out_metric_count() * sizeof *sum);
    scn = out_csv_quote(p->name);
    scratch = malloc(2 * nreps * sizeof *scratch);
    if (!order || !sum || !scn || !scratch) {
        ret = out_error(err, errlen, OUT_ENOMEM, "out of memory");
        goto out;
    }
    ret = out_summarise_metrics(reps, order, nreps, sum);
    if (ret != OUT_OK) {
        out_error(err, errlen, ret, "out of memory");
        goto out;
    }

    /* The scenario file's hash: given by the loader, else its bytes, else unknown (the
     * file may have moved since it was read; that must not cost the results). */
    if (!scn_hash && scenario_path &&
        out_sha256_file(scenario_path, hashbuf + 7, &scn_bytes, NULL, 0) == OUT_OK)
        scn_hash = hashbuf;
    c = (wctx){p, reps, order, nreps, scn, sum, info, scenario_path, scn_hash, scratch};

    for (int k = 0; k < F_MANIFEST; k++) {
        if ((k == F_COORD || k == F_COORD_SUMMARY) && !out_coord_on(p))
            continue; /* only a scenario with coordinators has them */
        if ((ret = out_file_open(&files[k], outdir, file_names[k], err, errlen)) != OUT_OK)
            goto out;
        writers[k](files[k].f, &c);
        if ((ret = out_file_close(&files[k], err, errlen)) != OUT_OK)
            goto out;
        dg[ndg].name = file_names[k];
        if ((ret = out_sha256_file(files[k].tmp_path, dg[ndg].sha256, &dg[ndg].bytes, err,
                                   errlen)) != OUT_OK)
            goto out;
        ndg++;
    }
    /* The streams, merged into outdir before the result files are written, and the
     * caller's other files already there. */
    size_t nstream = sizeof stream_files / sizeof *stream_files;
    assert(info->nextra <= MAX_EXTRA);
    for (size_t k = 0; k < nstream + info->nextra; k++) {
        if (k < nstream && !(info->streams & stream_files[k].bit))
            continue;
        const char *fname = k < nstream ? stream_files[k].name : info->extra[k - nstream];
        char *path = out_path_join(outdir, fname);
        if (!path) {
            ret = out_error(err, errlen, OUT_ENOMEM, "out of memory");
            goto out;
        }
        dg[ndg].name = fname;
        ret = out_sha256_file(path, dg[ndg].sha256, &dg[ndg].bytes, err, errlen);
        free(path);
        if (ret != OUT_OK)
            goto out;
        ndg++;
    }
    if ((ret = out_file_open(&files[F_MANIFEST], outdir, file_names[F_MANIFEST], err,
                             errlen)) != OUT_OK)
        goto out;
    out_write_run_manifest(files[F_MANIFEST].f, p, info, c.scenario_path, c.scenario_hash,
                           c.nreps, dg, ndg);
    if ((ret = out_file_close(&files[F_MANIFEST], err, errlen)) != OUT_OK)
        goto out;

    /* Publish: every file is complete; renames within one directory rarely fail. */
    for (int k = 0; k < F_N; k++)
        if ((files[k].f || files[k].closed) &&
            (ret = out_file_commit(&files[k], err, errlen)) != OUT_OK)
            goto out;

out:
    for (int k = 0; k < F_N; k++)
        out_file_abort(&files[k]);
    free(order);
    free(sum);
    free(scratch);
    free(scn);
    return ret;
}
