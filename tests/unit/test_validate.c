/* runtime/validate.c: which container ids are accepted (they name a
 * directory under --root), and which linux.sysctl keys a config may set
 * (only those its own namespaces isolate). */
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "runtime/container.h"
#include "runtime/internal.h"
#include "testmain.h"

static const struct id_case {
	const char *id;
	int code;                 /* 0: accepted */
	const char *msg;          /* in the message when refused */
} id_cases[] = {
	{ "c1", 0, NULL },
	{ "a", 0, NULL },
	{ "My_Container-1.2+3", 0, NULL },
	{ ".hidden", 0, NULL },
	{ "a..b", 0, NULL },       /* ".." only as the whole name leaves --root */
	{ "...", 0, NULL },
	{ "-", 0, NULL },
	{ "pods1", 0, NULL },
	{ "Pods", 0, NULL },
	{ "", EINVAL, "must not be empty" },
	{ ".", EINVAL, "invalid container id" },
	{ "..", EINVAL, "invalid container id" },
	{ "pods", EINVAL, "reserved" },
	{ "a/b", EINVAL, "only letters, digits" },
	{ "/abs", EINVAL, "only letters, digits" },
	{ "../x", EINVAL, "only letters, digits" },
	{ "a b", EINVAL, "only letters, digits" },
	{ "a\nb", EINVAL, "only letters, digits" },
	{ "a:b", EINVAL, "only letters, digits" },
	{ "a*", EINVAL, "only letters, digits" },
	{ "caf\xc3\xa9", EINVAL, "only letters, digits" },   /* isalnum is ASCII only */
};

START_TEST(id_table)
{
	const struct id_case *t = &id_cases[_i];
	struct b_err err = { 0 };
	int r = rt_validate_id(t->id, &err);

	if (!t->code) {
		ck_assert_msg(r == 0, "\"%s\" refused: %s", t->id, err.msg);
		return;
	}
	ck_assert_msg(r == -t->code, "\"%s\": got %d, want -%d", t->id, r, t->code);
	ck_assert_int_eq(err.code, t->code);
	ck_assert_msg(strstr(err.msg, t->msg), "\"%s\": message \"%s\"", t->id, err.msg);
}
END_TEST

START_TEST(id_null_and_length)
{
	char id[1026];
	struct b_err err = { 0 };

	ck_assert_int_eq(rt_validate_id(NULL, &err), -EINVAL);
	memset(id, 'a', sizeof(id));
	id[1024] = '\0';
	ck_assert_int_eq(rt_validate_id(id, &err), 0);
	id[1024] = 'a';
	id[1025] = '\0';
	ck_assert_int_eq(rt_validate_id(id, &err), -EINVAL);
}
END_TEST

/* A config with the namespaces `kinds` (ending with OCI_NS_KINDS), each
 * created fresh, or joined by path when `joined` is that kind, and one
 * sysctl. */
struct sysctl_cfg {
	struct oci_config cfg;
	struct oci_kv kv;
};

static void make_cfg(struct sysctl_cfg *c, const char *key, const enum oci_ns_kind *kinds,
		     enum oci_ns_kind joined)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; kinds[i] != OCI_NS_KINDS; i++) {
		struct oci_namespace *ns = &c->cfg.linux.namespaces[c->cfg.linux.n_namespaces++];

		ns->kind = kinds[i];
		ns->path = kinds[i] == joined ? "/proc/1/ns/whatever" : NULL;
	}
	c->kv.key = (char *)key;
	c->kv.value = "1";
	c->cfg.has_linux = true;
	c->cfg.linux.sysctl.items = &c->kv;
	c->cfg.linux.sysctl.n = 1;
}

#define ALL_NS { OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_KINDS }
#define NO_NET { OCI_NS_PID, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_UTS, OCI_NS_KINDS }
#define NO_IPC { OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_UTS, OCI_NS_KINDS }
#define NO_UTS { OCI_NS_PID, OCI_NS_NETWORK, OCI_NS_MOUNT, OCI_NS_IPC, OCI_NS_KINDS }
#define NONE { OCI_NS_KINDS }

