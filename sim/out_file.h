/* Atomic output files (temp name, fsync, rename) and the locale-proof, byte-stable
 * formatting of numbers and strings in stepsim's CSV and JSON outputs.
 *
 * Design
 * - A file is written to OUTDIR/NAME.tmp.<pid>, flushed, fsync'd and closed, and only then
 *   renamed to OUTDIR/NAME. Any failure removes the temp file, so a file under its final
 *   name is always whole. Closing and renaming are separate steps, so a writer can stage
 *   several files and publish them together only when all were written.
 * - Numbers. Doubles are written by out_fmt_num: the shortest of "%.15g", "%.16g" and
 *   "%.17g" that reads back as the same double. It round-trips exactly, and a value such
 *   as 0.25 is written "0.25", not "0.25000000000000000". -0 is written as 0. Streamed
 *   event times (patients.csv, events.csv) use out_fmt_fixed with 6 decimals instead
 *   (days; 1e-6 day is under 0.1 s), which keeps those large files small and readable.
 *   Either way the output is a function of the double alone: byte-identical across runs.
 * - Not-a-number and infinities are never printed: empty in CSV, null in JSON.
 * - The decimal point is always '.', whatever the C library's LC_NUMERIC locale: the
 *   formatted text is normalised after printf, so no locale state is read or changed
 *   (thread-safe). Integers are printed with PRIu64 / %d, which no locale alters.
 * - CSV follows RFC 4180 with "\n" line ends: a field is quoted when it holds a comma,
 *   a double quote, CR or LF, and quotes inside are doubled. JSON strings escape '"',
 *   '\\' and control characters; invalid UTF-8 bytes become U+FFFD, so the JSON is valid.
 */
#ifndef OUT_FILE_H
#define OUT_FILE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Error codes of the out_ writers (0 is success). */
enum {
    OUT_OK = 0,
    OUT_EIO = -1,    /* a file could not be created, written, synced or renamed */
    OUT_ENOMEM = -2,
    OUT_EINVAL = -3, /* a bad argument (no replications, a NULL path) */
    OUT_ESTOPPED = -4, /* a stop was asked (out_stop_on's flag) while a long copy or digest
                          went on: not a failure; the file not written */
};

/* Message for an out_ error code (static string). */
const char *out_strerror(int err);

/* The stop flag (a signal handler's) that the writers which copy or read whole files of
 * any size (the streams' merge, out_stream.c; digests, out_sha256_file) read between their
 * buffers, giving up with OUT_ESTOPPED once it is raised, so that a stop asked for while a
 * gigabyte of events.csv is merged or hashed is not kept waiting. NULL (the default):
 * never. Set once, before any thread starts. */
void out_stop_on(const atomic_int *flag);
/* 1 if out_stop_on's flag is raised, else 0. */
int out_stopped(void);

/* Messages naming a file in the staging folder `stage` name it in `outdir` instead, where
 * it would be published, and say nothing was (outdir NULL: forget stage). For out_set.c. */
void out_stage_shown_as(const char *stage, const char *outdir);
/* Format a message into err[errlen] (if err is non-NULL and errlen > 0). Returns code, so
 * a caller can write `return out_error(err, errlen, OUT_EIO, "...", ...)`. */
__attribute__((format(printf, 4, 5))) int out_error(char *err, size_t errlen, int code,
                                                    const char *fmt, ...);

/* The text of errno value e, thread-safely, in buf[len]. Returns buf. */
const char *out_errstr(int e, char *buf, size_t len);

/* The code of a failure to create a folder with errno e: OUT_EINVAL when the path is the
 * user's choice gone wrong (a file in the way, no permission, a name too long, a
 * read-only file system: exit 2), else OUT_EIO. */
int out_errno_code(int e);

/* Create directory dir and any missing parents (mkdir -p; existing directories are
 * fine). Returns 0, or OUT_EINVAL (a file in the way, no permission, a name too long) or
 * OUT_EIO with err naming the path that failed and why. Safe to call from several threads
 * at once. */
__attribute__((warn_unused_result)) int out_mkdir_p(const char *dir, char *err,
                                                    size_t errlen);
/* The first of path's folders, from the top (path itself last), that exists and is not a
 * folder, into buf (at most n bytes): 1 if there is one (a file in the way of a folder to
 * make), 2 if it is a symbolic link to nothing, else 0. */
