/* CVE-2019-5736: a container process that gets hold of /proc/PID/exe of a
 * runtime process could overwrite the host's runtime binary.  berth runs
 * every command that enters a container from a sealed, anonymous copy of
 * itself, so that link only ever leads to an unwritable memfd, unless the
 * binary already sits on a read-only mount: reopening the link for
 * writing then fails with EROFS, and a container cannot remount a mount of
 * the host's mount namespace (crun makes the same exception).  That saves
 * the copy and the re-exec, about a fifth of a container start. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "internal.h"

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

int rt_ensure_sealed_self(char **argv, char **envp, struct b_err *err)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int mfd = -1;
	struct statfs sfs;
	struct stat st;
	off_t off = 0;
	int seals;

	if (self < 0)
		return b_err_sys(err, errno, "opening /proc/self/exe");
	seals = fcntl(self, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS)
		return 0;
	if (fstatfs(self, &sfs) == 0 && (sfs.f_flags & ST_RDONLY))
		return 0;
	if (fstat(self, &st) < 0)
		return b_err_sys(err, errno, "stat /proc/self/exe");
	mfd = memfd_create("berth", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return b_err_sys(err, errno, "memfd_create");
	while (off < st.st_size) {
		ssize_t n = sendfile(mfd, self, &off, (size_t)(st.st_size - off));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return b_err_sys(err, n < 0 ? errno : EIO, "copying the berth binary");
	}
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		return b_err_sys(err, errno, "sealing the berth copy");
	fexecve(mfd, argv, envp);
	return b_err_sys(err, errno, "re-executing from the sealed copy");
}
