/* OCI runtime-spec config.json (Linux) as plain C structs.
 *
 * specs/ is the only layer that touches JSON.  Everything below is filled by
 * oci_config_parse() and already validated: enums are resolved to kernel
 * constants, paths that must be absolute are, capability names are numbers.
 * All memory lives in the config's arena and is released by oci_config_free().
 *
 * Optional scalars carry a has_* flag; optional objects are NULL when absent;
 * arrays are (pointer, count) pairs; string lists are NULL-terminated. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/arena.h"
#include "common/error.h"

/* GNU C predefines `linux` as 1; the spec's field is called that. */
#undef linux

struct oci_kv {
	char *key;
	char *value;
};

struct oci_kv_list {
	struct oci_kv *items;
	size_t n;
};

/* ---- mounts ---------------------------------------------------------- */

struct oci_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct oci_mount {
	char *destination;   /* absolute (validated) */
	char *type;          /* may be NULL (bind mounts) */
	char *source;        /* may be NULL */
	char **options;      /* raw option strings, NULL-terminated, never NULL */
	struct oci_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct oci_idmap *gid_mappings;
	size_t n_gid_mappings;
};

/* ---- process --------------------------------------------------------- */

struct oci_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
};

/* Capability sets as bitmasks over CAP_* numbers (bit n = capability n). */
struct oci_caps {
	uint64_t bounding;
	uint64_t effective;
	uint64_t inheritable;
	uint64_t permitted;
	uint64_t ambient;
};

struct oci_rlimit {
	int resource;        /* RLIMIT_* */
	uint64_t soft;
	uint64_t hard;
};

struct oci_io_priority {
	int class;           /* IOPRIO_CLASS_RT / BE / IDLE (1, 2, 3) */
	int priority;        /* 0..7 */
};

struct oci_scheduler {
	int policy;          /* SCHED_* incl. SCHED_DEADLINE (6) */
	int32_t nice;
	uint32_t priority;
	uint64_t flags;      /* SCHED_FLAG_* bits */
	uint64_t runtime;
	uint64_t deadline;
	uint64_t period;
};

struct oci_process {
	bool terminal;
	bool has_console_size;
	unsigned console_height;
	unsigned console_width;
	struct oci_user user;
	char **args;          /* NULL-terminated, at least one element */
	char **env;           /* NULL-terminated, never NULL */
	char *cwd;            /* absolute */
	struct oci_caps *capabilities;   /* NULL: absent, capabilities left as inherited (as runc) */
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *apparmor_profile;          /* accepted; runtime reports unsupported if set */
	char *selinux_label;             /* ditto */
	struct oci_io_priority *io_priority;
	struct oci_scheduler *scheduler;
};

/* ---- hooks ----------------------------------------------------------- */

struct oci_hook {
	char *path;           /* absolute */
	char **args;          /* NULL-terminated, may be empty */
	char **env;           /* NULL-terminated, may be empty */
	int timeout;          /* seconds, 0 = no timeout */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_KINDS
};

struct oci_hook_list {
	struct oci_hook *items;
	size_t n;
};

/* ---- linux ----------------------------------------------------------- */

enum oci_ns_kind {
	OCI_NS_PID,
	OCI_NS_NETWORK,
	OCI_NS_MOUNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME,
	OCI_NS_KINDS
};

struct oci_namespace {
	enum oci_ns_kind kind;
	int clone_flag;       /* CLONE_NEW* */
	char *path;           /* NULL: create a new one */
};

struct oci_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

struct oci_device {
	char type;            /* 'c', 'u', 'b', 'p' */
	char *path;           /* absolute */
	int64_t major;
	int64_t minor;
	bool has_file_mode;
	uint32_t file_mode;
	bool has_uid;
	uint32_t uid;
	bool has_gid;
	uint32_t gid;
};

struct oci_device_rule {
	bool allow;
	char type;            /* 'a', 'c', 'b' */
	int64_t major;        /* -1 = wildcard */
	int64_t minor;        /* -1 = wildcard */
	char access[4];       /* subset of "rwm" */
};

struct oci_weight_device {
	int64_t major, minor;
	bool has_weight;
	uint16_t weight;
	bool has_leaf_weight;
	uint16_t leaf_weight;
};

