/* Scenario loader: input hardening, before libconfig sees a file.
 *
 * libconfig 1.5 opens every @include itself (it has no include hook before 1.7) and trusts
 * what it opens: a directory makes its scanner exit the process ("input in flex scanner
 * failed", every collected message lost), a FIFO blocks for ever; and it is quadratic in
 * the members of a group. So each file is scanned here first, by the lexical rules of
 * libconfig 1.5's scanner (lib/scanner.l): comments (#, //, block), strings (spanning
 * lines, with escapes; adjacent pieces are one string), and an @include recognised only
 * where flex sees one, at the start of a line outside comments and strings. Each
 * @include is followed as libconfig follows it (the include directory joined to the
 * name, depth first, the scanner's state carried into and out of the included file, at
 * most SCN_INCLUDE_DEPTH deep), its file read through scn_file_of, which refuses anything
 * but a regular file of at most SCN_MAX_FILE_BYTES. On the way the limits of
 * scn_internal.h are checked: string length, settings per group, elements per array or
 * list, nesting, @include files read in all. Every problem is reported at FILE:LINE with
 * the key it belongs to and the count or size found; libconfig then runs only on input
 * that passed.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "scn_internal.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The longest @include name followed (a path). */
#define VET_NAME_MAX 1024

/* A character of a name or number token (the NUL of binary text is not). */
static int is_word(char ch)
{
    return ch && (isalnum((unsigned char)ch) || strchr("*-+._", ch));
}

/* What the scanner is inside, as libconfig's start conditions (INCLUDE is read whole
 * where it starts). As in flex, the state carries across the end of an included file. */
enum { V_INITIAL, V_COMMENT, V_STRING };

/* A group, array or list open at some depth (level 0, the top level, is a group). */
typedef struct vet_level {
    char kind;             /* '{' (and the top level), '[' or '(' */
    size_t count;          /* settings of a group; commas of an array or list */
    const scn_src *over_f; /* where it first went over its limit; reported with the */
    unsigned over_line;    /* count when it closes */
    char etype;            /* an array's element type so far: 's'tring, 'b'ool, 'i'nteger,
                              'f'loat, 0 none yet, 'x' reported */
    char key[KEYMAX];
} vet_level;

typedef struct vet {
    scn_ctx *c;
    int state;
    vet_level lv[SCN_MAX_NESTING + 1];
    int depth;               /* the innermost open level */
    int too_deep;            /* levels open past SCN_MAX_NESTING (not tracked) */
    char name[KEYMAX];       /* the last name read */
    char setting[KEYMAX];    /* the setting whose value is being read */
    int after_string;        /* the last token was a string: a next one joins it */
    size_t str_len;          /* bytes of the string being read, pieces joined */
    unsigned str_line;       /* where it started */
    const scn_src *str_file;
    unsigned com_line;       /* where the block comment being read started */
    const scn_src *com_file;
    unsigned ml_line;        /* the last string closed on a later line than it opened, */
    const scn_src *ml_file;  /* and where it closed: when a string opened on that line */
    unsigned mlc_line;       /* reaches the end, the quote that closed the first was */
    const scn_src *mlc_file; /* meant to open the second, and the first was left open */
    const char *name_at;     /* the last name read, in its file's text */
    size_t name_len;
    struct vet_name {        /* the names of the open groups' settings, innermost last */
        const char *at;
        size_t len;
        int depth;
        const scn_src *file; /* where it is defined */
        unsigned line;
        unsigned visit;      /* which reading of that file (one included twice is read twice) */
    } *names;
    size_t nnames, capnames;
    const scn_src *chain[SCN_INCLUDE_DEPTH + 1]; /* the files being read, each including
                                                    the next: chain[depth] is the innermost */
    unsigned includes;       /* files @included so far, repeats counted */
    unsigned visit;          /* the reading of a file under way: 0 the top file, then 1, 2,
                                ... each file an @include reads (a repeat read anew) */
    unsigned visits;         /* readings begun */
    int no_includes;         /* a --set value: @include is refused */
    int dup_reported;        /* a --set value repeats a key: reported once */
} vet;

/* "FILE:LINE" into buf; a --set value (no raw name) is placed by its argument alone. */
static void vet_loc(const scn_src *f, unsigned line, char *buf, size_t n)
{
    if (f->raw)
        snprintf(buf, n, "%s:%u", f->path, line);
    else
        snprintf(buf, n, "%s", f->path);
}

