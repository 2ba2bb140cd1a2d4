/* The model's intrusive list (models/pw_list.h): order of tail and head inserts, removal
 * at the head, middle and tail, membership, and entries found from their links. Exact
 * checks. (A broken precondition trips an assert; that path is not run here.) */
#include "harness.h"
#include "models/pw_list.h"

typedef struct item {
    int id;
    pw_link a, b; /* on two lists at once */
} item;

/* The ids on l from head to tail into out (at most n); returns how many. */
static size_t ids(const pw_list *l, int *out, size_t n, int via_b)
{
    size_t k = 0;
    for (pw_link *x = l->head; x && k < n; x = x->next)
        out[k++] = via_b ? PW_LIST_ENTRY(x, item, b)->id : PW_LIST_ENTRY(x, item, a)->id;
    return k;
}

/* Does l hold exactly want[0..n), in order, walking both ways? */
static int holds(const pw_list *l, const int *want, size_t n, int via_b)
{
    int got[8];
    if (l->n != n || ids(l, got, 8, via_b) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (got[i] != want[i])
            return 0;
    size_t i = n;
    for (pw_link *x = l->tail; x; x = x->prev) {
        int id = via_b ? PW_LIST_ENTRY(x, item, b)->id : PW_LIST_ENTRY(x, item, a)->id;
        if (i == 0 || want[--i] != id)
            return 0;
    }
    return i == 0;
}

static void test_order_and_remove(void)
{
    item it[5] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = 3}, {.id = 4}};
    pw_list l = {0};
    CHECK(PW_LIST_ENTRY(l.head, item, a) == NULL && pw_list_pop_head(&l) == NULL,
          "empty list: expected no entry and nothing popped");
    pw_list_push_tail(&l, &it[1].a);
    pw_list_push_tail(&l, &it[2].a);
    pw_list_push_head(&l, &it[0].a);
    pw_list_push_tail(&l, &it[3].a);
    CHECK(holds(&l, (int[]){0, 1, 2, 3}, 4, 0), "expected 0 1 2 3 after tail/head inserts");
    CHECK(pw_list_has(&l, &it[2].a) && !pw_list_has(&l, &it[4].a),
          "membership: expected 2 on the list, 4 not");
    pw_list_remove(&l, &it[2].a); /* middle */
    CHECK(holds(&l, (int[]){0, 1, 3}, 3, 0), "expected 0 1 3 after removing the middle");
    CHECK(!pw_list_has(&l, &it[2].a) && !it[2].a.owner && !it[2].a.next && !it[2].a.prev,
          "a removed link: expected on no list, no neighbours");
    pw_list_remove(&l, &it[3].a); /* tail */
    CHECK(holds(&l, (int[]){0, 1}, 2, 0), "expected 0 1 after removing the tail");
    pw_link *h = pw_list_pop_head(&l);
    CHECK(h == &it[0].a && holds(&l, (int[]){1}, 1, 0), "pop: expected 0 out, 1 left");
    pw_list_push_tail(&l, &it[2].a); /* a removed link may join again */
    CHECK(holds(&l, (int[]){1, 2}, 2, 0), "expected 1 2 after re-inserting 2");
    pw_list_remove(&l, &it[1].a);
    pw_list_remove(&l, &it[2].a);
    CHECK(l.n == 0 && !l.head && !l.tail, "emptied: expected no head, no tail, n 0");
}

static void test_two_lists(void)
{
    item it[3] = {{.id = 0}, {.id = 1}, {.id = 2}};
    pw_list la = {0}, lb = {0};
    for (int i = 0; i < 3; i++) {
        pw_list_push_tail(&la, &it[i].a);
        pw_list_push_head(&lb, &it[i].b);
    }
    CHECK(holds(&la, (int[]){0, 1, 2}, 3, 0) && holds(&lb, (int[]){2, 1, 0}, 3, 1),
          "an item on two lists by two links: expected FIFO 0 1 2 and LIFO 2 1 0");
    pw_list_remove(&lb, &it[1].b);
    CHECK(holds(&la, (int[]){0, 1, 2}, 3, 0) && holds(&lb, (int[]){2, 0}, 2, 1),
          "removed from one list: expected the other unchanged");
    CHECK(!pw_list_has(&la, &it[0].b) && pw_list_has(&lb, &it[0].b),
          "membership is per list: expected link b of 0 on lb only");
}

int main(void)
{
    RUN_TEST(test_order_and_remove);
    RUN_TEST(test_two_lists);
    return harness_done();
}
