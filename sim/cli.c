/* The command line, read by getopt_long (see cli.h). */
#include "cli.h"
#include "cli_find.h"
#include "par.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out_stream.h"
#include "budget.h"
#include "sim/core/sim_rng.h"

#ifndef STEPSIM_DATADIR
#define STEPSIM_DATADIR "/usr/local/share/stepsim"
#endif

_Static_assert(SIM_RNG_MAX_REPLICATION + 1L == 16777215L, "-r's message states this bound");

static const char usage_text[] =
    "usage: stepsim run SCENARIO.cfg [options]   run the scenario, write outputs\n"
    "       stepsim compare A.cfg B.cfg [C.cfg ...] [options]\n"
    "                                            the same people through each scenario:\n"
    "                                            paired differences against A, 95% CIs\n"
    "       stepsim check SCENARIO.cfg [--set key=value]...\n"
    "                                            validate; print the resolved scenario\n"
    "       stepsim sweep SCENARIO.cfg --vary KEY=FROM:TO[:STEP]|A,B,C [--vary ...]\n"
    "                     [--samples N] [--metrics A,B] [--per-point] [options]\n"
    "                                            every point of a grid (or N Latin-hypercube\n"
    "                                            points), paired: sweep.csv\n"
    "       stepsim solve SCENARIO.cfg --vary KEY=FROM:TO [--vary ...]\n"
    "                     --target 'METRIC>=X' [--target ...] [--minimise METRIC]\n"
    "                     [--confidence 0.95] [--exhaustive] [options]\n"
    "                                            the cheapest point meeting every target\n"
    "       stepsim sensitivity SCENARIO.cfg --vary KEY=LO:HI [--vary ...]\n"
    "                     [--method morris|sobol] [--samples N] [--metrics A,B] [options]\n"
    "                                            which inputs move which outputs\n"
    "       stepsim calibrate SCENARIO.cfg --targets FILE [--max-evals N]\n"
    "                     [--simplex-size X] [options]\n"
    "                                            fit the free keys of FILE to its targets\n"
    "       stepsim serve [SCENARIO.cfg] [--port N] [-r REPS] [-j N] [--set key=value]...\n"
    "                     [--max-memory SIZE]\n"
    "                                            the playground: a page on 127.0.0.1 with\n"
    "                                            sliders, run in the browser\n"
    "       stepsim --help | --version\n"
    "       mpirun -n N stepsim run|compare|sweep|solve|sensitivity|calibrate ...\n"
    "                                            the same outputs, replications spread\n"
    "                                            over N processes (-j threads in each)\n"
    "\n"
    "options (--set applies to every scenario and point):\n"
    "  -r, --replications N   replications (default: the scenario's `replications`; with\n"
    "                         --precision and solve: the most to run (solve: a point);\n"
    "                         sensitivity and calibrate: a point, default 5)\n"
    "  -s, --seed N           master seed (default: the scenario's `seed`)\n"
    "  -j, --threads N        worker threads (default: all cores)\n"
    "  -o, --outdir DIR       output folder (default: out/<scenario file name>, out/compare,\n"
    "                         out/sweep-<name> ...; with --set, plus a hash of them)\n"
    "      --set KEY=VALUE    override a scenario key, e.g. staff.pwp.headcount=14\n"
    "      --precision X[:M]  run, compare: add replications until the 95% CI half-width\n"
    "                         of metric M (default: 17, listed in man stepsim) is within X\n"
    "                         (absolute for shares, else relative to the mean)\n"
    "      --max-memory SIZE  refuse to start a run whose estimated peak memory is above\n"
    "                         SIZE (K, M, G, T: 512M, 4G; default: half the physical memory)\n"
    "      --patients         also write patients.csv (one row per patient per stage)\n"
    "      --events           also write events.csv (process-mining event log),\n"
    "                         arrivals.csv and resources.csv (simmer's monitors)\n"
    "      --start-date DATE  day 0 of events.csv's timestamps, YYYY-MM-DD, a Monday\n"
    "                         (default " OUT_START_DATE_DEFAULT ", a Monday)\n"
    "      --port N           serve: the port on 127.0.0.1 (default 8080)\n"
    "  -q, --quiet            no dashboard or table on stdout\n"
    "\n"
    "stepsim COMMAND --help: that command's options, explained.\n"
    "\n"
    "A scenario named without a folder that is not in the current one is looked for in\n"
    "./scenarios, $STEPSIM_DATA/scenarios, then in the installed scenarios\n"
    "(" STEPSIM_DATADIR "/scenarios); '.cfg' may be left off: stepsim run baseline\n"
    "\n"
    "exit status: 0 ok, 1 runtime failure, 2 bad usage, bad scenario or over the\n"
    "             memory budget (--max-memory),\n"
    "             130 / 143 interrupted (SIGINT / SIGTERM)\n";

/* `stepsim CMD --help`: the command's options, explained. Bits of the commands each
 * option is for, in the order of `commands` below. */
