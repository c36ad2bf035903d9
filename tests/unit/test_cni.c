/* specs/cni_*.c: CNI conflists and each plugin's stdin, ADD results, error
 * objects and berth's attachment cache. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "specs/cni.h"
#include "testmain.h"

/* What berth's built-in network looks like, with numbers that a double
 * would change and members berth never reads. */
static const char bridge_list[] =
	"{\"cniVersion\": \"1.0.0\", \"name\": \"berth\", \"disableCheck\": true,\n"
	" \"plugins\": [\n"
	"  {\"type\": \"bridge\", \"name\": \"ignored\", \"cniVersion\": \"0.3.1\",\n"
	"   \"bridge\": \"berth0\", \"isGateway\": true, \"ipMasq\": true, \"hairpinMode\": true,\n"
	"   \"mtu\": 1500, \"big\": 12345678901234567890, \"huge\": 1e400, \"tiny\": -0.5E-3,\n"
	"   \"ipam\": {\"type\": \"host-local\",\n"
	"            \"ranges\": [[{\"subnet\": \"10.88.0.0/16\", \"gateway\": \"10.88.0.1\"}]],\n"
	"            \"routes\": [{\"dst\": \"0.0.0.0/0\"}], \"dataDir\": \"/run/berth/cni\"}},\n"
	"  {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}, \"snat\": true},\n"
	"  {\"type\": \"firewall\", \"capabilities\": {\"portMappings\": false, \"bandwidth\": true}}\n"
	" ]}\n";

/* The CNI spec's example of a bridge ADD result (SPEC.md, 1.0.0). */
static const char spec_result[] =
	"{\n"
	"  \"cniVersion\": \"1.0.0\",\n"
	"  \"interfaces\": [\n"
	"      {\"name\": \"cni0\", \"mac\": \"00:11:22:33:44:55\"},\n"
	"      {\"name\": \"veth3243\", \"mac\": \"55:44:33:22:11:11\"},\n"
	"      {\"name\": \"eth0\", \"mac\": \"99:88:77:66:55:44\", \"sandbox\": \"/var/run/netns/blue\"}\n"
	"  ],\n"
	"  \"ips\": [{\"address\": \"10.1.0.5/16\", \"gateway\": \"10.1.0.1\", \"interface\": 2}],\n"
	"  \"routes\": [{\"dst\": \"0.0.0.0/0\"}],\n"
	"  \"dns\": {\"nameservers\": [\"10.1.0.1\"]}\n"
	"}\n";

static const char prev[] = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.88.0.7/16\"}],"
			   "\"n\":1.50}";

static const struct cni_port_mapping maps[] = {
	{ 8080, 80, "tcp", "127.0.0.1" },
	{ 5353, 53, "udp", NULL },
};
static const struct cni_runtime_args rt = { maps, 2 };

static struct cni_conflist *parse_list(const char *json)
{
	struct cni_conflist *l = NULL;
	struct b_err err = { 0 };
	int r = cni_conflist_parse("net.conflist", json, strlen(json), &l, &err);

	ck_assert_msg(r == 0, "parse failed: %s", err.msg);
	return l;
}

static char *stdin_of(const struct cni_conflist *l, size_t i, const char *prev_result,
		      const struct cni_runtime_args *args)
{
	struct b_err err = { 0 };
	char *out = NULL;
	size_t len = 0;
	int r = cni_plugin_stdin(l, i, prev_result, args, &out, &len, &err);

	ck_assert_msg(r == 0, "stdin %zu failed: %s", i, err.msg);
	ck_assert_uint_eq(len, strlen(out));
	return out;
}

static void has(const char *text, const char *part)
{
	ck_assert_msg(strstr(text, part), "\"%s\" not in %s", part, text);
}

static void starts(const char *text, const char *prefix)
{
	ck_assert_msg(!strncmp(text, prefix, strlen(prefix)), "%s does not start with %s",
		      text, prefix);
}

static void lacks(const char *text, const char *part)
{
	ck_assert_msg(!strstr(text, part), "\"%s\" in %s", part, text);
}

