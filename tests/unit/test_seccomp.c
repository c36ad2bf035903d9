/* runtime/seccomp: compile errors in-process; every load happens in a child
 * of our own, because a loaded filter would also bind check's own process. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/internal.h"
#include "runtime/seccomp.h"
#include "specs/seccomp_default.h"
#include "testmain.h"
#include "testskip.h"

static char *no_strs[] = { NULL };

/* ---- child harness -------------------------------------------------- */

/* The child reports a failure as text on `fd` and exits 1.  exit_group is
 * called directly: nothing of libc or the sanitizers runs after the filter. */
static void __attribute__((noreturn, format(printf, 2, 3)))
child_fail(int fd, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!write(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	syscall(SYS_exit_group, 1);
	__builtin_unreachable();
}

#define EXPECT(fd, cond, ...) do { if (!(cond)) child_fail(fd, __VA_ARGS__); } while (0)

typedef void (*child_fn)(int fd, void *arg);

/* Run fn in a child; its wait status, and what it reported in msg. */
static int child_status(child_fn fn, void *arg, char *msg, size_t size)
{
	int p[2], st = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		close(p[0]);
		/* A child the filter kills with SIGSYS leaves no core file. */
		setrlimit(RLIMIT_CORE, &no_core);
		fn(p[1], arg);
		syscall(SYS_exit_group, 0);
	}
	close(p[1]);
	n = read(p[0], msg, size - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return st;
}

static void run_child(child_fn fn, void *arg)
{
	char msg[600] = "";
	int st = child_status(fn, arg, msg, sizeof(msg));

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && !*msg,
		      "child failed (status %#x%s): %s", st,
		      WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS ? ", killed by SIGSYS" : "", msg);
}

/* For a child whose filter must kill it (SCMP_ACT_KILL: SIGSYS). */
static void run_child_sigsys(child_fn fn, void *arg)
{
	char msg[600] = "";
	int st = child_status(fn, arg, msg, sizeof(msg));

	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		      "child not killed by SIGSYS (status %#x): %s", st, msg);
}

static void load_or_fail(int fd, struct rt_seccomp *f, int *notify_fd)
{
	struct b_err err = { 0 };

	if (rt_seccomp_load(f, notify_fd, &err) < 0)
		child_fail(fd, "load: %s", err.msg);
}

static struct rt_seccomp *compile_ok(const struct oci_seccomp *spec)
{
	struct b_err err = { 0 };
	struct rt_seccomp *f = NULL;
	int rc = rt_seccomp_compile(spec, &f, &err);

	ck_assert_msg(rc == 0, "compile: %d %s", rc, err.msg);
	ck_assert_ptr_nonnull(f);
	return f;
}

static struct oci_seccomp base_spec(enum oci_seccomp_action def)
{
	return (struct oci_seccomp){
		.default_action = def,
		.architectures = no_strs,
		.flags = no_strs,
	};
}

/* A fresh directory to try mkdir in. */
static void make_tmpdir(char *buf, size_t size)
{
	snprintf(buf, size, "/tmp/berth-ut-seccomp-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

static void remove_tmpdir(const char *dir)
{
	char sub[256];

	snprintf(sub, sizeof(sub), "%s/sub", dir);
	rmdir(sub);
	rmdir(dir);
}

/* ---- mkdir denied --------------------------------------------------- */

struct mkdir_case {
	struct rt_seccomp *f;
	const char *dir;
	int want_errno;
};

static void child_mkdir(int fd, void *arg)
{
	struct mkdir_case *c = arg;
	char sub[256];
	pid_t pid = (pid_t)syscall(SYS_getpid);

	snprintf(sub, sizeof(sub), "%s/sub", c->dir);
	load_or_fail(fd, c->f, NULL);
	errno = 0;
	EXPECT(fd, mkdir(sub, 0700) == -1, "mkdir succeeded under the filter");
	EXPECT(fd, errno == c->want_errno, "mkdir errno %d, want %d", errno, c->want_errno);
	EXPECT(fd, syscall(SYS_mkdirat, AT_FDCWD, sub, 0700) == -1 && errno == c->want_errno,
	       "mkdirat not denied (errno %d)", errno);
	EXPECT(fd, syscall(SYS_getpid) == pid, "getpid broken by the filter");
}

static void check_mkdir_denied(char **names, bool has_ret, uint32_t ret, int want)
{
	struct oci_seccomp_syscall sc = {
		.names = names, .action = OCI_SCMP_ACT_ERRNO,
		.has_errno_ret = has_ret, .errno_ret = ret,
	};
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;
	struct mkdir_case c;
	char dir[64];

	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	f = compile_ok(&spec);
	ck_assert(!rt_seccomp_uses_notify(f));
	make_tmpdir(dir, sizeof(dir));
	c = (struct mkdir_case){ .f = f, .dir = dir, .want_errno = want };
	run_child(child_mkdir, &c);
	remove_tmpdir(dir);
}

START_TEST(errno_default_eperm)
{
	char *names[] = { "mkdir", "mkdirat", NULL };

	check_mkdir_denied(names, false, 0, EPERM);
}
END_TEST

START_TEST(errno_custom)
{
	char *names[] = { "mkdir", "mkdirat", NULL };

	check_mkdir_denied(names, true, 38, 38);
}
END_TEST

START_TEST(unknown_name_skipped)
{
	char *names[] = { "mkdirx", "mkdir", "no_such_syscall", "mkdirat", NULL };

	check_mkdir_denied(names, false, 0, EPERM);
}
END_TEST

/* ---- flags and architectures ---------------------------------------- */

#if defined(__x86_64__)
/* The numbers of the calls used here under the other x86 ABIs: x32 has
 * x86-64's with __X32_SYSCALL_BIT, i386 its own table. */
#define X32_NR_MKDIR (0x40000000L | 83)
#define I386_NR_GETPID 20L
#define I386_NR_MKDIR 39L

/* int 0x80 from 64-bit code, as tests/helpers/syscall.c: the raw result,
 * -errno on failure. */
static long i386_call(long nr, long a0, long a1)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a0), "c"(a1)
			 : "memory", "r8", "r9", "r10", "r11");
	return (int)ret;
}

/* Whether int 0x80 runs i386 syscalls here, probed in a child: with IA32
 * emulation off (ia32_emulation=0, kernels >= 6.7) the kernel answers the
 * instruction with SIGSEGV rather than an error, which would end the test. */
