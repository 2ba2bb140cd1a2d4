/* services.csv and report.html's services (see out_services.h). */
#include "out_services.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "out_compare.h"
#include "out_file.h"
#include "out_metrics.h"
#include "models/pw_world.h"

/* Service k's metric m over the replications reps[order[0..nreps)] (x: room for nreps):
 * its mean, 95% CI and count, as summary.csv summarises a national metric. */
static int service_summary(const pw_results *reps, const size_t *order, size_t nreps,
                           size_t k, int m, double *x, sim_summary *s)
{
    for (size_t i = 0; i < nreps; i++) {
        const pw_results *r = &reps[order[i]];
        x[i] = k < r->n_services ? r->service_metric[k * PW_M_N + m] : NAN;
        if (!isfinite(x[i]))
            x[i] = NAN;
    }
    return sim_summarise(x, nreps, s) == 0 ? OUT_OK : OUT_ENOMEM;
}

int out_write_services(const char *outdir, const pw_params *nat, const pw_params *svc,
                       const double *scale, const double *staffing, size_t nsvc,
                       const pw_results *reps, size_t nreps, char *err, size_t errlen)
{
    out_file of = OUT_FILE_INIT;
    char *scn = out_csv_quote(nat->name);
    size_t *order = out_rep_order(reps, nreps);
    double *x = malloc((nreps ? nreps : 1) * sizeof *x);
    if (!scn || !order || !x) {
        free(scn);
        free(order);
        free(x);
        return out_error(err, errlen, OUT_ENOMEM, "out of memory");
    }
    int ret = out_file_open(&of, outdir, "services.csv", err, errlen);
    if (ret != OUT_OK) {
        free(scn);
        free(order);
        free(x);
        return ret;
    }
    FILE *f = of.f;
    fputs("scenario,service,scale,staffing,referrals_per_week", f);
    for (size_t r = 0; r < nat->n_roles; r++)
        fprintf(f, ",%s_headcount", nat->roles[r].name);
    for (int m = 0; m < PW_M_N; m++) {
        const char *name = pw_metric_name((pw_metric)m);
        fprintf(f, ",%s,%s_ci_low,%s_ci_high", name, name, name);
    }
    fputc('\n', f);
    for (size_t k = 0; k < nsvc && ret == OUT_OK; k++) {
        fprintf(f, "%s,", scn);
        out_csv_str(f, svc[k].name);
        fputc(',', f);
        out_csv_num(f, scale[k]);
        fputc(',', f);
        out_csv_num(f, staffing[k]);
        fputc(',', f);
        out_csv_num(f, pw_referral_base_per_week(&svc[k].referrals));
        for (size_t r = 0; r < nat->n_roles; r++)
            fprintf(f, ",%d", svc[k].roles[r].headcount);
        for (int m = 0; m < PW_M_N && ret == OUT_OK; m++) {
            sim_summary s;
            ret = service_summary(reps, order, nreps, k, m, x, &s);
            fputc(',', f);
            out_csv_num(f, s.mean);
            fputc(',', f);
            out_csv_num(f, s.ci_low);
            fputc(',', f);
            out_csv_num(f, s.ci_high);
        }
        fputc('\n', f);
    }
    free(scn);
    free(order);
    free(x);
    if (ret != OUT_OK) {
        out_file_abort(&of);
        return out_error(err, errlen, OUT_ENOMEM, "out of memory");
    }
    if ((ret = out_file_close(&of, err, errlen)) != OUT_OK)
        return ret;
    return out_file_commit(&of, err, errlen);
}

/* The figures report.html tables and charts for each service: few, so that a page of
 * England's 120 services stays small (services.csv has every metric). */
static const int page_metrics[] = {
    PW_M_WITHIN_6_WEEKS_TRUE,    PW_M_WITHIN_6_WEEKS_REPORTED, PW_M_WAIT_TO_TREATMENT_DAYS_MEAN,
    PW_M_RECOVERY_RATE_TRUE,     PW_M_RECOVERY_RATE_REPORTED,  PW_M_COST_PER_TRUE_RECOVERY_GBP,
};

