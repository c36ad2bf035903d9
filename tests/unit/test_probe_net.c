/* supervisor/probe_net: httpGet and tcpSocket probes driven by a small
 * epoll loop against forked servers on 127.0.0.1, one of them inside a new
 * network namespace.  Needs root (setns, unshare). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "netns/netns.h"
#include "supervisor/probe_net.h"
#include "testmain.h"
#include "testskip.h"

/* ---- servers (forked children: plain blocking I/O) -------------------- */

/* Serve one accepted connection; 0 when it went as the test expects. */
typedef int (*conn_fn)(int conn, const void *arg);

struct server {
	pid_t pid;
	uint16_t port;
};

/* A TCP socket bound to 127.0.0.1:port (0: ephemeral); *port gets the
 * port.  rcvbuf > 0 shrinks the receive buffer (inherited by accepted
 * connections) so that a big request cannot be sent in one go. */
static int bound(uint16_t *port, int rcvbuf)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(*port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&a, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* A port where nothing listens (kept bound so nothing else takes it). */
static int refusing(uint16_t *port)
{
	int fd;

	*port = 0;
	fd = bound(port, 0);
	ck_assert_int_ge(fd, 0);
	return fd;
}

__attribute__((noreturn)) static void serve(int lfd, conn_fn fn, const void *arg, int n)
{
	int bad = 0;

	signal(SIGPIPE, SIG_IGN);
	alarm(3);  /* a probe that never connects must not hang the test */
	for (int i = 0; i < n; i++) {
		int c = accept(lfd, NULL, NULL);

		bad |= c < 0 || fn(c, arg);
		if (c >= 0)
			close(c);
	}
	_exit(bad);
}

static void server_start(struct server *s, conn_fn fn, const void *arg, int n, int rcvbuf)
{
	int lfd;

	s->port = 0;
	lfd = bound(&s->port, rcvbuf);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(listen(lfd, 8), 0);
	s->pid = fork();
	ck_assert_int_ge(s->pid, 0);
	if (s->pid == 0)
		serve(lfd, fn, arg, n);
	close(lfd);
}

/* The server's verdict: its exit status (0 = as expected). */
static int server_wait(struct server *s)
{
	int st;

	ck_assert_int_eq(waitpid(s->pid, &st, 0), s->pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void server_kill(struct server *s)
{
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
}

/* Read the request head (up to the blank line); its length, -1 on EOF
 * before it or an error. */
static ssize_t read_request(int c, char *buf, size_t size)
{
	size_t got = 0;

	while (got + 1 < size) {
		ssize_t n = read(c, buf + got, size - 1 - got);

		if (n <= 0)
			return -1;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			return (ssize_t)got;
	}
	return -1;
}

static int send_all(int c, const char *s)
{
	size_t len = strlen(s);

	return write(c, s, len) == (ssize_t)len ? 0 : 1;
}

/* Answer with the canned response `arg`. */
static int reply(int c, const void *arg)
{
	char req[8192];

	if (read_request(c, req, sizeof(req)) < 0)
		return 1;
	return send_all(c, arg);
}

/* Read the request, then say nothing until killed. */
static int silent(int c, const void *arg)
{
	char req[8192];

	read_request(c, req, sizeof(req));
	pause();
	return 0;
}

/* The Host line a probe of this connection sends by default. */
static void default_host(int c, char *buf, size_t size)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	getsockname(c, (struct sockaddr *)&a, &len);
	snprintf(buf, size, "\r\nHost: 127.0.0.1:%u\r\n", ntohs(a.sin_port));
}

/* Answer 200 when the request contains every line of `arg` (a NULL-ended
 * array; "!x" means x must not occur, "@host" stands for the default Host
 * line), 500 otherwise. */
static int check_lines(int c, const void *arg)
{
	const char *const *want = arg;
	char req[8192], host[64];
	int bad = 0;

	if (read_request(c, req, sizeof(req)) < 0)
		return 1;
	default_host(c, host, sizeof(host));
	for (; *want; want++) {
		const char *w = strcmp(*want, "@host") ? *want : host;

		bad |= w[0] == '!' ? strstr(req, w + 1) != NULL : !strstr(req, w);
	}
	send_all(c, bad ? "HTTP/1.1 500 Wrong\r\n\r\n" : "HTTP/1.1 200 OK\r\n\r\n");
	return bad;
}

/* A slow reader of a big request: the probe must write it in parts. */
static int slow_big(int c, const void *arg)
{
	size_t size = 4 << 20;
	_cleanup_free_ char *req = malloc(size);
	ssize_t n;

	usleep(100 * 1000);
	n = req ? read_request(c, req, size) : -1;
	if (n < *(const ssize_t *)arg)
		return 1;
	return send_all(c, "HTTP/1.1 200 OK\r\n\r\n");
}

/* ---- the probe's driver: a minimal supervisor loop -------------------- */

struct run {
	enum probe_outcome o;
	char msg[PROBE_NET_MSG_MAX];
	int sending_steps;           /* steps taken with part of the request unsent */
	int sndbuf;                  /* > 0: shrink the probe socket's send buffer */
	long ms;                     /* how long it took */
};

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static enum probe_outcome loop(struct probe_net *p, int ep, long deadline, struct run *out)
{
	enum probe_outcome o = PROBE_PENDING;

	while (o == PROBE_PENDING) {
		struct epoll_event got, ev;
		long left = deadline - now_ms();
		uint32_t was = p->events;
		int n = left > 0 ? epoll_wait(ep, &got, 1, (int)left) : 0;

		ck_assert_int_ge(n, 0);
		if (n == 0)
			return probe_net_timeout(p);
		if (p->phase == PROBE_NET_SENDING)
			out->sending_steps++;
		o = probe_net_step(p, got.events);
		if (o == PROBE_PENDING && p->events != was) {
			ev = (struct epoll_event){ .events = p->events };
			ck_assert_int_eq(epoll_ctl(ep, EPOLL_CTL_MOD, p->fd, &ev), 0);
		}
	}
	return o;
}

static enum probe_outcome drive(const struct pod_handler *h, int netns_fd, int timeout_ms,
				struct run *out)
{
	_cleanup_close_ int ep = epoll_create1(EPOLL_CLOEXEC);
	long start = now_ms();
	struct b_err err = { 0 };
	struct probe_net p;
	int r;

	int sndbuf = out->sndbuf;

	memset(out, 0, sizeof(*out));
	r = probe_net_start(&p, h, netns_fd, &err);
	ck_assert_msg(r >= 0, "probe_net_start: %s", err.msg);
	if (r == PROBE_PENDING) {
		struct epoll_event ev = { .events = p.events };

		ck_assert_int_ge(p.fd, 0);
		/* Loopback sizes the send buffer from the congestion window at
		 * connect time (megabytes): only a small one forces partial
		 * writes.  Takes effect while connecting (the usual case). */
		if (sndbuf > 0)
			setsockopt(p.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
		ck_assert_int_eq(epoll_ctl(ep, EPOLL_CTL_ADD, p.fd, &ev), 0);
		r = loop(&p, ep, start + timeout_ms, out);
		ck_assert_int_eq(epoll_ctl(ep, EPOLL_CTL_DEL, p.fd, NULL), 0);
	} else {
		ck_assert_int_eq(p.fd, -1);
	}
	/* Decided means decided: more steps or a late deadline change nothing. */
	ck_assert_int_eq(probe_net_step(&p, EPOLLIN), r);
	ck_assert_int_eq(probe_net_timeout(&p), r);
	probe_net_close(&p);
	probe_net_close(&p);
	snprintf(out->msg, sizeof(out->msg), "%s", probe_net_message(&p));
	out->o = (enum probe_outcome)r;
	out->ms = now_ms() - start;
	return out->o;
}

static struct pod_handler http(uint16_t port, const char *path)
{
	return (struct pod_handler){ .kind = POD_HANDLER_HTTP_GET, .port = port,
				     .path = (char *)path };
}

static struct pod_handler tcp(uint16_t port)
{
	return (struct pod_handler){ .kind = POD_HANDLER_TCP_SOCKET, .port = port };
}

/* One request against a server answering `resp`. */
static void http_case(const char *resp, enum probe_outcome want, const char *want_msg)
{
	struct server s;
	struct pod_handler h;
	struct run r;

	server_start(&s, reply, resp, 1, 0);
	h = http(s.port, "/healthz");
	drive(&h, -1, 1000, &r);
	ck_assert_msg(r.o == want, "outcome %d (%s), want %d", r.o, r.msg, want);
	ck_assert_str_eq(r.msg, want_msg);
	ck_assert_int_eq(server_wait(&s), 0);
}

/* ---- status codes ---------------------------------------------------- */

START_TEST(http_200)
{
	http_case("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", PROBE_SUCCESS, "HTTP 200");
}
END_TEST

START_TEST(http_301_not_followed)
{
	/* The server takes one connection: following would be refused. */
	http_case("HTTP/1.1 301 Moved Permanently\r\nLocation: http://127.0.0.1:1/\r\n\r\n",
		  PROBE_SUCCESS, "HTTP 301 (redirect not followed)");
}
END_TEST

START_TEST(http_404_500)
{
	http_case("HTTP/1.1 404 Not Found\r\n\r\n", PROBE_FAILURE,
		  "HTTP probe failed with statuscode: 404");
	http_case("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
		  PROBE_FAILURE, "HTTP probe failed with statuscode: 500");
	http_case("HTTP/1.1 199 Odd\r\n\r\nHTTP/1.1 101 Switching\r\n\r\n", PROBE_FAILURE,
		  "HTTP probe failed with statuscode: 101");
}
END_TEST

START_TEST(http_10_bare_lf_no_reason)
{
	http_case("HTTP/1.0 204 No Content\n\n", PROBE_SUCCESS, "HTTP 204");
	http_case("HTTP/1.0 200\r\n\r\n", PROBE_SUCCESS, "HTTP 200");
	http_case("HTTP/1.1   399 Spaces\r\n\r\n", PROBE_SUCCESS,
		  "HTTP 399 (redirect not followed)");
}
END_TEST

START_TEST(http_interim_skipped)
{
	http_case("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
		  "HTTP/1.1 200 OK\r\n\r\n", PROBE_SUCCESS, "HTTP 200");
	http_case("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\n\r\n", PROBE_FAILURE,
		  "HTTP probe failed with statuscode: 503");
}
END_TEST

START_TEST(http_malformed)
{
	http_case("SSH-2.0-OpenSSH_9.2\r\n", PROBE_FAILURE,
		  "malformed HTTP status line \"SSH-2.0-OpenSSH_9.2\"");
	http_case("HTTP/1.1 2000 OK\r\n\r\n", PROBE_FAILURE,
		  "malformed HTTP status line \"HTTP/1.1 2000 OK\"");
	http_case("HTTP/1.1 20\r\n\r\n", PROBE_FAILURE, "malformed HTTP status line \"HTTP/1.1 20\"");
	/* Not HTTP: decided without waiting for a line end. */
	http_case("hello", PROBE_FAILURE, "malformed HTTP status line \"hello\"");
}
END_TEST

START_TEST(http_closed_early)
{
	http_case("", PROBE_FAILURE, "connection closed before any response");
	http_case("HTTP/1.1 20", PROBE_FAILURE, "connection closed in the HTTP status line");
	http_case("HTTP/1.1 200 OK\r\nX-A: b\r\n", PROBE_FAILURE,
		  "connection closed in the headers of an HTTP 200 response");
}
END_TEST

/* ---- connection-level outcomes --------------------------------------- */

START_TEST(refused)
{
	char want[96];
	uint16_t port;
	_cleanup_close_ int fd = refusing(&port);
	struct pod_handler h = http(port, "/");
	struct run r;

	snprintf(want, sizeof(want), "connect 127.0.0.1:%u: Connection refused", port);
	drive(&h, -1, 1000, &r);
	ck_assert_int_eq(r.o, PROBE_FAILURE);
	ck_assert_str_eq(r.msg, want);
	h = tcp(port);
	drive(&h, -1, 1000, &r);
	ck_assert_int_eq(r.o, PROBE_FAILURE);
	ck_assert_str_eq(r.msg, want);
}
END_TEST

START_TEST(never_answers_times_out)
{
	struct server s;
	struct pod_handler h;
	struct run r;

	server_start(&s, silent, NULL, 1, 0);
	h = http(s.port, "/");
	drive(&h, -1, 200, &r);
	server_kill(&s);
	ck_assert_int_eq(r.o, PROBE_FAILURE);
	ck_assert_msg(r.ms >= 200 && r.ms < 600, "took %ld ms", r.ms);
	ck_assert_msg(!strncmp(r.msg, "timeout after 0.2", 17) &&
		      strstr(r.msg, "s before any response"), "%s", r.msg);
}
END_TEST

START_TEST(tcp_open_and_closed)
{
	struct server s;
	struct pod_handler h;
	struct run r;
	char want[64];
	uint16_t port;
	_cleanup_close_ int fd = refusing(&port);

	server_start(&s, silent, NULL, 1, 0);  /* accepts, never answers */
	h = tcp(s.port);
	drive(&h, -1, 1000, &r);
	server_kill(&s);
	snprintf(want, sizeof(want), "connected to 127.0.0.1:%u", s.port);
	ck_assert_int_eq(r.o, PROBE_SUCCESS);
	ck_assert_str_eq(r.msg, want);
	h = tcp(port);
	drive(&h, -1, 1000, &r);
	ck_assert_int_eq(r.o, PROBE_FAILURE);
	ck_assert_msg(strstr(r.msg, "Connection refused"), "%s", r.msg);
}
END_TEST

/* ---- the request ----------------------------------------------------- */

START_TEST(default_request_headers)
{
	static const char *const want[] = {
		"GET /ready?x=1%20y HTTP/1.1\r\n", "@host", "\r\nUser-Agent: berth-probe/1\r\n",
		"\r\nAccept: */*\r\n", "\r\nConnection: close\r\n", "!#frag", NULL,
	};
	struct server s;
	struct pod_handler h;
	struct run r;

	server_start(&s, check_lines, want, 1, 0);
	h = http(s.port, "/ready?x=1 y#frag");
	drive(&h, -1, 1000, &r);
	ck_assert_msg(r.o == PROBE_SUCCESS, "%s", r.msg);
	ck_assert_int_eq(server_wait(&s), 0);
}
END_TEST

START_TEST(request_text_exact)
{
	struct pod_http_header hd[] = { { "X-A", "1" }, { "accept", "" } };
	struct pod_handler h = http(8080, "healthz");
	_cleanup_free_ char *req = NULL;
	struct b_err err = { 0 };
	size_t len;

	ck_assert_int_eq(probe_http_request(&h, "127.0.0.1:8080", &req, &len, &err), 0);
	ck_assert_str_eq(req, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
			 "User-Agent: berth-probe/1\r\nAccept: */*\r\nConnection: close\r\n\r\n");
	ck_assert_uint_eq(len, strlen(req));
	free(b_steal_ptr(req));
	/* An empty Accept means none is sent, as the kubelet does. */
	h.http_headers = hd;
	h.n_http_headers = 2;
	ck_assert_int_eq(probe_http_request(&h, "[::1]:8080", &req, &len, &err), 0);
	ck_assert_str_eq(req, "GET /healthz HTTP/1.1\r\nHost: [::1]:8080\r\n"
			 "User-Agent: berth-probe/1\r\nConnection: close\r\nX-A: 1\r\n\r\n");
}
END_TEST

START_TEST(custom_headers_reach_server)
{
	static const char *const want[] = {
		"GET /healthz HTTP/1.1\r\n", "\r\nHost: example.test\r\n",
		"\r\nX-Probe: yes\r\n", "\r\nX-Empty: \r\n", "\r\nUser-Agent: mine/2\r\n",
		"!berth-probe", "!Host: 127.0.0.1", "\r\nAccept: */*\r\n", NULL,
	};
	struct pod_http_header hd[] = {
		{ "X-Probe", "yes" }, { "host", "example.test" }, { "X-Empty", "" },
		{ "user-agent", "mine/2" },
	};
	struct server s;
	struct pod_handler h;
	struct run r;

	server_start(&s, check_lines, want, 1, 0);
	h = http(s.port, "/healthz");
	h.http_headers = hd;
	h.n_http_headers = B_ARRAY_SIZE(hd);
	drive(&h, -1, 1000, &r);
	ck_assert_msg(r.o == PROBE_SUCCESS, "%s", r.msg);
	ck_assert_int_eq(server_wait(&s), 0);
}
END_TEST

START_TEST(partial_writes)
{
	static ssize_t min_len = 1 << 20;
	_cleanup_free_ char *big = malloc((size_t)min_len + 1);
	struct pod_http_header hd[] = { { "X-Big", big } };
	struct server s;
	struct pod_handler h;
	struct run r = { .sndbuf = 4096 };

	ck_assert_ptr_nonnull(big);
	memset(big, 'b', (size_t)min_len);
	big[min_len] = '\0';
	server_start(&s, slow_big, &min_len, 1, 4096);
	h = http(s.port, "/");
	h.http_headers = hd;
	h.n_http_headers = 1;
	drive(&h, -1, 1500, &r);
	ck_assert_msg(r.o == PROBE_SUCCESS, "%s", r.msg);
	ck_assert_int_gt(r.sending_steps, 0);
	ck_assert_int_eq(server_wait(&s), 0);
}
END_TEST

START_TEST(localhost_host_header)
{
	static const char *const want[] = { "\r\nHost: localhost:", NULL };
	struct server s;
	struct pod_handler h;
	struct run r;

	server_start(&s, check_lines, want, 1, 0);
	h = http(s.port, "/");
	h.host = "localhost";
	drive(&h, -1, 1000, &r);
	ck_assert_msg(r.o == PROBE_SUCCESS, "%s", r.msg);
	ck_assert_int_eq(server_wait(&s), 0);
}
END_TEST

/* ::1, where the host has IPv6: a bound, non-listening port refuses. */
START_TEST(ipv6_loopback)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(a);
	_cleanup_close_ int l6 = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct pod_handler h;
	struct run r;
	char msg[96];

	if (l6 < 0)
		TEST_SKIP("no IPv6 here: socket(AF_INET6): %s", strerror(errno));
	if (bind(l6, (struct sockaddr *)&a, len) < 0)
		TEST_SKIP("no IPv6 loopback here: bind [::1]:0: %s", strerror(errno));
	ck_assert_int_eq(getsockname(l6, (struct sockaddr *)&a, &len), 0);
	h = tcp(ntohs(a.sin6_port));
	h.host = "::1";
	drive(&h, -1, 1000, &r);
	snprintf(msg, sizeof(msg), "connect [::1]:%u: Connection refused", h.port);
	ck_assert_int_eq(r.o, PROBE_FAILURE);
	ck_assert_str_eq(r.msg, msg);
	ck_assert_int_eq(listen(l6, 1), 0);
	drive(&h, -1, 1000, &r);
	ck_assert_msg(r.o == PROBE_SUCCESS, "%s", r.msg);
}
END_TEST

/* ---- setup errors ---------------------------------------------------- */

static int start_error(const struct pod_handler *h, int netns_fd, struct b_err *err)
{
	struct probe_net p;
	int r = probe_net_start(&p, h, netns_fd, err);

	ck_assert_int_eq(p.fd, -1);
	probe_net_close(&p);
	return r;
}

START_TEST(setup_errors)
{
	struct pod_http_header bad[] = { { "X-A", "a\r\nX-Injected: 1" } };
	char *cmd[] = { "true", NULL };
	struct pod_handler h = http(80, "/");
	struct b_err err = { 0 };

	h.host = "example.com";
	ck_assert_int_eq(start_error(&h, -1, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "\"example.com\" is not an IP address"), "%s", err.msg);
	h.host = NULL;
	h.http_headers = bad;
	h.n_http_headers = 1;
	ck_assert_int_eq(start_error(&h, -1, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "httpHeaders[0] (X-A)"), "%s", err.msg);
	h = (struct pod_handler){ .kind = POD_HANDLER_EXEC, .command = cmd };
	ck_assert_int_eq(start_error(&h, -1, &err), -EINVAL);
}
END_TEST

static ino_t own_netns(void)
{
	struct stat st;

	ck_assert_int_eq(stat("/proc/thread-self/ns/net", &st), 0);
	return st.st_ino;
}

START_TEST(bad_netns_fd_leaves_us_home)
{
	_cleanup_close_ int notns = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct pod_handler h = tcp(80);
	struct b_err err = { 0 };
	ino_t before = own_netns();

	ck_assert_int_eq(start_error(&h, notns, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "entering the pod's network namespace"), "%s", err.msg);
	ck_assert_uint_eq(own_netns(), before);
}
END_TEST

/* ---- inside another network namespace -------------------------------- */

static int netns_conn(int c, const void *arg)
{
	return *(const int *)arg ? reply(c, "HTTP/1.1 200 OK\r\n\r\n") : 0;
}

/* Child: a new network namespace with lo up, listening on `port` there;
 * one HTTP connection, then one TCP connection. */
__attribute__((noreturn)) static void netns_server(uint16_t port, int ready)
{
	static const int is_http = 1, is_tcp = 0;
	struct b_err err = { 0 };
	int lfd, c, bad = 0;

	alarm(3);
	signal(SIGPIPE, SIG_IGN);
	if (unshare(CLONE_NEWNET) < 0 || ns_loopback_up(&err) < 0)
		_exit(10);
	lfd = bound(&port, 0);
	if (lfd < 0 || listen(lfd, 4) < 0 || write(ready, "x", 1) != 1)
		_exit(11);
	c = accept(lfd, NULL, NULL);
	bad |= c < 0 || netns_conn(c, &is_http);
	close(c);
	c = accept(lfd, NULL, NULL);
	bad |= c < 0 || netns_conn(c, &is_tcp);
	_exit(bad);
}

START_TEST(socket_opened_in_pod_netns)
{
	uint16_t port;
	/* The same port refuses in our namespace: success proves the socket
	 * was made in the child's. */
	_cleanup_close_ int here = refusing(&port);
	_cleanup_close_ int nsfd = -1;
	ino_t before = own_netns();
	struct server s = { .port = port };
	struct pod_handler h;
	struct run r;
	char path[64], x;
	int pfd[2];

	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	s.pid = fork();
	ck_assert_int_ge(s.pid, 0);
	if (s.pid == 0)
		netns_server(port, pfd[1]);
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &x, 1), 1);
	close(pfd[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)s.pid);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(nsfd, 0);

	h = http(port, "/");
	drive(&h, nsfd, 1000, &r);
	ck_assert_msg(r.o == PROBE_SUCCESS, "%s", r.msg);
	h = tcp(port);
	drive(&h, nsfd, 1000, &r);
	ck_assert_msg(r.o == PROBE_SUCCESS, "%s", r.msg);
	ck_assert_uint_eq(own_netns(), before);
	h = http(port, "/");
	drive(&h, -1, 1000, &r);
	ck_assert_msg(r.o == PROBE_FAILURE && strstr(r.msg, "refused"), "%s", r.msg);
	ck_assert_int_eq(server_wait(&s), 0);
}
END_TEST

