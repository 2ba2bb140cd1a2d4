/* Unit tests of the output writers: formatting, atomic files, every result file of a
 * synthetic three-replication run (workforce and costs included), byte-identical
 * rewrites, failures that leave nothing behind, the patients/events stream merge, and the
 * dashboard. */
#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "models/pw_results.h"
#include "sim/out_dashboard.h"
#include "sim/out_file.h"
#include "sim/out_metrics.h"
#include "sim/out_sha256.h"
#include "sim/out_stream.h"
#include "sim/out_write.h"

/* ======================================================================================
 * Helpers
 * ====================================================================================== */

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* A fresh directory under TMPDIR; the caller frees the name. */
static char *temp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *d = xcalloc(1, 512);
    snprintf(d, 512, "%s/test_out.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(d)) {
        fprintf(stderr, "mkdtemp failed\n");
        exit(1);
    }
    return d;
}

/* malloc'd "dir/name". */
static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = xcalloc(1, n);
    snprintf(s, n, "%s/%s", dir, name);
    return s;
}

/* The whole file as a string (NUL-terminated; *len its size), or NULL. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, k;
    char *s = xcalloc(1, cap + 1);
    while ((k = fread(s + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            s = realloc(s, 2 * cap + 1);
            if (!s)
                exit(1);
            cap *= 2;
        }
    }
    fclose(f);
    s[n] = '\0';
    if (len)
        *len = n;
    return s;
}

static char *slurp_in(const char *dir, const char *name)
{
    char *p = path_in(dir, name);
    char *s = slurp(p, NULL);
    free(p);
    return s;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Number of entries of dir (besides . and ..), and how many look temporary. */
static int dir_count(const char *dir, int *temps)
{
    DIR *d = opendir(dir);
    int n = 0;
    *temps = 0;
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        n++;
        if (strstr(e->d_name, ".tmp.") || strstr(e->d_name, ".part"))
            (*temps)++;
    }
    closedir(d);
    return n;
}

/* Remove dir and the files in it (one level, as the writers make). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *p = path_in(dir, e->d_name);
            remove(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* The first line of s (without "\n") in a static-free malloc'd string. */
static char *first_line(const char *s)
{
    size_t n = strcspn(s, "\n");
    char *l = xcalloc(1, n + 1);
    memcpy(l, s, n);
    return l;
}

