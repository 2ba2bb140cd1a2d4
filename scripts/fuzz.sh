#!/bin/sh
# Run the loader's fuzzer (built by `make fuzz`) for SECONDS: seeds from scenarios/ and
# tests/bad/ (its CSV files as "--csv " seeds), the growing corpus in BUILD/corpus, findings saved in BUILD/ (crash-*,
# timeout-*, oom-*, leak-*). Prints libFuzzer's figures (executions, coverage, corpus) and
# exits non-zero on a finding.
# Usage: scripts/fuzz.sh BUILD SECONDS
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 BUILD SECONDS" >&2
    exit 2
fi
build=$1
secs=$2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$build/corpus" "$build/seeds"
cp "$root"/scenarios/*.cfg "$root"/tests/bad/*.cfg "$build/seeds/"
# The harness's traps (a FIFO beside the directory of tests/bad/include_directory.cfg),
# named where libconfig follows an @include and where it does not.
printf '@include "include/base.cfg"\n/* @include "include/fifo.cfg" */\nname = "\n@include \\"include/fifo.cfg\\"";\n# @include "include/fifo.cfg"\n @include "include/fifo.cfg"\n' \
    >"$build/seeds/trap_fifo.cfg"
# The CSV reader of referrals.weekly_counts: "--csv " and a file's text (tests/fuzz_scn.c).
for f in "$root"/tests/bad/data/*.csv; do
    { printf -- '--csv '; cat "$f"; } >"$build/seeds/csv_$(basename "$f")"
done
log="$build/fuzz.log"
echo "fuzz: tests/fuzz_scn.c for ${secs} s (log: $log)"
rc=0
LSAN_OPTIONS=suppressions="$root/tests/lsan.supp" ASAN_OPTIONS=detect_leaks=1 \
    "$build/tests/fuzz_scn" -max_total_time="$secs" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/" \
    "$build/corpus" "$build/seeds" >"$log" 2>&1 || rc=$?
# The last status line and the final statistics.
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
if [ $rc -ne 0 ]; then
    echo "fuzz: FINDING (exit $rc): see $log and the input saved in $build/:" >&2
    grep -E 'FINDING|ERROR|SUMMARY|Test unit written' "$log" >&2 || true
    exit 1
fi
echo "fuzz: no finding"
