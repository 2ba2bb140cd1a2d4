/* pw_holidays.c — the bank holidays of England and Wales, by rule, for any year of a run.
 *
 * Holds: the calendar arithmetic (days from the run's day 0, Monday 1 January 2018;
 * Easter), the statutory rules (New Year, Good Friday, Easter Monday, the early May, spring
 * and summer Mondays, Christmas and Boxing Day, each with its substitute day) and the days
 * proclamations moved or added (2020, 2022, 2023). Years after the last proclamation follow
 * the rules: a later jubilee or coronation is not foreseen.
 */
#include <stddef.h>

#include "pw_state.h"

/* Days from 1 March of year 0 in the proleptic Gregorian calendar, shifted so that
 * Monday 1 January 2018 is 0: counting from March puts the leap day at a year's end. */
static long civil_day(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;                                    /* [0, 399] */
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  /* [0, 365] */
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
    return era * 146097 + doe - 737000; /* 737000: 1 January 2018 from 1 March of year 0 */
}

/* 0 Monday ... 6 Sunday: day 0 is a Monday. */
static int weekday(long day)
{
    long r = day % 7;
    return (int)(r < 0 ? r + 7 : r);
}

/* Easter Sunday of year y (Gregorian computus: the anonymous algorithm of 1876). */
static long easter(int y)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return civil_day(y, month, day);
}

/* The first Monday on or after `day`, and the last on or before it. */
static long monday_from(long day) { return day + (7 - weekday(day)) % 7; }
static long monday_to(long day) { return day - weekday(day); }

/* A day that falls on a weekend moves to the next weekday not already taken. */
static long substitute(long day, long taken)
{
    while (weekday(day) >= 5 || day == taken)
        day++;
    return day;
}

/* Year y's bank holidays into out[] (at most PW_HOLIDAYS_PER_YEAR); returns how many. */
int holidays_of_year(int y, long *out)
{
    int n = 0;
    out[n++] = substitute(civil_day(y, 1, 1), -1);
    long e = easter(y);
    out[n++] = e - 2;
    out[n++] = e + 1;
    if (y == 2020) /* moved to the Friday for the 75th anniversary of VE Day */
        out[n++] = civil_day(2020, 5, 8);
    else
        out[n++] = monday_from(civil_day(y, 5, 1));
    if (y == 2022) { /* moved for the Platinum Jubilee, with a day added */
        out[n++] = civil_day(2022, 6, 2);
        out[n++] = civil_day(2022, 6, 3);
    } else {
        out[n++] = monday_to(civil_day(y, 5, 31));
    }
    out[n++] = monday_to(civil_day(y, 8, 31));
    if (y == 2022) /* the State Funeral of Queen Elizabeth II */
        out[n++] = civil_day(2022, 9, 19);
    if (y == 2023) /* the Coronation of King Charles III */
        out[n++] = civil_day(2023, 5, 8);
    long xmas = substitute(civil_day(y, 12, 25), -1);
    out[n++] = xmas;
    out[n++] = substitute(civil_day(y, 12, 26), xmas);
    return n;
}

void holidays_mark(unsigned char *off, long n_days)
{
    long yh[PW_HOLIDAYS_PER_YEAR];
    for (int y = 2018; civil_day(y, 1, 1) < n_days; y++) {
        int n = holidays_of_year(y, yh);
        for (int i = 0; i < n; i++)
            if (yh[i] >= 0 && yh[i] < n_days)
                off[yh[i]] = 1;
    }
}
