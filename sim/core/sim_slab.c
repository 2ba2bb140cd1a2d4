/* Slabs of records and large arrays on huge pages (sim_slab.h). */
#define _DEFAULT_SOURCE /* madvise */
#include "sim_slab.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define LINE ((size_t)64)

/* Ask for huge pages over [p, p + bytes): a hint, so a refusal is no matter. */
static void want_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    (void)madvise(p, bytes, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

void sim_slab_want_huge(void *p, size_t bytes)
{
    uintptr_t lo = ((uintptr_t)p + SIM_SLAB_BLOCK - 1) & ~(uintptr_t)(SIM_SLAB_BLOCK - 1);
    uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)(SIM_SLAB_BLOCK - 1);
    if (hi > lo)
        want_huge((void *)lo, hi - lo);
}

void *sim_slab_alloc_large(size_t bytes)
{
    if (bytes < SIM_SLAB_BLOCK)
        return aligned_alloc(LINE, (bytes + LINE - 1) / LINE * LINE);
    size_t n = (bytes + SIM_SLAB_BLOCK - 1) / SIM_SLAB_BLOCK * SIM_SLAB_BLOCK;
    void *p = aligned_alloc(SIM_SLAB_BLOCK, n);
    if (p)
        want_huge(p, n);
    return p;
}

void sim_slab_init(sim_slab *s, size_t bytes)
{
    assert(bytes > 0 && bytes <= SIM_SLAB_BLOCK);
    s->blocks = NULL;
    s->n = s->cap = s->used = 0;
    s->item = (bytes + LINE - 1) / LINE * LINE;
}

void *sim_slab_take(sim_slab *s)
{
    if (s->n == 0 || s->used + s->item > SIM_SLAB_BLOCK) {
        if (s->n == s->cap) {
            size_t cap = s->cap ? 2 * s->cap : 16;
            char **v = realloc(s->blocks, cap * sizeof *v);
            if (!v)
                return NULL;
            s->blocks = v;
            s->cap = cap;
        }
        char *b = sim_slab_alloc_large(SIM_SLAB_BLOCK);
        if (!b)
            return NULL;
        s->blocks[s->n++] = b;
        s->used = 0;
    }
    void *p = s->blocks[s->n - 1] + s->used;
    s->used += s->item;
    return p;
}

void sim_slab_free(sim_slab *s)
{
    for (size_t k = 0; k < s->n; k++)
        free(s->blocks[k]);
    free(s->blocks);
    s->blocks = NULL;
    s->n = s->cap = s->used = 0;
}
