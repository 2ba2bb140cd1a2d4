/* The simulation object: clock, calendar and run loop. */
#include "sim.h"

#include <assert.h>
#include <math.h>
#include <string.h>

const char *sim_strerror(int err)
{
    switch (err) {
    case SIM_OK: return "no error";
    case SIM_STOPPED: return "stopped";
    case SIM_ENOMEM: return "out of memory";
    case SIM_EPAST: return "event scheduled before the current time or at a non-finite time";
    case SIM_ELIMIT: return "too many pending events";
    case SIM_EINVAL: return "invalid argument";
    default: return "unknown error";
    }
}

int sim_init(sim *s, size_t hint)
{
    memset(s, 0, sizeof *s);
    return sim_cal_init(&s->cal, hint);
}

void sim_free(sim *s)
{
    sim_cal_free(&s->cal);
    memset(s, 0, sizeof *s);
}

/* Keep the first error: the one that started the trouble is the one reported. */
static void record_error(sim *s, int err)
{
    if (!s->error)
        s->error = err;
}

void sim_fail(sim *s, int err)
{
    assert(err < 0 && "sim_fail: errors are negative");
    record_error(s, err);
    s->stop = 1;
}

int sim_kind_register(sim *s, sim_handler fn, int kind)
{
    if (!fn || kind < 1)
        return SIM_EINVAL;
    int have = sim_kind_of(s, fn);
    if (have != SIM_KIND_NONE)
        return have == kind ? SIM_OK : SIM_EINVAL;
    if (s->n_kinds == SIM_MAX_KINDS)
        return SIM_ELIMIT;
    s->kind_fn[s->n_kinds] = fn;
    s->kind[s->n_kinds] = kind;
    s->n_kinds++;
    return SIM_OK;
}

int sim_kind_of(const sim *s, sim_handler fn)
{
    for (size_t i = 0; i < s->n_kinds; i++)
        if (s->kind_fn[i] == fn)
            return s->kind[i];
    return SIM_KIND_NONE;
}

/* A failed schedule is either memory or the pending-event limit. */
static int schedule_failure(const sim *s)
{
    return sim_cal_size(&s->cal) >= SIM_CAL_MAX_PENDING ? SIM_ELIMIT : SIM_ENOMEM;
}

sim_event_id sim_schedule_fail(sim *s, int bad_time)
{
    record_error(s, bad_time ? SIM_EPAST : schedule_failure(s));
    return 0;
}

sim_event_id sim_reschedule(sim *s, sim_event_id id, double t)
{
    if (!(t >= s->now) || t == INFINITY) {
        record_error(s, SIM_EPAST);
        return 0;
    }
    if (!sim_cal_pending(&s->cal, id, NULL))
        return 0;
    sim_event_id nid = sim_cal_reschedule(&s->cal, id, t);
    if (!nid)
        record_error(s, schedule_failure(s));
    return nid;
}

int sim_run_until(sim *s, double t_end)
{
    sim_cal_event ev;
    s->stop = 0;
    if (s->error)
        return s->error;
    if (isnan(t_end))
        return SIM_EINVAL;
    while (sim_cal_pop_until(&s->cal, t_end, &ev)) {
        s->now = ev.time;
        s->events_fired++;
        ev.fn(s, ev.obj, ev.arg);
        if (s->error)
            return s->error;
        if (s->stop) {
            s->stop = 0;
            return SIM_STOPPED;
        }
    }
    if (t_end > s->now && t_end != INFINITY)
        s->now = t_end;
    return SIM_OK;
}

int sim_run(sim *s) { return sim_run_until(s, INFINITY); }
