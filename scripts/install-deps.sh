#!/bin/sh
# Install the Debian packages stepsim needs to build, test and run, if any are missing.
# Idempotent: does nothing (and needs no privileges) when everything is present.
#   scripts/install-deps.sh          to build and run
#   scripts/install-deps.sh --test   also what the tests need: chromium, and node and npm
#                                    (tests/test_pages.sh drives the pages in chromium)
set -eu

# clang and its runtime (libFuzzer, sanitizers): `make fuzz`, which `make test` runs.
# Open MPI (mpicc, mpirun): the build uses mpicc when present; `mpirun -n N stepsim ...`.
PKGS="make gcc pkg-config libgsl-dev libconfig-dev clang libclang-rt-14-dev openmpi-bin libopenmpi-dev"
[ "${1:-}" = --test ] && PKGS="$PKGS chromium"
[ "${STEPSIM_WITH_OPTIONAL:-0}" = 1 ] && PKGS="$PKGS hyperfine valgrind"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
# node and npm may come from elsewhere than Debian's packages: what counts is the commands.
if [ "${1:-}" = --test ]; then
    command -v node >/dev/null 2>&1 || missing="$missing nodejs"
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: missing packages:$missing" >&2
    echo "install-deps: run as root or install sudo, or install them yourself: apt-get install$missing" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: apt-get not found; install these (or their equivalents) by hand:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
