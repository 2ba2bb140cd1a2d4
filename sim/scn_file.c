/* Scenario loader: reading scenario files, and the traps of libconfig 1.5 it reports badly
 * or not at all.
 *
 * A UTF-8 byte-order mark and binary bytes get a bare "syntax error" from libconfig: the
 * text is checked first. Integers beyond 32 bits without an L suffix are silently wrapped:
 * each file's text is scanned for such literals, and a setting holding the wrapped value
 * on that line is reported (and "poisoned", so no later check repeats it). Parse errors
 * are reworded with the offending line (missing include, duplicate setting, mixed array).
 * Included files are shown by a path a user can open (libconfig records the @include name).
 */
#define _DEFAULT_SOURCE /* realpath */
#include "scn_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ==== source files ===================================================================== */

/* f's file read whole into f->text (NUL-terminated, malloc'd), if it is a regular file of
 * at most SCN_MAX_FILE_BYTES; else f->text stays NULL and f->err, f->mode, f->size say
 * why (scn_file_why). It is opened without blocking and its type checked before a byte is
 * read: a FIFO would wait for a writer for ever, a directory makes libconfig's scanner
 * exit the process, a device never ends. A file that grows while read past the limit
 * (or a /proc file, whose size reads 0) is refused by the bytes actually read. */
void scn_read_whole(scn_src *f)
{
    int fd = open(f->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        f->err = errno;
        if (fd >= 0)
            close(fd);
        return;
    }
    f->mode = (unsigned)st.st_mode;
    f->size = (long long)st.st_size;
    if (!S_ISREG(st.st_mode) || st.st_size > (off_t)SCN_MAX_FILE_BYTES) {
        f->err = S_ISDIR(st.st_mode) ? EISDIR : S_ISREG(st.st_mode) ? EFBIG : EINVAL;
        close(fd);
        return;
    }
    /* Room for one byte past the limit, to see a file that grew. */
    size_t cap = (size_t)st.st_size + 2, n = 0;
    char *buf = malloc(cap);
    int err = buf ? 0 : ENOMEM;
    while (!err) {
        if (n + 1 >= cap) {
            size_t nc = cap * 2 > SCN_MAX_FILE_BYTES + 2 ? SCN_MAX_FILE_BYTES + 2 : cap * 2;
            char *nb = realloc(buf, nc);
            if (!nb) {
                err = ENOMEM;
                break;
            }
            buf = nb;
            cap = nc;
        }
        ssize_t got = read(fd, buf + n, cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            err = got < 0 ? errno : 0;
            break;
        }
        n += (size_t)got;
        if (n > SCN_MAX_FILE_BYTES) {
            f->size = -1; /* more than the limit; how much more is not known */
            err = EFBIG;
        }
    }
    close(fd);
    if (err) {
        f->err = err;
        free(buf);
        return;
    }
    buf[n] = '\0';
    f->text = buf;
    f->len = n;
}

/* Why f has no text, in words that follow its path ("is a directory, not a scenario
 * file"; `what` names the kind of file expected), into buf. */
void scn_file_why_as(const scn_src *f, const char *what, char *buf, size_t n)
{
    unsigned type = f->mode & S_IFMT;
    if (f->err == EFBIG)
        snprintf(buf, n, "is too large for a %s (got %s%lld bytes; expected at most "
                 "%u, 1 MiB)", what, f->size < 0 ? "more than " : "",
                 f->size < 0 ? (long long)SCN_MAX_FILE_BYTES : f->size, SCN_MAX_FILE_BYTES);
    else if (f->err == EISDIR || type == S_IFDIR)
        snprintf(buf, n, "is a directory, not a %s", what);
    else if (type == S_IFIFO)
        snprintf(buf, n, "is a named pipe (FIFO), not a %s (expected a regular file)", what);
    else if (type == S_IFCHR || type == S_IFBLK)
        snprintf(buf, n, "is a device, not a %s (expected a regular file)", what);
    else if (type == S_IFSOCK)
        snprintf(buf, n, "is a socket, not a %s (expected a regular file)", what);
    else if (type && type != S_IFREG)
        snprintf(buf, n, "is not a regular file, so not a %s", what);
    else
        snprintf(buf, n, "%s", strerror(f->err ? f->err : EIO));
}

void scn_file_why(const scn_src *f, char *buf, size_t n)
{
    scn_file_why_as(f, "scenario file", buf, n);
}

