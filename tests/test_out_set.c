/* Output sets and their digests: SHA-256 against the FIPS 180-4 example vectors (and
 * block-boundary lengths against a one-shot digest); out_set stages privately, publishes
 * whole over an older set, leaves OUTDIR as it was on abort, refuses folders it did not
 * write, and removes only the staging of processes that no longer exist. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "sim/out_file.h"
#include "sim/out_set.h"
#include "sim/out_sha256.h"

static const char *digest_of(const void *data, size_t n, char hex[OUT_SHA256_HEX])
{
    out_sha256 s;
    out_sha256_init(&s);
    out_sha256_update(&s, data, n);
    return out_sha256_hex(&s, hex);
}

static void test_sha256_vectors(void)
{
    char hex[OUT_SHA256_HEX];
    CHECK(!strcmp(digest_of("abc", 3, hex),
                  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
          "SHA-256(\"abc\") is the standard's, got %s", hex);
    CHECK(!strcmp(digest_of("", 0, hex),
                  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
          "SHA-256 of nothing, got %s", hex);
    const char *m2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 448 bits */
    CHECK(!strcmp(digest_of(m2, strlen(m2), hex),
                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
          "SHA-256 of the 448-bit message, got %s", hex);
    /* A million 'a', fed in uneven pieces that straddle block boundaries. */
    static char a[1024];
    memset(a, 'a', sizeof a);
    out_sha256 s;
    out_sha256_init(&s);
    size_t left = 1000000, piece = 1;
    while (left) {
        size_t n = piece < left ? piece : left;
        out_sha256_update(&s, a, n);
        left -= n;
        piece = piece % 997 + 7;
    }
    CHECK(!strcmp(out_sha256_hex(&s, hex),
                  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
          "SHA-256 of a million 'a' in pieces, got %s", hex);
    /* Lengths around the padding boundary (55, 56, 63, 64, 65): pieces agree with one. */
    for (size_t n = 50; n <= 130; n++) {
        char one[OUT_SHA256_HEX], two[OUT_SHA256_HEX];
        digest_of(a, n, one);
        out_sha256_init(&s);
        out_sha256_update(&s, a, n / 3);
        out_sha256_update(&s, a, n - n / 3);
        if (!CHECK(!strcmp(out_sha256_hex(&s, two), one), "length %zu: pieces = whole", n))
            break;
    }
}

static char *path_in(const char *dir, const char *name)
{
    return out_path_join(dir, name);
}

static void put(const char *dir, const char *name, const char *text)
{
    char *p = path_in(dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(p);
}

static int has(const char *dir, const char *name, const char *text)
{
    char *p = path_in(dir, name);
    FILE *f = fopen(p, "r");
    free(p);
    if (!f)
        return 0;
    char buf[256] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return !strcmp(buf, text);
}

/* Entries of dir other than . and ..; -1 if it cannot be opened. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* What marks a folder as an output set: a manifest.json naming stepsim's version. */
#define OUR_MANIFEST "{\n  \"manifest_version\": 1,\n  \"stepsim_version\": \"test\"\n}\n"

static void test_publish(void)
{
    char root[] = "/tmp/test_out_set.XXXXXX";
    if (!CHECK(mkdtemp(root) != NULL, "scratch folder"))
        return;
    char err[512];
    char *outdir = path_in(root, "run");
    out_set s;

    /* A first set into a folder that does not exist yet. */
    CHECK(out_set_begin(&s, outdir, err, sizeof err) == OUT_OK, "begin: %s", err);
    CHECK(s.stage && strstr(s.stage, "/.run.stage."), "staging beside OUTDIR: %s", s.stage);
    put(s.stage, "manifest.json", OUR_MANIFEST);
    put(s.stage, "a.csv", "first\n");
    put(s.stage, "only_first.csv", "x\n");
    CHECK(entries(outdir) == -1, "nothing in OUTDIR before publishing");
    CHECK(out_set_publish(&s, err, sizeof err) == OUT_OK, "publish: %s", err);
    CHECK(has(outdir, "a.csv", "first\n") && entries(outdir) == 3, "first set published");
    CHECK(entries(root) == 1, "no staging left beside it");

    /* A second set replaces the first whole: no file of the first stays. */
    CHECK(out_set_begin(&s, outdir, err, sizeof err) == OUT_OK, "begin again: %s", err);
    put(s.stage, "manifest.json", OUR_MANIFEST);
    put(s.stage, "a.csv", "second\n");
    CHECK(has(outdir, "a.csv", "first\n"), "old set untouched while the new one is staged");
    CHECK(out_set_publish(&s, err, sizeof err) == OUT_OK, "publish again: %s", err);
    CHECK(has(outdir, "a.csv", "second\n") && entries(outdir) == 2,
          "second set whole, the first's extra file gone");
    CHECK(entries(root) == 1, "old set removed");

    /* Abort: OUTDIR as it was, no litter. */
    CHECK(out_set_begin(&s, outdir, err, sizeof err) == OUT_OK, "begin a third: %s", err);
    put(s.stage, "a.csv", "third\n");
    out_set_abort(&s);
    CHECK(has(outdir, "a.csv", "second\n") && entries(outdir) == 2, "abort: old set whole");
    CHECK(entries(root) == 1, "abort: staging removed");
    out_set_abort(&s); /* twice is safe */

    /* A folder whose manifest.json another program wrote (a web project's) is not a set:
     * refused, nothing in it touched. */
    char *web = path_in(root, "web");
    CHECK(mkdir(web, 0777) == 0, "a web project's folder");
    put(web, "manifest.json", "{\"name\": \"app\"}\n");
    put(web, "notes.txt", "keep\n");
    CHECK(out_set_begin(&s, web, err, sizeof err) != OUT_OK && strstr(err, "did not write"),
          "a foreign manifest.json is refused: %s", err);
    CHECK(has(web, "notes.txt", "keep\n") && entries(web) == 2, "its files untouched");
    free(web);

    /* Trailing slashes name the same folder. */
    char *slashed = malloc(strlen(outdir) + 3);
    sprintf(slashed, "%s//", outdir);
    CHECK(out_set_begin(&s, slashed, err, sizeof err) == OUT_OK, "trailing slashes: %s", err);
    CHECK(!strcmp(s.outdir, outdir), "trailing slashes dropped: %s", s.outdir);
    out_set_abort(&s);
    free(slashed);

    /* Refusals: a folder stepsim did not write, a file, '.', '/'. */
    char *mine = path_in(root, "mine");
    mkdir(mine, 0777);
    put(mine, "thesis.tex", "precious\n");
    CHECK(out_set_begin(&s, mine, err, sizeof err) == OUT_EINVAL && strstr(err, "did not write"),
          "a folder of other files is refused: %s", err);
    CHECK(has(mine, "thesis.tex", "precious\n"), "and left alone");
    char *file = path_in(root, "file");
    put(root, "file", "x");
    CHECK(out_set_begin(&s, file, err, sizeof err) == OUT_EINVAL && strstr(err, "not a folder"),
          "a file is refused: %s", err);
    CHECK(out_set_begin(&s, ".", err, sizeof err) == OUT_EINVAL, "'.' refused: %s", err);
    CHECK(out_set_begin(&s, "/", err, sizeof err) == OUT_EINVAL, "'/' refused: %s", err);
    char *dotdot = path_in(root, "..");
    CHECK(out_set_begin(&s, dotdot, err, sizeof err) == OUT_EINVAL, "'..' refused: %s", err);
    free(dotdot);

    /* A set holding what its run did not write (a note beside the results): refused, as
     * the next run would delete it; it was replaced whole, the note lost. A folder that is
     * a set itself (compare's scenario folders) and hidden files do not count. */
    char *listed = path_in(root, "listed");
    mkdir(listed, 0777);
    put(listed, "manifest.json", "{\n  \"stepsim_version\": \"test\",\n  \"files\": [\n"
                                 "    {\"name\": \"a.csv\", \"bytes\": 2},\n"
                                 "    {\"name\": \"points/0000/manifest.json\"}\n  ]\n}\n");
    put(listed, "a.csv", "x\n");
    put(listed, ".hidden", "x\n");
    char *points = path_in(listed, "points"), *scen = path_in(listed, "scenario_b");
    mkdir(points, 0777);
    mkdir(scen, 0777);
    put(scen, "manifest.json", OUR_MANIFEST);
    CHECK(out_set_begin(&s, listed, err, sizeof err) == OUT_OK,
          "a set of listed files, a listed folder and a set inside: %s", err);
    out_set_abort(&s);
    put(listed, "notes.txt", "mine\n");
    CHECK(out_set_begin(&s, listed, err, sizeof err) == OUT_EINVAL &&
              strstr(err, "holds 'notes.txt', which its run did not write"),
          "a set holding a file its manifest does not list is refused: %s", err);
    CHECK(has(listed, "notes.txt", "mine\n"), "and the file kept");
    /* A folder inside a set, at any depth: refused (the set's next run would delete it). */
    char *inner = path_in(points, "mine/run");
    CHECK(out_set_begin(&s, inner, err, sizeof err) == OUT_EINVAL &&
              strstr(err, "is an output set of stepsim's"),
          "a folder inside a set is refused: %s", err);
    struct stat ist;
    CHECK(stat(inner, &ist) != 0, "and not made");
    free(inner);
    free(points);
    free(scen);
    free(listed);

    /* Leftovers: a dead process's staging is removed, a live one's kept, others alone. */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0); /* child is now a pid with no process */
    char name[128];
    snprintf(name, sizeof name, ".run.stage.%ld.AbCdEf", (long)child);
    char *dead = path_in(root, name);
    mkdir(dead, 0777);
    put(dead, "events.csv", "big\n");
    snprintf(name, sizeof name, ".run.old.%ld.GhIjKl", (long)child);
    char *dead_old = path_in(root, name);
    mkdir(dead_old, 0777);
    snprintf(name, sizeof name, ".run.stage.%ld.MnOpQr", (long)getppid());
    char *live = path_in(root, name);
    mkdir(live, 0777);
    snprintf(name, sizeof name, ".other.stage.%ld.StUvWx", (long)child);
    char *other = path_in(root, name);
    mkdir(other, 0777);
    CHECK(out_set_begin(&s, outdir, err, sizeof err) == OUT_OK, "begin: %s", err);
    struct stat st;
    CHECK(stat(dead, &st) != 0 && stat(dead_old, &st) != 0,
          "a dead process's staging and set-aside folders are removed");
    CHECK(stat(live, &st) == 0, "a live process's staging is kept");
    CHECK(stat(other, &st) == 0, "another folder's staging is not ours to remove");
    out_set_abort(&s);

    out_remove_tree(root);
    free(dead);
    free(dead_old);
    free(live);
    free(other);
    free(mine);
    free(file);
    free(outdir);
}

int main(void)
{
    RUN_TEST(test_sha256_vectors);
    RUN_TEST(test_publish);
    return harness_done();
}