/* The key of the value being read at the current level ("referrals.per_week",
 * "workforce.hiring[2]"), or the level's own key when no name came first. */
static void vet_value_key(const vet *v, char *out)
{
    const vet_level *l = &v->lv[v->depth];
    if (l->kind != '{')
        scn_elemkey(out, l->key, l->count > INT_MAX ? INT_MAX : (int)l->count);
    else if (v->setting[0])
        scn_subkey(out, l->key, v->setting);
    else
        snprintf(out, KEYMAX, "%s", l->key);
}

/* A group, array or list opens at line `line` of f. */
static void vet_open(vet *v, const scn_src *f, unsigned line, char kind)
{
    if (v->too_deep || v->depth == SCN_MAX_NESTING) {
        if (!v->too_deep++) {
            char loc[600], key[KEYMAX];
            vet_loc(f, line, loc, sizeof loc);
            vet_value_key(v, key);
            scn_errf(v->c, loc, key, "nested too deep (got more than %d groups, arrays and "
                     "lists inside each other; expected at most %d, and a scenario nests 4)",
                     SCN_MAX_NESTING, SCN_MAX_NESTING);
        }
        return;
    }
    vet_level *l = &v->lv[v->depth + 1];
    vet_value_key(v, l->key);
    l->kind = kind;
    l->count = 0;
    l->over_f = NULL;
    l->etype = 0;
    v->depth++;
    v->setting[0] = '\0';
}

/* Report the innermost level if it went over its limit. */
static void vet_report_level(vet *v)
{
    const vet_level *l = &v->lv[v->depth];
    if (!l->over_f)
        return;
    char loc[600];
    vet_loc(l->over_f, l->over_line, loc, sizeof loc);
    if (l->kind == '{')
        scn_errf(v->c, loc, l->key[0] ? l->key : NULL,
                 "too many settings in one group (got %zu; expected at most %d, and a "
                 "scenario's groups hold a few dozen)", l->count, SCN_MAX_GROUP_KEYS);
    else
        scn_errf(v->c, loc, l->key, "too many elements in one %s (got %zu; expected at most "
                 "%d, and a scenario's longest holds 64)", l->kind == '[' ? "array" : "list",
                 l->count + 1, SCN_MAX_ELEMENTS);
}

/* A group, array or list closes (a stray closer is libconfig's to report). */
static void vet_close(vet *v)
{
    if (v->too_deep) {
        v->too_deep--;
    } else if (v->depth > 0) {
        vet_report_level(v);
        v->depth--;
        while (v->nnames && v->names[v->nnames - 1].depth > v->depth)
            v->nnames--;
    }
    v->setting[0] = '\0';
}

/* A key inside the overrides or the variant group as the key it sets ("overrides.seed"
 * and "variant.seed" are "seed"): both are merged into the scenario's own keys, and the
 * loader's later messages name them so. */
static void layer_key(char *key)
{
    static const char *const layers[] = {OVERRIDES ".", VARIANT "."};
    for (size_t i = 0; i < sizeof layers / sizeof *layers; i++) {
        size_t n = strlen(layers[i]);
        if (!strncmp(key, layers[i], n)) {
            memmove(key, key + n, strlen(key + n) + 1);
            return;
        }
    }
}

/* A setting named v->name_at opens in the innermost group at line `line` of f: the first
 * that repeats a name of its group is kept in the context (libconfig will stop there, and
 * say only "duplicate setting name" and a line), with its whole key and where the name
 * was first defined; in a --set value (libconfig's message would name no key) it is
 * reported here. Not tracked past a group's
 * limit, which is reported anyway (and would cost n^2). */
