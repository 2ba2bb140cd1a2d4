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

/* Working days in day d's week. */
static double ref_week_days(const world *w, long d)
{
    long monday = d - ((d % 7) + 7) % 7;
    double days = 0;
    for (long k = monday; k < monday + 7; k++)
        days += world_is_working_day(w, (double)k);
    return days;
}

/* Day d's week's treatment minutes: its working days' room, less, in a week with a
 * closure day, the missing days' share of the hours held outside the diary (groups run
 * every week). */
static double ref_week_time(const world *w, const clinician *c, long d)
{
    double usual = w->p->weekend_closed ? 5.0 : 7.0, days = ref_week_days(w, d);
    double full = days * ref_room(w, c);
    return days >= usual ? full : fmax(0.0, full - (usual - days) / usual * c->load_hours * 60.0);
}

/* The first working day at or after t with room, every day looked at. */
static double ref_book(const world *w, const clinician *c, ref_diary *r, double t, double m,
                       long *day, double *week_min)
{
    double room = ref_room(w, c), t0 = world_next_working(w, t);
    long d0 = (long)floor(t0), d = d0, last = d0;
    /* the ring's days from today: a day RING_DAYS on would take today's entry */
    long today = (long)floor(w->s.now), end = d0 < today + RING_DAYS ? today + RING_DAYS : d0 + 1;
    for (; d < end; d++) {
        if (!world_is_working_day(w, (double)d))
            continue;
        last = d;
        /* An empty day takes one booking of any length (a part-timer's short days). */
        int day_ok = *ref_day(r, d) + m <= 1.5 * room + 1e-9 || *ref_day(r, d) < 1e-6;
        if (day_ok && *ref_week(r, d) + m <= ref_week_time(w, c, d) + 1e-9)
            break;
    }
    int spread = 0;
    if (d >= end) {
        /* No week has room for all of it: the first working day that takes it in a week
         * with time left, the weeks after paying what that week cannot; else the last. */
        for (d = d0; d < end; d++) {
            if (!world_is_working_day(w, (double)d))
                continue;
            int day_ok = *ref_day(r, d) + m <= 1.5 * room + 1e-9 || *ref_day(r, d) < 1e-6;
            if (day_ok && *ref_week(r, d) + 1e-9 < ref_week_time(w, c, d))
                break;
        }
        if (d >= end)
            d = last;
        else
            spread = 1;
    }
    double booked = *ref_day(r, d);
    double at = d == d0 ? fmax(t0, (double)d + DAY_START + booked / 1440.0)
                        : (double)d + DAY_START + booked / 1440.0;
    *ref_day(r, d) += m;
    double before = *ref_week(r, d);
    if (spread) { /* each week from d's up to its time, while its days start in reach */
        double left = m;
        for (long k = d; k < end && left > 1e-6; k = k - ((k % 7) + 7) % 7 + 7) {
            double take = fmin(left, fmax(0.0, ref_week_time(w, c, k) - *ref_week(r, k)));
            *ref_week(r, k) += take;
            left -= take;
        }
        if (left > 1e-6)
            *ref_week(r, d) += left;
    } else {
        *ref_week(r, d) += m;
    }
    *week_min = *ref_week(r, d) - before; /* what d's week holds of it */
    *day = d;
    return at;
}

/* Give back from the day, and from its week what it holds of the booking. */
static void ref_release(ref_diary *r, long d, double m, double week_min)
{
    size_t i = (size_t)d % RING_DAYS;
    if (r->day[i] != d)
        return;
    r->dmin[i] = fmax(0.0, r->dmin[i] - m);
    double *wk = ref_week(r, d);
    *wk = fmax(0.0, *wk - week_min);
}

typedef struct held {
    int clin;
    long day;
    double minutes, week_min; /* the plain scan's */
    double got_week_min;      /* the diary's */
} held;

static pw_params p;
static world w;
static clinician staff[N_CLIN];
static ref_diary ref[N_CLIN];
static unsigned char closed[N_DAYS];
static held booked[MAX_HELD];

/* An empty world, staff and calendar of closures. */
static void world_clear(void)
{
    memset(&w, 0, sizeof w);
    memset(staff, 0, sizeof staff);
    memset(closed, 0, sizeof closed);
}

/* The world's days (the closed weekends marked as a run marks them, beside any closures
 * already in `closed`) and its diaries. */
