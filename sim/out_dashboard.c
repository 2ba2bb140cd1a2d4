/* The terminal dashboard of a run (see out_dashboard.h). */
#include "out_dashboard.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out_coord.h"
#include "out_file.h"
#include "out_metrics.h"
#include "sim/core/sim_stats.h"

#define LABEL_W 42 /* label column, indent included */
#define CELL_W 17  /* each value column */
#define CELL_MAX 64

/* ======================================================================================
 * Cells
 * ====================================================================================== */

/* Display width of a UTF-8 string (one column per code point; no wide characters here). */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Append s to line[*n] (capacity cap) padded to width columns, right-aligned if right. */
static void put_padded(char *line, size_t *n, size_t cap, const char *s, int width, int right)
{
    int pad = width - text_width(s);
    size_t len = strlen(s);
    for (int k = 0; right && k < pad && *n + 1 < cap; k++)
        line[(*n)++] = ' ';
    for (size_t k = 0; k < len && *n + 1 < cap; k++)
        line[(*n)++] = s[k];
    for (int k = 0; !right && k < pad && *n + 1 < cap; k++)
        line[(*n)++] = ' ';
}

/* A row: label, then up to two right-aligned cells (NULL: none); no trailing blanks. A
 * cell wider than its column (an interval cut and "[3 of 4]") ends at its column's end
 * where the label's padding leaves room, at least two apart from what precedes it, so the
 * next column stays in line (it was pushed right by the overflow). */
static void row(FILE *f, const char *label, const char *c1, const char *c2)
{
    char line[LABEL_W + 2 * CELL_MAX + 64];
    size_t n = 0;
    put_padded(line, &n, sizeof line, label, 0, 0);
    int col = text_width(label); /* display columns written */
    for (int k = 0; k < 2; k++) {
        const char *c = k ? c2 : c1;
        if (!c)
            continue;
        int w = text_width(c), end = LABEL_W + (k + 1) * CELL_W, start;
        if (k == 0 && w <= CELL_W) /* after the label's column, right-aligned in its own */
            start = (col > LABEL_W ? col : LABEL_W) + (CELL_W - w > 2 ? CELL_W - w : 2);
        else /* at the column's end, at least two after what precedes it */
            start = end - w > col + 2 ? end - w : col + 2;
        for (; col < start && n + 1 < sizeof line; col++)
            line[n++] = ' ';
        put_padded(line, &n, sizeof line, c, 0, 1);
        col += w;
    }
    while (n > 0 && line[n - 1] == ' ')
        n--;
    fwrite(line, 1, n, f);
    putc('\n', f);
}

/* A section heading with column titles. */
static void heading(FILE *f, const char *title, const char *c1, const char *c2)
{
    putc('\n', f);
    row(f, title, c1, c2);
}

/* "mean ± halfwidth" of a summary, values times scale, with `decimals` and a suffix on
 * the mean ("%"); the mean alone with fewer than two values; "–" when undefined. Where
 * the interval would pass what the figure can take, [lo, hi] (unscaled; NAN: no bound),
 * as the interval cut there, "33.3% (0–87.6)": few replications or a figure near its
 * bound make a Student-t interval pass it. Cutting keeps the interval's coverage, the
 * figure being inside its range; the CSVs keep the Student-t interval itself. */
static const char *cell_in(char *b, size_t n, const sim_summary *s, double scale, int decimals,
                           const char *suffix, double lo, double hi)
{
    char m[CELL_MAX / 3], l[CELL_MAX / 3], h[CELL_MAX / 3];
    if (s->n == 0 || !isfinite(s->mean)) {
        snprintf(b, n, "–");
        return b;
    }
    out_fmt_grouped(m, sizeof m, s->mean * scale, decimals);
    double hw = (s->ci_high - s->mean) * scale;
    if (s->n < 2 || !isfinite(hw)) {
        snprintf(b, n, "%s%s", m, suffix);
        return b;
    }
    int cut_lo = s->ci_low < lo, cut_hi = s->ci_high > hi; /* false against NAN */
    if (!cut_lo && !cut_hi) {
        snprintf(b, n, "%s%s ± %s", m, suffix, out_fmt_grouped(h, sizeof h, hw, decimals));
        return b;
    }
    /* A cut end is the bound itself, written whole, so that the cell fits its column. */
    snprintf(b, n, "%s%s (%s–%s)", m, suffix,
             out_fmt_grouped(l, sizeof l, (cut_lo ? lo : s->ci_low) * scale, cut_lo ? 0 : decimals),
             out_fmt_grouped(h, sizeof h, (cut_hi ? hi : s->ci_high) * scale, cut_hi ? 0 : decimals));
    return b;
}

/* No bounds. */
static const char *cell(char *b, size_t n, const sim_summary *s, double scale, int decimals,
                        const char *suffix)
{
    return cell_in(b, n, s, scale, decimals, suffix, NAN, NAN);
}

