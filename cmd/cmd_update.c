/* update: change a container's resource limits (runc's flags, or a
 * --resources JSON document); the runtime writes them to its cgroup.  The
 * `events` command is in cmd_events.c. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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

enum {
	OPT_RES = 'r', OPT_MEM = 500, OPT_MEMRES, OPT_SWAP, OPT_QUOTA, OPT_PERIOD, OPT_SHARES,
	OPT_CPUS, OPT_MEMS, OPT_PIDS, OPT_BLKIO, OPT_BURST, OPT_IDLE,
};

static int bad(struct cli *cli, const char *opt, const char *val)
{
	return cli_usage(cli, cli_find_command("update"), "%s: \"%s\" is not a valid value", opt, val);
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

int cmd_update(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "resources", required_argument, NULL, OPT_RES },
		{ "memory", required_argument, NULL, OPT_MEM },
		{ "memory-reservation", required_argument, NULL, OPT_MEMRES },
		{ "memory-swap", required_argument, NULL, OPT_SWAP },
		{ "cpu-quota", required_argument, NULL, OPT_QUOTA },
		{ "cpu-period", required_argument, NULL, OPT_PERIOD },
		{ "cpu-share", required_argument, NULL, OPT_SHARES },
		{ "cpu-shares", required_argument, NULL, OPT_SHARES },
		{ "cpu-burst", required_argument, NULL, OPT_BURST },
		{ "cpu-idle", required_argument, NULL, OPT_IDLE },
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUS },
		{ "cpuset-mems", required_argument, NULL, OPT_MEMS },
		{ "pids-limit", required_argument, NULL, OPT_PIDS },
		{ "blkio-weight", required_argument, NULL, OPT_BLKIO },
		{ 0 },
	};
	const struct command *c = cli_find_command("update");
	struct b_arena arena = { 0 };
	struct oci_resources flags = { 0 }, *res = NULL;
	struct b_err err = { 0 };
	bool any_flag = false;
	int ch, rc = 1;
	int64_t v;
	uint64_t u;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+r:", opts, NULL)) != -1) {
		any_flag |= ch != OPT_RES;
		switch (ch) {
		case OPT_RES:
			if (read_resources(cli, optarg, &arena, &res))
				goto out;
			break;
		case OPT_MEM:
			if (parse_bytes(optarg, &v) < 0) { rc = bad(cli, "--memory", optarg); goto out; }
			flags.has_memory_limit = true; flags.memory_limit = v; break;
		case OPT_MEMRES:
			if (parse_bytes(optarg, &v) < 0) { rc = bad(cli, "--memory-reservation", optarg); goto out; }
			flags.has_memory_reservation = true; flags.memory_reservation = v; break;
		case OPT_SWAP:
			if (parse_bytes(optarg, &v) < 0) { rc = bad(cli, "--memory-swap", optarg); goto out; }
			flags.has_memory_swap = true; flags.memory_swap = v; break;
		case OPT_QUOTA:
			if (b_parse_i64(optarg, &v) < 0) { rc = bad(cli, "--cpu-quota", optarg); goto out; }
			flags.has_cpu_quota = true; flags.cpu_quota = v; break;
		case OPT_PERIOD:
			if (b_parse_u64(optarg, &u) < 0) { rc = bad(cli, "--cpu-period", optarg); goto out; }
			flags.has_cpu_period = true; flags.cpu_period = u; break;
		case OPT_SHARES:
			if (b_parse_u64(optarg, &u) < 0) { rc = bad(cli, "--cpu-share", optarg); goto out; }
			flags.has_cpu_shares = true; flags.cpu_shares = u; break;
		case OPT_BURST:
			if (b_parse_u64(optarg, &u) < 0) { rc = bad(cli, "--cpu-burst", optarg); goto out; }
			flags.has_cpu_burst = true; flags.cpu_burst = u; break;
		case OPT_IDLE:
			if (b_parse_i64(optarg, &v) < 0) { rc = bad(cli, "--cpu-idle", optarg); goto out; }
			flags.has_cpu_idle = true; flags.cpu_idle = v; break;
		case OPT_CPUS: flags.cpu_cpus = optarg; break;
		case OPT_MEMS: flags.cpu_mems = optarg; break;
		case OPT_PIDS:
			if (b_parse_i64(optarg, &v) < 0) { rc = bad(cli, "--pids-limit", optarg); goto out; }
			flags.has_pids_limit = true; flags.pids_limit = v; break;
		case OPT_BLKIO:
			if (b_parse_u64(optarg, &u) < 0 || u > 1000) { rc = bad(cli, "--blkio-weight", optarg); goto out; }
			flags.has_blkio_weight = true; flags.blkio_weight = (uint16_t)u; break;
		default:
			rc = cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
			goto out;
		}
	}
	if (optind != argc - 1) {
		rc = cli_usage(cli, c, "expected exactly one container ID");
		goto out;
	}
	if (res && any_flag) {
		rc = cli_usage(cli, c, "--resources and limit flags cannot be combined");
		goto out;
	}
	if (rt_update(&cli->ctx, argv[optind], res ? res : &flags, &err) < 0) {
		rc = cli_error(cli, &err);
		goto out;
	}
	rc = 0;
out:
	b_arena_release(&arena);
	return rc;
}
