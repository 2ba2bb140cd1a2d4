// Drives stepsim's pages in headless Debian chromium (playwright-core, no browser download)
// and checks what a person would see. Run by tests/test_pages.sh, which makes the outputs.
//   node check_pages.js CONFIG.json
// CONFIG: {"chromium", "report": DIR, "report_dashboard": FILE (its run's terminal), "compare": DIR, "compare_scenarios": [..], "compare_few": DIR, "report_few": DIR, "sweep": DIR,
//          "solve": DIR, "solve_reversed": DIR, "solve_undefined": DIR, "sensitivity": DIR,
//          "sensitivity_notes": [[DIR, FILE of its terminal output], ..], "federation": DIR,
//          "federation_compare": DIR, "federation_paired": DIR, "federation_sweep": DIR, "serve": URL, "serve_expect": DIR,
//          "serve_sets": {"key": value}, "download": FILE, "shots": DIR or null}
// Prints PASS/FAIL lines and "N passed, N failed"; exits 1 on any failure.
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const cfg = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let pass = 0, fail = 0;
function check(ok, what) {
  if (ok) { pass++; console.log("PASS  " + what); } else { fail++; console.log("FAIL  " + what); }
  return ok;
}
const readJson = (f) => JSON.parse(fs.readFileSync(f, "utf8"));

// A shown number back as a number, in the unit the page shows it.
function shown(text) {
  const t = text.replace(/[£,%]|\sd$|\s/g, "").replace("−", "-");
  return t === "–" || t === "" ? null : Number(t);
}
// Does the text show x as the page should: percent for shares, its decimals, rounded
// (not truncated, not compared as strings)?
function showsValue(text, x, unit) {
  const v = shown(text);
  if (x === null || x === undefined) return v === null;
  const dec = { pct: 1, days: 1, n: 0, people: 1, sessions: 1, gbp: 0, idx: 2, num: 2 }[unit];
  const want = unit === "pct" ? 100 * x : x;
  return v !== null && Math.abs(v - want) <= 0.5 * Math.pow(10, -dec) + 1e-9 * Math.abs(want);
}

/* Pages done with, kept for the next open: a new page is a new renderer process (about
 * half a second here), and a renderer that has compiled the pages' scripts once compiles
 * them again from its cache. Each page's console goes to the errors of whichever document
 * it holds now. */
const spare = [];
async function open(browser, url, name, width = 1150) {
  let page = spare.pop();
  if (page) {
    await page.setViewportSize({ width, height: 1000 });
  } else {
    page = await browser.newPage({ viewport: { width, height: 1000 } });
    /* The playground answers a bad override with 400 and its message, which the page shows;
     * the browser logs the status too, which is the refusal working, not an error. */
    const refusal = /Failed to load resource: the server responded with a status of 400 \(Bad Request\)/;
    page.on("console", (m) => { if ((m.type() === "error" || m.type() === "warning") && !refusal.test(m.text())) page.errors.push(m.type() + ": " + m.text()); });
    page.on("pageerror", (e) => page.errors.push("pageerror: " + e.message));
    page.on("requestfailed", (r) => page.errors.push("request failed: " + r.url()));
  }
  const errors = [];
  page.errors = errors;
  await page.goto(url);
  await page.waitForLoadState("load");
  return { page, errors, name };
}
/* Weekly charts side by side start their plots level: a chart without a legend beside
 * ones with legends once sat a legend's height higher (report.html's Staff and
 * caseloads). A weekly chart is a grid's figure holding a [data-chart]; its plot the
 * tallest svg in it. (Charts of other kinds beside each other, the funnel and the routes,
 * are drawn each to its own layout.) */
async function plotsLevel(p) {
  const uneven = await p.page.$$eval(".grid > figure", (figs) => {
    const rows = {};
    for (const f of figs) {
      if (!f.querySelector("[data-chart]")) continue;
      const plot = [...f.querySelectorAll("svg")].sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height)[0];
      if (!plot) continue;
      const row = `${f.parentElement.id || ""}@${Math.round(f.getBoundingClientRect().top + window.scrollY)}`;
      (rows[row] = rows[row] || []).push([f.querySelector("[data-chart]").dataset.chart, plot.getBoundingClientRect().top]);
    }
    const sideBySide = Object.values(rows).filter((r) => r.length > 1);
    return { rows: sideBySide.length, uneven: sideBySide.filter((r) => Math.max(...r.map((x) => x[1])) - Math.min(...r.map((x) => x[1])) > 2)
      .map((r) => r.map((x) => `${x[0]} at ${Math.round(x[1])}`).join(", ")) };
  });
  if (uneven.rows === 0) return; /* no weekly charts side by side: nothing to check */
  check(uneven.uneven.length === 0, `${p.name}: the plots of weekly charts side by side start level (${uneven.rows} row${uneven.rows === 1 ? "" : "s"})` + (uneven.uneven.length ? ": " + uneven.uneven.slice(0, 2).join("; ") : ""));
}
async function finishPage(p) {
  await plotsLevel(p);
  /* Nothing runs past the window's width: a wide table scrolls in its own box. */
  const w = await p.page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  check(w[0] <= w[1], `${p.name}: the page does not scroll sideways (${w[0]} px wide in ${w[1]})`);
  check(p.errors.length === 0, `${p.name}: no console error or warning` + (p.errors.length ? ": " + p.errors.slice(0, 3).join(" | ") : ""));
  p.page.errors = []; /* what arrives late is no longer this page's */
  spare.push(p.page);
}
const fileUrl = (f) => "file://" + path.resolve(f);

/* cfg.report's page is one service's, of three replications: what the federation's and
 * the one replication's pages say must not show there. Checked on the page report()
 * opened (it was opened twice more for these, the same file at the same width). */
async function oneService(p) {
  const meta = await p.page.textContent(".meta");
  check(!/federation/.test(meta), "report.html of one service: no federation in its header");
  check((await p.page.locator("#services").count()) === 0 && !/"Services"/.test(JSON.stringify(await p.page.$$eval("h2", (hs) => hs.map((h) => h.textContent)))),
    "report.html of one service: no Services section");
}
async function severalReplications(p) {
  const meta = await p.page.textContent(".meta");
  check(/· 3 replications ·/.test(meta) && (await p.page.locator("#one-replication").count()) === 0,
        `report.html of three replications: in the plural, no one-replication note (${meta})`);
}

