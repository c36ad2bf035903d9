/* Kubernetes quantities ("64Mi", "500m", "1e3") from pod.json resources,
 * emptyDir sizeLimit and the berth.dev/oom-grow annotation.  The grammar
 * is small but the conversion is exact big-decimal arithmetic with
 * exponents up to 1e99999, so it gets its own target.
 *
 * Properties (from specs/quantity.h):
 *  - bytes == ceil(millis / 1000) whenever both fit: Value() and
 *    MilliValue() round the same number up, at two scales;
 *  - an exact millis that is a multiple of 1000 gives an exact byte count;
 *  - a hint is only offered when it is itself a quantity, fits the buffer
 *    and differs from the input. */
#include <stdbool.h>

#include "fuzz.h"

#include "specs/quantity.h"

/* Long digit strings are legal ("000...42"), but 4 KiB covers every
 * carry and rounding path. */
#define FUZZ_MAX_INPUT 4096

static void check_hint(const char *s, enum quantity_kind kind, size_t size)
{
	char buf[64];
	int64_t v;

	memset(buf, 0x5a, sizeof(buf));
	if (!quantity_hint(s, kind, buf, size))
		return;
	FUZZ_CHECK(memchr(buf, '\0', size) != NULL);
	FUZZ_CHECK(strcmp(buf, s) != 0);
	enum quantity_err e = quantity_bytes(buf, &v, NULL);
	FUZZ_CHECK(e != QUANTITY_EMPTY && e != QUANTITY_SYNTAX && e != QUANTITY_SUFFIX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t bytes = -1, millis = -1;
	bool bytes_exact, millis_exact;
	enum quantity_err eb, em;
	char *s;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	s = fuzz_cstr(data, size);
	eb = quantity_bytes(s, &bytes, &bytes_exact);
	em = quantity_scaled(s, 3, &millis, &millis_exact);
	FUZZ_CHECK(quantity_err_str(eb) != NULL);
	/* Syntax does not depend on the scale. */
	FUZZ_CHECK((eb == QUANTITY_OK || eb == QUANTITY_RANGE) ==
		   (em == QUANTITY_OK || em == QUANTITY_RANGE));
	if (eb == QUANTITY_OK)
		FUZZ_CHECK(bytes >= 0);
	if (em == QUANTITY_OK) {
		int64_t m2 = -1;

		FUZZ_CHECK(millis >= 0);
		FUZZ_CHECK(quantity_millis(s, &m2) == QUANTITY_OK && m2 == millis);
		/* A value that fits in millis fits in bytes. */
		FUZZ_CHECK(eb == QUANTITY_OK);
		FUZZ_CHECK(bytes == millis / 1000 + (millis % 1000 != 0));
		if (millis_exact && millis % 1000 == 0)
			FUZZ_CHECK(bytes_exact);
		if (bytes_exact)
			FUZZ_CHECK(millis_exact && millis == bytes * 1000);
	}
	/* Both kinds, with a roomy and a tight buffer. */
	check_hint(s, QUANTITY_MEMORY, 64);
	check_hint(s, QUANTITY_CPU, 64);
	check_hint(s, QUANTITY_MEMORY, 4);
	free(s);
	return 0;
}
