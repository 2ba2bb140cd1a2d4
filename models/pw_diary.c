/* Clinicians' diaries: appointments booked into working days of fixed treatment time, so
 * that how often people are seen, and how long a newly allocated person waits for the
 * first session, come from how full the diary is (the step's `diary` key).
 *
 * Holds: a ring of DIARY_DAYS days per clinician (minutes booked on each), booking the
 * first day at or after a time with room, releasing a booking, the diary's fill over the
 * coming week (its load, for burnout), the weeks booked past their time (hours held since)
 * and whether a later week has time for a session.
 * Streams: none. Schedules: nothing (the caller schedules the appointment it is given).
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "pw_state.h"

/* Days a diary looks ahead. A booking never lies further ahead than this from today (a
 * day further on would take the entry of a day that may hold a booking): a caseload of
 * cap people seen once each within the interval fits many times over (cap x minutes per
 * day of room). A booking longer than any week's time left in reach takes the first week
 * with time left, and what that week cannot hold is charged to the weeks after
 * (diary_spread: charge_weeks); only with no week in reach with time left does it go on
 * the last day it can (diary_overbooked). */
#define DIARY_DAYS 512

/* Weeks of booked minutes kept beside the days (a week's total is asked at every day a
 * booking tries): enough to cover DIARY_DAYS, so a week's entry outlives its days. */
#define DIARY_WEEKS 80
_Static_assert(DIARY_WEEKS * 7 > DIARY_DAYS + 14, "the weeks must cover the days");

/* A day may hold up to this share of a day's treatment time, the week never more than
 * its own: a remainder too short for a session in one day is used on another. An empty
 * day takes one booking whatever its length (day_takes): a part-timer, whose day's share
 * of the week is shorter than a session, sees people on fewer days, as part-timers do,
 * instead of never. */
#define DIARY_DAY_STRETCH 1.5

/* Does a day with `booked` minutes hold nothing (releases leave a rounding residue)? */
static int day_empty(double booked) { return booked < 1e-6; }

/* Can a day with `booked` minutes take `minutes` more within day_limit? */
static int day_takes(double booked, double minutes, double day_limit)
{
    return booked + minutes <= day_limit || day_empty(booked);
}

struct pw_diary_day {
    long day;        /* the day this entry holds (entries of past days are stale) */
    double minutes;  /* booked */
};

/* Treatment minutes in one of c's working days: the hours a week not held by groups or
 * by courses outside diaries, over the working days of a week. */
static double day_minutes(const world *w, const clinician *c)
{
    double days = w->p->weekend_closed ? 5.0 : 7.0;
    return fmax(0.0, c->hours_week - c->load_hours) * 60.0 / days;
}

/* Days [lo, hi) may have room again: end c's run of days known full before them. */
static void full_cut(clinician *c, long lo, long hi)
{
    if (hi > c->full_from && lo < c->full_to)
        c->full_to = lo > c->full_from ? lo : c->full_from;
}

/* The entry of day d in c's ring (reset if it held another day: within a booking's reach
 * only an older day, which the run, recorded after it, cannot hold; a booking beyond the
 * reach resets a day within it, whose bookings are then forgotten: diary_release). */
static pw_diary_day *entry(clinician *c, long d)
{
    pw_diary_day *e = &c->diary[(size_t)d % DIARY_DAYS];
    if (e->day != d) {
        e->day = d;
        e->minutes = 0;
    }
    return e;
}

/* The week (Monday to Sunday) of day d, numbered from day 0's. */
static long week_of(long d) { return d >= 0 ? d / 7 : -((6 - d) / 7); }

/* The entry of week wk in c's ring of weeks, whatever week it holds. */
static pw_diary_day *week_slot(clinician *c, long wk)
{
    return &c->diary[DIARY_DAYS + (size_t)wk % DIARY_WEEKS];
}

/* The entry of day d's week in c's ring (reset if it held another week, which a release
 * can do to a week in the run: full_cut): the minutes booked on its days. */
static pw_diary_day *week_entry(clinician *c, long d)
{
    long wk = week_of(d);
    pw_diary_day *e = week_slot(c, wk);
    if (e->day != wk) {
        full_cut(c, e->day * 7, e->day * 7 + 7);
        e->day = wk;
        e->minutes = 0;
    }
    return e;
}

