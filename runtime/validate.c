/* Checks of config values the parser cannot make alone: container ids,
 * which sysctls the config's namespaces isolate, and what needs which
 * namespace (mount, uts). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

/* A namespace joined by path that is berth's own (the host's, as runc
 * checks for the network namespace): a sysctl set "in the container"
 * would be set for the host.  A path that cannot be stat'ed is left to the
 * join, which reports it. */
static bool is_own_namespace(const struct oci_namespace *ns)
{
	char own[64];
	struct stat a, b;

	/* Only the kinds a sysctl can need. */
	snprintf(own, sizeof(own), "/proc/self/ns/%s", ns->kind == OCI_NS_NETWORK ? "net" :
		 ns->kind == OCI_NS_IPC ? "ipc" : "uts");
	return stat(ns->path, &a) == 0 && stat(own, &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* The sysctl and the config field for the same name disagree or repeat:
 * runc refuses both together. */
static const char *uts_field_conflict(const struct oci_config *cfg, const char *k)
{
	if (!strcmp(k, "kernel.hostname") && cfg->hostname)
		return "hostname";
	if (!strcmp(k, "kernel.domainname") && cfg->domainname)
		return "domainname";
	return NULL;
}

static int sysctl_ns_check(const struct oci_config *cfg, const char *k, enum oci_ns_kind kind,
			   struct b_err *err)
{
	const struct oci_namespace *ns = oci_config_ns(cfg, kind);
	const char *field = uts_field_conflict(cfg, k);

	if (!ns)
		return b_err_set(err, EINVAL,
			"config.json: linux.sysctl[\"%s\"]: needs a %s namespace of the container's own",
			k, oci_ns_name(kind));
	if (ns->path && is_own_namespace(ns))
		return b_err_set(err, EINVAL,
			"config.json: linux.sysctl[\"%s\"]: the %s namespace joined by path (%s) is the host's: the sysctl would change the host",
			k, oci_ns_name(kind), ns->path);
	if (field)
		return b_err_set(err, EINVAL,
			"config.json: linux.sysctl[\"%s\"]: conflicts with the \"%s\" field: set one of them",
			k, field);
	return 0;
}

int rt_sysctl_validate(const struct oci_config *cfg, struct b_err *err)
{
	static const char *const ipc_keys[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
	};

	for (size_t i = 0; i < cfg->linux.sysctl.n; i++) {
		const char *k = cfg->linux.sysctl.items[i].key;
		enum oci_ns_kind ns = OCI_NS_KINDS;
		int r;

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
		if ((r = sysctl_ns_check(cfg, k, ns, err)) < 0)
			return r;
	}
	return 0;
}

/* Only when the config lists no mount namespace: the container then keeps
 * berth's own (an unlisted namespace is the runtime's, as the runtime spec
 * says) and berth only chroots into root.path, as runc does.  runc refuses
 * maskedPaths and readonlyPaths there ("unable to restrict sys entries
 * without a private MNT namespace").  The other fields below would have
 * runc mount, remount or change propagation in its own namespace, so on the
 * host, where it outlives the container (opencontainers/runc#4767, and the
 * rslave of the host's "/"); berth refuses them instead. */
static const char *needs_own_mounts(const struct oci_config *cfg, const char **why)
{
	const struct oci_linux *l = &cfg->linux;

	*why = "runc requires one too: \"unable to restrict sys entries without a private MNT namespace\"";
	if (l->masked_paths && l->masked_paths[0])
		return "linux.maskedPaths";
	if (l->readonly_paths && l->readonly_paths[0])
		return "linux.readonlyPaths";
	*why = "without one it would be mounted in berth's own mount namespace and outlive the container";
	if (cfg->n_mounts)
		return "mounts";
	if (l->n_devices)
		return "linux.devices";
	*why = "without one the root would be remounted read-only for the host";
	if (cfg->root_readonly)
		return "root.readonly";
	*why = "without one it would change the propagation of the host's /";
	if (l->rootfs_propagation)
		return "linux.rootfsPropagation";
	return NULL;
}

/* runc's rule: a hostname or domainname needs a uts entry, either a new
 * namespace or one joined by path (it is then set in that namespace); with
 * none it would be the host's. */
static int check_uts(const struct oci_config *cfg, struct b_err *err)
{
	const char *field = NULL;

	if (oci_config_ns(cfg, OCI_NS_UTS))
		return 0;
	if (cfg->hostname && *cfg->hostname)
		field = "hostname";
	else if (cfg->domainname && *cfg->domainname)
		field = "domainname";
	if (!field)
		return 0;
	return b_err_set(err, EINVAL,
		"config.json: %s: needs a uts namespace, new or joined by path (add {\"type\": \"uts\"} to linux.namespaces); without one it would be the host's, which runc refuses too",
		field);
}

int rt_namespaces_validate(const struct oci_config *cfg, struct b_err *err)
{
	const char *field, *why;

	if (!oci_config_ns(cfg, OCI_NS_MOUNT) && (field = needs_own_mounts(cfg, &why)))
		return b_err_set(err, EINVAL,
			"config.json: %s: needs a mount namespace (add {\"type\": \"mount\"} to linux.namespaces): %s",
			field, why);
	return check_uts(cfg, err);
}
