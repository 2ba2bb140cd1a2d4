/* solve: the cheapest point of a whole-number grid (headcounts) that meets every target
 * at a stated confidence.
 *
 * Design
 * - At -r replications a target "METRIC>=X" is met when the one-sided lower confidence
 *   bound of the metric's mean is >= X ("<=": the upper bound <= X); a point that does
 *   not meet every target that way counts as not meeting them (it cannot be shown to at
 *   this confidence). --exhaustive applies just that rule to every point.
 * - Sequentially, a point starts with 5 replications and gets 5 more at a time; it is
 *   settled early only when the bounds are decisive at a confidence shared out over the
 *   looks it may get (Bonferroni: 1 - (1 - confidence) / looks), met or missed. A point
 *   that stays close runs to -r and is settled by the rule above. The frontier points
 *   that meet (the candidates) are then run to -r and judged by that rule, as --exhaustive
 *   judges them, and their costs compared on the same -r replications; so the sequential
 *   answer agrees with the exhaustive one except where an early, strongly supported
 *   "misses" below the frontier would have been overturned by the full -r.
 * - Decisions look at prefixes of 5, 10, 15, ... replications, so the answer does not
 *   depend on the thread count, and replications spent on a point are kept for later.
 * - Monotonicity is assumed, and said in the output: raising a varied key never worsens
 *   a target metric, and never lowers the cost. So for each combination of the other
 *   keys, the cheapest feasible value of the last key is found by bisection, and with
 *   two keys that value can only fall as the first key rises (a staircase). Only those
 *   frontier points can be cheapest; the cost metric's mean picks among them.
 * - --exhaustive decides every grid point at the full -r instead: a brute-force check of
 *   the answer with the same rule.
 */
#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_explore.h"
#include "out_metrics.h"
#include "run_checks.h"
#include "solve.h"

/* "METRIC>=X", "<=", ">" or "<" (the same as ">=" and "<=": the bounds are continuous); X
 * may end in % (a share). -2: an unknown metric; -3: a value the metric cannot take
 * (ex_metric_range); -4: a percent on a metric that is no share. 0 when read into *t; -1:
 * not of that form. */
static int parse_target(const char *s, target *t)
{
    /* Blanks around the metric, the operator and X are allowed ('METRIC >= X'): the name
     * with a blank after it was "unknown metric (did you mean METRIC?)". */
    while (isspace((unsigned char)*s))
        s++;
    const char *op = strpbrk(s, "<>");
    if (!op || op == s)
        return -1;
    char name[OUT_METRIC_NAME_MAX];
    size_t n = (size_t)(op - s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n >= sizeof name)
        return -1;
    memcpy(name, s, n);
    name[n] = '\0';
    int m = ex_metric_find(name);
    if (m < 0)
        return -2;
    t->metric = (size_t)m;
    t->at_least = *op == '>';
    const char *v = op + 1 + (op[1] == '=');
    while (isspace((unsigned char)*v))
        v++;
    if (strpbrk(v, "xX")) /* a number as written: strtod would read hexadecimal */
        return -1;
    char *end;
    t->value = strtod(v, &end);
    if (end == v)
        return -1;
    if (*end == '%') {
        if (!ex_metric_is_share(t->metric))
            return -4;
        t->value /= 100;
        end++;
    }
    while (isspace((unsigned char)*end))
        end++;
    if (*end || !isfinite(t->value))
        return -1;
    /* Shares are fractions of people (utilisation and turnover can pass 1). */
    double lo, hi;
    ex_metric_range(t->metric, &lo, &hi);
    if (t->value < lo || t->value > hi)
        return -3;
    return 0;
}

/* The spot already loaded at grid position at (one index a variable), or NULL; s keeps
 * it (its address moves when get_spot grows the array). */
static spot *find_spot(solver *s, const long *at)
{
    for (size_t i = 0; i < s->nspots; i++)
        if (!memcmp(s->spots[i].at, at, s->x.nvars * sizeof *at))
            return &s->spots[i];
    return NULL;
}

/* Out of memory, said (the runs and loads say their own failures): EXIT_RUNTIME. */
static int oom(void)
{
    fputs("stepsim: solve: out of memory\n", stderr);
    return EXIT_RUNTIME;
}

/* The point at `at` as xp_load_point takes it: "KEY=VALUE" a var (malloc'd, nvars of them;
 * assign_free), or NULL out of memory (said). */
