#!/bin/sh
# The decision tools end to end, on tests/explore/quarter.cfg (a quarter of the baseline):
# - sweep: one row per point and metric; a point equals `run --set` at the same values,
#   number for number (every point runs on the same random numbers); the same bytes on
#   one thread and on two; a Latin hypercube puts one point in each stratum of each range;
# - solve: the same answer as --exhaustive (every grid point decided at full
#   replications by the same rule), with fewer simulations;
# - sensitivity: Morris and Sobol tables of the documented shape;
# - run --precision: the CI half-width it stops at is within the target, one replication
#   fewer than the first meeting does not meet it, and the count is the same on any -j;
# - run prints an MSER-5 warm-up suggestion; usage errors exit 2 naming the problem.
# The sanitizer pass runs the searches at 2 replications a point and leaves the comparison
# of their answers to the optimised pass (lib.sh: reps, statistical).
# Usage: tests/test_explore.sh BUILD_DIR
set -u

name=test_explore
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
awk_csv=$(cat "$top/scripts/csv.awk")
q=tests/explore/quarter.cfg

# value FILE METRIC [POINT]: a metric's mean in summary.csv (or a point's in sweep.csv).
value() {
    awk -v m="$2" -v pt="${3:-}" "$awk_csv"'
        NR == 1 { header($0); cm = col("metric"); cp = colix["point"]; cv = col("mean"); next }
        { csv($0, f) }
        f[cm] == m && (pt == "" || f[cp] == pt) { print f[cv]; exit }' "$1"
}

# same_stats SWEEP_CSV POINT SUMMARY_CSV: every metric's mean, sd, ci_low, ci_high, p10, p50,
# p90 and count at a sweep point against summary.csv's, text for text; prints "N metrics,
# M differ" and each that differs.
same_stats() {
    awk -v pt="$2" "$awk_csv"'
        FNR == 1 { header($0); nf++; next }
        { csv($0, f); c = col(nf == 1 ? "replications" : "n") }
        { row = f[col("mean")] "," f[col("sd")] "," f[col("ci_low")] "," f[col("ci_high")] "," \
              f[col("p10")] "," f[col("p50")] "," f[col("p90")] "," f[c] }
        nf == 1 && f[col("point")] == pt { s[f[col("metric")]] = row }
        nf == 2 { n++; m = f[col("metric")]; if (s[m] != row) { bad++; print m ": sweep " s[m] ", run " row } }
        END { print n + 0 " metrics, " bad + 0 " differ" }' "$1" "$3"
}

echo "== sweep"
run sweep "$q" --vary staff.pwp.headcount=9:11 --vary staff.hit.headcount=5,6 -r 3 -j 2 \
    --metrics within_6_weeks_true,recovery_rate_true,cost_per_year_gbp -q -o "$tmp/sw2"
expect_rc 0 "sweep a 3 x 2 grid"
check "sweep.csv: 6 points x 3 metrics + header" test "$(wc -l <"$tmp/sw2/sweep.csv")" -eq 19
check "sweep.csv: the varied keys are columns" \
    grep -q '^scenario,point,staff.pwp.headcount,staff.hit.headcount,metric,mean,' "$tmp/sw2/sweep.csv"
run sweep "$q" --vary staff.pwp.headcount=9:11 --vary staff.hit.headcount=5,6 -r 3 -j 1 \
    --metrics within_6_weeks_true,recovery_rate_true,cost_per_year_gbp -o "$tmp/sw1"
cp "$tmp/out" "$tmp/sw1.txt"
check "sweep: the same bytes on one thread and on two" cmp -s "$tmp/sw1/sweep.csv" "$tmp/sw2/sweep.csv"
check "sweep's table names metrics by their labels (out_metric_label)" sh -c \
    "grep -q '^    Treated within 6 weeks, true: of all referrals  *[0-9.]*%' '$tmp/out' &&
     grep -q '^    Staff cost a year  ' '$tmp/out'"
check "sweep's closing line says sweep.csv holds the metrics of --metrics, not every metric" \
    grep -q 'sweep.csv: the metrics of --metrics at every point' "$tmp/out"
# Point 3 is pwp 10, hit 6: the scenario as it stands.
run run "$q" -r 3 -q -o "$tmp/plain" --set staff.pwp.headcount=10 --set staff.hit.headcount=6
for m in within_6_weeks_true recovery_rate_true; do
    a=$(value "$tmp/sw2/sweep.csv" "$m" 3)
    b=$(value "$tmp/plain/summary.csv" "$m")
    if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "sweep point = run --set: $m $a"; else bad "sweep point $m '$a' vs run '$b'"; fi
