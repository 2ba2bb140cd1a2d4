/* Federations: a service's pool of numerators and denominators, filled at the end of its
 * run, and the national replication pooled from its services (see pw_pool.h).
 *
 * Holds: pool_on_window_end, pool_capture (from the world), pw_pool_begin/add/finish.
 * Streams: none. Schedules: nothing.
 */
#include "pw_pool.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pw_state.h"

/* ==== a service's pool, from its world ================================================= */

/* The share of the window's days [t0, t) open in a usual week that are working days:
 * below 1 by the closure days and bank holidays that fall in it. */
static double open_share(const world *w, double t0, double t)
{
    long working = 0, usual = 0;
    for (long d = (long)ceil(t0); (double)d < t; d++) {
        usual += !weekend_off(w->p, d);
        working += world_is_working(w, d);
    }
    return usual > 0 ? (double)working / (double)usual : 1.0;
}

/* The window closes at t: the hours in use and available, as metrics_on_window_end reads
 * them for utilisation (their time averages over the window). */
void pool_on_window_end(world *w, double t)
{
    pw_pool *pl = &w->out->pool;
    double weeks = (t - w->t_window0) / 7.0, open = -1;
    for (int st = 0; st < PW_STEP_N; st++) {
        /* Diary appointments held (hours a week over the window) add to hours committed. */
        double diary = weeks > 0 ? w->diary_minutes[st] / 60.0 / weeks : 0;
        pl->load_hours[st] = sim_timeavg_mean(&w->ta_load[st], t) + diary;
        /* With staff dynamics the hours available vary: their time average. */
        pl->cap_hours[st] = w->cap_varied ? sim_timeavg_mean(&w->ta_cap[st], t) : w->cap_hours[st];
        /* A diary holds no time on a closure day or bank holiday: the hours of staff at
         * work are those of the working days (the share of the window's, as staffing does
         * not follow the calendar). */
        if (w->p->step[st].diary) {
            if (open < 0)
                open = open_share(w, w->t_window0, t);
            pl->cap_hours[st] *= open;
        }
    }
    pl->assess_slots_offered = w->assess_slots_offered;
    pl->assess_slots_used = w->assess_slots_used;
    pl->assess_slots_extra = w->assess_slots_extra;
}

/* Tally t into the pool's slot k as a count and a sum (0 for an empty tally), so that
 * services add up: a pooled mean is the summed sums over the summed counts. */
static void tally_to(pw_pool *pl, int k, const sim_tally *t)
{
    size_t n = sim_tally_n(t);
    pl->tally_n[k] = (double)n;
    pl->tally_sum[k] = n ? sim_tally_mean(t) * (double)n : 0;
}

/* The end of the run: what pooling needs beyond the cohort's counts (kept in the pool as
 * the world runs), the tallies' counts and sums and the waits' histogram. Returns 0 or -1 (out of memory for the
 * histogram's copy). */
int pool_capture(world *w)
{
    pw_pool *pl = &w->out->pool;
    tally_to(pl, PW_T_WAIT_ASSESS, &w->t_wait_assess);
    tally_to(pl, PW_T_WAIT_REPORTED, &w->t_wait_reported);
    tally_to(pl, PW_T_STEP_UP_WAIT, &w->t_step_up_wait);
    tally_to(pl, PW_T_STEP3_WAIT, &w->t_step3_wait);
    tally_to(pl, PW_T_SESSIONS_FIN, &w->t_sessions_fin);
    tally_to(pl, PW_T_SESSIONS_REC, &w->t_sessions_rec);
    const sim_hist *h = &w->h_wait_treat;
    size_t nb = h->h->n;
    while (nb > 0 && h->h->bin[nb - 1] == 0)
        nb--;
    pl->wait_lo = h->h->range[0];
    pl->wait_width = (h->h->range[h->h->n] - h->h->range[0]) / (double)h->h->n;
    pl->wait_under = h->under;
    pl->wait_over = h->over;
    pl->wait_n = h->n;
    pl->wait_nbins = nb;
    pl->wait_bins = NULL;
    if (nb && !(pl->wait_bins = malloc(nb * sizeof *pl->wait_bins)))
        return -1;
    if (nb)
        memcpy(pl->wait_bins, h->h->bin, nb * sizeof *pl->wait_bins);
    return 0;
}

