/* The supervisor's own state, shared by its files (not a public API). */
#pragma once

struct jw;
struct sv_ev;

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "images/store.h"
#include "metrics/expo.h"
#include "specs/cni.h"
#include "specs/image.h"
#include "supervisor/crilog.h"
#include "supervisor/probe_net.h"
#include "supervisor/supervisor.h"
#include "supervisor/sv_policy.h"

#define SV_LOG_BUF 16384
#define SV_MAX_CONNS 8
#define SV_TIME_LEN 40


/* What an epoll registration is for: its data is a tag packing the kind,
 * an index (a container, a control client, a probe slot) and one bit
 * (stdout/stderr).  sv_tag() makes one; sv_tag_*() take it apart. */
enum sv_ev_kind { EV_SIGNAL = 1, EV_TIMER, EV_PIDFD, EV_PIPE, EV_CTL, EV_CONN, EV_PROBE, EV_NOTIFY, EV_PSI };

static inline uint64_t sv_tag(enum sv_ev_kind kind, size_t idx, int which)
{
	return ((uint64_t)kind << 32) | ((uint64_t)(uint32_t)idx << 1) | (uint64_t)(which & 1);
}

static inline enum sv_ev_kind sv_tag_kind(uint64_t tag) { return (enum sv_ev_kind)(tag >> 32); }
static inline size_t sv_tag_index(uint64_t tag) { return (size_t)((tag & 0xffffffffu) >> 1); }
static inline int sv_tag_which(uint64_t tag) { return (int)(tag & 1); }

/* A seccomp profile, read, parsed and compiled once at pod setup
 * (sv_seccomp.c) and used by every run of the containers naming it. */
struct sv_profile {
	const char *path;           /* the Localhost file, NULL for RuntimeDefault */
	const char *text;           /* its JSON as read then, for berth exec */
	struct oci_seccomp *spec;
	struct rt_seccomp *bpf;
};

/* ---- probes ----------------------------------------------------------- */

enum sv_probe_kind { SV_PROBE_STARTUP, SV_PROBE_LIVENESS, SV_PROBE_READINESS, SV_PROBE_N };
#define SV_PROBE_HIST 5
#define SV_PROBE_OUT_MAX 4096       /* output kept of a probe run */
#define SV_PROBE_HIST_OUT 200       /* output kept per history entry */

struct sv_probe_result {
	char time[SV_TIME_LEN];
	bool ok;
	int32_t duration_ms;
	char output[SV_PROBE_HIST_OUT];
};

/* One probe of one container; allocated only for probes the pod has. */
struct sv_probe {
	const struct pod_probe *spec;
	enum sv_probe_kind kind;
	bool active;                /* scheduled: the container runs and this probe applies */
	bool running;
	int64_t next_ms, deadline_ms, began_ms;
	/* exec */
	pid_t pid;                  /* the running exec, or one killed at its timeout, 0 */
	bool timed_out;
	int out_fd;
	size_t out_len;
	char out[SV_PROBE_OUT_MAX];
	/* httpGet, tcpSocket */
	struct probe_net net;
	int consec_fail, consec_ok;
	unsigned n_results;
	struct sv_probe_result hist[SV_PROBE_HIST];  /* ring, n_results % 5 is next */
	/* For metrics (sv_metrics.c): results since the pod started, and
	 * their durations in the default histogram buckets. */
	uint64_t n_ok, n_failed;
	uint64_t dur_counts[MX_DEF_BUCKETS + 1];
	double dur_sum;
	char last_output[SV_PROBE_OUT_MAX];
};

struct sv_stream {
	int fd;
	size_t len;
	char buf[SV_LOG_BUF];
};

/* How a container's run ended, as a Pod's containerStatuses report it. */
struct sv_term {
	bool set;
	int code, signal;
	const char *reason;        /* static string */
	char message[256];         /* Unhealthy: the probe's last output */
	char started_at[SV_TIME_LEN], finished_at[SV_TIME_LEN];
};

/* A container's image when `image` is a reference: its record is pinned
 * (LOCK_SH on the record: record.h) from pod setup to teardown, so rm and
 * prune leave its layers alone while a container may use them. */
