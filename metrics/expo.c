#include "metrics/expo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

static const char *type_name(enum mx_type type)
{
	switch (type) {
	case MX_COUNTER:
		return "counter";
	case MX_GAUGE:
		return "gauge";
	case MX_HISTOGRAM:
		return "histogram";
	}
	return "untyped";
}

/* Label values and HELP are free text (reasons, messages, image names):
 * the format is UTF-8, so a byte that is not part of a well-formed
 * character becomes U+FFFD rather than making the scrape fail. */
void mx_escape(struct b_text *t, const char *s, int is_label)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		size_t c = b_utf8_char(s + i, n - i);

		if (c == 0) {
			b_text_puts(t, "\xef\xbf\xbd");
			i++;
		} else if (s[i] == '\\') {
			b_text_puts(t, "\\\\");
			i++;
		} else if (s[i] == '\n') {
			b_text_puts(t, "\\n");
			i++;
		} else if (s[i] == '"' && is_label) {
			b_text_puts(t, "\\\"");
			i++;
		} else {
			b_text_put(t, s + i, c);
			i += c;
		}
	}
}

void mx_family(struct b_text *t, const char *name, enum mx_type type, const char *help)
{
	b_text_puts(t, "# HELP ");
	b_text_puts(t, name);
	b_text_puts(t, " ");
	mx_escape(t, help, 0);
	b_text_puts(t, "\n# TYPE ");
	b_text_puts(t, name);
	b_text_puts(t, " ");
	b_text_puts(t, type_name(type));
	b_text_puts(t, "\n");
}

void mx_format_double(double v, char *buf, size_t size)
{
	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	/* The shortest of %.15g..%.17g that reads back exactly: 0.1 stays
	 * "0.1" rather than "0.10000000000000001". */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

static void put_name_labels(struct b_text *t, const char *name, const char *suffix,
			    const struct mx_label *l, size_t n)
{
	b_text_puts(t, name);
	if (suffix)
		b_text_puts(t, suffix);
	if (!n)
		return;
	b_text_puts(t, "{");
	for (size_t i = 0; i < n; i++) {
		if (i)
			b_text_puts(t, ",");
		b_text_puts(t, l[i].name);
		b_text_puts(t, "=\"");
		mx_escape(t, l[i].value ? l[i].value : "", 1);
		b_text_puts(t, "\"");
	}
	b_text_puts(t, "}");
}

void mx_sample(struct b_text *t, const char *name, const char *suffix,
	       const struct mx_label *l, size_t n, double v)
{
	char num[40];

	put_name_labels(t, name, suffix, l, n);
	mx_format_double(v, num, sizeof(num));
	b_text_puts(t, " ");
	b_text_puts(t, num);
	b_text_puts(t, "\n");
}

void mx_sample_u64(struct b_text *t, const char *name, const char *suffix,
		   const struct mx_label *l, size_t n, uint64_t v)
{
	char num[24];

	put_name_labels(t, name, suffix, l, n);
	snprintf(num, sizeof(num), " %llu\n", (unsigned long long)v);
	b_text_puts(t, num);
}

/* The labels plus le="bound": a copy, as the caller's array is const. */
static void bucket(struct b_text *t, const char *name, const struct mx_label *l, size_t n,
		   const char *le, uint64_t cum)
{
	struct mx_label all[n + 1];

	memcpy(all, l, n * sizeof(*l));
	all[n] = (struct mx_label){ "le", le };
	mx_sample_u64(t, name, "_bucket", all, n + 1, cum);
}

void mx_histogram(struct b_text *t, const char *name, const struct mx_label *l, size_t n,
		  const struct mx_hist *h)
{
	uint64_t cum = 0;
	char le[40];

	for (size_t i = 0; i < h->n_bounds; i++) {
		cum += h->counts[i];
		mx_format_double(h->bounds[i], le, sizeof(le));
		bucket(t, name, l, n, le, cum);
	}
	cum += h->counts[h->n_bounds];
	bucket(t, name, l, n, "+Inf", cum);
	mx_sample(t, name, "_sum", l, n, h->sum);
	mx_sample_u64(t, name, "_count", l, n, cum);
}

const double mx_def_buckets[MX_DEF_BUCKETS] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

size_t mx_bucket_index(const double *bounds, size_t n, double v)
{
	size_t i = 0;

	while (i < n && v > bounds[i])
		i++;
	return i;
}
