/* Scenario loader: scn_print, a pw_params back as a complete scenario.
 *
 * Every key is written, defaults filled in, in schema order; numbers are written in the
 * shortest form that reads back exactly, always as floats (scn_fmt_num), so that scn_load
 * of the printed text gives the same pw_params byte for byte (tests/test_scn.c). A group
 * flagged PW_ONE_LINE, a distribution block and each row of a list go on one line.
 */
#include "scn_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A string in libconfig syntax, quoted and escaped. */
void scn_print_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f) /* control bytes: a file holding them is refused */
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* A number that reads back exactly, as a float (see fmt_num). */
void scn_print_num(FILE *f, double v)
{
    char b[64];
    scn_fmt_num(v, b, sizeof b);
    fputs(b, f);
}

/* One field as "name = value;" (groups over several lines, unless PW_ONE_LINE). A negative
 * indent prints on the current line, followed by a space. */
static void print_field(FILE *f, const pw_field *fd, unsigned gflags, const void *base,
                        int indent)
{
    int inline_ = indent < 0;
    if (inline_)
        indent = 0;
    const char *at = (const char *)base + fd->off;
    if (fd->kind == PW_F_SPECIAL) {
        fd->hooks->print(f, base, fd, indent);
        return;
    }
    if (fd->kind == PW_F_STR && (fd->flags & PW_OMIT_EMPTY) && !*at)
        return;
    if (fd->kind == PW_F_LIST && (fd->flags & PW_OMIT_EMPTY) &&
        !*(const size_t *)((const char *)base + fd->count_off))
        return;
    if (fd->flags & PW_OMIT_DEFAULT) {
        double v = fd->kind == PW_F_NUM ? *(const double *)at : *(const int *)at;
        if (v == fd->def || (isnan(v) && isnan(fd->def)))
            return;
    }
    if (fd->kind == PW_F_DIST && fd->has_off != SIZE_MAX &&
        !*(const int *)((const char *)base + fd->has_off))
        return;
    fprintf(f, "%*s%s = ", indent, "", fd->name);
    switch (fd->kind) {
    case PW_F_NUM:
        scn_print_num(f, *(const double *)at);
        break;
    case PW_F_INT:
        fprintf(f, "%d", *(const int *)at);
        break;
    case PW_F_BOOL:
        fputs(*(const int *)at ? "true" : "false", f);
        break;
    case PW_F_STR:
        scn_print_string(f, at);
        break;
    case PW_F_ENUM:
        scn_print_string(f, fd->names[*(const int *)at]);
        break;
    case PW_F_ARR:
        fputc('[', f);
        for (size_t i = 0; i < fd->n; i++) {
            fputs(i ? ", " : "", f);
            scn_print_num(f, ((const double *)at)[i]);
        }
        fputc(']', f);
        break;
    case PW_F_DIST:
        scn_print_dist(f, (const pw_dist *)at);
        break;
    case PW_F_GROUP:
        if (fd->flags & PW_ONE_LINE) {
            fputs("{ ", f);
            scn_print_fields(f, fd->sub, fd->nsub, fd->flags | (gflags & PW_IS_STEP2), at, -1);
            fputs("}", f);
        } else {
            fputs("{\n", f);
            scn_print_fields(f, fd->sub, fd->nsub, fd->flags | (gflags & PW_IS_STEP2), at,
                             indent + 4);
            fprintf(f, "%*s}", indent, "");
        }
        break;
    case PW_F_LIST: /* ( { row }, { row } ), each row on the line */
        fputc('(', f);
        for (size_t i = 0, n = *(const size_t *)((const char *)base + fd->count_off); i < n; i++) {
            fputs(i ? ", { " : " { ", f);
            scn_print_fields(f, fd->sub, fd->nsub, 0, at + i * fd->row_size, -1);
            fputc('}', f);
        }
        fputs(" )", f);
        break;
    case PW_F_SPECIAL:
        break;
    }
    fputs(inline_ ? "; " : ";\n", f);
}

void scn_print_fields(FILE *f, const pw_field *tbl, size_t n, unsigned gflags,
                      const void *base, int indent)
{
    for (size_t i = 0; i < n; i++)
        if (scn_field_applies(&tbl[i], gflags))
            print_field(f, &tbl[i], gflags, base, indent);
}

/* Whether p has a coordinating role: the coordination keys are printed only then. */
static unsigned has_coord(const pw_params *p)
{
    unsigned coord = 0;
    for (size_t r = 0; r < p->n_roles; r++)
        coord |= p->roles[r].does & PW_DOES_COORDINATION;
    return coord;
}

