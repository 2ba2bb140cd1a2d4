/* Scenario loader: the referrals group's three ways of giving the rate, and the CSV file of
 * weekly counts that the third replays.
 *
 *   per_week + self_referral_share      one rate; each referral's source drawn at the share
 *   gp_per_week + self_per_week         a rate per source, each with its own growth
 *                                       (gp_growth_per_year, self_growth_per_year; both
 *                                       default to growth_per_year)
 *   weekly_counts = "FILE.csv"          week k of the run has the file's k-th count as its
 *                                       mean; weekly_counts_repeat cycles through the file
 *
 * Exactly one way; keys of another are errors naming both, unless a later layer set it
 * (an overrides group, --set): then it replaces the earlier way (latest_way). The file: a header
 * `week,referrals` (sources drawn at self_referral_share) or `week,gp,self` (the week's
 * self share is self / (gp + self)), then one row a week, weeks consecutive integers;
 * blank lines and lines starting with # are skipped, a byte-order mark and CR line ends
 * allowed. A relative path is taken from the folder of the file that sets the key (from
 * the current folder for --set), and kept absolute, so the printed scenario reads it back
 * from anywhere. Every problem is a message naming the file, line and column.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "scn_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/pw_world.h"

/* A week's count: per_week's bound (scn_schema.c's MAX_PER_WEEK). */
#define MAX_WEEK_COUNT 100000.0
/* Messages about one file before the rest are left unsaid. */
#define MAX_FILE_ERRORS 10
/* Characters of a cell kept for a message. */
#define CELL_MAX 48

/* ==== the file ========================================================================= */

/* Columns a header may name, in the order they are stored. */
enum { COL_WEEK, COL_REFERRALS, COL_GP, COL_SELF, COL_N };
static const char *const col_names[COL_N] = {"week", "referrals", "gp", "self"};
#define HEADERS "a header week,referrals or week,gp,self"

/* One read of a file: where messages go and how many there were. */
typedef struct csv_read {
    scn_ctx *c;
    const char *shown; /* the path as messages show it */
    const char *key;   /* referrals.weekly_counts */
    unsigned line;
    int nerr;
} csv_read;

