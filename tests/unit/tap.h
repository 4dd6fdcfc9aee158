/* SPDX-License-Identifier: MIT */
/*
 * A minimal TAP producer for unit tests (one header, no library): ok(), is_u64(), is_str(),
 * ck_err()/ck_no_err() for struct err results, done_testing(); tap_slurp() reads a test data
 * file. Exit status is non-zero when a test failed, and automake's TAP driver reads the lines.
 */
#ifndef MMKD_TESTS_TAP_H
#define MMKD_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

struct tap_state {
	unsigned run, failed;
};

static struct tap_state tap_s;

static inline bool tap_ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_s.run++;
	if (!cond)
		tap_s.failed++;
	printf("%s %u - ", cond ? "ok" : "not ok", tap_s.run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok((cond), __VA_ARGS__)

#define is_u64(got, want, ...)                                                                 \
	do {                                                                                   \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);                          \
		if (!tap_ok(g_ == w_, __VA_ARGS__))                                            \
			printf("#   got %#" PRIx64 ", want %#" PRIx64 "\n", g_, w_);               \
	} while (0)

#define is_str(got, want, ...)                                                                 \
	do {                                                                                   \
		const char *g_ = (got), *w_ = (want);                                          \
		if (!tap_ok(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__))                         \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

/* Check an error: code and a substring of the message. Destroys the error. */
#define ck_err(err_expr, want_code, substr, ...)                                                    \
	do {                                                                                   \
		struct err *e_ = (err_expr);                                                        \
		bool c_ = e_ && e_->code == (want_code) && strstr(e_->message, (substr));      \
		if (!tap_ok(c_, __VA_ARGS__))                                                  \
			printf("#   got %s: '%s'\n", e_ ? err_code_name(e_->code) : "no error",    \
			       e_ ? e_->message : "");                                         \
		err_destroy(e_);                                                               \
	} while (0)

#define ck_no_err(err_expr, ...)                                                                    \
	do {                                                                                   \
		struct err *e_ = (err_expr);                                                        \
		if (!tap_ok(!e_, __VA_ARGS__))                                                 \
			printf("#   error: %s\n", e_->message);                                    \
		err_destroy(e_);                                                               \
	} while (0)

/* The whole of $top_srcdir/@dir/@name, NUL-terminated (caller frees); bails out if it cannot. */
static inline char *tap_slurp(const char *dir, const char *name)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s/%s", top ? top : "..", dir, name);
	f = fopen(path, "r");
	if (!f) {
		printf("Bail out! cannot open %s\n", path);
		exit(99);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = n < 0 ? NULL : calloc(1, (size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		printf("Bail out! cannot read %s\n", path);
		exit(99);
	}
	fclose(f);
	return buf;
}

static inline int done_testing(void)
{
	printf("1..%u\n", tap_s.run);
	return tap_s.failed ? 1 : 0;
}

#endif
