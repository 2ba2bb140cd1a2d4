/* The run's dashboard: the readable summary a service planner reads first (waits,
 * recovery, the funnel, sessions, capacity, workforce and costs), true against reported,
 * for a terminal 80 columns wide. */
#ifndef OUT_DASHBOARD_H
#define OUT_DASHBOARD_H

#include <stddef.h>
#include <stdio.h>

#include "models/pw_params.h"
#include "models/pw_results.h"
#include "out_write.h"

/* The label of an exit, exit group or subgroup (pw_results.h names), after indent: a
 * planner's wording for the names known here, else the name with spaces (capitalised for
 * a group, indent "  "), so names added later still show. Into b[n]; the pages use the
 * same words (out_report.c). */
void out_dashboard_label(char *b, size_t n, const char *name, const char *indent);

/* The longest label out_dashboard_label gives, and out_subgroup_labels' (with its NUL). */
#define OUT_LABEL_MAX 64

/* The words of pw_subgroup_order[k] as the dashboard's subgroups list them (the one source
 * of the terminal's and report.html's): its label into label[ln] ("most deprived fifth"),
 * and, returning 1, its attribute's heading into heading[hn] ("Age") when a heading comes
 * before it (the first level of each attribute but the pooled ethnic minority, which
 * follows its parts); else 0 and heading "". */
int out_subgroup_labels(int k, char *heading, size_t hn, char *label, size_t ln);

/* Print the dashboard of nreps replications (any order) of scenario p to f. Values are
 * means over replications with the half-width of their Student-t 95% CI (percentage
 * points for shares); an undefined value prints as "–". info may be NULL (then version,
 * threads and wall time are not shown). Output is UTF-8 (±, –). With no replications, or
 * out of memory, one line saying so instead; reps are only read. */
void out_print_dashboard(FILE *f, const pw_params *p, const pw_results *reps, size_t nreps,
                         const out_run_info *info);

#endif
