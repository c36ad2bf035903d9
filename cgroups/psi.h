/* Pressure stall information: the `cpu.pressure`, `memory.pressure` and
 * `io.pressure` files of a cgroup (and the files in /proc/pressure).  Two lines,
 * "some avg10=A avg60=B avg300=C total=T" and "full ...", with averages
 * in percent and the total stall time in microseconds. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum cg_psi_res { CG_PSI_CPU, CG_PSI_MEMORY, CG_PSI_IO, CG_PSI_N };

struct cg_psi_line {
	bool set;
	double avg10, avg60, avg300;
	uint64_t total_us;
};

struct cg_psi {
	bool present;               /* the file was there and parsed */
	struct cg_psi_line some, full;
};

/* "cpu", "memory", "io": the file is <name>.pressure. */
const char *cg_psi_res_name(enum cg_psi_res r);
/* Parse a pressure file's text.  Lines are read by keyword and keys by
 * name, so the order and any keys a later kernel adds do not matter.
 * -EINVAL when there is no "some" line or a known key has a bad value. */
int cg_psi_parse(const char *text, struct cg_psi *out);
