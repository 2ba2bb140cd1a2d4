#!/bin/sh
# Workforce training levers move what they should.
#  - Annual clearing (staff.pwp.training_intake_month = 9, training_places_per_year = 6, on
#    the baseline with PWPs leaving for HIT training at 0.5 a year so that there are many
#    starts): every rise in the number in HIT training happens in a weekly round held in
#    September, and no calendar year of the run has more than 6 starts; without clearing
#    the starts fall in other months too. Counts from timeseries.csv, exact.
#  - A closed period (staff.pwp.training_closed_from_week = 10, training_closed_weeks =
#    100): no weekly round in those weeks puts anyone into HIT training; rounds after do.
#  - Posts planned (workforce.hiring) exist from their week, not before (below).
#  - The dashboard's "Training for it" is timeseries.csv's in_training_<role> over the
#    window, under the role trained for alone; absent where no one trains. workforce.csv's
#    vacancies_mean and in_training_mean are the same window means, replication by one.
#  - A training bar (scenarios/hit_training_bar.cfg): HITs in post as without it, fewer in
#    HIT training; no one in training before week 104 with every starting PWP new on day 0,
#    some with workforce.starting_tenure_spread.
#  - Trainee salary support (workforce.trainee_salary_support_share = 0.6): the same run
#    (it changes no one's path) with salaries exactly as without it; costs.csv's
#    salary_support is positive, zero without it, and total_local = total - salary_support.
#  - The top-up course in long-term-condition work (tests/explore/quarter.cfg, 20
#    replications, paired): everyone treating trained during the warm-up with effect 1.5
#    raises true recovery (the paired 95% CI above zero), more for people with a long-term
#    condition than for those without; the same course held in the measurement window with
#    no effect on outcomes costs capacity: the mean wait to treatment rises (CI above zero).
# The sanitizer pass runs the compared arms at 2 replications and leaves the comparisons to
# the optimised pass (lib.sh: reps, statistical), and the workforce runs of five years
# (clearing to salary support) at 1 replication, whose weeks the same checks read.
# Usage: tests/test_training.sh BUILD_DIR
set -u

name=test_training
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
awk_csv=$(cat "$top/scripts/csv.awk")
b=scenarios/baseline.cfg
w=$(reps 2 1) # the workforce runs' replications

echo "== annual clearing"
run run "$b" -r "$w" -s 4 -j 2 -q -o "$tmp/free" --set staff.pwp.training_per_year=0.5
expect_rc 0 "run, training any time"
run run "$b" -r "$w" -s 4 -j 2 -q -o "$tmp/clear" --set staff.pwp.training_per_year=0.5 \
    --set staff.pwp.training_intake_month=9 --set staff.pwp.training_places_per_year=6
expect_rc 0 "run, annual clearing"
# starts DIR: "replication year month count" for each weekly round that put people into HIT
# training. Row `week` w is the state at its end, after the round held on day 7w and before
# the one on day 7 (w + 1); months as the model counts them (a twelfth of 365.25 days).
starts() {
    awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        { r = f[col("replication")]; w = f[col("week")]; v = f[col("in_training_hit")]
          if ((r in prev) && v > prev[r]) {
              d = 7 * w; y = 365.25
              m = int((d - y * int(d / y)) / (y / 12)) + 1
              print r, int(d / y), m, v - prev[r] }
          prev[r] = v }' "$1/timeseries.csv"
}
starts "$tmp/free" >"$tmp/s_free"
starts "$tmp/clear" >"$tmp/s_clear"
n_free=$(awk '$3 != 9' "$tmp/s_free" | wc -l)
n_clear=$(wc -l <"$tmp/s_clear")
n_out=$(awk '$3 != 9' "$tmp/s_clear" | wc -l)
most=$(awk '{ n[$1 " " $2] += $4 } END { m = 0; for (k in n) if (n[k] > m) m = n[k]; print m }' "$tmp/s_clear")
echo "   rounds with starts: $n_clear with clearing ($n_out outside September); $n_free outside September without"
check "with clearing, training starts" test "$n_clear" -gt 0
check "with clearing, every start is in September" test "$n_out" -eq 0
check "with clearing, at most 6 starts a year (most: $most)" test "$most" -le 6
check "without clearing, starts in other months" test "$n_free" -gt 0

