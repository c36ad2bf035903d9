/* Every command, its options and what they mean: the one source that the
 * parser (cmd/opts.c), --help, the man pages and the shell completion
 * (cmd/help.c, cmd/complete.c) are made from. */
#include "cli.h"
#include "image_cmds.h"
#include "opts.h"
#include "pod_cmds.h"
#include "images/store.h"
#include "man.h"

/* An entry gives its first fields in order and names the rest; those it
 * leaves out are zero, as meant. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define END { 0 }

const struct cli_opt cli_global_opts[] = {
	{ "root", OPT_ROOT, "DIR", "state directory (default " RT_DEFAULT_ROOT ")" },
	{ "image-root", OPT_IMAGE_ROOT, "DIR", "persistent data: the image store (default " IMG_DEFAULT_ROOT ")" },
	{ "log", OPT_LOG, "FILE", "also write errors (and --debug output) to FILE" },
	{ "log-format", OPT_LOG_FORMAT, "FORMAT", "text or json (json: runc's format) for --log" },
	{ "debug", OPT_DEBUG, NULL, "trace every step (to --log, default stderr)" },
	{ "systemd-cgroup", OPT_SYSTEMD_CGROUP, NULL, "use systemd for cgroups (needs a running systemd)" },
	{ "cgroup-manager", OPT_CGROUP_MANAGER, "MANAGER", "cgroupfs (default), systemd (the same as --systemd-cgroup) "
	  "or disabled (no cgroup: containers stay in berth's own)" },
	{ "rootless", OPT_ROOTLESS, "VALUE", NULL },
	{ "criu", OPT_CRIU, "PATH", NULL },
	{ "version", 'v', NULL, "print the version, the git revision and the compiled-in features" },
	{ "help", 'h', NULL, NULL },   /* listed by cli_print_opts itself */
	END,
};

/* ---- the OCI runtime's commands (runc's command line) ---------------------- */

#define CREATE_OPTS \
	{ "bundle", 'b', "DIR", "the bundle: config.json and the rootfs (default: the current directory)" }, \
	{ "pid-file", OPT_PID_FILE, "FILE", "write the container's pid to FILE" }, \
	{ "console-socket", OPT_CONSOLE_SOCKET, "SOCKET", \
	  "send the terminal's master fd to this unix socket (terminal: true)" }, \
	{ "preserve-fds", OPT_PRESERVE_FDS, "N", "pass fds 3 to 3+N-1 on to the container" }, \
	{ "no-pivot", OPT_NO_PIVOT, NULL, "use chroot rather than pivot_root (a ramdisk root)" }, \
	{ "no-new-keyring", OPT_NO_NEW_KEYRING, NULL, "keep the caller's session keyring" }, \
	{ "no-subreaper", OPT_NO_SUBREAPER, NULL, NULL }

