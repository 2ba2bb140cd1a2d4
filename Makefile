# stepsim — GNU make. Builds into build/.
#   make                     build the program, the engine library and the tests
#   make run                 install missing packages, build, run the baseline scenario
#   make test                install missing packages, build, run every test
#   make bench               benchmarks (table on stdout, figures in build/bench.csv)
#   make SANITIZE=address,undefined test    sanitizer build (into build-san/)
#   make golden              rewrite tests/golden/expected/ (only when a change means to move results)
#   make fuzz                the loader under libFuzzer for FUZZ_SECONDS (default 60), clang
#   make DEBUG=1             -O0 -g3
#   make install PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX ?= /usr/local
# The builds `make run`, `make test` and `make fuzz` start use every core, and so does a
# plain `make` (or `make all`) given no -j: the default goal's prerequisites are
# independent. Other goals keep make's own default (`make clean all` stays in order).
JOBS ?= $(shell nproc 2>/dev/null || echo 1)
ifeq ($(filter -j%,$(MAKEFLAGS))$(filter-out all,$(MAKECMDGOALS)),)
MAKEFLAGS += -j$(JOBS)
endif
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/stepsim

CC ?= cc
PKG_CONFIG ?= pkg-config
# Open MPI: when mpicc is present (scripts/install-deps.sh installs it) and CC was not
# given, the program is built with it and -DSTEPSIM_MPI, so `mpirun -n N stepsim ...`
# spreads replications over ranks (sim/par.h); without it (or with MPI=0) the program
# builds and runs as one process. Either way, started without mpirun it never starts MPI.
MPI ?= 1
MPICC := $(if $(filter 1,$(MPI)),$(shell command -v mpicc 2>/dev/null))
ifneq ($(MPICC),)
ifeq ($(origin CC),default)
CC := mpicc
MPI_CPPFLAGS := -DSTEPSIM_MPI
endif
endif
DEPS := gsl libconfig

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
ifeq ($(DEBUG),1)
OPT := -O0 -g3
else
OPT := -O2 -g
endif

B := build
ifneq ($(SANITIZE),)
B := build-san
OPT += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=$(SANITIZE)
endif
# The fuzzing build (make fuzz): clang, the libraries instrumented for libFuzzer, ASan and
# UBSan, into build-fuzz/; only the harness tests/fuzz_scn.c is linked with the fuzzer.
FUZZ_SECONDS ?= 60
ifeq ($(FUZZ),1)
B := build-fuzz
CC := clang
MPI_CPPFLAGS :=
OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
       -fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=fuzzer,address,undefined
endif

DEPS_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(DEPS) 2>/dev/null)
DEPS_LIBS = $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null)
GSL_CFLAGS = $(shell $(PKG_CONFIG) --cflags gsl 2>/dev/null)
GSL_LIBS = $(shell $(PKG_CONFIG) --libs gsl 2>/dev/null)

ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(OPT) -MMD -MP -pthread \
             $(DEPS_CFLAGS) $(MPI_CPPFLAGS) -I. $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = -pthread $(SAN_LDFLAGS) $(LDFLAGS)

