/* SPDX-License-Identifier: MIT */
/*
 * One pass over the PFN database (!memusage): pages per PageLocation over the physical
 * memory runs, at memory bandwidth (only the PageLocation byte of each entry is touched, in
 * place when the dump is mapped), and optionally per owning process.
 */
#ifndef MMKD_MODEL_MEMUSAGE_H
#define MMKD_MODEL_MEMUSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct err;
struct kernel_info;
struct progress;

struct memusage {
	uint64_t by_location[8];	/* enum mm_list */
	uint64_t total;
	uint64_t unreadable;		/* PFN database pages missing from the dump */
};

/** memusage_scan() - count pages by state; @prog may be NULL. */
struct err *memusage_scan(const struct kernel_info *k, struct progress *prog, struct memusage *ret);

struct owner_usage {
	uint64_t eprocess;		/* 0: system / not process-owned */
	uint64_t by_location[8];
};

/**
 * memusage_owners() - pages per owning process: a page's owner is found by following
 * u4.PteFrame up to a PML4 page, whose u1 is the EPROCESS (S1, C1: B:5255-5262).
 * @ret: array (caller frees) of @n_ret entries, the system entry first.
 */
struct err *memusage_owners(const struct kernel_info *k, struct progress *prog,
			    struct owner_usage **ret, size_t *n_ret);

#endif
