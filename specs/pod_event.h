/* One line of a pod's events.jsonl made readable for a terminal (`berth
 * pod events` on a tty): "16:15:46.123  web  exited  code=3 reason=Error". */
#pragma once

#include <stddef.h>

/* Into buf (always NUL-terminated); a line that is not an event object is
 * copied as it is.  Control bytes become spaces. */
void pod_event_human(const char *json, size_t len, char *buf, size_t size);
