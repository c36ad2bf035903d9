/* `berth exec --process FILE`: a bare "process" object, written by the
 * caller (containerd, podman, a user), parsed with config.json's rules
 * into the caller's arena. */
#include "fuzz.h"

#include "specs/oci_config.h"

#define FUZZ_MAX_INPUT (32 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct b_arena arena = { 0 };
	struct oci_process *p = NULL;
	struct b_err err = { 0 };
	int r;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	r = oci_process_parse("process.json", (const char *)data, size, &arena, &p, &err);
	fuzz_check_result(r, &err);
	FUZZ_CHECK(r < 0 ? p == NULL : p != NULL);
	/* A parsed process always has its argv (the spec requires args). */
	if (r == 0)
		FUZZ_CHECK(p->args && p->args[0]);
	b_arena_release(&arena);
	return 0;
}
