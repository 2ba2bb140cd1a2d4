/* serve: the playground. A tiny HTTP/1.0 server on 127.0.0.1 (never another address)
 * that serves one page (sliders, web/pages.js) and runs a scenario with the page's
 * overrides: POST /run answers with the results as JSON, the members of report.html's
 * data (sim/out_report.c).
 *
 * Design
 * - One request at a time, each on a fresh connection (Connection: close): a run takes a
 *   second or two and uses every core through the runner, so there is nothing to gain
 *   from serving two at once.
 * - POST /scenario.cfg takes the same body and answers with the scenario, overrides
 *   applied and every key resolved, as `stepsim check` prints it (the page's download).
 * - GET / (or /index.html) the page, GET /health "ok"; each answers HEAD with the same
 *   headers and no body; a query string is ignored; an absolute target
 *   (http://127.0.0.1:PORT/...) is its path, its authority checked as Host is. A path
 *   with another method is 405, a method other than GET, HEAD and POST 501, each with
 *   Allow; any other path 404.
 * - The body of POST /run is text, one line each: "@scenario=ID" (one of the scenarios
 *   offered), "@replications=N" (1..50), then "key=value" overrides as --set takes them
 *   (not replications or output.*). Bad ones get 400, {"ok": false, "error": why}.
 * - Requests are bounded (16 KiB of headers, 64 KiB of body, 64 overrides); anything
 *   else is a 4xx: a body needs its Content-Length (any case; one, whole digits; none
 *   411, a chunked one 501, a bad one 400), a request line "METHOD PATH HTTP/1.x".
 * - Up to MAX_CONNS connections are read at once, each whole within REQUEST_SECONDS of
 *   its opening, else 408; a complete request is answered (a run, one at a time) before
 *   the next is read on. So idle connections (a browser's preconnects, say) time out
 *   side by side, not one after another. Ctrl-C or SIGTERM stops it between requests.
 * - A run whose client has closed its connection (read at EOF, as a closed tab or a
 *   second Run leaves it) is stopped through the runner's stop flag, raised by a thread
 *   watching the socket while the run goes on (sim/serve_watch.c) and read by the model
 *   once a simulated week, or not begun: the next request would otherwise wait for it.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "app.h"
#include "budget.h"
#include "par.h"
#include "cmd.h"
#include "models/pol.h"
#include "out_file.h"
#include "out_html.h"
#include "runner.h"
#include "serve_http.h"
#include "serve_watch.h"
#include "scn_load.h"
#include "models/pw_world.h"

enum { MAX_HEAD = 16384, MAX_BODY = 65536, MAX_SETS = 64, MAX_REPS = 50, MAX_OFFERED = 4 };
enum { MAX_CONNS = 16 };
enum { REQUEST_SECONDS = 5 };

/* A scenario the page offers (its policy variants sit beside it). */
typedef struct offered {
    char id[64];
    char *path; /* as given (or beside the one given): loaded by it, so that its messages
                   name the files as `stepsim check` does; owned */
    char *abs;  /* absolute when it could be resolved, else a copy of path: shown on the
                   page and at startup; owned */
} offered;

typedef struct server {
    const cli *c;
    cli beside; /* c without --service: the policy variants offered beside a federation's
                   service are scenarios of their own */
    cli own;          /* with --service, what a request loads the service by: no --service,
                         --set or -s (own_path holds them applied) */
    int own_fd;       /* with --service, the service resolved (own_path), else -1 */
    uint64_t fed_seed; /* with --service, the federation's seed the service's was drawn from */
    char own_path[32]; /* "/dev/fd/N": own_fd's file */
    offered scn[MAX_OFFERED];
    size_t nscn;
    char *page;     /* the playground page, built once */
    size_t page_len;
    int default_reps;
} server;

/* Is offered scenario o the service of serve --service, resolved (resolve_service)? */
static int serves_service(const server *sv, const offered *o)
{
    return o == &sv->scn[0] && sv->own_fd >= 0;
}

/* The command line to load offered scenario o by: --service is the named scenario's. */
static const cli *cli_of(const server *sv, const offered *o)
{
    if (o != &sv->scn[0])
        return &sv->beside;
    return serves_service(sv, o) ? &sv->own : sv->c;
}

/* The file a request loads offered scenario o from: with --service, the service resolved. */
static const char *path_of(const server *sv, const offered *o)
{
    return serves_service(sv, o) ? sv->own_path : o->path;
}