/* A percentage as "52.1% ± 0.6" (percentage points) that may pass 100% (hours in use,
 * turnover), not 0. */
static const char *cell_pct(char *b, size_t n, const sim_summary *s)
{
    return cell_in(b, n, s, 100.0, 1, "%", 0, NAN);
}

/* A share, in [0, 1], as "52.1% ± 0.6". */
static const char *cell_share(char *b, size_t n, const sim_summary *s)
{
    return cell_in(b, n, s, 100.0, 1, "%", 0, 1);
}

/* A number (days, sessions, people), never negative, as "34.2 ± 1.1". */
static const char *cell_num(char *b, size_t n, const sim_summary *s)
{
    return cell_in(b, n, s, 1.0, 1, "", 0, NAN);
}

/* Pounds, whole, as "£1,234 ± 56", within [lo, hi] as cell_in. */
static const char *cell_gbp_in(char *b, size_t n, const sim_summary *s, double lo, double hi)
{
    char v[CELL_MAX];
    if (s->n == 0 || !isfinite(s->mean))
        return cell(b, n, s, 1.0, 0, "");
    snprintf(b, n, "£%s", cell_in(v, sizeof v, s, 1.0, 0, "", lo, hi));
    return b;
}

/* Pounds that cannot be negative (the coordinators' costs). */
static const char *cell_gbp(char *b, size_t n, const sim_summary *s)
{
    return cell_gbp_in(b, n, s, 0, NAN);
}

/* Summary of x[0..n); on failure (out of memory) an empty summary, shown as "–". */
static sim_summary summarise(const double *x, size_t n)
{
    sim_summary s;
    if (sim_summarise(x, n, &s) != 0) {
        memset(&s, 0, sizeof s);
        s.mean = NAN;
    }
    return s;
}

void out_dashboard_label(char *b, size_t n, const char *name, const char *indent)
{
    static const char *const known[][2] = {
        {"dropped_before_assessment", "Lost before assessment"},
        {"no_opt_in", "never opted in"},
        {"dropped_waiting_assessment", "dropped out waiting for assessment"},
        {"dna_assessment", "did not attend the assessment"},
        {"signposted", "Signposted or rejected at assessment"},
        {"signposted_risk", "signposted: risk"},
        {"signposted_specialist", "signposted: specialist need"},
        {"rejected", "rejected by referral criteria"},
        {"signposted_ltc", "to a long-term-condition pathway"},
        {"dropped_after_assessment", "Lost waiting for treatment"},
        {"dropped_waiting_step2", "dropped out waiting for step 2"},
        {"dropped_waiting_step3", "dropped out waiting for step 3"},
        {"dropped_in_treatment", "Lost from booked treatment"},
        {"discharged_dna", "discharged after missed sessions"},
        {"discharged", "Discharged after treatment"},
        {"discharged_recovered", "recovered"},
        {"discharged_completed", "reached the session cap"},
        {"discharged_no_progress", "no progress"},
        {"discharged_from_waiting_list", "Discharged from a waiting list"},
        {"all", "all referrals"},
        {"age_18_25", "aged 18-25"}, {"age_26_35", "aged 26-35"}, {"age_36_64", "aged 36-64"},
        {"age_65_plus", "aged 65 and over"}, {"referral_source", "Referral source"},
        {"gp_referral", "referred by a GP"}, {"self_referral", "referred themselves"},
        {"deprivation", "Deprivation (quintile of where they live)"},
        {"deprivation_q1", "most deprived fifth"}, {"deprivation_q2", "second"},
        {"deprivation_q3", "third"}, {"deprivation_q4", "fourth"},
        {"deprivation_q5", "least deprived fifth"},
        {"ethnic_minority", "ethnic minority: the four above"},
        {"other_ethnic_group", "other ethnic group"},
        {"discharged_holding_list", "did not answer a holding-list letter"},
        {"closed_unanswered", "closed, not having opted in"},
        {"still_in_system", "Still in the service at the end"},
        {"still_waiting", "still waiting"},
        {"still_in_treatment", "still in treatment"},
    };
    const char *text = NULL;
    for (size_t k = 0; k < sizeof known / sizeof known[0] && !text; k++)
        if (!strcmp(known[k][0], name))
            text = known[k][1];
    /* An exit sharing its group's name ("dropped_in_treatment") reads as the group. */
    if (text && strlen(indent) > 2 && !strcmp(name, "dropped_in_treatment"))
        text = "dropped out of treatment";
    size_t w = 0;
    for (const char *s = indent; *s && w + 1 < n; s++)
        b[w++] = *s;
    size_t start = w;
    for (const char *s = text ? text : name; *s && w + 1 < n; s++)
        b[w++] = *s == '_' ? ' ' : *s;
    b[w] = '\0';
    if (!text && strlen(indent) <= 2 && w > start && b[start] >= 'a' && b[start] <= 'z')
        b[start] = (char)(b[start] - 'a' + 'A');
}

