/* stepsim's pages: draws report.html, compare.html, sweep.html, solve.html,
 * sensitivity.html and the playground of `stepsim serve` from the JSON in
 * <script id="stepsim-data">, with Observable Plot (and d3), inlined beside this script.
 * The C writers (sim/out_report.c, sim/out_compare.c, sim/cmd_*.c) only emit data. */
(function () {
  "use strict";

  /* ---- Helpers ------------------------------------------------------------------- */

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids.flat()) {
      if (k === null || k === undefined) continue;
      e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    }
    return e;
  }
  const fin = (x) => typeof x === "number" && isFinite(x);
  const C = { true: "#0969da", reported: "#cf6a00", band: "#0969da" };
  const PALETTE = ["#0969da", "#cf6a00", "#1a7f37", "#8250df", "#bf3989", "#57606a", "#d4a72c", "#0a3069"];

  /* Metric names as a planner reads them: label and unit, written by the program beside
   * the data (sim/out_metrics.c, out_metric_label: the terminal's labels too). Units: pct
   * (a share, shown as %), days, n (a count), people, sessions, gbp, idx (0 to 1), num. */
  const labelsEl = document.getElementById("stepsim-labels");
  const LABELS = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  function label(name) {
    return LABELS[name] || [name, "num"];
  }
  /* The lists' charts count at week ends; the tables' means average over all time. */
  const WEEK_END_NOTE = "The tables' mean people waiting are averages over all time, not over week ends, so the two can differ: a list that rises and falls within the week reads differently at its end than on average.";
  const DECIMALS = { pct: 1, days: 1, n: 0, people: 1, sessions: 1, gbp: 0, idx: 2, num: 2 };
  /* A value as the tables show it; "–" when undefined. */
  function fmt(name, x, unit) {
    unit = unit || label(name)[1];
    if (!fin(x)) return "–";
    const d = DECIMALS[unit];
    const v = unit === "pct" ? 100 * x : x;
    const s = v.toLocaleString("en-GB", { minimumFractionDigits: d, maximumFractionDigits: d });
    return unit === "pct" ? s + "%" : unit === "gbp" ? "£" + s : unit === "days" ? s + " d" : s;
  }
  /* A signed figure to d decimals; what rounds to zero reads +0.0, never -0.0. */
  function signed(v, d) {
    const r = Number(v.toFixed(d)) || 0;
    return (r >= 0 ? "+" : "") + r.toFixed(d);
  }
  /* A paired difference: percentage points for shares. */
  function fmtDiff(name, x) {
    const unit = label(name)[1];
    if (!fin(x)) return "–";
    const d = DECIMALS[unit];
    const v = unit === "pct" ? 100 * x : x;
    const s = signed(v, d);
    return unit === "pct" ? s + " pp" : unit === "gbp" ? s.replace(/^([+-])/, "$1£") : s;
  }
  const metricOf = (list, name) => list.find((m) => m.name === name) || {};
  /* A whole number as the dashboard's printf gives it: a half to the even neighbour
   * (Math.round takes it up: 11,204.5 read 11,205 on the page, 11,204 on the terminal). */
  const roundEven = (x) => { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; };
  /* "1 replication", "3 replications". */
  const plural = (n, word, many) => `${n.toLocaleString("en-GB")} ${n === 1 ? word : many || word + "s"}`;
  /* One replication has no spread: said under the header, as the dashboard says it. */
  const ONE_REP = "One replication: its values, with no confidence intervals or bands (they need two or more replications, -r).";
  const oneRep = (d) => d.replications === 1 ? [el("p", { class: "note", id: "one-replication" }, ONE_REP)] : [];

  function section(title, note, ...kids) {
    return el("section", {}, el("h2", {}, title), note ? el("p", { class: "note" }, note) : null, kids);
  }
  function figure(plot, caption) {
    return el("figure", {}, plot, caption ? el("figcaption", {}, caption) : null);
  }

  /* Weekly band rows for Plot from {p10, p50, p90, mean}. */
  function bandRows(b, extra) {
    return b.p50.map((p50, w) => Object.assign({ week: w + 1, p10: b.p10[w], p50, p90: b.p90[w], mean: b.mean[w] }, extra || {}));
  }
  /* The run's phases as marks: warm-up shaded, follow-up lighter, labelled. */
  function phaseMarks(d) {
    const w0 = d.warmup_weeks, w1 = d.warmup_weeks + d.horizon_weeks, w2 = w1 + d.followup_weeks;
    const marks = [];
    if (w0 > 0) {
      marks.push(Plot.rect([{ x1: 0, x2: w0 }], { x1: "x1", x2: "x2", fill: "#d0d7de", fillOpacity: 0.45 }));
      marks.push(Plot.text([{ x: w0 / 2 }], { x: "x", text: () => "warm-up", frameAnchor: "top", dy: 4, fill: "#57606a" }));
    }
    if (d.followup_weeks > 0)
      marks.push(Plot.rect([{ x1: w1, x2: w2 }], { x1: "x1", x2: "x2", fill: "#d0d7de", fillOpacity: 0.2 }));
    return marks;
  }
  /* A y-domain that shows the measurement window: the 95th centile of the p90 band
   * after the warm-up, with room above. The pre-filled start (and a list still draining
   * it) can rise above; it is clipped, and the caption says so. */
  function windowTop(rows, d, keys) {
    const v = [];
    let all = 0;
    for (const r of rows)
      for (const k of keys) {
        if (!fin(r[k])) continue;
        all = Math.max(all, r[k]);
        if (r.week > d.warmup_weeks) v.push(r[k]);
      }
    v.sort((a, b) => a - b);
    const q = v.length ? v[Math.min(v.length - 1, Math.floor(0.95 * v.length))] : 0;
    const top = q > 0 ? q * 1.3 : 1;
    return { top, clipped: all > top };
  }
  /* One weekly series with its p10-p90 band (several when `bands` has more entries). */
  function bandChart(d, bands, opts) {
    const rows = [];
    bands.forEach((b, i) => rows.push(...bandRows(b.band, { who: b.who, i })));
    const { top, clipped } = windowTop(rows, d, ["p90"]);
    const colors = bands.map((b, i) => b.color || PALETTE[i % PALETTE.length]);
    /* A legend for several bands, or for one beside charts with legends (opts.legend), so
     * that the plots of a grid's row start level. */
    const keyed = bands.length > 1 || !!opts.legend;
    const plot = Plot.plot({
      width: opts.width || 340, height: opts.height || 200, marginLeft: 48,
      x: { label: "week of the run", domain: [0, d.weeks] },
      y: { label: opts.ylabel, domain: [0, opts.top || top], grid: true, nice: true },
      color: keyed ? { domain: bands.map((b) => b.who), range: colors, legend: true } : undefined,
      marks: [
        ...phaseMarks(d),
        Plot.areaY(rows, { x: "week", y1: "p10", y2: "p90", z: "who", fill: keyed ? "who" : colors[0], fillOpacity: 0.18, clip: true }),
        Plot.lineY(rows, { x: "week", y: "p50", z: "who", stroke: keyed ? "who" : colors[0], strokeWidth: 1.5, clip: true, tip: true }),
        Plot.ruleY([0]),
      ],
    });
    plot.classList.add("chart");
    plot.setAttribute("data-chart", opts.id || "");
    const note = (opts.note || "") + (clipped && !opts.top ? " The scale fits the measurement window: higher values" + (opts.clippedWhat || " (the pre-filled start, a list still draining it, rare peaks)") + " are clipped." : "");
    const line = d.replications === 1 ? " Line: the one replication's values." : " Line: median over replications; band: 10th to 90th centile.";
    return figure(plot, (opts.caption || "") + line + note);
  }

  function header(d, what) {
    const title = d.title || d.scenario || "stepsim";
    document.title = what + " · " + title;
    return [el("h1", {}, title), el("p", { class: "meta" }, what)];
  }

  /* The table of metrics: label, unit, mean with its 95% CI, spread over replications. */
  function metricTable(metrics, caption) {
    const groups = [
      ["Waits", /within|wait|step_up/],
      ["Recovery", /recovery|reliable/],
      ["Where referrals went", /share$|referrals|^sessions|failed/],
      ["Capacity and lists", /utilisation|waiting_|caseload|handed_on|_sessions$/],
      ["Workforce and costs", /cost|turnover|burnout/],
    ];
    const placed = new Set();
    const body = [];
    for (const [g, re] of groups) {
      const rows = metrics.filter((m) => !placed.has(m.name) && re.test(m.name) && !/^wait_.*(_p50|_p90|_share)$/.test(m.name));
      if (!rows.length) continue;
      body.push(el("tr", { class: "group" }, el("td", { colspan: 6 }, g)));
      for (const m of rows) { placed.add(m.name); body.push(metricRow(m)); }
    }
    const rest = metrics.filter((m) => !placed.has(m.name));
    if (rest.length) {
      body.push(el("tr", { class: "group" }, el("td", { colspan: 6 }, "Wait distributions (weekly bins; see the note)")));
      for (const m of rest) body.push(metricRow(m));
    }
    return el("table", { id: "metrics" },
      el("thead", {}, el("tr", {}, el("th", {}, "metric"), el("th", {}, "mean"), el("th", {}, "95% CI of the mean"),
        el("th", {}, "10th centile"), el("th", {}, "90th centile"), el("th", { title: "replications with a value" }, "n"))),
      el("tbody", {}, body), caption ? el("caption", {}, caption) : null);
  }
  /* A mean's 95% CI as the tables show it: cut at what the metric can take (its range,
   * written by the program beside its label: out_metric_range), as the terminal's
   * dashboard cuts it; summary.json keeps the Student-t interval. */
  function ciText(m) {
    if (!fin(m.ci_low) || !fin(m.ci_high)) return "–";
    const [, , lo, hi] = label(m.name);
    return fmt(m.name, fin(lo) ? Math.max(lo, m.ci_low) : m.ci_low) + " to " +
      fmt(m.name, fin(hi) ? Math.min(hi, m.ci_high) : m.ci_high);
  }
  function metricRow(m) {
    const [lab] = label(m.name);
    return el("tr", { "data-metric": m.name, "data-mean": fin(m.mean) ? String(m.mean) : "" },
      el("td", { title: m.name }, lab),
      el("td", { class: "mean" }, fmt(m.name, m.mean)),
      el("td", { class: "ci" }, ciText(m)),
      el("td", {}, fmt(m.name, m.p10)), el("td", {}, fmt(m.name, m.p90)), el("td", {}, m.n));
  }
  /* The checks run prints after its dashboard, as it prints them; marked when one warns. */
  function checksBox(d, note) {
    const t = (d.checks || "").trim();
    if (!t) return null;
    const warns = /warning/i.test(t);
    return el("section", { id: "checks", class: warns ? "checks warn" : "checks" },
      el("h2", {}, warns ? "Checks: read these before the figures" : "Checks"),
      el("p", { class: "note" }, note || "What stepsim run prints after its dashboard: the warm-up, lists that grow through the window, diaries, assessment, staffing, and plans or levers that never act."),
      el("pre", {}, t));
  }
  /* " [k of n]" for a figure some replications lack (its mean is over the k), else "". */
  const fewOf = (m, reps) => (fin(m.n) && m.n > 0 && m.n < reps ? ` [${m.n} of ${reps}]` : "");
  function tile(d, name, sub) {
    const m = metricOf(d.metrics, name), few = fewOf(m, d.replications);
    return el("div", { class: "tile", "data-metric": name }, el("div", { class: "v" }, fmt(name, m.mean),
      few ? el("span", { class: "few", title: "replications with a value: the mean is over these" }, few) : null),
      el("div", { class: "l" }, sub || label(name)[0]));
  }

  /* ---- report.html ----------------------------------------------------------------- */

  function waitsCharts(d) {
    const refTotal = d.stages.referred * d.replications, finTotal = d.stages.finished_course * d.replications;
    const tr = d.waits.referral_to_treatment, rp = d.waits.referral_to_clock_stop;
    const sum = (a) => a.reduce((s, x) => s + x, 0);
    const nT = sum(tr), nR = sum(rp);
    /* The histogram's weeks: 30, or as many as hold 99% of either measure's waits (a
     * service whose true waits run long drew 40% of them past a 30-week axis, unsaid). */
    const cover = (a, n) => { let c = 0; for (let w = 0; w < a.length; w++) if ((c += a[w]) >= 0.99 * n) return w + 1; return a.length; };
    const weeks = Math.min(tr.length, Math.max(30, nT ? cover(tr, nT) : 0, nR ? cover(rp, nR) : 0));
    const past = (a, n) => n ? sum(a.slice(weeks)) / n : 0;
    const pastT = past(tr, nT), pastR = past(rp, nR);
    const pastNote = pastT + pastR > 0 ? ` Not drawn, ${weeks} weeks or longer: ${(100 * pastT).toFixed(1)}% of true waits, ${(100 * pastR).toFixed(1)}% of reported.` : "";
    const hist = [];
    for (let w = 0; w < weeks; w++) {
      hist.push({ week: w, basis: "true: referral to first treatment", share: nT ? tr[w] / nT : 0 });
      hist.push({ week: w, basis: "reported: referral to clock stop", share: nR ? rp[w] / nR : 0 });
    }
    const cum = [];
    let a = 0, b = 0;
    cum.push({ week: 0, basis: "true: of everyone referred", share: 0 }, { week: 0, basis: "reported: of finishers", share: 0 });
    for (let w = 0; w < 52; w++) {
      a += tr[w]; b += rp[w];
      cum.push({ week: w + 1, basis: "true: of everyone referred", share: refTotal ? a / refTotal : null });
      cum.push({ week: w + 1, basis: "reported: of finishers", share: finTotal ? b / finTotal : null });
    }
    const marks = [Plot.ruleX([6, 18], { stroke: "#57606a", strokeDasharray: "4,3" }),
                   Plot.text([{ x: 6, t: "6 wk" }, { x: 18, t: "18 wk" }], { x: "x", text: "t", frameAnchor: "top", dx: 14, fill: "#57606a" })];
    const h = Plot.plot({
      width: 520, height: 230, marginLeft: 48, x: { label: "weeks waited (bin: at least w, less than w + 1)" },
      /* No one with a wait (no one treated): an empty frame, not bars at 0 of 0. */
      y: { label: "share of those with the wait (%)", percent: true, grid: true, nice: true, domain: nT || nR ? undefined : [0, 100] },
      color: { domain: ["true: referral to first treatment", "reported: referral to clock stop"], range: [C.true, C.reported], legend: true },
      fx: { axis: null },
      marks: [Plot.rectY(hist, { x1: (r) => r.week + (r.basis[0] === "t" ? 0.05 : 0.5), x2: (r) => r.week + (r.basis[0] === "t" ? 0.5 : 0.95), y: "share", fill: "basis", tip: true }), ...marks, Plot.ruleY([0])],
    });
    const c = Plot.plot({
      width: 520, height: 230, marginLeft: 48, x: { label: "weeks since referral", domain: [0, 52] },
      y: { label: "cumulative share (%)", percent: true, grid: true, domain: [0, 100] },
      color: { domain: ["true: of everyone referred", "reported: of finishers"], range: [C.true, C.reported], legend: true },
      marks: [Plot.lineY(cum, { x: "week", y: "share", stroke: "basis", curve: "step-after", strokeWidth: 2, tip: true }), ...marks],
    });
    h.classList.add("chart"); c.classList.add("chart");
    return el("div", { class: "grid" },
      figure(h, `Histogram: true waits over the ${nT.toLocaleString("en-GB")} people who entered treatment (all replications); reported over the ${nR.toLocaleString("en-GB")} finishers.${pastNote}`),
      figure(c, "Cumulative: true counts everyone referred (those never treated never arrive, so the curve stays below 100%); reported counts finishers only, as published. The reported clock stops at the first contact."));
  }

  function exitsChart(d) {
    const GROUP = { dropped_before_assessment: "lost before assessment", signposted: "signposted or rejected",
      dropped_after_assessment: "lost waiting for treatment", dropped_in_treatment: "lost from booked treatment",
      discharged: "discharged after treatment", still_in_system: "still in the service",
      discharged_from_waiting_list: "discharged from a holding list" };
    const ref = d.stages.referred || 1;
    /* Shares as the dashboard and flow.csv give them: each replication's, averaged (the
     * data's "share"); the mean count over the mean referrals only where it has none. */
    const shareOf = (x, mean) => fin(x) ? x : mean / ref;
    const groups = Object.values(GROUP);
    /* Each exit under its group, as the dashboard lists them (the data's order is the
     * exits' own: "closed, not having opted in", lost before assessment, came last). */
    const rank = (g) => { const i = groups.indexOf(g); return i < 0 ? groups.length : i; };
    const rows = d.exits.map((x, i) => ({ exit: x.label || x.name.replace(/_/g, " "), group: GROUP[x.group] || x.group, share: shareOf(x.share, x.mean), mean: x.mean, i }))
      .sort((a, b) => rank(a.group) - rank(b.group) || a.i - b.i);
    const byGroup = groups.map((g) => ({ group: g, share: rows.filter((r) => r.group === g).reduce((s, r) => s + r.share, 0) }));
    const stack = Plot.plot({
      width: 1000, height: 90, marginLeft: 10, x: { label: "share of referrals", percent: true, domain: [0, 100] },
      color: { domain: groups, scheme: "tableau10", legend: true },
      marks: [Plot.barX(byGroup, { x: "share", fill: "group", tip: true, title: (r) => `${r.group}: ${(100 * r.share).toFixed(1)}%` }),
              Plot.text(byGroup, Plot.stackX({ x: "share", text: (r) => r.share > 0.04 ? (100 * r.share).toFixed(0) + "%" : "", fill: "white" }))],
    });
    const bars = Plot.plot({
      width: 1000, height: 360, marginLeft: 190, marginRight: 60, x: { label: "share of referrals", percent: true, grid: true },
      y: { label: null, domain: rows.map((r) => r.exit) },
      color: { domain: groups, scheme: "tableau10" },
      marks: [Plot.barX(rows, { y: "exit", x: "share", fill: "group", tip: true }),
              Plot.text(rows, { y: "exit", x: "share", text: (r) => (100 * r.share).toFixed(1) + "%", textAnchor: "start", dx: 4 }), Plot.ruleX([0])],
    });
    stack.classList.add("chart"); bars.classList.add("chart");
    return [figure(stack, "Every referral ends in exactly one place; the shares add to 100%."), figure(bars, "Each exit, coloured by its group; means over replications.")];
  }

  function funnelChart(d) {
    const st = [["referred", "Referred"], ["opted_in", "Opted in"], ["assessed", "Assessed"], ["entered_treatment", "Entered treatment"],
                ["finished_course", "Finished a course (2+ sessions)"], ["recovered_reported", "Recovered (reported)"]];
    const ref = d.stages.referred || 1;
    /* Percentages as the dashboard and summary.csv give them: each replication's share,
     * averaged (the mean count over the mean referrals once read 34.0% beside 33.9%). */
    const sh = d.stage_shares || {};
    const rows = st.map(([k, l]) => ({ stage: l, mean: d.stages[k], share: fin(sh[k]) ? sh[k] : d.stages[k] / ref }));
    const p = Plot.plot({
      width: 520, height: 230, marginLeft: 200, marginRight: 110, x: { label: "mean a replication", grid: true },
      y: { label: null, domain: rows.map((r) => r.stage) },
      marks: [Plot.barX(rows, { y: "stage", x: "mean", fill: C.true, tip: true }),
              Plot.text(rows, { y: "stage", x: "mean", text: (r) => `${roundEven(r.mean).toLocaleString("en-GB")} (${(100 * r.share).toFixed(1)}%)`, textAnchor: "start", dx: 4 }), Plot.ruleX([0])],
    });
    p.classList.add("chart");
    const past = d.stages.recovered_reported > d.stages.finished_course;
    return figure(p, "A funnel: each stage is a subset of the one above it but the last, recovered as reported, which counts the finishers the service reports: " +
      (past ? "here more than finished a course, as a reporting practice records people who did not finish as finishers" : "a reporting practice (self-discharges completed, the assessment as a session) may count people who did not finish") +
      ". Percentages are of referrals. Stepping up, routing and re-referral are not funnel stages (see the table).");
  }

  function routesChart(d) {
    const NAMES = { step2_only: "step 2 only", step2_then_step3: "step 2 then step 3", step3_only: "step 3 only", no_treatment: "no treatment" };
    const rows = [];
    for (const r of d.routes) {
      const name = NAMES[r.route] || r.route;
      rows.push({ route: name, basis: "true", rate: r.true_casers ? r.true_recovered / r.true_casers : null, n: r.true_casers });
      rows.push({ route: name, basis: "reported", rate: r.reported_casers ? r.reported_recovered / r.reported_casers : null, n: r.reported_casers });
    }
    const ok = rows.filter((r) => r.rate !== null);
    const p = Plot.plot({
      width: 520, height: 250, marginLeft: 130, marginRight: 90, x: { label: "recovery (%)", percent: true, grid: true, domain: [0, 100] },
      y: { label: null, domain: Object.values(NAMES).filter((n) => ok.some((r) => r.route === n)) }, fy: { label: null },
      color: { domain: ["true", "reported"], range: [C.true, C.reported], legend: true },
      marks: [Plot.barX(ok, { y: "route", x: "rate", fill: "basis", fy: "basis", tip: true }),
              Plot.text(ok, { y: "route", x: "rate", fy: "basis", text: (r) => `${(100 * r.rate).toFixed(1)}%  n = ${r.n.toLocaleString("en-GB")}`, textAnchor: "start", dx: 4 })],
    });
    p.classList.add("chart");
    return figure(p, "Recovery by route through care, pooled over replications. True: of people at latent caseness when referred (n); reported: of finishers at caseness on their first questionnaire (n). Routes nobody took are left out; \"no treatment\" has no reported figure (no one untreated finishes a course), so its row is empty there.");
  }

  function costsChart(d) {
    const years = d.horizon_weeks * 7 / 365.25;
    const rows = [];
    for (const c of d.costs)
      for (const item of ["salary", "oncost", "training"]) rows.push({ role: c.role, item, gbp: c[item] / years });
    const p = Plot.plot({
      width: 520, height: 60 + 40 * d.costs.length, marginLeft: 70, x: { label: "£ a year (mean over replications)", grid: true, tickFormat: (x) => x === 0 ? "£0" : "£" + d3.format("~s")(x) },
      y: { label: null }, color: { legend: true, domain: ["salary", "oncost", "training"], range: ["#0969da", "#54aeff", "#d4a72c"] },
      marks: [Plot.barX(rows, { y: "role", x: "gbp", fill: "item", tip: true }), Plot.ruleX([0])],
    });
    p.classList.add("chart");
    return figure(p, "Staff costs of the measurement window, a year, by role: salaries, on-costs and training fees.");
  }

  function subgroupsSection(d) {
    const sg = (d.subgroups || []).filter((g) => g.subgroup !== "all");
    /* The dashboard's words (sim/out_dashboard.c, out_subgroup_labels): each level's label
     * under its attribute's heading, as the terminal lists them. */
    const pretty = (g) => g.label || g.subgroup.replace(/_/g, " ");
    const rows = [];
    for (const g of sg)
      for (const [m, basis] of [["recovery_rate_true", "true"], ["recovery_rate_reported", "reported"]]) {
        const v = g.metrics[m];
        if (fin(v.gap)) rows.push({ subgroup: g.subgroup, label: pretty(g), basis, gap: 100 * v.gap, lo: 100 * v.gap_ci_low, hi: 100 * v.gap_ci_high });
      }
    /* One band a heading and a level, keyed by name (a level's label alone, "second", is
     * read under its heading); the headings bold, the levels' labels beneath them. */
    const order = [], heads = [], labelOf = {};
    for (const g of sg) {
      if (g.heading) {
        order.push("@" + g.subgroup);
        heads.push("@" + g.subgroup);
        labelOf["@" + g.subgroup] = g.heading;
      }
      order.push(g.subgroup);
      labelOf[g.subgroup] = pretty(g);
    }
    const p = Plot.plot({
      width: 1000, height: 60 + order.length * 22, marginLeft: 250,
      x: { label: "recovery gap to all referrals, percentage points", grid: true, nice: true },
      y: { label: null, domain: order },
      color: { domain: ["true", "reported"], range: [C.true, C.reported], legend: true },
      marks: [Plot.axisY(heads, { label: null, tickSize: 0, tickFormat: (k) => labelOf[k], fontWeight: "bold" }),
              Plot.axisY(sg.map((g) => g.subgroup), { label: null, tickFormat: (k) => labelOf[k] }),
              Plot.ruleX([0], { stroke: "#57606a" }),
              ...[["true", -3], ["reported", 3]].flatMap(([b, dy]) => {
                const rs = rows.filter((r) => r.basis === b);
                return [Plot.ruleY(rs, { y: "subgroup", x1: "lo", x2: "hi", stroke: "basis", strokeWidth: 2, dy }),
                        Plot.dot(rs, { y: "subgroup", x: "gap", fill: "basis", r: 3.5, dy, tip: true,
                          title: (r) => `${r.label}, ${r.basis}: ${r.gap.toFixed(1)} [${r.lo.toFixed(1)}, ${r.hi.toFixed(1)}]` })];
              })],
    });
    p.classList.add("chart");
    const cols = [["referrals", "referrals a replication"], ["entered_treatment_share", "entered treatment"], ["within_6_weeks_true", "treated within 6 weeks, true"],
                  ["dropout_in_treatment_share", "lost from booked treatment"], ["recovery_rate_true", "recovery, true"], ["recovery_rate_reported", "recovery, reported"]];
    const cellOf = (name, v) => {
      if (!fin(v.mean)) return "–";
      if (name === "referrals") return roundEven(v.mean).toLocaleString("en-GB");
      const gap = fin(v.gap) ? ` (${signed(100 * v.gap, 1)})` : "";
      return (100 * v.mean).toFixed(1) + "%" + gap;
    };
    const head = el("tr", {}, el("th", {}, "subgroup"), cols.map(([, l]) => el("th", {}, l)));
    const body = (d.subgroups || []).flatMap((g) => [
      g.heading ? el("tr", { class: "group" }, el("td", { colspan: cols.length + 1 }, g.heading)) : null,
      el("tr", { "data-subgroup": g.subgroup }, el("td", { title: g.attribute, class: g.subgroup !== "all" ? "level" : null }, pretty(g)),
        cols.map(([name]) => el("td", { "data-metric": name, "data-mean": fin(g.metrics[name].mean) ? String(g.metrics[name].mean) : "" }, cellOf(name, g.metrics[name]))))]).filter((r) => r);
    return [figure(p, "Each subgroup's recovery minus everyone's, paired replication by replication, with its 95% CI. True: of referrals at latent caseness; reported: of finishers at caseness. Attributes and their effects: README, \"Subgroups\"."),
            el("table", { id: "subgroups" }, el("thead", {}, head), el("tbody", {}, body))];
  }

  /* A federation's services side by side (services.csv's means, with their 95% CIs):
   * the spread behind the national figures. */
  const SERVICE_COLS = [
    ["within_6_weeks_true", "within 6 weeks, true (all referrals)"],
    ["within_6_weeks_reported", "within 6 weeks, reported (finishers)"],
    ["wait_to_treatment_days_mean", "mean wait to first treatment"],
    ["recovery_rate_true", "recovery, true (referrals at caseness)"],
    ["recovery_rate_reported", "recovery, reported (finishers at caseness)"],
    ["cost_per_true_recovery_gbp", "staff cost per true recovery"],
  ];
  function servicesSection(d) {
    const sv = d.service_figures;
    const cols = SERVICE_COLS.filter(([n]) => sv.some((s) => s.metrics[n]));
    /* Scale and staffing as the scenario gives them (England's 0.682), two decimals at least. */
    const num = (x, dec, most) => fin(x) ? x.toLocaleString("en-GB", { minimumFractionDigits: dec, maximumFractionDigits: most || dec }) : "–";
    const head = el("tr", {}, el("th", {}, "service"), el("th", { title: "its size against the base: referrals and posts" }, "scale"),
      el("th", { title: "posts per referral against the base" }, "staffing"), el("th", {}, "referrals a week"),
      cols.map(([n, l]) => el("th", { title: label(n)[0] }, l)));
    const body = sv.map((s) => el("tr", { "data-service": s.name }, el("td", {}, s.name),
      el("td", { "data-key": "scale", "data-value": String(s.scale) }, num(s.scale, 2, 3)),
      el("td", { "data-key": "staffing", "data-value": String(s.staffing) }, num(s.staffing, 2, 3)),
      el("td", { "data-key": "referrals_per_week", "data-value": String(s.referrals_per_week) }, num(s.referrals_per_week, 1)),
      cols.map(([n]) => {
        const m = Object.assign({ name: n }, s.metrics[n]), few = fewOf(m, d.replications);
        return el("td", { "data-metric": n, "data-mean": fin(m.mean) ? String(m.mean) : "" },
          el("span", { class: "v" }, fmt(n, m.mean)), few ? el("span", { class: "few", title: "replications with a value: the mean is over these" }, few) : null,
          d.replications > 1 ? el("span", { class: "ci" }, ciText(m)) : null);
      })));
    const table = el("table", { id: "services" }, el("thead", {}, head), el("tbody", {}, body));
    /* Dot and interval by service, sorted, the national figure dashed. */
    const long = Math.max(...sv.map((s) => s.name.length));
    const chart = (n) => {
      const nat = metricOf(d.metrics, n).mean;
      const [, , lo, hi] = label(n);
      /* The interval cut at what the figure can take, as the table's; none of one replication. */
      const cut = (x, bound, f) => !fin(x) ? NaN : 100 * (fin(bound) ? f(bound, x) : x);
      const rows = sv.filter((s) => fin(s.metrics[n].mean)).map((s) => ({ service: s.name, v: 100 * s.metrics[n].mean,
        lo: cut(s.metrics[n].ci_low, lo, Math.max), hi: cut(s.metrics[n].ci_high, hi, Math.min) }))
        .sort((a, b) => b.v - a.v);
      const p = Plot.plot({
        width: 520, height: 60 + rows.length * (rows.length > 30 ? 11 : 22), marginLeft: Math.min(200, 16 + 7 * long), marginRight: 20,
        x: { label: label(n)[0] + " (%)", grid: true, nice: true },
        y: { label: null, domain: rows.map((r) => r.service), tickSize: 0 },
        marks: [fin(nat) ? Plot.ruleX([100 * nat], { stroke: "#57606a", strokeDasharray: "4,3" }) : null,
                fin(nat) ? Plot.text([100 * nat], { x: (x) => x, text: () => "national", frameAnchor: "top", dy: -10, fill: "#57606a" }) : null,
                Plot.ruleY(rows.filter((r) => fin(r.lo) && fin(r.hi)), { y: "service", x1: "lo", x2: "hi", stroke: C.true, strokeWidth: 2 }),
                Plot.dot(rows, { y: "service", x: "v", fill: C.true, r: 3.5, tip: true,
                  title: (r) => `${r.service}: ${r.v.toFixed(1)}%` + (fin(r.lo) ? ` [${r.lo.toFixed(1)}, ${r.hi.toFixed(1)}]` : "") })],
      });
      p.classList.add("chart");
      p.setAttribute("data-services", n);
      return figure(p, `${label(n)[0]}, service by service, highest first` + (d.replications > 1 ? ", with its 95% CI over the replications" : "") + "; dashed: the national figure.");
    };
    return [el("div", { class: "grid" }, chart("within_6_weeks_true"), chart("recovery_rate_true")), table];
  }

  /* A federation's figures are national, pooled over its services: said first in a
   * page's header, as the terminal's first line says it ("" for one service). */
  function fedNote(d) {
    return d.services ? `a federation of ${plural(d.services, "service")} · ` : "";
  }

  /* A federation's service alone (--service) runs on its own seed, drawn from the
   * federation's: said after the seed, as the terminal says it ("" otherwise). */
  function seedNote(d) {
    return d.federation_seed ? `, the service's own from the federation's ${d.federation_seed}` : "";
  }

  /* The roles of a page's weekly series ("staff_in_post:ROLE" keys), in the data's order. */
  const rolesOf = (S) => Object.keys(S).filter((k) => k.startsWith("staff_in_post:")).map((k) => k.split(":")[1]);
  /* Does a weekly band ever rise above zero (some week's 90th centile)? */
  const anyAboveZero = (b) => !!b && b.p90.some((v) => v > 0);
  /* Staff in post by role, each role in its palette colour (vacancies and trainees keep it). */
  function inPostChart(d, roles, id) {
    return bandChart(d, roles.map((r, i) => ({ who: r, band: d.series["staff_in_post:" + r], color: PALETTE[i] })),
      { ylabel: "people in post", caption: "Staff in post by role (trainees not included).", id, top: null, legend: true });
  }
  /* Vacancies and trainees by role, each chart drawn only for the roles that have any (a
   * service whose staff never leave or train has neither). A role keeps its colour from
   * the staff-in-post chart. */
  function staffFlowCharts(d, roles, idPrefix = "") {
    const S = d.series;
    const charts = [];
    const chart = (prefix, ylabel, caption, id) => {
      const rs = roles.filter((r) => anyAboveZero(S[prefix + r]));
      if (rs.length)
        charts.push(bandChart(d, rs.map((r) => ({ who: r, band: S[prefix + r], color: PALETTE[roles.indexOf(r) % PALETTE.length] })),
          { ylabel, caption, id: idPrefix + id, top: null, legend: true, clippedWhat: " (rare peaks)" }));
    };
    chart("vacancies:", "posts unfilled", "Vacancies by role: posts advertised and not yet filled at each week's end (timeseries.csv's vacancies_ROLE).", "vacancies");
    chart("in_training:", "people in training", "Trainees by the role they train for: a PWP on HIT training counts under hit. They work part of its hours meanwhile and are not among the staff in post.", "trainees");
    return charts;
  }

  function report(d) {
    const app = document.getElementById("app");
    app.replaceChildren();
    app.append(...header(d, `stepsim report · ${fedNote(d)}${plural(d.replications, "replication")} · seed ${d.seed}${seedNote(d)} · policy ${d.policy} · ${d.horizon_weeks} weeks measured after ${d.warmup_weeks} of warm-up`), ...oneRep(d));
    app.append(el("div", { class: "tiles" },
      tile(d, "within_6_weeks_true", "treated within 6 weeks, true (all referrals)"),
      tile(d, "within_6_weeks_reported", "within 6 weeks, reported (finishers)"),
      tile(d, "recovery_rate_true", "recovery, true (referrals at caseness)"),
      tile(d, "recovery_rate_reported", "recovery, reported (finishers at caseness)"),
      tile(d, "wait_to_treatment_days_mean", "mean wait to first treatment"),
      tile(d, "cost_per_true_recovery_gbp", "staff cost per true recovery")));
    const cb = checksBox(d);
    if (cb) app.append(cb);
    if (d.service_figures)
      app.append(section("Services", `Each of the ${d.service_figures.length} services on its own: means over replications` +
        (d.replications > 1 ? " with their 95% CIs" : "") + ", as services.csv has them (services.csv has every metric). Scale: its size against the base; staffing: posts per referral against the base.",
        ...servicesSection(d)));
    const S = d.series;
    app.append(section("Waiting lists", "People on each list at the end of every week. Each list has its own scale. Grey: warm-up (not measured) and follow-up (the cohort finishing). " + WEEK_END_NOTE,
      el("div", { class: "grid" },
        bandChart(d, [{ who: "assessment", band: S.waiting_assessment }], { ylabel: "people waiting", caption: "For assessment.", id: "list-assessment" }),
        bandChart(d, [{ who: "step 2", band: S.waiting_step2 }], { ylabel: "people waiting", caption: "For step 2.", id: "list-step2" }),
        bandChart(d, [{ who: "step 3", band: S.waiting_step3 }], { ylabel: "people waiting", caption: "For step 3.", id: "list-step3" }))));
    app.append(section("Waits", "True: referral to the first treatment session. Reported: referral to the clock stop, finishers only, as published. Dashed: 6 and 18 weeks.", waitsCharts(d),
      el("div", { class: "grid" },
        bandChart(d, [{ who: "first treatment", band: S.wait_to_treatment_days }, { who: "step 3", band: S.wait_for_step3_days }],
          { ylabel: "days waited, mean", caption: "Waits week by week: the mean days from referral to first treatment, and from joining the step-3 list to the first step-3 session, of those who started that week (everyone, warm-up included; a gap: no one started).", id: "waits-weekly" }))));
    app.append(section("Where referrals ended", null, ...exitsChart(d)));
    app.append(section("Funnel and recovery", null, el("div", { class: "grid" }, funnelChart(d), routesChart(d))));
    const roles = rolesOf(S);
    app.append(section("Staff and caseloads", null, el("div", { class: "grid" },
      inPostChart(d, roles, "staff"),
      bandChart(d, [{ who: "step 2", band: S.caseload_step2 }, { who: "step 3", band: S.caseload_step3 }], { ylabel: "open episodes", caption: "Caseloads: open episodes.", id: "caseloads" }),
      bandChart(d, [{ who: "all staff", band: S.burnout_mean }], { ylabel: "mean burnout (0 to 1)", caption: "Mean burnout of staff.", id: "burnout", top: 1, legend: true }),
      bandChart(d, [{ who: "off sick", band: S.on_sick_leave }], { ylabel: "people off sick", caption: "Staff on sick leave.", id: "sick", clippedWhat: " (the warm-up, rare peaks)", legend: true }),
      ...staffFlowCharts(d, roles))));
    if (d.subgroups) app.append(section("Who is served worse: subgroups", "Means over replications; in brackets the gap to all referrals in percentage points (subgroups.csv has every metric with its CI).", ...subgroupsSection(d)));
    app.append(section("Costs", null, el("div", { class: "grid" }, costsChart(d),
      el("div", { class: "tiles" }, tile(d, "cost_per_referral_gbp"), tile(d, "cost_per_finished_course_gbp"), tile(d, "cost_per_recovery_gbp"), tile(d, "cost_per_true_recovery_gbp")))));
    app.append(section("Every metric", "Means over replications with the Student-t 95% confidence interval of the mean, and the 10th and 90th centiles of the replications' values (summary.csv has them all). Shares are percentages of the denominator named; d = days. Wait distributions come from weekly bins and count waits under 42 days, where the headline within-6-weeks figures count up to 42 days exactly.",
      metricTable(d.metrics)));
  }

  /* ---- compare.html ------------------------------------------------------------------ */

  /* Staff in post by role, and those training for a role where any scenario has some,
   * each scenario a band in its colour (the lists' charts' colours); a role one scenario
   * lacks (the expert door's seniors) is drawn for those that have it. */
  function staffOverTime(d) {
    const has = (s, k) => !!s.series[k];
    const roles = [...new Set(d.scenarios.flatMap((s) => rolesOf(s.series)))];
    const chart = (prefix, r, ylabel, caption, id) => bandChart(d, d.scenarios.map((s, i) => ({ who: s.name, band: s.series[prefix + r], color: PALETTE[i] }))
      .filter((b, i) => has(d.scenarios[i], prefix + r)), { ylabel, caption, id, top: null, legend: true, clippedWhat: " (rare peaks)" });
    const trained = roles.filter((r) => d.scenarios.some((s) => anyAboveZero(s.series["in_training:" + r])));
    return section("Staff over time", "Staff in post by role, and the people training for a role where a scenario has any (a PWP on HIT training counts under hit; trainees are not among the staff in post), per scenario: median and 10th-90th centile band over replications, at each week's end.",
      el("div", { class: "grid" },
        roles.map((r) => chart("staff_in_post:", r, "people in post", `${r} in post.`, "cmp-staff-" + r)),
        trained.map((r) => chart("in_training:", r, "people in training", `Training for ${r}.`, "cmp-trainees-" + r))));
  }

  const FOREST = [
    ["pct", ["recovery_rate_true", "recovery_rate_true_late", "recovery_rate_reported", "within_6_weeks_true", "within_6_weeks_reported", "entered_treatment_share", "finished_course_share", "dropout_in_treatment_share", "utilisation_step2", "utilisation_step3"]],
    ["days", ["wait_to_assessment_days_mean", "wait_to_treatment_days_mean", "wait_to_treatment_days_p90", "step_up_wait_days_mean", "wait_for_step3_days_mean"]],
    ["people", ["waiting_assessment_mean", "waiting_step2_mean", "waiting_step3_mean"]],
    ["gbp", ["cost_per_referral_gbp", "cost_per_true_recovery_gbp"]],
  ];
  /* Federations with the same services: each service's paired difference, scenario less
   * reference, in the true six-week share and true recovery, sorted, a dot and its 95% CI
   * each, beside the national difference (dashed, its CI shaded). compare_services.csv has
   * every metric. When the services do not pair, why. */
  function serviceDiffsSection(d, room) {
    if (d.services_unpaired)
      return section("Services", null, el("p", { class: "note", id: "services-unpaired" },
        `Services not compared: ${d.services_unpaired}. No compare_services.csv is written; each scenario's services.csv has its own services' figures.`));
    if (!d.service_diffs) return null;
    const chart = (sd, n) => {
      const s = d.scenarios.find((x) => x.name === sd.scenario) || { metrics: [] };
      const nat = metricOf(s.metrics, n);
      const rows = sd.services.filter((v) => fin(v[n].diff)).map((v) => ({ service: v.name, diff: 100 * v[n].diff,
        lo: fin(v[n].diff_ci_low) ? 100 * v[n].diff_ci_low : NaN, hi: fin(v[n].diff_ci_high) ? 100 * v[n].diff_ci_high : NaN,
        few: fin(v[n].diff_n) && v[n].diff_n < d.replications ? v[n].diff_n : null }))
        .sort((a, b) => b.diff - a.diff);
      const long = Math.max(4, ...rows.map((r) => r.service.length));
      const natBand = fin(nat.diff_ci_low) && fin(nat.diff_ci_high) ? [{ lo: 100 * nat.diff_ci_low, hi: 100 * nat.diff_ci_high }] : [];
      const p = Plot.plot({
        width: Math.min(520, Math.max(280, Math.floor(room))), height: 70 + rows.length * (rows.length > 30 ? 11 : 22), marginLeft: Math.min(200, 16 + 7 * long), marginRight: 20,
        x: { label: `${sd.scenario} − ${d.reference}, percentage points`, grid: true, nice: true, ticks: room < 600 ? 4 : undefined },
        y: { label: null, domain: rows.map((r) => r.service), tickSize: 0 },
        marks: [Plot.rectX(natBand, { x1: "lo", x2: "hi", fill: "#57606a", fillOpacity: 0.12 }),
                Plot.ruleX([0], { stroke: "#57606a" }),
                fin(nat.diff) ? Plot.ruleX([100 * nat.diff], { stroke: "#57606a", strokeDasharray: "4,3" }) : null,
                fin(nat.diff) ? Plot.text([100 * nat.diff], { x: (x) => x, text: () => "national", frameAnchor: "top", dy: -10, fill: "#57606a" }) : null,
                Plot.ruleY(rows.filter((r) => fin(r.lo) && fin(r.hi)), { y: "service", x1: "lo", x2: "hi", stroke: C.true, strokeWidth: 2 }),
                ...[true, false].map((whole) => Plot.dot(rows.filter((r) => (r.few === null) === whole), {
                  y: "service", x: "diff", fill: whole ? C.true : "white", stroke: C.true, r: 3.5, tip: true,
                  title: (r) => `${r.service}: ${signed(r.diff, 1)} pp` + (fin(r.lo) ? ` [${signed(r.lo, 1)}, ${signed(r.hi, 1)}]` : "") +
                    (whole ? "" : ` (over the ${r.few} of ${d.replications} replications with both)`) }))],
      });
      p.classList.add("chart");
      p.setAttribute("data-service-diffs", `${sd.scenario}:${n}`);
      return figure(p, `${label(n)[0]}: each service in ${sd.scenario} less itself in ${d.reference}, highest first` +
        (d.replications > 1 ? ", with its 95% CI" : "") + "; dashed: the national difference" + (natBand.length ? " (shaded: its 95% CI)" : "") + ".");
    };
    return section("Services, paired", `Each of the ${d.service_diffs[0].services.length} services against itself in ${d.reference}: the difference replication by replication on the same referrals (a service's random numbers are its own, the same in every federation), in percentage points` +
      (d.replications > 1 ? ", with its 95% CI" : "") + ". A hollow dot: a difference some replications lack, over the pairs with both (its tip says how many). compare_services.csv has every metric, service by service.",
      ...d.service_diffs.map((sd) => el("div", { class: "grid", "data-scenario": sd.scenario },
        chart(sd, "within_6_weeks_true"), chart(sd, "recovery_rate_true"))));
  }
  function compare(d) {
    const app = document.getElementById("app");
    app.replaceChildren();
    /* Federations among the scenarios: their figures are national, pooled over services. */
    const feds = d.scenarios.filter((s) => s.services).map((s) => `${s.name}: a federation of ${s.services} service${s.services === 1 ? "" : "s"}`);
    app.append(...header(d, `stepsim compare · ${d.scenarios.length} scenarios on the same referrals · ${plural(d.replications, "replication")} each · seed ${d.seed}${seedNote(d)}` + (feds.length ? " · " + feds.join("; ") : "")), ...oneRep(d));
    const others = d.scenarios.filter((s) => s.name !== d.reference);
    const UNIT = { pct: "difference, percentage points", days: "difference, days", people: "difference, people waiting", gbp: "difference, £" };
    const forests = [];
    /* A phone: each metric's name above its rows (a row of its own), the plot the
     * screen's width; beside them, 330 px of names left the plot off-screen. */
    const cs = getComputedStyle(app), room = app.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const narrow = room < 600, HEAD = "\u2002", W = narrow ? Math.max(280, Math.floor(room)) : 1000;
    for (const [unit, names] of FOREST) {
      const rows = [];
      for (const s of others)
        for (const name of names) {
          const m = metricOf(s.metrics, name);
          if (!fin(m.diff)) continue;
          const k = unit === "pct" ? 100 : 1;
          /* A difference some pairs lack (no step-up in a replication, say): over the
           * pairs with both, its dot hollow and its tip saying how many. */
          const few = fin(m.diff_n) && m.diff_n < d.replications ? m.diff_n : null;
          rows.push({ metric: label(name)[0], scenario: s.name, diff: k * m.diff, lo: k * m.diff_ci_low, hi: k * m.diff_ci_high, few });
        }
      if (!rows.length) continue;
      const metrics = [...new Set(rows.map((r) => r.metric))];
      const p = Plot.plot({
        width: W,
        height: 40 + rows.length * 20 + metrics.length * (narrow ? 36 : 16), marginLeft: narrow ? 20 : 330, marginRight: narrow ? 24 : undefined,
        x: { label: UNIT[unit] + " against " + d.reference, grid: true, nice: true, ticks: narrow ? 4 : undefined, labelAnchor: narrow ? "center" : undefined },
        fy: { label: null, domain: metrics, axis: null, padding: 0.15 },
        y: { axis: null, domain: narrow ? [HEAD, ...others.map((s) => s.name)] : others.map((s) => s.name) },
        color: { domain: others.map((s) => s.name), range: PALETTE.slice(1), legend: true },
        marks: [Plot.ruleX([0], { stroke: "#57606a" }), Plot.frame({ anchor: "bottom", stroke: "#d0d7de" }),
                /* Names wrapped within the margin: the longest ran off the page's left. */
                narrow ? null : Plot.axisFy({ anchor: "left", label: null, lineWidth: 30 }),
                narrow ? Plot.text(metrics, { fy: (m) => m, y: () => HEAD, frameAnchor: "left", dx: -12, text: (m) => m, textAnchor: "start", fontWeight: 600, lineWidth: (W - 30) / 13 }) : null,
                Plot.ruleY(rows, { fy: "metric", y: "scenario", x1: "lo", x2: "hi", stroke: "scenario", strokeWidth: 2 }),
                ...[true, false].map((whole) => Plot.dot(rows.filter((r) => (r.few === null) === whole), {
                  fy: "metric", y: "scenario", x: "diff", fill: whole ? "scenario" : "white", stroke: "scenario", r: 4, tip: true,
                  title: (r) => `${r.scenario}: ${r.diff.toFixed(2)} [${r.lo.toFixed(2)}, ${r.hi.toFixed(2)}]` + (whole ? "" : ` (over the ${r.few} of ${d.replications} replications with both)`) }))],
      });
      p.classList.add("chart");
      forests.push(figure(p, "Dot: mean paired difference; line: its 95% CI (replication by replication, the same referrals: first referrals are the same people in every scenario; re-referrals, which depend on who relapses, differ a little). A hollow dot: a difference some replications lack, over the pairs with both (its tip says how many)."));
    }
    app.append(section("Paired differences", "Each scenario minus " + d.reference + ", replication by replication on the same referrals (common random numbers).", ...forests));
    const sv = serviceDiffsSection(d, room);
    if (sv) app.append(sv);
    const lists = [["waiting_assessment", "For assessment"], ["waiting_step2", "For step 2"], ["waiting_step3", "For step 3"]];
    app.append(section("Waiting lists over time", "People waiting at each week's end, per scenario: median and 10th-90th centile band over replications. " + WEEK_END_NOTE,
      el("div", { class: "grid" }, lists.map(([k, l]) => bandChart(d, d.scenarios.map((s, i) => ({ who: s.name, band: s.series[k], color: PALETTE[i] })), { ylabel: "people waiting", caption: l + ".", id: "cmp-" + k })))));
    app.append(staffOverTime(d));
    const names = d.scenarios[0].metrics.map((m) => m.name);
    const head = el("tr", {}, el("th", {}, "metric"), d.scenarios.map((s) => el("th", {}, s.name)));
    const body = names.map((name) => el("tr", { "data-metric": name }, el("td", { title: name }, label(name)[0]),
      d.scenarios.map((s) => {
        const m = metricOf(s.metrics, name);
        const diff = s.name === d.reference || !fin(m.diff) ? "" : `(${fmtDiff(name, m.diff)} [${fmtDiff(name, m.diff_ci_low)}, ${fmtDiff(name, m.diff_ci_high)}])`;
        /* The value on its line, the difference and its interval on one of their own
         * beneath, each unbroken: the cell once broke before the difference in one row and
         * not the next, as the column's width fell. */
        /* Undefined in some replications (no recovery caused, say): the mean is over the
         * others, and the count says so, as compare's printed table does. */
        const few = fewOf(m, d.replications);
        return el("td", { "data-scenario": s.name, "data-mean": fin(m.mean) ? String(m.mean) : "" },
                  el("span", { class: "v" }, fmt(name, m.mean), few ? el("span", { class: "few", title: "replications with a value" }, few) : null),
                  diff ? el("span", { class: "diff" }, diff) : null);
      })));
    app.append(section("Every metric", "Means over replications; beneath each, in brackets, the paired difference against " + d.reference + " and its 95% CI (percentage points for shares); [k of n]: a figure some replications do not have, its mean over the k that do.",
      el("table", { id: "metrics" }, el("thead", {}, head), el("tbody", {}, body))));
  }

  /* ---- sweep.html, solve.html, sensitivity.html ---------------------------------------- */

  function sweep(d) {
    const app = document.getElementById("app");
    app.replaceChildren();
    app.append(...header(d, `stepsim sweep · ${fedNote(d)}${plural(d.points.length, "point")} · ${plural(d.replications, "replication")} each · seed ${d.seed}${seedNote(d)}`), ...oneRep(d));
    /* run's warnings at each point that has any, as the terminal prints them under the
     * point (the page once had none: a point whose lists grow through the window drew
     * as plainly as the others). */
    const warned = d.points.map((p, i) => [p, i]).filter(([p]) => p.warnings);
    if (warned.length)
      app.append(checksBox({ checks: warned.map(([p, i]) => `point ${i}: ` + d.vars.map((v, k) => `${v.key}=${p.values[k]}`).join(" ") + "\n" +
        p.warnings.trim().split("\n").map((l) => "  " + l).join("\n")).join("\n") },
        `What stepsim run prints after its dashboard, at each of the ${plural(warned.length, "point")} of ${d.points.length} whose run warns (marked ! in the table below): a list that grows through the window, a warm-up too short for that staffing (the scenario's pre-fill is sized for its own staff, not the point's). Such a point's figures hold for the window only.`));
    const xv = d.vars[0], zv = d.vars[1];
    /* Without --metrics every metric is there: show what a staffing sweep moves. */
    const HEADLINE = d.headline || [];
    const shown = d.metrics_chosen ? d.metrics.slice(0, 12) : HEADLINE.filter((m) => d.metrics.includes(m));
    /* The second key's values in numeric order (a legend sorted as text reads 18, 4.5, 9);
     * words (a policy, true or false) in the order given, as the first key's are. */
    const zvals = zv ? [...new Set(d.points.map((p) => p.values[1]))] : [];
    const znum = zvals.every((v) => v !== "" && isFinite(Number(v)));
    const zdom = zv ? (znum ? zvals.sort((a, b) => a - b) : zvals).map(String) : null;
    /* A key that holds whole numbers (a headcount) ticks at whole numbers only: its axis
     * once read 9.0, 9.2, 9.4 between 9 and 10 posts. */
    const xs = d.points.map((p) => p.values[0]).filter(fin);
    const x0 = Math.min(...xs), x1 = Math.max(...xs);
    let xticks;
    if (xv.integer && xs.length) {
      let step = Math.max(1, Math.round(d3.tickStep(x0, x1, 6)));
      if (!(step > 0)) step = 1;
      xticks = d3.range(Math.ceil(x0 / step) * step, x1 + 0.5, step);
    }
    const cut = (x, k) => fin(x) ? k * x : NaN; /* no interval (one replication): none drawn */
    /* A first key of words (a policy, true or false): its values in the order given, as
     * points along the axis; such a sweep once drew every chart empty. */
    const words = d.points.some((p) => !fin(p.values[0]));
    const xdom = words ? [...new Set(d.points.map((p) => String(p.values[0])))] : undefined;
    const charts = shown.map((name) => {
      const k = label(name)[1] === "pct" ? 100 : 1;
      /* The interval cut at what the figure can take, as the dashboard and report.html cut
       * it: a share's band once ran to -13% (5 PWPs of quarter.cfg, -r 2). */
      const [, , least, most] = label(name);
      const bound = (x, f, b) => fin(x) && fin(b) ? f(x, b) : x;
      const rows = d.points.map((p) => ({ x: words ? String(p.values[0]) : p.values[0], z: zv ? String(p.values[1]) : "all", mean: k * p.metrics[name].mean,
        lo: cut(bound(p.metrics[name].ci_low, Math.max, least), k), hi: cut(bound(p.metrics[name].ci_high, Math.min, most), k) })).filter((r) => fin(r.mean) && (words || fin(r.x)));
      if (!words) rows.sort((a, b) => a.x - b.x);
      const banded = rows.filter((r) => fin(r.lo) && fin(r.hi));
      const p = Plot.plot({
        width: 340, height: 240, marginLeft: 56, marginBottom: 34, /* room for a key's underscores */
        x: words ? { label: xv.key, type: "point", domain: xdom, grid: true, inset: 20 }
          : { label: xv.key, grid: true, ticks: xticks, tickFormat: xticks ? (x) => x.toLocaleString("en-GB") : undefined },
        y: { label: label(name)[0] + ({ pct: " (%)", days: " (days)", gbp: " (£)" }[label(name)[1]] || ""), grid: true, nice: true },
        /* The legend names the key: "staff.hit.headcount = 5", not a bare "5". */
        color: zv ? { type: "ordinal", domain: zdom, range: PALETTE, legend: true, label: zv.key, tickFormat: (v) => `${zv.key} = ${v}` } : undefined,
        marks: [banded.length ? Plot.areaY(banded, { x: "x", y1: "lo", y2: "hi", z: "z", fill: zv ? "z" : C.true, fillOpacity: 0.15 }) : null,
                Plot.lineY(rows, { x: "x", y: "mean", z: "z", stroke: zv ? "z" : C.true }),
                Plot.dot(rows, { x: "x", y: "mean", fill: zv ? "z" : C.true, tip: true })],
      });
      p.classList.add("chart");
      p.setAttribute("data-metric", name);
      return figure(p, label(name)[0] + (d.replications === 1 ? ": its value at each point (one replication: no interval; the same random numbers at every point)." : ": mean and its 95% CI at each point (paired: the same random numbers at every point).") + (zv ? ` One line per value of ${zv.key} (the legend's).` : ""));
    });
    app.append(section("Response curves", d.vars.map((v) => v.key).join(" × ") + (d.vars.length > 2 ? " (the first two drawn; every point is in sweep.csv)" : ""), el("div", { class: "grid" }, charts)));
    const head = el("tr", {}, el("th", {}, "point"), d.vars.map((v) => el("th", {}, v.key)), shown.map((m) => el("th", { title: m }, label(m)[0])));
    const body = d.points.map((p, i) => el("tr", {}, el("td", p.warnings ? { class: "warned", title: "run warns at this point: see Checks above" } : {}, i), p.values.map((v) => el("td", {}, v)),
      shown.map((m) => el("td", { "data-metric": m, "data-mean": String(p.metrics[m].mean) }, fmt(m, p.metrics[m].mean)))));
    app.append(section("Every point", d.metrics.length > shown.length ? `${shown.length} of the ${d.metrics.length} metrics shown (--metrics chooses); sweep.csv has them all.` : null, el("table", { id: "points" }, el("thead", {}, head), el("tbody", {}, body))));
  }

  function solve(d) {
    const app = document.getElementById("app");
    app.replaceChildren();
    app.append(...header(d, `stepsim solve · ${fedNote(d)}${plural(d.spots.length, "point")} evaluated · ${plural(d.simulations, "simulated replication")} · confidence ${d.confidence}`));
    const ans = d.answer !== null ? d.spots[d.answer] : null;
    const tg = d.targets.map((t) => `${label(t.metric)[0]} ${t.op} ${fmt(t.metric, t.value)}`).join("; ");
    app.append(el("p", { id: "answer" }, ans ? el("strong", {}, "Answer: " + d.vars.map((v, i) => `${v.key} = ${ans.at[i]}`).join(", ") + ` at ${fmt(d.cost, ans.metrics[d.cost].mean)} (${label(d.cost)[0]})`)
      : el("strong", {}, d.verdict || (d.assumption_fails ? "No answer: the search found none, and its assumption fails (below)." : "No point of the grid meets every target.")), el("br"), "Targets: " + tg));
    /* An answer at the edge of a key's range may lie beyond it: the terminal's note. */
    if (ans && d.edge && d.edge.length)
      app.append(el("p", { id: "edge", class: "warning" }, el("strong", {}, "Note: "),
        d.edge.map((k) => `${k} is at the edge of its range`).join("; ") + ": widen --vary to be sure the answer is not beyond it."));
    /* The answer run again with run's checks: a list growing through the window is a
     * service whose figures hold only for the window, which the search cannot see. */
    const ac = ans && d.answer_checks ? checksBox({ checks: d.answer_checks }, `The answer run again at ${plural(d.replications, "replication")} with the checks stepsim run prints (the search keeps only each point's metrics).`) : null;
    if (ac) app.append(ac);
    if (d.assumption_fails) {
      const at = (i) => d.vars.map((v, k) => `${v.key} = ${d.spots[i].at[k]}`).join(", ");
      app.append(el("p", { id: "assumption", class: "warning" }, el("strong", {}, "Warning: "),
        `the search assumes that raising a varied key never worsens a target, and this grid says otherwise: ${at(d.assumption_fails[0])} met every target, ${at(d.assumption_fails[1])}, higher, missed one with intervals that do not meet. Run the command again with --exhaustive.`));
    }
    const rows = d.spots.map((s, i) => ({ x: s.at[0], y: d.vars.length > 1 ? s.at[1] : 0, meets: s.meets ? "meets every target" : "misses a target",
      cost: s.metrics[d.cost].mean, answer: i === d.answer, reps: s.replications }));
    const two = d.vars.length > 1;
    /* Every value of a whole-number range, evaluated or not, so the grid's spacing is the
     * range's and the points the search skipped show as gaps. */
    const every = (v) => Number.isInteger(v.lo) && Number.isInteger(v.hi) && v.hi - v.lo <= 200
      ? Array.from({ length: v.hi - v.lo + 1 }, (_, k) => v.lo + k) : undefined;
    const p = Plot.plot({
      width: 640, height: two ? 380 : 220, marginLeft: 70,
      x: { label: d.vars[0].key, type: "band", domain: every(d.vars[0]) },
      y: two ? { label: d.vars[1].key, type: "band", reverse: true, domain: every(d.vars[1]) } : { label: null, axis: null, type: "band" },
      color: { domain: ["meets every target", "misses a target"], range: ["#1a7f37", "#d0d7de"], legend: true },
      marks: [Plot.cell(rows, { x: "x", y: "y", fill: "meets", inset: 1, tip: true, title: (r) => `${r.meets}; ${fmt(d.cost, r.cost)}; ${plural(r.reps, "replication")}` }),
              Plot.text(rows, { x: "x", y: "y", text: (r) => "£" + d3.format(".3s")(r.cost), fill: "black", fontSize: 9 }),
              Plot.cell(rows.filter((r) => r.answer), { x: "x", y: "y", stroke: "#cf222e", strokeWidth: 3, fill: "none" })],
    });
    p.classList.add("chart");
    app.append(section("The evaluated grid", "Green: the point meets every target at the stated confidence; red outline: the cheapest such point, the answer. Only the frontier is evaluated (monotonicity assumed, as the command says); unevaluated points are blank.", figure(p)));
    const head = el("tr", {}, d.vars.map((v) => el("th", {}, v.key)), el("th", {}, "replications"), el("th", {}, "decision"),
      d.targets.map((t) => el("th", {}, label(t.metric)[0] + " " + t.op + " " + fmt(t.metric, t.value))), el("th", {}, label(d.cost)[0]));
    const body = d.spots.map((s, i) => el("tr", { class: i === d.answer ? "answer" : null }, s.at.map((v) => el("td", {}, v)), el("td", {}, s.replications), el("td", {}, s.meets ? "meets" : "misses"),
      d.targets.map((t) => el("td", { "data-metric": t.metric, "data-mean": String(s.metrics[t.metric].mean) }, fmt(t.metric, s.metrics[t.metric].mean) + " (bound " + fmt(t.metric, s.metrics[t.metric].bound) + ")")),
      el("td", {}, fmt(d.cost, s.metrics[d.cost].mean))));
    app.append(section("Every point evaluated", null, el("table", { id: "points" }, el("thead", {}, head), el("tbody", {}, body))));
  }

  function sensitivity(d) {
    const app = document.getElementById("app");
    app.replaceChildren();
    app.append(...header(d, `stepsim sensitivity · ${fedNote(d)}${d.method === "sobol" ? `Sobol indices, ${plural(d.samples, "base row")}` : `Morris elementary effects, ${plural(d.samples, "trajectory", "trajectories")}`} · ${plural(d.runs, "run")} of ${plural(d.replications, "replication")} · seed ${d.seed}${seedNote(d)}`));
    const stat = d.method === "sobol" ? "ST" : "mu*";
    /* The notes the terminal prints (sim/cmd_sens.c), in its words: few Sobol base rows, a
     * metric undefined at some points (left out), here; a tornado whose mu* passes what its
     * metric moved, under that tornado. The page once showed none of them. */
    const oneLine = (t) => t.trim().replace(/\s*\n\s*/g, " ");
    if (d.notes && d.notes.length)
      app.append(el("div", { id: "notes" }, d.notes.map((t) => el("p", { class: "warning" }, oneLine(t)))));
    /* mu* is in the metric's own unit; ST is a share of its variance. */
    const UNIT = { pct: " (percentage points)", days: " (days)", gbp: " (£)", people: " (people)", sessions: " (sessions)", n: " (referrals)" };
    if (d.ranges)
      app.append(section("Inputs varied", "Each drawn across its whole range; the scenario's other keys as they are.",
        el("table", { id: "ranges" }, el("thead", {}, el("tr", {}, el("th", {}, "input"), el("th", {}, "from"), el("th", {}, "to"))),
          el("tbody", {}, d.ranges.map((x) => el("tr", {}, el("td", {}, x.input), el("td", {}, x.lo), el("td", {}, x.hi)))))));
    const charts = d.results.map((r) => {
      const unit = label(r.metric)[1];
      const k = d.method !== "sobol" && unit === "pct" ? 100 : 1;
      const rows = r.inputs.map((x) => ({ input: x.input, value: k * x.value, lo: k * x.ci_low, hi: k * x.ci_high })).sort((a, b) => b.value - a.value);
      const p = Plot.plot({
        width: 760, height: 70 + 34 * rows.length, marginLeft: 200, marginRight: 80, style: { fontSize: "12px" },
        x: { label: stat + (d.method === "sobol" ? " (share of variance)" : UNIT[unit] || ""), grid: true }, y: { label: null, domain: rows.map((x) => x.input) },
        marks: [Plot.barX(rows, { y: "input", x: "value", fill: C.true, tip: true }),
                Plot.ruleY(rows, { y: "input", x1: "lo", x2: "hi", stroke: "black" }), Plot.ruleX([0]),
                Plot.text(rows, { y: "input", x: "hi", text: (x) => Math.abs(x.value) >= 1000 ? Math.round(x.value).toLocaleString("en-GB") : x.value.toPrecision(3), dx: 4, textAnchor: "start", fill: "currentColor" })],
      });
      p.classList.add("chart");
      const fig = figure(p, label(r.metric)[0] + ": inputs ranked by " + stat + ", with its 95% bootstrap CI (the number: " + stat + "; every index in sensitivity.csv).");
      if (r.note) fig.append(el("p", { class: "warning", "data-note": r.metric }, oneLine(r.note)));
      return fig;
    });
    app.append(section("Tornado diagrams", d.method === "sobol" ? "ST: the share of the metric's variance an input causes, alone or with others." : "mu*: the mean absolute elementary effect: the metric's change over one step of the input (two thirds of its range), scaled to the whole range as if in proportion. It ranks the inputs; where a metric turns on a threshold inside a step, it can pass what the metric moves.", el("div", {}, charts)));
  }

  /* ---- the playground (stepsim serve) --------------------------------------------------- */

  function playground(d) {
    const app = document.getElementById("app");
    app.replaceChildren();
    document.title = "stepsim playground";
    app.append(el("h1", {}, "stepsim playground"), el("p", { class: "meta" },
      "Move the sliders, press Run: the service is simulated on this computer (" + d.replications + " replications of " + d.horizon_weeks + " weeks by default) and the page shows waits, true against reported recovery, and the waiting lists."));
    const form = el("div", { class: "controls", id: "controls" });
    const sel = el("select", { id: "scenario" }, d.scenarios.map((s) => el("option", { value: s.id }, s.id + " — " + s.policy)));
    form.append(el("label", {}, "Policy (scenario)", sel));
    const dyn = el("div", { style: "display: contents" });
    form.append(dyn);
    const status = el("p", { id: "status" }, "");
    const out = el("div", { id: "results" });
    const runBtn = el("button", { id: "run", onclick: run }, "Run");
    const dlBtn = el("button", { id: "download", class: "secondary", onclick: () => download() }, "Download the scenario file");
    app.append(form, runBtn, dlBtn, status, out);
    let inputs = [];
    /* A range input snaps its value to [min, max] and the step's grid; a scenario's value
     * off them (a dropout of 0.49 on a grid of 0.05) would then read as a change and be
     * sent with every run. So the range takes the value in, and a value off the grid
     * makes the step "any". */
    const names = {}; /* a key's words on the page, for the loader's messages */
    function slider(key, text, min, max, step, value, fmtv) {
      names[key] = text;
      min = Math.min(min, value);
      max = Math.max(max, value);
      const k = (value - min) / step;
      if (Math.abs(k - Math.round(k)) > 1e-9) step = "any";
      const o = el("output", {}, fmtv ? fmtv(value) : value);
      const i = el("input", { type: "range", min, max, step, value, "data-key": key, "data-default": value, id: "in-" + key.replace(/\W/g, "_") });
      i.addEventListener("input", () => { o.textContent = fmtv ? fmtv(+i.value) : i.value; });
      inputs.push(i);
      return el("label", {}, text, o, i);
    }
    function check(key, text, value) {
      names[key] = text;
      const i = el("input", { type: "checkbox", "data-key": key, "data-default": value ? "true" : "false", id: "in-" + key.replace(/\W/g, "_") });
      i.checked = value;
      inputs.push(i);
      return el("label", {}, text, i);
    }
    const pct = (x) => (x > 0 && x < 0.1 ? (100 * x).toFixed(1) : Math.round(100 * x)) + "%"; // 1.2%, not 1%
    const who = (r) => ({ pwp: "PWPs", hit: "HITs", senior: "Senior clinicians" }[r.name] || r.name);
    function build() {
      const s = d.scenarios.find((x) => x.id === sel.value);
      inputs = [];
      dyn.replaceChildren(
        ...(s.rate_key === "referrals.per_week" ? [slider(s.rate_key, "Referrals a week", 50, Math.max(500, 2 * s.per_week), 5, s.per_week)]
          : s.rate_key ? [slider(s.rate_key, "Self-referrals a week", 0, Math.max(500, 2 * s.per_week), 5, s.per_week)] : []),
        ...s.roles.map((r) => slider(`staff.${r.name}.headcount`, `${who(r)} in post (headcount)`, 0, Math.max(10, 2 * r.headcount), 1, r.headcount)),
        /* Workforce: each role's leaving (before burnout adds to it); for a role whose
         * staff leave for training, that rate and the bar of years after qualifying. */
        ...s.roles.map((r) => slider(`staff.${r.name}.leave_per_year`, `${who(r)}: leaving the service, a year (before burnout)`, 0, 0.5, 0.01, r.leave_per_year, pct)),
        ...s.roles.filter((r) => r.training_per_year > 0).flatMap((r) => [
          slider(`staff.${r.name}.training_per_year`, `${who(r)}: leaving the post for training, a year`, 0, 0.5, 0.01, r.training_per_year, pct),
          slider(`staff.${r.name}.training_bar_years`, `${who(r)}: no training within this many years of qualifying`, 0, 5, 0.5, r.training_bar_years)]),
        slider("assessment.flex_from_weeks", "Front door: extra clinics, from treatment time, once the list holds (weeks of clinics; 0 = never)", 0, 4, 0.25, s.flex_from_weeks),
        slider("assessment.opt_in_days_mean", "Front door: days a GP's referral takes to opt in (mean)", 0, 60, 1, s.opt_in_days_mean),
        slider("assessment.opt_in_close_days", "Front door: close referrals not opted in after (days; 0 = never)", 0, 90, 7, s.opt_in_close_days),
        slider("step2.first_session_dropout", "Step 2: dropout after the first session", 0, 0.9, 0.05, s.step2_first_session_dropout, pct),
        slider("step2.dropout_per_session", s.step2_dropout_gap_days > 0
          ? `Step 2: dropout after a later session, over ${s.step2_dropout_gap_days} days to the next`
          : "Step 2: dropout at each later session", 0, 0.3, 0.01, s.step2_dropout_per_session, pct),
        slider("step3.first_session_dropout", "Step 3: dropout after the first session", 0, 0.9, 0.05, s.step3_first_session_dropout, pct),
        /* From the step's min_sessions: a cap below it is refused (not a control here). */
        slider("step2.max_sessions", "Step 2: session cap", Math.max(1, s.step2_min_sessions || 1), 20, 1, s.step2_max_sessions),
        slider("step3.max_sessions", "Step 3: session cap", Math.max(1, s.step3_min_sessions || 1), 30, 1, s.step3_max_sessions),
        check("step3.stepped_up_first", "Step 3: people stepped up seen before new referrals", s.step3_stepped_up_first),
        check("reporting.end_of_session_questionnaire", "Gaming: questionnaire at the end of the session", s.end_of_session_questionnaire),
        slider("reporting.coaching_points", "Gaming: coaching points on the last questionnaire", 0, 5, 0.5, s.coaching_points),
        check("reporting.discharge_on_first_good_score", "Gaming: discharge on the first good score", s.discharge_on_first_good_score),
        slider("@replications", "Replications", 2, 20, 1, d.replications),
        slider("horizon_weeks", "Weeks measured", 26, 260, 13, d.horizon_weeks));
    }
    sel.addEventListener("change", build);
    build();
    /* Only what the user changed is sent (and downloaded). */
    function changes() {
      return inputs.filter((i) => (i.type === "checkbox" ? String(i.checked) : i.value) !== i.dataset.default)
        .map((i) => [i.dataset.key, i.type === "checkbox" ? String(i.checked) : i.value]);
    }
    /* The loader speaks the command line ("--set KEY=V: KEY: must be ..."): on the page, a
     * control's own words ("Referrals a week: must be ..."); the full message on hover. */
    function plain(msg) {
      const m = /^--set ([^=]+)=[^:]*: ([^:]+): ([\s\S]*)$/.exec(msg);
      return m && names[m[2]] ? `${names[m[2]]}: ${m[3]}` : msg;
    }
    async function run() {
      status.textContent = "Running…";
      runBtn.disabled = true;
      const t0 = performance.now();
      /* The seconds so far, while it runs: a baseline of 20 replications takes seconds. */
      const tick = setInterval(() => { status.textContent = `Running… ${((performance.now() - t0) / 1000).toFixed(0)} s`; }, 1000);
      try {
        const r = await fetch("run", { method: "POST", headers: { "Content-Type": "text/plain" }, body: body() });
        const res = await r.json();
        if (!res.ok) throw new Error(res.error);
        status.textContent = `Done: ${plural(res.replications, "replication")} in ${((performance.now() - t0) / 1000).toFixed(1)} s.`;
        status.setAttribute("data-done", "1");
        results(res);
      } catch (e) {
        status.replaceChildren(el("span", { class: "error", title: String(e.message || e) }, plain(String(e.message || e))));
      } finally {
        clearInterval(tick);
        runBtn.disabled = false;
      }
    }
    function results(r) {
      /* Each figure with its 95% CI over the replications: two runs of the sliders differ
       * by chance too, and the interval says by how much. */
      const ci = (n) => { const m = metricOf(r.metrics, n); return fin(m.ci_low) ? ciText(m) : "–"; };
      const pair = (t, a, b) => el("tr", {}, el("td", {}, t),
        el("td", { "data-metric": a }, fmt(a, metricOf(r.metrics, a).mean)), el("td", { class: "ci" }, ci(a)),
        el("td", { "data-metric": b }, b ? fmt(b, metricOf(r.metrics, b).mean) : ""), el("td", { class: "ci" }, b ? ci(b) : ""));
      const tab = el("table", { id: "headline" }, el("thead", {}, el("tr", {}, el("th", {}, ""), el("th", {}, "true"), el("th", { class: "ci" }, "95% CI"), el("th", {}, "reported"), el("th", { class: "ci" }, "95% CI"))),
        el("tbody", {}, pair("Within 6 weeks", "within_6_weeks_true", "within_6_weeks_reported"),
          pair("Within 18 weeks", "within_18_weeks_true", "within_18_weeks_reported"),
          pair("Mean wait, days (to treatment / to clock stop)", "wait_to_treatment_days_mean", "wait_reported_days_mean"),
          pair("Recovery", "recovery_rate_true", "recovery_rate_reported"),
          pair("Reliable improvement", "reliable_improvement_true", "reliable_improvement_reported"),
          pair("Step-up wait, days", "step_up_wait_days_mean", null),
          pair("Wait on the step-3 list, days", "wait_for_step3_days_mean", null),
          pair("Cost per true recovery", "cost_per_true_recovery_gbp", null)));
      const rec = [["recovery", "recovery_rate_true", "recovery_rate_reported"], ["reliable improvement", "reliable_improvement_true", "reliable_improvement_reported"], ["within 6 weeks", "within_6_weeks_true", "within_6_weeks_reported"]]
        .flatMap(([t, a, b]) => [{ what: t, basis: "true", v: metricOf(r.metrics, a).mean }, { what: t, basis: "reported", v: metricOf(r.metrics, b).mean }]);
      const bars = Plot.plot({ width: 480, height: 200, marginLeft: 70, marginRight: 130, x: { percent: true, domain: [0, 100], grid: true, label: "%" }, y: { label: null }, fy: { label: null },
        color: { domain: ["true", "reported"], range: [C.true, C.reported], legend: true },
        marks: [Plot.barX(rec, { y: "basis", fy: "what", x: "v", fill: "basis", tip: true }), Plot.text(rec, { y: "basis", fy: "what", x: "v", text: (x) => fin(x.v) ? (100 * x.v).toFixed(1) + "%" : "", textAnchor: "start", dx: 3 })] });
      bars.classList.add("chart");
      window.stepsim.result = r; /* the last answer, for a test to read */
      const S = r.series;
      const roles = rolesOf(S);
      out.replaceChildren(
        el("h2", {}, "Results: " + r.scenario), checksBox(r) || "", el("div", { class: "grid" }, tab, figure(bars, "True: every referral counted, latent symptoms. Reported: finishers, questionnaire scores, as published.")),
        el("div", { class: "grid" },
          bandChart(r, [{ who: "assessment", band: S.waiting_assessment }], { ylabel: "people waiting", caption: "Waiting for assessment.", id: "pg-assessment" }),
          bandChart(r, [{ who: "step 2", band: S.waiting_step2 }], { ylabel: "people waiting", caption: "Waiting for step 2.", id: "pg-step2" }),
          bandChart(r, [{ who: "step 3", band: S.waiting_step3 }], { ylabel: "people waiting", caption: "Waiting for step 3.", id: "pg-step3" })),
        waitsCharts(r),
        /* What the workforce sliders move: staff in post, posts vacant and trainees. */
        el("div", { class: "grid" },
          inPostChart(r, roles, "pg-staff"),
          ...staffFlowCharts(r, roles, "pg-")));
    }
    /* The scenario with the changes, every key resolved (stepsim check's print), from
     * the server: a file that loads anywhere. */
    function body() {
      const reps = inputs.find((i) => i.dataset.key === "@replications").value;
      return ["@scenario=" + sel.value, "@replications=" + reps, ...changes().filter(([k]) => k[0] !== "@").map(([k, v]) => k + "=" + v)].join("\n");
    }
    async function download() {
      const r = await fetch("scenario.cfg", { method: "POST", headers: { "Content-Type": "text/plain" }, body: body() });
      const text = await r.text();
      if (text.startsWith("{")) {
        status.replaceChildren(el("span", { class: "error" }, JSON.parse(text).error));
        return;
      }
      const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/plain" })), download: sel.value + "-playground.cfg" });
      document.body.append(a);
      a.click();
      a.remove();
    }
  }

  /* ---- dispatch --------------------------------------------------------------------- */

  const data = JSON.parse(document.getElementById("stepsim-data").textContent);
  const pages = { report, compare, sweep, solve, sensitivity, playground };
  window.stepsim = { data, fmt, label };
  /* A table wider than the page's column (sweep's points with the headline metrics,
   * solve's with many targets) scrolls sideways in its own box, as on a phone, rather than
   * running past the column and making the whole page scroll. Only such a table gets the
   * box's scrolling: a scrolling box would hold the header rows of a long table that fits
   * (the metric table) from sticking to the top of the window. */
  function fitTables() {
    for (const t of document.querySelectorAll("#app table")) {
      let box = t.parentElement;
      if (!box.classList.contains("tablebox")) {
        box = el("div", { class: "tablebox" });
        t.replaceWith(box);
        box.append(t);
      }
      box.classList.remove("scroll");
      box.classList.toggle("scroll", t.offsetWidth > box.clientWidth + 1);
    }
  }
  try {
    (pages[data.page] || report)(data);
    fitTables();
    window.addEventListener("resize", fitTables);
  } catch (e) {
    document.getElementById("app").append(el("p", { class: "error" }, "This page could not be drawn: " + e.message));
    throw e;
  }
})();
