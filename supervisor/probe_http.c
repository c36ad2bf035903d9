/* The HTTP side of httpGet probes: the request text the kubelet would send
 * and an incremental parser of the response head, fed whatever each
 * non-blocking read returned.  No I/O here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "supervisor/probe_net.h"

/* ---- the request ----------------------------------------------------- */

/* Go's http client refuses such values; sending them would also let a
 * manifest inject header lines. */
static bool header_value_ok(const char *v)
{
	for (const unsigned char *s = (const unsigned char *)v; *s; s++)
		if ((*s < 0x20 && *s != '\t') || *s == 0x7f)
			return false;
	return true;
}

/* The first httpHeaders value named `name`, NULL when absent. */
static const char *given(const struct pod_handler *h, const char *name)
{
	for (size_t i = 0; i < h->n_http_headers; i++)
		if (!strcasecmp(h->http_headers[i].name, name))
			return h->http_headers[i].value;
	return NULL;
}

/* Headers the request line block writes once, from their first value (as
 * Go does for Host and User-Agent); the loop over httpHeaders skips them. */
static bool written_once(const char *name)
{
	return !strcasecmp(name, "Host") || !strcasecmp(name, "User-Agent");
}

/* The path as a request target: a leading "/" (a request line needs one),
 * no fragment (clients never send it), and bytes that would break the
 * request line percent-encoded. */
static void put_target(FILE *f, const char *path)
{
	if (!path || path[0] != '/')
		fputc('/', f);
	for (const unsigned char *s = (const unsigned char *)path; s && *s && *s != '#'; s++) {
		if (*s <= 0x20 || *s >= 0x7f)
			fprintf(f, "%%%02X", *s);
		else
			fputc(*s, f);
	}
}

/* The kubelet's defaults: an empty Host means the default one; an empty
 * User-Agent or Accept means none is sent. */
static void put_headers(FILE *f, const struct pod_handler *h, const char *host_port)
{
	const char *host = given(h, "Host"), *ua = given(h, "User-Agent");
	const char *accept = given(h, "Accept");

	fprintf(f, "Host: %s\r\n", host && host[0] ? host : host_port);
	if (!ua)
		fputs("User-Agent: berth-probe/1\r\n", f);
	else if (ua[0])
		fprintf(f, "User-Agent: %s\r\n", ua);
	if (!accept)
		fputs("Accept: */*\r\n", f);
	if (!given(h, "Connection"))
		fputs("Connection: close\r\n", f);
	for (size_t i = 0; i < h->n_http_headers; i++) {
		const struct pod_http_header *hd = &h->http_headers[i];

		if (written_once(hd->name) || (!strcasecmp(hd->name, "Accept") && !hd->value[0]))
			continue;
		fprintf(f, "%s: %s\r\n", hd->name, hd->value);
	}
}

int probe_http_request(const struct pod_handler *h, const char *host_port,
		       char **out, size_t *len, struct b_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;
	/* Declared after buf: closed (flushing into buf) before buf is freed. */
	_cleanup_fclose_ FILE *f = NULL;

	for (size_t i = 0; i < h->n_http_headers; i++)
		if (!header_value_ok(h->http_headers[i].value))
			return b_err_set(err, EINVAL, "httpHeaders[%zu] (%s): the value contains "
					 "control characters", i, h->http_headers[i].name);
	f = open_memstream(&buf, &size);
	if (!f)
		return b_err_sys(err, errno, "building the HTTP request");
	fputs("GET ", f);
	put_target(f, h->path);
	fputs(" HTTP/1.1\r\n", f);
	put_headers(f, h, host_port);
	fputs("\r\n", f);
	if (fclose(b_steal_ptr(f)) != 0)
		return b_err_sys(err, ENOMEM, "building the HTTP request");
	*out = b_steal_ptr(buf);
	*len = size;
	return 0;
}

/* ---- the response head ----------------------------------------------- */

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/d.d" SP+ 3DIGIT [SP reason], as Go's ReadResponse accepts it.
 * `whole`: s is the entire line, not just the part that was kept. */