async function report(browser, dir) {
  const p = await open(browser, fileUrl(dir + "/report.html"), "report.html");
  const summary = readJson(dir + "/summary.json");
  const charts = await p.page.locator("svg.chart, figure svg").count();
  check(charts >= 12, `report.html: ${charts} charts drawn (12 or more)`);
  /* The exits' groups in the dashboard's words: someone who missed every appointment never
   * was "in" treatment (the page said "lost in treatment"). */
  const body = await p.page.textContent("body");
  check(/lost from booked treatment/.test(body) && !/lost in treatment/.test(body),
    "report.html: the exits' group named as the dashboard names it, lost from booked treatment");
  const rows = await p.page.$$eval("#metrics tr[data-metric]", (trs) => trs.map((tr) => ({
    name: tr.dataset.metric, mean: tr.dataset.mean, text: tr.querySelector(".mean").textContent })));
  const names = Object.keys(summary.metrics);
  check(rows.length === names.length, `report.html: one table row per metric of summary.json (${rows.length} of ${names.length})`);
  const units = await p.page.evaluate((ns) => ns.map((n) => window.stepsim.label(n)[1]), rows.map((r) => r.name));
  let exact = 0, rounded = 0;
  rows.forEach((r, i) => {
    const want = summary.metrics[r.name] ? summary.metrics[r.name].mean : undefined;
    if ((want === null && r.mean === "") || Number(r.mean) === want) exact++;
    if (showsValue(r.text, want, units[i])) rounded++;
    else if (rounded + 3 > i) console.log(`      ${r.name}: shows '${r.text}', summary.json has ${want}`);
  });
  check(exact === rows.length, `report.html: every metric's value equals summary.json's exactly (${exact}/${rows.length})`);
  check(rounded === rows.length, `report.html: every shown number is summary.json's, rounded to its unit (${rounded}/${rows.length})`);
  /* Three short replications: some Student-t intervals pass what their metric can take;
   * the table cuts them (below 0 but burnout's part of the therapist effect, a share above
   * 100% but hours in use and turnover). */
  const cis = await p.page.$$eval("#metrics tr[data-metric]", (trs) => trs.map((tr) => ({
    name: tr.dataset.metric, text: tr.querySelector(".ci").textContent })));
  const num = (s) => Number(s.replace(/[£,%\s]|\bd\b/g, ""));
  let outside = 0, cut = 0;
  cis.forEach((c, i) => {
    const s = summary.metrics[c.name], parts = c.text.split(" to ");
    if (parts.length !== 2 || !s) return;
    const lo = num(parts[0]), hi = num(parts[1]);
    const pct = units[i] === "pct", pastOne = /^(utilisation_|staff_turnover_rate)/.test(c.name);
    const belowZero = units[i] === "num" || /^therapist_effect_burnout_part/.test(c.name); /* a part explained can be < 0 */
    if ((!belowZero && lo < 0) || (pct && !pastOne && hi > 100) || (units[i] === "idx" && hi > 1)) outside++;
    if ((!belowZero && s.ci_low < 0) || (pct && !pastOne && s.ci_high > 1)) cut++;
  });
  check(outside === 0, `report.html: no CI shown past what its metric can take (${outside} shown past it)`);
  check(cut > 0, `report.html: the run has intervals to cut (${cut} in summary.json)`);
  const tile = await p.page.textContent('.tile[data-metric="sessions_mean_finishers"], .tile[data-metric="within_6_weeks_true"] .v');
  check(showsValue(tile, summary.metrics.within_6_weeks_true.mean, "pct"), `report.html: the headline tile shows within_6_weeks_true (${tile.trim()})`);
  const warm = await p.page.locator("text=warm-up").count();
  check(warm >= 3, "report.html: the warm-up is marked on the weekly charts");
  // run's checks, as the terminal prints them: the page's data holds them, the page shows them.
  const checks = await p.page.evaluate(() => window.stepsim.data.checks || "");
  const shownChecks = (await p.page.locator("#checks pre").count()) ? await p.page.textContent("#checks pre") : "";
  check(/^Warm-up: MSER-5/m.test(checks) && shownChecks.trim() === checks.trim(),
        `report.html: run's checks shown as printed (${checks.split("\n")[0]})`);
  const six = await p.page.locator("text=6 wk").count();
  check(six >= 2, "report.html: waits charts mark 6 and 18 weeks");
  // Labels come from the program (<script id="stepsim-labels">): no row shows a bare name.
  const bare = await p.page.$$eval("#metrics tr[data-metric]", (trs) => trs.filter((tr) => tr.cells[0].textContent.includes(tr.dataset.metric)).length);
  check(bare === 0, `report.html: every metric row shows its label, not its name (${bare} bare)`);
  const weekly = await p.page.locator('[data-chart="waits-weekly"] path').count();
  check(weekly >= 2, `report.html: the weekly waits are drawn (${weekly} paths)`);
  /* Vacancies and trainees by role: each band's median is, week by week, the median over
   * the replications of timeseries.csv's column (whole numbers: exact); each chart drawn
   * for the roles that have any, and only for those. */
  {
    const S = await p.page.evaluate(() => window.stepsim.data.series);
    const { n: weeks, off } = mediansOff(S, /^(vacancies|in_training):/, timeseriesByWeek(dir));
    const want = { vacancies: [], in_training: [] };
    for (const k of Object.keys(S).filter((k) => /^(vacancies|in_training):/.test(k))) {
      const [what, role] = k.split(":");
      if (S[k].p90.some((v) => v > 0)) want[what].push(role);
    }
    check(weeks > 0 && off === 0, `report.html: vacancies and trainees by role are timeseries.csv's medians (${off} of ${weeks} role-weeks differ)`);
    for (const [what, id] of [["vacancies", "vacancies"], ["in_training", "trainees"]]) {
      const shown = await p.page.$$eval(`figure:has([data-chart="${id}"]) text, figure:has([data-chart="${id}"]) span`,
        (ts) => ts.map((t) => t.textContent.trim()));
      const roles = Object.keys(S).filter((k) => k.startsWith("staff_in_post:")).map((k) => k.split(":")[1]);
      const named = roles.filter((r) => shown.includes(r));
      check(named.join(",") === want[what].join(","), `report.html: the ${id} chart names the roles that have any (${named.join(",") || "none"}; want ${want[what].join(",") || "none"})`);
    }
    check(want.in_training.length > 0, `report.html: the run has trainees to show (${want.in_training.join(",")})`);
  }
  // Subgroups: one table row a subgroup of subgroups.csv, each cell's value its mean there.
  const sg = {};
  const lines = fs.readFileSync(dir + "/subgroups.csv", "utf8").trim().split("\n");
  const cols = lines[0].split(",");
  for (const line of lines.slice(1)) {
    const f = line.replace(/^"(?:[^"]|"")*"/, "x").split(","); // the scenario name may be quoted
    const r = Object.fromEntries(cols.map((c, i) => [c, f[i]]));
    (sg[r.subgroup] = sg[r.subgroup] || {})[r.metric] = r.mean === "" ? null : Number(r.mean);
  }
  const cells = await p.page.$$eval("#subgroups tr[data-subgroup] td[data-metric]", (tds) => tds.map((td) => ({
    subgroup: td.parentElement.dataset.subgroup, metric: td.dataset.metric, mean: td.dataset.mean })));
  const nsg = Object.keys(sg).length;
  const srows = new Set(cells.map((c) => c.subgroup)).size;
  check(srows === nsg, `report.html: one subgroup row per subgroup of subgroups.csv (${srows} of ${nsg})`);
  const same = cells.filter((c) => (c.mean === "" ? null : Number(c.mean)) === sg[c.subgroup][c.metric]).length;
  check(cells.length > 0 && same === cells.length, `report.html: every subgroup cell equals subgroups.csv's mean exactly (${same}/${cells.length})`);
  /* The subgroups in the dashboard's words, headings and levels in its order, in the table
   * and on the chart's axis (the page made its own: "deprivation quintile 1 (most
   * deprived)" for the terminal's "most deprived fifth", no headings). */
  if (cfg.report_dashboard) {
    const dash = fs.readFileSync(cfg.report_dashboard, "utf8").split("\n");
    const from = dash.findIndex((l) => l.startsWith("SUBGROUPS:"));
    const want = [];
    for (const l of dash.slice(from + 1)) {
      const m = /^( {2}| {4})(\S.*?)(?: {2,}\S.*)?$/.exec(l);
      if (!m || /^points of recovery/.test(m[2])) break;
      want.push((m[1].length === 2 ? "heading: " : "") + m[2]);
    }
    const table = await p.page.$$eval("#subgroups tbody tr", (trs) => trs.filter((tr) => tr.dataset.subgroup !== "all")
      .map((tr) => (tr.classList.contains("group") ? "heading: " : "") + tr.cells[0].textContent.trim()));
    check(from >= 0 && want.length > 20 && table.join("|") === want.join("|"),
      `report.html: the subgroups table names them as the dashboard does, under its headings (${want.length} lines; ` +
      `first difference: ${table.find((t, i) => t !== want[i]) || "none"} for ${want.find((t, i) => t !== table[i]) || "none"})`);
    const ticks = await p.page.$$eval("#subgroups", (t) => [...t[0].closest("section").querySelectorAll('figure svg g[aria-label="y-axis tick label"] text')].map((x) => x.textContent));
    const plain = want.map((w) => w.replace(/^heading: /, ""));
    check(ticks.length === plain.length && plain.every((w) => ticks.includes(w)),
      `report.html: the subgroups chart's axis has the dashboard's ${plain.length} headings and labels (${ticks.length} ticks; missing: ${plain.find((w) => !ticks.includes(w)) || "none"})`);
  }
  if (cfg.shots) await p.page.screenshot({ path: cfg.shots + "/report.png", fullPage: true, clip: { x: 0, y: 0, width: 1150, height: 1450 } });
  if (cfg.federation) await oneService(p);
  if (cfg.report_one) await severalReplications(p);
  await finishPage(p);
}

