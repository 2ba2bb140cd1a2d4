#!/bin/sh
# The per-patient records against the event log: for every case and step, the sessions
# patients.csv gives the step's rows add up to the step's attended sessions in events.csv,
# and a step's start_day is the first of them. A course resumed after its clinician left
# (a facilitator among them) keeps its sessions, so its row counts them all. Run on
# tests/golden/small.cfg (fast staff turnover, groups at step 2, both streams on), two
# replications. Exact: both files come from the same run. People pre-filled at time zero
# are left out: their courses count sessions held before the run (prefill.*_sessions_held).
# The same on a federation's files (tests/federation/three.cfg, one replication). Then two
# rules the records show (and wait_for_step3_days_mean, the step-3 list's wait, read from
# the same rows): no holding-list letter discharges someone waiting to
# resume a course, and no one drops out at their group's last session (each below; the
# sanitizer pass runs the latter's over one replication of one year).
# Usage: tests/test_records.sh BUILD_DIR   (run from anywhere; needs BUILD_DIR/stepsim)
set -u

name=test_records
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

cd "$top" || exit 2
run run tests/golden/small.cfg -r 2 -q -o "$tmp/set"
expect_rc 0 "run small.cfg with patients.csv and events.csv"

# sessions_agree DIR WHAT: in DIR's files, sessions by (replication, case, step) from the
# log against the rows of patients.csv, whose case id is written r<replication>-<patient_id>
# in the log (a federation's: r<replication>-s<k>-<patient_id>, each row ending with its
# service's name, which both files' keys carry).
sessions_agree() {
awk -F, '
    FNR == 1 { next }
    FILENAME ~ /events/ && $5 ~ /^step[23]_session$/ && $6 == "complete" && $3 !~ /-pre/ {
        st = substr($5, 1, 5); c = $3; svc = NF == 12 ? $12 : ""; sub(/-s[0-9]+-/, "-", c)
        k = $2 SUBSEP c SUBSEP st SUBSEP svc
        n[k]++
        if (!(k in first) || $8 + 0 < first[k]) first[k] = $8 + 0
        next
    }
    FILENAME ~ /patients/ && ($5 == "step2" || $5 == "step3") && $3 !~ /^pre/ {
        k = $2 SUBSEP "r" $2 "-" $3 SUBSEP $5 SUBSEP (NF == 23 ? $23 : "")
        rows[k] += $14
        if ($11 != "" && (!(k in start) || $11 + 0 < start[k])) start[k] = $11 + 0
    }
    END {
        bad = 0; cases = 0; resumed = 0
        for (k in rows) {
            cases++
            if (rows[k] != n[k] + 0) {
                if (bad++ < 5) { split(k, a, SUBSEP); printf "  %s %s %s: patients.csv %d sessions, events.csv %d\n", a[2], a[3], a[4], rows[k], n[k] + 0 }
            } else if ((k in first) && (!(k in start) || start[k] != first[k])) {
                if (bad++ < 5) { split(k, a, SUBSEP); printf "  %s %s %s: start_day %s, first session %s\n", a[2], a[3], a[4], start[k], first[k] }
            }
        }
        for (k in n) if (!(k in rows) && bad++ < 5) { split(k, a, SUBSEP); printf "  %s %s %s: sessions in the log, no row\n", a[2], a[3], a[4] }
        printf "%d case-steps compared, %d differ\n", cases, bad
        exit bad > 0 || cases < 100
    }' "$1/events.csv" "$1/patients.csv" >"$tmp/cmp" 2>&1
if [ $? -eq 0 ]; then ok "$2: $(tail -n 1 "$tmp/cmp"): sessions and starts agree"; else
    bad "$2: patients.csv against events.csv:"; sed 's/^/      /' "$tmp/cmp"; fi
}
sessions_agree "$tmp/set" "small.cfg"

# wait_for_step3_days_mean, the cohort's days on the step-3 list at their first step-3
# session, from the records: each cohort case's step-3 row that started first, start_day
# less queue_day (a course resumed after losing its clinician keeps its queue_day), averaged
# by replication, against replications.csv; within 1e-5 days, the records' six decimals.
step3_waits() {
    awk -F, 'FNR == 1 { next }
        FILENAME ~ /patients/ && $5 == "step3" && $8 == 1 && $11 != "" {
            k = $2 SUBSEP $3
            if (!(k in s) || $11 + 0 < s[k]) { s[k] = $11 + 0; w[k] = $11 - $10 }
            next }
        FILENAME ~ /replications/ && $3 == "wait_for_step3_days_mean" { m[$2] = $4 }
        END {
            for (k in w) { split(k, a, SUBSEP); sum[a[1]] += w[k]; n[a[1]]++ }
            bad = 0; reps = 0
            for (r in m) {
                reps++; got = n[r] ? sum[r] / n[r] : "none"
                printf "replication %s: metric %s, records %s (%d starters)\n", r, m[r], got, n[r]
                if (!n[r] || (m[r] - got > 1e-5 || got - m[r] > 1e-5)) bad++
            }
            exit bad > 0 || reps == 0 }' "$1/patients.csv" "$1/replications.csv"
}
if step3_waits "$tmp/set" >"$tmp/s3" 2>&1; then
    ok "wait_for_step3_days_mean is the records' step-3 waits: $(tr '\n' ';' <"$tmp/s3")"
