/* `berth run` under systemd (Type=notify): the container's sd_notify
 * messages, filtered and passed on to berth's own $NOTIFY_SOCKET. */
#pragma once

#include <stddef.h>

#include "common/error.h"

/* When $NOTIFY_SOCKET is set: create <root>/.notify.<id>/notify.sock
 * (the directory goes to the container, see rt_create_opts.notify_dir),
 * *fd = its socket and `dir` = the directory; otherwise *fd = -1, dir "".
 * Returns 0 or a negative errno. */
int run_notify_relay_open(const char *root, const char *id, char *dir, size_t size, int *fd,
			  struct b_err *err);
/* Pass on to $NOTIFY_SOCKET what the container sent and the filter allows
 * (common/notify_filter.h, B_NOTIFY_RUN). */
void run_notify_relay_pump(int fd);
void run_notify_relay_close(int fd, const char *dir);
