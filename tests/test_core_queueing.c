/* Engine validation against queueing theory: M/M/1, M/M/c (Erlang C), M/G/1
 * (Pollaczek-Khinchine) and Little's law, each from independent seeded replications. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "harness.h"
#include "sim/core/sim.h"
#include "sim/core/sim_rng.h"
#include "sim/core/sim_stats.h"

/* How the checks are judged.
 * Each case runs R independent replications (replication index r to sim_streams_init, a
 * master seed of its own, so the cases are independent evidence) and takes the Student-t 95% CI of the across-replication mean. The
 * theoretical value must lie within the CI half-width times WIDEN. A correct engine then
 * fails a check with probability P(|t_29| > 2 * 2.045) ~ 3e-4, so the seven checks here
 * stay quiet when the RNG scheme or the seeds change (at 1.5x it would be ~4% for the
 * set); the initial-state bias left after a 5000-customer warm-up (relaxation time ~20
 * customers here) is far below the half-width. The half-width itself must be below
 * 1.5% of the theory (4% for the smallest tail share), so a systematic error of ~3%
 * fails. */
#define WIDEN 2.0

enum { STREAM_ARRIVALS, STREAM_SERVICE, NSTREAMS };
/* Departures before arrivals at equal times: with continuous times ties have probability
 * zero, but the order is stated so a run is defined. */
enum { PRIO_DEPARTURE = 0, PRIO_ARRIVAL = 1 };
enum { NTAIL = 3 };

/* A FIFO queue with `servers` identical servers, Poisson arrivals, i.i.d. services. */
typedef struct queue_params {
    double lambda;       /* arrivals per day */
    double mean_service; /* days */
    double gamma_shape;  /* 0: exponential service; else gamma with this shape */
    int servers;
    uint64_t master_seed;
    /* Count mode: observe the waits of customers warm .. warm + obs - 1 (by arrival order,
     * which is service-start order in a FIFO queue), then stop. Without censoring. */
    uint64_t warm_customers, obs_customers;
    double tail_days[NTAIL]; /* thresholds for P(Wq > t) */
    /* Time mode (obs_customers == 0): observe [warm_days, end_days]. */
    double warm_days, end_days;
} queue_params;

typedef struct queue_model {
    const queue_params *p;
    gsl_rng *arrivals, *service;
    double *fifo; /* arrival times of waiting customers, a ring buffer */
    size_t head, len, cap;
    int busy, in_system;
    uint64_t started; /* customers who have started service */
    int failed;       /* out of memory */
    /* count mode */
    double wait_sum;
    uint64_t wait_n, over[NTAIL];
    /* time mode */
    sim_timeavg n_system;
    double sojourn_sum;
    uint64_t sojourn_n, arrivals_in_window;
} queue_model;

static void on_arrival(sim *s, void *obj, uint64_t arg);
static void on_departure(sim *s, void *obj, uint64_t arg);

/* The event argument carries the customer's arrival time (bit-copied). */
static uint64_t pack_time(double t)
{
    uint64_t u;
    memcpy(&u, &t, sizeof u);
    return u;
}

static double unpack_time(uint64_t u)
{
    double t;
    memcpy(&t, &u, sizeof t);
    return t;
}

/* Draw a service time from the service stream. gsl_ran_gamma takes shape and SCALE. */
static double service_days(queue_model *m)
{
    const queue_params *p = m->p;
    if (p->gamma_shape > 0)
        return gsl_ran_gamma(m->service, p->gamma_shape, p->mean_service / p->gamma_shape);
    return gsl_ran_exponential(m->service, p->mean_service); /* takes the MEAN */
}

/* A server takes the customer who arrived at `arrived`: record the wait, schedule the
 * departure. In count mode, stops the run once the last observed customer starts. */
static void start_service(sim *s, queue_model *m, double arrived)
{
    const queue_params *p = m->p;
    uint64_t idx = m->started++;
    double wait = s->now - arrived;
    if (p->obs_customers && idx >= p->warm_customers) {
        m->wait_sum += wait;
        m->wait_n++;
        for (int k = 0; k < NTAIL; k++)
            m->over[k] += wait > p->tail_days[k];
        if (m->wait_n == p->obs_customers)
            sim_stop(s);
    }
    m->busy++;
    sim_schedule(s, service_days(m), PRIO_DEPARTURE, on_departure, m, pack_time(arrived));
}