/* ==== the national replication ========================================================= */

uint64_t pw_pool_service_seed(uint64_t seed, size_t k)
{
    return sim_rng_mix64(seed ^ sim_rng_mix64(0x5e7f1ce5ull + (uint64_t)k));
}

int pw_pool_begin(pw_results *nat, int replication, size_t nservices)
{
    memset(nat, 0, sizeof *nat);
    nat->replication = replication;
    nat->n_services = nservices;
    nat->service_metric = calloc(nservices ? nservices * PW_M_N : 1, sizeof(double));
    return nat->service_metric ? 0 : -1;
}

/* a[i] += b[i] for the n counts of a and b. */
static void add_u64(uint64_t *a, const uint64_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] += b[i];
}

/* a[i] += b[i] for the n sums of a and b. */
static void add_dbl(double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] += b[i];
}


/* Add role b's staff figures (each a sum over the window) into a's. */
static void add_role(pw_role_stats *a, const pw_role_stats *b)
{
    a->headcount_years += b->headcount_years;
    a->fte_years += b->fte_years;
    a->leavers += b->leavers;
    a->to_training += b->to_training;
    a->starters += b->starters;
    a->sick_days += b->sick_days;
    a->tenure_years_sum += b->tenure_years_sum;
    a->in_post_end += b->in_post_end;
    a->burnout_years += b->burnout_years;
    a->salary_gbp += b->salary_gbp;
    a->oncost_gbp += b->oncost_gbp;
    a->training_gbp += b->training_gbp;
}

/* Staff in post in a week (the weight of its burnout figures). */
static double in_post(const pw_week *wk)
{
    double n = 0;
    for (size_t r = 0; r < PW_MAX_ROLES; r++)
        n += wk->staff_in_post[r];
    return n;
}

/* Every field of pw_week is a double. */
_Static_assert(sizeof(pw_week) % sizeof(double) == 0, "pw_week holds doubles only");

/* Add a service's weekly series into the nation's, allocated at the first service (nat
 * owns it: pw_results_free). Returns 0, or -1 out of memory. svc has the nation's number
 * of weeks: the loader refuses a service that changes the base's lengths
 * (scn_load_federation), so another number is a bug, asserted. */
static int add_weeks(pw_results *nat, const pw_results *svc)
{
    if (!nat->weeks) {
        nat->weeks = calloc(svc->n_weeks ? svc->n_weeks : 1, sizeof *nat->weeks);
        if (!nat->weeks)
            return -1;
        nat->n_weeks = svc->n_weeks;
    }
    assert(nat->n_weeks == svc->n_weeks && "a service of another length than the base");
    for (size_t k = 0; k < svc->n_weeks; k++) {
        pw_week *a = &nat->weeks[k];
        const pw_week *b = &svc->weeks[k];
        double bm = a->burnout_mean, bp = a->burnout_p90, wt = in_post(b);
        add_dbl((double *)a, (const double *)b, sizeof *a / sizeof(double));
        /* Burnout: summed weighted by staff, divided by the nation's in pw_pool_finish. */
        a->burnout_mean = bm + wt * b->burnout_mean;
        a->burnout_p90 = bp + wt * b->burnout_p90;
    }
    return 0;
}

/* b's clinicians' course sums after a's, step by step (a's step 2, b's, a's step 3, b's):
 * the national study has every service's clinicians. Returns 0, or -1 out of memory. */
static int add_ther(pw_pool *a, const pw_pool *b)
{
    size_t na = a->ther_n[PW_STEP2] + a->ther_n[PW_STEP3];
    size_t nb = b->ther_n[PW_STEP2] + b->ther_n[PW_STEP3];
    if (!nb)
        return 0;
    pw_clin_courses *c = malloc((na + nb) * sizeof *c);
    if (!c)
        return -1;
    size_t k = 0;
    const pw_clin_courses *pa = a->ther, *pb = b->ther;
    for (int st = 0; st < PW_STEP_N; st++) {
        if (a->ther_n[st])
            memcpy(c + k, pa, a->ther_n[st] * sizeof *c);
        k += a->ther_n[st];
        if (b->ther_n[st])
            memcpy(c + k, pb, b->ther_n[st] * sizeof *c);
        k += b->ther_n[st];
        pa += a->ther_n[st];
        pb += b->ther_n[st];
        a->ther_n[st] += b->ther_n[st];
    }
    free(a->ther);
    a->ther = c;
    return 0;
}

