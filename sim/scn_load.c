/* Scenario loader: libconfig file + overrides -> validated pw_params, and back (scn_print). */
#include "scn_load.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libconfig.h>

/* Messages beyond this many are summarised in one line: a binary file or a wrong include
 * could otherwise produce thousands. */
#define SCN_MAX_ERRORS 200
/* Scenario files are small; anything larger is certainly not one. */
#define SCN_MAX_FILE_BYTES (16u << 20)
/* Room for a dotted key such as policy_params.stepped.assessor or staff.x.does[3]. */
#define KEYMAX 320
/* Shares must sum to 1 within this. */
#define SHARE_TOL 1e-6

/* ==== error list ======================================================================= */

void scn_errors_init(scn_errors *e)
{
    e->msg = NULL;
    e->n = e->cap = 0;
}

void scn_errors_free(scn_errors *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n; i++)
        free(e->msg[i]);
    free(e->msg);
    scn_errors_init(e);
}

#define SCN_STR_(x) #x
#define SCN_STR(x) SCN_STR_(x)
const char *scn_libconfig_version(void)
{
    return SCN_STR(LIBCONFIG_VER_MAJOR) "." SCN_STR(LIBCONFIG_VER_MINOR) "." SCN_STR(
        LIBCONFIG_VER_REVISION);
}

const char *scn_strerror(int status)
{
    switch (status) {
    case SCN_OK:
        return "ok";
    case SCN_EINVALID:
        return "invalid scenario";
    case SCN_ENOMEM:
        return "out of memory";
    default:
        return "unknown error";
    }
}

/* ==== loader state ===================================================================== */

/* An integer literal in a source file that libconfig 1.5 wraps to 32 bits. */
typedef struct lit {
    unsigned line;
    int32_t wrapped; /* what libconfig reads */
    int used;        /* already reported against a setting */
    char text[40];
} lit;

/* A file that contributed settings: the name libconfig recorded, the path to show, and
 * its text (read on demand, for the checks libconfig does not make). */
typedef struct src_file {
    char *raw;
    char *path;
    char *text; /* NULL if unreadable */
    size_t len;
    lit *lits;
    size_t nlits;
} src_file;

/* Where a setting merged in by `overrides` or --set came from; hung on the copy's hook. */
typedef struct origin {
    const config_setting_t *src; /* the setting in the overrides group, or NULL */
    const char *set_arg;         /* the --set argument, or NULL */
} origin;

typedef struct ctx {
    const char *path; /* the scenario file as given */
    char *incdir;     /* its directory: libconfig's include directory */
    config_t *cfg;
    scn_errors *errs;
    size_t errs_start; /* messages already in errs before this load */
    int nomem;
    src_file *files;
    size_t nfiles, capfiles;
    origin **origins;
    size_t norigins, caporigins;
    const config_setting_t **poisoned; /* reported by the 32-bit check; skip later */
    size_t npoisoned, cappoisoned;
    int staff_ok; /* staff loaded without errors: the role cross-checks can run */
} ctx;

/* Make room for `need` elements of `size` bytes in *arr. Returns 0, or -1 (and marks
 * the context out of memory) if realloc failed; *arr is unchanged then. */
static int grow(ctx *c, void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 8;
    while (n < need)
        n *= 2;
    void *p = realloc(*arr, n * size);
    if (!p) {
        c->nomem = 1;
        return -1;
    }
    *arr = p;
    *cap = n;
    return 0;
}

/* A malloc'd copy of s (NULL if out of memory). */
static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* ==== messages ========================================================================= */

/* Append one message (a copy of msg). Past SCN_MAX_ERRORS, one summary line instead. */
static void add_msg(ctx *c, const char *msg)
{
    scn_errors *e = c->errs;
    size_t mine = e->n - c->errs_start;
    if (mine > SCN_MAX_ERRORS)
        return;
    const char *text = mine == SCN_MAX_ERRORS ? "too many errors; the rest are not shown" : msg;
    if (grow(c, (void **)&e->msg, &e->cap, e->n + 1, sizeof *e->msg) < 0)
        return;
    char *m = dupstr(text);
    if (!m) {
        c->nomem = 1;
        return;
    }
    e->msg[e->n++] = m;
}

/* Number of messages this load has produced so far. */
static size_t nerrors(const ctx *c) { return c->errs->n - c->errs_start; }

/* "LOC: KEY: MESSAGE" (KEY omitted when NULL or empty). */
__attribute__((format(printf, 4, 5))) static void errf(ctx *c, const char *loc, const char *key,
                                                       const char *fmt, ...)
{
    char body[1024], line[1600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (key && *key)
        snprintf(line, sizeof line, "%s: %s: %s", loc, key, body);
    else
        snprintf(line, sizeof line, "%s: %s", loc, body);
    add_msg(c, line);
}

/* ==== source files ===================================================================== */

/* The whole file at path, NUL-terminated, malloc'd (caller frees); NULL with errno set
 * if it cannot be read, EFBIG if it is implausibly large. */
static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            if (cap >= SCN_MAX_FILE_BYTES) {
                free(buf);
                fclose(f);
                errno = EFBIG;
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = !buf || ferror(f);
    int saved = errno;
    fclose(f);
    if (bad) {
        free(buf);
        errno = buf ? (saved ? saved : EIO) : ENOMEM;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Find integer literals that libconfig 1.5 silently wraps: decimal or hex, without the L
 * suffix, outside the 32-bit range. Comments and strings are skipped. Returns 0 or -1
 * if out of memory. */
static int scan_literals(ctx *c, src_file *f)
{
    const char *t = f->text;
    size_t n = f->len, cap = 0, i = 0;
    unsigned line = 1;
    while (i < n) {
        unsigned char ch = (unsigned char)t[i];
        if (ch == '\n') {
            line++;
            i++;
        } else if (ch == '#' || (ch == '/' && i + 1 < n && t[i + 1] == '/')) {
            while (i < n && t[i] != '\n')
                i++;
        } else if (ch == '/' && i + 1 < n && t[i + 1] == '*') {
            i += 2;
            while (i < n && !(t[i] == '*' && i + 1 < n && t[i + 1] == '/')) {
                if (t[i] == '\n')
                    line++;
                i++;
            }
            i += 2;
        } else if (ch == '"') {
            i++;
            while (i < n && t[i] != '"') {
                if (t[i] == '\\' && i + 1 < n)
                    i++;
                if (t[i] == '\n')
                    line++;
                i++;
            }
            i++;
        } else if (isalpha(ch) || ch == '*' || ch == '@' || ch == '_') {
            while (i < n && (isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == '-' ||
                             t[i] == '*' || t[i] == '@'))
                i++;
        } else if (isdigit(ch) || ((ch == '-' || ch == '+' || ch == '.') && i + 1 < n &&
                                   isdigit((unsigned char)t[i + 1]))) {
            size_t start = i;
            int is_float = 0, hex = 0;
            if (ch == '-' || ch == '+')
                i++;
            if (t[i] == '0' && i + 1 < n && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
                hex = 1;
                i += 2;
                while (i < n && isxdigit((unsigned char)t[i]))
                    i++;
            } else {
                while (i < n && isdigit((unsigned char)t[i]))
                    i++;
                if (i < n && t[i] == '.') {
                    is_float = 1;
                    i++;
                    while (i < n && isdigit((unsigned char)t[i]))
                        i++;
                }
                if (i < n && (t[i] == 'e' || t[i] == 'E')) {
                    is_float = 1;
                    i++;
                    if (i < n && (t[i] == '+' || t[i] == '-'))
                        i++;
                    while (i < n && isdigit((unsigned char)t[i]))
                        i++;
                }
            }
            int is64 = i < n && t[i] == 'L';
            while (i < n && t[i] == 'L')
                i++;
            if (is_float || is64)
                continue;
            char tok[40];
            size_t len = i - start < sizeof tok - 1 ? i - start : sizeof tok - 1;
            memcpy(tok, t + start, len);
            tok[len] = '\0';
            int over;
            uint32_t low;
            errno = 0;
            if (hex) {
                unsigned long long v = strtoull(tok + (tok[0] == '-' || tok[0] == '+'), NULL, 16);
                over = errno == ERANGE || v > 0x7fffffffull;
                low = (uint32_t)v;
            } else {
                long long v = strtoll(tok, NULL, 10);
                over = errno == ERANGE || v > INT32_MAX || v < INT32_MIN;
                low = (uint32_t)(unsigned long long)v;
            }
            if (!over)
                continue;
            if (grow(c, (void **)&f->lits, &cap, f->nlits + 1, sizeof *f->lits) < 0)
                return -1;
            lit *l = &f->lits[f->nlits++];
            l->line = line;
            l->wrapped = (int32_t)low;
            l->used = 0;
            memcpy(l->text, tok, len + 1);
        } else {
            i++;
        }
    }
    return 0;
}

/* The source file libconfig recorded as `raw` (NULL: the scenario itself), registered and
 * read on first use. Returns NULL only when out of memory. */
static src_file *file_of(ctx *c, const char *raw)
{
    if (!raw)
        raw = c->path;
    for (size_t i = 0; i < c->nfiles; i++)
        if (strcmp(c->files[i].raw, raw) == 0)
            return &c->files[i];
    if (grow(c, (void **)&c->files, &c->capfiles, c->nfiles + 1, sizeof *c->files) < 0)
        return NULL;
    src_file *f = &c->files[c->nfiles];
    memset(f, 0, sizeof *f);
    f->raw = dupstr(raw);
    /* libconfig 1.5 records included files by the name written in @include and opens
     * them in the include directory: show the path a user can open. */
    if (strcmp(raw, c->path) == 0 || raw[0] == '/' || strcmp(c->incdir, ".") == 0) {
        f->path = dupstr(raw);
    } else {
        size_t n = strlen(c->incdir) + strlen(raw) + 2;
        f->path = malloc(n);
        if (f->path)
            snprintf(f->path, n, "%s/%s", c->incdir, raw);
    }
    if (!f->raw || !f->path) {
        free(f->raw);
        free(f->path);
        c->nomem = 1;
        return NULL;
    }
    c->nfiles++;
    f->text = read_whole(f->path, &f->len);
    if (f->text && scan_literals(c, f) < 0)
        return NULL;
    return f;
}

/* Line `line` (1-based) of f's text copied into buf (without the newline); "" if none. */
static void line_of(const src_file *f, unsigned line, char *buf, size_t n)
{
    buf[0] = '\0';
    if (!f || !f->text || line == 0)
        return;
    const char *s = f->text;
    for (unsigned l = 1; l < line && s; l++) {
        s = strchr(s, '\n');
        if (s)
            s++;
    }
    if (!s)
        return;
    size_t k = strcspn(s, "\r\n");
    if (k >= n)
        k = n - 1;
    memcpy(buf, s, k);
    buf[k] = '\0';
}

/* ==== locations and value descriptions ================================================= */

/* Where setting s came from: "FILE:LINE", or "--set ARG" for an override given on the
 * command line. The root (line 0) is placed on line 1 of the scenario. */
static void where(ctx *c, const config_setting_t *s, char *buf, size_t n)
{
    const origin *o = s ? config_setting_get_hook(s) : NULL;
    if (o && o->set_arg) {
        snprintf(buf, n, "--set %s", o->set_arg);
        return;
    }
    if (o && o->src)
        s = o->src;
    unsigned line = s ? config_setting_source_line(s) : 0;
    const char *raw = s && line ? config_setting_source_file(s) : NULL;
    src_file *f = file_of(c, raw);
    snprintf(buf, n, "%s:%u", f ? f->path : (raw ? raw : c->path), line ? line : 1);
}

/* An error about setting s (or the group that should contain a missing key). */
__attribute__((format(printf, 4, 5))) static void err_at(ctx *c, const config_setting_t *s,
                                                         const char *key, const char *fmt,
                                                         ...)
{
    char loc[600], body[1024];
    where(c, s, loc, sizeof loc);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    errf(c, loc, key, "%s", body);
}

/* The shortest decimal form of v that reads back as exactly v, always with a '.' or an
 * exponent so libconfig reads it as a float ("1.0", "0.25", "1.0e-07"). */
static void fmt_num(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    double a = fabs(v);
    if (a == 0 || (a >= 1e-4 && a < 1e15)) { /* plain decimals: 250.0, 0.0125 */
        for (int prec = 0; prec <= 24; prec++) {
            snprintf(buf, n, "%.*f", prec, v);
            if (strtod(buf, NULL) == v)
                break;
        }
    } else {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, n, "%.*g", prec, v);
            if (strtod(buf, NULL) == v)
                break;
        }
    }
    if (strpbrk(buf, ".")) /* already a float */
        return;
    char *e = strpbrk(buf, "eE");
    char tmp[64];
    if (e) { /* 1e+20 -> 1.0e+20 */
        snprintf(tmp, sizeof tmp, "%.*s.0%s", (int)(e - buf), buf, e);
    } else {
        snprintf(tmp, sizeof tmp, "%s.0", buf);
    }
    snprintf(buf, n, "%s", tmp);
}

/* A setting's value as a user would recognise it: "0", "2.5", "\"abc\"", "a group". */
static void fmt_value(const config_setting_t *s, char *buf, size_t n)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        snprintf(buf, n, "%d", config_setting_get_int(s));
        break;
    case CONFIG_TYPE_INT64:
        snprintf(buf, n, "%lldL", config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT:
        fmt_num(config_setting_get_float(s), buf, n);
        break;
    case CONFIG_TYPE_BOOL:
        snprintf(buf, n, "%s", config_setting_get_bool(s) ? "true" : "false");
        break;
    case CONFIG_TYPE_STRING: {
        const char *str = config_setting_get_string(s);
        snprintf(buf, n, "\"%.48s%s\"", str, strlen(str) > 48 ? "..." : "");
        break;
    }
    case CONFIG_TYPE_GROUP:
        snprintf(buf, n, "a group { ... }");
        break;
    case CONFIG_TYPE_ARRAY:
        snprintf(buf, n, "an array of %d", config_setting_length(s));
        break;
    case CONFIG_TYPE_LIST:
        snprintf(buf, n, "a list of %d", config_setting_length(s));
        break;
    default:
        snprintf(buf, n, "nothing");
    }
}

/* Like fmt_value, naming the type of a scalar ("string \"abc\"", "float 2.5"). */
static void fmt_typed(const config_setting_t *s, char *buf, size_t n)
{
    char v[128];
    fmt_value(s, v, sizeof v);
    const char *t = "";
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        t = "integer ";
        break;
    case CONFIG_TYPE_FLOAT:
        t = "float ";
        break;
    case CONFIG_TYPE_BOOL:
        t = "boolean ";
        break;
    case CONFIG_TYPE_STRING:
        t = "string ";
        break;
    default:
        break;
    }
    snprintf(buf, n, "%s%s", t, v);
}

/* Append src to out[KEYMAX] at *len, cutting what does not fit (a cut key only shortens
 * a message). */
static void keycat(char *out, size_t *len, const char *src)
{
    size_t n = strlen(src);
    if (n > KEYMAX - 1 - *len)
        n = KEYMAX - 1 - *len;
    memcpy(out + *len, src, n);
    *len += n;
    out[*len] = '\0';
}

