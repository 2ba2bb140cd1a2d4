#!/bin/bash
# test_prefill.sh: the sessions already held by the people pre-filled into caseloads
# (prefill.step2_sessions_held, step3_sessions_held).
# - Below 1 is refused (the draw needs one value at least), with the key named. The
#   default, 2 (none or one, courses at their start), is test_scn's (test_defaults).
# - Above the step's cap it counts as the cap (a scenario lowering step3.max_sessions
#   keeps the baseline's 14): byte for byte as the cap itself.
# - Step-3 courses spread over their course (the baseline's 14: 0 to 13 sessions held of
#   the cap of 16) free HITs' places from the first weeks, where courses all at their
#   start free none for months: the step-3 list of the second quarter (weeks 13 to 25,
#   the window here) is shorter. Measured over 4 paired replications, the baseline's
#   pre-fill list of 300: -198 people [-232, -164] (662 against 860); the check asks only
#   that the interval lie below 0.
# Usage: tests/test_prefill.sh BUILD_DIR
set -u

name=test_prefill
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2

# arm NAME REPLICATIONS OVERRIDES WHAT: the baseline's first half-year, the second quarter
# measured, with OVERRIDES, run into $tmp/NAME.
arm() {
    variant "$1" "$2" "warmup_weeks = 13.0; horizon_weeks = 13.0; followup_weeks = 0.0; $3" "$4"
}

echo "== at least 1"
cp scenarios/baseline.cfg "$tmp/baseline.cfg"
printf '@include "baseline.cfg"\noverrides = { prefill = { step3_sessions_held = 0; }; };\n' \
    >"$tmp/zero.cfg"
run check "$tmp/zero.cfg"
expect_rc 2 "sessions held 0"
expect_err 'prefill\.step3_sessions_held: must be an integer in \[1, 1000\] \(got 0\)' "sessions held 0"

echo "== above the cap"
arm over 2 'step3 = { max_sessions = 6; }; prefill = { step3_sessions_held = 14; };' \
    "sessions held 14, cap 6"
arm cap 2 'step3 = { max_sessions = 6; }; prefill = { step3_sessions_held = 6; };' \
    "sessions held 6, cap 6"
same_outputs "$tmp/over" "$tmp/cap" "sessions held above the cap as the cap"

echo "== step-3 courses spread"
arm start 4 'prefill = { step3_sessions_held = 2; };' "step-3 courses at their start"
arm spread 4 '' "step-3 courses spread (the baseline)"
s3=$(paired "$tmp/start" "$tmp/spread" waiting_step3_mean)
echo "   waiting for step 3, second quarter: $s3"
check "step-3 courses spread: a shorter step-3 list in the second quarter" below "$s3"
finish