enum { H_RUN = 1, H_CMP = 2, H_CHECK = 4, H_SWEEP = 8, H_SOLVE = 16, H_SENS = 32,
       H_CAL = 64, H_SERVE = 128 };
static const struct {
    const char *name;
    unsigned bits;
    const char *usage, *what;
} commands[] = {
    {"run", H_RUN, "stepsim run SCENARIO.cfg [options]", "run the scenario, write outputs"},
    {"compare", H_CMP, "stepsim compare A.cfg B.cfg [C.cfg ...] [options]",
     "the same people through each scenario: paired differences against A, 95% CIs"},
    {"check", H_CHECK, "stepsim check SCENARIO.cfg [--set key=value]...",
     "validate; print the resolved scenario (a federation: its base and services)"},
    {"sweep", H_SWEEP, "stepsim sweep SCENARIO.cfg --vary KEY=FROM:TO[:STEP]|A,B,C [...] [options]",
     "every point of a grid (or N Latin-hypercube points), paired: sweep.csv"},
    {"solve", H_SOLVE, "stepsim solve SCENARIO.cfg --vary KEY=FROM:TO [...] --target 'METRIC>=X' "
     "[...] [options]", "the cheapest point of a whole-number grid meeting every target"},
    {"sensitivity", H_SENS, "stepsim sensitivity SCENARIO.cfg --vary KEY=LO:HI [...] [options]",
     "which inputs move which outputs (Morris or Sobol)"},
    {"calibrate", H_CAL, "stepsim calibrate SCENARIO.cfg --targets FILE [options]",
     "fit the free keys of FILE to its targets (Nelder-Mead)"},
    {"serve", H_SERVE, "stepsim serve [SCENARIO.cfg] [options]",
     "the playground: a page on 127.0.0.1 with sliders, run in the browser"},
};
#define H_RUNS (H_RUN | H_CMP | H_SWEEP | H_SOLVE | H_SENS | H_CAL)
static const struct {
    unsigned bits;
    const char *text;
} command_opts[] = {
    {H_SWEEP, "  --vary KEY=FROM:TO[:STEP] or KEY=A,B,C\n"
              "                         a key to vary (repeatable): a range (a whole-number\n"
              "                         range without a step steps by 1) or a list of values\n"},
    {H_SOLVE, "  --vary KEY=FROM:TO     a key to vary over a whole-number range (repeatable),\n"
              "                         e.g. staff.pwp.headcount=30:60\n"},
    {H_SENS, "  --vary KEY=LO:HI       an input and the range it is drawn over (repeatable)\n"},
    {H_SOLVE, "  --target 'METRIC>=X'   a target the answer must meet (repeatable; <= too; X may\n"
              "                         be a percent on a share: 75%). Assumed: raising a varied\n"
              "                         key never worsens a target; a WARNING says where the\n"
              "                         points evaluated show otherwise\n"
              "  --minimise METRIC      what 'cheapest' means (default cost_per_year_gbp)\n"
              "  --confidence P         one-sided confidence a point must meet every target at\n"
              "                         (default 0.95)\n"
              "  --exhaustive           decide every grid point at -r, not the frontier: a check\n"
              "                         on the search, at many more simulations\n"},
    {H_SWEEP, "  --samples N            N Latin-hypercube points over the ranges instead of\n"
              "                         the grid\n"},
    {H_SENS, "  --samples N            Morris trajectories (default 10) or Sobol base rows\n"
             "                         (default 64)\n"},
    {H_SWEEP | H_SENS, "  --metrics A,B          the metrics to report (names of summary.csv, or\n"
                       "                         cost_per_year_gbp)\n"},
    {H_SWEEP, "  --per-point            also write each point's full output set, its page and\n"
              "                         manifest included, to points/NNNN/\n"},
    {H_SENS, "  --method morris|sobol  elementary effects (default) or Sobol indices\n"},
    {H_CAL, "  --targets FILE         the figures to fit and the keys free to move (required)\n"
            "  --max-evals N          stop after N evaluations (default 200)\n"
            "  --simplex-size X       stop when the simplex is smaller than X (default 0.001,\n"
            "                         a key's range spanning 1)\n"},
    {H_RUN | H_CMP, "  -r, --replications N   replications (default: the scenario's; with\n"
                    "                         --precision, the most to run)\n"},
    {H_SWEEP, "  -r, --replications N   replications a point (default: the scenario's)\n"},
    {H_SOLVE, "  -r, --replications N   the most replications a point (default: the\n"
              "                         scenario's); a point starts with 5\n"},
    {H_SENS | H_CAL, "  -r, --replications N   replications a point (default 5)\n"},
    {H_SERVE, "  -r, --replications N   replications a run starts with (default 8, at most 50)\n"},
    {H_RUNS, "  -s, --seed N           master seed (default: the scenario's `seed`)\n"},
    {H_RUNS | H_SERVE, "  -j, --threads N        worker threads (default: all cores)\n"},
    {H_RUNS, "  -o, --outdir DIR       output folder (default under out/)\n"},
    {H_RUNS | H_CHECK | H_SERVE, "  --set KEY=VALUE        override a scenario key (repeatable)\n"},
    {H_RUNS | H_CHECK | H_SERVE,
     "  --service NAME         of a federation, service NAME alone, as it runs in\n"
     "                         the federation: its parameters, its random numbers\n"},
    {H_RUN | H_CMP, "  --precision X[:M]      add replications until metric M's (default: each of\n"
                    "                         17 shares, waits and losses, listed in man stepsim)\n"
                    "                         95% CI half-width is within X (absolute for shares,\n"
                    "                         else relative to the mean)\n"
                    "  --patients             also write patients.csv\n"
                    "  --events               also write events.csv, arrivals.csv, resources.csv\n"
                    "  --start-date DATE      day 0 of events.csv (YYYY-MM-DD, a Monday)\n"},
    {H_RUNS | H_SERVE, "  --max-memory SIZE      refuse a run estimated above SIZE (K, M, G, T;\n"
                       "                         default: half the physical memory)\n"},
    {H_RUN | H_CMP, "  -q, --quiet            no dashboard on stdout (warnings on stderr)\n"},
    {H_SWEEP | H_SOLVE | H_SENS | H_CAL, "  -q, --quiet            no table on stdout\n"},
    {H_SERVE, "  --port N               the port on 127.0.0.1 (default 8080)\n"},
};