/* A plugin's stdin reads as a single-plugin config of the same network. */
static void reparses_as(const char *json, const char *type)
{
	struct cni_conflist *l = parse_list(json);

	ck_assert_uint_eq(l->n_plugins, 1);
	ck_assert_str_eq(l->plugins[0].type, type);
	ck_assert_str_eq(l->name, "berth");
	ck_assert_str_eq(l->cni_version, "1.0.0");
	cni_conflist_free(l);
}

START_TEST(test_conflist_fields)
{
	struct cni_conflist *l = parse_list(bridge_list);

	ck_assert_str_eq(l->name, "berth");
	ck_assert_str_eq(l->cni_version, "1.0.0");
	ck_assert(l->disable_check);
	ck_assert_uint_eq(l->n_plugins, 3);
	ck_assert_str_eq(l->plugins[0].type, "bridge");
	ck_assert_str_eq(l->plugins[1].type, "portmap");
	ck_assert_str_eq(l->plugins[2].type, "firewall");
	ck_assert(!l->plugins[0].cap_port_mappings);
	ck_assert(l->plugins[1].cap_port_mappings);
	ck_assert(!l->plugins[2].cap_port_mappings);
	cni_conflist_free(l);
}
END_TEST

START_TEST(test_stdin_bridge)
{
	struct cni_conflist *l = parse_list(bridge_list);
	char *s = stdin_of(l, 0, NULL, &rt);

	/* name and cniVersion from the list, the plugin's own dropped. */
	starts(s, "{\"cniVersion\":\"1.0.0\",\"name\":\"berth\",\"type\":\"bridge\","
		  "\"bridge\":\"berth0\",");
	lacks(s, "ignored");
	lacks(s, "0.3.1");
	has(s, "\"mtu\":1500,\"big\":12345678901234567890,\"huge\":1e400,\"tiny\":-0.5E-3,");
	has(s, "\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.88.0.0/16\","
	       "\"gateway\":\"10.88.0.1\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
	       "\"dataDir\":\"/run/berth/cni\"}}");
	lacks(s, "prevResult");
	lacks(s, "runtimeConfig");      /* no portMappings capability */
	reparses_as(s, "bridge");
	free(s);
	cni_conflist_free(l);
}
END_TEST

START_TEST(test_stdin_portmap)
{
	struct cni_conflist *l = parse_list(bridge_list);
	char *s = stdin_of(l, 1, prev, &rt);

	ck_assert_str_eq(s, "{\"cniVersion\":\"1.0.0\",\"name\":\"berth\",\"type\":\"portmap\","
			 "\"snat\":true,\"prevResult\":{\"cniVersion\":\"1.0.0\",\"ips\":"
			 "[{\"address\":\"10.88.0.7/16\"}],\"n\":1.50},\"runtimeConfig\":"
			 "{\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,"
			 "\"protocol\":\"tcp\",\"hostIP\":\"127.0.0.1\"},{\"hostPort\":5353,"
			 "\"containerPort\":53,\"protocol\":\"udp\"}]}}");
	reparses_as(s, "portmap");
	free(s);
	/* The capability without mappings: no runtimeConfig at all. */
	s = stdin_of(l, 1, prev, NULL);
	lacks(s, "runtimeConfig");
	lacks(s, "capabilities");
	has(s, "\"prevResult\":{");
	free(s);
	cni_conflist_free(l);
}
END_TEST

START_TEST(test_stdin_firewall)
{
	struct cni_conflist *l = parse_list(bridge_list);
	char *s = stdin_of(l, 2, prev, &rt);

	ck_assert_str_eq(s, "{\"cniVersion\":\"1.0.0\",\"name\":\"berth\",\"type\":\"firewall\","
			 "\"prevResult\":{\"cniVersion\":\"1.0.0\",\"ips\":"
			 "[{\"address\":\"10.88.0.7/16\"}],\"n\":1.50}}");
	reparses_as(s, "firewall");
	free(s);
	cni_conflist_free(l);
}
END_TEST

static void stdin_fails(const struct cni_conflist *l, size_t i, const char *prev_result,
			const char *want)
{
	struct b_err err = { 0 };
	char *out = (char *)"untouched";

	ck_assert_int_eq(cni_plugin_stdin(l, i, prev_result, &rt, &out, NULL, &err), -EINVAL);
	ck_assert_str_eq(out, "untouched");
	ck_assert_str_eq(err.msg, want);
}

