/* Scenario loader: the generic walk over the schema's tables (models/pw_schema.h):
 * describe what a field expects, store its default, read it from a setting, and read a
 * whole group or list of rows.
 *
 * A group is read member by member: an unknown member is an error with a suggestion, a
 * missing required one is an error, every other field takes its default first and its
 * value second, so a field is never left unset. A list (PW_F_LIST) is read row by row into
 * its fixed array, each row a group of its sub-table, after checking that it is a list of
 * groups and not longer than the array. A group's or list's checks (its post hook) run
 * only when it produced no message, so they never repeat an error.
 */
#include "scn_internal.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include "models/pol.h"

/* ==== describing what is expected ====================================================== */

/* The condition on a value: "> 0", "in [0, 1]", "" (any). */
static void describe_range(const pw_field *f, char *buf, size_t n)
{
    int isint = f->kind == PW_F_INT;
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, isint ? "%.0f" : "%.15g", f->lo);
    snprintf(hi, sizeof hi, isint ? "%.0f" : "%.15g", f->hi);
    int has_lo = isfinite(f->lo), has_hi = isint ? f->hi < INT_MAX : isfinite(f->hi);
    if (has_lo && has_hi)
        snprintf(buf, n, "in %c%s, %s%c", f->flags & PW_LO_OPEN ? '(' : '[', lo, hi,
                 f->flags & PW_HI_OPEN ? ')' : ']');
    else if (has_lo)
        snprintf(buf, n, "%s %s", f->flags & PW_LO_OPEN ? ">" : ">=", lo);
    else if (has_hi)
        snprintf(buf, n, "%s %s", f->flags & PW_HI_OPEN ? "<" : "<=", hi);
    else
        buf[0] = '\0';
}

/* A group of at most this many members is described member by member. */
enum { SMALL_GROUP = 4 };

/* "a probability in [0, 1]", "an array of 12 numbers, each >= 0", "a list of { ... }
 * groups" too. */
void scn_describe(const pw_field *f, char *buf, size_t n)
{
    char cond[80];
    switch (f->kind) {
    case PW_F_NUM:
        describe_range(f, cond, sizeof cond);
        if (f->lo == 0 && f->hi == 1 && !(f->flags & (PW_LO_OPEN | PW_HI_OPEN | PW_FRACTION)))
            snprintf(buf, n, "a probability in [0, 1]");
        else
            snprintf(buf, n, "a number%s%s", *cond ? " " : "", cond);
        break;
    case PW_F_INT:
        describe_range(f, cond, sizeof cond);
        snprintf(buf, n, "an integer%s%s", *cond ? " " : "", cond);
        break;
    case PW_F_ARR:
        describe_range(f, cond, sizeof cond);
        snprintf(buf, n, "an array of %zu numbers%s%s%s", f->n, *cond ? ", each " : "", cond,
                 f->flags & PW_SUM1 ? ", summing to 1" : "");
        break;
    case PW_F_BOOL:
        snprintf(buf, n, "true or false");
        break;
    case PW_F_STR:
        snprintf(buf, n, "a string of at most %zu bytes", f->n - 1);
        break;
    case PW_F_ENUM: {
        size_t k = (size_t)snprintf(buf, n, "one of");
        for (size_t i = 0; f->names[i] && k < n; i++)
            k += (size_t)snprintf(buf + k, n - k, "%s \"%s\"", i ? "," : "", f->names[i]);
        break;
    }
    case PW_F_DIST:
        snprintf(buf, n, "a distribution block { dist = \"...\"; ... }%s",
                 f->flags & PW_NONNEG ? " of days >= 0" : "");
        break;
    case PW_F_GROUP:
        /* A small group spelled out (a wait-dropout hazard, mode shares), so that a value
         * given bare ("wait_dropout = 0.01") is answered with the form to write; a large
         * one's missing members are each reported once the group is there. */
        if (f->sub && f->nsub > 0 && f->nsub <= SMALL_GROUP) {
            size_t k = (size_t)snprintf(buf, n, "a group {");
            for (size_t i = 0; i < f->nsub && k < n; i++)
                k += (size_t)snprintf(buf + k, n - k, " %s = ...;", f->sub[i].name);
            if (k < n)
                snprintf(buf + k, n - k, " }");
        } else
            snprintf(buf, n, "a group { ... }");
        break;
    case PW_F_LIST:
        snprintf(buf, n, "a list of %s groups", f->desc);
        break;
    case PW_F_SPECIAL:
        snprintf(buf, n, "%s", f->desc);
        break;
    }
}

