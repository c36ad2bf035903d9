/* A growing NUL-terminated text, for building files and messages without
 * checking every append: an allocation failure is remembered and reported
 * once, by b_text_finish(). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct b_text {
	char *p;
	size_t len, cap;
	bool oom;
};

void b_text_put(struct b_text *t, const char *s, size_t n);
static inline void b_text_puts(struct b_text *t, const char *s)
{
	b_text_put(t, s, strlen(s));
}
/* The text (malloc'ed; "" when nothing was put), its length in *len when
 * len is not NULL; NULL (and everything freed) after an allocation
 * failure. */
char *b_text_finish(struct b_text *t, size_t *len);
