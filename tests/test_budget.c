/* The memory budget: --max-memory sizes, the estimate's parts and message, and the
 * estimate measured against a real run's peak memory (it must not be lower, and it must
 * not be so much higher as to refuse what fits).
 * Usage: test_budget [REPO_ROOT] */
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "models/pw_world.h"
#include "prog_util.h"
#include "sim/budget.h"
#include "sim/out_stream.h"

/* --max-memory sizes: powers of 1024, decimals, nothing else. */
static void test_parse(void)
{
    const struct {
        const char *s;
        double want; /* -1: refused */
    } cases[] = {
        {"1", 1},           {"512", 512},        {"1K", 1024},
        {"1k", 1024},       {"512M", 512.0 * 1048576}, {"4G", 4.0 * 1073741824},
        {"1.5G", 1.5 * 1073741824}, {"4GiB", 4.0 * 1073741824}, {"2GB", 2.0 * 1073741824},
        {"1T", 1099511627776.0}, {"0", -1},      {"0K", -1},
        {"", -1},           {"G", -1},           {"-1G", -1},
        {" 1G", -1},        {"1X", -1},          {"1.G", -1},
        {"1e9", -1},        {"1G ", -1},         {"99999999999T", -1},
        {"1048576T", 1152921504606846976.0}, {"1048576.5T", -1}, {"1048577T", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double got = -1;
        int rc = budget_parse(cases[i].s, &got);
        if (cases[i].want < 0)
            CHECK(rc != 0, "'%s' is refused (got %g)", cases[i].s, got);
        else
            CHECK(rc == 0 && got == cases[i].want, "'%s' is %.17g bytes (got rc %d, %.17g)",
                  cases[i].s, cases[i].want, rc, got);
    }
    /* Too large is told apart from not a size: the message states the largest. */
    double got;
    CHECK(budget_parse("99999999T", &got) == -2, "99999999T: too large (-2)");
    CHECK(budget_parse("1X", &got) == -1, "1X: not a size (-1)");
    char b[32];
    CHECK(!strcmp(budget_fmt(12, b, sizeof b), "12 bytes"), "12 bytes (got %s)", b);
    CHECK(!strcmp(budget_fmt(1, b, sizeof b), "1 byte"), "1 byte, not 1 bytes (got %s)", b);
    CHECK(!strcmp(budget_fmt(1536, b, sizeof b), "1.5 KiB"), "1.5 KiB (got %s)", b);
    CHECK(!strcmp(budget_fmt(3.0 * 1073741824, b, sizeof b), "3.0 GiB"), "3.0 GiB (got %s)", b);
    CHECK(budget_default() > 0, "the default budget is known on this system (got %g)",
          budget_default());
}

/* The estimate grows with what drives it, and the message names those keys. */
static void test_estimate(const char *root)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/tests/explore/quarter.cfg", root);
    pw_params p, q;
    if (test_load(path, NULL, 0, &p) != 0)
        return;
    pw_memory m, m2;
    pw_memory_estimate(&p, &m);
    /* quarter.cfg: 60 a week over 104 weeks (26 warm-up, 52 measured, then 26 until the
     * outcome reading, longer than the 13 of follow-up), no prefill. */
    CHECK_NEAR(m.referrals, pw_referral_bound(&p) * 104 * 7, 1e-6, "referrals = bound x days");
    CHECK(pw_referral_bound(&p) >= 60.0 / 7.0, "the bound is at least the base rate");
    CHECK(m.prefilled == 0 && m.weeks == 104, "no prefill, 104 weeks (got %g, %g)", m.prefilled,
          m.weeks);
    CHECK(m.people > 0 && m.people_bytes > 1000 * m.people, "a person takes over 1 KB");

    const char *more[] = {"referrals.per_week=600.0", "prefill.step2_list=10000"};
    if (test_load(path, more, 2, &q) != 0)
        return;
    pw_memory_estimate(&q, &m2);
    CHECK_NEAR(m2.referrals, 10 * m.referrals, 1e-6 * m.referrals, "ten times the rate");
    CHECK(m2.prefilled == 10000 && m2.people_bytes > 10 * m.people_bytes,
          "the prefill counts (got %g)", m2.prefilled);

    /* -r 16777215: refused by the results it would keep, the keys named. */
    budget_run r = {"quarter", &p, 16777215, 2, 0, 0};
    char err[8192];
    double est = budget_estimate(&r, 1, 0);
    CHECK(est > 16777215.0 * m.results_bytes, "the results of every replication count");
    CHECK(budget_check(&r, 1, 0, NULL, 8.0 * 1073741824, "test", err, sizeof err) != 0 &&
              strstr(err, "results kept: 16777215 replications (replications, or -r)") &&
              strstr(err, "more than the budget of 8.0 GiB (test;"),
          "-r 16777215 refused against 8 GiB, naming replications: %s", err);
    r.reps = 10;
    CHECK(budget_check(&r, 1, 0, NULL, 8.0 * 1073741824, "test", err, sizeof err) == 0,
          "10 replications of quarter.cfg fit in 8 GiB (estimate %g)", budget_estimate(&r, 1, 0));
    /* The largest part comes first, with the keys that drive it. */
    budget_run big = {"quarter", &q, 10, 4, OUT_STREAM_PATIENTS, 0};
    CHECK(budget_check(&big, 1, 0, NULL, 1048576, "test", err, sizeof err) != 0 &&
              strstr(err, "What it needs:\n  ") &&
              strstr(strchr(err, '\n'), "people in the service") ==
                  strstr(err, "\n  ") + 3 + strcspn(strstr(err, "\n  ") + 3, "p") &&
              strstr(err, "referrals.per_week 600") && strstr(err, "x 4 replications at once") &&
              strstr(err, "--patients"),
          "the people come first, naming referrals.per_week, -j and the stream buffers: %s",
          err);
    /* --events writes events.csv and arrivals.csv: two buffers a replication running (until
     * 2026-12-07 arrivals.csv's was left out). */
    budget_run ev = {"quarter", &p, 10, 4, OUT_STREAM_EVENTS, 0},
               ev2 = {"quarter", &p, 10, 4, OUT_STREAM_EVENTS | OUT_STREAM_ARRIVALS, 0},
               none = {"quarter", &p, 10, 4, 0, 0};
    CHECK(budget_estimate(&ev2, 1, 0) - budget_estimate(&none, 1, 0) ==
              2 * (budget_estimate(&ev, 1, 0) - budget_estimate(&none, 1, 0)) &&
              budget_estimate(&ev, 1, 0) > budget_estimate(&none, 1, 0),
          "arrivals.csv's buffer counts as events.csv's does");
    /* Threads beyond the replications do not count. */
    budget_run one = {"quarter", &p, 1, 64, 0, 0}, one1 = {"quarter", &p, 1, 1, 0, 0};
    CHECK(budget_estimate(&one, 1, 0) == budget_estimate(&one1, 1, 0),
          "64 threads for 1 replication run it once");
    /* A federation's services are tasks of their own: one replication of three services
     * on 2 threads runs two of them at once (until 2026-12-07 counted as one, the
     * replication, so England's -r 1 -j 8 was estimated at 518 MiB whatever -j). */
    budget_run fed1 = {"quarter", &p, 1, 1, 0, 3}, fed2 = {"quarter", &p, 1, 2, 0, 3},
               fed9 = {"quarter", &p, 1, 9, 0, 3}, fed3 = {"quarter", &p, 1, 3, 0, 3};
    double per = budget_estimate(&fed2, 1, 0) - budget_estimate(&fed1, 1, 0);
    CHECK(per > 0 && budget_estimate(&fed9, 1, 0) == budget_estimate(&fed3, 1, 0) &&
              fabs(budget_estimate(&fed3, 1, 0) - budget_estimate(&fed1, 1, 0) - 2 * per) <
                  1e-6 * per,
          "a federation's replication runs min(-j, services) services at once (one more: %g)",
          per);
    CHECK(budget_check(&fed2, 1, 0, NULL, 1048576, "test", err, sizeof err) != 0 &&
              strstr(err, "its largest service, \"") && strstr(err, "x 2 services at once (-j)"),
          "the message counts services at once: %s", err);
    /* Scenarios of a compare run one at a time; their results add up. */
    budget_run two[2] = {{"a", &p, 10, 2, 0, 0}, {"b", &q, 10, 2, 0, 0}};
    double a = budget_estimate(&two[0], 1, 0), b = budget_estimate(&two[1], 1, 0);
    CHECK(budget_estimate(two, 2, 0) < a + b && budget_estimate(two, 2, 0) > b,
          "compare: the larger run plus both results (got %g; %g, %g)",
          budget_estimate(two, 2, 0), a, b);
}

