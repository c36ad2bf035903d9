/* OCI mount option strings → mount(2)/mount_setattr(2) flags, following the
 * option names runc and crun accept. */
#include <errno.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "internal.h"

struct opt {
	const char *name;
	bool clear;          /* clears the flag instead of setting it */
	unsigned long flag;
};

static const struct opt flag_opts[] = {
	{ "defaults", false, 0 },
	{ "ro", false, MS_RDONLY }, { "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID }, { "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV }, { "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC }, { "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS }, { "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },
	{ "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK }, { "nomand", true, MS_MANDLOCK },
	{ "noatime", false, MS_NOATIME }, { "atime", true, MS_NOATIME },
	{ "nodiratime", false, MS_NODIRATIME }, { "diratime", true, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME }, { "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true, MS_STRICTATIME },
	{ "lazytime", false, MS_LAZYTIME }, { "nolazytime", true, MS_LAZYTIME },
	{ "silent", false, MS_SILENT }, { "loud", true, MS_SILENT },
};

static const struct opt prop_opts[] = {
	{ "private", false, MS_PRIVATE }, { "rprivate", false, MS_PRIVATE | MS_REC },
	{ "shared", false, MS_SHARED }, { "rshared", false, MS_SHARED | MS_REC },
	{ "slave", false, MS_SLAVE }, { "rslave", false, MS_SLAVE | MS_REC },
	{ "unbindable", false, MS_UNBINDABLE }, { "runbindable", false, MS_UNBINDABLE | MS_REC },
};

struct rec_opt {
	const char *name;
	bool clear;
	uint64_t attr;
};

static const struct rec_opt rec_opts[] = {
	{ "rro", false, MOUNT_ATTR_RDONLY }, { "rrw", true, MOUNT_ATTR_RDONLY },
	{ "rnosuid", false, MOUNT_ATTR_NOSUID }, { "rsuid", true, MOUNT_ATTR_NOSUID },
	{ "rnodev", false, MOUNT_ATTR_NODEV }, { "rdev", true, MOUNT_ATTR_NODEV },
	{ "rnoexec", false, MOUNT_ATTR_NOEXEC }, { "rexec", true, MOUNT_ATTR_NOEXEC },
	{ "rnodiratime", false, MOUNT_ATTR_NODIRATIME }, { "rdiratime", true, MOUNT_ATTR_NODIRATIME },
	{ "rrelatime", false, MOUNT_ATTR_RELATIME }, { "rnorelatime", true, MOUNT_ATTR_RELATIME },
	{ "rnoatime", false, MOUNT_ATTR_NOATIME }, { "ratime", true, MOUNT_ATTR_NOATIME },
	{ "rstrictatime", false, MOUNT_ATTR_STRICTATIME },
	{ "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW }, { "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW },
};

/* Options berth understands but that change nothing here. */
static const char *const ignored_opts[] = { "tmpcopyup", "notmpcopyup", "copy-symlink", "src-nofollow" };

static bool match_flag(const char *o, struct rt_mount_flags *f)
{
	for (size_t i = 0; i < sizeof(flag_opts) / sizeof(flag_opts[0]); i++) {
		if (strcmp(o, flag_opts[i].name))
			continue;
		if (flag_opts[i].clear) {
			f->flags &= ~flag_opts[i].flag;
			f->clear |= flag_opts[i].flag;
		} else {
			f->flags |= flag_opts[i].flag;
			f->clear &= ~flag_opts[i].flag;
		}
		return true;
	}
	for (size_t i = 0; i < sizeof(prop_opts) / sizeof(prop_opts[0]); i++) {
		if (!strcmp(o, prop_opts[i].name)) {
			f->propagation = prop_opts[i].flag;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof(rec_opts) / sizeof(rec_opts[0]); i++) {
		if (strcmp(o, rec_opts[i].name))
			continue;
		if (rec_opts[i].clear)
			f->rec_clr |= rec_opts[i].attr;
		else
			f->rec_set |= rec_opts[i].attr;
		return true;
	}
	for (size_t i = 0; i < sizeof(ignored_opts) / sizeof(ignored_opts[0]); i++)
		if (!strcmp(o, ignored_opts[i]))
			return true;
	return false;
}

static int append_data(struct rt_mount_flags *f, const char *o)
{
	size_t old = f->data ? strlen(f->data) : 0, add = strlen(o);
	char *n = realloc(f->data, old + add + 2);

	if (!n)
		return -ENOMEM;
	if (old)
		n[old++] = ',';
	memcpy(n + old, o, add + 1);
	f->data = n;
	return 0;
}

int rt_mount_flags_parse(char *const *options, struct rt_mount_flags *f, struct b_err *err)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; options && options[i]; i++) {
		const char *o = options[i];

		if (!strcmp(o, "bind")) {
			f->bind = true;
		} else if (!strcmp(o, "rbind")) {
			f->bind = f->rbind = true;
		} else if (!strcmp(o, "idmap") || !strcmp(o, "ridmap")) {
			rt_mount_flags_free(f);
			return b_err_set(err, ENOTSUP, "mount option \"%s\" (id-mapped mounts) is not supported by berth yet", o);
		} else if (!match_flag(o, f)) {
			if (append_data(f, o) < 0) {
				rt_mount_flags_free(f);
				return b_err_set(err, ENOMEM, "out of memory");
			}
		}
	}
	return 0;
}

void rt_mount_flags_free(struct rt_mount_flags *f)
{
	free(f->data);
	f->data = NULL;
}
