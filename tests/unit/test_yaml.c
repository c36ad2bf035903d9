/* specs/yaml.c through pod_spec_parse: YAML pods mean what they mean on a
 * cluster (YAML 1.1 scalars), errors name the line and the path, and what
 * YAML could do beyond JSON (aliases, anchors, tags, several documents) is
 * refused. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "specs/pod_spec.h"
#include "specs/yaml.h"
#include "testmain.h"

static const char *parse(const char *yaml, struct pod_spec **out, struct b_err *err)
{
	*out = NULL;
	memset(err, 0, sizeof(*err));
	pod_spec_parse("pod.yaml", "/pods", yaml, strlen(yaml), out, err);
	return err->msg;
}

#define POD(n) "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " n "\nspec:\n  containers:\n" \
	"  - {name: c, image: /r, command: [x]}\n"

#define HEAD "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"

START_TEST(test_pod_as_yaml)
{
	struct pod_spec *pod;
	struct b_err err;

	ck_assert_str_eq(parse(HEAD
		"  - name: c   # a comment\n"
		"    image: /rootfs\n"
		"    command: [sh, -c, 'echo \"hi\"']\n"
		"    env:\n"
		"    - {name: A, value: \"yes\"}\n"
		"    - name: B\n"
		"      value: |\n"
		"        two\n"
		"        lines\n"
		"    securityContext: {runAsNonRoot: yes, runAsUser: 1000}\n", &pod, &err), "");
	ck_assert_str_eq(pod->name, "web");
	ck_assert_str_eq(pod->containers[0].command[2], "echo \"hi\"");
	ck_assert_str_eq(pod->containers[0].env[0].value, "yes");
	ck_assert_str_eq(pod->containers[0].env[1].value, "two\nlines\n");
	ck_assert(pod->containers[0].security.run_as_non_root);
	ck_assert_int_eq(pod->containers[0].security.run_as_user, 1000);
	pod_spec_free(pod);
}
END_TEST

/* Plain yes/on/no are booleans, as kubectl reads them: a string field
 * given one is an error here as there. */
START_TEST(test_yaml_11_scalars)
{
	struct pod_spec *pod;
	struct b_err err;

	ck_assert_str_eq(parse(HEAD "  - name: c\n    image: /r\n    command: [x]\n"
			       "    env:\n    - name: A\n      value: on\n", &pod, &err),
			 "pod.yaml:12: spec.containers[0].env[0].value: expected a string, got a boolean");
	ck_assert_str_eq(parse(HEAD "  - name: c\n    image: /r\n    command: [x]\n"
			       "    securityContext:\n      runAsUser: \"1000\"\n", &pod, &err),
			 "pod.yaml:11: spec.containers[0].securityContext.runAsUser: expected an integer, "
			 "got a string");
}
END_TEST

START_TEST(test_errors_name_the_line)
{
	struct pod_spec *pod;
	struct b_err err;

	ck_assert_str_eq(parse(HEAD "  - name: c\n    image: /r\n    command: [x]\n    colour: red\n",
			       &pod, &err), "pod.yaml:10: spec.containers[0].colour: unknown field");
	ck_assert_str_eq(parse(HEAD "  - name: c\n   image: /r\n", &pod, &err),
			 "pod.yaml:8: expected JSON or YAML: did not find expected key (line 8, column 4)");
	ck_assert_ptr_null(pod);
}
END_TEST

START_TEST(test_refused)
{
	struct pod_spec *pod;
	struct b_err err;

	ck_assert_ptr_nonnull(strstr(parse("a: &x [1]\nb: *x\n", &pod, &err), "anchors (&name) are not supported"));
	ck_assert_ptr_nonnull(strstr(parse("a: !!binary aGk=\n", &pod, &err), "tags (!name) are not supported"));
	ck_assert_ptr_nonnull(strstr(parse("a: !custom {x: 1}\n", &pod, &err), "tags (!name) are not supported"));
	ck_assert_str_eq(parse(POD("one") "---\n" POD("two"), &pod, &err),
			 "pod.yaml: a List of 2 Pods, where one is expected (berth pod run -d runs them all)");
	ck_assert_ptr_nonnull(strstr(parse("just words\n", &pod, &err), "a Pod is a mapping"));
	ck_assert_ptr_nonnull(strstr(parse("- a\n- b\n", &pod, &err), "not a list"));
	ck_assert_str_eq(parse("", &pod, &err), "pod.yaml: empty: expected a Pod in JSON or YAML");
	ck_assert_str_eq(parse("  \n# only a comment\n", &pod, &err),
			 "pod.yaml: empty: expected a Pod in JSON or YAML");
}
END_TEST

