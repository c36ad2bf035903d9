/* One line of runc's log (what `--log` and `--log-format` produce, and
 * what containerd and conmon read back): JSON {"level","msg","time"}, or
 * logrus's text form  time="…" level=… msg="…". */
#pragma once

#include <stdbool.h>

/* The line, '\n' included, malloc'd; NULL when out of memory.  Bytes of
 * msg that are not UTF-8 appear as the text \xNN, so the line is always
 * valid UTF-8 (and, with json, valid JSON). */
char *logline_format(bool json, const char *level, const char *msg, const char *time);
