/* Pages: report.html (run), compare.html, sweep.html, solve.html, sensitivity.html and the
 * playground of `stepsim serve`. Each is one self-contained HTML file: the data as JSON,
 * the chart library (d3 and Observable Plot, vendor/) and stepsim's page script
 * (web/pages.js) inlined, so a page works offline and can be mailed as it is.
 *
 * Design
 * - The writers here and in out_report.c / out_compare.c emit data, never drawing: the
 *   page script draws every chart and the tables from the JSON object in
 *   <script id="stepsim-data" type="application/json">, whose "page" member says which
 *   page it is. Metric values are written as summary.json writes them (out_json_num), so
 *   a page's numbers equal summary.json's.
 * - The library and the script are compiled into the binary (scripts/embed.sh, at build
 *   time): an installed stepsim needs no data files to write a page.
 * - "</" in the JSON is written "<\/" so no text can end the script element early.
 */
#ifndef OUT_HTML_H
#define OUT_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "models/pw_params.h"
#include "models/pw_results.h"
#include "scn_load.h"

/* A page being built: write JSON members (each starting with ",") to `data`. */
typedef struct out_page {
    FILE *data;   /* open_memstream over buf */
    char *buf;
    size_t len;
} out_page;

/* Start a page of kind `kind` ("report", "compare", ...) titled `title`: data then holds
 * `{"page": kind, "title": title`. Returns 0 or OUT_ENOMEM. */
__attribute__((warn_unused_result)) int out_page_begin(out_page *pg, const char *kind,
                                                       const char *title);
/* Finish the JSON and write the whole page to f (any stream). Returns 0 or OUT_ENOMEM /
 * OUT_EIO; pg is released either way. */
__attribute__((warn_unused_result)) int out_page_write(out_page *pg, FILE *f);
/* Finish and write the page atomically as outdir/name. Returns 0 or an OUT_ code with err
 * set; pg is released either way. */
__attribute__((warn_unused_result)) int out_page_save(out_page *pg, const char *outdir,
                                                      const char *name, char *err,
                                                      size_t errlen);
/* Release a page not written (safe on a zeroed or released one). */
void out_page_free(out_page *pg);

/* The report's data members for replications reps[0..n) of p (a run's results):
 * scenario, the checks (a federation's services' own with them; fed may be NULL),
 * summary metrics, weekly bands, waits, exits, funnel, recovery by route, costs. Also the
 * playground's answer. Returns 0 or OUT_ENOMEM. */
__attribute__((warn_unused_result)) int out_report_json(FILE *f, const pw_params *p,
                                                        const pw_results *reps, size_t n,
                                                        const scn_federation *fed);
/* report.html of a run, atomically into outdir. start_date: day 0's date, or NULL. */
__attribute__((warn_unused_result)) int out_write_report(const char *outdir,
                                                         const pw_params *p,
                                                         const pw_results *reps, size_t n,
                                                         const scn_federation *fed,
                                                         const char *start_date, char *err,
                                                         size_t errlen);
/* The lists' and the staff's weekly bands only ("series" member: in post, vacancies
 * and trainees by role) of reps[0..n): for compare pages. */
__attribute__((warn_unused_result)) int out_report_lists_json(FILE *f, const pw_params *p,
                                                              const pw_results *reps,
                                                              size_t n);

#endif
