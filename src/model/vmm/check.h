/* SPDX-License-Identifier: MIT */
/*
 * Self-checks of the reference VMM: the invariants of shared/spec/transitions.md §4 that
 * apply to private memory, verified on the simulator's own state (list linkage and counts,
 * PageLocation against the lists, PTE <-> PFN back-links, share and used-entry counts of
 * page tables, WSLE <-> PTE, working set size, VAD order and AVL balance, paging-file slot
 * ownership, commit accounting) and, at statement boundaries, every page's contents. A
 * broken invariant is an ERR_FORMAT naming the invariant, the page or structure and what
 * was found.
 */
#ifndef MMKD_MODEL_VMM_CHECK_H
#define MMKD_MODEL_VMM_CHECK_H

#include <stdbool.h>

struct err;
struct vmm;

/** vmm_check_step() - in check mode, verify the state after an event (contents excepted). */
struct err *vmm_check_step(struct vmm *v);

/** vmm_check_all() - verify every invariant; @contents: also every page's bytes. */
struct err *vmm_check_all(struct vmm *v, bool contents);

#endif
