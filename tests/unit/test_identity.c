/* runtime/identity, runtime/rlimits, runtime/sched: everything that changes
 * the process runs in a child of our own, so the test binary keeps its
 * credentials whatever CK_FORK says. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/identity.h"
#include "runtime/rlimits.h"
#include "runtime/oom_score.h"
#include "runtime/personality.h"
#include "runtime/sched.h"
#include "testskip.h"
#include "testmain.h"

#define BIT(c) (1ULL << (c))

/* ---- child harness -------------------------------------------------- */

static void __attribute__((noreturn, format(printf, 2, 3)))
child_fail(int fd, const char *fmt, ...)
{
	char buf[1200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!write(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	_exit(1);
}

#define EXPECT(fd, cond, ...) do { if (!(cond)) child_fail(fd, __VA_ARGS__); } while (0)

typedef void (*child_fn)(int fd);

static void run_child(child_fn fn)
{
	char msg[1300] = "";
	int p[2], st = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		fn(p[1]);
		_exit(0);
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && n <= 0,
		      "child failed (status %#x): %s", st, msg);
}

/* A "Name:\t..." line of /proc/self/status, value part. */
static bool status_field(const char *name, char *out, size_t size)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	size_t len = strlen(name);

	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			char *v = line + len + 1;

			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, size, "%s", v);
			return true;
		}
	}
	return false;
}

static uint64_t status_caps(const char *name)
{
	char v[64];

	if (!status_field(name, v, sizeof(v)))
		return ~0ULL;
	return strtoull(v, NULL, 16);
}

static void expect_msg(int fd, int rc, int want_rc, const struct b_err *err, const char *needle)
{
	EXPECT(fd, rc == want_rc, "rc %d, want %d (%s)", rc, want_rc, err->msg);
	EXPECT(fd, err->code == -want_rc, "err.code %d, want %d", err->code, -want_rc);
	EXPECT(fd, strstr(err->msg, needle), "message \"%s\" lacks \"%s\"", err->msg, needle);
}

/* Clear one capability from the effective (and optionally permitted) set, so
 * tests do not depend on what the machine grants. */
static void drop_cap(int fd, cap_value_t cap, bool permitted)
{
	cap_t c = cap_get_proc();

	EXPECT(fd, c, "cap_get_proc");
	cap_set_flag(c, CAP_EFFECTIVE, 1, &cap, CAP_CLEAR);
	if (permitted)
		cap_set_flag(c, CAP_PERMITTED, 1, &cap, CAP_CLEAR);
	EXPECT(fd, cap_set_proc(c) == 0, "cap_set_proc: %s", strerror(errno));
	cap_free(c);
}

/* ---- identity ------------------------------------------------------- */

static void child_drop_to_user(int fd)
{
	uint32_t gids[] = { 1000, 2000, 3000 };
	struct oci_user u = { .uid = 1000, .gid = 1000, .additional_gids = gids, .n_additional_gids = 3 };
	const uint64_t nbs = BIT(CAP_NET_BIND_SERVICE);
	struct oci_caps caps = {
		.bounding = nbs, .effective = nbs, .permitted = nbs, .inheritable = nbs, .ambient = nbs,
	};
	struct b_err err = { 0 };
	gid_t groups[8];
	char uid[64], gid[64];
	int n;

	EXPECT(fd, rt_identity_apply(&u, &caps, &err) == 0, "apply: %s", err.msg);
	EXPECT(fd, status_caps("CapEff") == 0x400, "CapEff %#" PRIx64, status_caps("CapEff"));
	EXPECT(fd, status_caps("CapPrm") == 0x400, "CapPrm %#" PRIx64, status_caps("CapPrm"));
	EXPECT(fd, status_caps("CapInh") == 0x400, "CapInh %#" PRIx64, status_caps("CapInh"));
	EXPECT(fd, status_caps("CapBnd") == 0x400, "CapBnd %#" PRIx64, status_caps("CapBnd"));
	EXPECT(fd, status_caps("CapAmb") == 0x400, "CapAmb %#" PRIx64, status_caps("CapAmb"));
	EXPECT(fd, status_field("Uid", uid, sizeof(uid)) && strcmp(uid, "1000\t1000\t1000\t1000") == 0,
	       "Uid: %s", uid);
	EXPECT(fd, status_field("Gid", gid, sizeof(gid)) && strcmp(gid, "1000\t1000\t1000\t1000") == 0,
	       "Gid: %s", gid);
	n = getgroups(8, groups);
	EXPECT(fd, n == 3 && groups[0] == 1000 && groups[1] == 2000 && groups[2] == 3000,
	       "getgroups: %d groups", n);
	EXPECT(fd, prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0, "keepcaps left on");
}

