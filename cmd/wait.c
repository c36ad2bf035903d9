/* Foreground waiting for `run` and `exec`: signals sent to berth go to the
 * container process, as with runc, and berth exits with its status. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "run_notify_relay.h"

static int status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static void copy_winsize(int master)
{
	struct winsize ws;

	if (master >= 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* Move what is readable from `from` to `to`; false at EOF or error.
 * *last: the last byte moved (for stdin_eof), may be NULL. */
static bool pump_last(int from, int to, char *last)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (last)
		*last = buf[n - 1];
	for (ssize_t off = 0; off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		off += w;
	}
	return true;
}

static bool pump(int from, int to)
{
	return pump_last(from, to, NULL);
}

/* A stdin that is not a terminal ended (`echo x | berth run` with
 * terminal: true): the process reads a pty, which has no end of its own,
 * so it gets the terminal's end-of-file character, as a user would type
 * it: twice after an unfinished line (the first only ends the line). */
static void stdin_eof(int master, char last)
{
	struct termios t;
	char eof = tcgetattr(master, &t) == 0 && t.c_cc[VEOF] ? (char)t.c_cc[VEOF] : 4;

	if (isatty(STDIN_FILENO))
		return;
	if (last && last != '\n')
		(void)!write(master, &eof, 1);
	(void)!write(master, &eof, 1);
}

/* Every signal berth forwards: all but the ones that report its own
 * faults. */
static void forwarded(sigset_t *all)
{
	sigfillset(all);
	sigdelset(all, SIGSEGV);
	sigdelset(all, SIGBUS);
	sigdelset(all, SIGILL);
	sigdelset(all, SIGFPE);
}

void cli_signals_hold(sigset_t *old)
{
	sigset_t all;

	forwarded(&all);
	sigprocmask(SIG_BLOCK, &all, old);
}

int cli_wait_forward(pid_t pid, int pidfd, bool reap_orphans, int master, int notify_fd,
		     bool relay_stdin)
{
	sigset_t all, old;
	struct termios saved;
	bool raw = false, in_open = master >= 0 && relay_stdin, out_open = master >= 0;
	char last_in = 0;
	int sfd, status = 0;

	forwarded(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
	if (master >= 0 && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
		copy_winsize(master);
	}
	for (;;) {
		struct pollfd p[5] = {
			{ sfd, POLLIN, 0 }, { pidfd, POLLIN, 0 },
			{ in_open ? STDIN_FILENO : -1, POLLIN, 0 }, { out_open ? master : -1, POLLIN, 0 },
			{ notify_fd, POLLIN, 0 },
		};
		struct signalfd_siginfo si;
		int n = poll(p, 5, pidfd >= 0 ? -1 : 100);

		if (n < 0 && errno != EINTR)
			break;
		if ((p[2].revents & (POLLIN | POLLHUP)) && !(in_open = pump_last(STDIN_FILENO, master, &last_in)))
			stdin_eof(master, last_in);
		if (p[3].revents & (POLLIN | POLLHUP))
			out_open = pump(master, STDOUT_FILENO);
		if (p[4].revents & POLLIN)
			run_notify_relay_pump(notify_fd);
		while (sfd >= 0 && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				continue;
			if (si.ssi_signo == SIGWINCH && master >= 0) {
				copy_winsize(master);
				continue;
			}
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
	/* Output still buffered in the pty after the process exited. */
	while (out_open) {
		struct pollfd p = { master, POLLIN, 0 };
		if (poll(&p, 1, 0) <= 0 || !pump(master, STDOUT_FILENO))
			break;
	}
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status_code(status);
}
