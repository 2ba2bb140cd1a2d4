/* manifest.json of an output set that is not a single run: compare's, and the decision
 * tools' (sweep, solve, sensitivity). A run's own manifest, with everything STRESS-DES
 * asks, is written by out_write.c. */
#ifndef OUT_MANIFEST_H
#define OUT_MANIFEST_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

/* What the manifest says besides its files. Strings are borrowed. */
typedef struct out_set_info {
    const char *command;  /* "compare", "sweep", ... */
    const char *version, *git_hash;
    const char *scenario; /* the scenario's name, or the scenarios compared */
    uint64_t seed;
    size_t replications;
    int argc;             /* the command line, argv[0] included */
    char *const *argv;
    const char *service;      /* --service's NAME, or NULL */
    uint64_t federation_seed; /* with service: the federation's seed, which -s takes */
} out_set_info;

/* The pieces every manifest.json writes alike. A listed file takes one line,
 *   {"name": "NAME", "bytes": N, "sha256": "HEX"}   (",\n" after it unless last)
 * so that `sha256sum -c` input is one sed away (README, "manifest.json"); the command line
 * is a JSON array of argv[0..argc). */
void out_manifest_file_line(FILE *f, const char *name, uint64_t bytes, const char *sha256,
                            int last);
void out_manifest_argv(FILE *f, int argc, char *const *argv);

/* Write dir/manifest.json (atomically) listing files[0..n) of dir with their bytes and
 * SHA-256. Returns 0, or an OUT_ code with err naming the file and the cause. */
__attribute__((warn_unused_result)) int out_write_set_manifest(const char *dir,
                                                               const out_set_info *in,
                                                               const char *const *files,
                                                               size_t n, char *err,
                                                               size_t errlen);

#endif