/* A headline figure some replications lack: its tile says [k of n], as the dashboard
 * does; a tile every replication has says nothing more. */
async function reportFew(browser, dir) {
  const p = await open(browser, fileUrl(dir + "/report.html"), "report.html (figures in some replications)");
  const d = await p.page.evaluate(() => window.stepsim.data);
  const tiles = await p.page.$$eval(".tile", (ts) => ts.map((t) => ({ name: t.dataset.metric, v: t.querySelector(".v").textContent })));
  let few = 0, bad = [];
  for (const t of tiles) {
    const m = d.metrics.find((x) => x.name === t.name);
    const partial = m.n > 0 && m.n < d.replications;
    few += partial;
    if (partial !== t.v.includes(`[${m.n} of ${d.replications}]`) || (!partial && / of /.test(t.v))) bad.push(`${t.name}: ${t.v}`);
  }
  check(few > 0 && bad.length === 0, `report.html: the ${few} of ${tiles.length} tiles some replications lack say [k of n], the others nothing${bad.length ? " (not: " + bad.join(" | ") + ")" : ""}`);
  await funnelShares(p, dir);
  await finishPage(p);
}

/* The funnel's and the exits' percentages are flow.csv's share_of_referrals averaged over
 * replications, as the dashboard and summary.csv give them (finished_course_share). They
 * were the mean count over the mean referrals, which differs where replications' sizes
 * differ: 34.0% beside the table's 33.9% (baseline, -r 4, 52 weeks); far more on a small
 * service. */
