/* berth pod logs NAME [CONTAINER] [-f] [--tail N] [--timestamps]
 * berth pod events NAME [-f] [--tail N]
 *
 * Read a pod's logs from <root>/pods/<name>/logs/ (a directory, or a
 * symlink to the pod's --log-dir): <container>.log in the CRI format and
 * events.jsonl, each with its rotated files.  -f follows them until the
 * supervisor is gone (pod_watch.h). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/strutil.h"
#include "log_out.h"
#include "logsrc.h"
#include "pod_cmds.h"
#include "pod_watch.h"

struct logs_args {
	const char *pod, *container;
	bool follow, timestamps;
	long long tail;
};

struct session {
	char pod_dir[PATH_MAX], logs_dir[PATH_MAX];
	struct logsrc *srcs;
	size_t n;
	bool discover;           /* all containers: take in logs that appear later */
	struct log_out out;
};

/* ---- arguments --------------------------------------------------------- */

enum { OPT_TAIL = 256, OPT_TIMESTAMPS, OPT_ROOT };

/* Options may come before or after the names, as with kubectl. */
static int parse_args(struct cli *cli, const struct command *c, int argc, char **argv,
		      bool logs, struct logs_args *a)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "tail", required_argument, NULL, OPT_TAIL },
		{ "timestamps", no_argument, NULL, OPT_TIMESTAMPS },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ 0 },
	};
	int64_t tail;
	int ch;

	*a = (struct logs_args){ .tail = -1 };
	optind = 0;
	while ((ch = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (ch == 'f')
			a->follow = true;
		else if (ch == OPT_TAIL && (b_parse_i64(optarg, &tail) < 0 || tail < -1))
			return cli_usage(cli, c, "--tail: \"%s\" is not a number of lines (-1: all)", optarg);
		else if (ch == OPT_TAIL)
			a->tail = tail;
		else if (ch == OPT_TIMESTAMPS && logs)
			a->timestamps = true;
		else if (ch == OPT_ROOT)
			cli->ctx.root = optarg;
		else
			return cli_usage(cli, c, "%s: unknown option %s", argv[0], argv[optind - 1]);
	}
	if (argc - optind < 1 || argc - optind > (logs ? 2 : 1))
		return cli_usage(cli, c, logs ? "logs: expected a pod name and optionally a container"
					      : "events: expected a pod name");
	a->pod = argv[optind];
	a->container = logs && argc - optind == 2 ? argv[optind + 1] : NULL;
	return 0;
}

