#!/bin/sh
# The integrated long-term-condition pathway (ltc_pathway) moves what it should and nothing
# else, on the same referrals: tests/explore/quarter.cfg, `stepsim compare` (common random
# numbers, paired replication by replication, Student-t 95% intervals of the differences;
# compare_subgroups.csv for the long-term-condition rows), R = 10 replications.
# - Off (enabled = false) with every other key of the group set: byte for byte the run
#   without the group, and no entered_ltc_pathway row in flow.csv.
# - With a third of referrals having a long-term condition (so that the effects are plain),
#   caps that courses reach (3 sessions at step 2, 4 at step 3), spare capacity (30 PWPs, 20
#   HITs: no one waits long, so one group's longer courses cannot lengthen another's wait)
#   and burnout's effect off (busier clinicians would treat everyone a little worse):
#   - the pathway's own caps (8 and 10 sessions): people with a long-term condition have
#     more sessions (the CI of the difference above 0), and recover more (true);
#   - effect_factor = 1.5: they recover more (true recovery, CI above 0);
#   - dropout_factor = 0.5, and dna_factor = 0.5: fewer of them are lost in treatment
#     (CI below 0);
#   - minutes_factor = 1.5: the same sessions take more PWP time (step-2 utilisation up);
#   - for caps, effect and dropout, people without a long-term condition do not move: their
#     true recovery, sessions and true six-week figure all have CIs that hold 0; nor does
#     anyone's first referral (equal in every replication), under any of the five.
#   - entered_ltc_pathway (flow.csv) is counted when the pathway runs: in every replication
#     more than 0 and no more than those entering treatment.
# - The expert door with its ltc_pathway signposting (long-term condition and high need out
#   to a pathway elsewhere): with the service's own pathway on, no one is signposted_ltc,
#   signposting falls (CI below 0) and more enter treatment (CI above 0).
# The sanitizer pass runs 2 replications a run and leaves the intervals to the optimised
# pass (lib.sh: reps, statistical).
# Usage: tests/test_ltc.sh BUILD_DIR
set -u

name=test_ltc
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
awk_csv=$(cat "$top/scripts/csv.awk")
q=tests/explore/quarter.cfg
R=$(reps 10)

# sub_diff DIR SCENARIO SUBGROUP METRIC: the same for a subgroup (compare_subgroups.csv).
sub_diff() {
    awk -v s="$2" -v g="$3" -v m="$4" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("scenario")] == s && f[col("subgroup")] == g && f[col("metric")] == m {
            print f[col("diff_mean")], f[col("diff_ci_low")], f[col("diff_ci_high")] }' \
        "$1/compare_subgroups.csv"
}
# first_referrals DIR: per replication, referrals less re-referrals (flow.csv).
first_referrals() {
    awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("kind")] == "stage" && f[col("name")] == "referred" { n[f[col("replication")]] += f[col("count")] }
        f[col("kind")] == "stage" && f[col("name")] == "re_referred" { n[f[col("replication")]] -= f[col("count")] }
        END { for (r = 0; r in n; r++) print r, n[r] }' "$1/flow.csv"
}
# stage DIR NAME: "replication count" of a stage, one line a replication (flow.csv).
stage() {
    awk -v e="$2" "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("kind")] == "stage" && f[col("name")] == e { print f[col("replication")], f[col("count")] }' \
        "$1/flow.csv"
}

# Scenario files: quarter.cfg with an ltc_pathway group in its overrides (the same name, so
# that files compare byte for byte: --set would add itself to the name).
cp scenarios/baseline.cfg "$tmp/baseline.cfg"
mk() {
    sed -e 's|@include "../../scenarios/baseline.cfg"|@include "baseline.cfg"|' \
        -e "s|^overrides = {|overrides = { ltc_pathway = { $2 };|" "$q" >"$tmp/$1.cfg"
}

