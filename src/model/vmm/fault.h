/* SPDX-License-Identifier: MIT */
/*
 * Page faults of the reference VMM (MmAccessFault, transitions.md §2 prologue): the walk of
 * the PML4E, PDPTE and PDE that makes each level valid (H1 first initialisation, H6 paging
 * structures brought back), then the dispatch on the PTE: demand zero (A0-A6), writes to
 * valid pages (A7, A7b, A7c), soft faults on transition PTEs (D1-D6), hard faults on
 * paging-file PTEs (E1-E8, in inpage.c). Also the PTE constructors the other modules use.
 */
#ifndef MMKD_MODEL_VMM_FAULT_H
#define MMKD_MODEL_VMM_FAULT_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vproc;

/**
 * pte_valid() - a valid user PTE: MmProtectToPteMask[@prot] | PFN | Valid | Owner |
 * Accessed, Dirty1 and Dirty when @dirty and the protection is writable, SoftwareWsIndex =
 * @ws_index & 0x7FF (paging.md §4, B:4392-4406).
 */
uint64_t pte_valid(unsigned prot, uint64_t pfn, uint32_t ws_index, bool dirty);

/**
 * pte_transition() - the transition PTE of a page leaving a working set: protection @prot,
 * the valid PTE's Write/Owner/PWT/PCD bits and bits 48-63 kept (B:5084-5121, [OBS] L5459).
 */
uint64_t pte_transition(uint64_t valid, unsigned prot);

/** prot_allows() - may an access (read, or write if @write) proceed under @prot? */
bool prot_allows(unsigned prot, bool write);

/** prot_cache() - the CacheAttribute of a protection (B:4351-4360). */
unsigned prot_cache(unsigned prot);

/**
 * vmm_touch() - @p reads or writes every page of [@va, @va + @size): one fault per page
 * that needs one. @nowait: a hard fault does not wait for its read (E1 stays in flight) and
 * a page whose read is in flight is skipped.
 * Return: NULL (access violations are recorded in the trace, as in Windows they are
 * exceptions for the process), or an error (address outside any VAD, out of memory).
 */
struct err *vmm_touch(struct vmm *v, struct vproc *p, uint64_t va, uint64_t size, bool write,
		      bool nowait);

/**
 * fault_ps() - make the entries above level @level of @va valid in @p (H1, H6): top down,
 * creating missing tables and bringing back tables in transition or in the paging file.
 */
struct err *fault_ps(struct vmm *v, struct vproc *p, uint64_t va, unsigned level);

/**
 * ws_insert() - a working set entry for @va in @p, trimming one page first when the working
 * set is at its hard maximum (B5, B:4521-4531) or the list cannot grow.
 */
struct err *ws_insert(struct vmm *v, struct vproc *p, uint64_t va, uint32_t *index_ret);

/** page_version() - the write version of @p's page at @va (0: never written). */
uint32_t page_version(const struct vproc *p, uint64_t va);

/** content_touch_write() - a write access: the page's version grows and its bytes change. */
void content_touch_write(struct vmm *v, struct vproc *p, uint64_t va, uint64_t pfn);

/** pins: paging structures the fault in progress must keep (not trimmed meanwhile). */
void pin_path(struct vmm *v, struct vproc *p, uint64_t va);
void unpin_all(struct vmm *v);
bool is_pinned(const struct vmm *v, uint64_t pfn);

#endif
