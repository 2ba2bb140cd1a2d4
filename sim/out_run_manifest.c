/* A run's manifest.json (out_run_manifest.h): software, platform, scenario, random
 * numbers, experiment, model and the files of the set. */
#include "out_run_manifest.h"

#include <inttypes.h>
#include <sys/utsname.h>
#include <time.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_version.h>

#include "models/pol.h"
#include "out_file.h"
#include "out_manifest.h"
#include "sim/core/sim_rng.h"
#include "models/pw_world.h"

/* The routing policy's scenario name ("stepped"). */
static const char *policy_name(int k)
{
    const pw_policy *pol = k >= 0 && (size_t)k < pw_policy_count() ? pw_policy_of(k) : NULL;
    return pol && pol->name ? pol->name : "unknown";
}

/* `"key": "value"` (value NULL or "": null), preceded by indent. */
static void json_kv_str(FILE *f, const char *indent, const char *key, const char *value,
                        int last)
{
    fputs(indent, f);
    out_json_str(f, key);
    fputs(": ", f);
    out_json_str(f, out_known(value));
    fputs(last ? "\n" : ",\n", f);
}

/* `"key": number`, preceded by indent. */
static void json_kv_num(FILE *f, const char *indent, const char *key, double value, int last)
{
    fputs(indent, f);
    out_json_str(f, key);
    fputs(": ", f);
    out_json_num(f, value);
    fputs(last ? "\n" : ",\n", f);
}

/* The activities of a role as a JSON array. */
static void json_does(FILE *f, unsigned does)
{
    static const struct {
        unsigned bit;
        const char *name;
    } acts[] = {{PW_DOES_ASSESSMENT, "assessment"}, {PW_DOES_STEP2, "step2"},
                {PW_DOES_GROUPS, "groups"}, {PW_DOES_STEP3, "step3"},
                {PW_DOES_COORDINATION, "coordination"}};
    int first = 1;
    putc('[', f);
    for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++) {
        if (!(does & acts[k].bit))
            continue;
        fputs(first ? "" : ", ", f);
        out_json_str(f, acts[k].name);
        first = 0;
    }
    putc(']', f);
}

#define DEFAULT_STREAM_SCHEME                                                              \
    "one GSL generator per named stream per replication, seeded from (master seed, "       \
    "replication, stream id); each referral has its own stream seeded from (master seed, " \
    "replication, stream family, referral number); seeds are distinct 32-bit values by "   \
    "construction (sim/core/sim_rng.h)"

