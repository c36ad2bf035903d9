/* A docker-archive's manifest.json (docs/design/image-facts.md §3) and
 * berth's own names.json, the store's map from names to image IDs. */
#include "image_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/utf8.h"
#include "specs/jsonw.h"

/* ---- docker-archive manifest.json ------------------------------------------ */

void img_docker_manifest_free(struct img_docker_manifest *x)
{
	if (!x)
		return;
	b_arena_release(&x->arena);
	free(x);
}

/* A member name of the tar: the archive reader looks it up in its own
 * table and never resolves it on disk, but a caller joining it to a
 * directory must not be led out of that directory either. */
static bool archive_path_ok(const char *s)
{
	const char *p = s;

	if (s[0] == '\0' || s[0] == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += n;
		p += *p == '/';
	}
	return true;
}

static int check_path(struct oj *c, const char *s)
{
	if (archive_path_ok(s))
		return 0;
	return oj_fail(c, "\"%s\" is not a path inside the archive (relative, not empty, "
		       "no \"..\")", oj_quote(c, s));
}

static int parse_config_path(struct oj *c, yajl_val obj, char **out)
{
	size_t mark;
	int r = oj_str(c, obj, "Config", true, out);

	if (r < 0)
		return r;
	mark = oj_push_key(c, "Config");
	if ((r = check_path(c, *out)) < 0)
		return r;
	oj_pop(c, mark);
	return 0;
}

static int parse_layer_paths(struct oj *c, yajl_val obj, struct img_docker_entry *e)
{
	size_t mark;
	int r;

	if ((r = img_layer_count(c, obj, "Layers")) < 0 ||
	    (r = img_strv(c, obj, "Layers", &e->layers, &e->n_layers)) < 0)
		return r;
	mark = oj_push_key(c, "Layers");
	if (r == 0)
		return oj_fail(c, "required field is missing");
	for (size_t i = 0; i < e->n_layers; i++) {
		size_t m = oj_push_index(c, i);

		if ((r = check_path(c, e->layers[i])) < 0)
			return r;
		oj_pop(c, m);
	}
	oj_pop(c, mark);
	return 0;
}

/* "Parent" and "LayerSources" are not read: foreign layers must be in
 * the archive like any other (berth never fetches their URLs). */
static int parse_entry(struct oj *c, yajl_val v, struct img_docker_entry *e)
{
	int r;

	if ((r = oj_v_object(c, v)) < 0 ||
	    (r = parse_config_path(c, v, &e->config)) < 0 ||
	    (r = img_strv(c, v, "RepoTags", &e->repo_tags, &e->n_repo_tags)) < 0)
		return r;
	return parse_layer_paths(c, v, e);
}

static int parse_docker(struct oj *c, yajl_val doc, void *res)
{
	struct img_docker_manifest *m = res;
	size_t n;

	if (!YAJL_IS_ARRAY(doc))
		return oj_fail(c, "expected a JSON array of images, got %s", oj_type_name(doc));
	n = doc->u.array.len;
	if (n == 0)
		return oj_fail(c, "lists no image");
	m->images = b_arena_calloc(c->arena, n, sizeof(*m->images));
	for (size_t i = 0; i < n; i++) {
		size_t mark = oj_push_index(c, i);
		int r = parse_entry(c, doc->u.array.values[i], &m->images[i]);

		if (r < 0)
			return r;
		oj_pop(c, mark);
	}
	m->n_images = n;
	return 0;
}

int img_docker_manifest_parse(const char *docname, const char *json, size_t len,
			      struct img_docker_manifest **out, struct b_err *err)
{
	struct img_docker_manifest *m = calloc(1, sizeof(*m));
	const char *name = docname ? docname : "manifest.json";
	int r;

	if (!m)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	r = img_doc_run(name, json, len, &m->arena, parse_docker, m, err);
	if (r < 0) {
		img_docker_manifest_free(m);
		return r;
	}
	*out = m;
	return 0;
}

/* ---- names.json --------------------------------------------------------------- */

void img_names_free(struct img_names *x)
{
	if (!x)
		return;
	b_arena_release(&x->arena);
	free(x);
}

static int parse_name(struct oj *c, const struct oci_kv *kv, struct img_name *out)
{
	size_t mark = oj_push_mapkey(c, kv->key);
	int r;

	if (kv->key[0] == '\0')
		return oj_fail(c, "an empty name");
	if ((r = img_v_digest(c, kv->value)) < 0)
		return r;
	oj_pop(c, mark);
	out->name = kv->key;
	memcpy(out->id, kv->value, IMG_DIGEST_SIZE);
	return 0;
}

/* A name given twice keeps its last ID (oj_kv), as a rewrite would. */
static int parse_names(struct oj *c, yajl_val doc, void *res)
{
	struct img_names *x = res;
	struct oci_kv_list kv = { 0 };
	size_t mark;
	int r;

	if ((r = img_top_object(c, doc)) < 0)
		return r;
	if (!oj_member(doc, "names")) {
		oj_push_key(c, "names");
		return oj_fail(c, "required field is missing");
	}
	if ((r = oj_kv(c, doc, "names", &kv)) < 0)
		return r;
	x->names = b_arena_calloc(c->arena, kv.n, sizeof(*x->names));
	mark = oj_push_key(c, "names");
	for (size_t i = 0; i < kv.n; i++)
		if ((r = parse_name(c, &kv.items[i], &x->names[i])) < 0)
			return r;
	oj_pop(c, mark);
	x->n_names = kv.n;
	return 0;
}

int img_names_parse(const char *docname, const char *json, size_t len,
		    struct img_names **out, struct b_err *err)
{
	struct img_names *x = calloc(1, sizeof(*x));
	const char *name = docname ? docname : "names.json";
	int r;

	if (!x)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	r = img_doc_run(name, json, len, &x->arena, parse_names, x, err);
	if (r < 0) {
		img_names_free(x);
		return r;
	}
	*out = x;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct img_name *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* What img_names_parse would refuse, or the writer (not UTF-8). */
static bool name_ok(const struct img_name *x)
{
	return x->name && x->name[0] && b_utf8_valid(x->name, strlen(x->name)) &&
	       img_digest_valid(x->id);
}

static void *invalid(void *p)
{
	free(p);
	errno = EINVAL;
	return NULL;
}

/* Sorted, so that a rewrite after one change differs in one line, and
 * checked, so that what is written always reads back the same. */
static const struct img_name **sorted_names(const struct img_name *names, size_t n)
{
	const struct img_name **order = calloc(n + 1, sizeof(*order));

	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!name_ok(&names[i]))
			return invalid(order);
		order[i] = &names[i];
	}
	qsort(order, n, sizeof(*order), by_name);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(order[i - 1]->name, order[i]->name))
			return invalid(order);
	return order;
}

char *img_names_write(const struct img_name *names, size_t n)
{
	_cleanup_free_ const struct img_name **order = sorted_names(names, n);
	_cleanup_(jw_freep) struct jw *w = NULL;
	char *text;

	if (!order)
		return NULL;
	if (!(w = jw_new(true)))
		return NULL;
	jw_obj_open(w);
	jw_key(w, "names");
	jw_obj_open(w);
	for (size_t i = 0; i < n; i++)
		jw_kstr(w, order[i]->name, order[i]->id);
	jw_obj_close(w);
	jw_obj_close(w);
	/* The input was checked: a failure here is the generator's memory. */
	text = jw_finish(w, NULL);
	if (!text)
		errno = ENOMEM;
	return text;
}
