#!/bin/sh
# Open MPI: `mpirun -n 1/2/3 stepsim run` and `-j 1/2` write the bytes one process writes
# with the same seed (every file but manifest.json, which holds times and the ranks used),
# and so do `compare` and `sweep` on 2 ranks, a federation's patients.csv and events.csv
# on 1 and 2 ranks, and `sweep` (of a federation too) and
# `sensitivity` with one replication a point on 3 ranks (points spread over the ranks, a
# rank given one shown by failing it); manifest.json records the ranks; a rank whose
# replications fail ends the run with exit 1, a message naming the rank, and the previous
# outputs in OUTDIR whole (nothing published, no staging folder left); a SIGINT to rank 0
# ends the run after the replications under way (exit 130, not the other ranks' shares
# later), within a simulated week of one long replication, and a rank killed ends the job
# with OUTDIR whole.
# mpirun runs with --oversubscribe (more ranks than cores) and --allow-run-as-root (CI runs
# as root). Skipped (passing, with a note) when stepsim was built without MPI.
# Under the sanitizer build, leak detection is off for the mpirun runs only: Open MPI does
# not free what it allocates at start-up, in components it unloads at MPI_Finalize, so
# LeakSanitizer cannot name them to suppress (tests/lsan.supp); address and undefined-
# behaviour checks stay on, and the same code paths' leaks are checked by the one-process
# runs of the other tests.
# Usage: tests/test_mpi.sh BUILD_DIR   (run from anywhere; needs BUILD_DIR/stepsim)
set -u

name=test_mpi
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

cd "$top" || exit 2
if ! "$bin" --version | grep -q '^MPI: Open MPI' || ! command -v mpirun >/dev/null 2>&1; then
    echo "SKIP  stepsim built without MPI, or no mpirun: $("$bin" --version | tail -n 1)"
    finish
    exit
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# Open MPI's shared-memory transport wants a writable session folder; keep it in $tmp.
export OMPI_MCA_orte_tmpdir_base="$tmp"

# mpirun_ N ARGS...: stepsim on N ranks, exit status in $rc, streams in files.
mpirun_() {
    np=$1
    shift
    mpirun --oversubscribe --allow-run-as-root -n "$np" "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
}

# digest DIR: the SHA-256 of every file under DIR but manifest.json files, by path.
digest() {
    (cd "$1" && find . -type f ! -name manifest.json | LC_ALL=C sort | xargs sha256sum)
}

# same NAME DIR: DIR holds the reference's bytes.
same() {
    if [ "$(digest "$2")" = "$(digest "$ref")" ]; then
        ok "$1: every file but manifest.json identical to one process"
    else
        bad "$1: files differ from one process:"
        digest "$2" >"$tmp/d2"
        digest "$ref" | diff - "$tmp/d2" | head -n 6 | sed 's/^/      /'
    fi
}

# spread WHAT DIR NP ARGS...: stepsim ARGS with -j 1 on one process (into $ref,
# $tmp/DIR.ref) and on NP ranks (into $tmp/DIR); both exit 0 and write the same bytes.
spread() {
    sp_what=$1 sp_dir=$2 sp_np=$3
    shift 3
    ref=$tmp/$sp_dir.ref
    run "$@" -j 1 -o "$ref"
    expect_rc 0 "$sp_what, one process"
    mpirun_ "$sp_np" "$@" -j 1 -o "$tmp/$sp_dir"
    expect_rc 0 "$sp_what, mpirun -n $sp_np"
    same "$sp_what, mpirun -n $sp_np" "$tmp/$sp_dir"
}

# A small service, 5 replications (more than ranks, not a multiple of 2 or 3), no streams.
small="tests/golden/small.cfg -r 5 --set output.patients=false --set output.events=false -q"

echo "== run: one process, then 1, 2, 3 ranks"
ref=$tmp/ref
# shellcheck disable=SC2086
run run $small -j 1 -o "$ref"
expect_rc 0 "one process"
for np in 1 2 3; do
    # shellcheck disable=SC2086
    mpirun_ "$np" run $small -j 1 -o "$tmp/n$np"
    expect_rc 0 "mpirun -n $np -j 1"
    same "mpirun -n $np -j 1" "$tmp/n$np"
done
# shellcheck disable=SC2086
mpirun_ 2 run $small -j 2 -o "$tmp/n2j2"
expect_rc 0 "mpirun -n 2 -j 2"
same "mpirun -n 2 -j 2" "$tmp/n2j2"
check "manifest.json: 3 ranks" grep -q '"ranks": 3,' "$tmp/n3/manifest.json"
# Progress off a terminal, every replication (STEPSIM_PROGRESS_SECONDS=0): with more ranks
# than replications a rank holds none, and its answer repeated the last line until
# 2026-12-08 (-n 3 -r 2: "2/2 replications" twice).
STEPSIM_PROGRESS_SECONDS=0 mpirun_ 3 run tests/golden/small.cfg -r 2 -q -j 1 \
    --set output.patients=false --set output.events=false -o "$tmp/n3r2"
