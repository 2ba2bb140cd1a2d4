#!/bin/sh
# `stepsim calibrate` end to end, on tests/explore/quarter.cfg (a quarter of the baseline):
# - it recovers known values: the targets are the metrics of quarter.cfg simulated with
#   three keys set (staff.pwp.headcount 10, staff.hit.headcount 6, referrals.per_week 60),
#   each with its 95% CI half-width as tolerance; the fit starts 30% off and must land
#   within the tolerance derived below;
# - fitted.cfg runs to exactly the fitted point's numbers (the full scenario, for a
#   variant), and @includes a standalone scenario (by its path from the output folder);
# - the same bytes on one thread and on two; --max-evals stops it;
# - the shipped scenarios/targets/national.cfg reads against scenarios/baseline.cfg;
# - bad targets files exit 2 with FILE:LINE messages.
#
# How the landing tolerance is derived from the targets' CIs. The targets are means of
# NT = 20 replications on seed 7; their tolerance h is the 95% half-width,
# t(0.975, 19) sd / sqrt(20) = 2.093 sd / sqrt(20). The fit runs NF = 5 replications on
# another seed (the scenario's), so at the true values its mean differs from the target by
# noise of sd sqrt(1/20 + 1/5) sd = 0.5 sd = 1.068 h. A key is pinned most tightly by the
# target that moves most with it: with slope s = d(metric)/d(key) (central differences on
# the targets' seed: one unit either side for a headcount, 5 a week for the referral rate),
# 3 such noise sd of that target is 3 x 1.068 h / |s| of the key. The fit must land within
# that of the true value: tolerance = min over targets of 3.2 h / |s| (for a headcount
# below 1: it must land exactly). The fit converges in about 70 evaluations of 5
# replications: ~5 s here, ~30 s for the whole test under the sanitizers. The sanitizer
# pass takes the targets from 2 replications and stops the fit after 10 evaluations: where
# it lands is the optimised pass's to check (lib.sh: reps, statistical).
# Usage: tests/test_calibrate.sh BUILD_DIR
set -u

name=test_calibrate
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
awk_csv=$(cat "$top/scripts/csv.awk")
q=tests/explore/quarter.cfg
metrics=referrals,cost_per_year_gbp,utilisation_step2,utilisation_step3,wait_to_treatment_days_mean,step_up_wait_days_mean

# point DIR PWP HIT RATE: sweep.csv of quarter.cfg at one point, 20 replications, seed 7.
point() {
    "$bin" sweep "$q" --vary "staff.pwp.headcount=$2" --vary "staff.hit.headcount=$3" \
        --vary "referrals.per_week=$4" -r "$(reps 20)" -s 7 -j 2 --metrics "$metrics" -q -o "$1" \
        >/dev/null 2>"$tmp/err" || { bad "sweep at $2, $3, $4"; sed 's/^/      /' "$tmp/err"; }
}
# col_of FILE METRIC COLUMN: a column of a metric's row in sweep.csv.
col_of() {
    awk -v m="$2" -v c="$3" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("metric")] == m { print f[col(c)]; exit }' "$1"
}

echo "== targets from a known point, and the landing tolerances"
point "$tmp/truth" 10 6 60.0
point "$tmp/pwp-" 9 6 60.0
point "$tmp/pwp+" 11 6 60.0
point "$tmp/hit-" 10 5 60.0
point "$tmp/hit+" 10 7 60.0
point "$tmp/rate-" 10 6 55.0
point "$tmp/rate+" 10 6 65.0
{
    echo "targets = ("
    sep=""
    for m in $(echo "$metrics" | tr , ' '); do
        v=$(col_of "$tmp/truth/sweep.csv" "$m" mean)
        h=$(awk -v a="$(col_of "$tmp/truth/sweep.csv" "$m" ci_high)" -v v="$v" \
            'BEGIN { printf "%.6g", a - v }')
        printf '%s  { metric = "%s"; value = %s; tolerance = %s; }' "$sep" "$m" "$v" "$h"
        sep=",
"
    done
    echo "
);"
    echo 'free = ('
    echo '  { key = "staff.pwp.headcount"; lower = 5; upper = 20; start = 13; },'
    echo '  { key = "staff.hit.headcount"; lower = 2; upper = 12; start = 4; },'
    echo '  { key = "referrals.per_week"; lower = 30.0; upper = 120.0; start = 78.0; }'
    echo ');'
} >"$tmp/targets.cfg"

