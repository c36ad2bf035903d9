/* berth network: which CNI network pods join, and its config, so users
 * can read the built-in one and start their own from it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli.h"
#include "common/cleanup.h"
#include "netns/cni_run.h"

static int inspect(struct cli *cli, const struct command *c, const char *dir, int argc,
		   char **argv)
{
	_cleanup_(cni_conflist_freep) struct cni_conflist *l = NULL;
	_cleanup_free_ char *text = NULL, *source = NULL;
	struct b_err err = { 0 };

	if (argc > 1)
		return cli_usage(cli, c, "inspect: expected at most one network name");
	if (cni_find_network(dir, argc ? argv[0] : NULL, &text, &source, &l, &err) < 0)
		return cli_error(cli, &err);
	fprintf(stderr, "# network %s, from %s\n", l->name, source);
	fputs(text, stdout);
	if (text[0] && text[strlen(text) - 1] != '\n')
		putchar('\n');
	return 0;
}

/* Every config file's network in the order pods see them, then the
 * built-in one; the first is the default. */
static int list(struct cli *cli, const char *dir)
{
	_cleanup_(cni_conflist_freep) struct cni_conflist *l = NULL;
	_cleanup_free_ char *text = NULL, *source = NULL;
	struct b_err err = { 0 };

	if (cni_find_network(dir, NULL, &text, &source, &l, &err) < 0)
		return cli_error(cli, &err);
	printf("%-20s %-10s %s\n", "NAME", "DEFAULT", "SOURCE");
	printf("%-20s %-10s %s\n", l->name, "yes", source);
	if (strcmp(source, "built-in") && strcmp(l->name, CNI_BUILTIN_NAME))
		printf("%-20s %-10s %s\n", CNI_BUILTIN_NAME, "no", "built-in");
	return 0;
}

int cmd_network(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cni-config-dir", required_argument, NULL, 'C' },
		{ 0 },
	};
	const struct command *c = cli_find_command("network");
	const char *dir = NULL;
	int ch;

	if (argc < 2)
		return cli_usage(cli, c, "expected a subcommand (inspect, ls)");
	optind = 0;
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'C')
			dir = optarg;
		else
			return cli_usage(cli, c, "unknown option %s", argv[optind - 1]);
	}
	if (!strcmp(argv[0], "inspect"))
		return inspect(cli, c, dir, argc - optind, argv + optind);
	if (!strcmp(argv[0], "ls"))
		return argc - optind ? cli_usage(cli, c, "ls: no arguments") : list(cli, dir);
	return cli_usage(cli, c, "unknown subcommand \"%s\"", argv[0]);
}
