/* calibrate's outputs (see calibrate.h): calibrate.csv, fitted.cfg and the terminal's
 * report of the fit. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "calibrate.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out_file.h"
#include "out_metrics.h"

/* ==== outputs ========================================================================== */

/* The members of an overrides group under prefix ("" or "a.b.") for the fitted keys of
 * p: a key's value, or a subgroup, on one line when it holds one key (indent < 0:
 * everything on the current line). */
static void print_members(FILE *f, const calib *cb, const cpoint *p, const char *prefix,
                          int indent)
{
    size_t plen = strlen(prefix);
    int inl = indent < 0;
    for (size_t i = 0; i < cb->k; i++) {
        const char *key = cb->t.params[i].key;
        if (strncmp(key, prefix, plen) != 0)
            continue;
        const char *rest = key + plen, *dot = strchr(rest, '.');
        size_t n = dot ? (size_t)(dot - rest) : strlen(rest), j;
        for (j = 0; j < i; j++) { /* a member named by an earlier key is printed */
            const char *o = cb->t.params[j].key;
            if (!strncmp(o, key, plen + n) && (o[plen + n] == '.' || !o[plen + n]))
                break;
        }
        if (j < i)
            continue;
        if (!dot) {
            fprintf(f, "%*s%s = %s;%s", inl ? 0 : indent, "", rest,
                    strchr(p->assign[i], '=') + 1, inl ? " " : "\n");
            continue;
        }
        char sub[EX_KEY_MAX + 2];
        snprintf(sub, sizeof sub, "%.*s", (int)(plen + n + 1), key);
        size_t under = 0;
        for (size_t m = 0; m < cb->k; m++)
            under += !strncmp(cb->t.params[m].key, sub, plen + n + 1);
        if (inl || under == 1) {
            fprintf(f, "%*s%.*s = { ", inl ? 0 : indent, "", (int)n, rest);
            print_members(f, cb, p, sub, -1);
            fprintf(f, "};%s", inl ? " " : "\n");
        } else {
            fprintf(f, "%*s%.*s = {\n", indent, "", (int)n, rest);
            print_members(f, cb, p, sub, indent + 4);
            fprintf(f, "%*s};\n", indent, "");
        }
    }
}

/* `overrides = { ... };` setting the fitted values of p. */
static void print_overrides(FILE *f, const calib *cb, const cpoint *p)
{
    fputs("overrides = {\n", f);
    print_members(f, cb, p, "", 4);
    fputs("};\n", f);
}

/* The same group, every line a comment ("# overrides = {"): for --service's fitted.cfg,
 * whose keys hold the fitted values as the service scales them. */
static void print_overrides_commented(FILE *f, const calib *cb, const cpoint *p)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m) {
        print_overrides(m, cb, p);
        if (fclose(m) != 0) {
            free(text);
            text = NULL;
        }
    }
    for (const char *line = text; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        fprintf(f, "# %.*s\n", (int)n, line);
        line += n + (nl != NULL);
    }
    free(text);
}

/* calibrate.csv: one row per evaluation. */
void calib_write_csv(FILE *f, const calib *cb)
{
    char name[OUT_METRIC_NAME_MAX];
    fputs("scenario,evaluation", f);
    for (size_t i = 0; i < cb->k; i++) {
        fputc(',', f);
        out_csv_str(f, cb->t.params[i].key);
    }
    for (size_t j = 0; j < cb->t.ntargets; j++)
        fprintf(f, ",%s", ex_metric_name(cb->t.targets[j].index, name, sizeof name));
    fputs(",distance,reused\n", f);
    for (size_t e = 0; e < cb->nevals; e++) {
        const cpoint *p = &cb->pts[cb->evals[e]];
        size_t first = 0;
        while (cb->evals[first] != cb->evals[e])
            first++;
        fprintf(f, "%s,%zu", cb->x.csv_label, e);
        for (size_t i = 0; i < cb->k; i++)
            fprintf(f, ",%s", strchr(p->assign[i], '=') + 1);
        for (size_t j = 0; j < cb->t.ntargets; j++) {
            fputc(',', f);
            out_csv_num(f, ex_point_summary(&p->pt, cb->t.targets[j].index, p->pt.nreps).mean);
        }
        fputc(',', f);
        out_csv_num(f, p->distance);
        fprintf(f, ",%d\n", first < e);
    }
}

