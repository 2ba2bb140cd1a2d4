/* Scenario loading: a libconfig scenario file plus --set overrides, checked key by key,
 * into a resolved pw_params; and printing a pw_params back as a scenario file.
 *
 * Only the loader's files (sim/scn_*.c) include libconfig.h. Nothing here prints to the
 * user or exits: the loader returns a status and collects messages in compiler form,
 *     FILE:LINE: KEY: MESSAGE (got X, expected Y)
 * and main() decides what to do with them. A value given by --set is located as
 * "--set KEY=VALUE" instead of FILE:LINE.
 *
 * Scenario-level conventions the loader adds to libconfig (see scenarios/baseline.cfg):
 *   - every key is known: an unknown key is an error, with a suggestion when one is close;
 *   - @include paths resolve from the directory of the scenario file named on the command
 *     line (libconfig 1.5 has a single include directory), nested includes too;
 *   - a top-level `overrides = { ... };` group is merged over the rest of the file before
 *     validation (groups merge member by member; anything else, and a distribution block
 *     { dist = ...; }, replaces). It is how a variant @includes a full scenario and changes
 *     a few keys, since libconfig refuses to define a setting twice. --set overrides are
 *     applied after it, the same way.
 */
#ifndef SCN_LOAD_H
#define SCN_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/pw_params.h"

/* s with its control bytes written \xNN (newline and tab kept when keep_lines) into buf,
 * n bytes, cut to fit (never inside an escape) and ended when n > 0; returns the length
 * the whole takes, as snprintf does. Messages show text a user gave this way, so that it
 * cannot drive the terminal. */
size_t scn_escape(const char *s, char *buf, size_t n, int keep_lines);

/* A growable list of messages, each a malloc'd string owned by the list.
 * Zero-initialise (or scn_errors_init) before use; release with scn_errors_free. */
typedef struct scn_errors {
    char **msg;
    size_t n, cap;
} scn_errors;

/* Return codes of scn_load. */
enum {
    SCN_OK = 0,
    SCN_EINVALID = -1, /* the scenario (or an override) is bad: see the messages */
    SCN_ENOMEM = -2,   /* out of memory (messages may be incomplete) */
};

/* Empty list, no allocation. */
void scn_errors_init(scn_errors *e);
/* Free every message and the list; leaves an empty list. Safe on NULL and on an empty or
 * zeroed list. */
void scn_errors_free(scn_errors *e);
/* Append a copy of msg (a message of the caller's, in compiler form). 0, or -1 out of
 * memory (the list unchanged). */
int scn_errors_add(scn_errors *e, const char *msg);
/* A static description of a scn_load return code. */
const char *scn_strerror(int status);
/* The libconfig version the loader was built against, e.g. "1.5.0" (static string). */
const char *scn_libconfig_version(void);
/* Does the override `set` ("key.path=value", as for scn_load) name a file the loader would
 * read: its key, or a key inside a group given as its value, is one the schema marks
 * PW_PATH (referrals.weekly_counts)? For whoever must not let others name files (the
 * playground). */
int scn_set_names_file(const char *set);

/* Does the schema hold `key` ("staff.pwp.headcount") as a whole number? 0 for a key that
 * takes other numbers or no number, and for one the schema does not know (the loader will
 * say so). For whoever sets values inside a range: a whole-number key's are rounded. */
int scn_key_is_whole(const char *key);

/* Load the scenario at `path`, apply `nsets` overrides `sets[i]` ("key.path=value", the
 * value in libconfig syntax; a bare word is taken as a string), fill every optional key
 * with its default, validate everything and write the result to *out.
 * Returns SCN_OK; or SCN_EINVALID with one message per problem appended to *errs (all
 * problems, not only the first); or SCN_ENOMEM. *out is fully written on SCN_OK and
 * unspecified (but safe to discard) otherwise. Nothing is printed. The strings in *out
 * are copies: nothing in it points into libconfig's memory. */
