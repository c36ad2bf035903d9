/* Reading back a pod status document (what `berth pod inspect` prints and
 * the supervisor answers "status" with: a Kubernetes Pod with `status`),
 * for `berth pod ps` and `berth pod top`.  Only what they show is kept. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/error.h"

struct pod_ctr_status {
	char *name;
	bool init;                /* from initContainerStatuses */
	bool sidecar;
	bool ready;
	char *state;              /* "running", "waiting", "terminated" or "" */
	char *reason;             /* of a waiting or terminated state, or NULL */
	char *started_at;         /* running.startedAt, or NULL */
	int64_t exit_code;        /* terminated.exitCode, -1 */
	int64_t restart_count;
	char *last_reason;        /* lastState.terminated.reason, or NULL */
	int64_t memory_usage;     /* bytes, -1 when unknown */
	int64_t memory_limit;     /* bytes, -1 when none */
	int64_t memory_working_set;  /* bytes (usage less inactive page cache), -1 */
	int64_t cpu_usage_usec;   /* cgroup cpu.stat usage_usec, -1 when unknown */
	double psi_avg10[3];      /* "some" avg10 of cpu, memory, io in percent, -1 */
	bool psi_high[3];         /* a pressure episode is going on */
	char *health;             /* "starting", "healthy", "unhealthy", "" or NULL */
	char *why;                /* berth.why: why not ready or waiting, or NULL */
};

struct pod_status_view {
	struct b_arena arena;
	char *name;
	char *phase;
	char *start_time;
	char *pod_ip;             /* status.podIP, or NULL */
	bool stopping;
	int64_t supervisor_pid;
	int64_t run;              /* berth.run: 1, +1 per `pod restart` */
	char *ended_at;           /* berth.endedAt of a pod that ended, or NULL */
	char **labels;            /* metadata.labels as "key=value", n_labels of them */
	size_t n_labels;
	struct pod_ctr_status *ctrs;   /* init containers first */
	size_t n_ctrs;
};

int pod_status_parse(const char *name, const char *json, size_t len,
		     struct pod_status_view **out, struct b_err *err);
/* kubectl's equality-based label selector ("app=web,tier!=db,canary"):
 * 1 when the labels match every term, 0 when not, -EINVAL (err filled)
 * for a selector that is not one. */
int pod_label_selector_match(char *const *labels, size_t n, const char *selector,
			     struct b_err *err);

void pod_status_free(struct pod_status_view *v);
