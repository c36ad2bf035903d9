/* Name tables for the public enums: capabilities, rlimits, namespaces and
 * hook kinds.  Static tables rather than libcap, so specs/ stays free of
 * system libraries other than yajl and a config names the same capabilities
 * whatever libcap version the build host has. */
#include <string.h>
#include <sys/resource.h>

#include "common/cleanup.h"
#include "specs/oci_config.h"

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_names[] = {
	"CAP_CHOWN",            /* 0 */
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",             /* 5 */
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", /* 10 */
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",        /* 15 */
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",        /* 20 */
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",         /* 25 */
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",    /* 30 */
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",       /* 35 */
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE", /* 40 */
};

_Static_assert(B_ARRAY_SIZE(cap_names) == 41, "capability table out of date");

int oci_cap_from_name(const char *name)
{
	for (size_t i = 0; i < B_ARRAY_SIZE(cap_names); i++)
		if (!strcmp(cap_names[i], name))
			return (int)i;
	return -1;
}

const char *oci_cap_name(int cap)
{
	if (cap < 0 || (size_t)cap >= B_ARRAY_SIZE(cap_names))
		return NULL;
	return cap_names[cap];
}

int oci_cap_last(void)
{
	return (int)B_ARRAY_SIZE(cap_names) - 1;
}

static const struct {
	const char *name;
	int resource;
} rlimits[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

int oci_rlimit_from_name(const char *name)
{
	for (size_t i = 0; i < B_ARRAY_SIZE(rlimits); i++)
		if (!strcmp(rlimits[i].name, name))
			return rlimits[i].resource;
	return -1;
}

const char *oci_rlimit_name(int resource)
{
	for (size_t i = 0; i < B_ARRAY_SIZE(rlimits); i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return NULL;
}

static const char *const ns_names[OCI_NS_KINDS] = {
	[OCI_NS_PID] = "pid",
	[OCI_NS_NETWORK] = "network",
	[OCI_NS_MOUNT] = "mount",
	[OCI_NS_IPC] = "ipc",
	[OCI_NS_UTS] = "uts",
	[OCI_NS_USER] = "user",
	[OCI_NS_CGROUP] = "cgroup",
	[OCI_NS_TIME] = "time",
};

const char *oci_ns_name(enum oci_ns_kind kind)
{
	if ((unsigned)kind >= OCI_NS_KINDS)
		return NULL;
	return ns_names[kind];
}

static const char *const hook_names[OCI_HOOK_KINDS] = {
	[OCI_HOOK_PRESTART] = "prestart",
	[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer",
	[OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

const char *oci_hook_kind_name(enum oci_hook_kind k)
{
	if ((unsigned)k >= OCI_HOOK_KINDS)
		return NULL;
	return hook_names[k];
}

const struct oci_namespace *oci_config_ns(const struct oci_config *cfg,
					  enum oci_ns_kind kind)
{
	for (size_t i = 0; i < cfg->linux.n_namespaces; i++)
		if (cfg->linux.namespaces[i].kind == kind)
			return &cfg->linux.namespaces[i];
	return NULL;
}
