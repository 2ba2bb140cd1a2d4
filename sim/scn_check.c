/* Scenario loader: checks across keys, which the table walk cannot make field by field.
 *
 * Group checks (post hooks) run when their group loaded without a message: dependent
 * defaults, orderings (min <= max, step changes by week), a role's own consistency. The
 * checks of scn_check_all need every key read, and run only when staff loaded cleanly
 * (else they would echo its errors): each role name the schema marks (PW_ROLE) names a
 * role under staff that does what the field asks, and is resolved into its index, for the
 * chosen policy's parameters, each role's training_to and every row of the workforce
 * lists; every activity the scenario needs has a role that does it; the LTC pathway's own
 * session caps keep each step's min_sessions. A message about a key that is absent is
 * placed at the closest setting that exists.
 */
#include "scn_internal.h"

#include <math.h>
#include <string.h>

#include "models/pol.h"
#include "models/pw_world.h"

/* ==== group checks ===================================================================== */

/* lo <= hi, the values of keys lo_name and hi_name of group g at key; else a message at
 * lo_name (or the group, when lo_name took its default). */
static void check_order(scn_ctx *c, const config_setting_t *g, const char *key,
                        const char *lo_name, int lo, const char *hi_name, int hi)
{
    if (lo <= hi)
        return;
    const config_setting_t *at = config_setting_get_member(g, lo_name);
    char k[KEYMAX], kh[KEYMAX];
    scn_subkey(k, key, lo_name);
    scn_subkey(kh, key, hi_name);
    scn_err_pair(c, at ? at : g, k, config_setting_get_member(g, hi_name), kh,
                 "must be <= %s (got %d > %d)", hi_name, lo, hi);
}

/* step2/step3: dependent defaults and orderings. */
static void post_step(scn_ctx *c, const config_setting_t *g, const char *key, void *base)
{
    pw_step_p *sp = base;
    scn_settle_step(sp);
    if (!g)
        return;
    check_order(c, g, key, "min_sessions", sp->min_sessions, "max_sessions", sp->max_sessions);
    check_order(c, g, key, "group_min", sp->group_min, "group_max", sp->group_max);
}

/* How late s was given: 2 by --set, 1 by an overrides (variant, service) group, 0 in the
 * file itself (or absent). */
static int given_late(const config_setting_t *s)
{
    const scn_origin *o = s ? config_setting_get_hook(s) : NULL;
    return !o ? 0 : o->set_arg ? 2 : 1;
}

/* The setting of a mix to place a message about it at: the mix, or the row or row's key
 * given latest, a --set of one row's share say (`--set staff.pwp.fte_mix[0].share=0.4`:
 * the file's own rows may be right). */
static const config_setting_t *mix_changed(const config_setting_t *mix)
{
    const config_setting_t *at = mix;
    for (int i = 0; mix && i < config_setting_length(mix); i++) {
        const config_setting_t *row = config_setting_get_elem(mix, (unsigned)i);
        if (given_late(row) > given_late(at))
            at = row;
        for (int j = 0; config_setting_is_group(row) && j < config_setting_length(row); j++) {
            const config_setting_t *m = config_setting_get_elem(row, (unsigned)j);
            if (given_late(m) > given_late(at))
                at = m;
        }
    }
    return at;
}

/* A role's fte_mix (rows read cleanly): shares that sum to 1, and a mean FTE that is the
 * role's fte, which every figure of the role's mean FTE reads (a mix that says otherwise
 * would be taken one way here and another there). Each message is placed at what was given
 * last: a --set of a row, or of fte, before the file's line (whose rows may be right). */
