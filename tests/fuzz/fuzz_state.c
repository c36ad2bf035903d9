/* state.json under --root/ID/: berth writes it, but every later command
 * (`state`, `kill`, `delete`, `list` as any user allowed to read the root)
 * reads it back, and a damaged or hostile file must give an error, not a
 * crash.  Property: what parses is written again with oci_state_to_json()
 * (full, as the store does) and reads back to the same values, since the
 * store rewrites the file on every status change. */
#include "fuzz.h"

#include "specs/state.h"

#define FUZZ_MAX_INPUT (32 * 1024)

static void same_str(const char *a, const char *b)
{
	FUZZ_CHECK(a && b && strcmp(a, b) == 0);
}

static void check_roundtrip(const struct oci_state *st)
{
	struct oci_state *again = NULL;
	struct b_err err = { 0 };
	char *json = oci_state_to_json(st, true, false);
	int r;

	FUZZ_CHECK(json != NULL);
	r = oci_state_parse("state.json (rewritten)", json, strlen(json), &again, &err);
	if (r < 0)
		fprintf(stderr, "re-parse: %s\n--- written:\n%s\n", err.msg, json);
	FUZZ_CHECK(r == 0);
	same_str(st->oci_version, again->oci_version);
	same_str(st->id, again->id);
	same_str(st->status, again->status);
	FUZZ_CHECK(st->pid == again->pid);
	same_str(st->bundle, again->bundle);
	same_str(st->cgroup_path, again->cgroup_path);
	FUZZ_CHECK(st->pid_start_time == again->pid_start_time);
	FUZZ_CHECK(st->oom_kill_base == again->oom_kill_base);
	FUZZ_CHECK(st->has_exec_fifo == again->has_exec_fifo);
	FUZZ_CHECK(st->annotations.n == again->annotations.n);
	oci_state_free(again);
	free(json);
	/* The public form (`berth state`) must be producible too. */
	json = oci_state_to_json(st, false, true);
	FUZZ_CHECK(json != NULL);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_state *st = NULL;
	struct b_err err = { 0 };
	int r;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	r = oci_state_parse("state.json", (const char *)data, size, &st, &err);
	fuzz_check_result(r, &err);
	if (r < 0) {
		FUZZ_CHECK(st == NULL);
		return 0;
	}
	FUZZ_CHECK(st->pid >= 0);
	check_roundtrip(st);
	oci_state_free(st);
	return 0;
}