START_TEST(drop_to_user_with_caps)
{
	run_child(child_drop_to_user);
}
END_TEST

static void child_caps_null_root(int fd)
{
	struct oci_user u = { .uid = 0, .gid = 0 };
	uint64_t eff = status_caps("CapEff"), bnd = status_caps("CapBnd");
	const gid_t mine[] = { 0, 4242 };
	struct b_err err = { 0 };

	EXPECT(fd, setgroups(2, mine) == 0, "setgroups");
	EXPECT(fd, rt_identity_apply(&u, NULL, &err) == 0, "apply: %s", err.msg);
	EXPECT(fd, status_caps("CapEff") == eff, "CapEff changed: %#" PRIx64, status_caps("CapEff"));
	EXPECT(fd, status_caps("CapBnd") == bnd, "CapBnd changed");
	/* An empty additionalGids list clears the runtime's groups. */
	EXPECT(fd, getgroups(0, NULL) == 0, "supplementary groups kept: %d", getgroups(0, NULL));
}

START_TEST(caps_null_root_keeps_caps)
{
	run_child(child_caps_null_root);
}
END_TEST

static void child_caps_null_user(int fd)
{
	struct oci_user u = { .uid = 1000, .gid = 1000 };
	struct b_err err = { 0 };

	EXPECT(fd, rt_identity_apply(&u, NULL, &err) == 0, "apply: %s", err.msg);
	EXPECT(fd, status_caps("CapEff") == 0 && status_caps("CapPrm") == 0,
	       "caps kept after setuid: %#" PRIx64, status_caps("CapPrm"));
	EXPECT(fd, getuid() == 1000 && geteuid() == 1000 && getgid() == 1000, "ids");
}

START_TEST(caps_null_user_ends_with_none)
{
	run_child(child_caps_null_user);
}
END_TEST

static void child_ambient_not_inheritable(int fd)
{
	struct oci_user u = { .uid = 1000, .gid = 1000 };
	const uint64_t nbs = BIT(CAP_NET_BIND_SERVICE);
	struct oci_caps caps = { .bounding = nbs, .effective = nbs, .permitted = nbs, .ambient = nbs };
	struct b_err err = { 0 };
	int rc = rt_identity_apply(&u, &caps, &err);

	expect_msg(fd, rc, -EINVAL, &err,
		   "capabilities: ambient capability CAP_NET_BIND_SERVICE must also be in the permitted and inheritable sets (missing from inheritable)");
	/* Rejected before anything changed. */
	EXPECT(fd, getuid() == 0, "uid changed to %d", (int)getuid());

	caps = (struct oci_caps){ .effective = BIT(CAP_KILL), .permitted = nbs };
	rc = rt_identity_apply(&u, &caps, &err);
	expect_msg(fd, rc, -EINVAL, &err, "effective capability CAP_KILL is not in the permitted set");
}

START_TEST(ambient_without_inheritable)
{
	run_child(child_ambient_not_inheritable);
}
END_TEST