static int i386_probe(char *why, size_t len)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0)
		_exit(i386_call(I386_NR_GETPID, 0, 0) == syscall(SYS_getpid) ? 0 : 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		ck_abort_msg("i386 probe: fork/waitpid: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	if (WIFSIGNALED(st))
		snprintf(why, len, "int 0x80 killed the probe with signal %d", WTERMSIG(st));
	else
		snprintf(why, len, "int 0x80 getpid did not return the pid");
	return 0;
}
#endif

struct tsync_thread {
	int wake;          /* read end: the thread waits for a byte */
	const char *path;
	int err;           /* its mkdir's errno, 0 if it made the directory */
};

static void *tsync_thread_fn(void *arg)
{
	struct tsync_thread *t = arg;
	char c;

	(void)!read(t->wake, &c, 1);
	t->err = mkdir(t->path, 0700) == 0 ? 0 : errno;
	return NULL;
}

/* TSYNC: a thread that was running before the load is filtered too; the
 * native rule holds, and under SCMP_ARCH_X32 so does its x32 number
 * (without that architecture the filter would kill the call). */
static void child_flags_arch(int fd, void *arg)
{
	struct mkdir_case *c = arg;
	struct tsync_thread t = { .err = -1 };
	char sub[256], other[256];
	pthread_t th;
	int p[2];

	snprintf(sub, sizeof(sub), "%s/sub", c->dir);
	snprintf(other, sizeof(other), "%s/thread", c->dir);
	EXPECT(fd, pipe(p) == 0, "pipe");
	t.wake = p[0];
	t.path = other;
	EXPECT(fd, pthread_create(&th, NULL, tsync_thread_fn, &t) == 0, "pthread_create");
	load_or_fail(fd, c->f, NULL);
	(void)!write(p[1], "x", 1);
	EXPECT(fd, pthread_join(th, NULL) == 0, "pthread_join");
	EXPECT(fd, t.err == EPERM, "mkdir in a thread started before the load: errno %d (0: made), want EPERM (TSYNC)",
	       t.err);
	errno = 0;
	EXPECT(fd, mkdir(sub, 0700) == -1 && errno == EPERM, "mkdir: errno %d, want EPERM", errno);
#if defined(__x86_64__)
	errno = 0;
	EXPECT(fd, syscall(X32_NR_MKDIR, NULL, 0700) == -1 && errno == EPERM,
	       "x32 mkdir: errno %d, want EPERM (SCMP_ARCH_X32)", errno);
#endif
}

START_TEST(flags_and_arch)
{
	char *names[] = { "mkdir", "mkdirat", NULL };
	char *archs[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
	char *flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
			  "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL };
	struct oci_seccomp_syscall sc = { .names = names, .action = OCI_SCMP_ACT_ERRNO };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;
	struct mkdir_case c;
	char dir[64], other[80];

	spec.architectures = archs;
	spec.flags = flags;
	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	f = compile_ok(&spec);
	make_tmpdir(dir, sizeof(dir));
	snprintf(other, sizeof(other), "%s/thread", dir);
	c = (struct mkdir_case){ .f = f, .dir = dir, .want_errno = EPERM };
	run_child(child_flags_arch, &c);
	rmdir(other);
	remove_tmpdir(dir);
}
END_TEST

/* The flags of a filter as a tracer sees them: PTRACE_SECCOMP_GET_METADATA
 * reports SECCOMP_FILTER_FLAG_LOG.  0, or -errno of the ptrace call. */
static int filter_flags(struct rt_seccomp *f, uint64_t *flags)
{
	struct __ptrace_seccomp_metadata md = { .filter_off = 0 };
	int st = 0, e;
	long r;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct b_err err = { 0 };

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0 || rt_seccomp_load(f, NULL, &err) < 0)
			syscall(SYS_exit_group, 2);
		raise(SIGSTOP);
		syscall(SYS_exit_group, 0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSTOPPED(st), "the child did not stop under the filter (status %#x)", st);
	r = ptrace(PTRACE_SECCOMP_GET_METADATA, pid, (void *)sizeof(md), &md);
	e = errno;
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	if (r < 0)
		return -e;
	*flags = md.flags;
	return 0;
}

START_TEST(flag_log_kept_with_the_filter)
{
	char *names[] = { "mkdir", NULL };
	char *flags[] = { "SECCOMP_FILTER_FLAG_LOG", NULL };
	struct oci_seccomp_syscall sc = { .names = names, .action = OCI_SCMP_ACT_ERRNO };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *logged = NULL, *plain = NULL;
	uint64_t got = 0;
	int r;

	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	plain = compile_ok(&spec);
	spec.flags = flags;
	logged = compile_ok(&spec);
	r = filter_flags(plain, &got);
	/* EACCES: no CAP_SYS_ADMIN, or this process is under seccomp itself;
	 * EIO: a kernel without CONFIG_CHECKPOINT_RESTORE. */
	if (r == -EACCES || r == -EIO || r == -EPERM)
		TEST_SKIP("PTRACE_SECCOMP_GET_METADATA is not available here: %s", strerror(-r));
	ck_assert_msg(r == 0, "PTRACE_SECCOMP_GET_METADATA: %s", strerror(-r));
	ck_assert_msg(!(got & SECCOMP_FILTER_FLAG_LOG), "LOG set on a filter loaded without it: %#llx",
		      (unsigned long long)got);
	ck_assert_int_eq(filter_flags(logged, &got), 0);
	ck_assert_msg(got & SECCOMP_FILTER_FLAG_LOG, "SECCOMP_FILTER_FLAG_LOG not on the loaded filter: %#llx",
		      (unsigned long long)got);
}
END_TEST

/* The speculation controls of a child after it loaded f (NULL: nothing). */
static void spec_ctrl_after(struct rt_seccomp *f, long out[2])
{
	int p[2], st = 0;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct b_err err = { 0 };
		long v[2] = { -1, -1 };

		if (!f || rt_seccomp_load(f, NULL, &err) == 0) {
			v[0] = prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0);
			v[1] = prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_INDIRECT_BRANCH, 0, 0, 0);
		}
		(void)!write(p[1], v, sizeof(v));
		syscall(SYS_exit_group, 0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], out, 2 * sizeof(long)), (ssize_t)(2 * sizeof(long)));
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
}