/* A pod or container name is one path component. */
static bool valid_name(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

/* ---- the pod's files ---------------------------------------------------- */

static int find_pod(struct session *s, const char *root, const char *pod, struct b_err *err)
{
	struct stat st;

	if (!valid_name(pod))
		return b_err_set(err, EINVAL, "invalid pod name \"%s\"", pod);
	if ((size_t)snprintf(s->pod_dir, sizeof(s->pod_dir), "%s/pods/%s", root, pod) >= sizeof(s->pod_dir) ||
	    (size_t)snprintf(s->logs_dir, sizeof(s->logs_dir), "%s/logs", s->pod_dir) >= sizeof(s->logs_dir))
		return b_err_set(err, ENAMETOOLONG, "pod %s: path too long under %s", pod, root);
	if (stat(s->pod_dir, &st) < 0)
		return b_err_set(err, ENOENT, "pod %s not found (no %s)", pod, s->pod_dir);
	if (stat(s->logs_dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return b_err_set(err, ENOENT, "pod %s has no logs (no %s)", pod, s->logs_dir);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "<c>.log" -> "c", else NULL. */
static char *container_of(const struct dirent *de)
{
	size_t len = strlen(de->d_name);

	if (de->d_type == DT_DIR || len <= 4 || strcmp(de->d_name + len - 4, ".log"))
		return NULL;
	return strndup(de->d_name, len - 4);
}

/* The containers that have a log, sorted. */
static int list_containers(const char *dir, char ***out, size_t *n, struct b_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL, *name, **nv;

	*n = 0;
	*out = NULL;
	/* Gone: the pod ended and was removed while we looked. */
	if (!d && errno == ENOENT)
		return 0;
	if (!d)
		return b_err_sys(err, errno, "reading %s", dir);
	while ((de = readdir(d))) {
		if (!(name = container_of(de)))
			continue;
		if (!(nv = realloc(v, (*n + 1) * sizeof(*v)))) {
			free(name);
			free_names(v, *n);
			closedir(d);
			return b_err_sys(err, ENOMEM, "reading %s", dir);
		}
		v = nv;
		v[(*n)++] = name;
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_str);
	*out = v;
	return 0;
}

static int add_source(struct session *s, const char *file, const char *label, bool cri,
		      struct b_err *err)
{
	struct logsrc *v = realloc(s->srcs, (s->n + 1) * sizeof(*v));

	if (!v)
		return b_err_sys(err, ENOMEM, "%s", file);
	s->srcs = v;
	if (logsrc_open(&v[s->n], s->logs_dir, file, label, cri, err) < 0) {
		logsrc_free(&v[s->n]);
		return -err->code;
	}
	s->n++;
	return 0;
}

static bool has_source(const struct session *s, const char *label)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->srcs[i].label && !strcmp(s->srcs[i].label, label))
			return true;
	return false;
}

/* Every container log not read yet. */
static int add_containers(struct session *s, struct b_err *err)
{
	char **names, file[NAME_MAX + 1];
	size_t n;
	int r = 0;

	if (list_containers(s->logs_dir, &names, &n, err) < 0)
		return -err->code;
	for (size_t i = 0; i < n && r == 0; i++) {
		if (has_source(s, names[i]))
			continue;
		snprintf(file, sizeof(file), "%s.log", names[i]);
		r = add_source(s, file, names[i], true, err);
	}
	free_names(names, n);
	return r;
}

static int unknown_container(const char *pod, const char *container, char **names,
			     size_t n, struct b_err *err)
{
	char list[B_ERR_MSG_MAX / 2] = "";
	size_t len = 0;

	for (size_t i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", names[i]);
	if (n == 0)
		return b_err_set(err, ENOENT, "pod %s has no container \"%s\" (no container has a log yet)",
				 pod, container);
	return b_err_set(err, ENOENT, "pod %s has no container \"%s\" (containers: %s)", pod,
			 container, list);
}

/* The named container's log, or all of them (merged when more than one),
 * taking in with -f the logs of containers that start later. */
static int open_logs(struct session *s, const struct logs_args *a, struct b_err *err)
{
	char **names, file[NAME_MAX + 1];
	size_t n;
	bool known = false;
	int r;

	if (!a->container) {
		s->discover = true;
		return add_containers(s, err);
	}
	if (list_containers(s->logs_dir, &names, &n, err) < 0)
		return -err->code;
	for (size_t i = 0; i < n; i++)
		known = known || !strcmp(names[i], a->container);
	if (!known)
		r = unknown_container(a->pod, a->container, names, n, err);
	else if ((size_t)snprintf(file, sizeof(file), "%s.log", a->container) >= sizeof(file))
		r = b_err_set(err, ENAMETOOLONG, "container name too long");
	else
		r = add_source(s, file, a->container, true, err);
	free_names(names, n);
	return r;
}

/* ---- printing ----------------------------------------------------------- */

static bool earlier(const struct log_rec *a, const struct log_rec *b)
{
	return a->time.tv_sec < b->time.tv_sec ||
	       (a->time.tv_sec == b->time.tv_sec && a->time.tv_nsec < b->time.tv_nsec);
}

/* Print what the logs hold, merged by time.  "[container] " prefixes
 * appear once more than one container is involved: with -f, a pod that
 * showed one container's lines bare prefixes them all from when a second
 * container's log appears. */
static int drain(struct session *s, bool final, struct b_err *err)
{
	while (!s->out.err) {
		struct logsrc *best = NULL;

		for (size_t i = 0; i < s->n; i++) {
			int r = logsrc_peek(&s->srcs[i], final, err);

			if (r < 0)
				return r;
			if (r && (!best || earlier(&s->srcs[i].head, &best->head)))
				best = &s->srcs[i];
		}
		if (!best)
			break;
		log_out_record(&s->out, s->discover && s->n > 1 ? best->label : NULL, &best->head);
		logsrc_pop(best);
	}
	log_out_flush(&s->out);
	return 0;
}

/* ---- following ---------------------------------------------------------- */

static int follow(struct session *s, struct pod_watch *w, struct b_err *err)
{
	for (;;) {
		int ev = pod_watch_wait(w, err), r;

		if (ev < 0)
			return ev;
		if (ev & POD_WATCH_NEW_FILE && s->discover && (r = add_containers(s, err)) < 0)
			return r;
		for (size_t i = 0; i < s->n; i++)
			if ((r = logsrc_refresh(&s->srcs[i], err)) < 0)
				return r;
		if ((r = drain(s, ev & POD_WATCH_END, err)) < 0)
			return r;
		if (ev & POD_WATCH_END || s->out.err)
			return 0;
	}
}

/* The history (its last --tail lines), then with -f whatever follows. */
static int show(struct session *s, struct pod_watch *w, bool following, struct b_err *err)
{
	int r = drain(s, !following, err);

	if (r < 0)
		return r;
	log_out_release(&s->out);
	log_out_flush(&s->out);
	return following && !s->out.err ? follow(s, w, err) : 0;
}

static void session_free(struct session *s)
{
	for (size_t i = 0; i < s->n; i++)
		logsrc_free(&s->srcs[i]);
	free(s->srcs);
	log_out_free(&s->out);
}

/* Exit status: a reader that went away (EPIPE) ends us quietly. */
static int finish(struct cli *cli, struct session *s, int r, struct b_err *err)
{
	int out_err = s->out.err;

	session_free(s);
	if (r < 0)
		return cli_error(cli, err);
	if (out_err && out_err != EPIPE)
		return cli_errorf(cli, "writing to stdout: %s", strerror(out_err));
	return 0;
}

/* Watch (when following a live pod) before opening anything, so that no
 * write or rotation in between goes unseen. */
static int run(struct cli *cli, const struct command *c, int argc, char **argv, bool logs)
{
	struct session s = { 0 };
	struct pod_watch w = { .ifd = -1, .lock_fd = -1 };
	struct logs_args a;
	struct b_err err = { 0 };
	bool following;
	int r;

	if ((r = parse_args(cli, c, argc, argv, logs, &a)) != 0)
		return r;
	log_out_init(&s.out, a.timestamps, a.tail);
	if ((r = find_pod(&s, cli->ctx.root, a.pod, &err)) < 0 ||
	    (a.follow && (r = pod_watch_open(&w, s.pod_dir, s.logs_dir, &err)) < 0))
		return finish(cli, &s, r, &err);
	following = a.follow && pod_watch_alive(&w);
	if (logs)
		r = open_logs(&s, &a, &err);
	else
		r = add_source(&s, "events.jsonl", NULL, false, &err);
	if (r == 0)
		r = show(&s, &w, following, &err);
	pod_watch_close(&w);
	return finish(cli, &s, r, &err);
}

int pod_logs_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	return run(cli, c, argc, argv, true);
}

int pod_events_main(struct cli *cli, const struct command *c, int argc, char **argv)
{
	return run(cli, c, argc, argv, false);
}
