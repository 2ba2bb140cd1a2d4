/* Random-number streams seeded from (master seed, replication, stream). */
#include "sim_rng.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>

#include "sim.h"

uint64_t sim_rng_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* A permutation of the 32-bit integers keyed by k (xor, then MurmurHash3 fmix32). */
static uint32_t perm32(uint32_t x, uint32_t k)
{
    x ^= k;
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x;
}

/* A bijection from [1, 2^32) onto [1, 2^32): perm32 restricted to non-zero values by
 * cycle walking, so distinct indices give distinct seeds and GSL never sees seed 0
 * (which it would replace by its default seed, colliding with another stream). */
static unsigned long seed_of(uint32_t idx, uint32_t key)
{
    assert(idx < UINT32_MAX);
    uint32_t x = idx + 1; /* non-zero, so the walk ends within two steps */
    do
        x = perm32(x, key);
    while (x == 0);
    return x;
}

unsigned long sim_rng_stream_seed(uint64_t master, uint32_t replication, uint32_t stream)
{
    uint32_t key = (uint32_t)sim_rng_mix64(master);
    return seed_of(replication * SIM_RNG_MAX_STREAMS + stream, key);
}

uint32_t sim_rng_entity_key(uint64_t master, uint32_t replication, uint32_t family)
{
    uint64_t k = sim_rng_mix64(master ^ sim_rng_mix64(((uint64_t)replication << 32 | family) +
                                                      0x9e3779b97f4a7c15ULL));
    return (uint32_t)(k ^ (k >> 32));
}

unsigned long sim_rng_entity_seed(uint64_t master, uint32_t replication, uint32_t family,
                                  uint32_t entity)
{
    return seed_of(entity, sim_rng_entity_key(master, replication, family));
}

void sim_rng_seed_entity(gsl_rng *r, uint64_t master, uint32_t replication, uint32_t family,
                         uint32_t entity)
{
    gsl_rng_set(r, sim_rng_entity_seed(master, replication, family, entity));
}

void sim_rng_seed_keyed(gsl_rng *r, uint32_t key, uint32_t entity)
{
    gsl_rng_set(r, seed_of(entity, key));
}

/* Alignment of a placed generator and its state: GSL's generator states hold unsigned
 * longs, ints and doubles, none needing more than 8 bytes. */
#define RNG_ALIGN ((uintptr_t)8)

/* One placed generator: its gsl_rng header, then its state, rounded up so the next
 * generator is aligned (taus2: 16 + 24 = 40 bytes). */
static size_t stride(void)
{
    return (sizeof(gsl_rng) + SIM_RNG_TYPE->size + RNG_ALIGN - 1) / RNG_ALIGN * RNG_ALIGN;
}

size_t sim_rng_block_size(unsigned n) { return n * stride() + RNG_ALIGN - 1; }

void sim_rng_place(void *block, unsigned n, gsl_rng **r)
{
    /* Each header right before its own state, so that a draw reads one span (one line,
     * at most two) rather than a header line and a state line. */
    _Static_assert(sizeof(gsl_rng) % 8 == 0, "a state right after its header is aligned");
    char *at = (char *)(((uintptr_t)block + RNG_ALIGN - 1) / RNG_ALIGN * RNG_ALIGN);
    for (unsigned i = 0; i < n; i++, at += stride()) {
        gsl_rng *g = (gsl_rng *)at;
        g->type = SIM_RNG_TYPE;
        g->state = at + sizeof(gsl_rng);
        r[i] = g;
    }
}

int sim_streams_init(sim_streams *st, unsigned n, uint64_t master, uint32_t replication)
{
    st->r = NULL;
    st->n = 0;
    if (n > SIM_RNG_MAX_STREAMS || replication > SIM_RNG_MAX_REPLICATION)
        return SIM_EINVAL;
    st->r = calloc(n ? n : 1, sizeof *st->r);
    if (!st->r)
        return SIM_ENOMEM;
    for (unsigned i = 0; i < n; i++) {
        st->r[i] = gsl_rng_alloc(SIM_RNG_TYPE);
        if (!st->r[i]) {
            sim_streams_free(st);
            return SIM_ENOMEM;
        }
        st->n = i + 1;
        gsl_rng_set(st->r[i], sim_rng_stream_seed(master, replication, i));
    }
    return SIM_OK;
}

void sim_streams_free(sim_streams *st)
{
    if (st->r)
        for (unsigned i = 0; i < st->n; i++)
            gsl_rng_free(st->r[i]);
    free(st->r);
    st->r = NULL;
    st->n = 0;
}