/* SPEC_ALLOW: a kernel that forces speculation mitigations on a task that
 * loads a filter (spec_store_bypass_disable=seccomp, spectre_v2_user=seccomp)
 * leaves them alone with this flag; prctl shows which. */
START_TEST(flag_spec_allow_leaves_speculation_alone)
{
	char *names[] = { "mkdir", NULL };
	char *flags[] = { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", NULL };
	struct oci_seccomp_syscall sc = { .names = names, .action = OCI_SCMP_ACT_ERRNO };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *plain = NULL, *allow = NULL;
	long none[2], with_plain[2], with_allow[2];

	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	plain = compile_ok(&spec);
	spec.flags = flags;
	allow = compile_ok(&spec);
	spec_ctrl_after(NULL, none);
	spec_ctrl_after(plain, with_plain);
	ck_assert_msg(with_plain[0] != -1 || with_plain[1] != -1 || none[0] == -1, "the child could not load the filter");
	if (with_plain[0] == none[0] && with_plain[1] == none[1])
		TEST_SKIP("this kernel does not force speculation mitigations on seccomp "
			  "(store bypass %#lx, indirect branch %#lx with a filter or not): SPEC_ALLOW has nothing to show",
			  none[0], none[1]);
	spec_ctrl_after(allow, with_allow);
	ck_assert_msg(with_allow[0] == none[0] && with_allow[1] == none[1],
		      "with SPEC_ALLOW: store bypass %#lx, indirect branch %#lx; without a filter %#lx, %#lx",
		      with_allow[0], with_allow[1], none[0], none[1]);
}
END_TEST

/* A default-deny filter and the other ABIs' numbers: with their
 * architecture listed the rules (and the default) apply to them, without
 * it the filter kills the call. */
static struct rt_seccomp *default_deny_filter(char **archs)
{
	static char *allowed[] = { "getpid", "write", "exit", "exit_group", NULL };
	struct oci_seccomp_syscall sc = { .names = allowed, .action = OCI_SCMP_ACT_ALLOW };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ERRNO);

	spec.architectures = archs;
	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	return compile_ok(&spec);
}

#if defined(__x86_64__)
static void child_x32_denied(int fd, void *arg)
{
	pid_t pid = (pid_t)syscall(SYS_getpid);

	load_or_fail(fd, arg, NULL);
	EXPECT(fd, syscall(SYS_getpid) == pid, "getpid not allowed");
	errno = 0;
	EXPECT(fd, syscall(X32_NR_MKDIR, NULL, 0700) == -1 && errno == EPERM, "x32 mkdir: errno %d, want EPERM", errno);
}

static void child_x32_killed(int fd, void *arg)
{
	load_or_fail(fd, arg, NULL);
	syscall(X32_NR_MKDIR, NULL, 0700);
	child_fail(fd, "an x32 call under a filter without SCMP_ARCH_X32 was not killed (errno %d)", errno);
}

static void child_i386_denied(int fd, void *arg)
{
	long pid = syscall(SYS_getpid), r;

	load_or_fail(fd, arg, NULL);
	r = i386_call(I386_NR_GETPID, 0, 0);
	EXPECT(fd, r == pid, "i386 getpid: %ld, want %ld (allowed)", r, pid);
	r = i386_call(I386_NR_MKDIR, 0, 0700);
	EXPECT(fd, r == -EPERM, "i386 mkdir: %ld, want -EPERM", r);
}

static void child_i386_killed(int fd, void *arg)
{
	long r;

	load_or_fail(fd, arg, NULL);
	r = i386_call(I386_NR_GETPID, 0, 0);
	child_fail(fd, "an i386 call under a filter without SCMP_ARCH_X86 was not killed (%ld)", r);
}
#endif

START_TEST(default_deny_x32_numbers)
{
#if defined(__x86_64__)
	char *x32[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", NULL };
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *with = default_deny_filter(x32);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *native = default_deny_filter(no_strs);

	run_child(child_x32_denied, with);
	run_child_sigsys(child_x32_killed, native);
#else
	TEST_SKIP("x32 is an x86-64 ABI");
#endif
}
END_TEST

START_TEST(default_deny_i386_numbers)
{
#if defined(__x86_64__)
	char *x86[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", NULL };
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *with = NULL, *native = NULL;
	char why[120] = "";

	if (!i386_probe(why, sizeof(why)))
		TEST_SKIP("this kernel runs no i386 syscalls (IA32 emulation off): %s", why);
	with = default_deny_filter(x86);
	native = default_deny_filter(no_strs);
	run_child(child_i386_denied, with);
	run_child_sigsys(child_i386_killed, native);
#else
	TEST_SKIP("the i386 entry point is an x86-64 one");
#endif
}
END_TEST

/* ---- argument rules ------------------------------------------------- */

static void child_personality(int fd, void *arg)
{
	long cur;

	load_or_fail(fd, arg, NULL);
	cur = syscall(SYS_personality, 0xffffffffUL);
	EXPECT(fd, cur >= 0, "personality query denied: errno %d", errno);
	EXPECT(fd, syscall(SYS_personality, (unsigned long)PER_LINUX) == -1 && errno == EPERM,
	       "personality(PER_LINUX) not denied");
	EXPECT(fd, syscall(SYS_getppid) == -1 && errno == EPERM, "getppid not denied by default");
}

/* Default ERRNO; only the personality query, write (for the harness) and
 * exit are allowed. */
START_TEST(arg_eq_allowed_under_default_errno)
{
	char *pers[] = { "personality", NULL };
	char *basic[] = { "write", "exit", "exit_group", NULL };
	struct oci_seccomp_arg a = { .index = 0, .value = 0xffffffffULL, .op = OCI_SCMP_EQ };
	struct oci_seccomp_syscall sc[] = {
		{ .names = basic, .action = OCI_SCMP_ACT_ALLOW },
		{ .names = pers, .action = OCI_SCMP_ACT_ALLOW, .args = &a, .n_args = 1 },
	};
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ERRNO);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;

	spec.syscalls = sc;
	spec.n_syscalls = B_ARRAY_SIZE(sc);
	f = compile_ok(&spec);
	run_child(child_personality, f);
}
END_TEST

/* getpriority(which, who) has two harmless integer arguments to match on. */
static long gp(long which, long who)
{
	errno = 0;
	return syscall(SYS_getpriority, which, who);
}

static bool denied(long rc)
{
	return rc == -1 && errno == EXDEV;
}

static struct rt_seccomp *getpriority_filter(struct oci_seccomp_arg *args, size_t n)
{
	static char *names[] = { "getpriority", NULL };
	struct oci_seccomp_syscall sc = {
		.names = names, .action = OCI_SCMP_ACT_ERRNO,
		.has_errno_ret = true, .errno_ret = EXDEV,
		.args = args, .n_args = n,
	};
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);

	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	return compile_ok(&spec);
}

