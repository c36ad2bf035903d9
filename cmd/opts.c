/* The option parser over the commands' tables (cmd/opts.h).  Not getopt:
 * options may follow positionals (GNU getopt permutes, but cannot stop
 * after N positionals for `exec ID CMD...`), and every error names the
 * command and points at its --help. */
#include "opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_args_init(struct cli_args *a, struct cli *cli, const struct command *c, int argc,
		  char **argv)
{
	*a = (struct cli_args){ .cli = cli, .c = c, .argc = argc, .argv = argv, .i = 1, .rest_at = -1 };
	a->pos = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*a->pos));
	return a->pos ? 0 : -ENOMEM;
}

void cli_args_free(struct cli_args *a)
{
	free(a->pos);
	a->pos = NULL;
}

static int stop(struct cli_args *a, int rc)
{
	a->rc = rc;
	return CLI_EXIT;
}

static const struct cli_opt *by_name(const struct command *c, const char *name, size_t len)
{
	for (const struct cli_opt *o = c->opts; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static const struct cli_opt *by_letter(const struct command *c, char l)
{
	for (const struct cli_opt *o = c->opts; o && o->name; o++)
		if (o->key == (unsigned char)l)
			return o;
	return NULL;
}

static const struct cli_opt *global(const char *name, size_t len)
{
	for (const struct cli_opt *o = cli_global_opts; o->name; o++)
		if (o->key >= OPT_LONG && strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

/* --name, --name=VALUE, --name VALUE */
static int long_opt(struct cli_args *a, char *s)
{
	char *eq = strchr(s, '=');
	size_t len = eq ? (size_t)(eq - s) : strlen(s);
	const struct cli_opt *o = by_name(a->c, s, len);
	bool is_global = false;

	if (!o && len == 4 && !strncmp(s, "help", 4))
		return stop(a, cli_help(stdout, a->c));
	/* a global option after the command: as if it came before */
	if (!o && a->cli->global_opt && (o = global(s, len)))
		is_global = true;
	if (!o)
		return stop(a, cli_usage(a->cli, a->c, "unknown option --%.*s", (int)len, s));
	if (!o->arg && eq)
		return stop(a, cli_usage(a->cli, a->c, "--%s takes no value", o->name));
	if (o->arg && o->arg[0] == '[') {   /* "[=VALUE]": a value only after "=" */
		a->arg = eq ? eq + 1 : NULL;
		return o->key;
	}
	if (o->arg && !eq && a->i >= a->argc)
		return stop(a, cli_usage(a->cli, a->c, "--%s needs a value (%s)", o->name, o->arg));
	a->arg = !o->arg ? NULL : eq ? eq + 1 : a->argv[a->i++];
	if (is_global)
		return a->cli->global_opt(a->cli, o->key, a->arg) ? stop(a, 1) : cli_next(a);
	return o->key;
}

/* One letter of a "-abc" cluster; "-xVALUE" and "-x VALUE" for a value. */
static int short_opt(struct cli_args *a)
{
	char l = *a->cluster++;
	const struct cli_opt *o = by_letter(a->c, l);

	if (!o && l == 'h')
		return stop(a, cli_help(stdout, a->c));
	if (!o)
		return stop(a, cli_usage(a->cli, a->c, "unknown option -%c", l));
	a->arg = NULL;
	if (o->arg) {
		if (*a->cluster)
			a->arg = a->cluster;
		else if (a->i < a->argc)
			a->arg = a->argv[a->i++];
		else
			return stop(a, cli_usage(a->cli, a->c, "-%c needs a value (%s)", l, o->arg));
		a->cluster = NULL;
	}
	if (a->cluster && !*a->cluster)
		a->cluster = NULL;
	return o->key;
}

int cli_next(struct cli_args *a)
{
	if (a->cluster)
		return short_opt(a);
	while (a->i < a->argc) {
		char *s = a->argv[a->i++];

		/* `exec ID -- CMD`: the "--" right after the ID is not the command */
		if (a->rest && a->i - 1 == a->rest_at && !strcmp(s, "--"))
			continue;
		if (a->rest || s[0] != '-' || !s[1]) {
			a->pos[a->npos++] = s;
			if (a->c->rest_after && a->npos == a->c->rest_after && !a->rest) {
				a->rest = true;
				a->rest_at = a->i;
			}
			continue;
		}
		if (!strcmp(s, "--")) {
			a->rest = true;
			continue;
		}
		if (s[1] == '-')
			return long_opt(a, s + 2);
		a->cluster = s + 1;
		return short_opt(a);
	}
	return 0;
}

int cli_want_pos(struct cli_args *a, int min, int max, const char *what)
{
	if (a->npos < min || (max >= 0 && a->npos > max))
		return stop(a, cli_usage(a->cli, a->c, "expected %s", what));
	return 0;
}

int cli_simple(struct cli_args *a, struct cli *cli, const struct command *c, int argc,
	       char **argv, int min, int max, const char *what)
{
	int k;

	if (cli_args_init(a, cli, c, argc, argv) < 0)
		return stop(a, cli_errorf(cli, "out of memory"));
	while ((k = cli_next(a)) > 0)
		;   /* a table without options: cli_next reports any */
	if (k == CLI_EXIT)
		return CLI_EXIT;
	return cli_want_pos(a, min, max, what);
}