static char **assign_at(solver *s, const long *at)
{
    char **assign = calloc(s->x.nvars, sizeof *assign);
    for (size_t v = 0; assign && v < s->x.nvars; v++) {
        if (!(assign[v] = malloc(EX_KEY_MAX + 32))) {
            for (size_t w = 0; w < v; w++)
                free(assign[w]);
            free(assign);
            assign = NULL;
        } else {
            ex_var_assign(&s->x.vars[v], (double)at[v], assign[v], EX_KEY_MAX + 32);
        }
    }
    if (!assign)
        oom();
    return assign;
}

/* Release assign_at's n assignments (NULL too). */
static void assign_free(char **assign, size_t n)
{
    for (size_t v = 0; assign && v < n; v++)
        free(assign[v]);
    free(assign);
}

/* sp with its services (a federation's, dropped after its last run: a grid of a thousand
 * points would hold gigabytes for the one it runs): EXIT_OK or a status. */
static int with_services(solver *s, spot *sp)
{
    if (!s->x.nservices || sp->pt.fed)
        return EXIT_OK;
    char **assign = assign_at(s, sp->at);
    int ret = assign ? xp_with_services(&s->x, (const char *const *)assign, &sp->pt)
                     : EXIT_RUNTIME;
    assign_free(assign, s->x.nvars);
    return ret;
}

/* Run sp to n replications (xp_run), its services loaded for it and released after. */
static int run_spot(solver *s, spot *sp, size_t n)
{
    int ret = with_services(s, sp);
    if (ret == EXIT_OK)
        ret = xp_run(&s->x, &sp->pt, n);
    ex_point_drop_services(&sp->pt);
    return ret;
}

/* The spot at `at`, loaded on first use (a federation's services released until it runs).
 * *out points into s->spots (moved when it grows). Returns EXIT_OK, the load's status (its
 * messages printed) or EXIT_RUNTIME out of memory. */
static int get_spot(solver *s, const long *at, spot **out)
{
    if ((*out = find_spot(s, at)) != NULL)
        return EXIT_OK;
    if (s->nspots == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        spot *sp = realloc(s->spots, cap * sizeof *sp);
        if (!sp)
            return oom();
        s->spots = sp;
        s->cap = cap;
    }
    spot *sp = &s->spots[s->nspots];
    memset(sp, 0, sizeof *sp);
    sp->at = malloc(s->x.nvars * sizeof *sp->at);
    int ret = sp->at ? EXIT_OK : oom();
    for (size_t v = 0; v < s->x.nvars && ret == EXIT_OK; v++)
        sp->at[v] = at[v];
    char **assign = ret == EXIT_OK ? assign_at(s, at) : NULL;
    if (ret == EXIT_OK)
        ret = assign ? xp_load_point(&s->x, (const char *const *)assign, &sp->pt) : EXIT_RUNTIME;
    assign_free(assign, s->x.nvars);
    if (ret != EXIT_OK) {
        free(sp->at);
        return ret;
    }
    ex_point_drop_services(&sp->pt);
    s->nspots++;
    *out = sp;
    return EXIT_OK;
}

/* MET, MISSED, or -1 undecided, on the first n replications with one-sided bounds at
 * `confidence`. */
static int judge(const solver *s, const spot *sp, size_t n, double confidence)
{
    int all = 1;
    for (size_t k = 0; k < s->ntargets; k++) {
        const target *t = &s->targets[k];
        if (t->cap)
            continue;
        double lo, hi;
        ex_point_bounds(&sp->pt, t->metric, n, confidence, &lo, &hi);
        if (isnan(lo) || isnan(hi))
            return MISSED; /* undefined (nobody treated, say): cannot be shown met */
        if (t->at_least ? hi < t->value : lo > t->value)
            return MISSED;
        all = all && (t->at_least ? lo >= t->value : hi <= t->value);
    }
    return all ? MET : -1;
}

/* Decide whether the point `at` meets every target; *meets gets MET or MISSED. Runs the
 * point's replications as needed. Returns EXIT_OK or the run's status (*meets then unset). */
