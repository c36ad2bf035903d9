/* `berth pod` subcommands (cmd/commands.c), each called with argv[0] =
 * the subcommand's name and `c` = its own entry.  They return the exit
 * status. */
#pragma once

#include "cli.h"

int pod_run_main(struct cli *cli, const struct command *c, int argc, char **argv);
int pod_ps_main(struct cli *cli, const struct command *c, int argc, char **argv);
int pod_inspect_main(struct cli *cli, const struct command *c, int argc, char **argv);
int pod_stop_main(struct cli *cli, const struct command *c, int argc, char **argv);
int pod_restart_main(struct cli *cli, const struct command *c, int argc, char **argv);
int pod_rm_main(struct cli *cli, const struct command *c, int argc, char **argv);
int pod_exec_main(struct cli *cli, const struct command *c, int argc, char **argv);
int pod_unit_main(struct cli *cli, const struct command *c, int argc, char **argv);

/* berth pod logs NAME [CONTAINER] [-f] [--tail N] [--timestamps] */
int pod_logs_main(struct cli *cli, const struct command *c, int argc, char **argv);

/* berth pod events NAME [-f] [--tail N] */
int pod_events_main(struct cli *cli, const struct command *c, int argc, char **argv);

/* berth pod metrics NAME: the pod's metrics in the Prometheus text format */
int pod_metrics_main(struct cli *cli, const struct command *c, int argc, char **argv);

/* berth pod top [NAME...] [--no-stream] [--interval SECS] [--format table|json] */
int pod_top_main(struct cli *cli, const struct command *c, int argc, char **argv);
