#!/bin/sh
# The per-patient records against the event log: for every case and step, the sessions
# patients.csv gives the step's rows add up to the step's attended sessions in events.csv,
# and a step's start_day is the first of them. A course resumed after its clinician left
# (a facilitator among them) keeps its sessions, so its row counts them all. Run on
# tests/golden/small.cfg (fast staff turnover, groups at step 2, both streams on), two
# replications. Exact: both files come from the same run. People pre-filled at time zero
# are left out: their courses count sessions held before the run (prefill.*_sessions_held).
# Usage: tests/test_records.sh BUILD_DIR   (run from anywhere; needs BUILD_DIR/stepsim)
set -u

name=test_records
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

cd "$top" || exit 2
run run tests/golden/small.cfg -r 2 -q -o "$tmp/set"
expect_rc 0 "run small.cfg with patients.csv and events.csv"

# Sessions by (replication, case, step) from the log; rows from patients.csv, whose case id
# is written r<replication>-<patient_id> in the log.
awk -F, '
    FNR == 1 { next }
    FILENAME ~ /events/ && $5 ~ /^step[23]_session$/ && $6 == "complete" && $3 !~ /-pre/ {
        st = substr($5, 1, 5); k = $2 SUBSEP $3 SUBSEP st
        n[k]++
        if (!(k in first) || $8 + 0 < first[k]) first[k] = $8 + 0
        next
    }
    FILENAME ~ /patients/ && ($5 == "step2" || $5 == "step3") && $3 !~ /^pre/ {
        k = $2 SUBSEP "r" $2 "-" $3 SUBSEP $5
        rows[k] += $14
        if ($11 != "" && (!(k in start) || $11 + 0 < start[k])) start[k] = $11 + 0
    }
    END {
        bad = 0; cases = 0; resumed = 0
        for (k in rows) {
            cases++
            if (rows[k] != n[k] + 0) {
                if (bad++ < 5) { split(k, a, SUBSEP); printf "  %s %s: patients.csv %d sessions, events.csv %d\n", a[2], a[3], rows[k], n[k] + 0 }
            } else if ((k in first) && (!(k in start) || start[k] != first[k])) {
                if (bad++ < 5) { split(k, a, SUBSEP); printf "  %s %s: start_day %s, first session %s\n", a[2], a[3], start[k], first[k] }
            }
        }
        for (k in n) if (!(k in rows) && bad++ < 5) { split(k, a, SUBSEP); printf "  %s %s: sessions in the log, no row\n", a[2], a[3] }
        printf "%d case-steps compared, %d differ\n", cases, bad
        exit bad > 0 || cases < 100
    }' "$tmp/set/events.csv" "$tmp/set/patients.csv" >"$tmp/cmp" 2>&1
if [ $? -eq 0 ]; then ok "$(tail -n 1 "$tmp/cmp"): sessions and starts agree"; else
    bad "patients.csv against events.csv:"; sed 's/^/      /' "$tmp/cmp"; fi

# The case the rule is for must occur: a group course cut off by its facilitator leaving
# and resumed in another group (step2 sessions with two facilitators in one case).
resumed=$(awk -F, 'FNR > 1 && $5 == "step2_session" && $6 == "complete" {
        k = $2 SUBSEP $3; if (!(k in who)) who[k] = $9; else if (who[k] != $9) two[k] = 1 }
    END { n = 0; for (k in two) n++; print n }' "$tmp/set/events.csv")
check "courses resumed with another clinician occur ($resumed)" test "$resumed" -gt 0
finish