static void check_fte_mix(scn_ctx *c, const config_setting_t *g, const char *key,
                          const pw_role *r)
{
    const config_setting_t *mix = config_setting_get_member(g, "fte_mix");
    const config_setting_t *at = mix ? mix_changed(mix) : g;
    const config_setting_t *fte = config_setting_get_member(g, "fte");
    char k[KEYMAX], kf[KEYMAX], a[40], b[40];
    scn_subkey(k, key, "fte_mix");
    scn_subkey(kf, key, "fte");
    double sum = 0, mean = 0;
    for (size_t i = 0; i < r->n_fte_mix; i++) {
        sum += r->fte_mix[i].share;
        mean += r->fte_mix[i].share * r->fte_mix[i].fte;
    }
    if (fabs(sum - 1.0) > SHARE_TOL) {
        scn_err_at(c, at, k,
                   "shares must sum to 1 within %g (got %.10g; expected rows { share = S; "
                   "fte = F; } whose shares add up to 1)", SHARE_TOL, sum);
        return;
    }
    if (fabs(mean - r->fte) > SHARE_TOL) {
        snprintf(a, sizeof a, "%.6g", mean);
        scn_fmt_num(r->fte, b, sizeof b);
        if (fte && given_late(fte) > given_late(at)) /* fte changed last: there */
            scn_err_at(c, fte, k, "its mean FTE must be fte, the role's mean (got %s from the "
                       "mix, fte %s; expected fte = %s) (%s is set here)", a, b, a, kf);
        else
            scn_err_pair(c, at, k, fte, kf,
                         "its mean FTE must be fte, the role's mean (got %s from the mix, fte "
                         "%s; expected fte = %s)", a, b, a);
    }
}

/* A role: dependent default (salary by band), assessment slots for an assessing role,
 * a training destination that is another role. Whether training_to names a role at all
 * needs every role: scn_check_all. */
static void post_role(scn_ctx *c, const config_setting_t *g, const char *key, void *base)
{
    pw_role *r = base;
    scn_settle_role(r);
    const config_setting_t *to = config_setting_get_member(g, "training_to");
    char tk[KEYMAX];
    scn_subkey(tk, key, "training_to");
    if (r->train_to[0] && !strcmp(r->train_to, r->name)) {
        scn_err_at(c, to ? to : g, tk, "must name another role, not the role itself (got \"%s\")",
                   r->train_to);
    } else if (!r->train_to[0] && r->train_per_year > 0) {
        const config_setting_t *at = to ? to : config_setting_get_member(g, "training_per_year");
        char got[40];
        scn_fmt_num(r->train_per_year, got, sizeof got);
        scn_err_at(c, at ? at : g, tk,
                   "missing (expected the role trainees train for, a role under "
                   "staff other than %s, since training_per_year is %s)", r->name, got);
    }
    if ((r->does & PW_DOES_ASSESSMENT) && !(r->assessments_per_week > 0)) {
        const config_setting_t *at = config_setting_get_member(g, "assessments_per_week");
        char k[KEYMAX], dk[KEYMAX];
        scn_subkey(k, key, "assessments_per_week");
        scn_subkey(dk, key, "does");
        char got[40];
        scn_fmt_num(r->assessments_per_week, got, sizeof got);
        scn_err_pair(c, at ? at : g, k, config_setting_get_member(g, "does"), dk,
                     "must be > 0 for a role whose does includes \"assessment\" (got %s)",
                     got);
    }
    if (r->n_fte_mix)
        check_fte_mix(c, g, key, r);
    if (r->colocated_hours_per_week > r->clinical_hours_per_week) {
        const config_setting_t *at = config_setting_get_member(g, "colocated_hours_per_week");
        char k[KEYMAX], kh[KEYMAX], a[40], b[40];
        scn_subkey(k, key, "colocated_hours_per_week");
        scn_subkey(kh, key, "clinical_hours_per_week");
        scn_fmt_num(r->colocated_hours_per_week, a, sizeof a);
        scn_fmt_num(r->clinical_hours_per_week, b, sizeof b);
        scn_err_pair(c, at ? at : g, k, config_setting_get_member(g, "clinical_hours_per_week"),
                     kh, "must be <= clinical_hours_per_week, of which it is a part (got %s > %s)",
                     a, b);
    }
}

/* workforce: supervision may slow the rise of burnout but not reverse it. */
static void post_workforce(scn_ctx *c, const config_setting_t *g, const char *key, void *base)
{
    const pw_workforce_p *w = base;
    double relief = w->supervision_relief * w->supervision_hours_per_month / 2.0;
    if (g && relief > 1.0) {
        const config_setting_t *at = config_setting_get_member(g, "supervision_relief");
        char k[KEYMAX], a[40], b[40];
        scn_subkey(k, key, "supervision_relief");
        scn_fmt_num(w->supervision_relief, a, sizeof a);
        scn_fmt_num(w->supervision_hours_per_month, b, sizeof b);
        scn_err_at(c, at ? at : g, k,
                   "supervision_relief x supervision_hours_per_month / 2 must be "
                   "<= 1, or overload would lower burnout (got %s x %s / 2 = %g)", a, b, relief);
    }
}