/* Can fitted.cfg @include the scenario file? Not when the file @includes another, or has
 * its own overrides group: libconfig 1.5 resolves every @include from the folder of the
 * file named on the command line, and overrides do not nest. A line starting with either
 * word counts (in a comment too: a false alarm only gives the full form). */
static int includable(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int ok = f != NULL;
    while (ok && fgets(line, sizeof line, f)) {
        const char *s = line + strspn(line, " \t");
        ok = strncmp(s, "@include", 8) != 0 && strncmp(s, "overrides", 9) != 0;
    }
    if (f)
        fclose(f);
    return ok;
}

/* The path of file `to` relative to the folder `from` (which need not exist yet, but
 * its parent must), both taken physically (symbolic links resolved); malloc'd, or NULL
 * if either cannot be resolved. libconfig 1.5 puts its include folder before every
 * @include path, absolute ones too, so fitted.cfg names the scenario this way. */
static char *relative_path(const char *from, const char *to)
{
    char *dir = strdup(from), *slash = dir ? strrchr(dir, '/') : NULL;
    const char *base = slash ? slash + 1 : from;
    if (slash)
        *slash = '\0';
    char *parent = dir ? realpath(slash ? (*dir ? dir : "/") : ".", NULL) : NULL;
    char *target = realpath(to, NULL), *out = NULL;
    if (parent && target) {
        size_t n = strlen(parent) + strlen(base) + 2;
        char *here = malloc(n);
        if (here) {
            snprintf(here, n, "%s/%s", strcmp(parent, "/") ? parent : "", base);
            /* The common leading folders, then one ".." for each of here's that remain. */
            size_t common = 0, i = 0;
            for (; here[i] && here[i] == target[i]; i++)
                if (here[i] == '/')
                    common = i;
            if (!here[i] && target[i] == '/')
                common = i;
            size_t ups = here[common] == '/'; /* else here is a folder above target */
            for (size_t j = common + 1; ups && here[j]; j++)
                ups += here[j] == '/';
            out = malloc(3 * ups + strlen(target) + 1);
            if (out) {
                out[0] = '\0';
                for (size_t j = 0; j < ups; j++)
                    strcat(out, "../");
                strcat(out, target + common + 1);
            }
            free(here);
        }
    }
    free(dir);
    free(parent);
    free(target);
    return out;
}

/* fitted.cfg: the scenario @included by its path relative to the output folder (or
 * written whole, as `stepsim check` prints it, when it cannot be included or the command
 * line had --set) and the fitted values in overrides. A federation is written whole, as
 * loaded at the best point: the fitted values were set on its base as --set is, after a
 * service's own overrides, which an overrides group comes before; printed so, a service
 * no longer lists a fitted key it overrides, and the file runs as the fit ran. With
 * --service, the service alone as loaded at the best point (the fitted values scaled as it
 * scales the base), the fitted values themselves a comment. */
