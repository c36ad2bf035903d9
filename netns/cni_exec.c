/* One CNI plugin exec.  The plugin gets a clean environment (the CNI_*
 * variables and a PATH with the sbin directories, where the reference
 * plugins look for iptables), its config on stdin, and a deadline: at it,
 * its whole process group (the IPAM plugin and iptables it runs) is killed,
 * as libcni itself has no timeout and hung plugins are a known way for a
 * runtime to hang (cni#567, plugins#561). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "netns/cni_run.h"

#define OUT_MAX (1 << 20)    /* a result is a few KB; more is a broken plugin */
#define SBIN_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cni_find_plugin(const struct cni_opts *o, const char *type, char *buf, size_t size,
		    struct b_err *err)
{
	const char *path = o->plugin_path ? o->plugin_path : CNI_DEFAULT_PLUGIN_PATH;
	const char *p = path;
	struct stat st;

	/* A regular file, as libcni's FindInPath wants: a directory of that
	 * name passes access(X_OK) but must not hide the plugin further on. */
	while (*p) {
		size_t n = strcspn(p, ":");

		if (n && (size_t)snprintf(buf, size, "%.*s/%s", (int)n, p, type) < size &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 0;
		p += n + (p[n] == ':');
	}
	return b_err_set(err, ENOENT, "CNI plugin \"%s\" not found in %s", type, path);
}

/* The child's environment: nothing of berth's own, so a plugin behaves
 * the same whoever started the pod. */
static char **child_env(const struct cni_opts *o, const struct cni_exec_req *q)
{
	const struct cni_attachment *at = q->at;
	char **env = calloc(8, sizeof(*env));
	int k = 0;

	if (!env)
		return NULL;
	if (asprintf(&env[k++], "CNI_COMMAND=%s", q->command) < 0 ||
	    asprintf(&env[k++], "CNI_PATH=%s", o->plugin_path ? o->plugin_path
							       : CNI_DEFAULT_PLUGIN_PATH) < 0 ||
	    asprintf(&env[k++], "PATH=%s", SBIN_PATH) < 0)
		return NULL;   /* the child exits; nothing to free */
	if (at && (asprintf(&env[k++], "CNI_CONTAINERID=%s", at->container_id) < 0 ||
		   asprintf(&env[k++], "CNI_NETNS=%s", at->netns ? at->netns : "") < 0 ||
		   asprintf(&env[k++], "CNI_IFNAME=%s", at->ifname) < 0 ||
		   asprintf(&env[k++], "CNI_ARGS=%s", at->args ? at->args : "") < 0))
		return NULL;
	return env;
}

/* In the child: pipes onto 0, 1, 2, a process group of its own (the
 * deadline kills it whole), the default signal mask (the supervisor blocks
 * SIGTERM and SIGCHLD), no other fd. */
__attribute__((noreturn)) static void child(const char *exe, const struct cni_opts *o,
					    const struct cni_exec_req *q, int in, int out, int errp)
{
	char *argv[] = { (char *)q->plugin, NULL };
	char **env = child_env(o, q);
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	if (!env || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errp, 2) < 0)
		_exit(127);
	syscall(SYS_close_range, 3U, ~0U, 0U);
	execve(exe, argv, env);
	_exit(127);
}

struct io {
	int in, out, err;            /* our ends, -1 once done */
	const char *input;
	size_t input_len, input_off;
	char *buf[2];
	size_t len[2];
};