struct sv_image {
	char id[IMG_DIGEST_SIZE];
	int pin;                    /* -1: none (a local rootfs) */
	struct img_config *cfg;     /* NULL: a local rootfs */
};

/* A PSI trigger on one of a container's pressure files (sv_psi.c): armed
 * while it runs.  `high` from the first trigger event of an episode until
 * SV_PSI_CLEAR_MS pass without one. */
struct sv_psi {
	int fd;                     /* -1: not armed */
	unsigned arms;              /* times armed: its parity tags the epoll entry */
	bool high;
	int64_t last_ms;            /* the last trigger event */
	unsigned episode_events;    /* trigger events in this episode */
	uint64_t events;            /* trigger events since the pod started */
	double avg10;               /* "some" avg10 read at the last event */
};

#define SV_PSI_CLEAR_MS 10000

struct sv_ctr {
	const struct pod_container *c;
	char id[256];
	char dir[PATH_MAX];
	char cg[1024];              /* cgroup directory, "" when unknown */
	enum cstate st;             /* changed only by sv_set_state() */
	int64_t st_since_ms;        /* when st last changed */
	const char *st_why;         /* and why (static text) */
	bool created;               /* a runtime container exists */
	pid_t pid;
	int pidfd;
	pid_t prestop_pid;          /* a running preStop exec, 0 */
	struct sv_stream out[2];
	struct cri_logfile log;
	int restarts;
	int64_t started_ms, restart_at_ms, next_delay_ms, backoff_ms;
	int64_t started_unix;       /* wall-clock seconds of the start, for metrics */
	int64_t mem_limit;          /* bytes, -1: none; raised by oom-policy grow */
	char started_at[SV_TIME_LEN];
	struct sv_term last;        /* the previous run's end */
	struct sv_probe *probes[SV_PROBE_N];   /* NULL: no such probe */
	bool startup_done;          /* the startup probe succeeded (or there is none) */
	bool ready;                 /* the readiness probe succeeded (or there is none) */
	bool unhealthy;             /* TERMINATING because a liveness/startup probe failed */
	int64_t kill_at_ms;         /* unhealthy: SIGKILL then, 0 */
	char *term_message;         /* why it was killed (probe output), malloc'ed */
	int notify_fd;              /* sd-notify relay socket, -1 */
	struct oci_config *cfg;     /* the running container's config, NULL */
	const struct sv_profile *profile;  /* its seccomp profile, NULL: none */
	struct rt_seccomp *seccomp; /* profile->bpf while it runs (its execs use it too), NULL */
	bool notify_ready;          /* sd-notify: READY=1 came in this run */
	char notify_dir[PATH_MAX];
	bool exited, succeeded;
	struct sv_image img;        /* an image reference's config and pin (sv_image.c) */
	struct sv_psi psi[POD_PRESSURE_N];
	int64_t psi_grown_ms;       /* when pressure last raised its memory limit */
};

/* The pod's network (sv_net*.c): what setup attached, for teardown. */
struct sv_net {
	struct cni_conflist *list;  /* the network joined, NULL: none (hostNetwork, none) */
	char *conf_text;            /* its config as read */
	char *source;               /* where it came from (a path, "built-in") */
	char cid[160];              /* CNI_CONTAINERID */
	char args[512];             /* CNI_ARGS */
	char netns[PATH_MAX + 16];  /* <state dir>/netns, the pinned namespace */
	bool pinned;
	bool attached;              /* ADD was started: DEL at teardown */
	bool added;                 /* ADD finished */
	bool del_failed;            /* keep network.json, the pin and the state dir */
	char *result;               /* the final ADD result */
	struct cni_port_mapping *maps;
	size_t n_maps;
	int *port_fds;              /* hostPorts held open (reserved) on the host */
	size_t n_port_fds;
	char ip4[48], ip6[48];      /* the pod's addresses, "" */
	char host_ip[48];
	bool names;                 /* hosts, resolv.conf, hostname written: mount them */
	char timing[256];           /* "bridge 31, portmap 140" (ms per ADD), for the event */
	int64_t add_ms;
};

/* A control-socket client: one request line, one reply, then closed. */
struct sv_conn {
	int fd;
	size_t len;
	char buf[256];
};