static void child_same_index_or(int fd, void *arg)
{
	load_or_fail(fd, arg, NULL);
	EXPECT(fd, denied(gp(PRIO_PROCESS, 0)), "which=PROCESS not matched");
	EXPECT(fd, denied(gp(PRIO_USER, 0)), "which=USER not matched");
	EXPECT(fd, !denied(gp(PRIO_PGRP, 0)), "which=PGRP matched");
}

START_TEST(same_index_ored)
{
	struct oci_seccomp_arg a[] = {
		{ .index = 0, .value = PRIO_PROCESS, .op = OCI_SCMP_EQ },
		{ .index = 0, .value = PRIO_USER, .op = OCI_SCMP_EQ },
	};
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = getpriority_filter(a, 2);

	run_child(child_same_index_or, f);
}
END_TEST

static void child_mixed(int fd, void *arg)
{
	long self = syscall(SYS_getpid);

	load_or_fail(fd, arg, NULL);
	EXPECT(fd, denied(gp(PRIO_PROCESS, 0)), "(PROCESS, 0) not matched");
	EXPECT(fd, denied(gp(PRIO_USER, 0)), "(USER, 0) not matched");
	/* runc would match these two: it ORs every condition once an index
	 * repeats.  Here index 1 stays AND'ed with the index-0 alternatives. */
	EXPECT(fd, !denied(gp(PRIO_PROCESS, self)), "(PROCESS, self) matched");
	EXPECT(fd, !denied(gp(PRIO_PGRP, 0)), "(PGRP, 0) matched");
}

START_TEST(same_index_ored_other_index_anded)
{
	struct oci_seccomp_arg a[] = {
		{ .index = 0, .value = PRIO_PROCESS, .op = OCI_SCMP_EQ },
		{ .index = 1, .value = 0, .op = OCI_SCMP_EQ },
		{ .index = 0, .value = PRIO_USER, .op = OCI_SCMP_EQ },
	};
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = getpriority_filter(a, 3);

	run_child(child_mixed, f);
}
END_TEST

static void child_anded(int fd, void *arg)
{
	long pgrp = getpgrp();

	load_or_fail(fd, arg, NULL);
	EXPECT(fd, denied(gp(PRIO_PGRP, 0)), "(PGRP, 0) not matched");
	EXPECT(fd, denied(gp(PRIO_USER, 0)), "(USER, 0) not matched");
	EXPECT(fd, !denied(gp(PRIO_PROCESS, 0)), "(PROCESS, 0) matched");
	EXPECT(fd, !denied(gp(PRIO_PGRP, pgrp)), "(PGRP, pgrp) matched");
}

START_TEST(different_index_anded)
{
	/* which > PROCESS && who == 0 */
	struct oci_seccomp_arg a[] = {
		{ .index = 0, .value = PRIO_PROCESS, .op = OCI_SCMP_GT },
		{ .index = 1, .value = 0, .op = OCI_SCMP_EQ },
	};
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = getpriority_filter(a, 2);

	run_child(child_anded, f);
}
END_TEST

static void child_masked(int fd, void *arg)
{
	load_or_fail(fd, arg, NULL);
	EXPECT(fd, denied(gp(PRIO_PROCESS, 0x1234)), "0x1234 & 0xff00 == 0x1200 not matched");
	EXPECT(fd, denied(gp(PRIO_PROCESS, 0x12ff)), "0x12ff not matched");
	EXPECT(fd, !denied(gp(PRIO_PROCESS, 0x3412)), "0x3412 matched");
	EXPECT(fd, !denied(gp(PRIO_PROCESS, 0x1200 ^ 0x0100)), "0x1300 matched");
}

START_TEST(masked_eq)
{
	/* OCI: value is the mask, valueTwo the datum. */
	struct oci_seccomp_arg a = {
		.index = 1, .value = 0xff00, .value_two = 0x1200, .op = OCI_SCMP_MASKED_EQ,
	};
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = getpriority_filter(&a, 1);

	run_child(child_masked, f);
}
END_TEST

START_TEST(rule_equal_to_default_skipped)
{
	char *names[] = { "mkdir", NULL };
	char *basic[] = { "exit_group", NULL };
	struct oci_seccomp_syscall sc[] = {
		{ .names = names, .action = OCI_SCMP_ACT_ERRNO },
		{ .names = basic, .action = OCI_SCMP_ACT_ALLOW },
	};
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ERRNO);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;

	spec.syscalls = sc;
	spec.n_syscalls = 2;
	f = compile_ok(&spec);
}
END_TEST

/* ---- compile errors ------------------------------------------------- */

static void expect_compile_error(const struct oci_seccomp *spec, const char *needle)
{
	struct b_err err = { 0 };
	struct rt_seccomp *f = NULL;
	int rc = rt_seccomp_compile(spec, &f, &err);

	ck_assert_int_lt(rc, 0);
	ck_assert_int_eq(-rc, err.code);
	ck_assert_ptr_null(f);
	ck_assert_msg(strstr(err.msg, needle), "message \"%s\" lacks \"%s\"", err.msg, needle);
}

START_TEST(bad_arch)
{
	char *archs[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_VAX", NULL };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);

	spec.architectures = archs;
	expect_compile_error(&spec, "seccomp: unknown architecture \"SCMP_ARCH_VAX\"");
}
END_TEST

START_TEST(bad_flag)
{
	char *flags[] = { "SECCOMP_FILTER_FLAG_BOGUS", NULL };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);

	spec.flags = flags;
	expect_compile_error(&spec, "unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"");
}
END_TEST

START_TEST(bad_action_and_errno)
{
	char *names[] = { "mkdir", NULL };
	struct oci_seccomp_syscall sc = {
		.names = names, .action = OCI_SCMP_ACT_ALLOW, .has_errno_ret = true, .errno_ret = 1,
	};
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ERRNO);

	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	expect_compile_error(&spec, "errnoRet is only valid with SCMP_ACT_ERRNO and SCMP_ACT_TRACE, not SCMP_ACT_ALLOW");

	sc.has_errno_ret = false;
	sc.action = (enum oci_seccomp_action)99;
	expect_compile_error(&spec, "invalid action 99");

	spec = base_spec(OCI_SCMP_ACT_NOTIFY);
	expect_compile_error(&spec, "cannot be used as the default action");

	spec = base_spec(OCI_SCMP_ACT_KILL);
	spec.has_default_errno_ret = true;
	expect_compile_error(&spec, "defaultAction: errnoRet is only valid");
}
END_TEST

