/* The pod status document `berth pod ps` reads from each supervisor's
 * control socket (or the final status file it leaves).  Any user that can
 * reach the socket directory sees it, and a supervisor can be old, new or
 * half-dead, so the reader takes nothing on trust. */
#include "fuzz.h"

#include "specs/pod_status.h"

#define FUZZ_MAX_INPUT (64 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pod_status_view *v = NULL;
	struct b_err err = { 0 };
	int r;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	r = pod_status_parse("status", (const char *)data, size, &v, &err);
	fuzz_check_result(r, &err);
	if (r < 0) {
		FUZZ_CHECK(v == NULL);
		return 0;
	}
	FUZZ_CHECK(v != NULL && v->name && v->phase);
	/* ps prints every row: the strings it prints must be there. */
	for (size_t i = 0; i < v->n_ctrs; i++) {
		FUZZ_CHECK(v->ctrs[i].name != NULL);
		FUZZ_CHECK(v->ctrs[i].state != NULL);
	}
	pod_status_free(v);
	return 0;
}
