/* Output sets: stage privately, publish whole (see out_set.h). */
#define _GNU_SOURCE /* renameat2 and nftw */
#include "out_set.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out_file.h"

/* nftw's callback for out_remove_tree: remove path (a directory once its entries are
 * gone, FTW_DEPTH); 0, or -1 with errno, which stops the walk. */
static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

int out_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Split "a/b/c" into parent "a/b" and base "c" (both malloc'd); parent "." if none. Returns
 * 0, or -1 out of memory (the caller frees both, either may be NULL). */
static int split(const char *dir, char **parent, char **base)
{
    const char *slash = strrchr(dir, '/');
    if (!slash) {
        *parent = strdup(".");
        *base = strdup(dir);
    } else {
        *parent = slash == dir ? strdup("/") : strndup(dir, (size_t)(slash - dir));
        *base = strdup(slash + 1);
    }
    return *parent && *base ? 0 : -1;
}

/* Is the name a staging or set-aside folder of base, and of which process? */
static long leftover_pid(const char *name, const char *base)
{
    size_t nb = strlen(base);
    if (name[0] != '.' || strncmp(name + 1, base, nb) != 0)
        return 0;
    const char *r = name + 1 + nb;
    if (strncmp(r, ".stage.", 7) == 0)
        r += 7;
    else if (strncmp(r, ".old.", 5) == 0)
        r += 5;
    else
        return 0;
    char *end;
    long pid = strtol(r, &end, 10);
    return pid > 0 && *end == '.' && strlen(end) == 7 ? pid : 0;
}

/* Remove the leftovers of base in parent whose process is gone. Best effort. */
static void clean_stale(const char *parent, const char *base)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = leftover_pid(e->d_name, base);
        if (pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive, or not ours to judge */
        size_t n = strlen(parent) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (p) {
            snprintf(p, n, "%s/%s", parent, e->d_name);
            (void)out_remove_tree(p);
            free(p);
        }
    }
    closedir(d);
}

/* Is dir/manifest.json one stepsim wrote? Its software block names stepsim's version
 * near the top (out_run_manifest.c); a web project's manifest.json does not. */
static int our_manifest(const char *dir)
{
    size_t n = strlen(dir) + 16;
    char *path = malloc(n), head[4096];
    if (!path)
        return 0;
    snprintf(path, n, "%s/manifest.json", dir);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return 0;
    size_t got = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    head[got] = '\0';
    return strstr(head, "\"stepsim_version\"") != NULL;
}

/* dir/manifest.json whole (malloc'd, NUL-terminated), or NULL. */
static char *read_manifest(const char *dir)
{
    size_t n = strlen(dir) + 16;
    char *path = malloc(n), *text = NULL;
    if (!path)
        return NULL;
    snprintf(path, n, "%s/manifest.json", dir);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return NULL;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size >= 0 && size <= (64L << 20) && fseek(f, 0, SEEK_SET) == 0 &&
        (text = malloc((size_t)size + 1)) != NULL) {
        size_t got = fread(text, 1, (size_t)size, f);
        text[got] = '\0';
    }
    fclose(f);
    return text;
}

/* Does the manifest's "files" list name `entry` or a file inside it ("points" for
 * "points/0000/manifest.json")? -1 when it has no list to judge by. */
static int manifest_lists(const char *m, const char *entry)
{
    const char *files = strstr(m, "\"files\"");
    const char *open = files ? strchr(files, '[') : NULL;
    const char *close = open ? strchr(open, ']') : NULL;
    if (!close)
        return -1;
    size_t n = strlen(entry);
    for (const char *p = open; (p = strstr(p, "\"name\"")) != NULL && p < close; p++) {
        const char *q = strchr(p + 6, '"');
        if (q && q < close && !strncmp(q + 1, entry, n) && (q[1 + n] == '"' || q[1 + n] == '/'))
            return 1;
    }
    return 0;
}

/* Does the existing folder look like one stepsim may replace: empty, or an output set (a
 * manifest.json that stepsim wrote) holding only what its run wrote: the files its
 * manifest lists and folders that are sets themselves (compare's scenarios). Anything
 * else, a note put beside the results or a run of its own inside, would be lost with
 * the set: its name goes into foreign (at most n bytes). */
static int replaceable(const char *dir, char *foreign, size_t n)
{
    foreign[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int empty = 1, manifest = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        empty = 0;
        if (!strcmp(e->d_name, "manifest.json"))
            manifest = 1;
    }
    if (empty || !manifest || !our_manifest(dir)) {
        closedir(d);
        return empty;
    }
    char *m = read_manifest(dir);
    rewinddir(d);
    while (m && !foreign[0] && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "manifest.json"))
            continue; /* ".", "..", and hidden files (a desktop's own) */
        int listed = manifest_lists(m, e->d_name);
        if (listed < 0)
            break; /* a manifest without a list: trusted whole, as before lists */
        if (listed)
            continue;
        size_t k = strlen(dir) + strlen(e->d_name) + 2;
        char *sub = malloc(k);
        if (!sub)
            break;
        snprintf(sub, k, "%s/%s", dir, e->d_name);
        struct stat st;
        int a_set = lstat(sub, &st) == 0 && S_ISDIR(st.st_mode) && our_manifest(sub);
        free(sub);
        if (!a_set)
            snprintf(foreign, n, "%s", e->d_name);
    }
    closedir(d);
    free(m);
    return !foreign[0];
}

