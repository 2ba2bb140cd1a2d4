/* solve.csv and solve.html (see solve.h). */
#include <math.h>
#include <stdint.h>

#include "out_html.h"
#include "out_metrics.h"
#include "solve.h"

void solve_csv_spot(FILE *f, const solver *s, size_t i)
{
    const spot *sp = &s->spots[i];
    char name[OUT_METRIC_NAME_MAX];
    for (size_t k = 0; k <= s->ntargets; k++) {
        size_t m = k < s->ntargets ? s->targets[k].metric : s->cost;
        sim_summary sum = ex_point_summary(&sp->pt, m, sp->pt.nreps);
        fprintf(f, "%s,%zu", s->x.csv_label, i);
        for (size_t v = 0; v < s->x.nvars; v++)
            fprintf(f, ",%ld", sp->at[v]);
        fprintf(f, ",%zu,%s,%s,%s,", sp->pt.nreps, sp->meets ? "meets" : "misses",
                k < s->ntargets ? "target" : "cost", ex_metric_name(m, name, sizeof name));
        if (k < s->ntargets) {
            const target *t = &s->targets[k];
            fprintf(f, "%s,", t->at_least ? ">=" : "<=");
            out_csv_num(f, t->value);
        } else {
            fputc(',', f);
        }
        const double col[] = {sum.mean, sum.ci_low, sum.ci_high,
                              k < s->ntargets ? ex_point_bound(&sp->pt, m, sp->pt.nreps,
                                                               s->x.c->confidence,
                                                               s->targets[k].at_least ? -1 : 1)
                                              : NAN};
        for (size_t j = 0; j < 4; j++) {
            fputc(',', f);
            out_csv_num(f, col[j]);
        }
        fputc('\n', f);
    }
}

int solve_at_edge(const solver *s, const spot *sp, size_t v)
{
    long at = sp->at[v];
    return (at == (long)s->x.vars[v].lo && at != 0) || at == (long)s->x.vars[v].hi;
}

int solve_write_page(solver *s, size_t best, const char *checks, const char *verdict)
{
    out_page pg;
    int ret = xp_page(&s->x, &pg, "solve");
    if (ret != EXIT_OK)
        return ret;
    FILE *f = pg.data;
    char name[OUT_METRIC_NAME_MAX];
    fprintf(f, ", \"confidence\": %g, \"simulations\": %zu, \"cost\": \"%s\", \"answer\": ",
            s->x.c->confidence, s->sims, ex_metric_name(s->cost, name, sizeof name));
    if (best == SIZE_MAX)
        fputs("null", f);
    else
        fprintf(f, "%zu", best);
    /* The keys of the answer at the edge of their range, each with the terminal's note. */
    fputs(", \"edge\": [", f);
    for (size_t v = 0, k = 0; best != SIZE_MAX && v < s->x.nvars; v++)
        if (solve_at_edge(s, &s->spots[best], v)) {
            fputs(k++ ? ", " : "", f);
            out_json_str(f, s->x.vars[v].key);
        }
    fputc(']', f);
    /* Why there is no answer, on one line (null: an answer). */
    fputs(", \"verdict\": ", f);
    if (best != SIZE_MAX) {
        fputs("null", f);
    } else {
        char line[512];
        snprintf(line, sizeof line, "%s", verdict);
        for (char *c = line; *c; c++)
            if (*c == '\n')
                *c = ' ';
        out_json_str(f, line);
    }
    /* The answer's run checks, as the terminal prints them (null: no answer). */
    fputs(", \"answer_checks\": ", f);
    out_json_str(f, checks);
    /* The pair that broke the search's assumption, for the page's warning. */
    if (s->mono_lo == SIZE_MAX)
        fputs(", \"assumption_fails\": null", f);
    else
        fprintf(f, ", \"assumption_fails\": [%zu, %zu]", s->mono_lo, s->mono_hi);
    fputs(",\n\"targets\": [", f);
    for (size_t k = 0; k < s->ntargets; k++) {
        fprintf(f, "%s{\"metric\": \"%s\", \"op\": \"%s\", \"value\": ", k ? ", " : "",
                ex_metric_name(s->targets[k].metric, name, sizeof name),
                s->targets[k].at_least ? ">=" : "<=");
        out_json_num(f, s->targets[k].value);
        fputc('}', f);
    }
    fputs("],\n\"spots\": [", f);
    for (size_t i = 0; i < s->nspots; i++) {
        const spot *sp = &s->spots[i];
        fputs(i ? ",\n{\"at\": [" : "\n{\"at\": [", f);
        for (size_t v = 0; v < s->x.nvars; v++)
            fprintf(f, "%s%ld", v ? ", " : "", sp->at[v]);
        fprintf(f, "], \"replications\": %zu, \"meets\": %s, \"metrics\": {", sp->pt.nreps,
                sp->meets ? "true" : "false");
        for (size_t k = 0; k <= s->ntargets; k++) {
            size_t m = k < s->ntargets ? s->targets[k].metric : s->cost;
            sim_summary sum = ex_point_summary(&sp->pt, m, sp->pt.nreps);
            double bound = k < s->ntargets
                               ? ex_point_bound(&sp->pt, m, sp->pt.nreps, s->x.c->confidence,
                                                s->targets[k].at_least ? -1 : 1)
                               : NAN;
            fprintf(f, "%s\"%s\": {\"mean\": ", k ? ", " : "",
                    ex_metric_name(m, name, sizeof name));
            out_json_num(f, sum.mean);
            out_json_kv_num(f, "ci_low", sum.ci_low);
            out_json_kv_num(f, "ci_high", sum.ci_high);
            out_json_kv_num(f, "bound", bound);
            fputc('}', f);
        }
        fputs("}}", f);
    }
    fputc(']', f);
    return xp_save_page(&s->x, &pg, "solve.html");
}
