/* common/notify_inbox: the socket a container's sd_notify messages arrive
 * at, for both relays (`berth run` and the pod supervisor).  What a
 * container may send it is untrusted: fds must not end up in berth, an
 * overlong datagram must be dropped whole, not cut. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/notify_inbox.h"
#include "testmain.h"

static char tmp[64], dir[128], sock[160];

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/test_notify_inbox.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	/* Parents are created too, as the relays' directories need. */
	snprintf(dir, sizeof(dir), "%s/state/notify", tmp);
	snprintf(sock, sizeof(sock), "%s/" B_NOTIFY_INBOX_SOCK, dir);
}

static void teardown(void)
{
	(void)b_rm_rf(tmp);
}

static int open_inbox(void)
{
	struct b_err err = { 0 };
	int fd = b_notify_inbox_open(dir, &err);

	ck_assert_msg(fd >= 0, "b_notify_inbox_open: %s", err.msg);
	return fd;
}

/* Send `len` bytes to the inbox as a container would, with `pass_fd`
 * attached (SCM_RIGHTS) when >= 0. */
static void send_dgram(const void *msg, size_t len, int pass_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1
	};
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	if (pass_fd >= 0) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &pass_fd, sizeof(int));
	}
	ck_assert_int_eq(sendmsg(fd, &mh, MSG_NOSIGNAL), (ssize_t)len);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

START_TEST(socket_reachable_by_anyone)
{
	_cleanup_close_ int fd = -1;
	mode_t old = umask(077);
	struct stat st;

	/* Whatever berth's umask, the container (any uid) must get in. */
	fd = open_inbox();
	umask(old);
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	ck_assert_int_eq(stat(sock, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0666);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
}
END_TEST

START_TEST(text_delivered_in_order)
{
	static const char a[] = "READY=1\nSTATUS=up", b[] = "WATCHDOG=1";
	_cleanup_close_ int fd = open_inbox();
	char buf[4096];

	ck_assert_int_eq(b_notify_inbox_recv(fd, buf, sizeof(buf)), -EAGAIN);
	send_dgram(a, sizeof(a) - 1, -1);
	send_dgram(b, sizeof(b) - 1, -1);
	ck_assert_int_eq(b_notify_inbox_recv(fd, buf, sizeof(buf)), (ssize_t)sizeof(a) - 1);
	ck_assert(!memcmp(buf, a, sizeof(a) - 1));
	ck_assert_int_eq(b_notify_inbox_recv(fd, buf, sizeof(buf)), (ssize_t)sizeof(b) - 1);
	ck_assert(!memcmp(buf, b, sizeof(b) - 1));
	ck_assert_int_eq(b_notify_inbox_recv(fd, buf, sizeof(buf)), -EAGAIN);
}
END_TEST

/* A pipe's write end sent along: once received, no copy of it is left
 * anywhere (the read end sees EOF) and berth has no new fd. */
START_TEST(passed_fds_closed)
{
	static const char msg[] = "FDSTORE=1";
	_cleanup_close_ int fd = open_inbox();
	int p[2], before;
	char buf[4096], c;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	send_dgram(msg, sizeof(msg) - 1, p[1]);
	close(p[1]);
	/* In flight, the datagram still holds the write end. */
	ck_assert_int_eq(read(p[0], &c, 1), -1);
	ck_assert_int_eq(errno, EAGAIN);
	before = count_fds();
	ck_assert_int_eq(b_notify_inbox_recv(fd, buf, sizeof(buf)), (ssize_t)sizeof(msg) - 1);
	ck_assert(!memcmp(buf, msg, sizeof(msg) - 1));
	ck_assert_int_eq(count_fds(), before);
	ck_assert_int_eq(read(p[0], &c, 1), 0);
	close(p[0]);
}
END_TEST

/* As systemd: longer than the buffer is dropped whole (a cut line could
 * pass as another), empty is skipped, exactly the buffer is taken. */
START_TEST(oversized_and_empty_skipped)
{
	static char big[4097], full[4096];
	static const char last[] = "READY=1";
	_cleanup_close_ int fd = open_inbox();
	char buf[4096];

	memset(big, 'A', sizeof(big));
	memcpy(big + 4096 - 7, last, 7); /* what a cut would have left */
	memset(full, 'B', sizeof(full));
	send_dgram(big, sizeof(big), -1);
	send_dgram("", 0, -1);
	send_dgram(full, sizeof(full), -1);
	send_dgram(last, sizeof(last) - 1, -1);
	ck_assert_int_eq(b_notify_inbox_recv(fd, buf, sizeof(buf)), (ssize_t)sizeof(full));
	ck_assert(!memcmp(buf, full, sizeof(full)));
	ck_assert_int_eq(b_notify_inbox_recv(fd, buf, sizeof(buf)), (ssize_t)sizeof(last) - 1);
	ck_assert(!memcmp(buf, last, sizeof(last) - 1));
	ck_assert_int_eq(b_notify_inbox_recv(fd, buf, sizeof(buf)), -EAGAIN);
}
END_TEST

START_TEST(path_too_long)
{
	struct b_err err = { 0 };
	char longdir[160];
	struct stat st;

	memset(longdir, 'x', sizeof(longdir) - 1);
	longdir[sizeof(longdir) - 1] = '\0';
	memcpy(longdir, tmp, strlen(tmp));
	longdir[strlen(tmp)] = '/';
	ck_assert_int_eq(b_notify_inbox_open(longdir, &err), -ENAMETOOLONG);
	ck_assert_int_eq(err.code, ENAMETOOLONG);
	/* Refused before anything was created. */
	ck_assert_int_eq(stat(longdir, &st), -1);
}
END_TEST

START_TEST(bind_fails_on_a_taken_path)
{
	_cleanup_close_ int fd = open_inbox();
	struct b_err err = { 0 };

	ck_assert_int_eq(b_notify_inbox_open(dir, &err), -EADDRINUSE);
	ck_assert_ptr_nonnull(strstr(err.msg, sock));
}
END_TEST

static Suite *notify_inbox_suite(void)
{
	Suite *s = suite_create("notify_inbox");
	TCase *tc = tcase_create("notify_inbox");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, socket_reachable_by_anyone);
	tcase_add_test(tc, text_delivered_in_order);
	tcase_add_test(tc, passed_fds_closed);
	tcase_add_test(tc, oversized_and_empty_skipped);
	tcase_add_test(tc, path_too_long);
	tcase_add_test(tc, bind_fails_on_a_taken_path);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(notify_inbox_suite)
