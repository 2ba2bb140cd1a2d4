/* The bank holidays of England and Wales (models/pw_holidays.c) against the days gov.uk
 * published for 2018 to 2027, and the rules' invariants over a century: every holiday a
 * weekday, none twice, eight a year but in the years proclamations changed. Exact checks. */
#include "harness.h"
#include "models/pw_state.h"

/* Day number of y-m-d from Monday 1 January 2018, counted here by whole years and months
 * (not the civil-day arithmetic under test). */
static long day_of(int y, int m, int d)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long n = 0;
    for (int k = 2018; k < y; k++)
        n += (k % 4 == 0 && (k % 100 != 0 || k % 400 == 0)) ? 366 : 365;
    int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    return n + before[m - 1] + (leap && m > 2) + d - 1;
}

/* gov.uk's bank holidays in England and Wales, month and day. 2018 to mid-2024 are the
 * closure days the baseline listed before the rule (its day numbers). */
static const struct {
    int year, n, md[10][2];
} published[] = {
    {2018, 8, {{1, 1}, {3, 30}, {4, 2}, {5, 7}, {5, 28}, {8, 27}, {12, 25}, {12, 26}}},
    {2019, 8, {{1, 1}, {4, 19}, {4, 22}, {5, 6}, {5, 27}, {8, 26}, {12, 25}, {12, 26}}},
    {2020, 8, {{1, 1}, {4, 10}, {4, 13}, {5, 8}, {5, 25}, {8, 31}, {12, 25}, {12, 28}}},
    {2021, 8, {{1, 1}, {4, 2}, {4, 5}, {5, 3}, {5, 31}, {8, 30}, {12, 27}, {12, 28}}},
    {2022,
     10,
     {{1, 3}, {4, 15}, {4, 18}, {5, 2}, {6, 2}, {6, 3}, {8, 29}, {9, 19}, {12, 26}, {12, 27}}},
    {2023, 9, {{1, 2}, {4, 7}, {4, 10}, {5, 1}, {5, 8}, {5, 29}, {8, 28}, {12, 25}, {12, 26}}},
    {2024, 8, {{1, 1}, {3, 29}, {4, 1}, {5, 6}, {5, 27}, {8, 26}, {12, 25}, {12, 26}}},
    {2025, 8, {{1, 1}, {4, 18}, {4, 21}, {5, 5}, {5, 26}, {8, 25}, {12, 25}, {12, 26}}},
    {2026, 8, {{1, 1}, {4, 3}, {4, 6}, {5, 4}, {5, 25}, {8, 31}, {12, 25}, {12, 28}}},
    {2027, 8, {{1, 1}, {3, 26}, {3, 29}, {5, 3}, {5, 31}, {8, 30}, {12, 27}, {12, 28}}},
};

/* The closure days the baseline gave by hand, 2018 to May 2024 (day numbers). */
static const long baseline_list[] = {
    0,    88,   91,   126,  147,  238,  358,  359,  365,  473,  476,  490,  511,  602,
    723,  724,  730,  830,  833,  858,  875,  973,  1089, 1092, 1096, 1187, 1190, 1218,
    1246, 1337, 1456, 1457, 1463, 1565, 1568, 1582, 1613, 1614, 1701, 1722, 1820, 1821,
    1827, 1922, 1925, 1946, 1953, 1974, 2065, 2184, 2185, 2191, 2279, 2282, 2317, 2338};

static int holds(const long *got, int n, long day)
{
    for (int i = 0; i < n; i++)
        if (got[i] == day)
            return 1;
    return 0;
}

static void test_published_years(void)
{
    for (size_t k = 0; k < sizeof published / sizeof *published; k++) {
        long got[PW_HOLIDAYS_PER_YEAR];
        int y = published[k].year, n = holidays_of_year(y, got);
        CHECK(n == published[k].n, "%d: expected %d bank holidays, got %d", y, published[k].n,
              n);
        for (int i = 0; i < published[k].n; i++) {
            int m = published[k].md[i][0], d = published[k].md[i][1];
            CHECK(holds(got, n, day_of(y, m, d)), "%d: expected %02d-%02d a bank holiday", y,
                  m, d);
        }
    }
}

/* Marked over the baseline's run (2,366 days): its hand-made list, no more, no less. */
static void test_marks_the_baseline_list(void)
{
    enum { N_DAYS = 2366 };
    static unsigned char off[N_DAYS];
    holidays_mark(off, N_DAYS);
    size_t n_list = sizeof baseline_list / sizeof *baseline_list, marked = 0, listed = 0;
    for (long d = 0; d < N_DAYS; d++)
        marked += off[d];
    for (size_t i = 0; i < n_list; i++)
        listed += off[baseline_list[i]];
    CHECK(marked == n_list && listed == n_list,
          "expected the %zu days of the baseline's list marked and no other; got %zu marked, "
          "%zu of the list",
          n_list, marked, listed);
}

/* 2018 to 2117: weekdays only, no day twice, eight a year but 2022 (10) and 2023 (9); Good
 * Friday two days before an Easter Sunday that lies in 22 March to 25 April. */
static void test_rules_over_a_century(void)
{
    int bad_day = 0, twice = 0, bad_count = 0, bad_easter = 0;
    for (int y = 2018; y < 2118; y++) {
        long got[PW_HOLIDAYS_PER_YEAR];
        int n = holidays_of_year(y, got);
        bad_count += n != (y == 2022 ? 10 : y == 2023 ? 9 : 8);
        for (int i = 0; i < n; i++) {
            bad_day += ((got[i] % 7) + 7) % 7 >= 5 || got[i] < day_of(y, 1, 1) ||
                       got[i] > day_of(y, 12, 31);
            for (int j = 0; j < i; j++)
                twice += got[i] == got[j];
        }
        long sunday = got[1] + 2;
        bad_easter += sunday < day_of(y, 3, 22) || sunday > day_of(y, 4, 25) ||
                      ((sunday % 7) + 7) % 7 != 6 || got[2] != sunday + 1;
    }
    CHECK(!bad_day && !twice && !bad_count && !bad_easter,
          "2018-2117: expected every holiday a weekday of its year, none twice, 8 a year "
          "(2022: 10, 2023: 9), Easter between 22 March and 25 April; got %d, %d, %d, %d "
          "exceptions",
          bad_day, twice, bad_count, bad_easter);
    long got[PW_HOLIDAYS_PER_YEAR];
    holidays_of_year(2038, got); /* Easter Sunday 25 April 2038, the latest it falls */
    CHECK(got[1] == day_of(2038, 4, 23), "2038: expected Good Friday on 23 April");
    holidays_of_year(2285, got); /* Easter Sunday 22 March 2285, the earliest */
    CHECK(got[1] == day_of(2285, 3, 20), "2285: expected Good Friday on 20 March");
}

int main(void)
{
    RUN_TEST(test_published_years);
    RUN_TEST(test_marks_the_baseline_list);
    RUN_TEST(test_rules_over_a_century);
    return harness_done();
}