/* Find integer literals that libconfig 1.5 silently wraps: decimal or hex, without the L
 * suffix, outside the 32-bit range. Comments and strings are skipped. Returns 0 or -1
 * if out of memory. */
int scn_scan_literals(scn_ctx *c, scn_src *f)
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
            if (scn_grow(c, (void **)&f->lits, &cap, f->nlits + 1, sizeof *f->lits) < 0)
                return -1;
            scn_lit *l = &f->lits[f->nlits++];
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

/* The file libconfig opens for `raw`: the scenario as given; an @include name in the
 * include directory, as libconfig 1.5 joins them (an absolute name too: "DIR//abs"). A
 * relative name from "." is shown as written. malloc'd; NULL when out of memory. */
static char *open_path(const scn_ctx *c, const char *raw)
{
    if (strcmp(raw, c->path) == 0 || (strcmp(c->incdir, ".") == 0 && raw[0] != '/'))
        return scn_strdup(raw);
    size_t n = strlen(c->incdir) + strlen(raw) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", c->incdir, raw);
    return p;
}

/* The source file libconfig recorded as `raw` (NULL: the scenario itself), registered and
 * read on first use (scn_read_whole: a file that is not a regular one of at most
 * SCN_MAX_FILE_BYTES has no text). Returns NULL only when out of memory. The record
 * stays where it is for the whole load, however many files are added after it. */
scn_src *scn_file_of(scn_ctx *c, const char *raw)
{
    if (!raw)
        raw = c->path;
    char *path = open_path(c, raw);
    if (!path) {
        c->nomem = 1;
        return NULL;
    }
    for (size_t i = 0; i < c->nfiles; i++)
        if (strcmp(c->files[i]->path, path) == 0) {
            free(path);
            return c->files[i];
        }
    scn_src *f = calloc(1, sizeof *f);
    if (!f || scn_grow(c, (void **)&c->files, &c->capfiles, c->nfiles + 1, sizeof *c->files) < 0) {
        free(f);
        free(path);
        c->nomem = 1;
        return NULL;
    }
    f->raw = scn_strdup(raw);
    f->path = path;
    c->files[c->nfiles++] = f;
    if (!f->raw) {
        c->nomem = 1;
        return NULL;
    }
    scn_read_whole(f);
    if (f->text && scn_scan_literals(c, f) < 0)
        return NULL;
    return f;
}

/* Line `line` (1-based) of f's text copied into buf (without the newline); "" if none. */
static void line_of(const scn_src *f, unsigned line, char *buf, size_t n)
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

/* ==== traps and parse errors =========================================================== */

/* Report why the file at path (shown as shown, error on line `line`) is not a scenario
 * text, if it is not: a byte-order mark, or binary bytes. Returns 1 if it reported. */
int scn_check_text(scn_ctx *c, const scn_src *f)
{
    if (!f || !f->text)
        return 0;
    const unsigned char *t = (const unsigned char *)f->text;
    char loc[600];
    if (f->len >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF) {
        snprintf(loc, sizeof loc, "%s:1", f->path);
        scn_errf(c, loc, NULL,
                 "the file starts with a UTF-8 byte-order mark (bytes EF BB BF), which "
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
            scn_errf(c, loc, NULL, "not a text %s file (byte 0x%02X at offset %zu)",
                     c->what ? c->what : "scenario", t[i], i);
            return 1;
        }
    }
    return 0;
}

/* The path of `to` (absolute) relative to the directory `dir`, into out[n]: "../" for each
 * of dir's components below their common prefix, then the rest of to. Both are resolved
 * (realpath) where they exist, so "." and symbolic links do not count. 0, or -1 if dir
 * cannot be resolved or out is too short. */
