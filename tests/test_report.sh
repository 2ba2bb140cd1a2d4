#!/bin/sh
# scripts/report, kept for those who call it: it names the page stepsim wrote (report.html
# of a run, compare.html of a comparison), says how to get one for a set without a page
# (exit 1), and refuses bad usage and folders that are not stepsim's (exit 2).
# Usage: tests/test_report.sh BUILD_DIR   (run from anywhere; needs BUILD_DIR/stepsim)
set -u

name=test_report
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

report=$top/scripts/report
small="-r 2 -s 11 -q --set horizon_weeks=26 --set warmup_weeks=13 --set followup_weeks=13"
rep() {
    "$report" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

echo "== a run's page"
# shellcheck disable=SC2086 # small is a word list
run run "$top/scenarios/baseline.cfg" $small -o "$tmp/base"
expect_rc 0 "a small run"
check "run wrote report.html" test -s "$tmp/base/report.html"
rep "$tmp/base"
expect_rc 0 "report on the run"
check "it names report.html" grep -qx "$tmp/base/report.html" "$tmp/out"
check "report.html holds the scenario's name" grep -q 'Mid-size service' "$tmp/base/report.html"
check "report.html works offline: no external script or stylesheet" \
    sh -c "! grep -Eq '<script[^>]* src=|<link[^>]*stylesheet' '$tmp/base/report.html'"

echo "== a name no markup can end"
# The page's data is JSON in a script element: "</script>" in a name would end it, and
# "<!--<script>" once made the element's own end tag go unseen, the page staying blank.
variant marked 1 'name = "a </script> b <!--<script> c"; referrals = { per_week = 20.0; };' \
    "a run named with markup" --set horizon_weeks=2 --set warmup_weeks=0
awk '/^<\/script>/ && on { exit } on { print } /^<script id="stepsim-data"/ { on = 1 }' \
    "$tmp/marked/report.html" >"$tmp/data.json"
check "the page's data holds the name" grep -q 'a \\u003c/script> b \\u003c!--\\u003cscript> c' \
    "$tmp/data.json"
check "the page's data holds no \"<\" (no markup of a name reaches the parser)" \
    sh -c "! grep -q '<' '$tmp/data.json'"

echo "== a comparison's page"
# shellcheck disable=SC2086
run compare "$top/scenarios/baseline.cfg" "$top/scenarios/more_pwps.cfg" $small -o "$tmp/cmp"
expect_rc 0 "a small compare"
rep "$tmp/cmp"
expect_rc 0 "report on the comparison"
check "it names compare.html" grep -qx "$tmp/cmp/compare.html" "$tmp/out"
rep "$tmp/cmp/more_pwps"
expect_rc 0 "report on one scenario of the comparison"

echo "== a calibration: no page by design"
cat >"$tmp/targets.cfg" <<'EOF2'
targets = ( { metric = "within_6_weeks_true"; value = 0.5; tolerance = 0.05; } );
free = ( { key = "staff.pwp.headcount"; lower = 6; upper = 14; } );
EOF2
run calibrate "$top/tests/explore/quarter.cfg" --targets "$tmp/targets.cfg" -r 1 -j 1 \
    --max-evals 2 -q -o "$tmp/cal"
expect_rc 0 "a small calibrate"
rep "$tmp/cal"
expect_rc 1 "report on a calibrate set"
expect_err 'is a calibrate set, which has no page' "says a calibration has no page"
expect_err "stepsim run $tmp/cal/fitted.cfg" "and how to get the fit's report"
check "it does not call the set old (its advice would replace the fit)" \
    sh -c "! grep -q 'did not write pages' '$tmp/err'"
ln -s "$report" "$tmp/stepsim-report"
"$tmp/stepsim-report" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 2 "installed as stepsim-report, no argument"
expect_err '^usage: stepsim-report OUTDIR' "its usage names it as called"

echo "== no page, bad usage"
rm "$tmp/base/report.html"
rep "$tmp/base"
expect_rc 1 "a set without a page"
expect_err 'run it again' "says how to get one"
mkdir "$tmp/empty"
rep "$tmp/empty"
expect_rc 2 "a folder that is not a set"
rep "$tmp/nowhere"
expect_rc 2 "a missing folder"
rep
expect_rc 2 "no argument"
finish
