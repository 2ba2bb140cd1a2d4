/* The scenario loader's shared state and the functions its files share (as Lua's lstate.h).
 *
 * The loader is split by concept, every file prefixed scn_:
 *   scn_load.c      scn_load: the order of the work, and the context's lifetime
 *   scn_targets.c   the targets file of `stepsim calibrate` (read with the same context)
 *   scn_file.c      reading files; libconfig's traps (BOM, binary, 32-bit wrap, parse errors)
 *   scn_msg.c       the message list, locations, value formatting, key paths, suggestions
 *   scn_schema.c    the tables of every key (models/pw_schema.h), defaults for code
 *   scn_walk.c      the generic walk: describe, default and load any table
 *   scn_dist.c      distribution blocks { dist = "..."; ... }: read and print
 *   scn_special.c   keys with their own code: seed, policy, closure_days, staff, does,
 *                   policy_params (read from the policy registry, models/pol.c)
 *   scn_check.c     checks across keys: group checks, role names, activity coverage
 *   scn_referrals.c referrals: which way the rate is given; the weekly_counts CSV file
 *   scn_override.c  the overrides group and --set
 *   scn_print.c     scn_print: a pw_params back as a scenario
 * Only these files include libconfig.h. Messages are collected in the context, never
 * printed; a setting merged in by overrides or --set carries an origin on its hook, so a
 * message about it names where it came from.
 */
#ifndef SCN_INTERNAL_H
#define SCN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libconfig.h>

#include "models/pw_params.h"
#include "models/pw_schema.h"
#include "scn_load.h"

/* Messages beyond this many are summarised in one line: a binary file or a wrong include
 * could otherwise produce thousands. */
#define SCN_MAX_ERRORS 200
/* Input limits, checked before libconfig reads a byte (scn_vet.c). libconfig 1.5 has none
 * of its own, and it is quadratic in the members of a group (20,000 keys took a minute)
 * and slow on long strings, so a file that is not a scenario could keep it busy for
 * minutes before the first message. baseline.cfg, which documents every key, is 34 KB;
 * its largest group 27 keys, its longest string under 100 bytes, its deepest nesting 4;
 * the longest arrays a scenario may give hold 64 elements. Each limit is far above that
 * and far below what would slow anything down. */
#define SCN_MAX_FILE_BYTES (1u << 20) /* a scenario file, and each file it @includes */
#define SCN_MAX_INCLUDES 64           /* @include files read in all, repeats counted */
#define SCN_INCLUDE_DEPTH 10          /* libconfig 1.5's own nesting limit of @include */
#define SCN_MAX_STRING 4096           /* bytes of one string (adjacent pieces joined) */
#define SCN_MAX_GROUP_KEYS 256        /* settings in one group (or at the top level) */
#define SCN_MAX_ELEMENTS 1024         /* elements of one array or list */
#define SCN_MAX_NESTING 32            /* groups, arrays and lists open inside each other */
/* Durations: a century, in days (scn_schema.c's MAX_DAYS, and every parameter of a
 * duration's distribution block). */
#define SCN_MAX_DAYS 36525.0
/* The largest sd of a gamma or lognormal distribution, as a multiple of its mean: beyond
 * it GSL's scale (sd^2 / mean) or sigma can overflow and a draw be infinite. */
#define SCN_MAX_CV 1000.0
/* Room for a dotted key such as policy_params.stepped.assessor or staff.x.does[3]. */
#define KEYMAX 320
/* Shares must sum to 1 within this. */
#define SHARE_TOL 1e-6
/* The top-level group a scenario may use to change keys it @included. */
/* Limits a federation's scaled services are held to as well (scn_services.c). */
/* Referrals a week: 2.5 times England's. */
#define MAX_PER_WEEK 100000.0
/* People in one role: twice England's psychological wellbeing practitioners; with
 * PW_MAX_ROLES roles, MAX_CASELOAD and MAX_PREFILL_LIST, the people pre-filled at time zero
 * (8 x 10,000 x 500 + 3 x 1,000,000 < 2^26) stay within their random streams. */
#define MAX_HEADCOUNT 10000
/* People on one waiting list at time zero (England's longest lists hold about 200,000). */
#define MAX_PREFILL_LIST 1000000
#define OVERRIDES "overrides"
/* A second layer, after the overrides group: a variant of a scenario that has one
 * (england_expert_door.cfg over england.cfg). */
