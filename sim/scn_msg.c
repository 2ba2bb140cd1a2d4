/* Scenario loader: messages in compiler form, their locations, values and keys as a user
 * writes them, and suggestions for near misses.
 *
 * A message reads "FILE:LINE: KEY: MESSAGE (got X, expected Y)"; a setting merged in by
 * --set is placed as "--set ARG" instead, one merged by the overrides group at the line
 * of the override. The list is capped at SCN_MAX_ERRORS per load. Suggestions are by
 * case-blind edit distance (at most 2).
 */
#include "scn_internal.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ==== the message list ================================================================= */

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

int scn_errors_add(scn_errors *e, const char *msg)
{
    char *m = scn_strdup(msg);
    char **grown = m ? realloc(e->msg, (e->n + 1) * sizeof *e->msg) : NULL;
    if (!grown) {
        free(m);
        return -1;
    }
    e->msg = grown;
    e->cap = e->n + 1;
    e->msg[e->n++] = m;
    return 0;
}

void scn_errors_truncate(scn_errors *e, size_t n)
{
    for (; e->n > n; e->n--)
        free(e->msg[e->n - 1]);
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

int scn_grow(scn_ctx *c, void **arr, size_t *cap, size_t need, size_t size)
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

char *scn_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

size_t scn_escape(const char *s, char *buf, size_t n, int keep_lines)
{
    size_t len = 0, w = 0; /* the whole's length; the bytes written */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        int esc = (*p < 0x20 && !(keep_lines && (*p == '\n' || *p == '\t'))) || *p == 0x7f;
        size_t k = esc ? 4 : 1;
        if (w == len && len + k < n) {
            if (esc)
                snprintf(buf + w, 5, "\\x%02x", *p);
            else
                buf[w] = (char)*p;
            w += k;
        }
        len += k;
    }
    if (n > 0)
        buf[w] = '\0';
    return len;
}

/* A copy of msg with its control bytes but newline and tab written \xNN (scn_escape), so
 * that a value quoted in a message cannot drive the terminal (`--set 'policy="\x1b[2J"'`
 * once cleared it); NULL out of memory. */
static char *escaped_dup(const char *msg)
{
    size_t n = scn_escape(msg, NULL, 0, 1) + 1;
    char *d = malloc(n);
    if (d)
        scn_escape(msg, d, n, 1);
    return d;
}

/* Append one message (a copy of msg, escaped_dup). Past SCN_MAX_ERRORS, one summary line
 * instead, in compiler form as every message is (naming the scenario). */
static void add_msg(scn_ctx *c, const char *msg)
{
    scn_errors *e = c->errs;
    size_t mine = e->n - c->errs_start;
    if (mine > SCN_MAX_ERRORS)
        return;
    char summary[700];
    if (mine == SCN_MAX_ERRORS) {
        snprintf(summary, sizeof summary, "%s: more than %d errors; the rest are not shown",
                 c->path ? c->path : "scenario", SCN_MAX_ERRORS);
        msg = summary;
    }
    if (scn_grow(c, (void **)&e->msg, &e->cap, e->n + 1, sizeof *e->msg) < 0)
        return;
    char *m = escaped_dup(msg);
    if (!m) {
        c->nomem = 1;
        return;
    }
    e->msg[e->n++] = m;
}

size_t scn_nerrors(const scn_ctx *c) { return c->errs->n - c->errs_start; }

void scn_errf(scn_ctx *c, const char *loc, const char *key, const char *fmt, ...)
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

/* ==== locations ======================================================================== */

/* Where setting s came from: "FILE:LINE", or "--set ARG" for an override given on the
 * command line. The root (line 0) is placed on line 1 of the scenario. */
static void where(scn_ctx *c, const config_setting_t *s, char *buf, size_t n)
{
    const scn_origin *o = s ? config_setting_get_hook(s) : NULL;
    if (o && o->set_arg) {
        snprintf(buf, n, "--set %s", o->set_arg);
        return;
    }
    if (o && o->src)
        s = o->src;
    unsigned line = s ? config_setting_source_line(s) : 0;
    const char *raw = s && line ? config_setting_source_file(s) : NULL;
    scn_src *f = scn_file_of(c, raw);
    snprintf(buf, n, "%s:%u", f ? f->path : (raw ? raw : c->path), line ? line : 1);
}

void scn_err_at(scn_ctx *c, const config_setting_t *s, const char *key, const char *fmt, ...)
{
    char loc[600], body[1024];
    where(c, s, loc, sizeof loc);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    scn_errf(c, loc, key, "%s", body);
}

/* Was s changed from the file it came from: merged from an overrides group or a --set? */
static int changed(const config_setting_t *s)
{
    const scn_origin *o = s ? config_setting_get_hook(s) : NULL;
    return o && (o->src || o->set_arg);
}

