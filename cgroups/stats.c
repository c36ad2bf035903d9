#include "stats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"

static int read_at(int dfd, const char *file, char **buf)
{
	return b_read_file_at(dfd, file, 1u << 20, buf, NULL);
}

static bool read_u64(int dfd, const char *file, uint64_t *v)
{
	_cleanup_free_ char *buf = NULL;

	if (read_at(dfd, file, &buf) < 0)
		return false;
	b_rstrip(buf);
	if (!strcmp(buf, "max")) {
		*v = CG_MAX;
		return true;
	}
	return b_parse_u64(buf, v) == 0;
}

/* "key value" lines; calls fn for each. */
static bool read_flat(int dfd, const char *file,
		      void (*fn)(void *ud, const char *key, uint64_t v), void *ud)
{
	_cleanup_free_ char *buf = NULL;
	char *save = NULL;

	if (read_at(dfd, file, &buf) < 0)
		return false;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[64];
		unsigned long long v;
		if (sscanf(line, "%63s %llu", key, &v) == 2)
			fn(ud, key, v);
	}
	return true;
}

static void cpu_kv(void *ud, const char *k, uint64_t v)
{
	struct cg_stats *st = ud;

	if (!strcmp(k, "usage_usec")) st->cpu_usage_usec = v;
	else if (!strcmp(k, "user_usec")) st->cpu_user_usec = v;
	else if (!strcmp(k, "system_usec")) st->cpu_system_usec = v;
	else if (!strcmp(k, "nr_periods")) st->nr_periods = v;
	else if (!strcmp(k, "nr_throttled")) st->nr_throttled = v;
	else if (!strcmp(k, "throttled_usec")) st->throttled_usec = v;
}

static void mem_events_kv(void *ud, const char *k, uint64_t v)
{
	struct cg_stats *st = ud;

	if (!strcmp(k, "high")) st->mem_events_high = v;
	else if (!strcmp(k, "max")) st->mem_events_max = v;
	else if (!strcmp(k, "oom_group_kill")) st->mem_events_oom_group_kill = v;
	else if (!strcmp(k, "oom")) st->mem_events_oom = v;
	else if (!strcmp(k, "oom_kill")) st->mem_events_oom_kill = v;
}

static void mem_stat_kv(void *ud, const char *k, uint64_t v)
{
	struct cg_stats *st = ud;

	if (st->n_mem_stat >= sizeof(st->mem_stat) / sizeof(st->mem_stat[0]))
		return;
	snprintf(st->mem_stat[st->n_mem_stat].key, sizeof(st->mem_stat[0].key), "%s", k);
	st->mem_stat[st->n_mem_stat++].value = v;
}

static void read_io(int dfd, struct cg_stats *st)
{
	_cleanup_free_ char *buf = NULL;
	char *save = NULL;

	if (read_at(dfd, "io.stat", &buf) < 0)
		return;
	for (char *line = strtok_r(buf, "\n", &save); line && st->n_io < 16;
	     line = strtok_r(NULL, "\n", &save)) {
		struct cg_io_dev *d = &st->io[st->n_io];
		char *tok, *s2 = NULL;

		memset(d, 0, sizeof(*d));
		if (sscanf(line, "%u:%u", &d->major, &d->minor) != 2)
			continue;
		for (tok = strtok_r(strchr(line, ' '), " ", &s2); tok; tok = strtok_r(NULL, " ", &s2)) {
			unsigned long long v;
			if (sscanf(tok, "rbytes=%llu", &v) == 1) d->rbytes = v;
			else if (sscanf(tok, "wbytes=%llu", &v) == 1) d->wbytes = v;
			else if (sscanf(tok, "rios=%llu", &v) == 1) d->rios = v;
			else if (sscanf(tok, "wios=%llu", &v) == 1) d->wios = v;
		}
		st->n_io++;
	}
}

