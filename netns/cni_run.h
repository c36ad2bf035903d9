/* Running CNI plugins (spec 1.0.0) for one network attachment: one plugin
 * exec (cni_exec.c), a whole list ADD/DEL/CHECK (cni_list.c), and where the
 * network config comes from (cni_find.c).  docs/networking.md tells users
 * what this does; docs/design/cni-facts.md has the protocol facts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "specs/cni.h"

/* Debian's containernetworking-plugins, then the upstream default. */
#define CNI_DEFAULT_PLUGIN_PATH "/usr/lib/cni:/opt/cni/bin"
#define CNI_DEFAULT_CONFIG_DIR "/etc/cni/net.d"
/* CRI-O's per-exec limit; a hung plugin (a stuck flock, an iptables lock)
 * must not hang a pod's start or its teardown forever. */
#define CNI_DEFAULT_TIMEOUT_MS 60000
/* The name of the built-in network (cni_find.c). */
#define CNI_BUILTIN_NAME "berth"

/* Called after every plugin exec with what ran and how long it took. */
typedef void (*cni_trace_fn)(void *ud, const char *plugin, const char *command,
			     int64_t ms, int status);

struct cni_opts {
	const char *plugin_path;     /* ':'-separated directories; NULL: the default */
	int64_t timeout_ms;          /* per exec; <= 0: the default */
	cni_trace_fn trace;          /* NULL: none */
	void *ud;
	/* ADD: called with the result so far after each plugin that
	 * succeeded, so the caller can record it before the next one runs
	 * (what a DEL after a crash needs).  NULL: none. */
	void (*on_result)(void *ud, const char *result);
};

/* One attachment of a container to a network. */
struct cni_attachment {
	const struct cni_conflist *list;
	const char *container_id;
	const char *netns;           /* a path the plugins can open; "" for a DEL without one */
	const char *ifname;
	const char *args;            /* CNI_ARGS */
	struct cni_runtime_args rt;
};

/* ---- one exec (cni_exec.c) ------------------------------------------- */

struct cni_exec_req {
	const char *plugin;          /* the type */
	const char *command;         /* ADD, DEL, CHECK, VERSION */
	const struct cni_attachment *at;
	const char *input;           /* stdin */
	size_t input_len;
};

/* The plugin's executable in plugin_path, into buf; -ENOENT with a message
 * naming the directories when it is in none of them. */
int cni_find_plugin(const struct cni_opts *o, const char *type, char *buf, size_t size,
		    struct b_err *err);

/* Run one plugin: the CNI_* environment, stdin, stdout and stderr read
 * together, killed with its whole process group at the deadline.  On exit
 * 0, *out is its stdout (malloc'ed, NUL-terminated).  Otherwise the error
 * object it printed (or its stderr) becomes the message. */
int cni_exec(const struct cni_opts *o, const struct cni_exec_req *req, char **out,
	     size_t *out_len, struct b_err *err);

/* ---- a whole list (cni_list.c) ---------------------------------------- */

/* Every plugin the list names exists (before any ADD, so that a missing
 * one fails cleanly with nothing to undo). */
int cni_list_check_plugins(const struct cni_opts *o, const struct cni_conflist *l,
			   struct b_err *err);
/* ADD in order, each plugin getting the previous one's result; *result is
 * the last one's (malloc'ed).  Stops at the first failure, leaving in
 * *result the last result it had (or NULL), which the caller passes to
 * cni_list_del (the spec requires a DEL after a failed ADD). */
int cni_list_add(const struct cni_opts *o, const struct cni_attachment *at, char **result,
		 struct b_err *err);
/* DEL in reverse order, every plugin getting `result` (the final ADD
 * result, NULL when unknown).  Unlike libcni it goes on after a failing
 * plugin, so one broken plugin leaves as little behind as possible, and
 * reports the first failure. */
int cni_list_del(const struct cni_opts *o, const struct cni_attachment *at, const char *result,
		 struct b_err *err);
/* CHECK in order (nothing when the list has disableCheck). */
int cni_list_check(const struct cni_opts *o, const struct cni_attachment *at,
		   const char *result, struct b_err *err);

/* ---- where the network comes from (cni_find.c) ------------------------ */

/* The built-in network's conflist text (bridge berth0, host-local on /run,
 * portmap, firewall), as `berth network inspect` prints it. */
const char *cni_builtin_conflist(void);

/* The network to attach a pod to, as text and parsed.  `name` NULL: the
 * first config file in `dir` in byte order (*.conflist, *.conf, *.json, as
 * containerd picks it), or the built-in network when there is none.  A
 * name: the first file whose network has that name; "berth" falls back to
 * the built-in one.  *source says where it came from (a file's path, or
 * "built-in"), malloc'ed. */
int cni_find_network(const char *dir, const char *name, char **text, char **source,
		     struct cni_conflist **out, struct b_err *err);

/* The host-local IPAM data directory of plugin 0 of the list (where its
 * lease files are), when that is host-local: its "dataDir" or
 * /var/lib/cni/networks, then "/<network name>".  NULL: not host-local. */
char *cni_host_local_dir(const struct cni_conflist *l);