static void world_open(void)
{
    w.p = &p;
    sim_slab_init(&w.diaries, diary_bytes());
    world_days_off(&p, closed, N_DAYS);
    w.off = closed;
    w.n_days = N_DAYS;
}

/* Step 2 with diaries, weekends closed: sessions of 30 minutes and 10 of admin, the first
 * `first` minutes. */
static void diary_params(double first)
{
    memset(&p, 0, sizeof p);
    p.weekend_closed = 1;
    pw_step_p *sp = &p.step[PW_STEP2];
    sp->diary = 1;
    sp->session_minutes = 30.0;
    sp->first_session_minutes = first;
    sp->admin_minutes = 10.0;
}

/* One run: `ops` random operations at `hours` treatment hours a week (low hours overbook
 * the diaries past the ring); bookings a week on or up to four weeks on, or with `spread`,
 * half at once and half up to `spread` days on (far enough for the rings of days and
 * weeks to wrap onto days still to come). Returns the number of bookings that disagreed. */
static int run(unsigned long seed, int ops, double hours, double spread, size_t *n_books,
               size_t *n_spread, size_t *n_over)
{
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, seed);
    world_clear();
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
    world_open();
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
            /* and with them the hours a week, up or down: a day's room can stay or fall
             * while a short week's time rises (fewer hours, fewer held), which the run of
             * days known full must not step over */
            if (gsl_rng_uniform(g) < 0.5)
                c->hours_week = hours * (0.8 + 0.4 * gsl_rng_uniform(g));
        } else if (u < 0.25 && n_held > 0) { /* a booking given back, unless already past */
            size_t i = gsl_rng_uniform_int(g, n_held);
            const held *b = &booked[i];
            if (b->day >= (long)floor(now)) {
                diary_release(&staff[b->clin], b->day, b->minutes, b->got_week_min);
                ref_release(&ref[b->clin], b->day, b->minutes, b->week_min);
            }
            booked[i] = booked[--n_held];
        } else { /* a booking: first sessions longer, some people's longer still */
            now += gsl_ran_exponential(g, 0.05);
            w.s.now = now;
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
            double want_week;
            double want = ref_book(&w, c, &ref[k], t, m, &want_day, &want_week);
            double got = diary_book_session(&w, &pt, t);
            (*n_books)++;
            /* the week's share: the same minutes, to rounding (the scan takes a difference) */
            if (got != want || pt.appt_day != want_day ||
                fabs(pt.appt_week_minutes - want_week) > 1e-9 * (1 + m)) {
                if (bad++ < 5)
                    fprintf(stderr, "seed %lu op %d: booked day %ld at %.9f (week %.9f), the "
                            "scan %ld at %.9f (week %.9f)\n", seed, op, pt.appt_day, got,
                            pt.appt_week_minutes, want_day, want, want_week);
            }
            held b = {k, want_day, m, want_week, pt.appt_week_minutes};
            if (n_held < MAX_HELD)
                booked[n_held++] = b;
            else
                booked[gsl_rng_uniform_int(g, MAX_HELD)] = b;
        }
    }
    *n_spread += w.diary_spread;
    *n_over += w.diary_overbooked;
    sim_slab_free(&w.diaries);
    gsl_rng_free(g);
    return bad;
}

static void test_same_as_a_scan(void)
{
    diary_params(45.0);
    p.step[PW_STEP2].ld_minutes_factor = 1.5;
    static const struct {
        double hours;
        int ops;
        double spread;
    } cases[] = {{30.0, 30000, 0}, {12.0, 30000, 0},  {6.0, 30000, 0},   {4.0, 20000, 0},
                 {0.5, 30000, 0},   {4.0, 15000, 60}, {4.0, 15000, 300}, {12.0, 15000, 150}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (unsigned long seed = 1; seed <= 3; seed++) {
            size_t books = 0, spread_n = 0, over = 0;
            int bad = run(seed * 7919 + i, cases[i].ops, cases[i].hours, cases[i].spread,
                          &books, &spread_n, &over);
            CHECK(bad == 0, "%.1f hours a week, spread %g, seed %lu: %d of %zu bookings differ "
                  "from the plain scan", cases[i].hours, cases[i].spread, seed, bad, books);
            /* A week too short for a session: spread over the weeks after, and once every
             * week in reach is booked to its time, past the ring; both paths match the
             * plain scan. */
            if (cases[i].hours <= 0.5) {
                CHECK(spread_n > 0, "%.1f hours a week: sessions spread over the weeks "
                      "after, got %zu", cases[i].hours, spread_n);
                CHECK(over > 0, "%.1f hours a week: with every week in reach booked, "
                      "sessions past the ring, got %zu", cases[i].hours, over);
            }
        }
    }
}