/* referrals.step_changes: weeks strictly increasing (the first offender is reported). */
static void post_step_changes(scn_ctx *c, const config_setting_t *s, const char *key,
                              void *base)
{
    const pw_referrals *r = base;
    for (size_t i = 1; i < r->n_step_changes; i++) {
        if (r->step_changes[i].week > r->step_changes[i - 1].week)
            continue;
        char a[40], b[40], ek[KEYMAX];
        scn_fmt_num(r->step_changes[i].week, a, sizeof a);
        scn_fmt_num(r->step_changes[i - 1].week, b, sizeof b);
        scn_elemkey(ek, key, (int)i);
        scn_err_at(c, config_setting_get_member(config_setting_get_elem(s, (unsigned)i), "week"),
                   ek, "step changes must be in increasing week order (got week %s after %s)", a,
                   b);
        return;
    }
}

/* The whole scenario: the referrals a replication expects must fit the per-referral
 * random streams, with room for chance (a replication that draws PW_MAX_REFERRALS fails).
 * This is what bounds the combination of rate, growth, step changes and run length that
 * each key's own range cannot: growth_per_year at 1 over a century would expect 10^30. */
static void post_top(scn_ctx *c, const config_setting_t *g, const char *key, void *base)
{
    const pw_params *p = base;
    (void)key;
    scn_check_weekly_cover(c, p);
    if (p->outcome_weeks_late > 0 && !(p->outcome_weeks_late > p->outcome_weeks)) {
        char a[40], b[40];
        scn_fmt_num(p->outcome_weeks_late, a, sizeof a);
        scn_fmt_num(p->outcome_weeks, b, sizeof b);
        const config_setting_t *at = config_setting_get_member(g, "outcome_weeks_late");
        scn_err_pair(c, at ? at : g, "outcome_weeks_late",
                     config_setting_get_member(g, "outcome_weeks"), "outcome_weeks",
                     "must be 0 (no second reading) or later than outcome_weeks (got %s, "
                     "outcome_weeks %s)", a, b);
    }
    double days = pw_run_days(p), expected = pw_referral_bound(p) * days;
    const double most = PW_MAX_REFERRALS / 2;
    if (!(expected > most))
        return;
    /* Placed at growth_per_year when growth does most of it, else at the rate. */
    const pw_referrals *r = &p->referrals;
    const char *k = pow(1 + r->growth_per_year, days / 365.25) > 2 &&
                            config_lookup(c->cfg, "referrals.growth_per_year")
                        ? "referrals.growth_per_year"
                    : r->n_weeks                ? "referrals.weekly_counts"
                    : !isnan(r->gp_per_week)    ? "referrals.gp_per_week"
                                                : "referrals.per_week";
    const config_setting_t *at = config_lookup(c->cfg, k);
    scn_err_at(c, at ? at : g, k,
               "the run would draw up to %.3g referrals in a replication (up to %.6g a week, "
               "with seasonality, growth_per_year and step_changes, over %g weeks of "
               "warmup_weeks + horizon_weeks + the longest of followup_weeks, "
               "outcome_weeks and outcome_weeks_late; expected at most %.0f, 2^26, "
               "which the per-referral random streams can number): lower the rate or shorten "
               "the run", expected, pw_referral_bound(p) * 7.0, days / 7.0, most);
}

const scn_hooks scn_top_checks = {.post = post_top};
const scn_hooks scn_step_checks = {.post = post_step};
const scn_hooks scn_role_checks = {.post = post_role};
const scn_hooks scn_workforce_checks = {.post = post_workforce};
const scn_hooks scn_step_changes_checks = {.post = post_step_changes};

/* ==== role names ======================================================================= */

/* "pwp, hit": the roles whose does holds every activity of mask (0: every role). */
static void role_list(const pw_params *p, unsigned mask, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n_roles && len < n; i++)
        if ((p->roles[i].does & mask) == mask)
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
                                    p->roles[i].name);
}

