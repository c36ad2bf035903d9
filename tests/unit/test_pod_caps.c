/* specs/pod_caps.c: the five capability sets of a pod container by user,
 * table-driven.  A non-root user must never inherit the default set as
 * effective or ambient capabilities (CVE-2022-29162 class). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "specs/oci_config.h"
#include "specs/pod_spec.h"
#include "testjson.h"
#include "testmain.h"

#define CAP(n) (1ULL << (n))
#define CHOWN 0
#define NET_BIND_SERVICE 10
#define NET_ADMIN 12

struct row {
	const char *sc;          /* securityContext members */
	uint64_t bnd, eff, inh, amb;
};

static struct oci_caps sets_for(const char *sc)
{
	_cleanup_free_ char *json = NULL;
	char doc[1024];
	struct pod_spec *pod = NULL;
	struct b_err err = { 0 };
	struct oci_caps out = { 0 };

	snprintf(doc, sizeof(doc),
		 "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},'spec':{'containers':"
		 "[{'name':'c','image':'./r','command':['sh'],'securityContext':{%s}}]}}", sc);
	json = sq(doc);
	ck_assert_msg(pod_spec_parse("pod.json", "/srv", json, strlen(json), &pod, &err) == 0,
		      "%s: %s", sc, err.msg);
	pod_container_cap_sets(&pod->containers[0], &out);
	pod_spec_free(pod);
	return out;
}

START_TEST(cap_sets_by_user)
{
	const uint64_t def = pod_default_capabilities();
	const struct row rows[] = {
		/* root: the set, nothing inheritable or ambient */
		{ "", def, def, 0, 0 },
		{ "'runAsUser':0", def, def, 0, 0 },
		/* non-root: bounding only, unless asked for */
		{ "'runAsUser':1000", def, 0, 0, 0 },
		{ "'runAsUser':1000,'capabilities':{'drop':['ALL']}", 0, 0, 0, 0 },
		{ "'runAsUser':1000,'capabilities':{'add':['NET_BIND_SERVICE']}", def,
		  CAP(NET_BIND_SERVICE), CAP(NET_BIND_SERVICE), CAP(NET_BIND_SERVICE) },
		{ "'runAsUser':1000,'capabilities':{'add':['NET_ADMIN'],'drop':['NET_ADMIN']}",
		  def, 0, 0, 0 },
		{ "'runAsUser':1000,'capabilities':{'drop':['ALL'],'add':['CHOWN']}",
		  CAP(CHOWN), CAP(CHOWN), CAP(CHOWN), CAP(CHOWN) },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct oci_caps c = sets_for(rows[i].sc);
		ck_assert_msg(c.bounding == rows[i].bnd, "%s: bounding %llx", rows[i].sc,
			      (unsigned long long)c.bounding);
		ck_assert_msg(c.effective == rows[i].eff && c.permitted == rows[i].eff,
			      "%s: effective %llx permitted %llx", rows[i].sc,
			      (unsigned long long)c.effective, (unsigned long long)c.permitted);
		ck_assert_msg(c.inheritable == rows[i].inh, "%s: inheritable %llx", rows[i].sc,
			      (unsigned long long)c.inheritable);
		ck_assert_msg(c.ambient == rows[i].amb, "%s: ambient %llx", rows[i].sc,
			      (unsigned long long)c.ambient);
	}
}
END_TEST

START_TEST(privileged_root_gets_everything_non_root_nothing_unasked)
{
	struct oci_caps r = sets_for("'privileged':true");
	struct oci_caps n = sets_for("'privileged':true,'runAsUser':1000");

	ck_assert(r.effective == r.bounding && r.bounding != 0 && r.ambient == 0);
	ck_assert(n.bounding == r.bounding && n.effective == 0 && n.ambient == 0);
}
END_TEST

static Suite *pod_caps_suite(void)
{
	Suite *s = suite_create("pod_caps");
	TCase *t = tcase_create("sets");

	tcase_add_test(t, cap_sets_by_user);
	tcase_add_test(t, privileged_root_gets_everything_non_root_nothing_unasked);
	suite_add_tcase(s, t);
	return s;
}

TEST_MAIN(pod_caps_suite)
