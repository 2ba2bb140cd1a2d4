/* libFuzzer harness of the scenario loader (`make fuzz`, scripts/fuzz.sh).
 *
 * Each input is written to a file and loaded as a scenario. When it loads, it is printed
 * with scn_print, the print is loaded again, and the two parameter sets must print the
 * same (the round trip tests/test_scn.c checks on the shipped scenarios): a key that
 * prints what it cannot read back, or reads back something else, is a finding. An input
 * that starts with "--set " is instead a --set argument (its first line) applied to the
 * bad-case fixture, so the override parser is fuzzed too; one that starts with "--csv "
 * is the rest of a referrals.weekly_counts file (include/fuzz.csv) the fixture replays,
 * so the CSV reader is fuzzed as well. Every message must be in
 * compiler form ("WHERE: ..."). Crashes, sanitizer reports, hangs (-timeout) and memory
 * blow-ups (-rss_limit_mb) are libFuzzer's own findings.
 *
 * Inputs run in a private directory holding copies of the files the seeds @include
 * (include/base.cfg, the shipped scenarios, the CSV files of tests/bad/data/ in data/),
 * so the seeds from scenarios/ and tests/bad/ reach as deep into the loader as they do in
 * the test suite; and two traps, a directory
 * include/dir.cfg and a FIFO include/fifo.cfg: an @include that reached libconfig without
 * being vetted (sim/scn_vet.c) would make it exit the process or block, a finding.
 * FUZZ_ROOT is the source tree (set by the Makefile).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/scn_load.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256], input[300], printed[300], fixture[300], fuzz_csv[300];
static pw_params p1, p2;

/* Copy file from to to; 0 or -1. */
static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[8192];
    size_t n;
    int ok = in && out;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* Remove the private directory (its files, include/ and its files). */
/* Copy the files of folder src whose names end in suffix ("" for all) into folder dst. */
static void copy_dir(const char *src, const char *dst, const char *suffix)
{
    DIR *dp = opendir(src);
    struct dirent *e;
    size_t ls = strlen(suffix);
    char from[600], to[600];
    while (dp && (e = readdir(dp))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len <= ls || strcmp(e->d_name + len - ls, suffix) != 0)
            continue;
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dst, e->d_name);
        copy_file(from, to);
    }
    if (dp)
        closedir(dp);
}

static void cleanup(void)
{
    char path[600];
    const char *sub[] = {"include", "data", ""};
    for (size_t k = 0; k < 3; k++) {
        char d[400];
        snprintf(d, sizeof d, "%s/%s", dir, sub[k]);
        DIR *dp = opendir(d);
        struct dirent *e;
        while (dp && (e = readdir(dp)))
            if (e->d_name[0] != '.') {
                snprintf(path, sizeof path, "%s/%s", d, e->d_name);
                if (unlink(path) != 0)
                    rmdir(path); /* the trap directory */
            }
        if (dp)
            closedir(dp);
        rmdir(d);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/stepsim-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz_scn: mkdtemp");
        exit(1);
    }
    atexit(cleanup);
    char d[400];
    snprintf(d, sizeof d, "%s/include", dir);
    snprintf(fixture, sizeof fixture, "%s/include/base.cfg", dir);
    char trap_dir[500], trap_fifo[500];
    snprintf(trap_dir, sizeof trap_dir, "%s/dir.cfg", d);
    snprintf(trap_fifo, sizeof trap_fifo, "%s/fifo.cfg", d);
    if (mkdir(d, 0700) != 0 || mkdir(trap_dir, 0700) != 0 || mkfifo(trap_fifo, 0600) != 0 ||
        copy_file(FUZZ_ROOT "/tests/bad/include/base.cfg", fixture) != 0) {
        fprintf(stderr, "fuzz_scn: cannot copy %s/tests/bad/include/base.cfg\n", FUZZ_ROOT);
        exit(1);
    }
    copy_dir(FUZZ_ROOT "/scenarios", dir, ".cfg");
    snprintf(d, sizeof d, "%s/data", dir);
    if (mkdir(d, 0700) == 0)
        copy_dir(FUZZ_ROOT "/tests/bad/data", d, "");
    snprintf(fuzz_csv, sizeof fuzz_csv, "%s/include/fuzz.csv", dir);
    snprintf(input, sizeof input, "%s/input.cfg", dir);
    snprintf(printed, sizeof printed, "%s/printed.cfg", dir);
    return 0;
}

