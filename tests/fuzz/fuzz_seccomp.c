/* Seccomp profiles: a pod's Localhost seccompProfile file, or
 * linux.seccomp in config.json.  oci_seccomp_parse() checks the JSON and
 * the names; rt_seccomp_compile() then feeds the result to libseccomp in
 * the runtime (as root, before the container exists), so both run here.
 *
 * Cost: a profile that parses can still ask libseccomp for a lot of work:
 * each syscall name x each combination of argument conditions becomes a
 * rule, and libseccomp repeats them per architecture.  The parser bounds
 * the rules; architectures multiply them, so here profiles over
 * RULE_BUDGET rules counting architectures are only parsed, one input costs
 * at most tens of milliseconds, and the fuzzer spends its time on the
 * shapes.  Together with -max_len that keeps every input far below
 * libFuzzer's -timeout. */
#include <dlfcn.h>
#include <stdbool.h>

#include "fuzz.h"

#include "runtime/seccomp.h"
#include "specs/seccomp_default.h"

/* The RuntimeDefault profile is 6.5 KiB. */
#define FUZZ_MAX_INPUT (16 * 1024)
/* The RuntimeDefault profile is about 400 rules on one architecture. */
#define RULE_BUDGET 2048

/* libseccomp 2.5.4 (Debian 12) itself leaks when rules with argument
 * conditions for several socketcall-multiplexed syscalls meet the x86
 * ABI (tests/fuzz/regressions/seccomp/libseccomp-socketcall-args-leak),
 * so tests/fuzz/lsan.supp ignores leaks allocated inside libseccomp.
 * That must not hide a filter context berth forgets to release: the
 * harness counts contexts itself, by interposing init and release. */
static long live_ctx;

scmp_filter_ctx seccomp_init(uint32_t def_action)
{
	static scmp_filter_ctx (*real)(uint32_t);
	scmp_filter_ctx ctx;

	if (!real)
		real = (scmp_filter_ctx (*)(uint32_t))dlsym(RTLD_NEXT, "seccomp_init");
	ctx = real(def_action);
	live_ctx += ctx != NULL;
	return ctx;
}

void seccomp_release(scmp_filter_ctx ctx)
{
	static void (*real)(scmp_filter_ctx);

	if (!real)
		real = (void (*)(scmp_filter_ctx))dlsym(RTLD_NEXT, "seccomp_release");
	live_ctx -= ctx != NULL;
	real(ctx);
}

/* Rules the profile would expand into (an upper bound, saturating). */
static size_t rule_count(const struct oci_seccomp *s)
{
	size_t archs = 1, total = 0;

	for (char **a = s->architectures; a && *a; a++)
		archs++;
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct oci_seccomp_syscall *sc = &s->syscalls[i];
		size_t per_index[6] = { 0 }, combos = 1, names = 0;

		for (char **n = sc->names; n && *n; n++)
			names++;
		for (size_t k = 0; k < sc->n_args; k++)
			if (sc->args[k].index < 6)
				per_index[sc->args[k].index]++;
		for (size_t k = 0; k < 6; k++)
			if (per_index[k] && (combos *= per_index[k]) > RULE_BUDGET)
				return SIZE_MAX;
		if (names > RULE_BUDGET || (total += names * combos * archs) > RULE_BUDGET)
			return SIZE_MAX;
	}
	return total;
}

static bool any_notify(const struct oci_seccomp *s)
{
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action == OCI_SCMP_ACT_NOTIFY)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct b_arena arena = { 0 };
	struct oci_seccomp *s = NULL;
	struct rt_seccomp *f = NULL;
	struct b_err err = { 0 };
	int r;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	r = oci_seccomp_parse("profile.json", (const char *)data, size, &arena, &s, &err);
	fuzz_check_result(r, &err);
	if (r == 0 && rule_count(s) <= RULE_BUDGET) {
		struct b_err cerr = { 0 };

		r = rt_seccomp_compile(s, &f, &cerr);
		fuzz_check_result(r, &cerr);
		FUZZ_CHECK(r < 0 ? f == NULL : f != NULL);
		/* A notifying filter needs a rule that asked for it. */
		if (rt_seccomp_uses_notify(f))
			FUZZ_CHECK(any_notify(s));
		rt_seccomp_free(f);
		FUZZ_CHECK(live_ctx == 0);
	}
	b_arena_release(&arena);
	return 0;
}
