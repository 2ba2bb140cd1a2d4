#!/bin/bash
# test_front_door.sh: the two calibrations of the front door (docs/calibration.md §3,
# "What sets the published six-week figure"). The baseline makes the published six-week
# figure's tail by GP referrals' slow opt-in, its assessment list held near a week of
# clinics; scenarios/front_door_queue.cfg makes it by the list, held near the extra
# clinics' mark by assessors whose base slots are fewer than the people opting in.
# tests/test_calibration.c checks that front_door_queue.cfg meets every band and that its
# list is steady (40 replications: test_steady_list says how); this test checks the rest of
# what makes it the other calibration.
# - Whose waits breach six weeks (patients.csv's queue_day, the day of opting in; 2
#   replications, 2026-12-07 on 584771a): at the baseline most took over six weeks to opt
#   in (measured 83.8%), here few did (0.9%: 46.0% missed their first assessment and
#   waited on the list again, 53.1% opted in sooner and the list's three weeks took them
#   over).
#   "Most" is over a half, "few" under it: the count o of n breaches that are the
#   opt-in's is read as Binomial(n, s), and the share s's interval o/n +- z sqrt(p (1 - p)
#   / n), z = 3.29 (99.9%), must lie above 1/2 at the baseline and below it here. (The
#   margins were "over 70%" and "under 20%", chosen between the two measured shares.)
# - The answer a planner gets: 8 more PWPs (30 to 38 here, 32 to 40 at the baseline,
#   scenarios/more_pwps.cfg), paired, 8 replications. At the baseline the published
#   figure barely moves (measured +1.1 points [0.9, 1.2]: the opt-in, not the list,
#   makes its tail); here the list drains and it rises (+8.5 [7.7, 9.3]; at 20
#   replications +1.1 [1.0, 1.2] and +8.2 [7.8, 8.7]). More staff cannot shorten an
#   opt-in, so they can remove only the breaches that are not the opt-in's alone: at the
#   baseline U = (1 - its published figure) x (the share of its breaches not the
#   opt-in's), 9.3 points x 15.4% = 1.43 points, read from this test's runs. Checked: at
#   the baseline the rise is not above U (the interval's low end at most U: a 2.5% test
#   were the rise U itself; measured 1.06 [0.92, 1.21], its low end 3.5 half-widths under
#   U), and here it is above U (the low end over it: the list, not the opt-in, makes the
#   tail; 7.66 against 1.43). That asks that the list make the tail, not that 8 PWPs
#   drain it (they do: 99.9% is left, the opt-in's 0.1 point): one PWP more (31) gives
#   +2.8 [1.4, 4.2] and passes too. The limits were "below 3 points, above 5", set
#   between the two measured rises; a more_pwps.cfg run whose opt-in is also 2 days
#   quicker (24) rises +2.1 [1.9, 2.2]: under 3, it passed; above U, it fails now.
# The sanitizer pass runs 2 replications and leaves the statistical checks to the
# optimised pass (lib.sh: reps, statistical).
# Usage: tests/test_front_door.sh BUILD_DIR
set -u

name=test_front_door
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
R=$(reps 8)

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
base_breaches=$1 base_optin=$2
echo "   over six weeks to the assessment: baseline $1, $2 of them in the opt-in alone;" \
    "front_door_queue $3, $4"
# share_side N O SIDE: the share O/N's 99.9% binomial interval above (SIDE 1) or below
# (SIDE -1) a half.
share_side() {
    awk -v n="$1" -v o="$2" -v side="$3" 'BEGIN { if (n <= 0) exit 1; p = o / n
        h = 3.29 * sqrt(p * (1 - p) / n)
        printf "   %d of %d: %.4f [%.4f, %.4f]\n", o, n, p, p - h, p + h
        exit !(side > 0 ? p - h > 0.5 : p + h < 0.5) }'
}
check "baseline: most breaches are the opt-in's (its share's interval above a half)" \
    share_side "$1" "$2" 1
check "front_door_queue: few breaches are the opt-in's alone (interval below a half)" \
    share_side "$3" "$4" -1

echo "== 8 more PWPs"
# paired() pairs by replication. In the sanitizer pass (R = 2) each scenario's R are those
# run with patients.csv above (replications.csv is the same with --patients or without).
if sanitizer_pass; then
    ln -s "$tmp/fdq_p" "$tmp/fdq"
    ln -s "$tmp/base_p" "$tmp/base"
else
    run run scenarios/front_door_queue.cfg -r "$R" -q -o "$tmp/fdq"
    expect_rc 0 "front_door_queue.cfg"
    run run scenarios/baseline.cfg -r "$R" -q -o "$tmp/base"
    expect_rc 0 "baseline"
fi
run run scenarios/more_pwps.cfg -r "$R" -q -o "$tmp/base_more"
expect_rc 0 "more_pwps.cfg"
# more_pwps.cfg's own pre-fill (its 40 PWPs hold fewer at step 2) with 38 posts here.
run run scenarios/front_door_queue.cfg -r "$R" -q -o "$tmp/fdq_more" \
    --set staff.pwp.headcount=38 --set prefill.caseload_fill=0.25 --set prefill.step3_list=900
expect_rc 0 "front_door_queue.cfg, 38 PWPs"
wb=$(paired "$tmp/base" "$tmp/base_more" within_6_weeks_reported)
wq=$(paired "$tmp/fdq" "$tmp/fdq_more" within_6_weeks_reported)
echo "   published six-week figure: baseline $wb; front_door_queue $wq"
# U: the most more PWPs can raise the baseline's figure, its breaches less the opt-in's.
U=$(awk -v w="$(metric "$tmp/base" within_6_weeks_reported)" -v n="$base_breaches" \
    -v o="$base_optin" 'BEGIN { if (n > 0 && w > 0) printf "%.6f", (1 - w) * (n - o) / n }')
echo "   baseline: breaches not the opt-in's alone, U = ${U:-none}"
check "baseline: U read" test -n "$U"
statistical check "baseline: 8 more PWPs raise the published figure by no more than U ($wb; U $U)" \
    awk -v d="$wb" -v u="${U:-0}" 'BEGIN { split(d, x, " "); exit !(x[2] != "" && x[2] <= u + 0) }'
statistical check "front_door_queue: 8 more PWPs raise it by more than U ($wq)" \
    awk -v d="$wq" -v u="${U:-1}" 'BEGIN { split(d, x, " "); exit !(x[2] > u + 0) }'
finish