void scn_print(FILE *f, const pw_params *p)
{
    fputs("# Fully resolved scenario (every default filled in), as stepsim read it.\n", f);
    unsigned coord = has_coord(p);
    for (size_t i = 0; i < scn_ntop_fields; i++)
        if (coord || !(scn_top_fields[i].flags & PW_IF_COORD))
            print_field(f, &scn_top_fields[i], 0, p, 0);
}

/* One field of base as print_field writes it on a line, malloc'd ("" when it prints
 * nothing); NULL when out of memory. */
static char *field_text(const pw_field *fd, unsigned gflags, const void *base)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    print_field(m, fd, gflags, base, -1);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* The fields of table tbl where b differs from a, on the current line: a group by its
 * differing members (overrides merge groups member by member), anything else whole (a
 * distribution block, a list, an array and the loader's own fields replace). Returns 0,
 * or -1 when out of memory. */
static int print_diff_fields(FILE *f, const pw_field *tbl, size_t n, unsigned gflags,
                             const void *a, const void *b)
{
    for (size_t i = 0; i < n; i++) {
        const pw_field *fd = &tbl[i];
        if (!scn_field_applies(fd, gflags))
            continue;
        char *ta = field_text(fd, gflags, a), *tb = field_text(fd, gflags, b);
        int ok = ta && tb, same = ok && !strcmp(ta, tb);
        if (ok && !same && fd->kind == PW_F_GROUP) {
            fprintf(f, "%s = { ", fd->name);
            ok = print_diff_fields(f, fd->sub, fd->nsub, fd->flags | (gflags & PW_IS_STEP2),
                                   (const char *)a + fd->off, (const char *)b + fd->off) == 0;
            fputs("}; ", f);
        } else if (ok && !same && !*tb && fd->kind == PW_F_LIST) {
            fprintf(f, "%s = ( ); ", fd->name); /* emptied: its rows are not printed */
        } else if (ok && !same) {
            fputs(tb, f);
        }
        free(ta);
        free(tb);
        if (!ok)
            return -1;
    }
    return 0;
}

/* Whether a and b have the same roles, by name and in order. */
static int same_roles(const pw_params *a, const pw_params *b)
{
    int same = a->n_roles == b->n_roles;
    for (size_t r = 0; same && r < a->n_roles; r++)
        same = !strcmp(a->roles[r].name, b->roles[r].name);
    return same;
}

/* 1 if any field of table tbl prints differently for a and b, 0 if none, -1 when out of
 * memory. */
static int fields_differ(const pw_field *tbl, size_t n, unsigned gflags, const void *a,
                         const void *b)
{
    int differ = 0;
    for (size_t i = 0; i < n && !differ; i++) {
        char *ta = field_text(&tbl[i], gflags, a), *tb = field_text(&tbl[i], gflags, b);
        differ = ta && tb ? strcmp(ta, tb) != 0 : -1;
        free(ta);
        free(tb);
    }
    return differ;
}

/* The staff block's difference role by role: with the same roles it is a group of groups,
 * which overrides merge member by member. Returns 0 or -1 (out of memory). */
static int print_diff_staff(FILE *f, const pw_field *fd, const pw_params *a,
                            const pw_params *b)
{
    int opened = 0;
    for (size_t r = 0; r < a->n_roles; r++) {
        int d = fields_differ(scn_role_fields, scn_nrole_fields, 0, &a->roles[r], &b->roles[r]);
        if (d < 0)
            return -1;
        if (!d)
            continue;
        if (!opened++)
            fprintf(f, "%s = { ", fd->name);
        fprintf(f, "%s = { ", a->roles[r].name);
        if (print_diff_fields(f, scn_role_fields, scn_nrole_fields, 0, &a->roles[r],
                              &b->roles[r]) < 0)
            return -1;
        fputs("}; ", f);
    }
    if (opened)
        fputs("}; ", f);
    return 0;
}

char *scn_print_diff(const pw_params *a, const pw_params *b)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    unsigned coord = has_coord(a) | has_coord(b);
    int bad = 0;
    for (size_t i = 0; i < scn_ntop_fields && !bad; i++) {
        const pw_field *fd = &scn_top_fields[i];
        if (!coord && (fd->flags & PW_IF_COORD))
            continue;
        int staff = fd->kind == PW_F_SPECIAL && !strcmp(fd->name, "staff") && same_roles(a, b);
        bad = (staff ? print_diff_staff(f, fd, a, b) : print_diff_fields(f, fd, 1, 0, a, b)) < 0;
    }
    if (fclose(f) != 0 || bad) {
        free(buf);
        return NULL;
    }
    return buf;
}