static void vet_name(vet *v, const scn_src *f, unsigned line)
{
    vet_level *l = &v->lv[v->depth];
    if (!v->name_at || l->count >= SCN_MAX_GROUP_KEYS)
        return;
    scn_ctx *c = v->c;
    int done = f->raw ? c->dup_file != NULL : v->dup_reported;
    for (size_t i = v->nnames; !done && i-- > 0 && v->names[i].depth == v->depth;) {
        if (v->names[i].len != v->name_len || memcmp(v->names[i].at, v->name_at, v->name_len))
            continue;
        char key[KEYMAX];
        scn_subkey(key, l->key, v->name);
        if (!f->raw) { /* a --set value */
            char loc[600];
            vet_loc(f, line, loc, sizeof loc);
            scn_errf(c, loc, key, "given twice in this value (a key may be given once per "
                     "group): give it once");
            v->dup_reported = 1;
            return;
        }
        layer_key(key);
        c->dup_file = f;
        c->dup_line = line;
        snprintf(c->dup_name, sizeof c->dup_name, "%s", key);
        c->dup_first_file = v->names[i].file;
        c->dup_first_line = v->names[i].line;
        /* Is that file one of those including f (chain[0..d), chain[d] being f)? */
        c->dup_first_includes = 0;
        c->dup_again = v->names[i].file == f && v->names[i].visit != v->visit;
        for (unsigned d = 0; d <= SCN_INCLUDE_DEPTH && v->chain[d] != f; d++)
            if (v->chain[d] == v->names[i].file)
                c->dup_first_includes = 1;
        break;
    }
    if (f->raw && v->depth == 0 && !c->variant_file && !strcmp(v->name, VARIANT)) {
        /* The variant group and the files including its file (chain[0..d), chain[d] f). */
        c->variant_file = f;
        c->variant_line = line;
        for (unsigned d = 0; d <= SCN_INCLUDE_DEPTH && v->chain[d] != f; d++)
            c->variant_by[c->nvariant_by++] = v->chain[d];
    }
    if (scn_grow(c, (void **)&v->names, &v->capnames, v->nnames + 1, sizeof *v->names) < 0)
        return;
    v->names[v->nnames].at = v->name_at;
    v->names[v->nnames].len = v->name_len;
    v->names[v->nnames].depth = v->depth;
    v->names[v->nnames].file = f;
    v->names[v->nnames].visit = v->visit;
    v->names[v->nnames++].line = line;
}

/* One more setting ('=' or ':') or element (',') at the innermost level. */
static void vet_count(vet *v, const scn_src *f, unsigned line, int is_setting)
{
    vet_level *l = &v->lv[v->depth];
    if (v->too_deep || (l->kind == '{') != is_setting)
        return; /* a syntax error, which libconfig reports */
    if (is_setting) {
        snprintf(v->setting, sizeof v->setting, "%s", v->name);
        vet_name(v, f, line);
    }
    l->count++;
    size_t n = is_setting ? l->count : l->count + 1;
    if (!l->over_f && n > (size_t)(is_setting ? SCN_MAX_GROUP_KEYS : SCN_MAX_ELEMENTS)) {
        l->over_f = f;
        l->over_line = line;
    }
}

/* The string being read ends (its pieces joined): report it if it is too long. */
static void vet_string_end(vet *v)
{
    v->after_string = 0;
    if (v->str_len <= SCN_MAX_STRING)
        return;
    char loc[600], key[KEYMAX];
    vet_loc(v->str_file, v->str_line, loc, sizeof loc);
    vet_value_key(v, key);
    scn_errf(v->c, loc, key, "string too long (got %zu bytes; expected at most %d, and no "
             "scenario key takes more than 255)", v->str_len, SCN_MAX_STRING);
}

/* At a line start of text t at i: libconfig's include_open, "[ \t]*@include[ \t]+\""?
 * Returns the offset just past the opening quote, or 0. */
static size_t include_open(const char *t, size_t i, size_t n)
{
    while (i < n && (t[i] == ' ' || t[i] == '\t'))
        i++;
    if (n - i < 9 || memcmp(t + i, "@include", 8) != 0)
        return 0;
    i += 8;
    size_t ws = i;
    while (i < n && (t[i] == ' ' || t[i] == '\t'))
        i++;
    return i > ws && i < n && t[i] == '"' ? i + 1 : 0;
}

static void vet_file(vet *v, const scn_src *f, unsigned depth);

/* @include "name" at line `line` of f, at include depth `depth`: the file libconfig will
 * open, read (a regular file of a scenario's size, else reported) and scanned in place. */