int out_services_json(FILE *f, const scn_federation *fed, const pw_results *reps,
                      const size_t *order, size_t nreps)
{
    double *x = malloc((nreps ? nreps : 1) * sizeof *x);
    if (!x)
        return OUT_ENOMEM;
    fputs(",\n\"service_figures\": [", f);
    for (size_t k = 0; k < fed->n; k++) {
        fprintf(f, "%s\n{\"name\": ", k ? "," : "");
        out_json_str(f, fed->services[k].name);
        out_json_kv_num(f, "scale", fed->scale[k]);
        out_json_kv_num(f, "staffing", fed->staffing[k]);
        out_json_kv_num(f, "referrals_per_week",
                        pw_referral_base_per_week(&fed->services[k].referrals));
        fputs(", \"metrics\": {", f);
        for (size_t j = 0; j < sizeof page_metrics / sizeof page_metrics[0]; j++) {
            sim_summary s;
            if (service_summary(reps, order, nreps, k, page_metrics[j], x, &s) != OUT_OK) {
                free(x);
                return OUT_ENOMEM;
            }
            fprintf(f, "%s\"%s\": {\"mean\": ", j ? ", " : "",
                    pw_metric_name((pw_metric)page_metrics[j]));
            out_json_num(f, s.mean);
            out_json_kv_num(f, "ci_low", s.ci_low);
            out_json_kv_num(f, "ci_high", s.ci_high);
            fprintf(f, ", \"n\": %zu}", s.n);
        }
        fputs("}}", f);
    }
    fputc(']', f);
    free(x);
    return OUT_OK;
}

/* ---- compare: the same services in two or more federations ---------------------------- */

int out_services_paired(size_t nscn, const char *const *names, const scn_federation *feds,
                        char *why, size_t whylen)
{
    size_t nfed = 0, plain = SIZE_MAX;
    if (whylen)
        why[0] = '\0';
    for (size_t s = 0; s < nscn; s++) {
        if (feds[s].n)
            nfed++;
        else if (plain == SIZE_MAX)
            plain = s;
    }
    if (nfed == 0)
        return 0; /* no services to speak of */
    if (plain != SIZE_MAX) {
        snprintf(why, whylen,
                 "%s is not a federation (no services list): services are compared only "
                 "between federations with the same services",
                 names[plain]);
        return 0;
    }
    for (size_t s = 1; s < nscn; s++) {
        if (feds[s].n != feds[0].n) {
            snprintf(why, whylen,
                     "%s has %zu service%s where %s has %zu: services are compared only "
                     "between federations with the same services, by name, in the same order",
                     names[s], feds[s].n, feds[s].n == 1 ? "" : "s", names[0], feds[0].n);
            return 0;
        }
        for (size_t k = 0; k < feds[0].n; k++)
            if (strcmp(feds[s].services[k].name, feds[0].services[k].name) != 0) {
                snprintf(why, whylen,
                         "service %zu of %s is \"%s\" where %s's is \"%s\": services are "
                         "compared only between federations with the same services, by "
                         "name, in the same order",
                         k + 1, names[s], feds[s].services[k].name, names[0],
                         feds[0].services[k].name);
                return 0;
            }
    }
    return 1;
}

/* Service k's metric m in scenario s: its own summary over the replications, and the
 * paired difference to the reference's (reps[0]) same service, replication by replication
 * (order[s]: scenario s's replication order; x: nreps scratch values). */
static int service_pair(const pw_results *const *reps, size_t *const *order, size_t nreps,
                        size_t s, size_t k, int m, double *x, sim_summary *own,
                        sim_summary *diff)
{
    if (service_summary(reps[s], order[s], nreps, k, m, x, own) != OUT_OK)
        return OUT_ENOMEM;
    for (size_t r = 0; r < nreps; r++) {
        const pw_results *a = &reps[0][order[0][r]];
        double v = k < a->n_services ? a->service_metric[k * PW_M_N + m] : NAN;
        x[r] = isfinite(v) ? x[r] - v : NAN; /* a pair lacking either value is left out */
    }
    return sim_summarise(x, nreps, diff) == 0 ? OUT_OK : OUT_ENOMEM;
}

/* Every scenario's replication order, and nreps scratch values: NULL on no memory. */
static size_t **orders(const pw_results *const *reps, size_t nscn, size_t nreps, double **x)
{
    size_t **order = calloc(nscn ? nscn : 1, sizeof *order);
    *x = malloc((nreps ? nreps : 1) * sizeof **x);
    int ok = order && *x;
    for (size_t s = 0; ok && s < nscn; s++)
        ok = (order[s] = out_rep_order(reps[s], nreps)) != NULL;
    if (ok)
        return order;
    for (size_t s = 0; order && s < nscn; s++)
        free(order[s]);
    free(order);
    free(*x);
    *x = NULL;
    return NULL;
}

