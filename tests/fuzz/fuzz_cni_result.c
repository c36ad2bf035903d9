/* What a CNI plugin prints on stdout: an ADD result or an error object.
 * Plugins are third-party binaries run as root, and the result is also
 * read back from the attachment cache.  Properties: a result's indexes
 * stay inside its arrays, its lists are never NULL, and the pod address
 * cni_result_pod_ip() picks is an address of the family asked for; an
 * error object's texts are terminated, printable, valid UTF-8. */
#include "fuzz.h"

#include <arpa/inet.h>

#include "common/utf8.h"
#include "specs/cni.h"

#define FUZZ_MAX_INPUT (16 * 1024)

static void check_pod_ip(const struct cni_result *r, const char *ifname, int family)
{
	unsigned char addr[sizeof(struct in6_addr)];
	char buf[64];

	if (!cni_result_pod_ip(r, ifname, family, buf, sizeof(buf)))
		return;
	FUZZ_CHECK(inet_pton(family == 4 ? AF_INET : AF_INET6, buf, addr) == 1);
}

static void fuzz_result(const uint8_t *data, size_t size)
{
	struct cni_result *r = NULL;
	struct b_err err = { 0 };
	int rc = cni_result_parse("result", (const char *)data, size, &r, &err);

	fuzz_check_result(rc, &err);
	if (rc < 0) {
		FUZZ_CHECK(r == NULL);
		return;
	}
	FUZZ_CHECK(r->cni_version != NULL);
	FUZZ_CHECK(r->dns_nameservers && r->dns_search && r->dns_options);
	for (size_t i = 0; i < r->n_ips; i++) {
		const struct cni_ip *ip = &r->ips[i];

		FUZZ_CHECK(ip->address && strchr(ip->address, '/'));
		FUZZ_CHECK(ip->family == 4 || ip->family == 6);
		FUZZ_CHECK(ip->interface >= -1 && (ip->interface < 0 ||
						   (size_t)ip->interface < r->n_ifaces));
	}
	for (int family = 4; family <= 6; family += 2) {
		check_pod_ip(r, "eth0", family);
		check_pod_ip(r, NULL, family);
		if (r->n_ifaces && r->ifaces[0].name)
			check_pod_ip(r, r->ifaces[0].name, family);
	}
	cni_result_free(r);
}

static void check_text(const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	FUZZ_CHECK(n < size);
	FUZZ_CHECK(b_utf8_valid(s, n));
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

static void fuzz_error(const uint8_t *data, size_t size)
{
	struct cni_error e;

	memset(&e, 'x', sizeof(e));
	if (cni_error_parse((const char *)data, size, &e) < 0)
		return;
	check_text(e.msg, sizeof(e.msg));
	check_text(e.details, sizeof(e.details));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	fuzz_result(data, size);
	fuzz_error(data, size);
	return 0;
}
