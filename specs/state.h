/* The container state document.  One struct serves both the file berth keeps
 * under --root/ID/state.json (all fields) and the OCI `state` output (the
 * public subset, plus runc's extra fields rootfs/created/owner). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/arena.h"
#include "common/error.h"
#include "specs/oci_config.h"

struct oci_state {
	struct b_arena arena;
	/* public */
	char *oci_version;
	char *id;
	char *status;            /* creating|created|running|stopped|paused */
	pid_t pid;               /* 0 when stopped */
	char *bundle;            /* absolute */
	char *rootfs;            /* absolute */
	char *created;           /* RFC 3339 with nanoseconds, UTC */
	char *owner;             /* "" like runc */
	struct oci_kv_list annotations;
	bool oom_killed;         /* berth extension, reported in `state` */
	/* private */
	uint64_t pid_start_time; /* /proc/PID/stat field 22, guards pid reuse */
	char *cgroup_path;       /* absolute path of the container cgroup, "" if none */
	bool systemd_cgroup;
	bool has_exec_fifo;      /* created, not yet started */
	uint64_t oom_kill_base;  /* memory.events oom_kill when created */
};

void oci_state_free(struct oci_state *st);
static inline void oci_state_freep(struct oci_state **p)
{
	if (*p)
		oci_state_free(*p);
}

/* Serialise; with `full` the private fields are included.  Returns malloc'd
 * JSON or NULL on failure (ENOMEM). */
char *oci_state_to_json(const struct oci_state *st, bool full, bool pretty);

/* Parse a state file written with full=true. */
int oci_state_parse(const char *name, const char *json, size_t len,
		    struct oci_state **out, struct b_err *err);
