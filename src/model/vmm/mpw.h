/* SPDX-License-Identifier: MIT */
/*
 * The modified page writer of the reference VMM (transitions.md §2.C, §5.5) and the I/O in
 * flight. The MPW takes Modified pages from the head of the lists, finds the owning address
 * space and builds a run of contiguous VAs of the same page table (Modified pages, and the
 * Active dirty pages between them, C4), allocates one contiguous block of paging-file slots
 * and issues one write: C1 (Modified page unlinked, Ref 1, WriteInProgress, OriginalPte gets
 * the paging-file offset) and C4 (Active page made clean, Ref 2). Completion gives C2 (to
 * Standby) or C3 (stays Active; a write during the I/O releases the slot again).
 *
 * When I/O completes [our choice, documented in mmkd-model(1)]: at the start of the next
 * statement that is not a snapshot; with `nowait`, only at `complete`, a collision, a
 * release, a process exit or when the page allocator needs pages.
 */
#ifndef MMKD_MODEL_VMM_MPW_H
#define MMKD_MODEL_VMM_MPW_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vio;

/**
 * mpw_run() - write every Modified page (until the paging file is full).
 * @nowait: the writes stay in flight until `complete` (or a collision).
 * @complete_now: complete them before returning (the background writer).
 * @written_ret: optional, pages written.
 */
struct err *mpw_run(struct vmm *v, bool nowait, bool complete_now, uint64_t *written_ret);

/** io_complete() - complete one I/O (write or read) and free it. */
struct err *io_complete(struct vmm *v, struct vio *io);

/**
 * io_complete_all() - complete the I/O in flight, oldest first.
 * @include_nowait: also the I/O issued with `nowait`.
 */
struct err *io_complete_all(struct vmm *v, bool include_nowait);

/** io_of_page() - the I/O in flight that holds page @pfn, or NULL. */
struct vio *io_of_page(const struct vmm *v, uint64_t pfn);

/** io_add() - append @io to the in-flight list. */
void io_add(struct vmm *v, struct vio *io);

/** io_remove() - take @io off the in-flight list (not freed). */
void io_remove(struct vmm *v, struct vio *io);

#endif
