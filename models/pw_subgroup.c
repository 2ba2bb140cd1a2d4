/* Subgroups: the attributes added to the case mix (deprivation quintile, ethnicity group),
 * what each attribute does to a person's path (opt-in, DNA, dropout, response), and which
 * subgroups a person counts in.
 *
 * Holds: the new attributes' draw, each person's multipliers from subgroups.<attribute>,
 * a person's level of each attribute, their subgroups for the outcome counts.
 * Streams: none. The new attributes come from keyed dice (key_die: KD_DEPRIVATION,
 * KD_ETHNIC_GROUP), so adding them shifted no one's case mix; the multipliers scale
 * probabilities and hazards that the pathway draws as before (the same draw, another
 * threshold), so a person's luck is the same whatever the effects.
 * Schedules: nothing.
 */
#include "pw_state.h"

/* The level of attribute a of pt (0 .. pw_attr_levels(a) - 1). */
static int level_of(const patient *pt, pw_attr a)
{
    switch (a) {
    case PW_A_AGE: return pt->age_band;
    case PW_A_SEX: return pt->female;
    case PW_A_ETHNICITY: return pt->ethnic;
    case PW_A_LTC: return pt->ltc;
    case PW_A_LD: return pt->ld;
    case PW_A_SOURCE: return pt->self_ref;
    case PW_A_DEPRIVATION: return pt->deprivation;
    default: return 0;
    }
}

/* The share of referrals at each level of attribute a at day t, into sh[]. */
static void level_shares(const pw_params *p, pw_attr a, double t, double sh[PW_LEVELS_MAX])
{
    const pw_casemix *m = &p->casemix;
    switch (a) {
    case PW_A_AGE:
        for (int k = 0; k < 4; k++)
            sh[k] = m->age_band_shares[k];
        break;
    case PW_A_SEX: sh[0] = 1 - m->female_share, sh[1] = m->female_share; break;
    case PW_A_ETHNICITY:
        sh[0] = 1 - m->ethnic_minority_share;
        for (int k = 1; k < PW_ETHNIC_N; k++)
            sh[k] = m->ethnic_minority_share * m->ethnic_group_shares[k - 1];
        break;
    case PW_A_LTC: sh[0] = 1 - m->ltc_share, sh[1] = m->ltc_share; break;
    case PW_A_LD: sh[0] = 1 - m->ld_share, sh[1] = m->ld_share; break;
    case PW_A_SOURCE: {
        double self = pw_referral_self_share(p, t);
        sh[0] = 1 - self, sh[1] = self;
        break;
    }
    case PW_A_DEPRIVATION:
        for (int k = 0; k < PW_DEPRIVATION_N; k++)
            sh[k] = m->deprivation_shares[k];
        break;
    default: break;
    }
}

/* Multiplier v[level] relative to the share-weighted mean of v over the attribute's
 * levels: exactly 1 when every level's is 1 (nothing published: the baseline's numbers
 * stay bit for bit). Where the weighted mean is 0 (every level given more than 0 has no
 * referrals: all 0 is refused at load), v[level] itself: taken as 1, as it once was, a
 * level written 0 would act as 1. */
static double relative(const double *v, const double *sh, int levels, int level)
{
    int ones = 1;
    double mean = 0;
    for (int k = 0; k < levels; k++) {
        ones &= v[k] == 1.0;
        mean += sh[k] * v[k];
    }
    return ones ? 1.0 : mean > 0 ? v[level] / mean : v[level];
}

/* Level k's multipliers of attribute a at day t (relative() of each effect, times the
 * scenario's absolute change), into r's entries k. Inline: called apart, the source's at
 * every referral cost 0.6% of the baseline's instructions more. */
static inline void level_multipliers(const pw_params *p, pw_attr a, double t, int k, pw_effects *r)
{
    const pw_effects *e = &p->subgroups.effects[a].rel, *c = &p->subgroups.effects[a].change;
    double sh[PW_LEVELS_MAX] = {0};
    int n = pw_attr_levels(a);
    level_shares(p, a, t, sh);
    r->opt_in[k] = relative(e->opt_in, sh, n, k) * c->opt_in[k];
    r->dna[k] = relative(e->dna, sh, n, k) * c->dna[k];
    r->dropout[k] = relative(e->dropout, sh, n, k) * c->dropout[k];
    r->response[k] = relative(e->response, sh, n, k) * c->response[k];
}

/* The multipliers of every level of the attributes whose referral shares do not change
 * over the run (all but the source: the self-referral share may follow growth or weekly
 * counts), worked out once rather than for every referral (3% of England's time). */
