/* measure: run one container's worth of runtime commands and print what
 * they cost.  Used by bench/start-latency.sh; not part of berth.
 *
 *   measure [--mntns FILE] [--env VAR=VAL]... [--tag TAG] -- STEP [--- STEP ...]
 *
 * A STEP is a command line; `+STEP` (first word starting with '+') means
 * "after this command returns, also wait until every remaining descendant
 * (e.g. a container init that was reparented to us) has exited".  The
 * process is a child subreaper, so everything a runtime leaves behind is
 * reparented to it and reaped by it; at the end it waits for all
 * descendants, so the CPU time reported (getrusage(RUSAGE_CHILDREN)) covers
 * the whole runtime process tree, including the container's /bin/true.
 *
 * With --mntns FILE each command is run in that mount namespace (setns in
 * the forked child just before execvp, so it costs the runtime nothing).
 *
 * --env VAR=VAL is set in the forked child only (no `env` exec in between).
 *
 * The measuring is done by a freshly forked child of `measure`, so only
 * processes it started are counted.
 *
 * stdin/stdout of the commands are /dev/null; stderr is inherited.
 *
 * Output, one line on stdout:
 *   TAG rc=N wall_us=W step_us=S1,S2,... reap_us=R user_us=U sys_us=Y maxrss_kb=M
 * step_us are the commands (each from fork to the return of waitpid for
 * that command); reap_us is the time spent waiting for leftover
 * descendants after '+' steps; wall_us = sum(step_us) + reap_us;
 * maxrss_kb is ru_maxrss over all reaped descendants (the largest single
 * process, not a sum). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_STEPS 8

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void reap_all(void)
{
	while (wait(NULL) > 0 || errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	const char *mntns = NULL, *tag = "-";
	char *envs[16];
	int nenv = 0;
	char **steps[MAX_STEPS];
	bool reap_after[MAX_STEPS];
	long long step_us[MAX_STEPS], total = 0, reap = 0;
	int nsteps = 0, i, rc = 0, nsfd = -1, devnull;
	struct rusage ru;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mntns") && i + 1 < argc)
			mntns = argv[++i];
		else if (!strcmp(argv[i], "--env") && i + 1 < argc && nenv < 16)
			envs[nenv++] = argv[++i];
		else if (!strcmp(argv[i], "--tag") && i + 1 < argc)
			tag = argv[++i];
		else if (!strcmp(argv[i], "--"))
			break;
		else {
			fprintf(stderr, "measure: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc - 1) {
		fprintf(stderr, "usage: measure [--mntns FILE] [--env VAR=VAL]... [--tag TAG] -- CMD... [--- CMD...]\n");
		return 2;
	}
	for (i++; i < argc && nsteps < MAX_STEPS; ) {
		steps[nsteps] = &argv[i];
		reap_after[nsteps] = argv[i][0] == '+';
		if (reap_after[nsteps])
			argv[i]++;
		while (i < argc && strcmp(argv[i], "---"))
			i++;
		if (i < argc)
			argv[i++] = NULL; /* terminate this step's argv */
		nsteps++;
	}
	if (mntns) {
		nsfd = open(mntns, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0) {
			perror("measure: open --mntns");
			return 2;
		}
	}
	/* Do the work in a fresh child: a process that was exec'd (e.g. from a
	 * shell's command substitution) may have inherited children of its
	 * own, and those must not be reaped into our rusage. */
	{
		int status;
		pid_t acct = fork();

		if (acct < 0) {
			perror("measure: fork");
			return 2;
		}
		if (acct > 0) {
			while (waitpid(acct, &status, 0) < 0)
				if (errno != EINTR)
					return 2;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
		}
	}
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("measure: setup");
		return 2;
	}

	for (i = 0; i < nsteps; i++) {
		long long t0 = now_us();
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("measure: fork");
			return 2;
		}
		if (pid == 0) {
			if (nsfd >= 0 && setns(nsfd, CLONE_NEWNS) < 0) {
				perror("measure: setns");
				_exit(126);
			}
			for (int e = 0; e < nenv; e++)
				putenv(envs[e]);
			dup2(devnull, 0);
			dup2(devnull, 1);
			execvp(steps[i][0], steps[i]);
			perror("measure: execvp");
			_exit(127);
		}
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				perror("measure: waitpid");
				return 2;
			}
		}
		step_us[i] = now_us() - t0;
		total += step_us[i];
		if (reap_after[i]) {
			t0 = now_us();
			reap_all();
			reap += now_us() - t0;
		}
		if (!rc)
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	reap_all();
	getrusage(RUSAGE_CHILDREN, &ru);

	printf("%s rc=%d wall_us=%lld step_us=", tag, rc, total + reap);
	for (i = 0; i < nsteps; i++)
		printf("%s%lld", i ? "," : "", step_us[i]);
	printf(" reap_us=%lld", reap);
	printf(" user_us=%lld sys_us=%lld maxrss_kb=%ld\n",
	       ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
	       ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec,
	       ru.ru_maxrss);
	return rc ? 1 : 0;
}
