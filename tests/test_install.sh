#!/bin/sh
# make install: the program, stepsim-report (scripts/report), the man page, the scenarios,
# README and docs land under DESTDIR; the man page renders without a warning; a scenario
# named without a folder is found through $STEPSIM_DATA from any folder ("stepsim run
# baseline"), and a name found nowhere is the loader's usual error.
# Usage: tests/test_install.sh BUILD_DIR
set -u

name=test_install
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

root=$tmp/root
# -o: install the binary under test as it is, never rebuilding it.
if make -s -C "$top" install PROG="$bin" -o "$bin" DESTDIR="$root" PREFIX=/usr \
    >"$tmp/make.log" 2>&1; then
    ok "make install DESTDIR=... PREFIX=/usr"
else
    bad "make install failed:"
    sed 's/^/      /' "$tmp/make.log" | tail -n 5
fi
data=$root/usr/share/stepsim
for f in usr/bin/stepsim usr/bin/stepsim-report usr/share/man/man1/stepsim.1; do
    check "installed: /$f" test -s "$root/$f"
done
for f in scenarios/baseline.cfg scenarios/expert_door.cfg README.md docs/calibration.md \
    docs/img/report.png; do
    check "installed in the data folder: $f" test -s "$data/$f"
done
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$top/docs/stepsim.1" >"$tmp/groff.log" 2>&1
    check "the man page renders without a warning" test ! -s "$tmp/groff.log"
fi

# make install PREFIX=P installs a program that looks in P/share/stepsim (compiled in):
# after a plain `make`, cli.o is compiled again for P (a dry run, so nothing is rebuilt
# here; it used to install the program as built, still looking in /usr/local).
make -n -C "$top" install PREFIX="$tmp/prefix" DESTDIR= >"$tmp/dry" 2>&1
check "make install PREFIX=... compiles the program for its data folder" \
    sh -c "grep -F -e \"-DSTEPSIM_DATADIR='\\\"$tmp/prefix/share/stepsim\\\"'\" '$tmp/dry' | grep -q 'sim/cli\.c'"

mkdir "$tmp/elsewhere"
cd "$tmp/elsewhere" || exit 2
STEPSIM_DATA=$data "$bin" check baseline >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "stepsim check baseline from another folder, through STEPSIM_DATA"
check "it loaded the installed baseline" grep -q '^policy = "stepped";' "$tmp/out"
STEPSIM_DATA=$data "$bin" run expert_door.cfg -r 1 -q --set horizon_weeks=13 \
    --set warmup_weeks=4 --set followup_weeks=4 -o "$tmp/ed" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "stepsim run expert_door.cfg from another folder"
check "its set was written" test -s "$tmp/ed/report.html"
# The installed national targets, by name from another folder (calibrate one evaluation).
STEPSIM_DATA=$data "$bin" calibrate "$top/tests/explore/quarter.cfg" --targets national -r 1 \
    --max-evals 1 -q -o "$tmp/cal" >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "calibrate --targets national from another folder"
check "it read the installed targets file (fitted.cfg names it)" grep -q "fitted by stepsim calibrate to $data/scenarios/targets/national.cfg" "$tmp/cal/fitted.cfg"
STEPSIM_DATA=$tmp/nowhere "$bin" check no_such_scenario >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 2 "a name found nowhere"
expect_err 'no_such_scenario' "the message names it"
expect_err "looked for it .* in $tmp/nowhere/scenarios and in .*set STEPSIM_DATA" "and where it looked"
STEPSIM_DATA=$tmp/nowhere "$bin" check no_such.cfg >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 2 "a name with .cfg found nowhere"
check "no .cfg.cfg in the message" sh -c "! grep -q 'cfg\.cfg' '$tmp/err'"
# A folder named like a scenario (a run's -o baseline) does not hide it.
mkdir baseline
STEPSIM_DATA=$data "$bin" check baseline >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "a folder named baseline here: the scenario is still found"
check "it loaded the installed baseline past the folder" grep -q '^policy = "stepped";' "$tmp/out"
# A name no scenario has, so that nothing installed on this machine can answer it.
mkdir stepsim_no_such_scenario
STEPSIM_DATA=$tmp/nowhere "$bin" check stepsim_no_such_scenario >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 2 "only a folder of that name: refused"
expect_err "a folder of that name is here" "the message says the folder is not a scenario"
# From the top of a source tree its scenarios/ folder is searched first (build/stepsim
# serve's default, baseline, is found there without an install).
cd "$top" || exit 2
STEPSIM_DATA=$tmp/nowhere "$bin" check baseline >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 0 "stepsim check baseline at the top of the source tree, nothing installed"
check "it loaded the tree's baseline" grep -q '^policy = "stepped";' "$tmp/out"
finish
