/* Device access control on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program
 * generated from the OCI device rules and attached to the container cgroup.
 *
 * OCI rules are evaluated in order with the last match winning, and access
 * is denied when nothing matches.  The program therefore tests the rules in
 * reverse and returns at the first match. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "common/cleanup.h"

struct rule {
	bool allow;
	char type;       /* 'a', 'c', 'b' */
	int64_t major;   /* -1: any */
	int64_t minor;
	unsigned access; /* BPF_DEVCG_ACC_* bits */
};

/* What every container gets on top of its config (runc's allowed list):
 * mknod of anything, the standard character devices, ptys and tun. */
static const struct rule defaults[] = {
	{ true, 'c', -1, -1, BPF_DEVCG_ACC_MKNOD },
	{ true, 'b', -1, -1, BPF_DEVCG_ACC_MKNOD },
	{ true, 'c', 1, 3, 7 },   /* null */
	{ true, 'c', 1, 5, 7 },   /* zero */
	{ true, 'c', 1, 7, 7 },   /* full */
	{ true, 'c', 1, 8, 7 },   /* random */
	{ true, 'c', 1, 9, 7 },   /* urandom */
	{ true, 'c', 5, 0, 7 },   /* tty */
	{ true, 'c', 5, 1, 7 },   /* console */
	{ true, 'c', 5, 2, 7 },   /* ptmx */
	{ true, 'c', 136, -1, 7 }, /* pts/N */
	{ true, 'c', 10, 200, 7 }, /* net/tun */
};

static unsigned access_bits(const char *s)
{
	unsigned a = 0;

	for (; s && *s; s++) {
		if (*s == 'r')
			a |= BPF_DEVCG_ACC_READ;
		else if (*s == 'w')
			a |= BPF_DEVCG_ACC_WRITE;
		else if (*s == 'm')
			a |= BPF_DEVCG_ACC_MKNOD;
	}
	return a;
}

struct prog {
	struct bpf_insn *insns;
	size_t n, cap;
};

static int emit(struct prog *p, struct bpf_insn in)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *ni = realloc(p->insns, cap * sizeof(*ni));
		if (!ni)
			return -ENOMEM;
		p->insns = ni;
		p->cap = cap;
	}
	p->insns[p->n++] = in;
	return 0;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* Registers: r2 device type, r3 requested access, r4 major, r5 minor. */
static int emit_prologue(struct prog *p)
{
	int r = 0;

	r |= emit(p, INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0));   /* r2 = ctx->access_type */
	r |= emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0)); /* r3 = r2 */
	r |= emit(p, INSN(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0xffff));
	r |= emit(p, INSN(BPF_ALU64 | BPF_RSH | BPF_K, 3, 0, 0, 16));
	r |= emit(p, INSN(BPF_LDX | BPF_MEM | BPF_W, 4, 1, 4, 0));   /* r4 = ctx->major */
	r |= emit(p, INSN(BPF_LDX | BPF_MEM | BPF_W, 5, 1, 8, 0));   /* r5 = ctx->minor */
	return r ? -ENOMEM : 0;
}

