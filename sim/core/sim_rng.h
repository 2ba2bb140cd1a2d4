/* Random-number streams: one GSL generator per named stream, seeded from
 * (master seed, replication, stream id).
 *
 * Design
 * - The caller (a model) names its streams with a fixed enum of ids < SIM_RNG_MAX_STREAMS;
 *   adding a stream never changes the seed of another.
 * - GSL seeds generators from 32 bits (and maps seed 0 to its default seed), so seeds are
 *   a bijection of a 32-bit index into [1, 2^32 - 1]:
 *     replication streams: index = replication * SIM_RNG_MAX_STREAMS + stream,
 *     entity streams:      index = entity, under a key mixed from (master, replication,
 *                          family).
 *   Hence two replication streams of one master seed never share a seed (replications
 *   0 .. SIM_RNG_MAX_REPLICATION), and two entity streams (entities 0 .. 2^32 - 2) of one
 *   replication and family never do.
 * - Generator type: SIM_RNG_TYPE, chosen by measurement (README, "Benchmarks"):
 *   gsl_rng_taus2 — among GSL's generators that pass the standard batteries it is the
 *   fastest here and has a 24-byte state, cheap enough for one stream per entity.
 * - Generators are owned by whoever allocates them and borrowed by whoever draws.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#define SIM_RNG_MAX_STREAMS 256u
#define SIM_RNG_MAX_REPLICATION ((1u << 24) - 2u) /* so every stream index is < 2^32 - 1 */
#define SIM_RNG_TYPE (gsl_rng_taus2)

/* 64-bit finaliser (MurmurHash3 fmix64): a bijection used to mix seeds. */
uint64_t sim_rng_mix64(uint64_t x);
/* The 32-bit GSL seed (never 0) of replication stream `stream` (< SIM_RNG_MAX_STREAMS) of
 * replication <= SIM_RNG_MAX_REPLICATION. */
unsigned long sim_rng_stream_seed(uint64_t master, uint32_t replication, uint32_t stream);
/* The seed of entity `entity` in stream family `family` of a replication. */
unsigned long sim_rng_entity_seed(uint64_t master, uint32_t replication, uint32_t family,
                                  uint32_t entity);

/* A set of replication streams. */
typedef struct sim_streams {
    gsl_rng **r;
    unsigned n;
} sim_streams;

/* Allocate n streams (n <= SIM_RNG_MAX_STREAMS) of SIM_RNG_TYPE for one replication.
 * Returns 0 or SIM_ENOMEM / SIM_EINVAL. */
__attribute__((warn_unused_result)) int sim_streams_init(sim_streams *st, unsigned n,
                                                         uint64_t master, uint32_t replication);
/* Release; safe on a zeroed or half-built set. */
void sim_streams_free(sim_streams *st);

/* Re-seed an existing generator as entity stream (master, replication, family, entity);
 * lets a model reuse generator memory across entities. */
void sim_rng_seed_entity(gsl_rng *r, uint64_t master, uint32_t replication, uint32_t family,
                         uint32_t entity);
/* The key of a family of entity streams: seeding entity e of the family with
 * sim_rng_seed_keyed(r, key, e) gives the same stream as sim_rng_seed_entity, without
 * mixing (master, replication, family) again for every entity. */
uint32_t sim_rng_entity_key(uint64_t master, uint32_t replication, uint32_t family);
void sim_rng_seed_keyed(gsl_rng *r, uint32_t key, uint32_t entity);

/* Generators in the caller's memory, so that an entity's streams sit beside it rather than
 * in 2 allocations each: sim_rng_place lays n unseeded generators of SIM_RNG_TYPE out in
 * `block` (sim_rng_block_size(n) bytes, any alignment) and points r[0..n) at them, each
 * generator's header right before its state (taus2: 40 bytes a generator). They live as
 * long as the block; never gsl_rng_free them. */
size_t sim_rng_block_size(unsigned n);
void sim_rng_place(void *block, unsigned n, gsl_rng **r);

#endif