static void io_close(struct io *io)
{
	int *fds[] = { &io->in, &io->out, &io->err };

	for (size_t i = 0; i < B_ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* Append what one of stdout/stderr has; false at EOF or on error. */
static bool io_read(struct io *io, int which, int fd)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	char *nb;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (io->len[which] + (size_t)n > OUT_MAX)
		return true;   /* keep draining, drop the excess */
	nb = realloc(io->buf[which], io->len[which] + (size_t)n + 1);
	if (!nb)
		return false;
	memcpy(nb + io->len[which], chunk, (size_t)n);
	io->buf[which] = nb;
	io->len[which] += (size_t)n;
	nb[io->len[which]] = '\0';
	return true;
}

/* send(MSG_NOSIGNAL) on a socketpair: a plugin that exits without
 * reading its stdin must not kill us with SIGPIPE, whatever the caller's
 * signal disposition. */
static void io_write(struct io *io)
{
	ssize_t n = send(io->in, io->input + io->input_off, io->input_len - io->input_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0 || (io->input_off += (size_t)n) == io->input_len) {
		close(io->in);
		io->in = -1;
	}
}

/* Feed stdin and drain stdout/stderr until the plugin exits (its pidfd)
 * and both pipes are closed, or the deadline.  Returns false at the
 * deadline. */
static bool io_pump(struct io *io, int pidfd, int64_t deadline)
{
	bool exited = false;

	while (!exited || io->out >= 0 || io->err >= 0) {
		struct pollfd p[4] = { { io->in, POLLOUT, 0 }, { io->out, POLLIN, 0 },
				       { io->err, POLLIN, 0 }, { exited ? -1 : pidfd, POLLIN, 0 } };
		int64_t left = deadline - now_ms();
		int *fds[] = { &io->out, &io->err };

		if (left <= 0)
			return false;
		/* A grandchild may keep a pipe open after the plugin exited:
		 * then only what is already there is read. */
		if (poll(p, 4, exited ? 0 : (int)(left > INT_MAX ? INT_MAX : left)) < 0 &&
		    errno != EINTR)
			return false;
		if (p[0].revents)
			io_write(io);
		for (int w = 0; w < 2; w++)
			if (p[w + 1].revents && !io_read(io, w, *fds[w])) {
				close(*fds[w]);
				*fds[w] = -1;
			}
		if (exited && !(p[1].revents | p[2].revents))
			break;
		if (p[3].revents)
			exited = true;
	}
	return true;
}

/* One line of text for a message: control characters become spaces, cut
 * at `max` bytes. */
static void one_line(char *dst, size_t size, const char *src, size_t max)
{
	size_t k = 0;

	while (src && *src && (*src == ' ' || *src == '\n' || *src == '\t'))
		src++;
	for (; src && *src && k + 1 < size && k < max; src++)
		dst[k++] = (unsigned char)*src < 0x20 ? ' ' : *src;
	while (k && dst[k - 1] == ' ')
		k--;
	dst[k] = '\0';
}

/* The plugin failed: its error object (on stdout, where the reference
 * plugins print it, although the spec says stderr), else its stderr. */
static int failure(const struct cni_exec_req *q, int status, const struct io *io,
		   struct b_err *err)
{
	struct cni_error ce;
	char text[400];

	if (io->buf[0] && cni_error_parse(io->buf[0], io->len[0], &ce) == 0)
		return b_err_set(err, EIO, "CNI plugin %s %s failed: %s%s%s (CNI error code %u)",
				 q->plugin, q->command, ce.msg, ce.details[0] ? ": " : "",
				 ce.details, ce.code);
	one_line(text, sizeof(text), io->buf[1] ? io->buf[1] : io->buf[0], 300);
	if (WIFSIGNALED(status))
		return b_err_set(err, EIO, "CNI plugin %s %s was killed by signal %d%s%s", q->plugin,
				 q->command, WTERMSIG(status), text[0] ? ": " : "", text);
	return b_err_set(err, EIO, "CNI plugin %s %s failed (exit status %d)%s%s", q->plugin,
			 q->command, WEXITSTATUS(status), text[0] ? ": " : "", text);
}

static int start(const char *exe, const struct cni_opts *o, const struct cni_exec_req *q,
		 struct io *io, pid_t *pid, struct b_err *err)
{
	int p[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } }, r = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p[0]) < 0) {
		r = b_err_sys(err, errno, "CNI plugin %s: socketpair", q->plugin);
		goto out;
	}
	for (int i = 1; i < 3; i++)
		if (pipe2(p[i], O_CLOEXEC) < 0) {
			r = b_err_sys(err, errno, "CNI plugin %s: pipe", q->plugin);
			goto out;
		}
	*pid = fork();
	if (*pid < 0) {
		r = b_err_sys(err, errno, "CNI plugin %s: fork", q->plugin);
		goto out;
	}
	if (*pid == 0)
		child(exe, o, q, p[0][0], p[1][1], p[2][1]);
	setpgid(*pid, *pid);   /* as the child does: no window where a kill misses it */
	io->in = p[0][1];
	io->out = p[1][0];
	io->err = p[2][0];
	p[0][1] = p[1][0] = p[2][0] = -1;
	for (int fd = 0; fd < 3; fd++)
		fcntl(fd == 0 ? io->in : fd == 1 ? io->out : io->err, F_SETFL, O_NONBLOCK);
out:
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (p[i][j] >= 0)
				close(p[i][j]);
	return r;
}

static int reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int cni_exec(const struct cni_opts *o, const struct cni_exec_req *q, char **out,
	     size_t *out_len, struct b_err *err)
{
	int64_t timeout = o->timeout_ms > 0 ? o->timeout_ms : CNI_DEFAULT_TIMEOUT_MS;
	int64_t t0 = now_ms();
	struct io io = { -1, -1, -1, q->input, q->input_len, 0, { NULL, NULL }, { 0, 0 } };
	char exe[PATH_MAX];
	_cleanup_close_ int pidfd = -1;
	pid_t pid = -1;
	int r, status = 0, pidfd_errno;
	bool in_time;

	if ((r = cni_find_plugin(o, q->plugin, exe, sizeof(exe), err)) < 0)
		return r;
	if ((r = start(exe, o, q, &io, &pid, err)) < 0)
		return r;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	pidfd_errno = errno;
	in_time = pidfd >= 0 && io_pump(&io, pidfd, t0 + timeout);
	if (!in_time) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	io_close(&io);
	r = reap(pid, &status);
	if (o->trace)
		o->trace(o->ud, q->plugin, q->command, now_ms() - t0, status);
	if (r == 0 && !in_time)
		r = pidfd < 0 ? b_err_sys(err, pidfd_errno, "CNI plugin %s: pidfd_open", q->plugin)
			      : b_err_set(err, ETIMEDOUT, "CNI plugin %s %s did not finish within "
					  "%lld ms: killed it", q->plugin, q->command, (long long)timeout);
	else if (r < 0)
		r = b_err_sys(err, -r, "CNI plugin %s: waiting for it", q->plugin);
	else if (status != 0)
		r = failure(q, status, &io, err);
	if (r == 0) {
		*out = io.buf[0] ? io.buf[0] : strdup("");
		*out_len = io.len[0];
		io.buf[0] = NULL;
		if (!*out)
			r = b_err_set(err, ENOMEM, "out of memory");
	}
	free(io.buf[0]);
	free(io.buf[1]);
	return r;
}