__attribute__((warn_unused_result)) int scn_load(const char *path, const char *const *sets,
                                                 size_t nsets, pw_params *out,
                                                 scn_errors *errs);

/* A federation (models/pw_pool.h): a scenario with a `services` list (sim/scn_services.c
 * describes it). services[0..n) are each service's parameters, scaled; scale and staffing
 * as the list gives them. */
typedef struct scn_federation {
    size_t n;
    pw_params *services;
    double *scale, *staffing;
    pw_params *base; /* the scenario every service is scaled from: the file, its overrides
                        group and --set, before any service's own overrides */
    char **own;      /* service k's own overrides as what they change in base (the body
                        of an overrides group, scn_print_diff; "" when nothing) */
    int picked;           /* --service took one service out (app.c; n is then 0) */
    uint64_t picked_from; /* the federation's master seed the service's was drawn from */
} scn_federation;
/* scn_load for a scenario that may be a federation: *nat gets the national parameters
 * (the base's, with the services' referral rates, posts and pre-filled lists summed) and
 * *fed the services (fed->n == 0: not a federation, *nat is the scenario as scn_load
 * reads it). Returns as scn_load; on failure *fed is empty. */
__attribute__((warn_unused_result)) int scn_load_federation(const char *path,
                                                            const char *const *sets,
                                                            size_t nsets, pw_params *nat,
                                                            scn_federation *fed,
                                                            scn_errors *errs);
/* Print a federation so that it loads back as itself: a comment with the national sums
 * (nat), the base fully resolved (scn_print of fed->base), the services list with each
 * service's scale, staffing and own overrides (fed->own), and each service as run in
 * comments. Write errors show up in ferror(f). */
void scn_print_federation(FILE *f, const pw_params *nat, const scn_federation *fed);
/* Release fed's arrays; leaves it empty. Safe on NULL and on an empty one. */
void scn_federation_free(scn_federation *fed);

/* Every optional key at its schema default, for parameters built in code (the model
 * tests): required keys are left zero or empty, there are no roles (scn_add_role), the
 * policy is "stepped" and every policy's block is at its defaults. Keys whose default
 * follows another key are left NAN until scn_settle: a step's first_session_minutes and
 * first_session_dropout, a role's salary_gbp. Nothing is validated: scn_load is the
 * authority on what is a valid scenario. */
void scn_defaults(pw_params *p);
/* Append a role called name to p, every optional key at its default (required ones zero,
 * training_to none). Returns it, or NULL if p has PW_MAX_ROLES roles already or the name
 * is too long. */
pw_role *scn_add_role(pw_params *p, const char *name);
/* Fill the defaults that follow other keys, where still NAN, from the keys they follow
 * (salary_gbp from a band in 1-9), as scn_load does once a group is read. */
void scn_settle(pw_params *p);

/* Print p as a complete scenario in libconfig syntax, every key present (defaults filled
 * in), numbers written so that they read back exactly: scn_load of the printed text gives
 * a pw_params equal to p. Returns nothing; write errors show up in ferror(f). */
void scn_print(FILE *f, const pw_params *p);
/* A string in libconfig syntax, quoted and escaped, as a scenario file writes it (a name
 * in a message stays on its line). */
void scn_print_string(FILE *f, const char *s);
/* What b sets differently from a, as the body of an overrides group on one line
 * ("key = value; group = { key = value; }; "): loaded as overrides over a, it gives b.
 * malloc'd ("" when they print the same); NULL when out of memory. */
char *scn_print_diff(const pw_params *a, const pw_params *b);

/* The nearest of names[0..n) (stopping early at a NULL) to word, within two edits and
 * fewer edits than word has letters, the first of equals; NULL if none. */
const char *scn_closest(const char *word, const char *const *names, size_t n);

/* " (did you mean \"NAME\"?)" for scn_closest's name, else "": the suggestion in a
 * message about an unknown name (scenario keys, metrics). */
void scn_did_you_mean(const char *word, const char *const *names, size_t n, char *buf,
                      size_t len);

#endif
