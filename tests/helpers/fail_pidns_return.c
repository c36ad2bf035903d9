/* LD_PRELOAD shim for the pod supervisor's fatal path (t_pod_probes.sh):
 * the way back from a container's pid namespace fails.  Of the
 * setns(fd, CLONE_NEWPID) calls a process makes, the odd ones join a
 * container's namespace for an exec and pass; the even ones would come
 * back, and fail with EPERM without being made, so the process really is
 * left in the container's namespace, as after a real failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

int setns(int fd, int nstype)
{
	static unsigned calls;

	if (nstype == CLONE_NEWPID && ++calls % 2 == 0) {
		errno = EPERM;
		return -1;
	}
	return (int)syscall(SYS_setns, fd, nstype);
}