static int decide(solver *s, const long *at, int *meets)
{
    spot *sp;
    int ret = get_spot(s, at, &sp);
    if (ret != EXIT_OK)
        return ret;
    size_t rmax = s->x.reps;
    size_t n = s->x.c->exhaustive ? rmax : (FIRST_REPS < rmax ? FIRST_REPS : rmax);
    size_t looks = rmax > FIRST_REPS ? (rmax - FIRST_REPS + MORE_REPS - 1) / MORE_REPS + 1 : 1;
    double early = 1 - (1 - s->x.c->confidence) / (double)looks;
    while (!sp->decided) {
        size_t before = sp->pt.nreps;
        if ((ret = run_spot(s, sp, n)) != EXIT_OK)
            return ret;
        s->sims += sp->pt.nreps - before;
        app_progress(&s->progress, s->sims, 0);
        int j = judge(s, sp, n, n >= rmax ? s->x.c->confidence : early);
        if (j >= 0 || n >= rmax) {
            sp->decided = 1;
            sp->meets = j == MET;
        } else {
            n = n + MORE_REPS < rmax ? n + MORE_REPS : rmax;
        }
    }
    *meets = sp->meets;
    return EXIT_OK;
}

/* The least value of the last var meeting the targets, with the others at `at`, in
 * [lo, hi] (bisection; monotone), or hi + 1 if none. */
static int least_last(solver *s, long *at, long lo, long hi, long *out)
{
    size_t last = s->x.nvars - 1;
    int meets, ret;
    at[last] = hi;
    if ((ret = decide(s, at, &meets)) != EXIT_OK)
        return ret;
    if (!meets) {
        *out = hi + 1;
        return EXIT_OK;
    }
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        at[last] = mid;
        if ((ret = decide(s, at, &meets)) != EXIT_OK)
            return ret;
        if (meets)
            hi = mid;
        else
            lo = mid + 1;
    }
    *out = hi;
    return EXIT_OK;
}

/* Walk the grid: for every combination of all vars but the last, the least feasible
 * last value. Feasible frontier points are marked in candidates (indexes into spots). */
static int search(solver *s, size_t **cand, size_t *ncand)
{
    size_t nv = s->x.nvars, last = nv - 1;
    long *at = calloc(nv, sizeof *at);
    if (!at)
        return oom();
    size_t outer = 1;
    for (size_t v = 0; v < last; v++)
        outer *= s->x.vars[v].n;
    *cand = calloc(outer, sizeof **cand);
    *ncand = 0;
    int ret = *cand ? EXIT_OK : oom();
    long lo = (long)s->x.vars[last].lo, top = (long)s->x.vars[last].hi, hi = top;
    for (size_t i = 0; i < outer && ret == EXIT_OK; i++) {
        size_t rest = i;
        for (size_t v = last; v-- > 0;) {
            const ex_var *var = &s->x.vars[v];
            at[v] = (long)var->values[rest % var->n];
            rest /= var->n;
        }
        if (s->x.c->exhaustive) {
            /* Every value, at full replications: the brute-force check. The row's
             * candidate is its point of least --minimise mean among those that meet (the
             * lowest on a tie), assuming nothing: the least feasible value only when the
             * minimised metric rises with the key, as a cost does (a --minimise that falls
             * with staff, a waiting list say, had its highest point cheapest). */
            long best = top + 1;
            double cheapest = INFINITY;
            for (long y = top; y >= lo && ret == EXIT_OK; y--) {
                int meets;
                at[last] = y;
                if ((ret = decide(s, at, &meets)) != EXIT_OK || !meets)
                    continue;
                const spot *sp = find_spot(s, at);
                double cost = ex_point_summary(&sp->pt, s->cost, sp->pt.nreps).mean;
                if (isnan(cost))
                    cost = INFINITY; /* undefined: after any defined, still a candidate */
                if (cost <= cheapest)
                    best = y, cheapest = cost;
            }
            hi = best;
        } else {
            /* With two vars the frontier only falls as the first rises. Where noise says
             * otherwise (the last row's frontier value fails here), search above it. */
            long carried = nv > 2 || i == 0 || hi > top ? top : hi;
            ret = least_last(s, at, lo, carried, &hi);
            if (ret == EXIT_OK && hi > carried && carried < top)
                ret = least_last(s, at, carried + 1, top, &hi);
        }
        if (ret == EXIT_OK && hi <= top) {
            at[last] = hi;
            const spot *sp = find_spot(s, at);
            assert(sp && sp->meets); /* every frontier value was decided to meet */
            (*cand)[(*ncand)++] = (size_t)(sp - s->spots);
        } else if (ret == EXIT_OK && i == outer - 1 && lo < top && !s->x.c->exhaustive) {
            /* The last row, the other keys at their highest, has nothing even at the top:
             * under the assumption nothing anywhere. Look at its bottom once, so that a
             * key which works the other way (a delay, a dropout rate) shows up in
             * check_monotone rather than as "no point meets"; one point more. */
            int meets;
            at[last] = lo;
            ret = decide(s, at, &meets);
        }
    }
    free(at);
    return ret;
}