/* Is v within f's range? */
static int in_range(const pw_field *f, double v)
{
    if (f->flags & PW_LO_OPEN ? !(v > f->lo) : !(v >= f->lo))
        return 0;
    if (f->flags & PW_HI_OPEN ? !(v < f->hi) : !(v <= f->hi))
        return 0;
    return 1;
}

/* ==== reading scalars ================================================================== */

/* Was s already reported (32-bit wrap)? Then every later check stays quiet about it. */
static int poisoned(const scn_ctx *c, const config_setting_t *s)
{
    for (size_t i = 0; i < c->npoisoned; i++)
        if (c->poisoned[i] == s)
            return 1;
    return 0;
}

/* An integer from s (int, or 64-bit within range). Returns 1, or 0 after an error. */
int scn_get_int64(scn_ctx *c, const config_setting_t *s, const char *key,
                  const char *expected, long long *v)
{
    if (poisoned(c, s))
        return 0;
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
        *v = config_setting_get_int(s);
        return 1;
    case CONFIG_TYPE_INT64:
        *v = config_setting_get_int64(s);
        return 1;
    default:
        scn_wrong_type(c, s, key, expected);
        return 0;
    }
}

int scn_array_length(scn_ctx *c, const config_setting_t *s, const char *key,
                     const char *expected)
{
    if (config_setting_is_array(s) || config_setting_is_list(s))
        return config_setting_length(s);
    scn_wrong_type(c, s, key, expected);
    return -1;
}

/* A finite number from s (integer or float). Returns 1, or 0 after an error. */
int scn_get_num(scn_ctx *c, const config_setting_t *s, const char *key, const char *expected,
                double *v)
{
    if (config_setting_type(s) != CONFIG_TYPE_FLOAT) { /* an integer, or the wrong type */
        long long i;
        if (!scn_get_int64(c, s, key, expected, &i))
            return 0;
        *v = (double)i;
        return 1;
    }
    if (poisoned(c, s))
        return 0;
    *v = config_setting_get_float(s);
    if (!isfinite(*v)) {
        scn_err_at(c, s, key, "must be a finite number (got %s: is it beyond 1e308?; "
                   "expected %s)", isnan(*v) ? "nan" : *v > 0 ? "inf" : "-inf", expected);
        return 0;
    }
    return 1;
}

/* ==== the walk ========================================================================= */

/* Does field f exist in a group with flags gflags (step3 has no step_up_probability)? */
int scn_field_applies(const pw_field *f, unsigned gflags)
{
    if (f->flags & PW_STEP2_ONLY)
        return (gflags & PW_IS_STEP2) != 0;
    return !(f->flags & PW_STEP3_ONLY) || !(gflags & PW_IS_STEP2);
}

const config_setting_t *scn_member(const config_setting_t *g, const char *key,
                                   const pw_field *f, char *k)
{
    scn_subkey(k, key, f->name);
    return g ? config_setting_get_member(g, f->name) : NULL;
}

/* The two special keys whose members hold fields: staff.<role>.KEY (every role alike) and
 * policy_params.<policy>.KEY. The m-th member name of f ("<role>" for staff, each policy
 * for policy_params), NULL past the last or for any other key. */
static const char *special_member(const pw_field *f, size_t m)
{
    if (f->kind != PW_F_SPECIAL)
        return NULL;
    if (!strcmp(f->name, "staff"))
        return m == 0 ? "<role>" : NULL;
    if (!strcmp(f->name, "policy_params"))
        return m < pw_policy_count() ? pw_policy_of((int)m)->name : NULL;
    return NULL;
}

