#!/bin/sh
# The benchmark programs (bench/*.c, built by make all) still build and tell the truth,
# without timing anything (speed is `make bench`'s business):
# - the engine and its hand-written reference simulate the same thing: the calendar's hold
#   trial and the binary heap's end on the same clock, and the M/M/c engine, next-event
#   loop, heap loop and FIFO recursion report the same mean wait, bit for bit (the same
#   draws from the same streams: any difference is a bug in the engine's ordering);
# - a bench_core CSV row has the six columns of build/bench.csv and the ratio of its rates;
# - bench_model runs a short model trial; bench_memory measures an 8 MB buffer;
# - bad arguments exit 2 with a message naming what was wrong.
# Usage: tests/test_bench.sh BUILD_DIR
set -u

name=test_bench
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
b=$build/bench

for p in bench_core bench_mmc bench_model bench_memory; do
    if [ -x "$b/$p" ]; then
        ok "$p built"
    else
        bad "$p not built ($b/$p)"
        echo "$pass passed, $fail failed"
        exit 1
    fi
done

# brun PROG ARGS...: run a benchmark program, status in $rc, streams in $tmp/out, $tmp/err.
brun() {
    p=$1
    shift
    "$b/$p" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}
# checksum: the checksum a `trial` printed ("NAME N: R per s, checksum C, peak RSS K kB").
checksum() { sed -n 's/.*checksum \([^,]*\),.*/\1/p' "$tmp/out"; }

echo "== engine against reference, same draws"
brun bench_core trial hold-engine 1000
expect_rc 0 "hold-engine 1000"
eng=$(checksum)
brun bench_core trial hold-ref 1000
expect_rc 0 "hold-ref 1000"
ref=$(checksum)
if [ -n "$eng" ] && [ "$eng" = "$ref" ]; then
    ok "hold: the calendar and the binary heap end on the same clock ($eng)"
else
    bad "hold: calendar clock '$eng', binary heap '$ref'"
fi

first=""
for t in mmc-engine mmc-ref mmc-heap mmc-fifo; do
    brun bench_mmc trial "$t" 20000
    expect_rc 0 "$t 20000"
    c=$(checksum)
    [ -z "$first" ] && first=$c
    if [ -n "$c" ] && [ "$c" = "$first" ]; then
        ok "$t: mean wait $c, as mmc-engine's"
    else
        bad "$t: mean wait '$c', mmc-engine's '$first'"
    fi
done

echo "== a CSV row"
brun bench_core --csv "$tmp/bench.csv" --no-header hold 100
expect_rc 0 "bench_core --csv hold 100"
# The row holds the rates rounded to whole events (%.0f: each off by at most 0.5, over
# 10^6 a second) and the ratio of the unrounded rates to 4 decimals (%.4f: off by at most
# 5e-5), so the ratio of the rounded rates differs from it by at most 5e-5 + r x 1e-6.
if awk -F, 'NF != 6 || $1 != "hold" || $2 != 100 || !($3 > 0) || !($4 > 0) { exit 1 }
        { r = $3 / $4; d = r - $5; if (d < 0) d = -d; if (d > 5e-5 + 1e-6 * r) exit 1 }
        END { if (NR != 1) exit 1 }' "$tmp/bench.csv"; then
    ok "hold 100: one row of six columns, ratio = engine / reference"
else
    bad "hold 100: unexpected CSV:"
    sed 's/^/      /' "$tmp/bench.csv"
fi

echo "== bench_model and bench_memory"
brun bench_model trial 0.05
expect_rc 0 "bench_model trial 0.05"
if grep -Eq '0\.05 years: [1-9][0-9]* referrals, [1-9][0-9]* events' "$tmp/out"; then
    ok "bench_model trial 0.05: referrals and events counted"
else
    bad "bench_model trial 0.05: no counts in: $(cat "$tmp/out")"
fi
brun bench_memory --sizes 8
expect_rc 0 "bench_memory --sizes 8"
if [ "$(grep -Ec '^ +8 +(huge|small) ' "$tmp/out")" -eq 2 ]; then
    ok "bench_memory --sizes 8: a row for huge and for small pages"
else
    bad "bench_memory --sizes 8: rows missing in: $(cat "$tmp/out")"
fi

echo "== bad arguments"
brun bench_core hold
expect_rc 2 "bench_core hold (no N)"
expect_err 'hold needs N in \[1, ' "bench_core hold (no N)"
brun bench_core trial hold-engine 0
expect_rc 2 "bench_core trial hold-engine 0"
expect_err 'trial hold-engine needs N' "bench_core trial hold-engine 0"
brun bench_core trial mmc-engine
expect_rc 2 "bench_core trial mmc-engine"
expect_err "bench_mmc's" "bench_core trial mmc-engine"
brun bench_core --bogus
expect_rc 2 "bench_core --bogus"
expect_err "unknown option '--bogus'" "bench_core --bogus"
brun bench_core rng extra
expect_rc 2 "bench_core rng extra"
expect_err "unexpected argument 'extra'" "bench_core rng extra"
brun bench_mmc trial nope
expect_rc 2 "bench_mmc trial nope"
expect_err 'trial needs one of mmc-engine' "bench_mmc trial nope"
brun bench_mmc trial mmc-ref 5x
expect_rc 2 "bench_mmc trial mmc-ref 5x"
expect_err 'N \(customers\) must be in' "bench_mmc trial mmc-ref 5x"
brun bench_mmc hold
expect_rc 2 "bench_mmc hold"
expect_err "unexpected argument 'hold'" "bench_mmc hold"
brun bench_memory --sizes 8,x
expect_rc 2 "bench_memory --sizes 8,x"
expect_err "expected MB" "bench_memory --sizes 8,x"
brun bench_core --help
expect_rc 0 "bench_core --help"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