struct sv {
	const struct rt_ctx *ctx;
	const struct pod_spec *pod;
	const struct sv_opts *o;
	char dir[PATH_MAX];
	char log_dir[PATH_MAX];
	char pod_cg[1024];
	char cg_base[512];          /* the pod cgroup, relative to the cgroup2 root */
	char started_at[SV_TIME_LEN];
	char ended_at[SV_TIME_LEN];     /* when teardown began: status.json shows it */
	struct sv_pod_ns ns;
	struct sv_net net;
	int ep, sfd, tfd, lock_fd, ctl_fd;
	struct cri_logfile events;
	struct sv_conn conns[SV_MAX_CONNS];
	struct sv_ctr *cs;
	size_t n, n_init, init_next;
	struct img_store store;     /* open (unlocked) when a container uses an image */
	bool pod_mem_limited;       /* the pod cgroup has memory.max */
	/* The seccomp profiles in use, one per distinct file (sv_seccomp.c). */
	struct b_arena sc_arena;
	struct sv_profile *profiles;
	size_t n_profiles;
	enum pstate pst;            /* changed only by sv_pod_set_state() */
	int64_t pst_since_ms;
	const char *pst_why;
	bool main_started;          /* the pod got past its init containers (Initialized) */
	bool ready_sent, by_signal, by_request, failed;
	bool restart_requested;      /* `pod restart`: this stop ends in a new run */
	/* After `pod restart`, this run continues the pod: it takes over the
	 * state directory with its logs and events, and its lock, held
	 * across runs (held_lock) so that to everyone else the pod never
	 * stopped.  run: 1, 2, ... (berth.run). */
	bool continuing;
	int held_lock;
	unsigned run;
	bool ran;                    /* set up and started: an ended pod to keep */
	bool killed;                /* stopping: the grace period ran out, SIGKILL was sent */
	int64_t grace_deadline;
	int64_t watchdog_us, next_watchdog_ms;
	uint64_t wakeups;           /* epoll_wait returns with events: for metrics */
	bool psi_warned;            /* "no PSI here" said once */
	char last_status[160];      /* the last STATUS= sent */
	char pid_ns_path[64];       /* shareProcessNamespace: the namespace to join */
	struct sv_ctr *pid_owner;   /* the container whose pid namespace that is */
	struct b_err fatal;
};

int64_t sv_now_ms(void);
/* RFC 3339 UTC; `nanos` adds nine fractional digits (the log format). */
void sv_wall_time(char *buf, size_t size, bool nanos);
void sv_warn(struct sv *s, const struct b_err *e);

/* ---- states (sv_state.c) ---------------------------------------------- */

/* The one way a container's state changes: the move is checked against
 * sv_policy_transition_legal() (an illegal one is a bug, reported as a
 * warning and still made, so the pod does not wedge), its time and reason
 * are recorded and traced (--debug), then `ev`, when given, is emitted. */
void sv_set_state(struct sv *s, struct sv_ctr *c, enum cstate to, const char *why,
		  const struct sv_ev *ev);
/* The same for the pod. */
void sv_pod_set_state(struct sv *s, enum pstate to, const char *why);

static inline bool sv_stopping(const struct sv *s) { return s->pst >= PS_STOPPING_MAIN; }
static inline bool sv_alive(const struct sv_ctr *c) { return sv_cstate_alive(c->st); }
/* The supervisor can no longer trust its own state (it is stuck in a pod's
 * network namespace, or its children would be born in a container's pid
 * namespace): a "fatal" event says why, the error becomes the pod's
 * result, and the pod stops.  `c` is the container involved, or NULL. */
void sv_fatal(struct sv *s, const struct sv_ctr *c, const struct b_err *e);

/* ---- pressure (sv_psi.c) ---------------------------------------------- */

/* Arm the container's PSI triggers (its pod_container.pressure) once it
 * runs; a host without PSI, or a trigger the kernel refuses, is a warning
 * and no trigger. */
void sv_psi_arm(struct sv *s, struct sv_ctr *c);
void sv_psi_disarm(struct sv *s, struct sv_ctr *c);
/* A trigger's fd is ready (tag index = container * POD_PRESSURE_N + resource,
 * which = the parity of its arming). */
