/* Scenario loader: scn_load, the order of the work. Read the file (guarding libconfig's
 * traps), merge the overrides group and --set over it, check for wrapped integers, walk the
 * schema over the root, then the checks that need every key. Every message is collected
 * (nothing stops at the first), and one exit path frees the context and the config.
 * The concepts live in the other sim/scn_*.c files; sim/scn_internal.h lists them.
 */
#include "scn_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SCN_STR_(x) #x
#define SCN_STR(x) SCN_STR_(x)
const char *scn_libconfig_version(void)
{
    return SCN_STR(LIBCONFIG_VER_MAJOR) "." SCN_STR(LIBCONFIG_VER_MINOR) "." SCN_STR(
        LIBCONFIG_VER_REVISION);
}

void scn_ctx_free(scn_ctx *c)
{
    for (size_t i = 0; i < c->nfiles; i++) {
        free(c->files[i]->raw);
        free(c->files[i]->path);
        free(c->files[i]->text);
        free(c->files[i]->lits);
        free(c->files[i]);
    }
    free(c->files);
    for (size_t i = 0; i < c->norigins; i++)
        free(c->origins[i]);
    free(c->origins);
    free(c->poisoned);
    free(c->incdir);
    memset(c, 0, sizeof *c);
}

int scn_ctx_read(scn_ctx *c, const char *path, const char *what, config_t *cfg,
                 scn_errors *errs)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->what = what;
    c->errs = errs;
    c->errs_start = errs->n;
    config_init(cfg);
    config_set_auto_convert(cfg, CONFIG_TRUE);
    c->cfg = cfg;

    /* The include directory: the file's own directory. */
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        c->incdir = malloc(n + 1);
        if (c->incdir) {
            memcpy(c->incdir, path, n);
            c->incdir[n] = '\0';
        }
    } else {
        c->incdir = scn_strdup(".");
    }
    if (!c->incdir)
        return SCN_ENOMEM;
    config_set_include_dir(cfg, c->incdir);

    /* Traps libconfig reports badly or not at all: a missing file, a directory, a FIFO,
     * a file too large, BOM, binary; then the limits and every @include (scn_vet.c). */
    scn_src *top = scn_file_of(c, path);
    if (!top)
        return SCN_ENOMEM;
    if (!top->text) {
        char why[200], kind[64];
        snprintf(kind, sizeof kind, "%s file", what);
        scn_file_why_as(top, kind, why, sizeof why);
        if (top->mode || top->err == EFBIG)
            scn_errf(c, path, NULL, "%s", why);
        else
            scn_errf(c, path, NULL, "cannot open %s: %s", what, why);
        return SCN_EINVALID;
    }
    if (scn_check_text(c, top) || scn_vet(c, top) != 0)
        return c->nomem ? SCN_ENOMEM : SCN_EINVALID;
    if (config_read_file(cfg, path) != CONFIG_TRUE) {
        if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
            scn_errf(c, path, NULL, "cannot read %s: file I/O error", what);
        else
            scn_report_parse_error(c);
        return c->nomem ? SCN_ENOMEM : SCN_EINVALID;
    }
    return c->nomem ? SCN_ENOMEM : SCN_OK;
}

int scn_load(const char *path, const char *const *sets, size_t nsets, pw_params *out,
             scn_errors *errs)
{
    return scn_load_with(path, sets, nsets, -1, 0, out, NULL, NULL, errs);
}

int scn_load_with(const char *path, const char *const *sets, size_t nsets, long k,
                  int allow_services, pw_params *out, scn_service **svc, size_t *nsvc,
                  scn_errors *errs)
{
    scn_ctx c;
    config_t cfg;
    scn_service *list = NULL;
    size_t nlist = 0;
    memset(out, 0, sizeof *out);
    int ret = scn_ctx_read(&c, path, "scenario", &cfg, errs);
    if (ret != SCN_OK)
        goto out;
    ret = SCN_EINVALID;
    config_setting_t *root = config_root_setting(&cfg);
    if (config_setting_length(root) == 0) {
        char loc[600];
        snprintf(loc, sizeof loc, "%s:1", path);
        scn_errf(&c, loc, NULL,
                 "empty scenario: no settings (see scenarios/baseline.cfg for every key)");
        goto out;
    }

    if ((config_setting_get_member(root, "targets") || config_setting_get_member(root, "free")) &&
        !config_setting_get_member(root, "horizon_weeks") &&
        !config_setting_get_member(root, "staff")) {
        /* calibrate's arguments swapped: one message, not one a missing scenario key. */
        char loc[600];
        snprintf(loc, sizeof loc, "%s:1", path);
        scn_errf(&c, loc, NULL, "a calibrate targets file (targets, free), not a scenario: give "
                 "the scenario first and this file after --targets");
        goto out;
    }

    /* A federation's services (checked, then service k's overrides merged below). */
    const config_setting_t *sv = config_setting_get_member(root, SERVICES);
    if (sv && !allow_services) {
        scn_err_at(&c, sv, SERVICES, "a federation of services runs with `stepsim run`, "
                   "`compare`, `check`, `sweep`, `solve`, `sensitivity` or `calibrate`, not "
                   "this command: give it one service's scenario");
        goto out;
    }
    size_t before = c.errs->n;
    if (scn_services_read(&c, &list, &nlist) < 0) {
        ret = SCN_ENOMEM;
        goto out;
    }
    /* The list's entries are checked once, by the base's load (k < 0); each service's
     * load reads them again only for its overrides. */
    size_t list_errors = c.errs->n - before;
    if (k >= 0) {
        scn_errors_truncate(c.errs, before);
        list_errors = 0;
    }
    if (k >= (long)nlist) {
        ret = SCN_EINVALID;
        goto out;
    }
    /* overrides = { ... } from the file, service k's, then --set in order. */
    if (scn_apply_overrides(&c, k >= 0 ? list[k].overrides : NULL, sets, nsets) < 0) {
        ret = SCN_ENOMEM;
        goto out;
    }

    /* The meaning of every setting. */
    scn_check_wrapped(&c, root, "");
    scn_load_group(&c, root, "", scn_top_fields, scn_ntop_fields, 0, out, &scn_top_checks);
    /* Cross-checks need the roles; without them they would only echo the staff errors. */
    if (c.staff_ok)
        scn_check_all(&c, out);
    if (c.nomem)
        ret = SCN_ENOMEM;
    else if (scn_nerrors(&c) == 0)
        ret = SCN_OK;
    else if (svc && list_errors > 0 && scn_nerrors(&c) == list_errors)
        ret = SCN_ESERVICES;
out:
    if (c.nomem)
        ret = SCN_ENOMEM;
    if (svc && (ret == SCN_OK || ret == SCN_ESERVICES)) {
        for (size_t i = 0; i < nlist; i++)
            list[i].overrides = NULL; /* they die with the config */
        *svc = list;
        *nsvc = nlist;
        list = NULL;
    }
    free(list);
    config_destroy(&cfg);
    scn_ctx_free(&c);
    return ret;
}