async function funnelShares(p, dir) {
  const flow = csvQuoted(dir + "/flow.csv");
  const mean = (kind, name) => { const v = flow.filter((r) => r.kind === kind && r.name === name).map((r) => Number(r.share_of_referrals)); return v.reduce((a, b) => a + b, 0) / v.length; };
  const textsOf = (caption) => p.page.$$eval("figure", (fs, c) => { const f = fs.find((x) => (x.querySelector("figcaption") || {}).textContent?.startsWith(c));
    return f ? [...f.querySelectorAll("svg text")].map((t) => t.textContent).filter((t) => /%/.test(t)) : []; }, caption);
  const stages = ["opted_in", "assessed", "entered_treatment", "finished_course", "recovered_reported"];
  const funnel = (await textsOf("A funnel")).map((t) => /\(([\d.]+)%\)/.exec(t)).filter(Boolean).map((m) => Number(m[1]));
  const bad = [];
  stages.forEach((st, i) => { const want = (100 * mean("stage", st)).toFixed(1); if (funnel[i + 1] === undefined || funnel[i + 1].toFixed(1) !== want) bad.push(`${st} ${funnel[i + 1]}% for ${want}%`); });
  const d = await p.page.evaluate(() => window.stepsim.data);
  const exits = (await textsOf("Each exit")).map((t) => Number(t.replace("%", "")));
  /* The bars in the dashboard's order: each group's exits together, the groups in turn. */
  const GROUPS = ["dropped_before_assessment", "signposted", "dropped_after_assessment", "dropped_in_treatment", "discharged", "still_in_system", "discharged_from_waiting_list"];
  const ordered = d.exits.map((x, i) => [x, i]).sort((a, b) => GROUPS.indexOf(a[0].group) - GROUPS.indexOf(b[0].group) || a[1] - b[1]).map((a) => a[0]);
  const labels = await p.page.$$eval("figure", (fs) => { const f = fs.find((x) => (x.querySelector("figcaption") || {}).textContent?.startsWith("Each exit"));
    return f ? [...f.querySelectorAll("svg [aria-label='y-axis tick label'] text")].map((t) => t.textContent) : []; });
  check(labels.length === d.exits.length && ordered.every((x, i) => labels[i] === x.label),
    `${p.name}: the exits listed group by group, as the dashboard lists them (${labels.slice(0, 4).join(", ")}, ...)`);
  ordered.forEach((x, i) => { const want = (100 * mean("exit", x.name)).toFixed(1); if (exits[i] === undefined || exits[i].toFixed(1) !== want) bad.push(`${x.name} ${exits[i]}% for ${want}%`); });
  check(funnel.length === 6 && exits.length === d.exits.length && bad.length === 0,
    `${p.name}: the funnel's and the exits' percentages are flow.csv's shares averaged over replications${bad.length ? " (not: " + bad.slice(0, 3).join(" | ") + ")" : ""}`);
  /* Its counts as the dashboard prints them (C's %.0f: a half to the even neighbour); a
   * mean of four replications' counts ends in .5 often (Math.round read 11,205 where the
   * terminal read 11,204). */
  const meanCount = (name) => { const v = flow.filter((r) => r.kind === "stage" && r.name === name).map((r) => Number(r.count)); return v.reduce((a, b) => a + b, 0) / v.length; };
  const even = (x) => { const f = Math.floor(x), r = x - f; return r > 0.5 || (r === 0.5 && f % 2 !== 0) ? f + 1 : f; };
  const counts = (await textsOf("A funnel")).map((t) => /^([\d,]+) \(/.exec(t)).filter(Boolean).map((m) => Number(m[1].replace(/,/g, "")));
  const names = ["referred"].concat(stages), cbad = [];
  let halves = 0;
  names.forEach((st, i) => { const m = meanCount(st); halves += m % 1 === 0.5; if (counts[i] !== even(m)) cbad.push(`${st} ${counts[i]} for ${even(m)} (mean ${m})`); });
  check(counts.length === 6 && cbad.length === 0,
    `${p.name}: the funnel's counts are flow.csv's means rounded as the dashboard rounds them (${halves} of 6 end in a half)${cbad.length ? " (not: " + cbad.join(" | ") + ")" : ""}`);
}

/* A difference some replications lack (no step-up in a short window): its forest dot is
 * hollow, its tip says over how many pairs, and the table's cell says [k of n]. */
async function compareFew(browser, dir) {
  const p = await open(browser, fileUrl(dir + "/compare.html"), "compare.html (a difference over some pairs)");
  const d = await p.page.evaluate(() => window.stepsim.data);
  const m = d.scenarios[1].metrics.find((x) => x.name === "step_up_wait_days_mean");
  /* The one forest metric this run has over some pairs (measured: no other is). */
  check(m.diff_n > 0 && m.diff_n < d.replications, `compare.html: the step-up wait's difference is over ${m.diff_n} of ${d.replications} pairs`);
  const hollow = p.page.locator("figure svg circle").filter({ has: p.page.locator("xpath=self::*[contains(@fill, 'white') or ancestor::*[@fill='white']]") });
  const nh = await hollow.count(), nd = await p.page.locator("figure svg circle").count();
  let tip = "";
  if (nh === 1) {
    await hollow.first().hover();
    tip = (await p.page.locator('g[aria-label="tip"]').allTextContents()).join(" ");
  }
  const want = `(over the ${m.diff_n} of ${d.replications} replications with both)`;
  const squeeze = (t) => t.replace(/[\s\u200b]+/g, ""); /* the tip wraps its lines */
  check(nh === 1 && squeeze(tip).includes(squeeze(want)),
    `compare.html: the one difference over some pairs has a hollow dot (${nh} of ${nd}), its tip saying over how many (${tip})`);
  const cell = await p.page.textContent(`tr[data-metric="step_up_wait_days_mean"] td[data-scenario="${d.scenarios[1].name}"]`);
  check(cell.includes(`[${m.n} of ${d.replications}]`), `compare.html: the table's step-up wait says [${m.n} of ${d.replications}] (${cell.trim()})`);
  await finishPage(p);
}

async function compare(browser, dir, scenarios) {
  const p = await open(browser, fileUrl(dir + "/compare.html"), "compare.html");
  const forest = await p.page.locator("figure svg").count();
  check(forest >= 6, `compare.html: forest plots and list charts drawn (${forest})`);
  let bad = 0, n = 0;
  for (const s of scenarios) {
    const summary = readJson(`${dir}/${s}/summary.json`);
    const cells = await p.page.$$eval(`td[data-scenario="${s}"]`, (tds) => tds.map((td) => ({ name: td.parentElement.dataset.metric, mean: td.dataset.mean })));
    for (const c of cells) {
      n++;
      const want = summary.metrics[c.name].mean;
      if (!((want === null && c.mean === "") || Number(c.mean) === want)) bad++;
    }
  }
  check(n > 0 && bad === 0, `compare.html: every scenario's metric equals its summary.json (${n - bad}/${n})`);
  /* Staff over time: each scenario's bands are its own timeseries.csv's medians; a chart
   * of staff in post for each role, of trainees for the role some scenario trains for. */
  {
    const d = await p.page.evaluate(() => window.stepsim.data);
    let ns = 0, off = 0;
    for (const s of d.scenarios) {
      const r = mediansOff(s.series, /^(staff_in_post|vacancies|in_training):/, timeseriesByWeek(`${dir}/${s.name}`));
      ns += r.n;
      off += r.off;
    }
    check(ns > 0 && off === 0, `compare.html: each scenario's staff, vacancies and trainees are its timeseries.csv's medians (${off} of ${ns} role-weeks differ)`);
    const drawn = await p.page.$$eval('[data-chart^="cmp-staff-"], [data-chart^="cmp-trainees-"]', (cs) => cs.map((c) => c.dataset.chart));
    check(["cmp-staff-pwp", "cmp-staff-hit", "cmp-trainees-hit"].every((id) => drawn.includes(id)) && !drawn.includes("cmp-trainees-pwp"),
      `compare.html: staff in post by role, and trainees for hit alone, drawn (${drawn.join(", ")})`);
  }
  /* Every metric's cells read alike: the value on a line, its difference and interval on
   * one of their own beneath, unbroken. The cell once broke before the difference in some
   * rows and not in others, as the column's width fell. */
  const layout = (page) => page.$$eval("#metrics td[data-scenario]", (tds) => {
    let n = 0;
    const bad = [];
    for (const td of tds) {
      const diff = [...td.querySelectorAll(".diff")].find((e) => e.textContent.trim().startsWith("("));
      if (!diff) continue;
      n++;
      const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      const first = walk.nextNode(), r = document.createRange();
      r.selectNodeContents(first);
      const v = [...r.getClientRects()], dr = [...diff.getClientRects()];
      if (v.length !== 1 || dr.length !== 1 || dr[0].top < v[0].bottom - 1)
        bad.push(`${td.parentElement.dataset.metric}/${td.dataset.scenario}: '${td.textContent}'`);
    }
    return { n, bad };
  });
  for (const w of [1150, 760]) {
    const q = w === 1150 ? p : await open(browser, fileUrl(dir + "/compare.html"), `compare.html at ${w} px`, w);
    const lay = await layout(q.page);
    check(lay.n > 0 && lay.bad.length === 0, `compare.html at ${w} px: each of the ${lay.n} differences in the metric table on a line of its own beneath its value, unbroken` + (lay.bad.length ? ` (not ${lay.bad.length}: ${lay.bad.slice(0, 2).join(" | ")})` : ""));
    if (q !== p) await finishPage(q);
  }
  const cmp = readJson(dir + "/compare.json");
  const diffs = await p.page.evaluate(() => window.stepsim.data.scenarios.slice(1).map((s) => [s.name, s.metrics.find((m) => m.name === "recovery_rate_true").diff]));
  check(diffs.every(([s, d]) => cmp.metrics.recovery_rate_true[s].diff === d), "compare.html: the paired differences equal compare.json's");
  if (cfg.shots) await p.page.screenshot({ path: cfg.shots + "/compare.png", fullPage: true, clip: { x: 0, y: 0, width: 1150, height: 1450 } });
  /* A phone: each forest fits the screen (nothing of it to scroll to), names its
   * metrics above their rows, where 330 px of names beside them had left the plot
   * off-screen, and every text of it lies inside it (a long name wraps), at 390 and
   * 320 px. */
  const forests = (page, names) => page.$$eval("section", (secs, names) => {
    const sec = secs.find((s) => s.querySelector("h2") && s.querySelector("h2").textContent === "Paired differences");
    return [...sec.querySelectorAll("figure > svg")].map((svg) => {
      const b = svg.getBoundingClientRect();
      const out = [...svg.querySelectorAll("text")].filter((t) => {
        const r = t.getBoundingClientRect();
        return r.width > 0 && (r.left < b.left - 0.5 || r.right > b.right + 0.5);
      }).map((t) => t.textContent);
      return { right: b.right, out, names: [...svg.querySelectorAll(`g[aria-label="${names}"] text`)].map((t) => {
        const lines = [...t.querySelectorAll("tspan")].map((l) => l.textContent); /* a wrapped name */
        return lines.length ? lines.join(" ") : t.textContent;
      }) };
    });
  }, names);
  const wide = await forests(p.page, "fy-axis tick label");
  const phones = [];
  for (const w of [390, 320]) {
    const q = await open(browser, fileUrl(dir + "/compare.html"), `compare.html at ${w} px`, w);
    const narrow = await forests(q.page, "text");
    check(wide.length > 0 && narrow.length === wide.length && narrow.every((f, i) => f.right <= w && f.out.length === 0 && f.names.join("|") === wide[i].names.join("|")),
      `compare.html at ${w} px: its ${narrow.length} forest plots within the screen (rightmost edge ${Math.max(...narrow.map((f) => f.right))} px), every text inside its plot${narrow.some((f) => f.out.length) ? " (not: " + narrow.flatMap((f) => f.out).slice(0, 3).join(" | ") + ")" : ""}, each naming the metrics the wide page names`);
    if (cfg.shots && w === 390) await q.page.screenshot({ path: cfg.shots + "/compare_phone.png", fullPage: true, clip: { x: 0, y: 0, width: 390, height: 1450 } });
    phones.push(q);
  }
  await finishPage(p);
  for (const q of phones) await finishPage(q);
}

// timeseries.csv's rows by week (the scenario's name may be quoted, with commas).
function timeseriesByWeek(dir) {
  const [head, ...lines] = fs.readFileSync(dir + "/timeseries.csv", "utf8").trim().split("\n");
  const cols = head.split(",");
  const byWeek = [];
  for (const line of lines) {
    const f = line.replace(/^"(?:[^"]|"")*"/, "x").split(",");
    const row = Object.fromEntries(cols.map((c, i) => [c, f[i]]));
    (byWeek[+row.week] = byWeek[+row.week] || []).push(row);
  }
  return byWeek;
}
// Of a page's weekly bands whose keys match re ("what:role"), the weeks whose median is
// not the median over replications of timeseries.csv's what_role that week, and all.
function mediansOff(S, re, byWeek) {
  const median = (xs) => { const v = xs.slice().sort((a, b) => a - b), n = v.length;
    return n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2; };
  let n = 0, off = 0;
  for (const k of Object.keys(S).filter((k) => re.test(k))) {
    const col = k.replace(":", "_");
    S[k].p50.forEach((v, w) => {
      n++;
      if (v !== median(byWeek[w].map((row) => +row[col]))) off++;
    });
  }
  return { n, off };
}

// A CSV's rows as objects (no quoted commas in these test files).
function csv(file) {
  const [head, ...lines] = fs.readFileSync(file, "utf8").trim().split("\n");
  const keys = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v])));
}

