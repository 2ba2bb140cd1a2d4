/* Atomic output files and locale-proof number and string formatting (see out_file.h). */
#include "out_file.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* ======================================================================================
 * Errors
 * ====================================================================================== */

const char *out_strerror(int err)
{
    switch (err) {
    case OUT_OK:
        return "success";
    case OUT_EIO:
        return "cannot write output";
    case OUT_ENOMEM:
        return "out of memory";
    case OUT_EINVAL:
        return "invalid argument";
    case OUT_ESTOPPED:
        return "stopped (a stop was asked)";
    default:
        return "unknown error";
    }
}

/* out_stop_on's flag, or NULL. */
static const atomic_int *stop_flag;

void out_stop_on(const atomic_int *flag) { stop_flag = flag; }

int out_stopped(void) { return stop_flag && *stop_flag; }

/* The staging folders open now, each with the output folder it stands for (out_set.c):
 * a message naming a file in one names it as it would be published. */
enum { OUT_STAGES = 8 };
static pthread_mutex_t stages_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char *stage, *outdir;
} stages[OUT_STAGES];

void out_stage_shown_as(const char *stage, const char *outdir)
{
    pthread_mutex_lock(&stages_mu);
    for (size_t i = 0; i < OUT_STAGES; i++)
        if (stages[i].stage && !strcmp(stages[i].stage, stage)) {
            free(stages[i].stage);
            free(stages[i].outdir);
            stages[i].stage = stages[i].outdir = NULL;
        }
    for (size_t i = 0; outdir && i < OUT_STAGES; i++)
        if (!stages[i].stage) {
            stages[i].stage = strdup(stage);
            stages[i].outdir = strdup(outdir);
            if (!stages[i].stage || !stages[i].outdir) {
                free(stages[i].stage);
                free(stages[i].outdir);
                stages[i].stage = stages[i].outdir = NULL;
            }
            break;
        }
    pthread_mutex_unlock(&stages_mu);
}

/* "cannot write 'out/.run.stage.123.AbCdEf/waits.csv': ..." as "cannot write
 * 'out/run/waits.csv': ... (nothing is published: out/run is as it was)". */
static void shown_paths(char *err, size_t errlen)
{
    pthread_mutex_lock(&stages_mu);
    for (size_t i = 0; i < OUT_STAGES; i++) {
        const char *st = stages[i].stage;
        char *at = st ? strstr(err, st) : NULL;
        size_t n = st ? strlen(st) : 0;
        if (!at || (at[n] != '/' && at[n] != '\'' && at[n] != '\0'))
            continue;
        char *rest = strdup(at + n);
        if (!rest)
            break;
        size_t pre = (size_t)(at - err);
        snprintf(at, errlen - pre, "%s%s (nothing is published: %s is as it was before the run)",
                 stages[i].outdir, rest, stages[i].outdir);
        free(rest);
        break;
    }
    pthread_mutex_unlock(&stages_mu);
}

int out_error(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
        shown_paths(err, errlen);
    }
    return code;
}

/* strerror is not thread-safe; this is the XSI strerror_r that -D_POSIX_C_SOURCE
 * selects. */
const char *out_errstr(int e, char *buf, size_t len)
{
    if (strerror_r(e, buf, len) != 0)
        snprintf(buf, len, "error %d", e);
    return buf;
}

/* ======================================================================================
 * Directories
 * ====================================================================================== */

int out_errno_code(int e)
{
    return e == ENOTDIR || e == EACCES || e == EPERM || e == ENAMETOOLONG || e == EROFS ||
                   e == ELOOP
               ? OUT_EINVAL
               : OUT_EIO;
}

/* Create one directory, accepting one that already exists (perhaps made a moment ago by
 * another thread); *made set when this call created it. Returns 0, OUT_EINVAL when the
 * path cannot be a folder of ours (a file in the way, no permission, a name too long: the
 * user's choice of folder) or OUT_EIO. */
static int mkdir_one(const char *path, int *made, char *err, size_t errlen)
{
    char eb[128];
    *made = 0;
    if (mkdir(path, 0777) == 0) {
        *made = 1;
        return OUT_OK;
    }
    int e = errno;
    struct stat st;
    if (e == EEXIST) {
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return OUT_OK;
        return out_error(err, errlen, OUT_EINVAL, "cannot create folder '%s': it exists "
                         "and is not a folder", path);
    }
    return out_error(err, errlen, out_errno_code(e), "cannot create folder "
                     "'%s': %s", path, out_errstr(e, eb, sizeof eb));
}

