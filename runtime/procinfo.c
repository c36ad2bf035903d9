/* A process as /proc/PID/stat tells it: its start time, so a reused pid
 * is never mistaken for the container's. */
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "internal.h"

uint64_t rt_proc_start_time(pid_t pid)
{
	char path[64];
	_cleanup_free_ char *buf = NULL;
	const char *p;
	unsigned long long v = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (b_read_file(path, 0, &buf, NULL) < 0)
		return 0;
	/* comm may contain spaces and parens: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* field 3 is state; starttime is field 22 → 19 more after state. */
	if (sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
		   &v) != 1)
		return 0;
	return v;
}

bool rt_proc_alive(pid_t pid, uint64_t start_time)
{
	char path[64];
	_cleanup_free_ char *buf = NULL;
	const char *p;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (b_read_file(path, 0, &buf, NULL) < 0)
		return false;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return false;
	return start_time == 0 || rt_proc_start_time(pid) == start_time;
}