/* The line of s containing needle (without "\n"), malloc'd; NULL if none. */
static char *line_with(const char *s, const char *needle)
{
    const char *m = strstr(s, needle);
    if (!m)
        return NULL;
    while (m > s && m[-1] != '\n')
        m--;
    return first_line(m);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Switch LC_NUMERIC to a decimal-comma locale if one is installed (set LOCPATH to a
 * localedef'd directory to provide one); its name, or NULL. */
static const char *comma_locale(void)
{
    const char *locs[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "de_DE"};
    for (size_t k = 0; k < sizeof locs / sizeof locs[0]; k++) {
        const char *got = setlocale(LC_NUMERIC, locs[k]);
        if (got)
            return got;
    }
    return NULL;
}

/* ---- A strict JSON validator (RFC 8259), enough to prove the files parse. ---- */

typedef struct jp {
    const char *s;
    int depth;
} jp;

static int j_value(jp *p);

static void j_ws(jp *p)
{
    while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
        p->s++;
}

static int j_string(jp *p)
{
    if (*p->s != '"')
        return 0;
    p->s++;
    while (*p->s != '"') {
        unsigned char c = (unsigned char)*p->s;
        if (c == '\0' || c < 0x20)
            return 0;
        if (c == '\\') {
            p->s++;
            if (*p->s == 'u') {
                for (int k = 1; k <= 4; k++)
                    if (!strchr("0123456789abcdefABCDEF", p->s[k]) || !p->s[k])
                        return 0;
                p->s += 5;
                continue;
            }
            if (!*p->s || !strchr("\"\\/bfnrt", *p->s))
                return 0;
        }
        p->s++;
    }
    p->s++;
    return 1;
}

static int j_digits(jp *p)
{
    const char *s0 = p->s;
    while (*p->s >= '0' && *p->s <= '9')
        p->s++;
    return p->s > s0;
}

static int j_number(jp *p)
{
    if (*p->s == '-')
        p->s++;
    if (*p->s == '0')
        p->s++;
    else if (!j_digits(p))
        return 0;
    if (*p->s == '.') {
        p->s++;
        if (!j_digits(p))
            return 0;
    }
    if (*p->s == 'e' || *p->s == 'E') {
        p->s++;
        if (*p->s == '+' || *p->s == '-')
            p->s++;
        if (!j_digits(p))
            return 0;
    }
    return 1;
}

static int j_container(jp *p, char open, char close, int object)
{
    if (*p->s != open || ++p->depth > 64)
        return 0;
    p->s++;
    j_ws(p);
    if (*p->s == close) {
        p->s++;
        p->depth--;
        return 1;
    }
    for (;;) {
        j_ws(p);
        if (object) {
            if (!j_string(p))
                return 0;
            j_ws(p);
            if (*p->s++ != ':')
                return 0;
        }
        if (!j_value(p))
            return 0;
        j_ws(p);
        if (*p->s == ',') {
            p->s++;
            continue;
        }
        if (*p->s != close)
            return 0;
        p->s++;
        p->depth--;
        return 1;
    }
}

static int j_value(jp *p)
{
    j_ws(p);
    switch (*p->s) {
    case '{':
        return j_container(p, '{', '}', 1);
    case '[':
        return j_container(p, '[', ']', 0);
    case '"':
        return j_string(p);
    case 't':
        return strncmp(p->s, "true", 4) == 0 ? (p->s += 4, 1) : 0;
    case 'f':
        return strncmp(p->s, "false", 5) == 0 ? (p->s += 5, 1) : 0;
    case 'n':
        return strncmp(p->s, "null", 4) == 0 ? (p->s += 4, 1) : 0;
    default:
        return j_number(p);
    }
}

/* Is s one valid JSON document? */
static int json_valid(const char *s)
{
    jp p = {s, 0};
    if (!j_value(&p))
        return 0;
    j_ws(&p);
    return *p.s == '\0';
}

/* The number after `"metric": {... "key": ` in summary.json; NAN if absent or null. */
static double json_metric(const char *json, const char *metric, const char *key)
{
    char pat[160];
    snprintf(pat, sizeof pat, "\"%s\": {", metric);
    const char *m = strstr(json, pat);
    if (!m)
        return NAN;
    const char *end = strchr(m, '}');
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *k = strstr(m, pat);
    if (!k || k > end)
        return NAN;
    k += strlen(pat);
    if (!strncmp(k, "null", 4))
        return NAN;
    return strtod(k, NULL);
}

/* ---- Synthetic results ---- */

#define NREPS 3

/* t(0.975, 2 df) in closed form: for 2 df, F(t) = 1/2 + t / (2 sqrt(2 + t^2)). */
static double t975_df2(void) { return sqrt(2.0 * 0.9025 / (1.0 - 0.9025)); }

/* Replication r of a small made-up run (numbers chosen so pooled values are exact). */
static void fill_rep(pw_results *x, int r)
{
    memset(x, 0, sizeof *x);
    x->replication = r;
    for (int m = 0; m < PW_M_N; m++)
        x->metric[m] = 0.01 * m + 0.001 * r;
    x->metric[PW_M_REFERRALS] = 1000 + 10 * r;
    x->metric[PW_M_RECOVERY_RATE_REPORTED] = 0.50 + 0.02 * r;
    x->metric[PW_M_STEP_UP_WAIT_DAYS_MEAN] = r == 1 ? NAN : 30.0 + r;
    x->metric[PW_M_STILL_IN_SYSTEM_SHARE] = NAN;
    x->metric[PW_M_SESSIONS_MEAN_RECOVERED] = NAN;
    x->metric[PW_M_RE_REFERRAL_SHARE] = r == 0 ? INFINITY : 0.1;
    x->metric[PW_M_COST_PER_REFERRAL_GBP] = 1750.25 + r;
    x->metric[PW_M_COST_PER_FINISHED_COURSE_GBP] = 3500.5;
    x->metric[PW_M_COST_PER_RECOVERY_GBP] = r == 1 ? NAN : 7000;
    x->metric[PW_M_COST_PER_TRUE_RECOVERY_GBP] = 9000;
    x->metric[PW_M_COST_PER_RECOVERY_CAUSED_GBP] = 20000;

    x->stages[PW_S_REFERRED] = 1000 + 10 * (uint64_t)r;
    for (int s = 1; s < PW_S_N; s++)
        x->stages[s] = x->stages[PW_S_REFERRED] / (uint64_t)(s + 1);
    uint64_t left = x->stages[PW_S_REFERRED];
    for (int e = 0; e < PW_X_N - 1; e++) {
        x->exits[e] = 50;
        left -= 50;
    }
    x->exits[PW_X_N - 1] = left;

    x->waits[PW_W_REFERRAL_TO_ASSESSMENT][0] = 10 + (uint64_t)r;
    x->waits[PW_W_REFERRAL_TO_ASSESSMENT][1] = 20;
    x->waits[PW_W_REFERRAL_TO_ASSESSMENT][PW_WAIT_WEEKS] = 1;
    x->waits[PW_W_REPORTED][3] = 5;

    pw_outcome_counts *o = &x->by_path[PW_P_STEP2_ONLY];
    o->n = 100;
    o->finishers = 50;
    o->reported_casers = 40;
    o->reported_recovered = 20 + (uint64_t)r;
    o->reported_reliable_improvement = 30;
    o->reported_reliable_recovery = 18;
    o->true_casers = 80;
    o->true_recovered = 30;
    o->true_reliable_improvement = 35;
    o->sessions_sum = 300.5;
    o->wait_to_treatment_sum_days = 4000.25;
    o->entered = 70;
    o->reported_finishers = 50;
    x->by_group[PW_G_ALL] = *o;

    x->scores.phq_start[15] = 5 + (uint64_t)r;
    x->scores.phq_change[27 - 6] = 4;

    /* Role 0 (pwp) has staff dynamics; role 1 (HIT-senior) has a salary bill but no one
     * counted in post, so its rates are undefined. */
    pw_role_stats *st = &x->roles[0];
    st->headcount_years = 50;
    st->fte_years = 40;
    st->leavers = 4 + (uint64_t)r;
    st->to_training = 1;
    st->starters = 5;
    st->sick_days = 320;
    st->tenure_years_sum = 25;
    st->in_post_end = 10;
    st->burnout_years = 12.5;
    st->salary_gbp = 1000000 + 1000 * r;
    st->oncost_gbp = 250000;
    st->training_gbp = 12000.5;
    st->salary_support_gbp = 60000;
    x->roles[1].salary_gbp = 500000;

    x->n_weeks = 2;
    x->weeks = xcalloc(2, sizeof *x->weeks);
    for (size_t w = 0; w < 2; w++) {
        x->weeks[w].waiting_assessment = 100 + (double)w;
        x->weeks[w].staff_in_post[0] = 10;
        x->weeks[w].staff_in_post[1] = 5;
        x->weeks[w].vacancies[1] = 1;
        x->weeks[w].in_training[1] = 2;
        x->weeks[w].burnout_mean = 0.25;
        x->weeks[w].burnout_p90 = 0.5;
        x->weeks[w].sessions = NAN; /* written empty */
        /* Week 1: 4 first treatments that waited 100 days in all (a mean of 25), 2 step-3
         * starts that waited 30 (15); week 0 none, so its means are empty. */
        x->weeks[w].treatment_starts = w ? 4 : 0;
        x->weeks[w].treatment_wait_days = w ? 100 : 0;
        x->weeks[w].step3_starts = w ? 2 : 0;
        x->weeks[w].step3_wait_days = w ? 30 : 0;
    }
}

/* Parameters with a name that needs quoting in CSV and escaping in JSON. */
static void fill_params(pw_params *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "Mid-size, \"test\" service");
    p->seed = 20181;
    p->replications = NREPS;
    p->horizon_weeks = 260;
    p->warmup_weeks = 52;
    p->followup_weeks = 26;
    p->n_roles = 2;
    snprintf(p->roles[0].name, PW_MAX_NAME, "pwp");
    p->roles[0].headcount = 10;
    p->roles[0].fte = 0.9;
    p->roles[0].does = PW_DOES_ASSESSMENT | PW_DOES_STEP2;
    snprintf(p->roles[1].name, PW_MAX_NAME, "HIT-senior");
    p->roles[1].headcount = 5;
    p->roles[1].fte = 1;
    p->roles[1].does = PW_DOES_STEP3;
}

/* reps in the array out of replication order: 2, 0, 1. */
static pw_results *make_reps(void)
{
    pw_results *reps = xcalloc(NREPS, sizeof *reps);
    fill_rep(&reps[0], 2);
    fill_rep(&reps[1], 0);
    fill_rep(&reps[2], 1);
    return reps;
}

static void free_reps(pw_results *reps)
{
    for (size_t i = 0; i < NREPS; i++)
        pw_results_free(&reps[i]);
    free(reps);
}

static const char *const result_files[] = {"summary.json", "summary.csv", "replications.csv",
                                           "waits.csv", "recovery.csv", "subgroups.csv",
                                           "flow.csv", "timeseries.csv", "workforce.csv",
                                           "costs.csv", "manifest.json"};
#define N_RESULT_FILES (sizeof result_files / sizeof result_files[0])

/* ======================================================================================
 * Formatting
 * ====================================================================================== */

static void test_numbers(void)
{
    char b[OUT_NUM_MAX];
    CHECK(!strcmp(out_fmt_num(b, 0.1), "0.1"), "0.1 -> \"0.1\", got \"%s\"", b);
    CHECK(!strcmp(out_fmt_num(b, 13000), "13000"), "13000 -> \"13000\", got \"%s\"", b);
    CHECK(!strcmp(out_fmt_num(b, -0.0), "0"), "-0 -> \"0\", got \"%s\"", b);
    CHECK(!strcmp(out_fmt_num(b, 1.0 / 3), "0.3333333333333333"),
          "1/3 needs 16 digits, got \"%s\"", b);
    CHECK(!strcmp(out_fmt_num(b, 0.1 + 0.2), "0.30000000000000004"),
          "0.1 + 0.2 needs 17 digits, got \"%s\"", b);
    CHECK(!strcmp(out_fmt_num(b, 1e300), "1e+300"), "1e300, got \"%s\"", b);
    CHECK(!strcmp(out_fmt_num(b, NAN), ""), "NaN -> \"\", got \"%s\"", b);
    CHECK(!strcmp(out_fmt_num(b, INFINITY), ""), "inf -> \"\", got \"%s\"", b);
    CHECK(!strcmp(out_fmt_num(b, -INFINITY), ""), "-inf -> \"\", got \"%s\"", b);
    CHECK(!strcmp(out_fmt_fixed(b, 1.5, 6), "1.500000"), "1.5 fixed 6, got \"%s\"", b);
    CHECK(!strcmp(out_fmt_fixed(b, -1e-9, 6), "0.000000"), "-1e-9 fixed 6, got \"%s\"", b);
    CHECK(!strcmp(out_fmt_fixed(b, -2.25, 1), "-2.3"), "-2.25 fixed 1 (ties away from 0), "
          "got \"%s\"", b);
    CHECK(!strcmp(out_fmt_fixed(b, 1234.0000004, 6), "1234.000000"), "rounds down, got \"%s\"",
          b);
    CHECK(!strcmp(out_fmt_fixed(b, 0.9999996, 6), "1.000000"), "carries, got \"%s\"", b);
    CHECK(!strcmp(out_fmt_fixed(b, -0.05, 0), "0"), "-0.05 fixed 0 -> 0, got \"%s\"", b);
    CHECK(!strcmp(out_fmt_fixed(b, 7, 0), "7"), "no point with 0 decimals, got \"%s\"", b);
    CHECK(!strcmp(out_fmt_fixed(b, 123456789.5, 6), "123456789.500000"), "large, got \"%s\"",
          b);
    CHECK(!strcmp(out_fmt_fixed(b, 1e14, 6), "100000000000000.000000"),
          "beyond 2^53 when scaled: printf path, got \"%s\"", b);
    /* Against printf over many values (ties aside, which random doubles never are). */
    char ref[64];
    int diff = 0;
    uint64_t v = 88172645463325252ULL;
    for (int k = 0; k < 100000 && !diff; k++) {
        v ^= v << 13, v ^= v >> 7, v ^= v << 17;
        double x = ((double)(v >> 11) / 9007199254740992.0 - 0.25) * 4000.0;
        snprintf(ref, sizeof ref, "%.6f", x);
        if (!strcmp(ref, "-0.000000"))
            continue;
        diff = strcmp(out_fmt_fixed(b, x, 6), ref) != 0;
    }
    CHECK(!diff, "fixed 6 agrees with printf: got \"%s\", printf \"%s\"", b, ref);
    CHECK(!strcmp(out_fmt_fixed(b, NAN, 6), ""), "NaN fixed -> \"\", got \"%s\"", b);

    /* Round trip: every double reads back exactly. */
    uint64_t u = 0x9E3779B97F4A7C15ULL;
    int bad = 0;
    for (int k = 0; k < 20000 && !bad; k++) {
        u ^= u << 13, u ^= u >> 7, u ^= u << 17;
        double x = (double)(u >> 11) / 9007199254740992.0 * pow(10, (int)(u % 40) - 20);
        out_fmt_num(b, x);
        bad = strtod(b, NULL) != x;
    }
    CHECK(!bad, "out_fmt_num round-trips every double (failed on \"%s\")", b);

    /* A locale with a decimal comma must not change the numbers. */
    const char *got = comma_locale();
    if (got) {
        char raw[32];
        snprintf(raw, sizeof raw, "%.1f", 0.5);
        CHECK(!strcmp(out_fmt_num(b, 0.25), "0.25"), "locale %s (printf gives %s): 0.25 -> "
              "\"0.25\", got \"%s\"", got, raw, b);
        CHECK(!strcmp(out_fmt_num(b, 0.1 + 0.2), "0.30000000000000004"),
              "locale %s: 0.1 + 0.2 round-trips, got \"%s\"", got, b);
        CHECK(!strcmp(out_fmt_fixed(b, 2.5, 2), "2.50"), "locale %s: fixed, got \"%s\"", got,
              b);
        setlocale(LC_NUMERIC, "C");
    } else {
        printf("   (no decimal-comma locale installed: locale check skipped)\n");
    }
}

/* The bytes f wrote, via a callback writer, as a malloc'd string. */
static char *capture(void (*fn)(FILE *, const char *), const char *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        exit(1);
    fn(f, arg);
    fclose(f);
    return buf;
}

static void test_strings(void)
{
    char *s = capture(out_csv_str, "plain");
    CHECK(!strcmp(s, "plain"), "plain CSV field unquoted, got [%s]", s);
    free(s);
    s = capture(out_csv_str, "a,\"b\"");
    CHECK(!strcmp(s, "\"a,\"\"b\"\"\""), "CSV quoting, got [%s]", s);
    free(s);
    s = capture(out_csv_str, "two\nlines");
    CHECK(!strcmp(s, "\"two\nlines\""), "newline quoted, got [%s]", s);
    free(s);
    s = out_csv_quote("x,y");
    CHECK(s && !strcmp(s, "\"x,y\""), "out_csv_quote, got [%s]", s ? s : "(null)");
    free(s);

    s = capture(out_json_str, "q\"b\\s\n\x01 é");
    CHECK(!strcmp(s, "\"q\\\"b\\\\s\\n\\u0001 é\""), "JSON escapes, got [%s]", s);
    CHECK(json_valid(s), "escaped string is valid JSON: [%s]", s);
    free(s);
    s = capture(out_json_str, "bad \xff\xc3 end");
    CHECK(!strcmp(s, "\"bad \\ufffd\\ufffd end\""), "invalid UTF-8 replaced, got [%s]", s);
    free(s);
}

static void test_json_validator(void)
{
    /* The validator itself must reject what it should, or the file checks prove nothing. */
    CHECK(json_valid("{\"a\": [1, 2.5e-3, null, true, \"x\"]}"), "valid JSON accepted");
    CHECK(!json_valid("{\"a\": nan}"), "nan rejected");
    CHECK(!json_valid("{\"a\": inf}"), "inf rejected");
    CHECK(!json_valid("{\"a\": 1,}"), "trailing comma rejected");
    CHECK(!json_valid("{\"a\": 01}"), "leading zero rejected");
    CHECK(!json_valid("{\"a\": \"x\ny\"}"), "raw newline in string rejected");
    CHECK(!json_valid("{\"a\": 1} x"), "trailing garbage rejected");
}

/* Every metric the program writes or explores has a label and a unit (the pages and the
 * terminal show nothing else), no two alike; the pages' table of them is valid JSON that
 * names each metric once. */
static void test_metric_labels(void)
{
    size_t n = out_metric_count() + 1; /* and OUT_COST_PER_YEAR */
    char(*labels)[OUT_METRIC_LABEL_MAX] = calloc(n, sizeof *labels);
    if (!CHECK(labels != NULL, "calloc"))
        return;
    for (size_t i = 0; i < n; i++) {
        out_unit u = OUT_U_N;
        out_metric_label(i, labels[i], &u);
        CHECK(labels[i][0] != '\0' && u < OUT_U_N, "metric %zu has a label and a unit", i);
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(labels[i], labels[j]) != 0, "metrics %zu and %zu share the label '%s'",
                  j, i, labels[i]);
    }
    /* Units follow the metrics' own definitions (pw_results.h: shares are fractions). */
    char b[OUT_METRIC_LABEL_MAX];
    out_unit u;
    out_metric_label(PW_M_STAFF_TURNOVER_RATE_STEP2, b, &u);
    CHECK(u == OUT_U_SHARE, "staff_turnover_rate_step2 is a share");
    out_metric_label(PW_M_WAIT_TO_TREATMENT_DAYS_P90, b, &u);
    CHECK(u == OUT_U_DAYS, "wait_to_treatment_days_p90 is in days");
    out_metric_label(PW_M_REFERRALS, b, &u);
    CHECK(u == OUT_U_COUNT, "referrals is a count");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!CHECK(f != NULL, "open_memstream")) {
        free(labels);
        return;
    }
    out_metric_labels_json(f);
    fclose(f);
    CHECK(json_valid(buf), "the labels' JSON is valid");
    char name[OUT_METRIC_NAME_MAX], pat[OUT_METRIC_NAME_MAX + 8];
    for (size_t i = 0; i < out_metric_count(); i++) {
        snprintf(pat, sizeof pat, "\"%s\": [", out_metric_name(i, name));
        char *at = strstr(buf, pat);
        CHECK(at && !strstr(at + 1, pat), "the labels' JSON names %s once", name);
    }
    CHECK(strstr(buf, "\"" OUT_COST_PER_YEAR "\": [\"Staff cost a year\", \"gbp\", 0, null]") !=
              NULL,
          "the labels' JSON holds the explorers' cost a year, from 0 with no top");
    /* Each entry ends with its range (out_metric_range): a share to 1, hours in use past
     * it, a plain number unbounded. */
    static const struct {
        const char *name, *tail;
    } ranges[] = {{"within_6_weeks_true", "\"pct\", 0, 1]"},
                  {"utilisation_step2", "\"pct\", 0, null]"},
                  {"staff_turnover_rate", "\"pct\", 0, null]"},
                  {"wait_to_treatment_days_mean", "\"days\", 0, null]"}};
    for (size_t k = 0; k < sizeof ranges / sizeof *ranges; k++) {
        snprintf(pat, sizeof pat, "\"%s\": [", ranges[k].name);
        const char *at = strstr(buf, pat), *end = at ? strchr(at, ']') : NULL;
        size_t tl = strlen(ranges[k].tail);
        CHECK(end && (size_t)(end + 1 - at) >= tl && !strncmp(end + 1 - tl, ranges[k].tail, tl),
              "the labels' JSON gives %s its range %s", ranges[k].name, ranges[k].tail);
    }
    free(buf);
    free(labels);
}

