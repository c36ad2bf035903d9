#include "strindex.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Order of entries a and b: by string, then by index, so that the first
 * of equal strings sorts first. */
static bool before(const char *const *strs, size_t a, size_t b)
{
	int c = strcmp(strs[a], strs[b]);

	return c < 0 || (c == 0 && a < b);
}

static void merge(const char *const *strs, const size_t *src, size_t *dst,
		  size_t lo, size_t mid, size_t hi)
{
	size_t i = lo, j = mid, o = lo;

	while (i < mid && j < hi)
		dst[o++] = before(strs, src[j], src[i]) ? src[j++] : src[i++];
	while (i < mid)
		dst[o++] = src[i++];
	while (j < hi)
		dst[o++] = src[j++];
}

/* Bottom-up merge sort of v[0..n) (tmp is scratch of the same size): a
 * guaranteed n log n, which qsort() does not promise. */
static void sort_indices(const char *const *strs, size_t *v, size_t *tmp, size_t n)
{
	size_t *src = v, *dst = tmp, *t;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = mid + w < n ? mid + w : n;

			merge(strs, src, dst, lo, mid, hi);
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
}

int b_strindex_init(struct b_strindex *ix, const char *const *strs, size_t n)
{
	_cleanup_free_ size_t *tmp = NULL;
	size_t k = 0;

	*ix = (struct b_strindex){ .strs = strs, .n = n };
	if (n > SIZE_MAX / sizeof(size_t) - 1)
		return -ENOMEM;
	ix->sorted = malloc((n + 1) * sizeof(size_t));
	ix->first = malloc((n + 1) * sizeof(size_t));
	tmp = malloc((n + 1) * sizeof(size_t));
	if (!ix->sorted || !ix->first || !tmp) {
		b_strindex_free(ix);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		ix->first[i] = i;
		if (strs[i])
			ix->sorted[k++] = i;
	}
	ix->n_sorted = k;
	sort_indices(strs, ix->sorted, tmp, k);
	/* Equal strings are now adjacent, the lowest index leading. */
	for (size_t i = 1; i < k; i++)
		if (!strcmp(strs[ix->sorted[i]], strs[ix->sorted[i - 1]]))
			ix->first[ix->sorted[i]] = ix->first[ix->sorted[i - 1]];
	return 0;
}

void b_strindex_free(struct b_strindex *ix)
{
	free(ix->sorted);
	free(ix->first);
	free(ix->owned);
	*ix = (struct b_strindex){ 0 };
}

int b_strindex_adopt(struct b_strindex *ix, const char **strs, size_t n)
{
	int r;

	*ix = (struct b_strindex){ 0 };
	if (!strs)
		return -ENOMEM;
	r = b_strindex_init(ix, strs, n);
	if (r < 0) {
		free(strs);
		return r;
	}
	ix->owned = strs;
	return 0;
}

int b_strindex_items(struct b_strindex *ix, const void *items, size_t n,
		     size_t size, size_t offset)
{
	const char **strs = calloc(n + 1, sizeof(*strs));

	for (size_t i = 0; strs && i < n; i++)
		memcpy(&strs[i], (const char *)items + i * size + offset, sizeof(strs[i]));
	return b_strindex_adopt(ix, strs, n);
}

size_t b_strindex_first_dup(const struct b_strindex *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		if (b_strindex_dup(ix, i))
			return i;
	return B_STRINDEX_NONE;
}

size_t b_strindex_find(const struct b_strindex *ix, const char *s)
{
	size_t lo = 0, hi = ix->n_sorted;

	/* The leftmost entry not less than s: the first of its equals. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->strs[ix->sorted[mid]], s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n_sorted && !strcmp(ix->strs[ix->sorted[lo]], s))
		return ix->sorted[lo];
	return B_STRINDEX_NONE;
}