/* The fields of special key f's member `member` (any name for staff); 0 if none. */
static int special_fields(const pw_field *f, const char *member, const pw_field **tbl,
                          size_t *n)
{
    if (f->kind != PW_F_SPECIAL)
        return 0;
    if (!strcmp(f->name, "staff")) {
        *tbl = scn_role_fields;
        *n = scn_nrole_fields;
        return 1;
    }
    int at = strcmp(f->name, "policy_params") ? -1 : pw_policy_find(member);
    if (at < 0)
        return 0;
    *tbl = pw_policy_of(at)->params;
    *n = pw_policy_of(at)->nparams;
    return 1;
}

/* Search the whole schema for a key called name with all the flags in `need` (a key put in
 * the wrong group; a key naming a file). Writes its full path to out and returns 1 if
 * found. */
static int schema_find(const pw_field *tbl, size_t n, const char *prefix, const char *name,
                       unsigned need, char *out, int depth)
{
    if (depth > 4)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char k[KEYMAX];
        scn_subkey(k, prefix, tbl[i].name);
        if (!strcmp(tbl[i].name, name) && (tbl[i].flags & need) == need) {
            snprintf(out, KEYMAX, "%s", k);
            return 1;
        }
        if (tbl[i].kind == PW_F_GROUP &&
            schema_find(tbl[i].sub, tbl[i].nsub, k, name, need, out, depth + 1))
            return 1;
        const char *mem;
        for (size_t m = 0; (mem = special_member(&tbl[i], m)); m++) {
            const pw_field *sub;
            size_t nsub;
            char mk[KEYMAX];
            scn_subkey(mk, k, mem);
            if (special_fields(&tbl[i], mem, &sub, &nsub) &&
                schema_find(sub, nsub, mk, name, need, out, depth + 1))
                return 1;
        }
    }
    return 0;
}

const pw_field *scn_field_by_path(const char *key)
{
    const pw_field *tbl = scn_top_fields;
    size_t n = scn_ntop_fields;
    char part[KEYMAX];
    for (const char *k = key;;) {
        size_t len = strcspn(k, ".");
        if (len == 0 || len >= sizeof part)
            return NULL;
        memcpy(part, k, len);
        part[len] = '\0';
        /* An entry of a list or array ("hiring[0]", --set's): its field's. */
        char *lb = strchr(part, '[');
        if (lb)
            *lb = '\0';
        const pw_field *f = NULL;
        for (size_t i = 0; i < n && !f; i++)
            if (!strcmp(tbl[i].name, part))
                f = &tbl[i];
        if (!f)
            return NULL;
        if (k[len] == '\0')
            return lb && f->kind == PW_F_LIST ? NULL : f; /* a row is no one field */
        k += len + 1;
        if (f->kind == PW_F_GROUP || (lb && f->kind == PW_F_LIST)) {
            tbl = f->sub;
            n = f->nsub;
            continue;
        }
        /* A special key's member name stands between it and its fields. */
        len = strcspn(k, ".");
        if (k[len] != '.' || len >= sizeof part)
            return NULL;
        memcpy(part, k, len);
        part[len] = '\0';
        if (!special_fields(f, part, &tbl, &n))
            return NULL;
        k += len + 1;
    }
}

int scn_key_is_whole(const char *key)
{
    const pw_field *f = scn_field_by_path(key);
    return f && f->kind == PW_F_INT;
}

/* Is `name` (n bytes) the name of a key that names a file, anywhere in the schema? */
static int is_path_key(const char *name, size_t n)
{
    char k[KEYMAX], out[KEYMAX];
    if (n == 0 || n >= sizeof k)
        return 0;
    memcpy(k, name, n);
    k[n] = '\0';
    return schema_find(scn_top_fields, scn_ntop_fields, "", k, PW_PATH, out, 0);
}

