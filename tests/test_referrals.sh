#!/bin/sh
# Referral levers (issue 14, item 3): rates by source and replayed weekly counts, on the
# scenarios of tests/referrals (the baseline at a quarter of its size, 78 weeks, no relapse,
# so every referral counted is a new one), each run with 10 replications on the seed of
# baseline.cfg.
#  1. by_source.cfg gives base.cfg's 60 a week at a self share of 0.6 as 24 GP and 36
#     self-referrals a week: the same arrival stream and the same sources, so every output
#     file is base.cfg's byte for byte (the manifest holds the scenario's hash: left out).
#  2. growth.cfg: 20 GP referrals a week, flat, and 60 self-referrals a week growing by
#     0.5 a year, no seasonality. Over the window [13, 65) weeks the expected referrals are
#     gp = 20 x 52 and self = 60/7 x Y/ln 1.5 x (1.5^(t1/Y) - 1.5^(t0/Y)), Y = 365.25 days.
#     The cohort's referrals (summed over replications, Poisson) must be within 3.29 sd of
#     10 x (gp + self) (99.9%), and the self-referral share within 3.29 binomial sd of
#     self / (gp + self) (given the total, each referral is self with that probability);
#     growth put on the wrong source (the GP rate growing instead) is outside both.
#  3. replay.cfg replays weekly.csv: each week's referrals in timeseries.csv are Poisson
#     with the file's count as mean. Sum over weeks with a count c > 0 of
#     (mean - c)^2 / (c / R) is chi-square with K degrees of freedom (K such weeks, R = 10
#     replications); it must be below the 99.9% quantile (Wilson-Hilferty), and the same
#     statistic against the file shifted by one week must be above it (the test can tell).
#     The spread across replications, the sum of (x - mean)^2 / c, is chi-square with
#     K (R - 1) degrees of freedom: within its 0.1% and 99.9% quantiles (replications vary
#     as a Poisson count does, not fixed counts). The week with a count of 0 has none.
#  4. federation.cfg: a service's overrides replay weekly.csv over the base's rates by
#     source; services.csv shows each service's base rate, scaled.
# Then errors: a bad count, a path from --set, a FIFO, a file too short (and repeated).
# Usage: tests/test_referrals.sh BUILD_DIR
set -u

name=test_referrals
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
awk_csv=$(cat "$top/scripts/csv.awk")
R=10

for s in base by_source growth replay; do
    run run "tests/referrals/$s.cfg" -r $R -q -o "$tmp/$s"
    expect_rc 0 "$s.cfg runs"
done

