#include "psi.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *cg_psi_res_name(enum cg_psi_res r)
{
	static const char *const names[CG_PSI_N] = { "cpu", "memory", "io" };

	return (unsigned)r < CG_PSI_N ? names[r] : "?";
}

static int parse_double(const char *v, size_t n, double *out)
{
	char buf[32], *end;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, v, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtod(buf, &end);
	return *end || errno || !isfinite(*out) || *out < 0 ? -EINVAL : 0;
}

static int parse_u64(const char *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;

	if (n == 0 || n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX - (uint64_t)(v[i] - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

/* One "key=value" token of a line; unknown keys are skipped. */
static int parse_token(const char *tok, size_t n, struct cg_psi_line *l)
{
	const char *eq = memchr(tok, '=', n);
	size_t klen, vlen;

	if (!eq)
		return -EINVAL;
	klen = (size_t)(eq - tok);
	vlen = n - klen - 1;
	if (klen == 5 && !memcmp(tok, "avg10", 5))
		return parse_double(eq + 1, vlen, &l->avg10);
	if (klen == 5 && !memcmp(tok, "avg60", 5))
		return parse_double(eq + 1, vlen, &l->avg60);
	if (klen == 6 && !memcmp(tok, "avg300", 6))
		return parse_double(eq + 1, vlen, &l->avg300);
	if (klen == 5 && !memcmp(tok, "total", 5))
		return parse_u64(eq + 1, vlen, &l->total_us);
	return 0;
}

static int parse_line(const char *p, size_t n, struct cg_psi *out)
{
	struct cg_psi_line *l;
	size_t i = 0;

	if (n >= 5 && !memcmp(p, "some ", 5))
		l = &out->some;
	else if (n >= 5 && !memcmp(p, "full ", 5))
		l = &out->full;
	else
		return 0;    /* a line kind this parser does not know */
	if (l->set)
		return -EINVAL;
	for (i = 5; i < n;) {
		size_t len = strcspn(p + i, " \t\n");
		int r;

		if (len > n - i)
			len = n - i;
		if (len && (r = parse_token(p + i, len, l)) < 0)
			return r;
		i += len ? len : 1;
	}
	l->set = true;
	return 0;
}

int cg_psi_parse(const char *text, struct cg_psi *out)
{
	memset(out, 0, sizeof(*out));
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		int r = parse_line(p, n, out);

		if (r < 0)
			return r;
		p += n + (p[n] == '\n');
	}
	if (!out->some.set)
		return -EINVAL;
	out->present = true;
	return 0;
}
