/* What a new user or time namespace needs written from outside: uid/gid
 * maps and clock offsets. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "internal.h"

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
