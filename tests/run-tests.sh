#!/bin/sh
# Run every test: the compiled test binaries in BUILD_DIR/tests/test_*, then the scripts
# tests/test_*.sh (each given BUILD_DIR). Prints each name and result; exits 1 if any failed.
# Usage: tests/run-tests.sh BUILD_DIR
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$1
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$build/tests" ]; then
    echo "$0: no $build/tests: build first (make all)" >&2
    exit 2
fi

pass=0
fail=0
failed=""
log=$(mktemp "${TMPDIR:-/tmp}/run-tests.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT INT TERM

# Run one test; its output goes to the log and, on failure, to stdout.
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
    else
        fail=$((fail + 1))
        failed="$failed $name"
        printf 'FAIL  %-32s %4ss  %s (exit %d)\n' "$name" "$secs" "$counts" "$rc"
        sed 's/^/      /' "$log"
    fi
}

found=0
for t in "$build"/tests/test_*; do
    if [ -f "$t" ] && [ -x "$t" ]; then
        found=1
        run "$(basename "$t")" "$t"
    fi
done
for t in "$here"/test_*.sh; do
    [ -f "$t" ] || continue
    found=1
    if [ -x "$t" ]; then
        run "$(basename "$t")" "$t" "$build"
    else
        run "$(basename "$t")" sh "$t" "$build"
    fi
done
if [ $found -eq 0 ]; then
    echo "$0: no tests found in $build/tests or $here" >&2
    exit 1
fi

echo "$pass passed, $fail failed${failed:+:$failed}"
[ $fail -eq 0 ]
