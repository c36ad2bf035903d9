/* Network probes (httpGet, tcpSocket) driven by the supervisor's
 * single-threaded epoll loop.  Nothing here blocks, forks or starts a
 * thread: the supervisor creates the socket inside the pod's network
 * namespace itself (a socket keeps the namespace it was created in) and
 * advances the probe on readiness.  The deadline is the caller's (its
 * timerfd); these functions never wait.
 *
 * Semantics follow the kubelet's:
 *   tcpSocket: success = the TCP connection is established; it is then
 *     closed at once.
 *   httpGet: "GET <path> HTTP/1.1" to host:port with Host (host:port, or an
 *     httpHeaders "Host"), "User-Agent: berth-probe/1" and an Accept of
 *     any type unless httpHeaders set them, "Connection: close", then the
 *     httpHeaders.  Success = a final status 200..399 once the response
 *     headers are complete; redirects are not followed (a 3xx is success);
 *     1xx interim responses (except 101) are skipped.  Any other status, a
 *     refused or reset connection, a malformed status line, a close before
 *     the end of the headers, or the caller's timeout = failure.  The body
 *     is not read.
 * Host: absent = 127.0.0.1 (the pod has only loopback in its namespace);
 * otherwise a numeric IPv4/IPv6 address or "localhost".  Names are not
 * resolved (no DNS in the supervisor): probe_net_start rejects them.
 *
 * Use from an epoll loop (level-triggered or edge-triggered):
 *
 *     struct probe_net p;
 *     r = probe_net_start(&p, h, pod_netns_fd, &err);
 *     if (r < 0)           -> setup error (err says why), p holds nothing
 *     if (r == PROBE_PENDING) {
 *             epoll_ctl(ep, EPOLL_CTL_ADD, p.fd, {p.events, tag});
 *             arm the timerfd for timeoutSeconds
 *     } else               -> decided already (e.g. refused), p.fd is -1
 *   on readiness of p.fd:
 *     uint32_t was = p.events;
 *     o = probe_net_step(&p, revents);
 *     if (o == PROBE_PENDING && p.events != was)
 *             epoll_ctl(ep, EPOLL_CTL_MOD, p.fd, {p.events, tag});
 *   on the deadline:  o = probe_net_timeout(&p);
 *   once o != PROBE_PENDING: epoll_ctl(ep, EPOLL_CTL_DEL, p.fd, NULL) and
 *     then probe_net_close(&p).  DEL before close matters: a child forked
 *     meanwhile may hold a copy of the fd, and epoll forgets an fd only
 *     when the last copy of its file is closed.
 *   probe_net_message(&p) describes the outcome until the next start. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"
#include "specs/pod_spec.h"

enum probe_outcome { PROBE_PENDING, PROBE_SUCCESS, PROBE_FAILURE };

/* Where a probe is; the timeout message names it. */
enum probe_net_phase {
	PROBE_NET_IDLE,          /* not started, or closed */
	PROBE_NET_CONNECTING,    /* waits for EPOLLOUT: the handshake */
	PROBE_NET_SENDING,       /* waits for EPOLLOUT: room for the rest of the request */
	PROBE_NET_RECEIVING,     /* waits for EPOLLIN: status line and headers */
	PROBE_NET_DONE,          /* outcome decided */
};

#define PROBE_NET_MSG_MAX 512
/* How much of a status line is kept (for the message); longer is fine. */
#define PROBE_NET_STATUS_KEEP 128
/* Limits past which a response is malformed rather than slow. */
#define PROBE_NET_STATUS_LINE_MAX 4096
#define PROBE_NET_HEADERS_MAX (1024 * 1024)
/* Interim (1xx) responses skipped before a final one, as Go's client. */
#define PROBE_NET_INTERIM_MAX 5

/* Incremental HTTP response head parser (probe_http.c). */
struct probe_http_rx {
	char status[PROBE_NET_STATUS_KEEP];  /* start of the current status line */
	size_t status_len;                   /* its length so far (may exceed what is kept) */
	bool in_headers;                     /* past the status line */
	bool line_empty;                     /* the current header line has no content yet */
	size_t header_bytes;
	int code;                            /* status code of the current response */
	int interim;                         /* 1xx responses skipped */
	size_t received;                     /* bytes read in all */
};