/* The index of the role called name under staff; else -1 after an error about key at
 * setting `at`, suggesting a close name. */
static int find_role(scn_ctx *c, const pw_params *p, const config_setting_t *at, const char *key,
                     const char *name)
{
    int r = pol_role(p, name);
    if (r >= 0)
        return r;
    char roles[600], hint[PW_MAX_NAME + 24];
    const char *names[PW_MAX_ROLES];
    for (size_t i = 0; i < p->n_roles; i++)
        names[i] = p->roles[i].name;
    role_list(p, 0, roles, sizeof roles);
    scn_did_you_mean(name, names, p->n_roles, hint, sizeof hint);
    scn_err_at(c, at, key, "no role \"%s\" under staff%s (roles: %s)", name, hint, roles);
    return -1;
}

/* Does the scenario use the activities of mask? Assessment is not used when skipped. */
static int activity_used(const pw_params *p, unsigned mask)
{
    return !(mask & PW_DOES_ASSESSMENT) || !p->assessment.skip;
}

/* "\"assessment\"", or "\"step2\" and \"step3\"": the activities of mask. */
static void does_list(unsigned mask, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < SCN_NDOES && len < n; i++)
        if (mask & (1u << i))
            len += (size_t)snprintf(buf + len, n - len, "%s\"%s\"", len ? " and " : "",
                                    scn_does_names[i]);
}

/* The setting at path under the root, or NULL (also when a step of it is not a group). */
static const config_setting_t *lookup(scn_ctx *c, const char *path)
{
    return config_setting_lookup(config_root_setting(c->cfg), path);
}

/* The role name of field f in base, at key (setting at, or the closest one): when its
 * activities are used it must be given and the role must do them; it must name a role
 * under staff; its index goes to f's idx_off. An empty name that is not needed was either
 * left out on purpose or reported already. */
static void check_role_name(scn_ctx *c, const pw_params *p, const pw_field *f, void *base,
                            const char *key, const config_setting_t *at)
{
    const char *name = (const char *)base + f->off;
    int used = f->does && activity_used(p, f->does);
    char does[80], roles[600];
    does_list(f->does, does, sizeof does);
    if (!name[0]) {
        if (used) {
            /* Only the roles that do it: naming one that does not is refused just below. */
            role_list(p, f->does, roles, sizeof roles);
            if (roles[0])
                scn_err_at(c, at, key, "missing (expected the name of a role under staff that "
                           "does %s: one of %s)", does, roles);
            else
                scn_err_at(c, at, key, "missing (expected the name of a role under staff that "
                           "does %s: none does yet; add it to a role's does)", does);
        }
        return;
    }
    int r = find_role(c, p, at, key, name);
    if (r < 0)
        return;
    if (used && (p->roles[r].does & f->does) != f->does) {
        char dk[KEYMAX];
        snprintf(dk, sizeof dk, "staff.%s.does", name);
        scn_err_pair(c, at, key, lookup(c, dk), dk,
                     "role \"%s\" does not do %s (add it to staff.%s.does, or name another "
                     "role)", name, does, name);
        return;
    }
    if (f->idx_off != SIZE_MAX)
        *(int *)((char *)base + f->idx_off) = r;
}

/* Every role name in table tbl at base, the group at key (its setting g, NULL if absent;
 * near: the closest setting that exists), and in its groups and the rows of its lists. */
static void check_roles(scn_ctx *c, const pw_params *p, const pw_field *tbl, size_t n,
                        unsigned gflags, void *base, const char *key, const config_setting_t *g,
                        const config_setting_t *near)
{
    for (size_t i = 0; i < n; i++) {
        const pw_field *f = &tbl[i];
        int is_role = f->kind == PW_F_STR && (f->flags & PW_ROLE);
        if (!(is_role || f->kind == PW_F_GROUP || f->kind == PW_F_LIST) ||
            !scn_field_applies(f, gflags))
            continue;
        char k[KEYMAX];
        const config_setting_t *s = scn_member(g, key, f, k);
        char *at = (char *)base + f->off;
        if (is_role) {
            check_role_name(c, p, f, base, k, s ? s : near);
        } else if (f->kind == PW_F_GROUP) {
            check_roles(c, p, f->sub, f->nsub, f->flags | (gflags & PW_IS_STEP2), at, k, s,
                        s ? s : near);
        } else if (f->kind == PW_F_LIST) {
            size_t rows = *(const size_t *)((const char *)base + f->count_off);
            for (size_t r = 0; r < rows; r++) {
                const config_setting_t *e = s ? config_setting_get_elem(s, (unsigned)r) : NULL;
                char ek[KEYMAX];
                scn_elemkey(ek, k, (int)r);
                check_roles(c, p, f->sub, f->nsub, 0, at + r * f->row_size, ek, e,
                            e ? e : s ? s : near);
            }
        }
    }
}

