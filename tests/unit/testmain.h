/* The main() of a unit test: TEST_MAIN(foo_suite) runs the one suite that
 * foo_suite() builds.  The report stays libcheck's CK_NORMAL one, on
 * stdout: tests/run-all.sh adds up its "Checks: N, Failures: F, Errors: E"
 * line and takes the "SKIP: " lines of testskip.h (stderr) off the passed,
 * so neither may change here.  The exit status says whether anything
 * failed, for meson test. */
#pragma once

#include <check.h>
#include <stdlib.h>

static inline int test_main(Suite *(*make_suite)(void))
{
	SRunner *sr = srunner_create(make_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define TEST_MAIN(make_suite)                    \
	int main(void)                           \
	{                                        \
		return test_main(make_suite);    \
	}