echo "== a closed period"
# No one starts training from week 10 for 100 weeks: no weekly round held on days 70 to
# 769 (rows 9 to 109) raises the number in HIT training; rounds outside it do.
run run "$b" -r "$w" -s 4 -j 2 -q -o "$tmp/closed" --set staff.pwp.training_per_year=0.5 \
    --set staff.pwp.training_closed_from_week=10 --set staff.pwp.training_closed_weeks=100
expect_rc 0 "run, training closed for 100 weeks"
rises() { # rises DIR LO HI: rounds in rows [LO, HI] that put someone into HIT training
    awk -v lo="$2" -v hi="$3" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        { r = f[col("replication")]; w = f[col("week")]; v = f[col("in_training_hit")]
          if ((r in prev) && v + 0 > prev[r] + 0 && w + 0 >= lo + 0 && w + 0 <= hi + 0) n++
          prev[r] = v }
        END { print n + 0 }' "$1/timeseries.csv"
}
in_closed=$(rises "$tmp/closed" 9 109)
after=$(rises "$tmp/closed" 110 100000)
open_then=$(rises "$tmp/free" 9 109)
echo "   rounds with starts: $in_closed while closed, $after after; $open_then in the same weeks when open"
check "no one starts training while it is closed" test "$in_closed" -eq 0
check "starts again after the closed period" test "$after" -gt 0
check "the same weeks open have starts" test "$open_then" -gt 0

echo "== posts cut"
# 3 of the 28 HIT posts cut at week 60: from then on no more than 25 HITs are in post (the
# latest to start leave at once, and leavers' posts beyond 25 are not refilled), where
# before the cut there were more; the run otherwise goes on.
run run "$b" -r "$w" -s 4 -j 2 -q -o "$tmp/cut" --set 'workforce.cuts=({week=60.0; role="hit"; count=3;})'
expect_rc 0 "run, 3 HIT posts cut at week 60"
most() { # most DIR FROM TO: the most HITs in post in rows [FROM, TO]
    awk -v lo="$2" -v hi="$3" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        { w = f[col("week")] + 0; v = f[col("staff_in_post_hit")] + 0
          if (w >= lo + 0 && w <= hi + 0 && v > m) m = v }
        END { print m + 0 }' "$1/timeseries.csv"
}
before=$(most "$tmp/cut" 0 59)
after=$(most "$tmp/cut" 60 100000)
echo "   HITs in post: at most $before before the cut, $after after"
check "more than 25 HITs in post before the cut" test "$before" -gt 25
check "at most 25 after it" test "$after" -le 25

echo "== posts cut: last in, first out, by start in post"
# HITs who never leave (leave_per_year 0); at week 10 a shock empties about 30% of their
# posts, advertised with a vacancy of 5,000 days so that only PWPs qualifying from HIT
# training (2 a year, from the start) fill them, from about week 52; at week 150 14 posts
# are cut. The latest to start in post are those qualified trainees, so the cut takes them
# all and the HITs in post at the window's end (week 312) are the first ones, each 312
# weeks in post: mean_tenure_years 312 x 7 / 365.25. Until 2026-12-07 the cut took the
# highest staff ids, the first HITs' (a trainee keeps the id they had as a PWP), and kept
# the trainees: 5.32 and 5.26 years in the two replications.
run run "$b" -r "$w" -s 4 -j 2 -q -o "$tmp/lifo" --set staff.hit.leave_per_year=0 \
    --set staff.pwp.training_per_year=2 --set staff.pwp.training_min_tenure_years=0 \
    --set 'staff.hit.vacancy_days={dist="gamma"; mean=5000.0; sd=10.0;}' \
    --set 'workforce.shocks=({week=10.0; role="hit"; share=0.3; weeks=1.0;})' \
    --set 'workforce.cuts=({week=150.0; role="hit"; count=14;})'
