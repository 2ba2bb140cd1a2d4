/* The parent's side of a benchmark run in a forked child (so that its peak RSS is its
 * own): read the child's fixed-size report from a pipe, reap it, and say what went wrong.
 * Shared by bench_core.c and bench_model.c. */
#ifndef BENCH_CHILD_H
#define BENCH_CHILD_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

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

#endif