int out_not_folder(const char *path, char *buf, size_t n)
{
    size_t len = strlen(path);
    if (!n || len >= n)
        return 0;
    memcpy(buf, path, len + 1);
    /* Each prefix ending before a '/' (skipping the root and runs of slashes), then all. */
    for (size_t i = 1; i <= len; i++) {
        if (i < len && (buf[i] != '/' || buf[i - 1] == '/'))
            continue;
        char c = buf[i];
        buf[i] = '\0';
        struct stat st;
        int found = stat(buf, &st) == 0;
        if (found && !S_ISDIR(st.st_mode))
            return 1;
        if (!found && errno == ENOENT && lstat(buf, &st) == 0 && S_ISLNK(st.st_mode))
            return 2; /* a link to nothing: mkdir would say only that it exists */
        buf[i] = c;
    }
    return 0;
}

void out_made_free(out_made *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->path[i]);
    free(m->path);
    m->path = NULL;
    m->n = 0;
}

void out_made_undo(out_made *m)
{
    /* Deepest first; rmdir leaves a folder something has been put in since. */
    for (size_t i = m ? m->n : 0; i-- > 0;)
        (void)rmdir(m->path[i]);
    out_made_free(m);
}

/* Note path as made by this call (into m, when given). Returns 0 or -1 when out of
 * memory. */
static int note_made(out_made *m, const char *path)
{
    if (!m)
        return 0;
    char **p = realloc(m->path, (m->n + 1) * sizeof *p);
    if (!p)
        return -1;
    m->path = p;
    if (!(p[m->n] = strdup(path)))
        return -1;
    m->n++;
    return 0;
}

int out_mkdir_made(const char *dir, out_made *made, char *err, size_t errlen)
{
    if (!dir || !*dir)
        return out_error(err, errlen, OUT_EINVAL, "no output directory given");
    struct stat st;
    char in_way[PATH_MAX];
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return OUT_OK;
    int way = out_not_folder(dir, in_way, sizeof in_way);
    if (way == 2)
        return out_error(err, errlen, OUT_EINVAL, "cannot create output folder '%s': '%s' is "
                         "a symbolic link to nothing", dir, in_way);
    if (way) {
        if (!strcmp(in_way, dir))
            return out_error(err, errlen, OUT_EINVAL, "output folder '%s' exists and is not "
                             "a folder", dir);
        return out_error(err, errlen, OUT_EINVAL, "cannot create output folder '%s': '%s' "
                         "exists and is not a folder", dir, in_way);
    }
    char *path = strdup(dir);
    if (!path)
        return out_error(err, errlen, OUT_ENOMEM, "out of memory");
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        path[--len] = '\0';
    int ret = OUT_OK, fresh = 0;
    /* Each prefix ending before a '/' (skipping the root and runs of slashes), then all. */
    for (size_t i = 1; i <= len && ret == OUT_OK; i++) {
        if (i < len && (path[i] != '/' || path[i - 1] == '/'))
            continue;
        char c = path[i];
        path[i] = '\0';
        ret = mkdir_one(path, &fresh, err, errlen);
        if (ret == OUT_OK && fresh && note_made(made, path) != 0)
            ret = out_error(err, errlen, OUT_ENOMEM, "out of memory");
        path[i] = c;
    }
    free(path);
    return ret;
}

int out_mkdir_p(const char *dir, char *err, size_t errlen)
{
    return out_mkdir_made(dir, NULL, err, errlen);
}

/* ======================================================================================
 * Atomic files
 * ====================================================================================== */

/* Release the paths of an out_file (the FILE must be closed). */
static void release(out_file *of)
{
    free(of->tmp_path);
    free(of->path);
    of->tmp_path = of->path = NULL;
    of->f = NULL;
    of->closed = 0;
}

char *out_path_join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    int slash = na > 0 && a[na - 1] != '/';
    char *s = malloc(na + (size_t)slash + nb + 1);
    if (!s)
        return NULL;
    memcpy(s, a, na);
    if (slash)
        s[na] = '/';
    memcpy(s + na + (size_t)slash, b, nb + 1);
    return s;
}

