/* Scenario loader tests: every bad case fails with its expected message, every shipped
 * scenario loads and survives a print/load round trip, --set works, the libconfig traps
 * are caught. Run from the repository root, or give the root as argv[1]. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "prog_util.h"
#include "models/pol.h"
#include "sim/scn_load.h"

#define PATHMAX 1024

/* The repository root all paths are relative to (argv[1], else "."); set once in main. */
typedef struct paths {
    char root[PATHMAX];
} paths;

/* root/rel into buf (cut if it does not fit; the load then fails visibly). Returns buf. */
static const char *at_root(const paths *ps, const char *rel, char *buf, size_t n)
{
    size_t a = strlen(ps->root), b = strlen(rel);
    if (a + 1 + b + 1 > n)
        a = b = 0;
    memcpy(buf, ps->root, a);
    buf[a] = '/';
    memcpy(buf + a + 1, rel, b);
    buf[a + 1 + b] = '\0';
    return buf;
}

/* Does some message of e contain needle? */
static int has_msg(const scn_errors *e, const char *needle)
{
    for (size_t i = 0; i < e->n; i++)
        if (strstr(e->msg[i], needle))
            return 1;
    return 0;
}

/* Print every message (after a failed check, to show what the loader said). */
static void dump(const scn_errors *e)
{
    for (size_t i = 0; i < e->n; i++)
        printf("    | %s\n", e->msg[i]);
}

/* Names in dir ending in suffix, sorted; malloc'd array of malloc'd strings (caller frees
 * with free_names). Returns the count, 0 if the directory cannot be read. */
static size_t list_dir(const char *dir, const char *suffix, char ***out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0, cap = 0;
    char **v = NULL;
    struct dirent *de;
    size_t sl = strlen(suffix);
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l <= sl || strcmp(de->d_name + l - sl, suffix))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nv = realloc(v, cap * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        v[n] = malloc(l + 1);
        if (!v[n])
            break;
        memcpy(v[n++], de->d_name, l + 1);
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) /* insertion sort: a few dozen names */
        for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    *out = v;
    return n;
}

/* Free what list_dir returned. */
static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Load path with sets; the returned status, messages in *e (caller frees). */
static int load(const char *path, const char *const *sets, size_t nsets, pw_params *p,
                scn_errors *e)
{
    scn_errors_init(e);
    return scn_load(path, sets, nsets, p, e);
}

/* Are two empirical distributions' weights equal within 1e-12? Then copy x's into y, so
 * that a byte comparison can follow. what names the distribution in *why. */
static int cum_near(const pw_dist *dx, pw_dist *dy, const char *what, char *why, size_t n)
{
    if (dx->kind != PW_DIST_EMPIRICAL || dy->kind != PW_DIST_EMPIRICAL)
        return 1;
    for (size_t i = 0; i < PW_DIST_MAX_POINTS; i++) {
        if (fabs(dx->cum[i] - dy->cum[i]) > 1e-12) {
            snprintf(why, n, "%s cum[%zu]: %.17g vs %.17g", what, i, dx->cum[i], dy->cum[i]);
            return 0;
        }
        dy->cum[i] = dx->cum[i];
    }
    return 1;
}

/* Are a and b the same parameters? Exact, byte for byte, except empirical weights, which
 * are stored normalised and cumulative and may move by an ulp on reprinting. */
static int params_equal(const pw_params *a, const pw_params *b, char *why, size_t n)
{
    pw_params x = *a, y = *b;
    for (int s = 0; s < PW_STEP_N; s++) {
        if (!cum_near(&x.step[s].first_session_lag_days, &y.step[s].first_session_lag_days,
                      s ? "step3 first_session_lag_days" : "step2 first_session_lag_days", why, n) ||
            !cum_near(&x.step[s].episode_days, &y.step[s].episode_days,
                      s ? "step3 episode_days" : "step2 episode_days", why, n))
            return 0;
    }
    for (size_t r = 0; r < PW_MAX_ROLES; r++)
        if (!cum_near(&x.roles[r].vacancy_days, &y.roles[r].vacancy_days, "a role's vacancy_days",
                      why, n))
            return 0;
    const unsigned char *p = (const unsigned char *)&x, *q = (const unsigned char *)&y;
    for (size_t i = 0; i < sizeof x; i++)
        if (p[i] != q[i]) {
            snprintf(why, n, "first difference at byte %zu of %zu", i, sizeof x);
            return 0;
        }
    return 1;
}

/* Print p to a temporary file, load it back and compare. Returns 1 if identical. */
static int round_trip(const pw_params *p, const char *what)
{
    char tmpl[] = "/tmp/test_scn_XXXXXX";
    int fd = mkstemp(tmpl);
    if (!CHECK(fd >= 0, "%s: mkstemp: %s", what, strerror(errno)))
        return 0;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmpl);
        return CHECK(0, "%s: fdopen failed", what);
    }
    scn_print(f, p);
    int werr = ferror(f);
    fclose(f);
    CHECK(!werr, "%s: scn_print wrote without error", what);
    pw_params back;
    scn_errors e;
    int rc = load(tmpl, NULL, 0, &back, &e);
    int ok = CHECK(rc == SCN_OK, "%s: printed scenario loads back (got %s)", what, scn_strerror(rc));
    if (!ok) {
        dump(&e);
        printf("    printed file kept at %s\n", tmpl);
    } else {
        char why[200];
        ok = CHECK(params_equal(p, &back, why, sizeof why), "%s: round trip identical (%s)", what,
                   why);
        unlink(tmpl);
    }
    scn_errors_free(&e);
    return ok;
}

/* p as scn_print writes it, malloc'd (caller frees); NULL after a failed check. */
static char *printed(const pw_params *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!CHECK(f != NULL, "open_memstream"))
        return NULL;
    scn_print(f, p);
    fclose(f);
    return buf;
}

/* Index of role name in p, or -1. */
static int role(const pw_params *p, const char *name)
{
    for (size_t i = 0; i < p->n_roles; i++)
        if (!strcmp(p->roles[i].name, name))
            return (int)i;
    return -1;
}

/* Number parameter key of policy_params.<policy> in p, read through the policy's own table
 * (NAN if there is no such policy or number). */
static double policy_num(const pw_params *p, const char *policy, const char *key)
{
    int k = pw_policy_find(policy);
    if (k < 0)
        return NAN;
    const pw_policy *pol = pw_policy_of(k);
    for (size_t i = 0; i < pol->nparams; i++)
        if (!strcmp(pol->params[i].name, key) && pol->params[i].kind == PW_F_NUM)
            return *(const double *)(p->policy_params[k].bytes + pol->params[i].off);
    return NAN;
}

/* ==== tests ============================================================================ */

/* Every tests/bad/NAME.cfg fails; every line of NAME.expect is in some message (a line
 * starting with '!': in none). */
