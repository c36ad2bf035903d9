/* runtime/exe_guard.c and the exec stub (runtime/stub/stub.c): when the
 * stub may start a process (CVE-2019-5736 protection without copying
 * berth), how its failures reach berth, and that the stub itself execs,
 * refuses other callers and leaves no fd of berth's behind. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/container.h"
#include "runtime/internal.h"
#include "runtime/stub/blob.h"
#include "runtime/stub/proto.h"
#include "testmain.h"

#define BIT(c) (1ULL << (c))
#define DEFAULT_CAPS (BIT(CAP_CHOWN) | BIT(CAP_KILL) | BIT(CAP_NET_BIND_SERVICE))

static struct oci_seccomp_syscall rule(char **names, enum oci_seccomp_action a, size_t n_args)
{
	return (struct oci_seccomp_syscall){ .names = names, .action = a, .n_args = n_args };
}

static char *stub_names[] = { "execveat", "prctl", "fcntl", "write", "close", "exit_group", NULL };
static char *no_prctl[] = { "execveat", "fcntl", "write", "close", "exit_group", NULL };
static char *fcntl_only[] = { "fcntl", NULL };
static char *mount_only[] = { "mount", NULL };

enum profile { NONE, ALLOWLIST, ALLOWLIST_NO_PRCTL, FCNTL_BY_ARGS, DENY_MOUNT, DENY_ALL };

static const struct guard_case {
	const char *name;
	uint32_t uid;
	bool no_caps;             /* capabilities absent: berth's own stay */
	struct oci_caps caps;
	const char *apparmor;
	uint64_t container_bounding;  /* the container's process (exec), 0: the same as p */
	bool no_config;
	bool join_pid;
	enum profile profile;
	const char *why;          /* substring of the refusal, NULL: stub usable */
} guard_cases[] = {
#define ROOT_CAPS { DEFAULT_CAPS, DEFAULT_CAPS, 0, DEFAULT_CAPS, 0 }
	{ "root, default caps", 0, false, ROOT_CAPS, NULL, 0, false, false, NONE, NULL },
	{ "non-root, no capabilities at all", 1000, false, { DEFAULT_CAPS, 0, 0, 0, 0 }, NULL, 0, false, false, NONE, NULL },
	{ "non-root, all permitted ones ambient", 1000, false,
	  { DEFAULT_CAPS, BIT(CAP_KILL), BIT(CAP_KILL), BIT(CAP_KILL), BIT(CAP_KILL) }, NULL, 0, false, false, NONE, NULL },
	{ "non-root, permitted not ambient", 1000, false,
	  { DEFAULT_CAPS, BIT(CAP_KILL), 0, BIT(CAP_KILL), 0 }, NULL, 0, false, false, NONE, "not ambient" },
	{ "CAP_SYS_PTRACE in the bounding set", 0, false,
	  { DEFAULT_CAPS | BIT(CAP_SYS_PTRACE), DEFAULT_CAPS, 0, DEFAULT_CAPS, 0 }, NULL, 0, false, false, NONE,
	  "CAP_SYS_PTRACE" },
	{ "no capabilities object (all of berth's)", 0, true, { 0 }, NULL, 0, false, false, NONE, "CAP_SYS_PTRACE" },
	{ "exec into a container that may ptrace", 0, false, ROOT_CAPS, NULL, BIT(CAP_SYS_PTRACE), false, false,
	  NONE, "CAP_SYS_PTRACE" },
	{ "exec into a container that may not", 0, false, ROOT_CAPS, NULL, DEFAULT_CAPS, false, false, NONE, NULL },
	{ "exec without the container's config", 0, false, ROOT_CAPS, NULL, 0, true, false, NONE, "config" },
	{ "an AppArmor profile", 0, false, ROOT_CAPS, "berth-test", 0, false, false, NONE, "AppArmor" },
	{ "a joined pid namespace", 0, false, ROOT_CAPS, NULL, 0, false, true, NONE, "pid namespace" },
	{ "an allowlist with what the stub needs", 0, false, ROOT_CAPS, NULL, 0, false, false, ALLOWLIST, NULL },
	{ "an allowlist without prctl", 0, false, ROOT_CAPS, NULL, 0, false, false, ALLOWLIST_NO_PRCTL, "seccomp" },
	{ "fcntl allowed only for some arguments", 0, false, ROOT_CAPS, NULL, 0, false, false, FCNTL_BY_ARGS,
	  "seccomp" },
	{ "allow by default, mount refused", 0, false, ROOT_CAPS, NULL, 0, false, false, DENY_MOUNT, NULL },
	{ "errno by default, nothing listed", 0, false, ROOT_CAPS, NULL, 0, false, false, DENY_ALL, "seccomp" },
};

