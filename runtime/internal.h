/* Private plumbing of the container engine, shared between the parent side
 * (create/exec) and the container init. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroup.h"
#include "common/error.h"
#include "specs/oci_config.h"
#include "specs/state.h"
#include "runtime/container.h"

struct rt_seccomp;

/* ---- parent <-> init synchronisation over a SOCK_SEQPACKET pair ------- */

enum rt_sync_type {
	RT_SYNC_GO = 1,          /* parent: maps written, cgroup joined */
	RT_SYNC_PID,             /* intermediate: the init's pid (payload: int[2] {pid, placed in its cgroup}) */
	RT_SYNC_HOOKS,           /* init: run prestart/createRuntime now */
	RT_SYNC_HOOKS_DONE,      /* parent: done; payload: state JSON for createContainer */
	RT_SYNC_READY,           /* init: fully set up, waiting for start */
	RT_SYNC_ERROR,           /* either: payload is the error message */
	RT_SYNC_LOG,             /* init: a trace line (code: enum rt_log_level) */
	RT_SYNC_EXEC_ERROR,      /* exec stub: execve failed (code: errno; payload "exec PATH") */
};

#define RT_SYNC_PAYLOAD_MAX (64 * 1024)

struct rt_sync_msg {
	int type;
	int code;                /* errno for RT_SYNC_ERROR */
	size_t len;              /* payload length */
	char payload[RT_SYNC_PAYLOAD_MAX];
};

int rt_sync_send(int fd, int type, int code, const void *payload, size_t len);
int rt_sync_send_err(int fd, const struct b_err *e);
/* Receive one message; -EPIPE on EOF. */
int rt_sync_recv(int fd, struct rt_sync_msg *m);
/* Receive and require `type`; an RT_SYNC_ERROR message becomes err.
 * RT_SYNC_LOG lines met on the way are dropped. */
int rt_sync_expect(int fd, int type, struct rt_sync_msg *m, struct b_err *err);
/* The same, passing RT_SYNC_LOG lines on to `log` (and tracing what
 * arrived): the parent side of create. */
int rt_sync_expect_log(const struct rt_ctx *log, int fd, int type, struct rt_sync_msg *m,
		       struct b_err *err);
const char *rt_sync_type_name(int type);
/* An RT_SYNC_ERROR or RT_SYNC_EXEC_ERROR message as err; -EPROTO for others. */
int rt_sync_error_of(const struct rt_sync_msg *m, struct b_err *err);
/* buf holds one RT_SYNC_EXEC_ERROR frame written by the exec stub: make it
 * err.  false (err untouched) if it is anything else. */
bool rt_sync_exec_error_frame(const void *buf, size_t len, struct b_err *err);

/* ---- CVE-2019-5736 (runtime/exe_guard.c, runtime/selfexe.c) ----------- */

/* berth runs from a sealed memfd or from a read-only mount. */
bool rt_self_exe_protected(void);
/* Why the exec stub must not start p (in the container of cfg, NULL for
 * create), or NULL when it may. */
const char *rt_exe_stub_unusable(const struct oci_process *p, const struct oci_config *cfg);
/* A sealed, close-on-exec memfd with data (or len bytes of src_fd). */
int rt_memfd_sealed(const char *name, const void *data, size_t len, int src_fd, struct b_err *err);
/* Before anything is made: *stub_fd gets the exec stub (or -1 when berth is
 * protected already), or berth re-executes from a sealed copy of itself
 * (ctx->reexec_argv) and this does not return. */
int rt_exe_guard_prepare(const struct rt_ctx *ctx, const struct oci_process *p,
			 const struct oci_config *cfg, int *stub_fd, struct b_err *err);
/* execve exe, through the stub when stub_fd >= 0, which reports its own
 * failure on err_fd.  Returns -errno when no execve happened. */
int rt_guarded_execve(int stub_fd, int err_fd, const char *exe, char *const argv[],
		      char *const envp[]);

/* ---- trace (runtime/log.c) --------------------------------------------- */

/* With debug tracing on, make the cgroups layer trace what it writes on cg
 * (cg_path.trace) through ctx. */
