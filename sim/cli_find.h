/* Finding a scenario or a targets file named without a folder (cli_find.c). */
#ifndef CLI_FIND_H
#define CLI_FIND_H

#include <stddef.h>

/* Is path readable (cli_readable), and not a folder (cli_readable_file)? */
int cli_readable(const char *path);
int cli_readable_file(const char *path);
/* The first of DIR/SUB/NAME and DIR/SUB/NAME.cfg that is a readable file, with DIR the
 * current folder (a source tree: `build/stepsim serve` from its top), $STEPSIM_DATA, then
 * datadir (the installed data folder); malloc'd (the caller frees), or NULL if none is. */
char *cli_find_data(const char *name, const char *sub, const char *datadir);
/* s as a message shows it, in buf (n bytes): its control bytes written \xNN, so that a
 * name given on the command line cannot drive the terminal; cut to fit. Returns buf. */
const char *cli_shown(const char *s, char *buf, size_t n);
/* On stderr: no WHAT 'NAME', and every place cli_find_data looked for it. */
void cli_print_not_found(const char *what, const char *name, const char *sub,
                         const char *datadir);

#endif
