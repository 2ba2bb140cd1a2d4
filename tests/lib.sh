# shellcheck shell=sh
# Shared by the shell tests (sourced, not run): argument check, a scratch directory,
# PASS/FAIL counting, the sanitizer pass's smaller scope and running stepsim with its exit
# status and streams kept.
# The sourcing script sets `name` first; after sourcing, $top is the repository root,
# $bin the stepsim under test and $tmp a scratch directory removed on exit.
# Usage of a test: tests/test_NAME.sh BUILD_DIR   (run from anywhere)

unset CDPATH # a cd that finds its directory through CDPATH prints it

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "$0: no directory $1" >&2; exit 2; }
# shellcheck disable=SC2034 # used by the sourcing test
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$build/stepsim
if [ ! -x "$bin" ]; then
    echo "$0: no $bin: build first (make all)" >&2
    exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/${name:?set name before sourcing lib.sh}.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
stat_left=0
ok() { pass=$((pass + 1)); echo "PASS  $1"; }
bad() { fail=$((fail + 1)); echo "FAIL  $1"; }
# check NAME COMMAND...: pass if the command succeeds.
check() {
    ck_name=$1
    shift
    if "$@"; then ok "$ck_name"; else bad "$ck_name"; fi
}

# The sanitizer pass (STEPSIM_SANITIZER_PASS=1: tests/run-passes.sh and `make SANITIZE=...
# test` export it) hunts memory errors and undefined behaviour, for which each code path
# once is enough: there a test runs its scenarios at small size (reps) and leaves the
# checks that need many replications (statistical) to the optimised pass, which runs them all.
sanitizer_pass() { [ "${STEPSIM_SANITIZER_PASS:-}" = 1 ]; }
# reps N [SMALL]: N replications, or SMALL in the sanitizer pass (default 2, the fewest a
# paired interval takes).
reps() { if sanitizer_pass; then echo "${2:-2}"; else echo "$1"; fi; }
# statistical CHECK...: run a check (check, expect_err, a test's own) whose answer needs
# many replications; in the sanitizer pass, count it as left to the optimised pass instead
# (finish says how many).
statistical() {
    if sanitizer_pass; then stat_left=$((stat_left + 1)); else "$@"; fi
}

