/* An output set: every file of a run is written into a private staging folder beside
 * OUTDIR and published as one set at the end, so OUTDIR only ever holds one whole run.
 *
 * Design
 * - The staging folder is PARENT/.BASE.stage.<pid>.XXXXXX (mkdtemp), in OUTDIR's parent so
 *   that publishing is a rename within one file system.
 * - Publishing swaps the staging folder and OUTDIR in one atomic exchange
 *   (renameat2 RENAME_EXCHANGE), then removes the old set; where the file system cannot
 *   exchange, OUTDIR is renamed aside first and put back if the second rename fails. A
 *   failed or interrupted run removes its staging folder and leaves OUTDIR as it was.
 * - Staging and set-aside folders of processes that no longer exist (a run killed with
 *   SIGKILL, or by a second Ctrl-C) are removed by the next run into the same OUTDIR;
 *   those of live processes are never touched.
 * - OUTDIR is replaced whole, so a folder that does not look like stepsim's (not empty,
 *   and holding neither manifest.json nor compare.json) is refused rather than deleted.
 */
#ifndef OUT_SET_H
#define OUT_SET_H

#include <stddef.h>

#include "out_file.h"

typedef struct out_set {
    char *outdir; /* the final folder (trailing slashes removed), owned */
    char *stage;  /* the staging folder, owned; NULL once published or aborted */
    out_made made; /* the folders begin created above OUTDIR: removed again (each only
                      if empty) unless the set is published */
} out_set;

/* Check OUTDIR, create its parent (mkdir -p), clean stale staging of dead processes and
 * create the staging folder. Returns 0; OUT_EINVAL (a usage error: OUTDIR is '.', '/',
 * a file, a folder not written by stepsim, or a parent that cannot be made) or OUT_EIO /
 * OUT_ENOMEM, with err set and nothing created. OUTDIR's missing parents are made here
 * and removed again if the set is aborted rather than published. */
__attribute__((warn_unused_result)) int out_set_begin(out_set *s, const char *outdir,
                                                      char *err, size_t errlen);
/* Publish the staging folder as OUTDIR, replacing any previous set, and release *s.
 * Returns 0, or OUT_EIO with err set; then the staging folder is removed and OUTDIR is
 * as it was. */
__attribute__((warn_unused_result)) int out_set_publish(out_set *s, char *err,
                                                        size_t errlen);
/* Remove the staging folder and release *s; safe on a zeroed or released out_set. */
void out_set_abort(out_set *s);

/* Remove path and everything below it (no symbolic link is followed). Returns 0 or -1
 * with errno set. */
int out_remove_tree(const char *path);

#endif