static const struct sysctl_case {
	const char *key;
	enum oci_ns_kind ns[OCI_NS_KINDS + 1];
	enum oci_ns_kind joined;      /* OCI_NS_KINDS: none joined */
	const char *refusal;          /* NULL: accepted; else in the message */
} sysctl_cases[] = {
	/* net.*: the network namespace */
	{ "net.ipv4.ip_forward", ALL_NS, OCI_NS_KINDS, NULL },
	{ "net.core.somaxconn", NO_IPC, OCI_NS_KINDS, NULL },
	{ "net.ipv4.ip_forward", NO_NET, OCI_NS_KINDS, "needs a network namespace" },
	{ "net.ipv4.ip_forward", NONE, OCI_NS_KINDS, "needs a network namespace" },
	/* the IPC list and fs.mqueue.*: the ipc namespace */
	{ "kernel.msgmax", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.msgmnb", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.msgmni", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.sem", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shmall", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shmmax", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shmmni", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shm_rmid_forced", ALL_NS, OCI_NS_KINDS, NULL },
	{ "fs.mqueue.queues_max", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.shmmax", NO_IPC, OCI_NS_KINDS, "needs a ipc namespace" },
	{ "fs.mqueue.msg_max", NO_IPC, OCI_NS_KINDS, "needs a ipc namespace" },
	/* the uts names */
	{ "kernel.hostname", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.domainname", ALL_NS, OCI_NS_KINDS, NULL },
	{ "kernel.hostname", NO_UTS, OCI_NS_KINDS, "needs a uts namespace" },
	/* A joined namespace (a path) is accepted: it is the container's,
	 * whoever made it; the runtime does not compare it with the host's. */
	{ "net.ipv4.ip_forward", ALL_NS, OCI_NS_NETWORK, NULL },
	{ "kernel.sem", ALL_NS, OCI_NS_IPC, NULL },
	/* Not namespaced, or only by prefix look-alikes: never set. */
	{ "kernel.pid_max", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "kernel.shm_next_id", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "kernel.sem_extra", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "kernel.hostnames", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "vm.swappiness", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "fs.mqueue", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "network.x", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	{ "", ALL_NS, OCI_NS_KINDS, "not a namespaced sysctl" },
	/* A name that could walk out of /proc/sys, in any namespace's form. */
	{ "net/../../kernel/x", ALL_NS, OCI_NS_KINDS, "not a sysctl name" },
	{ "net.ipv4/../../../kernel/core_pattern", ALL_NS, OCI_NS_KINDS, "not a sysctl name" },
	{ "net.ipv4..conf", ALL_NS, OCI_NS_KINDS, "not a sysctl name" },
	{ "fs.mqueue.x/y", ALL_NS, OCI_NS_KINDS, "not a sysctl name" },
};

START_TEST(sysctl_table)
{
	const struct sysctl_case *t = &sysctl_cases[_i];
	struct sysctl_cfg c;
	struct b_err err = { 0 };
	int r;

	make_cfg(&c, t->key, t->ns, t->joined);
	r = rt_sysctl_validate(&c.cfg, &err);
	if (!t->refusal) {
		ck_assert_msg(r == 0, "\"%s\" refused: %s", t->key, err.msg);
		return;
	}
	ck_assert_msg(r == -EINVAL, "\"%s\": got %d, want -EINVAL", t->key, r);
	ck_assert_msg(strstr(err.msg, t->refusal), "\"%s\": message \"%s\"", t->key, err.msg);
	ck_assert_msg(strncmp(err.msg, "config.json: linux.sysctl[\"", 27) == 0, "%s", err.msg);
	ck_assert(strstr(err.msg, t->key));
}
END_TEST

/* Each key is checked: one bad key among good ones is found. */
START_TEST(sysctl_every_key)
{
	static const enum oci_ns_kind all[] = ALL_NS;
	struct oci_kv kv[] = {
		{ "net.ipv4.ip_forward", "1" }, { "kernel.shmmax", "1" }, { "vm.overcommit_memory", "1" },
	};
	struct sysctl_cfg c;
	struct b_err err = { 0 };

	make_cfg(&c, "unused", all, OCI_NS_KINDS);
	c.cfg.linux.sysctl.items = kv;
	c.cfg.linux.sysctl.n = 2;
	ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), 0);
	c.cfg.linux.sysctl.n = 3;
	ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), -EINVAL);
	ck_assert(strstr(err.msg, "vm.overcommit_memory"));
	c.cfg.linux.sysctl.n = 0;
	ck_assert_int_eq(rt_sysctl_validate(&c.cfg, &err), 0);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *ids = tcase_create("ids");
	TCase *sysctls = tcase_create("sysctls");

	tcase_add_loop_test(ids, id_table, 0, (int)B_ARRAY_SIZE(id_cases));
	tcase_add_test(ids, id_null_and_length);
	suite_add_tcase(s, ids);
	tcase_add_loop_test(sysctls, sysctl_table, 0, (int)B_ARRAY_SIZE(sysctl_cases));
	tcase_add_test(sysctls, sysctl_every_key);
	suite_add_tcase(s, sysctls);
	return s;
}

TEST_MAIN(validate_suite)