static int relative_to(const char *dir, const char *to, char *out, size_t n)
{
    char d[PATH_MAX], t[2 * PATH_MAX], tdir[PATH_MAX];
    if (!realpath(dir, d))
        return -1;
    /* The target may not exist: resolve its folder, keep its name. */
    const char *slash = strrchr(to, '/');
    snprintf(tdir, sizeof tdir, "%.*s", slash && slash > to ? (int)(slash - to) : 1, to);
    if (!realpath(tdir, t))
        snprintf(t, sizeof t, "%s", tdir);
    size_t tl = strlen(t);
    snprintf(t + tl, sizeof t - tl, "/%s", slash ? slash + 1 : to);
    size_t i = 0, common = 0; /* length of the common prefix, at a component's end */
    while (d[i] && d[i] == t[i]) {
        i++;
        if (d[i] == '/' || (!d[i] && t[i] == '/'))
            common = i;
    }
    if (!strcmp(d, "/"))
        common = 0;
    size_t w = 0;
    for (const char *p = d + common; *p; p++)
        if (*p == '/' && w + 4 < n) {
            memcpy(out + w, "../", 3);
            w += 3;
        }
    int k = snprintf(out + w, n - w, "%s", t + common + 1);
    return k < 0 || (size_t)k >= n - w ? -1 : 0;
}

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-*"

/* The first setting name that the line defines twice within one group (a one-line group
 * such as `overrides = { a = 1; a = 2; };`, where libconfig reports the line only), with its
 * length in *n; NULL if none does. Strings and comments are skipped; a group's names are
 * forgotten when it closes. */
static const char *repeated_on_line(const char *line, size_t *n)
{
    enum { DEPTH = 16, NAMES = 64 };
    struct {
        const char *at[NAMES];
        size_t len[NAMES], k;
    } g[DEPTH];
    size_t depth = 0;
    g[0].k = 0;
    for (const char *p = line; *p; p++) {
        if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
            break; /* a comment to the line's end */
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            if (!end)
                break;
            p = end + 1;
        } else if (*p == '"') {
            while (*++p && *p != '"')
                if (*p == '\\' && p[1])
                    p++;
            if (!*p)
                break;
        } else if (*p == '{' || *p == '(') {
            if (depth + 1 < DEPTH)
                g[++depth].k = 0;
        } else if (*p == '}' || *p == ')') {
            if (depth > 0)
                depth--;
            else
                g[0].k = 0; /* a group opened on an earlier line closed: another begins */
        } else if (strchr(NAME_CHARS, *p) && (p == line || !strchr(NAME_CHARS, p[-1]))) {
            size_t len = strspn(p, NAME_CHARS);
            const char *q = p + len;
            while (*q == ' ' || *q == '\t')
                q++;
            if (*q == '=' || *q == ':') {
                for (size_t i = 0; i < g[depth].k; i++)
                    if (g[depth].len[i] == len && !strncmp(g[depth].at[i], p, len)) {
                        *n = len;
                        return p;
                    }
                if (g[depth].k < NAMES) {
                    g[depth].at[g[depth].k] = p;
                    g[depth].len[g[depth].k++] = len;
                }
            }
            p += len - 1;
        }
    }
    return NULL;
}

/* The line on which a string opened that ran across lines up to the syntax error on line
 * `err`, or 0. libconfig lets a string run across lines, so a missing quote shows only
 * where the quotes next go wrong, often many lines on: the string's end is taken from a
 * later quote, and the text after it may open another that runs on (a chain, each
 * opening on the line the last closed). Blamed: the chain's first line, when the chain
 * ends on line `err` or is still open there. A string that spans lines and closes before
 * `err`, with no chain to it, is the user's own (the loader takes it) and is not blamed.
 * Scans as libconfig's lexer does: comments (#, //, C-style) outside strings, backslash
 * escapes inside. */
static unsigned open_string_line(const scn_src *f, unsigned err)
{
    if (!f || !f->text)
        return 0;
    const char *p = f->text, *end = f->text + f->len;
    unsigned line = 1, opened = 0, chain = 0, closed_at = 0;
    int in_str = 0, in_block = 0;
    for (; p < end && line <= err; p++) {
        if (*p == '\n') {
            line++;
        } else if (in_block) {
            if (p[0] == '*' && p + 1 < end && p[1] == '/')
                in_block = 0, p++;
        } else if (in_str) {
            if (*p == '\\' && p + 1 < end && p[1] != '\n') {
                p++;
            } else if (*p == '"') {
                in_str = 0;
                if (line > opened) { /* it ran across lines */
                    if (line == err)
                        return chain;
                    closed_at = line;
                }
            }
        } else if (*p == '"') {
            in_str = 1;
            opened = line;
            if (closed_at != line)
                chain = line;
        } else if (*p == '#' || (p[0] == '/' && p + 1 < end && p[1] == '/')) {
            while (p + 1 < end && p[1] != '\n')
                p++;
        } else if (p[0] == '/' && p + 1 < end && p[1] == '*') {
            in_block = 1;
            p++;
        }
    }
    return in_str && chain < err ? chain : 0;
}

