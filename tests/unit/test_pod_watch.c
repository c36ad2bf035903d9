/* supervisor/pod_watch: what inotify events mean for `pod logs -f`, and
 * the watch itself on a pod directory made here, with this process
 * standing in for the supervisor that holds the lock. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "logtest.h"
#include "supervisor/pod_watch.h"
#include "testskip.h"
#include "testmain.h"

enum { WD_PODS = 1, WD_LOGS = 2, WD_LOCK = 3, WD_OTHER = 9 };

#define NEW POD_WATCH_NEW_FILE
#define END POD_WATCH_END
#define LOCK POD_WATCH_CHECK_LOCK

struct ev {
	int wd;
	uint32_t mask;
	const char *name;
};

struct classify_case {
	const char *what;
	struct ev evs[4];        /* up to a zero mask */
	int want;
};

static const struct classify_case classify_cases[] = {
	{ "a write to a log", { { WD_LOGS, IN_MODIFY, "c.log" } }, 0 },
	{ "a new log file", { { WD_LOGS, IN_CREATE, "d.log" } }, NEW },
	{ "a rotation", { { WD_LOGS, IN_MOVED_FROM, "c.log" }, { WD_LOGS, IN_MOVED_TO, "c.log.1" } }, NEW },
	{ "a log file deleted", { { WD_LOGS, IN_DELETE, "c.log.4" } }, NEW },
	{ "the logs dir deleted", { { WD_LOGS, IN_DELETE_SELF, NULL } }, END },
	{ "the logs dir moved", { { WD_LOGS, IN_MOVE_SELF, NULL } }, END },
	{ "the logs watch gone", { { WD_LOGS, IN_IGNORED, NULL } }, END },
	{ "the pod dir removed", { { WD_PODS, IN_DELETE | IN_ISDIR, "p" } }, END },
	{ "the pod dir renamed away", { { WD_PODS, IN_MOVED_FROM | IN_ISDIR, "p" } }, END },
	{ "another pod removed", { { WD_PODS, IN_DELETE | IN_ISDIR, "p2" } }, 0 },
	{ "a nameless pods event", { { WD_PODS, IN_DELETE, NULL } }, 0 },
	{ "the lock closed after writing", { { WD_LOCK, IN_CLOSE_WRITE, NULL } }, LOCK },
	{ "the lock closed, read-only", { { WD_LOCK, IN_CLOSE_NOWRITE, NULL } }, LOCK },
	{ "the lock opened", { { WD_LOCK, IN_OPEN, NULL } }, 0 },
	{ "events lost", { { -1, IN_Q_OVERFLOW, NULL } }, NEW | LOCK },
	{ "a watch not ours", { { WD_OTHER, IN_DELETE_SELF, NULL } }, 0 },
	{ "a batch: flags add up",
	  { { WD_LOGS, IN_MODIFY, "c.log" }, { WD_LOGS, IN_CREATE, "d.log" },
	    { WD_LOCK, IN_CLOSE_WRITE, NULL }, { WD_PODS, IN_DELETE, "other" } },
	  NEW | LOCK },
	{ "nothing", { { 0 } }, 0 },
};

/* The events as the kernel lays them out: each name NUL-padded. */
static size_t pack(const struct ev *evs, char *buf, size_t size)
{
	size_t n = 0;

	for (int i = 0; i < 4 && evs[i].mask; i++) {
		struct inotify_event ev = { .wd = evs[i].wd, .mask = evs[i].mask };
		size_t len = evs[i].name ? (strlen(evs[i].name) + 16) / 16 * 16 : 0;

		ck_assert(n + sizeof(ev) + len <= size);
		ev.len = (uint32_t)len;
		memcpy(buf + n, &ev, sizeof(ev));
		memset(buf + n + sizeof(ev), 0, len);
		if (evs[i].name)
			memcpy(buf + n + sizeof(ev), evs[i].name, strlen(evs[i].name));
		n += sizeof(ev) + len;
	}
	return n;
}

