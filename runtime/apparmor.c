/* process.apparmorProfile: the process is confined by that (already
 * loaded) profile from its execve on, as runc does it: "exec PROFILE"
 * written to the task's own attr/apparmor/exec.  The file is always the
 * host's procfs, opened before the process can see the container's: a
 * container that mounted something over its /proc must not be able to
 * swallow the request and run unconfined. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "internal.h"

#define AA_ENABLED "/sys/module/apparmor/parameters/enabled"

static bool enabled(void)
{
	_cleanup_close_ int fd = open(AA_ENABLED, O_RDONLY | O_CLOEXEC);
	char c = 0;

	return fd >= 0 && read(fd, &c, 1) == 1 && c == 'Y';
}

int rt_apparmor_check(const char *profile, struct b_err *err)
{
	if (!profile || !*profile)
		return 0;
	if (strlen(profile) > 4000 || strchr(profile, '\n'))
		return b_err_set(err, EINVAL, "process.apparmorProfile: not a profile name");
	if (!enabled())
		return b_err_set(err, ENOTSUP,
				 "process.apparmorProfile \"%s\": AppArmor is not enabled on this host", profile);
	return 0;
}

int rt_apparmor_exec_profile(const char *profile, struct b_err *err)
{
	char buf[4096];
	int fd, n;
	ssize_t w;

	if (!profile || !*profile)
		return 0;
	/* The per-LSM file since Linux 5.1, the shared one before. */
	fd = open("/proc/thread-self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return b_err_sys(err, errno, "AppArmor profile %s: opening attr/exec", profile);
	n = snprintf(buf, sizeof(buf), "exec %s", profile);
	w = write(fd, buf, (size_t)n);
	close(fd);
	if (w != n)
		return b_err_sys(err, w < 0 ? errno : EIO,
				 "AppArmor profile %s: cannot change to it on exec (is it loaded?)", profile);
	return 0;
}