/* *pt: someone in step 2 with c, `done` sessions in (0: the next is the first). */
static void person_with(patient *pt, clinician *c, int done)
{
    memset(pt, 0, sizeof *pt);
    pt->step = PW_STEP2;
    pt->clin = c;
    pt->sessions_step = done;
}

/* A later session's booking with c from time 0: its minutes, and its day in *day. */
static double book_now(clinician *c, long *day)
{
    patient pt;
    person_with(&pt, c, 3);
    diary_book_session(&w, &pt, 0.0);
    *day = pt.appt_day;
    return pt.appt_minutes;
}

/* A clinician whose week holds less than a session (groups hold the rest) sees a caseload
 * once in as many weeks as a session needs: the diary never books more minutes into the
 * weeks up to any week than their time, give or take the one session in progress. Before
 * the weeks after paid for it, each such session took an empty day (five a week here,
 * 200 minutes into a week of 30). A release gives the weeks' minutes back. */
static void test_short_weeks_keep_their_time(void)
{
    diary_params(30.0); /* 40 minutes a session with admin */
    world_clear();
    world_open();
    clinician *c = &staff[0];
    c->hours_week = 12.5;
    c->load_hours = 12.0; /* 30 minutes a week for sessions */
    enum { N = 40 };
    long day[N];
    for (int i = 0; i < N; i++) {
        double m = book_now(c, &day[i]);
        CHECK(m == 40.0, "a session of 40 minutes, got %g", m);
    }
    CHECK(w.diary_spread == N && w.diary_overbooked == 0,
          "%d sessions spread over the weeks after, none past the ring: got %llu and %llu", N,
          (unsigned long long)w.diary_spread, (unsigned long long)w.diary_overbooked);
    /* Minutes booked on days before the end of week k: at most 30 a week so far, plus the
     * session begun in week k whose minutes the weeks after pay. */
    int worst_week = -1;
    for (long k = 0; k < 60; k++) {
        double by_then = 0;
        for (int i = 0; i < N; i++)
            by_then += day[i] < (k + 1) * 7 ? 40.0 : 0.0;
        if (by_then > 30.0 * (double)(k + 1) + 40.0 + 1e-9 && worst_week < 0)
            worst_week = (int)k;
    }
    CHECK(worst_week < 0, "more minutes booked by the end of week %d than the weeks hold",
          worst_week);
    CHECK(day[N - 1] >= 7 * (N * 40 / 30 - 2),
          "%d sessions of 40 minutes in weeks of 30 take %d weeks or more: the last on day %ld",
          N, N * 40 / 30 - 2, day[N - 1]);
    sim_slab_free(&w.diaries);
}

/* A week with a closure day keeps its group's hours whole (the group's session moves to
 * another day of the week): 25 hours a week, 10 of them a group's, Monday a bank holiday.
 * The week holds four days of the 25 hours less the group's 10, 600 minutes of sessions;
 * four days of what the group leaves, 720, as a first version held, over-commits the
 * clinician by the group's missing day (two hours). The next week, whole, holds 900. */
static void test_short_week_keeps_group_hours(void)
{
    diary_params(30.0); /* 40 minutes a session */
    world_clear();
    closed[0] = 1;
    world_open();
    clinician *c = &staff[0];
    c->hours_week = 25.0;
    c->load_hours = 10.0;
    double week[2] = {0, 0};
    for (int i = 0; i < 60; i++) {
        long d;
        double m = book_now(c, &d);
        if (d < 14)
            week[d / 7] += m;
    }
    CHECK(week[0] <= 600.0 + 1e-9 && week[0] > 600.0 - 40.0,
          "a four-day week with a group of 10 hours in 25 holds 600 minutes of sessions "
          "(it fills to within a session), got %g", week[0]);
    CHECK(week[1] <= 900.0 + 1e-9 && week[1] > 900.0 - 40.0,
          "a whole week holds 900 minutes (it fills to within a session), got %g", week[1]);
    sim_slab_free(&w.diaries);
}

