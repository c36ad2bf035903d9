/* The "process" object of config.json, also the whole of process.json for
 * `exec --process`. */
#include <string.h>

#include "common/cleanup.h"
#include "oci_parse_internal.h"

/* Kernel values (linux/ioprio.h, linux/sched.h, linux/sched/types.h); spelled
 * out because the libc headers do not carry all of them. */
static const struct oj_name ioprio_classes[] = {
	{ "IOPRIO_CLASS_RT", 1 },
	{ "IOPRIO_CLASS_BE", 2 },
	{ "IOPRIO_CLASS_IDLE", 3 },
};

#define POLICY_FIFO 1
#define POLICY_RR 2
#define POLICY_DEADLINE 6

static const struct oj_name sched_policies[] = {
	{ "SCHED_OTHER", 0 },
	{ "SCHED_FIFO", POLICY_FIFO },
	{ "SCHED_RR", POLICY_RR },
	{ "SCHED_BATCH", 3 },
	{ "SCHED_ISO", 4 },
	{ "SCHED_IDLE", 5 },
	{ "SCHED_DEADLINE", POLICY_DEADLINE },
};

static const struct oj_name sched_flags[] = {
	{ "SCHED_FLAG_RESET_ON_FORK", 0x01 },
	{ "SCHED_FLAG_RECLAIM", 0x02 },
	{ "SCHED_FLAG_DL_OVERRUN", 0x04 },
	{ "SCHED_FLAG_KEEP_POLICY", 0x08 },
	{ "SCHED_FLAG_KEEP_PARAMS", 0x10 },
	{ "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
	{ "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
};

static int parse_console_size(struct oj *c, yajl_val proc, struct oci_process *p)
{
	size_t mark;
	yajl_val v;
	int r = oj_obj(c, proc, "consoleSize", false, &v);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "consoleSize");
	if ((r = oj_u32(c, v, "height", true, &p->console_height)) < 0 ||
	    (r = oj_u32(c, v, "width", true, &p->console_width)) < 0)
		return r;
	p->has_console_size = true;
	oj_pop(c, mark);
	return 0;
}

static int parse_gid(struct oj *c, yajl_val v, void *item, void *ud)
{
	return oj_v_u32(c, v, item);
}

static int parse_user(struct oj *c, yajl_val proc, struct oci_user *u)
{
	size_t mark;
	yajl_val v;
	int r = oj_obj(c, proc, "user", false, &v);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "user");
	if ((r = oj_u32(c, v, "uid", false, &u->uid)) < 0 ||
	    (r = oj_u32(c, v, "gid", false, &u->gid)) < 0 ||
	    (r = oj_u32(c, v, "umask", false, &u->umask)) < 0)
		return r;
	u->has_umask = r > 0;
	r = oj_array(c, v, "additionalGids", false, sizeof(uint32_t),
		     (void **)&u->additional_gids, &u->n_additional_gids,
		     parse_gid, NULL);
	if (r < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_args(struct oj *c, yajl_val proc, struct oci_process *p)
{
	size_t mark = oj_push_key(c, "args");
	yajl_val v = oj_member(proc, "args");
	int r;

	if (!v)
		return oj_fail(c, "required field is missing");
	r = oj_v_strv(c, v, &p->args);
	if (r < 0)
		return r;
	if (!p->args[0])
		return oj_fail(c, "expected at least one element, got an empty array");
	oj_pop(c, mark);
	return 0;
}

static int parse_cap_set(struct oj *c, yajl_val caps, const char *key, uint64_t *set)
{
	size_t mark;
	char **names;
	int r = oj_strv(c, caps, key, &names);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	for (size_t i = 0; names[i]; i++) {
		int cap = oci_cap_from_name(names[i]);

		if (cap < 0) {
			oj_push_index(c, i);
			return oj_fail(c, "unknown capability \"%s\"",
				       oj_quote(c, names[i]));
		}
		*set |= 1ULL << cap;
	}
	oj_pop(c, mark);
	return 0;
}

static int parse_capabilities(struct oj *c, yajl_val proc, struct oci_process *p)
{
	struct oci_caps *caps;
	size_t mark;
	yajl_val v;
	int r = oj_obj(c, proc, "capabilities", false, &v);

	if (r <= 0)
		return r;
	caps = b_arena_alloc(c->arena, sizeof(*caps));
	mark = oj_push_key(c, "capabilities");
	if ((r = parse_cap_set(c, v, "bounding", &caps->bounding)) < 0 ||
	    (r = parse_cap_set(c, v, "effective", &caps->effective)) < 0 ||
	    (r = parse_cap_set(c, v, "inheritable", &caps->inheritable)) < 0 ||
	    (r = parse_cap_set(c, v, "permitted", &caps->permitted)) < 0 ||
	    (r = parse_cap_set(c, v, "ambient", &caps->ambient)) < 0)
		return r;
	p->capabilities = caps;
	oj_pop(c, mark);
	return 0;
}

/* `ud` is a bitmask of the resources seen so far, to catch duplicates. */
static int parse_rlimit(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_rlimit *rl = item;
	uint64_t *seen = ud;
	char *type;
	size_t mark;
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_str(c, v, "type", true, &type)) < 0)
		return r;
	mark = oj_push_key(c, "type");
	rl->resource = oci_rlimit_from_name(type);
	if (rl->resource < 0)
		return oj_fail(c, "unknown rlimit \"%s\"", oj_quote(c, type));
	oj_pop(c, mark);
	if (*seen & (1ULL << rl->resource))
		return oj_fail(c, "duplicate rlimit \"%s\"", type);
	*seen |= 1ULL << rl->resource;
	if ((r = oj_u64(c, v, "soft", true, UINT64_MAX, &rl->soft)) < 0 ||
	    (r = oj_u64(c, v, "hard", true, UINT64_MAX, &rl->hard)) < 0)
		return r;
	if (rl->soft > rl->hard)
		return oj_fail(c, "soft limit %llu is greater than hard limit %llu",
			       (unsigned long long)rl->soft,
			       (unsigned long long)rl->hard);
	return 0;
}

