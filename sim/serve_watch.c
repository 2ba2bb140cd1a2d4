/* The playground's watch on a run's client (serve_watch.h): a thread that waits on the
 * client's socket while the run goes on, and raises the runner's stop flag when a stop
 * signal comes or the client closes its connection. */
#include "serve_watch.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"

int client_gone(int fd)
{
    char scratch[4096];
    for (int i = 0; i < 16; i++) {
        ssize_t r = recv(fd, scratch, sizeof scratch, MSG_DONTWAIT);
        if (r == 0)
            return 1;
        if (r < 0)
            return errno == EINTR ? 0 : errno != EAGAIN && errno != EWOULDBLOCK;
    }
    return 0;
}

/* The watching thread (arg its run_watch), while a run goes on: waits on the client's
 * socket (and the wake pipe, and a stop signal, read every 200 ms since it may be taken
 * by another thread) and raises the stop flag as soon as a stop signal came or the client
 * is gone. Only it reads the socket meanwhile. Returns NULL. */
static void *run_watch_thread(void *arg)
{
    run_watch *w = arg;
    while (!w->over && !w->stop) {
        struct pollfd pf[2] = {{w->fd, POLLIN, 0}, {w->wake[0], POLLIN, 0}};
        int r = poll(pf, 2, 200);
        if (app_stop_signal)
            w->stop = app_stop_signal;
        else if (r > 0 && (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) && client_gone(w->fd))
            w->gone = w->stop = 1;
        else if (r < 0 && errno != EINTR)
            break;
    }
    w->watching = 0; /* on a failed poll, the progress callback's check is what is left */
    return NULL;
}

void run_watch_start(run_watch *w, int fd)
{
    w->fd = fd;
    w->gone = client_gone(fd);
    w->stop = app_stop_signal ? app_stop_signal : w->gone;
    w->over = 0;
    w->watching = 0;
    w->wake[0] = w->wake[1] = -1;
    w->thread = 0;
    w->done = 0;
    if (!w->stop && pipe(w->wake) == 0) {
        w->watching = 1; /* before the thread runs: it lowers it if its poll fails */
        w->thread = pthread_create(&w->watcher, NULL, run_watch_thread, w) == 0;
        if (!w->thread)
            w->watching = 0;
    }
}

void run_watch_end(run_watch *w)
{
    if (w->thread) {
        w->over = 1;
        (void)!write(w->wake[1], "", 1);
        pthread_join(w->watcher, NULL);
        w->thread = 0;
    }
    for (int i = 0; i < 2; i++)
        if (w->wake[i] >= 0) {
            close(w->wake[i]);
            w->wake[i] = -1;
        }
}

void run_watch_progress(void *ctx, size_t done, size_t total)
{
    (void)total;
    run_watch *w = ctx;
    w->done = done;
    if (w->stop || w->watching)
        return;
    if (app_stop_signal)
        w->stop = app_stop_signal;
    else if (client_gone(w->fd))
        w->stop = w->gone = 1;
}
