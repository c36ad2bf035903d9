#include "sched.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* uapi linux/ioprio.h is only shipped by recent kernel headers. */
#define RT_IOPRIO_WHO_PROCESS 1
#define RT_IOPRIO_CLASS_SHIFT 13
#define RT_IOPRIO_NR_LEVELS 8

#ifndef SCHED_DEADLINE
#define SCHED_DEADLINE 6
#endif

/* The kernel's struct sched_attr, version 0 (48 bytes).  Our own name:
 * glibc >= 2.41 declares struct sched_attr too. */
struct rt_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};
_Static_assert(sizeof(struct rt_sched_attr) == 48, "SCHED_ATTR_SIZE_VER0");

static const char *ioprio_class_name(int class)
{
	switch (class) {
	case 1: return "IOPRIO_CLASS_RT";
	case 2: return "IOPRIO_CLASS_BE";
	case 3: return "IOPRIO_CLASS_IDLE";
	default: return "?";
	}
}

int rt_io_priority_apply(const struct oci_io_priority *p, struct b_err *err)
{
	int value;

	if (p->class < 1 || p->class > 3)
		return b_err_set(err, EINVAL, "ioPriority: invalid class %d", p->class);
	if (p->priority < 0 || p->priority >= RT_IOPRIO_NR_LEVELS)
		return b_err_set(err, EINVAL, "ioPriority %s: priority %d is out of range (0..7)",
				 ioprio_class_name(p->class), p->priority);
	value = (p->class << RT_IOPRIO_CLASS_SHIFT) | p->priority;
	if (syscall(SYS_ioprio_set, RT_IOPRIO_WHO_PROCESS, 0, value) < 0)
		return b_err_sys(err, errno, "ioPriority %s priority %d: ioprio_set%s",
				 ioprio_class_name(p->class), p->priority,
				 errno == EPERM ? " (the realtime class needs CAP_SYS_ADMIN or CAP_SYS_NICE)" : "");
	return 0;
}

static const char *policy_name(int policy)
{
	switch (policy) {
	case SCHED_OTHER: return "SCHED_OTHER";
	case SCHED_FIFO: return "SCHED_FIFO";
	case SCHED_RR: return "SCHED_RR";
	case SCHED_BATCH: return "SCHED_BATCH";
	case SCHED_IDLE: return "SCHED_IDLE";
	case SCHED_DEADLINE: return "SCHED_DEADLINE";
	default: return NULL;
	}
}

int rt_scheduler_apply(const struct oci_scheduler *s, struct b_err *err)
{
	struct rt_sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = (uint32_t)s->policy,
		.sched_flags = s->flags,
		.sched_nice = s->nice,
		.sched_priority = s->priority,
		.sched_runtime = s->runtime,
		.sched_deadline = s->deadline,
		.sched_period = s->period,
	};
	const char *name = policy_name(s->policy);

	if (!name)
		return b_err_set(err, EINVAL, "scheduler: invalid policy %d", s->policy);
	if (s->nice < -20 || s->nice > 19)
		return b_err_set(err, EINVAL, "scheduler %s: nice %d is out of range (-20..19)",
				 name, (int)s->nice);
#ifdef SYS_sched_setattr
	if (syscall(SYS_sched_setattr, 0, &attr, 0) == 0)
		return 0;
#else
	errno = ENOSYS;
#endif
	if (errno == EPERM)
		return b_err_sys(err, errno,
				 "scheduler %s (priority %u, nice %d): sched_setattr (real-time and deadline policies and negative nice need CAP_SYS_NICE)",
				 name, s->priority, (int)s->nice);
	return b_err_sys(err, errno, "scheduler %s (priority %u, nice %d, flags %#llx): sched_setattr",
			 name, s->priority, (int)s->nice, (unsigned long long)s->flags);
}
