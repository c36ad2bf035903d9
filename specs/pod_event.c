/* events.jsonl lines for humans (pod_event.h).  The time is cut to the
 * clock (the date only when it is not today's in UTC is not worth the
 * width: --format json keeps everything); type and container first, then
 * every other member as key=value in the order written. */
#include "specs/pod_event.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static const char *str_of(yajl_val obj, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v ? YAJL_GET_STRING(v) : NULL;
}

/* "2026-12-04T16:15:46.123456789Z" -> "16:15:46.123" */
static void clock_of(const char *t, char *out, size_t size)
{
	const char *tt = t ? strchr(t, 'T') : NULL;

	snprintf(out, size, "%.12s", tt ? tt + 1 : t ? t : "-");
}

static size_t add(char *buf, size_t size, size_t used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t add(char *buf, size_t size, size_t used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (used >= size)
		return used;
	va_start(ap, fmt);
	n = vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
	return n < 0 ? used : used + (size_t)n;
}

static void value_text(yajl_val v, char *out, size_t size)
{
	if (YAJL_IS_STRING(v))
		snprintf(out, size, "%s", YAJL_GET_STRING(v));
	else if (YAJL_IS_NUMBER(v))
		snprintf(out, size, "%s", YAJL_GET_NUMBER(v));
	else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
		snprintf(out, size, "%s", YAJL_IS_TRUE(v) ? "true" : "false");
	else if (YAJL_IS_NULL(v))
		snprintf(out, size, "null");
	else
		snprintf(out, size, "...");
}

static void members(yajl_val o, char *buf, size_t size, size_t used)
{
	static const char *const skip[] = { "time", "type", "container", "pod", NULL };

	for (size_t i = 0; i < o->u.object.len; i++) {
		const char *k = o->u.object.keys[i];
		char v[256];
		bool shown = true;

		for (const char *const *s = skip; *s; s++)
			shown = shown && strcmp(*s, k);
		if (!shown)
			continue;
		value_text(o->u.object.values[i], v, sizeof(v));
		if (strchr(v, ' '))
			used = add(buf, size, used, " %s=\"%s\"", k, v);
		else
			used = add(buf, size, used, " %s=%s", k, v);
	}
}

void pod_event_human(const char *json, size_t len, char *buf, size_t size)
{
	char text[8192], clock[16];
	yajl_val o;
	size_t used;

	snprintf(text, sizeof(text), "%.*s", (int)(len < sizeof(text) ? len : sizeof(text) - 1), json);
	o = yajl_tree_parse(text, NULL, 0);
	if (!o || !YAJL_IS_OBJECT(o)) {
		snprintf(buf, size, "%s", text);
	} else {
		const char *ctr = str_of(o, "container");
		clock_of(str_of(o, "time"), clock, sizeof(clock));
		used = add(buf, size, 0, "%-12s  %-18s", clock, str_of(o, "type") ? str_of(o, "type") : "?");
		used = add(buf, size, used, " %s", ctr ? ctr : "(pod)");
		members(o, buf, size, used);
	}
	yajl_tree_free(o);
	for (unsigned char *p = (unsigned char *)buf; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)   /* C1 controls: CSI is one */
			p[0] = p[1] = ' ';
}