/* Working days in day d's week. */
static double week_days(const world *w, long d)
{
    double days = 0;
    for (long k = week_of(d) * 7, end = k + 7; k < end; k++)
        days += world_is_working(w, k);
    return days;
}

/* Treatment minutes in day d's week: its working days' room, less, in a week with a
 * closure day, the rest of the hours groups and courses outside diaries hold: those run
 * every week (a group's session on a closure day moves to the next working day), so a
 * short week loses its missing days' share of the whole week's hours, not only of what
 * groups leave. A usual week holds its working days' room exactly. */
static double week_time(const world *w, const clinician *c, long d, double room)
{
    double usual = w->p->weekend_closed ? 5.0 : 7.0, days = week_days(w, d);
    if (days >= usual)
        return days * room;
    return fmax(0.0, days * room - (usual - days) / usual * c->load_hours * 60.0);
}

/* Minutes under this are rounding, not time. */
#define DIARY_CARRY_MIN 1e-6

/* Charge `minutes` to day d's week, up to its time (week_time, at the day's room
 * `room`), and what it cannot hold to the weeks after in turn, each up to its own, while
 * their days start before `end`; what none holds stays on d's week. Returns the minutes
 * d's week holds of it (a release gives back those: the weeks after keep theirs, which
 * under-books them and never over-books one). */
static double charge_weeks(const world *w, clinician *c, long d, long end, double minutes,
                           double room)
{
    double left = minutes, own = 0;
    for (long k = d; k < end && left > DIARY_CARRY_MIN; k = week_of(k) * 7 + 7) {
        pw_diary_day *e = week_entry(c, k);
        double take = fmin(left, fmax(0.0, week_time(w, c, k, room) - e->minutes));
        e->minutes += take;
        left -= take;
        if (k == d)
            own = take;
    }
    if (left > DIARY_CARRY_MIN) {
        week_entry(c, d)->minutes += left;
        own += left;
    }
    return own;
}

/* The first day past the reach of a booking: the ring's days run from today (a day
 * DIARY_DAYS on takes today's entry, and today's may hold a booking). */
static long reach_end(const world *w) { return (long)floor(w->s.now) + DIARY_DAYS; }

/* Book `minutes` with c on the first working day at or after time t with room left;
 * returns the appointment's time (the day's start plus the minutes already booked that
 * day), or NAN out of memory (recorded). *day receives the day booked, *week_min the
 * minutes its week holds of the booking (all of them unless the weeks after pay some). */