/* Print CMD's help and return 1, or 0 if CMD is no command. */
static int command_help(const char *cmd)
{
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        printf("usage: %s\n  %s\n\noptions:\n", commands[i].usage, commands[i].what);
        for (size_t k = 0; k < sizeof command_opts / sizeof *command_opts; k++)
            if (command_opts[k].bits & commands[i].bits)
                fputs(command_opts[k].text, stdout);
        printf("\nEvery command: stepsim --help; in full: man stepsim.\n");
        return 1;
    }
    return 0;
}

int cli_usage_error(const char *fmt, const char *arg)
{
    char shown[1024];
    fprintf(stderr, "stepsim: ");
    fprintf(stderr, fmt, arg ? cli_shown(arg, shown, sizeof shown) : arg);
    fprintf(stderr, "\nTry 'stepsim --help'.\n");
    return EXIT_USAGE;
}

/* Parse a whole decimal integer in [lo, hi]; 0 on success. Digits only: strtol would
 * take leading blanks and a sign, so ' -5' would pass where a typo is likelier. */
int cli_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    if (!(*s >= '0' && *s <= '9'))
        return -1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* A number filling the whole text; 0 on success. */
static int parse_double(const char *s, double *out)
{
    char *end;
    /* A number as written: no leading blank, no hexadecimal (strtod takes both). */
    if (isspace((unsigned char)*s) || strpbrk(s, "xX"))
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    /* Underflow (1e-320) reads as its tiny value, which the caller's range then judges. */
    if ((errno && !(errno == ERANGE && isfinite(v))) || end == s || *end)
        return -1;
    *out = v;
    return 0;
}

/* A seed given on the command line into *out: 0 for digits alone (no sign or blank
 * first) below 2^64 - 1, else -1 with *out unchanged. */
static int parse_seed(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    /* strtoull negates a '-' after blanks: ' -5' would become 2^64 - 5. */
    if (!(*s >= '0' && *s <= '9'))
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    /* Below 2^64 - 1, as a scenario file can hold it (in hexadecimal beyond 2^63 - 2:
     * scn_special.c, load_seed); a federation's services are seeded over the whole range. */
    if (errno || end == s || *end || v == ULLONG_MAX)
        return -1;
    *out = v;
    return 0;
}

/* Long options; the short ones are in short_opts. Long-only options use codes past 255. */
enum {
    OPT_SET = 256, OPT_PATIENTS, OPT_EVENTS, OPT_VERSION, OPT_VARY, OPT_TARGET, OPT_MINIMISE,
    OPT_METHOD, OPT_PRECISION, OPT_METRICS, OPT_SAMPLES, OPT_CONFIDENCE, OPT_PER_POINT,
    OPT_EXHAUSTIVE, OPT_TARGETS, OPT_MAX_EVALS, OPT_SIMPLEX_SIZE, OPT_START_DATE, OPT_PORT,
    OPT_MAX_MEMORY, OPT_SERVICE
};
/* "-": arguments that are not options come back in order as option 1 (whatever
 * POSIXLY_CORRECT says), so options may stand before or after them; ":": a missing value
 * is reported as ':'. */
