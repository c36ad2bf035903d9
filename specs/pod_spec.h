/* A Kubernetes core/v1 Pod manifest (the subset berth runs) as plain C
 * structs.  docs/pod-spec.md lists every field, its default and where berth
 * differs from Kubernetes.
 *
 * pod_spec_parse() validates everything that can be checked without
 * touching the host and applies the defaults, so the supervisor reads final
 * values: container security settings already include what they inherit
 * from spec.securityContext, resource requests default to the limits,
 * probes carry their default timings, named probe ports are resolved to
 * numbers, volume mounts point at their volume, and the berth.dev/
 * annotations are decoded into oom_policy / oom_grow / backoff / network.
 *
 * Conventions as in oci_config.h: everything lives in the pod's arena and is
 * released by pod_spec_free(); optional scalars carry a has_* flag (or a
 * `set` member); optional objects are NULL when absent; arrays are
 * (pointer, count); string lists are NULL-terminated and never NULL unless
 * documented.  Messages read "<name>: <json.path>: <what is wrong>". */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/error.h"
#include "specs/oci_config.h"   /* struct oci_kv_list */

/* ---- enums ----------------------------------------------------------- */

enum pod_restart_policy {
	POD_RESTART_ALWAYS,      /* the default */
	POD_RESTART_ON_FAILURE,
	POD_RESTART_NEVER,
};

enum pod_protocol {
	POD_PROTO_TCP,           /* the default */
	POD_PROTO_UDP,
	POD_PROTO_SCTP,
};

enum pod_seccomp_type {
	POD_SECCOMP_UNCONFINED,
	POD_SECCOMP_RUNTIME_DEFAULT,  /* berth_default_seccomp_json(); the default when neither level sets one */
	POD_SECCOMP_LOCALHOST,   /* a profile file, see pod_seccomp.localhost_path */
};

enum pod_termination_message_policy {
	POD_TERMINATION_MESSAGE_FILE,                /* the default */
	POD_TERMINATION_MESSAGE_FALLBACK_TO_LOGS,    /* FallbackToLogsOnError */
};

enum pod_handler_kind {
	POD_HANDLER_EXEC,
	POD_HANDLER_HTTP_GET,
	POD_HANDLER_TCP_SOCKET,
};

enum pod_volume_kind {
	POD_VOLUME_HOST_PATH,
	POD_VOLUME_EMPTY_DIR,
};

/* hostPath.type; UNSET ("") does no check before mounting. */
enum pod_host_path_type {
	POD_HOST_PATH_UNSET,
	POD_HOST_PATH_DIRECTORY_OR_CREATE,
	POD_HOST_PATH_DIRECTORY,
	POD_HOST_PATH_FILE_OR_CREATE,
	POD_HOST_PATH_FILE,
	POD_HOST_PATH_SOCKET,
	POD_HOST_PATH_CHAR_DEVICE,
	POD_HOST_PATH_BLOCK_DEVICE,
};

/* berth.dev/oom-policy[.<container>]: what happens when the kernel
 * OOM-kills a container.  The supervisor defines the details. */
enum pod_oom_policy {
	POD_OOM_RESTART,         /* the default: like any other exit (restartPolicy, backoff) */
	POD_OOM_STOP,            /* leave the container stopped */
	POD_OOM_GROW,            /* restart it with its memory limit raised (pod_oom_grow) */
};

/* spec.dnsPolicy: where the pod's /etc/resolv.conf starts from. */
enum pod_dns_policy {
	POD_DNS_CLUSTER_FIRST,             /* the default; berth has no cluster DNS and treats it as Default */
	POD_DNS_CLUSTER_FIRST_WITH_HOST_NET,
	POD_DNS_DEFAULT,
	POD_DNS_NONE,
};

/* imagePullPolicy.  DEFAULT: absent; the supervisor applies Kubernetes'
 * default for the reference (images/ref.h img_default_pull_policy()). */
enum pod_pull_policy {
	POD_PULL_DEFAULT,
	POD_PULL_ALWAYS,
	POD_PULL_IF_NOT_PRESENT,
	POD_PULL_NEVER,
};

/* ---- containers ------------------------------------------------------ */

/* A resource amount: cpu in millicores, memory in bytes. */
struct pod_quantity {
	bool set;
	int64_t value;
	const char *text;        /* as written in the manifest ("512Mi") */
};

/* When a limit is set and its request is not, the request is the limit
 * (text and value), as Kubernetes defaults it.  requests <= limits. */
