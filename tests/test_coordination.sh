#!/bin/sh
# Care coordination for complex needs (models/pw_coord.c; scenarios/care_coordinator.cfg:
# the baseline with four coordinators holding people at risk, with a specialist need or a
# learning disability; odds of a DNA x 0.7 and dropout x 0.75 while held). Seed fixed,
# R = 8 replications, paired replication by replication (common random numbers; 95% t
# interval of the differences, scripts/paired.awk):
# - off: a coordinator role with no one in post (headcount 0) gives the baseline's figures
#   byte for byte (every per-replication file but the scenario's name), and a scenario
#   without such a role writes no coordination files;
# - on, against the same scenario with no coordinator in post (the complex are counted the
#   same way, all without a coordinator): complex people's dropout (waiting or in
#   treatment) and their share of treatment appointments missed fall; nearly all of them
#   are held (coordinated + without = complex);
# - on, against the baseline: nothing before the assessment moves (a coordinator is
#   allocated after routing): first referrals are equal in every replication; and, with
#   relapse off (more finished courses bring more re-referrals to the assessment list:
#   over 40 replications with relapse on the wait for assessment moves +0.01 days
#   [-0.04, +0.06], not measurably, since natural history runs through a course's end
#   (2026-12-06, a836646); -0.02 [-0.08, +0.03] once a further group went only to a
#   facilitator whose hours hold their caseload; +0.07 [+0.02, +0.13], measurably, once
#   sessions moved out of groups' weeks; -0.005 [-0.07, +0.06] before that), referrals are
#   equal and the intervals of dropout before assessment, the wait for assessment and
#   signposting contain 0;
# - the coordinators' cost in costs.csv is the coordination figure, their utilisation and
#   places used are shares in (0, 1]; coordination.csv's replications are the same alone on
#   one thread as in a batch on two;
# - coordinators leaving (4 a year each): their people are passed on or left without
#   (lost_coordinator > 0), and the run ends cleanly, its dashboard with a coordination
#   section;
# - a coordination group with no coordinator role is refused (exit 2, file, line, key).
# The sanitizer pass runs R = 3 (the replications checked one by one below), 2 of the runs
# without relapse, each over two years, and leaves the intervals to the optimised pass
# (lib.sh: reps, statistical).
# Usage: tests/test_coordination.sh BUILD_DIR
set -u

name=test_coordination
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
awk_csv=$(cat "$top/scripts/csv.awk")
cc=scenarios/care_coordinator.cfg
R=$(reps 8 3)
# Two years in the sanitizer pass: the same code, counts and identities (none of the checks
# there needs five years; most complex people held, measured 90.8% to 92.2% of them).
short=$(if sanitizer_pass; then echo "--set horizon_weeks=104"; fi)

# fig DIR METRIC REP: a coordination.csv value.
fig() {
    awk -v m="$2" -v r="$3" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("metric")] == m && f[col("replication")] == r { print f[col("value")] }' \
        "$1/coordination.csv"
}
# cost DIR ROLE REP: costs.csv's total for a role.
cost() {
    awk -v g="$2" -v r="$3" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("role")] == g && f[col("item")] == "total" && f[col("replication")] == r {
            print f[col("value_gbp")] }' "$1/costs.csv"
}
# body FILE: the rows without the header and the scenario's name (quoted, first field).
body() { sed -e 1d -e 's/^"[^"]*",//' -e 's/^[^",]*,//' "$1"; }

run run scenarios/baseline.cfg -r $R -j 1 -q $short -o "$tmp/base"
expect_rc 0 "baseline"
run run "$cc" -r $R -j 1 -q $short -o "$tmp/none" --set staff.coordinator.headcount=0
expect_rc 0 "a coordinator role with no one in post"
run run "$cc" -r $R -j 2 -q $short -o "$tmp/on"
expect_rc 0 "care_coordinator.cfg, two threads"
# shellcheck disable=SC2086 # short is a word list
run run "$cc" -r 2 -j 1 -q $short -o "$tmp/on1"
expect_rc 0 "care_coordinator.cfg, two replications on one thread"

echo "== off: no coordinator in post is the baseline"
for f in replications.csv flow.csv waits.csv recovery.csv subgroups.csv; do
    body "$tmp/none/$f" >"$tmp/none.body"
    if body "$tmp/base/$f" | cmp -s - "$tmp/none.body"; then
        ok "$f: the same figures as the baseline"
    else
        bad "$f: differs from the baseline's with no coordinator in post"
    fi
done
check "no coordination files without a coordinator role" \
    test ! -e "$tmp/base/coordination.csv" -a ! -e "$tmp/base/coordination_summary.csv"
check "coordination files with one" test -s "$tmp/none/coordination.csv" -a -s "$tmp/on/coordination_summary.csv"
# first2 FILE: the header and the rows of replications 0 and 1.
first2() {
    awk "$awk_csv"'NR == 1 { header($0); print; next } { csv($0, f) }
        f[col("replication")] < 2' "$1"
}
first2 "$tmp/on/coordination.csv" >"$tmp/on.first2"
check "coordination.csv: replications 0 and 1 the same bytes alone on one thread as in a batch on two" \
    cmp -s "$tmp/on.first2" "$tmp/on1/coordination.csv"

