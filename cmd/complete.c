/* Shell completion: `berth completion bash` writes the script, made from
 * cmd/commands.c like --help and the man pages; the script asks the
 * hidden `berth __complete KIND [POD]` for the names of what exists now
 * (containers, pods, a pod's containers, images, networks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "netns/cni_run.h"
#include "cli.h"
#include "image_cmds.h"
#include "opts.h"
#include "supervisor/supervisor.h"

/* "--a --b -x" of the options that take no value (want_arg false) or do */
static void opt_words(const struct cli_opt *opts, bool want_arg)
{
	const char *sep = "";

	for (const struct cli_opt *o = opts; o && o->name; o++) {
		if (!o->help || (o->arg && o->arg[0] != '[') != want_arg)
			continue;
		printf("%s--%s", sep, o->name);
		sep = " ";
		if (o->key < OPT_LONG)
			printf(" -%c", o->key);
	}
}

static void spec_case(const char *path, const struct command *c)
{
	printf("  \"%s\") _o=\"", path);
	opt_words(c->opts, false);
	printf("\"; _a=\"");
	opt_words(c->opts, true);
	printf("\"; _k=\"%s\"; _s=\"", c->complete ? c->complete : "");
	for (const struct command *s = c->subs; s && s->name; s++)
		printf("%s%s", s == c->subs ? "" : " ", s->name);
	printf("\";;\n");
}

static void print_spec(void)
{
	static const struct command top = { "", .opts = cli_global_opts };
	char path[64];

	printf("_berth_spec() {\n  case \"$1\" in\n");
	printf("  \"\") _o=\"");
	opt_words(top.opts, false);
	printf("\"; _a=\"");
	opt_words(top.opts, true);
	printf("\"; _k=\"\"; _s=\"");
	for (const struct command *c = cli_commands(); c->name; c++)
		printf("%s%s", c == cli_commands() ? "" : " ", c->name);
	printf("\";;\n");
	for (const struct command *c = cli_commands(); c->name; c++) {
		spec_case(c->name, c);
		for (const struct command *s = c->subs; s && s->name; s++) {
			snprintf(path, sizeof(path), "%s %s", c->name, s->name);
			spec_case(path, s);
		}
	}
	printf("  *) _o=\"\"; _a=\"\"; _k=\"\"; _s=\"\";;\n  esac\n}\n");
}

/* The walk over the words typed so far; kept in one literal so that the
 * script reads as bash. */
static const char walker[] =
	"_berth() {\n"
	"  local cur=${COMP_WORDS[COMP_CWORD]} path= w i skip=0 npos=0 first= _o _a _k _s\n"
	"  local -a root=()\n"
	"  _berth_spec \"\"\n"
	"  for ((i = 1; i < COMP_CWORD; i++)); do\n"
	"    w=${COMP_WORDS[i]}\n"
	"    if ((skip)); then skip=0; continue; fi\n"
	"    if [[ -z $path && $w == --root ]]; then root=(--root \"${COMP_WORDS[i+1]}\"); fi\n"
	"    if [[ -z $path && $w == --root=* ]]; then root=(\"$w\"); fi\n"
	"    if [[ $w == -* ]]; then [[ $w != *=* && \" $_a \" == *\" $w \"* ]] && skip=1; continue; fi\n"
	"    if [[ -n $_s ]]; then path=${path:+$path }$w; _berth_spec \"$path\"; continue; fi\n"
	"    [[ -z $first ]] && first=$w\n"
	"    npos=$((npos + 1))\n"
	"  done\n"
	"  if ((skip)); then COMPREPLY=($(compgen -f -- \"$cur\")); return; fi\n"
	"  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$_o $_a --help\" -- \"$cur\")); return; fi\n"
	"  if [[ -n $_s ]]; then COMPREPLY=($(compgen -W \"$_s${path:+ help}\" -- \"$cur\")); return; fi\n"
	"  local -a kinds=($_k)\n"
	"  ((${#kinds[@]})) || return\n"
	"  local kind=${kinds[npos]:-${kinds[${#kinds[@]}-1]}}\n"
	"  case $kind in\n"
	"  container|pod|image|network) COMPREPLY=($(compgen -W \"$(berth \"${root[@]}\" __complete $kind 2>/dev/null)\" -- \"$cur\"));;\n"
	"  pod-container) COMPREPLY=($(compgen -W \"$(berth \"${root[@]}\" __complete pod-container \"$first\" 2>/dev/null)\" -- \"$cur\"));;\n"
	"  signal) COMPREPLY=($(compgen -W \"TERM KILL INT HUP QUIT USR1 USR2 STOP CONT WINCH\" -- \"$cur\"));;\n"
	"  file) COMPREPLY=($(compgen -f -- \"$cur\"));;\n"
	"  command) _berth_spec \"\"; COMPREPLY=($(compgen -W \"$_s\" -- \"$cur\"));;\n"
	"  esac\n"
	"}\n"
	"complete -F _berth berth\n";

