/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocation of the reference VMM (transitions.md §5.1): the color-NUMA index
 * from the address space's NextPageColor (B:3898-3917), the list order for demand-zero pages
 * (Zeroed, Free then zeroed at a work VA, Standby repurposed: A1-A3, B:4064-4161) and for
 * read targets (Free, Zeroed, Standby: E1, B:7135-7141), repurposing of the lowest-priority
 * Standby page with the old owner's PTE restored from OriginalPte (R1, B:4108-4161), and the
 * last resort when every list is empty (A4): run the modified page writer and the working set
 * manager, then try again.
 */
#ifndef MMKD_MODEL_VMM_ALLOC_H
#define MMKD_MODEL_VMM_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vproc;

enum alloc_order {
	ALLOC_ZERO, /* demand zero: Zeroed, Free (zeroed), Standby (repurposed, zeroed) */
	ALLOC_READ, /* read target: Free, Zeroed, Standby; contents are overwritten */
};

/**
 * page_alloc() - take a physical page for @p (NULL: the system) in @order.
 * @from_ret: the page's PageLocation before: Zeroed, Free, or Bad for a page that was just
 *            repurposed (the transient Loc 5 state, B:14098-14109).
 * The page is unlinked, in no working set; the caller initializes it.
 * Return: NULL, or ERR_NOMEM "out of physical memory ..." naming why nothing could be freed.
 */
struct err *page_alloc(struct vmm *v, struct vproc *p, enum alloc_order order, uint64_t *pfn_ret,
		       unsigned *from_ret);

/** dz_event() - the row of a demand-zero allocation from @from: A1 Zeroed, A2 Free, A3 Standby. */
const char *dz_event(unsigned from);

/** next_color() - NextPageColor += 1, then the color-NUMA index (B:3912-3917). */
unsigned next_color(struct vmm *v, struct vproc *p);

/**
 * entry_of_page() - the process, level and VA whose paging entry maps page @pfn (the PTE of
 * a data page, the parent entry of a paging structure).
 * Return: false for pages no process maps.
 */
bool entry_of_page(const struct vmm *v, uint64_t pfn, struct vproc **p_ret, unsigned *level_ret,
		   uint64_t *va_ret);

#endif