static int emit_rule(struct prog *p, const struct rule *ru)
{
	struct bpf_insn block[16];
	size_t n = 0, jumps[8], nj = 0;
	int r = 0;

	if (ru->type != 'a') {
		jumps[nj++] = n;
		block[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 2, 0, 0,
				  ru->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	}
	if ((ru->access & 7) != 7) {
		/* Match only if every requested bit is allowed by the rule. */
		block[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 3, 0, 0);
		block[n++] = INSN(BPF_ALU64 | BPF_AND | BPF_K, 6, 0, 0, (int)ru->access);
		jumps[nj++] = n;
		block[n++] = INSN(BPF_JMP | BPF_JNE | BPF_X, 6, 3, 0, 0);
	}
	if (ru->major >= 0) {
		jumps[nj++] = n;
		block[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 4, 0, 0, (int)ru->major);
	}
	if (ru->minor >= 0) {
		jumps[nj++] = n;
		block[n++] = INSN(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 0, (int)ru->minor);
	}
	block[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, ru->allow ? 1 : 0);
	block[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i < nj; i++)
		block[jumps[i]].off = (short)(n - jumps[i] - 1);
	for (size_t i = 0; i < n; i++)
		r |= emit(p, block[i]);
	return r ? -ENOMEM : 0;
}

static int build(const struct oci_resources *res, const struct oci_device *devs, size_t n_devs,
		 struct prog *p)
{
	size_t n_cfg = res ? res->n_devices : 0;
	size_t total = n_cfg + B_ARRAY_SIZE(defaults) + n_devs;
	_cleanup_free_ struct rule *rules = calloc(total ? total : 1, sizeof(*rules));
	size_t k = 0;
	int r;

	if (!rules)
		return -ENOMEM;
	for (size_t i = 0; i < n_cfg; i++) {
		const struct oci_device_rule *d = &res->devices[i];
		rules[k++] = (struct rule){ d->allow, d->type ? d->type : 'a', d->major, d->minor,
					    access_bits(d->access) };
	}
	for (size_t i = 0; i < B_ARRAY_SIZE(defaults); i++)
		rules[k++] = defaults[i];
	/* Nodes the config asks berth to create are usable in it. */
	for (size_t i = 0; i < n_devs; i++) {
		if (devs[i].type != 'c' && devs[i].type != 'b' && devs[i].type != 'u')
			continue;
		rules[k++] = (struct rule){ true, devs[i].type == 'b' ? 'b' : 'c', devs[i].major,
					    devs[i].minor, 7 };
	}
	if ((r = emit_prologue(p)) < 0)
		return r;
	for (size_t i = k; i-- > 0;) {
		if ((r = emit_rule(p, &rules[i])) < 0)
			return r;
		/* A rule that matches everything ends the program: anything
		 * after it would be unreachable, which the verifier rejects. */
		if (rules[i].type == 'a' && rules[i].major < 0 && rules[i].minor < 0 &&
		    (rules[i].access & 7) == 7)
			return 0;
	}
	if (emit(p, INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0)) < 0 ||
	    emit(p, INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)) < 0)
		return -ENOMEM;
	return 0;
}

int cg_devices_apply(const char *cg_abs, const struct oci_resources *res,
		     const struct oci_device *devs, size_t n_devs, struct b_err *err)
{
	struct prog p = { 0 };
	char log[4096] = "";
	union bpf_attr attr;
	_cleanup_close_ int cgfd = -1, prog = -1;
	int r = build(res, devs, n_devs, &p);

	if (r < 0) {
		free(p.insns);
		return b_err_set(err, -r, "cgroup: building the device filter");
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)p.insns;
	attr.insn_cnt = (uint32_t)p.n;
	attr.license = (uint64_t)(uintptr_t)"Apache";
	prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (prog < 0 && errno == EINVAL) {
		/* Again with the verifier's log, for the message only (a log
		 * on success would fail with ENOSPC once it outgrows the
		 * buffer). */
		attr.log_buf = (uint64_t)(uintptr_t)log;
		attr.log_size = sizeof(log);
		attr.log_level = 1;
		prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	}
	free(p.insns);
	if (prog < 0) {
		int e = errno;
		char *nl;
		while ((nl = strchr(log, '\n')))
			*nl = ' ';
		return b_err_sys(err, e, "cgroup: loading the device filter (%zu rules)%s%.200s",
				 res ? res->n_devices : 0, *log ? ": " : "", log);
	}
	cgfd = open(cg_abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0)
		return b_err_sys(err, errno, "cgroup: opening %s", cg_abs);
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgfd;
	attr.attach_bpf_fd = (uint32_t)prog;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
		return b_err_sys(err, errno, "cgroup: attaching the device filter to %s", cg_abs);
	return 0;
}
