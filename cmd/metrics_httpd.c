/* berth-metrics: the HTTP endpoint of `berth metrics serve`.
 *
 *   berth-metrics --root DIR [--listen ADDR:PORT] [--pod-timeout MS]
 *
 * A separate, dynamically linked program because Debian's libmicrohttpd
 * cannot go into berth's static binary (its archive needs gnutls's, which
 * need p11-kit and libunistring archives Debian does not ship); `berth
 * metrics serve` executes it.  It serves GET and HEAD of /metrics and
 * nothing else, builds each answer when asked (supervisor/metrics_host.c)
 * and keeps no state between scrapes.  libmicrohttpd bounds connections,
 * their memory and their idle time; a scrape waits for each pod's
 * supervisor at most --pod-timeout. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/sd_notify_client.h"
#include "metrics/expo.h"
#include "supervisor/supervisor.h"

#define DEFAULT_LISTEN "127.0.0.1:9464"

struct server {
	struct rt_ctx ctx;
	int pod_timeout_ms;
};

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned code, char *body, size_t len,
			      const char *type, const char *allow)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer_text(struct MHD_Connection *conn, unsigned code, const char *msg,
				   const char *allow)
{
	char *body = strdup(msg);

	return body ? answer(conn, code, body, strlen(body), "text/plain; charset=utf-8", allow) : MHD_NO;
}

static enum MHD_Result scrape(struct server *srv, struct MHD_Connection *conn)
{
	struct b_err err = { 0 };
	char *body = NULL, msg[1100];
	size_t len = 0;

	if (sv_metrics_host(&srv->ctx, srv->pod_timeout_ms, &body, &len, &err) < 0) {
		snprintf(msg, sizeof(msg), "berth-metrics: %s\n", err.msg);
		fputs(msg, stderr);   /* the details stay on this host */
		return answer_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				   "collecting the metrics failed: see berth-metrics' log\n", NULL);
	}
	return answer(conn, MHD_HTTP_OK, body, len, MX_CONTENT_TYPE, NULL);
}

/* Called once per request with its headers, then (for a body) again:
 * every answer is queued on the first call, so a request body is never
 * read, let alone stored. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **req)
{
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return answer_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				   "only GET and HEAD are served\n", "GET, HEAD");
	if (strcmp(url, "/metrics"))
		return answer_text(conn, MHD_HTTP_NOT_FOUND, "not found: berth serves /metrics only\n", NULL);
	return scrape(cls, conn);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	fputs("berth-metrics: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* "127.0.0.1:9464" or "[::1]:9464": numeric, so that what is listened on
 * is exactly what was written. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	char *end;
	long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port < 1 || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
		return inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1 ? 0 : -1;
	}
	v4->sin_family = AF_INET;
	v4->sin_port = htons((uint16_t)port);
	*len = sizeof(*v4);
	return inet_pton(AF_INET, host, &v4->sin_addr) == 1 ? 0 : -1;
}

static int listen_on(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, fd;

	if (parse_listen(addr, &ss, &len) < 0) {
		fprintf(stderr, "berth-metrics: --listen %s: expected ADDRESS:PORT with a numeric "
			"address (127.0.0.1:9464, [::1]:9464, 0.0.0.0:9464)\n", addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, "berth-metrics: listening on %s: %s\n", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static struct MHD_Daemon *start(struct server *srv, int fd)
{
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
		0, NULL, NULL, handle, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)32,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_END);
}

static int usage(void)
{
	fputs("usage: berth-metrics --root DIR [--listen ADDR:PORT] [--pod-timeout MS]\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "listen", required_argument, NULL, 'l' },
		{ "pod-timeout", required_argument, NULL, 't' },
		{ 0 },
	};
	struct server srv = { .ctx.root = NULL, .pod_timeout_ms = 1000 };
	const char *listen_addr = DEFAULT_LISTEN;
	struct MHD_Daemon *d;
	sigset_t set;
	int ch, fd, sig;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'r')
			srv.ctx.root = optarg;
		else if (ch == 'l')
			listen_addr = optarg;
		else if (ch == 't' && atoi(optarg) > 0)
			srv.pod_timeout_ms = atoi(optarg);
		else
			return usage();
	}
	if (!srv.ctx.root || optind != argc)
		return usage();
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);   /* before MHD's thread exists: it inherits the mask */
	if ((fd = listen_on(listen_addr)) < 0)
		return 1;
	if (!(d = start(&srv, fd))) {
		fprintf(stderr, "berth-metrics: could not start the HTTP server on %s\n", listen_addr);
		return 1;
	}
	fprintf(stderr, "berth-metrics: serving http://%s/metrics for the pods and containers under %s\n",
		listen_addr, srv.ctx.root);
	b_sd_notify("READY=1\nSTATUS=serving /metrics");
	do
		sig = sigwaitinfo(&set, NULL);
	while (sig == SIGPIPE || (sig < 0 && errno == EINTR));
	b_sd_notify("STOPPING=1");
	MHD_stop_daemon(d);
	return 0;
}
