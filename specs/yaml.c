/* YAML pod files: one document turned into JSON text (then parsed and
 * checked as any JSON pod), with the line of each value kept so that an
 * error names the line as well as the path.  Scalars resolve as on a
 * cluster (sigs.k8s.io/yaml, YAML 1.1): a plain yes/no/on/off is a
 * boolean, so a manifest berth accepts means the same to kubectl.
 * Anchors, aliases and tags are refused: nobody needs them in a pod,
 * aliases are the billion-laughs bomb and tags would change types. */
#include "yaml.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "common/cleanup.h"
#include "specs/jsonw.h"

#define YAML_DEPTH_MAX 64

struct frame {
	bool map;
	bool docs;           /* the items of the List several documents make */
	bool want_key;       /* a mapping whose next scalar is a key */
	size_t index;        /* a sequence's next index */
	size_t path_len;     /* where this level's path ends */
};

struct conv {
	const char *name;
	struct jw *w;
	struct yaml_lines *lines;
	struct frame st[YAML_DEPTH_MAX];
	int depth;
	char path[512];
	size_t path_len;
	int ndocs;
	int roots;           /* documents that were not empty */
	struct b_err *err;
};

static int fail_at(struct conv *c, const yaml_mark_t *m, const char *what)
{
	return b_err_set(c->err, EINVAL, "%s:%zu: expected JSON or YAML: %s (line %zu, column %zu)",
			 c->name, m->line + 1, what, m->line + 1, m->column + 1);
}

static void remember(struct conv *c, size_t line)
{
	struct yaml_lines *l = c->lines;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct yaml_line *nv = realloc(l->v, cap * sizeof(*nv));
		if (!nv)
			return;   /* only the line numbers in messages are lost */
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n].path = strdup(c->path);
	if (l->v[l->n].path)
		l->v[l->n++].line = line;
}

/* The path of the value about to come: a member's key or an item's index. */
static void enter_value(struct conv *c, const char *key)
{
	struct frame *f = c->depth ? &c->st[c->depth - 1] : NULL;
	int n;

	if (!f)
		return;
	c->path_len = f->path_len;
	if (f->map)
		n = snprintf(c->path + c->path_len, sizeof(c->path) - c->path_len,
			     c->path_len ? ".%s" : "%s", key);
	else
		n = snprintf(c->path + c->path_len, sizeof(c->path) - c->path_len, "[%zu]", f->index++);
	if (n > 0 && (size_t)n < sizeof(c->path) - c->path_len)
		c->path_len += (size_t)n;
	c->path[c->path_len] = '\0';
}

static bool is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return true;
	return false;
}

/* [-+]digits without a leading zero (YAML 1.1 reads 012 as octal: left a
 * string here, which the checks refuse where a number is due) */
static bool is_decimal(const char *s)
{
	s += *s == '-' || *s == '+';
	return *s && strspn(s, "0123456789") == strlen(s) && (s[0] != '0' || !s[1]);
}

/* A plain scalar as YAML 1.1 resolves it (go-yaml v2's table). */
static void plain(struct jw *w, const char *s)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					   "on", "On", "ON", NULL };
	static const char *const no[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE",
					  "off", "Off", "OFF", NULL };
	static const char *const null[] = { "", "~", "null", "Null", "NULL", NULL };
	char *end;
	long long v;
	double d;

	errno = 0;
	if (is_one_of(s, yes) || is_one_of(s, no))
		jw_bool(w, is_one_of(s, yes));
	else if (is_one_of(s, null))
		jw_null(w);
	else if (is_decimal(s) && (v = strtoll(s, &end, 10), !errno))
		jw_int(w, v);
	else if (!is_decimal(s) && strspn(s, "+-.0123456789eE") == strlen(s) &&
		 strpbrk(s, "0123456789") && (d = strtod(s, &end), !*end && !errno))
		jw_double(w, d);
	else
		jw_str(w, s);   /* a number too big, too: the checks say what is expected */
}