/* key = parent.name (or name at the top) into out[KEYMAX]. out may not alias parent. */
static void subkey(char *out, const char *parent, const char *name)
{
    size_t len = 0;
    out[0] = '\0';
    if (parent && *parent) {
        keycat(out, &len, parent);
        keycat(out, &len, ".");
    }
    keycat(out, &len, name);
}

/* key = parent[i] into out[KEYMAX]. */
static void elemkey(char *out, const char *parent, int i)
{
    char idx[16];
    size_t len = 0;
    snprintf(idx, sizeof idx, "[%d]", i);
    out[0] = '\0';
    keycat(out, &len, parent);
    keycat(out, &len, idx);
}

/* Levenshtein distance, capped: returns cap+1 as soon as it must exceed cap. */
static int edit_distance(const char *a, const char *b, int cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return cap + 1;
    if ((la > lb ? la - lb : lb - la) > (size_t)cap)
        return cap + 1;
    int row[64], prev[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = (int)i;
        int best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (tolower((unsigned char)a[i - 1]) !=
                                     tolower((unsigned char)b[j - 1]));
            int del = prev[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (row[j] < best)
                best = row[j];
        }
        if (best > cap)
            return cap + 1;
        memcpy(prev, row, (lb + 1) * sizeof *row);
    }
    return prev[lb];
}

/* ==== the schema ======================================================================= */

typedef enum fkind {
    F_NUM,     /* double, range [lo, hi] (open ends by flag) */
    F_INT,     /* int */
    F_BOOL,    /* int 0/1 */
    F_STR,     /* char[n] */
    F_ENUM,    /* string from names[], stored as its index (int) */
    F_ARR,     /* double[n] */
    F_DIST,    /* pw_dist */
    F_GROUP,   /* nested struct described by sub[] */
    F_SPECIAL, /* its own load/print/default functions */
} fkind;

enum {
    REQ = 1 << 0,        /* required (else defaulted) */
    LO_OPEN = 1 << 1,    /* value > lo rather than >= lo */
    HI_OPEN = 1 << 2,    /* value < hi */
    SUM1 = 1 << 3,       /* F_ARR / F_GROUP of numbers: must sum to 1 */
    STEP2_ONLY = 1 << 4, /* key exists in step2 only */
    IS_STEP2 = 1 << 5,   /* F_GROUP: this group is step2 */
    NONNEG = 1 << 6,     /* F_DIST: draws must be >= 0 (durations) */
    NONEMPTY = 1 << 7,   /* F_STR: "" not allowed */
    OMIT_EMPTY = 1 << 8, /* F_STR: not printed when "" */
    ONE_LINE = 1 << 9,   /* F_GROUP: printed on one line */
    FRACTION = 1 << 10,  /* F_NUM in [0, 1]: a share, described as a number, not a probability */
};

typedef struct field field;
/* Special kinds: load from s (never NULL) into base; default into base; print. */
typedef void (*load_fn)(ctx *c, const config_setting_t *s, const char *key, void *base);
typedef void (*default_fn)(void *base);
typedef void (*print_fn)(FILE *f, const void *base, const field *fd, int indent);
/* Group checks run after a group loaded without errors; g may be NULL (defaults). */
typedef void (*post_fn)(ctx *c, const config_setting_t *g, const char *key, void *base);

struct field {
    const char *name;
    fkind kind;
    unsigned flags;
    size_t off;      /* of the value within the struct this table describes */
    double def;      /* default (numbers, ints, bools, enum index, array elements) */
    double lo, hi;   /* range */
    size_t n;        /* F_ARR length; F_STR capacity */
    const char *sdef;             /* F_STR default */
    const char *const *names;     /* F_ENUM names; NULL-terminated */
    const field *sub;             /* F_GROUP members */
    size_t nsub;
    post_fn post;                 /* F_GROUP */
    size_t has_off;               /* F_DIST optional: offset of its int "given" flag */
    const pw_dist *ddef;          /* F_DIST optional, no flag: its default (unprepared) */
    load_fn load;                 /* F_SPECIAL */
    default_fn dflt;
    print_fn print;
    const char *desc;             /* F_SPECIAL: what is expected */
};

#define NELEM(a) (sizeof(a) / sizeof *(a))
#define NUM(nm, T, m, fl, d, l, h)                                                             \
    {.name = nm, .kind = F_NUM, .flags = fl, .off = offsetof(T, m), .def = d, .lo = l, .hi = h}
#define PROB(nm, T, m, fl, d) NUM(nm, T, m, fl, d, 0.0, 1.0)
#define FRAC(nm, T, m, fl, d) NUM(nm, T, m, (fl) | FRACTION, d, 0.0, 1.0)
#define INT(nm, T, m, fl, d, l, h)                                                             \
    {.name = nm, .kind = F_INT, .flags = fl, .off = offsetof(T, m), .def = d, .lo = l, .hi = h}
#define BOOL(nm, T, m, fl, d)                                                                  \
    {.name = nm, .kind = F_BOOL, .flags = fl, .off = offsetof(T, m), .def = d}
#define ARR(nm, T, m, fl, cnt, d, l, h)                                                        \
    {.name = nm, .kind = F_ARR, .flags = fl, .off = offsetof(T, m), .n = cnt, .def = d,      \
     .lo = l, .hi = h}
#define GROUP(nm, T, m, fl, tbl, pst)                                                          \
    {.name = nm, .kind = F_GROUP, .flags = fl, .off = offsetof(T, m), .sub = tbl,            \
     .nsub = NELEM(tbl), .post = pst}
#define SPECIAL(nm, fl, ld, df, pr, ds)                                                        \
    {.name = nm, .kind = F_SPECIAL, .flags = fl, .load = ld, .dflt = df, .print = pr,         \
     .desc = ds}
#define INF HUGE_VAL

/* Specials and group checks, defined below the tables. */
static void load_seed(ctx *c, const config_setting_t *s, const char *key, void *base);
static void dflt_seed(void *base);
static void print_seed(FILE *f, const void *base, const field *fd, int indent);
static void load_policy(ctx *c, const config_setting_t *s, const char *key, void *base);
static void dflt_policy(void *base);
static void print_policy(FILE *f, const void *base, const field *fd, int indent);
static void load_closures(ctx *c, const config_setting_t *s, const char *key, void *base);
static void dflt_closures(void *base);
static void print_closures(FILE *f, const void *base, const field *fd, int indent);
static void load_step_changes(ctx *c, const config_setting_t *s, const char *key, void *base);
static void dflt_step_changes(void *base);
static void print_step_changes(FILE *f, const void *base, const field *fd, int indent);
static void load_staff(ctx *c, const config_setting_t *s, const char *key, void *base);
static void dflt_staff(void *base);
static void print_staff(FILE *f, const void *base, const field *fd, int indent);
static void load_does(ctx *c, const config_setting_t *s, const char *key, void *base);
static void dflt_does(void *base);
static void print_does(FILE *f, const void *base, const field *fd, int indent);
static void load_policy_params(ctx *c, const config_setting_t *s, const char *key, void *base);
static void dflt_policy_params(void *base);
static void print_policy_params(FILE *f, const void *base, const field *fd, int indent);
static void load_hiring(ctx *c, const config_setting_t *s, const char *key, void *base);
static void dflt_hiring(void *base);
static void print_hiring(FILE *f, const void *base, const field *fd, int indent);
static void load_shocks(ctx *c, const config_setting_t *s, const char *key, void *base);
static void dflt_shocks(void *base);
static void print_shocks(FILE *f, const void *base, const field *fd, int indent);
static void post_step(ctx *c, const config_setting_t *g, const char *key, void *base);
static void post_role(ctx *c, const config_setting_t *g, const char *key, void *base);
static void post_workforce(ctx *c, const config_setting_t *g, const char *key, void *base);

static const field hazard_fields[] = {
    PROB("p_start", pw_hazard, p_start, REQ, 0),
    PROB("p_end", pw_hazard, p_end, REQ, 0),
    NUM("half_days", pw_hazard, half_days, REQ | LO_OPEN, 0, 0, INF),
    NUM("shape", pw_hazard, shape, LO_OPEN, 2.0, 0, INF),
};

static const field step_change_fields[] = {
    NUM("week", pw_referrals, step_week[0], REQ, 0, 0, INF),
    NUM("factor", pw_referrals, step_factor[0], REQ, 0, 0, INF),
};

static const field referrals_fields[] = {
    NUM("per_week", pw_referrals, per_week, REQ | LO_OPEN, 0, 0, INF),
    PROB("self_referral_share", pw_referrals, self_referral_share, REQ, 0),
    ARR("seasonality", pw_referrals, seasonality, 0, 12, 1.0, 0, INF),
    NUM("growth_per_year", pw_referrals, growth_per_year, LO_OPEN, 0.0, -1.0, INF),
    SPECIAL("step_changes", 0, load_step_changes, dflt_step_changes, print_step_changes,
            "a list of { week = W; factor = F; } groups"),
};

static const field casemix_fields[] = {
    ARR("age_bands", pw_casemix, age_band_shares, REQ | SUM1, 4, 0, 0, 1),
    PROB("female_share", pw_casemix, female_share, REQ, 0),
    PROB("ethnic_minority_share", pw_casemix, ethnic_minority_share, REQ, 0),
    PROB("long_term_condition_share", pw_casemix, ltc_share, REQ, 0),
    PROB("learning_disability_share", pw_casemix, ld_share, REQ, 0),
    PROB("active_risk_share", pw_casemix, risk_share, REQ, 0),
    ARR("need_shares", pw_casemix, need_shares, REQ | SUM1, PW_NEED_N, 0, 0, 1),
    ARR("phq_mean", pw_casemix, phq_mean, REQ, PW_NEED_N, 0, 0, 27),
    ARR("phq_sd", pw_casemix, phq_sd, REQ, PW_NEED_N, 0, 0, INF),
    ARR("gad_mean", pw_casemix, gad_mean, REQ, PW_NEED_N, 0, 0, 21),
    ARR("gad_sd", pw_casemix, gad_sd, REQ, PW_NEED_N, 0, 0, INF),
    NUM("phq_gad_correlation", pw_casemix, phq_gad_correlation, REQ, 0, -1, 1),
    NUM("self_referral_phq_shift", pw_casemix, self_referral_phq_shift, 0, 0.0, -27, 27),
};

/* staff.<role>.vacancy_days when not given: about three months from advert to start
 * (plausible, not published). */
static const pw_dist vacancy_days_default = {.kind = PW_DIST_GAMMA, .mean = 90.0, .sd = 30.0};

/* Default staff.<role>.salary_gbp by Agenda for Change band (index 1-9): approximate
 * midpoints of the 2018-19 pay scales, pounds a year per FTE (band 8: 8a). */
static const double afc_salary_gbp[10] = {
    [1] = 17500, [2] = 18500, [3] = 20500, [4] = 23000, [5] = 27000,
    [6] = 33000, [7] = 40000, [8] = 50000, [9] = 95000,
};

static const field role_fields[] = {
    INT("headcount", pw_role, headcount, REQ, 0, 0, INT_MAX),
    NUM("fte", pw_role, fte, REQ | LO_OPEN, 0, 0, 1),
    NUM("clinical_hours_per_week", pw_role, clinical_hours_per_week, REQ | LO_OPEN, 0, 0, 168),
    INT("caseload_cap", pw_role, caseload_cap, REQ, 0, 1, INT_MAX),
    SPECIAL("does", REQ, load_does, dflt_does, print_does,
            "an array of activities from \"assessment\", \"step2\", \"groups\", \"step3\""),
    NUM("assessments_per_week", pw_role, assessments_per_week, 0, 0.0, 0, 168),
    INT("band", pw_role, band, REQ, 0, 1, 9),
    NUM("therapist_effect_sd", pw_role, therapist_effect_sd, 0, 0.15, 0, 5),
    PROB("need_accuracy", pw_role, need_accuracy, 0, 0.8),
    /* Dynamics: the defaults give fixed staff (every hazard 0). */
    NUM("leave_per_year", pw_role, leave_per_year, 0, 0.0, 0, INF),
    NUM("sick_episodes_per_year", pw_role, sick_per_year, 0, 0.0, 0, INF),
    NUM("sick_days_mean", pw_role, sick_days_mean, LO_OPEN, 10.0, 0, INF),
    NUM("training_per_year", pw_role, train_per_year, 0, 0.0, 0, INF),
    NUM("training_min_tenure_years", pw_role, train_min_tenure_years, 0, 1.0, 0, INF),
    NUM("training_bar_years", pw_role, train_bar_years, 0, 0.0, 0, INF),
    /* A role name, resolved into train_to_role by check_training once every role is read. */
    {.name = "training_to", .kind = F_STR, .off = offsetof(pw_role, train_to), .n = PW_MAX_NAME,
     .sdef = ""},
    NUM("training_weeks", pw_role, train_weeks, LO_OPEN, 52.0, 0, INF),
    FRAC("training_capacity", pw_role, train_capacity, 0, 0.5),
    PROB("qualify_probability", pw_role, qualify_probability, 0, 0.9),
    BOOL("replace_leavers", pw_role, replace_leavers, 0, 1),
    {.name = "vacancy_days", .kind = F_DIST, .flags = NONNEG,
     .off = offsetof(pw_role, vacancy_days), .has_off = SIZE_MAX, .ddef = &vacancy_days_default},
    INT("intake_month", pw_role, intake_month, 0, 0, 0, 12),
    NUM("ramp_weeks", pw_role, ramp_weeks, 0, 12.0, 0, INF),
    FRAC("ramp_start", pw_role, ramp_start, 0, 0.5),
    /* NAN: defaults to the band's pay (post_role) */
    NUM("salary_gbp", pw_role, salary_gbp, LO_OPEN, NAN, 0, INF),
};

static const field assessment_fields[] = {
    PROB("opt_in_probability", pw_assessment_p, opt_in_probability, REQ, 0),
    NUM("opt_in_days_mean", pw_assessment_p, opt_in_days_mean, 0, 7.0, 0, INF),
    NUM("minutes", pw_assessment_p, minutes, REQ | LO_OPEN, 0, 0, 1440),
    PROB("dna_probability", pw_assessment_p, dna_probability, REQ, 0),
    GROUP("wait_dropout", pw_assessment_p, wait_dropout, REQ | ONE_LINE, hazard_fields, NULL),
    BOOL("reject_learning_disability", pw_assessment_p, reject_learning_disability, 0, 0),
    PROB("risk_signpost_probability", pw_assessment_p, risk_signpost_probability, 0, 0.3),
    BOOL("skip", pw_assessment_p, skip, 0, 0),
};

static const field mode_fields[] = {
    {.name = "face_to_face", .kind = F_NUM, .off = PW_MODE_F2F * sizeof(double), .hi = 1},
    {.name = "telephone", .kind = F_NUM, .off = PW_MODE_PHONE * sizeof(double), .hi = 1},
    {.name = "group", .kind = F_NUM, .off = PW_MODE_GROUP * sizeof(double), .hi = 1},
};

