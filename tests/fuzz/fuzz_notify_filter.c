/* sd_notify datagrams from inside a container, filtered before berth (the
 * unit's main process as far as systemd knows) passes them on
 * (common/notify_filter.c, used by cmd/run_notify_relay.c and
 * supervisor/sv_notify_relay.c).  A line that slips through is believed by
 * systemd as the unit's own word (MAINPID=, WATCHDOG_USEC=, FDSTORE=...).
 *
 * Input: byte 0 picks the relay (bit 0: pod) and the output buffer size;
 * the rest is the datagram.  Properties: the output fits the buffer, is
 * made of whole input lines in input order, each one allow-listed for
 * that relay; a pod's READY=1 and STOPPING=1 never pass. */
#include <stdbool.h>

#include "fuzz.h"

#include "common/notify_filter.h"

/* recv() takes at most 4 KiB; a little more tests the bounds. */
#define FUZZ_MAX_INPUT 8192

static const char *const allowed[] = {
	"READY=1", "STATUS=", "STOPPING=1", "RELOADING=1", "MONOTONIC_USEC=", "ERRNO=",
	"BUSERROR=", "WATCHDOG=1",
};

static bool allowed_line(const char *l, size_t n, bool pod)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		size_t k = strlen(allowed[i]);

		if (n < k || memcmp(l, allowed[i], k))
			continue;
		if (pod && (!strcmp(allowed[i], "READY=1") || !strcmp(allowed[i], "STOPPING=1")))
			return false;
		/* The 1-valued keys are exactly that, nothing appended. */
		return allowed[i][k - 1] != '1' || n == k;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 0, 1, 2, 8, 9, 64, 4096 };
	const char *msg = (const char *)data + 1, *in, *in_end, *o;
	size_t len, osize, olen;
	bool pod, ready = true;
	char *out;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	pod = data[0] & 1;
	osize = sizes[(data[0] >> 1) % (sizeof(sizes) / sizeof(sizes[0]))];
	len = size - 1;
	/* Exactly osize bytes, so ASan sees any write past them. */
	out = malloc(osize ? osize : 1);
	olen = b_notify_filter(pod ? B_NOTIFY_POD : B_NOTIFY_RUN, msg, len, out, osize, &ready);
	if (!osize) {
		FUZZ_CHECK(olen == 0);
		free(out);
		return 0;
	}
	FUZZ_CHECK(olen < osize && strlen(out) == olen);
	if (!pod)
		FUZZ_CHECK(!ready);
	/* Each output line is the next matching input line. */
	in = msg;
	in_end = msg + len;
	for (o = out; *o;) {
		const char *onl = strchr(o, '\n');
		size_t on = onl ? (size_t)(onl - o) : strlen(o);
		bool found = false;

		FUZZ_CHECK(allowed_line(o, on, pod));
		while (in < in_end && !found) {
			const char *nl = memchr(in, '\n', (size_t)(in_end - in));
			size_t n = (size_t)((nl ? nl : in_end) - in);

			found = n == on && !memcmp(in, o, n);
			in += n + 1;
		}
		FUZZ_CHECK(found);
		o += on + (onl != NULL);
	}
	free(out);
	return 0;
}