/* A message at the current line of the file (after MAX_FILE_ERRORS, one saying so). */
__attribute__((format(printf, 2, 3))) static void csv_err(csv_read *rd, const char *fmt, ...)
{
    if (rd->nerr++ > MAX_FILE_ERRORS)
        return;
    char loc[PW_MAX_PATH + 16], body[512];
    snprintf(loc, sizeof loc, "%s:%u", rd->shown, rd->line);
    if (rd->nerr > MAX_FILE_ERRORS) {
        scn_errf(rd->c, loc, rd->key, "more problems in this file are not shown");
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    scn_errf(rd->c, loc, rd->key, "%s", body);
}

/* Cell text [a, b) trimmed of blanks (and of one pair of double quotes) into out[CELL_MAX],
 * bytes that are not printable shown as '?'. Returns 1 if it fit. */
static int cell(const char *a, const char *b, char *out)
{
    while (a < b && (*a == ' ' || *a == '\t'))
        a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
        b--;
    if (b - a >= 2 && *a == '"' && b[-1] == '"')
        a++, b--;
    size_t n = 0;
    for (; a < b && n + 1 < CELL_MAX; a++)
        out[n++] = isprint((unsigned char)*a) ? *a : '?';
    out[n] = '\0';
    return a == b;
}

/* Split line [a, b) at commas into at most max cells (their text in cells[]). Returns the
 * number of cells, max + 1 if there were more; a cell too long is cut (*long_cell: its
 * number from 1, else 0). */
static int split(const char *a, const char *b, char cells[][CELL_MAX], int max, int *long_cell)
{
    int n = 0;
    *long_cell = 0;
    for (;;) {
        const char *e = memchr(a, ',', (size_t)(b - a));
        if (!e)
            e = b;
        if (n == max)
            return max + 1;
        if (!cell(a, e, cells[n++]) && !*long_cell)
            *long_cell = n;
        if (e == b)
            return n;
        a = e + 1;
    }
}

/* The header in cells[0..n): each column's cell index into col[] (-1: absent). Returns 1,
 * or 0 after a message. */
static int read_header(csv_read *rd, char cells[][CELL_MAX], int n, int col[COL_N])
{
    for (int k = 0; k < COL_N; k++)
        col[k] = -1;
    for (int i = 0; i < n && i < COL_N; i++) { /* split() fills COL_N cells at most */
        int k = 0;
        while (k < COL_N && strcmp(cells[i], col_names[k]) != 0)
            k++;
        if (k == COL_N) {
            csv_err(rd, "unknown column \"%s\" in the header (expected %s)", cells[i], HEADERS);
            return 0;
        }
        if (col[k] >= 0) {
            csv_err(rd, "column \"%s\" twice in the header (expected %s)", cells[i], HEADERS);
            return 0;
        }
        col[k] = i;
    }
    int total = col[COL_REFERRALS] >= 0, by_source = col[COL_GP] >= 0 || col[COL_SELF] >= 0;
    if (n > COL_N || col[COL_WEEK] < 0 || total == by_source ||
        (by_source && (col[COL_GP] < 0 || col[COL_SELF] < 0))) {
        csv_err(rd, "the header must name the columns week and referrals, or week, gp and "
                "self (got %s%d column%s; expected %s)", n > COL_N ? "more than " : "",
                n > COL_N ? COL_N : n, n == 1 ? "" : "s", HEADERS);
        return 0;
    }
    return 1;
}

/* A week's count from column `name`'s cell: a number in [0, MAX_WEEK_COUNT]. Returns 1,
 * or 0 after a message. */
static int read_count(csv_read *rd, const char *text, const char *name, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    /* Decimal only: strtod also reads hexadecimal ("0x10" as 16). */
    if (!*text || *end || strpbrk(text, "xX") || !isfinite(*v) || *v < 0 ||
        *v > MAX_WEEK_COUNT) {
        csv_err(rd, "column \"%s\" must be a number in [0, %g], the week's referrals (got "
                "\"%s\")", name, MAX_WEEK_COUNT, text);
        return 0;
    }
    return 1;
}

/* A week number: an integer in [0, INT_MAX]. Returns 1, or 0 after a message. */
static int read_week(csv_read *rd, const char *text, long *v)
{
    char *end;
    errno = 0;
    *v = strtol(text, &end, 10);
    if (!*text || *end || errno || *v < 0 || *v > INT_MAX) {
        csv_err(rd, "column \"week\" must be a whole week number >= 0 (got \"%s\")", text);
        return 0;
    }
    return 1;
}

/* Parse the text of a weekly counts file into r (week_total, week_self, n_weeks,
 * weekly_by_source). Messages through rd. */
static void parse_counts(csv_read *rd, const char *text, size_t len, pw_referrals *r)
{
    const char *p = text, *end = text + len;
    if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3; /* a byte-order mark, as spreadsheets write */
    const char *nul = memchr(text, '\0', len);
    if (nul) { /* binary: said once, at its line */
        rd->line = 1;
        for (const char *q = text; q < nul; q++)
            rd->line += *q == '\n';
        csv_err(rd, "a NUL byte: not a text file (expected %s, then a row a week)", HEADERS);
        return;
    }
    int col[COL_N], have_header = 0;
    unsigned header_line = 1;
    long first_week = 0;
    int first_unknown = 0; /* the rows so far had no readable week */
    size_t rows = 0;
    for (rd->line = 1; p < end && rd->nerr <= MAX_FILE_ERRORS; rd->line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end, *a = p;
        p = nl ? nl + 1 : end;
        if (e > a && e[-1] == '\r')
            e--;
        const char *q = a;
        while (q < e && (*q == ' ' || *q == '\t'))
            q++;
        if (q == e || *q == '#')
            continue; /* blank, or a comment */
        char cells[COL_N + 1][CELL_MAX];
        int long_cell, n = split(a, e, cells, COL_N, &long_cell);
        if (!have_header) {
            if (!read_header(rd, cells, n, col))
                return;
            have_header = 1;
            header_line = rd->line;
            r->weekly_by_source = col[COL_GP] >= 0;
            continue;
        }
        int want = r->weekly_by_source ? 3 : 2;
        if (n != want) {
            csv_err(rd, "a row must have %d fields, as the header (got %s%d)", want,
                    n > COL_N ? "at least " : "", n);
            continue;
        }
        if (long_cell) {
            csv_err(rd, "a field is too long (got \"%s...\"; expected a number)",
                    cells[long_cell - 1]);
            continue;
        }
        if (rows == PW_MAX_WEEKLY) {
            csv_err(rd, "too many weeks (got more than %d rows; expected at most %d, thirty "
                    "years)", PW_MAX_WEEKLY, PW_MAX_WEEKLY);
            return;
        }
        long week;
        double gp = 0, self = 0, total = 0;
        int week_ok = read_week(rd, cells[col[COL_WEEK]], &week);
        int counts_ok;
        if (r->weekly_by_source) {
            counts_ok = read_count(rd, cells[col[COL_GP]], "gp", &gp);
            counts_ok &= read_count(rd, cells[col[COL_SELF]], "self", &self);
            total = gp + self;
        } else {
            counts_ok = read_count(rd, cells[col[COL_REFERRALS]], "referrals", &total);
        }
        if (!counts_ok) /* reported: the file is refused */
            gp = self = total = 0;
        /* A row with a bad field (reported) still holds its week's place, so the rows after
         * it are not said to skip one: an unreadable week is taken as the one expected. */
        if (!week_ok && rows > 0 && !first_unknown)
            week = first_week + (long)rows;
        if (!week_ok && (rows == 0 || first_unknown)) {
            first_unknown = 1;
        } else if (rows == 0 || first_unknown) {
            first_week = week - (long)rows;
            first_unknown = 0;
        } else if (week != first_week + (long)rows) {
            csv_err(rd, "weeks must be consecutive (got week %ld after week %ld; expected "
                    "%ld)", week, first_week + (long)rows - 1, first_week + (long)rows);
            first_week = week - (long)rows; /* the rows after it are judged from it */
        }
        r->week_total[rows] = total;
        r->week_self[rows] = self;
        rows++;
    }
    if (rd->nerr)
        return;
    if (!have_header) {
        rd->line = 1;
        csv_err(rd, "empty (expected %s, then a row a week)", HEADERS);
    } else if (rows == 0) {
        rd->line = header_line;
        csv_err(rd, "no weeks after the header (expected a row a week)");
    }
    r->n_weeks = rows;
}

/* ==== referrals.weekly_counts ========================================================== */

/* Not given: no file, no weeks. */
static void dflt_weekly(void *base)
{
    pw_referrals *r = base;
    r->weekly_counts[0] = '\0';
    r->weekly_by_source = 0;
    r->n_weeks = 0;
    memset(r->week_total, 0, sizeof r->week_total);
    memset(r->week_self, 0, sizeof r->week_self);
}

/* The folder a relative path in setting s is taken from, into dir ("" for the current
 * one): that of the file that sets it (an overrides group's, a service's), or the current
 * folder for --set. */
static void base_dir(scn_ctx *c, const config_setting_t *s, char *dir, size_t n)
{
    const scn_origin *o = config_setting_get_hook(s);
    dir[0] = '\0';
    if (o && o->set_arg)
        return;
    const config_setting_t *src = o && o->src ? o->src : s;
    const char *file = config_setting_source_file(src);
    if (!file)
        file = c->path;
    const char *slash = strrchr(file, '/');
    size_t len = slash ? (size_t)(slash - file) + 1 : 0;
    if (len < n) {
        memcpy(dir, file, len);
        dir[len] = '\0';
    }
}

/* weekly_counts = "FILE.csv": the file resolved, read and parsed into the group's struct. */
static void load_weekly(scn_ctx *c, const config_setting_t *s, const char *key, void *base)
{
    pw_referrals *r = base;
    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        scn_wrong_type(c, s, key, "a string: the path of a CSV file of weekly referral counts");
        return;
    }
    const char *name = config_setting_get_string(s);
    const scn_origin *o = config_setting_get_hook(s);
    const char *from = o && o->set_arg ? "the current folder" : "the scenario file's folder";
    if (!name[0]) {
        scn_err_at(c, s, key, "must name a CSV file of weekly referral counts (got \"\")");
        return;
    }
    char dir[PW_MAX_PATH], shown[2 * PW_MAX_PATH], real[PATH_MAX];
    base_dir(c, s, dir, sizeof dir);
    snprintf(shown, sizeof shown, "%s%s", name[0] == '/' ? "" : dir, name);
    scn_src f = {.path = shown};
    if (!realpath(shown, real)) {
        scn_err_at(c, s, key, "cannot read \"%s\": %s (expected a CSV file of weekly referral "
                   "counts; a relative path is taken from %s)", shown, strerror(errno), from);
        return;
    }
    if (strlen(real) >= sizeof r->weekly_counts) {
        scn_err_at(c, s, key, "the path \"%s\" is too long (expected at most %zu bytes)", real,
                   sizeof r->weekly_counts - 1);
        return;
    }
    scn_read_whole(&f);
    if (!f.text) {
        char why[300];
        if (f.err == ENOMEM)
            c->nomem = 1;
        scn_file_why_as(&f, "CSV file", why, sizeof why);
        scn_err_at(c, s, key, "cannot read \"%s\": %s", shown, why);
        return;
    }
    csv_read rd = {.c = c, .shown = shown, .key = key};
    parse_counts(&rd, f.text, f.len, r);
    free(f.text);
    if (!rd.nerr)
        snprintf(r->weekly_counts, sizeof r->weekly_counts, "%s", real);
}

