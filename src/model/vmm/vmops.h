/* SPDX-License-Identifier: MIT */
/*
 * Virtual memory services of the reference VMM (transitions.md §2.F, §2.G): reserve and
 * commit (F0: a VAD, or demand-zero PTEs for a partial commit), decommit and release of
 * Active, Standby, Modified and paged-out pages (F1-F2; E6 during a read), page tables freed
 * when their last entry is released, protection changes (F4; E5 during a read), locking
 * (K6, B3), process exit (F3) and the zero page thread (G1).
 */
#ifndef MMKD_MODEL_VMM_VMOPS_H
#define MMKD_MODEL_VMM_VMOPS_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vproc;

#define VMM_ADDR_ANY UINT64_MAX

/**
 * vmm_alloc() - VirtualAllocEx: reserve (and commit, MemCommit=1) a new range at @va
 * (rounded down to 64 KB) or anywhere, or commit part of an existing reserved range.
 */
struct err *vmm_alloc(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, unsigned prot,
		      bool commit);

/**
 * vmm_free() - VirtualFreeEx: decommit [@va, @va + @size) (PTEs become 0x200), or release
 * the whole allocation based at @va (@size 0 or its full size; PTEs become 0, VAD deleted).
 */
struct err *vmm_free(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, bool release);

/** vmm_protect() - VirtualProtectEx on committed pages (F4, E5). */
struct err *vmm_protect(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, unsigned prot);

/** vmm_lock() - lock (fault in, Ref + 1) or unlock pages (K6; B3 when trimmed meanwhile). */
struct err *vmm_lock(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, bool lock);

/** vmm_exit() - process exit: every page of @p goes to the Free list (F3). */
struct err *vmm_exit(struct vmm *v, struct vproc *p);

/** vmm_zero() - the zero page thread zeroes every Free page (G1). */
void vmm_zero(struct vmm *v);

#endif
