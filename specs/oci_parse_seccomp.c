/* linux.seccomp: names are checked here so that a typo is reported with its
 * JSON path; runtime/ maps the stored enums and strings to libseccomp. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "oci_parse_internal.h"

static const struct oj_name actions[] = {
	{ "SCMP_ACT_KILL", OCI_SCMP_ACT_KILL },
	{ "SCMP_ACT_KILL_PROCESS", OCI_SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_KILL_THREAD", OCI_SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_TRAP", OCI_SCMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", OCI_SCMP_ACT_ERRNO },
	{ "SCMP_ACT_TRACE", OCI_SCMP_ACT_TRACE },
	{ "SCMP_ACT_ALLOW", OCI_SCMP_ACT_ALLOW },
	{ "SCMP_ACT_LOG", OCI_SCMP_ACT_LOG },
	{ "SCMP_ACT_NOTIFY", OCI_SCMP_ACT_NOTIFY },
};

static const struct oj_name operators[] = {
	{ "SCMP_CMP_NE", OCI_SCMP_NE },
	{ "SCMP_CMP_LT", OCI_SCMP_LT },
	{ "SCMP_CMP_LE", OCI_SCMP_LE },
	{ "SCMP_CMP_EQ", OCI_SCMP_EQ },
	{ "SCMP_CMP_GE", OCI_SCMP_GE },
	{ "SCMP_CMP_GT", OCI_SCMP_GT },
	{ "SCMP_CMP_MASKED_EQ", OCI_SCMP_MASKED_EQ },
};

/* runtime-spec's list plus what libseccomp added since. */
static const struct oj_name arches[] = {
	{ "SCMP_ARCH_X86", 0 }, { "SCMP_ARCH_X86_64", 0 }, { "SCMP_ARCH_X32", 0 },
	{ "SCMP_ARCH_ARM", 0 }, { "SCMP_ARCH_AARCH64", 0 },
	{ "SCMP_ARCH_MIPS", 0 }, { "SCMP_ARCH_MIPS64", 0 },
	{ "SCMP_ARCH_MIPS64N32", 0 }, { "SCMP_ARCH_MIPSEL", 0 },
	{ "SCMP_ARCH_MIPSEL64", 0 }, { "SCMP_ARCH_MIPSEL64N32", 0 },
	{ "SCMP_ARCH_PPC", 0 }, { "SCMP_ARCH_PPC64", 0 }, { "SCMP_ARCH_PPC64LE", 0 },
	{ "SCMP_ARCH_S390", 0 }, { "SCMP_ARCH_S390X", 0 },
	{ "SCMP_ARCH_PARISC", 0 }, { "SCMP_ARCH_PARISC64", 0 },
	{ "SCMP_ARCH_RISCV64", 0 }, { "SCMP_ARCH_LOONGARCH64", 0 },
	{ "SCMP_ARCH_M68K", 0 }, { "SCMP_ARCH_SH", 0 }, { "SCMP_ARCH_SHEB", 0 },
};

static const struct oj_name filter_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", 0 },
	{ "SECCOMP_FILTER_FLAG_LOG", 0 },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 0 },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0 },
};

/* `what` names the list in messages. */
static int check_names(struct oj *c, yajl_val v, const char *key, char ***out,
		       const struct oj_name *t, size_t n, const char *what)
{
	size_t mark;
	long dummy;
	int r = oj_strv(c, v, key, out);

	if (r <= 0)
		return r;
	mark = oj_push_key(c, key);
	for (size_t i = 0; (*out)[i]; i++) {
		size_t m = oj_push_index(c, i);

		r = oj_v_enum(c, (*out)[i], t, n, what, false, &dummy);
		if (r < 0)
			return r;
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

/* NOTIFY hands syscalls to an agent, which is only reachable through
 * listenerPath; without it the container would block forever. */
static int parse_action(struct oj *c, yajl_val v, const char *key,
			const struct oci_seccomp *s, enum oci_seccomp_action *out)
{
	long act;
	int r = oj_enum(c, v, key, true, actions, B_ARRAY_SIZE(actions),
			"seccomp action", false, &act);

	if (r < 0)
		return r;
	*out = (enum oci_seccomp_action)act;
	if (act == OCI_SCMP_ACT_NOTIFY && !s->listener_path) {
		oj_push_key(c, key);
		return oj_fail(c, "SCMP_ACT_NOTIFY requires linux.seccomp.listenerPath");
	}
	return 0;
}

static int parse_arg(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_seccomp_arg *a = item;
	uint64_t index;
	long op;
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = oj_u64(c, v, "index", true, 5, &index)) < 0 ||
	    (r = oj_u64(c, v, "value", true, UINT64_MAX, &a->value)) < 0 ||
	    (r = oj_u64(c, v, "valueTwo", false, UINT64_MAX, &a->value_two)) < 0 ||
	    (r = oj_enum(c, v, "op", true, operators, B_ARRAY_SIZE(operators),
			 "seccomp operator", true, &op)) < 0)
		return r;
	a->index = (unsigned)index;
	a->op = (enum oci_seccomp_op)op;
	return 0;
}

