#!/bin/sh
# The project carries its own references. Every Markdown document named anywhere in the
# repository (README, docs/, scenarios, sources and their comments, tests, scripts, the
# Makefile) is a file of the repository; every "FILE.md §N" (or "FILE.md section N") names a
# section "## N." of that file; and every relative link [text](path#anchor) in README.md and
# docs/*.md leads to an existing file inside the repository and, for a Markdown file, to an
# existing heading (GitHub's anchors); README's "Engineer's map" names every file of sim/,
# models/, tests/, scripts/, bench/ and web/. Failures name file and line.
# Usage: tests/test_docs.sh BUILD_DIR   (run from anywhere; BUILD_DIR as for the other tests)
set -u

name=test_docs
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# References in files that are being reorganised on another branch, one FILE:NAME a line:
# they are reported as pending rather than failed. An entry that no longer matches fails,
# so that it is deleted here once its reference is fixed.
pending=""

# Text only: nothing here runs the program, so the sanitizer pass has nothing to add.
if [ "$(basename "$build")" = build-san ]; then
    echo "SKIP  the documents' references are checked in the optimised pass"
    finish
    exit $?
fi

cd "$top" || exit 2
topp=$(pwd -P)
self=tests/test_docs.sh # names example references in its comments: not scanned

# The files to scan: everything but version control, build and output directories, npm's
# node_modules, vendored libraries, and this file.
find . \( -name .git -o -name build -o -name build-san -o -name build-fuzz -o -name out -o -name node_modules -o -name vendor \) -prune -o -type f \
    -print | sed 's|^\./||' | grep -vxF "$self" | LC_ALL=C sort >"$tmp/files"

# scan REGEX: FILE:LINE:MATCH for every match of the extended REGEX in the text files.
scan() {
    # shellcheck disable=SC2046 # the file names have no spaces
    LC_ALL=C grep -HInoE "$1" $(cat "$tmp/files") /dev/null
}

is_pending() { # is_pending FILE NAME: the reference is on the pending list
    for p in $pending; do
        [ "$p" = "$1:$2" ] && return 0
    done
    return 1
}

