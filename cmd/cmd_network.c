/* berth network: which CNI network pods join, and its config, so users
 * can read the built-in one and start their own from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/opts.h"
#include "cmd/table.h"
#include "common/cleanup.h"
#include "netns/cni_run.h"

/* --cni-config-dir DIR; the positionals in a */
static int parse(struct cli *cli, const struct command *c, int argc, char **argv,
		 struct cli_args *a, int max, const char **dir)
{
	int k;

	if (cli_args_init(a, cli, c, argc, argv) < 0)
		return a->rc = cli_errorf(cli, "out of memory"), CLI_EXIT;
	while ((k = cli_next(a)) > 0)
		if (k == OPT_CNI_CONFIG_DIR)
			*dir = a->arg;
	if (k == CLI_EXIT)
		return CLI_EXIT;
	return cli_want_pos(a, 0, max, max ? "at most one network name" : "no arguments");
}

int network_inspect(struct cli *cli, const struct command *c, int argc, char **argv)
{
	_cleanup_(cni_conflist_freep) struct cni_conflist *l = NULL;
	_cleanup_free_ char *text = NULL, *source = NULL;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	const char *dir = NULL;

	if (parse(cli, c, argc, argv, &a, 1, &dir))
		return a.rc;
	if (cni_find_network(dir, a.npos ? a.pos[0] : NULL, &text, &source, &l, &err) < 0)
		return cli_error(cli, &err);
	fprintf(stderr, "# network %s, from %s\n", l->name, source);
	fputs(text, stdout);
	if (text[0] && text[strlen(text) - 1] != '\n')
		putchar('\n');
	return 0;
}

/* Every config file's network in the order pods see them, then the
 * built-in one; the first is the default. */
int network_ls(struct cli *cli, const struct command *c, int argc, char **argv)
{
	_cleanup_(cni_conflist_freep) struct cni_conflist *l = NULL;
	_cleanup_free_ char *text = NULL, *source = NULL;
	struct b_err err = { 0 };
	CLI_ARGS a = { 0 };
	const char *dir = NULL;
	struct table t;

	if (parse(cli, c, argc, argv, &a, 0, &dir))
		return a.rc;
	if (cni_find_network(dir, NULL, &text, &source, &l, &err) < 0)
		return cli_error(cli, &err);
	table_init(&t, 3);
	table_add(&t, "NAME");
	table_add(&t, "DEFAULT");
	table_add(&t, "SOURCE");
	table_add(&t, l->name);
	table_add(&t, "yes");
	table_add(&t, source);
	if (strcmp(source, "built-in") && strcmp(l->name, CNI_BUILTIN_NAME)) {
		table_add(&t, CNI_BUILTIN_NAME);
		table_add(&t, "no");
		table_add(&t, "built-in");
	}
	table_print(&t, stdout);
	table_free(&t);
	return 0;
}
