/* Make one raw system call, for seccomp tests (busybox has no tool that
 * reaches io_uring, keyctl or the compat entry points).
 *
 *   syscall [-abi 64|i386|x32] NR [ARG...]
 *
 * ARG is a number (strtoull, so 0x.. works and -1 wraps), "s:TEXT" for a
 * pointer to the string TEXT, or "b:N" for a pointer to N zeroed bytes.
 * Pointers are below 4 GiB so that the i386 ABI can carry them.
 *
 * -abi i386 enters through int 0x80 (the 32-bit table: other numbers);
 * -abi x32 sets __X32_SYSCALL_BIT on NR.  Both are x86-64 only.
 *
 * Prints "ret=R" or "errno=NAME" and exits 0; 2 on a usage error, 3 when
 * the ABI is not available on this architecture. */
#define _GNU_SOURCE /* strerrorname_np */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define X32_SYSCALL_BIT 0x40000000L

enum abi { ABI_64, ABI_I386, ABI_X32 };

static long low_memory(size_t size)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

#ifdef MAP_32BIT
	flags |= MAP_32BIT;
#endif
	p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return (long)(uintptr_t)p;
}

static long parse_arg(const char *s)
{
	char *end;
	long v;

	if (strncmp(s, "s:", 2) == 0) {
		long p = low_memory(strlen(s + 2) + 1);

		strcpy((char *)(uintptr_t)p, s + 2);
		return p;
	}
	if (strncmp(s, "b:", 2) == 0)
		return low_memory(strtoul(s + 2, NULL, 0));
	errno = 0;
	v = (long)strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "syscall: bad argument \"%s\"\n", s);
		exit(2);
	}
	return v;
}

/* int 0x80 from 64-bit code: the i386 table, 32-bit registers, and the
 * kernel does not preserve r8-r11.  Five arguments are enough here (the
 * sixth would go in ebp). */
static long call_i386(long nr, const long a[6])
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
			 : "memory", "r8", "r9", "r10", "r11");
	if ((int)ret < 0 && (int)ret > -4096) {
		errno = -(int)ret;
		return -1;
	}
	return (int)ret;
#else
	(void)nr, (void)a;
	fprintf(stderr, "syscall: -abi i386 needs x86-64\n");
	exit(3);
#endif
}

int main(int argc, char **argv)
{
	enum abi abi = ABI_64;
	long nr, a[6] = { 0 }, ret;
	int i = 1, n = 0;

	if (argc > 2 && strcmp(argv[1], "-abi") == 0) {
		if (strcmp(argv[2], "i386") == 0)
			abi = ABI_I386;
		else if (strcmp(argv[2], "x32") == 0)
			abi = ABI_X32;
		else if (strcmp(argv[2], "64") != 0)
			goto usage;
		i = 3;
	}
	if (i >= argc || argc - i - 1 > 6)
		goto usage;
	nr = parse_arg(argv[i++]);
	while (i < argc)
		a[n++] = parse_arg(argv[i++]);
#if !defined(__x86_64__)
	if (abi == ABI_X32) {
		fprintf(stderr, "syscall: -abi x32 needs x86-64\n");
		return 3;
	}
#endif
	if (abi == ABI_X32)
		nr |= X32_SYSCALL_BIT;
	errno = 0;
	if (abi == ABI_I386)
		ret = call_i386(nr, a);
	else
		ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (ret == -1 && errno)
		printf("errno=%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "unknown");
	else
		printf("ret=%ld\n", ret);
	return 0;
usage:
	fprintf(stderr, "usage: syscall [-abi 64|i386|x32] NR [ARG...]\n");
	return 2;
}
