/* runc's log line formats (logline.h). */
#include "logline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "jsonw.h"

/* Growable text, for the text form and the UTF-8 clean-up. */
struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void put_s(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static char *finish(struct buf *b)
{
	put(b, "", 0);
	if (b->oom) {
		free(b->p);
		return NULL;
	}
	return b->p;
}

/* msg with every byte that starts no well-formed character as \xNN;
 * `quote` also escapes as Go's %q does, for logrus's msg="…". */
static void put_clean(struct buf *b, const char *msg, bool quote)
{
	size_t len = strlen(msg);

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)msg[i];
		size_t n = b_utf8_char(msg + i, len - i);
		char esc[8];

		if (quote && (c == '"' || c == '\\')) {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(b, esc, 2);
		} else if (quote && (c == '\n' || c == '\t' || c == '\r')) {
			put_s(b, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r");
		} else if (n == 0 || (quote && (c < 0x20 || c == 0x7f))) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			put_s(b, esc);
		} else {
			put(b, msg + i, n);
			i += n;
			continue;
		}
		i++;
	}
}

static char *json_line(const char *level, const char *msg, const char *time)
{
	struct jw *w = jw_new(false);
	char *out, *line;
	size_t len;

	jw_obj_open(w);
	jw_kstr(w, "level", level);
	jw_kstr(w, "msg", msg);
	jw_kstr(w, "time", time);
	jw_obj_close(w);
	out = jw_finish(w, &len);
	jw_free(w);
	if (!out)
		return NULL;
	line = realloc(out, len + 2);
	if (!line) {
		free(out);
		return NULL;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	return line;
}

char *logline_format(bool json, const char *level, const char *msg, const char *time)
{
	struct buf b = { 0 };
	char *clean, *line;

	if (!json) {
		put_s(&b, "time=\"");
		put_s(&b, time);
		put_s(&b, "\" level=");
		put_s(&b, level);
		put_s(&b, " msg=\"");
		put_clean(&b, msg, true);
		put_s(&b, "\"\n");
		return finish(&b);
	}
	put_clean(&b, msg, false);
	clean = finish(&b);
	if (!clean)
		return NULL;
	line = json_line(level, clean, time);
	free(clean);
	return line;
}