static const field step_fields[] = {
    NUM("session_minutes", pw_step_p, session_minutes, REQ | LO_OPEN, 0, 0, 1440),
    /* NAN: defaults to session_minutes (post_step) */
    NUM("first_session_minutes", pw_step_p, first_session_minutes, LO_OPEN, NAN, 0, 1440),
    NUM("admin_minutes", pw_step_p, admin_minutes, 0, 0.0, 0, 1440),
    NUM("interval_days", pw_step_p, interval_days, LO_OPEN, 7.0, 0, 365),
    INT("max_sessions", pw_step_p, max_sessions, REQ, 0, 1, INT_MAX),
    INT("min_sessions", pw_step_p, min_sessions, 0, 2, 0, INT_MAX),
    PROB("dna_probability", pw_step_p, dna_probability, REQ, 0),
    INT("discharge_after_dnas", pw_step_p, discharge_after_dnas, 0, 2, 0, INT_MAX),
    PROB("dropout_per_session", pw_step_p, dropout_per_session, REQ, 0),
    /* NAN: defaults to dropout_per_session (post_step) */
    PROB("first_session_dropout", pw_step_p, first_session_dropout, 0, NAN),
    GROUP("wait_dropout", pw_step_p, wait_dropout, REQ | ONE_LINE, hazard_fields, NULL),
    {.name = "first_session_lag_days", .kind = F_DIST, .flags = REQ | NONNEG,
     .off = offsetof(pw_step_p, first_session_lag_days), .has_off = SIZE_MAX},
    GROUP("mode_shares", pw_step_p, mode_shares, REQ | SUM1 | ONE_LINE, mode_fields, NULL),
    INT("group_min", pw_step_p, group_min, 0, 6, 1, INT_MAX),
    INT("group_max", pw_step_p, group_max, 0, 12, 1, INT_MAX),
    NUM("group_minutes", pw_step_p, group_minutes, LO_OPEN, 240.0, 0, 1440),
    NUM("effect_mean", pw_step_p, effect_mean, REQ, 0, 0, 1),
    NUM("effect_sd", pw_step_p, effect_sd, REQ, 0, 0, INF),
    NUM("mismatch_factor", pw_step_p, mismatch_factor, 0, 0.5, 0, INF),
    NUM("telephone_factor", pw_step_p, phone_factor, 0, 0.9, 0, INF),
    NUM("group_factor", pw_step_p, group_factor, 0, 0.85, 0, INF),
    NUM("session_noise_sd", pw_step_p, session_noise_sd, 0, 1.0, 0, INF),
    INT("end_after_recovered_sessions", pw_step_p, recovered_sessions_to_end, 0, 2, 0, INT_MAX),
    INT("no_progress_after", pw_step_p, no_progress_after, 0, 0, 0, INT_MAX),
    PROB("step_up_probability", pw_step_p, step_up_probability, REQ | STEP2_ONLY, 0),
    {.name = "episode_days", .kind = F_DIST, .flags = NONNEG,
     .off = offsetof(pw_step_p, episode_days), .has_off = offsetof(pw_step_p, has_episode_days)},
};

static const field symptoms_fields[] = {
    NUM("wait_drift_per_week", pw_symptoms_p, wait_drift_per_week, 0, 0.0, -1, 1),
    NUM("wait_noise_sd_per_week", pw_symptoms_p, wait_noise_sd_per_week, 0, 0.5, 0, INF),
    NUM("remission_per_week", pw_symptoms_p, remission_per_week, 0, 0.01, 0, INF),
    PROB("remission_factor", pw_symptoms_p, remission_factor, 0, 0.5),
    NUM("measurement_sd", pw_symptoms_p, measurement_sd, 0, 1.5, 0, INF),
};

static const field failure_fields[] = {
    NUM("dropout_multiplier", pw_failure_p, dropout_multiplier, 0, 1.25, 0, INF),
    NUM("dna_multiplier", pw_failure_p, dna_multiplier, 0, 1.2, 0, INF),
};

static const field relapse_fields[] = {
    PROB("probability_recovered", pw_relapse_p, probability_recovered, 0, 0.1),
    PROB("probability_unrecovered", pw_relapse_p, probability_unrecovered, 0, 0.2),
    NUM("mean_days", pw_relapse_p, mean_days, LO_OPEN, 180.0, 0, INF),
};

static const field expert_fields[] = {
    {.name = "assessor", .kind = F_STR, .flags = OMIT_EMPTY, .off = offsetof(pw_expert_p, assessor),
     .n = PW_MAX_NAME, .sdef = ""},
    NUM("assessment_minutes", pw_expert_p, assessment_minutes, LO_OPEN, 90.0, 0, 1440),
    BOOL("ltc_pathway", pw_expert_p, ltc_pathway, 0, 0),
    BOOL("step_up", pw_expert_p, step_up, 0, 1),
};

static const field stratified_fields[] = {
    {.name = "assessor", .kind = F_STR, .flags = OMIT_EMPTY,
     .off = offsetof(pw_stratified_p, assessor), .n = PW_MAX_NAME, .sdef = ""},
    NUM("assessment_minutes", pw_stratified_p, assessment_minutes, LO_OPEN, 30.0, 0, 1440),
    PROB("sensitivity", pw_stratified_p, sensitivity, 0, 0.8),
    PROB("specificity", pw_stratified_p, specificity, 0, 0.8),
    BOOL("step_up", pw_stratified_p, step_up, 0, 1),
};

static const field stepped_fields[] = {
    {.name = "assessor", .kind = F_STR, .flags = OMIT_EMPTY, .off = offsetof(pw_stepped_p, assessor),
     .n = PW_MAX_NAME, .sdef = ""},
    NUM("direct_step3_phq", pw_stepped_p, direct_step3_phq, 0, 20.0, 0, 28),
    NUM("direct_step3_gad", pw_stepped_p, direct_step3_gad, 0, 16.0, 0, 22),
    PROB("high_need_step3_probability", pw_stepped_p, high_need_step3_probability, 0, 0.5),
};

/* What a row of workforce.hiring and of workforce.shocks looks like, for messages. */
#define HIRE_ROW "{ week = W; role = \"R\"; count = N; }"
#define SHOCK_ROW "{ week = W; role = \"R\"; share = S; weeks = D; }"

/* A row of workforce.hiring or workforce.shocks: the offsets are those of element 0 (see
 * load_step_changes); the role is resolved by check_plans once every role is read. */
static const field hire_fields[] = {
    NUM("week", pw_workforce_p, hire_week[0], REQ, 0, 0, INF),
    {.name = "role", .kind = F_STR, .flags = REQ | NONEMPTY,
     .off = offsetof(pw_workforce_p, hire_role_name[0]), .n = PW_MAX_NAME},
    INT("count", pw_workforce_p, hire_count[0], REQ, 0, 1, INT_MAX),
};

static const field shock_fields[] = {
    NUM("week", pw_workforce_p, shock_week[0], REQ, 0, 0, INF),
    {.name = "role", .kind = F_STR, .flags = REQ | NONEMPTY,
     .off = offsetof(pw_workforce_p, shock_role_name[0]), .n = PW_MAX_NAME},
    PROB("share", pw_workforce_p, shock_share[0], REQ, 0),
    NUM("weeks", pw_workforce_p, shock_weeks[0], REQ | LO_OPEN, 0, 0, INF),
};

static const field workforce_fields[] = {
    NUM("sustainable_load", pw_workforce_p, sustainable_load, LO_OPEN, 0.85, 0, 2),
    NUM("burnout_rise_per_week", pw_workforce_p, burnout_rise_per_week, 0, 0.0, 0, INF),
    FRAC("burnout_recovery_per_week", pw_workforce_p, burnout_recovery_per_week, 0, 0.1),
    NUM("telephone_weight", pw_workforce_p, telephone_weight, 0, 1.0, 0, INF),
    NUM("supervision_hours_per_month", pw_workforce_p, supervision_hours_per_month, 0, 2.0, 0,
        INF),
    FRAC("supervision_relief", pw_workforce_p, supervision_relief, 0, 0.0),
    NUM("burnout_leave_factor", pw_workforce_p, burnout_leave_factor, 0, 0.0, 0, INF),
    NUM("burnout_sick_factor", pw_workforce_p, burnout_sick_factor, 0, 0.0, 0, INF),
    FRAC("burnout_effect", pw_workforce_p, burnout_effect, 0, 0.0),
    PROB("change_dropout", pw_workforce_p, change_dropout, 0, 0.1),
    NUM("oncost_share", pw_workforce_p, oncost_share, 0, 0.3, 0, INF),
    NUM("training_cost_gbp", pw_workforce_p, training_cost_gbp, 0, 10000.0, 0, INF),
    NUM("labour_pool_per_year", pw_workforce_p, labour_pool_per_year, 0, 0.0, 0, INF),
    SPECIAL("hiring", 0, load_hiring, dflt_hiring, print_hiring,
            "a list of " HIRE_ROW " groups"),
    SPECIAL("shocks", 0, load_shocks, dflt_shocks, print_shocks,
            "a list of " SHOCK_ROW " groups"),
};

static const char *const clock_stop_names[] = {"first_treatment", "first_contact", NULL};

static const field reporting_fields[] = {
    {.name = "clock_stop", .kind = F_ENUM, .off = offsetof(pw_reporting_p, clock_stops_at_first_contact),
     .def = 1, .names = clock_stop_names},
    BOOL("end_of_session_questionnaire", pw_reporting_p, end_of_session_questionnaire, 0, 0),
    NUM("coaching_points", pw_reporting_p, coaching_points, 0, 0.0, 0, 27),
    BOOL("discharge_on_first_good_score", pw_reporting_p, discharge_on_first_good_score, 0, 0),
};

static const field prefill_fields[] = {
    INT("assessment_list", pw_prefill_p, assessment_list, 0, 0, 0, INT_MAX),
    {.name = "step2_list", .kind = F_INT, .off = offsetof(pw_prefill_p, step_list), .hi = INT_MAX},
    {.name = "step3_list", .kind = F_INT, .off = offsetof(pw_prefill_p, step_list) + sizeof(int),
     .hi = INT_MAX},
    PROB("caseload_fill", pw_prefill_p, caseload_fill, 0, 0.0),
};

static const field output_fields[] = {
    BOOL("patients", pw_output_p, patients, 0, 0),
    BOOL("events", pw_output_p, events, 0, 0),
};

static const field top_fields[] = {
    {.name = "name", .kind = F_STR, .flags = REQ | NONEMPTY, .off = offsetof(pw_params, name),
     .n = sizeof(((pw_params *)0)->name)},
    NUM("horizon_weeks", pw_params, horizon_weeks, REQ | LO_OPEN, 0, 0, 5200),
    NUM("warmup_weeks", pw_params, warmup_weeks, 0, 52.0, 0, 5200),
    NUM("followup_weeks", pw_params, followup_weeks, 0, 26.0, 0, 5200),
    INT("replications", pw_params, replications, 0, 10, 1, INT_MAX),
    SPECIAL("seed", 0, load_seed, dflt_seed, print_seed,
            "an integer >= 0 (write values beyond 2147483647 with an L suffix)"),
    SPECIAL("policy", 0, load_policy, dflt_policy, print_policy, "a policy name"),
    BOOL("weekend_closed", pw_params, weekend_closed, 0, 1),
    SPECIAL("closure_days", 0, load_closures, dflt_closures, print_closures,
            "an array of integer day numbers >= 0"),
    GROUP("referrals", pw_params, referrals, REQ, referrals_fields, NULL),
    GROUP("casemix", pw_params, casemix, REQ, casemix_fields, NULL),
    SPECIAL("staff", REQ, load_staff, dflt_staff, print_staff,
            "a group of roles, each a group { headcount = ...; ... }"),
    GROUP("workforce", pw_params, workforce, 0, workforce_fields, post_workforce),
    GROUP("assessment", pw_params, assessment, REQ, assessment_fields, NULL),
    {.name = "step2", .kind = F_GROUP, .flags = REQ | IS_STEP2, .off = offsetof(pw_params, step),
     .sub = step_fields, .nsub = NELEM(step_fields), .post = post_step},
    {.name = "step3", .kind = F_GROUP, .flags = REQ,
     .off = offsetof(pw_params, step) + sizeof(pw_step_p), .sub = step_fields,
     .nsub = NELEM(step_fields), .post = post_step},
    GROUP("symptoms", pw_params, symptoms, 0, symptoms_fields, NULL),
    GROUP("failure", pw_params, failure, 0, failure_fields, NULL),
    GROUP("relapse", pw_params, relapse, 0, relapse_fields, NULL),
    SPECIAL("policy_params", 0, load_policy_params, dflt_policy_params, print_policy_params,
            "a group { stepped = { ... }; }"),
    GROUP("reporting", pw_params, reporting, 0, reporting_fields, NULL),
    GROUP("prefill", pw_params, prefill, 0, prefill_fields, NULL),
    GROUP("output", pw_params, output, 0, output_fields, NULL),
};

/* The top-level group a scenario may use to change keys it @included. */
#define OVERRIDES "overrides"

/* Routing policies: name, kind, parameter block under policy_params, and its checks.
 * A new policy is one row here (plus its enum value and struct in pw_params.h). */
typedef struct policy_def {
    const char *name;
    pw_policy_kind kind;
    const field *fields;
    size_t nfields;
    size_t off; /* of its parameter struct in pw_params */
    void (*check)(ctx *c, pw_params *p);
} policy_def;

static void check_stepped(ctx *c, pw_params *p);
static void check_expert(ctx *c, pw_params *p);
static void check_stratified(ctx *c, pw_params *p);

static const policy_def policies[] = {
    {"stepped", PW_POLICY_STEPPED, stepped_fields, NELEM(stepped_fields),
     offsetof(pw_params, stepped), check_stepped},
    {"expert_door", PW_POLICY_EXPERT_DOOR, expert_fields, NELEM(expert_fields),
     offsetof(pw_params, expert_door), check_expert},
    {"stratified", PW_POLICY_STRATIFIED, stratified_fields, NELEM(stratified_fields),
     offsetof(pw_params, stratified), check_stratified},
};

/* Activity names of staff.<role>.does, in bit order. */
static const char *const does_names[] = {"assessment", "step2", "groups", "step3"};

/* ==== describing what is expected ====================================================== */

/* The condition on a value: "> 0", "in [0, 1]", "" (any). */
static void describe_range(const field *f, char *buf, size_t n)
{
    int isint = f->kind == F_INT;
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, isint ? "%.0f" : "%g", f->lo);
    snprintf(hi, sizeof hi, isint ? "%.0f" : "%g", f->hi);
    int has_lo = isfinite(f->lo), has_hi = isint ? f->hi < INT_MAX : isfinite(f->hi);
    if (has_lo && has_hi)
        snprintf(buf, n, "in %c%s, %s%c", f->flags & LO_OPEN ? '(' : '[', lo, hi,
                 f->flags & HI_OPEN ? ')' : ']');
    else if (has_lo)
        snprintf(buf, n, "%s %s", f->flags & LO_OPEN ? ">" : ">=", lo);
    else if (has_hi)
        snprintf(buf, n, "%s %s", f->flags & HI_OPEN ? "<" : "<=", hi);
    else
        buf[0] = '\0';
}

/* What field f expects, for messages: "a number > 0", "an integer in [1, 9]",
 * "a probability in [0, 1]", "an array of 12 numbers, each >= 0". */
