#!/bin/sh
# Run every test: the compiled test binaries in BUILD_DIR/tests/test_*, then the scripts
# tests/test_*.sh (each given BUILD_DIR). Prints each name and result; exits 1 if any failed.
# In the sanitizer pass (a sanitizer build; STEPSIM_SANITIZER_PASS=1 for the scripts) the
# tests that replicate for statistics run small and say what they left to the optimised
# pass in a line "sanitizer pass: ...", shown under their result.
# Usage: tests/run-tests.sh BUILD_DIR
#        tests/run-tests.sh BUILD_DIR QUEUE   (a worker sharing the tests: see below;
#                                              RUN_TESTS_LIVE=1 also prints its results)
#        tests/run-tests.sh --report QUEUE     (the shared run's results, in test order)
# With QUEUE (a directory, empty to start with), the worker claims each test in order by
# creating QUEUE/N.claim (mkdir either makes it or finds it made: one worker wins), runs
# the tests it claimed and leaves each one's report line in QUEUE/N.out; workers started
# on the same BUILD_DIR and QUEUE share the tests between them. --report then prints the
# reports in test order and the tally, and exits 1 if any failed or none ran.
set -u

if [ $# -eq 2 ] && [ "$1" = --report ]; then
    q=$2
    pass=0
    fail=0
    failed=""
    n=$(cat "$q/count" 2>/dev/null || echo 0)
    i=1
    while [ "$i" -le "$n" ]; do
        if [ -f "$q/$i.out" ]; then
            cat "$q/$i.out"
            if head -n 1 "$q/$i.out" | grep -q '^PASS'; then
                pass=$((pass + 1))
            else
                fail=$((fail + 1))
                failed="$failed $(head -n 1 "$q/$i.out" | awk '{ print $2 }')"
            fi
        else
            fail=$((fail + 1))
            failed="$failed (test $i: no report)"
            echo "FAIL  test $i of $n: claimed by no worker, or its worker died"
        fi
        i=$((i + 1))
    done
    echo "$pass passed, $fail failed${failed:+:$failed}"
    [ "$n" -gt 0 ] && [ $fail -eq 0 ]
    exit
fi
if [ $# -ne 1 ] && [ $# -ne 2 ]; then
    echo "usage: $0 BUILD_DIR [QUEUE] | $0 --report QUEUE" >&2
    exit 2
fi
build=$1
queue=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$build/tests" ]; then
    echo "$0: no $build/tests: build first (make all)" >&2
    exit 2
fi

pass=0
fail=0
failed=""
log=$(mktemp "${TMPDIR:-/tmp}/run-tests.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT
trap 'exit 130' INT # and so the log goes (a trap without exit would run on)
trap 'exit 143' TERM

# Run one test; its report (a line, and the test's output on failure) to stdout.
run() {
    name=$1
    shift
    start=$(date +%s)
    "$@" >"$log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    # The harness's last line, "N passed, M failed", when there is one.
    counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1))
        printf 'PASS  %-32s %4ss  %s\n' "$name" "$secs" "$counts"
        # What the test left to the optimised pass, when it ran in the sanitizer pass.
        grep '^sanitizer pass:' "$log" | sed 's/^/      /'
    else
        fail=$((fail + 1))
        failed="$failed $name"
        printf 'FAIL  %-32s %4ss  %s (exit %d)\n' "$name" "$secs" "$counts" "$rc"
        sed 's/^/      /' "$log"
    fi
}

# The tests, in order: one per line, "name<TAB>command" with the command's words split on
# spaces (paths here have none).
list() {
    for t in "$build"/tests/test_*; do
        [ -f "$t" ] && [ -x "$t" ] && printf '%s\t%s\n' "$(basename "$t")" "$t"
    done
    for t in "$here"/test_*.sh; do
        [ -f "$t" ] || continue
        if [ -x "$t" ]; then
            printf '%s\t%s %s\n' "$(basename "$t")" "$t" "$build"
        else
            printf '%s\tsh %s %s\n' "$(basename "$t")" "$t" "$build"
        fi
    done
}

# Workers sharing a queue claim these first, longest first, so that no long test is left
# for the end while the other worker has nothing to do; reports keep the list's order.
# The sanitizer pass's five longest (23 to 38 s each in a clean clone's make test,
# 2026-12-07 18:36 UTC) and the optimised pass's seven (21 to 67 s, 20:22 UTC).
if [ "${STEPSIM_SANITIZER_PASS:-0}" = 1 ]; then
    first="test_explore.sh test_federation.sh test_mpi.sh test_cli.sh test_training.sh"
else
    first="test_workforce test_explore.sh test_therapist test_pages.sh test_flex.sh test_policy test_calibration"
fi

tests=$(list)
if [ -z "$tests" ]; then
    echo "$0: no tests found in $build/tests or $here" >&2
    exit 1
fi
n=$(printf '%s\n' "$tests" | wc -l)
# Each test numbered in the list's order ("i<TAB>name<TAB>command"); a worker takes the
# tests of $first, then the rest.
numbered=$(printf '%s\n' "$tests" | awk '{ print NR "\t" $0 }')
if [ -n "$queue" ]; then
    echo "$n" >"$queue/count"
    numbered=$(printf '%s\n' "$numbered" | awk -F '\t' -v first="$first" '
        BEGIN { k = split(first, f, " "); for (j = 1; j <= k; j++) rank[f[j]] = j }
        { print ($2 in rank ? rank[$2] : k + NR) "\t" $0 }' | sort -n -k1,1 | cut -f 2-)
fi
# The list is read from a here-document, not a pipe, so the tally stays in this shell.
while IFS="$(printf '\t')" read -r i name cmd; do
    if [ -n "$queue" ]; then
        mkdir "$queue/$i.claim" 2>/dev/null || continue # another worker has it
        # shellcheck disable=SC2086 # the command's words
        run "$name" $cmd >"$queue/$i.out.tmp" </dev/null # stdin is the list
        mv "$queue/$i.out.tmp" "$queue/$i.out"
        # RUN_TESTS_LIVE=1: this worker's results shown as they come too (their first line)
        [ "${RUN_TESTS_LIVE:-0}" = 1 ] && head -n 1 "$queue/$i.out"
    else
        # shellcheck disable=SC2086 # the command's words
        run "$name" $cmd </dev/null # stdin is the list
    fi
done <<EOF
$numbered
EOF

[ -n "$queue" ] && exit 0 # the --report run tallies
echo "$pass passed, $fail failed${failed:+:$failed}"
[ $fail -eq 0 ]