struct pod_resources {
	struct pod_quantity cpu_limit;       /* millicores */
	struct pod_quantity cpu_request;     /* millicores */
	struct pod_quantity memory_limit;    /* bytes, a whole number */
	struct pod_quantity memory_request;  /* bytes, a whole number */
};

struct pod_env {
	char *name;              /* non-empty printable ASCII without '=' */
	char *value;             /* "" when absent; $(VAR) references are not expanded here */
};

struct pod_port {
	char *name;              /* IANA_SVC_NAME, unique in the container; NULL when absent */
	uint16_t container_port; /* 1..65535 */
	enum pod_protocol protocol;
	uint16_t host_port;      /* 0: none */
	char *host_ip;           /* NULL: all addresses; else a valid IPv4 or IPv6 address text */
};

struct pod_seccomp {
	enum pod_seccomp_type type;
	char *localhost_profile; /* as written (Localhost only) */
	char *localhost_path;    /* localhost_profile resolved against the pod's base_dir */
};

/* Capability changes with numbers from oci_cap_from_name() as bits.  An
 * "ALL" entry sets add_all / drop_all; see pod_container_capabilities(). */
struct pod_caps {
	uint64_t add;
	uint64_t drop;
	bool add_all;
	bool drop_all;
};

/* The effective security settings of a container: its own
 * securityContext, falling back to spec.securityContext for runAsUser,
 * runAsGroup, runAsNonRoot and seccompProfile. */
struct pod_security {
	bool has_run_as_user;
	uint32_t run_as_user;            /* unset: 0 (a local rootfs has no USER; an image's
					  * User applies, see supervisor/image_proc.h) */
	bool has_run_as_group;
	uint32_t run_as_group;           /* unset: 0 */
	/* Validated for a local rootfs: then run_as_user != 0.  For an image
	 * reference only a runAsUser of 0 is refused here; the image's User
	 * is checked when the container starts (sv_image_verify_non_root). */
	bool run_as_non_root;
	bool read_only_root_filesystem;
	bool allow_privilege_escalation; /* default true; see pod_container_no_new_privs() */
	bool privileged;
	struct pod_caps caps;
	struct pod_seccomp seccomp;
};

struct pod_volume;

struct pod_volume_mount {
	char *name;
	struct pod_volume *volume;       /* the spec.volumes entry named */
	char *mount_path;                /* absolute, unique in the container */
	bool read_only;
	char *sub_path;                  /* relative, no "..", NULL when absent */
};

struct pod_http_header {
	char *name;
	char *value;
};

/* A probe or lifecycle handler: exactly one of exec / httpGet / tcpSocket. */
struct pod_handler {
	enum pod_handler_kind kind;
	char **command;                  /* EXEC: at least one element; NULL otherwise */
	uint16_t port;                   /* HTTP_GET, TCP_SOCKET: resolved number */
	char *port_name;                 /* the named port it was given as, or NULL */
	char *host;                      /* NULL: the pod's own address */
	char *path;                      /* HTTP_GET: default "/" */
	struct pod_http_header *http_headers;
	size_t n_http_headers;
};

/* Timings in seconds, defaults applied (a 0 in the manifest means the
 * default, as Kubernetes' defaulting does for these fields). */
struct pod_probe {
	struct pod_handler handler;
	int32_t initial_delay_seconds;   /* default 0 */
	int32_t period_seconds;          /* default 10 */
	int32_t timeout_seconds;         /* default 1 */
	int32_t success_threshold;       /* default 1; always 1 for liveness and startup */
	int32_t failure_threshold;       /* default 3 */
	bool has_termination_grace_period;  /* liveness and startup only */
	int64_t termination_grace_period_seconds;  /* >= 1; overrides the pod's */
};

/* berth.dev/pressure[.<container>]: the PSI trigger the supervisor arms
 * on the container's <resource>.pressure ("some" stall of stall_us within
 * any window_us), and whether it is off.  docs/pod-supervisor.md. */
enum pod_pressure_res { POD_PRESSURE_CPU, POD_PRESSURE_MEMORY, POD_PRESSURE_IO, POD_PRESSURE_N };

struct pod_pressure {
	bool off;
	int64_t stall_us;                /* 1 .. window_us */
	int64_t window_us;               /* 500 ms .. 10 s */
};

const char *pod_pressure_res_name(enum pod_pressure_res r);   /* "cpu", "memory", "io" */

