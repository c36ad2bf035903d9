/* The httpGet probe's response parser: the bytes come from a server
 * inside the container, i.e. from the workload, and are parsed by the
 * supervisor (root, outside the container).
 *
 * probe_http_feed() is incremental: the socket delivers the response in
 * arbitrary pieces.  Property: the outcome (and the status code of a
 * final response) does not depend on how the bytes are split.  The first
 * input byte seeds the split; the rest is the response. */
#include "fuzz.h"

#include "supervisor/probe_net.h"

/* The parser gives up past 1 MiB of headers; the paths that matter are
 * all reachable far below that. */
#define FUZZ_MAX_INPUT (64 * 1024)

static enum probe_http_feed feed(const char *buf, size_t n, size_t piece_seed,
				 struct probe_http_rx *rx)
{
	char msg[PROBE_NET_MSG_MAX];
	enum probe_http_feed r = PROBE_HTTP_MORE;
	size_t off = 0, piece;

	*rx = (struct probe_http_rx){ 0 };
	do {
		/* piece_seed 0: everything at once; else pieces of 1..seed bytes. */
		piece = piece_seed ? 1 + (off * 7 + piece_seed) % piece_seed : n;
		if (piece > n - off)
			piece = n - off;
		memset(msg, 0, sizeof(msg));
		r = probe_http_feed(rx, buf + off, piece, msg, sizeof(msg));
		off += piece;
		if (r == PROBE_HTTP_MALFORMED)
			FUZZ_CHECK(msg[0] != '\0' && memchr(msg, '\0', sizeof(msg)));
	} while (r == PROBE_HTTP_MORE && off < n);
	if (r == PROBE_HTTP_MORE) {
		probe_http_incomplete(rx, msg, sizeof(msg), "closed");
		FUZZ_CHECK(msg[0] != '\0');
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_http_rx whole, split;
	enum probe_http_feed a, b;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	a = feed((const char *)data + 1, size - 1, 0, &whole);
	b = feed((const char *)data + 1, size - 1, data[0] % 16 + 1, &split);
	FUZZ_CHECK(a == b);
	if (a == PROBE_HTTP_FINAL) {
		FUZZ_CHECK(whole.code == split.code);
		FUZZ_CHECK(whole.code >= 0 && whole.code <= 999);
	}
	return 0;
}