void out_write_run_manifest(FILE *f, const pw_params *p, const out_run_info *in,
                            const char *scenario_path, const char *scenario_hash, size_t nreps,
                            const out_digest *files, size_t nfiles)
{
    char buf[64];
    const char *I2 = "    ";

    fputs("{\n", f);
    fputs("  \"manifest_version\": 1,\n", f);
    time_t now = time(NULL);
    struct tm tm;
    if (now != (time_t)-1 && gmtime_r(&now, &tm) && strftime(buf, sizeof buf,
                                                            "%Y-%m-%dT%H:%M:%SZ", &tm))
        json_kv_str(f, "  ", "created_utc", buf, 0);
    else
        json_kv_str(f, "  ", "created_utc", NULL, 0);
    json_kv_num(f, "  ", "wall_seconds", in->wall_seconds, 0);

    fputs("  \"software\": {\n", f);
    json_kv_str(f, I2, "stepsim_version", in->version, 0);
    json_kv_str(f, I2, "git_hash", in->git_hash, 0);
    json_kv_str(f, I2, "gsl_version", in->gsl_version ? in->gsl_version : gsl_version, 0);
    json_kv_str(f, I2, "libconfig_version", in->libconfig_version, 0);
#if defined(__clang__) || !defined(__GNUC__)
#ifdef __VERSION__
    json_kv_str(f, I2, "compiler", __VERSION__, 0);
#else
    json_kv_str(f, I2, "compiler", NULL, 0);
#endif
#elif defined(__VERSION__)
    json_kv_str(f, I2, "compiler", "gcc " __VERSION__, 0);
#else
    json_kv_str(f, I2, "compiler", NULL, 0);
#endif
    snprintf(buf, sizeof buf, "C %ld", (long)__STDC_VERSION__);
    json_kv_str(f, I2, "language", buf, 1);
    fputs("  },\n", f);

    struct utsname un;
    int have_un = uname(&un) == 0;
    fputs("  \"platform\": {\n", f);
    json_kv_str(f, I2, "os", have_un ? un.sysname : NULL, 0);
    json_kv_str(f, I2, "os_release", have_un ? un.release : NULL, 0);
    json_kv_str(f, I2, "machine", have_un ? un.machine : NULL, 1);
    fputs("  },\n", f);

    fputs("  \"scenario\": {\n", f);
    json_kv_str(f, I2, "name", p->name, 0);
    json_kv_str(f, I2, "path", scenario_path, 0);
    if (in->service) /* the file is a federation; this is one service of it */
        json_kv_str(f, I2, "service", in->service, 0);
    json_kv_str(f, I2, "hash", scenario_hash, 0);
    fprintf(f, "%s\"overrides\": [", I2);
    for (size_t k = 0; in->sets && k < in->nsets; k++) {
        fputs(k ? ", " : "", f);
        out_json_str(f, in->sets[k]);
    }
    fputs("],\n", f);
    if (p->referrals.weekly_counts[0]) { /* replayed counts: a second input file */
        char hex[OUT_SHA256_HEX], why[256], hash[OUT_SHA256_HEX + 8];
        uint64_t bytes;
        int ok = out_sha256_file(p->referrals.weekly_counts, hex, &bytes, why, sizeof why) == 0;
        if (ok)
            snprintf(hash, sizeof hash, "sha256:%s", hex);
        fprintf(f, "%s\"weekly_counts\": {\"path\": ", I2);
        out_json_str(f, p->referrals.weekly_counts);
        fputs(", \"hash\": ", f);
        if (ok)
            out_json_str(f, hash);
        else
            fputs("null", f);
        fputs("},\n", f);
    }
    json_kv_str(f, I2, "policy", policy_name(p->policy), 1);
    fputs("  },\n", f);

    fputs("  \"random_numbers\": {\n", f);
    json_kv_str(f, I2, "generator",
                in->rng_name ? in->rng_name : SIM_RNG_TYPE->name,
                0);
    fprintf(f, "%s\"master_seed\": %" PRIu64 ",\n", I2, p->seed);
    if (in->service) /* what -s takes beside --service */
        fprintf(f, "%s\"federation_seed\": %" PRIu64 ",\n", I2, in->federation_seed);
    json_kv_str(f, I2, "stream_scheme",
                in->stream_scheme ? in->stream_scheme : DEFAULT_STREAM_SCHEME, 1);
    fputs("  },\n", f);

    fputs("  \"experiment\": {\n", f);
    json_kv_num(f, I2, "warmup_weeks", p->warmup_weeks, 0);
    json_kv_num(f, I2, "horizon_weeks", p->horizon_weeks, 0);
    json_kv_num(f, I2, "followup_weeks", p->followup_weeks, 0);
    json_kv_num(f, I2, "outcome_weeks", p->outcome_weeks, 0);
    json_kv_num(f, I2, "outcome_weeks_late", p->outcome_weeks_late, 0);
    /* The run goes on to the later of the follow-up and the last outcome reading. */
    json_kv_num(f, I2, "run_length_days", pw_run_days(p), 0);
    if (in->start_date)
        json_kv_str(f, I2, "start_date", in->start_date, 0);
    fprintf(f, "%s\"replications_requested\": %d,\n", I2, p->replications);
    fprintf(f, "%s\"replications\": %zu,\n", I2, nreps);
    fprintf(f, "%s\"threads\": %d,\n%s\"ranks\": %d,\n", I2, in->threads, I2, in->ranks);
    fprintf(f, "%s\"command_line\": [", I2);
    out_manifest_argv(f, in->argc, in->argv);
    fputs("]\n  },\n", f);

    fputs("  \"model\": {\n", f);
    json_kv_num(f, I2, "referrals_per_week", pw_referral_base_per_week(&p->referrals), 0);
    json_kv_num(f, I2, "growth_per_year", p->referrals.growth_per_year, 0);
    fprintf(f, "%s\"weekend_closed\": %s,\n", I2, p->weekend_closed ? "true" : "false");
    fprintf(f, "%s\"closure_days\": %zu,\n", I2, p->n_closures);
    fprintf(f, "%s\"bank_holidays\": \"%s\",\n", I2,
            p->bank_holidays == PW_BANK_HOLIDAYS_ENGLAND_WALES ? "england_wales" : "none");
    fprintf(f, "%s\"roles\": [", I2);
    for (size_t k = 0; k < p->n_roles && k < PW_MAX_ROLES; k++) {
        const pw_role *r = &p->roles[k];
        fputs(k ? ",\n      {" : "\n      {", f);
        fputs("\"name\": ", f);
        out_json_str(f, r->name);
        fprintf(f, ", \"headcount\": %d, \"fte\": ", r->headcount);
        out_json_num(f, r->fte);
        if (r->n_fte_mix) { /* the mix whose mean fte is, where the scenario gives one */
            fputs(", \"fte_mix\": [", f);
            for (size_t i = 0; i < r->n_fte_mix; i++) {
                fputs(i ? ", {\"share\": " : "{\"share\": ", f);
                out_json_num(f, r->fte_mix[i].share);
                fputs(", \"fte\": ", f);
                out_json_num(f, r->fte_mix[i].fte);
                fputc('}', f);
            }
            fputc(']', f);
        }
        fputs(", \"clinical_hours_per_week\": ", f);
        out_json_num(f, r->clinical_hours_per_week);
        fprintf(f, ", \"caseload_cap\": %d, \"does\": ", r->caseload_cap);
        json_does(f, r->does);
        fputc('}', f);
    }
    fputs(p->n_roles ? "\n    ]\n  },\n" : "]\n  },\n", f);

    /* One file a line, so that `sha256sum -c` input is one sed away. */
    fputs("  \"files\": [\n", f);
    for (size_t k = 0; k < nfiles; k++)
        out_manifest_file_line(f, files[k].name, files[k].bytes, files[k].sha256,
                               k + 1 == nfiles);
    fputs("  ],\n", f);
    json_kv_str(f, "  ", "varies_between_identical_runs",
                "manifest.json only: created_utc, wall_seconds, command_line, scenario.path, "
                "platform", 1);
    fputs("}\n", f);
}
