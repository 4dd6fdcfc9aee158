/* SPDX-License-Identifier: MIT */
/*
 * The working set manager of the reference VMM (transitions.md §2.B, §5.3): aging passes
 * (B6: Accessed set -> clear it, Age 0; clear -> Age + 1), trimming with the oldest entries
 * first in clock order from _MMWSL.NextSlot (B1 dirty -> Modified, B2 clean -> Standby, B3
 * locked pages stay unlinked, B4 all-zero pages released on an emptied working set, H3 page
 * tables whose share count is 1), the balance run when available memory is low, and the
 * last resort of the page allocator (A4).
 *
 * Thresholds [our choice; the book gives none for the trim stop, B:4717-4721]: the balance
 * runs when MmAvailablePages < low = max(32, RAM pages / 64) and trims until it reaches
 * high = 2 * low; it needs a paging file (without one nothing it trims becomes available).
 */
#ifndef MMKD_MODEL_VMM_TRIM_H
#define MMKD_MODEL_VMM_TRIM_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vproc;

enum trim_reason {
	TRIM_FORCE,   /* a `trim NAME COUNT` statement */
	TRIM_EMPTY,   /* `trim NAME all`: SetProcessWorkingSetSize(-1,-1), B4 applies */
	TRIM_REPLACE, /* one entry replaced for a new one (B5) */
	TRIM_BALANCE, /* low memory */
};

/** ws_age() - one aging pass over @p's working set (B6). */
void ws_age(struct vmm *v, struct vproc *p);

/**
 * trim_pages() - remove up to @count entries of @p's working set, highest Age first, in
 * clock order from NextSlot; data pages first, then page tables that became eligible.
 * @count: UINT64_MAX for every removable entry.
 * @trimmed_ret: optional, how many were removed.
 */
struct err *trim_pages_n(struct vmm *v, struct vproc *p, uint64_t count, enum trim_reason why,
			 uint64_t *trimmed_ret);

/** trim_pages() - trim_pages_n() without the count. */
struct err *trim_pages(struct vmm *v, struct vproc *p, uint64_t count, enum trim_reason why);

/** balance_if_low() - run the balance set manager when MmAvailablePages is low. */
struct err *balance_if_low(struct vmm *v);

/**
 * vmm_reclaim() - A4: make Standby pages (complete writes in flight, write Modified pages,
 * trim working sets and write what was trimmed).
 * @progress_ret: true if a Zeroed, Free or Standby page now exists.
 */
struct err *vmm_reclaim(struct vmm *v, bool *progress_ret);

#endif