/* Turn libconfig's parse error into a useful message. */
void scn_report_parse_error(scn_ctx *c)
{
    const char *raw = config_error_file(c->cfg);
    int line = config_error_line(c->cfg);
    const char *text = config_error_text(c->cfg);
    scn_src *f = scn_file_of(c, raw);
    const char *shown = f ? f->path : raw ? raw : c->path;
    if (f && scn_check_text(c, f))
        return;
    char loc[600], src[512];
    unsigned at;
    snprintf(loc, sizeof loc, "%s:%d", shown, line > 0 ? line : 1);
    line_of(f, line > 0 ? (unsigned)line : 0, src, sizeof src);
    if (text && !strcmp(text, "cannot open include file")) {
        const char *q1 = strchr(src, '"'), *q2 = q1 ? strchr(q1 + 1, '"') : NULL;
        char rel[PATH_MAX], abs[PATH_MAX];
        if (q1 && q2 && q1[1] == '/' &&
            snprintf(abs, sizeof abs, "%.*s", (int)(q2 - q1 - 1), q1 + 1) < (int)sizeof abs &&
            relative_to(c->incdir, abs, rel, sizeof rel) == 0)
            scn_errf(c, loc, NULL,
                     "cannot open include file \"%s\": an @include path is read relative to "
                     "the directory of the %s file given to stepsim, absolute or not "
                     "(libconfig 1.5 puts that directory before it); from there write \"%s\"",
                     abs, c->what ? c->what : "scenario", rel);
        else if (q1 && q2)
            scn_errf(c, loc, NULL,
                     "cannot open include file \"%.*s\" (looked for %s%s%.*s: @include "
                     "paths are relative to the directory of the %s file given to stepsim)",
                     (int)(q2 - q1 - 1), q1 + 1, strcmp(c->incdir, ".") ? c->incdir : "",
                     strcmp(c->incdir, ".") ? "/" : "", (int)(q2 - q1 - 1), q1 + 1,
                     c->what ? c->what : "scenario");
        else
            scn_errf(c, loc, NULL, "cannot open include file");
    } else if (text && !strcmp(text, "duplicate setting name")) {
        size_t n = 0;
        const char *p = NULL;
        const scn_src *first = NULL; /* where the name was first defined, if known */
        unsigned first_line = 0;
        if (c->dup_file && f && c->dup_file == f && (int)c->dup_line == line) {
            p = c->dup_name; /* found as libconfig read: the line may hold several */
            n = strlen(p);
            first = c->dup_first_file;
            first_line = c->dup_first_line;
        }
        if (!p)
            p = repeated_on_line(src, &n);
        if (!p) { /* the line's first setting repeats one of an earlier line */
            p = src;
            while (*p == ' ' || *p == '\t')
                p++;
            n = strspn(p, NAME_CHARS);
        }
        /* The overrides group, or the variant group after it: one of each a scenario. */
        const char *layer = n == 9 && !strncmp(p, OVERRIDES, 9) ? OVERRIDES
                            : n == 7 && !strncmp(p, VARIANT, 7) ? VARIANT
                                                                : NULL;
        int is_overrides = layer != NULL, is_variant = layer && !strcmp(layer, VARIANT);
        int again = first && c->dup_again; /* one file read twice: not the line's fault */
        unsigned earlier = 0; /* this file's own line holding the first overrides group */
        if (again)
            ;
        else if (is_overrides && first)
            earlier = first == f ? first_line : 0;
        else if (is_overrides)
            for (unsigned i = 1; f && line > 0 && i < (unsigned)line && !earlier; i++) {
                char prev[512];
                line_of(f, i, prev, sizeof prev);
                const char *q = prev + strspn(prev, " \t");
                if (!strncmp(q, layer, n) && strchr(" \t=:", q[n]))
                    earlier = i;
            }
        if (again)
            scn_errf(c, loc, NULL,
                     "duplicate setting '%.*s': this file is included more than once, and "
                     "each reading defines it (a key may be defined once per group): include "
                     "the file once", (int)n, p);
        else if (is_overrides && earlier)
            scn_errf(c, loc, NULL,
                     "duplicate setting '%s': this file has %s %s group already (line %u), "
                     "and a file may have one: merge the two groups' keys into it", layer,
                     is_variant ? "a" : "an", layer, earlier);
        else if (is_overrides && first && c->dup_first_includes)
            scn_errf(c, loc, NULL,
                     "duplicate setting '%s': %s:%u, which includes this file, has %s %s group "
                     "already, and a scenario may have one: merge the two groups' keys into "
                     "one, or give the extra keys with --set", layer, first->path, first_line,
                     is_variant ? "a" : "an", layer);
        else if (is_variant && first) /* the included file's is a variant of a variant */
            scn_errf(c, loc, NULL,
                     "duplicate setting 'variant': %s:%u, which this file @includes, has a "
                     "variant group already, and a scenario may have one (after its overrides "
                     "group): include the file that one includes and merge both groups' keys "
                     "into this file's variant, or give the extra keys with --set",
                     first->path, first_line);
        else if (is_variant)
            scn_errf(c, loc, NULL,
                     "duplicate setting 'variant': the file this one @includes already has a "
                     "variant group, and a scenario may have one (after its overrides group): "
                     "include the file that one includes and merge both groups' keys into "
                     "this file's variant, or give the extra keys with --set");
        else if (is_overrides && c->variant_file && c->variant_file != f)
            /* A variant group elsewhere: the advice below would be refused as a second. */
            scn_errf(c, loc, NULL,
                     "duplicate setting 'overrides': the file this one @includes already has "
                     "an overrides group, and a file may have one; nor can this file's "
                     "changes be a variant group, as %s:%u has the scenario's one: give them "
                     "with --set, or @include the file with the overrides group and give that "
                     "variant's keys and this file's in one variant group here",
                     c->variant_file->path, c->variant_line);
        else if (is_overrides) /* the hint below would be this */
            scn_errf(c, loc, NULL,
                     "duplicate setting 'overrides': the file this one @includes already has "
                     "an overrides group, and a file may have one: give this file's changes "
                     "in a variant = { ... } group instead (applied after that overrides "
                     "group), or with --set");
        else if (first && first == f && first_line == (unsigned)line)
            /* Both in this file's own group: the @include advice below does not apply. */
            scn_errf(c, loc, NULL,
                     "duplicate setting '%.*s': a key may be defined once per group, and this "
                     "line defines it twice: give it once", (int)n, p);
        else if (first && first == f)
            scn_errf(c, loc, NULL,
                     "duplicate setting '%.*s': a key may be defined once per group, and line "
                     "%u defines it already: give it once", (int)n, p, first_line);
        else if (first && c->dup_first_includes) /* by a file that includes this one */
            scn_errf(c, loc, NULL,
                     "duplicate setting '%.*s': a key may be defined once per group, and %s:%u, "
                     "which includes this file, defines it already: give it once (to change "
                     "a key that an included file defines, @include it first and give the key "
                     "in an overrides = { ... } group)", (int)n, p, first->path, first_line);
        else if (first) /* first defined by an included file */
            scn_errf(c, loc, NULL,
                     "duplicate setting '%.*s': a key may be defined once per group, and %s:%u "
                     "(included) defines it already (to change a key that an @include "
                     "defines, use an overrides = { ... } group; a file may have one, so where "
                     "the included file has one already, give the key in a variant = { ... } "
                     "group, after it, or with --set)", (int)n, p, first->path, first_line);
        else
            scn_errf(c, loc, NULL,
                     "duplicate setting%s%.*s%s: a key may be defined once per group (to change "
                     "a key that an @include defines, use an overrides = { ... } group; a file "
                     "may have one, so where the included file has one already, give the key "
                     "in a variant = { ... } group, after it, or with --set)",
                     n ? " '" : "", (int)n, p, n ? "'" : "");
    } else if (text && !strcmp(text, "mismatched element type in array")) {
        scn_errf(c, loc, NULL, "mismatched element type in array: write every element the same "
                 "way (1.0 rather than 1 in an array of numbers)");
    } else if (line > 0 && (at = open_string_line(f, (unsigned)line)) != 0) {
        char open_src[512];
        line_of(f, at, open_src, sizeof open_src);
        const char *p = open_src;
        while (*p == ' ' || *p == '\t')
            p++;
        snprintf(loc, sizeof loc, "%s:%u", shown, at);
        scn_errf(c, loc, NULL, "a string opened on this line is not closed on it, in: %.80s "
                 "(libconfig read on to line %d: %s)", p, line, text ? text : "syntax error");
    } else {
        const char *p = src;
        while (*p == ' ' || *p == '\t')
            p++;
        /* "staff.pwp.headcount = 10;": a --set path written in a file. */
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
        int dotted = n && p[n] == '.' && strpbrk(p + n, "=:");
        if (*p && dotted)
            scn_errf(c, loc, NULL, "%s, in: %.80s (a dotted key path is for --set; in a file "
                     "nest groups: %.*s = { ... };)", text ? text : "syntax error", p, (int)n, p);
        else if (*p)
            scn_errf(c, loc, NULL, "%s, in: %.80s", text ? text : "syntax error", p);
        else
            scn_errf(c, loc, NULL, "%s", text ? text : "syntax error");
    }
}

