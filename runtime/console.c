/* process.terminal: a pty made inside the container's own devpts, its
 * master handed to the caller over --console-socket (SCM_RIGHTS), as runc
 * does, so conmon/containerd own the terminal. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "internal.h"
#include "safepath.h"
#include "syscalls.h"

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

/* Bind the pty slave over /dev/console from fds: a name would be looked up
 * again, and /dev is the container's (CVE-2025-52565). */
static int mount_console(int slave, struct b_err *err)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int target = -1, mfd = -1;
	struct stat st;
	int r;

	if (root < 0)
		return b_err_sys(err, errno, "console: opening /");
	target = sp_open_in_root(root, "/dev/console", true, true, err);
	if (target < 0)
		return b_err_prefix(err, "console");
	if (fstat(target, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)))
		return b_err_set(err, EINVAL, "console: /dev/console is neither a file nor a device");
	if ((mfd = sp_tree_clone(slave, "", false)) < 0 || (r = sp_move_onto(mfd, target)) < 0)
		return b_err_sys(err, mfd < 0 ? -mfd : -r, "console: bind-mounting the pty on /dev/console");
	return 0;
}

/* The pty master of the container's devpts: checked to be a ptmx device, so
 * a planted node or symlink in /dev cannot stand in for it. */
static int open_ptmx(struct b_err *err)
{
	static const char *const paths[] = { "/dev/pts/ptmx", "/dev/ptmx" };
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct open_how how = {
		.flags = O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	struct stat st;

	for (size_t i = 0; root >= 0 && i < B_ARRAY_SIZE(paths); i++) {
		int fd = b_openat2(root, paths[i], &how);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 &&
		    minor(st.st_rdev) == 2 && fcntl(fd, F_SETFL, 0) == 0)
			return fd;
		close(fd);
	}
	return b_err_set(err, ENODEV, "console: no pty master device at /dev/pts/ptmx (is devpts mounted at /dev/pts?)");
}

int rt_console_setup(int console_fd, const struct oci_process *p, bool mount,
		     struct b_err *err)
{
	_cleanup_close_ int master = -1, slave = -1;
	char name[64];
	int r;

	if ((master = open_ptmx(err)) < 0)
		return master;
	if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
		return b_err_sys(err, errno, "console: unlocking the pty");
	/* The peer through the master, not by its name in /dev/pts. */
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return b_err_sys(err, errno, "console: opening the pty slave");
	if (p->has_console_size) {
		struct winsize ws = { .ws_row = (unsigned short)p->console_height,
				      .ws_col = (unsigned short)p->console_width };
		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return b_err_sys(err, errno, "console: setting the window size");
	}
	if (mount && (r = mount_console(slave, err)) < 0)
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

int rt_console_for_create(bool terminal, const char *console_socket, bool want_console, int *ours,
			  int *theirs, struct b_err *err)
{
	if (!terminal)
		return console_socket ? b_err_set(err, EINVAL,
						  "--console-socket given but process.terminal is false")
				      : 0;
	if (console_socket)
		return rt_console_connect(console_socket, theirs, err);
	if (want_console)
		return rt_console_pair(ours, theirs, err);
	return b_err_set(err, EINVAL,
			 "config.json: process.terminal is true: --console-socket is required (or set it to false)");
}
