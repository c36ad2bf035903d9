/* Foreground waiting for `run` and `exec`: signals sent to berth go to the
 * container process, as with runc, and berth exits with its status. */
#include <errno.h>
#include <fcntl.h>
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

/* Move what is readable from `from` to `to` (blocking there); false at
 * EOF or error. */
static bool pump(int from, int to)
{
	char buf[8192];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
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

/* Input on its way from stdin to the pty.  stdin is read only once the
 * last read is all written, and the pty (O_NONBLOCK) is written only when
 * it takes more: a process that does not read its terminal while it
 * writes to it must not block the relay of its output (a blocking write
 * would: both sides wait for each other). */
struct pty_in {
	char buf[8192];
	size_t off, len;
	char last;           /* the last byte read, for the end below */
	bool open;           /* stdin not at its end yet */
};

/* A stdin that is not a terminal ended (`echo x | berth run` with
 * terminal: true): the process reads a pty, which has no end of its own,
 * so it gets the terminal's end-of-file character, as a user would type
 * it: twice after an unfinished line (the first only ends the line). */
static void in_eof(struct pty_in *in, int master)
{
	struct termios t;
	char eof = tcgetattr(master, &t) == 0 && t.c_cc[VEOF] ? (char)t.c_cc[VEOF] : 4;

	in->open = false;
	in->off = in->len = 0;
	if (isatty(STDIN_FILENO))
		return;
	if (in->last && in->last != '\n')
		in->buf[in->len++] = eof;
	in->buf[in->len++] = eof;
}

static void in_read(struct pty_in *in, int master)
{
	ssize_t n = read(STDIN_FILENO, in->buf, sizeof(in->buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		in_eof(in, master);
		return;
	}
	in->off = 0;
	in->len = (size_t)n;
	in->last = in->buf[n - 1];
}

static void in_write(struct pty_in *in, int master)
{
	ssize_t w = write(master, in->buf + in->off, in->len - in->off);

	if (w > 0)
		in->off += (size_t)w;
	else if (w < 0 && errno != EINTR && errno != EAGAIN)
		in->off = in->len;   /* the terminal is gone: nobody to read it */
	if (in->off == in->len)
		in->off = in->len = 0;
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
	bool raw = false, out_open = master >= 0;
	struct pty_in in = { .open = master >= 0 && relay_stdin };
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
	if (master >= 0)
		fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	for (;;) {
		struct pollfd p[5] = {
			{ sfd, POLLIN, 0 }, { pidfd, POLLIN, 0 },
			{ in.open && !in.len ? STDIN_FILENO : -1, POLLIN, 0 },
			{ out_open || in.len ? master : -1, (out_open ? POLLIN : 0) | (in.len ? POLLOUT : 0), 0 },
			{ notify_fd, POLLIN, 0 },
		};
		struct signalfd_siginfo si;
		int n = poll(p, 5, pidfd >= 0 ? -1 : 100);

		if (n < 0 && errno != EINTR)
			break;
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR))
			in_read(&in, master);
		if (in.len && (p[3].revents & (POLLOUT | POLLHUP | POLLERR)))
			in_write(&in, master);
		if (out_open && (p[3].revents & (POLLIN | POLLHUP | POLLERR)))
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