static void describe(const field *f, char *buf, size_t n)
{
    char cond[80];
    switch (f->kind) {
    case F_NUM:
        describe_range(f, cond, sizeof cond);
        if (f->lo == 0 && f->hi == 1 && !(f->flags & (LO_OPEN | HI_OPEN | FRACTION)))
            snprintf(buf, n, "a probability in [0, 1]");
        else
            snprintf(buf, n, "a number%s%s", *cond ? " " : "", cond);
        break;
    case F_INT:
        describe_range(f, cond, sizeof cond);
        snprintf(buf, n, "an integer%s%s", *cond ? " " : "", cond);
        break;
    case F_ARR:
        describe_range(f, cond, sizeof cond);
        snprintf(buf, n, "an array of %zu numbers%s%s%s", f->n, *cond ? ", each " : "", cond,
                 f->flags & SUM1 ? ", summing to 1" : "");
        break;
    case F_BOOL:
        snprintf(buf, n, "true or false");
        break;
    case F_STR:
        snprintf(buf, n, "a string of at most %zu bytes", f->n - 1);
        break;
    case F_ENUM: {
        size_t k = (size_t)snprintf(buf, n, "one of");
        for (size_t i = 0; f->names[i] && k < n; i++)
            k += (size_t)snprintf(buf + k, n - k, "%s \"%s\"", i ? "," : "", f->names[i]);
        break;
    }
    case F_DIST:
        snprintf(buf, n, "a distribution block { dist = \"...\"; ... }%s",
                 f->flags & NONNEG ? " of days >= 0" : "");
        break;
    case F_GROUP:
        snprintf(buf, n, "a group { ... }");
        break;
    case F_SPECIAL:
        snprintf(buf, n, "%s", f->desc);
        break;
    }
}

/* Is v within f's range? */
static int in_range(const field *f, double v)
{
    if (f->flags & LO_OPEN ? !(v > f->lo) : !(v >= f->lo))
        return 0;
    if (f->flags & HI_OPEN ? !(v < f->hi) : !(v <= f->hi))
        return 0;
    return 1;
}

/* ==== reading scalars ================================================================== */

/* Was s already reported (32-bit wrap)? Then every later check stays quiet about it. */
static int poisoned(const ctx *c, const config_setting_t *s)
{
    for (size_t i = 0; i < c->npoisoned; i++)
        if (c->poisoned[i] == s)
            return 1;
    return 0;
}

/* "wrong type" error: what was found and what f expects. */
static void wrong_type(ctx *c, const config_setting_t *s, const char *key, const char *expected)
{
    char got[160];
    fmt_typed(s, got, sizeof got);
    err_at(c, s, key, "wrong type (got %s, expected %s)", got, expected);
}

/* A finite number from s (integer or float). Returns 1, or 0 after an error. */
static int get_num(ctx *c, const config_setting_t *s, const char *key, const char *expected,
                   double *v)
{
    if (poisoned(c, s))
        return 0;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        *v = config_setting_get_int(s);
        return 1;
    case CONFIG_TYPE_INT64:
        *v = (double)config_setting_get_int64(s);
        return 1;
    case CONFIG_TYPE_FLOAT:
        *v = config_setting_get_float(s);
        if (!isfinite(*v)) {
            err_at(c, s, key, "must be a finite number (got %s; is it beyond 1e308?)",
                   isnan(*v) ? "nan" : *v > 0 ? "inf" : "-inf");
            return 0;
        }
        return 1;
    default:
        wrong_type(c, s, key, expected);
        return 0;
    }
}

/* An integer from s (int, or 64-bit within range). Returns 1, or 0 after an error. */
static int get_int64(ctx *c, const config_setting_t *s, const char *key, const char *expected,
                     long long *v)
{
    if (poisoned(c, s))
        return 0;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        *v = config_setting_get_int(s);
        return 1;
    case CONFIG_TYPE_INT64:
        *v = config_setting_get_int64(s);
        return 1;
    default:
        wrong_type(c, s, key, expected);
        return 0;
    }
}

/* ==== distributions ==================================================================== */

/* Parameters of each kind, as the scenario writes them. */
static const char *const dist_params[][4] = {
    [PW_DIST_FIXED] = {"value"},
    [PW_DIST_EXPONENTIAL] = {"mean"},
    [PW_DIST_GAMMA] = {"mean", "sd"},
    [PW_DIST_LOGNORMAL] = {"mean", "sd"},
    [PW_DIST_NORMAL] = {"mean", "sd"},
    [PW_DIST_UNIFORM] = {"min", "max"},
    [PW_DIST_TRIANGULAR] = {"min", "mode", "max"},
    [PW_DIST_EMPIRICAL] = {"values", "weights"},
};
#define N_DIST_KINDS ((int)NELEM(dist_params))

/* "mean, sd" for a kind. */
static void dist_param_list(int k, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < 4 && dist_params[k][i] && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", dist_params[k][i]);
}

/* "fixed, exponential, ..." */
static void dist_kind_list(char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < N_DIST_KINDS && len < n; k++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", k ? ", " : "",
                                pw_dist_name((pw_dist_kind)k));
}

/* "a" or "an" before a distribution name. */
static const char *article(const char *word)
{
    return strchr("aeiou", word[0]) && word[0] ? "an" : "a";
}

/* Where a parameter of a distribution is stored. */
static double *dist_slot(pw_dist *d, const char *name)
{
    if (!strcmp(name, "value") || !strcmp(name, "mean"))
        return &d->mean;
    if (!strcmp(name, "sd"))
        return &d->sd;
    if (!strcmp(name, "min"))
        return &d->min;
    if (!strcmp(name, "mode"))
        return &d->mode;
    if (!strcmp(name, "max"))
        return &d->max;
    return NULL;
}

/* Read an array of 1..PW_DIST_MAX_POINTS finite numbers into out. Returns the count, or 0
 * after an error. */
static size_t load_points(ctx *c, const config_setting_t *s, const char *key, double *out)
{
    if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
        wrong_type(c, s, key, "an array of numbers");
        return 0;
    }
    int n = config_setting_length(s);
    if (n < 1 || n > PW_DIST_MAX_POINTS) {
        err_at(c, s, key, "must hold 1 to %d numbers (got %d)", PW_DIST_MAX_POINTS, n);
        return 0;
    }
    int ok = 1;
    for (int i = 0; i < n; i++) {
        char ek[KEYMAX];
        elemkey(ek, key, i);
        ok &= get_num(c, config_setting_get_elem(s, (unsigned)i), ek, "a number", &out[i]);
    }
    return ok ? (size_t)n : 0;
}

/* A distribution block { dist = "kind"; params... } into *d. Every key must belong to
 * the kind; missing parameters, bad values and GSL-side constraints (pw_dist_prepare) are
 * reported. Returns 1 if valid. */
static int load_dist(ctx *c, const config_setting_t *s, const char *key, unsigned flags,
                     pw_dist *d)
{
    memset(d, 0, sizeof *d);
    char kinds[160];
    dist_kind_list(kinds, sizeof kinds);
    if (!config_setting_is_group(s)) {
        char got[160], v[64];
        fmt_typed(s, got, sizeof got);
        if (config_setting_is_number(s))
            fmt_value(s, v, sizeof v);
        else
            snprintf(v, sizeof v, "3.0");
        err_at(c, s, key, "wrong type (got %s, expected a distribution block such as "
               "{ dist = \"fixed\"; value = %s; })", got, v);
        return 0;
    }
    char k2[KEYMAX];
    subkey(k2, key, "dist");
    const config_setting_t *ks = config_setting_get_member(s, "dist");
    if (!ks) {
        err_at(c, s, k2, "missing (expected one of %s)", kinds);
        return 0;
    }
    if (config_setting_type(ks) != CONFIG_TYPE_STRING) {
        wrong_type(c, ks, k2, "a distribution name string");
        return 0;
    }
    const char *kn = config_setting_get_string(ks);
    int kind = pw_dist_kind_of(kn);
    if (kind < 0) {
        const char *best = NULL;
        for (int k = 0; k < N_DIST_KINDS; k++)
            if (edit_distance(kn, pw_dist_name((pw_dist_kind)k), 2) <= 2)
                best = pw_dist_name((pw_dist_kind)k);
        if (best)
            err_at(c, ks, k2, "unknown distribution \"%s\" (did you mean \"%s\"?) (expected one of %s)",
                   kn, best, kinds);
        else
            err_at(c, ks, k2, "unknown distribution \"%s\" (expected one of %s)", kn, kinds);
        return 0;
    }
    d->kind = (pw_dist_kind)kind;
    char plist[64];
    dist_param_list(kind, plist, sizeof plist);
    int ok = 1;
    /* Every member must be a parameter of this kind. */
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
        const char *mn = config_setting_name(m);
        if (!strcmp(mn, "dist"))
            continue;
        int known = 0;
        for (int j = 0; j < 4 && dist_params[kind][j]; j++)
            known |= !strcmp(mn, dist_params[kind][j]);
        if (!known) {
            char mk[KEYMAX];
            subkey(mk, key, mn);
            err_at(c, m, mk, "not a parameter of %s %s distribution (it takes: %s)", article(kn),
                   kn, plist);
            ok = 0;
        }
    }
    if (kind == PW_DIST_EMPIRICAL) {
        char vk[KEYMAX], wk[KEYMAX];
        subkey(vk, key, "values");
        subkey(wk, key, "weights");
        const config_setting_t *vs = config_setting_get_member(s, "values");
        const config_setting_t *ws = config_setting_get_member(s, "weights");
        if (!vs) {
            err_at(c, s, vk, "missing (an empirical distribution takes: values, optional weights)");
            return 0;
        }
        d->n = load_points(c, vs, vk, d->values);
        if (!d->n)
            return 0;
        if (ws) {
            double w[PW_DIST_MAX_POINTS];
            size_t nw = load_points(c, ws, wk, w);
            if (!nw)
                return 0;
            if (nw != d->n) {
                err_at(c, ws, wk, "must have one weight per value (got %zu weights for %zu values)",
                       nw, d->n);
                return 0;
            }
            double total = 0;
            for (size_t i = 0; i < nw; i++) {
                if (w[i] < 0) {
                    char wv[40];
                    fmt_num(w[i], wv, sizeof wv);
                    err_at(c, ws, wk, "weights must be >= 0 (got %s at [%zu])", wv, i);
                    return 0;
                }
                total += w[i];
                d->cum[i] = w[i];
            }
            if (!(total > 0)) {
                err_at(c, ws, wk, "weights must not all be 0");
                return 0;
            }
        } else {
            for (size_t i = 0; i < d->n; i++)
                d->cum[i] = 1.0;
        }
        if (flags & NONNEG)
            for (size_t i = 0; i < d->n; i++)
                if (d->values[i] < 0) {
                    char vv[40];
                    fmt_num(d->values[i], vv, sizeof vv);
                    err_at(c, vs, vk, "values are durations and must be >= 0 (got %s at [%zu])", vv, i);
                    return 0;
                }
    } else {
        for (int j = 0; j < 4 && dist_params[kind][j]; j++) {
            const char *pn = dist_params[kind][j];
            char pk[KEYMAX];
            subkey(pk, key, pn);
            const config_setting_t *ps = config_setting_get_member(s, pn);
            if (!ps) {
                err_at(c, s, pk, "missing (%s %s distribution takes: %s)", article(kn), kn, plist);
                ok = 0;
                continue;
            }
            ok &= get_num(c, ps, pk, "a number", dist_slot(d, pn));
        }
        if (!ok)
            return 0;
        /* Friendlier messages than pw_dist_prepare's for the common mistakes, with the
         * value; pw_dist_prepare stays the authority below. */
        const char *bad = NULL;
        const char *pn = NULL;
        double v = 0;
        if (kind == PW_DIST_EXPONENTIAL || kind == PW_DIST_GAMMA || kind == PW_DIST_LOGNORMAL) {
            if (!(d->mean > 0))
                bad = "must be > 0", pn = "mean", v = d->mean;
        }
        if (!bad && (kind == PW_DIST_GAMMA || kind == PW_DIST_LOGNORMAL) && !(d->sd > 0))
            bad = "must be > 0", pn = "sd", v = d->sd;
        if (!bad && kind == PW_DIST_NORMAL && d->sd < 0)
            bad = "must be >= 0", pn = "sd", v = d->sd;
        if (!bad && (kind == PW_DIST_UNIFORM || kind == PW_DIST_TRIANGULAR) && !(d->min < d->max)) {
            char a[40], b[40], pk[KEYMAX];
            fmt_num(d->min, a, sizeof a);
            fmt_num(d->max, b, sizeof b);
            subkey(pk, key, "min");
            err_at(c, config_setting_get_member(s, "min"), pk, "must be < max (got min %s, max %s)", a, b);
            return 0;
        }
        if (!bad && kind == PW_DIST_TRIANGULAR && !(d->min <= d->mode && d->mode <= d->max))
            bad = "must lie in [min, max]", pn = "mode", v = d->mode;
        if (!bad && (flags & NONNEG)) {
            if (kind == PW_DIST_NORMAL) {
                err_at(c, ks, k2, "a normal distribution can draw negative durations; use gamma or "
                       "lognormal (got \"normal\")");
                return 0;
            }
            if (kind == PW_DIST_FIXED && d->mean < 0)
                bad = "is a duration and must be >= 0", pn = "value", v = d->mean;
            if ((kind == PW_DIST_UNIFORM || kind == PW_DIST_TRIANGULAR) && d->min < 0)
                bad = "is a duration and must be >= 0", pn = "min", v = d->min;
        }
        if (bad) {
            char vv[40], pk[KEYMAX];
            fmt_num(v, vv, sizeof vv);
            subkey(pk, key, pn);
            err_at(c, config_setting_get_member(s, pn), pk, "%s (got %s)", bad, vv);
            return 0;
        }
    }
    if (!ok)
        return 0;
    const char *msg = pw_dist_prepare(d);
    if (msg) {
        err_at(c, s, key, "invalid %s distribution: %s", kn, msg);
        return 0;
    }
    return 1;
}

/* ==== groups: the table walk =========================================================== */

static void load_group(ctx *c, const config_setting_t *g, const char *key, const field *tbl,
                       size_t n, unsigned gflags, void *base, post_fn post);
static void default_fields(const field *tbl, size_t n, unsigned gflags, void *base);

/* Does field f exist in a group with flags gflags (step3 has no step_up_probability)? */
static int field_applies(const field *f, unsigned gflags)
{
    return !(f->flags & STEP2_ONLY) || (gflags & IS_STEP2);
}

/* Search the whole schema for a key called name (a key put in the wrong group). Writes its
 * full path to out and returns 1 if found. */