static void on_arrival(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    queue_model *m = obj;
    m->in_system++;
    sim_timeavg_set(&m->n_system, s->now, m->in_system);
    if (s->now >= m->p->warm_days)
        m->arrivals_in_window++;
    if (m->busy < m->p->servers) {
        start_service(s, m, s->now);
    } else {
        if (m->len == m->cap) { /* grow the ring, unwrapping it */
            size_t cap = m->cap ? 2 * m->cap : 1024;
            double *f = malloc(cap * sizeof *f);
            if (!f) {
                m->failed = 1;
                sim_stop(s);
                return;
            }
            for (size_t i = 0; i < m->len; i++)
                f[i] = m->fifo[(m->head + i) % m->cap];
            free(m->fifo);
            m->fifo = f;
            m->head = 0;
            m->cap = cap;
        }
        m->fifo[(m->head + m->len++) % m->cap] = s->now;
    }
    sim_schedule(s, gsl_ran_exponential(m->arrivals, 1.0 / m->p->lambda), PRIO_ARRIVAL,
                 on_arrival, m, 0);
}

static void on_departure(sim *s, void *obj, uint64_t arg)
{
    queue_model *m = obj;
    double arrived = unpack_time(arg);
    m->in_system--;
    sim_timeavg_set(&m->n_system, s->now, m->in_system);
    if (arrived >= m->p->warm_days) {
        m->sojourn_sum += s->now - arrived;
        m->sojourn_n++;
    }
    m->busy--;
    if (m->len) {
        double next = m->fifo[m->head];
        m->head = (m->head + 1) % m->cap;
        m->len--;
        start_service(s, m, next);
    }
}

/* What one replication measured. */
typedef struct rep_result {
    double wq_mean;           /* count mode */
    double tail_share[NTAIL]; /* count mode */
    double l_time_avg;        /* time mode: time-average number in system */
    double lambda_hat, w_mean; /* time mode: observed arrival rate, mean sojourn */
} rep_result;

/* Run replication `rep` of the queue. Returns 0, or -1 on an engine or memory error. */
static int run_replication(const queue_params *p, uint32_t rep, rep_result *out)
{
    sim s;
    sim_streams st = {0};
    queue_model m = {0};
    int ret = -1;
    m.p = p;
    if (sim_init(&s, 64) != SIM_OK)
        return -1;
    if (sim_streams_init(&st, NSTREAMS, p->master_seed, rep) != 0)
        goto out;
    m.arrivals = st.r[STREAM_ARRIVALS];
    m.service = st.r[STREAM_SERVICE];
    sim_timeavg_init(&m.n_system, 0.0, 0.0);
    sim_schedule(&s, gsl_ran_exponential(m.arrivals, 1.0 / p->lambda), PRIO_ARRIVAL,
                 on_arrival, &m, 0);
    int rc;
    if (p->obs_customers) {
        rc = sim_run(&s);
        if (rc != SIM_STOPPED || m.failed || m.wait_n != p->obs_customers)
            goto out;
        out->wq_mean = m.wait_sum / (double)m.wait_n;
        for (int k = 0; k < NTAIL; k++)
            out->tail_share[k] = (double)m.over[k] / (double)m.wait_n;
    } else {
        rc = sim_run_until(&s, p->warm_days);
        if (rc != SIM_OK || s.now != p->warm_days)
            goto out;
        sim_timeavg_restart(&m.n_system, s.now); /* discard the warm-up */
        rc = sim_run_until(&s, p->end_days);
        if (rc != SIM_OK || s.now != p->end_days || m.failed)
            goto out;
        double span = p->end_days - p->warm_days;
        out->l_time_avg = sim_timeavg_mean(&m.n_system, s.now);
        out->lambda_hat = (double)m.arrivals_in_window / span;
        out->w_mean = m.sojourn_sum / (double)m.sojourn_n;
    }
    ret = 0;
out:
    free(m.fifo);
    sim_streams_free(&st);
    sim_free(&s);
    return ret;
}

/* Run R replications into res[0..R). Returns 1 if all ran. */
static int run_replications(const queue_params *p, size_t R, rep_result *res, const char *what)
{
    for (size_t r = 0; r < R; r++)
        if (!CHECK(run_replication(p, (uint32_t)r, &res[r]) == 0,
                   "%s: replication %zu: expected a clean run (SIM_STOPPED after the last "
                   "observed customer, or SIM_OK at the horizon)",
                   what, r))
            return 0;
    return 1;
}