static void read_hugetlb(int dfd, struct cg_stats *st)
{
	int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) && st->n_hugetlb < 4) {
		struct cg_hugetlb *h = &st->hugetlb[st->n_hugetlb];
		char file[300], size[16];
		size_t n;

		if (strncmp(de->d_name, "hugetlb.", 8))
			continue;
		n = strlen(de->d_name);
		if (n < 17 || strcmp(de->d_name + n - 8, ".current") || n - 16 >= sizeof(size) ||
		    strstr(de->d_name, ".rsvd."))
			continue;
		snprintf(size, sizeof(size), "%.*s", (int)(n - 16), de->d_name + 8);
		memset(h, 0, sizeof(*h));
		snprintf(h->size, sizeof(h->size), "%s", size);
		read_u64(dfd, de->d_name, &h->current);
		snprintf(file, sizeof(file), "hugetlb.%s.max", size);
		read_u64(dfd, file, &h->max);
		st->n_hugetlb++;
	}
	closedir(d);
}

bool cg_stats_mem_stat(const struct cg_stats *st, const char *key, uint64_t *v)
{
	for (size_t i = 0; i < st->n_mem_stat; i++)
		if (!strcmp(st->mem_stat[i].key, key)) {
			*v = st->mem_stat[i].value;
			return true;
		}
	return false;
}

/* "max 100000" or "50000 100000". */
static void read_cpu_max(int dfd, struct cg_stats *st)
{
	_cleanup_free_ char *buf = NULL;
	unsigned long long q, p;

	st->cpu_quota_usec = CG_MAX;
	st->cpu_period_usec = 100000;
	if (read_at(dfd, "cpu.max", &buf) < 0)
		return;
	if (sscanf(buf, "max %llu", &p) == 1)
		st->cpu_period_usec = p;
	else if (sscanf(buf, "%llu %llu", &q, &p) == 2) {
		st->cpu_quota_usec = q;
		st->cpu_period_usec = p;
	}
}

static void read_procs(int dfd, struct cg_stats *st)
{
	_cleanup_free_ char *buf = NULL;

	if (read_at(dfd, "cgroup.procs", &buf) < 0)
		return;
	st->has_procs = true;
	for (const char *p = buf; *p; p++)
		st->n_procs += *p == '\n';
}

static void read_psi(int dfd, struct cg_stats *st)
{
	for (int r = 0; r < CG_PSI_N; r++) {
		_cleanup_free_ char *buf = NULL;
		char file[32];

		snprintf(file, sizeof(file), "%s.pressure", cg_psi_res_name((enum cg_psi_res)r));
		if (read_at(dfd, file, &buf) == 0 && cg_psi_parse(buf, &st->psi[r]) < 0)
			st->psi[r].present = false;
	}
}

int cg_stats_read_parts(const char *abs, unsigned parts, struct cg_stats *st, struct b_err *err)
{
	/* One lookup of the directory, then each file relative to it: a
	 * scrape reads a dozen files of each of many cgroups. */
	_cleanup_close_ int dfd = open(abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	memset(st, 0, sizeof(*st));
	if (dfd < 0)
		return b_err_sys(err, errno, "cgroup %s", abs);
	st->has_cpu = read_flat(dfd, "cpu.stat", cpu_kv, st);
	read_cpu_max(dfd, st);
	read_procs(dfd, st);
	read_psi(dfd, st);
	st->has_memory = read_u64(dfd, "memory.current", &st->mem_current);
	if (st->has_memory) {
		read_u64(dfd, "memory.max", &st->mem_max);
		read_u64(dfd, "memory.peak", &st->mem_peak);
		st->has_swap = read_u64(dfd, "memory.swap.current", &st->swap_current);
		read_u64(dfd, "memory.swap.max", &st->swap_max);
		read_flat(dfd, "memory.events", mem_events_kv, st);
		read_flat(dfd, "memory.stat", mem_stat_kv, st);
	}
	st->has_pids = read_u64(dfd, "pids.current", &st->pids_current);
	if (st->has_pids)
		read_u64(dfd, "pids.max", &st->pids_max);
	if (parts & CG_STATS_IO)
		read_io(dfd, st);
	if (parts & CG_STATS_HUGETLB)
		read_hugetlb(dfd, st);
	return 0;
}

int cg_stats_read(const char *abs, struct cg_stats *st, struct b_err *err)
{
	return cg_stats_read_parts(abs, CG_STATS_IO | CG_STATS_HUGETLB, st, err);
}