/* Add pool b into a: counts, sums, tallies and the waits' histogram (a's bins grown to
 * b's length; a owns them). Returns 0, or -1 out of memory. */
static int add_pool(pw_pool *a, const pw_pool *b)
{
    add_u64(&a->n_ref, &b->n_ref, 28); /* n_ref .. fu_late_recovered_u: 28 counts in a row */
    add_u64(a->fin_n, b->fin_n, PW_P_N);
    add_dbl(a->fin_sessions, b->fin_sessions, PW_P_N);
    add_dbl(a->tally_n, b->tally_n, PW_T_N);
    add_dbl(a->tally_sum, b->tally_sum, PW_T_N);
    add_dbl(a->load_hours, b->load_hours, PW_STEP_N);
    add_dbl(a->cap_hours, b->cap_hours, PW_STEP_N);
    a->assess_slots_offered += b->assess_slots_offered;
    a->assess_slots_used += b->assess_slots_used;
    a->assess_slots_extra += b->assess_slots_extra;
    a->wait_lo = b->wait_lo;
    a->wait_width = b->wait_width;
    a->wait_under += b->wait_under;
    a->wait_over += b->wait_over;
    a->wait_n += b->wait_n;
    if (b->wait_nbins > a->wait_nbins) {
        double *bins = realloc(a->wait_bins, b->wait_nbins * sizeof *bins);
        if (!bins)
            return -1;
        memset(bins + a->wait_nbins, 0, (b->wait_nbins - a->wait_nbins) * sizeof *bins);
        a->wait_bins = bins;
        a->wait_nbins = b->wait_nbins;
    }
    add_dbl(a->wait_bins, b->wait_bins, b->wait_nbins);
    return add_ther(a, b);
}
_Static_assert(offsetof(pw_pool, fu_late_recovered_u) ==
                   offsetof(pw_pool, n_ref) + 27 * sizeof(uint64_t),
               "add_pool adds 28 counts from n_ref on");

int pw_pool_add(pw_results *nat, size_t k, const pw_results *svc)
{
    assert(k < nat->n_services && "pw_pool_add: service k beyond pw_pool_begin's count");
    if (add_weeks(nat, svc) != 0 || add_pool(&nat->pool, &svc->pool) != 0)
        return -1;
    memcpy(nat->service_metric + k * PW_M_N, svc->metric, sizeof svc->metric);
    add_u64(nat->exits, svc->exits, PW_X_N);
    add_u64(nat->stages, svc->stages, PW_S_N);
    add_u64(&nat->waits[0][0], &svc->waits[0][0], PW_W_N * (PW_WAIT_WEEKS + 1));
    for (int i = 0; i < PW_P_N; i++)
        pw_results_outcome_add(&nat->by_path[i], &svc->by_path[i]);
    for (int i = 0; i < PW_G_N; i++)
        pw_results_outcome_add(&nat->by_group[i], &svc->by_group[i]);
    add_u64((uint64_t *)&nat->scores, (const uint64_t *)&svc->scores,
            sizeof nat->scores / sizeof(uint64_t));
    add_u64(nat->failures, svc->failures, 4);
    for (int r = 0; r < PW_MAX_ROLES; r++)
        add_role(&nat->roles[r], &svc->roles[r]);
    add_dbl((double *)&nat->coord, (const double *)&svc->coord, PW_COORD_STATS_N);
    nat->events_fired += svc->events_fired;
    nat->diary_unbooked += svc->diary_unbooked;
    nat->diary_spread += svc->diary_spread;
    nat->diary_beyond += svc->diary_beyond;
    nat->diary_handed_back += svc->diary_handed_back;
    nat->diary_moved += svc->diary_moved;
    return 0;
}

void pw_pool_release(pw_results *r)
{
    free(r->pool.wait_bins);
    r->pool.wait_bins = NULL;
    r->pool.wait_nbins = 0;
    free(r->pool.ther);
    r->pool.ther = NULL;
    r->pool.ther_n[PW_STEP2] = r->pool.ther_n[PW_STEP3] = 0;
}