/* ======================================================================================
 * Directories and atomic files
 * ====================================================================================== */

static void test_mkdir(void)
{
    char err[512] = "";
    char *d = temp_dir();
    char *deep = path_in(d, "a/b//c/");
    CHECK(out_mkdir_p(deep, err, sizeof err) == OUT_OK, "mkdir -p a/b//c/: %s", err);
    char *c = path_in(d, "a/b/c");
    struct stat st;
    CHECK(stat(c, &st) == 0 && S_ISDIR(st.st_mode), "a/b/c is a directory");
    CHECK(out_mkdir_p(deep, err, sizeof err) == OUT_OK, "mkdir -p on an existing dir: %s",
          err);

    char *file = path_in(d, "plain");
    FILE *f = fopen(file, "w");
    if (f)
        fclose(f);
    char *under = path_in(d, "plain/sub");
    err[0] = '\0';
    /* A file in the way is the caller's choice of path: a usage error, not an I/O one. */
    CHECK(out_mkdir_p(under, err, sizeof err) == OUT_EINVAL, "mkdir under a regular file fails");
    CHECK(strstr(err, "plain") != NULL, "the message names the path: [%s]", err);
    CHECK(strstr(err, "sub': '") && strstr(err, "plain' exists and is not a folder"),
          "the message names the folder asked for and the file in its way: [%s]", err);
    CHECK(out_mkdir_p(file, err, sizeof err) == OUT_EINVAL && strstr(err, "not a folder"),
          "a file as output dir: [%s]", err);
    char *nowhere = path_in(d, "nowhere"), *dangling = path_in(d, "dangling");
    char *below = path_in(d, "dangling/sub");
    CHECK(symlink(nowhere, dangling) == 0, "a link to nothing made");
    CHECK(out_mkdir_p(below, err, sizeof err) == OUT_EINVAL &&
              strstr(err, "dangling' is a symbolic link to nothing"),
          "mkdir below a link to nothing names the link: [%s]", err);
    unlink(dangling);
    free(nowhere);
    free(dangling);
    free(below);
    CHECK(out_mkdir_p("", err, sizeof err) == OUT_EINVAL, "empty dir name refused");

    const char *sub[] = {"a/b/c", "a/b", "a"};
    for (size_t k = 0; k < 3; k++) {
        char *a = path_in(d, sub[k]);
        rmdir(a);
        free(a);
    }
    free(deep);
    free(c);
    free(file);
    free(under);
    remove_dir(d);
    free(d);
}

static void test_atomic_file(void)
{
    char err[512] = "";
    char *d = temp_dir();
    int temps = 0;
    out_file of = OUT_FILE_INIT;

    CHECK(out_file_open(&of, d, "x.csv", err, sizeof err) == OUT_OK, "open: %s", err);
    fputs("hello\n", of.f);
    char *final = path_in(d, "x.csv");
    CHECK(!exists(final), "nothing under the final name before commit");
    CHECK(out_file_commit(&of, err, sizeof err) == OUT_OK, "commit: %s", err);
    char *s = slurp(final, NULL);
    CHECK(s && !strcmp(s, "hello\n"), "committed content");
    free(s);
    CHECK(dir_count(d, &temps) == 1 && temps == 0, "one file, no temp left");

    CHECK(out_file_open(&of, d, "x.csv", err, sizeof err) == OUT_OK, "reopen: %s", err);
    fputs("half-writ", of.f);
    out_file_abort(&of);
    s = slurp(final, NULL);
    CHECK(s && !strcmp(s, "hello\n"), "abort keeps the old file whole");
    free(s);
    CHECK(dir_count(d, &temps) == 1 && temps == 0, "abort leaves no temp");
    out_file_abort(&of); /* again: a no-op */

    /* A write that fails part-way (file size limit, like a full disk). */
    fflush(stdout);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old;
    getrlimit(RLIMIT_FSIZE, &old);
    struct rlimit lim = {1000, old.rlim_max};
    int opened = out_file_open(&of, d, "x.csv", err, sizeof err) == OUT_OK;
    setrlimit(RLIMIT_FSIZE, &lim);
    int rc = OUT_OK;
    if (opened) {
        for (int k = 0; k < 10000; k++)
            fputs("0123456789\n", of.f);
        rc = out_file_commit(&of, err, sizeof err);
    }
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(opened && rc == OUT_EIO, "a failed write makes commit fail (rc %d)", rc);
    CHECK(strstr(err, "x.csv") != NULL, "the message names the file: [%s]", err);
    s = slurp(final, NULL);
    CHECK(s && !strcmp(s, "hello\n"), "the old file survives a failed rewrite");
    free(s);
    CHECK(dir_count(d, &temps) == 1 && temps == 0, "no temp left after a failed write");

    err[0] = '\0';
    CHECK(out_file_open(&of, "/nonexistent-dir-of-test-out", "x", err, sizeof err) ==
              OUT_EIO && strstr(err, "cannot create"),
          "open in a missing dir fails with a message: [%s]", err);
    out_file_abort(&of);
    free(final);
    remove_dir(d);
    free(d);
}

/* ======================================================================================
 * The result files
 * ====================================================================================== */

/* Write the synthetic run into dir; returns out_write_all's code. */
static int write_run(const char *dir, pw_results *reps, char *err, size_t errlen)
{
    pw_params p;
    fill_params(&p);
    out_run_info info;
    out_run_info_init(&info);
    char *argv[] = {"stepsim", "run", "x.cfg", "--set", "name=\"q\"", NULL};
    info.version = "0.0-test";
    info.git_hash = "abc123";
    info.libconfig_version = "1.5";
    info.threads = 2;
    info.wall_seconds = 1.25;
    info.argc = 5;
    info.argv = argv;
    return out_write_all(dir, &p, "/nonexistent/scenario.cfg", reps, NREPS, &info, err,
                         errlen);
}