START_TEST(test_stdin_errors)
{
	struct cni_conflist *l = parse_list(bridge_list);

	stdin_fails(l, 1, "[1]", "net.conflist: prevResult: expected a JSON object, got an array");
	stdin_fails(l, 1, "\"x\"", "net.conflist: prevResult: expected a JSON object, got a string");
	stdin_fails(l, 1, "{", "net.conflist: prevResult: invalid JSON: parse error: premature "
		    "EOF at line 1, column 2");
	stdin_fails(l, 3, NULL, "net.conflist: no plugin 3 (the list has 3)");
	cni_conflist_free(l);
}
END_TEST

START_TEST(test_conf_upconverted)
{
	static const char conf[] =
		"{\"cniVersion\": \"0.4.0\", \"name\": \"old\", \"type\": \"bridge\",\n"
		" \"bridge\": \"cni0\", \"disableCheck\": \"not read\", \"ipam\": {}}";
	struct cni_conflist *l = parse_list(conf);
	char *s;

	ck_assert_str_eq(l->name, "old");
	ck_assert_str_eq(l->cni_version, "0.4.0");
	ck_assert(!l->disable_check);
	ck_assert_uint_eq(l->n_plugins, 1);
	ck_assert_str_eq(l->plugins[0].type, "bridge");
	s = stdin_of(l, 0, NULL, &rt);
	ck_assert_str_eq(s, "{\"cniVersion\":\"0.4.0\",\"name\":\"old\",\"type\":\"bridge\","
			 "\"bridge\":\"cni0\",\"disableCheck\":\"not read\",\"ipam\":{}}");
	free(s);
	cni_conflist_free(l);
}
END_TEST

static void list_fails(const char *json, const char *want)
{
	struct cni_conflist *l = (struct cni_conflist *)&l;   /* must stay as it is */
	struct b_err err = { 0 };

	ck_assert_int_eq(cni_conflist_parse("t.conflist", json, strlen(json), &l, &err), -EINVAL);
	ck_assert_ptr_eq(l, (struct cni_conflist *)&l);
	ck_assert_str_eq(err.msg, want);
}

#define HEAD "{\"cniVersion\":\"1.0.0\",\"name\":\"n\","
#define TYPE_RULE "(letters, digits, '_', '.' or '-', not \".\" or \"..\"; at most 255 bytes)"
#define NAME_RULE "(a letter or digit, then letters, digits, '_', '.' or '-'; at most 128 bytes)"

START_TEST(test_conflist_errors)
{
	list_fails(HEAD "\"disableCheck\":true}", "t.conflist: plugins: required field is "
		   "missing (or a top-level \"type\" for a single-plugin config)");
	list_fails(HEAD "\"plugins\":[]}",
		   "t.conflist: plugins: empty list: a network needs at least one plugin");
	list_fails(HEAD "\"plugins\":{}}", "t.conflist: plugins: expected an array, got an object");
	list_fails(HEAD "\"plugins\":[{\"type\":\"bridge\"},{\"type\":\"../x\"}]}",
		   "t.conflist: plugins[1].type: \"../x\" is not a plugin name " TYPE_RULE);
	list_fails(HEAD "\"plugins\":[{\"type\":\"..\"}]}",
		   "t.conflist: plugins[0].type: \"..\" is not a plugin name " TYPE_RULE);
	list_fails(HEAD "\"plugins\":[{\"type\":\"\"}]}",
		   "t.conflist: plugins[0].type: \"\" is not a plugin name " TYPE_RULE);
	list_fails(HEAD "\"plugins\":[{\"bridge\":\"x\"}]}",
		   "t.conflist: plugins[0].type: required field is missing");
	list_fails(HEAD "\"plugins\":[\"bridge\"]}",
		   "t.conflist: plugins[0]: expected an object, got a string");
	list_fails(HEAD "\"plugins\":[{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":1}}]}",
		   "t.conflist: plugins[0].capabilities.portMappings: expected a boolean, got a number");
	list_fails(HEAD "\"plugins\":[{\"type\":\"b\",\"capabilities\":[]}]}",
		   "t.conflist: plugins[0].capabilities: expected an object, got an array");
	list_fails(HEAD "\"disableCheck\":\"yes\",\"plugins\":[{\"type\":\"b\"}]}",
		   "t.conflist: disableCheck: expected a boolean, got a string");
	list_fails("{\"cniVersion\":\"1.0.0\",\"name\":\"-net\",\"type\":\"b\"}",
		   "t.conflist: name: \"-net\" is not a network name " NAME_RULE);
	list_fails("{\"cniVersion\":\"1.0.0\",\"name\":\"a/b\",\"type\":\"b\"}",
		   "t.conflist: name: \"a/b\" is not a network name " NAME_RULE);
	list_fails("{\"cniVersion\":\"1.0.0\",\"type\":\"b\"}",
		   "t.conflist: name: required field is missing");
	list_fails("{\"cniVersion\":\"0.2.0\",\"name\":\"n\",\"type\":\"b\"}",
		   "t.conflist: cniVersion: unknown CNI version \"0.2.0\" "
		   "(expected 0.3.0, 0.3.1, 0.4.0 or 1.0.0)");
	list_fails("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"b\"}]}",
		   "t.conflist: cniVersion: unknown CNI version \"1.1.0\" "
		   "(expected 0.3.0, 0.3.1, 0.4.0 or 1.0.0)");
	list_fails("[]", "t.conflist: expected a JSON object, got an array");
	list_fails("{\"name\":", "t.conflist: invalid JSON: parse error: premature EOF at line 1, "
		   "column 9");
}
END_TEST