/* ==== activities ======================================================================= */

/* Every activity the scenario needs has a role that does it. */
static void check_coverage(scn_ctx *c, const pw_params *p)
{
    unsigned all = 0;
    for (size_t i = 0; i < p->n_roles; i++)
        all |= p->roles[i].does;
    config_setting_t *root = config_root_setting(c->cfg);
    const config_setting_t *roles = config_setting_get_member(root, "staff"), *staff = roles;
    /* Point at a `does` an override changed (the entry a --set wrote), if any: that is what
     * broke coverage. */
    for (int i = 0; roles && i < config_setting_length(roles) && staff == roles; i++) {
        const config_setting_t *d =
            config_setting_get_member(config_setting_get_elem(roles, (unsigned)i), "does");
        const config_setting_t *part = scn_changed_part(d);
        if (part)
            staff = part;
    }
    if (!(all & PW_DOES_STEP2))
        scn_err_at(c, staff, "staff", "no role does \"step2\" (add \"step2\" to some role's does)");
    int step3_used = !p->assessment.skip || p->step[PW_STEP2].step_up_probability > 0;
    if (step3_used && !(all & PW_DOES_STEP3))
        scn_err_at(c, staff, "staff", "no role does \"step3\", but referrals can reach step 3 (add "
                   "\"step3\" to some role's does)");
    for (int st = 0; st < PW_STEP_N; st++) {
        if (st == PW_STEP3 && !step3_used)
            continue;
        if (p->step[st].mode_shares[PW_MODE_GROUP] > 0 && !(all & PW_DOES_GROUPS)) {
            char k[KEYMAX];
            snprintf(k, sizeof k, "step%d.mode_shares.group", st + 2);
            const config_setting_t *at = config_lookup(c->cfg, k);
            if (staff && config_setting_get_hook(staff))
                at = staff;
            scn_err_at(c, at ? at : staff, k, "groups have a share > 0 but no role does \"groups\" "
                       "(add \"groups\" to some role's does)");
        }
    }
}

/* ltc_pathway.step2_sessions / step3_sessions: a cap of the pathway's own (not 0) replaces
 * the step's max_sessions for people on it, so it keeps the step's order: at least the
 * step's min_sessions. */
static void check_ltc_pathway(scn_ctx *c, const pw_params *p)
{
    static const char *const caps[PW_STEP_N] = {"step2_sessions", "step3_sessions"};
    for (int s = 0; s < PW_STEP_N; s++) {
        int cap = p->ltc_pathway.sessions[s], lo = p->step[s].min_sessions;
        if (cap == 0 || cap >= lo)
            continue;
        char k[KEYMAX];
        scn_subkey(k, "ltc_pathway", caps[s]);
        const config_setting_t *at = lookup(c, k);
        scn_err_at(c, at ? at : config_root_setting(c->cfg), k,
                   "must be 0 (the step's own cap) or >= step%d.min_sessions (got %d < %d)",
                   s + 2, cap, lo);
    }
}

/* Care coordination: a coordinator role does nothing else (its caseload places are the
 * people it holds, its hours their minutes), the coordination group is there exactly when
 * some role does "coordination". */