int out_subgroup_labels(int k, char *heading, size_t hn, char *label, size_t ln)
{
    char b[OUT_LABEL_MAX + 4];
    pw_subgroup g = pw_subgroup_order[k];
    const char *attr = pw_subgroup_attribute(g);
    /* A heading where the attribute changes, but for the pooled group: it follows its parts. */
    int head = k > 0 && g != PW_G_ETHNIC_MINORITY &&
               strcmp(attr, pw_subgroup_attribute(pw_subgroup_order[k - 1])) != 0;
    out_dashboard_label(b, sizeof b, pw_subgroup_name(g), "    ");
    snprintf(label, ln, "%s", b + 4);
    out_dashboard_label(b, sizeof b, head ? attr : "", "  ");
    snprintf(heading, hn, "%s", b + 2);
    return head;
}

/* ======================================================================================
 * Sections
 * ====================================================================================== */

typedef struct dash {
    FILE *f;
    const pw_params *p;
    const pw_results *reps;
    const size_t *order;
    size_t nreps;
    const sim_summary *sum; /* out_metric_count() summaries */
    double *x;              /* nreps scratch values */
} dash;

/* Summary of the model's metric m. */
static const sim_summary *M(const dash *d, pw_metric m) { return &d->sum[m]; }

/* Cell b (of size n) of a figure undefined in some replications (no recovery caused, a
 * subgroup no one was in): the figure is over the others, which may be few and not alike,
 * so their count stands beside it, "[2 of 8]". */
static const char *counted(const dash *d, char *b, size_t n, const sim_summary *s)
{
    size_t len = strlen(b);
    if (s->n > 0 && s->n < d->nreps && len < n)
        snprintf(b + len, n - len, " [%zu of %zu]", s->n, d->nreps);
    return b;
}

/* The model's metric m as its unit reads (a share as a percentage, pounds whole, anything
 * else to a tenth), its interval cut at the values the metric can take: out_metric_range,
 * the rule the CSVs' readers and the pages use too. */
static const char *cell_metric(char *b, size_t n, const dash *d, pw_metric m)
{
    double lo, hi;
    const sim_summary *s = M(d, m);
    out_metric_range((size_t)m, &lo, &hi);
    switch (out_metric_unit((size_t)m)) {
    case OUT_U_SHARE:
        cell_in(b, n, s, 100.0, 1, "%", lo, hi);
        break;
    case OUT_U_GBP:
        cell_gbp_in(b, n, s, lo, hi);
        break;
    default:
        cell_in(b, n, s, 1.0, 1, "", lo, hi);
    }
    return counted(d, b, n, s);
}

/* Summary of the derived wait metric (w, stat). */
static const sim_summary *W(const dash *d, pw_wait w, out_wait_stat st)
{
    return &d->sum[PW_M_N + (size_t)w * OUT_WS_N + st];
}

/* Summary of a per-replication count divided by referrals. */
static sim_summary share_of_referrals(const dash *d, int is_exit, int k)
{
    for (size_t i = 0; i < d->nreps; i++) {
        const pw_results *r = &d->reps[d->order[i]];
        double refs = (double)r->stages[PW_S_REFERRED];
        double c = is_exit ? (double)r->exits[k] : (double)r->stages[k];
        d->x[i] = refs > 0 ? c / refs : NAN;
    }
    return summarise(d->x, d->nreps);
}

/* Waits, true against reported. */
static void section_waits(const dash *d)
{
    char a[CELL_MAX], b[CELL_MAX];
    heading(d->f, "WAITS", "true", "reported");
    row(d->f, "  Referral to assessment, mean days",
        cell_metric(a, sizeof a, d, PW_M_WAIT_TO_ASSESSMENT_DAYS_MEAN), "");
    row(d->f, "  Referral to treatment, mean days",
        cell_metric(a, sizeof a, d, PW_M_WAIT_TO_TREATMENT_DAYS_MEAN),
        cell_metric(b, sizeof b, d, PW_M_WAIT_REPORTED_DAYS_MEAN));
    row(d->f, "  Referral to treatment, median days",
        cell_metric(a, sizeof a, d, PW_M_WAIT_TO_TREATMENT_DAYS_P50),
        cell_num(b, sizeof b, W(d, PW_W_REPORTED, OUT_WS_P50)));
    row(d->f, "  Referral to treatment, 90th centile days",
        cell_metric(a, sizeof a, d, PW_M_WAIT_TO_TREATMENT_DAYS_P90),
        cell_num(b, sizeof b, W(d, PW_W_REPORTED, OUT_WS_P90)));
    row(d->f, "  Within 6 weeks", cell_metric(a, sizeof a, d, PW_M_WITHIN_6_WEEKS_TRUE),
        cell_metric(b, sizeof b, d, PW_M_WITHIN_6_WEEKS_REPORTED));
    row(d->f, "  Within 18 weeks", cell_metric(a, sizeof a, d, PW_M_WITHIN_18_WEEKS_TRUE),
        cell_metric(b, sizeof b, d, PW_M_WITHIN_18_WEEKS_REPORTED));
    row(d->f, "  Step-up wait (step 2 to 3), mean days",
        cell_metric(a, sizeof a, d, PW_M_STEP_UP_WAIT_DAYS_MEAN), "");
    row(d->f, "  Wait on the step-3 list, mean days",
        cell_metric(a, sizeof a, d, PW_M_WAIT_FOR_STEP3_DAYS_MEAN), "");
    fputs("  true: referral to first treatment session; shares of every referral, days of\n"
          "  those treated. reported: referral to the clock stop, of finishers only, as\n"
          "  published (centiles from weekly bins).\n", d->f);
}