/* weekly_counts, when given: the absolute path. */
static void print_weekly(FILE *f, const void *base, const pw_field *fd, int indent)
{
    const pw_referrals *r = base;
    if (!r->weekly_counts[0])
        return;
    fprintf(f, "%*s%s = ", indent, "", fd->name);
    scn_print_string(f, r->weekly_counts);
    fputs(";\n", f);
}

const scn_hooks scn_weekly_counts_hooks = {
    .load = load_weekly, .dflt = dflt_weekly, .print = print_weekly};

/* ==== one way of giving the rate ======================================================= */

/* Member `name` of group g and its key. */
static const config_setting_t *member(const config_setting_t *g, const char *key,
                                      const char *name, char k[KEYMAX])
{
    scn_subkey(k, key, name);
    return config_setting_get_member(g, name);
}

/* "cannot be given with" key `other`: a message at member `name` of g. */
static void clash(scn_ctx *c, const config_setting_t *g, const char *key, const char *name,
                  const char *other, const char *why)
{
    char k[KEYMAX], ok[KEYMAX];
    const config_setting_t *s = member(g, key, name, k);
    if (scn_changed_part(s) && !config_setting_get_hook(s)) /* an entry a --set wrote */
        s = scn_changed_part(s);
    scn_subkey(ok, key, other);
    scn_err_at(c, s ? s : g, k, "cannot be given with %s (%s)", ok, why);
}