static void vet_include(vet *v, const scn_src *from, unsigned line, const char *name,
                        unsigned depth)
{
    char loc[600];
    vet_loc(from, line, loc, sizeof loc);
    if (v->no_includes) {
        scn_errf(v->c, loc, NULL, "@include \"%.200s\": a --set value cannot include a file",
                 name);
        return;
    }
    if (!*name) {
        /* The include folder itself, which libconfig's scanner would meet as a file and
         * exit the process on ("input in flex scanner failed"). */
        scn_errf(v->c, loc, NULL, "@include \"\": no file named (expected a scenario file's "
                 "name between the quotes)");
        return;
    }
    if (depth >= SCN_INCLUDE_DEPTH) {
        /* libconfig would say "include file nesting too deep", and no more. */
        scn_errf(v->c, loc, NULL, "@include \"%.200s\": files included too deep (got more than "
                 "%d, each including the next, from %s; expected at most %d: libconfig's "
                 "limit)", name, SCN_INCLUDE_DEPTH, v->chain[0]->path, SCN_INCLUDE_DEPTH);
        return;
    }
    if (++v->includes > SCN_MAX_INCLUDES) {
        if (v->includes == SCN_MAX_INCLUDES + 1)
            scn_errf(v->c, loc, NULL, "@include \"%.200s\": too many files included (got more "
                     "than %d, repeats counted; expected at most %d, and a variant includes "
                     "one)", name, SCN_MAX_INCLUDES, SCN_MAX_INCLUDES);
        return;
    }
    scn_src *f = scn_file_of(v->c, name);
    if (!f)
        return; /* out of memory: c->nomem */
    if (!f->text) {
        /* A missing or unreadable file is libconfig's to report ("cannot open include
         * file", reworded); anything else must not reach it. */
        if (f->mode || f->err == EFBIG) {
            char why[200];
            scn_file_why(f, why, sizeof why);
            scn_errf(v->c, loc, NULL, "@include \"%.200s\": %s %s", name, f->path, why);
        }
        return;
    }
    /* A file that includes itself, directly or through others, would go round until the
     * depth limit: say so, with the round. */
    char real[PATH_MAX], other[PATH_MAX];
    int have_real = realpath(f->path, real) != NULL;
    for (unsigned d = 0; d <= depth; d++) {
        const scn_src *g = v->chain[d];
        if (g == f || !strcmp(g->path, f->path) ||
            (have_real && realpath(g->path, other) && !strcmp(real, other))) {
            char round[1024];
            size_t w = 0;
            for (unsigned e = d; e <= depth && w < sizeof round; e++)
                w += (size_t)snprintf(round + w, sizeof round - w, "%s -> ", v->chain[e]->path);
            if (w < sizeof round)
                snprintf(round + w, sizeof round - w, "%s", f->path);
            scn_errf(v->c, loc, NULL, "@include \"%.200s\": a file includes itself (%s; "
                     "expected each file to include only files that do not include it)", name,
                     round);
            return;
        }
    }
    unsigned outer = v->visit;
    v->visit = ++v->visits;
    vet_file(v, f, depth + 1);
    v->visit = outer;
}

/* The rest of an @include's name from q, as <INCLUDE> reads it: \\ and \" are escapes,
 * any other backslash is dropped (flex's default rule echoes it rather than keep it).
 * Returns the offset of the closing quote (n if none); lines counts the newlines. */
static size_t include_name(const char *t, size_t q, size_t n, char *name, unsigned *lines)
{
    size_t len = 0, i;
    for (i = q; i < n && t[i] != '"'; i++) {
        if (t[i] == '\\') {
            if (i + 1 < n && (t[i + 1] == '\\' || t[i + 1] == '"'))
                i++;
            else
                continue;
        }
        *lines += t[i] == '\n';
        if (len < VET_NAME_MAX)
            name[len++] = t[i];
    }
    name[len] = '\0';
    return i;
}

/* An element of type t (token `tok`, or NULL for a string) in the innermost level: in an
 * array, every element must be of the first's type. libconfig says only "mismatched
 * element type in array", at a line and no key; here the element's key and what it is. */
static void vet_element(vet *v, const scn_src *f, unsigned line, char t, const char *tok)
{
    vet_level *l = &v->lv[v->depth];
    if (v->too_deep || l->kind != '[' || l->etype == 'x')
        return;
    if (!l->etype) {
        l->etype = t;
        return;
    }
    if (l->etype == t)
        return;
    static const char *const names[] = {"s", "a string",  "b", "a boolean", "i",
                                        "an integer", "I", "a 64-bit integer (L)", "f",
                                        "a float"};
    const char *was = "", *got = "";
    for (size_t k = 0; k < sizeof names / sizeof *names; k += 2) {
        if (names[k][0] == l->etype)
            was = names[k + 1];
        if (names[k][0] == t)
            got = names[k + 1];
    }
    char loc[600], key[KEYMAX], what[120];
    vet_loc(f, line, loc, sizeof loc);
    vet_value_key(v, key);
    layer_key(key);
    snprintf(what, sizeof what, "%s%s%s", got, tok ? ", " : "", tok ? tok : "");
    scn_errf(v->c, loc, key, "an array's elements must all be of one type (got %s, where the "
             "first is %s%s)", what, was,
             (t == 'i' || t == 'f') && (l->etype == 'i' || l->etype == 'f')
                 ? ": write every number with a decimal point, 1.0 rather than 1"
             : (t == 'i' || t == 'I') && (l->etype == 'i' || l->etype == 'I')
                 ? ": write every integer the same way, all with L or none"
                 : "");
    l->etype = 'x';
}

