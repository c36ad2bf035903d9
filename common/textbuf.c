#include <stdlib.h>

#include "common/textbuf.h"

void b_text_put(struct b_text *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		char *p;

		while (cap < t->len + n + 1)
			cap *= 2;
		if (!(p = realloc(t->p, cap))) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

char *b_text_finish(struct b_text *t, size_t *len)
{
	b_text_put(t, "", 0);   /* an empty text is still allocated */
	if (t->oom) {
		free(t->p);
		t->p = NULL;
		return NULL;
	}
	if (len)
		*len = t->len;
	return t->p;
}
