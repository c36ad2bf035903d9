/* `berth spec`: runc's example spec (libcontainer/specconv/example.go) and
 * its ToRootless() rewrite, written in the same member order as Go's
 * encoding of the runtime-spec structs so the two outputs diff cleanly. */
#include "oci_default.h"

#include <stddef.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "specs/jsonw.h"

struct default_mount {
	const char *destination, *type, *source;
	const char *options[8];   /* NULL-terminated; none at all: omitted */
	bool rootful_only;        /* dropped by the rootless variant */
	bool rootless_only;
};

static const struct default_mount mounts[] = {
	{ "/proc", "proc", "proc", { NULL }, false, false },
	{ "/dev", "tmpfs", "tmpfs",
	  { "nosuid", "strictatime", "mode=755", "size=65536k", NULL }, false, false },
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL },
	  true, false },
	/* Rootless: gid=5 may not be mapped in the user namespace. */
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL },
	  false, true },
	{ "/dev/shm", "tmpfs", "shm",
	  { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL }, false, false },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL }, false, false },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL }, true, false },
	/* Rootless: a fresh sysfs needs a network namespace owned by the user
	 * namespace, which the rootless spec does not have. */
	{ "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro", NULL },
	  false, true },
	{ "/sys/fs/cgroup", "cgroup", "cgroup",
	  { "nosuid", "noexec", "nodev", "relatime", "ro", NULL }, true, false },
};

static const char *const default_caps[] = {
	"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL,
};

static const char *const default_env[] = {
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"TERM=xterm",
	NULL,
};

const char *const oci_default_masked_paths[] = {
	"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
	"/proc/sched_debug", "/sys/firmware", "/proc/scsi",
	"/sys/devices/virtual/tpm", NULL,
};

const char *const oci_default_readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static void write_strv(struct jw *w, const char *key, const char *const *v)
{
	jw_key(w, key);
	jw_arr_open(w);
	for (; *v; v++)
		jw_str(w, *v);
	jw_arr_close(w);
}

static void write_process(struct jw *w)
{
	jw_key(w, "process");
	jw_obj_open(w);
	jw_kbool(w, "terminal", true);
	jw_key(w, "user");
	jw_obj_open(w);
	jw_kuint(w, "uid", 0);
	jw_kuint(w, "gid", 0);
	jw_obj_close(w);
	write_strv(w, "args", (const char *const[]){ "sh", NULL });
	write_strv(w, "env", default_env);
	jw_kstr(w, "cwd", "/");
	jw_key(w, "capabilities");
	jw_obj_open(w);
	write_strv(w, "bounding", default_caps);
	write_strv(w, "effective", default_caps);
	write_strv(w, "permitted", default_caps);
	jw_obj_close(w);
	jw_key(w, "rlimits");
	jw_arr_open(w);
	jw_obj_open(w);
	jw_kstr(w, "type", "RLIMIT_NOFILE");
	jw_kuint(w, "hard", 1024);
	jw_kuint(w, "soft", 1024);
	jw_obj_close(w);
	jw_arr_close(w);
	jw_kbool(w, "noNewPrivileges", true);
	jw_obj_close(w);
}

static void write_mounts(struct jw *w, bool rootless)
{
	jw_key(w, "mounts");
	jw_arr_open(w);
	for (size_t i = 0; i < B_ARRAY_SIZE(mounts); i++) {
		const struct default_mount *m = &mounts[i];

		if ((rootless && m->rootful_only) || (!rootless && m->rootless_only))
			continue;
		jw_obj_open(w);
		jw_kstr(w, "destination", m->destination);
		jw_kstr(w, "type", m->type);
		jw_kstr(w, "source", m->source);
		if (m->options[0])
			write_strv(w, "options", m->options);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void write_idmap(struct jw *w, const char *key, unsigned host_id)
{
	jw_key(w, key);
	jw_arr_open(w);
	jw_obj_open(w);
	jw_kuint(w, "containerID", 0);
	jw_kuint(w, "hostID", host_id);
	jw_kuint(w, "size", 1);
	jw_obj_close(w);
	jw_arr_close(w);
}

static void write_namespaces(struct jw *w, bool rootless)
{
	static const char *const rootful[] = {
		"pid", "network", "ipc", "uts", "mount", "cgroup", NULL,
	};
	/* No network namespace: an unprivileged user could not configure it,
	 * so the container keeps the host's. */
	static const char *const unprivileged[] = {
		"pid", "ipc", "uts", "mount", "cgroup", "user", NULL,
	};

	jw_key(w, "namespaces");
	jw_arr_open(w);
	for (const char *const *t = rootless ? unprivileged : rootful; *t; t++) {
		jw_obj_open(w);
		jw_kstr(w, "type", *t);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void write_linux(struct jw *w, bool rootless)
{
	jw_key(w, "linux");
	jw_obj_open(w);
	if (rootless) {
		write_idmap(w, "uidMappings", (unsigned)geteuid());
		write_idmap(w, "gidMappings", (unsigned)getegid());
	} else {
		/* Rootless has no cgroup settings: there may be no delegated
		 * cgroup to apply them to. */
		jw_key(w, "resources");
		jw_obj_open(w);
		jw_key(w, "devices");
		jw_arr_open(w);
		jw_obj_open(w);
		jw_kbool(w, "allow", false);
		jw_kstr(w, "access", "rwm");
		jw_obj_close(w);
		jw_arr_close(w);
		jw_obj_close(w);
	}
	write_namespaces(w, rootless);
	write_strv(w, "maskedPaths", oci_default_masked_paths);
	write_strv(w, "readonlyPaths", oci_default_readonly_paths);
	jw_obj_close(w);
}

char *oci_default_spec_json(bool rootless)
{
	struct jw *w = jw_new(true);
	char *out;

	if (!w)
		return NULL;
	jw_obj_open(w);
	jw_kstr(w, "ociVersion", "1.2.0");
	write_process(w);
	jw_key(w, "root");
	jw_obj_open(w);
	jw_kstr(w, "path", "rootfs");
	jw_kbool(w, "readonly", true);
	jw_obj_close(w);
	jw_kstr(w, "hostname", "berth");
	write_mounts(w, rootless);
	write_linux(w, rootless);
	jw_obj_close(w);
	out = jw_finish(w, NULL);
	jw_free(w);
	return out;
}
