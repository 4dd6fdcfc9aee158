/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the checker's files (check.c: lists, pages, paging structures;
 * check_ws.c: processes, working sets, VADs). Not part of the model's API.
 */
#ifndef MMKD_MODEL_CHECK_INT_H
#define MMKD_MODEL_CHECK_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "model/check.h"

struct kernel_info;
struct selfmap;

#define CHECK_MAX_IDS 48

struct checker {
	const struct kernel_info *k;
	const struct selfmap *sm;
	const struct check_options *opt;
	violation_fn fn;
	void *arg;
	struct check_stats *st;
	uint8_t *listed;	/* per PFN: list code + 1, 0xFF when on two lists */
	const char *ids[CHECK_MAX_IDS];
	unsigned id_counts[CHECK_MAX_IDS];
};

/** check_report() - record a violation of invariant @id (counted; reported up to the limit). */
void check_report(struct checker *c, const char *id, const char *family, bool warning,
		  uint64_t pfn, uint64_t address, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/** check_processes() - X, S1, W and V families for every process. */
void check_processes(struct checker *c);

#endif
