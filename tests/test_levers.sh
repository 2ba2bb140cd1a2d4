#!/bin/sh
# Pathway levers move what they should. A progress review (step2.no_progress_after = 3)
# with the clinician's judgement step2.no_progress_probability at 0, 0.5 and 1, on the same
# referrals (tests/explore/quarter.cfg, seed and replications fixed): at 0 no course ends at
# a review; at 1 more end there than at 0.5, and more step-2 starters step up; and the
# courses a review ends are finished courses without reliable improvement, so reported
# reliable improvement of finishers falls. (Missed assessments rebooked and the telephone
# weight in burnout follow, each with its own note.) Step 3's own review is turned off so that every
# review counted is step 2's. Counts on fixed seeds; the differences are hundreds of
# courses and several points apart. The sanitizer pass runs the rebooking's 20-replication
# pair at 2 and leaves its interval to the optimised pass (lib.sh: reps, statistical).
# Usage: tests/test_levers.sh BUILD_DIR
set -u

name=test_levers
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2

for p in 0 0.5 1; do
    run run tests/explore/quarter.cfg -r 4 -q -o "$tmp/p$p" --set step2.no_progress_after=3 \
        --set step2.no_progress_probability=$p --set step3.no_progress_after=0
    expect_rc 0 "review judgement $p"
done
n0=$(exits "$tmp/p0" discharged_no_progress)
n5=$(exits "$tmp/p0.5" discharged_no_progress)
n1=$(exits "$tmp/p1" discharged_no_progress)
echo "   courses ended at a review: $n0 (0), $n5 (0.5), $n1 (1)"
check "judgement 0: no course ends at a review" test "$n0" -eq 0
check "more end at a review with judgement 1 than 0.5, and with 0.5 than 0" test "$n1" -gt "$n5" -a "$n5" -gt 0
s0=$(metric "$tmp/p0" stepped_up_share)
s1=$(metric "$tmp/p1" stepped_up_share)
echo "   stepped up, share of step-2 starters: $s0 (0), $s1 (1)"
check "reviews step more people up" awk -v a="$s0" -v b="$s1" 'BEGIN { exit !(b > a) }'
r0=$(metric "$tmp/p0" reliable_improvement_reported)
r1=$(metric "$tmp/p1" reliable_improvement_reported)
echo "   reliable improvement of finishers: $r0 (0), $r1 (1)"
check "reviews lower reported reliable improvement of finishers" awk -v a="$r0" -v b="$r1" 'BEGIN { exit !(b < a) }'
# Missed assessments rebooked (assessment.dna_rebook). By common random numbers the same
# people miss their first appointment whatever the rebooking (the attendance draw comes
# first on their PR_OPTIN stream), so with one rebooking those offered another appointment
# are those who ended at a missed assessment without it, less the few whose path differs
# before it (a wait dropout timed differently): within 5%. Of them a share near
# dna_probability (0.06) misses again and ends there, so the exits fall to a fifth or less;
# two rebookings lower them further. The clock runs on to the attended assessment (below).
# In the event log no one misses more appointments
# than are rebooked, and each missed one is followed at once by a new wait.
for k in 0 1 2; do
    run run tests/explore/quarter.cfg -r 4 -q -o "$tmp/d$k" --set assessment.dna_rebook=$k
    expect_rc 0 "dna_rebook $k"
done
stage_count() {
    awk -v e="$2" "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("kind")] == "stage" && f[col("name")] == e { n += f[col("count")] }
        END { print n + 0 }' "$1/flow.csv"
}
x0=$(exits "$tmp/d0" dna_assessment)
x1=$(exits "$tmp/d1" dna_assessment)
x2=$(exits "$tmp/d2" dna_assessment)
b0=$(stage_count "$tmp/d0" assessment_rebooked)
b1=$(stage_count "$tmp/d1" assessment_rebooked)
echo "   ended at a missed assessment: $x0, $x1, $x2 (0, 1, 2 rebookings); rebooked: $b0, $b1"
check "no rebooking: none rebooked" test "$b0" -eq 0
check "one rebooking: those rebooked are those who ended at a missed one without it (5%)" \
    awk -v a="$x0" -v b="$b1" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 100 && d <= 0.05 * a) }'
check "one rebooking: a fifth or fewer end at a missed assessment" \
    awk -v a="$x0" -v b="$x1" 'BEGIN { exit !(b > 0 && 5 * b <= a) }'
check "two rebookings: fewer still" test "$x2" -lt "$x1"
# The clock runs on: those rebooked are assessed a list's wait later than they would have
# been, and their waits join the mean wait to assessment, which rises (20 paired
# replications: +0.15 days [0.09, 0.20] measured, a twentieth of referrals each waiting the
# quarter-size list's few days again); a clock restarted at the rebooking would lower it.
for k in 0 1; do
    run run tests/explore/quarter.cfg -r "$(reps 20)" -q -o "$tmp/w$k" --set assessment.dna_rebook=$k
    expect_rc 0 "dna_rebook $k, $(reps 20) replications"
done
wa=$(paired "$tmp/w0" "$tmp/w1" wait_to_assessment_days_mean)
echo "   wait to assessment, one rebooking less none: $wa"
statistical check "the clock runs on: the mean wait to assessment rises" above "$wa"
run run tests/explore/quarter.cfg -r 1 -q -o "$tmp/de" --events --set assessment.dna_rebook=1
expect_rc 0 "dna_rebook 1 with the event log"
bad_log=$(awk "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
    { id = f[col("case_id")]; a = f[col("activity")] }
    want[id] { if (!(a == "assessment_wait" && f[col("lifecycle")] == "start" &&
                    f[col("day")] == want[id])) n++; want[id] = "" }
    a == "assessment_dna" { if (++missed[id] > 1) n++; want[id] = f[col("day")]; seen++ }
    END { print (seen > 0 ? n + 0 : "none") }' "$tmp/de/events.csv")
echo "   event log: $bad_log breaches"
check "event log: one missed assessment at most, each followed at once by a new wait" \
    test "$bad_log" = 0
# Telephone work weighs more in burnout (workforce.telephone_weight), in diaries too: a
# diary's fill is weighed by the telephone share of its clinician's one-to-one caseload.
# Step 2 is half by telephone (59% of its one-to-one people), step 3 under a third, so
# raising the weight from 1 to 2 raises PWPs' burnout more than HITs' (baseline, 4
# replications, same seed; measured 2026-12-06: PWPs 0.070 -> 0.342, HITs 0.074 -> 0.264;
# on a build whose weight did not reach diaries the baseline refused any weight but 1).
burn() {
    awk -v r="$2" "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("role")] == r { s += f[col("burnout_mean")]; n++ } END { printf "%.4f", s / n }' \
        "$1/workforce.csv"
}
for tw in 1 2; do
    run run scenarios/baseline.cfg -r 4 -q -o "$tmp/tw$tw" --set workforce.telephone_weight=$tw
    expect_rc 0 "telephone weight $tw"
done
p1=$(burn "$tmp/tw1" pwp) p2=$(burn "$tmp/tw2" pwp) h1=$(burn "$tmp/tw1" hit) h2=$(burn "$tmp/tw2" hit)
echo "   mean burnout, telephone weight 1 -> 2: PWPs $p1 -> $p2, HITs $h1 -> $h2"
check "a heavier telephone hour raises burnout, PWPs' more than HITs'" \
    awk -v a="$p1" -v b="$p2" -v c="$h1" -v d="$h2" 'BEGIN { exit !(b > a && d > c && b - a > d - c) }'
finish
