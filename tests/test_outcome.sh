#!/bin/sh
# True outcomes at a common time: with every treatment effect zero, treatment changes
# nobody's symptoms, so true recovery read outcome_weeks after referral must be the same
# whether people are treated or not. tests/outcome/no_effect.cfg (effects zero) and
# no_treatment.cfg (nobody opts in: the same referrals, untreated) are compared on common
# random numbers: the paired 95% CI of the difference in recovery_rate_true must lie
# within half a point of 0 (an equivalence check: a fourteenth of the 7-point bias of
# reading at exit below; with no difference the interval's half-width is about 0.08
# points over 24 replications, so only a real difference of some 0.4 points or more fails
# it, and the bound also keeps the interval narrow enough to mean something). It asked
# once that the interval contain 0, over 6 replications: a check that a model change fails
# by chance one time in twenty (+0.13 [-0.03, +0.28] passed; a change that moved nothing
# here gave +0.17 [+0.04, +0.30], and +0.01 [-0.06, +0.08] over 24). The figure taken at
# each journey's end (recovery_rate_true_at_exit) is the counter-example: the untreated
# leave on the day they are referred, before natural history has had time, so its paired
# CI must exclude 0 — the bias the common time removes.
# Usage: tests/test_outcome.sh BUILD_DIR
set -u

name=test_outcome
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2

run compare tests/outcome/no_effect.cfg tests/outcome/no_treatment.cfg -r 24 -j 2 -q \
    --set horizon_weeks=52 --set warmup_weeks=26 -o "$tmp/cmp"
expect_rc 0 "compare no effect with no treatment"
set -- $(compare_diff "$tmp/cmp" no_treatment recovery_rate_true)
echo "   recovery_rate_true, untreated minus treated: $1 [$2, $3]"
check "at follow-up: the paired CI within half a point of 0" awk -v lo="$2" -v hi="$3" 'BEGIN { exit !(lo >= -0.005 && hi <= 0.005) }'
set -- $(compare_diff "$tmp/cmp" no_treatment recovery_rate_true_at_exit)
echo "   recovery_rate_true_at_exit, untreated minus treated: $1 [$2, $3]"
check "at exit: the paired CI excludes 0 (the bias of reading at exit)" awk -v lo="$2" -v hi="$3" 'BEGIN { exit !(hi < 0 || lo > 0) }'
finish
