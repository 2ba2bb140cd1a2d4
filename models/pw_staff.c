/* Staff and workforce dynamics: clinicians, their hours and caseload caps, and what
 * happens to them week by week: ramp-up, burnout, sickness, leaving, training for
 * another role, recruitment and the workforce plan.
 *
 * Holds: building the starting staff, a clinician's hours and cap, leaving (the caseload
 * goes back to the lists), advertising and filling posts (vacancy delay, intake month,
 * labour pool), training and qualifying, sickness, planned hires and shocks, the weekly
 * round, the week's and the window's staff figures.
 * Streams: each clinician's own stream, keyed by role name and member number, so member i
 * of a role is the same person in every scenario that has it: therapist effect at hire,
 * the weekly chances, sickness length, vacancy delay, qualifying, a shock's draws.
 * Schedules: the end of a sickness (EV_SICK_END), the end of training (EV_TRAINING_END),
 * a hire after a vacancy or when the labour pool refills (EV_HIRE), a shock's leavers
 * (EV_LEAVE). Any change in capacity offers places at once (episode_allocate_all).
 */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "pw_state.h"

/* ==== clinicians ======================================================================= */

/* A 31-bit key of a role name (FNV-1a), for staff streams. */
static uint32_t name_key(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h & 0x7fffffffu;
}

/* A role's base treatment hours a week for one person (before capacity share): the
 * assessor role's clinical hours less its assessments. */
static double role_hours(const world *w, const pw_role *ro, int r, double fte)
{
    double hours = (ro->clinical_hours_per_week - ro->colocated_hours_per_week) * fte;
    if (r == w->assessor_role && !w->p->assessment.skip)
        hours -= ro->assessments_per_week * (1 + w->flex_hours) * fte *
                 assess_mean_minutes(w) / 60.0;
    return hours > 0 ? hours : 0;
}

/* Recompute a clinician's hours and caseload cap from their role and capacity share; the
 * roster's index follows. */
static void clinician_refresh_from(world *w, clinician *c, double from)
{
    const pw_role *ro = &w->p->roles[c->role];
    double before = c->hours_week;
    double share = c->cap_factor * (1 - c->study_loss); /* less any top-up course */
    c->hours_week = role_hours(w, ro, c->role, c->fte) * share;
    c->cap = (int)fmax(1.0, nearbyint(ro->caseload_cap * c->fte * share));
    roster_touch(w, c);
    if (c->hours_week < before - 1e-9) /* sessions booked on the hours before */
        episode_make_room(w, c, from);
}

/* clinician_refresh_from now: sessions booked from now on move if c's hours fell. */
static void clinician_refresh(world *w, clinician *c)
{
    clinician_refresh_from(w, c, w->s.now);
}

/* clinician_refresh for pw_train.c (top-up courses). */
void staff_refresh(world *w, clinician *c)
{
    clinician_refresh(w, c);
}

/* The assessors give `hours` x their base assessments' time from treatment, and run
 * `clinics` x their base slots more: each assessor in post is refreshed. Returns 1 if
 * either changed (the caller offers places again), else 0. */
int staff_set_assess_flex(world *w, double hours, double clinics)
{
    if (hours == w->flex_hours && clinics == w->assess_flex)
        return 0;
    w->flex_hours = hours;
    w->assess_flex = clinics;
    /* The clinics these hours buy start flex_lead_weeks from now: the sessions booked
     * before then are held, and only those in weeks from then on move. */
    double from = w->s.now + 7.0 * w->p->assessment.flex_lead_weeks;
    for (clinician *c = roster_entry(w->in_post.head); c; c = roster_entry(c->post.next))
        if (c->role == w->assessor_role)
            clinician_refresh_from(w, c, from);
    return 1;
}

