/* Pod files as users write them: JSON or YAML (specs/yaml.c), one Pod, or
 * several: a `kind: List` of Pods or, in YAML, several documents (read as
 * such a List).  Each Pod is checked as pod_parse.c checks one; errors in
 * a List name the item ("items[1].spec...") and, in YAML, the line. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "pod_parse_internal.h"
#include "specs/jsonw.h"
#include "specs/yaml.h"

/* `dir` made absolute against the current directory, lexically cleaned. */
static int absolute_dir(struct b_arena *a, const char *dir, char **out, struct b_err *err)
{
	char cwd[PATH_MAX];

	if (dir && dir[0] == '/') {
		*out = pod_path_join(a, "/", dir);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return b_err_sys(err, errno, "cannot get the current directory");
	*out = pod_path_join(a, cwd, dir ? dir : ".");
	return 0;
}

/* JSON starts with '{' (or '[', which the checks refuse), after blanks
 * and the comments config.json style allows; anything else is taken for
 * YAML. */
static bool looks_like_json(const char *text, size_t len)
{
	size_t i = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;

	while (i < len) {
		if (strchr(" \t\r\n", text[i])) {
			i++;
		} else if (i + 1 < len && text[i] == '/' && text[i + 1] == '/') {
			while (i < len && text[i] != '\n')
				i++;
		} else if (i + 1 < len && text[i] == '/' && text[i + 1] == '*') {
			const char *end = memmem(text + i + 2, len - i - 2, "*/", 2);
			i = end ? (size_t)(end - text) + 2 : len;
		} else {
			break;
		}
	}
	return i < len && (text[i] == '{' || text[i] == '[');
}

/* "pod.yaml: spec.x: expected ..." becomes "pod.yaml:12: spec.x: ..." */
static void add_line(const char *name, const struct yaml_lines *lines, struct b_err *err)
{
	size_t nl = strlen(name), line;
	const char *path = err->msg + nl + 2, *end;
	char msg[sizeof(err->msg)];

	if (strncmp(err->msg, name, nl) || strncmp(err->msg + nl, ": ", 2) ||
	    !(end = strstr(path, ": ")) || !(line = yaml_line_of(lines, path, (size_t)(end - path))))
		return;
	snprintf(msg, sizeof(msg), "%s:%zu: %s", name, line, path);
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

static bool is_list(yajl_val doc)
{
	const char *path[] = { "kind", NULL };
	yajl_val k = YAJL_IS_OBJECT(doc) ? yajl_tree_get(doc, path, yajl_t_string) : NULL;
	const char *s = k ? YAJL_GET_STRING(k) : NULL;

	return s && !strcmp(s, "List");
}

/* One Pod of the file (index >= 0: items[index] of a List). */
static int one_pod(const char *name, const char *base_dir, yajl_val v, long index,
		   struct pod_spec **out, struct b_err *err)
{
	struct pod_spec *pod = calloc(1, sizeof(*pod));
	_cleanup_(jw_freep) struct jw *w = NULL;
	struct oj c;
	size_t len;
	char *text;
	int r;

	if (!pod)
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	r = absolute_dir(&pod->arena, base_dir, &pod->base_dir, err);
	oj_init(&c, name, &pod->arena, err);
	if (index >= 0) {
		oj_push_key(&c, "items");
		oj_push_index(&c, (size_t)index);
	}
	if (r == 0)
		r = pod_parse_tree(&c, v, pod);
	/* The Pod as JSON again, for `inspect` (pod_spec_write_member). */
	if (r == 0 && (w = jw_new(false))) {
		jw_tree(w, v);
		text = jw_finish(w, &len);
		pod->source = text ? b_arena_strndup(&pod->arena, text, len) : NULL;
		free(text);
	}
	if (r == 0 && !pod->source)
		r = b_err_set(err, ENOMEM, "%s: out of memory", name);
	if (r < 0) {
		pod_spec_free(pod);
		return r;
	}
	*out = pod;
	return 0;
}

/* The Pods of a parsed document: itself, or a List's items. */
static int pods_of(const char *name, const char *base_dir, yajl_val doc, struct pod_list *out,
		   struct b_err *err)
{
	const char *path[] = { "items", NULL };
	yajl_val items = is_list(doc) ? yajl_tree_get(doc, path, yajl_t_any) : NULL;
	size_t n = !items ? 1 : YAJL_IS_ARRAY(items) ? items->u.array.len : 0;
	int r = 0;

	if (is_list(doc) && (!items || !YAJL_IS_ARRAY(items) || !n))
		return b_err_set(err, EINVAL, "%s: items: expected the List's Pods", name);
	if (!(out->v = calloc(n, sizeof(*out->v))))
		return b_err_set(err, ENOMEM, "%s: out of memory", name);
	for (size_t i = 0; i < n && r == 0; i++, out->n += r == 0)
		r = one_pod(name, base_dir, items ? items->u.array.values[i] : doc,
			    items ? (long)i : -1, &out->v[i], err);
	for (size_t i = 0; r == 0 && i < out->n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(out->v[i]->name, out->v[j]->name))
				r = b_err_set(err, EINVAL, "%s: items[%zu].metadata.name: \"%s\" is also "
					      "items[%zu]'s", name, i, out->v[i]->name, j);
	return r;
}

int pod_spec_parse_all(const char *name, const char *base_dir, const char *text, size_t len,
		       struct pod_list *out, struct b_err *err)
{
	_cleanup_free_ char *json = NULL;
	struct yaml_lines lines = { 0 };
	struct b_arena scratch = { 0 };
	yajl_val doc = NULL;
	struct oj c;
	int r = 0;

	*out = (struct pod_list){ 0 };
	if (!name)
		name = "pod.json";
	if (!looks_like_json(text, len)) {
		if ((r = yaml_to_json(name, text, len, &json, &len, &lines, err)) < 0)
			return r;
		text = json;
	}
	oj_init(&c, name, &scratch, err);
	r = oj_parse_text(&c, text, len, &doc);
	if (r == 0)
		r = pods_of(name, base_dir, doc, out, err);
	if (r < 0 && json)
		add_line(name, &lines, err);
	if (r < 0)
		pod_list_free(out);
	yajl_tree_free(doc);
	yaml_lines_free(&lines);
	b_arena_release(&scratch);
	return r;
}

void pod_list_free(struct pod_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		pod_spec_free(l->v[i]);
	free(l->v);
	*l = (struct pod_list){ 0 };
}

int pod_spec_parse(const char *name, const char *base_dir, const char *json,
		   size_t len, struct pod_spec **out, struct b_err *err)
{
	struct pod_list l;
	int r = pod_spec_parse_all(name, base_dir, json, len, &l, err);

	if (r < 0)
		return r;
	if (l.n != 1) {
		r = b_err_set(err, EINVAL, "%s: a List of %zu Pods, where one is expected "
			      "(berth pod run -d runs them all)", name ? name : "pod.json", l.n);
		pod_list_free(&l);
		return r;
	}
	*out = l.v[0];
	free(l.v);
	return 0;
}

int pod_spec_write_member(struct jw *w, const struct pod_spec *pod, const char *member)
{
	const char *path[] = { member, NULL };
	yajl_val doc, v;

	if (!pod->source || !(doc = yajl_tree_parse(pod->source, NULL, 0)))
		return -ENOENT;
	v = yajl_tree_get(doc, path, yajl_t_any);
	if (v)
		jw_tree(w, v);
	yajl_tree_free(doc);
	return v ? 0 : -ENOENT;
}

/* The file's directory: relative paths in it (a local rootfs, a seccomp
 * profile) are resolved against it. */
static char *dir_of(const char *path)
{
	char *dir = strdup(path), *slash;

	if (!dir)
		return NULL;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	return dir;
}

/* The file's text and directory (*buf, *dir malloc'ed). */
static int read_pod_file(const char *path, char **buf, size_t *len, char **dir,
			 struct b_err *err)
{
	int r = b_read_file(path, 0, buf, len);

	if (r < 0)
		return b_err_sys(err, r, "%s: cannot read", path);
	if (!(*dir = dir_of(path)))
		return b_err_set(err, ENOMEM, "%s: out of memory", path);
	return 0;
}

int pod_spec_load_all(const char *path, struct pod_list *out, struct b_err *err)
{
	_cleanup_free_ char *buf = NULL, *dir = NULL;
	size_t len;
	int r = read_pod_file(path, &buf, &len, &dir, err);

	return r < 0 ? r : pod_spec_parse_all(path, dir, buf, len, out, err);
}

int pod_spec_load(const char *path, struct pod_spec **out, struct b_err *err)
{
	_cleanup_free_ char *buf = NULL, *dir = NULL;
	size_t len;
	int r = read_pod_file(path, &buf, &len, &dir, err);

	return r < 0 ? r : pod_spec_parse(path, dir, buf, len, out, err);
}
