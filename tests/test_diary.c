/* Diaries (models/pw_diary.c) against a plain scan: a booking steps over the run of days
 * it knows full, and must land where a scan of every day from the first would. The
 * reference below is that scan, written out with its own ring of days and weeks (the
 * rule of the README's diary steps: the first working day with room on the day, up to 1.5 x its
 * share, and in its week; past the ring's reach, its last working day). Random bookings
 * of several lengths, releases, and a day's room going up and down, on diaries from
 * nearly empty to overbooked past the ring, must give the same day and time every time.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "harness.h"
#include "models/pw_state.h"

enum { RING_DAYS = 512, RING_WEEKS = 80, N_DAYS = 4000, N_CLIN = 3, MAX_HELD = 16384 };

/* The plain scan's diary: a ring of days and weeks, entries reset when reused. */
typedef struct ref_diary {
    long day[RING_DAYS], wk[RING_WEEKS];
    double dmin[RING_DAYS], wmin[RING_WEEKS];
} ref_diary;

static double *ref_day(ref_diary *r, long d)
{
    size_t i = (size_t)d % RING_DAYS;
    if (r->day[i] != d) {
        r->day[i] = d;
        r->dmin[i] = 0;
    }
    return &r->dmin[i];
}

static double *ref_week(ref_diary *r, long d)
{
    long wk = (d - ((d % 7) + 7) % 7) / 7;
    size_t i = (size_t)wk % RING_WEEKS;
    if (r->wk[i] != wk) {
        r->wk[i] = wk;
        r->wmin[i] = 0;
    }
    return &r->wmin[i];
}

static double ref_room(const world *w, const clinician *c)
{
    return fmax(0.0, c->hours_week - c->load_hours) * 60.0 / (w->p->weekend_closed ? 5.0 : 7.0);
}

/* The first working day at or after t with room, every day looked at. */
static double ref_book(const world *w, const clinician *c, ref_diary *r, double t, double m,
                       long *day)
{
    double room = ref_room(w, c), t0 = world_next_working(w, t);
    long d0 = (long)floor(t0), d = d0, last = d0;
    for (; d < d0 + RING_DAYS; d++) {
        if (!world_is_working_day(w, (double)d))
            continue;
        last = d;
        long monday = d - ((d % 7) + 7) % 7;
        double days = 0;
        for (long k = monday; k < monday + 7; k++)
            days += world_is_working_day(w, (double)k);
        /* An empty day takes one booking of any length (a part-timer's short days). */
        int day_ok = *ref_day(r, d) + m <= 1.5 * room + 1e-9 || *ref_day(r, d) < 1e-6;
        if (day_ok && *ref_week(r, d) + m <= days * room + 1e-9)
            break;
    }
    if (d >= d0 + RING_DAYS) { /* no week has room: the first empty working day, else last */
        for (d = d0; d < d0 + RING_DAYS; d++)
            if (world_is_working_day(w, (double)d) && *ref_day(r, d) < 1e-6)
                break;
        if (d >= d0 + RING_DAYS)
            d = last;
    }
    double booked = *ref_day(r, d);
    double at = d == d0 ? fmax(t0, (double)d + DAY_START + booked / 1440.0)
                        : (double)d + DAY_START + booked / 1440.0;
    *ref_day(r, d) += m;
    *ref_week(r, d) += m;
    *day = d;
    return at;
}

static void ref_release(ref_diary *r, long d, double m)
{
    size_t i = (size_t)d % RING_DAYS;
    if (r->day[i] == d) {
        r->dmin[i] = fmax(0.0, r->dmin[i] - m);
        double *wk = ref_week(r, d);
        *wk = fmax(0.0, *wk - m);
    }
}

typedef struct held {
    int clin;
    long day;
    double minutes;
} held;

static pw_params p;
static world w;
static clinician staff[N_CLIN];
static ref_diary ref[N_CLIN];
static unsigned char closed[N_DAYS];
static held booked[MAX_HELD];

/* One run: `ops` random operations at `hours` treatment hours a week (low hours overbook
 * the diaries past the ring); bookings a week on or up to four weeks on, or with `spread`,
 * half at once and half up to `spread` days on (far enough for the rings of days and
 * weeks to wrap onto days still to come). Returns the number of bookings that disagreed. */
