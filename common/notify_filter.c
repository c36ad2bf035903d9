/* The sd_notify relay policy (notify_filter.h): an allow-list of keys and
 * the values each may carry.  Anything else, an unknown key included, is
 * dropped: systemd learns new keys that manage the unit (FDSTORE=,
 * NOTIFYACCESS=, ...) and a relay must not pass them on by default. */
#include "common/notify_filter.h"

#include <string.h>

enum value { V_ONE, V_NUMBER, V_TEXT };

struct rule {
	const char *key;              /* with its '=' */
	enum value value;
	enum b_notify_verdict run, pod;
};

static const struct rule rules[] = {
	/* A pod is ready when all its containers are: the supervisor says it. */
	{ "READY=", V_ONE, B_NOTIFY_PASS, B_NOTIFY_READY },
	{ "STATUS=", V_TEXT, B_NOTIFY_PASS, B_NOTIFY_PASS },
	/* A container of a pod must not stop the pod's unit. */
	{ "STOPPING=", V_ONE, B_NOTIFY_PASS, B_NOTIFY_DROP },
	{ "RELOADING=", V_ONE, B_NOTIFY_PASS, B_NOTIFY_PASS },
	/* RELOADING=1's timestamp (Type=notify-reload wants it). */
	{ "MONOTONIC_USEC=", V_NUMBER, B_NOTIFY_PASS, B_NOTIFY_PASS },
	{ "ERRNO=", V_NUMBER, B_NOTIFY_PASS, B_NOTIFY_PASS },
	{ "BUSERROR=", V_TEXT, B_NOTIFY_PASS, B_NOTIFY_PASS },
	/* WATCHDOG=1 only: WATCHDOG=trigger would fail the unit on the
	 * container's word.  For `berth run` the container's ping is the
	 * unit's only liveness signal.  For a pod it is relayed by the
	 * supervisor's own event loop, so it stops with a hung supervisor and
	 * cannot make one look alive; the supervisor pings on its own. */
	{ "WATCHDOG=", V_ONE, B_NOTIFY_PASS, B_NOTIFY_PASS },
};

static bool value_ok(enum value kind, const char *v, size_t len)
{
	switch (kind) {
	case V_ONE:
		return len == 1 && v[0] == '1';
	case V_NUMBER:
		if (len == 0 || len > 20)
			return false;
		for (size_t i = 0; i < len; i++)
			if (v[i] < '0' || v[i] > '9')
				return false;
		return true;
	case V_TEXT:
		return true;
	}
	return false;
}

enum b_notify_verdict b_notify_line(enum b_notify_relay who, const char *line, size_t len)
{
	/* systemd would read a line with a NUL in it differently from us. */
	if (memchr(line, '\0', len))
		return B_NOTIFY_DROP;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		size_t k = strlen(r->key);

		if (len < k || memcmp(line, r->key, k))
			continue;
		if (!value_ok(r->value, line + k, len - k))
			return B_NOTIFY_DROP;
		return who == B_NOTIFY_RUN ? r->run : r->pod;
	}
	return B_NOTIFY_DROP;
}

size_t b_notify_filter(enum b_notify_relay who, const char *msg, size_t len, char *out,
		       size_t size, bool *ready)
{
	size_t olen = 0;

	if (ready)
		*ready = false;
	if (!size)
		return 0;
	for (const char *p = msg, *end = msg + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)((nl ? nl : end) - p);
		enum b_notify_verdict v = b_notify_line(who, p, l);

		if (v == B_NOTIFY_READY && ready)
			*ready = true;
		/* +1: the separator before it, or the final NUL. */
		if (v == B_NOTIFY_PASS && l && olen + (olen > 0) + l + 1 <= size) {
			if (olen)
				out[olen++] = '\n';
			memcpy(out + olen, p, l);
			olen += l;
		}
		p += l + 1;
	}
	out[olen] = '\0';
	return olen;
}
