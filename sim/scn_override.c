/* Scenario loader: the overrides group and --set, merged over the parsed file before any
 * key is read.
 *
 * libconfig refuses to define a setting twice, so a variant that @includes a scenario
 * changes keys in a top-level `overrides = { ... };` group instead; --set KEY=VALUE does the
 * same from the command line, after it and in order. Groups merge member by member;
 * anything else, and a distribution block { dist = ...; }, replaces. Every copied setting
 * carries an origin on its hook, so a message about it points at the override (the file
 * line, or "--set ARG"). A --set value is parsed by libconfig in its place in a one-chain
 * text ("a = { b = VALUE\n; };"); a bare word is taken as a string; its integers are
 * checked for the 32-bit wrap first, as libconfig would wrap them silently.
 */
#include "scn_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ==== merging ========================================================================== */

/* Hang an origin on a copied setting. Returns 0 or -1 (out of memory). */
static int mark(scn_ctx *c, config_setting_t *s, const config_setting_t *src, const char *set_arg)
{
    scn_origin *o = malloc(sizeof *o);
    if (!o || scn_grow(c, (void **)&c->origins, &c->caporigins, c->norigins + 1,
                       sizeof *c->origins) < 0) {
        free(o);
        c->nomem = 1;
        return -1;
    }
    o->src = src;
    o->set_arg = set_arg;
    c->origins[c->norigins++] = o;
    config_setting_set_hook(s, o);
    return 0;
}

/* Copy the value of src into dst (same type, freshly added). Returns 0 or -1. */
static int copy_setting(scn_ctx *c, config_setting_t *dst, const config_setting_t *src,
                        const char *set_arg)
{
    if (mark(c, dst, set_arg ? NULL : src, set_arg) < 0)
        return -1;
    switch (config_setting_type(src)) {
    /* The format goes with the value: a hexadecimal seed is read as its bits (load_seed). */
    case CONFIG_TYPE_INT:
        return config_setting_set_int(dst, config_setting_get_int(src)) &&
                       config_setting_set_format(dst, config_setting_get_format(src))
                   ? 0
                   : -1;
    case CONFIG_TYPE_INT64:
        return config_setting_set_int64(dst, config_setting_get_int64(src)) &&
                       config_setting_set_format(dst, config_setting_get_format(src))
                   ? 0
                   : -1;
    case CONFIG_TYPE_FLOAT:
        return config_setting_set_float(dst, config_setting_get_float(src)) ? 0 : -1;
    case CONFIG_TYPE_BOOL:
        return config_setting_set_bool(dst, config_setting_get_bool(src)) ? 0 : -1;
    case CONFIG_TYPE_STRING:
        return config_setting_set_string(dst, config_setting_get_string(src)) ? 0 : -1;
    default:
        break;
    }
    int group = config_setting_is_group(src);
    for (int i = 0; i < config_setting_length(src); i++) {
        const config_setting_t *e = config_setting_get_elem(src, (unsigned)i);
        config_setting_t *d = config_setting_add(dst, group ? config_setting_name(e) : NULL,
                                                 config_setting_type(e));
        if (!d || copy_setting(c, d, e, set_arg) < 0)
            return -1;
    }
    return 0;
}

/* Merge group src over group dst: groups merge member by member, anything else (and a
 * distribution block) replaces.
 * Returns 0 or -1 (libconfig refused or out of memory). */
static int merge(scn_ctx *c, config_setting_t *dst, const config_setting_t *src,
                 const char *set_arg)
{
    for (int i = 0; i < config_setting_length(src); i++) {
        const config_setting_t *m = config_setting_get_elem(src, (unsigned)i);
        const char *mn = config_setting_name(m);
        config_setting_t *d = config_setting_get_member(dst, mn);
        /* A distribution block is replaced whole: its keys depend on its kind. */
        if (d && config_setting_is_group(d) && config_setting_is_group(m) &&
            !config_setting_get_member(m, "dist")) {
            if (merge(c, d, m, set_arg) < 0)
                return -1;
            continue;
        }
        if (d && config_setting_remove(dst, mn) != CONFIG_TRUE)
            return -1;
        config_setting_t *n = config_setting_add(dst, mn, config_setting_type(m));
        if (!n || copy_setting(c, n, m, set_arg) < 0)
            return -1;
    }
    return 0;
}

