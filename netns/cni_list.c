/* A network configuration list run as the CNI spec orders it: ADD plugin
 * by plugin with the previous result chained in, DEL in reverse with the
 * final result, CHECK in order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "netns/cni_run.h"

static int run_one(const struct cni_opts *o, const struct cni_attachment *at, size_t i,
		   const char *command, const char *prev, char **out, struct b_err *err)
{
	_cleanup_free_ char *input = NULL;
	size_t len, out_len;
	struct cni_exec_req q = { at->list->plugins[i].type, command, at, NULL, 0 };
	int r;

	if ((r = cni_plugin_stdin(at->list, i, prev, &at->rt, &input, &len, err)) < 0)
		return b_err_prefix(err, "CNI plugin %s", q.plugin);
	q.input = input;
	q.input_len = len;
	return cni_exec(o, &q, out, &out_len, err);
}

int cni_list_check_plugins(const struct cni_opts *o, const struct cni_conflist *l,
			   struct b_err *err)
{
	char exe[4096];
	int r;

	for (size_t i = 0; i < l->n_plugins; i++)
		if ((r = cni_find_plugin(o, l->plugins[i].type, exe, sizeof(exe), err)) < 0)
			return r;
	return 0;
}

/* A plugin that prints nothing on ADD (none should) passes the previous
 * result on, so the chain stays whole. */
int cni_list_add(const struct cni_opts *o, const struct cni_attachment *at, char **result,
		 struct b_err *err)
{
	char *prev = NULL, *out = NULL;
	int r;

	for (size_t i = 0; i < at->list->n_plugins; i++) {
		if ((r = run_one(o, at, i, "ADD", prev, &out, err)) < 0) {
			*result = prev;
			return r;
		}
		if (out[strspn(out, " \t\r\n")]) {
			free(prev);
			prev = out;
		} else {
			free(out);
		}
		if (prev && o->on_result)
			o->on_result(o->ud, prev);
	}
	*result = prev;
	if (!prev)
		return b_err_set(err, EPROTO, "network %s: no plugin returned a result",
				 at->list->name);
	return 0;
}

/* prevResult on DEL and CHECK came with spec 0.4.0. */
static bool has_prev_on_del(const struct cni_conflist *l)
{
	return strcmp(l->cni_version, "0.3.0") && strcmp(l->cni_version, "0.3.1");
}

int cni_list_del(const struct cni_opts *o, const struct cni_attachment *at, const char *result,
		 struct b_err *err)
{
	int ret = 0;

	if (!has_prev_on_del(at->list))
		result = NULL;

	for (size_t i = at->list->n_plugins; i-- > 0;) {
		_cleanup_free_ char *out = NULL;
		struct b_err e = { 0 };
		int r = run_one(o, at, i, "DEL", result, &out, &e);

		if (r < 0 && !ret) {
			*err = e;
			ret = r;
		}
	}
	return ret;
}

int cni_list_check(const struct cni_opts *o, const struct cni_attachment *at,
		   const char *result, struct b_err *err)
{
	int r;

	if (at->list->disable_check || !has_prev_on_del(at->list))
		return 0;
	for (size_t i = 0; i < at->list->n_plugins; i++) {
		_cleanup_free_ char *out = NULL;

		if ((r = run_one(o, at, i, "CHECK", result, &out, err)) < 0)
			return r;
	}
	return 0;
}