int scn_set_names_file(const char *set)
{
    size_t n = strcspn(set, "=");
    const char *last = set + n;
    while (last > set && last[-1] != '.')
        last--;
    if (is_path_key(last, (size_t)(set + n - last)))
        return 1;
    /* A group given as the value names keys of its own: every name followed by = or :
     * (outside strings) is one. */
    for (const char *p = set + n; *p;) {
        if (*p == '"') {
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            p += *p == '"';
        } else if (isalpha((unsigned char)*p) || *p == '*') {
            const char *b = p;
            while (isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '*')
                p++;
            const char *e = p;
            while (*e == ' ' || *e == '\t' || *e == '\n' || *e == '\r')
                e++;
            if ((*e == '=' || *e == ':') && is_path_key(b, (size_t)(p - b)))
                return 1;
        } else {
            p++;
        }
    }
    return 0;
}

/* Report member m of a group as unknown, suggesting a close name among `cands` (n names,
 * stride apart as fields) or a key of that name elsewhere in the schema. */
void scn_unknown_key(scn_ctx *c, const config_setting_t *m, const char *key,
                     const char *const *cands, size_t ncands)
{
    const char *name = config_setting_name(m);
    const char *best = scn_closest(name, cands, ncands);
    char parent[KEYMAX];
    snprintf(parent, sizeof parent, "%s", key);
    char *dot = strrchr(parent, '.');
    if (dot)
        *dot = '\0';
    else
        parent[0] = '\0';
    if (best) {
        char full[KEYMAX];
        scn_subkey(full, parent, best);
        scn_err_at(c, m, key, "unknown key (did you mean '%s'?)", full);
        return;
    }
    char elsewhere[KEYMAX];
    if (schema_find(scn_top_fields, scn_ntop_fields, "", name, 0, elsewhere, 0)) {
        scn_err_at(c, m, key, "unknown key here (did you mean '%s'?)", elsewhere);
        return;
    }
    /* A role's name at the top (`--set pwp.headcount=10`): its keys are under staff. */
    const config_setting_t *staff = config_lookup(c->cfg, "staff");
    if (!parent[0] && staff && config_setting_is_group(staff) &&
        config_setting_get_member(staff, name)) {
        const config_setting_t *only =
            config_setting_is_group(m) && config_setting_length(m) == 1
                ? config_setting_get_elem(m, 0) : NULL;
        scn_err_at(c, m, key, "unknown key here (did you mean 'staff.%s%s%s'? a role's keys "
                   "are under staff)", name, only ? "." : "",
                   only ? config_setting_name(only) : "");
        return;
    }
    /* What the group takes: its few keys by name, else where they are listed. */
    char want[512];
    size_t w = 0;
    if (ncands <= 8) {
        w = (size_t)snprintf(want, sizeof want, "expected one of");
        for (size_t i = 0; i < ncands && w < sizeof want; i++)
            w += (size_t)snprintf(want + w, sizeof want - w, "%s %s", i ? "," : "", cands[i]);
    } else {
        snprintf(want, sizeof want, "expected one of the %zu keys of %s: scenarios/baseline.cfg "
                 "documents each, and `stepsim check SCENARIO` prints them", ncands,
                 parent[0] ? parent : "the top level");
    }
    scn_err_at(c, m, key, "unknown key (%s)", want);
}