static double diary_book(world *w, clinician *c, double t, double minutes, long *day,
                         double *week_min)
{
    if (!c->diary) {
        c->diary = sim_slab_take(&w->diaries);
        if (!c->diary) {
            sim_fail(&w->s, SIM_ENOMEM);
            return NAN;
        }
        for (size_t k = 0; k < DIARY_DAYS + DIARY_WEEKS; k++)
            c->diary[k].day = -1;
    }
    double room = day_minutes(w, c);
    double t0 = world_next_working(w, t);
    long d0 = (long)floor(t0), end = reach_end(w);
    if (d0 >= end) {
        /* Asked for beyond the ring (a first session's lag of years): its day's entry is
         * a day in reach that may hold bookings, which it overwrote. Held at its time,
         * outside the diary, and counted (run's Diary warning); released as no booking. */
        w->diary_beyond++;
        *day = -1;
        *week_min = 0;
        return t0;
    }
    double day_limit = DIARY_DAY_STRETCH * room + 1e-9;
    /* A full diary makes a booking scan many full days and weeks. The working days in
     * [full_from, full_to) had no room, on the day or in their week, for a booking of
     * full_min when the day's room was full_room and full_load hours were held outside
     * the diary; bookings only fill days (a release, or the reset of a week's entry, cuts
     * the run short: full_cut), and less room or more hours held fit less in a day and a
     * week (week_time), so a booking at least as long, at no more room and no fewer hours
     * held, can step over the run: the day it finds is the one a full scan would find. */
    int known = room <= c->full_room && c->load_hours >= c->full_load &&
                minutes >= c->full_min && c->full_from < c->full_to;
    double run_min = known ? c->full_min : minutes;
    long d = d0, fits = -1;
    for (; d < end; d++) {
        if (known && fits < 0 && d >= c->full_from && d < c->full_to) {
            d = c->full_to - 1; /* no room before full_to: on from there */
            continue;
        }
        if (!world_is_working(w, d))
            continue;
        /* Room within the week's time (week_time), and on the day
         * up to half as much again: what does not fit in one day fits in another, so
         * no remainder is left idle each day and the week is never overbooked. */
        double booked = entry(c, d)->minutes, week;
        if (!day_takes(booked, run_min, day_limit))
            continue;
        if (day_takes(booked, minutes, day_limit)) {
            week = week_entry(c, d)->minutes;
        } else {
            /* A scan of every day reads no week here: read it without resetting its
             * entry, so that the ring stays as that scan leaves it; an entry holding
             * another week ends the run (its days are never claimed on a week unread). */
            const pw_diary_day *e = week_slot(c, week_of(d));
            if (e->day != week_of(d)) {
                if (fits < 0)
                    fits = d;
                continue;
            }
            week = e->minutes;
        }
        double week_limit = week_time(w, c, d, room) + 1e-9;
        if (week + run_min > week_limit)
            continue;
        if (fits < 0)
            fits = d;
        if (day_takes(booked, minutes, day_limit) && week + minutes <= week_limit)
            break;
    }
    /* The run is recorded from d0 (with the days stepped over, known full), not from
     * full_from: this scan's own resets touch only days outside [d0, end). */
    c->full_from = d0;
    c->full_to = fits >= 0 ? fits : d0;
    c->full_min = run_min;
    c->full_room = room;
    c->full_load = c->load_hours;
    int spread = 0;
    if (d >= end) {
        /* No week has room for all of it: the week's treatment time, less what groups
         * hold, is shorter than the session, or the weeks are nearly full. It goes on the
         * first working day that takes it in a week with time left, and the weeks after
         * pay what that week cannot (charge_weeks): the clinician sees such a person once
         * in as many weeks as the session needs, and never books more hours than the
         * weeks hold. With every week in reach booked to its time, on the last working
         * day it reaches (d0 if none). */
        for (d = d0; d < end; d++)
            if (world_is_working(w, d) && day_takes(entry(c, d)->minutes, minutes, day_limit) &&
                week_entry(c, d)->minutes + 1e-9 < week_time(w, c, d, room))
                break;
        if (d < end) {
            spread = 1;
            w->diary_spread++;
        } else {
            for (d = end - 1; d > d0 && !world_is_working(w, d); d--)
                ;
            w->diary_overbooked++;
        }
    }
    pw_diary_day *e = entry(c, d);
    double at = d == d0 ? fmax(t0, (double)d + DAY_START + e->minutes / 1440.0)
                        : (double)d + DAY_START + e->minutes / 1440.0;
    e->minutes += minutes;
    if (spread) {
        *week_min = charge_weeks(w, c, d, end, minutes, room);
    } else {
        week_entry(c, d)->minutes += minutes;
        *week_min = minutes;
    }
    *day = d;
    return at;
}

/* Ask the cache for the lines a booking with c at or after time t reads first (the day
 * entry and the week entry of the first working day), so that a handler can overlap
 * those misses with its other work before it books; with thousands of clinicians the
 * diaries are far larger than the cache. No effect on results. */
void diary_prefetch(const world *w, const clinician *c, double t)
{
    if (!c->diary)
        return;
    long d = (long)floor(world_next_working(w, t));
    long wk = week_of(d);
    __builtin_prefetch(&c->diary[(size_t)d % DIARY_DAYS], 1);
    __builtin_prefetch(&c->diary[DIARY_DAYS + (size_t)wk % DIARY_WEEKS], 1);
}

/* pt's next session with their clinician at or after time t: for a diary step, booked
 * into the diary (a first session is the longer one) and its time returned, NAN out of
 * memory; otherwise t itself. */
