/* --help, `berth help` and the man pages, all from cmd/commands.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "man.h"
#include "opts.h"

static const struct command *parent_of(const struct command *c)
{
	for (const struct command *g = cli_commands(); g->name; g++)
		for (const struct command *s = g->subs; s && s->name; s++)
			if (s == c)
				return g;
	return NULL;
}

const char *cli_command_path(const struct command *c, char *buf, size_t size)
{
	const struct command *g = parent_of(c);

	if (g)
		snprintf(buf, size, "%s %s", g->name, c->name);
	else
		snprintf(buf, size, "%s", c->name);
	return buf;
}

const struct command *cli_find_sub(const struct command *group, const char *name)
{
	for (const struct command *s = group->subs; s && s->name; s++)
		if (!strcmp(s->name, name) || (s->alias && !strcmp(s->alias, name)))
			return s;
	return NULL;
}

const struct command *cli_find_command(const char *name)
{
	return cli_find_sub(&(struct command){ .subs = cli_commands() }, name);
}

/* "-b, --bundle DIR" or "    --pid-file FILE" */
static int opt_head(const struct cli_opt *o, char *buf, size_t size)
{
	const char *sep = o->arg && o->arg[0] != '[' ? " " : "";

	if (o->key < OPT_LONG)
		return snprintf(buf, size, "-%c, --%s%s%s", o->key, o->name, sep, o->arg ? o->arg : "");
	return snprintf(buf, size, "    --%s%s%s", o->name, sep, o->arg ? o->arg : "");
}

/* text wrapped at 79 columns, lines after the first indented by `indent` */
static void wrapped(FILE *f, const char *text, int col, int indent)
{
	const char *p = text;

	while (*p) {
		size_t word = strcspn(p, " ");

		if (col > indent && col + 1 + (int)word > 79) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (p != text) {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)word, p);
		col += (int)word;
		p += word;
		p += strspn(p, " ");
	}
	fputc('\n', f);
}

void cli_print_opts(FILE *f, const struct cli_opt *opts, bool with_help)
{
	static const struct cli_opt help = { "help", 'h', NULL, "print this help" };
	int width = 0;
	char head[96];

	for (const struct cli_opt *o = opts; o && o->name; o++)
		if (o->help && opt_head(o, head, sizeof(head)) > width)
			width = opt_head(o, head, sizeof(head));
	width = width > 30 ? 30 : width < 16 ? 16 : width;
	for (const struct cli_opt *o = opts; ; o++) {
		const struct cli_opt *x = o && o->name ? o : with_help ? &help : NULL;
		int n;

		if (!x)
			break;
		if (x->help) {
			n = opt_head(x, head, sizeof(head));
			fprintf(f, "  %s", head);
			if (n > width)
				fprintf(f, "\n%*s", width + 4, "");
			else
				fprintf(f, "%*s", width - n + 2, "");
			wrapped(f, x->help, width + 4, width + 4);
		}
		if (x == &help)
			break;
	}
}

static void print_subs(FILE *f, const struct command *list)
{
	int width = 8;

	for (const struct command *s = list; s->name; s++)
		if ((int)strlen(s->name) > width)
			width = (int)strlen(s->name);
	for (const struct command *s = list; s->name; s++)
		fprintf(f, "  %-*s  %s\n", width, s->name, s->summary);
}

/* "create a container" as a sentence */
static void sentence(FILE *f, const char *s)
{
	fprintf(f, "%c%s.\n", 'a' <= s[0] && s[0] <= 'z' ? s[0] - 32 : s[0], s + 1);
}

static int group_help(FILE *f, const struct command *g)
{
	fprintf(f, "Usage: berth %s COMMAND [OPTIONS] [ARGUMENTS]\n\n", g->name);
	sentence(f, g->summary);
	fprintf(f, "\nCommands:\n");
	print_subs(f, g->subs);
	fprintf(f, "\n'berth %s COMMAND --help' describes one.\n", g->name);
	return 0;
}

int cli_help(FILE *f, const struct command *c)
{
	char path[64];

	if (c->subs)
		return group_help(f, c);
	cli_command_path(c, path, sizeof(path));
	fprintf(f, "Usage: berth %s%s%s%s\n\n", path, c->opts ? " [OPTIONS]" : "",
		c->synopsis && *c->synopsis ? " " : "", c->synopsis ? c->synopsis : "");
	sentence(f, c->summary);
	if (c->details) {
		fputc('\n', f);
		wrapped(f, c->details, 0, 0);
	}
	if (c->rest_after && !c->details)
		fprintf(f, "\nOptions come before the command line: everything after the container "
			   "ID is its own.\n");
	fprintf(f, "\nOptions:\n");
	cli_print_opts(f, c->opts, true);
	return 0;
}

void cli_top_help(FILE *f)
{
	fprintf(f, "Usage: berth [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGUMENTS]\n\n"
		   "An OCI runtime (runc's command line) and a pod supervisor.\n\n"
		   "Global options:\n");
	cli_print_opts(f, cli_global_opts, true);
	fprintf(f, "\nCommands:\n");
	print_subs(f, cli_commands());
	fprintf(f, "\n'berth COMMAND --help' describes a command, 'man berth' all of them.\n");
}

/* berth help [COMMAND [SUBCOMMAND]] | berth help --man PAGE */
int cmd_help(struct cli *cli, const struct command *self, int argc, char **argv)
{
	const struct command *c;
	const char *man = NULL;
	CLI_ARGS a = { 0 };
	int k;

	if (cli_args_init(&a, cli, self, argc, argv) < 0)
		return cli_errorf(cli, "out of memory");
	while ((k = cli_next(&a)) > 0)
		if (k == OPT_MAN)
			man = a.arg;
	if (k == CLI_EXIT || cli_want_pos(&a, 0, man ? 0 : 2, "at most a command and a subcommand"))
		return a.rc;
	if (man)
		return cli_man(cli, stdout, man);
	if (!a.npos) {
		cli_top_help(stdout);
		return 0;
	}
	if (!(c = cli_find_command(a.pos[0])))
		return cli_errorf(cli, "help: no command \"%s\" (berth help lists them)", a.pos[0]);
	if (a.npos == 2 && !c->subs)
		return cli_errorf(cli, "help: \"%s\" has no subcommands (berth help %s)", a.pos[0], a.pos[0]);
	if (a.npos == 2) {
		const struct command *s = cli_find_sub(c, a.pos[1]);
		if (!s)
			return cli_errorf(cli, "help: no command \"%s %s\" (berth help %s lists them)",
					  a.pos[0], a.pos[1], a.pos[0]);
		c = s;
	}
	return cli_help(stdout, c);
}
