/* metrics/: the 0.0.4 writer, the merge of several pods' bodies, the
 * cAdvisor families from cgroup statistics, and the PSI parser. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cgroups/psi.h"
#include "common/cleanup.h"
#include "metrics/cadvisor.h"
#include "metrics/expo.h"
#include "testmain.h"

static char *finish(struct b_text *t)
{
	char *s = b_text_finish(t, NULL);

	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(label_values_escaped)
{
	struct b_text t = { 0 };
	struct mx_label l[] = { { "reason", "a\"b\\c\nd" }, { "bad", "x\xff" "y" } };
	_cleanup_free_ char *s = NULL;

	mx_sample(&t, "m", NULL, l, 2, 1);
	s = finish(&t);
	ck_assert_str_eq(s, "m{reason=\"a\\\"b\\\\c\\nd\",bad=\"x\xef\xbf\xbdy\"} 1\n");
}
END_TEST

START_TEST(help_escapes_only_backslash_and_newline)
{
	struct b_text t = { 0 };
	_cleanup_free_ char *s = NULL;

	mx_family(&t, "m_total", MX_COUNTER, "say \"hi\"\\\nnow");
	s = finish(&t);
	ck_assert_str_eq(s, "# HELP m_total say \"hi\"\\\\\\nnow\n# TYPE m_total counter\n");
}
END_TEST

START_TEST(numbers_read_back)
{
	char buf[40];

	mx_format_double(0.1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0.1");
	mx_format_double(1796385567.25, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1796385567.25");
	mx_format_double(NAN, buf, sizeof(buf));
	ck_assert_str_eq(buf, "NaN");
	mx_format_double(-INFINITY, buf, sizeof(buf));
	ck_assert_str_eq(buf, "-Inf");
	mx_format_double(1.0 / 3, buf, sizeof(buf));
	ck_assert(strtod(buf, NULL) == 1.0 / 3);
}
END_TEST

START_TEST(histogram_cumulative_with_inf)
{
	static const double b[] = { 0.1, 1 };
	static const uint64_t c[] = { 2, 0, 3 };
	struct b_text t = { 0 };
	struct mx_label l = { "x", "y" };
	_cleanup_free_ char *s = NULL;

	mx_histogram(&t, "h_seconds", &l, 1, &(struct mx_hist){ b, 2, c, 7.5 });
	s = finish(&t);
	ck_assert_str_eq(s, "h_seconds_bucket{x=\"y\",le=\"0.1\"} 2\n"
			    "h_seconds_bucket{x=\"y\",le=\"1\"} 2\n"
			    "h_seconds_bucket{x=\"y\",le=\"+Inf\"} 5\n"
			    "h_seconds_sum{x=\"y\"} 7.5\n"
			    "h_seconds_count{x=\"y\"} 5\n");
	ck_assert_uint_eq(mx_bucket_index(b, 2, 0.1), 0);
	ck_assert_uint_eq(mx_bucket_index(b, 2, 0.5), 1);
	ck_assert_uint_eq(mx_bucket_index(b, 2, 9), 2);
}
END_TEST

START_TEST(merge_keeps_families_together)
{
	const char *a = "# HELP x_total X\n# TYPE x_total counter\nx_total{pod=\"a\"} 1\n"
			"# HELP y Y\n# TYPE y gauge\ny{pod=\"a\"} 2\n";
	const char *b = "# HELP x_total other words\n# TYPE x_total counter\nx_total{pod=\"b\"} 3\n"
			"# HELP z Z\n# TYPE z gauge\n"          /* declared, no samples */
			"# HELP y Y\n# TYPE y gauge\ny{pod=\"b\"} 4";   /* no final newline */
	const char *bodies[] = { a, NULL, b };
	_cleanup_free_ char *s = mx_merge(bodies, 3, NULL);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "# HELP x_total X\n# TYPE x_total counter\nx_total{pod=\"a\"} 1\nx_total{pod=\"b\"} 3\n"
			    "# HELP y Y\n# TYPE y gauge\ny{pod=\"a\"} 2\ny{pod=\"b\"} 4\n"
			    "# HELP z Z\n# TYPE z gauge\n");
}
END_TEST

/* Found by the fuzzer: a body that repeats a family's header must not
 * make the output declare it twice. */
START_TEST(merge_declares_each_family_once)
{
	const char *a = "# HELP x X\n# TYPE x gauge\nx 1\n# HELP x X again\n# TYPE x gauge\nx{a=\"b\"} 2\n";
	_cleanup_free_ char *s = mx_merge(&a, 1, NULL);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "# HELP x X\n# TYPE x gauge\nx 1\nx{a=\"b\"} 2\n");
}
END_TEST

START_TEST(psi_parsed_by_key)
{
	struct cg_psi p;

	ck_assert_int_eq(cg_psi_parse("some avg10=1.50 avg60=0.00 avg300=0.25 total=123456\n"
				      "full avg10=0.00 avg60=0.00 avg300=0.00 total=99\n", &p), 0);
	ck_assert(p.present && p.some.set && p.full.set);
	ck_assert(p.some.avg10 == 1.5 && p.some.avg300 == 0.25);
	ck_assert_uint_eq(p.some.total_us, 123456);
	ck_assert_uint_eq(p.full.total_us, 99);
	/* order, unknown keys and a missing full line are fine */
	ck_assert_int_eq(cg_psi_parse("some total=5 future=x avg10=2.00\n", &p), 0);
	ck_assert(!p.full.set && p.some.total_us == 5 && p.some.avg10 == 2);
	ck_assert_int_eq(cg_psi_parse("full avg10=0.00 total=1\n", &p), -EINVAL);
	ck_assert_int_eq(cg_psi_parse("some avg10=x total=1\n", &p), -EINVAL);
	ck_assert_int_eq(cg_psi_parse("some total=99999999999999999999999\n", &p), -EINVAL);
	ck_assert_int_eq(cg_psi_parse("some total=1\nsome total=2\n", &p), -EINVAL);
}
END_TEST