START_TEST(bad_args)
{
	char *names[] = { "getpriority", NULL };
	char *wr[] = { "read", "write", NULL };
	struct oci_seccomp_arg a = { .index = 6, .op = OCI_SCMP_EQ };
	struct oci_seccomp_syscall sc = {
		.names = names, .action = OCI_SCMP_ACT_ERRNO, .args = &a, .n_args = 1,
	};
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);

	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	expect_compile_error(&spec, "syscall \"getpriority\": argument index 6 is out of range");

	a.index = 0;
	a.op = (enum oci_seccomp_op)42;
	expect_compile_error(&spec, "invalid operator 42");

	sc = (struct oci_seccomp_syscall){ .names = wr, .action = OCI_SCMP_ACT_NOTIFY };
	expect_compile_error(&spec, "SCMP_ACT_NOTIFY cannot be used for the write syscall");
}
END_TEST

START_TEST(conflicting_rules)
{
	char *names[] = { "getpriority", NULL };
	struct oci_seccomp_arg a = { .index = 0, .value = 1, .op = OCI_SCMP_EQ };
	struct oci_seccomp_syscall sc[] = {
		{ .names = names, .action = OCI_SCMP_ACT_ERRNO, .args = &a, .n_args = 1 },
		{ .names = names, .action = OCI_SCMP_ACT_KILL, .args = &a, .n_args = 1 },
	};
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);

	/* Same syscall and conditions, different action: libseccomp refuses. */
	spec.syscalls = sc;
	spec.n_syscalls = 2;
	expect_compile_error(&spec, "seccomp: syscall \"getpriority\": SCMP_ACT_KILL rule conflicts with an earlier rule");
}
END_TEST

/* Unconditional rules for one syscall with different actions: libseccomp
 * keeps the first and ignores the rest, and so does runc. */
START_TEST(duplicate_unconditional_first_wins)
{
	char *names[] = { "mkdir", "mkdirat", NULL };
	struct oci_seccomp_syscall sc[] = {
		{ .names = names, .action = OCI_SCMP_ACT_ERRNO, .has_errno_ret = true, .errno_ret = EXDEV },
		{ .names = names, .action = OCI_SCMP_ACT_ERRNO, .has_errno_ret = true, .errno_ret = 38 },
	};
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;
	struct mkdir_case c;
	char dir[64];

	spec.syscalls = sc;
	spec.n_syscalls = 2;
	f = compile_ok(&spec);
	make_tmpdir(dir, sizeof(dir));
	c = (struct mkdir_case){ .f = f, .dir = dir, .want_errno = EXDEV };
	run_child(child_mkdir, &c);
	remove_tmpdir(dir);
}
END_TEST

/* ---- notify + listener ---------------------------------------------- */

struct notify_case {
	struct rt_seccomp *f;
	const char *sock_path;
	const char *dir;
	const char *json;
};

static void child_notify(int fd, void *arg)
{
	struct notify_case *c = arg;
	struct b_err err = { 0 };
	char sub[256];
	int nfd = -1;

	snprintf(sub, sizeof(sub), "%s/sub", c->dir);
	load_or_fail(fd, c->f, &nfd);
	EXPECT(fd, nfd >= 0, "no notify fd");
	EXPECT(fd, fcntl(nfd, F_GETFD) & FD_CLOEXEC, "notify fd is not close-on-exec");
	if (rt_seccomp_send_listener(c->sock_path, nfd, c->json, &err) < 0)
		child_fail(fd, "send: %s", err.msg);
	close(nfd);
	/* The test's agent answers EXDEV. */
	errno = 0;
	EXPECT(fd, mkdir(sub, 0700) == -1 && errno == EXDEV, "mkdir: errno %d, want EXDEV", errno);
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	ck_assert_uint_lt(strlen(path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path));
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(s, 1), 0);
	return s;
}

static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	ck_assert_msg(poll(&p, 1, 3000) == 1, "timed out waiting for fd %d", fd);
}

/* Accept one connection: the fd from SCM_RIGHTS and the payload to EOF. */
static int receive_state(int ls, char *buf, size_t size)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	size_t used;
	ssize_t n;
	int conn, fd = -1;

	wait_readable(ls);
	conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(conn, 0);
	n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	ck_assert_int_gt(n, 0);
	c = CMSG_FIRSTHDR(&msg);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->cmsg_level, SOL_SOCKET);
	ck_assert_int_eq(c->cmsg_type, SCM_RIGHTS);
	ck_assert_int_eq(c->cmsg_len, CMSG_LEN(sizeof(int)));
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	for (used = (size_t)n; used < size - 1; used += (size_t)n) {
		n = read(conn, buf + used, size - 1 - used);
		ck_assert_int_ge(n, 0);
		if (n == 0)
			break; /* the runtime closes after one state */
	}
	buf[used] = '\0';
	close(conn);
	return fd;
}

static void answer_one(int nfd, pid_t child)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	wait_readable(nfd);
	ck_assert_int_eq(ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
	ck_assert_int_eq(req.pid, child);
	ck_assert(req.data.nr == SYS_mkdir || req.data.nr == SYS_mkdirat);
	ck_assert_int_eq(ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id), 0);
	resp = (struct seccomp_notif_resp){ .id = req.id, .error = -EXDEV };
	ck_assert_int_eq(ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
}