async function explorePages(browser) {
  let p = await open(browser, fileUrl(cfg.sweep + "/sweep.html"), "sweep.html");
  const sw = csv(cfg.sweep + "/sweep.csv");
  const cells = await p.page.$$eval("#points td[data-metric]", (tds) => tds.map((td) => ({ point: td.parentElement.firstChild.textContent, metric: td.dataset.metric, mean: td.dataset.mean })));
  const ok = cells.filter((c) => { const r = sw.find((x) => x.point === c.point && x.metric === c.metric); return r && Number(r.mean) === Number(c.mean); });
  check(cells.length > 0 && ok.length === cells.length, `sweep.html: every point's mean equals sweep.csv (${ok.length}/${cells.length})`);
  check((await p.page.locator("figure svg").count()) >= 1, "sweep.html: response curves drawn");
  /* A whole-number key (a headcount) ticks at whole numbers: the axis once read 9.0, 9.5,
   * 10.0 between 9 and 11 posts. */
  const swd = await p.page.evaluate(() => window.stepsim.data);
  const ticks = await p.page.$$eval('.chart g[aria-label="x-axis tick label"] text', (ts) => ts.map((t) => t.textContent));
  check(swd.vars[0].integer === true && ticks.length > 0 && ticks.every((t) => /^\d[\d,]*$/.test(t)),
    `sweep.html: a whole-number key's axis ticks at whole numbers only (${[...new Set(ticks)].join(" ")})`);
  /* The legend names the second key, where it showed bare values ("5", "6"). */
  const swatches = await p.page.$$eval("figure [class$='-swatch']", (ss) => ss.map((x) => x.textContent.trim()));
  const zs = [...new Set(swd.points.map((x) => x.values[1]))];
  const drawnBands = await p.page.locator('.chart g[aria-label="area"] path').count();
  check(drawnBands > 0, `sweep.html: the CIs drawn as bands (${drawnBands})`);
  check(swatches.length > 0 && zs.every((z) => swatches.includes(`${swd.vars[1].key} = ${z}`)),
    `sweep.html: the legend names the key beside each value (${[...new Set(swatches)].join(", ")})`);
  await finishPage(p);

  /* Without --metrics, two keys: 12 columns, wider than the page's column at 1150 px. The
   * table once ran past it and the whole page scrolled sideways (1261 px wide). */
  if (cfg.sweep_wide) {
    p = await open(browser, fileUrl(cfg.sweep_wide + "/sweep.html"), "sweep.html (every headline metric)");
    const box = await p.page.$eval("#points", (t) => [t.offsetWidth, t.parentElement.clientWidth, getComputedStyle(t.parentElement).overflowX]);
    check(box[0] > box[1] && box[2] === "auto", `sweep.html (every headline metric): the points table (${box[0]} px) scrolls in its own box (${box[1]} px)`);
    /* One replication: no interval, so no band, and the y axis fits the values; the band
     * once ran from 0 to 0 and held every axis down to 0 (91% to 92% drawn on 0 to 100). */
    const bands = await p.page.locator('.chart g[aria-label="area"] path').count();
    const low = await p.page.$$eval('.chart[data-metric="within_6_weeks_reported"] g[aria-label="y-axis tick label"] text', (ts) => Math.min(...ts.map((t) => Number(t.textContent.replace(/,/g, "")))));
    check(bands === 0 && isFinite(low) && low > 50, `sweep.html of one replication: no band drawn (${bands}), the reported six-week share's axis from ${low}, near its values`);
    await finishPage(p);
  }

  /* A first key of words (false, true): a dot a point in every chart, the values along
   * the axis in the order given; the charts were once empty (no value was a number). */
  if (cfg.sweep_words) {
    p = await open(browser, fileUrl(cfg.sweep_words + "/sweep.html"), "sweep.html (a key of words)");
    const wd = await p.page.evaluate(() => window.stepsim.data);
    const perChart = await p.page.$$eval(".chart", (cs) => cs.map((c) => [c.querySelectorAll('g[aria-label="dot"] circle').length,
      [...c.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent).join(" ")]));
    check(perChart.length === wd.metrics.length && perChart.every(([n, t]) => n === wd.points.length && t === "false true"),
      `sweep.html (a key of words): every chart draws its ${wd.points.length} points along false, true (${perChart.map(([n, t]) => `${n} dots on '${t}'`).join("; ")})`);
    await finishPage(p);
  }

  if (cfg.sweep_words2) {
    p = await open(browser, fileUrl(cfg.sweep_words2 + "/sweep.html"), "sweep.html (a second key of words)");
    const legend = await p.page.$$eval("figure", (fs) => fs.map((f) => [...f.querySelectorAll('[class$="-swatch"]')].map((s) => s.textContent.trim())).filter((l) => l.length));
    const want = "reporting.end_of_session_questionnaire = true | reporting.end_of_session_questionnaire = false";
    check(legend.length > 0 && legend.every((l) => l.join(" | ") === want),
      `sweep.html (a second key of words): the legend in the order given (${legend.map((l) => l.join(" | ")).join("; ")})`);
    await finishPage(p);
  }

  if (cfg.sweep_warn) {
    p = await open(browser, fileUrl(cfg.sweep_warn + "/sweep.html"), "sweep.html (points that warn)");
    const want = fs.readFileSync(cfg.sweep_warn_text, "utf8").trim().split("\n").map((l) => l.trim());
    const box = (await p.page.locator("#checks pre").count()) ? (await p.page.textContent("#checks pre")) : "";
    const got = box.split("\n").filter((l) => !/^point \d+:/.test(l)).map((l) => l.trim());
    const marked = await p.page.$$eval("#points td.warned", (tds) => tds.length);
    /* Point 0's true six-week share is 6.8% with a t interval reaching -13%: the band is
     * cut at 0, as the dashboard cuts it, and the axis shows no negative share. */
    const ticks = await p.page.$$eval("svg[data-metric='within_6_weeks_true'] [aria-label='y-axis tick label'] text", (ts) => ts.map((t) => Number(t.textContent.replace("\u2212", "-"))));
    const sd = await p.page.evaluate(() => window.stepsim.data);
    check(sd.points[0].metrics.within_6_weeks_true.ci_low < 0 && ticks.length > 0 && Math.min(...ticks) >= 0,
      `sweep.html: a share's band cut at 0 (its interval from ${(100 * sd.points[0].metrics.within_6_weeks_true.ci_low).toFixed(1)}%; axis ticks ${ticks.join(", ")})`);
    check(want.length > 0 && got.join("\n") === want.join("\n") && marked > 0,
      `sweep.html (-q): each point's warnings as the terminal prints them, the points marked (${want.length} lines, ${marked} points): ${got[0] || "none"}`);
    await finishPage(p);
  }

  p = await open(browser, fileUrl(cfg.solve + "/solve.html"), "solve.html");
  const so = csv(cfg.solve + "/solve.csv");
  const points = new Set(so.map((r) => r.point)).size;
  check((await p.page.locator("#points tbody tr").count()) === points, `solve.html: every point evaluated is listed (${points})`);
  const ans = await p.page.textContent("#answer");
  check(/Answer: |No point/.test(ans), "solve.html: states the answer: " + ans.split("Targets")[0].trim());
  check((await p.page.locator("figure svg").count()) >= 1, "solve.html: the grid is drawn");
  check((await p.page.locator("#assumption").count()) === 0, "solve.html: no warning where the assumption holds");
  /* An answer at the edge of a key's range (8 of 8:11) may lie beyond it: the terminal's
   * note, on the page too (it was on the terminal only). */
  const sdEdge = await p.page.evaluate(() => window.stepsim.data);
  const edgeKeys = sdEdge.answer === null ? [] : sdEdge.vars.filter((v, i) => sdEdge.spots[sdEdge.answer].at[i] === v.lo || sdEdge.spots[sdEdge.answer].at[i] === v.hi).map((v) => v.key);
  const edgeNote = (await p.page.locator("#edge").count()) ? await p.page.textContent("#edge") : "";
  check(edgeKeys.length > 0 && edgeKeys.every((k) => edgeNote.includes(k + " is at the edge of its range")) && /widen --vary/.test(edgeNote),
    `solve.html: the answer at the edge of its range (${edgeKeys.join(", ") || "none"}) says so: ${edgeNote.slice(0, 70)}`);
  /* The answer run again with run's checks, shown as the terminal prints them (the page
   * once had none: the checks ran only without -q, which this run has). */
  const sd = await p.page.evaluate(() => window.stepsim.data);
  const box = (await p.page.locator("#checks pre").count()) ? (await p.page.textContent("#checks pre")) : null;
  check(sd.answer !== null && typeof sd.answer_checks === "string" && box !== null && box.trim() === sd.answer_checks.trim(),
    `solve.html: the answer's checks shown, as its data holds them (${box === null ? "none" : box.trim().split("\n")[0]})`);
  await finishPage(p);

  p = await open(browser, fileUrl(cfg.solve_reversed + "/solve.html"), "solve.html (reversed key)");
  const warn = (await p.page.locator("#assumption").count()) ? await p.page.textContent("#assumption") : "";
  check(/assumes that raising a varied key never worsens a target/.test(warn) && /--exhaustive/.test(warn),
    "solve.html (reversed key): the assumption's warning is shown: " + warn.slice(0, 60));
  const ansr = await p.page.textContent("#answer");
  check(!/No point of the grid meets/.test(ansr), "solve.html (reversed key): no claim that no point meets");
  await finishPage(p);

  if (cfg.solve_undefined) {
    p = await open(browser, fileUrl(cfg.solve_undefined + "/solve.html"), "solve.html (cost undefined)");
    const ansu = await p.page.textContent("#answer");
    const meet = (await p.page.evaluate(() => window.stepsim.data.spots)).filter((x) => x.meets).length;
    check(meet > 0 && /Points meet every target, but the cost step_up_wait_days_mean is undefined/.test(ansu) && !/No point of the grid/.test(ansu),
      `solve.html (cost undefined where ${meet} points meet): says so, as the terminal does: ${ansu.split("Targets")[0].slice(0, 70)}`);
    await finishPage(p);
  }

  p = await open(browser, fileUrl(cfg.sensitivity + "/sensitivity.html"), "sensitivity.html");
  const se = csv(cfg.sensitivity + "/sensitivity.csv");
  const metrics = new Set(se.map((r) => r.metric)).size;
  const drawn = await p.page.locator("figure svg").count();
  check(drawn === metrics, `sensitivity.html: one tornado per metric (${drawn} of ${metrics})`);
  await finishPage(p);
}

