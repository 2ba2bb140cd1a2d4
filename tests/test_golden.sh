#!/bin/sh
# Golden outputs: tests/golden/small.cfg (the scenario's own seed and replications,
# streams on) must write every file of tests/golden/expected/ byte for byte, and no other
# file but manifest.json (which holds times and hashes) and report.html (the page inlines
# the chart library; tests/test_pages.sh checks its numbers against summary.json). Run on one thread and on two: the
# same seed gives the same bytes whatever the thread count.
# A difference is a regression unless a change means to move results: then regenerate with
# `make golden` and say why in the commit.
# Usage: tests/test_golden.sh BUILD_DIR   (run from anywhere; needs BUILD_DIR/stepsim)
set -u

name=test_golden
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

cd "$top" || exit 2
want=tests/golden/expected
for j in 1 2; do
    echo "== small.cfg, -j $j"
    out=$tmp/j$j
    run run tests/golden/small.cfg -j "$j" -q -o "$out"
    expect_rc 0 "run -j $j"
    for f in "$want"/*; do
        b=$(basename "$f")
        if [ ! -f "$out/$b" ]; then
            bad "-j $j: $b not written"
        elif cmp -s "$f" "$out/$b"; then
            ok "-j $j: $b identical"
        else
            bad "-j $j: $b differs from $want/$b (first differences below; 'make golden' if intended)"
            diff "$f" "$out/$b" | head -n 6 | sed 's/^/      /'
        fi
    done
    for f in "$out"/*; do
        b=$(basename "$f")
        case $b in manifest.json | report.html) continue ;; esac
        [ -f "$want/$b" ] || bad "-j $j: $b written but not in $want ('make golden' if intended)"
    done
done
# An episode's complete names its clinician, also when the clinician was lost (a leaver, a
# week too short for a session: the person goes back to the list); only one still open
# when the run ends may have none. Counted on the run's events.csv.
n=$(awk -F, 'NR > 1 && $5 ~ /^step[23]_treatment$/ && $6 == "complete" && $11 == 0 && $9 == "" { k++ }
    END { print k + 0 }' "$tmp/j1/events.csv")
m=$(awk -F, 'NR > 1 && $5 ~ /^step[23]_treatment$/ && $6 == "complete" { k++ } END { print k + 0 }' \
    "$tmp/j1/events.csv")
if [ "$n" -eq 0 ] && [ "$m" -gt 0 ]; then
    ok "all $m treatment episodes completed name their clinician"
else
    bad "$n of $m treatment episodes completed name no clinician"
fi
finish
