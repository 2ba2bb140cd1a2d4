#!/bin/sh
# make test's passes side by side, so the suite uses both cores: the sanitizer pass runs in
# the background while the optimised pass and then the loader's fuzzer run in the
# foreground; once those are done the foreground takes sanitizer tests too, the two
# sharing what is left of that pass (run-tests.sh's QUEUE), whose report is printed whole
# at the end in test order. Tests are deterministic and keep their files in their own
# temporary folders, so running two at once changes no result, only the time.
# The optimised pass runs every check. The sanitizer pass is for memory errors and
# undefined behaviour, which need each code path once: there the tests that replicate for
# statistics run each scenario small and leave their statistical checks to the optimised
# pass (tests/harness.h, tests/lib.sh), which keeps the suite within its ten minutes.
# Exits 1 if any pass failed.
# Usage: tests/run-passes.sh BUILD_DIR SAN_BUILD_DIR FUZZ_SECONDS   (from the repo root;
# LSAN_OPTIONS as the Makefile sets it)
set -u
unset STEPSIM_SANITIZER_PASS # the optimised pass runs every check, whatever the caller set

if [ $# -ne 3 ]; then
    echo "usage: $0 BUILD_DIR SAN_BUILD_DIR FUZZ_SECONDS" >&2
    exit 2
fi
build=$1
san=$2
fuzz_seconds=$3
here=$(cd "$(dirname "$0")" && pwd)
queue=$(mktemp -d "${TMPDIR:-/tmp}/run-passes.XXXXXX") || exit 1
sanpid=
# A freed block waits in the sanitizer's quarantine before reuse, so that a use after free
# hits poisoned memory: 64 MB of it, not the default 256. Loading England churns through
# the 256 MB (`check england`: 88,600 page faults and 1.6 s, against 31,300 and 1.2 s), which
# made test_federation a fifth slower (41 s against 33 s, each alone).
san_env="detect_leaks=1:quarantine_size_mb=64"
trap 'rm -rf "$queue"' EXIT
# Interrupted: the background pass goes too (a background job ignores SIGINT).
trap '[ -n "$sanpid" ] && kill "$sanpid" 2>/dev/null; rm -rf "$queue"; exit 130' INT TERM

echo "== sanitizer pass ($san) started in the background; its report follows the others"
# STEPSIM_SANITIZER_PASS=1 gives the shell tests the pass's smaller scope (tests/lib.sh), as
# the sanitizer build gives the C tests theirs (tests/harness.h).
STEPSIM_SANITIZER_PASS=1 ASAN_OPTIONS=$san_env \
    "$here/run-tests.sh" "$san" "$queue" >"$queue/worker.log" 2>&1 &
sanpid=$!

echo "== optimised pass ($build)"
"$here/run-tests.sh" "$build"
plain=$?
${MAKE:-make} --no-print-directory fuzz FUZZ_SECONDS="$fuzz_seconds"
fuzz=$?

# The sanitizer tests not yet claimed, on this core too.
STEPSIM_SANITIZER_PASS=1 ASAN_OPTIONS=$san_env \
    "$here/run-tests.sh" "$san" "$queue" >>"$queue/worker.log" 2>&1
wait "$sanpid"
echo "== sanitizer pass ($san)"
cat "$queue/worker.log" # empty unless a worker could not start
"$here/run-tests.sh" --report "$queue"
sanrc=$?

[ $plain -eq 0 ] && [ $fuzz -eq 0 ] && [ $sanrc -eq 0 ] && exit 0
echo "make test: failed:$([ $plain -ne 0 ] && echo " optimised pass")$([ $sanrc -ne 0 ] &&
    echo " sanitizer pass")$([ $fuzz -ne 0 ] && echo " fuzzer")" >&2
exit 1
