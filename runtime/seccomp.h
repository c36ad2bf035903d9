/* linux.seccomp: compile the OCI profile into a libseccomp filter, load it,
 * and hand the SCMP_ACT_NOTIFY listener fd to the agent at listenerPath.
 *
 * Compilation happens in the parent before clone so that everything that
 * can fail on a bad profile fails there, with a message.  It ends with a
 * plain BPF program; the container child only calls rt_seccomp_load(), which
 * is one seccomp(2) call: no allocation, no libseccomp state. */
#pragma once

#include <seccomp.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "specs/oci_config.h"

/* A compiled filter (opaque). */
struct rt_seccomp;

/* Build the filter for `spec`.
 *
 * - Syscall names libseccomp does not know are skipped, as runc does.
 * - An unknown architecture or flag, a flag the running kernel lacks, an
 *   errnoRet on an action that has no return code, SCMP_ACT_NOTIFY as the
 *   default action or on write(2), an argument index above 5, a profile
 *   over OCI_SECCOMP_MAX_RULES or OCI_SECCOMP_MAX_ARG_CMPS (checked before
 *   libseccomp is called), or a program above the kernel's 4096
 *   instructions is an error.
 * - Flags are kernel flags passed by our own seccomp(2) call, so
 *   SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV works whatever the libseccomp
 *   version (it only applies when the filter notifies).
 * - errnoRet/defaultErrnoRet default to EPERM (SCMP_ACT_ERRNO and
 *   SCMP_ACT_TRACE).
 * - Arguments: conditions on the same index are OR'ed and conditions on
 *   different indexes AND'ed (the rule is expanded into one libseccomp rule
 *   per combination).  runc/crun instead split *every* condition into its own
 *   rule as soon as any index repeats; the two agree whenever no index
 *   repeats or all conditions share one index.
 * - A rule whose action equals the default action is skipped (libseccomp
 *   refuses it and it would not change the outcome).
 * - NO_NEW_PRIVS is not set by the load: that is process.noNewPrivileges'
 *   business (rt_no_new_privs()).  Loading without it needs CAP_SYS_ADMIN
 *   (in the process' user namespace). */
int rt_seccomp_compile(const struct oci_seccomp *spec, struct rt_seccomp **out,
		       struct b_err *err);
void rt_seccomp_free(struct rt_seccomp *f);
static inline void rt_seccomp_freep(struct rt_seccomp **f)
{
	if (*f)
		rt_seccomp_free(*f);
}

/* Does the filter use SCMP_ACT_NOTIFY (i.e. will load produce a listener)? */
bool rt_seccomp_uses_notify(const struct rt_seccomp *f);

/* Load into the calling process (all threads when TSYNC was requested).
 * If the profile uses SCMP_ACT_NOTIFY, *notify_fd receives the listener fd
 * (owned by the caller, close-on-exec), else -1.  With notify_fd NULL a
 * listener is closed at once (notified syscalls then fail with ENOSYS). */
int rt_seccomp_load(struct rt_seccomp *f, int *notify_fd, struct b_err *err);

/* Build the runtime-spec "container process state" that goes to the
 * listener: {"ociVersion":..,"fds":["seccompFd"],"pid":..,"metadata":..,
 * "state":<state_json>}.  state_json (the OCI state object, e.g. from
 * oci_state_to_json()) is embedded verbatim; metadata NULL omits the field
 * (linux.seccomp.listenerMetadata).  *out is malloc'd. */
int rt_seccomp_process_state(const char *oci_version, pid_t pid, const char *metadata,
			     const char *state_json, char **out, struct b_err *err);

/* Connect to the AF_UNIX SOCK_STREAM socket at listener_path and send the
 * container process state (`state_json`, built by the caller with
 * "fds": ["seccompFd"]) with notify_fd attached as SCM_RIGHTS to the first
 * sendmsg, then close the connection (runtime-spec, config-linux.md,
 * "The Container Process State").  notify_fd stays open in the caller. */
int rt_seccomp_send_listener(const char *listener_path, int notify_fd,
			     const char *state_json, struct b_err *err);
