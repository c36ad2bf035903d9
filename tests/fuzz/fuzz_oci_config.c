/* config.json: written by whoever prepares the bundle (a user, an image
 * tool, an orchestrator), read by `berth create/run` as root.
 * oci_config_parse() gets the bytes as read from the file, without a
 * terminating NUL, so ASan also catches a read past `size`.
 *
 * Property: a config that parses is written back by oci_exec_config_json()
 * (what `berth exec` later reads for a pod container) and that text must
 * parse again, with the same process.  This is the only writer/reader pair
 * of configs, so a mismatch is a real bug (an escaping mistake, a field
 * the writer emits in a form the reader refuses). */
#include "fuzz.h"

#include "specs/oci_config.h"
#include "specs/oci_write.h"

/* Real configs are a few KiB; more only makes each run slower. */
#define FUZZ_MAX_INPUT (64 * 1024)

static void check_exec_config(const struct oci_config *cfg)
{
	struct oci_config *again = NULL;
	struct b_err err = { 0 };
	size_t len = 0;
	char *json;
	int r;

	if (!cfg->process)
		return;
	json = oci_exec_config_json(cfg, NULL, &len);
	FUZZ_CHECK(json != NULL);
	r = oci_config_parse("exec-config.json", json, len, &again, &err);
	if (r < 0)
		fprintf(stderr, "re-parse: %s\n--- written:\n%s\n", err.msg, json);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(again->process != NULL);
	FUZZ_CHECK(again->process->user.uid == cfg->process->user.uid);
	FUZZ_CHECK(again->process->user.gid == cfg->process->user.gid);
	FUZZ_CHECK(again->process->n_rlimits == cfg->process->n_rlimits);
	FUZZ_CHECK(again->process->no_new_privileges == cfg->process->no_new_privileges);
	oci_config_free(again);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_config *cfg = NULL;
	struct b_err err = { 0 };
	int r;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	r = oci_config_parse("config.json", (const char *)data, size, &cfg, &err);
	fuzz_check_result(r, &err);
	if (r < 0) {
		FUZZ_CHECK(cfg == NULL);
		return 0;
	}
	FUZZ_CHECK(cfg != NULL);
	check_exec_config(cfg);
	oci_config_free(cfg);
	return 0;
}
