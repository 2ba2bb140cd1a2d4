#!/bin/bash
# test_prefill.sh: the sessions already held by the people pre-filled into caseloads
# (prefill.step2_sessions_held, step3_sessions_held).
# - 0, the default, draws none or one session as before: every output byte for byte as
#   unset.
# - Step-3 courses spread over their course (14: 0 to 13 sessions held of the cap of 16)
#   free HITs' places from the first weeks, where courses all at their start free none for
#   months: the step-3 list of the second quarter (weeks 13 to 25, the window here) is
#   shorter. Measured over 4 paired replications: -207 people [-233, -181] (963 against
#   756); the check asks only that the interval lie below 0.
# Usage: tests/test_prefill.sh BUILD_DIR
set -u

name=test_prefill
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2

# Scenario files of the same name, so that files compare byte for byte (--set would add
# itself to the name).
cp scenarios/baseline.cfg "$tmp/baseline.cfg"
# arm NAME REPLICATIONS OVERRIDES WHAT: the baseline's first half-year, the second quarter
# measured, with OVERRIDES, run into $tmp/NAME.
arm() {
    printf '@include "baseline.cfg"\noverrides = { warmup_weeks = 13.0; horizon_weeks = 13.0; followup_weeks = 0.0; %s };\n' \
        "$3" >"$tmp/$1.cfg"
    run run "$tmp/$1.cfg" -r "$2" -q -o "$tmp/$1"
    expect_rc 0 "$4"
}

echo "== 0 is the default"
arm unset 2 '' "sessions held unset"
arm zero 2 'prefill = { step2_sessions_held = 0; step3_sessions_held = 0; };' "sessions held 0"
same_outputs "$tmp/unset" "$tmp/zero" "sessions held 0"

echo "== step-3 courses spread"
arm start 4 '' "step-3 courses at their start"
arm spread 4 'prefill = { step3_sessions_held = 14; };' "step-3 courses spread"
s3=$(paired "$tmp/start" "$tmp/spread" waiting_step3_mean)
echo "   waiting for step 3, second quarter: $s3"
check "step-3 courses spread: a shorter step-3 list in the second quarter" below "$s3"
finish