static const char short_opts[] = "-:hqr:j:s:o:";
static const struct option long_opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"quiet", no_argument, NULL, 'q'},
    {"patients", no_argument, NULL, OPT_PATIENTS},
    {"events", no_argument, NULL, OPT_EVENTS},
    {"set", required_argument, NULL, OPT_SET},
    {"replications", required_argument, NULL, 'r'},
    {"threads", required_argument, NULL, 'j'},
    {"seed", required_argument, NULL, 's'},
    {"outdir", required_argument, NULL, 'o'},
    {"vary", required_argument, NULL, OPT_VARY},
    {"target", required_argument, NULL, OPT_TARGET},
    {"minimise", required_argument, NULL, OPT_MINIMISE},
    {"minimize", required_argument, NULL, OPT_MINIMISE},
    {"method", required_argument, NULL, OPT_METHOD},
    {"precision", required_argument, NULL, OPT_PRECISION},
    {"metrics", required_argument, NULL, OPT_METRICS},
    {"samples", required_argument, NULL, OPT_SAMPLES},
    {"confidence", required_argument, NULL, OPT_CONFIDENCE},
    {"per-point", no_argument, NULL, OPT_PER_POINT},
    {"exhaustive", no_argument, NULL, OPT_EXHAUSTIVE},
    {"targets", required_argument, NULL, OPT_TARGETS},
    {"max-evals", required_argument, NULL, OPT_MAX_EVALS},
    {"simplex-size", required_argument, NULL, OPT_SIMPLEX_SIZE},
    {"start-date", required_argument, NULL, OPT_START_DATE},
    {"port", required_argument, NULL, OPT_PORT},
    {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
    {"service", required_argument, NULL, OPT_SERVICE},
    {NULL, 0, NULL, 0},
};

/* The command, then the scenario files, in the order given. */
static void add_positional(cli *c, const char *arg)
{
    if (!c->command)
        c->command = arg;
    else
        c->scenarios[c->nscenarios++] = arg;
}

const char *cli_datadir(void) { return STEPSIM_DATADIR; }

/* Scenario i as given when it is there (or has a folder in it), else as found under the
 * data folders (cli_find_data); as given when it is nowhere (the caller says so). */
static const char *find_scenario(cli *c, size_t i)
{
    const char *name = c->scenarios[i];
    if (cli_readable_file(name) || strchr(name, '/'))
        return name;
    c->found[i] = cli_find_data(name, "scenarios", STEPSIM_DATADIR);
    return c->found[i] ? c->found[i] : name;
}

int cli_same_setting(const char *a, const char *b)
{
    size_t na = strcspn(a, "="), nb = strcspn(b, "="), n = na < nb ? na : nb;
    /* A group and a key in it; a list and an entry of it ("hiring", "hiring[0].count"). */
    char next = (na < nb ? b : a)[n];
    return !strncmp(a, b, n) && (na == nb || next == '.' || next == '[');
}

/* The overrides of one command line: each setting given once. Two --set of one key, a --set
 * beside -s, -r, --patients or --events for the same setting, or a --set of a key --vary
 * varies would each leave one silently beaten while both stood in the run's label. Returns
 * EXIT_OK, or EXIT_USAGE after a message on stderr. */
static int check_sets(const cli *c)
{
    /* Settings an option gives as well: -s the seed, -r the replications, --patients and
     * --events the scenario's output switches (the option turns the file on whatever a
     * --set says, so a --set output.events=false beside --events was silently beaten). */
    const struct {
        const char *key, *option;
        int given;
    } by_option[] = {{"seed=", "-s", c->have_seed},
                     {"replications=", "-r", c->replications > 0},
                     {"output.patients=", "--patients", c->patients},
                     {"output.events=", "--events", c->events}};
    for (size_t i = 0; i < c->nsets; i++) {
        for (size_t j = 0; j < i; j++)
            if (cli_same_setting(c->sets[j], c->sets[i])) {
                fprintf(stderr, "stepsim: --set '%s' and --set '%s' give one setting twice; "
                        "give it once (the later would silently win)\n", c->sets[j],
                        c->sets[i]);
                return EXIT_USAGE;
            }
        for (size_t j = 0; j < c->nvaries; j++)
            if (cli_same_setting(c->varies[j], c->sets[i])) {
                fprintf(stderr, "stepsim: --set '%s' names a key that --vary '%s' varies; drop "
                        "the --set\n", c->sets[i], c->varies[j]);
                return EXIT_USAGE;
            }
        for (size_t k = 0; k < sizeof by_option / sizeof *by_option; k++)
            if (by_option[k].given && cli_same_setting(c->sets[i], by_option[k].key)) {
                fprintf(stderr, "stepsim: --set '%s' and %s both set %.*s; give it once\n",
                        c->sets[i], by_option[k].option, (int)strcspn(by_option[k].key, "="),
                        by_option[k].key);
                return EXIT_USAGE;
            }
    }
    return EXIT_OK;
}