/* The theory must lie within the widened CI of the replication mean of x[0..n), and the
 * CI must be narrower than max_rel_hw * theory. Prints the comparison. */
static void check_theory_at(const char *file, int line, const char *what, const double *x,
                            size_t n, double theory, double max_rel_hw)
{
    if (harness_sanitized())
        return;
    sim_summary s;
    if (!harness_check(sim_summarise(x, n, &s) == 0 && s.n == n, file, line,
                       "%s: expected a summary of %zu values", what, n))
        return;
    double hw = s.ci_high - s.mean;
    printf("   %-34s theory %9.5f   mean %9.5f +- %.5f (R=%zu)\n", what, theory, s.mean, hw, n);
    harness_check(fabs(s.mean - theory) <= WIDEN * hw, file, line,
                  "%s: expected theory %.6g within mean %.6g +- %.3g (%.1f x the 95%% CI "
                  "half-width %.3g); off by %.3g",
                  what, theory, s.mean, WIDEN * hw, WIDEN, hw, s.mean - theory);
    harness_check(hw < max_rel_hw * theory, file, line,
                  "%s: expected a CI half-width below %.1f%% of the theory (%.3g) so the check "
                  "has power, got %.3g",
                  what, 100 * max_rel_hw, max_rel_hw * theory, hw);
}
#define CHECK_THEORY(what, x, n, theory, max_rel_hw)                                           \
    check_theory_at(__FILE__, __LINE__, (what), (x), (n), (theory), (max_rel_hw))

/* Erlang C: probability that an arrival waits in M/M/c with offered load a = lambda/mu. */
static double erlang_c(int c, double a)
{
    double term = 1.0, sum = 1.0; /* a^k/k!, summed for k < c */
    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double top = term * a / c * c / (c - a); /* a^c/c! * c/(c - a) */
    return top / (sum + top);
}

/* ======================================================================================
 * Cases
 * ====================================================================================== */

enum { R = 30 };

/* The sanitizer pass runs each case small (SAN_REPS replications of a twentieth of the
 * customers or days: the same code paths) and leaves the comparisons with theory, which
 * need the full size, to the optimised pass. 4 replications, so that replication 3 can be
 * rerun. */
enum { SAN_REPS = 4, SAN_SHRINK = 20 };

static size_t n_reps(void)
{
    return harness_sanitized() ? SAN_REPS : R;
}

static uint64_t sized(uint64_t n)
{
    return harness_sanitized() ? n / SAN_SHRINK : n;
}

/* M/M/1 at rho = 0.8: Wq = rho / (mu - lambda) = 4 days. */
static void test_mm1(void)
{
    const queue_params p = {.lambda = 0.8, .mean_service = 1.0, .servers = 1,
                            .master_seed = 101, .warm_customers = 5000,
                            .obs_customers = sized(400000)};
    const size_t nr = n_reps();
    rep_result res[R];
    if (!run_replications(&p, nr, res, "M/M/1"))
        return;
    double wq[R];
    for (size_t r = 0; r < nr; r++)
        wq[r] = res[r].wq_mean;
    double rho = p.lambda * p.mean_service, mu = 1.0 / p.mean_service;
    CHECK_THEORY("M/M/1 rho=0.8 Wq", wq, nr, rho / (mu - p.lambda), 0.015);

    /* Replication 3 run alone equals replication 3 inside the batch, bit for bit. */
    rep_result again;
    CHECK(run_replication(&p, 3, &again) == 0 && again.wq_mean == res[3].wq_mean,
          "M/M/1 replication 3 rerun: expected the identical mean wait %.17g, got %.17g",
          res[3].wq_mean, again.wq_mean);
    CHECK(res[0].wq_mean != res[1].wq_mean, "replications 0 and 1: expected different results");
}

/* M/M/3 at rho = 0.8 (lambda 2.4, mu 1): Wq = C / (c mu - lambda) and
 * P(Wq > t) = C exp(-(c mu - lambda) t), with C from Erlang's formula. */