echo "== 1. gp_per_week + self_per_week = per_week, at its share: the same run"
n=0
for f in "$tmp/base"/*; do
    b=$(basename "$f")
    [ "$b" = manifest.json ] && continue
    n=$((n + 1))
    if ! cmp -s "$f" "$tmp/by_source/$b"; then
        bad "by_source.cfg: $b differs from base.cfg's"
        n=-1000
    fi
done
check "by_source.cfg: all $n files identical to base.cfg's" test "$n" -gt 5

# count DIR ATTRIBUTE SUBGROUP: the cohort's referrals in a subgroup, summed over replications.
count() {
    awk -v a="$2" -v g="$3" -v r=$R "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("attribute")] == a && f[col("subgroup")] == g && f[col("metric")] == "referrals" {
            printf "%.0f\n", f[col("mean")] * r }' "$1/subgroups.csv"
}

echo "== 2. growth per source"
all=$(count "$tmp/growth" all all)
self=$(count "$tmp/growth" referral_source self_referral)
gp=$(count "$tmp/growth" referral_source gp_referral)
check "growth.cfg: sources add up to all referrals ($gp + $self = $all)" \
    test $((gp + self)) -eq "$all"
# verdict ALL SELF GP_RATE SELF_RATE GP_GROWTH SELF_GROWTH: "total share" if the counts fit.
verdict() {
    awk -v all="$1" -v self="$2" -v g="$3" -v s="$4" -v gg="$5" -v sg="$6" -v r=$R 'BEGIN {
        Y = 365.25; t0 = 13 * 7; t1 = 65 * 7
        e_g = (gg == 0) ? g / 7 * (t1 - t0) : g / 7 * Y / log(1 + gg) * ((1 + gg)^(t1 / Y) - (1 + gg)^(t0 / Y))
        e_s = (sg == 0) ? s / 7 * (t1 - t0) : s / 7 * Y / log(1 + sg) * ((1 + sg)^(t1 / Y) - (1 + sg)^(t0 / Y))
        mu = r * (e_g + e_s); p = e_s / (e_g + e_s)
        zt = (all - mu) / sqrt(mu); zs = (self / all - p) / sqrt(p * (1 - p) / all)
        printf "      expected %.0f referrals (got %d, z = %.2f), self share %.4f (got %.4f, z = %.2f)\n", mu, all, zt, p, self / all, zs > "/dev/stderr"
        printf "%s %s\n", (zt < 3.29 && zt > -3.29) ? "total" : "-", (zs < 3.29 && zs > -3.29) ? "share" : "-"
    }'
}
v=$(verdict "$all" "$self" 20 60 0 0.5)
check "growth.cfg: referrals in the window as the two rates give them" test "${v% *}" = total
check "growth.cfg: self-referral share as the two rates give it" test "${v#* }" = share
v=$(verdict "$all" "$self" 20 60 0.5 0)
check "growth on the wrong source would be seen (total and share)" test "$v" = "- -"

echo "== 3. replayed weekly counts"
file_counts() { grep -v '^#' tests/referrals/weekly.csv | tail -n +2 | cut -d, -f2; }
file_counts >"$tmp/counts"
# the file shifted by one week: week k's mean is row k + 1's
{ tail -n +2 "$tmp/counts"; tail -n 1 "$tmp/counts"; } >"$tmp/shifted"
awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
    { print f[col("replication")], f[col("week")], f[col("referrals")] }' \
    "$tmp/replay/timeseries.csv" >"$tmp/weeks"
# chi2 COUNTS: "fit disp zero" words for the fit, the spread and the empty week.
chi2() {
    awk -v r=$R 'function q(df, z) { return df * (1 - 2 / (9 * df) + z * sqrt(2 / (9 * df)))^3 }
        FNR == NR { c[NR - 1] = $1; n = NR; next }
        { x[$2, $1] = $3; s[$2] += $3 }
        END {
            for (k = 0; k < n; k++) {
                m = s[k] / r
                if (c[k] == 0) { zero += s[k]; continue }
                K++; fit += (m - c[k])^2 / (c[k] / r)
                for (i = 0; i < r; i++) disp += (x[k, i] - m)^2 / c[k]
            }
            df = K * (r - 1)
            printf "      fit %.1f (99.9%%: %.1f, %d weeks); spread %.1f in [%.1f, %.1f]; week of 0: %d\n", fit, q(K, 3.09), K, disp, q(df, -3.09), q(df, 3.09), zero > "/dev/stderr"
            printf "%s %s %s\n", fit < q(K, 3.09) ? "fit" : "-", (disp > q(df, -3.09) && disp < q(df, 3.09)) ? "disp" : "-", zero == 0 ? "zero" : "-"
        }' "$1" "$tmp/weeks"
}
weeks=$(awk '{ print $2 }' "$tmp/weeks" | sort -un | wc -l)
check "replay.cfg: timeseries.csv holds the file's 78 weeks (got $weeks)" test "$weeks" -eq 78
v=$(chi2 "$tmp/counts")
check "replay.cfg: weekly means fit the file's counts (chi-square)" test "${v%% *}" = fit
check "replay.cfg: replications vary as Poisson counts" test "$(echo "$v" | cut -d' ' -f2)" = disp
check "replay.cfg: no referral in the week of 0" test "${v##* }" = zero
h=$(sha256sum tests/referrals/weekly.csv | cut -d' ' -f1)
check "replay.cfg: manifest.json names the counts file with its SHA-256" \
    grep -q "\"weekly_counts\": {\"path\": \"[^\"]*/tests/referrals/weekly.csv\", \"hash\": \"sha256:$h\"}" \
    "$tmp/replay/manifest.json"