START_TEST(test_names_at_the_limits)
{
	char doc[1024], name[130], type[257];
	struct cni_conflist *l;

	memset(name, 'n', 128);
	name[128] = '\0';
	memset(type, 't', 255);
	type[255] = '\0';
	snprintf(doc, sizeof(doc), "{\"cniVersion\":\"0.3.1\",\"name\":\"%s\",\"type\":\"%s\"}",
		 name, type);
	l = parse_list(doc);
	cni_conflist_free(l);
	l = parse_list("{\"cniVersion\":\"0.3.0\",\"name\":\"9a_.-\",\"type\":\"a.b_c-9\"}");
	cni_conflist_free(l);
	name[128] = 'n';
	name[129] = '\0';
	snprintf(doc, sizeof(doc), "{\"cniVersion\":\"0.3.1\",\"name\":\"%s\",\"type\":\"b\"}", name);
	list_fails(doc, "t.conflist: name: \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn"
		   "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn...\" is not a network name " NAME_RULE);
}
END_TEST

/* ---- results ---------------------------------------------------------- */

static struct cni_result *parse_result(const char *json)
{
	struct cni_result *r = NULL;
	struct b_err err = { 0 };
	int rc = cni_result_parse("result", json, strlen(json), &r, &err);

	ck_assert_msg(rc == 0, "parse failed: %s", err.msg);
	return r;
}