static const struct cli_opt create_opts[] = { CREATE_OPTS, END };
static const struct cli_opt run_opts[] = {
	CREATE_OPTS,
	{ "detach", 'd', NULL, "return once it runs; otherwise wait, relay signals and the terminal, "
	  "and exit with its status" },
	{ "keep", OPT_KEEP, NULL, "keep the container after it exits (for berth state, ps, delete)" },
	END,
};
static const struct cli_opt kill_opts[] = {
	{ "all", 'a', NULL, "signal every process of the container, not only its init" }, END,
};
static const struct cli_opt delete_opts[] = {
	{ "force", 'f', NULL, "kill a running or paused container first; no error if there is none" },
	END,
};
static const struct cli_opt list_opts[] = {
	{ "quiet", 'q', NULL, "print the IDs only" },
	{ "format", 'f', "FORMAT", "table (default) or json" },
	END,
};
static const struct cli_opt ps_opts[] = { { "format", 'f', "FORMAT", "table (default) or json" }, END };
static const struct cli_opt exec_opts[] = {
	{ "process", 'p', "FILE", "the process as an OCI process JSON (instead of COMMAND)" },
	{ "tty", 't', NULL, "give the process a terminal" },
	{ "detach", 'd', NULL, "do not wait for the process" },
	{ "env", 'e', "KEY=VALUE", "set an environment variable (repeatable)" },
	{ "user", 'u', "UID[:GID]", "run as this user" },
	{ "cap", 'c', "CAP", "add a capability (repeatable)" },
	{ "cwd", OPT_CWD, "DIR", "the working directory inside the container" },
	{ "pid-file", OPT_PID_FILE, "FILE", "write the process's pid to FILE" },
	{ "console-socket", OPT_CONSOLE_SOCKET, "SOCKET", "send the terminal's master fd here (--tty)" },
	{ "preserve-fds", OPT_PRESERVE_FDS, "N", "pass fds 3 to 3+N-1 on to the process" },
	{ "no-new-privs", OPT_NO_NEW_PRIVS, NULL, "set no_new_privs for the process" },
	{ "apparmor", OPT_APPARMOR, "PROFILE", "the AppArmor profile of the process" },
	{ "process-label", OPT_PROCESS_LABEL, "LABEL", NULL },
	{ "additional-gids", 'g', "GID[,GID...]", "supplementary groups (repeatable)" },
	END,
};
static const struct cli_opt update_opts[] = {
	{ "resources", 'r', "FILE", "the new linux.resources as JSON (- for stdin); not with the flags" },
	{ "memory", OPT_MEMORY, "BYTES", "memory limit (k, m, g suffixes; -1: none)" },
	{ "memory-reservation", OPT_MEMORY_RESERVATION, "BYTES", "memory.low" },
	{ "memory-swap", OPT_MEMORY_SWAP, "BYTES", "memory plus swap limit" },
	{ "cpu-quota", OPT_CPU_QUOTA, "US", "CPU time per period (microseconds)" },
	{ "cpu-period", OPT_CPU_PERIOD, "US", "the CPU period (microseconds)" },
	{ "cpu-shares", OPT_CPU_SHARES, "N", "CPU weight (cgroup v1 shares, converted)" },
	{ "cpu-share", OPT_CPU_SHARES, "N", NULL },
	{ "cpu-burst", OPT_CPU_BURST, "US", "CPU burst (microseconds)" },
	{ "cpu-idle", OPT_CPU_IDLE, "0|1", "SCHED_IDLE for the cgroup" },
	{ "cpuset-cpus", OPT_CPUSET_CPUS, "LIST", "the CPUs it may use (0-3,6)" },
	{ "cpuset-mems", OPT_CPUSET_MEMS, "LIST", "the memory nodes it may use" },
	{ "pids-limit", OPT_PIDS_LIMIT, "N", "the most tasks (-1: none)" },
	{ "blkio-weight", OPT_BLKIO_WEIGHT, "N", "IO weight, 10 to 1000" },
	END,
};
static const struct cli_opt events_opts[] = {
	{ "stats", OPT_STATS, NULL, "print the statistics once, as JSON" },
	{ "interval", OPT_INTERVAL, "DURATION", "how often to print statistics (default 5s)" },
	END,
};
static const struct cli_opt spec_opts[] = {
	{ "bundle", 'b', "DIR", "write config.json there (default: the current directory)" },
	{ "rootless", OPT_ROOTLESS, NULL, "a config for a user namespace run by an unprivileged user" },
	END,
};

/* ---- berth pod ------------------------------------------------------------- */