/* Caller-allocated.  `fd` and `events` are for the caller to read; the
 * rest is private.  No allocation happens after probe_net_start. */
struct probe_net {
	int fd;                  /* register while PENDING; -1 when there is none */
	uint32_t events;         /* EPOLLOUT or EPOLLIN: what fd waits for */
	enum probe_net_phase phase;
	enum probe_outcome outcome;
	bool http;
	char *req;               /* the request text (HTTP) */
	size_t req_len, req_sent;
	char target[64];         /* "127.0.0.1:8080", "[::1]:8080" */
	struct timespec started; /* CLOCK_MONOTONIC, for the timeout message */
	struct probe_http_rx rx;
	char msg[PROBE_NET_MSG_MAX];
};

/* Make `p` safe to probe_net_close without having been started. */
void probe_net_init(struct probe_net *p);

/* Start probe `h` (HTTP_GET or TCP_SOCKET) with a non-blocking connect
 * from inside the network namespace `netns_fd` (-1: the caller's own, e.g.
 * hostNetwork).  `p` must not hold a running probe.  Returns:
 *   PROBE_PENDING: register p->fd for p->events;
 *   PROBE_SUCCESS or PROBE_FAILURE: decided at once (a refused connect to
 *     loopback is), p->fd is -1 and the message says why;
 *   a negative errno with `err` filled when the probe cannot be run at all
 *     (a host name, a header value with control characters, EXEC, no
 *     memory, no such namespace).  -ENOTRECOVERABLE means the process
 *     could not return to its own network namespace after entering the
 *     pod's: it is now in the wrong one and must not carry on. */
int probe_net_start(struct probe_net *p, const struct pod_handler *h, int netns_fd,
		    struct b_err *err);

/* Advance on readiness of p->fd (`revents` from epoll; the socket's own
 * state decides, so a spurious wakeup is harmless).  Returns the outcome
 * (PENDING: keep waiting; p->events may have changed).  Once decided it
 * keeps returning the same outcome. */
enum probe_outcome probe_net_step(struct probe_net *p, uint32_t revents);

/* The caller's deadline passed: a pending probe fails with "timeout after
 * N.NNs <what it was doing>"; a decided one keeps its outcome. */
enum probe_outcome probe_net_timeout(struct probe_net *p);

/* Short human text for the outcome so far, e.g. "HTTP 200", "HTTP probe
 * failed with statuscode: 500" (the kubelet's wording), "connect
 * 127.0.0.1:8080: Connection refused", "timeout after 1.00s awaiting the
 * status line".  Valid until the next probe_net_start. */
const char *probe_net_message(const struct probe_net *p);

/* Close the socket and free the request; the message stays readable.
 * Safe twice and after a failed start. */
void probe_net_close(struct probe_net *p);

/* ---- internal, shared by probe_net.c and probe_http.c ------------------ */

/* The request text for `h` (malloc'd, *len bytes, no NUL needed), with
 * Host defaulting to `host_port`.  -EINVAL with `err` for a header value
 * that cannot be sent. */
int probe_http_request(const struct pod_handler *h, const char *host_port,
		       char **out, size_t *len, struct b_err *err);

enum probe_http_feed {
	PROBE_HTTP_MORE,         /* the response head is not complete yet */
	PROBE_HTTP_FINAL,        /* rx->code is the final status */
	PROBE_HTTP_MALFORMED,    /* msg says what is wrong */
};

/* Feed received bytes; bytes after the final response head are ignored. */
enum probe_http_feed probe_http_feed(struct probe_http_rx *rx, const char *buf, size_t n,
				     char *msg, size_t msg_size);

/* Why the response is incomplete, for a close or a timeout. */
void probe_http_incomplete(const struct probe_http_rx *rx, char *msg, size_t msg_size,
			   const char *what);
