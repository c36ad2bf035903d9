/* Kubernetes quantities; see quantity.h.  The value is kept as a decimal
 * digit string times 10^e10 times 2^e2, so conversion is exact whatever
 * the number of digits and rounding up is decided on the dropped digits. */
#include "quantity.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"

/* The one bound on decimal exponents: the suffix's exponent, the count of
 * fraction digits and the exponent they give together (digits_exp()) are
 * all kept within +-EXP_LIMIT.  Inside it the arithmetic is exact.  A
 * value held at the limit is still about 2^59 from zero, and no string in
 * memory has that many digits (nor an int64 more than 19), so it says "too
 * large" or "less than one unit" exactly when the true value does.  Ten
 * times the limit, and the sum of three such terms, still fit an int64. */
#define EXP_LIMIT (INT64_MAX / 16)
#define INT64_DIGITS 19

struct qparts {
	bool neg;
	const char *ip;   /* integer digits */
	size_t ni;
	const char *fp;   /* fraction digits */
	size_t nf;
	int64_t e10;      /* decimal exponent of the suffix, clamped */
	unsigned e2;      /* binary exponent of the suffix */
};

static const struct {
	const char *s;
	int e10;
	unsigned e2;
} suffixes[] = {
	{ "", 0, 0 },
	{ "n", -9, 0 }, { "u", -6, 0 }, { "m", -3, 0 },
	{ "k", 3, 0 }, { "M", 6, 0 }, { "G", 9, 0 },
	{ "T", 12, 0 }, { "P", 15, 0 }, { "E", 18, 0 },
	{ "Ki", 0, 10 }, { "Mi", 0, 20 }, { "Gi", 0, 30 },
	{ "Ti", 0, 40 }, { "Pi", 0, 50 }, { "Ei", 0, 60 },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t span_digits(const char *s)
{
	size_t n = 0;

	while (is_digit(s[n]))
		n++;
	return n;
}

/* The sign and number; returns the length consumed or 0 when there is no
 * number (at least one digit is needed, on either side of the point). */
static size_t split_number(const char *s, struct qparts *q)
{
	size_t i = 0;

	q->neg = false;
	if (s[0] == '+' || s[0] == '-') {
		q->neg = s[0] == '-';
		i++;
	}
	q->ip = s + i;
	q->ni = span_digits(s + i);
	i += q->ni;
	q->fp = s + i;
	q->nf = 0;
	if (s[i] == '.') {
		q->fp = s + i + 1;
		q->nf = span_digits(q->fp);
		i += 1 + q->nf;
	}
	return q->ni + q->nf ? i : 0;
}

static int64_t clamp_exp(int64_t e)
{
	return e > EXP_LIMIT ? EXP_LIMIT : e < -EXP_LIMIT ? -EXP_LIMIT : e;
}

/* "e3", "E-2": a decimal exponent. */
static bool parse_exponent(const char *s, int64_t *out)
{
	bool neg = false;
	int64_t v = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++)
		v = clamp_exp(v * 10 + (*s - '0'));
	if (*s)
		return false;
	*out = neg ? -v : v;
	return true;
}

static enum quantity_err split_suffix(const char *u, struct qparts *q)
{
	for (size_t i = 0; i < B_ARRAY_SIZE(suffixes); i++)
		if (!strcmp(u, suffixes[i].s)) {
			q->e10 = suffixes[i].e10;
			q->e2 = suffixes[i].e2;
			return QUANTITY_OK;
		}
	q->e2 = 0;
	if ((u[0] == 'e' || u[0] == 'E') && parse_exponent(u + 1, &q->e10))
		return QUANTITY_OK;
	/* Letters only: a unit we do not know; anything else is garbage. */
	for (const char *p = u; *p; p++)
		if (!is_alpha(*p))
			return QUANTITY_SYNTAX;
	return QUANTITY_SUFFIX;
}

static enum quantity_err split(const char *s, struct qparts *q)
{
	size_t n;