const char *scn_wrap_advice(const scn_ctx *c, const char *key, const char *text, char *buf,
                            size_t n)
{
    char *end;
    if (!strcmp(key, "seed")) {
        /* A seed takes the 64 bits: a decimal up to 2^63 - 2, beyond that in hexadecimal
         * (load_seed), which libconfig reads as its bits, up to 0xFFFFFFFFFFFFFFFE. */
        int hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        errno = 0;
        unsigned long long u = text[0] == '-' ? 0 : strtoull(text, &end, 0);
        int fits = text[0] != '-' && errno != ERANGE && end != text && u != ULLONG_MAX;
        if (fits && (hex || u < (unsigned long long)LLONG_MAX))
            snprintf(buf, n, "; write %sL for a 64-bit value", text);
        else if (fits)
            snprintf(buf, n, "; write it in hexadecimal, 0x%016llXL, as a decimal past "
                     "9223372036854775806 cannot be held", u);
        else
            snprintf(buf, n, ", outside what this key takes: an integer in [0, "
                     "9223372036854775806], or in hexadecimal up to 0xFFFFFFFFFFFFFFFEL");
        return buf;
    }
    errno = 0;
    (void)strtoll(text, &end, 0);
    int takes = errno != ERANGE && end != text && c->wide_ints;
    const pw_field *f = takes ? NULL : scn_field_by_path(key);
    char want[128];
    if (takes)
        snprintf(buf, n, "; write %sL for a 64-bit value", text);
    else if (f && (f->kind == PW_F_INT || f->kind == PW_F_NUM)) {
        scn_describe(f, want, sizeof want);
        snprintf(buf, n, ", outside what this key takes: %s", want);
    } else
        snprintf(buf, n, ", outside what this key takes");
    return buf;
}

