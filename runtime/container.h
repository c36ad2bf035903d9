/* The container engine's public API: what cmd/ (the OCI CLI) and the pod
 * supervisor call.  Nothing here prints or exits; every call returns 0 or a
 * negative errno-style code and fills the error object.  What is only a
 * warning (a failed poststart or poststop hook, say: runtime-spec) never
 * changes the return value: it goes to a separate `warn` object. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "specs/oci_config.h"
#include "specs/state.h"

#define RT_DEFAULT_ROOT "/run/berth"

/* How much a trace line matters; a caller sees a level only up to
 * rt_ctx.log_level.  The order is the filter: keep it. */
enum rt_log_level {
	RT_LOG_ERROR,
	RT_LOG_WARN,
	RT_LOG_INFO,
	RT_LOG_DEBUG,            /* every step of create/init/start/kill/delete */
};

/* Where the runtime's trace goes.  `log` gets one complete line (no
 * newline, valid UTF-8 when the formatted values are, at most
 * RT_LOG_MSG_MAX - 1 bytes), only valid during the call.  It is always
 * called in the caller's own process, never in a forked child: what the
 * container init traces travels to the parent over the sync socket and is
 * passed on from there, in order.  NULL: no trace at all. */
struct rt_ctx {
	const char *root;        /* state directory root (--root) */
	bool systemd_cgroup;     /* --systemd-cgroup */
	bool no_cgroup;          /* --cgroup-manager disabled: containers stay in the caller's cgroup */
	void (*log)(void *ud, enum rt_log_level level, const char *msg);
	void *log_ud;
	enum rt_log_level log_level;   /* the most verbose level passed to log */
	/* The command line to re-execute from a sealed copy of berth when the
	 * exec stub cannot protect berth's binary (runtime/exe_guard.c); NULL
	 * makes such a create or exec fail instead. */
	char **reexec_argv;
	char **reexec_envp;
};

#define RT_LOG_MSG_MAX 1024

/* Whether rt_logf(ctx, level, …) would reach ctx->log; a NULL ctx is
 * silent.  For callers whose arguments cost something to compute. */
static inline bool rt_log_enabled(const struct rt_ctx *ctx, enum rt_log_level level)
{
	return ctx && ctx->log && level <= ctx->log_level;
}

/* Format one trace line and hand it to ctx->log.  Does nothing (not even
 * the formatting) unless rt_log_enabled.  A line that does not fit is cut
 * on a UTF-8 character boundary. */
void rt_logf(const struct rt_ctx *ctx, enum rt_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "error", "warning", "info", "debug": runc's (logrus's) level names. */
const char *rt_log_level_name(enum rt_log_level level);

struct rt_create_opts {
	const char *id;
	const char *bundle;          /* directory holding config.json; NULL = cwd */
	const char *pid_file;        /* NULL: none */
	const char *console_socket;  /* NULL: none */
	int preserve_fds;            /* fds 3 .. 3+N-1 pass to the container */
	bool no_pivot;
	bool no_new_keyring;
	/* The caller stays the init's parent and will wait for it (`run`
	 * without -d, the supervisor).  Otherwise the init is handed to the
	 * caller's reaper when create returns. */
	bool keep_parent;
	/* With process.terminal and no console_socket: hand the pty master
	 * back in rt_created.console_master (foreground `run`). */
	bool want_console;
	/* stdin/stdout/stderr for the container; -1 = inherit the caller's. */
	int stdio[3];
	/* A directory holding the caller's notify.sock, shown to the
	 * container at RT_NOTIFY_DIR with NOTIFY_SOCKET set (rt_create only). */
	const char *notify_dir;
	/* linux.seccomp compiled already (rt_seccomp_compile of the same
	 * profile), shared by many containers: the pod supervisor compiles its
	 * RuntimeDefault profile once.  NULL: compiled from the config. */
	struct rt_seccomp *seccomp;
};

struct rt_seccomp;
struct oci_seccomp;
/* Compile a seccomp profile once for rt_create_opts.seccomp and
 * rt_exec_opts.seccomp (runtime/seccomp.h has the rules). */
int rt_seccomp_compile(const struct oci_seccomp *spec, struct rt_seccomp **out,
		       struct b_err *err);
void rt_seccomp_free(struct rt_seccomp *f);

#define RT_NOTIFY_DIR "/run/berth/notify"

struct oci_config;
/* Add the notify_dir bind mount and NOTIFY_SOCKET to a parsed config. */
int rt_config_add_notify_socket(struct oci_config *cfg, const char *dir, struct b_err *err);

static inline void rt_create_opts_init(struct rt_create_opts *o)
{
	*o = (struct rt_create_opts){ .stdio = { -1, -1, -1 } };
}

struct rt_created {
	pid_t pid;      /* the container init, as seen from the caller */
	int pidfd;      /* pidfd of the init (caller closes), -1 if unavailable */
	int console_master; /* with want_console/tty: the pty master, else -1 */
};

/* Create from bundle/config.json. */
int rt_create(const struct rt_ctx *ctx, const struct rt_create_opts *o,
	      struct rt_created *out, struct b_err *err);
