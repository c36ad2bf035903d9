/* supervisor/logread: a log's records across its rotated files, CRI
 * records and their P pieces, and following the live file. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "logtest.h"
#include "supervisor/logread.h"
#include "testmain.h"

#define T(s) "2026-01-01T00:00:0" #s ".000000000Z"

/* ---- reading to the end: one table ------------------------------------- */

struct read_case {
	const char *what;
	bool cri;
	/* c.log, c.log.1, c.log.2, c.log.3; NULL: no such file */
	const char *files[4];
	/* every record, "msg\n" each; CRI: "ts|msg\n" */
	const char *want;
};

static const struct read_case read_cases[] = {
	{ "cri full lines", true,
	  { T(1) " stdout F a\n" T(2) " stderr F b\n" },
	  T(1) "|a\n" T(2) "|b\n" },
	{ "P pieces join their F, with the first piece's time", true,
	  { T(1) " stdout P he\n" T(2) " stdout P ll\n" T(3) " stdout F o\n" },
	  T(1) "|hello\n" },
	{ "stdout and stderr pieces do not continue each other", true,
	  { T(1) " stdout P a\n" T(2) " stderr F x\n" T(3) " stdout F b\n" },
	  T(2) "|x\n" T(1) "|ab\n" },
	{ "malformed lines are skipped", true,
	  { "garbage\n" T(1) " stdout F ok\n" "2026-13-01T00:00:00Z stdout F bad month\n"
	    T(2) " stdout X bad tag\n" T(3) " stdin F bad stream\n" "\n" },
	  T(1) "|ok\n" },
	{ "an empty message is a record", true,
	  { T(1) " stdout F \n" },
	  T(1) "|\n" },
	{ "extra tag fields after F", true,
	  { T(1) " stdout F:x a\n" },
	  T(1) "|a\n" },
	{ "unterminated last line, at the very end", true,
	  { T(1) " stdout F a\n" T(2) " stdout F b" },
	  T(1) "|a\n" T(2) "|b\n" },
	{ "unfinished P pieces, at the very end", true,
	  { T(1) " stdout F a\n" T(2) " stderr P b\n" },
	  T(1) "|a\n" T(2) "|b\n" },
	{ "a P piece in a rotated file continues in the next", true,
	  { T(2) " stdout F llo\n", T(1) " stdout P he\n" },
	  T(1) "|hello\n" },
	{ "rotated files oldest first, then the live one", false,
	  { "new\n", "mid\n", "old\n" },
	  "old\nmid\nnew\n" },
	{ "a gap in the numbers, no live file", false,
	  { NULL, "one\n", NULL, "three\n" },
	  "three\none\n" },
	{ "an unterminated rest ends with its file", false,
	  { "c\n", "a\nb" },
	  "a\nb\nc\n" },
	{ "plain lines keep what looks like CRI", false,
	  { T(1) " stdout P x\n" },
	  T(1) " stdout P x\n" },
	{ "nothing at all", false, { NULL }, "" },
};

static void put_files(const char *dir, const char *const files[4])
{
	static const char *const names[] = { "c.log", "c.log.1", "c.log.2", "c.log.3" };

	for (int i = 0; i < 4; i++)
		if (files[i])
			lt_put(dir, names[i], "w", files[i]);
}

/* Take every record available into `out`. */
static void take_all(struct logsrc *s, bool final, struct logbuf *out)
{
	struct b_err err = { 0 };
	int r;

	while ((r = logsrc_peek(s, final, &err)) > 0) {
		if (s->cri) {
			logbuf_add(out, s->head.ts, strlen(s->head.ts));
			logbuf_add(out, "|", 1);
		}
		logbuf_add(out, s->head.msg.p, s->head.msg.len);
		logbuf_add(out, "\n", 1);
		logsrc_pop(s);
	}
	ck_assert_msg(r == 0, "logsrc_peek: %s", err.msg);
}

START_TEST(read_table)
{
	const struct read_case *c = &read_cases[_i];
	struct logbuf out = { 0 };
	struct b_err err = { 0 };
	struct logsrc s;
	char dir[PATH_MAX];

	lt_mkdtemp(dir, sizeof(dir));
	put_files(dir, c->files);
	ck_assert_msg(logsrc_open(&s, dir, "c.log", "c", c->cri, &err) == 0, "%s: %s", c->what, err.msg);
	take_all(&s, true, &out);
	ck_assert_msg(!strcmp(out.p ? out.p : "", c->want), "%s: got\n%s\nwant\n%s", c->what,
		      out.p ? out.p : "", c->want);
	logsrc_free(&s);
	logbuf_free(&out);
	lt_rmdir(dir);
}
END_TEST

/* ---- following ---------------------------------------------------------- */

struct follower {
	char dir[PATH_MAX];
	struct logsrc s;
	struct logbuf out;
};

/* Start following c.log, with c.log.1 `rotated` when not NULL. */
static void follow_start2(struct follower *f, const char *live, const char *rotated)
{
	struct b_err err = { 0 };

	*f = (struct follower){ 0 };
	lt_mkdtemp(f->dir, sizeof(f->dir));
	if (live)
		lt_put(f->dir, "c.log", "w", live);
	if (rotated)
		lt_put(f->dir, "c.log.1", "w", rotated);
	ck_assert_msg(logsrc_open(&f->s, f->dir, "c.log", NULL, false, &err) == 0, "%s", err.msg);
}

static void follow_start(struct follower *f, const char *live)
{
	follow_start2(f, live, NULL);
}