/* p printed as a scenario, malloc'd (NULL if out of memory). */
static char *print_params(const pw_params *p)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    scn_print(f, p);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Write n bytes to path; 0 or -1. */
static int write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* A finding: say what, show the messages, and abort (libFuzzer saves the input). */
static void finding(const char *what, const scn_errors *e, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_scn: FINDING: %s\n", what);
    for (size_t i = 0; e && i < e->n; i++)
        fprintf(stderr, "  %s\n", e->msg[i]);
    if (a && b) {
        size_t i = 0;
        while (a[i] && a[i] == b[i])
            i++;
        fprintf(stderr, "first difference at byte %zu:\n--- first print\n%.200s\n--- second "
                        "print\n%.200s\n", i, a + i, b + i);
    }
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scn_errors e;
    scn_errors_init(&e);
    int rc;
    if (size > 6 && memcmp(data, "--set ", 6) == 0) {
        size_t n = 6;
        while (n < size && data[n] != '\n' && data[n] != '\0')
            n++;
        char *arg = strndup((const char *)data + 6, n - 6);
        if (!arg)
            return 0;
        const char *sets[] = {arg};
        rc = scn_load(fixture, sets, 1, &p1, &e);
        for (size_t i = 0; i < e.n; i++)
            if (!strstr(e.msg[i], ": "))
                finding("a message not in compiler form", &e, NULL, NULL);
        free(arg);
    } else if (size >= 6 && memcmp(data, "--csv ", 6) == 0) {
        if (write_file(fuzz_csv, data + 6, size - 6) != 0)
            return 0;
        const char *sets[] = {"referrals.weekly_counts_repeat=true"};
        char arg[400];
        snprintf(arg, sizeof arg, "referrals.weekly_counts=\"%s\"", fuzz_csv);
        const char *both[] = {arg, sets[0]};
        rc = scn_load(fixture, both, 2, &p1, &e);
        for (size_t i = 0; i < e.n; i++)
            if (!strstr(e.msg[i], ": "))
                finding("a message not in compiler form", &e, NULL, NULL);
    } else {
        if (write_file(input, data, size) != 0)
            return 0;
        rc = scn_load(input, NULL, 0, &p1, &e);
        for (size_t i = 0; i < e.n; i++)
            if (!strstr(e.msg[i], ": "))
                finding("a message not in compiler form", &e, NULL, NULL);
    }
    if (rc == SCN_OK && e.n != 0)
        finding("the scenario loaded, but with messages", &e, NULL, NULL);
    if (rc != SCN_OK && rc != SCN_ENOMEM && e.n == 0)
        finding("the scenario was refused without a message", &e, NULL, NULL);
    scn_errors_free(&e);
    if (rc != SCN_OK)
        return 0;

    /* The round trip: print, load the print, print again. */
    char *a = print_params(&p1);
    if (!a || write_file(printed, a, strlen(a)) != 0) {
        free(a);
        return 0;
    }
    rc = scn_load(printed, NULL, 0, &p2, &e);
    if (rc != SCN_OK)
        finding("the printed scenario does not load", &e, NULL, NULL);
    char *b = print_params(&p2);
    if (b && strcmp(a, b) != 0)
        finding("the printed scenario loads to a different scenario", NULL, a, b);
    free(a);
    free(b);
    scn_errors_free(&e);
    return 0;
}
