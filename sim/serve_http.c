/* The playground's HTTP/1.0, its generic part (see serve_http.h). */
#define _GNU_SOURCE /* MSG_NOSIGNAL, open_memstream */
#include "serve_http.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "out_file.h"

/* Write all of buf to fd (a client gone away is not our failure). */
void http_send_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return;
        }
        buf += w;
        n -= (size_t)w;
    }
}

/* Send an HTTP/1.0 answer on fd: status with its reason (400 "Bad Request" for a status
 * not listed), Content-Type type, an Allow header when allow is non-NULL, and body[0..n),
 * or (head_only: the answer to a HEAD) the same headers without the body; the connection
 * is to be closed after. A client gone away is not our failure (http_send_all). */
void http_respond_as(int fd, int status, const char *type, const char *body, size_t n,
                     const char *allow, int head_only)
{
    char head[320];
    const char *why = status == 200   ? "OK"
                      : status == 403 ? "Forbidden"
                      : status == 404 ? "Not Found"
                      : status == 405 ? "Method Not Allowed"
                      : status == 408 ? "Request Timeout"
                      : status == 411 ? "Length Required"
                      : status == 413 ? "Payload Too Large"
                      : status == 500 ? "Internal Server Error"
                      : status == 501 ? "Not Implemented"
                      : status == 503 ? "Service Unavailable"
                                      : "Bad Request";
    int h = snprintf(head, sizeof head,
                     "HTTP/1.0 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s%s%s"
                     "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
                     status, why, type, n, allow ? "Allow: " : "", allow ? allow : "",
                     allow ? "\r\n" : "");
    http_send_all(fd, head, (size_t)h);
    if (!head_only)
        http_send_all(fd, body, n);
}

/* http_respond_as with no Allow header, the body sent. */
void http_respond(int fd, int status, const char *type, const char *body, size_t n)
{
    http_respond_as(fd, status, type, body, n, NULL, 0);
}

/* A plain-text answer: its length counted, not written by hand. */
void http_respond_text(int fd, int status, const char *text)
{
    http_respond(fd, status, "text/plain", text, strlen(text));
}

/* {"ok": false, "error": msg}, with HTTP status `status` (400: the request's fault). */
void http_respond_error_as(int fd, int status, const char *msg)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    if (!m)
        return;
    fputs("{\"ok\": false, \"error\": ", m);
    out_json_str(m, msg);
    fputs("}\n", m);
    if (fclose(m) == 0)
        http_respond(fd, status, "application/json", buf, n);
    free(buf);
}

/* The request's fault: 400. */
void http_respond_error(int fd, const char *msg)
{
    http_respond_error_as(fd, 400, msg);
}

/* The end of the head in buf (its blank line, "\r\n\r\n" or a bare "\n\n" as some
 * HTTP/1.0 clients write), its length with the blank line into *head; NULL if not yet. */
char *http_head_end(char *buf, size_t *head)
{
    char *crlf = strstr(buf, "\r\n\r\n"), *lf = strstr(buf, "\n\n");
    if (crlf && (!lf || crlf < lf)) {
        *head = (size_t)(crlf + 4 - buf);
        return crlf;
    }
    if (lf)
        *head = (size_t)(lf + 2 - buf);
    return lf;
}

/* A header's value in the request head [req, end) by name, any case: *count the times it
 * appears, the first's value returned (NULL if none), its length in *n. */
const char *http_header(const char *req, const char *end, const char *name, int *count,
                        size_t *n)
{
    const char *first = NULL;
    size_t len = strlen(name);
    *count = 0;
    for (const char *h = strchr(req, '\n'); h && h < end; h = strchr(h + 1, '\n')) {
        if (strncasecmp(h + 1, name, len) != 0 || h[1 + len] != ':')
            continue;
        if ((*count)++ == 0) {
            first = h + 2 + len;
            while (*first == ' ' || *first == '\t')
                first++;
            *n = strcspn(first, "\r\n");
            while (*n > 0 && (first[*n - 1] == ' ' || first[*n - 1] == '\t'))
                (*n)--;
        }
    }
    return first;
}

/* The request line: "METHOD PATH HTTP/1.x". 1 if req starts with one, else 0. */
int http_request_line_ok(const char *req)
{
    size_t line = strcspn(req, "\r\n");
    const char *sp1 = memchr(req, ' ', line);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', line - (size_t)(sp1 + 1 - req)) : NULL;
    return sp1 && sp1 > req && sp2 && sp2 > sp1 + 1 && (size_t)(req + line - sp2) == 9 &&
           (!strncmp(sp2 + 1, "HTTP/1.0", 8) || !strncmp(sp2 + 1, "HTTP/1.1", 8));
}

int http_close(int fd)
{
    /* Closing with the client's bytes unread resets the connection, and a client still
     * sending (a body past the limit) then loses the answer: say we are done, then read
     * what comes for a while (at most 8 MiB, 50 ms of quiet, 1 s in all) before closing. */
    char sink[16384];
    size_t total = 0;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    (void)shutdown(fd, SHUT_WR);
    while (total < (8u << 20)) {
        ssize_t got = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
        if (got > 0) {
            total += (size_t)got;
            continue;
        }
        if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            break;
        clock_gettime(CLOCK_MONOTONIC, &t);
        struct pollfd pf = {fd, POLLIN, 0};
        if ((double)(t.tv_sec - t0.tv_sec) + 1e-9 * (double)(t.tv_nsec - t0.tv_nsec) > 1.0 ||
            poll(&pf, 1, 50) <= 0)
            break;
    }
    return close(fd);
}