# run ARGS...: run stepsim, keeping the exit status in $rc and the streams in files.
run() {
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# expect_rc WANT NAME: the last run exited with WANT (and so was not killed by a signal).
expect_rc() {
    if [ "$rc" -eq "$1" ]; then
        ok "$2: exit $1"
    else
        bad "$2: exit $1 expected, got $rc"
        sed 's/^/      stderr: /' "$tmp/err" | head -n 5
    fi
}

# variant NAME REPLICATIONS OVERRIDES WHAT [RUN ARGS...]: the baseline with OVERRIDES (a
# libconfig overrides body), written as $tmp/NAME.cfg and run into $tmp/NAME; WHAT names
# the run in its exit check. Every variant is a file of the same name including one copy
# of the baseline, so outputs compare byte for byte (--set would add itself to the name).
variant() {
    [ -f "$tmp/baseline.cfg" ] || cp "$top/scenarios/baseline.cfg" "$tmp/baseline.cfg"
    printf '@include "baseline.cfg"\noverrides = { %s };\n' "$3" >"$tmp/$1.cfg"
    va_name=$1
    va_reps=$2
    va_what=$4
    shift 4
    run run "$tmp/$va_name.cfg" -r "$va_reps" -q -o "$tmp/$va_name" "$@"
    expect_rc 0 "$va_what"
}

# expect_err PATTERN NAME: stderr of the last run matches the extended regex PATTERN.
expect_err() {
    if grep -Eq -- "$1" "$tmp/err"; then
        ok "$2: message matches /$1/"
    else
        bad "$2: message should match /$1/; stderr was:"
        sed 's/^/      /' "$tmp/err" | head -n 5
    fi
}

# finish: the tally, and the exit status of the test (0 if nothing failed).
finish() {
    [ "$stat_left" -eq 0 ] || echo "sanitizer pass: $stat_left statistical" \
        "check$([ "$stat_left" -eq 1 ] || echo s) left to the optimised pass"
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

# serve_up PORT LOG SCENARIO [OPTION...]: start `stepsim serve SCENARIO` on PORT in the
# background (its pid in $server, the port in $sv_port) and wait up to 10 s for it to say
# where it listens. free_port: a port free on 127.0.0.1 now (python3).
serve_up() {
    sv_port=$1
    sv_log=$2
    shift 2
    "$bin" serve "$@" --port "$sv_port" 2>"$sv_log" &
    server=$!
    i=0
    while [ $i -lt 100 ] && ! grep -q 'playground is at' "$sv_log"; do
        sleep 0.1
        i=$((i + 1))
    done
}
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# first_referrals DIR: per replication ("r n" lines), referrals less re-referrals in
# DIR/flow.csv. A re-referral follows an outcome, so a lever may move it; a first referral
# it may not (who arrives never depends on the service).
first_referrals() {
    awk "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("kind")] == "stage" && f[col("name")] == "referred" { n[f[col("replication")]] += f[col("count")] }
        f[col("kind")] == "stage" && f[col("name")] == "re_referred" { n[f[col("replication")]] -= f[col("count")] }
        END { for (r = 0; r in n; r++) print r, n[r] }' "$1/flow.csv"
}

# same_outputs A B WHAT: every file of run directory A but manifest.json and report.html
# (which name the run and its time) byte for byte in B, a check each.
same_outputs() {
    for so_f in "$1"/*; do
        so_b=$(basename "$so_f")
        case $so_b in manifest.json | report.html) continue ;; esac
        check "$3: $so_b identical" cmp -s "$so_f" "$2/$so_b"
    done
}

# compare_diff DIR SCENARIO METRIC: "mean low high" of SCENARIO less the reference, its
# paired 95% interval (DIR/compare.csv), for the predicates below.
compare_diff() {
    awk -v s="$2" -v m="$3" "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next }
        { csv($0, f) }
        f[col("scenario")] == s && f[col("metric")] == m {
            print f[col("diff_mean")], f[col("diff_ci_low")], f[col("diff_ci_high")] }' \
        "$1/compare.csv"
}

# metric DIR NAME [COLUMN]: a column (default mean) of the metric's row in DIR/summary.csv.
metric() {
    awk -v m="$2" -v c="${3:-mean}" "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next }
        { csv($0, f) } f[col("metric")] == m { print f[col(c)] }' "$1/summary.csv"
}

# rep_sum DIR NAME: the metric summed over the replications (DIR/replications.csv): the
# dashboard's diary counts check against it.
rep_sum() {
    awk -v m="$2" "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("metric")] == m { n += f[col("value")] } END { print n + 0 }' "$1/replications.csv"
}

# subgroup DIR SUBGROUP METRIC: "mean low high" of the subgroup's metric (DIR/subgroups.csv).
subgroup() {
    awk -v g="$2" -v m="$3" "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next }
        { csv($0, f) } f[col("subgroup")] == g && f[col("metric")] == m {
            print f[col("mean")], f[col("ci_low")], f[col("ci_high")] }' "$1/subgroups.csv"
}

# all_unlike_summary DIR: each metric subgroups.csv's "all" row shares with summary.csv
# whose mean, sd or interval differ by a single character (none: no output), then a line
# "N metrics compared". The two take each figure from the same numerator and denominator.
all_unlike_summary() {
    awk "$(cat "$top/scripts/csv.awk")"'FNR == 1 { header($0); file++; next } { csv($0, f) }
        file == 1 { s[f[col("metric")]] = f[col("mean")] "|" f[col("sd")] "|" \
            f[col("ci_low")] "|" f[col("ci_high")]; next }
        f[col("subgroup")] == "all" && (f[col("metric")] in s) { n++
            v = f[col("mean")] "|" f[col("sd")] "|" f[col("ci_low")] "|" f[col("ci_high")]
            if (v != s[f[col("metric")]]) print f[col("metric")] ": all " v ", summary " s[f[col("metric")]] }
        END { print n + 0 " metrics compared" }' "$1/summary.csv" "$1/subgroups.csv"
}

# exits DIR NAME: the exit's count summed over replications (DIR/flow.csv).
exits() {
    awk -v e="$2" "$(cat "$top/scripts/csv.awk")"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("kind")] == "exit" && f[col("name")] == e { n += f[col("count")] }
        END { print n + 0 }' "$1/flow.csv"
}

# paired A B METRIC [FILE]: "mean low high" of B less A over the replications, its paired 95%
# interval (scripts/paired.awk), from the runs' FILE (default replications.csv).
paired() { paired_metrics "$1" "$3" "$2" "$3" "${4:-}"; }

# paired_metrics A MA B MB [FILE]: the same for metric MB of B less metric MA of A (two
# figures of the same replications: A and B may be one run).
paired_metrics() {
    awk -v m="$2" -v m2="$4" "$(cat "$top/scripts/csv.awk")
$(cat "$top/scripts/paired.awk")" "$1/${5:-replications.csv}" "$3/${5:-replications.csv}"
}

# equal A B: A is not empty and B is the same text.
equal() { [ -n "$1" ] && [ "$1" = "$2" ]; }

# Predicates on a paired difference "mean low high" (its 95% interval), for check: the
# interval above 0, below 0, or holding 0.
above() { set -- $1; awk -v l="$2" 'BEGIN { exit !(l > 0) }'; }
below() { set -- $1; awk -v h="$3" 'BEGIN { exit !(h < 0) }'; }
zero_in() { set -- $1; awk -v l="$2" -v h="$3" 'BEGIN { exit !(l <= 0 && h >= 0) }'; }
# near_zero "mean low high" B: the interval within [-B, B].
near_zero() { set -- $1 "$2"; awk -v l="$2" -v h="$3" -v b="$4" 'BEGIN { exit !(l >= -b && h <= b) }'; }
# no_difference "mean low high" H: for a difference that theory makes exactly 0 in
# expectation (the same people and draws, a change that cannot reach the figure): the mean
# within twice the 95% half-width h of 0, and h at most H. With n paired replications the
# mean is off by more than 2h with probability P(|t_{n-1}| > 2 q), q the interval's
# quantile: 2e-3 at 8, 5e-4 at 20, 4e-4 at 24 to 40 (from 32, q is the normal's 1.96), so
# a correct model does not fail it by chance, where "the interval holds 0" fails one
# change in twenty that moved nothing. The bound on h gives it power: a true difference
# of 3h or more (so of 3H) fails with probability at least 97.5%.
no_difference() {
    set -- $1 "$2"
    awk -v m="$1" -v l="$2" -v h="$3" -v b="$4" 'BEGIN { w = (h - l) / 2; num = "^[-+]?[.0-9]"
        exit !(m ~ num && l ~ num && h ~ num && w <= b && m <= 2 * w && m >= -2 * w) }'
}
