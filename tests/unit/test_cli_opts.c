/* cmd/opts.c, the option parser over the command tables, and cmd/table.c:
 * options before, between and after positionals, "--", values in every
 * spelling, clusters, a command line after exec's ID, errors, --help. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/opts.h"
#include "cmd/table.h"
#include "testmain.h"

/* ---- what the parser calls in cmd/: recorded, not printed ---- */
static char last_usage[512];
static int helps;
const struct cli_opt cli_global_opts[] = {
	{ "root", OPT_ROOT, "DIR", "state" }, { "debug", OPT_DEBUG, NULL, "trace" }, { 0 },
};

int cli_usage(struct cli *cli, const struct command *c, const char *fmt, ...)
{
	va_list ap;

	(void)cli;
	(void)c;
	va_start(ap, fmt);
	vsnprintf(last_usage, sizeof(last_usage), fmt, ap);
	va_end(ap);
	return 1;
}

int cli_errorf(struct cli *cli, const char *fmt, ...)
{
	(void)cli;
	(void)fmt;
	return 1;
}

int cli_help(FILE *f, const struct command *c)
{
	(void)f;
	(void)c;
	helps++;
	return 0;
}

static const struct cli_opt opts[] = {
	{ "bundle", 'b', "DIR", "b" }, { "detach", 'd', NULL, "d" }, { "tty", 't', NULL, "t" },
	{ "pid-file", OPT_PID_FILE, "FILE", "p" }, { "tls-verify", OPT_TLS_VERIFY, "[=BOOL]", "v" },
	{ 0 },
};
static const struct command cmd = { .name = "run", .summary = "run", .synopsis = "ID", .opts = opts };
static const struct command exec_cmd = { .name = "exec", .summary = "exec", .synopsis = "ID [CMD...]",
					 .opts = opts, .rest_after = 1 };

/* Parse argv (NULL-terminated, argv[0] the command) with c; returns the
 * keys read as letters ("d b=x P=f ...") and the positionals. */
static int parse(const struct command *c, char **argv, char *keys, size_t ksize, char *pos,
		 size_t psize, struct cli *cli)
{
	struct cli_args a;
	int argc = 0, k;

	while (argv[argc])
		argc++;
	ck_assert_int_eq(cli_args_init(&a, cli, c, argc, argv), 0);
	keys[0] = pos[0] = '\0';
	while ((k = cli_next(&a)) > 0) {
		size_t n = strlen(keys);
		snprintf(keys + n, ksize - n, "%s%c%s%s", n ? " " : "", k < OPT_LONG ? k : 'L',
			 a.arg ? "=" : "", a.arg ? a.arg : "");
	}
	for (int i = 0; i < a.npos; i++) {
		size_t n = strlen(pos);
		snprintf(pos + n, psize - n, "%s%s", i ? " " : "", a.pos[i]);
	}
	k = k == CLI_EXIT ? 100 + a.rc : 0;
	cli_args_free(&a);
	return k;
}

#define PARSE(c, ...) parse(c, (char *[]){ __VA_ARGS__, NULL }, keys, sizeof(keys), pos, sizeof(pos), &cli)

START_TEST(test_options_anywhere)
{
	struct cli cli = { 0 };
	char keys[256], pos[256];

	ck_assert_int_eq(PARSE(&cmd, "run", "-d", "id1", "--bundle", "/b", "--pid-file=/p"), 0);
	ck_assert_str_eq(keys, "d b=/b L=/p");
	ck_assert_str_eq(pos, "id1");
	ck_assert_int_eq(PARSE(&cmd, "run", "id1", "-db/b", "x"), 0);
	ck_assert_str_eq(keys, "d b=/b");
	ck_assert_str_eq(pos, "id1 x");
	ck_assert_int_eq(PARSE(&cmd, "run", "-dt", "-b", "/b", "--", "-d", "-"), 0);
	ck_assert_str_eq(keys, "d t b=/b");
	ck_assert_str_eq(pos, "-d -");
	ck_assert_int_eq(PARSE(&cmd, "run", "--tls-verify", "--tls-verify=false", "r"), 0);
	ck_assert_str_eq(keys, "L L=false");
	ck_assert_str_eq(pos, "r");
}
END_TEST