/* Recovery, true against reported. */
static void section_recovery(const dash *d)
{
    char a[CELL_MAX], b[CELL_MAX];
    heading(d->f, "RECOVERY", "true", "reported");
    row(d->f, "  Recovery (of those at caseness)",
        cell_metric(a, sizeof a, d, PW_M_RECOVERY_RATE_TRUE),
        cell_metric(b, sizeof b, d, PW_M_RECOVERY_RATE_REPORTED));
    row(d->f, "  Reliable improvement (of all)",
        cell_metric(a, sizeof a, d, PW_M_RELIABLE_IMPROVEMENT_TRUE),
        cell_metric(b, sizeof b, d, PW_M_RELIABLE_IMPROVEMENT_REPORTED));
    row(d->f, "  Reliable recovery (of those at caseness)",
        cell_metric(a, sizeof a, d, PW_M_RELIABLE_RECOVERY_TRUE),
        cell_metric(b, sizeof b, d, PW_M_RELIABLE_RECOVERY_REPORTED));
    row(d->f, "  Recovery, untreated (at caseness)",
        cell_metric(a, sizeof a, d, PW_M_RECOVERY_RATE_TRUE_UNTREATED), "");
    int late = pw_metric_taken(d->p, PW_M_RECOVERY_RATE_TRUE_LATE);
    if (late) { /* the second reading, beside its counterfactual */
        char lb[64];
        snprintf(lb, sizeof lb, "  Recovery at %g weeks", d->p->outcome_weeks_late);
        row(d->f, lb, cell_metric(a, sizeof a, d, PW_M_RECOVERY_RATE_TRUE_LATE), "");
        snprintf(lb, sizeof lb, "  Recovery at %g weeks, untreated", d->p->outcome_weeks_late);
        row(d->f, lb, cell_metric(a, sizeof a, d, PW_M_RECOVERY_RATE_TRUE_UNTREATED_LATE), "");
    }
    fprintf(d->f, "  true: latent symptoms %g weeks after referral; \"all\" is every referral,\n"
            "  caseness latent at referral. reported: questionnaire scores; \"all\" is\n"
            "  those who finished a course (2+ sessions), caseness on the first score, as\n"
            "  published.\n",
            d->p->outcome_weeks);
    fputs("  untreated: the same people, had no session had any effect (natural\n"
          "  history alone).\n", d->f);
}