static const struct cli_opt pod_run_opts[] = {
	{ "detach", 'd', NULL, "return once the pod is up (ready or running); the supervisor stays" },
	{ "log-dir", OPT_LOG_DIR, "DIR", "containers' logs and events.jsonl (default: <root>/pods/<pod>/logs)" },
	{ "log-max-size", OPT_LOG_MAX_SIZE, "SIZE", "rotate a container's log at SIZE (default 10Mi)" },
	{ "log-max-files", OPT_LOG_MAX_FILES, "N", "log files kept per container, the current one included (default 3)" },
	{ "rm", OPT_RM, NULL, "remove the pod (its status, logs and events) when it ends; "
	  "without it, they stay for pod ps -a, inspect, logs and events until pod rm" },
	{ "replace", OPT_REPLACE, NULL, "remove an ended pod of the same name first" },
	{ "keep", OPT_KEEP, NULL, NULL },   /* the default now */
	{ "cgroup-parent", OPT_CGROUP_PARENT, "PATH", "the cgroup to create the pod's under "
	  "(self: the caller's own, as under a systemd unit with Delegate=yes)" },
	{ "cni-config-dir", OPT_CNI_CONFIG_DIR, "DIR", "CNI network configs (default /etc/cni/net.d)" },
	{ "cni-plugin-dir", OPT_CNI_PLUGIN_DIR, "DIR[:DIR...]", "CNI plugins (default /usr/lib/cni:/opt/cni/bin)" },
	{ "cni-timeout", OPT_CNI_TIMEOUT, "SECONDS", "the longest one CNI plugin call may take (default 60)" },
	END,
};
static const struct cli_opt pod_ps_opts[] = {
	{ "all", 'a', NULL, "also pods that ended (kept until pod rm)" },
	{ "format", 'f', "FORMAT", "table (default) or json" },
	{ "selector", 'l', "SELECTOR", "only pods whose labels match (key=value, key!=value, key; "
	  "comma-separated: all must match)" },
	END,
};
#define GRACE_OPT { "time", 't', "SECONDS", "grace period before SIGKILL (default: the pod's terminationGracePeriodSeconds)" }
static const struct cli_opt pod_stop_opts[] = { GRACE_OPT, END };
static const struct cli_opt pod_restart_opts[] = {
	GRACE_OPT,
	{ "timeout", OPT_POD_TIMEOUT, "SECONDS", "how long to wait for the pod to be up again "
	  "(default: as long as its supervisor runs)" },
	END,
};
static const struct cli_opt pod_rm_opts[] = {
	GRACE_OPT, { "force", 'f', NULL, "stop a running pod first" }, END,
};
static const struct cli_opt pod_logs_opts[] = {
	{ "follow", 'f', NULL, "keep printing as the containers write, across restarts" },
	{ "tail", OPT_TAIL, "N", "start with the last N lines" },
	{ "timestamps", OPT_TIMESTAMPS, NULL, "prefix each line with its time" },
	END,
};
static const struct cli_opt pod_events_opts[] = {
	{ "follow", 'f', NULL, "keep printing new events" },
	{ "format", OPT_FORMAT, "FORMAT", "table (one readable line each; the default on a terminal) or "
	  "json (events.jsonl's lines; the default otherwise)" },
	{ "tail", OPT_TAIL, "N", "start with the last N events" },
	END,
};
static const struct cli_opt pod_top_opts[] = {
	{ "no-stream", OPT_NO_STREAM, NULL, "print once and exit" },
	{ "interval", OPT_INTERVAL, "SECONDS", "refresh period (default 1)" },
	{ "format", 'f', "FORMAT", "table (default) or json" },
	END,
};

static const struct cli_opt pod_unit_opts[] = {
	{ "log-dir", OPT_LOG_DIR, "DIR", "the unit's --log-dir for the pod (default /var/log/berth/<pod>)" },
	END,
};

static const struct cli_opt pod_exec_opts[] = {
	{ "stdin", 'i', NULL, "pass stdin to the process (without it, the process reads /dev/null)" },
	{ "tty", 't', NULL, "give the process a terminal" },
	{ "env", 'e', "KEY=VALUE", "set an environment variable (repeatable)" },
	END,
};