/* Create from an already parsed config (the pod supervisor builds one);
 * `config_name` names the document in messages.  The config must outlive
 * the call only. */
int rt_create_config(const struct rt_ctx *ctx, const struct rt_create_opts *o,
		     const struct oci_config *cfg, const char *config_json,
		     struct rt_created *out, struct b_err *err);

/* Start a created container.  A failing poststart hook does not fail the
 * start: it is reported in *warn (warn->code != 0; warn may be NULL). */
int rt_start(const struct rt_ctx *ctx, const char *id, struct b_err *warn,
	     struct b_err *err);

/* Load the state and refresh its status from the live system. */
int rt_state(const struct rt_ctx *ctx, const char *id, struct oci_state **out,
	     struct b_err *err);

int rt_kill(const struct rt_ctx *ctx, const char *id, int sig, bool all,
	    struct b_err *err);
/* Remove a stopped container (with `force`, kill it first).  Problems that
 * do not stop the removal (a failing poststop hook, a failed kill of a
 * leftover process) are reported in *warn (warn may be NULL). */
int rt_delete(const struct rt_ctx *ctx, const char *id, bool force, struct b_err *warn,
	      struct b_err *err);
int rt_pause(const struct rt_ctx *ctx, const char *id, struct b_err *err);
int rt_resume(const struct rt_ctx *ctx, const char *id, struct b_err *err);

/* All containers under the root (sorted by id); caller frees each. */
int rt_list(const struct rt_ctx *ctx, struct oci_state ***out, size_t *n,
	    struct b_err *err);
void rt_list_free(struct oci_state **list, size_t n);

/* PIDs of every process in the container (host pid namespace). */
int rt_ps(const struct rt_ctx *ctx, const char *id, pid_t **pids, size_t *n,
	  struct b_err *err);

struct cg_stats;
/* cgroup statistics of a container (cgroups/stats.h). */
int rt_stats(const struct rt_ctx *ctx, const char *id, struct cg_stats *st,
	     struct b_err *err);

/* Resources update (replaces the listed limits). */
int rt_update(const struct rt_ctx *ctx, const char *id,
	      const struct oci_resources *res, struct b_err *err);

struct rt_exec_opts {
	/* From --process FILE; NULL: the container's own process section
	 * with the overrides below (runc's behaviour). */
	const struct oci_process *process;
	char *const *args;
	char *const *env;            /* "K=V" added or overriding */
	const char *cwd;
	bool has_user;
	uint32_t uid, gid;
	uint64_t caps_add;           /* added to bounding/effective/permitted */
	const uint32_t *add_gids;    /* --additional-gids, appended */
	size_t n_add_gids;
	bool tty;
	bool want_console;           /* tty without console_socket: see rt_create_opts */
	bool no_new_privs;
	const char *apparmor_profile;  /* --apparmor: instead of the config's, NULL */
	const char *console_socket;
	const char *pid_file;
	int preserve_fds;
	int stdio[3];
	/* Run in this child cgroup of the container's (created when
	 * missing), so the process tree can be killed as one: the pod
	 * supervisor's exec probes.  NULL: the container's cgroup. */
	const char *sub_cgroup;
	/* The container's seccomp filter compiled already (see
	 * rt_create_opts.seccomp); NULL: compiled from its config. */
	struct rt_seccomp *seccomp;
	/* The container's config, parsed already by a caller that execs
	 * often (probes); NULL: read from the container's state. */
	const struct oci_config *config;
};

static inline void rt_exec_opts_init(struct rt_exec_opts *o)
{
	*o = (struct rt_exec_opts){ .stdio = { -1, -1, -1 } };
}

/* rt_exec's one fatal error.  To start a process in a container with its
 * own pid namespace the caller joins that namespace for its children and
 * comes back right after the clone; if coming back fails, the caller's
 * every later child (the pod supervisor's next container) would be born in
 * the container's namespace.  The process is then killed, rt_exec returns
 * -RT_EXEC_PIDNS_STUCK with err->code set to it, and the caller must not
 * create processes any more.  berth returns this code for nothing else. */
#define RT_EXEC_PIDNS_STUCK ENOTRECOVERABLE

/* Start a process inside a created or running container.  On return it
 * has exec'd (or failed with the reason in err); the caller waits on
 * out->pidfd / out->pid, which is its child.  -RT_EXEC_PIDNS_STUCK: see
 * above. */
int rt_exec(const struct rt_ctx *ctx, const char *id, const struct rt_exec_opts *o,
	    struct rt_created *out, struct b_err *err);

/* Re-execute the running binary from a sealed memfd unless already done,
 * so that no container process can ever open the host binary for writing
 * through /proc/PID/exe (CVE-2019-5736).  Returns only on failure or when
 * nothing had to be done. */
int rt_ensure_sealed_self(char **argv, char **envp, struct b_err *err);

/* Validate a container id: [A-Za-z0-9_+.-]+, not "." / "..". */
int rt_validate_id(const char *id, struct b_err *err);