static void test_mmc(void)
{
    const queue_params p = {.lambda = 2.4, .mean_service = 1.0, .servers = 3,
                            .master_seed = 102, .warm_customers = 5000,
                            .obs_customers = sized(400000), .tail_days = {0.5, 2.0, 5.0}};
    const size_t nr = n_reps();
    rep_result res[R];
    if (!run_replications(&p, nr, res, "M/M/3"))
        return;
    const double mu = 1.0 / p.mean_service, a = p.lambda / mu;
    const double C = erlang_c(p.servers, a), rate = p.servers * mu - p.lambda;
    /* Hand check of the formula: a = 2.4, c = 3 gives C = 11.52 / 17.8. */
    CHECK_NEAR(C, 11.52 / 17.8, 1e-12, "Erlang C(3, 2.4)");
    double x[R];
    for (size_t r = 0; r < nr; r++)
        x[r] = res[r].wq_mean;
    CHECK_THEORY("M/M/3 rho=0.8 Wq", x, nr, C / rate, 0.015);
    for (int k = 0; k < NTAIL; k++) {
        for (size_t r = 0; r < nr; r++)
            x[r] = res[r].tail_share[k];
        char what[64];
        snprintf(what, sizeof what, "M/M/3 P(Wq > %.1f)", p.tail_days[k]);
        /* The deepest tail is a small share: allow a wider relative half-width. */
        CHECK_THEORY(what, x, nr, C * exp(-rate * p.tail_days[k]), k < 2 ? 0.015 : 0.04);
    }
}

/* M/G/1 with gamma(shape 2) service of mean 1 at rho = 0.8: Pollaczek-Khinchine
 * Wq = lambda E[S^2] / (2 (1 - rho)), E[S^2] = var + mean^2 = 2 * 0.5^2 + 1 = 1.5, so 3. */
static void test_mg1(void)
{
    const queue_params p = {.lambda = 0.8, .mean_service = 1.0, .gamma_shape = 2.0,
                            .servers = 1, .master_seed = 103, .warm_customers = 5000,
                            .obs_customers = sized(400000)};
    const size_t nr = n_reps();
    rep_result res[R];
    if (!run_replications(&p, nr, res, "M/G/1"))
        return;
    double x[R];
    for (size_t r = 0; r < nr; r++)
        x[r] = res[r].wq_mean;
    const double theta = p.mean_service / p.gamma_shape;
    const double es2 = p.gamma_shape * theta * theta + p.mean_service * p.mean_service;
    const double rho = p.lambda * p.mean_service;
    CHECK_NEAR(es2, 1.5, 1e-12, "gamma(2, scale 0.5) E[S^2]");
    CHECK_THEORY("M/G/1 gamma(2) rho=0.8 Wq", x, nr, p.lambda * es2 / (2 * (1 - rho)), 0.015);
}

/* Little's law on M/M/3 over a fixed horizon (sim_run_until, warm-up by
 * sim_timeavg_restart): the time-average number in system L equals the observed arrival
 * rate times the mean sojourn of the window's customers, in every replication, up to edge
 * effects (customers present at either end of the window: about L * W / span, ~1e-3 of L
 * here, so 1% is generous yet catches a clock or averaging error). And L matches theory,
 * L = lambda (Wq + 1/mu). */
static void test_little(void)
{
    const queue_params p = {.lambda = 2.4, .mean_service = 1.0, .servers = 3,
                            .master_seed = 104, .warm_days = 2000.0,
                            .end_days = 2000.0 + (double)sized(60000)};
    const size_t nr = n_reps();
    rep_result res[R];
    if (!run_replications(&p, nr, res, "Little"))
        return;
    double l[R];
    double worst = 0;
    for (size_t r = 0; r < nr; r++) {
        l[r] = res[r].l_time_avg;
        double rel = fabs(l[r] - res[r].lambda_hat * res[r].w_mean) / l[r];
        worst = rel > worst ? rel : worst;
    }
    printf("   %-34s worst |L - lambda W| / L = %.2e\n", "Little's law per replication", worst);
    if (!harness_sanitized()) /* edge effects grow as the window shrinks */
        CHECK(worst < 0.01,
              "Little's law: expected L = lambda_hat * W within 1%% in every replication, "
              "worst relative difference %.3g",
              worst);
    const double mu = 1.0 / p.mean_service, a = p.lambda / mu;
    const double wq = erlang_c(p.servers, a) / (p.servers * mu - p.lambda);
    CHECK_THEORY("M/M/3 L (time average)", l, nr, p.lambda * (wq + 1.0 / mu), 0.015);
}

int main(void)
{
    gsl_set_error_handler_off();
    harness_scope("the comparisons with theory and Little's law's 1%");
    RUN_TEST(test_mm1);
    RUN_TEST(test_mmc);
    RUN_TEST(test_mg1);
    RUN_TEST(test_little);
    return harness_done();
}
