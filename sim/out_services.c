/* services.csv (see out_services.h). */
#include "out_services.h"

#include <math.h>
#include <stdlib.h>

#include "out_file.h"
#include "models/pw_world.h"

int out_write_services(const char *outdir, const pw_params *nat, const pw_params *svc,
                       const double *scale, const double *staffing, size_t nsvc,
                       const pw_results *reps, size_t nreps, char *err, size_t errlen)
{
    out_file of = OUT_FILE_INIT;
    char *scn = out_csv_quote(nat->name);
    if (!scn)
        return out_error(err, errlen, OUT_ENOMEM, "out of memory");
    int ret = out_file_open(&of, outdir, "services.csv", err, errlen);
    if (ret != OUT_OK) {
        free(scn);
        return ret;
    }
    FILE *f = of.f;
    fputs("scenario,service,scale,staffing,referrals_per_week", f);
    for (size_t r = 0; r < nat->n_roles; r++)
        fprintf(f, ",%s_headcount", nat->roles[r].name);
    for (int m = 0; m < PW_M_N; m++)
        fprintf(f, ",%s", pw_metric_name((pw_metric)m));
    fputc('\n', f);
    for (size_t k = 0; k < nsvc; k++) {
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
        for (int m = 0; m < PW_M_N; m++) {
            double sum = 0;
            size_t n = 0;
            for (size_t i = 0; i < nreps; i++) {
                double v = k < reps[i].n_services ? reps[i].service_metric[k * PW_M_N + m] : NAN;
                if (isfinite(v)) {
                    sum += v;
                    n++;
                }
            }
            fputc(',', f);
            out_csv_num(f, n ? sum / (double)n : NAN);
        }
        fputc('\n', f);
    }
    free(scn);
    if ((ret = out_file_close(&of, err, errlen)) != OUT_OK)
        return ret;
    return out_file_commit(&of, err, errlen);
}