int out_file_open(out_file *of, const char *dir, const char *name, char *err, size_t errlen)
{
    char eb[128];
    of->f = NULL;
    of->closed = 0;
    of->path = out_path_join(dir, name);
    size_t n = of->path ? strlen(of->path) + 32 : 0;
    of->tmp_path = n ? malloc(n) : NULL;
    if (!of->path || !of->tmp_path) {
        release(of);
        return out_error(err, errlen, OUT_ENOMEM, "out of memory");
    }
    snprintf(of->tmp_path, n, "%s.tmp.%ld", of->path, (long)getpid());
    of->f = fopen(of->tmp_path, "wb");
    if (!of->f) {
        int e = errno;
        out_error(err, errlen, OUT_EIO, "cannot create '%s': %s", of->path,
                  out_errstr(e, eb, sizeof eb));
        release(of);
        return OUT_EIO;
    }
    return OUT_OK;
}

/* The cause of an earlier write error whose errno is gone: a full file system is by far the
 * likeliest, and the one a user can act on, so say so when it is the case. Returns ENOSPC
 * or EIO. */
static int lost_errno(FILE *f)
{
    struct statvfs sv;
    if (fstatvfs(fileno(f), &sv) == 0 && sv.f_bavail == 0)
        return ENOSPC;
    return EIO;
}

int out_file_close(out_file *of, char *err, size_t errlen)
{
    char eb[128];
    if (of->closed || !of->f)
        return of->closed ? OUT_OK : out_error(err, errlen, OUT_EINVAL, "file not open");
    /* Writes went through a stdio buffer: fflush surfaces a failure of what is still
     * buffered, ferror one of an earlier write (whose errno is gone by now). */
    int e = 0;
    const char *what = "write";
    if (fflush(of->f) != 0) {
        e = errno ? errno : EIO;
    } else if (ferror(of->f)) {
        e = lost_errno(of->f);
    } else if (fsync(fileno(of->f)) != 0) {
        e = errno;
        what = "sync";
    }
    if (fclose(of->f) != 0 && !e) {
        e = errno ? errno : EIO;
        what = "close";
    }
    of->f = NULL;
    if (e) {
        out_error(err, errlen, OUT_EIO, "cannot %s '%s': %s", what, of->path,
                  out_errstr(e, eb, sizeof eb));
        remove(of->tmp_path);
        release(of);
        return OUT_EIO;
    }
    of->closed = 1;
    return OUT_OK;
}

/* fsync the directory holding path, so the rename survives a crash. Best effort: some
 * file systems refuse to sync directories, and the data itself is already synced. */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int out_file_commit(out_file *of, char *err, size_t errlen)
{
    char eb[128];
    int ret = out_file_close(of, err, errlen);
    if (ret != OUT_OK)
        return ret;
    if (rename(of->tmp_path, of->path) != 0) {
        int e = errno;
        out_error(err, errlen, OUT_EIO, "cannot put '%s' in place: %s", of->path,
                  out_errstr(e, eb, sizeof eb));
        remove(of->tmp_path);
        release(of);
        return OUT_EIO;
    }
    sync_parent(of->path);
    release(of);
    return OUT_OK;
}

void out_file_abort(out_file *of)
{
    if (!of)
        return;
    if (of->f)
        fclose(of->f);
    if (of->tmp_path && (of->f || of->closed))
        remove(of->tmp_path);
    release(of);
}

/* ======================================================================================
 * Numbers
 * ====================================================================================== */

/* Rewrite printf's output so that the decimal point is '.' whatever the locale: any run
 * of bytes that is not a digit, sign or exponent marker is the locale's decimal point
 * (printf adds no grouping without the ' flag). */
static void c_point(char *buf)
{
    char *w = buf;
    const char *r = buf;
    while (*r) {
        char c = *r;
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' || c == 'E') {
            *w++ = *r++;
            continue;
        }
        *w++ = '.';
        while (*r && !((*r >= '0' && *r <= '9') || *r == '-' || *r == '+' || *r == 'e' ||
                       *r == 'E'))
            r++;
    }
    *w = '\0';
}