expect_rc 0 "run, trainees into HIT posts, then 14 posts cut"
awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
    f[col("role")] == "hit" { print f[col("starters")], f[col("mean_tenure_years")] }' \
    "$tmp/lifo/workforce.csv" >"$tmp/lifo_t"
echo "   HIT starters in the window and mean tenure at its end, by replication: $(tr '\n' ';' <"$tmp/lifo_t")"
check "trainees took HIT posts" awk -v w="$w" '$1 > 0 { n++ } END { exit !(n == NR && NR == w) }' "$tmp/lifo_t"
check "the cut took them: every HIT left has been in post since day 0" \
    awk '{ d = $2 - 312 * 7 / 365.25; if (d < 0) d = -d; if (d > 1e-9) bad++ } END { exit bad + 0 }' "$tmp/lifo_t"

echo "== posts planned"
# 3 HIT posts planned at week 150 (workforce.hiring), with PWPs leaving for HIT training
# at 0.5 a year so that qualified trainees are many: before week 150 no more than the 28
# posts are filled (until 2026-12-06 the planned posts existed from day 0 and trainees took
# them years early: 31 in post before the week and 34 after it), from it up to 31, and
# they are filled.
run run "$b" -r "$w" -s 4 -j 2 -q -o "$tmp/plan" --set staff.pwp.training_per_year=0.5 \
    --set 'workforce.hiring=({week=150.0; role="hit"; count=3;})'
expect_rc 0 "run, 3 HIT posts planned at week 150"
before=$(most "$tmp/plan" 0 148)
after=$(most "$tmp/plan" 150 100000)
echo "   HITs in post: at most $before before week 150, $after from it"
check "at most 28 HITs in post before the planned posts" test "$before" -le 28
check "from week 150 more than 28, at most 31" sh -c "[ $after -gt 28 ] && [ $after -le 31 ]"

echo "== a training bar: HITs in post as before, fewer in training"
# scenarios/hit_training_bar.cfg against the baseline: over the window (rows from week 52)
# the mean number of HITs in post is the same within half a person (a qualified trainee
# takes a HIT post only if one is vacant), while the mean number in HIT training, who
# treat at step 3 at half a HIT's caseload, is lower. The README and the scenario's
# comment said until 2026-12-07 that step 3 lost HITs ("home-grown supply").
run run "$b" -r "$w" -s 4 -j 2 -o "$tmp/nobar"
expect_rc 0 "run, baseline"
cp "$tmp/out" "$tmp/nobar_dash"
run run scenarios/hit_training_bar.cfg -r "$w" -s 4 -j 2 -q -o "$tmp/bar"
expect_rc 0 "run, hit_training_bar.cfg"
wmean() { # wmean DIR COLUMN: the column's mean over the window's rows (week >= 52)
    awk -v c="$2" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("week")] + 0 >= 52 { s += f[col(c)]; n++ } END { printf "%.3f\n", s / n }' \
        "$1/timeseries.csv"
}
hit0=$(wmean "$tmp/nobar" staff_in_post_hit)
hit1=$(wmean "$tmp/bar" staff_in_post_hit)
tr0=$(wmean "$tmp/nobar" in_training_hit)
tr1=$(wmean "$tmp/bar" in_training_hit)
echo "   HITs in post $hit0 without the bar, $hit1 with it; in HIT training $tr0 and $tr1"
check "HITs in post the same within 0.5" awk -v a="$hit0" -v b="$hit1" 'BEGIN { d = a - b; exit !(d < 0.5 && d > -0.5) }'
check "fewer in HIT training with the bar" awk -v a="$tr0" -v b="$tr1" 'BEGIN { exit !(b < a) }'

