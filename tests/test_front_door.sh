#!/bin/bash
# test_front_door.sh: the two calibrations of the front door (docs/calibration.md §3,
# "What sets the published six-week figure"). The baseline makes the published six-week
# figure's tail by GP referrals' slow opt-in, its assessment list held near a week of
# clinics; scenarios/front_door_queue.cfg makes it by the list, held near the extra
# clinics' mark by assessors whose base slots are fewer than the people opting in.
# - front_door_queue.cfg meets the national six-week band (89.4% +-4; measured 91.3%
#   at 8 replications, 91.5% [91.2, 91.9] at 40; tests/test_calibration.c checks every
#   band at 40).
# - Its list is steady: the mean of its last window year less its first, paired over the
#   8 replications, within +-150 people, a fifth of its level (about 760) and some five
#   days of wait for those opting in. Measured +11 [-71, +92] (40 replications: +39 [+2,
#   +76], 5% of the level); without the extra clinics the list grows without bound (+342
#   [+159, +524]: the check fails) and the figure falls to 75%.
# - Whose waits breach six weeks (patients.csv, 2 replications, some 8,500 breaches each
#   way, so a share's binomial sd is under half a point): at the baseline most took over
#   six weeks to opt in (measured 86%), here few did (measured 4%; the rest opted in
#   sooner and the list's three weeks took them over). Checked above 70% and below 20%.
# - The answer a planner gets: 8 more PWPs (30 to 38 here, 32 to 40 at the baseline,
#   scenarios/more_pwps.cfg), paired. At the baseline the published figure barely moves
#   (measured +1.1 points [0.9, 1.3]: the opt-in, not the list, makes its tail); here
#   the list drains and it rises (+8.6 [7.7, 9.4]; at 20 replications +1.1 [1.0, 1.2]
#   and +8.1 [7.6, 8.6]). Checked: below 3 points, above 5.
# The sanitizer pass runs 2 replications and leaves the statistical checks to the
# optimised pass (lib.sh: reps, statistical).
# Usage: tests/test_front_door.sh BUILD_DIR
set -u

name=test_front_door
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
R=$(reps 8)

echo "== front_door_queue.cfg"
run run scenarios/front_door_queue.cfg -r "$R" -q -o "$tmp/fdq"
expect_rc 0 "front_door_queue.cfg"
w6=$(metric "$tmp/fdq" within_6_weeks_reported)
echo "   published six-week figure $w6"
statistical check "the published six-week figure within the national band (0.894 +- 0.04)" \
    awk -v m="$w6" 'BEGIN { exit !(m >= 0.854 && m <= 0.934) }'
# drift DIR: "mean low high" of the list's last window year less its first (weeks 52-103
# against 260-311: the baseline's warm-up is a year, its window five), paired over the
# replications (t interval, scripts/paired.awk's quantiles).
drift() {
    awk "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
        { w = f[col("week")] + 0; r = f[col("replication")]; v = f[col("waiting_assessment")] }
        w >= 52 && w < 104 { a[r] += v; na[r]++ } w >= 260 && w < 312 { b[r] += v; nb[r]++ }
        END {
            for (r in a) { d = b[r] / nb[r] - a[r] / na[r]; n++; s += d; ss += d * d }
            m = s / n; sd = sqrt((ss - n * m * m) / (n - 1))
            # t(0.975) for 1 to 9 degrees of freedom
            split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262", t, " ")
            h = t[n - 1] * sd / sqrt(n)
            printf "%.1f %.1f %.1f\n", m, m - h, m + h
        }' "$1/timeseries.csv"
}
d=$(drift "$tmp/fdq")
echo "   the list, last window year less first: $d"
statistical check "the list steady: last year less first within +-150 people" near_zero "$d" 150

echo "== whose waits breach six weeks"
# late DIR: "breaches opt_in_alone" over the cohort's first assessments attended.
late() {
    awk "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("stage")] == "assessment" && f[col("cohort")] == 1 && f[col("start_day")] != "" {
            ref = f[col("referral_day")]; if (f[col("start_day")] - ref > 42) {
                n++; if (f[col("queue_day")] - ref > 42) o++ } }
        END { print n + 0, o + 0 }' "$1/patients.csv"
}
run run scenarios/front_door_queue.cfg -r 2 -q -o "$tmp/fdq_p" --patients
expect_rc 0 "front_door_queue.cfg, patients.csv"
run run scenarios/baseline.cfg -r 2 -q -o "$tmp/base_p" --patients
expect_rc 0 "baseline, patients.csv"
set -- $(late "$tmp/base_p") $(late "$tmp/fdq_p")
echo "   over six weeks to the assessment: baseline $1, $2 of them in the opt-in alone;" \
    "front_door_queue $3, $4"
check "baseline: most breaches are the opt-in's (over 70%)" \
    awk -v n="$1" -v o="$2" 'BEGIN { exit !(n > 1000 && o > 0.7 * n) }'
check "front_door_queue: few breaches are the opt-in's alone (under 20%)" \
    awk -v n="$3" -v o="$4" 'BEGIN { exit !(n > 1000 && o < 0.2 * n) }'

echo "== 8 more PWPs"
run run scenarios/baseline.cfg -r "$R" -q -o "$tmp/base"
expect_rc 0 "baseline"
run run scenarios/more_pwps.cfg -r "$R" -q -o "$tmp/base_more"
expect_rc 0 "more_pwps.cfg"
# more_pwps.cfg's own pre-fill (its 40 PWPs hold fewer at step 2) with 38 posts here.
run run scenarios/front_door_queue.cfg -r "$R" -q -o "$tmp/fdq_more" \
    --set staff.pwp.headcount=38 --set prefill.caseload_fill=0.25 --set prefill.step3_list=900
expect_rc 0 "front_door_queue.cfg, 38 PWPs"
wb=$(paired "$tmp/base" "$tmp/base_more" within_6_weeks_reported)
wq=$(paired "$tmp/fdq" "$tmp/fdq_more" within_6_weeks_reported)
echo "   published six-week figure: baseline $wb; front_door_queue $wq"
statistical check "baseline: 8 more PWPs move the published figure by under 3 points" \
    near_zero "$wb" 0.03
statistical check "front_door_queue: 8 more PWPs raise it by over 5 points" \
    awk -v d="$wq" 'BEGIN { split(d, x, " "); exit !(x[2] > 0.05) }'
finish
