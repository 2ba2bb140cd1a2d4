/* The playground's HTTP/1.0, its generic part: answers (status, headers, a body or none
 * for HEAD) and reading a request's head. What is served and when is sim/cmd_serve.c's. */
#ifndef SERVE_HTTP_H
#define SERVE_HTTP_H

#include <stddef.h>

/* Write all of buf to fd (a client gone away is not our failure). */
void http_send_all(int fd, const char *buf, size_t n);

/* Send an HTTP/1.0 answer on fd: status with its reason (400 "Bad Request" for a status
 * not listed), Content-Type type, an Allow header when allow is non-NULL, and body[0..n),
 * or (head_only: the answer to a HEAD) the same headers without the body; the connection
 * is to be closed after. A client gone away is not our failure (http_send_all). */
void http_respond_as(int fd, int status, const char *type, const char *body, size_t n,
                     const char *allow, int head_only);

/* http_respond_as with no Allow header, the body sent. */
void http_respond(int fd, int status, const char *type, const char *body, size_t n);

/* A plain-text answer: its length counted, not written by hand. */
void http_respond_text(int fd, int status, const char *text);

/* {"ok": false, "error": msg}, with HTTP status `status` (400: the request's fault). */
void http_respond_error_as(int fd, int status, const char *msg);

/* The request's fault: 400. */
void http_respond_error(int fd, const char *msg);

/* The request line: "METHOD PATH HTTP/1.x". 1 if req starts with one, else 0. */
int http_request_line_ok(const char *req);
/* Close a connection refused before its request was read whole, reading what the client
 * still sends for a moment (up to 8 MiB, at most 1 s) so that the answer is not lost to a
 * reset; close's result. */
int http_close(int fd);

/* The end of the head in buf (its blank line, "\r\n\r\n" or a bare "\n\n" as some
 * HTTP/1.0 clients write), its length with the blank line into *head; NULL if not yet. */
char *http_head_end(char *buf, size_t *head);

/* A header's value in the request head [req, end) by name, any case: *count the times it
 * appears, the first's value returned (NULL if none), its length in *n. */
const char *http_header(const char *req, const char *end, const char *name, int *count,
                        size_t *n);

#endif