/* ==== --set ============================================================================ */

/* Does s hold a value: is it one, or a group with one somewhere inside? */
static int holds_value(const config_setting_t *s)
{
    if (!config_setting_is_group(s))
        return 1;
    for (int i = 0; i < config_setting_length(s); i++)
        if (holds_value(config_setting_get_elem(s, (unsigned)i)))
            return 1;
    return 0;
}

/* Is s a valid libconfig setting name? */
static int valid_name(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '*'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '*'))
            return 0;
    return 1;
}

/* The most entries an index of a --set path may name: far beyond any list a scenario has. */
#define SET_INDEX_MAX 100000

/* A --set path element of n bytes at p: "name" or "name[N]" (an entry of a list or array,
 * counted from 0, N written as one entry has one spelling: no leading zero, so that two
 * --set of one entry are seen as one setting given twice). Its name's length, *index N or
 * -1; 0 if malformed, *index -2 if only the index is (a name, then "[...]"). */
static size_t path_elem(const char *p, size_t n, long *index)
{
    *index = -1;
    if (n < 4 || p[n - 1] != ']')
        return valid_name(p, n) ? n : 0;
    const char *lb = memchr(p, '[', n);
    if (!lb || lb == p || !valid_name(p, (size_t)(lb - p)))
        return 0;
    *index = -2;
    long v = 0;
    const char *d = lb + 1;
    for (; d < p + n - 1; d++) {
        if (!isdigit((unsigned char)*d) || v > SET_INDEX_MAX)
            return 0;
        v = 10 * v + (*d - '0');
    }
    if (d == lb + 1 || v > SET_INDEX_MAX || (lb[1] == '0' && d > lb + 2))
        return 0;
    *index = v;
    return (size_t)(lb - p);
}

/* Is key path `key` the top-level setting `top` or within it ("top" or "top.x.y")? */
static int key_in(const char *key, const char *top)
{
    size_t n = strlen(top);
    return !strncmp(key, top, n) && (key[n] == '.' || key[n] == '[' || !key[n]);
}

/* Parse "key.path=value" into a one-chain config in tmp. A path through an entry of a
 * list ("workforce.hiring[0].count") is split after its last index: *entry gets the
 * length of the part up to it (0: none), and tmp holds the rest's chain ("count = VALUE"),
 * or "v = VALUE" when the index ends the path. Returns 1 on success; 0 after reporting a
 * bad argument. */
