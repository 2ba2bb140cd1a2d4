#!/bin/sh
# Run every benchmark in BUILD_DIR/bench and collect the figures in BUILD_DIR/bench.csv.
#
#   scripts/bench.sh BUILD_DIR        (make bench calls it with build)
#
# bench.csv is rewritten on each run: one header line, then one row per benchmark:
#   benchmark,n,events_per_s,reference_events_per_s,ratio,peak_rss_kb
# events_per_s is the engine's rate in the benchmark's own unit (events for hold_*,
# customers for mmc_*, draws for rng_*, loads for memory_*, model events for model_*_Ny,
# referrals for model_*_Ny_referrals, referrals per CPU second for the size curve's
# model_*_xK_Ny_referrals and for england_10y_cpu_vs_x1; scripts/bench-scaling.sh lists its
# own rows);
# ratio = engine / reference, and the reference columns are empty where there is no
# reference. The mmc reference is a hand-written next-event loop; the size curve's is its
# first size (x1).
#
# Adding a benchmark: drop bench/<name>.c in; the Makefile builds it into BUILD_DIR/bench/
# and this script runs it after bench_core and bench_mmc as
# `<name> --csv BUILD_DIR/bench.csv`. It should print its own lines and append rows (no
# header) in the format above.
set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
B=$1
CSV=$B/bench.csv
CORE=$B/bench/bench_core
MMC=$B/bench/bench_mmc
if [ ! -x "$CORE" ] || [ ! -x "$MMC" ]; then
    echo "bench.sh: $CORE or $MMC not built (run make bench)" >&2
    exit 1
fi

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
[ -n "$cpu" ] || cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=unknown
machine="$(nproc) CPUs, $cpu, $(uname -sr)"
when=$(date '+%Y-%m-%d %H:%M:%S %z')

echo 'benchmark,n,events_per_s,reference_events_per_s,ratio,peak_rss_kb' >"$CSV"
echo "stepsim benchmarks — $when"
echo "machine: $machine"
echo "bench_core, bench_mmc: rates are the best of 3 (bench_mmc: 7) alternating engine/reference trials, each in its own process"
echo

failed=""
run() {
    "$@" || failed="$failed
  $*"
}

run "$CORE" --csv "$CSV" hold 100
for n in 1000 10000 100000 1000000; do
    run "$CORE" --csv "$CSV" --no-header hold "$n"
done
run "$MMC" --csv "$CSV" --no-header
run "$CORE" --csv "$CSV" --no-header rng

# Everything else in BUILD_DIR/bench that is a program (skip objects and dep files).
for exe in "$B"/bench/*; do
    case $exe in
    "$CORE" | "$MMC" | *.o | *.d) continue ;;
    esac
    if [ ! -f "$exe" ] || [ ! -x "$exe" ]; then continue; fi
    echo
    echo "== $(basename "$exe")"
    run "$exe" --csv "$CSV"
done

echo
echo "== scaling: threads, MPI ranks, England (scripts/bench-scaling.sh)"
run sh "$(dirname "$0")/bench-scaling.sh" "$B"

echo
echo "Summary ($CSV) — $when"
echo "machine: $machine"
awk -F, '
function rate(x) {
    if (x == "") return "-"
    if (x >= 1e9) return sprintf("%.2fG", x / 1e9)
    if (x >= 1e6) return sprintf("%.2fM", x / 1e6)
    if (x >= 1e3) return sprintf("%.2fk", x / 1e3)
    return sprintf("%.1f", x)
}
NR == 1 { printf "%-28s %9s %12s %12s %7s %12s\n", "benchmark", "n", "engine/s", "reference/s", "ratio", "peak_rss_kB"; next }
{ printf "%-28s %9s %12s %12s %7s %12s\n", $1, $2, rate($3), rate($4), ($5 == "" ? "-" : sprintf("%.3f", $5)), $6 }
' "$CSV"

if [ -n "$failed" ]; then
    echo "bench.sh: failed:$failed" >&2
    exit 1
fi
