/* UTF-8 as Unicode defines it (shortest form only), for the places where
 * text from a document or the system ends up in JSON or in the kernel. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The length (1 to 4) of the well-formed character at s, reading at most
 * `avail` bytes; 0 when there is none: a stray continuation byte, an
 * overlong form ("\xc0\xaf" for '/'), a surrogate (U+D800..DFFF), a code
 * point past U+10FFFF or a sequence cut short. */
size_t b_utf8_char(const char *s, size_t avail);

/* Whether all of s[0..len) is well-formed. */
bool b_utf8_valid(const char *s, size_t len);

/* len, less a character that a cut at byte `len` left incomplete at the
 * end: where to cut so that the part kept stays well-formed. */
size_t b_utf8_trim(const char *s, size_t len);

/* The first n bytes of src (text another party chose) into dst, which has
 * room for n + 1: cut at a character boundary, every byte that starts no
 * well-formed character replaced by '?', NUL-terminated.  Returns the
 * length written. */
size_t b_utf8_copy_text(char *dst, const char *src, size_t n);