/* Two decided points that contradict the assumption beyond noise: equal but for one var,
 * the lower value meeting the targets and the higher missing them, on a target the higher
 * fails with the lower's confidence interval wholly on the better side of the higher's.
 * Near a flat frontier points meet and miss by noise alone, with intervals that overlap:
 * those do not count. 1 and *lo, *hi (spot indexes) if found. Called before
 * settle_candidates, whose ceilings rise with staff by design. */
static int check_monotone(const solver *s, size_t *lo, size_t *hi)
{
    size_t nv = s->x.nvars;
    double conf = s->x.c->confidence;
    for (size_t i = 0; i < s->nspots; i++) {
        const spot *a = &s->spots[i];
        if (!a->decided || !a->meets)
            continue;
        for (size_t j = 0; j < s->nspots; j++) {
            const spot *b = &s->spots[j];
            if (!b->decided || b->meets)
                continue;
            size_t differ = 0, up = 0;
            for (size_t v = 0; v < nv; v++)
                if (a->at[v] != b->at[v])
                    differ++, up += b->at[v] > a->at[v];
            if (differ != 1 || up != 1)
                continue;
            for (size_t k = 0; k < s->ntargets; k++) {
                const target *t = &s->targets[k];
                if (t->cap)
                    continue;
                double bound = ex_point_bound(&b->pt, t->metric, b->pt.nreps, conf,
                                              t->at_least ? -1 : 1);
                if (t->at_least ? bound >= t->value : bound <= t->value)
                    continue; /* b meets this one: not where it fails */
                sim_summary sa = ex_point_summary(&a->pt, t->metric, a->pt.nreps);
                sim_summary sb = ex_point_summary(&b->pt, t->metric, b->pt.nreps);
                if (t->at_least ? sa.ci_low > sb.ci_high : sa.ci_high < sb.ci_low) {
                    *lo = i;
                    *hi = j;
                    return 1;
                }
            }
        }
    }
    return 0;
}

/* The first evaluated point decided to meet every target, or SIZE_MAX. */
static size_t any_met(const solver *s)
{
    for (size_t i = 0; i < s->nspots; i++)
        if (s->spots[i].decided && s->spots[i].meets)
            return i;
    return SIZE_MAX;
}

/* The candidates settled as --exhaustive settles them, and the ceilings on the minimised
 * metric (a budget), which the search leaves out. Each candidate (the least feasible point
 * of its row) is run to -r and judged again on every target but the ceilings at the full
 * confidence, as --exhaustive judges it, so that the answer's printed bounds meet them and
 * the candidates' costs are compared on the same replications (a cost over 10 beside one
 * over 20 picked the dearer of two near-equal points); one that now misses gives way to
 * the least feasible point above it in its row (cand[i] is SIZE_MAX when none is). Then
 * any point decided to meet whose cost's upper bound passes a ceiling misses (an undefined
 * cost is left to the caller's message). Only candidates can be answers. Returns EXIT_OK or
 * a run's status (EXIT_RUNTIME out of memory). */
static int settle_candidates(solver *s, size_t *cand, size_t ncand)
{
    size_t last = s->x.nvars - 1;
    long top = (long)s->x.vars[last].hi;
    long *at = malloc(s->x.nvars * sizeof *at);
    int ret = at ? EXIT_OK : oom();
    for (size_t i = 0; i < ncand && ret == EXIT_OK; i++) {
        while (cand[i] != SIZE_MAX && ret == EXIT_OK) {
            spot *sp = &s->spots[cand[i]];
            size_t before = sp->pt.nreps;
            if ((ret = run_spot(s, sp, s->x.reps)) != EXIT_OK)
                break;
            s->sims += sp->pt.nreps - before;
            if (judge(s, sp, sp->pt.nreps, s->x.c->confidence) == MET)
                break;
            sp->meets = 0;
            memcpy(at, sp->at, s->x.nvars * sizeof *at);
            long y = top + 1;
            if (at[last] < top)
                ret = least_last(s, at, at[last] + 1, top, &y); /* may move s->spots */
            if (ret != EXIT_OK || y > top) {
                cand[i] = SIZE_MAX;
                break;
            }
            at[last] = y;
            cand[i] = (size_t)(find_spot(s, at) - s->spots);
        }
    }
    free(at);
    for (size_t i = 0; i < s->nspots && ret == EXIT_OK; i++) {
        spot *sp = &s->spots[i];
        for (size_t k = 0; sp->meets && k < s->ntargets; k++) {
            const target *t = &s->targets[k];
            double lo, hi;
            ex_point_bounds(&sp->pt, t->metric, sp->pt.nreps, s->x.c->confidence, &lo, &hi);
            if (t->cap && !isnan(hi) && !(hi <= t->value))
                sp->meets = 0;
        }
    }
    return ret;
}