/* The FTE of role r's next member: the role's fte, or with an fte_mix the level furthest
 * below its share of the members in post (share x (in post + 1) - those in post at it; a
 * tie to the row listed first), so the starting headcount and then every starter keep each
 * level within about one person of its share of those in post, and a leaver's
 * replacement takes the leaver's level where the rest were at their shares. *level gets
 * the row taken (-1 without a mix); clinician_leave gives it back. No random draw: the
 * same members at the same FTEs in every replication and scenario that starts, hires and
 * loses them in the same order. */
static double member_fte(world *w, int r, signed char *level)
{
    const pw_role *ro = &w->p->roles[r];
    *level = -1;
    if (!ro->n_fte_mix)
        return ro->fte;
    int *in_post = w->fte_in_post[r], n = 0;
    for (size_t k = 0; k < ro->n_fte_mix; k++)
        n += in_post[k];
    size_t best = 0;
    double most = -INFINITY;
    for (size_t k = 0; k < ro->n_fte_mix; k++) {
        double below = ro->fte_mix[k].share * (n + 1) - in_post[k];
        if (below > most + 1e-9) {
            most = below;
            best = k;
        }
    }
    in_post[best]++;
    *level = (signed char)best;
    return ro->fte_mix[best].fte;
}

/* A new clinician of role r (member number `member`) in post from now, owned by the
 * world and on the roster; NULL out of memory. Their stream is seeded by role name and member;
 * the therapist effect and the proneness to burnout are its first two draws, made whatever
 * their spreads so that runs differing in a spread keep every later draw in step. */
static clinician *clinician_new(world *w, int r, int member, double cap_factor)
{
    const pw_params *p = w->p;
    const pw_role *ro = &p->roles[r];
    if (w->n_staff == w->cap_staff) {
        size_t cap = w->cap_staff ? 2 * w->cap_staff : 64;
        clinician **s = realloc(w->staff, cap * sizeof *s);
        if (!s)
            return NULL;
        w->staff = s;
        w->cap_staff = cap;
    }
    clinician *c = calloc(1, sizeof *c);
    if (!c || !(c->rng = gsl_rng_alloc(SIM_RNG_TYPE))) {
        free(c);
        return NULL;
    }
    sim_rng_seed_entity(c->rng, p->seed, (uint32_t)w->rep, 1u + name_key(ro->name),
                        (uint32_t)member);
    c->id = (int)w->n_staff;
    c->heap_role = -1; /* in no heap yet */
    c->role = r;
    c->member = member;
    c->does = ro->does;
    c->fte = member_fte(w, r, &c->fte_level);
    c->active = 1;
    c->cap_factor = cap_factor;
    c->start_day = c->qualified_day = w->s.now;
    c->salary_gbp = ro->salary_gbp;
    double z_effect = gsl_ran_gaussian_ziggurat(c->rng, 1.0);
    double z_burn = gsl_ran_gaussian_ziggurat(c->rng, 1.0);
    c->effect_mult = exp(ro->therapist_effect_sd * z_effect);
    /* Lognormal of mean 1: a spread between clinicians leaves the mean rise as it was, but
     * not the mean burnout, which stops at 1 (staff_round): the most prone sit there. */
    double sb = p->workforce.burnout_susceptibility_sd;
    c->burnout_proneness = exp(sb * z_burn - sb * sb / 2);
    w->staff[w->n_staff++] = c;
    roster_join(w, c); /* before clinician_refresh touches c's place in the index */
    clinician_refresh(w, c);
    return c;
}

/* A starting clinician's time in post (and so since qualifying, for the training bar):
 * 0, everyone starting on day 0 (the default), or, with workforce.starting_tenure_spread,
 * as a constant yearly hazard of leaving the post (leave_per_year + training_per_year)
 * would leave it: exponential of that rate, read at the clinician's keyed die
 * (KD_START_TENURE, keyed by role name and member as their stream is, so that scenarios
 * with other headcounts give the same member of a role the same time in post; no stream
 * drawn). It moves the days from which they may leave for training, their place in a
 * cut (last in, first out) and their tenure in workforce.csv. */