#define VARIANT "variant"
/* The top-level list of a federation's services (sim/scn_services.c). */
#define SERVICES "services"

/* An integer literal in a source file that libconfig 1.5 wraps to 32 bits. */
typedef struct scn_lit {
    unsigned line;
    int32_t wrapped; /* what libconfig reads */
    int used;        /* already reported against a setting */
    char text[40];
} scn_lit;

/* A file that contributed settings: the name libconfig recorded, the path to show, and
 * its text (read on demand, for the checks libconfig does not make). */
typedef struct scn_src {
    char *raw;
    char *path;     /* the path libconfig opens */
    char *text;     /* NULL if unreadable: then err, mode and size say why */
    size_t len;
    int err;        /* errno of opening or reading; EFBIG: too large; EISDIR, EINVAL:
                       not a regular file (mode) */
    unsigned mode;  /* st_mode, 0 if it could not be opened */
    long long size; /* bytes, -1 when more than SCN_MAX_FILE_BYTES were read */
    scn_lit *lits;  /* sorted by line */
    size_t nlits;
} scn_src;

/* Where a setting merged in by `overrides` or --set came from; hung on the copy's hook. */
typedef struct scn_origin {
    const config_setting_t *src; /* the setting in the overrides group, or NULL */
    const char *set_arg;         /* the --set argument, or NULL */
} scn_origin;

/* One load: the config, the messages, and what the checks learn on the way. */
typedef struct scn_ctx {
    const char *path; /* the scenario file as given */
    const char *what; /* what it is, in messages: "scenario" or "targets" */
    char *incdir;     /* its directory: libconfig's include directory */
    config_t *cfg;
    scn_errors *errs;
    size_t errs_start; /* messages already in errs before this load */
    int nomem;
    scn_src **files; /* each allocated alone: pointers to them stay valid */
    size_t nfiles, capfiles;
    scn_origin **origins;
    size_t norigins, caporigins;
    const config_setting_t **poisoned; /* reported by the 32-bit check; skip later */
    size_t npoisoned, cappoisoned;
    int staff_ok; /* staff loaded without errors: the role cross-checks can run */
    int wide_ints; /* every integer may be 64-bit (the targets file): a wrap suggests L */
    /* The first setting that repeats a name of its group, as scn_vet found it (libconfig
     * says only "duplicate setting name" and a line, which may hold several settings):
     * where, its key (within the overrides group: the key it sets), and where the name
     * was first defined (this file or one it includes). */
    const scn_src *dup_file;
    unsigned dup_line;
    char dup_name[KEYMAX];
    const scn_src *dup_first_file;
    unsigned dup_first_line;
    int dup_first_includes; /* the file first defining it includes dup_file */
    int dup_again;          /* dup_file, included more than once, defined it the first time */
    /* The first top-level variant group, as scn_vet found it: its file and line, and the
     * files including that file (an overrides group in one of them comes first in the
     * order of layers, and the variant would undo it: scn_apply_overrides refuses it). */
    const scn_src *variant_file;
    unsigned variant_line;
    const scn_src *variant_by[SCN_INCLUDE_DEPTH + 1];
    size_t nvariant_by;
} scn_ctx;

/* The loader's code for a field (struct scn_hooks of models/pw_schema.h). A special field
 * has load (s never NULL), dflt and print; a group or list may have post, run after it
 * loaded without errors (g NULL: the group was absent, all defaults). */
typedef struct scn_hooks {
    void (*load)(scn_ctx *c, const config_setting_t *s, const char *key, void *base);
    void (*dflt)(void *base);
    void (*print)(FILE *f, const void *base, const pw_field *fd, int indent);
    void (*post)(scn_ctx *c, const config_setting_t *g, const char *key, void *base);
} scn_hooks;

/* ==== scn_load.c ======================================================================= */

/* Start a load of the libconfig file at path (`what` names it in messages: "scenario"):
 * set up c and cfg (auto-convert on, the file's directory as the include directory), and
 * read the file, reporting a missing file, a directory, a byte-order mark, binary bytes
 * and parse errors. Returns SCN_OK, SCN_EINVALID (messages in errs) or SCN_ENOMEM. Either
 * way the caller ends with config_destroy(cfg) and scn_ctx_free(c). */
