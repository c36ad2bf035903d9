/* `berth update --resources FILE|-`: a bare linux.resources object from
 * the caller (containerd's UpdateContainerResources carries what a
 * Kubernetes user asked for).  Parsed into the caller's arena with the
 * config.json rules; cmd_update.c then writes the values to cgroup files,
 * so anything out of range must be refused here. */
#include "fuzz.h"

#include "specs/oci_config.h"

#define FUZZ_MAX_INPUT (32 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct b_arena arena = { 0 };
	struct oci_resources *res = NULL;
	struct b_err err = { 0 };
	int r;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	r = oci_resources_parse("resources.json", (const char *)data, size, &arena, &res, &err);
	fuzz_check_result(r, &err);
	FUZZ_CHECK(r < 0 ? res == NULL : res != NULL);
	b_arena_release(&arena);
	return 0;
}
