/* The pod supervisor: runs a parsed pod (specs/pod_spec.h) on this host
 * through the container engine (runtime/container.h) as a library.
 *
 * One process, single-threaded: it holds the pod's network, IPC and UTS
 * namespaces itself (no pause container), gives each container an overlay
 * writable layer over its image, supervises the containers with epoll over
 * pidfds, a signalfd and a timerfd, restarts them per restartPolicy with
 * backoff, collects their output into CRI-format log files and records
 * events.  Nothing here prints or exits: functions return 0 or a negative
 * errno and fill the error object; output goes through callbacks.
 * docs/pod-supervisor.md describes the behaviour. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "runtime/container.h"
#include "specs/pod_spec.h"

struct img_config;           /* specs/image.h */
struct img_user;             /* images/passwd.h */

/* One line (without its newline) a container wrote; `stream` is "stdout"
 * or "stderr", `partial` when the line was cut because it was too long. */
typedef void (*sv_log_fn)(void *ud, const char *container, const char *stream,
			  const char *line, size_t len, bool partial);
/* A non-fatal problem (a failed cleanup step, a failed restart). */
typedef void (*sv_warn_fn)(void *ud, const struct b_err *e);

struct sv_opts {
	sv_log_fn on_log;        /* NULL: logs only go to the files */
	sv_warn_fn on_warn;      /* NULL: only recorded as "warning" events */
	/* Called once, when every container has been started (the moment
	 * READY=1 goes to systemd); `berth pod run -d` returns then. */
	void (*on_ready)(void *ud);
	void *ud;
	/* Where <container>.log and events.jsonl go; NULL: <state dir>/logs
	 * (removed with the pod).  A given directory is kept, and
	 * <state dir>/logs is a symlink to it. */
	const char *log_dir;
	int64_t log_max_size;    /* bytes per log file before rotation; 0: 10 MiB */
	int log_max_files;       /* files kept per log, the live one included; 0: 3 */
	/* Keep the state directory (logs, events, status.json) after the pod
	 * ended, for `berth pod ps/inspect/logs`; `berth pod rm` removes it.
	 * Processes, mounts and cgroups are removed either way. */
	bool keep;
	/* A pod of the same name that ended (its kept state directory) is
	 * removed first; without it, that is an error (EEXIST). */
	bool replace;
	/* The cgroup (absolute in the cgroup2 hierarchy) to put the pod's
	 * cgroup under, or "self" for the supervisor's own cgroup (a systemd
	 * unit with Delegate=yes).  NULL: /berth/pods. */
	const char *cgroup_parent;
	/* CNI (docs/networking.md): where network configs are (NULL:
	 * /etc/cni/net.d), where plugins are (':'-separated; NULL:
	 * /usr/lib/cni:/opt/cni/bin), the limit per plugin exec (0: 60 s). */
	const char *cni_config_dir;
	const char *cni_plugin_path;
	int64_t cni_timeout_ms;
	/* Images (docs/images.md): the --image-root (NULL: /var/lib/berth),
	 * and the skopeo to pull with (NULL: from PATH). */
	const char *image_root;
	const char *skopeo;
	const char *registries_conf;  /* NULL: the system's registries.conf */
};

struct sv_result {
	bool stopped_by_signal;  /* SIGTERM/SIGINT or `berth pod stop` asked for a graceful stop */
	bool all_succeeded;      /* every container's last exit was 0 */
	int failed_signal;       /* the signal that stopped us, 0 */
	/* Not all succeeded: the first failed container's last status, init
	 * containers first, then in manifest order (its exit code, 128+N
	 * after signal N, 1 if it never ran); 0 otherwise. */
	int exit_code;
};

/* Run `pod` to completion (or until SIGTERM/SIGINT or `berth pod stop`);
 * `berth pod restart` ends one run and begins the next in this call.
 * State lives in <ctx->root>/pods/<pod name>; the containers are
 * "<pod>_<container>" in ctx->root.  A state directory left by a
 * supervisor that was killed is cleaned up first; one whose supervisor
 * still runs is an error (EEXIST).  On return nothing of the pod is left:
 * no process, mount, cgroup or (without opts->keep) state directory.
 * Returns 0 when the pod ran (see *res for how it ended) or a negative
 * errno when it could not be set up.
 *
 * It owns the calling process while it runs: it blocks SIGTERM, SIGINT and
 * SIGCHLD (restored on return), makes the process a child subreaper (left
 * so) and reaps every child with waitpid(-1): call it from a process whose
 * other children nobody else waits for, with no other thread. */