	if (!s[0])
		return QUANTITY_EMPTY;
	n = split_number(s, q);
	if (!n)
		return QUANTITY_SYNTAX;
	return split_suffix(s + n, q);
}

/* d[lo..hi) are decimal digits, most significant first, with room below
 * lo for the carries. */
static void times2(unsigned char *d, size_t *lo, size_t hi)
{
	unsigned carry = 0;

	for (size_t i = hi; i-- > *lo;) {
		unsigned v = d[i] * 2u + carry;

		d[i] = (unsigned char)(v % 10);
		carry = v / 10;
	}
	if (carry)
		d[--*lo] = (unsigned char)carry;
}

/* The first `n` digits as an integer (n <= 19, so no wrap-around). */
static uint64_t digits_value(const unsigned char *d, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + d[i];
	return v;
}

/* The exponent of the last digit, e10 - nf + scale10, clamped like its
 * terms (an int scale is far inside the limit). */
static int64_t digits_exp(int64_t e10, size_t nf, int scale10)
{
	int64_t f = nf > (size_t)EXP_LIMIT ? EXP_LIMIT : (int64_t)nf;

	return clamp_exp(e10 - f + scale10);
}

/* ceil(digits * 10^exp) for positive digits. */
static enum quantity_err round_up(const unsigned char *d, size_t len, int64_t exp,
				  int64_t *out, bool *exact)
{
	uint64_t v;
	size_t keep;

	*exact = true;
	if (exp >= 0) {
		if (len > INT64_DIGITS || (int64_t)len + exp > INT64_DIGITS)
			return QUANTITY_RANGE;
		v = digits_value(d, len);
		for (int64_t i = 0; i < exp; i++)
			v *= 10;
	} else {
		keep = (uint64_t)-exp >= len ? 0 : len - (size_t)-exp;
		if (keep > INT64_DIGITS)
			return QUANTITY_RANGE;
		v = digits_value(d, keep);
		for (size_t i = keep; i < len; i++)
			if (d[i])
				*exact = false;
		if (!*exact)
			v++;
	}
	if (v > INT64_MAX)
		return QUANTITY_RANGE;
	*out = (int64_t)v;
	return QUANTITY_OK;
}

enum quantity_err quantity_scaled(const char *s, int scale10, int64_t *out,
				  bool *exact)
{
	_cleanup_free_ unsigned char *d = NULL;
	struct qparts q;
	size_t cap, lo, hi;
	bool ex = true;
	enum quantity_err r = split(s, &q);

	if (r != QUANTITY_OK)
		return r;
	/* 2^60 has 19 digits: room for every carry of times2(). */
	cap = q.ni + q.nf + INT64_DIGITS + 1;
	d = malloc(cap);
	if (!d)
		return QUANTITY_RANGE;
	lo = hi = cap - q.ni - q.nf;
	for (size_t i = 0; i < q.ni; i++)
		d[hi++] = (unsigned char)(q.ip[i] - '0');
	for (size_t i = 0; i < q.nf; i++)
		d[hi++] = (unsigned char)(q.fp[i] - '0');
	while (lo < hi && d[lo] == 0)
		lo++;
	if (lo == hi) {
		*out = 0;          /* any zero, "-0" included */
	} else if (q.neg) {
		return QUANTITY_NEGATIVE;
	} else {
		for (unsigned i = 0; i < q.e2; i++)
			times2(d, &lo, hi);
		r = round_up(d + lo, hi - lo, digits_exp(q.e10, q.nf, scale10),
			     out, &ex);
	}
	if (exact)
		*exact = ex;
	return r;
}

enum quantity_err quantity_bytes(const char *s, int64_t *out, bool *exact)
{
	return quantity_scaled(s, 0, out, exact);
}

enum quantity_err quantity_millis(const char *s, int64_t *out)
{
	return quantity_scaled(s, 3, out, NULL);
}