echo "== the dashboard's trainees"
# "Training for it" under a role: the mean over replications of each one's mean of
# timeseries.csv's in_training_<role> over the window's weeks (phase "window"), as the
# dashboard rounds it; shown under hit, the role PWPs train for, and under no other; not
# at all with no one leaving for training. (Until 2026-12-07 the dashboard had no trainees.)
want=$(awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
    f[col("phase")] == "window" { r = f[col("replication")]; s[r] += f[col("in_training_hit")]; n[r]++ }
    END { for (r in s) { m += s[r] / n[r]; k++ } printf "%.1f\n", m / k }' "$tmp/nobar/timeseries.csv")
got=$(awk '/^  [a-z]/ { role = $1 } /Training for it, mean over the window/ { print role, $8 }' "$tmp/nobar_dash")
echo "   dashboard: $got; timeseries.csv: hit $want"
check "the dashboard's trainees under hit alone, timeseries.csv's window mean ($want)" \
    test "$got" = "hit $want"
# workforce.csv's vacancies_mean and in_training_mean: each replication's window means of
# the same columns of timeseries.csv, every role (to 1e-9: the same sums).
diffs=$(awk "$awk_csv"'FNR == 1 { header($0); nf++; next } { csv($0, f) }
    nf == 1 && f[col("phase")] == "window" { r = f[col("replication")]; n[r]++
        for (k in colix) if (k ~ /^(vacancies|in_training)_/) s[r, k] += f[colix[k]] }
    nf == 2 { r = f[col("replication")]; role = f[col("role")]
        for (w = 0; w < 2; w++) { k = (w ? "in_training_" : "vacancies_") role
            got = f[col(w ? "in_training_mean" : "vacancies_mean")]; want = s[r, k] / n[r]
            d = got - want; if (d < 0) d = -d; rows++; if (d > 1e-9) bad++ } }
    END { print bad + 0, rows + 0 }' "$tmp/nobar/timeseries.csv" "$tmp/nobar/workforce.csv")
echo "   workforce.csv against timeseries.csv: $diffs (differing, compared)"
check "workforce.csv's vacancies_mean and in_training_mean are timeseries.csv's window means" \
    awk -v d="$diffs" 'BEGIN { split(d, x, " "); exit !(x[1] == 0 && x[2] >= 4) }'
run run "$b" -r 1 -j 1 --set horizon_weeks=26 --set staff.pwp.training_per_year=0 -o "$tmp/notrain"
expect_rc 0 "run, no one leaving for training"
check "no trainees' line where no one trains (the role's other lines there)" \
    sh -c "grep -q 'Posts vacant' '$tmp/out' && ! grep -q 'Training for it' '$tmp/out'"

echo "== the starting staff's time in post"
# Everyone starts in post on day 0 unless workforce.starting_tenure_spread: with the bar of
# hit_training_bar.cfg (2 years) no one may then leave for HIT training before week 104,
# a whole year of the window (rows 0 to 103 raise no one into training); with the
# starting tenures spread as turnover leaves them, PWPs long in post go from the start.
# Until 2026-12-07 there was no such key (exit 2) and the bar's gains were read with every
# PWP new on day 0.
run run scenarios/hit_training_bar.cfg -r "$w" -s 4 -j 2 -q -o "$tmp/bar_spread" \
    --set workforce.starting_tenure_spread=true
expect_rc 0 "run, hit_training_bar.cfg with the starting tenures spread"
early0=$(rises "$tmp/bar" 0 103)
early1=$(rises "$tmp/bar_spread" 0 103)
echo "   rounds with starts before week 104: $early0 all new on day 0, $early1 spread"
check "all new on day 0: no one trains before week 104 under a 2-year bar" test "$early0" -eq 0
check "spread: some start training before week 104" test "$early1" -gt 0

echo "== trainee salary support"
run run "$b" -r "$w" -s 4 -j 2 -q -o "$tmp/sup" --set staff.pwp.training_per_year=0.5 \
    --set workforce.trainee_salary_support_share=0.6
expect_rc 0 "run, salary support"
# cost DIR ROLE ITEM: the item's values, one a replication.
cost() {
    awk -v r="$2" -v i="$3" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("role")] == r && f[col("item")] == i { print f[col("value_gbp")] }' "$1/costs.csv"
}
cost "$tmp/free" all salary >"$tmp/sal0"
cost "$tmp/sup" all salary >"$tmp/sal1"
check "salaries unchanged by who pays them" cmp -s "$tmp/sal0" "$tmp/sal1"
s0=$(cost "$tmp/free" all salary_support | awk '{ s += $1 } END { print s + 0 }')
s1=$(cost "$tmp/sup" all salary_support | awk '{ s += $1 } END { print s + 0 }')
echo "   salary support: $s0 (none), $s1 (60%)"
check "no support: salary_support is 0" test "$s0" = 0
check "60% support: salary_support is positive" awk -v s="$s1" 'BEGIN { exit !(s > 0) }'
cost "$tmp/sup" hit total >"$tmp/t"
cost "$tmp/sup" hit salary_support >"$tmp/u"
cost "$tmp/sup" hit total_local >"$tmp/l"
bad_rows=$(paste -d' ' "$tmp/t" "$tmp/u" "$tmp/l" |
    awk '{ d = $1 - $2 - $3; if (d < 0) d = -d; if (d > 1e-6 * $1) n++ } END { print n + 0 }')
check "total_local = total - salary_support" test "$bad_rows" -eq 0

echo "== top-up training in long-term-condition work"
q=tests/explore/quarter.cfg
# shellcheck disable=SC2086
{
    run run "$q" -r "$(reps 40)" -s 6 -j 2 -q -o "$tmp/t_off"
    expect_rc 0 "run, no course"
    run run "$q" -r "$(reps 40)" -s 6 -j 2 -q -o "$tmp/t_on" --set workforce.ltc_top_up_share=1.0 \
        --set workforce.ltc_top_up_effect=1.5 --set workforce.ltc_top_up_week=0
    expect_rc 0 "run, course in the warm-up"
    run run "$q" -r "$(reps 40)" -s 6 -j 2 -q -o "$tmp/t_cost" --set workforce.ltc_top_up_share=1.0 \
        --set workforce.ltc_top_up_effect=1.0 --set workforce.ltc_top_up_week=30
    expect_rc 0 "run, course in the window, no effect"
}
# shellcheck disable=SC2046
set -- $(paired "$tmp/t_off" "$tmp/t_on" recovery_rate_true)
echo "   true recovery, course - none: $1 [$2, $3]"
statistical check "the course raises true recovery" awk -v l="$2" 'BEGIN { exit !(l > 0) }'
# group DIR SUBGROUP: mean true recovery of a subgroup (subgroups.csv).
group() {
    awk -v g="$2" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("subgroup")] == g && f[col("metric")] == "recovery_rate_true" { print f[col("mean")] }' \
        "$tmp/$1/subgroups.csv"
}
dl=$(awk -v a="$(group t_off long_term_condition)" -v b="$(group t_on long_term_condition)" 'BEGIN { print b - a }')
dn=$(awk -v a="$(group t_off no_long_term_condition)" -v b="$(group t_on no_long_term_condition)" 'BEGIN { print b - a }')
echo "   true recovery gain: $dl (long-term condition), $dn (none)"
statistical check "the gain is larger for people with a long-term condition" \
    awk -v a="$dl" -v b="$dn" 'BEGIN { exit !(a > b && a > 0) }'