static int run(unsigned long seed, int ops, double hours, double spread, size_t *n_books,
               size_t *n_squeezed, size_t *n_over)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, seed);
    memset(&w, 0, sizeof w);
    memset(staff, 0, sizeof staff);
    memset(closed, 0, sizeof closed);
    for (int k = 0; k < N_CLIN; k++) {
        for (size_t i = 0; i < RING_DAYS; i++)
            ref[k].day[i] = -1;
        for (size_t i = 0; i < RING_WEEKS; i++)
            ref[k].wk[i] = -1;
        staff[k].id = k;
        staff[k].hours_week = hours;
    }
    for (int y = 0; y < 10; y++) /* a closure of a week or so each year */
        for (int d = 358; d < 366; d++)
            if (y * 365 + d < N_DAYS)
                closed[y * 365 + d] = 1;
    w.p = &p;
    sim_slab_init(&w.diaries, diary_bytes());
    world_days_off(&p, closed, N_DAYS); /* the closed weekends, as a run marks them */
    w.off = closed;
    w.n_days = N_DAYS;
    size_t n_held = 0;
    int bad = 0;
    /* The table answers as the rule does, inside the run and past either end of it. */
    for (long d = -20; d < N_DAYS + 20; d++) {
        int closure = 0;
        for (long y = 0; y < 10; y++)
            closure |= d < N_DAYS && d - y * 365 >= 358 && d - y * 365 < 366;
        int rule = !(p.weekend_closed && ((d % 7) + 7) % 7 >= 5) && !closure;
        bad += world_is_working(&w, d) != rule;
    }
    double now = 0;
    for (int op = 0; op < ops && now < N_DAYS - 600; op++) {
        double u = gsl_rng_uniform(g);
        int k = (int)gsl_rng_uniform_int(g, N_CLIN);
        clinician *c = &staff[k];
        if (u < 0.04) { /* the day's room changes: a group starts or ends, hours change */
            c->load_hours = gsl_rng_uniform(g) < 0.5 ? 0.0 : gsl_rng_uniform(g) * 0.4 * hours;
        } else if (u < 0.25 && n_held > 0) { /* a booking given back */
            size_t i = gsl_rng_uniform_int(g, n_held);
            diary_release(&staff[booked[i].clin], booked[i].day, booked[i].minutes);
            ref_release(&ref[booked[i].clin], booked[i].day, booked[i].minutes);
            booked[i] = booked[--n_held];
        } else { /* a booking: first sessions longer, some people's longer still */
            now += gsl_ran_exponential(g, 0.05);
            patient pt;
            memset(&pt, 0, sizeof pt);
            pt.step = PW_STEP2;
            pt.clin = c;
            pt.sessions_step = gsl_rng_uniform(g) < 0.2 ? 0 : 3;
            pt.ld = gsl_rng_uniform(g) < 0.1;
            double t = spread > 0 ? now + (gsl_rng_uniform(g) < 0.5 ? 0.0
                                                                    : gsl_rng_uniform(g) * spread)
                                  : now + (gsl_rng_uniform(g) < 0.7 ? 7.0
                                                                    : gsl_rng_uniform(g) * 28.0);
            double m = episode_minutes(&p, &pt, pt.sessions_step == 0);
            long want_day;
            double want = ref_book(&w, c, &ref[k], t, m, &want_day);
            double got = diary_book_session(&w, &pt, t);
            (*n_books)++;
            if (got != want || pt.appt_day != want_day) {
                if (bad++ < 5)
                    fprintf(stderr, "seed %lu op %d: booked day %ld at %.9f, the scan %ld at %.9f\n",
                            seed, op, pt.appt_day, got, want_day, want);
            }
            if (n_held < MAX_HELD)
                booked[n_held++] = (held){k, want_day, m};
            else
                booked[gsl_rng_uniform_int(g, MAX_HELD)] = (held){k, want_day, m};
        }
    }
    *n_squeezed += w.diary_squeezed;
    *n_over += w.diary_overbooked;
    sim_slab_free(&w.diaries);
    gsl_rng_free(g);
    return bad;
}

static void test_same_as_a_scan(void)
{
    memset(&p, 0, sizeof p);
    p.weekend_closed = 1;
    pw_step_p *sp = &p.step[PW_STEP2];
    sp->diary = 1;
    sp->session_minutes = 30.0;
    sp->first_session_minutes = 45.0;
    sp->admin_minutes = 10.0;
    sp->ld_minutes_factor = 1.5;
    static const struct {
        double hours;
        int ops;
        double spread;
    } cases[] = {{30.0, 30000, 0}, {12.0, 30000, 0},  {6.0, 30000, 0},   {4.0, 20000, 0},
                 {0.5, 30000, 0},   {4.0, 15000, 60}, {4.0, 15000, 300}, {12.0, 15000, 150}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (unsigned long seed = 1; seed <= 3; seed++) {
            size_t books = 0, squeezed = 0, over = 0;
            int bad = run(seed * 7919 + i, cases[i].ops, cases[i].hours, cases[i].spread,
                          &books, &squeezed, &over);
            CHECK(bad == 0, "%.1f hours a week, spread %g, seed %lu: %d of %zu bookings differ "
                  "from the plain scan", cases[i].hours, cases[i].spread, seed, bad, books);
            /* A week too short for a session: squeezed into empty days, and once every
             * day in reach holds one, past the ring; both paths match the plain scan. */
            if (cases[i].hours <= 0.5) {
                CHECK(squeezed > 0, "%.1f hours a week: sessions squeezed into empty days, "
                      "got %zu", cases[i].hours, squeezed);
                CHECK(over > 0, "%.1f hours a week: with every day in reach booked, sessions "
                      "past the ring, got %zu", cases[i].hours, over);
            }
        }
    }
}

int main(void)
{
    RUN_TEST(test_same_as_a_scan);
    return harness_done();
}
