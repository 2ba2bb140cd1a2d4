/* One intrusive doubly linked list for every list in the model.
 *
 * Design
 * - A `pw_link` lives inside the listed struct (a patient has one per list it can be on);
 *   PW_LIST_ENTRY turns a link back into its struct. Nothing is allocated.
 * - Each link knows the list it is on (`owner`, NULL when on none), so every operation
 *   asserts its precondition, as Lua's lgc.c does: inserting a link already on a list, or
 *   removing one from a list it is not on, is a bug and trips an assert with file and line
 *   rather than corrupting two lists quietly.
 * - Order is the caller's: insert at the tail (FIFO lists), at the head (ahead of everyone,
 *   or a LIFO pool); walking from the head sees that order. All operations are O(1).
 */
#ifndef PW_LIST_H
#define PW_LIST_H

#include <assert.h>
#include <stddef.h>

typedef struct pw_list pw_list;

typedef struct pw_link {
    struct pw_link *next, *prev;
    pw_list *owner; /* the list this link is on, NULL if none */
} pw_link;

struct pw_list {
    pw_link *head, *tail;
    size_t n;
};

/* Is k on l? */
static inline int pw_list_has(const pw_list *l, const pw_link *k) { return k->owner == l; }

/* Append k (on no list) at the tail of l. */
static inline void pw_list_push_tail(pw_list *l, pw_link *k)
{
    assert(!k->owner && "pw_list_push_tail: link already on a list");
    k->owner = l;
    k->next = NULL;
    k->prev = l->tail;
    if (l->tail)
        l->tail->next = k;
    else
        l->head = k;
    l->tail = k;
    l->n++;
}

/* Put k (on no list) at the head of l, ahead of everyone on it. */
static inline void pw_list_push_head(pw_list *l, pw_link *k)
{
    assert(!k->owner && "pw_list_push_head: link already on a list");
    k->owner = l;
    k->prev = NULL;
    k->next = l->head;
    if (l->head)
        l->head->prev = k;
    else
        l->tail = k;
    l->head = k;
    l->n++;
}

/* Unlink k, which must be on l; k is then on no list. */
static inline void pw_list_remove(pw_list *l, pw_link *k)
{
    assert(k->owner == l && "pw_list_remove: link not on this list");
    assert(l->n > 0);
    if (k->prev)
        k->prev->next = k->next;
    else
        l->head = k->next;
    if (k->next)
        k->next->prev = k->prev;
    else
        l->tail = k->prev;
    k->next = k->prev = NULL;
    k->owner = NULL;
    l->n--;
}

/* Unlink and return the head of l, or NULL if l is empty. */
static inline pw_link *pw_list_pop_head(pw_list *l)
{
    pw_link *k = l->head;
    if (k)
        pw_list_remove(l, k);
    return k;
}

/* The struct holding link k at member offset `off`, or NULL for a NULL link. */
static inline void *pw_list_entry_(pw_link *k, size_t off)
{
    return k ? (void *)((char *)k - off) : NULL;
}

/* The `type` whose `member` is the link k (NULL if k is NULL): PW_LIST_ENTRY(l->head,
 * patient, wait) is the first patient on a waiting list, or NULL. */
#define PW_LIST_ENTRY(k, type, member) ((type *)pw_list_entry_((k), offsetof(type, member)))

#endif