void sv_psi_io(struct sv *s, size_t idx, int parity, uint32_t revents);
/* Episodes quiet long enough end ("pressure-cleared"); sv_psi_next: when
 * that is next due, -1 for never (no side effects: the timer's schedule). */
void sv_psi_timer(struct sv *s, int64_t now);
int64_t sv_psi_next(const struct sv *s);
/* The pod cgroup's memory.max: the sum of its containers' current limits. */
void sv_pod_memory_update(struct sv *s);

/* ---- metrics (sv_metrics.c, sv_metrics_ksm.c) ------------------------- */

/* The pod's metrics in the Prometheus text format (metrics/expo.h),
 * malloc'ed; NULL when out of memory. */
char *sv_metrics_text(struct sv *s, size_t *len);
/* kube-state-metrics' families for the pod and its containers. */
void sv_metrics_ksm(struct b_text *t, const struct sv *s);
/* The reason a container is waiting, as the kubelet gives it; NULL when
 * it is not waiting. */
const char *sv_waiting_reason(const struct sv *s, const struct sv_ctr *c);
/* The metric labels namespace, pod: metadata.namespace or "berth". */
const char *sv_metrics_namespace(const struct sv *s);

/* ---- seccomp profiles (sv_seccomp.c) ---------------------------------- */

/* Read, parse and compile each container's profile, once per distinct
 * file, and point the container at it. */
int sv_seccomp_setup(struct sv *s, struct b_err *err);
void sv_seccomp_free(struct sv *s);

/* ---- images (sv_image.c) ------------------------------------------------ */

struct img_user;
/* Resolve, pull (per imagePullPolicy) and pin every container's image. */
int sv_images_setup(struct sv *s, struct b_err *err);
void sv_images_free(struct sv *s);
/* A fresh writable layer over the image's layers at <c->dir>/merged. */
int sv_image_mount(struct sv *s, struct sv_ctr *c, struct b_err *err);
/* The user the process runs as, from the mounted image's passwd/group. */
int sv_image_user(struct sv_ctr *c, const char *merged, struct img_user *u, struct b_err *err);

/* ---- events (sv_events.c) --------------------------------------------- */

struct sv_ev {
	const char *type;
	const struct sv_ctr *c;
	bool has_exit;
	int code, signal;
	const char *reason;
	int64_t backoff_ms;     /* < 0: none */
	int64_t from, to;       /* memory-grown: bytes */
	const char *probe;      /* probe-failed: "liveness", ... */
	const char *resource;   /* pressure, pressure-cleared: "memory", ... */
	double avg10;           /* pressure: the "some" avg10, percent */
	int64_t usage, limit;   /* pressure (memory): bytes, -1: unknown / none */
	const char *message;
};

void sv_event(struct sv *s, const struct sv_ev *e);
void sv_simple_event(struct sv *s, const char *type, const struct sv_ctr *c);
void sv_log_line(struct sv *s, struct sv_ctr *c, int which, const char *line,
		 size_t len, bool partial);

/* sd_notify(3) to $NOTIFY_SOCKET, if set. */
void sv_notify(const char *msg);
/* STATUS= with a one-line summary when it changed since the last one. */
void sv_notify_status(struct sv *s);

/* ---- status (sv_status.c) --------------------------------------------- */

/* The pod's status as a Pod object's status (docs/pod-supervisor.md);
 * malloc'ed, NULL on allocation failure. */
char *sv_status_json(struct sv *s, bool pretty, size_t *len);
const char *sv_phase(const struct sv *s);

/* ---- probes (sv_probe.c) ---------------------------------------------- */

int sv_probes_init(struct sv *s, struct sv_ctr *c);
void sv_probes_free(struct sv_ctr *c);
void sv_probes_start(struct sv *s, struct sv_ctr *c);    /* the container started */
void sv_probes_stop(struct sv *s, struct sv_ctr *c);     /* it stops or exited */
void sv_probes_timer(struct sv *s, int64_t now);
void sv_probes_spread(struct sv *s);
int64_t sv_probes_next(const struct sv *s);              /* earliest deadline, -1 */
void sv_probe_io(struct sv *s, size_t tag, uint32_t revents);
bool sv_probe_reaped(struct sv *s, pid_t pid, int status);
bool sv_ctr_ready(const struct sv_ctr *c);
/* Why it is not ready or not running, in a line for `pod ps` (back-off
 * time left, the failing probe and its output); "" when there is nothing
 * to add to its state. */