static const struct command pod_subs[] = {
	{ "run", pod_run_main, "run a pod from a manifest and supervise it", "POD-FILE", pod_run_opts,
	  "file", .enters_container = true,
	  .details = "Runs the pod in the manifest (a Kubernetes v1 Pod, JSON or YAML) and keeps it "
		     "alive: restarts with back-off, probes, graceful stop.  In the foreground until "
		     "the pod ends; with -d, in the background once it is up (a List or several "
		     "YAML documents: a supervisor each).  A pod that ended stays, for pod ps -a, "
		     "inspect, logs and events, until pod rm." },
	{ "ps", pod_ps_main, "list pods and their containers", "[NAME]", pod_ps_opts, "pod" },
	{ "inspect", pod_inspect_main, "print a pod's status as JSON", "NAME", NULL, "pod" },
	{ "stop", pod_stop_main, "stop pods gracefully", "NAME...", pod_stop_opts, "pod" },
	{ "restart", pod_restart_main, "stop pods gracefully and run them again", "NAME...",
	  pod_restart_opts, "pod",
	  .details = "The same supervisor stops every container (as pod stop does) and runs the "
		     "pod again from the manifest it started with: init containers, then the "
		     "others; restart counts start from 0, logs and events go on.  Returns once "
		     "each pod is up again (as pod run -d does).  Under systemd the unit stays "
		     "active (RELOADING=1, then READY=1).  A pod that ended is run again with "
		     "pod run --replace." },
	{ "rm", pod_rm_main, "remove pods that ended (running ones with -f)", "NAME...", pod_rm_opts, "pod" },
	{ "logs", pod_logs_main, "print a pod's container logs", "NAME [CONTAINER]", pod_logs_opts,
	  "pod pod-container" },
	{ "events", pod_events_main, "print a pod's events", "NAME", pod_events_opts, "pod" },
	{ "exec", pod_exec_main, "run a command in a container of a running pod",
	  "POD CONTAINER [--] COMMAND [ARG...]", pod_exec_opts, "pod pod-container file",
	  .rest_after = 2, .enters_container = true,
	  .details = "Options go before the command: everything after the container's name is "
		     "the command line (a -- before it is allowed).  The exit status is the "
		     "command's." },
	{ "unit", pod_unit_main, "print a systemd unit that runs a pod file", "POD-FILE", pod_unit_opts, "file",
	  .details = "The unit (Type=notify, ready when the pod is, watchdog, graceful stop, "
		     "cgroups under the unit's) runs this berth on the file's absolute path; "
		     "docs/systemd.md says how to install it." },
	{ "metrics", pod_metrics_main, "print a pod's metrics (Prometheus text format)", "NAME", NULL, "pod" },
	{ "top", pod_top_main, "a live view of pods' CPU, memory, pressure and health", "[NAME...]",
	  pod_top_opts, "pod" },
	END,
};

/* ---- berth image, network, metrics ------------------------------------------ */

static const struct cli_opt image_pull_opts[] = {
	{ "tls-verify", OPT_TLS_VERIFY, "[=BOOL]", "verify the registry's certificate (default true)" },
	{ "platform", OPT_PLATFORM, "OS/ARCH[/VARIANT]", "the platform to pick (default: this host's)" },
	{ "authfile", OPT_AUTHFILE, "FILE", "registry credentials (containers-auth.json)" },
	{ "quiet", 'q', NULL, "print the image ID only" },
	END,
};
static const struct cli_opt image_load_opts[] = {
	{ "input", 'i', "FILE", "the archive or OCI layout (instead of the argument)" },
	{ "platform", OPT_PLATFORM, "OS/ARCH[/VARIANT]", "the platform to pick (default: this host's)" },
	{ "quiet", 'q', NULL, "print the image IDs only" },
	END,
};
static const struct cli_opt image_ls_opts[] = {
	{ "quiet", 'q', NULL, "print the image IDs only" },
	{ "no-trunc", OPT_NO_TRUNC, NULL, "print whole IDs" },
	END,
};
static const struct cli_opt image_prune_opts[] = {
	{ "all", 'a', NULL, "also remove images with names that no pod uses" },
	{ "force", 'f', NULL, NULL },
	END,
};