/* Free each scenario's replication order (nscn of them), the array and scratch x (safe on
 * NULL). */
static void orders_free(size_t **order, size_t nscn, double *x)
{
    for (size_t s = 0; order && s < nscn; s++)
        free(order[s]);
    free(order);
    free(x);
}

int out_write_compare_services(const char *outdir, size_t nscn, const char *const *names,
                               const scn_federation *feds, const pw_results *const *reps,
                               size_t nreps, char *err, size_t errlen)
{
    double *x;
    size_t **order = orders(reps, nscn, nreps, &x);
    if (!order)
        return out_error(err, errlen, OUT_ENOMEM, "out of memory comparing services");
    out_file of = OUT_FILE_INIT;
    int rc = out_file_open(&of, outdir, "compare_services.csv", err, errlen);
    if (rc != OUT_OK) {
        orders_free(order, nscn, x);
        return rc;
    }
    FILE *f = of.f;
    fputs("scenario,reference,service,metric,mean,ci_low,ci_high,diff_mean,diff_ci_low,"
          "diff_ci_high,n,diff_n\n",
          f);
    for (size_t k = 0; k < feds[0].n && rc == OUT_OK; k++)
        for (int m = 0; m < PW_M_N && rc == OUT_OK; m++)
            for (size_t s = 0; s < nscn && rc == OUT_OK; s++) {
                sim_summary own, diff;
                if ((rc = service_pair(reps, order, nreps, s, k, m, x, &own, &diff)) != OUT_OK)
                    break;
                out_csv_str(f, names[s]);
                fputc(',', f);
                out_csv_str(f, names[0]);
                fputc(',', f);
                out_csv_str(f, feds[s].services[k].name);
                fprintf(f, ",%s,", pw_metric_name((pw_metric)m));
                out_compare_csv_cells(f, &own, s ? &diff : NULL);
                fprintf(f, "%zu,", own.n);
                if (s)
                    fprintf(f, "%zu", diff.n);
                fputc('\n', f);
            }
    orders_free(order, nscn, x);
    if (rc != OUT_OK) {
        out_file_abort(&of);
        return out_error(err, errlen, OUT_ENOMEM, "out of memory comparing services");
    }
    if ((rc = out_file_close(&of, err, errlen)) != OUT_OK)
        return rc;
    return out_file_commit(&of, err, errlen);
}

/* The figures compare.html draws service by service: the true six-week share and true
 * recovery (report.html's two ranked charts). */
static const int compare_page_metrics[] = {PW_M_WITHIN_6_WEEKS_TRUE, PW_M_RECOVERY_RATE_TRUE};

int out_compare_services_json(FILE *f, size_t nscn, const char *const *names,
                              const scn_federation *feds, const pw_results *const *reps,
                              size_t nreps)
{
    char why[512];
    if (!out_services_paired(nscn, names, feds, why, sizeof why)) {
        if (why[0]) {
            fputs(",\n\"services_unpaired\": ", f);
            out_json_str(f, why);
        }
        return OUT_OK;
    }
    double *x;
    size_t **order = orders(reps, nscn, nreps, &x);
    if (!order)
        return OUT_ENOMEM;
    int rc = OUT_OK;
    fputs(",\n\"service_diffs\": [", f);
    for (size_t s = 1; s < nscn && rc == OUT_OK; s++) {
        fprintf(f, "%s\n{\"scenario\": ", s > 1 ? "," : "");
        out_json_str(f, names[s]);
        fputs(", \"services\": [", f);
        for (size_t k = 0; k < feds[s].n && rc == OUT_OK; k++) {
            fprintf(f, "%s\n{\"name\": ", k ? "," : "");
            out_json_str(f, feds[s].services[k].name);
            for (size_t j = 0; j < sizeof compare_page_metrics / sizeof *compare_page_metrics;
                 j++) {
                sim_summary own, diff;
                int m = compare_page_metrics[j];
                if ((rc = service_pair(reps, order, nreps, s, k, m, x, &own, &diff)) != OUT_OK)
                    break;
                fprintf(f, ", \"%s\": {\"diff\": ", pw_metric_name((pw_metric)m));
                out_json_num(f, diff.mean);
                out_json_kv_num(f, "diff_ci_low", diff.ci_low);
                out_json_kv_num(f, "diff_ci_high", diff.ci_high);
                fprintf(f, ", \"diff_n\": %zu}", diff.n);
            }
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputc(']', f);
    orders_free(order, nscn, x);
    return rc;
}