/* Report settings whose integer libconfig 1.5 wrapped to 32 bits; walk every setting. */
void scn_check_wrapped(scn_ctx *c, const config_setting_t *s, const char *key)
{
    int t = config_setting_type(s);
    if (t == CONFIG_TYPE_INT) {
        const scn_origin *o = config_setting_get_hook(s);
        if (o && o->set_arg) /* checked when parsed */
            return;
        const config_setting_t *src = o && o->src ? o->src : s;
        scn_src *f = scn_file_of(c, config_setting_source_file(src));
        if (!f)
            return;
        int v = config_setting_get_int(s);
        unsigned line = config_setting_source_line(src);
        /* The literals are in line order: the first on this line by bisection, so a file
         * of many wrapped literals is not quadratic. */
        size_t lo = 0, hi = f->nlits;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (f->lits[mid].line < line)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < f->nlits && f->lits[i].line == line; i++) {
            scn_lit *l = &f->lits[i];
            if (l->used || l->wrapped != v)
                continue;
            l->used = 1;
            char advice[128];
            scn_err_at(c, s, key, "integer %s does not fit in 32 bits (libconfig reads it as "
                       "%d)%s", l->text, v, scn_wrap_advice(c, key, l->text, advice,
                                                            sizeof advice));
            if (scn_grow(c, (void **)&c->poisoned, &c->cappoisoned, c->npoisoned + 1,
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
        if (config_setting_is_root(s) && (!strcmp(config_setting_name(e), OVERRIDES) ||
                                           !strcmp(config_setting_name(e), VARIANT) ||
                                           !strcmp(config_setting_name(e), SERVICES)))
            continue; /* checked through the copies they made */
        char k[KEYMAX];
        if (group)
            scn_subkey(k, key, config_setting_name(e));
        else
            scn_elemkey(k, key, i);
        scn_check_wrapped(c, e, k);
    }
}
