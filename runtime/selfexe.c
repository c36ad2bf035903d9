/* CVE-2019-5736, the older protection (runtime/exe_guard.c says when it is
 * still used): berth re-executes itself from a sealed, anonymous copy, so
 * /proc/PID/exe of every process of berth's that enters a container only
 * leads to an unwritable memfd.  Not needed when the binary sits on a
 * read-only mount: reopening the link for writing then fails with EROFS,
 * and a container cannot remount a mount of the host's mount namespace
 * (crun makes the same exception). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "internal.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool fd_protected(int self)
{
	struct statfs sfs;
	int seals = fcntl(self, F_GET_SEALS);

	if (seals >= 0 && (seals & SEALS) == SEALS)
		return true;
	return fstatfs(self, &sfs) == 0 && (sfs.f_flags & ST_RDONLY);
}

bool rt_self_exe_protected(void)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	return self >= 0 && fd_protected(self);
}

int rt_ensure_sealed_self(char **argv, char **envp, struct b_err *err)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int mfd = -1;
	struct stat st;

	if (self < 0)
		return b_err_sys(err, errno, "opening /proc/self/exe");
	if (fd_protected(self))
		return 0;
	if (fstat(self, &st) < 0)
		return b_err_sys(err, errno, "stat /proc/self/exe");
	mfd = rt_memfd_sealed("berth", NULL, (size_t)st.st_size, self, err);
	if (mfd < 0)
		return mfd;
	fflush(NULL);   /* what the caller's streams hold (--log) is not lost */
	fexecve(mfd, argv, envp);
	return b_err_sys(err, errno, "re-executing from the sealed copy");
}
