#!/bin/sh
# The boundaries of the project's style that a machine can check (the design documents'
# STYLE, README "Engineer's map"): the engine knows nothing of therapy, and it and the
# model hold no writable or thread-local globals; only the scenario loader includes
# libconfig.h; the engine and the model never print, exit, read files or the environment;
# GSL's environment set-up is never used; every source file opens with a line of purpose;
# every function has a comment above its definition (a static) or above its declaration
# in a header (the rest); the build's warnings are the style's. Each check prints what
# broke it.
# Also `make check-style`. Usage: tests/test_style.sh BUILD_DIR
name=test_style
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

# found WHAT OUTPUT: PASS if OUTPUT is empty, else FAIL with the first lines of it.
none() {
    if [ -z "$2" ]; then
        ok "$1"
    else
        bad "$1: $(printf '%s\n' "$2" | head -n 5 | tr '\n' ';')"
    fi
}

none "the engine (sim/core) has no therapy vocabulary" \
    "$(grep -riEn 'patient|therap|phq|gad7|iapt|pwp' sim/core)"

none "only the loader's internal header includes libconfig.h" \
    "$(grep -rlE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]libconfig\.h[>"]' sim models |
        grep -v '^sim/scn_internal.h$')"
none "only the loader's files include that header" \
    "$(grep -rlE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"scn_internal\.h"' sim models |
        grep -v '^sim/scn_[a-z_]*\.c$')"

# code FILE...: FILE:LINE:TEXT for every line, its comments blanked (a word in a comment,
# "people who exit (discharged)", is not a call).
code() {
    awk 'FNR == 1 { inc = 0 }
        { s = $0; out = ""
          while (s != "") {
              if (inc) {
                  k = index(s, "*/")
                  if (!k) break
                  s = substr(s, k + 2); inc = 0
              } else {
                  k = index(s, "/*"); d = index(s, "//")
                  if (d && (!k || d < k)) { out = out substr(s, 1, d - 1); break }
                  if (!k) { out = out s; break }
                  out = out substr(s, 1, k - 1) " "; s = substr(s, k + 2); inc = 1
              }
          }
          print FILENAME ":" FNR ":" out }' "$@"
}
# calls FILE...: the lines of code that print (to a stream or a descriptor), exit, open or
# read files or read the environment.
calls() {
    code "$@" | grep -E ':.*\b(v?f?printf|puts|fputs|putc|fputc|putchar|perror|fwrite|write|exit|_Exit|quick_exit|abort|fopen|fdopen|freopen|open|popen|getenv|secure_getenv|system)[ ]*\('
}
# The check itself, on a probe: its calls found, not the words of its comments.
cat >"$tmp/calls.c" <<'EOF'
/* A probe: those who exit (discharged) are counted;
 * printf( in a comment, abort( too. */
static void probe(void)
{
    fwrite("x", 1, 1, stderr); /* exit ( */
    vfprintf(stderr, "x", ap);
    n = snprintf(b, 4, "x"); // exit(1)
    exit (1);
}
EOF
got=$(calls "$tmp/calls.c" | cut -d: -f2 | tr '\n' ' ')
check "the printing check finds fwrite, vfprintf and exit in code, not in comments (got lines $got)" \
    test "$got" = "5 6 8 "
none "the engine and the model never print, exit, read files or the environment" \
    "$(calls sim/core/*.[ch] models/*.[ch])"

none "GSL's environment set-up (gsl_rng_env_setup) is never used" \
    "$(grep -rn 'gsl_rng_env_setup' sim models tests --include='*.c' --include='*.h')"

# Replications run side by side in threads: a writable global (.data or .bss; not
# .data.rel.ro, read-only once loaded) in the engine or the model would be shared by them,
# and a thread-local one (.tdata or .tbss; STYLE: "no globals, no thread-locals") would
# carry state from one replication to the next run on its thread. objdump marks an object
# O, but a thread-local one with no type letter; a section's own symbol is marked d.
# AddressSanitizer adds a byte per global of its own (__odr_asan.NAME): not the project's.
writable() {
    objdump -t "$@" |
        awk '(/ O \.(data|bss)([. \t]|$)/ && !/\.data\.rel\.ro/ ||
              /[ \t]\.t(data|bss)([. \t]|$)/ && !/ d +\.t/) && $NF !~ /^__odr_asan/'
}
if command -v objdump >/dev/null 2>&1; then
    # The check itself, on an object with one of each (and a constant table, which is not).
    printf '%s\n' 'int probe_w; static int probe_s = 1; _Thread_local int probe_t;' \
        'static _Thread_local int probe_ts; _Thread_local int probe_ti = 1;' \
        'const char *const probe_c[] = {"a"};' 'int probe_f(void);' \
        'int probe_f(void) { return probe_w + probe_s++ + probe_t + probe_ts++ + probe_ti; }' \
        >"$tmp/probe.c"
    if ${CC:-cc} -std=c11 -O2 -fPIC -c "$tmp/probe.c" -o "$tmp/probe.o" 2>"$tmp/cc.err"; then
        got=$(writable "$tmp/probe.o" | awk '{ print $NF }' | sort | tr '\n' ' ')
        check "the writable-global check finds a global, a static and three thread-locals, not a constant table (got: $got)" \
            test "$got" = "probe_s probe_t probe_ti probe_ts probe_w "
    else
        echo "SKIP  the writable-global check's own probe: no C compiler"
    fi
    for lib in libsimcore.a libstepmodel.a; do
        if [ -f "$build/$lib" ]; then
            none "no writable or thread-local global in $lib" "$(writable "$build/$lib")"
        else
            bad "no writable global in $lib: $build/$lib not built"
        fi
    done
