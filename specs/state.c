/* The state document: berth's own state.json (full) and the OCI `state`
 * output (public).  The public member order follows runc's so that tools
 * comparing the two see the same text. */
#include "state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "specs/jsonw.h"
#include "specs/oci_json.h"

static const char *const statuses[] = {
	"creating", "created", "running", "stopped", "paused",
};

void oci_state_free(struct oci_state *st)
{
	if (!st)
		return;
	b_arena_release(&st->arena);
	free(st);
}

/* ---- writing --------------------------------------------------------- */

/* Strings are always written as strings, "" when unset, so readers never
 * meet a null where the OCI state schema promises a string. */
static void kstr(struct jw *w, const char *key, const char *s)
{
	jw_kstr(w, key, s ? s : "");
}

static void write_annotations(struct jw *w, const struct oci_kv_list *l)
{
	if (!l->n)
		return;
	jw_key(w, "annotations");
	jw_obj_open(w);
	for (size_t i = 0; i < l->n; i++)
		kstr(w, l->items[i].key, l->items[i].value);
	jw_obj_close(w);
}

static void write_private(struct jw *w, const struct oci_state *st)
{
	jw_key(w, "berth");
	jw_obj_open(w);
	jw_kuint(w, "pidStartTime", st->pid_start_time);
	kstr(w, "cgroupPath", st->cgroup_path);
	jw_kbool(w, "systemdCgroup", st->systemd_cgroup);
	jw_kbool(w, "execFifo", st->has_exec_fifo);
	jw_kuint(w, "oomKillBase", st->oom_kill_base);
	jw_obj_close(w);
}

char *oci_state_to_json(const struct oci_state *st, bool full, bool pretty)
{
	bool stopped = st->status && !strcmp(st->status, "stopped");
	struct jw *w = jw_new(pretty);
	char *out;

	if (!w)
		return NULL;
	jw_obj_open(w);
	kstr(w, "ociVersion", st->oci_version);
	kstr(w, "id", st->id);
	/* Like runc, a stopped container reports pid 0; the private file keeps
	 * the last pid for cleanup. */
	jw_kint(w, "pid", stopped && !full ? 0 : st->pid);
	kstr(w, "status", st->status);
	kstr(w, "bundle", st->bundle);
	kstr(w, "rootfs", st->rootfs);
	kstr(w, "created", st->created);
	kstr(w, "owner", st->owner);
	write_annotations(w, &st->annotations);
	if (st->oom_killed)
		jw_kbool(w, "oomKilled", true);
	if (full)
		write_private(w, st);
	jw_obj_close(w);
	out = jw_finish(w, NULL);
	jw_free(w);
	return out;
}

/* ---- parsing --------------------------------------------------------- */

static int parse_status(struct oj *c, yajl_val doc, struct oci_state *st)
{
	size_t mark;
	int r = oj_str(c, doc, "status", true, &st->status);

	if (r < 0)
		return r;
	for (size_t i = 0; i < B_ARRAY_SIZE(statuses); i++)
		if (!strcmp(st->status, statuses[i]))
			return 0;
	mark = oj_push_key(c, "status");
	r = oj_fail(c, "unknown status \"%s\" (expected creating, created, running, "
		    "stopped or paused)", oj_quote(c, st->status));
	oj_pop(c, mark);
	return r;
}

/* Optional strings come back as "" rather than NULL, as they were written. */
static int opt_str(struct oj *c, yajl_val obj, const char *key, char **out)
{
	int r = oj_str(c, obj, key, false, out);

	if (r == 0)
		*out = b_arena_strdup(c->arena, "");
	return r < 0 ? r : 0;
}

static int parse_private(struct oj *c, yajl_val doc, struct oci_state *st)
{
	size_t mark;
	yajl_val v;
	int r = oj_obj(c, doc, "berth", false, &v);

	if (r < 0)
		return r;
	if (r == 0) {
		st->cgroup_path = b_arena_strdup(c->arena, "");
		return 0;
	}
	mark = oj_push_key(c, "berth");
	if ((r = oj_u64(c, v, "pidStartTime", false, UINT64_MAX, &st->pid_start_time)) < 0 ||
	    (r = opt_str(c, v, "cgroupPath", &st->cgroup_path)) < 0 ||
	    (r = oj_bool(c, v, "systemdCgroup", &st->systemd_cgroup)) < 0 ||
	    (r = oj_bool(c, v, "execFifo", &st->has_exec_fifo)) < 0 ||
	    (r = oj_u64(c, v, "oomKillBase", false, UINT64_MAX, &st->oom_kill_base)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_state(struct oj *c, yajl_val doc, struct oci_state *st)
{
	int64_t pid = 0;
	int r;

	if (!YAJL_IS_OBJECT(doc))
		return oj_fail(c, "expected a JSON object, got %s", oj_type_name(doc));
	if ((r = oj_str(c, doc, "ociVersion", true, &st->oci_version)) < 0 ||
	    (r = oj_str(c, doc, "id", true, &st->id)) < 0 ||
	    (r = parse_status(c, doc, st)) < 0 ||
	    (r = oj_i64(c, doc, "pid", false, 0, INT32_MAX, &pid)) < 0 ||
	    (r = opt_str(c, doc, "bundle", &st->bundle)) < 0 ||
	    (r = opt_str(c, doc, "rootfs", &st->rootfs)) < 0 ||
	    (r = opt_str(c, doc, "created", &st->created)) < 0 ||
	    (r = opt_str(c, doc, "owner", &st->owner)) < 0 ||
	    (r = oj_kv(c, doc, "annotations", &st->annotations)) < 0 ||
	    (r = oj_bool(c, doc, "oomKilled", &st->oom_killed)) < 0 ||
	    (r = parse_private(c, doc, st)) < 0)
		return r;
	st->pid = (pid_t)pid;
	return 0;
}

int oci_state_parse(const char *name, const char *json, size_t len,
		    struct oci_state **out, struct b_err *err)
{
	struct oci_state *st;
	yajl_val doc = NULL;
	struct oj c;
	int r;

	st = calloc(1, sizeof(*st));
	if (!st)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	oj_init(&c, name, &st->arena, err);
	r = oj_parse_text(&c, json, len, &doc);
	if (r == 0)
		r = parse_state(&c, doc, st);
	yajl_tree_free(doc);
	if (r < 0) {
		oci_state_free(st);
		return r;
	}
	*out = st;
	return 0;
}
