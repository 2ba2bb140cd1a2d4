#!/bin/sh
# A mix of FTEs within one role (staff.<role>.fte_mix, README "Scenario reference"):
#  - a scenario without one is untouched: a mix of one row at the role's fte gives every
#    output byte for byte as none (no new random draw; `make golden`'s files did not move);
#  - the starting headcount takes the levels in turn, each the one furthest below its share
#    of the members so far (a tie to the row listed first): 9 PWPs half at 0.8 and half at
#    1.0 are five at 0.8 and four at 1.0, 8.0 FTE in post (workforce.csv's fte_mean, staff
#    fixed and no ramp), not 9 x 0.9 = 8.1;
#  - a starter continues the sequence: a tenth PWP hired at week 1 is the fifth at 1.0,
#    9.0 FTE in the window (8.8 had they drawn 0.8), in every replication;
#  - the levels are counted over those in post, so a leaver's replacement takes the
#    leaver's level and the FTE in post does not wander;
#  - the same bytes on one thread and on two;
#  - bad mixes exit 2 with the file, line, key, the bad value and what was expected.
# Usage: tests/test_fte_mix.sh BUILD_DIR
set -u

name=test_fte_mix
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

cp "$top/tests/explore/quarter.cfg" "$tmp/quarter.cfg"
sed -i 's#"../../scenarios/baseline.cfg"#"baseline.cfg"#' "$tmp/quarter.cfg"
cp "$top/scenarios/baseline.cfg" "$tmp/baseline.cfg"
# scenario NAME PWP-GROUP [WORKFORCE-GROUP]: $tmp/NAME.cfg, quarter.cfg with these staff.pwp
# keys (and workforce keys), under one name so that outputs compare byte for byte.
scenario() {
    printf '@include "quarter.cfg"\nvariant = { name = "mix"; staff = { pwp = { %s }; }; workforce = { %s }; };\n' \
        "$2" "${3:-}" >"$tmp/$1.cfg"
}
short="--set horizon_weeks=26 --set warmup_weeks=13"

echo "== without a mix, nothing moves"
scenario none ''
scenario one 'fte_mix = ( { share = 1.0; fte = 0.9; } );'
# shellcheck disable=SC2086 # word lists
{
    run run "$tmp/none.cfg" -r 2 -j 1 -q $short -o "$tmp/none"
    expect_rc 0 "run without a mix"
    run run "$tmp/one.cfg" -r 2 -j 1 -q $short -o "$tmp/one"
    expect_rc 0 "run with a mix of one row at the role's fte"
}
same_outputs "$tmp/none" "$tmp/one" "a mix of one row at fte against none"
run check "$tmp/none.cfg"
check "check prints no fte_mix where the scenario gives none" sh -c "! grep -q fte_mix '$tmp/out'"
run check "$tmp/one.cfg"
check "check prints the mix where given" \
    grep -q '^ *fte_mix = ( { share = 1.0; fte = 0.9; } );' "$tmp/out"

echo "== the starting staff and a starter take the levels in turn"
fixed='headcount = 9; leave_per_year = 0.0; sick_episodes_per_year = 0.0; training_per_year = 0.0; ramp_weeks = 0.0;'
mix='fte_mix = ( { share = 0.5; fte = 0.8; }, { share = 0.5; fte = 1.0; } );'
calm='burnout_rise_per_week = 0.0;'
# fte_mean DIR: the PWPs' fte_mean of every replication, one a line.
fte_mean() {
    awk "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("role")] == "pwp" { printf "%.6f\n", f[col("fte_mean")] }' "$1/workforce.csv"
}
scenario start "$fixed $mix" "$calm"
scenario hire "$fixed $mix" "$calm hiring = ( { week = 1.0; role = \"pwp\"; count = 1; } );"
# shellcheck disable=SC2086 # word lists
{
    run run "$tmp/start.cfg" -r 2 -j 1 -q $short -o "$tmp/start"
    expect_rc 0 "run of 9 PWPs half at 0.8"
    run run "$tmp/hire.cfg" -r 2 -j 1 -q $short -o "$tmp/hire"
    expect_rc 0 "the same with a tenth hired at week 1"
    run run "$tmp/hire.cfg" -r 2 -j 2 -q $short -o "$tmp/hire_j2"
    expect_rc 0 "the same on two threads"
}
got=$(fte_mean "$tmp/start" | sort -u | tr '\n' ' ')
check "9 PWPs half at 0.8: 8.0 FTE in post, five at 0.8 and four at 1.0 (got $got)" \
    test "$got" = "8.000000 "
got=$(fte_mean "$tmp/hire" | sort -u | tr '\n' ' ')
check "the tenth, hired, is the fifth at 1.0: 9.0 FTE (got $got)" test "$got" = "9.000000 "
same_outputs "$tmp/hire" "$tmp/hire_j2" "a mix on -j 1 and -j 2"

