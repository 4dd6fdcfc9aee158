/* SPDX-License-Identifier: MIT */
/*
 * Page-table construction through the auto-entry, as Windows does it: once the PML4 and its
 * self-map entry exist (the one write made by physical address), every PXE, PPE, PDE and PTE
 * is written at its self-map virtual address (book L1699-1868), so a new table page becomes
 * visible in the paging-structure region the moment its parent entry is written.
 */
#ifndef MMKD_MODEL_VMM_PTBUILD_H
#define MMKD_MODEL_VMM_PTBUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/as.h"
#include "model/pte.h"

struct err;
struct physmem;

/** Allocate one zero-filled physical page for a paging structure. */
typedef struct err *(*ptb_alloc_fn)(void *arg, uint64_t va_of_table, unsigned level,
				    uint64_t *pa_ret);

struct ptbuild {
	struct physmem *pm;
	uint64_t pml4_pa;
	struct selfmap sm;
	struct as as;		/* walker over the simulated RAM rooted at pml4_pa */
	ptb_alloc_fn alloc;
	void *alloc_arg;
	/* Upper-level entries Windows writes (paging.md §1 "Typical Win7 values"). */
	uint64_t upper_user;	/* 0x867: P RW US A D Write */
	uint64_t upper_kernel;	/* 0x863 */
};

/**
 * ptb_init() - create the PML4 at @pml4_pa with auto-entry @index.
 * @selfmap_value: the auto-entry's value, 0 for the default (pml4_pa | 0x863: kernel-only,
 *                 book E03 "000000001AB3D863").
 */
struct err *ptb_init(struct ptbuild *b, struct physmem *pm, uint64_t pml4_pa, unsigned index,
		     uint64_t selfmap_value, ptb_alloc_fn alloc, void *alloc_arg);

/** ptb_attach() - use an existing PML4 (a process's) with the same self-map index. */
void ptb_attach(struct ptbuild *b, struct physmem *pm, uint64_t pml4_pa, unsigned index,
		ptb_alloc_fn alloc, void *alloc_arg);

/** ptb_read_va() / ptb_write_va() - 8 bytes at a virtual address through the current tables. */
struct err *ptb_read_va(struct ptbuild *b, uint64_t va, uint64_t *ret);
struct err *ptb_write_va(struct ptbuild *b, uint64_t va, uint64_t value);

/** ptb_va_to_pa() - translate through the current tables (uncached). */
struct err *ptb_va_to_pa(struct ptbuild *b, uint64_t va, uint64_t *ret);

/**
 * ptb_ensure() - make the paging structures above @level of @va present, allocating table
 * pages and writing each new parent entry at its self-map address.
 * @level: the entry that must become writable: 3 (PTE: PXE, PPE and PDE valid), 2 (PDE),
 *         1 (PPE), 0 (PXE: nothing to do).
 * @created_ret: optional; bit L set if the table holding level L entries was created.
 */
struct err *ptb_ensure(struct ptbuild *b, uint64_t va, unsigned level, unsigned *created_ret);

/** ptb_set_entry() - write the level-@level entry of @va (creating upper tables). */
struct err *ptb_set_entry(struct ptbuild *b, unsigned level, uint64_t va, uint64_t value);

/** ptb_get_entry() - read the level-@level entry of @va; ERR_FAULT if a parent is absent. */
struct err *ptb_get_entry(struct ptbuild *b, unsigned level, uint64_t va, uint64_t *ret);

/** ptb_map() - map @va to @pa with a 4 KiB (@large false) or 2 MiB page and leaf @flags. */
struct err *ptb_map(struct ptbuild *b, uint64_t va, uint64_t pa, bool large, uint64_t flags);

#endif
