/* Shared bits of the libFuzzer harnesses (docs/fuzzing.md).
 *
 * Every harness is LLVMFuzzerTestOneInput over one parser of data berth
 * does not write itself.  Besides "no crash, no leak, no UB" (ASan, UBSan
 * and LeakSanitizer see to those) each checks the parser's own contract:
 * a failure comes with a message, a success with a result.  A property
 * that does not hold aborts, so libFuzzer keeps the input as a crash. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "%s:%d: property does not hold: %s\n",  \
				__FILE__, __LINE__, #cond);                     \
			abort();                                                \
		}                                                               \
	} while (0)

/* A parser returned r with err: negative means err says why (a positive
 * code and a non-empty, terminated message), zero or more means success. */
static inline void fuzz_check_result(int r, const struct b_err *err)
{
	if (r >= 0)
		return;
	FUZZ_CHECK(err->code > 0);
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)) != NULL);
	FUZZ_CHECK(err->msg[0] != '\0');
}

/* A NUL-terminated copy, for functions that take C strings. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
