/* JSON test helpers shared by test_specs.c and test_pod_spec.c
 * (header-only: each test is its own executable): single-quoted JSON for
 * readable test strings, and the bad-document corpora (tests/data/
 * bad-configs, tests/data/bad-pods), where each NAME.json must fail to
 * parse with one line that starts with the document's name and contains
 * NAME.expect. */
#pragma once

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/error.h"
#include "common/fsutil.h"
#include "common/strutil.h"

/* A copy of `s` with every ' turned into ", so JSON in C strings needs
 * no escaping. */
static inline char *sq(const char *s)
{
	char *d = strdup(s);

	ck_assert_ptr_nonnull(d);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

static inline char *corpus_read(const char *dir, const char *file, size_t *len)
{
	_cleanup_free_ char *path = NULL;
	char *buf = NULL;

	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, file), 0);
	ck_assert_msg(b_read_file(path, 0, &buf, len) == 0, "cannot read %s", path);
	return buf;
}

/* Parse `json` as document `name`; returns < 0 with err filled on an
 * error, and frees whatever a success produced. */
typedef int (*corpus_parse_fn)(const char *name, const char *json, size_t len, struct b_err *err);

static inline void corpus_check_bad(const char *dir, const char *json_file, const char *name,
				    corpus_parse_fn parse)
{
	size_t n = strlen(json_file) - strlen(".json"), len, elen;
	_cleanup_free_ char *expect_file = NULL, *prefix = NULL;
	_cleanup_free_ char *json = corpus_read(dir, json_file, &len);
	_cleanup_free_ char *expect = NULL;
	struct b_err err = { 0 };

	ck_assert_int_ge(asprintf(&expect_file, "%.*s.expect", (int)n, json_file), 0);
	ck_assert_int_ge(asprintf(&prefix, "%s: ", name), 0);
	expect = corpus_read(dir, expect_file, &elen);
	while (elen && (expect[elen - 1] == '\n' || expect[elen - 1] == '\r'))
		expect[--elen] = '\0';
	ck_assert_msg(elen > 0, "%s is empty", expect_file);
	ck_assert_msg(parse(name, json, len, &err) < 0, "%s parsed without error", json_file);
	ck_assert_msg(strstr(err.msg, expect), "%s: error \"%s\" does not contain \"%s\"",
		      json_file, err.msg, expect);
	ck_assert_msg(!strchr(err.msg, '\n'), "%s: error is not one line: %s", json_file, err.msg);
	ck_assert_msg(b_startswith(err.msg, prefix), "%s: no name prefix: %s", json_file, err.msg);
}

/* Call fn(dir, file) for every *.json in dir; returns how many. */
static inline int corpus_for_each_json(const char *dir, void (*fn)(const char *, const char *))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int count = 0;

	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n <= 5 || strcmp(e->d_name + n - 5, ".json"))
			continue;
		fn(dir, e->d_name);
		count++;
	}
	closedir(d);
	return count;
}
