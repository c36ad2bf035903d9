/* Help and man pages from cmd/commands.c (cmd/help.c, cmd/man.c). */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct cli;
struct cli_opt;

#define CLI_MAN_PAGES "berth, berth-pod, berth-image, berth-network, berth-metrics"

/* The roff source of one man page; 0, or 1 with an error reported. */
int cli_man(struct cli *cli, FILE *f, const char *page);
/* The options' lines of --help (with -h, --help when with_help). */
void cli_print_opts(FILE *f, const struct cli_opt *opts, bool with_help);
/* berth --help */
void cli_top_help(FILE *f);