static void test_write_files(void)
{
    char err[512] = "";
    char *d = temp_dir();
    char *out = path_in(d, "out/nested");
    pw_results *reps = make_reps();
    int temps = 0;

    CHECK(write_run(out, reps, err, sizeof err) == OUT_OK, "out_write_all: %s", err);
    for (size_t k = 0; k < N_RESULT_FILES; k++) {
        char *p = path_in(out, result_files[k]);
        CHECK(exists(p), "%s written", result_files[k]);
        free(p);
    }
    CHECK(dir_count(out, &temps) == (int)N_RESULT_FILES && temps == 0,
          "exactly the %zu files, no temp left (temps %d)", N_RESULT_FILES, temps);

    /* summary.json: valid, the contract's keys in order, every metric, hand-made numbers. */
    char *js = slurp_in(out, "summary.json");
    CHECK(js && json_valid(js), "summary.json is valid JSON");
    if (js) {
        const char *k1 = strstr(js, "\"scenario\": \"Mid-size, \\\"test\\\" service\"");
        const char *k2 = strstr(js, "\"seed\": 20181,");
        const char *k3 = strstr(js, "\"replications\": 3,");
        const char *k4 = strstr(js, "\"version\": \"0.0-test\"");
        const char *k5 = strstr(js, "\"metrics\": {");
        CHECK(k1 && k2 && k3 && k4 && k5 && k1 < k2 && k2 < k3 && k3 < k4 && k4 < k5,
              "scenario, seed, replications, version, metrics in that order");
        char name[OUT_METRIC_NAME_MAX], pat[OUT_METRIC_NAME_MAX + 8];
        int missing = 0;
        for (size_t m = 0; m < out_metric_count(); m++) {
            snprintf(pat, sizeof pat, "\"%s\": {", out_metric_name(m, name));
            if (!strstr(js, pat) && !missing++)
                CHECK(0, "metric %s in summary.json", name);
        }
        CHECK(!missing, "all %zu metrics present", out_metric_count());
        CHECK(strstr(js, "\"recovery_rate_reported\": {\"mean\": ") &&
                  strstr(js, "\"within_18_weeks_true\": {"),
              "contract metric names present");
        /* recovery_rate_reported = 0.50, 0.52, 0.54: mean 0.52, sd 0.02, CI t(2) sd/sqrt3 */
        double hw = t975_df2() * 0.02 / sqrt(3.0);
        CHECK_NEAR(json_metric(js, "recovery_rate_reported", "mean"), 0.52, 1e-15, "mean");
        CHECK_NEAR(json_metric(js, "recovery_rate_reported", "sd"), 0.02, 1e-15, "sd");
        CHECK_NEAR(json_metric(js, "recovery_rate_reported", "ci_low"), 0.52 - hw, 1e-12,
                   "ci_low");
        CHECK_NEAR(json_metric(js, "recovery_rate_reported", "ci_high"), 0.52 + hw, 1e-12,
                   "ci_high");
        CHECK_NEAR(json_metric(js, "recovery_rate_reported", "p50"), 0.52, 1e-15, "p50");
        CHECK_NEAR(json_metric(js, "referrals", "mean"), 1010, 0, "referrals mean");
        /* All NaN -> null; infinity -> null; one NaN skipped. */
        CHECK(strstr(js, "\"still_in_system_share\": {\"mean\": null, \"sd\": null"),
              "all-NaN metric is null");
        CHECK(strstr(js, "\"re_referral_share\": {\"mean\": null"), "infinite mean is null");
        CHECK_NEAR(json_metric(js, "step_up_wait_days_mean", "mean"), 31, 1e-12,
                   "NaN replication skipped");
        /* Derived: rep 0 has 10 + 20 under 6 weeks of 31; p50 = 7 (1 + 5.5 / 20). */
        CHECK(strstr(js, "\"wait_referral_to_assessment_under_6_weeks_share\": {"),
              "derived wait metric present");
        free(js);
    }

    char *s = slurp_in(out, "summary.csv");
    char *h = s ? first_line(s) : NULL;
    CHECK(h && !strcmp(h, "scenario,metric,mean,sd,ci_low,ci_high,p10,p50,p90,n"),
          "summary.csv header: %s", h ? h : "(none)");
    CHECK(s && count_lines(s) == out_metric_count() + 1, "one row per metric");
    CHECK(s && strstr(s, "\n\"Mid-size, \"\"test\"\" service\",recovery_rate_reported,0.52,"
                         "0.0200000"),
          "summary.csv row, scenario quoted, shortest numbers");
    CHECK(s && strstr(s, ",still_in_system_share,,,,,,,,0\n"), "NaN summary as empty fields");
    char *l = s ? line_with(s, ",step_up_wait_days_mean,") : NULL;
    CHECK(l && strstr(l, ",step_up_wait_days_mean,31,") && !strcmp(l + strlen(l) - 2, ",2"),
          "NaN replication skipped, n = 2: %s", l ? l : "(none)");
    free(l);
    free(h);
    free(s);

    s = slurp_in(out, "replications.csv");
    h = s ? first_line(s) : NULL;
    CHECK(h && !strcmp(h, "scenario,replication,metric,value"), "replications.csv header");
    CHECK(s && count_lines(s) == NREPS * out_metric_count() + 1, "rows: reps x metrics");
    const char *r0 = s ? strstr(s, ",0,referrals,1000\n") : NULL;
    const char *r1 = s ? strstr(s, ",1,referrals,1010\n") : NULL;
    const char *r2 = s ? strstr(s, ",2,referrals,1020\n") : NULL;
    CHECK(r0 && r1 && r2 && r0 < r1 && r1 < r2, "rows in replication order 0, 1, 2");
    CHECK(s && strstr(s, ",1,step_up_wait_days_mean,\n"), "NaN written as empty");
    CHECK(s && strstr(s, ",0,re_referral_share,\n"), "infinity written as empty");
    CHECK(s && strstr(s, ",0,wait_referral_to_assessment_days_p50,8.92"),
          "derived p50 of replication 0 written");
    CHECK(s && strstr(s, ",0,wait_referral_to_assessment_under_6_weeks_share,0.96774193548"),
          "derived share of replication 0 written");
    const pw_results *rep0 = &reps[1];
    CHECK_NEAR(out_wait_quantile_days(rep0->waits[PW_W_REFERRAL_TO_ASSESSMENT], 0.5), 8.925,
               1e-12, "p50 = 7 x (1 + 5.5 / 20) days");
    CHECK_NEAR(out_wait_quantile_days(rep0->waits[PW_W_REFERRAL_TO_ASSESSMENT], 0.99), NAN, 0,
               "p99 in the open bin is NaN");
    CHECK_NEAR(out_wait_share_under(rep0->waits[PW_W_REFERRAL_TO_ASSESSMENT], 6), 30.0 / 31,
               1e-15, "under 6 weeks = 30 / 31");
    CHECK_NEAR(out_wait_share_under(rep0->waits[PW_W_REFERRAL_TO_ASSESSMENT], 1), 10.0 / 31,
               1e-15, "under 1 week = 10 / 31");
    CHECK(s && !strstr(s, "nan") && !strstr(s, "inf"), "no nan/inf text");
    free(h);
    free(s);

    s = slurp_in(out, "waits.csv");
    h = s ? first_line(s) : NULL;
    CHECK(h && !strcmp(h, "scenario,measure,basis,week_from,week_to,count,share,"
                          "cumulative_share"),
          "waits.csv header");
    CHECK(s && count_lines(s) == 1 + PW_W_N * (PW_WAIT_WEEKS + 1), "every bin written");
    /* pooled bins: 33, 60, ..., 3 (open) of 96 */
    CHECK(s && strstr(s, ",referral_to_assessment,true,0,1,33,0.34375,0.34375\n"), "bin 0");
    CHECK(s && strstr(s, ",referral_to_assessment,true,1,2,60,0.625,0.96875\n"), "bin 1");
    CHECK(s && strstr(s, ",referral_to_assessment,true,104,,3,0.03125,1\n"),
          "open last bin has no week_to");
    CHECK(s && strstr(s, ",referral_to_clock_stop,reported,3,4,15,1,1\n"),
          "the reported measure has basis reported");
    CHECK(s && strstr(s, ",step_up,true,0,1,0,,\n"), "empty histogram: shares empty");
    free(h);
    free(s);

    s = slurp_in(out, "recovery.csv");
    h = s ? first_line(s) : NULL;
    CHECK(h && !strcmp(h, "scenario,group_type,group,basis,measure,score,value,count"),
          "recovery.csv header");
    /* step2_only pooled: reported recovered 20+21+22 = 63 of 120 casers */
    CHECK(s && strstr(s, ",path,step2_only,reported,recovery_rate,,0.525,120\n"),
          "pooled reported recovery of a path");
    CHECK(s && strstr(s, ",path,step2_only,true,recovery_rate,,0.375,240\n"),
          "pooled true recovery of a path");
    CHECK(s && strstr(s, ",path,step3_only,true,recovery_rate,,,0\n"),
          "empty group: value empty, count 0");
    CHECK(s && strstr(s, ",subgroup,all,reported,phq_start,15,1,18\n"),
          "score distribution row: all 18 finishers at PHQ-9 15");
    CHECK(s && strstr(s, ",subgroup,all,reported,phq_change,-6,1,12\n"),
          "change scores are end - start");
    CHECK(s && strstr(s, ",subgroup,all,reported,gad_change,21,,0\n"),
          "empty distribution: share empty");
    free(h);
    free(s);

    s = slurp_in(out, "flow.csv");
    h = s ? first_line(s) : NULL;
    CHECK(h && !strcmp(h, "scenario,replication,kind,name,group,count,share_of_referrals"),
          "flow.csv header");
    CHECK(s && strstr(s, ",0,stage,referred,,1000,1\n") && strstr(s, ",0,stage,opted_in,,500,"
                                                                      "0.5\n"),
          "stage rows");
    CHECK(s && strstr(s, ",1,exit,no_opt_in,dropped_before_assessment,50,0.049504950495"),
          "exit rows with group and share");
    CHECK(s && count_lines(s) == 1 + NREPS * (PW_S_N + PW_X_N), "rows per replication");
    free(h);
    free(s);

    s = slurp_in(out, "timeseries.csv");
    h = s ? first_line(s) : NULL;
    CHECK(h && !strcmp(h, "scenario,replication,week,waiting_assessment,waiting_step2,"
                          "waiting_step3,caseload_step2,caseload_step3,staff_in_post_pwp,"
                          "staff_in_post_hit_senior,vacancies_pwp,vacancies_hit_senior,"
                          "in_training_pwp,in_training_hit_senior,on_sick_leave,burnout_mean,"
                          "burnout_p90,leavers,hires,referrals,assessments,sessions,phase,"
                          "treatment_starts,wait_to_treatment_days_mean,step3_starts,"
                          "wait_for_step3_days_mean"),
          "timeseries.csv header: %s", h ? h : "(none)");
    CHECK(s && strstr(s, ",0,1,101,0,0,0,0,10,5,0,1,0,2,0,0.25,0.5,0,0,0,0,,warmup,4,25,2,15\n"),
          "a week row (sessions NaN -> empty; weeks 0 and 1 of a 52-week warm-up; the week's "
          "starters' mean waits)");
    CHECK(s && strstr(s, ",0,0,100,0,0,0,0,10,5,0,1,0,2,0,0.25,0.5,0,0,0,0,,warmup,0,,0,\n"),
          "a week with no starters: its mean waits empty");
    CHECK(s && count_lines(s) == 1 + NREPS * 2, "two weeks per replication");
    free(h);
    free(s);

    /* workforce.csv: rates by hand. The window is 260 weeks = 1820 / 365.25 years. */
    s = slurp_in(out, "workforce.csv");
    h = s ? first_line(s) : NULL;
    CHECK(h && !strcmp(h, "scenario,replication,role,headcount_mean,fte_mean,leavers,"
                          "to_training,starters,turnover_rate,leaving_rate,mean_tenure_years,"
                          "sickness_days_per_fte,burnout_mean,in_post_end,vacancies_mean,"
                          "in_training_mean"),
          "workforce.csv header: %s", h ? h : "(none)");
    CHECK(s && count_lines(s) == 1 + NREPS * 2, "one row per replication and role");
    {
        char hm[OUT_NUM_MAX], fm[OUT_NUM_MAX], want[256];
        double years = 260 * 7.0 / 365.25;
        CHECK_NEAR(50 / years, 10.034340659340659, 1e-12, "mean headcount 50 x 365.25 / 1820");
        out_fmt_num(hm, 50 / years);
        out_fmt_num(fm, 40 / years);
        /* turnover (4 + 1) / 50 = 0.1 a year; leaving 4 / 50; tenure 25 / 10; sickness
         * 320 / 40 FTE-years = 8; burnout 12.5 / 50; posts vacant and trainees empty: the
         * window (weeks 52 to 311) lies past the fixture's two weeks */
        snprintf(want, sizeof want, "\n\"Mid-size, \"\"test\"\" service\",0,pwp,%s,%s,4,1,5,0.1,"
                 "0.08,2.5,8,0.25,10,,\n", hm, fm);
        const char *w0 = s ? strstr(s, want) : NULL;
        CHECK(w0 != NULL, "workforce row of pwp, replication 0: want %s", want);
        snprintf(want, sizeof want, ",2,pwp,%s,%s,6,1,5,0.14,0.12,2.5,8,0.25,10,,\n", hm, fm);
        const char *w2 = s ? strstr(s, want) : NULL;
        CHECK(w2 != NULL, "replication 2: turnover (6 + 1) / 50 = 0.14, leaving 0.12");
        const char *w1 = s ? strstr(s, ",1,pwp,") : NULL;
        CHECK(w0 && w1 && w2 && w0 < w1 && w1 < w2, "rows in replication order");
        CHECK(s && strstr(s, ",0,HIT-senior,0,0,0,0,0,,,,,,0,,\n"),
              "no one in post: rates, tenure, sickness and burnout empty (and posts vacant "
              "and trainees: no week of the window)");
        CHECK(s && !strstr(s, "nan") && !strstr(s, "inf"), "no nan/inf text");
    }
    free(h);
    free(s);
    pw_role_stats rs = {.headcount_years = 50, .fte_years = 40, .leavers = 3,
                        .to_training = 2, .sick_days = 320, .tenure_years_sum = 7.5,
                        .in_post_end = 3, .burnout_years = 5};
    CHECK_NEAR(out_role_stat_value(&rs, 5, OUT_RS_HEADCOUNT_MEAN), 10, 0, "50 / 5 years");
    CHECK_NEAR(out_role_stat_value(&rs, 5, OUT_RS_FTE_MEAN), 8, 0, "40 / 5 years");
    CHECK_NEAR(out_role_stat_value(&rs, 5, OUT_RS_TURNOVER_RATE), 0.1, 1e-15,
               "(3 + 2) / (10 in post x 5 years)");
    CHECK_NEAR(out_role_stat_value(&rs, 5, OUT_RS_LEAVING_RATE), 0.06, 1e-15, "3 / 50");
    CHECK_NEAR(out_role_stat_value(&rs, 5, OUT_RS_MEAN_TENURE_YEARS), 2.5, 0, "7.5 / 3");
    CHECK_NEAR(out_role_stat_value(&rs, 5, OUT_RS_SICKNESS_DAYS_PER_FTE), 8, 0,
               "320 / (8 FTE x 5 years)");
    CHECK_NEAR(out_role_stat_value(&rs, 5, OUT_RS_BURNOUT_MEAN), 0.1, 1e-15, "5 / 50");
    CHECK_NEAR(out_role_stat_value(&rs, 0, OUT_RS_HEADCOUNT_MEAN), NAN, 0,
               "no window: mean headcount undefined");
    pw_params wp;
    fill_params(&wp);
    CHECK_NEAR(out_window_years(&wp), 1820 / 365.25, 1e-15, "window: 260 weeks in years");

    /* costs.csv: by role and item, "all" totals, then the cost metrics. */
    s = slurp_in(out, "costs.csv");
    h = s ? first_line(s) : NULL;
    CHECK(h && !strcmp(h, "scenario,replication,role,item,value_gbp"), "costs.csv header: %s",
          h ? h : "(none)");
    CHECK(s && count_lines(s) == 1 + NREPS * (2 * 6 + 6 + 5),
          "per replication: 6 items x 2 roles, 6 totals, 5 costs per unit");
    {
        static const char *const rows0[] = {
            ",0,pwp,salary,1000000\n", ",0,pwp,oncost,250000\n", ",0,pwp,training,12000.5\n",
            ",0,pwp,total,1262000.5\n", ",0,pwp,salary_support,60000\n",
            ",0,pwp,total_local,1202000.5\n", ",0,HIT-senior,salary,500000\n",
            ",0,HIT-senior,oncost,0\n", ",0,HIT-senior,training,0\n",
            ",0,HIT-senior,total,500000\n", ",0,HIT-senior,salary_support,0\n",
            ",0,HIT-senior,total_local,500000\n", ",0,all,salary,1500000\n",
            ",0,all,oncost,250000\n", ",0,all,training,12000.5\n", ",0,all,total,1762000.5\n",
            ",0,all,salary_support,60000\n", ",0,all,total_local,1702000.5\n",
            ",0,all,cost_per_referral,1750.25\n", ",0,all,cost_per_finished_course,3500.5\n",
            ",0,all,cost_per_recovery,7000\n", ",0,all,cost_per_true_recovery,9000\n",
            ",0,all,cost_per_recovery_caused,20000\n", ",1,pwp,salary,1001000\n"};
        const char *prev = s;
        int in_order = s != NULL;
        for (size_t k = 0; k < sizeof rows0 / sizeof rows0[0] && in_order; k++) {
            const char *m = strstr(prev, rows0[k]);
            in_order = CHECK(m != NULL, "costs.csv row %s after the previous one", rows0[k]);
            prev = m ? m : prev;
        }
        CHECK(s && strstr(s, ",1,all,total,1763000.5\n"), "replication 1 total");
        CHECK(s && strstr(s, ",1,all,cost_per_recovery,\n"), "undefined cost metric empty");
        CHECK(s && !strstr(s, "nan") && !strstr(s, "inf"), "no nan/inf text");
    }
    free(h);
    free(s);
    s = slurp_in(out, "replications.csv");
    CHECK(s && strstr(s, ",0,cost_per_referral_gbp,1750.25\n") &&
              strstr(s, ",2,cost_per_true_recovery_gbp,9000\n"),
          "costs per unit agree with the metrics in replications.csv");
    free(s);

    s = slurp_in(out, "manifest.json");
    CHECK(s && json_valid(s), "manifest.json is valid JSON");
    CHECK(s && strstr(s, "{\"name\": \"workforce.csv\", \"bytes\": ") &&
              strstr(s, "{\"name\": \"costs.csv\", \"bytes\": "),
          "manifest lists workforce.csv and costs.csv");
    CHECK(s && strstr(s, "\"master_seed\": 20181") && strstr(s, "\"generator\": \"taus2\"") &&
              strstr(s, "\"warmup_weeks\": 52") && strstr(s, "\"threads\": 2") &&
              strstr(s, "\"gsl_version\": \"") && strstr(s, "\"libconfig_version\": \"1.5\"") &&
              strstr(s, "\"git_hash\": \"abc123\"") && strstr(s, "\"wall_seconds\": 1.25"),
          "manifest fields");
    CHECK(s && strstr(s, "\"name=\\\"q\\\"\""), "command line escaped");
    CHECK(s && strstr(s, "\"hash\": null"), "unreadable scenario file: hash null");
    CHECK(s && strstr(s, "\"policy\": \"stepped\""), "policy named");
    CHECK(s && strstr(s, "{\"name\": \"summary.json\", \"bytes\": ") &&
              strstr(s, "\"sha256\": \""), "output sizes and digests listed");
    CHECK(s && !strstr(s, "patients.csv"), "no stream listed when none was written");
    free(s);

    free_reps(reps);
    remove_dir(out);
    char *o1 = path_in(d, "out");
    rmdir(o1);
    free(o1);
    free(out);
    remove_dir(d);
    free(d);
}

