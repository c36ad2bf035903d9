/* Sizes for the tests that feed the parsers huge documents, so that
 * quadratic code shows as a timeout.  Under AddressSanitizer they shrink:
 * its realloc() always moves the block, and yajl grows a tree's arrays
 * one element at a time, so a huge document there is quadratic in the
 * allocator, not in berth; that lane is after memory errors, which the
 * smaller documents reach just the same. */
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_UNDER_ASAN 1
#endif
#endif

#ifdef TEST_UNDER_ASAN
#define TEST_SCALE(n) ((n) / 10)
#else
#define TEST_SCALE(n) (n)
#endif