START_TEST(test_command_line_after_the_id)
{
	struct cli cli = { 0 };
	char keys[256], pos[256];

	ck_assert_int_eq(PARSE(&exec_cmd, "exec", "-t", "id", "ls", "-l", "--tty"), 0);
	ck_assert_str_eq(keys, "t");
	ck_assert_str_eq(pos, "id ls -l --tty");
	ck_assert_int_eq(PARSE(&exec_cmd, "exec", "id", "--", "echo", "--"), 0);
	ck_assert_str_eq(pos, "id echo --");
	ck_assert_int_eq(PARSE(&exec_cmd, "exec", "--", "id", "-t"), 0);
	ck_assert_str_eq(keys, "");
	ck_assert_str_eq(pos, "id -t");
}
END_TEST

START_TEST(test_errors_and_help)
{
	struct cli cli = { 0 };
	char keys[256], pos[256];

	ck_assert_int_eq(PARSE(&cmd, "run", "--nope"), 101);
	ck_assert_str_eq(last_usage, "unknown option --nope");
	ck_assert_int_eq(PARSE(&cmd, "run", "-dx"), 101);
	ck_assert_str_eq(last_usage, "unknown option -x");
	ck_assert_int_eq(PARSE(&cmd, "run", "id", "--bundle"), 101);
	ck_assert_str_eq(last_usage, "--bundle needs a value (DIR)");
	ck_assert_int_eq(PARSE(&cmd, "run", "-b"), 101);
	ck_assert_str_eq(last_usage, "-b needs a value (DIR)");
	ck_assert_int_eq(PARSE(&cmd, "run", "--detach=1"), 101);
	ck_assert_str_eq(last_usage, "--detach takes no value");
	/* a global option is not the command's unless cmd/ asks for them */
	ck_assert_int_eq(PARSE(&cmd, "run", "--root", "/r"), 101);
	helps = 0;
	ck_assert_int_eq(PARSE(&cmd, "run", "id", "--help", "--nope"), 100);
	ck_assert_int_eq(PARSE(&cmd, "run", "-dh"), 100);
	ck_assert_int_eq(helps, 2);
}
END_TEST

static char *seen_root;
static int take_global(struct cli *cli, int key, char *arg)
{
	(void)cli;
	if (key == OPT_ROOT)
		seen_root = arg;
	return key == OPT_DEBUG;   /* pretend --debug is refused here */
}

START_TEST(test_global_options_after_the_command)
{
	struct cli cli = { .global_opt = take_global };
	char keys[256], pos[256];

	ck_assert_int_eq(PARSE(&cmd, "run", "id", "--root", "/r", "-d"), 0);
	ck_assert_str_eq(seen_root, "/r");
	ck_assert_str_eq(keys, "d");
	ck_assert_str_eq(pos, "id");
	ck_assert_int_eq(PARSE(&cmd, "run", "--debug", "id"), 101);
}
END_TEST

START_TEST(test_table_widths)
{
	struct table t;
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	table_init(&t, 3);
	table_add(&t, "ID");
	table_add(&t, "BUNDLE");
	table_add(&t, "STATUS");
	table_add(&t, "a-rather-long-id");
	table_add(&t, "/b");
	table_add(&t, "running");
	table_addf(&t, "%d", 7);
	table_add(&t, NULL);
	table_add(&t, "x");
	ck_assert_int_eq(table_print(&t, f), 0);
	table_free(&t);
	fclose(f);
	ck_assert_str_eq(out, "ID                BUNDLE  STATUS\n"
			      "a-rather-long-id  /b      running\n"
			      "7                         x\n");
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cli_opts");
	TCase *t = tcase_create("core");

	tcase_add_test(t, test_options_anywhere);
	tcase_add_test(t, test_command_line_after_the_id);
	tcase_add_test(t, test_errors_and_help);
	tcase_add_test(t, test_global_options_after_the_command);
	tcase_add_test(t, test_table_widths);
	suite_add_tcase(s, t);
	return s;
}

TEST_MAIN(suite)