/* With no point meeting every target: the evaluated point that meets the most targets,
 * then whose means fall least short of theirs (each shortfall relative to its target,
 * summed), or SIZE_MAX if none was evaluated. For the terminal: what the grid reaches. */
static size_t closest(const solver *s)
{
    size_t near = SIZE_MAX;
    int most = -1;
    double least = INFINITY;
    for (size_t i = 0; i < s->nspots; i++) {
        const spot *sp = &s->spots[i];
        if (sp->pt.nreps == 0)
            continue;
        int met = 0;
        double short_by = 0;
        for (size_t k = 0; k < s->ntargets; k++) {
            const target *t = &s->targets[k];
            double m = ex_point_summary(&sp->pt, t->metric, sp->pt.nreps).mean;
            double gap = t->at_least ? t->value - m : m - t->value;
            if (!isfinite(gap))
                gap = INFINITY;
            if (gap <= 0)
                met++;
            else
                short_by += gap / fmax(fabs(t->value), 1e-9);
        }
        if (met > most || (met == most && short_by < least)) {
            near = i, most = met, least = short_by;
        }
    }
    return near;
}

/* A point with its targets and cost, for the terminal. */
static void print_spot(const solver *s, const char *what, const spot *sp)
{
    char name[OUT_METRIC_LABEL_MAX], b[128];
    printf("%s:", what);
    for (size_t v = 0; v < s->x.nvars; v++)
        printf(" %s=%ld", s->x.vars[v].key, sp->at[v]);
    printf("   (%zu replication%s)\n", sp->pt.nreps, sp->pt.nreps == 1 ? "" : "s");
    /* The cost's own row, unless a target (a ceiling) shows it already. */
    size_t rows = s->ntargets + 1;
    for (size_t k = 0; k < s->ntargets; k++)
        if (s->targets[k].metric == s->cost)
            rows = s->ntargets;
    int width = 0; /* the longest label's, so the values line up */
    for (size_t k = 0; k < rows; k++) {
        int len = (int)strlen(
            ex_metric_label(k < s->ntargets ? s->targets[k].metric : s->cost, name, sizeof name));
        width = len > width ? len : width;
    }
    for (size_t k = 0; k < rows; k++) {
        size_t m = k < s->ntargets ? s->targets[k].metric : s->cost;
        sim_summary sum = ex_point_summary(&sp->pt, m, sp->pt.nreps);
        printf("    %-*s %s", width, ex_metric_label(m, name, sizeof name),
               xp_fmt(m, &sum, b, sizeof b));
        if (k < s->ntargets) {
            const target *t = &s->targets[k];
            double bound = ex_point_bound(&sp->pt, m, sp->pt.nreps, s->x.c->confidence,
                                          t->at_least ? -1 : 1);
            char bb[64], tb[64];
            printf("   %s bound %s vs target %s %s", t->at_least ? "lower" : "upper",
                   xp_fmt_value(m, bound, bb, sizeof bb), t->at_least ? ">=" : "<=",
                   xp_fmt_value(m, t->value, tb, sizeof tb));
        }
        putchar('\n');
    }
}

