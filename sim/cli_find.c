/* Finding a file named without a folder: a scenario (`stepsim run baseline`) or a targets
 * file (`--targets national`), in the current folder, then under the data folders. */
#include "cli_find.h"
#include "scn_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Asked of the file system, not by opening: a FIFO would block an open for ever (the
 * loader refuses it with a message). */
int cli_readable(const char *path) { return access(path, R_OK) == 0; }

/* Not a folder: a run's output folder named like a scenario ("-o baseline") must not hide
 * the scenario of that name. */
int cli_readable_file(const char *path)
{
    struct stat st;
    return cli_readable(path) && stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

char *cli_find_data(const char *name, const char *sub, const char *datadir)
{
    const char *dirs[] = {".", getenv("STEPSIM_DATA"), datadir};
    for (size_t d = 0; d < sizeof dirs / sizeof *dirs; d++) {
        if (!dirs[d] || !dirs[d][0])
            continue;
        for (int ext = 0; ext < 2; ext++) {
            size_t n = strlen(dirs[d]) + strlen(sub) + strlen(name) + 8;
            char *path = malloc(n);
            if (!path)
                return NULL;
            snprintf(path, n, "%s/%s/%s%s", dirs[d], sub, name, ext ? ".cfg" : "");
            if (cli_readable_file(path))
                return path;
            free(path);
        }
    }
    return NULL;
}

const char *cli_shown(const char *s, char *buf, size_t n)
{
    scn_escape(s, buf, n, 0);
    return buf;
}

void cli_print_not_found(const char *what, const char *name_given, const char *sub,
                         const char *datadir)
{
    char shown[1024]; /* the name as shown; the folder is looked for by the name given */
    const char *name = cli_shown(name_given, shown, sizeof shown);
    const char *data = getenv("STEPSIM_DATA");
    size_t n = strlen(name);
    int has_ext = n >= 4 && !strcmp(name + n - 4, ".cfg");
    fprintf(stderr, "stepsim: no %s '%s': looked for it%s%s%s here%s, in ./%s, in %s/%s%s and "
                    "in %s/%s; give its path, or set STEPSIM_DATA to the folder above its "
                    "scenarios/\n",
            what, name, has_ext ? "" : " (and ", has_ext ? "" : name, has_ext ? "" : ".cfg)",
            cli_readable(name_given) ? " (a folder of that name is here)" : "", sub,
            data && *data ? data : "$STEPSIM_DATA", sub, data && *data ? "" : " (unset)",
            datadir, sub);
}
