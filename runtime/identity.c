#include "identity.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"

/* The masks in struct oci_caps are 64 bits wide. */
#define MAX_CAP 63

_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits on Linux");

static inline void cap_freep(cap_t *c)
{
	if (*c)
		cap_free(*c);
}

static bool has_cap(uint64_t set, int cap)
{
	return (set >> cap) & 1;
}

/* "CAP_NET_BIND_SERVICE", or the number libcap falls back to for
 * capabilities it has no name for. */
static const char *cap_label(int cap, char *buf, size_t size)
{
	char *name = cap_to_name(cap);

	if (!name) {
		snprintf(buf, size, "capability %d", cap);
		return buf;
	}
	snprintf(buf, size, "%s", name);
	cap_free(name);
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return buf;
}

/* The highest capability the running kernel knows; it may be newer or
 * older than the libcap we were built against.  Asked of the kernel itself:
 * /proc/sys/kernel/cap_last_cap may be the container's file by now, and a
 * fake 0 there would keep every capability in the bounding set. */
static int cap_last(void)
{
	int last = 0;

	for (int cap = 0; cap <= MAX_CAP; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break;
		last = cap;
	}
	return last;
}

/* Checks the kernel would make anyway, done up front so the message can name
 * the capability and nothing has changed yet. */
static int check_caps(const struct oci_caps *c, int last, struct b_err *err)
{
	char name[64];

	for (int cap = 0; cap <= last; cap++) {
		if (has_cap(c->effective, cap) && !has_cap(c->permitted, cap))
			return b_err_set(err, EINVAL,
					 "capabilities: effective capability %s is not in the permitted set",
					 cap_label(cap, name, sizeof(name)));
		if (!has_cap(c->ambient, cap))
			continue;
		if (!has_cap(c->permitted, cap) || !has_cap(c->inheritable, cap))
			return b_err_set(err, EINVAL,
					 "capabilities: ambient capability %s must also be in the permitted and inheritable sets (missing from %s)",
					 cap_label(cap, name, sizeof(name)),
					 !has_cap(c->permitted, cap) ?
					 (!has_cap(c->inheritable, cap) ? "both" : "permitted") : "inheritable");
	}
	return 0;
}

static int drop_bounding(uint64_t keep, int last, struct b_err *err)
{
	char name[64];

	for (int cap = 0; cap <= last; cap++) {
		if (has_cap(keep, cap))
			continue;
		/* 0: already dropped; <0: not supported here. */
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) <= 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return b_err_sys(err, errno, "capabilities: dropping %s from the bounding set",
					 cap_label(cap, name, sizeof(name)));
	}
	return 0;
}

static bool setgroups_denied(void)
{
	_cleanup_free_ char *buf = NULL;

	/* Missing on kernels before 3.19, which have no such restriction. */
	if (b_read_file("/proc/self/setgroups", 64, &buf, NULL) < 0)
		return false;
	return strcmp(b_rstrip(buf), "deny") == 0;
}

/* setgroups is tried first and /proc consulted only to explain a refusal:
 * /proc may be the container's, and believing a fake "deny" would keep the
 * runtime's own supplementary groups. */
static int set_groups(const struct oci_user *u, struct b_err *err)
{
	if (setgroups(u->n_additional_gids, (const gid_t *)u->additional_gids) < 0) {
		if (errno == EPERM && setgroups_denied()) {
			if (u->n_additional_gids == 0)
				return 0;
			return b_err_set(err, EPERM,
					 "setgroups: cannot set additionalGids (%zu groups, first %u): the user namespace denies setgroups (/proc/self/setgroups is \"deny\")",
					 u->n_additional_gids, u->additional_gids[0]);
		}
		if (errno == EINVAL)
			return b_err_sys(err, errno,
					 "setgroups: additionalGids (%zu groups): a gid is not mapped in the user namespace",
					 u->n_additional_gids);
		return b_err_sys(err, errno, "setgroups: additionalGids (%zu groups)", u->n_additional_gids);
	}
	return 0;
}

static int set_ids(const struct oci_user *u, struct b_err *err)
{
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return b_err_sys(err, errno, "setresgid %u%s", u->gid,
				 errno == EINVAL ? " (is the gid mapped in the user namespace?)" : "");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return b_err_sys(err, errno, "setresuid %u%s", u->uid,
				 errno == EINVAL ? " (is the uid mapped in the user namespace?)" : "");
	return 0;
}

/* capset failed with EPERM: name a capability asked for that this process
 * cannot have, if one can be found. */