# tolerance KEY LO_DIR HI_DIR STEP: min over metrics of 3.2 h / |slope|.
tolerance() {
    for m in $(echo "$metrics" | tr , ' '); do
        echo "$(col_of "$tmp/truth/sweep.csv" "$m" mean) $(col_of "$tmp/truth/sweep.csv" "$m" ci_high)" \
            "$(col_of "$2/sweep.csv" "$m" mean) $(col_of "$3/sweep.csv" "$m" mean)"
    done | awk -v step="$4" '
        { h = $2 - $1; s = ($4 - $3) / (2 * step); if (s < 0) s = -s
          if (s > 0 && (best == "" || 3.2 * h / s < best)) best = 3.2 * h / s }
        END { printf "%.4g\n", best }'
}
tol_pwp=$(tolerance staff.pwp.headcount "$tmp/pwp-" "$tmp/pwp+" 1)
tol_hit=$(tolerance staff.hit.headcount "$tmp/hit-" "$tmp/hit+" 1)
tol_rate=$(tolerance referrals.per_week "$tmp/rate-" "$tmp/rate+" 5)
echo "   landing tolerances: pwp $tol_pwp, hit $tol_hit, per_week $tol_rate"
check "the tolerances are defined" test -n "$tol_pwp" -a -n "$tol_hit" -a -n "$tol_rate"

echo "== the fit, from 30% off"
start=$(date +%s)
fit_limit=$(sanitizer_pass && echo "--max-evals 10")
# shellcheck disable=SC2086 # empty, or an option and its value
run calibrate "$q" --targets "$tmp/targets.cfg" -j 2 $fit_limit -o "$tmp/cal"
expect_rc 0 "calibrate"
echo "   $(($(date +%s) - start)) s; $(grep -E '^(Converged|Stopped)' "$tmp/out")"
cp "$tmp/out" "$tmp/cal.txt"
# fitted KEY: the fitted value from the table of free keys.
fitted() { awk -v k="$1" '$1 == k && $4 ~ /^\[/ { print $3 }' "$tmp/cal.txt"; }
for kv in "staff.pwp.headcount 10 $tol_pwp" "staff.hit.headcount 6 $tol_hit" \
          "referrals.per_week 60 $tol_rate"; do
    set -- $kv
    got=$(fitted "$1")
    statistical check "$1 lands at '$got' (true $2, start 30% off, tolerance $3)" \
        awk -v g="$got" -v w="$2" -v t="$3" \
        'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d <= t) }'
done
check "every figure printed with its target and CI" \
    test "$(grep -cE '^  [a-z_0-9]+ +£?[0-9.]+(%| days)? +±' "$tmp/cal.txt")" -eq 6
check "an overrides block to paste" grep -q '^overrides = {$' "$tmp/cal.txt"
check "calibrate.csv: a row per evaluation" \
    test "$(($(wc -l <"$tmp/cal/calibrate.csv") - 1))" -eq \
    "$(sed -n 's/.* after \([0-9]*\) evaluations.*/\1/p;s/^Stopped at --max-evals \([0-9]*\).*/\1/p' "$tmp/cal.txt")"
check "calibrate.csv: keys, metrics, distance" grep -q \
    '^scenario,evaluation,staff.pwp.headcount,staff.hit.headcount,referrals.per_week,referrals,cost_per_year_gbp,.*,distance,reused$' \
    "$tmp/cal/calibrate.csv"
check "manifest.json lists calibrate.csv and fitted.cfg" \
    grep -q '"name": "fitted.cfg"' "$tmp/cal/manifest.json"

