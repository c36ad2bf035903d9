/* What a parsed pod means for the engine underneath: the kubelet's
 * conversions of cpu and memory to cgroup values, the capability set a
 * container gets, and names of the enums. */
#include <string.h>

#include "common/cleanup.h"
#include "specs/pod_spec.h"

/* pkg/kubelet/cm: MinShares, MaxShares, SharesPerCPU, MilliCPUToCPU and
 * the 1ms minimum quota. */
#define MIN_SHARES 2
#define MAX_SHARES 262144
#define SHARES_PER_CPU 1024
#define MILLI_PER_CPU 1000
#define MIN_QUOTA 1000

const struct pod_container *pod_find_container(const struct pod_spec *pod,
					       const char *name)
{
	for (size_t i = 0; i < pod->n_init_containers; i++)
		if (!strcmp(pod->init_containers[i].name, name))
			return &pod->init_containers[i];
	for (size_t i = 0; i < pod->n_containers; i++)
		if (!strcmp(pod->containers[i].name, name))
			return &pod->containers[i];
	return NULL;
}

uint64_t pod_cpu_quota(int64_t millis)
{
	if (millis <= 0)
		return 0;
	/* Beyond this the quota is meaningless anyway; avoid the overflow. */
	if (millis > INT64_MAX / (POD_CPU_PERIOD / MILLI_PER_CPU))
		return (uint64_t)INT64_MAX;
	if (millis * (POD_CPU_PERIOD / MILLI_PER_CPU) < MIN_QUOTA)
		return MIN_QUOTA;
	return (uint64_t)millis * (POD_CPU_PERIOD / MILLI_PER_CPU);
}

uint64_t pod_cpu_shares(int64_t millis)
{
	int64_t shares;

	if (millis <= 0)
		return MIN_SHARES;
	if (millis > INT64_MAX / SHARES_PER_CPU)
		return MAX_SHARES;
	shares = millis * SHARES_PER_CPU / MILLI_PER_CPU;
	if (shares < MIN_SHARES)
		return MIN_SHARES;
	if (shares > MAX_SHARES)
		return MAX_SHARES;
	return (uint64_t)shares;
}

int64_t pod_memory_limit(const struct pod_container *c)
{
	return c->resources.memory_limit.set ? c->resources.memory_limit.value : -1;
}

/* containerd's CRI default (what a Kubernetes container gets there). */
uint64_t pod_default_capabilities(void)
{
	static const char *const names[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
		"CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
		"CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
		"CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
	};
	uint64_t set = 0;

	for (size_t i = 0; i < B_ARRAY_SIZE(names); i++)
		set |= 1ULL << oci_cap_from_name(names[i]);
	return set;
}

static uint64_t all_capabilities(void)
{
	int last = oci_cap_last();

	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

/* containerd's order: add ALL, drop ALL, then the single additions, then
 * the single drops (so drop ALL + add NET_BIND_SERVICE keeps just that). */
uint64_t pod_container_capabilities(const struct pod_container *c)
{
	const struct pod_caps *caps = &c->security.caps;
	uint64_t set = pod_default_capabilities();

	if (c->security.privileged)
		return all_capabilities();
	if (caps->add_all)
		set = all_capabilities();
	if (caps->drop_all)
		set = 0;
	set |= caps->add;
	set &= ~caps->drop;
	return set;
}

bool pod_container_no_new_privs(const struct pod_container *c)
{
	return !c->security.allow_privilege_escalation && !c->security.privileged &&
	       !(pod_container_capabilities(c) & (1ULL << oci_cap_from_name("CAP_SYS_ADMIN")));
}

const char *pod_restart_policy_name(enum pod_restart_policy p)
{
	switch (p) {
	case POD_RESTART_ALWAYS:
		return "Always";
	case POD_RESTART_ON_FAILURE:
		return "OnFailure";
	case POD_RESTART_NEVER:
		return "Never";
	}
	return "?";
}

const char *pod_oom_policy_name(enum pod_oom_policy p)
{
	switch (p) {
	case POD_OOM_RESTART:
		return "restart";
	case POD_OOM_STOP:
		return "stop";
	case POD_OOM_GROW:
		return "grow";
	}
	return "?";
}

const char *pod_seccomp_type_name(enum pod_seccomp_type t)
{
	switch (t) {
	case POD_SECCOMP_UNCONFINED:
		return "Unconfined";
	case POD_SECCOMP_RUNTIME_DEFAULT:
		return "RuntimeDefault";
	case POD_SECCOMP_LOCALHOST:
		return "Localhost";
	}
	return "?";
}

const char *pod_dns_policy_name(enum pod_dns_policy p)
{
	switch (p) {
	case POD_DNS_CLUSTER_FIRST:
		return "ClusterFirst";
	case POD_DNS_CLUSTER_FIRST_WITH_HOST_NET:
		return "ClusterFirstWithHostNet";
	case POD_DNS_DEFAULT:
		return "Default";
	case POD_DNS_NONE:
		return "None";
	}
	return "?";
}