static void starting_tenure(const world *w, clinician *c)
{
    const pw_role *ro = &w->p->roles[c->role];
    double rate = ro->leave_per_year + ro->train_per_year;
    if (!w->p->workforce.starting_tenure_spread || !(rate > 0))
        return;
    double u = key_die(w, (uint32_t)c->member, KD_START_TENURE, 1u + name_key(ro->name));
    c->start_day = c->qualified_day = w->s.now + log1p(-u) / rate * YEAR_DAYS;
}

/* The starting staff: each role's headcount, and the posts of the establishment (the
 * headcount; planned hires add theirs in their week, staff_on_plan). Returns SIM_OK or
 * SIM_ENOMEM. */
int staff_build(world *w)
{
    const pw_params *p = w->p;
    w->assessor_role = w->pol->assessor_role(p);
    for (size_t r = 0; r < p->n_roles; r++) {
        const pw_role *ro = &p->roles[r];
        if (ro->leave_per_year > 0 || ro->sick_per_year > 0 || ro->train_per_year > 0)
            w->dynamic = 1;
        w->establishment[r] = ro->headcount;
        for (int i = 0; i < ro->headcount; i++) {
            clinician *c = clinician_new(w, (int)r, w->next_member[r]++, 1.0);
            if (!c)
                return SIM_ENOMEM;
            starting_tenure(w, c);
            if (c->does & PW_DOES_STEP2)
                w->cap_hours[PW_STEP2] += c->hours_week;
            if (c->does & PW_DOES_STEP3)
                w->cap_hours[PW_STEP3] += c->hours_week;
        }
    }
    const pw_workforce_p *wf = &p->workforce;
    if (wf->n_hires || wf->n_shocks || wf->n_cuts || wf->burnout_rise_per_week > 0)
        w->dynamic = 1;
    return SIM_OK;
}

/* Free every clinician ever in post, the staff table and the roster's index. */
void staff_free(world *w)
{
    roster_free(w);
    for (size_t i = 0; i < w->n_staff; i++) {
        clinician *c = w->staff[i];
        if (c->rng)
            gsl_rng_free(c->rng);
        free(c); /* its diary is in the world's slab */
    }
    free(w->staff);
    for (int r = 0; r < PW_MAX_ROLES; r++)
        free(w->adverts[r]);
}

/* ==== leaving, recruitment, training =================================================== */

/* The chance of an event in a week under a yearly hazard. */
static double weekly_chance(double per_year) { return 1 - exp(-per_year * 7.0 / YEAR_DAYS); }

/* Everyone on c's caseload and in c's groups goes back to the lists (episode_interrupt);
 * c's groups close. */
static void return_caseload(world *w, clinician *c)
{
    while (c->patients.head) {
        episode_hand_back(w, PW_LIST_ENTRY(c->patients.head, patient, care));
    }
    for (pw_link *k = w->running.head, *next; k; k = next) {
        next = k->next;
        group *g = PW_LIST_ENTRY(k, group, live);
        if (g->fac != c)
            continue;
        pw_link *m;
        while ((m = pw_list_pop_head(&g->members))) {
            patient *pt = PW_LIST_ENTRY(m, patient, member);
            pt->grp = NULL;
            episode_interrupt(w, pt);
        }
        group_close(w, g);
    }
    metrics_track_lists(w);
}

/* An advert of role r whose starter takes up the post at `due` (EV_HIRE): a vacancy. */
static void advert_open(world *w, int r, double due)
{
    if (w->vacancies[r] == w->adverts_cap[r]) {
        int cap = w->adverts_cap[r] ? 2 * w->adverts_cap[r] : 8;
        struct pw_advert *a = realloc(w->adverts[r], (size_t)cap * sizeof *a);
        if (!a) {
            sim_fail(&w->s, SIM_ENOMEM);
            return;
        }
        w->adverts[r] = a;
        w->adverts_cap[r] = cap;
    }
    struct pw_advert *a = &w->adverts[r][w->vacancies[r]++];
    a->due = due;
    /* A starter due after the run still leaves the post advertised to its end. */
    a->id = due < w->t_end ? sim_schedule_at(&w->s, due, PRIO_PERSON, staff_on_hire, NULL,
                                             (uint64_t)r)
                           : 0;
}