/* Scan f's text as libconfig 1.5's scanner does, at include depth `depth`. */
static void vet_file(vet *v, const scn_src *f, unsigned depth)
{
    const char *t = f->text;
    size_t n = f->len, i = 0;
    unsigned line = 1;
    if (depth <= SCN_INCLUDE_DEPTH)
        v->chain[depth] = f;
    int bol = 1; /* flex's "at the beginning of a line"; a new buffer starts at one */
    while (i < n && !v->c->nomem) {
        char ch = t[i];
        if (v->state == V_COMMENT) {
            if (ch == '*' && i + 1 < n && t[i + 1] == '/') {
                v->state = V_INITIAL;
                i += 2;
                bol = 0;
            } else {
                line += ch == '\n';
                bol = ch == '\n';
                i++;
            }
            continue;
        }
        if (v->state == V_STRING) {
            size_t k = 1;
            if (ch == '"') {
                if (v->str_file != f || v->str_line != line) {
                    v->ml_file = v->str_file;
                    v->ml_line = v->str_line;
                    v->mlc_file = f;
                    v->mlc_line = line;
                }
                v->state = V_INITIAL;
                v->after_string = 1;
                i++;
                bol = 0;
                continue;
            }
            if (ch == '\\' && i + 1 < n && t[i + 1] && strchr("nrtf\\\"", t[i + 1]))
                k = 2;
            else if (ch == '\\' && i + 3 < n && (t[i + 1] == 'x' || t[i + 1] == 'X') &&
                     isxdigit((unsigned char)t[i + 2]) && isxdigit((unsigned char)t[i + 3]))
                k = 4;
            line += ch == '\n';
            v->str_len++;
            i += k;
            bol = ch == '\n';
            continue;
        }
        size_t q = bol ? include_open(t, i, n) : 0;
        if (q) {
            if (v->after_string)
                vet_string_end(v);
            unsigned at = line;
            char name[VET_NAME_MAX + 1];
            i = include_name(t, q, n, name, &line);
            if (i >= n) {
                char loc[600];
                vet_loc(f, at, loc, sizeof loc);
                scn_errf(v->c, loc, NULL, "@include without its closing quote");
                return;
            }
            vet_include(v, f, at, name, depth);
            i++;
            bol = 0;
            continue;
        }
        bol = 0;
        if (ch == '\n' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f') {
            line += ch == '\n';
            bol = ch == '\n';
            i++;
            continue;
        }
        if (ch == '#' || (ch == '/' && i + 1 < n && t[i + 1] == '/')) {
            while (i < n && t[i] != '\n')
                i++;
            continue;
        }
        if (ch == '/' && i + 1 < n && t[i + 1] == '*') {
            v->state = V_COMMENT;
            v->com_line = line;
            v->com_file = f;
            i += 2;
            continue;
        }
        if (ch == '"') {
            if (!v->after_string) {
                v->str_len = 0;
                v->str_line = line;
                v->str_file = f;
                vet_element(v, f, line, 's', NULL);
            }
            v->state = V_STRING;
            i++;
            continue;
        }
        if (v->after_string)
            vet_string_end(v);
        if (is_word(ch)) {
            size_t s = i;
            while (i < n && is_word(t[i]))
                i++;
            /* The token as shown in a message: cut at 39 bytes, marked when cut. */
            char tok[48];
            size_t tl = i - s, shown = tl < 39 ? tl : 39;
            memcpy(tok, t + s, shown);
            strcpy(tok + shown, tl > shown ? "..." : "");
            if (isalpha((unsigned char)ch) || ch == '*') {
                size_t len = i - s < KEYMAX - 1 ? i - s : KEYMAX - 1;
                memcpy(v->name, t + s, len);
                v->name[len] = '\0';
                v->name_at = t + s;
                v->name_len = i - s;
                if ((tl == 4 && !strncasecmp(t + s, "true", 4)) ||
                    (tl == 5 && !strncasecmp(t + s, "false", 5)))
                    vet_element(v, f, line, 'b', tok);
            } else if (isdigit((unsigned char)ch) || strchr("+-.", ch)) {
                /* libconfig's kinds, read from the whole token: hexadecimal (0x or 0X) is
                 * an integer; otherwise a '.' or an exponent makes a float; an integer with
                 * L is a 64-bit one, which an array does not mix with plain ones. */
                size_t d = ch == '+' || ch == '-';
                int hex = tl > d + 1 && t[s + d] == '0' && (t[s + d + 1] == 'x' || t[s + d + 1] == 'X');
                int fl = 0;
                for (size_t k = s; !hex && k < i; k++)
                    fl |= t[k] == '.' || t[k] == 'e' || t[k] == 'E';
                int wide = !fl && (t[i - 1] == 'L' || t[i - 1] == 'l');
                vet_element(v, f, line, fl ? 'f' : wide ? 'I' : 'i', tok);
            }
            continue;
        }
        if (ch == '{' || ch == '[' || ch == '(')
            vet_open(v, f, line, ch);
        else if (ch == '}' || ch == ']' || ch == ')')
            vet_close(v);
        else if (ch == '=' || ch == ':')
            vet_count(v, f, line, 1);
        else if (ch == ',')
            vet_count(v, f, line, 0);
        else if (ch == ';')
            v->setting[0] = '\0';
        i++;
    }
}