START_TEST(classify_table)
{
	const struct classify_case *c = &classify_cases[_i];
	struct pod_watch w = { .ifd = -1, .lock_fd = -1, .wd_pods = WD_PODS, .wd_logs = WD_LOGS,
			       .wd_lock = WD_LOCK, .name = "p" };
	char buf[1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	size_t n = pack(c->evs, buf, sizeof(buf));

	ck_assert_msg(pod_watch_classify(&w, buf, n) == c->want, "%s: got %d, want %d", c->what,
		      pod_watch_classify(&w, buf, n), c->want);
}
END_TEST

/* A pod without a lock file (wd_lock -1) has no supervisor. */
START_TEST(classify_without_lock)
{
	struct pod_watch w = { .ifd = -1, .lock_fd = -1, .wd_pods = WD_PODS, .wd_logs = WD_LOGS,
			       .wd_lock = -1, .name = "p" };
	const struct ev evs[4] = { { WD_LOGS, IN_MODIFY, "c.log" } };
	char buf[256] __attribute__((aligned(__alignof__(struct inotify_event))));

	ck_assert_int_eq(pod_watch_classify(&w, buf, pack(evs, buf, sizeof(buf))), 0);
	ck_assert(!pod_watch_alive(&w));
}
END_TEST

/* ---- the watch on real directories -------------------------------------- */

struct pod_dir {
	char root[PATH_MAX], pod[PATH_MAX + 16], logs[PATH_MAX + 32];
	int sup;                 /* the stand-in supervisor's lock fd */
	struct pod_watch w;
};

static void pod_dir_make(struct pod_dir *d)
{
	char lock[PATH_MAX + 48];
	struct b_err err = { 0 };

	lt_mkdtemp(d->root, sizeof(d->root));
	snprintf(d->pod, sizeof(d->pod), "%s/p", d->root);
	snprintf(d->logs, sizeof(d->logs), "%s/logs", d->pod);
	ck_assert_int_eq(mkdir(d->pod, 0700), 0);
	ck_assert_int_eq(mkdir(d->logs, 0700), 0);
	snprintf(lock, sizeof(lock), "%s/lock", d->pod);
	ck_assert_int_ge(d->sup = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600), 0);
	ck_assert_int_eq(flock(d->sup, LOCK_EX), 0);
	ck_assert_msg(pod_watch_open(&d->w, d->pod, d->logs, &err) == 0, "%s", err.msg);
}

static int wait_once(struct pod_dir *d)
{
	struct b_err err = { 0 };
	int r = pod_watch_wait(&d->w, &err);

	ck_assert_msg(r >= 0, "%s", err.msg);
	return r;
}

START_TEST(watch_live_pod)
{
	struct pod_dir d;
	int fd = inotify_init1(IN_CLOEXEC);

	if (fd < 0)
		TEST_SKIP("no inotify here (%s)", strerror(errno));
	close(fd);
	pod_dir_make(&d);
	ck_assert(pod_watch_alive(&d.w));
	lt_put(d.logs, "c.log", "w", "x\n");
	ck_assert_int_eq(wait_once(&d) & END, 0);
	/* The supervisor ends: its lock fd closes. */
	close(d.sup);
	ck_assert_int_eq(wait_once(&d) & END, END);
	ck_assert(!pod_watch_alive(&d.w));
	pod_watch_close(&d.w);
	lt_rmdir(d.root);
}
END_TEST

START_TEST(watch_pod_removed)
{
	struct pod_dir d;
	char away[PATH_MAX + 16];
	int fd = inotify_init1(IN_CLOEXEC);

	if (fd < 0)
		TEST_SKIP("no inotify here (%s)", strerror(errno));
	close(fd);
	pod_dir_make(&d);
	snprintf(away, sizeof(away), "%s/gone", d.root);
	ck_assert_int_eq(rename(d.pod, away), 0);
	ck_assert_int_eq(wait_once(&d), END);
	pod_watch_close(&d.w);
	close(d.sup);
	lt_rmdir(d.root);
}
END_TEST

START_TEST(watch_not_a_pod_dir)
{
	struct pod_watch w;
	struct b_err err = { 0 };

	ck_assert_int_eq(pod_watch_open(&w, "/nonexistent/p", "/nonexistent/p/logs", &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/p/logs"));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pod_watch");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, classify_table, 0, sizeof(classify_cases) / sizeof(classify_cases[0]));
	tcase_add_test(tc, classify_without_lock);
	tcase_add_test(tc, watch_live_pod);
	tcase_add_test(tc, watch_pod_removed);
	tcase_add_test(tc, watch_not_a_pod_dir);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)
