/* berth's exec stub: a freestanding program of about one page that does
 * nothing but execve() the container's process.
 *
 * Why it exists (CVE-2019-5736): /proc/PID/exe of the process that calls
 * the container's execve() is what "/proc/self/exe" means to the kernel
 * at that moment; a process image whose interpreter line names it gets the
 * runtime's binary to run inside the container, and can then write to it
 * from there.  berth's init is berth (the host's file), so it does not make
 * that execve() itself: it execs this stub from a sealed memfd first, and
 * the stub makes it.  Copying one page is much cheaper than copying berth
 * and starting a second glibc process, which is what berth did before
 * (runtime/exe_guard.c says when it still does).
 *
 * No libc: no start-up cost, nothing the container's files could
 * influence (static, no interpreter, no LD_* variables read), and a
 * seccomp filter loaded by the init sees only prctl, fcntl, execve,
 * write, close and exit_group from it. */
#include <asm/unistd.h>

#include "runtime/stub/proto.h"

#define F_SETFD 2
#define FD_CLOEXEC 1
#define PR_SET_DUMPABLE 4
#define PATH_CAP 4096

static long sys3(long n, long a, long b, long c)
{
	long ret;
#if defined(__x86_64__)
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	ret = x0;
#else
#error "the exec stub knows the system call convention of x86_64 and aarch64 only"
#endif
	return ret;
}

__attribute__((noreturn)) static void sys_exit(int code)
{
	for (;;)
		sys3(__NR_exit_group, code, 0, 0);
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static long parse_fd(const char *s)
{
	long v = 0;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	for (; *s >= '0' && *s <= '9' && v < (1L << 30); s++)
		v = v * 10 + (*s - '0');
	return *s ? -1 : v;
}

/* One write, so a SOCK_SEQPACKET reader gets it as one message. */
static void report(long fd, const char *path, long err)
{
	static const char prefix[] = "exec ";
	char buf[sizeof(struct rt_stub_frame) + sizeof(prefix) + PATH_CAP];
	struct rt_stub_frame *h = (struct rt_stub_frame *)buf;
	char *p = buf + sizeof(*h);
	unsigned long n = 0;

	for (const char *s = prefix; *s; s++)
		p[n++] = *s;
	for (; *path && n < sizeof(prefix) + PATH_CAP - 2; path++)
		p[n++] = *path;
	p[n++] = '\0';
	h->type = RT_STUB_SYNC_EXEC_ERROR;
	h->code = (int)err;
	h->len = n;
	sys3(__NR_write, fd, (long)buf, (long)(sizeof(*h) + n));
}

__attribute__((noreturn, used)) void stub_main(long *sp)
{
	long argc = sp[0], fd, r;
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;

	/* execve made us dumpable again: until the next one, no process of
	 * the container without CAP_SYS_PTRACE may open our fds (berth's
	 * error socket) through /proc.  Denied by a filter?  berth checked
	 * the profile allows prctl; go on regardless. */
	sys3(__NR_prctl, PR_SET_DUMPABLE, 0, 0);
	if (argc < RT_STUB_ARGC_MIN || !streq(argv[0], RT_STUB_ARGV0))
		sys_exit(RT_STUB_EXIT_USAGE);
	fd = parse_fd(argv[1]);
	/* The error fd must not reach the process: if even fcntl is denied
	 * (by the container's seccomp profile), give up the report. */
	if (fd >= 0 && sys3(__NR_fcntl, fd, F_SETFD, FD_CLOEXEC) < 0) {
		sys3(__NR_close, fd, 0, 0);
		fd = -1;
	}
	r = sys3(__NR_execve, (long)argv[2], (long)(argv + 3), (long)envp);
	if (fd >= 0)
		report(fd, argv[2], -r);
	sys_exit(RT_STUB_EXIT_EXEC);
}

/* The kernel enters with the stack pointer at argc. */
#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall stub_main\n\thlt\n");
#elif defined(__aarch64__)
__asm__(".globl _start\n_start:\n\tmov x0, sp\n\tbl stub_main\n");
#endif
