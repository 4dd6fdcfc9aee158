/* SPDX-License-Identifier: MIT */
/*
 * The paging file of the reference VMM (MmPagingFile[0], structures.md §13.1): its contents
 * as a byte image (so that data written out and read back can be checked), its slot bitmap
 * (_RTL_BITMAP in nonpaged pool), FreeSpace and PeakUsage. PageFileLow is 0 (file index 0)
 * and PageFileHigh the slot; slot 0 is never used because PageFileHigh 0 means "no paging
 * file copy" (a demand-zero PTE, paging.md §3.3).
 */
#ifndef MMKD_MODEL_VMM_PAGEFILE_H
#define MMKD_MODEL_VMM_PAGEFILE_H

#include <stdbool.h>
#include <stdint.h>

struct err;
struct vmm;
struct vpfn;

/** pagefile_create() - the paging file of v->pf.size_pages pages (none when 0). */
struct err *pagefile_create(struct vmm *v);

/** pagefile_destroy() - free its C state and contents. */
void pagefile_destroy(struct vmm *v);

/**
 * pagefile_alloc() - a contiguous block of @n free slots (first fit from BitmapHint).
 * Return: false if no such block exists.
 */
bool pagefile_alloc(struct vmm *v, unsigned n, uint64_t *off_ret);

/** pagefile_free() - release slot @off. */
void pagefile_free(struct vmm *v, uint64_t off);

/**
 * pagefile_release_copy() - MiReleaseConfirmedPageFileSpace: @pg was written to, so its copy
 * in the paging file is stale; free the slot OriginalPte names and keep only the protection.
 */
void pagefile_release_copy(struct vmm *v, struct vpfn *pg);

/** pagefile_used() - is slot @off in use? */
bool pagefile_used(const struct vmm *v, uint64_t off);

/** pagefile_write() / pagefile_read() - one page of contents at slot @off. */
void pagefile_write(struct vmm *v, uint64_t off, const uint8_t *page);
void pagefile_read(const struct vmm *v, uint64_t off, uint8_t *page);

/** pagefile_sync() - render FreeSpace, PeakUsage, BitmapHint, LastAllocationSize. */
void pagefile_sync(struct vmm *v);

/** pagefile_save() - write the image (sparse) to @path. */
struct err *pagefile_save(const struct vmm *v, const char *path);

#endif