static int scalar(struct conv *c, const yaml_event_t *e)
{
	struct frame *f = c->depth ? &c->st[c->depth - 1] : NULL;
	const char *v = (const char *)e->data.scalar.value;

	if (e->data.scalar.tag)
		return fail_at(c, &e->start_mark, "tags (!name) are not supported");
	/* An empty document (a trailing "---", a comment alone): skipped,
	 * as kubectl does. */
	if ((!f || f->docs) && !*v && e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return 0;
	if (!f || f->docs)
		return fail_at(c, &e->start_mark, "a Pod is a mapping (apiVersion, kind, metadata, "
			       "spec), not a single value");
	if (f && f->map && f->want_key) {
		jw_key(c->w, v);
		f->want_key = false;
		enter_value(c, v);
		remember(c, e->start_mark.line + 1);
		return 0;
	}
	if (f && !f->map) {
		enter_value(c, NULL);
		remember(c, e->start_mark.line + 1);
	}
	if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		plain(c->w, v);
	else
		jw_str(c->w, v);
	if (f && f->map)
		f->want_key = true;
	return 0;
}

static int open_node(struct conv *c, const yaml_event_t *e, bool map)
{
	struct frame *f = c->depth ? &c->st[c->depth - 1] : NULL;

	if (f && f->map && f->want_key)
		return fail_at(c, &e->start_mark, "a key must be a plain value");
	if ((!f || f->docs) && !map)
		return fail_at(c, &e->start_mark, "a Pod is a mapping (apiVersion, kind, metadata, "
			       "spec), not a list");
	if (c->depth == YAML_DEPTH_MAX)
		return fail_at(c, &e->start_mark, "nested too deeply");
	if (f && !f->map) {
		enter_value(c, NULL);
		remember(c, e->start_mark.line + 1);
	}
	c->roots += !f || f->docs;
	c->st[c->depth++] = (struct frame){ .map = map, .want_key = map, .path_len = c->path_len };
	if (map)
		jw_obj_open(c->w);
	else
		jw_arr_open(c->w);
	return 0;
}

static void close_node(struct conv *c, bool map)
{
	struct frame *parent;

	if (map)
		jw_obj_close(c->w);
	else
		jw_arr_close(c->w);
	c->depth--;
	parent = c->depth ? &c->st[c->depth - 1] : NULL;
	if (parent && parent->map)
		parent->want_key = true;
}

/* One event; 1 at the end of the stream. */
static int event(struct conv *c, const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
	case YAML_NO_EVENT:
		return 0;
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		c->ndocs++;
		return 0;
	case YAML_ALIAS_EVENT:
		return fail_at(c, &e->start_mark, "aliases (*name) are not supported");
	case YAML_SCALAR_EVENT:
		if (e->data.scalar.anchor)
			return fail_at(c, &e->start_mark, "anchors (&name) are not supported");
		return scalar(c, e);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (e->data.mapping_start.anchor)
			return fail_at(c, &e->start_mark, "anchors (&name) are not supported");
		if (e->data.mapping_start.tag)
			return fail_at(c, &e->start_mark, "tags (!name) are not supported");
		return open_node(c, e, e->type == YAML_MAPPING_START_EVENT);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		close_node(c, e->type == YAML_MAPPING_END_EVENT);
		return 0;
	}
	return 0;
}

/* Documents in the stream (what a first pass can tell; the second
 * reports the errors). */
static size_t count_docs(const char *text, size_t len)
{
	yaml_parser_t p;
	size_t n = 0, inside = 0;
	bool end = false, empty = false;

	if (!yaml_parser_initialize(&p))
		return 0;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!end) {
		yaml_event_t e;

		if (!yaml_parser_parse(&p, &e))
			break;
		if (e.type == YAML_DOCUMENT_START_EVENT) {
			inside = 0;
		} else if (e.type == YAML_DOCUMENT_END_EVENT) {
			n += !(inside == 1 && empty);   /* an empty document: skipped */
		} else if (++inside == 1) {
			empty = e.type == YAML_SCALAR_EVENT && !e.data.scalar.length &&
				e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		}
		end = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	return n;
}

/* Several documents read as a List of them: {"apiVersion": "v1", "kind":
 * "List", "items": [...]}, each document's paths under items[i]. */
static void open_list(struct conv *c)
{
	jw_obj_open(c->w);
	jw_kstr(c->w, "apiVersion", "v1");
	jw_kstr(c->w, "kind", "List");
	jw_key(c->w, "items");
	jw_arr_open(c->w);
	c->path_len = (size_t)snprintf(c->path, sizeof(c->path), "items");
	c->st[c->depth++] = (struct frame){ .docs = true, .path_len = c->path_len };
}

int yaml_to_json(const char *name, const char *text, size_t len, char **json, size_t *json_len,
		 struct yaml_lines *lines, struct b_err *err)
{
	struct conv c = { .name = name, .lines = lines, .err = err };
	bool list = count_docs(text, len) > 1;
	yaml_parser_t p;
	int r = 0;

	memset(lines, 0, sizeof(*lines));
	if (!yaml_parser_initialize(&p))
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	c.w = jw_new(false);
	if (list)
		open_list(&c);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (r == 0) {
		yaml_event_t e;

		if (!yaml_parser_parse(&p, &e)) {
			r = fail_at(&c, &p.problem_mark, p.problem ? p.problem : "not YAML");
			break;
		}
		r = event(&c, &e);
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	r = r > 0 ? 0 : r;
	if (r == 0 && list) {
		jw_arr_close(c.w);
		jw_obj_close(c.w);
	}
	if (r == 0 && !c.roots)
		r = b_err_set(err, EINVAL, "%s: empty: expected a Pod in JSON or YAML", name);
	*json = jw_finish(c.w, json_len);
	jw_free(c.w);
	if (r < 0) {
		free(*json);
		*json = NULL;
		yaml_lines_free(lines);
		return r;
	}
	if (!*json)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	return 0;
}

void yaml_lines_free(struct yaml_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

size_t yaml_line_of(const struct yaml_lines *l, const char *path, size_t path_len)
{
	size_t best = 0, best_len = 0;

	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->v[i].path);
		/* the path itself, or its nearest ancestor that was written */
		if (n <= path_len && n >= best_len && !strncmp(l->v[i].path, path, n) &&
		    (n == path_len || path[n] == '.' || path[n] == '[')) {
			best = l->v[i].line;
			best_len = n;
		}
	}
	return best;
}
