#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN 4096

struct b_arena_chunk {
	struct b_arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

static void *oom(void)
{
	fputs("berth: out of memory\n", stderr);
	abort();
}

void *b_arena_alloc(struct b_arena *a, size_t size)
{
	struct b_arena_chunk *c = a->head;
	size_t align = _Alignof(max_align_t);
	size_t need = (size + align - 1) & ~(align - 1);
	void *p;

	if (need < size)
		return oom();
	if (!c || c->cap - c->used < need) {
		size_t cap = need > CHUNK_MIN ? need : CHUNK_MIN;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return oom();
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	memset(p, 0, size);
	return p;
}

void *b_arena_calloc(struct b_arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return oom();
	size_t total = n * size;

	return b_arena_alloc(a, total > 0 ? total : 1);
}

char *b_arena_strndup(struct b_arena *a, const char *s, size_t n)
{
	char *p = b_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *b_arena_strdup(struct b_arena *a, const char *s)
{
	return s ? b_arena_strndup(a, s, strlen(s)) : NULL;
}

char *b_arena_printf(struct b_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *tmp = NULL, *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return oom();
	p = b_arena_strndup(a, tmp, (size_t)n);
	free(tmp);
	return p;
}

void b_arena_release(struct b_arena *a)
{
	struct b_arena_chunk *c = a->head;

	while (c) {
		struct b_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}