static void test_byte_identical(void)
{
    char err[512] = "";
    char *d1 = temp_dir(), *d2 = temp_dir();
    pw_results *a = make_reps();
    /* The same replications in another order (as threads might finish). */
    pw_results *b = xcalloc(NREPS, sizeof *b);
    fill_rep(&b[0], 0);
    fill_rep(&b[1], 1);
    fill_rep(&b[2], 2);
    CHECK(write_run(d1, a, err, sizeof err) == OUT_OK, "first write: %s", err);
    /* The second under a decimal-comma locale, when one is installed. */
    const char *loc = comma_locale();
    CHECK(write_run(d2, b, err, sizeof err) == OUT_OK, "second write (locale %s): %s",
          loc ? loc : "C", err);
    setlocale(LC_NUMERIC, "C");
    char *first[N_RESULT_FILES];
    for (size_t k = 0; k < N_RESULT_FILES; k++) {
        size_t n1 = 0, n2 = 0;
        char *p1 = path_in(d1, result_files[k]), *p2 = path_in(d2, result_files[k]);
        char *s1 = slurp(p1, &n1), *s2 = slurp(p2, &n2);
        if (k + 1 < N_RESULT_FILES)
            CHECK(s1 && s2 && n1 == n2 && !memcmp(s1, s2, n1),
                  "%s byte-identical whatever the replication order", result_files[k]);
        first[k] = s1;
        free(s2);
        free(p1);
        free(p2);
    }
    /* Overwrite the same directory: identical again, still no temps. */
    CHECK(write_run(d1, a, err, sizeof err) == OUT_OK, "rewrite: %s", err);
    for (size_t k = 0; k + 1 < N_RESULT_FILES; k++) {
        char *s = slurp_in(d1, result_files[k]);
        CHECK(s && first[k] && !strcmp(s, first[k]), "%s identical on rewrite",
              result_files[k]);
        free(s);
    }
    for (size_t k = 0; k < N_RESULT_FILES; k++)
        free(first[k]);
    int temps = 0;
    CHECK(dir_count(d1, &temps) == (int)N_RESULT_FILES && temps == 0, "no temp after rewrite");
    free_reps(a);
    free_reps(b);
    remove_dir(d1);
    remove_dir(d2);
    free(d1);
    free(d2);
}

