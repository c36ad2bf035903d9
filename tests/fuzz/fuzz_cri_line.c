/* CRI log records ("<RFC3339Nano> stdout F text"), written by the
 * supervisor but made of whatever the container prints, and possibly
 * edited or truncated on disk; `berth pod logs` parses them back.
 *
 * Properties:
 *  - a parsed record's pointers lie inside the line, and its stream is
 *    stdout or stderr;
 *  - the timestamp round-trips: cri_format_head() of a parsed time (in
 *    the range the writer is used for, 1970..9999) parses back to the
 *    same instant. */
#include <stdbool.h>
#include <time.h>

#include "fuzz.h"

#include "supervisor/crilog.h"

#define FUZZ_MAX_INPUT (16 * 1024)

static void check_time_roundtrip(const struct timespec *ts)
{
	char head[CRI_HEAD_MAX];
	struct cri_line back;
	int n;

	FUZZ_CHECK(ts->tv_nsec >= 0 && ts->tv_nsec <= 999999999);
	if (ts->tv_sec < 0 || ts->tv_sec >= 253402300800LL)   /* year 10000 */
		return;
	n = cri_format_head(head, sizeof(head), ts, "stderr", true);
	FUZZ_CHECK(n > 0 && (size_t)n < sizeof(head));
	/* The head ends with a space: with no message it is a whole record. */
	FUZZ_CHECK(cri_parse_line(head, (size_t)n, &back) == 0);
	FUZZ_CHECK(back.ts.tv_sec == ts->tv_sec && back.ts.tv_nsec == ts->tv_nsec);
	FUZZ_CHECK(back.partial && !strcmp(back.stream, "stderr") && back.msg_len == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data, *end = line + size;
	struct cri_line l;
	struct timespec ts;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (cri_parse_line(line, size, &l) == 0) {
		FUZZ_CHECK(l.time >= line && l.time + l.time_len <= end);
		FUZZ_CHECK(l.msg >= line && l.msg + l.msg_len <= end);
		FUZZ_CHECK(l.time + l.time_len < l.msg);
		FUZZ_CHECK(!strcmp(l.stream, "stdout") || !strcmp(l.stream, "stderr"));
		check_time_roundtrip(&l.ts);
	}
	/* The bare timestamp parser, on the whole input. */
	if (cri_parse_time(line, size, &ts) == 0)
		check_time_roundtrip(&ts);
	return 0;
}
