#!/bin/sh
# Scaling benchmarks of the whole program, appended to BUILD_DIR/bench.csv (bench.sh's
# format: benchmark,n,events_per_s,reference_events_per_s,ratio,peak_rss_kb):
#   scale_threads_J    the baseline, 40 replications, -j J (J = 1, 2): replications a
#                      second; reference = -j 1; ratio = the speed-up
#   scale_mpi_NxJ      the same under mpirun -n N (N = 2, 3) with -j J threads in each
#                      (skipped without MPI); peak RSS is rank 0's
#   england_10y_jJ     scenarios/england.cfg, one replication (ten years, 120 services),
#                      -j J (J = 1, 2): referrals a second; reference = -j 1; n = referrals
#   england_10y_cpu_vs_x1  England (x140 as it is organised) against x1 over the same ten
#                      years: England's referrals per CPU second at -j 1; reference = the
#                      baseline's (one service at scale 1, England's warm-up and horizon,
#                      20 replications at -j 1); ratio = the per-referral rate at x140
#                      as a share of x1's (the size curve's measure, whole program)
# Wall and CPU seconds are printed beside each row: on a shared machine the wall-clock
# speed-ups only mean something when nothing else runs.
# Each row also checks that its outputs are byte-identical to -j 1's (every file but
# manifest.json): a scaling figure for different results would be no figure.
# BENCH_ENGLAND=0 skips the England rows (they take minutes).
#   scripts/bench-scaling.sh BUILD_DIR   (bench.sh runs it)
set -u

B=$1
CSV=$B/bench.csv
BIN=$B/stepsim
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-scaling.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
export OMPI_MCA_orte_tmpdir_base="$TMP"
status=0

digest() {
    (cd "$1" && find . -type f ! -name manifest.json | LC_ALL=C sort | xargs sha256sum)
}

# timed OUT CMD...: run CMD under /usr/bin/time; sets secs and rss_kb (the largest
# resident set among the processes it waited for: under mpirun, the largest rank's).
timed() {
    out=$1
    shift
    /usr/bin/time -f '%e %M %U %S' -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err" || {
        echo "bench-scaling: failed: $*" >&2
        sed 's/^/    /' "$TMP/err" >&2
        status=1
        return 1
    }
    read -r secs rss_kb usr sys <"$TMP/time"
    cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
    if [ -n "${ref_dir:-}" ] && [ "$(digest "$out")" != "$(digest "$ref_dir")" ]; then
        echo "bench-scaling: $* wrote different results from -j 1" >&2
        status=1
    fi
}

row() { # name n rate reference_rate rss [label of the ratio]
    ratio=$(awk -v a="$3" -v b="$4" 'BEGIN { if (b > 0) printf "%.3f", a / b }')
    echo "$1,$2,$3,$4,$ratio,$5" >>"$CSV"
    printf '%-22s %10s %12s/s  %s %6s  peak RSS %s kB  (%s s wall, %s s CPU)\n' \
        "$1" "$2" "$3" "${6:-speed-up}" "$ratio" "$5" "$secs" "$cpu"
}

reps=40
base="scenarios/baseline.cfg -r $reps -q"
echo "baseline, $reps replications (replications a second; speed-up against -j 1):"
ref_dir=""
ref_rate=""
for j in 1 2; do
    # shellcheck disable=SC2086
    timed "$TMP/j$j" "$BIN" run $base -j "$j" -o "$TMP/j$j" || continue
    rate=$(awk -v n="$reps" -v s="$secs" 'BEGIN { printf "%.3f", n / s }')
    [ "$j" = 1 ] && ref_rate=$rate && ref_dir=$TMP/j1
    row "scale_threads_$j" "$reps" "$rate" "$ref_rate" "$rss_kb"
done
if "$BIN" --version | grep -q '^MPI: Open MPI' && command -v mpirun >/dev/null 2>&1; then
    for nj in 2x1 3x1 2x2; do
        n=${nj%x*}
        j=${nj#*x}
        # shellcheck disable=SC2086
        timed "$TMP/m$nj" mpirun --oversubscribe --allow-run-as-root -n "$n" "$BIN" run $base \
            -j "$j" -o "$TMP/m$nj" || continue
        rate=$(awk -v n="$reps" -v s="$secs" 'BEGIN { printf "%.3f", n / s }')
        row "scale_mpi_$nj" "$reps" "$rate" "$ref_rate" "$rss_kb"
    done
else
    echo "(no MPI build or no mpirun: MPI rows skipped)"
fi

if [ "${BENCH_ENGLAND:-1}" != 0 ]; then
    echo "england.cfg, one replication of ten years, 120 services (referrals a second):"
    ref_dir=""
    ref_rate=""
    e_refs=""
    e_cpu=""
    e_rss=""
    for j in 1 2; do
        timed "$TMP/e$j" "$BIN" run scenarios/england.cfg -r 1 -q -j "$j" -o "$TMP/e$j" ||
            continue
        refs=$(awk "$(cat scripts/csv.awk)"'NR == 1 { header($0); next } { csv($0, f) }
            f[col("metric")] == "referrals" { print f[col("mean")] }' "$TMP/e$j/summary.csv")
        rate=$(awk -v n="$refs" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
        [ "$j" = 1 ] && ref_rate=$rate && ref_dir=$TMP/e1 && e_refs=$refs && e_cpu=$cpu &&
            e_rss=$rss_kb
        row "england_10y_j$j" "$refs" "$rate" "$ref_rate" "$rss_kb"
    done
    # x1 over England's ten years (england.cfg: warm-up 52 weeks, 468 measured): each
    # replication is one England service at scale 1 and staffing 1.
    x1_reps=20
    ref_dir=""
    if [ -z "$e_cpu" ]; then
        echo "england_10y_cpu_vs_x1: skipped (England's -j 1 run failed)"
    elif timed "$TMP/x1" "$BIN" run scenarios/baseline.cfg -r "$x1_reps" -q \
        -j 1 --set warmup_weeks=52 --set horizon_weeks=468 -o "$TMP/x1"; then
        x1_refs=$(awk "$(cat scripts/csv.awk)"'NR == 1 { header($0); next } { csv($0, f) }
            f[col("metric")] == "referrals" { print f[col("mean")] }' "$TMP/x1/summary.csv")
        x1_rate=$(awk -v n="$x1_refs" -v r="$x1_reps" -v c="$cpu" \
            'BEGIN { if (c > 0) printf "%.0f", n * r / c }')
        e_rate=$(awk -v n="$e_refs" -v c="$e_cpu" 'BEGIN { if (c > 0) printf "%.0f", n / c }')
        echo "per referral: England (120 services, $e_cpu s CPU) against x1 (the baseline, $x1_reps" \
            "replications of the same ten years), referrals per CPU second; England's peak RSS," \
            "the x1 run's time:"
        row "england_10y_cpu_vs_x1" "$e_refs" "$e_rate" "$x1_rate" "$e_rss" "x140/x1"
    fi
fi
exit $status
