/* A run's manifest.json: what a STRESS-DES report needs (docs/design.md §5) and the files
 * of the set with their size and SHA-256. The manifests of other sets (compare, the
 * decision tools) are out_manifest.c's. */
#ifndef OUT_RUN_MANIFEST_H
#define OUT_RUN_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/pw_params.h"
#include "out_sha256.h"
#include "out_write.h"

/* A file of the set as manifest.json lists it. */
typedef struct out_digest {
    const char *name;
    uint64_t bytes;
    char sha256[OUT_SHA256_HEX];
} out_digest;

/* Write the manifest of a run of p (nreps replications; its scenario file and hash, either
 * NULL if unknown) listing files[0..nfiles) to f. Varies between identical runs:
 * created_utc, wall_seconds, command_line, scenario.path, platform. Errors stick in f. */
void out_write_run_manifest(FILE *f, const pw_params *p, const out_run_info *in,
                            const char *scenario_path, const char *scenario_hash, size_t nreps,
                            const out_digest *files, size_t nfiles);

#endif
