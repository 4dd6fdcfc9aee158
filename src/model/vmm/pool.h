/* SPDX-License-Identifier: MIT */
/*
 * Nonpaged pool of the reference VMM: the region right after the per-color list heads
 * (B:14617-14620, MmNonPagedPoolStart), mapped page by page as pages are needed (each an
 * Active kernel page in no working set). Small blocks carry a _POOL_HEADER with the block and
 * previous sizes in 16-byte units and a tag ('Proc' with the protected bit for processes,
 * 'VadS' for short VADs), never cross a page, and are reused by size when freed. Whole-page
 * allocations have no header. EPROCESS objects, VADs, in-page support blocks, the paging
 * file structures and the physical memory descriptor live here.
 */
#ifndef MMKD_MODEL_VMM_POOL_H
#define MMKD_MODEL_VMM_POOL_H

#include <stddef.h>
#include <stdint.h>

struct err;
struct vmm;

#define POOL_TAG(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define POOL_TAG_PROCESS (POOL_TAG('P', 'r', 'o', 'c') | 0x80000000U) /* protected: "Pro\xe3" */
#define POOL_TAG_VAD_SHORT POOL_TAG('V', 'a', 'd', 'S')
#define POOL_TAG_INPAGE POOL_TAG('M', 'm', 'I', 'n')
#define POOL_TAG_PAGEFILE POOL_TAG('M', 'm', 'P', 'f')
#define POOL_TAG_PHYSMEM POOL_TAG('M', 'm', 'P', 'h')
#define POOL_TAG_CONTEXT POOL_TAG('K', 'e', 'C', 'x')

/** pool_init() - start the pool at @start_va (page aligned); nothing is mapped yet. */
void pool_init(struct vmm *v, uint64_t start_va);

/**
 * pool_alloc() - a zero-filled block of @size bytes (at most 4064) tagged @tag.
 * @va_ret: the address after the _POOL_HEADER.
 */
struct err *pool_alloc(struct vmm *v, uint32_t tag, size_t size, uint64_t *va_ret);

/** pool_alloc_pages() - @npages whole zero-filled pages (no header). */
struct err *pool_alloc_pages(struct vmm *v, uint64_t npages, uint64_t *va_ret);

/** pool_free() - release a block from pool_alloc() (its header's PoolType becomes 0). */
void pool_free(struct vmm *v, uint64_t va);

/** pool_deinit() - free the allocator's C state. */
void pool_deinit(struct vmm *v);

#endif
