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
# week too short for a session: the person goes back to the list) and when the episode is
# still open at the run's end; so does a stage ended by losing them
# (lost_with_change_of_therapist in patients.csv). Counted on the run's files.
# all_named FILE CONDITION COLUMN WHAT: every row of FILE meeting the awk CONDITION has
# COLUMN filled.
all_named() {
    counts=$(awk -F, "NR > 1 && $2 { k++; if (\$$3 == \"\") e++ } END { print k + 0, e + 0 }" "$1")
    m=${counts% *} n=${counts#* }
    if [ "$n" -eq 0 ] && [ "$m" -gt 0 ]; then
        ok "all $m $4"
    else
        bad "$n of $m rows name no one ($4 expected)"
    fi
}
all_named "$tmp/j1/events.csv" '$5 ~ /^step[23]_treatment$/ && $6 == "complete"' 9 \
    "treatment episodes completed name their clinician"
all_named "$tmp/j1/patients.csv" '$15 == "lost_with_change_of_therapist"' 16 \
    "stages lost with a change of therapist name the clinician lost"
# Someone who gives up waiting to resume a course (their clinician lost) keeps the
# stage's sessions in its row; the row once said 0 whatever they had attended.
resumed=$(awk -F, 'NR > 1 && $15 == "dropped_waiting" && $14 > 0 { n++ } END { print n + 0 }' \
    "$tmp/j1/patients.csv")
check "dropped_waiting rows of resumed courses keep their sessions ($resumed rows)" \
    test "$resumed" -gt 0
finish