/* Store the default of one field into base. */
static void default_field(const pw_field *f, unsigned gflags, void *base)
{
    char *at = (char *)base + f->off;
    switch (f->kind) {
    case PW_F_NUM:
        *(double *)at = f->def;
        break;
    case PW_F_INT:
    case PW_F_BOOL:
    case PW_F_ENUM:
        *(int *)at = (int)f->def;
        break;
    case PW_F_STR:
        snprintf(at, f->n, "%s", f->sdef ? f->sdef : "");
        if ((f->flags & PW_ROLE) && f->idx_off != SIZE_MAX)
            *(int *)((char *)base + f->idx_off) = -1; /* resolved by scn_check_all */
        break;
    case PW_F_ARR:
        for (size_t i = 0; i < f->n; i++)
            ((double *)at)[i] = f->def;
        break;
    case PW_F_DIST:
        memset(at, 0, sizeof(pw_dist));
        if (f->has_off != SIZE_MAX)
            *(int *)((char *)base + f->has_off) = 0;
        if (f->ddef) {
            memcpy(at, f->ddef, sizeof(pw_dist));
            const char *bad = pw_dist_prepare((pw_dist *)at);
            assert(!bad && "a default distribution in the schema is invalid");
            (void)bad;
        }
        break;
    case PW_F_GROUP:
        scn_default_fields(f->sub, f->nsub, f->flags | (gflags & PW_IS_STEP2), at);
        break;
    case PW_F_LIST: /* no rows; every slot at the row defaults */
        *(size_t *)((char *)base + f->count_off) = 0;
        for (size_t i = 0; i < f->n; i++)
            scn_default_fields(f->sub, f->nsub, 0, at + i * f->row_size);
        break;
    case PW_F_SPECIAL:
        f->hooks->dflt(base);
        break;
    }
}

/* Defaults for every field of a table. */
void scn_default_fields(const pw_field *tbl, size_t n, unsigned gflags, void *base)
{
    for (size_t i = 0; i < n; i++)
        if (scn_field_applies(&tbl[i], gflags))
            default_field(&tbl[i], gflags, base);
}

/* A list of rows (PW_F_LIST) from s into base: a list of groups (an empty array, [ ], is
 * no rows too), at most f->n rows, each row a group of f->sub read into its slot. The
 * count is the number of rows given, even when some row is bad. */
static void load_list(scn_ctx *c, const pw_field *f, const config_setting_t *s, const char *key,
                      void *base)
{
    char want[256];
    if (!config_setting_is_list(s) && !(config_setting_is_array(s) && !config_setting_length(s))) {
        scn_describe(f, want, sizeof want);
        scn_wrong_type(c, s, key, want);
        return;
    }
    int n = config_setting_length(s);
    if (n > (int)f->n) {
        scn_err_at(c, config_setting_get_elem(s, (unsigned)f->n), key, "at most %zu %s (got %d)",
                   f->n, f->rows, n);
        return;
    }
    size_t before = scn_nerrors(c);
    snprintf(want, sizeof want, "a group %s", f->desc);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        char ek[KEYMAX];
        scn_elemkey(ek, key, i);
        if (!config_setting_is_group(e))
            scn_wrong_type(c, e, ek, want);
        else
            scn_load_group(c, e, ek, f->sub, f->nsub, 0,
                           (char *)base + f->off + (size_t)i * f->row_size, NULL);
    }
    *(size_t *)((char *)base + f->count_off) = (size_t)n;
    if (f->hooks && f->hooks->post && scn_nerrors(c) == before)
        f->hooks->post(c, s, key, base);
}