static bool parse_status(const char *s, size_t n, bool whole, int *code)
{
	size_t i = 8;

	if (n < 12 || memcmp(s, "HTTP/", 5) || !digit(s[5]) || s[6] != '.' ||
	    !digit(s[7]) || s[8] != ' ')
		return false;
	while (i < n && s[i] == ' ')
		i++;
	if (i + 3 > n || !digit(s[i]) || !digit(s[i + 1]) || !digit(s[i + 2]))
		return false;
	if (i + 3 < n ? s[i + 3] != ' ' : !whole)
		return false;
	*code = (s[i] - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	return true;
}

static enum probe_http_feed malformed(const struct probe_http_rx *rx, char *msg, size_t size)
{
	size_t n = rx->status_len < sizeof(rx->status) ? rx->status_len : sizeof(rx->status);
	char shown[sizeof(rx->status) + 1];

	/* The peer's bytes go into a log line: printable ASCII only. */
	for (size_t i = 0; i < n; i++)
		shown[i] = rx->status[i] >= 0x20 && rx->status[i] < 0x7f ? rx->status[i] : '?';
	shown[n] = '\0';
	snprintf(msg, size, "malformed HTTP status line \"%s%s\"", shown,
		 rx->status_len > n ? "..." : "");
	return PROBE_HTTP_MALFORMED;
}

static enum probe_http_feed status_end(struct probe_http_rx *rx, char *msg, size_t size)
{
	size_t n = rx->status_len < sizeof(rx->status) ? rx->status_len : sizeof(rx->status);
	bool whole = n == rx->status_len;

	if (whole && n && rx->status[n - 1] == '\r')
		rx->status_len = --n;
	if (!parse_status(rx->status, n, whole, &rx->code))
		return malformed(rx, msg, size);
	rx->in_headers = true;
	rx->line_empty = true;
	rx->header_bytes = 0;
	return PROBE_HTTP_MORE;
}

static enum probe_http_feed status_byte(struct probe_http_rx *rx, char c, char *msg, size_t size)
{
	if (c == '\n')
		return status_end(rx, msg, size);
	if (rx->status_len < sizeof(rx->status))
		rx->status[rx->status_len] = c;
	if (++rx->status_len > PROBE_NET_STATUS_LINE_MAX) {
		snprintf(msg, size, "HTTP status line longer than %d bytes", PROBE_NET_STATUS_LINE_MAX);
		return PROBE_HTTP_MALFORMED;
	}
	return PROBE_HTTP_MORE;
}

/* The blank line: a final response is decided; an interim one (100
 * Continue, 103 Early Hints; not 101, which switches protocols) is
 * followed by another response head. */
static enum probe_http_feed head_end(struct probe_http_rx *rx, char *msg, size_t size)
{
	if (rx->code < 100 || rx->code >= 200 || rx->code == 101)
		return PROBE_HTTP_FINAL;
	if (++rx->interim > PROBE_NET_INTERIM_MAX) {
		snprintf(msg, size, "more than %d interim (1xx) HTTP responses", PROBE_NET_INTERIM_MAX);
		return PROBE_HTTP_MALFORMED;
	}
	rx->in_headers = false;
	rx->status_len = 0;
	return PROBE_HTTP_MORE;
}

/* Header lines only matter as far as where they end: the probe decides on
 * the status, so their content is not kept or checked. */
static enum probe_http_feed header_byte(struct probe_http_rx *rx, char c, char *msg, size_t size)
{
	if (++rx->header_bytes > PROBE_NET_HEADERS_MAX) {
		snprintf(msg, size, "HTTP response headers longer than %d bytes", PROBE_NET_HEADERS_MAX);
		return PROBE_HTTP_MALFORMED;
	}
	if (c == '\n') {
		if (rx->line_empty)
			return head_end(rx, msg, size);
		rx->line_empty = true;
	} else if (c != '\r') {
		rx->line_empty = false;
	}
	return PROBE_HTTP_MORE;
}

enum probe_http_feed probe_http_feed(struct probe_http_rx *rx, const char *buf, size_t n,
				     char *msg, size_t msg_size)
{
	size_t keep;

	rx->received += n;
	for (size_t i = 0; i < n; i++) {
		enum probe_http_feed r = rx->in_headers ? header_byte(rx, buf[i], msg, msg_size)
							: status_byte(rx, buf[i], msg, msg_size);
		if (r != PROBE_HTTP_MORE)
			return r;
	}
	/* Not HTTP at all (a banner, HTTP/0.9): say so now rather than wait
	 * for a line end that may never come before the timeout. */
	keep = rx->status_len < 5 ? rx->status_len : 5;
	if (!rx->in_headers && memcmp(rx->status, "HTTP/", keep))
		return malformed(rx, msg, msg_size);
	return PROBE_HTTP_MORE;
}

void probe_http_incomplete(const struct probe_http_rx *rx, char *msg, size_t msg_size,
			   const char *what)
{
	if (rx->received == 0)
		snprintf(msg, msg_size, "%s before any response", what);
	else if (!rx->in_headers)
		snprintf(msg, msg_size, "%s in the HTTP status line", what);
	else
		snprintf(msg, msg_size, "%s in the headers of an HTTP %d response", what, rx->code);
}