echo "== a leaver's replacement takes the leaver's level"
# 20 PWPs half at 0.5 and half at 1.0 who leave often (2 a year each), each post filled
# the moment it is left (vacancy_days fixed at 0, no ramp): with the levels counted over
# those in post, every replacement takes the leaver's level, so 15.0 FTE are in post
# throughout (fte_mean 15.000000 in every replication); counted over every member ever
# given one, the replacements went on in turn and the FTE in post wandered (14.3 to 16.6
# in these eight replications).
churn='headcount = 20; fte = 0.75; leave_per_year = 2.0; sick_episodes_per_year = 0.0; training_per_year = 0.0; ramp_weeks = 0.0; vacancy_days = { dist = "fixed"; value = 0.0; }; fte_mix = ( { share = 0.5; fte = 0.5; }, { share = 0.5; fte = 1.0; } );'
scenario churn "$churn" "$calm"
# shellcheck disable=SC2086 # word lists
run run "$tmp/churn.cfg" -r 8 -j 2 -q $short -o "$tmp/churn"
expect_rc 0 "run of 20 PWPs half at 0.5 who leave often"
got=$(fte_mean "$tmp/churn" | sort -u | tr '\n' ' ')
left=$(awk "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
    f[col("role")] == "pwp" && f[col("leavers")] > 0 { n++ } END { print n + 0 }' "$tmp/churn/workforce.csv")
check "PWPs left in every replication ($left of 8)" test "$left" = 8
check "replacements at the leavers' levels: 15.0 FTE in post throughout (got $got)" \
    test "$got" = "15.000000 "

echo "== bad mixes: file, line, key, value, what was expected; exit 2"
# bad NAME PWP-GROUP PATTERN
bad_mix() {
    scenario "bad_$1" "$2"
    run check "$tmp/bad_$1.cfg"
    expect_rc 2 "$1"
    expect_err "$3" "$1"
}
bad_mix shares 'fte_mix = ( { share = 0.5; fte = 0.8; }, { share = 0.4; fte = 1.0; } );' \
    '/bad_shares.cfg:2: staff.pwp.fte_mix: shares must sum to 1 within 1e-06 \(got 0.9; expected rows'
bad_mix mean 'fte = 1.0; fte_mix = ( { share = 0.5; fte = 0.8; }, { share = 0.5; fte = 1.0; } );' \
    "/bad_mean.cfg:2: staff.pwp.fte_mix: its mean FTE must be fte, the role's mean \(got 0.9 from the mix, fte 1.0; expected fte = 0.9\)"
bad_mix level 'fte_mix = ( { share = 0.5; fte = 0.8; }, { share = 0.5; fte = 1.2; } );' \
    '/bad_level.cfg:2: staff.pwp.fte_mix\[1\].fte: must be a number in \(0, 1\] \(got 1.2\)'
bad_mix share0 'fte_mix = ( { share = 0.0; fte = 0.8; }, { share = 1.0; fte = 0.9; } );' \
    '/bad_share0.cfg:2: staff.pwp.fte_mix\[0\].share: must be a number in \(0, 1\] \(got 0.0\)'
bad_mix number 'fte_mix = 0.9;' \
    '/bad_number.cfg:2: staff.pwp.fte_mix: wrong type \(got float 0.9, expected a list of \{ share = S; fte = F; \} groups\)'
bad_mix missing 'fte_mix = ( { share = 1.0; } );' \
    '/bad_missing.cfg:2: staff.pwp.fte_mix\[0\].fte: missing \(expected a number in \(0, 1\]\)'
run check "$tmp/none.cfg" --set 'staff.pwp.fte_mix=( { share = 0.5; fte = 0.8; }, { share = 0.5; fte = 1.0; } )' \
    --set staff.pwp.fte=0.95
expect_rc 2 "a mix by --set whose mean is not fte"
expect_err "staff.pwp.fte_mix: its mean FTE must be fte, the role's mean \(got 0.9 from the mix, fte 0.95; expected fte = 0.9\)" \
    "a mix by --set whose mean is not fte"
# A --set that breaks a mix the file gives is named, not the file's line, whose rows are
# right (an element of the list, or fte against a mix of an overrides group).
run check "$tmp/start.cfg" --set 'staff.pwp.fte_mix[0].share=0.4'
expect_rc 2 "a share of the mix by --set"
expect_err '^--set staff.pwp.fte_mix\[0\]\.share=0\.4: staff\.pwp\.fte_mix: shares must sum to 1 within 1e-06 \(got 0\.9;' \
    "a share of the mix by --set"
run check "$tmp/start.cfg" --set 'staff.pwp.fte_mix[1].fte=0.9'
expect_rc 2 "a level of the mix by --set"
expect_err "^--set staff.pwp.fte_mix\\[1\\]\\.fte=0\\.9: staff\\.pwp\\.fte_mix: its mean FTE must be fte, the role's mean \\(got 0\\.85 from the mix, fte 0\\.9; expected fte = 0\\.85\\)" \
    "a level of the mix by --set"
run check "$tmp/start.cfg" --set staff.pwp.fte=0.95
expect_rc 2 "fte by --set against the file's mix"
expect_err "^--set staff\\.pwp\\.fte=0\\.95: staff\\.pwp\\.fte_mix: its mean FTE must be fte, the role's mean \\(got 0\\.9 from the mix, fte 0\\.95; expected fte = 0\\.9\\) \\(staff\\.pwp\\.fte is set here\\)" \
    "fte by --set against the file's mix"
finish