/* Load one field from setting s (present) into base. */
static void load_field(scn_ctx *c, const pw_field *f, const config_setting_t *s, const char *key,
                       void *base)
{
    char *at = (char *)base + f->off;
    char want[256], got[64];
    scn_describe(f, want, sizeof want);
    switch (f->kind) {
    case PW_F_NUM: {
        double v;
        if (!scn_get_num(c, s, key, want, &v))
            return;
        if (!in_range(f, v)) {
            scn_fmt_value(s, got, sizeof got);
            scn_err_at(c, s, key, "must be %s (got %s)", want, got);
            return;
        }
        *(double *)at = v;
        return;
    }
    case PW_F_INT: {
        long long v;
        if (!scn_get_int64(c, s, key, want, &v))
            return;
        if (!in_range(f, (double)v)) {
            scn_fmt_value(s, got, sizeof got);
            scn_err_at(c, s, key, "must be %s (got %s)", want, got);
            return;
        }
        *(int *)at = (int)v;
        return;
    }
    case PW_F_BOOL:
        if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
            scn_wrong_type(c, s, key, want);
            return;
        }
        *(int *)at = config_setting_get_bool(s);
        return;
    case PW_F_STR: {
        if (config_setting_type(s) != CONFIG_TYPE_STRING) {
            scn_wrong_type(c, s, key, "a string");
            return;
        }
        const char *v = config_setting_get_string(s);
        if (strlen(v) >= f->n) {
            scn_err_at(c, s, key, "must be at most %zu bytes (got %zu)", f->n - 1, strlen(v));
            return;
        }
        if ((f->flags & PW_NONEMPTY) && !*v) {
            scn_err_at(c, s, key, "must not be empty (got \"\")");
            return;
        }
        memcpy(at, v, strlen(v) + 1);
        return;
    }
    case PW_F_ENUM: {
        if (config_setting_type(s) != CONFIG_TYPE_STRING) {
            scn_wrong_type(c, s, key, want);
            return;
        }
        const char *v = config_setting_get_string(s);
        for (int i = 0; f->names[i]; i++) {
            if (!strcmp(v, f->names[i])) {
                *(int *)at = i;
                return;
            }
        }
        const char *best = scn_closest(v, f->names, SIZE_MAX);
        scn_fmt_value(s, got, sizeof got);
        if (best)
            scn_err_at(c, s, key, "must be %s (got %s; did you mean \"%s\"?)", want, got, best);
        else
            scn_err_at(c, s, key, "must be %s (got %s)", want, got);
        return;
    }
    case PW_F_ARR: {
        int len = scn_array_length(c, s, key, want);
        if (len < 0)
            return;
        if (len != (int)f->n) {
            scn_err_at(c, s, key,
                       "must have exactly %zu values (got %d; expected %s)", f->n, len, want);
            return;
        }
        double sum = 0;
        int ok = 1;
        for (int i = 0; i < len; i++) {
            const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
            char ek[KEYMAX];
            scn_elemkey(ek, key, i);
            double v;
            if (!scn_get_num(c, e, ek, want, &v)) {
                ok = 0;
                continue;
            }
            if (!in_range(f, v)) {
                char cond[80];
                describe_range(f, cond, sizeof cond);
                scn_fmt_value(e, got, sizeof got);
                scn_err_at(c, e, ek, "must be %s (got %s; expected %s)", cond, got, want);
                ok = 0;
                continue;
            }
            ((double *)at)[i] = v;
            sum += v;
        }
        if (ok && (f->flags & PW_SUM1) && fabs(sum - 1.0) > SHARE_TOL)
            scn_err_at(c, s, key, "shares must sum to 1 within %g (got %.10g)", SHARE_TOL, sum);
        if (ok && (f->flags & PW_RELATIVE) && len > 0 && sum == 0) {
            size_t gl = 0; /* every value is 0: written as such */
            for (int i = 0; i < len && gl + 4 < sizeof got; i++)
                gl += (size_t)snprintf(got + gl, sizeof got - gl, "%s0", i ? ", " : "[");
            snprintf(got + gl, sizeof got - gl, "]");
            scn_err_at(c, s, key, "cannot all be 0 (got %s): the multipliers are relative, "
                       "each divided by their mean over the attribute's referral shares (all "
                       "0 has none); to change a group's chance itself, use the attribute's "
                       "change group", got);
        }
        return;
    }
    case PW_F_DIST:
        if (scn_load_dist(c, s, key, f->flags, (pw_dist *)at) && f->has_off != SIZE_MAX)
            *(int *)((char *)base + f->has_off) = 1;
        return;
    case PW_F_GROUP:
        if (!config_setting_is_group(s)) {
            scn_wrong_type(c, s, key, want); /* the group spelled out when small */
            return;
        }
        scn_load_group(c, s, key, f->sub, f->nsub, f->flags, at, f->hooks);
        return;
    case PW_F_LIST:
        load_list(c, f, s, key, base);
        return;
    case PW_F_SPECIAL:
        f->hooks->load(c, s, key, base);
        return;
    }
}

/* Unknown members are errors (with a suggestion), missing required ones are errors, every
 * field takes its default before its value. */