void calib_write_fitted(FILE *f, const calib *cb, const cpoint *best)
{
    const cli *c = cb->x.c;
    fprintf(f, "# %s: the values fitted by stepsim calibrate to %s\n", cb->x.base->name,
            c->targets_file);
    fprintf(f, "# (distance %.6g after %zu evaluation%s of %zu replication%s, seed %" PRIu64
            "). Run it as any scenario.\n", best->distance, cb->nevals, cb->nevals == 1 ? "" : "s",
            cb->x.reps, cb->x.reps == 1 ? "" : "s", cb->x.seed);
    char *rel = !cb->fit_nat && c->nsets == 0 && includable(c->scenario)
                    ? relative_path(cb->x.set.outdir, c->scenario) : NULL;
    if (rel && !strpbrk(rel, "\"\\")) {
        fprintf(f, "@include \"%s\"\n\n", rel);
    } else if (c->service && cb->fit_nat) {
        /* One service: the fit set the federation's base, which the service scales (its
         * headcounts, referral rates and lists): an overrides group of the fitted values
         * would set them unscaled, so they are given as a comment. */
        fprintf(f, "# Service \"%s\" of %s alone (--service), as calibrated (its @include, "
                "its overrides\n# and the command line's --set applied) at the fitted "
                "values, every key written,\n# the fitted keys as the service scales them "
                "from the federation's base.\n", c->service, c->scenario);
        scn_print(f, cb->fit_nat);
        fprintf(f, "\n# The fitted values, of the federation's base (for %s's overrides, not "
                "this file's:\n# the keys above hold them as the service scales them):\n",
                c->scenario);
        free(rel);
        print_overrides_commented(f, cb, best);
        return;
    } else if (cb->fit_nat) { /* a federation: its base and services list, as check prints */
        fputs("# The federation as calibrated (its @include, its overrides and the command "
              "line's --set\n# applied) at the fitted values, every key written: the base "
              "holds them, and a\n# service's own overrides of a fitted key give way to "
              "them, as to --set.\n", f);
        scn_print_federation(f, cb->fit_nat, &cb->fit_fed);
        fputs("\n# The fitted values again, as an overrides group: the base above has them "
              "already.\n", f);
    } else {
        fputs("# The scenario as calibrated (its @include, its overrides and the command "
              "line's --set\n# applied), every key written; then the fitted values.\n", f);
        scn_print(f, cb->x.base);
        fputc('\n', f);
    }
    free(rel);
    print_overrides(f, cb, best);
}

/* The services of the federation whose own overrides set a fitted key (they list it in
 * the base's federation but not in the fitted one's), the first three named in buf[n]
 * ("A", "B", "C" and 5 more); how many. */
static size_t overridden_by_services(const calib *cb, char *buf, size_t n)
{
    size_t count = 0, len = 0;
    buf[0] = '\0';
    for (size_t k = 0; cb->fit_nat && k < cb->fit_fed.n; k++) {
        const char *was = cb->x.base_fed->own[k], *now = cb->fit_fed.own[k];
        if (!strcmp(was ? was : "", now ? now : ""))
            continue;
        if (count < 3 && len + 1 < n)
            len += (size_t)snprintf(buf + len, n - len, "%s\"%s\"", count ? ", " : "",
                                    cb->fit_fed.services[k].name);
        count++;
    }
    if (count > 3 && len + 1 < n)
        snprintf(buf + len, n - len, " and %zu more", count - 3);
    return count;
}

/* A figure (target or tolerance) as the metric reads: percent for shares. */
static const char *fmt_figure(size_t metric, double v, const char *pre, char *buf, size_t n)
{
    char f[64];
    snprintf(buf, n, "%s%s", pre, xp_fmt_value(metric, v, f, sizeof f));
    return buf;
}

/* Print the calibration's result on stdout: how the search ended (converged, the
 * simplex's size against tol, or stopped at --max-evals), the distance, each target's fit
 * at the best point, each free key's start and fitted value (flagged at the edge of its
 * range) and the overrides to paste; runs nothing. */
