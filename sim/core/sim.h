/* The simulation object: a clock, an event calendar and a run loop.
 *
 * Design
 * - All state hangs off one `sim`; there are no globals, so independent simulations
 *   (replications) run side by side in threads.
 * - Time is a double in days. The clock only moves forward: it takes each event's time as
 *   the event fires, and scheduling before `now` is refused (SIM_EPAST).
 * - Errors while running (out of memory, scheduling in the past or at NaN) are sticky: the
 *   first is recorded, the run loop stops, and sim_run* returns it. Handlers therefore do
 *   not check every schedule call. A handler reports its own failure with sim_fail().
 * - A handler may schedule, cancel and reschedule events and call sim_stop().
 * - Event kinds: the user may name the kind of each handler's events (sim_kind_register),
 *   so that code walking pending events (e.g. at the end of a run) tells them apart by
 *   kind. The table is small and fixed (SIM_MAX_KINDS handlers); lookups are linear and
 *   never on the hot path.
 */
#ifndef SIM_H
#define SIM_H

#include "sim_calendar.h"

enum {
    SIM_OK = 0,
    SIM_STOPPED = 1,      /* sim_run* returned because a handler called sim_stop() */
    SIM_ENOMEM = -1,
    SIM_EPAST = -2,       /* event scheduled before now, or at a non-finite time */
    SIM_ELIMIT = -3,      /* too many pending events */
    SIM_EINVAL = -4,
};

/* Handlers whose events can be given a kind. */
#define SIM_MAX_KINDS 32
/* The kind of an event whose handler has none. */
#define SIM_KIND_NONE 0

typedef struct sim {
    double now;
    sim_calendar cal;
    uint64_t events_fired;
    int stop;
    int error;           /* sticky: the first failure (sim_error) */
    void *user;          /* the model's state; the engine never looks at it */
    sim_handler kind_fn[SIM_MAX_KINDS]; /* registered handlers ... */
    int kind[SIM_MAX_KINDS];            /* ... and their kinds */
    size_t n_kinds;
} sim;

/* Message for an error code (static string). */
const char *sim_strerror(int err);

/* Initialise with clock 0 and an empty calendar sized for about `hint` events.
 * Returns SIM_OK or SIM_ENOMEM. */
__attribute__((warn_unused_result)) int sim_init(sim *s, size_t hint);
/* Release memory; safe on a zeroed or half-initialised sim. */
void sim_free(sim *s);

/* Records the error of a failed schedule; returns 0. (Internal to sim_schedule_at.) */
sim_event_id sim_schedule_fail(sim *s, int bad_time);

/* Schedule fn(s, obj, arg) at absolute time t (>= now). Returns a handle, or 0 after
 * recording an error in s->error. Inline: this is the engine's hottest call. */
static inline sim_event_id sim_schedule_at(sim *s, double t, int prio, sim_handler fn,
                                           void *obj, uint64_t arg)
{
    /* !(t >= now) also catches NaN; t - t != 0 catches infinity. */
    if (!(t >= s->now) || t - t != 0)
        return sim_schedule_fail(s, 1);
    sim_event_id id = sim_cal_schedule(&s->cal, t, prio, fn, obj, arg);
    return id ? id : sim_schedule_fail(s, 0);
}
/* Schedule after a delay >= 0 days. */
static inline sim_event_id sim_schedule(sim *s, double delay, int prio, sim_handler fn,
                                        void *obj, uint64_t arg)
{
    return sim_schedule_at(s, s->now + delay, prio, fn, obj, arg);
}
/* Cancel; returns 1 if the event was pending. */
static inline int sim_cancel(sim *s, sim_event_id id) { return sim_cal_cancel(&s->cal, id); }
/* Move a pending event to absolute time t (>= now). Returns the new handle, or 0 if the
 * event was not pending (no error) or on error (recorded). */
sim_event_id sim_reschedule(sim *s, sim_event_id id, double t);

/* Run events with time <= t_end in order, then set the clock to t_end. Returns SIM_OK,
 * SIM_STOPPED (clock left at the stopping event), or a negative error. */
__attribute__((warn_unused_result)) int sim_run_until(sim *s, double t_end);
/* Run until the calendar is empty (clock left at the last event) or stopped. */
__attribute__((warn_unused_result)) int sim_run(sim *s);
/* Ask the run loop to return after the current event. */
static inline void sim_stop(sim *s) { s->stop = 1; }
/* Record a failure (err < 0, e.g. SIM_ENOMEM) and stop: the run loop returns after the
 * current event, and sim_run* return the first error recorded, now and on every later
 * call. A later failure does not replace the first. */
void sim_fail(sim *s, int err);
/* The first error recorded (by sim_fail or a failed schedule), or SIM_OK. */
static inline int sim_error(const sim *s) { return s->error; }

/* Give the events of handler fn the kind `kind` (>= 1). Registering a handler again with
 * the same kind is harmless. Returns SIM_OK; SIM_EINVAL if fn is NULL, kind < 1 or fn
 * already has another kind; SIM_ELIMIT if SIM_MAX_KINDS handlers have kinds already. */
__attribute__((warn_unused_result)) int sim_kind_register(sim *s, sim_handler fn, int kind);
/* The kind registered for handler fn (e.g. a popped event's ev.fn), or SIM_KIND_NONE. */
int sim_kind_of(const sim *s, sim_handler fn);
/* Install a look-ahead hook: fn(s->user, handler, obj, arg) sees events shortly before
 * they fire and may prefetch what their handlers will touch (sim_cal_set_ahead; it must
 * change nothing). NULL removes it. Set s->user first. */
static inline void sim_set_ahead(sim *s, sim_cal_ahead fn) { sim_cal_set_ahead(&s->cal, fn, s->user); }
/* Pending events. */
static inline size_t sim_pending(const sim *s) { return sim_cal_size(&s->cal); }

#endif