void sv_ctr_why(const struct sv_ctr *c, int64_t now, char *buf, size_t size);
bool sv_pod_ready(const struct sv *s);
/* A one-word health: "starting", "healthy", "unhealthy" or "" (no probe). */
const char *sv_ctr_health(const struct sv_ctr *c);
void sv_write_probes(struct jw *w, const struct sv_ctr *c);

/* ---- sd_notify relay (sv_notify_relay.c) ----------------------------- */

int sv_relay_open(struct sv *s, struct sv_ctr *c, struct b_err *err);
void sv_relay_read(struct sv *s, size_t idx);
void sv_relay_close(struct sv_ctr *c);

/* ---- control socket (sv_control.c) ------------------------------------ */

int sv_ctl_open(struct sv *s, struct b_err *err);
void sv_ctl_accept(struct sv *s);
void sv_ctl_read(struct sv *s, size_t idx);
void sv_ctl_close(struct sv *s);

/* ---- leftovers (sv_cleanup.c) ----------------------------------------- */

/* Remove what a dead supervisor of pod `name` left: its containers, the
 * pod cgroup (only if sv_pod_cgroup_open accepts it), mounts under `dir`,
 * and the contents of `dir` (open as `dirfd`, from sv_state_dir_open)
 * except its lock file (which the caller holds) and, with keep_logs, its
 * logs directory (not a symlink to a --log-dir, which is kept anyway). */
int sv_cleanup_leftovers(const struct rt_ctx *ctx, const char *name, const char *dir,
			 int dirfd, bool keep_logs, struct b_err *err);
/* An ended pod's state directory, once everything else of it is gone:
 * only its lock, status.json and logs stay (what pod ps -a, inspect,
 * logs and events read). */
int sv_prune_ended(const struct rt_ctx *ctx, const char *name, struct b_err *err);

/* ---- the pod's network (sv_net.c, sv_ports.c, sv_names.c, sv_net_gc.c) */

/* Attach the pod's network namespace to its network (nothing with
 * hostNetwork), publish its hostPorts and write its hosts/resolv.conf. */
int sv_net_setup(struct sv *s, struct b_err *err);
/* DEL, release the ports, drop the pod from its peers' hosts. */
void sv_net_teardown(struct sv *s);
void sv_net_free(struct sv *s);
/* After a supervisor died: DEL what its network.json in `dirfd` records
 * (each plugin exec limited to timeout_ms, <= 0: the default), unpin its
 * namespace.  Nothing to do is 0. */
int sv_net_cleanup_dir(const struct rt_ctx *ctx, const char *name, const char *dir, int dirfd,
		       int64_t timeout_ms, struct b_err *err);
/* CNI_CONTAINERID of pod `name` under ctx->root. */
void sv_net_container_id(const struct rt_ctx *ctx, const char *name, char *buf, size_t size);
/* Release what dead pods of this root left on the network: their
 * attachments (DEL) and host-local leases (sv_net_gc.c). */
void sv_net_gc(struct sv *s);
/* The hostPorts of the pod as port mappings; conflicts with other pods
 * and with the host are errors; the ports are held open (sv_ports.c). */
int sv_ports_reserve(struct sv *s, struct b_err *err);
void sv_ports_release(struct sv *s);
/* /etc/hosts, /etc/resolv.conf and /etc/hostname of the pod; the peers'
 * hosts files rewritten in place (sv_names.c). */
int sv_names_write(struct sv *s, struct b_err *err);
void sv_names_refresh_peers(struct sv *s);
/* Read pod `name`'s network.json from under ctx->root, only when its
 * supervisor runs (or, with dead_too, when it is dead but its network was
 * never torn down); NULL otherwise. */
struct cni_cache *sv_net_peer_cache(const struct rt_ctx *ctx, const char *name, bool dead_too);

/* ---- trust checks (sv_trust.c) ---------------------------------------- */

/* --log-dir: resolved into `resolved`, refused unless root's, writable by
 * nobody else and in a parent no other user controls.  Returns its fd. */
