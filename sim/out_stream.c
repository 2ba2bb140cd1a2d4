/* patients.csv, events.csv and arrivals.csv: per-replication part files and their ordered
 * merge. */
#include "out_stream.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "out_file.h"
#include "out_metrics.h"

#define DAY_DECIMALS 6 /* 1e-6 day < 0.1 s */
#define BURNOUT_DECIMALS 4 /* a 0-1 index; 1e-4 is finer than anything it moves */

/* The two streams: final name, header, and the bit that selects it. */
typedef struct stream_kind {
    unsigned bit;
    const char *name;
    const char *header;
} stream_kind;

static const stream_kind kinds[OUT_STREAM_KINDS] = {
    {OUT_STREAM_PATIENTS, "patients.csv",
     "scenario,replication,patient_id,person_id,stage,source,need,cohort,referral_day,"
     "queue_day,start_day,end_day,wait_days,sessions,exit_reason,clinician,unfinished,"
     "phq9_first,gad7_first,phq9_last,gad7_last,clinician_burnout\n"},
    {OUT_STREAM_EVENTS, "events.csv",
     "scenario,replication,case_id,activity_instance_id,activity,lifecycle,timestamp,day,"
     "resource,role,unfinished\n"},
    {OUT_STREAM_ARRIVALS, "arrivals.csv",
     "name,start_time,end_time,activity_time,finished,replication,scenario,exit_reason\n"},
};
#define N_KINDS OUT_STREAM_KINDS

const char *out_patients_header(void) { return kinds[0].header; }
const char *out_events_header(void) { return kinds[1].header; }
const char *out_arrivals_header(void) { return kinds[2].header; }

/* Days from 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

/* The civil date of days from 1970-01-01. */
static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long)yoe + era * 400 + (*m <= 2);
}

int out_parse_date(const char *text, long *days)
{
    int y, m, d, n = 0;
    if (!text || sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || text[n] ||
        y < 1900 || m < 1 || m > 12 || d < 1)
        return -1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        return -1;
    *days = days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

void out_format_date(long days, char *buf, size_t n)
{
    long y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, n, "%04ld-%02u-%02u", y, m, d);
}

/* "OUTDIR/.NAME.r<R>.part", or a federation's service k's "OUTDIR/.NAME.r<R>.s<K>.part"
 * (service < 0: one service), malloc'd; NULL on OOM. */
static char *part_path(const char *outdir, const char *name, int replication, long service)
{
    size_t n = strlen(outdir) + strlen(name) + 64;
    char *s = malloc(n);
    char svc[32] = "";
    if (service >= 0)
        snprintf(svc, sizeof svc, ".s%ld", service);
    if (s)
        snprintf(s, n, "%s%s.%s.r%d%s.part", outdir,
                 outdir[0] && outdir[strlen(outdir) - 1] == '/' ? "" : "/", name, replication,
                 svc);
    return s;
}

/* A part's file as a message names it: the stream it goes into, "OUTDIR/NAME", in buf[n]
 * (the part itself is a hidden name that no one sees once the run ends). */
static const char *part_shown(const char *part, const char *name, char *buf, size_t n)
{
    const char *slash = strrchr(part, '/');
    snprintf(buf, n, "%.*s%s", slash ? (int)(slash - part + 1) : 0, part, name);
    return buf;
}

/* ======================================================================================
 * Monitor callbacks (called by the model, on the replication's thread)
 * ====================================================================================== */

/* Record the first write error of f in s; later rows are skipped. */
static void check(out_stream *s, FILE *f)
{
    if (ferror(f) && !s->error)
        s->error = errno ? errno : EIO;
}

/* A row built in memory and handed to stdio in one fwrite: printf per field was most of
 * the cost of streaming. Flushes early if a row outgrows the buffer. */
typedef struct rowbuf {
    FILE *f;
    size_t n;
    char b[1024];
} rowbuf;

/* Hand the row so far to stdio. */
static void rb_flush(rowbuf *r)
{
    if (r->n)
        fwrite(r->b, 1, r->n, r->f);
    r->n = 0;
}