void subgroup_prepare(world *w)
{
    for (int a = 0; a < PW_A_N; a++)
        for (int k = 0; a != PW_A_SOURCE && k < pw_attr_levels((pw_attr)a); k++)
            level_multipliers(w->p, (pw_attr)a, 0.0, k, &w->sg_rel[a]);
}

/* pt's multipliers from the subgroups.<attribute> effects of their levels, each relative
 * to the attribute's mean (the population's gaps leave the average referral unchanged)
 * times the attribute's absolute change, multiplied across attributes. */
static void settle(const world *w, patient *pt)
{
    const pw_params *p = w->p;
    pt->sg_opt_in = pt->sg_dna = pt->sg_dropout = pt->sg_response = 1.0;
    for (int a = 0; a < PW_A_N; a++) {
        int k = level_of(pt, (pw_attr)a);
        pw_effects now;
        const pw_effects *r = &w->sg_rel[a];
        if (a == PW_A_SOURCE) { /* its shares at this moment */
            level_multipliers(p, (pw_attr)a, w->s.now, k, &now);
            r = &now;
        }
        pt->sg_opt_in *= r->opt_in[k];
        pt->sg_dna *= r->dna[k];
        pt->sg_dropout *= r->dropout[k];
        pt->sg_response *= r->response[k];
    }
    /* Co-location in primary care: GP referrals engage more readily. */
    if (!pt->self_ref) {
        pt->sg_opt_in *= p->assessment.colocated_gp_opt_in_odds;
        pt->sg_dna *= p->assessment.colocated_gp_dna_odds;
    }
}

/* The index of the share u falls in (shares sum to 1; the last takes the rest). */
static unsigned char pick(const double *shares, int n, double u)
{
    double c = 0;
    for (int k = 0; k < n; k++) {
        c += shares[k];
        if (u < c)
            return (unsigned char)k;
    }
    return (unsigned char)(n - 1);
}

/* A new person's deprivation quintile and ethnicity group (within the ethnic minority
 * share drawn with the case mix) from their keyed dice, then their multipliers. pt->key
 * and the case mix must be set. */
void subgroup_draw(const world *w, patient *pt)
{
    const pw_casemix *m = &w->p->casemix;
    pt->deprivation =
        pick(m->deprivation_shares, PW_DEPRIVATION_N, key_die(w, pt->key, KD_DEPRIVATION, 0));
    pt->ethnic = pt->minority ? (unsigned char)(1 + pick(m->ethnic_group_shares, PW_ETHNIC_N - 1,
                                                         key_die(w, pt->key, KD_ETHNIC_GROUP, 0)))
                              : 0;
    settle(w, pt);
}

/* A re-referral: the same person's attributes as old's, and so the same multipliers. */
void subgroup_copy(patient *pt, const patient *old)
{
    pt->self_ref = old->self_ref;
    pt->age_band = old->age_band;
    pt->female = old->female;
    pt->minority = old->minority;
    pt->ltc = old->ltc;
    pt->ld = old->ld;
    pt->deprivation = old->deprivation;
    pt->ethnic = old->ethnic;
    pt->sg_opt_in = old->sg_opt_in;
    pt->sg_dna = old->sg_dna;
    pt->sg_dropout = old->sg_dropout;
    pt->sg_response = old->sg_response;
}

/* in[g] = 1 for each subgroup g that pt counts in (pw_subgroup), else 0. */
void subgroup_members(const patient *pt, int in[PW_G_N])
{
    for (int g = 0; g < PW_G_N; g++)
        in[g] = 0;
    static const pw_subgroup age[4] = {PW_G_AGE_18_25, PW_G_AGE_26_35, PW_G_AGE_36_64,
                                       PW_G_AGE_65PLUS};
    static const pw_subgroup eth[PW_ETHNIC_N] = {PW_G_WHITE, PW_G_ASIAN, PW_G_BLACK, PW_G_MIXED,
                                                 PW_G_OTHER_ETHNIC};
    in[PW_G_ALL] = 1;
    in[pt->self_ref ? PW_G_SELF : PW_G_GP] = 1;
    in[pt->ltc ? PW_G_LTC : PW_G_NO_LTC] = 1;
    in[pt->ld ? PW_G_LD : PW_G_NO_LD] = 1;
    in[PW_G_ETHNIC_MINORITY] = pt->minority;
    in[age[pt->age_band & 3]] = 1;
    in[pt->female ? PW_G_FEMALE : PW_G_MALE] = 1;
    in[eth[pt->ethnic < PW_ETHNIC_N ? pt->ethnic : 0]] = 1;
    in[PW_G_DEPRIVATION_Q1 + (pt->deprivation < PW_DEPRIVATION_N ? pt->deprivation : 0)] = 1;
}