static char *cadvisor_of(struct cg_stats *st)
{
	struct b_text t = { 0 };
	struct mx_cg_row row = { "ns", "p", "c", "/berth/pods/p/c", "p_c", "img", st, 0 };

	mx_cadvisor(&t, &row, 1);
	return finish(&t);
}

static void set_stat(struct cg_stats *st, const char *key, uint64_t v)
{
	snprintf(st->mem_stat[st->n_mem_stat].key, sizeof(st->mem_stat[0].key), "%s", key);
	st->mem_stat[st->n_mem_stat++].value = v;
}

START_TEST(cadvisor_memory_as_cadvisor_does)
{
	struct cg_stats st = { .has_memory = true, .mem_current = 1000, .mem_max = CG_MAX };
	_cleanup_free_ char *s = NULL;

	set_stat(&st, "anon", 300);
	set_stat(&st, "inactive_file", 1500);   /* more than current: clamped */
	s = cadvisor_of(&st);
	ck_assert_ptr_nonnull(strstr(s, "\ncontainer_memory_working_set_bytes{container=\"c\",id=\"/berth/pods/p/c\","
					"image=\"img\",name=\"p_c\",namespace=\"ns\",pod=\"p\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(s, "\ncontainer_memory_rss{container=\"c\",") );
	ck_assert_ptr_nonnull(strstr(s, "pod=\"p\"} 300\n"));
	/* no limit is exported as 0 */
	ck_assert_ptr_nonnull(strstr(s, "\ncontainer_spec_memory_limit_bytes{container=\"c\",id=\"/berth/pods/p/c\","
					"image=\"img\",name=\"p_c\",namespace=\"ns\",pod=\"p\"} 0\n"));
	/* no cpu.stat, no PSI: no samples, families still declared */
	ck_assert_ptr_null(strstr(s, "\ncontainer_cpu_usage_seconds_total{"));
	ck_assert_ptr_null(strstr(s, "\ncontainer_pressure_memory_waiting_seconds_total{"));
	ck_assert_ptr_nonnull(strstr(s, "# TYPE container_pressure_memory_waiting_seconds_total counter\n"));
}
END_TEST

START_TEST(cadvisor_cfs_only_with_a_quota)
{
	struct cg_stats st = { .has_cpu = true, .cpu_usage_usec = 2500000, .cpu_quota_usec = CG_MAX,
			       .nr_periods = 7 };
	_cleanup_free_ char *s = cadvisor_of(&st), *q = NULL;

	ck_assert_ptr_nonnull(strstr(s, "\ncontainer_cpu_usage_seconds_total{container=\"c\",cpu=\"total\","));
	ck_assert_ptr_nonnull(strstr(s, "pod=\"p\"} 2.5\n"));
	ck_assert_ptr_null(strstr(s, "\ncontainer_cpu_cfs_periods_total{"));
	ck_assert_ptr_null(strstr(s, "\ncontainer_spec_cpu_quota{"));
	st.cpu_quota_usec = 50000;
	st.cpu_period_usec = 100000;
	q = cadvisor_of(&st);
	ck_assert_ptr_nonnull(strstr(q, "\ncontainer_cpu_cfs_periods_total{"));
	ck_assert_ptr_nonnull(strstr(q, "\ncontainer_spec_cpu_quota{"));
}
END_TEST

START_TEST(cadvisor_psi_totals_in_seconds)
{
	struct cg_stats st = { .has_cpu = true, .cpu_quota_usec = CG_MAX };
	_cleanup_free_ char *s = NULL;

	ck_assert_int_eq(cg_psi_parse("some avg10=0.00 avg60=0.00 avg300=0.00 total=1500000\n"
				      "full avg10=0.00 avg60=0.00 avg300=0.00 total=250000\n",
				      &st.psi[CG_PSI_MEMORY]), 0);
	s = cadvisor_of(&st);
	ck_assert_ptr_nonnull(strstr(s, "\ncontainer_pressure_memory_waiting_seconds_total{container=\"c\""));
	ck_assert_ptr_nonnull(strstr(s, "pod=\"p\"} 1.5\n"));
	ck_assert_ptr_nonnull(strstr(s, "pod=\"p\"} 0.25\n"));
	ck_assert_ptr_null(strstr(s, "\ncontainer_pressure_io_waiting_seconds_total{"));
}
END_TEST

static Suite *metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, label_values_escaped);
	tcase_add_test(tc, help_escapes_only_backslash_and_newline);
	tcase_add_test(tc, numbers_read_back);
	tcase_add_test(tc, histogram_cumulative_with_inf);
	tcase_add_test(tc, merge_keeps_families_together);
	tcase_add_test(tc, merge_declares_each_family_once);
	tcase_add_test(tc, psi_parsed_by_key);
	tcase_add_test(tc, cadvisor_memory_as_cadvisor_does);
	tcase_add_test(tc, cadvisor_cfs_only_with_a_quota);
	tcase_add_test(tc, cadvisor_psi_totals_in_seconds);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(metrics_suite)