/* Append n bytes (a piece longer than the buffer goes straight to stdio). */
static void rb_bytes(rowbuf *r, const char *s, size_t n)
{
    if (r->n + n > sizeof r->b) {
        rb_flush(r);
        if (n > sizeof r->b) {
            fwrite(s, 1, n, r->f);
            return;
        }
    }
    memcpy(r->b + r->n, s, n);
    r->n += n;
}

/* Append one byte. */
static void rb_char(rowbuf *r, char c) { rb_bytes(r, &c, 1); }

/* s as a CSV field (quoted when it holds a comma, quote, CR or LF); NULL is empty. */
static void rb_csv(rowbuf *r, const char *s)
{
    if (!s)
        return;
    size_t plain = strcspn(s, ",\"\r\n");
    if (!s[plain]) {
        rb_bytes(r, s, plain);
        return;
    }
    rb_char(r, '"');
    for (; *s; s++) {
        if (*s == '"')
            rb_char(r, '"');
        rb_char(r, *s);
    }
    rb_char(r, '"');
}

/* Append an unsigned integer in decimal (locale-free). */
static void rb_u64(rowbuf *r, uint64_t u)
{
    char t[24];
    int n = 0;
    do {
        t[sizeof t - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    rb_bytes(r, t + sizeof t - n, (size_t)n);
}

/* Append a signed integer in decimal. */
static void rb_int(rowbuf *r, long long v)
{
    if (v < 0)
        rb_char(r, '-');
    rb_u64(r, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
}

/* x with `decimals` decimals (empty if NaN). */
static void rb_fixed(rowbuf *r, double x, int decimals)
{
    char b[OUT_NUM_MAX];
    out_fmt_fixed(b, x, decimals);
    rb_bytes(r, b, strlen(b));
}

/* A day with DAY_DECIMALS decimals (empty if NaN), then a comma. */
static void rb_day(rowbuf *r, double day)
{
    rb_fixed(r, day, DAY_DECIMALS);
    rb_char(r, ',');
}

/* A patient id with its origin's prefix: "1542", "re7", "pre12". */
static void rb_pid(rowbuf *r, pw_origin o, uint64_t id)
{
    if (o == PW_ORIGIN_REREFERRAL)
        rb_bytes(r, "re", 2);
    else if (o == PW_ORIGIN_PREFILL)
        rb_bytes(r, "pre", 3);
    rb_u64(r, id);
}

/* A clinician as "<role>_<id>" (role "staff" if unnamed). */
static void rb_clinician(rowbuf *r, const char *role, int id)
{
    char res[PW_MAX_NAME + 24];
    snprintf(res, sizeof res, "%s_%d", role && role[0] ? role : "staff", id);
    rb_csv(r, res);
}

/* day as an ISO-8601 UTC date-time to the second, counted from start_days. */
static void rb_iso(rowbuf *r, long start_days, double day)
{
    long long secs = (long long)floor(day * 86400.0 + 0.5);
    long long q = secs / 86400, rest = secs % 86400;
    if (rest < 0) { /* floor division: times before day 0 */
        rest += 86400;
        q--;
    }
    long days = start_days + (long)q;
    long y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    char b[40];
    int n = snprintf(b, sizeof b, "%04ld-%02u-%02uT%02lld:%02lld:%02lldZ", y, m, d, rest / 3600,
                     rest / 60 % 60, rest % 60);
    rb_bytes(r, b, (size_t)n);
}

/* "scenario,replication," */
static void rb_start(rowbuf *r, const out_stream *s)
{
    rb_bytes(r, s->scenario_csv, strlen(s->scenario_csv));
    rb_char(r, ',');
    rb_int(r, s->replication);
    rb_char(r, ',');
}

/* A federation's rows end with ",<service name>": the service column, last, so that every
 * other column keeps its place in one service's files. Nothing for one service. */
static void rb_service(rowbuf *r, const out_stream *s)
{
    if (!s->service_csv)
        return;
    rb_char(r, ',');
    rb_bytes(r, s->service_csv, strlen(s->service_csv));
}

/* A patients.csv row. */
static void on_stage(void *ctx, const pw_stage_record *rec)
{
    out_stream *s = ctx;
    if (!s->f[0] || s->error)
        return;
    rowbuf r;
    r.f = s->f[0];
    r.n = 0;
    rb_start(&r, s);
    rb_pid(&r, rec->origin, rec->patient_id);
    rb_char(&r, ',');
    rb_pid(&r, rec->person_origin, rec->person_id);
    rb_char(&r, ',');
    rb_csv(&r, rec->stage);
    rb_char(&r, ',');
    rb_csv(&r, rec->source);
    rb_char(&r, ',');
    rb_csv(&r, rec->need);
    rb_bytes(&r, rec->cohort ? ",1," : ",0,", 3);
    rb_day(&r, rec->referral_day);
    rb_day(&r, rec->queue_day);
    rb_day(&r, rec->start_day);
    rb_day(&r, rec->end_day);
    rb_day(&r, rec->wait_days);
    rb_int(&r, rec->sessions);
    rb_char(&r, ',');
    rb_csv(&r, rec->exit_reason);
    rb_char(&r, ',');
    if (rec->clinician >= 0)
        rb_clinician(&r, rec->clinician_role, rec->clinician);
    rb_bytes(&r, rec->unfinished ? ",1" : ",0", 2);
    /* The questionnaires: empty where none was read. */
    const int q[] = {rec->phq9_first, rec->gad7_first, rec->phq9_last, rec->gad7_last};
    for (int i = 0; i < 4; i++) {
        rb_char(&r, ',');
        if (q[i] >= 0)
            rb_int(&r, q[i]);
    }
    rb_char(&r, ',');
    rb_fixed(&r, rec->clinician_burnout, BURNOUT_DECIMALS); /* empty: no clinician (NaN) */
    rb_service(&r, s);
    rb_char(&r, '\n');
    rb_flush(&r);
    check(s, s->f[0]);
}

/* "r<replication>-<patient>": a case id unique across the replications of the file; in a
 * federation's, "r<replication>-s<k>-<patient>" (services[k]), unique across its services
 * too, whose patients are numbered each from 0. */
static void rb_case(rowbuf *r, const out_stream *s, pw_origin o, uint64_t id)
{
    rb_char(r, 'r');
    rb_int(r, s->replication);
    rb_char(r, '-');
    if (s->service >= 0) {
        rb_char(r, 's');
        rb_int(r, s->service);
        rb_char(r, '-');
    }
    rb_pid(r, o, id);
}

/* An events.csv row: case ids carry the replication ("r3-1542") so they are unique in
 * the merged file, activity instances the case ("r3-1542-4"); the resource is the
 * individual ("pwp_12"), the role its own column. */
static void on_event(void *ctx, const pw_event_record *rec)
{
    out_stream *s = ctx;
    if (!s->f[1] || s->error)
        return;
    const char *role = rec->resource ? rec->resource : "";
    rowbuf r;
    r.f = s->f[1];
    r.n = 0;
    rb_start(&r, s);
    rb_case(&r, s, rec->origin, rec->case_id);
    rb_char(&r, ',');
    rb_case(&r, s, rec->origin, rec->case_id);
    rb_char(&r, '-');
    rb_u64(&r, rec->instance);
    rb_char(&r, ',');
    rb_csv(&r, rec->activity);
    rb_char(&r, ',');
    rb_csv(&r, rec->lifecycle);
    rb_char(&r, ',');
    rb_iso(&r, s->start_days, rec->day);
    rb_char(&r, ',');
    rb_day(&r, rec->day);
    if (rec->resource_id >= 0)
        rb_clinician(&r, role, rec->resource_id);
    else
        rb_csv(&r, role);
    rb_char(&r, ',');
    rb_csv(&r, role);
    rb_bytes(&r, rec->unfinished ? ",1" : ",0", 2);
    rb_service(&r, s);
    rb_char(&r, '\n');
    rb_flush(&r);
    check(s, s->f[1]);
}

/* An arrivals.csv row, in simmer's get_mon_arrivals() columns (times in days). */
static void on_arrival(void *ctx, const pw_arrival_record *rec)
{
    out_stream *s = ctx;
    if (!s->f[2] || s->error)
        return;
    rowbuf r;
    r.f = s->f[2];
    r.n = 0;
    rb_case(&r, s, rec->origin, rec->patient_id);
    rb_char(&r, ',');
    rb_day(&r, rec->start_day);
    rb_day(&r, rec->end_day);
    rb_day(&r, rec->activity_days);
    rb_bytes(&r, rec->finished ? "TRUE," : "FALSE,", rec->finished ? 5 : 6);
    rb_int(&r, s->replication);
    rb_char(&r, ',');
    rb_bytes(&r, s->scenario_csv, strlen(s->scenario_csv));
    rb_char(&r, ',');
    rb_csv(&r, rec->exit_reason);
    rb_service(&r, s);
    rb_char(&r, '\n');
    rb_flush(&r);
    check(s, s->f[2]);
}

/* ======================================================================================
 * Per-replication streams
 * ====================================================================================== */

/* Remove the parts in `what` of one replication (of service `service`, or -1: one
 * service's), after its streams failed to open. */
static void discard_one(const char *outdir, int replication, long service, unsigned what)
{
    for (size_t k = 0; k < N_KINDS; k++) {
        char *path = what & kinds[k].bit ? part_path(outdir, kinds[k].name, replication, service)
                                         : NULL;
        if (path)
            remove(path);
        free(path);
    }
}

/* " of service \"NAME\"" for a federation's stream, else "", into buf. */
static const char *service_shown(const out_stream *s, char *buf, size_t n)
{
    buf[0] = '\0';
    if (s->service >= 0)
        snprintf(buf, n, " of services[%d] \"%s\"", s->service, s->service_name);
    return buf;
}

int out_stream_open(out_stream *s, const char *outdir, const char *scenario, long start_days,
                    int replication, unsigned what, char *err, size_t errlen)
{
    return out_stream_open_service(s, outdir, scenario, NULL, -1, start_days, replication, what,
                                   err, errlen);
}

int out_stream_open_service(out_stream *s, const char *outdir, const char *scenario,
                            const char *service, int k_service, long start_days,
                            int replication, unsigned what, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->replication = replication;
    s->service = service ? k_service : -1;
    s->start_days = start_days;
    s->monitor.ctx = s;
    int ret = out_mkdir_p(outdir, err, errlen);
    if (ret != OUT_OK)
        return ret;
    s->scenario_csv = out_csv_quote(scenario);
    if (!s->scenario_csv)
        goto nomem;
    if (service) {
        snprintf(s->service_name, sizeof s->service_name, "%s", service);
        if (!(s->service_csv = out_csv_quote(service)))
            goto nomem;
    }
    for (size_t k = 0; k < N_KINDS; k++) {
        if (!(what & kinds[k].bit))
            continue;
        char **path = &s->path[k];
        FILE **fp = &s->f[k];
        if (!(*path = part_path(outdir, kinds[k].name, replication, s->service)))
            goto nomem;
        if (!(*fp = fopen(*path, "wb"))) {
            char eb[128], sv[PW_MAX_NAME + 40];
            int e = errno;
            char shown[PATH_MAX];
            out_error(err, errlen, OUT_EIO, "cannot create '%s' (replication %d's rows%s): %s",
                      part_shown(*path, kinds[k].name, shown, sizeof shown), replication,
                      service_shown(s, sv, sizeof sv), out_errstr(e, eb, sizeof eb));
            int svc = s->service;
            out_stream_free(s);
            discard_one(outdir, replication, svc, what);
            return OUT_EIO;
        }
        setvbuf(*fp, NULL, _IOFBF, OUT_STREAM_BUFFER_BYTES);
    }
    s->monitor.stage = s->f[0] ? on_stage : NULL;
    s->monitor.event = s->f[1] ? on_event : NULL;
    s->monitor.arrival = s->f[2] ? on_arrival : NULL;
    return OUT_OK;
nomem:;
    int svc = s->service;
    out_stream_free(s);
    discard_one(outdir, replication, svc, what);
    return out_error(err, errlen, OUT_ENOMEM, "out of memory");
}

int out_stream_close(out_stream *s, char *err, size_t errlen)
{
    int ret = OUT_OK;
    for (size_t k = 0; k < N_KINDS; k++) {
        FILE **fp = &s->f[k];
        const char *path = s->path[k];
        if (!*fp)
            continue;
        if (fflush(*fp) != 0 && !s->error)
            s->error = errno ? errno : EIO;
        if (fclose(*fp) != 0 && !s->error)
            s->error = errno ? errno : EIO;
        *fp = NULL;
        if (s->error && ret == OUT_OK) {
            char eb[128], sv[PW_MAX_NAME + 40];
            char shown[PATH_MAX];
            ret = out_error(err, errlen, OUT_EIO, "cannot write '%s' (replication %d's rows%s): %s",
                            part_shown(path, kinds[k].name, shown, sizeof shown),
                            s->replication, service_shown(s, sv, sizeof sv),
                            out_errstr(s->error, eb, sizeof eb));
        }
    }
    out_stream_free(s);
    return ret;
}

void out_stream_free(out_stream *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < N_KINDS; k++) {
        if (s->f[k])
            fclose(s->f[k]);
        free(s->path[k]);
        s->f[k] = NULL;
        s->path[k] = NULL;
    }
    free(s->scenario_csv);
    s->scenario_csv = NULL;
    free(s->service_csv);
    s->service_csv = NULL;
    s->monitor.stage = NULL;
    s->monitor.event = NULL;
    s->monitor.arrival = NULL;
}

/* ======================================================================================
 * Merge
 * ====================================================================================== */

/* Ascending copy of replications[0..n); NULL on OOM. */
static int *sorted_copy(const int *replications, size_t n)
{
    int *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && v[j - 1] > replications[i]) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = replications[i];
    }
    return v;
}