void rt_cg_trace(const struct rt_ctx *ctx, struct cg_path *cg);
/* The container init's rt_ctx: the parent's level, each line sent over
 * *sync_fd as RT_SYNC_LOG.  Silent when the parent traces nothing. */
void rt_init_log_setup(struct rt_ctx *init_log, const struct rt_ctx *parent, const int *sync_fd);

/* ---- what the init needs ---------------------------------------------- */

struct rt_init_args {
	const struct oci_config *cfg;
	const char *id;
	const char *rootfs;          /* absolute host path */
	const char *bundle;          /* absolute */
	const char *cgroup_abs;      /* host path of the container cgroup */
	int sync_fd;
	int start_fd;                /* listening socket `start` connects to */
	int console_fd;              /* connected --console-socket, -1 */
	int stub_fd;                 /* the exec stub (rt_exe_guard_prepare), -1 */
	struct rt_seccomp *seccomp;  /* compiled filter, NULL */
	int preserve_fds;
	bool no_pivot;
	bool no_new_keyring;
	bool unshare_cgroupns;       /* CLONE_NEWCGROUP after joining the cgroup */
	bool new_mntns;              /* the init has a mount namespace other than the runtime's */
	bool direct_child;           /* cloned by the caller itself (no intermediate) */
	int stdio[3];
	/* The parent's own fds (state lock, its sync end): closed first
	 * thing, since a flock held through a shared file description would
	 * outlive the parent. */
	int parent_fds[3];
	/* The init's trace (rt_init_log_setup), relayed over sync_fd; the
	 * init sets log->log to NULL once it stops talking on sync_fd. */
	struct rt_ctx *log;
};

/* The init: never returns (execs or _exits). */
__attribute__((noreturn)) void rt_init_main(const struct rt_init_args *a);

/* ---- rootfs ------------------------------------------------------------ */

int rt_rootfs_prepare(const struct rt_init_args *a, struct b_err *err);
int rt_rootfs_pivot(const struct rt_init_args *a, struct b_err *err);
int rt_rootfs_finalize(const struct rt_init_args *a, struct b_err *err);
/* The config's mounts, in order, inside root_fd (runtime/mounts.c). */
int rt_mounts_apply(const struct rt_init_args *a, int root_fd, struct b_err *err);

/* Parsed mount options. */
struct rt_mount_flags {
	unsigned long flags;       /* MS_* for mount(2) */
	unsigned long clear;       /* MS_* explicitly cleared (rw, suid, ...) */
	unsigned long propagation; /* MS_SHARED/... | MS_REC */
	uint64_t rec_set;          /* MOUNT_ATTR_* applied recursively */
	uint64_t rec_clr;
	bool bind;
	bool rbind;
	char *data;                /* comma-joined unknown options; malloc'd */
};
int rt_mount_flags_parse(char *const *options, struct rt_mount_flags *out, struct b_err *err);
void rt_mount_flags_free(struct rt_mount_flags *f);

/* ---- devices ------------------------------------------------------------ */

int rt_devices_create(int root_fd, const struct oci_config *cfg, bool in_userns,
		      struct b_err *err);

/* ---- hooks ------------------------------------------------------------ */

/* Each hook of `kind` in order; the first failure stops.  `log` (may be
 * NULL) gets each hook's path and result. */
int rt_hooks_run(const struct rt_ctx *log, const struct oci_hook_list *hooks,
		 enum oci_hook_kind kind, const char *state_json, struct b_err *err);
/* The same in the init: each hook exec'd through the exec stub (stub_fd,
 * -1 when berth needs none). */
int rt_hooks_run_stub(const struct rt_ctx *log, const struct oci_hook_list *hooks,
		      enum oci_hook_kind kind, const char *state_json, int stub_fd,
		      struct b_err *err);
/* poststart and poststop: a failure is only a warning and the remaining
 * hooks still run (runtime-spec).  Every failure is added to *warn (may be
 * NULL), which keeps what it already held. */
void rt_hooks_run_all(const struct rt_ctx *log, const struct oci_hook_list *hooks,
		      enum oci_hook_kind kind, const char *state_json, struct b_err *warn);

/* ---- console ---------------------------------------------------------- */