expect_rc 0 "mpirun -n 3 -r 2"
check "progress: the last line once" test "$(grep -c ': 2/2 replications' "$tmp/err")" -eq 1
check "manifest.json: 1 rank alone" grep -q '"ranks": 1,' "$ref/manifest.json"

echo "== compare on 2 ranks"
cmp="tests/golden/small.cfg scenarios/expert_door.cfg -r 3 --set horizon_weeks=8
     --set warmup_weeks=2 --set followup_weeks=2 --set output.patients=false
     --set output.events=false -q"
# shellcheck disable=SC2086
spread compare c2 2 compare $cmp

echo "== sweep on 2 ranks (each point's replications spread)"
sw="tests/golden/small.cfg -r 3 --set output.patients=false --set output.events=false
    --vary staff.pwp.headcount=2:4 -q"
# shellcheck disable=SC2086
spread sweep s2 2 sweep $sw

echo "== sweep and sensitivity points spread over 3 ranks (one replication a point)"
# With one replication a point, only a batch of points can give ranks 1 and 2 any work:
# rank 2 failing on purpose shows it was handed a point.
sw1="tests/golden/small.cfg -r 1 --set output.patients=false --set output.events=false
     --vary staff.pwp.headcount=2:5 -q"
# shellcheck disable=SC2086
spread "sweep -r 1" s3 3 sweep $sw1
# shellcheck disable=SC2086
STEPSIM_TEST_FAIL_RANK=2 mpirun_ 3 sweep $sw1 -j 1 -o "$tmp/s3f"
expect_rc 1 "sweep -r 1, rank 2 fails: it ran a point"
expect_err 'rank 2: injected failure' "sweep -r 1, rank 2 fails"
# A federation's points: each point's services go with it to the rank that runs it (three
# points a batch, each rank's share of them its own services).
swf="tests/federation/three.cfg -r 1 --set output.patients=false --set output.events=false
     --vary staff.pwp.headcount=2:4 -q"
# shellcheck disable=SC2086
spread "sweep of a federation -r 1" f3 3 sweep $swf

# Its progress counts rank 0's services as they finish (the batch's replications beside
# them), as one process counts its own; until 2026-12-08 nothing until rank 0's share ended.
STEPSIM_PROGRESS_SECONDS=0 mpirun_ 2 run tests/federation/three.cfg -r 2 -q -j 1 \
    --set output.patients=false --set output.events=false -o "$tmp/fp2"
expect_rc 0 "a federation on 2 ranks, progress every step"
check "progress: rank 0's services counted as they finish" \
    grep -q '^stepsim: three: 0/2 replications, 1/3 services' "$tmp/err"

echo "== a federation's patients.csv and events.csv on 1 and 2 ranks"
# A run with streams stays in rank 0 (runner.h): every service's rows, the same bytes.
# shellcheck disable=SC2086
spread "run of a federation with its streams, -r 2, 1 rank" fs1 1 run tests/federation/three.cfg -r 2 -q
# shellcheck disable=SC2086
mpirun_ 2 run tests/federation/three.cfg -r 2 -q -j 1 -o "$tmp/fs2"
expect_rc 0 "run of a federation with its streams, mpirun -n 2"
same "run of a federation with its streams, mpirun -n 2" "$tmp/fs2"
check "its patients.csv has every service's rows" \
    test "$(awk -F, 'NR > 1 { print $NF }' "$tmp/fs2/patients.csv" | sort -u | wc -l)" -eq 3
sens="tests/golden/small.cfg -r 1 --samples 2 --set output.patients=false
      --set output.events=false --vary staff.pwp.headcount=2:5 -q"
# shellcheck disable=SC2086
spread "sensitivity -r 1" e3 3 sensitivity $sens

echo "== a failed rank"
keep=$tmp/keep
cp -r "$tmp/n2" "$keep"
before=$(digest "$keep")
# shellcheck disable=SC2086
STEPSIM_TEST_FAIL_RANK=2 mpirun_ 3 run $small -j 1 -o "$keep"
expect_rc 1 "rank 2 fails"
expect_err 'rank 2: injected failure' "rank 2 fails"
if [ "$(digest "$keep")" = "$before" ]; then
    ok "rank 2 fails: the previous outputs are whole"
else
    bad "rank 2 fails: the previous outputs changed"
