/* String helpers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

size_t b_strv_len(char *const *v);
bool b_strv_contains(char *const *v, const char *s);
/* A counted array of malloc'ed strings: sorted in byte order (strcmp),
 * and freed with its strings. */
void b_strv_sort(char **v, size_t n);
void b_strv_free(char **v, size_t n);

/* Strict decimal parsing of the whole string; 0 or -EINVAL/-ERANGE. */
int b_parse_u64(const char *s, uint64_t *out);
int b_parse_i64(const char *s, int64_t *out);
int b_parse_int(const char *s, int *out);

/* Trim trailing whitespace/newlines in place. */
char *b_rstrip(char *s);

bool b_startswith(const char *s, const char *prefix);

/* s[0..n) made safe for a one-line message inside double quotes: printable
 * ASCII stays, '"' and '\' are escaped, other bytes become \xNN, and at
 * most `max` input bytes are shown (then "...").  buf holds max * 4 + 4. */
void b_quote_bytes(const char *s, size_t n, size_t max, char *buf);

/* RFC 3339 UTC timestamp with nanoseconds of CLOCK_REALTIME now. */
void b_now_rfc3339(char *buf, size_t size);
/* ts as RFC 3339 in UTC with nanoseconds ("2026-12-03T18:26:44.557750429Z"). */
struct timespec;
void b_rfc3339(const struct timespec *ts, char *buf, size_t size);
