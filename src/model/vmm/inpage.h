/* SPDX-License-Identifier: MIT */
/*
 * Hard faults of the reference VMM (transitions.md §2.E, §5.6): the cluster of the faulting
 * paging-file PTE plus up to 15 more in the same page table (15 above, then below), with
 * excluded PTEs trimmed off the ends and sent to the dummy page in the middle (E4); one page
 * per included PTE taken Free, Zeroed, then Standby (E1: Loc 2, ReadInProgress, u1 = the
 * support block's Event1, not linked, PTE in transition); one read; at completion the
 * faulting page becomes Active (E2, clean for a read, dirty for a write) and the others
 * Standby (E3). Collisions: a fault on a page being read waits for it (E7); a release
 * during the read discards the page (E6, PteAddress bit 1); a protection change during the
 * read sends the faulting page to Standby (E5). Every page read back is checked against the
 * contents the simulator wrote.
 */
#ifndef MMKD_MODEL_VMM_INPAGE_H
#define MMKD_MODEL_VMM_INPAGE_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vproc;
struct vio;

/**
 * inpage_fault() - a fault on the paging-file PTE @e of @va.
 * @nowait: leave the read in flight.
 * @again_ret: set when the fault must be retried (E5 changed the PTE).
 */
struct err *inpage_fault(struct vmm *v, struct vproc *p, uint64_t va, uint64_t e, bool write,
			 bool nowait, bool *again_ret);

/** inpage_complete() - the read @io finished (E2, E3, E5, E6). */
struct err *inpage_complete(struct vmm *v, struct vio *io);

/** inpage_collide() - E7: a fault on page @pfn whose read is in flight waits for it. */
struct err *inpage_collide(struct vmm *v, struct vproc *p, uint64_t pfn);

#endif
