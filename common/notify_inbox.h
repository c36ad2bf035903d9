/* The socket a container's sd_notify(3) messages arrive at, before a relay
 * (`berth run` in cmd/run_notify_relay.c, the pod supervisor in
 * supervisor/sv_notify_relay.c) filters them (common/notify_filter.h) and
 * passes them on.  The container is given the directory, bind-mounted, with
 * NOTIFY_SOCKET pointing at B_NOTIFY_INBOX_SOCK inside it. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* The socket's name inside the directory. */
#define B_NOTIFY_INBOX_SOCK "notify.sock"

/* Create `dir` (mode 0755) and bind a datagram socket at
 * dir/B_NOTIFY_INBOX_SOCK that any user may send to.  The socket is
 * non-blocking and close-on-exec.  Returns it, or a negative errno with
 * `err` filled. */
int b_notify_inbox_open(const char *dir, struct b_err *err);

/* The next waiting datagram, into `buf`: returns its length (> 0), or a
 * negative errno once nothing is waiting (-EAGAIN) or the socket fails.
 * Empty datagrams and those longer than `size` are skipped whole, and any
 * fds or credentials sent along are not taken. */
ssize_t b_notify_inbox_recv(int fd, char *buf, size_t size);