echo "== on: complex people held drop out less and miss fewer appointments"
d=$(paired "$tmp/none" "$tmp/on" complex_dropout_share coordination.csv)
statistical check "complex people's dropout falls (difference $d)" below "$d"
d=$(paired "$tmp/none" "$tmp/on" complex_dna_share coordination.csv)
statistical check "complex people's share of appointments missed falls (difference $d)" below "$d"
d=$(paired "$tmp/none" "$tmp/on" without_coordinator coordination.csv)
statistical check "fewer complex people go without a coordinator (difference $d)" below "$d"
for r in 0 1 2; do
    n=$(fig "$tmp/on" complex_referrals $r)
    c=$(fig "$tmp/on" coordinated $r)
    w=$(fig "$tmp/on" without_coordinator $r)
    check "replication $r: coordinated $c + without $w = complex $n" test $((c + w)) -eq "$n"
    check "replication $r: most complex people held ($c of $n)" test $((10 * c)) -gt $((9 * n))
    w0=$(fig "$tmp/none" without_coordinator $r)
    n0=$(fig "$tmp/none" complex_referrals $r)
    check "replication $r, no one in post: all $n0 complex go without ($w0)" test "$w0" -eq "$n0"
done

echo "== on: nothing before the assessment moves"
first_referrals "$tmp/base" >"$tmp/fr_base"
first_referrals "$tmp/on" >"$tmp/fr_on"
check "first referrals equal in every replication" cmp -s "$tmp/fr_base" "$tmp/fr_on"
# More courses finished bring more re-referrals (to the assessment list): without relapse,
# the assessment's figures may move only through the staff's burnout, which the
# coordinators do not reach, so each difference is 0 in expectation: lib.sh's
# no_difference (the mean within twice its half-width of 0: a correct model fails with
# probability 2e-3 at 8 replications), each half-width at most a tenth of a point of a
# share or a quarter of a day of the wait, so that a move of 0.3 points or 0.75 days
# fails. Measured -0.003 points [-0.009, +0.003], -0.02 days [-0.07, +0.03] and +0.001
# points [-0.0002, +0.002]. The check asked before that each interval hold 0, which any
# change fails by chance one time in twenty (the last was 0.0002 points from failing).
norelapse="--set relapse.probability_recovered=0 --set relapse.probability_unrecovered=0"
Rn=$(reps "$R" 2) # 2 in the sanitizer pass: referrals equal holds in each replication
run run scenarios/baseline.cfg -r $Rn -j 1 -q $short -o "$tmp/base_nr" $norelapse
expect_rc 0 "baseline, no relapse"
run run "$cc" -r $Rn -j 1 -q $short -o "$tmp/on_nr" $norelapse
expect_rc 0 "care_coordinator.cfg, no relapse"
d=$(paired "$tmp/base_nr" "$tmp/on_nr" referrals)
check "no relapse: referrals equal in every replication ($d)" test "$d" = "0 0 0"
for m in dropout_before_assessment_share:0.001 wait_to_assessment_days_mean:0.25 \
    signposted_share:0.001; do
    d=$(paired "$tmp/base_nr" "$tmp/on_nr" "${m%%:*}")
    statistical check "no relapse: ${m%%:*} does not move ($d; half-width at most ${m#*:})" \
        no_difference "$d" "${m#*:}"
done

echo "== the coordinators' cost and time"
for r in 0 1; do
    a=$(cost "$tmp/on" coordinator $r)
    b=$(fig "$tmp/on" coordinator_cost_gbp $r)
    check "replication $r: costs.csv's coordinator total ($a) is coordinator_cost_gbp ($b)" \
        test -n "$a" -a "$a" = "$b"
    for m in coordinator_utilisation coordinator_places_used_share; do
        v=$(fig "$tmp/on" $m $r)
        check "replication $r: $m in (0, 1] ($v)" awk -v v="$v" 'BEGIN { exit !(v > 0 && v <= 1) }'
    done
done

echo "== coordinators leaving"
# shellcheck disable=SC2086 # short is a word list
run run "$cc" -r 1 $short -o "$tmp/leave" --set staff.coordinator.leave_per_year=4
expect_rc 0 "coordinators leaving four times a year"
check "the dashboard has a care coordination section" grep -q "^CARE COORDINATION" "$tmp/out"
l=$(fig "$tmp/leave" lost_coordinator 0)
check "some people left without when their coordinator went ($l)" test "${l:-0}" -gt 0

echo "== refused"
run check tests/bad/coordination_no_role.cfg
expect_rc 2 "a coordination group with no coordinator role"
expect_err 'coordination_no_role.cfg:4: coordination: is set but no role does "coordination"' \
    "the message names file, line and key"
finish