int scn_ctx_read(scn_ctx *c, const char *path, const char *what, config_t *cfg,
                 scn_errors *errs);
/* Free everything the context owns (not the config); safe on a zeroed context. */
void scn_ctx_free(scn_ctx *c);

/* ==== scn_msg.c ======================================================================== */

/* Make room for `need` elements of `size` bytes in *arr. Returns 0, or -1 (and marks the
 * context out of memory) if realloc failed; *arr is unchanged then. */
int scn_grow(scn_ctx *c, void **arr, size_t *cap, size_t need, size_t size);
/* A malloc'd copy of s (NULL if out of memory). */
char *scn_strdup(const char *s);
/* Number of messages this load has produced so far. */
size_t scn_nerrors(const scn_ctx *c);
/* "LOC: KEY: MESSAGE" (KEY omitted when NULL or empty). */
__attribute__((format(printf, 4, 5))) void scn_errf(scn_ctx *c, const char *loc,
                                                    const char *key, const char *fmt, ...);
/* An error about setting s (or the group that should contain a missing key), placed at
 * its FILE:LINE or its --set argument. */
__attribute__((format(printf, 4, 5))) void scn_err_at(scn_ctx *c, const config_setting_t *s,
                                                      const char *key, const char *fmt, ...);
/* An error about setting a (key ka) that its relation to setting b (key kb) makes: at a,
 * unless only b (or a part of it) was changed from the file (by an overrides group or a
 * --set), then there, the line the user wrote, saying that kb is set there. */
__attribute__((format(printf, 6, 7))) void scn_err_pair(scn_ctx *c, const config_setting_t *a,
                                                        const char *ka,
                                                        const config_setting_t *b,
                                                        const char *kb, const char *fmt, ...);
/* s if it was changed from the file it came from (by an overrides group or a --set), else
 * the first element or member inside it that was (a --set of "does[0]" changes the entry,
 * not the list), else NULL. */
const config_setting_t *scn_changed_part(const config_setting_t *s);
/* "wrong type (got X, expected E)" about s. */
void scn_wrong_type(scn_ctx *c, const config_setting_t *s, const char *key,
                    const char *expected);
/* The shortest decimal form of v that reads back as exactly v, always with a '.' or an
 * exponent so libconfig reads it as a float ("1.0", "0.25", "1.0e-07"). */
void scn_fmt_num(double v, char *buf, size_t n);
/* A setting's value as a user would recognise it: "0", "2.5", "\"abc\"", "a group". */
void scn_fmt_value(const config_setting_t *s, char *buf, size_t n);
/* Like scn_fmt_value, naming the type of a scalar ("string \"abc\"", "float 2.5"). */
void scn_fmt_typed(const config_setting_t *s, char *buf, size_t n);
/* key = parent.name (or name at the top) into out[KEYMAX]. out may not alias parent. */
void scn_subkey(char *out, const char *parent, const char *name);
/* key = parent[i] into out[KEYMAX]. */
void scn_elemkey(char *out, const char *parent, int i);
/* Levenshtein distance, case-blind, capped: cap+1 as soon as it must exceed cap. */
int scn_edit_distance(const char *a, const char *b, int cap);

/* ==== scn_file.c ======================================================================= */

/* The source file libconfig recorded as `raw` (NULL: the scenario itself), registered and
 * read on first use. Returns NULL only when out of memory. */
scn_src *scn_file_of(scn_ctx *c, const char *raw);
/* Why f has no text: "is a directory, not a scenario file", "No such file or directory". */
void scn_file_why(const scn_src *f, char *buf, size_t n);
/* The same, naming the kind of file expected ("CSV file"). */
void scn_file_why_as(const scn_src *f, const char *what, char *buf, size_t n);
/* Read the file at f->path whole into f->text (NUL-terminated, malloc'd; f->len bytes) if
 * it is a regular file of at most SCN_MAX_FILE_BYTES, without blocking on a FIFO; else
 * f->text stays NULL and f->err, f->mode, f->size say why (scn_file_why_as). */
void scn_read_whole(scn_src *f);
/* Find integer literals of f's text that libconfig 1.5 silently wraps (into f->lits).
 * Returns 0 or -1 if out of memory. */