static int schema_find(const field *tbl, size_t n, const char *prefix, const char *name,
                       char *out, int depth)
{
    if (depth > 4)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char k[KEYMAX];
        subkey(k, prefix, tbl[i].name);
        if (!strcmp(tbl[i].name, name)) {
            snprintf(out, KEYMAX, "%s", k);
            return 1;
        }
        if (tbl[i].kind == F_GROUP && schema_find(tbl[i].sub, tbl[i].nsub, k, name, out, depth + 1))
            return 1;
        if (tbl[i].kind == F_SPECIAL && !strcmp(tbl[i].name, "staff")) {
            subkey(k, prefix, "staff.<role>");
            if (schema_find(role_fields, NELEM(role_fields), k, name, out, depth + 1))
                return 1;
        }
        if (tbl[i].kind == F_SPECIAL && !strcmp(tbl[i].name, "policy_params")) {
            for (size_t p = 0; p < NELEM(policies); p++) {
                char pk[KEYMAX];
                subkey(pk, k, policies[p].name);
                if (schema_find(policies[p].fields, policies[p].nfields, pk, name, out, depth + 1))
                    return 1;
            }
        }
    }
    return 0;
}

/* Report member m of a group as unknown, suggesting a close name among `cands` (n names,
 * stride apart as fields) or a key of that name elsewhere in the schema. */
static void unknown_key(ctx *c, const config_setting_t *m, const char *key,
                        const char *const *cands, size_t ncands)
{
    const char *name = config_setting_name(m);
    const char *best = NULL;
    int bestd = 3;
    for (size_t i = 0; i < ncands; i++) {
        int d = edit_distance(name, cands[i], 2);
        if (d < bestd && d < (int)strlen(name)) {
            bestd = d;
            best = cands[i];
        }
    }
    char parent[KEYMAX];
    snprintf(parent, sizeof parent, "%s", key);
    char *dot = strrchr(parent, '.');
    if (dot)
        *dot = '\0';
    else
        parent[0] = '\0';
    if (best) {
        char full[KEYMAX];
        subkey(full, parent, best);
        err_at(c, m, key, "unknown key (did you mean '%s'?)", full);
        return;
    }
    char elsewhere[KEYMAX];
    if (schema_find(top_fields, NELEM(top_fields), "", name, elsewhere, 0))
        err_at(c, m, key, "unknown key here (did you mean '%s'?)", elsewhere);
    else
        err_at(c, m, key, "unknown key");
}

/* Store the default of one field into base. */
static void default_field(const field *f, unsigned gflags, void *base)
{
    char *at = (char *)base + f->off;
    switch (f->kind) {
    case F_NUM:
        *(double *)at = f->def;
        break;
    case F_INT:
    case F_BOOL:
    case F_ENUM:
        *(int *)at = (int)f->def;
        break;
    case F_STR:
        snprintf(at, f->n, "%s", f->sdef ? f->sdef : "");
        break;
    case F_ARR:
        for (size_t i = 0; i < f->n; i++)
            ((double *)at)[i] = f->def;
        break;
    case F_DIST:
        memset(at, 0, sizeof(pw_dist));
        if (f->has_off != SIZE_MAX)
            *(int *)((char *)base + f->has_off) = 0;
        if (f->ddef) {
            memcpy(at, f->ddef, sizeof(pw_dist));
            const char *bad = pw_dist_prepare((pw_dist *)at);
            assert(!bad && "a default distribution in the schema is invalid");
            (void)bad;
        }
        break;
    case F_GROUP:
        default_fields(f->sub, f->nsub, f->flags | (gflags & IS_STEP2), at);
        break;
    case F_SPECIAL:
        f->dflt(base);
        break;
    }
}

/* Defaults for every field of a table. */
static void default_fields(const field *tbl, size_t n, unsigned gflags, void *base)
{
    for (size_t i = 0; i < n; i++)
        if (field_applies(&tbl[i], gflags))
            default_field(&tbl[i], gflags, base);
}

/* Load one field from setting s (present) into base. */
static void load_field(ctx *c, const field *f, const config_setting_t *s, const char *key,
                       void *base)
{
    char *at = (char *)base + f->off;
    char want[256], got[64];
    describe(f, want, sizeof want);
    switch (f->kind) {
    case F_NUM: {
        double v;
        if (!get_num(c, s, key, want, &v))
            return;
        if (!in_range(f, v)) {
            fmt_value(s, got, sizeof got);
            err_at(c, s, key, "must be %s (got %s)", want, got);
            return;
        }
        *(double *)at = v;
        return;
    }
    case F_INT: {
        long long v;
        if (!get_int64(c, s, key, want, &v))
            return;
        if (!in_range(f, (double)v)) {
            fmt_value(s, got, sizeof got);
            err_at(c, s, key, "must be %s (got %s)", want, got);
            return;
        }
        *(int *)at = (int)v;
        return;
    }
    case F_BOOL:
        if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
            wrong_type(c, s, key, want);
            return;
        }
        *(int *)at = config_setting_get_bool(s);
        return;
    case F_STR: {
        if (config_setting_type(s) != CONFIG_TYPE_STRING) {
            wrong_type(c, s, key, "a string");
            return;
        }
        const char *v = config_setting_get_string(s);
        if (strlen(v) >= f->n) {
            err_at(c, s, key, "must be at most %zu bytes (got %zu)", f->n - 1, strlen(v));
            return;
        }
        if ((f->flags & NONEMPTY) && !*v) {
            err_at(c, s, key, "must not be empty (got \"\")");
            return;
        }
        memcpy(at, v, strlen(v) + 1);
        return;
    }
    case F_ENUM: {
        if (config_setting_type(s) != CONFIG_TYPE_STRING) {
            wrong_type(c, s, key, want);
            return;
        }
        const char *v = config_setting_get_string(s);
        const char *best = NULL;
        for (int i = 0; f->names[i]; i++) {
            if (!strcmp(v, f->names[i])) {
                *(int *)at = i;
                return;
            }
            if (edit_distance(v, f->names[i], 2) <= 2)
                best = f->names[i];
        }
        fmt_value(s, got, sizeof got);
        if (best)
            err_at(c, s, key, "must be %s (got %s; did you mean \"%s\"?)", want, got, best);
        else
            err_at(c, s, key, "must be %s (got %s)", want, got);
        return;
    }
    case F_ARR: {
        if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
            wrong_type(c, s, key, want);
            return;
        }
        int len = config_setting_length(s);
        if (len != (int)f->n) {
            err_at(c, s, key, "must have exactly %zu values (got %d; expected %s)", f->n, len, want);
            return;
        }
        double sum = 0;
        int ok = 1;
        for (int i = 0; i < len; i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            char ek[KEYMAX];
            elemkey(ek, key, i);
            double v;
            if (!get_num(c, e, ek, want, &v)) {
                ok = 0;
                continue;
            }
            if (!in_range(f, v)) {
                char cond[80];
                describe_range(f, cond, sizeof cond);
                fmt_value(e, got, sizeof got);
                err_at(c, e, ek, "must be %s (got %s; expected %s)", cond, got, want);
                ok = 0;
                continue;
            }
            ((double *)at)[i] = v;
            sum += v;
        }
        if (ok && (f->flags & SUM1) && fabs(sum - 1.0) > SHARE_TOL)
            err_at(c, s, key, "shares must sum to 1 within %g (got %.10g)", SHARE_TOL, sum);
        return;
    }
    case F_DIST:
        if (load_dist(c, s, key, f->flags, (pw_dist *)at) && f->has_off != SIZE_MAX)
            *(int *)((char *)base + f->has_off) = 1;
        return;
    case F_GROUP:
        if (!config_setting_is_group(s)) {
            wrong_type(c, s, key, "a group { ... }");
            return;
        }
        load_group(c, s, key, f->sub, f->nsub, f->flags, at, f->post);
        return;
    case F_SPECIAL:
        f->load(c, s, key, base);
        return;
    }
}

/* Load group g (NULL: absent, all defaults) described by tbl into base: unknown members
 * are errors, missing required ones are errors, the rest default. Then post(), if the
 * group produced no errors. */
static void load_group(ctx *c, const config_setting_t *g, const char *key, const field *tbl,
                       size_t n, unsigned gflags, void *base, post_fn post)
{
    size_t before = nerrors(c);
    int is_root = g && config_setting_is_root(g);
    if (g) {
        const char *cands[64];
        size_t nc = 0;
        for (size_t i = 0; i < n && nc < NELEM(cands); i++)
            if (field_applies(&tbl[i], gflags))
                cands[nc++] = tbl[i].name;
        for (int i = 0; i < config_setting_length(g); i++) {
            const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
            const char *mn = config_setting_name(m);
            if (is_root && !strcmp(mn, OVERRIDES))
                continue;
            int known = 0;
            for (size_t j = 0; j < nc && !known; j++)
                known = !strcmp(mn, cands[j]);
            if (!known) {
                char mk[KEYMAX];
                subkey(mk, key, mn);
                if (!(gflags & IS_STEP2) && !strcmp(mn, "step_up_probability"))
                    err_at(c, m, mk, "unknown key (only step2 steps up)");
                else
                    unknown_key(c, m, mk, cands, nc);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        const field *f = &tbl[i];
        if (!field_applies(f, gflags))
            continue;
        char k[KEYMAX];
        subkey(k, key, f->name);
        const config_setting_t *s = g ? config_setting_get_member(g, f->name) : NULL;
        default_field(f, gflags, base);
        if (s) {
            load_field(c, f, s, k, base);
        } else if (f->flags & REQ) {
            char want[256];
            describe(f, want, sizeof want);
            err_at(c, g, k, "missing (expected %s)", want);
        }
    }
    if (g && (gflags & SUM1)) { /* a group of shares, such as mode_shares */
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            if (tbl[i].kind == F_NUM)
                sum += *(double *)((char *)base + tbl[i].off);
        if (nerrors(c) == before && fabs(sum - 1.0) > SHARE_TOL) {
            /* Point at the member an override changed, if any: that is what broke it. */
            const config_setting_t *at = g;
            for (int i = 0; i < config_setting_length(g); i++)
                if (config_setting_get_hook(config_setting_get_elem(g, (unsigned)i)))
                    at = config_setting_get_elem(g, (unsigned)i);
            err_at(c, at, key, "shares must sum to 1 within %g (got %.10g)", SHARE_TOL, sum);
        }
    }
    if (post && nerrors(c) == before)
        post(c, g, key, base);
}

/* ==== special fields =================================================================== */

/* Default seed: 1. */
static void dflt_seed(void *base) { ((pw_params *)base)->seed = 1; }

/* seed: an integer >= 0, 64-bit when written with L. */
static void load_seed(ctx *c, const config_setting_t *s, const char *key, void *base)
{
    long long v;
    if (!get_int64(c, s, key, "an integer >= 0 (write values beyond 2147483647 with an L suffix)",
                   &v))
        return;
    if (v < 0) {
        err_at(c, s, key, "must be an integer >= 0 (got %lld)", v);
        return;
    }
    ((pw_params *)base)->seed = (uint64_t)v;
}

/* Default policy: stepped. */
static void dflt_policy(void *base) { ((pw_params *)base)->policy = PW_POLICY_STEPPED; }

/* policy: the name of a row of policies[]. */
static void load_policy(ctx *c, const config_setting_t *s, const char *key, void *base)
{
    char names[200];
    size_t len = 0;
    names[0] = '\0';
    for (size_t i = 0; i < NELEM(policies); i++)
        len += (size_t)snprintf(names + len, sizeof names - len, "%s\"%s\"", i ? ", " : "",
                                policies[i].name);
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        char want[240];
        snprintf(want, sizeof want, "one of %s", names);
        wrong_type(c, s, key, want);
        return;
    }
    const char *v = config_setting_get_string(s);
    const char *best = NULL;
    for (size_t i = 0; i < NELEM(policies); i++) {
        if (!strcmp(v, policies[i].name)) {
            ((pw_params *)base)->policy = policies[i].kind;
            return;
        }
        if (edit_distance(v, policies[i].name, 2) <= 2)
            best = policies[i].name;
    }
    if (best)
        err_at(c, s, key, "unknown policy \"%s\" (did you mean \"%s\"?) (expected one of %s)", v,
               best, names);
    else
        err_at(c, s, key, "unknown policy \"%s\" (expected one of %s)", v, names);
}

/* Default: no closure days. */
static void dflt_closures(void *base)
{
    pw_params *p = base;
    p->n_closures = 0;
    memset(p->closures, 0, sizeof p->closures);
}

/* closure_days: integer day numbers from the start of the run. */
static void load_closures(ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_params *p = base;
    const char *want = "an array of integer day numbers >= 0";
    if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
        wrong_type(c, s, key, want);
        return;
    }
    int n = config_setting_length(s);
    if (n > PW_MAX_CLOSURES) {
        err_at(c, config_setting_get_elem(s, PW_MAX_CLOSURES), key,
               "at most %d closure days (got %d)", PW_MAX_CLOSURES, n);
        return;
    }
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char ek[KEYMAX];
        elemkey(ek, key, i);
        long long v;
        if (!get_int64(c, e, ek, want, &v))
            continue;
        if (v < 0 || v > 1000000) {
            err_at(c, e, ek, "must be a day number in [0, 1000000] (got %lld)", v);
            continue;
        }
        p->closures[p->n_closures++] = (double)v;
    }
}

/* Default: no step changes. */
static void dflt_step_changes(void *base)
{
    pw_referrals *r = base;
    r->n_step_changes = 0;
    memset(r->step_week, 0, sizeof r->step_week);
    memset(r->step_factor, 0, sizeof r->step_factor);
}

/* referrals.step_changes = ( { week = W; factor = F; }, ... ), weeks increasing. */
static void load_step_changes(ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_referrals *r = base;
    const char *want = "a list of { week = W; factor = F; } groups";
    if (!config_setting_is_list(s) && !(config_setting_is_array(s) && !config_setting_length(s))) {
        wrong_type(c, s, key, want);
        return;
    }
    int n = config_setting_length(s);
    if (n > PW_MAX_STEP_CHANGES) {
        err_at(c, config_setting_get_elem(s, PW_MAX_STEP_CHANGES), key,
               "at most %d step changes (got %d)", PW_MAX_STEP_CHANGES, n);
        return;
    }
    size_t before = nerrors(c);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char ek[KEYMAX];
        elemkey(ek, key, i);
        if (!config_setting_is_group(e)) {
            wrong_type(c, e, ek, "a group { week = W; factor = F; }");
            continue;
        }
        /* The table's offsets are those of element 0; shift the base to element i. */
        pw_referrals tmp;
        load_group(c, e, ek, step_change_fields, NELEM(step_change_fields), 0, &tmp, NULL);
        r->step_week[i] = tmp.step_week[0];
        r->step_factor[i] = tmp.step_factor[0];
        if (nerrors(c) == before && i > 0 && !(r->step_week[i] > r->step_week[i - 1])) {
            char a[40], b[40];
            fmt_num(r->step_week[i], a, sizeof a);
            fmt_num(r->step_week[i - 1], b, sizeof b);
            err_at(c, config_setting_get_member(e, "week"), ek,
                   "step changes must be in increasing week order (got week %s after %s)", a, b);
        }
    }
    r->n_step_changes = (size_t)n;
}

/* Default: no hiring plan. */
static void dflt_hiring(void *base)
{
    pw_workforce_p *w = base;
    w->n_hires = 0;
    memset(w->hire_week, 0, sizeof w->hire_week);
    memset(w->hire_role_name, 0, sizeof w->hire_role_name);
    memset(w->hire_count, 0, sizeof w->hire_count);
    for (size_t i = 0; i < PW_MAX_PLAN; i++)
        w->hire_role[i] = -1;
}