struct oci_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

struct oci_hugepage_limit {
	char *page_size;      /* "2MB", "1GB" */
	uint64_t limit;
};

/* Integer limits use INT64 with has_* flags; -1 means unlimited where the
 * spec says so (memory.limit, swap, pids.limit). */
struct oci_resources {
	struct oci_device_rule *devices;
	size_t n_devices;

	bool has_memory_limit;       int64_t memory_limit;
	bool has_memory_reservation; int64_t memory_reservation;
	bool has_memory_swap;        int64_t memory_swap;
	bool has_memory_kernel;      int64_t memory_kernel;      /* v1 only: rejected by cgroups/ if set */
	bool has_memory_kernel_tcp;  int64_t memory_kernel_tcp;  /* v1 only */
	bool has_memory_swappiness;  uint64_t memory_swappiness; /* v1 only */
	bool has_disable_oom_killer; bool disable_oom_killer;    /* v1 only */
	bool has_use_hierarchy;      bool use_hierarchy;         /* v1 only */
	bool has_check_before_update; bool check_before_update;

	bool has_cpu_shares;  uint64_t cpu_shares;
	bool has_cpu_quota;   int64_t cpu_quota;
	bool has_cpu_burst;   uint64_t cpu_burst;
	bool has_cpu_period;  uint64_t cpu_period;
	bool has_cpu_realtime_runtime; int64_t cpu_realtime_runtime;
	bool has_cpu_realtime_period;  uint64_t cpu_realtime_period;
	char *cpu_cpus;
	char *cpu_mems;
	bool has_cpu_idle;    int64_t cpu_idle;

	bool has_pids_limit;  int64_t pids_limit;

	bool has_blkio_weight;      uint16_t blkio_weight;
	bool has_blkio_leaf_weight; uint16_t blkio_leaf_weight;
	struct oci_weight_device *blkio_weight_devices;
	size_t n_blkio_weight_devices;
	struct oci_throttle_device *throttle_read_bps;    size_t n_throttle_read_bps;
	struct oci_throttle_device *throttle_write_bps;   size_t n_throttle_write_bps;
	struct oci_throttle_device *throttle_read_iops;   size_t n_throttle_read_iops;
	struct oci_throttle_device *throttle_write_iops;  size_t n_throttle_write_iops;

	struct oci_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;

	bool has_network;     /* v1 only (classID/priorities): accepted, ignored with a note */

	struct oci_kv_list unified;   /* cgroup v2 file name -> value */
};

enum oci_seccomp_op {
	OCI_SCMP_NE, OCI_SCMP_LT, OCI_SCMP_LE, OCI_SCMP_EQ,
	OCI_SCMP_GE, OCI_SCMP_GT, OCI_SCMP_MASKED_EQ
};

struct oci_seccomp_arg {
	unsigned index;       /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum oci_seccomp_op op;
};

/* Actions are stored as libseccomp-independent enums; runtime/ maps them. */
enum oci_seccomp_action {
	OCI_SCMP_ACT_KILL,          /* SCMP_ACT_KILL (thread) */
	OCI_SCMP_ACT_KILL_PROCESS,
	OCI_SCMP_ACT_KILL_THREAD,
	OCI_SCMP_ACT_TRAP,
	OCI_SCMP_ACT_ERRNO,
	OCI_SCMP_ACT_TRACE,
	OCI_SCMP_ACT_ALLOW,
	OCI_SCMP_ACT_LOG,
	OCI_SCMP_ACT_NOTIFY
};