static void notify_roundtrip(char **flags)
{
	char *names[] = { "mkdir", "mkdirat", NULL };
	struct oci_seccomp_syscall sc = { .names = names, .action = OCI_SCMP_ACT_NOTIFY };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;
	/* Long enough to need more than one segment on some kernels. */
	static char json[70000];
	static char got[sizeof(json) + 16];
	char dir[64], sock_path[128], link[64], target[128];
	struct notify_case c;
	int ls, nfd, st;
	pid_t pid;
	ssize_t n;
	size_t len;

	len = (size_t)snprintf(json, sizeof(json),
			       "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":1,"
			       "\"metadata\":\"");
	memset(json + len, 'x', sizeof(json) - len - 64);
	snprintf(json + sizeof(json) - 64, 64, "\",\"state\":{\"id\":\"c1\",\"status\":\"creating\"}}");

	spec.flags = flags;
	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	f = compile_ok(&spec);
	ck_assert(rt_seccomp_uses_notify(f));
	make_tmpdir(dir, sizeof(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/agent.sock", dir);
	ls = listen_unix(sock_path);

	c = (struct notify_case){ .f = f, .sock_path = sock_path, .dir = dir, .json = json };
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		child_notify(2, &c);
		syscall(SYS_exit_group, 0);
	}
	nfd = receive_state(ls, got, sizeof(got));
	ck_assert_str_eq(got, json);
	ck_assert_int_ge(nfd, 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", nfd);
	n = readlink(link, target, sizeof(target) - 1);
	ck_assert_int_gt(n, 0);
	target[n] = '\0';
	ck_assert_str_eq(target, "anon_inode:seccomp notify");
	answer_one(nfd, pid);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	close(nfd);
	close(ls);
	unlink(sock_path);
	remove_tmpdir(dir);
}

START_TEST(notify_listener)
{
	notify_roundtrip(no_strs);
}
END_TEST

/* TSYNC with a listener needs TSYNC_ESRCH; WAIT_KILLABLE_RECV only goes
 * with a listener.  Both are added/kept by the load. */
START_TEST(notify_listener_with_flags)
{
	char *flags[] = { "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, NULL) < 0 &&
	    errno == EINVAL)
		TEST_SKIP("the kernel has no SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (before 5.19)");
	notify_roundtrip(flags);
}
END_TEST

static void child_needs_cap_sys_admin(int fd, void *arg)
{
	struct b_err err = { 0 };
	cap_t c = cap_get_proc();
	cap_value_t admin = CAP_SYS_ADMIN;
	int rc;

	EXPECT(fd, c, "cap_get_proc");
	cap_set_flag(c, CAP_EFFECTIVE, 1, &admin, CAP_CLEAR);
	EXPECT(fd, cap_set_proc(c) == 0, "cap_set_proc");
	cap_free(c);
	rc = rt_seccomp_load(arg, NULL, &err);
	EXPECT(fd, rc == -EACCES, "load without NNP or CAP_SYS_ADMIN: rc %d (%s)", rc, err.msg);
	EXPECT(fd, strstr(err.msg, "without noNewPrivileges this needs CAP_SYS_ADMIN"), "%s", err.msg);
	EXPECT(fd, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "nnp");
	load_or_fail(fd, arg, NULL);
}

START_TEST(load_needs_nnp_or_cap_sys_admin)
{
	char *names[] = { "mkdir", NULL };
	struct oci_seccomp_syscall sc = { .names = names, .action = OCI_SCMP_ACT_ERRNO };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;

	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	f = compile_ok(&spec);
	run_child(child_needs_cap_sys_admin, f);
}
END_TEST

START_TEST(send_listener_errors)
{
	struct b_err err = { 0 };
	char long_path[200];
	int rc;

	rc = rt_seccomp_send_listener("/nonexistent/berth-agent.sock", 0, "{}", &err);
	ck_assert_int_eq(rc, -ENOENT);
	ck_assert_msg(strstr(err.msg, "connecting to listenerPath /nonexistent/berth-agent.sock"), "%s", err.msg);

	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	rc = rt_seccomp_send_listener(long_path, 0, "{}", &err);
	ck_assert_int_eq(rc, -ENAMETOOLONG);

	rc = rt_seccomp_send_listener(NULL, 0, "{}", &err);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_msg(strstr(err.msg, "no listenerPath"), "%s", err.msg);
}
END_TEST

/* rt_cloexec_from under a filter that refuses close_range (and, with
 * also_open, the open of /proc/self/fd): fds opened without O_CLOEXEC get
 * the flag anyway, the one below `first` does not. */
struct cloexec_case {
	struct rt_seccomp *f;
	bool also_open;
};

static void child_cloexec(int fd, void *arg)
{
	const struct cloexec_case *c = arg;
	int below = dup(0), a = dup(0), b;

	EXPECT(fd, below >= 0 && a >= 0, "dup: %s", strerror(errno));
	b = fcntl(a, F_DUPFD, 200);
	EXPECT(fd, b >= 0, "F_DUPFD: %s", strerror(errno));
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	load_or_fail(fd, c->f, NULL);
	EXPECT(fd, syscall(SYS_close_range, 3U, ~0U, 4U) < 0 && errno == EPERM,
	       "close_range was not refused");
	EXPECT(fd, !c->also_open || (open("/proc/self/fd", O_RDONLY | O_DIRECTORY) < 0 && errno == EPERM),
	       "open was not refused");
	rt_cloexec_from(below + 1);
	EXPECT(fd, !(fcntl(below, F_GETFD) & FD_CLOEXEC), "fd %d below the range was marked", below);
	EXPECT(fd, fcntl(a, F_GETFD) & FD_CLOEXEC, "fd %d not marked close-on-exec", a);
	EXPECT(fd, fcntl(b, F_GETFD) & FD_CLOEXEC, "fd %d not marked close-on-exec", b);
}

START_TEST(cloexec_without_close_range)
{
	char *names[] = { "close_range", "open", "openat", NULL };
	struct oci_seccomp_syscall sc = { .names = names, .action = OCI_SCMP_ACT_ERRNO };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ALLOW);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;
	struct cloexec_case c = { 0 };

	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	names[1] = NULL; /* close_range only: the /proc/self/fd walk */
	c.f = compile_ok(&spec);
	run_child(child_cloexec, &c);
	rt_seccomp_free(c.f);
	names[1] = "open"; /* no procfs either: the walk over every number */
	c.f = f = compile_ok(&spec);
	c.also_open = true;
	run_child(child_cloexec, &c);
}
END_TEST

static void child_large(int fd, void *arg)
{
	pid_t pid = getpid();

	load_or_fail(fd, arg, NULL);
	EXPECT(fd, syscall(SYS_getpid) == pid, "getpid");
	EXPECT(fd, syscall(SYS_personality, (unsigned long)PER_LINUX) == -1 && errno == EPERM,
	       "personality not denied");
}

/* A docker-sized allow list over three architectures must fit the kernel's
 * 4096-instruction limit. */
START_TEST(large_profile)
{
	static char *names[512];
	char *archs[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
	struct oci_seccomp_syscall sc = { .names = names, .action = OCI_SCMP_ACT_ALLOW };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ERRNO);
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;
	size_t n = 0;

	for (int nr = 0; nr < 460 && n + 1 < B_ARRAY_SIZE(names); nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		if (name && strcmp(name, "personality") != 0)
			names[n++] = name;
		else
			free(name);
	}
	names[n] = NULL;
	ck_assert_uint_gt(n, 300);
	spec.architectures = archs;
	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	f = compile_ok(&spec);
	run_child(child_large, f);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}
END_TEST

START_TEST(process_state_json)
{
	_cleanup_free_ char *a = NULL, *b = NULL;
	struct b_err err = { 0 };
	char *c = NULL;

	ck_assert_int_eq(rt_seccomp_process_state("1.2.0", 42, "MKNOD=/dev/null \"x\"",
						  "{\"id\":\"c1\",\"status\":\"creating\"}", &a, &err), 0);
	ck_assert_str_eq(a, "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":42,"
			 "\"metadata\":\"MKNOD=/dev/null \\\"x\\\"\",\"state\":{\"id\":\"c1\",\"status\":\"creating\"}}");
	ck_assert_int_eq(rt_seccomp_process_state("1.2.0", 7, NULL, "{}", &b, &err), 0);
	ck_assert_str_eq(b, "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"],\"pid\":7,\"state\":{}}");
	ck_assert_int_eq(rt_seccomp_process_state("1.2.0", 7, NULL, "[]", &c, &err), -EINVAL);
	ck_assert_ptr_null(c);
}
END_TEST