/* The funnel (stages passed) and where referrals ended (exits, by group). */
static void section_funnel(const dash *d)
{
    static const struct {
        pw_stage s;
        const char *label;
    } stages[] = {
        {PW_S_REFERRED, "  Referrals"},
        {PW_S_OPTED_IN, "  Opted in"},
        {PW_S_ASSESSED, "  Assessed"},
        {PW_S_ASSESSMENT_REBOOKED, "  Missed the assessment, offered another"},
        {PW_S_ENTERED_STEP2, "  Entered step 2"},
        {PW_S_ENTERED_STEP3, "  Entered step 3"},
        {PW_S_STEPPED_UP, "  Stepped up (put on the step-3 list)"},
        {PW_S_STEPPED_DOWN, "  Stepped down from step 3 to step 2"},
        {PW_S_BACK_ON_LIST, "  Back on the list after the session cap"},
        {PW_S_ENTERED_TREATMENT, "  Entered treatment"},
        {PW_S_FINISHED_COURSE, "  Finished a course (2+ sessions)"},
        {PW_S_RECOVERED_REPORTED, "  Recovered (reported)"},
        {PW_S_RE_REFERRED, "  Re-referred"},
        {PW_S_ENTERED_LTC_PATHWAY, "  Entered treatment on the LTC pathway"},
    };
    char a[CELL_MAX], b[CELL_MAX], label[LABEL_W + 32];
    heading(d->f, "FUNNEL", "per replication", "of referrals");
    int ltc = out_shows_ltc_pathway(d->p, d->reps, d->nreps);
    for (size_t k = 0; k < sizeof stages / sizeof stages[0]; k++) {
        if (stages[k].s == PW_S_ENTERED_LTC_PATHWAY && !ltc)
            continue; /* shown only for a service that runs the pathway */
        if (stages[k].s == PW_S_ASSESSMENT_REBOOKED && d->p->assessment.dna_rebook == 0)
            continue; /* and this only for one that rebooks missed assessments */
        for (size_t i = 0; i < d->nreps; i++)
            d->x[i] = (double)d->reps[d->order[i]].stages[stages[k].s];
        sim_summary n = summarise(d->x, d->nreps);
        sim_summary s = share_of_referrals(d, 0, stages[k].s);
        row(d->f, stages[k].label, isfinite(n.mean) ? out_fmt_grouped(a, sizeof a, n.mean, 0) : "–",
            stages[k].s == PW_S_REFERRED ? "" : cell_share(b, sizeof b, &s));
    }

    /* Where everyone ended: each exit group, each followed by its exits. */
    heading(d->f, "WHERE REFERRALS ENDED", "", "of referrals");
    for (int g = 0; g < PW_XG_N; g++) {
        int first = 0;
        while (first < PW_X_N && (int)pw_exit_group_of((pw_exit)first) != g)
            first++;
        if (first == PW_X_N)
            continue;
        for (size_t i = 0; i < d->nreps; i++) {
            const pw_results *r = &d->reps[d->order[i]];
            double refs = (double)r->stages[PW_S_REFERRED];
            d->x[i] = refs > 0 ? (double)pw_exit_group_count(r->exits, (pw_exit_group_id)g) / refs
                               : NAN;
        }
        sim_summary s = summarise(d->x, d->nreps);
        out_dashboard_label(label, sizeof label, pw_exit_group((pw_exit)first), "  ");
        row(d->f, label, "", cell_share(a, sizeof a, &s));
        for (int y = first; y < PW_X_N; y++) {
            if ((int)pw_exit_group_of((pw_exit)y) != g)
                continue;
            s = share_of_referrals(d, 1, y);
            out_dashboard_label(label, sizeof label, pw_exit_name((pw_exit)y), "    ");
            row(d->f, label, "", cell_share(a, sizeof a, &s));
        }
    }
}

/* Summary over replications of role k's statistic st (out_role_stat_value). */
static sim_summary role_stat(const dash *d, size_t k, out_role_stat st)
{
    double years = out_window_years(d->p);
    for (size_t i = 0; i < d->nreps; i++)
        d->x[i] = out_role_stat_value(&d->reps[d->order[i]].roles[k], years, st);
    return summarise(d->x, d->nreps);
}

/* Role k's posts vacant (trainees 0) or people training for it (1), each replication's
 * mean over the window (out_role_week_mean), summarised over replications; *any (when
 * not NULL) is set when some replication had any. */
static sim_summary role_week_mean(const dash *d, size_t k, int trainees, int *any)
{
    int some = 0;
    for (size_t i = 0; i < d->nreps; i++) {
        d->x[i] = out_role_week_mean(d->p, &d->reps[d->order[i]], k, trainees);
        some |= d->x[i] > 0;
    }
    if (any)
        *any = some;
    return summarise(d->x, d->nreps);
}

/* Staff by role over the measurement window, and the cost per unit of output. Every row
 * is shown (with fixed staff turnover reads 0.0%, and salaries always cost) but the
 * trainees', for a role no one trains for. */
static void section_workforce(const dash *d)
{
    char a[CELL_MAX], b[CELL_MAX], label[LABEL_W + 32];
    size_t nroles = d->p->n_roles < PW_MAX_ROLES ? d->p->n_roles : PW_MAX_ROLES;
    heading(d->f, "WORKFORCE AND COSTS", "", NULL);
    for (size_t k = 0; k < nroles; k++) {
        snprintf(label, sizeof label, "  %.36s", d->p->roles[k].name);
        row(d->f, label, NULL, NULL);
        for (size_t i = 0; i < d->nreps; i++)
            d->x[i] = (double)d->reps[d->order[i]].roles[k].in_post_end;
        sim_summary end = summarise(d->x, d->nreps);
        sim_summary mean = role_stat(d, k, OUT_RS_HEADCOUNT_MEAN);
        row(d->f, "    In post at the end / mean headcount", cell_num(a, sizeof a, &end),
            cell_num(b, sizeof b, &mean));
        sim_summary v = role_week_mean(d, k, 0, NULL);
        row(d->f, "    Posts vacant, mean over the window", cell_num(a, sizeof a, &v), NULL);
        /* The training pipeline into the role, where there is one (a HIT trainee is a
         * PWP gone to train, not in post in either role). */
        int any;
        v = role_week_mean(d, k, 1, &any);
        if (any)
            row(d->f, "    Training for it, mean over the window", cell_num(a, sizeof a, &v),
                NULL);
        sim_summary s = role_stat(d, k, OUT_RS_TURNOVER_RATE);
        row(d->f, "    Turnover, a year", cell_pct(a, sizeof a, &s), NULL);
        s = role_stat(d, k, OUT_RS_SICKNESS_DAYS_PER_FTE);
        row(d->f, "    Sickness days a year per FTE", cell_num(a, sizeof a, &s), NULL);
        s = role_stat(d, k, OUT_RS_BURNOUT_MEAN);
        row(d->f, "    Mean burnout (0 to 1)", cell_in(a, sizeof a, &s, 1.0, 2, "", 0, 1),
            NULL);
    }
    row(d->f, "  Cost per referral", cell_metric(a, sizeof a, d, PW_M_COST_PER_REFERRAL_GBP),
        NULL);
    row(d->f, "  Cost per finished course",
        cell_metric(a, sizeof a, d, PW_M_COST_PER_FINISHED_COURSE_GBP), NULL);
    row(d->f, "  Cost per recovery (reported)",
        cell_metric(a, sizeof a, d, PW_M_COST_PER_RECOVERY_GBP), NULL);
    row(d->f, "  Cost per recovery (true)",
        cell_metric(a, sizeof a, d, PW_M_COST_PER_TRUE_RECOVERY_GBP), NULL);
    row(d->f, "  Cost per recovery caused",
        cell_metric(a, sizeof a, d, PW_M_COST_PER_RECOVERY_CAUSED_GBP), NULL);
    fputs("  turnover: leavers and moves to training per person in post. Costs: salaries,\n"
          "  on-costs and training fees of the measurement window (costs.csv); caused:\n"
          "  true recoveries beyond those natural history alone would bring.\n", d->f);
}