void calib_report(const calib *cb, int converged, double size, double tol)
{
    const cpoint *best = &cb->pts[cb->best], *start = &cb->pts[cb->evals[0]];
    char name[OUT_METRIC_NAME_MAX], a[64], b[64], ci[128], fed[64], whose[96];
    printf("%s%s · calibrate to %s · %zu replication%s an evaluation · seed %" PRIu64 "%s\n",
           cb->x.base->name, xp_services_note(&cb->x, fed, sizeof fed), cb->x.c->targets_file,
           cb->x.reps, cb->x.reps == 1 ? "" : "s", cb->x.seed,
           xp_seed_note(&cb->x, whose, sizeof whose));
    printf("Nelder-Mead on the distance sum(((simulated - target) / tolerance)^2), every "
           "evaluation\non the same random numbers.\n\n");
    if (converged && cb->settled)
        printf("Converged on the rounded values: the simplex's last %d evaluations met only "
               "points\nalready run (simplex size %.3g; %zu evaluations, points simulated: %zu).\n",
               STALL_EVALS((int)cb->k), size, cb->nevals, cb->npts);
    else if (converged)
        printf("Converged: simplex size %.3g below %.3g after %zu evaluations (points "
               "simulated: %zu).\n", size, tol, cb->nevals, cb->npts);
    else if (isnan(size))
        printf("Stopped at --max-evals %zu, before the first simplex was complete (points "
               "simulated: %zu).\n", cb->max_evals, cb->npts);
    else
        printf("Stopped at --max-evals %zu (simplex size %.3g, not yet below %.3g; points "
               "simulated: %zu).\n", cb->max_evals, size, tol, cb->npts);
    printf("Distance %.4g (at the start %.4g).\n\n", best->distance, start->distance);
    int w = 30; /* the longest name */
    for (size_t j = 0; j < cb->t.ntargets; j++)
        if ((int)strlen(cb->t.targets[j].metric) > w)
            w = (int)strlen(cb->t.targets[j].metric);
    for (size_t i = 0; i < cb->k; i++)
        if ((int)strlen(cb->t.params[i].key) > w)
            w = (int)strlen(cb->t.params[i].key);
    printf("%-*s %12s %12s  %-28s %8s\n", w + 2, "figure", "target", "tolerance",
           "fitted [95% CI]", "term");
    for (size_t j = 0; j < cb->t.ntargets; j++) {
        const scn_target *tg = &cb->t.targets[j];
        sim_summary s = ex_point_summary(&best->pt, tg->index, best->pt.nreps);
        double z = (s.mean - tg->value) / tg->tolerance;
        char term[32];
        if (isfinite(z))
            snprintf(term, sizeof term, "%.3g", z * z);
        else
            snprintf(term, sizeof term, "undefined");
        printf("  %-*s %12s %12s  %-28s %8s\n", w, ex_metric_name(tg->index, name, sizeof name),
               fmt_figure(tg->index, tg->value, "", a, sizeof a),
               fmt_figure(tg->index, tg->tolerance, "±", b, sizeof b),
               xp_fmt(tg->index, &s, ci, sizeof ci), term);
    }
    printf("\n%-*s %12s %12s  %s\n", w + 2, "free key", "start", "fitted", "range");
    for (size_t i = 0; i < cb->k; i++) {
        const scn_free_param *fp = &cb->t.params[i];
        /* Within half a percent of the range from a bound: the sine's map reaches a bound
         * itself only for a whole-number key, and a key pressed against it is the case. */
        double x = best->x[i], near = 0.005 * (fp->upper - fp->lower);
        printf("  %-*s %12s %12s  [%g, %g]%s\n", w, fp->key, strchr(start->assign[i], '=') + 1,
               strchr(best->assign[i], '=') + 1, fp->lower, fp->upper,
               x <= fp->lower + near || x >= fp->upper - near ? "  at the edge: widen the range"
                                                               : "");
    }
    if (cb->t.ntargets < cb->k)
        printf("  note: %zu targets for %zu free keys: the targets cannot pin every key\n",
               cb->t.ntargets, cb->k);
    if (cb->x.c->service)
        printf("\nThe fitted values, of the federation's base (service \"%s\" scales them as "
               "the\nfederation does; fitted.cfg is the service at them), to paste into %s:\n",
               cb->x.c->service, cb->x.c->scenario);
    else
        printf("\nThe fitted values, to paste into a scenario:\n");
    print_overrides(stdout, cb, best);
    char svc[512];
    size_t nsvc = overridden_by_services(cb, svc, sizeof svc);
    if (nsvc)
        printf("(the service%s %s set%s a fitted key in %s own overrides, which come after "
               "this group:\nthe fit set the key there too, as --set does, and fitted.cfg "
               "gives it so)\n", nsvc == 1 ? "" : "s", svc, nsvc == 1 ? "s" : "",
               nsvc == 1 ? "its" : "their");
    printf("\nOutputs in %s/ (calibrate.csv: every evaluation; fitted.cfg: the scenario with "
           "the fitted values)\n", cb->x.c->outdir ? cb->x.c->outdir : cb->x.outdir);
}