/* Every note `stepsim sensitivity` prints on the terminal is on its page, in its words: few
 * Sobol base rows and a metric left out (undefined at some points) above the tornadoes, a
 * mu* past what its metric moved under that metric's tornado (the page once had none).
 * cfg.sensitivity_notes: [[DIR, the terminal's output], ...]. */
async function sensitivityNotes(browser) {
  const flat = (t) => t.trim().replace(/\s*\n\s*/g, " ");
  for (const [dir, text] of cfg.sensitivity_notes) {
    const lines = fs.readFileSync(text, "utf8").split("\n");
    const top = [], under = [];
    let metric = null;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      const head = /^.*\(([a-z0-9_]+)\), (?:mu\*|ST)/.exec(l);
      if (head) metric = head[1];
      if (/^Note: /.test(l)) {
        let t = l;
        while (lines[i + 1]) t += "\n" + lines[++i];
        top.push(flat(t));
      } else if (/: undefined at \d+ of \d+ points; left out$/.test(l)) top.push(flat(l));
      else if (/^    \(mu\* above the /.test(l)) {
        let t = l;
        while (!/\)$/.test(lines[i])) t += "\n" + lines[++i];
        under.push(metric + ": " + flat(t));
      }
    }
    const p = await open(browser, fileUrl(dir + "/sensitivity.html"), "sensitivity.html (" + path.basename(dir) + ")");
    const shownTop = await p.page.$$eval("#notes p", (ps) => ps.map((x) => x.textContent));
    const shownUnder = await p.page.$$eval("figure p[data-note]", (ps) => ps.map((x) => x.dataset.note + ": " + x.textContent));
    /* The header counts the trajectories or base rows as the terminal's first line does. */
    const count = /\((?:Morris|Sobol), (\d+ (?:trajectories|base rows)),/.exec(lines[0]);
    const meta = await p.page.$eval("p.meta", (x) => x.textContent);
    check(count && meta.includes(count[1]),
      `sensitivity.html (${path.basename(dir)}): its header counts ${count ? count[1] : "(no count on the terminal)"} as the terminal does (${meta})`);
    const miss = [...top.filter((t) => !shownTop.includes(t)), ...under.filter((t) => !shownUnder.includes(t))];
    check(top.length + under.length > 0 && miss.length === 0 && shownTop.length === top.length && shownUnder.length === under.length,
      `sensitivity.html (${path.basename(dir)}): the terminal's ${top.length + under.length} note(s) shown, in its words (${shownTop.length} above the tornadoes, ${shownUnder.length} under one; missing: ${miss[0] || "none"})`);
    await finishPage(p);
  }
}

/* A federation's figures are national, pooled over its services: its page says so in its
 * header, as the dashboard does ("a federation of 3 services"); the page once showed only
 * the base's name. A plain run's header says nothing of services. */
/* A CSV's rows as objects, quoted fields read ("a, b" and "" inside). */
function csvQuoted(file) {
  const split = (line) => {
    const out = [];
    let cur = "", q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) { if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c; }
      else if (c === '"') q = true; else if (c === ",") { out.push(cur); cur = ""; } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const [head, ...lines] = fs.readFileSync(file, "utf8").trim().split("\n");
  const keys = split(head);
  return lines.map((l) => Object.fromEntries(split(l).map((v, i) => [keys[i], v])));
}

/* A federation's report shows its services side by side, services.csv's figures: a row
 * each, every value the file's exactly (the page once had no view of the spread between
 * services at all, only the national pool), shown rounded to its unit, with its 95% CI;
 * and a dot-and-interval chart of a headline figure with a dot a service. */
async function servicesSection(p, dir) {
  const rows = csvQuoted(dir + "/services.csv");
  const shownRows = await p.page.$$eval("#services tr[data-service]", (trs) => trs.map((tr) => ({
    name: tr.dataset.service,
    keys: [...tr.querySelectorAll("td[data-key]")].map((td) => [td.dataset.key, td.dataset.value]),
    cells: [...tr.querySelectorAll("td[data-metric]")].map((td) => ({ metric: td.dataset.metric, mean: td.dataset.mean,
      text: td.querySelector(".v").textContent, ci: (td.querySelector(".ci") || {}).textContent || "" })) })));
  check(rows.length > 0 && shownRows.map((r) => r.name).join("|") === rows.map((r) => r.service).join("|"),
    `report.html of a federation: one Services row per row of services.csv, in its order (${shownRows.length} of ${rows.length})`);
  const units = await p.page.evaluate(() => Object.fromEntries(Object.keys(((window.stepsim.data.service_figures || [])[0] || { metrics: {} }).metrics).map((n) => [n, window.stepsim.label(n)[1]])));
  let exact = 0, rounded = 0, cis = 0, n = 0, nc = 0;
  const bad = [];
  for (const r of shownRows) {
    const want = rows.find((x) => x.service === r.name) || {};
    for (const [k, v] of r.keys) { n++; if (Number(v) === Number(want[k])) exact++; else bad.push(`${r.name} ${k}: ${v} (csv ${want[k]})`); }
    for (const c of r.cells) {
      n++;
      nc++;
      const w = want[c.metric] === "" ? null : Number(want[c.metric]);
      if ((w === null && c.mean === "") || Number(c.mean) === w) exact++; else bad.push(`${r.name} ${c.metric}: ${c.mean} (csv ${w})`);
      if (showsValue(c.text, w, units[c.metric])) rounded++; else bad.push(`${r.name} ${c.metric}: shows ${c.text} (csv ${w})`);
      if (/ to /.test(c.ci)) cis++;
    }
  }
  check(nc >= 12 && exact === n && rounded === nc, `report.html of a federation: every Services value equals services.csv's, shown rounded to its unit (${exact}/${n} exact, ${rounded}/${nc} shown)` + (bad.length ? ": " + bad.slice(0, 3).join(" | ") : ""));
  check(cis === nc, `report.html of a federation: each service's figure with its 95% CI (${cis}/${nc})`);
  /* The page's intervals are services.csv's <metric>_ci_low and _ci_high, exactly (the file
   * had means alone until 2026-12). */
  const figs = await p.page.evaluate(() => window.stepsim.data.service_figures);
  let ciExact = 0, ciN = 0;
  for (const s of figs) {
    const want = rows.find((x) => x.service === s.name) || {};
    for (const [m, v] of Object.entries(s.metrics))
      for (const b of ["ci_low", "ci_high"]) {
        ciN++;
        const w = want[`${m}_${b}`];
        if (w !== undefined && ((w === "" && v[b] === null) || Number(w) === v[b])) ciExact++;
      }
  }
  check(ciN >= 24 && ciExact === ciN, `report.html of a federation: every service's CI equals services.csv's <metric>_ci_low and _ci_high (${ciExact}/${ciN})`);
  const dots = await p.page.$$eval('svg[data-services="within_6_weeks_true"] circle', (cs) => cs.length);
  check(dots === rows.length, `report.html of a federation: the six-week share drawn service by service (${dots} dots of ${rows.length})`);
}

