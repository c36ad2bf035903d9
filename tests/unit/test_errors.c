/* The error contract (common/error.h, runtime/container.h): a library call
 * returns 0 or -code, and then err->code is that code with a message; a
 * warning never changes the return value.  The failures are injected by
 * interposing libc functions the library calls: the test binary's own
 * definitions below win over libc's, and behave like libc's unless a test
 * arms them.  Tests that need root (namespaces, mounts) skip without it
 * (tests/unit/testskip.h). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups/cgroup.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "runtime/container.h"
#include "runtime/internal.h"
#include "testmain.h"
#include "testskip.h"

/* ---- interposed libc ------------------------------------------------ */

static int strdup_fail_at;          /* the Nth strdup from now fails; 0: none */
static bool state_asprintf_fails;   /* the seccomp listener's state message */
static const char *open_fails_for;  /* this path cannot be opened (EMFILE) */
static bool pidns_return_fails;     /* the 2nd setns(CLONE_NEWPID) fails */
static int pidns_setns_calls;

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (strdup_fail_at && --strdup_fail_at == 0) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(n);
	return p ? memcpy(p, s, n) : NULL;
}

int asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (state_asprintf_fails && strstr(fmt, "\"state\":")) {
		errno = ENOMEM;
		return -1;
	}
	va_start(ap, fmt);
	r = vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (open_fails_for && !strcmp(path, open_fails_for)) {
		errno = EMFILE;
		return -1;
	}
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

int setns(int fd, int nstype)
{
	if (pidns_return_fails && nstype == CLONE_NEWPID && ++pidns_setns_calls == 2) {
		errno = EINVAL;
		return -1;
	}
	return (int)syscall(SYS_setns, fd, nstype);
}

/* ---- helpers -------------------------------------------------------- */

static ino_t ns_ino(const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_ino;
}

/* A stand-in for a container: a state directory "c" under a fresh --root
 * for process `pid`, whose config.json is `config` (NULL: none). */
struct fake {
	struct rt_ctx ctx;
	char root[64];
	char dir[128];
	pid_t child;        /* a process of our own to kill at the end, 0 */
};

static void fake_state(struct fake *f, pid_t pid, const char *config)
{
	struct oci_state st = {
		.oci_version = "1.0.2", .id = "c", .status = "running", .pid = pid,
		.bundle = "/", .cgroup_path = "", .pid_start_time = rt_proc_start_time(pid),
	};
	struct b_err err = { 0 };
	char path[160];

	snprintf(f->root, sizeof(f->root), "/tmp/berth-ut.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->root));
	f->ctx.root = f->root;
	snprintf(f->dir, sizeof(f->dir), "%s/c", f->root);
	ck_assert_int_eq(mkdir(f->dir, 0700), 0);
	ck_assert_msg(rt_state_save(f->dir, &st, &err) == 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/config.json", f->dir);
	if (config)
		ck_assert_int_eq(b_write_atomic(path, config, strlen(config), 0600), 0);
}

/* The container's init: pid 1 of a pid namespace of its own. */
static pid_t spawn_in_new_pidns(void)
{
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL);

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	return pid;
}

static void fake_end(struct fake *f)
{
	if (f->child > 0) {
		kill(f->child, SIGKILL);
		ck_assert_int_eq(waitpid(f->child, NULL, 0), f->child);
	}
	b_rm_rf(f->root);
}

static struct oci_config *parse_config(const char *json)
{
	struct oci_config *cfg = NULL;
	struct b_err err = { 0 };

	ck_assert_msg(oci_config_parse("config.json", json, strlen(json), &cfg, &err) == 0,
		      "%s", err.msg);
	return cfg;
}

#define CONFIG_HEAD "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"}," \
	"\"process\":{\"args\":[\"true\"],\"cwd\":\"/\",\"env\":[\"PATH=/usr/bin:/bin\"]," \
	"\"user\":{\"uid\":0,\"gid\":0},\"capabilities\":{\"bounding\":[\"CAP_KILL\"]," \
	"\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"]}}"

/* The capabilities keep exec on the exec stub: without them the process
 * would keep all of berth's, CAP_SYS_PTRACE included, and rt_exec would
 * want to re-execute this test from a sealed copy (runtime/exe_guard.c). */

/* ---- runtime -------------------------------------------------------- */