static const struct command image_subs[] = {
	{ "pull", image_pull, "pull an image from a registry (through skopeo)", "REF", image_pull_opts, "image" },
	{ "load", image_load, "load images from an OCI layout, oci-archive or docker-archive",
	  "FILE|DIR|-", image_load_opts, "file" },
	{ "ls", image_ls, "list images", "", image_ls_opts, NULL, .alias = "list" },
	{ "inspect", image_inspect, "print images' configs as JSON", "REF...", NULL, "image" },
	{ "rm", image_rm, "remove images", "REF...", NULL, "image" },
	{ "prune", image_prune, "remove unused layers and unnamed images", "", image_prune_opts },
	END,
};

static const struct cli_opt network_opts[] = {
	{ "cni-config-dir", OPT_CNI_CONFIG_DIR, "DIR", "CNI network configs (default /etc/cni/net.d)" },
	END,
};
static const struct command network_subs[] = {
	{ "inspect", network_inspect, "print the network pods join (its CNI config)", "[NAME]",
	  network_opts, "network" },
	{ "ls", network_ls, "list the networks", "", network_opts },
	END,
};

static const struct cli_opt metrics_serve_opts[] = {
	{ "listen", 'l', "ADDR:PORT", "where to serve /metrics (default 127.0.0.1:9464)" },
	{ "pod-timeout", OPT_POD_TIMEOUT, "MS", "how long a scrape waits for the pods (default 1000)" },
	END,
};
static const struct command metrics_subs[] = {
	{ "serve", metrics_serve, "serve /metrics over HTTP for every pod and container", "",
	  metrics_serve_opts },
	END,
};

static const struct cli_opt help_opts[] = {
	{ "man", OPT_MAN, "PAGE", "print a man page's roff source (" CLI_MAN_PAGES ")" }, END,
};

/* ---- the top level ----------------------------------------------------------- */

static const struct command commands[] = {
	{ "create", cmd_create, "create a container", "ID", create_opts, "new-container",
	  .enters_container = true },
	{ "start", cmd_start, "start a created container", "ID", NULL, "container" },
	{ "run", cmd_run, "create and start a container", "ID", run_opts, "new-container",
	  .enters_container = true },
	{ "state", cmd_state, "print the state of a container", "ID", NULL, "container" },
	{ "kill", cmd_kill, "send a signal to a container", "ID [SIGNAL]", kill_opts, "container signal" },
	{ "delete", cmd_delete, "delete a container", "ID", delete_opts, "container" },
	{ "list", cmd_list, "list containers", "", list_opts },
	{ "ps", cmd_ps, "list the processes of a container", "ID", ps_opts, "container" },
	{ "exec", cmd_exec, "run a process in a container", "ID [COMMAND [ARG...]]", exec_opts,
	  "container file", .rest_after = 1, .enters_container = true },
	{ "pause", cmd_pause, "freeze every process of a container", "ID", NULL, "container" },
	{ "resume", cmd_resume, "thaw a paused container", "ID", NULL, "container" },
	{ "update", cmd_update, "change the resource limits of a container", "ID", update_opts, "container" },
	{ "events", cmd_events, "a container's events and statistics", "ID", events_opts, "container" },
	{ "features", cmd_features, "print the runtime's features JSON", "", NULL },
	{ "spec", cmd_spec, "write a default config.json", "", spec_opts },
	{ "pod", NULL, "run and manage pods (the pod supervisor)", NULL, NULL, .subs = pod_subs },
	{ "image", NULL, "pull, load, list and remove images", NULL, NULL, .subs = image_subs },
	{ "network", NULL, "show the network pods join", NULL, NULL, .subs = network_subs },
	{ "metrics", NULL, "serve Prometheus metrics for every pod and container", NULL, NULL,
	  .subs = metrics_subs },
	{ "help", cmd_help, "print the help of a command", "[COMMAND [SUBCOMMAND]]", help_opts, "command" },
	{ "completion", cmd_completion, "print the shell completion script", "bash", NULL },
	END,
};

const struct command *cli_commands(void)
{
	return commands;
}