/* Role r's advert due soonest (first: the one falling due now) or latest; -1 if none. */
static int advert_find(const world *w, int r, int latest)
{
    int k = -1;
    for (int i = 0; i < w->vacancies[r]; i++)
        if (k < 0 || (latest ? w->adverts[r][i].due > w->adverts[r][k].due
                             : w->adverts[r][i].due < w->adverts[r][k].due))
            k = i;
    return k;
}

/* Forget open advert k of role r (its EV_HIRE cancelled or fired): the last advert takes
 * its place, so adverts[] keeps no order (advert_find looks for the one it wants). */
static void advert_drop(world *w, int r, int k)
{
    w->adverts[r][k] = w->adverts[r][--w->vacancies[r]];
}

/* Someone took a post of role r other than by an advert (a qualified trainee, a planned
 * hire) or posts were cut: adverts beyond the establishment are withdrawn now, the latest
 * due first (the service keeps the recruitment furthest on), so those in post and posts
 * advertised never exceed the posts and no stale advert fills a later leaver's post. */
static void adverts_fit(world *w, int r)
{
    while (w->vacancies[r] > 0 && roster_in_post(w, r) + w->vacancies[r] > w->establishment[r]) {
        int k = advert_find(w, r, 1);
        sim_cancel(&w->s, w->adverts[r][k].id);
        advert_drop(w, r, k);
    }
}

/* Advertise c's post: a starter of the same role after the vacancy delay (c's stream), at
 * the next intake month if the role has one. A post is advertised only while those in
 * post and posts advertised are below the establishment (qualified trainees may have
 * filled it). Schedules EV_HIRE if it falls within the run. */
static void advertise(world *w, clinician *c, int r)
{
    const pw_role *ro = &w->p->roles[r];
    if (!ro->replace_leavers || roster_in_post(w, r) + w->vacancies[r] >= w->establishment[r])
        return;
    double t = w->s.now + fmax(0.0, pw_dist_draw(&ro->vacancy_days, c->rng));
    if (ro->intake_month >= 1) { /* the first day of the next intake month */
        double year = floor(t / YEAR_DAYS) * YEAR_DAYS;
        double start = year + (ro->intake_month - 1) * YEAR_DAYS / 12.0;
        t = start >= t ? start : start + YEAR_DAYS;
    }
    advert_open(w, r, t);
}

enum { LEAVE, LEAVE_TO_TRAIN, LEAVE_POST_CUT };

/* c's sickness from its start (or the window's) to `to`, in FTE-days, as the NHS counts
 * absence: a part-timer off for a day loses a part of one. */
static double sick_fte_days(const world *w, const clinician *c, double to)
{
    return c->fte * (to - fmax(c->sick_since, w->t_window0));
}

/* c leaves the service (LEAVE_TO_TRAIN: leaves the post to train for another role;
 * LEAVE_POST_CUT: their post is abolished, which is not turnover): counted, sickness
 * ended, caseload returned, the post advertised (unless the establishment is full),
 * places offered. */