const config_setting_t *scn_changed_part(const config_setting_t *s)
{
    if (!s || changed(s))
        return s;
    if (!config_setting_is_aggregate(s))
        return NULL;
    const config_setting_t *in = NULL;
    for (int i = 0; !in && i < config_setting_length(s); i++)
        in = scn_changed_part(config_setting_get_elem(s, (unsigned)i));
    return in;
}

void scn_err_pair(scn_ctx *c, const config_setting_t *a, const char *ka,
                  const config_setting_t *b, const char *kb, const char *fmt, ...)
{
    char loc[600], body[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    const config_setting_t *bc = scn_changed_part(b);
    if (bc && !changed(a)) {
        where(c, bc, loc, sizeof loc);
        scn_errf(c, loc, ka, "%s (%s is set here)", body, kb);
    } else {
        where(c, a, loc, sizeof loc);
        scn_errf(c, loc, ka, "%s", body);
    }
}

void scn_wrong_type(scn_ctx *c, const config_setting_t *s, const char *key,
                    const char *expected)
{
    char got[160];
    scn_fmt_typed(s, got, sizeof got);
    scn_err_at(c, s, key, "wrong type (got %s, expected %s)", got, expected);
}

/* ==== values =========================================================================== */

void scn_fmt_num(double v, char *buf, size_t n)
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

/* A string value quoted for a message: its first 48 bytes, not cutting a UTF-8 character,
 * quotes and backslashes escaped as a scenario file writes them (control bytes are the
 * message's to escape: escaped_dup). */
static void fmt_string(const char *str, char *buf, size_t n)
{
    size_t cut = strlen(str) > 48 ? 48 : strlen(str), len = 0;
    while (cut > 0 && cut < strlen(str) && ((unsigned char)str[cut] & 0xC0) == 0x80)
        cut--; /* a continuation byte: the character starts before */
    len += (size_t)snprintf(buf + len, n - len, "\"");
    for (size_t i = 0; i < cut && len + 5 < n; i++) {
        if (str[i] == '"' || str[i] == '\\')
            buf[len++] = '\\';
        buf[len++] = str[i];
    }
    snprintf(buf + len, n - len, "%s\"", cut < strlen(str) ? "..." : "");
}

void scn_fmt_value(const config_setting_t *s, char *buf, size_t n)
{
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        snprintf(buf, n, "%d", config_setting_get_int(s));
        break;
    case CONFIG_TYPE_INT64:
        snprintf(buf, n, "%lldL", config_setting_get_int64(s));
        break;
    case CONFIG_TYPE_FLOAT:
        scn_fmt_num(config_setting_get_float(s), buf, n);
        break;
    case CONFIG_TYPE_BOOL:
        snprintf(buf, n, "%s", config_setting_get_bool(s) ? "true" : "false");
        break;
    case CONFIG_TYPE_STRING:
        fmt_string(config_setting_get_string(s), buf, n);
        break;
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

void scn_fmt_typed(const config_setting_t *s, char *buf, size_t n)
{
    char v[128];
    scn_fmt_value(s, v, sizeof v);
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

/* ==== keys ============================================================================= */

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

void scn_subkey(char *out, const char *parent, const char *name)
{
    size_t len = 0;
    out[0] = '\0';
    if (parent && *parent) {
        keycat(out, &len, parent);
        keycat(out, &len, ".");
    }
    keycat(out, &len, name);
}

void scn_elemkey(char *out, const char *parent, int i)
{
    char idx[16];
    size_t len = 0;
    snprintf(idx, sizeof idx, "[%d]", i);
    out[0] = '\0';
    keycat(out, &len, parent);
    keycat(out, &len, idx);
}

/* ==== suggestions ====================================================================== */

int scn_edit_distance(const char *a, const char *b, int cap)
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

const char *scn_closest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    int bestd = 3; /* within two edits */
    for (size_t i = 0; i < n && names[i]; i++) {
        int d = scn_edit_distance(word, names[i], 2);
        if (d < bestd && d < (int)strlen(word)) { /* a short word is not everything's typo */
            bestd = d;
            best = names[i];
        }
    }
    if (best)
        return best;
    /* A name without its unit ("warmup" for warmup_weeks): the one key that starts so. */
    size_t len = strlen(word);
    int found = 0;
    for (size_t i = 0; i < n && names[i] && len >= 4; i++)
        if (!strncmp(names[i], word, len) && names[i][len] == '_') {
            best = names[i];
            found++;
        }
    return found == 1 ? best : NULL;
}

void scn_did_you_mean(const char *word, const char *const *names, size_t n, char *buf,
                      size_t len)
{
    const char *best = scn_closest(word, names, n);
    if (best)
        snprintf(buf, len, " (did you mean \"%s\"?)", best);
    else
        snprintf(buf, len, "%s", "");
}
