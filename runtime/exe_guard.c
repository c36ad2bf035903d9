/* CVE-2019-5736: the execve() that starts a container's process must not
 * be made by a process whose /proc/PID/exe is berth's file on the host.
 * To the kernel "/proc/self/exe" then means that file, so an image whose
 * entry point is a script with the interpreter /proc/self/exe gets berth
 * to run inside the container, where the container's own libraries (or
 * LD_PRELOAD) can hold the file open and write to it once berth exits.
 *
 * The cheap way (rt_exe_guard_prepare picks): the parent hands the init a
 * sealed memfd holding the exec stub (runtime/stub/stub.c, about 1 KB),
 * and the init execs the stub, which execs the process.  That costs one
 * page of copying and the start of a program without libc.  When a second
 * execve could change what the process ends up with, berth re-execs
 * itself from a sealed copy instead (the older, dearer protection: a copy
 * of berth and a second glibc start), before anything has been made:
 *  - a non-root process whose permitted capabilities are not all ambient:
 *    after the stub's execve its permitted set is the ambient one, and
 *    file capabilities of the real executable, under no_new_privs, are
 *    capped by that smaller set (runc met this with its runc-dmz);
 *  - CAP_SYS_PTRACE in the container: its processes may reach berth's
 *    processes that join it (as runc decided for runc-dmz);
 *  - an AppArmor profile: it applies from the stub's execve on, and
 *    whether a profile lets its task exec a memfd is the profile's choice;
 *  - a joined pid namespace: other containers' processes see berth's;
 *  - a seccomp profile that does not plainly allow what the init and the
 *    stub call under it (execveat, prctl, fcntl, write, close, exit_group);
 *  - a container whose config is not known (exec).
 * Nothing to do when berth already runs from a sealed copy or a read-only
 * mount (rt_self_exe_protected).  Where memfds may not be executed
 * (vm.memfd_noexec=2) neither way works, and create says so. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "internal.h"
#include "runtime/stub/blob.h"
#include "runtime/stub/proto.h"

_Static_assert(RT_STUB_SYNC_EXEC_ERROR == RT_SYNC_EXEC_ERROR, "the stub's message type");

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3; older headers lack it */
#endif

static bool may_ptrace(const struct oci_process *p)
{
	/* Without a capabilities object the process keeps berth's: all. */
	return !p || !p->capabilities || (p->capabilities->bounding & (1ULL << CAP_SYS_PTRACE));
}

static bool allow_action(enum oci_seccomp_action a)
{
	return a == OCI_SCMP_ACT_ALLOW || a == OCI_SCMP_ACT_LOG;
}

/* Whether the profile lets name through whatever its arguments. */
static bool seccomp_allows(const struct oci_seccomp *sc, const char *name)
{
	bool named = false;

	for (size_t i = 0; i < sc->n_syscalls; i++) {
		const struct oci_seccomp_syscall *e = &sc->syscalls[i];

		for (char **n = e->names; *n; n++) {
			if (strcmp(*n, name))
				continue;
			if (e->n_args || !allow_action(e->action))
				return false;
			named = true;
		}
	}
	return named || allow_action(sc->default_action);
}

/* What the init and the stub do under the container's filter. */
static const char *const stub_syscalls[] = { "execveat", "prctl", "fcntl", "write", "close",
					     "exit_group" };

static const char *seccomp_refuses_stub(const struct oci_seccomp *sc)
{
	for (size_t i = 0; sc && i < B_ARRAY_SIZE(stub_syscalls); i++)
		if (!seccomp_allows(sc, stub_syscalls[i]))
			return stub_syscalls[i];
	return NULL;
}

