/* The memory budget (see budget.h).
 *
 * A command's peak, for scenarios run one after the other:
 *     peak = sum over scenarios of  reps x results_bytes                  (results kept)
 *          + max over scenarios of  min(threads, reps) x (run_bytes - results_bytes
 *                                                         + stream buffers)
 *          + extra (what the command keeps besides) + PROGRAM_BYTES
 * with results_bytes and run_bytes from pw_memory_estimate (models/pw_memory.c). A
 * running replication's results are among those kept, so they count once. A federation's
 * run_bytes are its largest service's, and min(threads, reps x services) of them run at
 * once (running).
 */
#include "budget.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/pw_world.h"
#include "out_file.h"
#include "out_stream.h"

/* The program itself: code, libraries, stdio, the loaded scenario, thread stacks in use. */
#define PROGRAM_BYTES (16.0 * 1024 * 1024)
/* Per part file a replication writes: its buffer, the FILE and the path. */
#define STREAM_FILE_BYTES ((double)OUT_STREAM_BUFFER_BYTES + 4096.0)

double budget_default(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || size <= 0)
        return 0;
    return BUDGET_SHARE * (double)pages * (double)size;
}

int budget_parse(const char *s, double *bytes)
{
    const char *p = s, *digits = s;
    double v = 0, scale = 1;
    if (!isdigit((unsigned char)*p))
        return -1;
    while (isdigit((unsigned char)*p))
        v = v * 10 + (*p++ - '0');
    size_t nint = (size_t)(p - digits);
    int frac = 0; /* a nonzero digit after the point */
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        for (double f = 0.1; isdigit((unsigned char)*p); f /= 10) {
            frac |= *p != '0';
            v += (*p++ - '0') * f;
        }
    }
    const char *units = "KMGT";
    const char *u = *p ? strchr(units, toupper((unsigned char)*p)) : NULL;
    if (u) {
        for (const char *k = units; k <= u; k++)
            scale *= 1024;
        p++;
        if (*p == 'i' || *p == 'I')
            p++;
    }
    if (*p == 'B' || *p == 'b')
        p++;
    if (*p || !(v * scale >= 1))
        return -1;
    /* Against the largest size in the unit given, exactly (a double cannot tell
     * 1152921504606846977 bytes from the limit): its whole part as written, then the
     * fraction. The limit is a power of 2, so limit / scale is a whole number. */
    char lim[32];
    snprintf(lim, sizeof lim, "%.0f", BUDGET_MAX_BYTES / scale);
    while (nint > 1 && *digits == '0') {
        digits++;
        nint--;
    }
    int cmp = nint != strlen(lim) ? (nint > strlen(lim) ? 1 : -1) : strncmp(digits, lim, nint);
    if (cmp > 0 || (cmp == 0 && frac))
        return -2;
    *bytes = v * scale;
    return 0;
}

const char *budget_fmt(double bytes, char *buf, size_t n)
{
    static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    size_t k = 0;
    while (bytes >= 1024 && k + 1 < sizeof unit / sizeof *unit) {
        bytes /= 1024;
        k++;
    }
    if (k == 0)
        snprintf(buf, n, "%.0f %s", bytes, bytes == 1 ? "byte" : "bytes"); /* --max-memory 1 */
    else
        snprintf(buf, n, "%.*f %s", bytes < 10 ? 1 : 0, bytes, unit[k]);
    return buf;
}

/* Replications running at once, or a federation's services (each a task of its own: one
 * replication of England's 120 services fills every thread). */
static double running(const budget_run *r)
{
    size_t tasks = r->reps * (r->federation ? r->federation : 1);
    return (double)((size_t)r->threads < tasks ? (size_t)r->threads : tasks);
}

/* "replication" or a federation's "service", plural when n is not 1. */
static const char *task_word(const budget_run *r, double n)
{
    if (r->federation)
        return n == 1 ? "service" : "services";
    return n == 1 ? "replication" : "replications";
}

/* Bytes of one replication while it runs, beyond its results: the model's, and the
 * buffers of the streams it writes. */
static double per_replication(const budget_run *r, const pw_memory *m)
{
    int files = !!(r->streams & OUT_STREAM_PATIENTS) + !!(r->streams & OUT_STREAM_EVENTS) +
                !!(r->streams & OUT_STREAM_ARRIVALS);
    return m->run_bytes - m->results_bytes + files * STREAM_FILE_BYTES;
}

/* The scenario whose replications need the most while running. */
static size_t largest_run(const budget_run *runs, size_t n, pw_memory *m)
{
    size_t best = 0;
    double most = -1;
    for (size_t i = 0; i < n; i++) {
        pw_memory_estimate(runs[i].p, m);
        double b = running(&runs[i]) * per_replication(&runs[i], m);
        if (b > most) {
            most = b;
            best = i;
        }
    }
    pw_memory_estimate(runs[best].p, m);
    return best;
}

double budget_estimate(const budget_run *runs, size_t n, double extra_bytes)
{
    double total = PROGRAM_BYTES + extra_bytes;
    pw_memory m;
    for (size_t i = 0; i < n; i++) {
        pw_memory_estimate(runs[i].p, &m);
        total += (double)runs[i].reps * m.results_bytes;
    }
    if (n) {
        size_t k = largest_run(runs, n, &m);
        total += running(&runs[k]) * per_replication(&runs[k], &m);
    }
    return total;
}

/* One part of the estimate, for the message. */
typedef struct part {
    double bytes;
    char text[480];
} part;

