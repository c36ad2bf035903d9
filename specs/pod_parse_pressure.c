/* berth.dev/pressure and berth.dev/pressure.<container>: the PSI triggers
 * of the supervisor's pressure warnings.  The value is "off", or a list of
 * RESOURCE=off and RESOURCE=PERCENT%/WINDOW for cpu, memory and io
 * ("memory=20%/4s,cpu=off"); a resource not named keeps its default.
 * The kernel's bounds are checked here: a window from 500ms to 10s, a
 * stall that is part of it.  Without CAP_SYS_RESOURCE the kernel also wants
 * a window that is a multiple of 2s; that is known only when the trigger is
 * armed, and reported then. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pod_parse_internal.h"

#define WINDOW_MIN_US 500000
#define WINDOW_MAX_US 10000000

const char *pod_pressure_res_name(enum pod_pressure_res r)
{
	static const char *const names[POD_PRESSURE_N] = { "cpu", "memory", "io" };

	return (unsigned)r < POD_PRESSURE_N ? names[r] : "?";
}

/* Memory: a tenth of 2 s stalled is already reclaim hurting; cpu and io
 * only when it is a large share.  2 s windows work with or without
 * CAP_SYS_RESOURCE. */
void pod_pressure_defaults(struct pod_pressure p[POD_PRESSURE_N])
{
	p[POD_PRESSURE_CPU] = (struct pod_pressure){ false, 1000000, 2000000 };
	p[POD_PRESSURE_MEMORY] = (struct pod_pressure){ false, 200000, 2000000 };
	p[POD_PRESSURE_IO] = (struct pod_pressure){ false, 600000, 2000000 };
}

static int parse_res(struct oj *c, const char *name, size_t n)
{
	for (int r = 0; r < POD_PRESSURE_N; r++)
		if (strlen(pod_pressure_res_name((enum pod_pressure_res)r)) == n &&
		    !strncmp(name, pod_pressure_res_name((enum pod_pressure_res)r), n))
			return r;
	return oj_fail(c, "unknown resource \"%.*s\" (expected cpu, memory or io)", (int)n, name);
}

/* "PERCENT%/WINDOW", e.g. "10%/2s". */
static int parse_trigger(struct oj *c, const char *v, struct pod_pressure *p)
{
	char *end;
	double pct;
	int64_t ms;
	const char *slash = strchr(v, '/');

	errno = 0;
	pct = strtod(v, &end);
	if (errno || end == v || *end != '%' || end + 1 != slash || !slash ||
	    !pod_parse_duration(slash + 1, &ms))
		return oj_fail(c, "\"%s\" is not off or PERCENT%%/WINDOW (e.g. \"10%%/2s\")",
			       oj_quote(c, v));
	if (!(pct > 0 && pct <= 100))
		return oj_fail(c, "\"%s\": the percentage must be above 0 and at most 100",
			       oj_quote(c, v));
	if (ms * 1000 < WINDOW_MIN_US || ms * 1000 > WINDOW_MAX_US)
		return oj_fail(c, "\"%s\": the window must be from 500ms to 10s (the kernel's bounds)",
			       oj_quote(c, v));
	p->off = false;
	p->window_us = ms * 1000;
	p->stall_us = (int64_t)(pct / 100 * (double)p->window_us);
	if (p->stall_us < 1)
		p->stall_us = 1;
	return 0;
}

static int parse_item(struct oj *c, const char *item, struct pod_pressure p[POD_PRESSURE_N])
{
	const char *eq = strchr(item, '=');
	int r;

	if (!eq)
		return oj_fail(c, "\"%s\" is not RESOURCE=off or RESOURCE=PERCENT%%/WINDOW "
			       "(e.g. \"memory=10%%/2s\")", oj_quote(c, item));
	if ((r = parse_res(c, item, (size_t)(eq - item))) < 0)
		return r;
	if (!strcmp(eq + 1, "off")) {
		p[r].off = true;
		return 0;
	}
	return parse_trigger(c, eq + 1, &p[r]);
}

int pod_pressure_parse(struct oj *c, const char *val, struct pod_pressure p[POD_PRESSURE_N])
{
	char *copy, *save = NULL;
	int r = 0;

	if (!strcmp(val, "off")) {
		for (int i = 0; i < POD_PRESSURE_N; i++)
			p[i].off = true;
		return 0;
	}
	if (!*val)
		return oj_fail(c, "empty (expected off or RESOURCE=PERCENT%%/WINDOW,...)");
	if (!(copy = strdup(val)))
		return oj_oom(c);
	for (char *it = strtok_r(copy, ",", &save); it && r == 0; it = strtok_r(NULL, ",", &save)) {
		while (*it == ' ')
			it++;
		for (char *e = it + strlen(it); e > it && e[-1] == ' '; e--)
			e[-1] = '\0';
		r = parse_item(c, it, p);
	}
	free(copy);
	return r;
}