/* The therapist effect at each step (pw_therapist.h), when any replication has one: a
 * small service or a short run has too few clinicians with five courses. */
static void section_therapist(const dash *d)
{
    static const pw_metric share[2] = {PW_M_THERAPIST_EFFECT_STEP2, PW_M_THERAPIST_EFFECT_STEP3};
    static const pw_metric part[2] = {PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2,
                                      PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3};
    if (M(d, share[0])->n == 0 && M(d, share[1])->n == 0)
        return;
    char a[CELL_MAX], b[CELL_MAX];
    heading(d->f, "THERAPIST EFFECT", "step 2", "step 3");
    row(d->f, "  Outcome variance between clinicians", cell_metric(a, sizeof a, d, share[0]),
        cell_metric(b, sizeof b, d, share[1]));
    row(d->f, "    of it, explained by their burnout", cell_metric(a, sizeof a, d, part[0]),
        cell_metric(b, sizeof b, d, part[1]));
    fputs("  of the variance of courses' last PHQ-9 (their first held), the share between\n"
          "  clinicians, as a study of services' records measures it (therapist_effect_*).\n",
          d->f);
}

/* Print "  " + text, its words wrapped to the dashboard's width. */
static void put_wrapped(FILE *f, const char *text)
{
    enum { WIDTH = 78 };
    int col = 0;
    for (const char *w = text; *w;) {
        size_t n = strcspn(w, " ");
        if (col > 2 && col + 1 + (int)n > WIDTH) {
            fputc('\n', f);
            col = 0;
        }
        col += fprintf(f, "%s%.*s", col == 0 ? "  " : " ", (int)n, w);
        w += n;
        w += strspn(w, " ");
    }
    fputc('\n', f);
}