static void test_write_failures(void)
{
    char err[512] = "";
    char *d = temp_dir();
    pw_results *reps = make_reps();
    int temps = 0;

    /* An output directory that cannot be made. */
    char *file = path_in(d, "plain");
    FILE *f = fopen(file, "w");
    if (f)
        fclose(f);
    char *bad = path_in(d, "plain/out");
    CHECK(write_run(bad, reps, err, sizeof err) == OUT_EINVAL, "unwritable dir fails");
    CHECK(strstr(err, "plain") != NULL, "message names the directory: [%s]", err);
    CHECK(dir_count(d, &temps) == 1, "nothing created beside the file");

    /* Not running as root, a read-only directory must refuse too. */
    if (geteuid() != 0) {
        char *ro = path_in(d, "ro");
        mkdir(ro, 0555);
        err[0] = '\0';
        CHECK(write_run(ro, reps, err, sizeof err) == OUT_EIO, "read-only dir fails: [%s]",
              err);
        CHECK(dir_count(ro, &temps) == 0, "read-only dir stays empty");
        rmdir(ro);
        free(ro);
    }

    /* A write that fails part-way: no new file, old ones untouched, no temps. */
    char *out = path_in(d, "out");
    mkdir(out, 0777);
    char *old = path_in(out, "summary.json");
    f = fopen(old, "w");
    if (f) {
        fputs("old\n", f);
        fclose(f);
    }
    fflush(stdout);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim0, lim = {2000, 0};
    getrlimit(RLIMIT_FSIZE, &lim0);
    lim.rlim_max = lim0.rlim_max;
    setrlimit(RLIMIT_FSIZE, &lim);
    err[0] = '\0';
    int rc = write_run(out, reps, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &lim0);
    CHECK(rc == OUT_EIO, "a write error is reported (rc %d: %s)", rc, err);
    CHECK(strstr(err, "cannot") != NULL, "with a message: [%s]", err);
    char *s = slurp(old, NULL);
    CHECK(s && !strcmp(s, "old\n"), "the old summary.json is untouched");
    free(s);
    CHECK(dir_count(out, &temps) == 1 && temps == 0, "no new file and no temp left");

    char e2[64];
    CHECK(out_write_all(out, NULL, NULL, reps, NREPS, NULL, e2, sizeof e2) == OUT_EINVAL,
          "NULL params refused");
    pw_params p;
    fill_params(&p);
    CHECK(out_write_all(out, &p, NULL, reps, 0, NULL, e2, sizeof e2) == OUT_EINVAL,
          "no replications refused: %s", e2);

    free(old);
    remove_dir(out);
    free(out);
    free(file);
    free(bad);
    free_reps(reps);
    remove_dir(d);
    free(d);
}

/* ======================================================================================
 * Streams
 * ====================================================================================== */

/* Emit k stage rows and one event for replication r through its monitor. */
static void emit(const pw_monitor *m, int r, int k)
{
    for (int i = 0; i < k; i++) {
        pw_stage_record rec = {
            .patient_id = (uint64_t)(100 * r + i), .person_id = (uint64_t)i,
            .stage = "step2", .referral_day = 10.5, .queue_day = 12,
            .start_day = i % 2 ? NAN : 20.25, .end_day = NAN, .wait_days = 8.25,
            .sessions = i, .exit_reason = "dropped, waiting", .clinician = i % 2 ? -1 : 7,
            .clinician_role = i % 2 ? NULL : "pwp", .clinician_burnout = i % 2 ? NAN : 0.25,
            .unfinished = 1, .cohort = 1, .source = "gp", .need = "low",
            .phq9_first = i % 2 ? -1 : 14, .gad7_first = i % 2 ? -1 : 9,
            .phq9_last = i % 2 ? -1 : 6, .gad7_last = i % 2 ? -1 : 0};
        m->stage(m->ctx, &rec);
    }
    pw_event_record ev = {.case_id = 42, .instance = 2, .activity = "assessment",
                          .lifecycle = "complete", .day = 1.0 / 3, .resource = "pwp",
                          .resource_id = 3};
    m->event(m->ctx, &ev);
    pw_event_record pre = {.case_id = 7, .origin = PW_ORIGIN_PREFILL, .instance = 1,
                           .activity = "step2_wait", .lifecycle = "complete", .day = 400.5,
                           .resource = "", .resource_id = -1, .unfinished = 1};
    m->event(m->ctx, &pre);
}

static void test_streams(void)
{
    char err[512] = "";
    char *d = temp_dir();
    out_stream s[3];
    int reps[3] = {2, 0, 1};
    unsigned both = OUT_STREAM_PATIENTS | OUT_STREAM_EVENTS;
    int ok = 1;
    for (int k = 0; k < 3; k++)
        ok &= out_stream_open(&s[k], d, "Scn, A", 17903, reps[k], both, err, sizeof err) ==
              OUT_OK;
    CHECK(ok, "streams open: %s", err);
    /* Interleaved, as parallel replications would. */
    emit(&s[0].monitor, 2, 1);
    emit(&s[1].monitor, 0, 2);
    emit(&s[2].monitor, 1, 1);
    int temps = 0;
    CHECK(dir_count(d, &temps) == 6 && temps == 6, "one part per replication and stream");
    for (int k = 0; k < 3; k++)
        CHECK(out_stream_close(&s[k], err, sizeof err) == OUT_OK, "close: %s", err);
    CHECK(out_stream_merge(d, reps, 3, both, err, sizeof err) == OUT_OK, "merge: %s", err);
    CHECK(dir_count(d, &temps) == 2 && temps == 0, "parts removed, two files left");

    char *p = slurp_in(d, "patients.csv");
    char *h = p ? first_line(p) : NULL;
    CHECK(h && !strcmp(h, "scenario,replication,patient_id,person_id,stage,source,need,"
                          "cohort,referral_day,queue_day,start_day,end_day,wait_days,"
                          "sessions,exit_reason,clinician,unfinished,phq9_first,gad7_first,"
                          "phq9_last,gad7_last,clinician_burnout"),
          "patients.csv header");
    CHECK(p && count_lines(p) == 1 + 4, "header once + 4 rows");
    const char *a = p ? strstr(p, "\n\"Scn, A\",0,0,0,step2,gp,low,1,10.500000,12.000000,"
                                  "20.250000,,8.250000,0,\"dropped, waiting\",pwp_7,1,14,9,6,0,0.2500\n")
                      : NULL;
    const char *b = p ? strstr(p, "\n\"Scn, A\",0,1,1,step2,gp,low,1,10.500000,12.000000,,,"
                                  "8.250000,1,\"dropped, waiting\",,1,,,,,\n")
                      : NULL;
    const char *c = p ? strstr(p, "\n\"Scn, A\",1,100,") : NULL;
    const char *e = p ? strstr(p, "\n\"Scn, A\",2,200,") : NULL;
    CHECK(a && b && c && e && a < b && b < c && c < e,
          "rows in replication order, NaN days, clinician -1, scores -1 and no clinician's "
          "burnout empty, a score 0 written, burnout to 4 decimals");
    free(h);
    free(p);

    p = slurp_in(d, "events.csv");
    h = p ? first_line(p) : NULL;
    CHECK(h && !strcmp(h, "scenario,replication,case_id,activity_instance_id,activity,"
                          "lifecycle,timestamp,day,resource,role,unfinished"),
          "events.csv header");
    /* Day 0 is 2019-01-07 (17903 days from 1970); a third of a day is 08:00. */
    a = p ? strstr(p, "\"Scn, A\",0,r0-42,r0-42-2,assessment,complete,2019-01-07T08:00:00Z,"
                      "0.333333,pwp_3,pwp,0\n") : NULL;
    CHECK(p && strstr(p, "\"Scn, A\",0,r0-pre7,r0-pre7-1,step2_wait,complete,"
                         "2020-02-11T12:00:00Z,400.500000,,,1\n"),
          "a prefilled id is small with its prefix; ISO date across a leap year; unfinished");
    b = p ? strstr(p, ",1,r1-42,") : NULL;
    c = p ? strstr(p, ",2,r2-42,") : NULL;
    CHECK(a && b && c && a < b && b < c, "events in replication order, unique case ids");
    free(h);
    free(p);

    /* A missing part fails the merge, leaving no final file. */
    out_stream one;
    int r5 = 5, r56[2] = {5, 6};
    CHECK(out_stream_open(&one, d, "x", 0, 5, OUT_STREAM_EVENTS, err, sizeof err) == OUT_OK,
          "open: %s", err);
    CHECK(out_stream_close(&one, err, sizeof err) == OUT_OK, "close: %s", err);
    char *ev = path_in(d, "events.csv");
    remove(ev);
    err[0] = '\0';
    CHECK(out_stream_merge(d, r56, 2, OUT_STREAM_EVENTS, err, sizeof err) == OUT_EIO &&
              strstr(err, ".events.csv.r6.part"),
          "missing part reported: [%s]", err);
    CHECK(!exists(ev), "no events.csv after a failed merge");
    out_stream_discard(d, &r5, 1, OUT_STREAM_EVENTS);
    CHECK(dir_count(d, &temps) == 1 && temps == 0, "discard removes the parts");
    out_stream_free(&one); /* released already: a no-op */

    /* A stop asked (out_stop_on's flag raised) gives up a merge and a digest between their
     * buffers: OUT_ESTOPPED, no final file, the part kept for the caller to discard; with
     * the flag lowered the digest is read again. (Until 2026-12-07 neither read a flag: a
     * Ctrl-C waited for a gigabyte of events.csv to be merged, then hashed.) */
    atomic_int stop = 1;
    int r7 = 7;
    CHECK(out_stream_open(&one, d, "x", 0, 7, both, err, sizeof err) == OUT_OK, "open: %s",
          err);
    emit(&one.monitor, 7, 1);
    CHECK(out_stream_close(&one, err, sizeof err) == OUT_OK, "close: %s", err);
    out_stop_on(&stop);
    err[0] = '\0';
    CHECK(out_stream_merge(d, &r7, 1, OUT_STREAM_EVENTS, err, sizeof err) == OUT_ESTOPPED &&
              strstr(err, "stopped"),
          "a merge with the stop flag raised: OUT_ESTOPPED [%s]", err);
    CHECK(!exists(ev), "no events.csv after a stopped merge");
    char *part = path_in(d, ".events.csv.r7.part");
    char hex[OUT_SHA256_HEX];
    uint64_t bytes = 0;
    CHECK(part && exists(part), "the part is kept");
    CHECK(part && out_sha256_file(part, hex, &bytes, err, sizeof err) == OUT_ESTOPPED,
          "a digest with the stop flag raised: OUT_ESTOPPED [%s]", err);
    stop = 0;
    CHECK(part && out_sha256_file(part, hex, &bytes, err, sizeof err) == OUT_OK && bytes > 0,
          "lowered, the digest is read (%llu bytes) [%s]", (unsigned long long)bytes, err);
    out_stop_on(NULL);
    out_stream_discard(d, &r7, 1, both);
    CHECK(part && !exists(part), "discard removes the stopped merge's parts");
    free(part);
    free(ev);
    remove_dir(d);
    free(d);
}