/* p-quantile of the pooled histogram, as sim_hist_quantile reads a histogram. */
static double pool_quantile(const pw_pool *pl, double q)
{
    if (pl->wait_n == 0)
        return NAN;
    double target = q * (double)pl->wait_n, cum = (double)pl->wait_under;
    if (target < cum || (pl->wait_under > 0 && target == cum && q == 0))
        return -INFINITY;
    for (size_t i = 0; i < pl->wait_nbins; i++) {
        double c = pl->wait_bins[i];
        double lo = pl->wait_lo + pl->wait_width * (double)i;
        if (c > 0 && cum + c >= target)
            return lo + pl->wait_width * (target - cum) / c;
        cum += c;
    }
    return pl->wait_over > 0 ? INFINITY : pl->wait_lo + pl->wait_width * (double)pl->wait_nbins;
}

/* The headline metrics from pooled numerators and denominators: the shares by the same
 * function as a world's (metrics_counts), the rest as metrics_compute takes them. */
void pw_pool_finish(const pw_params *p, pw_results *o)
{
    const pw_pool *pl = &o->pool;
    double *m = o->metric;
    for (size_t k = 0; k < o->n_weeks; k++) {
        double wt = in_post(&o->weeks[k]);
        o->weeks[k].burnout_mean = wt > 0 ? o->weeks[k].burnout_mean / wt : NAN;
        o->weeks[k].burnout_p90 = wt > 0 ? o->weeks[k].burnout_p90 / wt : NAN;
    }
#define SHARE(num, den) ((den) > 0 ? (double)(num) / (double)(den) : NAN)
#define TALLY(k) SHARE(pl->tally_sum[k], pl->tally_n[k])
    metrics_counts(p, o, pl);
    m[PW_M_WAIT_TO_ASSESSMENT_DAYS_MEAN] = TALLY(PW_T_WAIT_ASSESS);
    m[PW_M_WAIT_TO_TREATMENT_DAYS_MEAN] = /* as metrics_compute: the "all" row's */
        pw_gmetric_value(&o->by_group[PW_G_ALL], PW_GM_WAIT_TO_TREATMENT_DAYS_MEAN);
    m[PW_M_WAIT_TO_TREATMENT_DAYS_P50] = pool_quantile(pl, 0.5);
    m[PW_M_WAIT_TO_TREATMENT_DAYS_P90] = pool_quantile(pl, 0.9);
    m[PW_M_WAIT_REPORTED_DAYS_MEAN] = TALLY(PW_T_WAIT_REPORTED);
    m[PW_M_STEP_UP_WAIT_DAYS_MEAN] = TALLY(PW_T_STEP_UP_WAIT);
    m[PW_M_WAIT_FOR_STEP3_DAYS_MEAN] = TALLY(PW_T_STEP3_WAIT);
    m[PW_M_SESSIONS_MEAN_FINISHERS] = TALLY(PW_T_SESSIONS_FIN);
    m[PW_M_SESSIONS_MEAN_RECOVERED] = TALLY(PW_T_SESSIONS_REC);
    /* Time averages over the same window add up across services. */
    static const pw_metric waiting[] = {PW_M_WAITING_ASSESSMENT_MEAN, PW_M_WAITING_STEP2_MEAN,
                                        PW_M_WAITING_STEP3_MEAN};
    for (int i = 0; i < 3; i++) {
        double sum = 0;
        for (size_t k = 0; k < o->n_services; k++)
            sum += o->service_metric[k * PW_M_N + waiting[i]];
        m[waiting[i]] = sum;
    }
    for (int st = 0; st < PW_STEP_N; st++)
        m[st == PW_STEP2 ? PW_M_UTILISATION_STEP2 : PW_M_UTILISATION_STEP3] =
            SHARE(pl->load_hours[st], pl->cap_hours[st]);
    m[PW_M_UTILISATION_ASSESSMENT] = SHARE(pl->assess_slots_used, pl->assess_slots_offered);
    m[PW_M_ASSESSMENT_EXTRA_SHARE] = SHARE(pl->assess_slots_extra, pl->assess_slots_offered);
    m[PW_M_HANDED_ON] = (double)o->diary_handed_back; /* counts: summed over services */
    m[PW_M_SPREAD_SESSIONS] = (double)o->diary_spread;
    m[PW_M_MOVED_SESSIONS] = (double)o->diary_moved;
    therapist_metrics(pl, m);
#undef TALLY
#undef SHARE
}
