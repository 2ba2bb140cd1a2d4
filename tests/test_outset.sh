#!/bin/sh
# Output sets end to end: OUTDIR only ever holds one whole run. A later run replaces every
# file of an earlier one (no stale patients.csv, no stale compare folder); manifest.json
# lists every file with size and SHA-256 and `sha256sum -c` agrees; SIGINT and SIGTERM at
# several moments (publishing included) leave exactly one complete set and no litter, exit
# 130 / 143 (signals sent once the run has begun: before that a background job from sh
# ignores SIGINT); a second SIGINT exits at once and the next run removes its staging; a full
# file system (tmpfs, when this user may mount one) and a write refused by RLIMIT_FSIZE
# fail with the cause named and the old set whole (a run whose streamed files would not fit
# warned before it runs), and so does stdout into a full disk; one long replication is
# stopped by SIGINT within seconds, not at its end; a
# folder stepsim did not write is refused with exit 2.
# Usage: tests/test_outset.sh BUILD_DIR
set -u

name=test_outset
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2

small=tests/golden/small.cfg
quick="--set horizon_weeks=8 --set warmup_weeks=2 --set followup_weeks=2"

# verify DIR: every file the manifest lists is there with its digest, and nothing else is.
verify() {
    [ -f "$1/manifest.json" ] || return 1
    sed -n 's/.*"name": "\([^"]*\)", "bytes": [0-9]*, "sha256": "\([0-9a-f]*\)".*/\2  \1/p' \
        "$1/manifest.json" >"$tmp/sums" || return 1
    [ -s "$tmp/sums" ] || return 1
    (cd "$1" && sha256sum -c --quiet "$tmp/sums") >/dev/null 2>&1 || return 1
    listed=$(($(wc -l <"$tmp/sums") + 1))
    present=$(find "$1" -mindepth 1 -maxdepth 1 | wc -l)
    [ "$listed" -eq "$present" ]
}
# litter DIR: names of staging or set-aside folders beside DIR (none expected).
litter() {
    find "$(dirname "$1")" -mindepth 1 -maxdepth 1 -name ".$(basename "$1").*"
}

echo "== a set, and a second run replacing it whole"
out=$tmp/run
# shellcheck disable=SC2086
run run "$small" -q -o "$out" --patients --events $quick
expect_rc 0 "run with streams"
check "manifest verifies with sha256sum (streams listed)" verify "$out"
check "patients.csv listed" grep -q '"name": "patients.csv"' "$out/manifest.json"
# shellcheck disable=SC2086
run run "$small" -q -o "$out" --set output.patients=false --set output.events=false $quick
expect_rc 0 "run without streams into the same folder"
if [ -e "$out/patients.csv" ] || [ -e "$out/events.csv" ]; then
    bad "the earlier run's patients.csv / events.csv are gone"
else
    ok "the earlier run's patients.csv / events.csv are gone"
fi
check "second set verifies" verify "$out"
if [ -z "$(litter "$out")" ]; then ok "no litter"; else bad "litter: $(litter "$out")"; fi

echo "== compare into a folder that held more scenarios"
cmp=$tmp/cmp
sc=scenarios
# shellcheck disable=SC2086
run compare $sc/baseline.cfg $sc/more_pwps.cfg $sc/fewer_hits.cfg -r 1 -q -o "$cmp" $quick
expect_rc 0 "compare three"
check "the third scenario's folder is there" test -d "$cmp/fewer_hits"
# shellcheck disable=SC2086
run compare $sc/baseline.cfg $sc/more_pwps.cfg -r 1 -q -o "$cmp" $quick
expect_rc 0 "compare two into the same folder"
if [ -d "$cmp/fewer_hits" ]; then bad "the third scenario's folder is gone"; else ok "the third scenario's folder is gone"; fi
check "compare.csv there" test -s "$cmp/compare.csv"
check "each scenario's set verifies" verify "$cmp/more_pwps"

