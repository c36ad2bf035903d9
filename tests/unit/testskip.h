/* Skipping a test.  libcheck has no skip, so a test that cannot run here
 * says why on stderr, as one line
 *
 *   SKIP: <test>: <reason>
 *
 * and returns (libcheck counts it as passed); tests/run-all.sh's unit lane
 * counts those lines as skipped and takes them off the passed.  So:
 *
 *  - call TEST_SKIP() in the START_TEST body itself (the test's own
 *    process, before any assertion), never from a forked child;
 *  - a test skips entirely or not at all: never assert a part and then
 *    skip the rest (split it into two tests);
 *  - skip only for what this machine lacks (a kernel feature, IPv6, user
 *    namespaces), never for what berth gets wrong. */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static inline void __attribute__((format(printf, 2, 3)))
test_skip_say(const char *fn, const char *fmt, ...)
{
	size_t n = strlen(fn);
	va_list ap;

	/* START_TEST(name) defines name_fn. */
	if (n > 3 && strcmp(fn + n - 3, "_fn") == 0)
		n -= 3;
	fprintf(stderr, "SKIP: %.*s: ", (int)n, fn);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

#define TEST_SKIP(...)                                   \
	do {                                             \
		test_skip_say(__func__, __VA_ARGS__);    \
		return;                                  \
	} while (0)
