/* Checks of config values the parser cannot make alone: container ids and
 * which sysctls the config's namespaces isolate. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/strutil.h"
#include "internal.h"

int rt_validate_id(const char *id, struct b_err *err)
{
	if (!id || !*id)
		return b_err_set(err, EINVAL, "container id must not be empty");
	if (!strcmp(id, ".") || !strcmp(id, "..") || strlen(id) > 1024)
		return b_err_set(err, EINVAL, "invalid container id \"%s\"", id);
	/* <root>/pods holds the pod supervisor's state. */
	if (!strcmp(id, "pods"))
		return b_err_set(err, EINVAL, "container id \"pods\" is reserved (the pod state directory under --root)");
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-.", *p))
			return b_err_set(err, EINVAL,
				"invalid container id \"%s\": only letters, digits and _ + - . are allowed", id);
	return 0;
}

static bool key_is(const char *key, const char *prefix)
{
	return b_startswith(key, prefix);
}

int rt_sysctl_validate(const struct oci_config *cfg, struct b_err *err)
{
	static const char *const ipc_keys[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};

	for (size_t i = 0; i < cfg->linux.sysctl.n; i++) {
		const char *k = cfg->linux.sysctl.items[i].key;
		const char *need = NULL;
		enum oci_ns_kind ns = OCI_NS_KINDS;

		for (size_t j = 0; j < sizeof(ipc_keys) / sizeof(ipc_keys[0]); j++)
			if (!strcmp(k, ipc_keys[j]))
				ns = OCI_NS_IPC;
		if (key_is(k, "fs.mqueue."))
			ns = OCI_NS_IPC;
		else if (key_is(k, "net."))
			ns = OCI_NS_NETWORK;
		else if (!strcmp(k, "kernel.hostname") || !strcmp(k, "kernel.domainname"))
			ns = OCI_NS_UTS;
		if (strchr(k, '/') || strstr(k, ".."))
			return b_err_set(err, EINVAL, "config.json: linux.sysctl[\"%s\"]: not a sysctl name", k);
		if (ns == OCI_NS_KINDS)
			return b_err_set(err, EINVAL,
				"config.json: linux.sysctl[\"%s\"]: not a namespaced sysctl; berth only sets sysctls that the container's namespaces isolate",
				k);
		if (!oci_config_ns(cfg, ns) || oci_config_ns(cfg, ns)->path) {
			need = oci_ns_name(ns);
			if (!oci_config_ns(cfg, ns))
				return b_err_set(err, EINVAL,
					"config.json: linux.sysctl[\"%s\"]: needs a %s namespace of the container's own",
					k, need);
		}
	}
	return 0;
}