static void clinician_leave(world *w, clinician *c, int how)
{
    int r = c->role, to_training = how == LEAVE_TO_TRAIN;
    pw_role_stats *st = &w->out->roles[r];
    if (c->fte_level >= 0) { /* its level of the mix is free for the next starter */
        w->fte_in_post[r][c->fte_level]--;
        c->fte_level = -1;
    }
    if (w->in_window) {
        if (to_training)
            st->to_training++;
        else if (!c->training && how == LEAVE) /* trainees are not in post: not leavers */
            st->leavers++;
        if (c->sick)
            st->sick_days += sick_fte_days(w, c, w->s.now);
    }
    if (how == LEAVE && !c->training) /* as workforce.csv counts leavers */
        w->week.leavers++;
    if (c->sick_end)
        sim_cancel(&w->s, c->sick_end);
    if (c->sick_handover)
        sim_cancel(&w->s, c->sick_handover);
    c->sick_end = c->sick_handover = 0;
    c->sick = 0;
    c->active = 0; /* first, so the freed places are not offered back to c */
    if (to_training)
        roster_touch(w, c); /* out of the index; stays on the in-post list, in id order */
    else
        roster_leave(w, c);
    return_caseload(w, c);
    coord_leave(w, c);
    if (!c->training)
        advertise(w, c, r);
    episode_allocate_all(w); /* the returned patients to whoever has room */
}

/* c leaves their post to train for role t at reduced capacity; schedules the end of
 * training (EV_TRAINING_END) after the training period of c's role. */
static void start_training(world *w, clinician *c, int t)
{
    int from = c->role;
    clinician_leave(w, c, LEAVE_TO_TRAIN);
    const pw_role *to = &w->p->roles[t];
    c->active = 1;
    c->training = 1;
    c->role = t;
    c->does = to->does;
    c->cap_factor = to->train_capacity;
    c->ramp_per_week = 0;
    clinician_refresh(w, c);
    train_started(w, from);
    if (w->in_window)
        w->out->roles[t].training_gbp += w->p->workforce.training_cost_gbp;
    double weeks = w->p->roles[from].train_weeks;
    sim_schedule(&w->s, weeks * 7.0, PRIO_PERSON, staff_on_training_end, c, 0);
    episode_allocate_all(w);
}

/* Training ends: c qualifies (c's stream) into the role at full capacity, or leaves. A
 * post is a post: a qualified trainee takes a vacant post of the role (an advert beyond
 * the posts then left is withdrawn: adverts_fit), and where the establishment is full
 * they leave for a post elsewhere, so staff in post never exceed the establishment.
 * Neither kind of trainee leaving counts as a leaver from a post. */
void staff_on_training_end(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    clinician *c = obj;
    if (!c->active)
        return;
    const pw_role *ro = &w->p->roles[c->role];
    if (gsl_rng_uniform(c->rng) >= ro->qualify_probability ||
        roster_in_post(w, c->role) >= w->establishment[c->role]) {
        clinician_leave(w, c, LEAVE); /* still a trainee: not counted as a leaver */
        return;
    }
    c->training = 0;
    c->cap_factor = 1.0;
    c->qualified_day = c->start_day = s->now;
    c->salary_gbp = ro->salary_gbp;
    clinician_refresh(w, c);
    adverts_fit(w, c->role);
    if (w->in_window)
        w->out->roles[c->role].starters++;
    w->week.hires++;
    episode_allocate_all(w);
}

/* A starter takes up a post of role arg (a filled vacancy, or a planned hire when obj is
 * not NULL), ramping up to full capacity. With a labour pool exhausted for the year, the
 * hire waits for the next year (schedules EV_HIRE again). */
