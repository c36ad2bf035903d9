/* Scope-bound release of fds, memory, FILEs and child processes. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static inline void b_freep(void *p)
{
	free(*(void **)p);
}

static inline void b_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void b_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void b_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* A child that must not outlive an early return: kill and reap it. */
static inline void b_kill_childp(pid_t *pid)
{
	if (*pid > 0) {
		int saved = errno;
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = saved;
	}
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(b_freep)
#define _cleanup_close_ _cleanup_(b_closep)
#define _cleanup_fclose_ _cleanup_(b_fclosep)
#define _cleanup_child_ _cleanup_(b_kill_childp)

/* Hand ownership out of a cleanup-guarded variable. */
#define b_steal_ptr(p) ({ __typeof__(p) _t = (p); (p) = NULL; _t; })
#define b_steal_fd(fd) ({ int _t = (fd); (fd) = -1; _t; })

#define B_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