else
    echo "SKIP  writable globals: no objdump"
fi

none "every source file opens with a comment (its purpose)" \
    "$(for f in sim/core/*.[ch] models/*.[ch] sim/*.[ch] tests/*.c tests/*.h; do
        head -n 1 "$f" | grep -q '^/\*' || echo "$f"
    done)"

# A function's body opens with "{" alone at column 0; its signature starts at the last
# line above at column 0, and has a "(" (a struct's or an initialiser's opening line has
# none, or an "="; a function may return a struct or an enum). Above that (preprocessor
# lines skipped) must end a comment; for a function that is not static, a comment above
# its declaration in a header will do (declarations grouped under one comment share it).
# Usage: undocumented FILE.c...  (one pass over the headers, one over the sources: a
# process per function took seconds)
undocumented() {
    # The names declared in a header under a comment: walking up from a declaration's line
    # over other declarations (ending in ";" or ","), their continuation lines and
    # attributes, a comment ends.
    awk '{ line[FNR] = $0 }
        $0 !~ /^[ \t#]/ && $0 ~ /\(/ {
            i = FNR - 1
            while (i > 0 && (line[i] ~ /[;,][ \t]*$/ || line[i] ~ /^[ \t]+[^ \t*\/]/ ||
                             line[i] ~ /^__attribute__/)) i--
            if (i > 0 && line[i] ~ /\*\/[ \t]*$/) {
                d = $0
                gsub(/__attribute__\(\([^)]*\)\)/, "", d)
                sub(/\(.*/, "", d)
                sub(/.*[ *]/, "", d)
                if (d != "") print d
            }
        }' sim/core/*.h models/*.h sim/*.h >"$tmp/declared"
    awk 'FNR == 1 { n = 0 }
        { line[++n] = $0 }
        $0 == "{" {
            i = n - 1
            while (i > 1 && line[i] ~ /^[ \t]/) i--
            if (line[i] !~ /\(/ || line[i] ~ /=/) next
            j = i - 1
            while (j > 0 && line[j] ~ /^#/) j--
            if (j < 1 || line[j] !~ /\*\/[ \t]*$/) printf "%s:%d: %s\n", FILENAME, i, line[i]
        }' "$@" >"$tmp/uncommented"
    awk 'NR == FNR { ok[$0] = 1; next }
        { sig = $0; sub(/^[^:]*:[0-9]*: /, "", sig)
          if (sig ~ /^static/) { print; next }
          name = sig; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
          if (!(name in ok)) print }' "$tmp/declared" "$tmp/uncommented"
}
# The check itself, on a file of each kind: the three functions without a comment found
# (a static, one returning a struct, one an enum), the rest not.
cat >"$tmp/probe.c" <<'EOF'
/* A probe. */
struct probe_s
{
    int a;
};
static const int probe_tab[] =
{
    1,
};
/* Documented. */
static int probe_doc(void)
{
    return 0;
}
static int probe_static(void)
{
    return 0;
}
struct probe_s *probe_struct(void)
{
    return 0;
}
enum probe_e
probe_enum(int a,
           int b)
{
    return 0;
}
EOF
got=$(undocumented "$tmp/probe.c" | sed 's/.*probe\.c:\([0-9]*\):.*/\1/' | tr '\n' ' ')
check "the function-comment check finds a static, a struct's and an enum's function without one (got lines $got)" \
    test "$got" = "15 19 24 "
none "every function has a comment (above a static, or above its declaration)" \
    "$(undocumented sim/core/*.c models/*.c sim/*.c)"
# A header's inline functions: a comment ends on the line above (blank lines skipped).
# (clampd and coord_dropout were without one.)
inline_undocumented() {
    awk 'FNR == 1 { prev = "" }
        /^static inline/ && prev !~ /\*\/[ \t]*$/ { print FILENAME ":" FNR ": " $0 }
        $0 !~ /^[ \t]*$/ { prev = $0 }' "$@"
}
printf '/* x */\n#include <stdio.h>\nstatic inline int f(void) { return 1; }\n\n/* g */\nstatic inline int g(void) { return 2; }\n' \
    >"$tmp/probe.h"
got=$(inline_undocumented "$tmp/probe.h" | cut -d: -f2 | tr '\n' ' ')
check "the inline-function check finds one without a comment (got lines $got)" test "$got" = "3 "
none "every inline function of a header has a comment" \
    "$(inline_undocumented sim/core/*.h models/*.h sim/*.h)"

# STYLE's warnings, all in the Makefile's WARN (the build is clean under them: make test).
flags=$(sed -n 's/^WARN :*= //p' Makefile)
missing=
for w in -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla; do
    case " $flags " in
    *" $w "*) ;;
    *) missing="$missing $w" ;;
    esac
done
none "the build's warnings include the style's" "$missing"

finish