int scn_scan_literals(scn_ctx *c, scn_src *f);
/* Report why f is not a scenario text, if it is not (a byte-order mark, binary bytes).
 * Returns 1 if it reported. */
int scn_check_text(scn_ctx *c, const scn_src *f);
/* Turn libconfig's parse error into a useful message. */
void scn_report_parse_error(scn_ctx *c);
/* Report settings under s whose integer libconfig 1.5 wrapped to 32 bits, and remember
 * them so later checks stay quiet about them. */
void scn_check_wrapped(scn_ctx *c, const config_setting_t *s, const char *key);
/* What to do about integer `text` that libconfig wrapped to 32 bits, for key, after the
 * message's "(libconfig reads it as N)": "; write NL for a 64-bit value" where that value
 * would then be taken (the seed in [0, 2^63 - 1), in hexadecimal up to 2^64 - 2, any value
 * of the targets file); a decimal seed past 2^63 - 2 "; write it in hexadecimal, 0x...L";
 * else ", outside what this key takes" (the key's own bound would refuse it: a second
 * error). */
const char *scn_wrap_advice(const scn_ctx *c, const char *key, const char *text, char *buf,
                            size_t n);

/* ==== scn_vet.c ======================================================================= */

/* Scan the scenario file `top` and every file it @includes, as libconfig 1.5 will read
 * them, before it does: each included file must be a regular file of at most
 * SCN_MAX_FILE_BYTES, and strings, groups, arrays, lists, nesting and includes stay within
 * their limits. Returns 0, or -1 after reporting every problem (or out of memory). */
__attribute__((warn_unused_result)) int scn_vet(scn_ctx *c, const scn_src *top);
/* The same for the value of a --set argument of key `key` (`where` names it in
 * messages), which may not @include. */
__attribute__((warn_unused_result)) int scn_vet_text(scn_ctx *c, const char *where,
                                                     const char *key, const char *text);

/* ==== scn_schema.c ===================================================================== */

extern const pw_field scn_top_fields[];
extern const size_t scn_ntop_fields;
/* staff.<role> */
extern const pw_field scn_role_fields[];
extern const size_t scn_nrole_fields;
/* Activity names of staff.<role>.does, in bit order (PW_DOES_*). */
extern const char *const scn_does_names[];
#define SCN_NDOES 5
/* Dependent defaults a group check fills once its group is read: a step's
 * first_session_minutes and first_session_dropout (NAN: follow session_minutes and
 * dropout_per_session), a role's salary_gbp (NAN: by band). */
void scn_settle_step(pw_step_p *sp);
void scn_settle_role(pw_role *r);
void scn_settle_casemix(pw_casemix *m);
void scn_settle_subgroups(pw_subgroups_p *g);

/* ==== scn_walk.c ======================================================================= */

/* Does field f exist in a group with flags gflags (step3 has no step_up_probability)? */
int scn_field_applies(const pw_field *f, unsigned gflags);
/* Field f of the group at key: its full key into k[KEYMAX], and its setting in g (NULL if
 * absent, or if g is). */
const config_setting_t *scn_member(const config_setting_t *g, const char *key,
                                   const pw_field *f, char *k);
/* The schema's field at a full key ("staff.pwp.headcount", "policy_params.stratified.x"),
 * or NULL (no such key, or one inside a list or array). */
const pw_field *scn_field_by_path(const char *key);
/* What field f expects, for messages: "a number > 0", "an integer in [1, 9]". */
void scn_describe(const pw_field *f, char *buf, size_t n);
/* A finite number from s (integer or float). Returns 1, or 0 after an error. */
int scn_get_num(scn_ctx *c, const config_setting_t *s, const char *key, const char *expected,
                double *v);
/* An integer from s (int, or 64-bit). Returns 1, or 0 after an error. */
int scn_get_int64(scn_ctx *c, const config_setting_t *s, const char *key,
                  const char *expected, long long *v);
/* The length of s, an array or a list; else -1 after a wrong-type message. */
int scn_array_length(scn_ctx *c, const config_setting_t *s, const char *key,
                     const char *expected);
/* Report member m of a group as unknown, suggesting a close name among cands or a key of
 * that name elsewhere in the schema. */
void scn_unknown_key(scn_ctx *c, const config_setting_t *m, const char *key,
                     const char *const *cands, size_t ncands);