/* Peak memory of one replication of p in a child process, KB (0 if it failed). */
static long child_peak_kb(const pw_params *p)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pw_results r;
        int rc = pw_run(p, 0, NULL, &r);
        pw_results_free(&r);
        _exit(rc == 0 ? 0 : 1);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return 0;
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return ru.ru_maxrss;
}

/* The estimate against a run in which nobody leaves (no wait dropout, one clinician a
 * role): the worst case the estimate assumes. It must not be lower than the peak measured,
 * and it should be within a few times of it. */
static void test_conservative(const char *root)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/tests/explore/quarter.cfg", root);
    const char *sets[] = {
        "referrals.per_week=1500.0",
        "staff.pwp.headcount=1",
        "staff.hit.headcount=1",
        "assessment.wait_dropout={p_start=0.0;p_end=0.0;half_days=42.0;}",
        "step2.wait_dropout={p_start=0.0;p_end=0.0;half_days=42.0;}",
        "step3.wait_dropout={p_start=0.0;p_end=0.0;half_days=42.0;}",
    };
    pw_params p;
    if (test_load(path, sets, sizeof sets / sizeof *sets, &p) != 0)
        return;
#ifdef __SANITIZE_ADDRESS__
    puts("   [skipped: AddressSanitizer's shadow memory and quarantine are no program's own]");
    return;
#endif
    pw_memory m;
    pw_memory_estimate(&p, &m);
    long kb = child_peak_kb(&p);
    if (!CHECK(kb > 0, "the stress replication ran"))
        return;
    double measured = kb * 1024.0;
    budget_run r = {"stress", &p, 1, 1, 0, 0};
    double est = budget_estimate(&r, 1, 0);
    printf("   [nobody leaves: %.0f people; peak %.1f MB measured, %.1f MB estimated]\n",
           m.people, measured / 1048576, est / 1048576);
    CHECK(est >= measured, "the estimate (%.0f bytes) is not below the peak (%.0f)", est,
          measured);
    CHECK(est <= 4 * measured, "the estimate (%.0f bytes) is within 4x of the peak (%.0f)", est,
          measured);
}

int main(int argc, char **argv)
{
    char root[1024];
    if (test_root(argc, argv, "tests/explore/quarter.cfg", root, sizeof root) != 0)
        return 2;
    RUN_TEST(test_parse);
    RUN_TEST_WITH(test_estimate, root);
    RUN_TEST_WITH(test_conservative, root);
    return harness_done();
}