void scn_load_group(scn_ctx *c, const config_setting_t *g, const char *key, const pw_field *tbl,
                    size_t n, unsigned gflags, void *base, const scn_hooks *hooks)
{
    size_t before = scn_nerrors(c);
    int is_root = g && config_setting_is_root(g);
    if (g) {
        const char *cands[64];
        size_t nc = 0;
        for (size_t i = 0; i < n && nc < PW_NELEM(cands); i++)
            if (scn_field_applies(&tbl[i], gflags))
                cands[nc++] = tbl[i].name;
        if (is_root && nc + 3 <= PW_NELEM(cands)) { /* merged before the walk: not fields */
            cands[nc++] = OVERRIDES;
            cands[nc++] = VARIANT;
            cands[nc++] = SERVICES;
        }
        for (int i = 0; i < config_setting_length(g); i++) {
            const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
            const char *mn = config_setting_name(m);
            if (is_root && (!strcmp(mn, OVERRIDES) || !strcmp(mn, VARIANT) ||
                            !strcmp(mn, SERVICES)))
                continue; /* merged before the walk; a federation's (scn_services.c) */
            int known = 0;
            for (size_t j = 0; j < nc && !known; j++)
                known = !strcmp(mn, cands[j]);
            if (!known) {
                char mk[KEYMAX];
                scn_subkey(mk, key, mn);
                if (!(gflags & PW_IS_STEP2) && !strcmp(mn, "step_up_probability"))
                    scn_err_at(c, m, mk, "unknown key (only step2 steps up)");
                else if ((gflags & PW_IS_STEP2) &&
                         (!strcmp(mn, "stepped_up_first") || !strncmp(mn, "step_down_", 10)))
                    scn_err_at(c, m, mk, "unknown key (a step3 key: step 3 receives the "
                                         "stepped up and steps down)");
                else
                    scn_unknown_key(c, m, mk, cands, nc);
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        const pw_field *f = &tbl[i];
        if (!scn_field_applies(f, gflags))
            continue;
        char k[KEYMAX];
        const config_setting_t *s = scn_member(g, key, f, k);
        default_field(f, gflags, base);
        if (s) {
            load_field(c, f, s, k, base);
        } else if (f->flags & PW_REQ) {
            char want[256];
            scn_describe(f, want, sizeof want);
            scn_err_at(c, g, k, "missing (expected %s)", want);
        }
    }
    if (g && (gflags & PW_SUM1)) { /* a group of shares, such as mode_shares */
        double sum = 0;
        for (size_t i = 0; i < n; i++)
            if (tbl[i].kind == PW_F_NUM)
                sum += *(double *)((char *)base + tbl[i].off);
        if (scn_nerrors(c) == before && fabs(sum - 1.0) > SHARE_TOL) {
            /* Point at the member an override changed, if any: that is what broke it. An
             * override merges into the group, so name the members it left as the file has
             * them: a user who set "all" the shares may not know of another. */
            const config_setting_t *at = g;
            char kept[256] = "";
            size_t nk = 0;
            int overridden = 0;
            for (int i = 0; i < config_setting_length(g); i++) {
                const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
                if (config_setting_get_hook(m)) {
                    at = m;
                    overridden = 1;
                } else if (nk < sizeof kept) {
                    char v[64];
                    scn_fmt_value(m, v, sizeof v);
                    nk += (size_t)snprintf(kept + nk, sizeof kept - nk, "%s%s = %s",
                                           nk ? ", " : "", config_setting_name(m), v);
                }
            }
            if (overridden && nk)
                scn_err_at(c, at, key, "shares must sum to 1 within %g (got %.10g, with %s kept "
                           "from the file: an override merges into the group, so set those "
                           "too)", SHARE_TOL, sum, kept);
            else
                scn_err_at(c, at, key, "shares must sum to 1 within %g (got %.10g)", SHARE_TOL,
                           sum);
        }
    }
    if (hooks && hooks->post && scn_nerrors(c) == before)
        hooks->post(c, g, key, base);
}