static void child_cap_not_permitted(int fd)
{
	struct oci_user u = { .uid = 1000, .gid = 1000 };
	const uint64_t want = BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE);
	struct oci_caps caps = { .bounding = ~0ULL, .effective = want, .permitted = want };
	struct b_err err = { 0 };
	int rc;

	drop_cap(fd, CAP_CHOWN, true);
	rc = rt_identity_apply(&u, &caps, &err);
	expect_msg(fd, rc, -EPERM, &err,
		   "capabilities: setting CAP_CHOWN: the runtime does not have it in its permitted set");
}

START_TEST(cap_not_permitted)
{
	run_child(child_cap_not_permitted);
}
END_TEST

/* Bits above cap_last_cap (here 63) are ignored, not an error. */
static void child_unknown_caps_ignored(int fd)
{
	struct oci_user u = { .uid = 0, .gid = 0 };
	const uint64_t v = BIT(CAP_KILL) | BIT(63);
	struct oci_caps caps = { .bounding = ~0ULL, .effective = v, .permitted = v, .inheritable = v };
	struct b_err err = { 0 };
	uint64_t bnd = status_caps("CapBnd");

	EXPECT(fd, rt_identity_apply(&u, &caps, &err) == 0, "apply: %s", err.msg);
	EXPECT(fd, status_caps("CapEff") == BIT(CAP_KILL), "CapEff %#" PRIx64, status_caps("CapEff"));
	EXPECT(fd, status_caps("CapBnd") == bnd, "bounding changed");
	EXPECT(fd, status_caps("CapAmb") == 0, "CapAmb");
}

START_TEST(unknown_caps_ignored)
{
	run_child(child_unknown_caps_ignored);
}
END_TEST

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Can a process create a user namespace here?  Tried in a child, so that
 * the test's own process stays as it is; *why says why not. */
static bool userns_available(char *why, size_t size)
{
	int p[2], e = 0, st = 0;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		e = unshare(CLONE_NEWUSER) < 0 ? errno : 0;
		(void)!write(p[1], &e, sizeof(e));
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &e, sizeof(e)), (ssize_t)sizeof(e));
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	snprintf(why, size, "user namespaces are not available: unshare(CLONE_NEWUSER): %s", strerror(e));
	return e == 0;
}

static void child_setgroups_deny(int fd)
{
	uint32_t gids[] = { 0 };
	struct oci_user u = { .uid = 0, .gid = 0 };
	struct b_err err = { 0 };
	int rc;

	EXPECT(fd, unshare(CLONE_NEWUSER) == 0, "unshare(CLONE_NEWUSER): %s", strerror(errno));
	EXPECT(fd, write_str("/proc/self/setgroups", "deny") == 0, "setgroups deny");
	EXPECT(fd, write_str("/proc/self/uid_map", "0 0 1") == 0, "uid_map");
	EXPECT(fd, write_str("/proc/self/gid_map", "0 0 1") == 0, "gid_map");

	EXPECT(fd, rt_identity_apply(&u, NULL, &err) == 0, "empty list: %s", err.msg);
	u.additional_gids = gids;
	u.n_additional_gids = 1;
	rc = rt_identity_apply(&u, NULL, &err);
	expect_msg(fd, rc, -EPERM, &err, "the user namespace denies setgroups (/proc/self/setgroups is \"deny\")");
}

START_TEST(setgroups_denied_in_userns)
{
	char why[160];

	if (!userns_available(why, sizeof(why)))
		TEST_SKIP("%s", why);
	run_child(child_setgroups_deny);
}
END_TEST

static void child_unmapped_uid(int fd)
{
	struct oci_user u = { .uid = 5000, .gid = 0 };
	struct b_err err = { 0 };
	int rc;

	EXPECT(fd, unshare(CLONE_NEWUSER) == 0, "unshare(CLONE_NEWUSER): %s", strerror(errno));
	EXPECT(fd, write_str("/proc/self/setgroups", "deny") == 0, "setgroups deny");
	EXPECT(fd, write_str("/proc/self/uid_map", "0 0 1") == 0, "uid_map");
	EXPECT(fd, write_str("/proc/self/gid_map", "0 0 1") == 0, "gid_map");
	rc = rt_identity_apply(&u, NULL, &err);
	expect_msg(fd, rc, -EINVAL, &err, "setresuid 5000 (is the uid mapped in the user namespace?)");
}