void staff_on_hire(sim *s, void *obj, uint64_t arg)
{
    world *w = s->user;
    int r = (int)arg;
    const pw_role *ro = &w->p->roles[r];
    const pw_workforce_p *wf = &w->p->workforce;
    if (!obj) {
        /* This advert: none due sooner (each is dropped as its hire falls due, or its
         * hire cancelled as it is withdrawn), so one is always found. */
        int k = advert_find(w, r, 0);
        assert(k >= 0 && w->adverts[r][k].due == s->now && "an advert's hire finds it");
        advert_drop(w, r, k);
        assert(roster_in_post(w, r) < w->establishment[r] && "adverts_fit keeps a post free");
    }
    if (wf->labour_pool_per_year > 0) {
        if (s->now >= w->pool_year_start + YEAR_DAYS) {
            w->pool_year_start = floor(s->now / YEAR_DAYS) * YEAR_DAYS;
            w->pool_used = 0;
        }
        if (w->pool_used >= wf->labour_pool_per_year) { /* nobody to hire until next year */
            double t = w->pool_year_start + YEAR_DAYS;
            if (!obj)
                advert_open(w, r, t); /* still advertised */
            else if (t < w->t_end)
                sim_schedule_at(s, t, PRIO_PERSON, staff_on_hire, obj, arg);
            return;
        }
        w->pool_used++;
    }
    double start = ro->ramp_weeks > 0 ? ro->ramp_start : 1.0;
    clinician *c = clinician_new(w, r, w->next_member[r]++, start);
    if (!c) {
        sim_fail(s, SIM_ENOMEM);
        return;
    }
    c->ramp_per_week = ro->ramp_weeks > 0 ? (1.0 - start) / ro->ramp_weeks : 0;
    if (obj)
        adverts_fit(w, r);
    if (w->in_window)
        w->out->roles[r].starters++;
    w->week.hires++;
    episode_allocate_all(w);
}

/* c has been off sick workforce.reallocate_after_sick_days: as services reassign a long
 * absence's caseload, their people go back to the lists for other clinicians (a group
 * closes), as a leaver's do, and places are offered. c keeps their post. */
void staff_on_sick_handover(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    clinician *c = obj;
    c->sick_handover = 0;
    return_caseload(w, c);
    episode_allocate_all(w);
}

/* c is back from sick leave: the window's part of the absence counted. */
void staff_on_sick_end(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    clinician *c = obj;
    c->sick_end = 0;
    c->sick = 0;
    roster_touch(w, c);
    if (w->in_window || (c->sick_since < w->t_window1 && s->now > w->t_window0))
        w->out->roles[c->role].sick_days += sick_fte_days(w, c, fmin(s->now, w->t_window1));
    episode_allocate_all(w);
}

/* c leaves in a shock (if still in post). */
void staff_on_leave(sim *s, void *obj, uint64_t arg)
{
    (void)arg;
    world *w = s->user;
    clinician *c = obj;
    if (c->active)
        clinician_leave(w, c, LEAVE);
}

/* Cut row i: the role's establishment falls by the row's count; vacancies beyond it are
 * withdrawn as they fall due (staff_on_hire), and while more are in post than the posts
 * left, the latest to start in post leaves, last in, first out (of equal starts, the highest
 * id; a trainee qualifying into a post starts then, whatever their id). No draws. */
static void cut_posts(world *w, size_t i)
{
    const pw_hire *cut = &w->p->workforce.cuts[i];
    int r = cut->role;
    w->establishment[r] = w->establishment[r] > cut->count ? w->establishment[r] - cut->count : 0;
    while (roster_in_post(w, r) > w->establishment[r]) {
        clinician *last = NULL; /* the latest start_day; of equal ones, the highest id */
        for (clinician *c = roster_entry(w->in_post.head); c; c = roster_entry(c->post.next))
            if (c->role == r && !c->training && c->active &&
                (!last || c->start_day >= last->start_day))
                last = c;
        if (!last)
            break;
        clinician_leave(w, last, LEAVE_POST_CUT);
    }
    adverts_fit(w, r);
}

/* A planned event of the workforce group: arg < PW_MAX_PLAN is hiring row arg (its hires
 * start now); below 2 PW_MAX_PLAN, shock row arg - PW_MAX_PLAN: each in post in the role
 * leaves with the shock's probability at a time spread over its weeks (two draws from
 * their own stream: the same people leave in every scenario; schedules EV_LEAVE); else
 * cut row arg - 2 PW_MAX_PLAN (cut_posts). */