/* Default: no shocks. */
static void dflt_shocks(void *base)
{
    pw_workforce_p *w = base;
    w->n_shocks = 0;
    memset(w->shock_week, 0, sizeof w->shock_week);
    memset(w->shock_role_name, 0, sizeof w->shock_role_name);
    memset(w->shock_share, 0, sizeof w->shock_share);
    memset(w->shock_weeks, 0, sizeof w->shock_weeks);
    for (size_t i = 0; i < PW_MAX_PLAN; i++)
        w->shock_role[i] = -1;
}

/* The number of rows of plan list s (workforce.hiring, workforce.shocks), or -1 after an
 * error: s is not a list of groups, or has more than PW_MAX_PLAN rows. */
static int plan_length(ctx *c, const config_setting_t *s, const char *key, const char *what,
                       const char *row_want)
{
    if (!config_setting_is_list(s) && !(config_setting_is_array(s) && !config_setting_length(s))) {
        char want[200];
        snprintf(want, sizeof want, "a list of %s groups", row_want);
        wrong_type(c, s, key, want);
        return -1;
    }
    int n = config_setting_length(s);
    if (n > PW_MAX_PLAN) {
        err_at(c, config_setting_get_elem(s, PW_MAX_PLAN), key, "at most %d %s (got %d)",
               PW_MAX_PLAN, what, n);
        return -1;
    }
    return n;
}

/* Row i of plan list s into *row with table tbl, whose offsets are those of row 0 of a
 * pw_workforce_p (see load_step_changes); the caller moves row 0 to slot i. */
static void plan_row(ctx *c, const config_setting_t *s, int i, const char *key, const field *tbl,
                     size_t ntbl, const char *row_want, pw_workforce_p *row)
{
    const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    char ek[KEYMAX];
    elemkey(ek, key, i);
    memset(row, 0, sizeof *row);
    if (!config_setting_is_group(e)) {
        char want[200];
        snprintf(want, sizeof want, "a group %s", row_want);
        wrong_type(c, e, ek, want);
        return;
    }
    load_group(c, e, ek, tbl, ntbl, 0, row, NULL);
}

/* workforce.hiring = ( { week = W; role = "R"; count = N; }, ... ): N extra posts of role R
 * advertised at week W (from day 0). Roles are resolved by check_plans. */
static void load_hiring(ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_workforce_p *w = base;
    int n = plan_length(c, s, key, "hiring rows", HIRE_ROW);
    for (int i = 0; i < n; i++) {
        pw_workforce_p row;
        plan_row(c, s, i, key, hire_fields, NELEM(hire_fields), HIRE_ROW, &row);
        w->hire_week[i] = row.hire_week[0];
        memcpy(w->hire_role_name[i], row.hire_role_name[0], PW_MAX_NAME);
        w->hire_count[i] = row.hire_count[0];
    }
    if (n > 0)
        w->n_hires = (size_t)n;
}

/* workforce.shocks = ( { week = W; role = "R"; share = S; weeks = D; }, ... ): from week W
 * a share S of role R's staff leaves, spread over D weeks. Roles are resolved by
 * check_plans. */
static void load_shocks(ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_workforce_p *w = base;
    int n = plan_length(c, s, key, "shocks", SHOCK_ROW);
    for (int i = 0; i < n; i++) {
        pw_workforce_p row;
        plan_row(c, s, i, key, shock_fields, NELEM(shock_fields), SHOCK_ROW, &row);
        w->shock_week[i] = row.shock_week[0];
        memcpy(w->shock_role_name[i], row.shock_role_name[0], PW_MAX_NAME);
        w->shock_share[i] = row.shock_share[0];
        w->shock_weeks[i] = row.shock_weeks[0];
    }
    if (n > 0)
        w->n_shocks = (size_t)n;
}

/* Before loading: no activities (does is required, so never left so). */
static void dflt_does(void *base) { ((pw_role *)base)->does = 0; }

/* staff.<role>.does: an array of distinct activity names. */
static void load_does(ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_role *r = base;
    const char *want = "an array of activities from \"assessment\", \"step2\", \"groups\", \"step3\"";
    if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
        wrong_type(c, s, key, want);
        return;
    }
    int n = config_setting_length(s);
    if (n == 0) {
        err_at(c, s, key, "must list at least one activity (got an empty array; expected %s)",
               want + 12);
        return;
    }
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char ek[KEYMAX];
        elemkey(ek, key, i);
        if (config_setting_type(e) != CONFIG_TYPE_STRING) {
            wrong_type(c, e, ek, "an activity name string");
            continue;
        }
        const char *v = config_setting_get_string(e);
        int found = -1;
        const char *best = NULL;
        for (int j = 0; j < (int)NELEM(does_names); j++) {
            if (!strcmp(v, does_names[j]))
                found = j;
            else if (edit_distance(v, does_names[j], 2) <= 2)
                best = does_names[j];
        }
        if (found < 0) {
            if (best)
                err_at(c, e, ek, "unknown activity \"%s\" (did you mean \"%s\"?) (expected one of "
                       "\"assessment\", \"step2\", \"groups\", \"step3\")", v, best);
            else
                err_at(c, e, ek, "unknown activity \"%s\" (expected one of \"assessment\", "
                       "\"step2\", \"groups\", \"step3\")", v);
            continue;
        }
        if (r->does & (1u << found)) {
            err_at(c, e, ek, "\"%s\" is listed twice", v);
            continue;
        }
        r->does |= 1u << found;
    }
}

/* Before loading: no roles (staff is required). */
static void dflt_staff(void *base)
{
    pw_params *p = base;
    p->n_roles = 0;
    memset(p->roles, 0, sizeof p->roles);
}

/* staff = { role = { ... }; ... }: up to PW_MAX_ROLES named roles. */
static void load_staff(ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_params *p = base;
    size_t before = nerrors(c);
    if (!config_setting_is_group(s)) {
        wrong_type(c, s, key, "a group of roles, each a group { headcount = ...; ... }");
        return;
    }
    int n = config_setting_length(s);
    if (n == 0) {
        err_at(c, s, key, "must define at least one role (got an empty group)");
        return;
    }
    if (n > PW_MAX_ROLES) {
        err_at(c, config_setting_get_elem(s, PW_MAX_ROLES), key, "at most %d roles (got %d)",
               PW_MAX_ROLES, n);
        return;
    }
    for (int i = 0; i < n; i++) {
        const config_setting_t *rs = config_setting_get_elem(s, (unsigned)i);
        const char *rn = config_setting_name(rs);
        char rk[KEYMAX];
        subkey(rk, key, rn);
        if (!config_setting_is_group(rs)) {
            char got[160];
            fmt_typed(rs, got, sizeof got);
            err_at(c, rs, rk, "each member of staff must be a role group { headcount = ...; ... } "
                   "(got %s)", got);
            continue;
        }
        if (strlen(rn) >= PW_MAX_NAME) {
            err_at(c, rs, rk, "role names must be at most %d bytes (got %zu)", PW_MAX_NAME - 1,
                   strlen(rn));
            continue;
        }
        pw_role *r = &p->roles[p->n_roles++];
        snprintf(r->name, sizeof r->name, "%s", rn);
        load_group(c, rs, rk, role_fields, NELEM(role_fields), 0, r, post_role);
    }
    c->staff_ok = nerrors(c) == before;
}

/* Every policy's parameters at their defaults. */
static void dflt_policy_params(void *base)
{
    for (size_t i = 0; i < NELEM(policies); i++)
        default_fields(policies[i].fields, policies[i].nfields, 0,
                       (char *)base + policies[i].off);
}

/* policy_params = { <policy> = { ... }; ... }: a block per known policy, all optional. */
static void load_policy_params(ctx *c, const config_setting_t *s, const char *key, void *base)
{
    if (!config_setting_is_group(s)) {
        wrong_type(c, s, key, "a group { stepped = { ... }; }");
        return;
    }
    const char *cands[NELEM(policies)];
    for (size_t i = 0; i < NELEM(policies); i++)
        cands[i] = policies[i].name;
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
        const char *mn = config_setting_name(m);
        char mk[KEYMAX];
        subkey(mk, key, mn);
        size_t j = 0;
        while (j < NELEM(policies) && strcmp(mn, policies[j].name))
            j++;
        if (j == NELEM(policies)) {
            unknown_key(c, m, mk, cands, NELEM(policies));
            continue;
        }
        if (!config_setting_is_group(m)) {
            wrong_type(c, m, mk, "a group { ... }");
            continue;
        }
        load_group(c, m, mk, policies[j].fields, policies[j].nfields, 0,
                   (char *)base + policies[j].off, NULL);
    }
}

/* ==== cross-checks ===================================================================== */

/* step2/step3: dependent default and orderings. */
static void post_step(ctx *c, const config_setting_t *g, const char *key, void *base)
{
    pw_step_p *sp = base;
    if (isnan(sp->first_session_minutes))
        sp->first_session_minutes = sp->session_minutes;
    if (isnan(sp->first_session_dropout))
        sp->first_session_dropout = sp->dropout_per_session;
    if (!g)
        return;
    if (sp->min_sessions > sp->max_sessions) {
        const config_setting_t *at = config_setting_get_member(g, "min_sessions");
        char k[KEYMAX];
        subkey(k, key, "min_sessions");
        err_at(c, at ? at : g, k, "must be <= max_sessions (got %d > %d)", sp->min_sessions,
               sp->max_sessions);
    }
    if (sp->group_min > sp->group_max) {
        const config_setting_t *at = config_setting_get_member(g, "group_min");
        char k[KEYMAX];
        subkey(k, key, "group_min");
        err_at(c, at ? at : g, k, "must be <= group_max (got %d > %d)", sp->group_min,
               sp->group_max);
    }
}

/* A role: dependent default (salary by band), assessment slots for an assessing role,
 * a training destination that is another role. Whether training_to names a role at all
 * needs every role: check_training. */
static void post_role(ctx *c, const config_setting_t *g, const char *key, void *base)
{
    pw_role *r = base;
    if (isnan(r->salary_gbp))
        r->salary_gbp = afc_salary_gbp[r->band];
    r->train_to_role = -1;
    const config_setting_t *to = config_setting_get_member(g, "training_to");
    char tk[KEYMAX];
    subkey(tk, key, "training_to");
    if (r->train_to[0] && !strcmp(r->train_to, r->name)) {
        err_at(c, to ? to : g, tk, "must name another role, not the role itself (got \"%s\")",
               r->train_to);
    } else if (!r->train_to[0] && r->train_per_year > 0) {
        const config_setting_t *at = to ? to : config_setting_get_member(g, "training_per_year");
        char got[40];
        fmt_num(r->train_per_year, got, sizeof got);
        err_at(c, at ? at : g, tk, "missing (expected the role trainees train for, a role under "
               "staff other than %s, since training_per_year is %s)", r->name, got);
    }
    if ((r->does & PW_DOES_ASSESSMENT) && !(r->assessments_per_week > 0)) {
        const config_setting_t *at = config_setting_get_member(g, "assessments_per_week");
        char k[KEYMAX];
        subkey(k, key, "assessments_per_week");
        char got[40];
        fmt_num(r->assessments_per_week, got, sizeof got);
        err_at(c, at ? at : g, k, "must be > 0 for a role whose does includes \"assessment\" (got %s)",
               got);
    }
}

/* workforce: supervision may slow the rise of burnout but not reverse it. */
static void post_workforce(ctx *c, const config_setting_t *g, const char *key, void *base)
{
    const pw_workforce_p *w = base;
    double relief = w->supervision_relief * w->supervision_hours_per_month / 2.0;
    if (g && relief > 1.0) {
        const config_setting_t *at = config_setting_get_member(g, "supervision_relief");
        char k[KEYMAX], a[40], b[40];
        subkey(k, key, "supervision_relief");
        fmt_num(w->supervision_relief, a, sizeof a);
        fmt_num(w->supervision_hours_per_month, b, sizeof b);
        err_at(c, at ? at : g, k, "supervision_relief x supervision_hours_per_month / 2 must be "
               "<= 1, or overload would lower burnout (got %s x %s / 2 = %g)", a, b, relief);
    }
}

/* Index of the role called name, or -1. */
static int role_index(const pw_params *p, const char *name)
{
    for (size_t i = 0; i < p->n_roles; i++)
        if (!strcmp(p->roles[i].name, name))
            return (int)i;
    return -1;
}

/* "pwp, hit" */
static void role_list(const pw_params *p, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n_roles && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "", p->roles[i].name);
}

/* The index of the role called name under staff; else -1 after an error about key at
 * setting `at`, suggesting a close name. */
static int find_role(ctx *c, const pw_params *p, const config_setting_t *at, const char *key,
                     const char *name)
{
    int r = role_index(p, name);
    if (r >= 0)
        return r;
    char roles[300];
    role_list(p, roles, sizeof roles);
    const char *best = NULL;
    for (size_t i = 0; i < p->n_roles; i++)
        if (edit_distance(name, p->roles[i].name, 2) <= 2)
            best = p->roles[i].name;
    if (best)
        err_at(c, at, key, "no role \"%s\" under staff (did you mean \"%s\"?) (roles: %s)", name,
               best, roles);
    else
        err_at(c, at, key, "no role \"%s\" under staff (roles: %s)", name, roles);
    return -1;
}

/* A policy's assessor is a role under staff that does assessment (needed unless the
 * scenario skips assessment); its index goes to *role. */
static void check_assessor(ctx *c, pw_params *p, const char *policy, const char *assessor,
                           int *role)
{
    char key[KEYMAX], group[KEYMAX];
    snprintf(group, sizeof group, "policy_params.%s", policy);
    snprintf(key, sizeof key, "policy_params.%s.assessor", policy);
    *role = -1;
    config_setting_t *root = config_root_setting(c->cfg);
    const config_setting_t *s = config_setting_lookup(root, key);
    const config_setting_t *at = s;
    if (!at)
        at = config_setting_lookup(root, group);
    if (!at)
        at = config_setting_lookup(root, "policy_params");
    if (!at)
        at = root;
    char roles[300];
    role_list(p, roles, sizeof roles);
    if (!assessor[0]) {
        if (!p->assessment.skip)
            err_at(c, at, key, "missing (expected the name of a role under staff that does "
                   "\"assessment\": one of %s)", roles);
        return;
    }
    int r = find_role(c, p, at, key, assessor);
    if (r < 0)
        return;
    if (!p->assessment.skip && !(p->roles[r].does & PW_DOES_ASSESSMENT)) {
        err_at(c, at, key, "role \"%s\" does not do \"assessment\" (add it to staff.%s.does, or "
               "name another role)", assessor, assessor);
        return;
    }
    *role = r;
}

static void check_stepped(ctx *c, pw_params *p)
{
    check_assessor(c, p, "stepped", p->stepped.assessor, &p->stepped.assessor_role);
}

static void check_expert(ctx *c, pw_params *p)
{
    check_assessor(c, p, "expert_door", p->expert_door.assessor, &p->expert_door.assessor_role);
}

static void check_stratified(ctx *c, pw_params *p)
{
    check_assessor(c, p, "stratified", p->stratified.assessor, &p->stratified.assessor_role);
}