static void check_coordination(scn_ctx *c, const pw_params *p)
{
    const config_setting_t *g = lookup(c, "coordination"), *first = NULL;
    char key[KEYMAX];
    for (size_t i = 0; i < p->n_roles; i++) {
        const pw_role *r = &p->roles[i];
        if (!(r->does & PW_DOES_COORDINATION))
            continue;
        char rk[KEYMAX];
        scn_subkey(rk, "staff", r->name);
        scn_subkey(key, rk, "does");
        const config_setting_t *at = lookup(c, key), *part = scn_changed_part(at);
        if (part) /* the entry a --set wrote, not the list's line */
            at = part;
        if (!at)
            at = lookup(c, rk);
        if (!first)
            first = at;
        if (r->does != PW_DOES_COORDINATION) {
            char others[80];
            does_list(r->does & ~(unsigned)PW_DOES_COORDINATION, others, sizeof others);
            scn_err_at(c, at, key, "a role that does \"coordination\" must do nothing else "
                       "(got %s as well; coordinators hold people, they do not assess or "
                       "treat: give those activities to another role)", others);
        }
    }
    if (g && !first)
        scn_err_at(c, g, "coordination", "is set but no role does \"coordination\" (add a "
                   "role under staff with does = [\"coordination\"], or remove the group)");
    if (!g && first)
        scn_err_at(c, first, "coordination", "missing (a role does \"coordination\"; expected "
                   "coordination = { minutes_per_week = M; dna_odds = X; dropout = Y; })");
}

/* The assessor's slots are part of its clinical hours (pw_staff.c takes them off its
 * treatment time): slots that take more than those hours would be time from nowhere.
 * Only the policy's assessor role assesses (pol_assessor); another role's slots are
 * never used. */
static void check_assessment_hours(scn_ctx *c, const pw_params *p)
{
    int assessor = pol_assessor(p);
    if (p->assessment.skip || assessor < 0)
        return;
    const pw_role *r = &p->roles[assessor];
    double m = pw_assess_mean_minutes(p);
    double need = r->assessments_per_week * m / 60.0 + r->colocated_hours_per_week;
    if (need <= r->clinical_hours_per_week + 1e-9)
        return;
    char rk[KEYMAX], k[KEYMAX], slots[40], mins[40], hours[40], have[40];
    scn_subkey(rk, "staff", r->name);
    scn_subkey(k, rk, "assessments_per_week");
    const config_setting_t *at = lookup(c, k);
    if (!at)
        at = lookup(c, rk);
    scn_fmt_num(r->assessments_per_week, slots, sizeof slots);
    scn_fmt_num(m, mins, sizeof mins);
    scn_fmt_num(need, hours, sizeof hours);
    scn_fmt_num(r->clinical_hours_per_week, have, sizeof have);
    char hk[KEYMAX];
    scn_subkey(hk, rk, "clinical_hours_per_week");
    scn_err_pair(c, at ? at : config_root_setting(c->cfg), k, lookup(c, hk), hk,
                 "%s assessments of %s minutes a week (with co-located hours) take %s hours, "
                 "more than clinical_hours_per_week (%s) of which they are a part",
                 slots, mins, hours, have);
}

/* A cut abolishes posts that exist: the role's establishment when it falls due (headcount,
 * the planned hires of its week or earlier, which pw_world.c files before the cuts, less
 * the cuts before it: an earlier week, or the same week and an earlier row, as they
 * fire). More is a slip of the pen, which the run would quietly take as "all of them". */
static void check_cuts(scn_ctx *c, const pw_params *p)
{
    const pw_workforce_p *wf = &p->workforce;
    for (size_t i = 0; i < wf->n_cuts; i++) {
        int r = wf->cuts[i].role;
        if (r < 0 || (size_t)r >= p->n_roles)
            continue; /* an unknown role, reported already */
        long hired = 0, cut = 0;
        for (size_t j = 0; j < wf->n_hires; j++)
            if (wf->hires[j].role == r && wf->hires[j].week <= wf->cuts[i].week)
                hired += wf->hires[j].count;
        for (size_t j = 0; j < wf->n_cuts; j++) {
            double wj = wf->cuts[j].week, wi = wf->cuts[i].week;
            if (wf->cuts[j].role == r && (wj < wi || (wj == wi && j < i)))
                cut += wf->cuts[j].count;
        }
        long posts = p->roles[r].headcount + hired - cut;
        if (wf->cuts[i].count <= posts)
            continue;
        char ek[KEYMAX], k[KEYMAX];
        scn_elemkey(ek, "workforce.cuts", (int)i);
        scn_subkey(k, ek, "count");
        const config_setting_t *list = lookup(c, "workforce.cuts"), *at = NULL;
        if (list)
            at = config_setting_get_member(config_setting_get_elem(list, (unsigned)i), "count");
        scn_err_at(c, at ? at : list ? list : config_root_setting(c->cfg), k,
                   "cuts %d posts of \"%s\" where %ld are left at week %g (headcount %d, "
                   "planned hires %ld, earlier cuts %ld); expected at most %ld",
                   wf->cuts[i].count, p->roles[r].name, posts < 0 ? 0 : posts,
                   wf->cuts[i].week, p->roles[r].headcount, hired, cut, posts < 0 ? 0 : posts);
    }
}