int cmd_solve(const cli *c, int argc, char **argv)
{
    solver s;
    memset(&s, 0, sizeof s);
    size_t *cand = NULL, ncand = 0;
    char *checks = NULL; /* the answer's run checks, printed after it */
    int ret = xp_begin(&s.x, c, "solve", 1);
    if (ret != EXIT_OK)
        goto out;
    for (size_t v = 0; v < s.x.nvars; v++)
        if (!s.x.vars[v].whole || s.x.vars[v].step > 1) {
            fprintf(stderr, "stepsim: solve: --vary %s: solve searches whole numbers by 1 "
                    "(KEY=FROM:TO, e.g. a headcount)\n", s.x.vars[v].key);
            ret = EXIT_USAGE;
            goto out;
        }
    /* The points evaluated are kept: at most the whole grid. */
    double points = 1;
    for (size_t v = 0; v < s.x.nvars; v++)
        points *= (double)s.x.vars[v].n;
    /* A federation's services are held by the point being run alone (run_spot). */
    s.x.kept_bytes = points * xp_point_bytes(&s.x, 0) +
                     (xp_point_bytes(&s.x, 1) - xp_point_bytes(&s.x, 0));
    s.x.kept_what = s.x.nservices ? "the points evaluated, at most the whole grid of --vary, "
                                    "each with its parameters and metrics (a federation's "
                                    "services only while a point runs)"
                                  : "the points evaluated, at most the whole grid of --vary, "
                                    "each with its parameters and metrics";
    if (!(s.targets = calloc(c->ntargets, sizeof *s.targets))) {
        ret = oom();
        goto out;
    }
    for (size_t k = 0; k < c->ntargets; k++, s.ntargets++) {
        int rc = parse_target(c->targets[k], &s.targets[k]);
        if (rc != 0) {
            char hint[OUT_METRIC_NAME_MAX + 32] = "";
            if (rc == -2) {
                char name[OUT_METRIC_NAME_MAX];
                const char *tk = c->targets[k];
                while (isspace((unsigned char)*tk))
                    tk++;
                size_t n = strcspn(tk, "<>");
                while (n > 0 && isspace((unsigned char)tk[n - 1]))
                    n--;
                snprintf(name, sizeof name, "%.*s", (int)n, tk);
                ex_metric_suggest(name, hint, sizeof hint);
            }
            fprintf(stderr, "stepsim: --target '%s': %s%s\n", c->targets[k],
                    rc == -2   ? "unknown metric"
                    : rc == -3 ? "the metric cannot take it (a share lies between 0 and 1, or "
                                 "0% and 100%; days, people and pounds are not negative)"
                    : rc == -4 ? "a percent is for a share; this metric is not one (write "
                                 "the number in its own unit: days, people, pounds)"
                               : "expected METRIC>=X or METRIC<=X (X a number, or a percent)",
                    rc == -2 ? hint : "");
            if (rc == -2)
                fprintf(stderr, "  (expected the names of summary.csv, or cost_per_year_gbp)\n");
            ret = EXIT_USAGE;
            goto out;
        }
    }
    int cm = ex_metric_find(c->minimise ? c->minimise : "cost_per_year_gbp");
    if (cm < 0) {
        char hint[OUT_METRIC_NAME_MAX + 32];
        ex_metric_suggest(c->minimise, hint, sizeof hint);
        fprintf(stderr, "stepsim: --minimise '%s': unknown metric%s\n  (expected the names of "
                "summary.csv, or cost_per_year_gbp)\n", c->minimise, hint);
        ret = EXIT_USAGE;
        goto out;
    }
    s.cost = (size_t)cm;
    for (size_t k = 0; k <= s.ntargets; k++) {
        char why[512];
        if (!ex_metric_taken(s.x.base, k < s.ntargets ? s.targets[k].metric : s.cost, why,
                             sizeof why)) {
            fprintf(stderr, "stepsim: %s: %s\n", k < s.ntargets ? "--target" : "--minimise",
                    why);
            ret = EXIT_USAGE;
            goto out;
        }
    }
    for (size_t k = 0; k < s.ntargets; k++)
        s.targets[k].cap = s.targets[k].metric == s.cost && !s.targets[k].at_least;
    if (s.x.reps < 2) {
        fprintf(stderr, "stepsim: solve: at least 2 replications are needed for a confidence "
                        "bound (-r)\n");
        ret = EXIT_USAGE;
        goto out;
    }
    if ((ret = xp_check_vars(&s.x)) != EXIT_OK)
        goto out;
    s.progress = app_progress_start(s.x.name, "replications simulated");
    s.mono_lo = s.mono_hi = SIZE_MAX;
    if ((ret = search(&s, &cand, &ncand)) == EXIT_OK && !c->exhaustive)
        (void)check_monotone(&s, &s.mono_lo, &s.mono_hi);
    if (ret != EXIT_OK || (ret = settle_candidates(&s, cand, ncand)) !=
                                                              EXIT_OK)
        goto out;
    app_progress_end(&s.progress, s.sims);

    /* The cheapest frontier points by the cost metric's mean (under any ceiling on it). */
    size_t best = SIZE_MAX, second = SIZE_MAX, first_meets = SIZE_MAX, over = SIZE_MAX;
    size_t met = any_met(&s); /* a point met in the search, answer or not */
    double cb = INFINITY, cs = INFINITY, co = INFINITY;
    for (size_t i = 0; i < ncand; i++) {
        if (cand[i] == SIZE_MAX)
            continue;
        const spot *sp = &s.spots[cand[i]];
        double cost = ex_point_summary(&sp->pt, s.cost, sp->pt.nreps).mean;
        if (cost < co) /* the cheapest meeting every target but the ceilings */
            over = cand[i], co = cost;
        if (!sp->meets)
            continue;
        if (first_meets == SIZE_MAX)
            first_meets = cand[i];
        if (cost < cb) {
            second = best, cs = cb;
            best = cand[i], cb = cost;
        } else if (cost < cs) {
            second = cand[i], cs = cost;
        }
    }

    /* Why there is no answer, as the terminal prints it (its line breaks) and solve.html
     * shows it (on one line), with the point it names beneath, if any. */
    char verdict[512] = "";
    size_t verdict_spot = SIZE_MAX;
    const char *verdict_what = NULL;
    if (best == SIZE_MAX && first_meets != SIZE_MAX) {
        char name[OUT_METRIC_NAME_MAX];
        snprintf(verdict, sizeof verdict,
                 "Points meet every target, but the cost %s is undefined at each of them\n"
                 "(it counts no one there): choose another --minimise.",
                 ex_metric_name(s.cost, name, sizeof name));
        verdict_spot = first_meets, verdict_what = "meets, cost undefined";
    } else if (best == SIZE_MAX && over != SIZE_MAX) {
        /* Points met the others; every one passed a ceiling on the cost. */
        snprintf(verdict, sizeof verdict,
                 "No point of the grid meets every target at this confidence: the cheapest "
                 "that meets\nthe others costs more than the ceiling.");
        verdict_spot = over, verdict_what = "cheapest meeting the others";
    } else if (best == SIZE_MAX && s.mono_lo != SIZE_MAX) {
        snprintf(verdict, sizeof verdict,
                 "No answer: the search, which relies on the assumption, found none, and the "
                 "assumption\nfails on this grid (below).");
    } else if (best == SIZE_MAX && met != SIZE_MAX) {
        /* The top missed but the look at the bottom met, within noise of it: a flat
         * metric near its target. Not "no point meets". */
        snprintf(verdict, sizeof verdict,
                 "No answer from the search: the top of the range missed, yet a point below "
                 "it met\n(the metric is flat here, within noise of the target): check "
                 "with --exhaustive.");
        verdict_spot = met, verdict_what = "met in the search";
    } else if (best == SIZE_MAX) {
        snprintf(verdict, sizeof verdict,
                 "No point of the grid meets every target at this confidence.");
        verdict_spot = closest(&s);
        verdict_what = "closest evaluated (most targets met, then the least shortfall)";
    }

    /* The answer's checks, which the search, keeping only each point's metrics, cannot
     * make: printed after the answer; without them (a failed run) the answer stands. */
    /* Run with -q too: solve.html shows them, and a page is the same with -q or without. */
    if (best != SIZE_MAX && with_services(&s, &s.spots[best]) == EXIT_OK &&
        (checks = xp_point_checks(&s.x, &s.spots[best].pt)))
        s.check_sims = s.x.reps;
    out_file f;
    if ((ret = xp_open(&s.x, &f, "solve.csv")) != EXIT_OK)
        goto out;
    fputs("scenario,point", f.f);
    for (size_t v = 0; v < s.x.nvars; v++) {
        fputc(',', f.f);
        out_csv_str(f.f, s.x.vars[v].key);
    }
    fputs(",replications,decision,role,metric,op,target,mean,ci_low,ci_high,bound\n", f.f);
    for (size_t i = 0; i < s.nspots; i++)
        solve_csv_spot(f.f, &s, i);
    if ((ret = xp_close(&s.x, &f)) != EXIT_OK)
        goto out;
    if ((ret = solve_write_page(&s, best, checks, verdict)) != EXIT_OK)
        goto out;
    const char *files[] = {"solve.csv", "solve.html"};
    if ((ret = xp_finish(&s.x, files, 2, argc, argv)) != EXIT_OK)
        goto out;

    size_t grid = 1;
    for (size_t v = 0; v < s.x.nvars; v++)
        grid *= s.x.vars[v].n;
    if (!c->quiet) {
        char name[OUT_METRIC_NAME_MAX], lb[OUT_METRIC_LABEL_MAX], fed[64], whose[96];
        printf("%s%s · solve · seed %" PRIu64 "%s · up to %zu replications a point\n",
               s.x.base->name, xp_services_note(&s.x, fed, sizeof fed), s.x.seed,
               xp_seed_note(&s.x, whose, sizeof whose), s.x.reps);
        printf("The cheapest point by %s (%s) meeting every target at %g%% confidence "
               "(one-sided bounds).\n", ex_metric_label(s.cost, lb, sizeof lb),
               ex_metric_name(s.cost, name, sizeof name), 100 * c->confidence);
        if (!c->exhaustive)
            printf("Assumed: raising a varied key never worsens a target metric nor lowers "
                   "the cost.\n");
        for (size_t k = 0; k < s.ntargets; k++) {
            const target *t = &s.targets[k];
            if (t->cap)
                printf("The ceiling on %s is put to the cheapest points that meet the other "
                       "targets.\n", ex_metric_name(t->metric, name, sizeof name));
            else if (!t->at_least && out_metric_unit(t->metric) == OUT_U_GBP && !c->exhaustive)
                printf("Note: %s<=... caps a cost, which rises with staff, against the "
                       "assumption:\n  check the answer with --exhaustive.\n",
                       ex_metric_name(t->metric, name, sizeof name));
        }
        putchar('\n');
        if (best == SIZE_MAX) {
            fputs(verdict, stdout);
            putchar('\n');
            if (verdict_spot != SIZE_MAX)
                print_spot(&s, verdict_what, &s.spots[verdict_spot]);
        } else {
            print_spot(&s, "answer", &s.spots[best]);
        }
        for (size_t v = 0; best != SIZE_MAX && v < s.x.nvars; v++)
            if (solve_at_edge(&s, &s.spots[best], v))
                printf("    note: %s is at the edge of its range: widen --vary to be sure the "
                       "answer is not beyond it\n", s.x.vars[v].key);
        if (second != SIZE_MAX)
            print_spot(&s, "runner-up", &s.spots[second]);
        if (s.mono_lo != SIZE_MAX) {
            printf("\nWARNING: the assumption fails on this grid: the lower point below met "
                   "every target in the\nsearch and the higher one missed, on a target where "
                   "their intervals do not meet.\nRaising the key works against the targets "
                   "here, so the search cannot be trusted:\nrun with --exhaustive.\n");
            print_spot(&s, "met in the search", &s.spots[s.mono_lo]);
            print_spot(&s, "missed in the search, higher", &s.spots[s.mono_hi]);
        }
        if (checks) {
            printf("\nThe answer run again at %zu replications, with run's checks (the search "
                   "keeps\nonly each point's metrics; a list growing through the window is a "
                   "service whose\nfigures hold only for the window):\n%s",
                   s.x.reps, checks);
        }
        printf("\n%zu simulation%s (replications) at %zu point%s; every point of the "
               "%zu-point grid at %zu replications would take %zu.\n", s.sims,
               s.sims == 1 ? "" : "s", s.nspots, s.nspots == 1 ? "" : "s", grid, s.x.reps,
               grid * s.x.reps);
        if (s.check_sims)
            printf("And %zu to check the answer.\n", s.check_sims);
        printf("Outputs in %s/ (solve.html: the grid and the answer; solve.csv: every point "
               "evaluated)\n",
               c->outdir ? c->outdir : s.x.outdir);
    }
    if (c->quiet && s.mono_lo != SIZE_MAX) {
        fprintf(stderr, "stepsim: solve: WARNING: the assumption that raising a varied key "
                        "never worsens a target fails on this grid (points %zu and %zu of "
                        "solve.csv): run with --exhaustive\n", s.mono_lo, s.mono_hi);
    }
    ret = EXIT_OK;
out:
    for (size_t i = 0; i < s.nspots; i++) {
        ex_point_free(&s.spots[i].pt);
        free(s.spots[i].at);
    }
    free(s.spots);
    free(s.targets);
    free(cand);
    free(checks);
    xp_free(&s.x);
    return ret;
}