/* staff.<role>.training_to names a role under staff: resolve it into train_to_role
 * (post_role has left -1, and refused the role itself). */
static void check_training(ctx *c, pw_params *p)
{
    config_setting_t *root = config_root_setting(c->cfg);
    for (size_t i = 0; i < p->n_roles; i++) {
        pw_role *r = &p->roles[i];
        if (!r->train_to[0])
            continue;
        char gk[KEYMAX], key[KEYMAX];
        subkey(gk, "staff", r->name);
        subkey(key, gk, "training_to");
        const config_setting_t *at = config_setting_lookup(root, key);
        if (!at)
            at = config_setting_lookup(root, gk);
        r->train_to_role = find_role(c, p, at ? at : root, key, r->train_to);
    }
}

/* The roles of workforce.hiring and workforce.shocks: resolve each row's into its index.
 * Rows whose role failed to load (empty name) were reported already. */
static void check_plans(ctx *c, pw_params *p)
{
    pw_workforce_p *w = &p->workforce;
    config_setting_t *root = config_root_setting(c->cfg);
    struct {
        const char *key;
        size_t n;
        char (*names)[PW_MAX_NAME];
        int *roles;
    } plans[] = {
        {"workforce.hiring", w->n_hires, w->hire_role_name, w->hire_role},
        {"workforce.shocks", w->n_shocks, w->shock_role_name, w->shock_role},
    };
    for (size_t k = 0; k < NELEM(plans); k++) {
        const config_setting_t *list = config_setting_lookup(root, plans[k].key);
        for (size_t i = 0; i < plans[k].n; i++) {
            if (!plans[k].names[i][0])
                continue;
            char ek[KEYMAX], rk[KEYMAX];
            elemkey(ek, plans[k].key, (int)i);
            subkey(rk, ek, "role");
            const config_setting_t *row = list ? config_setting_get_elem(list, (unsigned)i) : NULL;
            const config_setting_t *at = row ? config_setting_get_member(row, "role") : NULL;
            plans[k].roles[i] = find_role(c, p, at ? at : row ? row : root, rk, plans[k].names[i]);
        }
    }
}

/* Every activity the scenario needs has a role that does it. */
static void check_coverage(ctx *c, const pw_params *p)
{
    unsigned all = 0;
    for (size_t i = 0; i < p->n_roles; i++)
        all |= p->roles[i].does;
    config_setting_t *root = config_root_setting(c->cfg);
    const config_setting_t *staff = config_setting_get_member(root, "staff");
    /* Point at a `does` an override changed, if any: that is what broke coverage. */
    for (int i = 0; staff && i < config_setting_length(staff); i++) {
        const config_setting_t *d = config_setting_get_member(config_setting_get_elem(staff, (unsigned)i),
                                                              "does");
        if (d && config_setting_get_hook(d))
            staff = d;
    }
    if (!(all & PW_DOES_STEP2))
        err_at(c, staff, "staff", "no role does \"step2\" (add \"step2\" to some role's does)");
    int step3_used = !p->assessment.skip || p->step[PW_STEP2].step_up_probability > 0;
    if (step3_used && !(all & PW_DOES_STEP3))
        err_at(c, staff, "staff", "no role does \"step3\", but referrals can reach step 3 (add "
               "\"step3\" to some role's does)");
    for (int st = 0; st < PW_STEP_N; st++) {
        if (st == PW_STEP3 && !step3_used)
            continue;
        if (p->step[st].mode_shares[PW_MODE_GROUP] > 0 && !(all & PW_DOES_GROUPS)) {
            char k[KEYMAX];
            snprintf(k, sizeof k, "step%d.mode_shares.group", st + 2);
            const config_setting_t *at = config_lookup(c->cfg, k);
            if (staff && config_setting_get_hook(staff))
                at = staff;
            err_at(c, at ? at : staff, k, "groups have a share > 0 but no role does \"groups\" "
                   "(add \"groups\" to some role's does)");
        }
    }
}

/* ==== overrides: merging groups, --set ================================================= */

/* Hang an origin on a copied setting. Returns 0 or -1 (out of memory). */
static int mark(ctx *c, config_setting_t *s, const config_setting_t *src, const char *set_arg)
{
    origin *o = malloc(sizeof *o);
    if (!o || grow(c, (void **)&c->origins, &c->caporigins, c->norigins + 1, sizeof *c->origins) < 0) {
        free(o);
        c->nomem = 1;
        return -1;
    }
    o->src = src;
    o->set_arg = set_arg;
    c->origins[c->norigins++] = o;
    config_setting_set_hook(s, o);
    return 0;
}

/* Copy the value of src into dst (same type, freshly added). Returns 0 or -1. */
static int copy_setting(ctx *c, config_setting_t *dst, const config_setting_t *src,
                        const char *set_arg)
{
    if (mark(c, dst, set_arg ? NULL : src, set_arg) < 0)
        return -1;
    switch (config_setting_type(src)) {
    case CONFIG_TYPE_INT:
        return config_setting_set_int(dst, config_setting_get_int(src)) ? 0 : -1;
    case CONFIG_TYPE_INT64:
        return config_setting_set_int64(dst, config_setting_get_int64(src)) ? 0 : -1;
    case CONFIG_TYPE_FLOAT:
        return config_setting_set_float(dst, config_setting_get_float(src)) ? 0 : -1;
    case CONFIG_TYPE_BOOL:
        return config_setting_set_bool(dst, config_setting_get_bool(src)) ? 0 : -1;
    case CONFIG_TYPE_STRING:
        return config_setting_set_string(dst, config_setting_get_string(src)) ? 0 : -1;
    default:
        break;
    }
    int group = config_setting_is_group(src);
    for (int i = 0; i < config_setting_length(src); i++) {
        const config_setting_t *e = config_setting_get_elem(src, (unsigned)i);
        config_setting_t *d = config_setting_add(dst, group ? config_setting_name(e) : NULL,
                                                 config_setting_type(e));
        if (!d || copy_setting(c, d, e, set_arg) < 0)
            return -1;
    }
    return 0;
}

/* Merge group src over group dst: groups merge member by member, anything else (and a
 * distribution block) replaces.
 * Returns 0 or -1 (libconfig refused or out of memory). */
static int merge(ctx *c, config_setting_t *dst, const config_setting_t *src, const char *set_arg)
{
    for (int i = 0; i < config_setting_length(src); i++) {
        const config_setting_t *m = config_setting_get_elem(src, (unsigned)i);
        const char *mn = config_setting_name(m);
        config_setting_t *d = config_setting_get_member(dst, mn);
        /* A distribution block is replaced whole: its keys depend on its kind. */
        if (d && config_setting_is_group(d) && config_setting_is_group(m) &&
            !config_setting_get_member(m, "dist")) {
            if (merge(c, d, m, set_arg) < 0)
                return -1;
            continue;
        }
        if (d && config_setting_remove(dst, mn) != CONFIG_TRUE)
            return -1;
        config_setting_t *n = config_setting_add(dst, mn, config_setting_type(m));
        if (!n || copy_setting(c, n, m, set_arg) < 0)
            return -1;
    }
    return 0;
}

/* Is s a valid libconfig setting name? */
static int valid_name(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '*'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '*'))
            return 0;
    return 1;
}

/* Parse "key.path=value" into a one-chain config in tmp. Returns 1 on success; 0 after
 * reporting a bad argument. */
static int parse_set(ctx *c, const char *arg, config_t *tmp)
{
    char loc[600];
    snprintf(loc, sizeof loc, "--set %s", arg);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        errf(c, loc, NULL, "expected key=value, e.g. --set staff.pwp.headcount=14");
        return 0;
    }
    size_t klen = (size_t)(eq - arg);
    char key[KEYMAX];
    if (klen >= sizeof key) {
        errf(c, loc, NULL, "key too long");
        return 0;
    }
    memcpy(key, arg, klen);
    key[klen] = '\0';
    /* Validate the path: dot-separated names. */
    size_t depth = 0;
    for (const char *p = key;; depth++) {
        size_t n = strcspn(p, ".");
        if (!valid_name(p, n)) {
            errf(c, loc, key, "not a key path (expected names separated by dots, such as "
                 "staff.pwp.headcount)");
            return 0;
        }
        if (!p[n])
            break;
        p += n + 1;
    }
    if (!strncmp(key, OVERRIDES, strlen(OVERRIDES)) &&
        (key[strlen(OVERRIDES)] == '.' || !key[strlen(OVERRIDES)])) {
        errf(c, loc, key, "--set cannot change the overrides group; set the key itself");
        return 0;
    }
    const char *value = eq + 1;
    /* libconfig 1.5 wraps integers beyond 32 bits: check the value's text first. */
    src_file vf;
    memset(&vf, 0, sizeof vf);
    vf.text = (char *)value;
    vf.len = strlen(value);
    if (scan_literals(c, &vf) < 0)
        return 0;
    if (vf.nlits) {
        errf(c, loc, key, "integer %s does not fit in 32 bits (libconfig would read %d); write "
             "%sL for a 64-bit value", vf.lits[0].text, vf.lits[0].wrapped, vf.lits[0].text);
        free(vf.lits);
        return 0;
    }
    /* Build "a = { b = { c = VALUE\n; }; };": the value parsed in its place. */
    size_t cap = 2 * strlen(arg) + 64 + 8 * depth;
    char *text = malloc(cap), *quoted = malloc(2 * strlen(value) + 3);
    if (!text || !quoted) {
        free(text);
        free(quoted);
        c->nomem = 1;
        return 0;
    }
    int ok = 0;
    for (int attempt = 0; attempt < 2 && !ok; attempt++) {
        const char *v = value;
        if (attempt == 1) {
            /* A bare word (--set policy=stepped) is a string. */
            if (strpbrk(value, "\"{}[]()=;:,#"))
                break;
            char *q = quoted;
            *q++ = '"';
            for (const char *p = value; *p; p++) {
                if (*p == '"' || *p == '\\')
                    *q++ = '\\';
                *q++ = *p;
            }
            *q++ = '"';
            *q = '\0';
            v = quoted;
        }
        size_t len = 0;
        const char *p = key;
        for (size_t d = 0; d <= depth; d++) {
            size_t n = strcspn(p, ".");
            len += (size_t)snprintf(text + len, cap - len, "%.*s = %s", (int)n, p,
                                    d < depth ? "{ " : "");
            p += n + 1;
        }
        len += (size_t)snprintf(text + len, cap - len, "%s\n;", v);
        for (size_t d = 0; d < depth; d++)
            len += (size_t)snprintf(text + len, cap - len, " };");
        config_destroy(tmp);
        config_init(tmp);
        config_set_auto_convert(tmp, CONFIG_TRUE);
        ok = config_read_string(tmp, text) == CONFIG_TRUE;
    }
    if (!ok) {
        errf(c, loc, key, "cannot read the value '%s' (libconfig: %s; write strings in \"quotes\", "
             "arrays as [1.0, 2.0], groups as { a = 1; })", value, config_error_text(tmp));
    } else {
        /* The parse must be exactly one chain: no second setting smuggled in. */
        const config_setting_t *g = config_root_setting(tmp);
        const char *p = key;
        for (size_t d = 0; d <= depth && ok; d++) {
            size_t n = strcspn(p, ".");
            if (config_setting_length(g) != 1 || !config_setting_is_group(g)) {
                ok = 0;
                break;
            }
            g = config_setting_get_elem(g, 0);
            p += n + 1;
        }
        if (!ok)
            errf(c, loc, key, "the value must be a single value (got more than one setting)");
    }
    free(text);
    free(quoted);
    return ok;
}

/* ==== reading the file ================================================================= */

/* Report why the file at path (shown as shown, error on line `line`) is not a scenario
 * text, if it is not: a byte-order mark, or binary bytes. Returns 1 if it reported. */
static int check_text(ctx *c, const src_file *f)
{
    if (!f || !f->text)
        return 0;
    const unsigned char *t = (const unsigned char *)f->text;
    char loc[600];
    if (f->len >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF) {
        snprintf(loc, sizeof loc, "%s:1", f->path);
        errf(c, loc, NULL, "the file starts with a UTF-8 byte-order mark (bytes EF BB BF), which "
             "libconfig cannot read; save it as UTF-8 without BOM");
        return 1;
    }
    unsigned line = 1;
    for (size_t i = 0; i < f->len; i++) {
        if (t[i] == '\n')
            line++;
        else if (t[i] == 0 || (t[i] < 0x20 && t[i] != '\t' && t[i] != '\r' && t[i] != '\f' &&
                               t[i] != '\v') || t[i] == 0x7f) {
            snprintf(loc, sizeof loc, "%s:%u", f->path, line);
            errf(c, loc, NULL, "not a text scenario file (byte 0x%02X at offset %zu)", t[i], i);
            return 1;
        }
    }
    return 0;
}

/* Turn libconfig's parse error into a useful message. */
static void report_parse_error(ctx *c)
{
    const char *raw = config_error_file(c->cfg);
    int line = config_error_line(c->cfg);
    const char *text = config_error_text(c->cfg);
    src_file *f = file_of(c, raw);
    const char *shown = f ? f->path : raw ? raw : c->path;
    if (f && check_text(c, f))
        return;
    char loc[600], src[512];
    snprintf(loc, sizeof loc, "%s:%d", shown, line > 0 ? line : 1);
    line_of(f, line > 0 ? (unsigned)line : 0, src, sizeof src);
    if (text && !strcmp(text, "cannot open include file")) {
        const char *q1 = strchr(src, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
        if (q1 && q2)
            errf(c, loc, NULL, "cannot open include file \"%.*s\" (looked for %s%s%.*s: @include "
                 "paths are relative to the directory of the scenario file given to stepsim)",
                 (int)(q2 - q1 - 1), q1 + 1, strcmp(c->incdir, ".") ? c->incdir : "",
                 strcmp(c->incdir, ".") ? "/" : "", (int)(q2 - q1 - 1), q1 + 1);
        else
            errf(c, loc, NULL, "cannot open include file");
    } else if (text && !strcmp(text, "duplicate setting name")) {
        const char *p = src;
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-*");
        errf(c, loc, NULL, "duplicate setting%s%.*s%s: a key may be defined once per group "
             "(to change a key that an @include defines, use an overrides = { ... } group)",
             n ? " '" : "", (int)n, p, n ? "'" : "");
    } else if (text && !strcmp(text, "mismatched element type in array")) {
        errf(c, loc, NULL, "mismatched element type in array: write every element the same "
             "way (1.0 rather than 1 in an array of numbers)");
    } else {
        const char *p = src;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p)
            errf(c, loc, NULL, "%s, in: %.80s", text ? text : "syntax error", p);
        else
            errf(c, loc, NULL, "%s", text ? text : "syntax error");
    }
}