/* Scan from the top file (or a --set value) and report what is still open at its end.
 * Returns 0, or -1 when it found a problem (reported in c) or ran out of memory (c->nomem). */
static int vet_run(scn_ctx *c, const scn_src *top, int no_includes, const char *key)
{
    vet *v = calloc(1, sizeof *v);
    if (!v) {
        c->nomem = 1;
        return -1;
    }
    v->c = c;
    v->lv[0].kind = '{';
    if (key) /* a --set value: its keys are under the key it sets */
        snprintf(v->lv[0].key, sizeof v->lv[0].key, "%s", key);
    v->no_includes = no_includes;
    size_t before = scn_nerrors(c);
    vet_file(v, top, 0);
    /* libconfig 1.5 ends a file inside a block comment or a string without a word: the
     * settings after the opening would vanish, and the run go on without them. */
    char loc[600];
    if (v->state == V_COMMENT) {
        vet_loc(v->com_file, v->com_line, loc, sizeof loc);
        scn_errf(c, loc, v->lv[0].key[0] ? v->lv[0].key : NULL,
                 "a comment opened here with /* is not closed: everything after "
                 "it would be read as comment (close it with */)");
    } else if (v->state == V_STRING && v->ml_file && v->str_file == v->mlc_file &&
               v->str_line == v->mlc_line) {
        /* A quote further on closed the string left open, and the quote after that opened
         * this one: the first is the one to close. */
        vet_loc(v->ml_file, v->ml_line, loc, sizeof loc);
        scn_errf(c, loc, v->lv[0].key[0] ? v->lv[0].key : NULL,
                 "a string opened on this line is not closed on it: a quote on "
                 "a later line closed it, and the input ends inside a string (close it on "
                 "its line)");
    } else if (v->state == V_STRING) {
        vet_loc(v->str_file, v->str_line, loc, sizeof loc);
        scn_errf(c, loc, v->lv[0].key[0] ? v->lv[0].key : NULL,
                 "a string opened here with \" is not closed: everything after "
                 "it would be read into it (close it with \")");
    }
    if (v->state == V_STRING || v->after_string)
        vet_string_end(v);
    v->too_deep = 0;
    for (; v->depth >= 0; v->depth--)
        vet_report_level(v);
    free(v->names);
    free(v);
    return scn_nerrors(c) > before || c->nomem ? -1 : 0;
}

int scn_vet(scn_ctx *c, const scn_src *top) { return vet_run(c, top, 0, NULL); }

int scn_vet_text(scn_ctx *c, const char *where, const char *key, const char *text)
{
    scn_src f;
    memset(&f, 0, sizeof f);
    f.path = (char *)where;
    f.text = (char *)text;
    f.len = strlen(text);
    return vet_run(c, &f, 1, key);
}