/* One replication's rows from its own thread. */
typedef struct stream_job {
    out_stream s;
    int replication, rows, ok;
} stream_job;

static void *stream_thread(void *arg)
{
    stream_job *j = arg;
    char err[256];
    for (int i = 0; i < j->rows; i++) {
        pw_stage_record rec = {.patient_id = (uint64_t)i, .person_id = (uint64_t)i,
                               .stage = "assessment", .referral_day = i * 0.5,
                               .queue_day = i * 0.5, .start_day = NAN, .end_day = NAN,
                               .wait_days = NAN, .exit_reason = "x", .clinician = -1,
                               .source = "self", .need = "high"};
        j->s.monitor.stage(j->s.monitor.ctx, &rec);
        pw_event_record ev = {.case_id = (uint64_t)i, .activity = "referral",
                              .lifecycle = "complete", .day = i * 0.5, .resource = "",
                              .resource_id = -1};
        j->s.monitor.event(j->s.monitor.ctx, &ev);
    }
    j->ok = out_stream_close(&j->s, err, sizeof err) == OUT_OK;
    return NULL;
}

static void test_streams_threads(void)
{
    enum { NT = 4, ROWS = 20000 };
    char err[512] = "";
    char *d = temp_dir();
    stream_job jobs[NT];
    pthread_t th[NT];
    int reps[NT];
    unsigned both = OUT_STREAM_PATIENTS | OUT_STREAM_EVENTS;
    for (int k = 0; k < NT; k++) {
        jobs[k].replication = reps[k] = NT - 1 - k; /* started in reverse order */
        jobs[k].rows = ROWS + k;
        jobs[k].ok = 0;
        if (out_stream_open(&jobs[k].s, d, "S", 0, reps[k], both, err, sizeof err) != OUT_OK) {
            CHECK(0, "open: %s", err);
            return;
        }
    }
    for (int k = 0; k < NT; k++)
        pthread_create(&th[k], NULL, stream_thread, &jobs[k]);
    int ok = 1;
    for (int k = 0; k < NT; k++) {
        pthread_join(th[k], NULL);
        ok &= jobs[k].ok;
    }
    CHECK(ok, "every thread's streams closed cleanly");
    CHECK(out_stream_merge(d, reps, NT, both, err, sizeof err) == OUT_OK, "merge: %s", err);

    /* Rows grouped by replication 0..NT-1, each complete and in its own order. */
    char *p = slurp_in(d, "events.csv");
    size_t expect = 1;
    for (int k = 0; k < NT; k++)
        expect += (size_t)(ROWS + NT - 1 - k);
    CHECK(p && count_lines(p) == expect, "events.csv: %zu lines expected", expect);
    int bad = 0, rep = 0, idx = -1;
    for (const char *l = p ? strchr(p, '\n') + 1 : ""; *l && !bad; l = strchr(l, '\n') + 1) {
        int r, i;
        if (sscanf(l, "S,%d,r%*d-%d,", &r, &i) != 2)
            bad = 1;
        else if (r == rep && i == idx + 1)
            idx = i;
        else if (r == rep + 1 && i == 0)
            rep = r, idx = 0;
        else
            bad = 1;
    }
    CHECK(!bad && rep == NT - 1, "events in replication order, rows in emission order");
    free(p);
    p = slurp_in(d, "patients.csv");
    CHECK(p && count_lines(p) == expect, "patients.csv: %zu lines expected", expect);
    free(p);
    int temps = 0;
    CHECK(dir_count(d, &temps) == 2 && temps == 0, "no parts left");
    remove_dir(d);
    free(d);
}

/* ======================================================================================
 * Dashboard
 * ====================================================================================== */

/* The dashboard of p and reps as text (malloc'd). */
static char *dashboard_text(const pw_params *p, const pw_results *reps,
                            const out_run_info *info)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        exit(1);
    out_print_dashboard(f, p, reps, NREPS, info);
    fclose(f);
    return buf;
}

static void test_dashboard(void)
{
    pw_params p;
    fill_params(&p);
    pw_results *reps = make_reps();
    out_run_info info;
    out_run_info_init(&info);
    info.version = "0.0-test";
    /* The longest header a run prints: its time, threads and MPI ranks (80 columns would
     * be passed on one line: the parts wrap). */
    info.wall_seconds = 1234.5;
    info.threads = 16;
    info.ranks = 12;
    /* One person with a learning disability, at caseness in each replication, recovers in
     * the first only: gaps to everyone's 50% of +50, -50, -50 points, whose Student-t
     * interval (-16.7 +- 143.4) passes what a gap between two shares can take. */
    for (int r = 0; r < NREPS; r++) {
        reps[r].by_group[PW_G_ALL].true_casers = 100;
        reps[r].by_group[PW_G_ALL].true_recovered = 50;
        reps[r].by_group[PW_G_LD].true_casers = 1;
        reps[r].by_group[PW_G_LD].true_recovered = r == 0;
        /* No one with a long-term condition at caseness in the last replication: their
         * gap is over two, and the count says so. */
        reps[r].by_group[PW_G_LTC].true_casers = r < 2 ? 10 : 0;
        reps[r].by_group[PW_G_LTC].true_recovered = r < 2 ? 5 : 0;
    }
    char *buf = dashboard_text(&p, reps, &info);
    const char *sec[] = {"WAITS", "RECOVERY", "FUNNEL", "WHERE REFERRALS ENDED", "SESSIONS",
                         "UTILISATION", "WORKFORCE AND COSTS", "WAITING LISTS"};
    const char *prev = buf;
    for (size_t k = 0; k < sizeof sec / sizeof sec[0]; k++) {
        const char *m = strstr(prev, sec[k]);
        CHECK(m != NULL, "section %s, in order", sec[k]);
        prev = m ? m : prev;
    }
    /* Workforce: pwp turnover 0.10, 0.12, 0.14 a year (half-width as recovery's); the
     * HIT-senior role has no one in post (undefined); costs per referral 1750.25 + r. */
    char *l = line_with(buf, "In post at the end / mean headcount");
    CHECK(l && strstr(l, "10.0 ± 0.0       10.0 ± 0.0"),
          "in post at the end 10, mean headcount 50 / 4.98 years = 10.03: %s", l ? l : "(none)");
    free(l);
    const char *pwp = strstr(buf, "\n  pwp\n"), *hit = strstr(buf, "\n  HIT-senior\n");
    CHECK(pwp && hit && pwp < hit, "a block per role, in the scenario's order");
    l = pwp ? line_with(pwp, "Turnover, a year") : NULL;
    CHECK(l && strstr(l, "12.0% ± 5.0"), "pwp turnover with its CI: %s", l ? l : "(none)");
    free(l);
    l = hit ? line_with(hit, "Turnover, a year") : NULL;
    CHECK(l && strstr(l, "–"), "no one in post: turnover undefined: %s", l ? l : "(none)");
    free(l);
    l = pwp ? line_with(pwp, "Sickness days a year per FTE") : NULL;
    CHECK(l && strstr(l, "8.0 ± 0.0"), "sickness days per FTE: %s", l ? l : "(none)");
    free(l);
    l = pwp ? line_with(pwp, "Mean burnout") : NULL;
    CHECK(l && strstr(l, "0.25 ± 0.00"), "mean burnout: %s", l ? l : "(none)");
    free(l);
    /* Vacant posts: the window (weeks 52 to 311) lies past the fixture's two weeks, so
     * none are counted; below, a window of weeks 0 and 1 counts the HIT-senior post. */
    l = hit ? line_with(hit, "Posts vacant, mean over the window") : NULL;
    CHECK(l && strstr(l, "–"), "no week of the window: vacancies undefined: %s",
          l ? l : "(none)");
    free(l);
    CHECK(!strstr(buf, "Training for it"), "no week of the window: no trainees' line");
    {
        pw_params q = p;
        q.warmup_weeks = 0;
        q.horizon_weeks = 2;
        char *b2 = dashboard_text(&q, reps, &info);
        const char *p2 = strstr(b2, "\n  pwp\n"), *h2 = strstr(b2, "\n  HIT-senior\n");
        l = p2 ? line_with(p2, "Posts vacant, mean over the window") : NULL;
        CHECK(l && strstr(l, "0.0 ± 0.0"), "pwp: no post vacant: %s", l ? l : "(none)");
        free(l);
        l = h2 ? line_with(h2, "Posts vacant, mean over the window") : NULL;
        CHECK(l && strstr(l, "1.0 ± 0.0"), "HIT-senior: one post vacant both weeks (the "
              "timeseries' vacancies_hit_senior): %s", l ? l : "(none)");
        free(l);
        l = h2 ? line_with(h2, "Training for it, mean over the window") : NULL;
        CHECK(l && strstr(l, "2.0 ± 0.0"), "HIT-senior: two training for it both weeks (the "
              "timeseries' in_training_hit_senior): %s", l ? l : "(none)");
        free(l);
        const char *t2 = p2 ? strstr(p2, "Training for it") : NULL;
        CHECK(h2 && p2 < h2 && t2 > h2, "pwp: no trainees' line (no one trains for it), "
              "HIT-senior's the first after pwp's heading");
        free(b2);
    }
    l = line_with(buf, "Cost per referral");
    CHECK(l && strstr(l, "£1,751 ± 2"), "cost per referral in pounds: %s", l ? l : "(none)");
    free(l);
    l = line_with(buf, "Cost per recovery (reported)");
    CHECK(l && strstr(l, "£7,000 ± 0 [2 of 3]"),
          "a NaN replication is left out, and the count of those with a value said: %s",
          l ? l : "(none)");
    free(l);
    l = line_with(buf, "Cost per referral");
    CHECK(l && !strstr(l, " of 3]"), "no count where every replication has a value: %s",
          l ? l : "(none)");
    free(l);
    /* The counterfactual behind "caused": metric value 0.01 m + 0.001 r, mean over r 0..2. */
    l = line_with(buf, "Recovery, untreated (at caseness)");
    char want[32];
    snprintf(want, sizeof want, "%.1f%%", 100 * (0.01 * PW_M_RECOVERY_RATE_TRUE_UNTREATED + 0.001));
    CHECK(l && strstr(l, want), "the untreated recovery's row, %s: %s", want, l ? l : "(none)");
    free(l);
    /* recovery reported 52.0%, half-width 100 t(2) 0.02 / sqrt(3) = 4.97 points */
    CHECK(strstr(buf, "52.0% ± 5.0") != NULL, "recovery reported with its CI");
    l = line_with(buf, "    learning disability");
    CHECK(l && strstr(l, "-16.7 (-100–100)"), "a subgroup's gap cut at +-100 points: %s",
          l ? l : "(none)");
    free(l);
    l = line_with(buf, "    long term condition");
    CHECK(l && strstr(l, "0.0 ± 0.0 [2 of 3]"),
          "a subgroup's gap in only some replications, their count said: %s", l ? l : "(none)");
    free(l);
    CHECK(strstr(buf, "1,010") != NULL, "referrals with a thousands separator");
    CHECK(strstr(buf, "3 replications · seed 20181") != NULL, "replications and seed");
    CHECK(strstr(buf, "\n1234.5 s on 16 threads in each of 12 MPI ranks\n") != NULL,
          "the run's time on a line of its own where the header's line would pass 80");
    CHECK(strstr(buf, "–") != NULL, "an undefined value shows as –");
    CHECK(!strstr(buf, "nan") && !strstr(buf, "inf"), "no nan/inf");
    /* Every line fits 80 columns (counting code points). */
    int widest = 0, w = 0;
    for (const char *s = buf; *s; s++) {
        if (*s == '\n') {
            widest = w > widest ? w : widest;
            w = 0;
        } else if (((unsigned char)*s & 0xC0) != 0x80) {
            w++;
        }
    }
    CHECK(widest <= 80, "widest line %d columns", widest);
    if (getenv("TEST_OUT_SHOW"))
        fputs(buf, stdout);
    free(buf);
    free_reps(reps);
}