echo "== fitted.cfg runs to the fitted point's numbers"
# The best row of calibrate.csv: the least distance, the first on a tie.
best=$(awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
    best == "" || f[col("distance")] + 0 < d { d = f[col("distance")] + 0; best = $0 }
    END { print best }' "$tmp/cal/calibrate.csv")
head -n 1 "$tmp/cal/calibrate.csv" >"$tmp/best.csv"
echo "$best" >>"$tmp/best.csv"
check "fitted.cfg is the full scenario for a variant" grep -q '^horizon_weeks = ' "$tmp/cal/fitted.cfg"
run run "$tmp/cal/fitted.cfg" -r 5 -s 20181 -q -o "$tmp/refit"
expect_rc 0 "run fitted.cfg"
for m in referrals utilisation_step2 wait_to_treatment_days_mean; do
    a=$(awk -v m="$m" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f); print f[col(m)] }' "$tmp/best.csv")
    b=$(col_of "$tmp/refit/summary.csv" "$m" mean)
    if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "fitted.cfg: $m $a"; else bad "fitted.cfg: $m '$b', the fit '$a'"; fi
done

echo "== one thread and two; --max-evals; the @include form"
"$bin" check "$q" >"$tmp/standalone.cfg"
run calibrate "$tmp/standalone.cfg" --targets "$tmp/targets.cfg" --max-evals 6 -j 1 -q -o "$tmp/j1"
expect_rc 0 "six evaluations on one thread"
run calibrate "$tmp/standalone.cfg" --targets "$tmp/targets.cfg" --max-evals 6 -j 2 -o "$tmp/j2"
check "stopped at --max-evals" grep -q '^Stopped at --max-evals 6 ' "$tmp/out"
check "calibrate.csv: 6 rows" test "$(wc -l <"$tmp/j2/calibrate.csv")" -eq 7
for f in calibrate.csv fitted.cfg; do
    check "$f: the same bytes on one thread and on two" cmp -s "$tmp/j1/$f" "$tmp/j2/$f"
done
check "fitted.cfg @includes a standalone scenario, by its path from the output folder" \
    grep -q '^@include "../standalone.cfg"$' "$tmp/j2/fitted.cfg"
run check "$tmp/j2/fitted.cfg"
expect_rc 0 "the @include form loads"
pwp=$(sed -n 's/.*pwp = { headcount = \([0-9]*\); };/\1/p' "$tmp/j2/fitted.cfg")
check "it sets the fitted headcount ($pwp)" grep -q "^        headcount = $pwp;" "$tmp/out"

echo "== the national targets read against the baseline"
run calibrate scenarios/baseline.cfg --targets scenarios/targets/national.cfg --max-evals 1 \
    -r 1 --set horizon_weeks=4 --set warmup_weeks=0 --set followup_weeks=0 -q -o "$tmp/nat"
expect_rc 0 "scenarios/targets/national.cfg"

echo "== a whole-number key alone: the simplex settles on the grid and stops"
# Rounded to whole PWPs, the simplex soon meets only points already run while its size in u
# stays above --simplex-size; it once re-ran one point to --max-evals (194 of 200 reused)
# and never polished. Now it stops after STALL_EVALS (8 for one key) such evaluations.
printf 'targets = (\n  { metric = "within_6_weeks_true"; value = 0.47; tolerance = 0.01; }\n);\nfree = ( { key = "staff.pwp.headcount"; lower = 6; upper = 14; start = 7; } );\n' >"$tmp/whole.cfg"
run calibrate "$q" --targets "$tmp/whole.cfg" -r 2 -o "$tmp/whole"
expect_rc 0 "calibrate on a whole-number key"
check "said to have converged on the rounded values" grep -q "^Converged on the rounded values: the simplex's last 8 evaluations" "$tmp/out"
evals=$(awk 'END { print NR - 1 }' "$tmp/whole/calibrate.csv")
check "well short of --max-evals ($evals evaluations)" test "$evals" -lt 40

