#!/bin/bash
# test_flex.sh: the front door's extra clinics (assessment.flex_from_weeks, flex_max,
# flex_lead_weeks), as a service under the six-week standard runs them.
# - A review that never moves anything moves nothing: flex_max = 0 gives every output
#   byte for byte as the review switched off.
# - A service short of PWPs (26 against the baseline's 32): the clinics hold the published
#   six-week figure inside the national band (89.4% +- 4) that, without them, collapses
#   below it as the assessment list grows; the time
#   comes out of treatment, so the wait from assessment to treatment grows (the hidden
#   second wait) and fewer referrals enter treatment.
# - The baseline: the list no longer wanders. Without the clinics its assessment slots are
#   nearly all used (97.7% with them) and the list, a queue near its capacity, drifts to
#   window means of 251 to 637 in different replications (the 8 below; their mean's 95%
#   interval 292 to 504); with them it stays within about a week of clinics. Over the
#   baseline's five years the test asks for a shorter list and for the variance of
#   waiting_assessment_mean between 8 replications to be 7 times smaller at least, the
#   99th centile of F(7, 7) (6.99): a ratio this large by chance, were the variances
#   equal, happens once in a hundred. Measured: 124 (sd 126.9 without, 11.4 with); 8.3
#   before 2026-12-05, when missed assessments were not offered again.
# - Self-referrals' opt-in delay (assessment.self_referral_opt_in_days_mean): set to the
#   general one, every output byte for byte as unset (a copy of the baseline without the
#   key); at 0, self-referrals' published six-week figure is near 1 (over 99%; measured
#   100%); at the baseline's 3 days rather than the GP referrals' 26 the service's figure
#   rises (4 replications of three years, paired: +13.5 points [12.7, 14.2]).
# - Referrals closed unanswered (assessment.opt_in_close_days): exactly the late
#   answerers are closed, by the person's own draw (below); the exit closed_unanswered.
# The sanitizer pass runs 2 replications an arm, the arms of three years over one and the
# closures' two years over one, and leaves the comparisons between arms, but for
# byte-for-byte ones, to the optimised pass (lib.sh: reps, statistical).
# Usage: tests/test_flex.sh BUILD_DIR
set -u

name=test_flex
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 2
R=$(reps 8)
# The arms' three years and the closures' two: one in the sanitizer pass, where no check
# left to it needs more (the counts and identities hold in any window).
y3=$(if sanitizer_pass; then echo 52.0; else echo 156.0; fi)
y2=$(if sanitizer_pass; then echo 52.0; else echo 104.0; fi)

# arm NAME REPLICATIONS HORIZON_WEEKS OVERRIDES WHAT: the baseline over HORIZON_WEEKS with
# OVERRIDES, run into $tmp/NAME.
arm() { variant "$1" "$2" "horizon_weeks = $3; $4" "$5"; }

echo "== a review that moves nothing"
arm off 2 "$y3" 'assessment = { flex_from_weeks = 0.0; };' "clinics off"
arm max0 2 "$y3" 'assessment = { flex_max = 0.0; };' "reviewed, never more than the base"
same_outputs "$tmp/off" "$tmp/max0" "flex_max = 0"

echo "== 26 PWPs"
short='staff = { pwp = { headcount = 26; }; };'
arm short_off $R "$y3" "$short assessment = { flex_from_weeks = 0.0; };" "26 PWPs, no extra clinics"
arm short_on $R "$y3" "$short" "26 PWPs, extra clinics"
w6=$(paired "$tmp/short_off" "$tmp/short_on" within_6_weeks_reported)
a2t=$(paired "$tmp/short_off" "$tmp/short_on" wait_assessment_to_treatment_days_p50)
ent=$(paired "$tmp/short_off" "$tmp/short_on" entered_treatment_share)
list=$(paired "$tmp/short_off" "$tmp/short_on" waiting_assessment_mean)
moved_off=$(metric "$tmp/short_off" assessment_extra_share mean)
moved_on=$(metric "$tmp/short_on" assessment_extra_share mean)
echo "   published six-week figure $w6; assessment to treatment, median days $a2t"
echo "   entered treatment $ent; waiting for assessment $list"
echo "   slots moved from treatment: $moved_off without, $moved_on with"
# Held against collapsed: +88.7 points [87.9, 89.6] measured on the recalibrated baseline
# (2026-12-07; +88.6 [87.3, 89.9] before it, 79.9 before 2026-12-05).
# "Held" is where the calibration holds the baseline: inside the national figure's band
# (scenarios/targets/national.cfg, 89.4% +- 4, the band test_calibration asks of the
# baseline), its 95% interval wholly inside; "collapsed" is below the band, the interval
# wholly under it. Measured: 89.7% [89.4, 89.9] with the clinics, 1.0% [0.0, 2.3]
# without. The check was a rise of 30 points at least, a figure chosen between the few
# points a change of mix moves it and the rise measured.
band=$(awk '/metric = "within_6_weeks_reported"/ { for (i = 1; i <= NF; i++) {
        if ($i == "value") v = $(i + 2); if ($i == "tolerance") t = $(i + 2) } }
    END { gsub(";", "", v); gsub(";", "", t); if (v != "" && t != "") print v - t, v + t }' \
    scenarios/targets/national.cfg)