/* The columns a UTF-8 string takes: its characters (the dashboard's are all one wide). */
static int utf8_width(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Print parts joined by " · " within the dashboard's 80 columns, a part that would pass
 * them starting a line of its own. No newline after the last. */
static void put_parts(FILE *f, char (*part)[96], int n)
{
    enum { WIDTH = 80 };
    int col = 0;
    for (int i = 0; i < n; i++) {
        int w = utf8_width(part[i]);
        if (i > 0 && col + 3 + w > WIDTH) {
            fputc('\n', f);
            col = 0;
        } else if (i > 0) {
            fputs(" · ", f);
            col += 3;
        }
        fputs(part[i], f);
        col += w;
    }
}

/* A diary diagnostic counted over the run: "LABEL: N things a replication (over the run,
 * warm-up included) WHAT", or, where a mean a replication would read 0, the count over
 * all the replications. Nothing when there are none. */
static void diary_count(const dash *d, const char *label, double total, const char *one,
                        const char *many, const char *what)
{
    if (!(total > 0))
        return;
    char a[CELL_MAX], line[512];
    const char *n = out_fmt_grouped(a, sizeof a, total / (double)d->nreps, 0);
    if (strcmp(n, "0") != 0)
        snprintf(line, sizeof line, "%s: %s %s a replication (over the run, warm-up included) %s",
                 label, n, strcmp(n, "1") == 0 ? one : many, what);
    else
        snprintf(line, sizeof line,
                 "%s: %s %s over %zu replication%s (over the run, warm-up included) %s", label,
                 out_fmt_grouped(a, sizeof a, total, 0), total == 1 ? one : many, d->nreps,
                 d->nreps == 1 ? "" : "s", what);
    put_wrapped(d->f, line);
}

/* Sessions and utilisation. */
static void section_capacity(const dash *d)
{
    char a[CELL_MAX];
    heading(d->f, "SESSIONS (treatment sessions attended)", "mean a person", NULL);
    row(d->f, "  Finished a course (reported)", cell_metric(a, sizeof a, d, PW_M_SESSIONS_MEAN_FINISHERS),
        NULL);
    row(d->f, "  Recovered (reported)",
        cell_metric(a, sizeof a, d, PW_M_SESSIONS_MEAN_RECOVERED), NULL);

    heading(d->f, "UTILISATION (share of clinical time in use)", "", NULL);
    row(d->f, "  Assessment (of assessment slots)", cell_metric(a, sizeof a, d, PW_M_UTILISATION_ASSESSMENT), NULL);
    if (d->p->assessment.flex_from_weeks > 0)
        row(d->f, "    slots moved from treatment",
            cell_metric(a, sizeof a, d, PW_M_ASSESSMENT_EXTRA_SHARE), NULL);
    row(d->f, "  Step 2 (of step-2 hours)", cell_metric(a, sizeof a, d, PW_M_UTILISATION_STEP2),
        NULL);
    row(d->f, "  Step 3 (of step-3 hours)", cell_metric(a, sizeof a, d, PW_M_UTILISATION_STEP3),
        NULL);
    if (M(d, PW_M_UTILISATION_STEP2)->mean > 1 || M(d, PW_M_UTILISATION_STEP3)->mean > 1)
        fprintf(d->f, "  over 100%%: the hours of staff off sick leave the count while their\n"
                      "  caseloads' hours (a step without diaries) and their groups' stay;\n"
                      "  sessions no week had time for (a Diary warning) add to a full week.\n");
    double handed = 0, spread = 0, moved = 0;
    for (size_t i = 0; i < d->nreps; i++) {
        handed += (double)d->reps[i].diary_handed_back;
        spread += (double)d->reps[i].diary_spread;
        moved += (double)d->reps[i].diary_moved;
    }
    diary_count(d, "Moved", moved, "session", "sessions",
                "went to a later week when a group, the front door's clinics or a course left "
                "theirs short (moved_sessions).");
    diary_count(d, "Handed on", handed, "person", "people",
                "went back to the list when a group, a course or a cut left their clinician's "
                "week too short for a session (handed_on).");
    diary_count(d, "Spread", spread, "session", "sessions",
                "longer than any week's time left took time from the weeks after "
                "(spread_sessions).");
}

/* Care coordination (only with a coordinator role): the complex people, held or not,
 * their dropout and missed appointments, the coordinators' time and cost. */
static void section_coordination(const dash *d)
{
    static const struct {
        const char *label, *fig;
        int pct;
    } rows[] = {
        {"  Complex people (referred in the window)", "complex_referrals", 0},
        {"    held by a coordinator", "coordinated_share", 1},
        {"    never held (no place free)", "without_coordinator", 0},
        {"    lost theirs when a coordinator left", "lost_coordinator", 0},
        {"    dropped out after assessment", "complex_dropout_share", 1},
        {"    appointments missed", "complex_dna_share", 1},
        {"  Coordinators' hours in use", "coordinator_utilisation", 1},
        {"  Coordinators' cost over the window", "coordinator_cost_gbp", 2},
    };
    char a[CELL_MAX];
    if (!out_coord_on(d->p))
        return;
    heading(d->f, "CARE COORDINATION (complex needs)", "", NULL);
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        size_t m = 0;
        while (m < out_coord_count() && strcmp(out_coord_name(m), rows[k].fig) != 0)
            m++;
        for (size_t i = 0; i < d->nreps; i++)
            d->x[i] = out_coord_value(d->p, &d->reps[d->order[i]], m);
        sim_summary s = summarise(d->x, d->nreps);
        row(d->f, rows[k].label,
            rows[k].pct == 1   ? cell_share(a, sizeof a, &s)
            : rows[k].pct == 2 ? cell_gbp(a, sizeof a, &s)
                               : cell_num(a, sizeof a, &s),
            NULL);
    }
    fputs("  every figure, by replication, in coordination.csv; against no one in post:\n"
          "  --set staff.<role>.headcount=0 (README.md, \"Care coordination\").\n", d->f);
}

/* Mean waiting-list sizes. */
static void section_lists(const dash *d)
{
    char a[CELL_MAX];
    heading(d->f, "WAITING LISTS (mean people waiting)", "", NULL);
    row(d->f, "  For assessment", cell_metric(a, sizeof a, d, PW_M_WAITING_ASSESSMENT_MEAN),
        NULL);
    row(d->f, "  For step 2", cell_metric(a, sizeof a, d, PW_M_WAITING_STEP2_MEAN), NULL);
    row(d->f, "  For step 3", cell_metric(a, sizeof a, d, PW_M_WAITING_STEP3_MEAN), NULL);
}