/* Member `name` of g missing: a message at g. */
static void missing(scn_ctx *c, const config_setting_t *g, const char *key, const char *name,
                    const char *expected)
{
    char k[KEYMAX];
    scn_subkey(k, key, name);
    scn_err_at(c, g, k, "missing (expected %s)", expected);
}

#define WAYS "give per_week and self_referral_share, or gp_per_week and self_per_week, or " \
             "weekly_counts"
#define SHARE_EXPECTED "a probability in [0, 1], the share of referrals that are self-referrals"

/* Is s inside the top-level services list (a service's overrides)? */
static int in_services(const config_setting_t *s)
{
    for (; s && !config_setting_is_root(s); s = config_setting_parent(s)) {
        const config_setting_t *up = config_setting_parent(s);
        const char *name = config_setting_name(s);
        if (up && config_setting_is_root(up) && name && !strcmp(name, SERVICES))
            return 1;
    }
    return 0;
}

/* The latest layer that set s or any entry inside it: 0 the file, 1 its overrides group,
 * 2 a service's overrides, 3 --set (which marks the entry it sets, not its list: until
 * 2026-12-08 `--set 'referrals.seasonality[7]=0.5'` beside a replayed file was dropped). */
static int layer_of(const config_setting_t *s)
{
    const scn_origin *o = config_setting_get_hook(s);
    int l = !o ? 0 : o->set_arg ? 3 : in_services(o->src) ? 2 : 1;
    for (int i = 0; l < 3 && config_setting_is_aggregate(s) && i < config_setting_length(s); i++) {
        int in = layer_of(config_setting_get_elem(s, (unsigned)i));
        l = in > l ? in : l;
    }
    return l;
}