const char *quantity_err_str(enum quantity_err e)
{
	switch (e) {
	case QUANTITY_OK:
		return "is a quantity";
	case QUANTITY_EMPTY:
	case QUANTITY_SYNTAX:
	case QUANTITY_SUFFIX:
		return "is not a quantity";
	case QUANTITY_NEGATIVE:
		return "must not be negative";
	case QUANTITY_RANGE:
		return "is too large";
	}
	return "is not a quantity";
}

/* ---- hints ------------------------------------------------------------ */

static bool ends_with_ci(const char *s, size_t *len, const char *tail)
{
	size_t n = strlen(tail);

	if (*len < n || strncasecmp(s + *len - n, tail, n))
		return false;
	*len -= n;
	return true;
}

/* Memory units people write: MB, mb, MiB, Gb, K, bytes... -> binary SI. */
static const char *memory_suffix(const char *u)
{
	static const char *const binary[] = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	static const char letters[] = "kmgtpe";
	size_t n = strlen(u);
	const char *l;

	if (!ends_with_ci(u, &n, "bytes") && !ends_with_ci(u, &n, "byte"))
		ends_with_ci(u, &n, "b");
	ends_with_ci(u, &n, "i");
	if (n == 0)
		return "";
	if (n != 1)
		return NULL;
	l = strchr(letters, tolower((unsigned char)u[0]));
	return l ? binary[l - letters] : NULL;
}

static const char *cpu_suffix(const char *u)
{
	static const char *const cores[] = { "cpu", "cpus", "core", "cores", "vcpu", "vcpus" };
	static const char *const millis[] = { "mcpu", "millicpu", "millicpus", "millicore",
					      "millicores", "mc", "milli", "millis" };

	for (size_t i = 0; i < B_ARRAY_SIZE(cores); i++)
		if (!strcasecmp(u, cores[i]))
			return "";
	for (size_t i = 0; i < B_ARRAY_SIZE(millis); i++)
		if (!strcasecmp(u, millis[i]))
			return "m";
	return NULL;
}

static bool offer(const char *cand, char *buf, size_t size)
{
	struct qparts q;

	if (split(cand, &q) != QUANTITY_OK || strlen(cand) >= size)
		return false;
	strcpy(buf, cand);
	return true;
}

static bool hint_hex(const char *t, char *buf, size_t size)
{
	unsigned long long v;
	char *end, cand[32];

	if (t[0] != '0' || (t[1] != 'x' && t[1] != 'X') || !isxdigit((unsigned char)t[2]))
		return false;
	errno = 0;
	v = strtoull(t + 2, &end, 16);
	if (errno || *end)
		return false;
	snprintf(cand, sizeof(cand), "%llu", v);
	return offer(cand, buf, size);
}

static bool hint_suffix(const char *t, enum quantity_kind kind, char *buf,
			size_t size)
{
	struct qparts q;
	size_t n = split_number(t, &q);
	const char *u = t + n, *fix;
	char cand[128];

	if (!n || n > 100)
		return false;
	fix = kind == QUANTITY_MEMORY ? memory_suffix(u) : cpu_suffix(u);
	if (!fix || !strcmp(fix, u))
		return false;
	snprintf(cand, sizeof(cand), "%.*s%s", (int)n, t, fix);
	return offer(cand, buf, size);
}

/* Each fix is tried on the text with blanks removed and a decimal comma
 * made a point, so "64 MB" and "1,5Gi" get hints too. */
bool quantity_hint(const char *s, enum quantity_kind kind, char *buf,
		   size_t size)
{
	_cleanup_free_ char *t = malloc(strlen(s) + 1);
	size_t o = 0, commas = 0;

	if (!t)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		commas += *p == ',';
		t[o++] = *p == ',' ? '.' : *p;
	}
	t[o] = '\0';
	if (commas > 1)
		return false;
	if (strcmp(t, s) && offer(t, buf, size))
		return true;
	return hint_hex(t, buf, size) || hint_suffix(t, kind, buf, size);
}