# shellcheck disable=SC2046
# 40 replications: a course's hours move the sessions booked in them to later weeks
# (episode_make_room), so the waits it adds here are about half what they were when those
# weeks were simply overbooked: +0.63 days [+0.31, +0.95] (a836646; the build before,
# cb5eca0, at 40: +1.16 [+0.86, +1.47]); 20 replications gave +0.49 [+0.08, +0.90] before
# a836646, a lower end too near 0 for a check that should not hang on noise (on a836646,
# +0.50 [+0.19, +0.82]: the seed's luck, no more margin to rely on).
set -- $(paired "$tmp/t_off" "$tmp/t_cost" wait_to_treatment_days_mean)
echo "   mean wait to treatment, course in the window - none: $1 [$2, $3]"
statistical check "the course's hours lengthen waits" awk -v l="$2" 'BEGIN { exit !(l > 0) }'

echo "== headcount with leavers replaced at once"
# Every HIT leaves at 52 a year (some 930 leavers of the 28 posts in the year) and is
# replaced the same instant (vacancy 0): no post is empty at any weekly count, so
# headcount_mean is the 28 posts exactly, but for rounding. It adds 7/365.25 of a year for
# each HIT in post at each of the window's 52 weekly counts, 1456 terms, so rounding moves
# it by at most 1456 x 2^-53 of 28, 5e-12 (measured on 3b61e0a: 28.00000000000065 in both
# replications); one post empty at one count lowers a replication's mean by 1/52, the
# two's by 1/104 (0.0096). The check allows 1e-9, between the two. The week's staff used
# to be taken after the round's leavers went and before their successors came: 10 of 28;
# with a vacancy of 7 days (each successor after the next count) it reads 16.94 (3b61e0a).
run run scenarios/baseline.cfg -r 2 -q --set horizon_weeks=52 --set staff.hit.leave_per_year=52 \
    --set 'staff.hit.vacancy_days={dist="fixed"; value=0.0;}' -o "$tmp/instant"
