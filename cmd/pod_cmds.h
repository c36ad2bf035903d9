/* `berth pod` subcommands beyond `run`, each called by cmd_pod's dispatcher
 * with argv[0] = the subcommand's name and `c` = the "pod" command (for
 * usage errors).  They return the exit status. */
#pragma once

#include "cli.h"

/* berth pod logs NAME [CONTAINER] [-f] [--tail N] [--timestamps] */
int pod_logs_main(struct cli *cli, const struct command *c, int argc, char **argv);

/* berth pod events NAME [-f] [--tail N] */
int pod_events_main(struct cli *cli, const struct command *c, int argc, char **argv);

/* berth pod metrics NAME: the pod's metrics in the Prometheus text format */
int pod_metrics_main(struct cli *cli, const struct command *c, int argc, char **argv);

/* berth pod top [NAME...] [--no-stream] [--interval SECS] [--format table|json] */
int pod_top_main(struct cli *cli, const struct command *c, int argc, char **argv);