/* Create a pty in the container's devpts, make its slave our controlling
 * terminal and stdio, and send the master over `console_fd`. */
int rt_console_setup(int console_fd, const struct oci_process *p, bool mount_console,
		     struct b_err *err);
int rt_console_connect(const char *path, int *fd, struct b_err *err);
/* No --console-socket but the caller will own the terminal itself: a
 * socketpair stands in for the socket; rt_console_recv() then takes the
 * master from the caller's end. */
int rt_console_pair(int *ours, int *theirs, struct b_err *err);
/* create's console: connected to console_socket, or a pair (want_console),
 * when the process has a terminal; a socket without one is an error. */
int rt_console_for_create(bool terminal, const char *console_socket, bool want_console, int *ours,
			  int *theirs, struct b_err *err);
int rt_console_recv(int fd, int *master, struct b_err *err);

/* ---- state store ------------------------------------------------------- */

/* Paths of a container's state: <root>/<id>/... */
int rt_state_dir(const struct rt_ctx *ctx, const char *id, char *buf, size_t size);
int rt_state_load(const struct rt_ctx *ctx, const char *id, struct oci_state **out,
		  struct b_err *err);
int rt_state_save(const char *dir, const struct oci_state *st, struct b_err *err);
struct sockaddr_un;
/* The address of <dir>/start.sock; *dfd (closed by the caller when >= 0)
 * keeps a directory fd the address refers to when the path is too long. */
int rt_start_sockaddr(const char *dir, struct sockaddr_un *sa, int *dfd);

/* Refresh st->status (and pid) from the live system. */
void rt_state_refresh(const char *dir, struct oci_state *st);
/* flock(LOCK_EX) on the state directory; returns the fd. */
int rt_state_lock(const char *dir, struct b_err *err);

/* Start time of a process (/proc/PID/stat field 22), 0 if gone. */
uint64_t rt_proc_start_time(pid_t pid);
/* A live process that is not a zombie and has the given start time. */
bool rt_proc_alive(pid_t pid, uint64_t start_time);

/* ---- misc -------------------------------------------------------------- */

/* Resolve args[0] against PATH from env, as execvpe would, inside the
 * current root.  *out is malloc'd. */
int rt_find_executable(const char *name, char *const *env, char **out, struct b_err *err);

/* process.apparmorProfile (apparmor.c): rt_apparmor_check refuses a
 * profile where AppArmor is off (at create); rt_apparmor_exec_profile
 * makes the caller's next execve enter it, through the host's /proc (call
 * it before the container's /proc is the one at /proc). */
int rt_apparmor_check(const char *profile, struct b_err *err);
int rt_apparmor_exec_profile(const char *profile, struct b_err *err);

/* The process environment, plus HOME from the root's /etc/passwd when
 * it is missing (as runc does). */
char **rt_build_env(const struct oci_process *p);

/* Namespaced sysctl check: is `key` isolated by the config's namespaces? */
int rt_sysctl_validate(const struct oci_config *cfg, struct b_err *err);

/* What the config's namespaces allow: without a mount entry, nothing that
 * would mount in the runtime's namespace; a hostname or domainname only
 * with a uts entry (new or joined by path). */
int rt_namespaces_validate(const struct oci_config *cfg, struct b_err *err);

/* Move *fd (close-on-exec) to a number >= min: berth's own fds must stay
 * above the --preserve-fds range. */
int rt_lift_fd(int *fd, int min);
/* Every fd from first up close-on-exec: close_range, or fd by fd where
 * the kernel or a seccomp filter refuses it.  Best effort, no errors. */
void rt_cloexec_from(int first);

/* pid file, written atomically; relative to the cwd. */
int rt_write_pid_file(const char *path, pid_t pid, struct b_err *err);

/* ---- user namespace maps --------------------------------------------- */
int rt_write_id_maps(pid_t pid, const struct oci_config *cfg, struct b_err *err);

/* ---- time namespace --------------------------------------------------- */
int rt_write_time_offsets(const struct oci_config *cfg, struct b_err *err);

int rt_state_json_for_hooks(const struct oci_config *cfg, const char *id, const char *status,
			    pid_t pid, const char *bundle, char **out);