/* `ud` is the seccomp object, for parse_action(). */
static int parse_syscall(struct oj *c, yajl_val v, void *item, void *ud)
{
	struct oci_seccomp_syscall *sc = item;
	size_t mark;
	int r;

	if ((r = oj_v_object(c, v)) < 0)
		return r;
	mark = oj_push_key(c, "names");
	if (!oj_member(v, "names"))
		return oj_fail(c, "required field is missing");
	oj_pop(c, mark);
	if ((r = oj_strv(c, v, "names", &sc->names)) < 0)
		return r;
	if (!sc->names[0]) {
		oj_push_key(c, "names");
		return oj_fail(c, "expected at least one element, got an empty array");
	}
	if ((r = parse_action(c, v, "action", ud, &sc->action)) < 0)
		return r;
	if ((r = oj_u32(c, v, "errnoRet", false, &sc->errno_ret)) < 0)
		return r;
	sc->has_errno_ret = r > 0;
	r = oj_array(c, v, "args", false, sizeof(struct oci_seccomp_arg),
		     (void **)&sc->args, &sc->n_args, parse_arg, NULL);
	return r < 0 ? r : 0;
}

/* Saturating: an absurd profile counts as huge instead of wrapping. */
static size_t sat_mul(size_t a, size_t b)
{
	size_t r;

	return __builtin_mul_overflow(a, b, &r) ? SIZE_MAX : r;
}

/* The argument combinations entry `sc` expands into (per name) and the
 * comparisons in each: one per argument index it uses.  An index out of
 * range counts for nothing here; it is reported on its own. */
static size_t entry_combinations(const struct oci_seccomp_syscall *sc, size_t *per_rule)
{
	size_t count[6] = { 0 }, combos = 1;

	for (size_t i = 0; i < sc->n_args; i++)
		if (sc->args[i].index < 6)
			count[sc->args[i].index]++;
	*per_rule = 0;
	for (size_t k = 0; k < 6; k++) {
		if (!count[k])
			continue;
		combos = sat_mul(combos, count[k]);
		(*per_rule)++;
	}
	return combos;
}

/* Counted as written, unknown names and rules equal to the default action
 * included, so the verdict does not depend on the libseccomp version. */
int oci_seccomp_check_size(const struct oci_seccomp *s, size_t *entry, char *msg,
			   size_t size)
{
	size_t rules = 0, cmps = 0;

	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct oci_seccomp_syscall *sc = &s->syscalls[i];
		size_t names = 0, per_rule, combos = entry_combinations(sc, &per_rule);
		size_t r, k;

		while (sc->names && sc->names[names])
			names++;
		r = sat_mul(names, combos);
		k = sat_mul(r, per_rule);
		*entry = i;
		if (r > OCI_SECCOMP_MAX_RULES - rules) {
			snprintf(msg, size, "the profile expands to more than %d rules, the most berth compiles: "
				 "this entry adds %zu (syscall names: %zu, argument combinations: %zu) to %zu",
				 OCI_SECCOMP_MAX_RULES, r, names, combos, rules);
			return -E2BIG;
		}
		if (k > OCI_SECCOMP_MAX_ARG_CMPS - cmps) {
			snprintf(msg, size, "the profile makes more than %d argument comparisons, the most berth compiles: "
				 "this entry adds %zu (rules: %zu, comparisons in each: %zu) to %zu",
				 OCI_SECCOMP_MAX_ARG_CMPS, k, r, per_rule, cmps);
			return -E2BIG;
		}
		rules += r;
		cmps += k;
	}
	return 0;
}

/* Refused here, with the entry's JSON path, rather than after libseccomp
 * has spent minutes on it. */
static int check_size(struct oj *c, const struct oci_seccomp *s)
{
	char msg[256];
	size_t entry;

	if (oci_seccomp_check_size(s, &entry, msg, sizeof(msg)) == 0)
		return 0;
	oj_push_key(c, "syscalls");
	oj_push_index(c, entry);
	return oj_fail(c, "%s", msg);
}

int oci_parse_seccomp(struct oj *c, yajl_val v, struct oci_seccomp *s)
{
	int r;

	/* listenerPath before the actions that depend on it. */
	if ((r = oj_abspath(c, v, "listenerPath", false, &s->listener_path)) < 0 ||
	    (r = oj_str(c, v, "listenerMetadata", false, &s->listener_metadata)) < 0 ||
	    (r = parse_action(c, v, "defaultAction", s, &s->default_action)) < 0)
		return r;
	if ((r = oj_u32(c, v, "defaultErrnoRet", false, &s->default_errno_ret)) < 0)
		return r;
	s->has_default_errno_ret = r > 0;
	if ((r = check_names(c, v, "architectures", &s->architectures, arches,
			     B_ARRAY_SIZE(arches), "architecture")) < 0 ||
	    (r = check_names(c, v, "flags", &s->flags, filter_flags,
			     B_ARRAY_SIZE(filter_flags), "seccomp flag")) < 0 ||
	    (r = oj_array(c, v, "syscalls", false, sizeof(struct oci_seccomp_syscall),
			  (void **)&s->syscalls, &s->n_syscalls, parse_syscall, s)) < 0)
		return r;
	return check_size(c, s);
}
