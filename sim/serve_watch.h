/* The playground's watch on a run's client: a stop flag for the runner, raised when a stop
 * signal comes or the client closes its connection while its run goes on. */
#ifndef SERVE_WATCH_H
#define SERVE_WATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

/* A run's watch on its client: the runner's stop flag, raised (by a watching thread, or by
 * run_watch_progress when no thread could be started) when a stop signal came or the
 * client went away. The model reads the flag once a simulated week, the runner before
 * each replication, so a stop ends even one long replication within a simulated week. */
typedef struct run_watch {
    int fd;
    atomic_int stop;
    atomic_int gone;     /* the client closed its connection */
    atomic_int over;     /* the run has ended: the watching thread ends too */
    atomic_int watching; /* 1 while the watching thread watches */
    int wake[2];         /* a pipe: a byte on it wakes the watching thread */
    int thread;          /* 1 when a watching thread was started */
    pthread_t watcher;
    size_t done; /* replications done */
} run_watch;

/* Has the client of fd closed its connection (or its sending side: it will send no more,
 * as a browser tab closed or a request given up does)? Bytes after the request are read
 * and dropped (a connection carries one request), at most 64 KiB a call, so that a close
 * behind them is seen. 1 if gone, else 0; no wait. */
int client_gone(int fd);

/* Begin watching the client of fd before its run: w->stop is raised at once if a stop
 * signal came or the client has gone already (the run is then not to begin), else a
 * thread watches until run_watch_end. w must stay where it is until then. */
void run_watch_start(run_watch *w, int fd);

/* After the run: the watching thread ends and its pipe is closed. */
void run_watch_end(run_watch *w);

/* The runner's progress callback (ctx a run_watch; called under the runner's lock after
 * each replication): counts the replications done; without a watching thread, a stop
 * signal or a client gone raises the stop flag here, so that no new replication starts. */
void run_watch_progress(void *ctx, size_t done, size_t total);

#endif