/* Two federations with the same services: compare.html draws each service's paired
 * difference in the true six-week share and true recovery, sorted, beside the national
 * one, every dot compare_services.csv's diff_mean (the page had only "a federation of N
 * services" in its header). */
async function pairedServices(browser, dir) {
  const p = await open(browser, fileUrl(dir + "/compare.html"), "compare.html (federations with the same services)");
  const rows = csvQuoted(dir + "/compare_services.csv");
  const cmp = readJson(dir + "/compare.json");
  const other = cmp.scenarios[1];
  for (const n of ["within_6_weeks_true", "recovery_rate_true"]) {
    const want = rows.filter((r) => r.scenario === other && r.metric === n && r.diff_mean !== "");
    const sel = `svg[data-service-diffs="${other}:${n}"]`;
    const drawn = await p.page.$$eval(sel, (svgs) => svgs.map((svg) => ({
      names: [...svg.querySelectorAll("[aria-label='y-axis tick label'] text")].map((t) => t.textContent),
      dots: [...svg.querySelectorAll("circle")].length })));
    const d = drawn[0] || { names: [], dots: 0 };
    /* Each dot's tip, as a reader hovering it reads it (wrapped lines joined). */
    const squeeze = (t) => t.replace(/[\s\u200b]+/g, "");
    d.dots = [];
    const circles = p.page.locator(`${sel} circle`);
    for (let i = 0; i < await circles.count(); i++) {
      await circles.nth(i).hover();
      d.dots.push(squeeze((await p.page.locator(`${sel} g[aria-label="tip"]`).allTextContents()).join(" ")));
    }
    const sorted = want.slice().sort((a, b) => Number(b.diff_mean) - Number(a.diff_mean)).map((r) => r.service);
    check(drawn.length === 1 && d.dots.length === want.length && want.length === 3 && d.names.join("|") === sorted.join("|"),
      `compare.html of paired federations: ${n}, one dot a service (${d.dots.length} of ${want.length}), highest difference first (${d.names.join(", ")})`);
    let same = 0;
    for (const r of want) {
      const t = d.dots.find((x) => x.startsWith(squeeze(r.service) + ":")) || "";
      const m = /:([+-][0-9.]+)pp\[([+-][0-9.]+),([+-][0-9.]+)\]/.exec(t);
      const near = (a, b) => Math.abs(Number(a) - 100 * Number(b)) <= 0.05 + 1e-9;
      if (m && near(m[1], r.diff_mean) && near(m[2], r.diff_ci_low) && near(m[3], r.diff_ci_high)) same++;
    }
    check(same === want.length, `compare.html of paired federations: ${n}: each service's difference and CI, as its tip gives them, are compare_services.csv's (${same}/${want.length}; ${d.dots[0] || "no tip"})`);
    const nat = cmp.metrics[n][other].diff;
    const dashed = await p.page.$$eval(`svg[data-service-diffs="${other}:${n}"] line[stroke-dasharray], svg[data-service-diffs="${other}:${n}"] [stroke-dasharray] line`, (ls) => ls.length);
    check(typeof nat === "number" && dashed >= 1, `compare.html of paired federations: ${n}: the national difference dashed beside them (${(100 * nat).toFixed(1)} pp)`);
  }
  if (cfg.shots) await p.page.screenshot({ path: cfg.shots + "/compare_services.png", fullPage: true });
  await finishPage(p);
}

async function federationPages(browser) {
  let p = await open(browser, fileUrl(cfg.federation + "/report.html"), "report.html (a federation)");
  let meta = await p.page.textContent(".meta");
  check(/· a federation of 3 services ·/.test(meta), `report.html of a federation: its header says so (${meta})`);
  await servicesSection(p, cfg.federation);
  await finishPage(p);
  p = await open(browser, fileUrl(cfg.federation_compare + "/compare.html"), "compare.html (federations)");
  meta = await p.page.textContent(".meta");
  check(/three: a federation of 3 services; one: a federation of 1 service$/.test(meta), `compare.html of federations: its header names them (${meta})`);
  /* Their services differ (3 against 1): the page says so, and draws no service's difference. */
  const why = (await p.page.locator("#services-unpaired").count()) ? await p.page.textContent("#services-unpaired") : "";
  check(/^Services not compared: one has 1 service where three has 3: .*No compare_services\.csv/.test(why) &&
        (await p.page.locator("svg[data-service-diffs]").count()) === 0 && !fs.existsSync(cfg.federation_compare + "/compare_services.csv"),
    `compare.html of federations with different services: says why, no services charts, no compare_services.csv (${why || "no note"})`);
  await finishPage(p);
  if (cfg.federation_paired) await pairedServices(browser, cfg.federation_paired);
  /* One service's page against these: report() checks it (oneService). */
  /* A sweep of a federation: its points' figures national, said in its header as the
   * terminal's first line says it (sweep, solve and sensitivity once refused a
   * federation); one service's sweep says nothing of services. */
  if (cfg.federation_sweep) {
    p = await open(browser, fileUrl(cfg.federation_sweep + "/sweep.html"), "sweep.html (a federation)");
    meta = await p.page.textContent(".meta");
    check(/^stepsim sweep · a federation of 3 services · 2 points ·/.test(meta), `sweep.html of a federation: its header says so (${meta})`);
    await finishPage(p);
    p = await open(browser, fileUrl(cfg.sweep + "/sweep.html"), "sweep.html");
    meta = await p.page.textContent(".meta");
    check(/^stepsim sweep · /.test(meta) && !/federation/.test(meta), `sweep.html of one service: no federation in its header (${meta})`);
    await finishPage(p);
  }
}

/* One replication: the header in the singular ("1 replication", once "1 replications"),
 * and the note the dashboard prints (no confidence intervals or bands), where the page
 * described means, CIs and bands over replications it did not have. */
async function oneReplication(browser) {
  let p = await open(browser, fileUrl(cfg.report_one + "/report.html"), "report.html (one replication)");
  let meta = await p.page.textContent(".meta");
  check(/· 1 replication ·/.test(meta), `report.html of one replication: in the singular (${meta})`);
  const note = (await p.page.locator("#one-replication").count()) ? await p.page.textContent("#one-replication") : "";
  check(/^One replication: its values, with no confidence intervals/.test(note), `report.html of one replication: says it has no intervals (${note || "no note"})`);
  const lines = await p.page.$$eval("figcaption", (fs) => fs.filter((f) => /median over replications/.test(f.textContent)).length);
  check(lines === 0, `report.html of one replication: no caption of medians and bands over replications (${lines})`);
  await finishPage(p);
  /* Three replications' page against it: report() checks it (severalReplications). */
}

/* The waits histogram draws as many weeks as hold 99% of each measure's waits (30 at
 * least) and says what it leaves out: its axis once stopped at 30 weeks whatever the
 * waits, leaving 40% of the true ones of a long-waiting service undrawn and unsaid. */
