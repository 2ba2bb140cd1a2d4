#!/bin/sh
# Dropout over the gap to the next session (step2/step3.dropout_gap_days).
# 1. The rule, exactly: sessions a fixed fortnight apart (the hours model, no diaries, no
#    closure days), a chance p = 0.5 over a week's gap (dropout_gap_days = 7) is a chance
#    1 - (1 - 0.5)^2 = 0.75 over each fortnight: the same people drop out at the same
#    sessions as with 0.75 and the gap not mattering (dropout_gap_days = 0), so every file
#    is byte for byte the same. The dropout multipliers (a subgroup's, a failed step's) are set to 1:
#    they multiply the chance before the gap does.
# 2. Diaries: the gap is the booked one. The baseline (three years measured) with PWPs'
#    caseloads capped at 90 (diaries full, step-2 sessions weeks apart): step 2's 0.04 a
#    week over the gap against 0.04 whatever the gap; every booked gap is at least the
#    week, so dropout in treatment rises (paired over 8 replications, its 95% interval
#    above 0: measured +3.1 points [2.3, 3.9]). And with the gap mattering, the same
#    people seen less often (cap 90 against 30) drop out more (+0.7 [0.5, 1.0]).
# The sanitizer pass compares at 2 replications and leaves the intervals to the optimised
# pass (lib.sh: reps, statistical).
# Usage: tests/test_spacing.sh BUILD_DIR
set -u

name=test_spacing
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
q=tests/explore/quarter.cfg

# mk DIR OVERRIDES [CAP]: DIR/s.cfg and DIR/DIR.cfg, quarter.cfg with OVERRIDES in its
# overrides group and PWPs' caseloads capped at CAP. s.cfg is the same file name in every
# directory, for files compared byte for byte (the log names a run by its file, and --set
# would add itself to the scenario's name); compare needs names that differ.
mk() {
    mkdir -p "$tmp/$1"
    cp scenarios/baseline.cfg "$tmp/$1/baseline.cfg"
    sed -e 's|@include "../../scenarios/baseline.cfg"|@include "baseline.cfg"|' \
        -e "s|^overrides = {|overrides = { $2|" \
        -e "s|pwp = { headcount = 10;|pwp = { headcount = 10; caseload_cap = ${3:-60};|" \
        "$q" >"$tmp/$1/s.cfg"
    cp "$tmp/$1/s.cfg" "$tmp/$1/$1.cfg"
}

echo "== a week's chance over a fortnight's gap"
fixed='bank_holidays = "none"; closure_days = []; failure = { dropout_multiplier = 1.0; };'
fixed="$fixed subgroups = { ethnicity = { dropout = [1.0, 1.0, 1.0, 1.0, 1.0]; }; };"
fixed="$fixed step3 = { diary = false; interval_days = 14.0; dropout_gap_days = 0.0; };"
mk weekly "$fixed step2 = { diary = false; interval_days = 14.0; \
dropout_per_session = 0.5; dropout_gap_days = 7.0; };"
mk flat "$fixed step2 = { diary = false; interval_days = 14.0; \
dropout_per_session = 0.75; dropout_gap_days = 0.0; };"
run run "$tmp/weekly/s.cfg" -r 2 -q -o "$tmp/weekly/out" --patients --events
expect_rc 0 "0.5 a week over the gap"
run run "$tmp/flat/s.cfg" -r 2 -q -o "$tmp/flat/out" --patients --events
expect_rc 0 "0.75 whatever the gap"
same_outputs "$tmp/flat/out" "$tmp/weekly/out" "0.5 a week over 14 days = 0.75"

echo "== diaries: the booked gap"
# The baseline itself: quarter.cfg's diaries have room, so its sessions are a week apart.
for v in "gap 7.0 90" "nogap 0.0 90" "near 7.0 30"; do
    # shellcheck disable=SC2086 # split into its three words
    set -- $v
    printf '@include "baseline.cfg"\noverrides = { horizon_weeks = 156.0;
    step2 = { dropout_per_session = 0.04; %s };
    staff = { pwp = { caseload_cap = %s; }; }; };\n' "dropout_gap_days = $2;" "$3" >"$tmp/$1.cfg"
done
cp scenarios/baseline.cfg "$tmp/baseline.cfg"
run compare "$tmp/nogap.cfg" "$tmp/gap.cfg" -r "$(reps 8)" -q -o "$tmp/cmp_gap"
expect_rc 0 "compare: the gap mattering or not, cap 90"
d=$(compare_diff "$tmp/cmp_gap" gap dropout_in_treatment_share)
echo "   dropout in treatment, the gap mattering less not: $d"
statistical check "booked gaps of a week or more raise dropout in treatment" above "$d"
run compare "$tmp/near.cfg" "$tmp/gap.cfg" -r "$(reps 8)" -q -o "$tmp/cmp_cap"
expect_rc 0 "compare: caseload cap 30 and 90, the gap mattering"
d=$(compare_diff "$tmp/cmp_cap" gap dropout_in_treatment_share)
echo "   dropout in treatment, cap 90 less cap 30: $d"
statistical check "people seen less often drop out more" above "$d"
finish