done
check "manifest.json lists sweep.csv" grep -q '"name": "sweep.csv"' "$tmp/sw2/manifest.json"
# The table's paired difference from point 0: its mean is the difference of the points'
# means, in percentage points, at every point and for both shares (the differences here
# are small, so all ten must agree, each to its printed tenth).
same=0 shown=""
for k in 1 2 3 4 5; do
    for m in within_6_weeks_true recovery_rate_true; do
        case $m in within*) l='Treated within 6 weeks, true' ;; *) l='Recovery, true' ;; esac
        a0=$(value "$tmp/sw1/sweep.csv" "$m" 0)
        ak=$(value "$tmp/sw1/sweep.csv" "$m" "$k")
        want=$(awk -v a="$a0" -v b="$ak" 'BEGIN { d = 100 * (b - a); printf "%s%.1f", d < 0 ? "-" : "+", d < 0 ? -d : d }')
        got=$(awk -v k="$k" -v l="$l" '$1 == "point" { p = ($2 == k ":"); next }
            p && index($0, l) { getline; if ($1 == "vs") print $4 }' "$tmp/sw1.txt")
        [ -n "$got" ] && [ "$got" = "$want" ] && same=$((same + 1))
        shown="$shown $k:$got"
    done
done
check "sweep's 'vs point 0' is the difference of the points' means at every point ($same of 10:$shown)" \
    test "$same" -eq 10

# run's warnings at each point, under it, as run prints them at that point (quarter.cfg with
# 5 PWPs: its lists end the warm-up outside their window's range).
# (2 replications in both passes: 5 PWPs warn there too, so the equality can fail.)
R3=2
run sweep "$q" --vary staff.pwp.headcount=5,10 -r "$R3" -j 2 --metrics within_6_weeks_true -o "$tmp/swwarn"
expect_rc 0 "sweep with a starved point"
awk '/^point 0:/ { p = 1; next } /^point/ { p = 0 } p && /^    ! / { sub(/^    ! /, ""); print }' "$tmp/out" >"$tmp/sw_warn0"
run run "$q" --set staff.pwp.headcount=5 -r "$R3" -j 2 -o "$tmp/rwarn"
awk 'NF == 0 { p = 0 } / warning[^:]*:/ && !/^ / { p = 1 } /^[^ ]/ && !/ warning[^:]*:/ { p = 0 } p' "$tmp/out" >"$tmp/run_warn0"
check "sweep: a point's warnings are run's at that point" cmp -s "$tmp/run_warn0" "$tmp/sw_warn0"
check "and there are some" test -s "$tmp/run_warn0"
# With -q there is no table, and the warnings go to stderr under their point, as run -q
# gives its own (a scripted sweep said nothing of them).
run sweep "$q" --vary staff.pwp.headcount=5,10 -r "$R3" -j 2 -q --metrics within_6_weeks_true -o "$tmp/swwarnq"
expect_rc 0 "sweep -q with a starved point"
awk '/^point 0:/ { p = 1; next } /^point/ { p = 0 } p && /^    / { sub(/^    /, ""); print }' "$tmp/err" >"$tmp/sw_warn0q"
check "sweep -q: a point's warnings on stderr, as run's at that point" cmp -s "$tmp/run_warn0" "$tmp/sw_warn0q"
check "and nothing on stdout" test ! -s "$tmp/out"

# A stepped range's points are the decimals meant: 0.1 + 2 x 0.1 is 0.30000000000000004 in
# binary, which the sweep once printed and ran; the point is 0.3 as --set reads it, and
# its every figure is run's (the empty metric recovery_rate_true_late too: its sd was 0 in
# sweep.csv, empty in summary.csv).
run sweep "$q" --vary assessment.opt_in_probability=0.1:0.3:0.1 -r 2 -j 2 -o "$tmp/swdec"
expect_rc 0 "sweep a stepped decimal range"
check "its third point prints as 0.3" grep -q '^point 2: assessment.opt_in_probability=0.3$' "$tmp/out"
check "and sweep.csv holds 0.3" grep -q '^quarter,2,0.3,' "$tmp/swdec/sweep.csv"
run run "$q" --set assessment.opt_in_probability=0.3 -r 2 -j 2 -q -o "$tmp/rdec"
same=$(same_stats "$tmp/swdec/sweep.csv" 2 "$tmp/rdec/summary.csv")
check "point 0.3 = run --set ...=0.3, every statistic of every metric ($(echo "$same" | tail -n 1))" \
    sh -c "echo '$same' | tail -n 1 | grep -q '^[1-9][0-9]* metrics, 0 differ$'"
echo "$same" | sed '$d' | head -n 5 | sed 's/^/      /'
# An entry of a list varied (a plan's hire, hire_pwps.cfg's week 104 brought into a short
# run): each point is run with --set of that entry, the rest of the list as the file has it;
# the points whole numbers where the entry's key is one.
hp="$top/scenarios/hire_pwps.cfg"
short="--set horizon_weeks=52 --set warmup_weeks=13 --set followup_weeks=13"
# shellcheck disable=SC2086 # word lists
{
    run sweep "$hp" $short --vary 'workforce.hiring[0].week=13:39:13' -r 2 -j 2 -q -o "$tmp/swentry"
    expect_rc 0 "sweep an entry of a list"
    check "its column is the entry's key" \
        sh -c "head -n 1 '$tmp/swentry/sweep.csv' | grep -q '^scenario,point,workforce.hiring\[0\].week,metric,'"
    run run "$hp" $short --set 'workforce.hiring[0].week=39' -r 2 -j 2 -q -o "$tmp/rentry"
    same=$(same_stats "$tmp/swentry/sweep.csv" 2 "$tmp/rentry/summary.csv")
    check "point week 39 = run --set of the entry, every statistic ($(echo "$same" | tail -n 1))" \
        sh -c "echo '$same' | tail -n 1 | grep -q '^[1-9][0-9]* metrics, 0 differ$'"
    a=$(value "$tmp/swentry/sweep.csv" within_6_weeks_true 0)
    b=$(value "$tmp/swentry/sweep.csv" within_6_weeks_true 2)
    check "and the hire's week moves the figures (week 13: $a, week 39: $b)" \
        sh -c "[ -n '$a' ] && [ '$a' != '$b' ]"
    run run "$hp" $short --set 'workforce.hiring=({ week = 39.0; role = "pwp"; count = 6; })' \
        -r 2 -j 2 -q -o "$tmp/rlist"
    but_scenario() { # summary.csv but its scenario column (each names its --set)
        awk "$(cat "$top/scripts/csv.awk")"'{ n = csv($0, f); row = ""
            for (i = 2; i <= n; i++) row = row "," f[i]; print row }' "$1"
    }
    but_scenario "$tmp/rentry/summary.csv" >"$tmp/rentry/but"
    but_scenario "$tmp/rlist/summary.csv" >"$tmp/rlist/but"
    check "and = the whole list given with that week" \
        sh -c "[ -s '$tmp/rlist/but' ] && cmp -s '$tmp/rentry/but' '$tmp/rlist/but'"
    run sweep "$hp" $short --vary 'workforce.hiring[3].week=13:39:13' -r 2 -q -o "$tmp/swno"
    expect_rc 2 "sweep of an entry the list lacks"
    expect_err 'workforce.hiring has 1 entry \(counted from 0\): no entry \[3\] to change' \
        "sweep of an entry the list lacks"
    # The list given whole and an entry of it: one would beat the other while both stood in
    # the label, as a group and a key in it.
    run sweep "$hp" $short --set 'workforce.hiring=({ week = 39.0; role = "pwp"; count = 6; })' \
        --vary 'workforce.hiring[0].week=13:39:13' -r 2 -q -o "$tmp/swboth"
    expect_rc 2 "a list by --set and its entry by --vary"
    expect_err "names a key that --vary 'workforce.hiring\[0\].week=13:39:13' varies" \
        "a list by --set and its entry by --vary"
}
# One replication: no sd at all in summary.csv; sweep.csv wrote 0 for every metric.
run sweep "$q" --vary staff.pwp.headcount=10 -r 1 -q -o "$tmp/sw1r"
run run "$q" -r 1 -q -o "$tmp/r1r"
same=$(same_stats "$tmp/sw1r/sweep.csv" 0 "$tmp/r1r/summary.csv")
check "one replication: as run's, every statistic ($(echo "$same" | tail -n 1))" \
    sh -c "echo '$same' | tail -n 1 | grep -q '^[1-9][0-9]* metrics, 0 differ$'"