double diary_book_session(world *w, patient *pt, double t)
{
    const pw_step_p *sp = &w->p->step[pt->step];
    if (!sp->diary)
        return t;
    double minutes = episode_minutes(w->p, pt, pt->sessions_step == 0);
    t = diary_book(w, pt->clin, t, minutes, &pt->appt_day, &pt->appt_week_minutes);
    if (!isnan(t))
        pt->appt_minutes = minutes;
    return t;
}

/* Give back a booking of `minutes` on day d, `week_min` of them held by its week, that
 * will not be held; d < 0 is a session held outside the diary (asked for beyond its
 * reach: diary_book), which booked nothing. Within the reach no booking is forgotten, so
 * the day and its week hold at least what is given back: asserted (to rounding), the
 * result kept at 0 or more. A booking beyond the reach used to take the entry of a day
 * and a week within it, forgetting their bookings, and such a release found whole
 * sessions missing (a first-session lag uniform on 0 to 520 days; measured none within
 * the reach in baseline.cfg, expert_door.cfg and tests/test_diary.sh's full diaries). */
void diary_release(clinician *c, long d, double minutes, double week_min)
{
    if (!c->diary || d < 0)
        return;
    pw_diary_day *e = &c->diary[(size_t)d % DIARY_DAYS];
    if (e->day == d) {
        full_cut(c, week_of(d) * 7, week_of(d) * 7 + 7); /* the day and its week have room */
        pw_diary_day *wk = week_entry(c, d);
        assert(e->minutes >= minutes - 1e-6 && wk->minutes >= week_min - 1e-6);
        e->minutes = fmax(0.0, e->minutes - minutes);
        wk->minutes = fmax(0.0, wk->minutes - week_min);
    }
}

/* The minutes booked in week wk of c's diary (0 if its entry holds another week). */
static double week_booked(clinician *c, long wk)
{
    const pw_diary_day *e = week_slot(c, wk);
    return e->day == wk ? e->minutes : 0.0;
}

/* Does day d's week of c's diary hold more than its time at c's hours now (hours held
 * since its bookings were made: a group formed over them, fewer hours)? */
int diary_week_over(const world *w, clinician *c, long d)
{
    if (!c->diary)
        return 0;
    double booked = week_booked(c, week_of(d));
    return booked > 0 && booked > week_time(w, c, d, day_minutes(w, c)) + 1e-9;
}

/* The first day of the first week from day d's on, within the diary's reach from today,
 * that holds more than its time (diary_week_over), or -1 if none does. */
long diary_overfull_from(const world *w, clinician *c, long d)
{
    long reach = (long)floor(w->s.now) + DIARY_DAYS;
    for (long wk = week_of(d); c->diary && wk * 7 < reach; wk++)
        if (diary_week_over(w, c, wk * 7))
            return wk * 7;
    return -1;
}

/* Has c's diary, from day d's week on and within its reach, a week with `minutes` of its
 * time free (so that a booking moved there leaves no week over its time)? */
int diary_week_free(const world *w, clinician *c, long d, double minutes)
{
    double room = day_minutes(w, c);
    long reach = (long)floor(w->s.now) + DIARY_DAYS;
    for (long wk = week_of(d); wk * 7 + 7 <= reach; wk++)
        if (week_booked(c, wk) + minutes <= week_time(w, c, wk * 7, room) + 1e-9)
            return 1;
    return 0;
}

/* Bytes of one clinician's diary (pw_memory.c's estimate). */
size_t diary_bytes(void)
{
    return (DIARY_DAYS + DIARY_WEEKS) * sizeof(pw_diary_day);
}

/* The share of c's treatment time booked over the coming week's working days: a full
 * diary holds every open case's next session within the interval (a week at least), so
 * days further ahead are only partly booked however full the diary. */
double diary_fill(const world *w, const clinician *c)
{
    if (!c->diary)
        return 0;
    double room = day_minutes(w, c), booked = 0, open = 0;
    long today = (long)floor(w->s.now);
    for (long d = today; d < today + 7; d++) {
        if (!world_is_working(w, d))
            continue;
        const pw_diary_day *e = &c->diary[(size_t)d % DIARY_DAYS];
        booked += e->day == d ? e->minutes : 0;
        open += room;
    }
    return open > 0 ? booked / open : 1.0;
}