int cmd_completion(struct cli *cli, const struct command *c, int argc, char **argv)
{
	CLI_ARGS a = { 0 };

	if (cli_simple(&a, cli, c, argc, argv, 1, 1, "a shell (bash)"))
		return a.rc;
	if (strcmp(a.pos[0], "bash"))
		return cli_usage(cli, c, "only bash is supported, not \"%s\"", a.pos[0]);
	printf("# bash completion for berth; made by `berth completion bash` from the\n"
	       "# same tables as --help (cmd/commands.c).\n");
	print_spec();
	fputs(walker, stdout);
	return 0;
}

static void containers(struct cli *cli, const char *pod)
{
	struct oci_state **list = NULL;
	struct b_err err = { 0 };
	size_t n = 0, plen = pod ? strlen(pod) : 0;

	if (rt_list(&cli->ctx, &list, &n, &err) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *id = list[i]->id;
		if (!pod)
			printf("%s\n", id);
		else if (!strncmp(id, pod, plen) && id[plen] == '_')
			printf("%s\n", id + plen + 1);
	}
	rt_list_free(list, n);
}

static void images(struct cli *cli)
{
	struct img_store s __attribute__((cleanup(img_store_close))) = { .dir = -1, .lock_fd = -1 };
	struct img_info *v = NULL;
	struct b_err err = { 0 };
	size_t n;

	if (image_store_open(cli, &s, IMG_STORE_SHARED) || img_image_list(&s, &v, &n, &err) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		for (char **p = v[i].names; *p; p++)
			printf("%s\n", *p);
	img_info_free(v, n);
}

/* What `network ls` lists: the default network and the built-in one. */
static void networks(void)
{
	_cleanup_(cni_conflist_freep) struct cni_conflist *l = NULL;
	_cleanup_free_ char *text = NULL, *source = NULL;
	struct b_err err = { 0 };

	if (cni_find_network(NULL, NULL, &text, &source, &l, &err) < 0)
		return;
	printf("%s\n", l->name);
	if (strcmp(l->name, CNI_BUILTIN_NAME))
		printf("%s\n", CNI_BUILTIN_NAME);
}

/* berth __complete KIND [POD]: names, one a line; nothing on any error
 * (a completion must never print one). */
int cli_complete_names(struct cli *cli, int argc, char **argv)
{
	char **names = NULL;
	size_t n = 0;
	struct b_err err = { 0 };
	const char *kind = argc > 1 ? argv[1] : "";

	if (!strcmp(kind, "container"))
		containers(cli, NULL);
	else if (!strcmp(kind, "pod-container") && argc > 2)
		containers(cli, argv[2]);
	else if (!strcmp(kind, "image"))
		images(cli);
	else if (!strcmp(kind, "network"))
		networks();
	else if (!strcmp(kind, "pod") && sv_pod_list(&cli->ctx, &names, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", names[i]);
		sv_pod_list_free(names, n);
	}
	return 0;
}
