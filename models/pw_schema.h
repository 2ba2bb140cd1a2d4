/* The scenario schema's description language: one table of fields per parameter struct.
 *
 * Each field names its scenario key, its kind, where it is stored (offsetof into the struct
 * the table describes), its default and its range. The loader (sim/scn_*.c) reads,
 * defaults, checks and prints every table the same way; this header has no libconfig in
 * it, so a model file can describe its own parameters (a policy's policy_params.<name>, in
 * models/pol_<name>.c) and the model stays free of the file format.
 *
 * Conventions:
 *   - a required field (PW_REQ) has no default: it is zero until the scenario sets it;
 *   - a NAN default on a number means "follows another key" (first_session_minutes follows
 *     session_minutes): the loader fills it once the group is read;
 *   - a string with PW_ROLE names a role under staff; the loader checks that it does,
 *     that the role does the activities in .does (when the scenario uses them), and stores
 *     its index in the int at .idx_off (SIZE_MAX: not stored);
 *   - a list (PW_F_LIST) is a fixed-capacity array of row structs plus a size_t count, each
 *     row described by a sub-table: libconfig's ( { ... }, { ... } ).
 */
#ifndef PW_SCHEMA_H
#define PW_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "pw_dist.h"

typedef enum pw_fkind {
    PW_F_NUM,     /* double, range [lo, hi] (open ends by flag) */
    PW_F_INT,     /* int, range [lo, hi] */
    PW_F_BOOL,    /* int 0/1 */
    PW_F_STR,     /* char[n] */
    PW_F_ENUM,    /* a string from names[], stored as its index (int) */
    PW_F_ARR,     /* double[n] */
    PW_F_DIST,    /* pw_dist */
    PW_F_GROUP,   /* a nested struct described by sub[] */
    PW_F_LIST,    /* row structs described by sub[], at most n, their count at count_off */
    PW_F_SPECIAL, /* the loader's own code (hooks) */
} pw_fkind;

enum {
    PW_REQ = 1 << 0,         /* required (else defaulted) */
    PW_LO_OPEN = 1 << 1,     /* value > lo rather than >= lo */
    PW_HI_OPEN = 1 << 2,     /* value < hi */
    PW_SUM1 = 1 << 3,        /* PW_F_ARR / PW_F_GROUP of numbers: must sum to 1 */
    PW_STEP2_ONLY = 1 << 4,  /* key exists in step2 only */
    PW_IS_STEP2 = 1 << 5,    /* PW_F_GROUP: this group is step2 */
    PW_NONNEG = 1 << 6,      /* PW_F_DIST: draws must be >= 0 (durations) */
    PW_NONEMPTY = 1 << 7,    /* PW_F_STR: "" not allowed */
    PW_OMIT_EMPTY = 1 << 8,  /* PW_F_STR: not printed when ""; PW_F_LIST: with no rows */
    PW_ONE_LINE = 1 << 9,    /* PW_F_GROUP: printed on one line */
    PW_FRACTION = 1 << 10,   /* PW_F_NUM in [0, 1]: a share, described as a number, not a
                                probability */
    PW_ROLE = 1 << 11,       /* PW_F_STR: names a role under staff */
    PW_STEP3_ONLY = 1 << 12, /* key exists in step3 only */
    PW_OMIT_DEFAULT = 1 << 13, /* PW_F_NUM, PW_F_BOOL: not printed at its default (a NAN
                                  default: not given) */
    PW_IF_COORD = 1 << 14,   /* PW_F_GROUP at the top: printed only when a role does
                                "coordination" (else it is an error to give it) */
    PW_PATH = 1 << 15,       /* PW_F_STR, PW_F_SPECIAL: the value names a file the loader
                                reads (scn_set_names_file) */
    PW_RELATIVE = 1 << 16,   /* PW_F_ARR: relative multipliers (each over their mean): not
                                every one 0, which would have no mean to divide by */
};

/* The loader's code for a field: load, default and print of PW_F_SPECIAL, checks run after
 * a PW_F_GROUP or PW_F_LIST loaded cleanly. Defined in sim/scn_internal.h; opaque here. */
struct scn_hooks;