/* What has come since the last look, as a follower sees it. */
static const char *follow_look(struct follower *f, int want_refresh)
{
	struct b_err err = { 0 };

	ck_assert_int_eq(logsrc_refresh(&f->s, &err), want_refresh);
	f->out.len = 0;
	logbuf_add(&f->out, "", 0);
	take_all(&f->s, false, &f->out);
	return f->out.p;
}

static void follow_end(struct follower *f)
{
	logsrc_free(&f->s);
	logbuf_free(&f->out);
	lt_rmdir(f->dir);
}

START_TEST(follow_appends_and_partial_lines)
{
	struct follower f;

	follow_start(&f, "a\n");
	ck_assert_str_eq(follow_look(&f, 0), "a\n");
	ck_assert_str_eq(follow_look(&f, 0), "");
	lt_put(f.dir, "c.log", "a", "b\npar");
	ck_assert_str_eq(follow_look(&f, 0), "b\n");
	lt_put(f.dir, "c.log", "a", "tial\n");
	ck_assert_str_eq(follow_look(&f, 0), "partial\n");
	follow_end(&f);
}
END_TEST

/* The writer renames c.log to c.log.1 after a last write to it, and starts
 * a new c.log: the rest of the old file comes before the new one. */
START_TEST(follow_across_a_rotation)
{
	struct follower f;

	follow_start(&f, "a\n");
	ck_assert_str_eq(follow_look(&f, 0), "a\n");
	lt_put(f.dir, "c.log", "a", "b\n");
	lt_rename(f.dir, "c.log", "c.log.1");
	lt_put(f.dir, "c.log", "w", "c\n");
	ck_assert_str_eq(follow_look(&f, 1), "b\nc\n");
	ck_assert_str_eq(follow_look(&f, 0), "");
	follow_end(&f);
}
END_TEST

/* Two rotations between looks: the file in between (now c.log.1) is read
 * between the old live file (now c.log.2) and the new one. */
START_TEST(follow_across_two_rotations)
{
	struct follower f;

	follow_start(&f, "a\n");
	ck_assert_str_eq(follow_look(&f, 0), "a\n");
	lt_rename(f.dir, "c.log", "c.log.1");
	lt_put(f.dir, "c.log", "w", "b\n");
	lt_rename(f.dir, "c.log.1", "c.log.2");
	lt_rename(f.dir, "c.log", "c.log.1");
	lt_put(f.dir, "c.log", "w", "c\n");
	ck_assert_str_eq(follow_look(&f, 1), "b\nc\n");
	follow_end(&f);
}
END_TEST

/* Files read and closed before a rotation are not read again after it:
 * the scan of the rotated files ends at the first one still open. */
START_TEST(follow_does_not_reread_old_files)
{
	struct follower f;

	follow_start2(&f, "b\n", "a\n");
	ck_assert_str_eq(follow_look(&f, 0), "a\nb\n");
	lt_rename(f.dir, "c.log.1", "c.log.2");
	lt_rename(f.dir, "c.log", "c.log.1");
	lt_put(f.dir, "c.log", "w", "c\n");
	ck_assert_str_eq(follow_look(&f, 1), "c\n");
	follow_end(&f);
}
END_TEST

/* max_files 1: the live file is truncated in place and starts over. */
START_TEST(follow_truncated_in_place)
{
	struct follower f;

	follow_start(&f, "aaaa\nbbbb\n");
	ck_assert_str_eq(follow_look(&f, 0), "aaaa\nbbbb\n");
	lt_put(f.dir, "c.log", "w", "c\n");
	ck_assert_str_eq(follow_look(&f, 0), "c\n");
	follow_end(&f);
}
END_TEST

/* A container whose log does not exist yet: it is taken in when it
 * appears. */
START_TEST(follow_live_file_appears)
{
	struct follower f;

	follow_start(&f, NULL);
	ck_assert_str_eq(follow_look(&f, 0), "");
	lt_put(f.dir, "c.log", "w", "first\n");
	ck_assert_str_eq(follow_look(&f, 1), "first\n");
	follow_end(&f);
}
END_TEST

/* ---- refusals ----------------------------------------------------------- */

START_TEST(symlinked_log_refused)
{
	struct b_err err = { 0 };
	struct logsrc s;
	char dir[PATH_MAX], link[PATH_MAX + 8];

	lt_mkdtemp(dir, sizeof(dir));
	lt_put(dir, "secret", "w", "x\n");
	snprintf(link, sizeof(link), "%s/c.log", dir);
	ck_assert_int_eq(symlink("secret", link), 0);
	ck_assert_int_eq(logsrc_open(&s, dir, "c.log", NULL, false, &err), -ELOOP);
	ck_assert_ptr_nonnull(strstr(err.msg, "c.log"));
	logsrc_free(&s);
	lt_rmdir(dir);
}
END_TEST

START_TEST(missing_dir)
{
	struct b_err err = { 0 };
	struct logsrc s;

	ck_assert_int_eq(logsrc_open(&s, "/nonexistent/berth", "c.log", NULL, false, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/berth"));
	logsrc_free(&s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("logread");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, read_table, 0, sizeof(read_cases) / sizeof(read_cases[0]));
	tcase_add_test(tc, follow_appends_and_partial_lines);
	tcase_add_test(tc, follow_across_a_rotation);
	tcase_add_test(tc, follow_across_two_rotations);
	tcase_add_test(tc, follow_does_not_reread_old_files);
	tcase_add_test(tc, follow_truncated_in_place);
	tcase_add_test(tc, follow_live_file_appears);
	tcase_add_test(tc, symlinked_log_refused);
	tcase_add_test(tc, missing_dir);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(suite)
