/* runc's log line formats (logline.h). */
#include "logline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/textbuf.h"
#include "common/utf8.h"
#include "jsonw.h"

/* msg with every byte that starts no well-formed character as \xNN;
 * `quote` also escapes as Go's %q does, for logrus's msg="…". */
static void put_clean(struct b_text *b, const char *msg, bool quote)
{
	size_t len = strlen(msg);

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)msg[i];
		size_t n = b_utf8_char(msg + i, len - i);
		char esc[8];

		if (quote && (c == '"' || c == '\\')) {
			esc[0] = '\\';
			esc[1] = (char)c;
			b_text_put(b, esc, 2);
		} else if (quote && (c == '\n' || c == '\t' || c == '\r')) {
			b_text_puts(b, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r");
		} else if (n == 0 || (quote && (c < 0x20 || c == 0x7f))) {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			b_text_puts(b, esc);
		} else {
			b_text_put(b, msg + i, n);
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
	struct b_text b = { 0 };
	char *clean, *line;

	if (!json) {
		b_text_puts(&b, "time=\"");
		b_text_puts(&b, time);
		b_text_puts(&b, "\" level=");
		b_text_puts(&b, level);
		b_text_puts(&b, " msg=\"");
		put_clean(&b, msg, true);
		b_text_puts(&b, "\"\n");
		return b_text_finish(&b, NULL);
	}
	put_clean(&b, msg, false);
	clean = b_text_finish(&b, NULL);
	if (!clean)
		return NULL;
	line = json_line(level, clean, time);
	free(clean);
	return line;
}