v=$(chi2 "$tmp/shifted")
check "the file shifted by a week would not fit" test "${v%% *}" = "-"

echo "== 4. a federation: a service's overrides replace the base's way, scale applies to it"
run run tests/referrals/federation.cfg -r 2 -q -o "$tmp/fed"
expect_rc 0 "federation.cfg runs"
want_b=$(file_counts | awk '{ s += $1 } END { printf "%.4f", 2 * s / NR }')
got=$(awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
    { printf "%s=%.4f ", f[col("service")], f[col("referrals_per_week")] }' "$tmp/fed/services.csv")
check "federation.cfg: services.csv rates A=30.0000 B=$want_b (got $got)" \
    test "$got" = "A=30.0000 B=$want_b "

echo "== the CSV file and the keys: errors name file, line, column and value"
bad_run() { # NAME PATTERN ARGS...
    br_name=$1
    br_pat=$2
    shift 2
    run check "$@"
    expect_rc 2 "$br_name"
    expect_err "$br_pat" "$br_name"
}
printf 'week,referrals\n1,50\n2,abc\n' >"$tmp/nonnum.csv"
bad_run "a count that is not a number" \
    'nonnum.csv:3: referrals.weekly_counts: column "referrals" must be a number in \[0, 100000\].*\(got "abc"\)' \
    tests/referrals/base.cfg --set "referrals.weekly_counts=$tmp/nonnum.csv"
bad_run "a path from --set is taken from the current folder" \
    '--set referrals.weekly_counts=no_such.csv: referrals.weekly_counts: cannot read "no_such.csv": No such file' \
    tests/referrals/base.cfg --set referrals.weekly_counts=no_such.csv
bad_run "--set of gp_per_week alone on a per_week scenario" \
    'referrals.self_per_week: missing' tests/referrals/base.cfg --set referrals.gp_per_week=10
# A --set of one entry of seasonality beside a replayed file is refused at the --set, as a
# --set of the whole array is: until 2026-12-08 the entry counted as the file's (a --set
# marks the entry, not its array) and was silently reset with the rest to 1.0.
bad_run "--set of one seasonality entry beside --set weekly_counts" \
    '^--set referrals.seasonality\[7\]=0.5: referrals.seasonality: cannot be given with referrals.weekly_counts' \
    tests/referrals/base.cfg --set referrals.weekly_counts=tests/referrals/weekly.csv \
    --set 'referrals.seasonality[7]=0.5'
bad_run "--set of the whole seasonality beside --set weekly_counts" \
    '^--set referrals.seasonality=.*: referrals.seasonality: cannot be given with referrals.weekly_counts' \
    tests/referrals/base.cfg --set referrals.weekly_counts=tests/referrals/weekly.csv \
    --set 'referrals.seasonality=[1.0,1.0,1.0,1.0,1.0,1.0,1.0,0.5,1.0,1.0,1.0,1.0]'
run check tests/referrals/base.cfg --set referrals.gp_per_week=10 --set referrals.self_per_week=5
expect_rc 0 "--set gp_per_week and self_per_week replace per_week and its share"
check "  ... and the resolved scenario has no per_week" sh -c "! grep -q 'per_week = 60' '$tmp/out'"
mkfifo "$tmp/fifo.csv"
rc=0
timeout 20 "$bin" check tests/referrals/base.cfg --set "referrals.weekly_counts=$tmp/fifo.csv" \
    >"$tmp/out" 2>"$tmp/err" || rc=$?
expect_rc 2 "a FIFO as the file (read would block for ever)"
expect_err 'fifo.csv": is a named pipe \(FIFO\), not a CSV file' "a FIFO as the file"
run check tests/referrals/replay.cfg --set horizon_weeks=60
expect_rc 2 "a file shorter than the run"
expect_err 'weekly_counts: "weekly.csv" holds 78 weeks, but the run lasts 86' "a file shorter than the run"
run check tests/referrals/replay.cfg --set horizon_weeks=60 --set referrals.weekly_counts_repeat=true
expect_rc 0 "a file shorter than the run, repeated"
finish
