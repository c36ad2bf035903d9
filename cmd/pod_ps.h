/* berth pod ps: the table and JSON views of pod statuses. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

/* Fetch one pod's status document (malloc'ed JSON). */
typedef int (*pod_status_fn)(struct cli *cli, const char *name, bool pretty, char **out,
			     size_t *len, struct b_err *err);

struct pod_ps_opts {
	bool json;
	const char *selector;    /* -l: kubectl's label selector, NULL: every pod */
	bool all;                /* -a: also pods that ended (kept until pod rm) */
};

/* Print the pods `names`; returns the exit code. */
int pod_ps_print(struct cli *cli, char **names, size_t n, const struct pod_ps_opts *o,
		 pod_status_fn get);

/* Bytes as ps and top show them: "512B", "1.5Ki", "64Mi"; "-" when < 0. */
void pod_human_bytes(char *buf, size_t size, int64_t v);