echo "== off: byte for byte the run without the group"
mk off_set "enabled = false; step2_sessions = 9; step3_sessions = 20; minutes_factor = 2.0; \
effect_factor = 2.0; dna_factor = 0.1; dropout_factor = 0.1;"
run run "$q" -r "$(reps 4)" -q -o "$tmp/none"
expect_rc 0 "no ltc_pathway settings"
run run "$tmp/off_set.cfg" -r "$(reps 4)" -q -o "$tmp/off"
expect_rc 0 "ltc_pathway off, every other key set"
same_outputs "$tmp/none" "$tmp/off" off
check "off: flow.csv has no entered_ltc_pathway row" \
    test -z "$(stage "$tmp/off" entered_ltc_pathway)"

echo "== on: paired against off"
mk off "enabled = false;"
mk cap "enabled = true; step2_sessions = 8; step3_sessions = 10;"
mk effect "enabled = true; effect_factor = 1.5;"
mk dropout "enabled = true; dropout_factor = 0.5;"
mk dna "enabled = true; dna_factor = 0.5;"
mk minutes "enabled = true; minutes_factor = 1.5;"
run compare "$tmp/off.cfg" "$tmp/cap.cfg" "$tmp/effect.cfg" "$tmp/dropout.cfg" "$tmp/dna.cfg" \
    "$tmp/minutes.cfg" -r $R -j 2 -q -o "$tmp/cmp" \
    --set casemix.long_term_condition_share=0.3 --set step2.max_sessions=3 \
    --set step3.max_sessions=4 --set step2.min_sessions=2 --set step3.min_sessions=2 \
    --set staff.pwp.headcount=30 --set staff.hit.headcount=20 --set workforce.burnout_effect=0
expect_rc 0 "compare off, cap, effect, dropout, dna, minutes"
c=$tmp/cmp
d=$(sub_diff "$c" cap long_term_condition sessions_mean_entered)
echo "   caps 8 and 10: sessions a person entering treatment, long-term condition $d"
statistical check "higher caps: people with a long-term condition have more sessions" above "$d"
d=$(sub_diff "$c" cap long_term_condition recovery_rate_true)
echo "   caps 8 and 10: their true recovery $d"
statistical check "higher caps: they recover more (true)" above "$d"
d=$(sub_diff "$c" effect long_term_condition recovery_rate_true)
echo "   effect x 1.5: their true recovery $d"
statistical check "effect_factor 1.5: they recover more (true)" above "$d"
for v in dropout dna; do
    d=$(sub_diff "$c" $v long_term_condition dropout_in_treatment_share)
    echo "   ${v}_factor 0.5: their loss in treatment $d"
    statistical check "${v}_factor 0.5: fewer of them are lost in treatment" below "$d"
done
d=$(compare_diff "$c" minutes utilisation_step2)
echo "   minutes x 1.5: step-2 utilisation $d"
statistical check "minutes_factor 1.5: their sessions take more PWP time" above "$d"
# People without a condition share the PWPs' diaries with those on the pathway, but with
# the spare capacity above no one waits long, so their true recovery, sessions and true
# six-week figure are 0 in expectation but for what the others' courses do to the diaries'
# gaps. Measured at 200 paired replications (2026-12-07): recovery -0.00 points [-0.06,
# +0.06], +0.05 [-0.01, +0.10], +0.04 [-0.02, +0.10] (caps, effect, dropout); sessions
# -0.002 [-0.004, +0.000], -0.002 [-0.003, +0.000], -0.002 [-0.004, -0.000]; six-week
# figure -0.01 points [-0.04, +0.03], +0.00 [-0.03, +0.03], +0.01 [-0.02, +0.05]. Their
# spread gives the half-widths to expect at 10 replications: 0.29, 0.28 and 0.30 points;
# 0.010, 0.010 and 0.011 sessions; 0.18, 0.16 and 0.18 points; any move above is at most
# two fifths of them. So each is lib.sh's no_difference (the mean within twice its
# half-width of 0: a correct model fails with probability 2e-3 at 10 replications, 3e-3
# with a move of two fifths of the half-width) with the half-width bound H about twice the
# widest to expect (0.6 points, 0.025 sessions, 0.4 points), which a
# correct model exceeds with probability 4e-5 (chi-square, 9 degrees of freedom): a move
# of 3H (1.8 points of recovery, 0.075 sessions, 1.2 points of the six-week figure) fails
# with probability 97.5%, against the pathway's own several points for the people it
# names. Recovery was "within a point" (chosen, after 10 replications of the caps gave
# -0.28 points [-0.50, -0.06], taken for a real move by capacity: 200 give -0.00), the
# others "the interval holds 0", which fails one unchanged figure in twenty by chance.
for v in cap effect dropout; do
    for m in recovery_rate_true:0.006 sessions_mean_entered:0.025 within_6_weeks_true:0.004; do
        d=$(sub_diff "$c" $v no_long_term_condition "${m%%:*}")
        statistical check "$v: people without a long-term condition, ${m%%:*} does not move ($d; half-width at most ${m#*:})" \
            no_difference "$d" "${m#*:}"
    done