CORE_SRC := $(wildcard sim/core/*.c)
MODEL_SRC := $(wildcard models/*.c)
PROG_SRC := $(filter-out sim/main.c,$(wildcard sim/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(B)/%.o)
MODEL_OBJ := $(MODEL_SRC:%.c=$(B)/%.o)
# The pages' chart library and script, compiled in (scripts/embed.sh; sim/out_html.c).
WEB_ASSETS := web_d3=vendor/d3/d3.min.js web_plot=vendor/plot/plot.umd.min.js \
              web_pages_js=web/pages.js web_pages_css=web/pages.css
PROG_OBJ := $(PROG_SRC:%.c=$(B)/%.o) $(B)/gen/web_assets.o $(B)/gen/git_hash.o

LIBCORE := $(B)/libsimcore.a
LIBMODEL := $(B)/libstepmodel.a
LIBPROG := $(B)/libstepsim.a
PROG := $(B)/stepsim

# Engine tests link the engine alone (the build proves the boundary); the other tests the
# whole program library (model tests build their parameters from the loader's defaults).
# The model library must not use libconfig: its link check below proves that instead.
CORE_TESTS := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/test_core*.c))
PROG_TESTS := $(patsubst tests/%.c,$(B)/tests/%,$(filter-out tests/test_core% tests/test_roster.c,$(wildcard tests/test_*.c)))
# tests/test_roster.c links the model built again with -DPW_CHECK_INDEX (into $(B)/check/):
# every clinician picked is compared with a scan of all of them (models/pw_roster.c).
CHECK_MODEL_OBJ := $(MODEL_SRC:%.c=$(B)/check/%.o)
ROSTER_TEST := $(B)/tests/test_roster
BENCHES := $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c))

.PHONY: all deps deps-test run test check-style fuzz bench golden install uninstall clean FORCE
all: $(PROG) $(CORE_TESTS) $(PROG_TESTS) $(ROSTER_TEST) $(BENCHES)

deps:
	@./scripts/install-deps.sh

deps-test:
	@./scripts/install-deps.sh --test

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/gen/web_assets.c: scripts/embed.sh $(foreach a,$(WEB_ASSETS),$(lastword $(subst =, ,$(a))))
	@mkdir -p $(dir $@)
	./scripts/embed.sh $@ $(WEB_ASSETS)

$(B)/gen/web_assets.o: $(B)/gen/web_assets.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIBCORE): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBMODEL): $(MODEL_OBJ)
	@rm -f $@
	@if nm -u $^ | grep -q ' config_'; then \
	    echo "models/ uses libconfig (only the loader, sim/scn_*.c, may):" >&2; \
	    nm -u $^ | grep ' config_' >&2; exit 1; fi
	$(AR) rcs $@ $^

$(LIBPROG): $(PROG_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(PROG): $(B)/sim/main.o $(LIBPROG) $(LIBMODEL) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPS_LIBS) -lm

$(B)/tests/test_core%: $(B)/tests/test_core%.o $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(GSL_LIBS) -lm

$(PROG_TESTS): $(B)/tests/%: $(B)/tests/%.o $(LIBPROG) $(LIBMODEL) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPS_LIBS) -lm

$(B)/check/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DPW_CHECK_INDEX -c $< -o $@

$(ROSTER_TEST): $(B)/tests/test_roster.o $(LIBPROG) $(CHECK_MODEL_OBJ) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPS_LIBS) -lm

$(B)/bench/%: $(B)/bench/%.o $(LIBPROG) $(LIBMODEL) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPS_LIBS) -lm
# Named, so not intermediate: make deleted them after linking, and the next `make`
# compiled and linked the benchmarks and the engine's tests again.
.SECONDARY: $(BENCHES:%=%.o) $(CORE_TESTS:%=%.o)

# The harness links the loader's objects (sim/scn_*.c), not the program's archive, so the
# fuzzing build compiles none of the commands, outputs and pages it never calls (a third of
# that build's time).
SCN_OBJ := $(filter $(B)/sim/scn_%.o,$(PROG_OBJ))
$(B)/tests/fuzz_scn: $(B)/tests/fuzz_scn.o $(SCN_OBJ) $(LIBMODEL) $(LIBCORE)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPS_LIBS) -lm
$(B)/tests/fuzz_scn.o: ALL_CFLAGS += -DFUZZ_ROOT='"$(CURDIR)"'

# The commit the program is built from, "-dirty" with uncommitted changes to tracked files
# (--version, manifest.json). Its file is rewritten only when that changes, so a new commit
# relinks the program and recompiles nothing else; where git cannot read the tree (no git,
# `sudo make install` in a checkout another user owns) a file already written is kept, so
# nothing is rebuilt as "unknown".
GIT_HASH := $(shell h=$$(git rev-parse --short HEAD 2>/dev/null) && \
    { git diff --quiet HEAD -- 2>/dev/null && echo "$$h" || echo "$$h-dirty"; } || echo unknown)
$(B)/gen/git_hash.c: FORCE
	@mkdir -p $(dir $@)
	@if [ '$(GIT_HASH)' = unknown ] && [ -f $@ ]; then exit 0; fi; \
	printf '/* Written by the Makefile: the commit the program is built from. */\n#include "sim/cli.h"\n\nconst char *cli_git_hash(void) { return "%s"; }\n' '$(GIT_HASH)' >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/gen/git_hash.o: $(B)/gen/git_hash.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@
FORCE:
$(B)/sim/cli.o: ALL_CFLAGS += -DSTEPSIM_DATADIR='"$(DATADIR)"'
# The data folder compiled into cli.o, where scenarios named without a folder are looked
# for: its file is rewritten only when DATADIR changes, so `make install PREFIX=/opt` after
# a plain `make` recompiles cli.o and relinks the program for /opt/share/stepsim (it used to
# install a program still looking in /usr/local/share/stepsim), and nothing otherwise.
$(B)/gen/datadir: FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(DATADIR)' >$@.tmp; if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/sim/cli.o: $(B)/gen/datadir

run: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(PROG)
	./$(PROG) run scenarios/baseline.cfg -o out/baseline

# `make test` runs the suite twice: an optimised build, and under AddressSanitizer and
# UndefinedBehaviorSanitizer (where tests/test_pages.sh, the browser test, is skipped, and
# the statistical checks are left to the optimised pass: tests/run-passes.sh says why),
# and the loader's fuzzer for 20 seconds, once. Two workers share the passes' tests
# (tests/run-passes.sh), so the suite keeps both cores busy to its end.
# `make SANITIZE=... test` runs just the sanitizer build, with the same scope.
# tests/lsan.supp: libconfig 1.5's own leaks on some syntax errors (the bad cases have them).
LSAN_ENV := LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp
test: deps-test
	@$(MAKE) --no-print-directory -j$(JOBS) all
ifeq ($(SANITIZE),)
	@$(MAKE) --no-print-directory -j$(JOBS) SANITIZE=address,undefined all
	@$(LSAN_ENV) MAKE="$(MAKE)" ./tests/run-passes.sh $(B) build-san 20
else
	@$(LSAN_ENV) STEPSIM_SANITIZER_PASS=1 ./tests/run-tests.sh $(B)
endif

# `make check-style`: the style's boundaries a machine can check (tests/test_style.sh: the
# engine's vocabulary and globals, libconfig's one door, a comment above every function...),
# on their own; `make test` runs them too.
check-style: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@./tests/test_style.sh $(B)

# `make fuzz`: tests/fuzz_scn.c under libFuzzer for FUZZ_SECONDS, seeded from scenarios/ and
# tests/bad/, its corpus kept in build-fuzz/corpus; a finding stops it, the input saved as
# build-fuzz/crash-* (or timeout-*, oom-*): make it a case in tests/bad/.
fuzz: deps
	@$(MAKE) --no-print-directory -j$(JOBS) FUZZ=1 build-fuzz/tests/fuzz_scn
	@./scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

# The golden outputs of tests/test_golden.sh: every file of a small seeded run but the
# manifest and report.html (a page that inlines the chart library; tests/test_pages.sh
# checks its numbers). Rewrite them only when a change means to move results, and say why.
golden: $(PROG)
	@rm -rf $(B)/golden.tmp
	./$(PROG) run tests/golden/small.cfg -j 2 -q -o $(B)/golden.tmp
	@rm -f $(B)/golden.tmp/manifest.json $(B)/golden.tmp/report.html
	@rm -rf tests/golden/expected
	@mv $(B)/golden.tmp tests/golden/expected
	@echo "tests/golden/expected rewritten: review 'git diff --stat tests/golden' before committing"

bench: deps
	@$(MAKE) --no-print-directory $(PROG) $(BENCHES)
	@./scripts/bench.sh $(B)

# The scenarios cite docs/ by paths relative to DATADIR, as in the source tree. stepsim
# looks for scenarios named without a folder in $(DATADIR)/scenarios (compiled in).
MANDIR ?= $(PREFIX)/share/man
install: $(PROG)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/scenarios $(DESTDIR)$(DATADIR)/docs \
	    $(DESTDIR)$(DATADIR)/scenarios/targets $(DESTDIR)$(DATADIR)/docs/img \
	    $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(PROG) $(DESTDIR)$(BINDIR)/stepsim
	install -m 755 scripts/report $(DESTDIR)$(BINDIR)/stepsim-report
	install -m 644 scenarios/*.cfg $(DESTDIR)$(DATADIR)/scenarios/
	install -m 644 scenarios/targets/*.cfg $(DESTDIR)$(DATADIR)/scenarios/targets/
	install -m 644 README.md $(DESTDIR)$(DATADIR)/
	install -m 644 docs/*.md $(DESTDIR)$(DATADIR)/docs/
	install -m 644 docs/img/*.png $(DESTDIR)$(DATADIR)/docs/img/
	install -m 644 docs/stepsim.1 $(DESTDIR)$(MANDIR)/man1/stepsim.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stepsim $(DESTDIR)$(BINDIR)/stepsim-report
	rm -f $(DESTDIR)$(MANDIR)/man1/stepsim.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-fuzz out

-include $(shell find $(B) -name '*.d' 2>/dev/null)