on_ci="$(metric "$tmp/short_on" within_6_weeks_reported ci_low) $(metric "$tmp/short_on" within_6_weeks_reported ci_high)"
off_ci="$(metric "$tmp/short_off" within_6_weeks_reported ci_low) $(metric "$tmp/short_off" within_6_weeks_reported ci_high)"
echo "   published six-week figure's interval: $on_ci with the clinics, $off_ci without; the national band $band"
check "the national band of the published six-week figure read" test -n "$band"
statistical check "26 PWPs: with the clinics the published six-week figure is held inside the national band" \
    awk -v b="$band" -v c="$on_ci" 'BEGIN { split(b, x, " "); split(c, y, " ")
        exit !(x[1] != "" && y[2] != "" && y[1] >= x[1] && y[2] <= x[2]) }'
statistical check "26 PWPs: without them it collapses below the band" \
    awk -v b="$band" -v c="$off_ci" 'BEGIN { split(b, x, " "); split(c, y, " ")
        exit !(x[1] != "" && y[2] != "" && y[2] < x[1]) }'
statistical check "26 PWPs: the clinics raise the published six-week figure" above "$w6"
statistical check "26 PWPs: the hidden second wait grows" above "$a2t"
statistical check "26 PWPs: fewer enter treatment" below "$ent"
statistical check "26 PWPs: a shorter assessment list" below "$list"
check "26 PWPs: no slot moved without the clinics" test "$moved_off" = 0
# At most flex_max = 0.5 of the base slots are extra: a third of those offered.
check "26 PWPs: a tenth of slots or more moved with them" \
    awk -v m="$moved_on" 'BEGIN { exit !(m >= 0.1 && m <= 0.5 / 1.5) }'

echo "== the baseline: the list held"
# Every check of these two runs is statistical: the sanitizer pass leaves the runs to the
# optimised pass with them (their code runs there in the arms off above and self_base
# below), counting each run's exit check as left too.
statistical arm base_off $R 260.0 'assessment = { flex_from_weeks = 0.0; };' "baseline, no extra clinics"
statistical arm base_on $R 260.0 '' "baseline"
sd_off= sd_on= list= w6=
if ! sanitizer_pass; then
    sd_off=$(metric "$tmp/base_off" waiting_assessment_mean sd)
    sd_on=$(metric "$tmp/base_on" waiting_assessment_mean sd)
    list=$(paired "$tmp/base_off" "$tmp/base_on" waiting_assessment_mean)
    w6=$(paired "$tmp/base_off" "$tmp/base_on" within_6_weeks_reported)
    echo "   waiting for assessment, sd between replications: $sd_off without, $sd_on with"
fi
statistical check "baseline: the list's variance between replications 7 times smaller at least" \
    awk -v a="$sd_off" -v b="$sd_on" 'BEGIN { exit !(b > 0 && a * a > 6.99 * b * b) }'
sanitizer_pass || echo "   waiting for assessment $list; published six-week figure $w6"
statistical check "baseline: a shorter assessment list" below "$list"
# The excursions it cuts short were the figure's long waits: +6.5 points [4.7, 8.3]
# measured on the recalibrated baseline (2026-12-07; +5.2 [2.6, 7.7] before it; +0.8 [0.3,
# 1.4] before 2026-12-05, when every referral's 18-day opt-in, not
# the list, set most of the tail; with self-referrals at 3 days the list's waits count).
statistical check "baseline: the published six-week figure rises" above "$w6"

echo "== self-referrals' opt-in"
# The baseline sets the key; a copy without it stands for "unset".
grep -v '^ *self_referral_opt_in_days_mean' scenarios/baseline.cfg >"$tmp/noself.cfg"
printf '@include "noself.cfg"\noverrides = { horizon_weeks = %s; };\n' "$y3" >"$tmp/unset.cfg"
run run "$tmp/unset.cfg" -r "$(reps 4)" -q -o "$tmp/unset"
expect_rc 0 "self-referrals' delay unset"
arm self_same "$(reps 4)" "$y3" 'assessment = { self_referral_opt_in_days_mean = 26.0; };' \
    "self-referrals' delay the general one"