static int parse_set(scn_ctx *c, const char *arg, config_t *tmp, size_t *entry)
{
    char loc[600];
    snprintf(loc, sizeof loc, "--set %s", arg);
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) {
        scn_errf(c, loc, NULL, "expected key=value, e.g. --set staff.pwp.headcount=14");
        return 0;
    }
    size_t klen = (size_t)(eq - arg);
    char key[KEYMAX];
    if (klen >= sizeof key) {
        scn_errf(c, loc, NULL, "key too long");
        return 0;
    }
    memcpy(key, arg, klen);
    key[klen] = '\0';
    /* Validate the path: dot-separated names, any of them an entry "name[N]". */
    size_t depth = 0;
    *entry = 0;
    const char *chain = key; /* the part parsed as a chain: after the last index */
    for (const char *p = key;; depth++) {
        size_t n = strcspn(p, ".");
        long index;
        size_t nl = path_elem(p, n, &index);
        if (!nl && index == -2) {
            /* The entry named when the path goes on past it (the key names it else). */
            scn_errf(c, loc, key, "%.*s%snot an entry's index (expected a whole number "
                     "counted from 0, at most %d, with no leading zero, as "
                     "workforce.hiring[0].count)", p[n] ? (int)(p + n - key) : 0, key,
                     p[n] ? ": " : "", SET_INDEX_MAX);
            return 0;
        }
        if (!nl) {
            scn_errf(c, loc, key, "not a key path (expected names separated by dots, such as "
                     "staff.pwp.headcount, an entry of a list counted from 0 as "
                     "workforce.hiring[0].count)");
            return 0;
        }
        if (index >= 0) {
            *entry = (size_t)(p + n - key);
            chain = p[n] ? p + n + 1 : NULL;
            depth = (size_t)-1; /* counted again from the rest */
        }
        if (!p[n])
            break;
        p += n + 1;
    }
    if (*entry && !chain)
        depth = 0; /* "v = VALUE" */
    if (key_in(key, OVERRIDES) || key_in(key, VARIANT)) {
        scn_errf(c, loc, key, "--set cannot change the %s group; set the key itself",
                 key_in(key, OVERRIDES) ? OVERRIDES : VARIANT);
        return 0;
    }
    /* The services list is read from the file as written (scn_services_read): a --set of
     * it would be ignored, so it is refused. */
    if (key_in(key, SERVICES)) {
        scn_errf(c, loc, key, "--set cannot change a federation's services list; edit the "
                 "scenario file (each service's own keys go in its overrides)");
        return 0;
    }
    const char *value = eq + 1;
    /* libconfig 1.5 wraps integers beyond 32 bits: check the value's text first. */
    scn_src vf;
    memset(&vf, 0, sizeof vf);
    vf.text = (char *)value;
    vf.len = strlen(value);
    if (scn_scan_literals(c, &vf) < 0)
        return 0;
    if (vf.nlits) {
        char advice[128];
        scn_errf(c, loc, key, "integer %s does not fit in 32 bits (libconfig would read %d)%s",
                 vf.lits[0].text, vf.lits[0].wrapped,
                 scn_wrap_advice(c, key, vf.lits[0].text, advice, sizeof advice));
        free(vf.lits);
        return 0;
    }
    /* Its strings, groups and arrays within the limits a file's are, and no @include. */
    if (scn_vet_text(c, loc, key, value) != 0)
        return 0;
    /* Build "a = { b = { c = VALUE\n; }; };": the value parsed in its place. */
    size_t cap = 2 * strlen(arg) + 64 + 8 * depth;
    char *text = malloc(cap), *quoted = malloc(2 * strlen(value) + 3);
    if (!text || !quoted) {
        free(text);
        free(quoted);
        c->nomem = 1;
        return 0;
    }
    int ok = 0;
    for (int attempt = 0; attempt < 2 && !ok; attempt++) {
        const char *v = value;
        if (attempt == 1) {
            /* A bare word (--set policy=stepped) is a string. */
            if (strpbrk(value, "\"{}[]()=;:,#"))
                break;
            char *q = quoted;
            *q++ = '"';
            for (const char *p = value; *p; p++) {
                if (*p == '"' || *p == '\\')
                    *q++ = '\\';
                *q++ = *p;
            }
            *q++ = '"';
            *q = '\0';
            v = quoted;
        }
        size_t len = 0;
        const char *p = *entry && !chain ? "v" : chain;
        for (size_t d = 0; d <= depth; d++) {
            size_t n = strcspn(p, ".");
            len += (size_t)snprintf(text + len, cap - len, "%.*s = %s", (int)n, p,
                                    d < depth ? "{ " : "");
            p += n + 1;
        }
        len += (size_t)snprintf(text + len, cap - len, "%s\n;", v);
        for (size_t d = 0; d < depth; d++)
            len += (size_t)snprintf(text + len, cap - len, " };");
        config_destroy(tmp);
        config_init(tmp);
        config_set_auto_convert(tmp, CONFIG_TRUE);
        ok = config_read_string(tmp, text) == CONFIG_TRUE;
    }
    if (!ok) {
        scn_errf(c, loc, key,
                 "cannot read the value '%s' (libconfig: %s; write strings in \"quotes\", "
                 "arrays as [1.0, 2.0], groups as { a = 1; })", value, config_error_text(tmp));
    } else {
        /* The parse must be exactly one chain: no second setting smuggled in. */
        const config_setting_t *g = config_root_setting(tmp);
        for (size_t d = 0; d <= depth && ok; d++) {
            if (config_setting_length(g) != 1 || !config_setting_is_group(g)) {
                ok = 0;
                break;
            }
            g = config_setting_get_elem(g, 0);
        }
        if (!ok) {
            scn_errf(c, loc, key, "the value must be a single value (got more than one setting)");
        } else if (!holds_value(g)) {
            /* Groups merge member by member (merge): one with no value in it, at any depth,
             * would change nothing. */
            ok = 0;
            scn_errf(c, loc, key, "an empty group changes nothing: set the keys inside it "
                     "(--set %s.KEY=VALUE)", key);
        }
    }
    free(text);
    free(quoted);
    return ok;
}

