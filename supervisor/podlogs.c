/* A pod's logs merged in time order (podlogs.h). */
#include "supervisor/podlogs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strutil.h"

/* ---- the pod's directory ----------------------------------------------- */

/* A pod or container name is one path component. */
static bool valid_name(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int pod_logs_open(struct pod_logs *pl, const char *root, const char *pod, struct b_err *err)
{
	struct stat st;

	*pl = (struct pod_logs){ .dirfd = -1 };
	if (!valid_name(pod))
		return b_err_set(err, EINVAL, "invalid pod name \"%s\"", pod);
	if (strlen(pod) >= sizeof(pl->pod) ||
	    (size_t)snprintf(pl->pod_dir, sizeof(pl->pod_dir), "%s/pods/%s", root, pod) >=
		    sizeof(pl->pod_dir) ||
	    (size_t)snprintf(pl->logs_dir, sizeof(pl->logs_dir), "%s/logs", pl->pod_dir) >=
		    sizeof(pl->logs_dir))
		return b_err_set(err, ENAMETOOLONG, "pod %s: path too long under %s", pod, root);
	strcpy(pl->pod, pod);
	if (stat(pl->pod_dir, &st) < 0)
		return b_err_set(err, ENOENT, "pod %s not found (no %s)", pod, pl->pod_dir);
	pl->dirfd = open(pl->logs_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pl->dirfd < 0)
		return b_err_set(err, ENOENT, "pod %s has no logs (no %s)", pod, pl->logs_dir);
	return 0;
}

/* "<c>.log" -> "c", else NULL. */
static char *container_of(const struct dirent *de)
{
	size_t len = strlen(de->d_name);

	if (de->d_type == DT_DIR || len <= 4 || strcmp(de->d_name + len - 4, ".log"))
		return NULL;
	return strndup(de->d_name, len - 4);
}

static int add_name(char ***v, size_t *n, char *name)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv) {
		free(name);
		return -ENOMEM;
	}
	*v = nv;
	(*v)[(*n)++] = name;
	return 0;
}

/* The containers that have a log, sorted.  The scan goes through a dup:
 * a DIR owns and closes its fd. */
static int list_containers(const struct pod_logs *pl, char ***out, size_t *n, struct b_err *err)
{
	int fd = fcntl(pl->dirfd, F_DUPFD_CLOEXEC, 3), r = 0;
	struct dirent *de;
	char **v = NULL, *name;
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	*n = 0;
	*out = NULL;
	if (!d) {
		r = errno;
		if (fd >= 0)
			close(fd);
		return b_err_sys(err, r, "reading %s", pl->logs_dir);
	}
	rewinddir(d); /* the dup shares its offset with dirfd */
	while (r == 0 && (de = readdir(d)))
		if ((name = container_of(de)))
			r = add_name(&v, n, name);
	closedir(d);
	if (r < 0) {
		b_strv_free(v, *n);
		return b_err_sys(err, ENOMEM, "reading %s", pl->logs_dir);
	}
	b_strv_sort(v, *n);
	*out = v;
	return 0;
}

/* ---- the logs ---------------------------------------------------------- */

static int add_source(struct pod_logs *pl, const char *file, const char *label, bool cri,
		      struct b_err *err)
{
	struct logsrc *v = realloc(pl->srcs, (pl->n + 1) * sizeof(*v));

	if (!v)
		return b_err_sys(err, ENOMEM, "%s", file);
	pl->srcs = v;
	if (logsrc_openat(&v[pl->n], pl->dirfd, pl->logs_dir, file, label, cri, err) < 0) {
		logsrc_free(&v[pl->n]);
		return -err->code;
	}
	pl->n++;
	return 0;
}

static bool has_source(const struct pod_logs *pl, const char *label)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->srcs[i].label && !strcmp(pl->srcs[i].label, label))
			return true;
	return false;
}

/* Every container log not read yet. */
static int add_containers(struct pod_logs *pl, struct b_err *err)
{
	char **names, file[NAME_MAX + 1];
	size_t n;
	int r = 0;

	if (list_containers(pl, &names, &n, err) < 0)
		return -err->code;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (has_source(pl, names[i]))
			continue;
		snprintf(file, sizeof(file), "%s.log", names[i]);
		r = add_source(pl, file, names[i], true, err);
	}
	b_strv_free(names, n);
	return r;
}