START_TEST(unmapped_uid)
{
	char why[160];

	if (!userns_available(why, sizeof(why)))
		TEST_SKIP("%s", why);
	run_child(child_unmapped_uid);
}
END_TEST

static void child_nnp(int fd)
{
	struct b_err err = { 0 };
	char v[16];

	EXPECT(fd, rt_no_new_privs(&err) == 0, "nnp: %s", err.msg);
	EXPECT(fd, status_field("NoNewPrivs", v, sizeof(v)) && strcmp(v, "1") == 0, "NoNewPrivs %s", v);
}

START_TEST(no_new_privs)
{
	run_child(child_nnp);
}
END_TEST

/* ---- rlimits -------------------------------------------------------- */

static void child_rlimit_lower(int fd)
{
	struct oci_rlimit rl[] = {
		{ .resource = RLIMIT_NOFILE, .soft = 512, .hard = 1024 },
		{ .resource = RLIMIT_CORE, .soft = 0, .hard = 4096 },
	};
	struct b_err err = { 0 };
	struct rlimit r;

	EXPECT(fd, rt_rlimits_apply(rl, 2, &err) == 0, "apply: %s", err.msg);
	EXPECT(fd, getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur == 512 && r.rlim_max == 1024,
	       "NOFILE %lu/%lu", (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
	EXPECT(fd, getrlimit(RLIMIT_CORE, &r) == 0 && r.rlim_cur == 0 && r.rlim_max == 4096, "CORE");
}

START_TEST(rlimit_lower)
{
	run_child(child_rlimit_lower);
}
END_TEST

static void child_rlimit_raise_hard(int fd)
{
	struct oci_rlimit lower = { .resource = RLIMIT_NOFILE, .soft = 256, .hard = 512 };
	struct oci_rlimit raise = { .resource = RLIMIT_NOFILE, .soft = 256, .hard = 1024 };
	struct oci_rlimit core[] = {
		{ .resource = RLIMIT_CORE, .soft = 0, .hard = 0 },
		{ .resource = RLIMIT_CORE, .soft = 0, .hard = UINT64_MAX },
	};
	struct b_err err = { 0 };
	struct rlimit r;
	int rc;

	/* Whatever this machine grants, the test process must lack it. */
	drop_cap(fd, CAP_SYS_RESOURCE, false);
	EXPECT(fd, rt_rlimits_apply(&lower, 1, &err) == 0, "lower: %s", err.msg);
	rc = rt_rlimits_apply(&raise, 1, &err);
	expect_msg(fd, rc, -EPERM, &err,
		   "rlimit RLIMIT_NOFILE: cannot raise the hard limit from 512 to 1024: operation not permitted (raising a hard limit needs CAP_SYS_RESOURCE)");
	EXPECT(fd, strcmp(err.msg, "rlimit RLIMIT_NOFILE: cannot raise the hard limit from 512 to 1024: operation not permitted (raising a hard limit needs CAP_SYS_RESOURCE)") == 0,
	       "exact text: %s", err.msg);
	EXPECT(fd, getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_max == 512, "limit changed anyway");

	/* Stops at the failing entry; unlimited is spelled out. */
	rc = rt_rlimits_apply(core, 2, &err);
	expect_msg(fd, rc, -EPERM, &err, "rlimit RLIMIT_CORE: cannot raise the hard limit from 0 to unlimited");
}

START_TEST(rlimit_raise_hard_eperm)
{
	run_child(child_rlimit_raise_hard);
}
END_TEST

static void child_rlimit_soft_above_hard(int fd)
{
	struct oci_rlimit rl[] = {
		{ .resource = RLIMIT_NOFILE, .soft = 2048, .hard = 1024 },
	};
	struct oci_rlimit unl = { .resource = RLIMIT_STACK, .soft = UINT64_MAX, .hard = 1 << 20 };
	struct b_err err = { 0 };
	struct rlimit before, after;
	int rc;

	getrlimit(RLIMIT_NOFILE, &before);
	rc = rt_rlimits_apply(rl, 1, &err);
	expect_msg(fd, rc, -EINVAL, &err, "rlimit RLIMIT_NOFILE: soft limit 2048 is above the hard limit 1024");
	getrlimit(RLIMIT_NOFILE, &after);
	EXPECT(fd, before.rlim_cur == after.rlim_cur && before.rlim_max == after.rlim_max, "changed");
	rc = rt_rlimits_apply(&unl, 1, &err);
	expect_msg(fd, rc, -EINVAL, &err, "rlimit RLIMIT_STACK: soft limit unlimited is above the hard limit 1048576");
}

START_TEST(rlimit_soft_above_hard)
{
	run_child(child_rlimit_soft_above_hard);
}
END_TEST

static void child_rlimit_nr_open(int fd)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/sys/fs/nr_open", "re");
	unsigned long long max = 0;
	struct oci_rlimit rl = { .resource = RLIMIT_NOFILE, .soft = 64 };
	struct b_err err = { 0 };
	int rc;

	EXPECT(fd, f && fscanf(f, "%llu", &max) == 1, "nr_open");
	rl.hard = max + 1;
	rc = rt_rlimits_apply(&rl, 1, &err);
	expect_msg(fd, rc, -EPERM, &err, "is above the kernel maximum fs.nr_open");
}

START_TEST(rlimit_nofile_above_nr_open)
{
	run_child(child_rlimit_nr_open);
}
END_TEST

/* ---- sched ---------------------------------------------------------- */

static void child_oom(int fd)
{
	struct b_err err = { 0 };
	char buf[32] = "";
	FILE *f;
	int rc;

	EXPECT(fd, rt_oom_score_adj_apply(500, &err) == 0, "apply: %s", err.msg);
	f = fopen("/proc/self/oom_score_adj", "re");
	EXPECT(fd, f && fgets(buf, sizeof(buf), f), "read back");
	fclose(f);
	EXPECT(fd, strcmp(buf, "500\n") == 0, "oom_score_adj %s", buf);

	rc = rt_oom_score_adj_apply(1001, &err);
	expect_msg(fd, rc, -EINVAL, &err, "oomScoreAdj 1001 is out of range");
	/* Lowering below the inherited value needs CAP_SYS_RESOURCE. */
	drop_cap(fd, CAP_SYS_RESOURCE, false);
	rc = rt_oom_score_adj_apply(-1000, &err);
	EXPECT(fd, rc < 0, "lowering without CAP_SYS_RESOURCE succeeded");
	EXPECT(fd, strstr(err.msg, "needs CAP_SYS_RESOURCE"), "%s", err.msg);
}

START_TEST(oom_score_adj)
{
	run_child(child_oom);
}
END_TEST

static long ioprio_get_self(void)
{
	return syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
}

static void child_ioprio(int fd)
{
	struct oci_io_priority idle = { .class = 3, .priority = 0 };
	struct oci_io_priority be = { .class = 2, .priority = 6 };
	struct oci_io_priority bad = { .class = 4, .priority = 0 };
	struct b_err err = { 0 };
	int rc;

	EXPECT(fd, rt_io_priority_apply(&be, &err) == 0, "be: %s", err.msg);
	EXPECT(fd, ioprio_get_self() == ((2 << 13) | 6), "ioprio %#lx", ioprio_get_self());
	EXPECT(fd, rt_io_priority_apply(&idle, &err) == 0, "idle: %s", err.msg);
	EXPECT(fd, ioprio_get_self() >> 13 == 3, "ioprio %#lx", ioprio_get_self());
	rc = rt_io_priority_apply(&bad, &err);
	expect_msg(fd, rc, -EINVAL, &err, "ioPriority: invalid class 4");
	bad = (struct oci_io_priority){ .class = 2, .priority = 8 };
	rc = rt_io_priority_apply(&bad, &err);
	expect_msg(fd, rc, -EINVAL, &err, "priority 8 is out of range");
}

START_TEST(io_priority)
{
	run_child(child_ioprio);
}
END_TEST

static void child_sched(int fd)
{
	struct oci_scheduler s = { .policy = SCHED_BATCH, .nice = 5 };
	struct oci_scheduler fifo = { .policy = SCHED_FIFO, .priority = 0 };
	struct oci_scheduler bad = { .policy = 42 };
	struct b_err err = { 0 };
	int rc;

	EXPECT(fd, rt_scheduler_apply(&s, &err) == 0, "batch: %s", err.msg);
	EXPECT(fd, sched_getscheduler(0) == SCHED_BATCH, "policy %d", sched_getscheduler(0));
	errno = 0;
	EXPECT(fd, getpriority(PRIO_PROCESS, 0) == 5 && errno == 0, "nice %d", getpriority(PRIO_PROCESS, 0));

	rc = rt_scheduler_apply(&fifo, &err);
	expect_msg(fd, rc, -EINVAL, &err, "scheduler SCHED_FIFO (priority 0, nice 0, flags 0): sched_setattr");
	rc = rt_scheduler_apply(&bad, &err);
	expect_msg(fd, rc, -EINVAL, &err, "scheduler: invalid policy 42");
	s.nice = 20;
	rc = rt_scheduler_apply(&s, &err);
	expect_msg(fd, rc, -EINVAL, &err, "nice 20 is out of range");
}

START_TEST(scheduler)
{
	run_child(child_sched);
}
END_TEST

static void child_personality(int fd)
{
	struct oci_personality p = { .domain = PER_LINUX32 };
	struct b_err err = { 0 };

	EXPECT(fd, rt_personality_apply(&p, &err) == 0, "apply: %s", err.msg);
	EXPECT(fd, personality(0xffffffff) == PER_LINUX32, "personality %#x", personality(0xffffffff));
	p.domain = PER_LINUX;
	EXPECT(fd, rt_personality_apply(&p, &err) == 0, "apply: %s", err.msg);
	EXPECT(fd, personality(0xffffffff) == PER_LINUX, "personality %#x", personality(0xffffffff));
}

START_TEST(personality_domain)
{
	run_child(child_personality);
}
END_TEST

static Suite *identity_suite(void)
{
	Suite *s = suite_create("identity");
	TCase *id = tcase_create("identity");
	TCase *rl = tcase_create("rlimits");
	TCase *sc = tcase_create("sched");

	tcase_add_test(id, drop_to_user_with_caps);
	tcase_add_test(id, caps_null_root_keeps_caps);
	tcase_add_test(id, caps_null_user_ends_with_none);
	tcase_add_test(id, ambient_without_inheritable);
	tcase_add_test(id, cap_not_permitted);
	tcase_add_test(id, unknown_caps_ignored);
	tcase_add_test(id, setgroups_denied_in_userns);
	tcase_add_test(id, unmapped_uid);
	tcase_add_test(id, no_new_privs);
	suite_add_tcase(s, id);

	tcase_add_test(rl, rlimit_lower);
	tcase_add_test(rl, rlimit_raise_hard_eperm);
	tcase_add_test(rl, rlimit_soft_above_hard);
	tcase_add_test(rl, rlimit_nofile_above_nr_open);
	suite_add_tcase(s, rl);

	tcase_add_test(sc, oom_score_adj);
	tcase_add_test(sc, io_priority);
	tcase_add_test(sc, scheduler);
	tcase_add_test(sc, personality_domain);
	suite_add_tcase(s, sc);
	return s;
}

TEST_MAIN(identity_suite)
