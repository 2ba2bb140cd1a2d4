#!/bin/sh
# Federations (a scenario's `services` list): on tests/federation/three.cfg, the national
# counts equal the sum of the services' (referrals, and every service's row in
# services.csv), -j 1 and -j 2 (and, built with MPI, mpirun -n 2) write the same bytes;
# on tests/federation/one.cfg, a federation of one service, every national metric equals
# the service's own (pooling recomputes each metric from pooled numerators and
# denominators; the tolerance, 1e-9 relative, allows only for a mean taken as sum / n
# instead of a running mean); compare of three.cfg and three_pwps.cfg (the same services)
# pairs each service with itself in compare_services.csv, the same bytes on -j 1 and 2,
# and federations whose services differ get none, and are told why; bad services lists and
# a federation given to serve exit 2 naming file, line and key; sweep, solve, sensitivity
# and calibrate run a federation point by point, a sweep's point equal to run --set's and
# calibrate's fitted.cfg a federation that runs to the fit; --service runs one service alone
# as the federation runs it; a federation's patients.csv and events.csv hold every
# service's rows (the service's name last), by replication then service, the same bytes
# on -j 1 and -j 2, each service's cohort rows its referrals in services.csv, and each
# service's rows those --service writes.
# Usage: tests/test_federation.sh BUILD_DIR   (run from anywhere; needs BUILD_DIR/stepsim)
set -u

name=test_federation
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

cd "$top" || exit 2
awk_csv=$(cat "$top/scripts/csv.awk")
nofiles="--set output.patients=false --set output.events=false"
nostreams="$nofiles -q"

# digest DIR: the SHA-256 of every file under DIR but manifest.json, by path.
digest() {
    (cd "$1" && find . -type f ! -name manifest.json | LC_ALL=C sort | xargs sha256sum)
}
# unlabel DIR: the same, with the scenario's label freed of the --set overrides it names.
unlabel() { (cd "$1" && find . -type f ! -name manifest.json | LC_ALL=C sort |
    xargs sed 's/golden \[[^]]*\]/golden/g' | sha256sum); }
# unseed DIR: digest's files as one hash, report.html's federation_seed left out (a run of
# --service's page names the federation's seed; its check --service printout's, a scenario
# of its own, has none).
unseed() { (cd "$1" && find . -type f ! -name manifest.json | LC_ALL=C sort |
    xargs sed 's/, "federation_seed": "[0-9]*"//' | sha256sum); }
# alike HOW A B WHAT: folders A and B agree by HOW (digest, unlabel or unseed).
alike() {
    if [ "$("$1" "$2")" = "$("$1" "$3")" ]; then ok "$4"; else bad "$4: files differ"; fi
}

echo "== three services: -j 1 and -j 2"
# shellcheck disable=SC2086
run run tests/federation/three.cfg -r 3 $nostreams -j 1 -o "$tmp/j1"
expect_rc 0 "three services, -j 1"
# shellcheck disable=SC2086
run run tests/federation/three.cfg -r 3 $nostreams -j 2 -o "$tmp/j2"
expect_rc 0 "three services, -j 2"
run run tests/federation/three.cfg -r 2 --set output.patients=false --set output.events=false \
    -o "$tmp/dash"
expect_rc 0 "three services, the dashboard"
check "the dashboard's header says it is a federation, and of how many" \
    grep -q "^a federation of 3 services · 2 replications" "$tmp/out"
alike digest "$tmp/j1" "$tmp/j2" "-j 1 and -j 2: every file but manifest.json identical"
check "services.csv listed in manifest.json" grep -q '"services.csv"' "$tmp/j1/manifest.json"
rows=$(awk 'NR > 1' "$tmp/j1/services.csv" | wc -l)
if [ "$rows" -eq 3 ]; then ok "services.csv: 3 rows"; else bad "services.csv: $rows rows, 3 expected"; fi

# A federation's subgroups pool every count of its services (until 2026-12-06 the within
# six and 18 weeks, reliable recovery and dropout counts were left out: zeros nationally).
all_unlike_summary "$tmp/j1" >"$tmp/allsum"
n=$(tail -n 1 "$tmp/allsum" | cut -d' ' -f1)
if [ "$(wc -l <"$tmp/allsum")" -eq 1 ] && [ "$n" -ge 17 ]; then
    ok "subgroups.csv's all equals summary.csv nationally ($(tail -n 1 "$tmp/allsum"))"
else bad "subgroups.csv's all differs from summary.csv nationally:"; sed 's/^/      /' "$tmp/allsum" | head; fi

echo "== national counts are the services' summed"
# The national referrals (summary.csv mean) against the sum of the services' means.
nat=$(awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
    f[col("metric")] == "referrals" { print f[col("mean")] }' "$tmp/j1/summary.csv")
sum=$(awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f); s += f[col("referrals")] }
    END { printf "%.17g", s }' "$tmp/j1/services.csv")
if awk -v a="$nat" -v b="$sum" 'BEGIN { exit !(a > 0 && (a - b) ^ 2 <= (1e-9 * a) ^ 2) }'; then
    ok "national referrals $nat = sum of the services' $sum"
else
    bad "national referrals $nat != sum of the services' $sum"