/* Is the command known, and are its arguments and options ones it takes? -1 if so. */
static int check_command(cli *c)
{
    const char *cmd = c->command;
    int compare = !strcmp(cmd, "compare"), explore = !strcmp(cmd, "sweep") ||
                                                     !strcmp(cmd, "solve") ||
                                                     !strcmp(cmd, "sensitivity");
    int calibrate = !strcmp(cmd, "calibrate"), serve = !strcmp(cmd, "serve");
    if (strcmp(cmd, "run") != 0 && strcmp(cmd, "check") != 0 && !compare && !explore &&
        !calibrate && !serve)
        return cli_usage_error("unknown command '%s' (expected run, compare, check, sweep, "
                               "solve, sensitivity, calibrate or serve)", cmd);
    /* Read at every progress line (app.c); a bad value is refused here, not ignored. */
    const char *every = getenv("STEPSIM_PROGRESS_SECONDS");
    double ev;
    if (every && *every && (parse_double(every, &ev) || !(ev >= 0) || !isfinite(ev)))
        return cli_usage_error("STEPSIM_PROGRESS_SECONDS must be a number of seconds >= 0 "
                               "(got '%s')", every);
    if (serve && c->nscenarios == 0)
        c->scenarios[c->nscenarios++] = "baseline";
    if (compare && c->nscenarios < 2)
        return cli_usage_error("%s: at least two scenario files are needed", cmd);
    if (!compare && c->nscenarios == 0)
        return cli_usage_error("%s: a scenario file is needed", cmd);
    if (!compare && c->nscenarios > 1) {
        char msg[512];
        snprintf(msg, sizeof msg, "unexpected argument '%%s' (%s takes one scenario file%s)",
                 cmd, strcmp(cmd, "run") ? "" : "; compare takes several");
        return cli_usage_error(msg, c->scenarios[1]);
    }
    if (explore && c->nvaries == 0)
        return cli_usage_error("%s: at least one --vary KEY=... is needed", cmd);
    if (!explore && c->nvaries)
        return cli_usage_error("--vary is for sweep, solve and sensitivity, not %s", cmd);
    if (!strcmp(cmd, "solve") && c->ntargets == 0)
        return cli_usage_error("%s: at least one --target 'METRIC>=X' is needed", cmd);
    if (calibrate && !c->targets_file)
        return cli_usage_error("%s: --targets FILE is needed (the figures to fit and the free "
                               "keys)", cmd);
    if (!calibrate && (c->targets_file || c->max_evals > 0 || !isnan(c->simplex_size)))
        return cli_usage_error("--targets, --max-evals and --simplex-size are for calibrate, "
                               "not %s", cmd);
    if (strcmp(cmd, "solve") != 0 && (c->ntargets || c->minimise))
        return cli_usage_error("--target and --minimise are for solve, not %s", cmd);
    if (strcmp(cmd, "solve") != 0 && c->exhaustive)
        return cli_usage_error("--exhaustive is for solve, not %s", cmd);
    if (strcmp(cmd, "sensitivity") != 0 && c->method)
        return cli_usage_error("--method is for sensitivity, not %s", cmd);
    if (c->precision && strcmp(cmd, "run") != 0 && !compare)
        return cli_usage_error("--precision is for run and compare, not %s", cmd);
    if (c->samples > 0 && strcmp(cmd, "sweep") != 0 && strcmp(cmd, "sensitivity") != 0)
        return cli_usage_error("--samples is for sweep and sensitivity, not %s", cmd);
    /* An option the command does not use is refused, never ignored. */
    int runs = !strcmp(cmd, "run") || compare;
    if ((c->patients || c->events || c->have_start_date) && !runs)
        return cli_usage_error("--patients, --events and --start-date are for run and compare, "
                               "not %s", cmd);
    /* --start-date without --events: refused once the scenario is read, if it does not
     * write events.csv itself (output.events: app_start_date_fits). */
    if (c->metrics && strcmp(cmd, "sweep") != 0 && strcmp(cmd, "sensitivity") != 0)
        return cli_usage_error("--metrics is for sweep and sensitivity, not %s", cmd);
    if (c->have_confidence && strcmp(cmd, "solve") != 0)
        return cli_usage_error("--confidence is for solve, not %s", cmd);
    if (c->per_point && strcmp(cmd, "sweep") != 0)
        return cli_usage_error("--per-point is for sweep, not %s", cmd);
    if (c->have_port && !serve)
        return cli_usage_error("--port is for serve, not %s", cmd);
    if (!strcmp(cmd, "check") && (c->replications > 0 || c->have_seed || c->threads > 0 ||
                                  c->outdir || c->quiet))
        return cli_usage_error("-r, -s, -j, -o and -q are for the commands that run, not %s "
                               "(it prints the scenario)", cmd);
    if (serve && (c->have_seed || c->outdir || c->quiet))
        return cli_usage_error("-s, -o and -q are not for %s: the playground runs the "
                               "scenario's seed, writes no files and prints only its address",
                               cmd);
    if (check_sets(c) != EXIT_OK)
        return EXIT_USAGE;
    /* sensitivity, calibrate and serve run -r replications a point (default 5, or a run's
     * first 8), never the scenario's: a --set of them would stand in the label unused. */
    int own_reps = calibrate || serve || !strcmp(cmd, "sensitivity");
    for (size_t i = 0; own_reps && i < c->nsets; i++)
        if (cli_same_setting(c->sets[i], "replications=")) {
            fprintf(stderr, "stepsim: --set '%s': %s does not use the scenario's replications "
                    "(%s, default %d): give -r N instead\n", c->sets[i], cmd,
                    serve ? "a run starts with -r replications" : "it runs -r replications a point",
                    serve ? 8 : 5);
            return EXIT_USAGE;
        }
    for (size_t i = 0; serve && i < c->nsets; i++) /* as --patients and --events are */
        if (cli_same_setting(c->sets[i], "output="))
            return cli_usage_error("--set '%s': serve writes no files (output.patients and "
                                   "output.events are for run and compare)", c->sets[i]);
    for (size_t i = 0; i < c->nscenarios; i++)
        if (!*c->scenarios[i])
            return cli_usage_error("an empty scenario name (got '%s'): give a scenario file or "
                                   "a shipped scenario's name", c->scenarios[i]);
    for (size_t i = 0; i < c->nscenarios; i++) {
        c->scenarios[i] = find_scenario(c, i);
        const char *sc = c->scenarios[i];
        if (!strchr(sc, '/') && !cli_readable_file(sc)) { /* a bare name found nowhere */
            cli_print_not_found("scenario", sc, "scenarios", STEPSIM_DATADIR);
            return EXIT_USAGE;
        }
    }
    /* A targets file as a scenario: the shipped national set is `--targets national`. */
    const char *tf = c->targets_file;
    if (tf && *tf && !strchr(tf, '/') && !cli_readable_file(tf)) {
        if (!(c->targets_found = cli_find_data(tf, "scenarios/targets", STEPSIM_DATADIR))) {
            cli_print_not_found("targets file", tf, "scenarios/targets", STEPSIM_DATADIR);
            return EXIT_USAGE;
        }
        c->targets_file = c->targets_found;
    }
    if (c->max_memory_arg && !strcmp(cmd, "check"))
        return cli_usage_error("--max-memory is for the commands that run, not %s", cmd);
    c->scenario = c->scenarios[0];
    return -1;
}

