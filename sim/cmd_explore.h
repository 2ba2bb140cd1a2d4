/* What sweep, solve and sensitivity share: their --vary list, the points they load, the
 * output set they publish, and the CSV head of their tables. Internal to cmd_*.c. */
#ifndef CMD_EXPLORE_H
#define CMD_EXPLORE_H

#include <stdio.h>

#include "app.h"
#include "explore.h"
#include "out_file.h"
#include "out_html.h"

/* One exploration's state. */
typedef struct xp {
    const cli *c;
    char *name;          /* the scenario's short name */
    pw_params *base;     /* the scenario with the command line's --set (owned) */
    ex_var *vars;        /* c->nvaries */
    size_t nvars;
    size_t *metrics;     /* --metrics, or every metric */
    size_t nmetrics;
    uint64_t seed;
    size_t reps;         /* -r, else the scenario's replications */
    size_t batch;        /* points run together (xp_batch_points; 1 point after point) */
    ex_run_opts run;
    out_set set;
    char *outdir;        /* default folder (owned) or NULL */
    char csv_label[320]; /* the scenario label as a CSV field */
    double kept_bytes;   /* what the command keeps across points (the memory budget) */
    const char *kept_what; /* ... described for its message */
    int load_refused;    /* the last xp_load_point failed in the loader (not the budget) */
    size_t nservices;    /* a federation's services (0: one service) */
    scn_federation *base_fed; /* and the services of base (owned), or NULL */
    scn_federation picked; /* --service: `picked` and the federation's seed it was drawn
                              from (`picked_from`), no services; else zeroed */
} xp;

/* Parse the --vary list (need_range: every one a range), --metrics, load the scenario (a
 * federation of services too, each point then running them all) and open the output set
 * under "out/<kind>-<name>". Returns EXIT_OK or a status. */
int xp_begin(xp *x, const cli *c, const char *kind, int need_range);
void xp_free(xp *x);

/* Load the scenario with each --vary key alone at its first and last grid values (a
 * sampled range's ends, a list's every value), before anything runs: a value the scenario
 * refuses stops the command with the loader's message and the --vary that gave it. For
 * solve and sensitivity, which load their points as they go (sweep loads every point
 * first). EXIT_OK or a status. */
int xp_check_vars(xp *x);

/* Load the scenario at a point, given as one value per var (text for lists, a number
 * for ranges): the command line's --set first, then the point's, into *pt (a point with
 * no replications, its scenario with the exploration's seed and replications, and a
 * federation's services). Its run, with x->kept_bytes besides, must fit the memory
 * budget. Returns EXIT_OK or a status (printed; *pt then empty). */
int xp_load_point(xp *x, const char *const *assign, ex_point *pt);

/* A federation's point holds its services only while it runs (England's 120 take 6.3 MiB
 * a point): ex_point_drop_services releases them, xp_with_services loads them again from
 * the point's values (assign, as xp_load_point takes them; the same parameters, so the
 * same figures). EXIT_OK or a status (printed). */
int xp_with_services(xp *x, const char *const *assign, ex_point *pt);

/* What a point keeps: its parameters (services: a federation's services too) and each
 * replication's metrics. */
double xp_point_bytes(const xp *x, int services);

/* Run a point to n replications; EXIT_OK, or the exit status (printed; interrupted:
 * 128 + signal). */
int xp_run(xp *x, ex_point *pt, size_t n);
/* The same for pts[0..npts) as one batch over the threads and ranks (ex_points_run). */
int xp_run_points(xp *x, ex_point *pts, size_t npts, size_t n);
/* Points a batch takes so that every thread of every rank has a replication (1 when a
 * point's replications are enough). */
size_t xp_batch_points(const xp *x);

/* Point pt run again at x's replications in full, for run's checks of it (the searches
 * keep only each point's metrics): the checks as text, a federation's services' own among
 * them, or NULL (the run failed, said on stderr, or memory ran out). */
__attribute__((warn_unused_result)) char *xp_point_checks(xp *x, const ex_point *pt);

/* The paired difference of metric between point pt and point ref (replication by
 * replication over the first nreps: the points share their random numbers) with its 95%
 * CI, in ref's unit, shares in points: "+16.6 [+12.3, +20.9] points"; "-" when undefined. */
const char *xp_fmt_diff(size_t metric, const ex_point *pt, const ex_point *ref, size_t nreps,
                        char *buf, size_t n);

/* Open FILE in the staging folder for writing, as out_file. EXIT_OK or a status. */
int xp_open(xp *x, out_file *f, const char *name);
/* Close and publish FILE into the staging folder. */
int xp_close(xp *x, out_file *f);
/* Write manifest.json listing the files named and the command line, then publish the
 * set. Returns EXIT_OK or a status (interrupted: 128 + signal). */
int xp_finish(xp *x, const char *const *files, size_t nfiles, int argc, char **argv);

/* A page of this exploration (kind "sweep", "solve", "sensitivity"): begun with the
 * scenario, seed, replications and the varied keys as JSON members; the command adds its
 * own, then xp_save_page writes it as NAME into the set. EXIT_OK or a status (printed). */
int xp_page(xp *x, out_page *pg, const char *kind);
int xp_save_page(xp *x, out_page *pg, const char *name);
/* " · a federation of N services" for a terminal's first line after the scenario's
 * name (into buf[n]), or "" for one service. */
const char *xp_services_note(const xp *x, char *buf, size_t n);
/* ", the service's own from the federation's N" after a --service run's seed (into buf[n]),
 * as run's dashboard says whose the seed is; else "". */
const char *xp_seed_note(const xp *x, char *buf, size_t n);
/* A point's value of a var as JSON: a number when the text is one, else a string. */
void xp_json_value(FILE *f, const char *text);

/* "mean [ci_low, ci_high]" of a summary into buf, with units by the metric's kind
 * (percent for shares). */
const char *xp_fmt(size_t metric, const sim_summary *s, char *buf, size_t n);
/* One figure x of the metric with its unit, finer than xp_fmt's mean (a bound or a target:
 * shares and days to two decimals, pounds whole). */
const char *xp_fmt_value(size_t metric, double x, char *buf, size_t n);

#endif
