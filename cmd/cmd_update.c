/* update: change a container's resource limits (runc's flags, or a
 * --resources JSON document); the runtime writes them to its cgroup.  The
 * `events` command is in cmd_events.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "common/arena.h"
#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"

/* "512m", "1g", "1024" (runc's RAMInBytes, binary multiples). */
static int parse_bytes(const char *s, int64_t *out)
{
	char *end;
	double v;
	int64_t mul = 1;

	if (!strcmp(s, "-1")) {
		*out = -1;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': mul = 1LL << 10; end++; break;
	case 'm': case 'M': mul = 1LL << 20; end++; break;
	case 'g': case 'G': mul = 1LL << 30; end++; break;
	case 't': case 'T': mul = 1LL << 40; end++; break;
	default: break;
	}
	if (*end == 'b' || *end == 'B' || *end == 'i')
		end++;
	if (*end)
		return -1;
	*out = (int64_t)(v * (double)mul);
	return 0;
}

static int bad(struct cli_args *a, const char *opt)
{
	return cli_usage(a->cli, a->c, "%s: \"%s\" is not a valid value", opt, a->arg);
}

static int read_resources(struct cli *cli, const char *path, struct b_arena *a,
			  struct oci_resources **res)
{
	_cleanup_free_ char *json = NULL;
	struct b_err err = { 0 };
	size_t len = 0;
	int r = b_read_file(strcmp(path, "-") ? path : "/dev/stdin", 16u << 20, &json, &len);

	if (r < 0) {
		b_err_sys(&err, -r, "reading --resources %s", path);
		return cli_error(cli, &err);
	}
	if (oci_resources_parse(strcmp(path, "-") ? path : "stdin", json, len, a, res, &err) < 0)
		return cli_error(cli, &err);
	return 0;
}

/* One limit flag into f; the exit status of a usage error, else 0. */
static int limit_flag(struct cli_args *a, int key, struct oci_resources *f)
{
	char *v = a->arg;
	int64_t i = 0;
	uint64_t u = 0;

	switch (key) {
	case OPT_MEMORY:
		if (parse_bytes(v, &i) < 0) return bad(a, "--memory");
		f->has_memory_limit = true; f->memory_limit = i; break;
	case OPT_MEMORY_RESERVATION:
		if (parse_bytes(v, &i) < 0) return bad(a, "--memory-reservation");
		f->has_memory_reservation = true; f->memory_reservation = i; break;
	case OPT_MEMORY_SWAP:
		if (parse_bytes(v, &i) < 0) return bad(a, "--memory-swap");
		f->has_memory_swap = true; f->memory_swap = i; break;
	case OPT_CPU_QUOTA:
		if (b_parse_i64(v, &i) < 0) return bad(a, "--cpu-quota");
		f->has_cpu_quota = true; f->cpu_quota = i; break;
	case OPT_CPU_PERIOD:
		if (b_parse_u64(v, &u) < 0) return bad(a, "--cpu-period");
		f->has_cpu_period = true; f->cpu_period = u; break;
	case OPT_CPU_SHARES:
		if (b_parse_u64(v, &u) < 0) return bad(a, "--cpu-shares");
		f->has_cpu_shares = true; f->cpu_shares = u; break;
	case OPT_CPU_BURST:
		if (b_parse_u64(v, &u) < 0) return bad(a, "--cpu-burst");
		f->has_cpu_burst = true; f->cpu_burst = u; break;
	case OPT_CPU_IDLE:
		if (b_parse_i64(v, &i) < 0) return bad(a, "--cpu-idle");
		f->has_cpu_idle = true; f->cpu_idle = i; break;
	case OPT_CPUSET_CPUS: f->cpu_cpus = v; break;
	case OPT_CPUSET_MEMS: f->cpu_mems = v; break;
	case OPT_PIDS_LIMIT:
		if (b_parse_i64(v, &i) < 0) return bad(a, "--pids-limit");
		f->has_pids_limit = true; f->pids_limit = i; break;
	case OPT_BLKIO_WEIGHT:
		if (b_parse_u64(v, &u) < 0 || u > 1000) return bad(a, "--blkio-weight");
		f->has_blkio_weight = true; f->blkio_weight = (uint16_t)u; break;
	}
	return 0;
}

int cmd_update(struct cli *cli, const struct command *c, int argc, char **argv)
{
	struct b_arena arena = { 0 };
	struct oci_resources flags = { 0 }, *res = NULL;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	bool any_flag = false;
	int k, rc = 1;

	if (cli_args_init(&a, cli, c, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0) {
		any_flag |= k != 'r';
		if (k == 'r' ? read_resources(cli, a.arg, &arena, &res) : (rc = limit_flag(&a, k, &flags)))
			goto out;
	}
	if (k == CLI_EXIT || cli_want_pos(&a, 1, 1, "exactly one container ID")) {
		rc = a.rc;
		goto out;
	}
	if (res && any_flag) {
		rc = cli_usage(cli, c, "--resources and limit flags cannot be combined");
		goto out;
	}
	if (rt_update(&cli->ctx, a.pos[0], res ? res : &flags, &err) < 0) {
		rc = cli_error(cli, &err);
		goto out;
	}
	rc = 0;
out:
	b_arena_release(&arena);
	return rc;
}