echo "== sweep --per-point"
run sweep "$q" --vary staff.pwp.headcount=9,10 -r 2 -j 2 --per-point -q -o "$tmp/pp"
expect_rc 0 "sweep --per-point"
check "each point's set has its page" test -s "$tmp/pp/points/0001/report.html"
check "the sweep's manifest lists each point's manifest" \
    grep -q '"name": "points/0001/manifest.json"' "$tmp/pp/manifest.json"
# manifest_ok DIR: every file its manifest lists has the listed SHA-256.
manifest_ok() {
    (cd "$1" && sed -n 's/.*"name": "\([^"]*\)", "bytes": [0-9]*, "sha256": "\([0-9a-f]*\)".*/\2  \1/p' \
        manifest.json | sha256sum -c --quiet)
}
check "the sweep's manifest checks" manifest_ok "$tmp/pp"
check "a point's manifest checks, its page listed" sh -c \
    "grep -q '\"name\": \"report.html\"' '$tmp/pp/points/0000/manifest.json'"
check "and its files check" manifest_ok "$tmp/pp/points/0000"

run sweep "$q" --vary staff.pwp.headcount=5:25 --vary 'referrals.per_week=40.0:80.0' \
    --samples 5 -r 2 --metrics within_6_weeks_true -q -o "$tmp/lhs"
expect_rc 0 "a Latin hypercube of 5 points"
strata=$(awk -F, 'NR > 1 { print int(($4 - 40) / 8) }' "$tmp/lhs/sweep.csv" | sort -u | wc -l)
check "each referral-rate stratum holds one point ($strata of 5)" test "$strata" -eq 5
# A whole-number key's values are stratified too: 5:25's 21 values over 5 strata.
distinct=$(awk -F, 'NR > 1 { print $3 }' "$tmp/lhs/sweep.csv" | sort -u | wc -l)
check "five distinct headcounts ($distinct)" test "$distinct" -eq 5
# As many points as whole values: each once. A point in [5, 24] rounded gave the ends half
# the others' share (10, 12, 19 and 21 came twice; 8, 11, 20 and 24 never).
run sweep "$q" --vary staff.pwp.headcount=5:24 --samples 20 -r 1 --metrics referrals -q \
    -o "$tmp/lhswhole"
expect_rc 0 "a Latin hypercube of 20 points over 20 headcounts"
got=$(awk -F, 'NR > 1 { print $3 }' "$tmp/lhswhole/sweep.csv" | sort -n | tr '\n' ' ')
check "each headcount of 5:24 once ($got)" test "$got" = "$(seq 5 24 | tr '\n' ' ')"
# A key of decimals is not rounded however its range is written: 13:39 once gave 31, 17,
# 36 and 24 (whole-number text made it a whole-number key).
run sweep "$q" --vary assessment.opt_in_days_mean=13:39 --samples 4 -r 1 --metrics referrals \
    -q -o "$tmp/lhsdec"
expect_rc 0 "a Latin hypercube of a decimal key written 13:39"
whole=$(awk -F, 'NR > 1 && $3 == int($3)' "$tmp/lhsdec/sweep.csv" | wc -l)
check "its values are not rounded ($whole of 4 whole: $(awk -F, 'NR > 1 { printf " %s", $3 }' "$tmp/lhsdec/sweep.csv"))" \
    test "$whole" -eq 0

echo "== solve against the exhaustive search"
# Targets where the grid's answer is inside it (quarter.cfg, 10 replications a point: the
# six-week figure 50.3% at 8 PWPs, 53.2% at 9, 54% from 10; the 18-week one near 60% up to 6
# HITs, 63% at 7; 0.47 and 0.59 over HITs 3-7 before the front door changed on 2026-12-05):
# the answer, 9 PWPs and 7 HITs, lies inside the grid, among points that miss (5 and 6
# HITs; 8 PWPs with fewer than 8) or cost more (the runner-up, 8 PWPs and 8 HITs; 10 and 11
# PWPs). The grid is 4 x 4, so that --exhaustive runs 320 simulations (it ran 720 on 8:13 x
# 3:8, whose added points all missed or cost more: a third of test_explore's time).
targets="--target within_6_weeks_true>=0.51 --target within_18_weeks_true>=0.615"
# shellcheck disable=SC2086
run solve "$q" --vary staff.pwp.headcount=8:11 --vary staff.hit.headcount=5:8 $targets \
    -r "$(reps 20)" -o "$tmp/so"
expect_rc 0 "solve"
cp "$tmp/out" "$tmp/solve.txt"
# shellcheck disable=SC2086
run solve "$q" --vary staff.pwp.headcount=8:11 --vary staff.hit.headcount=5:8 $targets \
    -r "$(reps 20)" --exhaustive -o "$tmp/ex"
