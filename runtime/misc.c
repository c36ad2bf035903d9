#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"
#include "internal.h"
#include "safepath.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static bool executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int dup_path(const char *path, char **out, struct b_err *err)
{
	*out = strdup(path);
	return *out ? 0 : b_err_set(err, ENOMEM, "exec: \"%s\": out of memory", path);
}

int rt_find_executable(const char *name, char *const *env, char **out, struct b_err *err)
{
	const char *path = DEFAULT_PATH;
	_cleanup_free_ char *copy = NULL;
	char *save = NULL;

	if (!*name)
		return b_err_set(err, ENOENT, "exec: process.args[0] is empty");
	if (strchr(name, '/')) {
		if (!executable(name))
			return b_err_sys(err, errno ? errno : EACCES, "exec: \"%s\"", name);
		return dup_path(name, out, err);
	}
	for (size_t i = 0; env && env[i]; i++)
		if (!strncmp(env[i], "PATH=", 5))
			path = env[i] + 5;
	copy = strdup(path);
	if (!copy)
		return b_err_set(err, ENOMEM, "exec: \"%s\": out of memory", name);
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char cand[4096];
		snprintf(cand, sizeof(cand), "%s/%s", *dir ? dir : ".", name);
		if (executable(cand))
			return dup_path(cand, out, err);
	}
	return b_err_set(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", name);
}

int rt_validate_id(const char *id, struct b_err *err)
{
	if (!id || !*id)
		return b_err_set(err, EINVAL, "container id must not be empty");
	if (!strcmp(id, ".") || !strcmp(id, "..") || strlen(id) > 1024)
		return b_err_set(err, EINVAL, "invalid container id \"%s\"", id);
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

static int write_map(pid_t pid, const char *file, const struct oci_idmap *m, size_t n,
		     struct b_err *err)
{
	char path[64], buf[4096];
	size_t len = 0;
	int r;

	for (size_t i = 0; i < n; i++) {
		int k = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id,
				 m[i].host_id, m[i].size);
		if (k < 0 || (size_t)k >= sizeof(buf) - len)
			return b_err_set(err, E2BIG, "user namespace: %s has too many entries", file);
		len += (size_t)k;
	}
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	r = b_write_file(path, buf, len);
	if (r < 0)
		return b_err_sys(err, -r, "user namespace: writing %s", path);
	return 0;
}

int rt_write_id_maps(pid_t pid, const struct oci_config *cfg, struct b_err *err)
{
	int r;

	if (cfg->linux.n_uid_mappings == 0 || cfg->linux.n_gid_mappings == 0)
		return b_err_set(err, EINVAL,
			"config.json: linux.uidMappings/gidMappings: a new user namespace needs both");
	r = write_map(pid, "uid_map", cfg->linux.uid_mappings, cfg->linux.n_uid_mappings, err);
	if (r < 0)
		return r;
	return write_map(pid, "gid_map", cfg->linux.gid_mappings, cfg->linux.n_gid_mappings, err);
}

int rt_write_time_offsets(const struct oci_config *cfg, struct b_err *err)
{
	char buf[128];
	size_t len = 0;
	int r;

	if (cfg->linux.time_monotonic.set)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "monotonic %lld %u\n",
					(long long)cfg->linux.time_monotonic.secs,
					cfg->linux.time_monotonic.nanosecs);
	if (cfg->linux.time_boottime.set)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "boottime %lld %u\n",
					(long long)cfg->linux.time_boottime.secs,
					cfg->linux.time_boottime.nanosecs);
	if (!len)
		return 0;
	r = b_write_file("/proc/self/timens_offsets", buf, len);
	if (r < 0)
		return b_err_sys(err, -r, "time namespace: writing timens_offsets");
	return 0;
}

uint64_t rt_proc_start_time(pid_t pid)
{
	char path[64];
	_cleanup_free_ char *buf = NULL;
	const char *p;
	unsigned long long v = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (b_read_file(path, 0, &buf, NULL) < 0)
		return 0;
	/* comm may contain spaces and parens: fields start after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* field 3 is state; starttime is field 22 → 19 more after state. */
	if (sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
		   &v) != 1)
		return 0;
	return v;
}

bool rt_proc_alive(pid_t pid, uint64_t start_time)
{
	char path[64];
	_cleanup_free_ char *buf = NULL;
	const char *p;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (b_read_file(path, 0, &buf, NULL) < 0)
		return false;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return false;
	return start_time == 0 || rt_proc_start_time(pid) == start_time;
}

int rt_write_pid_file(const char *path, pid_t pid, struct b_err *err)
{
	char buf[32];
	char abs[PATH_MAX];
	int n = snprintf(buf, sizeof(buf), "%d", (int)pid);
	int r;

	/* Relative to the caller's cwd, made absolute for the temp+rename. */
	if (path[0] != '/' && getcwd(abs, sizeof(abs))) {
		size_t l = strlen(abs);
		snprintf(abs + l, sizeof(abs) - l, "/%s", path);
		path = abs;
	}
	r = b_write_atomic(path, buf, (size_t)n, 0644);
	if (r < 0)
		return b_err_sys(err, -r, "writing pid file %s", path);
	return 0;
}


/* Keep berth's own fds out of the range handed to the container. */
int rt_lift_fd(int *fd, int min)
{
	int n;

	if (*fd < 0 || *fd >= min)
		return 0;
	n = fcntl(*fd, F_DUPFD_CLOEXEC, min);
	if (n < 0)
		return -errno;
	close(*fd);
	*fd = n;
	return 0;
}

/* The container's /etc/passwd: a regular file only (a FIFO would hang the
 * runtime, /dev/zero would fill its memory), through a root-confined open. */
static FILE *open_passwd(void)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd = root < 0 ? -1 : sp_open_file_in_root(root, "/etc/passwd");
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fcntl(fd, F_SETFL, 0) < 0 || !(f = fdopen(fd, "re"))) {
		close(fd);
		return NULL;
	}
	return f;
}

/* HOME from the container's /etc/passwd, as runc does when env lacks it. */
static char *home_for(uint32_t uid)
{
	_cleanup_fclose_ FILE *f = open_passwd();
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;

	while (f && getline(&line, &cap, f) > 0) {
		char *fields[7] = { 0 };
		char *s = line;
		int n = 0;
		unsigned long u;

		for (char *tok; n < 7 && (tok = strsep(&s, ":")); )
			fields[n++] = tok;
		if (n < 6 || !fields[2] || !fields[5])
			continue;
		u = strtoul(fields[2], NULL, 10);
		if (u == uid)
			return strdup(fields[5]);
	}
	return strdup("/");
}

char **rt_build_env(const struct oci_process *p)
{
	size_t n = 0;
	bool has_home = false;
	char **env;

	while (p->env && p->env[n]) {
		if (!strncmp(p->env[n], "HOME=", 5))
			has_home = true;
		n++;
	}
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		env[i] = p->env[i];
	if (!has_home) {
		_cleanup_free_ char *home = home_for(p->user.uid);
		if (home && asprintf(&env[n], "HOME=%s", home) < 0)
			env[n] = NULL;
	}
	return env;
}

