/* Temp directories and files for the log reader tests. */
#pragma once

#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fsutil.h"

/* A fresh directory under $TMPDIR (or /tmp), removed by lt_rmdir. */
static inline void lt_mkdtemp(char *buf, size_t size)
{
	const char *base = getenv("TMPDIR");

	snprintf(buf, size, "%s/berth-logtest.XXXXXX", base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

static inline void lt_rmdir(const char *dir)
{
	b_rm_rf(dir);
}

/* Write (mode "w") or append (mode "a") text to dir/name. */
static inline void lt_put(const char *dir, const char *name, const char *mode, const char *text)
{
	char path[2 * PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, mode));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static inline void lt_rename(const char *dir, const char *from, const char *to)
{
	char a[2 * PATH_MAX], b[2 * PATH_MAX];

	snprintf(a, sizeof(a), "%s/%s", dir, from);
	snprintf(b, sizeof(b), "%s/%s", dir, to);
	ck_assert_int_eq(rename(a, b), 0);
}
