/* The result files of a run: summary.json, summary.csv, replications.csv, waits.csv,
 * recovery.csv, flow.csv, timeseries.csv, workforce.csv, costs.csv and manifest.json
 * (columns: README.md, "Output reference").
 *
 * Design
 * - All files are staged under temporary names and renamed only when every one of them
 *   was written, manifest.json last: a failed write leaves no new file, and a
 *   manifest.json newer than the others never describes a set that is not complete.
 * - Rows follow the replication number (not the order replications finished in) and the
 *   fixed enum orders of pw_results.h, and sums over replications are taken in that
 *   order, so identical inputs give byte-identical files. manifest.json is the one
 *   exception: it records the creation time, the wall time and the command line.
 */
#ifndef OUT_WRITE_H
#define OUT_WRITE_H

#include <stddef.h>

#include "models/pw_params.h"
#include "models/pw_results.h"

/* What the program knows about the run beyond the scenario and the results, for
 * summary.json and manifest.json. Strings are borrowed; NULL (or "") means unknown,
 * except where a default is named. Seed, warm-up, horizon and follow-up are taken from
 * the pw_params the model ran with, the replication count from the results written. */
typedef struct out_run_info {
    const char *version;           /* stepsim version, e.g. "0.1.0" */
    const char *git_hash;          /* commit the binary was built from */
    const char *scenario_hash;     /* NULL: "sha256:<64 hex>" of the scenario file's
                                      bytes, computed here (@include files not covered) */
    const char *gsl_version;       /* NULL: the linked library's gsl_version */
    const char *libconfig_version; /* from the loader, e.g. "1.5" */
    const char *rng_name;          /* NULL: gsl_rng_name of SIM_RNG_TYPE */
    const char *stream_scheme;     /* NULL: the scheme of sim/core/sim_rng.h, described */
    unsigned streams;              /* OUT_STREAM_* files already in outdir, listed in the
                                      manifest with the result files */
    const char *const *extra;      /* other files already in outdir to list (at most 4:
                                      resources.csv, report.html) */
    size_t nextra;
    const char *start_date;        /* day 0 of events.csv's timestamps; NULL: not listed */
    int threads;                   /* worker threads used */
    int ranks;                     /* MPI ranks used (1 without MPI) */
    double wall_seconds;           /* wall time of the run; NaN if unknown */
    const char *const *sets;       /* the --set overrides, in order */
    const char *service;           /* --service: the federation's service run alone, or NULL */
    uint64_t federation_seed;      /* with service: the federation's master seed the
                                      service's own (the run's) was drawn from */
    size_t nsets;
    int argc;                      /* the command line, argv[0] included */
    char *const *argv;
} out_run_info;

/* Fill *info with defaults: every string NULL, 1 thread, 1 rank, wall time NaN, no
 * command line. */
void out_run_info_init(out_run_info *info);

/* Write the result files of nreps replications (in any order; written by replication
 * number) of scenario p, read from scenario_path (may be NULL), into outdir, creating it
 * (mkdir -p) if needed. info may be NULL (everything unknown). Returns 0, or a negative
 * OUT_ code with a message naming the file and the cause in err; then no new file is
 * left in outdir. Writes nothing to stdout/stderr. */
__attribute__((warn_unused_result)) int out_write_all(const char *outdir, const pw_params *p,
                                                      const char *scenario_path,
                                                      const pw_results *reps, size_t nreps,
                                                      const out_run_info *info, char *err,
                                                      size_t errlen);

#endif