/* Subgroups: each attribute's levels, their recovery gap to everyone (percentage points,
 * paired by replication), true and reported. */
static void section_subgroups(const dash *d)
{
    char a[CELL_MAX], b[CELL_MAX], head[OUT_LABEL_MAX], label[LABEL_W + 32];
    heading(d->f, "SUBGROUPS: recovery gap to all", "true", "reported");
    for (int k = 1; k < PW_G_N; k++) {
        pw_subgroup g = pw_subgroup_order[k];
        char text[OUT_LABEL_MAX];
        if (out_subgroup_labels(k, head, sizeof head, text, sizeof text)) {
            snprintf(label, sizeof label, "  %s", head);
            row(d->f, label, NULL, NULL);
        }
        sim_summary s[2];
        const pw_gmetric m[2] = {PW_GM_RECOVERY_RATE_TRUE, PW_GM_RECOVERY_RATE_REPORTED};
        for (int j = 0; j < 2; j++) {
            for (size_t i = 0; i < d->nreps; i++)
                d->x[i] = out_subgroup_gap(&d->reps[d->order[i]], g, m[j]);
            s[j] = summarise(d->x, d->nreps);
        }
        snprintf(label, sizeof label, "    %s", text);
        /* A gap between two shares lies in [-100, 100] points. */
        cell_in(a, sizeof a, &s[0], 100.0, 1, "", -1, 1);
        cell_in(b, sizeof b, &s[1], 100.0, 1, "", -1, 1);
        row(d->f, label, counted(d, a, sizeof a, &s[0]), counted(d, b, sizeof b, &s[1]));
    }
    fputs("  points of recovery against every referral, paired by replication; every\n"
          "  metric of every subgroup is in subgroups.csv.\n",
          d->f);
}

/* ======================================================================================
 * The dashboard
 * ====================================================================================== */

void out_print_dashboard(FILE *f, const pw_params *p, const pw_results *reps, size_t nreps,
                         const out_run_info *info)
{
    size_t *order = out_rep_order(reps, nreps);
    sim_summary *sum = malloc(out_metric_count() * sizeof *sum);
    double *x = malloc((nreps ? nreps : 1) * sizeof *x);
    if (!order || !sum || !x || nreps == 0 ||
        out_summarise_metrics(reps, order, nreps, sum) != 0) {
        fprintf(f, "%s: %s\n", p->name, nreps ? "no dashboard (out of memory)"
                                              : "no replications");
        goto out;
    }
    dash d = {f, p, reps, order, nreps, sum, x};

    const char *ver = info && info->version && *info->version ? info->version : NULL;
    fprintf(f, "%s%s%s\n", p->name, ver ? " · stepsim " : "", ver ? ver : "");
    char part[5][96];
    int np = 0;
    if (reps[0].n_services > 0) /* a federation: its national figures */
        snprintf(part[np++], sizeof part[0], "a federation of %zu services",
                 reps[0].n_services);
    snprintf(part[np++], sizeof part[0], "%zu replication%s", nreps, nreps == 1 ? "" : "s");
    if (info && info->service) /* -s with --service takes the federation's, not this */
        snprintf(part[np++], sizeof part[0], "seed %" PRIu64 ", the service's own from the "
                 "federation's %" PRIu64, p->seed, info->federation_seed);
    else
        snprintf(part[np++], sizeof part[0], "seed %" PRIu64, p->seed);
    snprintf(part[np++], sizeof part[0], "%g week%s measured after %g week%s of warm-up",
             p->horizon_weeks, p->horizon_weeks == 1 ? "" : "s", p->warmup_weeks,
             p->warmup_weeks == 1 ? "" : "s");
    if (info && isfinite(info->wall_seconds)) {
        int n = snprintf(part[np], sizeof part[0], "%.1f s on %d thread%s",
                         info->wall_seconds, info->threads, info->threads == 1 ? "" : "s");
        if (info->ranks > 1 && n > 0 && (size_t)n < sizeof part[0])
            snprintf(part[np] + n, sizeof part[0] - (size_t)n, " in each of %d MPI ranks",
                     info->ranks);
        np++;
    }
    put_parts(f, part, np);
    if (nreps < 2)
        fputs("\nOne replication: its values, with no confidence intervals (they need two or\n"
              "more replications, -r).\n", f);
    else
        fputs("\nMeans over replications; ± is the half-width of the 95% confidence interval\n"
              "(percentage points for shares); one that would pass what the figure can take\n"
              "(below 0, a share above 100%) is shown cut there, as (low–high).\n", f);

    section_waits(&d);
    section_recovery(&d);
    section_funnel(&d);
    section_capacity(&d);
    section_workforce(&d);
    section_therapist(&d);
    section_coordination(&d);
    section_lists(&d);
    section_subgroups(&d);
out:
    free(order);
    free(sum);
    free(x);
}
