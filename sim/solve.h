/* solve's shared state (cmd_solve.c: the search; solve_out.c: solve.csv and solve.html). */
#ifndef STEPSIM_SOLVE_H
#define STEPSIM_SOLVE_H

#include <stddef.h>
#include <stdio.h>

#include "cmd_explore.h"

enum { FIRST_REPS = 5, MORE_REPS = 5 };
enum { MISSED = 0, MET = 1 };

typedef struct target {
    size_t metric;
    int at_least; /* >= (else <=) */
    int cap;      /* a ceiling on the minimised metric: kept out of the search (which
                     assumes a target is easier to meet higher up) and put to the
                     cheapest points that meet the others (settle_candidates) */
    double value;
} target;

/* An evaluated point. */
typedef struct spot {
    long *at;    /* the value of each var */
    ex_point pt;
    int decided, meets;
} spot;

typedef struct solver {
    xp x;
    target *targets;
    size_t ntargets;
    size_t cost;
    spot *spots;
    size_t nspots, cap;
    size_t sims; /* replications run */
    size_t mono_lo, mono_hi; /* check_monotone's pair (spot indexes), or SIZE_MAX */
    size_t check_sims;       /* replications run again for the answer's checks */
    app_progress_ctx progress;
} solver;

/* One evaluated point's rows of solve.csv (spot i of s). */
void solve_csv_spot(FILE *f, const solver *s, size_t i);
/* Whether var v of sp sits at the edge of its range, where the answer may lie beyond it
 * (not at 0, the floor of a headcount: there is nothing below it to try). */
int solve_at_edge(const solver *s, const spot *sp, size_t v);
/* solve.html: the evaluated grid, the feasible points, the answer (best, or SIZE_MAX) with
 * the keys at the edge of their range, its run checks (checks, or NULL), and why there is
 * no answer (verdict, as the terminal prints it; its line breaks shown as spaces). */
int solve_write_page(solver *s, size_t best, const char *checks, const char *verdict);

#endif