int sv_pod_run(const struct rt_ctx *ctx, const struct pod_spec *pod,
	       const struct sv_opts *opts, struct sv_result *res, struct b_err *err);

/* ---- clients: berth pod ps/inspect/stop/rm ---------------------------- */

enum sv_pod_state {
	SV_POD_ABSENT,           /* no state directory */
	SV_POD_RUNNING,          /* its supervisor is alive */
	SV_POD_DEAD,             /* state left by a killed supervisor, or an ended pod's */
};

/* The containers of pod P are named P_<container> (berth list shows them):
 * -EEXIST when `id` has that form and pod P's state directory exists under
 * --root, so that a hand-made container cannot take a running (or kept)
 * pod's name. */
int sv_id_reserved(const struct rt_ctx *ctx, const char *id, struct b_err *err);

/* <root>/pods/<name>, after checking that name is a pod name. */
int sv_pod_dir(const struct rt_ctx *ctx, const char *name, char *buf, size_t size,
	       struct b_err *err);
/* An enum sv_pod_state, or a negative errno. */
int sv_pod_probe(const struct rt_ctx *ctx, const char *name, struct b_err *err);
/* Its supervisor holds the pod's lock (SV_POD_RUNNING also covers a
 * directory without a lock file, being made or removed): with no control
 * socket, it is between two runs (pod restart). */
bool sv_pod_lock_held(const struct rt_ctx *ctx, const char *name);
/* Between two runs of `pod restart`: its lock held, the next run's
 * control socket not up yet. */
bool sv_pod_restarting(const struct rt_ctx *ctx, const char *name);
/* Send one request ("status", "inspect", "metrics", "stop [SECONDS]") to the running
 * supervisor; *out (malloc'ed, NUL-terminated) is the reply's payload.
 * ESRCH: no supervisor; EACCES: refused. */
int sv_pod_request(const struct rt_ctx *ctx, const char *name, const char *req,
		   char **out, size_t *out_len, struct b_err *err);
/* The same, giving up after timeout_ms (ETIMEDOUT) on a supervisor that
 * does not answer (stopped, or stuck); 0: wait as long as it takes. */
int sv_pod_request_timeout(const struct rt_ctx *ctx, const char *name, const char *req,
			   int timeout_ms, char **out, size_t *out_len, struct b_err *err);
/* The two halves of a request, so that many supervisors work on theirs at
 * once: the connected socket with the request sent (timeout_ms as for
 * sv_pod_request_timeout), then the reply read before deadline_ms (a
 * CLOCK_MONOTONIC time from sv_deadline_ms; 0: no deadline). */
int sv_pod_send(const struct rt_ctx *ctx, const char *name, const char *req, int timeout_ms,
		struct b_err *err);
int sv_pod_reply(int fd, const char *name, int64_t deadline_ms, char **out, size_t *out_len,
		 struct b_err *err);
int64_t sv_deadline_ms(int timeout_ms);
/* Every pod's metrics and every `berth run/create` container's, in the
 * Prometheus text format (docs/metrics.md), asking each supervisor with
 * pod_timeout_ms as its deadline.  *out is malloc'ed. */
int sv_metrics_host(const struct rt_ctx *ctx, int pod_timeout_ms, char **out, size_t *len,
		    struct b_err *err);
/* Block until the pod's supervisor has exited (at once if there is none). */
int sv_pod_wait(const struct rt_ctx *ctx, const char *name, struct b_err *err);
/* Remove a pod whose supervisor is gone: leftover containers, cgroup,
 * mounts and the state directory.  EBUSY while it runs, ENOENT if absent. */
int sv_pod_remove(const struct rt_ctx *ctx, const char *name, struct b_err *err);
/* Names of the pods with a state directory, sorted. */
int sv_pod_list(const struct rt_ctx *ctx, char ***names, size_t *n, struct b_err *err);
void sv_pod_list_free(char **names, size_t n);
/* The status.json a pod run with `keep` wrote when it ended (ENOENT:
 * none, its supervisor was killed). */