static void set_profile(struct oci_seccomp *sc, struct oci_seccomp_syscall *rules, enum profile pr)
{
	sc->default_action = pr == DENY_MOUNT ? OCI_SCMP_ACT_ALLOW : OCI_SCMP_ACT_ERRNO;
	sc->syscalls = rules;
	sc->n_syscalls = 1;
	switch (pr) {
	case ALLOWLIST: rules[0] = rule(stub_names, OCI_SCMP_ACT_ALLOW, 0); break;
	case ALLOWLIST_NO_PRCTL: rules[0] = rule(no_prctl, OCI_SCMP_ACT_ALLOW, 0); break;
	case FCNTL_BY_ARGS:
		rules[0] = rule(stub_names, OCI_SCMP_ACT_ALLOW, 0);
		rules[1] = rule(fcntl_only, OCI_SCMP_ACT_ALLOW, 1);
		sc->n_syscalls = 2;
		break;
	case DENY_MOUNT: rules[0] = rule(mount_only, OCI_SCMP_ACT_ERRNO, 0); break;
	case DENY_ALL: sc->n_syscalls = 0; break;
	case NONE: break;
	}
}

START_TEST(test_stub_usable)
{
	const struct guard_case *c = &guard_cases[_i];
	struct oci_caps caps = c->caps, ccaps = { .bounding = c->container_bounding };
	struct oci_process p = { .user = { .uid = c->uid }, .capabilities = c->no_caps ? NULL : &caps,
				 .apparmor_profile = (char *)c->apparmor };
	struct oci_process cp = { .capabilities = &ccaps };
	struct oci_config cfg = { .process = c->container_bounding ? &cp : &p };
	struct oci_seccomp sc = { 0 };
	struct oci_seccomp_syscall rules[2];
	const char *why;

	if (c->join_pid) {
		cfg.linux.namespaces[0] = (struct oci_namespace){ .kind = OCI_NS_PID,
								  .path = "/proc/1/ns/pid" };
		cfg.linux.n_namespaces = 1;
	}
	if (c->profile != NONE) {
		set_profile(&sc, rules, c->profile);
		cfg.linux.seccomp = &sc;
	}
	why = rt_exe_stub_unusable(&p, c->no_config ? NULL : &cfg);
	if (rt_stub_elf_len == 0)
		return;  /* no stub here: always refused, nothing to tell apart */
	if (!c->why)
		ck_assert_msg(why == NULL, "%s: refused (%s)", c->name, why);
	else
		ck_assert_msg(why && strstr(why, c->why), "%s: got \"%s\"", c->name, why ? why : "usable");
}
END_TEST

static size_t frame(char *buf, int type, int code, const char *text, size_t claimed)
{
	struct rt_stub_frame h = { type, code, claimed ? claimed : strlen(text) + 1 };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), text, strlen(text) + 1);
	return sizeof(h) + strlen(text) + 1;
}

