/* supervisor/crilog: CRI record heads, parsing, and size-based rotation. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fsutil.h"
#include "supervisor/crilog.h"
#include "testmain.h"

/* 2026-11-25T09:00:00Z */
#define T0 1795597200

START_TEST(format_full_and_partial)
{
	struct timespec ts = { T0, 123456789 };
	char buf[CRI_HEAD_MAX];
	int n;

	n = cri_format_head(buf, sizeof(buf), &ts, "stdout", false);
	ck_assert_str_eq(buf, "2026-11-25T09:00:00.123456789Z stdout F ");
	ck_assert_int_eq(n, (int)strlen(buf));
	ts.tv_nsec = 5;
	cri_format_head(buf, sizeof(buf), &ts, "stderr", true);
	ck_assert_str_eq(buf, "2026-11-25T09:00:00.000000005Z stderr P ");
}
END_TEST

START_TEST(format_errors)
{
	struct timespec ts = { T0, 0 }, bad = { T0, 1000000000 };
	char buf[CRI_HEAD_MAX];

	ck_assert_int_eq(cri_format_head(buf, 20, &ts, "stdout", false), -ENOSPC);
	ck_assert_int_eq(cri_format_head(buf, sizeof(buf), &bad, "stdout", false), -EINVAL);
	ck_assert_int_eq(cri_format_head(buf, sizeof(buf), &ts, "std out", false), -EINVAL);
	ck_assert_int_eq(cri_format_head(buf, sizeof(buf), &ts, "", false), -EINVAL);
}
END_TEST

/* A head written by cri_format_head parses back to the same fields. */
START_TEST(format_parse_round_trip)
{
	struct timespec ts = { T0 + 86400 * 400, 42 };
	char line[CRI_HEAD_MAX + 16];
	struct cri_line l;
	int n = cri_format_head(line, sizeof(line), &ts, "stderr", true);

	strcpy(line + n, "hello\n");
	ck_assert_int_eq(cri_parse_line(line, strlen(line), &l), 0);
	ck_assert_int_eq(l.ts.tv_sec, ts.tv_sec);
	ck_assert_int_eq(l.ts.tv_nsec, 42);
	ck_assert_str_eq(l.stream, "stderr");
	ck_assert(l.partial);
	ck_assert_int_eq((int)l.msg_len, 5);
	ck_assert(!memcmp(l.msg, "hello", 5));
}
END_TEST

START_TEST(parse_full_line)
{
	const char *s = "2026-11-25T09:00:00.123456789Z stdout F a line  with spaces\n";
	struct cri_line l;

	ck_assert_int_eq(cri_parse_line(s, strlen(s), &l), 0);
	ck_assert_int_eq((int)l.time_len, 30);
	ck_assert(!memcmp(l.time, s, 30));
	ck_assert_int_eq(l.ts.tv_sec, T0);
	ck_assert_int_eq(l.ts.tv_nsec, 123456789);
	ck_assert_str_eq(l.stream, "stdout");
	ck_assert(!l.partial);
	ck_assert_int_eq((int)l.msg_len, (int)strlen("a line  with spaces"));
	ck_assert(!memcmp(l.msg, "a line  with spaces", l.msg_len));
}
END_TEST

START_TEST(parse_partial_and_empty)
{
	const char *p = "2026-11-25T09:00:00.1Z stderr P piece";
	const char *e = "2026-11-25T09:00:00Z stdout F \n";
	struct cri_line l;

	ck_assert_int_eq(cri_parse_line(p, strlen(p), &l), 0);
	ck_assert(l.partial);
	ck_assert_str_eq(l.stream, "stderr");
	ck_assert_int_eq(l.ts.tv_nsec, 100000000);
	ck_assert_int_eq((int)l.msg_len, 5);
	ck_assert_int_eq(cri_parse_line(e, strlen(e), &l), 0);
	ck_assert(!l.partial);
	ck_assert_int_eq((int)l.msg_len, 0);
	ck_assert_int_eq(l.ts.tv_nsec, 0);
}
END_TEST

