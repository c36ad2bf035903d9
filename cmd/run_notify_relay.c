/* The container's READY=1, STATUS=, WATCHDOG=1, STOPPING=1, RELOADING=1,
 * ERRNO=... reach systemd through `berth run`, which is the unit's main
 * process (NotifyAccess=main accepts only its messages).  Because systemd
 * takes them as the unit's own, only what common/notify_filter.h allows
 * goes on: never MAINPID=, NOTIFYACCESS=, WATCHDOG_USEC=, FDSTORE=... */
#include "run_notify_relay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/fsutil.h"
#include "common/notify_filter.h"
#include "common/notify_inbox.h"
#include "common/sd_notify_client.h"

int run_notify_relay_open(const char *root, const char *id, char *dir, size_t size, int *out,
			  struct b_err *err)
{
	const char *env = getenv("NOTIFY_SOCKET");
	int fd;

	dir[0] = '\0';
	*out = -1;
	if (!env || !*env)
		return 0;
	if ((size_t)snprintf(dir, size, "%s/.notify.%s", root, id) >= size) {
		dir[0] = '\0';
		return b_err_set(err, ENAMETOOLONG, "notify socket path too long");
	}
	/* A run killed before it could clean up left this behind. */
	(void)b_rm_rf(dir);
	if ((fd = b_notify_inbox_open(dir, err)) < 0) {
		run_notify_relay_close(-1, dir);
		dir[0] = '\0';
		return fd;
	}
	*out = fd;
	return 0;
}

void run_notify_relay_pump(int fd)
{
	char buf[4096], out[4096];
	ssize_t n;

	while ((n = b_notify_inbox_recv(fd, buf, sizeof(buf))) > 0)
		if (b_notify_filter(B_NOTIFY_RUN, buf, (size_t)n, out, sizeof(out), NULL))
			b_sd_notify(out);
}

void run_notify_relay_close(int fd, const char *dir)
{
	if (fd >= 0)
		close(fd);
	if (dir && *dir)
		(void)b_rm_rf(dir);
}
