/* A tiny test harness: CHECK, CHECK_NEAR, pass/fail counters, a final summary line, and
 * whether this is the sanitizer pass. */
#ifndef HARNESS_H
#define HARNESS_H

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* The only globals a test binary has: one harness per executable. */
static unsigned long harness_passed, harness_failed;

/* Count one check; on failure print "file:line: message". Returns ok, so loops can stop at
 * the first failure instead of printing thousands. */
__attribute__((format(printf, 4, 5))) static inline int harness_check(int ok, const char *file,
                                                                    int line, const char *fmt,
                                                                    ...)
{
    if (ok) {
        harness_passed++;
        return 1;
    }
    harness_failed++;
    va_list ap;
    va_start(ap, fmt);
    printf("%s:%d: FAIL: ", file, line);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    return 0;
}

/* |got - want| <= tol; NaN matches only NaN and an infinity only itself, so a test can
 * assert "undefined" results too. */
static inline int harness_check_near(double got, double want, double tol, const char *what,
                                     const char *file, int line)
{
    int ok = (isnan(want) && isnan(got)) || got == want || fabs(got - want) <= tol;
    return harness_check(ok, file, line, "%s: expected %.17g within %.3g, got %.17g (diff %.3g)",
                         what, want, tol, got, got - want);
}

/* CHECK(cond, "what was expected", args...): the message should say expected and got. */
#define CHECK(cond, ...) harness_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_NEAR(got, want, tol, what)                                                       \
    harness_check_near((got), (want), (tol), (what), __FILE__, __LINE__)

/* Run one test function, naming it so a failure can be placed. */
#define RUN_TEST(fn) RUN_TEST_WITH(fn, )
/* The same for a test that takes an argument (the paths a test program was given). */
#define RUN_TEST_WITH(fn, arg)                                                                 \
    do {                                                                                       \
        printf("-- %s\n", #fn);                                                                \
        fflush(stdout);                                                                        \
        fn(arg);                                                                               \
    } while (0)

/* 1 in the sanitizer pass: a build with AddressSanitizer (make test's second pass, or
 * make SANITIZE=address,... test), known at compile time. That pass hunts memory errors
 * and undefined behaviour, for which each code path once is enough, so a test may run its
 * scenarios there at small size and leave the checks that need many replications to the
 * optimised pass, which runs them all (harness_scope says so in the log). */
static inline int harness_sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
    return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 1;
#else
    return 0;
#endif
#else
    return 0;
#endif
}

/* Replications of a scenario whose statistics need n: n, but 1 in the sanitizer pass,
 * which needs each scenario run once and leaves those statistics to the optimised pass. */
static inline int harness_reps(int n)
{
    return harness_sanitized() ? 1 : n;
}

/* In the sanitizer pass, print "sanitizer pass: <left> left to the optimised pass"
 * (tests/run-tests.sh shows such a line under the test's result). */
static inline void harness_scope(const char *left)
{
    if (harness_sanitized())
        printf("sanitizer pass: %s left to the optimised pass\n", left);
}

/* 1 when fn, run in a child process, trips an assertion (the child dies of SIGABRT), 0 when
 * it returns or dies otherwise: a check that a bug is caught rather than handled. The
 * child's stderr (the assertion's message) goes to /dev/null, so the log shows only the
 * check's result. */
static inline int harness_aborts(void (*fn)(void))
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDERR_FILENO);
        alarm(60);
        fn();
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return 0;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* Print "N passed, M failed"; the process exit status: non-zero on any failure. */
static inline int harness_done(void)
{
    printf("%lu passed, %lu failed\n", harness_passed, harness_failed);
    return harness_failed ? 1 : 0;
}

#endif