/* ==== applying them ==================================================================== */

/* Is s a number, string or boolean (not a group, list or array)? */
static int is_scalar(const config_setting_t *s)
{
    return !config_setting_is_aggregate(s);
}

/* Does the schema read key (an entry's path) as a number, not a whole one? */
static int decimal_key(const char *key)
{
    const pw_field *f = scn_field_by_path(key);
    return f && (f->kind == PW_F_ARR || f->kind == PW_F_NUM);
}

/* Array arr's whole numbers made decimal, in their places, each keeping its origin (an
 * earlier --set's). Returns 0 or -1 (libconfig refused or out of memory). */
static int array_to_float(config_setting_t *arr)
{
    int n = config_setting_length(arr);
    double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    void **hook = malloc((size_t)(n > 0 ? n : 1) * sizeof *hook);
    int ok = v && hook;
    for (int i = 0; ok && i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(arr, (unsigned)i);
        v[i] = (double)config_setting_get_int(e);
        hook[i] = config_setting_get_hook(e);
    }
    while (ok && config_setting_length(arr) > 0)
        ok = config_setting_remove_elem(arr, 0) == CONFIG_TRUE;
    for (int i = 0; ok && i < n; i++) {
        config_setting_t *e = config_setting_set_float_elem(arr, -1, v[i]);
        if (!e)
            ok = 0;
        else if (hook[i])
            config_setting_set_hook(e, hook[i]);
    }
    free(v);
    free(hook);
    return ok ? 0 : -1;
}

/* The member of group at named by the path element's first nl bytes at p; NULL if at is
 * no group or has none of that name. */
static config_setting_t *member_of(const config_setting_t *at, const char *p, size_t nl)
{
    char name[KEYMAX];
    snprintf(name, sizeof name, "%.*s", (int)nl, p);
    return config_setting_is_group(at) ? config_setting_get_member(at, name) : NULL;
}

/* Apply a --set through an entry of a list (parse_set: the path's first `entry` bytes
 * name it; tmp holds the rest). The entry must exist: a --set changes a plan's row, it
 * does not add one. Returns 0, or -1 after reporting (c->nomem set if out of memory). */
