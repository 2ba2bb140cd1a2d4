/* services.csv and report.html's services (see out_services.h). */
#include "out_services.h"

#include <math.h>
#include <stdlib.h>

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