/* Extra tags after P/F and numeric zones, as other writers may produce. */
START_TEST(parse_tags_and_zones)
{
	const char *t = "2026-11-25T09:00:00.5Z stdout F:x:y m";
	const char *z = "2026-11-25T10:30:00+01:30 stdout F m";
	const char *w = "2026-11-25T08:00:00.000000001-01:00 stdout P m";
	struct cri_line l;

	ck_assert_int_eq(cri_parse_line(t, strlen(t), &l), 0);
	ck_assert(!l.partial);
	ck_assert_int_eq(cri_parse_line(z, strlen(z), &l), 0);
	ck_assert_int_eq(l.ts.tv_sec, T0);
	ck_assert_int_eq(cri_parse_line(w, strlen(w), &l), 0);
	ck_assert_int_eq(l.ts.tv_sec, T0);
	ck_assert_int_eq(l.ts.tv_nsec, 1);
	ck_assert(l.partial);
}
END_TEST

static const char *const malformed[] = {
	"",
	"\n",
	"garbage",
	"2026-11-25T09:00:00Z stdout F",          /* no space after the tag */
	"2026-11-25T09:00:00Z stdout",
	"2026-11-25T09:00:00Z stdin F x",
	"2026-11-25T09:00:00Z stdout X x",
	"2026-11-25T09:00:00Z stdout FF x",
	"2026-11-25T09:00:00Z stdout :F x",
	"2026-11-25T09:00:00Z  stdout F x",
	"2026-11-25 09:00:00Z stdout F x",
	"2026-11-25T09:00:00 stdout F x",         /* no zone */
	"2026-11-25T09:00:00.Z stdout F x",
	"2026-11-25T09:00:00.1234567890Z stdout F x",
	"2026-13-25T09:00:00Z stdout F x",
	"2026-02-29T09:00:00Z stdout F x",
	"2026-11-25T24:00:00Z stdout F x",
	"2026-11-25T09:60:00Z stdout F x",
	"2026-11-25T09:00:00+0100 stdout F x",
	"2026-11-25T09:00:00ZZ stdout F x",
	"x026-11-25T09:00:00Z stdout F x",
};

START_TEST(parse_malformed)
{
	struct cri_line l;
	const char *s = malformed[_i];

	ck_assert_msg(cri_parse_line(s, strlen(s), &l) == -EINVAL, "accepted \"%s\"", s);
}
END_TEST

START_TEST(parse_time_leap_day)
{
	struct timespec ts;
	const char *s = "2028-02-29T00:00:00Z";

	ck_assert_int_eq(cri_parse_time(s, strlen(s), &ts), 0);
	ck_assert_int_eq(cri_parse_time("1970-01-01T00:00:00Z", 20, &ts), 0);
	ck_assert_int_eq(ts.tv_sec, 0);
}
END_TEST

/* ---- rotation ---------------------------------------------------------- */

static char dir[64];

static void setup_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_crilog.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown_dir(void)
{
	b_rm_rf(dir);
}

static char *in_dir(const char *name)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static bool exists(const char *name)
{
	return access(in_dir(name), F_OK) == 0;
}

/* The file's content ("" when missing); caller frees. */
static char *content(const char *name)
{
	char *s = NULL;
	size_t len;

	if (b_read_file(in_dir(name), 0, &s, &len) < 0)
		return strdup("");
	return s;
}

/* Record i: "rec NN\n" padded to 10 bytes. */
static void record(char *buf, int i)
{
	snprintf(buf, 11, "rec %04d.\n", i);
}

static void write_records(struct cri_logfile *lf, int from, int to)
{
	struct b_err err = { 0 };
	char rec[16];

	for (int i = from; i < to; i++) {
		record(rec, i);
		ck_assert_msg(cri_logfile_write(lf, rec, 10, &err) == 0, "%s", err.msg);
	}
}

/* The file holds records first..last-1, whole and in order. */
static void assert_records(const char *name, int first, int last)
{
	_cleanup_free_ char *s = content(name);
	char want[1024] = "", rec[16];

	for (int i = first; i < last; i++) {
		record(rec, i);
		strcat(want, rec);
	}
	ck_assert_msg(!strcmp(s, want), "%s: \"%s\", expected \"%s\"", name, s, want);
}

