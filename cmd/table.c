#include "table.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void table_init(struct table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols < 1 ? 1 : ncols < TABLE_MAX_COLS ? ncols : TABLE_MAX_COLS;
}

static void add_owned(struct table *t, char *cell)
{
	size_t len;

	if (!cell) {
		t->oom = 1;
		return;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **nc = realloc(t->cells, cap * sizeof(*nc));
		if (!nc) {
			free(cell);
			t->oom = 1;
			return;
		}
		t->cells = nc;
		t->cap = cap;
	}
	len = strlen(cell);
	if (len > t->width[t->n % t->ncols])
		t->width[t->n % t->ncols] = len;
	t->cells[t->n++] = cell;
}

void table_add(struct table *t, const char *text)
{
	add_owned(t, strdup(text ? text : ""));
}

void table_addf(struct table *t, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	add_owned(t, s);
}

int table_print(const struct table *t, FILE *f)
{
	for (size_t i = 0; i < t->n; i++) {
		size_t col = i % t->ncols;

		if (col + 1 == t->ncols || i + 1 == t->n)
			fprintf(f, "%s\n", t->cells[i]);
		else
			fprintf(f, "%-*s  ", (int)t->width[col], t->cells[i]);
	}
	return t->oom ? -ENOMEM : 0;
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}