START_TEST(test_result_spec_example)
{
	struct cni_result *r = parse_result(spec_result);
	char buf[64];

	ck_assert_str_eq(r->cni_version, "1.0.0");
	ck_assert_uint_eq(r->n_ifaces, 3);
	ck_assert_str_eq(r->ifaces[0].name, "cni0");
	ck_assert_ptr_null(r->ifaces[0].sandbox);
	ck_assert_str_eq(r->ifaces[2].mac, "99:88:77:66:55:44");
	ck_assert_str_eq(r->ifaces[2].sandbox, "/var/run/netns/blue");
	ck_assert_uint_eq(r->n_ips, 1);
	ck_assert_str_eq(r->ips[0].address, "10.1.0.5/16");
	ck_assert_str_eq(r->ips[0].gateway, "10.1.0.1");
	ck_assert_int_eq(r->ips[0].interface, 2);
	ck_assert_int_eq(r->ips[0].family, 4);
	ck_assert_str_eq(r->dns_nameservers[0], "10.1.0.1");
	ck_assert_ptr_null(r->dns_nameservers[1]);
	ck_assert_ptr_null(r->dns_search[0]);
	ck_assert_ptr_null(r->dns_options[0]);
	ck_assert_ptr_null(r->dns_domain);
	ck_assert(cni_result_pod_ip(r, "eth0", 4, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "10.1.0.5");
	ck_assert(!cni_result_pod_ip(r, "eth0", 6, buf, sizeof(buf)));
	ck_assert(!cni_result_pod_ip(r, "cni0", 4, buf, sizeof(buf)));
	ck_assert(!cni_result_pod_ip(r, "eth0", 4, buf, 8));   /* "10.1.0.5" needs 9 */
	ck_assert(cni_result_pod_ip(r, "eth0", 4, buf, 9));
	cni_result_free(r);
}
END_TEST

/* The host side's address (no sandbox) is never the pod's, even first. */
START_TEST(test_result_pod_ip_picks_sandbox)
{
	struct cni_result *r = parse_result(
		"{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\",\"sandbox\":\"\"},"
		"{\"name\":\"eth0\",\"sandbox\":\"/proc/7/ns/net\"}],\"ips\":["
		"{\"address\":\"10.1.0.1/16\",\"interface\":0},"
		"{\"address\":\"fd00::1/64\",\"interface\":0},"
		"{\"address\":\"10.1.0.5/16\"},"
		"{\"address\":\"10.1.0.6/16\",\"interface\":1},"
		"{\"address\":\"fd00::6/64\",\"interface\":1}],"
		"\"dns\":{\"nameservers\":[\"1.1.1.1\",\"::1\"],\"domain\":\"cluster.local\","
		"\"search\":[\"a\",\"b\"],\"options\":[\"ndots:5\"]}}");
	char buf[64];

	ck_assert(cni_result_pod_ip(r, "eth0", 4, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "10.1.0.6");
	ck_assert(cni_result_pod_ip(r, "eth0", 6, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "fd00::6");
	ck_assert_int_eq(r->ips[1].family, 6);
	ck_assert_int_eq(r->ips[2].interface, -1);
	ck_assert_str_eq(r->dns_nameservers[1], "::1");
	ck_assert_str_eq(r->dns_domain, "cluster.local");
	ck_assert_str_eq(r->dns_search[1], "b");
	ck_assert_str_eq(r->dns_options[0], "ndots:5");
	cni_result_free(r);
}
END_TEST

/* What host-local prints: no interfaces, a 0.4.0 "version" per ip. */
START_TEST(test_result_ipam_only)
{
	struct cni_result *r = parse_result(
		"{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.88.0.7/16\","
		"\"gateway\":\"10.88.0.1\"},{\"version\":\"6\",\"address\":\"fd00::7/64\"}],"
		"\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"dns\":{},\"future\":{\"x\":[1]}}");
	char buf[64];

	ck_assert_uint_eq(r->n_ifaces, 0);
	ck_assert_uint_eq(r->n_ips, 2);
	ck_assert_int_eq(r->ips[0].interface, -1);
	ck_assert_int_eq(r->ips[1].family, 6);
	ck_assert_ptr_null(r->ips[1].gateway);
	ck_assert_ptr_nonnull(r->dns_nameservers);
	ck_assert_ptr_null(r->dns_nameservers[0]);
	ck_assert(cni_result_pod_ip(r, "eth0", 6, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "fd00::7");
	ck_assert(cni_result_pod_ip(r, "eth0", 4, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "10.88.0.7");
	cni_result_free(r);
	/* Nothing at all but the version: still a result, with empty lists. */
	r = parse_result("{\"cniVersion\":\"1.0.0\"}");
	ck_assert_ptr_nonnull(r->dns_search);
	ck_assert(!cni_result_pod_ip(r, "eth0", 4, buf, sizeof(buf)));
	cni_result_free(r);
}
END_TEST

static void result_fails(const char *json, const char *want)
{
	struct cni_result *r = (struct cni_result *)&r;
	struct b_err err = { 0 };

	ck_assert_int_eq(cni_result_parse("r.json", json, strlen(json), &r, &err), -EINVAL);
	ck_assert_ptr_eq(r, (struct cni_result *)&r);
	ck_assert_str_eq(err.msg, want);
}

#define RHEAD "{\"cniVersion\":\"1.0.0\","
#define THREE "\"interfaces\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}],"
#define CIDR_RULE "is not an IPv4 or IPv6 address with a prefix length (10.1.0.5/24, fd00::5/64)"

START_TEST(test_result_errors)
{
	result_fails(RHEAD THREE "\"ips\":[{\"address\":\"10.1.0.5/16\",\"interface\":3}]}",
		     "r.json: ips[0].interface: 3 is out of range (0 to 2)");
	result_fails(RHEAD THREE "\"ips\":[{\"address\":\"10.1.0.5/16\",\"interface\":-1}]}",
		     "r.json: ips[0].interface: -1 is out of range (0 to 18446744073709551615)");
	result_fails(RHEAD "\"ips\":[{\"address\":\"10.1.0.5/16\",\"interface\":0}]}",
		     "r.json: ips[0].interface: index 0, but the result has no \"interfaces\"");
	result_fails(RHEAD "\"ips\":[{\"address\":\"10.1.0.5/16\"},{\"address\":\"10.1.0.5\"}]}",
		     "r.json: ips[1].address: \"10.1.0.5\" " CIDR_RULE);
	result_fails(RHEAD "\"ips\":[{\"address\":\"10.1.0.5/33\"}]}",
		     "r.json: ips[0].address: \"10.1.0.5/33\" " CIDR_RULE);
	result_fails(RHEAD "\"ips\":[{\"address\":\"fd00::5/129\"}]}",
		     "r.json: ips[0].address: \"fd00::5/129\" " CIDR_RULE);
	result_fails(RHEAD "\"ips\":[{\"address\":\"10.1.0.5/-1\"}]}",
		     "r.json: ips[0].address: \"10.1.0.5/-1\" " CIDR_RULE);
	result_fails(RHEAD "\"ips\":[{\"address\":\"host/8\"}]}",
		     "r.json: ips[0].address: \"host/8\" " CIDR_RULE);
	result_fails(RHEAD "\"ips\":[{\"gateway\":\"10.1.0.1\"}]}",
		     "r.json: ips[0].address: required field is missing");
	result_fails(RHEAD "\"ips\":[{\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.300\"}]}",
		     "r.json: ips[0].gateway: \"10.1.0.300\" is not an IPv4 or IPv6 address");
	result_fails(RHEAD "\"interfaces\":[{\"name\":7}]}",
		     "r.json: interfaces[0].name: expected a string, got a number");
	result_fails(RHEAD "\"dns\":{\"nameservers\":\"1.1.1.1\"}}",
		     "r.json: dns.nameservers: expected an array of strings, got a string");
	result_fails("{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.1.0.5/16\"}}",
		     "r.json: cniVersion: unknown CNI version \"0.2.0\" "
		     "(expected 0.3.0, 0.3.1, 0.4.0 or 1.0.0)");
	result_fails("{\"ips\":[]}", "r.json: cniVersion: required field is missing");
	result_fails("", "r.json: invalid JSON: parse error: premature EOF at line 1, column 1");
}
END_TEST

/* ---- error objects ---------------------------------------------------- */

START_TEST(test_error_object)
{
	static const char real[] =
		"{\n    \"code\": 4,\n    \"msg\": \"required env variables [CNI_NETNS] missing\"\n}\n";
	static const char ctl[] = "{\"cniVersion\":\"1.0.0\",\"code\":107,\"msg\":"
		"\"a\\nb\\tc\\u007f\",\"details\":\"\\u001b[31mred\"}";
	struct cni_error e;

	memset(&e, 'x', sizeof(e));
	ck_assert_int_eq(cni_error_parse(real, strlen(real), &e), 0);
	ck_assert_uint_eq(e.code, 4);
	ck_assert_str_eq(e.msg, "required env variables [CNI_NETNS] missing");
	ck_assert_str_eq(e.details, "");
	ck_assert_int_eq(cni_error_parse(ctl, strlen(ctl), &e), 0);
	ck_assert_uint_eq(e.code, 107);
	ck_assert_str_eq(e.msg, "a?b?c?");
	ck_assert_str_eq(e.details, "?[31mred");
}
END_TEST

START_TEST(test_error_cut)
{
	char doc[2048] = "{\"code\":11,\"msg\":\"";
	struct cni_error e;

	/* 600 two-byte characters: cut to 255 whole ones (510 bytes). */
	for (int i = 0; i < 600; i++)
		strcat(doc, "\xc3\xa9");
	strcat(doc, "\"}");
	ck_assert_int_eq(cni_error_parse(doc, strlen(doc), &e), 0);
	ck_assert_uint_eq(strlen(e.msg), 510);
	ck_assert_uint_eq((unsigned char)e.msg[509], 0xa9);
}
END_TEST

START_TEST(test_not_error_objects)
{
	static const char *const texts[] = {
		"", "plugin crashed\n", "{\"msg\":\"no code\"}", "{\"code\":\"4\"}",
		"{\"code\":-1}", "{\"code\":1.5}", "{\"code\":4294967296}", "[{\"code\":4}]",
		"{\"code\":4", "{\"code\":null}",
	};
	struct cni_error e = { .code = 99 };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		ck_assert_msg(cni_error_parse(texts[i], strlen(texts[i]), &e) == -EINVAL,
			      "accepted %s", texts[i]);
	ck_assert_uint_eq(e.code, 99);
	ck_assert_int_eq(cni_error_parse("{\"code\":4294967295}", 19, &e), 0);
	ck_assert_uint_eq(e.code, 4294967295u);
}
END_TEST

/* ---- the cache -------------------------------------------------------- */

static struct cni_cache *cache_roundtrip(const struct cni_cache *c, char **text)
{
	struct cni_cache *back = NULL;
	struct b_err err = { 0 };
	size_t len = 0;
	int r = cni_cache_write(c, text, &len, &err);

	ck_assert_msg(r == 0, "write failed: %s", err.msg);
	ck_assert_uint_eq(len, strlen(*text));
	r = cni_cache_parse("cni.json", *text, len, &back, &err);
	ck_assert_msg(r == 0, "parse failed: %s\n%s", err.msg, *text);
	return back;
}

START_TEST(test_cache_roundtrip)
{
	struct cni_port_mapping m[] = { { 8080, 80, "tcp", "::1" }, { 53, 5353, "sctp", NULL } };
	struct cni_cache c = {
		.network = (char *)"berth", .container_id = (char *)"p-1234",
		.ifname = (char *)"eth0", .netns = (char *)"/proc/42/ns/net",
		.cni_args = (char *)"IgnoreUnknown=1;K8S_POD_NAME=web",
		.config = (char *)bridge_list, .port_mappings = m, .n_port_mappings = 2,
		.result = (char *)"{ \"cniVersion\": \"1.0.0\", \"ips\": [ ], \"x\": 1E+2 }",
	};
	char *text = NULL;
	struct cni_cache *back = cache_roundtrip(&c, &text);

	starts(text, "{\"kind\":\"berthCniCacheV1\",\"network\":\"berth\","
		     "\"containerId\":\"p-1234\",\"ifName\":\"eth0\",");
	has(text, "\"portMappings\":[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\","
		  "\"hostIP\":\"::1\"},{\"hostPort\":53,\"containerPort\":5353,\"protocol\":\"sctp\"}],"
		  "\"result\":{\"cniVersion\":\"1.0.0\",\"ips\":[],\"x\":1E+2}}");
	ck_assert_str_eq(back->network, "berth");
	ck_assert_str_eq(back->container_id, "p-1234");
	ck_assert_str_eq(back->ifname, "eth0");
	ck_assert_str_eq(back->netns, "/proc/42/ns/net");
	ck_assert_str_eq(back->cni_args, "IgnoreUnknown=1;K8S_POD_NAME=web");
	ck_assert_str_eq(back->config, bridge_list);
	ck_assert_uint_eq(back->n_port_mappings, 2);
	ck_assert_uint_eq(back->port_mappings[1].host_port, 53);
	ck_assert_uint_eq(back->port_mappings[1].container_port, 5353);
	ck_assert_str_eq(back->port_mappings[1].protocol, "sctp");
	ck_assert_ptr_null(back->port_mappings[1].host_ip);
	ck_assert_str_eq(back->port_mappings[0].host_ip, "::1");
	ck_assert_str_eq(back->result, "{\"cniVersion\":\"1.0.0\",\"ips\":[],\"x\":1E+2}");
	cni_cache_free(back);
	free(text);
}
END_TEST

/* ADD did not finish: no result, and neither netns nor mappings. */
START_TEST(test_cache_without_result)
{
	struct cni_cache c = {
		.network = (char *)"n", .container_id = (char *)"c", .ifname = (char *)"eth0",
		.config = (char *)"{}",
	};
	char *text = NULL;
	struct cni_cache *back = cache_roundtrip(&c, &text);

	ck_assert_str_eq(text, "{\"kind\":\"berthCniCacheV1\",\"network\":\"n\",\"containerId\":"
			 "\"c\",\"ifName\":\"eth0\",\"netns\":null,\"cniArgs\":null,\"config\":"
			 "\"{}\",\"portMappings\":[]}");
	ck_assert_ptr_null(back->result);
	ck_assert_ptr_null(back->netns);
	ck_assert_ptr_null(back->cni_args);
	ck_assert_uint_eq(back->n_port_mappings, 0);
	cni_cache_free(back);
	free(text);
}
END_TEST

static void cache_fails(const char *json, const char *want)
{
	struct cni_cache *c = NULL;
	struct b_err err = { 0 };

	ck_assert_int_eq(cni_cache_parse("cni.json", json, strlen(json), &c, &err), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err.msg, want);
}

#define CHEAD "{\"kind\":\"berthCniCacheV1\",\"network\":\"n\",\"containerId\":\"c\"," \
	"\"ifName\":\"eth0\",\"config\":\"{}\","

START_TEST(test_cache_errors)
{
	struct cni_cache c = {
		.network = (char *)"n", .container_id = (char *)"c", .ifname = (char *)"eth0",
		.config = (char *)"{}", .result = (char *)"[]",
	};
	struct b_err err = { 0 };
	char *text = NULL;

	ck_assert_int_eq(cni_cache_write(&c, &text, NULL, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "CNI cache: result: expected a JSON object, got an array");
	ck_assert_ptr_null(text);
	c.result = NULL;
	c.config = NULL;
	ck_assert_int_eq(cni_cache_write(&c, &text, NULL, &err), -EINVAL);
	cache_fails("{\"kind\":\"cniCacheV1\"}", "cni.json: kind: \"cniCacheV1\" is not a berth "
		    "CNI cache (expected \"berthCniCacheV1\")");
	cache_fails(CHEAD "\"portMappings\":[{\"hostPort\":0,\"containerPort\":80,"
		    "\"protocol\":\"tcp\"}]}",
		    "cni.json: portMappings[0].hostPort: port 0 (expected 1 to 65535)");
	cache_fails(CHEAD "\"portMappings\":[{\"hostPort\":1,\"containerPort\":80,"
		    "\"protocol\":\"TCP\"}]}",
		    "cni.json: portMappings[0].protocol: unknown protocol \"TCP\" "
		    "(expected tcp, udp or sctp)");
	cache_fails(CHEAD "\"portMappings\":[{\"hostPort\":1,\"containerPort\":80,"
		    "\"protocol\":\"tcp\",\"hostIP\":\"localhost\"}]}",
		    "cni.json: portMappings[0].hostIP: \"localhost\" is not an IPv4 or IPv6 address");
	cache_fails(CHEAD "\"result\":\"{}\"}", "cni.json: result: expected an object, got a string");
	cache_fails("{\"kind\":\"berthCniCacheV1\",\"network\":\"n\",\"containerId\":\"c\","
		    "\"ifName\":\"eth0\"}", "cni.json: config: required field is missing");
}
END_TEST

static Suite *cni_suite(void)
{
	Suite *s = suite_create("cni");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_conflist_fields);
	tcase_add_test(tc, test_stdin_bridge);
	tcase_add_test(tc, test_stdin_portmap);
	tcase_add_test(tc, test_stdin_firewall);
	tcase_add_test(tc, test_stdin_errors);
	tcase_add_test(tc, test_conf_upconverted);
	tcase_add_test(tc, test_conflist_errors);
	tcase_add_test(tc, test_names_at_the_limits);
	tcase_add_test(tc, test_result_spec_example);
	tcase_add_test(tc, test_result_pod_ip_picks_sandbox);
	tcase_add_test(tc, test_result_ipam_only);
	tcase_add_test(tc, test_result_errors);
	tcase_add_test(tc, test_error_object);
	tcase_add_test(tc, test_error_cut);
	tcase_add_test(tc, test_not_error_objects);
	tcase_add_test(tc, test_cache_roundtrip);
	tcase_add_test(tc, test_cache_without_result);
	tcase_add_test(tc, test_cache_errors);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(cni_suite)
