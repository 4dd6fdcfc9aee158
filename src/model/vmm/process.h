/* SPDX-License-Identifier: MIT */
/*
 * Processes of the reference VMM: the _EPROCESS in nonpaged pool on the ActiveProcessLinks
 * list (System first), its own PML4 whose kernel half is copied from System's and whose
 * auto-entry points to itself (the PML4's _MMPFN has u1 = EPROCESS and PteFrame = itself,
 * B:5255-5262), its hyperspace (PML4 entry 0x1EE) with the UMAB page, the UMPB range and the
 * working set list, and the _MMSUPPORT counters (B:2879-2922, B:14286-14313).
 */
#ifndef MMKD_MODEL_VMM_PROCESS_H
#define MMKD_MODEL_VMM_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vproc;

/** Options of a `process` statement. */
struct process_opts {
	uint32_t pid;	     /* 0: the next free multiple of 4 */
	uint32_t max_ws;     /* 0: the default maximum (345 pages, B:4523) */
	bool hard_max;	     /* Vm.Flags.MaximumWorkingSetHard (B5) */
};

/**
 * process_system_create() - the System process (pid 4) and the boot PML4 at @pml4_pfn with
 * its auto-entry (DirBase = the kernel DTB). Called first at boot.
 */
struct err *process_system_create(struct vmm *v, uint64_t pml4_pfn);

/**
 * process_system_finish() - System's _EPROCESS, hyperspace and working set list, once the
 * pool and the page lists exist.
 */
struct err *process_system_finish(struct vmm *v);

/** process_create() - a user process named @name (an error if the name is in use). */
struct err *process_create(struct vmm *v, const char *name, const struct process_opts *o,
			   struct vproc **ret);

/** vmm_process_find() - the live process named @name, or NULL. */
struct vproc *vmm_process_find(const struct vmm *v, const char *name);

/**
 * process_sync_counters() - note that @p's counters changed; they (and its _MMWSL header)
 * are rendered by process_flush() at the end of the statement, before any snapshot.
 */
void process_sync_counters(struct vmm *v, struct vproc *p);

/** process_flush() - render the _MMSUPPORT, _EPROCESS and _MMWSL fields of every changed process. */
void process_flush(struct vmm *v);

/**
 * process_ps_page() - make @pfn a paging structure of @p at @level (0 PML4 .. 3 PT), mapped
 * by the entry at @pte_va held in page @pte_frame, in working set entry @ws_index.
 */
void process_ps_page(struct vmm *v, struct vproc *p, uint64_t pfn, unsigned level,
		     uint64_t pte_va, uint64_t pte_frame, uint32_t ws_index);

/**
 * process_hyper_page() - allocate a zero-filled hyperspace data page of @p and map it at @va
 * (its page table must exist); @in_ws: give it a working set entry (else @fixed_index, the
 * fixed WSL entry it will have, or 0 for none), which its PTE carries in SoftwareWsIndex.
 */
struct err *process_hyper_page(struct vmm *v, struct vproc *p, uint64_t va, bool in_ws,
			       uint32_t fixed_index, uint64_t *pfn_ret);

/**
 * process_hyper_table() - a hyperspace paging structure of @p below the level-@level entry
 * of @va (H1); @in_ws: give it a working set entry, else WsIndex @fixed_index.
 */
struct err *process_hyper_table(struct vmm *v, struct vproc *p, unsigned level, uint64_t va,
				bool in_ws, uint32_t fixed_index, uint64_t *pfn_ret);

/** process_unlink() - take @p off ActiveProcessLinks (process exit). */
void process_unlink(struct vmm *v, struct vproc *p);

/** process_free() - free @p's C state. */
void process_free(struct vproc *p);

#endif
