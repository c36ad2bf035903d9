/* berth's own fds and the --preserve-fds range. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "internal.h"

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
