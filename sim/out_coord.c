/* Care coordination's figures and coordination.csv, one row per replication and figure
 * (coordination_summary.csv is out_write.c's, as summary.csv; see out_coord.h and
 * README.md, "Output reference"). */
#include "out_coord.h"

#include <math.h>

#include "out_file.h"
#include "out_metrics.h"

/* The figures, in the order written. */
typedef enum coord_fig {
    CF_COMPLEX, CF_COORDINATED, CF_WITHOUT, CF_LOST, CF_COORDINATED_SHARE, CF_ENTERED_SHARE,
    CF_DROPOUT_SHARE, CF_DNA_SHARE, CF_RECOVERY_TRUE, CF_CASELOAD_MEAN, CF_PLACES_USED,
    CF_UTILISATION, CF_COST, CF_COST_PER_COORDINATED, CF_N
} coord_fig;

static const char *const fig_names[CF_N] = {
    "complex_referrals", "coordinated", "without_coordinator", "lost_coordinator",
    "coordinated_share", "complex_entered_treatment_share", "complex_dropout_share",
    "complex_dna_share", "complex_recovery_rate_true", "coordinator_caseload_mean",
    "coordinator_places_used_share", "coordinator_utilisation", "coordinator_cost_gbp",
    "cost_per_person_coordinated_gbp"};

int out_coord_on(const pw_params *p)
{
    for (size_t r = 0; r < p->n_roles && r < PW_MAX_ROLES; r++)
        if (p->roles[r].does & PW_DOES_COORDINATION)
            return 1;
    return 0;
}

size_t out_coord_count(void) { return CF_N; }

const char *out_coord_name(size_t i) { return i < CF_N ? fig_names[i] : NULL; }

/* a / b; NaN when b is 0. */
static double ratio(double a, double b) { return b != 0 ? a / b : NAN; }

/* Salary, on-costs and training of the roles that do "coordination", over the window. */
static double coord_cost(const pw_params *p, const pw_results *r)
{
    double gbp = 0;
    for (size_t k = 0; k < p->n_roles && k < PW_MAX_ROLES; k++)
        if (p->roles[k].does & PW_DOES_COORDINATION)
            gbp += r->roles[k].salary_gbp + r->roles[k].oncost_gbp + r->roles[k].training_gbp;
    return gbp;
}

double out_coord_value(const pw_params *p, const pw_results *r, size_t i)
{
    const pw_coord_stats *s = &r->coord;
    switch ((coord_fig)i) {
    case CF_COMPLEX:
        return s->complex_n;
    case CF_COORDINATED:
        return s->coordinated;
    case CF_WITHOUT:
        return s->without;
    case CF_LOST:
        return s->lost;
    case CF_COORDINATED_SHARE:
        return ratio(s->coordinated, s->complex_n);
    case CF_ENTERED_SHARE:
        return ratio(s->entered, s->complex_n);
    case CF_DROPOUT_SHARE:
        return ratio(s->dropped, s->complex_n);
    case CF_DNA_SHARE:
        return ratio(s->dnas, s->booked);
    case CF_RECOVERY_TRUE:
        return ratio(s->recovered, s->casers);
    case CF_CASELOAD_MEAN:
        return ratio(s->held_years, out_window_years(p));
    case CF_PLACES_USED:
        return ratio(s->held_years, s->places_years);
    case CF_UTILISATION:
        return ratio(s->load_hours_years, s->hours_years);
    case CF_COST:
        return coord_cost(p, r);
    case CF_COST_PER_COORDINATED:
        return ratio(coord_cost(p, r), s->coordinated);
    case CF_N:
        break;
    }
    return NAN;
}

void out_write_coordination(FILE *f, const pw_params *p, const char *scn,
                            const pw_results *reps, const size_t *order, size_t nreps)
{
    fputs("scenario,replication,metric,value\n", f);
    for (size_t i = 0; i < nreps; i++) {
        const pw_results *r = &reps[order[i]];
        for (size_t m = 0; m < CF_N; m++) {
            fprintf(f, "%s,%d,%s,", scn, r->replication, fig_names[m]);
            out_csv_num(f, out_coord_value(p, r, m));
            putc('\n', f);
        }
    }
}
