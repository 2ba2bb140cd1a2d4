#!/bin/sh
# End-to-end tests of scripts/report: on a small run's outputs it writes report.html (the
# scenario's name, six inline SVG plots, one table row per metric of summary.csv) and the
# six plots, leaving no part files; it works on a scenario's directory under `compare`;
# bad usage and missing inputs exit 2 naming what is wrong and write nothing; without
# gnuplot it exits 1 and says so.
# Usage: tests/test_report.sh BUILD_DIR   (run from anywhere; needs BUILD_DIR/stepsim)
set -u

name=test_report
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

report=$top/scripts/report
small="-r 2 -s 11 -q --set horizon_weeks=26 --set warmup_weeks=13 --set followup_weeks=13"
plots="waits lists staff burnout funnel recovery"

# rep ARGS...: run scripts/report, keeping the exit status in $rc and the streams in files.
rep() {
    "$report" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

echo "== a run's report"
# shellcheck disable=SC2086 # small is a word list
run run "$top/scenarios/baseline.cfg" $small -o "$tmp/base"
expect_rc 0 "a small run"
rep "$tmp/base"
expect_rc 0 "report on the run"
html=$tmp/base/report.html
check "report.html written" test -s "$html"
check "it names the scenario (with its overrides)" grep -q "<h1>Mid-size service, stepped care (baseline) \[horizon_weeks=" "$html"
nsvg=$(grep -c "<svg" "$html")
check "six inline plots (got $nsvg)" test "$nsvg" -eq 6
check "no external references (self-contained)" sh -c "! grep -Eq '(src|href)=\"' '$html'"
rows=$(grep -c "^<tr><td>" "$html")
metrics=$(($(wc -l <"$tmp/base/summary.csv") - 1))
check "one table row per metric of summary.csv ($rows rows, $metrics metrics)" \
    test "$rows" -eq "$metrics"
check "recovery_rate_reported in the table" grep -q "<tr><td>recovery_rate_reported</td>" "$html"
for p in $plots; do
    check "plots/$p.svg written and whole" grep -q "</svg>" "$tmp/base/plots/$p.svg"
done
left=$(find "$tmp/base" -name '*.part' | wc -l)
check "no part files left ($left)" test "$left" -eq 0
# The plots drew the series read from the CSVs: their legends name them.
check "waits plot has both bases in its legend" \
    sh -c "grep -q 'true (referral to treatment)' '$tmp/base/plots/waits.svg' &&
           grep -q 'reported (referral to clock stop)' '$tmp/base/plots/waits.svg'"
check "staff plot has a line per role" \
    sh -c "grep -q 'staff in post pwp' '$tmp/base/plots/staff.svg' &&
           grep -q 'staff in post hit' '$tmp/base/plots/staff.svg'"

ids=$(grep -o " id='[^']*'" "$html" | sort | uniq -d | wc -l)
check "no id repeated in the page ($ids repeated)" test "$ids" -eq 0

echo "== awkward names"
# A scenario name with markup and CSV specials; an OUTDIR that awk would read as an
# assignment and one that starts with a dash; quotes in TMPDIR.
# shellcheck disable=SC2086
run run "$top/scenarios/baseline.cfg" $small --set 'name="A & <b>, \"q\""' -o "$tmp/odd"
expect_rc 0 "a run with an awkward name"
rep "$tmp/odd"
expect_rc 0 "report with an awkward name"
check "the name is escaped in the page" grep -q '<h1>A &amp; &lt;b&gt;, "q" \[horizon_weeks=' "$tmp/odd/report.html"
cp -R "$tmp/base" "$tmp/a=b"
rep "$tmp/a=b"
expect_rc 0 "an OUTDIR with '=' in its name"
mkdir "$tmp/dash" && cp -R "$tmp/base" "$tmp/dash/-x"
(cd "$tmp/dash" && "$report" -x >"$tmp/out" 2>"$tmp/err")
rc=$?
expect_rc 0 "an OUTDIR starting with '-'"
mkdir "$tmp/t\"mp"
TMPDIR="$tmp/t\"mp" "$report" "$tmp/base" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "a TMPDIR with a quote in it"

echo "== a compared scenario's directory"
# shellcheck disable=SC2086
run compare "$top/scenarios/baseline.cfg" "$top/scenarios/expert_door.cfg" $small -o "$tmp/cmp"
expect_rc 0 "a small compare"
rep "$tmp/cmp/expert_door"
expect_rc 0 "report on expert_door's directory"
check "it names the expert door scenario" grep -q "expert at the door" "$tmp/cmp/expert_door/report.html"
check "the senior role is plotted" grep -q "staff in post senior" "$tmp/cmp/expert_door/plots/staff.svg"

echo "== bad usage and inputs"
rep
expect_rc 2 "no arguments"
expect_err "usage: scripts/report OUTDIR" "no arguments prints usage"
rep "$tmp/nowhere"
expect_rc 2 "a missing directory"
expect_err "nowhere: no such directory" "the missing directory named"
mkdir "$tmp/partial"
cp "$tmp/base/summary.csv" "$tmp/base/flow.csv" "$tmp/base/recovery.csv" \
    "$tmp/base/timeseries.csv" "$tmp/partial/"
rep "$tmp/partial"
expect_rc 2 "a directory without waits.csv"
expect_err "partial/waits.csv: missing or empty" "the missing file named"
check "nothing written for bad input" test ! -e "$tmp/partial/report.html" -a ! -e "$tmp/partial/plots"
mkdir "$tmp/nocol"
cp "$tmp/base/"*.csv "$tmp/nocol/"
sed '1s/,share,/,portion,/' "$tmp/base/waits.csv" >"$tmp/nocol/waits.csv"
rep "$tmp/nocol"
expect_rc 2 "a CSV without a column the report reads"
expect_err "nocol/waits.csv: not as stepsim run writes it" "the file named"
expect_err "no column share" "the column named"
mkdir "$tmp/norows"
cp "$tmp/base/"*.csv "$tmp/norows/"
head -n 1 "$tmp/base/timeseries.csv" >"$tmp/norows/timeseries.csv"
rep "$tmp/norows"
expect_rc 2 "a CSV with a header and no rows"
expect_err "norows/timeseries.csv: a header and no rows" "the empty file named"
# No gnuplot on the PATH (the script needs only shell builtins before it looks).
PATH=/nonexistent "$(command -v sh)" "$report" "$tmp/base" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 1 "no gnuplot"
expect_err "gnuplot not found" "no gnuplot says so"

finish
