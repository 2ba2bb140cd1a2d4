#!/bin/sh
# Gaps between a person's sessions: how long someone in a course waits from one step-2
# appointment to the next, and the sessions moved to make room (moved_sessions).
# - A facilitator takes on a group beside hours already held only while the hours left hold
#   their one-to-one caseload at the rate their cap allows (kept_hours, models/pw_group.c).
#   When a second or third group could take all but a session's time, a PWP with two groups
#   kept some fifty people in six hours a week, and their sessions came months apart. Now a
#   long gap is mostly a clinician's absence (sessions missed while off sick): in one
#   replication of six years (the fixed seed below), of the step-2 appointments more than 90
#   days after the person's one before, those whose clinician held a session in every two
#   weeks running between them are fewer than half, at 95% by the binomial from the run's
#   own counts (measured on 3b61e0a: 6 of 29, a chance of 0.0012 at a half each; the first
#   six replications of seed 1: 0 to 10 of 11 to 91). The old rule (kept_hours without the
#   caseload's share, checked on 3b61e0a) gives 93 of 113 and fails; on a836646 it gave 212
#   of 255. This check was "at most 30" without an absence. The few without (traced on
#   35cd572) are mostly new PWPs' first weeks: one ramping up at 5.4 of 14.4 hours, already
#   holding 26 people one to one, ran a first group of 4 hours (a first group takes any
#   hours it fits in, kept_hours in models/pw_group.c), which left 2.3 hours a week for 29
#   people: a booked session moved 70 days, the next booking went 105 days out, until the
#   ramp-up's hours caught up. Left as it is: a rule that kept a first group from a ramping
#   starter would move every figure for a handful of gaps.
# - The front door's extra clinics start flex_lead_weeks after they take their hours from
#   treatment: the sessions booked before then are held, and only those in weeks from the
#   clinics' start that no longer have their time move. With the lead at 26 weeks and no
#   groups (nothing else moves sessions in the baseline), no booking lies that far ahead,
#   so nothing moves (measured 0 over 2 replications of six years); moving from the
#   review's day, as before 2026-12-06, moved 208.5 a replication.
# - The dashboard's Moved line and moved_sessions agree, and the baseline moves some
#   (groups forming over booked weeks).
# - workforce.reallocate_after_sick_days: a sickness of 28 days hands the clinician's
#   caseload to others, so no one waits on the same clinician through more than the 4
#   weeks (below); at 0 every result is as with the key unset.
# The sanitizer pass runs two years, not six, and leaves the binomial check to the
# optimised pass (lib.sh: statistical).
# Usage: tests/test_gaps.sh BUILD_DIR
set -u

name=test_gaps
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
awk_csv=$(cat "$top/scripts/csv.awk")
H=312 # weeks: six years
sanitizer_pass && H=104

run run scenarios/baseline.cfg -r 1 -s 1 --events --set horizon_weeks=$H -o "$tmp/base"
expect_rc 0 "the baseline, six years, with events.csv"
cp "$tmp/out" "$tmp/base.txt"
# gaps DIR: "long without spans", of DIR/events.csv: step-2 appointments over 90 days after
# the person's one before (a course start resets it); of those the ones whose clinician
# held a session in every two weeks running between them; and the person's consecutive
# step-2 appointments with the same clinician between which that clinician held no session
# in more than 4 whole weeks running. Pass 1 reads the weeks each clinician held a session
# or saw one missed; the appointments and course starts alone are read (a tenth of the file).
gaps() {
    grep -E '^scenario,|,step[23]_(session|dna|treatment),' "$1/events.csv" >"$tmp/appts.csv"
    awk -v limit=90 "$awk_csv"'
        FNR == 1 { header($0); next }
        {
            csv($0, f)
            a = f[col("activity")]
            if (a ~ /_treatment$/ && f[col("lifecycle")] != "start")
                next
            r = f[col("replication")]
            k = r SUBSEP f[col("case_id")]
            d = f[col("day")] + 0
            c = f[col("resource")]
        }
        NR == FNR { if (a !~ /_treatment$/) seen[r, c, int(d / 7)] = 1; next }
        a ~ /_treatment$/ { delete last[k]; next }
        a ~ /^step2_/ {
            if ((k in last) && (d - last[k] > limit ||
                c == by[k] && int(d / 7) - int(last[k] / 7) > 5)) {
                run = best = 0
                for (w = int(last[k] / 7) + 1; w < int(d / 7); w++) {
                    run = ((r, c, w) in seen) ? 0 : run + 1
                    if (run > best) best = run
                }
                if (d - last[k] > limit) {
                    long++
                    away += best >= 2
                }
                spans += c == by[k] && best > 4
            }
            last[k] = d
            by[k] = c
        }
        END { print long + 0, long - away, spans + 0 }' "$tmp/appts.csv" "$tmp/appts.csv"
}
# below_half K N: K of N is fewer than half at 95%, one-sided: the chance of K or fewer of N
# at a half each, sum of C(N, i) / 2^N for i <= K (summed in logs), under 0.05. Exact, so
# it holds for few gaps as for many; no N (no gaps) fails.
below_half() {
    awk -v k="$1" -v n="$2" 'BEGIN { if (n !~ /^[0-9]+$/ || k !~ /^[0-9]+$/ || n + 0 < 1) exit 1
        lt = -n * log(2); p = 0
        for (i = 0; i <= k; i++) { p += exp(lt); lt += log((n - i) / (i + 1)) }
        exit !(p < 0.05) }'
}
gaps=$(gaps "$tmp/base")
set -- $gaps
echo "   step-2 appointments over 90 days after the one before: ${1:-?}, ${2:-?} without an absence"
statistical check "a step-2 gap over 90 days is mostly a clinician's absence (those without, fewer than half at 95%)" \
    below_half "${2:-x}" "${1:-x}"