START_TEST(rotate_keeps_max_files)
{
	struct cri_logfile lf;
	struct b_err err = { 0 };

	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 35, 3, &err), 0);
	/* 3 records (30 bytes) per file: the 4th rotates. */
	write_records(&lf, 0, 3);
	ck_assert(!exists("c.log.1"));
	write_records(&lf, 3, 4);
	assert_records("c.log.1", 0, 3);
	assert_records("c.log", 3, 4);
	write_records(&lf, 4, 14);
	/* 14 records: 0-5 dropped with the oldest files, the live file has 12-13. */
	assert_records("c.log", 12, 14);
	assert_records("c.log.1", 9, 12);
	assert_records("c.log.2", 6, 9);
	ck_assert(!exists("c.log.3"));
	cri_logfile_close(&lf);
	cri_logfile_close(&lf);
}
END_TEST

START_TEST(rotate_never_splits_a_record)
{
	struct cri_logfile lf;
	struct b_err err = { 0 };
	char big[100];

	memset(big, 'x', sizeof(big));
	big[99] = '\n';
	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 25, 3, &err), 0);
	write_records(&lf, 0, 1);
	/* Larger than max_size: goes alone into a fresh file. */
	ck_assert_int_eq(cri_logfile_write(&lf, big, sizeof(big), &err), 0);
	assert_records("c.log.1", 0, 1);
	ck_assert_int_eq((int)lf.size, 100);
	write_records(&lf, 1, 2);
	assert_records("c.log", 1, 2);
	{
		_cleanup_free_ char *s = content("c.log.1");
		ck_assert_int_eq((int)strlen(s), 100);
	}
	assert_records("c.log.2", 0, 1);
	cri_logfile_close(&lf);
}
END_TEST

START_TEST(rotate_one_file_truncates)
{
	struct cri_logfile lf;
	struct b_err err = { 0 };

	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 25, 1, &err), 0);
	write_records(&lf, 0, 5);
	assert_records("c.log", 4, 5);
	ck_assert(!exists("c.log.1"));
	cri_logfile_close(&lf);
}
END_TEST

START_TEST(no_max_size_never_rotates)
{
	struct cri_logfile lf;
	struct b_err err = { 0 };

	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 0, 3, &err), 0);
	write_records(&lf, 0, 20);
	assert_records("c.log", 0, 20);
	ck_assert(!exists("c.log.1"));
	cri_logfile_close(&lf);
}
END_TEST

/* Reopening takes the size already there into account. */
START_TEST(reopen_counts_existing_size)
{
	struct cri_logfile lf;
	struct b_err err = { 0 };

	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 35, 2, &err), 0);
	write_records(&lf, 0, 2);
	cri_logfile_close(&lf);
	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 35, 2, &err), 0);
	ck_assert_int_eq((int)lf.size, 20);
	write_records(&lf, 2, 4);
	assert_records("c.log.1", 0, 3);
	assert_records("c.log", 3, 4);
	cri_logfile_close(&lf);
}
END_TEST

/* A failed rotation (c.log.1 is a non-empty directory) keeps writing to
 * the file in use, reports once, and retries after another max_size. */
START_TEST(failed_rotation_keeps_writing)
{
	struct cri_logfile lf;
	struct b_err err = { 0 };
	char rec[16];

	ck_assert_int_eq(mkdir(in_dir("c.log.1"), 0755), 0);
	ck_assert_int_eq(mkdir(in_dir("c.log.1/x"), 0755), 0);
	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 25, 2, &err), 0);
	write_records(&lf, 0, 2);
	record(rec, 2);
	ck_assert_int_lt(cri_logfile_write(&lf, rec, 10, &err), 0);
	ck_assert_msg(strstr(err.msg, "rotating log file"), "%s", err.msg);
	/* No retry for the next 25 bytes. */
	write_records(&lf, 3, 5);
	assert_records("c.log", 0, 5);
	/* The obstacle gone, the next attempt rotates. */
	ck_assert_int_eq(b_rm_rf(in_dir("c.log.1")), 0);
	write_records(&lf, 5, 6);
	assert_records("c.log.1", 0, 5);
	assert_records("c.log", 5, 6);
	cri_logfile_close(&lf);
}
END_TEST