else
    bad "wait_for_step3_days_mean against the records:"; sed 's/^/      /' "$tmp/s3"
fi
# A federation's files: every service's rows (tests/federation/three.cfg, small.cfg's base).
run run tests/federation/three.cfg -r 1 -q -o "$tmp/fed"
expect_rc 0 "run three.cfg, a federation, with patients.csv and events.csv"
sessions_agree "$tmp/fed" "three.cfg's three services"

# The case the rule is for must occur: a group course cut off by its facilitator leaving
# and resumed in another group (step2 sessions with two facilitators in one case).
resumed=$(awk -F, 'FNR > 1 && $5 == "step2_session" && $6 == "complete" {
        k = $2 SUBSEP $3; if (!(k in who)) who[k] = $9; else if (who[k] != $9) two[k] = 1 }
    END { n = 0; for (k in two) n++; print n }' "$tmp/set/events.csv")
check "courses resumed with another clinician occur ($resumed)" test "$resumed" -gt 0

# A holding-list letter is for the wait before treatment: one still on its way when a
# course under way loses its clinician is void, so no one is discharged by a letter after
# a session of the course they wait to resume (report_hold, wait_rejoin). small.cfg with
# its turnover and holding lists (a letter unanswered three times in ten), four
# replications; a stay on a step's list that follows that step's treatment is a rejoin.
run run tests/golden/small.cfg -r 4 -q --set reporting.holding_list_miss_probability=0.3 \
    -o "$tmp/hold"
expect_rc 0 "run small.cfg with holding lists"
awk -F, '
    FNR == 1 { next }
    $5 ~ /^step[23]_wait$/ && $6 == "start" {
        x = substr($5, 1, 5)
        if (prev[$3] != x "_treatment complete") held[$3, x] = 0 # a new stay on the list
        wait_of[$3] = x
    }
    $5 ~ /^step[23]_session$/ { held[$3, substr($5, 1, 5)]++ }
    $5 == "discharged_holding_list" {
        n++
        if (($3 in wait_of) && held[$3, wait_of[$3]] > 0 && bad++ < 5)
            printf "  %s: a letter after %d %s sessions\n", $3, held[$3, wait_of[$3]], wait_of[$3]
    }
    { prev[$3] = $5 " " $6 }
    END { printf "%d discharged by a letter, %d after a session of their course\n", n, bad
          exit bad > 0 || n < 100 }' "$tmp/hold/events.csv" >"$tmp/cmp" 2>&1
if [ $? -eq 0 ]; then ok "$(tail -n 1 "$tmp/cmp")"; else
    bad "holding-list letters:"; sed 's/^/      /' "$tmp/cmp"; fi

# The group's last session ends the course for everyone still in it (group_on_session): no
# one who attends it drops out there. expert_door.cfg (groups at step 2, 8 sessions), two
# replications of two years. Two passes: the first counts the people at each appointment
# time of a facilitator (a group meets when three or more share one); the second follows
# each case's step-2 episodes: one of group appointments that reaches the eighth (the
# group's last: members all join when it forms) must not end there dropped_in_treatment.
# The sanitizer pass runs one replication of one year (measured 123 such courses, 337 in
# the optimised pass's).
groups_size=$(if sanitizer_pass; then echo "-r 1 -s 7 -q --events --set horizon_weeks=52"
    else echo "-r 2 -s 7 -q --events --set horizon_weeks=104"; fi)
# shellcheck disable=SC2086 # groups_size is a word list
run run scenarios/expert_door.cfg $groups_size -o "$tmp/groups"
expect_rc 0 "run expert_door.cfg with events.csv"
awk -F, -v max=8 '
    FNR == 1 { next }
    NR == FNR { if ($5 == "step2_session" || $5 == "step2_dna") at[$2 SUBSEP $9 SUBSEP $8]++; next }
    $5 == "step2_treatment" && $6 == "start" { open[$3] = 1; n[$3] = 0; grp[$3] = 0; next }
    ($5 == "step2_session" || $5 == "step2_dna") && ($3 in open) {
        n[$3]++; if (at[$2 SUBSEP $9 SUBSEP $8] >= 3) grp[$3] = 1; next }
    $5 == "step2_treatment" && $6 == "complete" && ($3 in open) {
        delete open[$3]; if (grp[$3] && n[$3] == max) { last[$3] = $8; lasts++ }; next }
    $5 == "dropped_in_treatment" && ($3 in last) && last[$3] == $8 {
        if (bad++ < 5) printf "  %s dropped out at the last session of their group, day %s\n", $3, $8 }
    { delete last[$3] }
    END { printf "%d courses at the last session of a group, %d dropping out there\n", lasts, bad
          exit bad > 0 || lasts < 50 }' "$tmp/groups/events.csv" "$tmp/groups/events.csv" \
    >"$tmp/cmp" 2>&1
if [ $? -eq 0 ]; then ok "$(tail -n 1 "$tmp/cmp")"; else
    bad "the last session of a group:"; sed 's/^/      /' "$tmp/cmp"; fi
finish
