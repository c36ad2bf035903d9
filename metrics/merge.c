/* mx_merge: several pods' bodies into one exposition where each family
 * appears once (the format requires a family's lines to be contiguous, and
 * `berth metrics serve` asks each supervisor for its own pod's body). */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "metrics/expo.h"

struct fam {
	char *name;
	bool has_help, has_type;    /* the first of each is kept, any later one dropped */
	struct b_text head, samples;
};

struct fams {
	struct fam *v;
	size_t n, cap;
	bool oom;
};

static void fams_free(struct fams *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].head.p);
		free(f->v[i].samples.p);
	}
	free(f->v);
}

static struct fam *fam_get(struct fams *f, const char *name, size_t len)
{
	struct fam *x;

	for (size_t i = f->n; i-- > 0;)
		if (strlen(f->v[i].name) == len && !memcmp(f->v[i].name, name, len))
			return &f->v[i];
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 64;
		struct fam *nv = realloc(f->v, cap * sizeof(*nv));
		if (!nv)
			return NULL;
		f->v = nv;
		f->cap = cap;
	}
	x = &f->v[f->n];
	memset(x, 0, sizeof(*x));
	if (!(x->name = strndup(name, len)))
		return NULL;
	f->n++;
	return x;
}

/* "# HELP name ..." / "# TYPE name ...": the name's length, 0 otherwise. */
static size_t header_name(const char *line, size_t n, const char **name)
{
	if (n < 8 || (memcmp(line, "# HELP ", 7) && memcmp(line, "# TYPE ", 7)))
		return 0;
	*name = line + 7;
	return strcspn(*name, " \n");
}

static void put_line(struct b_text *t, const char *line, size_t n)
{
	b_text_put(t, line, n);
	if (line[n - 1] != '\n')      /* the last line, without its newline */
		b_text_put(t, "\n", 1);
}

static int add_line(struct fams *f, struct fam **cur, const char *line, size_t n)
{
	const char *name;
	size_t len = header_name(line, n, &name);

	if (len) {
		bool *seen;

		if (!(*cur = fam_get(f, name, len)))
			return -1;
		seen = line[2] == 'H' ? &(*cur)->has_help : &(*cur)->has_type;
		if (!*seen)
			put_line(&(*cur)->head, line, n);
		*seen = true;
		return 0;
	}
	if (line[0] == '#' || line[0] == '\n')
		return 0;          /* other comments, blank lines */
	if (!*cur && !(*cur = fam_get(f, line, strcspn(line, "{ \n"))))
		return -1;
	put_line(&(*cur)->samples, line, n);
	return 0;
}

static int split(struct fams *f, const char *body)
{
	struct fam *cur = NULL;

	for (const char *p = body; *p;) {
		size_t n = strcspn(p, "\n");

		if (p[n] == '\n')
			n++;
		if (add_line(f, &cur, p, n) < 0)
			return -1;
		p += n;
	}
	return 0;
}

char *mx_merge(const char *const *bodies, size_t n, size_t *len)
{
	_cleanup_(fams_free) struct fams f = { 0 };
	struct b_text out = { 0 };

	for (size_t i = 0; i < n; i++)
		if (bodies[i] && split(&f, bodies[i]) < 0)
			return NULL;
	for (size_t i = 0; i < f.n; i++) {
		if (f.v[i].head.p)
			b_text_put(&out, f.v[i].head.p, f.v[i].head.len);
		if (f.v[i].samples.p)
			b_text_put(&out, f.v[i].samples.p, f.v[i].samples.len);
		if (f.v[i].head.oom || f.v[i].samples.oom)
			out.oom = true;
	}
	return b_text_finish(&out, len);
}
