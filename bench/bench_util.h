/* What every benchmark program shares: the clock and peak RSS; running a benchmark in a
 * forked child (so that its peak RSS is its own) on the parent's CPU, reading the child's
 * fixed-size report from a pipe, reaping it and saying what went wrong; rates for the
 * table; CSV rows. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

/* sched_getcpu, sched_setaffinity: include this header before any other. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Peak resident set of this process in kB (Linux reports ru_maxrss in kB). */
static long peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* "12.34M" style rate into buf. */
static const char *fmt_rate(char *buf, size_t len, double r)
{
    if (!(r > 0))
        snprintf(buf, len, "-");
    else if (r >= 1e9)
        snprintf(buf, len, "%.2fG", r / 1e9);
    else if (r >= 1e6)
        snprintf(buf, len, "%.2fM", r / 1e6);
    else if (r >= 1e3)
        snprintf(buf, len, "%.2fk", r / 1e3);
    else
        snprintf(buf, len, "%.1f", r);
    return buf;
}

/* Append one formatted row to the CSV at path (prog names the program in messages).
 * Returns 0, or -1 if it could not be written. */
__attribute__((format(printf, 3, 4))) static int bench_csv_row(const char *path,
                                                               const char *prog,
                                                               const char *fmt, ...)
{
    FILE *f = fopen(path, "a");
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "%s: %s: write failed\n", prog, path);
        return -1;
    }
    return 0;
}

/* Keep this process, and the children it forks from now on, on the CPU it runs on. On this
 * project's 2-vCPU machine one-year baseline trials (a run that lives in the cache: 12 MB)
 * alternated between 1.3-1.6 M and 2.0 M events a second when each child was free to run
 * on either CPU, and also when each child kept to the CPU it started on; with the parent
 * and its children on one CPU (taskset -c 0, or -c 1) they read 1.8-2.1 M, one slow run in
 * 34. Best effort (Linux only): a failure leaves the process free to move. */
static void bench_stay_on_cpu(void)
{
#ifdef __linux__
    int cpu = sched_getcpu();
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    (void)sched_setaffinity(0, sizeof set, &set);
#endif
}

/* Fork a child with a pipe back to the parent: returns 0 in the child (*fd is the write
 * end), the child's pid in the parent (*fd is the read end), or -1 with msg set. Parent
 * and children keep to one CPU (bench_stay_on_cpu). */
static pid_t bench_spawn(int *fd, char *msg, size_t msglen)
{
    int p[2];
    fflush(NULL); /* the child must not flush our buffered output a second time */
    bench_stay_on_cpu();
    if (pipe(p) != 0) {
        snprintf(msg, msglen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(msg, msglen, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    close(pid == 0 ? p[0] : p[1]);
    *fd = pid == 0 ? p[1] : p[0];
    return pid;
}

/* In the child: send the report and end the process. */
static void bench_child_exit(int fd, const void *report, size_t size)
{
    ssize_t w = write(fd, report, size);
    _exit(w == (ssize_t)size ? 0 : 1);
}

/* Read `size` bytes into `report` from fd (then closed) and wait for child `pid`. Returns 0
 * if the whole report arrived and the child exited 0; else -1 with report zeroed and the
 * cause in msg (a child killed by SIGALRM ran past timeout_s). */
static int bench_collect(int fd, pid_t pid, void *report, size_t size, char *msg,
                         size_t msglen, int timeout_s)
{
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, (char *)report + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got == size && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    memset(report, 0, size);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
        snprintf(msg, msglen, "no result after %d s (hung?), killed", timeout_s);
    else if (WIFSIGNALED(status))
        snprintf(msg, msglen, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(msg, msglen, "child process failed (status %d)", status);
    return -1;
}

/* Run fn(ctx, report) in a forked child, killed after timeout_s seconds, and bring its
 * report (size bytes) back into *report. fn returns 0, or non-zero if it failed with no
 * report worth sending. Returns 0, or -1 with report zeroed and the cause in msg (msg may
 * lie inside report: it is written last). */
static int bench_in_child(int (*fn)(void *ctx, void *report), void *ctx, void *report,
                          size_t size, char *msg, size_t msglen, int timeout_s)
{
    int fd;
    pid_t pid = bench_spawn(&fd, msg, msglen);
    if (pid < 0)
        return -1;
    if (pid == 0) {
        alarm((unsigned)timeout_s); /* SIGALRM's default action ends the child */
        if (fn(ctx, report) != 0)
            _exit(1);
        bench_child_exit(fd, report, size);
    }
    return bench_collect(fd, pid, report, size, msg, msglen, timeout_s);
}

#endif
