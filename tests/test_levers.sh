#!/bin/sh
# Pathway levers move what they should. A progress review (step2.no_progress_after = 3)
# with the clinician's judgement step2.no_progress_probability at 0, 0.5 and 1, on the same
# referrals (tests/explore/quarter.cfg, seed and replications fixed): at 0 no course ends at
# a review; at 1 more end there than at 0.5, and more step-2 starters step up; and the
# courses a review ends are finished courses without reliable improvement, so reported
# reliable improvement of finishers falls. Step 3's own review is turned off so that every
# review counted is step 2's. Counts on fixed seeds; the differences are hundreds of
# courses and several points apart.
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
finish
