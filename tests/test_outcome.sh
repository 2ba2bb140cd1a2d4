#!/bin/sh
# True outcomes at a common time: with every treatment effect zero, treatment changes
# nobody's symptoms, so true recovery read outcome_weeks after referral must be the same
# whether people are treated or not. tests/outcome/no_effect.cfg (effects zero) and
# no_treatment.cfg (nobody opts in: the same referrals, untreated) are compared on common
# random numbers: the paired 95% CI of the difference in recovery_rate_true must contain
# 0 (and be narrow: half-width under 1 point, so the check means something). The figure
# taken at each journey's end (recovery_rate_true_at_exit) is the counter-example: the
# untreated leave on the day they are referred, before natural history has had time, so
# its paired CI must exclude 0 — the bias the common time removes.
# Usage: tests/test_outcome.sh BUILD_DIR
set -u

name=test_outcome
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2

run compare tests/outcome/no_effect.cfg tests/outcome/no_treatment.cfg -r 6 -q \
    --set horizon_weeks=52 --set warmup_weeks=26 -o "$tmp/cmp"
expect_rc 0 "compare no effect with no treatment"
set -- $(compare_diff "$tmp/cmp" no_treatment recovery_rate_true)
echo "   recovery_rate_true, untreated minus treated: $1 [$2, $3]"
check "at follow-up: the paired CI contains 0" awk -v lo="$2" -v hi="$3" 'BEGIN { exit !(lo <= 0 && 0 <= hi) }'
check "at follow-up: the CI is narrow (half-width < 0.01)" awk -v lo="$2" -v hi="$3" 'BEGIN { exit !((hi - lo) / 2 < 0.01) }'
set -- $(compare_diff "$tmp/cmp" no_treatment recovery_rate_true_at_exit)
echo "   recovery_rate_true_at_exit, untreated minus treated: $1 [$2, $3]"
check "at exit: the paired CI excludes 0 (the bias of reading at exit)" awk -v lo="$2" -v hi="$3" 'BEGIN { exit !(hi < 0 || lo > 0) }'
finish
