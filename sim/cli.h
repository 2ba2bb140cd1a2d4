/* The command line: what the user asked for, read by getopt_long, and the usage text.
 * Parsing prints its own usage errors (the program's voice); it runs nothing. */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>

#ifndef STEPSIM_VERSION
#define STEPSIM_VERSION "0.1.0"
#endif

/* Exit statuses; an interrupted run exits 128 + the signal. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

typedef struct cli {
    const char *command, *scenario, *outdir;
    const char **scenarios;  /* every positional argument after the command */
    size_t nscenarios;
    const char **sets;       /* --set KEY=VALUE, in order */
    size_t nsets;
    const char **varies;     /* --vary KEY=FROM:TO[:STEP] | KEY=A,B,C (sweep, solve,
                                sensitivity) */
    size_t nvaries;
    const char **targets;    /* --target 'METRIC>=X' (solve) */
    size_t ntargets;
    const char *minimise;    /* --minimise METRIC (solve) */
    const char *method;      /* --method morris|sobol (sensitivity) */
    const char *precision;   /* --precision X[:METRIC] (run, compare) */
    const char *metrics;     /* --metrics A,B (sweep, sensitivity) */
    const char *targets_file; /* --targets FILE (calibrate) */
    const char *service;     /* --service NAME: a federation's service alone, or NULL */
    const char *start_date;  /* --start-date YYYY-MM-DD (events.csv timestamps) */
    long start_days;         /* its days from 1970-01-01 */
    long port;               /* --port (serve), default 8080 */
    char **found;            /* scenario paths found on the search path (owned) */
    char *targets_found;     /* --targets' path found so (owned), or NULL */
    long replications, threads, samples;
    long max_evals;          /* --max-evals (calibrate), -1 when not given */
    double confidence;       /* --confidence (solve), default 0.95 */
    double simplex_size;     /* --simplex-size (calibrate), NAN when not given */
    double max_memory;       /* --max-memory in bytes, 0: the default budget (budget.h) */
    const char *max_memory_arg; /* as written, for messages */
    unsigned long long seed;
    int have_seed, quiet, patients, events, per_point, exhaustive;
    int have_confidence, have_port, have_start_date; /* given, not defaults */
} cli;

/* Fill c from argv (options may come before or after the command and the scenarios; -j2,
 * --threads=2 and -qj2 work). Returns -1 when there is something to run, else the exit
 * status (help and version printed: 0; a usage error printed: 2). Free with cli_free. */
int cli_parse(int argc, char **argv, cli *c);
void cli_free(cli *c);

/* The folders searched for a scenario named without a path that is not in the current
 * folder: $STEPSIM_DATA/scenarios, then the installed DATADIR/scenarios. */
const char *cli_datadir(void);

/* Do two KEY or KEY=... arguments name one setting: the same key, or one a group holding
 * the other ("staff.pwp" and "staff.pwp.headcount")? */
int cli_same_setting(const char *a, const char *b);

/* The commit the program was built from, "-dirty" when tracked files had changes ("unknown"
 * outside a git checkout): written by the Makefile into build/gen/git_hash.c. */
const char *cli_git_hash(void);

/* Print "stepsim: <fmt with arg>" and the --help hint to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, const char *arg);

/* A whole decimal number (digits first: no blanks or sign) in [lo, hi]; 0 on success. */
int cli_parse_long(const char *s, long lo, long hi, long *out);

#endif
