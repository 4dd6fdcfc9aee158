/* SPDX-License-Identifier: MIT */
/*
 * The consistency checker (!mmcheck): the invariants of spec/transitions.md §4 verified on a
 * dump, family by family: page lists (L), pages and their PTEs (P), paging structures (S),
 * working sets (W), VAD trees (V), the process list (X) and global accounting (G). Each
 * violation names the invariant, the structures involved and their addresses. Invariants the
 * spec marks as inferences (strength I) are warnings, checked only with --all, as are the
 * expensive ones (zeroed page contents, L5).
 */
#ifndef MMKD_MODEL_CHECK_H
#define MMKD_MODEL_CHECK_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct kernel_info;
struct selfmap;
struct progress;

struct violation {
	const char *id;		/* "L1", "S3", ... (transitions.md §4) */
	const char *family;	/* "lists", "pages", "paging structures", ... */
	bool warning;		/* strength I: an inference, reported as a warning */
	uint64_t pfn;		/* the page involved, or ~0 */
	uint64_t address;	/* a structure's address (list head, EPROCESS, VAD, ...), or 0 */
	char message[320];
};

typedef void (*violation_fn)(void *arg, const struct violation *v);

struct check_options {
	bool all;		/* also the inference-strength and expensive invariants */
	unsigned max_per_id;	/* stop reporting an invariant after this many (0: 50) */
	struct progress *prog;	/* may be NULL */
};

struct check_stats {
	uint64_t pages, lists, processes, vads, wsles, ptes, tables;
	uint64_t errors, warnings, suppressed;
	uint64_t skipped_in_flight; /* pages exempted: locked, WIP/RIP, transient (§4 intro) */
};

/**
 * mm_check() - verify every invariant that applies to the snapshot.
 * @fn: called for each violation (after the per-invariant limit, only counted).
 * Return: NULL, or an error when the dump cannot be checked at all.
 */
struct err *mm_check(const struct kernel_info *k, const struct selfmap *sm,
		     const struct check_options *opt, violation_fn fn, void *arg,
		     struct check_stats *stats);

#endif