/* Report settings whose integer libconfig 1.5 wrapped to 32 bits; walk every setting. */
static void check_wrapped(ctx *c, const config_setting_t *s, const char *key)
{
    int t = config_setting_type(s);
    if (t == CONFIG_TYPE_INT) {
        const origin *o = config_setting_get_hook(s);
        if (o && o->set_arg) /* checked when parsed */
            return;
        const config_setting_t *src = o && o->src ? o->src : s;
        src_file *f = file_of(c, config_setting_source_file(src));
        if (!f)
            return;
        int v = config_setting_get_int(s);
        for (size_t i = 0; i < f->nlits; i++) {
            lit *l = &f->lits[i];
            if (l->used || l->line != config_setting_source_line(src) || l->wrapped != v)
                continue;
            l->used = 1;
            err_at(c, s, key, "integer %s does not fit in 32 bits (libconfig reads it as %d); "
                   "write %sL for a 64-bit value", l->text, v, l->text);
            if (grow(c, (void **)&c->poisoned, &c->cappoisoned, c->npoisoned + 1,
                     sizeof *c->poisoned) == 0)
                c->poisoned[c->npoisoned++] = s;
            return;
        }
        return;
    }
    if (!config_setting_is_aggregate(s))
        return;
    int group = config_setting_is_group(s);
    for (int i = 0; i < config_setting_length(s); i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        if (config_setting_is_root(s) && !strcmp(config_setting_name(e), OVERRIDES))
            continue; /* checked through the copies it made */
        char k[KEYMAX];
        if (group)
            subkey(k, key, config_setting_name(e));
        else
            elemkey(k, key, i);
        check_wrapped(c, e, k);
    }
}

/* ==== scn_load ========================================================================= */

/* Free everything the context owns (not the config). */
static void ctx_free(ctx *c)
{
    for (size_t i = 0; i < c->nfiles; i++) {
        free(c->files[i].raw);
        free(c->files[i].path);
        free(c->files[i].text);
        free(c->files[i].lits);
    }
    free(c->files);
    for (size_t i = 0; i < c->norigins; i++)
        free(c->origins[i]);
    free(c->origins);
    free(c->poisoned);
    free(c->incdir);
}

int scn_load(const char *path, const char *const *sets, size_t nsets, pw_params *out,
             scn_errors *errs)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.path = path;
    c.errs = errs;
    c.errs_start = errs->n;
    memset(out, 0, sizeof *out);
    config_t cfg;
    config_init(&cfg);
    config_set_auto_convert(&cfg, CONFIG_TRUE);
    c.cfg = &cfg;
    int ret = SCN_EINVALID;

    /* The include directory: the scenario's own directory. */
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        c.incdir = malloc(n + 1);
        if (c.incdir) {
            memcpy(c.incdir, path, n);
            c.incdir[n] = '\0';
        }
    } else {
        c.incdir = dupstr(".");
    }
    if (!c.incdir) {
        ret = SCN_ENOMEM;
        goto out;
    }
    config_set_include_dir(&cfg, c.incdir);

    /* Traps libconfig reports badly: missing file, directory, BOM, binary, empty. */
    struct stat st;
    if (stat(path, &st) != 0) {
        errf(&c, path, NULL, "cannot open scenario: %s", strerror(errno));
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        errf(&c, path, NULL, "is a directory, not a scenario file");
        goto out;
    }
    src_file *top = file_of(&c, path);
    if (!top) {
        ret = SCN_ENOMEM;
        goto out;
    }
    if (!top->text) {
        errf(&c, path, NULL, "cannot read scenario: %s", strerror(errno));
        goto out;
    }
    if (check_text(&c, top))
        goto out;
    if (config_read_file(&cfg, path) != CONFIG_TRUE) {
        if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
            errf(&c, path, NULL, "cannot read scenario: file I/O error");
        else
            report_parse_error(&c);
        goto out;
    }
    config_setting_t *root = config_root_setting(&cfg);
    if (config_setting_length(root) == 0) {
        char loc[600];
        snprintf(loc, sizeof loc, "%s:1", path);
        errf(&c, loc, NULL, "empty scenario: no settings (see scenarios/baseline.cfg for every key)");
        goto out;
    }

    /* overrides = { ... } from the file, then --set in order. */
    const config_setting_t *ov = config_setting_get_member(root, OVERRIDES);
    if (ov) {
        if (!config_setting_is_group(ov)) {
            wrong_type(&c, ov, OVERRIDES, "a group of keys to change, e.g. { staff = { pwp = { "
                       "headcount = 43; }; }; }");
        } else if (config_setting_get_member(ov, OVERRIDES)) {
            err_at(&c, config_setting_get_member(ov, OVERRIDES), OVERRIDES "." OVERRIDES,
                   "unknown key (overrides do not nest)");
        } else if (merge(&c, root, ov, NULL) < 0) {
            ret = SCN_ENOMEM;
            goto out;
        }
    }
    for (size_t i = 0; i < nsets; i++) {
        config_t tmp;
        config_init(&tmp);
        if (parse_set(&c, sets[i], &tmp) && merge(&c, root, config_root_setting(&tmp), sets[i]) < 0)
            c.nomem = 1;
        config_destroy(&tmp);
        if (c.nomem) {
            ret = SCN_ENOMEM;
            goto out;
        }
    }

    /* The meaning of every setting. */
    check_wrapped(&c, root, "");
    load_group(&c, root, "", top_fields, NELEM(top_fields), 0, out, NULL);
    /* Cross-checks need the roles; without them they would only echo the staff errors. */
    if (c.staff_ok) {
        for (size_t i = 0; i < NELEM(policies); i++)
            if (policies[i].kind == out->policy && policies[i].check)
                policies[i].check(&c, out);
        check_coverage(&c, out);
        check_training(&c, out);
        check_plans(&c, out);
    }
    if (c.nomem)
        ret = SCN_ENOMEM;
    else if (nerrors(&c) == 0)
        ret = SCN_OK;
out:
    if (c.nomem)
        ret = SCN_ENOMEM;
    config_destroy(&cfg);
    ctx_free(&c);
    return ret;
}

/* ==== scn_print ======================================================================== */

/* A string in libconfig syntax, quoted and escaped. */
static void print_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* A number that reads back exactly, as a float (see fmt_num). */
static void print_num(FILE *f, double v)
{
    char b[64];
    fmt_num(v, b, sizeof b);
    fputs(b, f);
}

static void print_fields(FILE *f, const field *tbl, size_t n, unsigned gflags, const void *base,
                         int indent);

/* A distribution block on one line. */
static void print_dist(FILE *f, const pw_dist *d)
{
    fprintf(f, "{ dist = \"%s\";", pw_dist_name(d->kind));
    switch (d->kind) {
    case PW_DIST_FIXED:
        fputs(" value = ", f);
        print_num(f, d->mean);
        fputs(";", f);
        break;
    case PW_DIST_EXPONENTIAL:
        fputs(" mean = ", f);
        print_num(f, d->mean);
        fputs(";", f);
        break;
    case PW_DIST_GAMMA:
    case PW_DIST_LOGNORMAL:
    case PW_DIST_NORMAL:
        fputs(" mean = ", f);
        print_num(f, d->mean);
        fputs("; sd = ", f);
        print_num(f, d->sd);
        fputs(";", f);
        break;
    case PW_DIST_UNIFORM:
        fputs(" min = ", f);
        print_num(f, d->min);
        fputs("; max = ", f);
        print_num(f, d->max);
        fputs(";", f);
        break;
    case PW_DIST_TRIANGULAR:
        fputs(" min = ", f);
        print_num(f, d->min);
        fputs("; mode = ", f);
        print_num(f, d->mode);
        fputs("; max = ", f);
        print_num(f, d->max);
        fputs(";", f);
        break;
    case PW_DIST_EMPIRICAL:
        fputs(" values = [", f);
        for (size_t i = 0; i < d->n; i++) {
            fputs(i ? ", " : "", f);
            print_num(f, d->values[i]);
        }
        /* cum[] holds normalised cumulative weights: print their steps. */
        fputs("]; weights = [", f);
        for (size_t i = 0; i < d->n; i++) {
            fputs(i ? ", " : "", f);
            print_num(f, d->cum[i] - (i ? d->cum[i - 1] : 0.0));
        }
        fputs("];", f);
        break;
    }
    fputs(" }", f);
}

/* One field as "name = value;" (groups over several lines, unless ONE_LINE). A negative
 * indent prints on the current line, followed by a space. */
static void print_field(FILE *f, const field *fd, unsigned gflags, const void *base, int indent)
{
    int inline_ = indent < 0;
    if (inline_)
        indent = 0;
    const char *at = (const char *)base + fd->off;
    if (fd->kind == F_SPECIAL) {
        fd->print(f, base, fd, indent);
        return;
    }
    if (fd->kind == F_STR && (fd->flags & OMIT_EMPTY) && !*at)
        return;
    if (fd->kind == F_DIST && fd->has_off != SIZE_MAX && !*(const int *)((const char *)base + fd->has_off))
        return;
    fprintf(f, "%*s%s = ", indent, "", fd->name);
    switch (fd->kind) {
    case F_NUM:
        print_num(f, *(const double *)at);
        break;
    case F_INT:
        fprintf(f, "%d", *(const int *)at);
        break;
    case F_BOOL:
        fputs(*(const int *)at ? "true" : "false", f);
        break;
    case F_STR:
        print_string(f, at);
        break;
    case F_ENUM:
        print_string(f, fd->names[*(const int *)at]);
        break;
    case F_ARR:
        fputc('[', f);
        for (size_t i = 0; i < fd->n; i++) {
            fputs(i ? ", " : "", f);
            print_num(f, ((const double *)at)[i]);
        }
        fputc(']', f);
        break;
    case F_DIST:
        print_dist(f, (const pw_dist *)at);
        break;
    case F_GROUP:
        if (fd->flags & ONE_LINE) {
            fputs("{ ", f);
            print_fields(f, fd->sub, fd->nsub, fd->flags | (gflags & IS_STEP2), at, -1);
            fputs("}", f);
        } else {
            fputs("{\n", f);
            print_fields(f, fd->sub, fd->nsub, fd->flags | (gflags & IS_STEP2), at, indent + 4);
            fprintf(f, "%*s}", indent, "");
        }
        break;
    case F_SPECIAL:
        break;
    }
    fputs(inline_ ? "; " : ";\n", f);
}

/* Every field of a table that applies to the group (see print_field for indent). */
static void print_fields(FILE *f, const field *tbl, size_t n, unsigned gflags, const void *base,
                         int indent)
{
    for (size_t i = 0; i < n; i++)
        if (field_applies(&tbl[i], gflags))
            print_field(f, &tbl[i], gflags, base, indent);
}

/* seed, with an L suffix beyond 32 bits so libconfig 1.5 reads it whole. */
static void print_seed(FILE *f, const void *base, const field *fd, int indent)
{
    uint64_t s = ((const pw_params *)base)->seed;
    fprintf(f, "%*s%s = %llu%s;\n", indent, "", fd->name, (unsigned long long)s,
            s > INT32_MAX ? "L" : "");
}

/* policy, by its name in policies[]. */
static void print_policy(FILE *f, const void *base, const field *fd, int indent)
{
    const pw_params *p = base;
    for (size_t i = 0; i < NELEM(policies); i++)
        if (policies[i].kind == p->policy)
            fprintf(f, "%*s%s = \"%s\";\n", indent, "", fd->name, policies[i].name);
}

/* closure_days as an array of integers. */
static void print_closures(FILE *f, const void *base, const field *fd, int indent)
{
    const pw_params *p = base;
    fprintf(f, "%*s%s = [", indent, "", fd->name);
    for (size_t i = 0; i < p->n_closures; i++)
        fprintf(f, "%s%.0f", i ? ", " : "", p->closures[i]);
    fputs(p->n_closures ? "];\n" : " ];\n", f);
}

/* referrals.step_changes as a list of groups (possibly empty). */
static void print_step_changes(FILE *f, const void *base, const field *fd, int indent)
{
    const pw_referrals *r = base;
    fprintf(f, "%*s%s = (", indent, "", fd->name);
    for (size_t i = 0; i < r->n_step_changes; i++) {
        fputs(i ? ", { week = " : " { week = ", f);
        print_num(f, r->step_week[i]);
        fputs("; factor = ", f);
        print_num(f, r->step_factor[i]);
        fputs("; }", f);
    }
    fputs(" );\n", f);
}

/* workforce.hiring as a list of groups (possibly empty). */
static void print_hiring(FILE *f, const void *base, const field *fd, int indent)
{
    const pw_workforce_p *w = base;
    fprintf(f, "%*s%s = (", indent, "", fd->name);
    for (size_t i = 0; i < w->n_hires; i++) {
        fputs(i ? ", { week = " : " { week = ", f);
        print_num(f, w->hire_week[i]);
        fputs("; role = ", f);
        print_string(f, w->hire_role_name[i]);
        fprintf(f, "; count = %d; }", w->hire_count[i]);
    }
    fputs(" );\n", f);
}

/* workforce.shocks as a list of groups (possibly empty). */
static void print_shocks(FILE *f, const void *base, const field *fd, int indent)
{
    const pw_workforce_p *w = base;
    fprintf(f, "%*s%s = (", indent, "", fd->name);
    for (size_t i = 0; i < w->n_shocks; i++) {
        fputs(i ? ", { week = " : " { week = ", f);
        print_num(f, w->shock_week[i]);
        fputs("; role = ", f);
        print_string(f, w->shock_role_name[i]);
        fputs("; share = ", f);
        print_num(f, w->shock_share[i]);
        fputs("; weeks = ", f);
        print_num(f, w->shock_weeks[i]);
        fputs("; }", f);
    }
    fputs(" );\n", f);
}

/* staff.<role>.does as an array of activity names, in bit order. */
static void print_does(FILE *f, const void *base, const field *fd, int indent)
{
    const pw_role *r = base;
    fprintf(f, "%*s%s = [", indent, "", fd->name);
    int first = 1;
    for (size_t i = 0; i < NELEM(does_names); i++)
        if (r->does & (1u << i)) {
            fprintf(f, "%s\"%s\"", first ? "" : ", ", does_names[i]);
            first = 0;
        }
    fputs("];\n", f);
}

/* staff: one group per role, in the order they were read. */
static void print_staff(FILE *f, const void *base, const field *fd, int indent)
{
    const pw_params *p = base;
    fprintf(f, "%*s%s = {\n", indent, "", fd->name);
    for (size_t i = 0; i < p->n_roles; i++) {
        fprintf(f, "%*s%s = {\n", indent + 4, "", p->roles[i].name);
        print_fields(f, role_fields, NELEM(role_fields), 0, &p->roles[i], indent + 8);
        fprintf(f, "%*s};\n", indent + 4, "");
    }
    fprintf(f, "%*s};\n", indent, "");
}

/* policy_params: a block for every policy (only the chosen one is used). */
static void print_policy_params(FILE *f, const void *base, const field *fd, int indent)
{
    fprintf(f, "%*s%s = {\n", indent, "", fd->name);
    for (size_t i = 0; i < NELEM(policies); i++) {
        fprintf(f, "%*s%s = {\n", indent + 4, "", policies[i].name);
        print_fields(f, policies[i].fields, policies[i].nfields, 0,
                     (const char *)base + policies[i].off, indent + 8);
        fprintf(f, "%*s};\n", indent + 4, "");
    }
    fprintf(f, "%*s};\n", indent, "");
}

void scn_print(FILE *f, const pw_params *p)
{
    fputs("# Fully resolved scenario (every default filled in), as stepsim read it.\n", f);
    print_fields(f, top_fields, NELEM(top_fields), 0, p, 0);
}