fi
litter=$(find "$tmp" -maxdepth 1 -name '.keep*' | wc -l)
if [ "$litter" -eq 0 ]; then ok "rank 2 fails: no staging folder left"; else
    bad "rank 2 fails: $litter staging folders left"; fi

echo "== a stop signal to rank 0, and a rank killed"
# rank_pid R DIR: the process of rank R writing into DIR (empty while there is none).
rank_pid() {
    for p in $(pgrep -f -- "-o $2\$"); do
        if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1"; then
            echo "$p"
            return
        fi
    done
}
# long_run DIR [ARGS...]: 2,000 baseline replications on 2 ranks in the background (pid in
# $mp), under a 60 s timeout: each rank's share of 1,000 takes two minutes and more here
# (0.12 s a replication optimised), so a run that waited for the shares ends by the timeout
# (124), not with 130; ARGS instead of "-r 2000"; returns once rank 0 has made its staging
# folder and rank 1 is there (at most 30 s).
long_run() {
    lr_dir=$1
    shift
    [ $# -gt 0 ] || set -- -r 2000
    timeout 60 mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" run scenarios/baseline.cfg \
        "$@" -j 1 -q -o "$lr_dir" >"$tmp/out" 2>"$tmp/err" &
    mp=$!
    i=0
    while [ $i -lt 300 ] && { [ -z "$(find "$tmp" -maxdepth 1 -name ".$(basename "$lr_dir").stage.*")" ] ||
        [ -z "$(rank_pid 1 "$lr_dir")" ]; }; do
        sleep 0.1
        i=$((i + 1))
    done
}
sig=$tmp/sig
cp -r "$tmp/n2" "$sig"
before=$(digest "$sig")
# A stop to rank 0 ends the run after the replications under way, as in one process: rank
# 0 no longer waits for the other ranks' whole shares (the run went on for a minute after a
# Ctrl-C, until 2026-12-07: here it would meet the timeout); it ends the job (MPI_Abort),
# 130.
long_run "$sig"
kill -s INT "$(rank_pid 0 "$sig")"
wait "$mp"
rc=$?
expect_rc 130 "SIGINT to rank 0 (not the timeout's 124)"
expect_err "interrupted by SIGINT: this run's results are discarded" "SIGINT to rank 0: says so"
check "SIGINT to rank 0: the previous outputs are whole" test "$(digest "$sig")" = "$before"
check "SIGINT to rank 0: no staging folder left" test -z "$(find "$tmp" -maxdepth 1 -name '.sig.*')"
# One long replication a rank (100 years at 40 times baseline's referrals: minutes each):
# a SIGINT to rank 0 ends its own within a simulated week (the model reads the stop flag
# weekly), then the job, within 20 s. Until 2026-12-07 rank 0 finished its replication
# first: here the timeout's 124.
long_run "$sig" -r 2 --max-memory 1T --set referrals.per_week=10000 --set horizon_weeks=5200
sleep 1
t0=$(date +%s)
kill -s INT "$(rank_pid 0 "$sig")"
wait "$mp"
rc=$?
took=$(($(date +%s) - t0))
expect_rc 130 "SIGINT to rank 0 in one long replication a rank"
check "SIGINT to rank 0 in one long replication: the job ends within 20 s (took $took s)" \
    test "$took" -le 20
check "SIGINT to rank 0 in one long replication: the previous outputs are whole" \
    test "$(digest "$sig")" = "$before"
# A rank killed: mpirun ends the job (its exit status), stopping rank 0 with SIGTERM and,
# a second later, SIGKILL; whichever ends it, nothing is published, and no staging folder
# outlives the next run. mpirun may return before rank 0 is gone (a sanitizer build's
# rank 0 was still cleaning up), and a run started then leaves a live process's staging
# folder alone: the next run waits for rank 0 to end (at most 30 s).
long_run "$sig"
rank0=$(rank_pid 0 "$sig")
kill -9 "$(rank_pid 1 "$sig")"
wait "$mp"
rc=$?
check "rank 1 killed: the job ends, not 0 nor timeout's 124 (exit $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
i=0
while [ -n "$rank0" ] && kill -0 "$rank0" 2>/dev/null && [ $i -lt 300 ]; do
    sleep 0.1
    i=$((i + 1))
done
check "rank 1 killed: rank 0 ends too" sh -c "! kill -0 '$rank0' 2>/dev/null"
check "rank 1 killed: the previous outputs are whole" test "$(digest "$sig")" = "$before"
# shellcheck disable=SC2086
run run $small -j 1 -o "$sig"
expect_rc 0 "the next run"
check "the next run: no staging folder left" test -z "$(find "$tmp" -maxdepth 1 -name '.sig.*')"

finish
