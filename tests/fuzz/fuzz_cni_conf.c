/* CNI network configs (/etc/cni/net.d, written by whoever administers the
 * host or by another runtime) and berth's own attachment cache, which DEL
 * reads back after a crash.  Properties: every plugin of a list that
 * parses gets a stdin, with and without a prevResult and port mappings,
 * and that stdin reads back as a single-plugin config of the same network
 * and type (what a plugin that re-reads its own stdin through libcni
 * sees); and a cache that parses is written and read back unchanged. */
#include "fuzz.h"

#include "specs/cni.h"

#define FUZZ_MAX_INPUT (32 * 1024)

static const char prev[] =
	"{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"/proc/1/ns/net\"}],"
	"\"ips\":[{\"address\":\"10.88.0.7/16\",\"gateway\":\"10.88.0.1\",\"interface\":0}],"
	"\"dns\":{},\"big\":1e400}";

static const struct cni_port_mapping maps[] = {
	{ 8080, 80, "tcp", "127.0.0.1" },
	{ 53, 53, "udp", NULL },
};

static void same_str(const char *a, const char *b)
{
	FUZZ_CHECK((!a && !b) || (a && b && strcmp(a, b) == 0));
}

static void check_reparse(const struct cni_conflist *l, size_t i, const char *json, size_t len)
{
	struct cni_conflist *again = NULL;
	struct b_err err = { 0 };
	int r;

	/* A plugin object with its own "plugins" member reads as a list:
	 * libcni would take it so too. */
	if (strstr(json, "\"plugins\""))
		return;
	r = cni_conflist_parse("stdin", json, len, &again, &err);
	if (r < 0)
		fprintf(stderr, "re-parse: %s\n--- written:\n%s\n", err.msg, json);
	FUZZ_CHECK(r == 0);
	FUZZ_CHECK(again->n_plugins == 1);
	same_str(again->name, l->name);
	same_str(again->cni_version, l->cni_version);
	same_str(again->plugins[0].type, l->plugins[i].type);
	FUZZ_CHECK(!again->plugins[0].cap_port_mappings);   /* "capabilities" is gone */
	cni_conflist_free(again);
}

static void check_stdin(const struct cni_conflist *l, size_t i, const char *prev_result,
			const struct cni_runtime_args *rt)
{
	struct b_err err = { 0 };
	char *out = NULL;
	size_t len = 0;
	int r = cni_plugin_stdin(l, i, prev_result, rt, &out, &len, &err);

	if (r < 0)
		fprintf(stderr, "stdin of plugin %zu: %s\n", i, err.msg);
	FUZZ_CHECK(r == 0 && out && strlen(out) == len);
	FUZZ_CHECK(!prev_result || strstr(out, "\"prevResult\":{"));
	check_reparse(l, i, out, len);
	free(out);
}

static void fuzz_conflist(const uint8_t *data, size_t size)
{
	const struct cni_runtime_args rt = { maps, 2 };
	struct cni_conflist *l = NULL;
	struct b_err err = { 0 };
	int r = cni_conflist_parse("net.conflist", (const char *)data, size, &l, &err);

	fuzz_check_result(r, &err);
	if (r < 0) {
		FUZZ_CHECK(l == NULL);
		return;
	}
	FUZZ_CHECK(l->name && l->cni_version && l->n_plugins >= 1);
	for (size_t i = 0; i < l->n_plugins; i++) {
		FUZZ_CHECK(l->plugins[i].type && strchr(l->plugins[i].type, '/') == NULL);
		check_stdin(l, i, NULL, NULL);
		check_stdin(l, i, prev, &rt);
	}
	cni_conflist_free(l);
}

static void same_cache(const struct cni_cache *a, const struct cni_cache *b)
{
	same_str(a->network, b->network);
	same_str(a->container_id, b->container_id);
	same_str(a->ifname, b->ifname);
	same_str(a->netns, b->netns);
	same_str(a->cni_args, b->cni_args);
	same_str(a->config, b->config);
	same_str(a->result, b->result);
	FUZZ_CHECK(a->n_port_mappings == b->n_port_mappings);
	for (size_t i = 0; i < a->n_port_mappings; i++) {
		const struct cni_port_mapping *x = &a->port_mappings[i], *y = &b->port_mappings[i];

		FUZZ_CHECK(x->host_port == y->host_port && x->container_port == y->container_port);
		same_str(x->protocol, y->protocol);
		same_str(x->host_ip, y->host_ip);
	}
}

static void fuzz_cache(const uint8_t *data, size_t size)
{
	struct cni_cache *c = NULL, *again = NULL;
	struct b_err err = { 0 };
	char *text = NULL;
	size_t len = 0;
	int r = cni_cache_parse("cni.json", (const char *)data, size, &c, &err);

	fuzz_check_result(r, &err);
	if (r < 0) {
		FUZZ_CHECK(c == NULL);
		return;
	}
	r = cni_cache_write(c, &text, &len, &err);
	if (r < 0)
		fprintf(stderr, "write: %s\n", err.msg);
	FUZZ_CHECK(r == 0 && text && strlen(text) == len);
	r = cni_cache_parse("cni.json (rewritten)", text, len, &again, &err);
	if (r < 0)
		fprintf(stderr, "re-parse: %s\n--- written:\n%s\n", err.msg, text);
	FUZZ_CHECK(r == 0);
	same_cache(c, again);
	cni_cache_free(again);
	cni_cache_free(c);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	fuzz_conflist(data, size);
	fuzz_cache(data, size);
	return 0;
}
