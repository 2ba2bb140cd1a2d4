/* The opt-in row streams patients.csv and events.csv: a pw_monitor per replication that
 * appends rows to that replication's part files, and a merge that joins the parts in
 * replication order into the final files.
 *
 * Design
 * - Memory stays flat: every row goes straight to a buffered FILE; nothing is kept.
 * - Replications run in parallel threads, each with its own out_stream (no shared
 *   state). Part files are OUTDIR/.patients.csv.r<R>.part and OUTDIR/.events.csv.r<R>.part
 *   (no header); names carry no process id, so a merge can find the parts of replications
 *   run by other processes (MPI ranks) in a shared OUTDIR.
 * - out_stream_merge writes the header once, then each replication's part in ascending
 *   replication order, through an atomic out_file, and removes the parts after the final
 *   file is in place. Given the same rows, the merged files are byte-identical whatever
 *   the number of threads.
 * - Times are days from the start of the run (warm-up included) with 6 decimals; NaN
 *   (a time that does not apply) is an empty field. events.csv also gives each time as
 *   an ISO-8601 date-time (UTC, whole seconds) counted from the --start-date.
 * - Patient ids are small numbers in three sequences (pw_origin): referrals "1542",
 *   re-referrals "re7", people already in the service at time zero "pre12". Clinicians
 *   are "<role>_<staff id>" ("pwp_12") in both files.
 * - arrivals.csv is simmer's get_mon_arrivals(): one row per referral's journey.
 */
#ifndef OUT_STREAM_H
#define OUT_STREAM_H

#include <stddef.h>
#include <stdio.h>

#include "models/pw_world.h"

/* Which streams to write (bit set). */
enum { OUT_STREAM_PATIENTS = 1u << 0, OUT_STREAM_EVENTS = 1u << 1, OUT_STREAM_ARRIVALS = 1u << 2 };
#define OUT_STREAM_KINDS 3
/* The buffer of each part file while a replication writes it, and of the merge. */
#define OUT_STREAM_BUFFER_BYTES (1u << 16)

/* The default --start-date: the Monday that day 0 of the model stands for in events.csv's
 * timestamps, the day the shipped scenarios' calendar starts (their closure days are the
 * bank holidays from 2018). */
#define OUT_START_DATE_DEFAULT "2018-01-01"

/* Days from 1970-01-01 of a date "YYYY-MM-DD" into *days. Returns 0, or -1 when the text
 * is not a valid date of years 1900-9999. */
int out_parse_date(const char *text, long *days);
/* The date `days` after 1970-01-01 as YYYY-MM-DD into buf. */
void out_format_date(long days, char *buf, size_t n);

/* One replication's streams. monitor.ctx points at the struct itself: do not move it
 * between out_stream_open and out_stream_close. */
typedef struct out_stream {
    pw_monitor monitor;    /* pass &s->monitor to pw_run */
    FILE *f[OUT_STREAM_KINDS];    /* patients, events, arrivals; NULL when not written */
    char *path[OUT_STREAM_KINDS]; /* part file paths, owned */
    char *scenario_csv;    /* scenario id as a CSV field, owned */
    char *service_csv;     /* a federation's: the service's name as a CSV field, owned;
                              NULL for one service */
    char service_name[PW_MAX_NAME]; /* the same, for messages */
    int service;           /* a federation's services[k]: k; -1 for one service */
    long start_days;       /* the date of day 0, days from 1970-01-01 */
    int replication;
    int error;             /* first errno of a failed write; 0 if none */
} out_stream;

/* Open the part files selected by `what` for replication `replication` in outdir
 * (created if missing) and set s->monitor's callbacks. `scenario` is the short id every
 * row carries; start_days the date of day 0 (days from 1970-01-01) for timestamps. Returns 0, or OUT_EIO /
 * OUT_ENOMEM with err set (nothing left open or on disk). */
__attribute__((warn_unused_result)) int out_stream_open(out_stream *s, const char *outdir,
                                                        const char *scenario,
                                                        long start_days,
                                                        int replication, unsigned what,
                                                        char *err, size_t errlen);
/* The same for service k (services[k], named `service`) of a federation: its parts are
 * OUTDIR/.patients.csv.r<R>.s<K>.part ..., every row ends with the service's name (the
 * `service` column, last) and case ids carry the service: "r3-s1-1542". */
__attribute__((warn_unused_result)) int out_stream_open_service(out_stream *s, const char *outdir,
                                                                const char *scenario,
                                                                const char *service,
                                                                int k, long start_days,
                                                                int replication, unsigned what,
                                                                char *err, size_t errlen);
/* Flush and close the part files (keeping them for the merge) and release *s. Returns 0,
 * or OUT_EIO with err naming the part and the first write error the callbacks met. */
__attribute__((warn_unused_result)) int out_stream_close(out_stream *s, char *err,
                                                         size_t errlen);
/* Close without checking and release *s (after a failed run); safe on a zeroed or
 * released out_stream. The part files stay; out_stream_discard removes them. */
void out_stream_free(out_stream *s);

/* Join the parts of replications[0..n) (any order; merged ascending) for the streams in
 * `what` into outdir/patients.csv and outdir/events.csv, atomically, then remove the
 * parts. Returns 0, or OUT_EIO / OUT_ENOMEM / OUT_ESTOPPED (out_stop_on's flag raised
 * while copying) with err set; then no final file of that stream is written (the parts
 * are kept for inspection). */
__attribute__((warn_unused_result)) int out_stream_merge(const char *outdir,
                                                         const int *replications, size_t n,
                                                         unsigned what, char *err,
                                                         size_t errlen);
/* A federation's: each replication's services 0..nservices-1 in their order (so rows go
 * by replication, then service), under the header with `service` appended. nservices 0
 * is out_stream_merge. */
__attribute__((warn_unused_result)) int out_stream_merge_services(const char *outdir,
                                                                  const int *replications,
                                                                  size_t n, size_t nservices,
                                                                  unsigned what, char *err,
                                                                  size_t errlen);
/* Remove the part files of replications[0..n) (after a failure); missing ones are fine. */
void out_stream_discard(const char *outdir, const int *replications, size_t n,
                        unsigned what);
/* The same for a federation's nservices services (0: out_stream_discard). */
void out_stream_discard_services(const char *outdir, const int *replications, size_t n,
                                 size_t nservices, unsigned what);

/* resources.csv, simmer's get_mon_resources() sampled at the end of every week of every
 * replication (replication order): for assessment, step2 and step3, `server` the open
 * episodes (empty for assessment: appointments, not places held), `queue` the people
 * waiting, `system` their sum; capacity, queue_size and limit empty (not fixed: caseload
 * places move with staff). Written atomically into outdir. Returns 0 or an OUT_ code. */
__attribute__((warn_unused_result)) int out_write_resources(const char *outdir,
                                                            const char *scenario_id,
                                                            const pw_results *reps,
                                                            size_t nreps, char *err,
                                                            size_t errlen);

/* The CSV header lines (with "\n") of patients.csv, events.csv and arrivals.csv (static
 * strings). */
const char *out_patients_header(void);
const char *out_events_header(void);
const char *out_arrivals_header(void);

#endif
