#include "utf8.h"

#include <string.h>

size_t b_utf8_char(const char *str, size_t avail)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (avail == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	/* 0x80..0xc1: a continuation byte or the lead of an overlong
	 * two-byte form; 0xf5 and up: past U+10FFFF. */
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	/* Unicode's table of well-formed sequences: the second byte's range
	 * is what excludes the overlong forms, the surrogates and the code
	 * points past U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

bool b_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t n = b_utf8_char(s + i, len - i);

		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

size_t b_utf8_trim(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = len, need;
	unsigned char lead;

	/* Back over at most three continuation bytes to what leads them. */
	while (i > 0 && len - i < 3 && (s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || s[i - 1] < 0xc0)
		return len;
	lead = s[i - 1];
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return len - (i - 1) < need ? i - 1 : len;
}

size_t b_utf8_copy_text(char *dst, const char *src, size_t n)
{
	size_t i = 0, o = 0;

	n = b_utf8_trim(src, n);
	while (i < n) {
		size_t k = b_utf8_char(src + i, n - i);

		if (!k) {
			dst[o++] = '?';
			i++;
			continue;
		}
		memcpy(dst + o, src + i, k);
		o += k;
		i += k;
	}
	dst[o] = '\0';
	return o;
}