struct pod_container {
	char *name;                      /* DNS-1123 label, unique in the pod */
	bool init;                       /* from spec.initContainers */
	bool sidecar;                    /* init container with restartPolicy Always */
	/* As written.  A local root filesystem when it starts with "/", "./"
	 * or "../" or is "." or ".."; anything else is an image reference,
	 * only checked here for being non-empty without blanks or control
	 * characters (the supervisor parses it with images/ref.h). */
	char *image;
	char *rootfs;                    /* local: image as a clean absolute path; reference: NULL */
	enum pod_pull_policy pull_policy;  /* accepted and ignored for a local rootfs */
	/* command: at least one element, its first non-empty.  Required for a
	 * local rootfs (no ENTRYPOINT to default to); for a reference NULL
	 * when absent or [] (the image's Entrypoint/Cmd apply, §9 of
	 * docs/design/image-facts.md). */
	char **command;
	char **args;                     /* empty when absent */
	struct pod_env *env;
	size_t n_env;
	/* Absolute.  Local rootfs: default "/"; reference: NULL when absent
	 * (the image's WorkingDir, else "/"). */
	char *working_dir;
	struct pod_port *ports;
	size_t n_ports;
	struct pod_resources resources;
	struct pod_security security;
	struct pod_volume_mount *mounts;
	size_t n_mounts;
	char **pre_stop;                 /* lifecycle.preStop.exec.command, NULL when absent */
	char *termination_message_path;  /* default "/dev/termination-log" */
	enum pod_termination_message_policy termination_message_policy;
	struct pod_probe *liveness;      /* NULL when absent */
	struct pod_probe *readiness;
	struct pod_probe *startup;
	enum pod_oom_policy oom_policy;  /* from the annotations, default RESTART */
	struct pod_pressure pressure[POD_PRESSURE_N];  /* berth.dev/pressure[.<name>] */
	bool sd_notify;                  /* berth.dev/sd-notify.<name>: relay its sd_notify */
};

/* ---- volumes --------------------------------------------------------- */


struct pod_volume {
	char *name;                      /* DNS-1123 label, unique */
	enum pod_volume_kind kind;
	/* POD_VOLUME_HOST_PATH */
	char *host_path;                 /* absolute, no ".." */
	enum pod_host_path_type host_path_type;
	/* POD_VOLUME_EMPTY_DIR */
	bool memory;                     /* medium: Memory (tmpfs) */
	struct pod_quantity size_limit;  /* bytes */
};

/* ---- the pod --------------------------------------------------------- */

/* spec.dnsConfig.options[]: "name" or "name:value" in resolv.conf. */
struct pod_dns_option {
	char *name;                      /* non-empty, no blanks */
	char *value;                     /* NULL when absent */
};

/* spec.dnsConfig, merged into what dnsPolicy gives (netns/names.h). */
struct pod_dns_config {
	char **nameservers;              /* never NULL; at most 3, each a valid IP */
	char **searches;                 /* never NULL; at most 32 */
	struct pod_dns_option *options;
	size_t n_options;
};

/* spec.hostAliases[]: extra /etc/hosts lines. */
struct pod_host_alias {
	char *ip;                        /* a valid IPv4 or IPv6 address */
	char **hostnames;                /* >= 1; non-empty, no blanks or '#' */
};

/* berth.dev/oom-grow "factor,max": each OOM kill multiplies the memory
 * limit by factor, up to max bytes. */
struct pod_oom_grow {
	bool set;
	double factor;                   /* > 1 */
	int64_t max_bytes;
	const char *max_text;
};

/* berth.dev/restart-backoff "initial,max,reset": the first restart is
 * immediate, the next waits `initial`, doubling up to `max`; a container
 * that ran for `reset` starts over.  Default: the kubelet's 10s,300s,10m. */
struct pod_backoff {
	int64_t initial_ms;
	int64_t max_ms;
	int64_t reset_ms;
};

struct pod_spec {
	struct b_arena arena;
	char *base_dir;                  /* absolute directory relative paths were resolved against */

	/* metadata */
	char *name;                      /* DNS-1123 label */
	char *namespace_;                /* NULL when absent; informational */
	struct oci_kv_list labels;
	struct oci_kv_list annotations;
	char *source;                    /* the manifest as JSON (YAML converted), for inspect */

	/* spec */
	enum pod_restart_policy restart_policy;
	int64_t termination_grace_period_seconds;  /* default 30 */
	char *hostname;                  /* default: name */
	bool host_network;
	bool host_pid;
	bool host_ipc;
	bool share_process_namespace;
	/* spec.securityContext as written; containers hold the merged result. */
	bool has_run_as_user;
	uint32_t run_as_user;
	bool has_run_as_group;
	uint32_t run_as_group;
	bool run_as_non_root;
	struct pod_seccomp seccomp;      /* RUNTIME_DEFAULT when absent */
	struct oci_kv_list sysctls;      /* name -> value, ready for linux.sysctl */
	enum pod_dns_policy dns_policy;  /* default CLUSTER_FIRST */
	bool has_dns_config;
	struct pod_dns_config dns_config;  /* lists empty (not NULL) when absent */
	struct pod_host_alias *host_aliases;
	size_t n_host_aliases;