expect_rc 0 "solve --exhaustive"
a=$(grep '^answer:' "$tmp/solve.txt" | sed 's/ *(.*//')
b=$(grep '^answer:' "$tmp/out" | sed 's/ *(.*//')
statistical check "the same answer (solve '$a', exhaustive '$b')" equal "$a" "$b"
sims=$(sed -n 's/^\([0-9]*\) simulations.*/\1/p' "$tmp/solve.txt")
full=$(sed -n 's/^\([0-9]*\) simulations.*/\1/p' "$tmp/out")
statistical check "fewer simulations ('$sims' against '$full')" \
    awk -v s="$sims" -v f="$full" 'BEGIN { exit !(s != "" && s + 0 < f + 0) }'
check "solve says what it assumes" grep -q "Assumed: raising a varied key never worsens" "$tmp/solve.txt"
statistical check "solve names a runner-up" grep -q '^runner-up:' "$tmp/solve.txt"
check "solve.csv has the points it evaluated" test "$(wc -l <"$tmp/so/solve.csv")" -gt 3
statistical check "no warning where the assumption holds" sh -c "! grep -q WARNING '$tmp/solve.txt'"
# The answer run again in full with run's checks (the search keeps only metrics): quarter's
# answer settles its lists later than its 26 weeks of warm-up, and solve says so as run
# does (MSER-5 50 weeks, measured 2026-12-06).
# (With the sanitizer pass's 2 replications a point there may be no answer: statistical.)
statistical check "solve runs the answer again with run's checks" sh -c \
    "grep -q '^The answer run again at' '$tmp/solve.txt' && grep -q '^Warm-up: MSER-5' '$tmp/solve.txt'"
# The same lines as run prints at the answer's staffing and replications.
sets=$(grep '^answer:' "$tmp/solve.txt" | sed 's/^answer: *//; s/ *(.*//; s/\([^ ]*=[^ ]*\)/--set \1/g')
# shellcheck disable=SC2086
run run "$q" $sets -r "$(reps 20)" -j 2 -o "$tmp/answer"
sed -n '/^Warm-up/,/^$/p' "$tmp/out" | sed '/^$/d' >"$tmp/run_checks.txt"
sed -n '/^The answer run again/,/^$/p' "$tmp/solve.txt" | sed '1,3d; /^$/d' >"$tmp/solve_checks.txt"
statistical check "the checks are run's at the answer ($sets)" sh -c \
    "test -s '$tmp/run_checks.txt' && cmp -s '$tmp/run_checks.txt' '$tmp/solve_checks.txt'"
statistical check "and counts their simulations apart" grep -q '^And [0-9]* to check the answer' "$tmp/solve.txt"
# A target every point meets has an answer at any replications, so the checks' own code
# runs in the sanitizer pass too.
# The page is the same with -q or without: the answer's checks run either way.
run solve "$q" --vary staff.pwp.headcount=9:10 --target 'referrals>=1' -r 2 -q -o "$tmp/so_easy_q"
expect_rc 0 "solve -q"
run solve "$q" --vary staff.pwp.headcount=9:10 --target 'referrals>=1' -r 2 -o "$tmp/so_easy"
expect_rc 0 "solve with a target every point meets"
check "its answer's checks printed, and their simulations" sh -c \
    "grep -q '^The answer run again at 2 replications' '$tmp/out' && grep -q '^And 2 to check the answer' '$tmp/out'"
check "solve.html and solve.csv the same with -q as without" sh -c \
    "cmp -s '$tmp/so_easy_q/solve.csv' '$tmp/so_easy/solve.csv' &&
     cmp -s '$tmp/so_easy_q/solve.html' '$tmp/so_easy/solve.html' &&
     grep -q '\"answer_checks\": \"Warm-up' '$tmp/so_easy_q/solve.html'"

echo "== solve between two frontier points of near-equal cost"
# HITs paid so that a HIT post costs about a PWP post (30,500 at 0.8 FTE against 27,000 at
# 0.9): 9 PWPs with 7 HITs and 8 with 8 are the two cheapest that meet, and --exhaustive
# (every point at 20 replications) answers 9 and 7. The search compared 9 and 7's cost over
# the 10 replications it had settled on with 8 and 8's over 20, and answered 8 and 8; its
# candidates now run to -r, and it answers as --exhaustive does.
# shellcheck disable=SC2086
run solve "$q" --vary staff.pwp.headcount=8:13 --vary staff.hit.headcount=3:8 $targets \
    --set staff.hit.salary_gbp=30500 -r "$(reps 20)" -o "$tmp/sotie"
expect_rc 0 "solve with near-equal costs"
statistical check "the answer --exhaustive gives (9 PWPs, 7 HITs)" \
    grep -q '^answer: staff.pwp.headcount=9 staff.hit.headcount=7   (20 replications)' "$tmp/out"

echo "== solve --exhaustive with a --minimise that falls as the key rises"
# --exhaustive assumes nothing: it takes the point of least --minimise mean among all that
# meet. The step-3 list shrinks as HITs rise (quarter.cfg, 2 replications: 251, 197 and 153
# people at 4, 5 and 6 HITs, every point meeting the target), so the answer is 6 HITs; it
# was 4, the least feasible value, as if the minimised metric rose with the key.
run solve "$q" --vary staff.hit.headcount=4:6 --target 'within_6_weeks_true>=0.3' \
    --minimise waiting_step3_mean -r 2 -j 1 --exhaustive -o "$tmp/exmin"
expect_rc 0 "solve --exhaustive --minimise waiting_step3_mean"
check "its answer is the point of least waiting_step3_mean (6 HITs)" \
    grep -q '^answer: staff.hit.headcount=6 ' "$tmp/out"

echo "== solve on a key that works against the target"
# A longer opt-in delay (GP referrals': 60.5% at 2 days, 50.2% at 40, quarter.cfg, 10
# replications) lowers the six-week figure: the search finds nothing at the top of
# the range, looks at the bottom once, finds it meets, and must say the assumption fails
# rather than "no point meets" (with -q on stderr).
run solve "$q" --vary assessment.opt_in_days_mean=2:40 --target 'within_6_weeks_true>=0.55' \
    -r "$(reps 10)" -o "$tmp/rev"