/* ---- RuntimeDefault --------------------------------------------------- */

/* io_uring does its I/O without syscalls a filter could see, and it has
 * been a steady source of kernel exploits: Docker and containerd dropped it
 * from their default profile in 2023.  Denied with the profile's default
 * EPERM; unfiltered, the same calls fail with EBADF or succeed. */
static void child_io_uring(int fd, void *arg)
{
	static char params[120]; /* struct io_uring_params */
	long r;

	load_or_fail(fd, arg, NULL);
	errno = 0;
	r = syscall(SYS_io_uring_setup, 1, params);
	EXPECT(fd, r == -1 && errno == EPERM, "io_uring_setup: %ld (errno %d)", r, errno);
	r = syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0);
	EXPECT(fd, r == -1 && errno == EPERM, "io_uring_enter: %ld (errno %d)", r, errno);
	r = syscall(SYS_io_uring_register, -1, 0, NULL, 0);
	EXPECT(fd, r == -1 && errno == EPERM, "io_uring_register: %ld (errno %d)", r, errno);
	EXPECT(fd, syscall(SYS_getppid) > 0, "getppid denied");
}

START_TEST(runtime_default_denies_io_uring)
{
	const char *json = berth_default_seccomp_json();
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;
	struct b_arena a = { 0 };
	struct b_err err = { 0 };
	struct oci_seccomp *spec = NULL;

	ck_assert_msg(oci_seccomp_parse("RuntimeDefault", json, strlen(json), &a, &spec, &err) == 0,
		      "%s", err.msg);
	f = compile_ok(spec);
	run_child(child_io_uring, f);
	b_arena_release(&a);
}
END_TEST

/* ---- profile size ------------------------------------------------------ */

/* One entry of `names` syscalls with `vals` EQ conditions on each of the
 * argument indexes 0..idx-1: names x vals^idx rules.  8 x 6 x 4 is 1,144
 * bytes and 32768 rules, which libseccomp took 35 s and 40 MB to fail on. */