run calibrate "$q" --targets "$tmp/whole.cfg" -r 2 --set staff.pwp.headcount=20 -o "$tmp/freeset"
expect_rc 2 "a free key set by --set too"
expect_err "whole.cfg:4: free\[0\]\.key: \"staff.pwp.headcount\" is free, and --set 'staff.pwp.headcount=20' sets it too" "a free key set by --set too: said so"
check "a free key set by --set too: nothing written" test ! -e "$tmp/freeset"
echo "== a decimal key pressed against a bound is flagged"
# A reported six-week share of 40% is out of the opt-in delay's reach (it falls as the delay
# grows, only to 85.6% at 39.9 days, 2 replications): the fit presses the delay against the
# top of [5, 40], which the sine's map reaches only approximately; the flag asked for the
# bound itself, so this fit (39.916) went unflagged.
printf 'targets = (\n  { metric = "within_6_weeks_reported"; value = 0.40; tolerance = 0.02; }\n);\nfree = ( { key = "assessment.opt_in_days_mean"; lower = 5.0; upper = 40.0; start = 18.0; } );\n' >"$tmp/edge.cfg"
run calibrate "$q" --targets "$tmp/edge.cfg" -r 2 --max-evals 60 -j 2 -o "$tmp/edge"
expect_rc 0 "calibrate pressing a decimal key to its bound"
check "the key at the edge is flagged" grep -Eq "^  assessment.opt_in_days_mean .*\[5, 40\]  at the edge: widen the range" "$tmp/out"