fi
# flow.csv's referred count (an integer count, summed) against the referrals metric.
flow=$(awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
    f[col("kind")] == "stage" && f[col("name")] == "referred" { s += f[col("count")]; n++ }
    END { printf "%.17g", n ? s / n : -1 }' "$tmp/j1/flow.csv")
if awk -v a="$nat" -v b="$flow" 'BEGIN { exit !((a - b) ^ 2 <= (1e-9 * a) ^ 2) }'; then
    ok "flow.csv referred ($flow a replication) = national referrals"
else
    bad "flow.csv referred ($flow a replication) != national referrals $nat"
fi

if "$bin" --version | grep -q '^MPI: Open MPI' && command -v mpirun >/dev/null 2>&1; then
    echo "== three services on 2 MPI ranks"
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" OMPI_MCA_orte_tmpdir_base="$tmp" \
        mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" run tests/federation/three.cfg \
        -r 3 --set output.patients=false --set output.events=false -q -j 1 -o "$tmp/n2" \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    expect_rc 0 "mpirun -n 2"
    alike digest "$tmp/j1" "$tmp/n2" "mpirun -n 2: identical to one process"
    # Two years: enough clinicians with five courses for a national therapist effect (the
    # study of every service's clinicians side by side), the same on two ranks.
    long="-r $(reps 3 1) $nostreams --set horizon_weeks=104" # one in the sanitizer pass
    # shellcheck disable=SC2086
    run run tests/federation/three.cfg $long -j 1 -o "$tmp/l1"
    expect_rc 0 "three services, two years, -j 1"
    # shellcheck disable=SC2086
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" OMPI_MCA_orte_tmpdir_base="$tmp" \
        mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" run tests/federation/three.cfg \
        $long -j 1 -o "$tmp/l2" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    expect_rc 0 "three services, two years, mpirun -n 2"
    alike digest "$tmp/l1" "$tmp/l2" "two years, mpirun -n 2: identical to one process"
    th=$(awk -F, '$2 == "therapist_effect_step2" { print $3 }' "$tmp/l2/summary.csv")
    if awk -v v="$th" 'BEGIN { exit !(v ~ /^[0-9.]+(e-?[0-9]+)?$/) }'; then
        ok "two years, mpirun -n 2: the national therapist effect is a figure ($th)"
    else
        bad "two years, mpirun -n 2: the national therapist effect is not a figure ('$th')"
    fi
fi

echo "== one service: national metrics are the service's own"
# same_as_service DIR WHAT: each metric's national mean and 95% CI (DIR/summary.csv's
# mean, ci_low, ci_high) against the service's (DIR/services.csv's <metric>,
# <metric>_ci_low, <metric>_ci_high; the file had means alone until 2026-12).
same_as_service() {
awk "$awk_csv"'
    FNR == 1 { split("", colix); header($0); file++; next }
    { csv($0, f) }
    file == 1 { m = f[col("metric")]; nat[m] = f[col("mean")]
                nat[m "_ci_low"] = f[col("ci_low")]; nat[m "_ci_high"] = f[col("ci_high")]; next }
    file == 2 { for (m in nat) if (m in colix) svc[m] = f[colix[m]] }
    END {
        for (m in nat) {
            if (!(m in svc)) continue
            n++
            if (m ~ /_ci_(low|high)$/) { ci++; if (svc[m] != "") cid++ }
            a = nat[m]; b = svc[m]
            if (a == "" && b == "") continue
            d = a - b; if (d < 0) d = -d
            t = a < 0 ? -a : a
            if (a == "" || b == "" || d > 1e-9 * t + 1e-12) { print m ": national " a ", service " b; bad++ }
        }
        print n " figures compared (" ci " CI bounds, " cid " defined)"
        exit bad > 0 || n < 150 || cid < 100
    }' "$1/summary.csv" "$1/services.csv" >"$tmp/cmp" 2>&1
if [ $? -eq 0 ]; then ok "$2: $(tail -n 1 "$tmp/cmp"): equal"; else
    bad "$2: national metrics differ from the service's:"; sed 's/^/      /' "$tmp/cmp" | head; fi
}
# shellcheck disable=SC2086
run run tests/federation/one.cfg -r 2 $nostreams -j 2 -o "$tmp/one"
expect_rc 0 "one service"
same_as_service "$tmp/one" "one service"
# With reporting practices that count more courses as finished than finished (the
# assessment as a session, self-discharges' records completed), the reported shares' base
# is the finishers as reported: a federation once pooled the true finishers there, and
# its published six-week figure read 155% where its one service's read 88%.
# shellcheck disable=SC2086
run run tests/federation/one.cfg -r 2 $nostreams -j 2 -o "$tmp/one_gamed" \
    --set reporting.assessment_as_treatment_share=0.5 \
    --set reporting.complete_self_discharged_share=0.5
expect_rc 0 "one service, records completed"
same_as_service "$tmp/one_gamed" "one service, records completed"
# And the later true reading (outcome_weeks_late) pooled as the first.
# shellcheck disable=SC2086
run run tests/federation/one.cfg -r 2 $nostreams -j 2 -o "$tmp/one_late" \
    --set outcome_weeks_late=52
expect_rc 0 "one service, read again at 52 weeks"
same_as_service "$tmp/one_late" "one service, read again at 52 weeks"
check "its later reading is there" test -n "$(metric "$tmp/one_late" recovery_rate_true_late)"

echo "== check of a federation"
# Its printout is the base, resolved, and the services list with what each service's own
# overrides change: it loads back as the same federation (the same bytes out, but the
# scenario's label, which names the --set overrides of the original run), and printed
# again it is the same text. A --set of a key a service also overrides wins, as in the run.
run check tests/federation/three.cfg
expect_rc 0 "check three.cfg"
check "its first line says it is a federation" sh -c "head -n 1 '$tmp/out' | grep -q 'A FEDERATION of 3 services'"
check "every service listed as run" test "$(grep -c '^#   services\[' "$tmp/out")" -eq 3
check "Small C's own override printed" grep -q 'overrides = { referrals = { self_referral_share = 0.4; }; };' "$tmp/out"
"$bin" check tests/federation/three.cfg --set output.patients=false --set output.events=false \
    --set referrals.self_referral_share=0.3 >"$tmp/fed.cfg" 2>"$tmp/err"
rc=$?
expect_rc 0 "check with --set"
check "a --set over a service's own override: nothing of it left at the service" \
    sh -c "grep -q '^services = (' '$tmp/fed.cfg' && ! grep -q 'self_referral_share = 0.4' '$tmp/fed.cfg'"
"$bin" check "$tmp/fed.cfg" >"$tmp/fed2.cfg" 2>"$tmp/err"
rc=$?
expect_rc 0 "check of the printout"
check "printed again: the same text" cmp -s "$tmp/fed.cfg" "$tmp/fed2.cfg"
# shellcheck disable=SC2086
run run tests/federation/three.cfg -r 2 -s 5 $nostreams --set referrals.self_referral_share=0.3 \
    -o "$tmp/orig"
expect_rc 0 "run of the original with --set"
run run "$tmp/fed.cfg" -r 2 -s 5 -q -o "$tmp/back"
expect_rc 0 "run of the printout"
alike unlabel "$tmp/orig" "$tmp/back" \
    "the printout runs to the same outputs as the original (every file but the manifest)"
"$bin" check england >"$tmp/eng.cfg" 2>"$tmp/err" && "$bin" check "$tmp/eng.cfg" >"$tmp/eng2.cfg" 2>"$tmp/err"
rc=$?
expect_rc 0 "check of england and of its printout"
check "england printed again: the same text (120 services)" \
    sh -c "cmp -s '$tmp/eng.cfg' '$tmp/eng2.cfg' && test \$(grep -c '^    { name = ' '$tmp/eng.cfg') -eq 120"

# Copies, so that the files below can @include the golden scenario by a relative path.
mkdir -p "$tmp/tests" && cp -r tests/golden "$tmp/tests/" && cp -r scenarios "$tmp/"

# A service's name with a newline, quotes and a comma: its comment line of the services as
# run once printed it raw, the newline ending the comment, and the printout did not load.
mkdir -p "$tmp/tests/federation"
printf '%s\n' '@include "../golden/small.cfg"' \
    'services = ( { name = "a \"b\"\nc, <d>"; scale = 1.0; }, { name = "e"; scale = 2.0; } );' \
    >"$tmp/tests/federation/named.cfg"
"$bin" check "$tmp/tests/federation/named.cfg" --set output.patients=false --set output.events=false >"$tmp/named1.cfg" 2>"$tmp/err" &&
    "$bin" check "$tmp/named1.cfg" >"$tmp/named2.cfg" 2>"$tmp/err"
rc=$?
expect_rc 0 "check of a federation whose service name holds a newline, and of its printout"
check "printed again: the same text" cmp -s "$tmp/named1.cfg" "$tmp/named2.cfg"
check "its services as run name it escaped" grep -qF '#   services[0] "a \"b\"\nc, <d>": ' "$tmp/named1.cfg"
inc='@include "small.cfg"'

echo "== a variant of a federation"
# three_variant.cfg includes three.cfg and changes its base in a variant group (two more
# PWPs), as three_pwps.cfg does service by service: the same figures, every file but the
# manifest (before the variant group a file including a federation could not change its
# base but by copying its services list: a second overrides group is refused).
# shellcheck disable=SC2086
run run tests/federation/three_variant.cfg -r 2 $nostreams -j 2 -o "$tmp/variant"
expect_rc 0 "a variant of three.cfg"
# shellcheck disable=SC2086
run run tests/federation/three_pwps.cfg -r 2 $nostreams -j 2 -o "$tmp/variant_pwps"
expect_rc 0 "three_pwps.cfg"
alike digest "$tmp/variant" "$tmp/variant_pwps" \
    "the variant group's two PWPs in the base = three_pwps.cfg's in each service's overrides"

# england_expert_door.cfg repeats expert_door.cfg's changes in a variant group over
# england.cfg: its base is expert_door.cfg's service on england.cfg's ten years, key for
# key (check prints every key), so the two files cannot drift apart unseen.
base_of() { sed '/^services = (/,$d' | grep -v '^#' | grep -v '^name = ' | sed '/^$/d'; }
# One printout of england_expert_door serves the three checks on it (a check of 120
# services is the longest step here under the sanitizers; it ran three times). The first
# reads its messages and printout as 2>&1 gave them (messages unbuffered, so first), the
# others the printout alone, as 2>/dev/null did.
"$bin" check england_expert_door >"$tmp/eed.cfg" 2>"$tmp/eed.err"
cat "$tmp/eed.err" "$tmp/eed.cfg" | base_of >"$tmp/eed"
"$bin" check expert_door --set warmup_weeks=52 --set horizon_weeks=468 --set replications=1 \
    2>&1 | base_of >"$tmp/ed"
check "england_expert_door's base is expert_door.cfg's service, key for key" \
    sh -c "[ -s '$tmp/ed' ] && grep -q '^policy = \"expert_door\";' '$tmp/eed' && cmp -s '$tmp/eed' '$tmp/ed'"
check "and it has england.cfg's 120 services" \
    sh -c "[ \$(grep -c '^    { name = ' '$tmp/eed.cfg') -eq 120 ]"
# The printout's heading says what its base holds: the variant group too (it named the
# file, its overrides group and --set alone).
check "its printout's heading: the base is the file with its overrides and variant groups" \
    sh -c "head -n 2 '$tmp/eed.cfg' | grep -q 'the file with its overrides and variant groups and --set'"

echo "== a federation's service alone (--service)"
# --service NAME runs one service of a federation as the federation runs it: its own
# parameters and random numbers (seeded from the master seed: pw_pool_service_seed). Its
# figures then equal its row of the federation's services.csv (the tolerance above, 1e-9
# relative; at least 60 metrics), Small A's and Small B's seeds past 2^63 among them;
# `check --service` prints it as a scenario (such a seed in hexadecimal) that runs to the
# same bytes; -s reseeds the federation and the service with it; compare --service pairs
# as compare_services.csv does. Until 2026-12-07 a service could not be run alone on its
# own random numbers: its seed could pass 2^63, which -s and `seed` refused.
# as_row ALONE FED NAME WHAT: ALONE/summary.csv's means against FED/services.csv's row NAME.
as_row() {
awk -v name="$3" "$awk_csv"'
    FNR == 1 { split("", colix); header($0); file++; next }
    { csv($0, f) }
    file == 1 { alone[f[col("metric")]] = f[col("mean")]; next }
    file == 2 && f[col("service")] == name { for (m in alone) if (m in colix) svc[m] = f[colix[m]] }
    END {
        for (m in svc) {
            n++; a = alone[m]; b = svc[m]
            if (a == "" && b == "") continue
            d = a - b; if (d < 0) d = -d; t = a < 0 ? -a : a
            if (a == "" || b == "" || d > 1e-9 * t + 1e-12) { print m ": alone " a ", in the federation " b; bad++ }
        }
        print n " metrics compared"
        exit bad > 0 || n < 60
    }' "$1/summary.csv" "$2/services.csv" >"$tmp/cmp" 2>&1
if [ $? -eq 0 ]; then ok "$4: $(tail -n 1 "$tmp/cmp"): equal"; else
    bad "$4: the service alone differs from its row of services.csv:"; sed 's/^/      /' "$tmp/cmp" | head; fi
}
for svc in "Small A" "Small B" "Small C"; do
    # shellcheck disable=SC2086
    run run tests/federation/three.cfg --service "$svc" -r 3 $nostreams -o "$tmp/alone"
    expect_rc 0 "--service '$svc'"
    as_row "$tmp/alone" "$tmp/j1" "$svc" "'$svc' alone"
done
check "the run's manifest.json names the service" \
    grep -q '"service": "Small C"' "$tmp/alone/manifest.json"
# A page reads a JSON number as a double, exact to 2^53: Small C's seed, 8049685821808710811,
# showed as 8049685821808711000 on report.html until 2026-12-07; the pages' data holds it as
# a string.
check "report.html's data: the seed as a string, every digit" \
    grep -q '"seed": "8049685821808710811"' "$tmp/alone/report.html"
check "and the label the federation: Small C (golden [...])" \
    grep -q '^Small C (golden) \[' "$tmp/alone/summary.csv"
# shellcheck disable=SC2086
run check tests/federation/three.cfg --service "Small A"
expect_rc 0 "check --service 'Small A'"
cp "$tmp/out" tests/federation/.alone_a.cfg
check "its seed, past 2^63 - 2, in hexadecimal with the decimal beside it" \
    grep -qx 'seed = 0xC70578B3291483B3L; # 14341001299314901939' tests/federation/.alone_a.cfg
# shellcheck disable=SC2086
run run tests/federation/three.cfg --service "Small A" -r 3 $nostreams -o "$tmp/alone"
# shellcheck disable=SC2086
run run tests/federation/.alone_a.cfg -r 3 $nostreams -o "$tmp/alone_file"
expect_rc 0 "the printout runs"
rm -f tests/federation/.alone_a.cfg
alike unseed "$tmp/alone" "$tmp/alone_file" \
    "the printout runs to run --service's bytes (but report.html's federation_seed)"
# A sweep of one service: its point is run --service --set's, byte for byte but the label.
# shellcheck disable=SC2086
run sweep tests/federation/three.cfg --service "Small B" --vary staff.pwp.headcount=3:4 -r 2 \
    $nostreams --per-point -o "$tmp/sw_svc"
expect_rc 0 "sweep --service 'Small B'"
# Its first line and sweep.html's header say whose the seed is, as run's dashboard does
# (until 2026-12-07 they gave the service's seed alone, which -s beside --service does not take).
check "sweep.html's data: the federation's seed" \
    grep -q '"federation_seed": "20261203"' "$tmp/sw_svc/sweep.html"
check "sweep --service: the set's manifest.json names the service and the federation's seed" \
    sh -c "grep -q '^  \"service\": \"Small B\",' '$tmp/sw_svc/manifest.json' &&
           grep -q '^  \"federation_seed\": 20261203,' '$tmp/sw_svc/manifest.json'"
# shellcheck disable=SC2086
run sweep tests/federation/three.cfg --service "Small B" --vary staff.pwp.headcount=3 -r 1 \
    $nofiles -o "$tmp/sw_svc1"
check "sweep --service: the seed is the service's own, from the federation's 20261203" \
    sh -c "head -n 1 '$tmp/out' | grep -q \"· seed 15902305371487048309, the service's own from the federation's 20261203\\$\""
# shellcheck disable=SC2086
run run tests/federation/three.cfg --service "Small B" --set staff.pwp.headcount=4 -r 2 \
    $nostreams -o "$tmp/pw4_svc"
check "its point 1 equals run --service --set staff.pwp.headcount=4" sh -c \
    "[ \"\$(cd '$tmp/sw_svc/points/0001' && find . -type f ! -name manifest.json | LC_ALL=C sort | xargs sed 's/(golden) \[[^]]*\]/(golden)/g' | sha256sum)\" = \"\$(cd '$tmp/pw4_svc' && find . -type f ! -name manifest.json | LC_ALL=C sort | xargs sed 's/(golden) \[[^]]*\]/(golden)/g' | sha256sum)\" ]"
check "sweep.html's data: Small B's seed as a string" \
    grep -q '"seed": "15902305371487048309"' "$tmp/sw_svc/sweep.html"
# A point's set names the service and the federation's seed as run --service's does
# (manifest.json's scenario.service and federation_seed, report.html's header): until
# 2026-12-07 its manifest had neither.
check "a --per-point point names Small B and the federation's seed (manifest, report.html)" \
    sh -c "grep -q '\"service\": \"Small B\"' '$tmp/sw_svc/points/0001/manifest.json' &&
           grep -q '\"federation_seed\": 20261203,' '$tmp/sw_svc/points/0001/manifest.json' &&
           grep -q '\"federation_seed\": \"20261203\"' '$tmp/sw_svc/points/0001/report.html'"
run run tests/federation/three.cfg -s 7 -r 2 $nostreams -o "$tmp/s7"
run run tests/federation/three.cfg --service "Small B" -s 7 -r 2 $nostreams -o "$tmp/alone"
expect_rc 0 "--service with -s 7"
as_row "$tmp/alone" "$tmp/s7" "Small B" "-s 7: 'Small B' alone"
run run tests/federation/three.cfg --service "Small D" -o "$tmp/never"
expect_rc 2 "--service of no service"
expect_err "three.cfg: --service 'Small D': no service of that name \\(expected one of the services list's 3: \"Small A\", \"Small B\", \"Small C\"\\)" \
    "the name refused, the names listed"
# A name alike but for case, spaces and a number's leading zeros gets a guess; one alike
# to none gets none (the check above).
run check tests/federation/three.cfg --service "small  b"
expect_rc 2 "--service 'small  b'"
expect_err "--service 'small  b': no service of that name: did you mean \"Small B\"\? \(expected" \
    "a name alike but for case and spaces: the guess"
run check scenarios/england.cfg --service "lon 5"
expect_err "--service 'lon 5': no service of that name: did you mean \"LON 05\"\? " \
    "a number's leading zero: the guess"
# A long list (England has 120): ten named, the rest counted. Thirteen services here.
{ echo '@include "../golden/small.cfg"'; echo 'services = ('
  for k in $(seq 1 13); do echo "  { name = \"S$k\"; scale = 1.0; }$([ "$k" -lt 13 ] && echo ,)"; done
  echo ');'; } >"$tmp/tests/federation/thirteen.cfg"
run check "$tmp/tests/federation/thirteen.cfg" --service "S14"
expect_err "\\(expected one of the services list's 13: \"S1\", .*\"S10\" and 3 more: stepsim check SCENARIO lists them\\)" \
    "a list of 13: ten named, the rest counted"
# Zeros lead a number only at its start: S013 is S13, S103 is no one (it was S13 once).
run check "$tmp/tests/federation/thirteen.cfg" --service "s013"
expect_err "--service 's013': no service of that name: did you mean \"S13\"\?" "a leading zero: the guess"
run check "$tmp/tests/federation/thirteen.cfg" --service "S103"
expect_err "--service 'S103': no service of that name \\(expected" "a zero inside a number: no guess"
run run tests/golden/small.cfg --service "Small A" -o "$tmp/never"
expect_rc 2 "--service of a scenario that is not a federation"
expect_err "small.cfg: --service 'Small A': the scenario is not a federation \\(it has no services list\\)" "said so"
# (serve --service: tests/test_cli.sh, with the other serve checks.)
# A service that is not there stops serve at its start (timeout: a regression would serve).
timeout 20 "$bin" serve tests/federation/three.cfg --service "Small D" --port 18096 >"$tmp/out" 2>"$tmp/err"
rc=$?
expect_rc 2 "serve --service of no service"
expect_err "three.cfg: --service 'Small D': no service of that name" "serve: the name refused"
run run tests/federation/three.cfg --service ""
expect_rc 2 "--service ''"
# The label "SERVICE (FEDERATION)" is cut to a name's 255 bytes on a character's boundary,
# and closed: until 2026-12-07 a federation's long name in two-byte letters was cut through
# a letter, which left summary.csv's label invalid UTF-8 and the JSON files a U+FFFD.
printf '%s\n' '@include "../golden/small.cfg"' \
    'services = ( { name = "Ünïcødé"; scale = 1.0; }, { name = "e"; scale = 2.0; } );' \
    >"$tmp/tests/federation/long.cfg"
long=x$(printf 'é%.0s' $(seq 126))
run check "$tmp/tests/federation/long.cfg" --service "Ünïcødé" --set "name=\"$long\""
expect_rc 0 "check --service of a federation with a 253-byte name"
check "the label cut between letters, and closed" grep -q '^name = "Ünïcødé (x\(é\)*\.\.\.)";$' "$tmp/out"
# The default folder: out/three-Small_B, beside out/three (a service never replaces the
# federation's results).
mkdir -p "$tmp/cwd"
# shellcheck disable=SC2086
(cd "$tmp/cwd" && "$bin" run "$top/tests/federation/three.cfg" --service "Small B" -r 1 -q -j 1 \
    --set output.patients=false --set output.events=false >/dev/null 2>&1)
check "its default folder: out/three-Small_B-<the overrides' hash>" \
    sh -c "ls -d '$tmp'/cwd/out/three-Small_B-* >/dev/null"
# Letters beyond ASCII are kept in the folder's name: as '_' each, "Αθήνα" and "Πάτρα" were
# both out/greek-__________, one service's results over the other's (until 2026-12-07).
printf '%s\n' '@include "../golden/small.cfg"' \
    'services = ( { name = "Αθήνα"; scale = 1.0; }, { name = "Πάτρα"; scale = 2.0; } );' \
    >"$tmp/tests/federation/greek.cfg"
for svc in Αθήνα Πάτρα; do
    (cd "$tmp/cwd" && "$bin" run "$tmp/tests/federation/greek.cfg" --service "$svc" -r 1 -q -j 1 \
        --set output.patients=false --set output.events=false >/dev/null 2>&1)
done
check "two services of as many Greek letters: two folders, named in Greek" \
    sh -c "ls -d '$tmp'/cwd/out/greek-Αθήνα-* '$tmp'/cwd/out/greek-Πάτρα-* >/dev/null"
# A name the folder changes ("A B", "A/B" and "A_B" are all A_B) is hashed: until
# 2026-12-07 such services had one folder and the second run replaced the first's results.
printf '%s\n' '@include "../golden/small.cfg"' \
    'services = ( { name = "A B"; scale = 1.0; }, { name = "A/B"; scale = 2.0; },' \
    '             { name = "A_B"; scale = 0.5; } );' >"$tmp/tests/federation/ab.cfg"
for svc in "A B" "A/B" "A_B"; do
    (cd "$tmp/cwd" && "$bin" run "$tmp/tests/federation/ab.cfg" --service "$svc" -r 1 -q -j 1 \
        >/dev/null 2>&1)
done
check "three services 'A B', 'A/B' and 'A_B': three folders (out/ab-A_B and two hashed)" \
    sh -c "[ \$(ls -d '$tmp'/cwd/out/ab-A_B* | wc -l) -eq 3 ] && [ -d '$tmp/cwd/out/ab-A_B' ]"
# The seed a service runs on is drawn from the federation's: the dashboard, compare's
# header and manifest.json say from which (-s takes that one beside --service).
# shellcheck disable=SC2086
run run tests/federation/three.cfg --service "Small C" -s 7 -r 1 $nofiles -o "$tmp/alone"
check "the dashboard: the service's own seed, from the federation's 7" \
    grep -q "seed [0-9]*, the service's own from the federation's 7" "$tmp/out"
check "manifest.json: federation_seed 7" grep -q '"federation_seed": 7,' "$tmp/alone/manifest.json"
# report.html's header says it too (its data's federation_seed, a string as its seed is):
# until 2026-12-07 it gave the service's seed alone, which -s beside --service does not take.
check "report.html: the service's own seed, from the federation's 7" \
    sh -c "grep -q '\"federation_seed\": \"7\"' '$tmp/alone/report.html' &&
           grep -q \"the service's own from the federation's \\\${d.federation_seed}\" '$tmp/alone/report.html'"

echo "== compare of federations: their services paired"
# three_pwps.cfg has three.cfg's services, by name and in order: compare_services.csv pairs
# each with itself, replication by replication (-j 1 and -j 2 the same bytes), and
# compare.html draws them (tests/test_pages.sh); federations whose services differ, or a
# scenario that is not one, get no such file, and the terminal and the page say why.
# Until 2026-12 compare had no view of the services: "a federation of 3 services" alone.
# shellcheck disable=SC2086
run compare tests/federation/three.cfg tests/federation/three_pwps.cfg -r 4 $nostreams -j 1 \
    -o "$tmp/pair1"
expect_rc 0 "compare of two federations with the same services, -j 1"
# shellcheck disable=SC2086
run compare tests/federation/three.cfg tests/federation/three_pwps.cfg -r 4 $nostreams -j 2 \
    -o "$tmp/pair2"
expect_rc 0 "the same, -j 2"
alike digest "$tmp/pair1" "$tmp/pair2" \
    "compare of federations, -j 1 and -j 2: every file but the manifests identical"
if "$bin" --version | grep -q '^MPI: Open MPI' && command -v mpirun >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" OMPI_MCA_orte_tmpdir_base="$tmp" \
        mpirun --oversubscribe --allow-run-as-root -n 2 "$bin" compare tests/federation/three.cfg \
        tests/federation/three_pwps.cfg -r 4 $nostreams -j 1 -o "$tmp/pair_n2" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    expect_rc 0 "the same on 2 MPI ranks"
    alike digest "$tmp/pair1" "$tmp/pair_n2" "compare of federations, mpirun -n 2: identical to one process"
fi
check "compare_services.csv listed in the set's manifest.json" \
    grep -q '"name": "compare_services.csv"' "$tmp/pair1/manifest.json"
check "compare.html carries the services' paired differences" \
    grep -q '"service_diffs": \[' "$tmp/pair1/compare.html"
# compare.json had none of the services (a JSON reader had only the national figures).
check "so does compare.json, as the page has them" \
    sh -c "grep -q '\"service_diffs\": \\[' '$tmp/pair1/compare.json' && grep -q '{\"name\": \"Small A\", \"within_6_weeks_true\": {\"diff\": ' '$tmp/pair1/compare.json'"
# Every row against the scenarios' services.csv: a service's mean and CI are its own
# there; the reference's rows have no difference; the other's difference is over no more
# pairs than either side has values, and where both have all 4, it is its mean less the
# reference's (the paired mean is then the difference of the means), inside its CI.
awk "$awk_csv"'
    FNR == 1 { file++ }
    file <= 2 && FNR == 1 { nh = csv($0, h); for (i = 1; i <= nh; i++) ix[file, h[i]] = i
                            if (file == 1) for (i = 1; i <= nh; i++) nm += h[i] ~ /_ci_low$/; next }
    file <= 2 { csv($0, g); for (i in g) sv[file, g[ix[file, "service"]], i] = g[i]; next }
    FNR == 1 { header($0); next }
    {
        csv($0, f); rows++
        s = f[col("scenario")]; k = f[col("service")]; m = f[col("metric")]; fi = s == "three" ? 1 : 2
        mean = f[col("mean")]; d = f[col("diff_mean")]; dl = f[col("diff_ci_low")]; dh = f[col("diff_ci_high")]
        if (sv[fi, k, ix[fi, m]] != mean || sv[fi, k, ix[fi, m "_ci_low"]] != f[col("ci_low")] ||
            sv[fi, k, ix[fi, m "_ci_high"]] != f[col("ci_high")]) {
            print s " " k " " m ": " mean " [" f[col("ci_low")] ", " f[col("ci_high")] "], services.csv " sv[fi, k, ix[fi, m]]; bad++ }
        if (fi == 1) { ref[k, m] = mean; refn[k, m] = f[col("n")]
                       if (d != "" || f[col("diff_n")] != "") { print "a difference on the reference: " $0; bad++ }; next }
        if (f[col("diff_n")] + 0 > (f[col("n")] < refn[k, m] ? f[col("n")] : refn[k, m]) + 0) {
            print s " " k " " m ": " f[col("diff_n")] " pairs of " f[col("n")] " and " refn[k, m] " values"; bad++ }
        # Where a replication lacks a value, the pairs are fewer than each side: no check.
        if (mean == "" || ref[k, m] == "" || f[col("n")] != 4 || refn[k, m] != 4) { some++; next }
        both++
        mean += 0; d += 0; dl = dl == "" ? "" : dl + 0; dh += 0 # numbers: csv() gives strings
        x = mean - ref[k, m] - d; if (x < 0) x = -x
        t = (mean < 0 ? -mean : mean) + (d < 0 ? -d : d)
        if (x > 1e-9 * t + 1e-12 || f[col("n")] != 4 || f[col("diff_n")] != 4 || (dl != "" && (dl > d || dh < d))) {
            print s " " k " " m ": diff " d " [" dl ", " dh "] n " f[col("n")] "/" f[col("diff_n")] ", means " mean " less " ref[k, m]; bad++ }
    }
    END { print rows " rows (" nm " metrics), " both " differences checked (" some + 0 " over fewer pairs)"; exit bad > 0 || nm < 50 || rows != 3 * 2 * nm || both < 150 }
' "$tmp/pair1/three/services.csv" "$tmp/pair1/three_pwps/services.csv" \
    "$tmp/pair1/compare_services.csv" >"$tmp/cmp" 2>&1
if [ $? -eq 0 ]; then ok "compare_services.csv: $(tail -n 1 "$tmp/cmp"): each the services.csv figure, each difference paired"
else bad "compare_services.csv:"; sed 's/^/      /' "$tmp/cmp" | head; fi
# README ("compare_services.csv") gives this comparison's size and England's; it said 390
# rows of 65 metrics (about 15,000 for England) after the file had 69 metrics a service.
got=$(tail -n 1 "$tmp/cmp" | sed -n 's/^\([0-9]*\) rows (\([0-9]*\) metrics).*/\1 \2/p')
said=$(tr '\n' ' ' <README.md | tr -s ' ' |
    sed -n 's/.*-r 4 write \([0-9]*\) rows (3 services, \([0-9]*\) metrics, 2 scenarios); England.s 120 services against a variant of them, about \([0-9,]*\) rows.*/\1 \2 \3/p')
england=$(echo "$got" | awk '{ n = int(240 * $2 / 100 + 0.5) * 100
    printf "%d,%03d", n / 1000, n % 1000 }')
check "README's compare_services.csv sizes are the program's ($got; England about $england)" \
    test -n "$got" -a "$said" = "$got $england"
# README ("Federations") quotes this comparison's true six-week share: the national
# difference with its CI, and the services' least and greatest. It said +6.1 nationally, from
# +2.1 (Small C) to +14.0 (Small A), written before the model moved them (now +10.2, +6.6
# and +10.9 at -r 4).
said=$(tr '\n' ' ' <README.md | tr -s ' ' | sed -n 's/.*true six-week share moves \([-+][0-9.]*\) points nationally \[\([-+][0-9.]*\), \([-+][0-9.]*\)\], from \([-+][0-9.]*\) (\([^)]*\)) to \([-+][0-9.]*\) (\([^)]*\)), 2026.*/\1 \2 \3 \4 \5 \6 \7/p')
got=$( { grep '^three_pwps,three,within_6_weeks_true,' "$tmp/pair1/compare.csv"
         grep '^three_pwps,three,[^,]*,within_6_weeks_true,' "$tmp/pair1/compare_services.csv"; } |
    awk -F, 'NR == 1 { printf "%+.1f %+.1f %+.1f", 100 * $7, 100 * $8, 100 * $9; next }
             { d = 100 * $8; if (lo == "" || d < lo) { lo = d; ln = $3 }; if (hi == "" || d > hi) { hi = d; hn = $3 } }
             END { printf " %+.1f %s %+.1f %s\n", lo, ln, hi, hn }')
check "README's six-week shares of three_pwps against three are the program's ($got)" \
    test -n "$said" -a "$said" = "$got"
row=$(grep '^three_pwps,three,Small A,within_6_weeks_true,' "$tmp/pair1/compare_services.csv")
check "a service's six-week share moves with two more PWPs ($row)" \
    sh -c "echo '$row' | awk -F, '{ exit !(\$9 > 0) }'"
# Again into the same folder: the set's manifest lists the file, so the set is replaced.
# shellcheck disable=SC2086
run compare tests/federation/three.cfg tests/federation/three_pwps.cfg -r 2 $nofiles \
    -o "$tmp/pair1"
expect_rc 0 "the same comparison again into its folder"
check "and the terminal names compare_services.csv among the outputs" \
    grep -q 'compare_subgroups.csv, compare_services.csv, one directory' "$tmp/out"
# unpaired A B WHY WHAT: compare A and B into the same folder (whose earlier set had the
# file): no compare_services.csv, none in the manifest, the terminal and the page saying WHY.
unpaired() {
    # shellcheck disable=SC2086
    run compare "$1" "$2" -r 2 $nofiles -o "$tmp/pair1"
    expect_rc 0 "$4"
    check "$4: no compare_services.csv (the earlier set's gone with it), none in the manifest" \
        sh -c "test ! -e '$tmp/pair1/compare_services.csv' && ! grep -q compare_services '$tmp/pair1/manifest.json'"
    check "$4: the terminal says why" grep -qF "Services not compared: $3" "$tmp/out"
    check "$4: so does compare.html" grep -qF "\"services_unpaired\": \"$3" "$tmp/pair1/compare.html"
    check "$4: and compare.json" grep -qF "\"services_unpaired\": \"$3" "$tmp/pair1/compare.json"
}
unpaired tests/federation/three.cfg tests/federation/one.cfg \
    'one has 1 service where three has 3: services are compared only between federations with the same services, by name, in the same order' \
    "federations of 3 and 1 services"
mkdir -p "$tmp/tests/federation"
sed 's/"Small B"/"Small Bee"/' tests/federation/three.cfg >"$tmp/tests/federation/renamed.cfg"
unpaired tests/federation/three.cfg "$tmp/tests/federation/renamed.cfg" 'service 2 of renamed is ' \
    "a service renamed"
unpaired "$tmp/tests/golden/small.cfg" tests/federation/three.cfg \
    'small is not a federation (no services list)' "a scenario that is not a federation"

# compare --service: one service of each federation, paired as compare_services.csv pairs
# it (every metric's means and difference with its CI the same numbers).
# shellcheck disable=SC2086
run compare tests/federation/three.cfg tests/federation/three_pwps.cfg --service "Small B" \
    -r 4 $nofiles -o "$tmp/pair_b"
expect_rc 0 "compare --service 'Small B'"
check "its header names the service and the seed" \
    grep -q "^Service \"Small B\" of each federation alone (--service), on the seed" "$tmp/out"
# compare.html's header says whose the seed is too (until 2026-12-07 the service's alone).
check "compare.html's data: the federation's seed beside the service's" \
    grep -q '"seed": "15902305371487048309", "replications": 4, "federation_seed": "20261203"' \
    "$tmp/pair_b/compare.html"
# So does the set's own manifest.json (until 2026-12-07 its master_seed alone, the service's).
check "compare --service: the set's manifest.json names the service and the federation's seed" \
    sh -c "grep -q '^  \"master_seed\": 15902305371487048309,' '$tmp/pair_b/manifest.json' &&
           grep -q '^  \"service\": \"Small B\",' '$tmp/pair_b/manifest.json' &&
           grep -q '^  \"federation_seed\": 20261203,' '$tmp/pair_b/manifest.json'"
awk "$awk_csv"'
    FNR == 1 { split("", colix); header($0); file++; next }
    { csv($0, f) }
    file == 1 && f[col("service")] != "Small B" { next }
    { key = f[col("scenario")] SUBSEP f[col("metric")]
      v = f[col("mean")] " " f[col("diff_mean")] " " f[col("diff_ci_low")] " " f[col("diff_ci_high")] }
    file == 1 { want[key] = v; next }
    !(key in want) { next } # compare.csv has metrics compare_services.csv has not
    { n++; if (want[key] != v) { print key ": " v " against " want[key]; bad++ } }
    END { print n " rows compared"; exit bad > 0 || n < 100 }' \
    "$tmp/pair2/compare_services.csv" "$tmp/pair_b/compare.csv" >"$tmp/cmp" 2>&1
if [ $? -eq 0 ]; then ok "compare --service: $(tail -n 1 "$tmp/cmp"), as compare_services.csv's"; else
    bad "compare --service differs from compare_services.csv's rows:"; sed 's/^/      /' "$tmp/cmp" | head; fi
check "compare.html's data: Small B's seed as a string" \
    grep -q '"seed": "15902305371487048309"' "$tmp/pair_b/compare.html"

echo "== check of a federation whose services change a role and two groups"
# The staff block is the loader's own: a service's change to one role prints as that
# role's key alone, and groups by their changed members; the printout runs as the file.
cat >"$tmp/tests/golden/own_keys.cfg" <<EOF
$inc
services = (
    { name = "A"; scale = 1.0;
      overrides = { staff = { pwp = { clinical_hours_per_week = 30.0; }; }; }; },
    { name = "B"; scale = 2.0;
      overrides = { step2 = { max_sessions = 6; }; assessment = { opt_in_days_mean = 9.0; }; }; }
);
EOF
"$bin" check "$tmp/tests/golden/own_keys.cfg" --set output.patients=false \
    --set output.events=false >"$tmp/own.cfg" 2>"$tmp/err"
rc=$?
expect_rc 0 "check own_keys.cfg"
check "a role's change alone" grep -qF 'overrides = { staff = { pwp = { clinical_hours_per_week = 30.0; }; }; }; },' "$tmp/own.cfg"
check "two groups' changes, in schema order" grep -qF 'overrides = { assessment = { opt_in_days_mean = 9.0; }; step2 = { max_sessions = 6; }; }; }' "$tmp/own.cfg"
# shellcheck disable=SC2086
run run "$tmp/tests/golden/own_keys.cfg" -r 2 -s 2 $nostreams -o "$tmp/own_orig"
expect_rc 0 "run of own_keys.cfg"
run run "$tmp/own.cfg" -r 2 -s 2 -q -o "$tmp/own_back"
expect_rc 0 "run of its printout"
alike unlabel "$tmp/own_orig" "$tmp/own_back" "the printout runs to the same outputs as the file"

echo "== bad services"
printf '%s\nservices = ( { name = "A"; } );\n' "$inc" >"$tmp/tests/golden/noscale.cfg"
run check "$tmp/tests/golden/noscale.cfg"
expect_rc 2 "no scale"
expect_err 'noscale.cfg:2: services\[0\]\.scale: missing' "no scale"
printf '%s\nservices = ( { name = "A"; scale = 1.0; sclae = 2; } );\n' "$inc" >"$tmp/tests/golden/typo.cfg"
run check "$tmp/tests/golden/typo.cfg"
expect_rc 2 "unknown key"
expect_err 'typo.cfg:2: services\[0\]\.sclae: unknown key' "unknown key"
# A name's limit is in bytes: 32 two-byte letters are 64 (it read "63 characters (got 64)").
printf '%s\nservices = ( { name = "%s"; scale = 1.0; } );\n' "$inc" "$(printf 'é%.0s' $(seq 32))" \
    >"$tmp/tests/golden/longname.cfg"
run check "$tmp/tests/golden/longname.cfg"
expect_rc 2 "a name of 64 bytes"
expect_err 'longname.cfg:2: services\[0\]\.name: must be 1 to 63 bytes of UTF-8 \(got 64 bytes\)' \
    "a name of 64 bytes: its limit in bytes"
# A wrong entry does not hide another service's wrong override: both are reported at once
# (the services were once loaded only after the list's entries were right).
printf '%s\nservices = ( { name = "A"; scale = 1.0; sclae = 2; },\n  { name = "B"; scale = 1.0; overrides = { referrals = { self_referral_share = 1.5; }; }; } );\n' "$inc" \
    >"$tmp/tests/golden/both.cfg"
run check "$tmp/tests/golden/both.cfg"
expect_rc 2 "a wrong entry and a wrong override"
expect_err 'both.cfg:2: services\[0\]\.sclae: unknown key' "a wrong entry and a wrong override: the entry"
expect_err 'both.cfg:3: referrals\.self_referral_share: must be a probability in \[0, 1\] \(got 1\.5\) \(services\[1\] "B"\)' \
    "a wrong entry and a wrong override: the override, in the same run, naming its service"
check "a wrong entry and a wrong override: the entry's problem said once" \
    sh -c "[ \$(grep -c 'sclae' '$tmp/err') -eq 1 ]"
# Scaled past a scenario's own limits: refused at the service, at once, not clamped
# (headcounts were held at 1,000,000) nor run for minutes until the streams ran out.
printf '%s\nservices = ( { name = "Huge"; scale = 1000.0; staffing = 1000.0; } );\n' "$inc" \
    >"$tmp/tests/golden/huge.cfg"
run check "$tmp/tests/golden/huge.cfg"
expect_rc 2 "a service scaled past the limits"
expect_err 'huge.cfg:2: services\[0\]: "Huge" scaled by 1000 \(staffing 1000\) has [0-9]+ [a-z]+ \(staff\.[a-z]+\.headcount [0-9]+ x 1e\+06\), more than the 10000 ' \
    "the headcount's limit, at the service"
printf '%s\nservices = ( { name = "A"; scale = -1.0; } );\n' "$inc" >"$tmp/tests/golden/neg.cfg"
run check "$tmp/tests/golden/neg.cfg"
expect_rc 2 "negative scale"
expect_err 'services\[0\]\.scale: must be a number in \(0, 1000\] \(got -1\)' "negative scale"
printf '%s\nservices = ( { name = "A"; scale = 1.0; },\n  { name = "B"; scale = 1.0; overrides = { horizon_weeks = 30.0; }; } );\n' "$inc" \
    >"$tmp/tests/golden/horizon.cfg"
run check "$tmp/tests/golden/horizon.cfg"
expect_rc 2 "a service with its own horizon"
expect_err 'horizon.cfg:3: services\[1\]: "B" changes horizon_weeks 30 \(the base has [0-9]+\): a service must keep the base scenario' \
    "a service with its own horizon: the key, its value and the base's named"
# A service's own seed or replications would be ignored (one seed, one count a run).
for k in "seed = 5" "replications = 3"; do
    printf '%s\nservices = ( { name = "A"; scale = 1.0; },\n  { name = "B"; scale = 1.0; overrides = { %s; }; } );\n' "$inc" "$k" \
        >"$tmp/tests/golden/own.cfg"
    run check "$tmp/tests/golden/own.cfg"
    expect_rc 2 "a service with its own ${k% =*}"
    expect_err "own.cfg:3: services\\[1\\]: \"B\" changes ${k% =*} ${k#*= } \\(the base has [0-9]+\\): a service must keep the base scenario.*seed and replications" \
        "a service with its own ${k% =*}"
done
# A service whose overrides fail to load, or beside a wrong entry, is still told what it
# changes that a service must keep (it was told only once the rest was fixed: two runs);
# a key refused is not told again as changed.
printf '%s\nservices = ( { name = "A"; scale = 1.0; },\n  { name = "B"; scale = 1.0; overrides = { horizon_weeks = 30.0; referrals = { per_week = -5.0; }; }; },\n  { name = "C"; scale = -1.0; overrides = { seed = 7; }; },\n  { name = "D"; scale = 1.0; overrides = { horizon_weeks = -3.0; }; },\n  { name = "E"; scale = 1.0; overrides = { horizon_weeks = "x"; seed = 7; }; } );\n' "$inc" \
    >"$tmp/tests/golden/all_at_once.cfg"
run check "$tmp/tests/golden/all_at_once.cfg"
expect_rc 2 "services with every kind of problem"
expect_err 'all_at_once.cfg:3: services\[1\]: "B" changes horizon_weeks 30' \
    "a service's horizon told beside its overrides' bad value"
expect_err 'all_at_once.cfg:4: services\[2\]: "C" changes seed 7' \
    "a service's seed told beside its entry's bad scale"
check "a horizon refused is not told again as changed" \
    sh -c "! grep -q '\"D\" changes horizon_weeks' '$tmp/err'"
# Nor does it hide the service's next change (E's seed was told only once its horizon was
# fixed: the horizon refused was the first change found, and passed over, no other sought).
expect_err 'all_at_once.cfg:6: services\[4\]: "E" changes seed 7' \
    "a service's seed told beside its refused horizon"
# Every change a service makes to what it must keep, in one message; a key whose value is
# refused is passed over by the message's key, not by a key its text names (the later
# reading's refusal names outcome_weeks, which loaded: that change was not told).
printf '%s\nservices = ( { name = "A"; scale = 1.0; },\n  { name = "B"; scale = 1.0; overrides = { outcome_weeks = 20.0; outcome_weeks_late = 5.0; }; },\n  { name = "C"; scale = 1.0; overrides = { horizon_weeks = 30.0; seed = 7; }; } );\n' "$inc" \
    >"$tmp/tests/golden/every_change.cfg"
run check "$tmp/tests/golden/every_change.cfg"
expect_rc 2 "services changing several kept keys"
expect_err 'every_change.cfg:3: services\[1\]: "B" changes outcome_weeks 20 \(the base has [0-9]+\)' \
    "a change told beside a refusal whose text names its key"
expect_err 'every_change.cfg:4: services\[2\]: "C" changes horizon_weeks 30 \(the base has [0-9]+\), seed 7 \(the base has [0-9]+\): ' \
    "both of a service's changes in one message"
# A service's own plan or lever that never acts is said as the base's is, tagged with the
# service (only the base's had been checked); one the base has too is said once, untagged.
printf '%s\nservices = ( { name = "A"; scale = 1.0; overrides = { step3 = { step_down_after = 40; step_down_probability = 1.0; }; workforce = { cuts = ( { week = 900.0; role = "hit"; count = 1; } ); }; }; },\n  { name = "B"; scale = 1.0; overrides = { staff = { hit = { headcount = 0; }; }; }; } );\n' "$inc" \
    >"$tmp/tests/golden/svc_plans.cfg"
run check "$tmp/tests/golden/svc_plans.cfg"
expect_rc 0 "check: a service's own plan after the run and review after its cap"
check "the service's plan named with the service" \
    grep -q '^Plan warning service "A": workforce.cuts\[0\] is at week 900' "$tmp/err"
check "the service's lever named with the service" \
    grep -q '^Lever warning service "A": step3.step_down_after is 40' "$tmp/err"
check "a service with no HIT posts: a Staffing warning for it" \
    grep -q '^Staffing warning service "B": no post in this service treats step 3 (staff.hit,' "$tmp/err"
check "and no plan or lever warning for it" sh -c "! grep -q '^[PL][a-z]* warning service \"B\"' '$tmp/err'"
# A service's name in a warning's tag is written as the scenario file writes it: a newline
# in it, raw, broke the warning across lines.
printf '%s\nservices = ( { name = "a \\"b\\"\\nc"; scale = 1.0; overrides = { staff = { hit = { headcount = 0; }; }; }; } );\n' "$inc" \
    >"$tmp/tests/golden/svc_named.cfg"
run check "$tmp/tests/golden/svc_named.cfg"
check "a service named with quotes and a newline: its warning on one line, the name escaped" \
    grep -qF 'Staffing warning service "a \"b\"\nc": no post in this service treats step 3' "$tmp/err"
run run "$tmp/tests/golden/svc_plans.cfg" -r 1 --set output.patients=false \
    --set output.events=false -o "$tmp/svc_plans"
expect_rc 0 "run: the same"
check "run says so too" grep -q '^Lever warning service "A": step3.step_down_after is 40' "$tmp/out"
# The report's checks box is the terminal's checks: the services' own with them (it had the
# base's alone).
check "report.html's checks carry the service's own warning" \
    grep -q 'Lever warning service \\"A\\": step3.step_down_after is 40' "$tmp/svc_plans/report.html"
check "and the service without HITs" \
    grep -q 'Staffing warning service \\"B\\": no post in this service treats step 3' "$tmp/svc_plans/report.html"

echo "== the decision tools on a federation"
# Each point of a sweep is the federation with the point's --set: its set of outputs
# (--per-point) is `run --set`'s, services.csv and the page included, byte for byte but the
# label; the same bytes on one thread and on two.
# shellcheck disable=SC2086
run sweep tests/federation/three.cfg --vary staff.pwp.headcount=3:4 -r 2 -j 1 $nofiles \
    --per-point -o "$tmp/sw1"
expect_rc 0 "sweep of a federation, -j 1"
check "its first line says it is a federation, and of how many" \
    grep -q '^golden \[[^]]*\] · a federation of 3 services · sweep of 2 points' "$tmp/out"
check "sweep.html's data says so too" grep -q '"services": 3' "$tmp/sw1/sweep.html"
# shellcheck disable=SC2086
run sweep tests/federation/three.cfg --vary staff.pwp.headcount=3:4 -r 2 -j 2 $nostreams \
    -o "$tmp/sw2"
expect_rc 0 "sweep of a federation, -j 2"
check "sweep.csv: the same bytes on one thread and on two" \
    cmp -s "$tmp/sw1/sweep.csv" "$tmp/sw2/sweep.csv"
# shellcheck disable=SC2086
run run tests/federation/three.cfg --set staff.pwp.headcount=4 -r 2 $nostreams -o "$tmp/pw4"
alike unlabel "$tmp/sw1/points/0001" "$tmp/pw4" \
    "point 1 (4 PWPs a service's base): every file equals run --set's, services.csv too"
# The memory a federation's point needs is its largest service's at a time on each thread,
# with every point's services' parameters and the services' results waiting to be pooled:
# a refusal says so (it once read "people in the service" for the largest of the services,
# unnamed, and counted the waiting results under the points' parameters without a word).
# shellcheck disable=SC2086
run sweep tests/federation/three.cfg --vary staff.pwp.headcount=3:4 -r 2 $nostreams \
    --max-memory 1k -o "$tmp/sw_mem"
expect_rc 2 "sweep of a federation past --max-memory"
expect_err '^  [0-9.]+ [KMG]iB: its largest service, "Small B": people in the service: up to' \
    "the refusal names the largest service"
expect_err "^  [0-9.]+ [KMG]iB: every point's parameters and metrics .*; and a federation's services' results waiting to be pooled" \
    "and counts the services' results waiting to be pooled"
# shellcheck disable=SC2086
run run tests/federation/three.cfg -r 2 $nostreams --max-memory 1k -o "$tmp/run_mem"
expect_rc 2 "run of a federation past --max-memory"
expect_err '^  [0-9.]+ [KMG]iB: its largest service, "Small B": clinicians: ' \
    "run's refusal names the largest service"
# A --vary value within a role's limit in the base, past it in a scaled service (Small B's
# 1.6 times): the service's message names the key and its value before scaling (it said
# only "lower its scale or staffing"), and the sweep's line the --vary (it named the
# point alone); solve's names the --vary as well.
# shellcheck disable=SC2086
run sweep tests/federation/three.cfg --vary staff.pwp.headcount=3,7000 -r 1 $nostreams \
    -o "$tmp/sw_limit"
expect_rc 2 "sweep of a federation, a value a scaled service refuses"
expect_err 'three.cfg:11: services\[1\]: "Small B" scaled by 2 \(staffing 0.8\) has 11200 pwp \(staff.pwp.headcount 7000 x 1.6\), more than the 10000 a role may have: lower its scale or staffing, or staff.pwp.headcount' \
    "the service's message names the key and its value before scaling"
expect_err "the scenario refuses the point staff.pwp.headcount=7000 of --vary 'staff.pwp.headcount=3,7000' \\(above\\)" \
    "the sweep's line names the --vary"
# shellcheck disable=SC2086
run solve tests/federation/three.cfg --vary staff.pwp.headcount=3:7000 \
    --target 'within_6_weeks_true>=0.1' -r 2 $nostreams -o "$tmp/solve_limit"
expect_rc 2 "solve of a federation, a value a scaled service refuses"
expect_err '"Small B" scaled by 2 \(staffing 0.8\) has 11200 pwp' "solve: the service named"
expect_err "--vary 'staff.pwp.headcount=3:7000': the scenario refuses staff.pwp.headcount=7000" \
    "solve: the --vary named"
# solve's search and every point of the grid (--exhaustive) find the same answer.
# answer: the last run's answer ("staff.pwp.headcount=N"), or nothing.
answer() { sed -n 's/^answer: \(staff.pwp.headcount=[0-9]*\) .*/\1/p' "$tmp/out"; }
solve_fed="tests/federation/three.cfg --vary staff.pwp.headcount=2:8
    --target within_6_weeks_true>=0.1 -r 4 $nofiles"
# shellcheck disable=SC2086
run solve $solve_fed -o "$tmp/solve"
expect_rc 0 "solve on a federation"
check "solve's first line says it is a federation" \
    grep -q '^golden \[[^]]*\] · a federation of 3 services · solve' "$tmp/out"
a=$(answer)
# shellcheck disable=SC2086
run solve $solve_fed --exhaustive -o "$tmp/solve_all"
expect_rc 0 "solve --exhaustive on a federation"
b=$(answer)
check "solve finds an answer, and --exhaustive the same ('$a', '$b')" \
    sh -c "[ -n '$a' ] && [ '$a' = '$b' ]"
# solve keeps every point it evaluates, but a federation's services only while the point
# runs: a grid of 399 x 400 points weighs as one service's (8.2 GiB here), where it
# weighed each point's services too (40 GiB), and a national grid was refused.
# points_line SCENARIO: the points' line of solve's memory refusal on that grid.
points_line() {
    # shellcheck disable=SC2086
    run solve "$1" --vary staff.pwp.headcount=2:400 --vary staff.hit.headcount=1:400 \
        --target within_6_weeks_true\>=0.3 -r 2 --max-memory 1M $nofiles
    sed -n 's/^  \([0-9.]*\) GiB: the points evaluated.*/\1/p' "$tmp/err"
}
one=$(points_line tests/golden/small.cfg)
fed=$(points_line tests/federation/three.cfg)
check "solve's points of a federation weigh as one service's ($fed GiB against $one GiB)" \
    sh -c "[ -n '$one' ] && [ '$one' = '$fed' ]"
# sweep the same: it loads every point before it runs any, and holds a federation's
# services only for the batch being run (299 x 300 points: 4.6 GiB, where it was 23 GiB).
sweep_line() {
    # shellcheck disable=SC2086
    run sweep "$1" --vary staff.pwp.headcount=2:300 --vary staff.hit.headcount=1:300 -r 2 \
        --max-memory 1M $nofiles
    sed -n "s/^  \([0-9.]*\) GiB: every point's parameters.*/\1/p" "$tmp/err"
}
one=$(sweep_line tests/golden/small.cfg)
fed=$(sweep_line tests/federation/three.cfg)
check "sweep's points of a federation weigh as one service's ($fed GiB against $one GiB)" \
    sh -c "[ -n '$one' ] && [ '$one' = '$fed' ]"
# shellcheck disable=SC2086
run sensitivity tests/federation/three.cfg --vary staff.pwp.headcount=2:5 --samples 2 -r 1 \
    $nostreams -o "$tmp/sens"
expect_rc 0 "sensitivity on a federation"
check "sensitivity.csv written" test -s "$tmp/sens/sensitivity.csv"
# calibrate fits the base every service is scaled from; fitted.cfg is the federation (its
# services list) with the fitted values, and runs to the fit's figures exactly.
printf 'targets = ( { metric = "within_6_weeks_true"; value = 0.25; tolerance = 0.02; } );\nfree = ( { key = "staff.pwp.headcount"; lower = 2; upper = 8; start = 3; } );\n' \
    >"$tmp/targets.cfg"
# shellcheck disable=SC2086
run calibrate tests/federation/three.cfg --targets "$tmp/targets.cfg" -r 3 $nofiles \
    -o "$tmp/cal"
expect_rc 0 "calibrate of a federation"
check "calibrate's first line says it is a federation" \
    grep -q '^golden \[[^]]*\] · a federation of 3 services · calibrate' "$tmp/out"
check "fitted.cfg holds the services list and the fitted values" sh -c \
    "grep -q '^services = (' '$tmp/cal/fitted.cfg' && grep -q '^    staff = { pwp = { headcount = [0-9]*; }; };' '$tmp/cal/fitted.cfg'"
run run "$tmp/cal/fitted.cfg" -r 3 -s 20261203 -q -o "$tmp/refit"
expect_rc 0 "run fitted.cfg"
check "and it is a federation of 3 services" test "$(awk 'NR > 1' "$tmp/refit/services.csv" | wc -l)" -eq 3
# fit_share CAL RUN: "a" the six-week share of calibrate's best evaluation in CAL, "b" the
# share RUN (a run of its fitted.cfg) reads.
fit_share() {
    a=$(awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        best == "" || f[col("distance")] + 0 < d { d = f[col("distance")] + 0; best = f[col("within_6_weeks_true")] }
        END { print best }' "$1/calibrate.csv")
    b=$(awk "$awk_csv"'NR == 1 { header($0); next } { csv($0, f) }
        f[col("metric")] == "within_6_weeks_true" { print f[col("mean")] }' "$2/summary.csv")
}
fit_share "$tmp/cal" "$tmp/refit"
check "fitted.cfg runs to the fit's six-week share ('$a', '$b')" sh -c "[ -n '$a' ] && [ '$a' = '$b' ]"
# calibrate --service fits the federation's base to one service's figures; the service
# scales the fitted headcount (Small B: by 2 x 0.8), so fitted.cfg is the service at the
# fitted values as it scales them, the base's values a comment (until 2026-12-07 they were
# an overrides group, which set Small B's own headcount unscaled: 6 PWPs, not 10, and the
# file ran to 17.5% within six weeks against the fit's 25.2%).
# shellcheck disable=SC2086
run calibrate tests/federation/three.cfg --service "Small B" --targets "$tmp/targets.cfg" -r 3 \
    $nofiles -o "$tmp/cal_svc"
expect_rc 0 "calibrate --service 'Small B'"
check "calibrate --service: the seed is the service's own, from the federation's" \
    grep -q "· seed 15902305371487048309, the service's own from the federation's 20261203$" "$tmp/out"
check "its fitted.cfg has no live overrides group" sh -c "! grep -q '^overrides' '$tmp/cal_svc/fitted.cfg'"
run run "$tmp/cal_svc/fitted.cfg" -r 3 -q -o "$tmp/refit_svc"
expect_rc 0 "run --service's fitted.cfg"
fit_share "$tmp/cal_svc" "$tmp/refit_svc"
check "and it runs to the fit's six-week share ('$a', '$b')" sh -c "[ -n '$a' ] && [ '$a' = '$b' ]"
# A free key that a service's own overrides set too (Small C's self-referral share): the
# fit sets it on the base as --set does, after the service's overrides, so Small C ran at
# the fitted share; fitted.cfg gives it so (until 2026-12-07 its overrides group came
# before Small C's own 0.4, and the file ran to another six-week share than the fit's).
printf 'targets = ( { metric = "within_6_weeks_true"; value = 0.12; tolerance = 0.01; } );\nfree = ( { key = "referrals.self_referral_share"; lower = 0.05; upper = 0.95; start = 0.3; } );\n' \
    >"$tmp/targets_own.cfg"
# shellcheck disable=SC2086
run calibrate tests/federation/three.cfg --targets "$tmp/targets_own.cfg" -r 2 --max-evals 6 \
    $nofiles -o "$tmp/cal_own"
expect_rc 0 "calibrate of a key a service overrides"
check "the terminal says Small C's own value gave way to the fit's" \
    grep -q 'the service "Small C" sets a fitted key in its own overrides' "$tmp/out"
run run "$tmp/cal_own/fitted.cfg" -r 2 -s 20261203 -q -o "$tmp/refit_own"
expect_rc 0 "run fitted.cfg (a key a service overrides)"
fit_share "$tmp/cal_own" "$tmp/refit_own"
check "fitted.cfg runs to the fit's six-week share, Small C at the fitted share ('$a', '$b')" \
    sh -c "[ -n '$a' ] && [ '$a' = '$b' ]"
# serve runs one service's scenario: a federation is refused, naming the list.
run serve tests/federation/three.cfg --port 1
expect_rc 2 "serve of a federation"
expect_err 'three.cfg:[0-9]+: services: a federation of services runs with `stepsim run`, `compare`, `check`, `sweep`, `solve`, `sensitivity` or `calibrate`, not this command' \
    "serve of a federation"

echo "== a federation's patients.csv and events.csv"
# Its base (small.cfg) writes both: every service's rows, the service's name appended as
# the last column, by replication and then service in the list's order; case ids carry
# the service (r0-s1-12).
run run tests/federation/three.cfg -r 2 -s 1 -q -j 1 -o "$tmp/st1"
expect_rc 0 "three services with patients.csv and events.csv, -j 1"
run run tests/federation/three.cfg -r 2 -s 1 -q -j 2 -o "$tmp/st2"
expect_rc 0 "three services with patients.csv and events.csv, -j 2"
for f in patients events arrivals resources; do
    check "$f.csv: the same bytes on -j 1 and -j 2" cmp -s "$tmp/st1/$f.csv" "$tmp/st2/$f.csv"
done
check "no part file left" test -z "$(find "$tmp/st1" "$tmp/st2" -name '*.part')"
check "patients.csv's header: one service's, then service" sh -c \
    "head -n 1 '$tmp/st1/patients.csv' | grep -q ',clinician_burnout,service\$'"
check "events.csv's header: one service's, then service" sh -c \
    "head -n 1 '$tmp/st1/events.csv' | grep -q '^scenario,replication,case_id,.*,unfinished,service\$'"
check "manifest.json lists them" sh -c "grep -q '\"patients.csv\"' '$tmp/st1/manifest.json' &&
    grep -q '\"events.csv\"' '$tmp/st1/manifest.json'"
# Rows by (replication, service in the list's order), each pair in one run; case ids
# r<replication>-s<k>-<patient> with k the service's place.
for f in patients events arrivals; do
    awk -F, -v f="$f" 'BEGIN { o["Small A"] = 0; o["Small B"] = 1; o["Small C"] = 2 }
        NR == 1 { next }
        { r = f == "arrivals" ? $6 : $2; k = o[$NF]; key = r * 10 + k
          if (!($NF in o) || key < last || (key != last && (key in seen))) { print "row " NR ": replication " r ", service " $NF " out of order"; exit 1 }
          seen[key] = 1; last = key
          id = f == "patients" ? "" : f == "events" ? $3 : $1
          if (id != "" && index(id, "r" r "-s" k "-") != 1) { print "row " NR ": case " id; exit 1 } }
        END { if (length(seen) != 6) { print length(seen) " (replication, service) runs"; exit 1 } }' \
        "$tmp/st1/$f.csv" >"$tmp/order" 2>&1
    if [ $? -eq 0 ]; then ok "$f.csv: rows by replication, then service; case ids r<rep>-s<k>-"
    else bad "$f.csv's order: $(cat "$tmp/order")"; fi
done
# Each service's cohort referrals (its assessment rows of cohort 1) are services.csv's.
awk "$awk_csv"'FNR == 1 { split("", colix); header($0); file++; next }
    { csv($0, f) }
    file == 1 && f[col("stage")] == "assessment" && f[col("cohort")] == 1 { n[f[col("service")]]++; next }
    file == 2 { s = f[col("service")]; got = n[s] / 2; k++
                if (got != f[col("referrals")] + 0) { print s ": " got " cohort referrals a replication in patients.csv, services.csv " f[col("referrals")]; bad++ } }
    END { print k " services"; exit bad > 0 || k != 3 }' "$tmp/st1/patients.csv" "$tmp/st1/services.csv" \
    >"$tmp/cmp" 2>&1
if [ $? -eq 0 ]; then ok "each service's cohort rows are its referrals in services.csv ($(tail -n 1 "$tmp/cmp"))"
else bad "patients.csv against services.csv:"; sed 's/^/      /' "$tmp/cmp" | head; fi
# Each service's rows are those --service writes, byte for byte (the scenario id aside, and
# the federation's case ids r<rep>-s<k>- where the service alone has r<rep>-).
k=0
for svc in "Small A" "Small B" "Small C"; do
    run run tests/federation/three.cfg --service "$svc" -r 2 -s 1 -q -o "$tmp/alone$k"
    expect_rc 0 "$svc alone (--service)"
    for f in patients events arrivals; do
        awk -F, -v OFS=, -v f="$f" -v s="$svc" -v k="$k" 'NR > 1 && $NF == s { NF--
            if (f == "arrivals") { $7 = "x"; sub("-s" k "-", "-", $1) }
            else { $1 = "x"; if (f == "events") { sub("-s" k "-", "-", $3); sub("-s" k "-", "-", $4) } }
            print }' "$tmp/st1/$f.csv" >"$tmp/fa"
        awk -F, -v OFS=, -v f="$f" 'NR > 1 { if (f == "arrivals") $7 = "x"; else $1 = "x"; print }' \
            "$tmp/alone$k/$f.csv" >"$tmp/sa"
        check "$f.csv: $svc's $(wc -l <"$tmp/fa") rows are those --service writes" \
            sh -c "[ -s '$tmp/fa' ] && cmp -s '$tmp/fa' '$tmp/sa'"
    done
    k=$((k + 1))
done
# A service's own overrides of what a service cannot change are refused, as the base's
# are: its name (an entry's name names it) and its streams (small.cfg writes them; a
# service asking for them, or here not, is the same key). Both loaded and were ignored
# without a word: check printed them back as if they acted.
printf '%s\nservices = ( { name = "C"; scale = 1.0; },\n  { name = "D"; scale = 1.0; overrides = { name = "Dee"; horizon_weeks = 30.0; }; },\n  { name = "E"; scale = 1.0; overrides = { output = { events = false; }; }; } );\n' "$inc" \
    >"$tmp/tests/golden/kept.cfg"
run check "$tmp/tests/golden/kept.cfg"
expect_rc 2 "a service renamed, a service with its own events setting"
expect_err 'kept.cfg:3: services\[1\]: "D" overrides name, which a service cannot change' "a service's own name"
expect_err 'kept.cfg:3: services\[1\]: "D" changes horizon_weeks 30' "and its other wrong override, in the same run"
expect_err 'kept.cfg:4: services\[2\]: "E" overrides output.events, which a service cannot change' \
    "a service's own events.csv, in the same run"

finish
