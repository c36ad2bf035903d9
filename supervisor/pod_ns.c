/* The pod's shared namespaces, held by the supervisor as open fds (no
 * pause container).  A short-lived child creates them; the supervisor
 * opens its /proc/PID/ns links and lets it go. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "netns/netns.h"
#include "supervisor/supervisor.h"

void sv_ns_close(struct sv_pod_ns *ns)
{
	int *fds[] = { &ns->net, &ns->ipc, &ns->uts };

	for (size_t i = 0; i < B_ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* Child: unshare, configure, report one status byte (0 = ready, else an
 * errno), then wait for the parent to kill it. */
__attribute__((noreturn)) static void holder(int flags, const char *hostname, int wfd)
{
	struct b_err e = { 0 };
	unsigned char st = 0;

	if (unshare(flags) < 0)
		st = (unsigned char)errno;
	else if ((flags & CLONE_NEWUTS) && sethostname(hostname, strlen(hostname)) < 0)
		st = (unsigned char)errno;
	else if ((flags & CLONE_NEWNET) && ns_loopback_up(&e) < 0)
		st = (unsigned char)(e.code ? e.code : EIO);
	if (write(wfd, &st, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static int open_ns(pid_t pid, const char *name, int *fd, struct b_err *err)
{
	char p[64];

	snprintf(p, sizeof(p), "/proc/%d/ns/%s", (int)pid, name);
	*fd = open(p, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return b_err_sys(err, errno, "opening %s", p);
	return 0;
}

int sv_ns_create(const struct pod_spec *pod, struct sv_pod_ns *ns, struct b_err *err)
{
	int flags = 0, pfd[2], r = 0;
	unsigned char st;
	_cleanup_child_ pid_t pid = -1;
	ssize_t n;

	*ns = (struct sv_pod_ns){ -1, -1, -1 };
	/* As in Kubernetes, a hostNetwork pod also has the node's hostname. */
	if (!pod->host_network)
		flags |= CLONE_NEWNET | CLONE_NEWUTS;
	if (!pod->host_ipc)
		flags |= CLONE_NEWIPC;
	if (!flags)
		return 0;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return b_err_sys(err, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		r = b_err_sys(err, errno, "fork");
		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	if (pid == 0) {
		close(pfd[0]);
		holder(flags, pod->hostname ? pod->hostname : pod->name, pfd[1]);
	}
	close(pfd[1]);
	do
		n = read(pfd[0], &st, 1);
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n != 1)
		return b_err_set(err, EIO, "creating the pod namespaces: the helper process died");
	if (st)
		return b_err_sys(err, st, "creating the pod's network/IPC/UTS namespaces");
	if ((flags & CLONE_NEWNET) && (r = open_ns(pid, "net", &ns->net, err)) < 0)
		goto fail;
	if ((flags & CLONE_NEWIPC) && (r = open_ns(pid, "ipc", &ns->ipc, err)) < 0)
		goto fail;
	if ((flags & CLONE_NEWUTS) && (r = open_ns(pid, "uts", &ns->uts, err)) < 0)
		goto fail;
	return 0;   /* the cleanup kills and reaps the holder */
fail:
	sv_ns_close(ns);
	return r;
}