START_TEST(find_executable_out_of_memory_fills_err)
{
	char *const env[] = { "PATH=/bin", NULL };
	/* "sh": the copy of PATH, then the path found; "/bin/sh": its copy. */
	const struct { const char *name; int at; } cases[] = {
		{ "sh", 1 }, { "sh", 2 }, { "/bin/sh", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct b_err err = { 0 };
		char *exe = NULL;
		int r;

		strdup_fail_at = cases[i].at;
		r = rt_find_executable(cases[i].name, env, &exe, &err);
		strdup_fail_at = 0;
		ck_assert_int_eq(r, -ENOMEM);
		ck_assert_int_eq(err.code, ENOMEM);
		ck_assert_msg(strstr(err.msg, cases[i].name), "message: %s", err.msg);
	}
}
END_TEST

START_TEST(delete_reports_a_failing_poststop_hook_as_a_warning)
{
	const char *config = CONFIG_HEAD ",\"hooks\":{\"poststop\":[{\"path\":\"/bin/false\"}]}}";
	struct fake f = { 0 };
	struct b_err err = { 0 }, warn = { 0 };
	pid_t gone = fork();

	ck_assert_int_ge(gone, 0);
	if (gone == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(gone, NULL, 0), gone);
	fake_state(&f, gone, config);
	ck_assert_int_eq(rt_delete(&f.ctx, "c", false, &warn, &err), 0);
	ck_assert_int_eq(err.code, 0);
	ck_assert_int_ne(warn.code, 0);
	ck_assert_msg(strstr(warn.msg, "poststop"), "warning: %s", warn.msg);
	ck_assert_int_eq(access(f.dir, F_OK), -1);
	fake_end(&f);
}
END_TEST

START_TEST(exec_returns_the_seccomp_state_error)
{
	const char *config = CONFIG_HEAD ",\"linux\":{\"seccomp\":{"
		"\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/nonexistent/listener.sock\","
		"\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}}";
	char *const args[] = { "true", NULL };
	struct oci_config *cfg = parse_config(config);
	struct rt_exec_opts o;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err err = { 0 };
	struct fake f = { 0 };
	int r;

	fake_state(&f, getpid(), NULL);
	rt_exec_opts_init(&o);
	o.args = args;
	o.config = cfg;
	state_asprintf_fails = true;
	r = rt_exec(&f.ctx, "c", &o, &out, &err);
	state_asprintf_fails = false;
	ck_assert_int_eq(err.code, ENOMEM);
	ck_assert_int_eq(r, -ENOMEM);
	oci_config_free(cfg);
	fake_end(&f);
}
END_TEST

START_TEST(exec_without_a_way_back_never_joins_the_pid_namespace)
{
	char *const args[] = { "true", NULL };
	struct oci_config *cfg = parse_config(CONFIG_HEAD "}");
	struct rt_exec_opts o;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err err = { 0 };
	struct fake f = { 0 };
	int r;

	if (geteuid() != 0)
		TEST_SKIP("needs root (namespaces, mounts)");
	f.child = spawn_in_new_pidns();
	fake_state(&f, f.child, NULL);
	rt_exec_opts_init(&o);
	o.args = args;
	o.config = cfg;
	open_fails_for = "/proc/self/ns/pid";
	r = rt_exec(&f.ctx, "c", &o, &out, &err);
	open_fails_for = NULL;
	ck_assert_int_eq(ns_ino("pid_for_children"), ns_ino("pid"));
	ck_assert_int_eq(r, -EMFILE);
	ck_assert_int_eq(err.code, EMFILE);
	ck_assert_msg(strstr(err.msg, "/proc/self/ns/pid"), "message: %s", err.msg);
	oci_config_free(cfg);
	fake_end(&f);
}
END_TEST

START_TEST(exec_that_cannot_come_back_is_fatal_and_leaves_no_process)
{
	char *const args[] = { "sleep", "100", NULL };
	struct oci_config *cfg = parse_config(CONFIG_HEAD "}");
	struct rt_exec_opts o;
	struct rt_created out = { .pidfd = -1, .console_master = -1 };
	struct b_err err = { 0 };
	struct fake f = { 0 };
	int r, own;

	if (geteuid() != 0)
		TEST_SKIP("needs root (namespaces, mounts)");
	f.child = spawn_in_new_pidns();
	fake_state(&f, f.child, NULL);
	rt_exec_opts_init(&o);
	o.args = args;
	o.config = cfg;
	own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(own, 0);
	pidns_return_fails = true;
	r = rt_exec(&f.ctx, "c", &o, &out, &err);
	pidns_return_fails = false;
	/* This process really is stuck now: put it back, or LeakSanitizer's
	 * own clone at exit lands in the dead namespace and fails. */
	ck_assert_int_eq((int)syscall(SYS_setns, own, CLONE_NEWPID), 0);
	close(own);
	ck_assert_int_eq(r, -RT_EXEC_PIDNS_STUCK);
	ck_assert_int_eq(err.code, RT_EXEC_PIDNS_STUCK);
	ck_assert_int_eq(out.pidfd, -1);
	/* The sleep was killed and reaped: once the stand-in init is gone
	 * too, there is no child left. */
	fake_end(&f);
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	oci_config_free(cfg);
}
END_TEST

/* ---- cgroups -------------------------------------------------------- */

/* Without a cgroup2 mount in sight (a private mount namespace with every
 * one detached), cg_find_mount fails inside move_to_leaf. */
static void detach_cgroup2_mounts(void)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	f = fopen("/proc/self/mountinfo", "re");
	ck_assert_ptr_nonnull(f);
	while (getline(&line, &cap, f) > 0) {
		char mnt[512];
		const char *sep = strstr(line, " - cgroup2 ");

		if (sep && sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1)
			ck_assert_int_eq(umount2(mnt, MNT_DETACH), 0);
	}
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(b_write_atomic(path, text, strlen(text), 0644), 0);
}

