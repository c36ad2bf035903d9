/* cgroup v2 (unified hierarchy) management.  Works on a pure v2 host
 * (/sys/fs/cgroup) and on a hybrid host's unified mount
 * (/sys/fs/cgroup/unified), using whatever controllers v2 has there. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "specs/oci_config.h"

struct cg_path {
	char mount[256];   /* where cgroup2 is mounted, e.g. /sys/fs/cgroup */
	char rel[768];     /* path inside the hierarchy, starts with '/' */
	char abs[1024];    /* mount + rel */
	/* Optional: told, one line each, of every directory made and file
	 * written through this cg_path, for a debug trace.  cg_resolve and
	 * cg_path_from_abs leave it NULL; set it after them. */
	void (*trace)(void *ud, const char *msg);
	void *trace_ud;
	/* Set by cg_create: how many of rel's last components it made (the
	 * leaf and the parents it needed), for cg_destroy_made. */
	unsigned made;
};

/* Locate the cgroup2 mount of the calling process's mount namespace. */
int cg_find_mount(char *buf, size_t size, struct b_err *err);

/* Resolve an OCI cgroupsPath the way runc does: absolute → under the v2
 * root, relative → under the caller's own cgroup, empty → /berth/<id>.
 * `slice:prefix:name` and systemd=true need a running systemd. */
int cg_resolve(const char *cgroups_path, const char *id, bool systemd,
	       struct cg_path *out, struct b_err *err);

/* Create the cgroup (and parents), enabling in each ancestor's
 * cgroup.subtree_control the controllers `res` needs.  Returns an O_PATH
 * directory fd usable with CLONE_INTO_CGROUP in *dirfd.  Records in
 * cg->made the directories it made, even when it fails. */
int cg_create(struct cg_path *cg, const struct oci_resources *res, int *dirfd,
	      struct b_err *err);

/* The cg_path of an absolute cgroup directory (update of a live
 * container). */
int cg_path_from_abs(const char *abs, struct cg_path *out, struct b_err *err);

/* Enable, top-down, the controllers `res` needs (for update). */
int cg_enable(const struct cg_path *cg, const struct oci_resources *res, struct b_err *err);

/* Write the resource limits into the cgroup's files. */
int cg_apply_resources(const struct cg_path *cg, const struct oci_resources *res,
		       struct b_err *err);

/* Attach the device filter: linux.resources.devices, then the default
 * allowed devices, then an allow rule for each linux.devices node; last
 * match wins, no match denies. */
int cg_devices_apply(const char *cg_abs, const struct oci_resources *res,
		     const struct oci_device *devs, size_t n_devs, struct b_err *err);

/* Move a process into the cgroup (fallback when CLONE_INTO_CGROUP is not
 * possible). */
int cg_enter(const struct cg_path *cg, pid_t pid, struct b_err *err);

/* SIGKILL every process in the cgroup (cgroup.kill, or a cgroup.procs walk
 * on kernels without it). */
int cg_kill_all(const char *abs, struct b_err *err);
/* Send `sig` to every process listed in cgroup.procs. */
int cg_signal_all(const char *abs, int sig, struct b_err *err);

/* cgroup.freeze and wait for cgroup.events "frozen" to match. */
int cg_freeze(const char *abs, bool freeze, struct b_err *err);
/* 1 frozen, 0 not, negative on error. */
int cg_is_frozen(const char *abs);

/* PIDs in cgroup.procs (malloc'd array). */
int cg_pids(const char *abs, pid_t **pids, size_t *n, struct b_err *err);

/* true when cgroup.events says populated 0 or the cgroup is gone. */
bool cg_is_empty(const char *abs);

/* Remove the cgroup directory (only it; parents stay). Missing is fine. */
int cg_destroy(const char *abs, struct b_err *err);
/* Undo of a cg_create: cg_destroy, then the parents that cg_create made
 * (cg->made), deepest first, stopping at one that is not empty.  Never a
 * parent that was there before, never the mount or above it. */
int cg_destroy_made(const struct cg_path *cg, struct b_err *err);

/* memory.events oom_kill counter, 0 when the file is missing. */
unsigned long long cg_oom_kills(const char *abs);
