#include "rlimits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/strutil.h"

static const char *const names[] = {
	[RLIMIT_CPU] = "RLIMIT_CPU",
	[RLIMIT_FSIZE] = "RLIMIT_FSIZE",
	[RLIMIT_DATA] = "RLIMIT_DATA",
	[RLIMIT_STACK] = "RLIMIT_STACK",
	[RLIMIT_CORE] = "RLIMIT_CORE",
	[RLIMIT_RSS] = "RLIMIT_RSS",
	[RLIMIT_NPROC] = "RLIMIT_NPROC",
	[RLIMIT_NOFILE] = "RLIMIT_NOFILE",
	[RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",
	[RLIMIT_AS] = "RLIMIT_AS",
	[RLIMIT_LOCKS] = "RLIMIT_LOCKS",
	[RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
	[RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE",
	[RLIMIT_NICE] = "RLIMIT_NICE",
	[RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",
	[RLIMIT_RTTIME] = "RLIMIT_RTTIME",
};

const char *rt_rlimit_name(int resource)
{
	if (resource < 0 || (size_t)resource >= B_ARRAY_SIZE(names))
		return NULL;
	return names[resource];
}

/* OCI uses 2^64-1 for "unlimited"; anything rlim_t cannot hold is too. */
static rlim_t to_rlim(uint64_t v)
{
	if (v >= (uint64_t)RLIM_INFINITY)
		return RLIM_INFINITY;
	return (rlim_t)v;
}

static const char *fmt_rlim(rlim_t v, char *buf, size_t size)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, (uint64_t)v);
	return buf;
}

static uint64_t nr_open(void)
{
	_cleanup_free_ char *buf = NULL;
	uint64_t v;

	if (b_read_file("/proc/sys/fs/nr_open", 64, &buf, NULL) < 0 ||
	    b_parse_u64(b_rstrip(buf), &v) < 0)
		return UINT64_MAX;
	return v;
}

/* setrlimit failed with EPERM: say which of the two kernel rules it was. */
static int explain_eperm(int res, const char *name, const struct rlimit *want,
			 struct b_err *err)
{
	char from[32], to[32];
	struct rlimit cur;
	uint64_t max;

	if (res == RLIMIT_NOFILE && want->rlim_max != RLIM_INFINITY &&
	    (uint64_t)want->rlim_max > (max = nr_open()))
		return b_err_set(err, EPERM,
				 "rlimit %s: hard limit %s is above the kernel maximum fs.nr_open (%" PRIu64 "): operation not permitted",
				 name, fmt_rlim(want->rlim_max, to, sizeof(to)), max);
	if (res == RLIMIT_NOFILE && want->rlim_max == RLIM_INFINITY)
		return b_err_set(err, EPERM,
				 "rlimit %s: the hard limit cannot be unlimited (the kernel maximum is fs.nr_open): operation not permitted",
				 name);
	if (getrlimit(res, &cur) == 0 &&
	    (want->rlim_max == RLIM_INFINITY ? cur.rlim_max != RLIM_INFINITY : want->rlim_max > cur.rlim_max))
		return b_err_set(err, EPERM,
				 "rlimit %s: cannot raise the hard limit from %s to %s: operation not permitted (raising a hard limit needs CAP_SYS_RESOURCE)",
				 name, fmt_rlim(cur.rlim_max, from, sizeof(from)),
				 fmt_rlim(want->rlim_max, to, sizeof(to)));
	return b_err_sys(err, EPERM, "rlimit %s: soft %s hard %s", name,
			 fmt_rlim(want->rlim_cur, from, sizeof(from)),
			 fmt_rlim(want->rlim_max, to, sizeof(to)));
}

static int apply_one(const struct oci_rlimit *rl, struct b_err *err)
{
	struct rlimit want = { .rlim_cur = to_rlim(rl->soft), .rlim_max = to_rlim(rl->hard) };
	const char *name = rt_rlimit_name(rl->resource);
	char num[32], soft[32], hard[32];

	if (!name) {
		snprintf(num, sizeof(num), "resource %d", rl->resource);
		name = num;
	}
	/* RLIM_INFINITY is the largest rlim_t, so this covers "unlimited". */
	if (want.rlim_cur > want.rlim_max)
		return b_err_set(err, EINVAL, "rlimit %s: soft limit %s is above the hard limit %s",
				 name, fmt_rlim(want.rlim_cur, soft, sizeof(soft)),
				 fmt_rlim(want.rlim_max, hard, sizeof(hard)));
	if (setrlimit(rl->resource, &want) == 0)
		return 0;
	if (errno == EPERM)
		return explain_eperm(rl->resource, name, &want, err);
	return b_err_sys(err, errno, "rlimit %s: soft %s hard %s", name,
			 fmt_rlim(want.rlim_cur, soft, sizeof(soft)),
			 fmt_rlim(want.rlim_max, hard, sizeof(hard)));
}

int rt_rlimits_apply(const struct oci_rlimit *rl, size_t n, struct b_err *err)
{
	for (size_t i = 0; i < n; i++) {
		int rc = apply_one(&rl[i], err);

		if (rc < 0)
			return rc;
	}
	return 0;
}
