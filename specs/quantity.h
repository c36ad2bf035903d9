/* Kubernetes resource quantities ("64Mi", "500m", "1.5", "1e3").
 *
 * The grammar of k8s.io/apimachinery resource.Quantity:
 *
 *	quantity ::= [+-] number suffix
 *	number   ::= digits | digits "." [digits] | "." digits
 *	suffix   ::= "" | binary | decimal | ("e" | "E") [+-] digits
 *	binary   ::= Ki | Mi | Gi | Ti | Pi | Ei          (powers of 1024)
 *	decimal  ::= n | u | m | k | M | G | T | P | E    (powers of 1000)
 *
 * Values are converted exactly (no floating point) and rounded up the way
 * Quantity.Value() and MilliValue() do, so "0.1m" CPU is 1 millicore and
 * "0.5" bytes is 1 byte.  berth's resources are never negative, so a
 * negative quantity is an error here rather than in every caller. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum quantity_err {
	QUANTITY_OK,
	QUANTITY_EMPTY,     /* "" */
	QUANTITY_SYNTAX,    /* not <number><suffix> at all: "1.2.3", "Mi", "1 Gi" */
	QUANTITY_SUFFIX,    /* a number with an unknown suffix: "64MB", "1K" */
	QUANTITY_NEGATIVE,  /* "-1" */
	QUANTITY_RANGE,     /* does not fit an int64 in the requested unit */
};

/* What the quantity measures; only changes the hints. */
enum quantity_kind {
	QUANTITY_MEMORY,    /* bytes */
	QUANTITY_CPU,       /* cores */
};

/* ceil(value * 10^scale10) into *out; *exact (may be NULL) tells whether no
 * rounding happened.  scale10 = 0 gives Value(), 3 gives MilliValue(). */
enum quantity_err quantity_scaled(const char *s, int scale10, int64_t *out,
				  bool *exact);

/* Bytes, rounded up; *exact as above (false for "100m" = 0.1 bytes). */
enum quantity_err quantity_bytes(const char *s, int64_t *out, bool *exact);

/* Millicores, rounded up ("0.1m" -> 1, "1.5" -> 1500). */
enum quantity_err quantity_millis(const char *s, int64_t *out);

/* "not a quantity", "negative", ... for messages. */
const char *quantity_err_str(enum quantity_err e);

/* A corrected spelling for a common mistake, written to buf: "64MB" ->
 * "64Mi", "1 Gi" -> "1Gi", "0.5cpu" -> "0.5", "0x10" -> "16".  Returns false
 * when there is no suggestion.  Only suggestions that parse are offered. */
bool quantity_hint(const char *s, enum quantity_kind kind, char *buf,
		   size_t size);