static int set_entry(scn_ctx *c, config_setting_t *root, const char *arg, size_t entry,
                     config_t *tmp)
{
    char loc[600], key[KEYMAX];
    snprintf(loc, sizeof loc, "--set %s", arg);
    snprintf(key, sizeof key, "%.*s", (int)strcspn(arg, "="), arg);
    config_setting_t *at = root, *arr = NULL; /* arr: the list or array of the last index */
    long last = 0;
    for (const char *p = key; p < key + entry;) {
        size_t n = strcspn(p, ".");
        long index;
        size_t nl = path_elem(p, n, &index);
        config_setting_t *m = member_of(at, p, nl);
        if (!m) {
            scn_errf(c, loc, key, "%.*s: no such setting in the scenario, so no entry of it "
                     "to change (a --set changes an entry a list has; give the whole list to "
                     "add one, e.g. --set 'workforce.hiring=({ week = 104.0; role = \"pwp\"; "
                     "count = 4; })')", (int)(p + nl - key), key);
            return -1;
        }
        at = m;
        if (index >= 0) {
            int len = config_setting_is_list(m) || config_setting_is_array(m)
                          ? config_setting_length(m) : -1;
            if (len < 0) {
                scn_errf(c, loc, key, "%.*s is not a list or an array: it has no entry [%ld]",
                         (int)(p + nl - key), key, index);
                return -1;
            }
            if (index >= len) {
                scn_errf(c, loc, key, "%.*s has %d entr%s (counted from 0): no entry [%ld] to "
                         "change (give the whole list to add one)", (int)(p + nl - key), key,
                         len, len == 1 ? "y" : "ies", index);
                return -1;
            }
            at = config_setting_get_elem(m, (unsigned)index);
            arr = m;
            last = index;
        }
        p += n + 1;
    }
    const config_setting_t *src = config_root_setting(tmp);
    if (key[entry]) { /* a key inside the entry: merged into it as a group's */
        if (!config_setting_is_group(at)) {
            scn_errf(c, loc, key, "%.*s is not a group: it has no keys to set", (int)entry, key);
            return -1;
        }
        if (merge(c, at, src, arg) < 0) {
            c->nomem = 1;
            return -1;
        }
        return 0;
    }
    src = config_setting_get_elem(src, 0); /* "v": the entry's new value */
    if (config_setting_is_group(at) && config_setting_is_group(src)) {
        /* The row replaced in its place (its index names it in every message after). */
        while (config_setting_length(at) > 0)
            if (config_setting_remove_elem(at, 0) != CONFIG_TRUE) {
                c->nomem = 1;
                return -1;
            }
        /* The row is the --set's now: a key it lacks is told at the --set, not the file. */
        if (merge(c, at, src, arg) < 0 || mark(c, at, NULL, arg) < 0) {
            c->nomem = 1;
            return -1;
        }
        return 0;
    }
    int ta = config_setting_type(at), ts = config_setting_type(src);
    if (ta == CONFIG_TYPE_INT && ts == CONFIG_TYPE_FLOAT && arr && config_setting_is_array(arr) &&
        decimal_key(key)) {
        /* An array of numbers written whole ([1, 1, ...] for seasonality, which the
         * loader reads as numbers): made decimal, so that an entry may take 0.7 as the key
         * does (a libconfig array holds one type). */
        if (array_to_float(arr) < 0) {
            c->nomem = 1;
            return -1;
        }
        at = config_setting_get_elem(arr, (unsigned)last);
        ta = CONFIG_TYPE_FLOAT;
    }
    int ok = is_scalar(at) && is_scalar(src) &&
             (ta == ts || (ta == CONFIG_TYPE_FLOAT && ts == CONFIG_TYPE_INT));
    if (!ok) {
        scn_errf(c, loc, key, "an entry takes a value of its kind: %s, as the entry's others",
                 config_setting_is_group(at) ? "a group { key = value; ... }"
                 : ta == CONFIG_TYPE_FLOAT   ? "a number"
                 : ta == CONFIG_TYPE_INT     ? (decimal_key(key) ? "a number" : "a whole number")
                 : ta == CONFIG_TYPE_STRING  ? "a string in \"quotes\""
                 : ta == CONFIG_TYPE_BOOL    ? "true or false"
                                             : "a value like the list's others");
        return -1;
    }
    int set = ta == CONFIG_TYPE_FLOAT  ? config_setting_set_float(at, config_setting_get_float(src))
              : ta == CONFIG_TYPE_INT  ? config_setting_set_int(at, config_setting_get_int(src))
              : ta == CONFIG_TYPE_INT64 ? config_setting_set_int64(at, config_setting_get_int64(src))
              : ta == CONFIG_TYPE_BOOL ? config_setting_set_bool(at, config_setting_get_bool(src))
                                       : config_setting_set_string(at, config_setting_get_string(src));
    if (set != CONFIG_TRUE || mark(c, at, NULL, arg) < 0) {
        c->nomem = 1;
        return -1;
    }
    return 0;
}

/* A --set path that runs on through a list or an array without an index
 * ("workforce.hiring.count"): told with the indexed form, where the merge would replace
 * the list by a group and say only that the type is wrong. Returns 1 if told. */
