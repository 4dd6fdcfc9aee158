/* SPDX-License-Identifier: MIT */
/*
 * Kernel mappings of the reference VMM: system paging structures (never paged, WsIndex 0,
 * UsedPageTableEntries 0, B:8299, B:11628), kernel pages that are Active in no working set
 * (B:14162-14170), the boot-time bump allocator that lays out the kernel before the page
 * lists exist, and the per-CPU work mapping in the System PTE region that the VMM uses to
 * zero a page or to restore the PTE of a repurposed page in another address space (G4,
 * B:4475-4503).
 */
#ifndef MMKD_MODEL_VMM_KMEM_H
#define MMKD_MODEL_VMM_KMEM_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;

/**
 * boot_alloc() - the next physical page (or 2 MiB-aligned block of @npages pages) of the
 * boot region above the kernel image; the pages become kernel pages.
 */
struct err *boot_alloc(struct vmm *v, uint64_t npages, uint64_t align_pages, uint64_t *pfn_ret);

/**
 * kpage_init() - make @pfn an Active kernel page in no working set, mapped by the entry at
 * @pte_va in the table held by @pte_frame (its share count grows by one).
 * @level: 0-3 for a paging structure, 4 for data.
 */
void kpage_init(struct vmm *v, uint64_t pfn, unsigned level, uint64_t pte_va, uint64_t pte_frame);

/**
 * kmap_ensure() - create the system paging structures above the level-@level entry of the
 * kernel address @va (a page from the boot region or from the lists).
 */
struct err *kmap_ensure(struct vmm *v, uint64_t va, unsigned level);

/** kmap_page() - map the kernel page @va to @pfn with leaf @flags (creating tables). */
struct err *kmap_page(struct vmm *v, uint64_t va, uint64_t pfn, uint64_t flags);

/** kmap_large() - map the 2 MiB kernel page @va to the block at @pfn. */
struct err *kmap_large(struct vmm *v, uint64_t va, uint64_t pfn, uint64_t flags);

/**
 * kpage_new() - allocate a zero-filled page (boot region while booting, else the lists),
 * map it at kernel @va as a kernel page and return its PFN.
 */
struct err *kpage_new(struct vmm *v, uint64_t va, uint64_t flags, uint64_t *pfn_ret);

/**
 * work_map() - map @pfn at the next per-CPU work VA (KPRCB.HyperPte counts the 64 slots).
 * Return: the VA; work_unmap() must follow before the next work_map().
 */
uint64_t work_map(struct vmm *v, uint64_t pfn);

/** work_unmap() - clear the work PTE written by the last work_map(). */
void work_unmap(struct vmm *v, uint64_t va);

/** page_zero() - zero physical page @pfn through a work mapping (MiZeroPhysicalPage, A2). */
void page_zero(struct vmm *v, uint64_t pfn);

#endif
