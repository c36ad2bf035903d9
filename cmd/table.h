/* Tables for the terminal: columns as wide as their widest cell (a long
 * bundle path or pod name never shifts the columns after it). */
#pragma once

#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_COLS 12

struct table {
	size_t ncols, n, cap;    /* n cells so far, row after row */
	char **cells;
	size_t width[TABLE_MAX_COLS];
	int oom;
};

/* ncols columns; the first ncols cells added are the header. */
void table_init(struct table *t, size_t ncols);
/* The next cell (NULL: empty). */
void table_add(struct table *t, const char *text);
void table_addf(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print, two spaces between columns, the last one unpadded; -ENOMEM if
 * a cell was lost. */
int table_print(const struct table *t, FILE *f);
void table_free(struct table *t);