const char *rt_exe_stub_unusable(const struct oci_process *p, const struct oci_config *cfg)
{
	const struct oci_namespace *pid;

	if (rt_stub_elf_len == 0)
		return "no exec stub on this architecture";
	if (!cfg)
		return "the container's config is not known";
	if (p->apparmor_profile)
		return "the process has an AppArmor profile";
	if (may_ptrace(p) || may_ptrace(cfg->process))
		return "the container may have CAP_SYS_PTRACE";
	pid = oci_config_ns(cfg, OCI_NS_PID);
	if (pid && pid->path)
		return "the pid namespace is joined: processes of other containers may reach berth's";
	if (p->user.uid != 0 && p->capabilities &&
	    p->capabilities->permitted != p->capabilities->ambient)
		return "a non-root process with permitted capabilities that are not ambient";
	if (seccomp_refuses_stub(cfg->linux.seccomp))
		return "the seccomp profile does not allow all of execveat, prctl, fcntl, write, close and exit_group";
	return NULL;
}

int rt_memfd_sealed(const char *name, const void *data, size_t len, int src_fd, struct b_err *err)
{
	_cleanup_close_ int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	off_t off = 0;

	/* Kernels before 6.3 know no MFD_EXEC, and make memfds executable. */
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return b_err_sys(err, errno, "memfd_create (is vm.memfd_noexec 2?)");
	while ((size_t)off < len) {
		ssize_t n = data ? pwrite(fd, (const char *)data + off, len - (size_t)off, off)
				 : sendfile(fd, src_fd, &off, len - (size_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return b_err_sys(err, n < 0 ? errno : EIO, "filling the %s memfd", name);
		if (data)
			off += n;
	}
	if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
		return b_err_sys(err, errno, "sealing the %s memfd", name);
	return b_steal_fd(fd);
}

int rt_exe_guard_prepare(const struct rt_ctx *ctx, const struct oci_process *p,
			 const struct oci_config *cfg, int *stub_fd, struct b_err *err)
{
	const char *why;
	int fd;

	*stub_fd = -1;
	if (rt_self_exe_protected())
		return 0;
	why = rt_exe_stub_unusable(p, cfg);
	if (!why) {
		fd = rt_memfd_sealed("berth-exec-stub", rt_stub_elf, rt_stub_elf_len, -1, err);
		if (fd >= 0) {
			*stub_fd = fd;
			return 0;
		}
		why = err->msg;
	}
	rt_logf(ctx, RT_LOG_DEBUG, "re-executing from a sealed copy of berth: %s", why);
	if (!ctx || !ctx->reexec_argv)
		return b_err_set(err, EPERM, "cannot keep berth's binary out of the container's reach: %s", why);
	return rt_ensure_sealed_self(ctx->reexec_argv, ctx->reexec_envp, err);
}

/* Hand err_fd to the stub (across one execve); "-1" if even that fails. */
static void stub_err_fd(int err_fd, char *buf, size_t size)
{
	int fl = err_fd >= 0 ? fcntl(err_fd, F_GETFD) : -1;

	if (fl < 0 || fcntl(err_fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
		err_fd = -1;
	snprintf(buf, size, "%d", err_fd);
}

int rt_guarded_execve(int stub_fd, int err_fd, const char *exe, char *const argv[],
		      char *const envp[])
{
	char fdbuf[16];
	char **sargv;
	size_t n = 0;
	int e;

	if (stub_fd < 0) {
		execve(exe, argv, envp);
		return -errno;
	}
	while (argv[n])
		n++;
	sargv = calloc(n + 4, sizeof(*sargv));
	if (!sargv)
		return -ENOMEM;
	stub_err_fd(err_fd, fdbuf, sizeof(fdbuf));
	sargv[0] = (char *)RT_STUB_ARGV0;
	sargv[1] = fdbuf;
	sargv[2] = (char *)exe;
	memcpy(sargv + 3, argv, n * sizeof(*sargv));
	/* Not execve("/proc/self/fd/N"), should this fail: in an exec child
	 * that /proc is the container's, which could name any file. */
	syscall(SYS_execveat, stub_fd, "", sargv, envp, AT_EMPTY_PATH);
	e = errno;
	if (err_fd >= 0)
		fcntl(err_fd, F_SETFD, FD_CLOEXEC);
	free(sargv);
	return -e;
}