/* "PARENT/.BASE.KIND.<pid>.XXXXXX" as a template (malloc'd). */
static char *sibling(const char *parent, const char *base, const char *kind)
{
    size_t n = strlen(parent) + strlen(base) + strlen(kind) + 48;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/.%s.%s.%ld.XXXXXX", parent, base, kind, (long)getpid());
    return p;
}

int out_set_begin(out_set *s, const char *outdir, char *err, size_t errlen)
{
    char eb[128];
    char *parent = NULL, *base = NULL;
    int ret = OUT_OK;
    s->outdir = s->stage = NULL;
    s->made = (out_made){NULL, 0};
    if (!outdir || !*outdir)
        return out_error(err, errlen, OUT_EINVAL, "no output folder given");
    if (!(s->outdir = strdup(outdir)))
        return out_error(err, errlen, OUT_ENOMEM, "out of memory");
    size_t len = strlen(s->outdir);
    while (len > 1 && s->outdir[len - 1] == '/')
        s->outdir[--len] = '\0';
    /* Past the system's limit, the message would quote a path of thousands of characters
     * and lose its cause off the end: say it without the path. 64: the staging folder's
     * name and a temporary file's in it are that much longer. */
    if (len > (size_t)PATH_MAX - 64) {
        ret = out_error(err, errlen, OUT_EINVAL, "the output folder's path is %zu characters "
                        "long; this system takes %d for a path, the staging folder's and a "
                        "file's names in it included: use a shorter one", len, PATH_MAX - 64);
        goto out;
    }
    if (split(s->outdir, &parent, &base) != 0) {
        ret = out_error(err, errlen, OUT_ENOMEM, "out of memory");
        goto out;
    }
    if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || !strcmp(s->outdir, "/")) {
        ret = out_error(err, errlen, OUT_EINVAL, "cannot use '%s' as the output folder: "
                        "name a folder for this run's files, e.g. -o out/run1", outdir);
        goto out;
    }
    struct stat st;
    if (lstat(s->outdir, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            ret = out_error(err, errlen, OUT_EINVAL, "output folder '%s' is a symbolic link: "
                            "a run replaces its folder whole (a rename), which would replace "
                            "the link, not the folder it points to; give that folder's own "
                            "path", s->outdir);
            goto out;
        }
        if (!S_ISDIR(st.st_mode)) {
            ret = out_error(err, errlen, OUT_EINVAL, "output folder '%s' exists and is not "
                            "a folder", s->outdir);
            goto out;
        }
        char foreign[256];
        if (!replaceable(s->outdir, foreign, sizeof foreign)) {
            if (foreign[0])
                ret = out_error(err, errlen, OUT_EINVAL, "output folder '%s' holds '%s', "
                                "which its run did not write (its manifest.json does not list "
                                "it); a run replaces its folder whole, which would delete it: "
                                "move it out, or name another folder", s->outdir, foreign);
            else
                ret = out_error(err, errlen, OUT_EINVAL, "output folder '%s' holds files "
                                "that stepsim did not write (no manifest.json of stepsim's); "
                                "a run replaces its folder whole, so name a new or empty "
                                "folder", s->outdir);
            goto out;
        }
    }
    /* A folder inside a set, at any depth, would be lost when that set's run is repeated
     * (and would mix two runs' files in it meanwhile). The ancestors as written, and the
     * current folder for a relative path. */
    for (char *up = strdup(s->outdir); up; free(up), up = NULL) {
        char *slash;
        int found = 0;
        while (!found && (slash = strrchr(up, '/')) != NULL) {
            slash[slash == up] = '\0'; /* "/a" goes up to "/" */
            found = our_manifest(up);
            if (!strcmp(up, "/"))
                break;
        }
        if (!found && s->outdir[0] != '/' && (found = our_manifest(".")) != 0)
            strcpy(up, ".");
        if (found) {
            ret = out_error(err, errlen, OUT_EINVAL, "cannot write into '%s': '%s' is an "
                            "output set of stepsim's, replaced whole by its own run's next "
                            "publication; name a folder outside it", s->outdir, up);
            free(up);
            goto out;
        }
    }
    /* A file on the way (-o afile/sub): named, with the output folder it blocks. */
    char in_way[PATH_MAX];
    int way = out_not_folder(parent, in_way, sizeof in_way);
    if (way) {
        ret = out_error(err, errlen, OUT_EINVAL, "cannot create output folder '%s': '%s' %s",
                        s->outdir, in_way, way == 2 ? "is a symbolic link to nothing"
                                                    : "exists and is not a folder");
        goto out;
    }
    if ((ret = out_mkdir_made(parent, &s->made, err, errlen)) != OUT_OK)
        goto out;
    clean_stale(parent, base);
    if (!(s->stage = sibling(parent, base, "stage"))) {
        ret = out_error(err, errlen, OUT_ENOMEM, "out of memory");
        goto out;
    }
    if (!mkdtemp(s->stage)) {
        int e = errno;
        /* The parent is there (made or found above): ENOENT is a file system that takes no
         * folders (/proc), the user's choice of folder as much as EACCES is. */
        ret = out_error(err, errlen, e == ENOENT ? OUT_EINVAL : out_errno_code(e),
                        "cannot create a staging folder in '%s': %s%s", parent,
                        out_errstr(e, eb, sizeof eb),
                        e == ENAMETOOLONG ? " (the staging folder's name is the output "
                                            "folder's and about 20 characters more: use a "
                                            "shorter name)"
                        : e == ENOENT ? " (a file system that takes no new folders: choose "
                                        "another place)"
                                      : "");
        free(s->stage);
        s->stage = NULL;
        goto out;
    }
    out_stage_shown_as(s->stage, s->outdir);
    /* mkdtemp makes it private; the published folder gets the usual mode. */
    mode_t mask = umask(0);
    umask(mask);
    (void)chmod(s->stage, 0777 & ~mask);