expect_rc 0 "solve on a reversed key"
statistical check "it warns that the assumption fails" grep -q '^WARNING: the assumption fails' "$tmp/out"
statistical check "and does not claim no point meets" sh -c "! grep -q '^No point of the grid meets' '$tmp/out'"
statistical check "it shows the lower point that met" grep -q '^met in the search: assessment.opt_in_days_mean=2 ' "$tmp/out"
run solve "$q" --vary assessment.opt_in_days_mean=2:40 --target 'within_6_weeks_true>=0.55' \
    -r "$(reps 10)" -q -o "$tmp/rev"
expect_rc 0 "the same, -q"
statistical expect_err 'WARNING: the assumption .* fails on this grid' "with -q the warning goes to stderr"
# With two keys the look is at the bottom of the last row (PWPs at their most), where a
# reversed second key shows; the first rows miss only for want of PWPs.
run solve "$q" --vary staff.pwp.headcount=3:10 --vary assessment.opt_in_days_mean=2:40 \
    --target 'within_6_weeks_true>=0.55' -r "$(reps 10)" -o "$tmp/rev2"
expect_rc 0 "solve on two keys, the second reversed"
statistical check "it warns, naming the last row's bottom" grep -q '^met in the search: staff.pwp.headcount=10 assessment.opt_in_days_mean=2 ' "$tmp/out"
statistical check "and does not claim no point meets (two keys)" sh -c "! grep -q '^No point of the grid meets' '$tmp/out'"

echo "== sensitivity"
run sensitivity "$q" --vary staff.pwp.headcount=8:12 --vary staff.hit.headcount=4:8 \
    --samples 4 -r 2 --metrics within_6_weeks_true -o "$tmp/mo"
expect_rc 0 "Morris"
check "sensitivity.csv: 2 inputs x (mu*, mu, sigma) + header" test "$(wc -l <"$tmp/mo/sensitivity.csv")" -eq 7
check "sensitivity_points.csv: 4 trajectories x 3 points + header" test "$(wc -l <"$tmp/mo/sensitivity_points.csv")" -eq 13
check "a tornado on stdout, the metric by label and name, mu* in its unit" grep -q '^Treated within 6 weeks, true: of all referrals (within_6_weeks_true), mu\* in percentage points:' "$tmp/out"
# (4 base rows in the sanitizer pass, the same code on fewer points: the table's shape is
# the check.)
run sensitivity "$q" --vary staff.pwp.headcount=8:12 --vary staff.hit.headcount=4:8 \
    --method sobol --samples "$(if sanitizer_pass; then echo 4; else echo 8; fi)" -r 2 \
    --metrics within_6_weeks_true -q -o "$tmp/so2"
expect_rc 0 "Sobol"
check "sensitivity.csv: 2 inputs x (S1, ST) + header" test "$(wc -l <"$tmp/so2/sensitivity.csv")" -eq 5
# Few base rows on whole-number keys: resamples with no spread have no index; they once
# sorted as NaN and gave intervals with ci_low above ci_high. Said to be rough on screen.
run sensitivity "$q" --vary staff.pwp.headcount=8:12 --vary staff.hit.headcount=4:8 \
    --method sobol --samples 4 -r 1 -o "$tmp/so4"
expect_rc 0 "Sobol on 4 base rows"
check "no interval with its low end above its high end" awk -F, \
    'NR > 1 && $9 != "" && $10 != "" && $9 + 0 > $10 + 0 { bad = 1 } END { exit bad }' "$tmp/so4/sensitivity.csv"
check "4 base rows: said to be rough" grep -q '^Note: 4 base rows are few for Sobol' "$tmp/out"

# Whether a value is rounded follows the key (a headcount is whole), not how its range is
# written: opt_in_days_mean=13:39 ran at 13, 22, 30 and 39, off Morris's 4-level grid.
run sensitivity "$q" --vary staff.pwp.headcount=8:13 --vary assessment.opt_in_days_mean=13:39 \
    --samples 2 -r 1 -j 2 --metrics within_6_weeks_true -q -o "$tmp/modec"
expect_rc 0 "Morris on a whole-number key and a decimal key written 13:39"
off=$(awk -F, 'NR > 1 { l = ($4 - 13) / 26 * 3; d = l - int(l + 0.5); if (d < 0) d = -d; if (d > 1e-5) print $4 }' "$tmp/modec/sensitivity_points.csv" | sort -u | tr '\n' ' ')
check "the decimal key on the 4-level grid (13, 21.66667, 30.33333, 39; off it: '$off')" test -z "$off"
heads=$(awk -F, 'NR > 1 && $3 != int($3)' "$tmp/modec/sensitivity_points.csv" | wc -l)
check "the headcount whole ($heads not)" test "$heads" -eq 0
# mu* divides each change by the step its input took as run, in the range's units: on
# 8:13 a planned step of 2/3 x 5 runs as 3 (10 -> 13, 8 -> 11), and mu* divided by the plan
# was ~10% low. Recomputed from sensitivity_points.csv it must be the file's.
run sensitivity "$q" --vary staff.pwp.headcount=8:13 --vary staff.hit.headcount=3:8 \
    --samples 6 -r 1 -j 2 --metrics within_6_weeks_true,cost_per_year_gbp -q -o "$tmp/mo6"