static char *big_profile_json(size_t names, size_t idx, size_t vals)
{
	static const char *const pool[] = { "read", "write", "close", "fstat", "lseek", "mmap",
					    "brk", "ioctl", "pread64", "readv" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fputs("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[", f);
	for (size_t n = 0; n < names && n < B_ARRAY_SIZE(pool); n++)
		fprintf(f, "%s\"%s\"", n ? "," : "", pool[n]);
	fputs("],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[", f);
	for (size_t i = 0; i < idx; i++)
		for (size_t v = 0; v < vals; v++)
			fprintf(f, "%s{\"index\":%zu,\"value\":%zu,\"op\":\"SCMP_CMP_EQ\"}",
				i || v ? "," : "", i, v);
	fputs("]}]}", f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* Parse (as a Localhost profile file is), then compile what parsed:
 * returns the first error. */
static int parse_and_compile(const char *name, const char *json, struct b_err *err)
{
	_cleanup_(rt_seccomp_freep) struct rt_seccomp *f = NULL;
	struct b_arena a = { 0 };
	struct oci_seccomp *spec = NULL;
	int rc = oci_seccomp_parse(name, json, strlen(json), &a, &spec, err);

	if (rc == 0)
		rc = rt_seccomp_compile(spec, &f, err);
	b_arena_release(&a);
	return rc;
}

START_TEST(size_8x6x4_profile_fails_fast)
{
	_cleanup_free_ char *json = big_profile_json(8, 6, 4);
	struct b_err err = { 0 };

	ck_assert_uint_lt(strlen(json), 1200);
	ck_assert_int_lt(parse_and_compile("big.json", json, &err), 0);
	ck_assert_msg(strstr(err.msg, "big.json: syscalls[0]: the profile expands to more than 2048 rules, "
				      "the most berth compiles: this entry adds 32768 "
				      "(syscall names: 8, argument combinations: 4096) to 0"),
		      "%s", err.msg);
}
END_TEST

/* In config.json the entry is linux.seccomp.syscalls[N]. */
START_TEST(size_error_names_config_path)
{
	_cleanup_free_ char *prof = big_profile_json(8, 6, 4);
	_cleanup_free_ char *json = NULL;
	struct oci_config *cfg = NULL;
	struct b_err err = { 0 };

	ck_assert_int_gt(asprintf(&json, "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
				  "\"linux\":{\"seccomp\":%s}}", prof), 0);
	if (oci_config_parse("config.json", json, strlen(json), &cfg, &err) == 0) {
		struct rt_seccomp *f = NULL;

		ck_assert_int_lt(rt_seccomp_compile(cfg->linux.seccomp, &f, &err), 0);
		oci_config_free(cfg);
	}
	ck_assert_msg(strstr(err.msg, "config.json: linux.seccomp.syscalls[0]: the profile expands to more than 2048 rules"),
		      "%s", err.msg);
}
END_TEST

/* A spec built in memory is checked by the compile itself. */
START_TEST(size_8x6x4_spec_fails_fast)
{
	char *names[] = { "read", "write", "close", "fstat", "lseek", "mmap", "brk", "ioctl", NULL };
	char *archs[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
	struct oci_seccomp_arg args[24];
	struct oci_seccomp_syscall sc = {
		.names = names, .action = OCI_SCMP_ACT_ALLOW, .args = args, .n_args = 24,
	};
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ERRNO);

	for (unsigned i = 0; i < 24; i++)
		args[i] = (struct oci_seccomp_arg){ .index = i / 4, .value = i % 4, .op = OCI_SCMP_EQ };
	spec.architectures = archs;
	spec.syscalls = &sc;
	spec.n_syscalls = 1;
	expect_compile_error(&spec, "seccomp: syscalls[0]: the profile expands to more than 2048 rules");
}
END_TEST

/* `n` unconditional entries of one name each, then `extra` (may be NULL). */
static struct oci_seccomp_syscall *many_entries(size_t n, const struct oci_seccomp_syscall *extra)
{
	static char *one[] = { "getpid", NULL };
	struct oci_seccomp_syscall *sc = calloc(n + 1, sizeof(*sc));

	ck_assert_ptr_nonnull(sc);
	for (size_t i = 0; i < n; i++)
		sc[i] = (struct oci_seccomp_syscall){ .names = one, .action = OCI_SCMP_ACT_ALLOW };
	if (extra)
		sc[n] = *extra;
	return sc;
}

/* The limits hold over the whole profile, not per entry: the entry that
 * crosses one is named, with what came before it. */
START_TEST(size_limits_are_per_profile)
{
	char *two[] = { "getppid", "gettid", NULL };
	struct oci_seccomp_arg args[16];
	struct oci_seccomp_syscall cond = { .names = two, .action = OCI_SCMP_ACT_ALLOW, .args = args };
	struct oci_seccomp spec = base_spec(OCI_SCMP_ACT_ERRNO);
	_cleanup_free_ struct oci_seccomp_syscall *sc = NULL;
	struct rt_seccomp *f;

	/* 2048 rules: compiles. */
	spec.syscalls = sc = many_entries(2048, NULL);
	spec.n_syscalls = 2048;
	f = compile_ok(&spec);
	rt_seccomp_free(f);
	/* One more, in entry 2048. */
	free(sc);
	spec.syscalls = sc = many_entries(2047, &cond);
	spec.n_syscalls = 2048;
	expect_compile_error(&spec, "seccomp: syscalls[2047]: the profile expands to more than 2048 rules, "
			     "the most berth compiles: this entry adds 2 (syscall names: 2, argument combinations: 1) to 2047");

	/* 2 names x 8 x 8 values on indexes 0 and 1 = 128 rules of 2
	 * comparisons: 256 compiles, a second such entry does not. */
	for (unsigned i = 0; i < 16; i++)
		args[i] = (struct oci_seccomp_arg){ .index = i / 8, .value = i % 8, .op = OCI_SCMP_EQ };
	cond.n_args = 16;
	free(sc);
	spec.syscalls = sc = many_entries(10, &cond);
	spec.n_syscalls = 11;
	f = compile_ok(&spec);
	rt_seccomp_free(f);
	free(sc);
	sc = calloc(3, sizeof(*sc));
	ck_assert_ptr_nonnull(sc);
	sc[0] = sc[2] = cond;
	sc[1] = (struct oci_seccomp_syscall){ .names = two, .action = OCI_SCMP_ACT_LOG };
	spec.syscalls = sc;
	spec.n_syscalls = 3;
	expect_compile_error(&spec, "seccomp: syscalls[2]: the profile makes more than 256 argument comparisons, "
			     "the most berth compiles: this entry adds 256 (rules: 128, comparisons in each: 2) to 256");
}
END_TEST

static Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, errno_default_eperm);
	tcase_add_test(tc, errno_custom);
	tcase_add_test(tc, unknown_name_skipped);
	tcase_add_test(tc, flags_and_arch);
	tcase_add_test(tc, flag_log_kept_with_the_filter);
	tcase_add_test(tc, flag_spec_allow_leaves_speculation_alone);
	tcase_add_test(tc, default_deny_x32_numbers);
	tcase_add_test(tc, default_deny_i386_numbers);
	tcase_add_test(tc, arg_eq_allowed_under_default_errno);
	tcase_add_test(tc, same_index_ored);
	tcase_add_test(tc, same_index_ored_other_index_anded);
	tcase_add_test(tc, different_index_anded);
	tcase_add_test(tc, masked_eq);
	tcase_add_test(tc, rule_equal_to_default_skipped);
	tcase_add_test(tc, bad_arch);
	tcase_add_test(tc, bad_flag);
	tcase_add_test(tc, bad_action_and_errno);
	tcase_add_test(tc, bad_args);
	tcase_add_test(tc, conflicting_rules);
	tcase_add_test(tc, duplicate_unconditional_first_wins);
	tcase_add_test(tc, notify_listener);
	tcase_add_test(tc, notify_listener_with_flags);
	tcase_add_test(tc, load_needs_nnp_or_cap_sys_admin);
	tcase_add_test(tc, cloexec_without_close_range);
	tcase_add_test(tc, send_listener_errors);
	tcase_add_test(tc, process_state_json);
	tcase_add_test(tc, large_profile);
	tcase_add_test(tc, runtime_default_denies_io_uring);
	suite_add_tcase(s, tc);

	/* Without the limits these take from seconds to minutes. */
	tc = tcase_create("size");
	tcase_set_timeout(tc, 3);
	tcase_add_test(tc, size_8x6x4_profile_fails_fast);
	tcase_add_test(tc, size_error_names_config_path);
	tcase_add_test(tc, size_8x6x4_spec_fails_fast);
	tcase_add_test(tc, size_limits_are_per_profile);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(seccomp_suite)