int sv_pod_final_status(const struct rt_ctx *ctx, const char *name, char **out,
			size_t *len, struct b_err *err);

/* ---- internal, shared by the supervisor's files ----------------------- */

/* Namespaces the supervisor holds for the pod, -1 when not held. */
struct sv_pod_ns {
	int net, ipc, uts;
};

/* What a container's config needs besides the container itself. */
/* fds a built config names as /proc/PID/fd/N (resolved subPaths): open until
 * the container is created, then closed with sv_held_fds_close(). */
struct sv_held_fds {
	int *fd;
	size_t n;
};
void sv_held_fds_close(struct sv_held_fds *h);

struct sv_oci_ctx {
	const struct pod_spec *pod;
	struct sv_held_fds *held;   /* receives the fds of resolved subPaths */
	const struct sv_pod_ns *ns;
	const char *pod_dir;        /* <root>/pods/<pod> */
	const char *rootfs;         /* the container's overlay mount point */
	const char *pid_ns_path;    /* shareProcessNamespace: the pid ns to join, or NULL */
	int64_t memory_limit;       /* bytes, overrides the container's (oom-policy grow); 0: its own */
	const char *notify_dir;     /* sd-notify: the directory holding notify.sock, or NULL */
	const struct oci_seccomp *seccomp;  /* the container's profile as the supervisor
					     * parsed it once; NULL: read and parse it here */
	const char *cgroup_base;    /* the pod's cgroup, e.g. /berth/pods/<pod> */
	bool names;                 /* bind pod_dir/{hosts,resolv.conf,hostname} into /etc */
	const struct img_config *image;  /* the image's config; NULL for a local rootfs */
	/* The user the container runs as, resolved against the image's
	 * passwd/group (images/passwd.h): the image's User, or runAsUser
	 * (img_user_for_uid) when that is set, or "0" when neither is.  Its
	 * gid fills in for a missing runAsGroup and its groups become the
	 * additional gids, when its uid is the one the process gets.  NULL:
	 * none (a local rootfs). */
	const struct img_user *user;
};

/* Where a container with berth.dev/sd-notify finds its notify.sock. */
#define SV_NOTIFY_DIR RT_NOTIFY_DIR

/* Build the complete OCI config of `c` (caller frees with oci_config_free). */
int sv_build_oci(const struct sv_oci_ctx *oc, const struct pod_container *c,
		 struct oci_config **out, struct b_err *err);

/* runAsNonRoot for an image container (kubelet verifyRunAsNonRoot),
 * called before it is created (supervisor/image_proc.c): nothing to check
 * without runAsNonRoot; with runAsUser set it must be non-zero; else the
 * image's User (its part before ':') must be a non-zero number.  A
 * non-numeric User is refused ("image has non-numeric user (x), cannot
 * verify user is non-root"), and so is an image without a User (it runs
 * as root); ic NULL is an image without a User.  -EPERM with err set
 * when refused. */
int sv_image_verify_non_root(const struct pod_container *c, const struct img_config *ic,
			     struct b_err *err);

/* Parse the RuntimeDefault profile into `a`. */
int sv_runtime_default_parse(struct b_arena *a, struct oci_seccomp **out, struct b_err *err);

/* Create the shared namespaces (network, IPC, UTS as the pod asks). */
int sv_ns_create(const struct pod_spec *pod, struct sv_pod_ns *ns, struct b_err *err);
void sv_ns_close(struct sv_pod_ns *ns);

/* Overlay writable layer: recreate dir/{upper,work,merged} empty and mount
 * lowerdir=lower there.  sv_overlay_remove unmounts and removes dir. */
int sv_overlay_setup(const char *dir, const char *lower, struct b_err *err);
int sv_overlay_remove(const char *dir, struct b_err *err);

/* emptyDir volumes under pod_dir/volumes (tmpfs for medium Memory). */
int sv_volumes_setup(const struct pod_spec *pod, const char *pod_dir, struct b_err *err);
void sv_volumes_remove(const struct pod_spec *pod, const char *pod_dir);
