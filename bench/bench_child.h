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

/* Fork a child with a pipe back to the parent: returns 0 in the child (*fd is the write
 * end), the child's pid in the parent (*fd is the read end), or -1 with msg set. */
static pid_t bench_spawn(int *fd, char *msg, size_t msglen)
{
    int p[2];
    fflush(NULL); /* the child must not flush our buffered output a second time */
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

#endif
