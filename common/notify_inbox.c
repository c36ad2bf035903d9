/* One recipe for both sd_notify relays, so they cannot drift apart in how
 * the socket is exposed or what a datagram may carry. */
#include "common/notify_inbox.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "common/cleanup.h"
#include "common/fsutil.h"

int b_notify_inbox_open(const char *dir, struct b_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	int r;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" B_NOTIFY_INBOX_SOCK, dir) >=
	    sizeof(sa.sun_path))
		return b_err_set(err, ENAMETOOLONG, "notify socket path too long: %s", dir);
	if ((r = b_mkdir_p(dir, 0755)) < 0)
		return b_err_sys(err, -r, "creating %s", dir);
	/* Whatever the umask: the directory is all the container gets of the
	 * (0700) state dir it lives in, and its processes may run as anyone.
	 * Best effort, as mkdir asked for 0755 already. */
	(void)chmod(dir, 0755);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return b_err_sys(err, errno, "notify socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0666) < 0)
		return b_err_sys(err, errno, "binding %s", sa.sun_path);
	return b_steal_fd(fd);
}

ssize_t b_notify_inbox_recv(int fd, char *buf, size_t size)
{
	for (;;) {
		/* Plain recv, no control buffer: the kernel closes any fds
		 * that came with the datagram rather than installing them. */
		ssize_t n = recv(fd, buf, size, MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* As systemd: an overlong datagram is dropped, not cut (a cut
		 * line could pass as another). */
		if (n == 0 || (size_t)n > size)
			continue;
		return n;
	}
}