/* ---- the parser on its own ------------------------------------------- */

START_TEST(parser_byte_by_byte)
{
	static const char resp[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 Found\r\n"
				   "Location: /x\r\n\r\nbody";
	struct probe_http_rx rx = { 0 };
	char msg[128];
	size_t i;
	enum probe_http_feed f = PROBE_HTTP_MORE;

	for (i = 0; i < sizeof(resp) - 1 && f == PROBE_HTTP_MORE; i++)
		f = probe_http_feed(&rx, resp + i, 1, msg, sizeof(msg));
	ck_assert_int_eq(f, PROBE_HTTP_FINAL);
	ck_assert_int_eq(rx.code, 302);
	ck_assert_int_eq(rx.interim, 1);
	ck_assert_uint_eq(i, sizeof(resp) - 1 - strlen("body"));
}
END_TEST

START_TEST(parser_limits)
{
	struct probe_http_rx rx = { 0 };
	char line[PROBE_NET_STATUS_LINE_MAX + 16], msg[128];

	memcpy(line, "HTTP/1.1 200 ", 13);
	memset(line + 13, 'r', sizeof(line) - 13);
	ck_assert_int_eq(probe_http_feed(&rx, line, sizeof(line), msg, sizeof(msg)),
			 PROBE_HTTP_MALFORMED);
	ck_assert_str_eq(msg, "HTTP status line longer than 4096 bytes");
	/* A long reason phrase within the limit is fine. */
	memset(&rx, 0, sizeof(rx));
	line[1000] = '\n';
	ck_assert_int_eq(probe_http_feed(&rx, line, 1001, msg, sizeof(msg)), PROBE_HTTP_MORE);
	ck_assert_int_eq(probe_http_feed(&rx, "\r\n", 2, msg, sizeof(msg)), PROBE_HTTP_FINAL);
	ck_assert_int_eq(rx.code, 200);
}
END_TEST

static Suite *probe_net_suite(void)
{
	Suite *s = suite_create("probe_net");
	TCase *tc = tcase_create("probe_net");

	tcase_add_test(tc, http_200);
	tcase_add_test(tc, http_301_not_followed);
	tcase_add_test(tc, http_404_500);
	tcase_add_test(tc, http_10_bare_lf_no_reason);
	tcase_add_test(tc, http_interim_skipped);
	tcase_add_test(tc, http_malformed);
	tcase_add_test(tc, http_closed_early);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, never_answers_times_out);
	tcase_add_test(tc, tcp_open_and_closed);
	tcase_add_test(tc, default_request_headers);
	tcase_add_test(tc, request_text_exact);
	tcase_add_test(tc, custom_headers_reach_server);
	tcase_add_test(tc, partial_writes);
	tcase_add_test(tc, localhost_host_header);
	tcase_add_test(tc, ipv6_loopback);
	tcase_add_test(tc, setup_errors);
	tcase_add_test(tc, bad_netns_fd_leaves_us_home);
	tcase_add_test(tc, socket_opened_in_pod_netns);
	tcase_add_test(tc, parser_byte_by_byte);
	tcase_add_test(tc, parser_limits);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(probe_net_suite)
