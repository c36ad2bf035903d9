/* The sd_notify(3) client: berth telling systemd something about itself
 * through $NOTIFY_SOCKET (the relays of a container's messages receive
 * with common/notify_inbox.h and send with this). */
#pragma once

/* Send `msg` (one or more "KEY=VALUE" lines) to $NOTIFY_SOCKET ("@name"
 * for an abstract socket).  Never blocks: a listener that stopped reading
 * loses the message rather than stalling the sender.  No-op when unset. */
void b_sd_notify(const char *msg);
