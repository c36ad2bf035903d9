/* The Prometheus text exposition format, version 0.0.4: the writer.
 *
 * Pure formatting, no I/O.  The caller writes one family at a time
 * (mx_family, then its samples), so each family's lines stay together as
 * the format requires; mx_merge (merge.c) joins the outputs of several
 * writers (one per pod) back into that shape.  Nothing here emits
 * timestamps, OpenMetrics syntax or the `job`/`instance` labels, which
 * Prometheus reserves for itself. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/textbuf.h"

enum mx_type { MX_COUNTER, MX_GAUGE, MX_HISTOGRAM };

struct mx_label {
	const char *name;           /* [a-zA-Z_][a-zA-Z0-9_]*, not "__..." */
	const char *value;          /* any bytes: escaped, bad UTF-8 replaced */
};

/* The Content-Type of a body this writer made. */
#define MX_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* "# HELP name help" and "# TYPE name type". */
void mx_family(struct b_text *t, const char *name, enum mx_type type, const char *help);
/* One sample.  `suffix` is appended to the name ("_sum", NULL for none). */
void mx_sample(struct b_text *t, const char *name, const char *suffix,
	       const struct mx_label *l, size_t n, double v);
/* The same for a count, exact however large. */
void mx_sample_u64(struct b_text *t, const char *name, const char *suffix,
		   const struct mx_label *l, size_t n, uint64_t v);

/* A histogram's samples: `counts[i]` observations fell in bucket i
 * (bounds[i-1] < x <= bounds[i]; counts[n_bounds] those above the last
 * bound).  Written cumulative, `le` increasing, "+Inf" equal to _count. */
struct mx_hist {
	const double *bounds;       /* increasing */
	size_t n_bounds;
	const uint64_t *counts;     /* n_bounds + 1 */
	double sum;
};
void mx_histogram(struct b_text *t, const char *name, const struct mx_label *l, size_t n,
		  const struct mx_hist *h);
/* Prometheus' default buckets (client libraries' DefBuckets, which the
 * kubelet's probe duration histogram uses), in seconds. */
#define MX_DEF_BUCKETS 11
extern const double mx_def_buckets[MX_DEF_BUCKETS];
/* The bucket v falls in: the first i with v <= bounds[i], else n. */
size_t mx_bucket_index(const double *bounds, size_t n, double v);

/* A number as Prometheus reads it: the shortest form that reads back
 * as the same double, "NaN", "+Inf", "-Inf".  buf holds 32 bytes. */
void mx_format_double(double v, char *buf, size_t size);
/* Write s escaped for a label value (\\, \", \n) or a HELP text (\\, \n). */
void mx_escape(struct b_text *t, const char *s, int is_label);

/* Join several bodies this writer made into one, each family once: the
 * families in the order they first appear, a family's first HELP and
 * first TYPE (later ones are dropped), then its samples from every body
 * in order. */
char *mx_merge(const char *const *bodies, size_t n, size_t *len);
