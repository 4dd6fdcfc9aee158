/* SPDX-License-Identifier: MIT */
/*
 * Small helpers used everywhere: scope guards (drgn cleanup.h), WinDbg-style address
 * formatting, bounded string building, little-endian loads and bit extraction.
 */
#ifndef MMKD_CORE_UTIL_H
#define MMKD_CORE_UTIL_H

struct err;

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An intended fall-through between switch labels (gcc and clang). */
#define FALLTHROUGH __attribute__((fallthrough))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Scope guards: _cleanup_free_ char *s = ...; freed when s leaves scope. */
#define _cleanup_(f) __attribute__((cleanup(f)))
static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

#define BUG_ON(cond)                                                                           \
	do {                                                                                   \
		if (cond) {                                                                    \
			fprintf(stderr, "BUG at %s:%d: %s\n", __FILE__, __LINE__, #cond);      \
			abort();                                                               \
		}                                                                              \
	} while (0)

/** Bits [lo, lo+len) of v. len may be 64. */
static inline uint64_t bits64(uint64_t v, unsigned lo, unsigned len)
{
	if (len >= 64)
		return v >> lo;
	return (v >> lo) & ((1ULL << len) - 1);
}

static inline uint64_t le64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t le32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint16_t le16(const void *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/** Sign-extend a 48-bit virtual address from bit 47 (paging.md §5.3 canon48). */
static inline uint64_t canon48(uint64_t v)
{
	v &= 0xFFFFFFFFFFFFULL;
	return (v & (1ULL << 47)) ? (v | 0xFFFF000000000000ULL) : v;
}

/** True if bits 47..63 of @va are all equal (paging.md §6). */
static inline bool is_canonical(uint64_t va)
{
	return canon48(va) == va;
}

/**
 * fmt_addr() - WinDbg 64-bit address with a backtick: "fffff800`02c06000".
 * @buf: at least 18 bytes.
 * Return: @buf.
 */
char *fmt_addr(char buf[18], uint64_t v);

/** A growable string buffer. */
struct strbuf {
	char *s;
	size_t len, cap;
	bool failed; /* an allocation failed; contents are truncated */
};

void strbuf_init(struct strbuf *sb);
void strbuf_deinit(struct strbuf *sb);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_addn(struct strbuf *sb, const char *s, size_t n);
/** Pad with spaces up to column @col (counting from the last newline). */
void strbuf_pad_to(struct strbuf *sb, size_t col);
/** Take ownership of the string (caller frees); resets @sb. */
char *strbuf_detach(struct strbuf *sb);

/**
 * parse_size() - parse a scenario number: hex with 0x, decimal, or decimal with K/M/G.
 * Return: true on success.
 */
bool parse_size(const char *s, uint64_t *ret);

/**
 * strip_backticks() - copy @s into @buf (@size bytes, NUL-terminated, truncated to fit)
 * without WinDbg's digit-group separators: 0xfffff800`00000000 -> 0xfffff80000000000.
 */
void strip_backticks(const char *s, char *buf, size_t size);

/** Does stderr go to a terminal (progress output allowed)? */
bool stderr_is_tty(void);

/** Monotonic time in seconds (for benchmarks and progress throttling). */
double now_seconds(void);

/**
 * file_copy_sparse() - copy @in to @out (created or truncated), leaving all-zero 64 KiB blocks
 * as holes: a copy of a sparse dump stays sparse. Return: NULL, or an error naming the file.
 */
struct err *file_copy_sparse(const char *in, const char *out);

#endif