int sv_log_dir_open(const char *given, char *resolved, size_t size, struct b_err *err);
/* <root>/pods/<name>, each level checked (root's, writable by nobody
 * else; pods and the pod's dir not symlinks); with `create` what is
 * missing is made and *created tells whether the pod's dir was.  Returns
 * the pod dir's fd. */
int sv_state_dir_open(const char *root, const char *name, bool create, bool *created,
		      struct b_err *err);
/* Before the supervisor takes the pod cgroup: -EBUSY if it is marked as
 * another state dir's pod (the same name under another --root) and has
 * processes. */
int sv_pod_cgroup_check_free(const char *cg_abs, const char *state_dir, struct b_err *err);
/* Mark the pod cgroup the supervisor created as the pod of `state_dir`. */
int sv_pod_cgroup_mark(const char *cg_abs, const char *state_dir, struct b_err *err);
/* Open the pod cgroup `rel` recorded in the state dir `state_fd` for
 * killing, only if it is that pod's; its path goes to `abs`.  Returns the
 * cgroup's fd, -ENOENT (no error set) when it does not exist, or another
 * negative errno when it is refused. */
int sv_pod_cgroup_open(const char *rel, const char *name, int state_fd, char *abs,
		       size_t size, struct b_err *err);

/* The pod's cgroup path (relative to the cgroup2 root) for
 * sv_opts.cgroup_parent. */
int sv_cgroup_base(const char *parent, const char *name, char *buf, size_t size,
		   struct b_err *err);

/* ---- the pod from start to end --------------------------------------- */

/* flock(LOCK_EX) of a pod's lock file, retried for a second; -1 with
 * errno EWOULDBLOCK when its supervisor runs. */
int sv_lock_dead_pod(int fd);
/* <root>/pods/<name>, locked; *recovered: it was left by a dead
 * supervisor, whose leftovers are now gone (sv_claim.c). */
int sv_claim_dir(struct sv *s, bool *recovered, struct b_err *err);
/* Everything before the loop, and its undoing (sv_setup.c). */
int sv_setup(struct sv *s, struct b_err *err);
void sv_teardown(struct sv *s);

/* The loop (sv_loop.c), until the pod is DONE. */
void sv_loop(struct sv *s);
int sv_ep_add(struct sv *s, int fd, uint64_t tag, struct b_err *err);
void sv_pidfd_close(struct sv *s, struct sv_ctr *c);
/* READY=1 to systemd if the pod has just become ready. */
void sv_check_ready(struct sv *s);

/* The pod's state machine takes every step it can (sv_progress.c). */
void sv_progress(struct sv *s);

/* Container output (sv_output.c).  sv_stream_read returns true at EOF. */
bool sv_stream_read(struct sv *s, struct sv_ctr *c, int which);
void sv_stream_close(struct sv *s, struct sv_ctr *c, int which);
void sv_streams_drain(struct sv *s, struct sv_ctr *c);

/* Start container i (WAITING or BACKOFF); when it cannot be started it is
 * DONE and the pod stops (sv_start.c). */
void sv_start_or_fail(struct sv *s, size_t i);
/* Restart the containers whose backoff is over. */
void sv_restarts_due(struct sv *s, int64_t now);
void sv_ctr_drop_config(struct sv_ctr *c);

/* Collect every exited child (sv_exit.c). */
void sv_reap(struct sv *s);
/* The runtime container; a failure is only a warning. */
void sv_ctr_delete(struct sv *s, struct sv_ctr *c);

/* Stopping (sv_stop.c).  sv_begin_stop: the pod moves to STOPPING_MAIN
 * (once; `why` goes to the event), from the loop, the control socket or a
 * failure. */
void sv_begin_stop(struct sv *s, bool by_signal, const char *why);
/* A stop asked for during a restart's stop: no next run. */
void sv_cancel_restart(struct sv *s);
void sv_terminate(struct sv *s, struct sv_ctr *c);
void sv_send_stop_signal(struct sv *s, struct sv_ctr *c);
void sv_stop_sidecars(struct sv *s);
/* The grace period is over: SIGKILL to every container still alive. */
void sv_grace_check(struct sv *s, int64_t now);

/* A debug line (--debug) through the runtime context's log callback. */
void sv_trace(struct sv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