# resolve FROM TARGET: print the repository path that TARGET, cited in file FROM, names:
# TARGET relative to the repository root or, failing that, to FROM's directory. Nothing
# (and status 1) if neither is an existing file or directory inside the repository.
resolve() {
    t=${2#./}
    case $t in /*) return 1 ;; esac
    case $1 in */*) from=${1%/*} ;; *) from=. ;; esac
    for c in "$t" "$from/$t"; do
        [ -e "$c" ] || continue
        case $c in
        */../* | ../*) ;;
        *) # below the repository root (we are there): no need to ask the file system
            printf '%s\n' "$c"
            return 0
            ;;
        esac
        d=$(cd "$(dirname "$c")" 2>/dev/null && pwd -P) || continue
        case "$d/" in
        "$topp"/*)
            printf '%s\n' "${d#"$topp"}/$(basename "$c")" | sed 's|^/||'
            return 0
            ;;
        esac
    done
    return 1
}

# resolve_link FROM TARGET: as resolve, but relative to FROM's directory only (Markdown).
resolve_link() {
    case $2 in /*) return 1 ;; esac
    c=$(dirname "$1")/$2
    [ -e "$c" ] || return 1
    d=$(cd "$(dirname "$c")" 2>/dev/null && pwd -P) || return 1
    case "$d/" in
    "$topp"/*) printf '%s\n' "${d#"$topp"}/$(basename "$c")" | sed 's|^/||' ;;
    *) return 1 ;;
    esac
}

# slugs FILE: the anchors GitHub gives the headings of Markdown FILE (outside code fences),
# one a line: lower case, punctuation dropped, spaces turned into hyphens.
slugs() {
    awk '/^```/ { fence = !fence; next }
         !fence && /^#+ / { sub(/^#+ +/, ""); sub(/ +#+ *$/, ""); print }' "$1" |
        LC_ALL=C tr '[:upper:]' '[:lower:]' | LC_ALL=C sed 's/[^a-z0-9 _-]//g; s/ /-/g'
}

echo "== Markdown files named anywhere in the repository"
nref=0
nfail=0
npend=0
scan '[A-Za-z0-9_./:~-]*[A-Za-z0-9_-]\.md([^A-Za-z0-9_]|$)' >"$tmp/m"
while IFS= read -r hit; do
    f=${hit%%:*}
    hit=${hit#*:}
    line=${hit%%:*}
    ref=${hit#*:}
    case $ref in *[!A-Za-z0-9_]) ref=${ref%?} ;; esac # the character after the name
    case $ref in *://*) continue ;; esac # a URL: not ours to check
    nref=$((nref + 1))
    if is_pending "$f" "${ref##*/}"; then
        npend=$((npend + 1))
        echo "PEND  $f:$line: $ref (pending: see the list at the top of $self)"
    elif ! resolve "$f" "$ref" >/dev/null; then
        nfail=$((nfail + 1))
        bad "$f:$line: $ref: no such file in the repository"
    fi
done <"$tmp/m"
check "the scan finds the references (at least 40, got $nref)" test "$nref" -ge 40
if [ "$nfail" -eq 0 ]; then
    ok "all $((nref - npend)) references to Markdown files resolve ($npend pending)"
fi

echo "== sections cited as FILE.md §N"
nsec=0
nfail=0
scan '[A-Za-z0-9_./~-]*[A-Za-z0-9_-]\.md,? (§ ?|section )[0-9]+((, | and | or )§ ?[0-9]+)*' \
    >"$tmp/m"
while IFS= read -r hit; do
    f=${hit%%:*}
    hit=${hit#*:}
    line=${hit%%:*}
    m=${hit#*:}
    ref=${m%%.md*}.md
    is_pending "$f" "${ref##*/}" && continue
    path=$(resolve "$f" "$ref") || continue # already reported above
    for n in $(printf '%s\n' "${m#*.md}" | grep -oE '[0-9]+'); do
        nsec=$((nsec + 1))
        if ! grep -Eq "^## $n\. " "$path"; then
            nfail=$((nfail + 1))
            bad "$f:$line: $ref has no section $n (a heading '## $n. ...')"
        fi
    done
done <"$tmp/m"
check "the scan finds section references (at least 40, got $nsec)" test "$nsec" -ge 40
[ "$nfail" -eq 0 ] && ok "all $nsec section references resolve"

echo "== relative links in README.md and docs/*.md"
nlink=0
nfail=0
for f in README.md docs/*.md; do
    grep -noE '\]\([^) ]+\)' "$f" >"$tmp/m" || continue
    while IFS= read -r hit; do
        line=${hit%%:*}
        target=${hit#*:"]("}
        target=${target%)}
        case $target in *://* | mailto:*) continue ;; esac
        nlink=$((nlink + 1))
        path=${target%%#*}
        anchor=
        case $target in *#*) anchor=${target#*#} ;; esac
        if [ -z "$path" ]; then
            dest=$f
        elif ! dest=$(resolve_link "$f" "$path"); then
            nfail=$((nfail + 1))
            bad "$f:$line: link to $path: no such file in the repository"
            continue
        fi
        case $dest in
        *.md)
            if [ -n "$anchor" ] && ! slugs "$dest" | grep -qxF -- "$anchor"; then
                nfail=$((nfail + 1))
                bad "$f:$line: link to $target: $dest has no heading with anchor #$anchor"
            fi
            ;;
        esac
    done <"$tmp/m"
done
check "the scan finds links (at least 5, got $nlink)" test "$nlink" -ge 5
[ "$nfail" -eq 0 ] && ok "all $nlink relative links resolve"

echo "== the Engineer's map names every source file"
# README's map walks the tree file by file: each source, header, test, script and
# benchmark is named in it, as a path (sim/out_set.c), as a pair (sim/out_set.h/.c), by its
# name in its directory's row (`pol_stratified.c`), or by a pattern (`test_core_*`).
sed -n "/^## Engineer's map/,/^\*\*How to add a policy/p" README.md >"$tmp/map"
check "README.md has an Engineer's map" test -s "$tmp/map"
grep -oE '`[^`]+`' "$tmp/map" | tr -d '`' >"$tmp/mapnames"
nmap=0
nmiss=0
for f in $({
    find sim models -name '*.[ch]'
    find tests -maxdepth 1 \( -name '*.[ch]' -o -name '*.sh' \)
    find scripts bench web -maxdepth 1 -type f
} | LC_ALL=C sort); do
    nmap=$((nmap + 1))
    d=${f%/*}
    b=${f##*/}
    stem=${b%.*}
    grep -qxF -e "$f" -e "$d/$stem.h/.c" -e "$b" "$tmp/mapnames" && continue
    covered=0
    for pat in $(grep -E '^[a-z_]+\*$' "$tmp/mapnames"); do
        case $b in $pat) covered=1 ;; esac
    done
    [ "$covered" = 1 ] && continue
    nmiss=$((nmiss + 1))
    bad "README.md: the Engineer's map does not name $f"
done
check "the map's scan finds the sources (at least 100, got $nmap)" test "$nmap" -ge 100
[ "$nmiss" -eq 0 ] && ok "the Engineer's map names all $nmap files"

echo "== pending references still pending"
for p in $pending; do
    file=${p%%:*}
    ref=${p#*:}
    check "$file still cites $ref (else delete '$p' from $self)" grep -qF -- "$ref" "$file"
done

finish