const char *out_fmt_num(char buf[OUT_NUM_MAX], double x)
{
    buf[0] = '\0';
    if (!isfinite(x))
        return buf;
    if (x == 0)
        x = 0.0; /* drop the sign of -0 */
    /* strtod reads with the same locale printf wrote with, so the test is consistent. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, OUT_NUM_MAX, "%.*g", prec, x);
        if (prec == 17 || strtod(buf, NULL) == x)
            break;
    }
    c_point(buf);
    return buf;
}

const char *out_fmt_fixed(char buf[OUT_NUM_MAX], double x, int decimals)
{
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
    buf[0] = '\0';
    if (!isfinite(x) || fabs(x) >= 1e15)
        return buf;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 17)
        decimals = 17;
    double scaled = x * pow10[decimals];
    if (fabs(scaled) < 9e15) {
        /* Integer arithmetic: fast (streamed files have millions of these) and free of
         * locale by construction. Ties round away from zero. */
        long long v = llround(scaled);
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        char tmp[OUT_NUM_MAX];
        int n = 0;
        for (int d = 0; d < decimals; d++, u /= 10)
            tmp[n++] = (char)('0' + u % 10);
        if (decimals)
            tmp[n++] = '.';
        do {
            tmp[n++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        int w = 0;
        if (v < 0)
            buf[w++] = '-';
        while (n)
            buf[w++] = tmp[--n];
        buf[w] = '\0';
        return buf;
    }
    snprintf(buf, OUT_NUM_MAX, "%.*f", decimals, x);
    c_point(buf);
    /* "-0.000000" (a tiny negative rounded away) reads better, and the same, as 0. */
    if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1))
        memmove(buf, buf + 1, strlen(buf));
    return buf;
}

const char *out_fmt_grouped(char *b, size_t n, double x, int decimals)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", decimals, fabs(x) < 1e15 ? fabs(x) : 0.0);
    size_t intlen = strspn(raw, "0123456789");
    size_t w = 0;
    if (x < 0 && strspn(raw, "0.") != strlen(raw) && w + 1 < n)
        b[w++] = '-';
    for (size_t i = 0; i < intlen && w + 1 < n; i++) {
        b[w++] = raw[i];
        if ((intlen - 1 - i) % 3 == 0 && i + 1 < intlen && w + 1 < n)
            b[w++] = ',';
    }
    if (raw[intlen] && w + 1 < n)
        b[w++] = '.'; /* whatever the locale printed */
    for (size_t i = intlen + 1; i < strlen(raw) && w + 1 < n; i++)
        b[w++] = raw[i];
    b[w] = '\0';
    return b;
}

void out_csv_num(FILE *f, double x)
{
    char b[OUT_NUM_MAX];
    fputs(out_fmt_num(b, x), f);
}

void out_csv_fixed(FILE *f, double x, int decimals)
{
    char b[OUT_NUM_MAX];
    fputs(out_fmt_fixed(b, x, decimals), f);
}

void out_json_num(FILE *f, double x)
{
    char b[OUT_NUM_MAX];
    fputs(isfinite(x) ? out_fmt_num(b, x) : "null", f);
}

/* ======================================================================================
 * Strings
 * ====================================================================================== */

/* Does a CSV field need quotes? */
static int csv_needs_quotes(const char *s)
{
    return s[strcspn(s, ",\"\r\n")] != '\0';
}

void out_csv_str(FILE *f, const char *s)
{
    if (!s)
        return;
    if (!csv_needs_quotes(s)) {
        fputs(s, f);
        return;
    }
    putc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            putc('"', f);
        putc(*s, f);
    }
    putc('"', f);
}

char *out_csv_quote(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s), q = 0;
    for (size_t i = 0; i < n; i++)
        q += s[i] == '"';
    int quote = csv_needs_quotes(s);
    char *out = malloc(n + q + 3);
    if (!out)
        return NULL;
    char *w = out;
    if (quote)
        *w++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            *w++ = '"';
        *w++ = s[i];
    }
    if (quote)
        *w++ = '"';
    *w = '\0';
    return out;
}

/* Length of the valid UTF-8 sequence starting at s (1-4), or 0 if the bytes there are
 * not valid UTF-8 (overlong forms and surrogates included). */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    unsigned lo = 0x80, hi = 0xBF;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

void out_json_str(FILE *f, const char *str)
{
    if (!str) {
        fputs("null", f);
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    putc('"', f);
    while (*s) {
        unsigned c = *s;
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc((int)c, f);
            s++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            default: fprintf(f, "\\u%04x", c); break;
            }
            s++;
        } else {
            size_t n = utf8_seq(s);
            if (n == 0) {
                fputs("\\ufffd", f);
                s++;
            } else {
                fwrite(s, 1, n, f);
                s += n;
            }
        }
    }
    putc('"', f);
}

void out_json_kv_num(FILE *f, const char *key, double x)
{
    fprintf(f, ", \"%s\": ", key);
    out_json_num(f, x);
}

void out_json_kv_str(FILE *f, const char *key, const char *s)
{
    fprintf(f, ", \"%s\": ", key);
    out_json_str(f, s);
}