echo "== bad targets files: exit 2, FILE:LINE messages"
# bad NAME PATTERN: the targets file $tmp/NAME.cfg (written by the caller) is refused with
# a message matching PATTERN, placed at the file and a line.
bad_file() {
    run calibrate "$q" --targets "$tmp/$1.cfg" -r 1 -o "$tmp/bad-$1"
    expect_rc 2 "$1"
    expect_err "^$tmp/$1.cfg:[0-9]+: $2" "$1"
    check "$1: nothing written" test ! -e "$tmp/bad-$1"
}
T='targets = ( { metric = "referrals"; value = 3000.0; tolerance = 30.0; } );'
F='free = ( { key = "staff.pwp.headcount"; lower = 5; upper = 20; } );'
printf '%s\n%s\nfrees = 1;\n' "$T" "$F" >"$tmp/unknown_key.cfg"
bad_file unknown_key 'frees: unknown key \(did you mean "free"\?\)'
# An unknown key with no near name lists what its group takes (it said "unknown key" alone).
printf '%s\nfree = ( { key = "staff.pwp.headcount"; lower = 5; upper = 20; bonus = 1; } );\n' "$T" >"$tmp/unknown_far.cfg"
bad_file unknown_far 'free\[0\]\.bonus: unknown key \(expected one of key, lower, upper, start, integer\)'
# A scenario given as the targets (the arguments swapped): one message, where each of its
# keys was refused in turn.
cp "$top/tests/bad/include/base.cfg" "$tmp/swapped.cfg"
bad_file swapped 'a scenario, not a targets file'
check "swapped: one message" test "$(wc -l <"$tmp/err")" -eq 1
printf 'targets = (\n  { metric = "referrals"; tolerance = 30.0; }\n);\n%s\n' "$F" >"$tmp/missing_value.cfg"
bad_file missing_value 'targets\[0\]\.value: missing \(expected a number'
printf 'targets = (\n  { metric = "referals"; value = 1.0; tolerance = 1.0; }\n);\n%s\n' "$F" >"$tmp/unknown_metric.cfg"
bad_file unknown_metric 'targets\[0\]\.metric: unknown metric "referals" \(did you mean "referrals"\?\)'
printf '%s\nfree = (\n  { key = "staff.pwp.headcount"; lower = 20; upper = 5; }\n);\n' "$T" >"$tmp/lower_above_upper.cfg"
bad_file lower_above_upper 'free\[0\]\.lower: must be below upper \(got lower 20, upper 5\)'
printf '%s\nfree = (\n  { key = "staff.pwp.headcount"; lower = 5; upper = 20;\n    start = 30; }\n);\n' "$T" >"$tmp/start_outside.cfg"
bad_file start_outside 'free\[0\]\.start: must lie in \[lower, upper\] = \[5, 20\] \(got 30\)'
printf '%s\nfree = (\n  { key = "staff.pwp.headcount"; lower = 12; upper = 20; }\n);\n' "$T" >"$tmp/default_outside.cfg"
bad_file default_outside "free\[0\]: the scenario's value of staff.pwp.headcount, 10, lies outside"
printf '%s\nfree = (\n  { key = "staff.pwp.headcont"; lower = 5; upper = 20; }\n);\n' "$T" >"$tmp/no_such_key.cfg"
bad_file no_such_key 'free\[0\]\.key: no key "staff.pwp.headcont" in the scenario'
printf '%s\nfree = (\n  { key = "workforce.hiring[0].week"; lower = 13.0; upper = 39.0; }\n);\n' "$T" >"$tmp/entry.cfg"
bad_file entry 'free\[0\]\.key: "workforce.hiring\[0\].week" is an entry of a list, which fitted.cfg'"'"'s overrides group cannot set'
printf '%s\nfree = (\n  { key = "seed"; lower = 1; upper = 9; }\n);\n' "$T" >"$tmp/seed.cfg"
bad_file seed 'free\[0\]\.key: "seed" cannot be free'
printf '%s\nfree = (\n  { key = "policy"; lower = 0.0; upper = 1.0; }\n);\n' "$T" >"$tmp/not_a_number.cfg"
bad_file not_a_number 'free\[0\]\.key: "policy" is not a number in the scenario'
printf '%s\nfree = (\n  { key = "staff.pwp.headcount"; lower = 5.5; upper = 20; }\n);\n' "$T" >"$tmp/fractional.cfg"
bad_file fractional 'free\[0\]\.lower: must be a whole number'
printf 'targets = (\n  { metric = "referrals"; value = 1.0; tolerance = 0.0; }\n);\n%s\n' "$F" >"$tmp/zero_tolerance.cfg"
bad_file zero_tolerance 'targets\[0\]\.tolerance: must be a number > 0'
printf 'targets = (\n  { metric = "referrals"; value = 13000.0; tolerance = 1e-300; }\n);\n%s\n' "$F" >"$tmp/tiny_tolerance.cfg"
bad_file tiny_tolerance 'targets\[0\]\.tolerance: must be at least 1.3e-05 \(a billionth of the target, or of 1; got 1e-300\)'
printf 'targets = (\n  { metric = "referrals"; value = 13000.0; tolerance = "x"; }\n);\n%s\n' "$F" >"$tmp/tolerance_text.cfg"
bad_file tolerance_text 'targets\[0\]\.tolerance: wrong type'
check "tolerance_text: one message, not a second about its size" sh -c "! grep -q 'must be at least' '$tmp/err'"
printf 'targets = (\n  { metric = "within_6_weeks_true"; value = 89.4; tolerance = 4.0; }\n);\n%s\n' "$F" >"$tmp/share_percent.cfg"
bad_file share_percent 'targets\[0\]\.value: within_6_weeks_true takes values in \[0, 1\] \(got 89.4: a share is a fraction'
printf 'targets = (\n  { metric = "wait_to_treatment_days_mean"; value = -5.0; tolerance = 4.0; }\n);\n%s\n' "$F" >"$tmp/negative_wait.cfg"
bad_file negative_wait 'targets\[0\]\.value: wait_to_treatment_days_mean takes no value below 0 \(got -5\)'
# Every problem at once: a share written as a percent (line 2), a misspelt metric (3) and
# bounds the wrong way round (6); the first was reported only alone.
printf 'targets = (\n  { metric = "within_6_weeks_true"; value = 89.4; tolerance = 4.0; },\n  { metric = "referals"; value = 1.0; tolerance = 1.0; }\n);\nfree = (\n  { key = "staff.pwp.headcount"; lower = 20; upper = 5; }\n);\n' >"$tmp/three.cfg"
bad_file three 'targets\[0\]\.value: within_6_weeks_true takes values in \[0, 1\]'
expect_err "three.cfg:3: targets\\[1\\]\\.metric: unknown metric" "three: the misspelt metric too"
expect_err "three.cfg:6: free\\[0\\]\\.lower: must be below upper" "three: the bounds too"
printf '%s\nfree = (\n  { key = "staff.pwp.headcount"; lower = 5; upper = 20; },\n  { key = "staff.pwp.headcount"; lower = 5; upper = 20; }\n);\n' "$T" >"$tmp/twice.cfg"
bad_file twice 'free\[1\]\.key: "staff.pwp.headcount" is free already \(line 3\)'
printf '%s\nfree = ( );\n' "$T" >"$tmp/empty_free.cfg"
bad_file empty_free 'free: is empty'
printf '%s\nfree = (\n  { key = "staff.pwp.caseload_cap"; lower = 0; upper = 80; }\n);\n' "$T" >"$tmp/rejected_bound.cfg"
bad_file rejected_bound 'free\[0\]: the scenario rejects this key at its lower bound'
expect_err '^--set staff.pwp.caseload_cap=0: staff.pwp.caseload_cap' "rejected_bound: the loader's message"
printf 'targets = ( { metric = "referrals"; value = ; } );\n' >"$tmp/syntax.cfg"
bad_file syntax 'syntax error'
# A targets file is named as one, not as a scenario (both once said "scenario").
printf '\177ELF binary\n' >"$tmp/binary.cfg"
bad_file binary 'not a text targets file'
printf '@include "nosuch.cfg"\n' >"$tmp/include.cfg"
bad_file include 'cannot open include file "nosuch.cfg" .*the directory of the targets file'
run calibrate "$q" --targets "$tmp/no-such-file.cfg" -o "$tmp/bad-nofile"
expect_rc 2 "a missing targets file"
expect_err "no-such-file.cfg: cannot open targets" "a missing targets file named"
# A targets file named without a folder is looked for as a scenario is, under
# scenarios/targets/ (the shipped national set is `--targets national`; it had to be given
# by its path, the installed one a long /usr/local/share/... path); one found nowhere says
# where it was looked for.
(cd "$top" && "$bin" calibrate "$q" --targets national -r 1 --max-evals 1 -q \
    -o "$tmp/by-name" >"$tmp/out" 2>"$tmp/err")