static int explain_capset(const struct oci_caps *c, int last, int code, struct b_err *err)
{
	_cleanup_(cap_freep) cap_t cur = cap_get_proc();
	char name[64];

	for (int cap = 0; cur && cap <= last; cap++) {
		cap_flag_value_t prm = CAP_CLEAR, inh = CAP_CLEAR;

		cap_get_flag(cur, cap, CAP_PERMITTED, &prm);
		cap_get_flag(cur, cap, CAP_INHERITABLE, &inh);
		if (has_cap(c->permitted, cap) && prm != CAP_SET)
			return b_err_sys(err, code,
					 "capabilities: setting %s: the runtime does not have it in its permitted set",
					 cap_label(cap, name, sizeof(name)));
		if (has_cap(c->inheritable, cap) && prm != CAP_SET && inh != CAP_SET)
			return b_err_sys(err, code,
					 "capabilities: setting inheritable %s: the runtime has it neither permitted nor inheritable",
					 cap_label(cap, name, sizeof(name)));
		if (has_cap(c->inheritable, cap) && inh != CAP_SET &&
		    prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
			return b_err_sys(err, code,
					 "capabilities: setting inheritable %s: it is not in the bounding set",
					 cap_label(cap, name, sizeof(name)));
	}
	return b_err_sys(err, code, "capabilities: capset");
}

static int flag_caps(cap_t caps, cap_flag_t flag, uint64_t mask, int last)
{
	for (cap_value_t cap = 0; cap <= last; cap++)
		if (has_cap(mask, cap) && cap_set_flag(caps, flag, 1, &cap, CAP_SET) < 0)
			return -errno;
	return 0;
}

static int set_caps(const struct oci_caps *c, int last, struct b_err *err)
{
	_cleanup_(cap_freep) cap_t caps = cap_init();
	int rc;

	if (!caps)
		return b_err_sys(err, errno, "capabilities: cap_init");
	rc = flag_caps(caps, CAP_EFFECTIVE, c->effective, last);
	if (rc == 0)
		rc = flag_caps(caps, CAP_PERMITTED, c->permitted, last);
	if (rc == 0)
		rc = flag_caps(caps, CAP_INHERITABLE, c->inheritable, last);
	if (rc < 0)
		return b_err_sys(err, -rc, "capabilities: cap_set_flag");
	if (cap_set_proc(caps) < 0) {
		int code = errno;

		if (code == EPERM)
			return explain_capset(c, last, code, err);
		return b_err_sys(err, code, "capabilities: capset");
	}
	return 0;
}

static int set_ambient(uint64_t ambient, int last, struct b_err *err)
{
	char name[64];

	/* Start from nothing: the runtime's own ambient set must not leak. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && ambient)
		return b_err_sys(err, errno, "capabilities: clearing the ambient set");
	for (int cap = 0; cap <= last; cap++) {
		if (!has_cap(ambient, cap))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return b_err_sys(err, errno, "capabilities: raising ambient %s",
					 cap_label(cap, name, sizeof(name)));
	}
	return 0;
}

static struct oci_caps mask_caps(const struct oci_caps *c, int last)
{
	uint64_t m = last >= MAX_CAP ? ~0ULL : (1ULL << (last + 1)) - 1;

	return (struct oci_caps){
		.bounding = c->bounding & m,
		.effective = c->effective & m,
		.inheritable = c->inheritable & m,
		.permitted = c->permitted & m,
		.ambient = c->ambient & m,
	};
}

static int keepcaps(int on, struct b_err *err)
{
	if (prctl(PR_SET_KEEPCAPS, on, 0, 0, 0) < 0)
		return b_err_sys(err, errno, "prctl PR_SET_KEEPCAPS %d", on);
	return 0;
}

int rt_identity_apply(const struct oci_user *user, const struct oci_caps *caps,
		      struct b_err *err)
{
	struct oci_caps want = { 0 };
	int last = 0, rc;

	if (caps) {
		last = cap_last();
		want = mask_caps(caps, last);
		rc = check_caps(&want, last, err);
		if (rc < 0)
			return rc;
		/* Keep the permitted set across the uid change; capset
		 * below then trims it to exactly what was asked. */
		rc = keepcaps(1, err);
		if (rc < 0)
			return rc;
		rc = drop_bounding(want.bounding, last, err);
		if (rc < 0)
			return rc;
	}
	rc = set_groups(user, err);
	if (rc < 0)
		return rc;
	rc = set_ids(user, err);
	if (rc < 0)
		return rc;
	if (caps) {
		rc = keepcaps(0, err);
		if (rc < 0)
			return rc;
		rc = set_caps(&want, last, err);
		if (rc < 0)
			return rc;
		rc = set_ambient(want.ambient, last, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rt_no_new_privs(struct b_err *err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return b_err_sys(err, errno, "prctl PR_SET_NO_NEW_PRIVS");
	return 0;
}