echo "== interrupts"
# A complete set to protect; then a long run interrupted.
long="-r 400 -j 1" # about 100 s of the baseline: never done before the signal
base=$tmp/int
run run "$small" -q -o "$base" $quick
expect_rc 0 "a set to protect"
sha256sum "$base"/* >"$tmp/before.sum"
# started PID: wait (up to 60 s) until the run has made its staging folder, so the signal
# finds the handlers in place (a shell starts background jobs with SIGINT ignored, and a
# sanitizer build takes a while to get going).
started() {
    i=0
    while [ -z "$(litter "$base")" ] && kill -0 "$1" 2>/dev/null && [ $i -lt 600 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}
for sig in INT TERM; do
    for delay in 0 0.3 1; do
        # shellcheck disable=SC2086
        "$bin" run scenarios/baseline.cfg -q -o "$base" $long >/dev/null 2>"$tmp/err" &
        pid=$!
        started "$pid"
        sleep "$delay"
        kill -s "$sig" "$pid"
        wait "$pid"
        rc=$?
        want=130
        [ "$sig" = TERM ] && want=143
        if [ "$rc" -eq "$want" ]; then ok "SIG$sig after ${delay}s: exit $want"; else bad "SIG$sig after ${delay}s: exit $want expected, got $rc"; fi
        if sha256sum -c --quiet "$tmp/before.sum" >/dev/null 2>&1 && verify "$base"; then
            ok "SIG$sig after ${delay}s: the old set is whole"
        else
            bad "SIG$sig after ${delay}s: the old set changed"
        fi
        if [ -z "$(litter "$base")" ]; then ok "SIG$sig after ${delay}s: no litter"; else bad "SIG$sig after ${delay}s: litter $(litter "$base")"; fi
    done
done
expect_err "interrupted by SIGTERM.*discarded" "the message says what was lost"

# Interrupts spread over a short run's whole life, publishing included: whichever set
# is there afterwards is whole, and nothing else is.
i=0
for delay in 0.02 0.05 0.08 0.11 0.14 0.17 0.2 0.25 0.3 0.4; do
    i=$((i + 1))
    "$bin" run "$small" -q -o "$base" -r 2 --patients --events >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -s INT "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    if { [ "$rc" -eq 0 ] || [ "$rc" -eq 130 ]; } && verify "$base" && [ -z "$(litter "$base")" ]; then
        ok "interrupt $i (${delay}s, exit $rc): one whole set, no litter"
    else
        bad "interrupt $i (${delay}s, exit $rc): set or litter wrong: $(ls -a "$(dirname "$base")")"
    fi
done

# A second SIGINT exits at once; the staging it leaves is removed by the next run.
# shellcheck disable=SC2086
"$bin" run scenarios/baseline.cfg -q -o "$base" $long >/dev/null 2>&1 &
pid=$!
started "$pid"
sleep 0.3
kill -s INT "$pid"
sleep 0.05
kill -s INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" -eq 130 ]; then ok "second SIGINT: exit 130 at once"; else bad "second SIGINT: exit 130 expected, got $rc"; fi
check "second SIGINT: the old set is whole" verify "$base"
run run "$small" -q -o "$base" $quick
expect_rc 0 "the next run"
if [ -z "$(litter "$base")" ]; then ok "the next run removed the dead run's staging"; else bad "staging left: $(litter "$base")"; fi

# One long replication (a service 40 times baseline's referrals for 100 years: minutes of
# one replication here) is stopped within a simulated week of the signal, not after it:
# exit 130 within 20 s, nothing published. Until 2026-12-07 the runner read its stop flag
# only between replications, and this run went on to its end (killed here at 20 s).
sha256sum "$base"/* >"$tmp/before.sum"
"$bin" run scenarios/baseline.cfg -q -o "$base" -r 1 -j 1 --max-memory 1T \
    --set referrals.per_week=10000 --set horizon_weeks=5200 >/dev/null 2>"$tmp/err" &
pid=$!
started "$pid"
sleep 1
kill -s INT "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
    kill -s KILL "$pid"
    wait "$pid"
    bad "one long replication: still running 20 s after SIGINT (killed)"
else
    wait "$pid"
    rc=$?
    expect_rc 130 "one long replication: SIGINT ends it (within $((i / 10)) s)"
fi
expect_err "interrupted by SIGINT: this run's results are discarded" "one long replication: says so"
check "one long replication: the old set is whole" verify "$base"
check "one long replication: the old set's files unchanged" sha256sum -c --quiet "$tmp/before.sum"
if [ -z "$(litter "$base")" ]; then ok "one long replication: no litter"; else
    bad "one long replication: litter $(litter "$base")"
    run run "$small" -q -o "$base" $quick # the killed run's staging removed
fi

echo "== write failures"
sha256sum "$base"/* >"$tmp/before.sum"
# RLIMIT_FSIZE: writes fail with EFBIG part-way through a stream (stepsim ignores SIGXFSZ,
# which would end it with its staging folder left behind: it did until 2026-12-06).
(ulimit -f 64; exec "$bin" run "$small" -q -o "$base" --events) >/dev/null 2>"$tmp/err"
rc=$?
expect_rc 1 "a write refused part-way"
expect_err "cannot write .*File too large" "the cause is named"
# A stream's rows go to a hidden part file a replication; the message names the file they
# were for (it named '.events.csv.r0.part', gone when the message was read, until 2026-12-07).
expect_err "cannot write '$base/(patients|events).csv' \(replication [0-9]+'s rows\): File too large" \
    "a stream: named as published, with its replication"
check "the old set is untouched" sha256sum -c --quiet "$tmp/before.sum"
if [ -z "$(litter "$base")" ]; then ok "no litter after a write failure"; else bad "litter: $(litter "$base")"; fi
# 400 KB: every CSV of the small set fits, report.html (~650 KB, the chart library inlined)
# does not; its message names the cause as the CSVs' do (it once said only "cannot write").
(ulimit -f 400; exec "$bin" run "$small" -q -o "$base" $quick \
    --set output.patients=false --set output.events=false) >/dev/null 2>"$tmp/err"
rc=$?
expect_rc 1 "report.html refused"
expect_err "cannot write .*report.html': File too large" "report.html: the cause is named"
# The file is named where it would have been published, not in the staging folder that is
# gone when the message is read ('.base.stage.123.AbCdEf/report.html' until 2026-12-06).
expect_err "cannot write '$base/report.html': File too large \(nothing is published: $base is as it was before the run\)" \
    "report.html: named in OUTDIR, and OUTDIR said to be kept"
check "the old set is untouched after the page failed" sha256sum -c --quiet "$tmp/before.sum"

# What is printed on stdout is output too: a dashboard or sweep table into a full disk
# (/dev/full here) fails the command, the cause named (it exited 0, the log empty, until
# 2026-12-07); the files, published before, are whole.
if [ -w /dev/full ]; then
    "$bin" run "$small" -o "$tmp/shown" $quick >/dev/full 2>"$tmp/err"
    rc=$?
    expect_rc 1 "run's dashboard into a full disk"
    expect_err "^stepsim: cannot write to standard output: No space left on device" \
        "run's dashboard: the cause is named"
    check "run's dashboard: the set is whole" verify "$tmp/shown"
    "$bin" sweep "$small" --vary staff.pwp.headcount=3,4 -r 1 -o "$tmp/swept" $quick \
        >/dev/full 2>"$tmp/err"
    rc=$?
    expect_rc 1 "sweep's table into a full disk"
    expect_err "^stepsim: cannot write to standard output: No space left on device" \
        "sweep's table: the cause is named"
    # And --help, which wrote into nothing with exit 0; it publishes no files, and says none.
    "$bin" --help >/dev/full 2>"$tmp/err"
    rc=$?
    expect_rc 1 "--help into a full disk"
    expect_err "^stepsim: cannot write to standard output: No space left on device$" \
        "--help: the cause is named, no output files spoken of"
fi

full=$tmp/full
mkdir -p "$full"
# 1.5 MB: a small set (its report.html inlines ~0.5 MB of chart library) fits; a second
# set with the streams, beside the first, does not.
if mount -t tmpfs -o size=1536k tmpfs "$full" 2>/dev/null; then
    run run "$small" -q -o "$full/run" --set output.patients=false --set output.events=false $quick
    expect_rc 0 "a small set fits"
    sha256sum "$full/run"/* >"$tmp/before.sum"
    run run "$small" -q -o "$full/run" --events
    expect_rc 1 "a full file system"
    expect_err "No space left on device" "the cause is named"
    # Said before it runs (until 2026-12-07 the run went its length first): the files'
    # estimate (a referral or pre-filled person at the most the shipped scenarios write),
    # twice it while parts are joined, against the space free.
    expect_err "^stepsim: warning: patients.csv, events.csv and arrivals.csv would take about [0-9.]+ MiB$" \
        "the files' size against the free space, said first"
    check "and the free space" grep -q "file system has [0-9.]* KiB free: the run will stop" "$tmp/err"
    run run "$small" -q -o "$tmp/roomy" --events
    check "no such warning where there is room" sh -c "! grep -q 'would take about' '$tmp/err'"
    check "the old set is untouched" sha256sum -c --quiet "$tmp/before.sum"
    if [ -z "$(litter "$full/run")" ]; then ok "no litter on a full disk"; else bad "litter: $(litter "$full/run")"; fi
    umount "$full"
    # Room for report.html (written first, ~700 KB) and not for every CSV: the CSV that
    # fails is named as published, not by its temporary name ('replications.csv.tmp.4711'
    # until 2026-12-07).
    mount -t tmpfs -o size=800k tmpfs "$full"
    run run "$small" -q -o "$full/run" --set output.patients=false --set output.events=false $quick
    expect_rc 1 "a file system full after report.html"
    expect_err "^stepsim: cannot write '$full/run/[a-z_]+\.(csv|json)': No space left on device \(nothing is published" \
        "a CSV that fails is named as published"
    if [ -z "$(ls -A "$full")" ]; then ok "nothing left on the full file system"; else bad "left: $(ls -A "$full")"; fi
    umount "$full"
else
    echo "SKIP  full tmpfs: this user may not mount one (CI runs as root and does)"
fi

echo "== folders stepsim may not make"
# A file system that takes no folders: the user's choice of place, exit 2 (it was 1, with
# only "No such file or directory", until 2026-12-06).
if [ -d /proc/self ]; then
    run run "$small" -q -o /proc/stepsim_out $quick
    expect_rc 2 "-o under /proc"
    expect_err "a file system that takes no new folders" "-o under /proc: says why"
fi

echo "== folders stepsim may not replace"
mkdir -p "$tmp/mine"
echo precious >"$tmp/mine/thesis.tex"
run run "$small" -q -o "$tmp/mine" $quick
expect_rc 2 "a folder of other files"
expect_err "did not write" "the refusal says why"
check "the folder is left alone" grep -q precious "$tmp/mine/thesis.tex"
# A web project's manifest.json is not stepsim's: its folder is not replaced.
mkdir -p "$tmp/web/src" && echo '{"name": "app"}' >"$tmp/web/manifest.json"
echo keep >"$tmp/web/src/main.js"
run run "$small" -q -o "$tmp/web" $quick
expect_rc 2 "a folder with another program's manifest.json"
check "its files left alone" grep -q keep "$tmp/web/src/main.js"
run run "$small" -q -o . $quick
expect_rc 2 "-o ."
# A symbolic link to a set: the swap would replace the link, not its folder. Refused,
# saying so, the link and its folder as they were.
run run "$small" -q -o "$tmp/linked" $quick
ln -s "$tmp/linked" "$tmp/link"
run run "$small" -q -o "$tmp/link" $quick
expect_rc 2 "-o a symbolic link"
expect_err "is a symbolic link" "-o a symbolic link: why"
check "the link is left as it was" test -L "$tmp/link" -a -f "$tmp/linked/manifest.json"
# A folder that cannot be made is the user's choice: exit 2, as any bad input.
echo text >"$tmp/afile"
run run "$small" -q -o "$tmp/afile/sub" $quick
expect_rc 2 "-o below a file"
# Named as the README names it, a folder, with the output folder the file is in the way of
# (it said "output directory '.../afile' exists and is not a directory", as if -o were
# the file; one level deeper "cannot create directory").
expect_err "^stepsim: cannot create output folder '$tmp/afile/sub': '$tmp/afile' exists and is not a folder\$" \
    "-o below a file: why"
run run "$small" -q -o "$tmp/afile/sub/deeper" $quick
expect_rc 2 "-o two below a file"
expect_err "^stepsim: cannot create output folder '$tmp/afile/sub/deeper': '$tmp/afile' exists and is not a folder\$" \
    "-o two below a file: why"
run run "$small" -q -o "$tmp/afile" $quick
expect_rc 2 "-o a file"
expect_err "^stepsim: output folder '$tmp/afile' exists and is not a folder\$" "-o a file: why"
# A symbolic link to nothing in the way is named as one (it was "cannot create folder
# '.../dangling': it exists and is not a folder", of a path that is not there).
ln -s "$tmp/nowhere" "$tmp/dangling"
run run "$small" -q -o "$tmp/dangling/sub" $quick
expect_rc 2 "-o below a link to nothing"
expect_err "^stepsim: cannot create output folder '$tmp/dangling/sub': '$tmp/dangling' is a symbolic link to nothing\$" \
    "-o below a link to nothing: why"
check "-o below a link to nothing: the link is left as it was" test -L "$tmp/dangling" -a ! -e "$tmp/nowhere"
long=$(printf 'l%.0s' $(seq 1 240))
run run "$small" -q -o "$tmp/$long" $quick
expect_rc 2 "-o with a name too long for its staging folder"
expect_err "use a shorter name" "a name too long: what to do"
# A path past the system's limit (4096 here): the message said "cannot create folder" and
# 1000 characters of the path, cut before its cause, until 2026-12-07.
deep=$(printf 'abcdefghi/%.0s' $(seq 1 410))x
run run "$small" -q -o "$tmp/$deep" $quick
expect_rc 2 "-o a path of 4100 characters"
expect_err "^stepsim: the output folder's path is [0-9]+ characters long; this system takes [0-9]+ for a path" \
    "-o a path of 4100 characters: says so, whole"
check "-o a path of 4100 characters: no folder left" test ! -e "$tmp/abcdefghi"

echo "== a refused command leaves no folders behind"
# Missing parents of OUTDIR are made for the set and taken back when nothing is published
# (a sweep refused at a point once left them).
run sweep "$small" --vary staff.pwp.headcount=3,-1 -r 1 -q -o "$tmp/made/deeper/sw" $quick
expect_rc 2 "a sweep refused at its second point"
check "no parent folder left" test ! -e "$tmp/made"
printf 'targets = ( { metric = "nope"; value = 0.5; tolerance = 0.1; } );\n' >"$tmp/bad_targets.cfg"
run calibrate "$small" --targets "$tmp/bad_targets.cfg" -q -o "$tmp/made/cal"
expect_rc 2 "calibrate with a bad targets file"
check "no parent folder left by calibrate" test ! -e "$tmp/made"
# Exactly the folders made are taken back: never one that was there before (through a
# '..' in the path a walk up the path once removed an empty folder that was), and all of
# them however the path is spelt.
mkdir -p "$tmp/paths/old"
for o in new/../old/out new/./y 'a//b/c//d' ./x/y p/q/r/; do
    (cd "$tmp/paths" && exec "$bin" sweep "$top/$small" --vary staff.pwp.headcount=3,-1 -r 1 -q -o "$o" $quick) \
        >/dev/null 2>&1
    left=$(cd "$tmp/paths" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' ')
    check "-o $o refused: only the folder that was there is left ($left)" test "$left" = "./old "
done
mkdir -p "$tmp/kept"
run run "$small" -q -o "$tmp/kept/new/run" $quick
expect_rc 0 "a run into new folders"
check "published: its folders stay" test -f "$tmp/kept/new/run/manifest.json"
finish