void staff_on_plan(sim *s, void *obj, uint64_t arg)
{
    (void)obj;
    world *w = s->user;
    const pw_workforce_p *wf = &w->p->workforce;
    if (arg < PW_MAX_PLAN) {
        /* The posts exist from their week: before it, no trainee qualifying or advert
         * may take them, and the starters below fill them at once. */
        w->establishment[wf->hires[arg].role] += wf->hires[arg].count;
        for (int k = 0; k < wf->hires[arg].count; k++)
            staff_on_hire(s, (void *)wf, (uint64_t)wf->hires[arg].role);
        return;
    }
    if (arg >= 2 * PW_MAX_PLAN) {
        cut_posts(w, arg - 2 * PW_MAX_PLAN);
        return;
    }
    size_t i = arg - PW_MAX_PLAN;
    for (clinician *c = roster_entry(w->in_post.head); c; c = roster_entry(c->post.next)) {
        if (c->training || c->role != wf->shocks[i].role)
            continue;
        double u = gsl_rng_uniform(c->rng), when = gsl_rng_uniform(c->rng);
        if (u < wf->shocks[i].share)
            sim_schedule(s, when * wf->shocks[i].weeks * 7.0, PRIO_PERSON, staff_on_leave, c, 0);
    }
}

/* ==== the week ========================================================================= */

/* The weekly round of the workforce: ramp-up, burnout, and the week's chances of
 * sickness, leaving and leaving for training (each from the clinician's own stream, in
 * that order, drawn only while the earlier ones did not happen). Schedules the end of a
 * sickness (EV_SICK_END); offers places at the end. */
void staff_round(world *w)
{
    const pw_params *p = w->p;
    const pw_workforce_p *wf = &p->workforce;
    double relief = fmax(0.0, 1 - wf->supervision_relief * wf->supervision_hours_per_month / 2.0);
    /* In id order; c may leave the list (the next is taken first); nobody joins it. */
    for (clinician *c = roster_entry(w->in_post.head), *next; c; c = next) {
        next = roster_entry(c->post.next);
        const pw_role *ro = &p->roles[c->role];
        if (c->ramp_per_week > 0 && !c->training) {
            c->cap_factor = fmin(1.0, c->cap_factor + c->ramp_per_week);
            if (c->cap_factor >= 1.0)
                c->ramp_per_week = 0;
            clinician_refresh(w, c);
        }
        if (wf->burnout_rise_per_week > 0) {
            double hours = c->hours_week > 0 ? c->hours_week : 1e-9;
            double load = (c->load_hours + (wf->telephone_weight - 1) * c->phone_hours) / hours;
            if (c->diary) { /* the diary's fill over the coming week, its telephone
                             * share weighed as the diary caseload's (sessions are as long
                             * by telephone as face to face) */
                double phone = c->diary_cases ? (double)c->phone_cases / c->diary_cases : 0;
                load += diary_fill(w, c) * (1 - c->load_hours / hours) *
                        (1 + (wf->telephone_weight - 1) * phone);
            }
            /* Overload builds burnout, and some of it heals every week: a sustained
             * overload settles at rise x proneness x over x relief / recovery. */
            double over = fmax(0.0, load - wf->sustainable_load);
            c->burnout += wf->burnout_rise_per_week * c->burnout_proneness * over * relief -
                          wf->burnout_recovery_per_week * c->burnout;
            c->burnout = clampd(c->burnout, 0, 1);
        }
        if (ro->sick_per_year > 0 && !c->sick &&
            gsl_rng_uniform(c->rng) <
                weekly_chance(ro->sick_per_year * (1 + wf->burnout_sick_factor * c->burnout))) {
            c->sick = 1;
            c->sick_since = w->s.now;
            roster_touch(w, c);
            double days = gsl_ran_exponential(c->rng, ro->sick_days_mean);
            c->sick_end = sim_schedule(&w->s, days, PRIO_PERSON, staff_on_sick_end, c, 0);
            if (wf->reallocate_after_sick_days > 0 && days > wf->reallocate_after_sick_days)
                c->sick_handover = sim_schedule(&w->s, wf->reallocate_after_sick_days,
                                                PRIO_PERSON, staff_on_sick_handover, c, 0);
        }
        if (ro->leave_per_year > 0 &&
            gsl_rng_uniform(c->rng) <
                weekly_chance(ro->leave_per_year * (1 + wf->burnout_leave_factor * c->burnout))) {
            clinician_leave(w, c, LEAVE);
            continue;
        }
        double gate; /* annual clearing: 0 closed, else the rate's multiplier (pw_train.c) */
        if (ro->train_per_year > 0 && ro->train_to_role >= 0 && !c->training &&
            w->s.now - c->start_day >= ro->train_min_tenure_years * YEAR_DAYS &&
            w->s.now - c->qualified_day >= ro->train_bar_years * YEAR_DAYS &&
            (gate = train_gate(w, c->role)) > 0 &&
            gsl_rng_uniform(c->rng) < weekly_chance(ro->train_per_year * gate))
            start_training(w, c, ro->train_to_role);
    }
    episode_allocate_all(w);
}