/* The diaries' counts (Moved, Handed on, Spread): a mean a replication, or where that
 * would read 0 the count over the replications; nothing when there are none; the words
 * wrapped within the dashboard's width. */
static void test_dashboard_diary_counts(void)
{
    pw_params p;
    fill_params(&p);
    pw_results *reps = make_reps();
    for (size_t i = 0; i < NREPS; i++) {
        reps[i].diary_moved = 8000 + 1000 * i; /* a mean of 9,000 a replication */
        reps[i].diary_handed_back = i == 1;    /* 1 over 3: a mean that reads 0 */
        reps[i].diary_spread = 0;
    }
    char *buf = dashboard_text(&p, reps, NULL);
    char *l = line_with(buf, "  Moved: ");
    CHECK(l && strstr(l, "Moved: 9,000 sessions a replication (over the run, warm-up "),
          "moved as a mean a replication: %s", l ? l : "(none)");
    free(l);
    l = line_with(buf, "  Handed on: ");
    CHECK(l && strstr(l, "Handed on: 1 person over 3 replications (over the run, warm-up "),
          "one handed on in three replications as the count: %s", l ? l : "(none)");
    free(l);
    CHECK(!strstr(buf, "Spread:"), "no Spread line without spread sessions");
    const char *m = strstr(buf, "  Moved: ");
    const char *end = m ? strstr(m, "(moved_sessions).\n") : NULL;
    CHECK(end != NULL, "the Moved line ends with its metric's name");
    int ok = 1;
    for (const char *s = m; s && s < end; s = strchr(s, '\n') + 1) {
        size_t n = strcspn(s, "\n");
        ok &= n <= 78 && strncmp(s, "  ", 2) == 0 && s[n - 1] != ' ';
    }
    CHECK(m && ok, "its lines indented, within 78 columns, no trailing space");
    free(buf);
    free_reps(reps);
}

/* The therapist effect's section: each step's share and burnout's part with their
 * intervals (burnout's part not cut at 0: it can fall below), "–" where a step has none,
 * and no section when no replication has a figure (a small service's). */
static void test_dashboard_therapist(void)
{
    pw_params p;
    fill_params(&p);
    pw_results *reps = make_reps();
    static const double share[NREPS] = {0.04, 0.05, 0.06}, part[NREPS] = {-0.5, 0.1, 0.1};
    for (size_t i = 0; i < NREPS; i++) {
        reps[i].metric[PW_M_THERAPIST_EFFECT_STEP2] = share[i];
        reps[i].metric[PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2] = part[i];
        reps[i].metric[PW_M_THERAPIST_EFFECT_STEP3] = NAN;
        reps[i].metric[PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3] = NAN;
    }
    char *buf = dashboard_text(&p, reps, NULL);
    const char *w = strstr(buf, "WORKFORCE AND COSTS"), *t = strstr(buf, "THERAPIST EFFECT");
    const char *l2 = strstr(buf, "WAITING LISTS");
    CHECK(w && t && l2 && w < t && t < l2, "the section after the workforce's, before the lists");
    /* Student-t at 2 df: 4.303 x sd / sqrt(3); 0.01 -> 2.48 points, 0.3464 -> 86.1. */
    char *l = line_with(buf, "Outcome variance between clinicians");
    CHECK(l && strstr(l, "5.0% ± 2.5") && strstr(l, "–"),
          "step 2's share with its interval, step 3's none: %s", l ? l : "(none)");
    free(l);
    l = line_with(buf, "of it, explained by their burnout");
    CHECK(l && strstr(l, "-10.0% ± 86.1"), "burnout's part below 0 and its interval not cut "
          "at 0: %s", l ? l : "(none)");
    free(l);
    free(buf);
    /* A cell wider than its column (an interval and "[2 of 3]") ends at its column's
     * end, into the label's padding, so the next column stays in line: the line ends at
     * column 76 (42 + 2 x 17), as the header's "step 3" does (it was pushed right). */
    static const double wide[NREPS] = {0.1, 0.2, NAN}, normal[NREPS] = {0.2, 0.3, 0.4};
    for (size_t i = 0; i < NREPS; i++) {
        reps[i].metric[PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2] = wide[i];
        reps[i].metric[PW_M_THERAPIST_EFFECT_STEP3] = 0.05;
        reps[i].metric[PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3] = normal[i];
    }
    buf = dashboard_text(&p, reps, NULL);
    l = line_with(buf, "of it, explained by their burnout");
    int cols = 0;
    for (const char *c = l; c && *c && *c != '\n'; c++)
        cols += ((unsigned char)*c & 0xC0) != 0x80;
    CHECK(l && strstr(l, "[2 of 3]") && strstr(l, "30.0% ± 24.8") && cols == 76,
          "an overflowing cell keeps the next column in line (76 columns, got %d): %s", cols,
          l ? l : "(none)");
    free(l);
    l = line_with(buf, "THERAPIST EFFECT");
    CHECK(l && strlen(l) == 76, "and the header's step 3 ends there too: %s", l ? l : "(none)");
    free(l);
    free(buf);
    for (size_t i = 0; i < NREPS; i++)
        reps[i].metric[PW_M_THERAPIST_EFFECT_STEP2] = reps[i].metric[PW_M_THERAPIST_EFFECT_STEP3] =
            reps[i].metric[PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP2] =
                reps[i].metric[PW_M_THERAPIST_EFFECT_BURNOUT_PART_STEP3] = NAN;
    buf = dashboard_text(&p, reps, NULL);
    CHECK(!strstr(buf, "THERAPIST EFFECT"), "no section where no replication has a figure");
    free(buf);
    free_reps(reps);
}

int main(void)
{
    RUN_TEST(test_numbers);
    RUN_TEST(test_strings);
    RUN_TEST(test_json_validator);
    RUN_TEST(test_metric_labels);
    RUN_TEST(test_mkdir);
    RUN_TEST(test_atomic_file);
    RUN_TEST(test_write_files);
    RUN_TEST(test_byte_identical);
    RUN_TEST(test_write_failures);
    RUN_TEST(test_streams);
    RUN_TEST(test_streams_threads);
    RUN_TEST(test_dashboard);
    RUN_TEST(test_dashboard_diary_counts);
    RUN_TEST(test_dashboard_therapist);
    return harness_done();
}