/* Append the part at path to out. Returns 0, OUT_EIO (err set), or OUT_ESTOPPED
 * (out_stop_on's flag raised: out left part-written, for the caller to abort). */
static int append_part(FILE *out, const char *path, char *buf, size_t bufsize, char *err,
                       size_t errlen)
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        char eb[128];
        int e = errno;
        return out_error(err, errlen, OUT_EIO, "cannot read '%s': %s", path,
                         out_errstr(e, eb, sizeof eb));
    }
    size_t n;
    int stopped = 0;
    while (!(stopped = out_stopped()) && (n = fread(buf, 1, bufsize, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            break;
    int bad = ferror(in);
    fclose(in);
    if (stopped)
        return out_error(err, errlen, OUT_ESTOPPED, "stopped merging '%s'", path);
    if (bad)
        return out_error(err, errlen, OUT_EIO, "cannot read '%s'", path);
    return OUT_OK; /* a failed fwrite is caught by out_file_close */
}

/* Merge one stream's parts (reps sorted; each replication's services 0..nsvc-1 in order,
 * or its one part when nsvc is 0) into outdir/kind->name, under the header (with the
 * service column, last, for a federation). buf[bufsize] is the copying buffer. Returns
 * OUT_OK, or an OUT_ code with err set (the file not written). */
static int merge_kind(const char *outdir, const stream_kind *kind, const int *reps, size_t n,
                      size_t nsvc, char *buf, size_t bufsize, char *err, size_t errlen)
{
    out_file of = OUT_FILE_INIT;
    int ret = out_file_open(&of, outdir, kind->name, err, errlen);
    if (ret != OUT_OK)
        return ret;
    if (nsvc) /* the header without its newline, then the service column */
        fprintf(of.f, "%.*s,service\n", (int)strlen(kind->header) - 1, kind->header);
    else
        fputs(kind->header, of.f);
    for (size_t i = 0; i < n && ret == OUT_OK; i++)
        for (size_t k = 0; k < (nsvc ? nsvc : 1) && ret == OUT_OK; k++) {
            char *path = part_path(outdir, kind->name, reps[i], nsvc ? (long)k : -1);
            ret = path ? append_part(of.f, path, buf, bufsize, err, errlen)
                       : out_error(err, errlen, OUT_ENOMEM, "out of memory");
            free(path);
        }
    if (ret == OUT_OK)
        ret = out_file_commit(&of, err, errlen);
    out_file_abort(&of);
    return ret;
}

int out_stream_merge(const char *outdir, const int *replications, size_t n, unsigned what,
                     char *err, size_t errlen)
{
    return out_stream_merge_services(outdir, replications, n, 0, what, err, errlen);
}

int out_stream_merge_services(const char *outdir, const int *replications, size_t n,
                              size_t nservices, unsigned what, char *err, size_t errlen)
{
    int *reps = sorted_copy(replications, n);
    size_t bufsize = OUT_STREAM_BUFFER_BYTES;
    char *buf = malloc(bufsize);
    int ret = OUT_OK;
    if (!reps || !buf)
        ret = out_error(err, errlen, OUT_ENOMEM, "out of memory");
    for (size_t k = 0; k < N_KINDS && ret == OUT_OK; k++) {
        if (!(what & kinds[k].bit))
            continue;
        ret = merge_kind(outdir, &kinds[k], reps, n, nservices, buf, bufsize, err, errlen);
        if (ret == OUT_OK)
            out_stream_discard_services(outdir, reps, n, nservices, kinds[k].bit);
    }
    free(buf);
    free(reps);
    return ret;
}

void out_stream_discard(const char *outdir, const int *replications, size_t n, unsigned what)
{
    out_stream_discard_services(outdir, replications, n, 0, what);
}

void out_stream_discard_services(const char *outdir, const int *replications, size_t n,
                                 size_t nservices, unsigned what)
{
    for (size_t k = 0; k < N_KINDS; k++) {
        if (!(what & kinds[k].bit))
            continue;
        for (size_t i = 0; i < n; i++)
            for (size_t v = 0; v < (nservices ? nservices : 1); v++) {
                char *path =
                    part_path(outdir, kinds[k].name, replications[i], nservices ? (long)v : -1);
                if (path)
                    remove(path);
                free(path);
            }
    }
}

/* ======================================================================================
 * resources.csv
 * ====================================================================================== */

int out_write_resources(const char *outdir, const char *scenario_id, const pw_results *reps,
                        size_t nreps, char *err, size_t errlen)
{
    size_t *order = out_rep_order(reps, nreps);
    if (!order)
        return out_error(err, errlen, OUT_ENOMEM, "out of memory");
    out_file of = OUT_FILE_INIT;
    int ret = out_file_open(&of, outdir, "resources.csv", err, errlen);
    if (ret != OUT_OK) {
        free(order);
        return ret;
    }
    fputs("resource,time,server,queue,capacity,queue_size,system,limit,replication,scenario\n",
          of.f);
    static const char *const names[] = {"assessment", "step2", "step3"};
    for (size_t i = 0; i < nreps; i++) {
        const pw_results *r = &reps[order[i]];
        for (size_t k = 0; k < r->n_weeks; k++) {
            const pw_week *wk = &r->weeks[k];
            for (int res = 0; res < 3; res++) {
                double queue = res == 0 ? wk->waiting_assessment : wk->waiting_step[res - 1];
                double server = res == 0 ? NAN : wk->caseload_step[res - 1];
                fprintf(of.f, "%s,%zu,", names[res], 7 * (k + 1));
                out_csv_num(of.f, server);
                fputc(',', of.f);
                out_csv_num(of.f, queue);
                fputs(",,,", of.f);
                out_csv_num(of.f, server + queue);
                fprintf(of.f, ",,%d,", r->replication);
                out_csv_str(of.f, scenario_id);
                fputc('\n', of.f);
            }
        }
    }
    free(order);
    ret = out_file_commit(&of, err, errlen);
    out_file_abort(&of);
    return ret;
}