expect_rc 0 "high turnover, leavers replaced at once"
hc=$(awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
    f[col("role")] == "hit" { s += f[col("headcount_mean")]; n++ } END { printf "%.17g\n", s / n }' "$tmp/instant/workforce.csv")
echo "   HITs in post on average: $hc of 28"
check "the posts stay filled (28 of 28, to rounding: within 1e-9)" \
    awk -v h="$hc" 'BEGIN { d = h - 28; exit !(h != "" && d <= 1e-9 && d >= -1e-9) }'

echo "== sickness days per FTE do not depend on FTE"
# The same sickness process (0.8 absences a year of 10 days a person) at full time and at
# 0.2 FTE: FTE-days lost per FTE are the same. Counting whole days against FTE had read 5
# times as many at 0.2 (8.6 against 43.3). With burnout off (burnout_rise_per_week 0) no
# hazard depends on the load, so the staff's draws (absences, leavers, successors) are the
# same at both FTEs and each replication's figure is the same number but for rounding:
# measured on 3b61e0a 8.3655 and 7.9706, the two FTEs apart by at most 5e-14 of it, where
# one day's absence more or less moves it by 1/26 of a day, 0.5%. The check allows 1e-9 of
# it, between the two. With burnout on, the load (lighter at 0.2 FTE: HIT burnout 0.10
# against 0.15) feeds the sickness hazard (burnout_sick_factor), a true difference too small
# to see (20 replications, 0.2 less full time: -0.07 +- 0.15 days); this check was a ratio
# in [0.6, 1.6] of those means over 4 replications.
for f in 1 0.2; do
    run run scenarios/baseline.cfg -r 2 -q --set horizon_weeks=52 --set warmup_weeks=13 \
        --set workforce.burnout_rise_per_week=0 --set staff.hit.fte=$f -o "$tmp/fte$f"
    expect_rc 0 "HITs at $f FTE"
done
sick() { # sick DIR: "replication days" of the HITs' sickness days per FTE
    awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("role")] == "hit" { print f[col("replication")], f[col("sickness_days_per_fte")] }' "$1/workforce.csv"
}
sick "$tmp/fte1" >"$tmp/s1"
sick "$tmp/fte0.2" >"$tmp/s2"
echo "   HIT sickness days a year per FTE by replication: $(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $2 }' "$tmp/s1") at full time;" \
    "$(awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $2 }' "$tmp/s2") at 0.2 FTE"
# shellcheck disable=SC2016 # awk's fields, not the shell's
check "the same at 0.2 FTE as at full time, replication by replication (within 1e-9 of it)" \
    awk 'NR == FNR { a[$1] = $2; next }
        { n++; d = $2 - a[$1]; if (!($1 in a) || $2 == "" || d > 1e-9 * a[$1] || -d > 1e-9 * a[$1]) bad++ }
        END { exit !(n == 2 && !bad) }' "$tmp/s1" "$tmp/s2"
finish