static void test_bad_cases(const paths *ps)
{
    char dir[PATHMAX];
    at_root(ps, "tests/bad", dir, sizeof dir);
    char **names;
    size_t n = list_dir(dir, ".cfg", &names);
    CHECK(n >= 80, "at least 80 bad cases in %s (got %zu)", dir, n);
    for (size_t i = 0; i < n; i++) {
        char path[PATHMAX + 300], exp[PATHMAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        snprintf(exp, sizeof exp, "%s/%.*s.expect", dir, (int)(strlen(names[i]) - 4), names[i]);
        pw_params p;
        scn_errors e;
        int rc = load(path, NULL, 0, &p, &e);
        int ok = CHECK(rc == SCN_EINVALID, "%s: expected SCN_EINVALID, got %s", names[i],
                       scn_strerror(rc));
        ok &= CHECK(e.n > 0, "%s: at least one message", names[i]);
        FILE *f = fopen(exp, "r");
        ok &= CHECK(f != NULL, "%s: has an .expect file (%s)", names[i], exp);
        int nexp = 0;
        if (f) {
            char line[1024];
            while (fgets(line, sizeof line, f)) {
                line[strcspn(line, "\r\n")] = '\0';
                if (!line[0] || line[0] == '#')
                    continue;
                nexp++;
                if (line[0] == '!') /* a message that must not appear (a cascade) */
                    ok &= CHECK(!has_msg(&e, line + 1), "%s: no message contains: %s", names[i],
                                line + 1);
                else
                    ok &= CHECK(has_msg(&e, line), "%s: a message contains: %s", names[i], line);
            }
            fclose(f);
            ok &= CHECK(nexp > 0, "%s: .expect holds at least one line", names[i]);
        }
        /* Compiler form: every message starts with the file (or --set) and a colon. */
        for (size_t k = 0; k < e.n; k++)
            ok &= CHECK(strncmp(e.msg[k], dir, strlen(dir)) == 0 && strchr(e.msg[k], ':'),
                        "%s: message in FILE:LINE: form: %s", names[i], e.msg[k]);
        if (!ok)
            dump(&e);
        scn_errors_free(&e);
    }
    free_names(names, n);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* england.cfg's staffing factors as docs/england.md says they were made: within each
 * region (the services whose names share the word before the space) the n values are
 * evenly spaced from 0.85 to 1.15, 0.85 + 0.3 (k + 1/2) / n, each once (to the file's
 * 3 decimals). East of England's 14 once took two values only, 0.904 and 1.054. */
static void england_staffing(const scn_federation *fed)
{
    size_t k = 0;
    while (k < fed->n) {
        const char *name = fed->services[k].name;
        size_t len = strcspn(name, " "), n = 0;
        while (k + n < fed->n && strncmp(fed->services[k + n].name, name, len) == 0 &&
               fed->services[k + n].name[len] == ' ')
            n++;
        double v[128];
        if (!CHECK(n >= 1 && n <= 128, "england.cfg: region %.*s has 1 to 128 services (got %zu)",
                   (int)len, name, n))
            return;
        memcpy(v, fed->staffing + k, n * sizeof *v);
        qsort(v, n, sizeof *v, cmp_double);
        int even = 1;
        for (size_t i = 0; i < n; i++)
            even &= fabs(v[i] - (0.85 + 0.3 * (i + 0.5) / n)) < 6e-4;
        CHECK(even, "england.cfg: region %.*s's %zu staffing factors are evenly spaced from "
              "0.85 to 1.15 (lowest %.3f, highest %.3f)", (int)len, name, n, v[0], v[n - 1]);
        k += n;
    }
}

/* Every shipped scenario loads without a message and survives scn_print (a federation's
 * national parameters, england.cfg: 120 services, ~1.85 million referrals a year). */
static void test_scenarios(const paths *ps)
{
    char dir[PATHMAX];
    at_root(ps, "scenarios", dir, sizeof dir);
    char **names;
    size_t n = list_dir(dir, ".cfg", &names);
    CHECK(n >= 4, "at least 4 scenarios in %s (got %zu)", dir, n);
    for (size_t i = 0; i < n; i++) {
        char path[PATHMAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        pw_params p;
        scn_errors e;
        scn_federation fed;
        scn_errors_init(&e);
        int rc = scn_load_federation(path, NULL, 0, &p, &fed, &e);
        if (!CHECK(rc == SCN_OK && e.n == 0, "%s: loads cleanly (got %s, %zu messages)", names[i],
                   scn_strerror(rc), e.n))
            dump(&e);
        else
            round_trip(&p, names[i]);
        if (rc == SCN_OK && !strcmp(names[i], "england.cfg")) {
            double sum = 0;
            for (size_t k = 0; k < fed.n; k++)
                sum += fed.services[k].referrals.per_week;
            CHECK(fed.n == 120, "england.cfg: 120 services (got %zu)", fed.n);
            /* 1.85 million a year, within the table's rounding of scale (3 decimals). */
            CHECK_NEAR(p.referrals.per_week * 365.25 / 7, 1.85e6, 1e3,
                       "england.cfg: referrals a year");
            CHECK_NEAR(sum, p.referrals.per_week, 1e-6, "england.cfg: national rate = sum");
            england_staffing(&fed);
        }
        scn_federation_free(&fed);
        scn_errors_free(&e);
    }
    free_names(names, n);

    /* The fixture the bad cases break must itself be good. */
    char base[PATHMAX];
    pw_params p;
    scn_errors e;
    int rc = load(at_root(ps, "tests/bad/include/base.cfg", base, sizeof base), NULL, 0, &p, &e);
    if (!CHECK(rc == SCN_OK, "tests/bad/include/base.cfg loads (got %s)", scn_strerror(rc)))
        dump(&e);
    scn_errors_free(&e);
}

/* The whole file at path, NUL-terminated, malloc'd; NULL if unreadable. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* baseline.cfg writes out every key the loader knows (each with its comment): every
 * "KEY =" that scn_print produces for it appears in the file. Only episode_days, which
 * changes the model when present, is documented in a comment instead. */
static void test_baseline_complete(const paths *ps)
{
    char path[PATHMAX];
    at_root(ps, "scenarios/baseline.cfg", path, sizeof path);
    char *text = slurp(path);
    if (!CHECK(text != NULL, "read %s", path))
        return;
    pw_params p;
    scn_errors e;
    int rc = load(path, NULL, 0, &p, &e);
    scn_errors_free(&e);
    char *out = NULL;
    size_t len = 0;
    FILE *f = rc == SCN_OK ? open_memstream(&out, &len) : NULL;
    if (CHECK(f != NULL, "baseline loads and prints")) {
        scn_print(f, &p);
        fclose(f);
        int nkeys = 0;
        for (const char *q = strstr(out, " = "); q; q = strstr(q + 3, " = ")) {
            const char *k = q;
            while (k > out && (isalnum((unsigned char)k[-1]) || k[-1] == '_'))
                k--;
            char key[80];
            int n = snprintf(key, sizeof key, "%.*s =", (int)(q - k), k);
            if (n <= 2 || n >= (int)sizeof key)
                continue;
            nkeys++;
            CHECK(strstr(text, key) != NULL, "baseline.cfg writes out '%.*s'", n - 2, key);
        }
        CHECK(nkeys > 100, "scn_print gave the keys (%d)", nkeys);
        CHECK(strstr(text, "episode_days") != NULL, "baseline.cfg documents episode_days");
        free(out);
    }
    free(text);
}

/* What the shipped scenarios resolve to: defaults, variants, the M/M/c reduction. */
static void test_values(const paths *ps)
{
    char path[PATHMAX];
    pw_params b, v, m, s;
    scn_errors e;

    int rc = load(at_root(ps, "scenarios/baseline.cfg", path, sizeof path), NULL, 0, &b, &e);
    scn_errors_free(&e);
    if (!CHECK(rc == SCN_OK, "baseline loads"))
        return;
    CHECK(b.n_roles == 2 && role(&b, "pwp") == 0 && role(&b, "hit") == 1, "roles pwp, hit");
    CHECK(pw_policy_of(b.policy)->assessor_role(&b) == role(&b, "pwp"),
          "assessor resolved to pwp (got %d)", pw_policy_of(b.policy)->assessor_role(&b));
    CHECK(b.roles[0].does == (PW_DOES_ASSESSMENT | PW_DOES_STEP2 | PW_DOES_GROUPS),
          "pwp does assessment, step2, groups (got %u)", b.roles[0].does);
    CHECK(b.policy == pw_policy_find("stepped"), "policy stepped");
    CHECK(b.referrals.per_week >= 200 && b.referrals.per_week <= 300,
          "a mid-size service, ~250 referrals a week (got %g)", b.referrals.per_week);
    CHECK_NEAR(b.assessment.minutes, 60.0, 0, "assessment minutes (docs/calibration.md §5)");
    CHECK_NEAR(b.roles[0].assessments_per_week, 9.0, 0, "PWP assessments a week");
    CHECK_NEAR(b.step[PW_STEP2].first_session_minutes, 45.0, 0, "PWP first session");
    CHECK_NEAR(b.step[PW_STEP3].first_session_minutes, 90.0, 0, "CBT first session");
    CHECK(b.step[PW_STEP2].first_session_lag_days.kind == PW_DIST_GAMMA, "step-2 lag is gamma");
    const pw_dist *lag = &b.step[PW_STEP2].first_session_lag_days;
    CHECK_NEAR(lag->a, (lag->mean / lag->sd) * (lag->mean / lag->sd), 1e-12,
               "gamma prepared: shape (mean/sd)^2");
    CHECK(!b.step[PW_STEP2].has_episode_days, "baseline has no episode_days");
    CHECK(b.reporting.clock_stops_at_first_contact == 1, "clock stops at first contact");
    CHECK(b.bank_holidays == PW_BANK_HOLIDAYS_ENGLAND_WALES && b.n_closures == 0,
          "bank holidays of England and Wales by rule, no closure days of its own (got %d, %zu)",
          b.bank_holidays, b.n_closures);

    rc = load(at_root(ps, "scenarios/more_pwps.cfg", path, sizeof path), NULL, 0, &v, &e);
    scn_errors_free(&e);
    if (CHECK(rc == SCN_OK, "more_pwps loads")) {
        int want = b.roles[role(&b, "pwp")].headcount, got = v.roles[role(&v, "pwp")].headcount;
        CHECK(fabs(got - 1.25 * want) <= 0.5, "more_pwps: 25%% more PWPs than %d (got %d)", want,
              got);
        CHECK(strstr(v.name, "+25% PWPs") != NULL, "more_pwps: its own name (got %s)", v.name);
        /* Its own pre-fill, nearer its window (scenarios/more_pwps.cfg). */
        CHECK(v.prefill.caseload_fill == 0.25 && v.prefill.step_list[PW_STEP3] == 900,
              "more_pwps: its own pre-fill (caseload_fill %g, step3_list %d)",
              v.prefill.caseload_fill, v.prefill.step_list[PW_STEP3]);
        /* Everything else is the baseline's. */
        v.prefill = b.prefill;
        v.roles[role(&v, "pwp")].headcount = b.roles[role(&b, "pwp")].headcount;
        memcpy(v.name, b.name, sizeof v.name);
        char why[200];
        CHECK(params_equal(&b, &v, why, sizeof why), "more_pwps = baseline + PWPs (%s)", why);
    }
    rc = load(at_root(ps, "scenarios/fewer_hits.cfg", path, sizeof path), NULL, 0, &v, &e);
    scn_errors_free(&e);
    if (CHECK(rc == SCN_OK, "fewer_hits loads"))
        CHECK(v.roles[role(&v, "hit")].headcount == b.roles[role(&b, "hit")].headcount - 3,
              "fewer_hits: 3 fewer HITs (got %d)", v.roles[role(&v, "hit")].headcount);
    /* The README's two-line variant: 4 more PWPs and nothing else (the name aside). */
    rc = load(at_root(ps, "scenarios/pwp36.cfg", path, sizeof path), NULL, 0, &v, &e);
    scn_errors_free(&e);
    if (CHECK(rc == SCN_OK, "pwp36 loads")) {
        CHECK(v.roles[role(&v, "pwp")].headcount == 36 && strcmp(v.name, "36 PWPs") == 0,
              "pwp36: 36 PWPs, named so (got %d, '%s')", v.roles[role(&v, "pwp")].headcount,
              v.name);
        v.roles[role(&v, "pwp")].headcount = b.roles[role(&b, "pwp")].headcount;
        memcpy(v.name, b.name, sizeof v.name);
        char why[200];
        CHECK(params_equal(&b, &v, why, sizeof why), "pwp36 = baseline + 4 PWPs (%s)", why);
    }

    rc = load(at_root(ps, "scenarios/mmc.cfg", path, sizeof path), NULL, 0, &m, &e);
    scn_errors_free(&e);
    if (CHECK(rc == SCN_OK, "mmc loads")) {
        const pw_step_p *s2 = &m.step[PW_STEP2];
        CHECK(m.assessment.skip && pw_policy_of(m.policy)->assessor_role(&m) == -1,
              "mmc: no assessment, no assessor");
        CHECK(m.n_roles == 1 && m.roles[0].headcount == 10 && m.roles[0].caseload_cap == 1 &&
                  m.roles[0].fte == 1.0 && m.roles[0].does == PW_DOES_STEP2,
              "mmc: c = 10 single-place servers doing step 2");
        CHECK(s2->has_episode_days && s2->episode_days.kind == PW_DIST_EXPONENTIAL,
              "mmc: exponential service time");
        double lambda = m.referrals.per_week / 7.0, mu = 1.0 / s2->episode_days.mean;
        CHECK_NEAR(lambda / (10 * mu), 0.8, 1e-12, "mmc: rho = lambda / (c mu)");
        CHECK(!m.weekend_closed && m.n_closures == 0 && m.referrals.growth_per_year == 0,
              "mmc: open every day, no growth");
        for (int i = 0; i < 12; i++)
            CHECK(m.referrals.seasonality[i] == 1.0, "mmc: flat seasonality");
        CHECK(s2->wait_dropout.p_start == 0 && s2->wait_dropout.p_end == 0 &&
                  s2->dna_probability == 0 && s2->dropout_per_session == 0 &&
                  s2->step_up_probability == 0 && s2->recovered_sessions_to_end == 0 &&
                  s2->no_progress_after == 0 && m.relapse.probability_recovered == 0 &&
                  m.relapse.probability_unrecovered == 0 && m.assessment.opt_in_probability == 1,
              "mmc: no loss anywhere");
        CHECK_NEAR(s2->first_session_minutes, s2->session_minutes, 0,
                   "default first_session_minutes = session_minutes");
    }

    /* Defaults, on the small fixture that leaves most optional keys out. */
    rc = load(at_root(ps, "tests/bad/include/base.cfg", path, sizeof path), NULL, 0, &s, &e);
    scn_errors_free(&e);
    if (CHECK(rc == SCN_OK, "fixture loads")) {
        CHECK(s.weekend_closed == 1 && s.n_closures == 0, "default: weekend closed, no closures");
        CHECK(s.referrals.seasonality[7] == 1.0 && s.referrals.growth_per_year == 0 &&
                  s.referrals.n_step_changes == 0,
              "default: flat, no growth, no steps");
        CHECK_NEAR(s.assessment.wait_dropout.shape, 2.0, 0, "default hazard shape");
        CHECK(s.step[PW_STEP2].min_sessions == 2 && s.step[PW_STEP2].discharge_after_dnas == 2,
              "default min_sessions, discharge_after_dnas");
        CHECK_NEAR(s.step[PW_STEP2].interval_days, 7.0, 0, "default interval");
        CHECK_NEAR(s.step[PW_STEP3].mode_shares[PW_MODE_GROUP], 0.0, 0, "missing mode share = 0");
        CHECK_NEAR(s.roles[role(&s, "pwp")].need_accuracy, 0.8, 0, "default need_accuracy");
        CHECK_NEAR(s.symptoms.measurement_sd, 1.5, 0, "default measurement sd");
        CHECK_NEAR(s.failure.dropout_multiplier, 1.25, 0, "default failure multiplier");
        CHECK_NEAR(s.relapse.mean_days, 180.0, 0, "default relapse mean");
        CHECK_NEAR(policy_num(&s, "stepped", "direct_step3_phq"), 20.0, 0,
                   "default direct_step3_phq");
        CHECK(s.reporting.clock_stops_at_first_contact == 1 && !s.output.patients &&
                  s.prefill.assessment_list == 0,
              "default reporting, output, prefill");
        round_trip(&s, "fixture with defaults");
    }
}

/* Load path with --set overrides; SCN_OK expected, else the messages are shown. */
static int load_ok(const char *path, const char *const *sets, size_t nsets, pw_params *p,
                   const char *what)
{
    scn_errors e;
    int rc = load(path, sets, nsets, p, &e);
    int ok = CHECK(rc == SCN_OK, "%s: loads (got %s)", what, scn_strerror(rc));
    if (!ok)
        dump(&e);
    scn_errors_free(&e);
    return ok;
}

/* Workforce keys: fixed-staff defaults, salary by band, training_to resolution, hiring and
 * shock plans, and their round trips. */
static void test_workforce(const paths *ps)
{
    char fixture[PATHMAX], base[PATHMAX], path[PATHMAX];
    at_root(ps, "tests/bad/include/base.cfg", fixture, sizeof fixture);
    at_root(ps, "scenarios/baseline.cfg", base, sizeof base);
    pw_params p;

    /* Defaults: fixed staff, every hazard 0. */
    if (load_ok(fixture, NULL, 0, &p, "fixture")) {
        for (size_t i = 0; i < p.n_roles; i++) {
            const pw_role *r = &p.roles[i];
            CHECK(r->leave_per_year == 0 && r->sick_per_year == 0 && r->train_per_year == 0,
                  "%s: default hazards 0 (got %g, %g, %g)", r->name, r->leave_per_year,
                  r->sick_per_year, r->train_per_year);
            CHECK_NEAR(r->sick_days_mean, 10.0, 0, "default sick_days_mean");
            CHECK_NEAR(r->train_min_tenure_years, 1.0, 0, "default training_min_tenure_years");
            CHECK_NEAR(r->train_bar_years, 0.0, 0, "default training_bar_years");
            CHECK(r->train_to[0] == '\0' && r->train_to_role == -1,
                  "%s: default training_to none, role -1 (got \"%s\", %d)", r->name, r->train_to,
                  r->train_to_role);
            CHECK_NEAR(r->train_weeks, 52.0, 0, "default training_weeks");
            CHECK_NEAR(r->train_capacity, 0.5, 0, "default training_capacity");
            CHECK_NEAR(r->qualify_probability, 0.9, 0, "default qualify_probability");
            CHECK(r->replace_leavers == 1, "%s: default replace_leavers true", r->name);
            const pw_dist *v = &r->vacancy_days;
            CHECK(v->kind == PW_DIST_GAMMA && v->mean == 90.0 && v->sd == 30.0,
                  "%s: default vacancy_days gamma 90/30 (got kind %d, %g, %g)", r->name,
                  (int)v->kind, v->mean, v->sd);
            CHECK_NEAR(v->a, 9.0, 1e-12, "default vacancy_days prepared: shape (90/30)^2");
            CHECK_NEAR(v->b, 10.0, 1e-12, "default vacancy_days prepared: scale 30^2/90");
            CHECK(r->intake_month == 0, "%s: default intake_month 0", r->name);
            CHECK_NEAR(r->ramp_weeks, 12.0, 0, "default ramp_weeks");
            CHECK_NEAR(r->ramp_start, 0.5, 0, "default ramp_start");
        }
        CHECK_NEAR(p.roles[role(&p, "pwp")].salary_gbp, 27000.0, 0, "pwp band 5: default salary");
        CHECK_NEAR(p.roles[role(&p, "hit")].salary_gbp, 40000.0, 0, "hit band 7: default salary");
        const pw_workforce_p *w = &p.workforce;
        CHECK_NEAR(w->sustainable_load, 0.85, 0, "default sustainable_load");
        CHECK_NEAR(w->burnout_rise_per_week, 0.0, 0, "default burnout_rise_per_week");
        CHECK_NEAR(w->burnout_recovery_per_week, 0.1, 0, "default burnout_recovery_per_week");
        CHECK_NEAR(w->telephone_weight, 1.0, 0, "default telephone_weight");
        CHECK_NEAR(w->supervision_hours_per_month, 2.0, 0, "default supervision hours");
        CHECK_NEAR(w->supervision_relief, 0.0, 0, "default supervision_relief");
        CHECK(w->burnout_leave_factor == 0 && w->burnout_sick_factor == 0 &&
                  w->burnout_effect == 0,
              "default burnout factors 0");
        CHECK_NEAR(w->change_dropout, 0.1, 0, "default change_dropout");
        CHECK_NEAR(w->oncost_share, 0.3, 0, "default oncost_share");
        CHECK_NEAR(w->training_cost_gbp, 10000.0, 0, "default training_cost_gbp");
        CHECK_NEAR(w->labour_pool_per_year, 0.0, 0, "default labour_pool_per_year");
        CHECK(w->n_hires == 0 && w->n_shocks == 0, "default: no hiring, no shocks");
        CHECK(w->hires[0].role == -1 && w->shocks[PW_MAX_PLAN - 1].role == -1,
              "unused plan rows have role -1");
    }

    /* The calibrated baseline: staff leave, fall sick and burn out; PWPs train as HITs. */
    if (load_ok(base, NULL, 0, &p, "baseline")) {
        for (size_t i = 0; i < p.n_roles; i++)
            CHECK(p.roles[i].leave_per_year > 0 && p.roles[i].sick_per_year > 0,
                  "baseline %s: staff leave and fall sick", p.roles[i].name);
        CHECK(p.workforce.burnout_rise_per_week > 0 && p.workforce.n_hires == 0 &&
                  p.workforce.n_shocks == 0,
              "baseline: burnout, no plans");
        CHECK(p.roles[role(&p, "pwp")].train_to_role == role(&p, "hit"),
              "baseline: pwp training_to resolved to hit (got %d)",
              p.roles[role(&p, "pwp")].train_to_role);
        CHECK(p.roles[role(&p, "hit")].train_to_role == -1, "baseline: hit trains for nothing");
        CHECK_NEAR(p.workforce.supervision_hours_per_month, 2.0, 0,
                   "baseline supervision (docs/calibration.md §5: 2 h/month)");
        /* The baseline writes the band defaults out. */
        CHECK_NEAR(p.roles[role(&p, "pwp")].salary_gbp, 27000.0, 0, "baseline pwp salary");
        CHECK_NEAR(p.roles[role(&p, "hit")].salary_gbp, 40000.0, 0, "baseline hit salary");
    }
    if (load_ok(at_root(ps, "scenarios/expert_door.cfg", path, sizeof path), NULL, 0, &p,
                "expert_door")) {
        const pw_role *sr = &p.roles[role(&p, "senior")];
        CHECK_NEAR(sr->salary_gbp, 50000.0, 0, "expert_door: senior band 8 (8a) default salary");
        CHECK(sr->train_to_role == -1 && sr->leave_per_year == 0, "expert_door: senior fixed");
    }

    /* Salary by band: each band's default, printed resolved, reads back the same. */
    const double want[10] = {0, 17500, 18500, 20500, 23000, 27000, 33000, 40000, 50000, 95000};
    for (int band = 1; band <= 9; band++) {
        char set[32], what[64];
        snprintf(set, sizeof set, "staff.pwp.band=%d", band);
        snprintf(what, sizeof what, "fixture, %s", set);
        const char *sets[] = {set};
        if (!load_ok(fixture, sets, 1, &p, what))
            continue;
        CHECK_NEAR(p.roles[role(&p, "pwp")].salary_gbp, want[band], 0, what);
        round_trip(&p, what);
    }
    const char *explicit_pay[] = {"staff.pwp.band=9", "staff.pwp.salary_gbp=31234.5"};
    if (load_ok(fixture, explicit_pay, 2, &p, "explicit salary"))
        CHECK_NEAR(p.roles[role(&p, "pwp")].salary_gbp, 31234.5, 0,
                   "an explicit salary_gbp wins over the band");

    /* Training that is switched on, and plans. */
    const char *plans[] = {
        "staff.pwp.training_per_year=0.08",
        "staff.pwp.training_to=hit",
        "staff.pwp.training_bar_years=2.0",
        "staff.hit.leave_per_year=0.12",
        "staff.hit.intake_month=9",
        "staff.hit.replace_leavers=false",
        "staff.hit.vacancy_days={ dist = \"empirical\"; values = [30.0, 60.0, 120.0]; "
        "weights = [0.3, 0.3, 0.4]; }",
        "workforce.burnout_rise_per_week=0.05",
        "workforce.supervision_relief=0.5",
        "workforce.hiring=({ week = 104.0; role = \"pwp\"; count = 5; }, "
        "{ week = 0.5; role = \"hit\"; count = 1; })",
        "workforce.shocks=({ week = 156.0; role = \"hit\"; share = 0.33; weeks = 13.0; })",
    };
    if (load_ok(fixture, plans, sizeof plans / sizeof *plans, &p, "fixture with plans")) {
        const pw_role *pwp = &p.roles[role(&p, "pwp")], *hit = &p.roles[role(&p, "hit")];
        CHECK(pwp->train_to_role == role(&p, "hit") && !strcmp(pwp->train_to, "hit"),
              "training_to resolved (got %d)", pwp->train_to_role);
        CHECK_NEAR(pwp->train_per_year, 0.08, 0, "training_per_year");
        CHECK_NEAR(pwp->train_bar_years, 2.0, 0, "training_bar_years");
        CHECK(hit->intake_month == 9 && !hit->replace_leavers, "intake_month, replace_leavers");
        CHECK(hit->vacancy_days.kind == PW_DIST_EMPIRICAL && hit->vacancy_days.n == 3,
              "vacancy_days empirical");
        CHECK_NEAR(hit->vacancy_days.cum[2], 1.0, 0, "vacancy_days prepared");
        const pw_workforce_p *w = &p.workforce;
        CHECK(w->n_hires == 2 && w->hires[0].role == role(&p, "pwp") &&
                  w->hires[1].role == role(&p, "hit") && w->hires[0].count == 5 &&
                  w->hires[1].week == 0.5 && !strcmp(w->hires[1].role_name, "hit"),
              "hiring rows read and resolved (n %zu, roles %d %d)", w->n_hires, w->hires[0].role,
              w->hires[1].role);
        CHECK(w->hires[2].role == -1, "hiring: rows past n stay -1");
        CHECK(w->n_shocks == 1 && w->shocks[0].role == role(&p, "hit") &&
                  w->shocks[0].share == 0.33 && w->shocks[0].weeks == 13.0 &&
                  w->shocks[0].week == 156.0 && !strcmp(w->shocks[0].role_name, "hit"),
              "shock row read and resolved");
        round_trip(&p, "fixture with plans");
        char *buf = printed(&p);
        if (buf) {
            CHECK(strstr(buf, "hiring = ( { week = 104.0; role = \"pwp\"; count = 5; }, "
                              "{ week = 0.5; role = \"hit\"; count = 1; } );") != NULL,
                  "scn_print writes the hiring list");
            CHECK(strstr(buf, "shocks = ( { week = 156.0; role = \"hit\"; share = 0.33; "
                              "weeks = 13.0; } );") != NULL,
                  "scn_print writes the shocks list");
            CHECK(strstr(buf, "salary_gbp = 27000.0;") != NULL,
                  "scn_print writes the resolved default salary");
            free(buf);
        }
    }
    /* A role added by --set gets fixed-staff defaults; the baseline can drop training_to. */
    const char *newrole[] = {"staff.bank={ headcount = 2; fte = 0.5; clinical_hours_per_week = "
                             "20.0; caseload_cap = 10; does = [\"step3\"]; band = 6; }",
                             "staff.pwp.training_to=\"\"", "staff.pwp.training_per_year=0"};
    if (load_ok(base, newrole, 3, &p, "baseline with a bank role")) {
        const pw_role *b = &p.roles[role(&p, "bank")];
        CHECK(b->leave_per_year == 0 && b->train_to_role == -1 && b->salary_gbp == 33000.0,
              "added role: fixed, band 6 salary (got %g)", b->salary_gbp);
        CHECK(p.roles[role(&p, "pwp")].train_to_role == -1, "training_to \"\": role -1");
        round_trip(&p, "baseline with a bank role");
    }

    /* Cross-check errors through --set are placed on the --set argument. */
    struct {
        const char *set, *want;
    } bad[] = {
        {"staff.pwp.training_to=nobody",
         "--set staff.pwp.training_to=nobody: staff.pwp.training_to: no role \"nobody\" under "
         "staff (roles: pwp, hit)"},
        {"staff.hit.training_to=hit",
         "--set staff.hit.training_to=hit: staff.hit.training_to: must name another role"},
        {"staff.hit.training_per_year=0.1",
         "--set staff.hit.training_per_year=0.1: staff.hit.training_to: missing"},
        {"workforce.hiring=({ week = 1.0; role = \"hti\"; count = 1; })",
         "workforce.hiring[0].role: no role \"hti\" under staff (did you mean \"hit\"?)"},
        {"workforce.shocks=({ week = 1.0; role = \"hit\"; share = 1.5; weeks = 2.0; })",
         "workforce.shocks[0].share: must be a probability in [0, 1] (got 1.5)"},
        {"staff.hit.intake_month=13",
         "--set staff.hit.intake_month=13: staff.hit.intake_month: must be an integer in [0, 12] "
         "(got 13)"},
        {"staff.pwp.vacancy_days={ dist = \"normal\"; mean = 9.0; sd = 3.0; }",
         "staff.pwp.vacancy_days.dist: a normal distribution can draw negative durations"},
        {"workforce.sustainable_load=2.5",
         "workforce.sustainable_load: must be a number in (0, 2] (got 2.5)"},
        /* The fixture's 6 HIT posts: a cut of more is refused, the week's establishment
         * counting the planned hires of that week or earlier and the cuts before it. */
        {"workforce.cuts=({ week = 104.0; role = \"hit\"; count = 7; })",
         "--set workforce.cuts=({ week = 104.0; role = \"hit\"; count = 7; }): "
         "workforce.cuts[0].count: cuts 7 posts of \"hit\" where 6 are left at week 104 "
         "(headcount 6, planned hires 0, earlier cuts 0); expected at most 6"},
        {"workforce.cuts=({ week = 9.0; role = \"hit\"; count = 4; }, "
         "{ week = 9.0; role = \"hit\"; count = 3; })",
         "workforce.cuts[1].count: cuts 3 posts of \"hit\" where 2 are left at week 9 "
         "(headcount 6, planned hires 0, earlier cuts 4); expected at most 2"},
    };
    /* Every post, and posts a planned hire adds, may be cut. */
    const char *all_cut[] = {"workforce.hiring=({ week = 50.0; role = \"hit\"; count = 2; })",
                             "workforce.cuts=({ week = 9.0; role = \"hit\"; count = 6; }, "
                             "{ week = 60.0; role = \"hit\"; count = 2; })"};
    load_ok(fixture, all_cut, 2, &p, "cuts of every post, a planned hire's too");
    /* A telephone weight acts on telephone sessions, booked by hours (the fixture's steps)
     * or in diaries (the baseline's); with no step seeing anyone by telephone it would act
     * on nothing: there it is refused, not ignored. */
    const char *tw = "workforce.telephone_weight=2";
    load_ok(fixture, &tw, 1, &p, "a telephone weight on steps booked by hours");
    load_ok(base, &tw, 1, &p, "a telephone weight on steps in diaries");
    {
        const char *none[] = {"workforce.telephone_weight=1.5",
                              "step2.mode_shares={ face_to_face = 0.85; telephone = 0.0; }",
                              "step3.mode_shares={ face_to_face = 1.0; telephone = 0.0; }"};
        scn_errors e;
        int rc = load(base, none, 3, &p, &e);
        CHECK(rc == SCN_EINVALID && e.n == 1 &&
                  has_msg(&e, "workforce.telephone_weight: has no effect here (got 1.5)"),
              "a telephone weight with no telephone sessions: refused (got %s, %zu messages)",
              scn_strerror(rc), e.n);
        scn_errors_free(&e);
    }
    {
        /* Posts planned for a later week do not exist yet when a cut falls due. */
        const char *later[] = {"workforce.hiring=({ week = 50.0; role = \"hit\"; count = 2; })",
                               "workforce.cuts=({ week = 9.0; role = \"hit\"; count = 7; })"};
        scn_errors e;
        int rc = load(fixture, later, 2, &p, &e);
        CHECK(rc == SCN_EINVALID && e.n == 1 &&
                  has_msg(&e, "workforce.cuts[0].count: cuts 7 posts of \"hit\" where 6 are left "
                              "at week 9 (headcount 6, planned hires 0, earlier cuts 0)"),
              "a cut of posts planned for a later week: refused (got %s, %zu messages)",
              scn_strerror(rc), e.n);
        if (e.n != 1)
            dump(&e);
        scn_errors_free(&e);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        scn_errors e;
        int rc = load(fixture, &bad[i].set, 1, &p, &e);
        int ok = CHECK(rc == SCN_EINVALID, "--set %s fails (got %s)", bad[i].set, scn_strerror(rc));
        ok &= CHECK(has_msg(&e, bad[i].want), "--set %s: a message contains: %s", bad[i].set,
                    bad[i].want);
        ok &= CHECK(e.n == 1, "--set %s: exactly one message (got %zu)", bad[i].set, e.n);
        if (!ok)
            dump(&e);
        scn_errors_free(&e);
    }
}

/* More errors than the loader lists (200): the last line says so in compiler form, naming
 * the scenario, as every message is (the fuzzer's rule; it once read "too many errors"
 * alone). */
static void test_too_many(const paths *ps)
{
    char fixture[PATHMAX];
    at_root(ps, "tests/bad/include/base.cfg", fixture, sizeof fixture);
    enum { N = 205 };
    static char text[N][24];
    const char *sets[N];
    for (int i = 0; i < N; i++) {
        snprintf(text[i], sizeof text[i], "k%d=1", i);
        sets[i] = text[i];
    }
    pw_params p;
    scn_errors e;
    int rc = load(fixture, sets, N, &p, &e);
    char want[PATHMAX + 64];
    snprintf(want, sizeof want, "%s: more than 200 errors; the rest are not shown", fixture);
    CHECK(rc == SCN_EINVALID && e.n == 201, "205 unknown keys: 200 messages and a summary "
          "(got %s, %zu messages)", scn_strerror(rc), e.n);
    CHECK(e.n > 0 && !strcmp(e.msg[e.n - 1], want), "the summary: %s (got %s)", want,
          e.n ? e.msg[e.n - 1] : "none");
    scn_errors_free(&e);
}

/* --set: changes, precedence, every value form, and bad overrides. */
/* Which overrides name a file the loader would read (the playground refuses them): the
 * key itself, or a key inside a group given as the value; not a key that only begins
 * with such a name, nor the name inside a string. */
static void test_set_names_file(const paths *ps)
{
    (void)ps;
    static const struct {
        const char *set;
        int names;
    } rows[] = {
        {"referrals.weekly_counts=/etc/passwd", 1},
        {"referrals.weekly_counts=\"x.csv\"", 1},
        {"weekly_counts=x.csv", 1},
        {"referrals={ weekly_counts = \"/etc/passwd\"; }", 1},
        {"referrals={weekly_counts:\"/etc/passwd\"}", 1},
        {"referrals.weekly_counts_repeat=true", 0},
        {"referrals.per_week=250", 0},
        {"name=\"weekly_counts = a name\"", 0},
        {"referrals={ per_week = 250; weekly_counts_repeat = true; }", 0},
        {"staff.pwp.headcount=14", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        CHECK(scn_set_names_file(rows[i].set) == rows[i].names,
              "scn_set_names_file(\"%s\"): expected %d", rows[i].set, rows[i].names);
}

/* One --set on file is refused, a message containing want. */
static void check_bad_set(const char *file, const char *set, const char *want)
{
    pw_params p;
    scn_errors e;
    int rc = load(file, &set, 1, &p, &e);
    int ok = CHECK(rc == SCN_EINVALID, "--set %s fails (got %s)", set, scn_strerror(rc));
    ok &= CHECK(has_msg(&e, want), "--set %s: a message contains: %s", set, want);
    if (!ok)
        dump(&e);
    scn_errors_free(&e);
}

static void test_set(const paths *ps)
{
    char path[PATHMAX], more[PATHMAX];
    at_root(ps, "scenarios/baseline.cfg", path, sizeof path);
    at_root(ps, "scenarios/more_pwps.cfg", more, sizeof more);
    pw_params p;
    scn_errors e;

    const char *good[] = {
        "staff.pwp.headcount=14",
        "staff.pwp.headcount=15",   /* later wins */
        "name=A bare word name",    /* a bare word is a string */
        "policy=stepped",
        "referrals.per_week=250",   /* an int where a float is expected */
        "seed=12345678901L",
        "referrals.seasonality=[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0]",
        "step2.first_session_lag_days={ dist = \"triangular\"; min = 1.0; mode = 2.0; max = 9.0; }",
        "step3.first_session_lag_days.mean=12.5", /* one parameter of a block */
        "step2.episode_days={ dist = \"empirical\"; values = [10.0, 20.0, 40.0]; "
        "weights = [0.2, 0.3, 0.5]; }",
        "step3.episode_days={ dist = \"lognormal\"; mean = 60.0; sd = 20.0; }",
        "referrals.step_changes=({ week = 10.0; factor = 1.5; }, { week = 20.5; factor = 0.5; })",
        "assessment.wait_dropout.p_end=0.03",
        "weekend_closed=false",
        "reporting.clock_stop=first_treatment",
        "output={ patients = true; }",
        /* A role that lists assessment but is not the policy's assessor: its slots are
         * never used, so more of them than its hours is no error (only the assessor's). */
        "staff.hit.does=[\"assessment\", \"step3\"]",
        "staff.hit.assessments_per_week=40.0",
    };
    int rc = load(path, good, sizeof good / sizeof *good, &p, &e);
    if (!CHECK(rc == SCN_OK, "good --set overrides load (got %s)", scn_strerror(rc)))
        dump(&e);
    scn_errors_free(&e);
    if (rc == SCN_OK) {
        CHECK(p.roles[role(&p, "pwp")].headcount == 15, "--set: the later override wins (got %d)",
              p.roles[role(&p, "pwp")].headcount);
        CHECK(!strcmp(p.name, "A bare word name"), "--set: bare word string (got %s)", p.name);
        CHECK(p.seed == 12345678901ull, "--set: 64-bit seed with L (got %llu)",
              (unsigned long long)p.seed);
        CHECK_NEAR(p.referrals.per_week, 250.0, 0, "--set: int for float");
        CHECK_NEAR(p.referrals.seasonality[11], 2.0, 0, "--set: array");
        CHECK(p.step[PW_STEP2].first_session_lag_days.kind == PW_DIST_TRIANGULAR &&
                  p.step[PW_STEP2].first_session_lag_days.mode == 2.0,
              "--set: a whole distribution block replaces the old one");
        CHECK(p.step[PW_STEP3].first_session_lag_days.kind == PW_DIST_GAMMA &&
                  p.step[PW_STEP3].first_session_lag_days.mean == 12.5 &&
                  p.step[PW_STEP3].first_session_lag_days.sd == 2.0,
              "--set: one parameter of a block");
        const pw_dist *emp = &p.step[PW_STEP2].episode_days;
        CHECK(p.step[PW_STEP2].has_episode_days && emp->n == 3, "--set: optional dist given");
        CHECK_NEAR(emp->cum[0], 0.2, 1e-15, "empirical cum[0]");
        CHECK_NEAR(emp->cum[2], 1.0, 0, "empirical cum[2]");
        CHECK(p.referrals.n_step_changes == 2 && p.referrals.step_changes[1].week == 20.5,
              "--set: step changes");
        CHECK_NEAR(p.assessment.wait_dropout.p_end, 0.03, 0, "--set: one member of a group");
        CHECK_NEAR(p.assessment.wait_dropout.p_start, 0.001, 0, "--set: the others kept");
        CHECK(!p.weekend_closed && p.reporting.clock_stops_at_first_contact == 0 &&
                  p.output.patients && !p.output.events,
              "--set: booleans, enum, partial group");
        round_trip(&p, "baseline with every kind of --set");

        /* The printed 64-bit seed keeps its L. */
        char *buf = printed(&p);
        if (buf) {
            CHECK(strstr(buf, "seed = 12345678901L;") != NULL, "scn_print writes 64-bit seeds with L");
            CHECK(strstr(buf, "name = \"A bare word name\";") != NULL, "scn_print writes the name");
            free(buf);
        }
    }

    /* File overrides, then --set on top. */
    const char *on_top[] = {"staff.pwp.headcount=50"};
    rc = load(more, on_top, 1, &p, &e);
    scn_errors_free(&e);
    CHECK(rc == SCN_OK && p.roles[role(&p, "pwp")].headcount == 50,
          "--set applies after the file's overrides");

    /* Strings with quotes and escapes survive the round trip. */
    const char *quoted[] = {"name=\"a \\\"quoted\\\" name\\\\ with backslash\""};
    rc = load(path, quoted, 1, &p, &e);
    if (CHECK(rc == SCN_OK, "--set quoted string")) {
        CHECK(!strcmp(p.name, "a \"quoted\" name\\ with backslash"), "quoted name (got %s)", p.name);
        round_trip(&p, "quoted name");
    } else {
        dump(&e);
    }
    scn_errors_free(&e);

    struct {
        const char *set, *want;
    } bad[] = {
        {"staff.pwp.headcuont=4",
         "--set staff.pwp.headcuont=4: staff.pwp.headcuont: unknown key (did you mean "
         "'staff.pwp.headcount'?)"},
        {"staf.pwp.fte=0.5", "--set staf.pwp.fte=0.5: staf: unknown key (did you mean 'staff'?)"},
        /* A role's name at the top: it had "expected one of the 32 keys of the top level". */
        {"pwp.headcount=10",
         "--set pwp.headcount=10: pwp: unknown key here (did you mean 'staff.pwp.headcount'? a "
         "role's keys are under staff)"},
        {"staff.pwp.headcount=0.5", "--set staff.pwp.headcount=0.5: staff.pwp.headcount: wrong type"},
        {"staff.pwp.caseload_cap=0",
         "--set staff.pwp.caseload_cap=0: staff.pwp.caseload_cap: must be an integer in [1, 500] "
         "(got 0)"},
        {"headcount", "--set headcount: expected key=value"},
        {"=3", "--set =3: expected key=value"},
        {"a..b=3", "--set a..b=3: a..b: not a key path"},
        {"seed=5000000000", "--set seed=5000000000: seed: integer 5000000000 does not fit in 32 bits"},
        {"referrals.per_week=1e400", "referrals.per_week: must be a finite number (got inf"},
        {"name=\"x\"; seed = 3", "the value must be a single value"},
        {"referrals.seasonality=[1, 2.0]",
         "referrals.seasonality[1]: an array's elements must all be of one type (got a float, "
         "2.0, where the first is an integer"},
        /* A key repeated inside the value: libconfig says "duplicate setting name" only. */
        {"step2={max_sessions=3;min_sessions=1;max_sessions=4;}",
         "--set step2={max_sessions=3;min_sessions=1;max_sessions=4;}: step2.max_sessions: "
         "given twice in this value (a key may be given once per group): give it once"},
        {"workforce.hiring=({week=1.0; week=2.0; role=\"pwp\"; count=1;})",
         "workforce.hiring[0].week: given twice in this value"},
        {"overrides.name=x", "--set cannot change the overrides group"},
        {"variant.name=x", "--set cannot change the variant group"},
        {"services=({name=\"A\";scale=2.0;})", "--set cannot change a federation's services list"},
        {"services.A.scale=2.0", "--set cannot change a federation's services list"},
        {"policy=fail_first", "--set policy=fail_first: policy: unknown policy \"fail_first\""},
        {"staff.newrole.fte=0.5",
         "--set staff.newrole.fte=0.5: staff.newrole.headcount: missing (expected an integer in "
         "[0, 10000])"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        check_bad_set(path, bad[i].set, bad[i].want);

    /* Several bad overrides: all reported. */
    const char *two[] = {"staff.pwp.fte=2.0", "staff.hit.band=0"};
    rc = load(path, two, 2, &p, &e);
    CHECK(rc == SCN_EINVALID && e.n == 2 && has_msg(&e, "--set staff.pwp.fte=2.0") &&
              has_msg(&e, "--set staff.hit.band=0"),
          "two bad overrides, two messages (got %zu)", e.n);
    scn_errors_free(&e);
}

/* --set through an entry of a list or an array: the entry changed in its place, the
 * others kept; an entry the list lacks, a path through a non-list, a value of another kind
 * refused with what was expected. */
static void test_set_entries(const paths *ps)
{
    char path[PATHMAX], base[PATHMAX];
    at_root(ps, "scenarios/hire_pwps.cfg", path, sizeof path);
    at_root(ps, "scenarios/baseline.cfg", base, sizeof base);
    pw_params p;
    scn_errors e;
    const char *count[] = {"workforce.hiring[0].count=9"};
    int rc = load(path, count, 1, &p, &e);
    if (!CHECK(rc == SCN_OK && p.workforce.n_hires == 1 && p.workforce.hires[0].count == 9 &&
                   p.workforce.hires[0].week == 104 && !strcmp(p.workforce.hires[0].role_name, "pwp"),
               "--set of one key of a list's entry: it alone changes"))
        dump(&e);
    scn_errors_free(&e);
    const char *row[] = {"workforce.hiring[0]={ week = 50.0; role = \"hit\"; count = 2; }"};
    rc = load(path, row, 1, &p, &e);
    if (!CHECK(rc == SCN_OK && p.workforce.n_hires == 1 && p.workforce.hires[0].count == 2 &&
                   p.workforce.hires[0].week == 50 && !strcmp(p.workforce.hires[0].role_name, "hit"),
               "--set of a whole entry: replaced in its place"))
        dump(&e);
    scn_errors_free(&e);
    const char *month[] = {"referrals.seasonality[7]=0.5"};
    pw_params b;
    rc = load(base, NULL, 0, &b, &e);
    scn_errors_free(&e);
    rc |= load(base, month, 1, &p, &e);
    int same = 1;
    for (int m = 0; m < 12; m++)
        same &= m == 7 ? p.referrals.seasonality[m] == 0.5
                       : p.referrals.seasonality[m] == b.referrals.seasonality[m];
    if (!CHECK(rc == SCN_OK && same, "--set of an array's element: it alone changes"))
        dump(&e);
    scn_errors_free(&e);
    /* The decision tools round a key's points by its type in the schema, an entry's too. */
    CHECK(scn_key_is_whole("workforce.hiring[0].count") && !scn_key_is_whole("workforce.hiring[0].week") &&
              !scn_key_is_whole("workforce.hiring[0]") && !scn_key_is_whole("referrals.seasonality[3]") &&
              !scn_key_is_whole("workforce.hiring.count"),
          "an entry's key has its field's type: hiring[0].count whole, hiring[0].week not");
    struct {
        const char *file, *set, *want;
    } bad[] = {
        {path, "workforce.hiring[1].count=9",
         "--set workforce.hiring[1].count=9: workforce.hiring[1].count: workforce.hiring has 1 "
         "entry (counted from 0): no entry [1] to change"},
        {base, "workforce.cuts[0].count=1", "workforce.cuts has 0 entries"},
        {path, "workforce.hiring[0].count=-1",
         "--set workforce.hiring[0].count=-1: workforce.hiring[0].count: must be an integer in "
         "[1, 10000] (got -1)"},
        {path, "workforce.hiring[0].bogus=1", "workforce.hiring[0].bogus: unknown key"},
        {path, "workforce.hiring[0]=5", "an entry takes a value of its kind: a group"},
        {base, "referrals.seasonality[7]=\"x\"", "an entry takes a value of its kind: a number"},
        {base, "staff.pwp[0].headcount=3", "staff.pwp is not a list or an array: it has no entry [0]"},
        {base, "workforce.hiring[x].count=1", "workforce.hiring[x]: not an entry's index"},
        {base, "workforce.hiring[].count=1", "workforce.hiring[]: not an entry's index"},
        {base, "workforce.hiring[999999].count=1",
         "workforce.hiring[999999]: not an entry's index (expected a whole number counted from "
         "0, at most 100000, with no leading zero"},
        /* One entry, one spelling: [01] beside [1] would be one setting given twice, unseen
         * (the later silently won), and two names of one run. */
        {path, "workforce.hiring[00].count=9", "workforce.hiring[00]: not an entry's index"},
        {path, "workforce.hiring[01].count=9", "workforce.hiring[01]: not an entry's index"},
        {base, "[0]=1", "not a key path"},
        /* A row replaced is the --set's: a key it lacks is told there (it was told at the
         * file's line of the row it replaced, hire_pwps.cfg:12). */
        {path, "workforce.hiring[0]={ week = 50.0; }",
         "--set workforce.hiring[0]={ week = 50.0; }: workforce.hiring[0].role: missing"},
        {base, "nosuch[0].x=1", "nosuch: no such setting in the scenario"},
        {base, "services[0].scale=2.0", "--set cannot change a federation's services list"},
        {base, "referrals.seasonality[-1]=3",
         "--set referrals.seasonality[-1]=3: referrals.seasonality[-1]: not an entry's index"},
        {base, "workforce.hiring[-1].count=3",
         "workforce.hiring[-1].count: workforce.hiring[-1]: not an entry's index"},
        {path, "workforce.hiring.count=9",
         "--set workforce.hiring.count=9: workforce.hiring is a list: name one of its entries "
         "by its index, counted from 0 (workforce.hiring[0].count)"},
        /* An array holds values: its entries have no keys, and [0].x would be refused in
         * turn; an empty list has no entry [0] to name. */
        {base, "referrals.seasonality.x=1",
         "--set referrals.seasonality.x=1: referrals.seasonality is an array of values, with "
         "no keys to set: give one entry by its index, counted from 0 "
         "(referrals.seasonality[0]=...), or the whole array"},
        {base, "workforce.cuts.week=3",
         "--set workforce.cuts.week=3: workforce.cuts is a list, empty here: give the whole list "
         "to add an entry (workforce.cuts=...)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        check_bad_set(bad[i].file, bad[i].set, bad[i].want);

    /* An array of numbers written whole ([1, 1, ...], which the loader reads as numbers):
     * an entry takes a decimal, as the key does (it was refused as "a whole number"), the
     * others kept, an earlier --set's entry still told at its --set. */
    char fix[PATHMAX], tmpl[] = "/tmp/test_scn_XXXXXX";
    at_root(ps, "tests/bad/include/base.cfg", fix, sizeof fix);
    int fd = mkstemp(tmpl);
    FILE *in = fopen(fix, "rb"), *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!CHECK(in && out, "a scenario with whole seasonality written to %s", tmpl)) {
        if (in)
            fclose(in);
        if (out)
            fclose(out);
        else if (fd >= 0)
            close(fd);
        unlink(tmpl);
        return;
    }
    for (int ch; (ch = getc(in)) != EOF;)
        putc(ch, out);
    fclose(in);
    fputs("overrides = { referrals = { seasonality = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]; }; };\n",
          out);
    fclose(out);
    const char *decimal[] = {"referrals.seasonality[3]=2", "referrals.seasonality[7]=0.7"};
    rc = load(tmpl, decimal, 2, &p, &e);
    same = 1;
    for (int m = 0; m < 12; m++)
        same &= p.referrals.seasonality[m] == (m == 7 ? 0.7 : m == 3 ? 2.0 : 1.0);
    if (!CHECK(rc == SCN_OK && same, "--set of 0.7 into an array written whole: it alone changes"))
        dump(&e);
    scn_errors_free(&e);
    const char *negative[] = {"referrals.seasonality[3]=-2", "referrals.seasonality[7]=0.7"};
    rc = load(tmpl, negative, 2, &p, &e);
    if (!CHECK(rc == SCN_EINVALID && has_msg(&e, "--set referrals.seasonality[3]=-2: "
                                                 "referrals.seasonality[3]: must be in [0, 12]"),
               "an entry of an array made decimal keeps its --set"))
        dump(&e);
    scn_errors_free(&e);
    check_bad_set(tmpl, "referrals.seasonality[7]=\"x\"", "an entry takes a value of its kind: a number");
    unlink(tmpl);
}

/* The traps of docs/design.md §6 and file problems. */
static void test_traps(const paths *ps)
{
    char path[PATHMAX];
    pw_params p;
    scn_errors e;
    int rc;

    rc = load(at_root(ps, "tests", path, sizeof path), NULL, 0, &p, &e);
    CHECK(rc == SCN_EINVALID && e.n == 1 && has_msg(&e, "is a directory, not a scenario file"),
          "a directory is refused with a clear message");
    scn_errors_free(&e);

    rc = load(at_root(ps, "tests/bad/no-such-file.cfg", path, sizeof path), NULL, 0, &p, &e);
    CHECK(rc == SCN_EINVALID && has_msg(&e, "no-such-file.cfg: cannot open scenario: No such file"),
          "a missing file is named");
    scn_errors_free(&e);

    /* Byte-order mark, 64-bit integers, 1e400, int for float: in files of their own. */
    char tmpl[] = "/tmp/test_scn_XXXXXX";
    int fd = mkstemp(tmpl);
    if (!CHECK(fd >= 0, "mkstemp"))
        return;
    close(fd);
    char base[PATHMAX];
    at_root(ps, "tests/bad/include/base.cfg", base, sizeof base);
    struct {
        const char *text; /* appended to the fixture's content */
        int ok;
        const char *want;
    } cases[] = {
        {"\xef\xbb\xbf", 0, ":1: the file starts with a UTF-8 byte-order mark"},
        {"overrides = { seed = 9007199254740993L; };\n", 1, NULL},
        {"overrides = { seed = 9007199254740993; };\n", 0,
         "seed: integer 9007199254740993 does not fit in 32 bits"},
        {"overrides = { seed = -9007199254740993L; };\n", 0, "seed: must be an integer >= 0"},
        {"overrides = { seed = 0x80000000; };\n", 0, "seed: integer 0x80000000 does not fit"},
        {"overrides = { referrals = { per_week = 1e400; }; };\n", 0,
         "referrals.per_week: must be a finite number (got inf"},
        {"overrides = { referrals = { per_week = -1e400; }; };\n", 0,
         "referrals.per_week: must be a finite number (got -inf"},
        {"overrides = { referrals = { per_week = 60; }; staff = { pwp = { fte = 1; }; }; };\n", 1,
         NULL},
        {"overrides = { seed = 2147483647; };\n", 1, NULL},
        {"overrides = { referrals = { per_week = 2147483648; }; };\n", 0,
         "referrals.per_week: integer 2147483648 does not fit in 32 bits"},
        {"# 5000000000 in a comment is fine\noverrides = { name = \"5000000000\"; };\n", 1, NULL},
    };
    char *fixture = NULL;
    FILE *in = fopen(base, "rb");
    long flen = 0;
    if (in && fseek(in, 0, SEEK_END) == 0 && (flen = ftell(in)) > 0 && fseek(in, 0, SEEK_SET) == 0) {
        fixture = malloc((size_t)flen);
        if (fixture && fread(fixture, 1, (size_t)flen, in) != (size_t)flen) {
            free(fixture);
            fixture = NULL;
        }
    }
    if (in)
        fclose(in);
    if (!CHECK(fixture != NULL, "read %s", base)) {
        unlink(tmpl);
        return;
    }
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        FILE *f = fopen(tmpl, "wb");
        if (!CHECK(f != NULL, "open %s", tmpl))
            break;
        int bom = cases[i].text[0] == '\xef';
        if (bom)
            fputs(cases[i].text, f);
        fwrite(fixture, 1, (size_t)flen, f);
        if (!bom)
            fputs(cases[i].text, f);
        fclose(f);
        rc = load(tmpl, NULL, 0, &p, &e);
        int ok;
        if (cases[i].ok)
            ok = CHECK(rc == SCN_OK, "trap case %zu loads: %s", i, cases[i].text);
        else
            ok = CHECK(rc == SCN_EINVALID && has_msg(&e, cases[i].want),
                       "trap case %zu fails with: %s", i, cases[i].want);
        if (!ok)
            dump(&e);
        if (rc == SCN_OK && i == 1)
            CHECK(p.seed == 9007199254740993ull, "a 64-bit seed is exact (got %llu)",
                  (unsigned long long)p.seed);
        if (rc == SCN_OK && i == 7)
            CHECK(p.referrals.per_week == 60.0 && p.roles[0].fte == 1.0, "int read as float");
        scn_errors_free(&e);
    }
    free(fixture);
    unlink(tmpl);
}

/* Every number key has a finite upper bound (README, "Limits"): walk the fixture as
 * scn_print writes it (every key, defaults filled in) and set each number, alone, far
 * beyond any bound, 1e300 for a float and 2147483647 for an integer; each must be refused
 * with a range message naming the key. seed is the one integer without a bound (any
 * 64-bit value seeds). Arrays, distribution blocks and rows have their own bad cases. */
#define KEYLEN 160
static void test_every_number_bounded(const paths *ps)
{
    char fixture[PATHMAX];
    at_root(ps, "tests/bad/include/base.cfg", fixture, sizeof fixture);
    pw_params *p = malloc(sizeof *p);
    scn_errors e;
    if (!CHECK(p != NULL && load(fixture, NULL, 0, p, &e) == SCN_OK, "the fixture loads")) {
        free(p);
        return;
    }
    scn_errors_free(&e);
    char *text = printed(p);
    if (!text) {
        free(p);
        return;
    }
    char path[8][KEYLEN];
    int depth = 0;
    size_t tried = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ')
            line++;
        if (!strncmp(line, "};", 2)) {
            depth -= depth > 0;
            continue;
        }
        char name[KEYLEN];
        int n = 0;
        if (sscanf(line, "%63[a-z_0-9] = %n", name, &n) != 1 || !n)
            continue;
        const char *v = line + n;
        if (!strcmp(v, "{") && depth < 8) { /* a group over several lines */
            snprintf(path[depth++], KEYLEN, "%s", name);
            continue;
        }
        /* A one-line group of numbers (a hazard, mode shares) gives its members. */
        char members[16][KEYLEN], values[16][64];
        const char *group = ""; /* the one-line group the members are in */
        int nm = 0;
        if (v[0] == '{' && !strstr(v, "dist =")) {
            const char *q = v + 1;
            int k;
            while (nm < 16 && sscanf(q, " %63[a-z_0-9] = %63[^;];%n", members[nm], values[nm],
                                     &k) == 2) {
                q += k;
                nm++;
            }
            group = name;
        } else if ((isdigit((unsigned char)v[0]) || v[0] == '-') && strcmp(name, "seed") != 0) {
            snprintf(members[0], KEYLEN, "%s", name);
            snprintf(values[0], sizeof values[0], "%.*s", (int)strcspn(v, ";"), v);
            nm = 1;
        }
        for (int i = 0; i < nm; i++) {
            char key[4 * KEYLEN], set[5 * KEYLEN], want[5 * KEYLEN];
            size_t len = 0;
            for (int d = 0; d < depth; d++)
                len += (size_t)snprintf(key + len, sizeof key - len, "%s.", path[d]);
            snprintf(key + len, sizeof key - len, "%s%s%s", group, *group ? "." : "",
                     members[i]);
            int is_int = !strpbrk(values[i], ".e");
            snprintf(set, sizeof set, "%s=%s", key, is_int ? "2147483647" : "1.0e300");
            snprintf(want, sizeof want, "%s: must be ", key);
            const char *sets[] = {set};
            int rc = load(fixture, sets, 1, p, &e);
            tried++;
            if (!CHECK(rc == SCN_EINVALID && has_msg(&e, want), "--set %s is refused: %s...",
                       set, want))
                dump(&e);
            scn_errors_free(&e);
        }
    }
    printf("   [%zu number keys set beyond their bounds]\n", tried);
    CHECK(tried > 100, "every number key of the fixture was tried (%zu)", tried);
    free(text);
    free(p);
}

/* The error list API and the loader's bookkeeping. */
static void test_errors_api(const paths *ps)
{
    scn_errors_free(NULL); /* safe */
    scn_errors z = {0};
    scn_errors_free(&z); /* safe on a zeroed list */
    CHECK(z.n == 0 && z.msg == NULL, "freed list is empty");
    CHECK(!strcmp(scn_strerror(SCN_OK), "ok") && !strcmp(scn_strerror(SCN_EINVALID), "invalid scenario") &&
              !strcmp(scn_strerror(SCN_ENOMEM), "out of memory"),
          "scn_strerror");

    /* Messages accumulate over loads into one list; a good load adds none. */
    char bad[PATHMAX], good[PATHMAX];
    at_root(ps, "tests/bad/range_caseload.cfg", bad, sizeof bad);
    at_root(ps, "scenarios/baseline.cfg", good, sizeof good);
    scn_errors e;
    scn_errors_init(&e);
    pw_params p;
    int r1 = scn_load(bad, NULL, 0, &p, &e);
    size_t n1 = e.n;
    int r2 = scn_load(good, NULL, 0, &p, &e);
    int r3 = scn_load(bad, NULL, 0, &p, &e);
    CHECK(r1 == SCN_EINVALID && r2 == SCN_OK && r3 == SCN_EINVALID && n1 >= 1 && e.n == 2 * n1,
          "messages accumulate; status is per load (%d %d %d, %zu then %zu)", r1, r2, r3, n1, e.n);
    scn_errors_free(&e);
}

/* Runs every test; argv[1] is the repository root (default "."). Exit 0 if all pass. */
/* Every row of the policy registry (models/pol.c): a unique name found by pw_policy_find,
 * parameter keys with names, and a policy that a scenario can choose by `policy = "<name>"`
 * (its role keys given a role that does the activities they ask for), that prints and
 * loads back to the same parameters, and that runs a short replication accounting for
 * every referral. A new policy is tested by adding its row, nothing else. */
static void test_policy_registry(const paths *ps)
{
    char fixture[PATHMAX];
    at_root(ps, "tests/bad/include/base.cfg", fixture, sizeof fixture);
    size_t n = pw_policy_count();
    CHECK(n >= 3 && n <= PW_MAX_POLICIES, "3 to %d policies registered (got %zu)",
          PW_MAX_POLICIES, n);
    pw_params *p = malloc(sizeof *p);
    if (!CHECK(p != NULL, "memory for a scenario"))
        return;
    pw_params roles; /* the fixture as it is: its roles, to name in role keys */
    if (!load_ok(fixture, NULL, 0, &roles, "fixture"))
        goto out;
    for (size_t k = 0; k < n; k++) {
        const pw_policy *pol = pw_policy_of((int)k);
        const char *name = pol->name;
        if (!CHECK(name && name[0], "policy %zu has a name", k))
            continue;
        CHECK(pw_policy_find(name) == (int)k, "%s: found at its own index %zu (got %d)", name, k,
              pw_policy_find(name));
        for (size_t j = 0; j < k; j++)
            CHECK(strcmp(pw_policies[j]->name, name), "%s: a name no other policy has", name);
        CHECK(pol->assessor_role && pol->assessment_minutes && pol->route,
              "%s: assessor_role, assessment_minutes and route are given", name);
        /* policy = "<name>", and each role key a role of the fixture that does what it asks. */
        char sets[1 + 8][PW_MAX_NAME * 3 + 40];
        const char *setp[1 + 8];
        size_t nsets = 0;
        snprintf(sets[nsets], sizeof sets[nsets], "policy=\"%s\"", name);
        setp[nsets] = sets[nsets];
        nsets++;
        for (size_t i = 0; i < pol->nparams; i++) {
            const pw_field *f = &pol->params[i];
            CHECK(f->name && f->name[0], "%s: parameter %zu has a name", name, i);
            if (!(f->flags & PW_ROLE) || !f->does || nsets == 1 + 8)
                continue;
            for (size_t r = 0; r < roles.n_roles; r++)
                if ((roles.roles[r].does & f->does) == f->does) {
                    snprintf(sets[nsets], sizeof sets[nsets], "policy_params.%s.%s=\"%s\"", name,
                             f->name, roles.roles[r].name);
                    setp[nsets] = sets[nsets];
                    nsets++;
                    break;
                }
        }
        char what[PW_MAX_NAME + 32];
        snprintf(what, sizeof what, "fixture with policy %s", name);
        if (!load_ok(fixture, setp, nsets, p, what))
            continue;
        CHECK(p->policy == (int)k, "%s: chosen (policy %zu, got %d)", name, k, p->policy);
        int a = pol->assessor_role(p);
        CHECK(a >= -1 && a < (int)p->n_roles, "%s: assessor role -1 or a role (got %d)", name, a);
        round_trip(p, what);
        pw_results r[1];
        if (test_run(what, p, 1, 1, r) == 0)
            test_free_runs(r, 1);
    }
out:
    free(p);
}

/* The list kind (PW_F_LIST) on its three lists: up to the capacity and not one row more,
 * an empty list written ( ) or [ ], rows that are not groups, rows with bad or unknown
 * keys, the order check reported once, defaults in the slots past the count, and the
 * printed form reading back. */
static void test_lists(const paths *ps)
{
    char fixture[PATHMAX];
    at_root(ps, "tests/bad/include/base.cfg", fixture, sizeof fixture);
    pw_params *p = malloc(sizeof *p);
    if (!CHECK(p != NULL, "memory for a scenario"))
        return;

    /* Exactly PW_MAX_PLAN hiring rows fit; one more does not. */
    char full[PW_MAX_PLAN * 48 + 40], over[sizeof full + 48];
    size_t len = (size_t)snprintf(full, sizeof full, "workforce.hiring=(");
    for (int i = 0; i < PW_MAX_PLAN; i++)
        len += (size_t)snprintf(full + len, sizeof full - len,
                                "%s{ week = %d.0; role = \"pwp\"; count = 1; }", i ? ", " : "", i);
    snprintf(over, sizeof over, "%.*s, { week = 99.0; role = \"hit\"; count = 1; })", (int)len,
             full);
    snprintf(full + len, sizeof full - len, ")");
    const char *sets_full[] = {full};
    if (load_ok(fixture, sets_full, 1, p, "a full hiring list")) {
        const pw_hire *last = &p->workforce.hires[PW_MAX_PLAN - 1];
        CHECK(p->workforce.n_hires == PW_MAX_PLAN && last->week == 15.0 && last->role == 0,
              "%d rows read and resolved (got %zu)", PW_MAX_PLAN, p->workforce.n_hires);
        round_trip(p, "a full hiring list");
    }
    scn_errors e;
    const char *sets_over[] = {over};
    int rc = load(fixture, sets_over, 1, p, &e);
    CHECK(rc == SCN_EINVALID && e.n == 1 &&
              has_msg(&e, "workforce.hiring: at most 16 hiring rows (got 17)"),
          "one row too many: one message (got %s, %zu)", scn_strerror(rc), e.n);
    scn_errors_free(&e);

    /* Empty lists, either bracket; the slots keep their row defaults. */
    const char *empty[] = {"workforce.hiring=[]", "workforce.shocks=()",
                           "referrals.step_changes=[]"};
    if (load_ok(fixture, empty, 3, p, "empty lists")) {
        CHECK(p->workforce.n_hires == 0 && p->workforce.n_shocks == 0 &&
                  p->referrals.n_step_changes == 0,
              "empty lists: no rows");
        CHECK(p->workforce.hires[3].role == -1 && p->workforce.hires[3].role_name[0] == '\0' &&
                  p->workforce.shocks[0].share == 0.0,
              "empty lists: slots at the row defaults");
        char *buf = printed(p);
        if (buf) {
            CHECK(strstr(buf, "    step_changes = ( );\n") && strstr(buf, "    hiring = ( );\n") &&
                      strstr(buf, "    shocks = ( );\n"),
                  "empty lists print as ( )");
            free(buf);
        }
    }

    /* Rows are read in place and printed one per group, on one line. */
    const char *rows[] = {"referrals.step_changes=({ week = 10.0; factor = 1.5; }, "
                          "{ week = 20.5; factor = 0.5; })",
                          "workforce.shocks=({ week = 3.0; role = \"hit\"; share = 0.25; "
                          "weeks = 2.0; })"};
    if (load_ok(fixture, rows, 2, p, "rows")) {
        const pw_referrals *r = &p->referrals;
        CHECK(r->n_step_changes == 2 && r->step_changes[0].week == 10.0 &&
                  r->step_changes[0].factor == 1.5 && r->step_changes[1].week == 20.5 &&
                  r->step_changes[1].factor == 0.5,
              "step changes read row by row");
        CHECK(p->workforce.n_shocks == 1 && p->workforce.shocks[0].role == 1 &&
                  p->workforce.shocks[0].share == 0.25 && p->workforce.shocks[0].weeks == 2.0,
              "shock read and resolved");
        char *buf = printed(p);
        if (buf) {
            CHECK(strstr(buf, "step_changes = ( { week = 10.0; factor = 1.5; }, "
                              "{ week = 20.5; factor = 0.5; } );\n") != NULL,
                  "scn_print writes the step changes");
            CHECK(strstr(buf, "shocks = ( { week = 3.0; role = \"hit\"; share = 0.25; "
                              "weeks = 2.0; } );\n") != NULL,
                  "scn_print writes the shocks");
            free(buf);
        }
        round_trip(p, "rows");
    }

    /* Bad lists and rows: each its own message, every bad row reported. */
    struct {
        const char *set, *want;
        size_t nmsg;
    } bad[] = {
        {"referrals.step_changes={ week = 1.0; factor = 2.0; }",
         "referrals.step_changes: wrong type (got a group { ... }, expected a list of "
         "{ week = W; factor = F; } groups)", 1},
        {"referrals.step_changes=({ week = 1.0; factor = 2.0; }, 5)",
         "referrals.step_changes[1]: wrong type (got integer 5, expected a group "
         "{ week = W; factor = F; })", 1},
        {"referrals.step_changes=({ week = 1.0; factr = 2.0; })",
         "referrals.step_changes[0].factr: unknown key (did you mean "
         "'referrals.step_changes[0].factor'?)", 2},
        {"referrals.step_changes=({ week = 30.0; factor = 2.0; }, { week = 20.0; factor = 2.0; }, "
         "{ week = 10.0; factor = 2.0; })",
         "referrals.step_changes[1]: step changes must be in increasing week order (got week "
         "20.0 after 30.0)", 1},
        {"workforce.shocks=({ week = 1.0; role = \"hit\"; share = 0.5; weeks = 1.0; }, "
         "{ week = 2.0; role = \"\"; share = 0.5; weeks = 1.0; })",
         "workforce.shocks[1].role: must not be empty (got \"\")", 1},
        {"workforce.hiring=({ week = 1.0; role = \"pwp\"; count = 1; }, "
         "{ week = 2.0; role = \"nurse\"; count = 1; })",
         "workforce.hiring[1].role: no role \"nurse\" under staff (roles: pwp, hit)", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rc = load(fixture, &bad[i].set, 1, p, &e);
        int ok = CHECK(rc == SCN_EINVALID, "--set %s fails (got %s)", bad[i].set, scn_strerror(rc));
        ok &= CHECK(has_msg(&e, bad[i].want), "--set %s: a message contains: %s", bad[i].set,
                    bad[i].want);
        ok &= CHECK(e.n == bad[i].nmsg, "--set %s: %zu messages (got %zu)", bad[i].set,
                    bad[i].nmsg, e.n);
        if (!ok)
            dump(&e);
        scn_errors_free(&e);
    }
    free(p);
}

/* scn_defaults, scn_add_role and scn_settle: the schema's defaults for code (the model
 * tests start from them), the same as scn_load gives a scenario that leaves them out. */
static void test_defaults(const paths *ps)
{
    char fixture[PATHMAX];
    at_root(ps, "tests/bad/include/base.cfg", fixture, sizeof fixture);
    pw_params *d = malloc(sizeof *d), *f = malloc(sizeof *f);
    if (!CHECK(d && f, "memory for two scenarios") || !load_ok(fixture, NULL, 0, f, "fixture"))
        goto out;
    scn_defaults(d);
    CHECK(d->seed == 1 && d->policy == pw_policy_find("stepped") && d->replications == 10 &&
              d->n_roles == 0 && d->name[0] == '\0' && d->horizon_weeks == 0,
          "defaults: seed 1, stepped, 10 replications; required keys zero, no roles");
    CHECK(isnan(d->step[PW_STEP2].first_session_minutes) &&
              isnan(d->step[PW_STEP3].first_session_dropout),
          "defaults that follow another key are NAN until scn_settle");
    CHECK(d->prefill.sessions_held[PW_STEP2] == 2 && d->prefill.sessions_held[PW_STEP3] == 2,
          "defaults: pre-filled courses at their start (none or one session held)");
    CHECK(d->referrals.n_step_changes == 0 && d->workforce.n_hires == 0 &&
              d->workforce.hires[0].role == -1 && d->workforce.shocks[PW_MAX_PLAN - 1].role == -1,
          "defaults: empty lists, unresolved roles -1");
    /* What the fixture leaves out, the defaults and the fixture agree on. */
    CHECK(!memcmp(&d->symptoms, &f->symptoms, sizeof d->symptoms) &&
              !memcmp(&d->failure, &f->failure, sizeof d->failure) &&
              !memcmp(&d->relapse, &f->relapse, sizeof d->relapse) &&
              !memcmp(&d->workforce, &f->workforce, sizeof d->workforce) &&
              !memcmp(&d->reporting, &f->reporting, sizeof d->reporting) &&
              !memcmp(&d->prefill, &f->prefill, sizeof d->prefill) &&
              !memcmp(&d->output, &f->output, sizeof d->output),
          "defaults equal what scn_load fills in for the groups the fixture leaves out");
    for (size_t k = 1; k < pw_policy_count(); k++) /* the fixture sets stepped's assessor */
        CHECK(!memcmp(&d->policy_params[k], &f->policy_params[k], sizeof d->policy_params[k]),
              "defaults: policy_params.%s as scn_load fills it", pw_policy_of((int)k)->name);
    CHECK_NEAR(d->step[PW_STEP2].wait_dropout.shape, f->step[PW_STEP2].wait_dropout.shape, 0,
               "defaults: hazard shape inside a required group");
    pw_role *r = scn_add_role(d, "hit");
    if (CHECK(r == &d->roles[0] && d->n_roles == 1 && !strcmp(r->name, "hit"),
              "scn_add_role appends a named role")) {
        const pw_role *fr = &f->roles[role(f, "hit")];
        CHECK(r->train_to_role == -1 && r->replace_leavers == 1 && r->ramp_weeks == 12.0 &&
                  r->vacancy_days.kind == fr->vacancy_days.kind &&
                  r->vacancy_days.a == fr->vacancy_days.a && isnan(r->salary_gbp),
              "scn_add_role: the fixture's role defaults; salary NAN until scn_settle");
        r->band = 7;
        d->step[PW_STEP2].session_minutes = 30.0;
        d->step[PW_STEP2].dropout_per_session = 0.05;
        scn_settle(d);
        CHECK(r->salary_gbp == fr->salary_gbp && d->step[PW_STEP2].first_session_minutes == 30.0 &&
                  d->step[PW_STEP2].first_session_dropout == 0.05,
              "scn_settle: salary by band (got %g), first session as the others", r->salary_gbp);
    }
    for (int i = 1; i < PW_MAX_ROLES; i++)
        scn_add_role(d, "x");
    CHECK(d->n_roles == PW_MAX_ROLES && scn_add_role(d, "one_more") == NULL,
          "scn_add_role refuses a role past PW_MAX_ROLES");
out:
    free(d);
    free(f);
}

int main(int argc, char **argv)
{
    paths ps;
    if (test_root(argc, argv, "tests/bad", ps.root, sizeof ps.root) != 0)
        return 2;
#define RUN(fn) RUN_TEST_WITH(fn, &ps)
    RUN(test_errors_api);
    RUN(test_bad_cases);
    RUN(test_scenarios);
    RUN(test_values);
    RUN(test_baseline_complete);
    RUN(test_workforce);
    RUN(test_set);
    RUN(test_set_entries);
    RUN(test_set_names_file);
    RUN(test_too_many);
    RUN(test_traps);
    RUN(test_lists);
    RUN(test_defaults);
    RUN(test_policy_registry);
    RUN(test_every_number_bounded);
    return harness_done();
}