/* Append a part of `bytes` (none when 0; at most `cap` parts), described by fmt. */
__attribute__((format(printf, 5, 6))) static void add_part(part *parts, size_t *np,
                                                           size_t cap, double bytes,
                                                           const char *fmt, ...)
{
    if (*np >= cap || !(bytes > 0))
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(parts[*np].text, sizeof parts[*np].text, fmt, ap);
    va_end(ap);
    parts[(*np)++].bytes = bytes;
}

/* An estimated count of people as a reader takes it: three significant figures, whole,
 * grouped ("83,700", where %.3g printed 8.37e+04 and a fraction of a clinician). */
static const char *count3(char *b, size_t n, double x)
{
    char t[32];
    snprintf(t, sizeof t, "%.3g", x);
    return out_fmt_grouped(b, n, round(strtod(t, NULL)), 0);
}

/* qsort: largest part first. */
static int by_size(const void *a, const void *b)
{
    double x = ((const part *)a)->bytes, y = ((const part *)b)->bytes;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* "NAME: " when several scenarios run, else ""; for a federation's largest service, then
 * "its largest service, \"SERVICE\": ". */
static const char *prefix(const budget_run *r, size_t n, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    if (n > 1 && r->name) {
        int w = snprintf(buf, len, "%s: ", r->name);
        at = w < 0 ? 0 : (size_t)w < len ? (size_t)w : len - 1;
    }
    if (r->federation)
        snprintf(buf + at, len - at, "its largest service, \"%s\": ", r->p->name);
    return buf;
}

int budget_check(const budget_run *runs, size_t n, double extra_bytes, const char *extra_what,
                 double budget, const char *budget_what, char *err, size_t errlen)
{
    double total = budget_estimate(runs, n, extra_bytes);
    if (!(budget > 0) || total <= budget)
        return 0;
    enum { MAX_PARTS = 48 };
    part parts[MAX_PARTS];
    size_t np = 0;
    char a[32], b[32], pre[300], c1[32], c2[32], c3[32];
    pw_memory m;
    for (size_t i = 0; i < n && np + 1 < MAX_PARTS; i++) {
        pw_memory_estimate(runs[i].p, &m);
        add_part(parts, &np, MAX_PARTS, (double)runs[i].reps * m.results_bytes,
                 "%s%sresults kept: %zu replication%s (replications, or -r) x %s each (%.0f "
                 "weeks of weekly series: warmup_weeks + horizon_weeks + the longest of "
                 "followup_weeks, outcome_weeks and outcome_weeks_late)",
                 n > 1 && runs[i].name ? runs[i].name : "", n > 1 && runs[i].name ? ": " : "",
                 runs[i].reps, runs[i].reps == 1 ? "" : "s",
                 budget_fmt(m.results_bytes, a, sizeof a), m.weeks);
    }
    if (n) {
        size_t k = largest_run(runs, n, &m);
        const budget_run *r = &runs[k];
        const pw_params *p = r->p;
        double at_once = running(r);
        prefix(r, n, pre, sizeof pre);
        add_part(parts, &np, MAX_PARTS, at_once * m.people_bytes,
                 "%speople in the service: up to %s at once (referrals.per_week %g, with "
                 "seasonality, growth_per_year and step_changes, over %.0f weeks of "
                 "warmup_weeks + horizon_weeks + the longest of followup_weeks, "
                 "outcome_weeks and outcome_weeks_late: %s referrals, x "
                 "assessment.opt_in_probability %g; prefill lists and caseload_fill: %s) x "
                 "%s each x %.0f %s at once (-j)",
                 pre, count3(c1, sizeof c1, m.people), pw_referral_base_per_week(&p->referrals),
                 m.weeks, count3(c2, sizeof c2, m.referrals), p->assessment.opt_in_probability,
                 count3(c3, sizeof c3, m.prefilled),
                 budget_fmt(m.people_bytes / (m.people > 0 ? m.people : 1), a, sizeof a),
                 at_once, task_word(r, at_once));
        add_part(parts, &np, MAX_PARTS, at_once * m.staff_bytes,
                 "%sclinicians: %s ever in post (staff.<role>.headcount, workforce.hiring, "
                 "leave_per_year, training_per_year) x %s each x %.0f %s at once (-j)",
                 pre, count3(c1, sizeof c1, m.staff), budget_fmt(m.staff_bytes / (m.staff > 0 ? m.staff : 1), a,
                                          sizeof a), at_once, task_word(r, at_once));
        add_part(parts, &np, MAX_PARTS, at_once * m.fixed_bytes,
                 "%seach %s's world, calendar and histograms: %s x %.0f at once (-j)", pre,
                 r->federation ? "service" : "replication",
                 budget_fmt(m.fixed_bytes, a, sizeof a), at_once);
        double streams = at_once * (per_replication(r, &m) - (m.run_bytes - m.results_bytes));
        add_part(parts, &np, MAX_PARTS, streams,
                 "%sbuffers of patients.csv / events.csv and arrivals.csv (--patients, "
                 "--events): %s", pre,
                 budget_fmt(streams, a, sizeof a));
    }
    add_part(parts, &np, MAX_PARTS, extra_bytes, "%s", extra_what ? extra_what : "other data");
    add_part(parts, &np, MAX_PARTS, PROGRAM_BYTES, "the program itself");
    qsort(parts, np, sizeof *parts, by_size);
    size_t len = (size_t)snprintf(err, errlen,
                                  "needs an estimated %s of memory, more than the budget of %s "
                                  "(%s; --max-memory SIZE changes it). What it needs:",
                                  budget_fmt(total, a, sizeof a), budget_fmt(budget, b, sizeof b),
                                  budget_what);
    for (size_t i = 0; i < np && len < errlen; i++)
        len += (size_t)snprintf(err + len, errlen - len, "\n  %s: %s", budget_fmt(parts[i].bytes,
                                a, sizeof a), parts[i].text);
    return -1;
}