/* workforce.telephone_weight weighs telephone work: the hours held a week for telephone
 * sessions (episode_commit_hours) and a diary's fill by its caseload's telephone share
 * (pw_staff.c); with no telephone sessions in any step a weight other than 1 would do
 * nothing, silently. */
static void check_telephone_weight(scn_ctx *c, const pw_params *p)
{
    if (p->workforce.telephone_weight == 1.0)
        return;
    for (int s = 0; s < PW_STEP_N; s++)
        if (p->step[s].mode_shares[PW_MODE_PHONE] > 0)
            return;
    const config_setting_t *at = lookup(c, "workforce.telephone_weight");
    char v[40];
    scn_fmt_num(p->workforce.telephone_weight, v, sizeof v);
    scn_err_at(c, at ? at : config_root_setting(c->cfg), "workforce.telephone_weight",
               "has no effect here (got %s): it weighs telephone sessions' load, and no "
               "step has any (mode_shares.telephone is 0 in each); expected 1, the default",
               v);
}

/* Closing unanswered referrals where every referral opts in at once closes no one. */
static void check_opt_in_close(scn_ctx *c, const pw_params *p)
{
    const pw_assessment_p *a = &p->assessment;
    double self = isnan(a->self_opt_in_days_mean) ? a->opt_in_days_mean : a->self_opt_in_days_mean;
    if (a->opt_in_close_days == 0 || a->opt_in_days_mean > 0 || self > 0)
        return;
    const config_setting_t *at = lookup(c, "assessment.opt_in_close_days");
    char v[40];
    scn_fmt_num(a->opt_in_close_days, v, sizeof v);
    scn_err_at(c, at ? at : config_root_setting(c->cfg), "assessment.opt_in_close_days",
               "has no effect here (got %s): every referral opts in at once "
               "(opt_in_days_mean and self_referral_opt_in_days_mean are 0); expected 0, "
               "the default",
               v);
}

/* ==== scn_check_all ==================================================================== */

void scn_check_all(scn_ctx *c, pw_params *p)
{
    /* Defaults of groups that may be absent (their post hooks run only when present). */
    scn_settle_casemix(&p->casemix);
    scn_settle_subgroups(&p->subgroups);
    const config_setting_t *root = config_root_setting(c->cfg);
    /* The chosen policy's roles; the others' blocks are read but never used. */
    const pw_policy *pol = pw_policy_of(p->policy);
    char key[KEYMAX];
    scn_subkey(key, "policy_params", pol->name);
    const config_setting_t *g = lookup(c, key), *near = g ? g : lookup(c, "policy_params");
    check_roles(c, p, pol->params, pol->nparams, 0, p->policy_params[p->policy].bytes, key, g,
                near ? near : root);
    check_coverage(c, p);
    check_coordination(c, p);
    /* Each role's training_to (the rest of a role was checked by post_role). */
    for (size_t i = 0; i < p->n_roles; i++) {
        scn_subkey(key, "staff", p->roles[i].name);
        g = lookup(c, key);
        check_roles(c, p, scn_role_fields, scn_nrole_fields, 0, &p->roles[i], key, g,
                    g ? g : root);
    }
    /* The groups (the plans of workforce); staff and policy_params are specials, skipped. */
    check_roles(c, p, scn_top_fields, scn_ntop_fields, 0, p, "", root, root);
    check_ltc_pathway(c, p);
    check_assessment_hours(c, p);
    check_cuts(c, p);
    check_telephone_weight(c, p);
    check_opt_in_close(c, p);
}
