/* Foreground waiting for `run` and `exec`: signals sent to berth go to the
 * container process, as with runc, and berth exits with its status. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static int status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int cli_wait_forward(pid_t pid, int pidfd, bool reap_orphans)
{
	sigset_t all, old;
	int sfd, status = 0;

	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGFPE);
	sigprocmask(SIG_BLOCK, &all, &old);
	sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = { { sfd, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		struct signalfd_siginfo si;
		int n = poll(p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 100);

		if (n < 0 && errno != EINTR)
			break;
		while (sfd >= 0 && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				continue;
			kill(pid, (int)si.ssi_signo);
		}
		/* Reap whatever exited; with a subreaper role that includes
		 * orphans of the container. */
		for (;;) {
			int st;
			pid_t w = waitpid(reap_orphans ? -1 : pid, &st, WNOHANG);
			if (w <= 0)
				break;
			if (w == pid) {
				status = st;
				goto done;
			}
		}
	}
done:
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status_code(status);
}
