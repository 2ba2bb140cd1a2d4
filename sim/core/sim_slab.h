/* Slabs: many records of one size carved in order from large blocks that ask the system
 * for huge pages.
 *
 * Design
 * - A model with 10^5+ records (people, diaries) touches them at random, far beyond the
 *   cache: each touch is a cache miss and, with small (4 KB) pages, a page walk too. Huge
 *   pages (2 MB) spare the walks; Linux gives them to memory that asks (madvise) when
 *   transparent huge pages are set to "madvise" or "always". Elsewhere the hint is a no-op
 *   and nothing changes but speed.
 * - Records are carved in order and never returned one by one: the owner keeps its own
 *   free list (records of one run are reused, not freed) and frees the slab whole.
 * - Each record starts on a cache line and takes whole lines, so that prefetching a
 *   record's first lines never fetches a neighbour's.
 * Limits: a record at most SIM_SLAB_BLOCK bytes.
 */
#ifndef SIM_SLAB_H
#define SIM_SLAB_H

#include <stddef.h>

#define SIM_SLAB_BLOCK ((size_t)2 << 20) /* one huge page */

typedef struct sim_slab {
    char **blocks;
    size_t n, cap;     /* blocks held */
    size_t used;       /* bytes carved from the newest block */
    size_t item;       /* a record's bytes, rounded up to whole cache lines */
} sim_slab;

/* An empty slab of records of `bytes` (0 < bytes <= SIM_SLAB_BLOCK): allocates nothing. */
void sim_slab_init(sim_slab *s, size_t bytes);
/* A new record, uninitialised, 64-byte aligned; NULL when out of memory. */
void *sim_slab_take(sim_slab *s);
/* Free every record; the slab is empty again (safe on a zeroed slab). */
void sim_slab_free(sim_slab *s);

/* Ask for huge pages over the whole 2 MB blocks inside [p, p + bytes): for an array grown
 * by realloc, which moves a large block by remapping it rather than copying. */
void sim_slab_want_huge(void *p, size_t bytes);

/* `bytes` of memory aligned to 64 that asks for huge pages when it spans one or more;
 * free() it. NULL when out of memory. For large arrays read at random (the calendar's
 * slots). */
void *sim_slab_alloc_large(size_t bytes);

#endif
