/* What berth and its exec stub (stub.c) agree on.  Included by both, so
 * only what a freestanding compiler has: no libc headers. */
#pragma once

/* argv[0] berth gives the stub.  Anything else (a script whose
 * interpreter is /proc/self/exe, say) makes the stub exit at once. */
#define RT_STUB_ARGV0 "berth-exec-stub"
/* argv: RT_STUB_ARGV0, error fd (decimal, or -1), executable, then the
 * process's own argv from its argv[0]. */
#define RT_STUB_ARGC_MIN 4

/* Exit status of a stub that could not exec, as a shell's 127. */
#define RT_STUB_EXIT_EXEC 127
#define RT_STUB_EXIT_USAGE 126

/* The stub reports a failed execve as one rt_sync message (runtime/sync.c
 * frames them the same way): this header, then "exec PATH" and a NUL. */
#define RT_STUB_SYNC_EXEC_ERROR 8
struct rt_stub_frame {
	int type;       /* RT_STUB_SYNC_EXEC_ERROR */
	int code;       /* errno of execve */
	__SIZE_TYPE__ len;
};