/* Where member `name` of g was set, in the order the layers merge: -1 absent, else its
 * latest layer (layer_of). */
static int layer(const config_setting_t *g, const char *name)
{
    const config_setting_t *s = config_setting_get_member(g, name);
    return s ? layer_of(s) : -1;
}

/* The larger of a and b. */
static int max2(int a, int b) { return a > b ? a : b; }

/* A way of giving the rate set by a later layer (an overrides group over the file, a
 * service's overrides over both, --set over all) replaces the ways of earlier layers, with the keys that went only with them:
 * `--set referrals.weekly_counts=F.csv` on a scenario of per_week replays F, without the
 * scenario's per_week, seasonality, growth and step changes. Within one layer two ways
 * stay, for post_referrals to report. */
static void latest_way(const config_setting_t *g, pw_referrals *r)
{
    int one = layer(g, "per_week"), src = max2(layer(g, "gp_per_week"), layer(g, "self_per_week"));
    int weekly = layer(g, "weekly_counts"), top = max2(one, max2(src, weekly));
    if (one >= 0 && one < top)
        r->per_week = NAN;
    if (src >= 0 && src < top)
        r->gp_per_week = r->self_per_week = r->gp_growth_per_year = r->self_growth_per_year = NAN;
    if (weekly >= 0 && weekly < top) {
        dflt_weekly(r);
        r->weekly_counts_repeat = 0;
    }
    if (weekly == top && one < top && src < top) { /* replayed: nothing on top */
        if (layer(g, "seasonality") < top)
            for (int m = 0; m < 12; m++)
                r->seasonality[m] = 1.0;
        if (layer(g, "growth_per_year") < top)
            r->growth_per_year = 0;
        if (layer(g, "step_changes") < top) {
            r->n_step_changes = 0; /* every row at its default, as when not given */
            memset(r->step_changes, 0, sizeof r->step_changes);
        }
    }
    int share_given = (src == top && one < top) || (weekly == top && r->weekly_by_source);
    if (share_given && layer(g, "self_referral_share") < top)
        r->self_referral_share = NAN;
}

/* The referrals group: exactly one way of giving the rate (the latest layer's,
 * latest_way), with the keys that go with it; the per-source growth rates follow
 * growth_per_year when not given. */
