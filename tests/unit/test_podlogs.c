/* supervisor/podlogs and logtail: a pod's logs merged in time order, the
 * "[container] " labels, the printed line, and --tail's window. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "logtest.h"
#include "supervisor/logtail.h"
#include "supervisor/podlogs.h"
#include "testmain.h"

#define T(s) "2026-01-01T00:00:0" #s ".000000000Z"

/* A root with pods/p/logs/ in it. */
struct pod {
	char root[PATH_MAX], logs[PATH_MAX + 32];
	struct pod_logs pl;
	struct logbuf out, line;
	int stop_after;          /* > 0: the callback stops after this many */
	int seen;
};

static void pod_make(struct pod *p)
{
	char path[PATH_MAX + 16];

	*p = (struct pod){ .pl = { .dirfd = -1 } };
	lt_mkdtemp(p->root, sizeof(p->root));
	snprintf(path, sizeof(path), "%s/pods", p->root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/pods/p", p->root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(p->logs, sizeof(p->logs), "%s/pods/p/logs", p->root);
	ck_assert_int_eq(mkdir(p->logs, 0700), 0);
}

static void pod_open(struct pod *p)
{
	struct b_err err = { 0 };

	ck_assert_msg(pod_logs_open(&p->pl, p->root, "p", &err) == 0, "%s", err.msg);
}

static void pod_done(struct pod *p)
{
	pod_logs_free(&p->pl);
	logbuf_free(&p->out);
	logbuf_free(&p->line);
	lt_rmdir(p->root);
}

/* The callback: each record as `pod logs --timestamps` prints it. */
static int collect(void *ud, const char *label, const struct log_rec *r)
{
	struct pod *p = ud;

	ck_assert_int_eq(log_rec_format(&p->line, label, r, true), 0);
	logbuf_add(&p->out, p->line.p, p->line.len);
	return p->stop_after > 0 && ++p->seen >= p->stop_after;
}

static const char *pod_drain(struct pod *p, bool final)
{
	struct b_err err = { 0 };

	p->out.len = 0;
	logbuf_add(&p->out, "", 0);
	ck_assert_msg(pod_logs_drain(&p->pl, final, collect, p, &err) == 0, "%s", err.msg);
	return p->out.p;
}

/* ---- merging: one table ------------------------------------------------- */

struct merge_case {
	const char *what;
	const char *a, *b, *b1;  /* a.log, b.log, b.log.1 (NULL: none) */
	const char *want;
};

static const struct merge_case merge_cases[] = {
	{ "interleaved by time", T(1) " stdout F a1\n" T(3) " stdout F a3\n",
	  T(2) " stdout F b2\n" T(4) " stdout F b4\n", NULL,
	  "[a] " T(1) " a1\n[b] " T(2) " b2\n[a] " T(3) " a3\n[b] " T(4) " b4\n" },
	{ "equal times: the container first in name order", T(1) " stdout F a\n",
	  T(1) " stdout F b\n", NULL, "[a] " T(1) " a\n[b] " T(1) " b\n" },
	{ "one log all older", T(5) " stdout F a\n", T(1) " stdout F b1\n" T(2) " stdout F b2\n", NULL,
	  "[b] " T(1) " b1\n[b] " T(2) " b2\n[a] " T(5) " a\n" },
	{ "rotated files take part in the merge", T(2) " stdout F a2\n", T(3) " stdout F b3\n",
	  T(1) " stdout F b1\n", "[b] " T(1) " b1\n[a] " T(2) " a2\n[b] " T(3) " b3\n" },
	{ "a single container has no label", T(1) " stdout F only\n", NULL, NULL,
	  T(1) " only\n" },
	{ "within one file, file order wins over time", T(2) " stdout F late\n" T(1) " stdout F early\n",
	  NULL, NULL, T(2) " late\n" T(1) " early\n" },
};

START_TEST(merge_table)
{
	const struct merge_case *c = &merge_cases[_i];
	struct b_err err = { 0 };
	struct pod p;

	pod_make(&p);
	lt_put(p.logs, "a.log", "w", c->a);
	if (c->b)
		lt_put(p.logs, "b.log", "w", c->b);
	if (c->b1)
		lt_put(p.logs, "b.log.1", "w", c->b1);
	lt_put(p.logs, "events.jsonl", "w", "{}\n");   /* not a container */
	pod_open(&p);
	ck_assert_int_eq(pod_logs_add_all(&p.pl, &err), 0);
	ck_assert_msg(!strcmp(pod_drain(&p, true), c->want), "%s: got\n%s\nwant\n%s", c->what,
		      p.out.p, c->want);
	pod_done(&p);
}
END_TEST

/* Asking for one of two containers: its lines alone, bare. */
START_TEST(one_named_container)
{
	struct b_err err = { 0 };
	struct pod p;

	pod_make(&p);
	lt_put(p.logs, "a.log", "w", T(1) " stdout F a\n");
	lt_put(p.logs, "b.log", "w", T(2) " stdout F b\n");
	pod_open(&p);
	ck_assert_int_eq(pod_logs_add_container(&p.pl, "b", &err), 0);
	ck_assert_str_eq(pod_drain(&p, true), T(2) " b\n");
	pod_done(&p);
}
END_TEST

START_TEST(events_are_plain_lines)
{
	struct b_err err = { 0 };
	struct pod p;

	pod_make(&p);
	lt_put(p.logs, "events.jsonl", "w", "{\"e\":2}\n");
	lt_put(p.logs, "events.jsonl.1", "w", "{\"e\":1}\n");
	lt_put(p.logs, "a.log", "w", T(1) " stdout F a\n");
	pod_open(&p);
	ck_assert_int_eq(pod_logs_add_events(&p.pl, &err), 0);
	ck_assert_str_eq(pod_drain(&p, true), "{\"e\":1}\n{\"e\":2}\n");
	pod_done(&p);
}
END_TEST

/* Following all containers: lines are bare until a second container's
 * log appears, then everything is labelled. */
START_TEST(discovery_adds_labels)
{
	struct b_err err = { 0 };
	struct pod p;

	pod_make(&p);
	lt_put(p.logs, "a.log", "w", T(1) " stdout F a1\n");
	pod_open(&p);
	ck_assert_int_eq(pod_logs_add_all(&p.pl, &err), 0);
	ck_assert_str_eq(pod_drain(&p, false), T(1) " a1\n");
	lt_put(p.logs, "b.log", "w", T(2) " stdout F b2\n");
	lt_put(p.logs, "a.log", "a", T(3) " stdout F a3\n");
	ck_assert_int_eq(pod_logs_refresh(&p.pl, false, &err), 0);
	ck_assert_str_eq(pod_drain(&p, false), T(3) " a3\n");
	ck_assert_int_eq(pod_logs_refresh(&p.pl, true, &err), 0);
	lt_put(p.logs, "a.log", "a", T(4) " stdout F a4\n");
	ck_assert_str_eq(pod_drain(&p, false), "[b] " T(2) " b2\n[a] " T(4) " a4\n");
	ck_assert_int_eq(pod_logs_refresh(&p.pl, true, &err), 0);
	ck_assert_int_eq((int)p.pl.n, 2);
	pod_done(&p);
}
END_TEST

START_TEST(callback_stops_the_drain)
{
	struct b_err err = { 0 };
	struct pod p;

	pod_make(&p);
	lt_put(p.logs, "a.log", "w", T(1) " stdout F a\n" T(2) " stdout F b\n");
	pod_open(&p);
	ck_assert_int_eq(pod_logs_add_all(&p.pl, &err), 0);
	p.stop_after = 1;
	ck_assert_str_eq(pod_drain(&p, true), T(1) " a\n");
	pod_done(&p);
}
END_TEST

/* ---- what is not there -------------------------------------------------- */

struct missing_case {
	const char *what;
	const char *pod, *container;   /* container NULL: only open */
	const char *files;             /* "a.log b.log" made in p's logs */
	bool no_logs_dir;
	int want;
	const char *want_msg;
};

static const struct missing_case missing_cases[] = {
	{ "no such pod", "q", NULL, "", false, -ENOENT, "pod q not found (no " },
	{ "pod without logs", "p", NULL, "", true, -ENOENT, "pod p has no logs (no " },
	{ "not a name", "..", NULL, "", false, -EINVAL, "invalid pod name \"..\"" },
	{ "a path", "p/logs", NULL, "", false, -EINVAL, "invalid pod name" },
	{ "no such container", "p", "c", "a b", false, -ENOENT,
	  "pod p has no container \"c\" (containers: a, b)" },
	{ "no container logs yet", "p", "c", "", false, -ENOENT,
	  "pod p has no container \"c\" (no container has a log yet)" },
};

START_TEST(missing_table)
{
	const struct missing_case *c = &missing_cases[_i];
	struct b_err err = { 0 };
	struct pod p;
	int r;

	pod_make(&p);
	if (c->no_logs_dir)
		ck_assert_int_eq(rmdir(p.logs), 0);
	if (strchr(c->files, 'a'))
		lt_put(p.logs, "a.log", "w", "");
	if (strchr(c->files, 'b'))
		lt_put(p.logs, "b.log", "w", "");
	r = pod_logs_open(&p.pl, p.root, c->pod, &err);
	if (r == 0 && c->container)
		r = pod_logs_add_container(&p.pl, c->container, &err);
	ck_assert_msg(r == c->want, "%s: %d", c->what, r);
	ck_assert_msg(strstr(err.msg, c->want_msg), "%s: \"%s\"", c->what, err.msg);
	pod_done(&p);
}
END_TEST

/* ---- the printed line --------------------------------------------------- */

struct format_case {
	const char *label, *ts, *msg;
	bool timestamps;
	const char *want;
};

static const struct format_case format_cases[] = {
	{ NULL, "", "m", false, "m\n" },
	{ "c", "", "m", false, "[c] m\n" },
	{ "c", T(1), "m", false, "[c] m\n" },
	{ "c", T(1), "m", true, "[c] " T(1) " m\n" },
	{ NULL, T(1), "", true, T(1) " \n" },
	{ NULL, "", "m", true, "m\n" },   /* events: no time to show */
};

START_TEST(format_table)
{
	const struct format_case *c = &format_cases[_i];
	struct log_rec r = { 0 };
	struct logbuf line = { 0 };

	strcpy(r.ts, c->ts);
	logbuf_add(&r.msg, c->msg, strlen(c->msg));
	ck_assert_int_eq(log_rec_format(&line, c->label, &r, c->timestamps), 0);
	ck_assert_str_eq(line.p, c->want);
	logbuf_free(&line);
	logbuf_free(&r.msg);
}
END_TEST

/* ---- --tail ------------------------------------------------------------- */

struct tail_case {
	long long max;
	int lines;               /* "0\n" .. "<lines-1>\n" go in */
	const char *want;
};

static const struct tail_case tail_cases[] = {
	{ 3, 5, "2\n3\n4\n" },
	{ 5, 2, "0\n1\n" },
	{ 3, 3, "0\n1\n2\n" },
	{ 0, 4, "" },
	{ -1, 4, "" },
	{ 1, 40, "39\n" },
	{ 20, 45, "25\n26\n27\n28\n29\n30\n31\n32\n33\n34\n35\n36\n37\n38\n39\n40\n41\n42\n43\n44\n" },
};

static void tail_text(const struct log_tail *t, struct logbuf *out)
{
	logbuf_add(out, "", 0);
	for (size_t i = 0; i < log_tail_count(t); i++)
		logbuf_add(out, log_tail_at(t, i)->p, log_tail_at(t, i)->len);
}

START_TEST(tail_table)
{
	const struct tail_case *c = &tail_cases[_i];
	struct logbuf out = { 0 };
	struct log_tail t;
	char line[16];

	log_tail_init(&t, c->max);
	for (int i = 0; i < c->lines; i++) {
		snprintf(line, sizeof(line), "%d\n", i);
		ck_assert_int_eq(log_tail_add(&t, line, strlen(line)), 0);
	}
	tail_text(&t, &out);
	ck_assert_msg(!strcmp(out.p, c->want), "max %lld of %d: got \"%s\"", c->max, c->lines, out.p);
	ck_assert_ptr_null(log_tail_at(&t, log_tail_count(&t)));
	log_tail_free(&t);
	logbuf_free(&out);
}
END_TEST

/* --tail 3 over c.log.2, c.log.1, c.log: the window spans the files. */
static int to_tail(void *ud, const char *label, const struct log_rec *r)
{
	struct logbuf line = { 0 };
	int e = log_rec_format(&line, label, r, false);

	if (e == 0)
		e = log_tail_add(ud, line.p, line.len);
	logbuf_free(&line);
	return e;
}

START_TEST(tail_across_rotated_files)
{
	struct b_err err = { 0 };
	struct logbuf out = { 0 };
	struct log_tail t;
	struct pod p;

	pod_make(&p);
	lt_put(p.logs, "a.log.2", "w", T(1) " stdout F 1\n" T(2) " stdout F 2\n");
	lt_put(p.logs, "a.log.1", "w", T(3) " stdout F 3\n" T(4) " stdout P 4\n");
	lt_put(p.logs, "a.log", "w", T(5) " stdout F +\n" T(6) " stdout F 5\n");
	pod_open(&p);
	ck_assert_int_eq(pod_logs_add_all(&p.pl, &err), 0);
	log_tail_init(&t, 3);
	ck_assert_int_eq(pod_logs_drain(&p.pl, true, to_tail, &t, &err), 0);
	tail_text(&t, &out);
	ck_assert_str_eq(out.p, "3\n4+\n5\n");
	log_tail_free(&t);
	logbuf_free(&out);
	pod_done(&p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("podlogs");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, merge_table, 0, sizeof(merge_cases) / sizeof(merge_cases[0]));
	tcase_add_test(tc, one_named_container);
	tcase_add_test(tc, events_are_plain_lines);
	tcase_add_test(tc, discovery_adds_labels);
	tcase_add_test(tc, callback_stops_the_drain);
	tcase_add_loop_test(tc, missing_table, 0, sizeof(missing_cases) / sizeof(missing_cases[0]));
	tcase_add_loop_test(tc, format_table, 0, sizeof(format_cases) / sizeof(format_cases[0]));
	tcase_add_loop_test(tc, tail_table, 0, sizeof(tail_cases) / sizeof(tail_cases[0]));
	tcase_add_test(tc, tail_across_rotated_files);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)