int pod_logs_add_all(struct pod_logs *pl, struct b_err *err)
{
	pl->discover = true;
	return add_containers(pl, err);
}

int pod_logs_add_events(struct pod_logs *pl, struct b_err *err)
{
	return add_source(pl, "events.jsonl", NULL, false, err);
}

static int unknown_container(const struct pod_logs *pl, const char *container, char **names,
			     size_t n, struct b_err *err)
{
	char list[B_ERR_MSG_MAX / 2] = "";
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					names[i]);
	if (n == 0)
		return b_err_set(err, ENOENT,
				 "pod %s has no container \"%s\" (no container has a log yet)",
				 pl->pod, container);
	return b_err_set(err, ENOENT, "pod %s has no container \"%s\" (containers: %s)", pl->pod,
			 container, list);
}

int pod_logs_add_container(struct pod_logs *pl, const char *container, struct b_err *err)
{
	char **names, file[NAME_MAX + 1];
	size_t n;
	bool known = false;
	int r;

	if (list_containers(pl, &names, &n, err) < 0)
		return -err->code;
	for (size_t i = 0; i < n; i++)
		known = known || !strcmp(names[i], container);
	if (!known)
		r = unknown_container(pl, container, names, n, err);
	else if ((size_t)snprintf(file, sizeof(file), "%s.log", container) >= sizeof(file))
		r = b_err_set(err, ENAMETOOLONG, "container name too long");
	else
		r = add_source(pl, file, container, true, err);
	b_strv_free(names, n);
	return r;
}

int pod_logs_refresh(struct pod_logs *pl, bool new_files, struct b_err *err)
{
	int r;

	if (new_files && pl->discover && (r = add_containers(pl, err)) < 0)
		return r;
	for (size_t i = 0; i < pl->n; i++)
		if ((r = logsrc_refresh(&pl->srcs[i], err)) < 0)
			return r;
	return 0;
}

/* ---- merging ----------------------------------------------------------- */

static bool earlier(const struct log_rec *a, const struct log_rec *b)
{
	return a->time.tv_sec < b->time.tv_sec ||
	       (a->time.tv_sec == b->time.tv_sec && a->time.tv_nsec < b->time.tv_nsec);
}

/* The source whose next record is the oldest: 1 and *best, or 0 when no
 * source has one now. */
static int oldest(struct pod_logs *pl, bool final, struct logsrc **best, struct b_err *err)
{
	*best = NULL;
	for (size_t i = 0; i < pl->n; i++) {
		int r = logsrc_peek(&pl->srcs[i], final, err);

		if (r < 0)
			return r;
		if (r && (!*best || earlier(&pl->srcs[i].head, &(*best)->head)))
			*best = &pl->srcs[i];
	}
	return *best != NULL;
}

/* "[container] " prefixes appear once more than one container is
 * involved: following a pod that showed one container's lines bare
 * prefixes them all from when a second container's log appears. */
int pod_logs_drain(struct pod_logs *pl, bool final, pod_logs_fn fn, void *ud, struct b_err *err)
{
	struct logsrc *best;
	int r;

	while ((r = oldest(pl, final, &best, err)) > 0) {
		const char *label = pl->discover && pl->n > 1 ? best->label : NULL;

		r = fn(ud, label, &best->head);
		logsrc_pop(best);
		if (r)
			return 0;
	}
	return r;
}

int log_rec_format(struct logbuf *l, const char *label, const struct log_rec *r, bool timestamps)
{
	int e = 0;

	l->len = 0;
	if (label)
		e |= logbuf_add(l, "[", 1) | logbuf_add(l, label, strlen(label)) |
		     logbuf_add(l, "] ", 2);
	if (timestamps && r->ts[0])
		e |= logbuf_add(l, r->ts, strlen(r->ts)) | logbuf_add(l, " ", 1);
	e |= logbuf_add(l, r->msg.p ? r->msg.p : "", r->msg.len) | logbuf_add(l, "\n", 1);
	return e ? -ENOMEM : 0;
}

void pod_logs_free(struct pod_logs *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		logsrc_free(&pl->srcs[i]);
	free(pl->srcs);
	if (pl->dirfd >= 0)
		close(pl->dirfd);
	*pl = (struct pod_logs){ .dirfd = -1 };
}
