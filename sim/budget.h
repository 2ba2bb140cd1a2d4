/* The memory budget. Before anything runs, a command's peak memory is estimated from its
 * parameters (models/pw_memory.c for one replication: people in the service, clinicians,
 * the calendar; here: replications at once, results kept, stream buffers, what the command
 * keeps besides) and checked against a budget: by default half the physical memory
 * (sysconf), or --max-memory. Over it, the command is refused with the estimate, the
 * budget and the keys that drive each part, rather than left to swap or to fail with "out
 * of memory" after minutes. Nothing here prints: messages come back in a buffer. */
#ifndef BUDGET_H
#define BUDGET_H

#include <stddef.h>

#include "models/pw_params.h"

/* The default budget's share of physical memory. */
#define BUDGET_SHARE 0.5

/* One scenario as a command will run it. */
typedef struct budget_run {
    const char *name;   /* the scenario, named in messages when there are several */
    const pw_params *p; /* as it will run */
    size_t reps;        /* replications whose results are held at once */
    int threads;        /* worker threads (at most reps run at once) */
    unsigned streams;   /* OUT_STREAM_* written (their buffers; --events writes two files,
                           OUT_STREAM_EVENTS | OUT_STREAM_ARRIVALS) */
    size_t federation;  /* a federation's services (0: one service): p is then its largest
                           (app_budget_params), and the message names it as such; its
                           replications run service by service, each service a task on a
                           thread, so up to min(threads, reps x services) run at once */
} budget_run;

/* BUDGET_SHARE of the physical memory, bytes; 0 if the system does not say. */
double budget_default(void);

/* The largest size --max-memory takes: 1 EiB, 1048576T (BUDGET_MAX_TEXT). */
#define BUDGET_MAX_BYTES 1152921504606846976.0
#define BUDGET_MAX_TEXT "1048576T (1 EiB)"

/* A size as --max-memory takes it: a whole or decimal number of bytes with an optional
 * K, M, G or T (powers of 1024; "512M", "1.5G", "4GiB"). Returns 0 with *bytes set, -1
 * if s is not such a size (or is 0), or -2 if it is one larger than BUDGET_MAX_BYTES. */
__attribute__((warn_unused_result)) int budget_parse(const char *s, double *bytes);

/* The estimated peak bytes of running runs[0..n) one after the other (the results of
 * every one kept until the end, as compare does), plus extra_bytes the command keeps
 * besides. */
double budget_estimate(const budget_run *runs, size_t n, double extra_bytes);

/* Check the estimate against budget (bytes; budget_what says where it comes from, e.g.
 * "--max-memory 2G"). Returns 0 if it fits; else -1 with a message in err, several lines:
 * the estimate against the budget, then each part largest first with the keys and values
 * that drive it. extra_what names extra_bytes ("the points of the sweep (--vary)"). */
__attribute__((warn_unused_result)) int budget_check(const budget_run *runs, size_t n,
                                                     double extra_bytes, const char *extra_what,
                                                     double budget, const char *budget_what,
                                                     char *err, size_t errlen);

/* "1.5 GiB", "640 KiB", "12 bytes" into buf. */
const char *budget_fmt(double bytes, char *buf, size_t n);

#endif
