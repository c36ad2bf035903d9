/* What the supervisor tells the world: events.jsonl, the containers' CRI
 * log files, and systemd's notification socket. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "common/sd_notify_client.h"
#include "specs/jsonw.h"
#include "supervisor/sv_internal.h"

int64_t sv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sv_wall_time(char *buf, size_t size, bool nanos)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (nanos)
		snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
	else
		snprintf(buf + n, size - n, "Z");
}

void sv_warn(struct sv *s, const struct b_err *e)
{
	struct sv_ev ev = { .type = "warning", .backoff_ms = -1, .message = e->msg };

	/* Also an event, so a detached supervisor's problems are not lost. */
	sv_event(s, &ev);
	if (s->o->on_warn)
		s->o->on_warn(s->o->ud, e);
}

void sv_fatal(struct sv *s, const struct sv_ctr *c, const struct b_err *e)
{
	struct sv_ev ev = { .type = "fatal", .c = c, .backoff_ms = -1, .message = e->msg };

	sv_event(s, &ev);
	if (!s->fatal.code)
		s->fatal = *e;
	s->failed = true;
	sv_begin_stop(s, false, "fatal error");
}

/* ---- events ---------------------------------------------------------- */

static void write_event(struct jw *w, struct sv *s, const struct sv_ev *e)
{
	char ts[SV_TIME_LEN];

	sv_wall_time(ts, sizeof(ts), true);
	jw_obj_open(w);
	jw_kstr(w, "time", ts);
	jw_kstr(w, "type", e->type);
	jw_kstr(w, "pod", s->pod->name);
	if (e->c) {
		jw_kstr(w, "container", e->c->c->name);
		jw_kint(w, "restartCount", e->c->restarts);
	}
	if (e->has_exit) {
		if (e->code >= 0)
			jw_kint(w, "code", e->code);
		else
			jw_key(w, "code"), jw_null(w);
		jw_kint(w, "signal", e->signal);
		jw_kstr(w, "reason", e->reason);
	}
	if (e->backoff_ms >= 0)
		jw_kint(w, "backoffMs", e->backoff_ms);
	if (e->from || e->to) {
		jw_kint(w, "fromBytes", e->from);
		jw_kint(w, "toBytes", e->to);
	}
	if (e->probe)
		jw_kstr(w, "probe", e->probe);
	if (e->resource) {
		jw_kstr(w, "resource", e->resource);
		jw_key(w, "avg10");
		jw_fixed(w, e->avg10, 2);
		if (e->usage >= 0)
			jw_kint(w, "usageBytes", e->usage);
		if (e->limit >= 0)
			jw_kint(w, "limitBytes", e->limit);
	}
	if (e->message)
		jw_kstr(w, "message", e->message);
	jw_obj_close(w);
}

void sv_event(struct sv *s, const struct sv_ev *e)
{
	_cleanup_(jw_freep) struct jw *w = jw_new(false);
	_cleanup_free_ char *out = NULL;
	struct b_err ign = { 0 };
	size_t len;

	if (!w || s->events.fd < 0)
		return;
	write_event(w, s, e);
	out = jw_finish(w, &len);
	if (!out)
		return;
	out[len] = '\n';   /* jw_finish leaves room for the NUL */
	(void)cri_logfile_write(&s->events, out, len + 1, &ign);
}

void sv_simple_event(struct sv *s, const char *type, const struct sv_ctr *c)
{
	struct sv_ev e = { .type = type, .c = c, .backoff_ms = -1 };

	sv_event(s, &e);
}

/* ---- logs ------------------------------------------------------------ */

void sv_log_line(struct sv *s, struct sv_ctr *c, int which, const char *line,
		 size_t len, bool partial)
{
	const char *stream = which ? "stderr" : "stdout";
	struct timespec now;
	char head[128];
	int hl;

	clock_gettime(CLOCK_REALTIME, &now);
	hl = cri_format_head(head, sizeof(head), &now, stream, partial);
	if (c->log.fd >= 0 && hl > 0) {
		_cleanup_free_ char *rec = malloc((size_t)hl + len + 1);
		struct b_err e = { 0 };

		if (rec) {
			memcpy(rec, head, (size_t)hl);
			memcpy(rec + hl, line, len);
			rec[(size_t)hl + len] = '\n';
			if (cri_logfile_write(&c->log, rec, (size_t)hl + len + 1, &e) < 0 &&
			    s->o->on_warn)
				s->o->on_warn(s->o->ud, &e);
		}
	}
	if (s->o->on_log)
		s->o->on_log(s->o->ud, c->c->name, stream, line, len, partial);
}

/* ---- systemd --------------------------------------------------------- */

void sv_notify(const char *msg)
{
	b_sd_notify(msg);
}

/* ", memory pressure" when a container's trigger says so (the first
 * resource under pressure, and how many containers). */
/* ", memory+io pressure in 2 containers": every resource under pressure
 * in any container, and how many containers have some. */
static void sv_pressure_summary(const struct sv *s, char *buf, size_t size)
{
	size_t n = 0, used;
	bool any[POD_PRESSURE_N] = { false };

	for (size_t i = 0; i < s->n; i++) {
		bool high = false;
		for (int r = 0; r < POD_PRESSURE_N; r++)
			if (s->cs[i].psi[r].high)
				high = any[r] = true;
		n += high;
	}
	if (!n)
		return;
	used = (size_t)snprintf(buf, size, ",");
	for (int r = 0; r < POD_PRESSURE_N && used < size; r++)
		if (any[r])
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
						 buf[used - 1] == ',' ? " " : "+", pod_pressure_res_name(r));
	if (used < size)
		snprintf(buf + used, size - used, " pressure in %zu container%s", n, n == 1 ? "" : "s");
}

void sv_notify_status(struct sv *s)
{
	char msg[160], high[64] = "";
	size_t running = 0, ready = 0, total = 0;
	int restarts = 0;

	for (size_t i = 0; i < s->n; i++) {
		if (s->cs[i].c->init && !s->cs[i].c->sidecar)
			continue;
		total++;
		if (sv_alive(&s->cs[i]))
			running++;
		if (sv_ctr_ready(&s->cs[i]))
			ready++;
		restarts += s->cs[i].restarts;
	}
	sv_pressure_summary(s, high, sizeof(high));
	snprintf(msg, sizeof(msg), "STATUS=%s: %zu/%zu ready, %zu running, %d restart%s%s%s",
		 sv_phase(s), ready, total, running, restarts, restarts == 1 ? "" : "s",
		 high, sv_stopping(s) ? ", stopping" : "");
	if (!strcmp(msg, s->last_status))
		return;
	snprintf(s->last_status, sizeof(s->last_status), "%s", msg);
	sv_notify(msg);
}

/* ---- tracing ---------------------------------------------------------- */

void sv_trace(struct sv *s, const char *fmt, ...)
{
	char msg[RT_LOG_MSG_MAX];
	va_list ap;

	if (!rt_log_enabled(s->ctx, RT_LOG_DEBUG))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rt_logf(s->ctx, RT_LOG_DEBUG, "supervisor: %s", msg);
}
