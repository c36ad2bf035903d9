/* The five capability sets of a pod container's process, as Kubernetes
 * with containerd or CRI-O gives them:
 *   root      bounding = permitted = effective = the container's set;
 *             inheritable = ambient = none.
 *   non-root  bounding = the container's set; permitted = effective =
 *             inheritable = ambient = only what securityContext.capabilities
 *             .add names explicitly (ambient is the only way a non-root
 *             process keeps a capability across execve).
 * A non-root user that asked for nothing runs with no capabilities at all,
 * so setresuid(0) and reading a 0600 root file fail (CVE-2022-29162 class:
 * the default set must not leak into a non-root process). */
#include "specs/pod_spec.h"

void pod_container_cap_sets(const struct pod_container *c, struct oci_caps *out)
{
	uint64_t set = pod_container_capabilities(c);
	uint64_t asked = c->security.caps.add_all ? set : (c->security.caps.add & set);

	out->bounding = set;
	if (c->security.run_as_user == 0) {
		out->permitted = out->effective = set;
		out->inheritable = out->ambient = 0;
		return;
	}
	out->permitted = out->effective = out->inheritable = out->ambient = asked;
}