async function longWaits(browser) {
  const p = await open(browser, fileUrl(cfg.report_long + "/report.html"), "report.html (long waits)");
  const cap = await p.page.$$eval("figcaption", (fs) => (fs.find((f) => /^Histogram: /.test(f.textContent)) || {}).textContent || "");
  const m = /Not drawn, (\d+) weeks or longer: ([\d.]+)% of true waits, ([\d.]+)% of reported\./.exec(cap);
  const w = await p.page.evaluate(() => window.stepsim.data.waits);
  const share = (a, from) => a.slice(from).reduce((s, x) => s + x, 0) / a.reduce((s, x) => s + x, 0);
  const past30 = share(w.referral_to_treatment, 30);
  check(past30 > 0.1 && m && share(w.referral_to_treatment, +m[1]) <= 0.01 && share(w.referral_to_clock_stop, +m[1]) <= 0.01 &&
        Math.abs(+m[2] - 100 * share(w.referral_to_treatment, +m[1])) < 0.051,
        `report.html (long waits): the histogram draws 99% of the waits and says what it leaves out (${(100 * past30).toFixed(0)}% of true waits past 30 weeks; ${m ? m[0] : "caption: " + cap})`);
  await finishPage(p);
}

/* Names holding markup are shown as their text, and the page is drawn (the data's "<" once
 * let "<!--<script>" hide the element's end tag: nothing was drawn). */
async function markedNames(browser) {
  const p = await open(browser, fileUrl(cfg.report_marked + "/report.html"), "report.html (names with markup)");
  const got = await p.page.evaluate(() => ({
    h1: (document.querySelector("main h1") || {}).textContent || "",
    cells: [...document.querySelectorAll("main td")].map((t) => t.textContent),
    tags: document.querySelectorAll("main b, main i, main script").length,
  }));
  check(got.h1.startsWith('<b>Ward</b> & "5", <!--<script> é ['),
        `report.html (names with markup): the scenario's name shown as its text (${JSON.stringify(got.h1)})`);
  check(got.cells.includes("North <i>x</i>, <!--<script>") && got.cells.includes('Süd & "y"'),
        "report.html (names with markup): the services' names shown as their text in the table");
  check(got.tags === 0, `report.html (names with markup): no element made from a name (${got.tags})`);
  await finishPage(p);
}

/* Recovered as reported may pass finished a course when a reporting practice records
 * people who did not finish as finishers: the funnel's caption says so (it called every
 * stage a subset of the one above). */
async function gamedFunnel(browser) {
  const p = await open(browser, fileUrl(cfg.report_gamed + "/report.html"), "report.html (self-discharges completed)");
  const st = await p.page.evaluate(() => window.stepsim.data.stages);
  const cap = await p.page.$$eval("figcaption", (fs) => (fs.find((f) => /^A funnel/.test(f.textContent)) || {}).textContent || "");
  check(st.recovered_reported > st.finished_course && /here more than finished a course/.test(cap),
        `report.html (self-discharges completed): the funnel's caption says its last stage passes the one above (${st.recovered_reported} against ${st.finished_course}: ${cap.slice(0, 90)}...)`);
  await finishPage(p);
}

async function playground(browser) {
  const p = await open(browser, cfg.serve, "playground");
  await p.page.waitForSelector("#run");
  /* Before anything moves, every control holds the scenario's own value: a range input
   * snapping a value off its grid (0.49 on a grid of 0.05) would send it with the run. */
  const moved = await p.page.$$eval("input[data-key]", (is) => is.filter((i) =>
    (i.type === "checkbox" ? String(i.checked) : i.value) !== i.dataset.default).map((i) => `${i.dataset.key} ${i.dataset.default} -> ${i.value}`));
  check(moved.length === 0, `playground: every control starts at the scenario's value (${moved.join(", ") || "none moved"})`);
  for (const [key, value] of Object.entries(cfg.serve_sets)) {
    await p.page.$eval(`[data-key="${key}"]`, (i, v) => { i.value = String(v); i.dispatchEvent(new Event("input")); }, value);
  }
  const t0 = Date.now();
  await p.page.click("#run");
  await p.page.waitForSelector("#status[data-done]", { timeout: 120000 });
  const secs = (Date.now() - t0) / 1000;
  check(true, `playground: a run came back in ${secs.toFixed(1)} s`);
  /* While it runs the status counts the seconds; once done, the count stops and the
   * result's line stays (a tick left running would overwrite it within a second). */
  await p.page.waitForTimeout(1500);
  const after = await p.page.textContent("#status");
  check(/^Done: /.test(after), `playground: the status still says the run is done 1.5 s later (${after})`);
  const want = readJson(cfg.serve_expect + "/summary.json");
  for (const m of ["within_6_weeks_true", "within_6_weeks_reported", "recovery_rate_true", "recovery_rate_reported"]) {
    const text = await p.page.textContent(`#headline td[data-metric="${m}"]`);
    check(showsValue(text, want.metrics[m].mean, "pct"), `playground: ${m} shows ${text} = stepsim run with the same overrides`);
  }
  check((await p.page.locator("#results figure svg").count()) >= 5, "playground: waits, recovery and the lists are drawn");
  /* What the workforce sliders move: staff in post, vacancies and trainees, each band's
   * median week by week the median over replications of timeseries.csv's column in the
   * same run from the shell. */
  {
    const drawn = await p.page.$$eval('#results [data-chart^="pg-"]', (cs) => cs.map((c) => c.dataset.chart));
    check(["pg-staff", "pg-vacancies", "pg-trainees"].every((id) => drawn.includes(id)),
      `playground: staff in post, vacancies and trainees drawn (${drawn.filter((c) => /staff|vacanc|train/.test(c)).join(", ")})`);
    const S = await p.page.evaluate(() => window.stepsim.result.series);
    const { n, off } = mediansOff(S, /^(staff_in_post|vacancies|in_training):/, timeseriesByWeek(cfg.serve_expect));
    check(n > 0 && off === 0, `playground: its staff, vacancies and trainees are stepsim run's (${off} of ${n} role-weeks differ)`);
  }
  const cis = await p.page.$$eval("#headline td.ci", (tds) => tds.map((td) => td.textContent).filter((t) => / to /.test(t)));
  check(cis.length >= 8, `playground: the figures with their 95% CIs (${cis.length}, e.g. ${cis[0]})`);
  check((await p.page.locator("#results #checks pre").count()) === 1, "playground: run's checks shown with the results");
  const [dl] = await Promise.all([p.page.waitForEvent("download"), p.page.click("#download")]);
  await dl.saveAs(cfg.download);
  const text = fs.readFileSync(cfg.download, "utf8");
  check(/per_week = 300/.test(text) && /^policy = /m.test(text), "playground: the download is the scenario with the overrides, every key resolved");
  if (cfg.shots) await p.page.screenshot({ path: cfg.shots + "/playground.png", fullPage: true, clip: { x: 0, y: 0, width: 1150, height: 1450 } });
  // A value the scenario refuses (a slider's range widened by hand): the loader's message,
  // in the control's words rather than the command line's.
  await p.page.$eval('[data-key="referrals.per_week"]', (i) => { i.min = "-10"; i.value = "-5"; i.dispatchEvent(new Event("input")); });
  await p.page.click("#run");
  await p.page.waitForSelector("#status .error", { timeout: 60000 });
  const err = await p.page.textContent("#status .error");
  check(/^Referrals a week: must be a number in \(0, 100000\] \(got -5\)/.test(err),
        `playground: a refused value named by its control (${err})`);
  await finishPage(p);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: cfg.chromium || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  try {
    if (cfg.report) await report(browser, cfg.report);
    if (cfg.compare) await compare(browser, cfg.compare, cfg.compare_scenarios);
    if (cfg.compare_few) await compareFew(browser, cfg.compare_few);
    if (cfg.report_few) await reportFew(browser, cfg.report_few);
    if (cfg.sweep) await explorePages(browser);
    if (cfg.sensitivity_notes) await sensitivityNotes(browser);
    if (cfg.federation) await federationPages(browser);
    if (cfg.report_one) await oneReplication(browser);
    if (cfg.report_long) await longWaits(browser);
    if (cfg.report_marked) await markedNames(browser);
    if (cfg.report_gamed) await gamedFunnel(browser);
    if (cfg.serve) await playground(browser);
  } catch (e) {
    check(false, "the page test ran to its end: " + (e.stack || e));
  } finally {
    await browser.close();
  }
  console.log(`${pass} passed, ${fail} failed`);
  process.exit(fail ? 1 : 0);
})();