same_outputs "$tmp/unset" "$tmp/self_same" "self_referral_opt_in_days_mean = opt_in_days_mean"
arm self_base "$(reps 4)" "$y3" '' "self-referrals at the baseline's 3 days"
arm self0 2 "$y3" 'assessment = { self_referral_opt_in_days_mean = 0.0; };' \
    "self-referrals at once"
w6s=$(subgroup "$tmp/self0" self_referral within_6_weeks_reported | cut -d' ' -f1)
w6=$(paired "$tmp/self_same" "$tmp/self_base" within_6_weeks_reported)
echo "   self-referrals within six weeks (published) $w6s at once; the service's figure $w6"
check "self-referrals at once: theirs over 99%" awk -v m="$w6s" 'BEGIN { exit !(m > 0.99) }'
statistical check "self-referrals at 3 days rather than 26: the service's published figure rises" above "$w6"

echo "== referrals closed unanswered"
# assessment.opt_in_close_days: a referral not opted in by then is closed (the exit
# closed_unanswered). The delay is the person's own draw (PR_OPTIN), whatever the service does, so with
# the same seed the people closed at 28 days are exactly the first referrals who, without
# a closure, opted in (their first assessment_wait in events.csv) more than 28 days after
# referral or were still waiting to at the run's end (of those referred 28 days or more
# before it; measured 5,152 of them); with it no one opts in later than that. Then the
# published six-week figure: every opt-in within 28 days and the list's wait near 6 days,
# so no one who finishes a course has waited six weeks (measured 100.0%); it holds while
# the wait after opting in stays under 14 days, which the extra clinics see to.
variant close0 1 "horizon_weeks = $y2;" "no closure" --events
variant close28 1 "horizon_weeks = $y2; assessment = { opt_in_close_days = 28.0; };" \
    "closed at 28 days" --events
# opt_in MODE DIR: first referrals' ids, of those referred over 28 days before the end:
# late (opted in, or still waiting to, after 28 days), closed (at 28 days), after (opted
# in after 28 days)
opt_in() {
    awk -F, -v mode="$1" 'NR > 1 && $3 ~ /^r0-[0-9]+$/ {
        c = $3; d = $8 + 0
        if ($5 == "referral") ref[c] = d
        else if ($5 == "assessment_wait" && $6 == "start" && !(c in optin)) optin[c] = d
        else if ($5 == "closed_unanswered") closed[c] = d
        else if ($5 == "still_waiting") still[c] = 1
    }
    NR > 1 && $8 + 0 > end { end = $8 + 0 }
    END {
        for (c in ref) {
            if (ref[c] + 28 >= end) continue
            if (mode == "late" && (c in optin ? optin[c] - ref[c] > 28 : c in still)) print c
            if (mode == "closed" && c in closed && closed[c] - ref[c] > 27.999) print c
            if (mode == "after" && c in optin && optin[c] - ref[c] > 28.000001) print c
        }
    }' "$2/events.csv" | sort
}
opt_in late "$tmp/close0" >"$tmp/late"
opt_in closed "$tmp/close28" >"$tmp/closed"
opt_in after "$tmp/close28" >"$tmp/after"
n=$(wc -l <"$tmp/late")
echo "   first referrals answering after 28 days: $n; closed at 28 days: $(wc -l <"$tmp/closed")"
check "closed at 28 days: exactly the late answerers ($n)" \
    sh -c "[ $n -gt 100 ] && cmp -s '$tmp/late' '$tmp/closed'"
check "closed at 28 days: no one opts in later" \
    sh -c "test -s '$tmp/close28/events.csv' && test ! -s '$tmp/after'"
w6c=$(metric "$tmp/close28" within_6_weeks_reported)
echo "   published six-week figure, closed at 28 days: $w6c"
check "closed at 28 days: every finisher within six weeks" awk -v m="$w6c" 'BEGIN { exit !(m > 0.999) }'
# The closed count where those lost before assessment are: subgroups.csv's all row, counted
# person by person, equals summary.csv's, counted from the exits.
all_unlike_summary "$tmp/close28" >"$tmp/allsum"
check "closed at 28 days: subgroups' all row equals summary.csv ($(tail -n 1 "$tmp/allsum"))" \
    test "$(wc -l <"$tmp/allsum")" -eq 1
finish