static void post_referrals(scn_ctx *c, const config_setting_t *g, const char *key, void *base)
{
    pw_referrals *r = base;
    latest_way(g, r);
    int one = !isnan(r->per_week), by_source = !isnan(r->gp_per_week) || !isnan(r->self_per_week);
    int weekly = r->weekly_counts[0] != '\0';
    if (one + by_source + weekly == 0) {
        missing(c, g, key, "per_week", "a number > 0, the referrals a week; or gp_per_week and "
                "self_per_week; or weekly_counts = \"FILE.csv\"");
        return;
    }
    if (one && by_source)
        clash(c, g, key, isnan(r->gp_per_week) ? "self_per_week" : "gp_per_week", "per_week",
              "two rates for the same referrals: " WAYS);
    if (weekly && (one || by_source))
        clash(c, g, key, "weekly_counts", one ? "per_week" : "gp_per_week",
              "the file's counts are the rate: " WAYS);
    if (by_source) {
        if (isnan(r->gp_per_week))
            missing(c, g, key, "gp_per_week", "a number >= 0, GP referrals a week, given "
                    "with self_per_week");
        if (isnan(r->self_per_week))
            missing(c, g, key, "self_per_week", "a number >= 0, self-referrals a week, given "
                    "with gp_per_week");
        if (r->gp_per_week + r->self_per_week == 0) {
            char k[KEYMAX];
            const config_setting_t *s = member(g, key, "gp_per_week", k);
            scn_err_at(c, s ? s : g, k, "gp_per_week + self_per_week must be > 0 (got 0 + 0)");
        }
    }
    int share_from_file = weekly && r->weekly_by_source;
    if (!isnan(r->self_referral_share) && (by_source || share_from_file))
        clash(c, g, key, "self_referral_share", by_source ? "gp_per_week" : "weekly_counts",
              by_source ? "the self-referral share is self_per_week / (gp_per_week + "
                          "self_per_week)"
                        : "the file's gp and self columns give each week's self-referral "
                          "share");
    if (isnan(r->self_referral_share) && (one || (weekly && !share_from_file)))
        missing(c, g, key, "self_referral_share",
                one ? SHARE_EXPECTED : SHARE_EXPECTED " (the file has no gp and self columns)");
    if (!by_source) {
        if (!isnan(r->gp_growth_per_year))
            clash(c, g, key, "gp_growth_per_year", one ? "per_week" : "weekly_counts",
                  "it applies to gp_per_week only: " WAYS);
        if (!isnan(r->self_growth_per_year))
            clash(c, g, key, "self_growth_per_year", one ? "per_week" : "weekly_counts",
                  "it applies to self_per_week only: " WAYS);
    } else {
        /* Both sources' own growth given: growth_per_year would move nothing, so a value
         * other than 0 there is a mistake, not a default. */
        if (!isnan(r->gp_growth_per_year) && !isnan(r->self_growth_per_year) &&
            r->growth_per_year != 0)
            clash(c, g, key, "growth_per_year", "gp_growth_per_year and self_growth_per_year",
                  "each source has its own growth, so it would apply to neither");
        if (isnan(r->gp_growth_per_year))
            r->gp_growth_per_year = r->growth_per_year;
        if (isnan(r->self_growth_per_year))
            r->self_growth_per_year = r->growth_per_year;
    }
    if (weekly) {
        const char *why = "the file's counts are the rate week by week: seasonality, growth "
                          "and step changes are not applied on top";
        int season = 0;
        for (int m = 0; m < 12; m++)
            season |= r->seasonality[m] != 1.0;
        if (season)
            clash(c, g, key, "seasonality", "weekly_counts", why);
        if (r->growth_per_year != 0)
            clash(c, g, key, "growth_per_year", "weekly_counts", why);
        if (r->n_step_changes)
            clash(c, g, key, "step_changes", "weekly_counts", why);
    } else if (r->weekly_counts_repeat) {
        clash(c, g, key, "weekly_counts_repeat", one ? "per_week" : "gp_per_week",
              "it cycles through a weekly_counts file");
    }
}

const scn_hooks scn_referrals_checks = {.post = post_referrals};

void scn_check_weekly_cover(scn_ctx *c, const pw_params *p)
{
    const pw_referrals *r = &p->referrals;
    double weeks = ceil(pw_run_days(p) / 7.0);
    if (!r->n_weeks || r->weekly_counts_repeat || (double)r->n_weeks >= weeks)
        return;
    const char *k = "referrals.weekly_counts";
    const config_setting_t *s = config_lookup(c->cfg, k);
    scn_err_at(c, s ? s : config_root_setting(c->cfg), k,
               "\"%s\" holds %zu weeks, but the run lasts %g (warmup_weeks + horizon_weeks + "
               "the longest of followup_weeks, outcome_weeks and outcome_weeks_late): add weeks "
               "to the file, or set "
               "referrals.weekly_counts_repeat = true to cycle through it",
               s ? config_setting_get_string(s) : r->weekly_counts, r->n_weeks, weeks);
}