check "and the check sees such gaps (absences happen)" \
    awk -v n="${1:-0}" 'BEGIN { exit !(n > 0) }'
spans0=${3:-x}

# The dashboard's count is the metric's (replications.csv, summed over replications).
mv=$(sed -n 's/^  Moved: \([0-9,]*\) session.*/\1/p' "$tmp/base.txt" | tr -d ,)
echo "   moved: dashboard $mv, moved_sessions $(rep_sum "$tmp/base" moved_sessions)"
check "groups forming over booked weeks move sessions: the Moved line, as moved_sessions" \
    awk -v a="$(rep_sum "$tmp/base" moved_sessions)" -v b="${mv:-x}" \
    'BEGIN { exit !(b != "x" && b > 0 && a == b) }'

# A long sickness's caseload handed to others after 28 days: sickness starts at a weekly
# round (a week's first day) and the caseload goes 28 days on, at the round 4 weeks later,
# so no one waits on the same clinician through more than those 4 whole weeks without
# their sessions (spans in gaps); only two absences back to back, or someone handed on
# given back to the same clinician on their return, could make one. Without the handover,
# a longer absence keeps its caseload waiting. Measured on 3b61e0a, seed 1, six
# replications of six years: with the handover 0 in each; without it 126 (this
# replication), 206, 138, 224, 193 and 258. Handing on after 35 days (5 weeks) instead
# fails the check. This check was the long gaps falling in the one replication (20 against
# 29): the replications' long gaps cluster by absence (29, 91, 28, 11, 11, 61 without the
# handover; 20, 16, 3, 4, 0, 4 with), too few and too bunched for one replication's counts
# to show a fall. At 0 (never) every result is as with the key unset.
run run scenarios/baseline.cfg -r 1 -s 1 --events --set horizon_weeks=$H -o "$tmp/handover" \
    --set workforce.reallocate_after_sick_days=28
expect_rc 0 "the same, a long sickness's caseload handed to others after 28 days"
set -- $(gaps "$tmp/handover")
echo "   with the handover: ${1:-?} over 90 days (${gaps%% *} without it); waits on one clinician" \
    "through more than 4 weeks without their sessions: ${3:-?} (${spans0} without it)"
check "handing a long sickness's caseload on: no one waits on a clinician through more than 4 weeks off" \
    test "${3:-x}" = 0
check "and without it, some do (the check sees them)" \
    awk -v n="$spans0" 'BEGIN { exit !(n > 0) }'
run run scenarios/baseline.cfg -r 1 -s 1 -q --set horizon_weeks=$H -o "$tmp/never" \
    --set workforce.reallocate_after_sick_days=0
expect_rc 0 "the same, never handed on"
# Results alike but for the scenario's name, which carries the --set.
sed 's/^"[^"]*",//' "$tmp/base/replications.csv" >"$tmp/a"
sed 's/^"[^"]*",//' "$tmp/never/replications.csv" >"$tmp/b"
check "reallocate_after_sick_days = 0: every replication's metric as unset" cmp -s "$tmp/a" "$tmp/b"

run run scenarios/baseline.cfg -r "$(reps 2 1)" -q --set horizon_weeks=$H -o "$tmp/lead26" \
    --set 'step2.mode_shares={face_to_face=0.5;telephone=0.5;group=0.0;}' \
    --set assessment.flex_lead_weeks=26
expect_rc 0 "no groups, the extra clinics 26 weeks after their hours"
m26=$(metric "$tmp/lead26" moved_sessions)
x26=$(metric "$tmp/lead26" assessment_extra_share)
echo "   no groups, lead 26 weeks: moved_sessions $m26, extra clinics' share of slots $x26"
check "the clinics ran" awk -v x="${x26:-0}" 'BEGIN { exit !(x > 0) }'
check "sessions booked before the clinics start are held: none moved" test "${m26:-x}" = 0

finish