START_TEST(cgroup_leaf_move_returns_the_code_it_reports)
{
	struct oci_resources res = { .has_pids_limit = true, .pids_limit = 10 };
	struct cg_path cg = { 0 };
	struct b_err err = { 0 };
	char mid[PATH_MAX];
	int fd = -1, r;

	if (geteuid() != 0)
		TEST_SKIP("needs root (namespaces, mounts)");
	detach_cgroup2_mounts();
	/* A hierarchy of plain files: /a has processes of its own, so
	 * creating /a/b must first move them into a leaf. */
	snprintf(cg.mount, sizeof(cg.mount), "/tmp/berth-ut.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(cg.mount));
	snprintf(cg.rel, sizeof(cg.rel), "/a/b");
	snprintf(cg.abs, sizeof(cg.abs), "%s/a/b", cg.mount);
	snprintf(mid, sizeof(mid), "%s/a", cg.mount);
	ck_assert_int_eq(mkdir(mid, 0755), 0);
	put(cg.mount, "cgroup.controllers", "pids\n");
	put(cg.mount, "cgroup.subtree_control", "");
	put(mid, "cgroup.procs", "1\n");
	put(mid, "cgroup.subtree_control", "");
	r = cg_create(&cg, &res, &fd, &err);
	ck_assert_int_eq(err.code, ENOENT);
	ck_assert_int_eq(r, -err.code);
	b_rm_rf(cg.mount);
}
END_TEST

/* ---- the parent <-> init channel ------------------------------------ */

/* The receiver keeps a byte for the NUL it adds: a payload of the full
 * RT_SYNC_PAYLOAD_MAX used to go out and come back as EPROTO. */
START_TEST(sync_payload_that_cannot_arrive_is_refused_by_the_sender)
{
	struct rt_sync_msg *m = malloc(sizeof(*m));
	char *big = calloc(1, RT_SYNC_PAYLOAD_MAX);
	int sp[2];

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', RT_SYNC_PAYLOAD_MAX - 1);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	ck_assert_int_eq(rt_sync_send(sp[0], RT_SYNC_ERROR, EIO, big, RT_SYNC_PAYLOAD_MAX), -EMSGSIZE);
	ck_assert_int_eq(rt_sync_send(sp[0], RT_SYNC_ERROR, EIO, big, RT_SYNC_PAYLOAD_MAX - 1), 0);
	ck_assert_int_eq(rt_sync_recv(sp[1], m), 0);
	ck_assert_uint_eq(m->len, RT_SYNC_PAYLOAD_MAX - 1);
	close(sp[0]);
	close(sp[1]);
	free(big);
	free(m);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("errors");
	TCase *t = tcase_create("contract");

	tcase_add_test(t, find_executable_out_of_memory_fills_err);
	tcase_add_test(t, delete_reports_a_failing_poststop_hook_as_a_warning);
	tcase_add_test(t, exec_returns_the_seccomp_state_error);
	tcase_add_test(t, exec_without_a_way_back_never_joins_the_pid_namespace);
	tcase_add_test(t, exec_that_cannot_come_back_is_fatal_and_leaves_no_process);
	tcase_add_test(t, cgroup_leaf_move_returns_the_code_it_reports);
	tcase_add_test(t, sync_payload_that_cannot_arrive_is_refused_by_the_sender);
	suite_add_tcase(s, t);
	return s;
}

TEST_MAIN(suite)
