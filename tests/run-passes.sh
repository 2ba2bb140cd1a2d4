#!/bin/sh
# make test's passes side by side, so the suite uses both cores to its end. Each pass is a
# queue of tests (run-tests.sh's QUEUE) that two workers share: the background worker
# takes the sanitizer pass's tests and, when none are left, the optimised pass's; the
# foreground worker runs the loader's fuzzer (one core), then takes the optimised pass's
# tests, then what is left of the sanitizer pass's. So both cores are busy until the
# last test or two. (Until 2026-12-07 the optimised pass and then the fuzzer ran in the
# foreground alone: the sanitizer pass ran out first and for the last 90 s of the suite
# one core had nothing to do.) The foreground prints each of its results as it comes; the
# two passes' reports are printed whole at the end, in test order. Tests are deterministic
# and keep their files in their own temporary folders, so running two at once changes no
# result, only the time.
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
queues=$(mktemp -d "${TMPDIR:-/tmp}/run-passes.XXXXXX") || exit 1
optq=$queues/optimised
sanq=$queues/sanitizer
mkdir "$optq" "$sanq" || exit 1
bgpid=
# A freed block waits in the sanitizer's quarantine before reuse, so that a use after free
# hits poisoned memory: 64 MB of it, not the default 256. Loading England churns through
# the 256 MB (`check england`: 88,600 page faults and 1.6 s, against 31,300 and 1.2 s), which
# made test_federation a fifth slower (41 s against 33 s, each alone).
san_env="detect_leaks=1:quarantine_size_mb=64"
trap 'rm -rf "$queues"' EXIT
# Interrupted or hung up: the background worker goes too, with the test it is running (a
# background job ignores SIGINT, so Ctrl-C reaches only the foreground). The worker runs in
# a process group of its own (setsid) so that one signal reaches all of it, and is waited
# for before its queue goes: until 2026-12-08 only its shell was killed, and its current
# test ran on to its end. (A command a test runs under `timeout` is in a group of its own,
# as GNU timeout makes one, and runs on to its end or its limit.)
trap '[ -n "$bgpid" ] && kill -TERM "-$bgpid" 2>/dev/null && wait "$bgpid"; rm -rf "$queues"; exit 130' INT TERM HUP

# A worker's share of the sanitizer pass. STEPSIM_SANITIZER_PASS=1 gives the shell tests
# the pass's smaller scope (tests/lib.sh), as the sanitizer build gives the C tests theirs
# (tests/harness.h).
san_worker() {
    STEPSIM_SANITIZER_PASS=1 ASAN_OPTIONS=$san_env "$here/run-tests.sh" "$san" "$sanq"
}

echo "== both passes on two workers: the optimised pass's results as they come, both reports at the end"
# shellcheck disable=SC2016 # the worker's script, its values as arguments
setsid sh -c 'STEPSIM_SANITIZER_PASS=1 ASAN_OPTIONS=$1 "$2/run-tests.sh" "$3" "$4"
              "$2/run-tests.sh" "$5" "$6"' sh "$san_env" "$here" "$san" "$sanq" "$build" "$optq" \
    >"$queues/worker.log" 2>&1 </dev/null &
bgpid=$!

${MAKE:-make} --no-print-directory fuzz FUZZ_SECONDS="$fuzz_seconds"
fuzz=$?
RUN_TESTS_LIVE=1 "$here/run-tests.sh" "$build" "$optq"
san_worker >>"$queues/worker.log" 2>&1
wait "$bgpid"
bgpid= # gone: nothing for the trap to stop
cat "$queues/worker.log" # empty unless a worker could not start
echo "== optimised pass ($build)"
"$here/run-tests.sh" --report "$optq"
plain=$?
echo "== sanitizer pass ($san)"
"$here/run-tests.sh" --report "$sanq"
sanrc=$?

[ $plain -eq 0 ] && [ $fuzz -eq 0 ] && [ $sanrc -eq 0 ] && exit 0
echo "make test: failed:$([ $plain -ne 0 ] && echo " optimised pass")$([ $sanrc -ne 0 ] &&
    echo " sanitizer pass")$([ $fuzz -ne 0 ] && echo " fuzzer")" >&2
exit 1