/* Staff figures of the week just ended into *wk (in post, training, sick, vacancies,
 * burnout mean and 90th percentile), and the window's salary and headcount sums. */
void staff_week(world *w, pw_week *wk)
{
    const pw_params *p = w->p;
    if (w->in_post.n > w->burn_cap) {
        double *b = realloc(w->burn, w->in_post.n * sizeof *b);
        if (!b) {
            sim_fail(&w->s, SIM_ENOMEM);
            return;
        }
        w->burn = b;
        w->burn_cap = w->in_post.n;
    }
    double *burn = w->burn;
    size_t nb = 0;
    double bsum = 0;
    int in_window = w->s.now > w->t_window0 && w->s.now <= w->t_window1;
    double dt = 7.0 / YEAR_DAYS;
    for (const clinician *c = roster_entry(w->in_post.head); c; c = roster_entry(c->post.next)) {
        pw_role_stats *st = &w->out->roles[c->role];
        if (c->training)
            wk->in_training[c->role] += 1;
        else
            wk->staff_in_post[c->role] += 1;
        wk->on_sick_leave += c->sick;
        if (!c->training) { /* burnout of those in post, as in workforce.csv */
            bsum += c->burnout;
            burn[nb++] = c->burnout;
        }
        if (in_window) {
            double salary = c->fte * c->salary_gbp * dt;
            st->salary_gbp += salary;
            if (c->training)
                st->salary_support_gbp += salary * p->workforce.trainee_salary_support_share;
            st->oncost_gbp += salary * p->workforce.oncost_share;
            if (!c->training) {
                st->headcount_years += dt;
                st->fte_years += c->fte * c->cap_factor * dt;
                st->burnout_years += c->burnout * dt;
                if (c->does & PW_DOES_COORDINATION)
                    coord_week(w, c, dt);
            }
        }
    }
    for (size_t r = 0; r < p->n_roles; r++)
        wk->vacancies[r] = w->vacancies[r];
    wk->burnout_mean = nb ? bsum / (double)nb : 0;
    if (nb) { /* GSL's quantile of the sorted values */
        gsl_sort(burn, 1, nb);
        wk->burnout_p90 = gsl_stats_quantile_from_sorted_data(burn, 1, nb, 0.9);
    }
}

/* At the window's end: the window's part of open sick leave, and tenure of those in post. */
void staff_close_window(world *w)
{
    double now = w->s.now;
    for (clinician *c = roster_entry(w->in_post.head); c; c = roster_entry(c->post.next)) {
        pw_role_stats *st = &w->out->roles[c->role];
        if (c->sick) { /* count the window's part; the rest is outside it */
            st->sick_days += sick_fte_days(w, c, now);
            c->sick_since = now;
        }
        if (!c->training) {
            st->tenure_years_sum += (now - c->start_day) / YEAR_DAYS;
            st->in_post_end++;
        }
    }
}