/* An option getopt_long refused: a value given to one that takes none ("--quiet=1"),
 * ambiguous when its word begins two long options (as written, "--p" or "--p=1"), which
 * it names, else unknown. Returns EXIT_USAGE. */
static int unknown_option(const char *a)
{
    if (strncmp(a, "--", 2) != 0)
        return cli_usage_error("unknown option '%s'", a);
    size_t n = strcspn(a + 2, "=");
    char names[512] = "";
    size_t len = 0, hits = 0;
    const struct option *hit = NULL;
    for (const struct option *o = long_opts; o->name; o++)
        if (n && !strncmp(o->name, a + 2, n) && len < sizeof names) {
            hits++;
            hit = o;
            len += (size_t)snprintf(names + len, sizeof names - len, "%s--%s",
                                    len ? ", " : "", o->name);
        }
    if (hits == 1 && hit->has_arg == no_argument && a[2 + n] == '=') {
        fprintf(stderr, "stepsim: option '--%s' takes no value (got '%s')\n", hit->name, a);
        fputs("Try 'stepsim --help'.\n", stderr);
        return EXIT_USAGE;
    }
    if (hits < 2)
        return cli_usage_error("unknown option '%s'", a);
    fprintf(stderr, "stepsim: option '%.*s' is ambiguous (it could be %s)\n", (int)(n + 2), a,
            names);
    fputs("Try 'stepsim --help'.\n", stderr);
    return EXIT_USAGE;
}

/* Does the option word arg take the next word as its value ("-o", "-qj", "--set";
 * not "-j2", "--set=a=1", "-q")? */
static int takes_value(const char *arg)
{
    if (arg[0] != '-' || !arg[1])
        return 0;
    if (arg[1] == '-') {
        if (strchr(arg, '='))
            return 0;
        size_t n = strlen(arg + 2);
        for (const struct option *lo = long_opts; n && lo->name; lo++)
            if (!strncmp(lo->name, arg + 2, n)) /* the name or a prefix of it, as getopt */
                return lo->has_arg == required_argument;
        return 0;
    }
    for (const char *c = arg + 1; *c; c++) {
        const char *o = strchr(short_opts + 2, *c); /* past "-:" */
        if (o && o[1] == ':')
            return c[1] == '\0'; /* its value attached, or the next word */
    }
    return 0;
}

/* Option o's name as the user reads it: "-o", or "--vary" for a long-only option. */
static void opt_name(int o, char *buf, size_t n)
{
    snprintf(buf, n, "-%c", o < 256 ? (char)o : '?');
    for (const struct option *lo = long_opts; o >= 256 && lo->name; lo++)
        if (lo->val == o) {
            snprintf(buf, n, "--%s", lo->name);
            return;
        }
}

/* Fill c from argv with getopt_long (so -j2, --threads=2 and -qj2 work); options may come
 * before or after the command and scenarios. Returns -1 if ok, else an exit status. */