	struct pod_volume *volumes;
	size_t n_volumes;
	struct pod_container *init_containers;   /* in start order; sidecars included */
	size_t n_init_containers;
	struct pod_container *containers;
	size_t n_containers;

	/* berth.dev/ annotations */
	struct pod_oom_grow oom_grow;
	struct pod_backoff backoff;
	/* berth.dev/network: NULL = the default network; "none" is decoded into no_network */
	char *network;
	bool no_network;
};

/* ---- parsing --------------------------------------------------------- */

/* Parse and validate a Pod manifest.  `name` names the document in
 * messages ("pod.json"); `base_dir` is the absolute directory that
 * relative image and localhostProfile paths are resolved against (the pod
 * file's directory; NULL: the current directory).  On failure returns a
 * negative errno, fills err and leaves *out untouched. */
int pod_spec_parse(const char *name, const char *base_dir, const char *json,
		   size_t len, struct pod_spec **out, struct b_err *err);

/* Read `path` and parse it with its own directory as base_dir and the path
 * as written as the name in messages. */
/* The Pods of one file: one Pod, a `kind: List` of them, or (YAML)
 * several documents.  Names are unique within the file. */
struct pod_list {
	struct pod_spec **v;
	size_t n;
};
int pod_spec_parse_all(const char *name, const char *base_dir, const char *text, size_t len,
		       struct pod_list *out, struct b_err *err);
int pod_spec_load_all(const char *path, struct pod_list *out, struct b_err *err);
void pod_list_free(struct pod_list *l);

struct jw;
/* The manifest's member (`spec`, say) as it was written, into w (JSON,
 * YAML converted): `inspect` shows the spec as Kubernetes does.  -ENOENT
 * when absent. */
int pod_spec_write_member(struct jw *w, const struct pod_spec *pod, const char *member);

int pod_spec_load(const char *path, struct pod_spec **out, struct b_err *err);

void pod_spec_free(struct pod_spec *pod);
static inline void pod_spec_freep(struct pod_spec **p)
{
	if (*p)
		pod_spec_free(*p);
}

/* ---- helpers for the supervisor -------------------------------------- */

/* The container named `name` among init and regular containers, or NULL. */
const struct pod_container *pod_find_container(const struct pod_spec *pod,
					       const char *name);

/* cgroup v2 cpu.max period (µs) that pod_cpu_quota() is computed for. */
#define POD_CPU_PERIOD 100000

/* cpu.max quota for a cpu limit in millicores, as the kubelet computes it:
 * millis * 100 (a 100ms period), at least 1000µs; 0 means no limit
 * ("max"). */
uint64_t pod_cpu_quota(int64_t millis);

/* OCI cpu.shares for a cpu request in millicores, as the kubelet computes
 * it: millis * 1024 / 1000 clamped to 2..262144 (no request: 2). */
uint64_t pod_cpu_shares(int64_t millis);

/* The memory limit in bytes, or -1 for none (OCI's "unlimited"). */
int64_t pod_memory_limit(const struct pod_container *c);

/* The capability set the container's process gets (bit n = CAP number n):
 * all when privileged, else containerd's default set changed by the
 * container's add/drop lists ("ALL" first, then the single names). */
uint64_t pod_container_capabilities(const struct pod_container *c);

/* All five sets for the container's process, by its user (specs/pod_caps.c):
 * root gets the set above as bounding, permitted and effective; a non-root
 * user only what capabilities.add names, as ambient. */
void pod_container_cap_sets(const struct pod_container *c, struct oci_caps *out);

/* The default set above (CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD,
 * NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT,
 * KILL, AUDIT_WRITE). */
uint64_t pod_default_capabilities(void);

/* Whether to set no_new_privs: allowPrivilegeEscalation false and neither
 * privileged nor CAP_SYS_ADMIN (which Kubernetes refuses together). */
bool pod_container_no_new_privs(const struct pod_container *c);

/* Names for messages and state output. */
const char *pod_restart_policy_name(enum pod_restart_policy p);  /* "Always", ... */
const char *pod_oom_policy_name(enum pod_oom_policy p);          /* "restart", ... */
const char *pod_seccomp_type_name(enum pod_seccomp_type t);      /* "RuntimeDefault", ... */
const char *pod_dns_policy_name(enum pod_dns_policy p);          /* "ClusterFirst", ... */
