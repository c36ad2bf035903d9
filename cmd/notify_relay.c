/* The container's READY=1, STATUS=, WATCHDOG=1, STOPPING=1, RELOADING=1,
 * ERRNO=... reach systemd through `berth run`, which is the unit's main
 * process (NotifyAccess=main accepts only its messages).  Because systemd
 * takes them as the unit's own, only what common/notify_filter.h allows
 * goes on: never MAINPID=, NOTIFYACCESS=, WATCHDOG_USEC=, FDSTORE=... */
#include "notify_relay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/notify_filter.h"
#include "common/sdnotify.h"

int notify_relay_open(const char *root, const char *id, char *dir, size_t size, int *out,
		      struct b_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *env = getenv("NOTIFY_SOCKET");
	int fd, r;

	dir[0] = '\0';
	*out = -1;
	if (!env || !*env)
		return 0;
	if ((size_t)snprintf(dir, size, "%s/.notify.%s", root, id) >= size ||
	    (size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify.sock", dir) >=
	    sizeof(sa.sun_path)) {
		dir[0] = '\0';
		return b_err_set(err, ENAMETOOLONG, "notify socket path too long");
	}
	(void)b_rm_rf(dir);
	if ((r = b_mkdir_p(dir, 0755)) < 0) {
		dir[0] = '\0';
		return b_err_sys(err, -r, "creating the notify socket directory");
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0666) < 0) {
		r = b_err_sys(err, errno, "notify socket %s", sa.sun_path);
		notify_relay_close(fd, dir);
		dir[0] = '\0';
		return r;
	}
	*out = fd;
	return 0;
}

void notify_relay_pump(int fd)
{
	char buf[4096], out[4096];

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		/* As systemd: an overlong datagram is dropped, not cut (a cut
		 * line could pass as another). */
		if (n == 0 || (size_t)n > sizeof(buf))
			continue;
		if (b_notify_filter(B_NOTIFY_RUN, buf, (size_t)n, out, sizeof(out), NULL))
			b_sd_notify(out);
	}
}

void notify_relay_close(int fd, const char *dir)
{
	if (fd >= 0)
		close(fd);
	if (dir && *dir)
		(void)b_rm_rf(dir);
}
