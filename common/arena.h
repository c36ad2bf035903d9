/* A bump allocator: a parsed document owns one arena and everything in it is
 * released together, so deep structures need no per-field free code. */
#pragma once

#include <stddef.h>

struct b_arena_chunk;

struct b_arena {
	struct b_arena_chunk *head;
};

/* Zeroed memory; aborts on exhaustion (allocation failure of tiny config
 * documents is not a recoverable condition worth plumbing). */
void *b_arena_alloc(struct b_arena *a, size_t size);
void *b_arena_calloc(struct b_arena *a, size_t n, size_t size);
char *b_arena_strdup(struct b_arena *a, const char *s);
char *b_arena_strndup(struct b_arena *a, const char *s, size_t n);
char *b_arena_printf(struct b_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void b_arena_release(struct b_arena *a);