START_TEST(test_frame_decode)
{
	char buf[256];
	struct b_err err = { 0 };
	size_t n = frame(buf, RT_STUB_SYNC_EXEC_ERROR, ENOENT, "exec /app", 0);

	ck_assert(rt_sync_exec_error_frame(buf, n, &err));
	ck_assert_int_eq(err.code, ENOENT);
	ck_assert_str_eq(err.msg, "exec /app: No such file or directory");
	n = frame(buf, RT_SYNC_ERROR, ENOENT, "exec /app", 0);
	ck_assert(!rt_sync_exec_error_frame(buf, n, &err));
	n = frame(buf, RT_STUB_SYNC_EXEC_ERROR, ENOENT, "exec /app", 0);
	ck_assert(!rt_sync_exec_error_frame(buf, n - 3, &err));        /* cut short */
	ck_assert(!rt_sync_exec_error_frame(buf, sizeof(struct rt_stub_frame), &err));
	n = frame(buf, RT_STUB_SYNC_EXEC_ERROR, ENOENT, "exec /app", 4); /* NUL not at the end */
	ck_assert(!rt_sync_exec_error_frame(buf, n, &err));
	ck_assert(!rt_sync_exec_error_frame("text error", 10, &err));
}
END_TEST

/* Run argv through the stub in a child; its exit status, and what it
 * reported on the error socket ("" if nothing). */
static int via_stub(char *const argv[], char *report, size_t size)
{
	struct b_err err = { 0 };
	int stub = rt_memfd_sealed("berth-exec-stub", rt_stub_elf, rt_stub_elf_len, -1, &err);
	int sp[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_msg(stub >= 0, "%s", err.msg);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	pid = fork();
	if (pid == 0) {
		char *env[] = { "PATH=/usr/bin:/bin", NULL };
		close(sp[0]);
		/* Where the test's script looks for it. */
		ck_assert_int_eq(dup3(sp[1], 9, O_CLOEXEC), 9);
		rt_guarded_execve(stub, 9, argv[0], argv, env);
		_exit(99);
	}
	close(sp[1]);
	close(stub);
	n = recv(sp[0], report, size - 1, 0);
	report[n > 0 ? n : 0] = '\0';
	if (n > 0) {
		ck_assert(rt_sync_exec_error_frame(report, (size_t)n, &err));
		snprintf(report, size, "%s", err.msg);
	}
	close(sp[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

START_TEST(test_stub_execs)
{
	char report[B_ERR_MSG_MAX + 64];
	/* The report socket (fd 9) must not reach the process. */
	char *const ok[] = { "/bin/sh", "-c", "[ -e /proc/self/fd/9 ] && exit 7; exit 3", NULL };
	char *const missing[] = { "/nonexistent/app", "x", NULL };

	if (rt_stub_elf_len == 0)
		return;
	ck_assert_int_eq(via_stub(ok, report, sizeof(report)), 3);
	ck_assert_str_eq(report, "");
	ck_assert_int_eq(via_stub(missing, report, sizeof(report)), RT_STUB_EXIT_EXEC);
	ck_assert_str_eq(report, "exec /nonexistent/app: No such file or directory");
}
END_TEST

/* A script whose interpreter is /proc/self/exe, or anyone else who runs
 * the stub without berth's argv[0], gets nothing from it. */
START_TEST(test_stub_refuses_other_callers)
{
	struct b_err err = { 0 };
	int stub = rt_memfd_sealed("berth-exec-stub", rt_stub_elf, rt_stub_elf_len, -1, &err);
	int status;
	pid_t pid;

	if (rt_stub_elf_len == 0)
		return;
	ck_assert_int_ge(stub, 0);
	ck_assert_int_eq(fcntl(stub, F_GET_SEALS) & F_SEAL_WRITE, F_SEAL_WRITE);
	ck_assert_int_lt(write(stub, "x", 1), 0);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "/proc/self/exe", "/script", "/bin/true", "true", NULL };
		char *env[] = { NULL };
		fexecve(stub, argv, env);
		_exit(99);
	}
	waitpid(pid, &status, 0);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), RT_STUB_EXIT_USAGE);
	close(stub);
}
END_TEST

static Suite *exe_guard_suite(void)
{
	Suite *s = suite_create("exe_guard");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_stub_usable, 0, sizeof(guard_cases) / sizeof(guard_cases[0]));
	tcase_add_test(tc, test_frame_decode);
	tcase_add_test(tc, test_stub_execs);
	tcase_add_test(tc, test_stub_refuses_other_callers);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(exe_guard_suite)