int out_not_folder(const char *path, char *buf, size_t n);
/* The directories one out_mkdir_made call created, shallowest first (owned). */
typedef struct out_made {
    char **path;
    size_t n;
} out_made;
/* out_mkdir_p that also notes in *made (zeroed by the caller) each directory it created,
 * so that the caller can take back exactly those (on failure too: what was made before it
 * stays noted). */
__attribute__((warn_unused_result)) int out_mkdir_made(const char *dir, out_made *made,
                                                       char *err, size_t errlen);
/* Remove the noted directories, deepest first, each only if still empty; then free. */
void out_made_undo(out_made *m);
/* Forget them (they stay), freeing the list. */
void out_made_free(out_made *m);

/* One output file being written atomically. Zero it (or use OUT_FILE_INIT) before use. */
typedef struct out_file {
    FILE *f;        /* write here between out_file_open and out_file_close */
    char *tmp_path; /* DIR/NAME.tmp.<pid>, owned */
    char *path;     /* DIR/NAME, owned */
    int closed;     /* the temp file is complete and closed, awaiting rename */
} out_file;

#define OUT_FILE_INIT {NULL, NULL, NULL, 0}

/* Create DIR/NAME.tmp.<pid> for writing (DIR must exist). Returns 0, or OUT_ENOMEM /
 * OUT_EIO with a message in err; on failure *of holds nothing to release. */
__attribute__((warn_unused_result)) int out_file_open(out_file *of, const char *dir,
                                                      const char *name, char *err,
                                                      size_t errlen);
/* Flush, fsync and close the temp file, checking every step (a write error that the
 * stdio buffer hid surfaces here). Returns 0; or OUT_EIO with err set, after removing the
 * temp file and releasing *of. Calling it on a closed file does nothing. */
__attribute__((warn_unused_result)) int out_file_close(out_file *of, char *err,
                                                       size_t errlen);
/* Close (if still open) and rename the temp file to its final name, replacing any old
 * file, then release *of. Returns 0, or OUT_EIO with err set (the temp file is removed
 * and any old file under the final name is left as it was). */
__attribute__((warn_unused_result)) int out_file_commit(out_file *of, char *err,
                                                        size_t errlen);
/* Give up: close and remove the temp file, release *of. Safe on a zeroed, released or
 * half-built out_file; never touches the final name. */
void out_file_abort(out_file *of);

/* ---- Numbers and strings ---- */

#define OUT_NUM_MAX 40 /* buffer size for out_fmt_num / out_fmt_fixed (enough for both) */

/* x as the shortest of %.15g/%.16g/%.17g that round-trips, '.' as decimal point; "" for
 * NaN and infinities. Returns buf. */
const char *out_fmt_num(char buf[OUT_NUM_MAX], double x);
/* x with `decimals` (0..17) digits after the point, '.' as decimal point, rounded to
 * the nearest (ties away from zero; -0 as 0); "" for NaN, infinities and |x| >= 1e15.
 * Returns buf. */
const char *out_fmt_fixed(char buf[OUT_NUM_MAX], double x, int decimals);
/* x with `decimals` digits and thousands separators ("13,012.4"), locale-free, into b[n]
 * (|x| >= 1e15 as 0). Returns b. */
const char *out_fmt_grouped(char *b, size_t n, double x, int decimals);

/* CSV field writers: no separators or line ends are written. Errors stick in the FILE
 * (ferror) and are caught by out_file_close. */
void out_csv_num(FILE *f, double x);                 /* out_fmt_num; empty if not finite */
void out_csv_fixed(FILE *f, double x, int decimals); /* out_fmt_fixed */
void out_csv_str(FILE *f, const char *s);            /* quoted when needed; NULL = empty */
/* s as a CSV field, quoted when needed, in a new string the caller frees; NULL on OOM.
 * For fields repeated on every row (the scenario name). */
char *out_csv_quote(const char *s);

/* JSON writers. */
/* s, or NULL when it is missing or empty (written as null). */
static inline const char *out_known(const char *s) { return s && *s ? s : NULL; }
/* x as JSON, null if not finite; s quoted and escaped, NULL as null. */
void out_json_num(FILE *f, double x);
void out_json_str(FILE *f, const char *s);
/* A member after others in an object: `, "key": value` (out_json_num / out_json_str). */
void out_json_kv_num(FILE *f, const char *key, double x);
void out_json_kv_str(FILE *f, const char *key, const char *s);

/* "a/b", or "b" when a is empty, in a new string the caller frees; NULL on OOM. */
char *out_path_join(const char *a, const char *b);

#endif
