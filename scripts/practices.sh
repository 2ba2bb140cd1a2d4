#!/bin/sh
# The reporting practices one at a time against the scenario as it is: for each, a run with
# the same seed and replications (common random numbers) and the paired difference, with
# its Student-t 95% interval, of reported and true recovery and six-week figures. Prints a
# Markdown table (the README's "Reporting practices" table).
# Usage: scripts/practices.sh BUILD_DIR [SCENARIO] [REPLICATIONS]
set -eu
build=$1
scn=${2:-scenarios/baseline.cfg}
reps=${3:-8}
bin=$build/stepsim
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/practices.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
awk_csv=$(cat "$top/scripts/csv.awk")
paired=$(cat "$top/scripts/paired.awk")
metrics="recovery_rate_reported recovery_rate_true within_6_weeks_reported within_6_weeks_true"

# diff OFF ON METRIC: paired difference ON - OFF in points, "+1.2 (+0.9, +1.5)".
diff_of() {
    awk -v m="$3" -v scale=100 "$awk_csv$paired" "$tmp/$1/replications.csv" \
        "$tmp/$2/replications.csv" | awk '{ printf "%+.1f (%+.1f, %+.1f)", $1, $2, $3 }'
}
# arm NAME ARGS...
arm() {
    n=$1
    shift
    "$bin" run "$scn" -r "$reps" -q -o "$tmp/$n" "$@"
}
arm off
arm off_ft --set 'reporting.clock_stop="first_treatment"'
echo "| practice (key) | recovery, reported | recovery, true | within 6 weeks, reported | within 6 weeks, true |"
echo "|---|---|---|---|---|"
# row LABEL BASE ARGS...
row() {
    label=$1
    base=$2
    shift 2
    arm on "$@"
    line="| $label |"
    for m in $metrics; do line="$line $(diff_of "$base" on "$m") |"; done
    echo "$line"
}
row "coaching, 2 points (\`coaching_points = 2.0\`)" off --set reporting.coaching_points=2.0
row "scored at the end of the session (\`end_of_session_questionnaire\`)" off \
    --set reporting.end_of_session_questionnaire=true
row "discharged on the first good score (\`discharge_on_first_good_score\`)" off \
    --set reporting.discharge_on_first_good_score=true
row "questionnaire repeated, 3 tries (\`repeat_questionnaire_share = 1\`)" off \
    --set reporting.repeat_questionnaire_share=1.0
row "assessment counted as treatment (\`assessment_as_treatment_share = 1\`)" off \
    --set reporting.assessment_as_treatment_share=1.0
row "the same, clock stopping at first treatment" off_ft \
    --set 'reporting.clock_stop="first_treatment"' --set reporting.assessment_as_treatment_share=1.0
row "self-discharges completed (\`complete_self_discharged_share = 1\`)" off \
    --set reporting.complete_self_discharged_share=1.0
row "holding lists, 10% of letters unanswered (\`holding_list_miss_probability = 0.1\`)" off \
    --set reporting.holding_list_miss_probability=0.1
arm strained --set staff.pwp.headcount=30
row "the same on a strained service (30 PWPs in both arms: long step-2 lists)" strained \
    --set staff.pwp.headcount=30 --set reporting.holding_list_miss_probability=0.1
row "all of gamed.cfg (each at 41%)" off --set reporting.coaching_points=2.0 \
    --set reporting.coaching_share=0.41 --set reporting.end_of_session_questionnaire=true \
    --set reporting.end_of_session_share=0.41 --set reporting.discharge_on_first_good_score=true \
    --set reporting.early_discharge_share=0.41 --set reporting.repeat_questionnaire_share=0.41 \
    --set reporting.assessment_as_treatment_share=0.41 \
    --set reporting.complete_self_discharged_share=0.41