/* A release gives back what the booking's own week holds of it, and no more: bookings made
 * since keep their minutes. A week of 300 minutes: A (40) on day 0; S (600, longer than any
 * week) on day 1, its week paying 260 and the weeks after the rest; A given back; C (40) on
 * day 0; S given back. Week 0 then holds C's 40, so at most 6 more sessions of 40 fit in
 * it. Giving S's 600 back from the earliest weeks first, as a first version did, emptied
 * week 0 under C and let 7 more in: 320 minutes in a week of 300. */
static void test_release_gives_back_its_week(void)
{
    diary_params(590.0); /* a first session of 600 minutes with admin, later ones 40 */
    world_clear();
    world_open();
    clinician *c = &staff[0];
    c->hours_week = 5.0;
    patient a, big, cc;
    person_with(&a, c, 3);
    person_with(&big, c, 0);
    person_with(&cc, c, 3);
    diary_book_session(&w, &a, 0.0);
    diary_book_session(&w, &big, 0.0);
    CHECK(a.appt_day == 0 && big.appt_day == 1 && big.appt_minutes == 600.0 &&
              fabs(big.appt_week_minutes - 260.0) < 1e-9,
          "A on day 0 (got %ld), S on day 1 (got %ld), 600 minutes (got %g), 260 of them "
          "in week 0 (got %g)", a.appt_day, big.appt_day, big.appt_minutes,
          big.appt_week_minutes);
    diary_release(c, a.appt_day, a.appt_minutes, a.appt_week_minutes);
    diary_book_session(&w, &cc, 0.0);
    CHECK(cc.appt_day == 0, "C on day 0, got %ld", cc.appt_day);
    diary_release(c, big.appt_day, big.appt_minutes, big.appt_week_minutes);
    double week0 = cc.appt_minutes;
    for (int i = 0; i < 10; i++) {
        long d;
        double m = book_now(c, &d);
        week0 += d < 7 ? m : 0.0;
    }
    CHECK(week0 <= 300.0 + 1e-9, "week 0 holds %g minutes of sessions, more than its 300",
          week0);
    CHECK(week0 >= 260.0 - 1e-9, "week 0 takes sessions up to its time: %g of 300", week0);
    sim_slab_free(&w.diaries);
}

/* A booking from a later day must not reach past the ring's days from today, whose
 * entries a day 512 on would take: a diary full for its whole reach, one more booking
 * from two weeks on (which once scanned to day 525, resetting the entries of days 0-13),
 * then the booking on day 0 given back, must leave day 0 free for the next booking. */
static void test_reach_keeps_todays_bookings(void)
{
    diary_params(30.0); /* 40 minutes a session */
    world_clear();
    world_open();
    clinician *c = &staff[0];
    c->hours_week = 1.0; /* a week holds one session */
    patient first;
    person_with(&first, c, 3);
    diary_book_session(&w, &first, 0.0);
    CHECK(first.appt_day == 0, "the first booking on day 0, got %ld", first.appt_day);
    long d = 0;
    for (int i = 0; i < 200 && w.diary_overbooked == 0; i++)
        book_now(c, &d);
    CHECK(w.diary_overbooked > 0, "the diary full for its whole reach: got %llu past it",
          (unsigned long long)w.diary_overbooked);
    patient later;
    person_with(&later, c, 3);
    diary_book_session(&w, &later, 14.0);
    CHECK(later.appt_day < 512, "a booking from day 14 stays within the ring's days from "
          "today (before day 512), got %ld", later.appt_day);
    diary_release(c, first.appt_day, first.appt_minutes, first.appt_week_minutes);
    book_now(c, &d);
    CHECK(d == 0, "day 0's session given back, the next booking takes day 0, got %ld", d);
    sim_slab_free(&w.diaries);
}

int main(void)
{
    RUN_TEST(test_same_as_a_scan);
    RUN_TEST(test_short_weeks_keep_their_time);
    RUN_TEST(test_short_week_keeps_group_hours);
    RUN_TEST(test_release_gives_back_its_week);
    RUN_TEST(test_reach_keeps_todays_bookings);
    return harness_done();
}
