/* The man pages, written by the binary from cmd/commands.c (meson runs
 * `berth help --man PAGE` at build time): berth(8) for the global options
 * and the runtime's commands, berth-<group>(8) for each group. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "man.h"
#include "opts.h"

/* roff: a backslash is \e, a hyphen in an option \-, a line never starts
 * with a control character. */
static void roff(FILE *f, const char *s, bool hyphens)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-' && hyphens)
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void man_opt(FILE *f, const struct cli_opt *o)
{
	if (!o->help)
		return;
	fputs(".TP\n\\fB", f);
	if (o->key < OPT_LONG)
		fprintf(f, "\\-%c\\fR, \\fB", o->key);
	fputs("\\-\\-", f);
	roff(f, o->name, true);
	fputs("\\fR", f);
	if (o->arg) {
		fputs(o->arg[0] == '[' ? "" : " ", f);
		fputs("\\fI", f);
		roff(f, o->arg, false);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff(f, o->help, false);
	fputc('\n', f);
}

static void man_command(FILE *f, const struct command *c, const char *prefix)
{
	fprintf(f, ".SS \"%s%s\"\n.B berth %s%s\n", prefix, c->name, prefix, c->name);
	if (c->opts)
		fputs("[\\fIOPTIONS\\fR]\n", f);
	if (c->synopsis && *c->synopsis) {
		fputs(".I ", f);
		roff(f, c->synopsis, false);
		fputc('\n', f);
	}
	fprintf(f, ".PP\n%c", 'a' <= c->summary[0] && c->summary[0] <= 'z' ? c->summary[0] - 32 :
				c->summary[0]);
	roff(f, c->summary + 1, false);
	fputs(".\n", f);
	if (c->details) {
		fputs(".PP\n", f);
		roff(f, c->details, false);
		fputc('\n', f);
	}
	for (const struct cli_opt *o = c->opts; o && o->name; o++)
		man_opt(f, o);
}

static void header(FILE *f, const char *page, const char *what)
{
	fprintf(f, ".TH %s 8 \"\" \"berth %s\" \"System Administration\"\n"
		   ".SH NAME\n%s \\- %s\n", page, BERTH_VERSION, page, what);
}

static void man_top(FILE *f)
{
	header(f, "berth", "an OCI container runtime and pod supervisor");
	fputs(".SH SYNOPSIS\n.B berth\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] "
	      "[\\fIARGUMENTS\\fR]\n.SH DESCRIPTION\n"
	      "berth runs containers from OCI bundles with runc's command line, so that podman, "
	      "containerd and CRI-O can drive it, and runs Kubernetes v1 Pods under a supervisor "
	      "that keeps them alive (\\fBberth\\-pod\\fR(8)).\n"
	      "Options may come before or after the arguments; \\fB\\-\\-\\fR ends them.\n"
	      "Every command takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR.\n.SH GLOBAL OPTIONS\n", f);
	for (const struct cli_opt *o = cli_global_opts; o->name; o++)
		man_opt(f, o);
	fputs(".SH COMMANDS\n", f);
	for (const struct command *c = cli_commands(); c->name; c++) {
		if (!c->subs) {
			man_command(f, c, "");
			continue;
		}
		fprintf(f, ".SS \"%s\"\n", c->name);
		roff(f, c->summary, false);
		fprintf(f, ": see\n.BR berth\\-%s (8).\n", c->name);
	}
	fputs(".SH EXIT STATUS\n0 on success; 1 on an error, with a one-line message on stderr. "
	      "\\fBrun\\fR and \\fBexec\\fR in the foreground exit with the process's status "
	      "(128+N when killed by signal N).\n", f);
}

static void man_group(FILE *f, const struct command *g)
{
	char page[48], prefix[48];

	snprintf(page, sizeof(page), "berth-%s", g->name);
	snprintf(prefix, sizeof(prefix), "%s ", g->name);
	header(f, page, g->summary);
	fprintf(f, ".SH SYNOPSIS\n.B berth %s\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n"
		   ".SH COMMANDS\n", g->name);
	for (const struct command *c = g->subs; c->name; c++)
		man_command(f, c, prefix);
}

int cli_man(struct cli *cli, FILE *f, const char *page)
{
	const struct command *g;

	if (!strcmp(page, "berth"))
		man_top(f);
	else if (!strncmp(page, "berth-", 6) && (g = cli_find_command(page + 6)) && g->subs)
		man_group(f, g);
	else
		return cli_errorf(cli, "help --man: no page \"%s\" (%s)", page, CLI_MAN_PAGES);
	fputs(".SH SEE ALSO\n", f);
	fputs(strcmp(page, "berth") ? ".BR berth (8),\n" : "", f);
	for (const struct command *c = cli_commands(); c->name; c++)
		if (c->subs && strcmp(page + (page[5] == '-' ? 6 : 0), c->name))
			fprintf(f, ".BR berth\\-%s (8),\n", c->name);
	fputs(".BR berth\\-annotations (7),\n.BR runc (8)\n", f);
	return 0;
}
