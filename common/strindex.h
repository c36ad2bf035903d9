/* Equal strings in a list, for duplicate checks and name lookups over
 * lists a document can make as long as it likes (map keys, volume and
 * container names, env).  Built by sorting, so it costs O(n log n) string
 * comparisons whatever the strings are: unlike a hash table, there is no
 * input that makes it slow. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/cleanup.h"

#define B_STRINDEX_NONE ((size_t)-1)

struct b_strindex {
	const char *const *strs;  /* borrowed; a NULL entry equals nothing */
	size_t n;
	size_t *sorted;           /* indices of the non-NULL entries, by string, then index */
	size_t n_sorted;
	size_t *first;            /* first[i]: the lowest index whose string equals strs[i] */
	const char **owned;       /* strs, when the index owns it */
};

/* Index strs[0..n); 0 or -ENOMEM.  The strings must outlive the index. */
int b_strindex_init(struct b_strindex *ix, const char *const *strs, size_t n);
void b_strindex_free(struct b_strindex *ix);

/* Like b_strindex_init(), taking over the malloc()ed array strs (but not
 * the strings): it is freed with the index, or at once on failure. */
int b_strindex_adopt(struct b_strindex *ix, const char **strs, size_t n);

/* Index a string member of each element of an array of structs:
 * B_STRINDEX_ITEMS(&ix, pod->volumes, pod->n_volumes, name). */
int b_strindex_items(struct b_strindex *ix, const void *items, size_t n,
		     size_t size, size_t offset);
#define B_STRINDEX_ITEMS(ix, items, n, member) \
	b_strindex_items((ix), (items), (n), sizeof(*(items)), \
			 offsetof(__typeof__(*(items)), member))

/* The lowest index whose string is s, or B_STRINDEX_NONE. */
size_t b_strindex_find(const struct b_strindex *ix, const char *s);

/* The first entry that repeats an earlier one, or B_STRINDEX_NONE. */
size_t b_strindex_first_dup(const struct b_strindex *ix);

/* Whether an earlier entry has the same string as entry i. */
static inline bool b_strindex_dup(const struct b_strindex *ix, size_t i)
{
	return ix->first[i] != i;
}

#define _cleanup_strindex_ _cleanup_(b_strindex_free)