struct oci_seccomp_syscall {
	char **names;         /* NULL-terminated, at least one */
	enum oci_seccomp_action action;
	bool has_errno_ret;
	uint32_t errno_ret;
	struct oci_seccomp_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	enum oci_seccomp_action default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char **architectures; /* "SCMP_ARCH_X86_64", ... NULL-terminated, never NULL */
	char **flags;         /* "SECCOMP_FILTER_FLAG_LOG", ... never NULL */
	char *listener_path;
	char *listener_metadata;
	struct oci_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

/* How large a profile may be.  An entry becomes one libseccomp rule per
 * name and per combination of one condition for each argument index it
 * uses (runtime/seccomp.h).  libseccomp's time grows much faster than the
 * rule count, and faster still with argument comparisons: 1 KB of 8 names
 * x 6 arguments x 4 values (32768 rules) takes half a minute and 40 MB
 * before it ends in E2BIG.  Docker's, containerd's and podman's default
 * profiles have at most ~470 rules and ~10 comparisons; at these limits a
 * profile compiles in well under a second. */
#define OCI_SECCOMP_MAX_RULES 2048
#define OCI_SECCOMP_MAX_ARG_CMPS 256

/* Within those limits: 0.  Else -E2BIG, *entry is the index of the
 * syscalls[] entry that goes over and `msg` says which limit and how. */
int oci_seccomp_check_size(const struct oci_seccomp *s, size_t *entry, char *msg,
			   size_t size);

struct oci_personality {
	unsigned long domain; /* PER_LINUX or PER_LINUX32 */
	char **flags;         /* currently no flags are defined; kept verbatim */
};

struct oci_linux {
	struct oci_namespace namespaces[OCI_NS_KINDS];
	size_t n_namespaces;
	struct oci_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct oci_idmap *gid_mappings;
	size_t n_gid_mappings;
	struct oci_time_offset time_monotonic;
	struct oci_time_offset time_boottime;
	struct oci_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct oci_resources *resources;   /* NULL when absent */
	struct oci_kv_list sysctl;
	struct oci_seccomp *seccomp;       /* NULL when absent */
	unsigned long rootfs_propagation;  /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (|MS_REC for r*), 0 = unset */
	char **masked_paths;               /* never NULL */
	char **readonly_paths;             /* never NULL */
	char *mount_label;
	struct oci_personality *personality;
};

struct oci_config {
	struct b_arena arena;
	char *oci_version;
	char *root_path;       /* as written (may be relative to the bundle) */
	bool root_readonly;
	struct oci_mount *mounts;
	size_t n_mounts;
	struct oci_process *process;  /* NULL when absent */
	char *hostname;
	char *domainname;
	struct oci_hook_list hooks[OCI_HOOK_KINDS];
	struct oci_kv_list annotations;
	bool has_linux;
	struct oci_linux linux;
};

/* Parse and validate.  `name` is how the document is named in messages
 * ("config.json"); errors read "<name>: <json.path>: <what was expected>".
 * On failure returns a negative code, fills err, and *out is untouched. */
int oci_config_parse(const char *name, const char *json, size_t len,
		     struct oci_config **out, struct b_err *err);
int oci_config_load(const char *path, const char *name,
		    struct oci_config **out, struct b_err *err);
void oci_config_free(struct oci_config *cfg);
static inline void oci_config_freep(struct oci_config **p)
{
	if (*p)
		oci_config_free(*p);
}

/* Parse a bare "process" object (exec --process FILE). */
int oci_process_parse(const char *name, const char *json, size_t len,
		      struct b_arena *arena, struct oci_process **out,
		      struct b_err *err);

/* Parse a bare linux.resources object (`update --resources FILE`). */
int oci_resources_parse(const char *name, const char *json, size_t len,
			struct b_arena *arena, struct oci_resources **out,
			struct b_err *err);

/* The namespace entry for a kind, or NULL if the config does not list it. */
const struct oci_namespace *oci_config_ns(const struct oci_config *cfg,
					  enum oci_ns_kind kind);

/* Capability name <-> number ("CAP_SYS_ADMIN" <-> 21); -1 when unknown. */
int oci_cap_from_name(const char *name);
const char *oci_cap_name(int cap);
int oci_cap_last(void);

/* Rlimit name <-> RLIMIT_* number ("RLIMIT_NOFILE" <-> 7); -1/NULL when
 * unknown.  Lets runtime/ name the limit it failed to set. */
int oci_rlimit_from_name(const char *name);
const char *oci_rlimit_name(int resource);

const char *oci_ns_name(enum oci_ns_kind kind);      /* "pid", "network", ... */
const char *oci_hook_kind_name(enum oci_hook_kind k); /* "prestart", "createRuntime", ... */