/* Defaults for every field of a table (applying to a group with flags gflags). */
void scn_default_fields(const pw_field *tbl, size_t n, unsigned gflags, void *base);
/* Load group g (NULL: absent, all defaults) described by tbl into base: unknown members
 * are errors, missing required ones are errors, the rest default; then the group's post
 * hook (hooks may be NULL), if the group produced no errors. */
void scn_load_group(scn_ctx *c, const config_setting_t *g, const char *key, const pw_field *tbl,
                    size_t n, unsigned gflags, void *base, const scn_hooks *hooks);

/* ==== scn_dist.c ======================================================================= */

/* A distribution block { dist = "kind"; params... } into *d, prepared (pw_dist_prepare).
 * flags: PW_NONNEG for durations. Returns 1 if valid, else 0 after its messages. */
int scn_load_dist(scn_ctx *c, const config_setting_t *s, const char *key, unsigned flags,
                  pw_dist *d);
/* A distribution block on one line. */
void scn_print_dist(FILE *f, const pw_dist *d);

/* ==== scn_special.c ==================================================================== */

extern const scn_hooks scn_seed_hooks, scn_policy_hooks, scn_closures_hooks, scn_staff_hooks,
    scn_does_hooks, scn_policy_params_hooks;

/* ==== scn_check.c ====================================================================== */

extern const scn_hooks scn_top_checks, scn_step_checks, scn_role_checks,
    scn_workforce_checks, scn_step_changes_checks;

/* ==== scn_referrals.c ================================================================== */

/* referrals.weekly_counts (a special: the file read into the parameters) and the checks of
 * the referrals group: one way of giving the rate, and the keys it goes with. */
extern const scn_hooks scn_weekly_counts_hooks, scn_referrals_checks;
/* A weekly_counts file must cover the run unless it repeats: a message if it does not.
 * Needs the run's length (every top-level key read). */
void scn_check_weekly_cover(scn_ctx *c, const pw_params *p);
/* The checks that need every key read: role names (the chosen policy's, training_to, plan
 * rows) and the activities the scenario needs. Run only when staff loaded cleanly. */
void scn_check_all(scn_ctx *c, pw_params *p);

/* ==== scn_override.c =================================================================== */

/* Merge the file's overrides group, then `extra` (a service's overrides group, or NULL),
 * then each --set argument in order, over the root.
 * Returns 0, or -1 if out of memory (c->nomem set); bad arguments are messages. */
int scn_apply_overrides(scn_ctx *c, const config_setting_t *extra, const char *const *sets,
                        size_t nsets);

/* ==== scn_services.c =================================================================== */

/* What a scenario's services list says (names, scale, staffing), checked. */
typedef struct scn_service {
    char name[PW_MAX_NAME];
    double scale, staffing;
    const config_setting_t *overrides; /* the service's overrides group, or NULL */
    char loc[400];                     /* "FILE:LINE" of its element, for messages */
} scn_service;
/* Check the root's services list, if any, into svc[0..*n) (malloc'd, NULL when absent;
 * *n = 0). Messages for every problem. Returns 0, or -1 if out of memory. */
int scn_services_read(scn_ctx *c, scn_service **svc, size_t *n);
/* Load the scenario with service k's overrides (k < 0: none); allow_services: the file may
 * hold a services list (else it is an error), read into *svc / *nsvc when they are not
 * NULL. As scn_load otherwise, and: with k < 0, SCN_ESERVICES when the only problems are in
 * the services list's entries (reported, the list returned: each service's overrides can
 * still be checked); with k >= 0 the entries' problems are not reported again. */
#define SCN_ESERVICES (-3)
/* Forget e's messages from the n-th on. */
void scn_errors_truncate(scn_errors *e, size_t n);
int scn_load_with(const char *path, const char *const *sets, size_t nsets, long k,
                  int allow_services, pw_params *out, scn_service **svc, size_t *nsvc,
                  scn_errors *errs);

/* ==== scn_print.c ====================================================================== */

/* A number that reads back exactly, as a float (see scn_fmt_num). */
void scn_print_num(FILE *f, double v);
/* Every field of a table that applies to the group; a negative indent prints on the
 * current line, each field followed by a space. */
void scn_print_fields(FILE *f, const pw_field *tbl, size_t n, unsigned gflags,
                      const void *base, int indent);

#endif
