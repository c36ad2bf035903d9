/* metrics/: mx_merge (the bodies of several pods' supervisors, joined by
 * `berth metrics serve`) and cg_psi_parse (a cgroup's *.pressure file,
 * written by the kernel but inside a cgroup a container may own).  The
 * input is up to four bodies separated by '\f'; the first is also parsed
 * as a pressure file.
 *
 * Properties:
 *  - the merge keeps every sample line of every body, adds none, and
 *    writes each family's HELP and TYPE at most once each;
 *  - its output ends with a newline (or is empty) and merging it again
 *    alone changes nothing;
 *  - a parsed pressure file has a "some" line, and averages that are not
 *    negative. */
#include <stdbool.h>

#include "fuzz.h"

#include "cgroups/psi.h"
#include "metrics/expo.h"

#define FUZZ_MAX_INPUT 16384

static size_t count_samples(const char *s)
{
	size_t n = 0;

	for (const char *p = s; *p;) {
		size_t len = strcspn(p, "\n");

		if (len && p[0] != '#')
			n++;
		p += len + (p[len] == '\n');
	}
	return n;
}

static void check_headers_once(const char *s)
{
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, "\n");

		if (len > 7 && (!memcmp(p, "# HELP ", 7) || !memcmp(p, "# TYPE ", 7))) {
			size_t nl = strcspn(p + 7, " \n");
			char key[64];

			if (nl + 8 < sizeof(key)) {
				const char *again;

				memcpy(key, p, 7 + nl);
				key[7 + nl] = ' ';
				key[8 + nl] = '\0';
				again = strstr(p + len, key);
				FUZZ_CHECK(!again || again[-1] != '\n');
			}
		}
		p += len + (p[len] == '\n');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *bodies[4], *out, *again;
	size_t n = 0, len, len2, in_samples = 0;
	struct cg_psi psi;

	if (size > FUZZ_MAX_INPUT || memchr(data, '\0', size))
		return 0;
	s = fuzz_cstr(data, size);
	for (char *p = s; p && n < 4; n++) {
		bodies[n] = p;
		if ((p = strchr(p, '\f')))
			*p++ = '\0';
	}
	if (cg_psi_parse(bodies[0], &psi) == 0)
		FUZZ_CHECK(psi.present && psi.some.set && psi.some.avg10 >= 0 && psi.some.avg300 >= 0);
	for (size_t i = 0; i < n; i++)
		in_samples += count_samples(bodies[i]);
	out = mx_merge((const char *const *)bodies, n, &len);
	FUZZ_CHECK(out);
	FUZZ_CHECK(len == strlen(out));
	FUZZ_CHECK(len == 0 || out[len - 1] == '\n');
	FUZZ_CHECK(count_samples(out) == in_samples);
	check_headers_once(out);
	again = mx_merge((const char *const *)&out, 1, &len2);
	FUZZ_CHECK(again && len2 == len && !memcmp(again, out, len));
	free(again);
	free(out);
	free(s);
	return 0;
}