/* serve --service: the service as run (scaled, on its own seed, the command line's --set
 * applied: *p) printed as `check --service` prints it, a scenario that runs to the same
 * bytes, into a temporary file unlinked at once, which requests load by its descriptor with
 * the page's overrides on top. So a slider sets the service's own value, the one the page
 * shows (its headcounts, its referrals a week), where as --set it would set the base's,
 * scaled once more for the service: the PWP slider moved from Small B's 5 to 6 ran 10.
 * Returns EXIT_OK or EXIT_RUNTIME (said). */
static int resolve_service(server *sv, const pw_params *p)
{
    const char *dir = getenv("TMPDIR");
    char tmpl[PATH_MAX];
    snprintf(tmpl, sizeof tmpl, "%s/stepsim-serve-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmpl), dfd = fd >= 0 ? dup(fd) : -1;
    FILE *f = dfd >= 0 ? fdopen(dfd, "w") : NULL;
    if (fd >= 0)
        unlink(tmpl);
    int bad = !f;
    if (f) {
        scn_print(f, p);
        bad = ferror(f) != 0;
        bad = fclose(f) != 0 || bad;
    } else if (dfd >= 0) {
        close(dfd);
    }
    if (bad) {
        char eb[128];
        fprintf(stderr, "stepsim: serve: cannot write the service's scenario to a temporary "
                "file in %s: %s\n", dir && *dir ? dir : "/tmp", out_errstr(errno, eb, sizeof eb));
        if (fd >= 0)
            close(fd);
        return EXIT_RUNTIME;
    }
    sv->own_fd = fd;
    snprintf(sv->own_path, sizeof sv->own_path, "/dev/fd/%d", fd);
    sv->own = *sv->c;
    sv->own.service = NULL;
    sv->own.sets = NULL;
    sv->own.nsets = 0;
    sv->own.have_seed = 0;
    return EXIT_OK;
}

/* ==== the page ======================================================================== */

/* One offered scenario's defaults, for the sliders. */
static void scenario_json(FILE *f, const offered *o, const pw_params *p)
{
    fputs("{\"id\": ", f);
    out_json_str(f, o->id);
    out_json_kv_str(f, "path", o->abs);
    out_json_kv_str(f, "name", p->name);
    out_json_kv_str(f, "policy", pw_policies[p->policy]->name);
    /* The rate the playground's slider sets: per_week, or self_per_week when the rate is
     * given by source; none when weekly counts are replayed (rate_key null). */
    const pw_referrals *rf = &p->referrals;
    int by_source = !isnan(rf->gp_per_week);
    out_json_kv_str(f, "rate_key", rf->n_weeks ? NULL
                                   : by_source ? "referrals.self_per_week"
                                               : "referrals.per_week");
    out_json_kv_num(f, "per_week", by_source ? rf->self_per_week : rf->per_week);
    fputs(", \"roles\": [", f);
    for (size_t r = 0; r < p->n_roles; r++) {
        fputs(r ? ", {\"name\": " : "{\"name\": ", f);
        out_json_str(f, p->roles[r].name);
        fprintf(f, ", \"headcount\": %d", p->roles[r].headcount);
        /* Workforce sliders: leaving, and for a role whose staff leave for training, the
         * rate and the bar after qualifying. */
        out_json_kv_num(f, "leave_per_year", p->roles[r].leave_per_year);
        out_json_kv_num(f, "training_per_year", p->roles[r].train_per_year);
        out_json_kv_num(f, "training_bar_years", p->roles[r].train_bar_years);
        fputc('}', f);
    }
    fputs("]", f);
    for (int s = 0; s < PW_STEP_N; s++) {
        const pw_step_p *st = &p->step[s];
        char k[64];
        snprintf(k, sizeof k, "step%d_first_session_dropout", s + 2);
        out_json_kv_num(f, k, st->first_session_dropout);
        snprintf(k, sizeof k, "step%d_dropout_per_session", s + 2);
        out_json_kv_num(f, k, st->dropout_per_session);
        snprintf(k, sizeof k, "step%d_dropout_gap_days", s + 2);
        out_json_kv_num(f, k, st->dropout_gap_days);
        fprintf(f, ", \"step%d_max_sessions\": %d, \"step%d_min_sessions\": %d", s + 2,
                st->max_sessions, s + 2, st->min_sessions);
    }
    out_json_kv_num(f, "flex_from_weeks", p->assessment.flex_from_weeks);
    out_json_kv_num(f, "opt_in_days_mean", p->assessment.opt_in_days_mean);
    out_json_kv_num(f, "opt_in_close_days", p->assessment.opt_in_close_days);
    fprintf(f, ", \"step3_stepped_up_first\": %s",
            p->step[PW_STEP3].stepped_up_first ? "true" : "false");
    fprintf(f, ", \"end_of_session_questionnaire\": %s",
            p->reporting.end_of_session_questionnaire ? "true" : "false");
    out_json_kv_num(f, "coaching_points", p->reporting.coaching_points);
    fprintf(f, ", \"discharge_on_first_good_score\": %s}",
            p->reporting.discharge_on_first_good_score ? "true" : "false");
}

/* The scenario named on the command line and its policy variants beside it. Each path kept
 * in sv (copies it owns). Returns EXIT_OK, EXIT_USAGE (the scenario cannot be opened, said)
 * or EXIT_RUNTIME (out of memory, said). */
static int find_offered(server *sv)
{
    const char *path = sv->c->scenario;
    char *base = app_short_name(path);
    if (!base) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) : 0;
    const char *names[] = {base, "baseline", "expert_door", "stratified"};
    for (size_t i = 0; i < sizeof names / sizeof *names && sv->nscn < MAX_OFFERED; i++) {
        int dup = 0;
        for (size_t k = 0; k < sv->nscn; k++)
            dup = dup || !strcmp(sv->scn[k].id, names[i]);
        if (dup)
            continue;
        char rel[PATH_MAX];
        if (i == 0)
            snprintf(rel, sizeof rel, "%s", path);
        else
            snprintf(rel, sizeof rel, "%.*s%s%s.cfg", (int)dirlen, path, slash ? "/" : "",
                     names[i]);
        if (access(rel, R_OK) != 0) {
            if (i > 0)
                continue; /* a policy variant beside it: offered when there */
            /* The scenario asked for: never another in its place. */
            fprintf(stderr, "%s: cannot open scenario: %s\n", path, strerror(errno));
            free(base);
            return EXIT_USAGE;
        }
        char *abs = realpath(rel, NULL);
        offered *o = &sv->scn[sv->nscn++];
        snprintf(o->id, sizeof o->id, "%s", names[i]);
        o->path = strdup(rel);
        o->abs = abs ? abs : strdup(rel);
        if (!o->path || !o->abs) {
            free(base);
            fprintf(stderr, "stepsim: out of memory\n");
            return EXIT_RUNTIME;
        }
    }
    free(base);
    return EXIT_OK;
}

