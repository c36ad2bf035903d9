/* httpGet and tcpSocket probes as a non-blocking state machine: connect,
 * send the request, read the response head.  The socket is created inside
 * the pod's network namespace by stepping into it and straight back, so the
 * supervisor needs no helper process; everything after that is ordinary
 * non-blocking I/O on the socket, which stays in that namespace. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "supervisor/probe_net.h"

void probe_net_init(struct probe_net *p)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

/* ---- setup ----------------------------------------------------------- */

/* Only literals and "localhost": a DNS lookup would block the loop, and a
 * pod's probe target is almost always its own loopback. */
static int resolve(const struct pod_handler *h, struct sockaddr_storage *ss, socklen_t *len,
		   char *target, size_t target_size, struct b_err *err)
{
	const char *host = h->host ? h->host : "127.0.0.1";
	const char *literal = strcmp(host, "localhost") ? host : "127.0.0.1";
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, literal, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(h->port);
		*len = sizeof(*in);
		snprintf(target, target_size, "%s:%u", host, h->port);
	} else if (inet_pton(AF_INET6, literal, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(h->port);
		*len = sizeof(*in6);
		snprintf(target, target_size, "[%s]:%u", host, h->port);
	} else {
		return b_err_set(err, EINVAL, "probe host \"%.200s\" is not an IP address "
				 "(berth does not resolve host names for probes)", host);
	}
	return 0;
}

static int new_socket(int family, struct b_err *err)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	return fd < 0 ? b_err_sys(err, errno, "creating the probe socket") : fd;
}

/* setns(CLONE_NEWNET) changes only the calling thread's namespace, and the
 * socket remembers the namespace it was made in; the way back must work or
 * every later socket of the supervisor would land in the pod. */
static int socket_in_netns(int netns_fd, int family, struct b_err *err)
{
	_cleanup_close_ int self = -1;
	_cleanup_close_ int fd = -1;
	struct b_err inner = { 0 };

	if (netns_fd < 0)
		return new_socket(family, err);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return b_err_sys(err, errno, "opening /proc/thread-self/ns/net");
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return b_err_sys(err, errno, "entering the pod's network namespace");
	fd = new_socket(family, &inner);
	if (setns(self, CLONE_NEWNET) < 0)
		return b_err_set(err, ENOTRECOVERABLE, "returning from the pod's network namespace: %s "
				 "(the supervisor is left in it)", strerror(errno));
	if (fd < 0) {
		*err = inner;
		return fd;
	}
	return b_steal_fd(fd);
}

/* ---- outcomes -------------------------------------------------------- */

/* The socket stays open: the caller must take it out of epoll first. */
static enum probe_outcome decide(struct probe_net *p, enum probe_outcome o)
{
	p->outcome = o;
	p->phase = PROBE_NET_DONE;
	p->events = 0;
	free(p->req);
	p->req = NULL;
	return o;
}

static enum probe_outcome fail_sys(struct probe_net *p, const char *what, int e)
{
	snprintf(p->msg, sizeof(p->msg), "%s: %s", what, strerror(e));
	return decide(p, PROBE_FAILURE);
}

/* The kubelet's rule: 200..399 succeed (a redirect is not followed). */
static enum probe_outcome http_result(struct probe_net *p)
{
	int code = p->rx.code;

	if (code >= 200 && code < 300)
		snprintf(p->msg, sizeof(p->msg), "HTTP %d", code);
	else if (code >= 300 && code < 400)
		snprintf(p->msg, sizeof(p->msg), "HTTP %d (redirect not followed)", code);
	else
		snprintf(p->msg, sizeof(p->msg), "HTTP probe failed with statuscode: %d", code);
	return decide(p, code >= 200 && code < 400 ? PROBE_SUCCESS : PROBE_FAILURE);
}

/* ---- the phases ------------------------------------------------------ */

/* MSG_NOSIGNAL: a peer that already closed must not SIGPIPE the supervisor. */
static enum probe_outcome send_more(struct probe_net *p)
{
	while (p->req_sent < p->req_len) {
		ssize_t n = send(p->fd, p->req + p->req_sent, p->req_len - p->req_sent,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return PROBE_PENDING;
		if (n < 0)
			return fail_sys(p, "sending the HTTP request", errno);
		p->req_sent += (size_t)n;
	}
	free(p->req);
	p->req = NULL;
	p->phase = PROBE_NET_RECEIVING;
	p->events = EPOLLIN;
	return PROBE_PENDING;
}

static enum probe_outcome connected(struct probe_net *p)
{
	if (!p->http) {
		snprintf(p->msg, sizeof(p->msg), "connected to %s", p->target);
		return decide(p, PROBE_SUCCESS);
	}
	p->phase = PROBE_NET_SENDING;
	p->events = EPOLLOUT;
	return send_more(p);
}

/* SO_ERROR is 0 both when connected and while still connecting; only
 * getpeername tells them apart, so a spurious wakeup is not a success. */
static enum probe_outcome connect_done(struct probe_net *p)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(int);
	char what[96];
	int e = 0;