START_TEST(test_line_lookup)
{
	struct yaml_lines l = { 0 };
	struct b_err err = { 0 };
	char *json = NULL;
	size_t len;

	ck_assert_int_eq(yaml_to_json("t", "a:\n  b: [1, {c: 2}]\nd: x\n", 25, &json, &len, &l, &err), 0);
	ck_assert_str_eq(json, "{\"a\":{\"b\":[1,{\"c\":2}]},\"d\":\"x\"}");
	ck_assert_uint_eq(yaml_line_of(&l, "a.b[1].c", 8), 2);
	ck_assert_uint_eq(yaml_line_of(&l, "d", 1), 3);
	ck_assert_uint_eq(yaml_line_of(&l, "a.bx", 4), 1);    /* not b: its parent a */
	ck_assert_uint_eq(yaml_line_of(&l, "zz", 2), 0);
	yaml_lines_free(&l);
	free(json);
}
END_TEST

static int parse_all(const char *text, struct pod_list *l, struct b_err *err)
{
	memset(err, 0, sizeof(*err));
	return pod_spec_parse_all("pods.yaml", "/pods", text, strlen(text), l, err);
}

/* Several documents, or a kind: List, are several Pods; errors name the
 * item and, in YAML, the line. */
START_TEST(test_lists)
{
	struct pod_list l;
	struct b_err err;

	ck_assert_int_eq(parse_all(POD("a") "---\n" POD("b") "---\n" POD("c"), &l, &err), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.v[2]->name, "c");
	pod_list_free(&l);
	/* empty documents (kubectl skips them): one Pod is one Pod */
	ck_assert_int_eq(parse_all("---\n# nothing\n---\n" POD("a") "---\n", &l, &err), 0);
	ck_assert_uint_eq(l.n, 1);
	pod_list_free(&l);
	ck_assert_int_eq(parse_all(POD("a") "---\n---\n" POD("b") "---\n", &l, &err), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_str_eq(l.v[1]->name, "b");
	pod_list_free(&l);
	ck_assert_int_eq(parse_all("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" 
				   "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"j\"},"
				   "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"/r\",\"command\":[\"x\"]}]}}]}",
				   &l, &err), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0]->name, "j");
	pod_list_free(&l);
	ck_assert_int_eq(parse_all(POD("a") "---\n" POD("b") "  restartPolicy: Sometimes\n", &l, &err), -EINVAL);
	ck_assert_msg(!strncmp(err.msg, "pods.yaml:16: items[1].spec.restartPolicy: ", 43), "%s", err.msg);
	ck_assert_int_eq(parse_all(POD("a") "---\n" POD("a"), &l, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "pods.yaml:12: items[1].metadata.name: \"a\" is also items[0]'s");
	ck_assert_int_eq(parse_all("apiVersion: v1\nkind: List\nitems: []\n", &l, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "pods.yaml:3: items: expected the List's Pods");
	ck_assert_int_eq(parse_all(POD("a") "---\n- x\n", &l, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a list"));
	ck_assert_ptr_null(l.v);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("yaml");
	TCase *t = tcase_create("core");

	tcase_add_test(t, test_pod_as_yaml);
	tcase_add_test(t, test_yaml_11_scalars);
	tcase_add_test(t, test_errors_name_the_line);
	tcase_add_test(t, test_refused);
	tcase_add_test(t, test_line_lookup);
	tcase_add_test(t, test_lists);
	suite_add_tcase(s, t);
	return s;
}

TEST_MAIN(suite)