/* Load every offered scenario (as they are, plus the command line's --set) and build the
 * page. The page goes into sv->page (sv owns it). Returns EXIT_OK, the load's status (its
 * messages printed) or EXIT_RUNTIME (out of memory, said). */
static int build_page(server *sv)
{
    out_page pg;
    pw_params *p = malloc(sizeof *p);
    if (!p || out_page_begin(&pg, "playground", "stepsim playground") != OUT_OK) {
        free(p);
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    fputs(",\n\"scenarios\": [", pg.data);
    int ret = EXIT_OK;
    double horizon = 0;
    for (size_t i = 0; i < sv->nscn && ret == EXIT_OK; i++) {
        /* With --service, whose the service's seed is (fed.picked_from); other scenarios
         * load as app_load does, which refuses a federation. */
        scn_federation fed = {0};
        ret = i == 0 && sv->c->service
                  ? app_load_federation(sv->c, sv->scn[i].path, NULL, 0, p, &fed)
                  : app_load(cli_of(sv, &sv->scn[i]), sv->scn[i].path, NULL, 0, p);
        if (i == 0)
            sv->fed_seed = fed.picked_from;
        scn_federation_free(&fed);
        if (ret != EXIT_OK)
            break;
        if (i == 0)
            horizon = p->horizon_weeks;
        if (i == 0 && sv->c->service && (ret = resolve_service(sv, p)) != EXIT_OK)
            break;
        fputs(i ? ",\n" : "\n", pg.data);
        scenario_json(pg.data, &sv->scn[i], p);
    }
    free(p);
    if (ret != EXIT_OK) {
        out_page_free(&pg);
        return ret;
    }
    fprintf(pg.data, "],\n\"replications\": %d, \"horizon_weeks\": ", sv->default_reps);
    out_json_num(pg.data, horizon);
    /* out_page_write releases pg whatever it returns; without a stream pg is ours to
     * release, and the stream is closed even when the write failed. */
    FILE *m = open_memstream(&sv->page, &sv->page_len);
    int wrote = m ? out_page_write(&pg, m) : OUT_ENOMEM;
    if (!m)
        out_page_free(&pg);
    if ((m && fclose(m) != 0) || wrote != OUT_OK) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* ==== HTTP ============================================================================ */

/* Is v (n bytes: a Host header's value, or an absolute target's authority) this server's
 * own, 127.0.0.1:PORT or localhost:PORT? */
static int own_authority(const server *sv, const char *v, size_t n)
{
    char want[64];
    const char *names[] = {"127.0.0.1", "localhost"};
    for (size_t i = 0; i < 2; i++) {
        int k = snprintf(want, sizeof want, "%s:%ld", names[i], sv->c->port);
        if (k > 0 && (size_t)k == n && !strncasecmp(v, want, n))
            return 1;
    }
    return 0;
}

/* Is the request's Host header this server's own (1; 0 if not, or missing)? A page
 * elsewhere whose name was rebound to 127.0.0.1 sends its own name, and is refused. More
 * than one Host line is -1, a bad request (RFC 9112 3.2): which of them counts would be a
 * guess, and a proxy before the server may have read the other. */
static int own_host(const server *sv, const char *req, const char *end)
{
    int count;
    size_t n = 0;
    const char *v = http_header(req, end, "Host", &count, &n);
    return count > 1 ? -1 : v != NULL && own_authority(sv, v, n);
}

/* Run the body's scenario and overrides; answer with the results as JSON, or (print)
 * with the scenario fully resolved, as `stepsim check` prints it. */
static void handle_run(server *sv, int fd, char *body, int print)
{
    const char *sets[MAX_SETS];
    size_t nsets = 0;
    const offered *o = &sv->scn[0];
    long reps = sv->default_reps;
    int said_scn = 0, said_reps = 0, asked_reps = 0;
    char msg[600];
    for (char *line = strtok(body, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        if ((!strncmp(line, "@scenario=", 10) && said_scn++) ||
            (!strncmp(line, "@replications=", 14) && said_reps++)) {
            http_respond_error(fd, "@scenario and @replications are given once each");
            return;
        }
        if (!strncmp(line, "@scenario=", 10)) {
            o = NULL;
            for (size_t i = 0; i < sv->nscn; i++)
                if (!strcmp(sv->scn[i].id, line + 10))
                    o = &sv->scn[i];
            if (!o) {
                http_respond_error(fd, "unknown scenario");
                return;
            }
        } else if (!strncmp(line, "@replications=", 14)) {
            if (cli_parse_long(line + 14, 1, MAX_REPS, &reps) != 0) {
                http_respond_error(fd, "replications must be a whole number from 1 to 50");
                return;
            }
            asked_reps = 1;
        } else if (cli_same_setting(line, "replications=") || cli_same_setting(line, "output=")) {
            snprintf(msg, sizeof msg, "'%.200s': %s", line, *line == 'r' ? "replications are the "
                     "page's (@replications=N, 1 to 50), not a setting" : "the playground "
                     "writes no files (output.patients and output.events are for run and compare)");
            http_respond_error(fd, msg);
            return; /* until 2026-12-08 each was taken and ignored */
        } else if (scn_set_names_file(line)) { /* its files are not ours to show */
            http_respond_error(fd, "the playground reads no files: a key that names one "
                                   "(referrals.weekly_counts) belongs in the scenario file");
            return;
        } else if (nsets < MAX_SETS) {
            /* Each setting once, as on the command line (the page sends each slider once). */
            for (size_t i = 0; i < nsets; i++)
                if (cli_same_setting(sets[i], line)) {
                    snprintf(msg, sizeof msg, "a setting is given twice ('%.200s', then "
                             "'%.200s'): give each key once", sets[i], line);
                    http_respond_error(fd, msg);
                    return;
                }
            sets[nsets++] = line;
        } else {
            http_respond_error(fd, "too many overrides");
            return;
        }
    }
    /* Its name in the log and the printout: the file's id, and the service with --service
     * (the id alone named the whole federation). */
    char label[sizeof o->id + 80];
    if (serves_service(sv, o))
        snprintf(label, sizeof label, "%s --service \"%.63s\"", o->id, sv->c->service);
    else
        snprintf(label, sizeof label, "%s", o->id);
    pw_params *p = malloc(sizeof *p);
    pw_results *res = calloc((size_t)reps, sizeof *res);
    int *idx = malloc((size_t)reps * sizeof *idx);
    scn_errors errs;
    scn_errors_init(&errs);
    char err[1024];
    char *buf = NULL;
    size_t n = 0;
    if (!p || !res || !idx) {
        http_respond_error_as(fd, 500, "out of memory");
        goto out;
    }
    /* The command line's --set first, as the page was built with them, then the page's. */
    int rc = app_load_quiet(cli_of(sv, o), path_of(sv, o), sets, nsets, p, NULL, &errs);
    if (rc != SCN_OK) {
        size_t len = 0, own = strlen(sv->own_path);
        err[0] = '\0';
        for (size_t i = 0; i < errs.n && len + 2 < sizeof err; i++) {
            const char *m = errs.msg[i];
            /* A message at a line of the service's resolved file names it as the user
             * can see it (`stepsim check FILE --service NAME` prints it), not /dev/fd/N. */
            if (serves_service(sv, o) && !strncmp(m, sv->own_path, own) && m[own] == ':')
                len += (size_t)snprintf(err + len, sizeof err - len,
                                        "%s --service \"%s\" (as check prints it)%s\n",
                                        sv->c->scenario, sv->c->service, m + own);
            else
                len += (size_t)snprintf(err + len, sizeof err - len, "%s\n", m);
        }
        http_respond_error_as(fd, rc == SCN_ENOMEM ? 500 : 400,
                              rc == SCN_ENOMEM ? "out of memory" : err);
        goto out;
    }
    if (print) {
        FILE *m = open_memstream(&buf, &n);
        if (!m) {
            http_respond_error_as(fd, 500, "out of memory");
            goto out;
        }
        fprintf(m, "# %s with the playground's overrides:\n", label);
        if (asked_reps) { /* the page's replications, as its run had them */
            p->replications = (int)reps;
            fprintf(m, "#   replications=%ld\n", reps);
        }
        for (size_t i = 0; i < nsets; i++)
            fprintf(m, "#   %s\n", sets[i]);
        fputs("# Every key resolved (stepsim check): run it with stepsim run FILE.\n", m);
        scn_print(m, p);
        if (fclose(m) != 0)
            http_respond_error_as(fd, 500, "out of memory");
        else
            http_respond(fd, 200, "text/plain; charset=utf-8", buf, n);
        goto out;
    }
    p->replications = (int)reps;
    /* The memory budget as run applies it (--max-memory): a playground request is a run. */
    budget_run br = {o->id, p, (size_t)reps, app_threads(sv->c), 0, 0};
    char berr[8192];
    if (app_memory_fits(sv->c, &br, 1, 0, NULL, berr, sizeof berr) != 0) {
        http_respond_error(fd, berr);
        goto out;
    }
    for (long i = 0; i < reps; i++)
        idx[i] = (int)i;
    /* A client gone before its run starts (a request given up while another ran) or
     * while it runs (a tab closed, Run pressed again) has its run not begun or stopped:
     * nobody will see it, and the next request would wait for it. */
    run_watch w;
    run_watch_start(&w, fd);
    runner_opts ro = {.threads = app_threads(sv->c), .stop = &w.stop,
                      .progress = run_watch_progress, .progress_ctx = &w};
    double t0 = app_wall_now();
    int run_rc = w.stop ? RUNNER_INTERRUPTED
                        : runner_run(p, idx, (size_t)reps, &ro, res, err, sizeof err);
    run_watch_end(&w);
    if (run_rc != 0) {
        /* Not the request's fault: the server's (memory, a replication's failure). */
        if (w.gone) {
            /* Said to a client that only closed its sending side; lost on one gone. */
            http_respond_error_as(fd, 503, "stopped: the connection was closed before the "
                                  "run ended");
            fprintf(stderr, "stepsim: serve: stopped %s with %zu override%s after %zu of %ld "
                    "replication%s, %.1f s: its client closed the connection\n", label,
                    nsets, nsets == 1 ? "" : "s", w.done, reps, reps == 1 ? "" : "s",
                    app_wall_now() - t0);
        } else {
            int stopped = run_rc == RUNNER_INTERRUPTED;
            http_respond_error_as(fd, stopped ? 503 : 500, stopped ? "interrupted" : err);
        }
        memset(res, 0, (size_t)reps * sizeof *res); /* released by the runner */
        goto out;
    }
    FILE *m = open_memstream(&buf, &n);
    if (!m) {
        http_respond_error_as(fd, 500, "out of memory");
        goto out;
    }
    fprintf(m, "{\"ok\": true, \"id\": ");
    out_json_str(m, o->id);
    fprintf(m, ", \"wall_seconds\": %.3f", app_wall_now() - t0);
    /* The service's seed is its own, drawn from the federation's: the results say whose,
     * as run --service's report.html does. */
    scn_federation picked = {.picked = 1, .picked_from = sv->fed_seed};
    rc = out_report_json(m, p, res, (size_t)reps, serves_service(sv, o) ? &picked : NULL);
    fputs("}\n", m);
    if (fclose(m) != 0 || rc != OUT_OK)
        http_respond_error_as(fd, 500, "out of memory");
    else
        http_respond(fd, 200, "application/json", buf, n);
    fprintf(stderr, "stepsim: serve: ran %s with %zu override%s, %ld replication%s, %.1f s\n",
            label, nsets, nsets == 1 ? "" : "s", reps, reps == 1 ? "" : "s",
            app_wall_now() - t0);
out:
    if (res)
        for (long i = 0; i < reps; i++)
            pw_results_free(&res[i]);
    scn_errors_free(&errs);
    free(buf);
    free(res);
    free(idx);
    free(p);
}

/* A connection being read: its bytes so far and when it must be whole. */
typedef struct conn {
    int fd, linger; /* linger: refused before it was read whole (http_close) */
    char *buf;      /* MAX_HEAD + MAX_BODY + 1 */
    size_t have, want; /* want: head + body once the head is read, else 0 */
    size_t head;       /* the head's length, its blank line included, once read */
    double deadline;
} conn;

/* Whether k's head is whole, and if so how long its body is (k->want). Returns 0 to read
 * on, 1 when the request is whole, or -1 when it was answered (an error) and is done. */
static int request_state(conn *k)
{
    if (k->want)
        return k->have >= k->want;
    size_t head = 0, n = 0;
    char *end = http_head_end(k->buf, &head);
    if (!end && memchr(k->buf, '\0', k->have)) { /* a head is text: this is no request (a
                                                    TLS hello, say) and would wait its 5 s */
        http_respond_text(k->fd, 400, "not an HTTP request\n");
        return -1;
    }
    if (!end) {
        if (k->have < MAX_HEAD)
            return 0;
        http_respond_text(k->fd, 413, "request too large\n");
        return -1;
    }
    int count = 0;
    long len = 0;
    if (!http_request_line_ok(k->buf)) {
        http_respond_text(k->fd, 400, "bad request line: METHOD PATH HTTP/1.x\n");
        return -1;
    }
    const char *te = http_header(k->buf, end, "Transfer-Encoding", &count, &n);
    if (te && !(n == 8 && !strncasecmp(te, "identity", 8))) {
        http_respond_text(k->fd, 501, "a chunked body is not read: send Content-Length\n");
        return -1;
    }
    const char *cl = http_header(k->buf, end, "Content-Length", &count, &n);
    while (cl && n > 1 && *cl == '0') { /* leading zeros say nothing */
        cl++;
        n--;
    }
    if (count > 1 || (cl && (n == 0 || n > 9 || strspn(cl, "0123456789") != n))) {
        http_respond_text(k->fd, 400, "bad Content-Length: one, of whole digits (at most 65536)\n");
        return -1;
    }
    len = cl ? strtol(cl, NULL, 10) : 0;
    if (len > MAX_BODY) {
        http_respond_text(k->fd, 413, "request too large\n");
        return -1;
    }
    if (!cl && !strncmp(k->buf, "POST ", 5)) {
        http_respond_text(k->fd, 411, "a POST needs Content-Length\n");
        return -1;
    }
    k->head = head;
    k->want = head + (size_t)len;
    return k->have >= k->want;
}

/* What the server answers: each path with its methods (GET routes answer HEAD too). */
enum { ROUTE_PAGE, ROUTE_HEALTH, ROUTE_RUN, ROUTE_CFG };
static const struct {
    const char *path;
    int kind, post; /* post: answers POST only; else GET and HEAD */
} routes[] = {
    {"/", ROUTE_PAGE, 0},     {"/index.html", ROUTE_PAGE, 0}, {"/health", ROUTE_HEALTH, 0},
    {"/run", ROUTE_RUN, 1},   {"/scenario.cfg", ROUTE_CFG, 1},
};

/* Answer k's whole request. The request line (request_line_ok) gives the method and the
 * path; a query string (after '?') is ignored. A HEAD has GET's answer without its body;
 * a method the server does not know is 501, one a known path does not take 405, each
 * with the methods it would take in Allow; an unknown path 404. */
static void dispatch(server *sv, conn *k)
{
    char *req = k->buf, *end = req + k->head - 2; /* at its blank line's last "\n" or so */
    size_t head = k->head, len = k->want - head;
    req[k->want] = '\0';
    size_t mlen = strcspn(req, " ");
    const char *path = req + mlen + 1;
    /* An absolute target ("http://127.0.0.1:PORT/health"), which HTTP/1.1 servers must
     * take (RFC 9112 3.2.2): its authority stands in for Host, and must be this server's;
     * an empty path is "/". A browser sends one to a proxy, never to a server itself. */
    int absolute = !strncasecmp(path, "http://", 7);
    int host_ok;
    if (absolute) {
        size_t alen = strcspn(path + 7, "/? ");
        host_ok = own_authority(sv, path + 7, alen);
        path += 7 + alen;
    } else {
        host_ok = own_host(sv, req, end);
    }
    size_t plen = strcspn(path, " ?");
    if (plen == 0) {
        path = "/";
        plen = 1;
    }
    int is_head = mlen == 4 && !strncmp(req, "HEAD", 4);
    int is_get = is_head || (mlen == 3 && !strncmp(req, "GET", 3));
    int is_post = mlen == 4 && !strncmp(req, "POST", 4);
    int fd = k->fd, r = -1;
    for (size_t i = 0; i < sizeof routes / sizeof *routes && r < 0; i++)
        if (strlen(routes[i].path) == plen && !strncmp(routes[i].path, path, plen))
            r = (int)i;
    static const char text[] = "text/plain";
    static const char not_found[] = "not found\n";
    if (memchr(req + head, '\0', len)) { /* text only: a NUL would hide what follows it */
        http_respond_text(fd, 400, "a NUL byte in the body\n");
    } else if (host_ok < 0) {
        http_respond_text(fd, 400, "more than one Host header\n");
    } else if (!host_ok) {
        char m[128]; /* the port itself: "PORT" was sent as it is until 2026-12-07 */
        int ml = snprintf(m, sizeof m, "forbidden: %s must be 127.0.0.1:%ld or localhost:%ld\n",
                          absolute ? "the target's host" : "Host", sv->c->port, sv->c->port);
        http_respond_as(fd, 403, text, m, ml > 0 && (size_t)ml < sizeof m ? (size_t)ml : 0,
                        NULL, is_head);
    } else if (!is_get && !is_post) {
        static const char m[] = "method not implemented: GET, HEAD or POST\n";
        http_respond_as(fd, 501, text, m, sizeof m - 1, "GET, HEAD, POST", 0);
    } else if (r < 0) {
        http_respond_as(fd, 404, text, not_found, sizeof not_found - 1, NULL, is_head);
    } else if (routes[r].post != is_post) {
        static const char get[] = "method not allowed: this path takes GET or HEAD\n";
        static const char post[] = "method not allowed: this path takes POST\n";
        if (routes[r].post)
            http_respond_as(fd, 405, text, post, sizeof post - 1, "POST", is_head);
        else
            http_respond_as(fd, 405, text, get, sizeof get - 1, "GET, HEAD", 0);
    } else if (routes[r].kind == ROUTE_PAGE) {
        http_respond_as(fd, 200, "text/html; charset=utf-8", sv->page, sv->page_len, NULL, is_head);
    } else if (routes[r].kind == ROUTE_HEALTH) {
        http_respond_as(fd, 200, text, "ok\n", 3, NULL, is_head);
    } else {
        handle_run(sv, fd, req + head, routes[r].kind == ROUTE_CFG);
    }
}

/* Close connection i of the n in ks: the last takes its place (the loop over them walks
 * from the end, so the one moved in has been seen). */
static void conn_close(conn *ks, size_t *n, size_t i)
{
    (ks[i].linger ? http_close : close)(ks[i].fd); /* refused unread: its answer kept */
    free(ks[i].buf);
    ks[i] = ks[--*n];
}

/* Accept and read connections until a stop signal: each read as its bytes come, answered
 * when whole, cut with 408 at its deadline. */
static void serve_loop(server *sv, int lfd)
{
    conn ks[MAX_CONNS];
    size_t n = 0;
    while (!app_stop_signal) {
        struct pollfd pf[MAX_CONNS + 1];
        double now = app_wall_now(), soonest = now + 0.5;
        for (size_t i = 0; i < n; i++) {
            pf[i] = (struct pollfd){ks[i].fd, POLLIN, 0};
            soonest = ks[i].deadline < soonest ? ks[i].deadline : soonest;
        }
        size_t polled = n;
        pf[n] = (struct pollfd){lfd, POLLIN, 0};
        /* A full table reads on before it takes more: the kernel's backlog waits. */
        app_idle = 1;
        int r = poll(pf, n < MAX_CONNS ? n + 1 : n, (int)ceil(1000 * fmax(0, soonest - now)));
        app_idle = 0;
        if (r < 0 && errno != EINTR)
            break;
        for (size_t i = n; i-- > 0;) { /* from the end: closing moves the last into i */
            conn *k = &ks[i];
            int st = 0;
            if (r > 0 && (pf[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                size_t room = k->want ? k->want - k->have : MAX_HEAD - k->have;
                ssize_t got = room ? recv(k->fd, k->buf + k->have, room, 0) : 0;
                if (got <= 0) {
                    conn_close(ks, &n, i);
                    continue;
                }
                k->have += (size_t)got;
                k->buf[k->have] = '\0';
                k->linger = (st = request_state(k)) < 0;
            }
            struct pollfd now_pf = {k->fd, POLLIN, 0};
            if (st == 1)
                dispatch(sv, k);
            else if (st == 0 && app_wall_now() >= k->deadline && poll(&now_pf, 1, 0) == 0)
                http_respond_text(k->fd, 408, "request timeout\n"); /* nothing come
                                                       meanwhile: a run may have held us */
            else if (st == 0)
                continue;
            conn_close(ks, &n, i);
        }
        /* Every connection waiting, while the table has room (the listen socket does not
         * block): a burst is taken at once, not one a pass with the rest refused. */
        while (r > 0 && polled < MAX_CONNS && (pf[polled].revents & POLLIN) && n < MAX_CONNS) {
            int cfd = accept(lfd, NULL, NULL);
            if (cfd < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                    (void)poll(NULL, 0, 100); /* out of descriptors, say: not a busy loop */
                break;
            }
            char *buf = malloc(MAX_HEAD + MAX_BODY + 1);
            if (!buf) {
                close(cfd);
                break;
            }
            /* Nor may a client that stops reading hold the server: sends give up too. */
            struct timeval tv = {REQUEST_SECONDS, 0};
            (void)setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
            buf[0] = '\0';
            ks[n++] = (conn){.fd = cfd, .buf = buf, .deadline = app_wall_now() + REQUEST_SECONDS};
        }
    }
    while (n > 0)
        conn_close(ks, &n, n - 1);
}

int cmd_serve(const cli *c)
{
    if (par_size() > 1) {
        fprintf(stderr, "stepsim: serve runs in one process: start it without mpirun\n");
        return EXIT_USAGE;
    }
    server sv;
    memset(&sv, 0, sizeof sv);
    sv.c = c;
    sv.beside = *c;
    sv.beside.service = NULL;
    sv.own_fd = -1;
    if (c->replications > MAX_REPS) {
        fprintf(stderr, "stepsim: serve: -r must be at most %d, the page's limit (got %ld)\n",
                MAX_REPS, c->replications);
        return EXIT_USAGE;
    }
    sv.default_reps = c->replications > 0 ? (int)c->replications : 8;
    int ret = find_offered(&sv), fd = -1;
    if (ret == EXIT_OK && sv.nscn == 0) {
        fprintf(stderr, "stepsim: serve: cannot read '%s'\n", c->scenario);
        ret = EXIT_USAGE;
    }
    if (ret != EXIT_OK || (ret = build_page(&sv)) != EXIT_OK)
        goto out;
    ret = EXIT_RUNTIME;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)c->port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* localhost only, by design */
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, SOMAXCONN) != 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        char eb[128];
        fprintf(stderr, "stepsim: serve: cannot listen on 127.0.0.1:%ld: %s\n", c->port,
                out_errstr(errno, eb, sizeof eb));
        goto out;
    }
    fprintf(stderr, "stepsim: the playground is at http://127.0.0.1:%ld/ (%s%s%s%s; Ctrl-C "
            "stops)\n", c->port, sv.scn[0].abs, c->service ? ", its service \"" : "",
            c->service ? c->service : "", c->service ? "\"" : "");
    serve_loop(&sv, fd);
    fprintf(stderr, "stepsim: serve: stopped\n");
    ret = EXIT_OK;
out:
    if (fd >= 0)
        close(fd);
    if (sv.own_fd >= 0)
        close(sv.own_fd);
    for (size_t i = 0; i < sv.nscn; i++) {
        free(sv.scn[i].path);
        free(sv.scn[i].abs);
    }
    free(sv.page);
    return ret;
}