expect_rc 0 "Morris on two headcounts of width 5"
recomputed=$(awk -v w=5,5 "$awk_csv"'
    # mu* of every input and metric from file 1 (k inputs after scenario,row;
    # trajectories of k + 1 rows) against sensitivity.csv (file 2).
    FNR == 1 { if (!nf++) nc = csv($0, h); next }
    nf == 1 { csv($0, f); for (c = 3; c <= nc; c++) v[f[2], c] = f[c]; rows = f[2] + 1; next }
    { csv($0, f); if (f[5] == "mu_star") got[f[3], f[4]] = f[6] }
    END {
        k = split(w, width, ",")
        for (r = 0; r < rows; r++)
            for (i = 1; r % (k + 1) < k && i <= k; i++)
                if ((dx = v[r + 1, 2 + i] - v[r, 2 + i]) != 0)
                    for (c = 3 + k; c <= nc; c++) {
                        ee = (v[r + 1, c] - v[r, c]) / (dx / width[i])
                        sum[c, i] += ee < 0 ? -ee : ee
                    }
        for (c = 3 + k; c <= nc; c++)
            for (i = 1; i <= k; i++) {
                want = sum[c, i] / (rows / (k + 1)); have = got[h[c], h[2 + i]]; n++
                d = want - have; d = d < 0 ? -d : d
                if (have == "" || d > 1e-9 * (want < 0 ? -want : want) + 1e-12) { bad++; printf "%s/%s: file %s, recomputed %.10g; ", h[c], h[2 + i], have, want }
            }
        print n + 0 " compared, " bad + 0 " differ"
    }' "$tmp/mo6/sensitivity_points.csv" "$tmp/mo6/sensitivity.csv")
check "mu* is the mean |change| over the step run, per whole range ($recomputed)" \
    test "$recomputed" = "4 compared, 0 differ"
# mu* scales a step's change to the whole range as if in proportion, so where a figure
# turns on a threshold inside a step it reads more than the figure moves over every run:
# without the front door's extra clinics, the published six-week figure of 4 to 7 PWPs is
# 0% at 4 and 5, 44% at 6 and 81% at 7, and PWPs' mu* is 109 points, more than a share can
# move. The terminal said it was "the mean absolute change of the metric when the input
# moves across its whole range"; it now says what mu* is, and a note follows a tornado
# whose largest mu* passes what its metric moved over the runs (and only such a tornado:
# cost, in proportion to the headcounts, has none).
run sensitivity "$q" --set assessment.flex_from_weeks=0 --vary staff.pwp.headcount=4:7 \
    --vary staff.hit.headcount=4:8 --samples 4 -r 1 -j 2 \
    --metrics within_6_weeks_reported,cost_per_year_gbp -o "$tmp/mostep"
expect_rc 0 "Morris across the front door's threshold"
above=$(awk -v F=within_6_weeks_reported,cost_per_year_gbp "$awk_csv"'
    # each metric whose largest mu* (file 2) passes its span over the runs (file 1)
    FNR == 1 { nf++; if (nf == 1) nc = csv($0, h); next }
    nf == 1 { csv($0, f); for (c = 3; c <= nc; c++) { v = f[c] + 0
        if (!(h[c] in lo) || v < lo[h[c]]) lo[h[c]] = v; if (!(h[c] in hi) || v > hi[h[c]]) hi[h[c]] = v } next }
    { csv($0, f); if (f[5] == "mu_star" && f[6] + 0 > top[f[3]]) top[f[3]] = f[6] + 0 }
    END { n = split(F, m, ","); for (i = 1; i <= n; i++) if (top[m[i]] > hi[m[i]] - lo[m[i]]) printf "%s ", m[i] }' \
    "$tmp/mostep/sensitivity_points.csv" "$tmp/mostep/sensitivity.csv")
noted=$(awk '/^[^ ].*mu\* in/ { m = $0; sub(/.*\(/, "", m); sub(/\).*/, "", m) }
    /^    \(mu\* above the / { printf "%s ", m }' "$tmp/out")
check "a note under each tornado whose mu* passes its metric's span (noted '$noted', above '$above')" \
    test "$noted" = "within_6_weeks_reported " -a "$above" = "$noted"
check "the header says mu* scales a step's change, not the change across the range" \
    sh -c "grep -q 'scaled to the whole range' '$tmp/out' && ! grep -q 'moves across its whole range' '$tmp/out'"

echo "== --precision"
STEPSIM_PROGRESS_SECONDS=0 "$bin" run "$q" -r 40 -j 2 --precision 0.02:within_6_weeks_true -o "$tmp/p2" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "run --precision"
n=$(sed -n 's/.*met and confirmed (look-ahead) with \([0-9]*\) replications.*/\1/p' "$tmp/out")
if [ -n "$n" ] && [ "$n" -lt 40 ]; then ok "stopped at $n of 40"; else bad "stopped at '$n'"; fi
hw=$(awk -v m=within_6_weeks_true "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
    f[col("metric")] == m { print (f[col("ci_high")] - f[col("ci_low")]) / 2 }' "$tmp/p2/summary.csv")
check "the CI half-width at the stop ($hw) is within 0.02" awk -v h="$hw" 'BEGIN { exit !(h <= 0.02) }'
# Progress counts every batch's replications together (each batch had counted from 1 to its
# own size), and ends on the count kept.
last=$(grep -o 'quarter: [0-9]* replications' "$tmp/err" | tail -n 1 | grep -o '[0-9][0-9]*')
first=$(grep -o 'quarter: [0-9/]* replications' "$tmp/err" | head -n 1)
check "--precision's progress ends on the $n replications kept (got '$last'; first '$first')" test "$last" = "$n"
run run "$q" -r 40 -j 1 --precision 0.02:within_6_weeks_true -q -o "$tmp/p1"
check "the same result on one thread" cmp -s "$tmp/p1/summary.csv" "$tmp/p2/summary.csv"
# Met first at n - 5 (the look-ahead is 5): one replication fewer than that does not meet it.
run run "$q" -r $((n - 6)) --precision 0.02:within_6_weeks_true -q -o "$tmp/p0"
run run "$q" -r $((n - 6)) --precision 0.02:within_6_weeks_true -o "$tmp/p0"
check "with $((n - 6)) replications at most it is not met" grep -q 'NOT met within' "$tmp/out"
# A metric named for its precision and undefined in every replication (no one finishes
# step 3 alone when no one is routed there) is not met, and said why; it was "met".
run run "$q" -r 8 --precision 0.05:sessions_mean_finishers_step3_only \
    --set policy_params.stepped.direct_step3_phq=28.0 --set policy_params.stepped.direct_step3_gad=22.0 \
    --set policy_params.stepped.high_need_step3_probability=0.0 -o "$tmp/pu"
check "an undefined metric's precision is not met, and why" \
    grep -q 'NOT met: sessions_mean_finishers_step3_only is undefined in every replication' "$tmp/out"

echo "== run's warm-up suggestion"
run run "$q" -r 2 -o "$tmp/w"
check "MSER-5 line" grep -q "^Warm-up: MSER-5 on the total waiting list suggests discarding [0-9]* weeks;$" "$tmp/out"

echo "== usage errors"
# --precision reads a number as written, as every other option does (it took hexadecimal
# and a leading blank).
for x in 0x1p-3 ' 0.1'; do
    run run "$q" -r 2 --precision "$x" -q -o "$tmp/px"
    expect_rc 2 "--precision '$x'"
    expect_err "--precision '$x': expected X\[:METRIC\] with X > 0" "--precision '$x': said so"
done
run sweep "$q" --vary staff.pwp.headcount -o "$tmp/e1"
expect_rc 2 "a --vary without ="
expect_err "expected KEY=FROM:TO" "the form is named"
# A blank among --vary's values is named (`k=8 ,9` ran with "8 " in sweep.csv's value
# column; `k= 8: 9` was blamed on wholeness), and one in the key, which --set refuses too.
for v in 'staff.pwp.headcount=8 ,9' 'staff.pwp.headcount= 8: 9'; do
    run sweep "$q" --vary "$v" -r 1 -q -o "$tmp/eb"
    expect_rc 2 "--vary '$v'"
    expect_err "a blank among the values \(expected KEY=FROM:TO\[:STEP\] or KEY=A,B,C written without blanks\)" \
        "--vary '$v': the blank named"
    check "--vary '$v': nothing written" test ! -e "$tmp/eb"
done
run solve "$q" --vary 'staff.pwp.headcount =8:12' --target 'within_6_weeks_true>=0.5' -o "$tmp/eb"
expect_rc 2 "--vary with a blank in the key"
expect_err "a blank in the key 'staff.pwp.headcount '" "the key's blank named"
run solve "$q" --vary staff.pwp.headcount=8:12 --target 'no_such_metric>=1' -o "$tmp/e2"
expect_rc 2 "an unknown target metric"
expect_err "unknown metric" "said so"
run solve "$q" --vary staff.pwp.headcount=8:12 --target 'within_6_weeks_true>=0.5' --minimise no_such_metric -o "$tmp/e2m"
expect_rc 2 "an unknown metric to minimise"
expect_err "minimise 'no_such_metric': unknown metric" "said so"
expect_err "expected the names of summary.csv, or cost_per_year_gbp" "and what it takes (it did not)"
run solve "$q" --vary staff.fte=0.5:1 --target 'within_6_weeks_true>=0.5' -o "$tmp/e3"
expect_rc 2 "solve over a fraction"
expect_err "whole numbers" "said so"
run run "$q" --vary staff.pwp.headcount=8:12 -o "$tmp/e4"
expect_rc 2 "--vary with run"
run sweep "$q" --vary staff.pwp.headcount=-3,4 -r 1 -o "$tmp/e5"
expect_rc 2 "a point the scenario rejects"
expect_err "staff.pwp.headcount.*got -3" "the key and value named"
check "nothing written for a rejected point" test ! -e "$tmp/e5"
run run "$q" --precision 0.05 --patients -o "$tmp/e6"
expect_rc 2 "--precision with --patients"
# Inputs the decision tools once took and did nothing with, or did nonsense with.
while IFS='|' read -r what want args; do
    # shellcheck disable=SC2086 # the words are the arguments
    run $args -o "$tmp/e7"
    expect_rc 2 "$what"
    expect_err "$want" "$what: said why"
done <<EOF
sweep of the seed|cannot vary|sweep $q --vary seed=1,2 -r 1
sweep of the replications|cannot vary|sweep $q --vary replications=2,3 -r 1
an empty value in a list|an empty value|sweep $q --vary staff.pwp.headcount=8,,9 -r 1
an empty part of a range|an empty part|sweep $q --vary staff.pwp.headcount=8:12: -r 1
an empty metric|an empty name|sweep $q --vary staff.pwp.headcount=8,9 --metrics , -r 1
a metric twice|named twice|sweep $q --vary staff.pwp.headcount=8,9 --metrics referrals,referrals -r 1
a misspelt metric|did you mean "within_6_weeks_true"|sweep $q --vary staff.pwp.headcount=8,9 --metrics within_6_week_true -r 1
a misspelt metric, the nearest named (p50 one edit away, p90 two)|did you mean "wait_assessment_to_treatment_days_p50"|sweep $q --vary staff.pwp.headcount=8,9 --metrics wait_assesment_to_treatment_days_p50 -r 1
a range of no width|LO < HI|sensitivity $q --vary staff.pwp.headcount=8:8
a sampled range with a step|no STEP|sweep $q --samples 4 --vary staff.pwp.headcount=8:12:2 -r 1
a whole-number key's range with ends not whole|staff.pwp.headcount takes whole numbers: give its range whole-number ends|sensitivity $q --vary staff.pwp.headcount=8.4:9.4
one Sobol base row|at least 2|sensitivity $q --vary staff.pwp.headcount=8:12 --method sobol --samples 1
a share target above 1|a share lies between 0 and 1|solve $q --vary staff.pwp.headcount=8:12 --target within_6_weeks_true>=750%
a percent on days|a percent is for a share|solve $q --vary staff.pwp.headcount=8:12 --target wait_to_treatment_days_mean<=60%
a solve range the scenario refuses|--vary 'staff.pwp.headcount=-5:3': the scenario refuses staff.pwp.headcount=-5|solve $q --vary staff.pwp.headcount=-5:3 --target within_6_weeks_true>=0.1 -r 2
a value listed twice|8.0 is listed twice|sweep $q --vary staff.pwp.headcount=8,8.0 -r 1
--precision with one replication|--precision needs at least 2 replications|run $q -r 1 --precision 0.05
a grid too large, its size said|the grid would have 160000 points \(400 x 400\); at most 100000|sweep $q --vary staff.pwp.headcount=1:400 --vary staff.hit.headcount=1:400 -r 1
a fractional range without a step|a range whose ends are not written as whole numbers .* needs a STEP|sweep $q --vary step2.effect_mean=0.1:0.2 -r 1
whole ends written as decimals, no step: not "numbers that are not whole"|not written as whole numbers \(as 8 or 30, not 8.0 or 1e2\) needs a STEP|sweep $q --vary staff.pwp.headcount=8.0:1e1 -r 1
the refused --vary named, not the first|--vary 'staff.hit.headcount=-5:3': the scenario refuses staff.hit.headcount=-5|solve $q --vary staff.pwp.headcount=8:12 --vary staff.hit.headcount=-5:3 --target within_6_weeks_true>=0.1 -r 2
a sweep point the scenario refuses|the scenario refuses the point staff.pwp.headcount=8.5|sweep $q --vary staff.pwp.headcount=8:9:0.5 -r 1
EOF
check "nothing written for refused inputs" test ! -e "$tmp/e7"
# A stepped range's TO need not be a point: 0.6:1.01:0.2 runs 0.6, 0.8 and 1.0.
run sweep "$q" --vary staff.pwp.fte=0.6:1.01:0.2 -r 1 -q -o "$tmp/fte"
expect_rc 0 "a stepped range whose TO is past its last point"
echo "== solve: what the grid reaches when nothing is feasible"
run solve "$q" --vary staff.hit.headcount=5:6 --target 'within_6_weeks_true>=0.99' -r 2 -o "$tmp/sv_none"
expect_rc 0 "solve with an unreachable target"
check "says no point meets it" grep -q '^No point of the grid meets every target' "$tmp/out"
check "and shows the closest point evaluated" grep -q '^closest evaluated (most targets met, then the least shortfall): staff.hit.headcount=' "$tmp/out"
run solve "$q" --vary staff.pwp.headcount=9:10 --target 'within_6_weeks_true>=0.01' \
    --minimise step_up_wait_days_mean --set step2.step_up_probability=0 -r 2 -o "$tmp/sv_nan"
expect_rc 0 "solve minimising a metric undefined where the targets are met"
check "says the cost is undefined, not that nothing meets" sh -c \
    "grep -q 'but the cost step_up_wait_days_mean is undefined at each of them' '$tmp/out' &&
     ! grep -q '^No point of the grid' '$tmp/out'"
echo "== solve: a ceiling on the cost (it rises with staff, against the search's assumption)"
# The cheapest point meeting the other target is the answer if it is under the ceiling, and
# nothing is if it is over: the same as --exhaustive, which assumes nothing of the search.
for cap in 600000 400000; do
    run solve "$q" --vary staff.pwp.headcount=6:12 --target 'within_6_weeks_true>=0.45' \
        --target "cost_per_year_gbp<=$cap" -r "$(reps 10)" -o "$tmp/cap$cap"
    expect_rc 0 "solve with a ceiling of $cap"
    cp "$tmp/out" "$tmp/cap.txt"
    # The exhaustive search serves the comparison alone, which the sanitizer pass leaves to
    # the optimised pass: there it runs once, at the ceiling nothing is under (its answer's
    # code runs in the searches above).
    if ! sanitizer_pass || [ "$cap" = 400000 ]; then
        run solve "$q" --vary staff.pwp.headcount=6:12 --target 'within_6_weeks_true>=0.45' \
            --target "cost_per_year_gbp<=$cap" -r "$(reps 10)" --exhaustive -o "$tmp/capx$cap"
    fi
    a=$(grep -E '^(answer|No point)' "$tmp/cap.txt" | sed 's/ *(.*//')
    b=$(grep -E '^(answer|No point)' "$tmp/out" | sed 's/ *(.*//')
    statistical check "ceiling $cap: as --exhaustive (solve '$a', exhaustive '$b')" equal "$a" "$b"
done
# A ceiling that binds nothing: candidates are judged again at -r, as --exhaustive judges
# them, so the answer is --exhaustive's and its printed bounds meet their targets. (Without
# a ceiling the sequential search answered 9 here, decided early at 20 replications; at 30
# it missed, and --exhaustive answered 10. Once, the ceiling kept 9 and printed a lower bound
# of 45.73% against the target of 47%. The target is 53.5% since the front door changed on
# 2026-12-05: 9 PWPs give 53.2% [51.8, 54.6] at 30 replications, 10 give 54.2% [53.8,
# 54.7], its one-sided lower bound 53.86% (2026-12-06, a836646, since natural history runs
# through a course's end; 53.3%, 54.3% and 53.89% once a further group went only to a
# facilitator whose hours hold their caseload; 53.2%, 54.2% and 53.81% once sessions moved
# out of groups' weeks; 52.8%, 54.0% and 53.59% before): the same boundary, 10 over it.)
# (The exhaustive search serves the comparison alone: not in the sanitizer pass, which
# leaves that to the optimised pass.)
a=
if ! sanitizer_pass; then
    run solve "$q" --vary staff.pwp.headcount=6:16 --target 'within_6_weeks_true>=0.535' \
        --target 'cost_per_year_gbp<=900000' -r 30 --exhaustive -o "$tmp/loosecapx"
    a=$(grep '^answer:' "$tmp/out" | sed 's/ *(.*//')
fi
run solve "$q" --vary staff.pwp.headcount=6:16 --target 'within_6_weeks_true>=0.535' \
    --target 'cost_per_year_gbp<=900000' -r "$(reps 30)" -o "$tmp/loosecap"
b=$(grep '^answer:' "$tmp/out" | sed 's/ *(.*//')
statistical check "a ceiling that binds nothing: as --exhaustive (exhaustive '$a', solve '$b')" \
    equal "$a" "$b"
check "the answer's bound meets its target" awk '/lower bound/ { split($0, w, "lower bound "); split(w[2], v, "%"); split(w[2], t, ">= "); if (v[1] + 0 < t[2] + 0) bad = 1 } END { exit bad }' "$tmp/out"
check "over the ceiling: the cheapest meeting the others is shown" \
    grep -q '^cheapest meeting the others: staff.pwp.headcount=' "$tmp/cap.txt"
check "the cost's row once, as the ceiling's" test "$(grep -c '^    Staff cost a year' "$tmp/cap.txt")" -eq 1
finish
