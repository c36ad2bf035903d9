/* berth's own fds and the --preserve-fds range. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "internal.h"
#include "syscalls.h"

/* A ceiling for the slow pass when no procfs lists our fds: the kernel's
 * default fs.nr_open. */
#define CLOEXEC_SCAN_MAX (1 << 20)

/* Keep berth's own fds out of the range handed to the container. */
int rt_lift_fd(int *fd, int min)
{
	int n;

	if (*fd < 0 || *fd >= min)
		return 0;
	n = fcntl(*fd, F_DUPFD_CLOEXEC, min);
	if (n < 0)
		return -errno;
	close(*fd);
	*fd = n;
	return 0;
}

static void set_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl >= 0 && !(fl & FD_CLOEXEC))
		(void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

/* Only a real procfs says which fds are open: a rootfs without /proc
 * mounted could hold a /proc/self/fd of its own making. */
static int cloexec_listed(int first)
{
	struct statfs sfs;
	struct dirent *e;
	DIR *d;
	int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dfd < 0)
		return -errno;
	if (fstatfs(dfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC || !(d = fdopendir(dfd))) {
		close(dfd);
		return -ENOENT;
	}
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (end != e->d_name && !*end && fd >= first && fd != dfd)
			set_cloexec((int)fd);
	}
	closedir(d);
	return 0;
}

/* No fd can be numbered at or above the hard limit it was opened under; a
 * limit lowered since is the case this cannot see. */
static void cloexec_scan(int first)
{
	struct rlimit rl;
	long last = CLOEXEC_SCAN_MAX;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    rl.rlim_max < (rlim_t)last)
		last = (long)rl.rlim_max;
	for (long fd = first; fd < last; fd++)
		set_cloexec((int)fd);
}

void rt_cloexec_from(int first)
{
	/* CLOSE_RANGE_CLOEXEC is Linux 5.11 (ENOSYS before 5.9, EINVAL on
	 * 5.9 and 5.10), and a seccomp filter may refuse close_range. */
	if (b_close_range((unsigned)first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	if (cloexec_listed(first) < 0)
		cloexec_scan(first);
}