out:
    free(parent);
    free(base);
    if (ret != OUT_OK)
        out_set_abort(s);
    return ret;
}

/* fsync a folder, so that a rename in it survives a crash. Best effort. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* OUTDIR exists: swap it with the staging folder, then remove the old set. Returns OUT_OK,
 * or an OUT_ code with err set. */
static int swap_in(out_set *s, char *err, size_t errlen)
{
    char eb[128];
#ifdef RENAME_EXCHANGE
    if (renameat2(AT_FDCWD, s->stage, AT_FDCWD, s->outdir, RENAME_EXCHANGE) == 0) {
        (void)out_remove_tree(s->stage); /* now the old set */
        return OUT_OK;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
        int e = errno;
        return out_error(err, errlen, OUT_EIO, "cannot publish '%s': %s", s->outdir,
                         out_errstr(e, eb, sizeof eb));
    }
#endif
    /* No exchange here: set the old set aside, move the new one in, put back on failure. */
    char *parent = NULL, *base = NULL, *aside = NULL;
    int ret = OUT_OK;
    if (split(s->outdir, &parent, &base) != 0 || !(aside = sibling(parent, base, "old")) ||
        !mkdtemp(aside) || rmdir(aside) != 0) {
        ret = out_error(err, errlen, OUT_EIO, "cannot publish '%s': no room to set the old "
                        "set aside", s->outdir);
    } else if (rename(s->outdir, aside) != 0) {
        int e = errno;
        ret = out_error(err, errlen, OUT_EIO, "cannot publish '%s': %s", s->outdir,
                        out_errstr(e, eb, sizeof eb));
    } else if (rename(s->stage, s->outdir) != 0) {
        int e = errno;
        (void)rename(aside, s->outdir);
        ret = out_error(err, errlen, OUT_EIO, "cannot publish '%s': %s", s->outdir,
                        out_errstr(e, eb, sizeof eb));
    } else {
        (void)out_remove_tree(aside);
    }
    free(parent);
    free(base);
    free(aside);
    return ret;
}

int out_set_publish(out_set *s, char *err, size_t errlen)
{
    char eb[128];
    int ret = OUT_OK;
    if (!s->stage)
        return out_error(err, errlen, OUT_EINVAL, "nothing staged");
    sync_dir(s->stage);
    struct stat st;
    if (lstat(s->outdir, &st) != 0) {
        if (rename(s->stage, s->outdir) != 0) {
            int e = errno;
            ret = out_error(err, errlen, OUT_EIO, "cannot publish '%s': %s", s->outdir,
                            out_errstr(e, eb, sizeof eb));
        }
    } else {
        ret = swap_in(s, err, errlen);
    }
    if (ret == OUT_OK) {
        out_stage_shown_as(s->stage, NULL);
        char *parent = NULL, *base = NULL;
        if (split(s->outdir, &parent, &base) == 0)
            sync_dir(parent);
        free(parent);
        free(base);
        free(s->stage);
        s->stage = NULL;
        out_made_free(&s->made); /* published: the folders made for it stay */
    }
    out_set_abort(s);
    return ret;
}

void out_set_abort(out_set *s)
{
    if (!s)
        return;
    if (s->stage) {
        (void)out_remove_tree(s->stage);
        out_stage_shown_as(s->stage, NULL);
    }
    /* Exactly the folders begin made, each only if empty: a second run that has just put
     * its staging folder into one of them keeps it (rmdir fails); one that found the
     * folder but has not yet made its staging in it can lose it and fail with exit 1, a
     * race between two runs into one new folder, left as it is. */
    out_made_undo(&s->made);
    free(s->stage);
    free(s->outdir);
    s->stage = s->outdir = NULL;
}
