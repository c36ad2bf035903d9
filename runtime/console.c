/* process.terminal: a pty made inside the container's own devpts, its
 * master handed to the caller over --console-socket (SCM_RIGHTS), as runc
 * does, so conmon/containerd own the terminal. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "internal.h"

int rt_console_connect(const char *path, int *fd, struct b_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return b_err_sys(err, errno, "console socket");
	if (strlen(path) >= sizeof(sa.sun_path))
		return b_err_set(err, ENAMETOOLONG, "console socket path %s is too long", path);
	strcpy(sa.sun_path, path);
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return b_err_sys(err, errno, "connecting to console socket %s", path);
	*fd = b_steal_fd(s);
	return 0;
}

static int send_fd(int sock, int fd, const char *name)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)name, strlen(name) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static int mount_console(const char *slave, struct b_err *err)
{
	int fd = open("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666);

	if (fd < 0)
		return b_err_sys(err, errno, "console: creating /dev/console");
	close(fd);
	if (mount(slave, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return b_err_sys(err, errno, "console: bind-mounting %s on /dev/console", slave);
	return 0;
}

int rt_console_setup(int console_fd, const struct oci_process *p, bool mount,
		     struct b_err *err)
{
	_cleanup_close_ int master = -1, slave = -1;
	char name[64];
	int r;

	master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return b_err_sys(err, errno, "console: opening /dev/pts/ptmx (is devpts mounted at /dev/pts?)");
	if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
		return b_err_sys(err, errno, "console: unlocking the pty");
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return b_err_sys(err, errno, "console: opening %s", name);
	if (p->has_console_size) {
		struct winsize ws = { .ws_row = (unsigned short)p->console_height,
				      .ws_col = (unsigned short)p->console_width };
		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return b_err_sys(err, errno, "console: setting the window size");
	}
	if (mount && (r = mount_console(name, err)) < 0)
		return r;
	r = send_fd(console_fd, master, name);
	if (r < 0)
		return b_err_sys(err, -r, "console: sending the pty master over --console-socket");
	if (setsid() < 0 && errno != EPERM)
		return b_err_sys(err, errno, "console: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return b_err_sys(err, errno, "console: making the pty the controlling terminal");
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return b_err_sys(err, errno, "console: dup2");
	return 0;
}

int rt_console_pair(int *ours, int *theirs, struct b_err *err)
{
	int sp[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return b_err_sys(err, errno, "console: socketpair");
	*ours = sp[0];
	*theirs = sp[1];
	return 0;
}

int rt_console_recv(int fd, int *master, struct b_err *err)
{
	char name[128], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { name, sizeof(name) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return b_err_sys(err, errno, "console: receiving the pty master");
	c = CMSG_FIRSTHDR(&mh);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return b_err_set(err, EPROTO, "console: no pty master received");
	memcpy(master, CMSG_DATA(c), sizeof(int));
	return 0;
}