START_TEST(open_errors)
{
	struct cri_logfile lf;
	struct b_err err = { 0 };

	ck_assert_int_lt(cri_logfile_open(&lf, in_dir("no/such/dir/c.log"), 10, 2, &err), 0);
	ck_assert_int_eq(lf.fd, -1);
	ck_assert_msg(strstr(err.msg, "no/such/dir/c.log"), "%s", err.msg);
	ck_assert_int_lt(cri_logfile_write(&lf, "x\n", 2, &err), 0);
	cri_logfile_close(&lf);
}
END_TEST

/* A name in the directory that is a symlink or a hard link of another
 * file is refused, not written through (the log directory may have held
 * another user's files). */
START_TEST(open_refuses_links)
{
	struct cri_logfile lf;
	struct b_err err = { 0 };
	_cleanup_free_ char *target = strdup(in_dir("target"));
	_cleanup_free_ char *s = NULL;

	ck_assert_int_eq(b_write_atomic(target, "keep\n", 5, 0600), 0);
	ck_assert_int_eq(symlink(target, in_dir("c.log")), 0);
	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 25, 2, &err), -ELOOP);
	ck_assert_msg(strstr(err.msg, "is a symbolic link"), "%s", err.msg);
	ck_assert_int_eq(lf.fd, -1);
	cri_logfile_close(&lf);
	ck_assert_int_eq(unlink(in_dir("c.log")), 0);
	ck_assert_int_eq(link(target, in_dir("c.log")), 0);
	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 25, 2, &err), -EPERM);
	ck_assert_msg(strstr(err.msg, "single link"), "%s", err.msg);
	s = content("target");
	ck_assert_str_eq(s, "keep\n");
}
END_TEST

/* Rotation renames symlinks, as any name, and never writes through one:
 * one at a rotated name is replaced, one at the live name is moved on and
 * a fresh file takes its place. */
START_TEST(rotation_does_not_follow_links)
{
	struct cri_logfile lf;
	struct b_err err = { 0 };
	_cleanup_free_ char *target = strdup(in_dir("target"));
	_cleanup_free_ char *live = strdup(in_dir("c.log")), *s = NULL;
	struct stat st;

	ck_assert_int_eq(b_write_atomic(target, "keep\n", 5, 0600), 0);
	ck_assert_int_eq(symlink(target, in_dir("c.log.1")), 0);
	ck_assert_int_eq(cri_logfile_open(&lf, in_dir("c.log"), 25, 2, &err), 0);
	write_records(&lf, 0, 3);
	assert_records("c.log.1", 0, 2);
	assert_records("c.log", 2, 3);
	/* The live file moved away and a symlink put at its name. */
	ck_assert_int_eq(rename(live, in_dir("moved")), 0);
	ck_assert_int_eq(symlink(target, in_dir("c.log")), 0);
	write_records(&lf, 3, 5);
	assert_records("moved", 2, 4);
	assert_records("c.log", 4, 5);
	ck_assert_int_eq(lstat(in_dir("c.log.1"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	s = content("target");
	ck_assert_str_eq(s, "keep\n");
	cri_logfile_close(&lf);
}
END_TEST

static Suite *crilog_suite(void)
{
	Suite *s = suite_create("crilog");
	TCase *tc = tcase_create("records");
	TCase *rot = tcase_create("rotation");

	tcase_add_test(tc, format_full_and_partial);
	tcase_add_test(tc, format_errors);
	tcase_add_test(tc, format_parse_round_trip);
	tcase_add_test(tc, parse_full_line);
	tcase_add_test(tc, parse_partial_and_empty);
	tcase_add_test(tc, parse_tags_and_zones);
	tcase_add_loop_test(tc, parse_malformed, 0, (int)B_ARRAY_SIZE(malformed));
	tcase_add_test(tc, parse_time_leap_day);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(rot, setup_dir, teardown_dir);
	tcase_add_test(rot, rotate_keeps_max_files);
	tcase_add_test(rot, rotate_never_splits_a_record);
	tcase_add_test(rot, rotate_one_file_truncates);
	tcase_add_test(rot, no_max_size_never_rotates);
	tcase_add_test(rot, reopen_counts_existing_size);
	tcase_add_test(rot, failed_rotation_keeps_writing);
	tcase_add_test(rot, open_errors);
	tcase_add_test(rot, open_refuses_links);
	tcase_add_test(rot, rotation_does_not_follow_links);
	suite_add_tcase(s, rot);
	return s;
}

TEST_MAIN(crilog_suite)