int cli_parse(int argc, char **argv, cli *c)
{
    memset(c, 0, sizeof *c);
    c->replications = -1;
    c->threads = -1;
    c->samples = -1;
    c->confidence = 0.95;
    c->max_evals = -1;
    c->simplex_size = NAN;
    c->port = 8080;
    c->start_date = OUT_START_DATE_DEFAULT;
    (void)out_parse_date(c->start_date, &c->start_days);
    c->sets = calloc((size_t)argc, sizeof *c->sets);
    c->scenarios = calloc((size_t)argc, sizeof *c->scenarios);
    c->varies = calloc((size_t)argc, sizeof *c->varies);
    c->targets = calloc((size_t)argc, sizeof *c->targets);
    c->found = calloc((size_t)argc + 1, sizeof *c->found);
    if (!c->sets || !c->scenarios || !c->varies || !c->targets || !c->found) {
        fprintf(stderr, "stepsim: out of memory\n");
        return EXIT_RUNTIME;
    }
    opterr = 0; /* our own messages, in our own words */
    optind = 1;
    /* Options that take one value: given twice, the last would win without a word. */
    static const int single[] = {'r', 'j', 's', 'o', OPT_MINIMISE, OPT_METHOD, OPT_PRECISION,
                                 OPT_METRICS, OPT_SAMPLES, OPT_CONFIDENCE, OPT_TARGETS,
                                 OPT_MAX_EVALS, OPT_SIMPLEX_SIZE, OPT_START_DATE, OPT_PORT,
                                 OPT_MAX_MEMORY, OPT_SERVICE};
    unsigned char seen[OPT_SERVICE + 1] = {0};
    for (;;) {
        int prev = optind;
        int o = getopt_long(argc, argv, short_opts, long_opts, NULL);
        if (o == -1) /* the end, or "--": what follows it is positional */
            break;
        /* The option as written, for messages: a short option by its letter (it may sit in
         * a bundle such as -qx), a long one as the word given. */
        const char *a = argv[optind > prev ? optind - 1 : prev];
        char letter[3] = {'-', (char)optopt, 0};
        if (strncmp(a, "--", 2) != 0 && optopt > 0 && optopt < 256)
            a = letter;
        for (size_t k = 0; k < sizeof single / sizeof *single; k++)
            if (o == single[k] && seen[o]++) {
                char nm[40];
                opt_name(o, nm, sizeof nm);
                return cli_usage_error("option '%s' is given twice: it takes one value "
                                       "(give it once)", nm);
            }
        /* "-o -r 1": the next option taken as a value, its own value then left over. A value
         * of an option is never an option's name (a number may be negative: "-1"). */
        if (o != 1 && optarg && optarg[0] == '-' &&
            (isalpha((unsigned char)optarg[1]) || optarg[1] == '-')) {
            char nm[40], msg[400];
            opt_name(o, nm, sizeof nm);
            snprintf(msg, sizeof msg, "option '%s' needs a value, not the option '%s' (give "
                     "the value after it; a name that starts with '-' as ./NAME)", nm, optarg);
            return cli_usage_error("%s", msg);
        }
        switch (o) {
        case 1:
            add_positional(c, optarg);
            break;
        case 'h': {
            /* With a command, before or after (stepsim solve --help, stepsim --help solve),
             * that command's options; with a word that is no command, the error. */
            const char *cmd = c->command;
            for (int k = optind; !cmd && k < argc; k++) /* a later word naming a command */
                for (size_t i = 0; !cmd && i < sizeof commands / sizeof *commands; i++)
                    if (!strcmp(argv[k], commands[i].name))
                        cmd = argv[k];
            const char *word = NULL; /* a later word, not an option's value, naming no command */
            for (int k = optind; !cmd && !word && k < argc; k++) {
                if (argv[k][0] != '-')
                    word = argv[k];
                else if (takes_value(argv[k]))
                    k++; /* its value */
            }
            if (!cmd && word)
                return cli_usage_error("unknown command '%s' (expected run, compare, check, "
                                       "sweep, solve, sensitivity, calibrate or serve)", word);
            if (!cmd) {
                fputs(usage_text, stdout);
                return EXIT_OK;
            }
            if (!command_help(cmd))
                return cli_usage_error("unknown command '%s' (expected run, compare, check, "
                                       "sweep, solve, sensitivity, calibrate or serve)", cmd);
            return EXIT_OK;
        }
        case OPT_VERSION:
            if (argc > 2)
                return cli_usage_error("%s takes nothing else: stepsim --version", "--version");
            printf("stepsim %s (%s)\nMPI: %s\n", STEPSIM_VERSION, cli_git_hash(),
                   par_library());
            return EXIT_OK;
        case 'q':
            c->quiet = 1;
            break;
        case OPT_PATIENTS:
            c->patients = 1;
            break;
        case OPT_EVENTS:
            c->events = 1;
            break;
        case OPT_SET:
            c->sets[c->nsets++] = optarg;
            break;
        case 'r':
            if (cli_parse_long(optarg, 1, SIM_RNG_MAX_REPLICATION + 1L, &c->replications))
                return cli_usage_error("replications must be an integer in [1, 16777215] "
                                       "(got '%s')", optarg);
            break;
        case 'j':
            if (cli_parse_long(optarg, 1, 4096, &c->threads))
                return cli_usage_error("threads must be an integer in [1, 4096] (got '%s')", optarg);
            break;
        case 's':
            if (parse_seed(optarg, &c->seed))
                return cli_usage_error("seed must be an integer in [0, 2^64 - 1) (got '%s')", optarg);
            c->have_seed = 1;
            break;
        case OPT_SERVICE:
            if (!*optarg)
                return cli_usage_error("--service needs a service's name, as the scenario's "
                                       "services list gives it (got '%s')", optarg);
            c->service = optarg;
            break;
        case 'o':
            c->outdir = optarg;
            break;
        case OPT_VARY:
            c->varies[c->nvaries++] = optarg;
            break;
        case OPT_TARGET:
            c->targets[c->ntargets++] = optarg;
            break;
        case OPT_MINIMISE:
            c->minimise = optarg;
            break;
        case OPT_METHOD:
            if (strcmp(optarg, "morris") != 0 && strcmp(optarg, "sobol") != 0)
                return cli_usage_error("--method must be morris or sobol (got '%s')", optarg);
            c->method = optarg;
            break;
        case OPT_PRECISION:
            c->precision = optarg;
            break;
        case OPT_METRICS:
            c->metrics = optarg;
            break;
        case OPT_SAMPLES:
            if (cli_parse_long(optarg, 1, 1000000, &c->samples))
                return cli_usage_error("samples must be an integer in [1, 1000000] (got '%s')",
                                       optarg);
            break;
        case OPT_CONFIDENCE:
            if (parse_double(optarg, &c->confidence) || !(c->confidence >= 0.5) ||
                !(c->confidence < 1))
                return cli_usage_error("confidence must be a number in [0.5, 1) (got '%s')",
                                       optarg);
            c->have_confidence = 1;
            break;
        case OPT_PER_POINT:
            c->per_point = 1;
            break;
        case OPT_EXHAUSTIVE:
            c->exhaustive = 1;
            break;
        case OPT_TARGETS:
            if (!*optarg)
                return cli_usage_error("--targets needs a targets file's name (got '%s')",
                                       optarg);
            c->targets_file = optarg;
            break;
        case OPT_MAX_EVALS:
            if (cli_parse_long(optarg, 1, 1000000, &c->max_evals))
                return cli_usage_error("max-evals must be an integer in [1, 1000000] (got '%s')",
                                       optarg);
            break;
        case OPT_SIMPLEX_SIZE:
            if (parse_double(optarg, &c->simplex_size) || !(c->simplex_size > 0) ||
                !(c->simplex_size < 1))
                return cli_usage_error("simplex-size must be a number in (0, 1) (got '%s')",
                                       optarg);
            break;
        case OPT_START_DATE:
            if (out_parse_date(optarg, &c->start_days) != 0)
                return cli_usage_error("--start-date must be a date YYYY-MM-DD from "
                                       "1900-01-01 on (got '%s')", optarg);
            /* Days since 1970-01-01, a Thursday: Monday when (days + 3) % 7 is 0. */
            if (((c->start_days % 7) + 7 + 3) % 7 != 0)
                return cli_usage_error("--start-date must be a Monday, as the model's day 0 is "
                                       "(its weekends are days 5 and 6 of each week; got '%s')",
                                       optarg);
            c->start_date = optarg;
            c->have_start_date = 1;
            break;
        case OPT_PORT:
            if (cli_parse_long(optarg, 1, 65535, &c->port))
                return cli_usage_error("port must be an integer in [1, 65535] (got '%s')",
                                       optarg);
            c->have_port = 1;
            break;
        case OPT_MAX_MEMORY: {
            int size_rc = budget_parse(optarg, &c->max_memory);
            if (size_rc == -2)
                return cli_usage_error("max-memory must be at most " BUDGET_MAX_TEXT
                                       " (got '%s')", optarg);
            if (size_rc != 0)
                return cli_usage_error("max-memory must be a size such as 512M, 4G or 1.5G "
                                       "(K, M, G, T: powers of 1024; got '%s')", optarg);
            c->max_memory_arg = optarg;
            break;
        }
        case ':':
            return cli_usage_error("option '%s' needs a value", a);
        default:
            return unknown_option(a);
        }
    }
    for (; optind < argc; optind++)
        add_positional(c, argv[optind]);
    if (!c->command) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    return check_command(c);
}

void cli_free(cli *c)
{
    free(c->sets);
    free(c->scenarios);
    free(c->varies);
    free(c->targets);
    for (size_t i = 0; c->found && i < c->nscenarios; i++)
        free(c->found[i]);
    free(c->found);
    free(c->targets_found);
    memset(c, 0, sizeof *c);
}