typedef struct pw_field pw_field;
struct pw_field {
    const char *name;
    pw_fkind kind;
    unsigned flags;
    size_t off;                /* of the value within the struct the table describes */
    double def;                /* default (numbers, ints, bools, enum index, array elements) */
    double lo, hi;             /* range */
    size_t n;                  /* PW_F_ARR length; PW_F_STR capacity; PW_F_LIST most rows */
    const char *sdef;          /* PW_F_STR default */
    const char *const *names;  /* PW_F_ENUM names, NULL-terminated */
    const pw_field *sub;       /* PW_F_GROUP members; PW_F_LIST the fields of one row */
    size_t nsub;
    size_t has_off;            /* PW_F_DIST optional: offset of its int "given" flag, or
                                  SIZE_MAX */
    const pw_dist *ddef;       /* PW_F_DIST optional without a flag: its default */
    size_t count_off;          /* PW_F_LIST: offset of its size_t row count */
    size_t row_size;           /* PW_F_LIST: bytes per row */
    const char *rows;          /* PW_F_LIST: what the rows are, plural ("shocks") */
    size_t idx_off;            /* PW_ROLE: offset of the int the role's index goes to, or
                                  SIZE_MAX */
    unsigned does;             /* PW_ROLE: activities (PW_DOES_*) the role must do */
    const char *desc;          /* PW_F_SPECIAL: what is expected; PW_F_LIST: a row's form,
                                  "{ week = W; factor = F; }" */
    const struct scn_hooks *hooks;
};

#define PW_NELEM(a) (sizeof(a) / sizeof *(a))
#define PW_MEMBER_SIZE(T, m) sizeof(((T *)0)->m)

#define PW_NUM(nm, T, m, fl, d, l, h)                                                         \
    {.name = nm, .kind = PW_F_NUM, .flags = fl, .off = offsetof(T, m), .def = d, .lo = l,    \
     .hi = h}
#define PW_PROB(nm, T, m, fl, d) PW_NUM(nm, T, m, fl, d, 0.0, 1.0)
#define PW_FRAC(nm, T, m, fl, d) PW_NUM(nm, T, m, (fl) | PW_FRACTION, d, 0.0, 1.0)
#define PW_INT(nm, T, m, fl, d, l, h)                                                         \
    {.name = nm, .kind = PW_F_INT, .flags = fl, .off = offsetof(T, m), .def = d, .lo = l,    \
     .hi = h}
#define PW_BOOL(nm, T, m, fl, d)                                                              \
    {.name = nm, .kind = PW_F_BOOL, .flags = fl, .off = offsetof(T, m), .def = d}
#define PW_STR(nm, T, m, fl, d)                                                               \
    {.name = nm, .kind = PW_F_STR, .flags = fl, .off = offsetof(T, m),                       \
     .n = PW_MEMBER_SIZE(T, m), .sdef = d}
/* A role name whose role must do the activities act; the model looks it up by name. */
#define PW_ROLE_NAME(nm, T, m, fl, act)                                                       \
    {.name = nm, .kind = PW_F_STR, .flags = (fl) | PW_ROLE, .off = offsetof(T, m),           \
     .n = PW_MEMBER_SIZE(T, m), .sdef = "", .idx_off = SIZE_MAX, .does = act}
/* A role name resolved by the loader into the int member idx (-1 until resolved). */
#define PW_ROLE_REF(nm, T, m, idx, fl)                                                        \
    {.name = nm, .kind = PW_F_STR, .flags = (fl) | PW_ROLE, .off = offsetof(T, m),           \
     .n = PW_MEMBER_SIZE(T, m), .sdef = "", .idx_off = offsetof(T, idx)}
#define PW_ARR(nm, T, m, fl, cnt, d, l, h)                                                    \
    {.name = nm, .kind = PW_F_ARR, .flags = fl, .off = offsetof(T, m), .n = cnt, .def = d,   \
     .lo = l, .hi = h}
#define PW_GROUP(nm, T, m, fl, tbl, hk)                                                       \
    {.name = nm, .kind = PW_F_GROUP, .flags = fl, .off = offsetof(T, m), .sub = tbl,         \
     .nsub = PW_NELEM(tbl), .hooks = hk}
/* A list of rows m[] (an array member of T) counted by the size_t member cnt; form shows a
 * row in messages, what names the rows ("hiring rows"). */
#define PW_LIST(nm, T, m, cnt, fl, tbl, form, what, hk)                                       \
    {.name = nm, .kind = PW_F_LIST, .flags = fl, .off = offsetof(T, m),                      \
     .count_off = offsetof(T, cnt), .n = PW_NELEM(((T *)0)->m),                              \
     .row_size = PW_MEMBER_SIZE(T, m[0]), .sub = tbl, .nsub = PW_NELEM(tbl), .desc = form,    \
     .rows = what, .hooks = hk}
#define PW_SPECIAL(nm, fl, hk, ds)                                                            \
    {.name = nm, .kind = PW_F_SPECIAL, .flags = fl, .hooks = hk, .desc = ds}

#endif