	snprintf(what, sizeof(what), "connect %s", p->target);
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return fail_sys(p, what, errno);
	if (e)
		return fail_sys(p, what, e);
	len = sizeof(peer);
	if (getpeername(p->fd, (struct sockaddr *)&peer, &len) < 0)
		return errno == ENOTCONN ? PROBE_PENDING : fail_sys(p, what, errno);
	return connected(p);
}

/* Reads until the head is decided or the socket is drained (which also
 * suits edge-triggered epoll).  The body is never read. */
static enum probe_outcome receive(struct probe_net *p)
{
	char buf[4096];

	for (;;) {
		ssize_t n = recv(p->fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return PROBE_PENDING;
		if (n < 0)
			return fail_sys(p, "reading the HTTP response", errno);
		if (n == 0) {
			probe_http_incomplete(&p->rx, p->msg, sizeof(p->msg), "connection closed");
			return decide(p, PROBE_FAILURE);
		}
		switch (probe_http_feed(&p->rx, buf, (size_t)n, p->msg, sizeof(p->msg))) {
		case PROBE_HTTP_MORE:
			break;
		case PROBE_HTTP_FINAL:
			return http_result(p);
		case PROBE_HTTP_MALFORMED:
			return decide(p, PROBE_FAILURE);
		}
	}
}

/* ---- the interface --------------------------------------------------- */

static enum probe_outcome connect_start(struct probe_net *p, const struct sockaddr_storage *ss,
					socklen_t len)
{
	char what[96];

	/* A non-blocking connect does not sleep, so EINTR only means "in
	 * progress" like EINPROGRESS. */
	if (connect(p->fd, (const struct sockaddr *)ss, len) < 0) {
		if (errno == EINPROGRESS || errno == EINTR) {
			p->phase = PROBE_NET_CONNECTING;
			p->events = EPOLLOUT;
			return PROBE_PENDING;
		}
		snprintf(what, sizeof(what), "connect %s", p->target);
		return fail_sys(p, what, errno);
	}
	return connected(p);
}

int probe_net_start(struct probe_net *p, const struct pod_handler *h, int netns_fd,
		    struct b_err *err)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	enum probe_outcome o;
	int r;

	probe_net_init(p);
	if (h->kind != POD_HANDLER_HTTP_GET && h->kind != POD_HANDLER_TCP_SOCKET)
		return b_err_set(err, EINVAL, "not an httpGet or tcpSocket handler");
	if ((r = resolve(h, &ss, &len, p->target, sizeof(p->target), err)) < 0)
		return r;
	p->http = h->kind == POD_HANDLER_HTTP_GET;
	if (p->http && (r = probe_http_request(h, p->target, &p->req, &p->req_len, err)) < 0)
		return r;
	r = socket_in_netns(netns_fd, ss.ss_family, err);
	if (r < 0) {
		probe_net_close(p);
		return r;
	}
	p->fd = r;
	clock_gettime(CLOCK_MONOTONIC, &p->started);
	o = connect_start(p, &ss, len);
	/* Decided before the caller registered the fd: nothing to unregister. */
	if (o != PROBE_PENDING)
		probe_net_close(p);
	return (int)o;
}

enum probe_outcome probe_net_step(struct probe_net *p, uint32_t revents)
{
	switch (p->phase) {
	case PROBE_NET_CONNECTING:
		return connect_done(p);
	case PROBE_NET_SENDING:
		return send_more(p);
	case PROBE_NET_RECEIVING:
		return receive(p);
	case PROBE_NET_IDLE:
	case PROBE_NET_DONE:
		break;
	}
	return p->outcome;
}

enum probe_outcome probe_net_timeout(struct probe_net *p)
{
	struct timespec now;
	char what[64];
	double secs;

	if (p->phase == PROBE_NET_IDLE || p->phase == PROBE_NET_DONE)
		return p->outcome;
	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = (double)(now.tv_sec - p->started.tv_sec) +
	       (double)(now.tv_nsec - p->started.tv_nsec) / 1e9;
	snprintf(what, sizeof(what), "timeout after %.2fs", secs);
	if (p->phase == PROBE_NET_CONNECTING)
		snprintf(p->msg, sizeof(p->msg), "%s connecting to %s", what, p->target);
	else if (p->phase == PROBE_NET_SENDING)
		snprintf(p->msg, sizeof(p->msg), "%s sending the HTTP request (%zu of %zu bytes sent)",
			 what, p->req_sent, p->req_len);
	else
		probe_http_incomplete(&p->rx, p->msg, sizeof(p->msg), what);
	return decide(p, PROBE_FAILURE);
}

const char *probe_net_message(const struct probe_net *p)
{
	return p->msg;
}

void probe_net_close(struct probe_net *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->events = 0;
	free(p->req);
	p->req = NULL;
	if (p->phase != PROBE_NET_DONE)
		p->phase = PROBE_NET_IDLE;
}