done
first_referrals "$c/off" >"$tmp/r_off"
check "off: first referrals read" test -s "$tmp/r_off"
for v in cap effect dropout dna minutes; do
    first_referrals "$c/$v" >"$tmp/r_$v"
    check "$v: the same first referrals in every replication" cmp -s "$tmp/r_off" "$tmp/r_$v"
done
stage "$c/cap" entered_ltc_pathway >"$tmp/ltc"
stage "$c/cap" entered_treatment >"$tmp/ent"
echo "   entered_ltc_pathway / entered_treatment a replication:" \
    "$(paste -d/ "$tmp/ltc" "$tmp/ent" | awk '{ printf " %s", $0 }' | cut -c1-60) ..."
check "entered_ltc_pathway: a row a replication" test "$(wc -l <"$tmp/ltc")" -eq $R
check "entered_ltc_pathway: in every replication 0 < it <= entered_treatment" \
    awk 'NR == FNR { n[$1] = $2; next } !(n[$1] > 0 && n[$1] <= $2) { bad = 1 }
         END { exit bad }' "$tmp/ltc" "$tmp/ent"

echo "== the expert door keeps them in the service when it runs the pathway"
cat >"$tmp/door.cfg" <<'EOF'
@include "baseline.cfg"
overrides = {
    name = "quarter, expert at the door, LTC and high need signposted";
    horizon_weeks = 52.0; warmup_weeks = 26.0; followup_weeks = 13.0;
    referrals = { per_week = 60.0; };
    prefill = { assessment_list = 0; step2_list = 0; step3_list = 0; caseload_fill = 0.0; };
    policy = "expert_door";
    staff = {
        pwp = { headcount = 5; does = ["step2", "groups"]; assessments_per_week = 0.0; };
        hit = { headcount = 11; };
        senior = { headcount = 4; fte = 1.0; clinical_hours_per_week = 30.0; caseload_cap = 1;
                   does = ["assessment"]; assessments_per_week = 18.0; band = 8;
                   therapist_effect_sd = 0.0; need_accuracy = 0.95; };
    };
    policy_params = { expert_door = { assessor = "senior"; ltc_pathway = true; }; };
};
EOF
sed 's|^overrides = {|overrides = { ltc_pathway = { enabled = true; };|' "$tmp/door.cfg" \
    >"$tmp/door_in.cfg"
run compare "$tmp/door.cfg" "$tmp/door_in.cfg" -r $R -j 2 -q -o "$tmp/door"
expect_rc 0 "compare the expert door with and without the in-service pathway"
n0=$(exits "$tmp/door/door" signposted_ltc)
n1=$(exits "$tmp/door/door_in" signposted_ltc)
echo "   signposted_ltc: $n0 without the in-service pathway, $n1 with it"
check "expert door: without the in-service pathway, some are signposted_ltc" test "$n0" -gt 0
check "expert door: with it, no one is" test "$n1" -eq 0
d=$(compare_diff "$tmp/door" door_in signposted_share)
e=$(compare_diff "$tmp/door" door_in entered_treatment_share)
echo "   signposted $d; entered treatment $e"
statistical check "expert door: fewer signposted" below "$d"
statistical check "expert door: more enter treatment" above "$e"
finish