rc=$?
expect_rc 0 "--targets national from the source tree's top"
check "--targets national: the shipped file read (fitted.cfg names it)" \
    grep -q "fitted by stepsim calibrate to ./scenarios/targets/national.cfg" "$tmp/by-name/fitted.cfg"
(cd "$tmp" && STEPSIM_DATA="$top" "$bin" calibrate "$top/$q" --targets national.cfg -r 1 \
    --max-evals 1 -q -o "$tmp/by-name2" >"$tmp/out" 2>"$tmp/err")
rc=$?
expect_rc 0 "--targets national.cfg from elsewhere, with STEPSIM_DATA"
(cd "$tmp" && STEPSIM_DATA= "$bin" calibrate "$top/$q" --targets nationall -o "$tmp/never" \
    >"$tmp/out" 2>"$tmp/err")
rc=$?
expect_rc 2 "a targets file found nowhere"
expect_err "no targets file 'nationall': looked for it \(and nationall.cfg\) here, in ./scenarios/targets, in \\\$STEPSIM_DATA/scenarios/targets \(unset\) and in .*/scenarios/targets; give its path" \
    "... says where it looked"
check "... and writes nothing" test ! -e "$tmp/never"
run calibrate "$q" -o "$tmp/bad-notargets"
expect_rc 2 "calibrate without --targets"
run run "$q" --targets "$tmp/targets.cfg" -o "$tmp/bad-run"
expect_rc 2 "--targets with run"
finish
