/* YAML pod files (specs/yaml.c): converted to JSON text, with the line of
 * every value kept for error messages. */
#pragma once

#include <stddef.h>

#include "common/error.h"

struct yaml_line {
	char *path;      /* "spec.containers[0].image", as the JSON checks name it */
	size_t line;     /* 1-based */
};

struct yaml_lines {
	struct yaml_line *v;
	size_t n, cap;
};

/* One YAML document as JSON text (*json malloc'ed).  Errors read
 * "<name>:<line>: expected JSON or YAML: <problem> (line L, column C)". */
int yaml_to_json(const char *name, const char *text, size_t len, char **json, size_t *json_len,
		 struct yaml_lines *lines, struct b_err *err);
void yaml_lines_free(struct yaml_lines *l);
/* The line of path (the first path_len bytes), or of its nearest ancestor
 * in the document; 0 when unknown. */
size_t yaml_line_of(const struct yaml_lines *l, const char *path, size_t path_len);
