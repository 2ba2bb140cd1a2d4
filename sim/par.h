/* Ranks: replications spread over the processes of an MPI run (Open MPI's mpirun).
 *
 * Design
 * - Rank 0 runs the command (loads, decides, writes, prints); ranks 1.. only serve
 *   replications. Whenever rank 0's runner runs a batch of replications, it sends the
 *   scenario (a flat pw_params; a batch of sweep points sends each point's) and each
 *   rank's share of the replication numbers to every rank; each rank runs its share on its own threads and sends the results back; rank 0
 *   puts each result in its replication's slot. Results are stored by replication number,
 *   and a replication's result does not depend on where it ran, so the outputs are the
 *   bytes one process writes with the same seed, whatever the number of ranks.
 * - A rank whose replication fails sends its message; rank 0 fails the whole batch (the
 *   command then publishes nothing: sim/out_set.c) and the other ranks wait for the next
 *   batch or the end. A rank that dies is mpirun's to end: it stops every rank, and
 *   nothing is published either. A stop signal to rank 0 does not wait for the other
 *   ranks' shares: rank 0 stops taking answers, publishes nothing, and par_finalize ends
 *   the job (MPI_Abort).
 * - Without mpirun (no launcher in the environment), or built without MPI (no mpicc),
 *   MPI is never initialised: one process, par_size() == 1, nothing here costs anything.
 * - Only rank 0's main thread calls into MPI (MPI_THREAD_FUNNELED).
 */
#ifndef PAR_H
#define PAR_H

#include <stddef.h>

#include "models/pw_params.h"
#include "models/pw_results.h"

struct runner_opts;

/* Start MPI if launched by mpirun (and built with it). Returns this process's rank (0 when
 * alone); a non-zero return value means: call par_serve() and exit with its status. On a
 * failure to start, prints why and returns -1. */
int par_init(int *argc, char ***argv);
/* The MPI library built in, e.g. "Open MPI 4.1.4", or "none (built without mpicc)". */
const char *par_library(void);
/* This process's rank and the number of ranks (1 when alone). */
int par_rank(void);
int par_size(void);
/* Ranks 1..: serve batches until rank 0 ends; returns the exit status. */
int par_serve(void);
/* Rank 0: tell the other ranks to end, and finalise MPI (no-op when alone); after a stop
 * signal left ranks at their shares (par_run did not wait for them), end the job instead
 * with MPI_Abort and status, mpirun's exit status. */
void par_finalize(int status);

/* Rank 0: run replications reps[0..n) of p over every rank (rank 0's share on o's
 * threads), out[i] receiving replication reps[i]; or, with ps, a batch of points: slot i
 * runs ps[i] (p == ps[0]; each distinct scenario is sent once to each rank). Returns 0, or
 * RUNNER_FAILED / RUNNER_INTERRUPTED with a message in err (then every out[] is
 * released). */
__attribute__((warn_unused_result)) int par_run(const pw_params *p, const pw_params *const *ps,
                                                const int *reps, size_t n,
                                                const struct runner_opts *o, pw_results *out,
                                                char *err, size_t errlen);

#endif