static int through_list(scn_ctx *c, const config_setting_t *root, const char *arg)
{
    size_t klen = strcspn(arg, "=");
    const config_setting_t *at = root;
    for (const char *p = arg; p < arg + klen && at && config_setting_is_group(at);) {
        size_t n = strcspn(p, ".=");
        at = member_of(at, p, n);
        if (at && (config_setting_is_list(at) || config_setting_is_array(at)) &&
            p[n] == '.') {
            char loc[600];
            snprintf(loc, sizeof loc, "--set %s", arg);
            int len = (int)(p + n - arg);
            int is_list = config_setting_is_list(at);
            const char *what = is_list ? "a list" : "an array", *noun = what + (is_list ? 2 : 3);
            const config_setting_t *e0 = config_setting_get_elem(at, 0);
            if (!e0) /* an entry named by its index would not be there either */
                scn_errf(c, loc, NULL, "%.*s is %s, empty here: give the whole %s to add an "
                         "entry (%.*s=...)", len, arg, what, noun, len, arg);
            else if (!config_setting_is_group(e0)) /* values: no keys under an entry */
                scn_errf(c, loc, NULL, "%.*s is %s of values, with no keys to set: give one "
                         "entry by its index, counted from 0 (%.*s[0]=...), or the whole %s",
                         len, arg, what, len, arg, noun);
            else
                scn_errf(c, loc, NULL, "%.*s is %s: name one of its entries by its index, "
                         "counted from 0 (%.*s[0]%.*s)", len, arg, what, len, arg,
                         (int)(arg + klen - (p + n)), p + n);
            return 1;
        }
        p += n + 1;
    }
    return 0;
}

int scn_apply_overrides(scn_ctx *c, const config_setting_t *extra, const char *const *sets,
                        size_t nsets)
{
    config_setting_t *root = config_root_setting(c->cfg);
    /* The overrides group, then the variant group over it: each a group of keys to
     * change, neither nesting the other nor holding the services list. */
    const char *const layers[] = {OVERRIDES, VARIANT};
    /* The variant is the outer layer: an overrides group in a file including the
     * variant's file would be merged first, and the variant would silently undo it. */
    const config_setting_t *ov = config_setting_get_member(root, OVERRIDES);
    const scn_src *of = ov && c->variant_file
                            ? scn_file_of(c, config_setting_source_file(ov)) : NULL;
    for (size_t i = 0; of && i < c->nvariant_by; i++)
        if (c->variant_by[i] == of) {
            scn_err_at(c, ov, OVERRIDES, "comes before the variant group of %s:%u, which this "
                       "file includes, and that group would undo its changes (the order is "
                       "the file, overrides, variant): a scenario has one variant group, so "
                       "@include the file %s includes and give both groups' keys in one "
                       "variant group here, or give this group's keys with --set",
                       c->variant_file->path, c->variant_line, c->variant_file->path);
            break;
        }
    for (size_t l = 0; l < sizeof layers / sizeof *layers; l++) {
        const config_setting_t *g = config_setting_get_member(root, layers[l]);
        char kk[KEYMAX];
        if (!g)
            continue;
        if (!config_setting_is_group(g)) {
            scn_wrong_type(c, g, layers[l], "a group of keys to change, e.g. { staff = { pwp "
                           "= { headcount = 43; }; }; }");
            continue;
        }
        const config_setting_t *bad = NULL;
        for (size_t j = 0; j < sizeof layers / sizeof *layers && !bad; j++)
            if ((bad = config_setting_get_member(g, layers[j])))
                scn_subkey(kk, layers[l], layers[j]);
        if (bad) {
            scn_err_at(c, bad, kk, "unknown key (the overrides and variant groups do not "
                       "nest: give %s at the top level of the scenario file)",
                       config_setting_name(bad));
        } else if ((bad = config_setting_get_member(g, SERVICES))) {
            /* Read from the file's own list (scn_services_read), never from here. */
            scn_subkey(kk, layers[l], SERVICES);
            scn_err_at(c, bad, kk, "the services list cannot be overridden; give it at the "
                       "top level of the scenario file");
        } else if (merge(c, root, g, NULL) < 0) {
            c->nomem = 1;
            return -1;
        }
    }
    if (extra && merge(c, root, extra, NULL) < 0) {
        c->nomem = 1;
        return -1;
    }
    for (size_t i = 0; i < nsets; i++) {
        config_t tmp;
        config_init(&tmp);
        size_t entry = 0;
        if (parse_set(c, sets[i], &tmp, &entry)) {
            if (!entry && through_list(c, root, sets[i]))
                ; /* told */
            else if (entry)
                set_entry(c, root, sets[i], entry, &tmp);
            else if (merge(c, root, config_root_setting(&tmp), sets[i]) < 0)
                c->nomem = 1;
        }
        config_destroy(&tmp);
        if (c->nomem)
            return -1;
    }
    return 0;
}