static int parse_io_priority(struct oj *c, yajl_val proc, struct oci_process *p)
{
	struct oci_io_priority *io;
	int64_t prio = 0;
	size_t mark;
	long class;
	yajl_val v;
	int r = oj_obj(c, proc, "ioPriority", false, &v);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "ioPriority");
	if ((r = oj_enum(c, v, "class", true, ioprio_classes,
			 B_ARRAY_SIZE(ioprio_classes), "I/O priority class",
			 true, &class)) < 0 ||
	    (r = oj_i64(c, v, "priority", false, 0, 7, &prio)) < 0)
		return r;
	io = b_arena_alloc(c->arena, sizeof(*io));
	io->class = (int)class;
	io->priority = (int)prio;
	p->io_priority = io;
	oj_pop(c, mark);
	return 0;
}

static int parse_sched_flags(struct oj *c, yajl_val v, struct oci_scheduler *s)
{
	size_t mark;
	char **names;
	int r = oj_strv(c, v, "flags", &names);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, "flags");
	for (size_t i = 0; names[i]; i++) {
		size_t m = oj_push_index(c, i);
		long bit;

		r = oj_v_enum(c, names[i], sched_flags, B_ARRAY_SIZE(sched_flags),
			      "scheduler flag", false, &bit);
		if (r < 0)
			return r;
		s->flags |= (uint64_t)bit;
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

/* The same consistency rules as runc: a static priority only means something
 * to the real-time policies, runtime/deadline/period only to DEADLINE. */
static int check_scheduler(struct oj *c, yajl_val v, const struct oci_scheduler *s)
{
	static const char *const dl_keys[] = { "runtime", "deadline", "period" };

	if (s->priority && s->policy != POLICY_FIFO && s->policy != POLICY_RR) {
		oj_push_key(c, "priority");
		return oj_fail(c, "only valid with SCHED_FIFO or SCHED_RR");
	}
	if (s->policy == POLICY_DEADLINE)
		return 0;
	for (size_t i = 0; i < B_ARRAY_SIZE(dl_keys); i++)
		if (oj_member(v, dl_keys[i])) {
			oj_push_key(c, dl_keys[i]);
			return oj_fail(c, "only valid with SCHED_DEADLINE");
		}
	return 0;
}

static int parse_scheduler(struct oj *c, yajl_val proc, struct oci_process *p)
{
	struct oci_scheduler *s;
	int64_t nice = 0, prio = 0;
	size_t mark;
	long policy;
	yajl_val v;
	int r = oj_obj(c, proc, "scheduler", false, &v);

	if (r <= 0)
		return r;
	s = b_arena_alloc(c->arena, sizeof(*s));
	mark = oj_push_key(c, "scheduler");
	if ((r = oj_enum(c, v, "policy", true, sched_policies,
			 B_ARRAY_SIZE(sched_policies), "scheduler policy",
			 true, &policy)) < 0 ||
	    (r = oj_i64(c, v, "nice", false, -20, 19, &nice)) < 0 ||
	    (r = oj_i64(c, v, "priority", false, 0, 99, &prio)) < 0 ||
	    (r = parse_sched_flags(c, v, s)) < 0 ||
	    (r = oj_u64(c, v, "runtime", false, UINT64_MAX, &s->runtime)) < 0 ||
	    (r = oj_u64(c, v, "deadline", false, UINT64_MAX, &s->deadline)) < 0 ||
	    (r = oj_u64(c, v, "period", false, UINT64_MAX, &s->period)) < 0)
		return r;
	s->policy = (int)policy;
	s->nice = (int32_t)nice;
	s->priority = (uint32_t)prio;
	r = check_scheduler(c, v, s);
	if (r < 0)
		return r;
	p->scheduler = s;
	oj_pop(c, mark);
	return 0;
}

static int parse_misc(struct oj *c, yajl_val v, struct oci_process *p)
{
	int64_t adj;
	int r;

	if ((r = oj_bool(c, v, "terminal", &p->terminal)) < 0 ||
	    (r = oj_bool(c, v, "noNewPrivileges", &p->no_new_privileges)) < 0 ||
	    (r = oj_str(c, v, "apparmorProfile", false, &p->apparmor_profile)) < 0 ||
	    (r = oj_str(c, v, "selinuxLabel", false, &p->selinux_label)) < 0)
		return r;
	r = oj_i64(c, v, "oomScoreAdj", false, -1000, 1000, &adj);
	if (r < 0)
		return r;
	p->has_oom_score_adj = r > 0;
	p->oom_score_adj = r > 0 ? (int)adj : 0;
	return 0;
}

int oci_parse_process_obj(struct oj *c, yajl_val v, struct oci_process *p)
{
	uint64_t seen_rlimits = 0;
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = parse_misc(c, v, p)) < 0 ||
	    (r = parse_console_size(c, v, p)) < 0 ||
	    (r = parse_user(c, v, &p->user)) < 0 ||
	    (r = parse_args(c, v, p)) < 0 ||
	    (r = oci_parse_env(c, v, "env", &p->env)) < 0 ||
	    (r = oj_abspath(c, v, "cwd", true, &p->cwd)) < 0 ||
	    (r = parse_capabilities(c, v, p)) < 0 ||
	    (r = oj_array(c, v, "rlimits", false, sizeof(struct oci_rlimit),
			  (void **)&p->rlimits, &p->n_rlimits, parse_rlimit,
			  &seen_rlimits)) < 0 ||
	    (r = parse_io_priority(c, v, p)) < 0 ||
	    (r = parse_scheduler(c, v, p)) < 0)
		return r;
	return 0;
}
