/* Sending to systemd's notification socket ($NOTIFY_SOCKET). */
#pragma once

/* Send `msg` (one or more "KEY=VALUE" lines) to $NOTIFY_SOCKET ("@name"
 * for an abstract socket).  Never blocks: a listener that stopped reading
 * loses the message rather than stalling the sender.  No-op when unset. */
void b_sd_notify(const char *msg);
